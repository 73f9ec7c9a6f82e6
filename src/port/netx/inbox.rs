//! The NetX port's receive queue: the original's list of `NX_PACKET`s in the control block.
//!
//! Each received PUBLISH waits for `message_get` in a packet (a chain when one buffer is too
//! small) of the client's pool, positioned at its fixed header, linked through
//! `nx_packet_queue_next` from `message_receive_queue_head` to `_tail`, with
//! `message_receive_queue_depth` counting them: the members the original has, which NetX Duo's
//! Azure IoT middleware walks inside its receive notify, consuming and releasing the packets
//! itself and then resetting head, tail and depth. This inbox therefore keeps no state of its
//! own about the queue: it reads and writes those members each time, under the client lock
//! (the middleware works on them in the receive notify, which runs with the lock held).
//!
//! Frames are copied once from the session's frame reader into packets taken from the pool
//! without waiting. Room is taken before a frame is accepted ([`Inbox::reserve`]): while the
//! pool has none, the session holds the frame back and stops reading (back-pressure), instead
//! of dropping it unacknowledged as the original does when its copy fails. Teardown and delete
//! release every queued packet (the original unlinks them without releasing them).

use core::ptr;

use super::sys::{self, NX_PACKET, NX_PACKET_POOL, UINT};
use crate::session::Inbox;

/// The control block's receive-queue members and the pool the packets come from.
#[derive(Debug)]
pub struct PacketInbox {
    head: *mut *mut NX_PACKET,
    tail: *mut *mut NX_PACKET,
    depth: *mut UINT,
    pool: *mut NX_PACKET_POOL,
    /// Packets taken by `reserve` for the next `push` (linked through `nx_packet_queue_next`).
    spares: *mut NX_PACKET,
}

impl Default for PacketInbox {
    /// Not attached: holds nothing, takes nothing.
    fn default() -> Self {
        PacketInbox {
            head: ptr::null_mut(),
            tail: ptr::null_mut(),
            depth: ptr::null_mut(),
            pool: ptr::null_mut(),
            spares: ptr::null_mut(),
        }
    }
}

// SAFETY: the pointers are to the control block's members and the application's pool, which
// outlive the client; they are only used by the thread holding the client lock.
unsafe impl Send for PacketInbox {}

impl PacketInbox {
    /// Attaches the inbox to the control block's members and the client's pool (empty queue).
    ///
    /// # Safety
    /// The pointers stay valid until [`PacketInbox::detach`]; `pool` is a created pool.
    pub unsafe fn attach(
        &mut self,
        head: *mut *mut NX_PACKET,
        tail: *mut *mut NX_PACKET,
        depth: *mut UINT,
        pool: *mut NX_PACKET_POOL,
    ) {
        self.head = head;
        self.tail = tail;
        self.depth = depth;
        self.pool = pool;
        // SAFETY: per the contract.
        unsafe {
            head.write(ptr::null_mut());
            tail.write(ptr::null_mut());
            depth.write(0);
        }
    }

    /// Releases every queued and reserved packet and forgets the control block.
    pub fn detach(&mut self) {
        self.clear();
        self.release_spares();
        *self = PacketInbox::default();
    }

    fn attached(&self) -> bool {
        !self.head.is_null() && !self.pool.is_null()
    }

    fn head_packet(&self) -> *mut NX_PACKET {
        if !self.attached() {
            return ptr::null_mut();
        }
        // SAFETY: attached: the member is valid.
        unsafe { self.head.read() }
    }

    fn release_spares(&mut self) {
        // SAFETY: the spares are packets this inbox took from the pool.
        unsafe { sys::nxd_mqtt_netx_spares_release(&mut self.spares, sys::ULONG::MAX) };
    }

    fn pool_room(&self, total: bool) -> usize {
        if !self.attached() {
            return 0;
        }
        // SAFETY: attached: a created pool.
        let room = unsafe { sys::nxd_mqtt_netx_pool_room(self.pool, UINT::from(total)) };
        usize::try_from(room).unwrap_or(usize::MAX)
    }
}

impl Inbox for PacketInbox {
    fn capacity(&self) -> usize {
        self.pool_room(true)
    }

    fn fits(&self, len: usize) -> bool {
        !self.spares.is_null() || len <= self.pool_room(false)
    }

    fn reserve(&mut self, len: usize) -> bool {
        if !self.attached() {
            return false;
        }
        let size = sys::ULONG::try_from(len).unwrap_or(sys::ULONG::MAX);
        // SAFETY: attached: a created pool; the spares are ours.
        let status = unsafe { sys::nxd_mqtt_netx_frame_reserve(self.pool, &mut self.spares, size) };
        if status != 0 {
            // Not now: give the packets back so other users of the pool can go on.
            self.release_spares();
        }
        status == 0
    }

    fn push(&mut self, frame: &[u8]) -> bool {
        if !self.attached() {
            return false;
        }
        let Ok(size) = sys::ULONG::try_from(frame.len()) else {
            return false;
        };
        // SAFETY: attached: the members and the pool are valid; `frame` is readable.
        let status = unsafe {
            sys::nxd_mqtt_netx_queue_push(
                self.head,
                self.tail,
                self.depth,
                &mut self.spares,
                self.pool,
                frame.as_ptr(),
                size,
            )
        };
        self.release_spares();
        status == 0
    }

    fn len(&self) -> usize {
        if self.head_packet().is_null() {
            return 0;
        }
        // SAFETY: attached (a head packet was read through it).
        unsafe { self.depth.read() as usize }
    }

    fn bytes(&self) -> usize {
        // SAFETY: the queue's packets are valid while linked.
        let n = unsafe { sys::nxd_mqtt_netx_queue_bytes(self.head_packet()) };
        usize::try_from(n).unwrap_or(usize::MAX)
    }

    fn head_len(&self) -> Option<usize> {
        let head = self.head_packet();
        // SAFETY: a packet of the queue.
        (!head.is_null()).then(|| unsafe { sys::nxd_mqtt_netx_packet_length(head) } as usize)
    }

    fn read_head(&self, offset: usize, dst: &mut [u8]) -> usize {
        let head = self.head_packet();
        if head.is_null() {
            return 0;
        }
        // SAFETY: a packet of the queue.
        unsafe { packet_read(head.cast(), offset, dst) }
    }

    fn pop(&mut self) {
        if self.attached() {
            // SAFETY: attached: the members are valid; the head packet is ours to release.
            unsafe { sys::nxd_mqtt_netx_queue_pop(self.head, self.tail, self.depth) };
        }
    }

    fn clear(&mut self) {
        while !self.head_packet().is_null() {
            self.pop();
        }
        if self.attached() {
            // SAFETY: attached.
            unsafe { self.depth.write(0) };
        }
    }
}

/// Bytes held by `packet` (a chain: all of it).
///
/// # Safety
/// `packet` is a valid NetX packet.
pub unsafe fn packet_len(packet: *mut core::ffi::c_void) -> usize {
    // SAFETY: per the contract.
    unsafe { sys::nxd_mqtt_netx_packet_length(packet.cast()) as usize }
}

/// Copies bytes of `packet` from `offset` into `dst`; returns how many were copied.
///
/// # Safety
/// `packet` is a valid NetX packet.
pub unsafe fn packet_read(packet: *mut core::ffi::c_void, offset: usize, dst: &mut [u8]) -> usize {
    let (Ok(offset), Ok(size)) = (
        sys::ULONG::try_from(offset),
        sys::ULONG::try_from(dst.len()),
    ) else {
        return 0;
    };
    if size == 0 {
        return 0;
    }
    let mut copied: sys::ULONG = 0;
    // SAFETY: per the contract; `dst` is writable for `size` bytes.
    let status = unsafe {
        sys::nxd_mqtt_netx_packet_extract(
            packet.cast(),
            offset,
            dst.as_mut_ptr().cast(),
            size,
            &mut copied,
        )
    };
    if status == 0 {
        (copied as usize).min(dst.len())
    } else {
        0
    }
}

/// Releases `packet` to its pool.
///
/// # Safety
/// `packet` is a valid NetX packet that nobody uses any more.
pub unsafe fn packet_release(packet: *mut core::ffi::c_void) {
    // SAFETY: per the contract.
    unsafe { sys::nxd_mqtt_netx_packet_release(packet.cast()) };
}
