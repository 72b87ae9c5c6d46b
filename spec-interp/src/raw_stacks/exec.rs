//! raw-stacks reduction rules over the core configuration (`exec::thread`),
//! `proposals/raw-stacks/README.md` §4-§6.
//!
//! The running stack of each host activation is one segment of the thread: the top segment is
//! the running stack of the current activation, the ones below are those of activations blocked
//! in a host function (`spectest.call_ref`). A fresh or suspended stack is a segment parked in
//! a slot of `StackStore`. A switch parks the running segment in a slot and moves the target's
//! segment onto the thread: a constant number of moves, no search. `stack.switch`, the one
//! that runs in loops, does it in place (`StackStore::exchange`): the target's slot takes the
//! running segment, the values move straight from one value stack to the other, nothing is
//! allocated or dropped. Its helpers are `#[inline(always)]`: `step` is one big match, and
//! left to itself the compiler calls them, with their `Result`s passed through memory.
//!
//! A segment's prompt says what kind of stack it is: `Root` (the root of the outermost host
//! activation), `Host` (the root of a nested one), `Stack` (not a root; the core rules trap when
//! it returns or an exception reaches its bottom).
//!
//! Legend: `s` store, `th` thread, `sg` segment, `st` stack instance, `r` reference,
//! `a` slot address, `g` generation, `ia` module instance of the running code, `x`/`y` type
//! indices, `e` tag index or exception address, `n` value count, `vs` values.

use std::rc::Rc;

use super::Instr;
use crate::diag::{Error, Result};
use crate::exec::code::Code;
use crate::exec::step::{alloc_exn, call, segment_bytes, throw, Rule};
use crate::exec::thread::{move_top, Prompt, Segment, Thread};
use crate::exec::Store;
use crate::runtime::{Addr, Ref, Val};
use crate::syntax::{AbsHeapType, TypeIdx};

/// A host activation: the thread it runs on and the index of its segment there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Activation {
    pub thread: u64,
    pub level: usize,
}

/// A stack that is not running.
#[derive(Debug)]
pub struct StackInst {
    /// Its evaluation context; for a fresh stack an empty segment that collects the values of
    /// `stack.bind`.
    pub seg: Box<Segment>,
    /// A fresh stack: the function the first switch calls.
    pub start: Option<Addr>,
    /// A root stack: the activation it belongs to.
    pub root: Option<Activation>,
}

/// A slot; the generation counts uses, so every copy of a used reference is stale.
#[derive(Debug, Default)]
pub struct StackSlot {
    pub gen: u32,
    pub stack: Option<StackInst>,
}

/// The fresh and suspended stacks of the store.
#[derive(Debug, Default)]
pub struct StackStore {
    pub slots: Vec<StackSlot>,
    pub free: Vec<Addr>,
    /// Occupied slots (fresh and suspended stacks), counted against `Config::max_live_conts`.
    pub live: usize,
    /// The host bytes of the stored stacks' segments (`step::segment_bytes`), kept up to date
    /// as they are stored, taken and exchanged, so that measuring every evaluation context
    /// (`step::run`'s audit) does not visit every slot (as `ContStore::bytes`). A stored
    /// stack's segment changes only in `exchange`, which counts it again.
    pub bytes: u64,
}

impl StackStore {
    fn alloc(&mut self, st: StackInst) -> Ref {
        self.live += 1;
        self.bytes += segment_bytes(&st.seg);
        match self.free.pop() {
            Some(a) => {
                let slot = &mut self.slots[a as usize];
                slot.stack = Some(st);
                Ref::Stack(a, slot.gen)
            }
            None => {
                self.slots.push(StackSlot {
                    gen: 0,
                    stack: Some(st),
                });
                Ref::Stack(self.slots.len() as Addr - 1, 0)
            }
        }
    }

    /// The stack `Ref::Stack(a, g)` refers to, if that reference is still valid.
    fn get(&self, a: Addr, g: u32) -> Option<&StackInst> {
        self.slots
            .get(a as usize)
            .filter(|slot| slot.gen == g)
            .and_then(|slot| slot.stack.as_ref())
    }

    /// Uses the reference up: the stack leaves its slot and every copy of the reference dies.
    fn take(&mut self, a: Addr) -> Result<StackInst> {
        let slot = &mut self.slots[a as usize];
        let st = slot
            .stack
            .take()
            .ok_or_else(|| Error::crash("stack slot empty"))?;
        slot.gen = slot.gen.wrapping_add(1);
        // A slot whose generation would wrap is retired (see `ContStore::take`).
        if slot.gen != u32::MAX {
            self.free.push(a);
        }
        self.live -= 1;
        self.bytes -= segment_bytes(&st.seg);
        Ok(st)
    }

    /// Empties slot `a` (an unreachable stack, for the collector) as `take` does; false if it
    /// was empty already.
    pub fn collect(&mut self, a: Addr) -> bool {
        self.slots[a as usize].stack.is_some() && self.take(a).is_ok()
    }

    /// `take(a)`, the top `n` values of the running segment `sg` moved after the target's
    /// bound values, and then `alloc` of the running stack, done in place: `sg` and the
    /// segment of the stack in slot `a` trade places, so `sg` becomes the target's and the slot
    /// holds the suspended stack (with `root`). `take` would put the slot on the free list and
    /// `alloc` take it back at once, so the slot is the same and only its generation moves on;
    /// a slot whose generation would wrap is retired as `take` does, and the stack goes where
    /// `alloc` puts it. Returns the suspended stack's reference and the target's start
    /// function. Nothing is allocated, nothing dropped.
    fn exchange(
        &mut self,
        a: Addr,
        sg: &mut Box<Segment>,
        n: usize,
        root: Option<Activation>,
    ) -> Result<(Ref, Option<Addr>)> {
        let slot = &mut self.slots[a as usize];
        let st = slot
            .stack
            .as_mut()
            .ok_or_else(|| Error::crash("stack slot empty"))?;
        let out = segment_bytes(&st.seg);
        move_top(&mut sg.vals, &mut st.seg.vals, n)?;
        std::mem::swap(&mut st.seg, sg);
        let start = st.start.take();
        st.root = root;
        self.bytes -= out;
        slot.gen = slot.gen.wrapping_add(1);
        if slot.gen != u32::MAX {
            self.bytes += segment_bytes(&st.seg);
            return Ok((Ref::Stack(a, slot.gen), start));
        }
        match slot.stack.take() {
            Some(st) => {
                self.live -= 1;
                Ok((self.alloc(st), start))
            }
            None => Err(Error::crash("stack slot empty")),
        }
    }
}

fn trap(m: &str) -> Error {
    Error::trap(m)
}

/// The activation whose stack runs now.
fn current(th: &Thread) -> Activation {
    Activation {
        thread: th.id,
        level: th.segs.len() - 1,
    }
}

fn is_root(sg: &Segment) -> bool {
    matches!(sg.prompt, Prompt::Root | Prompt::Host)
}

/// Number of parameters of stack type `x` of instance `ia`.
#[inline(always)]
fn stack_params(s: &Store, ia: Addr, x: TypeIdx) -> Result<usize> {
    let ct = s.modules[ia as usize].types[x as usize];
    s.rtt
        .stack_type(ct)
        .map(|(params, _)| params.len())
        .ok_or_else(|| Error::crash("not a stack type"))
}

/// A checked stack operand: what the later checks need to know of it, read from its slot once.
struct Target {
    /// Its slot.
    a: Addr,
    /// The frames it brings onto the thread when switched to (a fresh stack: its base frame).
    frames: usize,
    /// It is the root of an activation.
    root: bool,
}

/// Pops the stack reference operand and checks it, in the order of §5: `<instr>-null`,
/// `<instr>-consumed`, and for the switching instructions `switch-root-other-activation`.
/// Nothing is consumed yet.
#[inline(always)]
fn operand(s: &Store, th: &mut Thread, switching: bool) -> Result<Target> {
    let sg = th.top()?;
    let (a, g) = match sg.vals.last() {
        Some(Val::Ref(Ref::Stack(a, g))) => (*a, *g),
        _ => match sg.pop_ref()? {
            // <instr>-null: stack.switch-null, stack.switch_retire-null, stack.bind-null,
            // stack.release-null, stack.switch_throw-null
            Ref::Null(_) => return Err(trap("null stack reference")),
            _ => return Err(Error::crash("not a stack reference")),
        },
    };
    // A stack reference owns no host memory: popped without drop glue.
    std::mem::forget(sg.vals.pop());
    // <instr>-consumed: stack.switch-consumed, stack.switch_retire-consumed,
    // stack.bind-consumed, stack.release-consumed, stack.switch_throw-consumed
    let st = s
        .stacks
        .get(a, g)
        .ok_or_else(|| trap("stack already consumed"))?;
    if switching {
        if let Some(act) = st.root {
            if act != current(th) {
                // switch-root-other-activation
                return Err(trap("switch to root of another activation"));
            }
        }
    }
    Ok(Target {
        a,
        frames: st.seg.frames.len() + st.start.is_some() as usize,
        root: st.root.is_some(),
    })
}

/// Stores a new fresh stack within the live-stack budget.
fn alloc(s: &mut Store, st: StackInst) -> Result<Ref> {
    if s.stacks.live >= s.config.max_live_conts {
        return Err(Error::exhaustion("too many live stacks"));
    }
    let r = s.stacks.alloc(st);
    crate::exec::gc::stored(s, s.stacks.live);
    if s.stacks.live > s.counters.peak_live_conts {
        s.counters.peak_live_conts = s.stacks.live;
    }
    Ok(r)
}

fn fresh(s: &mut Store, f: Addr) -> Result<Ref> {
    alloc(
        s,
        StackInst {
            seg: Segment::new(Prompt::Stack),
            start: Some(f),
            root: None,
        },
    )
}

/// The call-depth budget after the running stack is replaced by the target `t` (checked
/// before anything moves, so that exhaustion consumes nothing).
#[inline(always)]
fn check_depth(s: &Store, th: &mut Thread, t: &Target) -> Result<()> {
    let out = th.top()?.frames.len();
    if th.depth - out + t.frames > s.config.max_call_depth {
        return Err(Error::exhaustion("call stack exhausted"));
    }
    Ok(())
}

/// The running stack leaves the thread and waits in a fresh slot; returns its new reference.
fn suspend(s: &mut Store, th: &mut Thread) -> Result<Ref> {
    let act = current(th);
    let seg = th.segs.pop().ok_or_else(|| Error::crash("no segment"))?;
    th.depth -= seg.frames.len();
    let root = is_root(&seg).then_some(act);
    // No budget check: the switch has just freed the target's slot.
    let r = s.stacks.alloc(StackInst {
        seg,
        start: None,
        root,
    });
    crate::exec::gc::stored(s, s.stacks.live);
    Ok(r)
}

/// The running stack waits in slot `a`, which the target leaves for the thread (see
/// `StackStore::exchange`); the top `n` values and then the suspended stack's new reference
/// go to the target, after its bound values. Returns the target's start function.
#[inline(always)]
fn switch(s: &mut Store, th: &mut Thread, a: Addr, n: usize) -> Result<Option<Addr>> {
    let act = current(th);
    let sg = th
        .segs
        .last_mut()
        .ok_or_else(|| Error::crash("no segment"))?;
    let root = is_root(sg).then_some(act);
    let out = sg.frames.len();
    let (r, start) = s.stacks.exchange(a, sg, n, root)?;
    sg.vals.push(Val::Ref(r));
    th.depth = th.depth - out + sg.frames.len();
    // As `suspend` does: the suspended stack is stored again.
    crate::exec::gc::stored(s, s.stacks.live);
    Ok(start)
}

/// The running stack ends: its frames are dropped without running anything.
fn retire(th: &mut Thread) -> Result<()> {
    let seg = th.segs.pop().ok_or_else(|| Error::crash("no segment"))?;
    th.depth -= seg.frames.len();
    Ok(())
}

/// The stack `st` (already taken from its slot, its values in place) becomes the running
/// stack; see `start`.
fn enter(s: &mut Store, th: &mut Thread, st: StackInst) -> Result<bool> {
    let StackInst { seg, start, .. } = st;
    th.depth += seg.frames.len();
    th.segs.push(seg);
    self::start(s, th, start)
}

/// The target is the running stack now: a fresh one calls its function `f` with its values.
/// Returns whether it started.
#[inline(always)]
fn start(s: &mut Store, th: &mut Thread, f: Option<Addr>) -> Result<bool> {
    s.counters.switches += 1;
    match f {
        Some(f) => {
            call(s, th, f)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// One raw-stacks reduction step; `pc` is the instruction's position in `code`.
pub fn step(
    s: &mut Store,
    th: &mut Thread,
    code: &Rc<Code>,
    pc: usize,
    ia: Addr,
    i: &Instr,
) -> Result<Rule> {
    match i {
        Instr::StackNew(_, f) => {
            // stack.new: a fresh stack that calls $f when first switched to.
            let fa = s.modules[ia as usize].funcs[*f as usize];
            let r = fresh(s, fa)?;
            th.top()?.vals.push(Val::Ref(r));
            Ok("stack.new")
        }
        Instr::StackNewRef(_) => {
            let fa = match th.top()?.pop_ref()? {
                Ref::Func(a) => a,
                // stack.new_ref-null
                Ref::Null(_) => return Err(trap("null function reference")),
                _ => return Err(Error::crash("not a function reference")),
            };
            // stack.new_ref
            let r = fresh(s, fa)?;
            th.top()?.vals.push(Val::Ref(r));
            Ok("stack.new_ref")
        }
        Instr::StackSwitch(_) => {
            // The stack type's parameter count, from the side table (`Code::side`).
            let n = code.side[pc].params as usize;
            let t = operand(s, th, true)?;
            check_depth(s, th, &t)?;
            // The target takes the thread with the values and the running stack's new
            // reference; the running stack takes the target's slot.
            let f = switch(s, th, t.a, n)?;
            if start(s, th, f)? {
                Ok("stack.switch-start") // stack.switch-start: its base frame is pushed
            } else {
                Ok("stack.switch") // stack.switch: its pending switch returns
            }
        }
        Instr::StackSwitchRetire(_) => {
            let n = code.side[pc].params as usize;
            let t = operand(s, th, true)?;
            if is_root(th.top()?) {
                // stack.switch_retire-root: the host call could never end.
                return Err(trap("root stack cannot retire"));
            }
            check_depth(s, th, &t)?;
            // The values and a null return stack go to the target, after its bound values.
            let mut target = s.stacks.take(t.a)?;
            move_top(&mut th.top()?.vals, &mut target.seg.vals, n)?;
            target
                .seg
                .vals
                .push(Val::Ref(Ref::Null(AbsHeapType::NoStack)));
            retire(th)?;
            if enter(s, th, target)? {
                Ok("stack.switch_retire-start")
            } else {
                Ok("stack.switch_retire")
            }
        }
        Instr::StackBind(x, y) => {
            // stack.bind: the values join the bound ones; the old reference is used up.
            let n = stack_params(s, ia, *x)? - stack_params(s, ia, *y)?;
            let t = operand(s, th, false)?;
            let mut st = s.stacks.take(t.a)?;
            move_top(&mut th.top()?.vals, &mut st.seg.vals, n)?;
            let r = s.stacks.alloc(st);
            crate::exec::gc::stored(s, s.stacks.live);
            th.top()?.vals.push(Val::Ref(r));
            Ok("stack.bind")
        }
        Instr::StackRelease(_) => {
            let t = operand(s, th, false)?;
            if t.root {
                // stack.release-root
                return Err(trap("root stack cannot be released"));
            }
            // stack.release: nothing on it runs.
            drop(s.stacks.take(t.a)?);
            Ok("stack.release")
        }
        Instr::StackSwitchThrow(_, e) => {
            let tag = s.modules[ia as usize].tags[*e as usize];
            let n = s.tags[tag as usize]
                .params
                .checked_sub(1)
                .ok_or_else(|| Error::crash("switch_throw tag without parameters"))?;
            let t = operand(s, th, true)?;
            check_depth(s, th, &t)?;
            let mut fields = th.top()?.pop_n(n)?;
            let target = s.stacks.take(t.a)?;
            let rb = suspend(s, th)?;
            fields.push(Val::Ref(rb));
            let ex = alloc_exn(s, tag, fields);
            if target.start.is_some() {
                // stack.switch_throw-start, then stack-uncaught: the switch happens (the
                // target's reference is used up, as for a started stack), but a fresh stack
                // has no frame yet, so the exception is at its base at once.
                drop(target);
                return Err(trap("uncaught exception at stack base"));
            }
            th.depth += target.seg.frames.len();
            th.segs.push(target.seg);
            s.counters.switches += 1;
            throw(s, th, ex)?;
            Ok("stack.switch_throw")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::Design;
    use crate::exec::{Config, ExternVal};
    use pretty_assertions::assert_eq;

    /// The worked example of `proposals/raw-stacks/README.md` §8.
    const EXAMPLE: &str = r#"
(module
  (rec
    (type $main (stack (param i32) (ref null $task)))  ;; the root, as the task sees it
    (type $task (stack (param i32) (ref $main))))      ;; the task, as the root sees it
  (func $inc (param $x i32) (param $back (ref $main))
    (stack.switch_retire $main
      (i32.add (local.get $x) (i32.const 1))
      (local.get $back)))
  (func (export "run") (result i32)
    (stack.switch $task (i32.const 41) (stack.new $task $inc))
    (drop)))                                           ;; drop the null return stack
"#;

    /// Parses, validates and instantiates `src` (one module) under raw-stacks; returns the
    /// store and the address of export `name`.
    fn setup(src: &str, name: &str, trace: bool) -> (Store, Addr) {
        let module = crate::text::parse_module(src, Design::RawStacks).expect("parses");
        crate::valid::validate_module(&module, Design::RawStacks).expect("validates");
        let mut store = Store::new(Config {
            design: Design::RawStacks,
            ..Config::default()
        });
        let inst = crate::exec::instantiate(&mut store, Rc::new(module), &[]).expect("links");
        if trace {
            store.capture_trace(crate::exec::trace::TraceOptions {
                mode: crate::exec::trace::TraceMode::Rules,
                limit: None,
            });
        }
        let Some(ExternVal::Func(f)) = store.export(inst, name) else {
            panic!("no export {name}");
        };
        (store, f)
    }

    #[test]
    fn worked_example_trace() {
        let (mut store, f) = setup(EXAMPLE, "run", true);
        let r = crate::exec::invoke(&mut store, f, vec![]).expect("runs");
        assert_eq!(r, vec![Val::I32(42)]);
        // `--trace=rules`: one rule name per line.
        let rules = store.take_trace();
        assert_eq!(
            rules,
            vec![
                "i32.const",
                "stack.new",
                "stack.switch-start",
                "local.get",
                "i32.const",
                "i32.add",
                "local.get",
                "stack.switch_retire",
                "drop",
                "return",
            ]
        );
        assert_eq!(store.stacks.live, 0);
    }

    /// `StackStore::bytes` as the slots give it.
    fn stored_bytes(st: &StackStore) -> u64 {
        st.slots
            .iter()
            .filter_map(|slot| slot.stack.as_ref())
            .map(|st| segment_bytes(&st.seg))
            .sum()
    }

    /// `StackStore::exchange` leaves the store as `take`, moving the values, and `alloc` of the
    /// suspended stack do, also when the slot's generation would wrap and the slot is retired;
    /// `StackStore::bytes` stays the sum over the slots.
    #[test]
    fn exchange_is_take_then_alloc() {
        fn seg(vs: &[i32]) -> Box<Segment> {
            let mut sg = Segment::new(Prompt::Stack);
            sg.vals.extend(vs.iter().map(|&v| Val::I32(v)));
            sg
        }
        fn store(gen: u32) -> StackStore {
            let mut st = StackStore::default();
            for v in [1, 2] {
                st.alloc(StackInst {
                    seg: seg(&[v]),
                    start: Some(7),
                    root: None,
                });
            }
            st.slots[1].gen = gen;
            st
        }
        let root = Some(Activation {
            thread: 3,
            level: 0,
        });
        for gen in [0, 5, u32::MAX - 2, u32::MAX - 1] {
            for n in [0, 2] {
                // The reference way: the target leaves slot 1, takes the values, and the
                // running stack is stored.
                let mut want = store(gen);
                let mut target = want.take(1).expect("occupied");
                let mut running = seg(&[8, 9]);
                move_top(&mut running.vals, &mut target.seg.vals, n).expect("values");
                let r_want = want.alloc(StackInst {
                    seg: running,
                    start: None,
                    root,
                });
                // In place.
                let mut got = store(gen);
                let mut sg = seg(&[8, 9]);
                let (r_got, start) = got.exchange(1, &mut sg, n, root).expect("occupied");
                assert_eq!(r_got, r_want, "gen {gen}");
                assert_eq!(start, target.start);
                assert_eq!(sg.vals, target.seg.vals);
                assert_eq!(got.free, want.free);
                assert_eq!(got.live, want.live);
                assert_eq!(got.bytes, want.bytes);
                assert_eq!(got.bytes, stored_bytes(&got));
                assert_eq!(got.slots.len(), want.slots.len());
                for (g, w) in got.slots.iter().zip(&want.slots) {
                    assert_eq!(g.gen, w.gen);
                    let show = |s: &StackSlot| {
                        s.stack
                            .as_ref()
                            .map(|st| (st.seg.vals.clone(), st.start, st.root))
                    };
                    assert_eq!(show(g), show(w));
                }
            }
        }
    }

    #[test]
    fn live_stack_budget() {
        let src = r#"
(module
  (rec
    (type $main (stack (param i32) (ref null $task)))
    (type $task (stack (param i32) (ref $main))))
  (func $f (param i32) (param (ref $main)) (unreachable))
  (table $keep 0 (ref null $task))
  (func (export "many") (param $n i32)
    (loop $l
      ;; kept: dropped ones would be collected and not count
      (drop (table.grow $keep (stack.new $task $f) (i32.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
"#;
        let (mut store, f) = setup(src, "many", false);
        store.config.max_live_conts = 10;
        let ok = crate::exec::invoke(&mut store, f, vec![Val::I32(10)]);
        assert!(ok.is_ok());
        let err = crate::exec::invoke(&mut store, f, vec![Val::I32(1)]).unwrap_err();
        assert_eq!(err.kind, crate::diag::ErrorKind::Exhaustion);
        assert_eq!(err.message, "too many live stacks");
        assert_eq!(store.stacks.bytes, stored_bytes(&store.stacks));
    }

    /// Runs a cross-design script; returns each directive's (keyword, outcome) and the
    /// transcript of `spectest.print_*`.
    fn run_seed(path: &std::path::Path, design: Design) -> (Vec<(String, String)>, Vec<String>) {
        use crate::script::run::{run_script, Switchyard};
        let src = std::fs::read_to_string(path).expect("readable");
        let script = crate::text::parse_script(&src, design).expect("parses");
        let mut engine = Switchyard::new(Config {
            design,
            ..Config::default()
        });
        let outcomes = run_script(&mut engine, &script, &src);
        assert_eq!(
            engine.store.stacks.bytes,
            stored_bytes(&engine.store.stacks)
        );
        let rows = outcomes
            .into_iter()
            .map(|o| (o.kind, o.actual))
            .collect::<Vec<_>>();
        (rows, engine.store.transcript)
    }

    /// An outcome without the tag's store address (it depends on what was allocated before).
    fn untagged(outcome: &str) -> String {
        match outcome.find("tag ") {
            Some(i) => {
                let rest = outcome[i + 4..].trim_start_matches(|c: char| c.is_ascii_digit());
                format!("{}tag{rest}", &outcome[..i])
            }
            None => outcome.to_string(),
        }
    }

    /// The seeds' programs give the same observable results under raw-stacks as under
    /// typed-cont (testsuite/cross-design/*/), except the differences the READMEs list: in
    /// `exceptions/` raw-stacks traps where typed-cont propagates, in `cancellation/` the trap
    /// texts name stacks instead of continuations.
    #[test]
    fn seeds_agree_with_typed_cont() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testsuite/cross-design");
        for seed in [
            "generator",
            "scheduler",
            "actors",
            "async-await",
            "pipes",
            "exceptions",
            "cancellation",
        ] {
            let (raw, raw_out) =
                run_seed(&root.join(seed).join("raw-stacks.wast"), Design::RawStacks);
            let (tc, tc_out) =
                run_seed(&root.join(seed).join("typed-cont.wast"), Design::TypedCont);
            assert_eq!(raw_out, tc_out, "{seed}: transcripts");
            assert_eq!(raw.len(), tc.len(), "{seed}: directive count");
            for ((rk, ra), (tk, ta)) in raw.iter().zip(&tc) {
                let differs = match seed {
                    "exceptions" => ra.contains("uncaught exception at stack base"),
                    "cancellation" => ra.starts_with("trap") && ta.starts_with("trap"),
                    _ => false,
                };
                if !differs {
                    assert_eq!(rk, tk, "{seed}: directive kinds");
                    assert_eq!(untagged(ra), untagged(ta), "{seed}: {rk}");
                }
            }
        }
    }
}
