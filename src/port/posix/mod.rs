//! Host port: BSD sockets and threads (Linux and other POSIX systems with std).
//!
//! One MQTT thread per client, created by `create` and joined by `delete`, as in the
//! original: it receives and processes everything from the broker, runs the keep-alive and
//! calls the callbacks. It sleeps in `poll()` on the socket, a wake-up pipe and the next
//! keep-alive deadline. API calls take the client lock (recursive for its owner, so callbacks
//! may call the API), queue work in the session, send what the socket takes at once and wake
//! the thread for the rest; blocking calls wait on the lock's condition variable.
//!
//! Time: 100 ticks per second (`NX_IP_PERIODIC_RATE`) from the monotonic clock
//! (`std::time::Instant`, `CLOCK_MONOTONIC` on Linux).
//!
//! Memory: the session's buffers are large on the host (see the capacity constants) and live
//! on the heap with the rest of the client; the control block only holds a handle
//! ([`Slot`]). The `ip_ptr`, `pool_ptr`, stack and priority arguments of create are not used
//! on this port (the thread gets its own stack), nor are `memory_ptr`/`memory_size` (ignored
//! on every port, as in the original).

mod lock;
mod tcp;

pub use lock::RecursiveLock;
pub use tcp::TcpTransport;

use core::cell::RefCell;
use core::ops::Deref;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use super::{CreateError, CreateParams};
use crate::client::{Client, Config, Hooks, Interest, Port, Tick, Waited};

/// Largest inbound packet (frame reader): 256 KiB.
pub const RX_CAPACITY: usize = 256 * 1024;
/// Receive queue: 512 KiB of whole PUBLISH frames.
pub const QUEUE_CAPACITY: usize = 512 * 1024;
/// In-flight store: 512 KiB of QoS 1/2 PUBLISH copies for resend.
pub const STORE_CAPACITY: usize = 512 * 1024;
/// Transmit queue: 256 KiB.
pub const TX_CAPACITY: usize = 256 * 1024;
/// In-flight records (outbound QoS 1/2, SUBSCRIBE/UNSUBSCRIBE, inbound QoS 2 ids).
pub const INFLIGHT_CAPACITY: usize = 1024;
/// Socket staging buffers, each way.
pub const IO_CAPACITY: usize = 16 * 1024;

/// The client on this port.
pub type Core<U> = Client<
    TcpTransport,
    U,
    RX_CAPACITY,
    QUEUE_CAPACITY,
    STORE_CAPACITY,
    TX_CAPACITY,
    INFLIGHT_CAPACITY,
    IO_CAPACITY,
>;

/// Longest single sleep of a callback that waits on the MQTT thread itself.
const INLINE_POLL_MAX: Duration = Duration::from_millis(20);

/// Everything one client needs, shared by the control block's [`Slot`] and the MQTT thread.
pub struct Shared<U, H> {
    lock: RecursiveLock,
    core: RefCell<Core<U>>,
    hooks: H,
    epoch: Instant,
    ticks_per_second: u32,
    wake_rd: OwnedFd,
    wake_wr: OwnedFd,
    stop: AtomicBool,
    worker: ThreadId,
    join: Mutex<Option<JoinHandle<()>>>,
}

// SAFETY: the only non-Sync part is `core` (a RefCell). It is reached exclusively through
// `Guard`, which exists only while the current thread owns `lock`, so no two threads ever
// touch the cell at the same time. `U` and `H` are Send (and `H` Sync) by the bounds.
unsafe impl<U: Send, H: Send + Sync> Sync for Shared<U, H> {}

/// Proof of holding the client lock (see [`Port::Guard`]).
pub struct Guard<'a, U, H> {
    shared: &'a Shared<U, H>,
}

impl<U, H> Deref for Guard<'_, U, H> {
    type Target = RefCell<Core<U>>;
    fn deref(&self) -> &Self::Target {
        &self.shared.core
    }
}

impl<U, H> Drop for Guard<'_, U, H> {
    fn drop(&mut self) {
        self.shared.lock.unlock();
    }
}

impl<U, H> Shared<U, H> {
    fn ticks_since_epoch(&self) -> Tick {
        let d = self.epoch.elapsed();
        let ticks = d.as_secs() as u128 * u128::from(self.ticks_per_second)
            + u128::from(d.subsec_nanos()) * u128::from(self.ticks_per_second) / 1_000_000_000;
        ticks as Tick
    }

    /// Duration from now until the absolute tick `deadline` (zero if past).
    fn until(&self, deadline: Tick) -> Duration {
        let left = deadline.wrapping_sub(self.ticks_since_epoch()) as i32;
        if left <= 0 {
            return Duration::ZERO;
        }
        let tps = u64::from(self.ticks_per_second.max(1));
        Duration::from_nanos(left as u64 * 1_000_000_000 / tps) + Duration::from_millis(1)
    }

    fn signal(&self) {
        let b = 1u8;
        // SAFETY: valid pipe descriptor; pointer to one live byte. A full pipe (EAGAIN) means
        // a wake-up is already pending, which is all we need.
        unsafe {
            libc::write(self.wake_wr.as_raw_fd(), (&b as *const u8).cast(), 1);
        }
    }

    fn drain_wakeups(&self) {
        let mut buf = [0u8; 64];
        loop {
            // SAFETY: valid non-blocking pipe descriptor; pointer and length describe `buf`.
            let n =
                unsafe { libc::read(self.wake_rd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
        }
    }

    /// Sleeps in `poll()` on the wake-up pipe and the socket until one is ready or `timeout`.
    fn poll_io(&self, fd: Option<RawFd>, interest: Interest, timeout: Option<Duration>) {
        let mut fds = [
            libc::pollfd {
                fd: self.wake_rd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: -1,
                events: 0,
                revents: 0,
            },
        ];
        let mut events = 0;
        if interest.read {
            events |= libc::POLLIN;
        }
        if interest.write {
            events |= libc::POLLOUT;
        }
        if let Some(fd) = fd {
            fds[1] = libc::pollfd {
                fd,
                events,
                revents: 0,
            };
        }
        let ms: libc::c_int = if interest.busy {
            0
        } else {
            match timeout {
                None => -1,
                Some(t) => t.as_millis().min(i32::MAX as u128) as libc::c_int,
            }
        };
        // SAFETY: two valid pollfd entries (a negative fd is ignored by poll).
        unsafe {
            libc::poll(fds.as_mut_ptr(), 2, ms);
        }
        if fds[0].revents != 0 {
            self.drain_wakeups();
        }
    }
}

impl<U, H: Hooks<Core<U>>> Port for Shared<U, H> {
    type Core = Core<U>;
    type Hooks = H;
    type Guard<'a>
        = Guard<'a, U, H>
    where
        Self: 'a;

    fn lock(&self) -> Guard<'_, U, H> {
        self.lock.lock();
        Guard { shared: self }
    }

    fn hooks(&self) -> &H {
        &self.hooks
    }

    fn now(&self) -> Tick {
        self.ticks_since_epoch()
    }

    fn wake(&self) {
        if thread::current().id() != self.worker {
            self.signal();
        }
    }

    fn wait(&self, guard: &mut Guard<'_, U, H>, deadline: Option<Tick>) -> Waited {
        let timeout = deadline.map(|d| self.until(d));
        if thread::current().id() == self.worker {
            // A callback waits for something only this thread can do: sleep on the socket
            // (briefly, lock held) and let the caller drive the client.
            let (fd, interest) = {
                let c = guard.borrow();
                (c.transport().fd(), c.io_interest())
            };
            let t = timeout.map_or(INLINE_POLL_MAX, |t| t.min(INLINE_POLL_MAX));
            self.poll_io(fd, interest, Some(t));
            return Waited::MustPump;
        }
        self.lock.wait_for_progress(timeout);
        Waited::Slept
    }
}

/// The MQTT thread.
fn worker<U, H: Hooks<Core<U>>>(shared: Arc<Shared<U, H>>) {
    loop {
        let (fd, interest, deadline) = {
            let g = shared.lock();
            if shared.stop.load(Ordering::Acquire) {
                break;
            }
            Client::drive(&*shared, &g);
            let c = g.borrow();
            (c.transport().fd(), c.io_interest(), c.next_deadline())
        };
        let timeout = deadline.map(|d| shared.until(d));
        shared.poll_io(fd, interest, timeout);
    }
}

fn pipe() -> Option<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pointer to two writable c_ints, as pipe2 requires.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
        return None;
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Some(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// This port's state inside the C control block: a handle to the heap state and the address
/// of the block it was created for (a moved or copied block is refused).
#[repr(C)]
pub struct Slot<U, H> {
    shared: Option<Arc<Shared<U, H>>>,
    owner: usize,
}

impl<U, H> Slot<U, H>
where
    U: Send + 'static,
    H: Hooks<Core<U>> + Send + Sync + 'static,
{
    /// Creates the client for the control block at `owner` and starts its MQTT thread.
    pub fn create(
        owner: usize,
        config: Config,
        user: U,
        hooks: H,
        params: &CreateParams,
    ) -> Result<Self, CreateError> {
        let _ = params; // stack, priority, IP and pool concern the NetX port only
        let (wake_rd, wake_wr) = pipe().ok_or(CreateError::Resources)?;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Arc<Shared<U, H>>>(1);
        // The client is large; it is built on the new thread, whose stack is sized for it,
        // and moved to the heap there.
        let stack = 8 * 1024 * 1024 + 4 * core::mem::size_of::<Core<U>>();
        let handle = thread::Builder::new()
            .name("nxd_mqtt".into())
            .stack_size(stack)
            .spawn(move || {
                let shared = Arc::new(Shared {
                    lock: RecursiveLock::new(),
                    core: RefCell::new(Client::new(config, TcpTransport::new(), user)),
                    hooks,
                    epoch: Instant::now(),
                    ticks_per_second: config.ticks_per_second.max(1),
                    wake_rd,
                    wake_wr,
                    stop: AtomicBool::new(false),
                    worker: thread::current().id(),
                    join: Mutex::new(None),
                });
                if tx.send(shared.clone()).is_ok() {
                    worker(shared);
                }
            })
            .map_err(|_| CreateError::Resources)?;
        let shared = rx.recv().map_err(|_| CreateError::Resources)?;
        *shared.join.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
        Ok(Slot {
            shared: Some(shared),
            owner,
        })
    }

    /// The client, if this slot belongs to the block at `owner` and was not destroyed.
    pub fn get(&self, owner: usize) -> Option<Arc<Shared<U, H>>> {
        if self.owner != owner {
            return None;
        }
        self.shared.clone()
    }

    /// Stops and joins the MQTT thread (unless called on it, e.g. from a callback: then the
    /// thread ends by itself after the callback returns) and releases the client.
    pub fn destroy(&mut self) {
        let Some(shared) = self.shared.take() else {
            return;
        };
        self.owner = 0;
        shared.stop.store(true, Ordering::Release);
        shared.signal();
        let handle = shared
            .join
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(h) = handle {
            if thread::current().id() != shared.worker {
                let _ = h.join();
            }
        }
    }
}
