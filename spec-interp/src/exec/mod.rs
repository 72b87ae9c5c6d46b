//! Execution (spec chapter 4): the store, instantiation, and the small-step reduction over an
//! explicit configuration.
//!
//! - `store`: runtime instances (types are canonical indices of `crate::types::TypeRegistry`);
//! - `code`: function bodies with their block side tables;
//! - `thread`: the evaluation context as stack segments (frames, labels, prompts);
//! - `step`: the reduction rules, one match arm each, and the run loop;
//! - `instantiate`: module instantiation (4.5.4);
//! - `numeric`: the numeric operators.
//!
//! How a design plugs in: `step::step` hands `Instr::TypedCont(i)` to
//! `typed_cont::exec::step(s, th, &code, pc, ia, i)`; raw-stacks and effect-handlers get the
//! same call (one arm each in `step::step`). A design module works on the configuration
//! directly: `Thread::segs` (each `Segment` has `vals`, `locals`, `labels`, `frames` and its
//! bottom `prompt`), `Store::conts` (slots with generations: `step::alloc_cont`,
//! `ContStore::take`), and the shared administrative steps of `step` (`call`, `tail_call`,
//! `ret`, `settle`, `throw`, `alloc_exn`, `ref_matches`). It may add `Prompt` and
//! `LabelKind::Design` uses for its own constructs.

pub mod backtrace;
pub mod code;
pub mod gc;
pub mod instantiate;
pub mod numeric;
pub mod snapshot;
pub mod step;
pub mod store;
pub mod thread;
pub mod trace;

use std::rc::Rc;

use crate::design::Design;
use crate::diag::{Error, Result};
use crate::runtime::{Addr, Val};
use crate::syntax::Module;
use store::*;

/// Resource budgets and switches of a run.
#[derive(Clone, Debug)]
pub struct Config {
    pub design: Design,
    /// Maximum number of nested activations (frames) on one thread, across all stacks, as the
    /// reference interpreter's budget counts them. The default allows the 10,000-deep
    /// recursions of the tests with room to spare.
    pub max_call_depth: usize,
    /// Maximum bytes of one stack: the frames, labels, locals and operands of one segment of
    /// the evaluation context (an invocation's main stack, a continuation's, a raw-stacks
    /// stack), as engines bound each stack's size. A call that would exceed it ends in "call
    /// stack exhausted". The default (16 MiB) holds 20,000 frames of up to 40 locals each; a
    /// frame with a thousand locals (skip-stack-guard-page.wast) stops at about a thousand.
    pub max_stack_bytes: u64,
    /// Maximum number of reduction steps of one invocation; `None`: unlimited. The default,
    /// 3 x 10^9, lets long correct programs finish (100 million suspend/resume round trips take
    /// 1.8 x 10^9 steps) while a runaway loop still ends in exhaustion, with a message naming
    /// `--fuel`, in well under two minutes of CPU time in a release build
    /// (`docs/performance.md`), rather than looking like a hang.
    pub fuel: Option<u64>,
    /// Maximum number of live continuations / stacks: those still reachable after a
    /// collection ("too many live continuations" / "too many live stacks").
    pub max_live_conts: usize,
    /// Maximum bytes of memories, tables and reachable heap objects (structures, arrays,
    /// exceptions); beyond it `memory.grow` and `table.grow` fail (-1) and allocations end in
    /// exhaustion ("out of memory"). Unreachable objects are collected before it counts.
    pub max_heap_bytes: u64,
    /// Collect garbage after every step that allocated (instead of when the bytes allocated
    /// since the last collection exceed the live bytes): slow, but a root the collector
    /// misses shows up at once as a wrong result or a crash.
    pub gc_stress: bool,
    /// Trace every reduction step (`trace`): to stderr, unless the store's tracer captures.
    pub trace: Option<trace::TraceOptions>,
    /// Which permitted result relaxed SIMD instructions compute.
    pub relaxed: crate::simd::Relaxed,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            design: Design::TypedCont,
            max_call_depth: 20_000,
            max_stack_bytes: 16 << 20,
            fuel: Some(3_000_000_000),
            max_live_conts: 1_000_000,
            max_heap_bytes: 2 << 30,
            gc_stress: false,
            trace: None,
            relaxed: crate::simd::Relaxed::Deterministic,
        }
    }
}

/// An external value (4.2.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternVal {
    Func(Addr),
    Table(Addr),
    Mem(Addr),
    Global(Addr),
    Tag(Addr),
}

/// Counters for benchmarks and comparisons between designs. They accumulate over the store's
/// life; reset them by assigning `Counters::default()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Reduction steps taken.
    pub steps: u64,
    /// Stack switches: suspensions, resumptions, switches (each moves segments).
    pub switches: u64,
    /// Peak number of live continuations.
    pub peak_live_conts: usize,
    /// Peak number of frames on a thread.
    pub peak_depth: usize,
    /// Handler-search steps: evaluation-context delimiters (prompts, handler entries) that a
    /// suspension's search for its handler looked at, the one it stops at included.
    pub search_steps: u64,
}

/// The store (4.2.3) and everything a run needs.
pub struct Store {
    pub config: Config,
    /// Lines printed by the `spectest` print functions, formatted like the reference
    /// interpreter (`42 : i32`).
    pub transcript: Vec<String>,
    pub counters: Counters,
    /// The trace's state when `config.trace` is set (`trace::Tracer`); `None` otherwise, so a
    /// run without a trace pays nothing for it.
    pub tracer: Option<Box<trace::Tracer>>,
    /// When set, every reduction step counts its rule here (`switchyard coverage`); off by
    /// default, so ordinary runs pay one test per step.
    pub rule_counts: Option<Box<crate::coverage::RuleCounts>>,
    /// When set, a snapshot of the configuration is taken after every step (`--trace=json`,
    /// `switchyard serve`); off by default.
    pub recorder: Option<snapshot::Sink>,
    pub(crate) rtt: crate::types::TypeRegistry,
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) mems: Vec<MemInst>,
    pub(crate) globals: Vec<GlobalInst>,
    pub(crate) tags: Vec<TagInst>,
    pub(crate) elems: Vec<ElemInst>,
    pub(crate) datas: Vec<DataInst>,
    pub(crate) structs: Heap<StructInst>,
    pub(crate) arrays: Heap<ArrayInst>,
    pub(crate) exns: Heap<ExnInst>,
    pub(crate) conts: ContStore,
    /// raw-stacks: fresh and suspended stacks.
    pub(crate) stacks: crate::raw_stacks::exec::StackStore,
    /// effect-handlers: emptied clause segments kept for the next `perform`.
    pub(crate) handles: crate::effect_handlers::exec::Spare,
    pub(crate) modules: Vec<ModuleInst>,
    /// Bytes of memories, tables and heap objects not yet collected (`Config::max_heap_bytes`).
    pub(crate) heap_bytes: u64,
    /// The garbage collector's state (`exec::gc`).
    pub gc: gc::Gc,
    /// Bytes of locals pushed since the evaluation contexts were last measured
    /// (`step::MAX_CONTEXT_BYTES`).
    pub(crate) pending_bytes: u64,
}

impl Store {
    pub fn new(config: Config) -> Store {
        Store {
            tracer: config.trace.map(|o| Box::new(trace::Tracer::new(o))),
            config,
            transcript: Vec::new(),
            counters: Counters::default(),
            rule_counts: None,
            recorder: None,
            rtt: crate::types::TypeRegistry::new(),
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            structs: Heap::default(),
            arrays: Heap::default(),
            exns: Heap::default(),
            conts: ContStore::default(),
            stacks: Default::default(),
            handles: Default::default(),
            modules: Vec::new(),
            heap_bytes: 0,
            gc: gc::Gc::default(),
            pending_bytes: 0,
        }
    }

    /// Turns the trace on (with these options) or off; the tracer keeps its script name.
    pub fn set_trace(&mut self, options: Option<trace::TraceOptions>) {
        self.config.trace = options;
        match (options, &mut self.tracer) {
            (None, _) => self.tracer = None,
            (Some(o), Some(t)) => t.options = o,
            (Some(o), None) => self.tracer = Some(Box::new(trace::Tracer::new(o))),
        }
    }

    /// Traces into a list of lines instead of stderr (tests): `take_trace` returns them.
    pub fn capture_trace(&mut self, options: trace::TraceOptions) {
        self.config.trace = Some(options);
        self.tracer = Some(Box::new(trace::Tracer::capturing(options)));
    }

    /// The lines a capturing trace kept since the last call.
    pub fn take_trace(&mut self) -> Vec<String> {
        self.tracer
            .as_mut()
            .map(|t| t.take_lines())
            .unwrap_or_default()
    }

    /// The export `name` of module instance `module`.
    pub fn export(&self, module: Addr, name: &str) -> Option<ExternVal> {
        self.modules
            .get(module as usize)?
            .exports
            .get(name)
            .copied()
    }

    /// All exports of module instance `module`.
    pub fn exports(&self, module: Addr) -> Vec<(String, ExternVal)> {
        let mut v: Vec<_> = self
            .modules
            .get(module as usize)
            .map(|m| m.exports.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// The current value of global `addr`.
    pub fn global_value(&self, addr: Addr) -> Val {
        self.globals
            .get(addr as usize)
            .map(|g| g.val.clone())
            .unwrap_or(Val::I32(0))
    }

    /// The (canonical) type of function `addr`.
    pub fn func_type(&self, addr: Addr) -> Option<crate::syntax::FuncType> {
        let f = self.funcs.get(addr as usize)?;
        self.rtt.func_type(f.ty()).cloned()
    }

    /// A function type as module instance `inst` names its types: `[i32 (ref $point)] -> []`
    /// (a concrete type the module does not name by its index there, else by its canonical
    /// index).
    pub fn func_type_text(&self, inst: Addr, ft: &crate::syntax::FuncType) -> String {
        use crate::syntax::{HeapType, ValType};
        let module = self.modules.get(inst as usize);
        let show = |t: &ValType| match t {
            ValType::Ref(rt) => match rt.heap {
                HeapType::Concrete(ct) => {
                    let x = module.and_then(|m| m.types.iter().position(|&c| c == ct));
                    let name = match x {
                        Some(x) => module
                            .and_then(|m| m.module.names.types.get(&(x as u32)))
                            .map_or_else(|| x.to_string(), |n| format!("${n}")),
                        None => ct.to_string(),
                    };
                    let null = if rt.nullable { "null " } else { "" };
                    format!("(ref {null}{name})")
                }
                HeapType::Abs(_) => crate::valid::show_val(*t),
            },
            _ => crate::valid::show_val(*t),
        };
        let list = |ts: &[ValType]| ts.iter().map(show).collect::<Vec<_>>().join(" ");
        format!("[{}] -> [{}]", list(&ft.params), list(&ft.results))
    }

    /// Number of live continuations.
    pub fn live_conts(&self) -> usize {
        self.conts.live
    }

    /// Counts a rule performed inside a step (`exception-through-prompt`) when rules are
    /// counted.
    pub(crate) fn note_rule(&mut self, rule: &'static str) {
        if let Some(counts) = self.rule_counts.as_deref_mut() {
            counts.reduction(rule);
        }
    }

    /// Bytes of memory `addr` (for differential testing).
    pub fn memory(&self, addr: Addr) -> Option<&[u8]> {
        self.mems.get(addr as usize).map(|m| m.bytes.as_slice())
    }
}

/// Instantiates a validated module with its imports (in import order); runs its start function.
pub fn instantiate(store: &mut Store, module: Rc<Module>, imports: &[ExternVal]) -> Result<Addr> {
    instantiate::instantiate(store, module, imports)
}

/// Invokes function `func` with `args`.
/// The code of Wasm function `func` (a prompt names its handler clauses by function and
/// position); `None` for a host function or no function.
#[inline(always)]
pub fn wasm_code(s: &Store, func: Addr) -> Option<&code::Code> {
    match s.funcs.get(func as usize) {
        Some(FuncInst::Wasm { code, .. }) => Some(code),
        _ => None,
    }
}

pub fn invoke(store: &mut Store, func: Addr, args: Vec<Val>) -> Result<Vec<Val>> {
    if func as usize >= store.funcs.len() {
        return Err(Error::crash("unknown function address"));
    }
    step::invoke(store, func, args)
}

/// Invokes with a one-off configuration (the store's is restored afterwards).
pub fn invoke_with_config(
    store: &mut Store,
    config: Config,
    func: Addr,
    args: Vec<Val>,
) -> Result<Vec<Val>> {
    let saved = std::mem::replace(&mut store.config, config);
    let r = invoke(store, func, args);
    store.config = saved;
    r
}

#[cfg(test)]
mod tests;
