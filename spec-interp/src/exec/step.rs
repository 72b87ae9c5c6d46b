//! Reduction (4.4): `step` performs one reduction rule on the instruction at the top frame's
//! `pc`; each arm names its rule, and the name goes to the trace. `run` steps until the root
//! segment has no frame left.
//!
//! Legend: `s` store, `th` thread, `sg` top segment, `fr` frame, `x`/`y` index immediates,
//! `a` address, `l` label index, `r` reference, `v` value, `n` count, `i`/`d` offsets,
//! `ia` the current module instance's address.

use std::rc::Rc;

use super::code::Code;
use super::instantiate::val_matches;
use super::store::*;
use super::thread::*;
use super::Store;
use crate::diag::{Error, ErrorKind, Result};
use crate::runtime::{Addr, Ref, Val};
use crate::syntax::{
    AbsHeapType as A, AddrType, Catch, CompType, FieldType, HeapType, Instr, LoadOp, MemArg, NumOp,
    RefType, StorageType, StoreOp, ValType,
};

pub type Rule = &'static str;

/// Invokes function `a` on a fresh thread (4.5.5).
pub fn invoke(s: &mut Store, a: Addr, args: Vec<Val>) -> Result<Vec<Val>> {
    let ty = s.funcs[a as usize].ty();
    let ok = match s.rtt.func_type(ty) {
        Some(ft) => {
            ft.params.len() == args.len()
                && args
                    .iter()
                    .zip(&ft.params)
                    .all(|(v, &t)| val_matches(s, v, t))
        }
        None => false,
    };
    if !ok {
        return Err(Error::new(
            ErrorKind::Script,
            "wrong number or types of arguments",
            None,
        ));
    }
    let mut th = Thread::new();
    th.segs[0].vals = args;
    call(s, &mut th, a)?;
    run(s, &mut th)
}

/// Runs `th` until its root segment has no frame left; returns the root's values.
pub fn run(s: &mut Store, th: &mut Thread) -> Result<Vec<Val>> {
    let fuel = s.config.fuel.unwrap_or(u64::MAX);
    let trace = s.tracer.is_some();
    let counting = s.rule_counts.is_some();
    let recording = s.recorder.is_some();
    let fast = !trace && !counting && !recording;
    if recording {
        super::snapshot::begin(s, th);
    }
    let mut steps: u64 = 0;
    let mut next_audit = AUDIT_STEPS;
    let result = loop {
        // The contexts (frames, locals, values of the thread and of every suspended
        // continuation or stack) are measured now and then, more rarely the more there are, so
        // the cost per step stays constant; big frames bring the next measure forward.
        if steps >= next_audit || s.pending_bytes > AUDIT_BYTES {
            s.pending_bytes = 0;
            let (mut bytes, mut items) = context_bytes(s, th);
            if bytes > MAX_CONTEXT_BYTES && s.gc.paused == 0 {
                // Only what is reachable counts: unreachable continuations are collected first.
                super::gc::collect(s, th, &[]);
                (bytes, items) = context_bytes(s, th);
            }
            if bytes > MAX_CONTEXT_BYTES {
                break Err(Error::exhaustion("call stack exhausted"));
            }
            for sg in &mut th.segs {
                sg.trim();
            }
            next_audit = steps + AUDIT_STEPS.max(items);
        }
        // Garbage collection, between two steps: the configuration is complete. Small
        // allocations (exceptions) are charged after the fact: stop once over budget.
        if super::gc::due(s) || s.heap_bytes > s.config.max_heap_bytes {
            if s.gc.paused == 0 {
                super::gc::collect(s, th, &[]);
            }
            if s.heap_bytes > s.config.max_heap_bytes {
                break Err(Error::exhaustion(OUT_OF_MEMORY));
            }
        }
        let sg = th.top()?;
        if sg.frames.is_empty() {
            break Ok(std::mem::take(&mut sg.vals));
        }
        if fast {
            // As many steps as there are in one go, up to the next audit or the fuel, or until
            // one of the checks above may be due; then the loop goes round (the step below
            // runs only when the fuel ran out or the next audit is due).
            match run_local(s, th, &mut steps, next_audit.min(fuel)) {
                Ok(()) => {
                    if steps < next_audit.min(fuel) {
                        continue;
                    }
                }
                Err((e, other)) => {
                    let e = if other { unnested(th, e) } else { e };
                    break Err(located(s, th, e));
                }
            }
            let sg = th.top()?;
            if sg.frames.is_empty() {
                break Ok(std::mem::take(&mut sg.vals));
            }
        }
        steps += 1;
        if steps > fuel {
            break Err(Error::exhaustion("fuel exhausted"));
        }

        // Coverage and the trace name a failed step by the instruction it was reducing.
        let redex = if counting || trace {
            th.top()?
                .frames
                .last()
                .map(|fr| (fr.code.clone(), fr.pc as usize))
        } else {
            None
        };
        let before = if trace {
            super::trace::begin_step(s, th)
        } else {
            None
        };
        let at = if recording {
            super::snapshot::redex(s, th)
        } else {
            None
        };
        match step(s, th) {
            Ok(rule) => {
                if counting {
                    s.note_rule(rule);
                }
                if recording {
                    super::snapshot::record(s, th, rule, at, None);
                }
                if let Some(before) = before {
                    super::trace::end_step(s, before, rule);
                }
            }
            Err(e) => {
                let rule = failed_rule(redex, &e);
                if counting {
                    match rule {
                        Some(rule) => s.note_rule(rule),
                        None => {
                            if let Some(counts) = s.rule_counts.as_deref_mut() {
                                counts.outcome(crate::coverage::outcome_key(&e));
                            }
                        }
                    }
                }
                if let Some(before) = before {
                    super::trace::end_step(s, before, rule.unwrap_or("trap"));
                }
                let e = unnested(th, e);
                if recording {
                    super::snapshot::record(s, th, "", at, Some(&e));
                }
                break Err(located(s, th, e));
            }
        }
    };
    s.counters.steps += steps;
    result
}

/// A suspension never crosses a host function: inside a nested activation
/// (`spectest.call_ref`) an unhandled one traps.
fn unnested(th: &Thread, e: Error) -> Error {
    let nested = th.segs.iter().any(|sg| matches!(sg.prompt, Prompt::Host));
    if e.kind == ErrorKind::Suspension && nested {
        trap(&e.message)
    } else {
        e
    }
}

/// `e`, raised by the step of the instruction just before the top frame's `pc`, with that
/// instruction's span and the thread's backtrace.
fn located(s: &Store, th: &Thread, e: Error) -> Error {
    let e = e.with_backtrace(super::backtrace::capture(s, th));
    let span = th
        .segs
        .last()
        .and_then(|sg| sg.frames.last())
        .and_then(|fr| fr.code.span(fr.pc.saturating_sub(1) as usize));
    match span {
        Some(sp) => e.with_span(sp),
        None => e,
    }
}

/// The rule of a step that ended in `e`: the rule the error names, else the design's trap rule
/// for the instruction at the redex; `None` for a core trap or an exhaustion (coverage counts
/// the outcome, the trace prints `trap`).
fn failed_rule(redex: Option<(Rc<Code>, usize)>, e: &Error) -> Option<Rule> {
    let instr = redex.as_ref().and_then(|(code, pc)| code.instrs.get(*pc));
    e.rule
        .or_else(|| instr.and_then(|i| crate::design::trap_rule(i, e)))
}

pub(crate) fn trap(m: &str) -> Error {
    Error::trap(m)
}

fn addr_val(at: AddrType, x: u64) -> Val {
    match at {
        AddrType::I32 => Val::I32(x as i32),
        AddrType::I64 => Val::I64(x as i64),
    }
}

/// Does `[lo, lo + n)` fit in `len`?
fn fits(lo: u64, n: u64, len: usize) -> bool {
    lo.checked_add(n).is_some_and(|end| end <= len as u64)
}

// ---------------------------------------------------------------------------------------------
// Administrative steps shared by several rules (and by the design modules).

/// `call` (4.4.10): pushes a frame for `a` with its arguments from the top segment; a host
/// function runs at once (`call-host`).
pub fn call(s: &mut Store, th: &mut Thread, a: Addr) -> Result<Rule> {
    match &s.funcs[a as usize] {
        FuncInst::Wasm { code, inst, .. } => {
            let (code, inst) = (code.clone(), *inst);
            push_frame(s, th, a, code, inst)?;
            Ok("call")
        }
        FuncInst::Host {
            host: HostFunc::CallRef,
            ..
        } => {
            crate::host::call_ref(s, th)?;
            Ok("call-host")
        }
        FuncInst::Host { host, params, .. } => {
            let (host, n) = (*host, *params);
            let args = th.top()?.pop_n(n)?;
            let res = crate::host::call_host(s, host, args)?;
            th.top()?.vals.extend(res);
            settle(th)?;
            Ok("call-host")
        }
    }
}

/// Enters a function body: its parameters move from the operand stack into the locals.
pub fn push_frame(
    s: &mut Store,
    th: &mut Thread,
    a: Addr,
    code: Rc<Code>,
    inst: Addr,
) -> Result<()> {
    if th.depth >= s.config.max_call_depth {
        return Err(Error::exhaustion("call stack exhausted"));
    }
    let sg = th.top()?;
    // The stack budget: the bytes of this segment (one stack) with the new frame.
    if segment_bytes(sg) + frame_bytes(&code) > s.config.max_stack_bytes {
        return Err(Error::exhaustion("call stack exhausted"));
    }
    if sg.frames.capacity() == 0 {
        // A fresh segment (a new continuation's, mostly): room for exactly this activation.
        // Most continuations never hold more (a generator), and a million of them suspended
        // then cost no spare capacity; the vectors grow as usual if need be.
        sg.frames.reserve_exact(1);
        sg.labels.reserve_exact(code.max_labels as usize);
        sg.locals
            .reserve_exact(code.params as usize + code.locals.len());
    }
    th.depth += 1;
    if th.depth > s.counters.peak_depth {
        s.counters.peak_depth = th.depth;
    }
    s.pending_bytes = s
        .pending_bytes
        .saturating_add(val_bytes((code.params as usize + code.locals.len()) as u64));
    let sg = th.top()?;
    let n = code.params as usize;
    let base = sg.vals.len().checked_sub(n).ok_or_else(underflow)?;
    let local_base = sg.locals.len() as u32;
    sg.locals.extend(sg.vals.drain(base..));
    sg.locals.extend(code.locals.iter().cloned());
    let label_base = sg.labels.len() as u32;
    let arity = code.results;
    sg.labels.push(Label {
        arity,
        cont: code.instrs.len() as u32,
        height: base as u32,
        kind: LabelKind::Body,
    });
    sg.frames.push(Frame {
        code,
        inst,
        func: a,
        pc: 0,
        local_base,
        label_base,
        val_base: base as u32,
        arity,
        shared: None,
    });
    Ok(())
}

/// Pops the top frame, keeping its `arity` results on the operand stack.
fn pop_frame(th: &mut Thread, keep: Option<u32>) -> Result<()> {
    let sg = th.top()?;
    let fr = sg.frames.pop().ok_or_else(|| Error::crash("no frame"))?;
    sg.cut(fr.val_base, keep.unwrap_or(fr.arity));
    sg.labels.truncate(fr.label_base as usize);
    sg.locals.truncate(fr.local_base as usize);
    th.depth -= 1;
    Ok(())
}

/// `return` / the end of a function body (`frame-vals`, `return-frame`); when that ends a
/// continuation, the step is typed-cont's `resume-return`.
pub fn ret(th: &mut Thread) -> Result<Rule> {
    pop_frame(th, None)?;
    Ok(settle(th)?.unwrap_or("return"))
}

/// A non-root segment whose last frame returned gives its values to the segment below,
/// repeatedly (a base frame that tail-called `spectest.call_ref` left an empty segment under
/// the nested activation). Returns the rule of what ended, if something did:
/// - a continuation (typed-cont's `resume` prompt): `resume-return` (`prompt{..} val* end ->
///   val*`);
/// - a nested host activation (`spectest.call_ref`'s `Host` segment): its root's base frame
///   returned, which is the core's `return` in every design, as at the top level (the values
///   go to the caller of `call_ref` instead of the host; `proposals/raw-stacks/README.md` §6);
///   no continuation ended, so not `resume-return`.
///
/// A raw-stacks non-root stack cannot return (`stack-return`).
pub fn settle(th: &mut Thread) -> Result<Option<Rule>> {
    let mut rule = None;
    loop {
        let sg = th.top()?;
        if !sg.frames.is_empty() || matches!(sg.prompt, Prompt::Root) {
            return Ok(rule);
        }
        if let Prompt::Stack = sg.prompt {
            return Err(trap("stack returned").by_rule("stack-return"));
        }
        let done = th.segs.pop().ok_or_else(|| Error::crash("no segment"))?;
        th.top()?.vals.extend(done.vals);
        // A continuation that ended in the same step names it, whatever else ended.
        rule = match (rule, &done.prompt) {
            (Some("resume-return"), _) | (_, Prompt::Resume { .. }) => Some("resume-return"),
            _ => Some("return"),
        };
    }
}

/// `return_call` (4.4.10): the current frame is replaced, so tail calls run in constant space.
pub fn tail_call(s: &mut Store, th: &mut Thread, a: Addr) -> Result<Rule> {
    let n = match &s.funcs[a as usize] {
        FuncInst::Wasm { code, .. } => code.params,
        FuncInst::Host { params, .. } => *params as u32,
    };
    pop_frame(th, Some(n))?;
    call(s, th, a)?;
    settle(th)?;
    Ok("return_call")
}

/// `throw_ref` with exception `e` (4.4.9): unwinds labels and frames of the top segment to the
/// innermost `try_table` with a matching catch clause (`try_table-catch`); past a segment's
/// bottom the exception goes on in the resumer below (`exception-through-prompt`); at the root it
/// reaches the host.
pub fn throw(s: &mut Store, th: &mut Thread, e: Addr) -> Result<Rule> {
    let tag = s.exns[e as usize].tag;
    // Where it was thrown, for the diagnostic if it reaches the host (unwinding pops it).
    let site = super::backtrace::Site::of(th);
    loop {
        let Thread { segs, depth, .. } = th;
        let sg = segs.last_mut().ok_or_else(|| Error::crash("no segment"))?;
        while let Some(fr) = sg.frames.last() {
            if sg.labels.len() <= fr.label_base as usize {
                let fr = sg.frames.pop().ok_or_else(|| Error::crash("no frame"))?;
                sg.labels.truncate(fr.label_base as usize);
                sg.locals.truncate(fr.local_base as usize);
                sg.vals.truncate(fr.val_base as usize);
                *depth -= 1;
                continue;
            }
            let li = sg.labels.len() - 1;
            let lab = sg.labels[li];
            if let LabelKind::Try(tpc) = lab.kind {
                let (code, ia) = (fr.code.clone(), fr.inst);
                if let Some(Instr::TryTable(_, catches)) = code.instrs.get(tpc as usize) {
                    for c in catches.iter() {
                        let (hit, fields, with_ref, l) = match *c {
                            Catch::Catch(x, l) => (
                                s.modules[ia as usize].tags[x as usize] == tag,
                                true,
                                false,
                                l,
                            ),
                            Catch::CatchRef(x, l) => (
                                s.modules[ia as usize].tags[x as usize] == tag,
                                true,
                                true,
                                l,
                            ),
                            Catch::CatchAll(l) => (true, false, false, l),
                            Catch::CatchAllRef(l) => (true, false, true, l),
                        };
                        if hit {
                            sg.labels.truncate(li);
                            sg.vals.truncate(lab.height as usize);
                            if fields {
                                sg.vals.extend(s.exns[e as usize].fields.iter().cloned());
                            }
                            if with_ref {
                                sg.vals.push(Val::Ref(Ref::Exn(e)));
                            }
                            sg.branch(l)?;
                            return Ok("try_table-catch");
                        }
                    }
                }
            }
            sg.labels.pop();
        }
        if let Prompt::Stack = sg.prompt {
            return Err(trap("uncaught exception at stack base").by_rule("stack-uncaught"));
        }
        if let Prompt::Root = sg.prompt {
            let exn = &s.exns[e as usize];
            let payload: Vec<String> = exn.fields.iter().map(show_val).collect();
            let err = Error::new(
                ErrorKind::Exception,
                format!(
                    "uncaught exception: tag {} [{}]",
                    super::backtrace::tag_name(s, exn.tag),
                    payload.join(" ")
                ),
                site.as_ref().and_then(|site| site.span()),
            );
            return Err(match site {
                Some(site) => err.with_backtrace(site.backtrace(s)),
                None => err,
            });
        }
        // exception-through-prompt: a typed-cont prompt lets the exception out to its resumer.
        if let Some(Prompt::Resume { .. }) = th.segs.pop().map(|sg| sg.prompt) {
            s.note_rule("exception-through-prompt");
        }
    }
}

/// A continuation reference operand, popped from `sg`: its slot and generation. A null one
/// traps (typed-cont `resume-null`, `cont.bind-null`, ...; effect-handlers `continue-null`,
/// `discontinue-null`, ...).
#[inline(always)]
pub fn cont_operand(sg: &mut Segment) -> Result<(Addr, u32)> {
    sg.pop_cont()?
        .ok_or_else(|| Error::trap("null continuation reference"))
}

/// The continuation in slot `a` of generation `gen`, checked without consuming it (typed-cont
/// `resume-consumed`, `cont.bind-consumed`, ...; effect-handlers `continue-consumed`, ...).
/// Every instruction checks all that can trap or exhaust first and only then consumes
/// (`take_cont`), so a trap never uses a continuation up.
#[inline(always)]
pub fn check_cont(s: &Store, a: Addr, gen: u32) -> Result<&ContInst> {
    s.conts
        .get(a, gen)
        .ok_or_else(|| Error::trap("continuation already consumed"))
}

/// Consumes the continuation in slot `a` of generation `gen` (one-shot); `check_cont` has
/// passed.
#[inline(always)]
pub fn take_cont(s: &mut Store, a: Addr, gen: u32) -> Result<ContInst> {
    s.conts
        .take(a, gen)
        .ok_or_else(|| Error::trap("continuation already consumed"))
}

/// Stores a continuation (or stack) within the live budget; returns its slot and generation.
#[inline(always)]
pub fn alloc_cont(s: &mut Store, k: ContInst) -> Result<(Addr, u32)> {
    cont_room(s)?;
    Ok(store_cont(s, k))
}

/// The live-continuation budget has room for one more. (A suspension checks it before it cuts
/// anything off the thread, so that exhaustion leaves the configuration as it was.)
#[inline(always)]
pub fn cont_room(s: &Store) -> Result<()> {
    if s.conts.live >= s.config.max_live_conts {
        return Err(Error::exhaustion("too many live continuations"));
    }
    Ok(())
}

/// Stores a continuation that `cont_room` made room for.
#[inline(always)]
pub fn store_cont(s: &mut Store, k: ContInst) -> (Addr, u32) {
    let r = s.conts.alloc(k);
    super::gc::stored(s, s.conts.live);
    if s.conts.live > s.counters.peak_live_conts {
        s.counters.peak_live_conts = s.conts.live;
    }
    r
}

/// Stores a new exception. Charged after the fact (the run loop stops once over budget): its
/// payload is small and already in hand.
pub fn alloc_exn(s: &mut Store, tag: Addr, fields: Vec<Val>) -> Addr {
    let x = ExnInst { tag, fields };
    let bytes = super::gc::exn_bytes(&x);
    s.heap_bytes = s.heap_bytes.saturating_add(bytes);
    s.gc.allocated = s.gc.allocated.saturating_add(bytes);
    if s.config.gc_stress {
        s.gc.limit = 0;
    }
    s.exns.alloc(x)
}

/// Does reference `r` match canonical reference type `rt`? (`ref.test`, casts, imports)
pub fn ref_matches(s: &Store, r: &Ref, rt: RefType) -> bool {
    let h = match r {
        Ref::Null(_) => return rt.nullable,
        Ref::I31(_) => HeapType::Abs(A::I31),
        Ref::Struct(a) => HeapType::Concrete(s.structs[*a as usize].ty),
        Ref::Array(a) => HeapType::Concrete(s.arrays[*a as usize].ty),
        Ref::Func(a) => HeapType::Concrete(s.funcs[*a as usize].ty()),
        Ref::Exn(_) => HeapType::Abs(A::Exn),
        Ref::Host(_) => HeapType::Abs(A::Any),
        Ref::Extern(_) => HeapType::Abs(A::Extern),
        Ref::Cont(..) => HeapType::Abs(A::Cont),
        Ref::Stack(..) => HeapType::Abs(A::Stack),
    };
    s.rtt.heap_subtype(h, rt.heap)
}

/// The default value of a (canonical) value type (4.2.1 `default_t`).
pub fn default_val(s: &Store, t: ValType) -> Val {
    match t {
        ValType::I32 => Val::I32(0),
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        ValType::V128 => Val::V128(Box::new(0)),
        ValType::Ref(r) => Val::Ref(Ref::Null(s.rtt.bottom_of(r.heap))),
    }
}

fn default_field(s: &Store, st: StorageType) -> Val {
    match st {
        StorageType::Val(t) => default_val(s, t),
        StorageType::I8 | StorageType::I16 => Val::I32(0),
    }
}

/// Packing of a value into a field (4.2.14 `pack`).
fn pack(st: StorageType, v: Val) -> Val {
    match (st, v) {
        (StorageType::I8, Val::I32(x)) => Val::I32(x & 0xFF),
        (StorageType::I16, Val::I32(x)) => Val::I32(x & 0xFFFF),
        (_, v) => v,
    }
}

fn unpack(st: StorageType, v: Val, signed: bool) -> Val {
    match (st, v, signed) {
        (StorageType::I8, Val::I32(x), true) => Val::I32(x as i8 as i32),
        (StorageType::I16, Val::I32(x), true) => Val::I32(x as i16 as i32),
        (_, v, _) => v,
    }
}

fn storage_size(st: StorageType) -> usize {
    match st {
        StorageType::I8 => 1,
        StorageType::I16 => 2,
        StorageType::Val(ValType::I32 | ValType::F32) => 4,
        StorageType::Val(ValType::I64 | ValType::F64) => 8,
        StorageType::Val(ValType::V128) => 16,
        StorageType::Val(ValType::Ref(_)) => 8,
    }
}

/// Reads a field value from little-endian bytes (`array.new_data`, `array.init_data`).
fn read_storage(st: StorageType, b: &[u8]) -> Val {
    let mut w = [0u8; 16];
    w[..b.len()].copy_from_slice(b);
    let u = u128::from_le_bytes(w);
    match st {
        StorageType::I8 | StorageType::I16 => Val::I32(u as i32),
        StorageType::Val(ValType::I32) => Val::I32(u as u32 as i32),
        StorageType::Val(ValType::I64) => Val::I64(u as u64 as i64),
        StorageType::Val(ValType::F32) => Val::F32(u as u32),
        StorageType::Val(ValType::F64) => Val::F64(u as u64),
        StorageType::Val(_) => Val::V128(Box::new(u)),
    }
}

/// Canonical composite type of module type `x` of instance `ia`.
fn comp(s: &Store, ia: usize, x: u32) -> &CompType {
    &s.rtt.sub_type(s.modules[ia].types[x as usize]).comp
}

fn struct_fields(s: &Store, ia: usize, x: u32) -> Result<Vec<FieldType>> {
    match comp(s, ia, x) {
        CompType::Struct(fs) => Ok(fs.clone()),
        _ => Err(Error::crash("not a struct type")),
    }
}

fn array_field(s: &Store, ia: usize, x: u32) -> Result<FieldType> {
    match comp(s, ia, x) {
        CompType::Array(f) => Ok(*f),
        _ => Err(Error::crash("not an array type")),
    }
}

pub fn canon(s: &Store, ia: usize, rt: RefType) -> RefType {
    crate::types::canon_ref_type(&s.modules[ia].types, rt)
}

fn struct_addr(r: Ref) -> Result<usize> {
    match r {
        Ref::Struct(a) => Ok(a as usize),
        Ref::Null(_) => Err(trap("null structure reference")),
        _ => Err(Error::crash("not a structure")),
    }
}

fn array_addr(r: Ref) -> Result<usize> {
    match r {
        Ref::Array(a) => Ok(a as usize),
        Ref::Null(_) => Err(trap("null array reference")),
        _ => Err(Error::crash("not an array")),
    }
}

/// The function a `call_indirect` reaches (4.4.10), checked against type `t`.
fn indirect(s: &Store, ia: usize, sg: &mut Segment, x: u32, t: u32) -> Result<Addr> {
    let ta = s.modules[ia].tables[x as usize] as usize;
    let i = sg.pop_addr()?;
    let tab = &s.tables[ta];
    let r = tab
        .elems
        .get(i as usize)
        .filter(|_| i < tab.elems.len() as u64)
        .ok_or_else(|| trap("undefined element"))?;
    match r {
        Ref::Func(a) => {
            if s.rtt
                .is_subtype_def(s.funcs[*a as usize].ty(), s.modules[ia].types[t as usize])
            {
                Ok(*a)
            } else {
                Err(trap("indirect call type mismatch"))
            }
        }
        Ref::Null(_) => Err(trap(&format!("uninitialized element {i}"))),
        _ => Err(trap("indirect call type mismatch")),
    }
}

/// Binary numeric operators take two operands, the others one.
const fn binary(opcode: u32) -> bool {
    matches!(
        opcode,
        0x46..=0x4F | 0x51..=0x5A | 0x5B..=0x66 | 0x6A..=0x78 | 0x7C..=0x8A | 0x92..=0x98 | 0xA0..=0xA6
    )
}

/// The number of operands of each numeric operator, by its position in `NumOp::ALL`.
const NUM_ARITY: [u8; NumOp::ALL.len()] = {
    let mut arity = [1u8; NumOp::ALL.len()];
    let mut i = 0;
    while i < arity.len() {
        if binary(NumOp::ALL[i].opcode()) {
            arity[i] = 2;
        }
        i += 1;
    }
    arity
};

fn num_arity(op: NumOp) -> usize {
    NUM_ARITY[op as usize] as usize
}

pub(crate) fn effective(m: &MemInst, i: u64, ma: &MemArg, n: usize) -> Result<usize> {
    let ea = i
        .checked_add(ma.offset)
        .ok_or_else(|| trap("out of bounds memory access"))?;
    if !fits(ea, n as u64, m.bytes.len()) {
        return Err(trap("out of bounds memory access"));
    }
    Ok(ea as usize)
}

fn load(m: &MemInst, op: LoadOp, i: u64, ma: &MemArg) -> Result<Val> {
    let n = op.bytes() as usize;
    let ea = effective(m, i, ma, n)?;
    let mut w = [0u8; 8];
    w[..n].copy_from_slice(&m.bytes[ea..ea + n]);
    let u = u64::from_le_bytes(w);
    use LoadOp::*;
    Ok(match op {
        I32Load => Val::I32(u as u32 as i32),
        I64Load => Val::I64(u as i64),
        F32Load => Val::F32(u as u32),
        F64Load => Val::F64(u),
        I32Load8S => Val::I32(u as u8 as i8 as i32),
        I32Load8U => Val::I32(u as u8 as i32),
        I32Load16S => Val::I32(u as u16 as i16 as i32),
        I32Load16U => Val::I32(u as u16 as i32),
        I64Load8S => Val::I64(u as u8 as i8 as i64),
        I64Load8U => Val::I64(u as u8 as i64),
        I64Load16S => Val::I64(u as u16 as i16 as i64),
        I64Load16U => Val::I64(u as u16 as i64),
        I64Load32S => Val::I64(u as u32 as i32 as i64),
        I64Load32U => Val::I64(u as u32 as i64),
    })
}

fn store_bytes(m: &mut MemInst, op: StoreOp, i: u64, ma: &MemArg, v: Val) -> Result<()> {
    let n = op.bytes() as usize;
    let ea = effective(m, i, ma, n)?;
    let u: u64 = match v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        Val::F32(x) => x as u64,
        Val::F64(x) => x,
        _ => return Err(Error::crash("bad store operand")),
    };
    m.bytes[ea..ea + n].copy_from_slice(&u.to_le_bytes()[..n]);
    Ok(())
}

/// Largest memory the interpreter allocates, in pages; growing beyond fails (returns -1),
/// which the spec allows.
const MAX_PAGES: u64 = 16384;
/// Largest table the interpreter allocates.
const MAX_TABLE: u64 = 10_000_000;

pub const OUT_OF_MEMORY: &str = "out of memory";

/// The host bytes of `n` values (heap objects are counted as so many values).
pub fn val_bytes(n: u64) -> u64 {
    n.saturating_mul(std::mem::size_of::<Val>() as u64)
}

/// Bytes the evaluation contexts may hold together: the running thread and every suspended
/// continuation or stack. Beyond it a run ends in exhaustion ("call stack exhausted"): the call
/// depth budget alone does not bound frames parked in continuations, nor big frames.
pub const MAX_CONTEXT_BYTES: u64 = 1 << 30;
/// Steps between two measures of the contexts, at least.
const AUDIT_STEPS: u64 = 1 << 16;
/// Bytes of locals pushed that bring the next measure forward.
const AUDIT_BYTES: u64 = 32 << 20;

/// What a new activation of `code` adds to a segment: its frame, its body label and its
/// declared locals (the parameters move from the operand stack into the locals).
fn frame_bytes(code: &Code) -> u64 {
    use std::mem::size_of;
    (size_of::<Frame>() + size_of::<Label>()) as u64 + val_bytes(code.locals.len() as u64)
}

/// The host bytes of one segment, roughly (lengths, not capacities).
#[inline(always)]
pub fn segment_bytes(sg: &Segment) -> u64 {
    use std::mem::size_of;
    val_bytes((sg.vals.len() + sg.locals.len()) as u64)
        + (sg.frames.len() * size_of::<Frame>()) as u64
        + (sg.labels.len() * size_of::<Label>()) as u64
        + size_of::<Segment>() as u64
}

/// The bytes of all evaluation contexts of the store and of `th`, and the number of segments
/// visited (the cost of the measure). Suspended continuations and stacks are not
/// visited: the store keeps their totals (`ContStore::bytes`, `StackStore::bytes`).
fn context_bytes(s: &Store, th: &Thread) -> (u64, u64) {
    let bytes: u64 =
        th.segs.iter().map(|sg| segment_bytes(sg)).sum::<u64>() + s.conts.bytes + s.stacks.bytes;
    let items = th.segs.len() as u64;
    (bytes, items)
}

/// The host bytes of a table of `n` references.
pub fn ref_bytes(n: u64) -> u64 {
    n.saturating_mul(std::mem::size_of::<Ref>() as u64)
}

/// `memory.grow` / `table.grow`: takes `bytes` from the heap budget (collecting first if need
/// be; `extra`: the popped operands to keep alive); false when it does not fit.
fn grow_heap(s: &mut Store, th: &Thread, bytes: u64, extra: &[Val]) -> bool {
    if s.heap_bytes.saturating_add(bytes) > s.config.max_heap_bytes && s.gc.paused == 0 {
        super::gc::collect(s, th, extra);
    }
    charge_heap(s, bytes).is_ok()
}

/// The length operand on top of the stack (`array.new`), left there.
fn top_len(sg: &Segment) -> Result<u64> {
    match sg.vals.last() {
        Some(Val::I32(n)) => Ok(*n as u32 as u64),
        _ => Err(underflow()),
    }
}

/// Takes `bytes` from the heap budget (`Store::heap_bytes`, `Config::max_heap_bytes`), or fails
/// leaving it as is. (`gc::reserve` collects first when that would fail.)
pub fn charge_heap(s: &mut Store, bytes: u64) -> Result<()> {
    match s.heap_bytes.checked_add(bytes) {
        Some(total) if total <= s.config.max_heap_bytes => {
            s.heap_bytes = total;
            Ok(())
        }
        _ => Err(Error::exhaustion(OUT_OF_MEMORY)),
    }
}

// ---------------------------------------------------------------------------------------------
// The step function.

/// Performs one reduction step on the redex at the top of `th`.
///
/// The rules that only read and change the top frame and its segment (control inside a
/// function, variables, constants, numeric operators, loads and stores) are in `step_local`;
/// calls and returns are here; the others are in `step_cold`.
pub fn step(s: &mut Store, th: &mut Thread) -> Result<Rule> {
    let Some(sg) = th.segs.last_mut() else {
        return Err(Error::crash("no segment"));
    };
    let Some(mut cx) = Local::top(sg) else {
        return Err(Error::crash("no frame"));
    };
    let (at, ia, code) = (*cx.pc as usize, cx.ia, cx.code);
    let Some(instr) = code.instrs.get(at) else {
        // frame-vals: the body's end is reached.
        return ret(th);
    };
    *cx.pc += 1;
    if let Some(r) = step_local(s, &mut cx, instr, at) {
        return r;
    }
    let kind = instr_kind(instr);
    step_other(s, th, kind, ia, at)
}

/// Which of `step_other`'s ways an instruction that is not frame-local goes (read while the
/// frame is borrowed, so that `step_other` need not look the instruction up again).
#[derive(Clone, Copy)]
enum Other {
    Return,
    Call(u32),
    End,
    Design,
    Cold,
}

#[inline(always)]
fn instr_kind(instr: &Instr) -> Other {
    use Instr as I;
    match instr {
        I::Return => Other::Return,
        I::Call(x) => Other::Call(*x),
        I::End => Other::End,
        I::TypedCont(_) | I::RawStacks(_) | I::EffectHandlers(_) => Other::Design,
        _ => Other::Cold,
    }
}

/// The step of an instruction that is not frame-local (`step_local` declined it), at `at` in
/// the top frame's code (instance `ia`), the program counter already past it: calls and
/// returns here, the designs' instructions in `step_design`, the rest in `step_cold`.
#[inline(always)]
fn step_other(s: &mut Store, th: &mut Thread, kind: Other, ia: usize, at: usize) -> Result<Rule> {
    match kind {
        Other::Return => ret(th), // return
        Other::Call(x) => {
            let a = s.modules[ia].funcs[x as usize];
            call(s, th, a) // call
        }
        // A design block's end (effect-handlers `handle`) is the design's rule.
        Other::End => crate::effect_handlers::exec::end(th),
        Other::Design => step_design(s, th, at),
        Other::Cold => step_cold(s, th, at),
    }
}

/// The designs' instructions: each design's module has their rules. Not through `step_cold`,
/// whose frame is large (the arms of every other rule): these run on every switch, and each
/// design's `step` is a function of its own, so that one design's locals do not weigh on
/// another's.
#[inline(always)]
fn step_design(s: &mut Store, th: &mut Thread, pc: usize) -> Result<Rule> {
    let Some(fr) = th.segs.last().and_then(|sg| sg.frames.last()) else {
        return Err(Error::crash("no frame"));
    };
    let (code, ia, func) = (fr.code.clone(), fr.inst, fr.func);
    step_design_at(s, th, &code, pc, ia, func)
}

/// The design's instruction at `pc` in `code` (the top frame's, of function `func` of instance
/// `ia`): its design's `step`.
#[inline(always)]
fn step_design_at(
    s: &mut Store,
    th: &mut Thread,
    code: &Rc<Code>,
    pc: usize,
    ia: Addr,
    func: Addr,
) -> Result<Rule> {
    use Instr as I;
    match code.instrs.get(pc) {
        Some(I::TypedCont(i)) => crate::typed_cont::exec::step(s, th, code, pc, ia, func, i),
        Some(I::RawStacks(i)) => crate::raw_stacks::exec::step(s, th, code, pc, ia, i),
        Some(I::EffectHandlers(i)) => crate::effect_handlers::exec::step(s, th, code, pc, ia, i),
        _ => Err(Error::crash("not a design's instruction")),
    }
}

/// What a frame-local rule reads and changes: the top segment's values, locals and labels, and
/// the top frame's program counter (already past the instruction), locals cell and code.
pub struct Local<'a> {
    pub vals: &'a mut Vec<Val>,
    pub locals: &'a mut Vec<Val>,
    pub labels: &'a mut Vec<Label>,
    pub pc: &'a mut u32,
    pub shared: &'a Option<Rc<std::cell::RefCell<Vec<Val>>>>,
    pub code: &'a Code,
    /// The same code, shared: a design's rule holds on to it while it changes the thread.
    pub rc: &'a Rc<Code>,
    /// The function's address.
    pub func: Addr,
    /// The module instance's address.
    pub ia: usize,
    /// Where the frame's locals start in `locals`.
    pub lb: usize,
}

impl<'a> Local<'a> {
    /// The frame-local view of `sg`'s top frame; `None` if it has no frame.
    #[inline(always)]
    fn top(sg: &'a mut Segment) -> Option<Local<'a>> {
        let Segment {
            vals,
            locals,
            labels,
            frames,
            ..
        } = sg;
        let fr = frames.last_mut()?;
        Some(Local {
            vals,
            locals,
            labels,
            pc: &mut fr.pc,
            shared: &fr.shared,
            code: &fr.code,
            rc: &fr.code,
            func: fr.func,
            ia: fr.inst as usize,
            lb: fr.local_base as usize,
        })
    }
}

/// The run loop's inner loop when neither tracing nor counting rules nor recording: runs
/// steps, up to `limit` steps in all (`steps` counts them), until one of the checks `run`
/// makes between steps may be due. Frame-local steps (`step_local`) run over a view of the top
/// frame found once for all of them; any other step (`step_other`: a call, a return, a
/// design's instruction) runs in place, and then the view is found again, unless that step
/// made a collection or a measure of the contexts due, went over the heap budget, or ended the
/// invocation: then `run` takes over. Every step is still one rule of `step_local` or
/// `step_other`, in the same order as `step` would run them.
///
/// An error is returned with whether a non-local step raised it (only those can suspend).
fn run_local(
    s: &mut Store,
    th: &mut Thread,
    steps: &mut u64,
    limit: u64,
) -> std::result::Result<(), (Error, bool)> {
    // Counted in a local, written back on the way out.
    let mut n = *steps;
    let r = 'frames: loop {
        let Some(sg) = th.segs.last_mut() else {
            break Ok(());
        };
        let Some(mut cx) = Local::top(sg) else {
            break Ok(());
        };
        let (kind, ia, at, design) = loop {
            if n >= limit {
                break 'frames Ok(());
            }
            let at = *cx.pc as usize;
            let Some(instr) = cx.code.instrs.get(at) else {
                // frame-vals: the body's end (a return, below).
                break (Other::Return, cx.ia, at, None);
            };
            *cx.pc += 1;
            match step_local(s, &mut cx, instr, at) {
                Some(Ok(_)) => n += 1,
                Some(Err(e)) => {
                    n += 1;
                    break 'frames Err((e, false));
                }
                None => {
                    let kind = instr_kind(instr);
                    // A design's rule is handed the code and the function from here rather
                    // than finding the frame again.
                    let design = match kind {
                        Other::Design => Some((cx.rc.clone(), cx.func)),
                        _ => None,
                    };
                    break (kind, cx.ia, at, design);
                }
            }
        };
        n += 1;
        let r = match design {
            Some((code, func)) => step_design_at(s, th, &code, at, ia as Addr, func),
            None => step_other(s, th, kind, ia, at),
        };
        if let Err(e) = r {
            break Err((e, true));
        }
        if s.pending_bytes > AUDIT_BYTES
            || super::gc::due(s)
            || s.heap_bytes > s.config.max_heap_bytes
        {
            break Ok(());
        }
    };
    *steps = n;
    r
}

/// The frame-local rules: one arm each. `None`: `instr` (at `at`) is not one of them, and
/// nothing has changed.
#[inline(always)]
fn step_local(s: &mut Store, cx: &mut Local<'_>, instr: &Instr, at: usize) -> Option<Result<Rule>> {
    let Local {
        vals,
        locals,
        labels,
        pc,
        shared,
        code,
        ia,
        lb,
        ..
    } = cx;
    let (ia, lb) = (*ia, *lb);
    use Instr as I;
    Some(Ok(match instr {
        // ----- Control (4.4.8)
        I::Unreachable => return Some(Err(trap("unreachable"))), // unreachable
        I::Nop => "nop",                                         // nop
        I::Block(_) => {
            // block: enter a label whose continuation is after the `end`.
            let sd = code.side[at];
            labels.push(Label {
                arity: sd.results,
                cont: sd.end + 1,
                height: vals.len() as u32 - sd.params,
                kind: LabelKind::Block,
            });
            "block"
        }
        I::Loop(_) => {
            // loop: the label's continuation is the loop itself (its params are the arity).
            let sd = code.side[at];
            labels.push(Label {
                arity: sd.params,
                cont: at as u32 + 1,
                height: vals.len() as u32 - sd.params,
                kind: LabelKind::Loop,
            });
            "loop"
        }
        I::If(_) => {
            let c = match pop_i32(vals) {
                Ok(c) => c,
                Err(e) => return Some(Err(e)),
            };
            let sd = code.side[at];
            labels.push(Label {
                arity: sd.results,
                cont: sd.end + 1,
                height: vals.len() as u32 - sd.params,
                kind: LabelKind::Block,
            });
            if c != 0 {
                "if-true" // if-true: the then-branch as a block
            } else {
                **pc = sd.next;
                "if-false" // if-false: the else-branch (or the empty one) as a block
            }
        }
        I::Else => {
            // label-vals: the then-branch ends; leave the `if` block.
            labels.pop();
            **pc = code.side[at].end + 1;
            "label-vals"
        }
        I::End => {
            if let Some(Label {
                kind: LabelKind::Design(_),
                ..
            }) = labels.last()
            {
                return None; // the design's rule (`step`)
            }
            // label-vals: leaving a block normally keeps its results.
            labels.pop();
            "label-vals"
        }
        I::Br(l) => {
            if let Err(e) = branch(vals, labels, pc, *l) {
                return Some(Err(e));
            }
            "br"
        }
        I::BrIf(l) => match pop_i32(vals) {
            Ok(0) => "br_if-false",
            Ok(_) => {
                if let Err(e) = branch(vals, labels, pc, *l) {
                    return Some(Err(e));
                }
                "br_if-true"
            }
            Err(e) => return Some(Err(e)),
        },
        I::BrTable(ls, d) => {
            let r = pop_i32(vals)
                .and_then(|i| branch(vals, labels, pc, *ls.get(i as u32 as usize).unwrap_or(d)));
            if let Err(e) = r {
                return Some(Err(e));
            }
            "br_table"
        }

        // ----- Parametric (4.4.4)
        I::Drop => {
            if let Err(e) = pop(vals) {
                return Some(Err(e));
            }
            "drop"
        }
        I::Select(_) => {
            let (c, v2, v1) = match (pop_i32(vals), pop(vals), pop(vals)) {
                (Ok(c), Ok(v2), Ok(v1)) => (c, v2, v1),
                _ => return Some(Err(underflow())),
            };
            vals.push(if c != 0 { v1 } else { v2 });
            if c != 0 {
                "select-true"
            } else {
                "select-false"
            }
        }

        // ----- Variable (4.4.5)
        I::LocalGet(x) => {
            let v = match shared {
                Some(c) => dup(&c.borrow()[*x as usize]),
                None => dup(&locals[lb + *x as usize]),
            };
            vals.push(v);
            "local.get"
        }
        I::LocalSet(x) | I::LocalTee(x) => {
            // Copied, then dropped from the stack (see `thread::pop_i32` for why not moved).
            let v = match vals.last() {
                Some(v) => dup(v),
                None => return Some(Err(underflow())),
            };
            let tee = matches!(instr, I::LocalTee(_));
            if !tee {
                vals.pop();
            }
            match shared {
                Some(c) => c.borrow_mut()[*x as usize] = v,
                None => locals[lb + *x as usize] = v,
            }
            if tee {
                "local.tee"
            } else {
                "local.set"
            }
        }
        I::GlobalGet(x) => {
            let a = s.modules[ia].globals[*x as usize];
            vals.push(dup(&s.globals[a as usize].val));
            "global.get"
        }
        I::GlobalSet(x) => {
            let a = s.modules[ia].globals[*x as usize];
            let v = match vals.last() {
                Some(v) => dup(v),
                None => return Some(Err(underflow())),
            };
            vals.pop();
            s.globals[a as usize].val = v;
            "global.set"
        }

        // ----- Memory (4.4.7)
        I::Load(op, ma) => {
            let m = &s.mems[s.modules[ia].mems[ma.mem as usize] as usize];
            match pop_addr(vals).and_then(|i| load(m, *op, i, ma)) {
                Ok(v) => vals.push(v),
                Err(e) => return Some(Err(e)),
            }
            op.name()
        }
        I::Store(op, ma) => {
            let m = &mut s.mems[s.modules[ia].mems[ma.mem as usize] as usize];
            let r = pop(vals).and_then(|v| {
                let i = pop_addr(vals)?;
                store_bytes(m, *op, i, ma, v)
            });
            if let Err(e) = r {
                return Some(Err(e));
            }
            op.name()
        }

        // ----- Numeric (4.4.1)
        I::I32Const(x) => {
            vals.push(Val::I32(*x));
            "i32.const"
        }
        I::I64Const(x) => {
            vals.push(Val::I64(*x));
            "i64.const"
        }
        I::F32Const(x) => {
            vals.push(Val::F32(*x));
            "f32.const"
        }
        I::F64Const(x) => {
            vals.push(Val::F64(*x));
            "f64.const"
        }
        I::Num(op) => {
            // unop / binop / testop / relop / cvtop: the operator's result, or its trap.
            let op = *op;
            let n = num_arity(op);
            let len = vals.len();
            if len < n {
                return Some(Err(underflow()));
            }
            let v = match super::numeric::eval_inline(op, &vals[len - n..]) {
                Ok(v) => v,
                Err(m) => return Some(Err(trap(m))),
            };
            // The result takes the first operand's place.
            if n == 2 {
                vals.pop();
            }
            if let Some(top) = vals.last_mut() {
                *top = v;
            }
            op.name()
        }

        _ => return None,
    }))
}

/// A copy of `v`: numbers and plain references are copied in place (the derived `clone` is
/// an out-of-line call).
#[inline(always)]
fn dup(v: &Val) -> Val {
    match v {
        Val::I32(x) => Val::I32(*x),
        Val::I64(x) => Val::I64(*x),
        Val::F32(x) => Val::F32(*x),
        Val::F64(x) => Val::F64(*x),
        Val::Ref(r) => Val::Ref(match r {
            Ref::Null(t) => Ref::Null(*t),
            Ref::Func(a) => Ref::Func(*a),
            Ref::Struct(a) => Ref::Struct(*a),
            Ref::Array(a) => Ref::Array(*a),
            Ref::Cont(a, g) => Ref::Cont(*a, *g),
            Ref::Stack(a, g) => Ref::Stack(*a, *g),
            _ => r.clone(),
        }),
        _ => v.clone(),
    }
}

/// The less frequent instructions: `step` hands them over, the program counter already past the
/// instruction at `pc`. (Split off so that the frequent rules run in a small function whose
/// locals fit in registers; every instruction still has exactly one arm, here or in `step`.)
#[inline(never)]
fn step_cold(s: &mut Store, th: &mut Thread, pc: usize) -> Result<Rule> {
    let sg = th.top()?;
    let fr = sg.frame()?;
    let code = fr.code.clone();
    let ia = fr.inst as usize;
    let Some(instr) = code.instrs.get(pc) else {
        return Err(Error::crash("no instruction"));
    };
    use Instr as I;
    Ok(match instr {
        // ----- Control (4.4.8)
        I::BrOnNull(l) => {
            let r = sg.pop_ref()?;
            if let Ref::Null(_) = r {
                sg.branch(*l)?;
                "br_on_null-null"
            } else {
                sg.vals.push(Val::Ref(r));
                "br_on_null-addr"
            }
        }
        I::BrOnNonNull(l) => {
            let r = sg.pop_ref()?;
            if let Ref::Null(_) = r {
                "br_on_non_null-null"
            } else {
                sg.vals.push(Val::Ref(r));
                sg.branch(*l)?;
                "br_on_non_null-addr"
            }
        }
        I::BrOnCast(l, _, rt) | I::BrOnCastFail(l, _, rt) => {
            let r = sg.pop_ref()?;
            let rt = canon(s, ia, *rt);
            let hit = ref_matches(s, &r, rt);
            sg.vals.push(Val::Ref(r));
            let fail = matches!(instr, I::BrOnCastFail(..));
            if hit != fail {
                sg.branch(*l)?;
                if fail {
                    "br_on_cast_fail-fail"
                } else {
                    "br_on_cast-succeed"
                }
            } else if fail {
                "br_on_cast_fail-succeed"
            } else {
                "br_on_cast-fail"
            }
        }
        I::CallIndirect(x, t) => {
            let a = indirect(s, ia, sg, *x, *t)?;
            call(s, th, a)?;
            "call_indirect"
        }
        I::CallRef(_) => match sg.pop_ref()? {
            Ref::Func(a) => {
                call(s, th, a)?;
                "call_ref"
            }
            _ => return Err(trap("null function reference")),
        },
        I::ReturnCall(x) => {
            let a = s.modules[ia].funcs[*x as usize];
            return tail_call(s, th, a); // return_call
        }
        I::ReturnCallIndirect(x, t) => {
            let a = indirect(s, ia, sg, *x, *t)?;
            tail_call(s, th, a)?;
            "return_call_indirect"
        }
        I::ReturnCallRef(_) => match sg.pop_ref()? {
            Ref::Func(a) => {
                tail_call(s, th, a)?;
                "return_call_ref"
            }
            _ => return Err(trap("null function reference")),
        },
        I::Throw(x) => {
            // throw: allocate the exception, then throw_ref.
            let tag = s.modules[ia].tags[*x as usize];
            let n = s.tags[tag as usize].params;
            let fields = sg.pop_n(n)?;
            let e = alloc_exn(s, tag, fields);
            return throw(s, th, e);
        }
        I::ThrowRef => match sg.pop_ref()? {
            Ref::Exn(e) => return throw(s, th, e), // throw_ref
            _ => return Err(trap("null exception reference")),
        },
        I::TryTable(..) => {
            // try_table: a block whose label also handles exceptions.
            let sd = code.side[pc];
            let height = sg.vals.len() as u32 - sd.params;
            sg.labels.push(Label {
                arity: sd.results,
                cont: sd.end + 1,
                height,
                kind: LabelKind::Try(pc as u32),
            });
            "try_table"
        }

        // ----- Table (4.4.6)
        I::TableGet(x) => {
            let t = &s.tables[s.modules[ia].tables[*x as usize] as usize];
            let i = sg.pop_addr()?;
            if i >= t.elems.len() as u64 {
                return Err(trap("out of bounds table access"));
            }
            sg.vals.push(Val::Ref(t.elems[i as usize].clone()));
            "table.get"
        }
        I::TableSet(x) => {
            let t = &mut s.tables[s.modules[ia].tables[*x as usize] as usize];
            let r = sg.pop_ref()?;
            let i = sg.pop_addr()?;
            if i >= t.elems.len() as u64 {
                return Err(trap("out of bounds table access"));
            }
            t.elems[i as usize] = r;
            "table.set"
        }
        I::TableSize(x) => {
            let t = &s.tables[s.modules[ia].tables[*x as usize] as usize];
            sg.vals.push(addr_val(t.addr, t.elems.len() as u64));
            "table.size"
        }
        I::TableGrow(x) => {
            let ta = s.modules[ia].tables[*x as usize] as usize;
            let n = sg.pop_addr()?;
            let r = sg.pop_ref()?;
            let t = &s.tables[ta];
            let old = t.elems.len() as u64;
            let limit = t.max.unwrap_or(match t.addr {
                AddrType::I32 => u32::MAX as u64,
                AddrType::I64 => u64::MAX,
            });
            let at = t.addr;
            match old.checked_add(n) {
                Some(new)
                    if new <= limit
                        && new <= MAX_TABLE
                        && grow_heap(s, th, ref_bytes(n), &[Val::Ref(r.clone())]) =>
                {
                    s.tables[ta].elems.resize(new as usize, r);
                    th.top()?.vals.push(addr_val(at, old));
                    "table.grow"
                }
                _ => {
                    th.top()?.vals.push(addr_val(at, u64::MAX));
                    "table.grow-fail"
                }
            }
        }
        I::TableFill(x) => {
            let t = &mut s.tables[s.modules[ia].tables[*x as usize] as usize];
            let n = sg.pop_addr()?;
            let r = sg.pop_ref()?;
            let i = sg.pop_addr()?;
            if !fits(i, n, t.elems.len()) {
                return Err(trap("out of bounds table access"));
            }
            t.elems[i as usize..(i + n) as usize].fill(r);
            "table.fill"
        }
        I::TableCopy(x, y) => {
            let (ta, tb) = (
                s.modules[ia].tables[*x as usize] as usize,
                s.modules[ia].tables[*y as usize] as usize,
            );
            let n = sg.pop_addr()?;
            let i = sg.pop_addr()?;
            let d = sg.pop_addr()?;
            if !fits(d, n, s.tables[ta].elems.len()) || !fits(i, n, s.tables[tb].elems.len()) {
                return Err(trap("out of bounds table access"));
            }
            let (d, i, n) = (d as usize, i as usize, n as usize);
            if ta == tb {
                s.tables[ta].elems.copy_within_clone(i, d, n);
            } else {
                let src: Vec<Ref> = s.tables[tb].elems[i..i + n].to_vec();
                s.tables[ta].elems[d..d + n].clone_from_slice(&src);
            }
            "table.copy"
        }
        I::TableInit(x, y) => {
            let ta = s.modules[ia].tables[*x as usize] as usize;
            let ea = s.modules[ia].elems[*y as usize] as usize;
            let n = sg.pop_addr()?;
            let i = sg.pop_addr()?;
            let d = sg.pop_addr()?;
            if !fits(d, n, s.tables[ta].elems.len()) || !fits(i, n, s.elems[ea].elems.len()) {
                return Err(trap("out of bounds table access"));
            }
            let (d, i, n) = (d as usize, i as usize, n as usize);
            let src: Vec<Ref> = s.elems[ea].elems[i..i + n].to_vec();
            s.tables[ta].elems[d..d + n].clone_from_slice(&src);
            "table.init"
        }
        I::ElemDrop(x) => {
            let ea = s.modules[ia].elems[*x as usize] as usize;
            s.elems[ea].elems = Vec::new();
            "elem.drop"
        }

        // ----- Memory (4.4.7)
        I::MemorySize(x) => {
            let m = &s.mems[s.modules[ia].mems[*x as usize] as usize];
            sg.vals.push(addr_val(m.addr, m.pages()));
            "memory.size"
        }
        I::MemoryGrow(x) => {
            let ma = s.modules[ia].mems[*x as usize] as usize;
            let n = sg.pop_addr()?;
            let m = &s.mems[ma];
            let old = m.pages();
            let limit = m.max.unwrap_or(match m.addr {
                AddrType::I32 => 65536,
                AddrType::I64 => 1 << 48,
            });
            match old.checked_add(n) {
                Some(new)
                    if new <= limit
                        && new <= MAX_PAGES
                        && grow_heap(s, th, n.saturating_mul(PAGE_SIZE as u64), &[]) =>
                {
                    // A fresh zeroed allocation stays untouched (and unresident) past the copy.
                    let m = &mut s.mems[ma];
                    let mut bytes = vec![0u8; new as usize * PAGE_SIZE];
                    bytes[..m.bytes.len()].copy_from_slice(&m.bytes);
                    m.bytes = bytes;
                    th.top()?.vals.push(addr_val(m.addr, old));
                    "memory.grow"
                }
                _ => {
                    th.top()?.vals.push(addr_val(s.mems[ma].addr, u64::MAX));
                    "memory.grow-fail"
                }
            }
        }
        I::MemoryFill(x) => {
            let m = &mut s.mems[s.modules[ia].mems[*x as usize] as usize];
            let n = sg.pop_addr()?;
            let v = sg.pop_i32()?;
            let d = sg.pop_addr()?;
            if !fits(d, n, m.bytes.len()) {
                return Err(trap("out of bounds memory access"));
            }
            m.bytes[d as usize..(d + n) as usize].fill(v as u8);
            "memory.fill"
        }
        I::MemoryCopy(x, y) => {
            let (ma, mb) = (
                s.modules[ia].mems[*x as usize] as usize,
                s.modules[ia].mems[*y as usize] as usize,
            );
            let n = sg.pop_addr()?;
            let i = sg.pop_addr()?;
            let d = sg.pop_addr()?;
            if !fits(d, n, s.mems[ma].bytes.len()) || !fits(i, n, s.mems[mb].bytes.len()) {
                return Err(trap("out of bounds memory access"));
            }
            let (d, i, n) = (d as usize, i as usize, n as usize);
            if ma == mb {
                s.mems[ma].bytes.copy_within(i..i + n, d);
            } else {
                let src = s.mems[mb].bytes[i..i + n].to_vec();
                s.mems[ma].bytes[d..d + n].copy_from_slice(&src);
            }
            "memory.copy"
        }
        I::MemoryInit(x, y) => {
            let ma = s.modules[ia].mems[*x as usize] as usize;
            let da = s.modules[ia].datas[*y as usize] as usize;
            let n = sg.pop_addr()?;
            let i = sg.pop_addr()?;
            let d = sg.pop_addr()?;
            if !fits(d, n, s.mems[ma].bytes.len()) || !fits(i, n, s.datas[da].bytes.len()) {
                return Err(trap("out of bounds memory access"));
            }
            let (d, i, n) = (d as usize, i as usize, n as usize);
            let (mems, datas) = (&mut s.mems, &s.datas);
            mems[ma].bytes[d..d + n].copy_from_slice(&datas[da].bytes[i..i + n]);
            "memory.init"
        }
        I::DataDrop(x) => {
            let da = s.modules[ia].datas[*x as usize] as usize;
            s.datas[da].bytes = Vec::new();
            "data.drop"
        }

        // ----- Reference (4.4.2)
        I::RefNull(ht) => {
            let h = canon(s, ia, RefType::new(true, *ht)).heap;
            sg.vals.push(Val::Ref(Ref::Null(s.rtt.bottom_of(h))));
            "ref.null"
        }
        I::RefIsNull => {
            let r = sg.pop_ref()?;
            sg.vals.push(Val::I32(matches!(r, Ref::Null(_)) as i32));
            "ref.is_null"
        }
        I::RefAsNonNull => {
            let r = sg.pop_ref()?;
            if let Ref::Null(_) = r {
                return Err(trap("null reference"));
            }
            sg.vals.push(Val::Ref(r));
            "ref.as_non_null"
        }
        I::RefFunc(x) => {
            sg.vals
                .push(Val::Ref(Ref::Func(s.modules[ia].funcs[*x as usize])));
            "ref.func"
        }
        I::RefEq => {
            let r2 = sg.pop_ref()?;
            let r1 = sg.pop_ref()?;
            let eq = match (&r1, &r2) {
                (Ref::Null(_), Ref::Null(_)) => true,
                _ => r1 == r2,
            };
            sg.vals.push(Val::I32(eq as i32));
            "ref.eq"
        }
        I::RefTest(rt) => {
            let r = sg.pop_ref()?;
            let ok = ref_matches(s, &r, canon(s, ia, *rt));
            sg.vals.push(Val::I32(ok as i32));
            "ref.test"
        }
        I::RefCast(rt) => {
            let r = sg.pop_ref()?;
            if !ref_matches(s, &r, canon(s, ia, *rt)) {
                return Err(trap("cast failure"));
            }
            sg.vals.push(Val::Ref(r));
            "ref.cast"
        }
        I::RefI31 => {
            let x = sg.pop_i32()?;
            sg.vals.push(Val::Ref(Ref::I31(x & 0x7FFF_FFFF)));
            "ref.i31"
        }
        I::I31GetS | I::I31GetU => match sg.pop_ref()? {
            Ref::I31(x) => {
                let signed = matches!(instr, I::I31GetS);
                sg.vals
                    .push(Val::I32(if signed { (x << 1) >> 1 } else { x }));
                "i31.get"
            }
            _ => return Err(trap("null i31 reference")),
        },

        // ----- Aggregate (4.4.3)
        I::StructNew(x) | I::StructNewDefault(x) => {
            let fs = struct_fields(s, ia, *x)?;
            // Charged (and collected for) before the operands leave the stack.
            super::gc::reserve(s, th, val_bytes(fs.len() as u64 + 2), &[])?;
            let sg = th.top()?;
            let fields: Vec<Val> = if matches!(instr, I::StructNew(_)) {
                let vs = sg.pop_n(fs.len())?;
                vs.into_iter()
                    .zip(&fs)
                    .map(|(v, f)| pack(f.storage, v))
                    .collect()
            } else {
                fs.iter().map(|f| default_field(s, f.storage)).collect()
            };
            let ty = s.modules[ia].types[*x as usize];
            let a = s.structs.alloc(StructInst { ty, fields });
            sg.vals.push(Val::Ref(Ref::Struct(a)));
            "struct.new"
        }
        I::StructGet(x, y) | I::StructGetS(x, y) | I::StructGetU(x, y) => {
            let st = struct_fields(s, ia, *x)?[*y as usize].storage;
            let a = struct_addr(sg.pop_ref()?)?;
            let v = s.structs[a].fields[*y as usize].clone();
            sg.vals
                .push(unpack(st, v, matches!(instr, I::StructGetS(..))));
            "struct.get"
        }
        I::StructSet(x, y) => {
            let st = struct_fields(s, ia, *x)?[*y as usize].storage;
            let v = sg.pop()?;
            let a = struct_addr(sg.pop_ref()?)?;
            s.structs[a].fields[*y as usize] = pack(st, v);
            "struct.set"
        }
        I::ArrayNew(x) | I::ArrayNewDefault(x) => {
            let f = array_field(s, ia, *x)?;
            // Charged before allocating (a huge length must not reach the host allocator) and
            // before the operands leave the stack.
            let n = top_len(sg)?;
            super::gc::reserve(s, th, val_bytes(n + 2), &[])?;
            let sg = th.top()?;
            sg.pop_i32()?;
            let v = if matches!(instr, I::ArrayNew(_)) {
                pack(f.storage, sg.pop()?)
            } else {
                default_field(s, f.storage)
            };
            let ty = s.modules[ia].types[*x as usize];
            let a = s.arrays.alloc(ArrayInst {
                ty,
                elems: vec![v; n as usize],
            });
            sg.vals.push(Val::Ref(Ref::Array(a)));
            "array.new"
        }
        I::ArrayNewFixed(x, n) => {
            let f = array_field(s, ia, *x)?;
            super::gc::reserve(s, th, val_bytes(*n as u64 + 2), &[])?;
            let sg = th.top()?;
            let elems = sg
                .pop_n(*n as usize)?
                .into_iter()
                .map(|v| pack(f.storage, v))
                .collect();
            let ty = s.modules[ia].types[*x as usize];
            let a = s.arrays.alloc(ArrayInst { ty, elems });
            sg.vals.push(Val::Ref(Ref::Array(a)));
            "array.new_fixed"
        }
        I::ArrayNewData(x, y) => {
            let f = array_field(s, ia, *x)?;
            let da = s.modules[ia].datas[*y as usize] as usize;
            let n = sg.pop_i32()? as u32 as u64;
            let i = sg.pop_i32()? as u32 as u64;
            let z = storage_size(f.storage) as u64;
            if !fits(i, n * z, s.datas[da].bytes.len()) {
                return Err(trap("out of bounds memory access"));
            }
            // The operands are numbers: nothing to keep alive while collecting.
            super::gc::reserve(s, th, val_bytes(n + 2), &[])?;
            let bytes = &s.datas[da].bytes;
            let elems = (0..n)
                .map(|k| {
                    read_storage(
                        f.storage,
                        &bytes[(i + k * z) as usize..(i + (k + 1) * z) as usize],
                    )
                })
                .collect();
            let ty = s.modules[ia].types[*x as usize];
            let a = s.arrays.alloc(ArrayInst { ty, elems });
            th.top()?.vals.push(Val::Ref(Ref::Array(a)));
            "array.new_data"
        }
        I::ArrayNewElem(x, y) => {
            let ea = s.modules[ia].elems[*y as usize] as usize;
            let n = sg.pop_i32()? as u32 as u64;
            let i = sg.pop_i32()? as u32 as u64;
            if !fits(i, n, s.elems[ea].elems.len()) {
                return Err(trap("out of bounds table access"));
            }
            // The operands are numbers; the elements are roots.
            super::gc::reserve(s, th, val_bytes(n + 2), &[])?;
            let elems = s.elems[ea].elems[i as usize..(i + n) as usize]
                .iter()
                .cloned()
                .map(Val::Ref)
                .collect();
            let ty = s.modules[ia].types[*x as usize];
            let a = s.arrays.alloc(ArrayInst { ty, elems });
            th.top()?.vals.push(Val::Ref(Ref::Array(a)));
            "array.new_elem"
        }
        I::ArrayGet(x) | I::ArrayGetS(x) | I::ArrayGetU(x) => {
            let f = array_field(s, ia, *x)?;
            let i = sg.pop_i32()? as u32 as usize;
            let a = array_addr(sg.pop_ref()?)?;
            let v = s.arrays[a]
                .elems
                .get(i)
                .cloned()
                .ok_or_else(|| trap("out of bounds array access"))?;
            sg.vals
                .push(unpack(f.storage, v, matches!(instr, I::ArrayGetS(_))));
            "array.get"
        }
        I::ArraySet(x) => {
            let f = array_field(s, ia, *x)?;
            let v = sg.pop()?;
            let i = sg.pop_i32()? as u32 as usize;
            let a = array_addr(sg.pop_ref()?)?;
            let slot = s.arrays[a]
                .elems
                .get_mut(i)
                .ok_or_else(|| trap("out of bounds array access"))?;
            *slot = pack(f.storage, v);
            "array.set"
        }
        I::ArrayLen => {
            let a = array_addr(sg.pop_ref()?)?;
            sg.vals.push(Val::I32(s.arrays[a].elems.len() as i32));
            "array.len"
        }
        I::ArrayFill(x) => {
            let f = array_field(s, ia, *x)?;
            let n = sg.pop_i32()? as u32 as u64;
            let v = pack(f.storage, sg.pop()?);
            let d = sg.pop_i32()? as u32 as u64;
            let a = array_addr(sg.pop_ref()?)?;
            let arr = &mut s.arrays[a].elems;
            if !fits(d, n, arr.len()) {
                return Err(trap("out of bounds array access"));
            }
            arr[d as usize..(d + n) as usize].fill(v);
            "array.fill"
        }
        I::ArrayCopy(_, _) => {
            let n = sg.pop_i32()? as u32 as u64;
            let i = sg.pop_i32()? as u32 as u64;
            let src = array_addr(sg.pop_ref()?)?;
            let d = sg.pop_i32()? as u32 as u64;
            let dst = array_addr(sg.pop_ref()?)?;
            if !fits(d, n, s.arrays[dst].elems.len()) || !fits(i, n, s.arrays[src].elems.len()) {
                return Err(trap("out of bounds array access"));
            }
            let (d, i, n) = (d as usize, i as usize, n as usize);
            if src == dst {
                s.arrays[dst].elems.copy_within_clone(i, d, n);
            } else {
                let vs: Vec<Val> = s.arrays[src].elems[i..i + n].to_vec();
                s.arrays[dst].elems[d..d + n].clone_from_slice(&vs);
            }
            "array.copy"
        }
        I::ArrayInitData(x, y) => {
            let f = array_field(s, ia, *x)?;
            let da = s.modules[ia].datas[*y as usize] as usize;
            let n = sg.pop_i32()? as u32 as u64;
            let i = sg.pop_i32()? as u32 as u64;
            let d = sg.pop_i32()? as u32 as u64;
            let a = array_addr(sg.pop_ref()?)?;
            if !fits(d, n, s.arrays[a].elems.len()) {
                return Err(trap("out of bounds array access"));
            }
            let z = storage_size(f.storage) as u64;
            if !fits(i, n * z, s.datas[da].bytes.len()) {
                return Err(trap("out of bounds memory access"));
            }
            for k in 0..n {
                let b = &s.datas[da].bytes[(i + k * z) as usize..(i + (k + 1) * z) as usize];
                s.arrays[a].elems[(d + k) as usize] = read_storage(f.storage, b);
            }
            "array.init_data"
        }
        I::ArrayInitElem(_, y) => {
            let ea = s.modules[ia].elems[*y as usize] as usize;
            let n = sg.pop_i32()? as u32 as u64;
            let i = sg.pop_i32()? as u32 as u64;
            let d = sg.pop_i32()? as u32 as u64;
            let a = array_addr(sg.pop_ref()?)?;
            if !fits(d, n, s.arrays[a].elems.len()) {
                return Err(trap("out of bounds array access"));
            }
            if !fits(i, n, s.elems[ea].elems.len()) {
                return Err(trap("out of bounds table access"));
            }
            for k in 0..n as usize {
                let r = s.elems[ea].elems[i as usize + k].clone();
                s.arrays[a].elems[d as usize + k] = Val::Ref(r);
            }
            "array.init_elem"
        }
        I::AnyConvertExtern => {
            let r = match sg.pop_ref()? {
                Ref::Null(_) => Ref::Null(A::None),
                Ref::Extern(r) => *r,
                r => r,
            };
            sg.vals.push(Val::Ref(r));
            "any.convert_extern"
        }
        I::ExternConvertAny => {
            let r = match sg.pop_ref()? {
                Ref::Null(_) => Ref::Null(A::NoExtern),
                r => Ref::Extern(Box::new(r)),
            };
            sg.vals.push(Val::Ref(r));
            "extern.convert_any"
        }

        // ----- Numeric (4.4.1)
        I::Simd(i) => crate::simd::exec::step(s, sg, ia, i)?,

        // Handled by `step` (calls, returns, the designs' instructions).
        _ => return Err(Error::crash("instruction handled by step")),
    })
}

/// `copy_within` for vectors of non-`Copy` values.
trait CopyWithinClone {
    fn copy_within_clone(&mut self, src: usize, dst: usize, n: usize);
}

impl<T: Clone> CopyWithinClone for Vec<T> {
    fn copy_within_clone(&mut self, src: usize, dst: usize, n: usize) {
        let tmp: Vec<T> = self[src..src + n].to_vec();
        self[dst..dst + n].clone_from_slice(&tmp);
    }
}
