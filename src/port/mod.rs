//! Platform ports. Each implements the traits of [`crate::client`] ([`crate::client::Transport`],
//! [`crate::client::Port`]) and offers the same small "slot" API to `ffi`, so that `ffi` is
//! written once for every port.
//!
//! # The slot API every port module provides (`ffi` uses the active port through it)
//!
//! ```text
//! pub type Core<U> = client::Client<TheTransport, U, RX, QUEUE, STORE, TX, INFLIGHT, IO>;
//! pub struct Shared<U, H>        // owns the lock and the RefCell<Core<U>>; implements
//!                                // client::Port<Core = Core<U>, Hooks = H>
//! pub struct Slot<U, H>          // the port's state inside the C control block: exactly
//!                                // ffi::control_block::NXD_MQTT_CLIENT_OPAQUE_WORDS machine
//!                                // words (a compile-time assertion in ffi checks it)
//! impl Slot<U, H> {
//!     /// Sets up the client (lock, transport, worker) for the control block at `owner`.
//!     pub fn create(owner: usize, config: Config, user: U, hooks: H, params: &CreateParams)
//!         -> Result<Self, CreateError>;
//!     /// The client, if this slot was created for the block at `owner` and not destroyed.
//!     pub fn get(&self, owner: usize) -> Option<Ref>;   // Ref: Deref<Target = Shared<U, H>>
//!     /// After `Client::shutdown`: stops the worker and releases everything.
//!     pub fn destroy(&mut self);
//! }
//! ```
//!
//! A port selects its capacities (the host uses large heap buffers; firmware ports choose
//! small static ones) and the tick clock (`NX_IP_PERIODIC_RATE` ticks per second).
//!
//! Only one port is active in a build; `posix` wins if several features are enabled.
#![deny(clippy::undocumented_unsafe_blocks)]

#[cfg(any(feature = "bare", feature = "netx"))]
mod build_config;

#[cfg(feature = "posix")]
pub mod posix;

#[cfg(feature = "posix")]
pub use posix as active;

#[cfg(feature = "bare")]
pub mod bare;

#[cfg(all(feature = "bare", not(feature = "posix")))]
pub use bare as active;

#[cfg(feature = "netx")]
pub mod netx;

#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
pub use netx as active;

/// Parameters of `nxd_mqtt_client_create` that concern the platform. Each port uses what it
/// needs: the NetX port runs the MQTT thread on `stack`/`stack_size`/`priority` and uses
/// `ip`/`pool` and `memory`; the host port gives its thread its own stack and ignores the rest.
#[derive(Clone, Copy, Debug)]
pub struct CreateParams {
    /// Thread / object name (NUL-terminated C string or NULL).
    pub name: *const core::ffi::c_char,
    /// NetX IP instance (opaque here).
    pub ip: *mut core::ffi::c_void,
    /// NetX packet pool (opaque here).
    pub pool: *mut core::ffi::c_void,
    /// Stack memory for the MQTT thread.
    pub stack: *mut core::ffi::c_void,
    /// Its size in bytes.
    pub stack_size: usize,
    /// MQTT thread priority.
    pub priority: u32,
    /// Memory for the client's state: on the NetX port the area at the end of the control
    /// block, after the slot (the C layer passes it; create's `memory_ptr` / `memory_size` are
    /// ignored, as by the original). The other ports get NULL.
    pub memory: *mut core::ffi::c_void,
    /// Its size in bytes.
    pub memory_size: usize,
    /// Members of the control block that the port keeps real (NULL where a port has none).
    pub block: BlockMembers,
    /// NetX port built with `NXD_MQTT_CLOUD_ENABLE`: the application's cloud helper (`NX_CLOUD`)
    /// the client joins (`_nxd_mqtt_client_cloud_create`); NULL: create makes the client's own
    /// helper on `stack` at `priority`. Unused elsewhere (NULL).
    pub cloud: *mut core::ffi::c_void,
}

/// Addresses of control-block members a port maintains itself (the NetX port: the client
/// mutex's address and the receive queue as the original's `NX_PACKET` list).
#[derive(Clone, Copy, Debug)]
pub struct BlockMembers {
    /// `nxd_mqtt_client_mutex_ptr`.
    pub mutex_ptr: *mut *mut core::ffi::c_void,
    /// `message_receive_queue_head`.
    pub queue_head: *mut *mut core::ffi::c_void,
    /// `message_receive_queue_tail`.
    pub queue_tail: *mut *mut core::ffi::c_void,
    /// `message_receive_queue_depth`.
    pub queue_depth: *mut core::ffi::c_uint,
    /// `nxd_mqtt_packet_receive_notify` (the raw packet-receive hook, a nullable C function
    /// pointer `UINT (*)(NXD_MQTT_CLIENT *, NX_PACKET *, VOID *)`).
    pub packet_hook: *mut Option<PacketHook>,
    /// `nxd_mqtt_packet_receive_context`.
    pub packet_hook_context: *mut *mut core::ffi::c_void,
    /// `nxd_mqtt_tls_session` (NetX port with `NX_SECURE_ENABLE`; NULL otherwise).
    pub tls_session: *mut core::ffi::c_void,
    /// `nxd_mqtt_client_websocket` (NetX port with `NXD_MQTT_OVER_WEBSOCKET`; NULL otherwise).
    pub websocket: *mut core::ffi::c_void,
}

/// The raw packet-receive hook: `(control block, packet, context)`, `NX_TRUE` (1) when it
/// took the packet.
pub type PacketHook = unsafe extern "C" fn(
    *mut core::ffi::c_void,
    *mut core::ffi::c_void,
    *mut core::ffi::c_void,
) -> core::ffi::c_uint;

impl BlockMembers {
    /// None.
    pub const NONE: BlockMembers = BlockMembers {
        mutex_ptr: core::ptr::null_mut(),
        queue_head: core::ptr::null_mut(),
        queue_tail: core::ptr::null_mut(),
        queue_depth: core::ptr::null_mut(),
        packet_hook: core::ptr::null_mut(),
        packet_hook_context: core::ptr::null_mut(),
        tls_session: core::ptr::null_mut(),
        websocket: core::ptr::null_mut(),
    };
}

/// Why a port could not create a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateError {
    /// Thread, lock or wake-up resources could not be created (NetX port: or the control
    /// block is in use by another client's state, see `port::netx::vacate`).
    Resources,
}
