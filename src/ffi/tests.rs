//! Tests of the C surface: front-end codes of every function (called as the C ABI functions
//! they are), the control-block layout, the generated header against the Rust constants (a C
//! compiler checks it), and end-to-end behaviour against a scripted broker on 127.0.0.1.
#![allow(clippy::undocumented_unsafe_blocks)] // test code: every unsafe call passes test-owned memory

use core::mem::{align_of, offset_of, size_of, MaybeUninit};
use core::ptr::{null, null_mut};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::api::*;
use super::consts::*;
use super::control_block::*;
use super::netx_codes::*;
use super::types::*;

/// Tests that create clients or use the shared callback recorder run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A control block on the heap (fixed address), zeroed like a static one.
struct Block(Box<MaybeUninit<NXD_MQTT_CLIENT>>);

impl Block {
    fn zeroed() -> Self {
        Block(Box::new(MaybeUninit::zeroed()))
    }
    fn ptr(&mut self) -> *mut NXD_MQTT_CLIENT {
        self.0.as_mut_ptr()
    }
    fn get(&self) -> &NXD_MQTT_CLIENT {
        // SAFETY: all-zero is a valid NXD_MQTT_CLIENT (NULL pointers, None callbacks).
        unsafe { self.0.assume_init_ref() }
    }
    fn state(&self) -> UINT {
        // An atomic load: the MQTT thread updates the field (atomically) at any time.
        let p = core::ptr::addr_of!(self.get().nxd_mqtt_client_state).cast_mut();
        unsafe { core::sync::atomic::AtomicU32::from_ptr(p) }
            .load(core::sync::atomic::Ordering::Acquire)
    }
}

/// The mirrored packet identifier, accessed atomically (the MQTT thread updates it).
fn packet_identifier<'a>(c: *mut NXD_MQTT_CLIENT) -> &'a core::sync::atomic::AtomicU32 {
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        core::sync::atomic::AtomicU32::from_ptr(core::ptr::addr_of_mut!(
            (*c).nxd_mqtt_client_packet_identifier
        ))
    }
}

static CLIENT_ID: &[u8] = b"rust-ffi-test\0";
static mut STACK: [u8; 64] = [0; 64];

fn dummy_ip() -> *mut NX_IP {
    core::ptr::NonNull::<NX_IP>::dangling().as_ptr()
}

fn dummy_pool() -> *mut NX_PACKET_POOL {
    core::ptr::NonNull::<NX_PACKET_POOL>::dangling().as_ptr()
}

fn create(b: &mut Block) -> UINT {
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        nxd_mqtt_client_create(
            b.ptr(),
            c"test".as_ptr().cast_mut(),
            CLIENT_ID.as_ptr().cast_mut().cast(),
            (CLIENT_ID.len() - 1) as UINT,
            dummy_ip(),
            dummy_pool(),
            core::ptr::addr_of_mut!(STACK).cast(),
            64,
            2,
            null_mut(),
            0,
        )
    }
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> NXD_ADDRESS {
    NXD_ADDRESS {
        nxd_ip_version: NX_IP_VERSION_V4,
        nxd_ip_address: NxdIpAddress {
            v4: ULONG::from(u32::from_be_bytes([a, b, c, d])),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Front-end codes (spec §7, in the original's check order)
// ---------------------------------------------------------------------------------------------

#[test]
fn create_front_end_codes() {
    let _s = serial();
    let mut b = Block::zeroed();
    let stack = core::ptr::addr_of_mut!(STACK).cast::<VOID>();
    let id = CLIENT_ID.as_ptr().cast_mut().cast::<CHAR>();
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let call = |c: *mut NXD_MQTT_CLIENT, ip, stk, size, pool| unsafe {
        _nxde_mqtt_client_create(c, null_mut(), id, 4, ip, pool, stk, size, 1, null_mut(), 0)
    };
    let c = b.ptr();
    assert_eq!(
        call(null_mut(), dummy_ip(), stack, 64, dummy_pool()),
        NX_PTR_ERROR
    );
    assert_eq!(call(c, null_mut(), stack, 64, dummy_pool()), NX_PTR_ERROR);
    assert_eq!(
        call(c, dummy_ip(), null_mut(), 64, dummy_pool()),
        NX_PTR_ERROR
    );
    assert_eq!(call(c, dummy_ip(), stack, 0, dummy_pool()), NX_PTR_ERROR);
    assert_eq!(call(c, dummy_ip(), stack, 64, null_mut()), NX_PTR_ERROR);
    // The cores never crash on NULL either.
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            _nxd_mqtt_client_create(
                null_mut(),
                null_mut(),
                id,
                4,
                dummy_ip(),
                dummy_pool(),
                stack,
                64,
                1,
                null_mut(),
                0
            ),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxd_mqtt_client_create(
                c,
                null_mut(),
                id,
                4,
                null_mut(),
                dummy_pool(),
                stack,
                64,
                1,
                null_mut(),
                0
            ),
            NX_PTR_ERROR
        );
    }
    assert_eq!(
        b.state(),
        NXD_MQTT_CLIENT_STATE_INITIALIZE,
        "nothing was created"
    );
}

#[test]
fn front_end_codes_of_every_function() {
    let _s = serial();
    let mut b = Block::zeroed();
    assert_eq!(create(&mut b), NXD_MQTT_SUCCESS);
    assert_eq!(b.state(), NXD_MQTT_CLIENT_STATE_IDLE);
    let c = b.ptr();
    let t = c"topic".as_ptr().cast_mut();
    let m = c"msg".as_ptr().cast_mut();
    let u = t.cast::<UCHAR>();
    let mut addr = v4(127, 0, 0, 1);
    let mut buf = [0u8; 16];
    let mut len: UINT = 0;
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        // login_set: NULL client is INVALID_PARAMETER (not NX_PTR_ERROR).
        assert_eq!(
            _nxde_mqtt_client_login_set(null_mut(), t, 1, t, 1),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_login_set(c, null_mut(), 1, t, 1),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_login_set(c, t, 1, null_mut(), 1),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_login_set(c, t, 1, null_mut(), 0),
            NX_SUCCESS
        );
        assert_eq!(
            _nxde_mqtt_client_login_set(c, null_mut(), 0, null_mut(), 0),
            NX_SUCCESS
        );
        assert_eq!(
            _nxd_mqtt_client_login_set(null_mut(), t, 1, t, 1),
            NX_PTR_ERROR
        );
        // will_message_set
        assert_eq!(
            _nxde_mqtt_client_will_message_set(null_mut(), u, 1, u, 1, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_will_message_set(c, null(), 1, u, 1, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_will_message_set(c, u, 0, u, 1, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_will_message_set(c, u, 1, u, 1, 2, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_will_message_set(c, u, 1, u, 1, 0, 3),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_will_message_set(c, u, 1, null(), 0, 1, 2),
            NX_SUCCESS,
            "QoS 2 will accepted"
        );
        assert_eq!(
            _nxd_mqtt_client_will_message_set(null_mut(), u, 1, u, 1, 0, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxd_mqtt_client_will_message_set(c, u, 1, u, 1, 0, 3),
            NXD_MQTT_INVALID_PARAMETER
        );
        // connect: client, address, IP version, port — in that order.
        assert_eq!(
            _nxde_mqtt_client_connect(null_mut(), &mut addr, 1883, 0, 1, 100),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_connect(c, null_mut(), 1883, 0, 1, 100),
            NX_PTR_ERROR
        );
        let mut bad = v4(127, 0, 0, 1);
        bad.nxd_ip_version = 3;
        assert_eq!(
            _nxde_mqtt_client_connect(c, &mut bad, 0, 0, 1, 100),
            NXD_MQTT_INVALID_PARAMETER,
            "version before port"
        );
        assert_eq!(
            _nxde_mqtt_client_connect(c, &mut addr, 0, 0, 1, 100),
            NX_INVALID_PORT
        );
        assert_eq!(
            _nxd_mqtt_client_connect(null_mut(), &mut addr, 1883, 0, 1, 100),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxd_mqtt_client_connect(c, null_mut(), 1883, 0, 1, 100),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxd_mqtt_client_connect(c, &mut bad, 1883, 0, 1, 100),
            NXD_MQTT_CONNECT_FAILURE
        );
        // publish
        assert_eq!(
            _nxde_mqtt_client_publish(null_mut(), t, 5, m, 3, 0, 0, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_publish(c, null_mut(), 5, m, 3, 0, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_publish(c, t, 0, m, 3, 0, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_publish(c, t, 5, m, 0, 0, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_publish(c, t, 5, m, 3, 0, 3, 0),
            NXD_MQTT_INVALID_PARAMETER,
            "QoS 3 rejected"
        );
        assert_eq!(
            _nxde_mqtt_client_publish(c, t, 5, null_mut(), 9, 0, 0, 0),
            NXD_MQTT_NOT_CONNECTED,
            "NULL message passes"
        );
        assert_eq!(
            _nxde_mqtt_client_publish(c, t, 5, m, 3, 0, 2, 0),
            NXD_MQTT_NOT_CONNECTED,
            "QoS 2 passes"
        );
        assert_eq!(
            _nxd_mqtt_client_publish(null_mut(), t, 5, m, 3, 0, 0, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxd_mqtt_client_publish(c, null_mut(), 5, m, 3, 0, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        // subscribe / unsubscribe
        assert_eq!(
            _nxde_mqtt_client_subscribe(null_mut(), t, 5, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_subscribe(c, null_mut(), 5, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_subscribe(c, t, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_subscribe(c, t, 5, 3),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_subscribe(c, t, 5, 2),
            NXD_MQTT_NOT_CONNECTED
        );
        assert_eq!(
            _nxd_mqtt_client_subscribe(null_mut(), t, 5, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_unsubscribe(null_mut(), t, 5),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_unsubscribe(c, null_mut(), 5),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_unsubscribe(c, t, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_unsubscribe(c, t, 5),
            NXD_MQTT_NOT_CONNECTED
        );
        assert_eq!(_nxd_mqtt_client_unsubscribe(null_mut(), t, 5), NX_PTR_ERROR);
        // message_get: NULL client, then the two buffers (lengths unchecked).
        let bp = buf.as_mut_ptr();
        assert_eq!(
            _nxde_mqtt_client_message_get(null_mut(), bp, 8, &mut len, bp, 8, &mut len),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_message_get(c, null_mut(), 8, &mut len, bp.add(8), 8, &mut len),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_message_get(c, bp, 8, &mut len, null_mut(), 8, &mut len),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            _nxde_mqtt_client_message_get(c, bp, 8, null_mut(), bp.add(8), 8, null_mut()),
            NXD_MQTT_NO_MESSAGE
        );
        assert_eq!(
            _nxd_mqtt_client_message_get(null_mut(), bp, 8, &mut len, bp, 8, &mut len),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxd_mqtt_client_message_get(c, null_mut(), 0, null_mut(), null_mut(), 0, null_mut()),
            NXD_MQTT_NO_MESSAGE
        );
        // notify setters
        extern "C" fn rn(_: *mut NXD_MQTT_CLIENT, _: UINT) {}
        extern "C" fn dn(_: *mut NXD_MQTT_CLIENT) {}
        assert_eq!(
            _nxde_mqtt_client_receive_notify_set(null_mut(), Some(rn)),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_receive_notify_set(c, None),
            NX_PTR_ERROR,
            "checked API cannot remove"
        );
        assert_eq!(
            _nxde_mqtt_client_receive_notify_set(c, Some(rn)),
            NXD_MQTT_SUCCESS
        );
        assert_eq!(
            _nxd_mqtt_client_receive_notify_set(c, None),
            NXD_MQTT_SUCCESS,
            "unchecked API removes"
        );
        assert_eq!(
            _nxd_mqtt_client_receive_notify_set(null_mut(), None),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_disconnect_notify_set(null_mut(), Some(dn)),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_disconnect_notify_set(c, None),
            NXD_MQTT_SUCCESS
        );
        assert_eq!(
            _nxd_mqtt_client_disconnect_notify_set(null_mut(), None),
            NX_PTR_ERROR
        );
        assert_eq!(
            nxd_mqtt_client_connect_notify_set(null_mut(), None, null_mut()),
            NX_PTR_ERROR
        );
        // release_callback_set: provided (the original only declared it), never called.
        extern "C" fn rel(_: *mut CHAR, _: UINT) {}
        assert_eq!(
            _nxde_mqtt_client_release_callback_set(null_mut(), Some(rel)),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxd_mqtt_client_release_callback_set(null_mut(), Some(rel)),
            NX_PTR_ERROR
        );
        assert_eq!(
            _nxde_mqtt_client_release_callback_set(c, Some(rel)),
            NXD_MQTT_SUCCESS
        );
        assert_eq!(
            _nxd_mqtt_client_release_callback_set(c, None),
            NXD_MQTT_SUCCESS
        );
        // disconnect: success in every state.
        assert_eq!(_nxde_mqtt_client_disconnect(null_mut()), NX_PTR_ERROR);
        assert_eq!(_nxd_mqtt_client_disconnect(null_mut()), NX_PTR_ERROR);
        assert_eq!(_nxde_mqtt_client_disconnect(c), NXD_MQTT_SUCCESS);
        assert_eq!(nxd_mqtt_client_disconnect(c), NXD_MQTT_SUCCESS);
        // delete
        assert_eq!(_nxde_mqtt_client_delete(null_mut()), NX_PTR_ERROR);
        assert_eq!(_nxd_mqtt_client_delete(null_mut()), NX_PTR_ERROR);
        assert_eq!(nxd_mqtt_client_delete(c), NXD_MQTT_SUCCESS);
    }
}

#[test]
fn public_names_are_the_checking_front_ends() {
    let _s = serial();
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            nxd_mqtt_client_login_set(null_mut(), null_mut(), 0, null_mut(), 0),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            nxd_mqtt_client_receive_notify_set(null_mut(), None),
            NX_PTR_ERROR
        );
        let mut a = v4(127, 0, 0, 1);
        assert_eq!(
            nxd_mqtt_client_connect(Block::zeroed().ptr(), &mut a, 0, 0, 0, 0),
            NX_INVALID_PORT
        );
        assert_eq!(
            nxd_mqtt_client_publish(null_mut(), null_mut(), 0, null_mut(), 0, 0, 0, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            nxd_mqtt_client_subscribe(null_mut(), null_mut(), 0, 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            nxd_mqtt_client_unsubscribe(null_mut(), null_mut(), 0),
            NX_PTR_ERROR
        );
        assert_eq!(
            nxd_mqtt_client_message_get(
                null_mut(),
                null_mut(),
                0,
                null_mut(),
                null_mut(),
                0,
                null_mut()
            ),
            NX_PTR_ERROR
        );
        assert_eq!(
            nxd_mqtt_client_disconnect_notify_set(null_mut(), None),
            NX_PTR_ERROR
        );
        assert_eq!(nxd_mqtt_client_delete(null_mut()), NX_PTR_ERROR);
        assert_eq!(
            nxd_mqtt_client_will_message_set(null_mut(), null(), 0, null(), 0, 0, 0),
            NXD_MQTT_INVALID_PARAMETER
        );
    }
}

#[test]
fn never_created_and_copied_blocks_are_refused() {
    let _s = serial();
    let mut z = Block::zeroed();
    let c = z.ptr();
    let t = c"t".as_ptr().cast_mut();
    let mut a = v4(127, 0, 0, 1);
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            nxd_mqtt_client_publish(c, t, 1, null_mut(), 0, 0, 0, 0),
            NXD_MQTT_NOT_CONNECTED
        );
        // The original takes the (never created) mutex first in these.
        assert_eq!(
            nxd_mqtt_client_subscribe(c, t, 1, 0),
            NXD_MQTT_MUTEX_FAILURE
        );
        assert_eq!(nxd_mqtt_client_unsubscribe(c, t, 1), NXD_MQTT_MUTEX_FAILURE);
        assert_eq!(
            nxd_mqtt_client_connect(c, &mut a, 1883, 0, 1, 10),
            NXD_MQTT_MUTEX_FAILURE
        );
        assert_eq!(
            nxd_mqtt_client_login_set(c, null_mut(), 0, null_mut(), 0),
            NXD_MQTT_MUTEX_FAILURE
        );
        assert_eq!(nxd_mqtt_client_disconnect(c), NXD_MQTT_MUTEX_FAILURE);
        assert_eq!(nxd_mqtt_client_delete(c), NXD_MQTT_SUCCESS);
    }
    // A created block copied elsewhere is not the client.
    let mut b = Block::zeroed();
    assert_eq!(create(&mut b), NXD_MQTT_SUCCESS);
    let mut copy = Block::zeroed();
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        // Taking the client lock once orders this copy after the MQTT thread's last update.
        assert_eq!(
            nxd_mqtt_client_login_set(b.ptr(), null_mut(), 0, null_mut(), 0),
            NX_SUCCESS
        );
        core::ptr::copy_nonoverlapping(b.ptr(), copy.ptr(), 1);
        assert_eq!(
            nxd_mqtt_client_subscribe(copy.ptr(), t, 1, 0),
            NXD_MQTT_MUTEX_FAILURE
        );
        assert_eq!(
            nxd_mqtt_client_login_set(copy.ptr(), null_mut(), 0, null_mut(), 0),
            NXD_MQTT_MUTEX_FAILURE
        );
        assert_eq!(
            nxd_mqtt_client_login_set(b.ptr(), null_mut(), 0, null_mut(), 0),
            NX_SUCCESS
        );
        assert_eq!(nxd_mqtt_client_delete(b.ptr()), NXD_MQTT_SUCCESS);
        // After delete the block is no longer a client; a second delete is harmless.
        assert_eq!(
            nxd_mqtt_client_login_set(b.ptr(), null_mut(), 0, null_mut(), 0),
            NXD_MQTT_MUTEX_FAILURE
        );
        assert_eq!(nxd_mqtt_client_delete(b.ptr()), NXD_MQTT_SUCCESS);
    }
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

#[test]
fn control_block_layout() {
    let p = size_of::<*const u8>();
    assert_eq!(offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_id), 0);
    assert_eq!(offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_id_length), p);
    assert_eq!(offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_state), p + 4);
    assert_eq!(
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_packet_identifier),
        p + 8
    );
    assert_eq!(
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_ping_not_responded),
        p + 12
    );
    let callbacks = (p + 16).next_multiple_of(p);
    assert_eq!(
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_connect_notify),
        callbacks
    );
    assert_eq!(
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_connect_context),
        callbacks + p
    );
    assert_eq!(
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_ack_receive_notify),
        callbacks + 2 * p
    );
    assert_eq!(
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_ack_receive_context),
        callbacks + 3 * p
    );
    assert_eq!(
        offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_opaque),
        callbacks + 4 * p
    );
    assert_eq!(
        size_of::<NXD_MQTT_CLIENT>(),
        callbacks + (4 + NXD_MQTT_CLIENT_OPAQUE_WORDS) * p
    );
    assert_eq!(align_of::<NXD_MQTT_CLIENT>(), align_of::<usize>());
    // The port's state fills the opaque area exactly (also a compile-time assertion).
    assert_eq!(
        size_of::<super::core::Slot>(),
        NXD_MQTT_CLIENT_OPAQUE_WORDS * size_of::<usize>()
    );
    // Overlay structs: all UCHAR, no padding.
    assert_eq!(size_of::<super::overlay::MQTT_PACKET_CONNACK_STRUCT>(), 4);
    assert_eq!(size_of::<super::overlay::MQTT_PACKET_PUBLISH_STRUCT>(), 2);
    assert_eq!(
        size_of::<super::overlay::MQTT_PACKET_PUBLISH_RESPONSE_STRUCT>(),
        4
    );
    assert_eq!(size_of::<super::overlay::MQTT_PACKET_SUBSCRIBE_STRUCT>(), 4);
    assert_eq!(size_of::<super::overlay::MQTT_PACKET_PING_STRUCT>(), 2);
    assert_eq!(
        size_of::<super::overlay::MQTT_PACKET_DISCONNECT_STRUCT>(),
        2
    );
    // NXD_ADDRESS: version then the union of v4 / v6[4].
    assert_eq!(offset_of!(NXD_ADDRESS, nxd_ip_address), size_of::<ULONG>());
    assert_eq!(size_of::<NXD_ADDRESS>(), 5 * size_of::<ULONG>());
}

// ---------------------------------------------------------------------------------------------
// The generated header, compiled by the system C compiler against the Rust values
// ---------------------------------------------------------------------------------------------

macro_rules! values {
    ($($name:ident),* $(,)?) => { &[$((stringify!($name), $name as u64)),*] };
}

/// Every constant of `consts.rs` and the NetX values of the prelude.
const VALUES: &[(&str, u64)] = values![
    MQTT_PROTOCOL_LEVEL,
    MQTT_CONNECT_FLAGS_USERNAME,
    MQTT_CONNECT_FLAGS_PASSWORD,
    MQTT_CONNECT_FLAGS_WILL_RETAIN,
    MQTT_CONNECT_FLAGS_WILL_QOS_0,
    MQTT_CONNECT_FLAGS_WILL_QOS_1,
    MQTT_CONNECT_FLAGS_WILL_QOS_2,
    MQTT_CONNECT_FLAGS_WILL_FLAG,
    MQTT_CONNECT_FLAGS_CLEAN_SESSION,
    MQTT_CONNECT_FLAGS_WILL_QOS_FIELD,
    MQTT_CONNACK_CONNECT_FLAGS_SP,
    MQTT_CONNACK_CONNECT_RETURN_CODE_ACCEPTED,
    MQTT_CONNACK_CONNECT_RETURN_CODE_UNACCEPTABLE_PROTOCOL_VERSION,
    MQTT_CONNACK_CONNECT_RETURN_CODE_IDENTIFIER_REJECTED,
    MQTT_CONNACK_CONNECT_RETURN_CODE_SERVER_UNAVAILABLE,
    MQTT_CONNACK_CONNECT_RETURN_CODE_BAD_USERNAME_PASSWORD,
    MQTT_CONNACK_CONNECT_RETURN_CODE_NOT_AUTHORIZED,
    MQTT_PUBLISH_DUP_FLAG,
    MQTT_PUBLISH_QOS_LEVEL_0,
    MQTT_PUBLISH_QOS_LEVEL_1,
    MQTT_PUBLISH_QOS_LEVEL_2,
    MQTT_PUBLISH_QOS_LEVEL_FIELD,
    MQTT_PUBLISH_RETAIN,
    MQTT_CONTROL_PACKET_TYPE_FIELD,
    MQTT_FIXED_HEADER_SIZE,
    MQTT_CONTROL_PACKET_TYPE_CONNECT,
    MQTT_CONTROL_PACKET_TYPE_CONNACK,
    MQTT_CONTROL_PACKET_TYPE_PUBLISH,
    MQTT_CONTROL_PACKET_TYPE_PUBACK,
    MQTT_CONTROL_PACKET_TYPE_PUBREC,
    MQTT_CONTROL_PACKET_TYPE_PUBREL,
    MQTT_CONTROL_PACKET_TYPE_PUBCOMP,
    MQTT_CONTROL_PACKET_TYPE_SUBSCRIBE,
    MQTT_CONTROL_PACKET_TYPE_SUBACK,
    MQTT_CONTROL_PACKET_TYPE_UNSUBSCRIBE,
    MQTT_CONTROL_PACKET_TYPE_UNSUBACK,
    MQTT_CONTROL_PACKET_TYPE_PINGREQ,
    MQTT_CONTROL_PACKET_TYPE_PINGRESP,
    MQTT_CONTROL_PACKET_TYPE_DISCONNECT,
    NXD_MQTT_CLIENT_ID,
    NXD_MQTT_CLIENT_STATE_INITIALIZE,
    NXD_MQTT_CLIENT_STATE_IDLE,
    NXD_MQTT_CLIENT_STATE_CONNECTING,
    NXD_MQTT_CLIENT_STATE_CONNECTED,
    NXD_MQTT_SUCCESS,
    NXD_MQTT_ALREADY_CONNECTED,
    NXD_MQTT_NOT_CONNECTED,
    NXD_MQTT_MUTEX_FAILURE,
    NXD_MQTT_INTERNAL_ERROR,
    NXD_MQTT_CONNECT_FAILURE,
    NXD_MQTT_PACKET_POOL_FAILURE,
    NXD_MQTT_COMMUNICATION_FAILURE,
    NXD_MQTT_SERVER_MESSAGE_FAILURE,
    NXD_MQTT_INVALID_PARAMETER,
    NXD_MQTT_NO_MESSAGE,
    NXD_MQTT_PACKET_POOL_EMPTY,
    NXD_MQTT_QOS2_NOT_SUPPORTED,
    NXD_MQTT_INSUFFICIENT_BUFFER_SPACE,
    NXD_MQTT_CLIENT_NOT_RUNNING,
    NXD_MQTT_INVALID_PACKET,
    NXD_MQTT_PARTIAL_PACKET,
    NXD_MQTT_CONNECTING,
    NXD_MQTT_INVALID_STATE,
    NXD_MQTT_ERROR_CONNECT_RETURN_CODE,
    NXD_MQTT_ERROR_UNACCEPTABLE_PROTOCOL,
    NXD_MQTT_ERROR_IDENTIFYIER_REJECTED,
    NXD_MQTT_ERROR_SERVER_UNAVAILABLE,
    NXD_MQTT_ERROR_BAD_USERNAME_PASSWORD,
    NXD_MQTT_ERROR_NOT_AUTHORIZED,
    NXD_MQTT_PORT,
    NXD_MQTT_TLS_PORT,
    NXD_MQTT_OVER_WEBSOCKET_TLS_PORT,
    NXD_MQTT_CLIENT_NONTLS_PORT,
    NXD_MQTT_CLIENT_TLS_PORT,
    NX_SUCCESS,
    NX_PTR_ERROR,
    NX_IN_PROGRESS,
    NX_INVALID_PORT,
    NX_IP_PERIODIC_RATE,
    NX_NO_WAIT,
    NX_WAIT_FOREVER,
    NX_TRUE,
    NX_FALSE,
    NX_IP_VERSION_V4,
    NX_IP_VERSION_V6,
];

#[test]
fn every_rust_constant_is_checked() {
    for src in [include_str!("consts.rs"), include_str!("netx_codes.rs")] {
        for line in src.lines() {
            if let Some(rest) = line.trim().strip_prefix("pub const ") {
                let name = rest.split(':').next().unwrap().trim();
                assert!(
                    VALUES.iter().any(|(n, _)| *n == name),
                    "{name} missing from VALUES"
                );
            }
        }
    }
}

/// The C compiler, or a loud failure.
fn c_compiler() -> String {
    for cc in [
        std::env::var("CC").unwrap_or_default().as_str(),
        "cc",
        "gcc",
        "clang",
    ] {
        if !cc.is_empty()
            && std::process::Command::new(cc)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        {
            return cc.to_string();
        }
    }
    panic!("no C compiler found (set CC): the header test needs one");
}

#[test]
fn generated_header_matches_rust_values_and_layout() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut c = String::from("#include \"nxd_mqtt_client.h\"\n#include <stddef.h>\n");
    for (name, value) in VALUES {
        c += &format!("_Static_assert((unsigned long long)({name}) == {value}ULL, \"{name}\");\n");
    }
    let p = size_of::<*const u8>();
    c += &format!("_Static_assert(sizeof(void *) == {p}, \"pointer size\");\n");
    c += &format!(
        "_Static_assert(sizeof(NXD_MQTT_CLIENT) == {}, \"sizeof NXD_MQTT_CLIENT\");\n",
        size_of::<NXD_MQTT_CLIENT>()
    );
    c += &format!(
        "_Static_assert(_Alignof(NXD_MQTT_CLIENT) == {}, \"alignof NXD_MQTT_CLIENT\");\n",
        align_of::<NXD_MQTT_CLIENT>()
    );
    for (field, off) in [
        (
            "nxd_mqtt_client_id",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_id),
        ),
        (
            "nxd_mqtt_client_id_length",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_id_length),
        ),
        (
            "nxd_mqtt_client_state",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_state),
        ),
        (
            "nxd_mqtt_client_packet_identifier",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_packet_identifier),
        ),
        (
            "nxd_mqtt_ping_not_responded",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_ping_not_responded),
        ),
        (
            "nxd_mqtt_connect_notify",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_connect_notify),
        ),
        (
            "nxd_mqtt_connect_context",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_connect_context),
        ),
        (
            "nxd_mqtt_ack_receive_notify",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_ack_receive_notify),
        ),
        (
            "nxd_mqtt_ack_receive_context",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_ack_receive_context),
        ),
        (
            "nxd_mqtt_client_opaque",
            offset_of!(NXD_MQTT_CLIENT, nxd_mqtt_client_opaque),
        ),
    ] {
        c +=
            &format!("_Static_assert(offsetof(NXD_MQTT_CLIENT, {field}) == {off}, \"{field}\");\n");
    }
    c += &format!(
        "_Static_assert(sizeof(NXD_ADDRESS) == {}, \"NXD_ADDRESS\");\n",
        size_of::<NXD_ADDRESS>()
    );
    c += &format!(
        "_Static_assert(sizeof(ULONG) == {}, \"ULONG\");\n",
        size_of::<ULONG>()
    );
    c += "_Static_assert(IP_ADDRESS(127, 0, 0, 1) == 0x7F000001UL, \"IP_ADDRESS\");\n";
    c += "_Static_assert(NXD_MQTT_KEEPALIVE_TIMER_RATE == 100 && NXD_MQTT_PING_TIMEOUT_DELAY == 100, \"timers\");\n";
    c += "_Static_assert(NXD_MQTT_INITIAL_PACKET_ID_VALUE == 1, \"first packet id\");\n";
    // The public names map to the front ends (or the cores with NX_DISABLE_ERROR_CHECKING):
    // give both targets distinct values after the header and evaluate the public name in #if.
    c += "#ifdef NX_DISABLE_ERROR_CHECKING\n#define WANT 2\n#else\n#define WANT 1\n#endif\n";
    for f in [
        "create",
        "login_set",
        "will_message_set",
        "delete",
        "connect",
        "secure_connect",
        "publish",
        "subscribe",
        "unsubscribe",
        "disconnect",
        "receive_notify_set",
        "message_get",
        "disconnect_notify_set",
    ] {
        c += &format!("#define _nxde_mqtt_client_{f} 1\n#define _nxd_mqtt_client_{f} 2\n");
        c += &format!(
            "#if nxd_mqtt_client_{f} != WANT\n#error nxd_mqtt_client_{f} mapping\n#endif\n"
        );
    }
    let dir = std::env::temp_dir().join(format!("nxd_mqtt_header_test_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("header_test.c");
    std::fs::write(&file, c).unwrap();
    let cc = c_compiler();
    for extra in [
        &[][..],
        &["-DNX_DISABLE_ERROR_CHECKING"][..],
        &["-x", "c++", "-std=c++11"][..],
    ] {
        let is_cpp = extra.contains(&"c++");
        let mut cmd = std::process::Command::new(&cc);
        cmd.args(["-fsyntax-only", "-Wall", "-Wextra", "-Werror"]);
        if !is_cpp {
            cmd.args(["-std=c11", "-pedantic"]);
        }
        cmd.args(extra).arg(format!("-I{root}/include")).arg(&file);
        if is_cpp {
            // C++ has static_assert as a keyword since C++11; _Static_assert is a GNU extension there.
            cmd.arg("-D_Static_assert=static_assert")
                .arg("-D_Alignof=alignof")
                .arg("-Wno-pedantic");
        }
        let out = cmd.output().expect("running the C compiler");
        assert!(
            out.status.success(),
            "{cc} {extra:?} rejected the header:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// End to end against a scripted broker (127.0.0.1)
// ---------------------------------------------------------------------------------------------

/// What the callbacks saw.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Connect(UINT),
    Disconnect(UINT),
    Receive(UINT, Vec<u8>, Vec<u8>),
    Ack(UINT, USHORT, bool),
}

static SEEN: Mutex<Vec<Seen>> = Mutex::new(Vec::new());

fn seen() -> Vec<Seen> {
    SEEN.lock().unwrap().clone()
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(
            Instant::now() < end,
            "timed out waiting for {what}; seen {:?}",
            seen()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

extern "C" fn on_connect(_: *mut NXD_MQTT_CLIENT, status: UINT, ctx: *mut VOID) {
    assert_eq!(ctx as usize, 0x1234, "connect context");
    SEEN.lock().unwrap().push(Seen::Connect(status));
}

extern "C" fn on_disconnect(c: *mut NXD_MQTT_CLIENT) {
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let state = unsafe { (*c).nxd_mqtt_client_state };
    SEEN.lock().unwrap().push(Seen::Disconnect(state));
}

/// Reads the message inside the receive notify (allowed: the lock is recursive).
extern "C" fn on_receive(c: *mut NXD_MQTT_CLIENT, count: UINT) {
    let mut t = [0u8; 64];
    let mut m = [0u8; 64];
    let (mut tl, mut ml) = (0 as UINT, 0 as UINT);
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let r = unsafe {
        nxd_mqtt_client_message_get(c, t.as_mut_ptr(), 64, &mut tl, m.as_mut_ptr(), 64, &mut ml)
    };
    assert_eq!(r, NXD_MQTT_SUCCESS);
    SEEN.lock().unwrap().push(Seen::Receive(
        count,
        t[..tl as usize].to_vec(),
        m[..ml as usize].to_vec(),
    ));
}

extern "C" fn on_ack(
    _: *mut NXD_MQTT_CLIENT,
    kind: UINT,
    id: USHORT,
    pkt: *mut NX_PACKET,
    _: *mut VOID,
) {
    SEEN.lock()
        .unwrap()
        .push(Seen::Ack(kind, id, pkt.is_null()));
}

/// A broker played by the test: accepts one connection and exchanges exact bytes.
struct Broker {
    listener: TcpListener,
    conn: Option<TcpStream>,
}

impl Broker {
    fn new() -> Self {
        Broker {
            listener: TcpListener::bind("127.0.0.1:0").unwrap(),
            conn: None,
        }
    }
    fn addr(&self) -> (NXD_ADDRESS, UINT) {
        (
            v4(127, 0, 0, 1),
            UINT::from(self.listener.local_addr().unwrap().port()),
        )
    }
    fn accept(&mut self) {
        let (s, _) = self.listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        self.conn = Some(s);
    }
    fn conn(&mut self) -> &mut TcpStream {
        self.conn.as_mut().expect("accepted")
    }
    /// One whole MQTT frame.
    fn frame(&mut self) -> Vec<u8> {
        let mut head = [0u8; 1];
        self.conn().read_exact(&mut head).unwrap();
        let mut frame = head.to_vec();
        let (mut len, mut shift) = (0usize, 0);
        loop {
            let mut b = [0u8; 1];
            self.conn().read_exact(&mut b).unwrap();
            frame.push(b[0]);
            len |= usize::from(b[0] & 0x7F) << shift;
            shift += 7;
            if b[0] & 0x80 == 0 {
                break;
            }
        }
        let mut body = vec![0u8; len];
        self.conn().read_exact(&mut body).unwrap();
        frame.extend(body);
        frame
    }
    fn send(&mut self, bytes: &[u8]) {
        self.conn().write_all(bytes).unwrap();
    }
    fn close(&mut self) {
        self.conn = None;
    }
}

struct Client {
    block: Block,
}

impl Client {
    fn new() -> Self {
        SEEN.lock().unwrap().clear();
        let mut block = Block::zeroed();
        assert_eq!(create(&mut block), NXD_MQTT_SUCCESS);
        let c = block.ptr();
        // SAFETY: test code: the control block, strings and address passed are live locals
        // of this test (or NULL where the test checks NULL handling).
        unsafe {
            assert_eq!(
                nxd_mqtt_client_connect_notify_set(c, Some(on_connect), 0x1234 as *mut VOID),
                NXD_MQTT_SUCCESS
            );
            (*c).nxd_mqtt_ack_receive_notify = Some(on_ack);
            assert_eq!(
                nxd_mqtt_client_receive_notify_set(c, Some(on_receive)),
                NXD_MQTT_SUCCESS
            );
            assert_eq!(
                nxd_mqtt_client_disconnect_notify_set(c, Some(on_disconnect)),
                NXD_MQTT_SUCCESS
            );
        }
        Client { block }
    }
    fn c(&mut self) -> *mut NXD_MQTT_CLIENT {
        self.block.ptr()
    }
    /// Blocking connect on a thread while the broker answers with `connack`.
    fn connect_blocking(
        &mut self,
        broker: &mut Broker,
        connack: &[u8],
        timeout: ULONG,
    ) -> (UINT, Vec<u8>) {
        let (mut addr, port) = broker.addr();
        let c = self.c() as usize;
        // SAFETY: test code: the control block, strings and address passed are live locals
        // of this test (or NULL where the test checks NULL handling).
        let t = std::thread::spawn(move || unsafe {
            nxd_mqtt_client_connect(
                c as *mut NXD_MQTT_CLIENT,
                &mut addr,
                port,
                0,
                NX_TRUE,
                timeout,
            )
        });
        broker.accept();
        let connect = broker.frame();
        broker.send(connack);
        (t.join().unwrap(), connect)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // SAFETY: test code: the control block, strings and address passed are live locals
        // of this test (or NULL where the test checks NULL handling).
        unsafe { nxd_mqtt_client_delete(self.c()) };
    }
}

#[test]
fn blocking_connect_exact_bytes_refusal_and_credentials() {
    let _s = serial();
    let mut client = Client::new();
    let mut broker = Broker::new();
    let c = client.c();
    let (user, pass) = (c"u".as_ptr().cast_mut(), c"pw".as_ptr().cast_mut());
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe { assert_eq!(nxd_mqtt_client_login_set(c, user, 1, pass, 2), NX_SUCCESS) };
    // Refused with code 5: 0x10085, connect notify called with it in blocking mode too.
    let (r, connect) = client.connect_blocking(&mut broker, &[0x20, 2, 0, 5], 300);
    assert_eq!(r, NXD_MQTT_ERROR_NOT_AUTHORIZED);
    let mut want = vec![0x10, 0, 0, 4, b'M', b'Q', b'T', b'T', 4, 0xC2, 0, 0, 0, 13];
    want.extend_from_slice(b"rust-ffi-test");
    want.extend_from_slice(&[0, 1, b'u', 0, 2, b'p', b'w']);
    want[1] = (want.len() - 2) as u8;
    assert_eq!(
        connect, want,
        "CONNECT with user name, password, clean session"
    );
    assert_eq!(seen(), vec![Seen::Connect(NXD_MQTT_ERROR_NOT_AUTHORIZED)]);
    assert_eq!(client.block.state(), NXD_MQTT_CLIENT_STATE_IDLE);
    // Credentials survive a failed connect (the original's retry pattern)...
    let (r, connect2) = client.connect_blocking(&mut broker, &[0x20, 2, 0, 0], 300);
    assert_eq!(r, NXD_MQTT_SUCCESS);
    assert_eq!(connect2, want);
    assert_eq!(client.block.state(), NXD_MQTT_CLIENT_STATE_CONNECTED);
    // ...and are cleared by an orderly disconnect, after the disconnect notify.
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe { assert_eq!(nxd_mqtt_client_disconnect(c), NXD_MQTT_SUCCESS) };
    assert_eq!(broker.frame(), vec![0xE0, 0], "DISCONNECT sent");
    assert_eq!(
        seen(),
        vec![
            Seen::Connect(NXD_MQTT_ERROR_NOT_AUTHORIZED),
            Seen::Connect(NXD_MQTT_SUCCESS),
            Seen::Disconnect(NXD_MQTT_CLIENT_STATE_IDLE)
        ]
    );
    let (r, connect3) = client.connect_blocking(&mut broker, &[0x20, 2, 0, 0], 300);
    assert_eq!(r, NXD_MQTT_SUCCESS);
    assert_eq!(connect3[9], 0x02, "no credentials after the disconnect");
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            nxd_mqtt_client_connect(c, &mut broker.addr().0, broker.addr().1, 0, 1, 10),
            NXD_MQTT_ALREADY_CONNECTED
        )
    };
}

#[test]
fn blocking_connect_without_connack_and_without_listener() {
    let _s = serial();
    let mut client = Client::new();
    let mut broker = Broker::new();
    let (mut addr, port) = broker.addr();
    let c = client.c() as usize;
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let t = std::thread::spawn(move || unsafe {
        nxd_mqtt_client_connect(c as *mut NXD_MQTT_CLIENT, &mut addr, port, 0, 1, 20)
    });
    broker.accept();
    assert_eq!(broker.frame()[0], 0x10);
    assert_eq!(
        t.join().unwrap(),
        NXD_MQTT_COMMUNICATION_FAILURE,
        "no CONNACK within 20 ticks"
    );
    assert_eq!(client.block.state(), NXD_MQTT_CLIENT_STATE_IDLE);
    assert!(
        seen().is_empty(),
        "blocking failures do not call the connect notify: {:?}",
        seen()
    );
    // Nothing listens on this port any more.
    drop(broker);
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let r = unsafe { nxd_mqtt_client_connect(client.c(), &mut addr, port, 0, 1, 100) };
    assert_eq!(r, NXD_MQTT_CONNECT_FAILURE);
    assert_eq!(client.block.state(), NXD_MQTT_CLIENT_STATE_IDLE);
}

#[test]
fn non_blocking_connect_reports_through_the_notify() {
    let _s = serial();
    let mut client = Client::new();
    let mut broker = Broker::new();
    let (mut addr, port) = broker.addr();
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let r = unsafe { nxd_mqtt_client_connect(client.c(), &mut addr, port, 0, 1, NX_NO_WAIT) };
    assert_eq!(r, NX_IN_PROGRESS);
    broker.accept();
    assert_eq!(broker.frame()[0], 0x10);
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let r = unsafe { nxd_mqtt_client_connect(client.c(), &mut addr, port, 0, 1, NX_NO_WAIT) };
    assert_eq!(r, NXD_MQTT_CONNECTING);
    broker.send(&[0x20, 2, 0, 0]);
    wait_until("connect notify", || {
        seen() == vec![Seen::Connect(NXD_MQTT_SUCCESS)]
    });
    assert_eq!(client.block.state(), NXD_MQTT_CLIENT_STATE_CONNECTED);
    // The broker closes: disconnect notify on the MQTT thread, state IDLE inside it.
    broker.close();
    wait_until("disconnect notify", || seen().len() == 2);
    assert_eq!(seen()[1], Seen::Disconnect(NXD_MQTT_CLIENT_STATE_IDLE));
}

#[test]
fn delete_while_connecting_does_not_hang() {
    let _s = serial();
    let mut client = Client::new();
    let mut broker = Broker::new();
    let (mut addr, port) = broker.addr();
    assert_eq!(
        // SAFETY: test code: the control block, strings and address passed are live locals
        // of this test (or NULL where the test checks NULL handling).
        unsafe { nxd_mqtt_client_connect(client.c(), &mut addr, port, 0, 1, NX_NO_WAIT) },
        NX_IN_PROGRESS
    );
    broker.accept();
    assert_eq!(broker.frame()[0], 0x10);
    assert_eq!(client.block.state(), NXD_MQTT_CLIENT_STATE_CONNECTING);
    assert_eq!(
        // SAFETY: test code: the control block, strings and address passed are live locals
        // of this test (or NULL where the test checks NULL handling).
        unsafe { nxd_mqtt_client_delete(client.c()) },
        NXD_MQTT_SUCCESS
    );
    assert_eq!(seen(), vec![Seen::Connect(NXD_MQTT_CONNECT_FAILURE)]);
    // The connection is gone (EOF at the broker) and no DISCONNECT was sent.
    let mut b = [0u8; 1];
    assert_eq!(broker.conn().read(&mut b).unwrap(), 0);
}

#[test]
fn receive_ack_and_packet_identifier() {
    let _s = serial();
    let mut client = Client::new();
    let mut broker = Broker::new();
    let (r, _) = client.connect_blocking(&mut broker, &[0x20, 2, 0, 0], 300);
    assert_eq!(r, NXD_MQTT_SUCCESS);
    let c = client.c();
    // Inbound QoS 1: receive notify (count 1, read inside), then PUBACK with the id.
    broker.send(&[0x32, 9, 0, 3, b'a', b'/', b'b', 0xBE, 0xEF, b'h', b'i']);
    assert_eq!(broker.frame(), vec![0x40, 2, 0xBE, 0xEF]);
    wait_until("receive notify", || seen().len() == 2);
    assert_eq!(seen()[1], Seen::Receive(1, b"a/b".to_vec(), b"hi".to_vec()));
    // Packet id written by the application is taken over; the next wraps to 1.
    packet_identifier(c).store(0xFFFF, core::sync::atomic::Ordering::Release);
    let t = c"x".as_ptr().cast_mut();
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            nxd_mqtt_client_publish(c, t, 1, null_mut(), 0, 0, 1, 100),
            NXD_MQTT_SUCCESS
        )
    };
    assert_eq!(broker.frame(), vec![0x32, 5, 0, 1, b'x', 0xFF, 0xFF]);
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            nxd_mqtt_client_publish(c, t, 1, null_mut(), 0, 1, 1, 100),
            NXD_MQTT_SUCCESS
        )
    };
    assert_eq!(broker.frame(), vec![0x33, 5, 0, 1, b'x', 0, 1]);
    assert_eq!(
        packet_identifier(c).load(core::sync::atomic::Ordering::Acquire),
        2
    );
    // Ack notify: PUBACK → type 4, NULL transmit packet on this port.
    broker.send(&[0x40, 2, 0xFF, 0xFF]);
    wait_until("ack notify", || seen().len() == 3);
    assert_eq!(seen()[2], Seen::Ack(4, 0xFFFF, true));
    // Outbound QoS 2: PUBREC → PUBREL → PUBCOMP → ack type 7.
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            nxd_mqtt_client_publish(c, t, 1, c"m".as_ptr().cast_mut(), 1, 0, 2, 100),
            NXD_MQTT_SUCCESS
        )
    };
    assert_eq!(broker.frame(), vec![0x34, 6, 0, 1, b'x', 0, 2, b'm']);
    broker.send(&[0x50, 2, 0, 2]);
    assert_eq!(broker.frame(), vec![0x62, 2, 0, 2]);
    broker.send(&[0x70, 2, 0, 2]);
    wait_until("PUBCOMP ack", || seen().len() == 4);
    assert_eq!(seen()[3], Seen::Ack(7, 2, true));
    // SUBSCRIBE with QoS 2 and its SUBACK → type 9.
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            nxd_mqtt_client_subscribe(c, c"s/#".as_ptr().cast_mut(), 3, 2),
            NXD_MQTT_SUCCESS
        )
    };
    assert_eq!(
        broker.frame(),
        vec![0x82, 8, 0, 3, 0, 3, b's', b'/', b'#', 2]
    );
    broker.send(&[0x90, 3, 0, 3, 2]);
    wait_until("SUBACK ack", || seen().len() == 5);
    assert_eq!(seen()[4], Seen::Ack(9, 3, true));
}

#[test]
fn message_get_writes_exactly_uint_lengths_and_keeps_a_message_that_does_not_fit() {
    let _s = serial();
    let mut client = Client::new();
    let c = client.c();
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            _nxd_mqtt_client_receive_notify_set(c, None),
            NXD_MQTT_SUCCESS
        )
    };
    let mut broker = Broker::new();
    let (r, _) = client.connect_blocking(&mut broker, &[0x20, 2, 0, 0], 300);
    assert_eq!(r, NXD_MQTT_SUCCESS);
    broker.send(&[0x30, 8, 0, 3, b't', b'/', b'1', b'a', b'b', b'c']);
    let mut lens: [UINT; 3] = [0xAAAA_AAAA; 3];
    let mut t = [0u8; 8];
    let mut m = [0u8; 8];
    wait_until("message queued", || {
        // SAFETY: test code: the control block, strings and address passed are live locals
        // of this test (or NULL where the test checks NULL handling).
        let r = unsafe {
            nxd_mqtt_client_message_get(
                c,
                t.as_mut_ptr(),
                3,
                &mut lens[0],
                m.as_mut_ptr(),
                2,
                &mut lens[2],
            )
        };
        r == NXD_MQTT_INSUFFICIENT_BUFFER_SPACE
    });
    assert_eq!(
        lens, [0xAAAA_AAAA; 3],
        "nothing written on a too-small buffer"
    );
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let r = unsafe {
        nxd_mqtt_client_message_get(
            c,
            t.as_mut_ptr(),
            3,
            &mut lens[0],
            m.as_mut_ptr(),
            3,
            &mut lens[2],
        )
    };
    assert_eq!(r, NXD_MQTT_SUCCESS, "exact fit");
    assert_eq!(
        lens,
        [3, 0xAAAA_AAAA, 3],
        "exactly one UINT written per length"
    );
    assert_eq!((&t[..3], &m[..3]), (&b"t/1"[..], &b"abc"[..]));
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let r = unsafe {
        nxd_mqtt_client_message_get(
            c,
            t.as_mut_ptr(),
            8,
            null_mut(),
            m.as_mut_ptr(),
            8,
            null_mut(),
        )
    };
    assert_eq!(r, NXD_MQTT_NO_MESSAGE);
}

extern "C" fn delete_in_callback(c: *mut NXD_MQTT_CLIENT, _count: UINT) {
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    let r = unsafe { nxd_mqtt_client_delete(c) };
    SEEN.lock().unwrap().push(Seen::Disconnect(r));
}

#[test]
fn delete_from_a_callback_does_not_deadlock() {
    let _s = serial();
    let mut client = Client::new();
    let c = client.c();
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            nxd_mqtt_client_receive_notify_set(c, Some(delete_in_callback)),
            NXD_MQTT_SUCCESS
        )
    };
    let mut broker = Broker::new();
    let (r, _) = client.connect_blocking(&mut broker, &[0x20, 2, 0, 0], 300);
    assert_eq!(r, NXD_MQTT_SUCCESS);
    broker.send(&[0x30, 4, 0, 1, b't', b'x']);
    wait_until("delete inside the receive notify", || {
        seen().contains(&Seen::Disconnect(NXD_MQTT_SUCCESS))
    });
    // The client is gone: no DISCONNECT was sent (EOF at the broker), the block is free.
    let mut b = [0u8; 1];
    assert_eq!(broker.conn().read(&mut b).unwrap(), 0);
    // SAFETY: test code: the control block, strings and address passed are live locals
    // of this test (or NULL where the test checks NULL handling).
    unsafe {
        assert_eq!(
            nxd_mqtt_client_login_set(c, null_mut(), 0, null_mut(), 0),
            NXD_MQTT_MUTEX_FAILURE
        );
    }
    assert!(
        seen().iter().all(|s| !matches!(s, Seen::Receive(..))),
        "no further callbacks after delete: {:?}",
        seen()
    );
}
