//! Builds the web console from `web/` with npm and Vite, and writes the
//! table of its files that `lib.rs` embeds. It runs again only when the
//! console's sources or its locked dependencies change; `npm ci` only when
//! the lock file is newer than the installed packages.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

const SOURCES: &[&str] = &[
    "src",
    "index.html",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "vite.config.ts",
];

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let web = manifest.join("../../web");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("console");
    for source in SOURCES {
        println!("cargo::rerun-if-changed={}", web.join(source).display());
    }
    println!("cargo::rerun-if-env-changed=NPM");

    let npm = env::var("NPM").unwrap_or_else(|_| "npm".into());
    if needs_install(&web) {
        run(&npm, &["ci", "--no-audit", "--no-fund"], &web);
    }
    let out_dir = out.to_str().expect("OUT_DIR is not UTF-8");
    run(
        &npm,
        &["run", "build", "--", "--outDir", out_dir, "--emptyOutDir"],
        &web,
    );

    let mut files = Vec::new();
    collect(&out, &out, &mut files);
    files.sort();
    let mut table = String::from("pub static ASSETS: &[Asset] = &[\n");
    for (path, file) in &files {
        table.push_str(&format!(
            "    Asset {{ path: {path:?}, body: include_bytes!({file:?}), content_type: {:?} }},\n",
            content_type(path)
        ));
    }
    table.push_str("];\n");
    let generated = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("assets.rs");
    fs::write(generated, table).expect("writing the asset table");
}

/// Whether `node_modules` is missing or older than the lock file.
fn needs_install(web: &Path) -> bool {
    let modified = |p: PathBuf| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(web.join("node_modules/.package-lock.json")),
        modified(web.join("package-lock.json")),
    ) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    }
}

fn run(npm: &str, args: &[&str], dir: &Path) {
    let status = Command::new(npm).args(args).current_dir(dir).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!(
            "`{npm} {}` in {} failed: {s}",
            args.join(" "),
            dir.display()
        ),
        Err(e) => panic!(
            "building the web console needs Node.js 20 or newer and npm \
             (Debian: apt install nodejs npm); running `{npm}` failed: {e}"
        ),
    }
}

/// Every file under `dir`, as (URL path, absolute file path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).expect("reading the built console") {
        let path = entry.expect("reading the built console").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let url = path.strip_prefix(root).expect("under the root");
            let url = format!("/{}", url.to_str().expect("UTF-8 file name"));
            files.push((url, path.to_str().expect("UTF-8 path").to_owned()));
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}
