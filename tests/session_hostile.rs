//! Every class of spec/hostile_inputs.md at session level: scripted broker bytes → expected
//! event (close or drop), memory back to its baseline, and the session keeps working
//! (reconnect, publish, receive).
mod session_common;
use nxd_mqtt::codec::{DecodeError, PacketType, QoS};
use nxd_mqtt::session::{CloseReason, Config, DropReason, Event, GetError, State};
use session_common::*;

type Hs = H<128, 512, 512, 256, 8>;

/// A connected session holding one unacknowledged QoS 1 PUBLISH (id 1) and one received
/// message, with nothing left to send; returns it with its footprint.
fn baseline() -> (Hs, (usize, usize, usize, usize, usize, usize)) {
    let mut h: Hs = H::new(Config::DEFAULT);
    h.connected(false);
    h.s.publish(h.now, b"out", b"pending", QoS::AtLeastOnce, false)
        .unwrap();
    h.feed_all(&publish(b"in", b"queued", 0, 0, false, false));
    h.sent();
    h.events();
    let fp = h.footprint();
    assert_eq!(fp, (1, 16, 1, 12, 0, 0));
    (h, fp)
}

/// After a close request: no more input, memory at baseline after connection_closed, then a
/// non-clean reconnect resends the pending PUBLISH and the session works normally.
fn recovers(h: &mut Hs, fp: (usize, usize, usize, usize, usize, usize)) {
    assert_eq!(h.closed(), State::Connected);
    assert_eq!(h.footprint(), fp);
    let resent = h.connected(false);
    assert_eq!(resent, vec![b"\x3A\x0E\x00\x03out\x00\x01pending".to_vec()]);
    h.feed_all(&[0x40, 2, 0, 1]);
    h.feed_all(&publish(b"in", b"new", 1, 3, false, false));
    assert_eq!(
        h.events(),
        vec![
            Event::Acknowledged {
                kind: PacketType::Puback,
                packet_id: 1,
                return_code: 0
            },
            Event::MessageReceived { queued: 2 }
        ]
    );
    assert_eq!(h.sent(), vec![0x40, 2, 0, 3]);
    let (mut t, mut p) = ([0u8; 8], [0u8; 8]);
    assert_eq!(h.s.message_get(&mut t, &mut p).unwrap().payload_len, 6);
    assert_eq!(h.s.message_get(&mut t, &mut p).unwrap().payload_len, 3);
    assert_eq!(h.s.message_get(&mut t, &mut p), Err(GetError::NoMessage));
    // and back to a clean baseline
    h.closed();
    h.connected(true);
    assert_eq!(h.footprint(), (0, 0, 0, 0, 0, 0));
}

/// Feeds `bytes`; expects exactly one close request (with `want` when given).
fn closes(bytes: &[u8], want: Option<DecodeError>) {
    let (mut h, fp) = baseline();
    h.feed(bytes);
    let ev = h.events();
    match (ev.as_slice(), want) {
        ([Event::CloseRequested(CloseReason::ProtocolError(e))], Some(w)) => {
            assert_eq!(*e, w, "{bytes:02X?}")
        }
        ([Event::CloseRequested(CloseReason::ProtocolError(_))], None) => {}
        _ => panic!("{bytes:02X?}: {ev:?}"),
    }
    assert_eq!((h.s.inflight_len(), h.s.queued_messages()), (fp.0, fp.2));
    assert!(!h.s.wants_input());
    assert_eq!(h.feed(&[0x40, 2, 0, 1]), 0);
    assert_eq!(
        h.s.transmit_pending(),
        0,
        "nothing queued by malformed input"
    );
    recovers(&mut h, fp);
}

/// Feeds `bytes`; expects them to be ignored (no event, nothing sent, nothing kept).
fn ignored(bytes: &[u8]) {
    let (mut h, fp) = baseline();
    h.feed_all(bytes);
    assert_eq!(h.events(), vec![], "{bytes:02X?}");
    assert_eq!(h.footprint(), fp, "{bytes:02X?}");
    assert!(h.s.wants_input());
    recovers(&mut h, fp);
}

use DecodeError::*;

#[test]
fn class1_remaining_length() {
    closes(
        &[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
        Some(MalformedRemainingLength),
    );
    closes(
        &[0xD0, 0x80, 0x80, 0x80, 0x80, 0x01],
        Some(MalformedRemainingLength),
    );
    closes(&[0x40, 0x82, 0x00, 0, 1], Some(MalformedRemainingLength)); // non-minimal 2
    closes(&[0x30, 0x80, 0x00], Some(MalformedRemainingLength));
    // above the inbound limit: non-PUBLISH closes
    // (closed as soon as more than the reader's capacity has been skipped)
    let mut huge = vec![0x90, 0xFF, 0xFF, 0xFF, 0x7F];
    huge.extend([0u8; 200]);
    closes(&huge, Some(InvalidLength));
    let mut big_suback = vec![0x90, 0x83, 0x01, 0, 1];
    big_suback.extend([0u8; 129]);
    closes(&big_suback, Some(InvalidLength));
    // zero where a body is needed
    closes(&[0x30, 0], None);
    closes(&[0x40, 0], None);
    closes(&[0x90, 0], None);
    closes(&[0x20, 0], None);
    closes(&[0x62, 0], None);
    closes(&[0xB0, 0], None);
    closes(&[0xD0, 1, 0], None); // PINGRESP with a body
}

#[test]
fn class1_cut_mid_packet_frees_the_partial_frame() {
    for cut in [1usize, 2, 5, 20] {
        let (mut h, fp) = baseline();
        let m = publish(b"a/b", &[1; 30], 1, 7, false, false);
        h.feed_all(&m[..cut]);
        assert_eq!(h.s.buffered(), cut);
        assert!(h.events().is_empty());
        recovers(&mut h, fp);
    }
    // a huge announced length that never arrives: bounded by the reader, freed at close
    let (mut h, fp) = baseline();
    h.feed_all(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0, 1, b't']);
    h.feed_all(&[0u8; 4000]);
    assert!(h.events().is_empty());
    recovers(&mut h, fp);
}

#[test]
fn class2_malformed_publish() {
    closes(&[0x30, 3, 0, 5, b'a'], None); // topic length beyond the packet
    closes(&[0x32, 5, 0, 3, b'a', b'b', b'c'], None); // no room for the id
    closes(&[0x32, 6, 0, 3, b'a', b'b', b'c', 0], None);
    closes(&[0x30, 2, 0, 0], Some(InvalidTopic)); // empty topic
    closes(&[0x30, 4, 0, 2, b'a', 0], Some(InvalidTopic)); // U+0000
    closes(&[0x30, 5, 0, 3, 0xED, 0xA0, 0x80], Some(InvalidTopic)); // surrogate
    closes(&[0x30, 3, 0, 1, 0xFF], Some(InvalidTopic)); // not UTF-8
    closes(&[0x30, 4, 0, 2, 0xC0, 0x80], Some(InvalidTopic)); // overlong
    closes(&[0x30, 5, 0, 3, b'a', b'/', b'+'], Some(InvalidTopic));
    closes(&[0x30, 3, 0, 1, b'#'], Some(InvalidTopic));
    closes(&[0x32, 5, 0, 1, b't', 0, 0], Some(ZeroPacketId));
    closes(&[0x34, 5, 0, 1, b't', 0, 0], Some(ZeroPacketId));
    closes(&[0x36, 5, 0, 1, b't', 0, 1], Some(InvalidQoS));
    closes(&[0x38, 3, 0, 1, b't'], Some(InvalidQoS)); // DUP at QoS 0
                                                      // the same flaws in an oversize PUBLISH are caught from its prefix where possible
    let mut q3 = vec![0x36, 0x90, 0x01, 0, 1, b't', 0, 1];
    q3.extend([0u8; 141]);
    closes(&q3, Some(InvalidQoS));
    let mut id0 = vec![0x32, 0x90, 0x01, 0, 1, b't', 0, 0];
    id0.extend([0u8; 141]);
    closes(&id0, Some(ZeroPacketId));
}

#[test]
fn class3_large_publish_dropped_without_stall() {
    for qos in 0..=2u8 {
        let (mut h, fp) = baseline();
        let big = publish(b"big", &[0xAA; 3000], qos, 9, false, false);
        let small = publish(b"s", b"after", 0, 0, false, false);
        h.feed_all(&[big, small].concat());
        assert_eq!(
            h.events(),
            vec![
                Event::MessageDropped(DropReason::TooLarge),
                Event::MessageReceived { queued: 2 }
            ]
        );
        let ack = [vec![], vec![0x40, 2, 0, 9], vec![0x50, 2, 0, 9]];
        assert_eq!(h.sent(), ack[qos as usize]);
        let (mut t, mut p) = ([0u8; 8], [0u8; 8]);
        h.s.message_get(&mut t, &mut p).unwrap();
        if qos == 2 {
            h.feed_all(&[0x62, 2, 0, 9]);
            assert_eq!(h.sent(), vec![0x70, 2, 0, 9]);
            h.events();
        }
        assert_eq!(h.footprint(), (1, 16, 1, 10, 0, 0));
        h.s.message_get(&mut t, &mut p).unwrap();
        h.feed_all(&publish(b"in", b"queued", 0, 0, false, false));
        h.events();
        recovers(&mut h, fp);
    }
}

#[test]
fn class4_repeated_malformed_packet_memory_stays_at_baseline() {
    let (mut h, fp) = baseline();
    let bad = [0x32u8, 5, 0, 1, b't', 0, 0];
    for _ in 0..2000 {
        h.feed(&bad);
        assert!(matches!(
            h.events().as_slice(),
            [Event::CloseRequested(CloseReason::ProtocolError(_))]
        ));
        assert_eq!(h.closed(), State::Connected);
        assert_eq!(h.footprint(), fp);
        let resent = h.connected(false);
        assert_eq!(resent.len(), 1);
        assert_eq!(h.footprint(), fp);
    }
    // dropped oversize messages repeated: the queue does not grow
    for _ in 0..2000 {
        h.feed_all(&publish(b"t", &[0; 200], 1, 5, false, false));
        assert_eq!(
            h.events(),
            vec![Event::MessageDropped(DropReason::TooLarge)]
        );
        assert_eq!(h.sent(), vec![0x40, 2, 0, 5]);
        assert_eq!(h.footprint(), fp);
    }
    // QoS 2 duplicates repeated: one record only
    for _ in 0..2000 {
        h.feed_all(&publish(b"t", b"x", 2, 5, true, false));
        h.sent();
        h.events();
        assert_eq!(h.s.inflight_len(), 2);
        assert_eq!(h.s.queued_messages(), 2);
    }
    h.feed_all(&[0x62, 2, 0, 5]);
    h.events();
    h.sent();
    let (mut t, mut p) = ([0u8; 8], [0u8; 8]);
    assert_eq!(h.s.message_get(&mut t, &mut p).unwrap().payload_len, 6);
    assert_eq!(h.s.message_get(&mut t, &mut p).unwrap().payload_len, 1);
    h.feed_all(&publish(b"in", b"queued", 0, 0, false, false));
    h.events();
    recovers(&mut h, fp);
}

#[test]
fn class5_connack() {
    // while connected any CONNACK is a protocol error
    closes(&[0x20, 2, 0, 0], Some(InvalidProtocol));
    closes(&[0x20, 2, 0, 6], Some(InvalidProtocol));
    closes(&[0x20, 3, 0, 0, 0], None);
    closes(&[0x20, 2, 4, 0], None);
    // while connecting: see session_connect.rs (refusals, invalid, session-present)
}

#[test]
fn class6_acks() {
    closes(&[0x90, 3, 0, 1, 3], Some(InvalidReturnCode));
    closes(&[0x90, 3, 0, 1, 0x81], Some(InvalidReturnCode));
    closes(&[0x40, 3, 0, 1, 0], None);
    closes(&[0x40, 1, 0], None);
    closes(&[0x50, 3, 0, 1, 0], None);
    closes(&[0x70, 1, 1], None);
    closes(&[0xB0, 3, 0, 1, 0], None);
    closes(&[0x60, 2, 0, 1], Some(InvalidFlags)); // PUBREL must be 0x62
    closes(&[0x42, 2, 0, 1], Some(InvalidFlags));
    closes(&[0x52, 2, 0, 1], Some(InvalidFlags));
    closes(&[0x72, 2, 0, 1], Some(InvalidFlags));
    closes(&[0x92, 3, 0, 1, 0], Some(InvalidFlags));
    closes(&[0xB2, 2, 0, 1], Some(InvalidFlags));
    closes(&[0xD1, 0], Some(InvalidFlags));
    // unknown ids: ignored (PUBREL gets its PUBCOMP, see session_publish.rs)
    ignored(&[0x40, 2, 0, 2]);
    ignored(&[0x50, 2, 0, 2]);
    ignored(&[0x70, 2, 0, 2]);
    ignored(&[0x90, 3, 0, 2, 0]);
    ignored(&[0x90, 4, 0, 2, 0, 1]); // count mismatch but unknown id
    ignored(&[0xB0, 2, 0, 2]);
    ignored(&[0xD0, 0]); // PINGRESP without PINGREQ
                         // SUBACK count differs from what was requested (one filter)
    let (mut h, fp) = baseline();
    h.s.subscribe(h.now, b"s", QoS::AtLeastOnce).unwrap();
    h.sent();
    h.feed(&[0x90, 4, 0, 2, 1, 1]);
    assert_eq!(
        h.events(),
        vec![Event::CloseRequested(CloseReason::ProtocolError(
            InvalidLength
        ))]
    );
    recovers(&mut h, fp);
}

#[test]
fn class7_server_only_packets() {
    closes(
        b"\x10\x10\x00\x04MQTT\x04\x00\x00\x00\x00\x041234",
        Some(ServerOnlyPacket(PacketType::Connect)),
    );
    closes(
        &[0x82, 6, 0, 1, 0, 1, b'a', 0],
        Some(ServerOnlyPacket(PacketType::Subscribe)),
    );
    closes(
        &[0xA2, 5, 0, 1, 0, 1, b'a'],
        Some(ServerOnlyPacket(PacketType::Unsubscribe)),
    );
    closes(&[0xC0, 0], Some(ServerOnlyPacket(PacketType::Pingreq)));
    closes(&[0x00, 0], Some(ReservedPacketType));
    closes(&[0xF0, 0], Some(ReservedPacketType));
    // DISCONNECT from the broker: the original's orderly teardown
    let (mut h, fp) = baseline();
    h.feed(&[0xE0, 0]);
    assert_eq!(
        h.events(),
        vec![Event::CloseRequested(CloseReason::BrokerDisconnect)]
    );
    recovers(&mut h, fp);
}

/// Every valid inbound packet, each fed split at every byte boundary, and all of them in one
/// read: the same events and the same bytes sent.
#[test]
fn class8_every_split() {
    let mut stream = vec![];
    let packets: Vec<Vec<u8>> = vec![
        publish(b"a/b", b"zero", 0, 0, false, true),
        publish(b"a/c", b"one", 1, 0x0101, false, false),
        publish(b"a/d", &[5; 200], 2, 0x0202, false, false), // 2-byte remaining length
        publish(b"a/d", &[5; 200], 2, 0x0202, true, false),
        vec![0x62, 2, 2, 2],
        vec![0x40, 2, 0, 1],
        vec![0x50, 2, 0, 2],
        vec![0x70, 2, 0, 2],
        vec![0x90, 3, 0, 3, 2],
        vec![0xB0, 2, 0, 4],
        vec![0xD0, 0],
        publish(b"e", b"", 0, 0, false, false),
    ];
    for p in &packets {
        stream.extend_from_slice(p);
    }
    let run = |chunks: &[&[u8]]| {
        let mut h: H<256, 1024, 512, 256, 8> = H::new(Config::DEFAULT);
        h.connected(true);
        // the client's own side of the flows: ids 1..5 in flight
        h.s.publish(h.now, b"o", b"", QoS::AtLeastOnce, false)
            .unwrap();
        h.s.publish(h.now, b"o", b"", QoS::ExactlyOnce, false)
            .unwrap();
        h.s.subscribe(h.now, b"o", QoS::ExactlyOnce).unwrap();
        h.s.unsubscribe(h.now, b"o").unwrap();
        h.s.publish(h.now, b"o", b"", QoS::AtLeastOnce, false)
            .unwrap();
        h.sent();
        let mut ev = Vec::new();
        let mut out = Vec::new();
        for c in chunks {
            let mut rest = *c;
            while !rest.is_empty() {
                let k = h.feed(rest);
                rest = &rest[k..];
                ev.extend(h.events());
                out.extend(h.sent());
            }
        }
        assert_eq!(h.s.buffered(), 0);
        (ev, out, h.s.inflight_len(), h.s.queued_messages())
    };
    let whole = run(&[&stream]);
    assert_eq!(whole.0.len(), 9);
    assert_eq!(whole.2, 1, "only the last publish pending");
    assert_eq!(whole.3, 4);
    assert_eq!(
        whole.1,
        vec![0x40, 2, 1, 1, 0x50, 2, 2, 2, 0x50, 2, 2, 2, 0x70, 2, 2, 2, 0x62, 2, 0, 2]
    );
    for cut in 1..stream.len() {
        let (a, b) = stream.split_at(cut);
        assert_eq!(run(&[a, b]), whole, "split at {cut}");
    }
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    assert_eq!(run(&bytes), whole, "byte by byte");
    for size in [2, 3, 5, 7, 64] {
        let chunks: Vec<&[u8]> = stream.chunks(size).collect();
        assert_eq!(run(&chunks), whole, "chunks of {size}");
    }
    // CONNACK split
    let connack = [0x20u8, 2, 1, 0];
    for cut in 1..4 {
        let mut h = std_session();
        h.connect_with(&OPTS);
        h.feed_all(&connack[..cut]);
        assert!(h.events().is_empty());
        h.feed_all(&connack[cut..]);
        assert_eq!(
            h.events(),
            vec![Event::Connected {
                session_present: true
            }]
        );
    }
}

#[test]
fn class9_drop_after_publish_and_after_pubrel() {
    let mut h = std_session();
    h.connected(false);
    h.s.publish(h.now, b"q1", b"a", QoS::AtLeastOnce, false)
        .unwrap();
    h.s.publish(h.now, b"q2", b"b", QoS::ExactlyOnce, false)
        .unwrap();
    h.sent();
    h.closed(); // dropped after PUBLISH QoS 1
    let again = h.connected(false);
    assert_eq!(again.len(), 2);
    assert_eq!(again[0][0], 0x3A);
    assert_eq!(again[1][0], 0x3C);
    h.feed_all(&[0x50, 2, 0, 2]);
    assert_eq!(h.sent(), vec![0x62, 2, 0, 2]);
    h.closed(); // dropped after PUBREL
    let again = h.connected(false);
    assert_eq!(again, vec![again[0].clone(), vec![0x62, 2, 0, 2]]);
    assert_eq!(again[0][0], 0x3A);
}
