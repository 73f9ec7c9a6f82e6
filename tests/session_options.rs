//! The opt-out cargo features of minimal firmware builds (`no-qos2`, `no-topic-check`): each
//! test checks the behaviour of the build it runs in (the default build keeps everything; the
//! minimal behaviour is tested with `cargo test --test session_options --features
//! no-qos2,no-topic-check`).
mod session_common;
use nxd_mqtt::codec::{decode_inbound, DecodeError, Packet, QoS, Will};
use nxd_mqtt::session::{CloseReason, ConnectOptions, Error, Event, State, QOS2};
use session_common::*;

#[test]
fn qos2_requests() {
    let mut h = std_session();
    h.connected(true);
    let r = h.s.publish(h.now, b"t", b"x", QoS::ExactlyOnce, false);
    let s = h.s.subscribe(h.now, b"t/#", QoS::ExactlyOnce);
    if QOS2 {
        assert_eq!(r, Ok(Some(1)));
        assert_eq!(s, Ok(2));
        assert_eq!(h.packets().len(), 2);
    } else {
        assert_eq!(r, Err(Error::InvalidParameter));
        assert_eq!(s, Err(Error::InvalidParameter));
        assert!(h.packets().is_empty(), "nothing queued");
        assert_eq!(h.s.inflight_len(), 0);
        // QoS 0 and 1 still work.
        assert_eq!(
            h.s.publish(h.now, b"t", b"x", QoS::AtLeastOnce, false),
            Ok(Some(1))
        );
        assert_eq!(h.s.subscribe(h.now, b"t/#", QoS::AtLeastOnce), Ok(2));
        assert_eq!(h.packets().len(), 2);
    }
    // A will with QoS 2.
    let mut h = std_session();
    let will = Will {
        topic: b"w",
        message: b"m",
        qos: QoS::ExactlyOnce,
        retain: false,
    };
    let options = ConnectOptions {
        will: Some(will),
        ..OPTS
    };
    let r = h.s.connect(h.now, &options);
    if QOS2 {
        assert_eq!(r, Ok(()));
    } else {
        assert_eq!(r, Err(Error::InvalidParameter));
        assert_eq!(h.s.state(), State::Idle);
    }
}

#[test]
fn inbound_qos2() {
    let mut h = std_session();
    h.connected(true);
    h.feed_all(&publish(b"t", b"x", 2, 7, false, false));
    if QOS2 {
        assert_eq!(h.events(), vec![Event::MessageReceived { queued: 1 }]);
        assert_eq!(h.packets(), vec![vec![0x50, 2, 0, 7]], "PUBREC");
    } else {
        assert_eq!(
            h.events(),
            vec![Event::CloseRequested(CloseReason::ProtocolError(
                DecodeError::InvalidQoS
            ))]
        );
        assert!(h.packets().is_empty(), "no PUBREC");
        assert_eq!(h.s.queued_messages(), 0);
    }
    // PUBREL / PUBREC / PUBCOMP only exist in QoS 2 flows.
    for ack in [[0x62, 2, 0, 7], [0x50, 2, 0, 7], [0x70, 2, 0, 7]] {
        let mut h = std_session();
        h.connected(true);
        h.feed_all(&ack);
        let events = h.events();
        if QOS2 {
            assert!(
                !events.iter().any(|e| matches!(e, Event::CloseRequested(_))),
                "{ack:?}: {events:?}"
            );
        } else {
            assert_eq!(
                events,
                vec![Event::CloseRequested(CloseReason::ProtocolError(
                    DecodeError::InvalidProtocol
                ))],
                "{ack:?}"
            );
        }
    }
}

#[test]
fn inbound_topic_check() {
    // A PUBLISH whose topic has a wildcard.
    let frame = [0x30, 5, 0, 3, b'a', b'/', b'+'];
    let decoded = decode_inbound(&frame);
    if cfg!(feature = "no-topic-check") {
        assert!(matches!(decoded, Ok(Packet::Publish(p)) if p.topic == b"a/+"));
    } else {
        assert_eq!(decoded, Err(DecodeError::InvalidTopic));
    }
}
