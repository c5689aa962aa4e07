//! SIPp against a test's server: the scenarios in `tests/sipp`, one call
//! from a given port, credentials as an injection file, and the verdict.

use super::{free_port, Server};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The path of scenario `name` in `tests/sipp`.
pub fn scenario(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sipp")
        .join(name)
}

/// SIPp with `scenario_file` against the server, from `port`; one call.
pub fn sipp(server: &Server, port: u16, scenario_file: &str, extra: &[&str]) -> Command {
    let dir = server.data_dir.join("sipp");
    std::fs::create_dir_all(&dir).unwrap();
    let mut c = Command::new("sipp");
    c.current_dir(&dir)
        .arg("-sf")
        .arg(scenario(scenario_file))
        .args(["-i", "127.0.0.1", "-p", &port.to_string()])
        .args(["-mp", &free_port().to_string()])
        .args(["-m", "1", "-nostdin", "-timeout", "30s", "-timeout_error"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// An injection file with an extension's number and secret.
pub fn credentials(server: &Server, (number, secret): (&str, &str)) -> String {
    let file = server.data_dir.join(format!("{number}.csv"));
    std::fs::write(&file, format!("SEQUENTIAL\n{number};{secret};600\n")).unwrap();
    file.display().to_string()
}

/// Waits for SIPp running `name` and fails the test unless it succeeded.
pub fn succeeded(name: &str, child: Child) {
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "sipp {name} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
