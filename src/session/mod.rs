//! The MQTT 3.1.1 client state machine, sans-IO.
//!
//! CONTRACT (fixed by the integrator; the implementation may add items but must keep these
//! names and signatures, because `client/`, `ffi/` and the fuzz targets are written against them).
//!
//! Shape (quinn-proto style): commands and inputs go in with the current tick; bytes to send,
//! events and a timeout come out. The session never touches a socket, a thread or a clock.
//!
//! * Commands: [`Session::connect`], [`Session::publish`], [`Session::subscribe`],
//!   [`Session::unsubscribe`], [`Session::disconnect`], [`Session::connection_closed`].
//! * Inputs: [`Session::handle_bytes`] (broker bytes, any split), [`Session::handle_timeout`].
//! * Outputs: [`Session::poll_transmit`] (drains queued outbound bytes into a caller buffer, in
//!   pieces of any size), [`Session::poll_event`], [`Session::poll_timeout`].
//! * Receive queue: [`Session::message_get`] (oldest first, bounded by `QUEUE` bytes).
//!
//! Transport lifecycle as the client drives it: open the transport, call `connect` (queues
//! CONNECT, state Connecting), flush with `poll_transmit`, feed received bytes to
//! `handle_bytes`; an [`Event::Connected`] or [`Event::ConnectFailed`] follows. When the
//! session emits [`Event::CloseRequested`] (broker DISCONNECT, ping timeout, protocol error,
//! refused CONNACK) or the transport fails, the client closes the transport and calls
//! `connection_closed`, which returns the state the session was in (so the caller knows
//! whether to report a disconnect or a failed connect) and leaves the session Idle.
//!
//! Capacities are const generics chosen by the port:
//! `RX` frame-reader buffer (largest inbound packet), `QUEUE` receive-queue bytes, `STORE`
//! in-flight store bytes (QoS 1/2 PUBLISH copies for resend), `TX` transmit-queue bytes,
//! `INFLIGHT` in-flight records (outbound QoS 1/2 publishes, PUBRELs, SUBSCRIBE/UNSUBSCRIBE
//! awaiting ack, inbound QoS 2 ids awaiting PUBREL).
//!
//! Policies the implementation must keep (documented in README's compatibility section):
//! * Back-pressure instead of loss: when the receive queue cannot take a complete PUBLISH,
//!   `handle_bytes` stops consuming at that frame and returns the count consumed so far;
//!   [`Session::wants_input`] is false until `message_get` makes room. A PUBLISH that can
//!   never fit the queue (or exceeds `RX`) is acknowledged per its QoS, dropped and reported
//!   with [`Event::MessageDropped`] — it never blocks the messages behind it.
//! * Too-small buffer in `message_get`: the first attempt on a given head message returns
//!   [`GetError::InsufficientBuffer`] and keeps it (the original's code and behaviour); a
//!   second consecutive too-small attempt on the same message discards it and continues with
//!   the next one, so the queue can never stall.
//! * Inbound QoS 2 is delivered once when the PUBLISH arrives; its id is remembered until the
//!   PUBREL; every PUBREL (known id or not) gets a PUBCOMP with the full id.
//! * Packet ids are never 0 and never reused while in flight (ids still in the store are
//!   skipped), wrapping 0xFFFF → 1.
#![forbid(unsafe_code)]

use crate::codec::{DecodeError, PacketType, QoS, Will};

/// Time in ticks of the platform clock; wraps around (compare with wrapping arithmetic).
pub type Tick = u32;

/// Build-time behaviour knobs (the original's configuration macros).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Ticks per second (`NX_IP_PERIODIC_RATE`, 100 by default).
    pub ticks_per_second: u32,
    /// `NXD_MQTT_KEEPALIVE_TIMER_RATE` in ticks: granularity of keep-alive checks.
    pub keepalive_timer_rate: u32,
    /// `NXD_MQTT_PING_TIMEOUT_DELAY` in ticks: how long a PINGRESP may take.
    pub ping_timeout_delay: u32,
    /// `NXD_MQTT_INITIAL_PACKET_ID_VALUE` (0 is turned into 1).
    pub initial_packet_id: u16,
    /// `NXD_MQTT_MAXIMUM_TRANSMIT_QUEUE_DEPTH`: at most this many in-flight records
    /// (also bounded by `INFLIGHT`); 0 = only `INFLIGHT`.
    pub max_inflight: usize,
}

impl Config {
    /// The original's defaults for a clock of 100 ticks per second.
    pub const DEFAULT: Config = Config {
        ticks_per_second: 100,
        keepalive_timer_rate: 100,
        ping_timeout_delay: 100,
        initial_packet_id: 1,
        max_inflight: 0,
    };
}

/// Connection state of the session (values are the `NXD_MQTT_CLIENT_STATE_*` ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum State {
    /// Not connected.
    Idle = 1,
    /// CONNECT sent (or about to be), waiting for CONNACK.
    Connecting = 2,
    /// CONNACK accepted.
    Connected = 3,
}

/// Parameters of one CONNECT.
#[derive(Clone, Copy, Debug)]
pub struct ConnectOptions<'a> {
    /// Client identifier (may be empty).
    pub client_id: &'a [u8],
    /// Keep-alive in seconds (0 = off). Values above 65,535 are rejected.
    pub keep_alive_secs: u32,
    /// Clean session: `true` discards the in-flight store before CONNECT is queued.
    pub clean_session: bool,
    /// User name.
    pub username: Option<&'a [u8]>,
    /// Password (sent only with a user name).
    pub password: Option<&'a [u8]>,
    /// Will message.
    pub will: Option<Will<'a>>,
}

/// Why a command was refused. Mapped to NX codes in one place (`ffi`).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// `connect` while Connected.
    AlreadyConnected,
    /// `connect` while Connecting.
    Connecting,
    /// publish/subscribe/unsubscribe while not Connected.
    NotConnected,
    /// No free in-flight record or store space now (frees when acks arrive).
    InflightFull,
    /// Not enough free transmit-queue space now: flush with `poll_transmit` and retry.
    TransmitFull,
    /// The packet can never fit (`TX` or `STORE` too small, or beyond MQTT limits).
    TooLarge,
    /// Bad argument (topic empty or longer than 65,535, keep-alive above 65,535...).
    InvalidParameter,
}

/// Why a CONNACK did not establish the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnackError {
    /// Return code 1..=5 from the broker.
    Refused(u8),
    /// Malformed CONNACK, return code above 5, or session-present after a clean-session request.
    Invalid,
}

/// Why the session asks the client to close the transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The broker sent DISCONNECT.
    BrokerDisconnect,
    /// No PINGRESP within the ping timeout.
    PingTimeout,
    /// CONNACK refused or invalid.
    ConnectFailed(ConnackError),
    /// The broker sent something that breaks the protocol.
    ProtocolError(DecodeError),
}

/// Why an inbound message was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// Larger than the frame reader (`RX`) or the receive queue (`QUEUE`) can ever hold.
    TooLarge,
    /// Discarded by the second too-small `message_get`.
    BufferTooSmall,
}

/// Something the client must act on (callbacks, waking blocked callers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// CONNACK accepted.
    Connected {
        /// Broker's session-present flag.
        session_present: bool,
    },
    /// CONNACK refused or invalid; a `CloseRequested` follows.
    ConnectFailed(ConnackError),
    /// A message was appended to the receive queue; `queued` is the queue depth now.
    MessageReceived {
        /// Messages in the queue, the new one included.
        queued: usize,
    },
    /// An inbound message was dropped.
    MessageDropped(DropReason),
    /// An acknowledgement completed a flow: PUBACK / PUBCOMP (outbound QoS 1 / 2 done),
    /// PUBREL (inbound QoS 2 done, PUBCOMP queued), SUBACK, UNSUBACK. `return_code` is the
    /// SUBACK code (0, 1, 2 or 0x80), 0 otherwise.
    Acknowledged {
        /// Packet type that completed the flow.
        kind: PacketType,
        /// Its packet id.
        packet_id: u16,
        /// SUBACK return code, else 0.
        return_code: u8,
    },
    /// The client must close the transport and then call `connection_closed`.
    CloseRequested(CloseReason),
}

/// Why `message_get` returned no message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GetError {
    /// The receive queue is empty.
    NoMessage,
    /// The head message does not fit; it stays queued (first attempt only, see module doc).
    InsufficientBuffer {
        /// Topic length of the head message.
        topic_len: usize,
        /// Payload length of the head message.
        payload_len: usize,
    },
}

/// What `message_get` copied out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageInfo {
    /// Topic bytes written.
    pub topic_len: usize,
    /// Payload bytes written.
    pub payload_len: usize,
    /// QoS the message was received with.
    pub qos: QoS,
    /// Retain flag as received.
    pub retain: bool,
}

/// The client session. See the module documentation for the capacities.
#[derive(Debug)]
pub struct Session<
    const RX: usize,
    const QUEUE: usize,
    const STORE: usize,
    const TX: usize,
    const INFLIGHT: usize,
> {
    config: Config,
    state: State,
    // implementer adds state here (frame reader, queues, records...)
}

impl<const RX: usize, const QUEUE: usize, const STORE: usize, const TX: usize, const INFLIGHT: usize>
    Session<RX, QUEUE, STORE, TX, INFLIGHT>
{
    /// A new Idle session.
    pub fn new(config: Config) -> Self {
        Session { config, state: State::Idle }
    }

    /// Current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Queues CONNECT (state → Connecting). Clean session discards the in-flight store and
    /// resets packet ids first. Errors: AlreadyConnected, Connecting, TooLarge, InvalidParameter.
    pub fn connect(&mut self, now: Tick, options: &ConnectOptions<'_>) -> Result<(), Error> {
        let _ = (now, options);
        Err(Error::InvalidParameter)
    }

    /// Queues a PUBLISH; QoS 1/2 keep a copy in the in-flight store for resend (DUP = 1) on a
    /// non-clean reconnect. Returns the packet id (`None` for QoS 0).
    pub fn publish(&mut self, now: Tick, topic: &[u8], payload: &[u8], qos: QoS, retain: bool) -> Result<Option<u16>, Error> {
        let _ = (now, topic, payload, qos, retain);
        Err(Error::NotConnected)
    }

    /// Queues a SUBSCRIBE with one filter; returns its packet id.
    pub fn subscribe(&mut self, now: Tick, filter: &[u8], qos: QoS) -> Result<u16, Error> {
        let _ = (now, filter, qos);
        Err(Error::NotConnected)
    }

    /// Queues an UNSUBSCRIBE with one filter; returns its packet id.
    pub fn unsubscribe(&mut self, now: Tick, filter: &[u8]) -> Result<u16, Error> {
        let _ = (now, filter);
        Err(Error::NotConnected)
    }

    /// Queues DISCONNECT when Connected or Connecting (otherwise does nothing). The client
    /// flushes, closes the transport and calls `connection_closed`.
    pub fn disconnect(&mut self, now: Tick) {
        let _ = now;
    }

    /// The transport is gone. Returns the state before (Idle if nothing was open). Drops
    /// SUBSCRIBE/UNSUBSCRIBE records, unsent bytes, the partial frame and ping bookkeeping;
    /// keeps the in-flight store and the receive queue.
    pub fn connection_closed(&mut self, now: Tick) -> State {
        let _ = now;
        let before = self.state;
        self.state = State::Idle;
        before
    }

    /// Feeds broker bytes; returns how many were consumed (fewer than `input.len()` only when
    /// back-pressured or after a `CloseRequested`).
    pub fn handle_bytes(&mut self, now: Tick, input: &[u8]) -> usize {
        let _ = (now, input);
        0
    }

    /// Advances timers: PINGREQ when the keep-alive is about to pass without a transmission,
    /// `CloseRequested(PingTimeout)` when a PINGRESP is late (spec §12 timing).
    pub fn handle_timeout(&mut self, now: Tick) {
        let _ = now;
    }

    /// When `handle_timeout` should be called next (`None`: no timer running).
    pub fn poll_timeout(&self) -> Option<Tick> {
        None
    }

    /// Moves queued outbound bytes into `buf`; returns the count (0 = nothing to send).
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> usize {
        let _ = buf;
        0
    }

    /// Bytes waiting in the transmit queue.
    pub fn transmit_pending(&self) -> usize {
        0
    }

    /// Next event for the client, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        None
    }

    /// False while back-pressured by a full receive queue.
    pub fn wants_input(&self) -> bool {
        true
    }

    /// Copies the oldest message out and removes it (see the module doc for the too-small policy).
    pub fn message_get(&mut self, topic: &mut [u8], payload: &mut [u8]) -> Result<MessageInfo, GetError> {
        let _ = (topic, payload);
        Err(GetError::NoMessage)
    }

    /// Messages in the receive queue.
    pub fn queued_messages(&self) -> usize {
        0
    }

    /// Empties the receive queue (the original's teardown behaviour, memory released).
    pub fn clear_receive_queue(&mut self) {}

    /// Records in the in-flight store (outbound QoS 1/2, SUBSCRIBE/UNSUBSCRIBE, inbound QoS 2).
    pub fn inflight_len(&self) -> usize {
        0
    }

    /// Discards the whole in-flight store (delete, clean session).
    pub fn clear_inflight(&mut self) {}

    /// True between a PINGREQ and its PINGRESP (`nxd_mqtt_ping_not_responded`).
    pub fn ping_outstanding(&self) -> bool {
        false
    }

    /// The packet id the next QoS > 0 PUBLISH / SUBSCRIBE / UNSUBSCRIBE will try first.
    pub fn next_packet_id(&self) -> u16 {
        1
    }

    /// Sets the next packet id (0 becomes 1); ids in flight are still skipped.
    pub fn set_next_packet_id(&mut self, id: u16) {
        let _ = id;
    }
}
