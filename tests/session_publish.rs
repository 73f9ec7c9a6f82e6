//! PUBLISH flows (QoS 0/1/2 both ways), SUBSCRIBE/UNSUBSCRIBE, packet ids, the in-flight
//! store and resend on reconnect.
mod session_common;
use nxd_mqtt::codec::{PacketType, QoS};
use nxd_mqtt::session::{Config, Error, Event, MessageInfo, State};
use session_common::*;

fn ack(kind: PacketType, packet_id: u16, return_code: u8) -> Event {
    Event::Acknowledged {
        kind,
        packet_id,
        return_code,
    }
}

#[test]
fn publish_qos0_exact_bytes() {
    let mut h = std_session();
    h.connected(true);
    assert_eq!(
        h.s.publish(h.now, b"topic", b"msg", QoS::AtMostOnce, false),
        Ok(None)
    );
    assert_eq!(h.sent(), b"\x30\x0A\x00\x05topicmsg".to_vec());
    assert_eq!(
        h.s.publish(h.now, b"t", b"", QoS::AtMostOnce, true),
        Ok(None)
    );
    assert_eq!(h.sent(), b"\x31\x03\x00\x01t".to_vec());
    assert_eq!(h.s.inflight_len(), 0);
}

#[test]
fn publish_qos1_flow() {
    let mut h = std_session();
    h.connected(true);
    assert_eq!(
        h.s.publish(h.now, b"topic", b"msg", QoS::AtLeastOnce, false),
        Ok(Some(1))
    );
    assert_eq!(h.sent(), b"\x32\x0C\x00\x05topic\x00\x01msg".to_vec());
    assert_eq!(h.s.inflight_len(), 1);
    assert_eq!(h.s.inflight_bytes(), 14);
    h.feed_all(&[0x40, 2, 0, 9]); // unknown id: ignored
    h.feed_all(&[0x50, 2, 0, 1]); // PUBREC for a QoS 1 publish: ignored
    h.feed_all(&[0x70, 2, 0, 1]); // PUBCOMP: ignored
    assert!(h.events().is_empty());
    assert_eq!(h.s.inflight_len(), 1);
    assert_eq!(h.s.transmit_pending(), 0);
    h.feed_all(&[0x40, 2, 0, 1]);
    assert_eq!(h.events(), vec![ack(PacketType::Puback, 1, 0)]);
    assert_eq!((h.s.inflight_len(), h.s.inflight_bytes()), (0, 0));
    h.feed_all(&[0x40, 2, 0, 1]); // duplicate PUBACK: ignored
    assert!(h.events().is_empty());
}

#[test]
fn publish_qos2_flow() {
    let mut h = std_session();
    h.connected(true);
    assert_eq!(
        h.s.publish(h.now, b"t", b"m", QoS::ExactlyOnce, true),
        Ok(Some(1))
    );
    assert_eq!(h.sent(), vec![0x35, 6, 0, 1, b't', 0, 1, b'm']);
    h.feed_all(&[0x40, 2, 0, 1]); // PUBACK for QoS 2: ignored
    h.feed_all(&[0x70, 2, 0, 1]); // PUBCOMP before PUBREC: ignored
    assert!(h.events().is_empty());
    assert_eq!(h.s.inflight_bytes(), 8);
    h.feed_all(&[0x50, 2, 0, 1]);
    assert_eq!(h.sent(), vec![0x62, 2, 0, 1]);
    assert_eq!(
        (h.s.inflight_len(), h.s.inflight_bytes()),
        (1, 0),
        "PUBLISH copy replaced by a PUBREL record"
    );
    h.feed_all(&[0x50, 2, 0, 1]); // duplicate PUBREC: PUBREL again
    assert_eq!(h.sent(), vec![0x62, 2, 0, 1]);
    assert!(h.events().is_empty());
    h.feed_all(&[0x70, 2, 0, 1]);
    assert_eq!(h.events(), vec![ack(PacketType::Pubcomp, 1, 0)]);
    assert_eq!(h.s.inflight_len(), 0);
    h.feed_all(&[0x70, 2, 0, 1]);
    assert!(h.events().is_empty());
}

#[test]
fn receive_qos0_qos1() {
    let mut h = std_session();
    h.connected(true);
    let mut both = publish(b"a/b", b"zero", 0, 0, false, false);
    both.extend(publish(b"a/c", b"one", 1, 0xBEEF, false, true));
    h.feed_all(&both);
    assert_eq!(
        h.events(),
        vec![
            Event::MessageReceived { queued: 1 },
            Event::MessageReceived { queued: 2 }
        ]
    );
    assert_eq!(h.sent(), vec![0x40, 2, 0xBE, 0xEF]);
    let (mut t, mut p) = ([0u8; 16], [0u8; 16]);
    let i = h.s.message_get(&mut t, &mut p).unwrap();
    assert_eq!(
        i,
        MessageInfo {
            topic_len: 3,
            payload_len: 4,
            qos: QoS::AtMostOnce,
            retain: false
        }
    );
    assert_eq!((&t[..3], &p[..4]), (&b"a/b"[..], &b"zero"[..]));
    let i = h.s.message_get(&mut t, &mut p).unwrap();
    assert_eq!(
        i,
        MessageInfo {
            topic_len: 3,
            payload_len: 3,
            qos: QoS::AtLeastOnce,
            retain: true
        }
    );
    assert_eq!((&t[..3], &p[..3]), (&b"a/c"[..], &b"one"[..]));
    assert_eq!(
        h.s.message_get(&mut t, &mut p),
        Err(nxd_mqtt::session::GetError::NoMessage)
    );
    assert_eq!((h.s.queued_messages(), h.s.queued_bytes()), (0, 0));
    // QoS 1 duplicates are delivered again (at least once)
    h.feed_all(&publish(b"a", b"1", 1, 5, false, false));
    h.feed_all(&publish(b"a", b"1", 1, 5, true, false));
    assert_eq!(h.s.queued_messages(), 2);
    assert_eq!(h.sent(), vec![0x40, 2, 0, 5, 0x40, 2, 0, 5]);
}

#[test]
fn receive_qos2_exactly_once() {
    let mut h = std_session();
    h.connected(true);
    let m = publish(b"q2", b"once", 2, 0x1234, false, false);
    h.feed_all(&m);
    assert_eq!(h.events(), vec![Event::MessageReceived { queued: 1 }]);
    assert_eq!(h.sent(), vec![0x50, 2, 0x12, 0x34]);
    assert_eq!(h.s.inflight_len(), 1);
    // duplicates (with or without DUP) are not queued again but get PUBREC again
    h.feed_all(&m);
    h.feed_all(&publish(b"q2", b"once", 2, 0x1234, true, false));
    assert!(h.events().is_empty());
    assert_eq!(h.s.queued_messages(), 1);
    assert_eq!(h.s.inflight_len(), 1, "one record per id");
    assert_eq!(h.sent(), vec![0x50, 2, 0x12, 0x34, 0x50, 2, 0x12, 0x34]);
    // PUBREL: PUBCOMP with the full id, record released
    h.feed_all(&[0x62, 2, 0x12, 0x34]);
    assert_eq!(h.events(), vec![ack(PacketType::Pubrel, 0x1234, 0)]);
    assert_eq!(h.sent(), vec![0x70, 2, 0x12, 0x34]);
    assert_eq!(h.s.inflight_len(), 0);
    // a new PUBLISH with the same id after PUBREL is a new message
    h.feed_all(&m);
    assert_eq!(h.events(), vec![Event::MessageReceived { queued: 2 }]);
    let (mut t, mut p) = ([0u8; 8], [0u8; 8]);
    assert_eq!(
        h.s.message_get(&mut t, &mut p).unwrap().qos,
        QoS::ExactlyOnce
    );
}

#[test]
fn pubrel_for_unknown_id_gets_pubcomp() {
    let mut h = std_session();
    h.connected(true);
    h.feed_all(&[0x62, 2, 0xAB, 0xCD]);
    assert_eq!(h.sent(), vec![0x70, 2, 0xAB, 0xCD]);
    assert!(h.events().is_empty());
    assert_eq!(h.s.inflight_len(), 0);
}

#[test]
fn inbound_qos2_id_survives_reconnect() {
    let mut h = std_session();
    h.connected(false);
    h.feed_all(&publish(b"q", b"x", 2, 77, false, false));
    h.sent();
    h.closed();
    h.connected(false);
    h.feed_all(&publish(b"q", b"x", 2, 77, true, false));
    assert!(
        h.events().is_empty(),
        "duplicate after reconnect not delivered again"
    );
    assert_eq!(h.sent(), vec![0x50, 2, 0, 77]);
    h.feed_all(&[0x62, 2, 0, 77]);
    assert_eq!(h.events(), vec![ack(PacketType::Pubrel, 77, 0)]);
    assert_eq!(h.s.queued_messages(), 1);
    // clean session discards the inbound id
    h.feed_all(&publish(b"q", b"x", 2, 78, false, false));
    h.closed();
    h.connected(true);
    assert_eq!(h.s.inflight_len(), 0);
}

#[test]
fn subscribe_unsubscribe_flows() {
    let mut h = std_session();
    h.connected(true);
    assert_eq!(h.s.subscribe(h.now, b"a/#", QoS::AtLeastOnce), Ok(1));
    assert_eq!(h.sent(), vec![0x82, 8, 0, 1, 0, 3, b'a', b'/', b'#', 1]);
    assert_eq!(h.s.unsubscribe(h.now, b"a/#"), Ok(2));
    assert_eq!(h.sent(), vec![0xA2, 7, 0, 2, 0, 3, b'a', b'/', b'#']);
    assert_eq!(h.s.subscribe(h.now, b"x", QoS::ExactlyOnce), Ok(3));
    h.sent();
    h.feed_all(&[0x90, 3, 0, 9, 0]); // unknown id
    h.feed_all(&[0xB0, 2, 0, 1]); // UNSUBACK with a SUBSCRIBE's id
    assert!(h.events().is_empty());
    h.feed_all(&[0x90, 3, 0, 1, 1]);
    h.feed_all(&[0x90, 3, 0, 3, 0x80]);
    h.feed_all(&[0xB0, 2, 0, 2]);
    assert_eq!(
        h.events(),
        vec![
            ack(PacketType::Suback, 1, 1),
            ack(PacketType::Suback, 3, 0x80),
            ack(PacketType::Unsuback, 2, 0)
        ]
    );
    assert_eq!(h.s.inflight_len(), 0);
    assert_eq!(
        h.s.subscribe(h.now, b"", QoS::AtMostOnce),
        Err(Error::InvalidParameter)
    );
    assert_eq!(h.s.unsubscribe(h.now, b""), Err(Error::InvalidParameter));
    assert_eq!(
        h.s.publish(h.now, b"", b"", QoS::AtMostOnce, false),
        Err(Error::InvalidParameter)
    );
}

#[test]
fn subscribe_records_dropped_on_close() {
    let mut h = std_session();
    h.connected(false);
    h.s.subscribe(h.now, b"a", QoS::AtMostOnce).unwrap();
    h.s.publish(h.now, b"a", b"p", QoS::AtLeastOnce, false)
        .unwrap();
    h.s.unsubscribe(h.now, b"a").unwrap();
    assert_eq!(h.s.inflight_len(), 3);
    h.closed();
    assert_eq!(h.s.inflight_len(), 1, "only the PUBLISH survives");
}

#[test]
fn packet_id_wraps_and_skips_in_flight_ids() {
    let mut h = std_session();
    h.connected(true);
    h.s.set_next_packet_id(0xFFFF);
    assert_eq!(
        h.s.publish(h.now, b"t", b"", QoS::AtLeastOnce, false),
        Ok(Some(0xFFFF))
    );
    assert_eq!(h.s.next_packet_id(), 1);
    assert_eq!(
        h.s.publish(h.now, b"t", b"", QoS::AtLeastOnce, false),
        Ok(Some(1))
    );
    assert_eq!(h.s.subscribe(h.now, b"t", QoS::AtMostOnce), Ok(2));
    // ids 0xFFFF, 1, 2 in flight: going round again skips them
    h.s.set_next_packet_id(0xFFFF);
    assert_eq!(
        h.s.publish(h.now, b"t", b"", QoS::ExactlyOnce, false),
        Ok(Some(3))
    );
    h.s.set_next_packet_id(0);
    assert_eq!(h.s.next_packet_id(), 1);
    assert_eq!(h.s.unsubscribe(h.now, b"t"), Ok(4));
    // a PUBREL record still holds its id
    h.sent();
    h.feed_all(&[0x50, 2, 0, 3]);
    h.s.set_next_packet_id(3);
    assert_eq!(h.s.subscribe(h.now, b"t", QoS::AtMostOnce), Ok(5));
    // inbound QoS 2 ids are the broker's: they do not block ours
    h.feed_all(&publish(b"q", b"", 2, 6, false, false));
    h.s.set_next_packet_id(6);
    assert_eq!(h.s.subscribe(h.now, b"t", QoS::AtMostOnce), Ok(6));
}

#[test]
fn id_wrap_over_the_whole_space_never_yields_zero() {
    let mut h: H<64, 64, 256, 256, 4> = H::new(Config::DEFAULT);
    h.connected(true);
    let mut last = 0u16;
    for i in 0..70_000u32 {
        let id = h.s.subscribe(h.now, b"t", QoS::AtMostOnce).unwrap();
        assert_ne!(id, 0);
        if i > 0 {
            assert_eq!(id, if last == 0xFFFF { 1 } else { last + 1 });
        }
        last = id;
        h.sent();
        h.feed_all(&[0x90, 3, (id >> 8) as u8, id as u8, 0]);
        h.events();
    }
}

#[test]
fn ids_continue_after_connack_while_records_pending() {
    // spec [BUG] 8: the original resets to 1 and reuses the id of a pending message
    let mut h = std_session();
    h.connected(false);
    h.s.publish(h.now, b"t", b"a", QoS::AtLeastOnce, false)
        .unwrap(); // id 1
    h.closed();
    let resent = h.connected(false);
    assert_eq!(resent.len(), 1);
    assert_eq!(
        h.s.publish(h.now, b"t", b"b", QoS::AtLeastOnce, false),
        Ok(Some(2))
    );
    h.feed_all(&[0x40, 2, 0, 1, 0x40, 2, 0, 2]);
    h.closed();
    h.sent();
    // store empty: back to the initial id, as the original
    h.connected(false);
    assert_eq!(h.s.next_packet_id(), 1);
}

#[test]
fn inflight_full_and_max_inflight() {
    let mut h: H<256, 1024, 1024, 512, 4> = H::new(Config::DEFAULT);
    h.connected(true);
    for i in 1..=4u16 {
        assert_eq!(
            h.s.publish(h.now, b"t", b"p", QoS::AtLeastOnce, false),
            Ok(Some(i))
        );
    }
    assert_eq!(
        h.s.publish(h.now, b"t", b"p", QoS::AtLeastOnce, false),
        Err(Error::InflightFull)
    );
    assert_eq!(
        h.s.subscribe(h.now, b"t", QoS::AtLeastOnce),
        Err(Error::InflightFull)
    );
    assert_eq!(
        h.s.publish(h.now, b"t", b"p", QoS::AtMostOnce, false),
        Ok(None),
        "QoS 0 unaffected"
    );
    h.sent();
    h.feed_all(&[0x40, 2, 0, 2]);
    assert_eq!(
        h.s.publish(h.now, b"t", b"p", QoS::AtLeastOnce, false),
        Ok(Some(5))
    );

    let mut h: H<256, 1024, 1024, 512, 8> = H::new(Config {
        max_inflight: 2,
        ..Config::DEFAULT
    });
    h.connected(true);
    h.s.publish(h.now, b"t", b"p", QoS::AtLeastOnce, false)
        .unwrap();
    h.s.subscribe(h.now, b"t", QoS::AtLeastOnce).unwrap();
    assert_eq!(h.s.unsubscribe(h.now, b"t"), Err(Error::InflightFull));
}

#[test]
fn store_bytes_full_and_too_large() {
    let mut h: H<256, 256, 40, 64, 8> = H::new(Config::DEFAULT);
    h.connected(true);
    let p15 = [7u8; 15];
    assert_eq!(
        h.s.publish(h.now, b"t", &p15, QoS::AtLeastOnce, false),
        Ok(Some(1))
    ); // 22 bytes
    assert_eq!(
        h.s.publish(h.now, b"t", &p15, QoS::AtLeastOnce, false),
        Err(Error::InflightFull)
    );
    assert_eq!(
        h.s.publish(h.now, b"t", &[0; 40], QoS::AtLeastOnce, false),
        Err(Error::TooLarge)
    );
    assert_eq!(
        h.s.publish(h.now, b"t", &[0; 60], QoS::AtMostOnce, false),
        Err(Error::TooLarge),
        "above TX"
    );
    // transmit queue full: flush and retry
    assert_eq!(
        h.s.publish(h.now, b"t", &[1; 30], QoS::AtMostOnce, false),
        Ok(None)
    );
    assert_eq!(
        h.s.publish(h.now, b"t", &[1; 30], QoS::AtMostOnce, false),
        Err(Error::TransmitFull)
    );
    h.sent();
    assert_eq!(
        h.s.publish(h.now, b"t", &[1; 30], QoS::AtMostOnce, false),
        Ok(None)
    );
    assert_eq!(h.s.inflight_len(), 1);
    let big = vec![b'a'; 70_000];
    assert_eq!(
        h.s.publish(h.now, &big, b"", QoS::AtMostOnce, false),
        Err(Error::InvalidParameter)
    );
}

#[test]
fn resend_on_reconnect_qos1_qos2_in_order() {
    let mut h = std_session();
    h.connected(false);
    h.s.publish(h.now, b"a", b"1", QoS::AtLeastOnce, false)
        .unwrap(); // 1
    h.s.publish(h.now, b"b", b"2", QoS::ExactlyOnce, true)
        .unwrap(); // 2
    h.s.publish(h.now, b"c", b"3", QoS::ExactlyOnce, false)
        .unwrap(); // 3
    h.s.publish(h.now, b"d", b"4", QoS::AtLeastOnce, false)
        .unwrap(); // 4
    h.s.subscribe(h.now, b"s", QoS::AtMostOnce).unwrap(); // 5 (dropped on close)
    h.feed_all(&publish(b"in", b"", 2, 40, false, false)); // inbound QoS 2 (not resent)
    h.sent();
    h.feed_all(&[0x50, 2, 0, 2]); // PUBREC for 2 → PUBREL 2
    assert_eq!(h.sent(), vec![0x62, 2, 0, 2]);
    h.closed();
    let again = h.connected(false);
    assert_eq!(
        again,
        vec![
            vec![0x3A, 6, 0, 1, b'a', 0, 1, b'1'],
            vec![0x62, 2, 0, 2],
            vec![0x3C, 6, 0, 1, b'c', 0, 3, b'3'],
            vec![0x3A, 6, 0, 1, b'd', 0, 4, b'4'],
        ]
    );
    // the flows complete after the resend
    h.feed_all(&[0x40, 2, 0, 1, 0x70, 2, 0, 2, 0x50, 2, 0, 3, 0x40, 2, 0, 4]);
    assert_eq!(h.sent(), vec![0x62, 2, 0, 3]);
    h.feed_all(&[0x70, 2, 0, 3, 0x62, 2, 0, 40]);
    assert_eq!(
        h.events(),
        vec![
            ack(PacketType::Puback, 1, 0),
            ack(PacketType::Pubcomp, 2, 0),
            ack(PacketType::Puback, 4, 0),
            ack(PacketType::Pubcomp, 3, 0),
            ack(PacketType::Pubrel, 40, 0)
        ]
    );
    assert_eq!(h.s.inflight_len(), 0);
    // resent twice if the connection drops again before the acks
    h.s.publish(h.now, b"z", b"", QoS::AtLeastOnce, false)
        .unwrap();
    h.closed();
    assert_eq!(h.connected(false), vec![vec![0x3A, 5, 0, 1, b'z', 0, 6]]);
    h.closed();
    assert_eq!(h.connected(false), vec![vec![0x3A, 5, 0, 1, b'z', 0, 6]]);
}

#[test]
fn resend_larger_than_transmit_queue_is_paced() {
    let mut h: H<256, 256, 512, 32, 16> = H::new(Config::DEFAULT);
    h.connected(false);
    let mut want = Vec::new();
    for i in 0..10u8 {
        let id =
            h.s.publish(h.now, b"t", &[i; 20], QoS::AtLeastOnce, false)
                .unwrap()
                .unwrap();
        let mut f = publish(b"t", &[i; 20], 1, id, true, false);
        assert_eq!(h.sent()[1..], f[1..]);
        f[0] = 0x3A;
        want.push(f);
    }
    h.closed();
    h.connect_with(&OPTS);
    h.feed_all(&[0x20, 2, 1, 0]);
    assert_eq!(
        h.events(),
        vec![Event::Connected {
            session_present: true
        }]
    );
    assert!(h.s.transmit_pending() > 0);
    // no new commands until the resend has gone out
    assert_eq!(
        h.s.publish(h.now, b"t", b"", QoS::AtMostOnce, false),
        Err(Error::TransmitFull)
    );
    // acks while resending: a record not yet resent is acknowledged (no longer resent)
    h.feed_all(&[0x40, 2, 0, 9]);
    assert_eq!(h.events(), vec![ack(PacketType::Puback, 9, 0)]);
    want.remove(8);
    assert_eq!(h.packets(), want);
    assert_eq!(
        h.s.publish(h.now, b"t", b"", QoS::AtMostOnce, false),
        Ok(None)
    );
}

#[test]
fn clean_session_discards_the_store() {
    let mut h = std_session();
    h.connected(false);
    h.s.publish(h.now, b"a", b"1", QoS::AtLeastOnce, false)
        .unwrap();
    h.s.publish(h.now, b"a", b"2", QoS::ExactlyOnce, false)
        .unwrap();
    h.closed();
    assert_eq!(h.s.inflight_len(), 2);
    assert!(h.connected(true).is_empty(), "nothing resent");
    assert_eq!(h.s.inflight_len(), 0);
    assert_eq!(h.s.inflight_bytes(), 0);
    assert_eq!(h.s.next_packet_id(), 1);
}

#[test]
fn clear_inflight_and_state_after_close() {
    let mut h = std_session();
    h.connected(false);
    h.s.publish(h.now, b"a", b"1", QoS::AtLeastOnce, false)
        .unwrap();
    h.s.clear_inflight();
    assert_eq!((h.s.inflight_len(), h.s.inflight_bytes()), (0, 0));
    assert_eq!(h.closed(), State::Connected);
}

#[test]
fn outbound_topics_and_filters_are_sent_unvalidated() {
    // As the original: wildcards, U+0000 and invalid UTF-8 go out as given (the broker
    // decides); only empty and longer-than-65,535-byte fields are refused.
    let mut h = std_session();
    h.connected(true);
    for t in [&b"a/+"[..], b"#", b"a\0b", b"\xFF", b"\xED\xA0\x80"] {
        assert_eq!(
            h.s.publish(h.now, t, b"", QoS::AtMostOnce, false),
            Ok(None),
            "{t:?}"
        );
        let mut want = vec![0x30, 2 + t.len() as u8, 0, t.len() as u8];
        want.extend_from_slice(t);
        assert_eq!(h.sent(), want, "{t:?}");
    }
    let mut id = 1;
    for f in [&b"a/#/b"[..], b"a+", b"#a", b"\xFF", b"+/a/#"] {
        assert_eq!(h.s.subscribe(h.now, f, QoS::AtMostOnce), Ok(id), "{f:?}");
        let mut want = vec![0x82, 5 + f.len() as u8, 0, id as u8, 0, f.len() as u8];
        want.extend_from_slice(f);
        want.push(0);
        assert_eq!(h.sent(), want, "{f:?}");
        assert_eq!(h.s.unsubscribe(h.now, f), Ok(id + 1), "{f:?}");
        let mut want = vec![0xA2, 4 + f.len() as u8, 0, id as u8 + 1, 0, f.len() as u8];
        want.extend_from_slice(f);
        assert_eq!(h.sent(), want, "{f:?}");
        h.feed_all(&[0x90, 3, 0, id as u8, 0]);
        h.feed_all(&[0xB0, 2, 0, id as u8 + 1]);
        assert_eq!(h.events().len(), 2);
        id += 2;
    }
    // The topic of NetX Duo's packet-chain tests: every byte value 0..=255, at QoS 1.
    let all: Vec<u8> = (0..=255u8).collect();
    assert_eq!(
        h.s.publish(h.now, &all, b"m", QoS::AtLeastOnce, false),
        Ok(Some(id))
    );
    let mut want = vec![0x32, 0x85, 0x02, 0x01, 0x00];
    want.extend_from_slice(&all);
    want.extend_from_slice(&[0, id as u8, b'm']);
    assert_eq!(h.sent(), want);
    let long = vec![b'a'; 65_536];
    assert_eq!(
        h.s.subscribe(h.now, &long, QoS::AtMostOnce),
        Err(Error::InvalidParameter)
    );
    assert_eq!(h.s.unsubscribe(h.now, &long), Err(Error::InvalidParameter));
    assert_eq!(
        h.s.publish(h.now, &long, b"", QoS::AtLeastOnce, false),
        Err(Error::InvalidParameter)
    );
    assert_eq!(
        h.s.next_packet_id(),
        id + 1,
        "refused commands consume no id"
    );
}

#[test]
fn inbound_qos2_without_a_free_record_is_still_delivered() {
    let mut h: H<256, 1024, 1024, 512, 2> = H::new(Config::DEFAULT);
    h.connected(true);
    h.s.publish(h.now, b"t", b"", QoS::AtLeastOnce, false)
        .unwrap();
    h.s.publish(h.now, b"t", b"", QoS::AtLeastOnce, false)
        .unwrap();
    h.sent();
    h.feed_all(&publish(b"q", b"x", 2, 9, false, false));
    assert_eq!(h.events(), vec![Event::MessageReceived { queued: 1 }]);
    assert_eq!(h.sent(), vec![0x50, 2, 0, 9]);
    assert_eq!(
        h.s.inflight_len(),
        2,
        "no record: exactly-once degrades to at-least-once"
    );
    h.feed_all(&[0x62, 2, 0, 9]);
    assert_eq!(h.sent(), vec![0x70, 2, 0, 9]);
    assert!(h.events().is_empty());
}

#[test]
fn commands_refused_while_connecting() {
    let mut h = std_session();
    h.connect_with(&OPTS);
    assert_eq!(
        h.s.publish(h.now, b"t", b"", QoS::AtLeastOnce, false),
        Err(Error::NotConnected)
    );
    assert_eq!(
        h.s.subscribe(h.now, b"t", QoS::AtMostOnce),
        Err(Error::NotConnected)
    );
    assert_eq!(h.s.unsubscribe(h.now, b"t"), Err(Error::NotConnected));
    assert_eq!(h.s.transmit_pending(), 0);
    assert_eq!(h.s.state(), State::Connecting);
}
