//! [`Transport`] and clock over the application's C callbacks ([`NXD_MQTT_TRANSPORT`]).

use core::cell::Cell;

use super::ffi::NXD_MQTT_TRANSPORT;
use crate::client::{Close, Endpoint, IpAddr, Progress, Tick, Transport, TransportError};
use crate::ffi::netx_codes::{NX_IN_PROGRESS, NX_SUCCESS};
use crate::ffi::types::{NxdIpAddress, NXD_ADDRESS, UINT, ULONG, VOID};

/// The tick callback and its context (kept outside the client so the clock can be read while
/// the client is borrowed).
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    get: unsafe extern "C" fn(*mut VOID) -> ULONG,
    context: *mut VOID,
}

impl Clock {
    /// The clock of a transport description, if it has one.
    pub fn of(t: &NXD_MQTT_TRANSPORT) -> Option<Clock> {
        t.nxd_mqtt_transport_tick_get.map(|get| Clock {
            get,
            context: t.nxd_mqtt_transport_context,
        })
    }

    /// The current tick.
    pub fn now(&self) -> Tick {
        // SAFETY: the application supplied this function and context together through
        // nxd_mqtt_client_transport_set and promised that the call is valid at any time while
        // the client exists.
        let t = unsafe { (self.get)(self.context) };
        // Ticks wrap: only the low 32 bits matter (ULONG is 32 bits on Cortex-M).
        t as Tick
    }
}

/// [`Transport`] over the application's callbacks. Before `nxd_mqtt_client_transport_set`
/// every operation fails.
pub struct CallbackTransport {
    callbacks: Cell<Option<NXD_MQTT_TRANSPORT>>,
    /// Where the connection in progress goes (for repeated connect calls).
    to: Option<NXD_ADDRESS>,
    port: UINT,
    open: bool,
}

impl core::fmt::Debug for CallbackTransport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CallbackTransport")
            .field("callbacks", &self.callbacks.get().is_some())
            .field("connecting", &self.to.is_some())
            .field("open", &self.open)
            .finish()
    }
}

impl Default for CallbackTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl CallbackTransport {
    /// A transport without callbacks.
    pub const fn new() -> Self {
        CallbackTransport {
            callbacks: Cell::new(None),
            to: None,
            port: 0,
            open: false,
        }
    }

    /// Installs (a copy of) the application's callbacks.
    pub fn set(&self, callbacks: NXD_MQTT_TRANSPORT) {
        self.callbacks.set(Some(callbacks));
    }

    /// The installed callbacks.
    pub fn callbacks(&self) -> Option<NXD_MQTT_TRANSPORT> {
        self.callbacks.get()
    }

    fn connect_step(&mut self) -> Result<Progress, TransportError> {
        let cb = self.callbacks.get().ok_or(TransportError::Failed)?;
        let Some(connect) = cb.nxd_mqtt_transport_connect else {
            self.open = true;
            return Ok(Progress::Done);
        };
        let to = self.to.as_ref().ok_or(TransportError::Failed)?;
        // SAFETY: callback and context come from the application (transport_set); `to` points
        // to a live NXD_ADDRESS for the duration of the call.
        let status = unsafe { connect(cb.nxd_mqtt_transport_context, to, self.port) };
        match status {
            NX_SUCCESS => {
                self.open = true;
                Ok(Progress::Done)
            }
            NX_IN_PROGRESS => Ok(Progress::InProgress),
            _ => Err(TransportError::Failed),
        }
    }
}

/// The NetX form of an endpoint's address (host byte order words, as `IP_ADDRESS()` makes).
fn nxd_address(ip: &IpAddr) -> NXD_ADDRESS {
    match ip {
        IpAddr::V4(b) => NXD_ADDRESS {
            nxd_ip_version: 4,
            nxd_ip_address: NxdIpAddress {
                v4: u32::from_be_bytes(*b) as ULONG,
            },
        },
        IpAddr::V6(b) => {
            let mut v6: [ULONG; 4] = [0; 4];
            for (w, chunk) in v6.iter_mut().zip(b.chunks_exact(4)) {
                *w = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) as ULONG;
            }
            NXD_ADDRESS {
                nxd_ip_version: 6,
                nxd_ip_address: NxdIpAddress { v6 },
            }
        }
    }
}

impl Transport for CallbackTransport {
    fn open(&mut self, to: &Endpoint) -> Result<Progress, TransportError> {
        self.open = false;
        self.to = Some(nxd_address(&to.ip));
        self.port = UINT::from(to.port);
        self.connect_step()
    }

    fn poll_open(&mut self) -> Result<Progress, TransportError> {
        self.connect_step()
    }

    fn send(&mut self, bytes: &[u8]) -> Result<usize, TransportError> {
        let cb = self.callbacks.get().ok_or(TransportError::Failed)?;
        let send = cb.nxd_mqtt_transport_send.ok_or(TransportError::Failed)?;
        if bytes.is_empty() {
            return Ok(0);
        }
        let len = bytes.len().min(UINT::MAX as usize);
        // SAFETY: callback and context come from the application; the pointer and length
        // describe `bytes`, which stays alive and unchanged during the call.
        let n = unsafe { send(cb.nxd_mqtt_transport_context, bytes.as_ptr(), len as UINT) };
        if n < 0 {
            return Err(TransportError::Failed);
        }
        Ok((n as usize).min(len))
    }

    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        let cb = self.callbacks.get().ok_or(TransportError::Failed)?;
        let receive = cb
            .nxd_mqtt_transport_receive
            .ok_or(TransportError::Failed)?;
        if buf.is_empty() {
            return Ok(0);
        }
        let len = buf.len().min(UINT::MAX as usize);
        // SAFETY: callback and context come from the application; the pointer and length
        // describe `buf`, which the callback may write during the call.
        let n = unsafe { receive(cb.nxd_mqtt_transport_context, buf.as_mut_ptr(), len as UINT) };
        if n < 0 {
            return Err(TransportError::Closed);
        }
        Ok((n as usize).min(len))
    }

    fn close(&mut self, _how: Close) {
        // Both ends alike: the application's close callback has no such argument.
        let was_started = self.to.take().is_some();
        self.open = false;
        if !was_started {
            return;
        }
        if let Some(cb) = self.callbacks.get() {
            if let Some(close) = cb.nxd_mqtt_transport_close {
                // SAFETY: callback and context come from the application.
                unsafe { close(cb.nxd_mqtt_transport_context) };
            }
        }
    }
}
