//! Fixed-capacity buffers of the session: a linear byte queue (transmit queue and receive
//! queue) and a small event ring.
//!
//! The byte queue keeps its content contiguous (`head..end`) so whole packets can be encoded
//! or decoded in place; space freed at the front is reclaimed by moving the content down when
//! an append would not fit at the end.

use super::Event;

/// A FIFO of bytes over `[u8; N]`, content always contiguous.
#[derive(Debug)]
pub(crate) struct Bytes<const N: usize> {
    buf: [u8; N],
    span: Span,
}

/// Where the content lies; the logic is not generic so each `Bytes<N>` adds only glue.
#[derive(Debug, Clone, Copy)]
struct Span {
    head: usize,
    end: usize,
}

impl Span {
    fn append<'b>(&mut self, buf: &'b mut [u8], n: usize) -> Option<&'b mut [u8]> {
        if buf.len() - (self.end - self.head) < n {
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

    fn consume(&mut self, n: usize) {
        self.head = (self.head + n).min(self.end);
        if self.head == self.end {
            *self = Span { head: 0, end: 0 };
        }
    }
}

impl<const N: usize> Bytes<N> {
    /// An empty queue.
    pub(crate) const fn new() -> Self {
        Bytes {
            buf: [0; N],
            span: Span { head: 0, end: 0 },
        }
    }

    /// Bytes held.
    pub(crate) fn len(&self) -> usize {
        self.span.end - self.span.head
    }

    /// Bytes that can still be appended.
    pub(crate) fn free(&self) -> usize {
        N - self.len()
    }

    /// Drops everything.
    pub(crate) fn clear(&mut self) {
        self.span = Span { head: 0, end: 0 };
    }

    /// The content, oldest byte first.
    pub(crate) fn data(&self) -> &[u8] {
        self.buf
            .get(self.span.head..self.span.end)
            .unwrap_or_default()
    }

    /// Appends `n` bytes and returns them for writing; `None` (nothing changed) without room.
    pub(crate) fn append(&mut self, n: usize) -> Option<&mut [u8]> {
        self.span.append(&mut self.buf, n)
    }

    /// Appends a copy of `bytes`; false (nothing changed) without room.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> bool {
        match self.append(bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                true
            }
            None => false,
        }
    }

    /// Takes back the last `n` appended bytes (an encode that failed after `append`).
    pub(crate) fn unappend(&mut self, n: usize) {
        self.span.end = self.span.end.saturating_sub(n).max(self.span.head);
    }

    /// Removes `n` bytes from the front.
    pub(crate) fn consume(&mut self, n: usize) {
        self.span.consume(n);
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
