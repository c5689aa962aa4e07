//! SIP over TCP: a task per connection frames messages out of the byte
//! stream (Content-Length), answers CRLF keep-alive pings with a pong, and
//! writes responses back on the connection the request came in on. A
//! framing error closes the connection, since the stream cannot be resynced.

use super::{now_unix, trace, Shared};
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_engine::Transport;
use switchboard_sip::{Frame, StreamDecoder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// Binds `addr` and spawns the accept loop; returns the bound address.
pub async fn start(
    addr: SocketAddr,
    max_connections: usize,
    shared: Shared,
) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen for SIP on tcp {addr}: {e}"))?;
    let bound = listener.local_addr()?;
    let limit = Arc::new(Semaphore::new(max_connections));
    tokio::spawn(async move {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!("tcp accept: {e}");
                    continue;
                }
            };
            let Ok(permit) = limit.clone().try_acquire_owned() else {
                tracing::warn!("tcp connection from {peer} refused: connection limit reached");
                continue;
            };
            let shared = shared.clone();
            tokio::spawn(async move {
                if let Err(e) = connection(stream, peer, shared).await {
                    tracing::debug!("tcp {peer}: {e}");
                }
                drop(permit);
            });
        }
    });
    Ok(bound)
}

async fn connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    shared: Shared,
) -> std::io::Result<()> {
    let mut decoder = StreamDecoder::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        decoder.extend(&buf[..n]);
        loop {
            let frame = match decoder.decode() {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => {
                    tracing::debug!("tcp {peer}: closing after framing error: {e}");
                    return Ok(());
                }
            };
            let message = match frame {
                Frame::Ping => {
                    stream.write_all(b"\r\n").await?;
                    continue;
                }
                Frame::Message(m) => {
                    if shared.sip_trace {
                        trace(&shared, "recv", &peer, "tcp", &m.to_bytes());
                    }
                    Ok(m)
                }
                Frame::Malformed(e) => Err(e),
            };
            let out = {
                let mut endpoint = shared.endpoint.lock().unwrap_or_else(|p| p.into_inner());
                endpoint.handle_message(message, peer, Transport::Tcp, now_unix())
            };
            if let Some(t) = out {
                trace(&shared, "send", &t.destination, "tcp", &t.bytes);
                stream.write_all(&t.bytes).await?;
            }
        }
    }
}
