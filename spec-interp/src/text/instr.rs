//! Instructions (spec 6.5), flat and folded, into the flat `Expr` of `syntax`.
//!
//! Nesting is handled with an explicit stack of open constructs (`Frame`), never with Rust
//! recursion, so that folded expressions and blocks nested 10,000 deep parse fine.
//!
//! Names used throughout the parsers: `m` is the module's identifier context (`ModCtx`), `f`
//! the function's (`FuncCtx`: locals and labels); `s` / `e` are the spans of a form's opening
//! and closing parentheses.

use super::lexer::Tok;
use super::parser::{FuncCtx, ModCtx, Parser, Space};
use crate::design::Design;
use crate::diag::{Error, Result, Span};
use crate::effect_handlers::Instr as EhInstr;
use crate::syntax::*;

/// An open construct while parsing an instruction sequence.
enum Frame {
    /// A folded plain instruction `(op imm* folded*)`: emitted at its `)`, after its operands.
    Plain(Instr, Span),
    /// Folded `(block ...)`, `(loop ...)`, `(try_table ...)`: `end` at the `)`.
    Block,
    /// Folded `(if ...)` while parsing its condition operands, before `(then`.
    IfCond {
        bt: BlockType,
        label: Option<String>,
        span: Span,
    },
    /// Inside `(then ...)`.
    Then,
    /// Inside `(else ...)`.
    Else,
    /// A flat construct, closed by `end`.
    Flat {
        kind: FlatKind,
        label: Option<String>,
    },
    /// effect-handlers: folded `(handle ...)` before `(do`.
    HandleHead,
    /// effect-handlers: inside `(do ...)` or `(on $e $k ...)`.
    HandleClause,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlatKind {
    Block,
    If,
    IfElse,
    Handle,
}

/// The number of `offset=N` / `align=N`. As in the reference lexer, a word that is not of this
/// form (`offset=-1`) is an unknown operator; a well-formed number may be out of range.
fn memarg_nat(text: &str, span: Span) -> Result<u64> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    let hex = digits.len() != text.len();
    let well_formed = !digits.is_empty()
        && digits.chars().all(|c| {
            c == '_'
                || if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
        });
    if !well_formed {
        return Err(Error::malformed("unknown operator", span));
    }
    super::num::parse_nat(text).ok_or_else(|| Error::malformed("constant out of range", span))
}

fn memarg_align_ok(a: u64) -> bool {
    a != 0 && a.is_power_of_two()
}

impl<'a> Parser<'a> {
    /// Parses instructions until the `)` that closes the enclosing form (not consumed) or the
    /// end of input.
    pub fn instrs(&mut self, m: &mut ModCtx, f: &mut FuncCtx, out: &mut Expr) -> Result<()> {
        self.instrs_until(m, f, out, false)
    }

    /// As `instrs`; with `single`, stops after one folded instruction.
    pub fn instrs_until(
        &mut self,
        m: &mut ModCtx,
        f: &mut FuncCtx,
        out: &mut Expr,
        single: bool,
    ) -> Result<()> {
        let mut frames: Vec<Frame> = Vec::new();
        loop {
            if single && frames.is_empty() && !out.instrs.is_empty() {
                return Ok(());
            }
            match self.peek() {
                None => {
                    if frames.is_empty() {
                        return Ok(());
                    }
                    return Err(self.unexpected());
                }
                Some(Tok::RParen) => {
                    let Some(frame) = frames.pop() else {
                        return Ok(());
                    };
                    let close = self.span();
                    match frame {
                        Frame::Plain(instr, span) => {
                            self.advance();
                            out.push(instr, span.to(close));
                        }
                        Frame::Block => {
                            self.advance();
                            out.push(Instr::End, close);
                            f.labels.pop();
                        }
                        Frame::IfCond { .. } | Frame::Flat { .. } | Frame::HandleHead => {
                            return Err(self.unexpected());
                        }
                        Frame::Then => {
                            self.advance();
                            if self.peek_form("else") {
                                let s = self.span();
                                self.pos += 2;
                                out.push(Instr::Else, s);
                                frames.push(Frame::Else);
                            } else {
                                let s = self.rparen()?;
                                out.push(Instr::End, s);
                                f.labels.pop();
                            }
                        }
                        Frame::Else => {
                            self.advance();
                            let s = self.rparen()?;
                            out.push(Instr::End, s);
                            f.labels.pop();
                        }
                        Frame::HandleClause => {
                            self.advance();
                            if self.peek_form("on") {
                                let s = self.span();
                                self.pos += 2;
                                let (e, k) = self.handle_on(m)?;
                                out.push(Instr::EffectHandlers(EhInstr::On(e, k)), s);
                                frames.push(Frame::HandleClause);
                            } else {
                                let s = self.rparen()?;
                                out.push(Instr::End, s);
                                f.labels.pop();
                            }
                        }
                    }
                }
                Some(Tok::LParen) => {
                    match frames.last() {
                        Some(Frame::IfCond { .. }) if self.peek_form("then") => {
                            let Some(Frame::IfCond { bt, label, span }) = frames.pop() else {
                                unreachable!()
                            };
                            out.push(Instr::If(bt), span);
                            f.open_label(label);
                            self.pos += 2;
                            frames.push(Frame::Then);
                            continue;
                        }
                        Some(Frame::HandleHead) => {
                            if !self.peek_form("do") {
                                return Err(self.unexpected());
                            }
                            frames.pop();
                            self.pos += 2;
                            frames.push(Frame::HandleClause);
                            continue;
                        }
                        _ => {}
                    }
                    let open = self.span();
                    self.advance();
                    let Some(kw) = self.peek_keyword() else {
                        return Err(self.unexpected());
                    };
                    let kspan = self.span();
                    self.advance();
                    match kw {
                        "block" | "loop" | "try_table" => {
                            let (instr, label) = self.block_head(kw, m, f)?;
                            out.push(instr, open.to(self.prev_span()));
                            f.open_label(label);
                            frames.push(Frame::Block);
                        }
                        "if" => {
                            let label = self.opt_id().map(|l| l.0);
                            let bt = self.block_type(m)?;
                            frames.push(Frame::IfCond {
                                bt,
                                label,
                                span: open.to(kspan),
                            });
                        }
                        "handle" if self.design == Design::EffectHandlers => {
                            let (instr, label) = self.block_head(kw, m, f)?;
                            out.push(instr, open.to(self.prev_span()));
                            f.open_label(label);
                            frames.push(Frame::HandleHead);
                        }
                        _ => {
                            let instr = self.plain_instr(kw, kspan, m, f)?;
                            frames.push(Frame::Plain(instr, open.to(self.prev_span())));
                        }
                    }
                }
                Some(Tok::Keyword(kw)) => {
                    let kw = *kw;
                    let span = self.span();
                    if matches!(
                        frames.last(),
                        Some(Frame::IfCond { .. } | Frame::HandleHead)
                    ) {
                        // Only folded operands may precede `(then ...)` / `(do ...)`.
                        return Err(self.unexpected());
                    }
                    self.advance();
                    match kw {
                        "block" | "loop" | "try_table" | "if" => {
                            let (instr, label) = self.block_head(kw, m, f)?;
                            out.push(instr, span.to(self.prev_span()));
                            f.open_label(label.clone());
                            let kind = if kw == "if" {
                                FlatKind::If
                            } else {
                                FlatKind::Block
                            };
                            frames.push(Frame::Flat { kind, label });
                        }
                        "handle" if self.design == Design::EffectHandlers => {
                            let (instr, label) = self.block_head(kw, m, f)?;
                            out.push(instr, span.to(self.prev_span()));
                            f.open_label(label.clone());
                            frames.push(Frame::Flat {
                                kind: FlatKind::Handle,
                                label,
                            });
                        }
                        "on" if self.design == Design::EffectHandlers
                            && matches!(
                                frames.last(),
                                Some(Frame::Flat {
                                    kind: FlatKind::Handle,
                                    ..
                                })
                            ) =>
                        {
                            let (e, k) = self.handle_on(m)?;
                            out.push(
                                Instr::EffectHandlers(EhInstr::On(e, k)),
                                span.to(self.prev_span()),
                            );
                        }
                        "else" => {
                            let Some(Frame::Flat { kind, label }) = frames.last_mut() else {
                                return Err(Error::malformed("unexpected token", span));
                            };
                            if *kind != FlatKind::If {
                                return Err(Error::malformed("unexpected token", span));
                            }
                            *kind = FlatKind::IfElse;
                            let label = label.clone();
                            self.end_label(&label)?;
                            out.push(Instr::Else, span.to(self.prev_span()));
                        }
                        "end" => {
                            let Some(Frame::Flat { label, .. }) = frames.last() else {
                                return Err(Error::malformed("unexpected token", span));
                            };
                            let label = label.clone();
                            self.end_label(&label)?;
                            frames.pop();
                            f.labels.pop();
                            out.push(Instr::End, span.to(self.prev_span()));
                        }
                        _ => {
                            let instr = self.plain_instr(kw, span, m, f)?;
                            out.push(instr, span.to(self.prev_span()));
                        }
                    }
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    /// An optional label after `else` / `end`, which must repeat the block's label.
    fn end_label(&mut self, label: &Option<String>) -> Result<()> {
        if let Some((name, span)) = self.opt_id() {
            if label.as_deref() != Some(name.as_str()) {
                return Err(Error::malformed("mismatching label", span));
            }
        }
        Ok(())
    }

    /// `label? blocktype` (and catches for `try_table`) after a block keyword.
    fn block_head(
        &mut self,
        kw: &str,
        m: &mut ModCtx,
        f: &FuncCtx,
    ) -> Result<(Instr, Option<String>)> {
        let label = self.opt_id().map(|l| l.0);
        let bt = self.block_type(m)?;
        let instr = match kw {
            "block" => Instr::Block(bt),
            "loop" => Instr::Loop(bt),
            "if" => Instr::If(bt),
            "handle" => Instr::EffectHandlers(EhInstr::Handle(bt)),
            _ => {
                // Catch labels are relative to the context outside the try_table.
                let mut catches = Vec::new();
                loop {
                    let c = if self.open_form("catch") {
                        let x = self.idx(m, Space::Tag)?;
                        Catch::Catch(x, self.label(f)?)
                    } else if self.open_form("catch_ref") {
                        let x = self.idx(m, Space::Tag)?;
                        Catch::CatchRef(x, self.label(f)?)
                    } else if self.open_form("catch_all") {
                        Catch::CatchAll(self.label(f)?)
                    } else if self.open_form("catch_all_ref") {
                        Catch::CatchAllRef(self.label(f)?)
                    } else {
                        break;
                    };
                    self.rparen()?;
                    catches.push(c);
                }
                Instr::TryTable(bt, catches.into())
            }
        };
        Ok((instr, label))
    }

    /// `$e $k` of an effect-handlers clause.
    fn handle_on(&mut self, m: &ModCtx) -> Result<(TagIdx, TypeIdx)> {
        let e = self.idx(m, Space::Tag)?;
        let k = self.idx(m, Space::Type)?;
        Ok((e, k))
    }

    pub(crate) fn memarg(&mut self, m: &ModCtx, natural: u32) -> Result<MemArg> {
        let mem = self.opt_idx(m, Space::Mem)?.unwrap_or(0);
        self.memarg_after_mem(mem, natural)
    }

    /// The `offset=` and `align=` parts of a memory argument, after its memory index.
    pub(crate) fn memarg_after_mem(&mut self, mem: MemIdx, natural: u32) -> Result<MemArg> {
        let mut offset = 0;
        if let Some(text) = self.peek_keyword().and_then(|k| k.strip_prefix("offset=")) {
            let span = self.span();
            offset = memarg_nat(text, span)?;
            self.advance();
        }
        let mut align = natural.trailing_zeros();
        if let Some(text) = self.peek_keyword().and_then(|k| k.strip_prefix("align=")) {
            let span = self.span();
            let a = memarg_nat(text, span)?;
            if !memarg_align_ok(a) {
                return Err(Error::malformed("alignment must be a power of two", span));
            }
            align = a.trailing_zeros();
            self.advance();
        }
        Ok(MemArg { align, offset, mem })
    }

    fn field_idx(&mut self, m: &ModCtx, ty: TypeIdx) -> Result<FieldIdx> {
        let span = self.span();
        match self.peek() {
            Some(Tok::Id(name)) => {
                let r = m
                    .fields
                    .get(&ty)
                    .and_then(|fs| fs.get(name))
                    .copied()
                    .ok_or_else(|| Error::malformed(format!("unknown field ${name}"), span));
                self.advance();
                r
            }
            _ => self.nat_u32(),
        }
    }

    pub(crate) fn int_const(&mut self, bits: u32) -> Result<u64> {
        let span = self.span();
        match self.peek() {
            Some(Tok::Num(text)) => {
                let text = *text;
                self.advance();
                super::num::parse_int(text, bits)
                    .ok_or_else(|| Error::malformed("constant out of range", span))
            }
            _ => Err(self.unexpected()),
        }
    }

    pub fn float_const(&mut self, fmt: super::num::FloatFormat) -> Result<u64> {
        let span = self.span();
        match self.peek() {
            Some(Tok::Num(text)) | Some(Tok::Keyword(text)) => {
                let text = *text;
                if text == "nan:canonical" || text == "nan:arithmetic" {
                    return Err(self.unexpected());
                }
                if matches!(self.peek(), Some(Tok::Keyword(_)))
                    && !(text == "inf" || text == "nan" || text.starts_with("nan:0x"))
                {
                    return Err(Error::malformed(format!("unknown operator {text}"), span));
                }
                self.advance();
                super::num::parse_float(text, fmt)
                    .ok_or_else(|| Error::malformed("constant out of range", span))
            }
            _ => Err(self.unexpected()),
        }
    }

    /// Instructions other than block constructs, with their immediates.
    pub fn plain_instr(
        &mut self,
        kw: &str,
        span: Span,
        m: &mut ModCtx,
        f: &FuncCtx,
    ) -> Result<Instr> {
        if let Some(op) = NumOp::from_name(kw) {
            return Ok(Instr::Num(op));
        }
        if let Some(op) = LoadOp::from_name(kw) {
            return Ok(Instr::Load(op, self.memarg(m, op.bytes())?));
        }
        if let Some(op) = StoreOp::from_name(kw) {
            return Ok(Instr::Store(op, self.memarg(m, op.bytes())?));
        }
        if let Some(op) = crate::simd::Op::from_name(kw) {
            return Ok(Instr::Simd(crate::simd::text::instr(self, op, m)?));
        }
        use Instr::*;
        let t = Space::Type;
        Ok(match kw {
            "unreachable" => Unreachable,
            "nop" => Nop,
            "br" => Br(self.label(f)?),
            "br_if" => BrIf(self.label(f)?),
            "br_table" => {
                let mut labels = vec![self.label(f)?];
                while self.is_idx() {
                    labels.push(self.label(f)?);
                }
                let default = labels.pop().unwrap_or(0);
                BrTable(labels.into(), default)
            }
            "br_on_null" => BrOnNull(self.label(f)?),
            "br_on_non_null" => BrOnNonNull(self.label(f)?),
            "br_on_cast" | "br_on_cast_fail" => {
                let l = self.label(f)?;
                let rt1 = self.ref_type(m)?;
                let rt2 = self.ref_type(m)?;
                if kw == "br_on_cast" {
                    BrOnCast(l, rt1, rt2)
                } else {
                    BrOnCastFail(l, rt1, rt2)
                }
            }
            "return" => Return,
            "call" => Call(self.idx(m, Space::Func)?),
            "return_call" => ReturnCall(self.idx(m, Space::Func)?),
            "call_indirect" | "return_call_indirect" => {
                let table = self.opt_idx(m, Space::Table)?.unwrap_or(0);
                let tu = self.type_use(m)?;
                if tu.param_names.iter().any(|p| p.0.is_some()) {
                    return Err(Error::malformed("unexpected token", span));
                }
                if kw == "call_indirect" {
                    CallIndirect(table, tu.idx)
                } else {
                    ReturnCallIndirect(table, tu.idx)
                }
            }
            "call_ref" => CallRef(self.idx(m, t)?),
            "return_call_ref" => ReturnCallRef(self.idx(m, t)?),
            "throw" => Throw(self.idx(m, Space::Tag)?),
            "throw_ref" => ThrowRef,
            "drop" => Drop,
            "select" => {
                if self.peek_form("result") {
                    let mut ts = Vec::new();
                    self.results(m, &mut ts)?;
                    Select(Some(ts.into()))
                } else {
                    Select(None)
                }
            }
            "local.get" => LocalGet(self.local(f)?),
            "local.set" => LocalSet(self.local(f)?),
            "local.tee" => LocalTee(self.local(f)?),
            "global.get" => GlobalGet(self.idx(m, Space::Global)?),
            "global.set" => GlobalSet(self.idx(m, Space::Global)?),
            "table.get" => TableGet(self.opt_idx(m, Space::Table)?.unwrap_or(0)),
            "table.set" => TableSet(self.opt_idx(m, Space::Table)?.unwrap_or(0)),
            "table.size" => TableSize(self.opt_idx(m, Space::Table)?.unwrap_or(0)),
            "table.grow" => TableGrow(self.opt_idx(m, Space::Table)?.unwrap_or(0)),
            "table.fill" => TableFill(self.opt_idx(m, Space::Table)?.unwrap_or(0)),
            "table.copy" => match self.opt_idx(m, Space::Table)? {
                Some(dst) => TableCopy(dst, self.idx(m, Space::Table)?),
                None => TableCopy(0, 0),
            },
            "table.init" => {
                // `table.init x? y`: with one index it is the element segment.
                let first_span = self.span();
                let first = self.peek().cloned();
                self.advance();
                if self.is_idx() {
                    self.pos -= 1;
                    let table = self.idx(m, Space::Table)?;
                    TableInit(table, self.idx(m, Space::Elem)?)
                } else {
                    self.pos -= 1;
                    if !matches!(first, Some(Tok::Num(_) | Tok::Id(_))) {
                        return Err(Error::malformed("unexpected token", first_span));
                    }
                    TableInit(0, self.idx(m, Space::Elem)?)
                }
            }
            "elem.drop" => ElemDrop(self.idx(m, Space::Elem)?),
            "memory.size" => MemorySize(self.opt_idx(m, Space::Mem)?.unwrap_or(0)),
            "memory.grow" => MemoryGrow(self.opt_idx(m, Space::Mem)?.unwrap_or(0)),
            "memory.fill" => MemoryFill(self.opt_idx(m, Space::Mem)?.unwrap_or(0)),
            "memory.copy" => match self.opt_idx(m, Space::Mem)? {
                Some(dst) => MemoryCopy(dst, self.idx(m, Space::Mem)?),
                None => MemoryCopy(0, 0),
            },
            "memory.init" => {
                let first_span = self.span();
                let first = self.peek().cloned();
                self.advance();
                if self.is_idx() {
                    self.pos -= 1;
                    let mem = self.idx(m, Space::Mem)?;
                    MemoryInit(mem, self.idx(m, Space::Data)?)
                } else {
                    self.pos -= 1;
                    if !matches!(first, Some(Tok::Num(_) | Tok::Id(_))) {
                        return Err(Error::malformed("unexpected token", first_span));
                    }
                    MemoryInit(0, self.idx(m, Space::Data)?)
                }
            }
            "data.drop" => DataDrop(self.idx(m, Space::Data)?),
            "ref.null" => RefNull(self.heap_type(m)?),
            "ref.is_null" => RefIsNull,
            "ref.as_non_null" => RefAsNonNull,
            "ref.func" => RefFunc(self.idx(m, Space::Func)?),
            "ref.eq" => RefEq,
            "ref.test" => RefTest(self.ref_type(m)?),
            "ref.cast" => RefCast(self.ref_type(m)?),
            "ref.i31" => RefI31,
            "i31.get_s" => I31GetS,
            "i31.get_u" => I31GetU,
            "struct.new" => StructNew(self.idx(m, t)?),
            "struct.new_default" => StructNewDefault(self.idx(m, t)?),
            "struct.get" | "struct.get_s" | "struct.get_u" | "struct.set" => {
                let x = self.idx(m, t)?;
                let y = self.field_idx(m, x)?;
                match kw {
                    "struct.get" => StructGet(x, y),
                    "struct.get_s" => StructGetS(x, y),
                    "struct.get_u" => StructGetU(x, y),
                    _ => StructSet(x, y),
                }
            }
            "array.new" => ArrayNew(self.idx(m, t)?),
            "array.new_default" => ArrayNewDefault(self.idx(m, t)?),
            "array.new_fixed" => {
                let x = self.idx(m, t)?;
                ArrayNewFixed(x, self.nat_u32()?)
            }
            "array.new_data" => {
                let x = self.idx(m, t)?;
                ArrayNewData(x, self.idx(m, Space::Data)?)
            }
            "array.new_elem" => {
                let x = self.idx(m, t)?;
                ArrayNewElem(x, self.idx(m, Space::Elem)?)
            }
            "array.get" => ArrayGet(self.idx(m, t)?),
            "array.get_s" => ArrayGetS(self.idx(m, t)?),
            "array.get_u" => ArrayGetU(self.idx(m, t)?),
            "array.set" => ArraySet(self.idx(m, t)?),
            "array.len" => ArrayLen,
            "array.fill" => ArrayFill(self.idx(m, t)?),
            "array.copy" => {
                let x = self.idx(m, t)?;
                ArrayCopy(x, self.idx(m, t)?)
            }
            "array.init_data" => {
                let x = self.idx(m, t)?;
                ArrayInitData(x, self.idx(m, Space::Data)?)
            }
            "array.init_elem" => {
                let x = self.idx(m, t)?;
                ArrayInitElem(x, self.idx(m, Space::Elem)?)
            }
            "any.convert_extern" => AnyConvertExtern,
            "extern.convert_any" => ExternConvertAny,
            "i32.const" => I32Const(self.int_const(32)? as u32 as i32),
            "i64.const" => I64Const(self.int_const(64)? as i64),
            "f32.const" => F32Const(self.float_const(super::num::F32)? as u32),
            "f64.const" => F64Const(self.float_const(super::num::F64)?),
            "local" | "param" | "result" | "type" | "export" | "import" | "then" | "else"
            | "do" | "on" | "item" | "offset" | "catch" | "catch_ref" | "catch_all"
            | "catch_all_ref" => return Err(Error::malformed("unexpected token", span)),
            _ => {
                let design = match self.design {
                    Design::TypedCont => crate::typed_cont::text::instr(self, kw, m, f)?,
                    Design::RawStacks => crate::raw_stacks::text::instr(self, kw, m, f)?,
                    Design::EffectHandlers => crate::effect_handlers::text::instr(self, kw, m, f)?,
                };
                match design {
                    Some(i) => i,
                    None => return Err(Error::malformed(format!("unknown operator {kw}"), span)),
                }
            }
        })
    }
}
