//! SIP over UDP: one socket and a receive loop; each datagram is one
//! message, handed to the driver. Sending is the driver's (it shares the
//! socket).

use super::driver::{DriverTx, Inbound};
use bytes::Bytes;
use socket2::{Domain, Protocol, Socket, Type};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::UdpSocket;
use tokio::sync::mpsc::error::TrySendError;

/// The socket buffers asked for: bursts of REGISTERs from many phones at
/// once must wait in the kernel, not be dropped by it. The kernel grants
/// at most `net.core.rmem_max` / `wmem_max`.
const SOCKET_BUFFER: usize = 8 * 1024 * 1024;

/// Binds `addr`; the caller starts [`receive_loop`] once the driver runs.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<Arc<UdpSocket>> {
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
    let socket = UdpSocket::from_std(socket.into()).map_err(fail)?;
    Ok(Arc::new(socket))
}

/// Reads datagrams until the driver is gone. Keep-alive datagrams of bare
/// CRLFs (RFC 5626 over UDP uses STUN; phones send CRLF anyway) are
/// dropped here.
pub async fn receive_loop(socket: Arc<UdpSocket>, driver: DriverTx) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let (n, source) = match socket.recv_from(&mut buf).await {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!("udp receive: {e}");
                continue;
            }
        };
        let datagram = &buf[..n];
        if datagram.iter().all(|&b| b == b'\r' || b == b'\n' || b == 0) {
            continue;
        }
        let bytes = Bytes::copy_from_slice(datagram);
        match driver.try_send(Inbound::Datagram { bytes, source }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                tracing::debug!("overloaded: datagram from {source} dropped")
            }
            Err(TrySendError::Closed(_)) => return,
        }
    }
}
