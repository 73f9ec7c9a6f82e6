//! The invariants the `session` fuzz target checks, as a plain function so that the saved
//! corpus and the regression inputs are replayed by an ordinary `cargo test` as well.
//!
//! The fuzz input is a little program: each op byte selects an API call, a tick, or broker
//! bytes (raw, or a well-formed packet built from a few argument bytes so the fuzzer reaches
//! the deep states quickly). Panics (assertion failure) when an invariant is violated; that is
//! its only purpose. Not part of the API. Uses no heap.

use super::{Config, ConnectOptions, Event, Session, State, Tick};
use crate::codec::{
    decode_packet, encode_remaining_length, Frame, FrameReader, Packet, PacketType, Publish, QoS,
};

type Fz = Session<64, 128, 128, 64, 4>;

/// Program reader: bytes run out as zeros.
struct Prog<'a>(&'a [u8]);

impl Prog<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }
}

/// Outbound ids the session handed out and has not reported complete: (id, kind) with kind
/// 1/2 = PUBLISH QoS 1/2, 4 = SUBSCRIBE, 5 = UNSUBSCRIBE.
struct Model {
    ids: [(u16, u8); 16],
    /// Events are left unpolled (event back-pressure); id checks are off until drained.
    hold: bool,
}

impl Model {
    fn add(&mut self, id: u16, kind: u8) {
        assert_ne!(id, 0, "packet id 0 handed out");
        if !self.hold {
            assert!(
                self.ids.iter().all(|e| e.1 == 0 || e.0 != id),
                "id {id} reused while in flight"
            );
        }
        let slot = self
            .ids
            .iter_mut()
            .find(|e| e.1 == 0)
            .expect("more ids in flight than INFLIGHT");
        *slot = (id, kind);
    }

    fn remove(&mut self, id: u16, kind: u8) {
        let e = self.ids.iter_mut().find(|e| e.0 == id && e.1 == kind);
        let e = e.expect("acknowledged an id that was not in flight");
        *e = (0, 0);
    }

    fn drop_kinds(&mut self, keep: fn(u8) -> bool) {
        for e in self.ids.iter_mut() {
            if !keep(e.1) {
                *e = (0, 0);
            }
        }
    }

    fn count(&self) -> usize {
        self.ids.iter().filter(|e| e.1 != 0).count()
    }
}

/// Checks the client's output stream: whole, valid packets only; nothing after DISCONNECT.
struct Wire {
    reader: FrameReader<80>,
    disconnected: bool,
    connect_expected: bool,
}

impl Wire {
    fn take(&mut self, mut bytes: &[u8]) {
        if !bytes.is_empty() {
            assert!(!self.disconnected, "bytes sent after DISCONNECT");
        }
        while !bytes.is_empty() {
            let frame = self
                .reader
                .next_frame(&mut bytes)
                .expect("client sent a bad length");
            let Some(frame) = frame else { break };
            let Frame::Packet(f) = frame else {
                panic!("client packet larger than TX")
            };
            let p = decode_packet(f).expect("client sent a malformed packet");
            assert_eq!(
                matches!(p, Packet::Connect(_)),
                self.connect_expected,
                "CONNECT first, once"
            );
            self.connect_expected = false;
            match p {
                Packet::Disconnect => self.disconnected = true,
                Packet::Connack { .. }
                | Packet::Suback { .. }
                | Packet::Unsuback(_)
                | Packet::Pingresp => panic!("client sent a server packet"),
                _ => {}
            }
        }
    }

    fn reset(&mut self) {
        self.reader.reset();
        self.disconnected = false;
    }
}

/// Builds a well-formed broker packet from a few program bytes into `buf`; returns its length.
fn broker_packet(p: &mut Prog<'_>, m: &Model, buf: &mut [u8]) -> usize {
    let sel = p.u8();
    // an id the session uses now (most interesting), or any id
    let pick = p.u8();
    let live: [u16; 16] = m.ids.map(|e| e.0);
    let id = match live.get(usize::from(pick % 16)) {
        Some(&id) if id != 0 && pick & 0x80 == 0 => id,
        _ => u16::from(pick).max(1),
    };
    let payload_len = usize::from(p.u8() % 80);
    let payload = p.take(payload_len);
    let packet = match sel % 10 {
        0 => Packet::Connack {
            session_present: sel & 0x10 != 0,
            return_code: (sel >> 5) % 7,
        },
        1 => Packet::Puback(id),
        2 => Packet::Pubrec(id),
        3 => Packet::Pubrel(id),
        4 => Packet::Pubcomp(id),
        5 => Packet::Suback {
            packet_id: id,
            return_codes: if sel & 0x10 != 0 { &[0, 1] } else { &[2] },
        },
        6 => Packet::Unsuback(id),
        7 => Packet::Pingresp,
        _ => {
            let qos = QoS::from_u8((sel >> 4) % 3).unwrap_or(QoS::AtMostOnce);
            let topic: &[u8] = if sel & 0x40 != 0 { b"a/b" } else { b"t" };
            let packet_id = if qos == QoS::AtMostOnce {
                None
            } else {
                Some(id)
            };
            let dup = sel & 0x80 != 0 && packet_id.is_some();
            Packet::Publish(Publish {
                dup,
                qos,
                retain: false,
                topic,
                packet_id,
                payload,
            })
        }
    };
    // a SUBACK / PUBLISH the codec cannot encode here is replaced by a bare header
    match packet.encode(buf) {
        Ok(n) => n,
        Err(_) => {
            let n = encode_remaining_length(0, buf.get_mut(1..).unwrap_or_default()).unwrap_or(0);
            if let Some(b) = buf.first_mut() {
                *b = 0xD0;
            }
            n + 1
        }
    }
}

/// Runs one fuzz program against a session (see `fuzz/fuzz_targets/session.rs`):
/// * no panic, whatever the broker sends and whatever the API calls;
/// * memory stays within the capacities; the client only ever sends whole, valid packets,
///   CONNECT first and nothing after DISCONNECT;
/// * packet ids handed out are never 0 and never one still in flight; acknowledgements are
///   only reported for ids in flight;
/// * `wants_input` tells the truth: when true `handle_bytes` takes at least one byte of a
///   non-empty input (or handles the PUBLISH it held back), when false it takes none.
#[doc(hidden)]
pub fn fuzz_check_session(data: &[u8]) {
    let mut p = Prog(data);
    let c = p.u8();
    let config = Config {
        ticks_per_second: 10,
        keepalive_timer_rate: u32::from(c % 16) + 1,
        ping_timeout_delay: u32::from(c >> 4),
        initial_packet_id: p.u16(),
        max_inflight: usize::from(c % 6),
    };
    let cap = match config.max_inflight {
        0 => 4,
        m => m.min(4),
    };
    let mut s: Fz = Session::new(config);
    let mut now: Tick = u32::from(p.u16())
        .wrapping_mul(0x1_0001)
        .wrapping_sub(30_000);
    let mut m = Model {
        ids: [(0, 0); 16],
        hold: false,
    };
    let mut wire = Wire {
        reader: FrameReader::new(80),
        disconnected: false,
        connect_expected: false,
    };
    let mut buf = [0u8; 160];
    while !p.0.is_empty() {
        let op = p.u8();
        match op % 16 {
            0 => {
                let f = p.u8();
                let will = crate::codec::Will {
                    topic: b"w",
                    message: b"bye",
                    qos: QoS::AtLeastOnce,
                    retain: true,
                };
                let opts = ConnectOptions {
                    client_id: &b"client-id"[..usize::from(f >> 6) * 3],
                    keep_alive_secs: u32::from((f >> 1) & 7),
                    clean_session: f & 1 != 0,
                    username: (f & 0x10 != 0).then_some(&b"user"[..]),
                    password: (f & 0x20 != 0).then_some(&b"pw"[..]),
                    will: (f & 0x08 != 0).then_some(will),
                };
                drain(&mut s, &mut m);
                let before = s.state();
                match s.connect(now, &opts) {
                    Ok(()) => {
                        assert_eq!(before, State::Idle);
                        wire.connect_expected = true;
                        if opts.clean_session {
                            m.drop_kinds(|_| false);
                            assert_eq!(s.inflight_len(), 0);
                        }
                    }
                    Err(_) => assert_ne!(before, State::Idle),
                }
            }
            1 | 15 => {
                let n = usize::from(p.u8());
                let bytes = p.take(n);
                let step = if op % 16 == 15 { 1 } else { bytes.len().max(1) };
                for chunk in bytes.chunks(step) {
                    feed(&mut s, now, chunk);
                }
            }
            2 => {
                let n = broker_packet(&mut p, &m, &mut buf);
                feed(&mut s, now, buf.get(..n).unwrap_or_default());
            }
            3 => {
                let f = p.u8();
                let qos = QoS::from_u8(f % 3).unwrap_or(QoS::AtMostOnce);
                let payload = p.take(usize::from(f >> 3));
                let topic: &[u8] = if f & 4 != 0 { b"x/y" } else { b"" };
                if let Ok(Some(id)) = s.publish(now, topic, payload, qos, f & 4 != 0) {
                    m.add(id, qos as u8);
                }
            }
            4 | 5 => {
                let f = p.u8();
                let filter: &[u8] = if f & 1 != 0 { b"a/#" } else { b"" };
                let r = if op % 16 == 4 {
                    s.subscribe(now, filter, QoS::from_u8(f % 3).unwrap_or(QoS::AtMostOnce))
                } else {
                    s.unsubscribe(now, filter)
                };
                if let Ok(id) = r {
                    m.add(id, if op % 16 == 4 { 4 } else { 5 });
                }
            }
            6 => {
                now = now.wrapping_add(u32::from(p.u16()));
                s.handle_timeout(now);
            }
            7 => {
                let n = usize::from(p.u8() % 64) + 1;
                let k = s.poll_transmit(buf.get_mut(..n).unwrap_or_default());
                assert!(k <= n);
                wire.take(buf.get(..k).unwrap_or_default());
            }
            8 => {
                let (t, q) = (usize::from(p.u8() % 8), usize::from(p.u8() % 96));
                let (topic, payload) = buf.split_at_mut(t);
                let before = s.queued_messages();
                match s.message_get(topic, payload.get_mut(..q).unwrap_or_default()) {
                    Ok(info) => {
                        assert!(info.topic_len <= t && info.payload_len <= q);
                        assert!(s.queued_messages() < before);
                    }
                    Err(_) => assert!(s.queued_messages() <= before),
                }
            }
            9 => s.disconnect(now),
            10 => {
                drain(&mut s, &mut m);
                s.connection_closed(now);
                wire.reset();
                wire.connect_expected = false;
                m.drop_kinds(|k| k < 4);
                assert_eq!(s.transmit_pending(), 0);
                assert_eq!(s.buffered(), 0);
                assert_eq!(s.poll_timeout(), None);
            }
            11 => s.set_next_packet_id(p.u16()),
            12 => {
                if p.u8() & 1 != 0 {
                    drain(&mut s, &mut m);
                    s.clear_inflight();
                    m.drop_kinds(|_| false);
                } else {
                    s.clear_receive_queue();
                    assert_eq!(s.queued_bytes(), 0);
                }
            }
            13 => m.hold = !m.hold,
            _ => {
                if let Some(t) = s.poll_timeout() {
                    now = t;
                    s.handle_timeout(now);
                }
            }
        }
        if !m.hold {
            drain(&mut s, &mut m);
        }
        assert_ne!(s.next_packet_id(), 0);
        assert!(s.inflight_len() <= cap);
        assert!(m.hold || m.count() <= s.inflight_len());
        assert!(s.inflight_bytes() <= 128 && s.queued_bytes() <= 128 && s.transmit_pending() <= 64);
        assert_eq!(s.queued_messages() == 0, s.queued_bytes() == 0);
    }
}

fn feed(s: &mut Fz, now: Tick, bytes: &[u8]) {
    let wants = s.wants_input();
    let held = s.buffered();
    let n = s.handle_bytes(now, bytes);
    assert!(n <= bytes.len());
    if !wants {
        assert_eq!(n, 0, "input taken while wants_input was false");
    } else if !bytes.is_empty() {
        // progress: bytes taken, or the parked PUBLISH handled
        assert!(
            n > 0 || s.buffered() < held,
            "no progress while wants_input was true"
        );
    }
}

fn drain(s: &mut Fz, m: &mut Model) {
    while let Some(e) = s.poll_event() {
        check_event(s, m, e);
    }
}

fn check_event(s: &Fz, m: &mut Model, e: Event) {
    match e {
        Event::Acknowledged {
            kind,
            packet_id,
            return_code,
        } => {
            assert_ne!(packet_id, 0);
            let k = match kind {
                PacketType::Puback => 1,
                PacketType::Pubcomp => 2,
                PacketType::Suback => 4,
                PacketType::Unsuback => 5,
                PacketType::Pubrel => return,
                _ => panic!("unexpected ack kind"),
            };
            assert!(kind == PacketType::Suback || return_code == 0);
            m.remove(packet_id, k);
        }
        Event::MessageReceived { queued } => assert!(queued > 0),
        Event::Connected { .. } => assert_eq!(s.state(), State::Connected),
        _ => {}
    }
}
