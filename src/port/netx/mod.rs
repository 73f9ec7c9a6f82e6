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
//! Memory: the client's whole state (the ThreadX / NetX control blocks and the client with its
//! buffers, [`config`]) lives inside the application's control block `NXD_MQTT_CLIENT`, after
//! the two words of its [`Slot`] (the C layer hands that area to create as
//! [`CreateParams::memory`]; create's own `memory_ptr` / `memory_size` are ignored, as by the
//! original). The library has no client table: nothing is reserved in `.bss` besides the
//! registry's two words, and nothing is allocated at run time besides pool packets.
//!
//! Every ThreadX / NetX call goes through the C glue (`glue.c`), compiled with the
//! application's headers and configuration macros.

pub mod config;
pub mod ffi;
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
pub mod helpers;
pub mod inbox;
pub mod keep;
mod sys;
pub mod transport;

use core::cell::{Cell, RefCell, UnsafeCell};
use core::mem::{align_of, size_of, MaybeUninit};
use core::ops::Deref;
use core::ptr::{self, addr_of, addr_of_mut};
use core::sync::atomic::{AtomicBool, Ordering};

pub use config::{INFLIGHT_CAPACITY, IO_CAPACITY, RX_CAPACITY, TX_CAPACITY};
pub use inbox::{packet_len, packet_read, packet_release, PacketInbox};
pub use keep::PacketKeep;
pub use transport::{Adopted, NetxTransport, Reservation, ReserveError};

use super::{CreateError, CreateParams, PacketHook};
use crate::client::{tick_reached, Client, Config, Hooks, Port, Tick, Waited};
use crate::codec::{Packet, Publish, QoS};
use crate::session::State;
#[cfg(nxd_mqtt_cloud)]
use sys::NXD_MQTT_NETX_CLOUD;
#[cfg(nxd_mqtt_websocket)]
pub use sys::NX_WEBSOCKET_CLIENT;
use sys::{
    NXD_MQTT_NETX_CONFIG, NX_IP, NX_PACKET_POOL, NX_TCP_SOCKET, TX_EVENT_FLAGS_GROUP, TX_MUTEX,
    TX_THREAD, ULONG,
};
#[cfg(nxd_mqtt_tls)]
pub use sys::{NX_SECURE_TLS_SESSION, NX_SECURE_X509_CERT};

/// The client on this port. Its receive queue is the control block's packet list
/// ([`PacketInbox`]) and its stored PUBLISH copies are pool packets ([`PacketKeep`]), as in
/// the original, so the session has no receive-queue or in-flight bytes of its own.
pub type Core<U> = Client<
    NetxTransport,
    U,
    RX_CAPACITY,
    0,
    0,
    TX_CAPACITY,
    INFLIGHT_CAPACITY,
    IO_CAPACITY,
    PacketInbox,
    PacketKeep,
>;

const TX_SUCCESS: u32 = 0;
const TX_WAIT_FOREVER: ULONG = ULONG::MAX;
#[cfg(not(nxd_mqtt_cloud))]
const TX_COMPLETED: u32 = 1;
#[cfg(not(nxd_mqtt_cloud))]
const TX_TERMINATED: u32 = 2;
/// The glue's answer for a thread control block that is no longer a thread (deleted).
#[cfg(not(nxd_mqtt_cloud))]
const THREAD_GONE: u32 = 0xFFFF_FFFF;
const NX_TCP_CLOSED: u32 = 1;
const NX_TRUE: u32 = 1;
/// Segments offered to the raw packet-receive hook per loop of the MQTT thread.
const MAX_OFFERS: usize = 16;

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
// 0x100: cloud-helper build, the deadline timer expired (raised by the glue's timer,
// `NXD_MQTT_NETX_EV_TIMER` in `glue.c`).
/// Cloud-helper build: rounds of driving per call of the module's processing routine while
/// the client has more to do at once (then it asks to be called again, after the helper's
/// other modules).
#[cfg(nxd_mqtt_cloud)]
const MAX_ROUNDS: usize = 8;
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

/// True when `cloud` points to a created NetX cloud helper (`NX_CLOUD_ID`), the check of
/// `_nxd_mqtt_client_cloud_create`.
///
/// # Safety
/// `cloud` points to readable memory of an `NX_CLOUD`.
#[cfg(nxd_mqtt_cloud)]
pub unsafe fn cloud_created(cloud: *mut core::ffi::c_void) -> bool {
    // SAFETY: per the contract.
    unsafe { sys::nxd_mqtt_netx_cloud_created(cloud.cast()) != 0 }
}

/// The ThreadX / NetX control blocks of one client (NetX and ThreadX update them from other
/// threads: only raw pointers to them are ever used). The thread comes first: a thread left
/// behind by a client deleted from its own callback is found at the start of its client.
///
/// Cloud-helper build (`NXD_MQTT_CLOUD_ENABLE`): no thread or mutex of the client's own. The
/// client is a module of a NetX cloud helper (its own one, created by create, or the
/// application's), whose thread drives it and whose mutex is the client lock; the cloud
/// record (helper, module, deadline timer) comes first. The event group only wakes blocked API
/// callers there.
#[repr(C)]
struct Objects {
    #[cfg(not(nxd_mqtt_cloud))]
    thread: UnsafeCell<TX_THREAD>,
    #[cfg(not(nxd_mqtt_cloud))]
    mutex: UnsafeCell<TX_MUTEX>,
    #[cfg(nxd_mqtt_cloud)]
    cloud: UnsafeCell<NXD_MQTT_NETX_CLOUD>,
    events: UnsafeCell<TX_EVENT_FLAGS_GROUP>,
    socket: UnsafeCell<NX_TCP_SOCKET>,
}

impl Objects {
    #[cfg(not(nxd_mqtt_cloud))]
    fn thread(&self) -> *mut TX_THREAD {
        self.thread.get()
    }
    #[cfg(not(nxd_mqtt_cloud))]
    fn mutex(&self) -> *mut TX_MUTEX {
        self.mutex.get()
    }
    /// The cloud helper's thread (the client's cloud record was started).
    #[cfg(nxd_mqtt_cloud)]
    fn thread(&self) -> *mut TX_THREAD {
        // SAFETY: the record of a started client names its helper.
        unsafe { sys::nxd_mqtt_netx_cloud_thread(self.cloud.get()) }
    }
    /// The cloud helper's mutex (the client's cloud record was started).
    #[cfg(nxd_mqtt_cloud)]
    fn mutex(&self) -> *mut TX_MUTEX {
        // SAFETY: as above.
        unsafe { sys::nxd_mqtt_netx_cloud_mutex(self.cloud.get()) }
    }
    fn events(&self) -> *mut TX_EVENT_FLAGS_GROUP {
        self.events.get()
    }
    fn socket(&self) -> *mut NX_TCP_SOCKET {
        self.socket.get()
    }
    /// Where the driver's wake-ups go ([`sys::nxd_mqtt_netx_wake`]): the event group, or the
    /// cloud record (its module's events).
    fn wake_target(&self) -> *mut core::ffi::c_void {
        #[cfg(not(nxd_mqtt_cloud))]
        return self.events.get().cast();
        #[cfg(nxd_mqtt_cloud)]
        return self.cloud.get().cast();
    }
}

/// One client: its ThreadX / NetX objects, its registration, the client and the callbacks.
/// Lives inside the application's control block (see [`place`]); its address never changes
/// while the client exists. `repr(C)` with the objects first, so the thread control
/// block is at the client's address whatever `U` and `H` are (the MQTT thread finds its client
/// with `tx_thread_identify`, and a thread still to be deleted is found from its [`Link`]).
#[repr(C)]
pub struct Shared<U, H> {
    objects: Objects,
    link: Link,
    /// How many times the owner of `objects.mutex` holds it (only the owner touches it).
    depth: Cell<u32>,
    /// The thread `depth` counts for. A thread terminated while it held the mutex (ThreadX
    /// releases the mutexes of a terminated thread) leaves its count behind: the next thread
    /// to take the mutex finds another holder here and starts again from 0.
    holder: Cell<*mut TX_THREAD>,
    /// The socket was created.
    socket_created: bool,
    /// The control block's raw packet-receive hook and its context (NULL: none).
    packet_hook: *mut Option<PacketHook>,
    packet_hook_context: *mut *mut core::ffi::c_void,
    hooks: H,
    core: RefCell<Core<U>>,
}

// SAFETY: `core` and `depth` are only touched by the thread that owns the client mutex
// (through `Guard`, or in `wait` by the owner), so no two threads use them at once. The
// ThreadX / NetX objects are designed for use from any thread and are only reached through raw
// pointers. The link's cells are only touched with the registry lock held, its other members
// are atomics or written before the client is published. `U` and `H` are Send (and `H` Sync)
// by the bounds.
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
    /// Releases the lock. The last release also runs an orderly close the client asked for
    /// ([`transport`]): its disconnect waits for the broker without the lock.
    fn drop(&mut self) {
        let shared = self.shared;
        let close = if shared.depth.get() == 1 {
            shared
                .core
                .try_borrow()
                .ok()
                .and_then(|c| c.transport().begin_close())
        } else {
            None
        };
        shared.unlock();
        if let Some(closing) = close {
            // SAFETY: the client exists until this thread returns from its API call (or, for
            // the MQTT thread, until it has ended), so its socket and transport do too.
            unsafe { NetxTransport::end_close(closing) };
            shared.acquire();
            if let Ok(c) = shared.core.try_borrow() {
                c.transport().finish_close();
            }
            shared.unlock();
        }
    }
}

impl<U, H> Shared<U, H> {
    /// The application's raw packet-receive hook, if it assigned one.
    fn packet_hook(&self) -> Option<PacketHook> {
        if self.packet_hook.is_null() {
            return None;
        }
        // SAFETY: the member of the live control block; read with the client lock held
        // (the application assigns it between calls, as with the original).
        unsafe { ptr::read_volatile(self.packet_hook) }
    }

    /// True when the socket has received data queued.
    fn socket_has_data(&self) -> bool {
        // SAFETY: the client's socket (created or zeroed).
        self.socket_created && unsafe { sys::nxd_mqtt_netx_tcp_queued(self.objects.socket()) } != 0
    }

    /// With the raw packet-receive hook set: offers the next received segment to it (lock
    /// held, the client not borrowed, so the hook may call the API), and hands a segment it
    /// did not take to the reader. Returns whether the hook is in use.
    fn offer_segments(&self, guard: &Guard<'_, U, H>) -> bool {
        let hook = self.packet_hook();
        guard
            .borrow_mut()
            .transport_mut()
            .set_hooked(hook.is_some());
        let Some(hook) = hook else {
            return false;
        };
        for _ in 0..MAX_OFFERS {
            let packet = {
                let mut c = guard.borrow_mut();
                if !c.session().wants_input() {
                    break;
                }
                match c.transport_mut().take_segment() {
                    Some(p) => p,
                    None => break,
                }
            };
            // SAFETY: the control block's hook with the block's address, the segment (ours
            // until the hook says it took it) and the block's context member.
            let taken = unsafe {
                let context = ptr::read_volatile(self.packet_hook_context);
                hook(self.link.owner as *mut _, packet.cast(), context)
            } == NX_TRUE;
            if !taken {
                guard.borrow_mut().transport_mut().hand_over(packet);
                break;
            }
        }
        true
    }

    fn acquire(&self) {
        // SAFETY: the mutex was created with the client and lives as long as it.
        let s = unsafe { sys::nxd_mqtt_netx_mutex_get(self.objects.mutex(), TX_WAIT_FOREVER) };
        debug_assert_eq!(s, TX_SUCCESS);
        // SAFETY: plain query of the calling thread.
        let me = unsafe { sys::nxd_mqtt_netx_thread_identify() };
        if self.holder.get() != me {
            self.holder.set(me);
            self.depth.set(0);
        }
        self.depth.set(self.depth.get() + 1);
    }

    fn unlock(&self) {
        let depth = self.depth.get();
        self.depth.set(depth.saturating_sub(1));
        if depth <= 1 {
            self.holder.set(ptr::null_mut());
        }
        // SAFETY: we own the mutex (a Guard exists).
        unsafe { sys::nxd_mqtt_netx_mutex_put(self.objects.mutex()) };
        if depth == 1 {
            // SAFETY: live event-flag group.
            unsafe { sys::nxd_mqtt_netx_events_set(self.objects.events(), EV_UNLOCKED) };
        }
    }

    /// Wakes the driver (the MQTT thread, or the cloud module) with `flags`.
    fn signal(&self, flags: ULONG) {
        // SAFETY: live event-flag group or started cloud record.
        unsafe { sys::nxd_mqtt_netx_wake(self.objects.wake_target(), flags) };
    }

    /// True on the thread that drives the client: its MQTT thread, or (cloud build) the cloud
    /// helper's thread, where every module runs: an API call there must not wait for the
    /// driver.
    fn on_worker(&self) -> bool {
        // SAFETY: plain query of the calling thread.
        ptr::eq(
            unsafe { sys::nxd_mqtt_netx_thread_identify() },
            self.objects.thread(),
        )
    }

    /// True while the driver runs this client's loop on the calling thread (it looks at the
    /// client again after every callback, so a wake-up is not needed).
    fn driving(&self) -> bool {
        #[cfg(not(nxd_mqtt_cloud))]
        return self.on_worker();
        #[cfg(nxd_mqtt_cloud)]
        return self.link.driving.load(Ordering::Acquire) && self.on_worker();
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
        if !self.driving() {
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
            self.holder.set(ptr::null_mut());
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

// ---- where clients live: inside their control blocks ------------------------------------

/// Bytes of a client's ThreadX / NetX control blocks (the part of its memory whose size the
/// application's configuration decides).
#[cfg(not(nxd_mqtt_cloud))]
pub const OBJECTS_BYTES: usize = size_of::<TX_THREAD>()
    + size_of::<TX_MUTEX>()
    + size_of::<TX_EVENT_FLAGS_GROUP>()
    + size_of::<NX_TCP_SOCKET>();

/// Bytes of a client's ThreadX / NetX control blocks (cloud-helper build: the cloud record,
/// which holds an `NX_CLOUD`, an `NX_CLOUD_MODULE`, a `TX_TIMER` and a pointer, the event group
/// and the socket), and two words for the cloud driver's flags in the client's [`Link`] (the
/// header's `NXD_MQTT_CLIENT_MEMORY_SIZE` counts the same).
#[cfg(nxd_mqtt_cloud)]
pub const OBJECTS_BYTES: usize = size_of::<sys::NX_CLOUD>()
    + size_of::<sys::NX_CLOUD_MODULE>()
    + size_of::<sys::TX_TIMER>()
    + 3 * size_of::<*mut sys::NX_CLOUD>()
    + size_of::<TX_EVENT_FLAGS_GROUP>()
    + size_of::<NX_TCP_SOCKET>();

/// Bytes of memory create needs to place a client of type `Shared<U, H>` there: the client and
/// room to align its start. The C layer's area inside `NXD_MQTT_CLIENT` is at least this
/// (checked at compile time, `ffi.rs`).
pub const fn memory_bytes<U, H>() -> usize {
    size_of::<Shared<U, H>>() + align_of::<Shared<U, H>>() - 1
}

/// A client's registration. Every client is on the registry's list from create until its
/// thread has been deleted: the list is how create finds an earlier client of the same
/// control block, the control blocks other clients occupy, and the threads of clients deleted from
/// their own callbacks that are still to be deleted. Not generic: the list links clients of
/// any `U` and `H`.
struct Link {
    /// Next registered client (registry lock).
    next: Cell<*const Link>,
    /// The client (a `Shared<U, H>`; its thread control block is at this address).
    this: *mut (),
    /// Ends the client from another thread (`retire::<U, H>`).
    retire: unsafe fn(*mut ()),
    /// Address of the control block.
    owner: usize,
    /// The control block the client occupies (address, bytes), its state included.
    memory: (usize, usize),
    /// Claimed by a create or delete that ends this client or deletes its thread (registry
    /// lock).
    claimed: Cell<bool>,
    /// Created and not deleted: API calls find the client.
    live: AtomicBool,
    /// Set by delete: the MQTT thread ends.
    stop: AtomicBool,
    /// Deleted from a callback on its own MQTT thread: that thread releases the client when
    /// the callback returns, and someone else deletes the thread afterwards ([`settle`]).
    zombie: AtomicBool,
    /// Cloud-helper build: the module's processing routine saw `stop` and will not touch the
    /// client again (after releasing it, for a zombie).
    #[cfg(nxd_mqtt_cloud)]
    ended: AtomicBool,
    /// Cloud-helper build: the module's processing routine is driving the client.
    #[cfg(nxd_mqtt_cloud)]
    driving: AtomicBool,
}

impl Link {
    fn new<U, H: Hooks<Core<U>>>(
        this: *mut Shared<U, H>,
        owner: usize,
        memory: (usize, usize),
    ) -> Self {
        Link {
            next: Cell::new(ptr::null()),
            this: this.cast(),
            retire: retire::<U, H>,
            owner,
            memory,
            claimed: Cell::new(false),
            live: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            zombie: AtomicBool::new(false),
            #[cfg(nxd_mqtt_cloud)]
            ended: AtomicBool::new(false),
            #[cfg(nxd_mqtt_cloud)]
            driving: AtomicBool::new(false),
        }
    }

    /// The client's thread control block.
    #[cfg(not(nxd_mqtt_cloud))]
    fn thread(&self) -> *mut TX_THREAD {
        self.this.cast()
    }

    /// The thread of the client's cloud helper (its cloud record is at the client's address).
    #[cfg(nxd_mqtt_cloud)]
    fn thread(&self) -> *mut TX_THREAD {
        // SAFETY: links are read by `settle` only for live clients and zombies, whose records
        // were started.
        unsafe { sys::nxd_mqtt_netx_cloud_thread(self.this.cast()) }
    }

    /// True when the client's driver no longer runs its code: its MQTT thread ended, or (cloud
    /// build) its module's routine saw `stop`.
    fn driver_ended(&self) -> bool {
        #[cfg(not(nxd_mqtt_cloud))]
        // SAFETY: the thread of a registered client was created.
        return unsafe { thread_ended(self.thread()) };
        #[cfg(nxd_mqtt_cloud)]
        return self.ended.load(Ordering::Acquire);
    }
}

/// All clients (see [`Link`]).
struct Registry {
    /// A spin lock: held for a few pointer updates.
    lock: AtomicBool,
    head: Cell<*const Link>,
}

// SAFETY: `head` and the links' cells are only touched with `lock` held.
unsafe impl Sync for Registry {}

static REGISTRY: Registry = Registry {
    lock: AtomicBool::new(false),
    head: Cell::new(ptr::null()),
};

/// Holding the registry lock.
struct Registered;

/// Takes the registry lock. A thread that finds it taken sleeps a tick at a time, so a
/// lower-priority holder can finish (it is never contended during initialisation, where
/// nothing may sleep: creates there run one after another).
fn registry() -> Registered {
    while REGISTRY
        .lock
        .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        // SAFETY: plain ThreadX call from a thread.
        unsafe { sys::nxd_mqtt_netx_thread_sleep(1) };
    }
    Registered
}

impl Drop for Registered {
    fn drop(&mut self) {
        REGISTRY.lock.store(false, Ordering::Release);
    }
}

impl Registered {
    /// The registered clients.
    fn links(&self) -> impl Iterator<Item = &Link> + '_ {
        let mut at = REGISTRY.head.get();
        core::iter::from_fn(move || {
            // SAFETY: a registered link stays valid until it is removed, which needs the
            // lock we hold for as long as the returned references live.
            let link = unsafe { at.as_ref()? };
            at = link.next.get();
            Some(link)
        })
    }

    fn push(&self, link: &Link) {
        link.next.set(REGISTRY.head.get());
        REGISTRY.head.set(link);
    }

    fn remove(&self, link: *const Link) {
        let mut prev: Option<&Link> = None;
        for l in self.links() {
            if ptr::eq(l, link) {
                match prev {
                    None => REGISTRY.head.set(l.next.get()),
                    Some(p) => p.next.set(l.next.get()),
                }
                return;
            }
            prev = Some(l);
        }
    }
}

/// True when the byte ranges (address, length) overlap.
fn overlap(a: (usize, usize), b: (usize, usize)) -> bool {
    a.1 != 0 && b.1 != 0 && a.0 < b.0.saturating_add(b.1) && b.0 < a.0.saturating_add(a.1)
}

/// The part of memory a client for the control block at `owner` occupies, its state being
/// placed in `area` (`size` bytes at the end of the block): the whole block.
fn block_range(owner: usize, area: *mut core::ffi::c_void, size: usize) -> (usize, usize) {
    (
        owner,
        (area as usize).saturating_add(size).saturating_sub(owner),
    )
}

/// Before the C layer initialises the control block at `owner` for a create (its client's
/// state goes to `area`, `size` bytes at the end of the block): ends the block's earlier client
/// (created again without a delete), deletes the threads of clients deleted from their own
/// callbacks, and answers whether the block is free now. It is not when the calling thread is
/// the MQTT thread of a client in that memory (a callback creating its own block again, after
/// deleting it or not: its thread control block is in the block), or when the block overlaps
/// another client's: create then refuses (`NXD_MQTT_INTERNAL_ERROR`) and touches nothing.
pub fn vacate(owner: usize, area: *mut core::ffi::c_void, size: usize) -> bool {
    settle(owner);
    let range = block_range(owner, area, size);
    !registry().links().any(|l| overlap(range, l.memory))
}

/// Claims the memory of a new client for the control block at `owner` and registers it: the
/// area at the end of the block the C layer passes as [`CreateParams::memory`], aligned for
/// the client. Its [`Link`] is written; nothing else is.
fn place<U, H: Hooks<Core<U>>>(
    owner: usize,
    params: &CreateParams,
) -> Result<*mut Shared<U, H>, CreateError> {
    let area = params.memory.cast::<u8>();
    if area.is_null() || params.memory_size < memory_bytes::<U, H>() {
        return Err(CreateError::Resources);
    }
    let address = area as usize;
    let pad = address.next_multiple_of(align_of::<Shared<U, H>>()) - address;
    // In bounds: `pad` < the alignment, and the area holds `memory_bytes` bytes.
    let p = area.wrapping_add(pad).cast::<Shared<U, H>>();
    let range = block_range(owner, params.memory, params.memory_size);
    let r = registry();
    if r.links().any(|l| overlap(range, l.memory)) {
        return Err(CreateError::Resources);
    }
    // SAFETY: the area is the control block's (create's contract: the block is the caller's
    // while it exists), it is aligned and large enough, and no other client uses it (checked
    // above, under the lock).
    unsafe {
        addr_of_mut!((*p).link).write(Link::new(p, owner, range));
        r.push(&(*p).link);
    }
    Ok(p)
}

/// Removes a client from the registry: its control block is the application's again.
///
/// # Safety
/// Nothing uses the client any more: its thread was deleted (or never created) and its state
/// released.
unsafe fn unregister(link: *const Link) {
    registry().remove(link);
}

/// Before create (for the block at `owner`) and after delete (`owner` 0): ends the earlier
/// client of a block created again without a delete, and deletes the threads of clients
/// deleted from their own callbacks once they have ended (except the calling thread itself).
fn settle(owner: usize) {
    // SAFETY: plain query of the calling thread (NULL outside a ThreadX thread).
    let me = unsafe { sys::nxd_mqtt_netx_thread_identify() };
    loop {
        let job = {
            let r = registry();
            let found = r.links().find(|l| {
                !l.claimed.get()
                    && if l.zombie.load(Ordering::Acquire) {
                        !ptr::eq(l.thread(), me)
                    } else {
                        // Not the calling thread's own client: its thread control block is in
                        // the block (`vacate` refuses that create).
                        owner != 0
                            && l.owner == owner
                            && l.live.load(Ordering::Acquire)
                            && !ptr::eq(l.thread(), me)
                    }
            });
            found.map(|l| {
                l.claimed.set(true);
                l.live.store(false, Ordering::Release);
                ptr::from_ref(l)
            })
        };
        let Some(link) = job else { return };
        // SAFETY: the link is registered and claimed by us: nobody else ends this client.
        unsafe {
            let l = &*link;
            if l.zombie.load(Ordering::Acquire) {
                reap(link);
            } else {
                (l.retire)(l.this);
            }
        }
    }
}

/// Waits until the thread of a client deleted from its own callback has ended (it releases
/// the client itself), deletes it and unregisters the client.
///
/// # Safety
/// `link` is a registered zombie claimed by the caller, and not the calling thread's client.
unsafe fn reap(link: *const Link) {
    // SAFETY: per the contract; the thread was created and is not deleted yet (cloud build:
    // the record was started and its module deregistered by the routine that released it).
    unsafe {
        while !(*link).driver_ended() {
            sys::nxd_mqtt_netx_thread_sleep(1);
        }
        #[cfg(not(nxd_mqtt_cloud))]
        sys::nxd_mqtt_netx_thread_delete((*link).thread());
        #[cfg(nxd_mqtt_cloud)]
        sys::nxd_mqtt_netx_cloud_end((*link).this.cast());
        unregister(link);
    }
}

/// True when the MQTT thread `thread` runs no more: completed, terminated, or already deleted
/// by the application (a test control file or a watchdog may terminate and delete it).
///
/// # Safety
/// `thread` points to a thread control block that was created.
#[cfg(not(nxd_mqtt_cloud))]
unsafe fn thread_ended(thread: *mut TX_THREAD) -> bool {
    // SAFETY: per the contract; a deleted block is answered with THREAD_GONE.
    let state = unsafe { sys::nxd_mqtt_netx_thread_state(thread) };
    matches!(state, TX_COMPLETED | TX_TERMINATED | THREAD_GONE)
}

/// Ends a client whose control block is being created again without a delete: its thread is
/// terminated (it may be waiting anywhere), everything is released and the client
/// unregistered.
///
/// # Safety
/// `this` is a registered, initialised `Shared<U, H>` claimed by the caller, not a zombie, and
/// its thread is not the calling thread.
#[cfg(not(nxd_mqtt_cloud))]
unsafe fn retire<U, H>(this: *mut ()) {
    let p = this.cast::<Shared<U, H>>();
    // SAFETY: per the contract; the thread is terminated before anything it might use is
    // released. It is terminated with the registry lock held, so never while it holds that
    // lock itself (a callback of its client creating or deleting another client).
    unsafe {
        (*p).link.stop.store(true, Ordering::Release);
        let thread = (*p).objects.thread();
        {
            let _r = registry();
            sys::nxd_mqtt_netx_thread_terminate(thread);
        }
        sys::nxd_mqtt_netx_thread_delete(thread);
        release(p);
        unregister(addr_of!((*p).link));
    }
}

/// Cloud-helper build: ends a client whose control block is being created again without a
/// delete, as delete does from another thread ([`stop_outside`]).
///
/// # Safety
/// As the non-cloud `retire`.
#[cfg(nxd_mqtt_cloud)]
unsafe fn retire<U, H>(this: *mut ()) {
    // SAFETY: per the contract.
    unsafe { stop_outside(this.cast::<Shared<U, H>>()) }
}

/// Cloud-helper build: stops the client at `p` from a thread that is not driving it: asks
/// the module's routine to stop and waits until it has, then deregisters the module, releases
/// everything (its own helper too) and unregisters the client.
///
/// The helper's thread may still be about to read the module's list link after the routine
/// returned: the helper's mutex is taken and released twice before the memory is handed back,
/// so that a helper thread waiting for it has read the link by then.
///
/// # Safety
/// `p` is a registered, initialised, started client claimed by the caller (or its deleter),
/// not a zombie, and the calling thread is not driving it.
#[cfg(nxd_mqtt_cloud)]
unsafe fn stop_outside<U, H>(p: *mut Shared<U, H>) {
    // SAFETY: per the contract; the routine touches the client no more once `ended` is set.
    unsafe {
        let link = addr_of!((*p).link);
        (*link).stop.store(true, Ordering::Release);
        (*p).signal(EV_STOP);
        while !(*link).driver_ended() {
            sys::nxd_mqtt_netx_thread_sleep(1);
        }
        let mutex = (*p).objects.mutex();
        release(p);
        for _ in 0..2 {
            sys::nxd_mqtt_netx_mutex_get(mutex, TX_WAIT_FOREVER);
            sys::nxd_mqtt_netx_mutex_put(mutex);
        }
        sys::nxd_mqtt_netx_cloud_end((*p).objects.cloud.get());
        unregister(link);
    }
}

/// Cloud-helper build: releases a client deleted on its helper's thread (from its own
/// callback, or from another module's routine). On the application's helper nothing of the
/// client's remains, so it is unregistered at once: its control block is the application's
/// again when the routine returns. A helper of its own (create) is in the block and cannot be
/// deleted from its own thread: the client stays registered as a zombie until the next create
/// or delete on another thread deletes the helper ([`settle`], [`reap`]).
///
/// # Safety
/// The client at `p` is a zombie, initialised, and nobody else uses it; the caller runs on
/// its helper's thread and does not touch it afterwards.
#[cfg(nxd_mqtt_cloud)]
unsafe fn release_zombie<U, H>(p: *mut Shared<U, H>) {
    // SAFETY: per the contract.
    unsafe {
        let own = sys::nxd_mqtt_netx_cloud_own((*p).objects.cloud.get()) != 0;
        release(p);
        let link = addr_of!((*p).link);
        (*link).ended.store(true, Ordering::Release);
        if !own {
            // Nothing is left to delete: the reaper is not needed (the link is not claimed:
            // a reaper claims only under the registry lock, taken here too).
            let r = registry();
            if !(*link).claimed.get() {
                r.remove(link);
            }
        }
    }
}

/// One round of the driver: with the lock, offers segments to the raw hook, drives the client
/// and reads what it waits for. `None` once the client is stopping.
fn round<U, H: Hooks<Core<U>>>(
    shared: &Shared<U, H>,
) -> Option<(crate::client::Interest, Option<Tick>)> {
    let stop = &shared.link.stop;
    let (interest, deadline) = {
        let g = shared.lock();
        if stop.load(Ordering::Acquire) {
            return None;
        }
        let hooked = shared.offer_segments(&g);
        Client::drive(shared, &g);
        let c = g.borrow();
        let mut interest = c.io_interest();
        // With the hook the reader gets segments only from this loop: look again at once
        // while the socket holds more and the session takes them.
        interest.busy |= hooked && c.session().wants_input() && shared.socket_has_data();
        (interest, c.next_deadline())
    };
    if stop.load(Ordering::Acquire) {
        return None;
    }
    Some((interest, deadline))
}

/// Ticks the driver may sleep after a round: until the deadline, at most one while output waits
/// for room (window full, pool empty).
fn sleep_ticks<U, H>(
    shared: &Shared<U, H>,
    interest: crate::client::Interest,
    deadline: Option<Tick>,
) -> ULONG {
    let wait = shared.wait_option(deadline);
    if interest.write {
        wait.min(1)
    } else {
        wait
    }
}

/// Cloud-helper build: the MQTT module's processing routine, called by the helper's thread
/// when the module's events are set (socket notifies, API wake-ups, the deadline timer). It
/// drives the client a few rounds, then arms the timer for the next deadline (or asks to be
/// called again at once). Seeing `stop` it ends: a client deleted from its own callback is
/// released here (its helper, if its own, is deleted by the next create or delete on another
/// thread, [`settle`]).
#[cfg(nxd_mqtt_cloud)]
unsafe extern "C" fn process<U, H: Hooks<Core<U>>>(
    context: *mut core::ffi::c_void,
    _common_events: ULONG,
    _module_events: ULONG,
) {
    let p = context.cast::<Shared<U, H>>();
    // SAFETY: the module is registered with its client as context only while the client is
    // initialised; it is released only after this routine set `ended` (or by it).
    let shared: &Shared<U, H> = unsafe { &*p };
    let link = &shared.link;
    if link.ended.load(Ordering::Acquire) {
        return;
    }
    link.driving.store(true, Ordering::Release);
    let mut next = None;
    for _ in 0..MAX_ROUNDS {
        let Some((interest, deadline)) = round(shared) else {
            next = None;
            break;
        };
        if interest.busy {
            next = Some(0);
            continue;
        }
        next = Some(sleep_ticks(shared, interest, deadline));
        break;
    }
    link.driving.store(false, Ordering::Release);
    match next {
        Some(0) => shared.signal(EV_WAKE),
        // SAFETY: the started record of this live client.
        Some(ticks) => unsafe { sys::nxd_mqtt_netx_cloud_arm(shared.objects.cloud.get(), ticks) },
        None => {
            if link.zombie.load(Ordering::Acquire) {
                // SAFETY: deleted from a callback of this routine (see `Slot::destroy`): the
                // client is this routine's to release; `shared` is not used any more.
                unsafe { release_zombie(p) };
            } else {
                link.ended.store(true, Ordering::Release);
            }
        }
    }
}

/// The MQTT thread. It finds its client with `tx_thread_identify` (the client starts with its
/// thread control block; the entry input would carry only 32 bits on some ports).
/// Plain "C", like every call into the glue: the library is built with `panic = "abort"`, so
/// no Rust frame has a landing pad or a personality routine (a C firmware links without
/// unwinding support). A ThreadX port that ends a terminated thread by unwinding its stack
/// (the Linux port cancels the POSIX thread, `pthread_exit` / `pthread_cancel`) unwinds
/// through these frames like through C frames: nothing runs, nothing aborts. The client is
/// then left for `nxd_mqtt_client_delete`, which releases it ([`Shared::acquire`] repairs the
/// lock depth such a thread may leave behind).
#[cfg(not(nxd_mqtt_cloud))]
unsafe extern "C" fn worker<U, H: Hooks<Core<U>>>(_input: ULONG) {
    // SAFETY: plain query of the calling thread, which is this client's MQTT thread.
    let p = unsafe { sys::nxd_mqtt_netx_thread_identify() }.cast::<Shared<U, H>>();
    // SAFETY: the thread is resumed only after the client was fully initialised, and the
    // client is released only after this thread completed (or was terminated), or by this
    // thread after the loop.
    let shared: &Shared<U, H> = unsafe { &*p };
    while let Some((interest, deadline)) = round(shared) {
        if interest.busy {
            continue;
        }
        let wait = sleep_ticks(shared, interest, deadline);
        // SAFETY: live event-flag group; taken flags are acted on by the next drive.
        unsafe { sys::nxd_mqtt_netx_events_wait(shared.objects.events(), EV_WORKER, 1, wait) };
    }
    if shared.link.zombie.load(Ordering::Acquire) {
        // Deleted from a callback on this thread: release everything but the thread itself,
        // which someone else deletes once this thread has ended (`settle`).
        // SAFETY: the deleting call handed the client to this thread (see `Slot::destroy`);
        // `shared` is not used any more.
        unsafe { release(p) };
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

/// Wakes the driver whose wake target is the socket's context with `flags`.
///
/// # Safety
/// `socket` is a socket created by this port (its context is a live wake target).
unsafe fn notify(socket: *mut NX_TCP_SOCKET, flags: ULONG) {
    // SAFETY: per the contract.
    unsafe {
        let target = sys::nxd_mqtt_netx_tcp_context(socket);
        if !target.is_null() {
            sys::nxd_mqtt_netx_wake(target, flags);
        }
    }
}

/// Deletes the socket, event group and mutex of the client at `p` and drops its state. Its
/// thread and its registration are left alone. Cloud-helper build: deregisters the module and
/// deletes the timer instead of the mutex (the helper's); the helper stays.
///
/// # Safety
/// The client is initialised, its thread no longer runs client code, and nobody else uses it.
unsafe fn release<U, H>(p: *mut Shared<U, H>) {
    // SAFETY: per the contract the client is initialised and exclusively ours.
    unsafe {
        let objects = &(*p).objects;
        #[cfg(nxd_mqtt_cloud)]
        sys::nxd_mqtt_netx_cloud_detach(objects.cloud.get());
        let socket = objects.socket();
        if (*p).socket_created {
            // Anything still open is reset (the client was shut down before).
            if sys::nxd_mqtt_netx_tcp_state(socket) != NX_TCP_CLOSED {
                sys::nxd_mqtt_netx_tcp_disconnect(socket, 0);
            }
            sys::nxd_mqtt_netx_tcp_unbind(socket);
            sys::nxd_mqtt_netx_tcp_delete(socket);
        }
        sys::nxd_mqtt_netx_events_delete(objects.events());
        #[cfg(not(nxd_mqtt_cloud))]
        sys::nxd_mqtt_netx_mutex_delete(objects.mutex());
        // Queued messages go back to the pool (the original leaves them linked, unreleased).
        let core = (*addr_of_mut!((*p).core)).get_mut();
        core.inbox_mut().detach();
        core.keep_mut().detach();
        ptr::drop_in_place(addr_of_mut!((*p).core));
        ptr::drop_in_place(addr_of_mut!((*p).hooks));
    }
}

/// This port's state inside the C control block: the address of the block it was created for
/// (a moved or copied block is refused) and the address of the client (in the area that
/// follows the slot in the same block).
#[repr(C)]
pub struct Slot<U, H> {
    owner: usize,
    home: usize,
    _types: core::marker::PhantomData<fn() -> (U, H)>,
}

impl<U, H> Slot<U, H>
where
    U: Send + 'static,
    H: Hooks<Core<U>> + Send + Sync + 'static,
{
    /// Creates the client for the control block at `owner`: places it in the block's area
    /// (`params.memory`, see [`place`]), creates the mutex, the MQTT thread (suspended), the
    /// event group and the socket, then starts the thread. `config` is completed with the
    /// application's macros ([`session_config`]).
    ///
    /// Error: [`CreateError::Resources`] (a ThreadX object could not be created, or the area
    /// is missing, too small or overlaps another client's block).
    pub fn create(
        owner: usize,
        config: Config,
        user: U,
        hooks: H,
        params: &CreateParams,
    ) -> Result<Self, CreateError> {
        // The original's create re-initialises a block that was created before and never
        // deleted: the old client of this block (if any) is ended first. Threads of clients
        // deleted from their own callbacks are deleted now.
        settle(owner);
        let p = place::<U, H>(owner, params)?;
        let m = build_config();
        let config = session_config(config);
        let name = params.name.cast_mut();
        // SAFETY: `place` gave us the memory (aligned, large enough, registered but not live:
        // nobody else touches it). Members are written in place before anything reads them;
        // the ThreadX / NetX blocks are initialised by their create calls.
        unsafe {
            let link = addr_of!((*p).link);
            let fail = |hooks: *mut H| {
                ptr::drop_in_place(hooks);
                unregister(link);
                Err(CreateError::Resources)
            };
            let objects = addr_of_mut!((*p).objects);
            ptr::write_bytes(objects, 0, 1);
            let socket = (*objects).socket.get();
            addr_of_mut!((*p).depth).write(Cell::new(0));
            addr_of_mut!((*p).holder).write(Cell::new(ptr::null_mut()));
            addr_of_mut!((*p).hooks).write(hooks);
            let hooks = addr_of_mut!((*p).hooks);

            #[cfg(not(nxd_mqtt_cloud))]
            let thread = {
                let mutex = (*objects).mutex.get();
                if sys::nxd_mqtt_netx_mutex_create(mutex, name) != TX_SUCCESS {
                    return fail(hooks);
                }
                let thread = (*objects).thread.get();
                let entry_fn: unsafe extern "C" fn(ULONG) = worker::<U, H>;
                let status = sys::nxd_mqtt_netx_thread_create(
                    thread,
                    name,
                    Some(entry_fn),
                    0,
                    params.stack,
                    params.stack_size as ULONG,
                    params.priority,
                    m.time_slice,
                );
                if status != TX_SUCCESS {
                    sys::nxd_mqtt_netx_mutex_delete(mutex);
                    return fail(hooks);
                }
                thread
            };
            let events = (*objects).events.get();
            if sys::nxd_mqtt_netx_events_create(events, name) != TX_SUCCESS {
                #[cfg(not(nxd_mqtt_cloud))]
                {
                    sys::nxd_mqtt_netx_thread_terminate(thread);
                    sys::nxd_mqtt_netx_thread_delete(thread);
                    sys::nxd_mqtt_netx_mutex_delete((*objects).mutex.get());
                }
                return fail(hooks);
            }
            // As in the original, a socket that cannot be created (e.g. TCP not enabled on the
            // IP instance) does not fail create; connects fail later.
            let created = sys::nxd_mqtt_netx_tcp_create(
                params.ip.cast::<NX_IP>(),
                socket,
                name,
                m.window_size,
                Some(on_disconnect),
                (*objects).wake_target(),
            ) == TX_SUCCESS;
            if created {
                sys::nxd_mqtt_netx_tcp_notify(socket, Some(on_receive), Some(on_establish));
            }
            addr_of_mut!((*p).socket_created).write(created);
            addr_of_mut!((*p).packet_hook).write(params.block.packet_hook);
            addr_of_mut!((*p).packet_hook_context).write(params.block.packet_hook_context);
            let transport = NetxTransport::new(
                socket,
                params.pool.cast::<NX_PACKET_POOL>(),
                created,
                m.socket_timeout,
                m.socket_timeout.min(m.ticks_per_second),
                params.block.tls_session,
                params.block.websocket,
            );
            addr_of_mut!((*p).core).write(RefCell::new(Client::new(config, transport, user)));
            let core = (*addr_of_mut!((*p).core)).get_mut();
            core.keep_mut().attach(params.pool.cast::<NX_PACKET_POOL>());
            let block = params.block;
            if !block.queue_head.is_null() {
                core.inbox_mut().attach(
                    block.queue_head.cast(),
                    block.queue_tail.cast(),
                    block.queue_depth,
                    params.pool.cast::<NX_PACKET_POOL>(),
                );
            }
            // Cloud-helper build: the module is registered last, on a fully initialised
            // client (the helper may call its routine at once).
            #[cfg(nxd_mqtt_cloud)]
            {
                let routine: unsafe extern "C" fn(*mut core::ffi::c_void, ULONG, ULONG) =
                    process::<U, H>;
                let status = sys::nxd_mqtt_netx_cloud_start(
                    (*objects).cloud.get(),
                    params.cloud.cast(),
                    name,
                    params.stack,
                    params.stack_size as ULONG,
                    params.priority,
                    Some(routine),
                    p.cast(),
                );
                if status != TX_SUCCESS {
                    if created {
                        sys::nxd_mqtt_netx_tcp_delete(socket);
                    }
                    sys::nxd_mqtt_netx_events_delete(events);
                    ptr::drop_in_place(addr_of_mut!((*p).core));
                    return fail(hooks);
                }
            }
            if !block.mutex_ptr.is_null() {
                block.mutex_ptr.write((*objects).mutex().cast());
            }
            (*link).live.store(true, Ordering::Release);
            #[cfg(not(nxd_mqtt_cloud))]
            sys::nxd_mqtt_netx_thread_resume(thread);
        }
        Ok(Slot {
            owner,
            home: p as usize,
            _types: core::marker::PhantomData,
        })
    }

    /// The client, if this slot was created for the block at `owner` and not destroyed.
    pub fn get(&self, owner: usize) -> Option<&'static Shared<U, H>> {
        if owner == 0 || self.owner != owner || self.home == 0 {
            return None;
        }
        // SAFETY: only create writes a non-zero `home` next to the block's own address (a
        // block that was never created is zeroed or fails the owner check), and the client
        // stays there until destroy clears the slot. The link says whether it is still live.
        let shared = unsafe { &*(self.home as *const Shared<U, H>) };
        let link = &shared.link;
        (link.live.load(Ordering::Acquire) && link.owner == owner).then_some(shared)
    }

    /// After `Client::shutdown`: stops the MQTT thread, waits until it has ended and deletes
    /// it, the socket, the event group and the mutex; the client's memory is free when this
    /// returns. Called from a callback on the MQTT thread itself, the thread finishes the
    /// release when the callback returns, and the next create or delete on another thread
    /// deletes it and frees the memory.
    pub fn destroy(&mut self) {
        let Some(shared) = self.get(self.owner) else {
            return;
        };
        let p = self.home as *mut Shared<U, H>;
        self.owner = 0;
        self.home = 0;
        let link = &shared.link;
        link.live.store(false, Ordering::Release);
        link.stop.store(true, Ordering::Release);
        if shared.driving() {
            link.zombie.store(true, Ordering::Release);
            return;
        }
        #[cfg(nxd_mqtt_cloud)]
        {
            if shared.on_worker() {
                // On the helper's thread outside this client's routine (another module's):
                // the routine cannot run now, so the client is released here; the helper,
                // if the client's own, is deleted later from another thread.
                link.zombie.store(true, Ordering::Release);
                // SAFETY: nobody else ends this client (neither live nor claimed), and its
                // routine does not run while this thread is busy here.
                unsafe { release_zombie(p) };
                return;
            }
            // SAFETY: nobody else ends this client (neither live nor a zombie).
            unsafe { stop_outside(p) };
            settle(0);
        }
        #[cfg(not(nxd_mqtt_cloud))]
        shared.signal(EV_STOP);
        #[cfg(not(nxd_mqtt_cloud))]
        {
            let thread = shared.objects.thread();
            // SAFETY: live thread of this client; it ends at its next loop check. Nobody else
            // ends this client (it is neither live nor a zombie), so it is ours to release.
            unsafe {
                while !thread_ended(thread) {
                    sys::nxd_mqtt_netx_thread_sleep(1);
                }
                sys::nxd_mqtt_netx_thread_delete(thread);
                release(p);
                unregister(addr_of!((*p).link));
            }
            settle(0);
        }
    }
}
