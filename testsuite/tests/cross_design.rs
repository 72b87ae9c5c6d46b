//! One test per program of `testsuite/cross-design/`: its three versions (`typed-cont.wast`,
//! `raw-stacks.wast`, `effect-handlers.wast`) must each pass their own assertions and give the
//! same results and transcripts, except the exports the program's README documents in its
//! `differences` block, which must differ exactly as documented (see `switchyard::compare`).

use std::path::{Path, PathBuf};

use switchyard::compare::{compare_program, render_text};
use switchyard::script::run::expected;

fn check(readme: &Path) -> datatest_stable::Result<()> {
    let dir = readme.parent().ok_or("a README outside a program folder")?;
    let comparison = compare_program(dir);
    if comparison.ok() {
        return Ok(());
    }
    let mut report = render_text(&comparison);
    if comparison.problems.len() > 20 {
        report.push_str("  all problems:\n");
        for problem in &comparison.problems {
            report.push_str(&format!("    - {problem}\n"));
        }
    }
    Err(report.into())
}

fn root() -> String {
    let dir: PathBuf = expected::bundled_suite().join("cross-design");
    dir.display().to_string()
}

datatest_stable::harness! {
    { test = check, root = root(), pattern = r"^[^/]+/README\.md$" },
}
