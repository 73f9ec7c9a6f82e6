//! Outcomes of the client layer → NX return codes. The only place where such codes are
//! chosen; everything else in `ffi` returns what these functions say.

use super::consts::*;
use super::types::UINT;
use crate::client::{CommandError, ConnectOutcome, SessionError, StartError};
use crate::session::GetError;

/// Which command a [`command_error`] comes from (the original's codes differ slightly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// `nxd_mqtt_client_publish`.
    Publish,
    /// `nxd_mqtt_client_subscribe` / `nxd_mqtt_client_unsubscribe`.
    SubUnsub,
}

/// Result of a connect attempt (return of a blocking connect, argument of the connect
/// notify).
pub fn connect_outcome(o: ConnectOutcome) -> UINT {
    match o {
        ConnectOutcome::Accepted => NXD_MQTT_SUCCESS,
        ConnectOutcome::Refused(code @ 1..=5) => {
            NXD_MQTT_ERROR_CONNECT_RETURN_CODE + UINT::from(code)
        }
        ConnectOutcome::Refused(_) | ConnectOutcome::Invalid => NXD_MQTT_SERVER_MESSAGE_FAILURE,
        ConnectOutcome::TransportFailed | ConnectOutcome::Aborted => NXD_MQTT_CONNECT_FAILURE,
        ConnectOutcome::NoConnack => NXD_MQTT_COMMUNICATION_FAILURE,
    }
}

/// A connect refused before anything was sent.
pub fn start_error(e: StartError) -> UINT {
    match e {
        StartError::AlreadyConnected => NXD_MQTT_ALREADY_CONNECTED,
        StartError::Connecting => NXD_MQTT_CONNECTING,
        StartError::Session(SessionError::AlreadyConnected) => NXD_MQTT_ALREADY_CONNECTED,
        StartError::Session(SessionError::Connecting) => NXD_MQTT_CONNECTING,
        // A field the CONNECT cannot carry (longer than 65,535 bytes, invalid will topic...).
        StartError::Session(SessionError::InvalidParameter) => NXD_MQTT_INVALID_PARAMETER,
        // CONNECT cannot be built or sent (too long...): the original's "CONNECT send
        // failure" code.
        StartError::Session(_) | StartError::TransportFailed => NXD_MQTT_CONNECT_FAILURE,
    }
}

/// A publish / subscribe / unsubscribe failure.
pub fn command_error(cmd: Command, e: CommandError) -> UINT {
    match e {
        CommandError::NoRoom => NXD_MQTT_PACKET_POOL_FAILURE,
        CommandError::Session(e) => match e {
            SessionError::NotConnected
            | SessionError::AlreadyConnected
            | SessionError::Connecting => NXD_MQTT_NOT_CONNECTED,
            SessionError::InflightFull | SessionError::TransmitFull => NXD_MQTT_PACKET_POOL_FAILURE,
            SessionError::InvalidParameter => NXD_MQTT_INVALID_PARAMETER,
            SessionError::TooLarge => match cmd {
                Command::Publish => NXD_MQTT_INTERNAL_ERROR,
                Command::SubUnsub => NXD_MQTT_PACKET_POOL_FAILURE,
            },
        },
    }
}

/// NetX port: the pool packets of a PUBLISH could not be reserved (as in the original: no
/// packet at all → `NXD_MQTT_PACKET_POOL_FAILURE`; the chain for the topic, packet id or
/// payload could not be completed → `NXD_MQTT_INTERNAL_ERROR`).
#[cfg(all(feature = "netx", not(feature = "posix"), not(feature = "bare")))]
pub fn reserve_error(e: crate::port::netx::ReserveError) -> UINT {
    match e {
        crate::port::netx::ReserveError::First => NXD_MQTT_PACKET_POOL_FAILURE,
        crate::port::netx::ReserveError::Later => NXD_MQTT_INTERNAL_ERROR,
    }
}

/// A `message_get` without a message.
pub fn get_error(e: GetError) -> UINT {
    match e {
        GetError::NoMessage => NXD_MQTT_NO_MESSAGE,
        GetError::InsufficientBuffer { .. } => NXD_MQTT_INSUFFICIENT_BUFFER_SPACE,
    }
}

/// The client could not be created (thread, lock or memory).
pub const CREATE_FAILED: UINT = NXD_MQTT_INTERNAL_ERROR;

/// Why the port could not create the client: `NXD_MQTT_INTERNAL_ERROR`, as the original.
pub fn create_error(e: crate::port::CreateError) -> UINT {
    use crate::port::CreateError;
    match e {
        CreateError::Resources => CREATE_FAILED,
    }
}

/// The control block is not a created client (never created, deleted, moved or copied): the
/// original would fail to take its mutex (connect, login_set, will_message_set, subscribe,
/// unsubscribe, disconnect take it first).
pub const NOT_CREATED_LOCK: UINT = NXD_MQTT_MUTEX_FAILURE;
/// publish on a block that is not a created client (the original checks the state first,
/// without the mutex: not CONNECTED).
pub const NOT_CREATED_PUBLISH: UINT = NXD_MQTT_NOT_CONNECTED;
/// message_get on a block that is not a created client.
pub const NOT_CREATED_GET: UINT = NXD_MQTT_NO_MESSAGE;
/// An argument the core cannot use (bad address, NULL topic, QoS above 2...).
pub const INVALID_ARGUMENT: UINT = NXD_MQTT_INVALID_PARAMETER;
/// connect with an address the transport cannot use (IP version not 4/6, port 0).
pub const BAD_ENDPOINT: UINT = NXD_MQTT_CONNECT_FAILURE;
/// Success.
pub const OK: UINT = NXD_MQTT_SUCCESS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connack_codes_map_to_0x10081_to_0x10085() {
        let expect = [
            NXD_MQTT_ERROR_UNACCEPTABLE_PROTOCOL,
            NXD_MQTT_ERROR_IDENTIFYIER_REJECTED,
            NXD_MQTT_ERROR_SERVER_UNAVAILABLE,
            NXD_MQTT_ERROR_BAD_USERNAME_PASSWORD,
            NXD_MQTT_ERROR_NOT_AUTHORIZED,
        ];
        for (code, want) in (1u8..=5).zip(expect) {
            assert_eq!(connect_outcome(ConnectOutcome::Refused(code)), want);
        }
        assert_eq!(
            connect_outcome(ConnectOutcome::Refused(6)),
            NXD_MQTT_SERVER_MESSAGE_FAILURE
        );
        assert_eq!(
            connect_outcome(ConnectOutcome::Invalid),
            NXD_MQTT_SERVER_MESSAGE_FAILURE
        );
        assert_eq!(connect_outcome(ConnectOutcome::Accepted), NXD_MQTT_SUCCESS);
        assert_eq!(
            connect_outcome(ConnectOutcome::TransportFailed),
            NXD_MQTT_CONNECT_FAILURE
        );
        assert_eq!(
            connect_outcome(ConnectOutcome::NoConnack),
            NXD_MQTT_COMMUNICATION_FAILURE
        );
        assert_eq!(
            connect_outcome(ConnectOutcome::Aborted),
            NXD_MQTT_CONNECT_FAILURE
        );
    }

    #[test]
    fn command_errors() {
        let c = |e| command_error(Command::Publish, CommandError::Session(e));
        assert_eq!(c(SessionError::NotConnected), NXD_MQTT_NOT_CONNECTED);
        assert_eq!(c(SessionError::TooLarge), NXD_MQTT_INTERNAL_ERROR);
        assert_eq!(
            c(SessionError::InvalidParameter),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(
            command_error(
                Command::SubUnsub,
                CommandError::Session(SessionError::TooLarge)
            ),
            NXD_MQTT_PACKET_POOL_FAILURE
        );
        assert_eq!(
            command_error(Command::Publish, CommandError::NoRoom),
            NXD_MQTT_PACKET_POOL_FAILURE
        );
        assert_eq!(
            start_error(StartError::AlreadyConnected),
            NXD_MQTT_ALREADY_CONNECTED
        );
        assert_eq!(start_error(StartError::Connecting), NXD_MQTT_CONNECTING);
        assert_eq!(
            start_error(StartError::TransportFailed),
            NXD_MQTT_CONNECT_FAILURE
        );
        assert_eq!(
            start_error(StartError::Session(SessionError::TooLarge)),
            NXD_MQTT_CONNECT_FAILURE
        );
        assert_eq!(
            start_error(StartError::Session(SessionError::InvalidParameter)),
            NXD_MQTT_INVALID_PARAMETER
        );
        assert_eq!(get_error(GetError::NoMessage), NXD_MQTT_NO_MESSAGE);
        assert_eq!(
            get_error(GetError::InsufficientBuffer {
                topic_len: 1,
                payload_len: 1
            }),
            NXD_MQTT_INSUFFICIENT_BUFFER_SPACE
        );
    }
}
