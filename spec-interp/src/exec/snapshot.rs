//! Snapshots of the configuration, as plain serializable data (`--trace=json`, the playground of
//! `switchyard serve`): the thread's segments with their prompts (and the prompts' handler
//! clauses), frames (function, position, source line), labels, locals and values; and the
//! suspended continuations (typed-cont, effect-handlers) and stacks (raw-stacks) of the store,
//! each a detached run of segments, with every reference to them and its state.
//!
//! Taking a snapshot only reads the configuration, between two steps (`step::run` calls
//! `begin` and `record` when `Store::recorder` is set): nothing here changes how the
//! configuration is laid out. What is shown is bounded (`Limits`), so a snapshot of a deep
//! recursion stays small; the counts of what was left out are part of the data.
//!
//! Legend: `s` store, `th` thread, `sg` segment, `fr` frame, `rec` recorder.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::code::Code;
use super::thread::{LabelKind, Prompt, Segment, Thread};
use super::Store;
use crate::diag::Error;
use crate::runtime::{Addr, Ref, Val};
use crate::syntax::Instr;

/// How much of a configuration a snapshot shows: the top of each list.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Segments of the thread (the top ones).
    pub segments: usize,
    /// Frames per segment (the top ones).
    pub frames: usize,
    /// Values and locals per frame (the top values, the first locals).
    pub values: usize,
    /// Suspended continuations or stacks (the most recently made first).
    pub suspended: usize,
    /// Items (segments, frames, labels, locals, values) kept over a whole recording
    /// (`Mode::Collect`): the recording stops early rather than grow past some tens of
    /// megabytes of JSON.
    pub total_items: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            segments: 48,
            frames: 24,
            values: 24,
            suspended: 48,
            total_items: 200_000,
        }
    }
}

/// The configuration after one reduction step.
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    /// The step's number in the recording, from 0.
    pub step: u64,
    /// The directive of the script this step belongs to (index into `Recording::directives`).
    pub directive: usize,
    /// The reduction rule (`resume`, `br-label-zero`, ...); `invoke` for the configuration an
    /// invocation starts from; for a step that failed, the rule the error names or the error's
    /// class (`trap`, `exhaustion`, `suspension`, `exception`).
    pub rule: String,
    /// The instruction the step reduced (where the redex was before the step).
    pub redex: Option<Position>,
    /// The thread's segments, root first: the running stack.
    pub thread: Vec<SegmentView>,
    /// Root-side segments not shown.
    pub hidden_segments: usize,
    /// Frames on the thread, across its segments.
    pub depth: usize,
    /// The continuations or stacks that are not running, each a detached run of segments.
    pub suspended: Vec<Suspended>,
    pub hidden_suspended: usize,
    /// Continuations or stacks that were resumed or switched to and whose segments are on the
    /// thread now (their references are consumed); the segments say which (`origin`).
    pub running: Vec<String>,
    /// Stack switches so far (suspensions, resumptions, switches): the counter
    /// `Counters::switches`; a step that changed it moved segments.
    pub switches: u64,
    /// The error message of a step that failed.
    pub error: Option<String>,
}

impl Snapshot {
    /// How big the snapshot is: its segments, frames, labels, locals and values.
    pub fn items(&self) -> usize {
        let segment = |sg: &SegmentView| {
            1 + sg.vals.len()
                + sg.frames
                    .iter()
                    .map(|f| 1 + f.labels.len() + f.locals.len() + f.vals.len())
                    .sum::<usize>()
        };
        self.thread.iter().map(segment).sum::<usize>()
            + self
                .suspended
                .iter()
                .flat_map(|k| &k.segments)
                .map(segment)
                .sum::<usize>()
    }
}

/// A place in the code: function and instruction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    /// The function's address in the store.
    pub func: Addr,
    /// Its name (`$gen`), or `func N` with its index in the module.
    pub name: String,
    /// Index of the instruction in the function's flat body.
    pub pc: u32,
    /// The instruction, as on a line of printed text (`(end of function)` past the last one).
    pub instr: String,
    /// 1-based line in the script's source, when known.
    pub line: Option<usize>,
}

/// One segment of an evaluation context.
#[derive(Clone, Debug, Serialize)]
pub struct SegmentView {
    pub prompt: PromptView,
    /// The continuation or stack these segments came from, when it was resumed or switched to
    /// during the recording (`k0.1`, `s2.0`).
    pub origin: Option<String>,
    /// Values below the first frame (arguments waiting for a resume, results for the host).
    pub vals: Vec<ValView>,
    /// The frames, bottom first; the last one's position is the redex when the segment is on
    /// top of the thread.
    pub frames: Vec<FrameView>,
    /// Bottom frames not shown.
    pub hidden_frames: usize,
}

/// What sits below a segment (`Prompt`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PromptView {
    /// `root`, `unset`, `resume`, `handle`, `host` or `stack`.
    pub kind: String,
    /// `resume`, `handle`: the instruction that installed it.
    pub at: Option<Position>,
    /// `resume`, `handle`: the handler clauses, in order.
    pub clauses: Vec<Clause>,
    /// `handle`: a clause of the handler runs (performs look further out).
    pub in_clause: bool,
}

/// A handler clause: for a tag, what a suspension (perform, switch) to it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clause {
    /// The tag as written (`$yield`) or its index.
    pub tag: String,
    /// `br 0` (typed-cont `on $e $l`), `switch` (`on $e switch`), or the clause's position
    /// `on@12` (effect-handlers).
    pub action: String,
}

/// A frame with the labels, locals and values it owns.
#[derive(Clone, Debug, Serialize)]
pub struct FrameView {
    /// The function and the next instruction.
    pub at: Position,
    /// Innermost last; the first is the function body's.
    pub labels: Vec<LabelView>,
    pub locals: Vec<ValView>,
    pub hidden_locals: usize,
    /// effect-handlers: the locals live in a cell shared with the function's handle blocks.
    pub shared_locals: bool,
    /// The operand stack, top last.
    pub vals: Vec<ValView>,
    /// Bottom values not shown.
    pub hidden_vals: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabelView {
    /// `block`, `loop`, `try`, `body` or `handle`.
    pub kind: String,
    pub arity: u32,
    /// Where a branch to it continues.
    pub cont: u32,
}

/// A value. References to continuations and stacks name their target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValView {
    /// `i32`, `i64`, `f32`, `f64`, `v128` or `ref`.
    pub ty: String,
    pub text: String,
    /// A continuation or stack reference: the id of what it refers to (`k0.1`, `s0.0`).
    pub target: Option<String>,
    /// For `target`: `suspended` (in the store, usable), `running` (resumed: its segments are
    /// on the thread) or `consumed` (used up, or collected).
    pub state: Option<String>,
}

/// A continuation or stack that is not running.
#[derive(Clone, Debug, Serialize)]
pub struct Suspended {
    /// `k<slot>.<generation>` for a continuation, `s<slot>.<generation>` for a stack: what
    /// references carry.
    pub id: String,
    /// `continuation` or `stack`.
    pub kind: String,
    /// Its segments, bottom first (the bottom one's prompt is `unset` until a resume).
    pub segments: Vec<SegmentView>,
    /// A fresh one (`cont.new`, `stack.new`): the function the first resume or switch calls.
    pub start: Option<String>,
    /// Frames in its segments.
    pub depth: usize,
}

/// A directive of the script and the steps it took.
#[derive(Clone, Debug, Serialize)]
pub struct DirectiveView {
    pub line: usize,
    /// `module`, `assert_return`, `invoke`, ...
    pub kind: String,
    /// `passed`, `failed` or `skipped`.
    pub status: String,
    pub expected: String,
    pub actual: String,
    /// Its steps are `first_step..end_step` of the recording.
    pub first_step: u64,
    pub end_step: u64,
}

/// What the recorder does with snapshots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Keep the first `limit` steps (`Recording::steps`); count the rest.
    Collect { limit: usize },
    /// Print every snapshot to stderr as one JSON line (`--trace=json`), and a line per
    /// directive once it ended.
    Print,
}

/// Receives the snapshots of a run; shared between the store and the script runner (which
/// tells it where directives end), and between threads (a script runs on a thread of its own).
pub type Sink = Arc<Mutex<Recorder>>;

/// The snapshots of a run, and what the recorder needs to know between steps.
#[derive(Debug)]
pub struct Recorder {
    pub mode: Mode,
    pub limits: Limits,
    pub steps: Vec<Snapshot>,
    pub directives: Vec<DirectiveView>,
    /// Steps taken, recorded or not.
    pub total_steps: u64,
    /// Steps beyond the limit were not kept.
    pub truncated: bool,
    /// Items of the kept snapshots (`Limits::total_items`).
    pub items: usize,
    /// Line starts of the script's source.
    lines: Option<Vec<usize>>,
    /// Steps of constant expressions are not recorded.
    muted: bool,
    /// The continuation or stack each thread segment came from (parallel to `Thread::segs`).
    origins: Vec<Option<String>>,
    /// The previous snapshot's suspended objects: id and segment count.
    before: Vec<(String, usize)>,
    switches: u64,
    directive_start: u64,
}

impl Recorder {
    pub fn new(mode: Mode) -> Recorder {
        Recorder {
            mode,
            limits: Limits::default(),
            steps: Vec::new(),
            directives: Vec::new(),
            total_steps: 0,
            truncated: false,
            items: 0,
            lines: None,
            muted: false,
            origins: Vec::new(),
            before: Vec::new(),
            switches: 0,
            directive_start: 0,
        }
    }

    /// A recorder behind a shareable handle.
    pub fn sink(mode: Mode) -> Sink {
        Arc::new(Mutex::new(Recorder::new(mode)))
    }

    /// Positions get source lines from this source (the script whose code runs).
    pub fn with_source(mut self, src: &str) -> Recorder {
        self.set_source(src);
        self
    }

    pub fn set_source(&mut self, src: &str) {
        let newlines = src.bytes().enumerate().filter(|&(_, b)| b == b'\n');
        self.lines = Some(
            std::iter::once(0)
                .chain(newlines.map(|(i, _)| i + 1))
                .collect(),
        );
    }

    fn line(&self, offset: usize) -> Option<usize> {
        let starts = self.lines.as_ref()?;
        let end = *starts.last()?;
        // A span past the source belongs to other text (a quoted or binary module).
        (offset <= end + 4096).then(|| starts.partition_point(|&start| start <= offset))
    }

    /// A directive ended: the steps since the last one were its steps.
    pub fn end_directive(
        &mut self,
        line: usize,
        kind: &str,
        status: &str,
        expected: &str,
        actual: &str,
    ) {
        let d = DirectiveView {
            line,
            kind: kind.to_string(),
            status: status.to_string(),
            expected: expected.to_string(),
            actual: actual.to_string(),
            first_step: self.directive_start,
            end_step: self.total_steps,
        };
        self.directive_start = self.total_steps;
        if self.mode == Mode::Print {
            eprintln!("{}", json_line("directive", &d));
        }
        self.directives.push(d);
    }

    /// Collecting, and the limit was reached: later steps are only counted, not looked at.
    fn full(&self) -> bool {
        self.truncated && matches!(self.mode, Mode::Collect { .. })
    }

    fn keep(&mut self, snap: Snapshot) {
        self.total_steps += 1;
        match self.mode {
            Mode::Print => eprintln!("{}", json_line("step", &snap)),
            Mode::Collect { limit } => {
                let items = snap.items();
                if !self.truncated
                    && self.steps.len() < limit
                    && self.items + items <= self.limits.total_items
                {
                    self.items += items;
                    self.steps.push(snap);
                } else {
                    self.truncated = true;
                }
            }
        }
    }
}

/// `{"step": {...}}`: a record of `--trace=json`, named by its kind.
fn json_line<T: Serialize>(kind: &str, value: &T) -> String {
    let value = serde_json::to_string(value).unwrap_or_else(|_| "null".to_string());
    format!("{{\"{kind}\":{value}}}")
}

/// An invocation starts on `th` (its first frame pushed): records the starting configuration.
pub fn begin(s: &Store, th: &Thread) {
    let Some(sink) = s.recorder.clone() else {
        return;
    };
    let mut rec = sink.lock().unwrap_or_else(|e| e.into_inner());
    // Constant expressions (global and element initializers) run on threads of their own.
    rec.muted = th
        .segs
        .first()
        .and_then(|sg| sg.frames.first())
        .is_some_and(|fr| fr.func == u32::MAX);
    if rec.muted {
        return;
    }
    if rec.full() {
        rec.total_steps += 1;
        return;
    }
    rec.origins.clear();
    rec.switches = s.counters.switches;
    let snap = take(s, th, &mut rec, "invoke", None, None);
    rec.keep(snap);
}

/// The redex, before a step: the instruction at the top frame's `pc`.
pub fn redex(s: &Store, th: &Thread) -> Option<Position> {
    let rec = s
        .recorder
        .as_ref()?
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if rec.full() {
        return None;
    }
    let fr = th.segs.last()?.frames.last()?;
    Some(position(s, &rec, fr.func, fr.inst, &fr.code, fr.pc))
}

/// A step was taken (`rule`) or failed (`error`): records the configuration after it.
pub fn record(s: &Store, th: &Thread, rule: &str, redex: Option<Position>, error: Option<&Error>) {
    let Some(sink) = s.recorder.clone() else {
        return;
    };
    let mut rec = sink.lock().unwrap_or_else(|e| e.into_inner());
    if rec.muted {
        return;
    }
    if rec.full() {
        rec.total_steps += 1;
        return;
    }
    let rule = match error {
        Some(e) => e.rule.unwrap_or(e.kind.name()),
        None => rule,
    };
    let snap = take(
        s,
        th,
        &mut rec,
        rule,
        redex,
        error.map(|e| e.message.clone()),
    );
    rec.keep(snap);
}

/// The snapshot of the configuration now; updates which segments came from which continuation.
fn take(
    s: &Store,
    th: &Thread,
    rec: &mut Recorder,
    rule: &str,
    redex: Option<Position>,
    error: Option<String>,
) -> Snapshot {
    let mut suspended_ids = Vec::new();
    for (id, sgs) in suspended_objects(s) {
        suspended_ids.push((id, sgs.len()));
    }
    // A step that switched stacks and used up a suspended object moved that object's segments
    // onto the top of the thread (resume, switch, continue): remember where they came from.
    rec.origins.resize(th.segs.len(), None);
    if s.counters.switches != rec.switches {
        for (id, n) in &rec.before {
            if !suspended_ids.iter().any(|(other, _)| other == id) {
                let from = th.segs.len().saturating_sub(*n);
                for origin in &mut rec.origins[from..] {
                    *origin = Some(id.clone());
                }
            }
        }
    }
    rec.switches = s.counters.switches;
    rec.before = suspended_ids;
    let mut running: Vec<String> = rec.origins.iter().flatten().cloned().collect();
    running.dedup();

    let limits = rec.limits;
    let view = Viewer {
        s,
        rec,
        running: &running,
    };
    let hidden_segments = th.segs.len().saturating_sub(limits.segments);
    let thread = th.segs[hidden_segments..]
        .iter()
        .enumerate()
        .map(|(i, sg)| view.segment(sg, rec.origins[hidden_segments + i].clone()))
        .collect();
    let mut all: Vec<_> = suspended_objects(s).collect();
    // The most recently made first: a slot reused later has a higher generation, and new
    // slots come last.
    all.reverse();
    let hidden_suspended = all.len().saturating_sub(limits.suspended);
    let suspended = all
        .into_iter()
        .take(limits.suspended)
        .map(|(id, sgs)| view.suspended(s, id, sgs))
        .collect();
    Snapshot {
        step: rec.total_steps,
        directive: rec.directives.len(),
        rule: rule.to_string(),
        redex,
        thread,
        hidden_segments,
        depth: th.depth,
        suspended,
        hidden_suspended,
        running,
        switches: s.counters.switches,
        error,
    }
}

/// What a suspended object holds.
enum Held<'a> {
    Cont(&'a super::store::ContInst),
    Stack(&'a crate::raw_stacks::exec::StackInst),
}

impl Held<'_> {
    fn len(&self) -> usize {
        match self {
            Held::Cont(k) => k.segs.len(),
            Held::Stack(_) => 1,
        }
    }
}

/// The continuations and stacks in the store, by id, in slot order.
fn suspended_objects(s: &Store) -> impl Iterator<Item = (String, Held<'_>)> {
    let conts = s.conts.slots.iter().enumerate().filter_map(|(a, slot)| {
        let k = slot.cont.as_ref()?;
        Some((format!("k{a}.{}", slot.gen), Held::Cont(k)))
    });
    let stacks = s.stacks.slots.iter().enumerate().filter_map(|(a, slot)| {
        let st = slot.stack.as_ref()?;
        Some((format!("s{a}.{}", slot.gen), Held::Stack(st)))
    });
    conts.chain(stacks)
}

/// Builds the views of one snapshot.
struct Viewer<'a> {
    s: &'a Store,
    rec: &'a Recorder,
    running: &'a [String],
}

impl Viewer<'_> {
    fn suspended(&self, s: &Store, id: String, held: Held<'_>) -> Suspended {
        let (kind, sgs, start, depth): (_, Vec<&Segment>, _, _) = match held {
            Held::Cont(k) => (
                "continuation",
                k.segs.iter().map(|sg| &**sg).collect(),
                k.start,
                k.depth,
            ),
            Held::Stack(st) => ("stack", vec![&st.seg], st.start, st.seg.frames.len()),
        };
        Suspended {
            id,
            kind: kind.to_string(),
            segments: sgs.into_iter().map(|sg| self.segment(sg, None)).collect(),
            start: start.map(|a| func_name(s, a)),
            depth,
        }
    }

    fn segment(&self, sg: &Segment, origin: Option<String>) -> SegmentView {
        let limits = self.rec.limits;
        let hidden_frames = sg.frames.len().saturating_sub(limits.frames);
        let first_val = sg
            .frames
            .first()
            .map_or(sg.vals.len(), |fr| fr.val_base as usize);
        let mut frames = Vec::new();
        for (i, fr) in sg.frames.iter().enumerate().skip(hidden_frames) {
            let next = sg.frames.get(i + 1);
            let clamp = |from: u32, to: Option<u32>, len: usize| {
                let from = (from as usize).min(len);
                (from, to.map_or(len, |t| (t as usize).clamp(from, len)))
            };
            let (l0, l1) = clamp(fr.label_base, next.map(|n| n.label_base), sg.labels.len());
            let (v0, v1) = clamp(fr.val_base, next.map(|n| n.val_base), sg.vals.len());
            let (x0, x1) = clamp(fr.local_base, next.map(|n| n.local_base), sg.locals.len());
            let shared = fr.shared.as_ref().map(|cell| cell.borrow().clone());
            let locals: &[Val] = match &shared {
                Some(locals) => locals,
                None => &sg.locals[x0..x1],
            };
            let shown_locals = locals.len().min(limits.values);
            let hidden_vals = (v1 - v0).saturating_sub(limits.values);
            frames.push(FrameView {
                at: position(self.s, self.rec, fr.func, fr.inst, &fr.code, fr.pc),
                labels: sg.labels[l0..l1].iter().map(label).collect(),
                locals: locals[..shown_locals].iter().map(|v| self.val(v)).collect(),
                hidden_locals: locals.len() - shown_locals,
                shared_locals: shared.is_some(),
                vals: sg.vals[v0 + hidden_vals..v1]
                    .iter()
                    .map(|v| self.val(v))
                    .collect(),
                hidden_vals,
            });
        }
        let below = &sg.vals[..first_val.min(sg.vals.len())];
        let skip = below.len().saturating_sub(limits.values);
        SegmentView {
            prompt: self.prompt(&sg.prompt),
            origin,
            vals: below[skip..].iter().map(|v| self.val(v)).collect(),
            frames,
            hidden_frames,
        }
    }

    fn prompt(&self, p: &Prompt) -> PromptView {
        let plain = |kind: &str| PromptView {
            kind: kind.to_string(),
            at: None,
            clauses: Vec::new(),
            in_clause: false,
        };
        match p {
            Prompt::Root => plain("root"),
            Prompt::Unset => plain("unset"),
            Prompt::Host => plain("host"),
            Prompt::Stack => plain("stack"),
            &Prompt::Resume { func, pc, inst } => {
                let Some(code) = crate::exec::wasm_code(self.s, func) else {
                    return plain("resume");
                };
                let handlers: &[crate::typed_cont::Handler] = match code.instrs.get(pc as usize) {
                    Some(Instr::TypedCont(
                        crate::typed_cont::Instr::Resume(_, hs)
                        | crate::typed_cont::Instr::ResumeThrow(_, _, hs)
                        | crate::typed_cont::Instr::ResumeThrowRef(_, hs),
                    )) => &hs[..],
                    _ => &[],
                };
                let clauses = handlers
                    .iter()
                    .map(|h| match h {
                        crate::typed_cont::Handler::OnLabel(x, l) => Clause {
                            tag: tag_name(self.s, inst, *x),
                            action: format!("br {l}"),
                        },
                        crate::typed_cont::Handler::OnSwitch(x) => Clause {
                            tag: tag_name(self.s, inst, *x),
                            action: "switch".to_string(),
                        },
                    })
                    .collect();
                PromptView {
                    kind: "resume".to_string(),
                    at: Some(position(self.s, self.rec, func, inst, code, pc)),
                    clauses,
                    in_clause: false,
                }
            }
            Prompt::Handle(h) => {
                let Some(code) = crate::exec::wasm_code(self.s, h.func) else {
                    return plain("handle");
                };
                PromptView {
                    kind: "handle".to_string(),
                    at: Some(position(self.s, self.rec, h.func, h.inst, code, h.pc)),
                    clauses: handle_clauses(code, h.pc)
                        .into_iter()
                        .map(|(q, x)| Clause {
                            tag: tag_name(self.s, h.inst, x),
                            action: format!("on@{q}"),
                        })
                        .collect(),
                    in_clause: h.clause,
                }
            }
        }
    }

    fn val(&self, v: &Val) -> ValView {
        let plain = |ty: &str, text: String| ValView {
            ty: ty.to_string(),
            text,
            target: None,
            state: None,
        };
        match v {
            Val::I32(x) => plain("i32", x.to_string()),
            Val::I64(x) => plain("i64", x.to_string()),
            Val::F32(x) => plain("f32", f32::from_bits(*x).to_string()),
            Val::F64(x) => plain("f64", f64::from_bits(*x).to_string()),
            Val::V128(x) => plain("v128", format!("{:#034x}", **x)),
            Val::Ref(r) => self.reference(r),
        }
    }

    fn reference(&self, r: &Ref) -> ValView {
        let (text, target) = match r {
            Ref::Null(ht) => (format!("null {}", ht.name()), None),
            Ref::I31(x) => (format!("i31 {x}"), None),
            Ref::Struct(a) => (format!("struct {a}"), None),
            Ref::Array(a) => (format!("array {a}"), None),
            Ref::Func(a) => (format!("func {}", func_name(self.s, *a)), None),
            Ref::Exn(a) => (format!("exn {a}"), None),
            Ref::Host(n) => (format!("host {n}"), None),
            Ref::Extern(inner) => (format!("extern ({})", self.reference(inner).text), None),
            Ref::Cont(a, g) => {
                let id = format!("k{a}.{g}");
                let live = self.s.conts.get(*a, *g).is_some();
                (id.clone(), Some((id, live)))
            }
            Ref::Stack(a, g) => {
                let id = format!("s{a}.{g}");
                let live = self
                    .s
                    .stacks
                    .slots
                    .get(*a as usize)
                    .is_some_and(|slot| slot.gen == *g && slot.stack.is_some());
                (id.clone(), Some((id, live)))
            }
        };
        let state = target.as_ref().map(|(id, live)| {
            if *live {
                "suspended"
            } else if self.running.contains(id) {
                "running"
            } else {
                "consumed"
            }
            .to_string()
        });
        ValView {
            ty: "ref".to_string(),
            text,
            target: target.map(|(id, _)| id),
            state,
        }
    }
}

fn label(lab: &super::thread::Label) -> LabelView {
    let kind = match lab.kind {
        LabelKind::Block => "block",
        LabelKind::Loop => "loop",
        LabelKind::Try(_) => "try",
        LabelKind::Body => "body",
        LabelKind::Design(_) => "handle",
    };
    LabelView {
        kind: kind.to_string(),
        arity: lab.arity,
        cont: lab.cont,
    }
}

/// The clauses of the effect-handlers `handle` block at `pc`: each `on`'s position and tag.
/// The side table chains a handle block to its clauses (`next` is just after the next `on`).
fn handle_clauses(code: &Code, pc: u32) -> Vec<(u32, u32)> {
    let mut clauses = Vec::new();
    let mut p = pc as usize;
    while let Some(q) = code
        .side
        .get(p)
        .and_then(|side| (side.next as usize).checked_sub(1))
    {
        match code.instrs.get(q) {
            Some(Instr::EffectHandlers(crate::effect_handlers::Instr::On(x, _))) if q > p => {
                clauses.push((q as u32, *x));
                p = q;
            }
            _ => break,
        }
    }
    clauses
}

fn position(s: &Store, rec: &Recorder, func: Addr, inst: Addr, code: &Code, pc: u32) -> Position {
    let instr = match code.instrs.get(pc as usize) {
        Some(i) => crate::text::print::instr_text(i),
        None => "(end of function)".to_string(),
    };
    let name = match s.modules.get(inst as usize) {
        Some(m) if code.func_idx != u32::MAX => defined_name(&m.module, code.func_idx),
        _ => "(constant expression)".to_string(),
    };
    let line = code
        .span(pc as usize)
        .filter(|sp| sp.end > 0)
        .and_then(|sp| rec.line(sp.start as usize));
    Position {
        func,
        name,
        pc,
        instr,
        line,
    }
}

/// Function `a`'s name (`$gen`), or `func N` with its index in its module, or its address.
fn func_name(s: &Store, a: Addr) -> String {
    match s.funcs.get(a as usize) {
        Some(super::store::FuncInst::Wasm { code, inst, .. }) => {
            match s.modules.get(*inst as usize) {
                Some(m) => defined_name(&m.module, code.func_idx),
                None => format!("func {}", code.func_idx),
            }
        }
        _ => format!("host {a}"),
    }
}

/// Function `x` of module `m`: `$name`, else `"export"` (its first export), else `func N`.
fn defined_name(m: &crate::syntax::Module, x: u32) -> String {
    if let Some(name) = m.names.funcs.get(&x) {
        return format!("${name}");
    }
    let export = m
        .exports
        .iter()
        .find(|e| e.desc == crate::syntax::ExternIdx::Func(x));
    match export {
        Some(e) => format!("{:?}", e.name),
        None => format!("func {x}"),
    }
}

/// Tag `x` of instance `inst`: `$name`, or the index.
fn tag_name(s: &Store, inst: Addr, x: u32) -> String {
    s.modules
        .get(inst as usize)
        .and_then(|m| m.module.names.tags.get(&x))
        .map_or_else(|| x.to_string(), |name| format!("${name}"))
}

#[cfg(test)]
mod tests;
