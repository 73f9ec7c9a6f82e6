//! Drives one [`Session`] over a platform port: the transport, the MQTT thread (or the
//! application's poll loop), blocking waits with timeouts in ticks, and callbacks.
//!
//! This layer is platform-free (`#![forbid(unsafe_code)]`). A port (`crate::port::*`) supplies
//! four small things, and everything else here works the same on every platform:
//!
//! | Piece | Trait / item | posix (host) | bare (no RTOS) | netx (ThreadX) |
//! |---|---|---|---|---|
//! | byte stream to the broker | [`Transport`] | non-blocking BSD socket | application C callbacks | NetX TCP socket, `NX_NO_WAIT` |
//! | tick clock | [`Port::now`] | `CLOCK_MONOTONIC`, 100 ticks/s | application callback | `tx_time_get()` |
//! | client lock (recursive for its owner) | [`Port::lock`] / [`Port::Guard`] | mutex + condvar | none needed (one thread) | `TX_MUTEX` |
//! | wake-up / wait | [`Port::wake`], [`Port::wait`] | pipe + `poll()`, condvar | [`Waited::MustPump`] | event flags |
//!
//! # How a port uses this module
//!
//! 1. Pick capacities and build the client type:
//!    `type Core<U> = Client<MyTransport, U, RX, QUEUE, STORE, TX, INFLIGHT, IO>` where `U` is
//!    whatever the C layer keeps under the client lock (credentials, callbacks: `ffi` supplies it).
//! 2. Put a `RefCell<Core<U>>` behind the port's lock and implement [`Port`] for the object
//!    that owns both. `Port::lock` returns a guard that dereferences to the `RefCell`; the
//!    guard must only exist while the calling thread owns the lock (recursively).
//! 3. The MQTT thread (or the application's poll function on bare metal) loops:
//!    `lock → Client::drive(port, &guard) → read Client::io_interest() and
//!    Client::next_deadline() → unlock → sleep until the transport is ready, a wake-up arrives
//!    or the deadline passes`. [`Client::drive`] never blocks: it reads what the transport has,
//!    feeds the session (respecting its back-pressure), runs timers, flushes, and calls the
//!    callbacks through [`Hooks`].
//! 4. API calls use the blocking helpers here ([`Client::connect_wait`], [`Client::publish`],
//!    ...). They queue work in the session, flush what can go out at once, call
//!    [`Port::wake`] so the MQTT thread polls for the rest, and when they must wait they call
//!    [`Port::wait`], which either sleeps with the lock released until the next unlock by
//!    another thread (threaded ports) or returns [`Waited::MustPump`], after which the helper
//!    runs [`Client::drive`] itself (bare metal, or a callback calling a blocking API on the
//!    MQTT thread).
//!
//! Callbacks are never called while a `RefCell` borrow is alive, so a callback may call any
//! API of the same client (the lock is recursive, the cell is free).
//!
//! # Time
//!
//! Ticks ([`Tick`], wrapping `u32`) at the rate the session's `Config::ticks_per_second`
//! says (`NX_IP_PERIODIC_RATE`, 100). Blocking timeouts are `Option<Tick>` durations: `None`
//! waits without limit (`NX_WAIT_FOREVER`).
#![forbid(unsafe_code)]

use core::cell::RefCell;
use core::ops::Deref;

use crate::codec::{PacketType, QoS};
use crate::session::{
    Arena, CloseReason, ConnackError, ConnectOptions, Event, GetError, Inbox, Keep, MessageInfo,
    Request, Ring, Session, State,
};
pub use crate::session::{Config, Error as SessionError, Tick};

// =============================================================================================
// Port traits
// =============================================================================================

/// An IP address of the broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpAddr {
    /// IPv4, network byte order (`[127, 0, 0, 1]`).
    V4([u8; 4]),
    /// IPv6, network byte order.
    V6([u8; 16]),
}

/// Where the broker listens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Address.
    pub ip: IpAddr,
    /// TCP port (never 0 here: the C layer rejects it).
    pub port: u16,
}

/// Result of a transport step that may need more time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Finished.
    Done,
    /// Not finished yet; ask again later (the port's readiness signal says when).
    InProgress,
    /// One step of opening finished and the next one started (TCP established and the TLS
    /// handshake begun, the handshake done and the WebSocket upgrade begun): a blocking
    /// connect's timeout starts again for it, as each of the original's blocking steps has the
    /// full timeout (COMPATIBILITY item 26). Otherwise as `InProgress`.
    Advanced,
}

/// Why the transport failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// The connection could not be established or broke (reset, unreachable, refused...).
    Failed,
    /// The peer closed the connection in order.
    Closed,
}

/// How a connection ends ([`Transport::close`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Close {
    /// Orderly end (disconnect, broker close, ping timeout, delete): bytes already accepted by
    /// `send` are delivered, then the connection ends in order. A port that lets the peer
    /// confirm (NetX: `NXD_MQTT_SOCKET_TIMEOUT`) waits for it outside `close`.
    Graceful,
    /// Hard end (CONNACK refused or invalid, a connect that failed or gave up): without a
    /// long wait for the peer (NetX: at most one second, then a reset).
    Abort,
}

/// A byte stream to the broker (TCP on the host and on NetX; anything on bare metal).
///
/// Every method must return at once: the client never lets a transport block. One transport
/// object is reused for every connection of a client: `open` after `close` starts anew.
pub trait Transport {
    /// Starts connecting to `to`. `Ok(Progress::Done)` when connected already,
    /// `Ok(Progress::InProgress)` when the result comes later ([`Transport::poll_open`]).
    fn open(&mut self, to: &Endpoint) -> Result<Progress, TransportError>;
    /// Progress of an `open` that returned `InProgress`.
    fn poll_open(&mut self) -> Result<Progress, TransportError>;
    /// Sends a prefix of `bytes`; returns how many were taken (0: no room now).
    fn send(&mut self, bytes: &[u8]) -> Result<usize, TransportError>;
    /// Receives into `buf`; returns the count (0: nothing available now).
    /// A connection closed by the peer is `Err(TransportError::Closed)`.
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError>;
    /// Closes the connection (idempotent), `how` the client ends it. With [`Close::Graceful`]
    /// bytes already accepted by `send` should still be delivered if the platform can.
    fn close(&mut self, how: Close);
}

/// What [`Port::wait`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waited {
    /// Slept (lock released) until another thread released the lock, or the deadline passed.
    /// The caller re-checks its condition.
    Slept,
    /// Nobody else will make progress for the caller (no worker thread, or the caller *is*
    /// the worker, e.g. a callback calling a blocking API): the caller must run
    /// [`Client::drive`] itself. The port may sleep briefly before returning (e.g. until the
    /// transport is ready or the deadline passes) to avoid spinning.
    MustPump,
}

/// A platform: lock, clock, wake-up and wait around one client.
pub trait Port {
    /// The client type (a [`Client`] with the port's transport and capacities).
    type Core;
    /// The callbacks (implemented by the C layer).
    type Hooks: Hooks<Self::Core>;
    /// Proof that the current thread holds the client lock; dereferences to the client.
    /// Dropping it releases one level of the (recursive) lock; threaded ports wake
    /// [`Port::wait`]ers on every final release.
    type Guard<'a>: Deref<Target = RefCell<Self::Core>>
    where
        Self: 'a;

    /// Takes the client lock (recursive for its owner).
    fn lock(&self) -> Self::Guard<'_>;
    /// The callbacks.
    fn hooks(&self) -> &Self::Hooks;
    /// The current tick.
    fn now(&self) -> Tick;
    /// Tells the MQTT thread that work was queued (bytes to send, input to resume, a connect
    /// to drive). Ports without a worker do nothing.
    fn wake(&self);
    /// Waits for progress made by someone else: releases the lock completely, sleeps until
    /// another thread releases it or `deadline` (absolute tick) passes, re-acquires it (same
    /// depth). See [`Waited`].
    fn wait(&self, guard: &mut Self::Guard<'_>, deadline: Option<Tick>) -> Waited;
}

/// The callbacks and the mirrored fields of the C control block (implemented by `ffi`).
///
/// Called with the client lock held and **no** `RefCell` borrow alive: implementations
/// borrow briefly to read what they need, release, then call into C.
pub trait Hooks<C> {
    /// Something for the application (connect/disconnect/receive/ack notify).
    fn notify(&self, core: &RefCell<C>, notice: Notice);
    /// Before a command: take over values the application wrote (packet identifier).
    fn before_command(&self, core: &mut C);
    /// After any change: publish state, ping flag and next packet id to the application.
    fn sync(&self, core: &mut C);
    /// The last step of an orderly teardown, after the receive queue was emptied
    /// (the C layer clears credentials and will here, as the original does).
    fn teardown(&self, core: &mut C);
}

// =============================================================================================
// Outcomes
// =============================================================================================

/// How a connect attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectOutcome {
    /// CONNACK accepted.
    Accepted,
    /// CONNACK refused with return code 1..=5.
    Refused(u8),
    /// CONNACK malformed, code above 5, or session present after a clean-session request.
    Invalid,
    /// The TCP connection could not be established (or not within the timeout).
    TransportFailed,
    /// Connected, but no CONNACK within the timeout, or the connection broke before it.
    NoConnack,
    /// Torn down while connecting (disconnect or delete).
    Aborted,
}

impl ConnectOutcome {
    /// True for the outcomes decided by a CONNACK (those call the connect notify in
    /// blocking mode too).
    pub fn from_connack(self) -> bool {
        matches!(
            self,
            ConnectOutcome::Accepted | ConnectOutcome::Refused(_) | ConnectOutcome::Invalid
        )
    }
}

/// Why `start_connect` refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartError {
    /// Already connected.
    AlreadyConnected,
    /// A connect is in progress.
    Connecting,
    /// The session refused the CONNECT (too large, keep-alive above 65,535...).
    Session(SessionError),
    /// The transport could not even start connecting.
    TransportFailed,
}

/// Why a publish/subscribe/unsubscribe failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// The session refused the command (not connected, too large, invalid...).
    Session(SessionError),
    /// No room in the transmit queue / in-flight store within the timeout.
    NoRoom,
}

/// Something the application must hear about (dispatched through [`Hooks::notify`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Connect notify.
    ConnectResult(ConnectOutcome),
    /// Disconnect notify (a connected client lost or ended its connection).
    Disconnected,
    /// Receive notify: a message was appended; `queued` is the queue depth.
    Received {
        /// Messages in the receive queue.
        queued: usize,
    },
    /// Ack notify.
    Acked {
        /// PUBACK, PUBCOMP, PUBREL, SUBACK or UNSUBACK.
        kind: PacketType,
        /// Packet id of the completed flow.
        packet_id: u16,
    },
}

/// What the MQTT thread should wait for before the next [`Client::drive`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Interest {
    /// Wait for incoming bytes.
    pub read: bool,
    /// Wait for room to send (bytes pending, or a connect in progress).
    pub write: bool,
    /// Work is left over (round limit reached): do not sleep.
    pub busy: bool,
}

/// Mirrored values for the control block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mirror {
    /// Session state (`None`: idle).
    pub state: State,
    /// A PINGREQ is outstanding.
    pub ping_outstanding: bool,
    /// Next packet id the session will try.
    pub next_packet_id: u16,
}

// =============================================================================================
// The client
// =============================================================================================

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    Closed,
    Opening,
    Open,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Transport,
    Connack,
}

#[derive(Clone, Copy, Debug)]
struct Attempt {
    blocking: bool,
    phase: Phase,
    since: Tick,
    outcome: Option<ConnectOutcome>,
}

/// How many read/flush rounds one [`Client::step`] call does before yielding the lock.
const MAX_ROUNDS: usize = 64;

/// One MQTT client: a session, its transport, the connect attempt and the I/O staging
/// buffers (`IO` bytes each way). `U` is the C layer's data, kept under the same lock.
///
/// Layout (`repr(C)`): the session, whose buffers are large, comes last, so that the small
/// fields stay within short load/store offsets (on Thumb-2 below 4 KiB).
#[repr(C)]
pub struct Client<
    T,
    U,
    const RX: usize,
    const QUEUE: usize,
    const STORE: usize,
    const TX: usize,
    const INFLIGHT: usize,
    const IO: usize,
    I: Inbox = Ring<QUEUE>,
    K: Keep = Arena<STORE>,
> {
    /// The C layer's data.
    pub user: U,
    transport: T,
    attempt: Option<Attempt>,
    out_pos: usize,
    out_len: usize,
    in_pos: usize,
    in_len: usize,
    link: Link,
    /// A send from an API thread failed; the MQTT thread ends the connection.
    io_failed: bool,
    /// The last step stopped at the round limit.
    busy: bool,
    /// An orderly teardown waits for its last step (after the callback).
    teardown_pending: bool,
    /// Bytes taken from the session but not yet accepted by the transport.
    out: [u8; IO],
    /// Bytes received but not yet accepted by the session (back-pressure).
    inp: [u8; IO],
    session: Session<RX, QUEUE, STORE, TX, INFLIGHT, I, K>,
}

impl<
        T,
        U,
        const RX: usize,
        const QUEUE: usize,
        const STORE: usize,
        const TX: usize,
        const INFLIGHT: usize,
        const IO: usize,
        I: Inbox + Default,
        K: Keep + Default,
    > Client<T, U, RX, QUEUE, STORE, TX, INFLIGHT, IO, I, K>
where
    T: Transport,
{
    /// A new idle client. (Large: ports with big capacities construct it where the stack
    /// allows, e.g. on a thread with a large stack, and move it to the heap or a static.)
    pub fn new(config: Config, transport: T, user: U) -> Self {
        Client {
            session: Session::new(config),
            transport,
            link: Link::Closed,
            attempt: None,
            out: [0; IO],
            out_pos: 0,
            out_len: 0,
            inp: [0; IO],
            in_pos: 0,
            in_len: 0,
            io_failed: false,
            busy: false,
            teardown_pending: false,
            user,
        }
    }

    /// The session (read-only: state, counters).
    pub fn session(&self) -> &Session<RX, QUEUE, STORE, TX, INFLIGHT, I, K> {
        &self.session
    }

    /// The receive queue's storage (a port with storage of its own attaches it there).
    pub fn inbox_mut(&mut self) -> &mut I {
        self.session.inbox_mut()
    }

    /// The storage of stored PUBLISH copies (a port with storage of its own attaches it there).
    pub fn keep_mut(&mut self) -> &mut K {
        self.session.keep_mut()
    }

    /// The transport (ports read e.g. the socket to wait on).
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The transport, for ports that hand it data they obtained themselves.
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// Values for the control block mirror.
    pub fn mirror(&self) -> Mirror {
        Mirror {
            state: self.session.state(),
            ping_outstanding: self.session.ping_outstanding(),
            next_packet_id: self.session.next_packet_id(),
        }
    }

    /// Sets the next packet id (the application wrote the control block field).
    pub fn set_next_packet_id(&mut self, id: u16) {
        self.session.set_next_packet_id(id);
    }

    /// What the MQTT thread waits for next.
    pub fn io_interest(&self) -> Interest {
        let pending_out = self.out_pos < self.out_len || self.session.transmit_pending() > 0;
        match self.link {
            Link::Closed => Interest {
                busy: self.busy,
                ..Interest::default()
            },
            Link::Opening => Interest {
                read: false,
                write: true,
                busy: self.busy,
            },
            Link::Open => Interest {
                read: self.session.wants_input() && self.in_pos >= self.in_len,
                write: pending_out,
                busy: self.busy
                    || self.io_failed
                    || (self.in_pos < self.in_len && self.session.wants_input()),
            },
        }
    }

    /// The next tick at which [`Client::drive`] must run even without I/O (keep-alive).
    pub fn next_deadline(&self) -> Option<Tick> {
        if self.link == Link::Open {
            self.session.poll_timeout()
        } else {
            None
        }
    }

    /// Deadline of the blocking connect in progress, for a step timeout of `timeout` ticks.
    fn attempt_deadline(&self, timeout: Option<Tick>) -> Option<Tick> {
        let a = self.attempt?;
        Some(a.since.wrapping_add(timeout?))
    }

    // ---- connect -------------------------------------------------------------------------

    /// Starts a connect: queues CONNECT in the session and starts the transport. The caller
    /// then wakes the MQTT thread and, when `blocking`, waits with [`Client::connect_wait`].
    pub fn start_connect(
        &mut self,
        now: Tick,
        to: &Endpoint,
        options: &ConnectOptions<'_>,
        blocking: bool,
    ) -> Result<(), StartError> {
        match self.session.state() {
            State::Connected => return Err(StartError::AlreadyConnected),
            State::Connecting => return Err(StartError::Connecting),
            State::Idle => {}
        }
        self.session
            .connect(now, options)
            .map_err(StartError::Session)?;
        self.reset_io();
        let phase = match self.transport.open(to) {
            Ok(Progress::Done) => {
                self.link = Link::Open;
                Phase::Connack
            }
            Ok(Progress::InProgress | Progress::Advanced) => {
                self.link = Link::Opening;
                Phase::Transport
            }
            Err(_) => {
                self.transport.close(Close::Abort);
                self.session.connection_closed(now);
                self.link = Link::Closed;
                return Err(StartError::TransportFailed);
            }
        };
        self.attempt = Some(Attempt {
            blocking,
            phase,
            since: now,
            outcome: None,
        });
        Ok(())
    }

    /// Ends the connect attempt in progress without callbacks (a blocking connect gave up).
    fn abort_attempt(&mut self, now: Tick) -> ConnectOutcome {
        let outcome = match self.attempt.take().map(|a| a.phase) {
            Some(Phase::Transport) => ConnectOutcome::TransportFailed,
            _ => ConnectOutcome::NoConnack,
        };
        if self.session.state() != State::Idle {
            let _ = self.hard_close(now, Close::Abort);
        }
        outcome
    }

    /// Waits for the blocking connect started by [`Client::start_connect`]: each phase (TCP,
    /// then CONNACK) may take `timeout` ticks (`None`: no limit).
    pub fn connect_wait<P: Port<Core = Self>>(
        port: &P,
        guard: &mut P::Guard<'_>,
        timeout: Option<Tick>,
    ) -> ConnectOutcome {
        loop {
            let deadline;
            {
                let mut c = guard.borrow_mut();
                let now = port.now();
                match c.attempt {
                    None => return ConnectOutcome::Aborted,
                    Some(Attempt {
                        outcome: Some(o), ..
                    }) => {
                        c.attempt = None;
                        return o;
                    }
                    Some(_) => {}
                }
                deadline = c.attempt_deadline(timeout);
                if let Some(d) = deadline {
                    if tick_reached(now, d) {
                        let o = c.abort_attempt(now);
                        port.hooks().sync(&mut c);
                        return o;
                    }
                }
            }
            if port.wait(guard, deadline) == Waited::MustPump {
                Self::drive(port, guard);
            }
        }
    }

    // ---- commands ------------------------------------------------------------------------

    /// Queues a PUBLISH, waiting up to `timeout` ticks (`None`: no limit) for room in the
    /// transmit queue or the in-flight store. Returns the packet id (QoS > 0).
    pub fn publish<P: Port<Core = Self>>(
        port: &P,
        guard: &mut P::Guard<'_>,
        topic: &[u8],
        payload: &[u8],
        qos: QoS,
        retain: bool,
        timeout: Option<Tick>,
    ) -> Result<Option<u16>, CommandError> {
        let r = Request::Publish {
            topic,
            payload,
            qos,
            retain,
        };
        Self::command(port, guard, timeout, &r)
    }

    /// Queues a SUBSCRIBE with one filter (waits for room without limit while connected).
    pub fn subscribe<P: Port<Core = Self>>(
        port: &P,
        guard: &mut P::Guard<'_>,
        filter: &[u8],
        qos: QoS,
    ) -> Result<u16, CommandError> {
        Self::command(port, guard, None, &Request::Subscribe { filter, qos })
            .map(|id| id.unwrap_or(0))
    }

    /// Queues an UNSUBSCRIBE with one filter (waits for room without limit while connected).
    pub fn unsubscribe<P: Port<Core = Self>>(
        port: &P,
        guard: &mut P::Guard<'_>,
        filter: &[u8],
    ) -> Result<u16, CommandError> {
        Self::command(port, guard, None, &Request::Unsubscribe { filter }).map(|id| id.unwrap_or(0))
    }

    /// Runs a session request (publish, subscribe, unsubscribe); on "no room" flushes, lets
    /// the MQTT thread work and retries until `timeout` ticks (`None`: no limit) have passed.
    /// Returns the packet id (`None` for a QoS 0 PUBLISH).
    pub fn command<P: Port<Core = Self>>(
        port: &P,
        guard: &mut P::Guard<'_>,
        timeout: Option<Tick>,
        request: &Request<'_>,
    ) -> Result<Option<u16>, CommandError> {
        let start = port.now();
        let deadline = timeout.map(|t| start.wrapping_add(t));
        loop {
            {
                let mut c = guard.borrow_mut();
                let now = port.now();
                port.hooks().before_command(&mut c);
                let result = c.session.request(now, request);
                match result {
                    Ok(r) => {
                        c.flush_from_api();
                        port.hooks().sync(&mut c);
                        let pending = c.io_interest();
                        drop(c);
                        if pending.write || pending.busy {
                            port.wake();
                        }
                        return Ok(r);
                    }
                    Err(SessionError::TransmitFull | SessionError::InflightFull) => {
                        c.flush_from_api();
                        if let Some(d) = deadline {
                            if tick_reached(now, d) {
                                return Err(CommandError::NoRoom);
                            }
                        }
                    }
                    Err(e) => return Err(CommandError::Session(e)),
                }
            }
            port.wake();
            if port.wait(guard, deadline) == Waited::MustPump {
                Self::drive(port, guard);
            }
        }
    }

    /// Takes the oldest received message (see `Session::message_get`).
    pub fn message_get<P: Port<Core = Self>>(
        port: &P,
        guard: &mut P::Guard<'_>,
        topic: &mut [u8],
        payload: &mut [u8],
    ) -> Result<MessageInfo, GetError> {
        let mut c = guard.borrow_mut();
        let was_blocked = !c.session.wants_input() || c.in_pos < c.in_len;
        let r = c.session.message_get(topic, payload);
        drop(c);
        if was_blocked {
            // Room was made: the MQTT thread resumes reading.
            port.wake();
        }
        r
    }

    /// Hard end of the connection without callbacks (the NetX port's
    /// `_nxd_mqtt_client_connection_end`): the transport is closed at once, the session is
    /// Idle; the receive queue, the in-flight store and the credentials are kept, and no notify
    /// runs. A blocking connect waiting for its CONNACK fails.
    pub fn abort<P: Port<Core = Self>>(port: &P, guard: &mut P::Guard<'_>) {
        let mut c = guard.borrow_mut();
        let now = port.now();
        let pending = c.pending_attempt();
        c.hard_close(now, Close::Abort);
        c.attempt = match pending {
            Some(a) if a.blocking => Some(Attempt {
                outcome: Some(ConnectOutcome::Aborted),
                ..a
            }),
            _ => None,
        };
        port.hooks().sync(&mut c);
        drop(c);
        port.wake();
    }

    /// Application disconnect: sends DISCONNECT (when connected or connecting), closes the
    /// connection and runs the orderly teardown with its callbacks in the calling thread.
    pub fn disconnect<P: Port<Core = Self>>(port: &P, guard: &mut P::Guard<'_>) {
        let notice = {
            let mut c = guard.borrow_mut();
            let now = port.now();
            if c.session.state() != State::Idle && c.link == Link::Open {
                c.session.disconnect(now);
                c.flush_from_api();
            }
            c.end_connection(now)
        };
        if let Some(n) = notice {
            Self::dispatch(port, guard, n);
        }
        port.hooks().sync(&mut guard.borrow_mut());
        // The MQTT thread may be waiting on the closed connection: let it look again.
        port.wake();
    }

    /// Deletion: ends any connection without DISCONNECT (the broker publishes the will),
    /// with the disconnect notify (connected) or connect notify (connecting); then frees the
    /// receive queue and the in-flight store. The port stops its worker afterwards.
    pub fn shutdown<P: Port<Core = Self>>(port: &P, guard: &mut P::Guard<'_>) {
        let notice = guard.borrow_mut().end_connection(port.now());
        if let Some(n) = notice {
            Self::dispatch(port, guard, n);
        }
        let mut c = guard.borrow_mut();
        c.session.clear_receive_queue();
        c.session.clear_inflight();
        port.hooks().sync(&mut c);
    }

    // ---- the pump ------------------------------------------------------------------------

    /// Does all I/O and timer work that is possible without blocking and calls the callbacks.
    /// Called by the MQTT thread (or the bare-metal poll function) with the lock held.
    pub fn drive<P: Port<Core = Self>>(port: &P, guard: &P::Guard<'_>) {
        loop {
            let notice = guard.borrow_mut().step(port.now());
            match notice {
                Some(n) => Self::dispatch(port, guard, n),
                None => break,
            }
        }
        port.hooks().sync(&mut guard.borrow_mut());
    }

    /// Calls the callback for `notice`, then finishes an orderly teardown if one is pending.
    fn dispatch<P: Port<Core = Self>>(port: &P, cell: &RefCell<Self>, notice: Notice) {
        port.hooks().sync(&mut cell.borrow_mut());
        port.hooks().notify(cell, notice);
        let mut c = cell.borrow_mut();
        if c.teardown_pending {
            c.teardown_pending = false;
            c.session.clear_receive_queue();
            port.hooks().teardown(&mut c);
        }
    }

    /// One unit of work; returns a notice as soon as there is one (call again after
    /// dispatching it), `None` when nothing more can be done now.
    pub fn step(&mut self, now: Tick) -> Option<Notice> {
        self.busy = false;
        for _ in 0..MAX_ROUNDS {
            if let Some(ev) = self.session.poll_event() {
                if let Some(n) = self.on_event(now, ev) {
                    return Some(n);
                }
                continue;
            }
            match self.link {
                Link::Closed => return None,
                Link::Opening => match self.transport.poll_open() {
                    Ok(Progress::Done) => {
                        self.link = Link::Open;
                        if let Some(a) = self.attempt.as_mut() {
                            a.phase = Phase::Connack;
                            a.since = now;
                        }
                        continue;
                    }
                    Ok(Progress::InProgress) => return None,
                    Ok(Progress::Advanced) => {
                        if let Some(a) = self.attempt.as_mut() {
                            a.since = now;
                        }
                        return None;
                    }
                    Err(_) => return self.transport_failed(now),
                },
                Link::Open => {}
            }
            if self.io_failed || self.flush().is_err() {
                return self.transport_failed(now);
            }
            if let Some(t) = self.session.poll_timeout() {
                if tick_reached(now, t) {
                    self.session.handle_timeout(now);
                    continue;
                }
            }
            match self.read(now) {
                Err(_) => return self.transport_failed(now),
                Ok(true) => continue,
                Ok(false) => {}
            }
            if self.session.has_event() {
                continue;
            }
            if self.flush().is_err() {
                return self.transport_failed(now);
            }
            return None;
        }
        self.busy = true;
        None
    }

    /// Feeds input to the session; true when bytes were consumed.
    fn read(&mut self, now: Tick) -> Result<bool, TransportError> {
        if !self.session.wants_input() {
            return Ok(false);
        }
        if self.in_pos >= self.in_len {
            self.in_pos = 0;
            self.in_len = 0;
            let n = self.transport.recv(&mut self.inp)?;
            if n == 0 {
                // Nothing new; a PUBLISH parked by back-pressure may fit now.
                self.session.handle_bytes(now, &[]);
                return Ok(false);
            }
            self.in_len = n;
        }
        // One frame at a time: the callbacks for a packet (receive notify...) run before the
        // next packet is processed, as in the original.
        let avail = self.inp.get(self.in_pos..self.in_len).unwrap_or_default();
        let n = self.session.handle_frame(now, avail);
        self.in_pos += n;
        Ok(n > 0)
    }

    /// Moves session output to the transport without blocking, preserving byte order.
    fn flush(&mut self) -> Result<(), TransportError> {
        if self.link != Link::Open {
            return Ok(());
        }
        loop {
            if self.out_pos >= self.out_len {
                self.out_pos = 0;
                self.out_len = self.session.poll_transmit(&mut self.out);
                if self.out_len == 0 {
                    return Ok(());
                }
            }
            let n = self
                .transport
                .send(self.out.get(self.out_pos..self.out_len).unwrap_or_default())?;
            if n == 0 {
                return Ok(());
            }
            self.out_pos += n;
        }
    }

    /// Flush from an API thread: a failure is left to the MQTT thread to handle (so teardown
    /// callbacks run there, as in the original).
    fn flush_from_api(&mut self) {
        if self.flush().is_err() {
            self.io_failed = true;
        }
    }

    fn on_event(&mut self, now: Tick, ev: Event) -> Option<Notice> {
        let outcome = match ev {
            Event::Connected { .. } => ConnectOutcome::Accepted,
            Event::ConnectFailed(ConnackError::Refused(code)) => ConnectOutcome::Refused(code),
            Event::ConnectFailed(ConnackError::Invalid) => ConnectOutcome::Invalid,
            Event::MessageReceived { queued } => return Some(Notice::Received { queued }),
            Event::MessageDropped(_) => return None,
            Event::Acknowledged {
                kind, packet_id, ..
            } => return Some(Notice::Acked { kind, packet_id }),
            Event::CloseRequested(reason) => {
                if matches!(reason, CloseReason::ConnectFailed(_))
                    || self.session.state() == State::Connecting
                {
                    // The connect already failed and was reported: hard end, no teardown.
                    let _ = self.hard_close(now, Close::Abort);
                    return None;
                }
                return self.end_connection(now);
            }
        };
        self.connect_result(outcome)
    }

    /// Records a CONNACK result: a blocking connect's waiter reports it (and calls the connect
    /// notify itself); otherwise it is a connect notify now.
    fn connect_result(&mut self, outcome: ConnectOutcome) -> Option<Notice> {
        match self.attempt.as_mut() {
            Some(a) if a.blocking => {
                a.outcome = Some(outcome);
                None
            }
            _ => {
                self.attempt = None;
                Some(Notice::ConnectResult(outcome))
            }
        }
    }

    /// The connect attempt still waiting for its result, if any.
    fn pending_attempt(&self) -> Option<Attempt> {
        self.attempt.filter(|a| a.outcome.is_none())
    }

    /// The transport failed or was closed by the broker.
    fn transport_failed(&mut self, now: Tick) -> Option<Notice> {
        if let Some(a) = self.pending_attempt() {
            // Connect in progress: a hard end; the attempt reports it.
            let outcome = match a.phase {
                Phase::Transport => ConnectOutcome::TransportFailed,
                Phase::Connack => ConnectOutcome::NoConnack,
            };
            let _ = self.hard_close(now, Close::Abort);
            if a.blocking {
                // The waiting connect reports it (no callback, no teardown: a hard end).
                self.attempt = Some(Attempt {
                    outcome: Some(outcome),
                    ..a
                });
                return None;
            }
            self.attempt = None;
            if a.phase == Phase::Transport {
                return Some(Notice::ConnectResult(ConnectOutcome::TransportFailed));
            }
            // Connected, then lost before the CONNACK: an orderly teardown from CONNECTING
            // (connect notify NXD_MQTT_CONNECT_FAILURE, then credentials cleared).
            self.teardown_pending = true;
            return Some(Notice::ConnectResult(ConnectOutcome::Aborted));
        }
        self.end_connection(now)
    }

    /// Closes the transport (`how`) and tells the session (no notices, queues untouched);
    /// returns the session state before.
    fn hard_close(&mut self, now: Tick, how: Close) -> State {
        self.transport.close(how);
        self.link = Link::Closed;
        self.reset_io();
        self.session.connection_closed(now)
    }

    /// Orderly teardown: closes and returns the notice for the state the session was in
    /// (disconnect notify when connected, connect notify with a failure when connecting);
    /// the receive queue is emptied and credentials cleared after that callback.
    fn end_connection(&mut self, now: Tick) -> Option<Notice> {
        let pending = self.pending_attempt();
        let before = self.hard_close(now, Close::Graceful);
        match (before, pending) {
            (State::Idle, _) => None,
            (State::Connected, _) => {
                self.teardown_pending = true;
                Some(Notice::Disconnected)
            }
            (State::Connecting, a) => {
                self.teardown_pending = true;
                self.attempt = match a {
                    // The waiting connect returns a failure; the notify fires here.
                    Some(a) if a.blocking => Some(Attempt {
                        outcome: Some(ConnectOutcome::Aborted),
                        ..a
                    }),
                    _ => None,
                };
                Some(Notice::ConnectResult(ConnectOutcome::Aborted))
            }
        }
    }

    fn reset_io(&mut self) {
        self.out_pos = 0;
        self.out_len = 0;
        self.in_pos = 0;
        self.in_len = 0;
        self.io_failed = false;
    }
}

/// True when `now` is at or past `deadline` on the wrapping clock.
pub fn tick_reached(now: Tick, deadline: Tick) -> bool {
    (now.wrapping_sub(deadline) as i32) >= 0
}

#[cfg(all(test, feature = "std"))]
mod tests;
