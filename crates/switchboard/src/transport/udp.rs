//! SIP over UDP: one socket, each datagram one message (or a keep-alive).
//! The driver reads and writes it; this binds it.

use socket2::{Domain, Protocol, Socket, Type};
use std::net::SocketAddr;

/// The socket buffers asked for: bursts of REGISTERs from many phones at
/// once must wait in the kernel, not be dropped by it. The kernel grants
/// at most `net.core.rmem_max` / `wmem_max`.
const SOCKET_BUFFER: usize = 8 * 1024 * 1024;

/// Binds `addr`, non-blocking, for the driver to take onto its runtime.
pub fn bind(addr: SocketAddr) -> anyhow::Result<std::net::UdpSocket> {
    let fail = |e: std::io::Error| anyhow::anyhow!("cannot listen for SIP on udp {addr}: {e}");
    let socket =
        Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP)).map_err(fail)?;
    for (what, set) in [
        (
            "receive",
            Socket::set_recv_buffer_size as fn(&Socket, usize) -> std::io::Result<()>,
        ),
        ("send", Socket::set_send_buffer_size),
    ] {
        if let Err(e) = set(&socket, SOCKET_BUFFER) {
            tracing::debug!("udp {what} buffer: {e}");
        }
    }
    socket.set_nonblocking(true).map_err(fail)?;
    socket.bind(&addr.into()).map_err(fail)?;
    tracing::debug!(
        "udp {addr}: receive buffer {:?}",
        socket.recv_buffer_size().ok()
    );
    Ok(socket.into())
}
