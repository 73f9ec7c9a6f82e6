//! Decoding: the remaining-length field, whole frames of every packet type, and the MQTT
//! string and topic checks.
//!
//! Every read goes through [`Reader`], which checks bounds and returns
//! [`DecodeError::Truncated`] instead of indexing, so no input can make decoding panic.

use super::{Connect, DecodeError, Packet, PacketType, Publish, QoS, SubscribeTopic, Topics, Will};

/// Decodes a remaining length at the start of `buf` (the bytes after the first header byte).
/// `Ok(None)` means more bytes are needed; `Ok(Some((value, bytes_used)))` on success.
///
/// A fifth byte (continuation bit set on the fourth) and a non-minimal encoding (a last byte
/// of 0 after a continuation) are [`DecodeError::MalformedRemainingLength`].
pub fn decode_remaining_length(buf: &[u8]) -> Result<Option<(u32, usize)>, DecodeError> {
    let mut value = 0u32;
    let mut i = 0;
    while i < 4 {
        let Some(&b) = buf.get(i) else {
            return Ok(None);
        };
        value |= u32::from(b & 0x7F) << (7 * i);
        i += 1;
        if b & 0x80 == 0 {
            // Minimal iff the last byte is non-zero (or it is the only byte).
            if b == 0 && i > 1 {
                return Err(DecodeError::MalformedRemainingLength);
            }
            return Ok(Some((value, i)));
        }
    }
    Err(DecodeError::MalformedRemainingLength)
}

/// Bounds-checked cursor over a packet body.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let (head, tail) = self
            .rest
            .split_at_checked(n)
            .ok_or(DecodeError::Truncated)?;
        self.rest = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        let (&b, tail) = self.rest.split_first().ok_or(DecodeError::Truncated)?;
        self.rest = tail;
        Ok(b)
    }

    fn u16(&mut self) -> Result<u16, DecodeError> {
        let (head, tail) = self
            .rest
            .split_first_chunk::<2>()
            .ok_or(DecodeError::Truncated)?;
        self.rest = tail;
        Ok(u16::from_be_bytes(*head))
    }

    /// A non-zero packet identifier.
    fn packet_id(&mut self) -> Result<u16, DecodeError> {
        match self.u16()? {
            0 => Err(DecodeError::ZeroPacketId),
            id => Ok(id),
        }
    }

    /// A length-prefixed field (2-byte big-endian length, then the bytes).
    fn field(&mut self) -> Result<&'a [u8], DecodeError> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }
}

/// What [`check_utf8`] additionally rejects besides malformed UTF-8 and U+0000.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    /// Any MQTT UTF-8 string.
    Any,
    /// A topic name: non-empty, no `+` or `#`.
    TopicName,
    /// A topic filter: non-empty, `+` alone in its level, `#` alone in the last level.
    TopicFilter,
}

/// Checks MQTT UTF-8 (well-formed, shortest form, no surrogates, no U+0000) plus the topic
/// rules of `kind`. Returns `false` on any violation.
fn check_utf8(s: &[u8], kind: Text) -> bool {
    if kind != Text::Any && s.is_empty() {
        return false;
    }
    let mut i = 0;
    // Previous byte, '/' at the start so that a level boundary is recognised.
    let mut prev = b'/';
    while let Some(&b) = s.get(i) {
        i += 1;
        if b < 0x80 {
            if b == 0 {
                return false;
            }
            if (b == b'+' || b == b'#') && kind != Text::Any {
                if kind == Text::TopicName || prev != b'/' {
                    return false;
                }
                match s.get(i) {
                    None => {}
                    Some(b'/') if b == b'+' => {}
                    Some(_) => return false,
                }
            }
            prev = b;
            continue;
        }
        prev = b;
        let (extra, min) = match b {
            0xC2..=0xDF => (1, 0x80),
            0xE0..=0xEF => (2, 0x800),
            0xF0..=0xF4 => (3, 0x1_0000),
            _ => return false,
        };
        let mut cp = u32::from(b & (0x3F >> extra));
        for _ in 0..extra {
            match s.get(i) {
                Some(&c) if c & 0xC0 == 0x80 => cp = (cp << 6) | u32::from(c & 0x3F),
                _ => return false,
            }
            i += 1;
        }
        if cp < min || (0xD800..=0xDFFF).contains(&cp) || cp > 0x10_FFFF {
            return false;
        }
    }
    true
}

fn string(bytes: &[u8]) -> Result<&[u8], DecodeError> {
    if check_utf8(bytes, Text::Any) {
        Ok(bytes)
    } else {
        Err(DecodeError::InvalidString)
    }
}

fn topic(bytes: &[u8], kind: Text) -> Result<&[u8], DecodeError> {
    if check_utf8(bytes, kind) {
        Ok(bytes)
    } else {
        Err(DecodeError::InvalidTopic)
    }
}

/// `true` when `name` is a valid MQTT topic name: non-empty MQTT UTF-8 without `+` or `#`.
pub fn is_valid_topic_name(name: &[u8]) -> bool {
    check_utf8(name, Text::TopicName)
}

/// `true` when `filter` is a valid MQTT topic filter (wildcards in allowed positions).
pub fn is_valid_topic_filter(filter: &[u8]) -> bool {
    check_utf8(filter, Text::TopicFilter)
}

/// `true` when `s` is a valid MQTT UTF-8 string (well-formed, no surrogates, no U+0000).
pub fn is_valid_mqtt_string(s: &[u8]) -> bool {
    check_utf8(s, Text::Any)
}

/// Splits the fixed header off `frame`: returns the first byte, the type and the body, which
/// must be exactly as long as the remaining length says. With `inbound`, packets only a server
/// receives are refused as soon as their type is known.
fn split_frame(frame: &[u8], inbound: bool) -> Result<(u8, PacketType, &[u8]), DecodeError> {
    let (&header, rest) = frame.split_first().ok_or(DecodeError::Truncated)?;
    let kind = packet_type(header).ok_or(DecodeError::ReservedPacketType)?;
    if inbound
        && matches!(
            kind,
            PacketType::Connect
                | PacketType::Subscribe
                | PacketType::Unsubscribe
                | PacketType::Pingreq
                | PacketType::Disconnect
        )
    {
        return Err(DecodeError::ServerOnlyPacket(kind));
    }
    let (len, used) = decode_remaining_length(rest)?.ok_or(DecodeError::Truncated)?;
    let body = rest.get(used..).unwrap_or_default();
    let len = len as usize;
    if body.len() < len {
        return Err(DecodeError::Truncated);
    }
    if body.len() > len {
        return Err(DecodeError::TrailingBytes);
    }
    // PUBLISH flags are checked by its decoder; PUBREL, SUBSCRIBE and UNSUBSCRIBE need 0b0010,
    // every other type 0.
    let flags = header & 0x0F;
    let required = match kind {
        PacketType::Publish => flags,
        PacketType::Pubrel | PacketType::Subscribe | PacketType::Unsubscribe => 0x02,
        _ => 0,
    };
    if flags != required {
        return Err(DecodeError::InvalidFlags);
    }
    Ok((header, kind, body))
}

/// The packet type of a first header byte; `None` for the reserved types 0 and 15.
pub fn packet_type(header: u8) -> Option<PacketType> {
    Some(match header >> 4 {
        1 => PacketType::Connect,
        2 => PacketType::Connack,
        3 => PacketType::Publish,
        4 => PacketType::Puback,
        5 => PacketType::Pubrec,
        6 => PacketType::Pubrel,
        7 => PacketType::Pubcomp,
        8 => PacketType::Subscribe,
        9 => PacketType::Suback,
        10 => PacketType::Unsubscribe,
        11 => PacketType::Unsuback,
        12 => PacketType::Pingreq,
        13 => PacketType::Pingresp,
        14 => PacketType::Disconnect,
        _ => return None,
    })
}

/// Decodes exactly one whole frame (fixed header + body) of any packet type.
pub fn decode_packet(frame: &[u8]) -> Result<Packet<'_>, DecodeError> {
    decode::<false>(frame)
}

/// Decodes exactly one whole frame that a client may receive; packets only a server receives
/// give [`DecodeError::ServerOnlyPacket`].
///
/// The server-only check comes right after the packet type is known (before the remaining
/// length and the flags), so a broker sending CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ or
/// DISCONNECT always gets this error.
pub fn decode_inbound(frame: &[u8]) -> Result<Packet<'_>, DecodeError> {
    decode::<true>(frame)
}

/// Both decoders. With `INBOUND` the server-side decoders are dead code (the first match arm
/// takes their types), so a client-only build does not link them.
fn decode<const INBOUND: bool>(frame: &[u8]) -> Result<Packet<'_>, DecodeError> {
    let (header, kind, body) = split_frame(frame, INBOUND)?;
    let mut r = Reader { rest: body };
    let packet = match kind {
        PacketType::Connect
        | PacketType::Subscribe
        | PacketType::Unsubscribe
        | PacketType::Pingreq
        | PacketType::Disconnect
            if INBOUND =>
        {
            return Err(DecodeError::ServerOnlyPacket(kind))
        }
        PacketType::Publish => return decode_publish(header, r),
        PacketType::Connack => {
            if body.len() != 2 {
                return Err(DecodeError::InvalidLength);
            }
            // Bits 7-1 of the acknowledge flags are reserved: ignored, as the original does
            // (NetX Duo's own TLS regression tests answer with an uninitialised flags byte).
            let flags = r.u8()?;
            Packet::Connack {
                session_present: flags & 1 != 0,
                return_code: r.u8()?,
            }
        }
        PacketType::Puback
        | PacketType::Pubrec
        | PacketType::Pubrel
        | PacketType::Pubcomp
        | PacketType::Unsuback => {
            if body.len() != 2 {
                return Err(DecodeError::InvalidLength);
            }
            let id = r.u16()?;
            match kind {
                PacketType::Puback => Packet::Puback(id),
                PacketType::Pubrec => Packet::Pubrec(id),
                PacketType::Pubrel => Packet::Pubrel(id),
                PacketType::Pubcomp => Packet::Pubcomp(id),
                _ => Packet::Unsuback(id),
            }
        }
        PacketType::Suback => {
            let packet_id = r.u16()?;
            let codes = r.rest;
            if codes.is_empty() {
                return Err(DecodeError::EmptyPayload);
            }
            if codes.iter().any(|&c| !matches!(c, 0 | 1 | 2 | 0x80)) {
                return Err(DecodeError::InvalidReturnCode);
            }
            Packet::Suback {
                packet_id,
                return_codes: codes,
            }
        }
        PacketType::Pingresp | PacketType::Pingreq | PacketType::Disconnect => {
            if !body.is_empty() {
                return Err(DecodeError::InvalidLength);
            }
            match kind {
                PacketType::Pingresp => Packet::Pingresp,
                PacketType::Pingreq => Packet::Pingreq,
                _ => Packet::Disconnect,
            }
        }
        PacketType::Subscribe | PacketType::Unsubscribe => {
            let with_qos = kind == PacketType::Subscribe;
            let packet_id = r.packet_id()?;
            let bytes = r.rest;
            if bytes.is_empty() {
                return Err(DecodeError::EmptyPayload);
            }
            while !r.rest.is_empty() {
                topic(r.field()?, Text::TopicFilter)?;
                if with_qos && r.u8()? > 2 {
                    return Err(DecodeError::InvalidReturnCode);
                }
            }
            let topics = Topics::Wire { bytes, with_qos };
            if with_qos {
                Packet::Subscribe { packet_id, topics }
            } else {
                Packet::Unsubscribe { packet_id, topics }
            }
        }
        PacketType::Connect => Packet::Connect(decode_connect(r)?),
    };
    Ok(packet)
}

fn decode_publish(header: u8, mut r: Reader<'_>) -> Result<Packet<'_>, DecodeError> {
    let qos = QoS::from_u8((header >> 1) & 3).ok_or(DecodeError::InvalidQoS)?;
    let dup = header & 0x08 != 0;
    if dup && qos == QoS::AtMostOnce {
        return Err(DecodeError::InvalidQoS);
    }
    let topic = match cfg!(feature = "no-topic-check") {
        // Minimal builds (cargo feature `no-topic-check`): the broker is trusted.
        true => r.field()?,
        false => topic(r.field()?, Text::TopicName)?,
    };
    let packet_id = if qos == QoS::AtMostOnce {
        None
    } else {
        Some(r.packet_id()?)
    };
    Ok(Packet::Publish(Publish {
        dup,
        qos,
        retain: header & 1 != 0,
        topic,
        packet_id,
        payload: r.rest,
    }))
}

fn decode_connect(mut r: Reader<'_>) -> Result<Connect<'_>, DecodeError> {
    if r.take(7)? != [0, 4, b'M', b'Q', b'T', b'T', 4] {
        return Err(DecodeError::InvalidProtocol);
    }
    let flags = r.u8()?;
    let keep_alive = r.u16()?;
    let has_will = flags & 0x04 != 0;
    let will_qos = (flags >> 3) & 3;
    // Bit 0 reserved; will QoS / retain only with a will; password only with a user name.
    if flags & 0x01 != 0 || (!has_will && flags & 0x38 != 0) || (flags & 0xC0 == 0x40) {
        return Err(DecodeError::ReservedBits);
    }
    let client_id = string(r.field()?)?;
    let will = if has_will {
        let qos = QoS::from_u8(will_qos).ok_or(DecodeError::InvalidQoS)?;
        let topic = topic(r.field()?, Text::TopicName)?;
        Some(Will {
            topic,
            message: r.field()?,
            qos,
            retain: flags & 0x20 != 0,
        })
    } else {
        None
    };
    let username = if flags & 0x80 != 0 {
        Some(string(r.field()?)?)
    } else {
        None
    };
    let password = if flags & 0x40 != 0 {
        Some(r.field()?)
    } else {
        None
    };
    if !r.rest.is_empty() {
        return Err(DecodeError::InvalidLength);
    }
    Ok(Connect {
        keep_alive,
        clean_session: flags & 0x02 != 0,
        client_id,
        will,
        username,
        password,
    })
}

/// Iterator over the filters of a [`Topics`] (see [`Topics::iter`]).
#[derive(Clone, Debug)]
pub struct TopicIter<'a> {
    inner: TopicIterInner<'a>,
}

#[derive(Clone, Debug)]
enum TopicIterInner<'a> {
    List(core::slice::Iter<'a, SubscribeTopic<'a>>),
    Wire { rest: &'a [u8], with_qos: bool },
}

impl<'a> Iterator for TopicIter<'a> {
    type Item = SubscribeTopic<'a>;

    fn next(&mut self) -> Option<SubscribeTopic<'a>> {
        match &mut self.inner {
            TopicIterInner::List(it) => it.next().copied(),
            TopicIterInner::Wire { rest, with_qos } => {
                let mut r = Reader {
                    rest: core::mem::take(rest),
                };
                let filter = r.field().ok()?;
                let qos = if *with_qos {
                    QoS::from_u8(r.u8().ok()?)?
                } else {
                    QoS::AtMostOnce
                };
                *rest = r.rest;
                Some(SubscribeTopic { filter, qos })
            }
        }
    }
}

impl<'a> Topics<'a> {
    /// The filters in order. For UNSUBSCRIBE wire data `qos` is [`QoS::AtMostOnce`].
    /// Wire bytes that were not validated by a decoder end the iteration at the first
    /// malformed entry.
    pub fn iter(&self) -> TopicIter<'a> {
        let inner = match *self {
            Topics::List(list) => TopicIterInner::List(list.iter()),
            Topics::Wire { bytes, with_qos } => TopicIterInner::Wire {
                rest: bytes,
                with_qos,
            },
        };
        TopicIter { inner }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written UTF-8 check agrees with `core::str::from_utf8` (apart from U+0000).
    #[test]
    fn utf8_check_matches_core() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let interesting = [
            0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5,
            0xFF, 0xA0, 0x9F, 0x90, 0x8F, b'a',
        ];
        for _ in 0..200_000 {
            let len = (next() % 8) as usize;
            let mut v = [0u8; 8];
            for b in v.iter_mut().take(len) {
                let r = next();
                *b = if r & 1 == 0 {
                    interesting[((r >> 8) % interesting.len() as u64) as usize]
                } else {
                    (r >> 16) as u8
                };
            }
            let s = &v[..len];
            let core_ok = core::str::from_utf8(s).is_ok() && !s.contains(&0);
            assert_eq!(check_utf8(s, Text::Any), core_ok, "{s:02x?}");
        }
        // Every scalar value round-trips; surrogates are rejected.
        for cp in 1..=0x10_FFFFu32 {
            let mut b = [0u8; 4];
            if let Some(c) = char::from_u32(cp) {
                assert!(check_utf8(c.encode_utf8(&mut b).as_bytes(), Text::Any));
            }
        }
        assert!(!check_utf8(&[0xED, 0xA0, 0x80], Text::Any)); // U+D800
        assert!(!check_utf8(&[0xED, 0xBF, 0xBF], Text::Any)); // U+DFFF
        assert!(!check_utf8(&[0xC0, 0x80], Text::Any)); // overlong U+0000
        assert!(!check_utf8(&[0xF4, 0x90, 0x80, 0x80], Text::Any)); // > U+10FFFF
    }

    #[test]
    fn topic_filter_rules() {
        for ok in [
            &b"#"[..],
            b"+",
            b"a/#",
            b"+/+",
            b"/+",
            b"a/+/b",
            b"+/#",
            b"/",
            b"a//b",
            b"sport/+",
        ] {
            assert!(check_utf8(ok, Text::TopicFilter), "{ok:?}");
        }
        for bad in [
            &b""[..],
            b"a#",
            b"#/a",
            b"a/#/b",
            b"a+",
            b"+a",
            b"a/b+",
            b"##",
            b"++",
            b"a\0",
        ] {
            assert!(!check_utf8(bad, Text::TopicFilter), "{bad:?}");
        }
        for bad in [&b""[..], b"#", b"+", b"a/+", b"a/#", b"\0"] {
            assert!(!check_utf8(bad, Text::TopicName), "{bad:?}");
        }
        assert!(check_utf8(b"/", Text::TopicName));
        assert!(check_utf8("a/é/€/😀".as_bytes(), Text::TopicName));
    }
}
