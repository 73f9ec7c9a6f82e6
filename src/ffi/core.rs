//! The function cores: what runs after the front-end checks (and what `_nxd_*` runs
//! directly). Written once against the active port's slot API (`crate::port::active`) and the
//! generic client layer.
//!
//! Per client, the C layer keeps [`FfiState`] under the client lock (credentials and will by
//! pointer, the receive and disconnect notify) and implements the callbacks and the control
//! block mirror in [`FfiHooks`].
#![allow(clippy::too_many_arguments)]

use core::cell::RefCell;
use core::ops::Deref;
use core::ptr::{self, addr_of, addr_of_mut};
use core::sync::atomic::{AtomicU32, Ordering};

use super::api::{NxdMqttDisconnectNotify, NxdMqttReceiveNotify, NxdMqttReleaseCallback};
use super::consts::*;
use super::control_block::{
    NxdMqttAckNotify, NxdMqttConnectNotify, NXD_MQTT_CLIENT, NXD_MQTT_CLIENT_OPAQUE_WORDS,
};
use super::netx_codes::{
    NX_FALSE, NX_IN_PROGRESS, NX_IP_VERSION_V4, NX_IP_VERSION_V6, NX_NO_WAIT, NX_TRUE,
    NX_WAIT_FOREVER,
};
use super::status::{self, Command};
use super::types::{CHAR, NXD_ADDRESS, NX_IP, NX_PACKET_POOL, UCHAR, UINT, ULONG, VOID};
use crate::client::{Config, Endpoint, Hooks, IpAddr, Notice, Port, Tick};
use crate::codec::{QoS, Will};
use crate::port::{self, active};
use crate::session::{ConnectOptions, Request, State, QOS2};

/// The client type of the active port with the C layer's data.
pub type Core = active::Core<FfiState>;
/// The active port's shared client object.
pub type Shared = active::Shared<FfiState, FfiHooks>;
/// The active port's state inside the control block.
pub type Slot = active::Slot<FfiState, FfiHooks>;

// The header's opaque area must be exactly the port's state: no drift between C and Rust.
// (NetX port: the slot, then the area the port places the client in, see `client_area`.)
#[cfg(not(all(feature = "netx", not(feature = "posix"), not(feature = "bare"))))]
const _: () = assert!(
    core::mem::size_of::<Slot>() == NXD_MQTT_CLIENT_OPAQUE_WORDS * core::mem::size_of::<usize>()
);
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
const _: () = assert!(core::mem::size_of::<Slot>() == 2 * core::mem::size_of::<usize>());
const _: () = assert!(core::mem::align_of::<Slot>() <= core::mem::align_of::<usize>());

/// Application memory passed by pointer and length (credentials, will), kept by pointer like
/// the original: the application keeps it valid until the CONNECT is sent.
#[derive(Clone, Copy, Debug)]
pub struct RawBytes {
    ptr: *const u8,
    len: usize,
}

impl RawBytes {
    fn new(ptr: *const u8, len: UINT) -> Self {
        RawBytes {
            ptr,
            len: len as usize,
        }
    }

    /// The bytes.
    ///
    /// # Safety
    /// `ptr` must be valid for `len` bytes for `'a` (or `len` 0).
    unsafe fn get<'a>(&self) -> &'a [u8] {
        if self.len == 0 || self.ptr.is_null() {
            return &[];
        }
        // SAFETY: non-NULL, and the caller guarantees `len` readable bytes for 'a.
        unsafe { core::slice::from_raw_parts(self.ptr, self.len) }
    }
}

#[derive(Clone, Copy, Debug)]
struct RawWill {
    topic: RawBytes,
    message: RawBytes,
    qos: QoS,
    retain: bool,
}

/// What the C layer keeps per client under the client lock.
#[derive(Debug)]
pub struct FfiState {
    block: *mut NXD_MQTT_CLIENT,
    username: Option<RawBytes>,
    password: Option<RawBytes>,
    will: Option<RawWill>,
    receive_notify: NxdMqttReceiveNotify,
    disconnect_notify: NxdMqttDisconnectNotify,
    /// Stored for completeness; never called.
    release_callback: NxdMqttReleaseCallback,
    /// Last packet id written to the control block (to notice application writes).
    id_mirror: UINT,
}

// SAFETY: the raw pointers are the application's control block and its strings. They are
// only dereferenced under the client lock, and the API contract (inherited from the
// original) keeps them valid and unmoved while the client exists; moving the state to the
// MQTT thread is therefore sound.
unsafe impl Send for FfiState {}

impl FfiState {
    fn new(block: *mut NXD_MQTT_CLIENT) -> Self {
        FfiState {
            block,
            username: None,
            password: None,
            will: None,
            receive_notify: None,
            disconnect_notify: None,
            release_callback: None,
            id_mirror: 0,
        }
    }
}

/// Views a `UINT` member of the control block as an atomic (the application may read it
/// from another thread while the MQTT thread updates it).
///
/// # Safety
/// `field` must point into a live control block.
unsafe fn field<'a>(field: *mut UINT) -> &'a AtomicU32 {
    // SAFETY: UINT is u32, the member is aligned (repr(C) struct), and the block is live.
    unsafe { AtomicU32::from_ptr(field) }
}

/// Callbacks and the control-block mirror for the C API.
#[derive(Debug, Default, Clone, Copy)]
pub struct FfiHooks;

impl FfiHooks {
    /// Takes over a packet id the application wrote into the control block.
    fn adopt_packet_id(c: &mut Core) {
        let block = c.user.block;
        if block.is_null() {
            return;
        }
        // SAFETY: the block is live while its client exists.
        let v = unsafe { field(addr_of_mut!((*block).nxd_mqtt_client_packet_identifier)) }
            .load(Ordering::Relaxed);
        if v != c.user.id_mirror {
            c.set_next_packet_id((v & 0xFFFF) as u16);
            c.user.id_mirror = v;
        }
    }
}

impl Hooks<Core> for FfiHooks {
    fn notify(&self, core: &RefCell<Core>, notice: Notice) {
        let (block, receive, disconnect) = {
            // No borrow is alive here (the Hooks contract); the mutable kind is the one the
            // rest of the library takes, so only that one is linked.
            let c = core.borrow_mut();
            (
                c.user.block,
                c.user.receive_notify,
                c.user.disconnect_notify,
            )
        };
        if block.is_null() {
            return; // deleted from a callback: no more calls into the application
        }
        match notice {
            Notice::Received { queued } => {
                if let Some(f) = receive {
                    // SAFETY: application callback with its own control block.
                    unsafe { f(block, UINT::try_from(queued).unwrap_or(UINT::MAX)) };
                }
            }
            Notice::Disconnected => {
                if let Some(f) = disconnect {
                    // SAFETY: application callback with its own control block.
                    unsafe { f(block) };
                }
            }
            Notice::ConnectResult(outcome) => {
                // SAFETY: the block is live while its client exists.
                unsafe { call_connect_notify(block, status::connect_outcome(outcome)) };
            }
            Notice::Acked { kind, packet_id } => {
                // SAFETY: the block is live; the fields are read once (the application may
                // assign them at any time).
                let (f, ctx) = unsafe {
                    (
                        ptr::read_volatile(addr_of!((*block).nxd_mqtt_ack_receive_notify)),
                        ptr::read_volatile(addr_of!((*block).nxd_mqtt_ack_receive_context)),
                    )
                };
                let f: NxdMqttAckNotify = f;
                if let Some(f) = f {
                    // SAFETY: application callback; this port has no transmit packet (NULL).
                    unsafe {
                        f(
                            block,
                            UINT::from(kind as u8),
                            packet_id,
                            ptr::null_mut(),
                            ctx,
                        )
                    };
                }
            }
        }
    }

    fn before_command(&self, core: &mut Core) {
        Self::adopt_packet_id(core);
    }

    fn sync(&self, core: &mut Core) {
        Self::adopt_packet_id(core);
        let m = core.mirror();
        let block = core.user.block;
        if block.is_null() {
            return; // deleted: the block may already be gone
        }
        let state = match m.state {
            State::Idle => NXD_MQTT_CLIENT_STATE_IDLE,
            State::Connecting => NXD_MQTT_CLIENT_STATE_CONNECTING,
            State::Connected => NXD_MQTT_CLIENT_STATE_CONNECTED,
        };
        let id = UINT::from(m.next_packet_id);
        // SAFETY: the block is live while its client exists.
        unsafe {
            field(addr_of_mut!((*block).nxd_mqtt_client_state)).store(state, Ordering::Release);
            field(addr_of_mut!((*block).nxd_mqtt_ping_not_responded)).store(
                if m.ping_outstanding {
                    NX_TRUE
                } else {
                    NX_FALSE
                },
                Ordering::Release,
            );
            field(addr_of_mut!((*block).nxd_mqtt_client_packet_identifier))
                .store(id, Ordering::Release);
        }
        core.user.id_mirror = id;
    }

    fn teardown(&self, core: &mut Core) {
        // The original clears credentials and will at every orderly disconnect.
        core.user.username = None;
        core.user.password = None;
        core.user.will = None;
    }
}

/// Calls the connect notify with `status` (fields read once: the application assigns them).
///
/// # Safety
/// `block` must be a live control block.
unsafe fn call_connect_notify(block: *mut NXD_MQTT_CLIENT, status: UINT) {
    // SAFETY: live block per the contract.
    let (f, ctx) = unsafe {
        (
            ptr::read_volatile(addr_of!((*block).nxd_mqtt_connect_notify)),
            ptr::read_volatile(addr_of!((*block).nxd_mqtt_connect_context)),
        )
    };
    let f: NxdMqttConnectNotify = f;
    if let Some(f) = f {
        // SAFETY: application callback with its own block and context.
        unsafe { f(block, status, ctx) };
    }
}

/// The slot inside the control block.
///
/// # Safety
/// `block` must point to memory of a control block.
unsafe fn slot_ptr(block: *mut NXD_MQTT_CLIENT) -> *mut Slot {
    // SAFETY: in bounds of the block; size and alignment checked at compile time above.
    unsafe { addr_of_mut!((*block).nxd_mqtt_client_opaque).cast::<Slot>() }
}

/// The client of a control block, if it is a created (and not moved, copied or deleted) one.
/// (A reference-counted handle on the host, a plain reference on ports without a heap.)
///
/// # Safety
/// `block` must point to a control block that was created, or zeroed, or is otherwise
/// initialised memory of that size, and stay valid for `'a`.
pub(crate) unsafe fn client_of<'a>(
    block: *mut NXD_MQTT_CLIENT,
) -> Option<impl Deref<Target = Shared> + 'a> {
    // SAFETY: per the contract the slot memory is initialised; a never-created block reads
    // as "no client" (zero handle, owner mismatch).
    unsafe { (*slot_ptr(block)).get(block as usize) }
}

/// Outbound window: at most this many QoS 1/2 flows, SUBSCRIBE/UNSUBSCRIBE and inbound QoS 2
/// ids in flight at once; publish waits (up to its timeout) for acknowledgements beyond it.
/// Brokers limit what a client may have in flight (mosquitto's `max_inflight_messages`,
/// default 20, also applies to incoming QoS 2: excess messages are acknowledged but dropped),
/// so an unlimited burst would lose messages. 20 is also libmosquitto's default.
pub const INFLIGHT_WINDOW: usize = 20;

/// The library's session configuration: the original's defaults (100 ticks per second,
/// keep-alive timer and ping timeout 1 s, first packet id 1) and the in-flight window.
fn config() -> Config {
    Config {
        max_inflight: INFLIGHT_WINDOW,
        ..Config::DEFAULT
    }
}

/// A QoS argument: 0, 1 or 2 (2 only when QoS 2 is built in, see `session::QOS2`).
fn qos_arg(qos: UINT) -> Option<QoS> {
    u8::try_from(qos)
        .ok()
        .and_then(QoS::from_u8)
        .filter(|q| QOS2 || *q != QoS::ExactlyOnce)
}

/// A wait option as a tick count (`NX_WAIT_FOREVER`: no limit).
pub(crate) fn wait_ticks(wait: ULONG) -> Option<Tick> {
    if wait == NX_WAIT_FOREVER {
        None
    } else {
        Some(Tick::try_from(wait).unwrap_or(Tick::MAX))
    }
}

/// The broker endpoint from `NXD_ADDRESS` and a port.
#[allow(clippy::unnecessary_cast)] // ULONG is u32 on x86_64 but c_ulong elsewhere
fn endpoint(addr: &NXD_ADDRESS, port: UINT) -> Option<Endpoint> {
    let port = u16::try_from(port).ok().filter(|p| *p != 0)?;
    let ip = match addr.nxd_ip_version {
        NX_IP_VERSION_V4 => {
            // SAFETY: union read; every bit pattern is a valid ULONG and the version says
            // which member the application wrote.
            let v4 = unsafe { addr.nxd_ip_address.v4 };
            IpAddr::V4((v4 as u32).to_be_bytes())
        }
        NX_IP_VERSION_V6 => {
            // SAFETY: as above.
            let words = unsafe { addr.nxd_ip_address.v6 };
            let mut b = [0u8; 16];
            for (chunk, w) in b.chunks_exact_mut(4).zip(words) {
                chunk.copy_from_slice(&(w as u32).to_be_bytes());
            }
            IpAddr::V6(b)
        }
        _ => return None,
    };
    Some(Endpoint { ip, port })
}

// ---------------------------------------------------------------------------------------------

/// Arguments of create.
pub struct CreateParams {
    /// Client name (thread name on ThreadX).
    pub name: *mut CHAR,
    /// Client id (kept by pointer).
    pub client_id: *mut CHAR,
    /// Client id length.
    pub client_id_length: UINT,
    /// NetX IP instance.
    pub ip: *mut NX_IP,
    /// NetX packet pool.
    pub pool: *mut NX_PACKET_POOL,
    /// MQTT thread stack.
    pub stack: *mut VOID,
    /// Its size.
    pub stack_size: ULONG,
    /// MQTT thread priority.
    pub priority: UINT,
    /// create's `memory_ptr`: ignored, as by the original (deprecated).
    pub memory: *mut VOID,
    /// create's `memory_size`: ignored.
    pub memory_size: ULONG,
    /// NetX cloud-helper build: the application's `NX_CLOUD` to join
    /// (`_nxd_mqtt_client_cloud_create`); NULL otherwise.
    pub cloud: *mut VOID,
}

/// The control-block members the NetX port keeps real.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
fn block_members(block: *mut NXD_MQTT_CLIENT) -> port::BlockMembers {
    // SAFETY: member addresses of the block (no access).
    unsafe {
        port::BlockMembers {
            mutex_ptr: addr_of_mut!((*block).nxd_mqtt_client_mutex_ptr).cast(),
            queue_head: addr_of_mut!((*block).message_receive_queue_head).cast(),
            queue_tail: addr_of_mut!((*block).message_receive_queue_tail).cast(),
            queue_depth: addr_of_mut!((*block).message_receive_queue_depth),
            packet_hook: addr_of_mut!((*block).nxd_mqtt_packet_receive_notify).cast(),
            packet_hook_context: addr_of_mut!((*block).nxd_mqtt_packet_receive_context),
            #[cfg(nxd_mqtt_tls)]
            tls_session: addr_of_mut!((*block).nxd_mqtt_tls_session).cast(),
            #[cfg(not(nxd_mqtt_tls))]
            tls_session: ptr::null_mut(),
            #[cfg(nxd_mqtt_websocket)]
            websocket: addr_of_mut!((*block).nxd_mqtt_client_websocket).cast(),
            #[cfg(not(nxd_mqtt_websocket))]
            websocket: ptr::null_mut(),
        }
    }
}

/// The control-block members the other ports keep real: none.
#[cfg(not(all(feature = "netx", not(feature = "posix"), not(feature = "bare"))))]
fn block_members(_block: *mut NXD_MQTT_CLIENT) -> port::BlockMembers {
    port::BlockMembers::NONE
}

/// NetX port: the area of the block after the slot, where the port places the client's whole
/// state (address, bytes).
///
/// # Safety
/// `block` must point to memory of a control block.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
unsafe fn client_area(block: *mut NXD_MQTT_CLIENT) -> (*mut VOID, usize) {
    let slot = core::mem::size_of::<Slot>();
    // SAFETY: in bounds of the block: the opaque area holds the slot and then the rest.
    let area = unsafe { slot_ptr(block).cast::<u8>().add(slot) };
    (
        area.cast(),
        NXD_MQTT_CLIENT_OPAQUE_WORDS * core::mem::size_of::<usize>() - slot,
    )
}

/// The other ports keep their state elsewhere (host) or in the slot itself (bare): none.
#[cfg(not(all(feature = "netx", not(feature = "posix"), not(feature = "bare"))))]
unsafe fn client_area(_block: *mut NXD_MQTT_CLIENT) -> (*mut VOID, usize) {
    (ptr::null_mut(), 0)
}

/// Core of create.
///
/// # Safety
/// `block` is valid writable memory for a control block that stays in place while the
/// client exists.
pub unsafe fn create(block: *mut NXD_MQTT_CLIENT, p: &CreateParams) -> UINT {
    // create's memory_ptr / memory_size are ignored, as by the original.
    let _ = (p.memory, p.memory_size);
    // SAFETY: the block's memory per the contract.
    let (area, area_size) = unsafe { client_area(block) };
    // NetX port: the client's state lives in the block, so an earlier client of this block
    // (created again without a delete, or deleted from its callback) is ended first; a block
    // still in use (by the calling thread's own client) is left alone.
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    if !active::vacate(block as usize, area, area_size) {
        return status::CREATE_FAILED;
    }
    // Initialise the whole block, as the original's memset does: in place (the block holds
    // the client's state on the NetX port, too large for a temporary on the stack). Zero is
    // NULL, None, 0 and NX_FALSE for every member.
    // SAFETY: writable memory of the block's size per the contract.
    unsafe {
        ptr::write_bytes(block, 0, 1);
        addr_of_mut!((*block).nxd_mqtt_client_id).write(p.client_id);
        addr_of_mut!((*block).nxd_mqtt_client_id_length).write(p.client_id_length);
        addr_of_mut!((*block).nxd_mqtt_client_state).write(NXD_MQTT_CLIENT_STATE_INITIALIZE);
        #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
        {
            addr_of_mut!((*block).nxd_mqtt_client_ip_ptr).write(p.ip);
            addr_of_mut!((*block).nxd_mqtt_client_packet_pool_ptr).write(p.pool);
        }
    }
    let params = port::CreateParams {
        name: p.name,
        ip: p.ip.cast(),
        pool: p.pool.cast(),
        stack: p.stack,
        stack_size: p.stack_size as usize,
        priority: p.priority,
        memory: area,
        memory_size: area_size,
        block: block_members(block),
        cloud: p.cloud,
    };
    match Slot::create(
        block as usize,
        config(),
        FfiState::new(block),
        FfiHooks,
        &params,
    ) {
        Ok(slot) => {
            // SAFETY: the slot area is inside the block; nothing is there yet (zeroed).
            unsafe {
                ptr::write(slot_ptr(block), slot);
                field(addr_of_mut!((*block).nxd_mqtt_client_state))
                    .store(NXD_MQTT_CLIENT_STATE_IDLE, Ordering::Release);
            }
            status::OK
        }
        Err(e) => status::create_error(e),
    }
}

/// `login_set` exists (cargo feature `no-login` compiles it out of minimal builds).
const LOGIN: bool = cfg!(not(feature = "no-login"));
/// `will_message_set` exists (cargo feature `no-will` compiles it out of minimal builds).
const WILL: bool = cfg!(not(feature = "no-will"));

/// Core of login_set.
///
/// # Safety
/// `block` is a control block; the strings stay valid until the next CONNECT is sent.
#[cfg(not(feature = "no-login"))]
pub unsafe fn login_set(
    block: *mut NXD_MQTT_CLIENT,
    username: *mut CHAR,
    username_length: UINT,
    password: *mut CHAR,
    password_length: UINT,
) -> UINT {
    // SAFETY: contract of this function.
    let Some(shared) = (unsafe { client_of(block) }) else {
        return status::NOT_CREATED_LOCK;
    };
    let g = shared.lock();
    let mut c = g.borrow_mut();
    c.user.username =
        (!username.is_null()).then(|| RawBytes::new(username.cast(), username_length));
    c.user.password =
        (!password.is_null()).then(|| RawBytes::new(password.cast(), password_length));
    status::OK
}

/// Core of will_message_set.
///
/// # Safety
/// `block` is a control block; topic and message stay valid until the next CONNECT is sent.
#[cfg(not(feature = "no-will"))]
pub unsafe fn will_message_set(
    block: *mut NXD_MQTT_CLIENT,
    topic: *const UCHAR,
    topic_length: UINT,
    message: *const UCHAR,
    message_length: UINT,
    retain: UINT,
    qos: UINT,
) -> UINT {
    let Some(qos) = qos_arg(qos) else {
        return status::INVALID_ARGUMENT;
    };
    if topic.is_null() || topic_length == 0 {
        return status::INVALID_ARGUMENT;
    }
    // SAFETY: contract of this function.
    let Some(shared) = (unsafe { client_of(block) }) else {
        return status::NOT_CREATED_LOCK;
    };
    let g = shared.lock();
    let mut c = g.borrow_mut();
    c.user.will = Some(RawWill {
        topic: RawBytes::new(topic, topic_length),
        message: RawBytes::new(message, if message.is_null() { 0 } else { message_length }),
        qos,
        retain: retain != 0,
    });
    status::OK
}

/// Core of delete.
///
/// # Safety
/// `block` is a control block; no other thread uses it during and after the call.
pub unsafe fn delete(block: *mut NXD_MQTT_CLIENT) -> UINT {
    // SAFETY: contract of this function.
    let Some(shared) = (unsafe { client_of(block) }) else {
        return status::OK;
    };
    {
        let mut g = shared.lock();
        // The WebSocket client goes with the client (its transport deletes it).
        #[cfg(all(
            feature = "netx",
            not(feature = "posix"),
            not(feature = "bare"),
            nxd_mqtt_websocket
        ))]
        // SAFETY: the live block's member.
        unsafe {
            (*block).nxd_mqtt_client_use_websocket = 0;
        }
        Core::shutdown(&*shared, &mut g);
        // From now on nothing touches the block: when delete runs inside a callback, the MQTT
        // thread finishes that callback after the application may have freed the block.
        g.borrow_mut().user.block = ptr::null_mut();
    }
    drop(shared);
    // SAFETY: the slot is initialised (client_of found it) and nobody else uses it now.
    unsafe { (*slot_ptr(block)).destroy() };
    status::OK
}

/// Core of connect.
///
/// # Safety
/// `block` is a control block; the client id, credentials and will it refers to are valid.
pub unsafe fn connect(
    block: *mut NXD_MQTT_CLIENT,
    addr: &NXD_ADDRESS,
    port: UINT,
    keepalive: UINT,
    clean_session: UINT,
    wait: ULONG,
) -> UINT {
    // SAFETY: forwarded contract.
    unsafe { connect_with(block, addr, port, keepalive, clean_session, wait, false) }
}

/// Core of connect and (with `tls`, after `tls_setup` configured the session) secure_connect.
///
/// # Safety
/// As [`connect`].
unsafe fn connect_with(
    block: *mut NXD_MQTT_CLIENT,
    addr: &NXD_ADDRESS,
    port: UINT,
    keepalive: UINT,
    clean_session: UINT,
    wait: ULONG,
    tls: bool,
) -> UINT {
    // SAFETY: contract of this function.
    let Some(shared) = (unsafe { client_of(block) }) else {
        return status::NOT_CREATED_LOCK;
    };
    let Some(to) = endpoint(addr, port) else {
        return status::BAD_ENDPOINT;
    };
    if keepalive > u32::from(u16::MAX) {
        return status::INVALID_ARGUMENT;
    }
    let blocking = wait != NX_NO_WAIT;
    let mut g = shared.lock();
    {
        let mut c = g.borrow_mut();
        FfiHooks.before_command(&mut c);
        // SAFETY: the block is live; the application keeps the id, credentials and will valid
        // (the API contract); they are only read during this call.
        let (client_id, username, password, will) = unsafe {
            let id = RawBytes::new(
                (*block).nxd_mqtt_client_id.cast(),
                (*block).nxd_mqtt_client_id_length,
            );
            if id.ptr.is_null() && id.len != 0 {
                return status::INVALID_ARGUMENT;
            }
            let will = c.user.will.filter(|_| WILL).map(|w| Will {
                topic: w.topic.get(),
                message: w.message.get(),
                qos: w.qos,
                retain: w.retain,
            });
            (
                id.get(),
                c.user.username.filter(|_| LOGIN).map(|u| u.get()),
                c.user.password.filter(|_| LOGIN).map(|p| p.get()),
                will,
            )
        };
        let options = ConnectOptions {
            client_id,
            keep_alive_secs: keepalive,
            // Any non-zero value asks for a clean session (the original used 1 only).
            clean_session: clean_session != 0,
            username,
            password,
            will,
        };
        let now = shared.now();
        if c.session().state() == State::Idle && !tls_ready(&mut c, tls, wait) {
            return status::BAD_ENDPOINT;
        }
        #[cfg(all(
            feature = "netx",
            not(feature = "posix"),
            not(feature = "bare"),
            nxd_mqtt_websocket
        ))]
        // SAFETY: the live block's member (written by websocket_set under this lock).
        let websocket = unsafe { (*block).nxd_mqtt_client_use_websocket } != 0;
        #[cfg(all(
            feature = "netx",
            not(feature = "posix"),
            not(feature = "bare"),
            nxd_mqtt_websocket
        ))]
        if c.session().state() == State::Idle && websocket {
            // SAFETY: the live block's members (written by websocket_set under this lock).
            let (host, path) = unsafe {
                (
                    (
                        (*block).nxd_mqtt_client_websocket_host.cast_const(),
                        (*block).nxd_mqtt_client_websocket_host_length,
                    ),
                    (
                        (*block).nxd_mqtt_client_websocket_uri_path.cast_const(),
                        (*block).nxd_mqtt_client_websocket_uri_path_length,
                    ),
                )
            };
            if !c.transport_mut().arm_websocket(host, path, wait) {
                return status::BAD_ENDPOINT;
            }
        }
        let started = c.start_connect(now, &to, &options, blocking);
        FfiHooks.sync(&mut c);
        if let Err(e) = started {
            #[cfg(nxd_mqtt_tls)]
            c.transport_mut().disarm_tls();
            return status::start_error(e);
        }
    }
    shared.wake();
    if !blocking {
        return NX_IN_PROGRESS;
    }
    let outcome = Core::connect_wait(&*shared, &mut g, wait_ticks(wait));
    FfiHooks.sync(&mut g.borrow_mut());
    drop(g);
    let code = status::connect_outcome(outcome);
    if outcome.from_connack() {
        // Blocking mode: the connect notify runs in the caller's thread, without the lock,
        // before connect returns (as in the original).
        // SAFETY: live block.
        unsafe { call_connect_notify(block, code) };
    }
    code
}

/// Before a connect on an idle client: arms TLS for a secure connect (`tls`), or, in builds
/// with `NXD_MQTT_REQUIRE_TLS`, refuses a plain one. `false`: the connect fails
/// (`NXD_MQTT_CONNECT_FAILURE`).
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
fn tls_ready(c: &mut Core, tls: bool, wait: ULONG) -> bool {
    #[cfg(nxd_mqtt_tls)]
    if tls {
        return c.transport_mut().arm_tls(wait);
    }
    let _ = (c, wait);
    !tls && crate::port::netx::build_config().require_tls == 0
}

/// Other ports: no TLS yet; a secure connect cannot be requested.
#[cfg(not(all(feature = "netx", not(feature = "posix"), not(feature = "bare"))))]
fn tls_ready(_c: &mut Core, tls: bool, _wait: ULONG) -> bool {
    !tls
}

/// The application's TLS setup callback (see `api::NxdMqttTlsSetup`).
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_tls
))]
pub type TlsSetup = unsafe extern "C" fn(
    *mut NXD_MQTT_CLIENT,
    *mut super::types::NX_SECURE_TLS_SESSION,
    *mut super::types::NX_SECURE_X509_CERT,
    *mut super::types::NX_SECURE_X509_CERT,
) -> UINT;

/// Core of secure_connect (COMPATIBILITY items 11 and 12): the state checks first
/// (`NXD_MQTT_ALREADY_CONNECTED`, `NXD_MQTT_CONNECTING`, not created), without calling
/// `tls_setup`; what is left of the last connection is ended (its TLS session deleted); then
/// `tls_setup` runs in the calling thread with the control block's session and certificates
/// (a non-zero result is returned unchanged); then the connect, with TLS.
///
/// # Safety
/// As [`connect`]; `tls_setup` is the application's callback.
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_tls
))]
pub unsafe fn secure_connect(
    block: *mut NXD_MQTT_CLIENT,
    addr: &NXD_ADDRESS,
    port: UINT,
    keepalive: UINT,
    clean_session: UINT,
    wait: ULONG,
    tls_setup: TlsSetup,
) -> UINT {
    // SAFETY: contract of this function.
    let Some(shared) = (unsafe { client_of(block) }) else {
        return status::NOT_CREATED_LOCK;
    };
    {
        let g = shared.lock();
        let mut c = g.borrow_mut();
        match c.session().state() {
            State::Connected => return NXD_MQTT_ALREADY_CONNECTED,
            State::Connecting => return NXD_MQTT_CONNECTING,
            State::Idle => {}
        }
        if c.transport_mut().settle().is_err() {
            return status::BAD_ENDPOINT;
        }
    }
    // SAFETY: member addresses of the live block, handed to the application's callback as
    // the original does.
    let r = unsafe {
        tls_setup(
            block,
            addr_of_mut!((*block).nxd_mqtt_tls_session),
            addr_of_mut!((*block).nxd_mqtt_tls_certificate),
            addr_of_mut!((*block).nxd_mqtt_tls_trusted_certificate),
        )
    };
    if r != 0 {
        return r;
    }
    // SAFETY: forwarded contract.
    unsafe { connect_with(block, addr, port, keepalive, clean_session, wait, true) }
}

/// Core of websocket_set (NetX port with `NXD_MQTT_OVER_WEBSOCKET`, spec §7.14): stores the
/// host and path (by pointer), creates the WebSocket client (a client created before is
/// deleted first; its failure code is returned) and marks the client as using WebSocket.
///
/// # Safety
/// `block` is a control block; host and path stay valid while the client connects with them.
#[cfg(all(
    feature = "netx",
    not(feature = "posix"),
    not(feature = "bare"),
    nxd_mqtt_websocket
))]
pub unsafe fn websocket_set(
    block: *mut NXD_MQTT_CLIENT,
    host: *mut UCHAR,
    host_length: UINT,
    uri_path: *mut UCHAR,
    uri_path_length: UINT,
) -> UINT {
    // SAFETY: contract of this function.
    let Some(shared) = (unsafe { client_of(block) }) else {
        return status::NOT_CREATED_LOCK;
    };
    let g = shared.lock();
    let mut c = g.borrow_mut();
    // SAFETY: the live block's members.
    unsafe {
        (*block).nxd_mqtt_client_use_websocket = 0;
        (*block).nxd_mqtt_client_websocket_host = host;
        (*block).nxd_mqtt_client_websocket_host_length = host_length;
        (*block).nxd_mqtt_client_websocket_uri_path = uri_path;
        (*block).nxd_mqtt_client_websocket_uri_path_length = uri_path_length;
    }
    // SAFETY: as above.
    let ip = unsafe { (*block).nxd_mqtt_client_ip_ptr };
    let s = c.transport_mut().create_websocket(ip.cast());
    if s != 0 {
        return s;
    }
    // SAFETY: as above.
    unsafe { (*block).nxd_mqtt_client_use_websocket = 1 };
    status::OK
}

/// Borrowed application buffer (NULL or length 0: empty).
///
/// # Safety
/// Non-NULL `ptr` must be valid for `len` bytes for `'a`.
unsafe fn bytes<'a>(ptr: *const CHAR, len: UINT) -> &'a [u8] {
    // SAFETY: forwarded contract.
    unsafe { RawBytes::new(ptr.cast(), len).get() }
}

/// What [`command`] queues besides the topic.
enum Op {
    Publish {
        message: *mut CHAR,
        message_length: UINT,
        retain: UINT,
        wait: ULONG,
    },
    Subscribe,
    Unsubscribe,
}

/// The shared core of publish, subscribe and unsubscribe (checks in the original's order:
/// QoS, topic, client).
///
/// # Safety
/// `block` is a control block; topic and message are valid for their lengths.
#[inline(never)]
unsafe fn command(
    block: *mut NXD_MQTT_CLIENT,
    topic: *mut CHAR,
    topic_length: UINT,
    qos: UINT,
    op: Op,
) -> UINT {
    // SAFETY: forwarded contract.
    match unsafe { command_id(block, topic, topic_length, qos, op) } {
        Ok(_) => status::OK,
        Err(code) => code,
    }
}

/// [`command`] returning the packet id used (`None`: QoS 0 PUBLISH) or the NX code.
///
/// # Safety
/// As [`command`].
#[inline(always)] // one frame with `command` on the callers' stacks
unsafe fn command_id(
    block: *mut NXD_MQTT_CLIENT,
    topic: *mut CHAR,
    topic_length: UINT,
    qos: UINT,
    op: Op,
) -> Result<Option<u16>, UINT> {
    let Some(qos) = qos_arg(qos) else {
        return Err(status::INVALID_ARGUMENT);
    };
    if topic.is_null() || topic_length == 0 {
        return Err(status::INVALID_ARGUMENT);
    }
    let (not_created, cmd) = match op {
        Op::Publish { .. } => (status::NOT_CREATED_PUBLISH, Command::Publish),
        _ => (status::NOT_CREATED_LOCK, Command::SubUnsub),
    };
    // SAFETY: contract of this function.
    let Some(shared) = (unsafe { client_of(block) }) else {
        return Err(not_created);
    };
    // SAFETY: contract of this function.
    let topic = unsafe { bytes(topic, topic_length) };
    let (request, timeout, reserve) = match op {
        Op::Publish {
            message,
            message_length,
            retain,
            wait,
        } => {
            // SAFETY: contract of this function.
            let payload = unsafe { bytes(message, message_length) };
            let request = Request::Publish {
                topic,
                payload,
                qos,
                retain: retain != 0,
            };
            (request, wait_ticks(wait), Some((payload, wait)))
        }
        Op::Subscribe => (Request::Subscribe { filter: topic, qos }, None, None),
        Op::Unsubscribe => (Request::Unsubscribe { filter: topic }, None, None),
    };
    let run = |g: &mut _| Core::command(&*shared, g, timeout, &request);
    // NetX: the PUBLISH's pool packets are reserved first, as the original allocates them.
    #[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
    let result = match reserve {
        Some((payload, wait)) => match shared.publish_reserved(topic, payload, qos, wait, run) {
            Ok(r) => r,
            Err(e) => return Err(status::reserve_error(e)),
        },
        None => run(&mut shared.lock()),
    };
    #[cfg(not(all(feature = "netx", not(feature = "posix"), not(feature = "bare"))))]
    let result = {
        let _ = reserve;
        run(&mut shared.lock())
    };
    result.map_err(|e| status::command_error(cmd, e))
}

/// Subscribe (`qos` given) or unsubscribe (`None`) for `_nxd_mqtt_client_sub_unsub`:
/// the packet id used, or the code `subscribe` / `unsubscribe` would return.
///
/// # Safety
/// `block` is a control block; the topic is valid for its length.
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
pub unsafe fn sub_unsub(
    block: *mut NXD_MQTT_CLIENT,
    topic: *mut CHAR,
    topic_length: UINT,
    qos: Option<UINT>,
) -> Result<u16, UINT> {
    let op = match qos {
        Some(_) => Op::Subscribe,
        None => Op::Unsubscribe,
    };
    // SAFETY: forwarded contract.
    unsafe { command_id(block, topic, topic_length, qos.unwrap_or(0), op) }
        .map(|id| id.unwrap_or(0))
}

/// Core of publish.
///
/// # Safety
/// `block` is a control block; topic and message are valid for their lengths.
pub unsafe fn publish(
    block: *mut NXD_MQTT_CLIENT,
    topic: *mut CHAR,
    topic_length: UINT,
    message: *mut CHAR,
    message_length: UINT,
    retain: UINT,
    qos: UINT,
    wait: ULONG,
) -> UINT {
    let op = Op::Publish {
        message,
        message_length,
        retain,
        wait,
    };
    // SAFETY: contract of this function.
    unsafe { command(block, topic, topic_length, qos, op) }
}

/// Core of subscribe.
///
/// # Safety
/// `block` is a control block; the topic is valid for its length.
pub unsafe fn subscribe(
    block: *mut NXD_MQTT_CLIENT,
    topic: *mut CHAR,
    topic_length: UINT,
    qos: UINT,
) -> UINT {
    // SAFETY: contract of this function.
    unsafe { command(block, topic, topic_length, qos, Op::Subscribe) }
}

/// Core of unsubscribe.
///
/// # Safety
/// `block` is a control block; the topic is valid for its length.
pub unsafe fn unsubscribe(
    block: *mut NXD_MQTT_CLIENT,
    topic: *mut CHAR,
    topic_length: UINT,
) -> UINT {
    // SAFETY: contract of this function.
    unsafe { command(block, topic, topic_length, 0, Op::Unsubscribe) }
}

/// Core of disconnect.
///
/// # Safety
/// `block` is a control block.
pub unsafe fn disconnect(block: *mut NXD_MQTT_CLIENT) -> UINT {
    // SAFETY: contract of this function.
    let Some(shared) = (unsafe { client_of(block) }) else {
        return status::NOT_CREATED_LOCK;
    };
    let mut g = shared.lock();
    Core::disconnect(&*shared, &mut g);
    status::OK
}

/// Core of receive_notify_set.
///
/// # Safety
/// `block` is a control block.
pub unsafe fn receive_notify_set(
    block: *mut NXD_MQTT_CLIENT,
    notify: NxdMqttReceiveNotify,
) -> UINT {
    // SAFETY: contract of this function.
    if let Some(shared) = unsafe { client_of(block) } {
        let g = shared.lock();
        g.borrow_mut().user.receive_notify = notify;
    }
    status::OK
}

/// Core of disconnect_notify_set.
///
/// # Safety
/// `block` is a control block.
pub unsafe fn disconnect_notify_set(
    block: *mut NXD_MQTT_CLIENT,
    notify: NxdMqttDisconnectNotify,
) -> UINT {
    // SAFETY: contract of this function.
    if let Some(shared) = unsafe { client_of(block) } {
        let g = shared.lock();
        g.borrow_mut().user.disconnect_notify = notify;
    }
    status::OK
}

/// Core of release_callback_set (stores the pointer; it is never called).
///
/// # Safety
/// `block` is a control block.
pub unsafe fn release_callback_set(
    block: *mut NXD_MQTT_CLIENT,
    callback: NxdMqttReleaseCallback,
) -> UINT {
    // SAFETY: contract of this function.
    if let Some(shared) = unsafe { client_of(block) } {
        let g = shared.lock();
        g.borrow_mut().user.release_callback = callback;
    }
    status::OK
}

/// Core of the connect_notify_set extension.
///
/// # Safety
/// `block` is a control block.
pub unsafe fn connect_notify_set(
    block: *mut NXD_MQTT_CLIENT,
    notify: NxdMqttConnectNotify,
    context: *mut VOID,
) -> UINT {
    // SAFETY: contract of this function.
    let shared = unsafe { client_of(block) };
    let _guard = shared.as_ref().map(|s| s.lock());
    // SAFETY: writable block; under the client lock when it is a created client.
    unsafe {
        ptr::write_volatile(addr_of_mut!((*block).nxd_mqtt_connect_notify), notify);
        ptr::write_volatile(addr_of_mut!((*block).nxd_mqtt_connect_context), context);
    }
    status::OK
}

/// Core of message_get.
///
/// # Safety
/// `block` is a control block; non-NULL buffers are writable for their sizes; non-NULL length
/// pointers point to writable `UINT`s.
pub unsafe fn message_get(
    block: *mut NXD_MQTT_CLIENT,
    topic_buffer: *mut UCHAR,
    topic_buffer_size: UINT,
    actual_topic_length: *mut UINT,
    message_buffer: *mut UCHAR,
    message_buffer_size: UINT,
    actual_message_length: *mut UINT,
) -> UINT {
    let topic_size = if topic_buffer.is_null() {
        0
    } else {
        topic_buffer_size as usize
    };
    let message_size = if message_buffer.is_null() {
        0
    } else {
        message_buffer_size as usize
    };
    let (t0, m0) = (topic_buffer as usize, message_buffer as usize);
    if topic_size != 0 && message_size != 0 && t0 < m0 + message_size && m0 < t0 + topic_size {
        // Overlapping buffers cannot both be written.
        return status::INVALID_ARGUMENT;
    }
    // SAFETY: contract of this function.
    let Some(shared) = (unsafe { client_of(block) }) else {
        return status::NOT_CREATED_GET;
    };
    let topic: &mut [u8] = if topic_size == 0 {
        &mut []
    } else {
        // SAFETY: non-NULL, writable for its size (contract), disjoint from the other buffer.
        unsafe { core::slice::from_raw_parts_mut(topic_buffer, topic_size) }
    };
    let message: &mut [u8] = if message_size == 0 {
        &mut []
    } else {
        // SAFETY: as above.
        unsafe { core::slice::from_raw_parts_mut(message_buffer, message_size) }
    };
    let mut g = shared.lock();
    match Core::message_get(&*shared, &mut g, topic, message) {
        Ok(info) => {
            // SAFETY: non-NULL length pointers are writable UINTs (contract); exactly a UINT
            // is written.
            unsafe {
                if !actual_topic_length.is_null() {
                    actual_topic_length.write_unaligned(info.topic_len as UINT);
                }
                if !actual_message_length.is_null() {
                    actual_message_length.write_unaligned(info.payload_len as UINT);
                }
            }
            status::OK
        }
        Err(e) => status::get_error(e),
    }
}

/// Unused-import guard for codes only some builds use.
const _: UINT = NXD_MQTT_SUCCESS;
