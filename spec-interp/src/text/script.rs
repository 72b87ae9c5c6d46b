//! Scripts (the `.wast` language of the reference interpreter): commands, actions,
//! assertions, argument constants and result patterns.

use super::lexer::Tok;
use super::num;
use super::parser::{ModCtx, Parser};
use crate::diag::{Error, Result, Span};
use crate::script::*;
use crate::simd;
use crate::syntax::AbsHeapType;

impl<'a> Parser<'a> {
    /// A whole script: commands up to the end of input.
    pub fn script_commands(&mut self) -> Result<Vec<Command>> {
        let mut commands = Vec::new();
        // A script may also be a bare module (its fields at top level).
        if let Some(kw) = self.form_keyword() {
            if is_module_field(kw) {
                let start = self.span();
                let module = self.module_fields(None, start)?;
                if !self.at_end() {
                    return Err(self.unexpected());
                }
                let span = module.span;
                let sm = ScriptModule {
                    id: None,
                    definition: false,
                    source: ModuleSource::Text(Box::new(module)),
                    span,
                };
                commands.push(Command {
                    kind: CommandKind::Module(sm),
                    span,
                });
                return Ok(commands);
            }
        }
        // `(script $id? cmd*)` only names a sub-script (for `output`): its commands run in
        // place, so they are flattened into the list. `depth` counts the open `script` forms
        // (a counter, not recursion, so deep nesting costs no Rust stack).
        let mut depth = 0usize;
        loop {
            if self.at_end() {
                if depth > 0 {
                    // The `)` of an open `script` is missing: rparen reports it.
                    self.rparen()?;
                }
                return Ok(commands);
            }
            if depth > 0 && self.is_rparen() {
                self.advance();
                depth -= 1;
                continue;
            }
            if self.form_keyword() == Some("script") {
                self.pos += 2;
                self.opt_id();
                depth += 1;
                continue;
            }
            commands.push(self.command()?);
        }
    }

    fn command(&mut self) -> Result<Command> {
        let s = self.span();
        let Some(kw) = self.form_keyword() else {
            if self.is_lparen() {
                self.advance();
            }
            return Err(self.unexpected());
        };
        let kind = match kw {
            "module" => {
                if self.at_module_instance() {
                    let (instance, module) = self.module_instance()?;
                    CommandKind::ModuleInstance { instance, module }
                } else {
                    CommandKind::Module(self.script_module(false)?)
                }
            }
            "register" => {
                self.pos += 2;
                let name = self.name()?;
                let module = self.opt_id().map(|i| i.0);
                self.rparen()?;
                CommandKind::Register { name, module }
            }
            "invoke" | "get" => CommandKind::Action(self.action()?),
            "assert_return" => {
                self.pos += 2;
                let action = self.action()?;
                let mut results = Vec::new();
                while self.is_lparen() {
                    results.push(self.result_pat()?);
                }
                self.rparen()?;
                CommandKind::AssertReturn { action, results }
            }
            "assert_trap" => {
                self.pos += 2;
                if self.peek_form("module") {
                    let module = self.instantiation()?;
                    let message = self.name()?;
                    self.rparen()?;
                    CommandKind::AssertUninstantiable { module, message }
                } else {
                    let action = self.action()?;
                    let message = self.name()?;
                    self.rparen()?;
                    CommandKind::AssertTrap { action, message }
                }
            }
            "assert_exhaustion" | "assert_suspension" => {
                self.pos += 2;
                let action = self.action()?;
                let message = self.name()?;
                self.rparen()?;
                if kw == "assert_exhaustion" {
                    CommandKind::AssertExhaustion { action, message }
                } else {
                    CommandKind::AssertSuspension { action, message }
                }
            }
            "assert_exception" => {
                self.pos += 2;
                let action = self.action()?;
                self.rparen()?;
                CommandKind::AssertException { action }
            }
            "assert_unlinkable" => {
                self.pos += 2;
                let module = self.instantiation()?;
                let message = self.name()?;
                self.rparen()?;
                CommandKind::AssertUnlinkable { module, message }
            }
            "assert_invalid"
            | "assert_malformed"
            | "assert_invalid_custom"
            | "assert_malformed_custom" => {
                self.pos += 2;
                let module = self.script_module(true)?;
                let message = self.name()?;
                self.rparen()?;
                match kw {
                    "assert_invalid" => CommandKind::AssertInvalid { module, message },
                    "assert_malformed" => CommandKind::AssertMalformed { module, message },
                    "assert_invalid_custom" => CommandKind::AssertInvalidCustom { module, message },
                    _ => CommandKind::AssertMalformedCustom { module, message },
                }
            }
            "input" => {
                self.pos += 2;
                let id = self.opt_id().map(|i| i.0);
                let path = self.name()?;
                self.rparen()?;
                CommandKind::Input { id, path }
            }
            "output" => {
                self.pos += 2;
                let id = self.opt_id().map(|i| i.0);
                let path = if self.is_string() {
                    Some(self.name()?)
                } else {
                    None
                };
                self.rparen()?;
                CommandKind::Output { id, path }
            }
            _ => {
                self.advance();
                return Err(self.unexpected());
            }
        };
        Ok(Command {
            kind,
            span: s.to(self.prev_span()),
        })
    }

    /// Is the next form `(module instance ...)`?
    fn at_module_instance(&self) -> bool {
        self.peek_form("module") && matches!(self.peek_at(2), Some(Tok::Keyword("instance")))
    }

    /// `(module instance $inst? $def?)` as (instance, definition): with one name, the name is
    /// the definition's (as in the reference interpreter's grammar).
    fn module_instance(&mut self) -> Result<(Option<String>, Option<String>)> {
        self.pos += 3;
        let first = self.opt_id().map(|i| i.0);
        let second = self.opt_id().map(|i| i.0);
        self.rparen()?;
        Ok(match second {
            Some(module) => (first, Some(module)),
            None => (None, first),
        })
    }

    /// The module of `assert_unlinkable` or `assert_trap`: `(module instance ...)`, or a module
    /// written in place (not a `module definition`, which would never be instantiated).
    fn instantiation(&mut self) -> Result<Instantiation> {
        if self.at_module_instance() {
            let (instance, module) = self.module_instance()?;
            return Ok(Instantiation::Instance { instance, module });
        }
        let module = self.script_module(true)?;
        if module.definition {
            return Err(Error::malformed("misplaced module definition", module.span));
        }
        Ok(Instantiation::Module(module))
    }

    /// `(module $id? ...)`, `(module definition $id? ...)`, with `binary` or `quote` strings or
    /// fields. With `lenient`, a text module that fails to parse is kept as quote text (so
    /// that the assertion, not the whole script, fails).
    fn script_module(&mut self, lenient: bool) -> Result<ScriptModule> {
        let s = self.lparen()?;
        self.keyword("module")?;
        let definition = self.eat_keyword("definition");
        let id = self.opt_id().map(|i| i.0);
        let source = if self.eat_keyword("binary") {
            let mut bytes = Vec::new();
            while self.is_string() {
                bytes.extend(self.string()?);
            }
            ModuleSource::Binary(bytes)
        } else if self.eat_keyword("quote") {
            let mut parts = Vec::new();
            while self.is_string() {
                parts.push(String::from_utf8_lossy(&self.string()?).into_owned());
            }
            ModuleSource::Quote(parts.join(" "))
        } else {
            let body_start = self.pos;
            match self.module_fields(id.clone(), s) {
                Ok(mut module) => {
                    module.span = s.to(self.span());
                    ModuleSource::Text(Box::new(module))
                }
                Err(e) if lenient => {
                    // Skip to the module's `)` and keep its fields as text.
                    self.pos = body_start;
                    while self.is_lparen() {
                        self.skip_sexpr()?;
                    }
                    let from = self.toks[body_start].span.start as usize;
                    let to = self.span().start as usize;
                    let _ = e;
                    ModuleSource::Quote(self.src[from.min(to)..to].to_string())
                }
                Err(e) => return Err(e),
            }
        };
        let e = self.rparen()?;
        Ok(ScriptModule {
            id,
            definition,
            source,
            span: s.to(e),
        })
    }

    fn action(&mut self) -> Result<Action> {
        let s = self.lparen()?;
        let kw = self.peek_keyword().ok_or_else(|| self.unexpected())?;
        self.advance();
        let module = self.opt_id().map(|i| i.0);
        let name = self.name()?;
        match kw {
            "invoke" => {
                let mut args = Vec::new();
                while self.is_lparen() {
                    args.push(self.constant()?);
                }
                let e = self.rparen()?;
                Ok(Action::Invoke {
                    module,
                    name,
                    args,
                    span: s.to(e),
                })
            }
            "get" => {
                let e = self.rparen()?;
                Ok(Action::Get {
                    module,
                    name,
                    span: s.to(e),
                })
            }
            _ => Err(Error::malformed("unexpected token", s)),
        }
    }

    fn script_int(&mut self, bits: u32) -> Result<u64> {
        let span = self.span();
        match self.peek() {
            Some(Tok::Num(text)) => {
                let text = *text;
                self.advance();
                num::parse_int(text, bits)
                    .ok_or_else(|| Error::malformed("constant out of range", span))
            }
            _ => Err(self.unexpected()),
        }
    }

    fn constant(&mut self) -> Result<Const> {
        self.lparen()?;
        let span = self.span();
        let kw = self.peek_keyword().ok_or_else(|| self.unexpected())?;
        self.advance();
        let c = match kw {
            "i32.const" => Const::I32(self.script_int(32)? as u32 as i32),
            "i64.const" => Const::I64(self.script_int(64)? as i64),
            "f32.const" => Const::F32(self.float_const(num::F32)? as u32),
            "f64.const" => Const::F64(self.float_const(num::F64)?),
            "v128.const" => Const::V128(u128::from_le_bytes(simd::text::v128_const(self)?)),
            "ref.null" => Const::RefNull(self.heap_type(&ModCtx::default())?),
            "ref.host" => Const::RefHost(self.nat_u32()?),
            "ref.extern" => Const::RefExtern(self.nat_u32()?),
            _ => return Err(Error::malformed(format!("unknown operator {kw}"), span)),
        };
        self.rparen()?;
        Ok(c)
    }

    fn nan_pat(&mut self) -> Option<bool> {
        match self.peek_keyword() {
            Some("nan:canonical") => {
                self.advance();
                Some(true)
            }
            Some("nan:arithmetic") => {
                self.advance();
                Some(false)
            }
            _ => None,
        }
    }

    /// `v128.const shape pat*` of a result: float lanes may be NaN patterns.
    fn v128_pat(&mut self) -> Result<V128Pat> {
        let span = self.span();
        let (bits, float) = self
            .peek_keyword()
            .and_then(simd::text::const_shape)
            .ok_or_else(|| self.unexpected())?;
        self.advance();
        let lits = simd::text::lane_literals(self, float, true);
        if !float {
            let value = u128::from_le_bytes(simd::text::lanes_to_bytes(bits, false, &lits, span)?);
            return Ok(V128Pat::Int { bits, value });
        }
        if lits.len() as u32 != 128 / bits {
            return Err(Error::malformed("wrong number of lane literals", span));
        }
        let lane = |(text, span): &(&str, Span)| -> Result<NanPat<u64>> {
            Ok(match *text {
                "nan:canonical" => NanPat::Canonical,
                "nan:arithmetic" => NanPat::Arithmetic,
                _ => NanPat::Value(
                    simd::text::lane_literal(text, bits, true)
                        .ok_or_else(|| Error::malformed("constant out of range", *span))?,
                ),
            })
        };
        let pats = lits.iter().map(lane).collect::<Result<Vec<_>>>()?;
        Ok(if bits == 32 {
            let narrow = |p: &NanPat<u64>| match *p {
                NanPat::Value(x) => NanPat::Value(x as u32),
                NanPat::Canonical => NanPat::Canonical,
                NanPat::Arithmetic => NanPat::Arithmetic,
            };
            V128Pat::F32([
                narrow(&pats[0]),
                narrow(&pats[1]),
                narrow(&pats[2]),
                narrow(&pats[3]),
            ])
        } else {
            V128Pat::F64([pats[0], pats[1]])
        })
    }

    /// A result pattern. `either` may nest; a nested `either` means the same as its
    /// alternatives written in the parent, so it is flattened there (with a counter of open
    /// `either` forms, not recursion).
    fn result_pat(&mut self) -> Result<ResultPat> {
        if !self.peek_form("either") {
            return self.plain_result_pat();
        }
        self.pos += 2;
        let mut alts = Vec::new();
        let mut depth = 1usize;
        while depth > 0 {
            if self.is_rparen() {
                self.advance();
                depth -= 1;
            } else if self.peek_form("either") {
                self.pos += 2;
                depth += 1;
            } else {
                alts.push(self.plain_result_pat()?);
            }
        }
        Ok(ResultPat::Either(alts))
    }

    /// A result pattern other than `either`.
    fn plain_result_pat(&mut self) -> Result<ResultPat> {
        self.lparen()?;
        let span = self.span();
        let kw = self.peek_keyword().ok_or_else(|| self.unexpected())?;
        self.advance();
        let kind = |abs| Ok::<_, Error>(ResultPat::RefKind(abs));
        let r = match kw {
            "i32.const" => ResultPat::I32(self.script_int(32)? as u32 as i32),
            "i64.const" => ResultPat::I64(self.script_int(64)? as i64),
            "f32.const" => ResultPat::F32(match self.nan_pat() {
                Some(true) => NanPat::Canonical,
                Some(false) => NanPat::Arithmetic,
                None => NanPat::Value(self.float_const(num::F32)? as u32),
            }),
            "f64.const" => ResultPat::F64(match self.nan_pat() {
                Some(true) => NanPat::Canonical,
                Some(false) => NanPat::Arithmetic,
                None => NanPat::Value(self.float_const(num::F64)?),
            }),
            "v128.const" => ResultPat::V128(self.v128_pat()?),
            "ref" => ResultPat::RefAny,
            "ref.null" => {
                if self.is_rparen() {
                    ResultPat::RefNull(None)
                } else {
                    ResultPat::RefNull(Some(self.heap_type(&ModCtx::default())?))
                }
            }
            "ref.host" => ResultPat::RefHost(self.nat_u32()?),
            "ref.extern" => {
                if self.is_rparen() {
                    ResultPat::RefExtern(None)
                } else {
                    ResultPat::RefExtern(Some(self.nat_u32()?))
                }
            }
            "ref.func" => kind(AbsHeapType::Func)?,
            "ref.struct" => kind(AbsHeapType::Struct)?,
            "ref.array" => kind(AbsHeapType::Array)?,
            "ref.i31" => kind(AbsHeapType::I31)?,
            "ref.eq" => kind(AbsHeapType::Eq)?,
            "ref.any" => kind(AbsHeapType::Any)?,
            "ref.exn" => kind(AbsHeapType::Exn)?,
            "ref.cont" => kind(AbsHeapType::Cont)?,
            "ref.stack" => kind(AbsHeapType::Stack)?,
            _ => return Err(Error::malformed(format!("unknown operator {kw}"), span)),
        };
        self.rparen()?;
        Ok(r)
    }
}

fn is_module_field(kw: &str) -> bool {
    matches!(
        kw,
        "type"
            | "rec"
            | "import"
            | "func"
            | "table"
            | "memory"
            | "global"
            | "tag"
            | "export"
            | "start"
            | "elem"
            | "data"
    )
}
