//! Rule coverage ratchets up: every rule that a proposal text lists (`proposals/core/README.md`
//! and `proposals/<design>/README.md`, typing and reduction) is exercised by at least one script
//! of `testsuite/` or of the official suite. A new rule needs a script that hits it; a script
//! removed must not leave a rule untested. `switchyard coverage testsuite
//! ../shared/spec-tests/core` shows the same counts by rule and script (`docs/coverage.md`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use pretty_assertions::assert_eq;
use switchyard::coverage::doc::Relation;
use switchyard::coverage::report::{self, Coverage, ScriptCounts};
use switchyard::script::run::expected;
use switchyard::script::run::files::collect_wast_files;
use switchyard::script::run::{run_file_counting, RunOptions};
use switchyard::syntax::{LoadOp, NumOp, StoreOp};

/// The counts of every script under `roots`, on as many threads as there are cores.
fn count(roots: &[PathBuf]) -> Vec<ScriptCounts> {
    let scripts = collect_wast_files(roots).expect("the suites are readable");
    let next = AtomicUsize::new(0);
    let out = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = scripts.get(i) else { break };
                let (file_report, counts) = run_file_counting(path, &RunOptions::default());
                if let Some(design) = file_report.design {
                    let shown = path
                        .strip_prefix(expected::bundled_suite().parent().unwrap_or(Path::new("")))
                        .unwrap_or(path);
                    out.lock().expect("no worker panicked").push(ScriptCounts {
                        path: shown.display().to_string(),
                        design,
                        counts,
                    });
                }
            });
        }
    });
    let mut all = out.into_inner().expect("no worker panicked");
    all.sort_by(|a, b| a.path.cmp(&b.path));
    all
}

/// The report over the bundled and the official suites; `None` (with a notice) when the
/// official suite is missing outside CI.
fn coverage() -> Option<Coverage> {
    let spec = expected::spec_tests_root().join("core");
    if !spec.is_dir() {
        let notice = format!(
            "the official suite was not found at {} (set SWITCHYARD_SPEC_TESTS); rule coverage \
             needs it",
            spec.display()
        );
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "{notice}, which CI does not allow"
        );
        eprintln!("notice: {notice}; skipped");
        return None;
    }
    let scripts = count(&[expected::bundled_suite(), spec]);
    Some(report::build(&scripts, None))
}

/// An instruction that goes by its own name rather than a rule's (numeric, load, store, vector).
fn is_plain_instruction(name: &str) -> bool {
    switchyard::simd::Op::from_name(name).is_some()
        || NumOp::ALL.iter().any(|op| op.name() == name)
        || LoadOp::ALL.iter().any(|op| op.name() == name)
        || StoreOp::ALL.iter().any(|op| op.name() == name)
}

#[test]
fn every_listed_rule_is_exercised() {
    let Some(c) = coverage() else { return };
    assert!(c.scripts > 200, "only {} scripts ran", c.scripts);
    assert_eq!(
        c.never_hit(),
        Vec::<String>::new(),
        "rules listed in proposals/*/README.md that no script of testsuite/ or of the official \
         suite exercises: add a script that does (`switchyard coverage` shows every rule's hits)"
    );
    // The other direction: every typing rule the validator reports is listed (the reduction
    // names are checked against the code by tests/rules.rs).
    let unlisted: Vec<String> = c
        .parts
        .iter()
        .flat_map(|p| p.other.iter().map(move |r| (p.proposal.name, r)))
        .filter(|(_, r)| r.relation == Relation::Typing && !is_plain_instruction(&r.name))
        .map(|(p, r)| format!("{p}: {}", r.name))
        .collect();
    assert_eq!(
        unlisted,
        Vec::<String>::new(),
        "typing rules the validator reports (spec-interp/src/valid/rules.rs, \
         <design>/rules.rs) that no proposal text lists"
    );
}
