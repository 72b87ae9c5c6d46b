//! `--trace`: one line per reduction step, with headers for directives and invocations.
//!
//! The run loop (`step::run`) asks `begin_step` before a step and calls `end_step` after it;
//! everything else about traces lives here: the modes, the per-directive size bound, the text
//! of a step (the rule's name, the redex as WAT with the source's names, the top of the
//! configuration) and where the lines go. When tracing is off the store holds no `Tracer` and
//! the run loop pays one test of a local per step.
//!
//! A trace, in the text mode:
//!
//! ```text
//! ;; gen.wast:21: (assert_return (invoke "sum") (i32.const 3))
//! ;; invoke "sum"
//!     1 ref.func           ref.func $gen                segs=1 depth=1 [root] $sum@0 labels=1 vals=[]
//!     2 cont.new           cont.new $k                  segs=1 depth=1 [root] $sum@1 labels=1 vals=[func:$gen]
//! ...
//! ;; => (i32.const 3)
//! ```
//!
//! Each step line shows the configuration the rule reduces: the thread's segment count and
//! frame count, then its top segment (prompt, top frames as `$function@position`, labels, top
//! values). A step that traps or ends in an outcome is named by the rule that failed when the
//! design names one (`resume-null`), else `trap`; the invocation's `;; =>` line then says what
//! it ended in.

use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use super::store::{FuncInst, HostFunc};
use super::thread::{Prompt, Segment, Thread};
use super::Store;
use crate::runtime::{Addr, Ref, Val};
use crate::text::print::{plain_instr, Namer, Space};

/// What a trace shows. More modes (a JSON form with configuration snapshots) slot in here;
/// each is one arm of `Tracer::step_line`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TraceMode {
    /// One line per step: number, rule, redex as WAT, the top of the configuration.
    #[default]
    Text,
    /// One rule name per line (and the header lines): for teaching and for diffing two runs.
    Rules,
}

impl TraceMode {
    pub const ALL: [TraceMode; 2] = [TraceMode::Text, TraceMode::Rules];

    pub fn name(self) -> &'static str {
        match self {
            TraceMode::Text => "text",
            TraceMode::Rules => "rules",
        }
    }
}

impl std::fmt::Display for TraceMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for TraceMode {
    type Err = String;
    fn from_str(s: &str) -> Result<TraceMode, String> {
        TraceMode::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = TraceMode::ALL.iter().map(|m| m.name()).collect();
                format!("unknown trace mode `{s}` (one of: {})", names.join(", "))
            })
    }
}

/// Steps shown per directive unless `--trace-limit` says otherwise.
pub const DEFAULT_LIMIT: u64 = 5_000;

/// How to trace: the mode and the bound on steps shown per directive (`None`: no bound).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceOptions {
    pub mode: TraceMode,
    pub limit: Option<u64>,
}

impl Default for TraceOptions {
    fn default() -> TraceOptions {
        TraceOptions {
            mode: TraceMode::Text,
            limit: Some(DEFAULT_LIMIT),
        }
    }
}

impl TraceOptions {
    pub fn mode(mode: TraceMode) -> TraceOptions {
        TraceOptions {
            mode,
            ..TraceOptions::default()
        }
    }
}

/// Where the lines go.
enum Output {
    Stderr(std::io::BufWriter<std::io::Stderr>),
    /// Kept for the caller (tests): `Store::take_trace`.
    Lines(Vec<String>),
}

/// The trace's state: the output, the count of steps of the current directive, and the names of
/// the module instances met so far.
pub struct Tracer {
    pub options: TraceOptions,
    /// The script's name, for directive headers.
    pub file: String,
    out: Output,
    /// Steps of the current directive: shown, and not shown once past the limit.
    shown: u64,
    hidden: u64,
    /// Names per (module instance, function index): the module's `$id`s and the function's
    /// locals'. `u32::MAX` as the function: no locals.
    namers: HashMap<(Addr, u32), Rc<Namer>>,
}

/// What `begin_step` saw: the text of the configuration before the step, in the text mode.
pub struct Pending(Option<String>);

impl Tracer {
    pub fn new(options: TraceOptions) -> Tracer {
        Tracer::with_output(
            options,
            Output::Stderr(std::io::BufWriter::new(std::io::stderr())),
        )
    }

    /// A tracer whose lines are kept instead of printed (`take_lines`).
    pub fn capturing(options: TraceOptions) -> Tracer {
        Tracer::with_output(options, Output::Lines(Vec::new()))
    }

    fn with_output(options: TraceOptions, out: Output) -> Tracer {
        Tracer {
            options,
            file: String::new(),
            out,
            shown: 0,
            hidden: 0,
            namers: HashMap::new(),
        }
    }

    /// The lines kept so far (a capturing tracer), after the note on hidden steps.
    pub fn take_lines(&mut self) -> Vec<String> {
        self.flush_hidden();
        match &mut self.out {
            Output::Lines(lines) => std::mem::take(lines),
            Output::Stderr(_) => Vec::new(),
        }
    }

    fn line(&mut self, line: String) {
        match &mut self.out {
            // A trace that cannot be written (a closed pipe) does not stop the run.
            Output::Stderr(w) => {
                let _ = writeln!(w, "{line}");
            }
            Output::Lines(lines) => lines.push(line),
        }
    }

    /// A line that is not a step: first the note on the steps left out before it.
    fn note(&mut self, text: String) {
        self.flush_hidden();
        self.line(format!(";; {text}"));
    }

    fn flush_hidden(&mut self) {
        if self.hidden > 0 {
            let n = self.hidden;
            self.hidden = 0;
            self.line(format!(
                ";; ... {} more step{} not shown (--trace-limit N shows more, 0 all)",
                crate::diag::thousands(n),
                if n == 1 { "" } else { "s" }
            ));
        }
    }

    /// Writes what is buffered (at the end of each directive, so the trace keeps pace with the
    /// run's other output).
    pub fn flush(&mut self) {
        if let Output::Stderr(w) = &mut self.out {
            let _ = w.flush();
        }
    }

    /// The header of a directive: `file:line: text` (its first line); the step count starts over.
    pub fn directive(&mut self, line: usize, text: &str) {
        self.flush_hidden();
        self.shown = 0;
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("").trim_end();
        let more = lines.next().is_some();
        let first = if first.is_empty() { "--invoke" } else { first };
        let mut shown: String = first.chars().take(100).collect();
        if more || shown.len() < first.len() {
            shown.push_str(" ...");
        }
        let place = if self.file.is_empty() {
            format!("line {line}")
        } else {
            format!("{}:{line}", self.file)
        };
        self.note(format!("{place}: {shown}"));
    }

    /// The end of a directive: the note on hidden steps, and the buffer written out.
    pub fn end_directive(&mut self) {
        self.flush_hidden();
        self.flush();
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        self.flush_hidden();
        self.flush();
    }
}

/// The header of an invocation: `invoke "name" args`.
pub fn invocation(s: &mut Store, name: &str, args: &[Val]) {
    let Some(mut t) = s.tracer.take() else {
        return;
    };
    let mut text = format!("invoke {}", crate::text::print::string_lit(name.as_bytes()));
    for v in args {
        text.push(' ');
        text.push_str(&crate::script::run::values::val_text(v));
    }
    t.note(text);
    s.tracer = Some(t);
}

/// What an invocation ended in: its results, or the error.
pub fn outcome(s: &mut Store, result: &crate::diag::Result<Vec<Val>>) {
    let Some(mut t) = s.tracer.take() else {
        return;
    };
    let text = match result {
        Ok(vals) if vals.is_empty() => "=> no results".to_string(),
        Ok(vals) => {
            let vals: Vec<String> = vals
                .iter()
                .map(crate::script::run::values::val_text)
                .collect();
            format!("=> {}", vals.join(" "))
        }
        Err(e) => format!("=> {} \"{}\"", e.kind.name(), e.message),
    };
    t.note(text);
    s.tracer = Some(t);
}

/// Before a step: whether it will be shown (within the directive's limit), and in the text
/// mode the configuration it reduces.
pub fn begin_step(s: &mut Store, th: &Thread) -> Option<Pending> {
    let mut t = s.tracer.take()?;
    let pending = if t.options.limit.is_some_and(|l| t.shown >= l) {
        t.hidden += 1;
        None
    } else {
        t.shown += 1;
        Some(Pending(match t.options.mode {
            TraceMode::Rules => None,
            TraceMode::Text => Some(configuration(&mut t, s, th)),
        }))
    };
    s.tracer = Some(t);
    pending
}

/// After a step: its line, with the rule it performed.
pub fn end_step(s: &mut Store, pending: Pending, rule: &str) {
    let Some(mut t) = s.tracer.take() else {
        return;
    };
    let line = match (t.options.mode, pending.0) {
        (TraceMode::Text, Some(text)) => format!("{:>5} {rule:<19} {text}", t.shown),
        _ => rule.to_string(),
    };
    t.line(line);
    s.tracer = Some(t);
}

/// The names for function `func` of instance `inst` (its module's and its locals').
fn namer(t: &mut Tracer, s: &Store, inst: Addr, func: u32) -> Rc<Namer> {
    t.namers
        .entry((inst, func))
        .or_insert_with(|| match s.modules.get(inst as usize) {
            Some(mi) => {
                let module = Namer::new(&mi.module);
                Rc::new(if func == u32::MAX {
                    module
                } else {
                    module.for_function(&mi.module, func)
                })
            }
            None => Rc::new(Namer::default()),
        })
        .clone()
}

/// A function by its name in its module (`$gen`), else `f` and its index (`f3`).
fn func_name(t: &mut Tracer, s: &Store, inst: Addr, func: u32) -> String {
    if func == u32::MAX {
        return "(init)".to_string();
    }
    let n = namer(t, s, inst, u32::MAX);
    let name = n.idx(Space::Func, func);
    if name.starts_with('$') {
        name
    } else {
        format!("f{func}")
    }
}

/// The function at store address `a`.
fn func_at(t: &mut Tracer, s: &Store, a: Addr) -> String {
    match s.funcs.get(a as usize) {
        Some(FuncInst::Wasm { inst, code, .. }) => func_name(t, s, *inst, code.func_idx),
        Some(FuncInst::Host { host, .. }) => format!("spectest.{}", host_name(*host)),
        None => format!("@{a}"),
    }
}

fn host_name(h: HostFunc) -> &'static str {
    match h {
        HostFunc::Print => "print",
        HostFunc::PrintI32 => "print_i32",
        HostFunc::PrintI64 => "print_i64",
        HostFunc::PrintF32 => "print_f32",
        HostFunc::PrintF64 => "print_f64",
        HostFunc::PrintI32F32 => "print_i32_f32",
        HostFunc::PrintF64F64 => "print_f64_f64",
        HostFunc::CallRef => "call_ref",
    }
}

/// The redex and the configuration around it: `redex  segs=N depth=D [prompt] frames labels=N
/// vals=[...]`.
fn configuration(t: &mut Tracer, s: &Store, th: &Thread) -> String {
    let Some(sg) = th.segs.last() else {
        return "(no segment)".to_string();
    };
    let redex = match sg.frames.last() {
        Some(fr) => match fr.code.instrs.get(fr.pc as usize) {
            Some(i) => plain_instr(i, &namer(t, s, fr.inst, fr.code.func_idx)),
            None => "(end of function)".to_string(),
        },
        None => "(no frame)".to_string(),
    };
    let segment = segment(t, s, sg);
    format!(
        "{redex:<28} segs={} depth={} {segment}",
        th.segs.len(),
        th.depth
    )
}

/// Values and frames shown at the top of a segment: a line must not grow with the depth.
const SHOWN: usize = 4;

fn segment(t: &mut Tracer, s: &Store, sg: &Segment) -> String {
    let prompt = match &sg.prompt {
        Prompt::Root => "root".to_string(),
        Prompt::Unset => "unset".to_string(),
        Prompt::Handle(h) => format!("handle@{}{}", h.pc, if h.clause { "/clause" } else { "" }),
        Prompt::Resume { pc, .. } => format!("resume@{pc}"),
        Prompt::Host => "host".to_string(),
        Prompt::Stack => "stack".to_string(),
    };
    let mut out = format!("[{prompt}]");
    let hidden = sg.frames.len().saturating_sub(SHOWN);
    if hidden > 0 {
        out.push_str(&format!(" ..{hidden} frames"));
    }
    for fr in &sg.frames[hidden..] {
        let name = func_name(t, s, fr.inst, fr.code.func_idx);
        out.push_str(&format!(" {name}@{}", fr.pc));
    }
    out.push_str(&format!(" labels={}", sg.labels.len()));
    let vs: Vec<String> = sg
        .vals
        .iter()
        .rev()
        .take(SHOWN)
        .map(|v| value(t, s, v))
        .collect();
    let more = if sg.vals.len() > SHOWN { ".. " } else { "" };
    let vs: Vec<String> = vs.into_iter().rev().collect();
    out.push_str(&format!(" vals=[{more}{}]", vs.join(" ")));
    out
}

/// A value, short: `i32:1`, `f64:0.5`, `func:$gen`, `cont:0#1` (slot 0, generation 1),
/// `null:nocont`, `struct:@3` (store address 3).
fn value(t: &mut Tracer, s: &Store, v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32:{x}"),
        Val::I64(x) => format!("i64:{x}"),
        Val::F32(x) => format!("f32:{}", crate::text::print::f32_lit(*x)),
        Val::F64(x) => format!("f64:{}", crate::text::print::f64_lit(*x)),
        Val::V128(x) => format!("v128:{:#x}", **x),
        Val::Ref(r) => reference(t, s, r),
    }
}

fn reference(t: &mut Tracer, s: &Store, r: &Ref) -> String {
    match r {
        Ref::Null(h) => format!("null:{}", h.name()),
        Ref::I31(x) => format!("i31:{x}"),
        Ref::Struct(a) => format!("struct:@{a}"),
        Ref::Array(a) => format!("array:@{a}"),
        Ref::Func(a) => format!("func:{}", func_at(t, s, *a)),
        Ref::Exn(a) => format!("exn:@{a}"),
        Ref::Host(n) => format!("host:{n}"),
        Ref::Extern(inner) => match &**inner {
            Ref::Host(n) => format!("extern:{n}"),
            other => format!("extern:({})", reference(t, s, other)),
        },
        Ref::Cont(a, g) => format!("cont:{a}#{g}"),
        Ref::Stack(a, g) => format!("stack:{a}#{g}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(crate::diag::thousands(7), "7");
        assert_eq!(crate::diag::thousands(1_000), "1,000");
        assert_eq!(crate::diag::thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn modes_read_and_print() {
        for m in TraceMode::ALL {
            assert_eq!(m.name().parse::<TraceMode>(), Ok(m));
        }
        assert!("json5".parse::<TraceMode>().is_err());
    }
}
