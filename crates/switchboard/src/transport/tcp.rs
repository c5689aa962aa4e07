//! SIP over TCP: a task per connection frames messages out of the byte
//! stream (Content-Length), answers CRLF keep-alive pings with a pong, and
//! hands messages to the driver; a writer task sends what the driver routes
//! to this peer. A lost framing closes the connection, since a stream
//! cannot be resynchronised. Connections come from phones, or are opened
//! to a trunk's provider when the driver has something to send it.

use super::driver::{DriverTx, Inbound, PEER_QUEUE};
use bytes::Bytes;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_sip::{Frame, StreamDecoder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};

/// Binds `addr`; the caller starts [`accept_loop`] once the driver runs.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen for SIP on tcp {addr}: {e}"))
}

/// Accepts connections, at most `max_connections` at once.
pub async fn accept_loop(listener: TcpListener, max_connections: usize, driver: DriverTx) {
    let limit = Arc::new(Semaphore::new(max_connections));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!("tcp accept: {e}");
                continue;
            }
        };
        let Ok(permit) = limit.clone().try_acquire_owned() else {
            tracing::warn!("tcp connection from {peer} refused: connection limit reached");
            continue;
        };
        let driver = driver.clone();
        tokio::spawn(async move {
            connection(stream, peer, driver).await;
            drop(permit);
        });
    }
}

/// How long opening a connection to a provider may take.
const CONNECT_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

/// Opens a connection to `peer` (a trunk's provider); once it is up the
/// driver hears `Connected` as for an accepted one, else
/// `ConnectFailed`.
pub fn connect(peer: SocketAddr, driver: DriverTx) {
    tokio::spawn(async move {
        match tokio::time::timeout(CONNECT_WITHIN, TcpStream::connect(peer)).await {
            Ok(Ok(stream)) => connection(stream, peer, driver).await,
            Ok(Err(e)) => {
                tracing::info!("tcp connection to {peer}: {e}");
                let _ = driver.send(Inbound::ConnectFailed { peer }).await;
            }
            Err(_) => {
                tracing::info!("tcp connection to {peer}: no answer");
                let _ = driver.send(Inbound::ConnectFailed { peer }).await;
            }
        }
    });
}

async fn connection(stream: TcpStream, peer: SocketAddr, driver: DriverTx) {
    let _ = stream.set_nodelay(true);
    let (reader, mut writer) = stream.into_split();
    let (tx, mut rx) = mpsc::channel::<Bytes>(PEER_QUEUE);
    if driver
        .send(Inbound::Connected {
            peer,
            writer: tx.clone(),
        })
        .await
        .is_err()
    {
        return;
    }
    let writing = tokio::spawn(async move {
        while let Some(bytes) = rx.recv().await {
            if writer.write_all(&bytes).await.is_err() {
                return;
            }
        }
    });
    if let Err(e) = read_frames(reader, peer, &driver, &tx).await {
        tracing::debug!("tcp {peer}: {e}");
    }
    let _ = driver.send(Inbound::Disconnected { peer }).await;
    drop(tx);
    let _ = writing.await;
}

async fn read_frames(
    mut reader: OwnedReadHalf,
    peer: SocketAddr,
    driver: &DriverTx,
    pong: &mpsc::Sender<Bytes>,
) -> std::io::Result<()> {
    let mut decoder = StreamDecoder::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        decoder.extend(&buf[..n]);
        loop {
            let message = match decoder.decode() {
                Ok(None) => break,
                Ok(Some(Frame::Ping)) => {
                    let _ = pong.try_send(Bytes::from_static(b"\r\n"));
                    continue;
                }
                Ok(Some(Frame::Message(m))) => Ok(m),
                Ok(Some(Frame::Malformed(e))) => Err(e),
                Err(e) => {
                    tracing::debug!("tcp {peer}: closing after framing error: {e}");
                    return Ok(());
                }
            };
            if driver
                .send(Inbound::Stream {
                    message,
                    source: peer,
                })
                .await
                .is_err()
            {
                return Ok(());
            }
        }
    }
}
