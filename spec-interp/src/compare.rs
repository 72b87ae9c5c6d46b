//! Cross-design comparison: one program written once per design (`typed-cont.wast`,
//! `raw-stacks.wast`, `effect-handlers.wast` in one folder), run under each, checked for equal
//! results and transcripts, and measured with the executor's counters.
//!
//! A program agrees when every version passes its own assertions and, directive by directive,
//! the versions invoke the same exports with the same arguments, get the same outcome and print
//! the same lines. The exceptions are the exports listed in the program's `README.md`, in a
//! fenced block with the info string `differences`:
//!
//! ````text
//! ```differences
//! export        | typed-cont | raw-stacks                              | effect-handlers
//! escape        | exception  | trap "uncaught exception at stack base" | exception
//! twice         | suspension "unhandled tag"; prints 1 | 2; prints 1 2 | 2; prints 1 2
//! ```
//! ````
//!
//! The header names the designs in column order. A cell is an outcome pattern, optionally
//! followed by `; prints v*` pinning the lines the invocation prints (each `v` is a whole
//! transcript line or its value before ` : `). Patterns: `kind` or `kind "prefix"` for errors
//! (`trap`, `exception`, `suspension`, `exhaustion`), a result list as the runner prints it
//! (`[(i32.const 2)]`), or bare integers as a shorthand for i32 results (`2`, `1 2`). Every
//! invocation of a listed export must match its design's cell; without `prints` the lines it
//! prints must still be equal across designs.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::design::Design;
use crate::diag::Result;
use crate::exec::{self, Counters};
use crate::runtime::{Addr, Val};
use crate::script::run::values::{const_val, vals_text};
use crate::script::run::{files, run_script, Engine, Outcome, Status, Switchyard};
use crate::script::{Action, CommandKind, ModuleSource, Script};
use crate::syntax::Module;

/// The script file of each design in a program folder.
pub fn script_name(design: Design) -> String {
    format!("{}.wast", design.name())
}

/// One action directive of a run, as compared across designs.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// 1-based line of the directive.
    pub line: usize,
    /// The export invoked (or global read).
    pub export: String,
    /// `export [args]`, the key that lines the designs up.
    pub label: String,
    /// The outcome in the runner's notation: `[(i32.const 3)]`, `trap "..."`, ...
    pub actual: String,
    /// Whether the script's own assertion held.
    pub passed: bool,
    /// Lines printed while the action ran.
    pub printed: Vec<String>,
    /// Counter increments of the action (peaks: the peak during the action).
    pub counters: Counters,
}

/// One design's version of a program, run.
#[derive(Clone, Debug)]
pub struct DesignRun {
    pub design: Design,
    pub path: PathBuf,
    /// The file could not be read or parsed, or the run crashed; nothing else is meaningful.
    pub error: Option<String>,
    /// Directives (of any kind) whose own expectation failed: `line: kind: expected ..., got ...`.
    pub failures: Vec<String>,
    pub passed: usize,
    pub directives: usize,
    pub steps: Vec<Step>,
    /// Every line printed, instantiation included.
    pub transcript: Vec<String>,
    /// Totals over the whole script (peaks: the maximum).
    pub counters: Counters,
    /// Instructions in the function bodies of the script's text modules.
    pub instrs: usize,
    /// Time spent running the directives (parsing excluded).
    pub wall: Duration,
}

impl DesignRun {
    /// A run of `path` under `design` before anything has happened.
    fn empty(design: Design, path: &Path) -> DesignRun {
        DesignRun {
            design,
            path: path.to_path_buf(),
            error: None,
            failures: Vec::new(),
            passed: 0,
            directives: 0,
            steps: Vec::new(),
            transcript: Vec::new(),
            counters: Counters::default(),
            instrs: 0,
            wall: Duration::ZERO,
        }
    }
}

/// The documented per-design outcome of one export.
#[derive(Clone, Debug, PartialEq)]
pub struct Documented {
    pub outcome: String,
    pub prints: Option<Vec<String>>,
}

/// The `differences` block of a program's README: export -> design -> documented outcome.
pub type Differences = BTreeMap<String, HashMap<Design, Documented>>;

/// How a program's versions compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Identical results and transcripts.
    Agree,
    /// Identical except the documented exports, which differ exactly as documented.
    AsDocumented,
    /// Something does not match; the problems say what.
    Disagree,
}

/// A program run in every design.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub program: String,
    pub dir: PathBuf,
    pub differences: Differences,
    /// One entry per design, in `Design::ALL` order; `None` when the folder has no script.
    pub runs: Vec<(Design, Option<DesignRun>)>,
    pub verdict: Verdict,
    pub problems: Vec<String>,
}

impl Comparison {
    pub fn ok(&self) -> bool {
        self.verdict != Verdict::Disagree
    }

    pub fn run(&self, design: Design) -> Option<&DesignRun> {
        self.runs
            .iter()
            .find(|(d, _)| *d == design)
            .and_then(|(_, r)| r.as_ref())
    }
}

// ---------------------------------------------------------------------------------------------
// Finding programs

/// Does `dir` hold at least one design's script?
pub fn is_program(dir: &Path) -> bool {
    Design::ALL
        .iter()
        .any(|d| dir.join(script_name(*d)).is_file())
}

/// The program folders named by `paths`: a program folder itself, or a folder of programs
/// (its subfolders that are programs, sorted). Files and other folders are left out.
pub fn program_dirs(paths: &[PathBuf]) -> std::result::Result<Vec<PathBuf>, String> {
    let mut dirs = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(format!("{}: no such file or folder", path.display()));
        }
        if !path.is_dir() {
            continue;
        }
        if is_program(path) {
            dirs.push(path.clone());
            continue;
        }
        let mut subs: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && is_program(p))
            .collect();
        subs.sort();
        dirs.extend(subs);
    }
    Ok(dirs)
}

// ---------------------------------------------------------------------------------------------
// The differences block

/// Reads the `differences` block of `readme` (none: empty).
pub fn parse_differences(readme: &str) -> std::result::Result<Differences, String> {
    let mut out = Differences::new();
    let mut lines = readme.lines().enumerate();
    let mut found = false;
    for (_, line) in lines.by_ref() {
        let t = line.trim();
        if t.starts_with("```") && t.trim_start_matches('`').trim() == "differences" {
            found = true;
            break;
        }
    }
    if !found {
        return Ok(out);
    }
    let mut header: Option<Vec<Design>> = None;
    for (i, line) in lines {
        let t = line.trim();
        if t.starts_with("```") {
            return Ok(out);
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = t.split('|').map(str::trim).collect();
        let at = |m: String| format!("README.md:{}: {m}", i + 1);
        match &header {
            None => {
                let designs = cells[1..]
                    .iter()
                    .map(|c| c.parse::<Design>())
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(at)?;
                header = Some(designs);
            }
            Some(designs) => {
                if cells.len() != designs.len() + 1 {
                    return Err(at(format!(
                        "expected {} cells, found {}",
                        designs.len() + 1,
                        cells.len()
                    )));
                }
                let mut row = HashMap::new();
                for (d, cell) in designs.iter().zip(&cells[1..]) {
                    row.insert(*d, parse_cell(cell));
                }
                out.insert(cells[0].to_string(), row);
            }
        }
    }
    Err("README.md: the differences block is not closed".to_string())
}

fn parse_cell(cell: &str) -> Documented {
    match cell.split_once("; prints") {
        Some((outcome, prints)) => Documented {
            outcome: outcome.trim().to_string(),
            prints: Some(prints.split_whitespace().map(str::to_string).collect()),
        },
        None => Documented {
            outcome: cell.trim().to_string(),
            prints: None,
        },
    }
}

/// Does the outcome `actual` (runner notation) match the documented `pattern`?
pub fn outcome_matches(pattern: &str, actual: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let pattern = squash(pattern);
    let actual = squash(actual);
    if pattern.starts_with('[') {
        return pattern == actual;
    }
    let ints: Option<Vec<i64>> = pattern.split_whitespace().map(|w| w.parse().ok()).collect();
    if let Some(ints) = ints.filter(|v| !v.is_empty()) {
        let vals: Vec<Val> = ints.iter().map(|&n| Val::I32(n as i32)).collect();
        return vals_text(&vals) == actual;
    }
    let (kind, message) = match pattern.split_once(' ') {
        Some((k, m)) => (k, Some(m.trim_matches('"'))),
        None => (pattern.as_str(), None),
    };
    let Some(rest) = actual.strip_prefix(kind) else {
        return false;
    };
    match message {
        None => rest.is_empty() || rest.starts_with(' '),
        Some(m) => rest
            .trim_start()
            .strip_prefix('"')
            .is_some_and(|r| r.starts_with(m)),
    }
}

/// Does the printed line `line` (`3 : i32`) match `v` (`3 : i32` or `3`)?
fn printed_matches(v: &str, line: &str) -> bool {
    v == line || line.split(" : ").next() == Some(v)
}

// ---------------------------------------------------------------------------------------------
// Running one version

/// The Switchyard engine with a record of what each host call printed and counted.
struct Recorder {
    inner: Switchyard,
    /// (export, printed lines, counter increments) per `invoke`/`get`, in order.
    calls: Vec<(String, Vec<String>, Counters)>,
}

impl Recorder {
    fn record<T>(&mut self, name: &str, f: impl FnOnce(&mut Switchyard) -> T) -> T {
        let store = &mut self.inner.store;
        let before = store.counters;
        let lines = store.transcript.len();
        // Peaks restart so that each call's own peak is seen; the totals keep the maximum.
        store.counters.peak_depth = 0;
        store.counters.peak_live_conts = store.live_conts();
        let r = f(&mut self.inner);
        let store = &mut self.inner.store;
        let after = store.counters;
        let delta = Counters {
            steps: after.steps - before.steps,
            switches: after.switches - before.switches,
            search_steps: after.search_steps - before.search_steps,
            peak_depth: after.peak_depth,
            peak_live_conts: after.peak_live_conts,
        };
        store.counters.peak_depth = before.peak_depth.max(after.peak_depth);
        store.counters.peak_live_conts = before.peak_live_conts.max(after.peak_live_conts);
        let printed = store.transcript[lines.min(store.transcript.len())..].to_vec();
        self.calls.push((name.to_string(), printed, delta));
        r
    }
}

impl Engine for Recorder {
    type Module = Rc<Module>;
    type Instance = Addr;

    fn parse(&mut self, source: &ModuleSource) -> Result<Rc<Module>> {
        self.inner.parse(source)
    }
    fn validate(&mut self, module: &Rc<Module>) -> Result<()> {
        self.inner.validate(module)
    }
    fn instantiate(
        &mut self,
        module: &Rc<Module>,
        resolve: &dyn Fn(&str) -> Option<Addr>,
    ) -> Result<Addr> {
        self.inner.instantiate(module, resolve)
    }
    fn invoke(&mut self, instance: Addr, name: &str, args: Vec<Val>) -> Result<Vec<Val>> {
        self.record(name, |e| e.invoke(instance, name, args))
    }
    fn get(&mut self, instance: Addr, name: &str) -> Result<Val> {
        self.record(name, |e| e.get(instance, name))
    }
    fn host_instances(&mut self) -> Result<Vec<(String, Addr)>> {
        self.inner.host_instances()
    }
}

fn action_of(kind: &CommandKind) -> Option<&Action> {
    match kind {
        CommandKind::Action(a)
        | CommandKind::AssertReturn { action: a, .. }
        | CommandKind::AssertTrap { action: a, .. }
        | CommandKind::AssertExhaustion { action: a, .. }
        | CommandKind::AssertException { action: a }
        | CommandKind::AssertSuspension { action: a, .. } => Some(a),
        _ => None,
    }
}

fn label(action: &Action) -> (String, String) {
    match action {
        Action::Invoke { name, args, .. } => {
            let args: Vec<Val> = args.iter().map(const_val).collect();
            (name.clone(), format!("{name} {}", vals_text(&args)))
        }
        Action::Get { name, .. } => (name.clone(), format!("get {name}")),
    }
}

/// Instructions in the function bodies of the script's text modules.
fn instruction_count(script: &Script) -> usize {
    script
        .commands
        .iter()
        .filter_map(|c| match &c.kind {
            CommandKind::Module(m) => match &m.source {
                ModuleSource::Text(module) => Some(module),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|m| m.funcs.iter())
        .map(|f| f.body.instrs.len())
        .sum()
}

/// Runs `path` under `design` (whatever its header says) on the current thread.
pub fn run_version(design: Design, path: &Path) -> DesignRun {
    let mut run = DesignRun::empty(design, path);
    let src = match std::fs::read_to_string(path) {
        Ok(src) => src,
        Err(e) => {
            run.error = Some(format!("cannot read: {e}"));
            return run;
        }
    };
    let headers = match files::script_headers(&src) {
        Ok(h) => h,
        Err(e) => {
            run.error = Some(format!("bad header: {e}"));
            return run;
        }
    };
    let script = match crate::text::parse_script(&src, design) {
        Ok(s) => s,
        Err(e) => {
            let line = e
                .span
                .map(|s| crate::diag::line_col(&src, s.start as usize).0);
            run.error = Some(match line {
                Some(l) => format!("line {l}: {} \"{}\"", e.kind.name(), e.message),
                None => format!("{} \"{}\"", e.kind.name(), e.message),
            });
            return run;
        }
    };
    run.instrs = instruction_count(&script);
    let mut config = exec::Config {
        design,
        ..exec::Config::default()
    };
    if let Some(fuel) = headers.fuel {
        config.fuel = Some(fuel);
    }
    if let Some(depth) = headers.call_depth {
        config.max_call_depth = depth;
    }
    let mut engine = Recorder {
        inner: Switchyard::new(config),
        calls: Vec::new(),
    };
    let start = Instant::now();
    let outcomes = run_script(&mut engine, &script, &src);
    run.wall = start.elapsed();
    run.transcript = engine.inner.store.transcript.clone();
    run.counters = engine.inner.store.counters;
    run.directives = outcomes.len();
    let mut calls = engine.calls.into_iter().peekable();
    for (command, outcome) in script.commands.iter().zip(&outcomes) {
        let Outcome {
            line,
            kind,
            expected,
            actual,
            status,
            ..
        } = outcome;
        match status {
            Status::Passed => run.passed += 1,
            Status::Failed => run.failures.push(format!(
                "line {line}: {kind}: expected {expected}, got {actual}"
            )),
            Status::Skipped { .. } => {}
        }
        let Some(action) = action_of(&command.kind) else {
            continue;
        };
        let (export, label) = label(action);
        // The action's host call, if it got as far as the engine (an unknown module does not).
        let (printed, counters) = match calls.peek() {
            Some((name, _, _)) if *name == export => {
                let (_, p, c) = calls.next().unwrap_or_default();
                (p, c)
            }
            _ => (Vec::new(), Counters::default()),
        };
        run.steps.push(Step {
            line: *line,
            export,
            label,
            actual: actual.clone(),
            passed: *status == Status::Passed,
            printed,
            counters,
        });
    }
    run
}

/// Runs a version on a thread with the runner's large stack (a safety net for deep inputs).
fn run_version_threaded(design: Design, path: &Path) -> DesignRun {
    let thread_path = path.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name(format!("compare {}", path.display()))
        .stack_size(crate::script::run::SCRIPT_STACK_SIZE)
        .spawn(move || run_version(design, &thread_path));
    let crashed = |message: String| DesignRun {
        error: Some(format!("crash: {message}")),
        ..DesignRun::empty(design, path)
    };
    match spawned {
        Ok(handle) => match handle.join() {
            Ok(run) => run,
            Err(_) => crashed("the run panicked".to_string()),
        },
        Err(e) => crashed(format!("cannot start a thread: {e}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Comparing

/// Runs every version in `dir` and compares them.
pub fn compare_program(dir: &Path) -> Comparison {
    let program = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let mut problems = Vec::new();
    let differences = match std::fs::read_to_string(dir.join("README.md")) {
        Ok(readme) => parse_differences(&readme).unwrap_or_else(|e| {
            problems.push(e);
            Differences::new()
        }),
        Err(_) => {
            problems.push("no README.md".to_string());
            Differences::new()
        }
    };
    let runs: Vec<(Design, Option<DesignRun>)> = Design::ALL
        .iter()
        .map(|&d| {
            let path = dir.join(script_name(d));
            (d, path.is_file().then(|| run_version_threaded(d, &path)))
        })
        .collect();
    problems.extend(check(&runs, &differences));
    let verdict = if !problems.is_empty() {
        Verdict::Disagree
    } else if differences.is_empty() {
        Verdict::Agree
    } else {
        Verdict::AsDocumented
    };
    Comparison {
        program,
        dir: dir.to_path_buf(),
        differences,
        runs,
        verdict,
        problems,
    }
}

/// Everything that keeps the versions from agreeing (empty: they agree, or differ as
/// documented).
pub fn check(runs: &[(Design, Option<DesignRun>)], differences: &Differences) -> Vec<String> {
    let mut problems = Vec::new();
    let mut present: Vec<&DesignRun> = Vec::new();
    for (d, run) in runs {
        let Some(run) = run else {
            problems.push(format!("{d}: no {}", script_name(*d)));
            continue;
        };
        if let Some(e) = &run.error {
            problems.push(format!("{d}: {e}"));
            continue;
        }
        for f in &run.failures {
            problems.push(format!("{d}: {f}"));
        }
        present.push(run);
    }
    for (export, row) in differences {
        for (d, _) in runs {
            if !row.contains_key(d) {
                problems.push(format!("README: `{export}` documents no outcome for {d}"));
            }
        }
        if present
            .iter()
            .any(|r| !r.steps.iter().any(|s| s.export == *export))
        {
            problems.push(format!(
                "README: `{export}` is documented but not invoked by every version"
            ));
        }
    }
    // Each version against its documented outcomes.
    for run in &present {
        for step in &run.steps {
            let Some(doc) = differences
                .get(&step.export)
                .and_then(|row| row.get(&run.design))
            else {
                continue;
            };
            if !outcome_matches(&doc.outcome, &step.actual) {
                problems.push(format!(
                    "{}: line {}: {}: documented {}, got {}",
                    run.design, step.line, step.label, doc.outcome, step.actual
                ));
            }
            if let Some(prints) = &doc.prints {
                let ok = prints.len() == step.printed.len()
                    && prints
                        .iter()
                        .zip(&step.printed)
                        .all(|(v, l)| printed_matches(v, l));
                if !ok {
                    problems.push(format!(
                        "{}: line {}: {}: documented prints {}, printed {}",
                        run.design,
                        step.line,
                        step.label,
                        prints.join(" "),
                        printed_text(&step.printed)
                    ));
                }
            }
        }
    }
    // The versions against each other, against the first one present.
    let Some((first, rest)) = present.split_first() else {
        return problems;
    };
    for run in rest {
        let labels = |r: &DesignRun| r.steps.iter().map(|s| s.label.clone()).collect::<Vec<_>>();
        if labels(first) != labels(run) {
            problems.push(format!(
                "{} and {} run different actions: {}",
                first.design,
                run.design,
                first_difference(&labels(first), &labels(run))
            ));
            continue;
        }
        for (a, b) in first.steps.iter().zip(&run.steps) {
            // A failed assertion is reported already; its outcome says nothing more.
            if !a.passed || !b.passed {
                continue;
            }
            let doc = differences.get(&a.export);
            if doc.is_none() && comparable(&a.actual) != comparable(&b.actual) {
                problems.push(format!(
                    "`{}` gives {} in {} (line {}) but {} in {} (line {})",
                    a.label, a.actual, first.design, a.line, b.actual, run.design, b.line
                ));
            }
            let pinned = doc.is_some_and(|row| row.values().any(|c| c.prints.is_some()));
            if !pinned && a.printed != b.printed {
                problems.push(format!(
                    "`{}` prints {} in {} (line {}) but {} in {} (line {})",
                    a.label,
                    printed_text(&a.printed),
                    first.design,
                    a.line,
                    printed_text(&b.printed),
                    run.design,
                    b.line
                ));
            }
        }
        // Lines printed outside actions (start functions).
        let outside = |r: &DesignRun| {
            let inside: usize = r.steps.iter().map(|s| s.printed.len()).sum();
            r.transcript.len().saturating_sub(inside)
        };
        if outside(first) != outside(run) {
            problems.push(format!(
                "{} and {} print different numbers of lines outside invocations",
                first.design, run.design
            ));
        }
    }
    problems
}

/// An outcome with what legitimately differs between designs removed: the store address of an
/// uncaught exception's tag (`tag 2`), which depends on how many tags each version declares.
pub fn comparable(actual: &str) -> String {
    if !actual.starts_with("exception") {
        return actual.to_string();
    }
    let mut out = String::with_capacity(actual.len());
    let mut rest = actual;
    while let Some(i) = rest.find("tag ") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            out.push('_');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

fn printed_text(lines: &[String]) -> String {
    if lines.is_empty() {
        return "nothing".to_string();
    }
    let vals: Vec<&str> = lines
        .iter()
        .map(|l| l.split(" : ").next().unwrap_or(l))
        .collect();
    format!("[{}]", vals.join(" "))
}

fn first_difference(a: &[String], b: &[String]) -> String {
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match (a.get(i), b.get(i)) {
        (Some(x), Some(y)) => format!("action {} is `{x}` vs `{y}`", i + 1),
        (Some(x), None) => format!("only the first has action {} `{x}`", i + 1),
        (None, Some(y)) => format!("only the second has action {} `{y}`", i + 1),
        (None, None) => "none".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Reports

/// The metric rows of the tables: (name, value of a run).
fn metrics() -> Vec<(&'static str, fn(&DesignRun) -> String)> {
    vec![
        ("assertions passed", |r| {
            format!("{}/{}", r.passed, r.directives)
        }),
        ("transcript lines", |r| r.transcript.len().to_string()),
        ("reduction steps", |r| r.counters.steps.to_string()),
        ("stack switches", |r| r.counters.switches.to_string()),
        ("handler-search steps", |r| {
            r.counters.search_steps.to_string()
        }),
        ("peak live conts/stacks", |r| {
            r.counters.peak_live_conts.to_string()
        }),
        ("peak context depth", |r| r.counters.peak_depth.to_string()),
        ("module instructions", |r| r.instrs.to_string()),
        ("wall time (ms)", |r| {
            format!("{:.1}", r.wall.as_secs_f64() * 1000.0)
        }),
    ]
}

fn verdict_text(c: &Comparison) -> &'static str {
    match c.verdict {
        Verdict::Agree => "agree",
        Verdict::AsDocumented => "differ as documented",
        Verdict::Disagree => "DISAGREE",
    }
}

/// The equality row: whether results and transcripts agree.
fn equal_text(c: &Comparison) -> String {
    match c.verdict {
        Verdict::Agree => "yes".to_string(),
        Verdict::AsDocumented => format!("yes, except {} (documented)", documented_list(c)),
        Verdict::Disagree => "no".to_string(),
    }
}

fn documented_list(c: &Comparison) -> String {
    let names: Vec<String> = c.differences.keys().map(|k| format!("`{k}`")).collect();
    names.join(", ")
}

/// The cell of a design in a metric row.
fn cell(run: &Option<DesignRun>, metric: fn(&DesignRun) -> String) -> String {
    match run {
        None => "(missing)".to_string(),
        Some(r) if r.error.is_some() => "(error)".to_string(),
        Some(r) => metric(r),
    }
}

/// The side-by-side table of one program, for a terminal.
pub fn render_text(c: &Comparison) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec![c.program.clone()];
    head.extend(c.runs.iter().map(|(d, _)| d.to_string()));
    rows.push(head);
    for (name, metric) in metrics() {
        let mut row = vec![format!("  {name}")];
        row.extend(c.runs.iter().map(|(_, r)| cell(r, metric)));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, (text, w)) in row.iter().zip(&widths).enumerate() {
            if i == 0 {
                let _ = write!(line, "{text:<w$}");
            } else {
                let _ = write!(line, "  {text:>w$}");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let _ = writeln!(out, "  results equal: {}", equal_text(c));
    let _ = writeln!(out, "  verdict: {}", verdict_text(c));
    const SHOWN: usize = 20;
    for p in c.problems.iter().take(SHOWN) {
        let _ = writeln!(out, "    - {p}");
    }
    if c.problems.len() > SHOWN {
        let _ = writeln!(
            out,
            "    ... and {} more (`--json` lists them all)",
            c.problems.len() - SHOWN
        );
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Markdown: a summary over all programs, then one table per program.
pub fn render_markdown(cs: &[Comparison]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Columns per design: typed-cont / raw-stacks / effect-handlers.\n\n\
         | program | verdict | steps | switches | search steps | peak depth |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for c in cs {
        let trio = |f: fn(&DesignRun) -> String| {
            c.runs
                .iter()
                .map(|(_, r)| cell(r, f))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} | {} | {} | {} |",
            c.program,
            c.program,
            verdict_text(c),
            trio(|r| r.counters.steps.to_string()),
            trio(|r| r.counters.switches.to_string()),
            trio(|r| r.counters.search_steps.to_string()),
            trio(|r| r.counters.peak_depth.to_string()),
        );
    }
    for c in cs {
        let _ = writeln!(out, "\n### {}\n", c.program);
        let mut head = "| |".to_string();
        let mut rule = "|---|".to_string();
        for (d, _) in &c.runs {
            let _ = write!(head, " {d} |");
            rule.push_str("--:|");
        }
        let _ = writeln!(out, "{head}\n{rule}");
        for (name, metric) in metrics() {
            let mut row = format!("| {name} |");
            for (_, r) in &c.runs {
                let _ = write!(row, " {} |", md_escape(&cell(r, metric)));
            }
            let _ = writeln!(out, "{row}");
        }
        let _ = writeln!(
            out,
            "\nResults equal: {}. Verdict: **{}**.",
            equal_text(c),
            verdict_text(c)
        );
        for p in &c.problems {
            let _ = writeln!(out, "- {}", md_escape(p));
        }
        if !c.differences.is_empty() {
            let _ = writeln!(
                out,
                "\nDocumented differences (`{}/README.md`):\n",
                c.dir.display()
            );
            let mut head = "| export |".to_string();
            let mut rule = "|---|".to_string();
            for (d, _) in &c.runs {
                let _ = write!(head, " {d} |");
                rule.push_str("---|");
            }
            let _ = writeln!(out, "{head}\n{rule}");
            for (export, row) in &c.differences {
                let mut line = format!("| `{export}` |");
                for (d, _) in &c.runs {
                    let text = row.get(d).map_or(String::new(), |doc| match &doc.prints {
                        Some(p) => format!("{}; prints {}", doc.outcome, p.join(" ")),
                        None => doc.outcome.clone(),
                    });
                    let _ = write!(line, " {} |", md_escape(&text));
                }
                let _ = writeln!(out, "{line}");
            }
        }
    }
    out
}

/// A JSON string literal.
pub(crate) fn js(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn counters_json(c: &Counters) -> String {
    format!(
        "{{\"steps\": {}, \"switches\": {}, \"search_steps\": {}, \"peak_live\": {}, \
         \"peak_depth\": {}}}",
        c.steps, c.switches, c.search_steps, c.peak_live_conts, c.peak_depth
    )
}

fn strings_json(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| js(s)).collect();
    format!("[{}]", items.join(", "))
}

fn run_json(r: &DesignRun) -> String {
    let steps: Vec<String> = r
        .steps
        .iter()
        .map(|s| {
            format!(
                "{{\"line\": {}, \"action\": {}, \"outcome\": {}, \"passed\": {}, \
                 \"printed\": {}, \"counters\": {}}}",
                s.line,
                js(&s.label),
                js(&s.actual),
                s.passed,
                strings_json(&s.printed),
                counters_json(&s.counters)
            )
        })
        .collect();
    format!(
        "{{\"path\": {}, \"error\": {}, \"passed\": {}, \"directives\": {}, \"failures\": {}, \
         \"counters\": {}, \"module_instructions\": {}, \"wall_ms\": {:.3}, \
         \"transcript\": {}, \"actions\": [{}]}}",
        js(&r.path.display().to_string()),
        r.error.as_deref().map_or("null".to_string(), js),
        r.passed,
        r.directives,
        strings_json(&r.failures),
        counters_json(&r.counters),
        r.instrs,
        r.wall.as_secs_f64() * 1000.0,
        strings_json(&r.transcript),
        steps.join(", ")
    )
}

/// JSON: an array with one object per program.
pub fn to_json(cs: &[Comparison]) -> String {
    let programs: Vec<String> = cs
        .iter()
        .map(|c| {
            let runs: Vec<String> = c
                .runs
                .iter()
                .map(|(d, r)| {
                    format!(
                        "{}: {}",
                        js(d.name()),
                        r.as_ref().map_or("null".to_string(), run_json)
                    )
                })
                .collect();
            let docs: Vec<String> = c
                .differences
                .iter()
                .map(|(export, row)| {
                    let cells: Vec<String> = Design::ALL
                        .iter()
                        .filter_map(|d| row.get(d).map(|doc| (d, doc)))
                        .map(|(d, doc)| format!("{}: {}", js(d.name()), js(&doc.outcome)))
                        .collect();
                    format!("{}: {{{}}}", js(export), cells.join(", "))
                })
                .collect();
            format!(
                "{{\"program\": {}, \"dir\": {}, \"verdict\": {}, \"problems\": {}, \
                 \"documented_differences\": {{{}}}, \"designs\": {{{}}}}}",
                js(&c.program),
                js(&c.dir.display().to_string()),
                js(verdict_text(c)),
                strings_json(&c.problems),
                docs.join(", "),
                runs.join(", ")
            )
        })
        .collect();
    format!("[\n{}\n]\n", programs.join(",\n"))
}

/// Where the generated part of a markdown file starts and ends; text outside is kept.
pub const MARK_BEGIN: &str = "<!-- begin: generated by `switchyard compare`; do not edit -->";
pub const MARK_END: &str = "<!-- end: generated by `switchyard compare` -->";

/// `existing` with its generated part replaced by `generated` (appended when it has none).
pub fn splice_markdown(existing: &str, generated: &str) -> String {
    splice_between(existing, generated, MARK_BEGIN, MARK_END)
}

/// `existing` with the part between the lines `begin` and `end` replaced by `generated`
/// (appended, with its markers, when there is no such part); text outside is kept. Shared by
/// every command that writes into a hand-edited Markdown file (`compare`, `coverage`).
pub fn splice_between(existing: &str, generated: &str, begin: &str, end: &str) -> String {
    let block = format!("{begin}\n{generated}{end}\n");
    if let (Some(b), Some(e)) = (existing.find(begin), existing.find(end)) {
        if b < e {
            let after = &existing[e + end.len()..];
            let after = after.strip_prefix('\n').unwrap_or(after);
            return format!("{}{block}{after}", &existing[..b]);
        }
    }
    if existing.is_empty() {
        return block;
    }
    format!("{}\n\n{block}", existing.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn differences_block() {
        let readme = "# x\n\n```differences\nexport | typed-cont | raw-stacks | effect-handlers\n\
                      # comment\nescape | exception | trap \"uncaught exception at stack base\" \
                      | exception\ntwice | suspension \"unhandled tag\"; prints 1 | 2 | 2; prints \
                      1 2\n```\n";
        let d = parse_differences(readme).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(
            d["escape"][&Design::RawStacks].outcome,
            "trap \"uncaught exception at stack base\""
        );
        assert_eq!(
            d["twice"][&Design::TypedCont],
            Documented {
                outcome: "suspension \"unhandled tag\"".to_string(),
                prints: Some(vec!["1".to_string()]),
            }
        );
        assert_eq!(d["twice"][&Design::RawStacks].prints, None);
        assert!(parse_differences("no block").unwrap().is_empty());
        assert!(parse_differences("```differences\nexport | typed-cont\n").is_err());
        assert!(parse_differences("```differences\nexport | bogus\n```").is_err());
    }

    #[test]
    fn outcome_patterns() {
        assert!(outcome_matches("exception", "exception \"uncaught\""));
        assert!(!outcome_matches("exception", "exhaustion \"x\""));
        assert!(outcome_matches(
            "trap \"uncaught exception\"",
            "trap \"uncaught exception at stack base\""
        ));
        assert!(!outcome_matches("trap \"stack\"", "trap \"null\""));
        assert!(outcome_matches("2", "[(i32.const 2)]"));
        assert!(outcome_matches("1 2", "[(i32.const 1) (i32.const 2)]"));
        assert!(outcome_matches("[(i32.const 2)]", "[(i32.const 2)]"));
        assert!(!outcome_matches("3", "[(i32.const 2)]"));
        assert!(printed_matches("3", "3 : i32"));
        assert_eq!(
            comparable("exception \"uncaught exception: tag 12 [i32:-1]\""),
            "exception \"uncaught exception: tag _ [i32:-1]\""
        );
        assert_eq!(comparable("trap \"tag 1\""), "trap \"tag 1\"");
        assert!(printed_matches("3 : i32", "3 : i32"));
    }

    #[test]
    fn splicing() {
        let g = "table\n";
        let fresh = splice_markdown("", g);
        assert_eq!(fresh, format!("{MARK_BEGIN}\ntable\n{MARK_END}\n"));
        let doc = format!("intro\n\n{fresh}\nreading\n");
        let again = splice_markdown(&doc, "new\n");
        assert_eq!(
            again,
            format!("intro\n\n{MARK_BEGIN}\nnew\n{MARK_END}\n\nreading\n")
        );
    }

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn agreement_and_documented_difference() {
        let dir = std::env::temp_dir().join(format!("switchyard-compare-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let module = |body: &str| {
            format!(
                "(module (func $p (import \"spectest\" \"print_i32\") (param i32))\n\
                 (func (export \"f\") (result i32) (call $p (i32.const 7)) (i32.const 1))\n\
                 (func (export \"g\") (result i32) {body}))\n\
                 (assert_return (invoke \"f\") (i32.const 1))\n"
            )
        };
        let tc = format!(
            "{}(assert_return (invoke \"g\") (i32.const 2))\n",
            module("(i32.const 2)")
        );
        let other = format!(
            "{}(assert_trap (invoke \"g\") \"unreachable\")\n",
            module("(unreachable)")
        );
        write(&dir, "typed-cont.wast", &tc);
        write(&dir, "raw-stacks.wast", &other);
        write(&dir, "effect-handlers.wast", &other);
        write(&dir, "README.md", "no block\n");
        let c = compare_program(&dir);
        assert_eq!(c.verdict, Verdict::Disagree, "{:?}", c.problems);
        assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
        assert!(c.problems[0].contains("g []"), "{:?}", c.problems);
        write(
            &dir,
            "README.md",
            "```differences\nexport | typed-cont | raw-stacks | effect-handlers\n\
             g | 2 | trap \"unreachable\" | trap\n```\n",
        );
        let c = compare_program(&dir);
        assert_eq!(c.verdict, Verdict::AsDocumented, "{:?}", c.problems);
        let tc_run = c.run(Design::TypedCont).unwrap();
        assert_eq!(tc_run.transcript, vec!["7 : i32".to_string()]);
        assert_eq!(tc_run.steps[0].printed, vec!["7 : i32".to_string()]);
        assert!(tc_run.counters.steps > 0);
        assert_eq!(tc_run.instrs, 4);
        write(
            &dir,
            "README.md",
            "```differences\nexport | typed-cont | raw-stacks | effect-handlers\n\
             g | 3 | trap \"unreachable\" | trap\n```\n",
        );
        let c = compare_program(&dir);
        assert_eq!(c.verdict, Verdict::Disagree);
        assert!(c.problems[0].contains("documented 3"), "{:?}", c.problems);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
