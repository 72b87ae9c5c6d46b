//! Instruction sequences (3.3): the checker for function bodies and constant expressions.
//!
//! It follows the algorithm of the spec's appendix: an operand stack whose entries may be the
//! unknown (bottom) type after unreachable code, and an explicit control stack, so nesting costs
//! heap only. Local initialization (non-defaultable locals) is tracked with a stack of the
//! locals set so far; leaving a block forgets the ones set inside it.
//!
//! Legend: `c` module context, `k` the checker, `t`/`ts` value types, `rt` reference type, `l`
//! label index, `x`/`y` indices, `ct` canonical type index, `ft` function type, `fl` field type,
//! `sp` span, `None` in an operand position: the unknown type.

use crate::design::Design;
use crate::diag::{Error, Result, Span};
use crate::syntax::{
    AbsHeapType, BlockType, Catch, Expr, FieldType, FuncType, HeapType, Instr, MemArg, NumOp,
    RefType, StorageType, ValType,
};
use crate::types::{self, TypeRegistry};

use super::{addr_val, Ctx};

/// The kind of a control frame; design constructs use `Design` with their own tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FrameKind {
    Func,
    Block,
    Loop,
    If,
    Else,
    TryTable,
    /// A block-structured construct of a design (its module gives the meaning of the tag).
    Design(u8),
}

#[derive(Clone, Debug)]
pub(crate) struct Frame {
    pub kind: FrameKind,
    pub start: Vec<ValType>,
    pub end: Vec<ValType>,
    pub height: usize,
    pub unreachable: bool,
    /// Length of the local-initialization stack when the frame was entered.
    pub inits: usize,
    /// Branches from inside may not target labels outside this frame (effect-handlers).
    pub barrier: bool,
}

pub(crate) struct Checker<'k, 'a> {
    pub c: &'k Ctx<'a>,
    vals: Vec<Option<ValType>>,
    pub ctrls: Vec<Frame>,
    locals: Vec<ValType>,
    init: Vec<bool>,
    inits: Vec<u32>,
    pub returns: Vec<ValType>,
    is_const: bool,
    /// The span of the instruction being checked.
    pub sp: Span,
}

fn ref_val(nullable: bool, heap: HeapType) -> ValType {
    ValType::Ref(RefType { nullable, heap })
}

fn abs_ref(nullable: bool, a: AbsHeapType) -> ValType {
    ValType::Ref(RefType::abs(nullable, a))
}

fn is_num_or_vec(t: ValType) -> bool {
    !matches!(t, ValType::Ref(_))
}

impl<'k, 'a> Checker<'k, 'a> {
    fn new(c: &'k Ctx<'a>, returns: Vec<ValType>, locals: Vec<ValType>, n_params: usize) -> Self {
        let init = locals
            .iter()
            .enumerate()
            .map(|(i, &t)| i < n_params || TypeRegistry::defaultable(t))
            .collect();
        Checker {
            c,
            vals: Vec::new(),
            ctrls: Vec::new(),
            locals,
            init,
            inits: Vec::new(),
            returns,
            is_const: false,
            sp: Span::NONE,
        }
    }

    pub fn reg(&self) -> &'k TypeRegistry {
        self.c.reg
    }

    pub fn err(&self, msg: impl Into<String>) -> Error {
        Error::invalid(msg, self.sp)
    }

    /// A function body (3.4.1): params and locals, the body, and its implicit final `end`.
    pub fn check_func(c: &Ctx, ft: &FuncType, locals: Vec<ValType>, body: &Expr) -> Result<()> {
        let mut all = ft.params.clone();
        all.extend(locals);
        let mut k = Checker::new(c, ft.results.clone(), all, ft.params.len());
        k.push_ctrl(FrameKind::Func, vec![], ft.results.clone());
        k.run(body)
    }

    /// A constant expression (3.3.11) of type `t`.
    pub fn check_const(c: &Ctx, e: &Expr, t: ValType, sp: Span) -> Result<()> {
        let mut k = Checker::new(c, vec![t], vec![], 0);
        k.is_const = true;
        k.sp = sp;
        k.push_ctrl(FrameKind::Func, vec![], vec![t]);
        k.run(e)
    }

    fn run(&mut self, e: &Expr) -> Result<()> {
        let fallback = self.sp;
        for (i, instr) in e.instrs.iter().enumerate() {
            self.sp = e.spans.get(i).copied().unwrap_or(fallback);
            if self.ctrls.is_empty() {
                return Err(self.err("unexpected end"));
            }
            if self.is_const {
                self.check_constant(instr)?;
            }
            match self.c.rules {
                None => self.instr(instr)?,
                Some(counts) => {
                    // Rule coverage: the rules are counted as applied, held or not.
                    let in_handle = self.ctrls.iter().any(|f| f.barrier);
                    let r = self.instr(instr);
                    super::rules::count(instr, in_handle, r.is_err(), &mut counts.borrow_mut());
                    r?
                }
            }
        }
        // The implicit `end` of the body.
        self.sp = e
            .spans
            .last()
            .map(|s| Span {
                start: s.end,
                end: s.end,
            })
            .unwrap_or(fallback);
        if self.ctrls.len() != 1 {
            return Err(self.err("unclosed block: missing end"));
        }
        let f = self.pop_ctrl()?;
        debug_assert_eq!(f.kind, FrameKind::Func);
        Ok(())
    }

    /// Constant instructions (3.3.11).
    fn check_constant(&self, instr: &Instr) -> Result<()> {
        use NumOp::*;
        let ok = match instr {
            Instr::I32Const(_)
            | Instr::I64Const(_)
            | Instr::F32Const(_)
            | Instr::F64Const(_)
            | Instr::RefNull(_)
            | Instr::RefFunc(_)
            | Instr::RefI31
            | Instr::StructNew(_)
            | Instr::StructNewDefault(_)
            | Instr::ArrayNew(_)
            | Instr::ArrayNewDefault(_)
            | Instr::ArrayNewFixed(..)
            | Instr::AnyConvertExtern
            | Instr::ExternConvertAny
            | Instr::Simd(crate::simd::Instr::Const(_)) => true,
            Instr::Num(op) => matches!(op, I32Add | I32Sub | I32Mul | I64Add | I64Sub | I64Mul),
            Instr::GlobalGet(x) => {
                let g = self.c.global(*x, self.sp)?;
                !g.mutable
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(self.err("constant expression required"))
        }
    }

    // -----------------------------------------------------------------------------------------
    // The operand and control stacks (appendix "validation algorithm").

    pub fn push(&mut self, t: ValType) {
        self.vals.push(Some(t));
    }

    pub fn push_opt(&mut self, t: Option<ValType>) {
        self.vals.push(t);
    }

    pub fn push_vals(&mut self, ts: &[ValType]) {
        self.vals.extend(ts.iter().map(|&t| Some(t)));
    }

    /// The kind of the innermost control frame.
    pub fn top_kind(&self) -> FrameKind {
        self.frame().kind
    }

    fn frame(&self) -> &Frame {
        // The control stack is never empty while instructions are checked (see `run`).
        &self.ctrls[self.ctrls.len() - 1]
    }

    fn mismatch(&self, expected: &[ValType]) -> Error {
        let f = self.frame();
        let avail = self.vals.len() - f.height;
        let n = expected.len().min(avail);
        let actual: Vec<String> = self.vals[self.vals.len() - n..]
            .iter()
            .map(|t| t.map(|t| self.c.show_val(t)).unwrap_or_else(|| "_".into()))
            .collect();
        let exp: Vec<String> = expected.iter().map(|&t| self.c.show_val(t)).collect();
        self.err(format!(
            "type mismatch: instruction requires [{}] but stack has [{}]",
            exp.join(" "),
            actual.join(" ")
        ))
    }

    /// Pops any operand.
    pub fn pop(&mut self) -> Result<Option<ValType>> {
        let f = self.frame();
        if self.vals.len() == f.height {
            if f.unreachable {
                return Ok(None);
            }
            return Err(
                self.err("type mismatch: instruction requires an operand but stack is empty")
            );
        }
        Ok(self.vals.pop().flatten())
    }

    /// Pops operands matching `ts` (the last on top); returns the actual types.
    pub fn pop_vals(&mut self, ts: &[ValType]) -> Result<Vec<Option<ValType>>> {
        let f = self.frame();
        let avail = self.vals.len() - f.height;
        let n = ts.len();
        for i in 0..n {
            let want = ts[n - 1 - i];
            if i < avail {
                if let Some(t) = self.vals[self.vals.len() - 1 - i] {
                    if !self.c.reg.val_subtype(t, want) {
                        return Err(self.mismatch(ts));
                    }
                }
            } else if !f.unreachable {
                return Err(self.mismatch(ts));
            }
        }
        let k = n.min(avail);
        let mut out = vec![None; n - k];
        out.extend(self.vals.drain(self.vals.len() - k..));
        Ok(out)
    }

    pub fn pop_expect(&mut self, t: ValType) -> Result<Option<ValType>> {
        Ok(self.pop_vals(&[t])?.pop().flatten())
    }

    /// Pops `n` operands of type `t` without materializing `n` types.
    fn pop_n(&mut self, t: ValType, n: u32) -> Result<()> {
        let f = self.frame();
        let avail = self.vals.len() - f.height;
        if (n as usize) > avail && !f.unreachable {
            return Err(self.mismatch(&[t]));
        }
        for _ in 0..(n as usize).min(avail) {
            self.pop_expect(t)?;
        }
        Ok(())
    }

    /// Pops a reference operand; `None` for the unknown type.
    pub fn pop_ref(&mut self) -> Result<Option<RefType>> {
        match self.pop()? {
            None => Ok(None),
            Some(ValType::Ref(rt)) => Ok(Some(rt)),
            Some(t) => Err(self.err(format!(
                "type mismatch: instruction requires reference type but stack has {}",
                self.c.show_val(t)
            ))),
        }
    }

    pub fn push_ctrl(&mut self, kind: FrameKind, start: Vec<ValType>, end: Vec<ValType>) {
        let height = self.vals.len();
        self.push_vals(&start);
        self.ctrls.push(Frame {
            kind,
            start,
            end,
            height,
            unreachable: false,
            inits: self.inits.len(),
            barrier: false,
        });
    }

    /// Marks the innermost frame as a handler boundary (effect-handlers).
    pub fn set_barrier(&mut self) {
        let n = self.ctrls.len() - 1;
        self.ctrls[n].barrier = true;
    }

    pub fn pop_ctrl(&mut self) -> Result<Frame> {
        let end = self.frame().end.clone();
        self.pop_vals(&end)?;
        if self.vals.len() != self.frame().height {
            let more = self.vals.len() - self.frame().height;
            return Err(self.err(format!(
                "type mismatch: block requires {} but stack has {more} more {}",
                self.c.show_vals(&end),
                if more == 1 { "value" } else { "values" }
            )));
        }
        let f = self.ctrls.pop().expect("control stack checked non-empty");
        // Leaving a block forgets the locals initialized inside it.
        for x in self.inits.drain(f.inits..) {
            self.init[x as usize] = false;
        }
        Ok(f)
    }

    pub fn set_unreachable(&mut self) {
        let n = self.ctrls.len() - 1;
        let h = self.ctrls[n].height;
        self.vals.truncate(h);
        self.ctrls[n].unreachable = true;
    }

    /// The frame that label `l` names.
    pub fn label(&self, l: u32) -> Result<&Frame> {
        let n = self.ctrls.len();
        if (l as usize) >= n {
            return Err(self.err(format!("unknown label {l}")));
        }
        let target = n - 1 - l as usize;
        if self.ctrls[target + 1..].iter().any(|f| f.barrier) {
            return Err(self.err("invalid branch out of handler"));
        }
        Ok(&self.ctrls[target])
    }

    /// The types a branch to label `l` carries.
    pub fn label_types(&self, l: u32) -> Result<Vec<ValType>> {
        let f = self.label(l)?;
        Ok(if f.kind == FrameKind::Loop {
            f.start.clone()
        } else {
            f.end.clone()
        })
    }

    /// Block types (3.3.3) as a function type.
    pub fn block_type(&self, bt: BlockType) -> Result<FuncType> {
        match bt {
            BlockType::Empty => Ok(FuncType::default()),
            BlockType::Val(t) => Ok(FuncType {
                params: vec![],
                results: vec![self.c.val_type(t, self.sp)?],
            }),
            BlockType::Type(x) => {
                let ct = self.c.type_idx(x, self.sp)?;
                match self.c.reg.func_type(ct) {
                    Some(ft) => Ok(ft.clone()),
                    None => Err(self.err(format!("non-function type {x}"))),
                }
            }
        }
    }

    /// The function type of tag `x`.
    pub fn tag_type(&self, x: u32) -> Result<FuncType> {
        let ct = self.c.tag(x, self.sp)?;
        Ok(self.c.func_type(ct).clone())
    }

    /// Whether the current function may return (false inside a barrier, effect-handlers).
    fn check_return_allowed(&self) -> Result<()> {
        if self.ctrls.iter().any(|f| f.barrier) {
            return Err(self.err("invalid branch out of handler"));
        }
        Ok(())
    }

    /// Casts (ref.test, ref.cast, br_on_cast*) are invalid to types in the continuation and
    /// stack hierarchies.
    fn check_castable(&self, rt: RefType) -> Result<()> {
        match self.c.reg.top_of(rt.heap) {
            AbsHeapType::Stack => {
                // cast-stack (raw-stacks §2.4), applied and failed.
                if let Some(counts) = self.c.rules {
                    counts.borrow_mut().typing("cast-stack", true);
                }
                Err(self.err("invalid cast"))
            }
            AbsHeapType::Cont => Err(self.err("invalid cast")),
            _ => Ok(()),
        }
    }

    fn local(&self, x: u32) -> Result<ValType> {
        self.locals
            .get(x as usize)
            .copied()
            .ok_or_else(|| self.err(format!("unknown local {x}")))
    }

    fn set_init(&mut self, x: u32) {
        if !self.init[x as usize] {
            self.init[x as usize] = true;
            self.inits.push(x);
        }
    }

    fn struct_fields(&self, x: u32) -> Result<(u32, Vec<FieldType>)> {
        let ct = self.c.type_idx(x, self.sp)?;
        match self.c.reg.struct_type(ct) {
            Some(fs) => Ok((ct, fs.to_vec())),
            None => Err(self.err(format!("type mismatch: non-struct type {x}"))),
        }
    }

    fn struct_field(&self, x: u32, i: u32) -> Result<(u32, FieldType)> {
        let (ct, fs) = self.struct_fields(x)?;
        match fs.get(i as usize) {
            Some(&fl) => Ok((ct, fl)),
            None => Err(self.err(format!("unknown field {i}"))),
        }
    }

    fn array_field(&self, x: u32) -> Result<(u32, FieldType)> {
        let ct = self.c.type_idx(x, self.sp)?;
        match self.c.reg.array_type(ct) {
            Some(fl) => Ok((ct, fl)),
            None => Err(self.err(format!("type mismatch: non-array type {x}"))),
        }
    }

    fn mutable_array(&self, x: u32) -> Result<(u32, FieldType)> {
        let (ct, fl) = self.array_field(x)?;
        if !fl.mutable {
            return Err(self.err("array is immutable"));
        }
        Ok((ct, fl))
    }

    fn numeric_array(&self, fl: FieldType) -> Result<()> {
        match fl.storage {
            StorageType::Val(ValType::Ref(_)) => {
                Err(self.err("array type is not numeric or vector"))
            }
            _ => Ok(()),
        }
    }

    fn unpacked(&self, fl: FieldType, signed: Option<bool>) -> Result<ValType> {
        let packed = !matches!(fl.storage, StorageType::Val(_));
        match (packed, signed) {
            (true, None) => Err(self.err("type mismatch: field is packed")),
            (false, Some(_)) => Err(self.err("type mismatch: field is not packed")),
            _ => Ok(types::unpack(fl.storage)),
        }
    }

    pub(crate) fn memarg(&self, m: MemArg, bytes: u32) -> Result<ValType> {
        let mt = self.c.mem(m.mem, self.sp)?;
        if m.align >= 32 || (1u64 << m.align) > bytes as u64 {
            return Err(self.err("alignment must not be larger than natural"));
        }
        if mt.addr == crate::syntax::AddrType::I32 && m.offset > u32::MAX as u64 {
            return Err(self.err("offset out of range"));
        }
        Ok(addr_val(mt.addr))
    }

    fn check_catch(&self, h: Catch) -> Result<()> {
        let exnref = abs_ref(false, AbsHeapType::Exn);
        let (carried, l) = match h {
            // catch
            Catch::Catch(x, l) => (self.tag_type(x)?.params, l),
            // catch_ref
            Catch::CatchRef(x, l) => {
                let mut ts = self.tag_type(x)?.params;
                ts.push(exnref);
                (ts, l)
            }
            // catch_all
            Catch::CatchAll(l) => (vec![], l),
            // catch_all_ref
            Catch::CatchAllRef(l) => (vec![exnref], l),
        };
        let lts = self.label_types(l)?;
        if !self.c.reg.vals_subtype(&carried, &lts) {
            return Err(self.err("type mismatch: catch handler does not match label"));
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Instructions

    fn instr(&mut self, instr: &Instr) -> Result<()> {
        let c = self.c;
        let sp = self.sp;
        let i32t = ValType::I32;
        match instr {
            // -- Control (3.3.8)
            Instr::Unreachable => self.set_unreachable(), // unreachable
            Instr::Nop => {}                              // nop
            Instr::Block(bt) => {
                // block
                let ft = self.block_type(*bt)?;
                self.pop_vals(&ft.params)?;
                self.push_ctrl(FrameKind::Block, ft.params, ft.results);
            }
            Instr::Loop(bt) => {
                // loop
                let ft = self.block_type(*bt)?;
                self.pop_vals(&ft.params)?;
                self.push_ctrl(FrameKind::Loop, ft.params, ft.results);
            }
            Instr::If(bt) => {
                // if
                let ft = self.block_type(*bt)?;
                self.pop_expect(i32t)?;
                self.pop_vals(&ft.params)?;
                self.push_ctrl(FrameKind::If, ft.params, ft.results);
            }
            Instr::Else => {
                // if (the else branch)
                if self.frame().kind != FrameKind::If {
                    return Err(self.err("else without matching if"));
                }
                let f = self.pop_ctrl()?;
                self.push_ctrl(FrameKind::Else, f.start, f.end);
            }
            Instr::End => {
                if self.ctrls.len() == 1 {
                    return Err(self.err("unexpected end"));
                }
                let f = self.pop_ctrl()?;
                // if without else: the missing branch passes the params through.
                if f.kind == FrameKind::If && !c.reg.vals_subtype(&f.start, &f.end) {
                    return Err(self.err("type mismatch: if without else"));
                }
                self.push_vals(&f.end);
            }
            Instr::Br(l) => {
                // br
                let ts = self.label_types(*l)?;
                self.pop_vals(&ts)?;
                self.set_unreachable();
            }
            Instr::BrIf(l) => {
                // br_if
                let ts = self.label_types(*l)?;
                self.pop_expect(i32t)?;
                self.pop_vals(&ts)?;
                self.push_vals(&ts);
            }
            Instr::BrTable(ls, ld) => {
                // br_table
                self.pop_expect(i32t)?;
                let arity = self.label_types(*ld)?.len();
                for &l in ls.iter() {
                    let ts = self.label_types(l)?;
                    if ts.len() != arity {
                        return Err(self.err("type mismatch: br_table targets differ in arity"));
                    }
                    let popped = self.pop_vals(&ts)?;
                    self.vals.extend(popped);
                }
                let ts = self.label_types(*ld)?;
                self.pop_vals(&ts)?;
                self.set_unreachable();
            }
            Instr::BrOnNull(l) => {
                // br_on_null
                let ts = self.label_types(*l)?;
                let rt = self.pop_ref()?;
                self.pop_vals(&ts)?;
                self.push_vals(&ts);
                self.push_opt(rt.map(|rt| ref_val(false, rt.heap)));
            }
            Instr::BrOnNonNull(l) => {
                // br_on_non_null
                let ts = self.label_types(*l)?;
                if !matches!(ts.last(), Some(ValType::Ref(_))) {
                    return Err(self.err("type mismatch: label requires a reference type"));
                }
                let rt = self.pop_ref()?;
                self.push_opt(rt.map(|rt| ref_val(false, rt.heap)));
                self.pop_vals(&ts)?;
                self.push_vals(&ts[..ts.len() - 1]);
            }
            Instr::BrOnCast(l, rt1, rt2) | Instr::BrOnCastFail(l, rt1, rt2) => {
                // br_on_cast, br_on_cast_fail
                let rt1 = c.ref_type(*rt1, sp)?;
                let rt2 = c.ref_type(*rt2, sp)?;
                self.check_castable(rt1)?;
                self.check_castable(rt2)?;
                if !c.reg.ref_subtype(rt2, rt1) {
                    return Err(self.err("type mismatch: cast type is not a subtype"));
                }
                let ts = self.label_types(*l)?;
                if !matches!(ts.last(), Some(ValType::Ref(_))) {
                    return Err(self.err("type mismatch: label requires a reference type"));
                }
                self.pop_expect(ValType::Ref(rt1))?;
                // rt1 \ rt2: what is left when the cast fails.
                let diff = RefType {
                    nullable: rt1.nullable && !rt2.nullable,
                    heap: rt1.heap,
                };
                let (taken, kept) = if matches!(instr, Instr::BrOnCast(..)) {
                    (rt2, diff)
                } else {
                    (diff, rt2)
                };
                self.push(ValType::Ref(taken));
                self.pop_vals(&ts)?;
                self.push_vals(&ts[..ts.len() - 1]);
                self.push(ValType::Ref(kept));
            }
            Instr::Return => {
                // return
                self.check_return_allowed()?;
                let ts = self.returns.clone();
                self.pop_vals(&ts)?;
                self.set_unreachable();
            }
            Instr::Call(x) => {
                // call
                let ft = c.func_type(c.func(*x, sp)?).clone();
                self.pop_vals(&ft.params)?;
                self.push_vals(&ft.results);
            }
            Instr::CallIndirect(t, x) => {
                // call_indirect
                let ft = self.call_indirect_type(*t, *x)?;
                self.pop_vals(&ft.params)?;
                self.push_vals(&ft.results);
            }
            Instr::CallRef(x) => {
                // call_ref
                let ct = c.func_type_idx(*x, sp)?;
                self.pop_expect(ref_val(true, HeapType::Concrete(ct)))?;
                let ft = c.func_type(ct).clone();
                self.pop_vals(&ft.params)?;
                self.push_vals(&ft.results);
            }
            Instr::ReturnCall(x) => {
                // return_call
                let ft = c.func_type(c.func(*x, sp)?).clone();
                self.tail_call(&ft)?;
            }
            Instr::ReturnCallIndirect(t, x) => {
                // return_call_indirect
                let ft = self.call_indirect_type(*t, *x)?;
                self.tail_call(&ft)?;
            }
            Instr::ReturnCallRef(x) => {
                // return_call_ref
                let ct = c.func_type_idx(*x, sp)?;
                self.pop_expect(ref_val(true, HeapType::Concrete(ct)))?;
                let ft = c.func_type(ct).clone();
                self.tail_call(&ft)?;
            }
            Instr::Throw(x) => {
                // throw
                let ft = self.tag_type(*x)?;
                self.pop_vals(&ft.params)?;
                self.set_unreachable();
            }
            Instr::ThrowRef => {
                // throw_ref
                self.pop_expect(ValType::Ref(RefType::EXNREF))?;
                self.set_unreachable();
            }
            Instr::TryTable(bt, catches) => {
                // try_table: handler labels are relative to the enclosing block.
                let ft = self.block_type(*bt)?;
                for &h in catches.iter() {
                    self.check_catch(h)?;
                }
                self.pop_vals(&ft.params)?;
                self.push_ctrl(FrameKind::TryTable, ft.params, ft.results);
            }

            // -- Parametric (3.3.4)
            Instr::Drop => {
                // drop
                self.pop()?;
            }
            Instr::Select(None) => {
                // select (implicitly typed: numeric or vector operands only)
                self.pop_expect(i32t)?;
                let t1 = self.pop()?;
                let t2 = self.pop()?;
                for t in [t1, t2].into_iter().flatten() {
                    if !is_num_or_vec(t) {
                        return Err(self.err("type mismatch: select without type on references"));
                    }
                }
                let t = match (t1, t2) {
                    (Some(a), Some(b)) if a != b => {
                        return Err(self.err("type mismatch: select operands differ"));
                    }
                    (Some(a), _) | (None, Some(a)) => Some(a),
                    (None, None) => None,
                };
                self.push_opt(t);
            }
            Instr::Select(Some(ts)) => {
                // select-typed
                if ts.len() != 1 {
                    return Err(self.err("invalid result arity"));
                }
                let t = c.val_type(ts[0], sp)?;
                self.pop_expect(i32t)?;
                self.pop_expect(t)?;
                self.pop_expect(t)?;
                self.push(t);
            }

            // -- Variables (3.3.5)
            Instr::LocalGet(x) => {
                // local.get
                let t = self.local(*x)?;
                if !self.init[*x as usize] {
                    return Err(self.err("uninitialized local"));
                }
                self.push(t);
            }
            Instr::LocalSet(x) => {
                // local.set
                let t = self.local(*x)?;
                self.pop_expect(t)?;
                self.set_init(*x);
            }
            Instr::LocalTee(x) => {
                // local.tee
                let t = self.local(*x)?;
                self.pop_expect(t)?;
                self.set_init(*x);
                self.push(t);
            }
            Instr::GlobalGet(x) => {
                // global.get
                let g = c.global(*x, sp)?;
                self.push(g.val);
            }
            Instr::GlobalSet(x) => {
                // global.set
                let g = c.global(*x, sp)?;
                if !g.mutable {
                    return Err(self.err("immutable global"));
                }
                self.pop_expect(g.val)?;
            }

            // -- Tables (3.3.6)
            Instr::TableGet(x) => {
                // table.get
                let tt = c.table(*x, sp)?;
                self.pop_expect(addr_val(tt.addr))?;
                self.push(ValType::Ref(tt.elem));
            }
            Instr::TableSet(x) => {
                // table.set
                let tt = c.table(*x, sp)?;
                self.pop_expect(ValType::Ref(tt.elem))?;
                self.pop_expect(addr_val(tt.addr))?;
            }
            Instr::TableSize(x) => {
                // table.size
                let tt = c.table(*x, sp)?;
                self.push(addr_val(tt.addr));
            }
            Instr::TableGrow(x) => {
                // table.grow
                let tt = c.table(*x, sp)?;
                self.pop_expect(addr_val(tt.addr))?;
                self.pop_expect(ValType::Ref(tt.elem))?;
                self.push(addr_val(tt.addr));
            }
            Instr::TableFill(x) => {
                // table.fill
                let tt = c.table(*x, sp)?;
                let at = addr_val(tt.addr);
                self.pop_vals(&[at, ValType::Ref(tt.elem), at])?;
            }
            Instr::TableCopy(x, y) => {
                // table.copy
                let t1 = c.table(*x, sp)?;
                let t2 = c.table(*y, sp)?;
                if !c.reg.ref_subtype(t2.elem, t1.elem) {
                    return Err(self.err("type mismatch: table element types differ"));
                }
                let n = min_addr(t1.addr, t2.addr);
                self.pop_vals(&[addr_val(t1.addr), addr_val(t2.addr), n])?;
            }
            Instr::TableInit(x, y) => {
                // table.init
                let tt = c.table(*x, sp)?;
                let rt = c.elem(*y, sp)?;
                if !c.reg.ref_subtype(rt, tt.elem) {
                    return Err(self.err("type mismatch: element segment does not fit the table"));
                }
                self.pop_vals(&[addr_val(tt.addr), i32t, i32t])?;
            }
            Instr::ElemDrop(y) => {
                // elem.drop
                c.elem(*y, sp)?;
            }

            // -- Memory (3.3.7)
            Instr::Load(op, m) => {
                // load
                let at = self.memarg(*m, op.bytes())?;
                self.pop_expect(at)?;
                self.push(load_type(op.opcode()));
            }
            Instr::Store(op, m) => {
                // store
                let at = self.memarg(*m, op.bytes())?;
                self.pop_vals(&[at, store_type(op.opcode())])?;
            }
            Instr::MemorySize(x) => {
                // memory.size
                let mt = c.mem(*x, sp)?;
                self.push(addr_val(mt.addr));
            }
            Instr::MemoryGrow(x) => {
                // memory.grow
                let at = addr_val(c.mem(*x, sp)?.addr);
                self.pop_expect(at)?;
                self.push(at);
            }
            Instr::MemoryFill(x) => {
                // memory.fill
                let at = addr_val(c.mem(*x, sp)?.addr);
                self.pop_vals(&[at, i32t, at])?;
            }
            Instr::MemoryCopy(x, y) => {
                // memory.copy
                let m1 = c.mem(*x, sp)?;
                let m2 = c.mem(*y, sp)?;
                let n = min_addr(m1.addr, m2.addr);
                self.pop_vals(&[addr_val(m1.addr), addr_val(m2.addr), n])?;
            }
            Instr::MemoryInit(x, y) => {
                // memory.init
                let at = addr_val(c.mem(*x, sp)?.addr);
                c.data(*y, sp)?;
                self.pop_vals(&[at, i32t, i32t])?;
            }
            Instr::DataDrop(y) => {
                // data.drop
                c.data(*y, sp)?;
            }

            // -- References (3.3.2)
            Instr::RefNull(h) => {
                // ref.null
                let h = c.heap_type(*h, sp)?;
                self.push(ref_val(true, h));
            }
            Instr::RefIsNull => {
                // ref.is_null
                self.pop_ref()?;
                self.push(i32t);
            }
            Instr::RefAsNonNull => {
                // ref.as_non_null
                let rt = self.pop_ref()?;
                self.push_opt(rt.map(|rt| ref_val(false, rt.heap)));
            }
            Instr::RefFunc(x) => {
                // ref.func
                let ct = c.func(*x, sp)?;
                if !self.is_const && !c.refs.contains(x) {
                    return Err(self.err("undeclared function reference"));
                }
                self.push(ref_val(false, HeapType::Concrete(ct)));
            }
            Instr::RefEq => {
                // ref.eq
                let eqref = abs_ref(true, AbsHeapType::Eq);
                self.pop_vals(&[eqref, eqref])?;
                self.push(i32t);
            }
            Instr::RefTest(rt) | Instr::RefCast(rt) => {
                // ref.test, ref.cast: the operand is any reference of the same hierarchy.
                let rt = c.ref_type(*rt, sp)?;
                self.check_castable(rt)?;
                let top = c.reg.top_of(rt.heap);
                self.pop_expect(abs_ref(true, top))?;
                self.push(if matches!(instr, Instr::RefTest(_)) {
                    i32t
                } else {
                    ValType::Ref(rt)
                });
            }
            Instr::RefI31 => {
                // ref.i31
                self.pop_expect(i32t)?;
                self.push(abs_ref(false, AbsHeapType::I31));
            }
            Instr::I31GetS | Instr::I31GetU => {
                // i31.get_s, i31.get_u
                self.pop_expect(abs_ref(true, AbsHeapType::I31))?;
                self.push(i32t);
            }

            // -- Aggregates (3.3.3)
            Instr::StructNew(x) => {
                // struct.new
                let (ct, fs) = self.struct_fields(*x)?;
                let ts: Vec<ValType> = fs.iter().map(|f| types::unpack(f.storage)).collect();
                self.pop_vals(&ts)?;
                self.push(ref_val(false, HeapType::Concrete(ct)));
            }
            Instr::StructNewDefault(x) => {
                // struct.new_default
                let (ct, fs) = self.struct_fields(*x)?;
                if !fs
                    .iter()
                    .all(|f| TypeRegistry::defaultable(types::unpack(f.storage)))
                {
                    return Err(self.err("type mismatch: field type is not defaultable"));
                }
                self.push(ref_val(false, HeapType::Concrete(ct)));
            }
            Instr::StructGet(x, i) | Instr::StructGetS(x, i) | Instr::StructGetU(x, i) => {
                // struct.get, struct.get_s, struct.get_u
                let (ct, fl) = self.struct_field(*x, *i)?;
                let signed = match instr {
                    Instr::StructGet(..) => None,
                    Instr::StructGetS(..) => Some(true),
                    _ => Some(false),
                };
                let t = self.unpacked(fl, signed)?;
                self.pop_expect(ref_val(true, HeapType::Concrete(ct)))?;
                self.push(t);
            }
            Instr::StructSet(x, i) => {
                // struct.set
                let (ct, fl) = self.struct_field(*x, *i)?;
                if !fl.mutable {
                    return Err(self.err("field is immutable"));
                }
                self.pop_vals(&[
                    ref_val(true, HeapType::Concrete(ct)),
                    types::unpack(fl.storage),
                ])?;
            }
            Instr::ArrayNew(x) => {
                // array.new
                let (ct, fl) = self.array_field(*x)?;
                self.pop_vals(&[types::unpack(fl.storage), i32t])?;
                self.push(ref_val(false, HeapType::Concrete(ct)));
            }
            Instr::ArrayNewDefault(x) => {
                // array.new_default
                let (ct, fl) = self.array_field(*x)?;
                if !TypeRegistry::defaultable(types::unpack(fl.storage)) {
                    return Err(self.err("type mismatch: array type is not defaultable"));
                }
                self.pop_expect(i32t)?;
                self.push(ref_val(false, HeapType::Concrete(ct)));
            }
            Instr::ArrayNewFixed(x, n) => {
                // array.new_fixed
                let (ct, fl) = self.array_field(*x)?;
                self.pop_n(types::unpack(fl.storage), *n)?;
                self.push(ref_val(false, HeapType::Concrete(ct)));
            }
            Instr::ArrayNewData(x, y) => {
                // array.new_data
                let (ct, fl) = self.array_field(*x)?;
                self.numeric_array(fl)?;
                c.data(*y, sp)?;
                self.pop_vals(&[i32t, i32t])?;
                self.push(ref_val(false, HeapType::Concrete(ct)));
            }
            Instr::ArrayNewElem(x, y) => {
                // array.new_elem
                let (ct, fl) = self.array_field(*x)?;
                let rt = c.elem(*y, sp)?;
                if !c
                    .reg
                    .storage_subtype(StorageType::Val(ValType::Ref(rt)), fl.storage)
                {
                    return Err(self.err("type mismatch: element segment does not fit the array"));
                }
                self.pop_vals(&[i32t, i32t])?;
                self.push(ref_val(false, HeapType::Concrete(ct)));
            }
            Instr::ArrayGet(x) | Instr::ArrayGetS(x) | Instr::ArrayGetU(x) => {
                // array.get, array.get_s, array.get_u
                let (ct, fl) = self.array_field(*x)?;
                let signed = match instr {
                    Instr::ArrayGet(_) => None,
                    Instr::ArrayGetS(_) => Some(true),
                    _ => Some(false),
                };
                let t = self.unpacked(fl, signed)?;
                self.pop_vals(&[ref_val(true, HeapType::Concrete(ct)), i32t])?;
                self.push(t);
            }
            Instr::ArraySet(x) => {
                // array.set
                let (ct, fl) = self.mutable_array(*x)?;
                let t = types::unpack(fl.storage);
                self.pop_vals(&[ref_val(true, HeapType::Concrete(ct)), i32t, t])?;
            }
            Instr::ArrayLen => {
                // array.len
                self.pop_expect(abs_ref(true, AbsHeapType::Array))?;
                self.push(i32t);
            }
            Instr::ArrayFill(x) => {
                // array.fill
                let (ct, fl) = self.mutable_array(*x)?;
                let t = types::unpack(fl.storage);
                self.pop_vals(&[ref_val(true, HeapType::Concrete(ct)), i32t, t, i32t])?;
            }
            Instr::ArrayCopy(x, y) => {
                // array.copy
                let (ct1, f1) = self.mutable_array(*x)?;
                let (ct2, f2) = self.array_field(*y)?;
                if !c.reg.storage_subtype(f2.storage, f1.storage) {
                    return Err(self.err("array types do not match"));
                }
                let r1 = ref_val(true, HeapType::Concrete(ct1));
                let r2 = ref_val(true, HeapType::Concrete(ct2));
                self.pop_vals(&[r1, i32t, r2, i32t, i32t])?;
            }
            Instr::ArrayInitData(x, y) => {
                // array.init_data
                let (ct, fl) = self.mutable_array(*x)?;
                self.numeric_array(fl)?;
                c.data(*y, sp)?;
                self.pop_vals(&[ref_val(true, HeapType::Concrete(ct)), i32t, i32t, i32t])?;
            }
            Instr::ArrayInitElem(x, y) => {
                // array.init_elem
                let (ct, fl) = self.mutable_array(*x)?;
                let rt = c.elem(*y, sp)?;
                if !c
                    .reg
                    .storage_subtype(StorageType::Val(ValType::Ref(rt)), fl.storage)
                {
                    return Err(self.err("type mismatch: element segment does not fit the array"));
                }
                self.pop_vals(&[ref_val(true, HeapType::Concrete(ct)), i32t, i32t, i32t])?;
            }
            Instr::AnyConvertExtern => {
                // any.convert_extern
                let rt = self.pop_expect(abs_ref(true, AbsHeapType::Extern))?;
                let nullable = matches!(rt, Some(ValType::Ref(r)) if r.nullable);
                self.push(abs_ref(nullable, AbsHeapType::Any));
            }
            Instr::ExternConvertAny => {
                // extern.convert_any
                let rt = self.pop_expect(abs_ref(true, AbsHeapType::Any))?;
                let nullable = matches!(rt, Some(ValType::Ref(r)) if r.nullable);
                self.push(abs_ref(nullable, AbsHeapType::Extern));
            }

            // -- Numeric (3.3.1)
            Instr::I32Const(_) => self.push(i32t),
            Instr::I64Const(_) => self.push(ValType::I64),
            Instr::F32Const(_) => self.push(ValType::F32),
            Instr::F64Const(_) => self.push(ValType::F64),
            Instr::Num(op) => {
                let (ins, out) = num_type(*op);
                self.pop_vals(ins)?;
                self.push(out);
            }
            // -- Vector (3.3.3)
            Instr::Simd(i) => crate::simd::valid::check_instr(self, i)?,

            // -- The designs
            Instr::TypedCont(i) => {
                self.require_design(Design::TypedCont)?;
                crate::typed_cont::valid::check_instr(self, i)?;
            }
            Instr::RawStacks(i) => {
                self.require_design(Design::RawStacks)?;
                crate::raw_stacks::valid::check_instr(self, i)?;
            }
            Instr::EffectHandlers(i) => {
                self.require_design(Design::EffectHandlers)?;
                crate::effect_handlers::valid::check_instr(self, i)?;
            }
        }
        Ok(())
    }

    fn require_design(&self, d: Design) -> Result<()> {
        if self.c.design == d {
            Ok(())
        } else {
            Err(self.err(format!(
                "instruction of design {d} under design {}",
                self.c.design
            )))
        }
    }

    fn call_indirect_type(&self, t: u32, x: u32) -> Result<FuncType> {
        let tt = self.c.table(t, self.sp)?;
        if !self.c.reg.ref_subtype(tt.elem, RefType::FUNCREF) {
            return Err(self.err("type mismatch: call_indirect on a non-function table"));
        }
        let ct = self.c.func_type_idx(x, self.sp)?;
        let mut ft = self.c.func_type(ct).clone();
        ft.params.push(addr_val(tt.addr));
        Ok(ft)
    }

    /// return_call*: the callee's results must match the caller's.
    fn tail_call(&mut self, ft: &FuncType) -> Result<()> {
        self.check_return_allowed()?;
        if !self.c.reg.vals_subtype(&ft.results, &self.returns) {
            return Err(self.err("type mismatch: tail call results differ from the function's"));
        }
        self.pop_vals(&ft.params)?;
        self.set_unreachable();
        Ok(())
    }
}

fn min_addr(a: crate::syntax::AddrType, b: crate::syntax::AddrType) -> ValType {
    use crate::syntax::AddrType;
    if a == AddrType::I32 || b == AddrType::I32 {
        ValType::I32
    } else {
        ValType::I64
    }
}

/// The value type a load opcode produces.
fn load_type(op: u32) -> ValType {
    match op {
        0x28 | 0x2C..=0x2F => ValType::I32,
        0x2A => ValType::F32,
        0x2B => ValType::F64,
        _ => ValType::I64,
    }
}

/// The value type a store opcode consumes.
fn store_type(op: u32) -> ValType {
    match op {
        0x36 | 0x3A | 0x3B => ValType::I32,
        0x38 => ValType::F32,
        0x39 => ValType::F64,
        _ => ValType::I64,
    }
}

/// Operand and result types of a numeric instruction (3.3.1), by opcode ranges.
fn num_type(op: NumOp) -> (&'static [ValType], ValType) {
    use ValType::{F32, F64, I32, I64};
    const I32_1: &[ValType] = &[I32];
    const I32_2: &[ValType] = &[I32, I32];
    const I64_1: &[ValType] = &[I64];
    const I64_2: &[ValType] = &[I64, I64];
    const F32_1: &[ValType] = &[F32];
    const F32_2: &[ValType] = &[F32, F32];
    const F64_1: &[ValType] = &[F64];
    const F64_2: &[ValType] = &[F64, F64];
    match op.opcode() {
        0x45 => (I32_1, I32),
        0x46..=0x4F => (I32_2, I32),
        0x50 => (I64_1, I32),
        0x51..=0x5A => (I64_2, I32),
        0x5B..=0x60 => (F32_2, I32),
        0x61..=0x66 => (F64_2, I32),
        0x67..=0x69 => (I32_1, I32),
        0x6A..=0x78 => (I32_2, I32),
        0x79..=0x7B => (I64_1, I64),
        0x7C..=0x8A => (I64_2, I64),
        0x8B..=0x91 => (F32_1, F32),
        0x92..=0x98 => (F32_2, F32),
        0x99..=0x9F => (F64_1, F64),
        0xA0..=0xA6 => (F64_2, F64),
        0xA7 => (I64_1, I32),
        0xA8 | 0xA9 => (F32_1, I32),
        0xAA | 0xAB => (F64_1, I32),
        0xAC | 0xAD => (I32_1, I64),
        0xAE | 0xAF => (F32_1, I64),
        0xB0 | 0xB1 => (F64_1, I64),
        0xB2 | 0xB3 => (I32_1, F32),
        0xB4 | 0xB5 => (I64_1, F32),
        0xB6 => (F64_1, F32),
        0xB7 | 0xB8 => (I32_1, F64),
        0xB9 | 0xBA => (I64_1, F64),
        0xBB => (F32_1, F64),
        0xBC => (F32_1, I32),
        0xBD => (F64_1, I64),
        0xBE => (I32_1, F32),
        0xBF => (I64_1, F64),
        0xC0 | 0xC1 => (I32_1, I32),
        0xC2..=0xC4 => (I64_1, I64),
        0xFC00 | 0xFC01 => (F32_1, I32),
        0xFC02 | 0xFC03 => (F64_1, I32),
        0xFC04 | 0xFC05 => (F32_1, I64),
        _ => (F64_1, I64), // 0xFC06, 0xFC07
    }
}
