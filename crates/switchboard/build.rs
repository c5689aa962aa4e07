//! Embeds the shipped prompt sets (`prompts/LANG/NAME.wav` at the root of
//! the repository) in the binary, so a lone binary speaks.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read when the script runs, not when it is compiled: a target
    // directory shared by two checkouts runs one script binary for both.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("../../prompts");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut table = String::from("&[\n");
    let mut languages: Vec<_> = std::fs::read_dir(&root)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    languages.sort();
    for dir in languages {
        println!("cargo:rerun-if-changed={}", dir.display());
        let lang = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("a prompt directory")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "wav"))
            .collect();
        files.sort();
        for file in files {
            let name = file.file_stem().unwrap().to_string_lossy();
            let path = file.canonicalize().expect("a prompt file");
            writeln!(
                table,
                "    ({lang:?}, {name:?}, include_bytes!({:?})),",
                path.display()
            )
            .unwrap();
        }
    }
    table.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("prompts.rs");
    std::fs::write(out, table).expect("writing the prompt table");
}
