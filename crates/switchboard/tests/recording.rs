//! Call recording, checked by ear: 1001 records every call (`--recording
//! always`); two baresip phones on G.722 call each other, each playing
//! its own tone; the recording is listed by the CLI and the API, and its
//! WAV (downloaded through the API) is stereo at 16 kHz with the caller's
//! tone on the left and the callee's on the right; the console plays and
//! deletes it with its file. Then on demand: the caller's *1 starts and
//! its next *1 stops the recording; the administrator starts, pauses,
//! resumes and stops recording a call from the CLI, and only what was not
//! paused is kept; a call nobody may record is refused.

mod common;

use common::baresip::{registered, sox_at, Phone};
use common::{admin_api, cli, Server};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use switchboard_media::goertzel::Goertzel;

const SECRETS: [(&str, &str); 2] = [
    ("1001", "Pw-Secret-rec-aaaa"),
    ("1002", "Pw-Secret-rec-bbbb"),
];

fn server(policy: &str) -> Server {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    cli(
        &env,
        &[
            "extension",
            "add",
            SECRETS[0].0,
            "--secret",
            SECRETS[0].1,
            "--recording",
            policy,
        ],
    );
    cli(
        &env,
        &["extension", "add", SECRETS[1].0, "--secret", SECRETS[1].1],
    );
    Server::start_in(data_dir, &[("SWITCHBOARD_SIP__DIGEST", "MD5")])
}

/// 1001 calls 1002 for `seconds`, both on G.722, 440 Hz against 1 kHz;
/// `during` runs while the call is up, with the calling phone.
fn call(server: &Server, seconds: u32, during: impl FnOnce(&Phone)) {
    let dir = server.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    let tone = |hz: u32| {
        let f = dir.join(format!("tone{hz}.wav"));
        sox_at(
            &f,
            16000,
            &["synth", "30", "sine", &hz.to_string(), "vol", "0.5"],
        );
        f
    };
    let (low, high) = (tone(440), tone(1000));
    let codec = "G722/16000/1";
    let caller = Phone::new(server, &dir, "1001", SECRETS[0].1, &low, codec);
    let callee = Phone::new(server, &dir, "1002", SECRETS[1].1, &high, codec);
    let mut answering = callee.run(seconds + 15, None);
    let give_up = Instant::now() + Duration::from_secs(10);
    while !registered(server, "1002") {
        assert!(Instant::now() < give_up, "1002 did not register");
        std::thread::sleep(Duration::from_millis(200));
    }
    let calling = caller.run(
        seconds,
        Some(&format!("/dial sip:1002@{}", server.target())),
    );
    during(&caller);
    let out = calling.wait_with_output().unwrap();
    let _ = answering.kill();
    let _ = answering.wait();
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("Call established"), "not answered:\n{log}");
    assert!(log.contains("Set audio decoder: G722 16000Hz"), "{log}");
}

/// The recordings the API lists, once `n` are there.
fn recordings(server: &Server, n: usize) -> Vec<serde_json::Value> {
    let give_up = Instant::now() + Duration::from_secs(10);
    loop {
        let (code, body) = admin_api(server, "GET", "/api/v1/recordings", None);
        assert_eq!(code, 200, "{body}");
        let list: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        if list.len() >= n || Instant::now() > give_up {
            assert_eq!(list.len(), n, "{body}");
            return list;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Downloads a recording through the API (with the session `admin_api`
/// logged in).
fn download(server: &Server, id: &str) -> PathBuf {
    let file = server.data_dir.join(format!("download-{id}.wav"));
    let ok = Command::new("curl")
        .args(["-sSf", "-b"])
        .arg(server.data_dir.join("admin-cookies"))
        .arg("-o")
        .arg(&file)
        .arg(format!(
            "http://127.0.0.1:{}/api/v1/recordings/{id}/audio",
            server.http_port
        ))
        .status()
        .unwrap();
    assert!(ok.success(), "downloading recording {id}");
    file
}

/// The two channels of a stereo WAV, and its rate.
fn channels(wav: &Path) -> (u32, Vec<f32>, Vec<f32>) {
    let bytes = std::fs::read(wav).unwrap();
    assert_eq!(&bytes[..4], b"RIFF");
    let channels = u16::from_le_bytes([bytes[22], bytes[23]]);
    let rate = u32::from_le_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]);
    assert_eq!(channels, 2, "stereo");
    let samples = common::baresip::samples(wav);
    let left = samples.iter().step_by(2).map(|&s| f32::from(s)).collect();
    let right = samples
        .iter()
        .skip(1)
        .step_by(2)
        .map(|&s| f32::from(s))
        .collect();
    (rate, left, right)
}

fn level(x: &[f32], hz: f32, rate: u32) -> f32 {
    Goertzel::new(hz, rate).amplitude(x)
}

#[test]
fn an_extension_that_records_always_gets_each_party_on_its_own_channel() {
    let server = server("always");
    call(&server, 8, |_| {});
    let list = recordings(&server, 1);
    let r = &list[0];
    assert_eq!(
        (r["caller"].as_str(), r["callee"].as_str()),
        (Some("1001"), Some("1002")),
        "{r}"
    );
    assert_eq!(r["sample_rate"], 16000, "{r}");
    let ms = r["duration_ms"].as_i64().unwrap();
    assert!(
        (4000..=9000).contains(&ms),
        "about the call's length: {ms} ms"
    );
    let id = r["id"].as_str().unwrap().to_owned();
    let listed = cli(&server.cli_env(), &["recordings"]);
    assert!(listed.contains(&id) && listed.contains("16000"), "{listed}");

    let wav = download(&server, &id);
    let (rate, left, right) = channels(&wav);
    assert_eq!(rate, 16000);
    let middle = |x: &[f32]| x[x.len() / 4..x.len() * 3 / 4].to_vec();
    let (left, right) = (middle(&left), middle(&right));
    let (l440, l1k) = (level(&left, 440.0, rate), level(&left, 1000.0, rate));
    let (r1k, r440) = (level(&right, 1000.0, rate), level(&right, 440.0, rate));
    assert!(
        l440 > 2000.0 && l440 > 20.0 * l1k,
        "left is the caller's 440 Hz: {l440} against {l1k}"
    );
    assert!(
        r1k > 2000.0 && r1k > 20.0 * r440,
        "right is the callee's 1 kHz: {r1k} against {r440}"
    );

    // The console (web/e2e/recordings.mjs in Chromium) lists and plays
    // it, deletes it, and sets 1002 to record every call.
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots/recordings");
    let status = Command::new("node")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/e2e/recordings.mjs"))
        .env("SB_URL", format!("http://127.0.0.1:{}/", server.http_port))
        .env("SB_PASSWORD", server.admin_password())
        .env("SB_SCREENSHOTS", &shots)
        .env("SB_CALLER", "1001")
        .env("SB_CALLEE", "1002")
        .status()
        .expect("running node (the README's test command installs nodejs)");
    assert!(status.success(), "the recordings end-to-end run failed");
    recordings(&server, 0);
    let shown = cli(&server.cli_env(), &["extension", "show", "1002"]);
    assert!(shown.contains("recording:          always"), "{shown}");
    let (code, body) = admin_api(&server, "DELETE", &format!("/api/v1/recordings/{id}"), None);
    assert_eq!(code, 404, "already gone: {body}");
    let kept = std::fs::read_dir(server.data_dir.join("recordings"))
        .unwrap()
        .flat_map(|day| std::fs::read_dir(day.unwrap().path()).unwrap())
        .count();
    assert_eq!(kept, 0, "the file went with it");
}

#[test]
fn recording_on_demand_keeps_only_what_was_asked_for() {
    let server = server("on_demand");
    let env = server.cli_env();
    let times = std::sync::Mutex::new(Vec::new());
    // Long enough for the four commands below however slowly they run
    // (a debug build on a busy machine took over a second each).
    call(&server, 24, |_| {
        // The call, once the server lists it answered.
        let give_up = Instant::now() + Duration::from_secs(8);
        let id = loop {
            let (_, body) = admin_api(&server, "GET", "/api/v1/calls", None);
            let calls: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap_or_default();
            if let Some(c) = calls.iter().find(|c| c["state"] == "answered") {
                break c["id"].as_str().unwrap().to_owned();
            }
            assert!(Instant::now() < give_up, "no answered call: {body}");
            std::thread::sleep(Duration::from_millis(200));
        };
        // Two seconds recorded, two paused, two more, then stopped. Each
        // command takes its own while to run: when each began and ended
        // bounds what may be kept.
        std::thread::sleep(Duration::from_secs(1));
        for (action, then) in [("start", 2), ("pause", 2), ("resume", 2), ("stop", 0)] {
            let began = Instant::now();
            cli(&env, &["calls", "record", &id, action]);
            times.lock().unwrap().push((began, Instant::now()));
            std::thread::sleep(Duration::from_secs(then));
        }
        // Stopped twice: nothing to stop, and not an error for the caller.
        let (code, _) = admin_api(
            &server,
            "POST",
            &format!("/api/v1/calls/{id}/recording"),
            Some(r#"{"action":"stop"}"#),
        );
        assert_eq!(code, 202);
        let (code, body) = admin_api(
            &server,
            "POST",
            &format!("/api/v1/calls/{id}/recording"),
            Some(r#"{"action":"rewind"}"#),
        );
        assert_eq!(code, 422, "{body}");
    });
    let list = recordings(&server, 1);
    let ms = list[0]["duration_ms"].as_i64().unwrap() as u128;
    let t = times.into_inner().unwrap();
    let (start, pause, resume, stop) = (t[0], t[1], t[2], t[3]);
    let at_least = pause.0.duration_since(start.1) + stop.0.duration_since(resume.1);
    let at_most = pause.1.duration_since(start.0) + stop.1.duration_since(resume.0);
    // Between the bounds, so neither the pause nor the time before the
    // start or after the stop.
    let slack = 300;
    assert!(
        at_least.as_millis().saturating_sub(slack) <= ms && ms <= at_most.as_millis() + slack,
        "recorded {ms} ms; the recording ran between {at_least:?} and {at_most:?}"
    );
}

#[test]
fn a_call_nobody_may_record_is_not_recorded_on_request() {
    let server = server("never");
    call(&server, 6, |_| {
        let give_up = Instant::now() + Duration::from_secs(5);
        let id = loop {
            let (_, body) = admin_api(&server, "GET", "/api/v1/calls", None);
            let calls: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap_or_default();
            if let Some(c) = calls.first() {
                break c["id"].as_str().unwrap().to_owned();
            }
            assert!(Instant::now() < give_up, "no call: {body}");
            std::thread::sleep(Duration::from_millis(200));
        };
        let (code, body) = admin_api(
            &server,
            "POST",
            &format!("/api/v1/calls/{id}/recording"),
            Some(r#"{"action":"start"}"#),
        );
        assert_eq!(code, 422, "{body}");
        assert!(body.contains("recording = never"), "{body}");
    });
    std::thread::sleep(Duration::from_secs(1));
    recordings(&server, 0);
}

#[test]
fn a_party_that_records_on_demand_starts_and_stops_with_star_1() {
    let server = server("on_demand");
    call(&server, 12, |caller| {
        // Once the call is up, *1 starts recording, *1 three seconds
        // later stops it (baresip sends the keys as RFC 4733 events).
        std::thread::sleep(Duration::from_secs(3));
        for key in ['*', '1'] {
            caller.press(key);
            std::thread::sleep(Duration::from_millis(400));
        }
        std::thread::sleep(Duration::from_secs(3));
        for key in ['*', '1'] {
            caller.press(key);
            std::thread::sleep(Duration::from_millis(400));
        }
    });
    let list = recordings(&server, 1);
    let ms = list[0]["duration_ms"].as_i64().unwrap();
    assert!(
        (2500..=4500).contains(&ms),
        "from one *1 to the next: {ms} ms"
    );
}
