//! The generic driver on a scripted transport and a single-threaded port with a virtual clock
//! (the shape of the bare-metal port): byte order under partial sends, back-pressure, connect
//! phases and their timeouts, teardown order, keep-alive.

use super::*;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::vec::Vec;

/// The wire as the test sees it.
#[derive(Default)]
struct Wire {
    /// Bytes the broker sent, not yet read by the client.
    to_client: VecDeque<u8>,
    /// Bytes the client sent.
    from_client: Vec<u8>,
    /// Most bytes `send` accepts per call (0: none).
    send_limit: usize,
    /// Most bytes `recv` returns per call.
    recv_limit: usize,
    /// `open` finishes at once, or after this many `poll_open` calls.
    open_after_polls: Option<usize>,
    /// `open`/`poll_open` fail.
    refuse: bool,
    /// The broker closed (EOF after the buffered bytes).
    eof: bool,
    opens: usize,
    closes: usize,
    /// How each close ended the connection.
    close_kinds: Vec<Close>,
}

struct FakeTransport(Rc<RefCell<Wire>>);

impl Transport for FakeTransport {
    fn open(&mut self, _to: &Endpoint) -> Result<Progress, TransportError> {
        let mut w = self.0.borrow_mut();
        w.opens += 1;
        w.eof = false;
        if w.refuse {
            return Err(TransportError::Failed);
        }
        Ok(if w.open_after_polls.is_some() {
            Progress::InProgress
        } else {
            Progress::Done
        })
    }
    fn poll_open(&mut self) -> Result<Progress, TransportError> {
        let mut w = self.0.borrow_mut();
        if w.refuse {
            return Err(TransportError::Failed);
        }
        match w.open_after_polls {
            Some(0) | None => Ok(Progress::Done),
            Some(n) => {
                w.open_after_polls = Some(n - 1);
                Ok(Progress::InProgress)
            }
        }
    }
    fn send(&mut self, bytes: &[u8]) -> Result<usize, TransportError> {
        let mut w = self.0.borrow_mut();
        let n = bytes.len().min(w.send_limit);
        w.from_client.extend_from_slice(&bytes[..n]);
        Ok(n)
    }
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        let mut w = self.0.borrow_mut();
        let n = buf.len().min(w.recv_limit).min(w.to_client.len());
        for b in buf.iter_mut().take(n) {
            *b = w.to_client.pop_front().unwrap_or(0);
        }
        if n == 0 && w.eof {
            return Err(TransportError::Closed);
        }
        Ok(n)
    }
    fn close(&mut self, how: Close) {
        let mut w = self.0.borrow_mut();
        w.closes += 1;
        w.close_kinds.push(how);
    }
}

/// Small capacities: a 64-byte receive queue makes back-pressure easy to reach.
type TestCore = Client<FakeTransport, Vec<&'static str>, 128, 64, 256, 256, 8, 16>;

#[derive(Default)]
struct RecHooks {
    log: RefCell<Vec<Notice>>,
    /// Receive-queue depth seen by each receive notify.
    depths: RefCell<Vec<usize>>,
}

impl Hooks<TestCore> for RecHooks {
    fn notify(&self, core: &RefCell<TestCore>, notice: Notice) {
        // No borrow may be alive here: this must not panic.
        let c = core.borrow_mut();
        if let Notice::Received { .. } = notice {
            self.depths.borrow_mut().push(c.session().queued_messages());
        }
        self.log.borrow_mut().push(notice);
    }
    fn before_command(&self, _core: &mut TestCore) {}
    fn sync(&self, _core: &mut TestCore) {}
    fn teardown(&self, core: &mut TestCore) {
        let queued = core.session().queued_messages();
        core.user.push(if queued == 0 {
            "teardown after queue cleared"
        } else {
            "teardown with messages left"
        });
    }
}

/// One thread, a virtual clock; waiting advances time by one tick and asks the caller to pump.
struct FakePort {
    cell: RefCell<TestCore>,
    hooks: RecHooks,
    now: Cell<Tick>,
    wakes: Cell<usize>,
}

impl Port for FakePort {
    type Core = TestCore;
    type Hooks = RecHooks;
    type Guard<'a> = &'a RefCell<TestCore>;
    fn lock(&self) -> &RefCell<TestCore> {
        &self.cell
    }
    fn hooks(&self) -> &RecHooks {
        &self.hooks
    }
    fn now(&self) -> Tick {
        self.now.get()
    }
    fn wake(&self) {
        self.wakes.set(self.wakes.get() + 1);
    }
    fn wait(&self, _guard: &mut &RefCell<TestCore>, _deadline: Option<Tick>) -> Waited {
        self.now.set(self.now.get().wrapping_add(1));
        Waited::MustPump
    }
}

fn setup() -> (FakePort, Rc<RefCell<Wire>>) {
    let wire = Rc::new(RefCell::new(Wire {
        send_limit: usize::MAX,
        recv_limit: usize::MAX,
        ..Wire::default()
    }));
    let port = FakePort {
        cell: RefCell::new(Client::new(
            Config::DEFAULT,
            FakeTransport(wire.clone()),
            Vec::new(),
        )),
        hooks: RecHooks::default(),
        now: Cell::new(1000),
        wakes: Cell::new(0),
    };
    (port, wire)
}

const TO: Endpoint = Endpoint {
    ip: IpAddr::V4([127, 0, 0, 1]),
    port: 1883,
};

fn options(keep_alive_secs: u32) -> ConnectOptions<'static> {
    ConnectOptions {
        client_id: b"c",
        keep_alive_secs,
        clean_session: true,
        username: None,
        password: None,
        will: None,
    }
}

const CONNECT_C: [u8; 15] = [
    0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 0, 0, 1, b'c',
];

/// Connects (non-blocking start) and accepts: returns after the CONNACK was processed.
fn connected(port: &FakePort, wire: &Rc<RefCell<Wire>>, keep_alive: u32) {
    port.cell
        .borrow_mut()
        .start_connect(port.now(), &TO, &options(keep_alive), false)
        .unwrap();
    wire.borrow_mut().to_client.extend([0x20, 2, 0, 0]);
    TestCore::drive(port, &port.lock());
    assert_eq!(port.cell.borrow().session().state(), State::Connected);
    assert_eq!(
        port.hooks.log.borrow_mut().drain(..).collect::<Vec<_>>(),
        vec![Notice::ConnectResult(ConnectOutcome::Accepted)]
    );
    wire.borrow_mut().from_client.clear();
}

#[test]
fn bytes_leave_in_order_through_a_one_byte_transport() {
    let (port, wire) = setup();
    connected(&port, &wire, 0);
    wire.borrow_mut().send_limit = 1;
    let mut g = port.lock();
    let mut want = Vec::new();
    for i in 0..5u8 {
        TestCore::publish(
            &port,
            &mut g,
            b"t",
            &[i; 3],
            QoS::AtMostOnce,
            false,
            Some(100),
        )
        .unwrap();
        want.extend([0x30, 6, 0, 1, b't', i, i, i]);
    }
    for _ in 0..100 {
        TestCore::drive(&port, &g);
    }
    assert_eq!(wire.borrow().from_client, want);
}

#[test]
fn back_pressure_keeps_every_message_in_order() {
    let (port, wire) = setup();
    connected(&port, &wire, 0);
    // 20 QoS 1 messages of 14 bytes: the 64-byte queue takes 4 at a time.
    for i in 0..20u8 {
        wire.borrow_mut()
            .to_client
            .extend([0x32, 12, 0, 1, b't', 0, i + 1, i, 1, 2, 3, 4, 5, 6]);
    }
    wire.borrow_mut().recv_limit = 7;
    let mut g = port.lock();
    let mut got = Vec::new();
    for _ in 0..200 {
        TestCore::drive(&port, &g);
        let mut t = [0u8; 8];
        let mut m = [0u8; 8];
        while let Ok(info) = TestCore::message_get(&port, &mut g, &mut t, &mut m) {
            got.push(m[0]);
            assert_eq!(info.payload_len, 7);
        }
        if got.len() == 20 {
            break;
        }
    }
    assert_eq!(got, (0..20).collect::<Vec<u8>>());
    // Every message was acknowledged, in order.
    let acks: Vec<u8> = wire.borrow().from_client.chunks(4).map(|a| a[3]).collect();
    assert_eq!(acks, (1..=20).collect::<Vec<u8>>());
    assert!(
        port.wakes.get() > 0,
        "message_get wakes the worker after back-pressure"
    );
}

#[test]
fn blocking_connect_phases_time_out_with_their_own_codes() {
    // TCP never completes: TransportFailed after `timeout` ticks of the first phase.
    let (port, wire) = setup();
    wire.borrow_mut().open_after_polls = Some(usize::MAX);
    let mut g = port.lock();
    g.borrow_mut()
        .start_connect(port.now(), &TO, &options(0), true)
        .unwrap();
    let t0 = port.now();
    assert_eq!(
        TestCore::connect_wait(&port, &mut g, Some(50)),
        ConnectOutcome::TransportFailed
    );
    assert_eq!(port.now().wrapping_sub(t0), 50);
    assert_eq!(g.borrow().session().state(), State::Idle);
    assert_eq!(
        wire.borrow().close_kinds,
        vec![Close::Abort],
        "a connect that gave up"
    );
    // TCP completes after 10 polls, no CONNACK: NoConnack after 10 + 50 ticks.
    wire.borrow_mut().open_after_polls = Some(10);
    g.borrow_mut()
        .start_connect(port.now(), &TO, &options(0), true)
        .unwrap();
    let t0 = port.now();
    assert_eq!(
        TestCore::connect_wait(&port, &mut g, Some(50)),
        ConnectOutcome::NoConnack
    );
    let waited = port.now().wrapping_sub(t0);
    assert!(
        (59..=62).contains(&waited),
        "second phase restarts the timeout: {waited}"
    );
    assert_eq!(
        wire.borrow().from_client,
        CONNECT_C,
        "CONNECT sent once the transport was open"
    );
    assert!(
        port.hooks.log.borrow().is_empty(),
        "blocking failures call no callback"
    );
}

#[test]
fn blocking_connect_refused_and_accepted() {
    let (port, wire) = setup();
    let mut g = port.lock();
    wire.borrow_mut().to_client.extend([0x20, 2, 0, 4]);
    g.borrow_mut()
        .start_connect(port.now(), &TO, &options(0), true)
        .unwrap();
    assert_eq!(
        TestCore::connect_wait(&port, &mut g, None),
        ConnectOutcome::Refused(4)
    );
    assert_eq!(g.borrow().session().state(), State::Idle);
    assert_eq!(
        wire.borrow().close_kinds,
        vec![Close::Abort],
        "a refused CONNACK is a hard end"
    );
    assert!(
        port.hooks.log.borrow().is_empty(),
        "the blocking caller reports CONNACK results itself"
    );
    assert_eq!(
        g.borrow_mut()
            .start_connect(port.now(), &TO, &options(0), true),
        Ok(()),
        "idle again: a new attempt may start"
    );
    wire.borrow_mut().to_client.extend([0x20, 2, 0, 0]);
    assert_eq!(
        TestCore::connect_wait(&port, &mut g, Some(10)),
        ConnectOutcome::Accepted
    );
    assert_eq!(
        g.borrow_mut()
            .start_connect(port.now(), &TO, &options(0), true),
        Err(StartError::AlreadyConnected)
    );
}

#[test]
fn transport_refusal_is_reported_at_once_and_asynchronously() {
    let (port, wire) = setup();
    wire.borrow_mut().refuse = true;
    assert_eq!(
        port.cell
            .borrow_mut()
            .start_connect(port.now(), &TO, &options(0), false),
        Err(StartError::TransportFailed)
    );
    wire.borrow_mut().refuse = false;
    wire.borrow_mut().open_after_polls = Some(2);
    port.cell
        .borrow_mut()
        .start_connect(port.now(), &TO, &options(0), false)
        .unwrap();
    assert_eq!(
        port.cell
            .borrow_mut()
            .start_connect(port.now(), &TO, &options(0), false),
        Err(StartError::Connecting)
    );
    wire.borrow_mut().refuse = true;
    TestCore::drive(&port, &port.lock());
    assert_eq!(
        *port.hooks.log.borrow(),
        vec![Notice::ConnectResult(ConnectOutcome::TransportFailed)]
    );
    assert_eq!(port.cell.borrow().session().state(), State::Idle);
}

#[test]
fn orderly_teardown_notifies_before_emptying_the_queue() {
    let (port, wire) = setup();
    connected(&port, &wire, 0);
    wire.borrow_mut()
        .to_client
        .extend([0x30, 5, 0, 1, b't', b'h', b'i']);
    wire.borrow_mut().eof = true;
    TestCore::drive(&port, &port.lock());
    assert_eq!(
        *port.hooks.log.borrow(),
        vec![Notice::Received { queued: 1 }, Notice::Disconnected]
    );
    let c = port.cell.borrow();
    assert_eq!(c.session().state(), State::Idle);
    assert_eq!(c.user, vec!["teardown after queue cleared"]);
    assert_eq!(
        wire.borrow().close_kinds,
        vec![Close::Graceful],
        "broker close: orderly"
    );
}

#[test]
fn application_disconnect_sends_disconnect_then_notifies() {
    let (port, wire) = setup();
    connected(&port, &wire, 0);
    let mut g = port.lock();
    TestCore::disconnect(&port, &mut g);
    assert_eq!(wire.borrow().from_client, vec![0xE0, 0]);
    assert_eq!(*port.hooks.log.borrow(), vec![Notice::Disconnected]);
    assert_eq!(
        wire.borrow().close_kinds,
        vec![Close::Graceful],
        "disconnect: orderly"
    );
    // Idle: nothing is sent, nothing is notified.
    TestCore::disconnect(&port, &mut g);
    assert_eq!(wire.borrow().from_client, vec![0xE0, 0]);
    assert_eq!(port.hooks.log.borrow().len(), 1);
}

#[test]
fn shutdown_while_connecting_reports_a_failed_connect() {
    let (port, wire) = setup();
    wire.borrow_mut().open_after_polls = Some(usize::MAX);
    port.cell
        .borrow_mut()
        .start_connect(port.now(), &TO, &options(0), false)
        .unwrap();
    let mut g = port.lock();
    TestCore::shutdown(&port, &mut g);
    assert_eq!(
        *port.hooks.log.borrow(),
        vec![Notice::ConnectResult(ConnectOutcome::Aborted)]
    );
    assert!(
        wire.borrow().from_client.is_empty(),
        "no DISCONNECT at delete"
    );
    assert_eq!(g.borrow().session().state(), State::Idle);
}

#[test]
fn keep_alive_pings_and_times_out() {
    let (port, wire) = setup();
    connected(&port, &wire, 1); // K = 100 ticks
    let g = port.lock();
    let deadline = g.borrow().next_deadline().expect("keep-alive timer");
    port.now.set(deadline.wrapping_add(1));
    TestCore::drive(&port, &g);
    // Within P (100 ticks) of K after the CONNECT: PINGREQ.
    assert_eq!(wire.borrow().from_client, vec![0xC0, 0]);
    assert!(g.borrow().mirror().ping_outstanding);
    // No PINGRESP: the connection ends at a check at least T (100 ticks) later.
    for _ in 0..4 {
        let d = g.borrow().next_deadline();
        if let Some(d) = d {
            port.now.set(d.wrapping_add(1));
        }
        TestCore::drive(&port, &g);
    }
    assert_eq!(*port.hooks.log.borrow(), vec![Notice::Disconnected]);
    assert!(!g.borrow().mirror().ping_outstanding);
}

#[test]
fn interest_follows_the_link() {
    let (port, wire) = setup();
    assert_eq!(port.cell.borrow().io_interest(), Interest::default());
    wire.borrow_mut().open_after_polls = Some(1);
    port.cell
        .borrow_mut()
        .start_connect(port.now(), &TO, &options(0), false)
        .unwrap();
    assert!(
        port.cell.borrow().io_interest().write,
        "connecting: wait for writability"
    );
    TestCore::drive(&port, &port.lock());
    TestCore::drive(&port, &port.lock());
    let i = port.cell.borrow().io_interest();
    assert!(
        i.read && !i.write,
        "open, CONNECT flushed: wait for input only ({i:?})"
    );
    let mut g = port.lock();
    assert_eq!(
        TestCore::publish(&port, &mut g, b"t", b"x", QoS::AtMostOnce, false, Some(0)),
        Err(CommandError::Session(SessionError::NotConnected))
    );
    wire.borrow_mut().to_client.extend([0x20, 2, 0, 0]);
    TestCore::drive(&port, &g);
    wire.borrow_mut().send_limit = 0;
    TestCore::publish(&port, &mut g, b"t", b"x", QoS::AtMostOnce, false, Some(0)).unwrap();
    assert!(
        g.borrow().io_interest().write,
        "bytes pending: wait for writability"
    );
}

#[test]
fn receive_notify_runs_before_the_next_packet_is_processed() {
    let (port, wire) = setup();
    connected(&port, &wire, 0);
    // Three QoS 1 PUBLISHes and a PINGRESP in one read.
    for id in 1..=3u8 {
        wire.borrow_mut()
            .to_client
            .extend([0x32, 6, 0, 1, b't', 0, id, b'x']);
    }
    wire.borrow_mut().to_client.extend([0xD0, 0]);
    TestCore::drive(&port, &port.lock());
    // At each notify only the announced message had been queued (the next one not yet).
    assert_eq!(*port.hooks.depths.borrow(), vec![1, 2, 3]);
    assert_eq!(
        *port.hooks.log.borrow(),
        (1..=3)
            .map(|queued| Notice::Received { queued })
            .collect::<Vec<_>>()
    );
    assert_eq!(
        wire.borrow().from_client,
        vec![0x40, 2, 0, 1, 0x40, 2, 0, 2, 0x40, 2, 0, 3]
    );
}

#[test]
fn handle_frame_stops_at_frame_boundaries_in_any_split() {
    // PINGRESP, a PUBLISH with a 2-byte remaining length (200), a PUBACK.
    let mut stream = vec![0xD0, 0, 0x30, 0xC8, 0x01, 0, 1, b't'];
    stream.extend(core::iter::repeat(7u8).take(197));
    stream.extend([0x40, 2, 0, 9]);
    let ends = [2, 2 + 3 + 200, 2 + 3 + 200 + 4];
    let options = ConnectOptions {
        client_id: b"c",
        keep_alive_secs: 0,
        clean_session: true,
        username: None,
        password: None,
        will: None,
    };
    for split in 1..stream.len() {
        let mut s = Box::new(Session::<256, 1024, 1024, 512, 8>::new(Config::DEFAULT));
        s.connect(0, &options).unwrap();
        assert_eq!(s.handle_frame(0, &[0x20, 2, 0, 0]), 4);
        assert_eq!(s.state(), State::Connected);
        let mut found = Vec::new();
        let mut pos = 0;
        for chunk in stream.chunks(split) {
            let mut rest = chunk;
            while !rest.is_empty() {
                let n = s.handle_frame(0, rest);
                assert!(n > 0, "split {split}: no progress");
                pos += n;
                if s.buffered() == 0 {
                    found.push(pos);
                }
                rest = &rest[n..];
                while s.poll_event().is_some() {}
            }
        }
        assert_eq!(found, ends, "split {split}");
    }
}
