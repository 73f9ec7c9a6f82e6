//! The in-flight store: records of everything awaiting an acknowledgement, in the order they
//! were created, with the bytes of stored PUBLISH copies in a [`Keep`] kept in the same order.
//!
//! Keeping records and bytes in creation order makes the resend on reconnect trivially "in
//! original order" (MQTT-4.6.0).

use super::keep::{At, Keep};

/// Kind of a record (outbound kinds are below [`IN_QOS2`]).
pub(crate) type Kind = u8;
/// Outbound QoS 1 PUBLISH (bytes stored, DUP set) awaiting PUBACK. `PUB1`/`PUB2` equal the QoS.
pub(crate) const PUB1: Kind = 1;
/// Outbound QoS 2 PUBLISH (bytes stored, DUP set) awaiting PUBREC.
pub(crate) const PUB2: Kind = 2;
/// Outbound QoS 2 after PUBREC: PUBREL sent, awaiting PUBCOMP (no bytes).
pub(crate) const PUBREL: Kind = 3;
/// SUBSCRIBE awaiting SUBACK (no bytes; dropped when the connection closes).
pub(crate) const SUB: Kind = 4;
/// UNSUBSCRIBE awaiting UNSUBACK (no bytes; dropped when the connection closes).
pub(crate) const UNSUB: Kind = 5;
/// Inbound QoS 2 id: delivered, PUBREC sent, awaiting PUBREL (no bytes).
pub(crate) const IN_QOS2: Kind = 6;

/// One record.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    /// Stored bytes (PUBLISH copies only).
    pub(crate) len: usize,
    /// Packet id.
    pub(crate) id: u16,
    /// What the record is.
    pub(crate) kind: Kind,
}

/// Records (at most `N`); the bytes of stored copies are kept by a [`Keep`] the owner passes
/// to the calls that need it (always the same one).
#[derive(Debug)]
pub(crate) struct Store<const N: usize> {
    recs: [Record; N],
    count: usize,
}

impl<const N: usize> Store<N> {
    /// An empty store.
    pub(crate) const fn new() -> Self {
        Store {
            recs: [Record {
                len: 0,
                id: 0,
                kind: 0,
            }; N],
            count: 0,
        }
    }

    /// Number of records.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Drops everything (the caller clears the keep).
    pub(crate) fn clear(&mut self) {
        self.count = 0;
    }

    /// Record `i`.
    pub(crate) fn get(&self, i: usize) -> Option<Record> {
        self.live().get(i).copied()
    }

    /// Index of the first record of `kind` with `id`.
    pub(crate) fn find(&self, kind: Kind, id: u16) -> Option<usize> {
        self.live()
            .iter()
            .position(|r| r.kind == kind && r.id == id)
    }

    /// True when an outbound record uses `id`.
    pub(crate) fn id_in_use(&self, id: u16) -> bool {
        self.live().iter().any(|r| r.kind < IN_QOS2 && r.id == id)
    }

    /// True when some outbound record is pending.
    pub(crate) fn has_outbound(&self) -> bool {
        self.live().iter().any(|r| r.kind < IN_QOS2)
    }

    fn live(&self) -> &[Record] {
        self.recs.get(..self.count).unwrap_or_default()
    }

    /// Where the bytes of record `i` are kept.
    pub(crate) fn at(&self, i: usize) -> At {
        let before = self.recs.get(..i).unwrap_or_default();
        At {
            k: before.iter().filter(|r| r.len > 0).count(),
            offset: before.iter().map(|r| r.len).sum(),
            len: self.get(i).map_or(0, |r| r.len),
        }
    }

    /// Appends a record with a copy of `bytes` (first byte or'ed with `first_bits`) kept in
    /// `keep`; false (nothing changed) without room.
    pub(crate) fn push<K: Keep>(
        &mut self,
        keep: &mut K,
        kind: Kind,
        id: u16,
        bytes: &[u8],
        first_bits: u8,
    ) -> bool {
        let Some(rec) = self.recs.get_mut(self.count) else {
            return false;
        };
        if !bytes.is_empty() && !keep.push(bytes, first_bits) {
            return false;
        }
        *rec = Record {
            len: bytes.len(),
            id,
            kind,
        };
        self.count += 1;
        true
    }

    /// Turns record `i` into a bare record of `kind`, releasing its bytes.
    pub(crate) fn strip<K: Keep>(&mut self, keep: &mut K, i: usize, kind: Kind) {
        let at = self.at(i);
        if let Some(r) = self.recs.get_mut(..self.count).and_then(|l| l.get_mut(i)) {
            if r.len > 0 {
                keep.remove(at);
            }
            r.len = 0;
            r.kind = kind;
        }
    }

    /// Removes record `i`.
    pub(crate) fn remove<K: Keep>(&mut self, keep: &mut K, i: usize) {
        if i < self.count {
            self.strip(keep, i, 0);
            self.recs.copy_within(i + 1..self.count, i);
            self.count -= 1;
        }
    }
}
