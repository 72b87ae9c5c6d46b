//! Canonical types (spec 3.1.3 "rolling and unrolling", 3.3 "matching"): one registry of defined
//! types shared by the validator and the executor.
//!
//! A module's type indices are local to it. The registry gives every defined type a *canonical
//! index* such that two defined types are equal (iso-recursively: same rec group up to
//! renaming, same position in it) iff their canonical indices are equal. Rec groups are hashed
//! with references inside the group written rec-relative and references outside it written as
//! canonical indices, so equivalent groups from different modules share canonical indices.
//!
//! Canonical types reuse the syntax types: in canonical form `HeapType::Concrete(c)`,
//! `SubType::supers`, and `CompType::Cont(c)` hold registry indices, never module indices.
//! Use the `canon_*` functions to convert a module-indexed type with the map returned by
//! [`TypeRegistry::add_module_types`].

use std::collections::HashMap;

use crate::diag::{Error, Result, Span};
use crate::syntax::{
    AbsHeapType, CompType, FieldType, FuncType, HeapType, RecType, RefType, StorageType, SubType,
    TypeIdx, ValType,
};

/// Marks a rec-relative index inside a hashing key (canonical indices stay below it).
const REC_REL: u32 = 1 << 31;

/// The registry of canonical defined types.
#[derive(Clone, Debug, Default)]
pub struct TypeRegistry {
    /// Canonical sub types, indexed by canonical index.
    types: Vec<SubType>,
    /// Rec group keys (rec-relative form, spans cleared) to the canonical index of their first
    /// type.
    groups: HashMap<Vec<SubType>, u32>,
    /// Rule coverage (`crate::coverage`): when set, the subtyping rules of raw-stacks' §2.4
    /// that this registry applies (`sub-stack`, `sub-stack-top`, `sub-stack-bottom`) are
    /// counted here. They are applied here, not by an instruction's typing case, so this is
    /// where they are counted. Only the stack arms look at it: other types pay nothing.
    pub counting: std::cell::RefCell<Option<Box<crate::coverage::RuleCounts>>>,
}

impl TypeRegistry {
    pub fn new() -> Self {
        TypeRegistry::default()
    }

    /// Number of canonical types.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// Counts typing rule `rule` as applied, when counting is on.
    fn count(&self, rule: &'static str, failed: bool) {
        if let Some(c) = self.counting.borrow_mut().as_mut() {
            c.typing(rule, failed);
        }
    }

    /// Canonicalizes a module's types (rec groups in order) and returns the canonical index of
    /// each module type index. Checks, in module indices, that every reference is bound (a
    /// group sees itself and earlier groups: "unknown type"), that supertypes come earlier, are
    /// not final and are matched by their subtypes ("sub type X does not match super type Y").
    pub fn add_module_types(&mut self, types: &[RecType]) -> Result<Vec<u32>> {
        let mut map: Vec<u32> = Vec::new();
        for group in types {
            let base = map.len() as u32;
            let end = base + group.types.len() as u32;
            for (i, st) in group.types.iter().enumerate() {
                check_bound_sub(st, end)?;
                let x = base + i as u32;
                if st.supers.len() > 1 {
                    return Err(Error::invalid("multiple supertypes", st.span));
                }
                if let Some(&y) = st.supers.iter().find(|&&y| y >= x) {
                    return Err(Error::invalid(format!("unknown type {y}"), st.span));
                }
            }
            let key: Vec<SubType> = group
                .types
                .iter()
                .map(|st| {
                    let mut k = map_sub(st, &|x| {
                        if x >= base {
                            REC_REL | (x - base)
                        } else {
                            map[x as usize]
                        }
                    });
                    k.span = Span::NONE;
                    k
                })
                .collect();
            let first = match self.groups.get(&key) {
                Some(&first) => first,
                None => {
                    let first = self.types.len() as u32;
                    for (st, k) in group.types.iter().zip(&key) {
                        let mut c = map_sub(k, &|x| {
                            if x & REC_REL != 0 {
                                first + (x & !REC_REL)
                            } else {
                                x
                            }
                        });
                        c.span = st.span;
                        self.types.push(c);
                    }
                    self.groups.insert(key, first);
                    first
                }
            };
            for i in 0..group.types.len() as u32 {
                map.push(first + i);
            }
            // Supertype checks, on canonical types (the supertype may lie in another group).
            for (i, st) in group.types.iter().enumerate() {
                let x = base + i as u32;
                for &y in &st.supers {
                    let sub = &self.types[(first + i as u32) as usize];
                    let sup = &self.types[map[y as usize] as usize];
                    if sup.is_final || !self.comp_subtype(&sub.comp, &sup.comp) {
                        return Err(Error::invalid(
                            format!("sub type {x} does not match super type {y}"),
                            st.span,
                        ));
                    }
                }
            }
        }
        Ok(map)
    }

    /// The canonical sub type `c`. Panics on an index the registry did not hand out.
    pub fn sub_type(&self, c: u32) -> &SubType {
        &self.types[c as usize]
    }

    /// The canonical sub type `c`, if it exists.
    pub fn get(&self, c: u32) -> Option<&SubType> {
        self.types.get(c as usize)
    }

    pub fn comp_type(&self, c: u32) -> Option<&CompType> {
        self.get(c).map(|s| &s.comp)
    }

    pub fn func_type(&self, c: u32) -> Option<&FuncType> {
        match self.comp_type(c) {
            Some(CompType::Func(ft)) => Some(ft),
            _ => None,
        }
    }

    pub fn struct_type(&self, c: u32) -> Option<&[FieldType]> {
        match self.comp_type(c) {
            Some(CompType::Struct(fs)) => Some(fs),
            _ => None,
        }
    }

    pub fn array_type(&self, c: u32) -> Option<FieldType> {
        match self.comp_type(c) {
            Some(CompType::Array(f)) => Some(*f),
            _ => None,
        }
    }

    /// The canonical index of the function type of continuation type `c`.
    pub fn cont_type(&self, c: u32) -> Option<u32> {
        match self.comp_type(c) {
            Some(CompType::Cont(f)) => Some(*f),
            _ => None,
        }
    }

    /// The function type of continuation type `c`, if both exist.
    pub fn cont_func_type(&self, c: u32) -> Option<&FuncType> {
        self.cont_type(c).and_then(|f| self.func_type(f))
    }

    /// raw-stacks: the parameters and return-stack type of stack type `c`.
    pub fn stack_type(&self, c: u32) -> Option<(&[ValType], RefType)> {
        match self.comp_type(c) {
            Some(CompType::Stack { params, ret }) => Some((params, *ret)),
            _ => None,
        }
    }

    /// Declared subtyping of defined types: `a` reaches `b` through its supertype chain.
    pub fn is_subtype_def(&self, a: u32, b: u32) -> bool {
        let mut cur = a;
        // Supertypes always have smaller canonical indices, so the chain ends; the bound is a
        // guard only.
        for _ in 0..=self.types.len() {
            if cur == b {
                return true;
            }
            match self.get(cur).and_then(|s| s.supers.first()) {
                Some(&s) if s < cur => cur = s,
                _ => return false,
            }
        }
        false
    }

    /// Heap type matching (3.3.4), canonical form.
    pub fn heap_subtype(&self, a: HeapType, b: HeapType) -> bool {
        use AbsHeapType as A;
        match (a, b) {
            (HeapType::Concrete(x), HeapType::Concrete(y)) => self.is_subtype_def(x, y),
            (HeapType::Abs(x), HeapType::Abs(y)) => {
                // sub-stack-bottom: nostack <: stack.
                if x == A::NoStack && y == A::Stack {
                    self.count("sub-stack-bottom", false);
                }
                abs_subtype(x, y)
            }
            (HeapType::Concrete(x), HeapType::Abs(y)) => match self.comp_type(x) {
                Some(CompType::Func(_)) => y == A::Func,
                Some(CompType::Struct(_)) => matches!(y, A::Struct | A::Eq | A::Any),
                Some(CompType::Array(_)) => matches!(y, A::Array | A::Eq | A::Any),
                Some(CompType::Cont(_)) => y == A::Cont,
                // sub-stack-top: $s <: stack.
                Some(CompType::Stack { .. }) => {
                    if y == A::Stack {
                        self.count("sub-stack-top", false);
                    }
                    y == A::Stack
                }
                None => false,
            },
            (HeapType::Abs(x), HeapType::Concrete(_)) => {
                let ok = is_bottom(x) && self.bottom_of(b) == x && self.get_heap_ok(b);
                // sub-stack-bottom: nostack <: $s.
                if x == A::NoStack {
                    self.count("sub-stack-bottom", !ok);
                }
                ok
            }
        }
    }

    fn get_heap_ok(&self, h: HeapType) -> bool {
        match h {
            HeapType::Concrete(c) => self.get(c).is_some(),
            HeapType::Abs(_) => true,
        }
    }

    pub fn ref_subtype(&self, a: RefType, b: RefType) -> bool {
        (!a.nullable || b.nullable) && self.heap_subtype(a.heap, b.heap)
    }

    pub fn val_subtype(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(x), ValType::Ref(y)) => self.ref_subtype(x, y),
            _ => a == b,
        }
    }

    pub fn storage_subtype(&self, a: StorageType, b: StorageType) -> bool {
        match (a, b) {
            (StorageType::Val(x), StorageType::Val(y)) => self.val_subtype(x, y),
            _ => a == b,
        }
    }

    /// Field matching: immutable fields are covariant, mutable ones invariant.
    pub fn field_subtype(&self, a: FieldType, b: FieldType) -> bool {
        a.mutable == b.mutable
            && self.storage_subtype(a.storage, b.storage)
            && (!a.mutable || self.storage_subtype(b.storage, a.storage))
    }

    /// `[t1*] -> [t2*]` matches `[t1'*] -> [t2'*]`: contravariant params, covariant results.
    pub fn func_subtype(&self, a: &FuncType, b: &FuncType) -> bool {
        self.vals_subtype(&b.params, &a.params) && self.vals_subtype(&a.results, &b.results)
    }

    /// Pointwise subtyping of equally long sequences.
    pub fn vals_subtype(&self, a: &[ValType], b: &[ValType]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| self.val_subtype(x, y))
    }

    /// Composite type matching (3.3.7), used for declared supertypes.
    pub fn comp_subtype(&self, a: &CompType, b: &CompType) -> bool {
        match (a, b) {
            (CompType::Func(x), CompType::Func(y)) => self.func_subtype(x, y),
            (CompType::Struct(x), CompType::Struct(y)) => {
                x.len() >= y.len() && x.iter().zip(y).all(|(&f, &g)| self.field_subtype(f, g))
            }
            (CompType::Array(x), CompType::Array(y)) => self.field_subtype(*x, *y),
            // cont $f2 <: cont $f1 iff $f2 <: $f1
            (CompType::Cont(x), CompType::Cont(y)) => self.is_subtype_def(*x, *y),
            // raw-stacks: both the parameters and the return-stack type are received, so both
            // are contravariant.
            (
                CompType::Stack {
                    params: p1,
                    ret: r1,
                },
                CompType::Stack {
                    params: p2,
                    ret: r2,
                },
            ) => {
                // sub-stack (raw-stacks §2.4), for declared supertypes and `stack.bind`.
                let ok = self.vals_subtype(p2, p1) && self.ref_subtype(*r2, *r1);
                self.count("sub-stack", !ok);
                ok
            }
            _ => false,
        }
    }

    /// The top of `h`'s hierarchy: func, extern, any, exn, cont or stack.
    pub fn top_of(&self, h: HeapType) -> AbsHeapType {
        use AbsHeapType as A;
        match h {
            HeapType::Abs(a) => match a {
                A::Func | A::NoFunc => A::Func,
                A::Extern | A::NoExtern => A::Extern,
                A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None => A::Any,
                A::Exn | A::NoExn => A::Exn,
                A::Cont | A::NoCont => A::Cont,
                A::Stack | A::NoStack => A::Stack,
            },
            HeapType::Concrete(c) => match self.comp_type(c) {
                Some(CompType::Func(_)) | None => A::Func,
                Some(CompType::Struct(_) | CompType::Array(_)) => A::Any,
                Some(CompType::Cont(_)) => A::Cont,
                Some(CompType::Stack { .. }) => A::Stack,
            },
        }
    }

    /// The bottom of `h`'s hierarchy: nofunc, noextern, none, noexn, nocont or nostack.
    pub fn bottom_of(&self, h: HeapType) -> AbsHeapType {
        use AbsHeapType as A;
        match self.top_of(h) {
            A::Func => A::NoFunc,
            A::Extern => A::NoExtern,
            A::Exn => A::NoExn,
            A::Cont => A::NoCont,
            A::Stack => A::NoStack,
            _ => A::None,
        }
    }

    /// Whether a value of type `t` has a default (numbers, vectors, nullable references).
    pub fn defaultable(t: ValType) -> bool {
        match t {
            ValType::Ref(r) => r.nullable,
            _ => true,
        }
    }
}

/// Subtyping between abstract heap types.
pub fn abs_subtype(a: AbsHeapType, b: AbsHeapType) -> bool {
    use AbsHeapType as A;
    a == b
        || match a {
            A::NoFunc => b == A::Func,
            A::NoExtern => b == A::Extern,
            A::NoExn => b == A::Exn,
            A::NoCont => b == A::Cont,
            A::NoStack => b == A::Stack,
            A::None => matches!(b, A::Any | A::Eq | A::I31 | A::Struct | A::Array),
            A::Eq => b == A::Any,
            A::I31 | A::Struct | A::Array => matches!(b, A::Eq | A::Any),
            _ => false,
        }
}

/// Whether `a` is the bottom of its hierarchy.
pub fn is_bottom(a: AbsHeapType) -> bool {
    use AbsHeapType as A;
    matches!(
        a,
        A::NoFunc | A::NoExtern | A::None | A::NoExn | A::NoCont | A::NoStack
    )
}

fn check_bound_sub(st: &SubType, end: u32) -> Result<()> {
    let mut bad = None;
    visit_sub(st, &mut |x| {
        if x >= end && bad.is_none() {
            bad = Some(x);
        }
    });
    match bad {
        Some(x) => Err(Error::invalid(format!("unknown type {x}"), st.span)),
        None => Ok(()),
    }
}

/// Calls `f` on every type index a sub type mentions (supertypes included).
pub fn visit_sub(st: &SubType, f: &mut impl FnMut(TypeIdx)) {
    for &s in &st.supers {
        f(s);
    }
    visit_comp(&st.comp, f);
}

pub fn visit_comp(ct: &CompType, f: &mut impl FnMut(TypeIdx)) {
    match ct {
        CompType::Func(ft) => {
            for &t in ft.params.iter().chain(&ft.results) {
                visit_val(t, f);
            }
        }
        CompType::Struct(fs) => {
            for fld in fs {
                visit_storage(fld.storage, f);
            }
        }
        CompType::Array(fld) => visit_storage(fld.storage, f),
        CompType::Cont(x) => f(*x),
        CompType::Stack { params, ret } => {
            for &t in params {
                visit_val(t, f);
            }
            visit_heap(ret.heap, f);
        }
    }
}

fn visit_storage(s: StorageType, f: &mut impl FnMut(TypeIdx)) {
    if let StorageType::Val(t) = s {
        visit_val(t, f);
    }
}

pub fn visit_val(t: ValType, f: &mut impl FnMut(TypeIdx)) {
    if let ValType::Ref(r) = t {
        visit_heap(r.heap, f);
    }
}

pub fn visit_heap(h: HeapType, f: &mut impl FnMut(TypeIdx)) {
    if let HeapType::Concrete(x) = h {
        f(x);
    }
}

// ---------------------------------------------------------------------------------------------
// Index substitution: module-indexed types to canonical ones.

fn map_sub(st: &SubType, f: &impl Fn(u32) -> u32) -> SubType {
    SubType {
        is_final: st.is_final,
        supers: st.supers.iter().map(|&x| f(x)).collect(),
        comp: map_comp(&st.comp, f),
        span: st.span,
    }
}

fn map_comp(ct: &CompType, f: &impl Fn(u32) -> u32) -> CompType {
    match ct {
        CompType::Func(ft) => CompType::Func(map_func(ft, f)),
        CompType::Struct(fs) => CompType::Struct(fs.iter().map(|&fl| map_field(fl, f)).collect()),
        CompType::Array(fl) => CompType::Array(map_field(*fl, f)),
        CompType::Cont(x) => CompType::Cont(f(*x)),
        CompType::Stack { params, ret } => CompType::Stack {
            params: params.iter().map(|&t| map_val(t, f)).collect(),
            ret: map_ref(*ret, f),
        },
    }
}

fn map_func(ft: &FuncType, f: &impl Fn(u32) -> u32) -> FuncType {
    FuncType {
        params: ft.params.iter().map(|&t| map_val(t, f)).collect(),
        results: ft.results.iter().map(|&t| map_val(t, f)).collect(),
    }
}

fn map_field(fl: FieldType, f: &impl Fn(u32) -> u32) -> FieldType {
    FieldType {
        storage: match fl.storage {
            StorageType::Val(t) => StorageType::Val(map_val(t, f)),
            s => s,
        },
        mutable: fl.mutable,
    }
}

fn map_val(t: ValType, f: &impl Fn(u32) -> u32) -> ValType {
    match t {
        ValType::Ref(r) => ValType::Ref(map_ref(r, f)),
        t => t,
    }
}

fn map_ref(r: RefType, f: &impl Fn(u32) -> u32) -> RefType {
    RefType {
        nullable: r.nullable,
        heap: map_heap(r.heap, f),
    }
}

fn map_heap(h: HeapType, f: &impl Fn(u32) -> u32) -> HeapType {
    match h {
        HeapType::Concrete(x) => HeapType::Concrete(f(x)),
        h => h,
    }
}

/// Looks up module index `x` in the canonical map. Callers validate indices first; an unbound
/// index becomes `u32::MAX`, which no registry entry has.
fn lookup(map: &[u32], x: u32) -> u32 {
    map.get(x as usize).copied().unwrap_or(u32::MAX)
}

/// Converts a module-indexed heap type to canonical form.
pub fn canon_heap_type(map: &[u32], h: HeapType) -> HeapType {
    map_heap(h, &|x| lookup(map, x))
}

pub fn canon_ref_type(map: &[u32], r: RefType) -> RefType {
    map_ref(r, &|x| lookup(map, x))
}

pub fn canon_val_type(map: &[u32], t: ValType) -> ValType {
    map_val(t, &|x| lookup(map, x))
}

pub fn canon_func_type(map: &[u32], ft: &FuncType) -> FuncType {
    map_func(ft, &|x| lookup(map, x))
}

pub fn canon_field_type(map: &[u32], fl: FieldType) -> FieldType {
    map_field(fl, &|x| lookup(map, x))
}

pub fn canon_comp_type(map: &[u32], ct: &CompType) -> CompType {
    map_comp(ct, &|x| lookup(map, x))
}

/// Unpacks a storage type to the value type it is read as (`i8`, `i16`: `i32`).
pub fn unpack(s: StorageType) -> ValType {
    match s {
        StorageType::Val(t) => t,
        StorageType::I8 | StorageType::I16 => ValType::I32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn sub(supers: Vec<u32>, is_final: bool, comp: CompType) -> SubType {
        SubType {
            is_final,
            supers,
            comp,
            span: Span::NONE,
        }
    }
    fn rec(types: Vec<SubType>) -> RecType {
        RecType {
            types,
            span: Span::NONE,
        }
    }
    fn rf(nullable: bool, x: u32) -> ValType {
        ValType::Ref(RefType::new(nullable, HeapType::Concrete(x)))
    }
    fn func(params: Vec<ValType>, results: Vec<ValType>) -> CompType {
        CompType::Func(FuncType { params, results })
    }

    #[test]
    fn equivalent_groups_share_indices() {
        let mut reg = TypeRegistry::new();
        // Module A: (type (func)) (rec (type $s (struct (field (ref null $s)))))
        let a = vec![
            rec(vec![sub(vec![], true, func(vec![], vec![]))]),
            rec(vec![sub(
                vec![],
                true,
                CompType::Struct(vec![FieldType {
                    storage: StorageType::Val(rf(true, 1)),
                    mutable: false,
                }]),
            )]),
        ];
        // Module B: the same struct group first, then the func type.
        let b = vec![
            rec(vec![sub(
                vec![],
                true,
                CompType::Struct(vec![FieldType {
                    storage: StorageType::Val(rf(true, 0)),
                    mutable: false,
                }]),
            )]),
            rec(vec![sub(vec![], true, func(vec![], vec![]))]),
        ];
        let ma = reg.add_module_types(&a).unwrap();
        let mb = reg.add_module_types(&b).unwrap();
        assert_eq!(ma, vec![0, 1]);
        assert_eq!(mb, vec![1, 0]);
        assert_eq!(reg.len(), 2);
        assert_eq!(
            reg.struct_type(1).unwrap()[0].storage,
            StorageType::Val(rf(true, 1))
        );
    }

    #[test]
    fn distinct_positions_in_group_differ() {
        let mut reg = TypeRegistry::new();
        // (rec (type (func)) (type (func))): two distinct types.
        let m = reg
            .add_module_types(&[rec(vec![
                sub(vec![], true, func(vec![], vec![])),
                sub(vec![], true, func(vec![], vec![])),
            ])])
            .unwrap();
        assert_eq!(m, vec![0, 1]);
        // A lone (func) is a different group.
        let m2 = reg
            .add_module_types(&[rec(vec![sub(vec![], true, func(vec![], vec![]))])])
            .unwrap();
        assert_eq!(m2, vec![2]);
    }

    #[test]
    fn supertype_checks() {
        let mut reg = TypeRegistry::new();
        let open = |c| sub(vec![], false, c);
        // $t (sub (func (param anyref))), $s (sub $t (func (param eqref)))? params contravariant:
        // invalid. The reverse is valid.
        let anyref = ValType::Ref(RefType::abs(true, AbsHeapType::Any));
        let eqref = ValType::Ref(RefType::abs(true, AbsHeapType::Eq));
        let bad = vec![
            rec(vec![open(func(vec![anyref], vec![]))]),
            rec(vec![sub(vec![0], false, func(vec![eqref], vec![]))]),
        ];
        let err = reg.add_module_types(&bad).unwrap_err();
        assert_eq!(err.message, "sub type 1 does not match super type 0");
        let good = vec![
            rec(vec![open(func(vec![eqref], vec![anyref]))]),
            rec(vec![sub(vec![0], false, func(vec![anyref], vec![eqref]))]),
        ];
        let m = reg.add_module_types(&good).unwrap();
        assert!(reg.is_subtype_def(m[1], m[0]));
        assert!(!reg.is_subtype_def(m[0], m[1]));
        assert!(reg.heap_subtype(HeapType::Concrete(m[1]), HeapType::Abs(AbsHeapType::Func)));
        assert!(reg.heap_subtype(HeapType::Abs(AbsHeapType::NoFunc), HeapType::Concrete(m[1])));
        assert!(!reg.heap_subtype(HeapType::Abs(AbsHeapType::None), HeapType::Concrete(m[1])));
        // Final supertype.
        let fin = vec![
            rec(vec![sub(vec![], true, func(vec![], vec![]))]),
            rec(vec![sub(vec![0], false, func(vec![], vec![]))]),
        ];
        assert!(reg.add_module_types(&fin).is_err());
        // Unbound reference.
        let unbound = vec![rec(vec![sub(
            vec![],
            true,
            func(vec![rf(true, 1)], vec![]),
        )])];
        assert_eq!(
            reg.add_module_types(&unbound).unwrap_err().message,
            "unknown type 1"
        );
    }

    #[test]
    fn cont_hierarchy() {
        let mut reg = TypeRegistry::new();
        // $f1 (sub (func)), $f2 (sub $f1 (func)), $c1 (sub (cont $f1)), $c2 (sub $c1 (cont $f2))
        let m = reg
            .add_module_types(&[
                rec(vec![sub(vec![], false, func(vec![], vec![]))]),
                rec(vec![sub(vec![0], false, func(vec![], vec![]))]),
                rec(vec![sub(vec![], false, CompType::Cont(0))]),
                rec(vec![sub(vec![2], false, CompType::Cont(1))]),
            ])
            .unwrap();
        let c2 = HeapType::Concrete(m[3]);
        assert!(reg.heap_subtype(c2, HeapType::Concrete(m[2])));
        assert!(reg.heap_subtype(c2, HeapType::Abs(AbsHeapType::Cont)));
        assert!(reg.heap_subtype(HeapType::Abs(AbsHeapType::NoCont), c2));
        assert!(!reg.heap_subtype(c2, HeapType::Abs(AbsHeapType::Func)));
        assert_eq!(reg.top_of(c2), AbsHeapType::Cont);
        assert_eq!(reg.bottom_of(c2), AbsHeapType::NoCont);
        // cont $f1 cannot be declared a subtype of... a cont of an unrelated func type.
        let err = reg
            .add_module_types(&[
                rec(vec![sub(vec![], false, func(vec![ValType::I32], vec![]))]),
                rec(vec![sub(vec![], false, func(vec![], vec![]))]),
                rec(vec![sub(vec![], false, CompType::Cont(0))]),
                rec(vec![sub(vec![2], false, CompType::Cont(1))]),
            ])
            .unwrap_err();
        assert_eq!(err.message, "sub type 3 does not match super type 2");
    }
}
