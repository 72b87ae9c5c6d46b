#![forbid(unsafe_code)]
//! Test-only crate: see tests/wast.rs. The helpers here locate the suites for the
//! datatest-stable harnesses (`wast.rs`, `no_crash.rs`, `roundtrip.rs`).

use std::path::PathBuf;

use switchyard::script::run::expected;

/// The official suite's `core/` folder, if it is there.
pub fn spec_core() -> Option<PathBuf> {
    let core = expected::spec_tests_root().join("core");
    core.is_dir().then_some(core)
}

/// Our own scripts (`testsuite/`).
pub fn bundled() -> String {
    expected::bundled_suite().display().to_string()
}

/// The root the official suite's harness walks: its `core/`, or, when it is missing, our own
/// folder (where the harness's pattern then picks a stand-in file).
pub fn spec_root() -> String {
    spec_core().map_or_else(bundled, |p| p.display().to_string())
}
