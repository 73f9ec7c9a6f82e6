//! Fixed-capacity buffers of the session: a linear byte queue (transmit queue and receive
//! queue) and a small event ring.
//!
//! The byte queue keeps its content contiguous (`head..end`) so whole packets can be encoded
//! or decoded in place; space freed at the front is reclaimed by moving the content down when
//! an append would not fit at the end.

use super::Event;

/// A FIFO of bytes, content always contiguous, over a buffer the owner keeps elsewhere and
/// passes to every call (always the same one). The owner puts the buffers after its small
/// fields, so that those stay within short load/store offsets of each other.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bytes {
    head: usize,
    end: usize,
}

impl Bytes {
    /// An empty queue.
    pub(crate) const fn new() -> Self {
        Bytes { head: 0, end: 0 }
    }

    /// Bytes held.
    pub(crate) fn len(&self) -> usize {
        self.end - self.head
    }

    /// Bytes that can still be appended to a buffer of `cap` bytes.
    pub(crate) fn free(&self, cap: usize) -> usize {
        cap - self.len()
    }

    /// Drops everything.
    pub(crate) fn clear(&mut self) {
        *self = Bytes::new();
    }

    /// The content of `buf`, oldest byte first.
    pub(crate) fn data<'b>(&self, buf: &'b [u8]) -> &'b [u8] {
        buf.get(self.head..self.end).unwrap_or_default()
    }

    /// Appends `n` bytes and returns them for writing; `None` (nothing changed) without room.
    pub(crate) fn append<'b>(&mut self, buf: &'b mut [u8], n: usize) -> Option<&'b mut [u8]> {
        if buf.len() - self.len() < n {
            return None;
        }
        if buf.len() - self.end < n {
            buf.copy_within(self.head..self.end, 0);
            self.end -= self.head;
            self.head = 0;
        }
        let start = self.end;
        self.end += n;
        buf.get_mut(start..self.end)
    }

    /// Appends a copy of `bytes`; false (nothing changed) without room.
    pub(crate) fn push(&mut self, buf: &mut [u8], bytes: &[u8]) -> bool {
        match self.append(buf, bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                true
            }
            None => false,
        }
    }

    /// Takes back the last `n` appended bytes (an encode that failed after `append`).
    pub(crate) fn unappend(&mut self, n: usize) {
        self.end = self.end.saturating_sub(n).max(self.head);
    }

    /// Removes `n` bytes from the front.
    pub(crate) fn consume(&mut self, n: usize) {
        self.head = (self.head + n).min(self.end);
        if self.head == self.end {
            self.clear();
        }
    }
}

/// Capacity of the event ring. Inbound processing pauses while it is full (one frame adds at
/// most one event), so nothing is lost as long as the client polls events.
pub(crate) const EVENTS: usize = 8;

/// A FIFO of events.
#[derive(Debug)]
pub(crate) struct Events {
    buf: [Event; EVENTS],
    head: usize,
    len: usize,
}

impl Events {
    /// An empty ring.
    pub(crate) const fn new() -> Self {
        Events {
            buf: [Event::Connected {
                session_present: false,
            }; EVENTS],
            head: 0,
            len: 0,
        }
    }

    /// Free slots.
    pub(crate) fn free(&self) -> usize {
        EVENTS - self.len
    }

    /// Appends `e`; dropped when the ring is full (only if the client never polls).
    pub(crate) fn push(&mut self, e: Event) {
        if let Some(slot) = self.buf.get_mut((self.head + self.len) % EVENTS) {
            if self.len < EVENTS {
                *slot = e;
                self.len += 1;
            }
        }
    }

    /// Removes the oldest event.
    pub(crate) fn pop(&mut self) -> Option<Event> {
        if self.len == 0 {
            return None;
        }
        let e = self.buf.get(self.head).copied();
        self.head = (self.head + 1) % EVENTS;
        self.len -= 1;
        e
    }
}
