//! The receive queue's storage: where whole inbound PUBLISH frames wait for `message_get`.
//!
//! The session decides (acknowledgements, back-pressure, QoS 2 state, the too-small-buffer
//! policy); an [`Inbox`] only stores frames, oldest first. The host and bare-metal ports use
//! [`Ring`], a byte FIFO of `QUEUE` bytes inside the session. The NetX port provides its own:
//! the original's intrusive list of `NX_PACKET`s in the control block, which NetX Duo's Azure
//! IoT middleware walks and empties itself (so an inbox must always report what it holds now,
//! never a count of its own past pushes).

use super::bufs::Bytes;
use crate::codec::decode_remaining_length;

/// Storage of received PUBLISH frames (each one complete, as received: fixed header first).
pub trait Inbox {
    /// Largest frame the inbox could ever take; a larger PUBLISH is acknowledged and dropped.
    fn capacity(&self) -> usize;
    /// True when a frame of `len` bytes could be appended now (no side effect).
    fn fits(&self, len: usize) -> bool;
    /// Makes room for a frame of `len` bytes: true when the next [`Inbox::push`] of at most
    /// `len` bytes will succeed; false: not now (the session holds the frame back).
    fn reserve(&mut self, len: usize) -> bool;
    /// Appends a copy of `frame`; false (nothing stored) when there was no room.
    fn push(&mut self, frame: &[u8]) -> bool;
    /// Frames held now.
    fn len(&self) -> usize;
    /// True when no frame is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Bytes held now.
    fn bytes(&self) -> usize;
    /// Length of the oldest frame.
    fn head_len(&self) -> Option<usize>;
    /// Copies bytes of the oldest frame from `offset` into `dst`; returns how many were copied
    /// (fewer than `dst.len()` only at the frame's end).
    fn read_head(&self, offset: usize, dst: &mut [u8]) -> usize;
    /// Removes the oldest frame.
    fn pop(&mut self);
    /// Removes every frame, releasing its memory.
    fn clear(&mut self);
}

/// Where a PUBLISH frame keeps its parts (offsets from the frame's first byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) qos: u8,
    pub(crate) retain: bool,
    pub(crate) topic_offset: usize,
    pub(crate) topic_len: usize,
    pub(crate) payload_offset: usize,
    pub(crate) payload_len: usize,
}

/// The layout of the oldest frame, `None` when it is not a well-formed PUBLISH (the inbox may
/// hold what others put there, e.g. middleware working on the NetX port's packet list).
pub(crate) fn head_layout<I: Inbox + ?Sized>(inbox: &I) -> Option<Layout> {
    let total = inbox.head_len()?;
    let mut hdr = [0u8; 5];
    let n = inbox.read_head(0, &mut hdr);
    let first = *hdr.first()?;
    let (rl, used) = decode_remaining_length(hdr.get(1..n)?).ok()??;
    let body = 1 + used;
    if first >> 4 != 3 || body + rl as usize > total {
        return None;
    }
    let qos = (first >> 1) & 3;
    let mut tl = [0u8; 2];
    if qos == 3 || inbox.read_head(body, &mut tl) != 2 {
        return None;
    }
    let topic_len = usize::from(u16::from_be_bytes(tl));
    let topic_offset = body + 2;
    let payload_offset = topic_offset + topic_len + if qos > 0 { 2 } else { 0 };
    let payload_len = (body + rl as usize).checked_sub(payload_offset)?;
    Some(Layout {
        qos,
        retain: first & 1 != 0,
        topic_offset,
        topic_len,
        payload_offset,
        payload_len,
    })
}

/// A byte FIFO of whole frames over `QUEUE` bytes (host and bare-metal ports).
#[derive(Debug)]
pub struct Ring<const QUEUE: usize> {
    queue: Bytes,
    count: usize,
    buf: [u8; QUEUE],
}

impl<const QUEUE: usize> Default for Ring<QUEUE> {
    fn default() -> Self {
        Ring {
            queue: Bytes::new(),
            count: 0,
            buf: [0; QUEUE],
        }
    }
}

impl<const QUEUE: usize> Ring<QUEUE> {
    fn head(&self) -> &[u8] {
        let data = self.queue.data(&self.buf);
        let len = match data.get(1..).map(decode_remaining_length) {
            Some(Ok(Some((rl, used)))) => 1 + used + rl as usize,
            _ => data.len(),
        };
        data.get(..len).unwrap_or(data)
    }
}

impl<const QUEUE: usize> Inbox for Ring<QUEUE> {
    fn capacity(&self) -> usize {
        QUEUE
    }

    fn fits(&self, len: usize) -> bool {
        len <= self.queue.free(QUEUE)
    }

    fn reserve(&mut self, len: usize) -> bool {
        self.fits(len)
    }

    fn push(&mut self, frame: &[u8]) -> bool {
        let ok = self.queue.push(&mut self.buf, frame);
        self.count += usize::from(ok);
        ok
    }

    fn len(&self) -> usize {
        self.count
    }

    fn bytes(&self) -> usize {
        self.queue.len()
    }

    fn head_len(&self) -> Option<usize> {
        (self.count > 0).then(|| self.head().len())
    }

    fn read_head(&self, offset: usize, dst: &mut [u8]) -> usize {
        let src = self.head().get(offset..).unwrap_or_default();
        let n = src.len().min(dst.len());
        if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
            d.copy_from_slice(s);
        }
        n
    }

    fn pop(&mut self) {
        let n = self.head().len();
        self.queue.consume(n);
        self.count = self.count.saturating_sub(1);
        if self.count == 0 {
            self.queue.clear();
        }
    }

    fn clear(&mut self) {
        self.queue.clear();
        self.count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_with(frames: &[&[u8]]) -> Ring<256> {
        let mut r = Ring::<256>::default();
        for f in frames {
            assert!(r.reserve(f.len()) && r.push(f));
        }
        r
    }

    #[test]
    fn layout_of_publishes() {
        // QoS 0, topic "a/b", payload "hi"
        let q0: &[u8] = &[0x30, 7, 0, 3, b'a', b'/', b'b', b'h', b'i'];
        // QoS 1, retain, topic "t", id 5, payload "xyz"
        let q1: &[u8] = &[0x33, 8, 0, 1, b't', 0, 5, b'x', b'y', b'z'];
        let r = ring_with(&[q0, q1]);
        let m = head_layout(&r).expect("QoS 0 PUBLISH");
        assert_eq!(
            (m.qos, m.retain, m.topic_offset, m.topic_len),
            (0, false, 4, 3)
        );
        assert_eq!((m.payload_offset, m.payload_len), (7, 2));
        let mut r = r;
        r.pop();
        let m = head_layout(&r).expect("QoS 1 PUBLISH");
        assert_eq!(
            (m.qos, m.retain, m.topic_offset, m.topic_len),
            (1, true, 4, 1)
        );
        assert_eq!((m.payload_offset, m.payload_len), (7, 3));
        let mut payload = [0u8; 3];
        assert_eq!(r.read_head(m.payload_offset, &mut payload), 3);
        assert_eq!(&payload, b"xyz");
        r.pop();
        assert!(r.is_empty() && head_layout(&r).is_none());
    }

    #[test]
    fn malformed_heads_have_no_layout() {
        // What code outside the library may leave in a queue it manages (NetX port): never a
        // panic, never a layout pointing outside the frame.
        let cases: &[&[u8]] = &[
            &[0x20, 2, 0, 0],                   // not a PUBLISH
            &[0x30, 5, 0, 9, b'a', b'b', b'c'], // topic longer than the packet
            &[0x36, 3, 0, 1, b't'],             // QoS 3
            &[0x32, 3, 0, 1, b't'],             // QoS 1 without room for its id
            &[0x30],                            // header only
            &[0x30, 0x80, 0x80, 0x80, 0x80],    // invalid remaining length
        ];
        for c in cases {
            let r = ring_with(&[c]);
            assert!(head_layout(&r).is_none(), "{c:02x?}");
        }
    }

    #[test]
    fn ring_room_and_clear() {
        let mut r = Ring::<8>::default();
        assert!(r.fits(8) && !r.fits(9));
        assert!(r.push(&[0x30, 2, 0, 0]));
        assert!(!r.reserve(5) && r.reserve(4));
        assert_eq!((r.len(), r.bytes()), (1, 4));
        r.clear();
        assert_eq!((r.len(), r.bytes(), r.head_len()), (0, 0, None));
    }
}
