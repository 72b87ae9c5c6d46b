//! Runtime types: the store's canonical type registry as the executor uses it (4.2.2 "defined
//! types", 3.3.3 iso-recursive equivalence), and matching of references and external types.
//!
//! Canonical index space: a `ValType`/`RefType` whose concrete heap types are registry indices
//! (instead of module type indices) is called *canonical* below.

use std::collections::HashMap;

use crate::syntax::{AbsHeapType as A, CompType, HeapType, RecType, RefType, SubType, ValType};

/// The kind of a defined type's composite type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Func,
    Struct,
    Array,
    Cont,
    Stack,
}

#[derive(Clone, Debug)]
pub struct DefType {
    pub kind: Kind,
    /// The declared supertype, canonical.
    pub sup: Option<u32>,
    /// The sub type with every type index canonical.
    pub sub: SubType,
}

/// Canonicalization by structure of whole recursion groups: a group's key is its sub types with
/// indices outside the group replaced by canonical indices and indices inside the group by
/// `REC | position`.
#[derive(Debug, Default)]
pub struct Registry {
    pub defs: Vec<DefType>,
    groups: HashMap<Vec<SubType>, u32>,
}

const REC: u32 = 0x8000_0000;

fn map_indices(sub: &SubType, f: &dyn Fn(u32) -> u32) -> SubType {
    let heap = |h: HeapType| match h {
        HeapType::Concrete(i) => HeapType::Concrete(f(i)),
        h => h,
    };
    let rt = |r: RefType| RefType {
        nullable: r.nullable,
        heap: heap(r.heap),
    };
    let vt = |v: ValType| match v {
        ValType::Ref(r) => ValType::Ref(rt(r)),
        v => v,
    };
    let st = |s: crate::syntax::StorageType| match s {
        crate::syntax::StorageType::Val(v) => crate::syntax::StorageType::Val(vt(v)),
        s => s,
    };
    let ft = |f: &crate::syntax::FieldType| crate::syntax::FieldType {
        storage: st(f.storage),
        mutable: f.mutable,
    };
    let comp = match &sub.comp {
        CompType::Func(t) => CompType::Func(crate::syntax::FuncType {
            params: t.params.iter().map(|&v| vt(v)).collect(),
            results: t.results.iter().map(|&v| vt(v)).collect(),
        }),
        CompType::Struct(fs) => CompType::Struct(fs.iter().map(ft).collect()),
        CompType::Array(f) => CompType::Array(ft(f)),
        CompType::Cont(i) => CompType::Cont(f(*i)),
        CompType::Stack { params, ret } => CompType::Stack {
            params: params.iter().map(|&v| vt(v)).collect(),
            ret: rt(*ret),
        },
    };
    SubType {
        is_final: sub.is_final,
        supers: sub.supers.iter().map(|&i| f(i)).collect(),
        comp,
        span: crate::diag::Span::NONE,
    }
}

impl Registry {
    /// Canonical indices of a module's type space, registering new groups.
    pub fn add_module(&mut self, types: &[RecType]) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for group in types {
            let start = out.len() as u32;
            let end = start + group.types.len() as u32;
            let key: Vec<SubType> = {
                let known = &out;
                let f = |i: u32| {
                    if i >= start && i < end {
                        REC | (i - start)
                    } else {
                        known.get(i as usize).copied().unwrap_or(u32::MAX)
                    }
                };
                group.types.iter().map(|s| map_indices(s, &f)).collect()
            };
            let base = match self.groups.get(&key) {
                Some(&b) => b,
                None => {
                    let b = self.defs.len() as u32;
                    for s in &key {
                        let sub = map_indices(s, &|i| {
                            if i & REC != 0 && i != u32::MAX {
                                b + (i & !REC)
                            } else {
                                i
                            }
                        });
                        let kind = match sub.comp {
                            CompType::Func(_) => Kind::Func,
                            CompType::Struct(_) => Kind::Struct,
                            CompType::Array(_) => Kind::Array,
                            CompType::Cont(_) => Kind::Cont,
                            CompType::Stack { .. } => Kind::Stack,
                        };
                        self.defs.push(DefType {
                            kind,
                            sup: sub.supers.first().copied(),
                            sub,
                        });
                    }
                    self.groups.insert(key, b);
                    b
                }
            };
            out.extend((0..group.types.len() as u32).map(|i| base + i));
        }
        out
    }

    /// Registers a single function type given in canonical form (host functions).
    pub fn add_func(&mut self, ft: crate::syntax::FuncType) -> u32 {
        let sub = SubType {
            is_final: true,
            supers: vec![],
            comp: CompType::Func(ft),
            span: crate::diag::Span::NONE,
        };
        let rec = RecType {
            types: vec![sub],
            span: crate::diag::Span::NONE,
        };
        self.add_module(&[rec])[0]
    }

    pub fn kind(&self, t: u32) -> Kind {
        self.defs[t as usize].kind
    }

    /// Declared subtyping on canonical indices (3.3.3.2).
    pub fn is_sub(&self, a: u32, b: u32) -> bool {
        let mut t = Some(a);
        while let Some(x) = t {
            if x == b {
                return true;
            }
            t = self.defs.get(x as usize).and_then(|d| d.sup);
        }
        false
    }

    /// The bottom of the hierarchy a heap type belongs to.
    pub fn bottom(&self, h: HeapType) -> A {
        match h {
            HeapType::Concrete(t) => match self.kind(t) {
                Kind::Func => A::NoFunc,
                Kind::Struct | Kind::Array => A::None,
                Kind::Cont => A::NoCont,
                Kind::Stack => A::NoStack,
            },
            HeapType::Abs(a) => abs_bottom(a),
        }
    }

    /// Heap subtyping on canonical heap types.
    pub fn heap_sub(&self, a: HeapType, b: HeapType) -> bool {
        match (a, b) {
            (HeapType::Concrete(x), HeapType::Concrete(y)) => self.is_sub(x, y),
            (HeapType::Concrete(x), HeapType::Abs(t)) => match self.kind(x) {
                Kind::Func => t == A::Func,
                Kind::Struct => matches!(t, A::Struct | A::Eq | A::Any),
                Kind::Array => matches!(t, A::Array | A::Eq | A::Any),
                Kind::Cont => t == A::Cont,
                Kind::Stack => t == A::Stack,
            },
            (HeapType::Abs(t), HeapType::Concrete(_)) => is_bottom(t) && self.bottom(b) == t,
            (HeapType::Abs(x), HeapType::Abs(y)) => abs_sub(x, y),
        }
    }

    pub fn ref_sub(&self, a: RefType, b: RefType) -> bool {
        (!a.nullable || b.nullable) && self.heap_sub(a.heap, b.heap)
    }

    pub fn val_sub(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(x), ValType::Ref(y)) => self.ref_sub(x, y),
            _ => a == b,
        }
    }
}

pub fn is_bottom(a: A) -> bool {
    matches!(
        a,
        A::None | A::NoFunc | A::NoExtern | A::NoExn | A::NoCont | A::NoStack
    )
}

pub fn abs_bottom(a: A) -> A {
    match a {
        A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None => A::None,
        A::Func | A::NoFunc => A::NoFunc,
        A::Extern | A::NoExtern => A::NoExtern,
        A::Exn | A::NoExn => A::NoExn,
        A::Cont | A::NoCont => A::NoCont,
        A::Stack | A::NoStack => A::NoStack,
    }
}

pub fn abs_sub(a: A, b: A) -> bool {
    a == b
        || match b {
            A::Any => matches!(a, A::Eq | A::I31 | A::Struct | A::Array | A::None),
            A::Eq => matches!(a, A::I31 | A::Struct | A::Array | A::None),
            A::I31 | A::Struct | A::Array => a == A::None,
            A::Func => a == A::NoFunc,
            A::Extern => a == A::NoExtern,
            A::Exn => a == A::NoExn,
            A::Cont => a == A::NoCont,
            A::Stack => a == A::NoStack,
            _ => false,
        }
}

/// Maps a module-level value type to canonical form.
pub fn canon_val(types: &[u32], v: ValType) -> ValType {
    match v {
        ValType::Ref(r) => ValType::Ref(canon_ref(types, r)),
        v => v,
    }
}

pub fn canon_ref(types: &[u32], r: RefType) -> RefType {
    match r.heap {
        HeapType::Concrete(i) => RefType::new(
            r.nullable,
            HeapType::Concrete(types.get(i as usize).copied().unwrap_or(u32::MAX)),
        ),
        _ => r,
    }
}
