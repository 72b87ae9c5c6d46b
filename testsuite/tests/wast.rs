//! One test per `.wast` script: the bundled suites under `testsuite/` and the official suite
//! (`../shared/spec-tests/core`, or `$SWITCHYARD_SPEC_TESTS/core`). A script passes when exactly the directives listed for it in
//! `testsuite/expected-failures.txt` fail.

use std::path::Path;
use std::sync::OnceLock;

use switchyard::script::run::expected::{self, ExpectedFailures};
use switchyard::script::run::{run_file, RunOptions};
use switchyard_testsuite::{bundled, spec_core, spec_root};

fn expected_failures() -> &'static Result<ExpectedFailures, String> {
    static LIST: OnceLock<Result<ExpectedFailures, String>> = OnceLock::new();
    LIST.get_or_init(|| ExpectedFailures::load(&expected::expected_failures_path()))
}

fn check(path: &Path) -> datatest_stable::Result<()> {
    let list = expected_failures().as_ref().map_err(|e| e.clone())?;
    let report = run_file(path, &RunOptions::from_env());
    let problems = list.check(&expected::file_key(path), &report);
    if problems.is_empty() {
        return Ok(());
    }
    Err(Box::new(Problems(format!(
        "{}\n({} problem(s); if the change is intended, refresh the list with\n  \
         cargo run --release -- run --write-expected-failures testsuite/expected-failures.txt \
         testsuite ../shared/spec-tests/core)",
        problems.join("\n"),
        problems.len()
    ))))
}

/// A test failure whose `Debug` (what the harness prints) is the plain text.
struct Problems(String);

impl std::fmt::Debug for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Problems {}

/// Our own scripts. The diagnostics fixtures (`testsuite/diagnostics/`) fail on purpose: their
/// rendered output is what `spec-interp/tests/diagnostics.rs` checks, so they are not run here.
fn ours(path: &Path) -> datatest_stable::Result<()> {
    if path.components().any(|c| c.as_os_str() == "diagnostics") {
        return Ok(());
    }
    check(path)
}

/// The official suite; when it is missing, a single stand-in test (`spec::README.md`) says so,
/// and fails under CI.
fn spec(path: &Path) -> datatest_stable::Result<()> {
    if spec_core().is_some() {
        return check(path);
    }
    let notice = format!(
        "the official suite was not found at {} (set SWITCHYARD_SPEC_TESTS to the folder \
         holding its `core/`); its tests are skipped",
        expected::spec_tests_root().display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        return Err(Box::new(Problems(format!(
            "{notice}, which CI does not allow"
        ))));
    }
    eprintln!("notice: {notice}");
    Ok(())
}

fn spec_pattern() -> &'static str {
    match spec_core() {
        Some(_) => r"\.wast$",
        None => r"^README\.md$",
    }
}

datatest_stable::harness! {
    { test = ours, root = bundled(), pattern = r"\.wast$" },
    { test = spec, root = spec_root(), pattern = spec_pattern() },
}
