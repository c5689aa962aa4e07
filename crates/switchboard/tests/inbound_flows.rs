//! Inbound call flows with real phones, checked by ear, and a clock the
//! test sets: baresip as 1001 dials schedule 700, open at the time the
//! server is told it is; the IVR answers with its greeting; 1001 presses 2
//! (by RFC 4733 event in one test, as an in-band tone in its audio in
//! another) and lands in ring group `sales`, whose first member (1002)
//! rings without answering and whose second (1003) answers: each side
//! hears the other's tone through Switchboard's relay. When nobody
//! answers, the group's no-answer destination (1003's voicemail) takes
//! the message. Outside office hours, and on a holiday, the schedule sends
//! the call to its closed and holiday announcements (uploaded sounds),
//! and a star code forces the schedule closed. Everything is set up by
//! `switchboard apply` and the API, as an administrator would.

mod common;

use common::audio::{find, prompt, seconds_of_tone};
use common::baresip::{registered, sox, Phone};
use common::{admin_api, cdr_csv, cli, Server};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const CALLER: (&str, &str) = ("1001", "Pw-Secret-flow-aaaa1");
const FIRST: (&str, &str) = ("1002", "Pw-Secret-flow-bbbb2");
const SECOND: (&str, &str) = ("1003", "Pw-Secret-flow-cccc3");

/// Tuesday 1 December 2026, 10:00 in Berlin: the office is open.
const OPEN: &str = "2026-12-01T10:00:00+01:00";
/// The same day at 20:00: closed.
const EVENING: &str = "2026-12-01T20:00:00+01:00";
/// Christmas Day, a Friday, at 10:00: a holiday.
const CHRISTMAS: &str = "2026-12-25T10:00:00+01:00";

const FLOWS: &str = r#"
[[ring_group]]
name = "sales"
number = "600"
strategy = "hunt"
members = [{ extension = "1002", ring_time = 5 }, { extension = "1003", ring_time = 8 }]
no_answer = "voicemail:1003"
caller_id_prefix = "Sales: "

[[ivr]]
name = "main"
number = "500"
greeting = "ivr-welcome"
options = { "2" = "ring_group:sales", "9" = "ivr:main" }
timeout = 5
fallback = "hangup"

[[ivr]]
name = "front"
number = "510"
greeting = "ivr-welcome"
options = { "0" = "ivr:main" }
dial_extension = true
extension_length = 4
timeout = 2
repeats = 2
fallback = "announcement:after-hours"

[[schedule]]
name = "office"
number = "700"
time_zone = "Europe/Berlin"
hours = [{ days = ["mon", "tue", "wed", "thu", "fri"], from = "09:00", to = "17:00" }]
holidays = [{ name = "Christmas", when = "12-25" }]
override_by = ["1001"]
open = "ivr:main"
closed = "announcement:after-hours"
holiday = "announcement:christmas"
"#;

/// A server whose schedules see `clock`, with the three extensions, the
/// two announcements (tones of 600 and 900 Hz, copied where uploads go)
/// and the flows above, applied before it starts.
fn server(clock: &str) -> Server {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(data_dir.join("sounds")).unwrap();
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    for (n, secret) in [CALLER, FIRST, SECOND] {
        cli(&env, &["extension", "add", n, "--secret", secret]);
    }
    for (name, hz) in [("after-hours", "600"), ("christmas", "900")] {
        let wav = data_dir.join("sounds").join(format!("{name}.wav"));
        sox(&wav, &["synth", "3", "sine", hz, "vol", "0.5"]);
    }
    let file = data_dir.join("flows.toml");
    std::fs::write(&file, FLOWS).unwrap();
    let plan = cli(&env, &["apply", "--dry-run", &file.display().to_string()]);
    assert!(
        plan.contains("+ ring_group sales") && plan.contains("+ schedule office"),
        "{plan}"
    );
    cli(&env, &["apply", &file.display().to_string()]);
    // baresip 1.0 gives up on any challenge but MD5.
    Server::start_in(
        data_dir,
        &[
            ("SWITCHBOARD_SIP__DIGEST", "MD5"),
            ("SWITCHBOARD_CALLS__SCHEDULE_CLOCK", clock),
        ],
    )
}

fn phones_dir(server: &Server) -> PathBuf {
    let dir = server.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn wait_registered(server: &Server, number: &str) {
    let give_up = Instant::now() + Duration::from_secs(10);
    while !registered(server, number) {
        assert!(Instant::now() < give_up, "{number} never registered");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `phone` dials `number` and stays `seconds`, pressing `keys` (by RFC
/// 4733 events) `after` the call is up; what baresip printed.
fn call(
    server: &Server,
    phone: &Phone,
    number: &str,
    seconds: u32,
    keys: &str,
    after: Duration,
) -> String {
    let mut child = phone.run(
        seconds,
        Some(&format!("/dial sip:{number}@{}", server.target())),
    );
    let stdout = child.stdout.take().unwrap();
    let log = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    if !keys.is_empty() {
        std::thread::sleep(after);
        for k in keys.chars() {
            phone.press(k);
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    let status = child.wait().unwrap();
    let log = log.join().unwrap();
    assert!(status.success(), "baresip failed:\n{log}");
    log
}

/// The group's two members: 1002 rings and never answers, 1003 answers
/// and plays 1 kHz. Both run for `seconds`.
fn members(
    server: &Server,
    seconds: u32,
    second_answers: bool,
) -> (Phone, Phone, Vec<std::process::Child>) {
    let dir = phones_dir(server);
    let silence = dir.join("silence.wav");
    sox(&silence, &["trim", "0", "60"]);
    let khz = dir.join("tone1000.wav");
    sox(&khz, &["synth", "60", "sine", "1000", "vol", "0.5"]);
    let first = Phone::new(server, &dir, FIRST.0, FIRST.1, &silence, "PCMU").not_answering();
    let mut second = Phone::new(server, &dir, SECOND.0, SECOND.1, &khz, "PCMU");
    if !second_answers {
        second = second.not_answering();
    }
    let running = vec![first.run(seconds, None), second.run(seconds, None)];
    wait_registered(server, FIRST.0);
    wait_registered(server, SECOND.0);
    (first, second, running)
}

#[test]
fn the_ivr_puts_a_caller_pressing_2_through_to_the_group_member_who_answers() {
    let server = server(OPEN);
    let (_first, second, running) = members(&server, 40, true);
    let dir = phones_dir(&server);
    let tone = dir.join("tone440.wav");
    sox(&tone, &["synth", "60", "sine", "440", "vol", "0.5"]);
    let caller = Phone::new(&server, &dir, CALLER.0, CALLER.1, &tone, "PCMU");
    // The greeting, 2 pressed, "please hold", 5 s of 1002 ringing, then
    // 1003 answers and the two talk.
    let log = call(&server, &caller, "700", 24, "2", Duration::from_secs(6));
    assert!(log.contains("send DTMF digit"), "{log}");
    for mut r in running {
        let _ = r.wait();
    }
    let heard = caller.heard();
    let (_, score) = find(&heard, &prompt("ivr-welcome"));
    assert!(
        score > 0.9,
        "the caller did not hear the IVR's greeting ({score:.3})"
    );
    let (_, score) = find(&heard, &prompt("ivr-transferring"));
    assert!(
        score > 0.9,
        "the caller did not hear 'please hold' ({score:.3})"
    );
    let from_member = seconds_of_tone(&heard, 1000.0);
    assert!(
        from_member >= 4,
        "the caller heard 1003 for {from_member} s"
    );
    let from_caller = seconds_of_tone(&second.heard(), 440.0);
    assert!(
        from_caller >= 4,
        "1003 heard the caller for {from_caller} s"
    );
    // One record: the caller, the number dialed, answered.
    let csv = cdr_csv(&server, &[], 1);
    let records: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(records.len(), 1, "{csv}");
    assert!(
        records[0].contains("1001,700,") && records[0].contains("answered"),
        "{csv}"
    );
    // Round robin would now begin after 1003; the console's flow of 700
    // shows the way the call took.
    let (code, body) = admin_api(&server, "GET", "/api/v1/numbers/700/flow", None);
    assert_eq!(code, 200, "{body}");
    for says in [
        "Schedule office",
        "open now",
        "IVR main",
        "key 2",
        "Ring group sales: hunt 1002, 1003",
    ] {
        assert!(body.contains(says), "{says} not in {body}");
    }
}

#[test]
fn a_key_sent_as_a_tone_chooses_too_and_nobody_answering_ends_in_voicemail() {
    let server = server(OPEN);
    let (_first, _second, running) = members(&server, 40, false);
    let dir = phones_dir(&server);
    // 6 s of silence (the greeting plays), the key 2 as a keypad's tone
    // (697 + 1336 Hz, 150 ms), then 440 Hz: what the caller says.
    let part = |name: &str, effects: &[&str]| {
        let f = dir.join(name);
        sox(&f, effects);
        f
    };
    let lead = part("lead.wav", &["trim", "0", "6"]);
    let row = part("row.wav", &["synth", "0.15", "sine", "697", "vol", "0.3"]);
    let column = part(
        "column.wav",
        &["synth", "0.15", "sine", "1336", "vol", "0.3"],
    );
    let key = dir.join("key2.wav");
    assert!(Command::new("sox")
        .arg("-m")
        .arg(&row)
        .arg(&column)
        .arg(&key)
        .status()
        .unwrap()
        .success());
    let gap = part("gap.wav", &["trim", "0", "1"]);
    let talk = part("talk.wav", &["synth", "50", "sine", "440", "vol", "0.5"]);
    let source = dir.join("caller.wav");
    assert!(Command::new("sox")
        .args([&lead, &key, &gap, &talk])
        .arg(&source)
        .status()
        .unwrap()
        .success());
    let caller = Phone::new(&server, &dir, CALLER.0, CALLER.1, &source, "PCMU");
    // Greeting, please hold, 1002 rings 5 s, 1003 rings 8 s (its own
    // ring time), 1003's greeting and the beep, then a message.
    let log = call(&server, &caller, "700", 36, "", Duration::ZERO);
    assert!(!log.contains("send DTMF digit"), "no events: {log}");
    for mut r in running {
        let _ = r.wait();
    }
    let heard = caller.heard();
    let (_, score) = find(&heard, &prompt("ivr-transferring"));
    assert!(score > 0.9, "the tone did not choose 2 ({score:.3})");
    let (_, score) = find(&heard, &prompt("vm-greeting-default"));
    assert!(
        score > 0.9,
        "the caller did not reach 1003's voicemail ({score:.3})"
    );
    let give_up = Instant::now() + Duration::from_secs(10);
    loop {
        let (code, body) = admin_api(&server, "GET", "/api/v1/mailboxes/1003/messages", None);
        assert_eq!(code, 200, "{body}");
        let messages: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        if messages.len() == 1 {
            assert_eq!(messages[0]["caller"], "1001", "{body}");
            break;
        }
        assert!(Instant::now() < give_up, "no message in 1003's box: {body}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_ivr_takes_a_typed_extension_repeats_when_nothing_is_pressed_and_nests() {
    let server = server(OPEN);
    let (_first, second, running) = members(&server, 90, true);
    let dir = phones_dir(&server);
    let tone = dir.join("tone440.wav");
    sox(&tone, &["synth", "60", "sine", "440", "vol", "0.5"]);
    // 1003 typed in: put through to 1003, who answers.
    let caller = Phone::new(&server, &dir, CALLER.0, CALLER.1, &tone, "PCMU");
    call(&server, &caller, "510", 16, "1003", Duration::from_secs(6));
    assert!(
        seconds_of_tone(&caller.heard(), 1000.0) >= 3,
        "the caller did not reach 1003"
    );
    assert!(
        seconds_of_tone(&second.heard(), 440.0) >= 3,
        "1003 did not hear the caller"
    );
    // Nothing pressed: the greeting, "we did not receive your choice",
    // the greeting again, then the fallback (the 600 Hz announcement).
    let silence = dir.join("silence.wav");
    sox(&silence, &["trim", "0", "30"]);
    let quiet = Phone::new(&server, &dir, "1001", CALLER.1, &silence, "PCMU");
    call(&server, &quiet, "510", 20, "", Duration::ZERO);
    let heard = quiet.heard();
    let (at, score) = find(&heard, &prompt("ivr-no-input"));
    assert!(
        score > 0.9,
        "no 'we did not receive your choice' ({score:.3})"
    );
    let (again, score) = find(&heard[at..], &prompt("ivr-welcome"));
    assert!(
        score > 0.9 && again > 0,
        "the greeting did not play again ({score:.3})"
    );
    assert!(
        seconds_of_tone(&heard[at..], 600.0) >= 2,
        "the fallback did not play"
    );
    // 0 leads to the main menu, where 2 puts the caller through to the
    // ring group (here, 2 would begin an extension's number).
    let nested = Phone::new(&server, &dir, "1001", CALLER.1, &tone, "PCMU");
    let mut child = nested.run(26, Some(&format!("/dial sip:510@{}", server.target())));
    std::thread::sleep(Duration::from_secs(5));
    nested.press('0');
    std::thread::sleep(Duration::from_secs(6));
    nested.press('2');
    assert!(child.wait().unwrap().success());
    let heard = nested.heard();
    let (_, score) = find(&heard, &prompt("ivr-transferring"));
    assert!(score > 0.9, "the main menu did not take 2 ({score:.3})");
    assert!(
        seconds_of_tone(&heard, 1000.0) >= 3,
        "the group's 1003 was not reached"
    );
    for mut r in running {
        let _ = r.kill();
        let _ = r.wait();
    }
}

/// SIPp calls IVR 510 and sends 1, 2 and 3 by SIP INFO while the
/// greeting plays: three digits of a four-digit extension, then nothing,
/// so the caller hears "that is not a valid choice" (had the keys not
/// arrived, it would hear the greeting to its end and "we did not receive
/// your choice").
#[test]
fn keys_by_sip_info_choose_in_an_ivr_too() {
    let server = server(OPEN);
    let heard = common::sipp_keys_by_info(&server, CALLER.0, CALLER.1, "510");
    let (_, score) = find(&heard, &prompt("ivr-invalid"));
    assert!(
        score > 0.9,
        "the keys sent by INFO did not reach the IVR ({score:.3})"
    );
    let (_, score) = find(&heard, &prompt("ivr-no-input"));
    assert!(score < 0.5, "the IVR heard no key ({score:.3})");
}

/// What the caller hears calling 700 for a few seconds.
fn what_700_says(server: &Server) -> Vec<i16> {
    let dir = phones_dir(server);
    let silence = dir.join("silence.wav");
    sox(&silence, &["trim", "0", "20"]);
    let caller = Phone::new(server, &dir, CALLER.0, CALLER.1, &silence, "PCMU");
    let log = call(server, &caller, "700", 6, "", Duration::ZERO);
    assert!(
        log.contains("Call established"),
        "700 did not answer:\n{log}"
    );
    caller.heard()
}

#[test]
fn after_hours_and_on_holidays_the_schedule_sends_calls_elsewhere() {
    let evening = server(EVENING);
    let heard = what_700_says(&evening);
    assert!(
        seconds_of_tone(&heard, 600.0) >= 2,
        "the closed announcement did not play"
    );
    assert_eq!(seconds_of_tone(&heard, 900.0), 0);

    let christmas = server(CHRISTMAS);
    let heard = what_700_says(&christmas);
    assert!(
        seconds_of_tone(&heard, 900.0) >= 2,
        "the holiday announcement did not play"
    );
    assert_eq!(seconds_of_tone(&heard, 600.0), 0);
    let (_, body) = admin_api(&christmas, "GET", "/api/v1/schedules/office", None);
    assert!(body.contains(r#""state":"holiday""#), "{body}");

    // In office hours, *62700 from 1001 (which the schedule lists) forces
    // it closed: calls get the closed announcement, and the schedule says
    // so. 1002 may not.
    let open = server(OPEN);
    let dir = phones_dir(&open);
    let silence = dir.join("silence.wav");
    sox(&silence, &["trim", "0", "20"]);
    let other = Phone::new(&open, &dir, FIRST.0, FIRST.1, &silence, "PCMU");
    call(&open, &other, "*62700", 5, "", Duration::ZERO);
    let (_, score) = find(&other.heard(), &prompt("error-not-allowed"));
    assert!(score > 0.9, "1002 was not refused ({score:.3})");
    let (_, body) = admin_api(&open, "GET", "/api/v1/schedules/office", None);
    assert!(body.contains(r#""override":"auto""#), "{body}");
    let phone = Phone::new(&open, &dir, CALLER.0, CALLER.1, &silence, "PCMU");
    call(&open, &phone, "*62700", 5, "", Duration::ZERO);
    let (_, score) = find(&phone.heard(), &prompt("schedule-closed"));
    assert!(score > 0.9, "the star code did not say closed ({score:.3})");
    let (_, body) = admin_api(&open, "GET", "/api/v1/schedules/office", None);
    assert!(body.contains(r#""override":"closed""#), "{body}");
    let heard = what_700_says(&open);
    assert!(
        seconds_of_tone(&heard, 600.0) >= 2,
        "forced closed, yet not the closed announcement"
    );
}

/// The console (web/e2e/flows.mjs in Chromium) creates a ring group, an
/// IVR and a schedule through its forms, shows where 700's calls go as a
/// chain, refuses to delete the group the IVR names (saying so), and
/// forces the schedule closed.
#[test]
fn the_console_builds_flows_and_shows_where_a_number_goes() {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    for (n, secret) in [CALLER, FIRST] {
        cli(&env, &["extension", "add", n, "--secret", secret]);
    }
    let server = Server::start_in(data_dir, &[]);
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots/flows");
    let status = Command::new("node")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/e2e/flows.mjs"))
        .env("SB_URL", format!("http://127.0.0.1:{}/", server.http_port))
        .env("SB_PASSWORD", server.admin_password())
        .env("SB_SCREENSHOTS", &shots)
        .status()
        .expect("running node (the README's test command installs nodejs)");
    assert!(status.success(), "the call flows end-to-end run failed");
    // What the console made is what the service layer holds.
    let (_, body) = admin_api(&server, "GET", "/api/v1/schedules/office", None);
    assert!(body.contains(r#""override":"closed""#), "{body}");
    let (_, body) = admin_api(&server, "GET", "/api/v1/ring-groups/sales", None);
    assert!(
        body.contains(r#""strategy":"hunt""#) && body.contains("1002"),
        "{body}"
    );
}
