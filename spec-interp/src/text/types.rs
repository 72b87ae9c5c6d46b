//! Types (spec 6.4): value, reference, heap, composite and sub types, rec groups, limits and
//! type uses (with implicit function types).
//!
//! Names used throughout the parsers: `m` is the module's identifier context (`ModCtx`), `f`
//! the function's (`FuncCtx`: locals and labels); `s` / `e` are the spans of a form's opening
//! and closing parentheses.

use super::lexer::Tok;
use super::parser::{ModCtx, Parser, Space};
use crate::design::Design;
use crate::diag::{Error, Result, Span};
use crate::syntax::*;
use std::collections::HashMap;

/// A type use's result: the type index and the names of its inline parameters.
pub struct TypeUse {
    pub idx: TypeIdx,
    /// Inline parameter names (`None` for unnamed ones); empty when only `(type x)` was given.
    pub param_names: Vec<(Option<(String, Span)>, ValType)>,
    /// Whether inline params or results were written.
    pub inline: bool,
}

impl<'a> Parser<'a> {
    fn abs_heap(&self, kw: &str) -> Option<AbsHeapType> {
        use AbsHeapType::*;
        let cont_ok = matches!(self.design, Design::TypedCont | Design::EffectHandlers);
        let stack_ok = self.design == Design::RawStacks;
        Some(match kw {
            "func" => Func,
            "nofunc" => NoFunc,
            "extern" => Extern,
            "noextern" => NoExtern,
            "any" => Any,
            "eq" => Eq,
            "i31" => I31,
            "struct" => Struct,
            "array" => Array,
            "none" => None,
            "exn" => Exn,
            "noexn" => NoExn,
            "cont" if cont_ok => Cont,
            "nocont" if cont_ok => NoCont,
            "stack" if stack_ok => Stack,
            "nostack" if stack_ok => NoStack,
            _ => return Option::None,
        })
    }

    /// Shorthand reference types (`funcref`, ...).
    fn ref_shorthand(&self, kw: &str) -> Option<RefType> {
        use AbsHeapType::*;
        let cont_ok = matches!(self.design, Design::TypedCont | Design::EffectHandlers);
        let stack_ok = self.design == Design::RawStacks;
        let abs = match kw {
            "funcref" => Func,
            "nullfuncref" => NoFunc,
            "externref" => Extern,
            "nullexternref" => NoExtern,
            "anyref" => Any,
            "eqref" => Eq,
            "i31ref" => I31,
            "structref" => Struct,
            "arrayref" => Array,
            "nullref" => None,
            "exnref" => Exn,
            "nullexnref" => NoExn,
            "contref" if cont_ok => Cont,
            "nullcontref" if cont_ok => NoCont,
            "stackref" if stack_ok => Stack,
            "nullstackref" if stack_ok => NoStack,
            _ => return Option::None,
        };
        Some(RefType::abs(true, abs))
    }

    pub fn heap_type(&mut self, m: &ModCtx) -> Result<HeapType> {
        if let Some(kw) = self.peek_keyword() {
            if let Some(abs) = self.abs_heap(kw) {
                self.advance();
                return Ok(HeapType::Abs(abs));
            }
            return Err(Error::malformed("unknown type", self.span()));
        }
        Ok(HeapType::Concrete(self.idx(m, Space::Type)?))
    }

    pub fn is_ref_type(&self) -> bool {
        match self.peek() {
            Some(Tok::Keyword(k)) => self.ref_shorthand(k).is_some(),
            Some(Tok::LParen) => matches!(self.peek_at(1), Some(Tok::Keyword("ref"))),
            _ => false,
        }
    }

    pub fn ref_type(&mut self, m: &ModCtx) -> Result<RefType> {
        if let Some(kw) = self.peek_keyword() {
            if let Some(rt) = self.ref_shorthand(kw) {
                self.advance();
                return Ok(rt);
            }
            return Err(Error::malformed(
                format!("unknown operator {kw}"),
                self.span(),
            ));
        }
        if self.open_form("ref") {
            let nullable = self.eat_keyword("null");
            let heap = self.heap_type(m)?;
            self.rparen()?;
            return Ok(RefType { nullable, heap });
        }
        Err(self.unexpected())
    }

    pub fn is_val_type(&self) -> bool {
        matches!(
            self.peek_keyword(),
            Some("i32" | "i64" | "f32" | "f64" | "v128")
        ) || self.is_ref_type()
    }

    pub fn val_type(&mut self, m: &ModCtx) -> Result<ValType> {
        let t = match self.peek_keyword() {
            Some("i32") => ValType::I32,
            Some("i64") => ValType::I64,
            Some("f32") => ValType::F32,
            Some("f64") => ValType::F64,
            Some("v128") => ValType::V128,
            Some(_) => return Ok(ValType::Ref(self.ref_type(m)?)),
            None if self.is_lparen() => return Ok(ValType::Ref(self.ref_type(m)?)),
            None => return Err(self.unexpected()),
        };
        self.advance();
        Ok(t)
    }

    fn storage_type(&mut self, m: &ModCtx) -> Result<StorageType> {
        match self.peek_keyword() {
            Some("i8") => {
                self.advance();
                Ok(StorageType::I8)
            }
            Some("i16") => {
                self.advance();
                Ok(StorageType::I16)
            }
            _ => Ok(StorageType::Val(self.val_type(m)?)),
        }
    }

    fn field_type(&mut self, m: &ModCtx) -> Result<FieldType> {
        if self.open_form("mut") {
            let storage = self.storage_type(m)?;
            self.rparen()?;
            Ok(FieldType {
                storage,
                mutable: true,
            })
        } else {
            Ok(FieldType {
                storage: self.storage_type(m)?,
                mutable: false,
            })
        }
    }

    /// `(param ...)*`: ids are allowed on single params when `named`.
    pub fn params(
        &mut self,
        m: &ModCtx,
        out: &mut Vec<(Option<(String, Span)>, ValType)>,
    ) -> Result<()> {
        while self.open_form("param") {
            if let Some(id) = self.opt_id() {
                let t = self.val_type(m)?;
                out.push((Some(id), t));
            } else {
                while !self.is_rparen() {
                    let t = self.val_type(m)?;
                    out.push((None, t));
                }
            }
            self.rparen()?;
        }
        Ok(())
    }

    pub fn results(&mut self, m: &ModCtx, out: &mut Vec<ValType>) -> Result<()> {
        while self.open_form("result") {
            while !self.is_rparen() {
                out.push(self.val_type(m)?);
            }
            self.rparen()?;
        }
        Ok(())
    }

    /// The body of `(func ...)` in a type definition: params and results.
    fn func_type_body(&mut self, m: &ModCtx) -> Result<FuncType> {
        let mut params = Vec::new();
        self.params(m, &mut params)?;
        let mut results = Vec::new();
        self.results(m, &mut results)?;
        Ok(FuncType {
            params: params.into_iter().map(|p| p.1).collect(),
            results,
        })
    }

    /// A composite type `(func ...)`, `(struct ...)`, `(array ...)` and the designs' ones.
    /// Returns field names for structs.
    fn comp_type(&mut self, m: &ModCtx) -> Result<(CompType, HashMap<String, u32>)> {
        let mut names = HashMap::new();
        self.lparen()?;
        let span = self.span();
        let kw = self.peek_keyword().ok_or_else(|| self.unexpected())?;
        self.advance();
        let comp = match kw {
            "func" => CompType::Func(self.func_type_body(m)?),
            "struct" => {
                let mut fields = Vec::new();
                while self.open_form("field") {
                    if let Some((name, nspan)) = self.opt_id() {
                        if names.insert(name.clone(), fields.len() as u32).is_some() {
                            return Err(Error::malformed(
                                format!("duplicate field ${name}"),
                                nspan,
                            ));
                        }
                        fields.push(self.field_type(m)?);
                    } else {
                        while !self.is_rparen() {
                            fields.push(self.field_type(m)?);
                        }
                    }
                    self.rparen()?;
                }
                CompType::Struct(fields)
            }
            "array" => CompType::Array(self.field_type(m)?),
            "cont" if matches!(self.design, Design::TypedCont | Design::EffectHandlers) => {
                CompType::Cont(self.idx(m, Space::Type)?)
            }
            "stack" if self.design == Design::RawStacks => {
                crate::raw_stacks::text::stack_type(self, m)?
            }
            _ => return Err(Error::malformed("unexpected token", span)),
        };
        self.rparen()?;
        Ok((comp, names))
    }

    /// A sub type: `(sub final? x* comptype)` or a composite type (final, no supertypes).
    fn sub_type(&mut self, m: &ModCtx) -> Result<(SubType, HashMap<String, u32>)> {
        let start = self.span();
        if self.open_form("sub") {
            let is_final = self.eat_keyword("final");
            let mut supers = Vec::new();
            while self.is_idx() {
                supers.push(self.idx(m, Space::Type)?);
            }
            let (comp, names) = self.comp_type(m)?;
            let end = self.rparen()?;
            Ok((
                SubType {
                    is_final,
                    supers,
                    comp,
                    span: start.to(end),
                },
                names,
            ))
        } else {
            let (comp, names) = self.comp_type(m)?;
            let span = start.to(self.prev_span());
            Ok((
                SubType {
                    is_final: true,
                    supers: Vec::new(),
                    comp,
                    span,
                },
                names,
            ))
        }
    }

    /// `(type $id? subtype)`, the `(type` not yet consumed. Returns the sub type and its names.
    pub fn type_def(&mut self, m: &ModCtx) -> Result<(SubType, HashMap<String, u32>)> {
        let start = self.lparen()?;
        self.keyword("type")?;
        self.opt_id();
        let (mut st, names) = self.sub_type(m)?;
        let end = self.rparen()?;
        st.span = start.to(end);
        Ok((st, names))
    }

    /// Limits `n m?` (spec 6.4.7).
    pub fn limits(&mut self) -> Result<Limits> {
        let min = self.nat_u64()?;
        let max = if self.is_num() {
            Some(self.nat_u64()?)
        } else {
            None
        };
        Ok(Limits { min, max })
    }

    pub fn addr_type(&mut self) -> AddrType {
        if self.eat_keyword("i64") {
            AddrType::I64
        } else {
            self.eat_keyword("i32");
            AddrType::I32
        }
    }

    pub fn table_type(&mut self, m: &ModCtx) -> Result<TableType> {
        let addr = self.addr_type();
        let limits = self.limits()?;
        let elem = self.ref_type(m)?;
        Ok(TableType { addr, limits, elem })
    }

    pub fn mem_type(&mut self) -> Result<MemType> {
        let addr = self.addr_type();
        let limits = self.limits()?;
        Ok(MemType { addr, limits })
    }

    pub fn global_type(&mut self, m: &ModCtx) -> Result<GlobalType> {
        if self.open_form("mut") {
            let val = self.val_type(m)?;
            self.rparen()?;
            Ok(GlobalType { mutable: true, val })
        } else {
            Ok(GlobalType {
                mutable: false,
                val: self.val_type(m)?,
            })
        }
    }

    /// A type use (spec 6.6.5): `(type x)? (param ...)* (result ...)*`.
    pub fn type_use(&mut self, m: &mut ModCtx) -> Result<TypeUse> {
        let start = self.span();
        let explicit = if self.open_form("type") {
            let span = self.span();
            let x = self.idx(m, Space::Type)?;
            self.rparen()?;
            Some((x, span))
        } else {
            None
        };
        let mut params = Vec::new();
        self.params(m, &mut params)?;
        let mut results = Vec::new();
        self.results(m, &mut results)?;
        if self.peek_form("param") || self.peek_form("type") {
            return Err(self.unexpected());
        }
        let inline = !params.is_empty() || !results.is_empty();
        let ft = FuncType {
            params: params.iter().map(|p| p.1).collect(),
            results,
        };
        let span = start.to(self.prev_span());
        match explicit {
            Some((x, xspan)) => {
                if inline {
                    match m.func_type(x) {
                        Some(t) if *t == ft => {}
                        Some(_) => return Err(Error::malformed("inline function type", span)),
                        None if (x as usize) >= m.type_defs.len() => {
                            return Err(Error::malformed(format!("unknown type {x}"), xspan))
                        }
                        None => return Err(Error::malformed("inline function type", span)),
                    }
                } else if let Some(t) = m.func_type(x) {
                    params = t.params.iter().map(|&t| (None, t)).collect();
                }
                Ok(TypeUse {
                    idx: x,
                    param_names: params,
                    inline,
                })
            }
            None => {
                let idx = m.implicit_type(ft, span);
                Ok(TypeUse {
                    idx,
                    param_names: params,
                    inline,
                })
            }
        }
    }

    /// A block type (spec 6.5.2): a type use, or a single result / nothing.
    pub fn block_type(&mut self, m: &mut ModCtx) -> Result<BlockType> {
        if self.peek_form("type") || self.peek_form("param") {
            let start = self.pos;
            let tu = self.type_use(m)?;
            if tu.inline && tu.param_names.iter().any(|p| p.0.is_some()) {
                // Block parameters cannot be named.
                let at = self.toks[start..self.pos]
                    .iter()
                    .find(|t| matches!(t.tok, Tok::Id(_)))
                    .map_or(self.span(), |t| t.span);
                return Err(Error::malformed("unexpected token", at));
            }
            return Ok(BlockType::Type(tu.idx));
        }
        if self.peek_form("result") {
            let start = self.span();
            let mut results = Vec::new();
            self.results(m, &mut results)?;
            if self.peek_form("param") || self.peek_form("type") {
                return Err(self.unexpected());
            }
            return Ok(match results.len() {
                0 => BlockType::Empty,
                1 => BlockType::Val(results[0]),
                _ => {
                    let span = start.to(self.prev_span());
                    BlockType::Type(m.implicit_type(
                        FuncType {
                            params: vec![],
                            results,
                        },
                        span,
                    ))
                }
            });
        }
        Ok(BlockType::Empty)
    }
}
