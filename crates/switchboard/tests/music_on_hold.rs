//! Music on hold, checked by ear: a SIPp phone (1001) calls another
//! (1002, whose audio goes to a socket of the test's), puts it on hold
//! for four seconds and takes it off. What reached 1002 is the music that
//! ships (cross-correlated with the file), from the start of the hold to
//! its end and no longer. Then the administrator sets music
//! of their own (`switchboard music set`, a 700 Hz tone made by sox) and
//! the next call on hold hears that; `music reset` brings the shipped
//! track back; a file that is not audio is refused, naming the field.

mod common;

use common::audio::find;
use common::baresip::{power, sox};
use common::{admin_api, cli, free_port, Server};
use std::net::UdpSocket;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use switchboard_media::g711::Law;

const CALLER: (&str, &str) = ("1001", "Pw-Secret-moh-aaaa");
const CALLEE: (&str, &str) = ("1002", "Pw-Secret-moh-bbbb");

fn server() -> Server {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    for (number, secret) in [CALLER, CALLEE] {
        cli(&env, &["extension", "add", number, "--secret", secret]);
    }
    Server::start_in(data_dir, &[("SWITCHBOARD_SIP__DIGEST", "MD5")])
}

/// A SIPp phone, as 1001 or 1002, running `scenario` on `port`.
fn sipp(
    server: &Server,
    scenario: &str,
    port: u16,
    fields: &str,
    extra: &[&str],
) -> std::process::Child {
    let file = server.data_dir.join(format!("{scenario}.csv"));
    std::fs::write(&file, format!("SEQUENTIAL\n{fields}\n")).unwrap();
    Command::new("sipp")
        .current_dir(&server.data_dir)
        .arg("-sf")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/sipp")
                .join(scenario),
        )
        .arg("-inf")
        .arg(&file)
        .args(["-i", "127.0.0.1", "-p", &port.to_string()])
        .args(["-mp", &free_port().to_string(), "-m", "1", "-nostdin"])
        .args(["-timeout", "30s", "-timeout_error"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sipp (the README's test command installs sip-tester)")
}

fn succeeded(name: &str, child: std::process::Child) {
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "sipp {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// 1001 calls 1002, holds it four seconds, and takes it off hold (SIPp on
/// both ends); returns what reached 1002's audio socket, in order, and
/// how many packets came after the hold ended.
fn held_call(server: &Server) -> Vec<i16> {
    let media = UdpSocket::bind("127.0.0.1:0").unwrap();
    media
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let rtp = media.local_addr().unwrap().port();
    let port = free_port();
    let register = sipp(
        server,
        "register_digest.xml",
        port,
        &format!("{};{};600", CALLEE.0, CALLEE.1),
        &[server.target().as_str()],
    );
    succeeded("register_digest.xml", register);
    let answering = sipp(server, "callee_holdable.xml", port, &rtp.to_string(), &[]);
    std::thread::sleep(Duration::from_millis(300));
    let caller = format!("{};{}", CALLER.0, CALLER.1);
    let calling = sipp(
        server,
        "caller_holds_a_while.xml",
        free_port(),
        &caller,
        &["-s", CALLEE.0, server.target().as_str()],
    );
    let mut packets = Vec::new();
    let mut buf = [0u8; 2048];
    let give_up = Instant::now() + Duration::from_secs(20);
    let mut calling = Some(calling);
    while Instant::now() < give_up {
        if let Ok((n, _)) = media.recv_from(&mut buf) {
            let p = switchboard_media::rtp::Packet::parse(&buf[..n]).unwrap();
            assert_eq!(p.payload_type, 0, "PCMU, as 1002 answered");
            packets.push((p.sequence, p.payload.to_vec()));
        }
        if let Some(c) = calling.as_mut() {
            if c.try_wait().unwrap().is_some() {
                succeeded("caller_holds_a_while.xml", calling.take().unwrap());
                break;
            }
        }
    }
    succeeded("callee_holdable.xml", answering);
    assert!(!packets.is_empty(), "nothing reached 1002");
    let first = packets[0].0;
    packets.sort_by_key(|(seq, _)| seq.wrapping_sub(first));
    let mut heard = Vec::new();
    for (_, payload) in &packets {
        Law::Ulaw.decode(payload, &mut heard);
    }
    heard
}

/// A WAV file as a PCMU phone hears it.
fn as_heard(wav: &Path) -> Vec<i16> {
    let samples =
        switchboard_media::wav::read_mono(std::fs::File::open(wav).unwrap(), 8000).unwrap();
    let (mut octets, mut back) = (Vec::new(), Vec::new());
    Law::Ulaw.encode(&samples, &mut octets);
    Law::Ulaw.decode(&octets, &mut back);
    back
}

fn rms(x: &[i16]) -> f64 {
    (x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

#[test]
fn a_phone_on_hold_hears_the_music_and_the_administrators_own() {
    let server = server();
    let heard = held_call(&server);
    // Only the music reached 1002 (the caller sends no audio): the track
    // that ships, from its start, for the four seconds of the hold, and
    // no more once it ended.
    let shipped = as_heard(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../music/default.wav"));
    let (at, score) = find(&heard, &shipped[..16000]);
    assert!(
        score > 0.9,
        "the music on hold is not in what 1002 heard (best {score:.3})"
    );
    assert!(at < 800, "from the start of the hold: {at}");
    let seconds = heard.len() as f64 / 8000.0;
    assert!(
        (3.0..=5.0).contains(&seconds),
        "music for the four seconds of the hold: {seconds:.2} s"
    );
    assert!(rms(&heard) > 1000.0, "music, not silence: {}", rms(&heard));

    // Music of the administrator's own.
    let own = server.data_dir.join("own.wav");
    sox(&own, &["synth", "10", "sine", "700", "vol", "0.5"]);
    let env = server.cli_env();
    cli(&env, &["music", "set", own.to_str().unwrap()]);
    let heard = held_call(&server);
    assert!(
        heard.len() >= 8000 * 3,
        "three seconds of music at least: {}",
        heard.len()
    );
    let (tone, shipped_note) = (power(&heard, 700.0), power(&heard, 261.6));
    assert!(
        tone > 1e3 * shipped_note.max(1.0),
        "700 Hz, the administrator's: {tone:e} against {shipped_note:e}"
    );

    // Not audio: refused by field, through the API too.
    let junk = server.data_dir.join("junk.wav");
    std::fs::write(&junk, b"RIFF not really").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["music", "set"])
        .arg(&junk)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("file:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    cli(&env, &["music", "reset"]);
    let (code, body) = admin_api(&server, "DELETE", "/api/v1/music-on-hold", None);
    assert_eq!(code, 204, "{body}");
}
