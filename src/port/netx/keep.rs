//! The NetX port's storage of stored PUBLISH copies: packets of the client's pool, as the
//! original keeps its transmit queue.
//!
//! Each QoS 1/2 PUBLISH awaiting its acknowledgement is kept (DUP set) in a packet (a chain when
//! one buffer is too small) taken from the pool without waiting, in a list of the client's own
//! (linked through `nx_packet_queue_next`), in the order of the in-flight store. So the
//! number and size of unacknowledged publishes are limited by the pool (and by
//! `NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH` when the application defines it), as with the
//! original, not by a buffer of the client's. A publish that finds the pool without room waits
//! up to its timeout for acknowledgements to free some (`NXD_MQTT_PACKET_POOL_FAILURE` then).
//! The copies are released when acknowledged, and at delete.

use core::ptr;

use super::inbox::packet_read;
use super::sys::{self, NX_PACKET, NX_PACKET_POOL, UINT, ULONG};
use crate::session::{At, Keep};

/// The list of kept copies and the pool they come from.
#[derive(Debug)]
pub struct PacketKeep {
    head: *mut NX_PACKET,
    tail: *mut NX_PACKET,
    pool: *mut NX_PACKET_POOL,
    used: usize,
}

impl Default for PacketKeep {
    /// Not attached: keeps nothing.
    fn default() -> Self {
        PacketKeep {
            head: ptr::null_mut(),
            tail: ptr::null_mut(),
            pool: ptr::null_mut(),
            used: 0,
        }
    }
}

// SAFETY: the packets are the client's own and the pool outlives the client; they are only
// used by the thread holding the client lock.
unsafe impl Send for PacketKeep {}

impl PacketKeep {
    /// Takes the copies from `pool` from now on.
    ///
    /// # Safety
    /// `pool` is a created pool that outlives the client.
    pub unsafe fn attach(&mut self, pool: *mut NX_PACKET_POOL) {
        self.pool = pool;
    }

    /// Releases every copy and forgets the pool.
    pub fn detach(&mut self) {
        self.clear();
        *self = PacketKeep::default();
    }

    fn room(&self, total: bool) -> usize {
        if self.pool.is_null() {
            return 0;
        }
        // SAFETY: a created pool.
        let room = unsafe { sys::nxd_mqtt_netx_pool_room(self.pool, UINT::from(total)) };
        usize::try_from(room).unwrap_or(usize::MAX)
    }
}

impl Keep for PacketKeep {
    fn capacity(&self) -> usize {
        self.room(true)
    }

    fn fits(&self, len: usize) -> bool {
        len <= self.room(false)
    }

    fn push(&mut self, bytes: &[u8], first_bits: u8) -> bool {
        let Ok(size) = ULONG::try_from(bytes.len()) else {
            return false;
        };
        if self.pool.is_null() {
            return false;
        }
        // SAFETY: our list and a created pool; `bytes` is readable.
        let status = unsafe {
            sys::nxd_mqtt_netx_keep_push(
                &mut self.head,
                &mut self.tail,
                self.pool,
                bytes.as_ptr(),
                size,
                first_bits,
            )
        };
        if status == 0 {
            self.used += bytes.len();
        }
        status == 0
    }

    fn read(&self, at: At, dst: &mut [u8]) -> bool {
        let Ok(k) = ULONG::try_from(at.k) else {
            return false;
        };
        // SAFETY: our list.
        let packet = unsafe { sys::nxd_mqtt_netx_keep_get(self.head, k) };
        // SAFETY: a packet of our list.
        !packet.is_null() && unsafe { packet_read(packet.cast(), 0, dst) } == dst.len()
    }

    fn remove(&mut self, at: At) {
        let Ok(k) = ULONG::try_from(at.k) else {
            return;
        };
        // SAFETY: our list; the removed packet is released.
        unsafe { sys::nxd_mqtt_netx_keep_remove(&mut self.head, &mut self.tail, k) };
        self.used = self.used.saturating_sub(at.len);
    }

    fn clear(&mut self) {
        while !self.head.is_null() {
            // SAFETY: our list.
            unsafe { sys::nxd_mqtt_netx_keep_remove(&mut self.head, &mut self.tail, 0) };
        }
        self.used = 0;
    }

    fn used(&self) -> usize {
        self.used
    }
}
