//! Every constant, client state and return code of the original header (spec §3), with the
//! original names and values. This file is the source of the generated `#define`s.
//!
//! The misspelling of [`NXD_MQTT_ERROR_IDENTIFYIER_REJECTED`] is the original's and is kept.

use super::types::{UINT, ULONG};

// ---- §3.1 protocol constants ---------------------------------------------------------------

/// MQTT protocol level sent in CONNECT (3.1.1).
pub const MQTT_PROTOCOL_LEVEL: UINT = 4;
/// CONNECT flag: user name present.
pub const MQTT_CONNECT_FLAGS_USERNAME: UINT = 0x80;
/// CONNECT flag: password present.
pub const MQTT_CONNECT_FLAGS_PASSWORD: UINT = 0x40;
/// CONNECT flag: will retain.
pub const MQTT_CONNECT_FLAGS_WILL_RETAIN: UINT = 0x20;
/// CONNECT flag: will QoS 0.
pub const MQTT_CONNECT_FLAGS_WILL_QOS_0: UINT = 0;
/// CONNECT flag: will QoS 1.
pub const MQTT_CONNECT_FLAGS_WILL_QOS_1: UINT = 0x08;
/// CONNECT flag: will QoS 2.
pub const MQTT_CONNECT_FLAGS_WILL_QOS_2: UINT = 0x10;
/// CONNECT flag: will present.
pub const MQTT_CONNECT_FLAGS_WILL_FLAG: UINT = 0x04;
/// CONNECT flag: clean session.
pub const MQTT_CONNECT_FLAGS_CLEAN_SESSION: UINT = 0x02;
/// CONNECT flags: mask of the will QoS field.
pub const MQTT_CONNECT_FLAGS_WILL_QOS_FIELD: UINT = 0x18;
/// CONNACK acknowledge flags: session present.
pub const MQTT_CONNACK_CONNECT_FLAGS_SP: UINT = 1;
/// CONNACK return code: accepted.
pub const MQTT_CONNACK_CONNECT_RETURN_CODE_ACCEPTED: UINT = 0;
/// CONNACK return code: unacceptable protocol version.
pub const MQTT_CONNACK_CONNECT_RETURN_CODE_UNACCEPTABLE_PROTOCOL_VERSION: UINT = 1;
/// CONNACK return code: identifier rejected.
pub const MQTT_CONNACK_CONNECT_RETURN_CODE_IDENTIFIER_REJECTED: UINT = 2;
/// CONNACK return code: server unavailable.
pub const MQTT_CONNACK_CONNECT_RETURN_CODE_SERVER_UNAVAILABLE: UINT = 3;
/// CONNACK return code: bad user name or password.
pub const MQTT_CONNACK_CONNECT_RETURN_CODE_BAD_USERNAME_PASSWORD: UINT = 4;
/// CONNACK return code: not authorized.
pub const MQTT_CONNACK_CONNECT_RETURN_CODE_NOT_AUTHORIZED: UINT = 5;
/// PUBLISH fixed-header flag: DUP.
pub const MQTT_PUBLISH_DUP_FLAG: UINT = 0x08;
/// PUBLISH fixed-header QoS bits for QoS 0.
pub const MQTT_PUBLISH_QOS_LEVEL_0: UINT = 0x00;
/// PUBLISH fixed-header QoS bits for QoS 1.
pub const MQTT_PUBLISH_QOS_LEVEL_1: UINT = 0x02;
/// PUBLISH fixed-header QoS bits for QoS 2.
pub const MQTT_PUBLISH_QOS_LEVEL_2: UINT = 0x04;
/// PUBLISH fixed-header mask of the QoS bits.
pub const MQTT_PUBLISH_QOS_LEVEL_FIELD: UINT = 0x06;
/// PUBLISH fixed-header flag: RETAIN.
pub const MQTT_PUBLISH_RETAIN: UINT = 0x01;
/// Mask of the control packet type in the first header byte.
pub const MQTT_CONTROL_PACKET_TYPE_FIELD: UINT = 0xF0;
/// Size of the smallest fixed header (unused by the library).
pub const MQTT_FIXED_HEADER_SIZE: UINT = 2;
/// Control packet type CONNECT.
pub const MQTT_CONTROL_PACKET_TYPE_CONNECT: UINT = 1;
/// Control packet type CONNACK.
pub const MQTT_CONTROL_PACKET_TYPE_CONNACK: UINT = 2;
/// Control packet type PUBLISH.
pub const MQTT_CONTROL_PACKET_TYPE_PUBLISH: UINT = 3;
/// Control packet type PUBACK (ack notify type for an outbound QoS 1 publish).
pub const MQTT_CONTROL_PACKET_TYPE_PUBACK: UINT = 4;
/// Control packet type PUBREC.
pub const MQTT_CONTROL_PACKET_TYPE_PUBREC: UINT = 5;
/// Control packet type PUBREL (ack notify type for a completed inbound QoS 2 message).
pub const MQTT_CONTROL_PACKET_TYPE_PUBREL: UINT = 6;
/// Control packet type PUBCOMP (ack notify type for a completed outbound QoS 2 publish; an
/// extension: the original never sent QoS 2).
pub const MQTT_CONTROL_PACKET_TYPE_PUBCOMP: UINT = 7;
/// Control packet type SUBSCRIBE.
pub const MQTT_CONTROL_PACKET_TYPE_SUBSCRIBE: UINT = 8;
/// Control packet type SUBACK (ack notify type for a SUBSCRIBE).
pub const MQTT_CONTROL_PACKET_TYPE_SUBACK: UINT = 9;
/// Control packet type UNSUBSCRIBE.
pub const MQTT_CONTROL_PACKET_TYPE_UNSUBSCRIBE: UINT = 10;
/// Control packet type UNSUBACK (ack notify type for an UNSUBSCRIBE).
pub const MQTT_CONTROL_PACKET_TYPE_UNSUBACK: UINT = 11;
/// Control packet type PINGREQ.
pub const MQTT_CONTROL_PACKET_TYPE_PINGREQ: UINT = 12;
/// Control packet type PINGRESP.
pub const MQTT_CONTROL_PACKET_TYPE_PINGRESP: UINT = 13;
/// Control packet type DISCONNECT.
pub const MQTT_CONTROL_PACKET_TYPE_DISCONNECT: UINT = 14;
/// Object identifier of an MQTT client ("MQTT"); kept for source compatibility, unused.
pub const NXD_MQTT_CLIENT_ID: ULONG = 0x4D51_5454;

// ---- §3.2 client states --------------------------------------------------------------------

/// Control block zeroed / never created.
pub const NXD_MQTT_CLIENT_STATE_INITIALIZE: UINT = 0;
/// Created, not connected.
pub const NXD_MQTT_CLIENT_STATE_IDLE: UINT = 1;
/// A connect is in progress (TCP connect, CONNECT sent, waiting for CONNACK).
pub const NXD_MQTT_CLIENT_STATE_CONNECTING: UINT = 2;
/// CONNACK accepted.
pub const NXD_MQTT_CLIENT_STATE_CONNECTED: UINT = 3;

// ---- §3.3 return codes ---------------------------------------------------------------------

/// Success.
pub const NXD_MQTT_SUCCESS: UINT = 0x0;
/// connect: the client is already connected.
pub const NXD_MQTT_ALREADY_CONNECTED: UINT = 0x10001;
/// publish/subscribe/unsubscribe: the client is not connected.
pub const NXD_MQTT_NOT_CONNECTED: UINT = 0x10002;
/// The client lock could not be taken (here: the control block was never created, or was
/// deleted, moved or copied).
pub const NXD_MQTT_MUTEX_FAILURE: UINT = 0x10003;
/// create: resources could not be set up; publish: the packet cannot be built.
pub const NXD_MQTT_INTERNAL_ERROR: UINT = 0x10004;
/// connect: the TCP connection could not be established (or no CONNECT could be sent).
pub const NXD_MQTT_CONNECT_FAILURE: UINT = 0x10005;
/// publish/subscribe/unsubscribe: no room for the packet now (transmit queue or in-flight
/// store full).
pub const NXD_MQTT_PACKET_POOL_FAILURE: UINT = 0x10006;
/// connect: no CONNACK within the timeout; publish/subscribe/unsubscribe: sending failed.
pub const NXD_MQTT_COMMUNICATION_FAILURE: UINT = 0x10007;
/// connect: the broker sent an invalid CONNACK.
pub const NXD_MQTT_SERVER_MESSAGE_FAILURE: UINT = 0x10008;
/// A parameter is invalid (checking front ends).
pub const NXD_MQTT_INVALID_PARAMETER: UINT = 0x10009;
/// message_get: the receive queue is empty.
pub const NXD_MQTT_NO_MESSAGE: UINT = 0x1000A;
/// Kept for source compatibility; never returned.
pub const NXD_MQTT_PACKET_POOL_EMPTY: UINT = 0x1000B;
/// Kept for source compatibility; never returned (this library supports QoS 2).
pub const NXD_MQTT_QOS2_NOT_SUPPORTED: UINT = 0x1000C;
/// message_get: the oldest message does not fit the buffers (it stays queued).
pub const NXD_MQTT_INSUFFICIENT_BUFFER_SPACE: UINT = 0x1000D;
/// Kept for source compatibility; never returned.
pub const NXD_MQTT_CLIENT_NOT_RUNNING: UINT = 0x1000E;
/// Kept for source compatibility (internal helpers only in the original).
pub const NXD_MQTT_INVALID_PACKET: UINT = 0x1000F;
/// Kept for source compatibility (internal helpers only in the original).
pub const NXD_MQTT_PARTIAL_PACKET: UINT = 0x10010;
/// connect: a connect is already in progress.
pub const NXD_MQTT_CONNECTING: UINT = 0x10011;
/// connect: the client is not in a state that allows connecting (not created).
pub const NXD_MQTT_INVALID_STATE: UINT = 0x10012;
/// Base of the CONNACK refusal codes: return code *n* (1..5) is reported as this + *n*.
pub const NXD_MQTT_ERROR_CONNECT_RETURN_CODE: UINT = 0x10080;
/// CONNACK return code 1: unacceptable protocol version.
pub const NXD_MQTT_ERROR_UNACCEPTABLE_PROTOCOL: UINT = 0x10081;
/// CONNACK return code 2: identifier rejected (the original's spelling).
pub const NXD_MQTT_ERROR_IDENTIFYIER_REJECTED: UINT = 0x10082;
/// CONNACK return code 3: server unavailable.
pub const NXD_MQTT_ERROR_SERVER_UNAVAILABLE: UINT = 0x10083;
/// CONNACK return code 4: bad user name or password.
pub const NXD_MQTT_ERROR_BAD_USERNAME_PASSWORD: UINT = 0x10084;
/// CONNACK return code 5: not authorized.
pub const NXD_MQTT_ERROR_NOT_AUTHORIZED: UINT = 0x10085;

// ---- conventional ports (constants for the application; the library does not use them) -----

/// Conventional plain-TCP MQTT broker port.
pub const NXD_MQTT_PORT: UINT = 1883;
/// Conventional MQTT over TLS port.
pub const NXD_MQTT_TLS_PORT: UINT = 8883;
/// Conventional MQTT over secure WebSocket port.
pub const NXD_MQTT_OVER_WEBSOCKET_TLS_PORT: UINT = 443;
/// Legacy alias of [`NXD_MQTT_PORT`].
pub const NXD_MQTT_CLIENT_NONTLS_PORT: UINT = 1883;
/// Legacy alias of [`NXD_MQTT_TLS_PORT`].
pub const NXD_MQTT_CLIENT_TLS_PORT: UINT = 8883;
