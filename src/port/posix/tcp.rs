//! Non-blocking TCP over BSD sockets (IPv4 and IPv6) for the host port.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use crate::client::{Close, Endpoint, IpAddr, Progress, Transport, TransportError};

/// A TCP connection to the broker; one object serves every connection of a client.
#[derive(Debug, Default)]
pub struct TcpTransport {
    fd: Option<OwnedFd>,
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn would_block(e: i32) -> bool {
    e == libc::EAGAIN || e == libc::EWOULDBLOCK
}

impl TcpTransport {
    /// An unconnected transport.
    pub fn new() -> Self {
        TcpTransport { fd: None }
    }

    /// The socket, while a connection is open or opening (the MQTT thread polls it).
    pub fn fd(&self) -> Option<RawFd> {
        self.fd.as_ref().map(AsRawFd::as_raw_fd)
    }

    fn socket(domain: libc::c_int) -> Result<OwnedFd, TransportError> {
        // SAFETY: plain system call with constant arguments; the result is checked.
        let fd = unsafe {
            libc::socket(
                domain,
                libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                0,
            )
        };
        if fd < 0 {
            return Err(TransportError::Failed);
        }
        // SAFETY: `fd` is a fresh descriptor owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let one: libc::c_int = 1;
        // SAFETY: valid descriptor, pointer to a live c_int and its size. Failure is harmless
        // (Nagle stays on), so the result is ignored.
        unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                (&one as *const libc::c_int).cast(),
                core::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
        Ok(fd)
    }

    fn connect(fd: &OwnedFd, to: &Endpoint) -> libc::c_int {
        match to.ip {
            IpAddr::V4(a) => {
                // SAFETY: sockaddr_in is plain data; all-zero is a valid value.
                let mut sa: libc::sockaddr_in = unsafe { core::mem::zeroed() };
                sa.sin_family = libc::AF_INET as libc::sa_family_t;
                sa.sin_port = to.port.to_be();
                sa.sin_addr = libc::in_addr {
                    s_addr: u32::from_ne_bytes(a),
                };
                // SAFETY: valid descriptor; pointer and length describe `sa`.
                unsafe {
                    libc::connect(
                        fd.as_raw_fd(),
                        (&sa as *const libc::sockaddr_in).cast(),
                        core::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
                    )
                }
            }
            IpAddr::V6(a) => {
                // SAFETY: sockaddr_in6 is plain data; all-zero is a valid value.
                let mut sa: libc::sockaddr_in6 = unsafe { core::mem::zeroed() };
                sa.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sa.sin6_port = to.port.to_be();
                sa.sin6_addr = libc::in6_addr { s6_addr: a };
                // SAFETY: valid descriptor; pointer and length describe `sa`.
                unsafe {
                    libc::connect(
                        fd.as_raw_fd(),
                        (&sa as *const libc::sockaddr_in6).cast(),
                        core::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
                    )
                }
            }
        }
    }
}

impl Transport for TcpTransport {
    fn open(&mut self, to: &Endpoint) -> Result<Progress, TransportError> {
        self.fd = None;
        let domain = match to.ip {
            IpAddr::V4(_) => libc::AF_INET,
            IpAddr::V6(_) => libc::AF_INET6,
        };
        let fd = Self::socket(domain)?;
        loop {
            if Self::connect(&fd, to) == 0 {
                self.fd = Some(fd);
                return Ok(Progress::Done);
            }
            match errno() {
                libc::EINTR => continue,
                libc::EINPROGRESS => {
                    self.fd = Some(fd);
                    return Ok(Progress::InProgress);
                }
                _ => return Err(TransportError::Failed),
            }
        }
    }

    fn poll_open(&mut self) -> Result<Progress, TransportError> {
        let fd = self.fd().ok_or(TransportError::Failed)?;
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLOUT,
            revents: 0,
        };
        // SAFETY: one valid pollfd, zero timeout.
        let r = unsafe { libc::poll(&mut p, 1, 0) };
        if r == 0 || (r < 0 && errno() == libc::EINTR) {
            return Ok(Progress::InProgress);
        }
        if r < 0 {
            return Err(TransportError::Failed);
        }
        let mut err: libc::c_int = 0;
        let mut len = core::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: valid descriptor; pointers to a live c_int and its length.
        let r = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                (&mut err as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        if r != 0 || err != 0 {
            return Err(TransportError::Failed);
        }
        Ok(Progress::Done)
    }

    fn send(&mut self, bytes: &[u8]) -> Result<usize, TransportError> {
        let fd = self.fd().ok_or(TransportError::Failed)?;
        if bytes.is_empty() {
            return Ok(0);
        }
        loop {
            // SAFETY: valid descriptor; pointer and length describe `bytes`.
            let n = unsafe {
                libc::send(
                    fd,
                    bytes.as_ptr().cast(),
                    bytes.len(),
                    libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                )
            };
            if n >= 0 {
                return Ok(n as usize);
            }
            match errno() {
                libc::EINTR => continue,
                e if would_block(e) => return Ok(0),
                _ => return Err(TransportError::Failed),
            }
        }
    }

    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        let fd = self.fd().ok_or(TransportError::Failed)?;
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            // SAFETY: valid descriptor; pointer and length describe the writable `buf`.
            let n =
                unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
            if n > 0 {
                return Ok(n as usize);
            }
            if n == 0 {
                return Err(TransportError::Closed);
            }
            match errno() {
                libc::EINTR => continue,
                e if would_block(e) => return Ok(0),
                _ => return Err(TransportError::Failed),
            }
        }
    }

    fn close(&mut self, _how: Close) {
        // Both ends alike: the host waits for nobody.
        if let Some(fd) = self.fd.take() {
            // shutdown() acts on the connection itself: queued bytes go out, then FIN, at
            // once — even while the MQTT thread still has the descriptor in a poll() (a plain
            // close would wait for that poll to return). Errors (not connected) are harmless.
            // SAFETY: valid descriptor owned by `fd`.
            unsafe {
                libc::shutdown(fd.as_raw_fd(), libc::SHUT_RDWR);
            }
            drop(fd);
        }
    }
}
