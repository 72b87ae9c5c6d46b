//! effect-handlers reduction rules (`proposals/effect-handlers/README.md` §5) over the core
//! configuration (`exec::thread`).
//!
//! A handle block runs in a segment of its own: the segment's prompt is the handler entry
//! (`Prompt::Handle`), and its bottom frame, the *handle frame*, runs the enclosing function's
//! code (body or clause) with that function's locals, held in a shared cell (`Frame::shared`).
//! So `perform` finds its handler by walking segments, one per handler whatever the call depth;
//! the continuation is the run of segments from the handler's up to the perform, cut off the
//! thread; `continue` pushes them back. Neither copies nor walks the captured context.
//!
//! Legend: `s` store, `th` thread, `sg` segment, `h` handler entry, `k` continuation, `r`
//! reference, `ia` module instance of the running code, `x` tag index, `ct` continuation type
//! index, `j` segment index, `q` position of a clause's `on`, `n` operand count.

use std::cell::RefCell;
use std::rc::Rc;

use super::Instr;
use crate::diag::{Error, ErrorKind, Result};
use crate::exec::code::Code;
use crate::exec::step::{alloc_cont, alloc_exn, check_cont, cont_operand, take_cont, throw, Rule};
use crate::exec::store::ContInst;
use crate::exec::thread::{
    move_top, underflow, Frame, Label, LabelKind, Prompt, Segment, Segs, Thread,
};
use crate::exec::Store;
use crate::runtime::{Addr, Ref, Val};
use crate::syntax::Instr as SI;

/// A handler entry `handler{F, clauses, state}` (§4): the handle block at `pc` in the code of
/// function `func` (`exec::wasm_code`), whose tags are those of module instance `inst`.
/// `clause`: a clause runs (state `Clause`), so performs look further out; otherwise the body
/// runs (state `Active`).
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub func: Addr,
    pub pc: u32,
    pub inst: Addr,
    pub clause: bool,
}

fn trap(m: &str) -> Error {
    Error::trap(m)
}

fn unhandled(s: &Store, tag: Addr) -> Error {
    // The official text, then the tag as its module names it.
    let name = crate::exec::backtrace::tag_name(s, tag);
    Error::new(ErrorKind::Suspension, format!("unhandled tag {name}"), None)
}

/// The position of the first `on` of handle `h` whose tag is `tag`. The side table chains the
/// handle and its clauses (`next` points just after the following `on`), so this costs the
/// number of clauses.
#[inline(always)]
fn clause_for(s: &Store, h: &Entry, tag: Addr) -> Option<u32> {
    let tags = &s.modules[h.inst as usize].tags;
    let code = crate::exec::wasm_code(s, h.func)?;
    let mut p = h.pc as usize;
    loop {
        let q = (code.side.get(p)?.next as usize).checked_sub(1)?;
        if q <= p {
            return None;
        }
        match code.instrs.get(q) {
            Some(SI::EffectHandlers(Instr::On(x, _))) => {
                if tags[*x as usize] == tag {
                    return Some(q as u32);
                }
                p = q;
            }
            _ => return None,
        }
    }
}

/// The innermost `Active` handler entry with a clause for `tag`: its segment and clause.
/// Entries in state `Clause` are skipped; the search ends at the host activation's bottom.
#[inline(always)]
fn find_handler(s: &mut Store, th: &Thread, tag: Addr) -> Option<(usize, u32)> {
    let mut looked = 0;
    let found = search(s, th, tag, &mut looked);
    s.counters.search_steps += looked;
    found
}

/// `find_handler`; `looked` counts the handler entries it looks at (`Counters::search_steps`).
#[inline(always)]
fn search(s: &Store, th: &Thread, tag: Addr, looked: &mut u64) -> Option<(usize, u32)> {
    for (j, sg) in th.segs.iter().enumerate().rev() {
        if let Prompt::Handle(_) = &sg.prompt {
            *looked += 1;
        }
        match &sg.prompt {
            Prompt::Handle(h) if !h.clause => {
                if let Some(q) = clause_for(s, h, tag) {
                    return Some((j, q));
                }
            }
            // A perform never crosses the host: neither the invocation's bottom nor a host
            // function that called back into Wasm (`spectest.call_ref`).
            Prompt::Root | Prompt::Host => return None,
            _ => {}
        }
    }
    None
}

/// Stores a new continuation, within the live-continuation budget.
#[inline(always)]
fn alloc(s: &mut Store, k: ContInst) -> Result<Ref> {
    let (a, gen) = alloc_cont(s, k)?;
    Ok(Ref::Cont(a, gen))
}

/// The call-depth budget for reinstating continuation `k` on a thread of depth `depth`
/// (checked before it is consumed: exhaustion leaves it resumable).
#[inline(always)]
fn fits(s: &Store, depth: usize, k: &ContInst) -> Result<()> {
    if depth + k.depth > s.config.max_call_depth {
        return Err(Error::exhaustion("call stack exhausted"));
    }
    Ok(())
}

/// Puts continuation `k` back on top of the thread (`fits` has passed): its handler entry is
/// `Active` again (it was captured in that state and stays so inside the continuation).
#[inline(always)]
fn reinstate(s: &mut Store, th: &mut Thread, k: ContInst) {
    grown(s, th, k.depth);
    s.conts.put_segments(&mut th.segs, k.segs);
}

/// The thread got back the `depth` frames of a continuation.
#[inline(always)]
fn grown(s: &mut Store, th: &mut Thread, depth: usize) {
    th.depth += depth;
    if th.depth > s.counters.peak_depth {
        s.counters.peak_depth = th.depth;
    }
    s.counters.switches += 1;
}

/// Emptied segments (`Store::handles`; emptied of values and locals, see `put` for their frame
/// and label), so that a round trip allocates nothing and moves each segment only once each
/// way: `perform` swaps the handler's segment with an empty one, which so becomes the clause's,
/// and the handler's segment becomes the continuation; a tail `continue` swaps them back, and
/// the clause's ended segment comes back here.
#[derive(Debug, Default)]
pub struct Spare {
    segs: Vec<Box<Segment>>,
}

/// Spare segments kept at most, and the capacity their vectors may keep (a clause that
/// recursed deeply leaves big ones, which are better given back).
const MAX_SPARE: usize = 16;
const MAX_SPARE_CAPACITY: usize = 16;

impl Spare {
    /// An empty segment.
    #[inline(always)]
    fn take(&mut self) -> Box<Segment> {
        match self.segs.pop() {
            Some(sg) => sg,
            None => Segment::new(Prompt::Unset),
        }
    }

    /// Keeps `sg`, the segment of a clause that ended, emptied, for `take`.
    #[inline(always)]
    fn put(&mut self, mut sg: Box<Segment>) {
        let small = sg.vals.capacity() <= MAX_SPARE_CAPACITY
            && sg.locals.capacity() <= MAX_SPARE_CAPACITY
            && sg.labels.capacity() <= MAX_SPARE_CAPACITY
            && sg.frames.capacity() <= MAX_SPARE_CAPACITY;
        if small && self.segs.len() < MAX_SPARE {
            // After a tail continue only the clause's label and frame are left. They stay,
            // and the next `perform` overwrites them in place (one frame and one label, or
            // none in a fresh spare): that saves dropping them here and pushing anew there.
            // The segment is nowhere in the configuration meanwhile (no collection sees it);
            // it keeps the clause's code and locals cell alive until then, in at most
            // `MAX_SPARE` spares.
            if !sg.vals.is_empty() || !sg.locals.is_empty() {
                sg.vals.clear();
                sg.locals.clear();
            }
            self.segs.push(sg);
        }
    }
}

/// One effect-handlers reduction step; `pc` is the instruction's position in `code`.
pub fn step(
    s: &mut Store,
    th: &mut Thread,
    code: &Rc<Code>,
    pc: usize,
    ia: Addr,
    i: &Instr,
) -> Result<Rule> {
    match i {
        Instr::Handle(_) => handle_enter(s, th, code, pc, ia), // handle-enter
        // handle-return / clause-return: the body or a clause reaches the next clause.
        Instr::On(..) => end(th),
        Instr::Perform(x) => perform(s, th, ia, *x), // perform-handled, perform-unhandled
        Instr::Continue(_) => {
            // continue: the continuation is consumed (continue-null, continue-consumed) and
            // its segments go back on top with the perform's results, as many as its type has
            // parameters (`Side::params`).
            let n = code.side[pc].params as usize;
            let sg = th.top()?;
            let (a, gen) = cont_operand(sg)?;
            // continue-tail: the clause ends right after this instruction, so its entry is
            // replaced by the reinstalled handle instead of waiting below it.
            let tail = matches!(&sg.prompt, Prompt::Handle(h) if h.clause)
                && sg.frames.len() == 1
                && sg.labels.len() == 1
                && sg.vals.len() == n
                && matches!(
                    code.instrs.get(pc + 1),
                    Some(SI::End | SI::EffectHandlers(Instr::On(..)))
                );
            let at = sg.vals.len().checked_sub(n).ok_or_else(underflow)?;
            let freed = if tail { sg.frames.len() } else { 0 };
            fits(s, th.depth - freed, check_cont(s, a, gen)?)?;
            let mut k = take_cont(s, a, gen)?;
            if tail {
                // `hs`: the handler's segment, the bottom of `k`; `above`: the rest.
                let (mut hs, mut above) = match k.segs {
                    Segs::One(sg) => (sg, None),
                    Segs::Many(mut v) if !v.is_empty() => (v.remove(0), Some(v)),
                    Segs::Many(_) => return Err(Error::crash("empty continuation")),
                };
                if n > 0 {
                    let top = above.as_mut().and_then(|v| v.last_mut()).unwrap_or(&mut hs);
                    top.vals.extend(th.top()?.vals.drain(at..));
                }
                // The handler's segment changes places with the clause's (see `Spare`).
                std::mem::swap(th.top_box()?, &mut hs);
                th.depth -= hs.frames.len();
                if let Some(mut v) = above {
                    th.segs.append(&mut v);
                }
                grown(s, th, k.depth);
                s.handles.put(hs);
            } else {
                if n > 0 {
                    let top = k
                        .segs
                        .last_mut()
                        .ok_or_else(|| Error::crash("empty continuation"))?;
                    top.vals.extend(th.top()?.vals.drain(at..));
                }
                reinstate(s, th, k);
            }
            Ok(if tail { "continue-tail" } else { "continue" })
        }
        Instr::Discontinue(_, x) => {
            // discontinue: consumed and reinstalled as for continue (discontinue-null,
            // discontinue-consumed), then `throw $e` at the perform site.
            let tag = s.modules[ia as usize].tags[*x as usize];
            let n = s.tags[tag as usize].params;
            let (a, gen) = cont_operand(th.top()?)?;
            fits(s, th.depth, check_cont(s, a, gen)?)?;
            let fields = th.top()?.pop_n(n)?;
            let k = take_cont(s, a, gen)?;
            let e = alloc_exn(s, tag, fields);
            reinstate(s, th, k);
            throw(s, th, e)?;
            Ok("discontinue")
        }
        Instr::DiscontinueRef(_) => {
            // discontinue_ref: the continuation is checked first (discontinue_ref-null,
            // discontinue_ref-consumed), then the exception (discontinue_ref-null-exn, which leaves the
            // continuation unconsumed); then `throw_ref` at the perform site.
            let (a, gen) = cont_operand(th.top()?)?;
            fits(s, th.depth, check_cont(s, a, gen)?)?;
            let e = match th.top()?.pop_ref()? {
                Ref::Exn(e) => e,
                _ => return Err(trap("null exception reference")),
            };
            let k = take_cont(s, a, gen)?;
            reinstate(s, th, k);
            throw(s, th, e)?;
            Ok("discontinue_ref")
        }
    }
}

/// handle-enter: `v1* handle bt` pushes the handler entry (state `Active`) as a new segment
/// holding `v1*`; its handle frame starts the body. The enclosing frame will go on after the
/// handle's `end`, and from now on keeps its locals in the cell it shares with the handle.
fn handle_enter(
    s: &mut Store,
    th: &mut Thread,
    code: &Rc<Code>,
    pc: usize,
    ia: Addr,
) -> Result<Rule> {
    let sd = code.side[pc];
    if th.depth >= s.config.max_call_depth {
        return Err(Error::exhaustion("call stack exhausted"));
    }
    let sg = th.top()?;
    let fr = sg
        .frames
        .last_mut()
        .ok_or_else(|| Error::crash("no frame"))?;
    fr.pc = sd.end + 1;
    let cell = match &fr.shared {
        Some(c) => c.clone(),
        None => {
            // The frame is the top one, so its locals are the tail of the segment's.
            let c = Rc::new(RefCell::new(sg.locals.split_off(fr.local_base as usize)));
            fr.shared = Some(c.clone());
            c
        }
    };
    let frame = Frame {
        code: code.clone(),
        inst: ia,
        func: fr.func,
        pc: pc as u32 + 1,
        local_base: 0,
        label_base: 0,
        val_base: 0,
        arity: sd.results,
        shared: Some(cell),
    };
    let at = sg
        .vals
        .len()
        .checked_sub(sd.params as usize)
        .ok_or_else(underflow)?;
    let mut h = Segment::new(Prompt::Handle(Entry {
        func: frame.func,
        pc: pc as u32,
        inst: ia,
        clause: false,
    }));
    h.vals.extend(sg.vals.drain(at..));
    // The handle's label: a branch to it goes to the handle's `end` (see `end`).
    h.labels.push(Label {
        arity: sd.results,
        cont: sd.end,
        height: 0,
        kind: LabelKind::Design(pc as u32),
    });
    h.frames.push(frame);
    th.segs.push(h);
    th.depth += 1;
    if th.depth > s.counters.peak_depth {
        s.counters.peak_depth = th.depth;
    }
    Ok("handle-enter")
}

/// The handle block is finished: its body (handle-return) or a clause (clause-return) reached
/// the next `on` or the `end`, or a branch went to its label. The entry is popped; its results
/// go to whoever waits below: the code after the handle, or the `continue` that reinstalled it.
pub fn end(th: &mut Thread) -> Result<Rule> {
    let h = th.segs.pop().ok_or_else(|| Error::crash("no segment"))?;
    let (Prompt::Handle(e), Some(fr)) = (&h.prompt, h.frames.first()) else {
        return Err(Error::crash("end of a handle outside its entry"));
    };
    let rule = if e.clause {
        "clause-return"
    } else {
        "handle-return"
    };
    let at = h
        .vals
        .len()
        .checked_sub(fr.arity as usize)
        .ok_or_else(underflow)?;
    th.depth -= h.frames.len();
    let mut vals = h.vals;
    th.top()?.vals.extend(vals.drain(at..));
    Ok(rule)
}

/// Frames `f` and `g` are the same activation but for their position. (Every field is named,
/// so that a new one cannot be left out.)
#[inline(always)]
fn same_but_pc(f: &Frame, g: &Frame) -> bool {
    let Frame {
        code,
        inst,
        func,
        pc: _,
        local_base,
        label_base,
        val_base,
        arity,
        shared,
    } = f;
    Rc::ptr_eq(code, &g.code)
        && match (shared, &g.shared) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
        && [*inst, *func, *local_base, *label_base, *val_base, *arity]
            == [
                g.inst,
                g.func,
                g.local_base,
                g.label_base,
                g.val_base,
                g.arity,
            ]
}

/// perform-handled / perform-unhandled.
#[inline(always)]
fn perform(s: &mut Store, th: &mut Thread, ia: Addr, x: u32) -> Result<Rule> {
    let tag = s.modules[ia as usize].tags[x as usize];
    let n = s.tags[tag as usize].params;
    // perform-unhandled: the script outcome "unhandled tag".
    let (j, q) = find_handler(s, th, tag).ok_or_else(|| unhandled(s, tag))?;
    // perform-handled: the segments from the handler's up to the perform become `k` (the
    // handler's changes places with an empty one, see `Spare`)...
    // `hs`: the handler's segment, the bottom of `k`; `above`: the segments over it, if any
    // (with room for `hs` below them). Mostly there are none, and no vector.
    let mut hs = s.handles.take();
    std::mem::swap(&mut th.segs[j], &mut hs);
    let mut above = None;
    if j + 1 < th.segs.len() {
        let mut v = Vec::with_capacity(th.segs.len() - j);
        v.extend(th.segs.drain(j + 1..));
        above = Some(v);
    }
    let depth = hs.frames.len()
        + above.as_ref().map_or(0, |v: &Vec<Box<Segment>>| {
            v.iter().map(|g| g.frames.len()).sum::<usize>()
        });
    th.depth -= depth;
    let (Prompt::Handle(e), Some(fr), Some(lab)) =
        (&hs.prompt, hs.frames.first(), hs.labels.first())
    else {
        return Err(Error::crash("handler segment without its entry"));
    };
    // ... and the same entry in state `Clause` takes the handler's place, running the clause
    // with the perform's operands and `k`.
    let c = th.top()?;
    c.prompt = Prompt::Handle(Entry { clause: true, ..*e });
    match (c.frames.as_mut_slice(), c.labels.as_mut_slice()) {
        // A spare segment keeps the frame and label of the clause that last ran in it
        // (`Spare::put`): they are overwritten in place, and when that clause was one of this
        // same handle (the same code and locals), only the frame's position changes.
        ([f], [l]) => {
            if same_but_pc(f, fr) {
                f.pc = q + 1;
            } else {
                *f = Frame {
                    pc: q + 1,
                    ..fr.clone()
                };
            }
            *l = *lab;
        }
        _ => {
            c.frames.clear();
            c.labels.clear();
            c.labels.push(*lab);
            c.frames.push(Frame {
                pc: q + 1,
                ..fr.clone()
            });
        }
    }
    if n > 0 {
        let top = above.as_mut().and_then(|v| v.last_mut()).unwrap_or(&mut hs);
        move_top(&mut top.vals, &mut c.vals, n)?;
    }
    let segs = match above {
        None => Segs::One(hs),
        Some(mut v) => {
            v.insert(0, hs);
            Segs::Many(v)
        }
    };
    let k = ContInst {
        segs,
        depth,
        start: None,
    };
    match alloc(s, k) {
        Ok(r) => c.vals.push(Val::Ref(r)),
        Err(e) => {
            // Exhaustion: the thread is left as the handler search found it, less `k`.
            th.segs.pop();
            return Err(e);
        }
    }
    th.depth += 1;
    s.counters.switches += 1;
    Ok("perform-handled")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::Design;
    use crate::exec::{instantiate, invoke, Config, ExternVal};
    use pretty_assertions::assert_eq;

    /// Parses, validates and instantiates `src` under effect-handlers.
    fn setup(src: &str, config: Config) -> (Store, Addr) {
        let m = crate::text::parse_module(src, Design::EffectHandlers).expect("parses");
        crate::valid::validate_module(&m, Design::EffectHandlers).expect("validates");
        let mut s = Store::new(Config {
            design: Design::EffectHandlers,
            ..config
        });
        let ia = instantiate(&mut s, Rc::new(m), &[]).expect("instantiates");
        (s, ia)
    }

    fn func(s: &Store, ia: Addr, name: &str) -> Addr {
        match s.export(ia, name) {
            Some(ExternVal::Func(a)) => a,
            _ => panic!("no function {name}"),
        }
    }

    /// The rule names `--trace=rules` prints for `invoke name`, in order (entering the exported
    /// function prints nothing).
    fn trace(src: &str, name: &str) -> (Vec<String>, Vec<Val>) {
        let (mut s, ia) = setup(src, Config::default());
        let a = func(&s, ia, name);
        s.capture_trace(crate::exec::trace::TraceOptions {
            mode: crate::exec::trace::TraceMode::Rules,
            limit: None,
        });
        let vals = invoke(&mut s, a, vec![]).expect("runs");
        // `--trace=rules`: one rule name per line.
        let rules = s.take_trace();
        (rules, vals)
    }

    /// README §8, flat as written there.
    const EXAMPLE: &str = r#"(module
      (type $ft (func (param i32) (result i32)))
      (type $k (cont $ft))
      (tag $ask (param i32) (result i32))
      (func (export "run") (result i32)
        handle (result i32)
          i32.const 1
          perform $ask
          i32.const 10
          i32.add
        on $ask $k
          continue $k
        end))"#;

    #[test]
    fn worked_example_trace() {
        let (rules, vals) = trace(EXAMPLE, "run");
        assert_eq!(vals, vec![Val::I32(11)]);
        assert_eq!(
            rules,
            vec![
                "handle-enter",
                "i32.const",
                "perform-handled",
                "continue-tail",
                "i32.const",
                "i32.add",
                "handle-return",
                "return"
            ]
        );
    }

    #[test]
    fn worked_example_non_tail_trace() {
        let src = EXAMPLE.replace("continue $k\n", "continue $k i32.const 100 i32.add\n");
        let (rules, vals) = trace(&src, "run");
        assert_eq!(vals, vec![Val::I32(111)]);
        assert_eq!(
            rules,
            vec![
                "handle-enter",
                "i32.const",
                "perform-handled",
                "continue",
                "i32.const",
                "i32.add",
                "handle-return",
                "i32.const",
                "i32.add",
                "clause-return",
                "return"
            ]
        );
    }

    /// The README §6 generator: `$count` yields 1..n, the clause adds and continues.
    const GENERATOR: &str = r#"(module
      (type $ft (func (result i32)))
      (type $k (cont $ft))
      (tag $yield (param i32))
      (func $count (param $n i32)
        (local $i i32)
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (perform $yield (local.get $i))
            (br $l))))
      (func (export "tail") (param $n i32) (result i32)
        (local $sum i32) (local $c (ref null $k))
        (handle (result i32)
          (do (call $count (local.get $n)) (local.get $sum))
          (on $yield $k
            (local.set $c)
            (local.set $sum (i32.add (local.get $sum)))
            (continue $k (local.get $c)))))
      (func (export "non-tail") (param $n i32) (result i32)
        (local $sum i32) (local $c (ref null $k))
        (handle (result i32)
          (do (call $count (local.get $n)) (local.get $sum))
          (on $yield $k
            (local.set $c)
            (local.set $sum (i32.add (local.get $sum)))
            (continue $k (local.get $c))
            (i32.add (i32.const 0))))))"#;

    #[test]
    fn million_values_tail_resumptive_in_constant_space() {
        let (mut s, ia) = setup(GENERATOR, Config::default());
        let a = func(&s, ia, "tail");
        let r = invoke(&mut s, a, vec![Val::I32(1_000_000)]);
        assert_eq!(r, Ok(vec![Val::I32(1_784_293_664)]));
        // The exported function, the clause's entry (or the reinstalled handle) and $count.
        assert!(
            s.counters.peak_depth <= 3,
            "peak depth {}",
            s.counters.peak_depth
        );
        assert!(s.counters.peak_live_conts <= 1);
        assert_eq!(s.live_conts(), 0);
    }

    #[test]
    fn million_values_non_tail_exhaust_the_call_depth() {
        let (mut s, ia) = setup(GENERATOR, Config::default());
        let a = func(&s, ia, "non-tail");
        let e = invoke(&mut s, a, vec![Val::I32(1_000_000)]).unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Exhaustion, "call stack exhausted")
        );
        let budget = Config::default().max_call_depth;
        assert!(s.counters.peak_depth <= budget);
        // One clause entry per value: exhaustion comes after about `budget` values.
        let (mut s, ia) = setup(GENERATOR, Config::default());
        let a = func(&s, ia, "non-tail");
        let r = invoke(&mut s, a, vec![Val::I32(budget as i32 - 10)]);
        assert!(r.is_ok(), "{r:?}");
    }

    /// A call-depth budget for the deep tests, whatever the default is.
    fn deep() -> Config {
        Config {
            max_call_depth: 100_000,
            ..Config::default()
        }
    }

    /// A perform under 20,000 frames, 20,000 times: each capture and continue moves two
    /// segments, whatever the depth (copying the frames would take 400,000,000 steps).
    #[test]
    fn perform_cost_does_not_depend_on_depth() {
        let src = r#"(module
          (type $ft (func (result i32)))
          (type $k (cont $ft))
          (tag $t)
          (func $deep (param $d i32) (param $n i32)
            (if (local.get $d)
              (then (call $deep (i32.sub (local.get $d) (i32.const 1)) (local.get $n)))
              (else
                (block $done
                  (loop $l
                    (br_if $done (i32.eqz (local.get $n)))
                    (perform $t)
                    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                    (br $l))))))
          (func (export "run") (param $d i32) (param $n i32) (result i32)
            (local $c i32)
            (handle (result i32)
              (do (call $deep (local.get $d) (local.get $n)) (local.get $c))
              (on $t $k
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (continue $k)))))"#;
        let (mut s, ia) = setup(src, deep());
        let a = func(&s, ia, "run");
        let r = invoke(&mut s, a, vec![Val::I32(20_000), Val::I32(20_000)]);
        assert_eq!(r, Ok(vec![Val::I32(20_000)]));
        assert_eq!(s.counters.switches, 40_000);
    }

    /// 10,000 nested handles (one per recursion level) and a perform caught by the outermost:
    /// no host recursion anywhere, and the search skips the 9,999 handles without a clause.
    #[test]
    fn deeply_nested_handles() {
        let src = r#"(module
          (type $ft (func (result i32)))
          (type $k (cont $ft))
          (type $ft1 (func (param i32) (result i32)))
          (type $k1 (cont $ft1))
          (tag $t (result i32))
          (tag $u)
          (func $nest (param $d i32) (result i32)
            (if (result i32) (local.get $d)
              (then
                (handle (result i32)
                  (do (call $nest (i32.sub (local.get $d) (i32.const 1))))
                  (on $u $k (drop) (i32.const -1))))
              (else (perform $t))))
          (func (export "run") (param $d i32) (result i32)
            (local $c (ref null $k1))
            (handle (result i32)
              (do (call $nest (local.get $d)))
              (on $t $k1 (local.set $c) (continue $k1 (i32.const 7) (local.get $c))))))"#;
        let (mut s, ia) = setup(src, deep());
        let a = func(&s, ia, "run");
        assert_eq!(
            invoke(&mut s, a, vec![Val::I32(10_000)]),
            Ok(vec![Val::I32(7)])
        );
    }

    /// A perform over the live-continuation budget is exhaustion, and leaves the thread as the
    /// handler search found it, less the captured segments: no clause entry in the backtrace.
    #[test]
    fn perform_over_the_live_continuation_budget() {
        let src = r#"(module
          (type $ft (func))
          (type $k (cont $ft))
          (tag $t)
          (global $g (mut (ref null $k)) (ref.null $k))
          (func $inner (perform $t))
          (func (export "run")
            (handle (do (call $inner)) (on $t $k (global.set $g)))
            (handle (do (call $inner)) (on $t $k (global.set $g)))))"#;
        let (mut s, ia) = setup(
            src,
            Config {
                max_live_conts: 1,
                ..Config::default()
            },
        );
        let a = func(&s, ia, "run");
        let e = invoke(&mut s, a, vec![]).unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Exhaustion, "too many live continuations")
        );
        let frames: Vec<_> = e
            .backtrace
            .expect("a backtrace")
            .frames()
            .map(|f| (f.func.clone(), f.on))
            .collect();
        assert_eq!(frames, vec![("func 1 (export \"run\")".to_string(), None)]);
        assert_eq!(s.live_conts(), 1);
    }

    /// A perform caught two handles out (three segments captured), continued by a clause that
    /// goes on after the continue (not a tail): the segments come back in order, twice.
    #[test]
    fn continue_of_several_segments() {
        let src = r#"(module
          (type $ft (func (param i32) (result i32)))
          (type $k (cont $ft))
          (type $ft0 (func (result i32)))
          (type $k0 (cont $ft0))
          (tag $ask (result i32))
          (tag $other)
          (func $leaf (result i32)
            (i32.add (perform $ask) (perform $ask)))
          (func $mid (result i32)
            (handle (result i32)
              (do (call $leaf))
              (on $other $k0 (drop) (i32.const -1))))
          (func (export "tail") (result i32)
            (local $c (ref null $k))
            (handle (result i32)
              (do (i32.mul (call $mid) (i32.const 10)))
              (on $ask $k (local.set $c) (continue $k (i32.const 2) (local.get $c)))))
          (func (export "non-tail") (result i32)
            (local $c (ref null $k))
            (handle (result i32)
              (do (i32.mul (call $mid) (i32.const 10)))
              (on $ask $k
                (local.set $c)
                (i32.add (continue $k (i32.const 2) (local.get $c)) (i32.const 1))))))"#;
        let (mut s, ia) = setup(src, Config::default());
        let a = func(&s, ia, "tail");
        assert_eq!(invoke(&mut s, a, vec![]), Ok(vec![Val::I32(40)]));
        let a = func(&s, ia, "non-tail");
        assert_eq!(invoke(&mut s, a, vec![]), Ok(vec![Val::I32(42)]));
        assert_eq!(s.live_conts(), 0);
    }

    /// Locals are shared by the function, the body and the clauses, wherever the handle lives:
    /// the function's own write after the handle is seen by the continued body.
    #[test]
    fn locals_shared_with_a_parked_continuation() {
        let src = r#"(module
          (type $ft (func (result i32)))
          (type $k (cont $ft))
          (tag $t)
          (global $g (mut (ref null $k)) (ref.null $k))
          (func (export "park") (result i32)
            (local $n i32)
            (local.set $n (i32.const 1))
            (drop
              (handle (result i32)
                (do (perform $t) (local.get $n))
                (on $t $k (global.set $g) (local.set $n (i32.const 2)) (i32.const 0))))
            (local.set $n (i32.add (local.get $n) (i32.const 40)))
            (continue $k (global.get $g))))"#;
        let (mut s, ia) = setup(src, Config::default());
        let a = func(&s, ia, "park");
        assert_eq!(invoke(&mut s, a, vec![]), Ok(vec![Val::I32(42)]));
    }
}
