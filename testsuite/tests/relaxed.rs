//! The relaxed SIMD choices (`--relaxed`, `;;! relaxed = ...`; see `proposals/core/simd.md`):
//! the official relaxed-simd scripts accept every choice Switchyard offers, and the choices
//! really differ (each of our two scripts fails every assertion under the other choice).

use std::path::{Path, PathBuf};

use switchyard::script::run::expected;
use switchyard::script::run::{run_file, RunOptions};
use switchyard::simd::Relaxed;

fn run(path: &Path, relaxed: Relaxed) -> (usize, usize) {
    let options = RunOptions {
        relaxed: Some(relaxed),
        ..RunOptions::default()
    };
    let tally = run_file(path, &options).tally();
    (tally.passed, tally.failed)
}

#[test]
fn official_relaxed_scripts_accept_every_choice() {
    let dir = expected::spec_tests_root()
        .join("core")
        .join("relaxed-simd");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("notice: {} not found; skipped", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    assert!(files.len() >= 7, "relaxed-simd scripts: {files:?}");
    for file in &files {
        for relaxed in [Relaxed::Deterministic, Relaxed::X86] {
            let (passed, failed) = run(file, relaxed);
            assert!(
                passed > 0 && failed == 0,
                "{} under {relaxed}: {failed} failed",
                file.display()
            );
        }
    }
}

#[test]
fn the_choices_differ_on_every_case() {
    let core = expected::bundled_suite().join("core");
    for (file, own, other) in [
        (
            "relaxed-deterministic.wast",
            Relaxed::Deterministic,
            Relaxed::X86,
        ),
        ("relaxed-x86.wast", Relaxed::X86, Relaxed::Deterministic),
    ] {
        let path = core.join(file);
        let (passed, failed) = run(&path, own);
        assert_eq!((passed, failed), (18, 0), "{file} under {own}");
        // only the module definition passes; every assertion fails
        assert_eq!(run(&path, other), (1, 17), "{file} under {other}");
    }
}
