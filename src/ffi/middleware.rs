//! NetX port: the original's semi-public functions that work on the client itself, which
//! NetX Duo's Azure IoT middleware calls besides the public API (spec §7.16). The ones that
//! only build or parse packets are in `port::netx::helpers`.
//!
//! What the application owns when it uses them (our guarantees it can bypass):
//! * `_nxd_mqtt_client_publish_packet_send` sends a PUBLISH the application built, with the
//!   packet id it chose: the library copies the packet (and keeps a copy for resend with DUP
//!   set when QoS > 0, as for its own publishes), and skips that id for its own requests while
//!   it is in flight. The id, the QoS passed and the packet's own header must agree: the
//!   library checks only that the packet starts with a PUBLISH header.
//! * `_nxd_mqtt_client_connection_end` closes the connection without running any notify.
#![cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]

use super::consts::*;
use super::control_block::NXD_MQTT_CLIENT;
use super::core::{self, client_of, Core};
use super::netx_codes::NX_PTR_ERROR;
use super::types::{CHAR, NX_PACKET, UINT, ULONG, USHORT};
use crate::client::{CommandError, Port};
use crate::codec::QoS;
use crate::port::netx;
use crate::session::{Error as SessionError, Prebuilt, Request};

/// SUBSCRIBE's fixed-header byte (`_nxd_mqtt_client_sub_unsub`'s `op` for subscribe).
const SUBSCRIBE_OP: UINT = 0x82;

/// Sends a PUBLISH the application built in `packet_ptr` (fixed header at its prepend
/// pointer), with `packet_id` for QoS 1/2 (spec §7.16.2). The packet is copied into the
/// client's transmit queue (QoS 1/2: and kept for resend) within `wait_option` ticks when the
/// queues are full. On `NXD_MQTT_SUCCESS` the library released the packet; on any error the
/// caller still owns it.
///
/// Returns `NXD_MQTT_SUCCESS`; `NXD_MQTT_PACKET_POOL_FAILURE` (no room in time, or larger than
/// the client can hold); `NXD_MQTT_COMMUNICATION_FAILURE` (not connected);
/// `NXD_MQTT_INVALID_PARAMETER` (QoS above 2, id 0 with QoS 1/2, not a PUBLISH);
/// `NXD_MQTT_MUTEX_FAILURE` (client not created); `NX_PTR_ERROR` (NULL pointer).
///
/// # Safety
/// `client_ptr` is a control block; `packet_ptr` a valid NetX packet the caller owns.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_publish_packet_send(
    client_ptr: *mut NXD_MQTT_CLIENT,
    packet_ptr: *mut NX_PACKET,
    packet_id: USHORT,
    qos: UINT,
    wait_option: ULONG,
) -> UINT {
    if client_ptr.is_null() || packet_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    let Some(qos) = u8::try_from(qos).ok().and_then(QoS::from_u8) else {
        return NXD_MQTT_INVALID_PARAMETER;
    };
    // SAFETY: non-NULL control block per the contract.
    let Some(shared) = (unsafe { client_of(client_ptr) }) else {
        return NXD_MQTT_MUTEX_FAILURE;
    };
    let packet = packet_ptr.cast::<::core::ffi::c_void>();
    // SAFETY: a valid packet per the contract.
    let len = unsafe { netx::packet_len(packet) };
    // SAFETY: as above; `dst` is the transmit queue's room for the packet.
    let read = |dst: &mut [u8]| unsafe { netx::packet_read(packet, 0, dst) } == dst.len();
    let request = Request::Prebuilt(Prebuilt {
        len,
        id: packet_id,
        qos,
        read: &read,
    });
    let result = Core::command(
        &*shared,
        &mut shared.lock(),
        core::wait_ticks(wait_option),
        &request,
    );
    match result {
        Ok(_) => {
            // SAFETY: the packet was copied; on success it is the library's to release.
            unsafe { netx::packet_release(packet) };
            NXD_MQTT_SUCCESS
        }
        Err(CommandError::Session(SessionError::NotConnected)) => NXD_MQTT_COMMUNICATION_FAILURE,
        Err(CommandError::Session(SessionError::InvalidParameter)) => NXD_MQTT_INVALID_PARAMETER,
        Err(_) => NXD_MQTT_PACKET_POOL_FAILURE,
    }
}

/// Subscribe (`op` 0x82, with `QoS`) or unsubscribe (any other `op`) with one topic filter,
/// reporting the packet id used through `packet_id_ptr` when it is not NULL (spec §7.16.3).
/// Codes as `nxd_mqtt_client_subscribe` / `_unsubscribe`.
///
/// # Safety
/// `client_ptr` is a control block; `topic_name` is readable for `topic_name_length` bytes;
/// `packet_id_ptr` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_sub_unsub(
    client_ptr: *mut NXD_MQTT_CLIENT,
    op: UINT,
    topic_name: *mut CHAR,
    topic_name_length: UINT,
    packet_id_ptr: *mut USHORT,
    qos: UINT,
) -> UINT {
    if client_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    let qos = if op == SUBSCRIBE_OP { Some(qos) } else { None };
    // SAFETY: forwarded contract.
    match unsafe { core::sub_unsub(client_ptr, topic_name, topic_name_length, qos) } {
        Ok(id) => {
            if !packet_id_ptr.is_null() {
                // SAFETY: writable per the contract.
                unsafe { packet_id_ptr.write(id) };
            }
            NXD_MQTT_SUCCESS
        }
        Err(code) => code,
    }
}

/// Ends the connection at once, without DISCONNECT and without any notify (spec §7.16.8): the
/// client is idle afterwards; queues, credentials and callbacks are kept. (`wait_option` is not
/// used: the port's hard end waits at most `NXD_MQTT_SOCKET_TIMEOUT` or one second for the
/// broker, whichever is shorter.)
///
/// # Safety
/// `client_ptr` is NULL or a control block.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_connection_end(
    client_ptr: *mut NXD_MQTT_CLIENT,
    wait_option: ULONG,
) {
    let _ = wait_option;
    if client_ptr.is_null() {
        return;
    }
    // SAFETY: a control block per the contract.
    if let Some(shared) = unsafe { client_of(client_ptr) } {
        Core::abort(&*shared, &mut shared.lock());
    }
}
