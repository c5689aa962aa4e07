//! SIP over UDP: one socket and a receive loop; each datagram is one
//! message, handed to the driver. Sending is the driver's (it shares the
//! socket).

use super::driver::{DriverTx, Inbound};
use bytes::Bytes;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::UdpSocket;
use tokio::sync::mpsc::error::TrySendError;

/// Binds `addr`; the caller starts [`receive_loop`] once the driver runs.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<Arc<UdpSocket>> {
    let socket = UdpSocket::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen for SIP on udp {addr}: {e}"))?;
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
