//! MQTT 3.1.1 wire format: every control packet in both directions, the remaining-length
//! field, and an incremental frame reader.
//!
//! CONTRACT (fixed by the integrator; the implementation may add items but must keep these
//! names and signatures, because `session/` and the fuzz targets are written against them):
//!
//! * [`Packet`] is one decoded control packet, borrowing from the frame bytes.
//! * [`decode_packet`] decodes one *whole* frame (fixed header included) of any type, both
//!   directions (used by tests, fuzzers and the scripted broker).
//! * [`decode_inbound`] decodes a frame the client may receive and rejects the packets only a
//!   server receives with [`DecodeError::ServerOnlyPacket`].
//! * [`Packet::encoded_len`] / [`Packet::encode`] compute the size first, then write into a
//!   caller buffer that is checked once ([`EncodeError::BufferTooSmall`] carries the size).
//! * [`encode_chunk`] writes any byte range of an encoded packet, so a PUBLISH bigger than one
//!   buffer can be emitted piece by piece (a NetX packet chain).
//! * [`FrameReader`] accepts bytes in any split and yields whole frames, bounded by a maximum
//!   inbound packet size; an oversize packet is skipped (not buffered whole) and reported.
//!
//! Pure code: no I/O, `#![forbid(unsafe_code)]`, no panics on any input.
#![forbid(unsafe_code)]

/// Largest value the remaining-length field can carry (4 bytes of 7 bits).
pub const MAX_REMAINING_LENGTH: u32 = 268_435_455;

/// Quality of service of a PUBLISH or a subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum QoS {
    /// At most once.
    AtMostOnce = 0,
    /// At least once.
    AtLeastOnce = 1,
    /// Exactly once.
    ExactlyOnce = 2,
}

impl QoS {
    /// The QoS for a numeric level 0..=2, `None` otherwise.
    pub const fn from_u8(level: u8) -> Option<QoS> {
        match level {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

/// The control packet types of MQTT 3.1.1 (the high nibble of the first byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PacketType {
    /// Client request to connect.
    Connect = 1,
    /// Connect acknowledgement.
    Connack = 2,
    /// Publish message.
    Publish = 3,
    /// Publish acknowledgement (QoS 1).
    Puback = 4,
    /// Publish received (QoS 2, part 1).
    Pubrec = 5,
    /// Publish release (QoS 2, part 2).
    Pubrel = 6,
    /// Publish complete (QoS 2, part 3).
    Pubcomp = 7,
    /// Subscribe request.
    Subscribe = 8,
    /// Subscribe acknowledgement.
    Suback = 9,
    /// Unsubscribe request.
    Unsubscribe = 10,
    /// Unsubscribe acknowledgement.
    Unsuback = 11,
    /// Ping request.
    Pingreq = 12,
    /// Ping response.
    Pingresp = 13,
    /// Client is disconnecting.
    Disconnect = 14,
}

/// Will message carried by CONNECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Will<'a> {
    /// Will topic (length-prefixed on the wire).
    pub topic: &'a [u8],
    /// Will message (length-prefixed on the wire; may be empty).
    pub message: &'a [u8],
    /// Will QoS.
    pub qos: QoS,
    /// Will retain flag.
    pub retain: bool,
}

/// CONNECT contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connect<'a> {
    /// Keep-alive in seconds (0 = off).
    pub keep_alive: u16,
    /// Clean-session flag.
    pub clean_session: bool,
    /// Client identifier (may be empty).
    pub client_id: &'a [u8],
    /// Optional will.
    pub will: Option<Will<'a>>,
    /// Optional user name.
    pub username: Option<&'a [u8]>,
    /// Optional password (only sent together with a user name).
    pub password: Option<&'a [u8]>,
}

/// PUBLISH contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Publish<'a> {
    /// DUP flag.
    pub dup: bool,
    /// QoS of this PUBLISH.
    pub qos: QoS,
    /// RETAIN flag.
    pub retain: bool,
    /// Topic name bytes (validated UTF-8 without wildcards or U+0000 when decoded inbound).
    pub topic: &'a [u8],
    /// Packet identifier: `Some` (never 0) exactly when `qos` > 0.
    pub packet_id: Option<u16>,
    /// Application payload.
    pub payload: &'a [u8],
}

/// One topic filter of a SUBSCRIBE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubscribeTopic<'a> {
    /// Topic filter bytes.
    pub filter: &'a [u8],
    /// Requested maximum QoS.
    pub qos: QoS,
}

/// A list of topic filters, either borrowed from a slice (encoding) or still in wire form
/// (decoding, iterate with [`Topics::iter`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topics<'a> {
    /// Filters given by the caller (SUBSCRIBE uses `qos`; UNSUBSCRIBE ignores it).
    List(&'a [SubscribeTopic<'a>]),
    /// Filters as they appear on the wire after the packet id (already validated).
    Wire {
        /// The raw bytes.
        bytes: &'a [u8],
        /// `true` for SUBSCRIBE (each filter followed by a QoS byte).
        with_qos: bool,
    },
}

/// One decoded or to-be-encoded MQTT control packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    /// CONNECT.
    Connect(Connect<'a>),
    /// CONNACK: session-present flag and return code (codes above 5 are kept, not rejected).
    Connack {
        /// Session-present flag.
        session_present: bool,
        /// Return code as received.
        return_code: u8,
    },
    /// PUBLISH.
    Publish(Publish<'a>),
    /// PUBACK with packet id.
    Puback(u16),
    /// PUBREC with packet id.
    Pubrec(u16),
    /// PUBREL with packet id.
    Pubrel(u16),
    /// PUBCOMP with packet id.
    Pubcomp(u16),
    /// SUBSCRIBE with packet id and at least one filter.
    Subscribe {
        /// Packet id.
        packet_id: u16,
        /// Filters.
        topics: Topics<'a>,
    },
    /// SUBACK with packet id and one return code per requested filter (raw bytes).
    Suback {
        /// Packet id.
        packet_id: u16,
        /// Return codes as received (0, 1, 2 or 0x80 are valid; others rejected by decode).
        return_codes: &'a [u8],
    },
    /// UNSUBSCRIBE with packet id and at least one filter.
    Unsubscribe {
        /// Packet id.
        packet_id: u16,
        /// Filters.
        topics: Topics<'a>,
    },
    /// UNSUBACK with packet id.
    Unsuback(u16),
    /// PINGREQ.
    Pingreq,
    /// PINGRESP.
    Pingresp,
    /// DISCONNECT.
    Disconnect,
}

/// Why a frame could not be decoded.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The frame is shorter than its header says (or than the packet type needs).
    Truncated,
    /// The frame is longer than its header says (decode_* require exactly one frame).
    TrailingBytes,
    /// Remaining length with a fifth byte, or not minimally encoded.
    MalformedRemainingLength,
    /// Packet type 0 or 15.
    ReservedPacketType,
    /// Fixed-header flag bits not allowed for this type (e.g. PUBREL not 0x62).
    InvalidFlags,
    /// A packet only a server may receive (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT).
    ServerOnlyPacket(PacketType),
    /// Remaining length wrong for the type (e.g. CONNACK not 2).
    InvalidLength,
    /// PUBLISH QoS bits = 3 (or DUP set at QoS 0).
    InvalidQoS,
    /// Packet id 0 where one is required.
    ZeroPacketId,
    /// Topic name empty, not UTF-8, containing U+0000 or wildcards.
    InvalidTopic,
    /// A string field is not valid MQTT UTF-8.
    InvalidString,
    /// A reserved bit (CONNACK flags, CONNECT flags) is set.
    ReservedBits,
    /// SUBACK return code other than 0, 1, 2, 0x80; or a SUBSCRIBE QoS byte above 2.
    InvalidReturnCode,
    /// SUBSCRIBE / UNSUBSCRIBE / SUBACK without any entry.
    EmptyPayload,
    /// CONNECT protocol name or level not "MQTT" / 4.
    InvalidProtocol,
}

/// Why a packet could not be encoded.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The caller buffer is too small; `required` is the full encoded size.
    BufferTooSmall {
        /// Bytes needed.
        required: usize,
    },
    /// The remaining length would exceed [`MAX_REMAINING_LENGTH`].
    PacketTooLarge,
    /// A length-prefixed field is longer than 65,535 bytes.
    FieldTooLong,
    /// A field violates the protocol (packet id 0 at QoS > 0, id with QoS 0, empty topic list...).
    InvalidField,
}

mod decode;
mod encode;
mod fuzz_check;
mod reader;

pub use decode::{
    decode_inbound, decode_packet, decode_remaining_length, is_valid_mqtt_string,
    is_valid_topic_filter, is_valid_topic_name, packet_type, TopicIter,
};
pub use encode::{encode_chunk, encode_parts, encode_remaining_length, parts_len};
#[doc(hidden)]
pub use fuzz_check::fuzz_check_decode;
pub use reader::{Frame, FrameReader, ReaderState};
