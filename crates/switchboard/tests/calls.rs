//! Calls between extensions, checked by ear: two baresip phones register
//! as 1001 and 1002; 1001 calls 1002, which answers by itself; each plays
//! its own tone (440 Hz and 1 kHz) and records what it hears. A Goertzel
//! filter on each recording shows it heard the other's tone, and the
//! relay's packet count shows the audio went through Switchboard: in the
//! kernel fast path, or with it turned off in the relay's own thread, and
//! with the phones on two other hosts (network namespaces), where the
//! kernel sends the packets out of another interface. Then the same with
//! phones that share no codec (PCMA against PCMU), through Switchboard's
//! transcoding, which the kernel leaves to the relay.

mod common;

use common::baresip::{power, registered, tone, Phone};
use common::netns::Network;
use common::{admin_api, cdr_csv, cli, kernel_packets, relayed_packets, Server};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const SECRETS: [(&str, &str); 2] = [
    ("1001", "Pw-Secret-call-aaaa"),
    ("1002", "Pw-Secret-call-bbbb"),
];

/// A finished ten-second call from 1001 (speaking `codecs[0]`, playing
/// 440 Hz) to 1002 (`codecs[1]`, 1 kHz): the server, what each phone
/// heard after the first second, each phone's log, and the packets the
/// relay carried meanwhile, and of them the kernel.
struct Call {
    server: Server,
    at_caller: Vec<i16>,
    at_callee: Vec<i16>,
    logs: [String; 2],
    relayed: u64,
    kernel: u64,
}

/// Where the call is made.
enum Setup<'a> {
    /// Both phones on 127.0.0.1.
    Loopback { kernel_relay: bool },
    /// The caller on the first host, the callee on the second.
    Hosts(&'a Network),
}

fn call(codecs: [&str; 2], setup: Setup) -> Call {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let cli_env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    for (number, secret) in SECRETS {
        cli(&cli_env, &["extension", "add", number, "--secret", secret]);
    }
    // baresip 1.0 gives up on any challenge but MD5. The calls last ten
    // seconds with a media timeout of two: media flowing, through the
    // kernel or not, keeps them up.
    let mut env = vec![
        ("SWITCHBOARD_SIP__DIGEST", "MD5"),
        ("SWITCHBOARD_CALLS__MEDIA_TIMEOUT", "2"),
    ];
    if let Setup::Loopback {
        kernel_relay: false,
    } = setup
    {
        env.push(("SWITCHBOARD_CALLS__KERNEL_RELAY", "false"));
    }
    let server = match setup {
        Setup::Hosts(_) => Server::start_listening("0.0.0.0", data_dir, &env),
        Setup::Loopback { .. } => Server::start_in(data_dir, &env),
    };
    let dir = server.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    let low = tone(&dir, 440);
    let high = tone(&dir, 1000);
    let mut caller = Phone::new(&server, &dir, "1001", SECRETS[0].1, &low, codecs[0]);
    let mut callee = Phone::new(&server, &dir, "1002", SECRETS[1].1, &high, codecs[1]);
    let mut target = server.target();
    if let Setup::Hosts(network) = setup {
        let [a, b] = [&network.hosts[0], &network.hosts[1]];
        let registrar = |gateway: std::net::Ipv4Addr| SocketAddr::new(gateway.into(), server.port);
        caller = caller.on_host(a, registrar(a.gateway));
        callee = callee.on_host(b, registrar(b.gateway));
        target = registrar(a.gateway).to_string();
    }

    let mut answering = callee.run(25, None);
    let give_up = Instant::now() + Duration::from_secs(10);
    while !registered(&server, "1002") {
        assert!(Instant::now() < give_up, "1002 did not register");
        std::thread::sleep(Duration::from_millis(200));
    }
    let before = (relayed_packets(&server), kernel_packets(&server));
    let dial = format!("/dial sip:1002@{target}");
    let calling = caller.run(10, Some(&dial)).wait_with_output().unwrap();
    let _ = answering.kill();
    let answering = answering.wait_with_output().unwrap();
    let logs = [calling, answering].map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    assert!(
        logs[0].contains("Call established"),
        "the call was not answered:\n{}",
        logs[0]
    );
    let relayed = relayed_packets(&server) - before.0;
    let kernel = kernel_packets(&server) - before.1;
    // Skip the first second (the call setting up) of each recording.
    let skip = |s: Vec<i16>| s.get(8000..).unwrap_or_default().to_vec();
    let (at_caller, at_callee) = (skip(caller.heard()), skip(callee.heard()));
    assert!(
        at_caller.len() >= 16000 && at_callee.len() >= 16000,
        "recordings too short"
    );
    Call {
        server,
        at_caller,
        at_callee,
        logs,
        relayed,
        kernel,
    }
}

/// Each phone heard the other's tone, and not its own.
fn each_heard_the_other(c: &Call) {
    let caller_hears = (power(&c.at_caller, 1000.0), power(&c.at_caller, 440.0));
    let callee_hears = (power(&c.at_callee, 440.0), power(&c.at_callee, 1000.0));
    assert!(
        caller_hears.0 > 1e4 * caller_hears.1.max(1.0),
        "1001 should hear 1 kHz, not 440 Hz: {caller_hears:?}"
    );
    assert!(
        callee_hears.0 > 1e4 * callee_hears.1.max(1.0),
        "1002 should hear 440 Hz, not 1 kHz: {callee_hears:?}"
    );
}

#[test]
fn two_phones_hear_each_other_through_the_relay() {
    let c = call(["PCMU", "PCMU"], Setup::Loopback { kernel_relay: true });
    each_heard_the_other(&c);
    // Two 50-packet-a-second streams for most of ten seconds, nearly all
    // carried by the kernel once each phone was heard.
    assert!(
        c.relayed > 500,
        "only {} packets went through the relay",
        c.relayed
    );
    assert!(
        c.kernel > 400,
        "the kernel carried {} of {} packets",
        c.kernel,
        c.relayed
    );
    assert!(
        c.server
            .banner
            .iter()
            .any(|l| l.contains("media:") && l.contains("in the kernel")),
        "{:#?}",
        c.server.banner
    );

    // The call left its record: in the CLI (as CSV) and in the API.
    let server = &c.server;
    let csv = cdr_csv(server, &["--extension", "1002"], 1);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one call:\n{csv}");
    let fields: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(&fields[1..3], ["1001", "1002"], "{csv}");
    assert_eq!(fields[8], "answered", "{csv}");
    assert_eq!(fields[11], "PCMU", "{csv}");
    let billable: i64 = fields[7].parse().unwrap();
    assert!((6..=12).contains(&billable), "billable seconds: {csv}");
    assert!(!csv.contains("media timeout"), "{csv}");
    let (code, body) = admin_api(server, "GET", "/api/v1/cdr?disposition=answered", None);
    assert_eq!(code, 200, "{body}");
    let records: serde_json::Value = serde_json::from_str(&body).unwrap();
    let record = &records[0];
    assert_eq!(record["caller"], "1001", "{body}");
    assert_eq!(record["billable"].as_i64(), Some(billable), "{body}");
    assert_eq!(record["legs"].as_array().map(Vec::len), Some(2), "{body}");
    let (code, body) = admin_api(server, "GET", "/api/v1/cdr?disposition=busy", None);
    assert_eq!((code, body.as_str()), (200, "[]"));
}

/// With the fast path turned off, the relay's thread carries every
/// packet.
#[test]
fn the_relay_carries_the_call_itself_when_the_kernel_may_not() {
    let c = call(
        ["PCMU", "PCMU"],
        Setup::Loopback {
            kernel_relay: false,
        },
    );
    each_heard_the_other(&c);
    assert!(c.relayed > 500, "only {} packets relayed", c.relayed);
    assert_eq!(c.kernel, 0);
}

/// Phones on two other hosts: each one's packets arrive on its own
/// interface and leave, rewritten, out of the other's.
#[test]
fn phones_on_other_hosts_hear_each_other_through_the_kernel() {
    let network = Network::new("call", 2);
    let c = call(["PCMU", "PCMU"], Setup::Hosts(&network));
    each_heard_the_other(&c);
    assert!(
        c.kernel > 400,
        "the kernel carried {} of {} packets",
        c.kernel,
        c.relayed
    );
}

/// A PCMA-only phone calls a PCMU-only one: Switchboard offers the callee
/// the codecs it transcodes, the callee takes PCMU, the caller keeps PCMA,
/// and the relay converts each way; each still hears the other's tone.
#[test]
fn phones_without_a_common_codec_hear_each_other_through_transcoding() {
    let c = call(["PCMA", "PCMU"], Setup::Loopback { kernel_relay: true });
    assert!(
        c.logs[0].contains("Set audio decoder: PCMA"),
        "{}",
        c.logs[0]
    );
    assert!(
        c.logs[1].contains("Set audio decoder: PCMU"),
        "{}",
        c.logs[1]
    );
    each_heard_the_other(&c);
    let csv = cdr_csv(&c.server, &[], 1);
    let fields: Vec<&str> = csv.lines().nth(1).expect("a record").split(',').collect();
    assert_eq!(fields[11], "PCMA to PCMU", "{csv}");
    assert!(c.relayed > 500, "only {} packets relayed", c.relayed);
    assert_eq!(c.kernel, 0, "transcoded audio stays with the relay");
}
