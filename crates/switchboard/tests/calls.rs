//! Calls between extensions, checked by ear: two baresip phones register
//! as 1001 and 1002; 1001 calls 1002, which answers by itself; each plays
//! its own tone (440 Hz and 1 kHz) and records what it hears. A Goertzel
//! filter on each recording shows it heard the other's tone, and the
//! relay's packet count shows the audio went through Switchboard.

mod common;

use common::{admin_api, cli, relayed_packets, Server};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRETS: [(&str, &str); 2] = [
    ("1001", "Pw-Secret-call-aaaa"),
    ("1002", "Pw-Secret-call-bbbb"),
];

/// A tone file made by sox: 8 kHz, 16-bit, mono.
fn tone(dir: &Path, hz: u32) -> PathBuf {
    let file = dir.join(format!("tone{hz}.wav"));
    let ok = Command::new("sox")
        .args(["-n", "-r", "8000", "-c", "1", "-b", "16"])
        .arg(&file)
        .args(["synth", "12", "sine", &hz.to_string(), "vol", "0.5"])
        .status()
        .expect("sox (the README's test command installs it)");
    assert!(ok.success());
    file
}

/// A baresip phone for `number`, playing `tone`, recording into its
/// directory's `dumps`.
fn phone(server: &Server, dir: &Path, number: &str, secret: &str, tone: &Path) -> PathBuf {
    let home = dir.join(number);
    let dumps = home.join("dumps");
    std::fs::create_dir_all(&dumps).unwrap();
    // baresip takes the next port for TLS: leave room.
    let port = loop {
        let p = common::free_port();
        if std::net::UdpSocket::bind(("127.0.0.1", p + 1)).is_ok() {
            break p;
        }
    };
    std::fs::write(
        home.join("config"),
        format!(
            "sip_listen 127.0.0.1:{port}\n\
             audio_source aufile,{tone}\n\
             audio_player aufile,{unused}\n\
             audio_alert aufile,/dev/null\n\
             module_path /usr/lib/baresip/modules\n\
             module stdio.so\nmodule g711.so\nmodule aufile.so\nmodule sndfile.so\n\
             module account.so\nmodule_app menu.so\n\
             snd_path {dumps}\n",
            tone = tone.display(),
            unused = home.join("unused.wav").display(),
            dumps = dumps.display(),
        ),
    )
    .unwrap();
    std::fs::write(
        home.join("accounts"),
        format!(
            "<sip:{number}@{}>;auth_pass={secret};regint=60;answermode=auto;audio_codecs=PCMU\n",
            server.target()
        ),
    )
    .unwrap();
    std::fs::write(home.join("contacts"), "").unwrap();
    home
}

fn baresip(home: &Path, seconds: u32, command: Option<&str>) -> Child {
    let mut c = Command::new("baresip");
    c.arg("-f").arg(home).args(["-t", &seconds.to_string()]);
    if let Some(command) = command {
        c.args(["-e", command]);
    }
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("baresip (the README's test command installs baresip-core)")
}

/// The 16-bit samples of a WAV file (its `data` chunk).
fn samples(wav: &Path) -> Vec<i16> {
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
fn power(samples: &[i16], hz: f64) -> f64 {
    let k = 2.0 * (2.0 * std::f64::consts::PI * hz / 8000.0).cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for &x in samples {
        let s0 = f64::from(x) + k * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    s1 * s1 + s2 * s2 - k * s1 * s2
}

/// What `home`'s phone heard.
fn heard(home: &Path) -> Vec<i16> {
    let dec = std::fs::read_dir(home.join("dumps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("-dec.wav"))
        .unwrap_or_else(|| panic!("{} recorded nothing", home.display()));
    samples(&dec)
}

fn registered(server: &Server, number: &str) -> bool {
    let (_, body) = admin_api(
        server,
        "GET",
        &format!("/api/v1/registrations?extension={number}"),
        None,
    );
    body.contains("baresip")
}

#[test]
fn two_phones_hear_each_other_through_the_relay() {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let cli_env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    for (number, secret) in SECRETS {
        cli(&cli_env, &["extension", "add", number, "--secret", secret]);
    }
    // baresip 1.0 gives up on any challenge but MD5.
    let server = Server::start_in(data_dir, &[("SWITCHBOARD_SIP__DIGEST", "MD5")]);
    let dir = server.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    let low = tone(&dir, 440);
    let high = tone(&dir, 1000);
    let caller = phone(&server, &dir, "1001", SECRETS[0].1, &low);
    let callee = phone(&server, &dir, "1002", SECRETS[1].1, &high);

    let mut answering = baresip(&callee, 25, None);
    let give_up = Instant::now() + Duration::from_secs(10);
    while !registered(&server, "1002") {
        assert!(Instant::now() < give_up, "1002 did not register");
        std::thread::sleep(Duration::from_millis(200));
    }
    let before = relayed_packets(&server);
    let dial = format!("/dial sip:1002@{}", server.target());
    let calling = baresip(&caller, 10, Some(&dial))
        .wait_with_output()
        .unwrap();
    let calling_log = String::from_utf8_lossy(&calling.stdout).into_owned();
    let _ = answering.kill();
    let _ = answering.wait();
    assert!(
        calling_log.contains("Call established"),
        "the call was not answered:\n{calling_log}"
    );

    // Skip the first second (the call setting up) of each recording.
    let at_caller = heard(&caller);
    let at_callee = heard(&callee);
    let skip = |s: &[i16]| s.get(8000..).unwrap_or_default().to_vec();
    let (at_caller, at_callee) = (skip(&at_caller), skip(&at_callee));
    assert!(
        at_caller.len() >= 16000 && at_callee.len() >= 16000,
        "recordings too short"
    );
    let caller_hears = (power(&at_caller, 1000.0), power(&at_caller, 440.0));
    let callee_hears = (power(&at_callee, 440.0), power(&at_callee, 1000.0));
    assert!(
        caller_hears.0 > 1e4 * caller_hears.1.max(1.0),
        "1001 should hear 1 kHz, not 440 Hz: {caller_hears:?}"
    );
    assert!(
        callee_hears.0 > 1e4 * callee_hears.1.max(1.0),
        "1002 should hear 440 Hz, not 1 kHz: {callee_hears:?}"
    );
    // Two 50-packet-a-second streams for most of ten seconds.
    let relayed = relayed_packets(&server) - before;
    assert!(
        relayed > 500,
        "only {relayed} packets went through the relay"
    );

    // The call left its record: in the CLI (as CSV) and in the API.
    let env = server.cli_env();
    let give_up = Instant::now() + Duration::from_secs(5);
    let csv = loop {
        let csv = cli(&env, &["cdr", "--csv", "--extension", "1002"]);
        if csv.lines().count() > 1 || Instant::now() > give_up {
            break csv;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one call:\n{csv}");
    let fields: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(&fields[1..3], ["1001", "1002"], "{csv}");
    assert_eq!(fields[8], "answered", "{csv}");
    assert_eq!(fields[11], "PCMU", "{csv}");
    let billable: i64 = fields[7].parse().unwrap();
    assert!((3..=12).contains(&billable), "billable seconds: {csv}");
    let (code, body) = admin_api(&server, "GET", "/api/v1/cdr?disposition=answered", None);
    assert_eq!(code, 200, "{body}");
    let records: serde_json::Value = serde_json::from_str(&body).unwrap();
    let record = &records[0];
    assert_eq!(record["caller"], "1001", "{body}");
    assert_eq!(record["billable"].as_i64(), Some(billable), "{body}");
    assert_eq!(record["legs"].as_array().map(Vec::len), Some(2), "{body}");
    let (code, body) = admin_api(&server, "GET", "/api/v1/cdr?disposition=busy", None);
    assert_eq!((code, body.as_str()), (200, "[]"));
}
