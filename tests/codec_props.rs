//! Property tests with a small deterministic PRNG: random packets of every type round-trip
//! through encode/decode, `encode_chunk` windows concatenate to `encode`, and the frame reader
//! returns every packet whatever the split of its input (every 2-way split, 1-byte feeding,
//! many packets in one call), skipping oversize packets without losing the next one.

use nxd_mqtt::codec::{
    decode_inbound, decode_packet, encode_chunk, encode_parts, fuzz_check_decode, parts_len,
    Connect, DecodeError, EncodeError, Frame, FrameReader, Packet, Publish, QoS, SubscribeTopic,
    Topics, Will,
};

/// xorshift64*: small, deterministic, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bool(&mut self) -> bool {
        self.next() & 1 == 1
    }
    /// Mostly short lengths, sometimes long ones (to exercise 2- and 3-byte remaining lengths).
    fn len(&mut self, max: usize) -> usize {
        match self.below(10) {
            0 => self.below(max + 1),
            1..=3 => self.below(max.min(200) + 1),
            _ => self.below(max.min(12) + 1),
        }
    }
    fn qos(&mut self) -> QoS {
        QoS::from_u8(self.below(3) as u8).unwrap()
    }
    fn id(&mut self) -> u16 {
        1 + self.below(0xFFFF) as u16
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.len(max);
        (0..n).map(|_| self.next() as u8).collect()
    }
    /// A valid MQTT UTF-8 string of about `max` bytes; no `+`/`#` unless `wild`.
    fn text(&mut self, max: usize, nonempty: bool) -> String {
        const CHARS: [char; 16] = [
            'a',
            'b',
            'Z',
            '0',
            '/',
            ' ',
            '~',
            '\u{7F}',
            'é',
            'ß',
            '\u{7FF}',
            '\u{800}',
            '€',
            '\u{FFFF}',
            '😀',
            '\u{10FFFF}',
        ];
        let n = self.len(max).max(usize::from(nonempty));
        let mut s = String::new();
        while s.len() < n {
            s.push(CHARS[self.below(CHARS.len())]);
        }
        s
    }
    fn filter(&mut self) -> String {
        const LEVELS: [&str; 7] = ["a", "sport", "+", "", "é€", "+", "x y"];
        let n = 1 + self.below(5);
        let mut levels: Vec<&str> = (0..n).map(|_| LEVELS[self.below(LEVELS.len())]).collect();
        if self.below(4) == 0 {
            levels.push("#");
        }
        let s = levels.join("/");
        if s.is_empty() {
            "+".into()
        } else {
            s
        }
    }
}

/// Owned data for one random packet; [`Owned::packet`] borrows it as a [`Packet`].
#[derive(Debug)]
struct Owned {
    kind: u8,
    a: String,
    b: Vec<u8>,
    c: String,
    d: Vec<u8>,
    e: String,
    filters: Vec<(String, QoS)>,
    codes: Vec<u8>,
    id: u16,
    qos: QoS,
    flags: [bool; 6],
    keep_alive: u16,
    byte: u8,
}

impl Owned {
    fn random(rng: &mut Rng, kind: u8, max_payload: usize) -> Owned {
        let n = 1 + rng.below(4) + if rng.below(10) == 0 { 20 } else { 0 };
        let filters = (0..n).map(|_| (rng.filter(), rng.qos())).collect();
        let codes = (0..n).map(|_| [0u8, 1, 2, 0x80][rng.below(4)]).collect();
        Owned {
            kind,
            a: rng.text(300, true),
            b: rng.bytes(max_payload),
            c: rng.text(40, false),
            d: rng.bytes(40),
            e: rng.text(40, false),
            filters,
            codes,
            id: rng.id(),
            qos: rng.qos(),
            flags: core::array::from_fn(|_| rng.bool()),
            keep_alive: rng.next() as u16,
            byte: rng.next() as u8,
        }
    }

    fn list(&self) -> Vec<SubscribeTopic<'_>> {
        self.filters
            .iter()
            .map(|(f, q)| SubscribeTopic {
                filter: f.as_bytes(),
                qos: *q,
            })
            .collect()
    }

    fn packet<'a>(&'a self, list: &'a [SubscribeTopic<'a>]) -> Packet<'a> {
        let f = self.flags;
        match self.kind {
            1 => Packet::Connect(Connect {
                keep_alive: self.keep_alive,
                clean_session: f[0],
                client_id: self.c.as_bytes(),
                will: f[1].then_some(Will {
                    topic: self.a.as_bytes(),
                    message: &self.d,
                    qos: self.qos,
                    retain: f[2],
                }),
                username: f[3].then_some(self.e.as_bytes()),
                // A password is only sent with a user name.
                password: (f[3] && f[4]).then_some(&self.b[..self.b.len().min(100)]),
            }),
            2 => Packet::Connack {
                session_present: f[0],
                return_code: self.byte,
            },
            3 => Packet::Publish(Publish {
                dup: f[0] && self.qos != QoS::AtMostOnce,
                qos: self.qos,
                retain: f[1],
                topic: self.a.as_bytes(),
                packet_id: (self.qos != QoS::AtMostOnce).then_some(self.id),
                payload: &self.b,
            }),
            4 => Packet::Puback(self.id),
            5 => Packet::Pubrec(self.id),
            6 => Packet::Pubrel(self.id),
            7 => Packet::Pubcomp(self.id),
            8 => Packet::Subscribe {
                packet_id: self.id,
                topics: Topics::List(list),
            },
            9 => Packet::Suback {
                packet_id: self.id,
                return_codes: &self.codes,
            },
            10 => Packet::Unsubscribe {
                packet_id: self.id,
                topics: Topics::List(list),
            },
            11 => Packet::Unsuback(self.id),
            12 => Packet::Pingreq,
            13 => Packet::Pingresp,
            _ => Packet::Disconnect,
        }
    }
}

fn encode(p: &Packet<'_>) -> Vec<u8> {
    let mut v = vec![0u8; p.encoded_len().unwrap()];
    assert_eq!(p.encode(&mut v), Ok(v.len()));
    v
}

/// Structural equality with topic lists compared by content (List vs Wire).
fn same(a: &Packet<'_>, b: &Packet<'_>) -> bool {
    match (a, b) {
        (
            Packet::Subscribe {
                packet_id: x,
                topics: tx,
            },
            Packet::Subscribe {
                packet_id: y,
                topics: ty,
            },
        ) => x == y && tx.iter().eq(ty.iter()),
        (
            Packet::Unsubscribe {
                packet_id: x,
                topics: tx,
            },
            Packet::Unsubscribe {
                packet_id: y,
                topics: ty,
            },
        ) => x == y && tx.iter().map(|t| t.filter).eq(ty.iter().map(|t| t.filter)),
        _ => a == b,
    }
}

fn is_server_only(kind: u8) -> bool {
    matches!(kind, 1 | 8 | 10 | 12 | 14)
}

/// Runs `f` on `count` random packets of every type (kinds 1..=14 in turn).
fn for_random_packets(
    seed: u64,
    count: usize,
    max_payload: usize,
    mut f: impl FnMut(&Owned, Packet<'_>, &[u8]),
) {
    let mut rng = Rng(seed);
    for i in 0..count {
        let owned = Owned::random(&mut rng, 1 + (i % 14) as u8, max_payload);
        let list = owned.list();
        let p = owned.packet(&list);
        let bytes = encode(&p);
        f(&owned, p, &bytes);
    }
}

#[test]
fn round_trip_every_type() {
    let mut per_type = [0usize; 15];
    for_random_packets(0x5EED_0001, 14_000, 20_000, |owned, p, bytes| {
        per_type[owned.kind as usize] += 1;
        let decoded = decode_packet(bytes).unwrap_or_else(|e| panic!("{e:?} decoding {p:?}"));
        assert!(same(&decoded, &p), "{decoded:?} != {p:?}");
        // The decoded form re-encodes to the same bytes.
        assert_eq!(encode(&decoded), bytes);
        match decode_inbound(bytes) {
            Err(DecodeError::ServerOnlyPacket(t)) => {
                assert!(is_server_only(owned.kind));
                assert_eq!(t as u8, owned.kind);
            }
            other => {
                assert!(!is_server_only(owned.kind));
                assert_eq!(other, Ok(decoded));
            }
        }
        // Any truncation is refused, never a panic.
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode_packet(&bytes[..cut]).is_err());
        }
    });
    assert!(per_type[1..].iter().all(|&n| n == 1000), "{per_type:?}");
}

#[test]
fn decoded_topic_lists_iterate_like_the_input() {
    for_random_packets(0x5EED_0002, 2_000, 10, |owned, p, bytes| {
        if let Packet::Subscribe { topics, .. } = decode_packet(bytes).unwrap() {
            let got: Vec<_> = topics.iter().map(|t| (t.filter.to_vec(), t.qos)).collect();
            let want: Vec<_> = owned
                .filters
                .iter()
                .map(|(f, q)| (f.as_bytes().to_vec(), *q))
                .collect();
            assert_eq!(got, want, "{p:?}");
        }
        if let Packet::Unsubscribe { topics, .. } = decode_packet(bytes).unwrap() {
            let got: Vec<_> = topics.iter().map(|t| (t.filter.to_vec(), t.qos)).collect();
            let want: Vec<_> = owned
                .filters
                .iter()
                .map(|(f, _)| (f.as_bytes().to_vec(), QoS::AtMostOnce))
                .collect();
            assert_eq!(got, want);
        }
    });
}

#[test]
fn encode_chunk_concatenates_to_encode() {
    let mut rng = Rng(0xC4A7);
    for_random_packets(0x5EED_0003, 7_000, 5_000, |_, p, bytes| {
        let mut out = Vec::new();
        let mut buf = [0u8; 300];
        loop {
            let size = match rng.below(4) {
                0 => 1,
                1 => rng.below(8),
                2 => rng.below(300) + 1,
                _ => rng.below(40) + 1,
            };
            let n = encode_chunk(&p, out.len(), &mut buf[..size]).unwrap();
            assert!(n <= size);
            if n == 0 && size > 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, bytes);
        // Past the end: nothing.
        assert_eq!(
            encode_chunk(&p, bytes.len() + rng.below(5), &mut buf),
            Ok(0)
        );
    });
}

/// The first byte, body parts and field mask of a packet a client sends, laid out as the
/// session does (CONNECT, PUBLISH, SUBSCRIBE/UNSUBSCRIBE with one filter); `None` for others.
fn client_parts<'a>(p: &Packet<'a>, scratch: &'a mut [u8; 13]) -> Option<(u8, Vec<&'a [u8]>, u32)> {
    let [fixed, rest] = scratch.split_at_mut(10).into();
    Some(match p {
        Packet::Connect(c) => {
            let mut flags = u8::from(c.clean_session) << 1;
            let mut parts: Vec<&[u8]> = vec![&[], c.client_id];
            let mut fields = 0b10;
            if let Some(w) = c.will {
                flags |= 0x04 | ((w.qos as u8) << 3) | (u8::from(w.retain) << 5);
                fields |= 0b1100;
                parts.extend([w.topic, w.message]);
            }
            if let Some(u) = c.username {
                flags |= 0x80;
                fields |= 1 << parts.len();
                parts.push(u);
                if let Some(pw) = c.password {
                    flags |= 0x40;
                    fields |= 1 << parts.len();
                    parts.push(pw);
                }
            }
            let [hi, lo] = c.keep_alive.to_be_bytes();
            fixed.copy_from_slice(&[0, 4, b'M', b'Q', b'T', b'T', 4, flags, hi, lo]);
            parts[0] = fixed;
            (0x10, parts, fields)
        }
        Packet::Publish(x) => {
            let header = 0x30 | (u8::from(x.dup) << 3) | ((x.qos as u8) << 1) | u8::from(x.retain);
            let id: &[u8] = match x.packet_id {
                Some(id) => {
                    rest[..2].copy_from_slice(&id.to_be_bytes());
                    &rest[..2]
                }
                None => &[],
            };
            (header, vec![x.topic, id, x.payload], 0b001)
        }
        Packet::Subscribe { packet_id, topics } | Packet::Unsubscribe { packet_id, topics } => {
            let list: Vec<_> = topics.iter().collect();
            if list.len() != 1 {
                return None;
            }
            let subscribe = matches!(p, Packet::Subscribe { .. });
            rest.copy_from_slice(&[0, 0, list[0].qos as u8]);
            rest[..2].copy_from_slice(&packet_id.to_be_bytes());
            let (id, qos) = rest.split_at(2);
            let mut parts = vec![id, list[0].filter];
            if subscribe {
                parts.push(qos);
            }
            (if subscribe { 0x82 } else { 0xA2 }, parts, 0b010)
        }
        _ => return None,
    })
}

#[test]
fn encode_parts_matches_encode_for_client_packets() {
    let mut checked = [0usize; 4];
    for_random_packets(0x5EED_0005, 14_000, 3_000, |_, p, bytes| {
        let mut scratch = [0u8; 13];
        let Some((header, parts, fields)) = client_parts(&p, &mut scratch) else {
            return;
        };
        checked[match p {
            Packet::Connect(_) => 0,
            Packet::Publish(_) => 1,
            Packet::Subscribe { .. } => 2,
            _ => 3,
        }] += 1;
        assert_eq!(parts_len(&parts, fields), Ok(bytes.len()), "{p:?}");
        let mut buf = vec![0xEE; bytes.len() + 3];
        assert_eq!(
            encode_parts(header, &parts, fields, &mut buf),
            Ok(bytes.len())
        );
        assert_eq!(&buf[..bytes.len()], bytes, "{p:?}");
        assert_eq!(
            &buf[bytes.len()..],
            [0xEE; 3],
            "nothing written past the packet"
        );
        // A buffer one byte short: refused, nothing written.
        let mut short = vec![0xEE; bytes.len() - 1];
        assert_eq!(
            encode_parts(header, &parts, fields, &mut short),
            Err(EncodeError::BufferTooSmall {
                required: bytes.len()
            })
        );
        assert!(short.iter().all(|&b| b == 0xEE));
    });
    assert!(checked.iter().all(|&n| n > 100), "{checked:?}");
    // Field limits: 65,535 bytes are fine, one more is refused; raw parts have no limit.
    let big = vec![b'a'; 65_536];
    assert_eq!(parts_len(&[&big[..65_535]], 1), Ok(1 + 3 + 2 + 65_535));
    assert_eq!(
        parts_len(&[&[], &big], 0b10),
        Err(EncodeError::FieldTooLong)
    );
    assert_eq!(
        encode_parts(0x30, &[&big], 1, &mut [0; 8]),
        Err(EncodeError::FieldTooLong)
    );
    assert_eq!(parts_len(&[&big, &[]], 0b10), Ok(1 + 3 + 65_536 + 2));
}

#[test]
fn fuzz_invariants_hold_on_random_packets() {
    for_random_packets(0x5EED_0004, 3_000, 300, |_, _, bytes| {
        fuzz_check_decode(bytes)
    });
}

#[test]
fn reader_every_two_way_split() {
    let mut frames = 0;
    for_random_packets(0x5EED_0005, 1_400, 60, |_, _, bytes| {
        for split in 0..=bytes.len() {
            let mut reader = FrameReader::<1024>::new(1024);
            let mut first = &bytes[..split];
            let got = reader.next_frame(&mut first);
            assert!(first.is_empty());
            let mut second = &bytes[split..];
            if split == bytes.len() {
                // The frame is returned as soon as its last byte is consumed.
                assert_eq!(got, Ok(Some(Frame::Packet(bytes))));
                assert_eq!(reader.next_frame(&mut second), Ok(None));
            } else {
                assert_eq!(got, Ok(None));
                assert_eq!(reader.buffered(), split);
                let got = reader.next_frame(&mut second);
                assert_eq!(got, Ok(Some(Frame::Packet(bytes))), "split {split}");
                assert!(second.is_empty());
            }
            frames += 1;
        }
    });
    assert!(frames > 10_000);
}

#[test]
fn reader_one_byte_at_a_time() {
    for_random_packets(0x5EED_0006, 2_800, 300, |_, _, bytes| {
        let mut reader = FrameReader::<512>::new(usize::MAX);
        for (i, b) in bytes.iter().enumerate() {
            let mut input = core::slice::from_ref(b);
            let got = reader.next_frame(&mut input);
            assert!(input.is_empty());
            if i + 1 < bytes.len() {
                assert_eq!(got, Ok(None));
                assert_eq!(reader.buffered(), i + 1);
            } else {
                assert_eq!(got, Ok(Some(Frame::Packet(bytes))));
            }
        }
    });
}

/// Builds a stream of random packets; returns it with each packet's bytes.
fn stream(seed: u64, count: usize, max_payload: usize) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut each = Vec::new();
    for_random_packets(seed, count, max_payload, |_, _, bytes| {
        each.push(bytes.to_vec())
    });
    // Shuffle the order of types deterministically.
    let mut rng = Rng(seed ^ 0xFF);
    for i in (1..each.len()).rev() {
        each.swap(i, rng.below(i + 1));
    }
    let all = each.concat();
    (all, each)
}

/// What a reader of capacity `cap` must report for `bytes`.
fn expected(bytes: &[u8], cap: usize) -> Frame<'_> {
    if bytes.len() <= cap {
        Frame::Packet(bytes)
    } else {
        let (rl, _) = nxd_mqtt::codec::decode_remaining_length(&bytes[1..])
            .unwrap()
            .unwrap();
        Frame::Oversize {
            header: bytes[0],
            remaining_length: rl,
            prefix: &bytes[..cap],
        }
    }
}

#[test]
fn reader_many_packets_in_one_call() {
    let (all, each) = stream(0x5EED_0007, 1_400, 400);
    let mut reader = FrameReader::<2048>::new(2048);
    let mut input = &all[..];
    for bytes in &each {
        let before = input.len();
        assert_eq!(
            reader.next_frame(&mut input),
            Ok(Some(Frame::Packet(bytes)))
        );
        // Input consumed exactly up to the end of the frame.
        assert_eq!(before - input.len(), bytes.len());
        assert_eq!(reader.current(), Some(Frame::Packet(bytes)));
    }
    assert!(input.is_empty());
    assert_eq!(reader.next_frame(&mut input), Ok(None));
    assert_eq!(reader.current(), None);
}

#[test]
fn reader_random_chunks_with_oversize_packets() {
    for (seed, cap_n) in [(1u64, 7usize), (2, 16), (3, 40), (4, 100), (5, 333), (6, 0)] {
        let (all, each) = stream(0x5EED_1000 + seed, 700, 500);
        let mut rng = Rng(seed);
        let mut reader = FrameReader::<400>::new(cap_n);
        let cap = cap_n.min(400);
        let mut got: Vec<String> = Vec::new();
        let mut pos = 0;
        while pos < all.len() {
            let span = if rng.bool() { 5 } else { 900 };
            let end = (pos + 1 + rng.below(span)).min(all.len());
            let mut input = &all[pos..end];
            loop {
                let before = input.len();
                let r = reader.next_frame(&mut input).unwrap();
                pos += before - input.len();
                match r {
                    Some(f) => got.push(format!("{f:?}")),
                    None => break,
                }
            }
        }
        let want: Vec<String> = each
            .iter()
            .map(|b| format!("{:?}", expected(b, cap)))
            .collect();
        assert_eq!(got.len(), want.len());
        assert_eq!(got, want, "cap {cap}");
        assert!(
            each.iter().any(|b| b.len() > cap),
            "no oversize packet with cap {cap}"
        );
    }
}

#[test]
fn oversize_publish_prefix_lets_the_session_acknowledge() {
    // The session reads topic and packet id from the prefix of a skipped PUBLISH.
    let payload = vec![7u8; 5000];
    let p = Packet::Publish(Publish {
        dup: false,
        qos: QoS::ExactlyOnce,
        retain: false,
        topic: b"big/topic",
        packet_id: Some(0x4242),
        payload: &payload,
    });
    let mut stream = encode(&p);
    stream.extend_from_slice(&encode(&p)); // twice, then a PINGRESP
    stream.extend_from_slice(b"\xD0\x00");
    let mut reader = FrameReader::<64>::new(64);
    let mut input = &stream[..];
    for _ in 0..2 {
        match reader.next_frame(&mut input).unwrap() {
            Some(Frame::Oversize {
                header,
                remaining_length,
                prefix,
            }) => {
                assert_eq!(header, 0x34);
                assert_eq!(remaining_length, 2 + 9 + 2 + 5000);
                assert_eq!(prefix.len(), 64);
                // Fixed header is 3 bytes here (remaining length 5013 needs two).
                let topic_len = u16::from_be_bytes([prefix[3], prefix[4]]) as usize;
                assert_eq!(&prefix[5..5 + topic_len], b"big/topic");
                assert_eq!(&prefix[5 + topic_len..7 + topic_len], &[0x42, 0x42]);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        reader.next_frame(&mut input),
        Ok(Some(Frame::Packet(b"\xD0\x00")))
    );
    assert!(input.is_empty());
}

#[test]
fn reader_limit_boundaries() {
    // A packet of exactly the capacity is returned whole; one byte more is oversize.
    for cap in [2usize, 3, 5, 6, 130, 200] {
        let payload = vec![1u8; 300];
        for total in [cap - 1, cap, cap + 1] {
            if total < 5 {
                continue;
            }
            // A PUBLISH QoS 0 of exactly `total` bytes, if there is one (no packet is 130 bytes
            // long: remaining length 127 takes one byte, 128 two).
            let publish = |n: usize| {
                Packet::Publish(Publish {
                    dup: false,
                    qos: QoS::AtMostOnce,
                    retain: false,
                    topic: b"t",
                    packet_id: None,
                    payload: &payload[..n],
                })
            };
            let Some(n) = (0..300).find(|&n| publish(n).encoded_len() == Ok(total)) else {
                continue;
            };
            let p = publish(n);
            let bytes = encode(&p);
            assert_eq!(bytes.len(), total);
            let mut reader = FrameReader::<200>::new(cap);
            let mut input = &bytes[..];
            assert_eq!(
                reader.next_frame(&mut input),
                Ok(Some(expected(&bytes, cap)))
            );
        }
    }
    // Capacity below the fixed header size still delimits frames.
    let mut reader = FrameReader::<1>::new(100);
    let mut input = &b"\x40\x02\x00\x01\xD0\x00"[..];
    assert_eq!(
        reader.next_frame(&mut input),
        Ok(Some(Frame::Oversize {
            header: 0x40,
            remaining_length: 2,
            prefix: b"\x40"
        }))
    );
    assert_eq!(
        reader.next_frame(&mut input),
        Ok(Some(Frame::Oversize {
            header: 0xD0,
            remaining_length: 0,
            prefix: b"\xD0"
        }))
    );
}
