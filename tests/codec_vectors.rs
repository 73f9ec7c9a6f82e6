//! Byte vectors for every MQTT 3.1.1 control packet: the examples of the MQTT 3.1.1
//! specification (OASIS, 2014) and the wire bytes of the original client
//! (`spec/nxd_mqtt_api_spec.md` §8). Each vector is checked in both directions: encoding the
//! packet gives exactly the bytes, decoding the bytes gives exactly the packet.

use nxd_mqtt::codec::{
    decode_inbound, decode_packet, decode_remaining_length, encode_chunk, encode_remaining_length,
    fuzz_check_decode, Connect, DecodeError, EncodeError, Packet, PacketType, Publish, QoS,
    SubscribeTopic, Topics, Will, MAX_REMAINING_LENGTH,
};

fn encode(p: &Packet<'_>) -> Vec<u8> {
    let len = p.encoded_len().expect("encoded_len");
    let mut v = vec![0u8; len];
    assert_eq!(p.encode(&mut v), Ok(len));
    v
}

/// Encoding `p` gives `bytes`; decoding `bytes` gives `p` (topic lists compared by content);
/// and the fuzz invariants hold on `bytes`.
fn vector(p: Packet<'_>, bytes: &[u8]) {
    assert_eq!(encode(&p), bytes, "encoding {p:?}");
    let decoded = decode_packet(bytes).expect("decode");
    match (&decoded, &p) {
        (
            Packet::Subscribe {
                packet_id: a,
                topics: ta,
            },
            Packet::Subscribe {
                packet_id: b,
                topics: tb,
            },
        )
        | (
            Packet::Unsubscribe {
                packet_id: a,
                topics: ta,
            },
            Packet::Unsubscribe {
                packet_id: b,
                topics: tb,
            },
        ) => {
            assert_eq!(a, b);
            assert_eq!(ta.iter().collect::<Vec<_>>(), tb.iter().collect::<Vec<_>>());
        }
        _ => assert_eq!(decoded, p),
    }
    fuzz_check_decode(bytes);
}

fn connect_1234() -> Connect<'static> {
    Connect {
        keep_alive: 0,
        clean_session: false,
        client_id: b"1234",
        will: None,
        username: None,
        password: None,
    }
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

// ----- CONNECT -------------------------------------------------------------------------------

#[test]
fn connect_original_client_example() {
    // spec §8.1: client id "1234", no will/auth, keepalive 0, clean 0.
    vector(
        Packet::Connect(connect_1234()),
        b"\x10\x10\x00\x04MQTT\x04\x00\x00\x00\x00\x041234",
    );
}

#[test]
fn connect_empty_login_flags_c0() {
    // spec §8.1: login_set("",0,"",0) → flags 0xC0 and two extra 00 00 fields.
    let c = Connect {
        username: Some(b""),
        password: Some(b""),
        ..connect_1234()
    };
    vector(
        Packet::Connect(c),
        b"\x10\x14\x00\x04MQTT\x04\xC0\x00\x00\x00\x041234\x00\x00\x00\x00",
    );
}

#[test]
fn connect_will_flags_2c() {
    // Will retain (0x20) + will QoS 1 (0x08) + will (0x04).
    let will = Will {
        topic: b"wt",
        message: b"bye",
        qos: QoS::AtLeastOnce,
        retain: true,
    };
    let c = Connect {
        will: Some(will),
        ..connect_1234()
    };
    vector(
        Packet::Connect(c),
        b"\x10\x19\x00\x04MQTT\x04\x2C\x00\x00\x00\x041234\x00\x02wt\x00\x03bye",
    );
}

#[test]
fn connect_will_and_login_flags_ec() {
    let will = Will {
        topic: b"wt",
        message: b"",
        qos: QoS::AtLeastOnce,
        retain: true,
    };
    let c = Connect {
        will: Some(will),
        username: Some(b"u"),
        password: Some(b"pw"),
        keep_alive: 0x1234,
        ..connect_1234()
    };
    vector(
        Packet::Connect(c),
        b"\x10\x1D\x00\x04MQTT\x04\xEC\x12\x34\x00\x041234\x00\x02wt\x00\x00\x00\x01u\x00\x02pw",
    );
}

#[test]
fn connect_mqtt_spec_variable_header_example() {
    // MQTT 3.1.1 §3.1.2.10 example: user, password, will QoS 1, will, clean; keep alive 10
    // → variable header 00 04 'M' 'Q' 'T' 'T' 04 CE 00 0A.
    let will = Will {
        topic: b"a/b",
        message: b"x",
        qos: QoS::AtLeastOnce,
        retain: false,
    };
    let c = Connect {
        keep_alive: 10,
        clean_session: true,
        client_id: b"c",
        will: Some(will),
        username: Some(b"user"),
        password: Some(b"pass"),
    };
    let bytes = encode(&Packet::Connect(c));
    assert_eq!(&bytes[2..12], b"\x00\x04MQTT\x04\xCE\x00\x0A");
    vector(
        Packet::Connect(c),
        &cat(&[
            b"\x10\x21\x00\x04MQTT\x04\xCE\x00\x0A",
            b"\x00\x01c\x00\x03a/b\x00\x01x\x00\x04user\x00\x04pass",
        ]),
    );
}

#[test]
fn connect_clean_session_and_keepalive() {
    let c = Connect {
        clean_session: true,
        keep_alive: 60,
        ..connect_1234()
    };
    vector(
        Packet::Connect(c),
        b"\x10\x10\x00\x04MQTT\x04\x02\x00\x3C\x00\x041234",
    );
}

#[test]
fn connect_password_without_user_is_not_sent() {
    // Flag 0x40 only with the user flag; the password field is then omitted (spec §8.1).
    let c = Connect {
        password: Some(b"secret"),
        ..connect_1234()
    };
    assert_eq!(
        encode(&Packet::Connect(c)),
        encode(&Packet::Connect(connect_1234()))
    );
}

#[test]
fn connect_will_qos2_and_empty_client_id() {
    let will = Will {
        topic: b"t",
        message: b"m",
        qos: QoS::ExactlyOnce,
        retain: false,
    };
    let c = Connect {
        client_id: b"",
        will: Some(will),
        ..connect_1234()
    };
    vector(
        Packet::Connect(c),
        b"\x10\x12\x00\x04MQTT\x04\x14\x00\x00\x00\x00\x00\x01t\x00\x01m",
    );
}

// ----- CONNACK -------------------------------------------------------------------------------

#[test]
fn connack_vectors() {
    vector(
        Packet::Connack {
            session_present: false,
            return_code: 0,
        },
        b"\x20\x02\x00\x00",
    );
    vector(
        Packet::Connack {
            session_present: true,
            return_code: 0,
        },
        b"\x20\x02\x01\x00",
    );
    for rc in 1..=5 {
        vector(
            Packet::Connack {
                session_present: false,
                return_code: rc,
            },
            &[0x20, 2, 0, rc],
        );
    }
    // Codes above 5 are kept for the session to judge.
    vector(
        Packet::Connack {
            session_present: false,
            return_code: 0x06,
        },
        b"\x20\x02\x00\x06",
    );
    vector(
        Packet::Connack {
            session_present: true,
            return_code: 0xFF,
        },
        b"\x20\x02\x01\xFF",
    );
}

// ----- PUBLISH -------------------------------------------------------------------------------

fn publish<'a>(qos: QoS, topic: &'a [u8], id: Option<u16>, payload: &'a [u8]) -> Publish<'a> {
    Publish {
        dup: false,
        qos,
        retain: false,
        topic,
        packet_id: id,
        payload,
    }
}

#[test]
fn publish_qos0() {
    vector(
        Packet::Publish(publish(QoS::AtMostOnce, b"a/b", None, b"hello")),
        b"\x30\x0A\x00\x03a/bhello",
    );
    // No payload.
    vector(
        Packet::Publish(publish(QoS::AtMostOnce, b"t", None, b"")),
        b"\x30\x03\x00\x01t",
    );
    // Retain.
    let p = Publish {
        retain: true,
        ..publish(QoS::AtMostOnce, b"t", None, b"x")
    };
    vector(Packet::Publish(p), b"\x31\x04\x00\x01tx");
}

#[test]
fn publish_qos1_mqtt_spec_example() {
    // MQTT 3.1.1 §3.3.2.3 example: topic "a/b", packet id 10 → 00 03 61 2F 62 00 0A.
    vector(
        Packet::Publish(publish(QoS::AtLeastOnce, b"a/b", Some(10), b"")),
        b"\x32\x07\x00\x03\x61\x2F\x62\x00\x0A",
    );
    vector(
        Packet::Publish(publish(QoS::AtLeastOnce, b"a/b", Some(0xBEEF), b"pl")),
        b"\x32\x09\x00\x03a/b\xBE\xEFpl",
    );
}

#[test]
fn publish_qos2_dup_retain() {
    let p = Publish {
        dup: true,
        retain: true,
        ..publish(QoS::ExactlyOnce, b"x", Some(1), b"!")
    };
    vector(Packet::Publish(p), b"\x3D\x06\x00\x01x\x00\x01!");
    // DUP on QoS 1 (a resend, spec §8.2).
    let p = Publish {
        dup: true,
        ..publish(QoS::AtLeastOnce, b"x", Some(2), b"")
    };
    vector(Packet::Publish(p), b"\x3A\x05\x00\x01x\x00\x02");
}

#[test]
fn publish_utf8_topic_mqtt_spec_example() {
    // MQTT 3.1.1 §1.5.3 example: "A\u{2A6D4}" → 00 05 41 F0 AA 9B 94.
    let topic = "A\u{2A6D4}".as_bytes();
    vector(
        Packet::Publish(publish(QoS::AtMostOnce, topic, None, b"")),
        b"\x30\x07\x00\x05\x41\xF0\xAA\x9B\x94",
    );
}

#[test]
fn publish_two_byte_remaining_length() {
    let payload = vec![0x5A; 200];
    // Remaining length 2 + 1 + 200 = 203 → CB 01.
    let mut bytes = vec![0x30, 0xCB, 0x01, 0x00, 0x01, b't'];
    bytes.extend_from_slice(&payload);
    vector(
        Packet::Publish(publish(QoS::AtMostOnce, b"t", None, &payload)),
        &bytes,
    );
}

// ----- acknowledgements and small packets ------------------------------------------------------

#[test]
fn small_packet_vectors() {
    vector(Packet::Puback(10), b"\x40\x02\x00\x0A");
    vector(Packet::Pubrec(0x1234), b"\x50\x02\x12\x34");
    vector(Packet::Pubrel(0xFFFF), b"\x62\x02\xFF\xFF");
    vector(Packet::Pubcomp(0x0102), b"\x70\x02\x01\x02");
    vector(Packet::Unsuback(7), b"\xB0\x02\x00\x07");
    vector(Packet::Pingreq, b"\xC0\x00");
    vector(Packet::Pingresp, b"\xD0\x00");
    vector(Packet::Disconnect, b"\xE0\x00");
}

// ----- SUBSCRIBE / SUBACK / UNSUBSCRIBE --------------------------------------------------------

#[test]
fn subscribe_original_client_single_topic() {
    // spec §8.3: 82, remaining length (2 + 2 + topic + 1), id, len-prefixed filter, QoS.
    let list = [SubscribeTopic {
        filter: b"a/b",
        qos: QoS::AtLeastOnce,
    }];
    vector(
        Packet::Subscribe {
            packet_id: 1,
            topics: Topics::List(&list),
        },
        b"\x82\x08\x00\x01\x00\x03a/b\x01",
    );
}

#[test]
fn subscribe_mqtt_spec_example() {
    // MQTT 3.1.1 §3.8.3 example: "a/b" QoS 1, "c/d" QoS 2.
    let list = [
        SubscribeTopic {
            filter: b"a/b",
            qos: QoS::AtLeastOnce,
        },
        SubscribeTopic {
            filter: b"c/d",
            qos: QoS::ExactlyOnce,
        },
    ];
    let bytes = b"\x82\x0E\x00\x0A\x00\x03\x61\x2F\x62\x01\x00\x03\x63\x2F\x64\x02";
    vector(
        Packet::Subscribe {
            packet_id: 10,
            topics: Topics::List(&list),
        },
        bytes,
    );
    // The decoded form keeps the wire bytes and re-encodes to the same frame.
    let decoded = decode_packet(bytes).unwrap();
    assert_eq!(
        decoded,
        Packet::Subscribe {
            packet_id: 10,
            topics: Topics::Wire {
                bytes: &bytes[4..],
                with_qos: true
            }
        }
    );
    assert_eq!(encode(&decoded), bytes);
}

#[test]
fn subscribe_wildcard_filters() {
    let list = [
        SubscribeTopic {
            filter: b"sport/tennis/+",
            qos: QoS::AtMostOnce,
        },
        SubscribeTopic {
            filter: b"#",
            qos: QoS::ExactlyOnce,
        },
    ];
    vector(
        Packet::Subscribe {
            packet_id: 0x0102,
            topics: Topics::List(&list),
        },
        b"\x82\x17\x01\x02\x00\x0Esport/tennis/+\x00\x00\x01#\x02",
    );
}

#[test]
fn suback_vectors() {
    vector(
        Packet::Suback {
            packet_id: 1,
            return_codes: &[0],
        },
        b"\x90\x03\x00\x01\x00",
    );
    // MQTT 3.1.1 §3.9.3 example: success QoS 0, success QoS 2, failure.
    vector(
        Packet::Suback {
            packet_id: 10,
            return_codes: &[0x00, 0x02, 0x80],
        },
        b"\x90\x05\x00\x0A\x00\x02\x80",
    );
    vector(
        Packet::Suback {
            packet_id: 2,
            return_codes: &[1],
        },
        b"\x90\x03\x00\x02\x01",
    );
}

#[test]
fn unsubscribe_vectors() {
    let one = [SubscribeTopic {
        filter: b"a/b",
        qos: QoS::AtMostOnce,
    }];
    vector(
        Packet::Unsubscribe {
            packet_id: 1,
            topics: Topics::List(&one),
        },
        b"\xA2\x07\x00\x01\x00\x03a/b",
    );
    // MQTT 3.1.1 §3.10.3 example: "a/b", "c/d".
    let two = [
        SubscribeTopic {
            filter: b"a/b",
            qos: QoS::AtMostOnce,
        },
        SubscribeTopic {
            filter: b"c/d",
            qos: QoS::AtMostOnce,
        },
    ];
    vector(
        Packet::Unsubscribe {
            packet_id: 10,
            topics: Topics::List(&two),
        },
        b"\xA2\x0C\x00\x0A\x00\x03a/b\x00\x03c/d",
    );
    // The QoS of a list entry is not encoded in UNSUBSCRIBE.
    let q = [SubscribeTopic {
        filter: b"a/b",
        qos: QoS::ExactlyOnce,
    }];
    assert_eq!(
        encode(&Packet::Unsubscribe {
            packet_id: 1,
            topics: Topics::List(&q)
        }),
        b"\xA2\x07\x00\x01\x00\x03a/b"
    );
}

#[test]
fn server_only_packets_decode_but_not_inbound() {
    let list = [SubscribeTopic {
        filter: b"a",
        qos: QoS::AtMostOnce,
    }];
    let cases: [(Vec<u8>, PacketType); 5] = [
        (
            encode(&Packet::Connect(connect_1234())),
            PacketType::Connect,
        ),
        (
            encode(&Packet::Subscribe {
                packet_id: 1,
                topics: Topics::List(&list),
            }),
            PacketType::Subscribe,
        ),
        (
            encode(&Packet::Unsubscribe {
                packet_id: 1,
                topics: Topics::List(&list),
            }),
            PacketType::Unsubscribe,
        ),
        (vec![0xC0, 0], PacketType::Pingreq),
        (vec![0xE0, 0], PacketType::Disconnect),
    ];
    for (bytes, t) in cases {
        assert!(decode_packet(&bytes).is_ok());
        assert_eq!(
            decode_inbound(&bytes),
            Err(DecodeError::ServerOnlyPacket(t))
        );
    }
    // Client-receivable types decode the same through both.
    for bytes in [
        &b"\x20\x02\x00\x00"[..],
        b"\x30\x03\x00\x01t",
        b"\x40\x02\x00\x01",
        b"\xD0\x00",
    ] {
        assert_eq!(decode_inbound(bytes), decode_packet(bytes));
        assert!(decode_inbound(bytes).is_ok());
    }
}

// ----- remaining length ------------------------------------------------------------------------

const RL_VECTORS: [(u32, &[u8]); 10] = [
    (0, &[0x00]),
    (1, &[0x01]),
    (127, &[0x7F]),
    (128, &[0x80, 0x01]),
    (16_383, &[0xFF, 0x7F]),
    (16_384, &[0x80, 0x80, 0x01]),
    (2_097_151, &[0xFF, 0xFF, 0x7F]),
    (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
    (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]),
    (321, &[0xC1, 0x02]), // MQTT 3.1.1 §2.2.3 algorithm: 321 = 65 + 2*128
];

#[test]
fn remaining_length_vectors() {
    for (value, bytes) in RL_VECTORS {
        let mut buf = [0xAAu8; 4];
        assert_eq!(
            encode_remaining_length(value, &mut buf),
            Ok(bytes.len()),
            "{value}"
        );
        assert_eq!(&buf[..bytes.len()], bytes);
        assert_eq!(
            decode_remaining_length(bytes),
            Ok(Some((value, bytes.len())))
        );
        // Trailing bytes after the field are not read.
        let mut longer = bytes.to_vec();
        longer.extend_from_slice(&[0x80, 0x80]);
        assert_eq!(
            decode_remaining_length(&longer),
            Ok(Some((value, bytes.len())))
        );
        // Every proper prefix needs more bytes.
        for cut in 0..bytes.len() {
            assert_eq!(decode_remaining_length(&bytes[..cut]), Ok(None));
        }
        // Too-small output buffer.
        let mut small = vec![0u8; bytes.len() - 1];
        assert_eq!(
            encode_remaining_length(value, &mut small),
            Err(EncodeError::BufferTooSmall {
                required: bytes.len()
            })
        );
    }
    assert_eq!(MAX_REMAINING_LENGTH, 268_435_455);
    assert_eq!(
        encode_remaining_length(MAX_REMAINING_LENGTH + 1, &mut [0; 8]),
        Err(EncodeError::PacketTooLarge)
    );
    assert_eq!(
        encode_remaining_length(u32::MAX, &mut [0; 8]),
        Err(EncodeError::PacketTooLarge)
    );
}

#[test]
fn remaining_length_every_value_round_trips() {
    let mut check = |v: u32| {
        let mut buf = [0u8; 4];
        let n = encode_remaining_length(v, &mut buf).unwrap();
        assert_eq!(decode_remaining_length(&buf[..n]), Ok(Some((v, n))));
    };
    (0..=70_000).for_each(&mut check);
    (2_097_000..2_098_000).for_each(&mut check);
    (MAX_REMAINING_LENGTH - 1000..=MAX_REMAINING_LENGTH).for_each(&mut check);
    let mut x = 0x9E37_79B9u32;
    for _ in 0..100_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        check(x % (MAX_REMAINING_LENGTH + 1));
    }
}

#[test]
fn remaining_length_malformed() {
    let malformed: [&[u8]; 9] = [
        &[0xFF, 0xFF, 0xFF, 0xFF, 0x7F], // a fifth byte
        &[0x80, 0x80, 0x80, 0x80, 0x01],
        &[0x80, 0x80, 0x80, 0x80], // fourth byte still continues: no need to wait
        &[0x80, 0x00],             // 0 in two bytes
        &[0xFF, 0x00],             // 127 in two bytes
        &[0x80, 0x80, 0x00],
        &[0x81, 0x80, 0x00],
        &[0x80, 0x80, 0x80, 0x00],
        &[0xFF, 0xFF, 0xFF, 0x00],
    ];
    for bytes in malformed {
        assert_eq!(
            decode_remaining_length(bytes),
            Err(DecodeError::MalformedRemainingLength),
            "{bytes:02x?}"
        );
        let mut frame = vec![0x30];
        frame.extend_from_slice(bytes);
        assert_eq!(
            decode_packet(&frame),
            Err(DecodeError::MalformedRemainingLength)
        );
        fuzz_check_decode(&frame);
    }
}

// ----- encoder limits --------------------------------------------------------------------------

#[test]
fn encode_limits() {
    // A field of 65,535 bytes is fine, 65,536 is not.
    let big = vec![b'a'; 65_536];
    let ok = Packet::Publish(publish(QoS::AtMostOnce, &big[..65_535], None, b""));
    assert_eq!(ok.encoded_len(), Ok(1 + 3 + 2 + 65_535));
    let long = Packet::Publish(publish(QoS::AtMostOnce, &big, None, b""));
    assert_eq!(long.encoded_len(), Err(EncodeError::FieldTooLong));
    assert_eq!(long.encode(&mut [0; 16]), Err(EncodeError::FieldTooLong));
    assert_eq!(
        encode_chunk(&long, 0, &mut [0; 16]),
        Err(EncodeError::FieldTooLong)
    );
    let c = Connect {
        client_id: &big,
        ..connect_1234()
    };
    assert_eq!(
        Packet::Connect(c).encoded_len(),
        Err(EncodeError::FieldTooLong)
    );
    let c = Connect {
        username: Some(b"u"),
        password: Some(&big),
        ..connect_1234()
    };
    assert_eq!(
        Packet::Connect(c).encoded_len(),
        Err(EncodeError::FieldTooLong)
    );
    let will = Will {
        topic: b"t",
        message: &big,
        qos: QoS::AtMostOnce,
        retain: false,
    };
    let c = Connect {
        will: Some(will),
        ..connect_1234()
    };
    assert_eq!(
        Packet::Connect(c).encoded_len(),
        Err(EncodeError::FieldTooLong)
    );
    let list = [SubscribeTopic {
        filter: &big,
        qos: QoS::AtMostOnce,
    }];
    let s = Packet::Subscribe {
        packet_id: 1,
        topics: Topics::List(&list),
    };
    assert_eq!(s.encoded_len(), Err(EncodeError::FieldTooLong));

    // Remaining length exactly at the maximum, and one above. The payload is a zeroed
    // allocation that encoded_len and a windowed encode_chunk never touch beyond the window.
    let payload = vec![0u8; MAX_REMAINING_LENGTH as usize - 3 + 1];
    let at_max = Packet::Publish(publish(QoS::AtMostOnce, b"t", None, &payload[1..]));
    assert_eq!(
        at_max.encoded_len(),
        Ok(1 + 4 + MAX_REMAINING_LENGTH as usize)
    );
    let mut head = [0u8; 8];
    assert_eq!(encode_chunk(&at_max, 0, &mut head), Ok(8));
    assert_eq!(head, [0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x01, b't']);
    let end = 1 + 4 + MAX_REMAINING_LENGTH as usize;
    assert_eq!(encode_chunk(&at_max, end - 3, &mut head), Ok(3));
    assert_eq!(encode_chunk(&at_max, end, &mut head), Ok(0));
    assert_eq!(
        at_max.encode(&mut head),
        Err(EncodeError::BufferTooSmall { required: end })
    );
    let too_big = Packet::Publish(publish(QoS::AtMostOnce, b"t", None, &payload));
    assert_eq!(too_big.encoded_len(), Err(EncodeError::PacketTooLarge));
    assert_eq!(
        encode_chunk(&too_big, 0, &mut head),
        Err(EncodeError::PacketTooLarge)
    );
}

#[test]
fn encode_invalid_fields() {
    let bad_publishes = [
        publish(QoS::AtLeastOnce, b"t", None, b""),
        publish(QoS::AtLeastOnce, b"t", Some(0), b""),
        publish(QoS::ExactlyOnce, b"t", Some(0), b""),
        publish(QoS::AtMostOnce, b"t", Some(1), b""),
        publish(QoS::AtMostOnce, b"", None, b""),
        Publish {
            dup: true,
            ..publish(QoS::AtMostOnce, b"t", None, b"")
        },
    ];
    for p in bad_publishes {
        assert_eq!(
            Packet::Publish(p).encoded_len(),
            Err(EncodeError::InvalidField),
            "{p:?}"
        );
        assert_eq!(
            Packet::Publish(p).encode(&mut [0; 64]),
            Err(EncodeError::InvalidField)
        );
    }
    let list = [SubscribeTopic {
        filter: b"a",
        qos: QoS::AtMostOnce,
    }];
    for p in [
        Packet::Subscribe {
            packet_id: 0,
            topics: Topics::List(&list),
        },
        Packet::Unsubscribe {
            packet_id: 0,
            topics: Topics::List(&list),
        },
        Packet::Subscribe {
            packet_id: 1,
            topics: Topics::List(&[]),
        },
        Packet::Unsubscribe {
            packet_id: 1,
            topics: Topics::List(&[]),
        },
        Packet::Subscribe {
            packet_id: 1,
            topics: Topics::Wire {
                bytes: &[],
                with_qos: true,
            },
        },
        Packet::Suback {
            packet_id: 1,
            return_codes: &[],
        },
    ] {
        assert_eq!(p.encoded_len(), Err(EncodeError::InvalidField), "{p:?}");
        assert_eq!(
            encode_chunk(&p, 0, &mut [0; 64]),
            Err(EncodeError::InvalidField)
        );
    }
}

#[test]
fn encode_buffer_too_small_writes_nothing() {
    let p = Packet::Connect(connect_1234());
    let mut buf = [0xEEu8; 17];
    assert_eq!(
        p.encode(&mut buf),
        Err(EncodeError::BufferTooSmall { required: 18 })
    );
    assert_eq!(buf, [0xEE; 17]);
    let mut buf = [0u8; 2];
    assert_eq!(Packet::Pingreq.encode(&mut buf), Ok(2));
    assert_eq!(
        Packet::Pingreq.encode(&mut buf[..1]),
        Err(EncodeError::BufferTooSmall { required: 2 })
    );
}

#[test]
fn encode_chunk_windows() {
    let p = Packet::Publish(publish(QoS::AtLeastOnce, b"a/b", Some(10), b"payload"));
    let whole = encode(&p);
    for offset in 0..=whole.len() + 2 {
        for size in 0..=whole.len() + 2 {
            let mut buf = vec![0u8; size];
            let n = encode_chunk(&p, offset, &mut buf).unwrap();
            let expected = whole.get(offset..).unwrap_or(&[]);
            let expected = &expected[..expected.len().min(size)];
            assert_eq!(&buf[..n], expected, "offset {offset} size {size}");
        }
    }
}

#[test]
fn topics_iter() {
    let list = [
        SubscribeTopic {
            filter: b"a",
            qos: QoS::AtLeastOnce,
        },
        SubscribeTopic {
            filter: b"b/#",
            qos: QoS::ExactlyOnce,
        },
    ];
    assert_eq!(Topics::List(&list).iter().collect::<Vec<_>>(), list);
    let wire = Topics::Wire {
        bytes: b"\x00\x01a\x01\x00\x03b/#\x02",
        with_qos: true,
    };
    assert_eq!(wire.iter().collect::<Vec<_>>(), list);
    let unsub = Topics::Wire {
        bytes: b"\x00\x01a\x00\x03b/#",
        with_qos: false,
    };
    let filters: Vec<&[u8]> = unsub.iter().map(|t| t.filter).collect();
    assert_eq!(filters, [&b"a"[..], b"b/#"]);
    assert!(unsub.iter().all(|t| t.qos == QoS::AtMostOnce));
    // Wire bytes that no decoder validated: iteration stops at the first malformed entry.
    let bad = Topics::Wire {
        bytes: b"\x00\x01a\x01\x00\x01b\x07\x00\x01c\x00",
        with_qos: true,
    };
    assert_eq!(bad.iter().count(), 1);
    let cut = Topics::Wire {
        bytes: b"\x00\x01a\x00\x05b",
        with_qos: false,
    };
    let mut it = cut.iter();
    assert_eq!(it.next().map(|t| t.filter), Some(&b"a"[..]));
    assert_eq!(it.next(), None);
    assert_eq!(it.next(), None);
}
