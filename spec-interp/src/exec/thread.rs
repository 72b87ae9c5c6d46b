//! The configuration's thread (4.2.12 "configurations", 4.2.13 "evaluation contexts"), as data.
//!
//! The spec's evaluation context `E` nests labels and frames around the redex. Here it is an
//! explicit stack with the redex on top, cut into *segments*: each segment is a value stack plus
//! its control (labels, frames, locals), and its bottom is a *prompt* (the host's root, or the
//! handlers a `resume` installed). A continuation is a run of whole segments moved out of the
//! thread; resuming moves them back. So finding the redex, branching, calling, suspending and
//! resuming never walk the context.
//!
//! Legend: `sg` segment, `fr` frame, `l` label index, `lab` label, `vs` values.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use super::code::Code;
use crate::diag::{Error, Result};
use crate::runtime::{Addr, Val};

/// What kind of construct a label belongs to (what a branch to it does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    /// `block`, `if`: a branch continues after the `end`.
    Block,
    /// `loop`: a branch continues at the loop's start and keeps the label.
    Loop,
    /// `try_table` at position `pc`: also the handler of its catch clauses.
    Try(u32),
    /// The function body's own label: a branch to it returns.
    Body,
    /// A design's block at position `pc` (effect-handlers' `handle`).
    Design(u32),
}

/// A label `label_n{cont}` (4.2.12.2): `arity` values are carried by a branch, which continues
/// at `cont` with the value stack cut back to `height`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub arity: u32,
    pub cont: u32,
    pub height: u32,
    pub kind: LabelKind,
}

/// A frame `frame_n{F}` (4.2.12.1). Its locals are `sg.locals[local_base..]`, its labels
/// `sg.labels[label_base..]` (the first one is the body's), its operand stack
/// `sg.vals[val_base..]`.
#[derive(Clone, Debug)]
pub struct Frame {
    pub code: Rc<Code>,
    /// The module instance.
    pub inst: Addr,
    /// The function address (`u32::MAX` for constant expressions).
    pub func: Addr,
    /// Position of the next instruction in `code`.
    pub pc: u32,
    pub local_base: u32,
    pub label_base: u32,
    pub val_base: u32,
    pub arity: u32,
    /// effect-handlers: `Some` once the function opened a `handle` block; its locals then live
    /// in this cell (not in `sg.locals`), shared with the handle's body and clauses wherever
    /// they run (`proposals/effect-handlers/README.md` §3.3 "Locals").
    pub shared: Option<Rc<RefCell<Vec<Val>>>>,
}

/// The bottom of a segment. Plain data (no reference counts): a prompt names its handler
/// clauses by the function and position of the instruction that installed it, so installing and
/// dropping one on every switch costs no more than writing it.
#[derive(Clone, Copy, Debug)]
pub enum Prompt {
    /// The host: an invocation (or a constant expression) starts here and returns from here.
    Root,
    /// Not installed: the bottom of a continuation that waits for a `resume`.
    Unset,
    /// effect-handlers: a handle block's handler entry; its bottom frame runs the body or a
    /// clause (`crate::effect_handlers::exec`).
    Handle(crate::effect_handlers::exec::Entry),
    /// typed-cont `resume*`: the handler clauses are those of the resume instruction at `pc` in
    /// the code of function `func` (`exec::wasm_code`), with tags of module instance `inst`.
    /// The resumer is the segment below.
    Resume { func: Addr, pc: u32, inst: Addr },
    /// A host function called back into Wasm (`spectest.call_ref`): a new host activation on
    /// top of the blocked one. Its results go to the segment below; exceptions go on there;
    /// a design's handler search stops here (nothing is captured across the host).
    Host,
    /// raw-stacks: the bottom of a non-root stack. Returning or throwing past it traps
    /// ("stack returned", "uncaught exception at stack base").
    Stack,
}

/// One segment of the evaluation context.
#[derive(Clone, Debug)]
pub struct Segment {
    pub vals: Vec<Val>,
    pub locals: Vec<Val>,
    pub labels: Vec<Label>,
    pub frames: Vec<Frame>,
    pub prompt: Prompt,
}

impl Segment {
    /// A new empty segment, boxed: segments move between the thread, continuations and stacks
    /// on every switch, and a box moves as one pointer.
    pub fn new(prompt: Prompt) -> Box<Segment> {
        Box::new(Segment {
            vals: Vec::new(),
            locals: Vec::new(),
            labels: Vec::new(),
            frames: Vec::new(),
            prompt,
        })
    }

    /// Gives back the capacity a deep recursion left behind once it unwound: a segment's
    /// vectors grow with the deepest activation and would keep that size as long as the
    /// segment lives (a long invocation, a continuation). A vector with more than
    /// `SPARE_BYTES` of spare capacity and at most a quarter of it in use shrinks to twice
    /// its length. Called now and then (the run loop's audit of the contexts, each
    /// collection), never per step.
    pub fn trim(&mut self) {
        trim_vec(&mut self.vals);
        trim_vec(&mut self.locals);
        trim_vec(&mut self.labels);
        trim_vec(&mut self.frames);
    }

    pub fn pop(&mut self) -> Result<Val> {
        pop(&mut self.vals)
    }

    pub fn pop_i32(&mut self) -> Result<i32> {
        pop_i32(&mut self.vals)
    }

    /// An address or length operand: `i32` (zero-extended) or `i64`.
    pub fn pop_addr(&mut self) -> Result<u64> {
        pop_addr(&mut self.vals)
    }

    #[inline]
    pub fn pop_ref(&mut self) -> Result<crate::runtime::Ref> {
        match self.vals.pop() {
            Some(Val::Ref(r)) => Ok(r),
            _ => Err(underflow()),
        }
    }

    /// A continuation reference operand, read in place as the number poppers do: its slot and
    /// generation, `None` for a null reference. (Moving the reference out would run its drop
    /// glue, as a `Ref` may own a box; a continuation reference owns nothing.)
    #[inline(always)]
    pub fn pop_cont(&mut self) -> Result<Option<(Addr, u32)>> {
        match self.vals.last() {
            Some(Val::Ref(crate::runtime::Ref::Cont(a, gen))) => {
                let k = (*a, *gen);
                // Nothing to drop: the value is two numbers.
                std::mem::forget(self.vals.pop());
                Ok(Some(k))
            }
            Some(Val::Ref(_)) => {
                self.vals.pop();
                Ok(None)
            }
            _ => Err(underflow()),
        }
    }

    /// The top `n` values, removed.
    pub fn pop_n(&mut self, n: usize) -> Result<Vec<Val>> {
        let len = self.vals.len();
        if n > len {
            return Err(underflow());
        }
        Ok(self.vals.split_off(len - n))
    }

    pub fn frame(&mut self) -> Result<&mut Frame> {
        self.frames
            .last_mut()
            .ok_or_else(|| Error::crash("no frame"))
    }

    /// Keeps the top `arity` values and drops those between `height` and them.
    pub fn cut(&mut self, height: u32, arity: u32) {
        cut(&mut self.vals, height, arity)
    }

    /// Branch to label `l` of the current frame (`br-label-zero` / `br-label-succ` collapsed:
    /// the labels in between are popped at once).
    #[inline(always)]
    pub fn branch(&mut self, l: u32) -> Result<()> {
        let Segment {
            vals,
            labels,
            frames,
            ..
        } = self;
        let fr = frames.last_mut().ok_or_else(|| Error::crash("no frame"))?;
        branch(vals, labels, &mut fr.pc, l)
    }
}

// The operand-stack and branch primitives over a segment's parts, so that the step function
// can hold the frame's code while it changes the values and labels beside it.

#[inline]
pub fn pop(vs: &mut Vec<Val>) -> Result<Val> {
    vs.pop().ok_or_else(underflow)
}

// The number poppers read the payload in place before dropping the value, instead of moving
// the whole value out: a wide copy of a value just written field by field stalls the CPU
// (store forwarding fails), and these run on nearly every step.

#[inline]
pub fn pop_i32(vs: &mut Vec<Val>) -> Result<i32> {
    let x = match vs.last() {
        Some(Val::I32(x)) => *x,
        _ => return Err(underflow()),
    };
    vs.pop();
    Ok(x)
}

/// Moves the top `n` values of `from` onto `to` (a continuation's arguments or results).
#[inline]
pub fn move_top(from: &mut Vec<Val>, to: &mut Vec<Val>, n: usize) -> Result<()> {
    let at = from.len().checked_sub(n).ok_or_else(underflow)?;
    if n > 0 {
        to.extend(from.drain(at..));
    }
    Ok(())
}

/// An address or length operand: `i32` (zero-extended) or `i64`.
#[inline]
pub fn pop_addr(vs: &mut Vec<Val>) -> Result<u64> {
    let x = match vs.last() {
        Some(Val::I32(x)) => *x as u32 as u64,
        Some(Val::I64(x)) => *x as u64,
        _ => return Err(underflow()),
    };
    vs.pop();
    Ok(x)
}

/// Keeps the top `arity` values of `vs` and drops those between `height` and them.
#[inline(always)]
pub fn cut(vs: &mut Vec<Val>, height: u32, arity: u32) {
    let len = vs.len();
    let keep_from = len.saturating_sub(arity as usize);
    let h = (height as usize).min(keep_from);
    if h == keep_from {
        // Nothing between: the common case of a branch out of a block that left only its
        // results.
    } else if keep_from == len {
        vs.truncate(h);
    } else {
        vs.drain(h..keep_from);
    }
}

/// Branch to label `l` (counted from the innermost of `labels`), setting the frame's `pc`.
#[inline(always)]
pub fn branch(vs: &mut Vec<Val>, labels: &mut Vec<Label>, pc: &mut u32, l: u32) -> Result<()> {
    let li = labels
        .len()
        .checked_sub(1 + l as usize)
        .ok_or_else(|| Error::crash("no such label"))?;
    let lab = labels[li];
    cut(vs, lab.height, lab.arity);
    // A loop keeps its label; so does a design block, whose `cont` is its own `end`.
    let keep = matches!(lab.kind, LabelKind::Loop | LabelKind::Design(_));
    labels.truncate(if keep { li + 1 } else { li });
    *pc = lab.cont;
    Ok(())
}

/// The segments of a continuation, bottom first. Mostly there is one (a generator's, a green
/// thread's), held without a vector, so that capturing and reinstating it allocates nothing
/// and moves one pointer. As a slice (`Deref`) it is never empty.
#[derive(Debug)]
pub enum Segs {
    One(Box<Segment>),
    Many(Vec<Box<Segment>>),
}

impl Segs {
    /// The bottom segment (where a prompt goes), without going through the slice.
    #[inline(always)]
    pub fn bottom_mut(&mut self) -> Option<&mut Segment> {
        match self {
            Segs::One(sg) => Some(sg),
            Segs::Many(v) => v.first_mut().map(|sg| &mut **sg),
        }
    }

    /// The frames of all the segments.
    #[inline(always)]
    pub fn frames(&self) -> usize {
        match self {
            Segs::One(sg) => sg.frames.len(),
            Segs::Many(v) => v.iter().map(|sg| sg.frames.len()).sum(),
        }
    }

    /// The capacity of the vector of `Many` (0 for `One`): the host bytes it holds.
    pub fn vec_capacity(&self) -> usize {
        match self {
            Segs::One(_) => 0,
            Segs::Many(v) => v.capacity(),
        }
    }
}

impl std::ops::Deref for Segs {
    type Target = [Box<Segment>];
    #[inline(always)]
    fn deref(&self) -> &[Box<Segment>] {
        match self {
            Segs::One(sg) => std::slice::from_ref(sg),
            Segs::Many(v) => v,
        }
    }
}

impl std::ops::DerefMut for Segs {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [Box<Segment>] {
        match self {
            Segs::One(sg) => std::slice::from_mut(sg),
            Segs::Many(v) => v,
        }
    }
}

/// A thread: the stack of segments of the current evaluation, root first.
#[derive(Debug)]
pub struct Thread {
    pub segs: Vec<Box<Segment>>,
    /// Frames in `segs` (the call depth budget counts them).
    pub depth: usize,
    /// Unique among all threads ever made: with a segment's index it names a host activation
    /// (raw-stacks refuses to switch to the root of another activation).
    pub id: u64,
}

impl Thread {
    pub fn new() -> Thread {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Thread {
            segs: vec![Segment::new(Prompt::Root)],
            depth: 0,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    #[inline(always)]
    pub fn top(&mut self) -> Result<&mut Segment> {
        match self.segs.last_mut() {
            Some(sg) => Ok(sg),
            None => Err(Error::crash("no segment")),
        }
    }

    /// The top segment's box, to trade it for another segment (a switch) by moving a pointer.
    #[inline(always)]
    pub fn top_box(&mut self) -> Result<&mut Box<Segment>> {
        self.segs
            .last_mut()
            .ok_or_else(|| Error::crash("no segment"))
    }
}

/// Spare capacity a segment's vector may keep (see `Segment::trim`).
pub const SPARE_BYTES: usize = 64 << 10;

fn trim_vec<T>(v: &mut Vec<T>) {
    let spare = (v.capacity() - v.len()) * std::mem::size_of::<T>();
    if spare > SPARE_BYTES && v.capacity() >= 4 * v.len() {
        v.shrink_to(2 * v.len());
    }
}

pub fn underflow() -> Error {
    Error::crash("operand stack underflow")
}

impl fmt::Display for Segment {
    /// A compact rendering for traces: prompt, frames with their labels, values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prompt = match &self.prompt {
            Prompt::Root => "root".to_string(),
            Prompt::Unset => "unset".to_string(),
            Prompt::Handle(h) => {
                format!("handle@{}{}", h.pc, if h.clause { "/clause" } else { "" })
            }
            Prompt::Resume { pc, .. } => format!("resume@{pc}"),
            Prompt::Host => "host".to_string(),
            Prompt::Stack => "stack".to_string(),
        };
        write!(f, "[{prompt}]")?;
        // The top frames only, as for the values: a trace line per step must not grow with
        // the call depth.
        let hidden = self.frames.len().saturating_sub(4);
        if hidden > 0 {
            write!(f, " ..{hidden} frames")?;
        }
        for fr in &self.frames[hidden..] {
            write!(f, " frame(f{} pc={})", fr.code.func_idx, fr.pc)?;
        }
        write!(f, " labels={}", self.labels.len())?;
        let vs: Vec<String> = self.vals.iter().rev().take(4).map(show_val).collect();
        write!(
            f,
            " vals=[{}{}]",
            if self.vals.len() > 4 { ".. " } else { "" },
            vs.into_iter().rev().collect::<Vec<_>>().join(" ")
        )
    }
}

pub fn show_val(v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32:{x}"),
        Val::I64(x) => format!("i64:{x}"),
        Val::F32(x) => format!("f32:{}", f32::from_bits(*x)),
        Val::F64(x) => format!("f64:{}", f64::from_bits(*x)),
        Val::V128(x) => format!("v128:{:#x}", **x),
        Val::Ref(r) => format!("{r:?}"),
    }
}
