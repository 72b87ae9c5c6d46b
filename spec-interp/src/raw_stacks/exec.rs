//! raw-stacks reduction rules over the core configuration (`exec::thread`),
//! `proposals/raw-stacks/README.md` §4-§6.
//!
//! The running stack of each host activation is one segment of the thread: the top segment is
//! the running stack of the current activation, the ones below are those of activations blocked
//! in a host function (`spectest.call_ref`). A fresh or suspended stack is a segment parked in
//! a slot of `StackStore`. A switch parks the running segment in a slot and moves the target's
//! segment onto the thread: a constant number of moves, no search.
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
use crate::exec::step::{alloc_exn, call, throw, Rule};
use crate::exec::thread::{Prompt, Segment, Thread};
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
    pub seg: Segment,
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
}

impl StackStore {
    fn alloc(&mut self, st: StackInst) -> Ref {
        self.live += 1;
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
        Ok(st)
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
fn stack_params(s: &Store, ia: Addr, x: TypeIdx) -> Result<usize> {
    let ct = s.modules[ia as usize].types[x as usize];
    s.rtt
        .stack_type(ct)
        .map(|(params, _)| params.len())
        .ok_or_else(|| Error::crash("not a stack type"))
}

/// Pops the stack reference operand and checks it, in the order of §5: `<instr>-null`,
/// `<instr>-consumed`, and for the switching instructions `switch-root-other-activation`.
/// Nothing is consumed yet. Returns the slot.
fn operand(s: &Store, th: &mut Thread, switching: bool) -> Result<Addr> {
    let (a, g) = match th.top()?.pop_ref()? {
        Ref::Stack(a, g) => (a, g),
        // <instr>-null: stack.switch-null, stack.switch_retire-null, stack.bind-null,
        // stack.release-null, stack.switch_throw-null
        Ref::Null(_) => return Err(trap("null stack reference")),
        _ => return Err(Error::crash("not a stack reference")),
    };
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
    Ok(a)
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

/// The call-depth budget after the running stack is replaced by the stack in slot `a`
/// (checked before anything moves, so that exhaustion consumes nothing).
fn check_depth(s: &Store, th: &mut Thread, a: Addr, leaving: bool) -> Result<()> {
    let st = s.stacks.slots[a as usize]
        .stack
        .as_ref()
        .ok_or_else(|| Error::crash("stack slot empty"))?;
    let out = if leaving { th.top()?.frames.len() } else { 0 };
    let inc = st.seg.frames.len() + st.start.is_some() as usize;
    if th.depth - out + inc > s.config.max_call_depth {
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

/// The running stack ends: its frames are dropped without running anything.
fn retire(th: &mut Thread) -> Result<()> {
    let seg = th.segs.pop().ok_or_else(|| Error::crash("no segment"))?;
    th.depth -= seg.frames.len();
    Ok(())
}

/// The stack `st` (already taken from its slot) becomes the running stack and receives `vs`
/// after its bound values; a fresh one calls its function with them. Returns whether it
/// started.
fn enter(s: &mut Store, th: &mut Thread, st: StackInst, vs: Vec<Val>) -> Result<bool> {
    let StackInst { mut seg, start, .. } = st;
    seg.vals.extend(vs);
    th.depth += seg.frames.len();
    th.segs.push(seg);
    s.counters.switches += 1;
    match start {
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
    _code: &Rc<Code>,
    _pc: usize,
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
        Instr::StackSwitch(x) => {
            let n = stack_params(s, ia, *x)?;
            let a = operand(s, th, true)?;
            check_depth(s, th, a, true)?;
            let vs = th.top()?.pop_n(n)?;
            let target = s.stacks.take(a)?;
            let rb = suspend(s, th)?;
            let mut vs = vs;
            vs.push(Val::Ref(rb));
            if enter(s, th, target, vs)? {
                Ok("stack.switch-start") // stack.switch-start: its base frame is pushed
            } else {
                Ok("stack.switch") // stack.switch: its pending switch returns
            }
        }
        Instr::StackSwitchRetire(x) => {
            let n = stack_params(s, ia, *x)?;
            let a = operand(s, th, true)?;
            if is_root(th.top()?) {
                // stack.switch_retire-root: the host call could never end.
                return Err(trap("root stack cannot retire"));
            }
            check_depth(s, th, a, true)?;
            let mut vs = th.top()?.pop_n(n)?;
            let target = s.stacks.take(a)?;
            retire(th)?;
            vs.push(Val::Ref(Ref::Null(AbsHeapType::NoStack)));
            if enter(s, th, target, vs)? {
                Ok("stack.switch_retire-start")
            } else {
                Ok("stack.switch_retire")
            }
        }
        Instr::StackBind(x, y) => {
            // stack.bind: the values join the bound ones; the old reference is used up.
            let n = stack_params(s, ia, *x)? - stack_params(s, ia, *y)?;
            let a = operand(s, th, false)?;
            let vs = th.top()?.pop_n(n)?;
            let mut st = s.stacks.take(a)?;
            st.seg.vals.extend(vs);
            let r = s.stacks.alloc(st);
            crate::exec::gc::stored(s, s.stacks.live);
            th.top()?.vals.push(Val::Ref(r));
            Ok("stack.bind")
        }
        Instr::StackRelease(_) => {
            let a = operand(s, th, false)?;
            if s.stacks.slots[a as usize]
                .stack
                .as_ref()
                .is_some_and(|st| st.root.is_some())
            {
                // stack.release-root
                return Err(trap("root stack cannot be released"));
            }
            // stack.release: nothing on it runs.
            drop(s.stacks.take(a)?);
            Ok("stack.release")
        }
        Instr::StackSwitchThrow(_, e) => {
            let tag = s.modules[ia as usize].tags[*e as usize];
            let n = s.tags[tag as usize]
                .params
                .checked_sub(1)
                .ok_or_else(|| Error::crash("switch_throw tag without parameters"))?;
            let a = operand(s, th, true)?;
            check_depth(s, th, a, true)?;
            let mut fields = th.top()?.pop_n(n)?;
            let target = s.stacks.take(a)?;
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
