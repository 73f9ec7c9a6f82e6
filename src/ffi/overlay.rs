//! The packet-overlay structures of the original header (spec §3.1): byte views of the first
//! bytes of some control packets. The library does not use them; they exist so that C code
//! written against the original keeps compiling. Typedef `X` names `struct X_STRUCT`.
#![allow(non_camel_case_types)]

use super::types::UCHAR;

/// CONNACK packet view (typedef `MQTT_PACKET_CONNACK`).
#[repr(C)]
pub struct MQTT_PACKET_CONNACK_STRUCT {
    /// Fixed header byte (0x20).
    pub mqtt_connack_packet_header: UCHAR,
    /// Remaining length (2).
    pub mqtt_connack_packet_remaining_length: UCHAR,
    /// Acknowledge flags (bit 0: session present).
    pub mqtt_connack_packet_ack_flags: UCHAR,
    /// Return code.
    pub mqtt_connack_packet_return_code: UCHAR,
}

/// PUBLISH packet view (typedef `MQTT_PACKET_PUBLISH`).
#[repr(C)]
pub struct MQTT_PACKET_PUBLISH_STRUCT {
    /// Fixed header byte.
    pub mqtt_publish_packet_header: UCHAR,
    /// First remaining-length byte.
    pub mqtt_publish_packet_remaining_length: UCHAR,
}

/// PUBACK/PUBREC/PUBREL/PUBCOMP packet view (typedef `MQTT_PACKET_PUBLISH_RESPONSE`).
#[repr(C)]
pub struct MQTT_PACKET_PUBLISH_RESPONSE_STRUCT {
    /// Fixed header byte.
    pub mqtt_publish_response_packet_header: UCHAR,
    /// Remaining length (2).
    pub mqtt_publish_response_packet_remaining_length: UCHAR,
    /// Packet identifier, most significant byte.
    pub mqtt_publish_response_packet_packet_identifier_msb: UCHAR,
    /// Packet identifier, least significant byte.
    pub mqtt_publish_response_packet_packet_identifier_lsb: UCHAR,
}

/// SUBSCRIBE/UNSUBSCRIBE packet view (typedef `MQTT_PACKET_SUBSCRIBE`).
#[repr(C)]
pub struct MQTT_PACKET_SUBSCRIBE_STRUCT {
    /// Fixed header byte.
    pub mqtt_subscribe_packet_header: UCHAR,
    /// First remaining-length byte.
    pub mqtt_subscribe_packet_remaining_length: UCHAR,
    /// Packet identifier, most significant byte.
    pub mqtt_subscribe_packet_packet_identifier_msb: UCHAR,
    /// Packet identifier, least significant byte.
    pub mqtt_subscribe_packet_packet_identifier_lsb: UCHAR,
}

/// PINGREQ/PINGRESP packet view (typedef `MQTT_PACKET_PING`).
#[repr(C)]
pub struct MQTT_PACKET_PING_STRUCT {
    /// Fixed header byte.
    pub mqtt_ping_packet_header: UCHAR,
    /// Remaining length (0).
    pub mqtt_ping_packet_remaining_length: UCHAR,
}

/// DISCONNECT packet view (typedef `MQTT_PACKET_DISCONNECT`).
#[repr(C)]
pub struct MQTT_PACKET_DISCONNECT_STRUCT {
    /// Fixed header byte (0xE0).
    pub mqtt_disconnect_packet_header: UCHAR,
    /// Remaining length (0).
    pub mqtt_disconnect_packet_remaining_length: UCHAR,
}
