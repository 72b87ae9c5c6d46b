//! Generated programs (issue 10, "make crash unreachable"): a few hundred stack-switching
//! programs from `stackgen` with a fixed seed run in Switchyard; every directive must do what
//! the generator's model predicts, and no outcome may be a `crash`.
//!
//! Run it with debug assertions on (the `test` profile has them; `.ci/run` does so):
//! `cargo test -p switchyard-testsuite --test generated`. `GENERATED_PROGRAMS=N` and
//! `GENERATED_SEED=S` change the stress.

use std::path::Path;
use switchyard::script::run::{run_source, RunOptions, Status};

/// Scenarios where Switchyard knowingly disagrees with the model today, each with the rule that
/// decides it. A listed scenario that starts agreeing fails the test (remove it then).
const PENDING: &[(&str, &str)] = &[
    // Empty since the issue 10 fixes: `(on $e switch)` needs equal results, and a trap of
    // `resume_throw_ref` on a null exnref leaves the continuation live. Shape of an entry:
    // ("text that marks the scenario", "the disagreement and the rule that decides it"),
];

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn generated_programs_do_what_the_model_predicts() {
    let programs = env("GENERATED_PROGRAMS", 300);
    let seed = env("GENERATED_SEED", 20261202);
    let mut problems = Vec::new();
    let mut pending_hits = vec![0usize; PENDING.len()];
    let mut pending_passes = vec![0usize; PENDING.len()];
    let mut directives = 0;
    for i in 0..programs {
        let program = stackgen::Program::generate(seed.wrapping_add(i));
        let rendered = stackgen::render(&program);
        let path = format!("typed-cont/generated-{}.wast", program.seed);
        let report = run_source(Path::new(&path), &rendered.text, &RunOptions::default());
        directives += report.outcomes.len();
        // Per scenario: did all its directives pass?
        let mut failed: Vec<Option<String>> = vec![None; program.scenarios.len()];
        for o in &report.outcomes {
            if o.actual.starts_with("crash") {
                problems.push(format!(
                    "{path}:{}: crash: {} (stackgen {})",
                    o.line, o.actual, program.seed
                ));
            }
            if o.status != Status::Passed {
                if let Some(s) = rendered.scenario_at(o.line) {
                    failed[s].get_or_insert_with(|| {
                        format!(
                            "{path}:{} {}: expected {}, got {}",
                            o.line, o.kind, o.expected, o.actual
                        )
                    });
                }
            }
        }
        for (s, scenario) in program.scenarios.iter().enumerate() {
            let text = stackgen::render::scenario(scenario);
            let pending = PENDING.iter().position(|(mark, _)| text.contains(mark));
            match (pending, &failed[s]) {
                (Some(p), Some(_)) => pending_hits[p] += 1,
                (Some(p), None) => pending_passes[p] += 1,
                (None, Some(why)) => problems.push(format!(
                    "{why} (stackgen {} scenario {s}):\n{text}",
                    program.seed
                )),
                (None, None) => {}
            }
        }
    }
    for (p, (_, why)) in PENDING.iter().enumerate() {
        if pending_passes[p] > 0 {
            problems.push(format!(
                "now agrees with the model ({} scenarios), remove it from PENDING: {why}",
                pending_passes[p]
            ));
        }
    }
    assert!(directives > programs as usize * 5, "too few directives ran");
    assert!(
        problems.is_empty(),
        "{} problem(s) in {programs} generated programs:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The same programs' coroutines under effect-handlers (deep handlers run the same abstract
/// program): the same predictions hold there, and nothing crashes.
#[test]
fn generated_coroutines_agree_under_effect_handlers() {
    let programs = env("GENERATED_PROGRAMS", 300);
    let seed = env("GENERATED_SEED", 20261202);
    let mut problems = Vec::new();
    let mut directives = 0;
    for i in 0..programs {
        let program = stackgen::Program::generate(seed.wrapping_add(i));
        let rendered = stackgen::render::effect_handlers(&program);
        let path = format!("effect-handlers/generated-{}.wast", program.seed);
        let report = run_source(Path::new(&path), &rendered.text, &RunOptions::default());
        directives += report.outcomes.len();
        for o in &report.outcomes {
            if o.status != Status::Passed || o.actual.starts_with("crash") {
                problems.push(format!(
                    "{path}:{} {}: expected {}, got {}",
                    o.line, o.kind, o.expected, o.actual
                ));
            }
        }
    }
    assert!(directives > programs as usize, "too few directives ran");
    assert!(
        problems.is_empty(),
        "{} problem(s) in {programs} generated programs:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The same programs' coroutines (without nested handlers) and ping-pongs under raw-stacks
/// (`stack.switch` to the driver's reference for each yield, `stack.switch_throw` for a
/// `resume_throw`, `stack.switch_retire` at the end): the same predictions hold, and nothing
/// crashes. Enough of them map for the test to mean something.
#[test]
fn generated_programs_agree_under_raw_stacks() {
    let programs = env("GENERATED_PROGRAMS", 300);
    let seed = env("GENERATED_SEED", 20261202);
    let mut problems = Vec::new();
    let mut directives = 0;
    let (mut switch_throws, mut ping_pongs) = (0, 0);
    for i in 0..programs {
        let program = stackgen::Program::generate(seed.wrapping_add(i));
        let rendered = stackgen::render::raw_stacks(&program);
        assert_eq!(rendered.spans.len(), program.scenarios.len());
        switch_throws += rendered.text.matches("(stack.switch_throw").count();
        ping_pongs += rendered.text.matches("(func $p ").count();
        let path = format!("raw-stacks/generated-{}.wast", program.seed);
        let report = run_source(Path::new(&path), &rendered.text, &RunOptions::default());
        directives += report.outcomes.len();
        for o in &report.outcomes {
            if o.status != Status::Passed || o.actual.starts_with("crash") {
                problems.push(format!(
                    "{path}:{} {}: expected {}, got {} (STACKGEN_DESIGN=raw-stacks stackgen {})",
                    o.line, o.kind, o.expected, o.actual, program.seed
                ));
            }
        }
    }
    assert!(directives > programs as usize, "too few directives ran");
    assert!(
        switch_throws > 0 && ping_pongs > 0,
        "{switch_throws} {ping_pongs}"
    );
    assert!(
        problems.is_empty(),
        "{} problem(s) in {programs} generated programs:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The minimizer's moves keep programs valid and predicted: every one-step shrink of the
/// scenarios of some programs passes in Switchyard as well.
#[test]
fn shrink_candidates_stay_valid_and_predicted() {
    let mut problems = Vec::new();
    let mut candidates = 0;
    for i in 0..40u64 {
        let program = stackgen::Program::generate(7_000 + i);
        for scenario in &program.scenarios {
            for c in stackgen::shrink::candidates(scenario) {
                candidates += 1;
                let text = stackgen::render::scenario(&c);
                let report = run_source(
                    Path::new("typed-cont/shrunk.wast"),
                    &text,
                    &RunOptions::default(),
                );
                if let Some(o) = report.outcomes.iter().find(|o| o.status != Status::Passed) {
                    problems.push(format!(
                        "line {}: expected {}, got {}\n{text}",
                        o.line, o.expected, o.actual
                    ));
                }
            }
        }
    }
    assert!(candidates > 200, "only {candidates} candidates");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A seed names one program: generating twice gives the same text.
#[test]
fn generation_is_deterministic() {
    for seed in [0, 1, u64::MAX, 20261202] {
        let a = stackgen::render(&stackgen::Program::generate(seed)).text;
        let b = stackgen::render(&stackgen::Program::generate(seed)).text;
        assert_eq!(a, b);
    }
}
