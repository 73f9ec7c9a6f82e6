//! The byte stream to the broker over a NetX Duo TCP socket.
//!
//! Outbound bytes go into packets allocated from the client's pool (the pool given to
//! `nxd_mqtt_client_create`) with TCP/IP headroom for the socket's address family; more bytes
//! than one pool packet holds are chained by `nx_packet_data_append`. Inbound segments are the
//! packets NetX queued on the socket (from the IP instance's pool); they are copied out and
//! released as soon as they are consumed, so no packet is held by the client between calls
//! except the one segment being read. Every NetX call here uses `NX_NO_WAIT`, except the
//! disconnect in [`NetxTransport::close`].
//!
//! Closing: the original ends a connection with an orderly disconnect (FIN, waiting up to
//! `NXD_MQTT_SOCKET_TIMEOUT`, default forever) with its mutex released, and with a reset
//! (`NX_NO_WAIT`) after a refused CONNACK. Here `close` runs with the client lock held and
//! does not know which case it is, so it always sends FIN and waits for the broker's FIN at
//! most `NXD_MQTT_SOCKET_TIMEOUT` or one second, whichever is shorter; NetX then ends the
//! socket. Anything already handed to `send` (a DISCONNECT) goes out before the FIN.

use core::ptr;

use super::sys::{self, NX_PACKET, NX_PACKET_POOL, NX_TCP_SOCKET, ULONG};
use crate::client::{Endpoint, IpAddr, Progress, Transport, TransportError};

// NetX Duo return codes and TCP states used here (values of nx_api.h).
const NX_SUCCESS: u32 = 0x00;
const NX_NO_PACKET: u32 = 0x01;
const NX_ALREADY_BOUND: u32 = 0x22;
const NX_IN_PROGRESS: u32 = 0x37;
const NX_NOT_CONNECTED: u32 = 0x38;
const NX_WINDOW_OVERFLOW: u32 = 0x39;
const NX_TX_QUEUE_DEPTH: u32 = 0x49;
const NX_WAIT_ABORTED: u32 = 0x1A;
const NX_TCP_CLOSED: u32 = 1;
const NX_TCP_SYN_SENT: u32 = 3;
const NX_TCP_SYN_RECEIVED: u32 = 4;
const NX_TCP_ESTABLISHED: u32 = 5;
const NX_TCP_CLOSE_WAIT: u32 = 6;
const NX_NO_WAIT: ULONG = 0;

/// A client's TCP connection through NetX Duo.
pub struct NetxTransport {
    socket: *mut NX_TCP_SOCKET,
    pool: *mut NX_PACKET_POOL,
    /// The socket was created (create ignores a failure, as the original does; then every
    /// connect fails).
    usable: bool,
    bound: bool,
    /// Received segment being read, and the offset of its first unread byte.
    pending: *mut NX_PACKET,
    offset: ULONG,
    /// Wait option of the disconnect at close (see the module documentation).
    close_wait: ULONG,
}

// SAFETY: the raw pointers name NetX objects owned by this client (socket) or by the
// application (pool), which NetX lets any thread use; the transport itself is only used under
// the client lock.
unsafe impl Send for NetxTransport {}

impl NetxTransport {
    /// A transport over `socket` (created or not, see `usable`) sending from `pool`.
    pub(super) fn new(
        socket: *mut NX_TCP_SOCKET,
        pool: *mut NX_PACKET_POOL,
        usable: bool,
        close_wait: ULONG,
    ) -> Self {
        NetxTransport {
            socket,
            pool,
            usable,
            bound: false,
            pending: ptr::null_mut(),
            offset: 0,
            close_wait,
        }
    }

    /// Releases the segment being read, if any.
    fn drop_pending(&mut self) {
        if !self.pending.is_null() {
            // SAFETY: `pending` is a packet NetX handed to us and nobody else references.
            unsafe { sys::nxd_mqtt_netx_packet_release(self.pending) };
            self.pending = ptr::null_mut();
            self.offset = 0;
        }
    }

    fn state(&self) -> u32 {
        // SAFETY: the socket is a created NetX socket (checked by the callers via `usable`).
        unsafe { sys::nxd_mqtt_netx_tcp_state(self.socket) }
    }

    /// Builds one outbound packet holding a prefix of `bytes`; returns it and the count.
    fn build(&self, bytes: &[u8]) -> Option<(*mut NX_PACKET, usize)> {
        let mut packet: *mut NX_PACKET = ptr::null_mut();
        // SAFETY: pool and socket are live NetX objects; `packet` is a valid out pointer.
        let s = unsafe {
            sys::nxd_mqtt_netx_packet_allocate(self.pool, self.socket, &mut packet, NX_NO_WAIT)
        };
        if s != NX_SUCCESS || packet.is_null() {
            return None;
        }
        // All of `bytes` (chained over several pool packets if needed); when the pool cannot
        // provide the chain now, as much as the first packet holds.
        // SAFETY: `packet` is ours.
        let room = unsafe { sys::nxd_mqtt_netx_packet_room(packet) } as usize;
        for n in [bytes.len(), bytes.len().min(room)] {
            if n == 0 {
                continue;
            }
            // SAFETY: `bytes[..n]` is readable; append copies it (all or nothing).
            let s = unsafe {
                sys::nxd_mqtt_netx_packet_append(
                    packet,
                    bytes.as_ptr().cast(),
                    n as ULONG,
                    self.pool,
                    NX_NO_WAIT,
                )
            };
            if s == NX_SUCCESS {
                return Some((packet, n));
            }
        }
        // SAFETY: `packet` is ours and unsent.
        unsafe { sys::nxd_mqtt_netx_packet_release(packet) };
        None
    }
}

impl Transport for NetxTransport {
    fn open(&mut self, to: &Endpoint) -> Result<Progress, TransportError> {
        self.close();
        if !self.usable {
            return Err(TransportError::Failed);
        }
        // SAFETY: created socket.
        let s = unsafe { sys::nxd_mqtt_netx_tcp_bind(self.socket, NX_NO_WAIT) };
        if s != NX_SUCCESS && s != NX_ALREADY_BOUND {
            return Err(TransportError::Failed);
        }
        self.bound = true;
        let (version, address): (u32, [u8; 16]) = match to.ip {
            IpAddr::V4(a) => {
                let mut b = [0u8; 16];
                b[..4].copy_from_slice(&a);
                (4, b)
            }
            IpAddr::V6(a) => (6, a),
        };
        // SAFETY: created, bound socket; `address` holds 16 readable bytes.
        let s = unsafe {
            sys::nxd_mqtt_netx_tcp_connect(
                self.socket,
                version,
                address.as_ptr(),
                u32::from(to.port),
                NX_NO_WAIT,
            )
        };
        match s {
            NX_SUCCESS => Ok(Progress::Done),
            NX_IN_PROGRESS => Ok(Progress::InProgress),
            _ => {
                self.close();
                Err(TransportError::Failed)
            }
        }
    }

    fn poll_open(&mut self) -> Result<Progress, TransportError> {
        if !self.usable || !self.bound {
            return Err(TransportError::Failed);
        }
        match self.state() {
            NX_TCP_ESTABLISHED | NX_TCP_CLOSE_WAIT => Ok(Progress::Done),
            NX_TCP_SYN_SENT | NX_TCP_SYN_RECEIVED => Ok(Progress::InProgress),
            _ => Err(TransportError::Failed),
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result<usize, TransportError> {
        if bytes.is_empty() {
            return Ok(0);
        }
        if !self.usable || !self.bound {
            return Err(TransportError::Failed);
        }
        let Some((packet, n)) = self.build(bytes) else {
            return Ok(0); // pool exhausted for now
        };
        // SAFETY: connected socket; the packet is ours. NetX owns it on success only.
        let s = unsafe { sys::nxd_mqtt_netx_tcp_send(self.socket, packet, NX_NO_WAIT) };
        if s == NX_SUCCESS {
            return Ok(n);
        }
        // SAFETY: the send failed, so the packet is still ours.
        unsafe { sys::nxd_mqtt_netx_packet_release(packet) };
        match s {
            NX_WINDOW_OVERFLOW | NX_TX_QUEUE_DEPTH | NX_NO_PACKET | NX_WAIT_ABORTED => Ok(0),
            NX_NOT_CONNECTED => Err(TransportError::Closed),
            _ => Err(TransportError::Failed),
        }
    }

    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.usable || !self.bound {
            return Err(TransportError::Failed);
        }
        loop {
            if self.pending.is_null() {
                let mut packet: *mut NX_PACKET = ptr::null_mut();
                // SAFETY: bound socket; valid out pointer.
                let s =
                    unsafe { sys::nxd_mqtt_netx_tcp_receive(self.socket, &mut packet, NX_NO_WAIT) };
                match s {
                    NX_SUCCESS if !packet.is_null() => {
                        self.pending = packet;
                        self.offset = 0;
                    }
                    NX_SUCCESS | NX_NO_PACKET => return Ok(0),
                    NX_NOT_CONNECTED => return Err(TransportError::Closed),
                    _ => return Err(TransportError::Failed),
                }
            }
            // SAFETY: `pending` is a packet NetX gave us.
            let length = unsafe { sys::nxd_mqtt_netx_packet_length(self.pending) };
            if self.offset >= length {
                self.drop_pending();
                continue;
            }
            let mut copied: ULONG = 0;
            let want = ULONG::try_from(buf.len()).unwrap_or(ULONG::MAX);
            // SAFETY: `buf` is writable for `want` bytes; offset < length.
            let s = unsafe {
                sys::nxd_mqtt_netx_packet_extract(
                    self.pending,
                    self.offset,
                    buf.as_mut_ptr().cast(),
                    want,
                    &mut copied,
                )
            };
            if s != NX_SUCCESS || copied == 0 {
                self.drop_pending();
                return Err(TransportError::Failed);
            }
            self.offset += copied;
            if self.offset >= length {
                self.drop_pending();
            }
            return Ok(copied as usize);
        }
    }

    fn close(&mut self) {
        self.drop_pending();
        if !self.usable || !self.bound {
            return;
        }
        if self.state() != NX_TCP_CLOSED {
            // SAFETY: created socket. Orderly close (FIN) with a bounded wait (module doc).
            unsafe { sys::nxd_mqtt_netx_tcp_disconnect(self.socket, self.close_wait) };
        }
        // SAFETY: created socket; unbinding a closed socket.
        unsafe { sys::nxd_mqtt_netx_tcp_unbind(self.socket) };
        self.bound = false;
    }
}

impl Drop for NetxTransport {
    fn drop(&mut self) {
        self.drop_pending();
    }
}
