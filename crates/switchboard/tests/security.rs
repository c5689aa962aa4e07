//! The SIP guard against real attack tools: sipvicious `svcrack` is banned
//! after the configured number of guesses and never finds the password;
//! `svwar` cannot tell existing extensions from missing ones; a banned or
//! blocked address gets no answer at all, until an administrator unbans
//! or unlists it (CLI or API); a flood is cut to the rate limit.

mod common;

use common::{admin_api, cli, Server};
use std::net::UdpSocket;
use std::process::Command;
use std::time::{Duration, Instant};

const SECRET: &str = "Very-Secret-123";

/// Whether one OPTIONS from 127.0.0.1 gets an answer within a second.
fn answered(server: &Server) -> bool {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let probe = common::options(
        &format!("probe-{}", rand_tag()),
        "UDP",
        socket.local_addr().unwrap(),
    );
    socket.send_to(probe.as_bytes(), server.addr()).unwrap();
    let mut buf = [0u8; 4096];
    socket.recv_from(&mut buf).is_ok()
}

fn rand_tag() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// Waits (a bounded while) until `answered` is `want`; what it ends as.
fn until_answered(server: &Server, want: bool) -> bool {
    let give_up = Instant::now() + Duration::from_secs(15);
    loop {
        let now = answered(server);
        if now == want || Instant::now() > give_up {
            return now;
        }
    }
}

fn server(env: &[(&str, &str)]) -> Server {
    let data_dir = Server::fresh_data_dir();
    let s = Server::start_in(data_dir, env);
    for n in 1000..1005 {
        cli(
            &s.cli_env(),
            &["extension", "add", &n.to_string(), "--name", "Phone"],
        );
    }
    cli(
        &s.cli_env(),
        &["extension", "set", "1001", "--secret", SECRET],
    );
    s
}

/// svcrack guessing 1001's password from `dictionary`; what it printed.
fn svcrack(server: &Server, dictionary: &std::path::Path) -> String {
    let out = Command::new("svcrack")
        .args(["-u", "1001", "-d"])
        .arg(dictionary)
        .args(["-p", &server.port.to_string(), "127.0.0.1"])
        .current_dir(&server.data_dir)
        .output()
        .expect("svcrack (the README's test command installs sipvicious)");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn svcrack_is_banned_and_never_finds_the_password() {
    // svcrack reads only the first challenge, and knows only MD5.
    let server = server(&[("SWITCHBOARD_SIP__DIGEST", "MD5, SHA-256")]);
    let dictionary = server.data_dir.join("guesses.txt");
    let mut guesses: Vec<String> = (0..30).map(|i| format!("guess-{i}")).collect();
    guesses.push(SECRET.to_string());
    std::fs::write(&dictionary, guesses.join("\n")).unwrap();
    assert!(until_answered(&server, true));
    let report = svcrack(&server, &dictionary);
    assert!(
        !report.contains(SECRET),
        "svcrack found the password:\n{report}"
    );
    assert!(report.contains("found nothing"), "{report}");

    let bans = cli(&server.cli_env(), &["security", "bans"]);
    assert!(
        bans.starts_with("127.0.0.1 ") && bans.contains("5 failed authentications"),
        "{bans}"
    );
    assert!(!answered(&server), "a banned address gets no answer at all");
    let (code, metrics) = admin_api(&server, "GET", "/metrics", None);
    assert_eq!(code, 200, "{metrics}");
    for line in [
        "switchboard_sip_bans_total 1\n",
        "switchboard_sip_banned_addresses 1\n",
        "switchboard_sip_authentication_failures_total 5\n",
    ] {
        assert!(metrics.contains(line), "{line:?} in\n{metrics}");
    }

    // The allow list comes before bans: allowed, the address is answered
    // again, and guesses no longer ban it.
    cli(
        &server.cli_env(),
        &["security", "allow", "127.0.0.0/8", "--note", "the office"],
    );
    assert!(until_answered(&server, true), "allowed despite the ban");
    let report = svcrack(&server, &dictionary);
    assert!(
        report.contains(SECRET),
        "allowed, svcrack gets to try its whole list: {report}"
    );

    // Off the allow list, the old ban holds again, until it is lifted.
    cli(&server.cli_env(), &["security", "unlist", "127.0.0.0/8"]);
    assert!(!until_answered(&server, false), "banned again");
    cli(&server.cli_env(), &["security", "unban", "127.0.0.1"]);
    assert!(
        until_answered(&server, true),
        "answered again once unbanned"
    );
    assert!(cli(&server.cli_env(), &["security", "bans"]).contains("no address is banned"));
}

#[test]
fn svwar_cannot_tell_extensions_from_missing_ones() {
    let server = server(&[]);
    assert!(until_answered(&server, true));
    for method in ["REGISTER", "INVITE", "OPTIONS"] {
        let out = Command::new("svwar")
            .args(["--force", "-e", "990-1010", "-m", method])
            .args(["-p", &server.port.to_string(), "127.0.0.1"])
            .current_dir(&server.data_dir)
            .output()
            .expect("svwar (the README's test command installs sipvicious)");
        let report = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for n in 1000..1005 {
            assert!(
                !report.contains(&format!("| {n} ")),
                "svwar -m {method} told extension {n} apart:\n{report}"
            );
        }
    }
}

#[test]
fn blocked_addresses_get_no_answer_until_unlisted_through_the_api() {
    let server = server(&[]);
    assert!(until_answered(&server, true));
    let (code, body) = admin_api(
        &server,
        "POST",
        "/api/v1/security/lists",
        Some(r#"{"network":"127.0.0.300","list":"block"}"#),
    );
    assert_eq!(code, 422, "{body}");
    assert!(body.contains(r#""field":"network""#), "{body}");
    let (code, body) = admin_api(
        &server,
        "POST",
        "/api/v1/security/lists",
        Some(r#"{"network":"127.0.0.1","list":"block","note":"scanner"}"#),
    );
    assert_eq!(code, 201, "{body}");
    assert!(!until_answered(&server, false), "blocked: no answer");
    let (_, metrics) = admin_api(&server, "GET", "/metrics", None);
    assert!(
        !metrics.contains("switchboard_sip_dropped_total{reason=\"blocked\"} 0\n")
            && metrics.contains("switchboard_sip_dropped_total{reason=\"blocked\"} "),
        "{metrics}"
    );
    let (code, body) = admin_api(&server, "GET", "/api/v1/security/lists", None);
    assert_eq!(code, 200);
    assert!(
        body.contains(r#""network":"127.0.0.1/32","list":"block","note":"scanner""#),
        "{body}"
    );
    let lists = cli(&server.cli_env(), &["security", "lists"]);
    assert!(lists.contains("block  127.0.0.1/32"), "{lists}");
    let (code, _) = admin_api(
        &server,
        "DELETE",
        "/api/v1/security/lists?network=127.0.0.1",
        None,
    );
    assert_eq!(code, 204);
    assert!(until_answered(&server, true), "answered once unlisted");
    let (code, body) = admin_api(&server, "DELETE", "/api/v1/security/bans/127.0.0.1", None);
    assert_eq!(code, 404, "no ban to lift: {body}");
}

#[test]
fn a_flood_is_cut_to_the_rate_limit() {
    let server = server(&[
        ("SWITCHBOARD_SECURITY__RATE_LIMIT", "5"),
        ("SWITCHBOARD_SECURITY__RATE_BURST", "10"),
    ]);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let local = socket.local_addr().unwrap();
    for i in 0..100 {
        let probe = common::options(&format!("flood-{i}"), "UDP", local);
        socket.send_to(probe.as_bytes(), server.addr()).unwrap();
    }
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = [0u8; 4096];
    let mut answers = 0;
    while socket.recv_from(&mut buf).is_ok() {
        answers += 1;
    }
    assert!(answers >= 10, "the burst is answered ({answers})");
    assert!(
        answers < 100,
        "the flood is cut ({answers} of 100 answered)"
    );
}
