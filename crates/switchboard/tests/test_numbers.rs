//! The test numbers, checked by ear: `*45` reads back the keys pressed,
//! whichever way a phone sends them (baresip's RFC 4733 events, tones in
//! baresip's audio, SIPp's SIP INFO); `*43` sends the caller's own audio
//! back; `*44` plays the test prompt and hangs up. What each phone heard
//! is compared with the shipped prompt files themselves.

mod common;

use common::audio::{find, prompt, prompt_at};
use common::baresip::{power, sox, sox_at, Phone};
use common::{cdr_csv, cli, Server};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const PHONE: (&str, &str) = ("1001", "Pw-Secret-test-aaaa");

fn server() -> Server {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    cli(&env, &["extension", "add", PHONE.0, "--secret", PHONE.1]);
    // baresip 1.0 gives up on any challenge but MD5.
    Server::start_in(data_dir, &[("SWITCHBOARD_SIP__DIGEST", "MD5")])
}

/// Asserts the recording says the prompts `names`, in this order, each
/// after the end of the one before (8 kHz, as a PCMU phone hears them).
fn says_in_order(heard: &[i16], names: &[&str]) {
    let prompts: Vec<_> = names.iter().map(|n| (*n, prompt(n))).collect();
    says_these_in_order(heard, &prompts, 8000);
}

fn says_these_in_order(heard: &[i16], prompts: &[(&str, Vec<i16>)], rate: u32) {
    let mut from = 0;
    for (name, p) in prompts {
        assert!(
            heard.len() >= from + p.len() * 9 / 10,
            "the recording ends before {name}"
        );
        let (at, score) = find(&heard[from..], p);
        assert!(
            score > 0.9,
            "{name} is not in what the phone heard after {:.2} s (best match {score:.3} at {:.2} s)",
            from as f64 / f64::from(rate),
            (from + at) as f64 / f64::from(rate)
        );
        from += at + p.len();
    }
}

/// Runs `phone` dialing `number` for `seconds`, pressing `keys` a second
/// apart once the call is up; returns what baresip printed.
fn dial(server: &Server, phone: &Phone, number: &str, seconds: u32, keys: &str) -> String {
    let mut child = phone.run(
        seconds,
        Some(&format!("/dial sip:{number}@{}", server.target())),
    );
    let stdout = child.stdout.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut all = String::new();
        let mut reader = std::io::BufReader::new(stdout);
        let mut line = String::new();
        while std::io::BufRead::read_line(&mut reader, &mut line).unwrap_or(0) > 0 {
            all.push_str(&line);
            line.clear();
        }
        all
    });
    if !keys.is_empty() {
        // baresip logs the call established; give it a moment and press.
        std::thread::sleep(Duration::from_secs(2));
        for k in keys.chars() {
            phone.press(k);
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    let status = child.wait().unwrap();
    let log = log.join().unwrap();
    assert!(status.success(), "baresip failed:\n{log}");
    assert!(
        log.contains("Call established"),
        "the call was not answered:\n{log}"
    );
    log
}

fn phones_dir(server: &Server) -> PathBuf {
    let dir = server.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn keys_sent_as_rtp_events_are_read_back() {
    let server = server();
    let dir = phones_dir(&server);
    let silence = dir.join("silence.wav");
    sox(&silence, &["trim", "0", "12"]);
    let phone = Phone::new(&server, &dir, PHONE.0, PHONE.1, &silence, "PCMU");
    let log = dial(&server, &phone, "*45", 11, "123");
    assert_eq!(log.matches("send DTMF digit").count(), 3, "{log}");
    says_in_order(
        &phone.heard(),
        &["test-digits", "digit-1", "digit-2", "digit-3"],
    );
}

#[test]
fn keys_are_read_back_to_a_wideband_phone_at_16_khz() {
    let server = server();
    let dir = phones_dir(&server);
    let silence = dir.join("silence.wav");
    sox_at(&silence, 16000, &["trim", "0", "12"]);
    let phone = Phone::new(&server, &dir, PHONE.0, PHONE.1, &silence, "G722/16000/1");
    let log = dial(&server, &phone, "*45", 11, "123");
    assert!(log.contains("Set audio decoder: G722 16000Hz"), "{log}");
    // The 16 kHz recording, compared at 8 kHz, where comparing costs a
    // quarter (the channel's own tests show 5 kHz passing through G.722).
    let recording = std::fs::File::open(phone.recording()).unwrap();
    let heard = switchboard_media::wav::read_mono(recording, 8000).unwrap();
    let prompts: Vec<_> = ["test-digits", "digit-1", "digit-2", "digit-3"]
        .into_iter()
        .map(|n| (n, prompt_at(n, 8000)))
        .collect();
    says_these_in_order(&heard, &prompts, 8000);
}

#[test]
fn keys_sent_as_tones_are_read_back() {
    let server = server();
    let dir = phones_dir(&server);
    // 4 s of silence, then the keys 1, 2, 3 as a keypad sends them
    // (150 ms each, a second apart), made by sox.
    let part = |name: &str, effects: &[&str]| {
        let f = dir.join(name);
        sox(&f, effects);
        f
    };
    let lead = part("lead.wav", &["trim", "0", "4"]);
    let gap = part("gap.wav", &["trim", "0", "0.85"]);
    let tail = part("tail.wav", &["trim", "0", "8"]);
    let key = |k: &str, row: &str, column: &str| {
        let (a, b) = (
            part(
                &format!("{k}a.wav"),
                &["synth", "0.15", "sine", row, "vol", "0.3"],
            ),
            part(
                &format!("{k}b.wav"),
                &["synth", "0.15", "sine", column, "vol", "0.3"],
            ),
        );
        let f = dir.join(format!("key{k}.wav"));
        let ok = Command::new("sox")
            .arg("-m")
            .arg(&a)
            .arg(&b)
            .arg(&f)
            .status()
            .unwrap();
        assert!(ok.success());
        f
    };
    let keys = [
        key("1", "697", "1209"),
        key("2", "697", "1336"),
        key("3", "697", "1477"),
    ];
    let source = dir.join("keys.wav");
    let ok = Command::new("sox")
        .arg(&lead)
        .arg(&keys[0])
        .arg(&gap)
        .arg(&keys[1])
        .arg(&gap)
        .arg(&keys[2])
        .arg(&tail)
        .arg(&source)
        .status()
        .unwrap();
    assert!(ok.success());
    let phone = Phone::new(&server, &dir, PHONE.0, PHONE.1, &source, "PCMU");
    let log = dial(&server, &phone, "*45", 11, "");
    assert!(!log.contains("send DTMF digit"), "no events: {log}");
    says_in_order(
        &phone.heard(),
        &["test-digits", "digit-1", "digit-2", "digit-3"],
    );
}

#[test]
fn keys_sent_by_sip_info_are_read_back() {
    let server = server();
    let heard = common::sipp_keys_by_info(&server, PHONE.0, PHONE.1, "*45");
    assert!(heard.len() > 8000 * 8, "{} samples came", heard.len());
    says_in_order(&heard, &["test-digits", "digit-1", "digit-2", "digit-3"]);
}

#[test]
fn the_echo_test_sends_back_what_the_caller_says() {
    let server = server();
    let dir = phones_dir(&server);
    let tone = common::baresip::tone(&dir, 440);
    let phone = Phone::new(&server, &dir, PHONE.0, PHONE.1, &tone, "PCMU");
    dial(&server, &phone, "*43", 9, "");
    let heard = phone.heard();
    // The explanation, then a beep (1 kHz, a quarter second), then the
    // caller's own 440 Hz tone.
    let explanation = prompt("test-echo");
    let (at, score) = find(&heard, &explanation);
    assert!(
        score > 0.9,
        "the explanation is not there (best {score:.3})"
    );
    let end = at + explanation.len();
    let beep = &heard[end..end + 2000];
    let (b1k, b440) = (power(beep, 1000.0), power(beep, 440.0));
    assert!(
        b1k > 1e3 * b440.max(1.0),
        "a beep after the explanation: {b1k:e} against {b440:e}"
    );
    let echoed = &heard[end + 4000..end + 20000];
    let (tone, other) = (power(echoed, 440.0), power(echoed, 1000.0));
    assert!(
        tone > 1e4 * other.max(1.0),
        "440 Hz should come back: {tone:e} against {other:e}"
    );
}

#[test]
fn the_prompt_test_plays_its_prompt_and_hangs_up() {
    let server = server();
    let dir = phones_dir(&server);
    let silence = dir.join("silence.wav");
    sox(&silence, &["trim", "0", "14"]);
    let phone = Phone::new(&server, &dir, PHONE.0, PHONE.1, &silence, "PCMA");
    let log = dial(&server, &phone, "*44", 14, "");
    says_in_order(&phone.heard(), &["test-prompt"]);
    assert!(log.contains("terminated"), "{log}");
    // The record names who hung up.
    let csv = cdr_csv(&server, &[], 1);
    let fields: Vec<&str> = csv.lines().nth(1).expect("a record").split(',').collect();
    assert_eq!(&fields[1..3], ["1001", "*44"], "{csv}");
    assert_eq!(fields[8], "answered", "{csv}");
    assert_eq!(fields[9], "hung up by prompt test", "{csv}");
    assert_eq!(fields[11], "PCMA", "{csv}");
}
