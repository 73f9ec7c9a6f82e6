//! Tests of the bare-metal port on the host: the callback transport, the clock, the poll-driven
//! `Port` (blocking calls pump the client themselves) and the slot. The application's
//! callbacks are `extern "C"` functions over a scripted in-memory link.
extern crate std;

use core::cell::{Cell, RefCell};
use core::ffi::c_int;
use std::collections::VecDeque;
use std::vec::Vec;

use super::*;
use crate::client::{ConnectOutcome, Endpoint, IpAddr, Notice};
use crate::codec::{decode_packet, Packet};
use crate::ffi::types::{NXD_ADDRESS, UCHAR, UINT, ULONG, VOID};
use crate::session::ConnectOptions;

const CONNACK_OK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];

/// The scripted link behind the callbacks.
#[derive(Default)]
struct Link {
    /// Current tick; every tick read advances it by `advance`.
    now: Cell<u32>,
    advance: Cell<u32>,
    /// Results of successive connect calls (then NX_SUCCESS).
    connect_script: RefCell<VecDeque<UINT>>,
    connects: Cell<u32>,
    connect_port: Cell<UINT>,
    connect_v4: Cell<ULONG>,
    /// Bytes the client sent.
    sent: RefCell<Vec<u8>>,
    /// At most this many bytes per send call (0: all).
    send_chunk: Cell<usize>,
    /// Bytes the client will receive.
    inbox: RefCell<VecDeque<u8>>,
    /// Answer a complete CONNECT with this CONNACK.
    auto_connack: Cell<bool>,
    /// receive returns -1.
    broken: Cell<bool>,
    closes: Cell<u32>,
}

fn link(context: *mut VOID) -> &'static Link {
    // SAFETY: every test passes a pointer to a `Link` that outlives the client using it.
    unsafe { &*context.cast::<Link>() }
}

unsafe extern "C" fn cb_connect(context: *mut VOID, ip: *const NXD_ADDRESS, port: UINT) -> UINT {
    let l = link(context);
    l.connects.set(l.connects.get() + 1);
    l.connect_port.set(port);
    // SAFETY: the library passes a valid address for the duration of the call.
    l.connect_v4.set(unsafe { (*ip).nxd_ip_address.v4 });
    l.connect_script.borrow_mut().pop_front().unwrap_or(0)
}

unsafe extern "C" fn cb_send(context: *mut VOID, data: *const UCHAR, length: UINT) -> c_int {
    let l = link(context);
    let mut n = length as usize;
    if l.send_chunk.get() != 0 {
        n = n.min(l.send_chunk.get());
    }
    // SAFETY: the library passes `length` readable bytes.
    let bytes = unsafe { core::slice::from_raw_parts(data, n) };
    l.sent.borrow_mut().extend_from_slice(bytes);
    if l.auto_connack.get() && l.sent.borrow().len() >= 2 {
        let sent = l.sent.borrow();
        let total = 2 + sent[1] as usize; // CONNECT of the tests is shorter than 128 bytes
        if sent[0] == 0x10 && sent.len() >= total {
            l.auto_connack.set(false);
            l.inbox.borrow_mut().extend(CONNACK_OK);
        }
    }
    n as c_int
}

unsafe extern "C" fn cb_receive(context: *mut VOID, buffer: *mut UCHAR, size: UINT) -> c_int {
    let l = link(context);
    if l.broken.get() {
        return -1;
    }
    let mut inbox = l.inbox.borrow_mut();
    let n = (size as usize).min(inbox.len());
    for i in 0..n {
        // SAFETY: the library passes `size` writable bytes; i < n <= size.
        unsafe { *buffer.add(i) = inbox.pop_front().unwrap_or(0) };
    }
    n as c_int
}

unsafe extern "C" fn cb_close(context: *mut VOID) {
    let l = link(context);
    l.closes.set(l.closes.get() + 1);
}

unsafe extern "C" fn cb_ticks(context: *mut VOID) -> ULONG {
    let l = link(context);
    let t = l.now.get();
    l.now.set(t.wrapping_add(l.advance.get()));
    t as ULONG
}

fn callbacks(l: &Link) -> NXD_MQTT_TRANSPORT {
    NXD_MQTT_TRANSPORT {
        nxd_mqtt_transport_context: (l as *const Link).cast_mut().cast(),
        nxd_mqtt_transport_connect: Some(cb_connect),
        nxd_mqtt_transport_send: Some(cb_send),
        nxd_mqtt_transport_receive: Some(cb_receive),
        nxd_mqtt_transport_close: Some(cb_close),
        nxd_mqtt_transport_tick_get: Some(cb_ticks),
    }
}

/// Records the notices.
#[derive(Default)]
struct TestHooks {
    notices: RefCell<Vec<Notice>>,
}

type TestCore = Core<()>;

impl Hooks<TestCore> for TestHooks {
    fn notify(&self, _core: &RefCell<TestCore>, notice: Notice) {
        self.notices.borrow_mut().push(notice);
    }
    fn before_command(&self, _core: &mut TestCore) {}
    fn sync(&self, _core: &mut TestCore) {}
    fn teardown(&self, _core: &mut TestCore) {}
}

const OWNER: usize = 0x1000;

fn new_slot() -> Slot<(), TestHooks> {
    let params = CreateParams {
        name: core::ptr::null(),
        ip: core::ptr::null_mut(),
        pool: core::ptr::null_mut(),
        stack: core::ptr::null_mut(),
        stack_size: 0,
        priority: 0,
        memory: core::ptr::null_mut(),
        memory_size: 0,
        block: crate::port::BlockMembers::NONE,
        cloud: core::ptr::null_mut(),
    };
    match Slot::create(OWNER, Config::DEFAULT, (), TestHooks::default(), &params) {
        Ok(s) => s,
        Err(e) => panic!("create failed: {e:?}"),
    }
}

fn endpoint() -> Endpoint {
    Endpoint {
        ip: IpAddr::V4([127, 0, 0, 1]),
        port: 1883,
    }
}

fn options() -> ConnectOptions<'static> {
    ConnectOptions {
        client_id: b"bare-test",
        keep_alive_secs: 60,
        clean_session: true,
        username: None,
        password: None,
        will: None,
    }
}

/// A blocking connect the way `ffi` runs it: start, then wait with the given timeout.
fn blocking_connect(
    shared: &Shared<(), TestHooks>,
    timeout: Option<Tick>,
) -> Option<ConnectOutcome> {
    let mut g = shared.lock();
    let now = shared.now();
    if g.borrow_mut()
        .start_connect(now, &endpoint(), &options(), true)
        .is_err()
    {
        return None;
    }
    Some(TestCore::connect_wait(shared, &mut g, timeout))
}

#[test]
fn transport_set_needs_send_receive_and_tick() {
    let slot = new_slot();
    let shared = slot.get(OWNER).expect("created");
    let l = Link::default();
    for missing in 0..3 {
        let mut t = callbacks(&l);
        match missing {
            0 => t.nxd_mqtt_transport_send = None,
            1 => t.nxd_mqtt_transport_receive = None,
            _ => t.nxd_mqtt_transport_tick_get = None,
        }
        assert_eq!(shared.set_transport(&t), Err(TransportSetError::Incomplete));
    }
    // Connect and close are optional.
    let mut t = callbacks(&l);
    t.nxd_mqtt_transport_connect = None;
    t.nxd_mqtt_transport_close = None;
    assert_eq!(shared.set_transport(&t), Ok(()));
}

#[test]
fn without_transport_time_stands_still_and_connect_fails() {
    let slot = new_slot();
    let shared = slot.get(OWNER).expect("created");
    assert_eq!(shared.now(), 0);
    shared.process(); // nothing to do, must not fail
    let g = shared.lock();
    let started = g
        .borrow_mut()
        .start_connect(0, &endpoint(), &options(), true);
    assert!(started.is_err(), "connect without a transport must fail");
    assert_eq!(g.borrow().session().state(), State::Idle);
}

#[test]
fn clock_reads_the_tick_callback() {
    let slot = new_slot();
    let shared = slot.get(OWNER).expect("created");
    let l = Link::default();
    l.now.set(0xFFFF_FFF0);
    l.advance.set(0x20);
    shared
        .set_transport(&callbacks(&l))
        .expect("complete transport");
    assert_eq!(shared.now(), 0xFFFF_FFF0);
    assert_eq!(shared.now(), 0x10, "the tick wraps around");
}

#[test]
fn blocking_connect_pumps_a_slow_link_to_connack() {
    let slot = new_slot();
    let shared = slot.get(OWNER).expect("created");
    let l = Link::default();
    l.advance.set(1);
    l.send_chunk.set(1); // the link takes one byte per call
    l.auto_connack.set(true);
    l.connect_script.borrow_mut().extend([0x37, 0x37]); // NX_IN_PROGRESS twice, then NX_SUCCESS
    shared
        .set_transport(&callbacks(&l))
        .expect("complete transport");

    assert_eq!(
        blocking_connect(shared, Some(500)),
        Some(ConnectOutcome::Accepted)
    );
    assert_eq!(
        l.connects.get(),
        3,
        "connect is called again while in progress"
    );
    assert_eq!(l.connect_port.get(), 1883);
    assert_eq!(l.connect_v4.get(), 0x7F00_0001);
    let sent = l.sent.borrow().clone();
    match decode_packet(&sent) {
        Ok(Packet::Connect(c)) => {
            assert_eq!(c.client_id, b"bare-test");
            assert_eq!(c.keep_alive, 60);
            assert!(c.clean_session);
        }
        other => panic!("the link did not carry exactly one CONNECT: {other:?}"),
    }
    assert_eq!(shared.lock().borrow().session().state(), State::Connected);
    // The transport cannot change under a connection.
    assert_eq!(
        shared.set_transport(&callbacks(&l)),
        Err(TransportSetError::InUse(State::Connected))
    );
    assert_eq!(l.closes.get(), 0);
}

#[test]
fn blocking_connect_times_out_on_the_application_clock() {
    let slot = new_slot();
    let shared = slot.get(OWNER).expect("created");
    let l = Link::default();
    l.advance.set(1); // every clock read is one tick later
    shared
        .set_transport(&callbacks(&l))
        .expect("complete transport");

    assert_eq!(
        blocking_connect(shared, Some(50)),
        Some(ConnectOutcome::NoConnack)
    );
    assert!(
        l.now.get() >= 50,
        "the timeout is measured with the tick callback"
    );
    assert_eq!(l.closes.get(), 1, "the failed attempt closes the link once");
    assert_eq!(shared.lock().borrow().session().state(), State::Idle);
    // Not connected any more: the transport may be replaced.
    assert_eq!(shared.set_transport(&callbacks(&l)), Ok(()));
}

#[test]
fn connect_refused_by_the_transport() {
    let slot = new_slot();
    let shared = slot.get(OWNER).expect("created");
    let l = Link::default();
    l.connect_script.borrow_mut().push_back(0x38); // NX_NOT_CONNECTED
    shared
        .set_transport(&callbacks(&l))
        .expect("complete transport");
    assert_eq!(
        blocking_connect(shared, Some(50)),
        None,
        "start_connect reports the failure"
    );
    assert_eq!(l.connects.get(), 1);
    assert_eq!(l.closes.get(), 1);
}

#[test]
fn process_ends_the_connection_when_the_link_breaks() {
    let slot = new_slot();
    let shared = slot.get(OWNER).expect("created");
    let l = Link::default();
    l.advance.set(1);
    l.auto_connack.set(true);
    shared
        .set_transport(&callbacks(&l))
        .expect("complete transport");
    assert_eq!(
        blocking_connect(shared, Some(100)),
        Some(ConnectOutcome::Accepted)
    );

    // A PUBLISH from the broker arrives through process().
    l.inbox
        .borrow_mut()
        .extend([0x30, 0x05, 0x00, 0x01, b't', b'h', b'i']);
    shared.process();
    assert!(shared
        .hooks()
        .notices
        .borrow()
        .contains(&Notice::Received { queued: 1 }));

    l.broken.set(true);
    shared.process();
    assert!(shared
        .hooks()
        .notices
        .borrow()
        .contains(&Notice::Disconnected));
    assert_eq!(l.closes.get(), 1);
    assert_eq!(shared.lock().borrow().session().state(), State::Idle);
}

#[test]
fn slot_answers_only_for_its_block_until_destroyed() {
    let mut slot = new_slot();
    assert!(slot.get(OWNER).is_some());
    assert!(
        slot.get(OWNER + 8).is_none(),
        "a moved or copied block is refused"
    );
    assert!(slot.get(0).is_none());
    slot.destroy();
    assert!(slot.get(OWNER).is_none());
    slot.destroy(); // twice is harmless
}
