//! The invariants the `decode` fuzz target checks, as a plain function so that the saved
//! corpus and the regression inputs are replayed by an ordinary `cargo test` as well.
//!
//! Panics (assertion failure) when an invariant is violated; that is its only purpose. Not part
//! of the API. Uses no heap, so it builds wherever the codec builds.

use super::{
    decode_inbound, decode_packet, decode_remaining_length, encode_chunk, packet_type, DecodeError,
    EncodeError, Frame, FrameReader, Packet, PacketType, QoS, SubscribeTopic, Topics,
};

/// Runs every decode invariant on `data`:
/// * `decode_inbound` agrees with `decode_packet` except for server-only packets;
/// * a decoded packet re-encodes to exactly `data` (`encoded_len`, `encode`, and
///   `encode_chunk` in varying window sizes; SUBSCRIBE/UNSUBSCRIBE also re-encoded from the
///   topic list their iterator yields);
/// * `FrameReader`s of several capacities, fed `data` in pseudo-random splits and one byte at
///   a time, yield exactly the frames, oversize reports and errors a direct scan of `data`
///   predicts, consuming input exactly up to each frame's end.
#[doc(hidden)]
pub fn fuzz_check_decode(data: &[u8]) {
    check_decoders(data);
    let seed = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let limit = (seed % 81) as usize;
    check_reader::<64>(data, limit, seed | 1, 0);
    check_reader::<64>(data, limit, seed | 1, 1);
    check_reader::<512>(data, usize::MAX, seed.rotate_left(17) | 1, 0);
    check_reader::<8>(data, 8, seed.rotate_left(33) | 1, 0);
}

fn check_decoders(data: &[u8]) {
    let any = decode_packet(data);
    let inbound = decode_inbound(data);
    match inbound {
        Err(DecodeError::ServerOnlyPacket(t)) => {
            assert_eq!(data.first().copied().and_then(packet_type), Some(t));
            assert!(matches!(
                t,
                PacketType::Connect
                    | PacketType::Subscribe
                    | PacketType::Unsubscribe
                    | PacketType::Pingreq
                    | PacketType::Disconnect
            ));
        }
        other => assert_eq!(other, any),
    }
    if let Ok(p) = any {
        if let (Packet::Connack { .. }, [a, b, flags, rest @ ..]) = (&p, data) {
            // The reserved acknowledge-flag bits are not kept: re-encoded without them.
            let mut canonical = [*a, *b, *flags & 1, 0];
            if let (Some(rc), Some(slot)) = (rest.first(), canonical.get_mut(3)) {
                *slot = *rc;
            }
            check_reencode(&p, canonical.get(..data.len()).unwrap_or(data));
        } else {
            check_reencode(&p, data);
        }
        match p {
            Packet::Subscribe { packet_id, topics } => {
                check_list(data, topics, |t| Packet::Subscribe {
                    packet_id,
                    topics: t,
                })
            }
            Packet::Unsubscribe { packet_id, topics } => {
                check_list(data, topics, |t| Packet::Unsubscribe {
                    packet_id,
                    topics: t,
                })
            }
            Packet::Publish(pb) => {
                assert_eq!(pb.packet_id.is_some(), pb.qos != QoS::AtMostOnce);
                assert_ne!(pb.packet_id, Some(0));
            }
            _ => {}
        }
    }
}

/// Re-encodes the topic list of a decoded SUBSCRIBE/UNSUBSCRIBE from its iterator.
fn check_list(data: &[u8], topics: Topics<'_>, make: impl Fn(Topics<'_>) -> Packet<'_>) {
    let mut list = [SubscribeTopic {
        filter: &[],
        qos: QoS::AtMostOnce,
    }; 32];
    let mut n = 0;
    for t in topics.iter() {
        if let Some(slot) = list.get_mut(n) {
            *slot = t;
        }
        n += 1;
    }
    assert!(n > 0);
    if let Some(list) = list.get(..n) {
        check_reencode(&make(Topics::List(list)), data);
    }
}

fn check_reencode(p: &Packet<'_>, frame: &[u8]) {
    assert_eq!(p.encoded_len(), Ok(frame.len()));
    let mut buf = [0u8; 256];
    if let Some(whole) = buf.get_mut(..frame.len()) {
        assert_eq!(p.encode(whole), Ok(frame.len()));
        assert_eq!(whole, frame);
        if let Some(short) = buf.get_mut(..frame.len() - 1) {
            assert_eq!(
                p.encode(short),
                Err(EncodeError::BufferTooSmall {
                    required: frame.len()
                })
            );
        }
    } else {
        assert_eq!(
            p.encode(&mut buf),
            Err(EncodeError::BufferTooSmall {
                required: frame.len()
            })
        );
    }
    let mut offset = 0;
    let mut window = 1 + frame.len() % 7;
    loop {
        let out = &mut buf[..window];
        let n = encode_chunk(p, offset, out).expect("re-encoding a decoded packet");
        if n == 0 {
            break;
        }
        assert_eq!(Some(&out[..n]), frame.get(offset..offset + n));
        offset += n;
        window = window % 61 + 3;
    }
    assert_eq!(offset, frame.len());
}

/// What a direct scan of `data` at `pos` predicts for a reader of capacity `cap`.
enum Expect<'a> {
    Frame(Frame<'a>, usize),
    Error,
    Incomplete,
}

fn expect(data: &[u8], pos: usize, cap: usize) -> Expect<'_> {
    let rest = &data[pos..];
    let Some((&header, after)) = rest.split_first() else {
        return Expect::Incomplete;
    };
    match decode_remaining_length(after) {
        Err(_) => Expect::Error,
        Ok(None) => Expect::Incomplete,
        Ok(Some((rl, used))) => {
            let total = 1 + used + rl as usize;
            match rest.get(..total) {
                None => Expect::Incomplete,
                Some(frame) if total <= cap => Expect::Frame(Frame::Packet(frame), total),
                Some(frame) => Expect::Frame(
                    Frame::Oversize {
                        header,
                        remaining_length: rl,
                        prefix: &frame[..cap],
                    },
                    total,
                ),
            }
        }
    }
}

/// Feeds `data` to a `FrameReader<N>` in chunks (`fixed` bytes each, or pseudo-random sizes
/// from `seed` when `fixed` is 0) and compares with [`expect`].
fn check_reader<const N: usize>(data: &[u8], limit: usize, mut seed: u64, fixed: usize) {
    let cap = N.min(limit);
    let mut reader = FrameReader::<N>::new(limit);
    assert_eq!(reader.capacity(), cap);
    let mut chunk_len = || {
        if fixed != 0 {
            return fixed;
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Mostly small chunks, sometimes everything at once.
        if seed % 8 == 0 {
            usize::MAX
        } else {
            1 + (seed >> 8) as usize % 9
        }
    };
    let mut pos = 0; // start of the frame expected next
    let mut fed: usize = 0; // input consumed by the reader
    loop {
        let exp = expect(data, pos, cap);
        loop {
            let end = fed.saturating_add(chunk_len()).min(data.len());
            let mut input = &data[fed..end];
            let before = input.len();
            let result = reader.next_frame(&mut input);
            fed += before - input.len();
            match (&exp, result) {
                (Expect::Error, Err(e)) => {
                    assert_eq!(e, DecodeError::MalformedRemainingLength);
                    assert!(fed <= pos + 5);
                    return;
                }
                (Expect::Frame(f, total), Ok(Some(got))) => {
                    assert_eq!(&got, f);
                    assert_eq!(fed, pos + total);
                    break;
                }
                (_, Ok(None)) => {
                    assert!(input.is_empty());
                    assert_eq!(reader.buffered(), fed - pos);
                    if fed == data.len() {
                        assert!(matches!(exp, Expect::Incomplete));
                        return;
                    }
                }
                (_, other) => panic!("reader gave {:?} at {}", other.map(|_| ()), pos),
            }
        }
        if let Expect::Frame(f, total) = exp {
            assert_eq!(reader.current().as_ref(), Some(&f));
            assert_eq!(reader.buffered(), 0);
            pos += total;
        }
    }
}
