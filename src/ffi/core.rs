//! Function cores (placeholder while the client layer is built).
#![allow(clippy::too_many_arguments, missing_docs)]
use super::api::{NxdMqttDisconnectNotify, NxdMqttReceiveNotify};
use super::consts::*;
use super::control_block::{NxdMqttConnectNotify, NXD_MQTT_CLIENT};
use super::types::*;

pub struct CreateParams {
    pub name: *mut CHAR,
    pub client_id: *mut CHAR,
    pub client_id_length: UINT,
    pub ip: *mut NX_IP,
    pub pool: *mut NX_PACKET_POOL,
    pub stack: *mut VOID,
    pub stack_size: ULONG,
    pub priority: UINT,
}
pub unsafe fn create(_c: *mut NXD_MQTT_CLIENT, _p: &CreateParams) -> UINT { NXD_MQTT_INTERNAL_ERROR }
pub unsafe fn login_set(_c: *mut NXD_MQTT_CLIENT, _u: *mut CHAR, _ul: UINT, _p: *mut CHAR, _pl: UINT) -> UINT { NXD_MQTT_MUTEX_FAILURE }
pub unsafe fn will_message_set(_c: *mut NXD_MQTT_CLIENT, _t: *const UCHAR, _tl: UINT, _m: *const UCHAR, _ml: UINT, _r: UINT, _q: UINT) -> UINT { NXD_MQTT_MUTEX_FAILURE }
pub unsafe fn delete(_c: *mut NXD_MQTT_CLIENT) -> UINT { NXD_MQTT_SUCCESS }
pub unsafe fn connect(_c: *mut NXD_MQTT_CLIENT, _a: &NXD_ADDRESS, _p: UINT, _k: UINT, _cs: UINT, _w: ULONG) -> UINT { NXD_MQTT_INVALID_STATE }
pub unsafe fn publish(_c: *mut NXD_MQTT_CLIENT, _t: *mut CHAR, _tl: UINT, _m: *mut CHAR, _ml: UINT, _r: UINT, _q: UINT, _w: ULONG) -> UINT { NXD_MQTT_NOT_CONNECTED }
pub unsafe fn subscribe(_c: *mut NXD_MQTT_CLIENT, _t: *mut CHAR, _tl: UINT, _q: UINT) -> UINT { NXD_MQTT_NOT_CONNECTED }
pub unsafe fn unsubscribe(_c: *mut NXD_MQTT_CLIENT, _t: *mut CHAR, _tl: UINT) -> UINT { NXD_MQTT_NOT_CONNECTED }
pub unsafe fn disconnect(_c: *mut NXD_MQTT_CLIENT) -> UINT { NXD_MQTT_SUCCESS }
pub unsafe fn receive_notify_set(_c: *mut NXD_MQTT_CLIENT, _n: NxdMqttReceiveNotify) -> UINT { NXD_MQTT_SUCCESS }
pub unsafe fn disconnect_notify_set(_c: *mut NXD_MQTT_CLIENT, _n: NxdMqttDisconnectNotify) -> UINT { NXD_MQTT_SUCCESS }
pub unsafe fn connect_notify_set(_c: *mut NXD_MQTT_CLIENT, _n: NxdMqttConnectNotify, _x: *mut VOID) -> UINT { NXD_MQTT_SUCCESS }
pub unsafe fn message_get(_c: *mut NXD_MQTT_CLIENT, _t: *mut UCHAR, _ts: UINT, _at: *mut UINT, _m: *mut UCHAR, _ms: UINT, _am: *mut UINT) -> UINT { NXD_MQTT_NO_MESSAGE }
