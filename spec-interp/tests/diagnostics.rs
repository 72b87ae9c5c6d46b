//! Rendered diagnostics, exactly: every script in `testsuite/diagnostics/` is run through the
//! built `switchyard` binary and its whole output (exit status, standard output, standard
//! error) is compared with the `.out` file beside it.
//!
//! - `NAME.wast` (or `.wat`, `.wasm`, ...): the input. A first line `;; args: A B ...` gives the
//!   arguments to pass instead of the default `run`; the file's name is appended last unless an
//!   argument is `{}`, which is replaced by it.
//! - `NAME.out`: the expected output, as this test renders it (see `render`).
//!
//! Colour is off (`NO_COLOR=1`) and the working folder is `testsuite/diagnostics/`, so paths in
//! messages are the bare file names. `SWITCHYARD_BLESS=1 cargo test --test diagnostics` rewrites
//! the `.out` files from the current output; review the diff before committing it.

use std::path::{Path, PathBuf};
use std::process::Command;

use pretty_assertions::assert_eq;

const EXE: &str = env!("CARGO_BIN_EXE_switchyard");

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testsuite/diagnostics")
}

/// The arguments for `file`: its `;; args:` line, else `run`, with the file's name last or in
/// place of `{}`.
fn args_for(file: &Path, name: &str) -> Vec<String> {
    let bytes = std::fs::read(file).unwrap();
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let given = std::str::from_utf8(first)
        .ok()
        .and_then(|l| l.strip_prefix(";; args:"))
        .map(|rest| {
            rest.split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        });
    let mut args = given.unwrap_or_else(|| vec!["run".to_string()]);
    if let Some(slot) = args.iter_mut().find(|a| *a == "{}") {
        *slot = name.to_string();
    } else {
        args.push(name.to_string());
    }
    args
}

fn render(args: &[String], dir: &Path) -> String {
    let out = Command::new(EXE)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    format!(
        "$ switchyard {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn every_script_renders_as_expected() {
    let dir = folder();
    let bless = std::env::var_os("SWITCHYARD_BLESS").is_some();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x != "out" && x != "md"))
        .collect();
    inputs.sort();
    let mut missing = Vec::new();
    for input in &inputs {
        let name = input.file_name().unwrap().to_str().unwrap();
        let actual = render(&args_for(input, name), &dir);
        let expected_path = input.with_extension("out");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) => assert_eq!(expected, actual, "{name}"),
            Err(_) => missing.push(name.to_string()),
        }
    }
    assert!(
        missing.is_empty(),
        "no .out file for {missing:?} (SWITCHYARD_BLESS=1 writes them)"
    );
}
