//! The newcomer's path, end to end, on SQLite and on PostgreSQL: log into
//! the web console with the password the first start printed and create
//! extension 1001 there (web/e2e/console.mjs drives Debian's Chromium with
//! playwright-core, with a second admin watching changes arrive live);
//! then see 1001 with `switchboard extension list` and with curl and an
//! API token; export it, edit the file, and apply it back (TOML on SQLite,
//! YAML on PostgreSQL).

#[path = "../../store/tests/support/mod.rs"]
mod support;

mod common;

use common::{cli, Server};
use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn web_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web")
}

/// The store the server uses, as the CLI is told of it.
fn store_env(server: &Server, database_url: Option<&str>) -> Vec<(&'static str, String)> {
    let mut env = vec![(
        "SWITCHBOARD_DATA_DIR",
        server.data_dir.display().to_string(),
    )];
    if let Some(url) = database_url {
        env.push(("SWITCHBOARD_DATABASE_URL", url.to_owned()));
    }
    env
}

/// curl against the server's API; returns the body, failing on an HTTP
/// error.
fn curl(server: &Server, args: &[&str], path: &str) -> String {
    let url = format!("http://127.0.0.1:{}{path}", server.http_port);
    let out = Command::new("curl")
        .args(["-sS", "--fail-with-body"])
        .args(args)
        .arg(&url)
        .output()
        .expect("running curl");
    let body = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "curl {args:?} {url}: {body}");
    body
}

fn json_field(body: &str, key: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).expect("JSON");
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {body}"))
        .to_owned()
}

fn newcomer(database_url: Option<&str>, name: &str, format: &str) {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing; the README's test command installs Debian's chromium"
    );
    // SIPp registers a phone; it reads only the first challenge.
    let mut server_env = vec![("SWITCHBOARD_SIP__DIGEST", "MD5, SHA-256")];
    if let Some(url) = database_url {
        server_env.push(("SWITCHBOARD_DATABASE_URL", url));
    }
    let server = Server::start_with(&server_env);
    let password = server.admin_password();
    let env = store_env(&server, database_url);
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("console-screenshots/{name}"));

    // The console, in Chromium.
    let status = Command::new("node")
        .arg(web_dir().join("e2e/console.mjs"))
        .env("SB_URL", format!("http://127.0.0.1:{}/", server.http_port))
        .env("SB_PASSWORD", &password)
        .env("SB_CLI", env!("CARGO_BIN_EXE_switchboard"))
        .env("SB_SCREENSHOTS", &shots)
        .env("SB_CHROMIUM", CHROMIUM)
        .env("SB_SIP", server.target())
        .env(
            "SB_SIPP_REGISTER",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sipp/register_digest.xml"),
        )
        .env_remove("SWITCHBOARD_DATABASE_URL")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .status()
        .expect("running node (the README's test command installs nodejs)");
    assert!(status.success(), "the console end-to-end run failed");
    println!("screenshots in {}", shots.display());

    // The CLI sees what the console made.
    let listed = cli(&env, &["extension", "list"]);
    let line = listed
        .lines()
        .find(|l| l.starts_with("1001"))
        .unwrap_or_else(|| panic!("1001 not listed:\n{listed}"));
    assert!(line.contains("Front desk"), "{line}");
    assert!(
        !listed.contains("1002"),
        "1002 was deleted in the console:\n{listed}"
    );
    let phones = cli(&env, &["registrations"]);
    assert!(
        phones
            .lines()
            .any(|l| l.starts_with("1001 ") && l.contains("SIPp")),
        "{phones}"
    );

    // So does curl, with an API token made after logging in.
    let cookies = server.data_dir.join("curl-cookies");
    let cookies = cookies.to_str().unwrap();
    let login = format!(r#"{{"login":"admin","password":"{password}"}}"#);
    let session = curl(
        &server,
        &[
            "-c",
            cookies,
            "-H",
            "Content-Type: application/json",
            "-d",
            &login,
        ],
        "/api/v1/login",
    );
    let csrf = format!("X-CSRF-Token: {}", json_field(&session, "csrf_token"));
    let made = curl(
        &server,
        &[
            "-b",
            cookies,
            "-H",
            &csrf,
            "-H",
            "Content-Type: application/json",
            "-d",
            r#"{"name":"newcomer","scope":"read"}"#,
        ],
        "/api/v1/tokens",
    );
    let bearer = format!("Authorization: Bearer {}", json_field(&made, "token"));
    let shown = curl(&server, &["-H", &bearer], "/api/v1/extensions/1001");
    assert_eq!(json_field(&shown, "display_name"), "Front desk");
    assert_eq!(json_field(&shown, "email"), "reception@example.com");

    // Export, edit, apply back: TOML or YAML, by the file's name.
    let file = server.data_dir.join(format!("pbx.{format}"));
    let file = file.to_str().unwrap();
    cli(&env, &["export", file]);
    let exported = std::fs::read_to_string(file).unwrap();
    let name_line = match format {
        "toml" => "display_name = \"Front desk\"",
        _ => "display_name: Front desk",
    };
    assert!(exported.contains(name_line), "{exported}");
    let unchanged = cli(&env, &["apply", file]);
    assert_eq!(unchanged.trim(), "no changes", "export → apply is a no-op");
    std::fs::write(file, exported.replace("Front desk", "Main reception")).unwrap();
    let plan = cli(&env, &["apply", "--dry-run", file]);
    assert_eq!(
        plan.trim(),
        "~ extension 1001\n    display_name: \"Front desk\" → \"Main reception\""
    );
    let shown = curl(&server, &["-H", &bearer], "/api/v1/extensions/1001");
    assert_eq!(
        json_field(&shown, "display_name"),
        "Front desk",
        "a dry run changes nothing"
    );
    let applied = cli(&env, &["apply", file]);
    assert!(applied.ends_with("applied\n"), "{applied}");
    let shown = curl(&server, &["-H", &bearer], "/api/v1/extensions/1001");
    assert_eq!(json_field(&shown, "display_name"), "Main reception");
    assert_eq!(
        cli(&env, &["apply", file]).trim(),
        "no changes",
        "idempotent"
    );
}

#[test]
fn newcomer_on_sqlite() {
    newcomer(None, "sqlite", "toml");
}

#[test]
fn newcomer_on_postgres() {
    let pg = support::TempPostgres::start();
    newcomer(Some(&pg.url), "postgres", "yaml");
}

/// `apply` names what is wrong with a file: its format, a field.
#[test]
fn apply_names_the_fault() {
    let server = Server::start();
    let env = store_env(&server, None);
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(args)
            .env_remove("SWITCHBOARD_DATABASE_URL")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let text = server.data_dir.join("pbx.txt");
    std::fs::write(&text, "").unwrap();
    let err = run(&["apply", text.to_str().unwrap()]);
    assert!(err.contains(".toml, .yaml or .yml"), "{err}");
    let yaml = server.data_dir.join("pbx.yaml");
    std::fs::write(
        &yaml,
        "extension:\n  - number: \"1001\"\n    display_name: A\n    colour: red\n",
    )
    .unwrap();
    let err = run(&["apply", yaml.to_str().unwrap()]);
    assert!(err.contains("pbx.yaml") && err.contains("colour"), "{err}");
    let err = run(&["export", "--format", "xml"]);
    assert!(err.contains("use toml or yaml"), "{err}");
}
