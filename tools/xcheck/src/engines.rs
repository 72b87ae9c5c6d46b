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
use std::collections::{BTreeSet, HashMap};
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
    fn name(&self) -> String;
    /// Whether the engine stops at the first failing directive (then every directive before
    /// the stop passed).
    fn stops_at_failure(&self) -> bool;
    /// Runs the script without the directives `skip` holds.
    fn attempt(&self, script: &Script, skip: &BTreeSet<usize>, timeout: Duration) -> Attempt;
}

/// Runs a whole script on an engine and returns one outcome per directive.
pub fn run_script(engine: &dyn Engine, script: &Script, timeout: Duration) -> Vec<Outcome> {
    let n = script.directives.len();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    let mut skip = BTreeSet::new();
    for d in &script.directives {
        if let script::Step::Unsupported(why) = &d.step {
            outcomes[d.index] = Some(Outcome::unsupported(why.clone()));
            skip.insert(d.index);
        }
    }
    // Each round settles at least one directive, so n + 1 rounds always suffice.
    for _ in 0..=n {
        let attempt = engine.attempt(script, &skip, timeout);
        for (i, o) in attempt.reported {
            if i < n && outcomes[i].is_none() {
                outcomes[i] = Some(o);
            }
        }
        let pending = |outcomes: &[Option<Outcome>], skip: &BTreeSet<usize>| -> Vec<usize> {
            (0..n)
                .filter(|i| outcomes[*i].is_none() && !skip.contains(i))
                .collect()
        };
        let stop = match attempt.end {
            End::Completed => {
                for i in pending(&outcomes, &skip) {
                    outcomes[i] = Some(if engine.stops_at_failure() {
                        Outcome::as_expected(&script.directives[i], "")
                    } else {
                        Outcome::unsupported("the engine reported nothing for it")
                    });
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
                let at = at.or_else(|| locate(engine, script, &skip, timeout, Goal::Failure));
                match at {
                    Some(at) => (at, classify_failure(&script.directives[at], &message)),
                    None => break,
                }
            }
            End::Crashed { at, detail } => {
                let at = at.or_else(|| locate(engine, script, &skip, timeout, Goal::Crash));
                match at {
                    Some(at) => (at, Outcome::crash(detail)),
                    None => break,
                }
            }
            End::TimedOut { at } => {
                let at = at.or_else(|| locate(engine, script, &skip, timeout, Goal::Timeout));
                match at {
                    Some(at) => (at, Outcome::timeout(timeout.as_secs_f64())),
                    None => break,
                }
            }
        };
        let (at, outcome) = stop;
        if engine.stops_at_failure() {
            for i in pending(&outcomes, &skip).into_iter().filter(|&i| i < at) {
                outcomes[i] = Some(Outcome::as_expected(&script.directives[i], ""));
            }
        }
        if outcomes[at].is_none() {
            outcomes[at] = Some(outcome);
        }
        skip.insert(at);
        // Whatever needs what this directive should have made cannot run on this engine.
        for d in &script.directives[at + 1..] {
            if let Some(&missing) = d.deps.iter().find(|x| skip.contains(x)) {
                if outcomes[d.index].is_none() {
                    let line = script.directives[missing].line;
                    outcomes[d.index] = Some(Outcome::unsupported(format!(
                        "needs the module of line {line}, which this engine did not make"
                    )));
                    skip.insert(d.index);
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

#[derive(Clone, Copy)]
enum Goal {
    Crash,
    Timeout,
    Failure,
}

/// Finds the directive at which an engine that said nothing about its progress crashed (or
/// hung): the shortest prefix of the remaining directives that still does so, by bisection.
fn locate(
    engine: &dyn Engine,
    script: &Script,
    skip: &BTreeSet<usize>,
    timeout: Duration,
    goal: Goal,
) -> Option<usize> {
    let included: Vec<usize> = (0..script.directives.len())
        .filter(|i| !skip.contains(i))
        .collect();
    let fails = |len: usize| -> bool {
        let mut s = skip.clone();
        s.extend(included[len..].iter().copied());
        matches!(
            (engine.attempt(script, &s, timeout).end, goal),
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
    let rejected = has(&[
        "expected module to fail",
        "expected invalid module",
        "expected malformed module",
        "expected module to be invalid",
        "expected unlinkable",
        "module was valid",
        "module is valid",
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
    ]);
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
    let category = if unimplemented {
        Category::Unsupported
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

impl Engine for JsEngine {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn stops_at_failure(&self) -> bool {
        false
    }
    fn attempt(&self, script: &Script, skip: &BTreeSet<usize>, timeout: Duration) -> Attempt {
        if !self.program.exists() {
            return unavailable(&self.program);
        }
        let file = scratch_dir().join(format!("{}.js", file_stem(script)));
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
        let finished = match process::run(cmd, timeout) {
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
    let text = format!("{}\n{}", f.stderr, f.stdout);
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
}

impl WastCli {
    fn command(&self, file: &Path) -> Command {
        let mut cmd = match self.dialect {
            // wasm-shell is a node script: node 26, when installed, starts it twice as fast
            // as an older node on PATH.
            Dialect::Binaryen => {
                let node = engines_dir().join("bin").join("node26");
                let mut c = if node.exists() {
                    let mut c = Command::new(node);
                    c.arg(&self.program);
                    c
                } else {
                    Command::new(&self.program)
                };
                c.arg(file);
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
                c.arg(file);
                // Makes `wasmtime wast` log each directive before running it, which locates
                // crashes without bisection.
                c.env("WASMTIME_LOG", "wasmtime_wast=debug")
                    .env("NO_COLOR", "1");
                c
            }
            Dialect::Reference => {
                let mut c = Command::new(&self.program);
                c.arg(file);
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
                // A parse error of the whole file: `--> file:line:col`.
                line_after(&text, &format!("{file}:"))
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
        let text = format!("{}\n{}", f.stdout, f.stderr);
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
    fn stops_at_failure(&self) -> bool {
        true
    }
    fn attempt(&self, script: &Script, skip: &BTreeSet<usize>, timeout: Duration) -> Attempt {
        if !self.program.exists() {
            return unavailable(&self.program);
        }
        let name = format!(
            "{}.{}.wast",
            file_stem(script),
            self.name.replace(['/', '='], "_")
        );
        let file = scratch_dir().join(&name);
        let text = script::select(script, &|d| !skip.contains(&d.index));
        if let Err(e) = std::fs::write(&file, text) {
            return Attempt {
                end: End::Unavailable(format!("cannot write {file:?}: {e}")),
                ..Default::default()
            };
        }
        let finished = match process::run(self.command(&file), timeout) {
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
    pub program: PathBuf,
}

impl Engine for Switchyard {
    fn name(&self) -> String {
        "switchyard".into()
    }
    fn stops_at_failure(&self) -> bool {
        false
    }
    fn attempt(&self, script: &Script, skip: &BTreeSet<usize>, timeout: Duration) -> Attempt {
        if !self.program.exists() {
            return Attempt {
                end: End::Unavailable(format!(
                    "switchyard binary not found ({}; cargo build -p switchyard)",
                    self.program.display()
                )),
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
        let json = dir.join(format!("{}.json", file_stem(script)));
        let _ = std::fs::remove_file(&json);
        let text = script::select(script, &|d| !skip.contains(&d.index));
        if let Err(e) = std::fs::write(&file, text) {
            return Attempt {
                end: End::Unavailable(format!("cannot write {file:?}: {e}")),
                ..Default::default()
            };
        }
        let mut cmd = Command::new(&self.program);
        cmd.args(["run", "--quiet", "--json"]).arg(&json).arg(&file);
        cmd.env("RUST_BACKTRACE", "0");
        let finished = match process::run(cmd, timeout) {
            Ok(f) => f,
            Err(e) => {
                return Attempt {
                    end: End::Unavailable(e),
                    ..Default::default()
                }
            }
        };
        let written = std::fs::read_to_string(&json).ok();
        let reported = written
            .as_deref()
            .map(|t| read_switchyard_json(script, t))
            .unwrap_or_default();
        let first_missing =
            (0..script.directives.len()).find(|i| !reported.contains_key(i) && !skip.contains(i));
        let end = if finished.timed_out {
            End::TimedOut {
                at: first_missing.filter(|_| written.is_some()),
            }
        } else if written.is_none() {
            if finished.signal.is_some() || finished.code == Some(101) {
                End::Crashed {
                    at: None,
                    detail: crash_detail(&finished),
                }
            } else {
                // No JSON and no crash: the runner is not there, or refused the file.
                End::Unavailable(format!(
                    "switchyard wrote no JSON: {}",
                    crash_detail(&finished)
                ))
            }
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
            return (category, rest.trim().trim_matches('"').to_string());
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

/// Makes an engine from its command-line name: `switchyard`, `v8`, `wasmtime`, `binaryen`,
/// `ref=PATH`, and `NAME=PATH` for `v8`, `wasmtime`, `binaryen` and `switchyard` at a path
/// of one's choice.
pub fn by_name(spec: &str) -> Result<Box<dyn Engine>, String> {
    let (name, path) = match spec.split_once('=') {
        Some((n, p)) => (n, Some(PathBuf::from(p))),
        None => (spec, None),
    };
    let bin = engines_dir().join("bin");
    Ok(match name {
        "switchyard" => Box::new(Switchyard {
            program: path.unwrap_or_else(switchyard_program),
        }),
        "v8" | "node" => Box::new(JsEngine {
            name: "v8".into(),
            program: path.unwrap_or_else(|| bin.join("node26")),
            args: vec!["--experimental-wasm-wasmfx".into()],
        }),
        "wasmtime" => Box::new(WastCli {
            name: "wasmtime".into(),
            program: path.unwrap_or_else(|| bin.join("wasmtime")),
            dialect: Dialect::Wasmtime,
        }),
        "binaryen" => Box::new(WastCli {
            name: "binaryen".into(),
            program: path.unwrap_or_else(|| bin.join("wasm-shell")),
            dialect: Dialect::Binaryen,
        }),
        "ref" => Box::new(WastCli {
            name: "ref".into(),
            program: path.ok_or("ref needs a path: ref=PATH")?,
            dialect: Dialect::Reference,
        }),
        other => {
            return Err(format!(
                "unknown engine {other:?} (switchyard, v8, wasmtime, binaryen, ref=PATH)"
            ))
        }
    })
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
