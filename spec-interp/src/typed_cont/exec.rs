//! typed-cont reduction rules over the core configuration (`exec::thread`).
//!
//! A continuation is the run of segments from a suspension up to (not including) the handling
//! prompt's resumer; `resume` pushes those segments back above the resumer under a fresh prompt
//! that points at the resume instruction's handler clauses. Both directions move whole segments,
//! so their cost does not depend on how deep the continuation is.
//!
//! Legend: `s` store, `th` thread, `sg` top segment, `k` continuation, `r` reference,
//! `ia` module instance of the running code, `x` tag index, `ct` continuation type index.

use std::rc::Rc;

use super::{Handler, Instr};
use crate::diag::{Error, ErrorKind, Result};
use crate::exec::code::Code;
use crate::exec::step::{
    alloc_cont, alloc_exn, call, check_cont, cont_operand, cont_room, store_cont, take_cont, throw,
    Rule,
};
use crate::exec::store::ContInst;
use crate::exec::thread::{move_top, Prompt, Segment, Segs, Thread};
use crate::exec::Store;
use crate::runtime::{Addr, Ref, Val};
use crate::syntax::{CompType, TypeIdx};

fn trap(m: &str) -> Error {
    Error::trap(m)
}

/// suspend-unhandled: the script outcome "unhandled tag" (not a trap).
fn unhandled(s: &Store, tag: Addr) -> Error {
    // The official text, then the tag as its module names it.
    let name = crate::exec::backtrace::tag_name(s, tag);
    Error::new(ErrorKind::Suspension, format!("unhandled tag {name}"), None)
}

/// (params, results) of the function type of continuation type `ct` of instance `ia`.
#[inline(always)]
fn cont_arity(s: &Store, ia: Addr, ct: TypeIdx) -> Result<(usize, usize)> {
    let c = s.modules[ia as usize].types[ct as usize];
    let CompType::Cont(ft) = s.rtt.sub_type(c).comp else {
        return Err(Error::crash("not a continuation type"));
    };
    match &s.rtt.sub_type(ft).comp {
        CompType::Func(f) => Ok((f.params.len(), f.results.len())),
        _ => Err(Error::crash("continuation of a non-function type")),
    }
}

/// The call-depth budget for pushing continuation `k` onto a thread of depth `depth`
/// (checked before anything is consumed: exhaustion leaves the continuation resumable).
#[inline(always)]
fn fits(s: &Store, depth: usize, k: &ContInst) -> Result<()> {
    if depth + k.depth + k.start.is_some() as usize > s.config.max_call_depth {
        return Err(Error::exhaustion("call stack exhausted"));
    }
    Ok(())
}

/// Stores a new continuation, within the live-continuation budget.
pub(crate) fn alloc(s: &mut Store, k: ContInst) -> Result<Ref> {
    let (a, gen) = alloc_cont(s, k)?;
    Ok(Ref::Cont(a, gen))
}

/// The handler clauses of the resume instruction at `pc`.
#[inline(always)]
fn clauses(code: &Code, pc: u32) -> &[Handler] {
    match code.instrs.get(pc as usize) {
        Some(crate::syntax::Instr::TypedCont(
            Instr::Resume(_, h) | Instr::ResumeThrow(_, _, h) | Instr::ResumeThrowRef(_, h),
        )) => h,
        _ => &[],
    }
}

/// Kind-aware handler search: the innermost segment whose prompt has a clause for `tag` of the
/// right kind (`(on $e $l)` for suspend, `(on $e switch)` for switch). Returns the segment's
/// index and, for suspend, the clause's label.
#[inline(always)]
fn find_handler(s: &mut Store, th: &Thread, tag: Addr, switch: bool) -> Option<(usize, u32)> {
    let mut looked = 0;
    let found = search(s, th, tag, switch, &mut looked);
    s.counters.search_steps += looked;
    found
}

#[inline(always)]
fn search(
    s: &Store,
    th: &Thread,
    tag: Addr,
    switch: bool,
    looked: &mut u64,
) -> Option<(usize, u32)> {
    for (k, sg) in th.segs.iter().enumerate().rev() {
        if let Prompt::Host = sg.prompt {
            break; // a suspension never crosses a host function (spectest.call_ref)
        }
        if let Prompt::Resume { func, pc, inst } = sg.prompt {
            *looked += 1;
            let tags = &s.modules[inst as usize].tags;
            let Some(code) = crate::exec::wasm_code(s, func) else {
                continue;
            };
            for h in clauses(code, pc) {
                match *h {
                    Handler::OnLabel(x, l) if !switch && tags[x as usize] == tag => {
                        return Some((k, l))
                    }
                    Handler::OnSwitch(x) if switch && tags[x as usize] == tag => {
                        return Some((k, 0))
                    }
                    _ => {}
                }
            }
        }
    }
    None
}

/// Cuts the segments from `k` up off the thread as a continuation; returns it and the prompt
/// that was at its bottom.
#[inline(always)]
fn capture(s: &mut Store, th: &mut Thread, k: usize) -> (ContInst, Prompt) {
    let mut segs = s.conts.cut_segments(&mut th.segs, k);
    let prompt = match segs.bottom_mut() {
        Some(sg) => std::mem::replace(&mut sg.prompt, Prompt::Unset),
        None => Prompt::Unset,
    };
    let depth = segs.frames();
    th.depth -= depth;
    (
        ContInst {
            segs,
            depth,
            start: None,
        },
        prompt,
    )
}

/// Pushes continuation `k` back on the thread under `prompt` (its arguments are already on its
/// top segment), and starts its function if it never ran.
#[inline(always)]
fn reinstate(s: &mut Store, th: &mut Thread, k: ContInst, prompt: Prompt) -> Result<()> {
    let ContInst {
        mut segs,
        depth,
        start,
    } = k;
    if th.depth + depth > s.config.max_call_depth {
        return Err(Error::exhaustion("call stack exhausted"));
    }
    if let Some(sg) = segs.bottom_mut() {
        sg.prompt = prompt;
    }
    th.depth += depth;
    s.conts.put_segments(&mut th.segs, segs);
    s.counters.switches += 1;
    if let Some(f) = start {
        call(s, th, f)?;
    }
    Ok(())
}

/// One typed-cont reduction step; `pc` is the instruction's position in `code`.
pub fn step(
    s: &mut Store,
    th: &mut Thread,
    code: &Rc<Code>,
    pc: usize,
    ia: Addr,
    func: Addr,
    i: &Instr,
) -> Result<Rule> {
    let prompt = || Prompt::Resume {
        func,
        pc: pc as u32,
        inst: ia,
    };
    match i {
        Instr::ContNew(_) => {
            // cont.new: a continuation that will call the function when resumed.
            let f = match th.top()?.pop_ref()? {
                Ref::Func(a) => a,
                _ => return Err(trap("null function reference")), // cont.new-null
            };
            let r = alloc(
                s,
                ContInst {
                    segs: Segs::One(Segment::new(Prompt::Unset)),
                    depth: 0,
                    start: Some(f),
                },
            )?;
            th.top()?.vals.push(Val::Ref(r));
            Ok("cont.new")
        }
        Instr::ContBind(ct, ct2) => {
            // cont.bind: the first arguments go onto the continuation's stack; the old
            // reference is consumed and a new one made (in the slot it frees, so the
            // live-continuation budget cannot fail in between).
            let n = cont_arity(s, ia, *ct)?.0 - cont_arity(s, ia, *ct2)?.0;
            let (a, gen) = cont_operand(th.top()?)?;
            check_cont(s, a, gen)?;
            let args = th.top()?.pop_n(n)?;
            let mut k = take_cont(s, a, gen)?;
            if let Some(top) = k.segs.last_mut() {
                top.vals.extend(args);
            }
            let r = alloc(s, k)?;
            th.top()?.vals.push(Val::Ref(r));
            Ok("cont.bind")
        }
        Instr::Suspend(x) => {
            // resume-suspend: the context up to the handling prompt becomes a continuation;
            // the handler's label receives the tag's arguments and that continuation.
            let tag = s.modules[ia as usize].tags[*x as usize];
            let (k, l) = find_handler(s, th, tag, false).ok_or_else(|| unhandled(s, tag))?;
            let n = s.tags[tag as usize].params;
            // The live-continuation budget is checked before anything moves.
            cont_room(s)?;
            let (mut cont, _handlers) = capture(s, th, k);
            // The tag's arguments move from the suspended top to the resumer.
            let sg = th.top()?;
            if n > 0 {
                let from = cont
                    .segs
                    .last_mut()
                    .ok_or_else(|| Error::crash("empty continuation"))?;
                move_top(&mut from.vals, &mut sg.vals, n)?;
            }
            let (a, gen) = store_cont(s, cont);
            s.counters.switches += 1;
            let sg = th.top()?;
            sg.vals.push(Val::Ref(Ref::Cont(a, gen)));
            sg.branch(l)?;
            Ok("resume-suspend")
        }
        Instr::Resume(_, _) => {
            // resume: run the continuation under a prompt with this instruction's handlers.
            // The arity of `$ct`'s function type (`Code::new`'s side table).
            let n = code.side[pc].params as usize;
            let (a, gen) = cont_operand(th.top()?)?;
            fits(s, th.depth, check_cont(s, a, gen)?)?;
            let mut k = take_cont(s, a, gen)?;
            // The arguments move from the resumer onto the continuation's top.
            if n > 0 {
                if let Some(top) = k.segs.last_mut() {
                    move_top(&mut th.top()?.vals, &mut top.vals, n)?;
                }
            }
            reinstate(s, th, k, prompt())?;
            Ok("resume")
        }
        Instr::ResumeThrow(_, x, _) => {
            let tag = s.modules[ia as usize].tags[*x as usize];
            let (a, gen) = cont_operand(th.top()?)?;
            fits(s, th.depth, check_cont(s, a, gen)?)?;
            let n = s.tags[tag as usize].params;
            let fields = th.top()?.pop_n(n)?;
            let k = take_cont(s, a, gen)?;
            let e = alloc_exn(s, tag, fields);
            resume_throw(s, th, k, e, prompt())
        }
        Instr::ResumeThrowRef(..) => {
            // The continuation is checked first, then the exception reference
            // (resume_throw_ref-null-exn); only then is the continuation consumed.
            let (a, gen) = cont_operand(th.top()?)?;
            fits(s, th.depth, check_cont(s, a, gen)?)?;
            let e = match th.top()?.pop_ref()? {
                Ref::Exn(e) => e,
                _ => return Err(trap("null exception reference")), // resume_throw_ref-null-exn
            };
            let k = take_cont(s, a, gen)?;
            resume_throw(s, th, k, e, prompt())
        }
        Instr::Switch(_, x) => {
            // switch: capture the current continuation up to the prompt handling `$e` for
            // switch, and run the target under that same prompt with the captured one as its
            // last argument. The target is checked, the handler found and the depth budget
            // checked before the target is consumed.
            let tag = s.modules[ia as usize].tags[*x as usize];
            // All but the last parameter of `$ct`'s function type (`Code::new`'s side table).
            let n = (code.side[pc].params as usize).saturating_sub(1);
            let (a, gen) = cont_operand(th.top()?)?;
            let target = check_cont(s, a, gen)?;
            let needs = target.depth + target.start.is_some() as usize;
            let (k, _) = find_handler(s, th, tag, true).ok_or_else(|| unhandled(s, tag))?;
            let captured: usize = th.segs[k..].iter().map(|g| g.frames.len()).sum();
            if th.depth - captured + needs > s.config.max_call_depth {
                return Err(Error::exhaustion("call stack exhausted"));
            }
            let Some(at) = th.top()?.vals.len().checked_sub(n) else {
                return Err(Error::crash("operand stack underflow"));
            };
            // From here on nothing fails: the target's slot goes straight to the captured
            // continuation (`ContStore::take_keep`, `refill`).
            let mut target = s
                .conts
                .take_keep(a, gen)
                .ok_or_else(|| trap("continuation already consumed"))?;
            if let (true, Segs::One(cur)) = (k + 1 == th.segs.len(), &mut target.segs) {
                // The usual case, one segment each way: the running segment and the target's
                // trade places (the prompt stays on the thread), and the target's
                // continuation, now holding the captured segment, goes back to its slot.
                let top = th.top_box()?;
                std::mem::swap(top, cur);
                std::mem::swap(&mut top.prompt, &mut cur.prompt);
                if n > 0 {
                    top.vals.extend(cur.vals.drain(at..));
                }
                let start = target.start.take();
                th.depth = th.depth - captured + target.depth;
                target.depth = captured;
                let (a, gen) = s.conts.refill(a, target);
                th.top()?.vals.push(Val::Ref(Ref::Cont(a, gen)));
                s.counters.switches += 1;
                if let Some(f) = start {
                    call(s, th, f)?;
                }
                return Ok("switch-handled");
            }
            // The arguments move from the switcher's top onto the target's, the captured
            // continuation after them.
            let to = target
                .segs
                .last_mut()
                .map(|sg| &mut sg.vals)
                .ok_or_else(|| Error::crash("empty continuation"))?;
            if n > 0 {
                to.extend(th.top()?.vals.drain(at..));
            }
            let (cur, prompt) = capture(s, th, k);
            let (a, gen) = s.conts.refill(a, cur);
            to.push(Val::Ref(Ref::Cont(a, gen)));
            reinstate(s, th, target, prompt)?;
            Ok("switch-handled")
        }
    }
}

/// `resume_throw`: a never-started continuation is dropped and the exception raised at the
/// resumer (`resume_throw-unstarted`); otherwise it is raised at the suspension point.
fn resume_throw(
    s: &mut Store,
    th: &mut Thread,
    k: ContInst,
    e: Addr,
    prompt: Prompt,
) -> Result<Rule> {
    if k.start.is_some() {
        drop(k);
        throw(s, th, e)?;
        return Ok("resume_throw-unstarted");
    }
    reinstate(s, th, k, prompt)?;
    throw(s, th, e)?;
    Ok("resume_throw")
}
