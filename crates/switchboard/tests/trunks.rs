//! SIP trunks against real peers on loopback. A second Switchboard plays
//! the provider: the PBX's trunk registers with it (digest) and
//! re-registers before the registration runs out; a call from the
//! provider's phone to the PBX's DID reaches an extension (baresip) and an
//! extension's call goes out through the provider (which challenges it),
//! each with two-way audio checked by frequency. SIPp plays providers
//! trusted by address: an outbound call is sent with the rule's digits and
//! the extension's caller ID (and P-Asserted-Identity), fails over within
//! the call from a trunk that does not answer and one that answers 503 to
//! a third, found by DNS NAPTR and SRV (dnsmasq); calls abroad are refused
//! to an extension not allowed them, a rule open to a ring group's
//! members only to others, and an hourly limit holds. At the
//! capacity plan's limit an inbound call gets 503 and an outbound one 486
//! while the calls in progress all go on, emergency calls still go out,
//! and the record shows the peak and the refusals.

mod common;

use common::audio::{find, prompt};
use common::baresip::{power, registered, tone, Phone};
use common::sipp::{credentials, sipp, succeeded};
use common::{admin_api, cdr_csv, cdr_csv_once, cli, free_port, Server};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DESK: (&str, &str) = ("1001", "Pw-Secret-desk-abc");
const RECEPTION: (&str, &str) = ("1002", "Pw-Secret-reception-abc");
const TRUNK: (&str, &str) = ("9000", "Trunk-Secret-99a");
const PSTN: (&str, &str) = ("2001", "Pw-Secret-pstn-xyz");

/// A server with extensions 1001 (presenting `+4930123001` outbound) and
/// 1002, and
/// `declaration` applied before it starts, MD5 digest (SIPp's and
/// baresip's), and `env`.
fn pbx(declaration: &str, env: &[(&str, &str)]) -> Server {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let cli_env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    cli(
        &cli_env,
        &[
            "extension",
            "add",
            DESK.0,
            "--secret",
            DESK.1,
            "--caller-id",
            "+4930123001",
        ],
    );
    cli(
        &cli_env,
        &["extension", "add", RECEPTION.0, "--secret", RECEPTION.1],
    );
    let file = data_dir.join("network.toml");
    std::fs::write(&file, declaration).unwrap();
    cli(&cli_env, &["apply", &file.display().to_string()]);
    let mut all = vec![("SWITCHBOARD_SIP__DIGEST", "MD5")];
    all.extend_from_slice(env);
    Server::start_in(data_dir, &all)
}

fn wait_for(what: &str, seconds: u64, mut done: impl FnMut() -> bool) {
    let give_up = Instant::now() + Duration::from_secs(seconds);
    while !done() {
        assert!(Instant::now() < give_up, "{what}: not within {seconds} s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A UAS on `port` playing `scenario`, its messages logged to `log`.
fn sipp_answers(server: &Server, port: u16, scenario: &str, log: &str) -> Child {
    let log = server.data_dir.join(log);
    let child = sipp(server, port, scenario, &["-trace_msg", "-message_file"])
        .arg(&log)
        .spawn()
        .expect("sipp (the README's test command installs sip-tester)");
    // SIPp must be listening before the call comes.
    std::thread::sleep(Duration::from_millis(300));
    child
}

/// 1001 calls `number` with `scenario` (caller.xml talks for a second).
fn desk_calls(server: &Server, number: &str, scenario: &str) -> Child {
    let inf = credentials(server, DESK);
    sipp(
        server,
        free_port(),
        scenario,
        &["-inf", &inf, "-s", number, "-d", "1000"],
    )
    .arg(server.target())
    .spawn()
    .unwrap()
}

/// A DNS server for `provider.test` on loopback: NAPTR to the SRV record
/// `_sip._udp.provider.test`, which names `carrier.provider.test:port`.
struct Dns {
    child: Child,
    port: u16,
}

impl Dns {
    fn start(sip_port: u16) -> Dns {
        let port = free_port();
        let child = Command::new("/usr/sbin/dnsmasq")
            .args([
                "--no-daemon",
                &format!("--port={port}"),
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--conf-file=/dev/null",
                "--user=root",
                &format!("--srv-host=_sip._udp.provider.test,carrier.provider.test,{sip_port},0,5"),
                "--host-record=carrier.provider.test,127.0.0.1",
                "--naptr-record=provider.test,10,10,S,SIP+D2U,,_sip._udp.provider.test",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dnsmasq (the README's test command installs dnsmasq-base)");
        // dnsmasq answers once it has bound its port.
        wait_for("dnsmasq listening", 5, || {
            std::net::UdpSocket::bind(("127.0.0.1", port)).is_err()
        });
        Dns { child, port }
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A second Switchboard as the provider: 9000 is the PBX's account, 2001
/// a phone on the phone network. It grants registrations of 8 seconds and
/// keeps each refresh at once, so a re-registration shows soon.
fn provider_switchboard() -> Server {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    for (n, secret) in [TRUNK, PSTN] {
        cli(&env, &["extension", "add", n, "--secret", secret]);
    }
    Server::start_in(
        data_dir,
        &[
            ("SWITCHBOARD_SIP__DIGEST", "MD5"),
            ("SWITCHBOARD_REGISTRATION__MIN_EXPIRES", "1"),
            ("SWITCHBOARD_REGISTRATION__DEFAULT_EXPIRES", "8"),
            ("SWITCHBOARD_REGISTRATION__MAX_EXPIRES", "8"),
            ("SWITCHBOARD_REGISTRATION__SAVE_REFRESHES_EVERY", "1"),
        ],
    )
}

/// When the provider's registration of 9000 (the PBX) runs out.
fn registered_until(provider: &Server) -> Option<i64> {
    let (_, body) = admin_api(
        provider,
        "GET",
        "/api/v1/registrations?extension=9000",
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&body).ok()?;
    v[0]["expires_at"].as_i64()
}

/// `caller` (of `from`, sending `tones.0` Hz) dials `number`; `callee`
/// (sending `tones.1`) answers. Each must hear the other's tone.
fn call_with_audio(
    from: &Server,
    caller: &Phone,
    number: &str,
    callee: &Phone,
    to: (&Server, &str),
    tones: (f64, f64),
) {
    let mut answering = callee.run(25, None);
    wait_for("the callee registered", 10, || registered(to.0, to.1));
    let dial = format!("/dial sip:{number}@{}", from.target());
    let calling = caller.run(9, Some(&dial)).wait_with_output().unwrap();
    let _ = answering.kill();
    let _ = answering.wait();
    let log = String::from_utf8_lossy(&calling.stdout).into_owned();
    assert!(log.contains("Call established"), "not answered:\n{log}");
    let skip = |s: Vec<i16>| s.get(8000..).unwrap_or_default().to_vec();
    let (at_caller, at_callee) = (skip(caller.heard()), skip(callee.heard()));
    assert!(
        at_caller.len() >= 24000 && at_callee.len() >= 24000,
        "recordings too short"
    );
    let (sent, answered) = tones;
    for (heard, wanted, not) in [(&at_caller, answered, sent), (&at_callee, sent, answered)] {
        let (yes, no) = (power(heard, wanted), power(heard, not));
        assert!(
            yes > 1e4 * no.max(1.0),
            "{wanted} Hz should be heard, not {not} Hz: {yes:e} against {no:e}"
        );
    }
}

/// A trunk registering as 9000 with `provider` over `transport`, its DID
/// 9000 ringing the desk, and numbers dialled with a 0 going out through
/// it without the 0.
fn registering(provider: &Server, transport: &str) -> String {
    format!(
        r#"
[[trunk]]
name = "provider"
host = "127.0.0.1:{}"
transport = "{transport}"
username = "9000"
password = "{}"
register = true
register_expires = 60

[[did]]
name = "main"
numbers = ["9000"]
destination = "extension:1001"

[[outbound_rule]]
name = "pstn"
patterns = ["0X."]
strip = 1
trunks = ["provider"]
"#,
        provider.port, TRUNK.1
    )
}

#[test]
fn a_registered_trunk_carries_calls_both_ways_with_audio() {
    let provider = provider_switchboard();
    let declaration = registering(&provider, "udp");
    let pbx = pbx(&declaration, &[]);

    // It registers (the provider challenged it), then re-registers before
    // the provider's 8 seconds run out.
    wait_for("the trunk registered", 10, || {
        let (_, body) = admin_api(&pbx, "GET", "/api/v1/trunks/provider", None);
        body.contains(r#""registration":"registered""#)
    });
    wait_for("the provider lists the PBX", 5, || {
        registered_until(&provider).is_some()
    });
    let first = registered_until(&provider).expect("listed");
    wait_for("a re-registration", 20, || {
        registered_until(&provider).is_some_and(|until| until > first)
    });
    let listed = cli(&pbx.cli_env(), &["trunk", "list"]);
    assert!(listed.contains("registered"), "{listed}");

    // In: 2001 on the phone network dials the PBX's number; the DID rings
    // the desk. Out: the desk dials 02001, sent as 2001 to the provider.
    let dir = pbx.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    let (low, high) = (tone(&dir, 440), tone(&dir, 1000));
    let street = Phone::new(&provider, &dir.join("in"), PSTN.0, PSTN.1, &low, "PCMU");
    let desk = Phone::new(&pbx, &dir.join("in"), DESK.0, DESK.1, &high, "PCMU");
    call_with_audio(
        &provider,
        &street,
        TRUNK.0,
        &desk,
        (&pbx, DESK.0),
        (440.0, 1000.0),
    );
    let desk = Phone::new(&pbx, &dir.join("out"), DESK.0, DESK.1, &high, "PCMU");
    let street = Phone::new(&provider, &dir.join("out"), PSTN.0, PSTN.1, &low, "PCMU");
    call_with_audio(
        &pbx,
        &desk,
        "02001",
        &street,
        (&provider, PSTN.0),
        (1000.0, 440.0),
    );

    let csv = cdr_csv(&pbx, &[], 2);
    assert!(
        csv.contains("2001,9000,") && csv.contains("1001,02001,"),
        "{csv}"
    );
    let csv = cdr_csv(&provider, &[], 2);
    assert!(
        csv.contains("9000,2001,"),
        "the provider saw the PBX's call: {csv}"
    );
}

#[test]
fn outbound_calls_take_the_rules_digits_and_caller_id_and_fail_over_within_the_call() {
    let (dead, failing, carrier) = (free_port(), free_port(), free_port());
    let dns = Dns::start(carrier);
    let declaration = format!(
        r#"
[[trunk]]
name = "dead"
host = "127.0.0.1:{dead}"
qualify = false

[[trunk]]
name = "failing"
host = "127.0.0.1:{failing}"
qualify = false

[[trunk]]
name = "carrier"
host = "provider.test"
send_pai = true
main_number = "+4930123000"
qualify = false

[[outbound_rule]]
name = "national"
patterns = ["0[1-9]XXXXXXXX"]
strip = 1
prepend = "+49"
trunks = ["dead", "failing", "carrier"]

[[outbound_rule]]
name = "abroad"
patterns = ["00."]
trunks = ["carrier"]
caller_id = "main"
international = true

[[ring_group]]
name = "sales"
members = [{{ extension = "1002" }}]

[[outbound_rule]]
name = "premium"
patterns = ["0900X."]
trunks = ["carrier"]
allowed = ["ring_group:sales"]
"#
    );
    let dns_servers = format!("[\"127.0.0.1:{}\"]", dns.port);
    let server = pbx(
        &declaration,
        &[("SWITCHBOARD_SIP__DNS_SERVERS", &dns_servers)],
    );
    cli(
        &server.cli_env(),
        &["extension", "set", DESK.0, "--outbound-calls-per-hour", "2"],
    );

    // 0301234567 by rule national: the dead trunk never answers, the
    // failing one answers 503, and the carrier (found by NAPTR and SRV)
    // takes the call, all within the one call.
    let unavailable = sipp_answers(&server, failing, "trunk_unavailable.xml", "failing.log");
    let answering = sipp_answers(&server, carrier, "callee.xml", "carrier.log");
    succeeded(
        "caller.xml",
        desk_calls(&server, "0301234567", "caller.xml"),
    );
    succeeded("trunk_unavailable.xml", unavailable);
    succeeded("callee.xml", answering);
    let seen = std::fs::read_to_string(server.data_dir.join("carrier.log")).unwrap();
    for expected in [
        "INVITE sip:+49301234567@provider.test SIP/2.0",
        "From: <sip:+4930123001@provider.test>;tag=",
        "To: <sip:+49301234567@provider.test>",
        "P-Asserted-Identity: <sip:+4930123001@provider.test>",
    ] {
        assert!(seen.contains(expected), "{expected:?} not in:\n{seen}");
    }
    let csv = cdr_csv(&server, &[], 1);
    assert!(csv.contains("1001,0301234567,"), "{csv}");
    assert!(csv.contains(",answered,"), "{csv}");

    // Abroad: refused until the extension may call abroad; then it goes
    // out with the main number, as the rule says.
    succeeded(
        "caller_refused.xml",
        desk_calls(&server, "0044207946000", "caller_refused.xml"),
    );
    cli(
        &server.cli_env(),
        &["extension", "set", DESK.0, "--international-calls", "true"],
    );
    std::thread::sleep(Duration::from_millis(1500));
    let answering = sipp_answers(&server, carrier, "callee.xml", "abroad.log");
    succeeded(
        "caller.xml",
        desk_calls(&server, "0044207946000", "caller.xml"),
    );
    succeeded("callee.xml", answering);
    let seen = std::fs::read_to_string(server.data_dir.join("abroad.log")).unwrap();
    assert!(
        seen.contains("INVITE sip:0044207946000@provider.test")
            && seen.contains("From: <sip:+4930123000@provider.test>"),
        "{seen}"
    );

    // Premium numbers are for the sales group only.
    succeeded(
        "caller_refused.xml",
        desk_calls(&server, "090012345", "caller_refused.xml"),
    );
    // Two outbound calls this hour: the third is refused.
    succeeded(
        "caller_refused.xml",
        desk_calls(&server, "0301234567", "caller_refused.xml"),
    );
}

/// A port that takes RTP (PCMU), and what it heard: until a second passes
/// with nothing after the first packet (or ten without any).
fn rtp_sink() -> (u16, std::thread::JoinHandle<Vec<i16>>) {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    let heard = std::thread::spawn(move || {
        let mut samples = Vec::new();
        let mut buf = [0u8; 2048];
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        while let Ok(n) = socket.recv(&mut buf) {
            socket
                .set_read_timeout(Some(Duration::from_secs(1)))
                .unwrap();
            if n > 12 && buf[1] & 0x7f == 0 {
                samples.extend(
                    buf[12..n]
                        .iter()
                        .map(|&o| switchboard_media::g711::ulaw_to_linear(o)),
                );
            }
        }
        samples
    });
    (port, heard)
}

#[test]
fn at_capacity_new_external_calls_are_refused_and_the_running_ones_go_on() {
    let (provider_a, provider_b, carrier) = (free_port(), free_port(), free_port());
    let declaration = format!(
        r#"
[[trunk]]
name = "provider"
host = "127.0.0.1:{provider_a}"
allowed_addresses = ["127.0.0.1:{provider_a}", "127.0.0.1:{provider_b}"]
qualify = false

[[trunk]]
name = "carrier"
host = "127.0.0.1:{carrier}"
qualify = false

[[ivr]]
name = "main"
greeting = "ivr-welcome"
options = {{ "1" = "extension:1001" }}
timeout = 10
repeats = 3

[[did]]
name = "main"
numbers = ["+4930123000..+4930123009"]
destination = "ivr:main"

[[outbound_rule]]
name = "national"
patterns = ["0[1-9]XXXXXXXX"]
trunks = ["carrier"]

[[outbound_rule]]
name = "emergency"
patterns = ["112"]
trunks = ["carrier"]
emergency = true
"#
    );
    let server = pbx(&declaration, &[("SWITCHBOARD_CALLS__CAPACITY", "4")]);

    // Four calls from the phone network to the DID range fill the plan.
    let four = sipp(
        &server,
        provider_a,
        "trunk_caller.xml",
        &[
            "-s",
            "+4930123005",
            "-d",
            "12000",
            "-m",
            "4",
            "-l",
            "4",
            "-r",
            "10",
        ],
    )
    .arg(server.target())
    .spawn()
    .unwrap();
    wait_for("four calls in progress", 10, || {
        let (_, body) = admin_api(&server, "GET", "/api/v1/calls", None);
        body.matches("\"answered\"").count() == 4
    });

    // A fifth from the network hears that all lines are busy (early
    // media), then gets 503; an outbound call gets 486 (the phone's busy
    // tone) with the reason.
    let (rtp, heard) = rtp_sink();
    succeeded(
        "trunk_caller_refused.xml",
        sipp(
            &server,
            provider_b,
            "trunk_caller_refused.xml",
            &["-s", "+4930123000", "-key", "rtp_port", &rtp.to_string()],
        )
        .arg(server.target())
        .spawn()
        .unwrap(),
    );
    let heard = heard.join().unwrap();
    let (_, score) = find(&heard, &prompt("error-busy-all-lines"));
    assert!(
        score > 0.9,
        "the announcement was not heard ({score:.2}, {} samples)",
        heard.len()
    );
    succeeded(
        "caller_busy.xml",
        desk_calls(&server, "0301234567", "caller_busy.xml"),
    );
    // An emergency call is never refused for a limit.
    let answering = sipp_answers(&server, carrier, "callee.xml", "emergency.log");
    succeeded("caller.xml", desk_calls(&server, "112", "caller.xml"));
    succeeded("callee.xml", answering);

    // The four went on to their end.
    succeeded("trunk_caller.xml", four);
    // The CLI reads the plan from the same configuration as the server.
    let mut env = server.cli_env();
    env.push(("SWITCHBOARD_CALLS__CAPACITY".into(), "4".into()));
    let report = cli(&env, &["capacity"]);
    assert!(
        report.contains("capacity plan:  4 external calls at once")
            && report.contains("refused:        2")
            && report.contains("2 calls refused at the limit of 4"),
        "{report}"
    );
    let (status, body) = admin_api(&server, "GET", "/api/v1/capacity", None);
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(v["peak"].as_u64().unwrap() >= 4, "{body}");
    assert_eq!(v["days"][0]["refused_inbound"], 1, "{body}");
    assert_eq!(v["days"][0]["refused_outbound"], 1, "{body}");
    let four = "+4917012345,+4930123005,";
    let csv = cdr_csv_once(&server, &[], |csv| csv.matches(four).count() >= 4);
    assert_eq!(csv.matches(four).count(), 4, "{csv}");
}

/// The console (Chromium) sets up a trunk, a DID and a rule through its
/// forms, sees the trunk's deletion refused while the rule names it, and
/// shows the capacity report; the service layer holds what it made.
#[test]
fn the_console_sets_up_the_phone_network() {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    cli(&env, &["extension", "add", DESK.0, "--secret", DESK.1]);
    let server = Server::start_in(data_dir, &[]);
    let shots =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots/trunks");
    let status = Command::new("node")
        .arg(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/e2e/trunks.mjs"))
        .env("SB_URL", format!("http://127.0.0.1:{}/", server.http_port))
        .env("SB_PASSWORD", server.admin_password())
        .env("SB_SCREENSHOTS", &shots)
        .status()
        .expect("running node (the README's test command installs nodejs)");
    assert!(status.success(), "the phone network end-to-end run failed");
    let (_, body) = admin_api(&server, "GET", "/api/v1/trunks/provider", None);
    assert!(body.contains(r#""host":"127.0.0.1:5080""#), "{body}");
    let (_, body) = admin_api(&server, "GET", "/api/v1/dids/main", None);
    assert!(
        body.contains("+4930123000") && body.contains("extension:1001"),
        "{body}"
    );
    let (_, body) = admin_api(&server, "GET", "/api/v1/outbound-rules/national", None);
    assert!(
        body.contains(r#""prepend":"+49""#) && body.contains("provider"),
        "{body}"
    );
}

/// A CRM on loopback: answers every request with `{"name": "ACME Corp"}`
/// and keeps the paths asked for.
fn crm() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = asked.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line.split(' ').nth(1).unwrap_or_default().to_owned();
            seen.lock().unwrap().push(path);
            let body = r#"{"name": "ACME Corp"}"#;
            let _ = write!(
                reader.get_mut(),
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, asked)
}

/// Extension `who` registers from `port` (SIPp), so calls to it reach
/// that port.
fn register_at(server: &Server, port: u16, who: (&str, &str)) {
    let inf = credentials(server, who);
    let child = sipp(server, port, "register_digest.xml", &["-inf", &inf])
        .arg(server.target())
        .spawn()
        .unwrap();
    succeeded("register_digest.xml", child);
}

#[test]
fn inbound_calls_ring_with_the_crms_name_and_unknown_dids_go_to_the_default() {
    let (trunk, desk, reception) = (free_port(), free_port(), free_port());
    let (crm_port, asked) = crm();
    let declaration = format!(
        r#"
[[trunk]]
name = "provider"
host = "127.0.0.1:{trunk}"
allowed_addresses = ["127.0.0.1:{trunk}"]
qualify = false
caller_name_url = "http://127.0.0.1:{crm_port}/lookup?number={{number}}"
unknown_did = "extension:1002"

[[did]]
name = "main"
numbers = ["+4930123000"]
destination = "extension:1001"
"#
    );
    let server = pbx(&declaration, &[]);
    register_at(&server, desk, DESK);
    register_at(&server, reception, RECEPTION);

    // The DID rings 1001, showing the name the CRM gave for the number.
    let answering = sipp_answers(&server, desk, "callee.xml", "desk.log");
    let calling = sipp(
        &server,
        trunk,
        "trunk_caller.xml",
        &["-s", "+4930123000", "-d", "500"],
    )
    .arg(server.target())
    .spawn()
    .unwrap();
    succeeded("trunk_caller.xml", calling);
    succeeded("callee.xml", answering);
    let seen = std::fs::read_to_string(server.data_dir.join("desk.log")).unwrap();
    assert!(
        seen.contains("From: \"ACME Corp\" <sip:+4917012345@"),
        "the name is not on the call:\n{seen}"
    );
    assert_eq!(
        asked.lock().unwrap().as_slice(),
        ["/lookup?number=%2B4917012345"]
    );

    // A number no DID lists goes to the trunk's default: 1002.
    let answering = sipp_answers(&server, reception, "callee.xml", "reception.log");
    let calling = sipp(
        &server,
        trunk,
        "trunk_caller.xml",
        &["-s", "+4930999999", "-d", "500"],
    )
    .arg(server.target())
    .spawn()
    .unwrap();
    succeeded("trunk_caller.xml", calling);
    succeeded("callee.xml", answering);
    let csv = cdr_csv(&server, &[], 2);
    assert!(
        csv.contains("+4917012345,+4930123000,") && csv.contains("+4917012345,+4930999999,"),
        "{csv}"
    );
}

#[test]
fn a_trunk_over_tcp_registers_and_carries_calls_both_ways() {
    let provider = provider_switchboard();
    let declaration = registering(&provider, "tcp");
    let pbx = pbx(&declaration, &[]);
    // Switchboard opened the connection and registered over it.
    wait_for("the trunk registered over TCP", 10, || {
        let (_, body) = admin_api(
            &provider,
            "GET",
            "/api/v1/registrations?extension=9000",
            None,
        );
        body.contains(r#""transport":"tcp""#)
    });
    let (desk, street) = (free_port(), free_port());
    register_at(&pbx, desk, DESK);
    register_at(&provider, street, PSTN);

    // Out: the desk's call goes to the provider on that connection.
    let answering = sipp_answers(&provider, street, "callee.xml", "street.log");
    succeeded("caller.xml", desk_calls(&pbx, "02001", "caller.xml"));
    succeeded("callee.xml", answering);
    // In: the provider's call to 9000 comes back on it, to the DID.
    let answering = sipp_answers(&pbx, desk, "callee.xml", "desk.log");
    let inf = credentials(&provider, PSTN);
    let calling = sipp(
        &provider,
        free_port(),
        "caller.xml",
        &["-inf", &inf, "-s", "9000", "-d", "1000"],
    )
    .arg(provider.target())
    .spawn()
    .unwrap();
    succeeded("caller.xml", calling);
    succeeded("callee.xml", answering);
    let csv = cdr_csv(&pbx, &[], 2);
    assert!(
        csv.contains("1001,02001,") && csv.contains("2001,9000,"),
        "{csv}"
    );
}
