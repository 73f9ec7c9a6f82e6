//! NetX port built with `NXD_MQTT_CLOUD_ENABLE`: `_nxd_mqtt_client_cloud_create`, which
//! attaches a client to a cloud helper the application created (NetX Duo's Azure IoT
//! middleware shares one helper thread and mutex between its own module and the MQTT client).
//! The header declares it by hand (`include/parts/trailer.h`), since `NX_CLOUD` comes from the
//! application's `nx_cloud.h`.

use super::control_block::NXD_MQTT_CLIENT;
use super::core;
use super::netx_codes::NX_PTR_ERROR;
use super::types::{CHAR, NX_IP, NX_PACKET_POOL, UINT, VOID};

/// Creates the client like `nxd_mqtt_client_create` on the cloud helper `cloud_ptr` (an
/// `NX_CLOUD` created by `nx_cloud_create`): no thread of its own, the helper's thread drives
/// it and the helper's mutex is `nxd_mqtt_client_mutex_ptr`. Delete deregisters the client's
/// module and leaves the helper to the application.
///
/// Returns `NXD_MQTT_SUCCESS`; `NX_PTR_ERROR` when the client, IP instance (or one not
/// created), pool or cloud helper (or one not created) is missing;
/// `NXD_MQTT_INTERNAL_ERROR` when the module cannot be registered or the client's objects
/// cannot be created.
///
/// # Safety
/// As `nxd_mqtt_client_create`; `cloud_ptr` is NULL or points to an `NX_CLOUD` that outlives
/// the client.
#[no_mangle]
pub unsafe extern "C" fn _nxd_mqtt_client_cloud_create(
    client_ptr: *mut NXD_MQTT_CLIENT,
    client_name: *mut CHAR,
    client_id: *mut CHAR,
    client_id_length: UINT,
    ip_ptr: *mut NX_IP,
    pool_ptr: *mut NX_PACKET_POOL,
    cloud_ptr: *mut VOID,
) -> UINT {
    if client_ptr.is_null()
        || ip_ptr.is_null()
        || pool_ptr.is_null()
        || cloud_ptr.is_null()
        // SAFETY: non-NULL pointers to the application's NX_IP / NX_CLOUD (contract).
        || !unsafe { crate::port::netx::ip_created(ip_ptr.cast()) }
        // SAFETY: as above.
        || !unsafe { crate::port::netx::cloud_created(cloud_ptr) }
    {
        return NX_PTR_ERROR;
    }
    let params = core::CreateParams {
        name: client_name,
        client_id,
        client_id_length,
        ip: ip_ptr,
        pool: pool_ptr,
        stack: ::core::ptr::null_mut(),
        stack_size: 0,
        priority: 0,
        memory: ::core::ptr::null_mut(),
        memory_size: 0,
        cloud: cloud_ptr,
    };
    // SAFETY: client_ptr is non-NULL; the caller guarantees a writable control block that
    // stays in place while the client exists.
    unsafe { core::create(client_ptr, &params) }
}
