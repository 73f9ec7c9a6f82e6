//! Encoding: one walk over the fields of a packet serves both the size computation and the
//! emission of any byte window, so `encode`, `encoded_len` and `encode_chunk` share all code
//! and no field (in particular no PUBLISH payload) is ever copied into a temporary.

use super::{EncodeError, Packet, Publish, QoS, Topics, MAX_REMAINING_LENGTH};

/// Number of bytes the remaining-length field takes for `value` (1..=4; 4 also for values
/// above the maximum, which callers reject separately).
fn remaining_length_len(value: usize) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Encodes `value` as a remaining length into `buf`; returns the number of bytes (1..=4).
///
/// Values above [`MAX_REMAINING_LENGTH`] give [`EncodeError::PacketTooLarge`]; a `buf`
/// shorter than the encoding gives [`EncodeError::BufferTooSmall`].
pub fn encode_remaining_length(value: u32, buf: &mut [u8]) -> Result<usize, EncodeError> {
    if value > MAX_REMAINING_LENGTH {
        return Err(EncodeError::PacketTooLarge);
    }
    let n = remaining_length_len(value as usize);
    let out = buf
        .get_mut(..n)
        .ok_or(EncodeError::BufferTooSmall { required: n })?;
    let mut v = value;
    for b in out.iter_mut() {
        *b = (v as u8 & 0x7F) | if v > 0x7F { 0x80 } else { 0 };
        v >>= 7;
    }
    Ok(n)
}

/// A window onto the encoded packet: bytes before `skip` are passed over, bytes that fit in
/// `buf` are written, the rest only counted in `total`.
struct Out<'b> {
    buf: &'b mut [u8],
    skip: usize,
    pos: usize,
    total: usize,
}

impl Out<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.total = self.total.saturating_add(bytes.len());
        let Some(bytes) = bytes.get(self.skip..) else {
            self.skip -= bytes.len();
            return;
        };
        self.skip = 0;
        let free = self.buf.get_mut(self.pos..).unwrap_or_default();
        let n = free.len().min(bytes.len());
        if let (Some(dst), Some(src)) = (free.get_mut(..n), bytes.get(..n)) {
            dst.copy_from_slice(src);
            self.pos += n;
        }
    }

    fn u8(&mut self, b: u8) {
        self.put(&[b]);
    }

    fn u16(&mut self, v: u16) {
        self.put(&v.to_be_bytes());
    }

    /// A length-prefixed field.
    fn field(&mut self, s: &[u8]) -> Result<(), EncodeError> {
        let n = u16::try_from(s.len()).map_err(|_| EncodeError::FieldTooLong)?;
        self.u16(n);
        self.put(s);
        Ok(())
    }
}

fn nonzero(id: u16) -> Result<u16, EncodeError> {
    if id == 0 {
        Err(EncodeError::InvalidField)
    } else {
        Ok(id)
    }
}

/// The first header byte.
fn header_byte(p: &Packet<'_>) -> u8 {
    match p {
        Packet::Connect(_) => 0x10,
        Packet::Connack { .. } => 0x20,
        Packet::Publish(p) => {
            0x30 | (u8::from(p.dup) << 3) | ((p.qos as u8) << 1) | u8::from(p.retain)
        }
        Packet::Puback(_) => 0x40,
        Packet::Pubrec(_) => 0x50,
        Packet::Pubrel(_) => 0x62,
        Packet::Pubcomp(_) => 0x70,
        Packet::Subscribe { .. } => 0x82,
        Packet::Suback { .. } => 0x90,
        Packet::Unsubscribe { .. } => 0xA2,
        Packet::Unsuback(_) => 0xB0,
        Packet::Pingreq => 0xC0,
        Packet::Pingresp => 0xD0,
        Packet::Disconnect => 0xE0,
    }
}

fn check_publish(p: &Publish<'_>) -> Result<(), EncodeError> {
    let ok = match (p.qos, p.packet_id) {
        (QoS::AtMostOnce, None) => !p.dup,
        (QoS::AtMostOnce, Some(_)) | (_, None) | (_, Some(0)) => false,
        (_, Some(_)) => true,
    };
    if ok && !p.topic.is_empty() {
        Ok(())
    } else {
        Err(EncodeError::InvalidField)
    }
}

/// Walks the variable header and payload of `p` into `out`.
fn body(p: &Packet<'_>, out: &mut Out<'_>) -> Result<(), EncodeError> {
    match p {
        Packet::Connect(c) => {
            let mut flags = u8::from(c.clean_session) << 1;
            if let Some(w) = &c.will {
                flags |= 0x04 | ((w.qos as u8) << 3) | (u8::from(w.retain) << 5);
            }
            if c.username.is_some() {
                flags |= 0x80;
                if c.password.is_some() {
                    flags |= 0x40;
                }
            }
            out.put(&[0, 4, b'M', b'Q', b'T', b'T', 4, flags]);
            out.u16(c.keep_alive);
            out.field(c.client_id)?;
            if let Some(w) = &c.will {
                out.field(w.topic)?;
                out.field(w.message)?;
            }
            if let Some(user) = c.username {
                out.field(user)?;
                if let Some(pass) = c.password {
                    out.field(pass)?;
                }
            }
        }
        Packet::Connack {
            session_present,
            return_code,
        } => {
            out.put(&[u8::from(*session_present), *return_code]);
        }
        Packet::Publish(p) => {
            check_publish(p)?;
            out.field(p.topic)?;
            if let Some(id) = p.packet_id {
                out.u16(id);
            }
            out.put(p.payload);
        }
        Packet::Puback(id)
        | Packet::Pubrec(id)
        | Packet::Pubrel(id)
        | Packet::Pubcomp(id)
        | Packet::Unsuback(id) => out.u16(*id),
        Packet::Subscribe { packet_id, topics } | Packet::Unsubscribe { packet_id, topics } => {
            out.u16(nonzero(*packet_id)?);
            let with_qos = matches!(p, Packet::Subscribe { .. });
            match topics {
                Topics::List(list) => {
                    if list.is_empty() {
                        return Err(EncodeError::InvalidField);
                    }
                    for t in list.iter() {
                        out.field(t.filter)?;
                        if with_qos {
                            out.u8(t.qos as u8);
                        }
                    }
                }
                Topics::Wire { bytes, .. } => {
                    if bytes.is_empty() {
                        return Err(EncodeError::InvalidField);
                    }
                    out.put(bytes);
                }
            }
        }
        Packet::Suback {
            packet_id,
            return_codes,
        } => {
            if return_codes.is_empty() {
                return Err(EncodeError::InvalidField);
            }
            out.u16(*packet_id);
            out.put(return_codes);
        }
        Packet::Pingreq | Packet::Pingresp | Packet::Disconnect => {}
    }
    Ok(())
}

/// Validates `p` and returns its remaining length.
fn remaining_length(p: &Packet<'_>) -> Result<usize, EncodeError> {
    let mut count = Out {
        buf: &mut [],
        skip: 0,
        pos: 0,
        total: 0,
    };
    body(p, &mut count)?;
    if count.total > MAX_REMAINING_LENGTH as usize {
        return Err(EncodeError::PacketTooLarge);
    }
    Ok(count.total)
}

/// Writes the window `offset ..` of the encoded `p` into `buf`. With `whole`, `buf` must take
/// the entire packet (checked before anything is written).
fn emit(p: &Packet<'_>, offset: usize, buf: &mut [u8], whole: bool) -> Result<usize, EncodeError> {
    let rl = remaining_length(p)?;
    let mut header = [header_byte(p), 0, 0, 0, 0];
    let n = encode_remaining_length(rl as u32, header.get_mut(1..).unwrap_or_default())?;
    if whole && buf.len() < 1 + n + rl {
        return Err(EncodeError::BufferTooSmall {
            required: 1 + n + rl,
        });
    }
    let mut out = Out {
        buf,
        skip: offset,
        pos: 0,
        total: 0,
    };
    out.put(header.get(..1 + n).unwrap_or_default());
    body(p, &mut out)?;
    Ok(out.pos)
}

impl Packet<'_> {
    /// Size of the whole encoded packet (fixed header included).
    ///
    /// Fails like [`Packet::encode`] on invalid fields ([`EncodeError::FieldTooLong`],
    /// [`EncodeError::PacketTooLarge`], [`EncodeError::InvalidField`]).
    pub fn encoded_len(&self) -> Result<usize, EncodeError> {
        let rl = remaining_length(self)?;
        Ok(1 + remaining_length_len(rl) + rl)
    }

    /// Encodes the whole packet into `buf`; returns the bytes written.
    ///
    /// Nothing is written unless the whole packet fits ([`EncodeError::BufferTooSmall`] says
    /// how much is needed). The encoder checks structure, not text: a PUBLISH needs a
    /// non-empty topic and a non-zero packet id exactly when QoS > 0 (and no DUP at QoS 0),
    /// SUBSCRIBE/UNSUBSCRIBE a non-zero id and at least one filter, SUBACK at least one code;
    /// every length-prefixed field at most 65,535 bytes; the remaining length at most
    /// [`MAX_REMAINING_LENGTH`]. Acknowledgement ids (including 0) are written as given.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        emit(self, 0, buf, true)
    }
}

/// Writes bytes `offset .. offset + buf.len()` (clipped at the end) of the encoded `packet`
/// into `buf`; returns the number written (0 once `offset` reaches the end).
///
/// Validates like [`Packet::encode`] on every call. Fields are streamed straight from the
/// packet's slices into `buf`; no temporary holds a whole field or the payload.
pub fn encode_chunk(
    packet: &Packet<'_>,
    offset: usize,
    buf: &mut [u8],
) -> Result<usize, EncodeError> {
    emit(packet, offset, buf, false)
}

/// The remaining length of a body made of `parts` (bit `i` of `fields` set: part `i` is a
/// length-prefixed field) and the size of the whole packet: [`EncodeError::FieldTooLong`] for
/// a field above 65,535 bytes, [`EncodeError::PacketTooLarge`] above [`MAX_REMAINING_LENGTH`].
fn parts_size(parts: &[&[u8]], fields: u32) -> Result<(usize, usize), EncodeError> {
    let mut rl = 0usize;
    for (i, p) in parts.iter().enumerate() {
        if fields >> i & 1 != 0 {
            if p.len() > usize::from(u16::MAX) {
                return Err(EncodeError::FieldTooLong);
            }
            rl += 2;
        }
        rl = rl.saturating_add(p.len());
    }
    if rl > MAX_REMAINING_LENGTH as usize {
        return Err(EncodeError::PacketTooLarge);
    }
    Ok((rl, 1 + remaining_length_len(rl) + rl))
}

/// Size of the whole packet (fixed header included) with a body made of `parts`; fails like
/// [`encode_parts`].
///
/// The compact path for what a client sends (CONNECT, PUBLISH, SUBSCRIBE, UNSUBSCRIBE with
/// the session's own values): it checks lengths only, the caller lays out the body.
pub fn parts_len(parts: &[&[u8]], fields: u32) -> Result<usize, EncodeError> {
    Ok(parts_size(parts, fields)?.1)
}

/// Encodes the packet with first byte `header` and a body made of `parts` into `buf` (bit `i`
/// of `fields` set: part `i` is a length-prefixed field, 2-byte big-endian length first;
/// otherwise its bytes go as they are); returns the bytes written. Nothing is written unless
/// the whole packet fits ([`EncodeError::BufferTooSmall`]); fields above 65,535 bytes give
/// [`EncodeError::FieldTooLong`], a body above [`MAX_REMAINING_LENGTH`]
/// [`EncodeError::PacketTooLarge`].
pub fn encode_parts(
    header: u8,
    parts: &[&[u8]],
    fields: u32,
    buf: &mut [u8],
) -> Result<usize, EncodeError> {
    let (rl, n) = parts_size(parts, fields)?;
    let Some((first, mut rest)) = buf.get_mut(..n).and_then(|b| b.split_first_mut()) else {
        return Err(EncodeError::BufferTooSmall { required: n });
    };
    *first = header;
    let used = encode_remaining_length(rl as u32, rest)?;
    rest = rest.get_mut(used..).unwrap_or_default();
    for (i, p) in parts.iter().enumerate() {
        if fields >> i & 1 != 0 {
            put(&mut rest, &(p.len() as u16).to_be_bytes());
        }
        put(&mut rest, p);
    }
    Ok(n)
}

/// Copies `bytes` to the front of `rest` (as much as fits) and moves `rest` past them.
fn put(rest: &mut &mut [u8], bytes: &[u8]) {
    let buf = core::mem::take(rest);
    let k = bytes.len().min(buf.len());
    let (dst, tail) = buf.split_at_mut(k);
    if let Some(src) = bytes.get(..k) {
        dst.copy_from_slice(src);
    }
    *rest = tail;
}
