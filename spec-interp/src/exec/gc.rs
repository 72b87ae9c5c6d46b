//! Garbage collection: a tracing collector over the explicit configuration (`docs/gc.md`).
//!
//! The heap objects are the store's structures, arrays, exceptions, continuations and stacks.
//! A collection marks every object reachable from the roots, then sweeps: the slot of every
//! unmarked object is emptied and goes on its free list.
//!
//! - Roots: the running thread's segments (values, locals, the shared locals of
//!   effect-handlers frames), every global, table and element segment of the store (module
//!   instances live as long as the store, so all of theirs are roots), and the values the host
//!   holds (`Gc::host_roots`, plus those a step holds while it collects).
//! - Tracing: structure and array fields, exception payloads, and the segments of a suspended
//!   continuation or stack (values, locals, shared locals; a continuation's values include
//!   those `cont.bind` / `stack.bind` bound). A reference to a consumed continuation or stack
//!   (a stale generation) keeps nothing alive.
//! - Marking is a loop over an explicit worklist, never a Rust recursion: a million-long list
//!   of structures collects in constant host stack.
//! - Collections happen between two steps (`step::run`), when the configuration is complete,
//!   once the bytes allocated since the last collection exceed `GROWTH` times the live bytes
//!   it found (at least `MIN_THRESHOLD`), or before a budget would be exceeded; and inside a
//!   step that needs heap over the budget (`reserve`), before it touches its operands.
//!
//! Legend: `s` store, `th` thread, `sg` segment, `t` tracer, `m` marks, `r` reference, `v`
//! value, `vs` values, `a` slot address, `g` generation.

use super::step::{charge_heap, ref_bytes, segment_bytes, val_bytes};
use super::store::*;
use super::thread::{Segment, Thread};
use super::Store;
use crate::diag::Result;
use crate::runtime::{Addr, Ref, Val};

/// A collection is due once at least this many bytes were allocated since the last one...
pub const MIN_THRESHOLD: u64 = 4 << 20;
/// ...and more than `GROWTH` times the live bytes the last collection found.
pub const GROWTH: u64 = 2;
/// What storing a continuation or a stack counts for in the allocation tally: about its slot
/// and one small segment.
pub const CONT_BYTES: u64 = 256;

/// The collector's state in the store.
#[derive(Debug)]
pub struct Gc {
    /// What was allocated since the last collection: bytes of structures, arrays and
    /// exceptions, `CONT_BYTES` per continuation or stack stored beyond the most stored
    /// since the last collection (`stored`).
    pub allocated: u64,
    /// A collection is due when `allocated` exceeds this (`due`): `threshold`, or 0 in stress
    /// mode or once the live continuations (stacks) reach their budget.
    pub limit: u64,
    /// The limit the last collection set: twice the live bytes, at least `MIN_THRESHOLD`, at
    /// most the room left in the heap budget.
    pub threshold: u64,
    /// Bytes the last collection found reachable: heap objects, segments, tables.
    pub live_bytes: u64,
    /// Collections so far.
    pub collections: u64,
    /// Nonzero while a module is instantiated: its constant expressions run with values in
    /// Rust locals that are no roots, so nothing is collected then.
    pub paused: u32,
    /// The most continuations and stacks stored at once since the last collection
    /// (`stored`).
    pub peak_live: usize,
    /// Values the host holds between invocations (the script runner keeps the last action's
    /// results there until the next action).
    pub host_roots: Vec<Val>,
}

impl Default for Gc {
    fn default() -> Gc {
        Gc {
            allocated: 0,
            limit: MIN_THRESHOLD,
            threshold: MIN_THRESHOLD,
            live_bytes: 0,
            collections: 0,
            paused: 0,
            peak_live: 0,
            host_roots: Vec::new(),
        }
    }
}

/// Is a collection due before the next step? Checked between every two steps, so it is one
/// comparison; `Gc::limit` says when (see `stored`, `reserve`, `collect`).
pub fn due(s: &Store) -> bool {
    s.gc.allocated > s.gc.limit
}

/// Counts a continuation or stack just stored; `live`: how many there are now (of its kind).
/// Reaching the budget makes a collection due, so that the budget counts only reachable ones.
///
/// Only growth counts: a continuation that replaces one just consumed (a suspension after a
/// resume, a `switch`) reuses its slot, and garbage can only pile up as more slots filled
/// than emptied. So the tally grows by `CONT_BYTES` each time the number stored (both kinds)
/// goes past its highest since the last collection, and a generator resumed a billion times
/// causes no collection at all.
pub fn stored(s: &mut Store, live: usize) {
    let total = s.conts.live + s.stacks.live;
    if total > s.gc.peak_live {
        s.gc.peak_live = total;
        s.gc.allocated = s.gc.allocated.saturating_add(CONT_BYTES);
    }
    if live >= s.config.max_live_conts || s.config.gc_stress {
        s.gc.limit = 0;
    }
}

/// Takes `bytes` for a new heap object from the heap budget, collecting first when the budget
/// would be exceeded. `extra`: values the step holds outside the configuration. Called before
/// the step changes the configuration, so what it still needs is reachable.
pub fn reserve(s: &mut Store, th: &Thread, bytes: u64, extra: &[Val]) -> Result<()> {
    if s.heap_bytes.saturating_add(bytes) > s.config.max_heap_bytes && s.gc.paused == 0 {
        collect(s, th, extra);
    }
    charge_heap(s, bytes)?;
    s.gc.allocated = s.gc.allocated.saturating_add(bytes);
    if s.config.gc_stress {
        s.gc.limit = 0;
    }
    Ok(())
}

/// Collects: marks what the roots reach (`th`, the store's globals, tables and element
/// segments, `Gc::host_roots`, `extra`), then sweeps the rest into the free lists.
pub fn collect(s: &mut Store, th: &Thread, extra: &[Val]) {
    let m = mark(s, th, extra);
    sweep(s, &m);
    let gc = &mut s.gc;
    gc.collections += 1;
    gc.live_bytes = m.bytes;
    gc.allocated = 0;
    gc.peak_live = s.conts.live + s.stacks.live;
    // The next collection: when twice the live bytes were allocated, or before the heap
    // budget would be exceeded (then the budget counts only what is reachable).
    let heap_room = s.config.max_heap_bytes.saturating_sub(s.heap_bytes);
    s.gc.threshold = MIN_THRESHOLD
        .max(GROWTH.saturating_mul(m.bytes))
        .min(heap_room);
    let full = s.conts.live.max(s.stacks.live) >= s.config.max_live_conts;
    s.gc.limit = if s.config.gc_stress || full {
        0
    } else {
        s.gc.threshold
    };
}

/// One mark bit per slot of each kind of heap object, and the bytes traced.
#[derive(Default)]
struct Marks {
    structs: Vec<bool>,
    arrays: Vec<bool>,
    exns: Vec<bool>,
    conts: Vec<bool>,
    stacks: Vec<bool>,
    bytes: u64,
}

/// A marked object whose fields are still to be traced.
enum Obj {
    Struct(Addr),
    Array(Addr),
    Exn(Addr),
    Cont(Addr),
    Stack(Addr),
}

/// The mark phase's state: the marks so far and the worklist of marked, untraced objects.
struct Tracer<'s> {
    s: &'s Store,
    m: Marks,
    work: Vec<Obj>,
}

fn mark(s: &Store, th: &Thread, extra: &[Val]) -> Marks {
    let mut t = Tracer {
        s,
        m: Marks {
            structs: vec![false; s.structs.slots.len()],
            arrays: vec![false; s.arrays.slots.len()],
            exns: vec![false; s.exns.slots.len()],
            conts: vec![false; s.conts.slots.len()],
            stacks: vec![false; s.stacks.slots.len()],
            bytes: 0,
        },
        work: Vec::new(),
    };
    // Roots: the running thread...
    for sg in &th.segs {
        t.segment(sg);
    }
    // ...the module instances' globals, tables and element segments...
    for g in &s.globals {
        t.val(&g.val);
    }
    for tab in &s.tables {
        t.m.bytes += ref_bytes(tab.elems.len() as u64);
        for r in &tab.elems {
            t.reference(r);
        }
    }
    for e in &s.elems {
        t.m.bytes += ref_bytes(e.elems.len() as u64);
        for r in &e.elems {
            t.reference(r);
        }
    }
    // ...and what the host holds.
    t.vals(&s.gc.host_roots);
    t.vals(extra);
    t.trace();
    t.m
}

impl Tracer<'_> {
    fn vals(&mut self, vs: &[Val]) {
        for v in vs {
            self.val(v);
        }
    }

    fn val(&mut self, v: &Val) {
        if let Val::Ref(r) = v {
            self.reference(r);
        }
    }

    /// Marks the object `r` refers to, if any, and queues it for tracing.
    fn reference(&mut self, r: &Ref) {
        let mut r = r;
        while let Ref::Extern(inner) = r {
            r = inner;
        }
        let s = self.s;
        let (obj, marks) = match *r {
            Ref::Struct(a) => (Obj::Struct(a), &mut self.m.structs),
            Ref::Array(a) => (Obj::Array(a), &mut self.m.arrays),
            Ref::Exn(a) => (Obj::Exn(a), &mut self.m.exns),
            // A consumed continuation's reference (stale generation) keeps nothing alive.
            Ref::Cont(a, g)
                if s.conts
                    .slots
                    .get(a as usize)
                    .is_some_and(|slot| slot.gen == g && slot.cont.is_some()) =>
            {
                (Obj::Cont(a), &mut self.m.conts)
            }
            Ref::Stack(a, g)
                if s.stacks
                    .slots
                    .get(a as usize)
                    .is_some_and(|slot| slot.gen == g && slot.stack.is_some()) =>
            {
                (Obj::Stack(a), &mut self.m.stacks)
            }
            // null, i31, function and host references, stale references: nothing to keep.
            _ => return,
        };
        let a = match obj {
            Obj::Struct(a) | Obj::Array(a) | Obj::Exn(a) | Obj::Cont(a) | Obj::Stack(a) => a,
        };
        if let Some(bit) = marks.get_mut(a as usize) {
            if !*bit {
                *bit = true;
                self.work.push(obj);
            }
        }
    }

    /// A segment of the thread, of a continuation or of a stack.
    fn segment(&mut self, sg: &Segment) {
        self.m.bytes += segment_bytes(sg);
        self.vals(&sg.vals);
        self.vals(&sg.locals);
        for fr in &sg.frames {
            if let Some(cell) = &fr.shared {
                let locals = cell.borrow();
                self.m.bytes += val_bytes(locals.len() as u64);
                self.vals(&locals);
            }
        }
    }

    /// Traces the marked objects until the worklist is empty.
    fn trace(&mut self) {
        let s = self.s;
        while let Some(obj) = self.work.pop() {
            match obj {
                Obj::Struct(a) => {
                    let x = &s.structs[a as usize];
                    self.m.bytes += struct_bytes(x);
                    self.vals(&x.fields);
                }
                Obj::Array(a) => {
                    let x = &s.arrays[a as usize];
                    self.m.bytes += array_bytes(x);
                    self.vals(&x.elems);
                }
                Obj::Exn(a) => {
                    let x = &s.exns[a as usize];
                    self.m.bytes += exn_bytes(x);
                    self.vals(&x.fields);
                }
                Obj::Cont(a) => {
                    if let Some(k) = &s.conts.slots[a as usize].cont {
                        for sg in k.segs.iter() {
                            self.segment(sg);
                        }
                    }
                }
                Obj::Stack(a) => {
                    if let Some(st) = &s.stacks.slots[a as usize].stack {
                        self.segment(&st.seg);
                    }
                }
            }
        }
    }
}

/// What a heap object counts for in the heap budget (as charged when it was allocated).
pub fn struct_bytes(x: &StructInst) -> u64 {
    val_bytes(x.fields.len() as u64 + 2)
}

pub fn array_bytes(x: &ArrayInst) -> u64 {
    val_bytes(x.elems.len() as u64 + 2)
}

pub fn exn_bytes(x: &ExnInst) -> u64 {
    val_bytes(x.fields.len() as u64 + 2)
}

/// Empties the slots of unmarked objects and returns their bytes to the heap budget; trims the
/// segments of the live continuations and stacks (`Segment::trim`).
fn sweep(s: &mut Store, m: &Marks) {
    let mut freed = sweep_heap(&mut s.structs, &m.structs, struct_bytes);
    freed += sweep_heap(&mut s.arrays, &m.arrays, array_bytes);
    freed += sweep_heap(&mut s.exns, &m.exns, exn_bytes);
    s.heap_bytes = s.heap_bytes.saturating_sub(freed);
    for (a, &marked) in m.conts.iter().enumerate() {
        let slot = &mut s.conts.slots[a];
        if marked {
            // A live continuation gives back what a deep recursion left in its vectors.
            if let Some(k) = &mut slot.cont {
                k.segs.iter_mut().for_each(|sg| sg.trim());
            }
        } else {
            // As if consumed: the generation moves on, so no old reference is valid.
            s.conts.collect(a as Addr);
        }
    }
    for (a, &marked) in m.stacks.iter().enumerate() {
        if marked {
            if let Some(st) = &mut s.stacks.slots[a].stack {
                st.seg.trim();
            }
        } else {
            // As if consumed: the generation moves on, so no old reference is valid.
            s.stacks.collect(a as Addr);
        }
    }
}

fn sweep_heap<T>(h: &mut Heap<T>, marks: &[bool], bytes: fn(&T) -> u64) -> u64 {
    let mut freed = 0;
    for (a, &marked) in marks.iter().enumerate() {
        if !marked {
            if let Some(x) = h.slots[a].take() {
                freed += bytes(&x);
                h.free.push(a as Addr);
            }
        }
    }
    freed
}

#[cfg(test)]
mod tests;
