//! `switchboard serve`: opens the data directory, starts the SIP
//! listeners, and runs until SIGINT or SIGTERM.

use crate::config::Config;
use crate::data_dir::DataDir;
use crate::transport;
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use switchboard_engine::{Endpoint, EndpointConfig};
use tracing_subscriber::EnvFilter;

/// Runs the server until it is told to stop.
pub fn run(config: Config) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&config.log.level).context("log.level is not a valid filter")?,
        )
        .with_writer(std::io::stderr)
        .init();
    let data = DataDir::open(&config.data_dir)?;
    let endpoint = Endpoint::new(
        EndpointConfig {
            realm: config.sip.realm.clone(),
            secret: data.node_secret()?,
            nonce_lifetime: 300,
            server_name: format!("Switchboard/{}", env!("CARGO_PKG_VERSION")),
        },
        rand::random(),
    );
    let shared = transport::Shared {
        endpoint: Arc::new(Mutex::new(endpoint)),
        sip_trace: config.log.sip_trace,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let sip = &config.sip;
        let mut listening = Vec::new();
        if sip.udp_port != 0 {
            let addr = SocketAddr::new(sip.listen, sip.udp_port);
            let bound = transport::udp::start(addr, shared.clone()).await?;
            listening.push(format!("udp {bound}"));
        }
        if sip.tcp_port != 0 {
            let addr = SocketAddr::new(sip.listen, sip.tcp_port);
            let bound =
                transport::tcp::start(addr, sip.max_tcp_connections, shared.clone()).await?;
            listening.push(format!("tcp {bound}"));
        }
        anyhow::ensure!(
            !listening.is_empty(),
            "both sip.udp_port and sip.tcp_port are 0: nothing to listen on"
        );
        println!("Switchboard {} is running.", env!("CARGO_PKG_VERSION"));
        println!("  SIP:            {}", listening.join(", "));
        println!("  data directory: {}", data.path().display());
        println!("Stop it with Ctrl-C.");
        shutdown_signal().await;
        tracing::info!("stopping");
        Ok(())
    })
}

async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
