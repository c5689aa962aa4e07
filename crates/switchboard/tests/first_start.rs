//! The first start creates the administrator and prints its password once;
//! later starts do not; `switchboard admin reset-password` makes a new one.

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::path::Path;
use std::process::{Command, Stdio};

/// Starts `serve` on free ports in `data_dir`, returns the banner lines
/// it printed, and stops it.
fn banner(data_dir: &Path) -> Vec<String> {
    let port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args([
            "serve",
            "--sip-listen",
            "127.0.0.1",
            "--udp-port",
            &port,
            "--tcp-port",
            "0",
            "--http-listen",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(data_dir)
        .env("SWITCHBOARD_LOG__LEVEL", "warn")
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let last = line.starts_with("Stop it with");
        lines.push(line);
        if last {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    lines
}

fn password_in(lines: &[String]) -> Option<String> {
    lines.iter().find_map(|l| {
        l.trim()
            .strip_prefix("first login:")
            .map(|s| s.trim().trim_start_matches("admin / ").to_owned())
    })
}

#[test]
fn first_start_prints_the_admin_password_once() {
    let dir = std::env::temp_dir().join(format!("switchboard-first-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let first = banner(&dir);
    let password = password_in(&first).unwrap_or_else(|| panic!("no password in {first:#?}"));
    assert_eq!(password.len(), 20, "{first:#?}");
    assert!(
        first
            .iter()
            .any(|l| l.contains("database:") && l.contains("switchboard.db")),
        "{first:#?}"
    );
    assert_eq!(password_in(&banner(&dir)), None, "shown once only");

    let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["admin", "reset-password"])
        .env("SWITCHBOARD_DATA_DIR", &dir)
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let new = text
        .trim()
        .strip_prefix("New password for admin: ")
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(new.len(), 20);
    assert_ne!(new, password);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_first_start_that_cannot_listen_leaves_the_password_for_the_next() {
    let dir = std::env::temp_dir().join(format!("switchboard-first-busy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["serve", "--sip-listen", "127.0.0.1", "--udp-port", &port])
        .args([
            "--tcp-port",
            "0",
            "--http-listen",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(&dir)
        .env("SWITCHBOARD_LOG__LEVEL", "warn")
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains(&format!("127.0.0.1:{port}")), "{said}");
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!shown.contains("first login"), "{shown}");

    let next = banner(&dir);
    let password = password_in(&next).unwrap_or_else(|| panic!("no password in {next:#?}"));
    assert_eq!(password.len(), 20, "{next:#?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
