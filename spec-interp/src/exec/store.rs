//! Runtime instances (4.2.4 to 4.2.13): what the store holds.
//!
//! Every instance is plain data addressed by its index in the store's vectors. Types of instances
//! (`ty` fields) are canonical type indices of the store's type registry, so that structurally
//! equal types of different modules compare equal.

use std::collections::HashMap;
use std::rc::Rc;

use super::code::Code;
use super::thread::{Segment, Segs};
use super::ExternVal;
use crate::runtime::{Addr, Ref, Val};

use crate::syntax::{AddrType, Module, RefType, ValType};

/// The host functions of the `spectest` module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostFunc {
    Print,
    PrintI32,
    PrintI64,
    PrintF32,
    PrintF64,
    PrintI32F32,
    PrintF64F64,
    /// `call_ref : [i32 funcref] -> [i32]`: calls its function as a new host activation
    /// (`proposals/raw-stacks/README.md` §6).
    CallRef,
}

/// A function instance (4.2.5).
#[derive(Clone, Debug)]
pub enum FuncInst {
    Wasm {
        ty: u32,
        inst: Addr,
        code: Rc<Code>,
    },
    Host {
        ty: u32,
        host: HostFunc,
        params: usize,
        results: usize,
    },
}

impl FuncInst {
    pub fn ty(&self) -> u32 {
        match self {
            FuncInst::Wasm { ty, .. } | FuncInst::Host { ty, .. } => *ty,
        }
    }
}

/// A table instance (4.2.6). `elem` is canonical (concrete heap types are registry indices).
#[derive(Clone, Debug)]
pub struct TableInst {
    pub addr: AddrType,
    pub max: Option<u64>,
    pub elem: RefType,
    pub elems: Vec<Ref>,
}

pub const PAGE_SIZE: usize = 65536;

/// A memory instance (4.2.7).
#[derive(Clone, Debug)]
pub struct MemInst {
    pub addr: AddrType,
    pub max: Option<u64>,
    pub bytes: Vec<u8>,
}

impl MemInst {
    pub fn pages(&self) -> u64 {
        (self.bytes.len() / PAGE_SIZE) as u64
    }
}

/// A global instance (4.2.8). `ty` is canonical.
#[derive(Clone, Debug)]
pub struct GlobalInst {
    pub mutable: bool,
    pub ty: ValType,
    pub val: Val,
}

/// A tag instance (4.2.9): identity is the address; `ty` is the canonical function type.
#[derive(Clone, Debug)]
pub struct TagInst {
    pub ty: u32,
    pub params: usize,
    pub results: usize,
}

/// An element instance (4.2.10); dropping it empties it.
#[derive(Clone, Debug)]
pub struct ElemInst {
    pub elems: Vec<Ref>,
}

/// A data instance (4.2.11); dropping it empties it.
#[derive(Clone, Debug)]
pub struct DataInst {
    pub bytes: Vec<u8>,
}

/// A structure instance (4.2.14). Packed fields hold their value zero-extended in an `I32`.
#[derive(Clone, Debug)]
pub struct StructInst {
    pub ty: u32,
    pub fields: Vec<Val>,
}

/// An array instance (4.2.15).
#[derive(Clone, Debug)]
pub struct ArrayInst {
    pub ty: u32,
    pub elems: Vec<Val>,
}

/// An exception instance (4.2.16).
#[derive(Clone, Debug)]
pub struct ExnInst {
    pub tag: Addr,
    pub fields: Vec<Val>,
}

/// A continuation: the evaluation context between a suspension and its handler's prompt, as the
/// stack segments themselves (moved, never copied). The bottom segment's prompt is empty until a
/// `resume` installs one. A continuation made by `cont.new` has one empty segment and a pending
/// call of `start`.
#[derive(Debug)]
pub struct ContInst {
    pub segs: Segs,
    /// Frames in `segs`, to keep the thread's call depth exact when they are pushed back.
    pub depth: usize,
    /// `cont.new`: the function to call on the first resume (its arguments come from `cont.bind`
    /// and `resume`).
    pub start: Option<Addr>,
}

/// The heap objects of one kind (structures, arrays or exceptions): slots addressed by
/// references (`Ref::Struct(a)`, ...). The collector (`exec::gc`) empties the slots of
/// unreachable objects and lists them in `free` for reuse; no reachable reference ever points
/// at an empty or reused slot.
#[derive(Debug)]
pub struct Heap<T> {
    pub slots: Vec<Option<T>>,
    pub free: Vec<Addr>,
}

impl<T> Default for Heap<T> {
    fn default() -> Heap<T> {
        Heap {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Heap<T> {
    /// Stores `x` in a free slot; returns its address.
    pub fn alloc(&mut self, x: T) -> Addr {
        match self.free.pop() {
            Some(a) => {
                self.slots[a as usize] = Some(x);
                a
            }
            None => {
                self.slots.push(Some(x));
                self.slots.len() as Addr - 1
            }
        }
    }

    /// Number of objects held (reachable or not yet collected).
    pub fn live(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    pub fn get(&self, a: usize) -> Option<&T> {
        self.slots.get(a).and_then(Option::as_ref)
    }
}

impl<T> std::ops::Index<usize> for Heap<T> {
    type Output = T;
    /// The object at `a`. Only a collector bug can make a reachable reference dangle, so an
    /// empty slot is a crash (the script runner reports it as such).
    fn index(&self, a: usize) -> &T {
        self.slots[a].as_ref().expect("dangling reference")
    }
}

impl<T> std::ops::IndexMut<usize> for Heap<T> {
    fn index_mut(&mut self, a: usize) -> &mut T {
        self.slots[a].as_mut().expect("dangling reference")
    }
}

/// A continuation slot: the generation counts reuses, so a stale reference is detected.
#[derive(Debug, Default)]
pub struct ContSlot {
    pub gen: u32,
    /// `cont_bytes` of `cont`, counted in `ContStore::bytes` while it is stored (its segments
    /// do not change meanwhile), so that taking it out does not measure it again.
    pub bytes: u64,
    pub cont: Option<ContInst>,
}

/// The continuation slots with their free list.
#[derive(Debug, Default)]
pub struct ContStore {
    pub slots: Vec<ContSlot>,
    pub free: Vec<Addr>,
    /// Occupied slots: continuations not yet consumed nor collected.
    pub live: usize,
    /// The host bytes of the stored continuations' segments (`step::segment_bytes`), kept up
    /// to date as they are stored and taken, so that measuring every evaluation context
    /// (`step::run`'s audit) does not visit every slot. A stored continuation's segments do
    /// not change until it is taken.
    pub bytes: u64,
    /// Empty segment vectors kept for the next capture of several segments (`cut_segments`),
    /// so that a round trip allocates nothing; one segment needs no vector (`Segs::One`).
    spare: Vec<Vec<Box<Segment>>>,
}

/// Spare segment vectors kept at most (`ContStore::spare`).
const MAX_SPARE: usize = 16;

impl ContStore {
    /// Stores `k` in a free slot; returns the slot and its generation (a typed-cont reference
    /// is `Ref::Cont(slot, gen)`, a raw-stacks one `Ref::Stack(slot, gen)`).
    #[inline(always)]
    pub fn alloc(&mut self, k: ContInst) -> (Addr, u32) {
        self.live += 1;
        let bytes = cont_bytes(&k);
        self.bytes += bytes;
        match self.free.pop() {
            Some(a) => {
                let slot = &mut self.slots[a as usize];
                // A free slot is empty: nothing to drop.
                debug_assert!(slot.cont.is_none());
                std::mem::forget(slot.cont.replace(k));
                slot.bytes = bytes;
                (a, slot.gen)
            }
            None => {
                self.slots.push(ContSlot {
                    gen: 0,
                    bytes,
                    cont: Some(k),
                });
                (self.slots.len() as Addr - 1, 0)
            }
        }
    }

    /// Moves the segments of `segs` from `k` up off it: the segments of a continuation being
    /// captured (`k` is below the top).
    #[inline(always)]
    pub fn cut_segments(&mut self, segs: &mut Vec<Box<Segment>>, k: usize) -> Segs {
        if k + 1 == segs.len() {
            // Mostly one segment: a generator's.
            if let Some(sg) = segs.pop() {
                return Segs::One(sg);
            }
        }
        match self.spare.pop() {
            Some(mut v) => {
                v.extend(segs.drain(k..));
                Segs::Many(v)
            }
            None => Segs::Many(segs.split_off(k)),
        }
    }

    /// Moves the segments of `from` onto `segs` (a continuation being reinstated) and keeps an
    /// emptied vector for the next capture.
    #[inline(always)]
    pub fn put_segments(&mut self, segs: &mut Vec<Box<Segment>>, from: Segs) {
        match from {
            Segs::One(sg) => segs.push(sg),
            Segs::Many(mut v) => {
                segs.append(&mut v);
                if self.spare.len() < MAX_SPARE && v.capacity() <= 4 {
                    self.spare.push(v);
                }
            }
        }
    }

    /// The continuation `Ref::Cont(a, gen)` refers to, if that reference is still valid
    /// (checks without consuming: every trap comes before the continuation is used up).
    #[inline(always)]
    pub fn get(&self, a: Addr, gen: u32) -> Option<&ContInst> {
        let slot = self.slots.get(a as usize)?;
        if slot.gen != gen {
            return None;
        }
        slot.cont.as_ref()
    }

    /// Takes the continuation out of its slot (one-shot): `None` when already consumed.
    #[inline(always)]
    pub fn take(&mut self, a: Addr, gen: u32) -> Option<ContInst> {
        let k = self.take_keep(a, gen)?;
        self.release(a);
        Some(k)
    }

    /// `switch`, in two halves: one continuation is consumed as another is made, so the new
    /// one takes the slot of the old and the number stored never changes. `take_keep` takes
    /// the continuation `(a, gen)` out but keeps the slot for `refill`, which stores the new
    /// one there under the next generation (every reference to the old one is stale from
    /// then on). Nothing may fail in between.
    #[inline(always)]
    pub fn take_keep(&mut self, a: Addr, gen: u32) -> Option<ContInst> {
        let slot = self.slots.get_mut(a as usize)?;
        if slot.gen != gen {
            return None;
        }
        let k = slot.cont.take()?;
        self.bytes -= slot.bytes;
        Some(k)
    }

    /// See `take_keep`. A slot whose generation would wrap is retired (as in `release`) and
    /// `k` goes to another.
    #[inline(always)]
    pub fn refill(&mut self, a: Addr, k: ContInst) -> (Addr, u32) {
        let slot = &mut self.slots[a as usize];
        slot.gen = slot.gen.wrapping_add(1);
        if slot.gen == u32::MAX {
            self.live -= 1;
            return self.alloc(k);
        }
        slot.bytes = cont_bytes(&k);
        self.bytes += slot.bytes;
        slot.cont = Some(k);
        (a, slot.gen)
    }

    /// Empties slot `a` (an unreachable continuation, for the collector); false if it was
    /// empty already.
    pub fn collect(&mut self, a: Addr) -> bool {
        let slot = &mut self.slots[a as usize];
        match slot.cont.take() {
            Some(_) => {
                self.bytes -= slot.bytes;
                self.release(a);
                true
            }
            None => false,
        }
    }

    /// Slot `a` was emptied (consumed, or collected by `exec::gc`): its generation moves on, so
    /// every reference to what it held is stale from now on. A slot whose generation would
    /// wrap is retired, never reused: otherwise a reference consumed 2^32 uses ago would
    /// become valid again, for a continuation of another type.
    #[inline(always)]
    pub fn release(&mut self, a: Addr) {
        let slot = &mut self.slots[a as usize];
        slot.gen = slot.gen.wrapping_add(1);
        if slot.gen != u32::MAX {
            self.free.push(a);
        }
        self.live -= 1;
    }
}

/// The host bytes of a continuation's segments.
#[inline(always)]
pub fn cont_bytes(k: &ContInst) -> u64 {
    match &k.segs {
        // Mostly one segment (a generator's, a green thread's).
        Segs::One(sg) => super::step::segment_bytes(sg),
        Segs::Many(segs) => segs.iter().map(|sg| super::step::segment_bytes(sg)).sum(),
    }
}

/// A module instance (4.2.4).
#[derive(Clone, Debug, Default)]
pub struct ModuleInst {
    pub module: Rc<Module>,
    /// Canonical index of each type of the module's type space.
    pub types: Vec<u32>,
    pub funcs: Vec<Addr>,
    pub tables: Vec<Addr>,
    pub mems: Vec<Addr>,
    pub globals: Vec<Addr>,
    pub tags: Vec<Addr>,
    pub elems: Vec<Addr>,
    pub datas: Vec<Addr>,
    pub exports: HashMap<String, ExternVal>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::thread::Prompt;
    use pretty_assertions::assert_eq;

    /// A continuation of `n` segments, the `i`-th holding `i + 1` values `tag`.
    fn cont(n: usize, tag: i32) -> ContInst {
        let mut segs: Vec<Box<Segment>> = (0..n)
            .map(|i| {
                let mut sg = Segment::new(Prompt::Unset);
                sg.vals.extend((0..=i).map(|_| Val::I32(tag)));
                sg
            })
            .collect();
        let segs = match segs.len() {
            1 => Segs::One(segs.pop().expect("one")),
            _ => Segs::Many(segs),
        };
        ContInst {
            segs,
            depth: 0,
            start: None,
        }
    }

    /// What `ContStore::bytes` must be: the stored continuations' segments, measured now.
    fn measured(st: &ContStore) -> u64 {
        st.slots
            .iter()
            .filter_map(|slot| slot.cont.as_ref())
            .map(cont_bytes)
            .sum()
    }

    /// The bytes the store keeps follow every way in and out of a slot (`alloc`, `take`,
    /// `take_keep` + `refill`, `collect`), for one segment and for several, although taking
    /// no longer measures what it takes.
    #[test]
    fn stored_bytes_follow_every_way_in_and_out() {
        let mut st = ContStore::default();
        let (a, ga) = st.alloc(cont(1, 1));
        let (b, gb) = st.alloc(cont(3, 2));
        let (c, gc) = st.alloc(cont(2, 3));
        assert_eq!(st.bytes, measured(&st));
        assert!(st.bytes > 0);
        let k = st.take(b, gb).expect("stored");
        assert_eq!((k.segs.len(), st.live), (3, 2));
        assert_eq!(st.bytes, measured(&st));
        assert!(st.take(b, gb).is_none(), "consumed");
        // switch: the slot of `a` takes a bigger continuation under the next generation.
        let k = st.take_keep(a, ga).expect("stored");
        assert_eq!(k.segs.len(), 1);
        assert_eq!(st.refill(a, cont(2, 4)), (a, ga + 1));
        assert!(st.get(a, ga).is_none(), "the old reference is stale");
        assert_eq!(st.bytes, measured(&st));
        assert!(st.collect(c));
        assert!(!st.collect(c));
        assert!(st.get(c, gc).is_none());
        assert_eq!(st.bytes, measured(&st));
        let k = st.take(a, ga + 1).expect("stored");
        assert_eq!(k.segs[1].vals, vec![Val::I32(4); 2]);
        assert_eq!((st.bytes, st.live), (0, 0));
    }

    /// Capturing the top segment holds it without a vector; capturing several keeps their
    /// order, and putting them back restores the thread as it was.
    #[test]
    fn segments_cut_and_put_back_in_order() {
        let mut st = ContStore::default();
        let mut thread: Vec<Box<Segment>> = (0..4)
            .map(|i| {
                let mut sg = Segment::new(Prompt::Root);
                sg.vals.push(Val::I32(i));
                sg
            })
            .collect();
        let tops =
            |th: &[Box<Segment>]| -> Vec<Val> { th.iter().map(|sg| sg.vals[0].clone()).collect() };
        let one = st.cut_segments(&mut thread, 3);
        assert!(matches!(one, Segs::One(_)));
        assert_eq!(one.vec_capacity(), 0);
        let many = st.cut_segments(&mut thread, 1);
        assert!(matches!(many, Segs::Many(_)));
        assert_eq!(tops(&many), vec![Val::I32(1), Val::I32(2)]);
        assert_eq!(tops(&thread), vec![Val::I32(0)]);
        st.put_segments(&mut thread, many);
        st.put_segments(&mut thread, one);
        assert_eq!(
            tops(&thread),
            vec![Val::I32(0), Val::I32(1), Val::I32(2), Val::I32(3)]
        );
        // The emptied vector is kept for the next capture of several.
        assert_eq!(st.spare.len(), 1);
    }
}
