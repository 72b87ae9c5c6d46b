//! Validation (spec chapter 3).
//!
//! `validate_module` builds the module context (3.1.1) with canonical types from a fresh
//! [`TypeRegistry`], checks every definition, and checks function bodies and constant
//! expressions with the instruction checker in `func` (an explicit control stack, so nesting
//! depth costs heap, never Rust stack).
//!
//! Legend: `c` context, `t` value type, `ts` value types, `rt` reference type, `x`/`y` indices,
//! `ct` canonical type index, `sp` span.

mod func;
mod rules;

use std::cell::RefCell;
use std::collections::HashSet;

use crate::coverage::RuleCounts;
use crate::design::Design;
use crate::diag::{Error, Result, Span};
use crate::syntax::{
    AbsHeapType, AddrType, CompType, DataMode, ElemMode, Expr, ExternIdx, FuncType, GlobalType,
    HeapType, ImportDesc, Instr, Limits, MemType, Module, RefType, TableType, ValType,
};
use crate::types::{self, TypeRegistry};

pub(crate) use func::{Checker, FrameKind};

/// Validates a module under a design.
pub fn validate_module(module: &Module, design: Design) -> Result<()> {
    let mut reg = TypeRegistry::new();
    validate_module_with(module, design, &mut reg).map(|_| ())
}

/// Validates a module, canonicalizing its types into `reg`; returns the canonical index of each
/// module type index.
pub fn validate_module_with(
    module: &Module,
    design: Design,
    reg: &mut TypeRegistry,
) -> Result<Vec<u32>> {
    let map = reg.add_module_types(&module.types)?;
    let mut c = Ctx::new(module, design, reg, map);
    c.check_module()?;
    Ok(c.map)
}

/// Validates a module as `validate_module` does, counting in `counts` each typing rule applied
/// (rule coverage, `crate::coverage`).
pub fn validate_module_counting(
    module: &Module,
    design: Design,
    counts: &mut RuleCounts,
) -> Result<()> {
    let mut reg = TypeRegistry::new();
    // The registry counts the subtyping rules it applies (raw-stacks §2.4), from the declared
    // supertypes of the module's types on.
    reg.counting = RefCell::new(Some(Box::default()));
    let r = match reg.add_module_types(&module.types) {
        Ok(map) => {
            let cell = RefCell::new(std::mem::take(counts));
            let mut c = Ctx::new(module, design, &reg, map);
            c.rules = Some(&cell);
            let r = c.check_module();
            drop(c);
            *counts = cell.into_inner();
            r
        }
        Err(e) => Err(e),
    };
    if let Some(applied) = reg.counting.take() {
        counts.add(&applied);
    }
    r
}

/// The module context C (3.1.1), with canonical types.
pub(crate) struct Ctx<'a> {
    pub module: &'a Module,
    pub design: Design,
    pub reg: &'a TypeRegistry,
    /// Module type index to canonical index.
    pub map: Vec<u32>,
    /// Canonical type index of each function.
    pub funcs: Vec<u32>,
    pub tables: Vec<TableType>,
    pub mems: Vec<MemType>,
    pub globals: Vec<GlobalType>,
    /// Canonical (function) type index of each tag.
    pub tags: Vec<u32>,
    pub elems: Vec<RefType>,
    pub n_datas: u32,
    /// C.refs: functions that `ref.func` may name inside function bodies.
    pub refs: HashSet<u32>,
    /// Where the typing rules applied are counted, when they are (rule coverage).
    pub rules: Option<&'a RefCell<RuleCounts>>,
}

impl<'a> Ctx<'a> {
    fn new(module: &'a Module, design: Design, reg: &'a TypeRegistry, map: Vec<u32>) -> Self {
        Ctx {
            module,
            design,
            reg,
            map,
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            elems: Vec::new(),
            n_datas: module.datas.len() as u32,
            refs: HashSet::new(),
            rules: None,
        }
    }

    // -- Index lookups: each yields the spec's "unknown X N" on a miss.

    pub fn type_idx(&self, x: u32, sp: Span) -> Result<u32> {
        self.map
            .get(x as usize)
            .copied()
            .ok_or_else(|| unknown("type", x, sp))
    }

    /// The canonical index of module type `x`, which must be a function type.
    pub fn func_type_idx(&self, x: u32, sp: Span) -> Result<u32> {
        let ct = self.type_idx(x, sp)?;
        match self.reg.func_type(ct) {
            Some(_) => Ok(ct),
            None => Err(Error::invalid(format!("non-function type {x}"), sp)),
        }
    }

    pub fn func_type(&self, ct: u32) -> &FuncType {
        static EMPTY: FuncType = FuncType {
            params: Vec::new(),
            results: Vec::new(),
        };
        self.reg.func_type(ct).unwrap_or(&EMPTY)
    }

    pub fn func(&self, x: u32, sp: Span) -> Result<u32> {
        self.funcs
            .get(x as usize)
            .copied()
            .ok_or_else(|| unknown("function", x, sp))
    }
    pub fn table(&self, x: u32, sp: Span) -> Result<TableType> {
        self.tables
            .get(x as usize)
            .copied()
            .ok_or_else(|| unknown("table", x, sp))
    }
    pub fn mem(&self, x: u32, sp: Span) -> Result<MemType> {
        self.mems
            .get(x as usize)
            .copied()
            .ok_or_else(|| unknown("memory", x, sp))
    }
    pub fn global(&self, x: u32, sp: Span) -> Result<GlobalType> {
        self.globals
            .get(x as usize)
            .copied()
            .ok_or_else(|| unknown("global", x, sp))
    }
    /// The canonical function type index of tag `x`.
    pub fn tag(&self, x: u32, sp: Span) -> Result<u32> {
        self.tags
            .get(x as usize)
            .copied()
            .ok_or_else(|| unknown("tag", x, sp))
    }
    pub fn elem(&self, x: u32, sp: Span) -> Result<RefType> {
        self.elems
            .get(x as usize)
            .copied()
            .ok_or_else(|| unknown("elem segment", x, sp))
    }
    pub fn data(&self, x: u32, sp: Span) -> Result<()> {
        if x < self.n_datas {
            Ok(())
        } else {
            Err(unknown("data segment", x, sp))
        }
    }

    // -- Types written in the module, checked and made canonical.

    pub fn heap_type(&self, h: HeapType, sp: Span) -> Result<HeapType> {
        match h {
            HeapType::Concrete(x) => Ok(HeapType::Concrete(self.type_idx(x, sp)?)),
            HeapType::Abs(a) => {
                self.check_abs(a, sp)?;
                Ok(h)
            }
        }
    }

    /// The abstract heap types of a design hierarchy exist only under that design.
    fn check_abs(&self, a: AbsHeapType, sp: Span) -> Result<()> {
        let ok = match a {
            AbsHeapType::Cont | AbsHeapType::NoCont => {
                matches!(self.design, Design::TypedCont | Design::EffectHandlers)
            }
            AbsHeapType::Stack | AbsHeapType::NoStack => self.design == Design::RawStacks,
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::invalid("unknown heap type", sp))
        }
    }

    pub fn ref_type(&self, rt: RefType, sp: Span) -> Result<RefType> {
        Ok(RefType {
            nullable: rt.nullable,
            heap: self.heap_type(rt.heap, sp)?,
        })
    }

    pub fn val_type(&self, t: ValType, sp: Span) -> Result<ValType> {
        match t {
            ValType::Ref(rt) => Ok(ValType::Ref(self.ref_type(rt, sp)?)),
            t => Ok(t),
        }
    }

    // -- Module (3.4)

    fn check_module(&mut self) -> Result<()> {
        let m = self.module;
        self.check_types()?;

        // Imports come first in each index space.
        for imp in &m.imports {
            let sp = imp.span;
            match imp.desc {
                ImportDesc::Func(x) => {
                    let ct = self.func_type_idx(x, sp)?;
                    self.funcs.push(ct);
                }
                ImportDesc::Table(tt) => {
                    let tt = self.table_type(tt, sp)?;
                    self.tables.push(tt);
                }
                ImportDesc::Mem(mt) => {
                    self.mem_type(mt, sp)?;
                    self.mems.push(mt);
                }
                ImportDesc::Global(gt) => {
                    let val = self.val_type(gt.val, sp)?;
                    self.globals.push(GlobalType {
                        mutable: gt.mutable,
                        val,
                    });
                }
                ImportDesc::Tag(tt) => {
                    let ct = self.func_type_idx(tt.type_idx, sp)?;
                    self.tags.push(ct);
                }
            }
        }
        for f in &m.funcs {
            let ct = self.func_type_idx(f.type_idx, f.span)?;
            self.funcs.push(ct);
        }
        for t in &m.tables {
            let tt = self.table_type(t.ty, t.span)?;
            self.tables.push(tt);
        }
        for mem in &m.mems {
            self.mem_type(mem.ty, mem.span)?;
            self.mems.push(mem.ty);
        }
        for tag in &m.tags {
            let ct = self.func_type_idx(tag.ty.type_idx, tag.span)?;
            self.tags.push(ct);
        }
        for e in &m.elems {
            let rt = self.ref_type(e.ty, e.span)?;
            self.elems.push(rt);
        }

        // C.refs: function indices occurring outside functions and the start function.
        self.collect_refs();

        // Table initializers see the imported globals only (tables precede globals).
        for t in &m.tables {
            let tt = self.table_type(t.ty, t.span)?;
            match &t.init {
                Some(init) => self.check_const(init, ValType::Ref(tt.elem), t.span)?,
                None if !tt.elem.nullable => {
                    return Err(Error::invalid(
                        "type mismatch: table without initializer",
                        t.span,
                    ));
                }
                None => {}
            }
        }

        // Globals: each initializer sees the globals before it (C' in 3.4).
        let mut globals = Vec::new();
        for g in &m.globals {
            let val = self.val_type(g.ty.val, g.span)?;
            globals.push(GlobalType {
                mutable: g.ty.mutable,
                val,
            });
        }
        for (i, g) in m.globals.iter().enumerate() {
            // Each initializer sees the imported and the earlier globals only.
            self.check_const(&g.init, globals[i].val, g.span)?;
            self.globals.push(globals[i]);
        }

        for (i, e) in m.elems.iter().enumerate() {
            let rt = self.elems[i];
            for init in &e.init {
                self.check_const(init, ValType::Ref(rt), e.span)?;
            }
            if let ElemMode::Active { table, offset } = &e.mode {
                let tt = self.table(*table, e.span)?;
                self.check_const(offset, addr_val(tt.addr), e.span)?;
                if !self.reg.ref_subtype(rt, tt.elem) {
                    return Err(Error::invalid("type mismatch: element segment", e.span));
                }
            }
        }

        for d in &m.datas {
            if let DataMode::Active { mem, offset } = &d.mode {
                let mt = self.mem(*mem, d.span)?;
                self.check_const(offset, addr_val(mt.addr), d.span)?;
            }
        }

        let n_imported_funcs = self.funcs.len() - m.funcs.len();
        for (i, f) in m.funcs.iter().enumerate() {
            let ct = self.funcs[n_imported_funcs + i];
            let mut locals = Vec::with_capacity(f.locals.len());
            for &t in &f.locals {
                locals.push(self.val_type(t, f.span)?);
            }
            let ft = self.func_type(ct).clone();
            Checker::check_func(self, &ft, locals, &f.body)?;
        }

        if let Some(start) = &m.start {
            let ct = self.func(start.func, start.span)?;
            let ft = self.func_type(ct);
            if !ft.params.is_empty() || !ft.results.is_empty() {
                return Err(Error::invalid(
                    "start function must have type [] -> []",
                    start.span,
                ));
            }
        }

        let mut names = HashSet::new();
        for ex in &m.exports {
            let sp = ex.span;
            match ex.desc {
                ExternIdx::Func(x) => self.func(x, sp).map(|_| ())?,
                ExternIdx::Table(x) => self.table(x, sp).map(|_| ())?,
                ExternIdx::Mem(x) => self.mem(x, sp).map(|_| ())?,
                ExternIdx::Global(x) => self.global(x, sp).map(|_| ())?,
                ExternIdx::Tag(x) => self.tag(x, sp).map(|_| ())?,
            }
            if !names.insert(ex.name.as_str()) {
                return Err(Error::invalid("duplicate export name", sp));
            }
        }

        if let Some(n) = m.data_count {
            if n as usize != m.datas.len() {
                return Err(Error::malformed(
                    "data count and data section have inconsistent lengths",
                    m.span,
                ));
            }
        }
        Ok(())
    }

    /// Types (3.2.x): the registry checked binding and supertypes; here the design-specific
    /// composite types and the abstract heap types they mention.
    fn check_types(&self) -> Result<()> {
        for st in self.module.sub_types() {
            let sp = st.span;
            let mut abs_ok = Ok(());
            let mut check = |t: ValType| {
                if let ValType::Ref(RefType {
                    heap: HeapType::Abs(a),
                    ..
                }) = t
                {
                    if abs_ok.is_ok() {
                        abs_ok = self.check_abs(a, sp);
                    }
                }
            };
            match &st.comp {
                CompType::Func(ft) => ft.params.iter().chain(&ft.results).for_each(|&t| check(t)),
                CompType::Struct(fs) => fs.iter().for_each(|f| check(types::unpack(f.storage))),
                CompType::Array(f) => check(types::unpack(f.storage)),
                CompType::Cont(y) => {
                    // cont $ft: $ft must be a function type.
                    if !matches!(self.design, Design::TypedCont | Design::EffectHandlers) {
                        return Err(Error::invalid("continuation types are not enabled", sp));
                    }
                    let ct = self.type_idx(*y, sp)?;
                    if self.reg.func_type(ct).is_none() {
                        return Err(Error::invalid(format!("non-function type {y}"), sp));
                    }
                }
                CompType::Stack { params, ret } => {
                    if self.design != Design::RawStacks {
                        return Err(Error::invalid("stack types are not enabled", sp));
                    }
                    params.iter().for_each(|&t| check(t));
                    check(ValType::Ref(*ret));
                    let r = crate::raw_stacks::valid::check_stack_type(self, *ret, sp);
                    if let Some(counts) = self.rules {
                        counts.borrow_mut().typing("type-stack", r.is_err());
                    }
                    r?;
                }
            }
            abs_ok?;
        }
        Ok(())
    }

    /// Limits (3.2.2): `min <= max <= k`.
    fn limits(&self, l: Limits, k: u64, what: &str, sp: Span) -> Result<()> {
        if l.min > k || l.max.is_some_and(|m| m > k) {
            return Err(Error::invalid(what.to_string(), sp));
        }
        if l.max.is_some_and(|m| l.min > m) {
            return Err(Error::invalid(
                "size minimum must not be greater than maximum",
                sp,
            ));
        }
        Ok(())
    }

    fn table_type(&self, tt: TableType, sp: Span) -> Result<TableType> {
        let k = match tt.addr {
            AddrType::I32 => u32::MAX as u64,
            AddrType::I64 => u64::MAX,
        };
        self.limits(tt.limits, k, "table size must be at most 2^32-1", sp)?;
        Ok(TableType {
            elem: self.ref_type(tt.elem, sp)?,
            ..tt
        })
    }

    fn mem_type(&self, mt: MemType, sp: Span) -> Result<()> {
        match mt.addr {
            AddrType::I32 => self.limits(
                mt.limits,
                1 << 16,
                "memory size must be at most 65536 pages (4GiB)",
                sp,
            ),
            AddrType::I64 => self.limits(
                mt.limits,
                1 << 48,
                "memory size must be at most 2^48 pages",
                sp,
            ),
        }
    }

    /// C.refs: `ref.func x` anywhere outside function bodies (globals, tables, elements,
    /// exports) declares `x`.
    fn collect_refs(&mut self) {
        let m = self.module;
        let mut refs = HashSet::new();
        let mut scan = |e: &Expr| {
            for i in &e.instrs {
                if let Instr::RefFunc(x) = i {
                    refs.insert(*x);
                }
            }
        };
        m.globals.iter().for_each(|g| scan(&g.init));
        m.tables
            .iter()
            .filter_map(|t| t.init.as_ref())
            .for_each(&mut scan);
        for e in &m.elems {
            e.init.iter().for_each(&mut scan);
            if let ElemMode::Active { offset, .. } = &e.mode {
                scan(offset);
            }
        }
        for ex in &m.exports {
            if let ExternIdx::Func(x) = ex.desc {
                refs.insert(x);
            }
        }
        self.refs = refs;
    }

    /// A constant expression (3.3.11) of result type `t`.
    fn check_const(&self, e: &Expr, t: ValType, sp: Span) -> Result<()> {
        Checker::check_const(self, e, t, sp)
    }
}

fn unknown(what: &str, x: u32, sp: Span) -> Error {
    Error::invalid(format!("unknown {what} {x}"), sp)
}

/// The value type of addresses of a memory or table.
pub(crate) fn addr_val(a: AddrType) -> ValType {
    match a {
        AddrType::I32 => ValType::I32,
        AddrType::I64 => ValType::I64,
    }
}

/// Types in messages, with the names the module gave them: `(ref $point)` for a concrete type
/// the module calls `$point`, its index in the module (`(ref 3)`) when it has no name.
impl Ctx<'_> {
    /// The module's own name for canonical type `ct`: `$point`, else its first index in the
    /// module (equivalent types share a canonical index), else the canonical index.
    pub fn type_name(&self, ct: u32) -> String {
        match self.map.iter().position(|&c| c == ct) {
            Some(x) => match self.module.names.types.get(&(x as u32)) {
                Some(name) => format!("${name}"),
                None => x.to_string(),
            },
            None => ct.to_string(),
        }
    }

    pub fn show_val(&self, t: ValType) -> String {
        match t {
            ValType::Ref(rt) => self.show_ref(rt),
            _ => show_val(t),
        }
    }

    pub fn show_ref(&self, rt: RefType) -> String {
        match rt.heap {
            HeapType::Concrete(ct) => {
                let null = if rt.nullable { "null " } else { "" };
                format!("(ref {null}{})", self.type_name(ct))
            }
            HeapType::Abs(_) => show_ref(rt),
        }
    }

    /// `[i32 (ref $point)]`.
    pub fn show_vals(&self, ts: &[ValType]) -> String {
        let shown: Vec<String> = ts.iter().map(|&t| self.show_val(t)).collect();
        format!("[{}]", shown.join(" "))
    }

    /// `[i32] -> [i64]`.
    pub fn show_func(&self, ft: &FuncType) -> String {
        format!(
            "{} -> {}",
            self.show_vals(&ft.params),
            self.show_vals(&ft.results)
        )
    }

    /// Tag `x` as the module calls it: `$e`, else `tag 2`.
    pub fn tag_name(&self, x: u32) -> String {
        match self.module.names.tags.get(&x) {
            Some(name) => format!("${name}"),
            None => format!("tag {x}"),
        }
    }

    /// Function `x` as the module calls it: `$f`, else `func 2`.
    pub fn func_name(&self, x: u32) -> String {
        match self.module.names.funcs.get(&x) {
            Some(name) => format!("${name}"),
            None => format!("func {x}"),
        }
    }
}

/// Text of a value type for messages, in the reference interpreter's notation (concrete types
/// by canonical index: `Ctx::show_val` gives the module's names).
pub(crate) fn show_val(t: ValType) -> String {
    match t {
        ValType::I32 => "i32".into(),
        ValType::I64 => "i64".into(),
        ValType::F32 => "f32".into(),
        ValType::F64 => "f64".into(),
        ValType::V128 => "v128".into(),
        ValType::Ref(rt) => show_ref(rt),
    }
}

pub(crate) fn show_ref(rt: RefType) -> String {
    let heap = match rt.heap {
        HeapType::Concrete(x) => x.to_string(),
        HeapType::Abs(a) => a.name().to_string(),
    };
    if rt.nullable {
        format!("(ref null {heap})")
    } else {
        format!("(ref {heap})")
    }
}

/// `(ref null? ct)` for a canonical type index `ct`: the reference types the designs' typing
/// rules build for their continuations and stacks.
pub(crate) fn ref_to(nullable: bool, ct: u32) -> ValType {
    ValType::Ref(RefType {
        nullable,
        heap: HeapType::Concrete(ct),
    })
}

#[cfg(test)]
mod tests;
