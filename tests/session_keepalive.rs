//! Keep-alive and ping timeout on a fake clock (spec §12): K = keep-alive × ticks per
//! second, P = check period, T = ping timeout.
mod session_common;
use nxd_mqtt::codec::QoS;
use nxd_mqtt::session::{CloseReason, Config, ConnectOptions, Event, State};
use session_common::*;

const K: u32 = 1000; // 10 s at 100 ticks/s
const P: u32 = 100;
const T: u32 = 100;

fn ka_session(keep_alive_secs: u32) -> Std {
    let mut h = std_session();
    h.connect_with(&ConnectOptions {
        keep_alive_secs,
        ..OPTS
    });
    h.feed_all(&[0x20, 2, 0, 0]);
    h.events();
    h
}

/// Runs the clock tick by tick (calling handle_timeout whenever poll_timeout says so) until
/// the client sends something or closes; returns the ticks elapsed and what happened.
fn run_until_output(h: &mut Std, limit: u32) -> (u32, Vec<u8>, Vec<Event>) {
    let start = h.now;
    for _ in 0..limit {
        h.now = h.now.wrapping_add(1);
        if let Some(t) = h.s.poll_timeout() {
            if (h.now.wrapping_sub(t) as i32) >= 0 {
                h.s.handle_timeout(h.now);
            }
        }
        let out = h.sent();
        let ev = h.events();
        if !out.is_empty() || !ev.is_empty() {
            return (h.now.wrapping_sub(start), out, ev);
        }
    }
    panic!("nothing happened within {limit} ticks");
}

#[test]
fn pingreq_within_the_window_before_the_deadline() {
    let mut h = ka_session(10);
    let (dt, out, ev) = run_until_output(&mut h, 2 * K);
    assert_eq!(out, vec![0xC0, 0]);
    assert!(ev.is_empty());
    assert!((K - P..=K).contains(&dt), "PINGREQ after {dt} ticks");
    assert!(h.s.ping_outstanding());
    h.feed_all(&[0xD0, 0]);
    assert!(!h.s.ping_outstanding());
    // next PINGREQ one keep-alive later again
    let (dt, out, _) = run_until_output(&mut h, 2 * K);
    assert_eq!(out, vec![0xC0, 0]);
    assert!((K - P..=K).contains(&dt), "PINGREQ after {dt} ticks");
    h.feed_all(&[0xD0, 0]);
    assert!(h.events().is_empty());
}

#[test]
fn any_transmission_pushes_the_deadline() {
    let mut h = ka_session(10);
    for _ in 0..5 {
        for _ in 0..(K / 2) {
            h.tick(1);
        }
        h.s.publish(h.now, b"t", b"x", QoS::AtMostOnce, false)
            .unwrap();
        assert_eq!(h.sent()[0], 0x30, "no PINGREQ while publishing every K/2");
    }
    let (dt, out, _) = run_until_output(&mut h, 2 * K);
    assert_eq!(out, vec![0xC0, 0]);
    assert!(dt <= K);
    // inbound traffic does not count: acks we send do
    h.feed_all(&[0xD0, 0]);
    h.feed_all(&publish(b"t", b"", 0, 0, false, false));
    assert_eq!(h.events(), vec![Event::MessageReceived { queued: 1 }]);
    let (dt, out, _) = run_until_output(&mut h, 2 * K);
    assert_eq!(out, vec![0xC0, 0]);
    assert!((K - P..=K).contains(&dt));
}

#[test]
fn missing_pingresp_closes_within_k_plus_t_plus_p() {
    let mut h = ka_session(10);
    let start = h.now;
    let (_, out, _) = run_until_output(&mut h, 2 * K);
    assert_eq!(out, vec![0xC0, 0]);
    let (_, out, ev) = run_until_output(&mut h, 2 * K);
    assert!(out.is_empty());
    assert_eq!(ev, vec![Event::CloseRequested(CloseReason::PingTimeout)]);
    let total = h.now.wrapping_sub(start);
    assert!(
        (K - P + T..=K + T + P).contains(&total),
        "closed after {total} ticks"
    );
    assert_eq!(h.s.poll_timeout(), None);
    assert_eq!(h.closed(), State::Connected);
    assert!(!h.s.ping_outstanding());
}

#[test]
fn late_pingresp_still_times_out() {
    let mut h = ka_session(10);
    run_until_output(&mut h, 2 * K);
    for _ in 0..T + P {
        h.tick(1);
    }
    assert_eq!(
        h.events(),
        vec![Event::CloseRequested(CloseReason::PingTimeout)]
    );
    assert_eq!(
        h.feed(&[0xD0, 0]),
        0,
        "no input taken after the close request"
    );
}

#[test]
fn pingresp_in_time_keeps_the_connection() {
    let mut h = ka_session(10);
    for _ in 0..10 {
        let (_, out, _) = run_until_output(&mut h, 2 * K);
        assert_eq!(out, vec![0xC0, 0]);
        for _ in 0..T / 2 {
            h.tick(1);
        }
        h.feed_all(&[0xD0, 0]);
    }
    assert!(h.events().is_empty());
    assert_eq!(h.s.state(), State::Connected);
}

#[test]
fn keepalive_zero_means_no_timer() {
    let mut h = ka_session(0);
    assert_eq!(h.s.poll_timeout(), None);
    for _ in 0..100 {
        h.tick(10_000);
    }
    assert!(h.sent().is_empty());
    assert!(h.events().is_empty());
}

#[test]
fn clock_wraps() {
    let mut h = std_session();
    h.now = u32::MAX - 500;
    h.connect_with(&ConnectOptions {
        keep_alive_secs: 10,
        ..OPTS
    });
    h.feed_all(&[0x20, 2, 0, 0]);
    h.events();
    let (dt, out, _) = run_until_output(&mut h, 2 * K);
    assert_eq!(out, vec![0xC0, 0]);
    assert!((K - P..=K).contains(&dt));
    let (dt, _, ev) = run_until_output(&mut h, 2 * K);
    assert_eq!(ev, vec![Event::CloseRequested(CloseReason::PingTimeout)]);
    assert!((T..=T + P).contains(&dt));
}

#[test]
fn late_handle_timeout_still_pings() {
    // the client wakes up long after the deadline: a PINGREQ goes out at once
    let mut h = ka_session(10);
    h.tick(5 * K);
    assert_eq!(h.sent(), vec![0xC0, 0]);
}

#[test]
fn keepalive_equal_to_the_period_pings_once_per_period() {
    // keep-alive 1 s with P = 1 s, as the original's keep-alive test
    let mut h = ka_session(1);
    let mut pings = 0;
    for _ in 0..1000 {
        h.tick(1);
        let out = h.sent();
        if !out.is_empty() {
            assert_eq!(out, vec![0xC0, 0]);
            pings += 1;
            h.feed_all(&[0xD0, 0]);
        }
    }
    assert!((9..=11).contains(&pings), "{pings} PINGREQs in 10 s");
}

#[test]
fn custom_timer_config() {
    let cfg = Config {
        keepalive_timer_rate: 10,
        ping_timeout_delay: 300,
        ..Config::DEFAULT
    };
    let mut h: Std = H::new(cfg);
    h.connect_with(&ConnectOptions {
        keep_alive_secs: 10,
        ..OPTS
    });
    h.feed_all(&[0x20, 2, 0, 0]);
    h.events();
    let (dt, _, _) = run_until_output(&mut h, 2 * K);
    assert!((K - 10..=K).contains(&dt));
    let (dt, _, ev) = run_until_output(&mut h, 2 * K);
    assert_eq!(ev, vec![Event::CloseRequested(CloseReason::PingTimeout)]);
    assert!((300..=310).contains(&dt), "{dt}");
}

#[test]
fn no_ping_while_connecting() {
    let mut h = std_session();
    h.connect_with(&ConnectOptions {
        keep_alive_secs: 1,
        ..OPTS
    });
    for _ in 0..500 {
        h.tick(10);
    }
    assert!(h.sent().is_empty());
    assert!(h.events().is_empty());
}
