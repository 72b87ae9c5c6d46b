//! The engine interface and one adapter per engine.
//!
//! Every engine runs out of process (crash and hang isolation). An adapter makes one *attempt*:
//! it runs the script with some directives left out and says what it learned. The driver
//! (`run_script`) repeats attempts until every directive has an outcome:
//! - an engine that reports each directive (V8 through the generated JS, Switchyard through
//!   `run --json`) needs a second attempt only after a crash or a hang, with the directive that
//!   crashed left out;
//! - an engine that stops at the first failing directive (`wasmtime wast`, binaryen's
//!   `wasm-shell`, the reference interpreter) is re-run after each failure with the failed
//!   directive, and everything that needs the module it was making, left out. Left-out
//!   directives are blanked in place, so line numbers in the engine's messages stay those of
//!   the original file.

use crate::outcome::{Category, Outcome};
use crate::process::{self, Finished};
use crate::script::{self, Directive, Expect, Script};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// What one attempt learned.
#[derive(Debug, Default)]
pub struct Attempt {
    /// Outcomes the engine reported directive by directive.
    pub reported: HashMap<usize, Outcome>,
    pub end: End,
}

#[derive(Debug, Default)]
pub enum End {
    /// Every directive ran (an engine that stops at failures: all passed).
    #[default]
    Completed,
    /// Stopped at this directive, which did not do what the script says; the text says why.
    /// `at` is `None` when the engine did not say where (binaryen rejects a whole file for
    /// one bad module without a line): the driver then bisects.
    Failed {
        at: Option<usize>,
        message: String,
    },
    /// The process died; `at` is the directive it was running, if the engine said.
    Crashed {
        at: Option<usize>,
        detail: String,
    },
    TimedOut {
        at: Option<usize>,
    },
    /// The engine could not be run at all (missing binary): every directive is unsupported.
    Unavailable(String),
}

/// One engine behind the harness.
pub trait Engine {
    /// The column name (unique in a run: `v8`, `wasmtime-latest`, `v8-jitless`).
    fn name(&self) -> String;
    /// Whether the engine stops at the first failing directive (then every directive before
    /// the stop passed).
    fn stops_at_failure(&self) -> bool;
    /// Runs the script without the directives `skip` holds.
    fn attempt(&self, script: &Script, skip: &BTreeSet<usize>, timeout: Duration) -> Attempt;
    /// Whether the engine can run at all (its binary is there); the error says what is
    /// missing and how to install it.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
    /// Whether `attempt_replaying` really replays (else it leaves those directives out).
    fn can_replay(&self) -> bool {
        false
    }
    /// Like `attempt`, but each directive of `replay` runs with its assertion relaxed to the
    /// category this engine gave it before (`assert_return` that returned other values becomes
    /// a bare `invoke`, a trap an `assert_trap` of any message): an engine that stops at
    /// failures then gets past a failure with the effects the directive had, so the directives
    /// after it still run in the state the engine itself made. The default leaves them out.
    fn attempt_replaying(
        &self,
        script: &Script,
        skip: &BTreeSet<usize>,
        replay: &BTreeMap<usize, Category>,
        timeout: Duration,
    ) -> Attempt {
        let mut all = skip.clone();
        all.extend(replay.keys().copied());
        self.attempt(script, &all, timeout)
    }
}

/// Whether directive `j`, which `d` needs or whose effects `d` may observe, ran as the script
/// says in the attempt that produced `d`'s outcome; the line of the first one that did not.
fn broken_dependency(
    script: &Script,
    d: &Directive,
    not_run: &BTreeSet<usize>,
    outcomes: &[Option<Outcome>],
) -> Option<usize> {
    // A module, instance or registration that is needed must have been made.
    let not_made = |j: usize| match &outcomes[j] {
        Some(o) => o.category != Category::Success,
        None => false,
    };
    d.deps
        .iter()
        .copied()
        .find(|&j| not_run.contains(&j) || not_made(j))
        .or_else(|| d.state.iter().copied().find(|j| not_run.contains(j)))
        .map(|j| script.directives[j].line)
}

/// Runs a whole script on an engine and returns one outcome per directive. An outcome that
/// depends on a directive that did not run as the script says (left out after a crash or a
/// hang, or a module the engine did not make) carries `depends_on`: it is not comparable.
pub fn run_script(engine: &dyn Engine, script: &Script, timeout: Duration) -> Vec<Outcome> {
    let n = script.directives.len();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    // Left out of every later attempt.
    let mut skip = BTreeSet::new();
    // Replayed as the engine ran them (engines that stop at failures).
    let mut replay: BTreeMap<usize, Category> = BTreeMap::new();
    for d in &script.directives {
        if let script::Step::Unsupported(why) = &d.step {
            outcomes[d.index] = Some(Outcome::unsupported(why.clone()));
            skip.insert(d.index);
        }
    }
    let settle = |outcomes: &mut Vec<Option<Outcome>>,
                  not_run: &BTreeSet<usize>,
                  i: usize,
                  mut o: Outcome| {
        if i >= n || outcomes[i].is_some() {
            return;
        }
        if o.depends_on.is_none() {
            o.depends_on = broken_dependency(script, &script.directives[i], not_run, outcomes);
        }
        outcomes[i] = Some(o);
    };
    let pending = |outcomes: &[Option<Outcome>], skip: &BTreeSet<usize>| -> Vec<usize> {
        (0..n)
            .filter(|i| outcomes[*i].is_none() && !skip.contains(i))
            .collect()
    };
    // Each round settles at least one directive (or moves one from replay to skip).
    for _ in 0..=2 * n + 1 {
        let attempt = engine.attempt_replaying(script, &skip, &replay, timeout);
        // What did not run in this attempt: left out, or reported as not run.
        let mut not_run = skip.clone();
        if !engine.can_replay() {
            not_run.extend(replay.keys().copied());
        }
        let mut reported: Vec<(usize, Outcome)> = attempt.reported.into_iter().collect();
        reported.sort_by_key(|(i, _)| *i);
        not_run.extend(
            reported
                .iter()
                .filter(|(_, o)| o.category == Category::Unsupported)
                .map(|(i, _)| *i),
        );
        for (i, o) in reported {
            settle(&mut outcomes, &not_run, i, o);
        }
        let stop = match attempt.end {
            End::Completed => {
                for i in pending(&outcomes, &skip) {
                    let o = if engine.stops_at_failure() {
                        Outcome::as_expected(&script.directives[i], "")
                    } else {
                        Outcome::unsupported("the engine reported nothing for it")
                    };
                    settle(&mut outcomes, &not_run, i, o);
                }
                break;
            }
            End::Unavailable(why) => {
                for o in outcomes.iter_mut().filter(|o| o.is_none()) {
                    *o = Some(Outcome::unsupported(why.clone()));
                }
                break;
            }
            End::Failed { at, message } => {
                let at =
                    at.or_else(|| locate(engine, script, &skip, &replay, timeout, Goal::Failure));
                match at {
                    Some(at) => (at, classify_failure(&script.directives[at], &message)),
                    None => break,
                }
            }
            End::Crashed { at, detail } => {
                let at =
                    at.or_else(|| locate(engine, script, &skip, &replay, timeout, Goal::Crash));
                match at {
                    Some(at) => (at, crash_outcome(&script.directives[at], detail)),
                    None => break,
                }
            }
            End::TimedOut { at } => {
                let at =
                    at.or_else(|| locate(engine, script, &skip, &replay, timeout, Goal::Timeout));
                match at {
                    Some(at) => (at, Outcome::timeout(timeout.as_secs_f64())),
                    None => break,
                }
            }
        };
        let (mut at, outcome) = stop;
        // A stop at a directive that already has its outcome (it passed in an earlier attempt,
        // and a later one stopped there: a process time limit, a flaky engine) must not take
        // that outcome back: the stop belongs to the first directive still open from there.
        if outcomes[at].is_some() && !replay.contains_key(&at) {
            match (at..n).find(|i| outcomes[*i].is_none() && !skip.contains(i)) {
                Some(next) => at = next,
                None => break,
            }
        }
        if engine.stops_at_failure() {
            for i in pending(&outcomes, &skip).into_iter().filter(|&i| i < at) {
                let o = Outcome::as_expected(&script.directives[i], "");
                settle(&mut outcomes, &not_run, i, o);
            }
        }
        let category = outcome.category;
        settle(&mut outcomes, &not_run, at, outcome);
        // Get past the stop: replay it as the engine ran it when it can, else leave it out.
        let replayable = engine.can_replay()
            && !category.is_failure_of_engine()
            && replay_text(script, &script.directives[at], category).is_some();
        if replayable && !replay.contains_key(&at) {
            replay.insert(at, category);
        } else {
            replay.remove(&at);
            skip.insert(at);
        }
        // Whatever needs what this directive should have made cannot run on this engine.
        let made = outcomes[at]
            .as_ref()
            .is_some_and(|o| o.category == Category::Success && !skip.contains(&at));
        if !made {
            for d in &script.directives[at + 1..] {
                if let Some(&missing) = d.deps.iter().find(|x| skip.contains(x) || **x == at) {
                    if outcomes[d.index].is_none() {
                        let line = script.directives[missing].line;
                        outcomes[d.index] = Some(Outcome::not_run(
                            line,
                            "whose module this engine did not make",
                        ));
                        skip.insert(d.index);
                    }
                }
            }
        }
        if pending(&outcomes, &skip).is_empty() {
            break;
        }
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Outcome::unsupported("not reached")))
        .collect()
}

/// The outcome of a directive that killed the engine. Running out of the host's stack (node's
/// `RangeError: Maximum call stack size exceeded` in binaryen's interpreter) is a resource
/// limit, not a crash.
fn crash_outcome(d: &Directive, detail: String) -> Outcome {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("maximum call stack size exceeded") {
        return Outcome::judged(d, Category::Exhaustion, format!("host stack: {detail}"));
    }
    Outcome::crash(detail)
}

/// The text that replays directive `d` as an engine ran it, relaxed to accept `category`
/// (see `Engine::attempt_replaying`); `None` when there is nothing to replay (only
/// invocations change state) or no directive can say it.
pub fn replay_text(script: &Script, d: &Directive, category: Category) -> Option<String> {
    if !matches!(d.step, script::Step::Invoke { .. }) {
        return None;
    }
    let action = script::action_text(script, d)?;
    Some(match category {
        Category::Success | Category::Return => action.to_string(),
        Category::Trap => format!("(assert_trap {action} \"\")"),
        Category::Exception => format!("(assert_exception {action})"),
        Category::Suspension => format!("(assert_suspension {action} \"\")"),
        Category::Exhaustion => format!("(assert_exhaustion {action} \"\")"),
        _ => return None,
    })
}

#[derive(Clone, Copy)]
enum Goal {
    Crash,
    Timeout,
    Failure,
}

/// Finds the directive at which an engine that said nothing about its progress crashed (or
/// hung, or failed): the shortest prefix of the remaining directives that still does so, by
/// bisection.
fn locate(
    engine: &dyn Engine,
    script: &Script,
    skip: &BTreeSet<usize>,
    replay: &BTreeMap<usize, Category>,
    timeout: Duration,
    goal: Goal,
) -> Option<usize> {
    let included: Vec<usize> = (0..script.directives.len())
        .filter(|i| !skip.contains(i))
        .collect();
    let fails = |len: usize| -> bool {
        let mut s = skip.clone();
        s.extend(included[len..].iter().copied());
        let r: BTreeMap<usize, Category> = replay
            .iter()
            .filter(|(i, _)| !s.contains(i))
            .map(|(i, c)| (*i, *c))
            .collect();
        matches!(
            (engine.attempt_replaying(script, &s, &r, timeout).end, goal),
            (End::Crashed { .. }, Goal::Crash)
                | (End::TimedOut { .. }, Goal::Timeout)
                | (End::Failed { .. }, Goal::Failure)
        )
    };
    // Invariant: the prefix of length `hi` fails, the prefix of length `lo` does not.
    let (mut lo, mut hi) = (0usize, included.len());
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if fails(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    included.get(hi.checked_sub(1)?).copied()
}

/// The outcome of a directive an engine stopped at, read from the engine's message. The
/// message is never required to match the script's; only its kind counts.
pub fn classify_failure(d: &Directive, message: &str) -> Outcome {
    if let Some(o) = crate::reference::classify(d, message) {
        return o;
    }
    let m = message.to_ascii_lowercase();
    let detail = first_lines(message, 3);
    let has = |words: &[&str]| words.iter().any(|w| m.contains(w));
    let action = matches!(
        d.step,
        script::Step::Invoke { .. } | script::Step::Get { .. }
    );
    // binaryen's interpreter gives up with `Fatal: ...` (and exit 1) on some programs it
    // cannot run: an engine failure, not a rejection of the text.
    if action && has(&["fatal:"]) {
        return Outcome::crash(detail);
    }
    // `expected X, got Y` (binaryen, wasmtime): what the engine did is Y alone; X is the
    // script's expectation and says nothing about the engine.
    if action {
        if let Some((_, got)) = m.split_once(", got ") {
            let category = got_category(got);
            let mut outcome = Outcome::judged(d, category, detail);
            if category == Category::Return {
                outcome.passes = Some(false);
            }
            return outcome;
        }
    }
    if exhausted(&m) {
        return Outcome::judged(d, Category::Exhaustion, detail);
    }
    let rejected = has(&[
        "expected module to fail",
        "expected invalid module",
        "expected malformed module",
        "expected module to be invalid",
        "expected unlinkable",
        "module was valid",
        "module is valid",
        // The reference interpreter: `assertion failure: expected validation error`.
        "expected validation error",
        "expected decoding error",
        "expected parsing error",
        "expected linking error",
    ]);
    let returned = has(&[
        "expected trap, got",
        "expected exception, got ok",
        "expected exception, got [",
        "expected suspension, got ok",
        "expected suspension, got [",
        "didn't match",
        "results found",
        "values not equal",
        "expected a trap",
        "result mismatch",
        "wrong return value",
        // The reference interpreter, when an action returned instead.
        "expected exhaustion error",
    ]);
    // The reference interpreter's `Result: "msg" | Expect: "msg"`: a trap with another
    // message, which is still the trap the script expects.
    if matches!(d.expect, Expect::Trap(_)) && m.contains("result: \"") && m.contains("expect: \"") {
        return Outcome::judged(d, Category::Trap, detail);
    }
    // binaryen's `expected 3, got 0` after an assert_return: other values.
    let other_values = matches!(d.expect, Expect::Return(_))
        && m.starts_with("expected ")
        && m.contains(", got ")
        && !m.contains("got trap");
    // The engine says it does not implement something: not a verdict on the module.
    let unimplemented = has(&[
        "unsupported feature",
        "not yet supported",
        "not supported yet",
    ]);
    // binaryen's `expected trap, got exception`: what it got, in a word.
    let got = m
        .split_once(", got ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_alphabetic()).next())
        .and_then(|word| match word {
            "exception" => Some(Category::Exception),
            "trap" => Some(Category::Trap),
            "suspension" => Some(Category::Suspension),
            _ => None,
        });
    let category = if unimplemented {
        Category::Unsupported
    } else if let Some(got) = got {
        got
    } else if rejected {
        Category::Success
    } else if returned || other_values {
        Category::Return
    } else if has(&[
        "unhandled tag",
        "unhandledtag",
        "unhandled suspend",
        "unhandled switch",
    ]) {
        Category::Suspension
    } else if has(&[
        "thrownexception",
        "thrown exception",
        "uncaught exception",
        "exception thrown",
        "wasm exception",
    ]) {
        Category::Exception
    } else if has(&["call stack exhausted", "stack overflow", "exhaust"]) {
        Category::Exhaustion
    } else if has(&[
        "unknown import",
        "incompatible import",
        "link error",
        "unlinkable",
        "import type",
    ]) {
        Category::Unlinkable
    } else if has(&["trap"]) {
        Category::Trap
    } else if has(&[
        "unknown operator",
        "unexpected token",
        "parse exception",
        "syntax error",
        "malformed",
        "failed to parse",
        "unknown instruction",
        // The `wast` crate's text errors point at the text (wasmtime).
        " --> ",
        // binaryen's text parser: `Fatal: expected (tuple ...)`, `21:2: error: ...`.
        "fatal: expected",
    ]) || text_error_at_line_col(&m)
    {
        // The engine could not read the module: counted as the rejection the script expects,
        // if it expects one, else as malformed.
        match d.expect {
            Expect::Invalid(_) => Category::Invalid,
            _ => Category::Malformed,
        }
    } else {
        match d.expect {
            Expect::Malformed(_) => Category::Malformed,
            _ => Category::Invalid,
        }
    };
    let mut outcome = Outcome::judged(d, category, detail);
    // An engine stopped here, so a return it gave had the wrong values.
    if category == Category::Return {
        outcome.passes = Some(false);
    }
    outcome
}

/// A host limit (binaryen's `exceeded host limit`, a stack too small): exhaustion, not a value
/// or a trap.
fn exhausted(m: &str) -> bool {
    [
        "host limit",
        "call stack exhausted",
        "stack overflow",
        "maximum call stack size exceeded",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// The category of what an engine got instead of the script's expectation (lower case):
/// `exception`, `trap`, `40`, `Core([I32(40)])`, `'error while executing ... wasm trap: ...'`.
fn got_category(got: &str) -> Category {
    let g = got.trim_start_matches(['\'', '"', ' ', '\n']);
    let word = g
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    match word {
        _ if exhausted(g) => Category::Exhaustion,
        "exception" => Category::Exception,
        "trap" => Category::Trap,
        "suspension" => Category::Suspension,
        _ if g.contains("unhandled") => Category::Suspension,
        _ if g.contains("exception") && !g.contains("trap") => Category::Exception,
        _ if g.contains("trap") || g.starts_with("error while executing") => Category::Trap,
        _ => Category::Return,
    }
}

/// `12:5: error:` at the start of a line: a text parser's complaint with a position.
fn text_error_at_line_col(m: &str) -> bool {
    m.lines().any(|l| {
        let Some((pos, _)) = l.split_once(": error:") else {
            return false;
        };
        let mut parts = pos.trim().split(':');
        parts.clone().count() == 2
            && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn first_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(n)
        .collect();
    let mut s = lines.join(" | ");
    if s.len() > 300 {
        let mut cut = 300;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// A scratch directory for the files the adapters write.
pub fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xcheck-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

fn file_stem(script: &Script) -> String {
    Path::new(&script.path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "script".into())
}

/// The directive whose text covers `line`.
pub fn directive_at_line(script: &Script, line: usize) -> Option<usize> {
    script
        .directives
        .iter()
        .find(|d| {
            let last = d.line + script.source[d.start..d.end].matches('\n').count();
            d.line <= line && line <= last
        })
        .map(|d| d.index)
}

// --- V8 (node) and other JS engines ---------------------------------------------------------

/// A JS engine running the file `js::convert` makes.
pub struct JsEngine {
    pub name: String,
    pub program: PathBuf,
    pub args: Vec<String>,
}

/// `Err` when `program` is not an existing file.
fn check_program(name: &str, program: &Path, install: &str) -> Result<(), String> {
    if program.is_file() {
        Ok(())
    } else {
        Err(format!(
            "engine {name}: {} not found ({install})",
            program.display()
        ))
    }
}

impl Engine for JsEngine {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn check(&self) -> Result<(), String> {
        check_program(&self.name, &self.program, "tools/install-engines.sh")
    }
    fn stops_at_failure(&self) -> bool {
        false
    }
    fn attempt(&self, script: &Script, skip: &BTreeSet<usize>, timeout: Duration) -> Attempt {
        if !self.program.exists() {
            return unavailable(&self.program);
        }
        let file = scratch_dir().join(format!(
            "{}.{}.js",
            file_stem(script),
            self.name
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
        ));
        if let Err(e) = std::fs::write(&file, crate::js::convert(script)) {
            return Attempt {
                end: End::Unavailable(format!("cannot write {file:?}: {e}")),
                ..Default::default()
            };
        }
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args).arg(&file);
        let list: Vec<String> = skip.iter().map(|i| i.to_string()).collect();
        cmd.env("XCHECK_SKIP", list.join(","));
        let finished = match process::run_watched(cmd, timeout, total_limit(script, timeout)) {
            Ok(f) => f,
            Err(e) => {
                return Attempt {
                    end: End::Unavailable(e),
                    ..Default::default()
                }
            }
        };
        let (reported, done) = read_json_lines(&finished.stdout);
        let first_missing =
            (0..script.directives.len()).find(|i| !reported.contains_key(i) && !skip.contains(i));
        let end = if finished.timed_out {
            End::TimedOut { at: first_missing }
        } else if done && finished.success() {
            End::Completed
        } else {
            End::Crashed {
                at: first_missing,
                detail: crash_detail(&finished),
            }
        };
        Attempt { reported, end }
    }
}

fn crash_detail(f: &Finished) -> String {
    // The engine's own words about the crash, if it left any; else the end of its output.
    const SIGNS: [&str; 9] = [
        "Fatal error",
        "fatal error",
        "panicked at",
        "Check failed",
        "unimplemented",
        "Aborted(",
        "unreachable code",
        "thread '",
        "RangeError:",
    ];
    let text = engine_text(f);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if let Some(p) = lines
        .iter()
        .position(|l| SIGNS.iter().any(|s| l.contains(s)))
    {
        let said: Vec<&str> = lines[p..]
            .iter()
            .take(2)
            .map(|l| l.trim_start_matches("# "))
            .collect();
        return format!("{}: {}", f.status_text(), first_lines(&said.join("\n"), 2));
    }
    let tail = f.tail(3);
    if tail.is_empty() {
        f.status_text()
    } else {
        format!("{}: {tail}", f.status_text())
    }
}

/// What an engine said (stderr, then stdout), without what node echoes of its own source
/// when a script dies of an uncaught exception: the `FILE:LINE` of the throw, the source line
/// (all of binaryen's minified JavaScript), the caret under it and the `at ...` stack.
fn engine_text(f: &Finished) -> String {
    let text = format!("{}\n{}", f.stderr, f.stdout);
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(l) = lines.next() {
        let t = l.trim();
        // `/path/to/wasm-shell:2` followed by a source line: node's echo of the throw site.
        let is_site = t.starts_with('/')
            && t.rsplit_once(':')
                .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if is_site && lines.peek().is_some_and(|next| next.len() > 200) {
            lines.next();
            continue;
        }
        if t.len() > 2000
            || t.starts_with("at ")
            || (!t.is_empty() && t.trim_matches('^').is_empty())
        {
            continue;
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn unavailable(program: &Path) -> Attempt {
    Attempt {
        end: End::Unavailable(format!(
            "engine not installed ({}; run tools/install-engines.sh)",
            program.display()
        )),
        ..Default::default()
    }
}

/// Reads the JSON lines of a generated JS file: outcomes by directive index, and whether the
/// final `{"done":true}` line came.
fn read_json_lines(stdout: &str) -> (HashMap<usize, Outcome>, bool) {
    let mut reported = HashMap::new();
    let mut done = false;
    for line in stdout.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line.trim()) else {
            continue;
        };
        if v.get("done").is_some() {
            done = true;
            continue;
        }
        let Some(i) = v.get("i").and_then(|x| x.as_u64()) else {
            continue;
        };
        let category = v
            .get("category")
            .and_then(|c| c.as_str())
            .and_then(Category::from_name)
            .unwrap_or(Category::Unsupported);
        let detail = v
            .get("detail")
            .and_then(|c| c.as_str())
            .unwrap_or("")
            .to_string();
        let passes = v.get("passes").and_then(|p| p.as_bool());
        reported.insert(i as usize, Outcome::new(category, detail, passes));
    }
    (reported, done)
}

// --- Engines with a `.wast` command line that stop at the first failure -------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Wasmtime,
    Binaryen,
    /// The OCaml reference interpreter's `wasm FILE.wast`, or anything with its output.
    Reference,
}

pub struct WastCli {
    pub name: String,
    pub program: PathBuf,
    pub dialect: Dialect,
    /// Extra arguments before the file (`--engine NAME=wasmtime:FLAGS`).
    pub args: Vec<String>,
    /// For binaryen: the node that runs `wasm-shell` (a node script), or `None` for the one its
    /// `#!/usr/bin/env node` line finds.
    pub node: Option<PathBuf>,
}

/// The node binaryen's `wasm-shell` (a node script) runs under: `$XCHECK_BINARYEN_NODE`, else
/// `tools/.engines/bin/node-binaryen` (the node 20 `tools/install-engines.sh` installs for it)
/// when present, else the node its `#!/usr/bin/env node` line finds; never node 26, under
/// which its interpreter overflows the JS stack on scripts that pass under node 20. `None`
/// for a program that is not a node script.
pub fn binaryen_node(program: &Path) -> Option<PathBuf> {
    // A native build of wasm-shell (or a stand-in) runs by itself.
    let head = std::fs::read(program)
        .map(|b| b.into_iter().take(128).collect::<Vec<u8>>())
        .unwrap_or_default();
    let first_line = String::from_utf8_lossy(&head);
    let first_line = first_line.lines().next().unwrap_or("");
    if !(first_line.starts_with("#!") && first_line.contains("node")) {
        return None;
    }
    if let Ok(p) = std::env::var("XCHECK_BINARYEN_NODE") {
        return Some(PathBuf::from(p));
    }
    let node = engines_dir().join("bin").join("node-binaryen");
    node.exists().then_some(node)
}

impl WastCli {
    fn command(&self, file: &Path) -> Command {
        let mut cmd = match self.dialect {
            Dialect::Binaryen => {
                let mut c = match &self.node {
                    Some(node) => {
                        let mut c = Command::new(node);
                        c.arg(&self.program);
                        c
                    }
                    None => Command::new(&self.program),
                };
                c.args(&self.args).arg(file);
                c
            }
            Dialect::Wasmtime => {
                let mut c = Command::new(&self.program);
                c.args([
                    "wast",
                    "--ignore-error-messages",
                    "-W",
                    "stack-switching=y,function-references=y,exceptions=y,gc=y",
                ]);
                c.args(&self.args).arg(file);
                // Makes `wasmtime wast` log each directive before running it, which locates
                // crashes without bisection.
                c.env("WASMTIME_LOG", "wasmtime_wast=debug")
                    .env("NO_COLOR", "1");
                c
            }
            Dialect::Reference => {
                let mut c = Command::new(&self.program);
                c.args(&self.args).arg(file);
                c
            }
        };
        cmd.env("RUST_BACKTRACE", "0");
        cmd
    }

    /// The line of the last directive the engine said it started, if it says.
    fn progress_line(&self, f: &Finished) -> Option<usize> {
        let text = format!("{}\n{}", f.stdout, f.stderr);
        let mut last = None;
        for l in text.lines() {
            let found = match self.dialect {
                Dialect::Wasmtime => l
                    .find("running directive on ")
                    .and_then(|p| l[p..].rsplit(':').next())
                    .and_then(leading_number),
                Dialect::Binaryen => l
                    .find("[line: ")
                    .and_then(|p| l[p + 7..].split(']').next())
                    .and_then(|n| n.trim().parse().ok()),
                Dialect::Reference => None,
            };
            if found.is_some() {
                last = found;
            }
        }
        last
    }

    /// The line an engine's failure message points at.
    fn failure_line(&self, f: &Finished, file: &str) -> Option<usize> {
        let text = format!("{}\n{}", f.stderr, f.stdout);
        match self.dialect {
            Dialect::Wasmtime => {
                for l in text.lines() {
                    if let Some(p) = l.find("failed directive on ") {
                        return l[p..].rsplit(':').next()?.trim().parse().ok();
                    }
                }
                // Stopped without saying where: at the last directive it started; else a parse
                // error of the whole file (`--> file:line:col`).
                self.progress_line(f)
                    .or_else(|| line_after(&text, &format!("{file}:")))
            }
            Dialect::Binaryen => self
                .progress_line(f)
                .or_else(|| line_after(&text, &format!("{file}:"))),
            Dialect::Reference => crate::reference::failure_line(&text, file),
        }
    }

    fn crashed(&self, f: &Finished) -> bool {
        if f.signal.is_some() {
            return true;
        }
        let text = engine_text(f);
        match self.dialect {
            Dialect::Wasmtime => f.code == Some(101) || text.contains("panicked at"),
            Dialect::Binaryen => {
                text.contains("Aborted(")
                    || text.contains("RangeError: Maximum call stack")
                    || text.contains("RuntimeError:")
                    || f.code.is_some_and(|c| c > 1)
            }
            Dialect::Reference => f.code.is_some_and(|c| c > 2) || crate::reference::died(&text),
        }
    }
}

/// The digits a text starts with (log lines may end in color codes).
fn leading_number(text: &str) -> Option<usize> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// The number after the first occurrence of `prefix` (as in `file.wast:123:4`).
fn line_after(text: &str, prefix: &str) -> Option<usize> {
    let p = text.find(prefix)?;
    let digits: String = text[p + prefix.len()..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

impl Engine for WastCli {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn check(&self) -> Result<(), String> {
        let install = match self.dialect {
            Dialect::Wasmtime if self.program.ends_with("wasmtime-latest") => {
                "tools/install-engines.sh --wasmtime-latest"
            }
            Dialect::Wasmtime => "tools/install-engines.sh --wasmtime",
            Dialect::Binaryen => "tools/install-engines.sh",
            Dialect::Reference => "build the reference interpreter",
        };
        check_program(&self.name, &self.program, install)?;
        if let Some(node) = &self.node {
            check_program(&self.name, node, "tools/install-engines.sh")?;
        }
        Ok(())
    }
    fn stops_at_failure(&self) -> bool {
        true
    }
    fn attempt(&self, script: &Script, skip: &BTreeSet<usize>, timeout: Duration) -> Attempt {
        self.attempt_replaying(script, skip, &BTreeMap::new(), timeout)
    }
    fn can_replay(&self) -> bool {
        true
    }
    fn attempt_replaying(
        &self,
        script: &Script,
        skip: &BTreeSet<usize>,
        replay: &BTreeMap<usize, Category>,
        timeout: Duration,
    ) -> Attempt {
        if !self.program.exists() {
            return unavailable(&self.program);
        }
        let name = format!(
            "{}.{}.wast",
            file_stem(script),
            self.name
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
        );
        let file = scratch_dir().join(&name);
        let text = script::select_replacing(script, &|d| !skip.contains(&d.index), &|d| {
            let category = replay.get(&d.index)?;
            replay_text(script, d, *category)
        });
        if let Err(e) = std::fs::write(&file, text) {
            return Attempt {
                end: End::Unavailable(format!("cannot write {file:?}: {e}")),
                ..Default::default()
            };
        }
        let finished = match process::run_watched(
            self.command(&file),
            timeout,
            total_limit(script, timeout),
        ) {
            Ok(f) => f,
            Err(e) => {
                return Attempt {
                    end: End::Unavailable(e),
                    ..Default::default()
                }
            }
        };
        let at = |line: Option<usize>| line.and_then(|l| directive_at_line(script, l));
        let end = if finished.timed_out {
            End::TimedOut {
                at: at(self.progress_line(&finished)),
            }
        } else if self.crashed(&finished) {
            End::Crashed {
                at: at(self.progress_line(&finished)),
                detail: crash_detail(&finished),
            }
        } else if finished.success() {
            End::Completed
        } else {
            let message = failure_message(&format!("{}\n{}", finished.stdout, finished.stderr));
            match at(self.failure_line(&finished, &name)) {
                Some(at) if !skip.contains(&at) => End::Failed {
                    at: Some(at),
                    message,
                },
                // A failure the engine did not place: the driver bisects.
                _ => End::Failed { at: None, message },
            }
        };
        Attempt {
            reported: HashMap::new(),
            end,
        }
    }
}

/// The informative part of an engine's failure output: what follows the last progress line
/// (binaryen prints the output of every directive), without progress chatter.
fn failure_message(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines
        .iter()
        .rposition(|l| l.contains(" CHECKING [line:") || l.contains(" BUILDING MODULE [line:"))
        .map_or(0, |p| p + 1);
    lines[from..]
        .iter()
        .filter(|l| {
            !l.contains("running directive on")
                && !l.contains(" CHECKING [line:")
                && !l.contains(" BUILDING MODULE [line:")
                && !l.contains("REGISTER MODULE")
                // wasmtime's framing around the cause.
                && !l.contains("failed to run script file")
                && !l.contains("failed directive on")
                && l.trim() != "Caused by:"
                && !l.trim().is_empty()
        })
        .map(|l| {
            // `    2: WebAssembly translation error`: drop wasmtime's cause numbers.
            let l = l.trim();
            match l.split_once(": ") {
                Some((n, rest)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => rest,
                _ => l,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// --- Switchyard itself -------------------------------------------------------------------

/// The `switchyard` binary, run as `switchyard run --quiet --json OUT.json FILE.wast`.
pub struct Switchyard {
    pub name: String,
    pub program: PathBuf,
    /// Extra arguments of `switchyard run` (`--design raw-stacks`).
    pub args: Vec<String>,
}

impl Switchyard {
    /// The column `switchyard` with the binary at `program`.
    pub fn new(program: PathBuf) -> Switchyard {
        Switchyard {
            name: "switchyard".into(),
            program,
            args: Vec::new(),
        }
    }
}

impl Engine for Switchyard {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn check(&self) -> Result<(), String> {
        check_program(&self.name, &self.program, "cargo build -p switchyard")
    }
    fn stops_at_failure(&self) -> bool {
        false
    }
    fn attempt(&self, script: &Script, skip: &BTreeSet<usize>, timeout: Duration) -> Attempt {
        if let Err(e) = self.check() {
            return Attempt {
                end: End::Unavailable(e),
                ..Default::default()
            };
        }
        // Keep the script's folder name: Switchyard picks the design from it
        // (`stack-switching/`, `typed-cont/`).
        let path = Path::new(&script.path);
        let folder = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scripts".into());
        let dir = scratch_dir().join("switchyard").join(folder);
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("{}.wast", file_stem(script)));
        let text = script::select(script, &|d| !skip.contains(&d.index));
        if let Err(e) = std::fs::write(&file, text) {
            return Attempt {
                end: End::Unavailable(format!("cannot write {file:?}: {e}")),
                ..Default::default()
            };
        }
        let mut cmd = Command::new(&self.program);
        // `--json-lines -`: one JSON line per directive on stdout as soon as it has run, so a
        // hang costs one timeout and names its directive.
        cmd.args(["run", "--quiet", "--json-lines", "-"])
            .args(&self.args)
            .arg(&file);
        cmd.env("RUST_BACKTRACE", "0");
        let finished = match process::run_watched(cmd, timeout, total_limit(script, timeout)) {
            Ok(f) => f,
            Err(e) => {
                return Attempt {
                    end: End::Unavailable(e),
                    ..Default::default()
                }
            }
        };
        let reported = read_switchyard_json(script, &finished.stdout);
        let first_missing =
            (0..script.directives.len()).find(|i| !reported.contains_key(i) && !skip.contains(i));
        let end = if finished.timed_out {
            End::TimedOut { at: first_missing }
        } else if finished.code == Some(2) && reported.is_empty() {
            // Bad arguments (a `switchyard` without `--json-lines`), or a file it refused.
            End::Unavailable(format!(
                "switchyard refused to run: {}",
                crash_detail(&finished)
            ))
        } else if let Some(at) = first_missing {
            End::Crashed {
                at: Some(at),
                detail: crash_detail(&finished),
            }
        } else {
            End::Completed
        };
        Attempt { reported, end }
    }
}

/// The limit of one whole attempt: `timeout` is the limit of one directive (time without
/// progress), so a file may take that long per directive.
pub fn total_limit(script: &Script, timeout: Duration) -> Duration {
    timeout.saturating_mul(script.directives.len() as u32 + 1)
}

/// Reads Switchyard's `--json` file (`{"files": [{"directives": [{"line", "kind", "status",
/// "expected", "actual", "reason"?}]}]}`); also accepts a bare array of directive records
/// or JSON lines.
pub fn read_switchyard_json(script: &Script, text: &str) -> HashMap<usize, Outcome> {
    use serde_json::Value;
    let mut records: Vec<Value> = Vec::new();
    match serde_json::from_str::<Value>(text.trim()) {
        Ok(Value::Array(a)) => records = a,
        Ok(Value::Object(o)) => {
            if let Some(Value::Array(files)) = o.get("files") {
                for f in files {
                    if let Some(Value::Array(a)) = f.get("directives") {
                        records.extend(a.iter().cloned());
                    }
                }
            } else if let Some(Value::Array(a)) = o.get("directives") {
                records = a.clone();
            }
        }
        _ => {
            for line in text.lines() {
                if let Ok(v) = serde_json::from_str::<Value>(line.trim()) {
                    records.push(v);
                }
            }
        }
    }
    let mut out = HashMap::new();
    for r in records {
        let Some(line) = r.get("line").and_then(|l| l.as_u64()) else {
            continue;
        };
        let Some(i) = directive_at_line(script, line as usize) else {
            continue;
        };
        let d = &script.directives[i];
        let status = r.get("status").and_then(|s| s.as_str()).unwrap_or("");
        let actual = match r.get("actual") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let outcome = if status == "skipped" {
            let reason = r
                .get("reason")
                .and_then(|s| s.as_str())
                .unwrap_or("skipped");
            Outcome::unsupported(reason.to_string())
        } else {
            let (category, detail) = switchyard_actual(d, &actual);
            let mut o = Outcome::judged(d, category, detail);
            if !category.is_failure_of_engine() {
                match status {
                    "passed" => o.passes = Some(true),
                    "failed" => o.passes = Some(false),
                    _ => {}
                }
            }
            o
        };
        out.insert(i, outcome);
    }
    out
}

/// Switchyard's `actual` text (`trap "unreachable"`, `[(i32.const 1)]`, `returned [...]`,
/// `instantiated`, ...) as a category and a detail.
fn switchyard_actual(d: &Directive, actual: &str) -> (Category, String) {
    let a = actual.trim();
    for (prefix, category) in [
        ("malformed ", Category::Malformed),
        ("invalid ", Category::Invalid),
        ("unlinkable ", Category::Unlinkable),
        ("trap ", Category::Trap),
        ("exhaustion ", Category::Exhaustion),
        ("exception ", Category::Exception),
        ("suspension ", Category::Suspension),
        ("crash ", Category::Crash),
        ("script error ", Category::Unsupported),
    ] {
        if let Some(rest) = a.strip_prefix(prefix) {
            return (category, unquote(rest.trim()));
        }
    }
    if let Some(rest) = a.strip_prefix("returned ") {
        return (Category::Return, values_text(rest));
    }
    if a.starts_with('[') {
        // A bare `invoke` only asks for no error.
        let category = if matches!(d.expect, Expect::Success) {
            Category::Success
        } else {
            Category::Return
        };
        return (category, values_text(a));
    }
    if [
        "instantiated",
        "defined",
        "registered",
        "valid",
        "well-formed and valid",
        "no error",
    ]
    .contains(&a)
    {
        return (Category::Success, String::new());
    }
    (
        normalize_switchyard_kind(a).unwrap_or(Category::Unsupported),
        a.to_string(),
    )
}

/// The text of a script string as Switchyard's outcomes write messages (`"unknown import
/// \"M\" \"f\""`): without its quotes and escapes.
fn unquote(text: &str) -> String {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next @ ('"' | '\\'))) => {
                out.push(next);
                chars.next();
            }
            ('\\', Some('n')) => {
                out.push('\n');
                chars.next();
            }
            ('\\', Some('t')) => {
                out.push('\t');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// `[(i32.const 1) (f32.const 2)]` as `i32:1 f32:2`, the notation of the other adapters.
fn values_text(s: &str) -> String {
    let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
    let mut out = Vec::new();
    for part in inner
        .split(')')
        .map(|p| p.trim().trim_start_matches('('))
        .filter(|p| !p.is_empty())
    {
        let mut words = part.split_whitespace();
        let head = words.next().unwrap_or("");
        let rest: Vec<&str> = words.collect();
        out.push(match head.strip_suffix(".const") {
            Some(ty) => format!("{ty}:{}", rest.join(" ")),
            None if rest.is_empty() => head.to_string(),
            None => format!("{head}:{}", rest.join(" ")),
        });
    }
    out.join(" ")
}

fn normalize_switchyard_kind(s: &str) -> Option<Category> {
    let s = s.to_ascii_lowercase();
    Some(match s.as_str() {
        _ if s.starts_with("assert_return") || s.starts_with("value") => Category::Return,
        _ if s.contains("trap") || s.contains("uninstantiable") => Category::Trap,
        _ if s.contains("exception") || s.contains("throw") => Category::Exception,
        _ if s.contains("suspen") || s.contains("unhandled") => Category::Suspension,
        _ if s.contains("exhaust") => Category::Exhaustion,
        _ if s.contains("invalid") || s.contains("validation") => Category::Invalid,
        _ if s.contains("malformed") || s.contains("syntax") || s.contains("decode") => {
            Category::Malformed
        }
        _ if s.contains("link") => Category::Unlinkable,
        _ if s.contains("crash") || s.contains("panic") => Category::Crash,
        _ => return None,
    })
}

// --- Finding engines ---------------------------------------------------------------------

/// The directory `tools/install-engines.sh` installs into: `$XCHECK_ENGINES`, else
/// `tools/.engines` of the source tree this binary was built from.
pub fn engines_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("XCHECK_ENGINES") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(".engines")
}

/// The `switchyard` binary: `$XCHECK_SWITCHYARD`, else next to this executable, else on PATH.
fn switchyard_program() -> PathBuf {
    if let Ok(p) = std::env::var("XCHECK_SWITCHYARD") {
        return PathBuf::from(p);
    }
    if let Ok(me) = std::env::current_exe() {
        for dir in [
            me.parent().map(Path::to_path_buf),
            me.parent().and_then(|p| p.parent()).map(Path::to_path_buf),
        ]
        .into_iter()
        .flatten()
        {
            let candidate = dir.join("switchyard");
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    PathBuf::from("switchyard")
}

/// The engine kinds `--engine` knows, with what each runs by default.
pub const KINDS: [&str; 6] = [
    "switchyard",
    "v8",
    "wasmtime",
    "wasmtime-latest",
    "binaryen",
    "ref",
];

/// A program given by name (`node`) is looked up on PATH, so its absence shows up front.
fn resolve_program(p: PathBuf) -> PathBuf {
    if p.components().count() != 1 || p.exists() {
        return p;
    }
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(&p))
                .find(|c| c.is_file())
        })
        .unwrap_or(p)
}

/// Makes an engine from an `--engine` argument:
/// - `KIND`: `switchyard`, `v8`, `wasmtime`, `wasmtime-latest`, `binaryen` as installed by
///   `tools/install-engines.sh` (`ref` needs a path);
/// - `KIND=PATH`: that engine's binary elsewhere (`ref=/tmp/refinterp/wasm`);
/// - `NAME=KIND[@PATH][:FLAGS]`: a variant in a column of its own named NAME, with extra
///   command-line flags (split at spaces) before the script: `v8-jitless=v8:--jitless`,
///   `wt-old=wasmtime@/opt/wasmtime-40/bin/wasmtime`, `raw=switchyard:--design raw-stacks`.
///
/// Errors say what is wrong, including a binary that is not there.
pub fn by_name(spec: &str) -> Result<Box<dyn Engine>, String> {
    let (name, kind, path, flags) = parse_spec(spec)?;
    let bin = engines_dir().join("bin");
    let program = path.map(resolve_program);
    let flags: Vec<String> = flags.split_whitespace().map(str::to_string).collect();
    let engine: Box<dyn Engine> = match kind.as_str() {
        "switchyard" => Box::new(Switchyard {
            name,
            program: program.unwrap_or_else(switchyard_program),
            args: flags,
        }),
        "v8" | "node" => {
            let mut args = vec!["--experimental-wasm-wasmfx".to_string()];
            args.extend(flags);
            Box::new(JsEngine {
                name,
                program: program.unwrap_or_else(|| bin.join("node26")),
                args,
            })
        }
        "wasmtime" | "wasmtime-latest" => Box::new(WastCli {
            program: program.unwrap_or_else(|| bin.join(&kind)),
            name,
            dialect: Dialect::Wasmtime,
            args: flags,
            node: None,
        }),
        "binaryen" => {
            let program = program.unwrap_or_else(|| bin.join("wasm-shell"));
            Box::new(WastCli {
                name,
                node: binaryen_node(&program),
                program,
                dialect: Dialect::Binaryen,
                args: flags,
            })
        }
        "ref" => Box::new(WastCli {
            name,
            program: program.ok_or("ref needs a path: ref=PATH")?,
            dialect: Dialect::Reference,
            args: flags,
            node: None,
        }),
        other => {
            return Err(format!(
                "unknown engine {other:?} in --engine {spec:?} (known: {})",
                KINDS.join(", ")
            ))
        }
    };
    engine.check()?;
    Ok(engine)
}

/// `(column name, kind, path, flags)` of an `--engine` argument.
fn parse_spec(spec: &str) -> Result<(String, String, Option<PathBuf>, String), String> {
    let Some((left, right)) = spec.split_once('=') else {
        let kind = if spec == "node" { "v8" } else { spec };
        return Ok((kind.to_string(), kind.to_string(), None, String::new()));
    };
    let (head, flags) = right.split_once(':').unwrap_or((right, ""));
    let (kind, path) = match head.split_once('@') {
        Some((k, p)) => (k, Some(p)),
        None => (head, None),
    };
    if KINDS.contains(&kind) || kind == "node" {
        if left.is_empty()
            || !left
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(format!(
                "--engine {spec:?}: the column name {left:?} must be letters, digits, - _ ."
            ));
        }
        if path == Some("") {
            return Err(format!("--engine {spec:?}: empty path after @"));
        }
        let kind = if kind == "node" { "v8" } else { kind };
        return Ok((
            left.to_string(),
            kind.to_string(),
            path.map(PathBuf::from),
            flags.to_string(),
        ));
    }
    // `KIND=PATH`: the whole right side is the path.
    if KINDS.contains(&left) || left == "node" {
        if right.is_empty() {
            return Err(format!("--engine {spec:?}: empty path"));
        }
        let kind = if left == "node" { "v8" } else { left };
        return Ok((
            kind.to_string(),
            kind.to_string(),
            Some(PathBuf::from(right)),
            String::new(),
        ));
    }
    Err(format!(
        "--engine {spec:?}: neither KIND=PATH nor NAME=KIND[@PATH][:FLAGS] with a known kind ({})",
        KINDS.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake engine that stops at failures: fails at `fail`, crashes at `crash`.
    struct Fake {
        fail: Vec<usize>,
        crash: Vec<usize>,
        stops: bool,
    }

    impl Engine for Fake {
        fn name(&self) -> String {
            "fake".into()
        }
        fn stops_at_failure(&self) -> bool {
            self.stops
        }
        fn attempt(&self, script: &Script, skip: &BTreeSet<usize>, _: Duration) -> Attempt {
            for d in &script.directives {
                if skip.contains(&d.index) {
                    continue;
                }
                if self.crash.contains(&d.index) {
                    return Attempt {
                        end: End::Crashed {
                            at: None,
                            detail: "boom".into(),
                        },
                        ..Default::default()
                    };
                }
                if self.fail.contains(&d.index) {
                    return Attempt {
                        end: End::Failed {
                            at: None,
                            message: "wasm trap: unreachable".into(),
                        },
                        ..Default::default()
                    };
                }
            }
            Attempt::default()
        }
    }

    const SCRIPT: &str = r#"(module (func (export "f")))
(assert_return (invoke "f"))
(module (func (export "g")))
(assert_return (invoke "g"))
(invoke "g")
(module (func (export "h")))
(assert_return (invoke "h"))"#;

    #[test]
    fn driver_settles_every_directive() {
        let s = script::parse("t.wast", SCRIPT.into()).unwrap();
        let fake = Fake {
            fail: vec![1],
            crash: vec![2],
            stops: true,
        };
        let got: Vec<Category> = run_script(&fake, &s, Duration::from_secs(1))
            .iter()
            .map(|o| o.category)
            .collect();
        use Category::*;
        assert_eq!(
            got,
            vec![
                Success,
                Trap,
                Crash,
                Unsupported,
                Unsupported,
                Success,
                Return
            ]
        );
    }

    #[test]
    fn classifies_messages() {
        let s = script::parse("t.wast", SCRIPT.into()).unwrap();
        let d = &s.directives[1];
        assert_eq!(
            classify_failure(d, "expected trap, got [I32(1)]").category,
            Category::Return
        );
        assert_eq!(
            classify_failure(d, "wasm trap: wasm `unreachable` instruction executed").category,
            Category::Trap
        );
        assert_eq!(
            classify_failure(d, "UnhandledTag").category,
            Category::Suspension
        );
        // binaryen says what it got instead.
        assert_eq!(
            classify_failure(d, "expected trap, got exception").category,
            Category::Exception
        );
        assert_eq!(
            classify_failure(d, "expected return, got trap").category,
            Category::Trap
        );
        assert_eq!(
            classify_failure(d, "expected 5, got 1").category,
            Category::Return
        );
        // A run-time `Fatal:` is a crash; a host limit is exhaustion.
        assert_eq!(
            classify_failure(d, "Fatal: expected (tuple i32 i32), seeing i32").category,
            Category::Crash
        );
        assert_eq!(
            classify_failure(d, "expected 1, got exceeded host limit").category,
            Category::Exhaustion
        );
        // The reference interpreter's words.
        assert_eq!(
            classify_failure(
                &s.directives[0],
                "t.wast:9.1-29.19: assertion failure: expected validation error"
            )
            .category,
            Category::Success
        );
        assert_eq!(
            classify_failure(
                d,
                "t.wast:38.1-38.79: assertion failure: expected exhaustion error"
            )
            .category,
            Category::Return
        );
        // Only what the engine got counts, not the expectation it quotes.
        assert_eq!(
            classify_failure(d, "expected exhaustion, got 40").category,
            Category::Return
        );
        assert_eq!(
            classify_failure(d, "expected trap, got Core([I32(40)])").category,
            Category::Return
        );
        assert_eq!(
            classify_failure(
                d,
                "expected 'call stack exhausted', got 'error while executing at wasm backtrace:\n\
                 0xa2 - down\nwasm trap: continuation already consumed'"
            )
            .category,
            Category::Trap
        );
        assert_eq!(
            classify_failure(&s.directives[0], "expected module to fail to build").category,
            Category::Success
        );
    }

    #[test]
    fn reads_switchyard_json() {
        let s = script::parse("t.wast", SCRIPT.into()).unwrap();
        let json = r#"{"files": [{"path": "t.wast", "directives": [
            {"line": 2, "kind": "assert_return", "status": "passed", "expected": "[]", "actual": "[]"},
            {"line": 4, "kind": "assert_return", "status": "failed", "expected": "[]", "actual": "trap \"unreachable\""},
            {"line": 5, "kind": "invoke", "status": "passed", "expected": "no error", "actual": "[(i32.const 1) (i64.const -2)]"},
            {"line": 6, "kind": "module", "status": "skipped", "expected": "instantiated", "actual": "", "reason": "SIMD"}]}]}"#;
        let got = read_switchyard_json(&s, json);
        assert_eq!(got[&1].category, Category::Return);
        assert_eq!(got[&1].passes, Some(true));
        assert_eq!(got[&3].category, Category::Trap);
        assert_eq!(got[&3].passes, Some(false));
        assert_eq!(got[&3].detail, "unreachable");
        assert_eq!(
            (got[&4].category, got[&4].detail.as_str()),
            (Category::Success, "i32:1 i64:-2")
        );
        assert_eq!(got[&5].category, Category::Unsupported);
    }
}
