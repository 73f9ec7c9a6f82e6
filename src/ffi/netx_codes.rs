//! NetX / ThreadX values that surface through the API (spec §3.4 and §0).
//!
//! Not part of the generated constant list: on a NetX build `nx_api.h` defines them, on the
//! host the hand-written prelude of the header does (`include/parts/prelude.h`, guarded by
//! `NX_API_H`). The header test checks both sides agree.

use super::types::{UINT, ULONG};

/// NetX success.
pub const NX_SUCCESS: UINT = 0x00;
/// A NULL pointer where one is required.
pub const NX_PTR_ERROR: UINT = 0x07;
/// connect with wait option 0: the result comes later through the connect notify.
pub const NX_IN_PROGRESS: UINT = 0x37;
/// connect: port 0.
pub const NX_INVALID_PORT: UINT = 0x46;
/// Ticks per second of the NetX clock.
pub const NX_IP_PERIODIC_RATE: ULONG = 100;
/// Wait option: do not block.
pub const NX_NO_WAIT: ULONG = 0;
/// Wait option: block without limit.
pub const NX_WAIT_FOREVER: ULONG = 0xFFFF_FFFF;
/// NetX boolean true.
pub const NX_TRUE: UINT = 1;
/// NetX boolean false.
pub const NX_FALSE: UINT = 0;
/// `nxd_ip_version` of an IPv4 address.
pub const NX_IP_VERSION_V4: ULONG = 4;
/// `nxd_ip_version` of an IPv6 address.
pub const NX_IP_VERSION_V6: ULONG = 6;
