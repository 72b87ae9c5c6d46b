//! Instantiation (4.5.4): import matching (4.5.2), allocation (4.5.3), constant expressions,
//! active segments, the start function.
//!
//! Legend: `s` store, `m` module, `ia` the new instance's address, `ts` its canonical types.

use std::rc::Rc;

use super::code::Code;
use super::step::{self, default_val, ref_matches};
use super::store::*;
use super::thread::{Frame, Label, LabelKind, Thread};
use super::{ExternVal, Store};
use crate::diag::{Error, Result, Span};
use crate::runtime::{Addr, Ref, Val};
use crate::syntax::{
    BlockType, CompType, DataMode, ElemMode, Expr, ImportDesc, Instr, Limits, Module, ValType,
};

fn incompatible(span: Span) -> Error {
    Error::link("incompatible import type", Some(span))
}

/// Limits matching (4.5.2.3) against an import's declared limits.
fn limits_match(min: u64, max: Option<u64>, want: Limits) -> bool {
    min >= want.min
        && match (max, want.max) {
            (_, None) => true,
            (Some(a), Some(b)) => a <= b,
            (None, Some(_)) => false,
        }
}

/// Checks an external value against an import description (4.5.2 "external typing").
fn match_import(s: &Store, ts: &[u32], desc: &ImportDesc, ev: ExternVal, span: Span) -> Result<()> {
    let ok = match (desc, ev) {
        (ImportDesc::Func(t), ExternVal::Func(a)) => s.rtt.is_subtype_def(
            s.funcs[a as usize].ty(),
            ts.get(*t as usize).copied().unwrap_or(u32::MAX),
        ),
        (ImportDesc::Table(tt), ExternVal::Table(a)) => {
            let t = &s.tables[a as usize];
            let want = crate::types::canon_ref_type(ts, tt.elem);
            t.addr == tt.addr
                && t.elem == want
                && limits_match(t.elems.len() as u64, t.max, tt.limits)
        }
        (ImportDesc::Mem(mt), ExternVal::Mem(a)) => {
            let mm = &s.mems[a as usize];
            mm.addr == mt.addr && limits_match(mm.pages(), mm.max, mt.limits)
        }
        (ImportDesc::Global(gt), ExternVal::Global(a)) => {
            let g = &s.globals[a as usize];
            let want = crate::types::canon_val_type(ts, gt.val);
            g.mutable == gt.mutable
                && if g.mutable {
                    g.ty == want
                } else {
                    s.rtt.val_subtype(g.ty, want)
                }
        }
        (ImportDesc::Tag(tt), ExternVal::Tag(a)) => {
            s.tags[a as usize].ty == ts.get(tt.type_idx as usize).copied().unwrap_or(u32::MAX)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(incompatible(span))
    }
}

/// (params, results) counts of a block type.
fn block_arity(s: &Store, ts: &[u32], bt: BlockType) -> (u32, u32) {
    match bt {
        BlockType::Empty => (0, 0),
        BlockType::Val(_) => (0, 1),
        BlockType::Type(t) => match ts.get(t as usize).map(|&c| &s.rtt.sub_type(c).comp) {
            Some(CompType::Func(ft)) => (ft.params.len() as u32, ft.results.len() as u32),
            // A continuation type (`Code::new` asks for the typed-cont instructions that
            // name one): its function type's arity.
            Some(CompType::Cont(f)) => match &s.rtt.sub_type(*f).comp {
                CompType::Func(ft) => (ft.params.len() as u32, ft.results.len() as u32),
                _ => (0, 0),
            },
            // A stack type (raw-stacks `stack.switch`): its parameters.
            Some(CompType::Stack { params, .. }) => (params.len() as u32, 0),
            _ => (0, 0),
        },
    }
}

/// Evaluates a constant expression (3.3.10) in instance `ia`: the common single-instruction
/// forms directly, the others on the step machine.
pub fn eval_const(s: &mut Store, ia: Addr, e: &Expr) -> Result<Val> {
    let inst = &s.modules[ia as usize];
    if let [i] = e.instrs.as_slice() {
        match i {
            Instr::I32Const(x) => return Ok(Val::I32(*x)),
            Instr::I64Const(x) => return Ok(Val::I64(*x)),
            Instr::F32Const(x) => return Ok(Val::F32(*x)),
            Instr::F64Const(x) => return Ok(Val::F64(*x)),
            Instr::RefFunc(x) => return Ok(Val::Ref(Ref::Func(inst.funcs[*x as usize]))),
            Instr::GlobalGet(x) => {
                return Ok(s.globals[inst.globals[*x as usize] as usize].val.clone())
            }
            _ => {}
        }
    }
    let ts = inst.types.clone();
    let code = Rc::new(Code::new(e, 0, 1, vec![], u32::MAX, &|bt| {
        block_arity(s, &ts, bt)
    }));
    let mut th = Thread::new();
    th.depth = 1;
    let sg = &mut th.segs[0];
    sg.labels.push(Label {
        arity: 1,
        cont: code.instrs.len() as u32,
        height: 0,
        kind: LabelKind::Body,
    });
    sg.frames.push(Frame {
        code,
        inst: ia,
        func: u32::MAX,
        pc: 0,
        local_base: 0,
        label_base: 0,
        val_base: 0,
        arity: 1,
        shared: None,
    });
    let mut vs = step::run(s, &mut th)?;
    vs.pop()
        .ok_or_else(|| Error::crash("constant expression without value"))
}

/// Instantiates `m` with `imports` (4.5.4).
pub fn instantiate(s: &mut Store, m: Rc<Module>, imports: &[ExternVal]) -> Result<Addr> {
    // Steps 1 to 4 hold values of constant expressions in Rust locals (element segments under
    // construction), which are no roots: nothing is collected until the instance is complete.
    s.gc.paused += 1;
    let built = build(s, &m, imports);
    s.gc.paused -= 1;
    let ia = built?;
    // 5. The start function.
    if let Some(st) = &m.start {
        let a = s.modules[ia as usize].funcs[st.func as usize];
        step::invoke(s, a, vec![]).map_err(|e| e.with_span(st.span))?;
    }
    Ok(ia)
}

/// Steps 1 to 4 of instantiation: the instance, its initialized tables and memories.
fn build(s: &mut Store, m: &Rc<Module>, imports: &[ExternVal]) -> Result<Addr> {
    let ts = s.rtt.add_module_types(&m.types)?;

    // 1. Imports must match their descriptions.
    if imports.len() != m.imports.len() {
        return Err(Error::link("unknown import", Some(m.span)));
    }
    for (imp, ev) in m.imports.iter().zip(imports) {
        match_import(s, &ts, &imp.desc, *ev, imp.span)?;
    }

    // 2. The instance, with imports first in every index space.
    let ia = s.modules.len() as Addr;
    let mut inst = ModuleInst {
        module: m.clone(),
        types: ts.clone(),
        ..Default::default()
    };
    for ev in imports {
        match *ev {
            ExternVal::Func(a) => inst.funcs.push(a),
            ExternVal::Table(a) => inst.tables.push(a),
            ExternVal::Mem(a) => inst.mems.push(a),
            ExternVal::Global(a) => inst.globals.push(a),
            ExternVal::Tag(a) => inst.tags.push(a),
        }
    }
    s.modules.push(inst);

    // Functions and tags first: constant expressions may refer to functions (`ref.func`).
    for (i, f) in m.funcs.iter().enumerate() {
        let ty = ts[f.type_idx as usize];
        let (params, results) = match &s.rtt.sub_type(ty).comp {
            CompType::Func(ft) => (ft.params.len() as u32, ft.results.len() as u32),
            _ => return Err(Error::crash("function of non-function type")),
        };
        let locals: Vec<Val> = f
            .locals
            .iter()
            .map(|&t| default_val(s, crate::types::canon_val_type(&ts, t)))
            .collect();
        let idx = (m
            .imports
            .iter()
            .filter(|i| matches!(i.desc, ImportDesc::Func(_)))
            .count()
            + i) as u32;
        let code = Code::new(&f.body, params, results, locals, idx, &|bt| {
            block_arity(s, &ts, bt)
        });
        s.funcs.push(FuncInst::Wasm {
            ty,
            inst: ia,
            code: Rc::new(code),
        });
        let a = s.funcs.len() as Addr - 1;
        s.modules[ia as usize].funcs.push(a);
    }
    for t in &m.tags {
        let ty = ts[t.ty.type_idx as usize];
        let (params, results) = match &s.rtt.sub_type(ty).comp {
            CompType::Func(ft) => (ft.params.len(), ft.results.len()),
            _ => (0, 0),
        };
        s.tags.push(TagInst {
            ty,
            params,
            results,
        });
        let a = s.tags.len() as Addr - 1;
        s.modules[ia as usize].tags.push(a);
    }

    // Globals in order: each initializer sees the globals before it.
    for g in &m.globals {
        let val = eval_const(s, ia, &g.init)?;
        s.globals.push(GlobalInst {
            mutable: g.ty.mutable,
            ty: crate::types::canon_val_type(&ts, g.ty.val),
            val,
        });
        let a = s.globals.len() as Addr - 1;
        s.modules[ia as usize].globals.push(a);
    }
    for t in &m.tables {
        let elem = crate::types::canon_ref_type(&ts, t.ty.elem);
        let init = match &t.init {
            Some(e) => match eval_const(s, ia, e)? {
                Val::Ref(r) => r,
                _ => return Err(Error::crash("table initializer is not a reference")),
            },
            None => Ref::Null(s.rtt.bottom_of(elem.heap)),
        };
        if t.ty.limits.min > 10_000_000 {
            return Err(Error::trap("out of memory: table too large"));
        }
        step::charge_heap(s, step::ref_bytes(t.ty.limits.min))?;
        let elems = vec![init; t.ty.limits.min as usize];
        s.tables.push(TableInst {
            addr: t.ty.addr,
            max: t.ty.limits.max,
            elem,
            elems,
        });
        let a = s.tables.len() as Addr - 1;
        s.modules[ia as usize].tables.push(a);
    }
    for mem in &m.mems {
        let pages = mem.ty.limits.min;
        if pages > 16384 {
            return Err(Error::trap("out of memory: memory too large"));
        }
        step::charge_heap(s, pages * PAGE_SIZE as u64)?;
        s.mems.push(MemInst {
            addr: mem.ty.addr,
            max: mem.ty.limits.max,
            bytes: vec![0; pages as usize * PAGE_SIZE],
        });
        let a = s.mems.len() as Addr - 1;
        s.modules[ia as usize].mems.push(a);
    }
    for e in &m.elems {
        let mut elems = Vec::with_capacity(e.init.len());
        for x in &e.init {
            match eval_const(s, ia, x)? {
                Val::Ref(r) => elems.push(r),
                _ => return Err(Error::crash("element is not a reference")),
            }
        }
        s.elems.push(ElemInst { elems });
        let a = s.elems.len() as Addr - 1;
        s.modules[ia as usize].elems.push(a);
    }
    for d in &m.datas {
        s.datas.push(DataInst {
            bytes: d.init.clone(),
        });
        let a = s.datas.len() as Addr - 1;
        s.modules[ia as usize].datas.push(a);
    }
    for ex in &m.exports {
        let inst = &s.modules[ia as usize];
        let ev = match ex.desc {
            crate::syntax::ExternIdx::Func(x) => ExternVal::Func(inst.funcs[x as usize]),
            crate::syntax::ExternIdx::Table(x) => ExternVal::Table(inst.tables[x as usize]),
            crate::syntax::ExternIdx::Mem(x) => ExternVal::Mem(inst.mems[x as usize]),
            crate::syntax::ExternIdx::Global(x) => ExternVal::Global(inst.globals[x as usize]),
            crate::syntax::ExternIdx::Tag(x) => ExternVal::Tag(inst.tags[x as usize]),
        };
        s.modules[ia as usize].exports.insert(ex.name.clone(), ev);
    }

    // 3. Active and declarative element segments, in order (`table.init` then `elem.drop`).
    for (i, e) in m.elems.iter().enumerate() {
        let ea = s.modules[ia as usize].elems[i] as usize;
        match &e.mode {
            ElemMode::Active { table, offset } => {
                let d = addr_of(eval_const(s, ia, offset)?);
                let ta = s.modules[ia as usize].tables[*table as usize] as usize;
                let n = s.elems[ea].elems.len() as u64;
                if d.checked_add(n)
                    .is_none_or(|end| end > s.tables[ta].elems.len() as u64)
                {
                    return Err(Error::trap("out of bounds table access").with_span(e.span));
                }
                let src = std::mem::take(&mut s.elems[ea].elems);
                s.tables[ta].elems[d as usize..d as usize + src.len()].clone_from_slice(&src);
            }
            ElemMode::Declarative => s.elems[ea].elems = Vec::new(),
            ElemMode::Passive => {}
        }
    }
    // 4. Active data segments (`memory.init` then `data.drop`).
    for (i, d) in m.datas.iter().enumerate() {
        let da = s.modules[ia as usize].datas[i] as usize;
        if let DataMode::Active { mem, offset } = &d.mode {
            let o = addr_of(eval_const(s, ia, offset)?);
            let ma = s.modules[ia as usize].mems[*mem as usize] as usize;
            let n = s.datas[da].bytes.len() as u64;
            if o.checked_add(n)
                .is_none_or(|end| end > s.mems[ma].bytes.len() as u64)
            {
                return Err(Error::trap("out of bounds memory access").with_span(d.span));
            }
            let src = std::mem::take(&mut s.datas[da].bytes);
            s.mems[ma].bytes[o as usize..o as usize + src.len()].copy_from_slice(&src);
        }
    }
    Ok(ia)
}

fn addr_of(v: Val) -> u64 {
    match v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        _ => u64::MAX,
    }
}

/// Does `v` match the canonical value type `t`? (for hosts checking arguments)
pub fn val_matches(s: &Store, v: &Val, t: ValType) -> bool {
    match (v, t) {
        (Val::I32(_), ValType::I32)
        | (Val::I64(_), ValType::I64)
        | (Val::F32(_), ValType::F32)
        | (Val::F64(_), ValType::F64)
        | (Val::V128(_), ValType::V128) => true,
        (Val::Ref(r), ValType::Ref(rt)) => ref_matches(s, r, rt),
        _ => false,
    }
}
