//! Scripted-broker harness shared by the session tests: a session on a fake clock, helpers
//! to build broker packets with the codec and to split what the client sent into frames.
#![allow(dead_code)]

use nxd_mqtt::codec::{decode_packet, decode_remaining_length, Packet, Publish, QoS};
use nxd_mqtt::session::{Config, ConnectOptions, Event, Session, State};

/// A session plus the fake clock.
pub struct H<const RX: usize, const Q: usize, const ST: usize, const TX: usize, const IN: usize> {
    pub s: Box<Session<RX, Q, ST, TX, IN>>,
    pub now: u32,
}

/// The default test capacities.
pub type Std = H<256, 1024, 1024, 512, 8>;

pub fn std_session() -> Std {
    H::new(Config::DEFAULT)
}

/// Encodes a packet the broker sends.
pub fn enc(p: &Packet<'_>) -> Vec<u8> {
    let n = p.encoded_len().expect("encodable");
    let mut v = vec![0; n];
    assert_eq!(p.encode(&mut v).unwrap(), n);
    v
}

/// An inbound PUBLISH frame.
pub fn publish(topic: &[u8], payload: &[u8], qos: u8, id: u16, dup: bool, retain: bool) -> Vec<u8> {
    enc(&Packet::Publish(Publish {
        dup,
        qos: QoS::from_u8(qos).unwrap(),
        retain,
        topic,
        packet_id: if qos > 0 { Some(id) } else { None },
        payload,
    }))
}

/// Splits a byte stream into whole frames (panics on a partial tail: the client must only
/// emit whole packets).
pub fn frames(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (rl, used) = decode_remaining_length(&bytes[1..])
            .unwrap()
            .expect("whole header");
        let total = 1 + used + rl as usize;
        assert!(bytes.len() >= total, "partial frame in client output");
        out.push(bytes[..total].to_vec());
        bytes = &bytes[total..];
    }
    out
}

pub const OPTS: ConnectOptions<'static> = ConnectOptions {
    client_id: b"1234",
    keep_alive_secs: 0,
    clean_session: false,
    username: None,
    password: None,
    will: None,
};

impl<const RX: usize, const Q: usize, const ST: usize, const TX: usize, const IN: usize>
    H<RX, Q, ST, TX, IN>
{
    pub fn new(cfg: Config) -> Self {
        H {
            s: Box::new(Session::new(cfg)),
            now: 1000,
        }
    }

    /// Drains everything the client wants to send (in small pieces, to exercise splitting).
    pub fn sent(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 7];
        loop {
            let n = self.s.poll_transmit(&mut buf);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(self.s.transmit_pending(), 0);
        out
    }

    /// What the client sent, as frames, each checked to decode.
    pub fn packets(&mut self) -> Vec<Vec<u8>> {
        let f = frames(&self.sent());
        for p in &f {
            decode_packet(p).expect("client sent a malformed packet");
        }
        f
    }

    pub fn feed(&mut self, bytes: &[u8]) -> usize {
        self.s.handle_bytes(self.now, bytes)
    }

    /// Feeds everything; panics if not all bytes were consumed.
    pub fn feed_all(&mut self, bytes: &[u8]) {
        assert_eq!(self.feed(bytes), bytes.len(), "not all bytes consumed");
    }

    pub fn events(&mut self) -> Vec<Event> {
        let mut v = Vec::new();
        while let Some(e) = self.s.poll_event() {
            v.push(e);
        }
        v
    }

    pub fn tick(&mut self, ticks: u32) {
        self.now = self.now.wrapping_add(ticks);
        self.s.handle_timeout(self.now);
    }

    /// Connects with `opts` and returns the CONNECT frame.
    pub fn connect_with(&mut self, opts: &ConnectOptions<'_>) -> Vec<u8> {
        self.s.connect(self.now, opts).expect("connect");
        assert_eq!(self.s.state(), State::Connecting);
        let p = self.packets();
        assert_eq!(p.len(), 1);
        p[0].clone()
    }

    /// Connects (clean or not) and accepts the CONNACK; returns what the client sent after it.
    pub fn connected(&mut self, clean: bool) -> Vec<Vec<u8>> {
        self.events();
        self.connect_with(&ConnectOptions {
            clean_session: clean,
            ..OPTS
        });
        self.feed_all(&[0x20, 2, 0, 0]);
        assert_eq!(
            self.events(),
            vec![Event::Connected {
                session_present: false
            }]
        );
        assert_eq!(self.s.state(), State::Connected);
        self.packets()
    }

    /// Transport gone, then check the session is idle.
    pub fn closed(&mut self) -> State {
        let st = self.s.connection_closed(self.now);
        assert_eq!(self.s.state(), State::Idle);
        st
    }

    /// Everything the session holds for the connection (memory baseline check).
    pub fn footprint(&self) -> (usize, usize, usize, usize, usize, usize) {
        (
            self.s.inflight_len(),
            self.s.inflight_bytes(),
            self.s.queued_messages(),
            self.s.queued_bytes(),
            self.s.transmit_pending(),
            self.s.buffered(),
        )
    }
}
