//! A throw-away PostgreSQL server for tests: `initdb` into a temporary
//! directory, `postgres` on a free loopback port, stopped and removed when
//! dropped. PostgreSQL refuses to run as root, so as root the server runs
//! as the `postgres` user the Debian package creates. The README's test
//! command installs the package.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct TempPostgres {
    child: Child,
    dir: PathBuf,
    pub url: String,
}

fn binary(name: &str) -> PathBuf {
    let in_path = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output();
    if let Ok(out) = in_path {
        let found = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if out.status.success() && !found.is_empty() {
            return PathBuf::from(found);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.flatten()
                .map(|e| e.path().join("bin").join(name))
                .filter(|p| p.exists())
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions.pop().unwrap_or_else(|| {
        panic!("{name} not found: the README's test command installs postgresql")
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

fn command(program: &Path, as_postgres: bool) -> Command {
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl TempPostgres {
    pub fn start() -> TempPostgres {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir =
            std::env::temp_dir().join(format!("switchboard-pg-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown")
                .arg("postgres:postgres")
                .arg(&dir)
                .status()
                .unwrap();
            assert!(status.success(), "chown postgres {}", dir.display());
        }
        let data = dir.join("data");
        let out = command(&binary("initdb"), as_postgres)
            .args([
                "-U",
                "switchboard",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data)
            .output()
            .expect("running initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let child = command(&binary("postgres"), as_postgres)
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-h", "127.0.0.1", "-k"])
            .arg(&dir)
            .args([
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting postgres");
        TempPostgres {
            child,
            dir,
            url: format!("postgres://switchboard@127.0.0.1:{port}/postgres"),
        }
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = Command::new("pkill")
            .arg("-f")
            .arg(self.dir.to_string_lossy().as_ref())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Opens the store at `url`, waiting for a server that is still starting.
pub async fn open(url: &str) -> switchboard_store::Store {
    for _ in 0..100 {
        if let Ok(s) = switchboard_store::Store::open(url).await {
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the database at {url} never became ready")
}
