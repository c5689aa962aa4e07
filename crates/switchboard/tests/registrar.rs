//! Phones register to the running server, driven by real peers: SIPp
//! registers a thousand extensions with digest authentication, over UDP
//! and TCP; the registrations are listed by the CLI and the API, survive a
//! restart (the server still answers a query with the contact), and go
//! when the phone unregisters. On SQLite and PostgreSQL.

#[path = "../../store/tests/support/mod.rs"]
mod support;

mod common;

use common::{admin_api, cli, Server};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sipp")
        .join(name)
}

/// A secret for extension `n` that passes the strength rules: letters
/// for its digits, so it never contains the number.
fn secret(n: u32) -> String {
    let letters: String = n
        .to_string()
        .bytes()
        .map(|d| (b'a' + (d - b'0')) as char)
        .collect();
    format!("Pw-Secret-{letters}")
}

/// Runs a SIPp scenario against the server from local port `port` (the
/// phones' contacts name it, so it must not change between runs), one
/// call per line of `users` (`number;secret;expires`); fails the test
/// unless every call succeeds.
fn sipp(server: &Server, port: u16, name: &str, users: &[String], transport: &str) {
    let csv = server.data_dir.join(format!("users-{name}.csv"));
    std::fs::write(&csv, format!("SEQUENTIAL\n{}\n", users.join("\n"))).unwrap();
    let out = Command::new("sipp")
        .arg("-sf")
        .arg(scenario(name))
        .arg("-inf")
        .arg(&csv)
        .args(["-t", transport, "-m", &users.len().to_string()])
        .args([
            "-r",
            "200",
            "-l",
            "100",
            "-nostdin",
            "-timeout",
            "120s",
            "-timeout_error",
        ])
        .args(["-i", "127.0.0.1", "-p", &port.to_string(), &server.target()])
        .current_dir(&server.data_dir)
        .output()
        .expect("sipp (the README's test command installs sip-tester)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let tail: Vec<&str> = stdout.lines().rev().take(25).collect();
    assert!(
        out.status.success(),
        "sipp {name} ({transport}) had failures: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    );
}

/// The registrations the CLI lists, waiting (a bounded while) for the
/// server to save them until `done` holds.
fn registrations_until(env: &[(String, String)], done: impl Fn(&[String]) -> bool) -> Vec<String> {
    let give_up = Instant::now() + Duration::from_secs(30);
    loop {
        let listed = cli(env, &["registrations"]);
        let rows: Vec<String> = listed.lines().skip(1).map(str::to_owned).collect();
        if done(&rows) || Instant::now() > give_up {
            return rows;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn scenario_on(database_url: Option<&str>, count: u32) {
    let data_dir = Server::fresh_data_dir();
    let mut env = vec![
        (
            "SWITCHBOARD_DATA_DIR".to_string(),
            data_dir.display().to_string(),
        ),
        // SIPp reads only the first challenge, and knows only MD5.
        (
            "SWITCHBOARD_SIP__DIGEST".to_string(),
            "MD5, SHA-256".to_string(),
        ),
        // A thousand phones behind one address (SIPp's) would be over the
        // per-address rate limit, which is tested on its own.
        (
            "SWITCHBOARD_SECURITY__RATE_LIMIT".to_string(),
            "0".to_string(),
        ),
        // SIPp would take the registrar's OPTIONS for unexpected messages.
        (
            "SWITCHBOARD_REGISTRATION__QUALIFY_INTERVAL".to_string(),
            "0".to_string(),
        ),
    ];
    if let Some(url) = database_url {
        env.push(("SWITCHBOARD_DATABASE_URL".to_string(), url.to_owned()));
    }
    let numbers: Vec<u32> = (2000..2000 + count).collect();
    let declaration: String = numbers
        .iter()
        .map(|n| {
            format!(
                "[[extension]]\nnumber = \"{n}\"\ndisplay_name = \"Phone {n}\"\nsecret = \"{}\"\n\n",
                secret(*n)
            )
        })
        .collect();
    std::fs::create_dir_all(&data_dir).unwrap();
    let file = data_dir.join("phones.toml");
    std::fs::write(&file, declaration).unwrap();
    cli(&env, &["apply", file.to_str().unwrap()]);

    let server_env: Vec<(&str, &str)> = env
        .iter()
        .filter(|(k, _)| k != "SWITCHBOARD_DATA_DIR")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut server = Server::start_in(data_dir, &server_env);

    // Every extension but the last over UDP, the last over TCP.
    let users: Vec<String> = numbers
        .iter()
        .map(|n| format!("{n};{};3600", secret(*n)))
        .collect();
    let (udp, tcp) = users.split_at(users.len() - 1);
    let port = common::free_port();
    sipp(&server, port, "register_digest.xml", udp, "u1");
    sipp(&server, port, "register_digest.xml", tcp, "t1");
    let rows = registrations_until(&env, |rows| rows.len() == count as usize);
    assert_eq!(rows.len(), count as usize, "every phone is registered");
    let last = count + 1999;
    let tcp_row = rows
        .iter()
        .find(|r| r.starts_with(&last.to_string()))
        .unwrap();
    assert!(
        tcp_row.contains(" tcp ") && tcp_row.contains("SIPp"),
        "{tcp_row}"
    );
    assert!(rows.iter().all(|r| r.contains("sip:2")), "{rows:?}");

    // A wrong secret registers nothing.
    let wrong = vec![format!("2000;Pw-Secret-wrong;3600")];
    let out = Command::new("sipp")
        .arg("-sf")
        .arg(scenario("register_digest.xml"))
        .arg("-inf")
        .arg(write_csv(&server, "wrong", &wrong))
        .args(["-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error"])
        .args(["-i", "127.0.0.1", &server.target()])
        .current_dir(&server.data_dir)
        .output()
        .unwrap();
    assert!(!out.status.success(), "a wrong secret must not get 200");

    // The API lists them too, with where each phone is.
    let api = api_registrations(&server, "2000");
    assert_eq!(api.len(), 1, "{api:?}");
    assert_eq!(api[0]["user_agent"], "SIPp");
    assert_eq!(api[0]["transport"], "udp");
    assert!(api[0]["source"].as_str().unwrap().starts_with("127.0.0.1:"));

    // After a restart they are still there, in the store and in the
    // registrar, which answers a query with the contact.
    server.restart();
    let rows = registrations_until(&env, |rows| rows.len() == count as usize);
    assert_eq!(
        rows.len(),
        count as usize,
        "registrations survive a restart"
    );
    let first = vec![format!("2000;{}", secret(2000))];
    sipp(&server, port, "register_query.xml", &first, "u1");

    // Unregistering removes the phone.
    let gone = vec![format!("2000;{};0", secret(2000))];
    sipp(&server, port, "register_digest.xml", &gone, "u1");
    let rows = registrations_until(&env, |rows| rows.len() == count as usize - 1);
    assert_eq!(rows.len(), count as usize - 1);
    assert!(!rows.iter().any(|r| r.starts_with("2000 ")));
}

fn write_csv(server: &Server, name: &str, lines: &[String]) -> PathBuf {
    let csv = server.data_dir.join(format!("{name}.csv"));
    std::fs::write(&csv, format!("SEQUENTIAL\n{}\n", lines.join("\n"))).unwrap();
    csv
}

/// `GET /api/v1/registrations?extension=…` as the admin.
fn api_registrations(server: &Server, extension: &str) -> Vec<serde_json::Value> {
    let path = format!("/api/v1/registrations?extension={extension}");
    let (code, body) = admin_api(server, "GET", &path, None);
    assert_eq!(code, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn a_thousand_phones_register_on_sqlite() {
    scenario_on(None, 1000);
}

#[test]
fn phones_register_on_postgres() {
    let pg = support::TempPostgres::start();
    scenario_on(Some(&pg.url), 50);
}

/// A server that starts knowing extension 1001 ("Desk", `secret(1001)`).
fn desk_phone_server(env: &[(&str, &str)]) -> Server {
    let data_dir = Server::fresh_data_dir();
    std::fs::create_dir_all(&data_dir).unwrap();
    let cli_env = [("SWITCHBOARD_DATA_DIR", data_dir.display().to_string())];
    let add = [
        "extension",
        "add",
        "1001",
        "--name",
        "Desk",
        "--secret",
        &secret(1001),
    ];
    cli(&cli_env, &add);
    Server::start_in(data_dir, env)
}

/// baresip registers and stays registered across refreshes: one binding
/// the whole time, its expiry pushed forward by each refresh, answering the
/// registrar's OPTIONS; when it quits it unregisters.
#[test]
fn baresip_stays_registered_across_refreshes() {
    // baresip 1.0's SIP library gives up on a challenge list holding any
    // algorithm but MD5; it asks for 4-second registrations.
    let server = desk_phone_server(&[
        ("SWITCHBOARD_SIP__DIGEST", "MD5"),
        ("SWITCHBOARD_REGISTRATION__MIN_EXPIRES", "2"),
        ("SWITCHBOARD_REGISTRATION__QUALIFY_INTERVAL", "1"),
        // The test watches every refresh arrive in the store.
        ("SWITCHBOARD_REGISTRATION__SAVE_REFRESHES_EVERY", "0"),
    ]);
    let phone = server.data_dir.join("baresip");
    std::fs::create_dir_all(&phone).unwrap();
    let sip_port = common::free_port();
    std::fs::write(
        phone.join("config"),
        format!(
            "sip_listen 127.0.0.1:{sip_port}\nmodule_path /usr/lib/baresip/modules\n\
             module g711.so\nmodule account.so\n"
        ),
    )
    .unwrap();
    std::fs::write(
        phone.join("accounts"),
        format!(
            "<sip:1001@{}>;auth_pass={};regint=4\n",
            server.target(),
            secret(1001)
        ),
    )
    .unwrap();
    std::fs::write(phone.join("contacts"), "").unwrap();
    let baresip = Command::new("baresip")
        .arg("-f")
        .arg(&phone)
        .args(["-t", "14"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("baresip (the README's test command installs baresip-core)");

    let mut expiries = Vec::new();
    let mut round_trip = None;
    let mut first_registered = None;
    let give_up = Instant::now() + Duration::from_secs(13);
    while expiries.len() < 3 && Instant::now() < give_up {
        let phones = api_registrations(&server, "1001");
        if let Some(p) = phones.first() {
            assert_eq!(phones.len(), 1, "refreshes do not pile up: {phones:?}");
            assert!(p["user_agent"].as_str().unwrap().starts_with("baresip"));
            assert_eq!(p["source"], format!("127.0.0.1:{sip_port}"));
            let registered = p["registered_at"].as_i64().unwrap();
            assert_eq!(*first_registered.get_or_insert(registered), registered);
            assert_eq!(p["reachable"], true);
            if let Some(ms) = p["rtt_ms"].as_u64() {
                round_trip = Some(ms);
            }
            let expires = p["expires_at"].as_i64().unwrap();
            if expiries.last() != Some(&expires) {
                expiries.push(expires);
            }
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let listed = cli(&server.cli_env(), &["registrations"]);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("1001 ") && l.contains(" ms ") && l.contains("baresip")),
        "the CLI shows the phone answering, with its round trip:\n{listed}"
    );
    let out = baresip.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("200 OK"), "baresip said:\n{said}");
    assert!(
        expiries.len() >= 3,
        "the registration and at least two refreshes: {expiries:?}"
    );
    assert!(expiries.windows(2).all(|w| w[1] > w[0]), "{expiries:?}");
    assert!(
        round_trip.is_some(),
        "baresip answered the registrar's OPTIONS"
    );
    let gone = registrations_until(&server.cli_env(), |rows| rows.is_empty());
    assert!(
        gone.is_empty(),
        "baresip unregisters when it quits: {gone:?}"
    );
}

/// linphonec (liblinphone 5.1) registers, answering the SHA-256 challenge
/// the server offers first, and unregisters when it quits.
#[test]
fn linphonec_registers_with_sha256() {
    use std::io::Write;
    let server = desk_phone_server(&[]);
    // linphonec keeps its state under HOME and stops before registering
    // when its data directory is missing; it rewrites its rc file.
    let home = server.data_dir.join("linphone-home");
    std::fs::create_dir_all(home.join(".local/share/linphone")).unwrap();
    let rc = home.join("rc");
    std::fs::write(
        &rc,
        format!(
            "[sip]\nsip_port=-1\nsip_tcp_port=0\nsip_tls_port=0\ndefault_proxy=0\n\n\
             [proxy_0]\nreg_proxy=<sip:{};transport=udp>\nreg_identity=sip:1001@127.0.0.1\n\
             reg_expires=60\nreg_sendregister=1\n\n\
             [auth_info_0]\nusername=1001\npasswd={}\n",
            server.target(),
            secret(1001)
        ),
    )
    .unwrap();
    let mut linphonec = Command::new("linphonec")
        .arg("-c")
        .arg(&rc)
        .env("HOME", &home)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("linphonec (the README's test command installs linphone-cli)");
    let registered = registrations_until(&server.cli_env(), |rows| {
        rows.iter()
            .any(|r| r.starts_with("1001 ") && r.contains("Linphone"))
    });
    // Ask linphonec until it says it is registered (it may still be
    // taking in the 200 the server already answered).
    let mut stdin = linphonec.stdin.take().unwrap();
    let stdout = linphonec.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let mut said = Vec::new();
    let mut confirmed = false;
    for _ in 0..50 {
        writeln!(stdin, "status register").unwrap();
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(300)) {
            confirmed |= line.contains("registered, identity=sip:1001@127.0.0.1");
            said.push(line);
        }
        if confirmed {
            break;
        }
    }
    writeln!(stdin, "quit").unwrap();
    linphonec.wait().unwrap();
    assert!(
        registered.iter().any(|r| r.contains("Linphone")),
        "linphonec registered: {registered:?}"
    );
    assert!(confirmed, "linphonec said:\n{}", said.join("\n"));
    let gone = registrations_until(&server.cli_env(), |rows| rows.is_empty());
    assert!(
        gone.is_empty(),
        "linphonec unregisters when it quits: {gone:?}"
    );
}
