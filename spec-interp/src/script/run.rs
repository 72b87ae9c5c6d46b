//! Running scripts: every directive of a `.wast` script against an engine, each with an outcome
//! (passed; failed with what was expected and what happened; skipped with a reason).
//!
//! The runner is generic over `Engine`, so a later engine (or another implementation to compare
//! against) can run the same scripts; `Switchyard` is this crate's engine.

pub mod expected;
pub mod explain;
pub mod files;
pub mod modules;
pub mod poke;
pub mod report;
pub mod validate;
pub mod values;

use std::collections::HashMap;
use std::hash::Hash;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::coverage::RuleCounts;
use crate::design::Design;
use crate::diag::{Error, ErrorKind, Result, Span};
use crate::exec::{self, ExternVal, Store};
use crate::runtime::{Addr, Val};
use crate::script::{
    Action, BrokenForm, Command, CommandKind, Instantiation, ModuleSource, Script, ScriptModule,
};
use crate::syntax::{ImportDesc, Module};
use crate::{binary, host, text, valid};

use self::explain::{Origin, Place, SourceText};
use self::files::Headers;
use self::values::{const_val, matches, patterns_text, vals_text};

/// What a script runner needs from an engine. Names of modules (`register`, imports) are
/// resolved by the runner; the engine sees instances only.
pub trait Engine {
    /// A decoded (not yet validated) module.
    type Module: Clone;
    /// A module instance.
    type Instance: Copy + Eq + Hash;

    /// Parses a `module quote`, decodes a `module binary`, or takes a parsed text module.
    fn parse(&mut self, source: &ModuleSource) -> Result<Self::Module>;
    fn validate(&mut self, module: &Self::Module) -> Result<()>;
    /// Instantiates, resolving each import's module name with `resolve`; a missing import is a
    /// link error ("unknown import").
    fn instantiate(
        &mut self,
        module: &Self::Module,
        resolve: &dyn Fn(&str) -> Option<Self::Instance>,
    ) -> Result<Self::Instance>;
    fn invoke(&mut self, instance: Self::Instance, name: &str, args: Vec<Val>) -> Result<Vec<Val>>;
    fn get(&mut self, instance: Self::Instance, name: &str) -> Result<Val>;
    /// Instances registered before the script starts (`spectest`).
    fn host_instances(&mut self) -> Result<Vec<(String, Self::Instance)>>;
    /// How many lines the host's print functions have printed so far.
    fn printed_count(&self) -> usize {
        0
    }
    /// The lines printed since the first `from`.
    fn printed_since(&self, _from: usize) -> Vec<String> {
        Vec::new()
    }
    /// A directive starts (`--trace` prints a header for it): its line and its source text.
    fn directive_begins(&mut self, _line: usize, _text: &str) {}
    /// The directive that began last has run.
    fn directive_ends(&mut self) {}
    /// The instance a backtrace entry belongs to (`diag::TraceFrame::instance`), if the engine
    /// gives backtraces.
    fn frame_instance(&self, _instance: u32) -> Option<Self::Instance> {
        None
    }
}

/// An engine behind a mutable borrow is an engine too (`run_script` borrows its engine).
impl<E: Engine> Engine for &mut E {
    type Module = E::Module;
    type Instance = E::Instance;
    fn parse(&mut self, source: &ModuleSource) -> Result<E::Module> {
        (**self).parse(source)
    }
    fn validate(&mut self, module: &E::Module) -> Result<()> {
        (**self).validate(module)
    }
    fn instantiate(
        &mut self,
        module: &E::Module,
        resolve: &dyn Fn(&str) -> Option<E::Instance>,
    ) -> Result<E::Instance> {
        (**self).instantiate(module, resolve)
    }
    fn invoke(&mut self, instance: E::Instance, name: &str, args: Vec<Val>) -> Result<Vec<Val>> {
        (**self).invoke(instance, name, args)
    }
    fn get(&mut self, instance: E::Instance, name: &str) -> Result<Val> {
        (**self).get(instance, name)
    }
    fn host_instances(&mut self) -> Result<Vec<(String, E::Instance)>> {
        (**self).host_instances()
    }
    fn printed_count(&self) -> usize {
        (**self).printed_count()
    }
    fn printed_since(&self, from: usize) -> Vec<String> {
        (**self).printed_since(from)
    }
    fn directive_begins(&mut self, line: usize, text: &str) {
        (**self).directive_begins(line, text)
    }
    fn directive_ends(&mut self) {
        (**self).directive_ends()
    }
    fn frame_instance(&self, instance: u32) -> Option<E::Instance> {
        (**self).frame_instance(instance)
    }
}

/// The Switchyard interpreter as a script engine.
pub struct Switchyard {
    pub store: Store,
}

impl Switchyard {
    pub fn new(config: exec::Config) -> Switchyard {
        Switchyard {
            store: Store::new(config),
        }
    }

    fn design(&self) -> Design {
        self.store.config.design
    }

    fn export(&self, instance: Addr, name: &str) -> Result<ExternVal> {
        self.store.export(instance, name).ok_or_else(|| {
            Error::new(
                ErrorKind::Script,
                format!("unknown export \"{name}\""),
                None,
            )
        })
    }
}

impl Engine for Switchyard {
    type Module = Rc<Module>;
    type Instance = Addr;

    fn parse(&mut self, source: &ModuleSource) -> Result<Rc<Module>> {
        match source {
            ModuleSource::Text(module) => Ok(Rc::new((**module).clone())),
            ModuleSource::Binary(bytes) => binary::decode_module(bytes, self.design()).map(Rc::new),
            ModuleSource::Quote(src) => text::parse_module(src, self.design()).map(Rc::new),
        }
    }

    fn validate(&mut self, module: &Rc<Module>) -> Result<()> {
        let design = self.design();
        match self.store.rule_counts.as_deref_mut() {
            None => valid::validate_module(module, design),
            Some(counts) => valid::validate_module_counting(module, design, counts),
        }
    }

    fn instantiate(
        &mut self,
        module: &Rc<Module>,
        resolve: &dyn Fn(&str) -> Option<Addr>,
    ) -> Result<Addr> {
        let mut imports = Vec::with_capacity(module.imports.len());
        for import in &module.imports {
            let unknown = || {
                Error::link(
                    format!("unknown import \"{}\" \"{}\"", import.module, import.name),
                    Some(import.span),
                )
            };
            let instance = resolve(&import.module).ok_or_else(unknown)?;
            let value = self
                .store
                .export(instance, &import.name)
                .ok_or_else(unknown)?;
            let same_kind = matches!(
                (&import.desc, value),
                (ImportDesc::Func(_), ExternVal::Func(_))
                    | (ImportDesc::Table(_), ExternVal::Table(_))
                    | (ImportDesc::Mem(_), ExternVal::Mem(_))
                    | (ImportDesc::Global(_), ExternVal::Global(_))
                    | (ImportDesc::Tag(_), ExternVal::Tag(_))
            );
            if !same_kind {
                return Err(Error::link("incompatible import type", Some(import.span)));
            }
            imports.push(value);
        }
        exec::instantiate(&mut self.store, module.clone(), &imports)
    }

    fn invoke(&mut self, instance: Addr, name: &str, args: Vec<Val>) -> Result<Vec<Val>> {
        match self.export(instance, name)? {
            ExternVal::Func(func) => {
                if self.store.tracer.is_some() {
                    exec::trace::invocation(&mut self.store, name, &args);
                }
                let given = args.clone();
                let results = exec::invoke(&mut self.store, func, args).map_err(|mut err| {
                    // The official text first, then the signature and what was given.
                    if err.message == "wrong number or types of arguments" {
                        if let Some(ft) = self.store.func_type(func) {
                            let ty = self.store.func_type_text(instance, &ft);
                            err.message = format!(
                                "{}: \"{name}\" is {ty}, given {}",
                                err.message,
                                vals_text(&given)
                            );
                        }
                    }
                    err
                });
                if self.store.tracer.is_some() {
                    exec::trace::outcome(&mut self.store, &results);
                }
                // The results stay roots until the next action: the runner still reads them.
                self.store.gc.host_roots = results.as_ref().map_or(Vec::new(), Vec::clone);
                results
            }
            _ => Err(Error::new(
                ErrorKind::Script,
                format!("export \"{name}\" is not a function"),
                None,
            )),
        }
    }

    fn get(&mut self, instance: Addr, name: &str) -> Result<Val> {
        match self.export(instance, name)? {
            ExternVal::Global(global) => Ok(self.store.global_value(global)),
            _ => Err(Error::new(
                ErrorKind::Script,
                format!("export \"{name}\" is not a global"),
                None,
            )),
        }
    }

    fn host_instances(&mut self) -> Result<Vec<(String, Addr)>> {
        Ok(vec![(
            "spectest".to_string(),
            host::spectest(&mut self.store)?,
        )])
    }

    fn printed_count(&self) -> usize {
        self.store.transcript.len()
    }

    fn printed_since(&self, from: usize) -> Vec<String> {
        self.store.transcript[from.min(self.store.transcript.len())..].to_vec()
    }

    fn directive_begins(&mut self, line: usize, text: &str) {
        if let Some(tracer) = &mut self.store.tracer {
            tracer.directive(line, text);
        }
    }

    fn directive_ends(&mut self) {
        if let Some(tracer) = &mut self.store.tracer {
            tracer.end_directive();
        }
    }

    fn frame_instance(&self, instance: u32) -> Option<Addr> {
        Some(instance)
    }
}

/// How a directive ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Passed,
    Failed,
    Skipped { reason: String },
}

/// The outcome of one directive.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The directive in the script.
    pub span: Span,
    /// 1-based line of the directive.
    pub line: usize,
    /// The directive's keyword: `module`, `assert_return`, ...
    pub kind: String,
    /// What the script expects, e.g. `[(i32.const 1)]` or `trap "integer overflow"`.
    pub expected: String,
    /// What happened, in the same notation.
    pub actual: String,
    pub status: Status,
    /// Where a failure is best shown: the error's own place when it lies in the script.
    pub focus: Span,
    /// Other places that explain a failure, each with a message (secondary labels).
    pub labels: Vec<(Span, String)>,
    /// Lines the host's print functions printed while the directive ran (`42 : i32`).
    pub printed: Vec<String>,
    /// The values an action returned.
    pub values: Option<Vec<Val>>,
    /// More about a failure than `actual` says (other places to mark, a backtrace).
    pub detail: Detail,
}

/// What a failure's diagnostic shows besides the directive and the expected and actual
/// outcomes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Detail {
    /// Other places in the script to mark, each with its label: where a trap happened inside
    /// the module.
    pub secondary: Vec<(Span, String)>,
    /// Lines under the diagnostic: the Wasm backtrace, ...
    pub notes: Vec<String>,
}

/// The outcomes of one script file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileReport {
    pub path: PathBuf,
    pub source: String,
    /// The design the script ran under (none if it could not be read).
    pub design: Option<Design>,
    pub outcomes: Vec<Outcome>,
    /// Header lines Switchyard read but does not act on (one per key).
    pub notices: Vec<files::Notice>,
}

/// Counts of directives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

impl FileReport {
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for outcome in &self.outcomes {
            match outcome.status {
                Status::Passed => tally.passed += 1,
                Status::Failed => tally.failed += 1,
                Status::Skipped { .. } => tally.skipped += 1,
            }
        }
        tally
    }

    pub fn failures(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| o.status == Status::Failed)
    }
}

/// Options of a run that apply to every file.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Overrides the design of every script.
    pub design: Option<Design>,
    /// Trace each reduction step (`Config::trace`).
    pub trace: Option<exec::trace::TraceOptions>,
    /// Budgets from the command line; they override the scripts' `;;!` headers.
    pub budgets: Budgets,
    /// After the file's own directives, call this export of the last instance.
    pub invoke: Option<Invocation>,
    /// Overrides the relaxed SIMD choice of every script.
    pub relaxed: Option<crate::simd::Relaxed>,
    /// Collect garbage after every allocation (`Config::gc_stress`).
    pub gc_stress: bool,
    /// Told of each directive's outcome as soon as it has run (`run --json-lines`), so a
    /// harness learns how far a run got even if it never ends.
    pub on_outcome: Option<OutcomeSink>,
    /// Takes a snapshot of the configuration after every step (`--trace=json`, `serve`), and
    /// is told where each directive ends.
    pub snapshots: Option<crate::exec::snapshot::Sink>,
}

/// A callback for each outcome of a run, with the script's path.
#[derive(Clone)]
pub struct OutcomeSink(pub std::sync::Arc<dyn Fn(&Path, &Outcome) + Send + Sync>);

impl std::fmt::Debug for OutcomeSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutcomeSink")
    }
}

impl RunOptions {
    /// The options of the environment of a test run: `SWITCHYARD_GC_STRESS=1` sets
    /// `gc_stress` (`.ci/run` runs the whole suite so).
    pub fn from_env() -> RunOptions {
        RunOptions {
            gc_stress: std::env::var("SWITCHYARD_GC_STRESS").is_ok_and(|v| v == "1"),
            ..RunOptions::default()
        }
    }
}

/// Budgets set on the command line (`--fuel`, `--call-depth`, `--max-stack-bytes`,
/// `--max-live-conts`, `--max-heap-bytes`); `None` keeps the script's header or the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Budgets {
    /// Reduction steps per invocation; 0: unlimited.
    pub fuel: Option<u64>,
    pub call_depth: Option<usize>,
    /// `Config::max_stack_bytes`, when set.
    pub max_stack_bytes: Option<u64>,
    /// `Config::max_live_conts`, when set.
    pub max_live_conts: Option<usize>,
    /// `Config::max_heap_bytes`, when set.
    pub max_heap_bytes: Option<u64>,
}

/// `--invoke NAME ARG...`: arguments in the script syntax (`(i32.const 1)`) or plain numbers,
/// typed by the export's parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invocation {
    pub name: String,
    pub args: Vec<String>,
}

/// The stack of the thread a script runs on: a safety net for deep inputs, since the
/// interpreter itself keeps its depth on the heap.
pub const SCRIPT_STACK_SIZE: usize = 256 << 20;

/// Reads and runs a script, or a text or binary module (`files::input_kind`), on a thread of
/// its own with a large stack. Never panics: a crash becomes a failed outcome.
pub fn run_file(path: &Path, options: &RunOptions) -> FileReport {
    run_file_with(path, options, false).0
}

/// As `run_file`, and counts the rules the script exercised (rule coverage, `crate::coverage`).
pub fn run_file_counting(path: &Path, options: &RunOptions) -> (FileReport, RuleCounts) {
    let (report, counts) = run_file_with(path, options, true);
    (report, counts.unwrap_or_default())
}

fn run_file_with(
    path: &Path,
    options: &RunOptions,
    counting: bool,
) -> (FileReport, Option<RuleCounts>) {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => return (unreadable(path, err.to_string()), None),
    };
    let kind = files::input_kind(path, &bytes);
    // Invalid UTF-8 fails the directive holding it (or its module), at its line and column.
    let (source, bad_utf8) = match kind {
        files::InputKind::BinaryModule => (modules::hex_dump(&bytes), Vec::new()),
        _ => crate::diag::decode_source(&bytes),
    };
    if bad_utf8.len() > MAX_BAD_UTF8 {
        return (not_text(path, source, &bad_utf8), None);
    }
    let thread_path = path.to_path_buf();
    let thread_options = options.clone();
    let thread_source = source.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("script {}", path.display()))
        .stack_size(SCRIPT_STACK_SIZE)
        .spawn(move || {
            let mut counts = counting.then(RuleCounts::default);
            let report = match kind {
                files::InputKind::Script => run_source_with(
                    &thread_path,
                    &thread_source,
                    bad_utf8,
                    &thread_options,
                    counts.as_mut(),
                ),
                // Modules run without counting rules; their few outcomes reach the sink at the
                // end.
                files::InputKind::TextModule | files::InputKind::BinaryModule => {
                    let report = if kind == files::InputKind::TextModule {
                        modules::run_text_module(&thread_path, &thread_source, &thread_options)
                    } else {
                        modules::run_binary_module(&thread_path, &bytes, &thread_options)
                    };
                    if let Some(sink) = &thread_options.on_outcome {
                        for outcome in &report.outcomes {
                            (sink.0)(&thread_path, outcome);
                        }
                    }
                    report
                }
            };
            (report, counts)
        });
    let crashed = |message: String| {
        let span = Span::new(0, source.len().min(1));
        FileReport {
            path: path.to_path_buf(),
            source: source.clone(),
            design: None,
            notices: vec![],
            outcomes: vec![failed(
                1,
                span,
                "script",
                "run",
                format!("crash: {message}"),
                span,
            )],
        }
    };
    match spawned {
        Ok(handle) => match handle.join() {
            Ok(done) => done,
            Err(payload) => (crashed(panic_message(payload.as_ref())), None),
        },
        Err(err) => (crashed(format!("cannot start a thread: {err}")), None),
    }
}

/// Invalid UTF-8 sequences a text file may hold and still be read, each failing the directive
/// it is in; with more, the file is taken for something else than text, and fails once.
const MAX_BAD_UTF8: usize = 8;

/// The report of a file that is not text: one failure, at its first invalid UTF-8 sequence.
fn not_text(path: &Path, source: String, bad_utf8: &[Error]) -> FileReport {
    let focus = bad_utf8[0].span.unwrap_or(Span::NONE);
    let line = crate::diag::Lines::new(&source).line(focus.start as usize);
    let message = format!(
        "the file is not UTF-8 text: {} invalid byte sequences, the first here",
        bad_utf8.len()
    );
    FileReport {
        path: path.to_path_buf(),
        outcomes: vec![failed(
            line,
            focus,
            "file",
            "a readable script",
            message,
            focus,
        )],
        source,
        design: None,
        notices: vec![],
    }
}

fn unreadable(path: &Path, message: String) -> FileReport {
    FileReport {
        path: path.to_path_buf(),
        source: String::new(),
        design: None,
        notices: vec![],
        outcomes: vec![Outcome {
            span: Span::NONE,
            line: 0,
            kind: "file".to_string(),
            expected: "a readable script".to_string(),
            actual: message,
            status: Status::Failed,
            focus: Span::NONE,
            labels: Vec::new(),
            printed: Vec::new(),
            values: None,
            detail: Detail::default(),
        }],
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic".to_string()
    }
}

fn failed(
    line: usize,
    span: Span,
    kind: &str,
    expected: &str,
    actual: String,
    focus: Span,
) -> Outcome {
    Outcome {
        span,
        line,
        kind: kind.to_string(),
        expected: expected.to_string(),
        actual,
        status: Status::Failed,
        focus,
        labels: Vec::new(),
        printed: Vec::new(),
        values: None,
        detail: Detail::default(),
    }
}

/// Runs a script's source on the current thread with Switchyard. A script the parser rejects
/// still runs up to the directive it could not read; that directive and all after it fail.
pub fn run_source(path: &Path, src: &str, options: &RunOptions) -> FileReport {
    run_source_with(path, src, Vec::new(), options, None)
}

/// `run_source`, counting rules into `counts` when given.
fn run_source_with(
    path: &Path,
    src: &str,
    bad_utf8: Vec<Error>,
    options: &RunOptions,
    mut counts: Option<&mut RuleCounts>,
) -> FileReport {
    let mut report = FileReport {
        path: path.to_path_buf(),
        source: src.to_string(),
        design: None,
        outcomes: vec![],
        notices: vec![],
    };
    let headers = match files::script_headers(src) {
        Ok(headers) => headers,
        Err(err) => {
            report.outcomes = fail_forms(src, &err, "valid header lines");
            return report;
        }
    };
    let design = files::choose_design(options.design, &headers, path);
    report.design = Some(design);
    report.notices = headers.notices.clone();
    if !headers.missing_features.is_empty() {
        report.outcomes = skip_forms(src, &headers.missing_features);
        return report;
    }
    let context = ScriptContext {
        dir: path.parent().map(Path::to_path_buf),
        design,
        name: Some(path.display().to_string()),
    };
    let outcome_sink = options.on_outcome.clone();
    let snapshots = options.snapshots.clone();
    if let Some(rec) = &snapshots {
        rec.lock()
            .unwrap_or_else(|e| e.into_inner())
            .set_source(src);
    }
    let sink = (outcome_sink.is_some() || snapshots.is_some()).then(|| {
        let path = path.to_path_buf();
        move |o: &Outcome| {
            if let Some(rec) = &snapshots {
                let status = match o.status {
                    Status::Passed => "passed",
                    Status::Failed => "failed",
                    Status::Skipped { .. } => "skipped",
                };
                rec.lock().unwrap_or_else(|e| e.into_inner()).end_directive(
                    o.line,
                    &o.kind,
                    status,
                    &o.expected,
                    &o.actual,
                );
            }
            if let Some(sink) = &outcome_sink {
                (sink.0)(&path, o)
            }
        }
    });
    // The commands run in one session; each broken form fails in its place between them.
    let mut run = |script: Script, broken: Vec<BrokenForm>| {
        let mut engine = Switchyard::new(config(design, &headers, options));
        if let Some(tracer) = &mut engine.store.tracer {
            tracer.file = path.display().to_string();
        }
        engine.store.recorder = options.snapshots.clone();
        if let Some(counts) = counts.as_deref_mut() {
            engine.store.rule_counts = Some(Box::new(std::mem::take(counts)));
        }
        let observe = sink.as_ref().map(|f| f as &dyn Fn(&Outcome));
        let mut session = Session::new_in(&mut engine, context.clone());
        let lines = crate::diag::Lines::new(src);
        let mut outcomes = Vec::with_capacity(script.commands.len() + broken.len());
        let mut broken = broken.into_iter().peekable();
        let mut batch = Vec::new();
        let mut commands = script.commands.into_iter().peekable();
        loop {
            let next_command = commands.peek().map(|c| c.span.start);
            let next_broken = broken.peek().map(|b| b.span.start);
            match (next_command, next_broken) {
                (Some(c), b) if b.is_none_or(|b| c < b) => batch.extend(commands.next()),
                (_, Some(_)) => {
                    let batch = Script {
                        design: script.design,
                        commands: std::mem::take(&mut batch),
                    };
                    outcomes.extend(session.run_observed(&batch, src, observe));
                    if let Some(form) = broken.next() {
                        let outcome = broken_outcome(&form, &lines);
                        if form.keyword == "module" {
                            let text = src
                                .get(form.span.start as usize..form.span.end as usize)
                                .unwrap_or("");
                            session.module_unparsed(text, outcome.line);
                        }
                        if let Some(observe) = observe {
                            observe(&outcome);
                        }
                        outcomes.push(outcome);
                    }
                }
                (None, None) => break,
                (Some(_), None) => unreachable!("handled by the first arm"),
            }
        }
        let batch = Script {
            design: script.design,
            commands: batch,
        };
        outcomes.extend(session.run_observed(&batch, src, observe));
        drop(session);
        if let (Some(counts), Some(counted)) =
            (counts.as_deref_mut(), engine.store.rule_counts.take())
        {
            *counts = *counted;
        }
        outcomes
    };
    let (mut script, broken) = text::parse_script_recovering(src, design, bad_utf8);
    // `--invoke` calls the last instance once the script's own directives ran.
    let at_end = Span::new(src.len(), src.len());
    let mut late_failure = None;
    if let Some(invocation) = &options.invoke {
        let module = modules::last_module(&script, design);
        match modules::invoke_command(invocation, module.as_ref(), design, at_end) {
            Ok(command) => script.commands.push(command),
            Err(err) => late_failure = Some(err),
        }
    }
    report.outcomes = run(script, broken);
    if let Some(err) = late_failure {
        report
            .outcomes
            .push(modules::invoke_failure(&err, at_end, src));
    } else if options.invoke.is_some() {
        modules::mark_invoke(&mut report.outcomes);
    }
    report
}

/// The failed outcome of a form the parser could not read.
fn broken_outcome(form: &BrokenForm, lines: &crate::diag::Lines) -> Outcome {
    let error = &form.error;
    let focus = error.span.unwrap_or(form.span);
    Outcome {
        labels: error.labels.clone(),
        ..failed(
            lines.line(form.span.start as usize),
            form.span,
            &form.keyword,
            "a directive that parses",
            error_text(error),
            focus,
        )
    }
}

pub(crate) fn config(design: Design, headers: &Headers, options: &RunOptions) -> exec::Config {
    let mut config = exec::Config {
        design,
        trace: options.trace,
        gc_stress: options.gc_stress,
        ..exec::Config::default()
    };
    if let Some(fuel) = headers.fuel {
        config.fuel = Some(fuel);
    }
    if let Some(depth) = headers.call_depth {
        config.max_call_depth = depth;
    }
    let budgets = &options.budgets;
    if let Some(fuel) = budgets.fuel {
        config.fuel = (fuel > 0).then_some(fuel);
    }
    if let Some(depth) = budgets.call_depth {
        config.max_call_depth = depth;
    }
    if let Some(bytes) = budgets.max_stack_bytes {
        config.max_stack_bytes = bytes;
    }
    if let Some(n) = budgets.max_live_conts {
        config.max_live_conts = n;
    }
    if let Some(bytes) = budgets.max_heap_bytes {
        config.max_heap_bytes = bytes;
    }
    if let Some(relaxed) = options.relaxed.or(headers.relaxed) {
        config.relaxed = relaxed;
    }
    config
}

/// Skipped outcomes for every top-level form of a script that needs features Switchyard does
/// not implement.
fn skip_forms(src: &str, features: &[String]) -> Vec<Outcome> {
    let lines = crate::diag::Lines::new(src);
    let keys: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
    let reason = format!(
        "its `;;!` header lines turn on {}, which Switchyard does not implement",
        keys.join(", ")
    );
    let forms: Vec<(Span, String)> = text::top_level_forms(src)
        .into_iter()
        .map(|form| (form.span, form.keyword.to_string()))
        .collect();
    // A script with no directive is still skipped, and counted so: as the script itself.
    let whole = forms.is_empty().then(|| {
        (
            Span::new(0, src.find('\n').unwrap_or(src.len())),
            "script".to_string(),
        )
    });
    forms
        .into_iter()
        .chain(whole)
        .map(|(span, kind)| Outcome {
            span,
            line: lines.line(span.start as usize),
            kind,
            expected: "run".to_string(),
            actual: format!("not run: {reason}"),
            status: Status::Skipped {
                reason: reason.clone(),
            },
            focus: span,
            labels: Vec::new(),
            printed: vec![],
            values: None,
            detail: Detail::default(),
        })
        .collect()
}

/// Failed outcomes for every top-level form of a script after the script error `err` (a bad
/// header line): the first form shows it, the others say they were not run.
fn fail_forms(src: &str, err: &Error, expected: &str) -> Vec<Outcome> {
    let err_span = err.span.unwrap_or(Span::NONE);
    let lines = crate::diag::Lines::new(src);
    let err_line = lines.line(err_span.start as usize);
    // The error itself, at the header line.
    let mut outcomes = vec![failed(
        err_line,
        err_span,
        "script",
        expected,
        error_text(err),
        err_span,
    )];
    for form in text::top_level_forms(src) {
        outcomes.push(failed(
            lines.line(form.span.start as usize),
            form.span,
            form.keyword,
            expected,
            format!("not run: the script has an error at line {err_line}"),
            form.span,
        ));
    }
    outcomes
}

/// Where a script lives, for its `input` commands: files are read relative to `dir` (else the
/// current folder), and `.wast` and `.wat` files are parsed for `design`.
#[derive(Clone, Debug, Default)]
pub struct ScriptContext {
    pub dir: Option<PathBuf>,
    pub design: Design,
    /// The script's name as positions show it (backtraces): its path.
    pub name: Option<String>,
}

/// How deeply `input` commands may nest (a script that inputs itself stops here).
pub const MAX_INPUT_DEPTH: usize = 16;

/// Runs a parsed script with an engine; one outcome per command. A panic inside a command
/// fails that command ("crash") and the script goes on. `input` files are read relative to the
/// current folder.
pub fn run_script<E: Engine>(engine: &mut E, script: &Script, src: &str) -> Vec<Outcome> {
    run_script_in(engine, script, src, &ScriptContext::default())
}

/// `run_script` for a script at a known place (see `ScriptContext`).
pub fn run_script_in<E: Engine>(
    engine: &mut E,
    script: &Script,
    src: &str,
    context: &ScriptContext,
) -> Vec<Outcome> {
    run_script_observed(engine, script, src, context, None)
}

/// `run_script_in`, telling `observe` of each outcome as soon as its command has run.
pub fn run_script_observed<E: Engine>(
    engine: &mut E,
    script: &Script,
    src: &str,
    context: &ScriptContext,
    observe: Option<&dyn Fn(&Outcome)>,
) -> Vec<Outcome> {
    Session::new_in(engine, context.clone()).run_observed(script, src, observe)
}

/// A script run that can go on: commands run one batch at a time against the same registry
/// and instances (the REPL feeds it one input at a time).
pub struct Session<E: Engine> {
    pub engine: E,
    /// Instances by the names imports use (`register`, `spectest`).
    registry: HashMap<String, E::Instance>,
    /// Instances by their script `$id`.
    instances: HashMap<String, E::Instance>,
    /// Module definitions by their script `$id`, each with what its spans point into.
    definitions: HashMap<String, (E::Module, Origin)>,
    last_instance: Option<E::Instance>,
    last_definition: Option<(E::Module, Origin)>,
    /// What the spans of each instance's module point into.
    origins: HashMap<E::Instance, Origin>,
    /// Modules whose `module` directive failed, by `$id`, with the directive's place
    /// (`line 5`): a later use says so instead of "unknown module".
    failed: HashMap<String, String>,
    /// The place of the latest `module` directive, when it failed: the directives after it
    /// have no latest instance (rather than the one before it).
    last_failed: Option<String>,
    /// The place of the command being run (`line 5`, `input.wast:3`).
    at: String,
    /// The text of the script being run (its batch, in the REPL), which diagnostics show.
    script_text: Option<Rc<SourceText>>,
    /// The texts of the `.wast` files being input, innermost last.
    input_texts: Vec<Rc<SourceText>>,
    context: ScriptContext,
    /// `input` commands being run, one inside the other.
    input_depth: usize,
    /// Why the host modules could not be made, if they could not: every command fails with it.
    host_error: Option<String>,
}

impl<E: Engine> Session<E> {
    /// A session with the host modules (`spectest`) registered; `input` files are read
    /// relative to the current folder.
    pub fn new(engine: E) -> Session<E> {
        Session::new_in(engine, ScriptContext::default())
    }

    /// A session for a script at a known place (see `ScriptContext`).
    pub fn new_in(engine: E, context: ScriptContext) -> Session<E> {
        let mut session = Session {
            engine,
            registry: HashMap::new(),
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_instance: None,
            last_definition: None,
            origins: HashMap::new(),
            failed: HashMap::new(),
            last_failed: None,
            at: String::new(),
            script_text: None,
            input_texts: Vec::new(),
            context,
            input_depth: 0,
            host_error: None,
        };
        let hosts = panic::catch_unwind(AssertUnwindSafe(|| session.engine.host_instances()));
        match hosts {
            Ok(Ok(hosts)) => session.registry.extend(hosts),
            Ok(Err(err)) => session.host_error = Some(error_text(&err)),
            Err(payload) => {
                session.host_error = Some(format!("crash: {}", panic_message(payload.as_ref())))
            }
        }
        session
    }

    /// Names the text of the next `run` in positions (`input 3`, in the REPL): its
    /// modules' backtrace entries say where they are with it.
    pub fn set_name(&mut self, name: &str) {
        self.context.name = Some(name.to_string());
    }

    /// The module of the last `module` command that defined or instantiated one.
    pub fn last_module(&self) -> Option<&E::Module> {
        self.last_definition.as_ref().map(|(m, _)| m)
    }

    /// Runs the commands of `script` (whose spans point into `src`), one outcome each.
    pub fn run(&mut self, script: &Script, src: &str) -> Vec<Outcome> {
        self.run_observed(script, src, None)
    }

    /// `run`, telling `observe` of each outcome as soon as its command has run.
    pub fn run_observed(
        &mut self,
        script: &Script,
        src: &str,
        observe: Option<&dyn Fn(&Outcome)>,
    ) -> Vec<Outcome> {
        let mut outcomes = Vec::with_capacity(script.commands.len());
        let lines = crate::diag::Lines::new(src);
        let name = self
            .context
            .name
            .clone()
            .unwrap_or_else(|| "script".to_string());
        self.script_text = Some(Rc::new(SourceText::new(name, src.to_string())));
        for command in &script.commands {
            let kind = command_keyword(&command.kind);
            let line = lines.line(command.span.start as usize);
            self.at = format!("line {line}");
            let printed_before = self.engine.printed_count();
            let text = src
                .get(command.span.start as usize..command.span.end as usize)
                .unwrap_or("");
            self.engine.directive_begins(line, text);
            let mut outcome = match &self.host_error {
                Some(err) => Checked::fail("spectest available", format!("spectest: {err}"), None),
                None => match panic::catch_unwind(AssertUnwindSafe(|| self.command(command))) {
                    Ok(checked) => checked,
                    Err(payload) => Checked::fail(
                        "no crash",
                        format!("crash: {}", panic_message(payload.as_ref())),
                        None,
                    ),
                },
            };
            self.engine.directive_ends();
            let focus = outcome.focus.take().unwrap_or(command.span);
            let outcome = Outcome {
                span: command.span,
                line,
                kind: kind.to_string(),
                expected: outcome.expected,
                actual: outcome.actual,
                status: outcome.status,
                focus,
                labels: Vec::new(),
                printed: self.engine.printed_since(printed_before),
                values: outcome.values,
                detail: outcome.detail,
            };
            if let Some(observe) = observe {
                observe(&outcome);
            }
            outcomes.push(outcome);
        }
        outcomes
    }
}

pub fn command_keyword(kind: &CommandKind) -> &'static str {
    match kind {
        CommandKind::Module(m) if m.definition => "module definition",
        CommandKind::Module(_) => "module",
        CommandKind::ModuleInstance { .. } => "module instance",
        CommandKind::Register { .. } => "register",
        CommandKind::Action(Action::Invoke { .. }) => "invoke",
        CommandKind::Action(Action::Get { .. }) => "get",
        CommandKind::AssertReturn { .. } => "assert_return",
        CommandKind::AssertTrap { .. } | CommandKind::AssertUninstantiable { .. } => "assert_trap",
        CommandKind::AssertExhaustion { .. } => "assert_exhaustion",
        CommandKind::AssertException { .. } => "assert_exception",
        CommandKind::AssertSuspension { .. } => "assert_suspension",
        CommandKind::AssertInvalid { .. } => "assert_invalid",
        CommandKind::AssertMalformed { .. } => "assert_malformed",
        CommandKind::AssertUnlinkable { .. } => "assert_unlinkable",
        CommandKind::AssertMalformedCustom { .. } => "assert_malformed_custom",
        CommandKind::AssertInvalidCustom { .. } => "assert_invalid_custom",
        CommandKind::Input { .. } => "input",
        CommandKind::Output { .. } => "output",
    }
}

/// A command's result before it is placed in the script.
struct Checked {
    expected: String,
    actual: String,
    status: Status,
    focus: Option<Span>,
    values: Option<Vec<Val>>,
    detail: Detail,
}

impl Checked {
    fn new(
        expected: impl Into<String>,
        actual: impl Into<String>,
        ok: bool,
        focus: Option<Span>,
    ) -> Checked {
        let status = if ok { Status::Passed } else { Status::Failed };
        Checked {
            expected: expected.into(),
            actual: actual.into(),
            status,
            focus,
            values: None,
            detail: Detail::default(),
        }
    }
    fn fail(
        expected: impl Into<String>,
        actual: impl Into<String>,
        focus: Option<Span>,
    ) -> Checked {
        Checked::new(expected, actual, false, focus)
    }
    /// A failure with an error, shown at `place`.
    fn failed(expected: impl Into<String>, err: &Error, place: Place) -> Checked {
        Checked {
            detail: place.detail,
            ..Checked::fail(expected, error_text(err), place.focus)
        }
    }
    fn skip(expected: impl Into<String>, reason: impl Into<String>) -> Checked {
        let reason = reason.into();
        Checked {
            expected: expected.into(),
            actual: format!("not run: {reason}"),
            status: Status::Skipped { reason },
            focus: None,
            values: None,
            detail: Detail::default(),
        }
    }
}

/// `kind "message"`, the way outcomes print an error: the message is a script string, so
/// quotes inside it are escaped (`unlinkable "unknown import \"M\" \"f\""`).
pub(crate) fn error_text(err: &Error) -> String {
    expected_error(err.kind, &err.message)
}

fn expected_error(kind: ErrorKind, message: &str) -> String {
    format!("{} {}", kind.name(), quoted(message))
}

/// `text` as a script string: in quotes, with `\`, `"` and line breaks escaped.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl<E: Engine> Session<E> {
    fn command(&mut self, command: &Command) -> Checked {
        match &command.kind {
            CommandKind::Module(module) => {
                let expected = if module.definition {
                    "defined"
                } else {
                    "instantiated"
                };
                match self.module(module) {
                    Ok(()) => Checked::new(expected, expected, true, None),
                    Err((err, place)) => {
                        self.module_failed(module.id.as_deref(), module.definition);
                        Checked::failed(expected, &err, place)
                    }
                }
            }
            CommandKind::ModuleInstance { instance, module } => {
                let (definition, origin) = match self.definition(module.as_deref()) {
                    Ok(definition) => definition,
                    Err(err) => {
                        self.module_failed(instance.as_deref(), false);
                        return Checked::failed("instantiated", &err, Place::default());
                    }
                };
                match self.instantiate(&definition) {
                    Ok(inst) => {
                        self.origins.insert(inst, origin);
                        if let Some(name) = instance {
                            self.instances.insert(name.clone(), inst);
                            self.failed.remove(name);
                        }
                        self.last_instance = Some(inst);
                        self.last_failed = None;
                        Checked::new("instantiated", "instantiated", true, None)
                    }
                    Err(err) => {
                        let place = self.place(&err, &origin, None);
                        self.module_failed(instance.as_deref(), false);
                        Checked::failed("instantiated", &err, place)
                    }
                }
            }
            CommandKind::Register { name, module } => match self.instance(module.as_deref()) {
                Ok(inst) => {
                    self.registry.insert(name.clone(), inst);
                    Checked::new("registered", "registered", true, None)
                }
                Err(err) => Checked::failed("registered", &err, Place::default()),
            },
            CommandKind::Action(action) => match self.action(action) {
                Ok(values) => Checked {
                    values: Some(values.clone()),
                    ..Checked::new("no error", vals_text(&values), true, None)
                },
                Err((err, place)) => Checked::failed("no error", &err, place),
            },
            CommandKind::AssertReturn { action, results } => {
                let expected = patterns_text(results);
                match self.action(action) {
                    Ok(values) => {
                        let ok = values.len() == results.len()
                            && results.iter().zip(&values).all(|(p, v)| matches(p, v));
                        Checked {
                            values: Some(values.clone()),
                            ..Checked::new(expected, vals_text(&values), ok, None)
                        }
                    }
                    Err((err, place)) => Checked::failed(expected, &err, place),
                }
            }
            CommandKind::AssertTrap { action, message } => {
                self.expect_action_error(action, ErrorKind::Trap, message)
            }
            CommandKind::AssertExhaustion { action, message } => {
                self.expect_action_error(action, ErrorKind::Exhaustion, message)
            }
            CommandKind::AssertSuspension { action, message } => {
                self.expect_action_error(action, ErrorKind::Suspension, message)
            }
            CommandKind::AssertException { action } => {
                self.expect_action_error(action, ErrorKind::Exception, "")
            }
            CommandKind::AssertUninstantiable { module, message } => {
                let result = self
                    .instantiation(module)
                    .map(|()| "instantiated".to_string());
                expect_error(result, ErrorKind::Trap, message)
            }
            CommandKind::AssertUnlinkable { module, message } => {
                let result = self
                    .instantiation(module)
                    .map(|()| "instantiated".to_string());
                expect_error(result, ErrorKind::Link, message)
            }
            CommandKind::AssertMalformedCustom { message, .. } => Checked::skip(
                expected_error(ErrorKind::Malformed, message),
                "Switchyard does not interpret custom sections or annotations",
            ),
            CommandKind::AssertInvalidCustom { message, .. } => Checked::skip(
                expected_error(ErrorKind::Invalid, message),
                "Switchyard does not interpret custom sections or annotations",
            ),
            CommandKind::Input { id, path } => self.input(id.as_deref(), path),
            CommandKind::Output { .. } => Checked::skip(
                "output written",
                "`output` is not supported: Switchyard does not write modules or scripts",
            ),
            CommandKind::AssertInvalid { module, message } => {
                let result = self.check(module).map(|_| "valid".to_string());
                expect_error(result, ErrorKind::Invalid, message)
            }
            CommandKind::AssertMalformed { module, message } => {
                let result = self
                    .check(module)
                    .map(|_| "well-formed and valid".to_string());
                expect_error(result, ErrorKind::Malformed, message)
            }
        }
    }

    /// The text of the innermost `.wast` being run: an input file's, else the script's.
    fn current_text(&self) -> Option<&Rc<SourceText>> {
        self.input_texts.last().or(self.script_text.as_ref())
    }

    /// What the spans of a script module point into.
    fn origin(&self, module: &ScriptModule) -> Origin {
        match (&module.source, self.current_text()) {
            (ModuleSource::Text(_), Some(text)) => Origin::Text(text.clone()),
            (ModuleSource::Binary(_), _) => Origin::Binary,
            _ => Origin::Quote,
        }
    }

    /// How to show `err`, an error of a module of `origin`: a run-time error at the directive,
    /// with the place inside the module and a backtrace (`explain::runtime_place`); any other
    /// at its own place when that lies in the script shown, else at `fallback` (else the
    /// directive).
    fn place(&self, err: &Error, origin: &Origin, fallback: Option<Span>) -> Place {
        let script = self.script_text.as_ref();
        if explain::is_runtime(err.kind) {
            let origin_of = |instance: u32| {
                let inst = self.engine.frame_instance(instance)?;
                self.origins.get(&inst).cloned()
            };
            return explain::runtime_place(err, &origin_of, origin, script);
        }
        if origin.is_in(script) {
            Place::at(err.span.or(fallback))
        } else {
            Place::at(fallback)
        }
    }

    /// Parses and validates a script module. Errors come with the place to show them.
    fn check(&mut self, module: &ScriptModule) -> Result<E::Module, (Error, Place)> {
        let origin = self.origin(module);
        let parsed = self
            .engine
            .parse(&module.source)
            .map_err(|err| (err, Place::at(Some(module.span))))?;
        if let Err(err) = self.engine.validate(&parsed) {
            let place = self.place(&err, &origin, Some(module.span));
            return Err((err, place));
        }
        Ok(parsed)
    }

    /// A `module` command: define, or define and instantiate. `(module $id ...)` names both
    /// the definition and its instance.
    fn module(&mut self, module: &ScriptModule) -> Result<(), (Error, Place)> {
        let checked = self.check(module)?;
        let origin = self.origin(module);
        if let Some(id) = &module.id {
            self.definitions
                .insert(id.clone(), (checked.clone(), origin.clone()));
        }
        if module.definition {
            self.last_definition = Some((checked, origin));
            self.forget_failure(module.id.as_deref());
            return Ok(());
        }
        let inst = match self.instantiate(&checked) {
            Ok(inst) => inst,
            Err(err) => {
                let place = self.place(&err, &origin, Some(module.span));
                return Err((err, place));
            }
        };
        self.origins.insert(inst, origin.clone());
        if let Some(id) = &module.id {
            self.instances.insert(id.clone(), inst);
        }
        self.last_definition = Some((checked, origin));
        self.last_instance = Some(inst);
        self.forget_failure(module.id.as_deref());
        Ok(())
    }

    /// A `module` directive (or `module instance` with `definition` false) failed: the module
    /// it names, and the latest one, are gone, and a later use says where they failed.
    fn module_failed(&mut self, id: Option<&str>, definition: bool) {
        if let Some(id) = id {
            self.failed.insert(id.to_string(), self.at.clone());
            self.definitions.remove(id);
            self.instances.remove(id);
        }
        if !definition {
            self.last_instance = None;
            self.last_failed = Some(self.at.clone());
        }
    }

    /// A `module` form that did not parse (`text`, on `line`) counts as a module directive
    /// that failed: a later use of its `$id`, or of the latest module, says so.
    fn module_unparsed(&mut self, text: &str, line: usize) {
        let mut words = text
            .trim_start_matches('(')
            .trim_start()
            .strip_prefix("module")
            .unwrap_or("")
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .filter(|w| !w.is_empty());
        let mut first = words.next();
        let definition = first == Some("definition");
        if definition {
            first = words.next();
        }
        let id = first.and_then(|w| w.strip_prefix('$'));
        self.at = format!("line {line}");
        self.module_failed(id, definition);
    }

    /// A module directive succeeded.
    fn forget_failure(&mut self, id: Option<&str>) {
        if let Some(id) = id {
            self.failed.remove(id);
        }
        self.last_failed = None;
    }

    /// Why there is no module named `name` (else no latest one): its directive failed, or
    /// there never was one.
    fn missing_module(&self, name: Option<&str>, what: &str) -> Error {
        let message = match name {
            Some(name) => match self.failed.get(name) {
                Some(at) => format!("unknown module ${name}: its directive at {at} failed"),
                None => format!("unknown module ${name}"),
            },
            None => match &self.last_failed {
                Some(at) => format!("no {what}: the latest module directive, at {at}, failed"),
                None => format!("no {what} yet"),
            },
        };
        Error::new(ErrorKind::Script, message, None)
    }

    /// The definition named `name`, else the latest one.
    fn definition(&self, name: Option<&str>) -> Result<(E::Module, Origin)> {
        let found = match name {
            Some(name) => self.definitions.get(name).cloned(),
            None => self.last_definition.clone(),
        };
        found.ok_or_else(|| self.missing_module(name, "module defined"))
    }

    /// The instantiation of `assert_unlinkable` or `assert_trap`. As in the reference
    /// interpreter, a module written in place becomes the latest definition, and no instance
    /// is bound (even when the instantiation unexpectedly succeeds).
    fn instantiation(&mut self, what: &Instantiation) -> Result<(), (Error, Place)> {
        let (definition, origin, fallback) = match what {
            Instantiation::Module(module) => {
                let checked = self.check(module)?;
                let origin = self.origin(module);
                self.last_definition = Some((checked.clone(), origin.clone()));
                (checked, origin, Some(module.span))
            }
            Instantiation::Instance { module, .. } => {
                let (definition, origin) = self
                    .definition(module.as_deref())
                    .map_err(|e| (e, Place::default()))?;
                (definition, origin, None)
            }
        };
        match self.instantiate(&definition) {
            Ok(_) => Ok(()),
            Err(err) => {
                let place = self.place(&err, &origin, fallback);
                Err((err, place))
            }
        }
    }

    /// `(input $id? "file")`, as in the reference interpreter: a `.wasm` or `.wat` module is
    /// defined (not instantiated: `(module instance)` does that); a `.wast` script runs here,
    /// sharing this script's modules and registry, and the directive passes when all its
    /// directives pass. With `$id`, the latest definition and the latest instance after it
    /// take that name.
    fn input(&mut self, id: Option<&str>, path: &str) -> Checked {
        let expected = "input run";
        let fail = |message: String| {
            Checked::fail(
                expected,
                error_text(&Error::new(ErrorKind::Script, message, None)),
                None,
            )
        };
        if self.input_depth >= MAX_INPUT_DEPTH {
            return fail(format!(
                "input nested more than {MAX_INPUT_DEPTH} deep (does a script input itself?)"
            ));
        }
        if ![".wast", ".wat", ".wasm"]
            .iter()
            .any(|ext| path.ends_with(ext))
        {
            return fail(format!(
                "{path}: unrecognized file type (expected .wast, .wat or .wasm)"
            ));
        }
        let full = match &self.context.dir {
            Some(dir) => dir.join(path),
            None => PathBuf::from(path),
        };
        let bytes = match std::fs::read(&full) {
            Ok(bytes) => bytes,
            Err(err) => return fail(format!("{}: {err}", full.display())),
        };
        let text = || String::from_utf8(bytes.clone()).map_err(|_| "the file is not UTF-8");
        if path.ends_with(".wasm") || path.ends_with(".wat") {
            let source = if path.ends_with(".wasm") {
                ModuleSource::Binary(bytes.clone())
            } else {
                match text() {
                    Ok(text) => ModuleSource::Quote(text),
                    Err(message) => return fail(format!("{path}: {message}")),
                }
            };
            let module = ScriptModule {
                id: id.map(String::from),
                definition: false,
                source,
                span: Span::NONE,
            };
            return match self.module(&module) {
                Ok(()) => Checked::new(expected, expected, true, None),
                Err((err, _)) => {
                    Checked::fail(expected, format!("{path}: {}", error_text(&err)), None)
                }
            };
        }
        // A `.wast` runs here: every directive that parses, as in a file of its own.
        let (src, bad_utf8) = crate::diag::decode_source(&bytes);
        let lines = crate::diag::Lines::new(&src);
        let (script, broken) = text::parse_script_recovering(&src, self.context.design, bad_utf8);
        let mut failures: Vec<(u32, String)> = broken
            .iter()
            .map(|form| {
                let line = lines.line(form.error.span.unwrap_or(form.span).start as usize);
                (
                    form.span.start,
                    format!("{path}:{line}: {}", error_text(&form.error)),
                )
            })
            .collect();
        self.input_depth += 1;
        self.input_texts.push(Rc::new(SourceText::new(
            full.display().to_string(),
            src.clone(),
        )));
        let at = self.at.clone();
        for command in &script.commands {
            self.at = format!("{path}:{}", lines.line(command.span.start as usize));
            let checked = self.command(command);
            if checked.status == Status::Failed {
                failures.push((
                    command.span.start,
                    format!(
                        "{path}:{}: {} failed: expected {}, found {}",
                        lines.line(command.span.start as usize),
                        command_keyword(&command.kind),
                        checked.expected,
                        checked.actual
                    ),
                ));
            }
        }
        let first_failure = failures.into_iter().min_by_key(|f| f.0).map(|f| f.1);
        self.input_depth -= 1;
        self.input_texts.pop();
        self.at = at;
        self.name_latest(id);
        match first_failure {
            None => Checked::new(expected, expected, true, None),
            Some(failure) => Checked::fail(expected, failure, None),
        }
    }

    /// Gives `id` (if any) to the latest definition and the latest instance.
    fn name_latest(&mut self, id: Option<&str>) {
        let Some(id) = id else { return };
        if let Some(definition) = self.last_definition.clone() {
            self.definitions.insert(id.to_string(), definition);
        }
        if let Some(instance) = self.last_instance {
            self.instances.insert(id.to_string(), instance);
        }
    }

    fn instantiate(&mut self, module: &E::Module) -> Result<E::Instance> {
        let registry = &self.registry;
        self.engine
            .instantiate(module, &|name| registry.get(name).copied())
    }

    fn instance(&self, name: Option<&str>) -> Result<E::Instance> {
        let found = match name {
            Some(name) => self.instances.get(name).copied(),
            None => self.last_instance,
        };
        found.ok_or_else(|| self.missing_module(name, "module instantiated"))
    }

    fn action(&mut self, action: &Action) -> Result<Vec<Val>, (Error, Place)> {
        let (module, span) = match action {
            Action::Invoke { module, span, .. } | Action::Get { module, span, .. } => {
                (module, *span)
            }
        };
        let inst = self
            .instance(module.as_deref())
            .map_err(|e| (e, Place::at(Some(span))))?;
        let result = match action {
            Action::Invoke { name, args, .. } => {
                self.engine
                    .invoke(inst, name, args.iter().map(const_val).collect())
            }
            Action::Get { name, .. } => self.engine.get(inst, name).map(|v| vec![v]),
        };
        result.map_err(|err| {
            let origin = self.origins.get(&inst).cloned().unwrap_or(Origin::Quote);
            let place = self.place(&err, &origin, Some(span));
            (err, place)
        })
    }

    fn expect_action_error(&mut self, action: &Action, kind: ErrorKind, message: &str) -> Checked {
        let result = self
            .action(action)
            .map(|values| format!("returned {}", vals_text(&values)));
        expect_error(result, kind, message)
    }
}

/// Compares a result with an expected error: same class, and the expected text is a prefix of
/// the actual message (as in the reference interpreter).
fn expect_error(result: Result<String, (Error, Place)>, kind: ErrorKind, message: &str) -> Checked {
    let expected = expected_error(kind, message);
    match result {
        Ok(actual) => Checked::fail(expected, actual, None),
        Err((err, place)) => {
            let ok = err.kind == kind && err.message.starts_with(message);
            Checked {
                detail: place.detail,
                ..Checked::new(expected, error_text(&err), ok, place.focus)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{Const, ResultPat};
    use pretty_assertions::assert_eq;

    /// An engine whose modules are quoted words: `malformed`, `invalid`, `trap`, `import NAME`,
    /// anything else instantiates. Instances are numbered; `get` returns the instance number and
    /// `invoke "add"` adds its arguments.
    struct Toy {
        next: u32,
    }

    impl Engine for Toy {
        type Module = String;
        type Instance = u32;
        fn parse(&mut self, source: &ModuleSource) -> Result<String> {
            match source {
                ModuleSource::Quote(text) if text == "malformed" => {
                    Err(Error::malformed("unexpected token", Span::NONE))
                }
                ModuleSource::Quote(text) => Ok(text.clone()),
                _ => Ok(String::new()),
            }
        }
        fn validate(&mut self, module: &String) -> Result<()> {
            match module.as_str() {
                "invalid" => Err(Error::invalid("type mismatch", Span::NONE)),
                _ => Ok(()),
            }
        }
        fn instantiate(
            &mut self,
            module: &String,
            resolve: &dyn Fn(&str) -> Option<u32>,
        ) -> Result<u32> {
            if let Some(name) = module.strip_prefix("import ") {
                resolve(name).ok_or_else(|| Error::link("unknown import", None))?;
            }
            if module == "trap" {
                return Err(Error::trap("unreachable"));
            }
            self.next += 1;
            Ok(self.next)
        }
        fn invoke(&mut self, _: u32, name: &str, args: Vec<Val>) -> Result<Vec<Val>> {
            match name {
                "add" => Ok(vec![Val::I32(
                    args.iter()
                        .map(|v| if let Val::I32(n) = v { *n } else { 0 })
                        .sum(),
                )]),
                _ => Err(Error::trap("integer divide by zero")),
            }
        }
        fn get(&mut self, instance: u32, _: &str) -> Result<Val> {
            Ok(Val::I32(instance as i32))
        }
        fn host_instances(&mut self) -> Result<Vec<(String, u32)>> {
            Ok(vec![("spectest".to_string(), 0)])
        }
    }

    fn module(id: Option<&str>, text: &str) -> ScriptModule {
        ScriptModule {
            id: id.map(String::from),
            definition: false,
            source: ModuleSource::Quote(text.to_string()),
            span: Span::NONE,
        }
    }

    fn invoke(name: &str, args: Vec<Const>) -> Action {
        Action::Invoke {
            module: None,
            name: name.to_string(),
            args,
            span: Span::NONE,
        }
    }

    fn get(module: Option<&str>) -> Action {
        Action::Get {
            module: module.map(String::from),
            name: "g".to_string(),
            span: Span::NONE,
        }
    }

    #[test]
    fn directives_and_outcomes() {
        use CommandKind as K;
        let kinds = vec![
            K::Module(module(Some("$a"), "plain")),
            K::Register {
                name: "a".into(),
                module: None,
            },
            K::Module(module(None, "import a")),
            K::AssertReturn {
                action: get(Some("$a")),
                results: vec![ResultPat::I32(1)],
            },
            K::AssertReturn {
                action: get(None),
                results: vec![ResultPat::I32(2)],
            },
            K::AssertUnlinkable {
                module: Instantiation::Module(module(None, "import b")),
                message: "unknown import".into(),
            },
            K::Module(module(None, "import spectest")),
            K::AssertReturn {
                action: invoke("add", vec![Const::I32(2), Const::I32(3)]),
                results: vec![ResultPat::I32(5)],
            },
            // Wrong result, wrong message, wrong class: three failures.
            K::AssertReturn {
                action: invoke("add", vec![]),
                results: vec![ResultPat::I32(5)],
            },
            K::AssertTrap {
                action: invoke("div", vec![]),
                message: "unreachable".into(),
            },
            K::AssertExhaustion {
                action: invoke("div", vec![]),
                message: "integer".into(),
            },
            K::AssertTrap {
                action: invoke("div", vec![]),
                message: "integer divide".into(),
            },
            K::AssertMalformed {
                module: module(None, "malformed"),
                message: "unexpected".into(),
            },
            K::AssertInvalid {
                module: module(None, "invalid"),
                message: "type mismatch".into(),
            },
            K::AssertInvalid {
                module: module(None, "plain"),
                message: "type mismatch".into(),
            },
            K::AssertUninstantiable {
                module: Instantiation::Module(module(None, "trap")),
                message: "unreachable".into(),
            },
            K::Register {
                name: "x".into(),
                module: Some("$nope".into()),
            },
        ];
        let script = Script {
            design: None,
            commands: kinds
                .into_iter()
                .map(|kind| Command {
                    kind,
                    span: Span::NONE,
                })
                .collect(),
        };
        let outcomes = run_script(&mut Toy { next: 0 }, &script, "");
        let passed: Vec<bool> = outcomes
            .iter()
            .map(|o| o.status == Status::Passed)
            .collect();
        assert_eq!(
            passed,
            vec![
                true, true, true, true, true, true, true, true, false, false, false, true, true,
                true, false, true, false
            ]
        );
        assert_eq!(outcomes[8].expected, "[(i32.const 5)]");
        assert_eq!(outcomes[8].actual, "[(i32.const 0)]");
        assert_eq!(outcomes[9].actual, "trap \"integer divide by zero\"");
        assert_eq!(outcomes[14].actual, "valid");
    }

    fn statuses(report: &FileReport) -> Vec<(usize, &Status)> {
        report
            .outcomes
            .iter()
            .map(|o| (o.line, &o.status))
            .collect()
    }

    #[test]
    fn missing_features_skip_the_file() {
        let src = ";;! gc = true\n;;! threads = true\n(module)\n(assert_return (invoke \"f\"))\n";
        let report = run_source(Path::new("x.wast"), src, &RunOptions::default());
        let reason =
            "its `;;!` header lines turn on `threads`, which Switchyard does not implement";
        let skipped = Status::Skipped {
            reason: reason.to_string(),
        };
        assert_eq!(statuses(&report), vec![(3, &skipped), (4, &skipped)]);
        assert_eq!(report.tally().skipped, 2);
        assert_eq!(
            report::file_line(&report),
            "SKIP x.wast [typed-cont]: 0 passed, 0 failed, 2 skipped"
        );
    }

    #[test]
    fn other_headers_are_notices_once_per_key() {
        let src = ";;! collector = \"null\"\n;;! tint = 1\n;;! tint = 2\n(module)\n";
        let report = run_source(Path::new("x.wast"), src, &RunOptions::default());
        assert_eq!(statuses(&report), vec![(4, &Status::Passed)]);
        let keys: Vec<&str> = report.notices.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, vec!["collector", "tint"]);
        let twice = [report.clone(), report];
        assert_eq!(
            report::notices_text(&twice),
            "note: `;;! collector`: a setting of another engine, not of the language; ignored \
             (in 2 files, e.g. x.wast)\nnote: `;;! tint`: unknown key; ignored (in 2 files, e.g. \
             x.wast)\n"
        );
    }

    #[test]
    fn output_and_custom_assertions_are_skipped_not_failed() {
        let src = "(module $m)\n(output)\n(output $m \"m.wasm\")\n\
                   (assert_malformed_custom (module quote \"(@custom)\") \"x\")\n\
                   (assert_invalid_custom (module) \"y\")\n(module)\n";
        let report = run_source(Path::new("x.wast"), src, &RunOptions::default());
        let kinds: Vec<(&str, bool)> = report
            .outcomes
            .iter()
            .map(|o| (o.kind.as_str(), matches!(o.status, Status::Skipped { .. })))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("module", false),
                ("output", true),
                ("output", true),
                ("assert_malformed_custom", true),
                ("assert_invalid_custom", true),
                ("module", false)
            ]
        );
        assert_eq!(report.tally().failed, 0);
    }

    #[test]
    fn input_reads_files_next_to_the_script() {
        let dir = std::env::temp_dir().join(format!("switchyard-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("m.wat"),
            "(module (func (export \"f\") (result i32) (i32.const 4)))",
        )
        .unwrap();
        std::fs::write(
            dir.join("bad.wast"),
            "(module)\n(assert_return (invoke \"nope\"))\n",
        )
        .unwrap();
        std::fs::write(dir.join("self.wast"), "(input \"self.wast\")\n").unwrap();
        std::fs::write(dir.join("broken.wast"), "(module\n").unwrap();
        let src = "(input $M \"m.wat\")\n(module instance $I $M)\n(assert_return (invoke $I \"f\") (i32.const 4))\n\
                   (input \"missing.wat\")\n(input \"bad.wast\")\n(input \"self.wast\")\n\
                   (input \"broken.wast\")\n(input \"m.txt\")\n(module)\n";
        let report = run_source(&dir.join("main.wast"), src, &RunOptions::default());
        let _ = std::fs::remove_dir_all(&dir);
        let actual: Vec<(usize, bool, &str)> = report
            .outcomes
            .iter()
            .map(|o| (o.line, o.status == Status::Passed, o.actual.as_str()))
            .collect();
        assert_eq!(
            actual[..3],
            [
                (1, true, "input run"),
                (2, true, "instantiated"),
                (3, true, "[(i32.const 4)]")
            ]
        );
        assert!(
            actual[3].2.starts_with("script error \"") && actual[3].2.contains("missing.wat"),
            "{}",
            actual[3].2
        );
        assert_eq!(
            actual[4].2,
            "bad.wast:2: assert_return failed: expected [], found script error \"unknown export \\\"nope\\\"\""
        );
        assert!(
            actual[5].2.contains("input nested more than 16 deep"),
            "{}",
            actual[5].2
        );
        assert!(
            actual[6].2.starts_with("broken.wast:1: malformed"),
            "{}",
            actual[6].2
        );
        assert!(
            actual[7].2.contains("unrecognized file type"),
            "{}",
            actual[7].2
        );
        assert!(!actual[3..8].iter().any(|a| a.1));
        assert_eq!(actual[8], (9, true, "instantiated"));
    }

    /// Errors of a binary module carry byte offsets, not places in the script: its failures
    /// point at the directive, also when it is instantiated by `module instance`.
    #[test]
    fn binary_definitions_keep_their_errors_on_the_directive() {
        // (module (func (export "f") unreachable))
        let bytes = "\"\\00asm\\01\\00\\00\\00\\01\\84\\80\\80\\80\\00\\01\\60\\00\\00\\03\\82\\80\\80\\80\
                     \\00\\01\\00\\07\\85\\80\\80\\80\\00\\01\\01\\66\\00\\00\\0a\\89\\80\\80\\80\\00\\01\
                     \\83\\80\\80\\80\\00\\00\\00\\0b\"";
        let src = format!(
            "(module definition $T binary {bytes})\n(module instance $T)\n\
             (assert_return (invoke \"f\"))\n"
        );
        let report = run_source(Path::new("x.wast"), &src, &RunOptions::default());
        let outcomes: Vec<(usize, bool, &str)> = report
            .outcomes
            .iter()
            .map(|o| (o.line, o.status == Status::Passed, o.actual.as_str()))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                (1, true, "defined"),
                (2, true, "instantiated"),
                (3, false, "trap \"unreachable\"")
            ]
        );
        // A trap is the directive's failure; the module has no place in the script to add.
        let outcome = &report.outcomes[2];
        assert_eq!(
            &src[outcome.focus.range()],
            "(assert_return (invoke \"f\"))"
        );
        assert_eq!(outcome.detail.secondary, vec![]);
        assert_eq!(
            outcome.detail.notes,
            vec![
                "backtrace, innermost first:\n  0: func 0 (export \"f\") at byte 0x32 of a \
                  binary module"
                    .to_string()
            ]
        );
    }

    #[test]
    fn a_broken_directive_fails_alone() {
        let src = "(module (func (export \"f\") (result i32) (i32.const 1)))\n\
                   (assert_return (invoke \"f\") (i32.const 1)))\n(bad\n\
                   (assert_return (invoke \"f\") (i32.const 1))\n";
        let report = run_source(Path::new("t.wast"), src, &RunOptions::default());
        let outcomes: Vec<(usize, &str, bool)> = report
            .outcomes
            .iter()
            .map(|o| (o.line, o.kind.as_str(), o.status == Status::Passed))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                (1, "module", true),
                (2, "assert_return", true),
                (2, "script", false),
                (3, "script", false),
                (4, "assert_return", true)
            ]
        );
        assert_eq!(
            report.outcomes[3].actual,
            "malformed \"unclosed `(`: no `)` closes it\""
        );
        assert_eq!(report.outcomes[3].labels.len(), 1);
    }

    #[test]
    fn a_bad_header_fails_every_directive() {
        let src = ";;! fuel = lots\n(module)\n(invoke \"f\")\n";
        let report = run_source(Path::new("t.wast"), src, &RunOptions::default());
        let outcomes: Vec<(usize, &str, &str)> = report
            .outcomes
            .iter()
            .map(|o| (o.line, o.kind.as_str(), o.actual.as_str()))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                (1, "script", "script error \"bad fuel\""),
                (2, "module", "not run: the script has an error at line 1"),
                (3, "invoke", "not run: the script has an error at line 1"),
            ]
        );
    }
}
