//! No `crash` outcome anywhere (issue 10): every `.wast` script of ours and of the official
//! suite, run as written and run again with every module's exports poked
//! (`switchyard::script::run::poke`). Unlike `wast.rs`, the expected-failures list plays no
//! part: a crash fails the test even where the directive was expected to fail. `.ci/run` runs
//! this test in the `checked` profile, with debug assertions and overflow checks on.

use std::path::Path;

use switchyard::script::run::poke::crash_check;
use switchyard_testsuite::{bundled, spec_core, spec_root};

fn check(path: &Path) -> datatest_stable::Result<()> {
    let crashes = crash_check(path);
    if crashes.is_empty() {
        return Ok(());
    }
    Err(format!("{} crash(es):\n{}", crashes.len(), crashes.join("\n")).into())
}

fn ours(path: &Path) -> datatest_stable::Result<()> {
    check(path)
}

fn spec(path: &Path) -> datatest_stable::Result<()> {
    if spec_core().is_some() {
        check(path)
    } else {
        Ok(()) // wast.rs reports a missing official suite
    }
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
