//! `switchboard serve`: opens the data directory, starts the SIP
//! listeners, and runs until SIGINT or SIGTERM.

use crate::calls;
use crate::config::Config;
use crate::data_dir::DataDir;
use crate::flows;
use crate::follow;
use crate::guard::{self, SecurityChange};
use crate::metrics::Metrics;
use crate::music::Music;
use crate::prompts::Prompts;
use crate::recordings;
use crate::registrar;
use crate::relay::{self, Relay};
use crate::transport::driver::{self, Inbound};
use crate::transport::{tcp, udp};
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use switchboard_engine::{Endpoint, EndpointConfig, RegistrarConfig};
use switchboard_sip::transaction;
use tokio::sync::mpsc;
use tracing_subscriber::EnvFilter;

/// Every call in progress holds four media sockets: raise the soft limit
/// on open files to the hard one (Debian's soft default, 1,024, would stop
/// at about 250 calls), and say so when even that is low.
fn more_open_files() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) if limit < 16_384 => tracing::warn!(
            "open files limited to {limit}: about {} calls at once; raise LimitNOFILE",
            limit / 5
        ),
        Ok(limit) => tracing::debug!("open files limited to {limit}"),
        Err(e) => tracing::warn!("could not raise the open-files limit: {e}"),
    }
}

/// Runs the server until it is told to stop.
pub fn run(config: Config) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&config.log.level).context("log.level is not a valid filter")?,
        )
        .with_writer(std::io::stderr)
        .init();
    more_open_files();
    let data = DataDir::open(&config.data_dir)?;
    let database = config.database_url(data.path());
    let mut endpoint = Endpoint::new(
        EndpointConfig {
            realm: config.sip.realm.clone(),
            secret: data.node_secret()?,
            nonce_lifetime: 300,
            digest_algorithms: config.sip.digest_algorithms()?,
            server_name: format!("Switchboard/{}", env!("CARGO_PKG_VERSION")),
            transactions: transaction::Config {
                force_rport: config.sip.force_rport,
                ..Default::default()
            },
            registrar: RegistrarConfig {
                min_expires: config.registration.min_expires,
                default_expires: config.registration.default_expires,
                max_expires: config.registration.max_expires,
                max_contacts: config.registration.max_contacts,
                qualify_interval: config.registration.qualify_interval,
                qualify_misses: config.registration.qualify_misses,
            },
            security: config.security.engine(),
            calls: config.calls.engine()?,
        },
        rand::random(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Each worker, going idle, returns what it freed (at most once a
        // second): memory a burst of calls took comes back from every
        // worker, not just the one a periodic task happens to run on.
        .on_thread_park(crate::allocator::give_back_now_and_then)
        .build()?;
    runtime.block_on(async move {
        let service = crate::store::open(&config, &data).await?;
        service.follow_changes().await?;
        for c in registrar::credentials(&service).await? {
            registrar::set(&mut endpoint, &c);
        }
        endpoint.set_plan(crate::call_flows::plan(&service).await?);
        let local = crate::network::Local::of(&config)?;
        let resolver = std::sync::Arc::new(crate::dns::Resolver::new(&local.dns_servers));
        endpoint.set_network(
            std::time::Instant::now(),
            crate::transport::now_unix(),
            crate::network::network(&service, &local, &resolver).await?,
        );
        let answers = service.group_answers().await?;
        endpoint.set_group_answers(
            answers
                .into_iter()
                .map(|(g, m, at)| (g, m, u64::try_from(at).unwrap_or(0)))
                .collect(),
        );
        let restored = registrar::restore(&service, &mut endpoint).await?;
        tracing::info!("{restored} registrations kept from before");
        let voicemail = crate::voicemail::Voicemail::new(service.clone(), config.voicemail.clone())?;
        for waiting in crate::follow::waiting(&service).await? {
            if let Inbound::Waiting { mailbox, new, old } = waiting {
                let unix = crate::transport::now_unix();
                endpoint.set_waiting(std::time::Instant::now(), unix, &mailbox, new, old);
            }
        }
        let stale = service.clear_live_calls().await?;
        if stale > 0 {
            tracing::warn!("{stale} calls were in progress when the server last stopped");
        }
        let (calls, calls_written) = calls::persist(service.clone());
        let (registrations, registrations_written) = registrar::persist(
            service.clone(),
            std::time::Duration::from_secs(config.registration.save_refreshes_every),
        );
        if let SecurityChange::Lists { allow, block } = guard::lists(&service).await? {
            endpoint.set_address_lists(allow, block);
        }
        for ban in guard::bans(&service).await? {
            guard::apply(&mut endpoint, ban);
        }
        let alarms = guard::keep_alarms(service.clone());
        let metrics = Metrics::default();
        let sip = &config.sip;
        anyhow::ensure!(
            sip.udp_port != 0 || sip.tcp_port != 0,
            "both sip.udp_port and sip.tcp_port are 0: nothing to listen on"
        );
        let udp = match sip.udp_port {
            0 => None,
            port => Some(udp::bind(SocketAddr::new(sip.listen, port))?),
        };
        let tcp = match sip.tcp_port {
            0 => None,
            port => Some(tcp::bind(SocketAddr::new(sip.listen, port)).await?),
        };
        let mut listening = Vec::new();
        let mut listening_http = None;
        let (driver_tx, driver_rx) = mpsc::channel(driver::QUEUE);
        if let Some(socket) = &udp {
            listening.push(format!("udp {}", socket.local_addr()?));
        }
        if let Some(listener) = tcp {
            listening.push(format!("tcp {}", listener.local_addr()?));
            tokio::spawn(tcp::accept_loop(
                listener,
                sip.max_tcp_connections,
                driver_tx.clone(),
            ));
        }
        let rebuild = crate::network::builder(service.clone(), driver_tx.clone(), local.clone(), resolver);
        follow::follow(service.clone(), driver_tx.clone(), rebuild);
        if !config.http.listen.is_empty() {
            let listener = tokio::net::TcpListener::bind(&config.http.listen)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen for HTTP on {}: {e}", config.http.listen))?;
            listening_http = Some(listener.local_addr()?);
            let shown = metrics.clone();
            let app = switchboard_api::router(service.clone(), Arc::new(move || shown.render()))
                .into_make_service_with_connect_info::<SocketAddr>();
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!("http: {e}");
                }
            });
        }
        let language = &config.calls.language;
        if !Prompts::shipped(language) && !data.path().join("prompts").join(language).is_dir() {
            anyhow::bail!(
                "calls.language: no prompt set {language:?} (none ships, and {} has none)",
                data.path().join("prompts").display()
            );
        }
        let prompts = Arc::new(Prompts::new(data.path(), language, config.calls.tones()?));
        let (media_tx, media_rx) = mpsc::unbounded_channel();
        let (flows_tx, flows_rx) = mpsc::unbounded_channel();
        let music = Arc::new(Music::new(data.path()));
        music.follow(&service);
        // Converted now, not on the media thread at the first hold.
        for rate in [8000, 16000] {
            music.get(rate);
        }
        let (kernel, media_note) = if config.calls.kernel_relay {
            match relay::Kernel::start(
                sip.listen,
                config.calls.rtp_port_min,
                config.calls.rtp_port_max,
            ) {
                Ok(kernel) => (Some(kernel), "relayed in the kernel (eBPF) once both phones are heard".to_owned()),
                Err(e) => {
                    tracing::warn!("media: the kernel fast path is off: {e}");
                    (None, format!("relayed in userspace (kernel fast path unavailable: {e})"))
                }
            }
        } else {
            (None, "relayed in userspace (calls.kernel_relay = false)".to_owned())
        };
        let relay = Relay::start(
            sip.listen,
            Duration::from_secs(match config.calls.media_timeout {
                0 => u64::MAX / 4,
                s => s,
            }),
            media_tx,
            relay::Outlets {
                flows: flows_tx,
                recordings: recordings::start(data.path(), service.clone())
                    .context("starting the recordings' writer")?,
                music: music.clone(),
                kernel,
            },
            metrics.clone(),
        )
        .context("starting the media relay")?;
        let context = Arc::new(flows::Context { prompts, voicemail });
        flows::start(flows_rx, relay.control(), driver_tx.clone(), context);
        recordings::expire(service.clone(), config.calls.recording_retention);
        endpoint.set_media_port_reserve(relay.reserve());
        driver::spawn(
            endpoint,
            driver_rx,
            udp,
            driver::Outlets {
                registrations,
                alarms,
                metrics,
                relay,
                media_events: media_rx,
                calls,
                trunks: crate::trunk_reports::keep(service.clone()),
                lookups: crate::caller_name::start(driver_tx.clone()),
                own: driver_tx.clone(),
            },
            config.log.sip_trace,
        )?;
        // Only once every port is open: a first start that cannot listen
        // must not make the administrator whose password it would not show.
        let first_password = service.ensure_first_admin().await?;
        println!("Switchboard {} is running.", env!("CARGO_PKG_VERSION"));
        println!("  SIP:            {}", listening.join(", "));
        if let Some(addr) = listening_http {
            let base = if addr.ip().is_unspecified() {
                format!("http://localhost:{}", addr.port())
            } else {
                format!("http://{addr}")
            };
            println!("  console:        {base}/");
            println!("  API:            {base}/api/v1/  (listening on {addr})");
        }
        println!("  media:          {media_note}");
        println!("  data directory: {}", data.path().display());
        println!("  database:       {}", crate::store::redact(&database));
        if let Some(password) = first_password {
            println!("  first login:    admin / {password}");
            println!("                  (shown once; `switchboard admin reset-password` makes a new one)");
        }
        println!("Stop it with Ctrl-C.");
        let mut signals = Signals::new()?;
        signals.next().await;
        let grace = config.calls.shutdown_grace;
        tracing::info!("stopping: new calls refused, calls in progress have {grace} s to end");
        let stop = |grace| Inbound::Stop {
            grace: Duration::from_secs(grace),
            retry_after: RETRY_AFTER,
        };
        if driver_tx.send(stop(grace)).await.is_ok() {
            tokio::select! {
                _ = signals.next() => {
                    tracing::info!("told again: ending calls now");
                    let _ = driver_tx.send(stop(0)).await;
                }
                _ = driver_tx.closed() => {}
            }
        }
        drop(driver_tx);
        // The driver is gone once the writers' senders are: what it
        // reported is written before the process ends.
        let _ = calls_written.await;
        let _ = registrations_written.await;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Seconds a phone refused during shutdown is told to wait.
const RETRY_AFTER: u32 = 30;

/// SIGTERM and Ctrl-C (SIGINT), as they come.
struct Signals {
    term: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> anyhow::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            term: signal(SignalKind::terminate()).context("installing a SIGTERM handler")?,
            interrupt: signal(SignalKind::interrupt()).context("installing a SIGINT handler")?,
        })
    }

    async fn next(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.interrupt.recv() => {}
        }
    }
}
