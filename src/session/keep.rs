//! Storage of the PUBLISH copies the in-flight store keeps for resend (QoS 1/2, DUP set).
//!
//! The in-flight store ([`super::store`]) keeps the records (kind, packet id, length) in the
//! order they were created; a [`Keep`] holds the bytes of the records that have any, in the same
//! order. A copy is named by its place among the copies (`k`: the `k`-th record with bytes) and,
//! for storages that lay the copies out one after another, by its byte offset (the lengths of
//! the copies before it). The host and bare-metal ports use [`Arena`], bytes inside the session;
//! the NetX port keeps the copies in packets of the application's pool, as the original keeps
//! its transmit queue.

/// Where a copy is: its place among the copies and its byte offset (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    /// Place among the copies, oldest first.
    pub k: usize,
    /// Bytes of the copies before it.
    pub offset: usize,
    /// Its length.
    pub len: usize,
}

/// Storage of the stored PUBLISH copies, oldest first.
pub trait Keep {
    /// Largest copy that could ever be kept.
    fn capacity(&self) -> usize;
    /// True when a copy of `len` bytes could be kept now.
    fn fits(&self, len: usize) -> bool;
    /// Appends a copy of `bytes` (after all others, at byte offset `used()`) with `first_bits`
    /// set in its first byte (DUP); false (nothing kept) without room.
    fn push(&mut self, bytes: &[u8], first_bits: u8) -> bool;
    /// Copies the copy `at` into `dst` (`at.len` bytes); false when it cannot.
    fn read(&self, at: At, dst: &mut [u8]) -> bool;
    /// Removes the copy `at`.
    fn remove(&mut self, at: At);
    /// Removes every copy.
    fn clear(&mut self);
    /// Bytes kept.
    fn used(&self) -> usize;
}

/// Copies in `STORE` bytes inside the session, contiguous and in order; removing one moves
/// the bytes behind it down.
#[derive(Debug)]
pub struct Arena<const STORE: usize> {
    used: usize,
    buf: [u8; STORE],
}

impl<const STORE: usize> Default for Arena<STORE> {
    fn default() -> Self {
        Arena {
            used: 0,
            buf: [0; STORE],
        }
    }
}

impl<const STORE: usize> Keep for Arena<STORE> {
    fn capacity(&self) -> usize {
        STORE
    }

    fn fits(&self, len: usize) -> bool {
        len <= STORE - self.used
    }

    fn push(&mut self, bytes: &[u8], first_bits: u8) -> bool {
        let Some(dst) = self.buf.get_mut(self.used..self.used + bytes.len()) else {
            return false;
        };
        dst.copy_from_slice(bytes);
        if let Some(b) = dst.first_mut() {
            *b |= first_bits;
        }
        self.used += bytes.len();
        true
    }

    fn read(&self, at: At, dst: &mut [u8]) -> bool {
        let end = at.offset.saturating_add(at.len);
        match self
            .buf
            .get(..self.used)
            .and_then(|b| b.get(at.offset..end))
        {
            Some(src) if src.len() == dst.len() => {
                dst.copy_from_slice(src);
                true
            }
            _ => false,
        }
    }

    fn remove(&mut self, at: At) {
        let end = (at.offset + at.len).min(self.used);
        if at.offset < end {
            self.buf.copy_within(end..self.used, at.offset);
            self.used -= end - at.offset;
        }
    }

    fn clear(&mut self) {
        self.used = 0;
    }

    fn used(&self) -> usize {
        self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arena_keeps_copies_in_order() {
        let mut a = Arena::<16>::default();
        assert!(a.push(&[0x32, 1, 2], 0x08));
        assert!(a.push(&[0x34, 3, 4, 5], 0x08));
        assert!(!a.fits(10) && a.fits(9) && !a.push(&[0; 10], 0));
        let second = At {
            k: 1,
            offset: 3,
            len: 4,
        };
        let mut out = [0u8; 4];
        assert!(a.read(second, &mut out));
        assert_eq!(out, [0x3C, 3, 4, 5]); // DUP set
        a.remove(At {
            k: 0,
            offset: 0,
            len: 3,
        });
        assert_eq!(a.used(), 4);
        assert!(a.read(
            At {
                k: 0,
                offset: 0,
                len: 4
            },
            &mut out
        ));
        assert_eq!(out, [0x3C, 3, 4, 5]);
        assert!(!a.read(
            At {
                k: 1,
                offset: 4,
                len: 4
            },
            &mut out
        ));
        a.clear();
        assert_eq!(a.used(), 0);
    }
}
