//! ThreadX + NetX Duo port.
//!
//! As in the original client, each client has an MQTT thread running on the application's
//! stack at the application's priority (preemption threshold = that priority, time slice
//! `NXD_MQTT_CLIENT_THREAD_TIME_SLICE`), a ThreadX mutex (recursive for its owner, so callbacks
//! may call the API), an event-flag group, and a NetX TCP socket (window
//! `NXD_MQTT_CLIENT_SOCKET_WINDOW_SIZE`) on the application's IP instance. NetX's receive,
//! disconnect and (with `NX_ENABLE_EXTENDED_NOTIFY_SUPPORT`) establish notifies only set event
//! flags; the MQTT thread does all protocol work. Outbound packets come from the application's
//! pool ([`transport`]).
//!
//! Timing: the clock is `tx_time_get()` at `NX_IP_PERIODIC_RATE` ticks per second. There is
//! no keep-alive timer: the MQTT thread waits on its event flags with a timeout that ends at
//! the session's next deadline (PINGREQ due, PINGRESP late), which gives the original's
//! `NXD_MQTT_KEEPALIVE_TIMER_RATE` / `NXD_MQTT_PING_TIMEOUT_DELAY` behaviour (both passed to
//! the session) without a `TX_TIMER`. While a connect is in progress or the socket cannot take
//! more data (window full, pool exhausted) the thread re-checks every tick.
//!
//! Memory: the control block holds only the address of the block and the number of this
//! client's entry in a static table ([`config::MAX_CLIENTS`] entries, chosen when the library
//! is built). The entry holds the ThreadX / NetX control blocks and the client with its
//! buffers ([`config`]). Nothing is allocated at run time besides pool packets.
//!
//! Every ThreadX / NetX call goes through the C glue (`glue.c`), compiled with the
//! application's headers and configuration macros.

pub mod config;
mod sys;
pub mod transport;

use core::cell::{Cell, RefCell, UnsafeCell};
use core::mem::{align_of, size_of, MaybeUninit};
use core::ops::Deref;
use core::ptr::{self, addr_of_mut};
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

pub use config::{
    INFLIGHT_CAPACITY, IO_CAPACITY, MAX_CLIENTS, QUEUE_CAPACITY, RX_CAPACITY, STORE_CAPACITY,
    TX_CAPACITY,
};
pub use transport::{Adopted, NetxTransport, Reservation, ReserveError};

use super::{CreateError, CreateParams};
use crate::client::{tick_reached, Client, Config, Hooks, Port, Tick, Waited};
use crate::codec::{Packet, Publish, QoS};
use crate::session::State;
use sys::{
    NXD_MQTT_NETX_CONFIG, NX_IP, NX_PACKET_POOL, NX_TCP_SOCKET, TX_EVENT_FLAGS_GROUP, TX_MUTEX,
    TX_THREAD, ULONG,
};

/// The client on this port.
pub type Core<U> = Client<
    NetxTransport,
    U,
    RX_CAPACITY,
    QUEUE_CAPACITY,
    STORE_CAPACITY,
    TX_CAPACITY,
    INFLIGHT_CAPACITY,
    IO_CAPACITY,
>;

const TX_SUCCESS: u32 = 0;
const TX_WAIT_FOREVER: ULONG = ULONG::MAX;
const TX_COMPLETED: u32 = 1;
const TX_TERMINATED: u32 = 2;
const NX_TCP_CLOSED: u32 = 1;

// Event flags of a client.
/// Data arrived on the socket (NetX receive notify).
const EV_RECEIVED: ULONG = 0x02;
/// An API call queued work for the MQTT thread.
const EV_WAKE: ULONG = 0x04;
/// The client is being deleted.
const EV_STOP: ULONG = 0x08;
/// The connection ended (NetX disconnect callback).
const EV_DISCONNECT: ULONG = 0x20;
/// The TCP connection was established (NetX establish notify).
const EV_ESTABLISHED: ULONG = 0x40;
/// The client lock was released by its last holder (wakes blocked API callers).
const EV_UNLOCKED: ULONG = 0x80;
const EV_WORKER: ULONG = EV_RECEIVED | EV_WAKE | EV_STOP | EV_DISCONNECT | EV_ESTABLISHED;

/// The configuration macros of the application's build (read through the glue).
pub fn build_config() -> NXD_MQTT_NETX_CONFIG {
    let mut c = MaybeUninit::<NXD_MQTT_NETX_CONFIG>::zeroed();
    // SAFETY: the glue fills every member of the record it is given.
    unsafe {
        sys::nxd_mqtt_netx_config(c.as_mut_ptr());
        c.assume_init()
    }
}

/// The session configuration for this build: `base` (the C layer's policy) with the tick
/// rate, keep-alive timer rate, ping timeout, first packet id and (when defined) the
/// transmit-queue depth of the application's build.
#[allow(clippy::unnecessary_cast)] // ULONG is u32 or c_ulong depending on the ThreadX port
pub fn session_config(base: Config) -> Config {
    let m = build_config();
    let max_inflight = match m.max_transmit_queue_depth as usize {
        0 => base.max_inflight,
        n => n,
    };
    Config {
        ticks_per_second: (m.ticks_per_second as u32).max(1),
        keepalive_timer_rate: (m.keepalive_timer_rate as u32).max(1),
        ping_timeout_delay: m.ping_timeout_delay as u32,
        initial_packet_id: u16::try_from(m.initial_packet_id as u32 & 0xFFFF).unwrap_or(1),
        max_inflight,
    }
}

/// True when `ip` points to a created NetX IP instance (its id member is `NX_IP_ID`), the
/// check the original's create front end makes (`NX_PTR_ERROR` otherwise).
///
/// # Safety
/// `ip` is NULL or points to readable memory of an `NX_IP`.
pub unsafe fn ip_created(ip: *mut core::ffi::c_void) -> bool {
    // SAFETY: per the contract; NULL is answered without reading.
    !ip.is_null() && unsafe { sys::nxd_mqtt_netx_ip_created(ip.cast::<NX_IP>()) } != 0
}

/// The ThreadX / NetX control blocks of one client (NetX and ThreadX update them from other
/// threads: only raw pointers to them are ever used). The thread comes first: a thread left
/// behind by a client deleted from its own callback is found at the start of its entry.
#[repr(C)]
struct Objects {
    thread: UnsafeCell<TX_THREAD>,
    mutex: UnsafeCell<TX_MUTEX>,
    events: UnsafeCell<TX_EVENT_FLAGS_GROUP>,
    socket: UnsafeCell<NX_TCP_SOCKET>,
}

impl Objects {
    fn thread(&self) -> *mut TX_THREAD {
        self.thread.get()
    }
    fn mutex(&self) -> *mut TX_MUTEX {
        self.mutex.get()
    }
    fn events(&self) -> *mut TX_EVENT_FLAGS_GROUP {
        self.events.get()
    }
    fn socket(&self) -> *mut NX_TCP_SOCKET {
        self.socket.get()
    }
}

/// One client: its ThreadX / NetX objects, the client and the callbacks. Lives in the static
/// table; its address never changes while the client exists. `repr(C)` with the objects
/// first, so the thread is at offset 0 whatever `U` and `H` are.
#[repr(C)]
pub struct Shared<U, H> {
    objects: Objects,
    /// How many times the owner of `objects.mutex` holds it (only the owner touches it).
    depth: Cell<u32>,
    core: RefCell<Core<U>>,
    hooks: H,
    /// Set by delete: the MQTT thread ends.
    stop: AtomicBool,
    /// The socket was created.
    socket_created: bool,
}

// SAFETY: `core` and `depth` are only touched by the thread that owns the client mutex
// (through `Guard`, or in `wait` by the owner), so no two threads use them at once. The
// ThreadX / NetX objects are designed for use from any thread and are only reached through raw
// pointers. `U` and `H` are Send (and `H` Sync) by the bounds.
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
        self.shared.unlock();
    }
}

impl<U, H> Shared<U, H> {
    fn acquire(&self) {
        // SAFETY: the mutex was created with the client and lives as long as it.
        let s = unsafe { sys::nxd_mqtt_netx_mutex_get(self.objects.mutex(), TX_WAIT_FOREVER) };
        debug_assert_eq!(s, TX_SUCCESS);
        self.depth.set(self.depth.get() + 1);
    }

    fn unlock(&self) {
        let depth = self.depth.get();
        self.depth.set(depth.saturating_sub(1));
        // SAFETY: we own the mutex (a Guard exists).
        unsafe { sys::nxd_mqtt_netx_mutex_put(self.objects.mutex()) };
        if depth == 1 {
            // SAFETY: live event-flag group.
            unsafe { sys::nxd_mqtt_netx_events_set(self.objects.events(), EV_UNLOCKED) };
        }
    }

    fn signal(&self, flags: ULONG) {
        // SAFETY: live event-flag group.
        unsafe { sys::nxd_mqtt_netx_events_set(self.objects.events(), flags) };
    }

    fn on_worker(&self) -> bool {
        // SAFETY: plain query of the calling thread.
        ptr::eq(
            unsafe { sys::nxd_mqtt_netx_thread_identify() },
            self.objects.thread(),
        )
    }

    fn now(&self) -> Tick {
        // SAFETY: plain query of the ThreadX clock.
        unsafe { sys::nxd_mqtt_netx_time_get() as Tick }
    }

    /// Ticks from now until `deadline` (0 when reached), as a wait option.
    fn wait_option(&self, deadline: Option<Tick>) -> ULONG {
        match deadline {
            None => TX_WAIT_FOREVER,
            Some(d) => {
                let now = self.now();
                if tick_reached(now, d) {
                    0
                } else {
                    ULONG::try_from(d.wrapping_sub(now)).unwrap_or(TX_WAIT_FOREVER - 1)
                }
            }
        }
    }
}

impl<U, H: Hooks<Core<U>>> Shared<U, H> {
    /// Publish as the original does it on NetX: while connected, the pool packets the PUBLISH
    /// needs are reserved first, in the calling thread without the client lock, each waiting
    /// up to `wait` ticks (the publish timeout); then `publish` (the client's publish) runs
    /// under the lock with the packets handed to the transport, which sends the PUBLISH
    /// through them. If it fails they are released.
    ///
    /// `Err(ReserveError::First)`: no packet at all (the original's
    /// `NXD_MQTT_PACKET_POOL_FAILURE`); `Err(ReserveError::Later)`: the chain could not be
    /// completed (`NXD_MQTT_INTERNAL_ERROR`). Nothing is queued then. When not connected, or
    /// when the PUBLISH cannot be built, nothing is reserved and `publish` reports it.
    #[allow(clippy::unnecessary_cast)] // ULONG is u32 or c_ulong depending on the ThreadX port
    pub fn publish_reserved<'s, R, E>(
        &'s self,
        topic: &[u8],
        payload: &[u8],
        qos: QoS,
        wait: crate::ffi::types::ULONG,
        publish: impl FnOnce(&mut Guard<'s, U, H>) -> Result<R, E>,
    ) -> Result<Result<R, E>, ReserveError> {
        let packet = Packet::Publish(Publish {
            dup: false,
            qos,
            retain: false,
            topic,
            packet_id: (qos != QoS::AtMostOnce).then_some(1),
            payload,
        });
        let need = {
            let g = self.lock();
            let c = g.borrow();
            let connected = c.session().state() == State::Connected;
            let n = packet.encoded_len().ok().filter(|n| *n <= TX_CAPACITY);
            n.filter(|_| connected && self.socket_created)
                .map(|n| (n, c.transport().pool()))
        };
        let reservation = match need {
            // SAFETY: the client's pool and socket live as long as the client.
            Some((n, pool)) => unsafe {
                Reservation::take(pool, self.objects.socket(), n, wait as ULONG)?
            },
            None => Reservation::none(),
        };
        let mut g = self.lock();
        let adopted = g.borrow().transport().adopt(reservation);
        let result = publish(&mut g);
        if result.is_err() {
            g.borrow().transport().give_back(adopted);
        }
        Ok(result)
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
        self.acquire();
        Guard { shared: self }
    }

    fn hooks(&self) -> &H {
        &self.hooks
    }

    fn now(&self) -> Tick {
        Shared::now(self)
    }

    fn wake(&self) {
        if !self.on_worker() {
            self.signal(EV_WAKE);
        }
    }

    fn wait(&self, guard: &mut Guard<'_, U, H>, deadline: Option<Tick>) -> Waited {
        let _ = guard; // the caller holds the lock; it is released and re-taken below
        if self.on_worker() {
            // A callback waits for something only this thread can do: wait (lock held) for
            // NetX to report progress, at most one tick, and let the caller drive the client.
            let ticks = self.wait_option(deadline).min(1);
            // SAFETY: live event-flag group; the flags taken are acted on by the drive that
            // follows.
            unsafe {
                sys::nxd_mqtt_netx_events_wait(
                    self.objects.events(),
                    EV_WORKER & !EV_STOP,
                    1,
                    ticks,
                )
            };
            return Waited::MustPump;
        }
        let depth = self.depth.get();
        // Clear "unlocked" while still holding the lock: any later final release sets it.
        // SAFETY: live objects; we own the mutex `depth` times.
        unsafe {
            sys::nxd_mqtt_netx_events_clear(self.objects.events(), EV_UNLOCKED);
            self.depth.set(0);
            for _ in 0..depth {
                sys::nxd_mqtt_netx_mutex_put(self.objects.mutex());
            }
            sys::nxd_mqtt_netx_events_wait(
                self.objects.events(),
                EV_UNLOCKED,
                0,
                self.wait_option(deadline),
            );
        }
        for _ in 0..depth {
            self.acquire();
        }
        Waited::Slept
    }
}

// ---- the static table ----------------------------------------------------------------------

/// Bytes of one table entry. The client's C-layer data (`U`) and callbacks (`H`) must fit in
/// [`USER_RESERVE`] bytes besides the port's own state (checked when the library is compiled).
const USER_RESERVE: usize = 48 * size_of::<usize>();
const ENTRY_BYTES: usize = size_of::<Shared<(), ()>>() + USER_RESERVE;
const ENTRY_ALIGN: usize = 16;

#[repr(C, align(16))]
struct Entry([MaybeUninit<u8>; ENTRY_BYTES]);

struct Table {
    entries: [UnsafeCell<Entry>; MAX_CLIENTS],
    state: [AtomicU8; MAX_CLIENTS],
    /// Address of the control block each LIVE entry belongs to.
    owner: [AtomicUsize; MAX_CLIENTS],
    /// The thread of a client deleted from its own MQTT thread still has to be deleted.
    zombie: [AtomicBool; MAX_CLIENTS],
}

// SAFETY: an entry is only initialised, used and dropped by whoever claimed it through
// `state` (an atomic compare-exchange), so entries are never shared without synchronisation.
unsafe impl Sync for Table {}

const FREE: u8 = 0;
const CLAIMED: u8 = 1;
const LIVE: u8 = 2;

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY_ENTRY: UnsafeCell<Entry> = UnsafeCell::new(Entry([MaybeUninit::uninit(); ENTRY_BYTES]));
#[allow(clippy::declare_interior_mutable_const)]
const FREE_STATE: AtomicU8 = AtomicU8::new(FREE);
#[allow(clippy::declare_interior_mutable_const)]
const NO_ZOMBIE: AtomicBool = AtomicBool::new(false);
#[allow(clippy::declare_interior_mutable_const)]
const NO_OWNER: AtomicUsize = AtomicUsize::new(0);

static TABLE: Table = Table {
    entries: [EMPTY_ENTRY; MAX_CLIENTS],
    state: [FREE_STATE; MAX_CLIENTS],
    owner: [NO_OWNER; MAX_CLIENTS],
    zombie: [NO_ZOMBIE; MAX_CLIENTS],
};

/// The entry `index` viewed as a client of type `Shared<U, H>`.
fn entry<U, H>(index: usize) -> *mut Shared<U, H> {
    const {
        assert!(
            size_of::<Shared<U, H>>() <= ENTRY_BYTES,
            "client state larger than a table entry"
        )
    };
    const {
        assert!(
            align_of::<Shared<U, H>>() <= ENTRY_ALIGN,
            "client state alignment"
        )
    };
    TABLE.entries[index].get().cast()
}

/// The MQTT thread. `input` is the table index of its client (an index rather than an
/// address: ThreadX passes 32 bits on every port). "C-unwind": a ThreadX port may end a
/// terminated thread by unwinding its stack (the Linux port cancels the POSIX thread); while
/// the thread waits for events its Rust frames hold nothing that needs dropping.
extern "C-unwind" fn worker<U, H: Hooks<Core<U>>>(input: ULONG) {
    let index = input as usize;
    // SAFETY: the thread is resumed only after the entry was fully initialised, and the entry
    // is dropped only after this thread completed (or, when deleted from this thread, by this
    // thread after the loop).
    let shared: &Shared<U, H> = unsafe { &*entry::<U, H>(index) };
    loop {
        let (interest, deadline) = {
            let g = shared.lock();
            if shared.stop.load(Ordering::Acquire) {
                break;
            }
            Client::drive(shared, &g);
            let c = g.borrow();
            (c.io_interest(), c.next_deadline())
        };
        if shared.stop.load(Ordering::Acquire) {
            break;
        }
        if interest.busy {
            continue;
        }
        let mut wait = shared.wait_option(deadline);
        if interest.write {
            wait = wait.min(1);
        }
        // SAFETY: live event-flag group; taken flags are acted on by the next drive.
        unsafe { sys::nxd_mqtt_netx_events_wait(shared.objects.events(), EV_WORKER, 1, wait) };
    }
    if TABLE.zombie[index].load(Ordering::Acquire) {
        // Deleted from a callback on this thread: release everything but the thread itself,
        // which the next create of this entry deletes.
        // SAFETY: the deleting call handed the entry to this thread (see `Slot::destroy`).
        unsafe { release::<U, H>(index) };
    }
}

unsafe extern "C" fn on_receive(socket: *mut NX_TCP_SOCKET) {
    // SAFETY: NetX passes the client's socket, whose context is the client's event group.
    unsafe { notify(socket, EV_RECEIVED) }
}

unsafe extern "C" fn on_disconnect(socket: *mut NX_TCP_SOCKET) {
    // SAFETY: as above.
    unsafe { notify(socket, EV_DISCONNECT) }
}

unsafe extern "C" fn on_establish(socket: *mut NX_TCP_SOCKET) {
    // SAFETY: as above.
    unsafe { notify(socket, EV_ESTABLISHED) }
}

/// Sets `flags` on the event group stored as the socket's context.
///
/// # Safety
/// `socket` is a socket created by this port (its context is a live event group).
unsafe fn notify(socket: *mut NX_TCP_SOCKET, flags: ULONG) {
    // SAFETY: per the contract.
    unsafe {
        let group = sys::nxd_mqtt_netx_tcp_context(socket).cast::<TX_EVENT_FLAGS_GROUP>();
        if !group.is_null() {
            sys::nxd_mqtt_netx_events_set(group, flags);
        }
    }
}

/// Deletes the socket, event group and mutex of entry `index`, drops the client and frees the
/// entry (the thread must have ended).
///
/// # Safety
/// The entry is LIVE, its thread no longer runs client code, and nobody else uses it.
unsafe fn release<U, H>(index: usize) {
    let p = entry::<U, H>(index);
    // SAFETY: per the contract the entry is initialised and exclusively ours.
    unsafe {
        let shared = &*p;
        let socket = shared.objects.socket();
        if shared.socket_created {
            // Anything still open is reset (the client was shut down before).
            if sys::nxd_mqtt_netx_tcp_state(socket) != NX_TCP_CLOSED {
                sys::nxd_mqtt_netx_tcp_disconnect(socket, 0);
            }
            sys::nxd_mqtt_netx_tcp_unbind(socket);
            sys::nxd_mqtt_netx_tcp_delete(socket);
        }
        sys::nxd_mqtt_netx_events_delete(shared.objects.events());
        sys::nxd_mqtt_netx_mutex_delete(shared.objects.mutex());
        ptr::drop_in_place(addr_of_mut!((*p).core));
        ptr::drop_in_place(addr_of_mut!((*p).hooks));
    }
    TABLE.owner[index].store(0, Ordering::Release);
    TABLE.state[index].store(FREE, Ordering::Release);
}

/// Ends the client of entry `index` whose control block is being created again without a
/// delete: its thread is terminated (it may be waiting anywhere) and everything released.
fn reclaim<U, H>(index: usize) {
    if TABLE.state[index]
        .compare_exchange(LIVE, CLAIMED, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return;
    }
    let p = entry::<U, H>(index);
    // SAFETY: the entry was LIVE (initialised) and is now claimed by us alone; the thread is
    // terminated before anything it might use is released.
    unsafe {
        let thread = (*p).objects.thread();
        (*p).stop.store(true, Ordering::Release);
        if !TABLE.zombie[index].load(Ordering::Acquire) {
            sys::nxd_mqtt_netx_thread_terminate(thread);
            sys::nxd_mqtt_netx_thread_delete(thread);
        }
        TABLE.zombie[index].store(false, Ordering::Release);
        release::<U, H>(index);
    }
}

/// Deletes a thread left by a client deleted from its own callback, once it has ended.
fn reap(index: usize) {
    if !TABLE.zombie[index].load(Ordering::Acquire) {
        return;
    }
    // The zombie's thread control block is at the start of the entry whatever the client
    // type (`Shared` and `Objects` are repr(C) with it first).
    let thread = TABLE.entries[index].get().cast::<TX_THREAD>();
    // SAFETY: the zombie thread was created and not deleted yet.
    unsafe {
        while !matches!(
            sys::nxd_mqtt_netx_thread_state(thread),
            TX_COMPLETED | TX_TERMINATED
        ) {
            sys::nxd_mqtt_netx_thread_sleep(1);
        }
        sys::nxd_mqtt_netx_thread_delete(thread);
    }
    TABLE.zombie[index].store(false, Ordering::Release);
}

/// This port's state inside the C control block: the address of the block it was created for
/// (a moved or copied block is refused) and 1 + the number of its table entry.
#[repr(C)]
pub struct Slot<U, H> {
    owner: usize,
    index: usize,
    _types: core::marker::PhantomData<fn() -> (U, H)>,
}

impl<U, H> Slot<U, H>
where
    U: Send + 'static,
    H: Hooks<Core<U>> + Send + Sync + 'static,
{
    /// Creates the client for the control block at `owner`: claims a table entry, creates the
    /// mutex, the MQTT thread (suspended), the event group and the socket, then starts the
    /// thread. `config` is completed with the application's macros ([`session_config`]).
    pub fn create(
        owner: usize,
        config: Config,
        user: U,
        hooks: H,
        params: &CreateParams,
    ) -> Result<Self, CreateError> {
        // The original's create re-initialises a block that was created before and never
        // deleted: the old client of this block (if any) is ended first.
        for i in 0..MAX_CLIENTS {
            if TABLE.state[i].load(Ordering::Acquire) == LIVE
                && TABLE.owner[i].load(Ordering::Acquire) == owner
            {
                reclaim::<U, H>(i);
            }
        }
        let index = (0..MAX_CLIENTS)
            .find(|&i| {
                TABLE.state[i]
                    .compare_exchange(FREE, CLAIMED, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            })
            .ok_or(CreateError::Resources)?;
        // Threads of clients deleted from their own callbacks are deleted now.
        (0..MAX_CLIENTS).for_each(reap);
        let m = build_config();
        let config = session_config(config);
        let name = params.name.cast_mut();
        let p = entry::<U, H>(index);
        // SAFETY: the entry is claimed (exclusively ours), aligned and large enough (checked
        // at compile time in `entry`). Members are written in place before anything reads
        // them; the ThreadX / NetX blocks are initialised by their create calls.
        unsafe {
            ptr::write_bytes(p.cast::<u8>(), 0, size_of::<Shared<U, H>>());
            let objects = addr_of_mut!((*p).objects);
            let socket = (*objects).socket.get();
            addr_of_mut!((*p).depth).write(Cell::new(0));
            addr_of_mut!((*p).stop).write(AtomicBool::new(false));
            addr_of_mut!((*p).hooks).write(hooks);

            let mutex = (*objects).mutex.get();
            if sys::nxd_mqtt_netx_mutex_create(mutex, name) != TX_SUCCESS {
                ptr::drop_in_place(addr_of_mut!((*p).hooks));
                drop(user);
                TABLE.state[index].store(FREE, Ordering::Release);
                return Err(CreateError::Resources);
            }
            let thread = (*objects).thread.get();
            let entry_fn: extern "C-unwind" fn(ULONG) = worker::<U, H>;
            // SAFETY: "C-unwind" and "C" have the same calling convention; the thread entry
            // pointer type generated from tx_api.h only lacks the unwind permission.
            let entry_fn: unsafe extern "C" fn(ULONG) = core::mem::transmute(entry_fn);
            let status = sys::nxd_mqtt_netx_thread_create(
                thread,
                name,
                Some(entry_fn),
                index as ULONG,
                params.stack,
                params.stack_size as ULONG,
                params.priority,
                m.time_slice,
            );
            if status != TX_SUCCESS {
                sys::nxd_mqtt_netx_mutex_delete(mutex);
                ptr::drop_in_place(addr_of_mut!((*p).hooks));
                drop(user);
                TABLE.state[index].store(FREE, Ordering::Release);
                return Err(CreateError::Resources);
            }
            let events = (*objects).events.get();
            if sys::nxd_mqtt_netx_events_create(events, name) != TX_SUCCESS {
                sys::nxd_mqtt_netx_thread_terminate(thread);
                sys::nxd_mqtt_netx_thread_delete(thread);
                sys::nxd_mqtt_netx_mutex_delete(mutex);
                ptr::drop_in_place(addr_of_mut!((*p).hooks));
                drop(user);
                TABLE.state[index].store(FREE, Ordering::Release);
                return Err(CreateError::Resources);
            }
            // As in the original, a socket that cannot be created (e.g. TCP not enabled on the
            // IP instance) does not fail create; connects fail later.
            let created = sys::nxd_mqtt_netx_tcp_create(
                params.ip.cast::<NX_IP>(),
                socket,
                name,
                m.window_size,
                Some(on_disconnect),
                events.cast(),
            ) == TX_SUCCESS;
            if created {
                sys::nxd_mqtt_netx_tcp_notify(socket, Some(on_receive), Some(on_establish));
            }
            addr_of_mut!((*p).socket_created).write(created);
            let transport = NetxTransport::new(
                socket,
                params.pool.cast::<NX_PACKET_POOL>(),
                created,
                m.socket_timeout.min(m.ticks_per_second),
            );
            addr_of_mut!((*p).core).write(RefCell::new(Client::new(config, transport, user)));
            TABLE.owner[index].store(owner, Ordering::Release);
            TABLE.state[index].store(LIVE, Ordering::Release);
            sys::nxd_mqtt_netx_thread_resume(thread);
        }
        Ok(Slot {
            owner,
            index: index + 1,
            _types: core::marker::PhantomData,
        })
    }

    /// The client, if this slot was created for the block at `owner` and not destroyed.
    pub fn get(&self, owner: usize) -> Option<&'static Shared<U, H>> {
        if owner == 0 || self.owner != owner || self.index == 0 || self.index > MAX_CLIENTS {
            return None;
        }
        let index = self.index - 1;
        if TABLE.state[index].load(Ordering::Acquire) != LIVE {
            return None;
        }
        // SAFETY: a LIVE entry is initialised and stays so until `destroy`.
        Some(unsafe { &*entry::<U, H>(index) })
    }

    /// After `Client::shutdown`: stops the MQTT thread, waits until it has ended and deletes
    /// it, the socket, the event group and the mutex. Called from a callback on the MQTT
    /// thread itself, the thread finishes the release when the callback returns and its
    /// control block is deleted by the next create of this entry.
    pub fn destroy(&mut self) {
        let Some(shared) = self.get(self.owner) else {
            return;
        };
        let index = self.index - 1;
        self.owner = 0;
        self.index = 0;
        shared.stop.store(true, Ordering::Release);
        if shared.on_worker() {
            TABLE.zombie[index].store(true, Ordering::Release);
            return;
        }
        shared.signal(EV_STOP);
        let thread = shared.objects.thread();
        // SAFETY: live thread of this client; it ends at its next loop check.
        unsafe {
            while !matches!(
                sys::nxd_mqtt_netx_thread_state(thread),
                TX_COMPLETED | TX_TERMINATED
            ) {
                sys::nxd_mqtt_netx_thread_sleep(1);
            }
            sys::nxd_mqtt_netx_thread_delete(thread);
            release::<U, H>(index);
        }
    }
}
