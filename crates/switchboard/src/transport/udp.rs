//! SIP over UDP: one socket, one receive loop; each datagram is one message.

use super::{may_send_to, now_unix, trace, Shared};
use bytes::Bytes;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_engine::Transport;
use tokio::net::UdpSocket;

/// Binds `addr` and spawns the receive loop; returns the bound address.
pub async fn start(addr: SocketAddr, shared: Shared) -> anyhow::Result<SocketAddr> {
    let socket = UdpSocket::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen for SIP on udp {addr}: {e}"))?;
    let bound = socket.local_addr()?;
    tokio::spawn(receive_loop(Arc::new(socket), shared));
    Ok(bound)
}

async fn receive_loop(socket: Arc<UdpSocket>, shared: Shared) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let (n, peer) = match socket.recv_from(&mut buf).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!("udp receive: {e}");
                continue;
            }
        };
        let datagram = &buf[..n];
        if datagram.iter().all(|&b| b == b'\r' || b == b'\n') {
            continue;
        }
        trace(&shared, "recv", &peer, "udp", datagram);
        let out = {
            let mut endpoint = shared.endpoint.lock().unwrap_or_else(|p| p.into_inner());
            endpoint.handle(
                Bytes::copy_from_slice(datagram),
                peer,
                Transport::Udp,
                now_unix(),
            )
        };
        if let Some(t) = out {
            if !may_send_to(&t.destination) {
                tracing::warn!("refusing to send to {}", t.destination);
                continue;
            }
            trace(&shared, "send", &t.destination, "udp", &t.bytes);
            if let Err(e) = socket.send_to(&t.bytes, t.destination).await {
                tracing::debug!("udp send to {}: {e}", t.destination);
            }
        }
    }
}
