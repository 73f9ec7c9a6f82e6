//! The original's semi-public helpers on NetX packets (spec §7.16), for code written against
//! NetX Duo's MQTT client that builds or parses MQTT packets itself (Azure IoT middleware,
//! NetX Duo's tests): packet allocation with the client's TCP/IP headroom, the fixed header
//! and length-prefixed fields appended to a packet, and the remaining length and PUBLISH
//! layout read from a packet. Every read and write is chain-aware and goes through NetX
//! (`nx_packet_data_extract_offset`, `nx_packet_data_append`, via the C glue), so packets
//! split across buffers of any size work.
//!
//! Differences from the original, all on inputs it mishandles:
//! * NULL pointers return `NX_PTR_ERROR` instead of crashing.
//! * `_nxd_mqtt_client_set_fixed_header` refuses a length above 268,435,455 (the largest MQTT
//!   remaining length) with `NXD_MQTT_INVALID_PARAMETER` and appends nothing; the original
//!   writes a wrong, overlong encoding.
//! * `_nxd_mqtt_read_remaining_length` treats a non-minimal encoding (a last length byte of 0
//!   after a continuation, e.g. `80 00`) as malformed, as the rest of this library does:
//!   `NXD_MQTT_INTERNAL_ERROR`, the original's code for a malformed length (four bytes with the
//!   continuation bit); the original accepts it.

use core::ffi::c_void;

use super::sys;
use crate::codec::{decode_remaining_length, encode_remaining_length};
use crate::ffi::client_of;
use crate::ffi::consts::{
    NXD_MQTT_INTERNAL_ERROR, NXD_MQTT_INVALID_PACKET, NXD_MQTT_INVALID_PARAMETER,
    NXD_MQTT_PACKET_POOL_FAILURE, NXD_MQTT_PARTIAL_PACKET, NXD_MQTT_SUCCESS,
};
use crate::ffi::control_block::NXD_MQTT_CLIENT;
use crate::ffi::netx_codes::{NX_PTR_ERROR, NX_SUCCESS};
use crate::ffi::types::{CHAR, NX_PACKET, UCHAR, UINT, ULONG, USHORT};

/// Copies up to `buf.len()` bytes of `packet` from `offset` (relative to the prepend pointer,
/// across the chain) into `buf`; returns how many were copied (0 past the end).
///
/// # Safety
/// `packet` is a valid NetX packet (head of its chain).
unsafe fn read(packet: *mut NX_PACKET, offset: u64, buf: &mut [u8]) -> usize {
    let Ok(offset) = usize::try_from(offset) else {
        return 0;
    };
    // SAFETY: forwarded contract.
    unsafe { super::packet_read(packet.cast(), offset, buf) }
}

/// Bytes held by `packet` (`nx_packet_length`).
///
/// # Safety
/// `packet` is a valid NetX packet (head of its chain).
unsafe fn length(packet: *mut NX_PACKET) -> u64 {
    // SAFETY: forwarded contract.
    unsafe { super::packet_len(packet.cast()) as u64 }
}

/// The remaining length at byte 1 of `packet`: `Ok((value, header bytes))` (header bytes = 1 +
/// the length bytes) or the status of `_nxd_mqtt_read_remaining_length`.
///
/// # Safety
/// `packet` is a valid NetX packet (head of its chain).
unsafe fn remaining_length(packet: *mut NX_PACKET) -> Result<(u32, usize), UINT> {
    let mut bytes = [0u8; 4];
    // SAFETY: contract of this function.
    let n = unsafe { read(packet, 1, &mut bytes) };
    let (value, used) = match decode_remaining_length(&bytes[..n]) {
        Ok(Some(v)) => v,
        Ok(None) => return Err(NXD_MQTT_PARTIAL_PACKET),
        Err(_) => return Err(NXD_MQTT_INTERNAL_ERROR),
    };
    let header = 1 + used;
    // SAFETY: contract of this function.
    if header as u64 + u64::from(value) > unsafe { length(packet) } {
        return Err(NXD_MQTT_PARTIAL_PACKET);
    }
    Ok((value, header))
}

/// Decodes the MQTT remaining length of the packet at `packet_ptr`'s prepend pointer (from its
/// second byte, across the chain). On `NXD_MQTT_SUCCESS` `*remaining_length` is the value and
/// `*offset_ptr` the size of the fixed header (1 + the length bytes: where the variable header
/// starts); on failure neither is written.
///
/// Returns `NXD_MQTT_SUCCESS`; `NXD_MQTT_PARTIAL_PACKET` when the length bytes are incomplete
/// (also when the packet holds only the first byte) or the packet holds fewer bytes than the
/// header and the remaining length say; `NXD_MQTT_INTERNAL_ERROR` for a malformed length (four
/// bytes with the continuation bit, or a non-minimal encoding, which the original accepts);
/// `NX_PTR_ERROR` when a pointer is NULL.
///
/// # Safety
/// `packet_ptr` is NULL or a valid NetX packet; the other two are NULL or writable.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_read_remaining_length(
    packet_ptr: *mut NX_PACKET,
    remaining_length: *mut UINT,
    offset_ptr: *mut ULONG,
) -> UINT {
    if packet_ptr.is_null() || remaining_length.is_null() || offset_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: valid packet per the contract.
    match unsafe { self::remaining_length(packet_ptr) } {
        Ok((value, header)) => {
            // SAFETY: writable per the contract (checked non-NULL). `header` is at most 5.
            unsafe {
                *remaining_length = value;
                *offset_ptr = header as ULONG;
            }
            NXD_MQTT_SUCCESS
        }
        Err(status) => status,
    }
}

/// Locates the topic and the payload of the PUBLISH at `packet_ptr`'s prepend pointer (across
/// the chain). Offsets are relative to the prepend pointer: the topic starts after the fixed
/// header and the topic's 2-byte length, the payload after the topic (and after the packet id
/// when the QoS bits of the first byte are 1 or 2; QoS bits 3 are treated like QoS 0, as by the
/// original). The outputs are written only on success. The packet type is not checked.
///
/// Returns `NXD_MQTT_SUCCESS`; `NXD_MQTT_INVALID_PACKET` when the remaining length cannot be
/// read or exceeds the packet, is less than 2, the topic is longer than the remaining length
/// allows, or QoS 1 / 2 leaves fewer than 2 bytes for the packet id; `NX_PTR_ERROR` when a
/// pointer is NULL.
///
/// # Safety
/// `packet_ptr` is NULL or a valid NetX packet; the other pointers are NULL or writable.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_process_publish_packet(
    packet_ptr: *mut NX_PACKET,
    topic_offset_ptr: *mut ULONG,
    topic_length_ptr: *mut USHORT,
    message_offset_ptr: *mut ULONG,
    message_length_ptr: *mut ULONG,
) -> UINT {
    if packet_ptr.is_null()
        || topic_offset_ptr.is_null()
        || topic_length_ptr.is_null()
        || message_offset_ptr.is_null()
        || message_length_ptr.is_null()
    {
        return NX_PTR_ERROR;
    }
    // SAFETY: valid packet per the contract.
    let Ok((remaining, header)) = (unsafe { remaining_length(packet_ptr) }) else {
        return NXD_MQTT_INVALID_PACKET;
    };
    if remaining < 2 {
        return NXD_MQTT_INVALID_PACKET;
    }
    let mut first = [0u8; 1];
    let mut topic_length = [0u8; 2];
    // SAFETY: valid packet per the contract.
    let (a, b) = unsafe {
        (
            read(packet_ptr, 0, &mut first),
            read(packet_ptr, header as u64, &mut topic_length),
        )
    };
    if a != 1 || b != 2 {
        return NXD_MQTT_INVALID_PACKET;
    }
    let topic_length = u16::from_be_bytes(topic_length);
    let Some(mut message_length) = (remaining - 2).checked_sub(u32::from(topic_length)) else {
        return NXD_MQTT_INVALID_PACKET;
    };
    // header (at most 5) + 2 + topic length (at most 65,535): no overflow.
    let topic_offset = header as u32 + 2;
    let mut message_offset = topic_offset + u32::from(topic_length);
    if matches!((first[0] >> 1) & 3, 1 | 2) {
        if message_length < 2 {
            return NXD_MQTT_INVALID_PACKET;
        }
        message_length -= 2;
        message_offset += 2;
    }
    // SAFETY: writable per the contract (checked non-NULL).
    unsafe {
        *topic_offset_ptr = topic_offset as ULONG;
        *topic_length_ptr = topic_length;
        *message_offset_ptr = message_offset as ULONG;
        *message_length_ptr = message_length as ULONG;
    }
    NXD_MQTT_SUCCESS
}

/// Appends `data` to `packet_ptr` with `nx_packet_data_append`, chaining buffers of the
/// client's pool (`nxd_mqtt_client_packet_pool_ptr`) and waiting up to `wait_option`.
///
/// # Safety
/// `client_ptr` and `packet_ptr` are non-NULL, a control block and a valid NetX packet.
#[allow(clippy::unnecessary_cast)] // ULONG is u32 or c_ulong depending on the ThreadX port
unsafe fn append(
    client_ptr: *mut NXD_MQTT_CLIENT,
    packet_ptr: *mut NX_PACKET,
    data: &[u8],
    wait_option: ULONG,
) -> UINT {
    // SAFETY: readable control block per the contract.
    let pool = unsafe { (*client_ptr).nxd_mqtt_client_packet_pool_ptr };
    if pool.is_null() {
        return NX_PTR_ERROR;
    }
    let Ok(size) = sys::ULONG::try_from(data.len()) else {
        return NXD_MQTT_INVALID_PARAMETER;
    };
    // SAFETY: valid packet and pool per the contract (NetX checks the pool); `data` is
    // readable for `size` bytes and only read.
    unsafe {
        sys::nxd_mqtt_netx_packet_append(
            packet_ptr.cast(),
            data.as_ptr().cast::<c_void>(),
            size,
            pool.cast(),
            wait_option as sys::ULONG,
        )
    }
}

/// Appends an MQTT fixed header to `packet_ptr`: `control_header` then the remaining-length
/// encoding of `length` (1 to 4 bytes), with `nx_packet_data_append` (chaining buffers of the
/// client's pool, `nxd_mqtt_client_packet_pool_ptr`, waiting up to `wait_option`).
///
/// Returns the append status (`NX_SUCCESS`, or NetX's error such as `NX_NO_PACKET`);
/// `NXD_MQTT_INVALID_PARAMETER` when `length` exceeds 268,435,455 (nothing appended; the
/// original appends a wrong encoding); `NX_PTR_ERROR` when a pointer or the client's pool is
/// NULL.
///
/// # Safety
/// `client_ptr` is NULL or a control block; `packet_ptr` is NULL or a valid NetX packet.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_set_fixed_header(
    client_ptr: *mut NXD_MQTT_CLIENT,
    packet_ptr: *mut NX_PACKET,
    control_header: UCHAR,
    length: UINT,
    wait_option: UINT,
) -> UINT {
    if client_ptr.is_null() || packet_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    let mut header = [0u8; 5];
    header[0] = control_header;
    let Ok(n) = encode_remaining_length(length, &mut header[1..]) else {
        return NXD_MQTT_INVALID_PARAMETER;
    };
    // SAFETY: non-NULL control block and packet per the contract.
    unsafe {
        append(
            client_ptr,
            packet_ptr,
            &header[..1 + n],
            ULONG::from(wait_option),
        )
    }
}

/// Appends a length-prefixed field to `packet_ptr`: the low 16 bits of `length` big-endian,
/// then (when `length` is not 0) the `length` bytes at `message`, with `nx_packet_data_append`
/// (chaining buffers of the client's pool, waiting up to `wait_option`).
///
/// Returns the first failing append's status, else `NX_SUCCESS`; `NX_PTR_ERROR` when the
/// client, the packet or the client's pool is NULL, or `message` is NULL with a non-zero
/// `length`.
///
/// # Safety
/// `client_ptr` is NULL or a control block; `packet_ptr` is NULL or a valid NetX packet;
/// `message` is NULL or readable for `length` bytes.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_append_message(
    client_ptr: *mut NXD_MQTT_CLIENT,
    packet_ptr: *mut NX_PACKET,
    message: *mut CHAR,
    length: UINT,
    wait_option: ULONG,
) -> UINT {
    if client_ptr.is_null() || packet_ptr.is_null() || (message.is_null() && length != 0) {
        return NX_PTR_ERROR;
    }
    let prefix = ((length & 0xFFFF) as u16).to_be_bytes();
    // SAFETY: non-NULL control block and packet per the contract.
    let status = unsafe { append(client_ptr, packet_ptr, &prefix, wait_option) };
    if status != NX_SUCCESS || length == 0 {
        return status;
    }
    // SAFETY: `message` is readable for `length` bytes per the contract (non-NULL here).
    let message = unsafe { core::slice::from_raw_parts(message.cast::<u8>(), length as usize) };
    // SAFETY: non-NULL control block and packet per the contract.
    unsafe { append(client_ptr, packet_ptr, message, wait_option) }
}

/// Allocates a packet for an outbound MQTT packet from the client's pool
/// (`nxd_mqtt_client_packet_pool_ptr`), waiting up to `wait_option`, with the TCP/IP headroom
/// of IPv4 when the client's socket last connected over IPv4 and of IPv6 otherwise (so before
/// any connect the larger IPv6 headroom). Plain TCP: this library has no TLS or WebSocket
/// transport. No state check, no client lock, as the original.
///
/// Returns `NXD_MQTT_SUCCESS` (`*packet_ptr` is the packet, the caller owns it);
/// `NXD_MQTT_PACKET_POOL_FAILURE` when the pool has no packet in time, NetX refuses the
/// allocation, or `client_ptr` is not a created client (`*packet_ptr` is NULL then);
/// `NX_PTR_ERROR` when a pointer is NULL.
///
/// # Safety
/// `client_ptr` is NULL or a control block (created, or zeroed / initialised memory of its
/// size); `packet_ptr` is NULL or writable.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
#[no_mangle]
#[allow(clippy::unnecessary_cast)] // ULONG is u32 or c_ulong depending on the ThreadX port
pub unsafe extern "C" fn _nxd_mqtt_client_packet_allocate(
    client_ptr: *mut NXD_MQTT_CLIENT,
    packet_ptr: *mut *mut NX_PACKET,
    wait_option: ULONG,
) -> UINT {
    if client_ptr.is_null() || packet_ptr.is_null() {
        return NX_PTR_ERROR;
    }
    // SAFETY: writable per the contract.
    unsafe { *packet_ptr = core::ptr::null_mut() };
    // SAFETY: a control block per the contract.
    let Some(shared) = (unsafe { client_of(client_ptr) }) else {
        return NXD_MQTT_PACKET_POOL_FAILURE;
    };
    // SAFETY: readable control block per the contract.
    let pool = unsafe { (*client_ptr).nxd_mqtt_client_packet_pool_ptr };
    if pool.is_null() {
        return NXD_MQTT_PACKET_POOL_FAILURE;
    }
    let socket = if shared.socket_created {
        shared.objects.socket()
    } else {
        core::ptr::null_mut()
    };
    let mut packet: *mut sys::NX_PACKET = core::ptr::null_mut();
    // SAFETY: the client's pool and socket (when created) live as long as the client, which
    // exists for this call; the glue only reads the socket's last connect address.
    let status = unsafe {
        sys::nxd_mqtt_netx_packet_allocate_tcp(
            pool.cast(),
            socket,
            &mut packet,
            wait_option as sys::ULONG,
        )
    };
    if status != NX_SUCCESS || packet.is_null() {
        return NXD_MQTT_PACKET_POOL_FAILURE;
    }
    // SAFETY: writable per the contract.
    unsafe { *packet_ptr = packet.cast() };
    NXD_MQTT_SUCCESS
}
