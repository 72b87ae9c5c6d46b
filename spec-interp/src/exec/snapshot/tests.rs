//! The snapshot format on the generator of `docs/examples/` in each design: what the thread
//! and the store look like around a suspension and a resumption.

use std::path::Path;

use super::*;
use crate::design::Design;
use crate::script::run::{run_source, RunOptions, Status};
use pretty_assertions::assert_eq;

fn record(design: Design, limit: usize) -> Recorder {
    let path = format!(
        "{}/../docs/examples/generator-{}.wast",
        env!("CARGO_MANIFEST_DIR"),
        design.name()
    );
    let src = std::fs::read_to_string(&path).unwrap();
    let sink = Recorder::sink(Mode::Collect { limit });
    let options = RunOptions {
        snapshots: Some(sink.clone()),
        ..RunOptions::default()
    };
    let report = run_source(Path::new(&path), &src, &options);
    assert!(report.outcomes.iter().all(|o| o.status == Status::Passed));
    let rec = std::mem::replace(&mut *sink.lock().unwrap(), Recorder::new(Mode::Print));
    rec
}

/// The first snapshot after a step with rule `rule`, from step `from` on.
fn after<'a>(rec: &'a Recorder, rule: &str, from: usize) -> (usize, &'a Snapshot) {
    rec.steps
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, s)| s.rule == rule)
        .unwrap_or_else(|| panic!("no step {rule} after {from}"))
}

fn prompts(snap: &Snapshot) -> Vec<&str> {
    snap.thread
        .iter()
        .map(|sg| sg.prompt.kind.as_str())
        .collect()
}

/// Every reference in the snapshot's thread and suspended objects: (id, state).
fn refs(snap: &Snapshot) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let segs = snap
        .thread
        .iter()
        .chain(snap.suspended.iter().flat_map(|k| &k.segments));
    for sg in segs {
        let vals = sg.vals.iter().chain(
            sg.frames
                .iter()
                .flat_map(|f| f.vals.iter().chain(&f.locals)),
        );
        for v in vals {
            if let (Some(t), Some(st)) = (&v.target, &v.state) {
                out.push((t.clone(), st.clone()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn typed_cont_generator_at_its_suspend_points() {
    let rec = record(Design::TypedCont, 10_000);
    assert!(!rec.truncated);
    // The module, then the assertion: every step belongs to the assertion.
    assert_eq!(rec.directives.len(), 2);
    assert_eq!(rec.directives[1].kind, "assert_return");
    assert_eq!(rec.directives[1].status, "passed");
    assert_eq!(rec.directives[1].first_step, 0);
    assert_eq!(rec.directives[1].end_step, rec.total_steps);
    assert!(rec.steps.iter().all(|s| s.directive == 1));
    assert_eq!(rec.steps[0].rule, "invoke");
    assert_eq!(rec.steps[0].thread.len(), 1);

    // cont.new: a fresh continuation in the store, with the function to start.
    let (_, made) = after(&rec, "cont.new", 0);
    assert_eq!(made.suspended.len(), 1);
    assert_eq!(made.suspended[0].id, "k0.0");
    assert_eq!(made.suspended[0].start.as_deref(), Some("$gen"));
    assert_eq!(made.suspended[0].segments.len(), 1);
    assert_eq!(made.suspended[0].segments[0].prompt.kind, "unset");

    // resume: the continuation's segment is on the thread, above a prompt with the clause.
    let (i, resumed) = after(&rec, "resume", 0);
    assert_eq!(prompts(resumed), ["root", "resume"]);
    assert!(resumed.suspended.is_empty());
    assert_eq!(resumed.running, ["k0.0"]);
    let top = &resumed.thread[1];
    assert_eq!(top.origin.as_deref(), Some("k0.0"));
    assert_eq!(
        top.prompt.clauses,
        [Clause {
            tag: "$yield".into(),
            action: "br 0".into()
        }]
    );
    assert_eq!(top.prompt.at.as_ref().unwrap().instr, "resume 1 (on 0 0)");
    assert_eq!(top.frames[0].at.name, "$gen");
    assert_eq!(top.frames[0].at.line, Some(8));
    // The root frame's local still holds the reference it resumed: used up, running now.
    assert_eq!(refs(resumed), [("k0.0".into(), "running".into())]);
    assert_eq!(resumed.redex.as_ref().unwrap().instr, "resume 1 (on 0 0)");

    // suspend: the segment leaves the thread and is a continuation again, under a new id.
    let (j, suspended) = after(&rec, "resume-suspend", i);
    assert_eq!(prompts(suspended), ["root"]);
    assert!(suspended.running.is_empty());
    assert_eq!(suspended.suspended.len(), 1);
    let k = &suspended.suspended[0];
    assert_eq!((k.id.as_str(), k.kind.as_str()), ("k0.1", "continuation"));
    assert_eq!(k.segments[0].prompt.kind, "unset");
    assert_eq!(k.segments[0].frames[0].at.name, "$gen");
    assert_eq!(k.depth, 1);
    // The handler's block got the tag's value and the new reference.
    let vals: Vec<_> = suspended.thread[0].frames[0].vals.iter().collect();
    assert_eq!(vals[0].text, "1");
    assert_eq!(vals[1].target.as_deref(), Some("k0.1"));
    assert_eq!(
        refs(suspended),
        [
            ("k0.0".into(), "consumed".into()),
            ("k0.1".into(), "suspended".into())
        ]
    );

    // The second resume re-enters the stack: two segments again, from k0.1.
    let (_, again) = after(&rec, "resume", j);
    assert_eq!(prompts(again), ["root", "resume"]);
    assert_eq!(again.thread[1].origin.as_deref(), Some("k0.1"));
    assert_eq!(again.switches, 3);

    // The end: one segment, the result on the root.
    let last = rec.steps.last().unwrap();
    assert_eq!(prompts(last), ["root"]);
    assert!(last.thread[0].frames.is_empty());
    assert_eq!(last.thread[0].vals[0].text, "3");
}

#[test]
fn raw_stacks_generator_switches_between_two_stacks() {
    let rec = record(Design::RawStacks, 10_000);
    let (_, made) = after(&rec, "stack.new", 0);
    assert_eq!(made.suspended[0].kind, "stack");
    assert_eq!(made.suspended[0].start.as_deref(), Some("$gen"));
    // The first switch starts the generator: the root stack is parked in the store, the
    // generator's stack replaces it on the thread.
    let (i, started) = after(&rec, "stack.switch-start", 0);
    assert_eq!(prompts(started), ["stack"]);
    assert_eq!(started.thread[0].frames[0].at.name, "$gen");
    assert_eq!(started.suspended.len(), 1);
    assert_eq!(started.suspended[0].segments[0].prompt.kind, "root");
    assert_eq!(started.thread[0].origin.as_deref(), Some("s0.0"));
    // Switching back: the generator is parked, the root runs again.
    let (_, back) = after(&rec, "stack.switch", i);
    assert_eq!(prompts(back), ["root"]);
    assert_eq!(back.suspended.len(), 1);
    assert_eq!(back.suspended[0].segments[0].prompt.kind, "stack");
    assert_eq!(back.suspended[0].segments[0].frames[0].at.name, "$gen");
}

#[test]
fn effect_handlers_generator_has_a_handler_with_its_clause() {
    let rec = record(Design::EffectHandlers, 10_000);
    let (i, entered) = after(&rec, "handle-enter", 0);
    assert_eq!(prompts(entered), ["root", "handle"]);
    let prompt = &entered.thread[1].prompt;
    assert_eq!(prompt.clauses.len(), 1);
    assert_eq!(prompt.clauses[0].tag, "$yield");
    assert!(prompt.clauses[0].action.starts_with("on@"));
    assert!(!prompt.in_clause);
    // perform: the body's segment (with $gen's frame) becomes a continuation; the clause runs.
    let (j, performed) = after(&rec, "perform-handled", i);
    assert_eq!(prompts(performed), ["root", "handle"]);
    assert!(performed.thread[1].prompt.in_clause);
    assert_eq!(performed.suspended.len(), 1);
    let k = &performed.suspended[0];
    assert_eq!(k.kind, "continuation");
    let names: Vec<_> = k
        .segments
        .iter()
        .flat_map(|sg| sg.frames.iter().map(|f| f.at.name.as_str()))
        .collect();
    assert!(names.contains(&"$gen"), "{names:?}");
    // continue: back on the thread.
    let (_, continued) = after(&rec, "continue", j);
    assert!(continued.suspended.is_empty());
    assert_eq!(continued.running.len(), 1);
    assert!(continued.thread.len() > performed.thread.len());
}

#[test]
fn the_recording_is_bounded_and_says_so() {
    let rec = record(Design::TypedCont, 5);
    assert_eq!(rec.steps.len(), 5);
    assert!(rec.truncated);
    assert!(rec.total_steps > 5);
}

#[test]
fn a_failing_step_is_recorded_with_its_error() {
    let src = "(module (func (export \"f\") unreachable))\n(assert_trap (invoke \"f\") \"unreachable\")\n";
    let sink = Recorder::sink(Mode::Collect { limit: 100 });
    let options = RunOptions {
        snapshots: Some(sink.clone()),
        ..RunOptions::default()
    };
    run_source(Path::new("t.wast"), src, &options);
    let rec = sink.lock().unwrap();
    let last = rec.steps.last().unwrap();
    assert_eq!(last.error.as_deref(), Some("unreachable"));
    assert_eq!(last.redex.as_ref().unwrap().instr, "unreachable");
    assert_eq!(rec.directives[1].status, "passed");
}

#[test]
fn snapshots_serialize_to_json() {
    let rec = record(Design::TypedCont, 10_000);
    let (_, resumed) = after(&rec, "resume", 0);
    let json: serde_json::Value = serde_json::to_value(resumed).unwrap();
    assert_eq!(json["rule"], "resume");
    assert_eq!(json["thread"][1]["prompt"]["kind"], "resume");
    assert_eq!(json["thread"][1]["origin"], "k0.0");
    assert_eq!(json["thread"][1]["frames"][0]["at"]["name"], "$gen");
}
