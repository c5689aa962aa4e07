//! Voicemail with real phones, checked by ear: baresip as 1001 calls 1002,
//! whose baresip rings and does not answer; the caller hears 1002's
//! greeting, plays a 440 Hz tone into the box and hangs up. 1002's
//! baresip gets a message-summary NOTIFY saying one new message; the
//! message reaches an SMTP sink (aiosmtpd, started here) as a WAV
//! attachment holding the tone; 1002 dials `*97`, enters its PIN by RFC
//! 4733 events, hears the message, deletes it, and its lamp goes out
//! (NOTIFY with 0/0).

mod common;

use common::audio::{find, prompt, seconds_of_tone};
use common::baresip::{registered, samples, sox, Phone};
use common::{admin_api, cdr_csv, cli, free_port, Server};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CALLER: (&str, &str) = ("1001", "Pw-Secret-vm-aaaa1");
const OWNER: (&str, &str) = ("1002", "Pw-Secret-vm-bbbb2");
const PIN: &str = "4826";
const EMAIL: &str = "owner@example.com";

/// An SMTP sink: aiosmtpd keeping every mail it takes in a maildir.
struct Sink {
    child: Child,
    maildir: PathBuf,
    port: u16,
}

impl Sink {
    fn start(dir: &Path) -> Sink {
        let maildir = dir.join("maildir");
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (the README's test command installs aiosmtpd)");
        let give_up = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < give_up, "aiosmtpd never listened");
            std::thread::sleep(Duration::from_millis(100));
        }
        Sink {
            child,
            maildir,
            port,
        }
    }

    /// The mails taken so far.
    fn mails(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.maildir.join("new"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running baresip whose output is collected as it comes.
struct Running {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Running {
    fn start(phone: &Phone, seconds: u32, command: Option<&str>) -> Running {
        let mut child = phone.run(seconds, command);
        let log = Arc::new(Mutex::new(String::new()));
        for out in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        Running { child, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the phone printed `text`.
    fn wait_for(&self, text: &str, within: Duration) -> String {
        let give_up = Instant::now() + within;
        loop {
            let log = self.log();
            if log.contains(text) {
                return log;
            }
            assert!(
                Instant::now() < give_up,
                "the phone never printed {text:?}:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn finish(mut self) -> String {
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let log = self.log();
        assert!(status.success(), "baresip failed:\n{log}");
        log
    }
}

/// `phone` running with its lamp subscribed once. baresip 1.0's mwi
/// module now and then subscribes tens of thousands of times at start
/// (printing "mwi: subscribing" for each) and then reads no NOTIFY: such
/// a run is stopped and started again.
fn with_one_subscription(phone: &Phone, seconds: u32, command: Option<&str>) -> Running {
    for _ in 0..5 {
        let running = Running::start(phone, seconds, command);
        running.wait_for("mwi: subscribing", Duration::from_secs(10));
        std::thread::sleep(Duration::from_secs(1));
        if running.log().matches("mwi: subscribing").count() == 1 {
            return running;
        }
        let mut storm = running;
        let _ = storm.child.kill();
        let _ = storm.child.wait();
    }
    panic!("baresip's mwi module never subscribed just once in five starts")
}

/// A mail's To, Subject and text, its attachment written to `attached`.
fn read_mail(mail: &Path, attached: &Path) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            "import email,sys\n\
             m=email.message_from_binary_file(open(sys.argv[1],'rb'))\n\
             print('To:', m['To']); print('Subject:', m['Subject'])\n\
             for p in m.walk():\n\
             \x20   if p.get_filename(): open(sys.argv[2],'wb').write(p.get_payload(decode=True))\n\
             \x20   elif p.get_content_type()=='text/plain': print(p.get_payload(decode=True).decode())\n",
        )
        .arg(mail)
        .arg(attached)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn messages(server: &Server) -> Vec<serde_json::Value> {
    let (code, body) = admin_api(server, "GET", "/api/v1/mailboxes/1002/messages", None);
    assert_eq!(code, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn a_message_left_lights_the_lamp_is_emailed_heard_and_deleted() {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let sink = Sink::start(&data_dir);
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    cli(&env, &["extension", "add", CALLER.0, "--secret", CALLER.1]);
    cli(
        &env,
        &[
            "extension",
            "add",
            OWNER.0,
            "--secret",
            OWNER.1,
            "--pin",
            PIN,
            "--email",
            EMAIL,
            "--voicemail-email",
            "send_and_keep",
            "--ring-time",
            "5",
        ],
    );
    let port = sink.port.to_string();
    // baresip 1.0 gives up on any challenge but MD5.
    let server = Server::start_in(
        data_dir,
        &[
            ("SWITCHBOARD_SIP__DIGEST", "MD5"),
            ("SWITCHBOARD_VOICEMAIL__EMAIL__SMTP_HOST", "127.0.0.1"),
            ("SWITCHBOARD_VOICEMAIL__EMAIL__SMTP_PORT", &port),
            ("SWITCHBOARD_VOICEMAIL__EMAIL__SECURITY", "none"),
            // baresip's mwi module now and then sends hundreds of
            // SUBSCRIBEs at once, which the rate limit (per address, and
            // every phone here is 127.0.0.1) would answer by dropping the
            // caller's INVITE too.
            ("SWITCHBOARD_SECURITY__RATE_LIMIT", "0"),
        ],
    );
    let dir = server.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    let tone = dir.join("tone440.wav");
    sox(&tone, &["synth", "40", "sine", "440", "vol", "0.5"]);
    let silence = dir.join("silence.wav");
    sox(&silence, &["trim", "0", "60"]);

    // 1002 rings and nobody answers; its lamp is subscribed.
    let owner = Phone::new(&server, &dir, OWNER.0, OWNER.1, &silence, "PCMU")
        .not_answering()
        .with_message_lamp();
    let ringing = with_one_subscription(&owner, 60, None);
    let give_up = Instant::now() + Duration::from_secs(10);
    while !registered(&server, OWNER.0) {
        assert!(Instant::now() < give_up, "1002 never registered");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Ringing 5 s, the greeting, the beep, then about 6 s of tone.
    let caller = Phone::new(&server, &dir, CALLER.0, CALLER.1, &tone, "PCMU");
    let calling = Running::start(
        &caller,
        24,
        Some(&format!("/dial sip:{}@{}", OWNER.0, server.target())),
    );
    let log = calling.finish();
    assert!(
        log.contains("Call established"),
        "voicemail never answered:\n{log}"
    );
    let heard = caller.heard();
    let (_, score) = find(&heard, &prompt("vm-greeting-default"));
    assert!(
        score > 0.9,
        "the caller did not hear the greeting ({score:.3})"
    );
    let (_, score) = find(&heard, &prompt("vm-unavailable"));
    assert!(
        score > 0.9,
        "the caller did not hear 'not available' ({score:.3})"
    );

    // The message is kept, holds the tone, and lights the lamp.
    let give_up = Instant::now() + Duration::from_secs(10);
    let message = loop {
        if let Some(m) = messages(&server).pop() {
            break m;
        }
        assert!(Instant::now() < give_up, "no message was kept");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(message["caller"], CALLER.0, "{message}");
    assert_eq!(message["heard"], false, "{message}");
    let duration_ms = message["duration_ms"].as_i64().unwrap();
    assert!((3_000..=15_000).contains(&duration_ms), "{message}");
    let id = message["id"].as_str().unwrap().to_owned();
    let log = ringing.wait_for("Voice-Message: 1/0", Duration::from_secs(10));
    assert!(log.contains("Messages-Waiting: yes"), "{log}");
    let mut ringing = ringing;
    let _ = ringing.child.kill();
    let _ = ringing.child.wait();

    // Downloaded with the session `admin_api` logged in.
    let wav = dir.join("message.wav");
    let out = Command::new("curl")
        .args(["-sSf", "-b"])
        .arg(server.data_dir.join("admin-cookies"))
        .arg("-o")
        .arg(&wav)
        .arg(format!(
            "http://127.0.0.1:{}/api/v1/voicemail/{id}/audio",
            server.http_port
        ))
        .status()
        .unwrap();
    assert!(out.success(), "downloading the message");
    let tone_seconds = seconds_of_tone(&samples(&wav), 440.0);
    assert!(
        tone_seconds >= 3,
        "the message holds {tone_seconds} s of the tone"
    );

    // The email came, with the message attached.
    let give_up = Instant::now() + Duration::from_secs(20);
    let mail = loop {
        if let Some(m) = sink.mails().pop() {
            break m;
        }
        assert!(Instant::now() < give_up, "no email reached the sink");
        std::thread::sleep(Duration::from_millis(200));
    };
    let attached = dir.join("attached.wav");
    let text = read_mail(&mail, &attached);
    assert!(text.contains(EMAIL) && text.contains("1001"), "{text}");
    let attached_tone = seconds_of_tone(&samples(&attached), 440.0);
    assert!(
        attached_tone >= 3,
        "the attachment holds {attached_tone} s of the tone:\n{text}"
    );

    // 1002 opens its box, hears the message, deletes it.
    let listening = with_one_subscription(
        &owner,
        60,
        Some(&format!("/dial sip:*97@{}", server.target())),
    );
    listening.wait_for("Call established", Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs(2));
    for k in PIN.chars().chain(['#']) {
        owner.press(k);
        std::thread::sleep(Duration::from_millis(400));
    }
    std::thread::sleep(Duration::from_secs(2));
    owner.press('1');
    // The envelope (who, when), then the message; 3 deletes it.
    std::thread::sleep(Duration::from_millis(9_000 + duration_ms as u64 + 2_000));
    owner.press('3');
    let log = listening.wait_for("Voice-Message: 0/0", Duration::from_secs(15));
    assert!(log.contains("Messages-Waiting: no"), "{log}");
    // "Deleted." plays on while the lamp goes out.
    std::thread::sleep(Duration::from_secs(3));
    let mut listening = listening;
    let _ = listening.child.kill();
    let _ = listening.child.wait();
    assert!(messages(&server).is_empty(), "the message was not deleted");
    let heard = owner.heard();
    let heard_tone = seconds_of_tone(&heard, 440.0);
    assert!(
        heard_tone >= 3,
        "1002 heard {heard_tone} s of the message's tone"
    );
    let (_, score) = find(&heard, &prompt("vm-deleted"));
    assert!(score > 0.9, "1002 did not hear 'deleted' ({score:.3})");

    let records = cdr_csv(&server, &[], 2);
    assert!(
        records
            .lines()
            .any(|l| l.contains(",1001,1002,") && l.contains(",voicemail,")),
        "{records}"
    );
}

/// Star codes set the caller's own extension: `*78`/`*79` do-not-disturb,
/// `*72NUMBER`/`*73` forward every call. Then a forwarding chain: 1003
/// forwards every call to 1002, which has no phone registered, so the
/// call from 1001 ends in 1002's voicemail. The console (web/e2e/
/// voicemail.mjs in Chromium) lists and plays that message, saves and
/// deletes it, and sets do-not-disturb from the extension form.
#[test]
fn star_codes_and_forwarding_reach_the_box_the_console_shows() {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    cli(&env, &["extension", "add", CALLER.0, "--secret", CALLER.1]);
    cli(&env, &["extension", "add", OWNER.0, "--secret", OWNER.1]);
    cli(
        &env,
        &[
            "extension",
            "add",
            "1003",
            "--forward-always",
            "extension:1002",
        ],
    );
    let server = Server::start_in(data_dir, &[("SWITCHBOARD_SIP__DIGEST", "MD5")]);
    let dir = server.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    let tone = dir.join("tone440.wav");
    sox(&tone, &["synth", "40", "sine", "440", "vol", "0.5"]);
    let caller = Phone::new(&server, &dir, CALLER.0, CALLER.1, &tone, "PCMU");
    let dial = |number: &str, seconds: u32| {
        let running = Running::start(
            &caller,
            seconds,
            Some(&format!("/dial sip:{number}@{}", server.target())),
        );
        let log = running.finish();
        assert!(
            log.contains("Call established"),
            "{number} was not answered:\n{log}"
        );
    };
    let shown = || cli(&server.cli_env(), &["extension", "show", CALLER.0]);
    let heard_last = |name: &str| {
        let (_, score) = find(&caller.heard(), &prompt(name));
        assert!(score > 0.9, "{name} not heard ({score:.3})");
        std::fs::remove_dir_all(caller.home.join("dumps")).unwrap();
        std::fs::create_dir_all(caller.home.join("dumps")).unwrap();
    };
    let settled = |want: &str| {
        let give_up = Instant::now() + Duration::from_secs(5);
        loop {
            let now = shown();
            if now.contains(want) {
                return;
            }
            assert!(Instant::now() < give_up, "never {want:?}:\n{now}");
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    dial("*78", 5);
    heard_last("feature-dnd-on");
    settled("do not disturb:     yes");
    dial("*79", 5);
    heard_last("feature-dnd-off");
    settled("do not disturb:     no");
    dial("*721003", 7);
    heard_last("feature-forward-on");
    settled("forward always:     extension:1003");
    dial("*73", 5);
    heard_last("feature-forward-off");
    settled("forward always:     none");

    // 1003 → 1002 (forward always) → not registered → 1002's voicemail.
    dial("1003", 20);
    let give_up = Instant::now() + Duration::from_secs(10);
    while messages(&server).is_empty() {
        assert!(Instant::now() < give_up, "no message reached 1002's box");
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, score) = find(&caller.heard(), &prompt("vm-greeting-default"));
    assert!(
        score > 0.9,
        "the caller did not hear 1002's greeting ({score:.3})"
    );

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots/voicemail");
    let status = Command::new("node")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web/e2e/voicemail.mjs"))
        .env("SB_URL", format!("http://127.0.0.1:{}/", server.http_port))
        .env("SB_PASSWORD", server.admin_password())
        .env("SB_SCREENSHOTS", &shots)
        .env("SB_MAILBOX", OWNER.0)
        .status()
        .expect("running node (the README's test command installs nodejs)");
    assert!(status.success(), "the voicemail end-to-end run failed");
    assert!(
        messages(&server).is_empty(),
        "the console did not delete it"
    );
    let kept = std::fs::read_dir(server.data_dir.join("voicemail/1002"))
        .unwrap()
        .count();
    assert_eq!(kept, 0, "the file went with it");
}

/// aiosmtpd behind STARTTLS (a certificate made here for 127.0.0.1) that
/// takes mail only after a login; each login's mechanism is written to
/// `auth` beside the maildir.
const TLS_SINK: &str = r#"
import ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword
port, cert, key, maildir = sys.argv[1:5]
tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
tls.load_cert_chain(cert, key)
def login(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login == b"voicemail" and data.password == b"Mail-Pass-42"
    if ok:
        open(maildir + ".auth", "a").write(mechanism + "\n")
    return AuthResult(success=ok)
Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port), tls_context=tls,
           require_starttls=True, authenticator=login, auth_required=True).start()
while True:
    time.sleep(3600)
"#;

/// A box's own greeting plays in place of the default; a caller who says
/// nothing leaves no message (and hears so); a message ends at
/// `voicemail.max_message`; mail goes over STARTTLS with a login, and a
/// box that says so deletes the message once it is sent.
#[test]
fn own_greetings_silent_callers_and_mail_over_starttls_with_a_login() {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    // A CA of the test's own, and the sink's certificate signed by it.
    let (ca, cert, key) = (
        data_dir.join("ca.pem"),
        data_dir.join("cert.pem"),
        data_dir.join("key.pem"),
    );
    let made = Command::new("sh")
        .arg("-c")
        .arg(
            "set -e\n\
             openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=Test-CA \
               -keyout ca.key -out ca.pem\n\
             openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout key.pem -out leaf.csr\n\
             printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > leaf.ext\n\
             openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
               -extfile leaf.ext -out cert.pem\n",
        )
        .current_dir(&data_dir)
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(made.success(), "making the certificate");
    let script = data_dir.join("sink.py");
    std::fs::write(&script, TLS_SINK).unwrap();
    let maildir = data_dir.join("maildir");
    let port = free_port();
    let child = Command::new("python3")
        .arg(&script)
        .arg(port.to_string())
        .arg(&cert)
        .arg(&key)
        .arg(&maildir)
        .stdout(Stdio::null())
        .spawn()
        .expect("python3 with aiosmtpd (the README's test command installs aiosmtpd)");
    let sink = Sink {
        child,
        maildir: maildir.clone(),
        port,
    };
    let give_up = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", sink.port)).is_err() {
        assert!(Instant::now() < give_up, "the TLS sink never listened");
        std::thread::sleep(Duration::from_millis(100));
    }

    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    cli(&env, &["extension", "add", CALLER.0, "--secret", CALLER.1]);
    cli(&env, &["extension", "add", "1003"]);
    cli(
        &env,
        &[
            "extension",
            "add",
            "1004",
            "--email",
            EMAIL,
            "--voicemail-email",
            "send_and_delete",
        ],
    );
    let greeting = data_dir.join("greeting.wav");
    common::baresip::sox_at(
        &greeting,
        16000,
        &["synth", "3", "sine", "700", "vol", "0.5"],
    );
    let set = cli(
        &env,
        &[
            "voicemail",
            "greeting",
            "1004",
            "unavailable",
            &greeting.display().to_string(),
        ],
    );
    assert!(set.contains("unavailable greeting of 1004"), "{set}");
    let port = sink.port.to_string();
    let ca = ca.display().to_string();
    let server = Server::start_in(
        data_dir,
        &[
            ("SWITCHBOARD_SIP__DIGEST", "MD5"),
            ("SWITCHBOARD_VOICEMAIL__EMAIL__SMTP_HOST", "127.0.0.1"),
            ("SWITCHBOARD_VOICEMAIL__EMAIL__SMTP_PORT", &port),
            ("SWITCHBOARD_VOICEMAIL__EMAIL__SECURITY", "starttls"),
            ("SWITCHBOARD_VOICEMAIL__EMAIL__USERNAME", "voicemail"),
            ("SWITCHBOARD_VOICEMAIL__EMAIL__PASSWORD", "Mail-Pass-42"),
            ("SWITCHBOARD_VOICEMAIL__EMAIL__CA_FILE", &ca),
            ("SWITCHBOARD_VOICEMAIL__MAX_MESSAGE", "10"),
        ],
    );
    let dir = server.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    let silence = dir.join("silence.wav");
    sox(&silence, &["trim", "0", "60"]);
    let tone = dir.join("tone440.wav");
    sox(&tone, &["synth", "40", "sine", "440", "vol", "0.5"]);

    // Silence after the beep: 5 s of it end the message, which is not kept.
    let quiet = Phone::new(&server, &dir, CALLER.0, CALLER.1, &silence, "PCMU");
    let log = Running::start(
        &quiet,
        22,
        Some(&format!("/dial sip:1003@{}", server.target())),
    )
    .finish();
    assert!(log.contains("Call established"), "{log}");
    let (_, score) = find(&quiet.heard(), &prompt("vm-message-too-short"));
    assert!(
        score > 0.9,
        "the caller did not hear 'too short' ({score:.3})"
    );
    let (code, body) = admin_api(&server, "GET", "/api/v1/mailboxes/1003/messages", None);
    assert_eq!((code, body.as_str()), (200, "[]"));

    // 1004's own greeting, then a message cut at its longest (10 s),
    // mailed and then deleted.
    let home = dir.join("second");
    std::fs::create_dir_all(&home).unwrap();
    let caller = Phone::new(&server, &home, CALLER.0, CALLER.1, &tone, "PCMU");
    let log = Running::start(
        &caller,
        22,
        Some(&format!("/dial sip:1004@{}", server.target())),
    )
    .finish();
    assert!(log.contains("Call established"), "{log}");
    let heard = caller.heard();
    let greeting_seconds = seconds_of_tone(&heard, 700.0);
    assert!(
        greeting_seconds >= 2,
        "heard {greeting_seconds} s of 1004's greeting"
    );
    let (_, score) = find(&heard, &prompt("vm-greeting-default"));
    assert!(score < 0.5, "the default greeting played too ({score:.3})");
    let give_up = Instant::now() + Duration::from_secs(20);
    let mail = loop {
        if let Some(m) = sink.mails().pop() {
            break m;
        }
        assert!(Instant::now() < give_up, "no email reached the TLS sink");
        std::thread::sleep(Duration::from_millis(200));
    };
    let (_, score) = find(&heard, &prompt("vm-saved"));
    assert!(
        score > 0.9,
        "the caller did not hear 'saved' after the limit ({score:.3})"
    );
    let attached = dir.join("attached.wav");
    let text = read_mail(&mail, &attached);
    assert_eq!(
        samples(&attached).len(),
        10 * 8000,
        "the message is cut at voicemail.max_message:\n{text}"
    );
    let logins = std::fs::read_to_string(maildir.with_extension("auth")).unwrap();
    assert!(!logins.is_empty(), "no login");
    let give_up = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, body) = admin_api(&server, "GET", "/api/v1/mailboxes/1004/messages", None);
        if body == "[]" {
            break;
        }
        assert!(
            Instant::now() < give_up,
            "the message sent was kept: {body}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Presses `keys` on `phone`, 400 ms apart.
fn press(phone: &Phone, keys: &str) {
    for k in keys.chars() {
        phone.press(k);
        std::thread::sleep(Duration::from_millis(400));
    }
}

/// The menu by keys: `#` ends a message; `*98` asks for the box, a wrong
/// PIN is said so, the right one opens it; a busy greeting recorded from
/// the phone is kept; the PIN changed from the phone is the extension's;
/// a message played and saved (2) is heard and in the saved folder.
#[test]
fn the_menu_records_a_greeting_changes_the_pin_and_saves_a_message() {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    cli(&env, &["extension", "add", CALLER.0, "--secret", CALLER.1]);
    cli(&env, &["extension", "add", OWNER.0, "--pin", PIN]);
    let server = Server::start_in(data_dir, &[("SWITCHBOARD_SIP__DIGEST", "MD5")]);
    let dir = server.data_dir.join("phones");
    std::fs::create_dir_all(&dir).unwrap();
    let tone = dir.join("tone440.wav");
    sox(&tone, &["synth", "120", "sine", "440", "vol", "0.5"]);

    // 1002 has no phone: straight to its box. `#` ends the message.
    let caller = Phone::new(&server, &dir, CALLER.0, CALLER.1, &tone, "PCMU");
    let leaving = Running::start(
        &caller,
        30,
        Some(&format!("/dial sip:{}@{}", OWNER.0, server.target())),
    );
    leaving.wait_for("Call established", Duration::from_secs(10));
    // The greeting (about 9 s) and the beep, then 4 s of tone.
    std::thread::sleep(Duration::from_secs(14));
    press(&caller, "#");
    let log = leaving.wait_for("terminated (duration", Duration::from_secs(10));
    assert!(log.contains("Call established"), "{log}");
    let (_, score) = find(&caller.heard(), &prompt("vm-saved"));
    assert!(score > 0.9, "the caller did not hear 'saved' ({score:.3})");
    let mut leaving = leaving;
    let _ = leaving.child.kill();
    let _ = leaving.child.wait();
    let message = messages(&server).pop().expect("the message ended by #");
    let length = message["duration_ms"].as_i64().unwrap();
    assert!((2_000..=8_000).contains(&length), "{message}");
    std::fs::remove_dir_all(caller.home.join("dumps")).unwrap();
    std::fs::create_dir_all(caller.home.join("dumps")).unwrap();

    // *98: the box, a wrong PIN, the right one; then 3 2: the busy greeting.
    let menu = Running::start(
        &caller,
        90,
        Some(&format!("/dial sip:*98@{}", server.target())),
    );
    menu.wait_for("Call established", Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs(2));
    press(&caller, &format!("{}#1111#{PIN}#32", OWNER.0));
    // "Record after the tone", the beep, 4 s of tone, `#`.
    std::thread::sleep(Duration::from_secs(9));
    press(&caller, "#");
    // "Saved", then 4: a new PIN.
    std::thread::sleep(Duration::from_secs(4));
    press(&caller, "47391#");
    // "Changed", then 1: the new message; its envelope and the message
    // play, then 2 saves it.
    std::thread::sleep(Duration::from_secs(4));
    press(&caller, "1");
    std::thread::sleep(Duration::from_millis(11_000 + length as u64));
    press(&caller, "2");
    std::thread::sleep(Duration::from_secs(4));
    press(&caller, "#");
    let log = menu.wait_for("terminated (duration", Duration::from_secs(20));
    assert!(log.contains("Call established"), "{log}");
    let mut menu = menu;
    let _ = menu.child.kill();
    let _ = menu.child.wait();

    let heard = caller.heard();
    let mut from = 0;
    // (What the keys cut short, such as the first prompts, is not looked for.)
    for name in [
        "vm-wrong-pin",
        "vm-greeting-saved",
        "vm-pin-changed",
        "vm-saved",
    ] {
        let (at, score) = find(&heard[from..], &prompt(name));
        assert!(score > 0.9, "{name} not heard after {from} ({score:.3})");
        from += at;
    }
    // `#` at the main menu: the menu said goodbye and hung up.
    let records = cdr_csv(&server, &[], 2);
    assert!(
        records
            .lines()
            .any(|l| l.contains(",*98,") && l.contains("hung up by voicemail menu")),
        "{records}"
    );
    let shown = cli(&server.cli_env(), &["voicemail", "show", OWNER.0]);
    assert!(shown.contains("greetings recorded: busy"), "{shown}");
    assert!(shown.contains("saved"), "{shown}");
    let extension = cli(&server.cli_env(), &["extension", "show", OWNER.0]);
    assert!(
        extension.contains("voicemail PIN:      7391"),
        "{extension}"
    );
    let message = messages(&server).pop().unwrap();
    assert_eq!(
        (&message["heard"], &message["folder"]),
        (&serde_json::json!(true), &serde_json::json!("saved"))
    );
}
