//! The client lock of the host port: recursive for its owner (callbacks call the API on the
//! thread that holds it), with a "wait for progress" that releases it completely.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct State {
    owner: Option<ThreadId>,
    depth: usize,
    /// Counts final releases; a waiter sleeps until it changes.
    releases: u64,
}

/// A recursive lock with a progress condition.
#[derive(Debug)]
pub struct RecursiveLock {
    state: Mutex<State>,
    cv: Condvar,
}

impl Default for RecursiveLock {
    fn default() -> Self {
        Self::new()
    }
}

impl RecursiveLock {
    /// An unlocked lock.
    pub fn new() -> Self {
        RecursiveLock {
            state: Mutex::new(State {
                owner: None,
                depth: 0,
                releases: 0,
            }),
            cv: Condvar::new(),
        }
    }

    fn inner(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait_on<'a>(&self, s: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.cv.wait(s).unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the lock (again, if the calling thread owns it).
    pub fn lock(&self) {
        let me = thread::current().id();
        let mut s = self.inner();
        if s.owner == Some(me) {
            s.depth += 1;
            return;
        }
        while s.owner.is_some() {
            s = self.wait_on(s);
        }
        s.owner = Some(me);
        s.depth = 1;
    }

    /// True when the calling thread owns the lock.
    pub fn is_owned_by_current(&self) -> bool {
        self.inner().owner == Some(thread::current().id())
    }

    /// Releases one level; the final release wakes lock and progress waiters.
    pub fn unlock(&self) {
        let mut s = self.inner();
        debug_assert_eq!(
            s.owner,
            Some(thread::current().id()),
            "unlock by a thread that does not own the lock"
        );
        s.depth = s.depth.saturating_sub(1);
        if s.depth == 0 {
            s.owner = None;
            s.releases = s.releases.wrapping_add(1);
            drop(s);
            self.cv.notify_all();
        }
    }

    /// Releases the lock completely (whatever the depth), sleeps until another thread has
    /// taken and released it or `timeout` passed, then takes it back at the same depth.
    pub fn wait_for_progress(&self, timeout: Option<Duration>) {
        let me = thread::current().id();
        let mut s = self.inner();
        let depth = s.depth;
        s.owner = None;
        s.depth = 0;
        let seen = s.releases;
        self.cv.notify_all();
        let end = timeout.map(|t| Instant::now() + t);
        while s.releases == seen {
            match end {
                None => s = self.wait_on(s),
                Some(end) => {
                    let now = Instant::now();
                    if now >= end {
                        break;
                    }
                    s = self
                        .cv
                        .wait_timeout(s, end - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            }
        }
        while s.owner.is_some() {
            s = self.wait_on(s);
        }
        s.owner = Some(me);
        s.depth = depth.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn recursive_for_owner() {
        let l = RecursiveLock::new();
        l.lock();
        l.lock();
        assert!(l.is_owned_by_current());
        l.unlock();
        assert!(l.is_owned_by_current());
        l.unlock();
        assert!(!l.is_owned_by_current());
    }

    #[test]
    fn excludes_other_threads() {
        let l = Arc::new(RecursiveLock::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let mut threads = Vec::new();
        for _ in 0..4 {
            let (l, inside) = (l.clone(), inside.clone());
            threads.push(std::thread::spawn(move || {
                for _ in 0..200 {
                    l.lock();
                    l.lock();
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                    std::thread::yield_now();
                    inside.fetch_sub(1, Ordering::SeqCst);
                    l.unlock();
                    l.unlock();
                }
            }));
        }
        for t in threads {
            t.join().unwrap();
        }
    }

    #[test]
    fn wait_releases_and_restores_depth() {
        let l = Arc::new(RecursiveLock::new());
        l.lock();
        l.lock();
        let l2 = l.clone();
        let t = std::thread::spawn(move || {
            l2.lock();
            l2.unlock();
        });
        // Without the release in wait_for_progress the other thread could never finish.
        l.wait_for_progress(Some(Duration::from_secs(10)));
        t.join().unwrap();
        assert!(l.is_owned_by_current());
        l.unlock();
        assert!(l.is_owned_by_current());
        l.unlock();
        assert!(!l.is_owned_by_current());
    }

    #[test]
    fn wait_times_out() {
        let l = RecursiveLock::new();
        l.lock();
        let t0 = Instant::now();
        l.wait_for_progress(Some(Duration::from_millis(30)));
        assert!(t0.elapsed() >= Duration::from_millis(30));
        assert!(l.is_owned_by_current());
        l.unlock();
    }
}
