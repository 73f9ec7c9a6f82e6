//! The incremental frame reader.
//!
//! The logic lives in the non-generic `ReaderState::step` working on a `&mut [u8]`, so each
//! `FrameReader<N>` adds only a few instructions of glue per buffer size.

use super::decode::decode_remaining_length;
use super::DecodeError;

/// What [`FrameReader::next_frame`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// One whole frame (fixed header included), valid until the next call.
    Packet(&'a [u8]),
    /// A packet whose total size exceeded the reader's limit was skipped. `prefix` holds its
    /// first bytes (fixed header included, up to the limit) so the caller can read e.g. a
    /// PUBLISH packet id to acknowledge it.
    Oversize {
        /// First header byte.
        header: u8,
        /// Its remaining length.
        remaining_length: u32,
        /// The first bytes of the packet (at most the reader's capacity).
        prefix: &'a [u8],
    },
}

/// A frame reader's state apart from its buffer: [`FrameReader`] for an owner that keeps the
/// buffer elsewhere (e.g. after its small fields, so that they stay close together). Every call
/// must get the same buffer; the capacity is `min(buffer length, limit)`.
#[derive(Debug, Clone, Copy)]
pub struct ReaderState {
    /// Maximum frame size requested by the owner (the capacity is `min(N, limit)`).
    limit: usize,
    /// Bytes of the current frame stored in the buffer (at most the capacity).
    len: usize,
    /// Fixed header gathered so far: first byte and up to 4 remaining-length bytes.
    hdr: [u8; 5],
    /// Number of valid bytes in `hdr`.
    hdr_len: usize,
    /// Total frame size once the fixed header is complete, 0 before.
    total: usize,
    /// Bytes of the current frame consumed so far (stored or skipped), once `total` is known.
    seen: usize,
    /// Remaining length of the current frame.
    remaining: u32,
    /// A frame was returned; the next call starts a new one.
    done: bool,
}

impl ReaderState {
    /// A reader accepting packets of at most `min(buffer length, limit)` bytes in total.
    pub const fn new(limit: usize) -> ReaderState {
        ReaderState {
            limit,
            len: 0,
            hdr: [0; 5],
            hdr_len: 0,
            total: 0,
            seen: 0,
            remaining: 0,
            done: false,
        }
    }

    fn clear(&mut self) {
        *self = ReaderState::new(self.limit);
    }

    /// Copies as much of `bytes` as fits the capacity after the stored part of the frame.
    fn store(&mut self, buf: &mut [u8], bytes: &[u8]) {
        let cap = buf.len().min(self.limit);
        if let Some(dst) = buf.get_mut(self.len..cap) {
            let n = dst.len().min(bytes.len());
            if let (Some(d), Some(s)) = (dst.get_mut(..n), bytes.get(..n)) {
                d.copy_from_slice(s);
                self.len += n;
            }
        }
    }

    /// Consumes input up to the end of the current frame; `true` when it is complete.
    fn step(&mut self, buf: &mut [u8], input: &mut &[u8]) -> Result<bool, DecodeError> {
        if self.done {
            self.clear();
        }
        while self.total == 0 {
            let Some((&b, rest)) = input.split_first() else {
                return Ok(false);
            };
            *input = rest;
            if let Some(slot) = self.hdr.get_mut(self.hdr_len) {
                *slot = b;
                self.hdr_len += 1;
            }
            let rl_bytes = self.hdr.get(1..self.hdr_len).unwrap_or_default();
            if rl_bytes.is_empty() {
                continue;
            }
            if let Some((rl, used)) = decode_remaining_length(rl_bytes)? {
                self.remaining = rl;
                self.seen = 1 + used;
                self.total = self.seen + rl as usize;
                let hdr = self.hdr;
                self.store(buf, hdr.get(..self.seen).unwrap_or_default());
            }
        }
        let want = self.total - self.seen;
        let (chunk, rest) = input.split_at(want.min(input.len()));
        *input = rest;
        self.store(buf, chunk);
        self.seen += chunk.len();
        self.done = self.seen == self.total;
        Ok(self.done)
    }

    /// See [`FrameReader::next_frame`] (`buf`: the reader's buffer).
    pub fn next_frame<'b>(
        &mut self,
        buf: &'b mut [u8],
        input: &mut &[u8],
    ) -> Result<Option<Frame<'b>>, DecodeError> {
        let step = self.step(buf, input);
        if step.is_err() {
            // The stream cannot be trusted any more; start clean if the caller goes on.
            self.clear();
        }
        Ok(if step? { self.current(buf) } else { None })
    }

    /// See [`FrameReader::reset`].
    pub fn reset(&mut self) {
        self.clear();
    }

    /// See [`FrameReader::buffered`].
    pub fn buffered(&self) -> usize {
        if self.done {
            0
        } else if self.total == 0 {
            self.hdr_len
        } else {
            self.seen
        }
    }

    /// See [`FrameReader::current`] (`buf`: the reader's buffer).
    pub fn current<'b>(&self, buf: &'b [u8]) -> Option<Frame<'b>> {
        if !self.done {
            return None;
        }
        let bytes = buf.get(..self.len).unwrap_or_default();
        Some(if self.total == self.len {
            Frame::Packet(bytes)
        } else {
            Frame::Oversize {
                header: self.hdr[0],
                remaining_length: self.remaining,
                prefix: bytes,
            }
        })
    }
}

/// Incremental frame reader over a fixed buffer of `N` bytes: bytes in any split in, whole
/// frames out. The maximum inbound packet is `min(N, limit)`.
///
/// Only the bytes of the current frame are ever copied into the buffer: `next_frame` stops
/// consuming input at the end of a frame, so the rest of `input` stays with the caller for the
/// next call. A returned frame stays available (see [`FrameReader::current`]) until the next
/// call to `next_frame` or `reset`, which discards it.
#[derive(Debug)]
pub struct FrameReader<const N: usize> {
    buf: [u8; N],
    state: ReaderState,
}

impl<const N: usize> FrameReader<N> {
    /// A reader accepting packets of at most `min(N, limit)` bytes in total.
    pub const fn new(limit: usize) -> Self {
        FrameReader {
            buf: [0; N],
            state: ReaderState::new(limit),
        }
    }

    /// Feeds bytes from `input`, advancing it past what was consumed, until one frame is
    /// complete (returned) or the input is exhausted (`Ok(None)`). A malformed remaining
    /// length is an error: the stream cannot be resynchronised and the caller must close.
    ///
    /// A frame whose total size (fixed header included) exceeds `min(N, limit)` is consumed
    /// without being stored beyond its first `min(N, limit)` bytes and reported as
    /// [`Frame::Oversize`] once its last byte has been consumed. Calling again discards the
    /// frame returned before and starts on the next one.
    pub fn next_frame<'s>(
        &'s mut self,
        input: &mut &[u8],
    ) -> Result<Option<Frame<'s>>, DecodeError> {
        self.state.next_frame(&mut self.buf, input)
    }

    /// The frame the last `next_frame` call returned, while it is still held (until the next
    /// `next_frame` or `reset`); `None` when there is none. Lets a caller that could not
    /// handle a frame yet (back-pressure) come back to it without re-reading input.
    pub fn current(&self) -> Option<Frame<'_>> {
        self.state.current(&self.buf)
    }

    /// Forgets any partial frame (new connection).
    pub fn reset(&mut self) {
        self.state.clear();
    }

    /// Bytes of a partial frame currently held (consumed from input so far, skipped bytes of
    /// an oversize frame included; 0 once a frame has been returned).
    pub fn buffered(&self) -> usize {
        self.state.buffered()
    }

    /// The largest frame this reader returns whole: `min(N, limit)`.
    pub fn capacity(&self) -> usize {
        N.min(self.state.limit)
    }
}
