//! baresip phones for tests, with no sound card: each plays a WAV file
//! into its calls (`aufile`), records what it sends and hears (`sndfile`:
//! `dumps/*-enc.wav` and `*-dec.wav`), and takes keys over a UDP console
//! (`cons`), which it sends as RFC 4733 events during a call. It speaks
//! G.711 and G.722.

use super::{admin_api, Server};
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Phone {
    pub home: PathBuf,
    /// The UDP console's port.
    console: u16,
    /// The network namespace it runs in (another host), if not this one.
    namespace: Option<String>,
}

/// A tone file made by sox: 8 kHz, 16-bit, mono, 12 seconds.
pub fn tone(dir: &Path, hz: u32) -> PathBuf {
    let file = dir.join(format!("tone{hz}.wav"));
    sox(
        &file,
        &["synth", "12", "sine", &hz.to_string(), "vol", "0.5"],
    );
    file
}

/// Makes `file` (8 kHz, 16-bit, mono) with sox's `effects`.
pub fn sox(file: &Path, effects: &[&str]) {
    sox_at(file, 8000, effects);
}

/// Makes `file` (`rate`, 16-bit, mono) with sox's `effects`.
pub fn sox_at(file: &Path, rate: u32, effects: &[&str]) {
    let ok = Command::new("sox")
        .args(["-n", "-r", &rate.to_string(), "-c", "1", "-b", "16"])
        .arg(file)
        .args(effects)
        .status()
        .expect("sox (the README's test command installs it)");
    assert!(ok.success(), "sox {effects:?}");
}

/// Three ports in a row, free for UDP: the phone's SIP port, the next
/// (baresip takes it for TLS) and its console. Drawn from 21000–29999
/// (below the ephemeral ports the servers' sockets get, above their media
/// ports) by a counter shared by the tests of this binary, so phones
/// started at once never pick the same ones.
fn phone_ports() -> (u16, u16) {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let start = 21000 + (std::process::id() % 300) as u16 * 30;
    loop {
        let p = 21000 + (start - 21000 + NEXT.fetch_add(3, Ordering::Relaxed)) % 9000;
        if (p..p + 3).all(|q| UdpSocket::bind(("127.0.0.1", q)).is_ok()) {
            return (p, p + 2);
        }
    }
}

impl Phone {
    /// A phone for extension `number` of `server`, sending `source` and
    /// speaking `codec` (`PCMU`, `PCMA`).
    pub fn new(
        server: &Server,
        dir: &Path,
        number: &str,
        secret: &str,
        source: &Path,
        codec: &str,
    ) -> Phone {
        let home = dir.join(number);
        let dumps = home.join("dumps");
        let _ = std::fs::remove_dir_all(&dumps);
        std::fs::create_dir_all(&dumps).unwrap();
        let (port, console) = phone_ports();
        std::fs::write(
            home.join("config"),
            format!(
                "sip_listen 127.0.0.1:{port}\n\
                 audio_source aufile,{source}\n\
                 audio_player aufile,{unused}\n\
                 audio_alert aufile,/dev/null\n\
                 module_path /usr/lib/baresip/modules\n\
                 module stdio.so\nmodule cons.so\nmodule g711.so\nmodule g722.so\nmodule aufile.so\n\
                 module sndfile.so\nmodule account.so\nmodule_app menu.so\n\
                 cons_listen 127.0.0.1:{console}\n\
                 snd_path {dumps}\n",
                source = source.display(),
                unused = home.join("unused.wav").display(),
                dumps = dumps.display(),
            ),
        )
        .unwrap();
        std::fs::write(
            home.join("accounts"),
            format!(
                "<sip:{number}@{}>;auth_pass={secret};regint=60;answermode=auto;audio_codecs={codec}\n",
                server.target()
            ),
        )
        .unwrap();
        std::fs::write(home.join("contacts"), "").unwrap();
        Phone {
            home,
            console,
            namespace: None,
        }
    }

    /// The phone runs on test host `host`, registering to Switchboard at
    /// `registrar` (an address of this host's that `host` reaches).
    pub fn on_host(mut self, host: &super::netns::Host, registrar: std::net::SocketAddr) -> Phone {
        let config = self.home.join("config");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(
            &config,
            text.replace(
                "sip_listen 127.0.0.1:",
                &format!("sip_listen {}:", host.address),
            ),
        )
        .unwrap();
        let accounts = self.home.join("accounts");
        let text = std::fs::read_to_string(&accounts).unwrap();
        let target = text
            .split('@')
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .expect("the account's registrar")
            .to_owned();
        std::fs::write(&accounts, text.replace(&target, &registrar.to_string())).unwrap();
        self.namespace = Some(host.namespace.clone());
        self
    }

    /// The phone rings until its calls are cancelled, answering none.
    pub fn not_answering(self) -> Phone {
        let accounts = self.home.join("accounts");
        let text = std::fs::read_to_string(&accounts).unwrap();
        std::fs::write(
            &accounts,
            text.replace("answermode=auto", "answermode=manual"),
        )
        .unwrap();
        self
    }

    /// The phone subscribes to its message-waiting indication (baresip's
    /// `mwi` module), and prints each NOTIFY's summary.
    pub fn with_message_lamp(self) -> Phone {
        let config = self.home.join("config");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str("module_app mwi.so\n");
        std::fs::write(&config, text).unwrap();
        self
    }

    /// Runs baresip for `seconds`, running `command` (e.g. `/dial …`) at
    /// start.
    pub fn run(&self, seconds: u32, command: Option<&str>) -> Child {
        let mut c = match &self.namespace {
            Some(namespace) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", namespace, "baresip"]);
                c
            }
            None => Command::new("baresip"),
        };
        c.arg("-f")
            .arg(&self.home)
            .args(["-t", &seconds.to_string()]);
        if let Some(command) = command {
            c.args(["-e", command]);
        }
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("baresip (the README's test command installs baresip-core)")
    }

    /// Presses `key` on the phone's keypad.
    pub fn press(&self, key: char) {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .send_to(key.to_string().as_bytes(), ("127.0.0.1", self.console))
            .unwrap();
    }

    /// What the phone heard in its (only) call: 8 kHz samples. baresip
    /// starts a new file when a re-INVITE restarts the audio; they are
    /// joined in the order they were made.
    pub fn heard(&self) -> Vec<i16> {
        self.recordings().iter().flat_map(|f| samples(f)).collect()
    }

    /// The file of what the phone heard in its (only) call, at its codec's
    /// rate (the first, if a re-INVITE made more).
    pub fn recording(&self) -> PathBuf {
        self.recordings()
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("{} recorded nothing", self.home.display()))
    }

    fn recordings(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.home.join("dumps"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with("-dec.wav"))
            .collect();
        files.sort();
        files
    }
}

/// The 16-bit samples of a WAV file (its `data` chunk).
pub fn samples(wav: &Path) -> Vec<i16> {
    let bytes = std::fs::read(wav).unwrap();
    let at = bytes
        .windows(4)
        .position(|w| w == b"data")
        .expect("a data chunk");
    bytes[at + 8..]
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// Signal power at `hz` (Goertzel), 8 kHz samples.
pub fn power(samples: &[i16], hz: f64) -> f64 {
    let k = 2.0 * (2.0 * std::f64::consts::PI * hz / 8000.0).cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in samples {
        let s0 = f64::from(x) + k * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    s1 * s1 + s2 * s2 - k * s1 * s2
}

/// Whether extension `number` has a baresip phone registered.
pub fn registered(server: &Server, number: &str) -> bool {
    let (_, body) = admin_api(
        server,
        "GET",
        &format!("/api/v1/registrations?extension={number}"),
        None,
    );
    body.contains("baresip")
}
