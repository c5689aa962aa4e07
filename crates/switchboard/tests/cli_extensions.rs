//! `switchboard extension …` as an administrator types it, against the
//! default SQLite store and against PostgreSQL.

#[path = "../../store/tests/support/mod.rs"]
mod support;

use std::process::Command;

struct Cli {
    data_dir: std::path::PathBuf,
    database_url: Option<String>,
}

impl Cli {
    /// Runs `switchboard ARGS`; returns success, stdout and stderr.
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let mut c = Command::new(env!("CARGO_BIN_EXE_switchboard"));
        c.args(args)
            .env("SWITCHBOARD_DATA_DIR", &self.data_dir)
            .env_remove("SWITCHBOARD_DATABASE_URL");
        if let Some(url) = &self.database_url {
            c.env("SWITCHBOARD_DATABASE_URL", url);
        }
        let out = c.output().expect("running switchboard");
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.success(), text(&out.stdout), text(&out.stderr))
    }

    fn ok(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.run(args);
        assert!(ok, "switchboard {args:?} failed: {err}");
        out
    }

    fn refused(&self, args: &[&str]) -> String {
        let (ok, _, err) = self.run(args);
        assert!(!ok, "switchboard {args:?} should have been refused");
        err
    }
}

fn scenario(cli: &Cli) {
    let added = cli.ok(&[
        "extension",
        "add",
        "1001",
        "--name",
        "Front Desk",
        "--email",
        "desk@example.com",
    ]);
    assert!(added.contains("display name:       Front Desk"), "{added}");
    let secret_line = added
        .lines()
        .find(|l| l.starts_with("SIP secret:"))
        .unwrap();
    assert_eq!(
        secret_line.split_whitespace().last().unwrap().len(),
        24,
        "a generated secret"
    );
    cli.ok(&["extension", "add", "1002"]);

    assert!(cli
        .refused(&["extension", "add", "1001"])
        .contains("number: 1001 is already an extension"));
    assert!(cli
        .refused(&["extension", "add", "1003", "--secret", "password"])
        .contains("secret:"));
    assert!(cli.refused(&["extension", "add", "x1"]).contains("number:"));
    assert!(cli
        .refused(&["extension", "set", "1002", "--call-limit", "0"])
        .contains("call_limit:"));

    let list = cli.ok(&["extension", "list"]);
    assert!(
        list.contains("1001") && list.contains("Front Desk") && list.contains("1002"),
        "{list}"
    );
    let found = cli.ok(&["extension", "list", "--search", "front"]);
    assert!(found.contains("1001") && !found.contains("1002"), "{found}");

    let set = cli.ok(&[
        "extension",
        "set",
        "1002",
        "--name",
        "Back Office",
        "--enabled",
        "false",
    ]);
    assert!(
        set.contains("Back Office") && set.contains("enabled:            no"),
        "{set}"
    );
    let before = cli.ok(&["extension", "show", "1001"]);
    let after = cli.ok(&["extension", "set", "1001", "--regenerate-secret"]);
    let secret = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("SIP secret:"))
            .unwrap()
            .to_owned()
    };
    assert_ne!(secret(&before), secret(&after));

    let added = cli.ok(&["user", "add", "desk", "--extension", "1002"]);
    assert_eq!(
        added
            .trim()
            .strip_prefix("Password for desk: ")
            .map(str::len),
        Some(20),
        "{added}"
    );
    assert!(cli
        .ok(&["user", "list"])
        .contains("desk                  user      1002"));
    assert!(cli
        .refused(&["user", "add", "x", "--extension", "9999"])
        .contains("extension: extension 9999 does not exist"));
    assert!(cli
        .refused(&["user", "add", "Bad Login"])
        .contains("login:"));
    assert!(cli.ok(&["user", "remove", "desk"]).contains("removed"));
    assert!(!cli.ok(&["user", "list"]).contains("desk"));

    assert!(cli.ok(&["extension", "remove", "1002"]).contains("removed"));
    assert!(cli
        .refused(&["extension", "show", "1002"])
        .contains("extension 1002 not found"));
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn extensions_from_the_command_line_on_sqlite() {
    let cli = Cli {
        data_dir: temp_dir("sqlite"),
        database_url: None,
    };
    scenario(&cli);
    assert!(
        cli.data_dir.join("switchboard.db").exists(),
        "the default store is a file in the data directory"
    );
    std::fs::remove_dir_all(&cli.data_dir).unwrap();
}

#[test]
fn extensions_from_the_command_line_on_postgres() {
    let pg = support::TempPostgres::start();
    let cli = Cli {
        data_dir: temp_dir("pg"),
        database_url: Some(pg.url.clone()),
    };
    // The server may still be starting: wait until a harmless command works.
    let mut tries = 0;
    while !cli.run(&["extension", "list"]).0 {
        tries += 1;
        assert!(tries < 100, "PostgreSQL never became ready");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    scenario(&cli);
    assert!(
        !cli.data_dir.join("switchboard.db").exists(),
        "PostgreSQL, not SQLite, holds the data"
    );
    std::fs::remove_dir_all(&cli.data_dir).unwrap();
}
