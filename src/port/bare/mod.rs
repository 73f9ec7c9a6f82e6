//! Bare-metal port: no RTOS, no heap, no threads.
//!
//! The application supplies the link to the broker and a tick clock as C callbacks
//! ([`NXD_MQTT_TRANSPORT`], installed with the extension `nxd_mqtt_client_transport_set`) and
//! drives the client from its main loop with the extension `nxd_mqtt_client_process`. The
//! public API keeps its meaning:
//!
//! * blocking calls (connect with a timeout, publish waiting for room) poll the transport and
//!   run the client themselves until they are done or their timeout (in ticks of the
//!   application's clock) has passed;
//! * callbacks (receive, connect, disconnect, ack notify) fire from inside API calls or
//!   `nxd_mqtt_client_process`, never from an interrupt; a callback may call the API of the
//!   same client (except delete);
//! * keep-alive, PINGREQ and ping-timeout supervision run inside those calls, so the
//!   application calls `nxd_mqtt_client_process` at least a few times per keep-alive period
//!   (every main-loop pass is typical).
//!
//! Memory: the whole client (session buffers, in-flight store, receive queue, transport
//! staging) lives inline in the application's `NXD_MQTT_CLIENT`; capacities are fixed when the
//! library is built ([`config`]). Nothing is allocated.
//!
//! Concurrency: one execution context. All calls for a client must come from the same context
//! (typically the main loop), never from an interrupt handler; there is no lock to take.
//! The create arguments `ip_ptr`, `pool_ptr`, `stack_ptr`, `stack_size` and the thread
//! priority are not used by this port (there is no MQTT thread); the error-checking front ends
//! still require them to be non-NULL / non-zero, as in the original, so firmware keeps its
//! calls unchanged.

pub mod config;
pub mod ffi;
pub mod transport;

#[cfg(test)]
mod tests;

use core::cell::{Cell, RefCell};
use core::mem::MaybeUninit;
use core::ops::Deref;

pub use config::{
    INFLIGHT_CAPACITY, IO_CAPACITY, QUEUE_CAPACITY, RX_CAPACITY, STORE_CAPACITY, TX_CAPACITY,
};
pub use ffi::{NXD_MQTT_TRANSPORT, NXD_MQTT_TRANSPORT_STRUCT};
pub use transport::{CallbackTransport, Clock};

use super::{CreateError, CreateParams};
use crate::client::{Client, Config, Hooks, Port, Tick, Waited};
use crate::session::State;

/// The client on this port.
pub type Core<U> = Client<
    CallbackTransport,
    U,
    RX_CAPACITY,
    QUEUE_CAPACITY,
    STORE_CAPACITY,
    TX_CAPACITY,
    INFLIGHT_CAPACITY,
    IO_CAPACITY,
>;

/// The client with its callbacks and clock (lives inside the control block's [`Slot`]).
/// `repr(C)`: the large client last, the clock close to the start of the block.
#[repr(C)]
pub struct Shared<U, H> {
    clock: Cell<Option<Clock>>,
    hooks: H,
    core: RefCell<Core<U>>,
}

/// "Holding the lock" on this port: there is one execution context, so the guard is only a
/// reference (nesting from callbacks is free).
pub struct Guard<'a, U, H> {
    shared: &'a Shared<U, H>,
}

impl<U, H> Deref for Guard<'_, U, H> {
    type Target = RefCell<Core<U>>;
    fn deref(&self) -> &Self::Target {
        &self.shared.core
    }
}

// Port-neutral code ends a critical section with `drop(guard)`; on this port there is nothing
// to release, but the guard is still a real end-of-scope marker for it.
impl<U, H> Drop for Guard<'_, U, H> {
    fn drop(&mut self) {}
}

/// Why [`Shared::set_transport`] refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportSetError {
    /// Send, receive or tick callback missing.
    Incomplete,
    /// A connection is open or being opened: the transport cannot change under it.
    InUse(State),
}

impl<U, H: Hooks<Core<U>>> Shared<U, H> {
    /// Installs the application's transport and clock (copied). Refused while a connection
    /// is open or being opened, or when a required callback is missing.
    pub fn set_transport(&self, callbacks: &NXD_MQTT_TRANSPORT) -> Result<(), TransportSetError> {
        if !callbacks.is_complete() {
            return Err(TransportSetError::Incomplete);
        }
        let g = self.lock();
        // Mutable only because that is the kind the rest of the library takes (one less
        // function in the firmware); nothing is changed through it.
        let c = g.borrow_mut();
        match c.session().state() {
            State::Idle => {}
            other => return Err(TransportSetError::InUse(other)),
        }
        c.transport().set(*callbacks);
        self.clock.set(Clock::of(callbacks));
        Ok(())
    }

    /// The application's main-loop step: reads what the transport has, feeds the session,
    /// runs keep-alive and timers, flushes, and calls the callbacks. Never waits.
    pub fn process(&self) {
        let g = self.lock();
        Client::drive(self, &g);
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
        Guard { shared: self }
    }

    fn hooks(&self) -> &H {
        &self.hooks
    }

    #[inline(never)]
    fn now(&self) -> Tick {
        // Without a clock (no transport yet) time stands still; nothing can connect then.
        self.clock.get().map_or(0, |c| c.now())
    }

    fn wake(&self) {
        // No worker: the next API call or process() does the work.
    }

    fn wait(&self, _guard: &mut Guard<'_, U, H>, _deadline: Option<Tick>) -> Waited {
        // Nobody else runs the client: the blocked caller drives it itself (busy polling of
        // the transport until its condition holds or its deadline passes).
        Waited::MustPump
    }
}

/// This port's state inside the C control block: the address of the block it was created for
/// (a moved or copied block is refused) and the whole client, inline.
#[repr(C)]
pub struct Slot<U, H> {
    owner: usize,
    shared: MaybeUninit<Shared<U, H>>,
}

impl<U, H: Hooks<Core<U>>> Slot<U, H> {
    /// Creates the client for the control block at `owner` (no thread, no allocation; the
    /// platform arguments of create are not used, see the module documentation).
    pub fn create(
        owner: usize,
        config: Config,
        user: U,
        hooks: H,
        params: &CreateParams,
    ) -> Result<Self, CreateError> {
        let _ = params;
        Ok(Slot {
            owner,
            shared: MaybeUninit::new(Shared {
                core: RefCell::new(Client::new(config, CallbackTransport::new(), user)),
                hooks,
                clock: Cell::new(None),
            }),
        })
    }

    /// The client, if this slot was created for the block at `owner` and not destroyed.
    pub fn get(&self, owner: usize) -> Option<&Shared<U, H>> {
        if owner == 0 || self.owner != owner {
            return None;
        }
        // SAFETY: `owner` is only set (to a non-zero address) after `shared` was initialised,
        // and reset to 0 before it is dropped.
        Some(unsafe { self.shared.assume_init_ref() })
    }

    /// After `Client::shutdown`: releases the client (the slot no longer answers `get`).
    pub fn destroy(&mut self) {
        if self.owner == 0 {
            return;
        }
        self.owner = 0;
        // SAFETY: the owner was non-zero, so `shared` is initialised; with owner reset it is
        // never read again until the next create initialises it anew.
        unsafe { self.shared.assume_init_drop() };
    }
}
