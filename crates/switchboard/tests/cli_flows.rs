//! `switchboard ring-group`, `ivr`, `schedule`, `sound` and `numbers` as
//! an administrator types them: objects added from flags, listed, shown
//! as a declaration file writes them (which `apply` takes back with
//! nothing to do), changed, overridden and removed; mistakes refused with
//! the field named; and where each number's calls go.

use std::process::Command;

struct Cli {
    data_dir: std::path::PathBuf,
}

impl Cli {
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(args)
            .env("SWITCHBOARD_DATA_DIR", &self.data_dir)
            .env_remove("SWITCHBOARD_DATABASE_URL")
            .output()
            .expect("running switchboard");
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.success(), text(&out.stdout), text(&out.stderr))
    }

    fn ok(&self, args: &[&str]) -> String {
        let (ok, out, err) = self.run(args);
        assert!(ok, "switchboard {args:?} failed: {err}");
        out
    }

    fn refused(&self, args: &[&str], says: &str) {
        let (ok, _, err) = self.run(args);
        assert!(!ok, "switchboard {args:?} should have been refused");
        assert!(err.contains(says), "switchboard {args:?}: {err}");
    }
}

#[test]
fn call_flows_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("switchboard-cli-flows-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cli = Cli {
        data_dir: dir.clone(),
    };
    cli.ok(&["extension", "add", "1001"]);
    cli.ok(&["extension", "add", "1002"]);

    let added = cli.ok(&[
        "ring-group",
        "add",
        "sales",
        "--number",
        "600",
        "--strategy",
        "hunt",
        "--member",
        "1001",
        "--member",
        "1002:15",
        "--no-answer",
        "voicemail:1001",
        "--caller-id-prefix",
        "Sales: ",
    ]);
    assert_eq!(added, "ring group sales added\n");
    cli.refused(
        &["ring-group", "add", "other", "--member", "1009"],
        "members: extension 1009 does not exist",
    );
    cli.refused(
        &[
            "ring-group",
            "add",
            "other",
            "--member",
            "1001",
            "--number",
            "1002",
        ],
        "number: 1002 is already an extension",
    );
    cli.refused(
        &["ring-group", "add", "other", "--member", "1001:x"],
        "--member 1001:x",
    );
    cli.ok(&[
        "ivr",
        "add",
        "main",
        "--number",
        "500",
        "--greeting",
        "ivr-welcome",
        "--option",
        "1=ring_group:sales",
        "--option",
        "9=ivr:main",
        "--dial-extension",
        "true",
    ]);
    cli.refused(
        &[
            "ivr",
            "add",
            "x",
            "--greeting",
            "ivr-welcome",
            "--option",
            "1",
        ],
        "KEY=DESTINATION",
    );
    cli.refused(
        &["ivr", "set", "main", "--timeout", "0"],
        "timeout: must be 1 to 60",
    );
    cli.ok(&[
        "schedule",
        "add",
        "office",
        "--number",
        "700",
        "--time-zone",
        "Europe/Berlin",
        "--hours",
        "mon,tue,wed,thu,fri 09:00-17:00",
        "--holiday",
        "Christmas=12-25",
        "--open",
        "ivr:main",
        "--closed",
        "voicemail:1002",
        "--override-by",
        "1001",
    ]);
    cli.refused(
        &[
            "schedule",
            "add",
            "s2",
            "--time-zone",
            "Mars",
            "--open",
            "hangup",
            "--closed",
            "hangup",
        ],
        "time_zone",
    );
    cli.refused(
        &["schedule", "set", "office", "--hours", "mon 25:00-26:00"],
        "hours:",
    );

    let list = cli.ok(&["ring-group", "list"]);
    assert!(
        list.contains("sales") && list.contains("1001, 1002") && list.contains("voicemail:1001"),
        "{list}"
    );
    assert!(cli.ok(&["ivr", "list"]).contains("1 → ring_group:sales"));

    // `show` writes what `apply` reads: applied back, nothing changes.
    let shown = cli.ok(&["ring-group", "show", "sales"]);
    assert!(
        shown.starts_with("[[ring_group]]") && !shown.contains("created_at"),
        "{shown}"
    );
    let file = dir.join("sales.toml");
    std::fs::write(&file, &shown).unwrap();
    let plan = cli.ok(&["apply", "--dry-run", file.to_str().unwrap()]);
    assert_eq!(plan.trim(), "no changes", "{plan}");

    let forced = cli.ok(&["schedule", "override", "office", "closed"]);
    assert!(forced.contains("closed"), "{forced}");
    cli.refused(
        &["schedule", "override", "office", "shut"],
        "auto, open or closed",
    );
    let numbers = cli.ok(&["numbers"]);
    assert!(
        numbers.contains("600        Ring group sales: hunt 1001, 1002"),
        "{numbers}"
    );
    let flow = cli.ok(&["numbers", "700"]);
    for says in [
        "700 → Schedule office: closed now, forced closed (Europe/Berlin)",
        "  open: IVR main",
        "    key 1: Ring group sales",
        "      no answer: Voicemail of 1001",
        "(again, as above)",
        "  closed: Voicemail of 1002",
    ] {
        assert!(flow.contains(says), "{says:?} not in:\n{flow}");
    }

    // Sounds: uploaded and removed; a shipped one cannot be replaced.
    let wav = dir.join("hello.wav");
    let mut f = std::fs::File::create(&wav).unwrap();
    switchboard_media::wav::write(&mut f, 8000, 1, &[1000; 8000]).unwrap();
    assert!(cli
        .ok(&["sound", "add", "hello", wav.to_str().unwrap()])
        .contains("1.0 s"));
    cli.refused(
        &["sound", "add", "ivr-welcome", wav.to_str().unwrap()],
        "shipped prompt",
    );
    let sounds = cli.ok(&["sound", "list"]);
    assert!(
        sounds.contains("hello") && sounds.contains("uploaded"),
        "{sounds}"
    );
    cli.ok(&["ivr", "set", "main", "--greeting", "hello"]);
    cli.refused(&["sound", "remove", "hello"], "ivr main (greeting)");
    cli.ok(&["ivr", "set", "main", "--greeting", "ivr-welcome"]);
    cli.ok(&["sound", "remove", "hello"]);

    cli.refused(
        &["ring-group", "remove", "sales"],
        "ivr main (option 1) refers to it",
    );
    cli.ok(&["ivr", "set", "main", "--option", "9=ivr:main"]);
    cli.ok(&[
        "ring-group",
        "set",
        "sales",
        "--new-name",
        "team",
        "--strategy",
        "round_robin",
    ]);
    assert!(cli.ok(&["ring-group", "list"]).contains("round robin"));
    cli.ok(&["schedule", "remove", "office"]);
    cli.ok(&["ivr", "remove", "main"]);
    cli.ok(&["ring-group", "remove", "team"]);
    assert_eq!(cli.ok(&["numbers"]).lines().count(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}
