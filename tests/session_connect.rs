//! CONNECT / CONNACK, state transitions, disconnect and connection_closed.
mod session_common;
use nxd_mqtt::codec::{decode_packet, DecodeError, Packet, QoS, Will};
use nxd_mqtt::session::{CloseReason, Config, ConnackError, ConnectOptions, Error, Event, State};
use session_common::*;

#[test]
fn connect_bytes_match_the_original() {
    let mut h = std_session();
    let c = h.connect_with(&OPTS);
    assert_eq!(
        c,
        b"\x10\x10\x00\x04MQTT\x04\x00\x00\x00\x00\x041234".to_vec()
    );
    let mut h = std_session();
    let c = h.connect_with(&ConnectOptions {
        username: Some(b""),
        password: Some(b""),
        keep_alive_secs: 60,
        clean_session: true,
        ..OPTS
    });
    assert_eq!(
        c,
        b"\x10\x14\x00\x04MQTT\x04\xC2\x00\x3C\x00\x041234\x00\x00\x00\x00".to_vec()
    );
    let mut h = std_session();
    let will = Will {
        topic: b"wt",
        message: b"wm",
        qos: QoS::AtLeastOnce,
        retain: true,
    };
    let c = h.connect_with(&ConnectOptions {
        will: Some(will),
        ..OPTS
    });
    assert_eq!(c[9], 0x2C);
    match decode_packet(&c).unwrap() {
        Packet::Connect(cp) => assert_eq!(cp.will, Some(will)),
        p => panic!("{p:?}"),
    }
}

#[test]
fn will_topic_is_sent_unvalidated() {
    // As the original: a will topic with wildcards, U+0000 or invalid UTF-8 goes out as given.
    let mut h = std_session();
    let opts = ConnectOptions {
        will: Some(Will {
            topic: b"w/#\0\xFF",
            message: b"m",
            qos: QoS::AtMostOnce,
            retain: false,
        }),
        ..OPTS
    };
    assert_eq!(h.s.connect(h.now, &opts), Ok(()));
    let c = h.sent();
    assert_eq!(
        c,
        b"\x10\x1A\x00\x04MQTT\x04\x04\x00\x00\x00\x041234\x00\x05w/#\x00\xFF\x00\x01m".to_vec()
    );
    assert_eq!(h.s.state(), State::Connecting);
}

#[test]
fn connack_accepted_and_session_present() {
    let mut h = std_session();
    h.connect_with(&OPTS);
    assert!(h.s.wants_input());
    h.feed_all(&[0x20, 2, 1, 0]);
    assert_eq!(
        h.events(),
        vec![Event::Connected {
            session_present: true
        }]
    );
    assert_eq!(h.s.state(), State::Connected);
}

#[test]
fn every_refusal_code_is_mapped() {
    for rc in 1..=5u8 {
        let mut h = std_session();
        h.connect_with(&OPTS);
        h.feed_all(&[0x20, 2, 0, rc]);
        let r = ConnackError::Refused(rc);
        assert_eq!(
            h.events(),
            vec![
                Event::ConnectFailed(r),
                Event::CloseRequested(CloseReason::ConnectFailed(r))
            ]
        );
        assert!(!h.s.wants_input());
        assert_eq!(
            h.feed(&[0x20, 2, 0, 0]),
            0,
            "nothing consumed after a close request"
        );
        assert_eq!(h.closed(), State::Connecting);
        // retry works
        h.connected(false);
    }
}

fn invalid_connack(bytes: &[u8], clean: bool) {
    let mut h = std_session();
    h.connect_with(&ConnectOptions {
        clean_session: clean,
        ..OPTS
    });
    h.feed(bytes);
    let r = ConnackError::Invalid;
    assert_eq!(
        h.events(),
        vec![
            Event::ConnectFailed(r),
            Event::CloseRequested(CloseReason::ConnectFailed(r))
        ],
        "{bytes:02X?}"
    );
    assert_eq!(h.closed(), State::Connecting);
    assert_eq!(h.s.buffered(), 0);
    h.connected(clean);
}

#[test]
fn invalid_connacks() {
    invalid_connack(&[0x20, 2, 0, 6], false); // rc above 5
    invalid_connack(&[0x20, 2, 0, 0xFF], false);
    invalid_connack(&[0x20, 2, 0x0B, 0], true); // session present (reserved bits ignored)
    invalid_connack(&[0x20, 2, 1, 0], true); // session present after clean request
    invalid_connack(&[0x20, 3, 0, 0, 0], false); // length 3
    invalid_connack(&[0x20, 1, 0], false); // length 1
    invalid_connack(&[0x20, 0], false); // no body
    invalid_connack(&[0x21, 2, 0, 0], false); // flags in the fixed header
}

/// Reserved acknowledge-flag bits are ignored, as by the original (NetX Duo's TLS regression
/// tests send an uninitialised flags byte); the session-present bit still counts.
#[test]
fn connack_reserved_flag_bits_ignored() {
    let mut h = std_session();
    h.connect_with(&OPTS);
    h.feed(&[0x20, 2, 0x08, 0]);
    assert_eq!(
        h.events(),
        vec![Event::Connected {
            session_present: false
        }]
    );
    assert_eq!(h.s.state(), State::Connected);
}

#[test]
fn truncated_connack_waits_then_cut() {
    let mut h = std_session();
    h.connect_with(&OPTS);
    h.feed_all(&[0x20, 2, 0]);
    assert!(h.events().is_empty());
    assert_eq!(h.s.buffered(), 3);
    assert_eq!(h.closed(), State::Connecting);
    assert_eq!(h.s.buffered(), 0);
    h.connected(false);
}

#[test]
fn connack_coalesced_with_following_data_is_accepted() {
    // spec [BUG] 5: the original rejects this.
    let mut h = std_session();
    h.connect_with(&OPTS);
    let mut bytes = vec![0x20, 2, 1, 0];
    bytes.extend(publish(b"a/b", b"hello", 1, 7, false, false));
    bytes.extend(publish(b"a/c", b"x", 0, 0, false, true));
    h.feed_all(&bytes);
    assert_eq!(
        h.events(),
        vec![
            Event::Connected {
                session_present: true
            },
            Event::MessageReceived { queued: 1 },
            Event::MessageReceived { queued: 2 }
        ]
    );
    assert_eq!(h.sent(), vec![0x40, 2, 0, 7]);
}

#[test]
fn packet_before_connack_fails_the_connect() {
    let mut h = std_session();
    h.connect_with(&OPTS);
    h.feed_all(&publish(b"t", b"p", 0, 0, false, false));
    assert_eq!(
        h.events(),
        vec![
            Event::ConnectFailed(ConnackError::Invalid),
            Event::CloseRequested(CloseReason::ProtocolError(DecodeError::InvalidProtocol))
        ]
    );
    assert_eq!(h.s.queued_messages(), 0);
    assert_eq!(h.closed(), State::Connecting);
}

#[test]
fn second_connack_is_a_protocol_error() {
    let mut h = std_session();
    h.connected(false);
    h.feed_all(&[0x20, 2, 0, 0]);
    assert_eq!(
        h.events(),
        vec![Event::CloseRequested(CloseReason::ProtocolError(
            DecodeError::InvalidProtocol
        ))]
    );
    assert_eq!(h.closed(), State::Connected);
}

#[test]
fn connect_state_errors() {
    let mut h = std_session();
    h.connect_with(&OPTS);
    assert_eq!(h.s.connect(h.now, &OPTS), Err(Error::Connecting));
    h.feed_all(&[0x20, 2, 0, 0]);
    assert_eq!(h.s.connect(h.now, &OPTS), Err(Error::AlreadyConnected));
    let mut h = std_session();
    let bad = ConnectOptions {
        keep_alive_secs: 65_536,
        ..OPTS
    };
    assert_eq!(h.s.connect(h.now, &bad), Err(Error::InvalidParameter));
    let long = vec![b'a'; 70_000];
    let bad = ConnectOptions {
        client_id: &long,
        ..OPTS
    };
    assert_eq!(h.s.connect(h.now, &bad), Err(Error::InvalidParameter));
    let will = Will {
        topic: b"",
        message: b"",
        qos: QoS::AtMostOnce,
        retain: false,
    };
    let bad = ConnectOptions {
        will: Some(will),
        ..OPTS
    };
    assert_eq!(h.s.connect(h.now, &bad), Err(Error::InvalidParameter));
    let big = vec![b'a'; 600];
    let bad = ConnectOptions {
        client_id: &big,
        ..OPTS
    };
    assert_eq!(h.s.connect(h.now, &bad), Err(Error::TooLarge));
    assert_eq!(h.s.state(), State::Idle);
    assert_eq!(h.s.transmit_pending(), 0);
    // Idle: commands refused, input ignored
    assert_eq!(
        h.s.publish(h.now, b"t", b"p", QoS::AtMostOnce, false),
        Err(Error::NotConnected)
    );
    assert_eq!(
        h.s.subscribe(h.now, b"t", QoS::AtMostOnce),
        Err(Error::NotConnected)
    );
    assert_eq!(h.s.unsubscribe(h.now, b"t"), Err(Error::NotConnected));
    assert!(!h.s.wants_input());
    assert_eq!(h.feed(&[0x20, 2, 0, 0]), 0);
    assert_eq!(h.s.connection_closed(h.now), State::Idle);
}

#[test]
fn disconnect_queues_disconnect_and_halts() {
    let mut h = std_session();
    h.connected(false);
    h.s.disconnect(h.now);
    assert_eq!(h.sent(), vec![0xE0, 0]);
    assert!(!h.s.wants_input());
    assert_eq!(
        h.s.publish(h.now, b"t", b"p", QoS::AtMostOnce, false),
        Err(Error::NotConnected)
    );
    h.s.disconnect(h.now);
    assert_eq!(h.s.transmit_pending(), 0, "one DISCONNECT only");
    assert!(h.events().is_empty());
    assert_eq!(h.closed(), State::Connected);
    // idle: disconnect does nothing
    h.s.disconnect(h.now);
    assert_eq!(h.s.transmit_pending(), 0);
    // while connecting
    h.connect_with(&OPTS);
    h.s.disconnect(h.now);
    assert_eq!(h.sent(), vec![0xE0, 0]);
    assert_eq!(h.closed(), State::Connecting);
}

#[test]
fn broker_disconnect_closes() {
    let mut h = std_session();
    h.connected(false);
    h.feed(&[0xE0, 0, 0x20]);
    assert_eq!(
        h.events(),
        vec![Event::CloseRequested(CloseReason::BrokerDisconnect)]
    );
    assert_eq!(h.closed(), State::Connected);
}

#[test]
fn connection_closed_drops_unsent_bytes_and_partial_frames() {
    let mut h = std_session();
    h.connected(false);
    h.s.publish(h.now, b"t", b"p", QoS::AtMostOnce, false)
        .unwrap();
    h.feed_all(&[0x30, 10, 0]);
    assert!(h.s.transmit_pending() > 0);
    assert_eq!(h.s.buffered(), 3);
    assert_eq!(h.closed(), State::Connected);
    assert_eq!(h.footprint(), (0, 0, 0, 0, 0, 0));
    // the next connection starts clean: the partial frame is not glued to new data
    h.connected(false);
}

#[test]
fn initial_packet_id_config() {
    let h: Std = H::new(Config {
        initial_packet_id: 0,
        ..Config::DEFAULT
    });
    assert_eq!(h.s.next_packet_id(), 1);
    let mut h: Std = H::new(Config {
        initial_packet_id: 500,
        ..Config::DEFAULT
    });
    h.connected(true);
    assert_eq!(h.s.subscribe(h.now, b"a", QoS::AtMostOnce), Ok(500));
}
