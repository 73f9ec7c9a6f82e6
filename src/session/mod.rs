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
//!
//! Implementation notes (what the client layer relies on):
//! * Events come out in the order things happened on the wire. Per inbound frame at most one
//!   event is queued; input stops being consumed while the event queue (8 entries) is full,
//!   so nothing is lost as long as the client polls events. `CloseRequested` is always the
//!   last event of a connection: during Connecting it is preceded by `ConnectFailed`
//!   (refused CONNACK: `ConnectFailed(Refused(rc))` then
//!   `CloseRequested(ConnectFailed(Refused(rc)))`; invalid CONNACK: both with `Invalid`; any
//!   other protocol error before the CONNACK: `ConnectFailed(Invalid)` then
//!   `CloseRequested(ProtocolError(e))`).
//! * After `CloseRequested` or `disconnect`, the session takes no input, refuses commands
//!   (`NotConnected`) and queues no bytes until `connection_closed`; that call also forgets an
//!   unpolled `CloseRequested`, so call it after draining the events.
//! * A CONNACK while Connected, or any packet other than CONNACK while Connecting, is a
//!   protocol error (`ProtocolError(InvalidProtocol)`); a DISCONNECT from the broker closes
//!   with `BrokerDisconnect`.
//! * A PUBLISH for which the receive queue has no room is consumed and held back; once
//!   `message_get` has made room `wants_input` turns true again and the next `handle_bytes`
//!   call (also with empty input) handles it first. While input is held back no PINGRESP can
//!   be read either, so an application that never drains the queue ends in a ping timeout.
//! * After a non-clean CONNACK the stored PUBLISH copies (DUP = 1) and PUBRELs are moved into
//!   the transmit queue in their original order as room allows (`poll_transmit` refills);
//!   until the last one is queued, publish/subscribe/unsubscribe return `TransmitFull`.
//! * Inbound QoS 2 ids take in-flight records; when none is free the message is still
//!   delivered and PUBREC sent, but a duplicate could then be delivered again.
//! * Outbound topic names, filters and the will topic are not validated beyond non-empty and
//!   at most 65,535 bytes (`InvalidParameter`), as in the original: the broker decides.
//!   Inbound topics are validated. Packet ids are assigned only when the command succeeds.
#![forbid(unsafe_code)]

mod bufs;
mod fuzz_check;
mod inbox;
mod keep;
mod store;

use crate::codec::{
    decode_inbound, decode_remaining_length, encode_parts, parts_len, DecodeError, EncodeError,
    Frame, Packet, PacketType, QoS, ReaderState, Will,
};
use bufs::{Bytes, Events};
#[doc(hidden)]
pub use fuzz_check::fuzz_check_session;
use inbox::head_layout;
pub use inbox::{Inbox, Ring};
pub use keep::{Arena, At, Keep};
use store::{Kind, Store, IN_QOS2, PUB1, PUB2, PUBREL, SUB, UNSUB};

/// QoS 2 support (cargo feature `no-qos2` compiles it out: QoS 2 requests are refused with
/// `InvalidParameter`, inbound QoS 2 flows close the connection as a protocol error).
pub const QOS2: bool = cfg!(not(feature = "no-qos2"));

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

/// An outbound request with one topic (see [`Session::request`]).
#[derive(Clone, Copy, Debug)]
pub enum Request<'a> {
    /// PUBLISH (QoS 1/2 keep a copy for resend).
    Publish {
        /// Topic name.
        topic: &'a [u8],
        /// Payload.
        payload: &'a [u8],
        /// QoS.
        qos: QoS,
        /// Retain flag.
        retain: bool,
    },
    /// SUBSCRIBE with one filter.
    Subscribe {
        /// Topic filter.
        filter: &'a [u8],
        /// Requested QoS.
        qos: QoS,
    },
    /// UNSUBSCRIBE with one filter.
    Unsubscribe {
        /// Topic filter.
        filter: &'a [u8],
    },
    /// A PUBLISH the application built itself (the NetX port's
    /// `_nxd_mqtt_client_publish_packet_send`, used by NetX Duo's Azure IoT middleware; only in
    /// builds with that port, the others do without its code).
    #[cfg(feature = "netx")]
    Prebuilt(Prebuilt<'a>),
}

/// A whole PUBLISH packet built outside the session, with the packet id the application chose
/// (QoS 1/2: kept for resend with DUP set, and never given to another request while in
/// flight). The session does not parse it beyond its first byte (a PUBLISH header).
#[cfg(feature = "netx")]
#[derive(Clone, Copy)]
pub struct Prebuilt<'a> {
    /// Its size in bytes.
    pub len: usize,
    /// Packet id (QoS 1/2).
    pub id: u16,
    /// QoS of the flow (acknowledgements expected).
    pub qos: QoS,
    /// Copies the packet into the given buffer of `len` bytes; false when it cannot.
    pub read: &'a dyn Fn(&mut [u8]) -> bool,
}

#[cfg(feature = "netx")]
impl core::fmt::Debug for Prebuilt<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Prebuilt")
            .field("len", &self.len)
            .field("id", &self.id)
            .field("qos", &self.qos)
            .finish_non_exhaustive()
    }
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
///
/// Layout (`repr(C)`): the reader's small fields, its buffer, then the core (small fields
/// first, buffers last), so that the fields the code touches all the time stay within short
/// load/store offsets (on Thumb-2 below 4 KiB with the default capacities).
#[derive(Debug)]
#[repr(C)]
pub struct Session<
    const RX: usize,
    const QUEUE: usize,
    const STORE: usize,
    const TX: usize,
    const INFLIGHT: usize,
    I: Inbox = Ring<QUEUE>,
    K: Keep = Arena<STORE>,
> {
    reader: ReaderState,
    /// A complete PUBLISH frame is held in `reader` until the receive queue has room for it.
    parked: bool,
    /// First byte of the frame being read.
    header: u8,
    /// The frame reader's buffer. Before `core`, not after it: behind `core`'s trailing
    /// padding the optimiser built this buffer on the stack and copied it into place, which
    /// cost a caller creating a client in place (the NetX port) 2.3 KB of stack on Cortex-M4.
    rx: [u8; RX],
    core: Core<TX, INFLIGHT, I, K>,
}

/// Everything but the frame reader, so a frame borrowed from the reader can be handled.
#[derive(Debug)]
#[repr(C)]
struct Core<const TX: usize, const INFLIGHT: usize, I, K> {
    config: Config,
    state: State,
    /// Last `now` seen (for deadlines refreshed where no `now` is passed).
    now: Tick,
    /// Transmit queue (over `tx_buf`).
    tx: Bytes,
    /// In-flight records (stored bytes in `keep`).
    store: Store<INFLIGHT>,
    events: Events,
    /// A close request not yet reported (always reported after the queued events).
    close: Option<CloseReason>,
    /// Resend after CONNACK in progress: index of the next store record to resend.
    resend: usize,
    /// Keep-alive K in ticks (0: off).
    keepalive: u32,
    /// Deadline D: last transmission + K.
    deadline: Tick,
    /// Next periodic keep-alive check.
    timer: Tick,
    ping_sent: Tick,
    next_id: u16,
    /// The head message was refused once by a too-small `message_get`.
    strike: bool,
    /// No more input or commands until `connection_closed` (close requested or DISCONNECT queued).
    halted: bool,
    clean: bool,
    /// Resend in progress (see `resend`).
    resending: bool,
    ping: bool,
    /// Receive queue: whole PUBLISH frames as received, oldest first.
    inbox: I,
    /// The bytes of the stored PUBLISH copies.
    keep: K,
    tx_buf: [u8; TX],
}

/// Signed distance from `b` to `a` (positive: `a` after `b`) on the wrapping clock.
fn diff(a: Tick, b: Tick) -> i32 {
    a.wrapping_sub(b) as i32
}

fn next_id_after(id: u16) -> u16 {
    id.checked_add(1).unwrap_or(1)
}

/// Maps an encoder refusal to a command error.
fn encode_error(e: EncodeError) -> Error {
    match e {
        EncodeError::FieldTooLong | EncodeError::InvalidField => Error::InvalidParameter,
        _ => Error::TooLarge,
    }
}

/// Reads the packet id of a PUBLISH from the first bytes of its frame (oversize prefix).
fn publish_id(prefix: &[u8]) -> Option<u16> {
    let (_, used) = decode_remaining_length(prefix.get(1..)?).ok()??;
    let t = 1 + used;
    let i = t + 2 + usize::from(be16(prefix, t)?);
    be16(prefix, i)
}

/// The big-endian `u16` at `i`.
fn be16(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes(*b.get(i..)?.first_chunk()?))
}

impl<const TX: usize, const INFLIGHT: usize, I: Inbox, K: Keep> Core<TX, INFLIGHT, I, K> {
    /// Record limit: `INFLIGHT`, lowered by `Config::max_inflight`.
    fn cap(&self) -> usize {
        match self.config.max_inflight {
            0 => INFLIGHT,
            m => m.min(INFLIGHT),
        }
    }

    fn initial_id(&self) -> u16 {
        self.config.initial_packet_id.max(1)
    }

    /// Input can be taken now: connection open, room for one reply and one event.
    fn can_take(&self) -> bool {
        self.state != State::Idle
            && !self.halted
            && self.tx.free(TX) >= 4
            && self.events.free() >= 1
    }

    /// Every queued transmission pushes the keep-alive deadline.
    fn sent(&mut self) {
        self.deadline = self.now.wrapping_add(self.keepalive);
    }

    /// Queues a 2- or 4-byte control packet; false without room.
    fn send_small(&mut self, bytes: &[u8]) -> bool {
        let ok = self.tx.push(&mut self.tx_buf, bytes);
        if ok {
            self.sent();
        }
        ok
    }

    fn send_ack(&mut self, header: u8, id: u16) {
        let [hi, lo] = id.to_be_bytes();
        self.send_small(&[header, 2, hi, lo]);
    }

    /// Encodes the packet `header` + `parts` into the transmit queue (size `n` checked by the
    /// caller).
    fn send_parts(
        &mut self,
        header: u8,
        parts: &[&[u8]],
        fields: u32,
        n: usize,
    ) -> Result<(), Error> {
        let dst = self
            .tx
            .append(&mut self.tx_buf, n)
            .ok_or(Error::TransmitFull)?;
        if let Err(e) = encode_parts(header, parts, fields, dst) {
            self.tx.unappend(n);
            return Err(encode_error(e));
        }
        self.sent();
        Ok(())
    }

    /// The first id from `next_id` on that no outbound record uses.
    fn free_id(&self) -> u16 {
        let mut id = self.next_id.max(1);
        while self.store.id_in_use(id) {
            id = next_id_after(id);
        }
        id
    }

    /// Common checks of publish/subscribe/unsubscribe: returns the encoded size.
    /// `kind`: the record the command needs (0: none; PUB1/PUB2 also store the bytes).
    fn check_command(&self, parts: &[&[u8]], fields: u32, kind: Kind) -> Result<usize, Error> {
        if self.state != State::Connected || self.halted {
            return Err(Error::NotConnected);
        }
        let n = parts_len(parts, fields).map_err(encode_error)?;
        let stored = kind == PUB1 || kind == PUB2;
        if n > TX || (stored && n > self.keep.capacity()) {
            return Err(Error::TooLarge);
        }
        if kind != 0 && (self.store.len() >= self.cap() || (stored && !self.keep.fits(n))) {
            return Err(Error::InflightFull);
        }
        if self.resending || self.tx.free(TX) < n {
            return Err(Error::TransmitFull);
        }
        Ok(n)
    }

    /// Queues PUBLISH / SUBSCRIBE / UNSUBSCRIBE and records what awaits an acknowledgement.
    fn request(&mut self, r: &Request<'_>) -> Result<Option<u16>, Error> {
        let (topic, qos, kind, header) = match *r {
            #[cfg(feature = "netx")]
            Request::Prebuilt(p) => return self.prebuilt(p).map(|()| Some(p.id)),
            Request::Publish {
                topic, qos, retain, ..
            } => (
                topic,
                qos,
                qos as Kind,
                0x30 | ((qos as u8) << 1) | u8::from(retain),
            ),
            Request::Subscribe { filter, qos } => (filter, qos, SUB, 0x82),
            Request::Unsubscribe { filter } => (filter, QoS::AtMostOnce, UNSUB, 0xA2),
        };
        if topic.is_empty() || (!QOS2 && qos == QoS::ExactlyOnce) {
            return Err(Error::InvalidParameter);
        }
        let id = if kind != 0 {
            Some(self.free_id())
        } else {
            None
        };
        let id_bytes = id.unwrap_or(0).to_be_bytes();
        let id_part: &[u8] = match id {
            Some(_) => &id_bytes,
            None => &[],
        };
        let qos_byte = [qos as u8];
        // Publish: topic (field), id, payload; subscribe: id, filter (field), QoS byte.
        let (parts, fields) = match *r {
            Request::Publish { payload, .. } => ([topic, id_part, payload], 0b001),
            Request::Subscribe { .. } => ([id_part, topic, &qos_byte], 0b010),
            Request::Unsubscribe { .. } => ([id_part, topic, &[]], 0b010),
            #[cfg(feature = "netx")]
            Request::Prebuilt(_) => ([id_part, topic, &[]], 0b010),
        };
        let n = self.check_command(&parts, fields, kind)?;
        let deadline = self.deadline;
        self.send_parts(header, &parts, fields, n)?;
        if let Some(id) = id {
            self.record(kind, id, n, deadline)?;
            self.next_id = next_id_after(id);
        }
        Ok(id)
    }

    /// Records the request whose `n` bytes were just queued (PUBLISH QoS 1/2: with a copy of
    /// them, DUP set); without room for the copy the request is taken back (bytes unqueued,
    /// keep-alive `deadline` restored): `InflightFull`.
    fn record(&mut self, kind: Kind, id: u16, n: usize, deadline: Tick) -> Result<(), Error> {
        let stored = kind == PUB1 || kind == PUB2;
        let data = self.tx.data(&self.tx_buf);
        let copy = match stored {
            true => data.get(data.len() - n..).unwrap_or_default(),
            false => &[],
        };
        if self.store.push(&mut self.keep, kind, id, copy, 0x08) {
            return Ok(());
        }
        self.tx.unappend(n);
        self.deadline = deadline;
        Err(Error::InflightFull)
    }

    /// Queues a PUBLISH built by the application (see [`Prebuilt`]).
    #[cfg(feature = "netx")]
    fn prebuilt(&mut self, p: Prebuilt<'_>) -> Result<(), Error> {
        if self.state != State::Connected || self.halted {
            return Err(Error::NotConnected);
        }
        let kind = match p.qos {
            QoS::AtMostOnce => 0,
            QoS::AtLeastOnce => PUB1,
            QoS::ExactlyOnce if QOS2 => PUB2,
            QoS::ExactlyOnce => return Err(Error::InvalidParameter),
        };
        let n = p.len;
        let stored = kind != 0;
        if n < 2 || (stored && p.id == 0) {
            return Err(Error::InvalidParameter);
        }
        if n > TX || (stored && n > self.keep.capacity()) {
            return Err(Error::TooLarge);
        }
        if stored && (self.store.len() >= self.cap() || !self.keep.fits(n)) {
            return Err(Error::InflightFull);
        }
        if self.resending {
            return Err(Error::TransmitFull);
        }
        let dst = self
            .tx
            .append(&mut self.tx_buf, n)
            .ok_or(Error::TransmitFull)?;
        if !(p.read)(dst) || dst.first().map_or(true, |b| b >> 4 != 3) {
            self.tx.unappend(n);
            return Err(Error::InvalidParameter);
        }
        let deadline = self.deadline;
        self.sent();
        if stored {
            self.record(kind, p.id, n, deadline)?;
        }
        Ok(())
    }

    /// Asks the client to close; while connecting, a `ConnectFailed` comes first.
    fn close_with(&mut self, reason: CloseReason) {
        if self.halted {
            return;
        }
        if self.state == State::Connecting {
            let e = match reason {
                CloseReason::ConnectFailed(e) => e,
                _ => ConnackError::Invalid,
            };
            self.events.push(Event::ConnectFailed(e));
        }
        self.close = Some(reason);
        self.halted = true;
        self.resending = false;
    }

    fn protocol_error(&mut self, e: DecodeError) {
        self.close_with(match e {
            DecodeError::ServerOnlyPacket(PacketType::Disconnect) => CloseReason::BrokerDisconnect,
            e => CloseReason::ProtocolError(e),
        });
    }

    /// Removes store record `i`, keeping the resend cursor on the same next record.
    fn remove(&mut self, i: usize) {
        self.store.remove(&mut self.keep, i);
        if i < self.resend {
            self.resend -= 1;
        }
    }

    /// Removes the record of `kind`/`id` and reports the completed flow.
    fn complete(&mut self, kind: Kind, id: u16, ack: PacketType, return_code: u8) {
        if let Some(i) = self.store.find(kind, id) {
            self.remove(i);
            self.events.push(Event::Acknowledged {
                kind: ack,
                packet_id: id,
                return_code,
            });
        }
    }

    /// Moves stored PUBLISH copies / PUBRELs into the transmit queue while they fit.
    fn refill(&mut self) {
        while self.resending {
            let Some(r) = self.store.get(self.resend) else {
                self.resending = false;
                break;
            };
            let [hi, lo] = r.id.to_be_bytes();
            let pubrel = [0x62, 2, hi, lo];
            let queued = match r.kind {
                PUB1 | PUB2 => {
                    let at = self.store.at(self.resend);
                    match self.tx.append(&mut self.tx_buf, at.len) {
                        Some(dst) => {
                            if !self.keep.read(at, dst) {
                                // Unreadable copy (cannot happen with a consistent keep):
                                // send nothing for it rather than garbage.
                                self.tx.unappend(at.len);
                            }
                            Some(true)
                        }
                        None => None,
                    }
                }
                PUBREL if QOS2 => self.tx.push(&mut self.tx_buf, &pubrel).then_some(true),
                _ => Some(false),
            };
            match queued {
                None => break,
                Some(true) => self.sent(),
                Some(false) => {}
            }
            self.resend += 1;
        }
    }

    /// One complete frame from the reader.
    fn on_frame(&mut self, frame: Frame<'_>) {
        match frame {
            Frame::Packet(bytes) => match decode_inbound(bytes) {
                Ok(packet) => self.on_packet(packet, bytes),
                Err(_)
                    if self.state == State::Connecting
                        && bytes.first().map(|b| b >> 4) == Some(2) =>
                {
                    self.close_with(CloseReason::ConnectFailed(ConnackError::Invalid));
                }
                Err(e) => self.protocol_error(e),
            },
            Frame::Oversize { header, prefix, .. } => {
                let qos = (header >> 1) & 3;
                if header >> 4 != 3 || self.state != State::Connected {
                    self.protocol_error(DecodeError::InvalidLength);
                } else if qos == 3 || (!QOS2 && qos == 2) {
                    self.protocol_error(DecodeError::InvalidQoS);
                } else if qos == 0 {
                    self.events
                        .push(Event::MessageDropped(DropReason::TooLarge));
                } else {
                    match publish_id(prefix) {
                        Some(0) => self.protocol_error(DecodeError::ZeroPacketId),
                        // Topic longer than the reader: the id cannot be read, no ack possible.
                        None => self
                            .events
                            .push(Event::MessageDropped(DropReason::TooLarge)),
                        Some(id) => self.on_publish(qos, id, None),
                    }
                }
            }
        }
    }

    /// An inbound PUBLISH (`frame` None: too large, dropped): queue, remember QoS 2 ids, ack.
    fn on_publish(&mut self, qos: u8, id: u16, frame: Option<&[u8]>) {
        let qos2 = QOS2 && qos == 2;
        let duplicate = qos2 && self.store.find(IN_QOS2, id).is_some();
        if !duplicate {
            if qos2 && self.store.len() < self.cap() {
                self.store.push(&mut self.keep, IN_QOS2, id, &[], 0);
            }
            match frame.filter(|f| self.inbox.push(f)) {
                Some(_) => {
                    self.events.push(Event::MessageReceived {
                        queued: self.inbox.len(),
                    });
                }
                None => self
                    .events
                    .push(Event::MessageDropped(DropReason::TooLarge)),
            }
        }
        match qos {
            1 => self.send_ack(0x40, id),
            2 if QOS2 => self.send_ack(0x50, id),
            _ => {}
        }
    }

    fn on_packet(&mut self, packet: Packet<'_>, bytes: &[u8]) {
        if self.state == State::Connecting {
            let Packet::Connack {
                session_present,
                return_code,
            } = packet
            else {
                return self.protocol_error(DecodeError::InvalidProtocol);
            };
            let reason = match return_code {
                0 if session_present && self.clean => ConnackError::Invalid,
                0 => return self.on_connected(session_present),
                1..=5 => ConnackError::Refused(return_code),
                _ => ConnackError::Invalid,
            };
            return self.close_with(CloseReason::ConnectFailed(reason));
        }
        match packet {
            Packet::Publish(p) if QOS2 || p.qos != QoS::ExactlyOnce => {
                self.on_publish(p.qos as u8, p.packet_id.unwrap_or(0), Some(bytes));
            }
            Packet::Publish(_) => self.protocol_error(DecodeError::InvalidQoS),
            Packet::Puback(id) => self.complete(PUB1, id, PacketType::Puback, 0),
            Packet::Pubrec(id) if QOS2 => {
                let known = self
                    .store
                    .find(PUB2, id)
                    .or_else(|| self.store.find(PUBREL, id));
                if let Some(i) = known {
                    self.store.strip(&mut self.keep, i, PUBREL);
                    self.send_ack(0x62, id);
                }
            }
            Packet::Pubcomp(id) if QOS2 => self.complete(PUBREL, id, PacketType::Pubcomp, 0),
            Packet::Pubrel(id) if QOS2 => {
                self.complete(IN_QOS2, id, PacketType::Pubrel, 0);
                self.send_ack(0x70, id);
            }
            Packet::Suback {
                packet_id,
                return_codes,
            } => match return_codes {
                [rc] => self.complete(SUB, packet_id, PacketType::Suback, *rc),
                _ if self.store.find(SUB, packet_id).is_some() => {
                    self.protocol_error(DecodeError::InvalidLength);
                }
                _ => {}
            },
            Packet::Unsuback(id) => self.complete(UNSUB, id, PacketType::Unsuback, 0),
            Packet::Pingresp => self.ping = false,
            // A second CONNACK (decode_inbound rejects the server-only packets).
            _ => self.protocol_error(DecodeError::InvalidProtocol),
        }
    }

    fn on_connected(&mut self, session_present: bool) {
        self.state = State::Connected;
        self.events.push(Event::Connected { session_present });
        if !self.store.has_outbound() {
            self.next_id = self.initial_id();
        }
        if !self.clean {
            self.resending = true;
            self.resend = 0;
            self.refill();
        }
    }

    /// Removes the head message of the receive queue.
    fn pop_message(&mut self) {
        self.inbox.pop();
        self.strike = false;
    }
}

impl<
        const RX: usize,
        const QUEUE: usize,
        const STORE: usize,
        const TX: usize,
        const INFLIGHT: usize,
        I: Inbox + Default,
        K: Keep + Default,
    > Session<RX, QUEUE, STORE, TX, INFLIGHT, I, K>
{
    /// A new Idle session (its inbox as `I::default()` makes it).
    pub fn new(config: Config) -> Self {
        Session {
            reader: ReaderState::new(RX),
            parked: false,
            header: 0,
            core: Core {
                config,
                state: State::Idle,
                now: 0,
                tx: Bytes::new(),
                strike: false,
                store: Store::new(),
                events: Events::new(),
                close: None,
                halted: false,
                clean: false,
                next_id: config.initial_packet_id.max(1),
                resending: false,
                resend: 0,
                keepalive: 0,
                deadline: 0,
                timer: 0,
                ping: false,
                ping_sent: 0,
                inbox: I::default(),
                tx_buf: [0; TX],
                keep: K::default(),
            },
            rx: [0; RX],
        }
    }
}

impl<
        const RX: usize,
        const QUEUE: usize,
        const STORE: usize,
        const TX: usize,
        const INFLIGHT: usize,
        I: Inbox,
        K: Keep,
    > Session<RX, QUEUE, STORE, TX, INFLIGHT, I, K>
{
    /// The receive queue's storage (ports that provide their own set it up through this).
    pub fn inbox_mut(&mut self) -> &mut I {
        &mut self.core.inbox
    }

    /// The storage of the stored PUBLISH copies (ports that provide their own set it up
    /// through this).
    pub fn keep_mut(&mut self) -> &mut K {
        &mut self.core.keep
    }

    /// Current state.
    pub fn state(&self) -> State {
        self.core.state
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.core.config
    }

    /// Queues CONNECT (state → Connecting). Clean session discards the in-flight store and
    /// resets packet ids first. Errors: AlreadyConnected, Connecting, TooLarge, InvalidParameter.
    pub fn connect(&mut self, now: Tick, options: &ConnectOptions<'_>) -> Result<(), Error> {
        let c = &mut self.core;
        match c.state {
            State::Connected => return Err(Error::AlreadyConnected),
            State::Connecting => return Err(Error::Connecting),
            State::Idle => {}
        }
        if options
            .will
            .is_some_and(|w| w.topic.is_empty() || (!QOS2 && w.qos == QoS::ExactlyOnce))
        {
            return Err(Error::InvalidParameter);
        }
        let keep_alive =
            u16::try_from(options.keep_alive_secs).map_err(|_| Error::InvalidParameter)?;
        // Protocol name and level, flags and keep-alive, client id, will topic and message,
        // user name, password; absent optional fields are empty and not length-prefixed.
        let mut flags = u8::from(options.clean_session) << 1;
        let mut fields = 0b100;
        let (mut will_topic, mut will_message): (&[u8], &[u8]) = (&[], &[]);
        if let Some(w) = options.will {
            flags |= 0x04 | ((w.qos as u8) << 3) | (u8::from(w.retain) << 5);
            fields |= 0b1_1000;
            (will_topic, will_message) = (w.topic, w.message);
        }
        let (mut user, mut pass): (&[u8], &[u8]) = (&[], &[]);
        if let Some(u) = options.username {
            flags |= 0x80;
            fields |= 0b10_0000;
            user = u;
            if let Some(p) = options.password {
                flags |= 0x40;
                fields |= 0b100_0000;
                pass = p;
            }
        }
        let [ka_hi, ka_lo] = keep_alive.to_be_bytes();
        let parts: [&[u8]; 7] = [
            b"\0\x04MQTT\x04",
            &[flags, ka_hi, ka_lo],
            options.client_id,
            will_topic,
            will_message,
            user,
            pass,
        ];
        let n = parts_len(&parts, fields).map_err(encode_error)?;
        if n > TX {
            return Err(Error::TooLarge);
        }
        c.now = now;
        if options.clean_session {
            c.store.clear();
            c.keep.clear();
            c.next_id = c.initial_id();
        }
        c.tx.clear();
        c.keepalive = (options
            .keep_alive_secs
            .saturating_mul(c.config.ticks_per_second))
        .min(i32::MAX as u32);
        c.send_parts(0x10, &parts, fields, n)?;
        self.reader.reset();
        self.parked = false;
        c.state = State::Connecting;
        c.clean = options.clean_session;
        c.halted = false;
        c.close = None;
        c.resending = false;
        c.ping = false;
        c.timer = now.wrapping_add(c.config.keepalive_timer_rate.max(1));
        Ok(())
    }

    /// Queues a PUBLISH; QoS 1/2 keep a copy in the in-flight store for resend (DUP = 1) on a
    /// non-clean reconnect. Returns the packet id (`None` for QoS 0).
    pub fn publish(
        &mut self,
        now: Tick,
        topic: &[u8],
        payload: &[u8],
        qos: QoS,
        retain: bool,
    ) -> Result<Option<u16>, Error> {
        self.request(
            now,
            &Request::Publish {
                topic,
                payload,
                qos,
                retain,
            },
        )
    }

    /// Queues a SUBSCRIBE with one filter; returns its packet id.
    pub fn subscribe(&mut self, now: Tick, filter: &[u8], qos: QoS) -> Result<u16, Error> {
        self.request(now, &Request::Subscribe { filter, qos })
            .map(|id| id.unwrap_or(0))
    }

    /// Queues an UNSUBSCRIBE with one filter; returns its packet id.
    pub fn unsubscribe(&mut self, now: Tick, filter: &[u8]) -> Result<u16, Error> {
        self.request(now, &Request::Unsubscribe { filter })
            .map(|id| id.unwrap_or(0))
    }

    /// Queues a PUBLISH, SUBSCRIBE or UNSUBSCRIBE (what [`Session::publish`],
    /// [`Session::subscribe`] and [`Session::unsubscribe`] do); returns the packet id
    /// (`None` for a QoS 0 PUBLISH).
    pub fn request(&mut self, now: Tick, r: &Request<'_>) -> Result<Option<u16>, Error> {
        self.core.now = now;
        self.core.request(r)
    }

    /// Queues DISCONNECT when Connected or Connecting (otherwise does nothing). The client
    /// flushes, closes the transport and calls `connection_closed`. From then on the session
    /// takes no more input and refuses commands until `connection_closed`. (DISCONNECT is
    /// skipped if the transmit queue has no 2 bytes free; the close happens anyway.)
    pub fn disconnect(&mut self, now: Tick) {
        let c = &mut self.core;
        if c.state != State::Idle && !c.halted {
            c.now = now;
            c.send_small(&[0xE0, 0]);
            c.halted = true;
            c.resending = false;
        }
    }

    /// The transport is gone. Returns the state before (Idle if nothing was open). Drops
    /// SUBSCRIBE/UNSUBSCRIBE records, unsent bytes, the partial frame and ping bookkeeping;
    /// keeps the in-flight store and the receive queue.
    pub fn connection_closed(&mut self, now: Tick) -> State {
        let c = &mut self.core;
        c.now = now;
        let before = c.state;
        c.state = State::Idle;
        c.tx.clear();
        c.halted = false;
        c.close = None;
        c.resending = false;
        c.ping = false;
        let mut i = 0;
        while let Some(r) = c.store.get(i) {
            if r.kind == SUB || r.kind == UNSUB {
                c.store.remove(&mut c.keep, i);
            } else {
                i += 1;
            }
        }
        self.reader.reset();
        self.parked = false;
        before
    }

    /// Feeds broker bytes; returns how many were consumed (fewer than `input.len()` only when
    /// back-pressured or after a `CloseRequested`).
    ///
    /// Nothing is consumed while [`Session::wants_input`] is false. A PUBLISH that needs room
    /// in the receive queue is consumed and held (parked); it is handled by a later call
    /// (with or without new bytes) once `message_get` has made room.
    pub fn handle_bytes(&mut self, now: Tick, input: &[u8]) -> usize {
        self.feed(now, input, false)
    }

    /// Like [`Session::handle_bytes`], but stops right after the first frame that `input`
    /// completes, so the caller can dispatch its events (callbacks) before the next packet is
    /// processed. A parked PUBLISH that now fits is handled first and does not count.
    pub fn handle_frame(&mut self, now: Tick, input: &[u8]) -> usize {
        self.feed(now, input, true)
    }

    fn feed(&mut self, now: Tick, input: &[u8], one_frame: bool) -> usize {
        self.core.now = now;
        let mut rest = input;
        while self.core.can_take() {
            if self.parked {
                let Some(frame) = self.reader.current(&self.rx) else {
                    self.parked = false;
                    continue;
                };
                if let Frame::Packet(b) = frame {
                    if !self.core.inbox.reserve(b.len()) {
                        break;
                    }
                }
                self.parked = false;
                self.core.on_frame(frame);
                continue;
            }
            if self.reader.buffered() == 0 {
                if let Some(&b) = rest.first() {
                    self.header = b;
                }
            }
            match self.reader.next_frame(&mut self.rx, &mut rest) {
                Err(e) => self.core.protocol_error(e),
                Ok(Some(frame)) => {
                    let wait = match frame {
                        Frame::Packet(b) => {
                            self.core.state == State::Connected
                                && b.len() <= self.core.inbox.capacity()
                                && matches!(decode_inbound(b), Ok(Packet::Publish(_)))
                                && !self.core.inbox.reserve(b.len())
                        }
                        Frame::Oversize { .. } => false,
                    };
                    if wait {
                        self.parked = true;
                    } else {
                        self.core.on_frame(frame);
                    }
                    if one_frame {
                        break;
                    }
                }
                Ok(None) => break,
            }
        }
        // Only a PUBLISH may be larger than the reader (it is dropped and acknowledged).
        if self.reader.buffered() > RX && self.header >> 4 != 3 {
            self.core.protocol_error(DecodeError::InvalidLength);
        }
        input.len() - rest.len()
    }

    /// Advances timers: PINGREQ when the keep-alive is about to pass without a transmission,
    /// `CloseRequested(PingTimeout)` when a PINGRESP is late (spec §12 timing).
    ///
    /// Emulates the original's periodic check every `keepalive_timer_rate` (P) ticks: a ping
    /// outstanding for at least `ping_timeout_delay` ticks closes; otherwise a PINGREQ is
    /// queued when the deadline (last transmission + K) is at most P ticks away (or past).
    pub fn handle_timeout(&mut self, now: Tick) {
        let c = &mut self.core;
        c.now = now;
        let period = c.config.keepalive_timer_rate.max(1);
        if c.keepalive == 0 || c.state == State::Idle || diff(now, c.timer) < 0 {
            return;
        }
        c.timer = now.wrapping_add(period);
        if c.state != State::Connected || c.halted {
            return;
        }
        if c.ping && now.wrapping_sub(c.ping_sent) >= c.config.ping_timeout_delay {
            c.close_with(CloseReason::PingTimeout);
        } else if diff(c.deadline, now) <= period as i32 && c.send_small(&[0xC0, 0]) && !c.ping {
            c.ping = true;
            c.ping_sent = now;
        }
    }

    /// When `handle_timeout` should be called next (`None`: no timer running).
    pub fn poll_timeout(&self) -> Option<Tick> {
        let c = &self.core;
        (c.keepalive != 0 && c.state != State::Idle && !c.halted).then_some(c.timer)
    }

    /// Moves queued outbound bytes into `buf`; returns the count (0 = nothing to send).
    pub fn poll_transmit(&mut self, buf: &mut [u8]) -> usize {
        let c = &mut self.core;
        let mut n = 0;
        loop {
            c.refill();
            let data = c.tx.data(&c.tx_buf);
            let k = data.len().min(buf.len() - n);
            match (buf.get_mut(n..n + k), data.get(..k)) {
                (Some(d), Some(s)) if k > 0 => d.copy_from_slice(s),
                _ => break,
            }
            c.tx.consume(k);
            n += k;
        }
        n
    }

    /// Bytes waiting in the transmit queue.
    pub fn transmit_pending(&self) -> usize {
        self.core.tx.len()
    }

    /// True when [`Session::poll_event`] has an event.
    pub fn has_event(&self) -> bool {
        self.core.events.free() < bufs::EVENTS || self.core.close.is_some()
    }

    /// Next event for the client, oldest first. A `CloseRequested` always comes last.
    pub fn poll_event(&mut self) -> Option<Event> {
        let c = &mut self.core;
        c.events
            .pop()
            .or_else(|| c.close.take().map(Event::CloseRequested))
    }

    /// False while back-pressured: a PUBLISH waits for room in the receive queue, the
    /// transmit queue has no room for an acknowledgement, or the event queue is full; also
    /// false when Idle and after a close request or `disconnect`. While true, `handle_bytes`
    /// makes progress.
    pub fn wants_input(&self) -> bool {
        let blocked = match (self.parked, self.reader.current(&self.rx)) {
            (true, Some(Frame::Packet(b))) => !self.core.inbox.fits(b.len()),
            _ => false,
        };
        self.core.can_take() && !blocked
    }

    /// Copies the oldest message out and removes it (see the module doc for the too-small policy).
    pub fn message_get(
        &mut self,
        topic: &mut [u8],
        payload: &mut [u8],
    ) -> Result<MessageInfo, GetError> {
        let c = &mut self.core;
        loop {
            let Some(m) = head_layout(&c.inbox) else {
                if c.inbox.is_empty() {
                    return Err(GetError::NoMessage);
                }
                c.pop_message();
                continue;
            };
            match (
                topic.get_mut(..m.topic_len),
                payload.get_mut(..m.payload_len),
            ) {
                (Some(t), Some(p)) => {
                    let ok = c.inbox.read_head(m.topic_offset, t) == t.len()
                        && c.inbox.read_head(m.payload_offset, p) == p.len();
                    c.pop_message();
                    if !ok {
                        continue;
                    }
                    return Ok(MessageInfo {
                        topic_len: m.topic_len,
                        payload_len: m.payload_len,
                        qos: QoS::from_u8(m.qos).unwrap_or(QoS::AtMostOnce),
                        retain: m.retain,
                    });
                }
                _ if !c.strike => {
                    c.strike = true;
                    return Err(GetError::InsufficientBuffer {
                        topic_len: m.topic_len,
                        payload_len: m.payload_len,
                    });
                }
                _ => {
                    c.pop_message();
                    c.events
                        .push(Event::MessageDropped(DropReason::BufferTooSmall));
                }
            }
        }
    }

    /// Messages in the receive queue.
    pub fn queued_messages(&self) -> usize {
        self.core.inbox.len()
    }

    /// Bytes used in the receive queue.
    pub fn queued_bytes(&self) -> usize {
        self.core.inbox.bytes()
    }

    /// Empties the receive queue (the original's teardown behaviour, memory released).
    pub fn clear_receive_queue(&mut self) {
        self.core.inbox.clear();
        self.core.strike = false;
    }

    /// Records in the in-flight store (outbound QoS 1/2, SUBSCRIBE/UNSUBSCRIBE, inbound QoS 2).
    pub fn inflight_len(&self) -> usize {
        self.core.store.len()
    }

    /// Bytes of stored PUBLISH copies in the in-flight store.
    pub fn inflight_bytes(&self) -> usize {
        self.core.keep.used()
    }

    /// Inbound bytes held by the frame reader (a partial frame, or a PUBLISH parked by
    /// back-pressure).
    pub fn buffered(&self) -> usize {
        match (self.parked, self.reader.current(&self.rx)) {
            (true, Some(Frame::Packet(b))) => b.len(),
            _ => self.reader.buffered(),
        }
    }

    /// Discards the whole in-flight store (delete, clean session).
    pub fn clear_inflight(&mut self) {
        self.core.store.clear();
        self.core.keep.clear();
        self.core.resending = false;
    }

    /// True between a PINGREQ and its PINGRESP (`nxd_mqtt_ping_not_responded`).
    pub fn ping_outstanding(&self) -> bool {
        self.core.ping
    }

    /// The packet id the next QoS > 0 PUBLISH / SUBSCRIBE / UNSUBSCRIBE will try first.
    pub fn next_packet_id(&self) -> u16 {
        self.core.next_id
    }

    /// Sets the next packet id (0 becomes 1); ids in flight are still skipped.
    pub fn set_next_packet_id(&mut self, id: u16) {
        self.core.next_id = id.max(1);
    }
}
