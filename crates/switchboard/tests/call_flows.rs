//! Call flows driven by SIPp: a SIPp phone registers as 1002 and plays the
//! callee (answering, busy, ringing until cancelled, hanging up, taking a
//! hold by re-INVITE and UPDATE, glare); another SIPp phone calls it as 1001, with digest
//! authentication. Each flow must complete on both phones, and leave the
//! record it should. Then the live-call list and its hang-up action (CLI,
//! API, and the console in Chromium), a shutdown by SIGTERM, and the store
//! after kill -9.

mod common;

use common::sipp::{credentials, sipp, succeeded};
use common::{admin_api, cli, free_port, relayed_packets, Server};
use std::net::UdpSocket;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const CALLER: (&str, &str) = ("1001", "Pw-Secret-flow-aaaa");
const CALLEE: (&str, &str) = ("1002", "Pw-Secret-flow-bbbb");

/// A server with 1001 and 1002, MD5 digest (SIPp's), and `env`. Their
/// calls are not forwarded (to voicemail, by default): these flows are
/// about what the caller hears when a call fails.
fn server(env: &[(&str, &str)]) -> Server {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let cli_env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    for (number, secret) in [CALLER, CALLEE] {
        cli(
            &cli_env,
            &[
                "extension",
                "add",
                number,
                "--secret",
                secret,
                "--forward-busy",
                "none",
                "--forward-no-answer",
                "none",
                "--forward-unregistered",
                "none",
            ],
        );
    }
    let mut all = vec![("SWITCHBOARD_SIP__DIGEST", "MD5")];
    all.extend_from_slice(env);
    Server::start_in(data_dir, &all)
}

/// 1002 registers from `port` (SIPp), so calls to it reach that port.
fn register_callee(server: &Server, port: u16) {
    let inf = credentials(server, CALLEE);
    let child = sipp(server, port, "register_digest.xml", &["-inf", &inf])
        .arg(server.target())
        .spawn()
        .expect("sipp (the README's test command installs sip-tester)");
    succeeded("register_digest.xml", child);
}

/// 1001 calls 1002 with `caller` while `callee` plays 1002 on `port`;
/// both must complete.
fn call(server: &Server, port: u16, caller: &str, callee: &str) {
    let answering = sipp(server, port, callee, &[]).spawn().unwrap();
    // SIPp's UAS must be listening before the call comes.
    std::thread::sleep(Duration::from_millis(300));
    let inf = credentials(server, CALLER);
    let calling = sipp(
        server,
        free_port(),
        caller,
        &["-inf", &inf, "-s", "1002", "-d", "1000"],
    )
    .arg(server.target())
    .spawn()
    .unwrap();
    succeeded(caller, calling);
    succeeded(callee, answering);
}

/// The call records, oldest first, as `switchboard cdr --csv` prints
/// them, once there are `count`.
fn records(server: &Server, count: usize) -> Vec<Vec<String>> {
    let give_up = Instant::now() + Duration::from_secs(5);
    loop {
        let csv = cli(&server.cli_env(), &["cdr", "--csv"]);
        let mut rows: Vec<Vec<String>> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect();
        if rows.len() >= count || Instant::now() > give_up {
            assert_eq!(rows.len(), count, "{csv}");
            rows.reverse();
            return rows;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// (disposition, hangup cause, hangup side) of a CSV record.
fn outcome(row: &[String]) -> (&str, &str, &str) {
    (&row[8], &row[9], &row[10])
}

#[test]
fn sipp_call_flows_complete_and_leave_their_records() {
    let mut server = server(&[("SWITCHBOARD_CALLS__RING_TIME", "2")]);
    let port = free_port();
    register_callee(&server, port);
    call(&server, port, "caller.xml", "callee.xml");
    call(&server, port, "caller_busy.xml", "callee_busy.xml");
    call(&server, port, "caller_cancel.xml", "callee_rings.xml");
    call(&server, port, "caller_no_answer.xml", "callee_rings.xml");
    call(&server, port, "caller_waits.xml", "callee_hangs_up.xml");
    call(&server, port, "caller_hold.xml", "callee_hold.xml");
    call(&server, port, "caller_glare.xml", "callee_slow_hold.xml");

    let rows = records(&server, 7);
    let outcomes: Vec<_> = rows.iter().map(|r| outcome(r)).collect();
    assert_eq!(
        outcomes,
        [
            ("answered", "BYE", "caller"),
            ("busy", "486", "callee"),
            ("cancelled", "CANCEL", "caller"),
            ("no answer", "no answer", "system"),
            ("answered", "BYE", "callee"),
            ("answered", "BYE", "caller"),
            ("answered", "BYE", "caller"),
        ]
    );
    for answered in [&rows[0], &rows[4], &rows[5]] {
        assert_eq!(answered[11], "PCMU", "{answered:?}");
        assert!(!answered[4].is_empty(), "an answer time: {answered:?}");
    }

    // kill -9: the store is intact and every record is still there.
    server.restart();
    assert_eq!(records(&server, 7), rows);
    let db = server.data_dir.join("switchboard.db");
    let check = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "ok");
}

/// The calls in progress, as `switchboard calls` lists them, once one is
/// answered: (id, state).
fn answered_call(server: &Server) -> String {
    let give_up = Instant::now() + Duration::from_secs(5);
    loop {
        let list = cli(&server.cli_env(), &["calls"]);
        if let Some(line) = list.lines().find(|l| l.contains("answered")) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(&fields[1..4], ["1001", "1002", "answered"], "{list}");
            return fields[0].to_owned();
        }
        assert!(Instant::now() < give_up, "no answered call listed:\n{list}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Starts a call that lasts until Switchboard ends it.
fn lasting_call(server: &Server, port: u16) -> (Child, Child) {
    let answering = sipp(server, port, "callee.xml", &[]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let inf = credentials(server, CALLER);
    let calling = sipp(
        server,
        free_port(),
        "caller_waits.xml",
        &["-inf", &inf, "-s", "1002"],
    )
    .arg(server.target())
    .spawn()
    .unwrap();
    (calling, answering)
}

#[test]
fn a_live_call_is_listed_limited_and_hung_up_by_the_administrator() {
    let server = server(&[]);
    let port = free_port();
    register_callee(&server, port);
    let (calling, answering) = lasting_call(&server, port);
    let id = answered_call(&server);
    let (code, body) = admin_api(&server, "GET", "/api/v1/calls", None);
    assert_eq!(code, 200, "{body}");
    assert!(body.contains(&format!("\"id\":\"{id}\"")), "{body}");
    let (code, body) = admin_api(&server, "POST", "/api/v1/calls/nosuchcall/hangup", None);
    assert_eq!(code, 404, "{body}");
    assert!(
        body.contains("problem") || body.contains("not found"),
        "{body}"
    );

    // 1002 may be in one call at a time now: a second call finds it busy
    // without its phone ringing.
    let (code, body) = admin_api(
        &server,
        "PATCH",
        "/api/v1/extensions/1002",
        Some(r#"{"call_limit":1}"#),
    );
    assert_eq!(code, 200, "{body}");
    std::thread::sleep(Duration::from_millis(500));
    let inf = credentials(&server, CALLER);
    let busy = sipp(
        &server,
        free_port(),
        "caller_busy.xml",
        &["-inf", &inf, "-s", "1002"],
    )
    .arg(server.target())
    .spawn()
    .unwrap();
    succeeded("caller_busy.xml", busy);

    cli(&server.cli_env(), &["calls", "hangup", &id]);
    // Both phones got a BYE and answered it.
    succeeded("caller_waits.xml", calling);
    succeeded("callee.xml", answering);
    let rows = records(&server, 2);
    assert_eq!(outcome(&rows[0]), ("answered", "hung up by cli", "system"));
    assert_eq!(outcome(&rows[1]), ("busy", "486", "system"));
    assert_eq!(
        cli(&server.cli_env(), &["calls"]).trim(),
        "no calls in progress"
    );
}

/// The tones SIPp's RTP streams play, in `dir`: 440 Hz for callers
/// (caller.ul), 1 kHz for callees (callee.ul), raw PCMU.
fn tones(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, hz) in [("caller.ul", "440"), ("callee.ul", "1000")] {
        let made = Command::new("sox")
            .args(["-n", "-r", "8000", "-c", "1", "-e", "u-law", "-t", "ul"])
            .arg(dir.join(name))
            .args(["synth", "1", "sine", hz])
            .status()
            .expect("sox (the README's test command installs it)");
        assert!(made.success(), "sox failed to make {name}");
    }
}

/// A late offer: the caller's INVITE has no SDP, Switchboard offers in its
/// 200 and takes the answer from the ACK, so the callee's audio reaches
/// the address in that answer though the caller sends none. An ACK
/// without an answer ends the call.
#[test]
fn a_late_offer_is_answered_in_the_ack() {
    let server = server(&[]);
    let port = free_port();
    register_callee(&server, port);
    tones(&server.data_dir.join("sipp"));
    let before = relayed_packets(&server);
    call(&server, port, "caller_late_offer.xml", "callee_rtp.xml");
    let relayed = relayed_packets(&server) - before;
    assert!(
        relayed >= 25,
        "only {relayed} of the callee's packets reached the caller"
    );
    call(
        &server,
        port,
        "caller_late_offer_no_answer.xml",
        "callee.xml",
    );
    let rows = records(&server, 2);
    assert_eq!(outcome(&rows[0]), ("answered", "BYE", "caller"));
    assert_eq!(rows[0][11], "PCMU", "{:?}", rows[0]);
    assert_eq!(
        outcome(&rows[1]),
        ("answered", "no SDP answer in the ACK", "system")
    );
}

/// 200 calls at once, each with RTP both ways (SIPp plays a 440 Hz tone on
/// the caller's side and 1 kHz on the callee's, from a port per call), from
/// 200 extensions to four answered by one SIPp phone: all complete, all
/// are answered in PCMU, and the relay carries their packets.
#[test]
fn two_hundred_calls_at_once_carry_their_media() {
    const CALLS: u64 = 200;
    const TALK_MS: u64 = 4000;
    const CALLEES: [&str; 4] = ["1002", "1003", "1004", "1005"];
    let data_dir = Server::fresh_data_dir();
    let sipp_dir = data_dir.join("sipp");
    std::fs::create_dir_all(&sipp_dir).unwrap();
    const SECRET: &str = "Pw-Secret-many-phones";
    let mut declared = String::new();
    let (mut callers, mut callees) = (String::from("SEQUENTIAL\n"), String::from("SEQUENTIAL\n"));
    for number in CALLEES {
        declared += &format!(
            "[[extension]]\nnumber = \"{number}\"\ndisplay_name = \"Desk {number}\"\nsecret = \"{}\"\ncall_limit = 60\n\n",
            SECRET
        );
        callees += &format!("{number};{};600\n", SECRET);
    }
    for n in 0..CALLS {
        let number = (2001 + n).to_string();
        declared += &format!(
            "[[extension]]\nnumber = \"{number}\"\ndisplay_name = \"Phone {number}\"\nsecret = \"{}\"\n\n",
            SECRET
        );
        callers += &format!("{number};{};{}\n", SECRET, CALLEES[n as usize % 4]);
    }
    let file = |name: &str, text: &str| {
        let path = sipp_dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let cli_env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    cli(&cli_env, &["apply", &file("phones.toml", &declared)]);
    tones(&sipp_dir);
    // One address sends every request here, far over the per-address
    // rate limit meant for the Internet.
    let server = Server::start_in(
        data_dir,
        &[
            ("SWITCHBOARD_SIP__DIGEST", "MD5"),
            ("SWITCHBOARD_SECURITY__RATE_LIMIT", "0"),
        ],
    );
    let (callers, callees) = (file("callers.csv", &callers), file("callees.csv", &callees));

    let port = free_port();
    let registering = sipp(&server, port, "register_digest.xml", &["-inf", &callees])
        .args(["-m", "4"])
        .arg(server.target())
        .spawn()
        .unwrap();
    succeeded("register_digest.xml", registering);
    let before = relayed_packets(&server);
    let calls = CALLS.to_string();
    let answering = sipp(&server, port, "callee_rtp.xml", &["-m", &calls])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let talk = TALK_MS.to_string();
    let calling = sipp(
        &server,
        free_port(),
        "caller_rtp.xml",
        &["-inf", &callers, "-d", &talk],
    )
    .args(["-m", &calls, "-l", &calls, "-r", "100"])
    .arg(server.target())
    .spawn()
    .unwrap();
    succeeded("caller_rtp.xml", calling);
    succeeded("callee_rtp.xml", answering);

    let rows = records(&server, CALLS as usize);
    for row in &rows {
        assert_eq!(outcome(row), ("answered", "BYE", "caller"), "{row:?}");
        assert_eq!(row[11], "PCMU", "{row:?}");
    }
    // Each call talked TALK_MS, 50 packets a second each way; allow a
    // quarter for the time SIPp takes to start and stop its streams.
    let relayed = relayed_packets(&server) - before;
    let least = CALLS * 2 * 50 * TALK_MS / 1000 * 3 / 4;
    println!("{CALLS} calls: the relay carried {relayed} packets");
    assert!(
        relayed >= least,
        "the relay carried {relayed} packets for {CALLS} calls, expected at least {least}"
    );
}

/// The console's live calls page (web/e2e/calls.mjs in Chromium) lists
/// the call and hangs it up; both phones get their BYE.
#[test]
fn the_console_lists_a_live_call_and_hangs_it_up() {
    let server = server(&[]);
    let port = free_port();
    register_callee(&server, port);
    let (calling, answering) = lasting_call(&server, port);
    answered_call(&server);
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots/calls");
    let status = Command::new("node")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/e2e/calls.mjs"))
        .env("SB_URL", format!("http://127.0.0.1:{}/", server.http_port))
        .env("SB_PASSWORD", server.admin_password())
        .env("SB_SCREENSHOTS", &shots)
        .env("SB_CALLER", CALLER.0)
        .env("SB_CALLEE", CALLEE.0)
        .status()
        .expect("running node (the README's test command installs nodejs)");
    assert!(status.success(), "the live calls end-to-end run failed");
    succeeded("caller_waits.xml", calling);
    succeeded("callee.xml", answering);
    let rows = records(&server, 1);
    assert_eq!(
        outcome(&rows[0]),
        ("answered", "hung up by admin", "system")
    );
}

/// A call whose phones send no media is ended by Switchboard once
/// `calls.media_timeout` passes: both phones get a BYE.
#[test]
fn a_call_without_media_ends_after_the_media_timeout() {
    let server = server(&[("SWITCHBOARD_CALLS__MEDIA_TIMEOUT", "2")]);
    let port = free_port();
    register_callee(&server, port);
    let (calling, answering) = lasting_call(&server, port);
    succeeded("caller_waits.xml", calling);
    succeeded("callee.xml", answering);
    let rows = records(&server, 1);
    assert_eq!(outcome(&rows[0]), ("answered", "media timeout", "system"));
    let billable: i64 = rows[0][7].parse().unwrap();
    assert!((2..=5).contains(&billable), "{:?}", rows[0]);
}

/// A bare INVITE; Switchboard answers it before asking who it is from.
fn invite(local: std::net::SocketAddr) -> String {
    format!(
        "INVITE sip:1002@127.0.0.1 SIP/2.0\r\n\
         Via: SIP/2.0/UDP {local};branch=z9hG4bK-late\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:1001@127.0.0.1>;tag=late\r\n\
         To: <sip:1002@127.0.0.1>\r\n\
         Call-ID: late-call\r\n\
         CSeq: 1 INVITE\r\n\
         Contact: <sip:1001@{local}>\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

#[test]
fn sigterm_refuses_new_calls_and_ends_the_others_after_the_grace() {
    let mut server = server(&[("SWITCHBOARD_CALLS__SHUTDOWN_GRACE", "3")]);
    let port = free_port();
    register_callee(&server, port);
    let (calling, answering) = lasting_call(&server, port);
    answered_call(&server);

    server.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    socket
        .send_to(
            invite(socket.local_addr().unwrap()).as_bytes(),
            server.addr(),
        )
        .unwrap();
    let mut buf = [0u8; 4096];
    let answer = loop {
        let (n, _) = socket.recv_from(&mut buf).expect("an answer to a new call");
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        if !text.starts_with("SIP/2.0 100") {
            break text;
        }
    };
    assert!(answer.starts_with("SIP/2.0 503"), "{answer}");
    assert!(answer.contains("\r\nRetry-After: "), "{answer}");

    // The call in progress goes on through the grace, then both phones
    // get a BYE; the server exits cleanly and the record is kept.
    succeeded("caller_waits.xml", calling);
    succeeded("callee.xml", answering);
    assert!(server.wait().success(), "switchboard did not exit cleanly");
    let rows = records(&server, 1);
    assert_eq!(outcome(&rows[0]), ("answered", "server stopping", "system"));
    let billable: i64 = rows[0][7].parse().unwrap();
    assert!(
        billable >= 2,
        "the call went on through the grace: {rows:?}"
    );
}

/// A key pressed by SIP INFO during a call reaches the other phone as an
/// INFO in its own dialog; an INFO that is no key gets 415.
#[test]
fn keys_by_sip_info_pass_from_phone_to_phone() {
    let server = server(&[]);
    let port = free_port();
    register_callee(&server, port);
    call(&server, port, "caller_info.xml", "callee_gets_info.xml");
    let rows = records(&server, 1);
    assert_eq!(outcome(&rows[0]), ("answered", "BYE", "caller"));
}
