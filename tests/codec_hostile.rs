//! The codec-level classes of `spec/hostile_inputs.md` (§1 remaining length, §2 PUBLISH,
//! §5 CONNACK, §6 lengths and flags, §7 server-only packets), each with the exact
//! [`DecodeError`]; plus the frame reader's behaviour on them (the framing survives a malformed
//! body, a malformed remaining length is an error).

use nxd_mqtt::codec::{
    decode_inbound, decode_packet, fuzz_check_decode, DecodeError, Frame, FrameReader, Packet,
    PacketType,
};
use DecodeError::*;

/// `frame` is rejected by both decoders with `err`; a frame reader still delimits it and then
/// delivers the PINGRESP that follows; the fuzz invariants hold.
fn rejects(frame: &[u8], err: DecodeError) {
    assert_eq!(decode_packet(frame), Err(err), "decode_packet {frame:02x?}");
    assert_eq!(
        decode_inbound(frame),
        Err(err),
        "decode_inbound {frame:02x?}"
    );
    fuzz_check_decode(frame);
    if err != Truncated && err != TrailingBytes && err != MalformedRemainingLength {
        let mut stream = frame.to_vec();
        stream.extend_from_slice(&[0xD0, 0x00]);
        let mut reader = FrameReader::<64>::new(64);
        let mut input = &stream[..];
        assert_eq!(
            reader.next_frame(&mut input),
            Ok(Some(Frame::Packet(frame)))
        );
        assert_eq!(
            reader.next_frame(&mut input),
            Ok(Some(Frame::Packet(&[0xD0, 0x00])))
        );
        assert!(input.is_empty());
    }
}

// ----- §1 remaining length ---------------------------------------------------------------------

#[test]
fn s1_fifth_length_byte() {
    rejects(b"\x30\xFF\xFF\xFF\xFF\x7F", MalformedRemainingLength);
    rejects(
        b"\x20\x80\x80\x80\x80\x01\x00\x00",
        MalformedRemainingLength,
    );
    // The reader fails as soon as the fourth byte says "more", and so does it byte by byte.
    for split in [1usize, 2, 6] {
        let data = b"\x30\xFF\xFF\xFF\xFF\x7F\x00";
        let mut reader = FrameReader::<32>::new(32);
        let mut result = Ok(false);
        for chunk in data.chunks(split) {
            let mut input = chunk;
            result = reader.next_frame(&mut input).map(|f| f.is_some());
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(MalformedRemainingLength));
        // The reader is clean afterwards (a new connection can reuse it).
        assert_eq!(reader.buffered(), 0);
        let mut input = &b"\xD0\x00"[..];
        assert_eq!(
            reader.next_frame(&mut input),
            Ok(Some(Frame::Packet(b"\xD0\x00")))
        );
    }
}

#[test]
fn s1_non_minimal_length() {
    rejects(b"\x30\x80\x00", MalformedRemainingLength);
    rejects(b"\xD0\x80\x00", MalformedRemainingLength);
    rejects(b"\x40\x82\x00\x00\x01", MalformedRemainingLength); // 2 in two bytes
    rejects(b"\x30\x83\x80\x00\x00\x01t", MalformedRemainingLength);
    let mut reader = FrameReader::<32>::new(32);
    let mut input = &b"\x40\x82\x00\x00\x01"[..];
    assert_eq!(reader.next_frame(&mut input), Err(MalformedRemainingLength));
}

#[test]
fn s1_length_above_configured_maximum_is_skipped_and_reported() {
    // A PUBLISH QoS 1 of 300 bytes against a 32-byte reader: reported with its prefix (which
    // holds topic and packet id), then the next packet is delivered.
    let mut publish = vec![0x32, 0xA9, 0x02, 0x00, 0x03, b'a', b'/', b'b', 0x12, 0x34];
    publish.resize(3 + 297, 0x55);
    let mut stream = publish.clone();
    stream.extend_from_slice(b"\x40\x02\x00\x07");
    let mut reader = FrameReader::<32>::new(1000);
    let mut input = &stream[..];
    match reader.next_frame(&mut input) {
        Ok(Some(Frame::Oversize {
            header,
            remaining_length,
            prefix,
        })) => {
            assert_eq!(header, 0x32);
            assert_eq!(remaining_length, 297);
            assert_eq!(prefix, &publish[..32]);
            assert_eq!(&prefix[8..10], b"\x12\x34");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        reader.next_frame(&mut input),
        Ok(Some(Frame::Packet(b"\x40\x02\x00\x07")))
    );
    // The same with a limit below the buffer size.
    let mut reader = FrameReader::<1024>::new(16);
    let mut input = &stream[..];
    assert!(matches!(
        reader.next_frame(&mut input),
        Ok(Some(Frame::Oversize { header: 0x32, remaining_length: 297, prefix })) if prefix == &publish[..16]
    ));
    assert_eq!(
        reader.next_frame(&mut input),
        Ok(Some(Frame::Packet(b"\x40\x02\x00\x07")))
    );
}

#[test]
fn s1_huge_length_never_arriving() {
    // 268 MB announced; only a few bytes arrive (connection cut): no frame, memory bounded.
    let data = b"\x30\xFF\xFF\xFF\x7F\x00\x01tabc";
    assert_eq!(decode_packet(data), Err(Truncated));
    let mut reader = FrameReader::<16>::new(16);
    let mut input = &data[..];
    assert_eq!(reader.next_frame(&mut input), Ok(None));
    assert!(input.is_empty());
    assert_eq!(reader.buffered(), data.len());
    reader.reset();
    assert_eq!(reader.buffered(), 0);
    let mut input = &b"\xD0\x00"[..];
    assert_eq!(
        reader.next_frame(&mut input),
        Ok(Some(Frame::Packet(b"\xD0\x00")))
    );
}

#[test]
fn s1_length_larger_than_data() {
    rejects(b"\x30\x05\x00\x01t", Truncated);
    rejects(b"\x20\x02\x00", Truncated);
    rejects(b"\x40\x02\x00", Truncated);
    rejects(b"\x30", Truncated);
    rejects(b"", Truncated);
    rejects(b"\x30\x80", Truncated);
    // And the opposite: more bytes than the header says.
    rejects(b"\x40\x02\x00\x01\x00", TrailingBytes);
    rejects(b"\xD0\x00\xD0\x00", TrailingBytes);
}

#[test]
fn s1_zero_length_where_a_body_is_needed() {
    rejects(b"\x30\x00", Truncated); // PUBLISH needs a topic
    rejects(b"\x32\x00", Truncated);
    rejects(b"\x20\x00", InvalidLength); // CONNACK must be 2
    rejects(b"\x90\x00", Truncated); // SUBACK needs an id and a code
    rejects(b"\x40\x00", InvalidLength); // PUBACK must be 2
    rejects(b"\x50\x00", InvalidLength);
    rejects(b"\x62\x00", InvalidLength);
    rejects(b"\x70\x00", InvalidLength);
    rejects(b"\xB0\x00", InvalidLength);
}

// ----- §2 PUBLISH ------------------------------------------------------------------------------

#[test]
fn s2_topic_length_beyond_remaining_length() {
    rejects(b"\x30\x05\x00\x09abc", Truncated);
    rejects(b"\x30\x02\x00\x01", Truncated);
    rejects(b"\x30\x01\x00", Truncated);
    rejects(b"\x30\x04\xFF\xFFab", Truncated);
}

#[test]
fn s2_no_room_for_packet_id() {
    rejects(b"\x32\x05\x00\x03a/b", Truncated);
    rejects(b"\x32\x06\x00\x03a/b\x00", Truncated);
    rejects(b"\x34\x05\x00\x03a/b", Truncated);
    // At QoS 0 the same bytes are a valid PUBLISH without payload.
    assert!(decode_inbound(b"\x30\x05\x00\x03a/b").is_ok());
}

#[test]
fn s2_invalid_topics() {
    rejects(b"\x30\x02\x00\x00", InvalidTopic); // empty
    rejects(b"\x32\x04\x00\x00\x00\x01", InvalidTopic); // empty, QoS 1
    rejects(b"\x30\x05\x00\x03a\x00b", InvalidTopic); // U+0000
    rejects(b"\x30\x05\x00\x03\xED\xA0\x80", InvalidTopic); // U+D800 (surrogate)
    rejects(b"\x30\x05\x00\x03\xED\xBF\xBF", InvalidTopic); // U+DFFF
    rejects(b"\x30\x04\x00\x02\xC3\x28", InvalidTopic); // bad continuation
    rejects(b"\x30\x04\x00\x02\xC0\xAF", InvalidTopic); // overlong '/'
    rejects(b"\x30\x05\x00\x03\xE0\x80\xAF", InvalidTopic); // overlong
    rejects(b"\x30\x03\x00\x01\xFF", InvalidTopic);
    rejects(b"\x30\x03\x00\x01\x80", InvalidTopic); // lone continuation
    rejects(b"\x30\x04\x00\x02\xE2\x82", InvalidTopic); // cut multi-byte sequence
    rejects(b"\x30\x06\x00\x04\xF4\x90\x80\x80", InvalidTopic); // above U+10FFFF
    rejects(b"\x30\x05\x00\x03a/+", InvalidTopic);
    rejects(b"\x30\x03\x00\x01#", InvalidTopic);
    rejects(b"\x30\x05\x00\x03a/#", InvalidTopic);
    rejects(b"\x30\x03\x00\x01+", InvalidTopic);
    rejects(b"\x32\x07\x00\x03+/b\x00\x01", InvalidTopic);
    // Valid multi-byte topics pass.
    let ok = decode_inbound(b"\x30\x08\x00\x06\xC3\xA9/\xE2\x82\xAC").unwrap();
    assert!(matches!(ok, Packet::Publish(p) if p.topic == "é/€".as_bytes()));
}

#[test]
fn s2_zero_packet_id() {
    rejects(b"\x32\x07\x00\x03a/b\x00\x00", ZeroPacketId);
    rejects(b"\x34\x07\x00\x03a/b\x00\x00", ZeroPacketId);
    rejects(b"\x3A\x08\x00\x03a/b\x00\x00x", ZeroPacketId);
}

#[test]
fn s2_qos_bits_and_dup() {
    rejects(b"\x36\x07\x00\x03a/b\x00\x01", InvalidQoS); // QoS 3
    rejects(b"\x3F\x07\x00\x03a/b\x00\x01", InvalidQoS); // QoS 3 with DUP and retain
    rejects(b"\x38\x05\x00\x03a/b", InvalidQoS); // DUP at QoS 0
    rejects(b"\x39\x05\x00\x03a/b", InvalidQoS);
    // The flag check comes before the body is read.
    rejects(b"\x36\x00", InvalidQoS);
}

// ----- §5 CONNACK ------------------------------------------------------------------------------

#[test]
fn s5_connack() {
    rejects(b"\x20\x03\x00\x00\x00", InvalidLength);
    rejects(b"\x20\x01\x00", InvalidLength);
    rejects(b"\x20\x02\x00", Truncated);
    // Reserved acknowledge-flag bits are ignored (as the original); bit 0 is session present.
    for (flags, session_present) in [(0x02u8, false), (0x80, false), (0xFF, true), (0x09, true)] {
        assert_eq!(
            decode_inbound(&[0x20, 2, flags, 0]),
            Ok(Packet::Connack {
                session_present,
                return_code: 0
            })
        );
        fuzz_check_decode(&[0x20, 2, flags, 0]);
    }
    rejects(b"\x21\x02\x00\x00", InvalidFlags);
    rejects(b"\x2F\x02\x00\x00", InvalidFlags);
    // Return codes above 5 and session-present with a refusal are kept: the session decides.
    for rc in [6u8, 0x7F, 0x80, 0xFF] {
        assert_eq!(
            decode_inbound(&[0x20, 2, 0, rc]),
            Ok(Packet::Connack {
                session_present: false,
                return_code: rc
            })
        );
    }
    assert_eq!(
        decode_inbound(b"\x20\x02\x01\x05"),
        Ok(Packet::Connack {
            session_present: true,
            return_code: 5
        })
    );
}

// ----- §6 SUBACK and acknowledgements ---------------------------------------------------------

#[test]
fn s6_suback() {
    for code in [3u8, 4, 0x7F, 0x81, 0xFF] {
        rejects(&[0x90, 3, 0, 1, code], InvalidReturnCode);
        rejects(&[0x90, 5, 0, 1, 0, code, 1], InvalidReturnCode);
    }
    rejects(b"\x90\x02\x00\x01", EmptyPayload);
    rejects(b"\x90\x01\x00", Truncated);
    rejects(b"\x92\x03\x00\x01\x00", InvalidFlags);
    rejects(b"\x91\x03\x00\x01\x00", InvalidFlags);
    assert_eq!(
        decode_inbound(b"\x90\x06\x00\x01\x00\x01\x02\x80"),
        Ok(Packet::Suback {
            packet_id: 1,
            return_codes: &[0, 1, 2, 0x80]
        })
    );
}

#[test]
fn s6_ack_lengths_and_flags() {
    for t in [0x40u8, 0x50, 0x62, 0x70, 0xB0] {
        rejects(&[t, 3, 0, 1, 0], InvalidLength);
        rejects(&[t, 1, 0], InvalidLength);
        rejects(&[t, 4, 0, 1, 0, 2], InvalidLength);
        // Every other flag nibble is refused.
        for flags in 0..16u8 {
            if (t & 0xF0) | flags != t {
                let frame = [(t & 0xF0) | flags, 2, 0, 1];
                rejects(&frame, InvalidFlags);
            }
        }
    }
    // PUBREL must be 0x62: 0x60 (which the original accepted) is refused.
    rejects(b"\x60\x02\x00\x01", InvalidFlags);
    rejects(b"\x63\x02\x00\x01", InvalidFlags);
    assert_eq!(decode_inbound(b"\x62\x02\x00\x01"), Ok(Packet::Pubrel(1)));
    // PINGRESP: length 0, flags 0.
    rejects(b"\xD0\x01\x00", InvalidLength);
    rejects(b"\xD1\x00", InvalidFlags);
    rejects(b"\xD8\x00", InvalidFlags);
    // Acknowledgement ids are passed on as received (0 included): the session matches them.
    assert_eq!(decode_inbound(b"\x40\x02\x00\x00"), Ok(Packet::Puback(0)));
    assert_eq!(
        decode_inbound(b"\xB0\x02\xFF\xFF"),
        Ok(Packet::Unsuback(0xFFFF))
    );
}

// ----- §7 server-only packets and reserved types ----------------------------------------------

#[test]
fn s7_server_only_packets() {
    let cases: [(&[u8], PacketType); 9] = [
        (
            b"\x10\x10\x00\x04MQTT\x04\x00\x00\x00\x00\x041234",
            PacketType::Connect,
        ),
        (b"\x10\x00", PacketType::Connect),
        (b"\x82\x08\x00\x01\x00\x03a/b\x01", PacketType::Subscribe),
        (b"\x80\x00", PacketType::Subscribe), // wrong flags: still server-only
        (b"\xA2\x07\x00\x01\x00\x03a/b", PacketType::Unsubscribe),
        (b"\xC0\x00", PacketType::Pingreq),
        (b"\xC0\xFF\xFF\xFF\xFF\x7F", PacketType::Pingreq),
        (b"\xE0\x00", PacketType::Disconnect),
        (b"\xE0", PacketType::Disconnect),
    ];
    for (frame, t) in cases {
        assert_eq!(
            decode_inbound(frame),
            Err(ServerOnlyPacket(t)),
            "{frame:02x?}"
        );
        fuzz_check_decode(frame);
    }
}

#[test]
fn reserved_packet_types() {
    for header in [0x00u8, 0x0F, 0xF0, 0xFF] {
        rejects(&[header, 0], ReservedPacketType);
        rejects(&[header, 2, 0, 1], ReservedPacketType);
    }
}

// ----- server-side decoding (broker direction) --------------------------------------------------

#[test]
fn server_side_malformed() {
    // SUBSCRIBE
    assert_eq!(decode_packet(b"\x82\x02\x00\x01"), Err(EmptyPayload));
    assert_eq!(
        decode_packet(b"\x82\x06\x00\x00\x00\x01a\x00"),
        Err(ZeroPacketId)
    );
    assert_eq!(
        decode_packet(b"\x82\x06\x00\x01\x00\x01a\x03"),
        Err(InvalidReturnCode)
    );
    assert_eq!(decode_packet(b"\x82\x05\x00\x01\x00\x01a"), Err(Truncated));
    assert_eq!(decode_packet(b"\x82\x06\x00\x01\x00\x02a"), Err(Truncated));
    assert_eq!(
        decode_packet(b"\x82\x05\x00\x01\x00\x00\x00"),
        Err(InvalidTopic)
    );
    assert_eq!(
        decode_packet(b"\x82\x07\x00\x01\x00\x02a#\x00"),
        Err(InvalidTopic)
    );
    assert_eq!(
        decode_packet(b"\x80\x06\x00\x01\x00\x01a\x00"),
        Err(InvalidFlags)
    );
    // UNSUBSCRIBE
    assert_eq!(decode_packet(b"\xA2\x02\x00\x01"), Err(EmptyPayload));
    assert_eq!(
        decode_packet(b"\xA2\x05\x00\x00\x00\x01a"),
        Err(ZeroPacketId)
    );
    assert_eq!(
        decode_packet(b"\xA2\x05\x00\x01\x00\x01\x00"),
        Err(InvalidTopic)
    );
    assert_eq!(
        decode_packet(b"\xA0\x05\x00\x01\x00\x01a"),
        Err(InvalidFlags)
    );
    // PINGREQ / DISCONNECT
    assert_eq!(decode_packet(b"\xC0\x01\x00"), Err(InvalidLength));
    assert_eq!(decode_packet(b"\xE2\x00"), Err(InvalidFlags));
    // CONNECT
    let good = b"\x10\x10\x00\x04MQTT\x04\x00\x00\x00\x00\x041234";
    assert!(decode_packet(good).is_ok());
    let with = |i: usize, b: u8| {
        let mut v = good.to_vec();
        v[i] = b;
        v
    };
    assert_eq!(decode_packet(&with(4, b'X')), Err(InvalidProtocol));
    assert_eq!(decode_packet(&with(8, 3)), Err(InvalidProtocol)); // level 3
    assert_eq!(decode_packet(&with(9, 0x01)), Err(ReservedBits)); // reserved bit 0
    assert_eq!(decode_packet(&with(9, 0x20)), Err(ReservedBits)); // will retain, no will
    assert_eq!(decode_packet(&with(9, 0x08)), Err(ReservedBits)); // will QoS, no will
    assert_eq!(decode_packet(&with(9, 0x40)), Err(ReservedBits)); // password, no user
    assert_eq!(decode_packet(&with(9, 0x80)), Err(Truncated)); // user flag, no field
    assert_eq!(decode_packet(&with(9, 0x1C)), Err(InvalidQoS)); // will QoS 3
    assert_eq!(decode_packet(&with(14, 0xFF)), Err(InvalidString)); // client id not UTF-8
    assert_eq!(
        decode_packet(b"\x10\x0A\x00\x04MQTT\x04\x00\x00\x00"),
        Err(Truncated)
    );
    assert_eq!(
        decode_packet(b"\x10\x11\x00\x04MQTT\x04\x00\x00\x00\x00\x041234!"),
        Err(InvalidLength)
    );
    assert_eq!(
        decode_packet(b"\x11\x10\x00\x04MQTT\x04\x00\x00\x00\x00\x041234"),
        Err(InvalidFlags)
    );
    // Will topic must be a topic name.
    assert_eq!(
        decode_packet(b"\x10\x11\x00\x04MQTT\x04\x04\x00\x00\x00\x00\x00\x01#\x00\x00"),
        Err(InvalidTopic)
    );
}
