//! Receive queue: back-pressure, oversize drops with acknowledgement, the second-strike
//! too-small policy, event-queue back-pressure.
mod session_common;
use nxd_mqtt::codec::{PacketType, QoS};
use nxd_mqtt::session::{Config, DropReason, Event, GetError};
use session_common::*;

type Small = H<64, 100, 256, 256, 8>;

fn small() -> Small {
    let mut h = H::new(Config::DEFAULT);
    h.connected(true);
    h
}

fn get(h: &mut Small) -> Result<(Vec<u8>, Vec<u8>), GetError> {
    let (mut t, mut p) = ([0u8; 64], [0u8; 64]);
    h.s.message_get(&mut t, &mut p)
        .map(|i| (t[..i.topic_len].to_vec(), p[..i.payload_len].to_vec()))
}

#[test]
fn back_pressure_instead_of_loss() {
    let mut h = small();
    // 40-byte frames: two fit in 100 bytes, the third waits
    let msgs: Vec<Vec<u8>> = (0..5u8)
        .map(|i| publish(b"t", &[i; 33], 1, 10 + i as u16, false, false))
        .collect();
    assert_eq!(msgs[0].len(), 40);
    let stream: Vec<u8> = msgs.concat();
    let n = h.feed(&stream);
    assert_eq!(n, 120, "third frame consumed and parked");
    assert_eq!(h.s.queued_messages(), 2);
    assert!(!h.s.wants_input());
    assert_eq!(h.s.buffered(), 40);
    assert_eq!(h.feed(&stream[n..]), 0);
    assert_eq!(
        h.events(),
        vec![
            Event::MessageReceived { queued: 1 },
            Event::MessageReceived { queued: 2 }
        ]
    );
    assert_eq!(
        h.sent(),
        vec![0x40, 2, 0, 10, 0x40, 2, 0, 11],
        "parked message not acknowledged yet"
    );
    assert_eq!(get(&mut h).unwrap().1, vec![0; 33]);
    assert!(h.s.wants_input());
    // handle the parked frame without new bytes
    assert_eq!(h.feed(&[]), 0);
    assert_eq!(h.events(), vec![Event::MessageReceived { queued: 2 }]);
    assert_eq!(h.sent(), vec![0x40, 2, 0, 12]);
    let mut rest = &stream[n..];
    let mut got = vec![];
    loop {
        let k = h.feed(rest);
        rest = &rest[k..];
        match get(&mut h) {
            Ok((_, p)) => got.push(p[0]),
            Err(_) if rest.is_empty() => break,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(got, vec![1, 2, 3, 4], "nothing lost, order kept");
    assert_eq!(
        (h.s.queued_messages(), h.s.queued_bytes(), h.s.buffered()),
        (0, 0, 0)
    );
}

#[test]
fn never_fitting_publish_is_acked_and_dropped() {
    let mut h = small();
    // fits the reader (64) but not... make QUEUE smaller than RX with a dedicated size
    let mut h2: H<128, 50, 256, 256, 8> = H::new(Config::DEFAULT);
    h2.connected(true);
    let big = publish(b"t", &[9; 60], 2, 5, false, false);
    let after = publish(b"t", b"ok", 0, 0, false, false);
    h2.feed_all(&[big.clone(), after.clone()].concat());
    assert_eq!(
        h2.events(),
        vec![
            Event::MessageDropped(DropReason::TooLarge),
            Event::MessageReceived { queued: 1 }
        ]
    );
    assert_eq!(h2.sent(), vec![0x50, 2, 0, 5]);
    h2.feed_all(&big); // duplicate: PUBREC again, no second drop event
    assert!(h2.events().is_empty());
    h2.feed_all(&[0x62, 2, 0, 5]);
    assert_eq!(h2.sent(), vec![0x50, 2, 0, 5, 0x70, 2, 0, 5]);
    assert_eq!(
        h2.events(),
        vec![Event::Acknowledged {
            kind: PacketType::Pubrel,
            packet_id: 5,
            return_code: 0
        }]
    );
    assert_eq!(h2.s.inflight_len(), 0);

    // larger than the reader: skipped, acked from its prefix, no head-of-line stall
    for qos in 0..=2u8 {
        let big = publish(b"a/b", &[7; 500], qos, 0x0102, false, false);
        h.feed_all(&[big, after.clone()].concat());
        assert_eq!(
            h.events(),
            vec![
                Event::MessageDropped(DropReason::TooLarge),
                Event::MessageReceived { queued: 1 }
            ]
        );
        let acks = [vec![], vec![0x40, 2, 1, 2], vec![0x50, 2, 1, 2]];
        assert_eq!(h.sent(), acks[qos as usize]);
        assert_eq!(get(&mut h).unwrap().1, b"ok".to_vec());
        assert_eq!(h.s.buffered(), 0);
    }
    h.feed_all(&[0x62, 2, 1, 2]);
    assert_eq!(h.sent(), vec![0x70, 2, 1, 2]);
    assert_eq!(
        h.events(),
        vec![Event::Acknowledged {
            kind: PacketType::Pubrel,
            packet_id: 0x0102,
            return_code: 0
        }]
    );
    // a topic longer than the reader: the id cannot be read, dropped without ack
    let long = publish(&[b'x'; 100], b"", 1, 9, false, false);
    h.feed_all(&long);
    assert_eq!(
        h.events(),
        vec![Event::MessageDropped(DropReason::TooLarge)]
    );
    assert!(h.sent().is_empty());
    assert_eq!(h.footprint(), (0, 0, 0, 0, 0, 0));
}

#[test]
fn second_strike_too_small_policy() {
    let mut h = small();
    h.feed_all(
        &[
            publish(b"topic", b"payload!", 1, 1, false, false),
            publish(b"t2", b"p2", 0, 0, false, true),
        ]
        .concat(),
    );
    h.events();
    let (mut t, mut p) = ([0u8; 4], [0u8; 64]);
    let first = h.s.message_get(&mut t, &mut p);
    assert_eq!(
        first,
        Err(GetError::InsufficientBuffer {
            topic_len: 5,
            payload_len: 8
        })
    );
    assert_eq!(h.s.queued_messages(), 2, "first attempt keeps the message");
    assert!(h.events().is_empty());
    // second consecutive too-small attempt: dropped, the next one is returned
    let i = h.s.message_get(&mut t, &mut p).unwrap();
    assert_eq!(
        (i.topic_len, i.payload_len, i.qos, i.retain),
        (2, 2, QoS::AtMostOnce, true)
    );
    assert_eq!(&p[..2], b"p2");
    assert_eq!(
        h.events(),
        vec![Event::MessageDropped(DropReason::BufferTooSmall)]
    );
    assert_eq!(h.s.queued_messages(), 0);
    // exact fit works, one strike then a big enough buffer works
    h.feed_all(&publish(b"abcd", b"", 0, 0, false, false));
    h.feed_all(&publish(b"abcde", b"xy", 0, 0, false, false));
    h.events();
    assert_eq!(h.s.message_get(&mut t, &mut p).unwrap().topic_len, 4);
    assert!(h.s.message_get(&mut t, &mut p).is_err());
    let mut t8 = [0u8; 8];
    assert_eq!(
        h.s.message_get(&mut t8, &mut p[..2]).unwrap().payload_len,
        2
    );
    // the strike belongs to the head message: a new head starts fresh
    h.feed_all(&publish(b"abcde", b"", 0, 0, false, false));
    h.feed_all(&publish(b"abcdef", b"", 0, 0, false, false));
    assert!(h.s.message_get(&mut t, &mut p).is_err());
    assert!(
        h.s.message_get(&mut t, &mut p).is_err(),
        "first dropped, second gets its first strike"
    );
    assert_eq!(h.s.queued_messages(), 1);
    assert_eq!(h.s.message_get(&mut t8, &mut p).unwrap().topic_len, 6);
    assert_eq!(h.s.message_get(&mut t8, &mut p), Err(GetError::NoMessage));
    assert_eq!((h.s.queued_messages(), h.s.queued_bytes()), (0, 0));
}

#[test]
fn queue_survives_close_and_can_be_cleared() {
    let mut h = small();
    h.feed_all(&publish(b"t", b"kept", 0, 0, false, false));
    h.closed();
    assert_eq!(h.s.queued_messages(), 1);
    assert_eq!(get(&mut h).unwrap().1, b"kept".to_vec());
    h.connected(true);
    h.feed_all(&publish(b"t", b"x", 0, 0, false, false));
    h.s.clear_receive_queue();
    assert_eq!((h.s.queued_messages(), h.s.queued_bytes()), (0, 0));
    assert_eq!(get(&mut h), Err(GetError::NoMessage));
}

#[test]
fn event_queue_back_pressure() {
    let mut h = small();
    let one = publish(b"t", b"", 0, 0, false, false);
    h.s.subscribe(h.now, b"x", QoS::AtMostOnce).unwrap();
    let stream: Vec<u8> = (0..20).flat_map(|_| one.clone()).collect();
    let n = h.feed(&stream);
    assert!(n < stream.len(), "{n}");
    assert!(!h.s.wants_input());
    let ev = h.events();
    assert_eq!(ev.len() * one.len(), n, "one event per frame, none lost");
    assert!(h.s.wants_input());
    while h.s.message_get(&mut [0; 8], &mut [0; 8]).is_ok() {}
    let mut rest = &stream[n..];
    while !rest.is_empty() {
        let m = h.feed(rest);
        assert_eq!(m, rest.len().min(8 * one.len()), "8 frames per round");
        rest = &rest[m..];
        assert_eq!(h.events().len() * one.len(), m);
    }
    assert_eq!(h.s.queued_messages(), 12);
}

#[test]
fn transmit_queue_back_pressure_keeps_every_ack() {
    let mut h: H<64, 1024, 256, 24, 8> = H::new(Config::DEFAULT);
    h.connected(true);
    h.s.publish(h.now, b"t", &[0; 10], QoS::AtMostOnce, false)
        .unwrap(); // 15 of 24 bytes
    let stream: Vec<u8> = (1..=10u16)
        .flat_map(|i| publish(b"t", b"", 1, i, false, false))
        .collect();
    let mut rest = &stream[..];
    let mut acks = Vec::new();
    while !rest.is_empty() {
        let k = h.feed(rest);
        rest = &rest[k..];
        h.events();
        acks.extend(h.sent());
    }
    let want: Vec<u8> = [0x30u8, 13, 0, 1, b't']
        .into_iter()
        .chain([0; 10])
        .chain((1..=10u16).flat_map(|i| [0x40, 2, 0, i as u8]))
        .collect();
    assert_eq!(acks, want);
}
