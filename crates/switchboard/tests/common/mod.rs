//! A Switchboard server started for one test: the real binary on free
//! loopback ports with a data directory of its own, stopped when dropped.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

pub mod audio;
pub mod baresip;
pub mod netns;
pub mod sipp;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Server {
    child: Child,
    pub port: u16,
    pub http_port: u16,
    pub data_dir: PathBuf,
    env: Vec<(String, String)>,
    /// The address SIP and media listen on.
    listen: String,
    /// What `serve` printed on start.
    pub banner: Vec<String>,
}

impl Server {
    /// Starts `switchboard serve` on 127.0.0.1 with UDP and TCP on one
    /// free port, and waits until it says it is running.
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// As [`Server::start`], with extra environment variables (e.g. a
    /// database URL).
    pub fn start_with(env: &[(&str, &str)]) -> Server {
        Server::start_in(Server::fresh_data_dir(), env)
    }

    /// A data directory of its own for a server to come (the CLI may
    /// prepare it first).
    pub fn fresh_data_dir() -> PathBuf {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("switchboard-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// As [`Server::start_with`], on `data_dir` as it is.
    pub fn start_in(data_dir: PathBuf, env: &[(&str, &str)]) -> Server {
        Server::start_listening("127.0.0.1", data_dir, env)
    }

    /// Starts it with SIP and media on `listen` (`0.0.0.0`: every
    /// address, for phones on other hosts); the API stays on 127.0.0.1.
    pub fn start_listening(listen: &str, data_dir: PathBuf, env: &[(&str, &str)]) -> Server {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // A port found free may be taken (by another test's client, say)
        // before the server binds it: then the server exits, and is
        // started again on other ports.
        for _ in 0..5 {
            let (port, http_port) = (free_port(), free_port());
            if let Ok((child, banner)) = spawn(listen, port, http_port, &data_dir, &env) {
                return Server {
                    child,
                    port,
                    http_port,
                    data_dir,
                    env,
                    listen: listen.to_owned(),
                    banner,
                };
            }
        }
        panic!("switchboard exited before it was running, five times (see its errors above)")
    }

    /// Stops the server and starts it again on the same ports and data.
    pub fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, banner) = spawn(
            &self.listen,
            self.port,
            self.http_port,
            &self.data_dir,
            &self.env,
        )
        .unwrap_or_else(|banner| panic!("switchboard exited before it was running: {banner:#?}"));
        self.child = child;
        self.banner = banner;
    }

    /// Sends the server a signal (`TERM`, `KILL` …).
    pub fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args(["-s", name, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(ok.success(), "kill -s {name}");
    }

    /// Waits for the server to exit (after a signal).
    pub fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().expect("waiting for switchboard")
    }

    /// The environment that points the CLI at this server's store.
    pub fn cli_env(&self) -> Vec<(String, String)> {
        let mut env = vec![(
            "SWITCHBOARD_DATA_DIR".to_string(),
            self.data_dir.display().to_string(),
        )];
        env.extend(
            self.env
                .iter()
                .filter(|(k, _)| k == "SWITCHBOARD_DATABASE_URL")
                .cloned(),
        );
        env
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The first administrator's password, as the banner showed it.
    pub fn admin_password(&self) -> String {
        self.banner
            .iter()
            .find_map(|l| l.trim().strip_prefix("first login:    admin / "))
            .expect("a first-login line")
            .to_owned()
    }

    /// `127.0.0.1:PORT`, as peers want it on their command line.
    pub fn target(&self) -> String {
        self.addr().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::env::var_os("KEEP_TEST_DATA").is_none() {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `switchboard serve` and waits for its banner; what it printed if
/// it exited first.
fn spawn(
    listen: &str,
    port: u16,
    http_port: u16,
    data_dir: &Path,
    env: &[(String, String)],
) -> Result<(Child, Vec<String>), Vec<String>> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args([
            "serve",
            "--sip-listen",
            listen,
            "--udp-port",
            &port.to_string(),
        ])
        .args([
            "--tcp-port",
            &port.to_string(),
            "--http-listen",
            &format!("127.0.0.1:{http_port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .env("SWITCHBOARD_LOG__LEVEL", "warn")
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting switchboard");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = Vec::new();
    loop {
        match lines.next() {
            Some(Ok(line)) => {
                let last = line.starts_with("Stop it with");
                banner.push(line);
                if last {
                    break;
                }
            }
            _ => {
                let _ = child.wait();
                return Err(banner);
            }
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Ok((child, banner))
}

/// A port free for both UDP and TCP on 127.0.0.1 (the SIP port; the HTTP
/// port is drawn the same way).
pub fn free_port() -> u16 {
    loop {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("udp bind");
        let port = udp.local_addr().unwrap().port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// SIPp as extension `number` (with `secret`) calls `dialed`, presses 1,
/// 2 and 3 by SIP INFO (`tests/sipp/caller_info_keys.xml`), listens and
/// hangs up: what it heard (PCMU decoded, 8 kHz, in sequence order).
pub fn sipp_keys_by_info(server: &Server, number: &str, secret: &str, dialed: &str) -> Vec<i16> {
    // The phone's audio: this socket, named in SIPp's SDP.
    let media = UdpSocket::bind("127.0.0.1:0").unwrap();
    media
        .set_read_timeout(Some(std::time::Duration::from_millis(200)))
        .unwrap();
    let rtp_port = media.local_addr().unwrap().port();
    let fields = server.data_dir.join("phone.csv");
    std::fs::write(
        &fields,
        format!("SEQUENTIAL\n{number};{secret};{rtp_port}\n"),
    )
    .unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sipp/caller_info_keys.xml");
    let mut sipp = Command::new("sipp")
        .current_dir(&server.data_dir)
        .arg("-sf")
        .arg(&scenario)
        .arg("-inf")
        .arg(&fields)
        .args(["-s", dialed, "-i", "127.0.0.1"])
        .args(["-p", &free_port().to_string()])
        .args(["-mp", &free_port().to_string(), "-m", "1", "-nostdin"])
        .args(["-timeout", "30s", "-timeout_error"])
        .arg(server.target())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sipp (the README's test command installs sip-tester)");
    let mut packets = Vec::new();
    let mut buf = [0u8; 2048];
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(25);
    while std::time::Instant::now() < give_up {
        if let Ok((n, _)) = media.recv_from(&mut buf) {
            let p = switchboard_media::rtp::Packet::parse(&buf[..n]).unwrap();
            assert_eq!(p.payload_type, 0, "PCMU, as answered");
            packets.push((p.sequence, p.payload.to_vec()));
        }
        if sipp.try_wait().unwrap().is_some() {
            break;
        }
    }
    let out = sipp.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "sipp: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The packets in sequence order (numbers wrap), decoded.
    let first = packets.first().map_or(0, |p| p.0);
    packets.sort_by_key(|(seq, _)| seq.wrapping_sub(first));
    let mut heard = Vec::new();
    for (_, payload) in &packets {
        switchboard_media::g711::Law::Ulaw.decode(payload, &mut heard);
    }
    heard
}

/// A minimal valid OPTIONS with the given Call-ID and transport.
pub fn options(call_id: &str, transport: &str, local: SocketAddr) -> String {
    format!(
        "OPTIONS sip:probe@127.0.0.1 SIP/2.0\r\n\
         Via: SIP/2.0/{transport} {local};branch=z9hG4bK-{call_id}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:probe@127.0.0.1>;tag=probe\r\n\
         To: <sip:probe@127.0.0.1>\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

/// Runs a program to completion, failing the test with its output when
/// it exits unsuccessfully.
pub fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} could not start ({e}); the README's test command installs it")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{program} {args:?} failed:\n{text}");
    text
}

/// Runs `switchboard ARGS` with `env` (which points it at a store); fails
/// the test unless it succeeds; returns what it printed.
pub fn cli<K: AsRef<std::ffi::OsStr>, V: AsRef<std::ffi::OsStr>>(
    env: &[(K, V)],
    args: &[&str],
) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(args)
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("running switchboard");
    assert!(
        out.status.success(),
        "switchboard {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// curl as the first administrator (logging in once per server), `path`
/// from the root: `(status, body)`.
pub fn admin_api(server: &Server, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let base = format!("http://127.0.0.1:{}", server.http_port);
    let jar = server.data_dir.join("admin-cookies");
    if !jar.exists() {
        let login = format!(
            r#"{{"login":"admin","password":"{}"}}"#,
            server.admin_password()
        );
        let ok = Command::new("curl")
            .args(["-sSf", "-c"])
            .arg(&jar)
            .args(["-H", "Content-Type: application/json", "-d", &login])
            .arg(format!("{base}/api/v1/login"))
            .output()
            .expect("curl");
        assert!(
            ok.status.success(),
            "login: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
    }
    let session = Command::new("curl")
        .args(["-sSf", "-b"])
        .arg(&jar)
        .arg(format!("{base}/api/v1/session"))
        .output()
        .expect("curl");
    let session: serde_json::Value = serde_json::from_slice(&session.stdout).expect("a session");
    let csrf = session["csrf_token"]
        .as_str()
        .expect("a CSRF token")
        .to_owned();
    let mut c = Command::new("curl");
    c.args(["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, "-b"])
        .arg(&jar)
        .args(["-H", &format!("X-CSRF-Token: {csrf}")]);
    if let Some(body) = body {
        c.args(["-H", "Content-Type: application/json", "-d", body]);
    }
    let out = c.arg(format!("{base}{path}")).output().expect("curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').expect("a status line");
    (code.parse().expect("a status"), body.to_owned())
}

/// How many packets the media relay has carried, from /metrics.
pub fn kernel_packets(server: &Server) -> u64 {
    metric(server, "switchboard_media_kernel_packets_total")
}

pub fn relayed_packets(server: &Server) -> u64 {
    metric(server, "switchboard_media_relayed_packets_total")
}

/// A counter of the server's `/metrics`.
fn metric(server: &Server, name: &str) -> u64 {
    let (code, metrics) = admin_api(server, "GET", "/metrics", None);
    assert_eq!(code, 200, "{metrics}");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} in /metrics"))
}

/// `switchboard cdr --csv ARGS` once it shows `records` records (or after
/// five seconds): records reach the store from a writer of their own.
pub fn cdr_csv(server: &Server, args: &[&str], records: usize) -> String {
    cdr_csv_once(server, args, |csv| csv.lines().count() > records)
}

/// `switchboard cdr --csv ARGS` once `shows` says it shows what the test
/// waits for (or after five seconds).
pub fn cdr_csv_once(server: &Server, args: &[&str], shows: impl Fn(&str) -> bool) -> String {
    let env = server.cli_env();
    let mut all = vec!["cdr", "--csv"];
    all.extend_from_slice(args);
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let csv = cli(&env, &all);
        if shows(&csv) || std::time::Instant::now() > give_up {
            return csv;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}
