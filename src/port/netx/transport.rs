//! The byte stream to the broker over a NetX Duo TCP socket.
//!
//! Outbound bytes go into packets from the client's pool (the pool given to
//! `nxd_mqtt_client_create`) with TCP/IP headroom for the socket's address family; more bytes
//! than one pool packet holds are chained. Packets reserved by a publish ([`Reservation`],
//! taken in the calling thread with the publish timeout, as the original builds its PUBLISH in
//! pool packets) are used first: a publish that succeeded has its packets. The reservation
//! covers as many of the next bytes sent as the PUBLISH has; packets left over then are
//! released. Bytes beyond the reservation (more TCP segments than the original's one chain)
//! take packets from the pool without waiting. Inbound segments are the
//! packets NetX queued on the socket (from the IP instance's pool); they are copied out and
//! released as soon as they are consumed, so no packet is held by the client between calls
//! except the one segment being read. Every NetX call here uses `NX_NO_WAIT`, except the
//! disconnects of an orderly close (below).
//!
//! Closing: an orderly end ([`Close::Graceful`]: disconnect, broker close, ping timeout,
//! delete) sends FIN and waits up to `NXD_MQTT_SOCKET_TIMEOUT` (default forever) for the
//! broker, as the original does. A hard end ([`Close::Abort`]: refused CONNACK, failed
//! connect) also sends FIN but waits at most `NXD_MQTT_SOCKET_TIMEOUT` or one second, whichever
//! is shorter (the original resets at once, `NX_NO_WAIT`; with a reset, a broker that sends
//! its CONNACK and then disconnects itself, as NetX Duo's connack_error test does, may find
//! its socket reset before its own disconnect, depending on thread priorities). NetX resets
//! the connection when the wait ends first. Neither wait holds the client lock: `close` only
//! records it; the thread that releases the client lock last takes it over
//! ([`NetxTransport::begin_close`]), runs the disconnect after the release, and unbinds under
//! the lock again ([`NetxTransport::finish_close`]). Anything already handed to `send` (a
//! DISCONNECT) goes out before the FIN. A connect while such a wait goes on in another thread
//! waits for it at most `NXD_MQTT_SOCKET_TIMEOUT` or one second, whichever is shorter (with
//! the lock held), then fails; a connect before anybody took the close over (a callback
//! reconnecting at once) runs the disconnect itself with that bounded wait.
//!
//! TLS (`NX_SECURE_ENABLE` builds, after `nxd_mqtt_client_secure_connect`): the application's
//! NetX Secure session in the control block (`nxd_mqtt_tls_session`, configured by its
//! `tls_setup`) runs on the same socket. The handshake starts once TCP is established: for a
//! blocking connect it runs to its end with the connect's timeout (on the MQTT thread, as the
//! original runs it in the connecting thread), for a non-blocking one it is continued without
//! waiting each time the MQTT thread looks at the connection (socket events, every tick while
//! connecting), as the original does. Outbound bytes
//! go into packets from NetX Secure's allocate (no wait, one packet per record) and are sent as
//! records with `NXD_MQTT_SOCKET_TIMEOUT` as the wait (a record cannot be sent in part);
//! inbound data is NetX Secure's decrypted packets, read like TCP segments. Every connection
//! end ends the session (close_notify, with the disconnect's wait, when the handshake had
//! started) and deletes it, and clears the TLS mark: the next plain connect is plain.

use core::cell::Cell;
use core::ptr;
use core::sync::atomic::{AtomicU8, Ordering};

#[cfg(nxd_mqtt_tls)]
use super::sys::NX_SECURE_TLS_SESSION;
#[cfg(nxd_mqtt_websocket)]
use super::sys::NX_WEBSOCKET_CLIENT;
use super::sys::{self, NX_PACKET, NX_PACKET_POOL, NX_TCP_SOCKET, ULONG};
use crate::client::{Close, Endpoint, IpAddr, Progress, Transport, TransportError};

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
/// NetX Secure: more handshake or record data is needed (`NX_CONTINUE`).
#[cfg(nxd_mqtt_tls)]
const NX_CONTINUE: u32 = 0x55;

// Where the TLS session stands (`Tls::state`).
/// No TLS on this connection.
#[cfg(nxd_mqtt_tls)]
const TLS_OFF: u8 = 0;
/// `secure_connect` configured the session: the handshake starts once TCP is established.
#[cfg(nxd_mqtt_tls)]
const TLS_ARMED: u8 = 1;
/// The handshake runs.
#[cfg(nxd_mqtt_tls)]
const TLS_HANDSHAKE: u8 = 2;
/// Established: MQTT travels in records.
#[cfg(nxd_mqtt_tls)]
const TLS_UP: u8 = 3;

// Where the WebSocket connection stands (`Ws::state`).
/// No WebSocket on this connection.
#[cfg(nxd_mqtt_websocket)]
const WS_OFF: u8 = 0;
/// `websocket_set` was called: the upgrade runs once TCP (and TLS) is established.
#[cfg(nxd_mqtt_websocket)]
const WS_ARMED: u8 = 1;
/// The upgrade runs.
#[cfg(nxd_mqtt_websocket)]
const WS_CONNECTING: u8 = 2;
/// Upgraded: MQTT travels in binary frames.
#[cfg(nxd_mqtt_websocket)]
const WS_UP: u8 = 3;
/// Our own answer for a WebSocket frame that is not MQTT data (not a NetX code).
#[cfg(nxd_mqtt_websocket)]
const NX_INVALID_FRAME: u32 = 0xFFFF_0001;

/// The client's NetX Duo WebSocket client (WebSocket builds).
#[cfg(nxd_mqtt_websocket)]
struct Ws {
    /// The control block's `nxd_mqtt_client_websocket` (created by `websocket_set`).
    client: *mut NX_WEBSOCKET_CLIENT,
    /// `WS_OFF`, `WS_ARMED`, `WS_CONNECTING` or `WS_UP`.
    state: Cell<u8>,
    /// Host and path of the upgrade (the application's, as given to `websocket_set`).
    host: Cell<(*const u8, u32)>,
    path: Cell<(*const u8, u32)>,
    /// Wait option of the upgrade (as the TLS handshake's).
    wait: Cell<ULONG>,
    /// Bytes of the outbound MQTT packet being framed that are still to be sent (0: the next
    /// bytes start a packet), and whether its first frame went out.
    out_left: Cell<usize>,
    out_started: Cell<bool>,
    /// A connection being ended had its upgrade started: a close frame goes first.
    ending: Cell<bool>,
    /// The WebSocket client was created (`websocket_set`); deleted with the transport.
    created: Cell<bool>,
}

/// The client's NetX Secure session (TLS builds).
#[cfg(nxd_mqtt_tls)]
struct Tls {
    /// The control block's `nxd_mqtt_tls_session` (NULL: none, TLS refused).
    session: *mut NX_SECURE_TLS_SESSION,
    /// `TLS_OFF`, `TLS_ARMED`, `TLS_HANDSHAKE` or `TLS_UP`.
    state: Cell<u8>,
    /// The session of a connection being ended, to end (when its handshake had started:
    /// `Some(true)`) and delete with the disconnect.
    ending: Cell<Option<bool>>,
    /// Wait option of the handshake's start: a blocking connect's timeout (the handshake runs
    /// to its end within it, as the original's blocking connect does), `NX_NO_WAIT` for a
    /// non-blocking connect (then continued on each look at the connection).
    wait: Cell<ULONG>,
}

// Where a close stands (`NetxTransport::closing`).
/// No close pending.
const OPEN: u8 = 0;
/// `close(Graceful)` ran: the disconnect with its wait is still to be done.
const ORDERLY: u8 = 1;
/// `close(Abort)` ran: the disconnect with the shorter wait is still to be done.
const HARD: u8 = 4;
/// A thread took it over and waits in the disconnect without the client lock.
const WAITING: u8 = 2;
/// That disconnect returned: the socket is closed, the unbind (under the lock) is left.
const ENDED: u8 = 3;

/// A client's TCP connection through NetX Duo.
pub struct NetxTransport {
    socket: *mut NX_TCP_SOCKET,
    pool: *mut NX_PACKET_POOL,
    /// The socket was created (create ignores a failure, as the original does; then every
    /// connect fails).
    usable: bool,
    bound: Cell<bool>,
    /// Close in progress (`OPEN`, `ORDERLY`, `HARD`, `WAITING`, `ENDED`). Atomic: the thread
    /// waiting in the disconnect marks it `ENDED` without the client lock.
    closing: AtomicU8,
    /// Wait option of an orderly disconnect (`NXD_MQTT_SOCKET_TIMEOUT`).
    socket_timeout: ULONG,
    /// Received segment being read, and the offset of its first unread byte.
    pending: *mut NX_PACKET,
    /// The application's raw packet-receive hook is set: `recv` reads only segments the MQTT
    /// thread handed over after offering them to the hook ([`NetxTransport::take_segment`],
    /// [`NetxTransport::hand_over`]), never the socket itself.
    hooked: bool,
    offset: ULONG,
    /// Wait option of a hard end's disconnect, and longest wait for a close with the client
    /// lock held (see the module documentation): `NXD_MQTT_SOCKET_TIMEOUT` or one second,
    /// whichever is shorter.
    close_wait: ULONG,
    /// Reserved pool packets (linked through `nx_packet_queue_next`), how many, and how many
    /// more bytes sent they are reserved for. Cells: publish hands packets over through the
    /// shared reference the client gives out (always under the client lock).
    spares: Cell<*mut NX_PACKET>,
    spare_count: Cell<usize>,
    spare_bytes: Cell<usize>,
    #[cfg(nxd_mqtt_tls)]
    tls: Tls,
    #[cfg(nxd_mqtt_websocket)]
    ws: Ws,
}

/// A close taken over by the thread that releases the client lock last
/// ([`NetxTransport::begin_close`], [`NetxTransport::end_close`]).
pub struct Closing {
    socket: *mut NX_TCP_SOCKET,
    wait: ULONG,
    state: *const AtomicU8,
    /// The TLS session to end and delete first, and whether its handshake had started.
    #[cfg(nxd_mqtt_tls)]
    tls: Option<(*mut NX_SECURE_TLS_SESSION, bool)>,
    /// The WebSocket client to close first.
    #[cfg(nxd_mqtt_websocket)]
    ws: Option<*mut NX_WEBSOCKET_CLIENT>,
}

/// Pool packets reserved for one PUBLISH of `bytes` bytes, not yet handed to a transport.
/// Dropping it releases them.
pub struct Reservation {
    list: *mut NX_PACKET,
    count: usize,
    bytes: usize,
}

/// What a transport took over from a [`Reservation`] (see [`NetxTransport::give_back`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct Adopted {
    count: usize,
    bytes: usize,
}

/// Which allocation of a reservation failed: the original's publish reports the first
/// (`NXD_MQTT_PACKET_POOL_FAILURE`) and the later ones, made while appending the topic, the
/// packet id or the payload (`NXD_MQTT_INTERNAL_ERROR`), differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReserveError {
    /// No packet at all within the wait.
    First,
    /// A packet after the first (the PUBLISH needs a chain).
    Later,
}

impl Reservation {
    /// Nothing reserved.
    pub const fn none() -> Self {
        Reservation {
            list: ptr::null_mut(),
            count: 0,
            bytes: 0,
        }
    }

    /// Reserves the packets the original would allocate for an outbound packet of `bytes`
    /// bytes on `socket`: one with TCP/IP headroom, then chain buffers until the bytes fit,
    /// each allocation waiting up to `wait` ticks. On failure everything taken is released.
    ///
    /// # Safety
    /// `pool` and `socket` are live NetX objects (the client's).
    pub unsafe fn take(
        pool: *mut NX_PACKET_POOL,
        socket: *mut NX_TCP_SOCKET,
        bytes: usize,
        wait: ULONG,
    ) -> Result<Self, ReserveError> {
        let mut r = Reservation {
            bytes,
            ..Reservation::none()
        };
        let mut room_total = 0usize;
        while room_total < bytes {
            let mut room: ULONG = 0;
            let first = r.count == 0;
            // SAFETY: live pool and socket (contract); `r.list` is a list of packets we own.
            let s = unsafe {
                sys::nxd_mqtt_netx_packet_reserve(
                    pool,
                    socket,
                    u32::from(first),
                    &mut r.list,
                    wait,
                    &mut room,
                )
            };
            if s != NX_SUCCESS {
                return Err(if first {
                    ReserveError::First
                } else {
                    ReserveError::Later
                });
            }
            r.count += 1;
            if room == 0 && !first {
                break; // a pool of empty buffers: nothing more to gain
            }
            room_total += room as usize;
        }
        Ok(r)
    }

    /// Packets reserved.
    pub fn count(&self) -> usize {
        self.count
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // SAFETY: the list holds packets we own and nobody else references.
        unsafe { sys::nxd_mqtt_netx_spares_release(&mut self.list, ULONG::MAX) };
    }
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
        socket_timeout: ULONG,
        close_wait: ULONG,
        tls_session: *mut core::ffi::c_void,
        websocket: *mut core::ffi::c_void,
    ) -> Self {
        #[cfg(not(nxd_mqtt_tls))]
        let _ = tls_session;
        #[cfg(not(nxd_mqtt_websocket))]
        let _ = websocket;
        NetxTransport {
            socket,
            pool,
            usable,
            bound: Cell::new(false),
            closing: AtomicU8::new(OPEN),
            socket_timeout,
            pending: ptr::null_mut(),
            hooked: false,
            offset: 0,
            close_wait,
            spares: Cell::new(ptr::null_mut()),
            spare_count: Cell::new(0),
            spare_bytes: Cell::new(0),
            #[cfg(nxd_mqtt_tls)]
            tls: Tls {
                session: tls_session.cast(),
                state: Cell::new(TLS_OFF),
                ending: Cell::new(None),
                wait: Cell::new(NX_NO_WAIT),
            },
            #[cfg(nxd_mqtt_websocket)]
            ws: Ws {
                client: websocket.cast(),
                state: Cell::new(WS_OFF),
                host: Cell::new((ptr::null(), 0)),
                path: Cell::new((ptr::null(), 0)),
                wait: Cell::new(NX_NO_WAIT),
                out_left: Cell::new(0),
                out_started: Cell::new(false),
                ending: Cell::new(false),
                created: Cell::new(false),
            },
        }
    }

    /// Takes over the packets of `r` for the next bytes sent (see the module documentation).
    pub fn adopt(&self, mut r: Reservation) -> Adopted {
        let list = core::mem::replace(&mut r.list, ptr::null_mut());
        let mut spares = self.spares.get();
        // SAFETY: both lists hold packets we own; joining moves them.
        unsafe { sys::nxd_mqtt_netx_spares_join(&mut spares, list) };
        self.spares.set(spares);
        self.spare_count.set(self.spare_count.get() + r.count);
        self.spare_bytes.set(self.spare_bytes.get() + r.bytes);
        Adopted {
            count: r.count,
            bytes: r.bytes,
        }
    }

    /// Undoes [`NetxTransport::adopt`] after the publish failed: releases that many reserved
    /// packets (as many as are left) and forgets the bytes they were reserved for.
    pub fn give_back(&self, a: Adopted) {
        self.spare_bytes
            .set(self.spare_bytes.get().saturating_sub(a.bytes));
        self.release_spares(a.count);
        if self.spare_bytes.get() == 0 {
            self.release_spares(usize::MAX);
        }
    }

    /// The pool outbound packets come from.
    pub(super) fn pool(&self) -> *mut NX_PACKET_POOL {
        self.pool
    }

    /// Reserved packets held now.
    pub fn spare_count(&self) -> usize {
        self.spare_count.get()
    }

    /// Releases up to `n` reserved packets.
    fn release_spares(&self, n: usize) {
        let mut spares = self.spares.get();
        let n = ULONG::try_from(n).unwrap_or(ULONG::MAX);
        // SAFETY: the list holds packets we own.
        let released = unsafe { sys::nxd_mqtt_netx_spares_release(&mut spares, n) };
        self.spares.set(spares);
        self.spare_count
            .set(self.spare_count.get().saturating_sub(released as usize));
    }

    /// `n` bytes went out: the reservation covers fewer; the rest of it is released once it
    /// covers nothing.
    fn sent(&self, n: usize) {
        let left = self.spare_bytes.get().saturating_sub(n);
        self.spare_bytes.set(left);
        if left == 0 && self.spare_count.get() > 0 {
            self.release_spares(usize::MAX);
        }
    }

    /// Releases the segment being read, if any.
    /// Sets whether the raw packet-receive hook is in use (see `hooked`).
    pub fn set_hooked(&mut self, hooked: bool) {
        self.hooked = hooked;
    }

    /// A received segment for the hook: `Some` only while nothing is being read and the socket
    /// has one (the caller owns it then: it gives it to the hook or to [`Self::hand_over`]).
    pub fn take_segment(&mut self) -> Option<*mut NX_PACKET> {
        if !self.pending.is_null() || !self.usable || !self.bound.get() {
            return None;
        }
        if self.closing.load(Ordering::Acquire) != OPEN {
            return None;
        }
        let mut packet: *mut NX_PACKET = ptr::null_mut();
        let s = self.receive(&mut packet)?;
        (s == NX_SUCCESS && !packet.is_null()).then_some(packet)
    }

    /// Takes the next received packet without waiting: a TCP segment, or with TLS up a
    /// packet of decrypted data. `None` while a TLS handshake runs (its records are NetX
    /// Secure's).
    fn receive(&self, packet: &mut *mut NX_PACKET) -> Option<u32> {
        #[cfg(nxd_mqtt_websocket)]
        match self.ws.state.get() {
            WS_OFF => {}
            WS_UP => {
                let mut binary: u32 = 0;
                // SAFETY: upgraded WebSocket client of this connection; valid out pointers.
                let s =
                    unsafe { sys::nxd_mqtt_netx_ws_receive(self.ws.client, packet, &mut binary) };
                if s == NX_SUCCESS && binary == 0 {
                    // A text (or other non-data) frame: not MQTT (COMPATIBILITY item 15).
                    if !packet.is_null() {
                        // SAFETY: the frame's packet is ours.
                        unsafe { sys::nxd_mqtt_netx_packet_release(*packet) };
                        *packet = ptr::null_mut();
                    }
                    return Some(NX_INVALID_FRAME);
                }
                return Some(s);
            }
            _ => return None,
        }
        #[cfg(nxd_mqtt_tls)]
        match self.tls.state.get() {
            TLS_OFF => {}
            TLS_UP => {
                // SAFETY: the session is established on this socket; valid out pointer.
                return Some(unsafe { sys::nxd_mqtt_netx_tls_receive(self.tls.session, packet) });
            }
            _ => return None,
        }
        // SAFETY: bound socket; valid out pointer.
        Some(unsafe { sys::nxd_mqtt_netx_tcp_receive(self.socket, packet, NX_NO_WAIT) })
    }

    /// Gives a segment from [`Self::take_segment`] that the hook did not take to the reader.
    pub fn hand_over(&mut self, packet: *mut NX_PACKET) {
        self.drop_pending();
        self.pending = packet;
        self.offset = 0;
    }

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

    /// A close waits to be done: the caller (about to release the client lock for
    /// the last time) takes it over. Returns the socket, the wait option and the state to
    /// mark `ENDED` once the disconnect returned; the caller then runs
    /// [`NetxTransport::end_close`] without the lock and [`NetxTransport::finish_close`] with
    /// it.
    pub(super) fn begin_close(&self) -> Option<Closing> {
        let wait = match self.closing.load(Ordering::Acquire) {
            ORDERLY => self.socket_timeout,
            HARD => self.close_wait,
            _ => return None,
        };
        // Under the client lock: nobody else changes the state now.
        self.closing.store(WAITING, Ordering::Release);
        Some(Closing {
            socket: self.socket,
            wait,
            state: &self.closing,
            #[cfg(nxd_mqtt_tls)]
            tls: self
                .tls
                .ending
                .take()
                .map(|started| (self.tls.session, started)),
            #[cfg(nxd_mqtt_websocket)]
            ws: self.ws.ending.replace(false).then_some(self.ws.client),
        })
    }

    /// The disconnect taken over by [`NetxTransport::begin_close`], run without the client
    /// lock: FIN, waiting up to `wait` for the broker, then marks it ended.
    ///
    /// # Safety
    /// The arguments come from `begin_close` of a transport that still exists (its client is
    /// not released before this returns).
    pub(super) unsafe fn end_close(c: Closing) {
        // SAFETY: per the contract; nobody else uses the socket (or the TLS session being
        // ended) while the state is WAITING.
        unsafe {
            #[cfg(nxd_mqtt_websocket)]
            if let Some(ws) = c.ws {
                sys::nxd_mqtt_netx_ws_end(ws, c.wait);
            }
            #[cfg(nxd_mqtt_tls)]
            if let Some((session, started)) = c.tls {
                sys::nxd_mqtt_netx_tls_end(session, u32::from(started), c.wait);
            }
            sys::nxd_mqtt_netx_tcp_disconnect(c.socket, c.wait);
            (*c.state).store(ENDED, Ordering::Release);
        }
    }

    /// Under the client lock after [`NetxTransport::end_close`]: unbinds the socket (unless a
    /// connect did it meanwhile).
    pub(super) fn finish_close(&self) {
        if self.closing.load(Ordering::Acquire) == ENDED {
            self.disconnect_now(NX_NO_WAIT);
        }
    }

    /// Ends the connection at once, `wait` ticks at most for an orderly end (`NX_NO_WAIT`:
    /// a reset), and unbinds the socket.
    fn disconnect_now(&self, wait: ULONG) {
        self.end_layers(wait);
        if self.state() != NX_TCP_CLOSED {
            // SAFETY: created socket, not used by another thread (no close WAITING).
            unsafe { sys::nxd_mqtt_netx_tcp_disconnect(self.socket, wait) };
        }
        // SAFETY: created socket; unbinding a closed socket.
        unsafe { sys::nxd_mqtt_netx_tcp_unbind(self.socket) };
        self.bound.set(false);
        self.closing.store(OPEN, Ordering::Release);
    }

    /// Before a connect: ends what is left of the last connection (see the module
    /// documentation). `Err` when an orderly close waiting in another thread did not end in
    /// time.
    fn settle_close(&mut self) -> Result<(), TransportError> {
        if !self.usable || !self.bound.get() {
            return Ok(());
        }
        match self.closing.load(Ordering::Acquire) {
            ORDERLY | HARD => self.disconnect_now(self.close_wait),
            WAITING => {
                let mut waited: ULONG = 0;
                while self.closing.load(Ordering::Acquire) == WAITING {
                    if waited >= self.close_wait {
                        return Err(TransportError::Failed);
                    }
                    // SAFETY: plain ThreadX call from the connecting thread.
                    unsafe { sys::nxd_mqtt_netx_thread_sleep(1) };
                    waited += 1;
                }
                self.disconnect_now(NX_NO_WAIT);
            }
            _ => self.disconnect_now(NX_NO_WAIT),
        }
        Ok(())
    }

    /// Builds one outbound packet holding a prefix of `bytes` (reserved packets first, then
    /// the pool without waiting); returns it and the count.
    fn build(&self, bytes: &[u8]) -> Option<(*mut NX_PACKET, usize)> {
        let size = ULONG::try_from(bytes.len()).unwrap_or(ULONG::MAX);
        let mut spares = self.spares.get();
        let mut used: ULONG = 0;
        // SAFETY: pool and socket are live NetX objects; `bytes[..size]` is readable; the
        // spare list holds packets we own (those used move into the new packet).
        let packet = unsafe {
            sys::nxd_mqtt_netx_packet_build(
                &mut spares,
                self.pool,
                self.socket,
                bytes.as_ptr(),
                size,
                &mut used,
            )
        };
        self.spares.set(spares);
        self.spare_count
            .set(self.spare_count.get().saturating_sub(used as usize));
        if packet.is_null() {
            return None;
        }
        // SAFETY: `packet` is ours.
        let n = unsafe { sys::nxd_mqtt_netx_packet_length(packet) } as usize;
        Some((packet, n.min(bytes.len())))
    }

    /// Ends what runs on top of TCP for a connection being ended, if anything: the WebSocket
    /// connection (close frame), then the TLS session (close_notify, then deleted); `wait`
    /// ticks at most for each.
    fn end_layers(&self, wait: ULONG) {
        #[cfg(nxd_mqtt_websocket)]
        if self.ws.ending.replace(false) {
            // SAFETY: the control block's WebSocket client, not used by anyone else now.
            unsafe { sys::nxd_mqtt_netx_ws_end(self.ws.client, wait) };
        }
        #[cfg(nxd_mqtt_tls)]
        if let Some(started) = self.tls.ending.take() {
            // SAFETY: the control block's session, configured by tls_setup and not used by
            // anyone else now.
            unsafe { sys::nxd_mqtt_netx_tls_end(self.tls.session, u32::from(started), wait) };
        }
        #[cfg(not(nxd_mqtt_tls))]
        let _ = wait;
    }

    /// Marks the connection ending for the layers on top of TCP: the WebSocket connection and
    /// the TLS session (if any) are ended with the disconnect ([`Self::end_layers`]), and the
    /// next connect is plain unless armed again.
    fn layers_connection_end(&self) {
        #[cfg(nxd_mqtt_websocket)]
        {
            let state = self.ws.state.replace(WS_OFF);
            if state == WS_CONNECTING || state == WS_UP {
                self.ws.ending.set(true);
            }
            self.ws.out_left.set(0);
            self.ws.out_started.set(false);
        }
        #[cfg(nxd_mqtt_tls)]
        {
            let state = self.tls.state.replace(TLS_OFF);
            if state != TLS_OFF {
                self.tls.ending.set(Some(state != TLS_ARMED));
            }
        }
    }

    /// TLS builds: the next connect runs TLS with the session `tls_setup` configured; its
    /// handshake starts with the connect's wait option `wait`. `false` when the control block
    /// has no session (no TLS build of the application).
    #[cfg(nxd_mqtt_tls)]
    pub fn arm_tls(&mut self, wait: ULONG) -> bool {
        if self.tls.session.is_null() {
            return false;
        }
        self.tls.wait.set(wait);
        self.tls.state.set(TLS_ARMED);
        true
    }

    /// TLS builds: a connect armed with [`Self::arm_tls`] did not start: the session is
    /// deleted and TLS is off again.
    #[cfg(nxd_mqtt_tls)]
    pub fn disarm_tls(&mut self) {
        if self.tls.state.get() == TLS_ARMED {
            self.tls.state.set(TLS_OFF);
            // SAFETY: the control block's session, configured by tls_setup, not started.
            unsafe { sys::nxd_mqtt_netx_tls_end(self.tls.session, 0, NX_NO_WAIT) };
        }
    }

    /// WebSocket builds: the next connect upgrades to WebSocket (after TLS when armed too)
    /// with `host` and `path` (the application's, valid while connected), waiting up to
    /// `wait` for the upgrade. `false` when the control block has no WebSocket client.
    #[cfg(nxd_mqtt_websocket)]
    pub fn arm_websocket(
        &mut self,
        host: (*const u8, u32),
        path: (*const u8, u32),
        wait: ULONG,
    ) -> bool {
        if self.ws.client.is_null() {
            return false;
        }
        self.ws.host.set(host);
        self.ws.path.set(path);
        self.ws.wait.set(wait);
        self.ws.state.set(WS_ARMED);
        true
    }

    /// WebSocket builds (`websocket_set`): creates the control block's WebSocket client on
    /// `ip` and the client's pool, deleting one created before. Returns NetX's status.
    #[cfg(nxd_mqtt_websocket)]
    pub fn create_websocket(&mut self, ip: *mut core::ffi::c_void) -> u32 {
        if self.ws.client.is_null() {
            return NX_NOT_CONNECTED;
        }
        self.delete_websocket();
        // SAFETY: the control block's WebSocket client member (not created now), the
        // application's IP instance and the client's pool.
        let s = unsafe { sys::nxd_mqtt_netx_ws_create(self.ws.client, ip.cast(), self.pool) };
        self.ws.created.set(s == NX_SUCCESS);
        s
    }

    /// Deletes the WebSocket client, if created (no connection uses it any more).
    #[cfg(nxd_mqtt_websocket)]
    fn delete_websocket(&mut self) {
        if self.ws.created.replace(false) {
            // SAFETY: the created client; its connection was ended.
            unsafe { sys::nxd_mqtt_netx_ws_delete(self.ws.client) };
        }
    }

    /// TCP (and TLS) established: starts or continues the WebSocket upgrade when armed.
    #[cfg(nxd_mqtt_websocket)]
    fn ws_progress(&mut self) -> Result<Progress, TransportError> {
        let started = self.ws.state.get() == WS_ARMED;
        let s = match self.ws.state.get() {
            WS_ARMED => {
                self.ws.state.set(WS_CONNECTING);
                #[cfg(nxd_mqtt_tls)]
                let session: *mut core::ffi::c_void = if self.tls.state.get() == TLS_UP {
                    self.tls.session.cast()
                } else {
                    ptr::null_mut()
                };
                #[cfg(not(nxd_mqtt_tls))]
                let session: *mut core::ffi::c_void = ptr::null_mut();
                let (host, host_len) = self.ws.host.get();
                let (path, path_len) = self.ws.path.get();
                // SAFETY: the control block's WebSocket client (created by websocket_set), the
                // connected socket (or its established TLS session), the application's host
                // and path with their lengths.
                unsafe {
                    sys::nxd_mqtt_netx_ws_connect(
                        self.ws.client,
                        self.socket,
                        session,
                        host,
                        host_len,
                        path,
                        path_len,
                        self.ws.wait.get(),
                    )
                }
            }
            // SAFETY: as above; the upgrade was started.
            WS_CONNECTING => unsafe { sys::nxd_mqtt_netx_ws_progress(self.ws.client) },
            _ => NX_SUCCESS,
        };
        match s {
            NX_SUCCESS => {
                if self.ws.state.get() == WS_CONNECTING {
                    self.ws.state.set(WS_UP);
                }
                Ok(Progress::Done)
            }
            NX_IN_PROGRESS if started => Ok(Progress::Advanced),
            NX_IN_PROGRESS => Ok(Progress::InProgress),
            _ => Err(TransportError::Failed),
        }
    }

    /// Every layer on top of TCP (TLS, then WebSocket) established?
    fn layers_progress(&mut self) -> Result<Progress, TransportError> {
        match self.tls_progress()? {
            Progress::Done => {}
            p => return Ok(p),
        }
        #[cfg(nxd_mqtt_websocket)]
        return self.ws_progress();
        #[cfg(not(nxd_mqtt_websocket))]
        Ok(Progress::Done)
    }

    /// With WebSocket up: sends a prefix of `bytes` as one frame of the MQTT packet they
    /// continue or start (each MQTT packet is one binary message: a binary frame, then
    /// continuation frames, the last one final). `None`: not framed here (no WebSocket).
    #[cfg(nxd_mqtt_websocket)]
    fn ws_send(&mut self, bytes: &[u8]) -> Option<Result<usize, TransportError>> {
        if self.ws.state.get() != WS_UP {
            return None;
        }
        if self.ws.out_left.get() == 0 {
            // A packet starts here: its length from the fixed header.
            let Some(total) = mqtt_packet_len(bytes) else {
                return Some(Ok(0)); // header incomplete: wait for more bytes
            };
            self.ws.out_left.set(total);
            self.ws.out_started.set(false);
        }
        let want = bytes.len().min(self.ws.out_left.get());
        let take = bytes.get(..want).unwrap_or(bytes);
        let size = ULONG::try_from(take.len()).unwrap_or(ULONG::MAX);
        let mut used: ULONG = 0;
        // A reserved packet makes room for the WebSocket client's own allocation.
        self.release_spares(1);
        // SAFETY: upgraded client; `take[..size]` is readable.
        let packet = unsafe {
            sys::nxd_mqtt_netx_ws_build(self.ws.client, self.pool, take.as_ptr(), size, &mut used)
        };
        if packet.is_null() {
            return Some(Ok(0)); // pool exhausted for now
        }
        let n = used as usize;
        let first = !self.ws.out_started.get();
        let last = n >= self.ws.out_left.get();
        // A frame goes whole or not at all: wait for the window as the original does.
        // SAFETY: the packet is ours, the WebSocket client's on success.
        let s = unsafe {
            sys::nxd_mqtt_netx_ws_send(
                self.ws.client,
                packet,
                u32::from(first),
                u32::from(last),
                self.socket_timeout,
            )
        };
        if s != NX_SUCCESS {
            // SAFETY: the send failed: the packet is still ours.
            unsafe { sys::nxd_mqtt_netx_packet_release(packet) };
            return Some(Err(TransportError::Failed));
        }
        self.ws.out_started.set(true);
        self.ws.out_left.set(self.ws.out_left.get() - n);
        self.sent(n);
        Some(Ok(n))
    }

    /// Before `tls_setup` configures the session again: ends what is left of the last
    /// connection (its session included). `Err` when a close in another thread did not end in
    /// time.
    pub fn settle(&mut self) -> Result<(), TransportError> {
        self.settle_close()?;
        self.end_layers(NX_NO_WAIT);
        Ok(())
    }

    /// TCP is established: starts or continues the TLS handshake when TLS is armed.
    #[cfg(nxd_mqtt_tls)]
    fn tls_progress(&mut self) -> Result<Progress, TransportError> {
        let started = self.tls.state.get() == TLS_ARMED;
        let s = match self.tls.state.get() {
            TLS_ARMED => {
                self.tls.state.set(TLS_HANDSHAKE);
                // SAFETY: the control block's session, configured by tls_setup; the socket
                // is connected.
                unsafe {
                    sys::nxd_mqtt_netx_tls_start(self.tls.session, self.socket, self.tls.wait.get())
                }
            }
            // SAFETY: as above; the handshake was started.
            TLS_HANDSHAKE => unsafe { sys::nxd_mqtt_netx_tls_continue(self.tls.session) },
            _ => NX_SUCCESS,
        };
        match s {
            NX_SUCCESS => {
                if self.tls.state.get() == TLS_HANDSHAKE {
                    self.tls.state.set(TLS_UP);
                }
                Ok(Progress::Done)
            }
            NX_CONTINUE if started => Ok(Progress::Advanced),
            NX_CONTINUE => Ok(Progress::InProgress),
            _ => Err(TransportError::Failed),
        }
    }

    /// TCP is established (no TLS in this build).
    #[cfg(not(nxd_mqtt_tls))]
    #[allow(clippy::unnecessary_wraps)]
    fn tls_progress(&mut self) -> Result<Progress, TransportError> {
        Ok(Progress::Done)
    }

    /// Builds one outbound packet for a prefix of `bytes`: a TLS packet when TLS is up, else a
    /// TCP packet ([`Self::build`]).
    fn outbound(&self, bytes: &[u8]) -> Option<(*mut NX_PACKET, usize)> {
        #[cfg(nxd_mqtt_tls)]
        if self.tls.state.get() == TLS_UP {
            // A reserved packet makes room for NetX Secure's own allocation.
            self.release_spares(1);
            let size = ULONG::try_from(bytes.len()).unwrap_or(ULONG::MAX);
            let mut used: ULONG = 0;
            // SAFETY: established session; `bytes[..size]` is readable.
            let packet = unsafe {
                sys::nxd_mqtt_netx_tls_build(
                    self.tls.session,
                    self.pool,
                    bytes.as_ptr(),
                    size,
                    &mut used,
                )
            };
            return (!packet.is_null()).then_some((packet, used as usize));
        }
        self.build(bytes)
    }
}

impl Transport for NetxTransport {
    fn open(&mut self, to: &Endpoint) -> Result<Progress, TransportError> {
        self.drop_pending();
        self.spare_bytes.set(0);
        self.release_spares(usize::MAX);
        self.settle_close()?;
        if !self.usable {
            return Err(TransportError::Failed);
        }
        // SAFETY: created socket.
        let s = unsafe { sys::nxd_mqtt_netx_tcp_bind(self.socket, NX_NO_WAIT) };
        if s != NX_SUCCESS && s != NX_ALREADY_BOUND {
            return Err(TransportError::Failed);
        }
        self.bound.set(true);
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
        let progress = match s {
            NX_SUCCESS => self.layers_progress(),
            NX_IN_PROGRESS => Ok(Progress::InProgress),
            _ => Err(TransportError::Failed),
        };
        if progress.is_err() {
            self.close(Close::Abort);
        }
        progress
    }

    fn poll_open(&mut self) -> Result<Progress, TransportError> {
        if !self.usable || !self.bound.get() || self.closing.load(Ordering::Acquire) != OPEN {
            return Err(TransportError::Failed);
        }
        match self.state() {
            NX_TCP_ESTABLISHED | NX_TCP_CLOSE_WAIT => self.layers_progress(),
            NX_TCP_SYN_SENT | NX_TCP_SYN_RECEIVED => Ok(Progress::InProgress),
            _ => Err(TransportError::Failed),
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result<usize, TransportError> {
        if bytes.is_empty() {
            return Ok(0);
        }
        if !self.usable || !self.bound.get() || self.closing.load(Ordering::Acquire) != OPEN {
            return Err(TransportError::Failed);
        }
        #[cfg(nxd_mqtt_websocket)]
        if let Some(r) = self.ws_send(bytes) {
            return r;
        }
        let Some((packet, n)) = self.outbound(bytes) else {
            return Ok(0); // pool exhausted for now
        };
        #[cfg(nxd_mqtt_tls)]
        if self.tls.state.get() == TLS_UP {
            // A record goes whole or not at all: wait for the window as the original does.
            // SAFETY: established session; the packet is ours, NetX Secure's on success.
            let s = unsafe {
                sys::nxd_mqtt_netx_tls_send(self.tls.session, packet, self.socket_timeout)
            };
            if s == NX_SUCCESS {
                self.sent(n);
                return Ok(n);
            }
            // SAFETY: the send failed: the packet is still ours.
            unsafe { sys::nxd_mqtt_netx_packet_release(packet) };
            return Err(if s == NX_NOT_CONNECTED {
                TransportError::Closed
            } else {
                TransportError::Failed
            });
        }
        // SAFETY: connected socket; the packet is ours. NetX owns it on success only.
        let s = unsafe { sys::nxd_mqtt_netx_tcp_send(self.socket, packet, NX_NO_WAIT) };
        if s == NX_SUCCESS {
            self.sent(n);
            return Ok(n);
        }
        // A failed send may have sent a prefix (NetX trims what went out from the packet it
        // hands back when the window closes or the pool runs out midway).
        // SAFETY: the send failed, so the packet is still ours.
        let left = unsafe { sys::nxd_mqtt_netx_packet_length(packet) } as usize;
        let sent = n.saturating_sub(left);
        // SAFETY: as above; released once.
        unsafe { sys::nxd_mqtt_netx_packet_release(packet) };
        self.sent(sent);
        match s {
            NX_WINDOW_OVERFLOW | NX_TX_QUEUE_DEPTH | NX_NO_PACKET | NX_WAIT_ABORTED => Ok(sent),
            NX_NOT_CONNECTED => Err(TransportError::Closed),
            _ => Err(TransportError::Failed),
        }
    }

    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.usable || !self.bound.get() || self.closing.load(Ordering::Acquire) != OPEN {
            return Err(TransportError::Failed);
        }
        loop {
            if self.pending.is_null() && self.hooked {
                return Ok(0);
            }
            if self.pending.is_null() {
                let mut packet: *mut NX_PACKET = ptr::null_mut();
                let Some(s) = self.receive(&mut packet) else {
                    return Ok(0);
                };
                match s {
                    NX_SUCCESS if !packet.is_null() => {
                        self.pending = packet;
                        self.offset = 0;
                    }
                    NX_SUCCESS | NX_NO_PACKET => return Ok(0),
                    #[cfg(nxd_mqtt_tls)]
                    NX_CONTINUE => return Ok(0),
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

    fn close(&mut self, how: Close) {
        self.drop_pending();
        self.spare_bytes.set(0);
        self.release_spares(usize::MAX);
        self.layers_connection_end();
        if !self.usable || !self.bound.get() {
            self.end_layers(NX_NO_WAIT);
            return;
        }
        let requested = match how {
            Close::Graceful => ORDERLY,
            Close::Abort => HARD,
        };
        match self.closing.load(Ordering::Acquire) {
            // Being ended by another thread (a connect that follows waits for it), or a hard
            // end asked for already.
            WAITING | HARD => {}
            // Asked for: a hard end shortens the wait.
            ORDERLY => self.closing.store(requested, Ordering::Release),
            _ if self.state() != NX_TCP_CLOSED => {
                // The disconnect with its wait runs when the client lock is released.
                self.closing.store(requested, Ordering::Release);
            }
            _ => self.disconnect_now(NX_NO_WAIT),
        }
    }
}

/// Length of the MQTT packet whose fixed header starts `bytes` (header included), when the
/// header is complete.
#[cfg(nxd_mqtt_websocket)]
fn mqtt_packet_len(bytes: &[u8]) -> Option<usize> {
    let mut remaining = 0usize;
    for (i, b) in bytes.iter().skip(1).take(4).enumerate() {
        remaining |= usize::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            return Some(1 + (i + 1) + remaining);
        }
    }
    None
}

impl Drop for NetxTransport {
    fn drop(&mut self) {
        self.drop_pending();
        self.release_spares(usize::MAX);
        self.layers_connection_end();
        self.end_layers(NX_NO_WAIT);
        #[cfg(nxd_mqtt_websocket)]
        self.delete_websocket();
    }
}
