//! Scripts (the `.wast` language of the reference interpreter): commands, actions,
//! assertions, argument constants and result patterns.

use super::lexer::{Tok, Token};
use super::num;
use super::parser::{ModCtx, Parser};
use crate::diag::{Error, Result, Span};
use crate::script::*;
use crate::simd;
use crate::syntax::AbsHeapType;

impl<'a> Parser<'a> {
    /// A whole script, with error recovery: each top-level form is parsed on its own, and one
    /// that does not parse (or holds a lexical error from `lex_errors`) becomes a `BrokenForm`
    /// while parsing goes on with the next form. Lexical errors outside every form are broken
    /// forms of their own. Both lists are in source order.
    ///
    /// The forms are found by matching parentheses. A `(` that nothing closes ends its form
    /// where the next directive starts: a `(` in column 1 followed by a directive keyword
    /// (`module`, `assert_return`, ...; not an assertion's first argument, which may be written
    /// so too). A form whose parentheses do match but whose parse fails at or after such a `(`
    /// is cut there the same way: its own `)` is missing, and a later extra `)` made up for it.
    pub fn script_recovering(&mut self, lex_errors: Vec<Error>) -> (Vec<Command>, Vec<BrokenForm>) {
        let mut errors = LexErrors::new(lex_errors);
        let mut commands = Vec::new();
        let mut broken = Vec::new();
        let n = self.toks.len();
        // A script may also be a bare module (its fields at top level).
        if let Some(kw) = self.form_keyword() {
            if is_module_field(kw) {
                let span = self.toks[0].span.to(self.toks[n - 1].span);
                broken.extend(errors.before(span.start));
                let start = self.span();
                let parsed = match errors.within(span) {
                    Some(err) => Err(err),
                    None => self.module_fields(None, start).and_then(|module| {
                        if self.at_end() {
                            Ok(module)
                        } else {
                            Err(self.unexpected())
                        }
                    }),
                };
                match parsed {
                    Ok(module) => {
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
                    }
                    Err(error) => broken.push(BrokenForm {
                        span,
                        keyword: "module".to_string(),
                        error,
                    }),
                }
                broken.extend(errors.rest());
                return (commands, broken);
            }
        }
        let matching = match_parens(&self.toks);
        // Each open `(script $id? ...)`: its `(` and the `)` that closes it, if one does. Its
        // commands run in place (the name only matters to `output`), so the splitting goes on
        // inside it. One whose `)` went missing is closed by the first `)` with nothing open
        // (a directive inside it took its `)`, and was cut short).
        let mut scripts: Vec<(usize, Option<usize>)> = Vec::new();
        let mut i = 0;
        while i < n {
            let at = self.toks[i].span;
            broken.extend(errors.before(at.start));
            match self.toks[i].tok {
                Tok::RParen if matches!(scripts.last(), Some(&(_, close)) if close.is_none_or(|c| c == i)) =>
                {
                    scripts.pop();
                    i += 1;
                }
                Tok::RParen => {
                    let error = errors.within(at).unwrap_or_else(|| {
                        Error::malformed("unexpected `)`: there is no `(` for it to close", at)
                    });
                    broken.push(BrokenForm {
                        span: at,
                        keyword: "script".to_string(),
                        error,
                    });
                    i += 1;
                }
                Tok::LParen if self.keyword_at(i + 1) == Some("script") => {
                    scripts.push((i, matching[i]));
                    i += 2;
                    if matches!(self.toks.get(i).map(|t| &t.tok), Some(Tok::Id(_))) {
                        i += 1;
                    }
                }
                Tok::LParen => {
                    let end = match matching[i] {
                        Some(close) => close + 1,
                        None => self.resync_point(i, n).unwrap_or(n),
                    };
                    i = self.top_level_form(
                        i,
                        end,
                        &matching,
                        &mut errors,
                        &mut commands,
                        &mut broken,
                    );
                }
                _ => {
                    // Text outside any form, up to the next parenthesis.
                    let mut end = i + 1;
                    while end < n && !matches!(self.toks[end].tok, Tok::LParen | Tok::RParen) {
                        end += 1;
                    }
                    let span = at.to(self.toks[end - 1].span);
                    let error = errors.within(span).unwrap_or_else(|| {
                        Error::malformed(
                            "unexpected token: a directive starts with `(`, as in `(module ...)`",
                            at,
                        )
                    });
                    broken.push(BrokenForm {
                        span,
                        keyword: "script".to_string(),
                        error,
                    });
                    i = end;
                }
            }
        }
        broken.extend(errors.rest());
        for (open, _) in scripts {
            broken.push(BrokenForm {
                span: self.toks[open].span.to(self.toks[open + 1].span),
                keyword: "script".to_string(),
                error: self.unclosed(open, n, &matching),
            });
        }
        broken.sort_by_key(|form| form.span.start);
        (commands, broken)
    }

    /// One top-level form, the tokens `open..end`: a command, or a broken form. Returns where
    /// the next form starts (earlier than `end` when the form is cut, see `script_recovering`).
    fn top_level_form(
        &mut self,
        open: usize,
        end: usize,
        matching: &[Option<usize>],
        errors: &mut LexErrors,
        commands: &mut Vec<Command>,
        broken: &mut Vec<BrokenForm>,
    ) -> usize {
        let n = self.toks.len();
        let closed = matching[open].is_some_and(|close| close + 1 == end);
        let keyword = match self.keyword_at(open + 1) {
            Some(kw) if is_directive(kw) => kw.to_string(),
            _ => "script".to_string(),
        };
        let span = |p: &Self, end: usize| p.toks[open].span.to(p.toks[end - 1].span);
        // The lexical errors of a form left open run up to the next form: a string left open
        // may have taken its `)` along.
        let reach = if closed {
            span(self, end)
        } else {
            let next = self.toks.get(end).map_or(u32::MAX, |t| t.span.start);
            Span {
                start: self.toks[open].span.start,
                end: next,
            }
        };
        if let Some(error) = errors.within(reach) {
            broken.push(BrokenForm {
                span: span(self, end),
                keyword,
                error,
            });
            return end;
        }
        if !closed {
            broken.push(BrokenForm {
                span: span(self, end),
                keyword,
                error: self.unclosed(open, end, matching),
            });
            return end;
        }
        self.pos = open;
        self.limit = end;
        let parsed = self.command().and_then(|command| {
            if self.pos == end {
                Ok(command)
            } else {
                Err(self.unexpected())
            }
        });
        self.limit = n;
        match parsed {
            Ok(command) => commands.push(command),
            Err(error) => {
                // Failing at or after a directive in column 1: the form's own `)` is missing.
                let cut = self.resync_point(open, end).filter(|&k| {
                    error
                        .span
                        .is_some_and(|s| s.start >= self.toks[k].span.start)
                });
                if let Some(cut) = cut {
                    broken.push(BrokenForm {
                        span: span(self, cut),
                        keyword,
                        error: self.unclosed(open, cut, matching),
                    });
                    return cut;
                }
                broken.push(BrokenForm {
                    span: span(self, end),
                    keyword,
                    error,
                });
            }
        }
        end
    }

    fn keyword_at(&self, i: usize) -> Option<&'a str> {
        match self.toks.get(i).map(|t| &t.tok) {
            Some(Tok::Keyword(k)) => Some(k),
            _ => None,
        }
    }

    /// The column (0-based, in bytes) of token `k` if it is the first on its line.
    fn indentation(&self, k: usize) -> Option<usize> {
        let start = self.toks[k].span.start as usize;
        let line_start = self.src[..start].rfind('\n').map_or(0, |p| p + 1);
        let before = &self.src[line_start..start];
        before
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
            .then_some(before.len())
    }

    /// Where the form opened at `open` is taken to end when its `)` is missing: the first `(`
    /// before `end` that starts a directive and its line, no further indented than the form's
    /// own `(` (column 1 for a top-level form), other than an assertion's first argument.
    fn resync_point(&self, open: usize, end: usize) -> Option<usize> {
        let assertion = self
            .keyword_at(open + 1)
            .is_some_and(|k| k.starts_with("assert_"));
        // Directives of a top-level script start in column 1; those of a `(script ...)` may
        // be indented, as deep as the form itself.
        let own = self.indentation(open).unwrap_or(0);
        let mut depth = 0usize;
        let mut first_argument = true;
        for k in open + 1..end {
            match self.toks[k].tok {
                Tok::LParen => {
                    let argument = depth == 0 && std::mem::take(&mut first_argument);
                    let starts_line = self.indentation(k).is_some_and(|column| column <= own);
                    if starts_line
                        && self.keyword_at(k + 1).is_some_and(is_directive)
                        && !(assertion && argument)
                    {
                        return Some(k);
                    }
                    depth += 1;
                }
                Tok::RParen => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        None
    }

    /// The error of a form opened at `open` whose `)` is missing, the form taken to end before
    /// `end`: shown at the `(`, with where the form was taken to end and, as more secondary
    /// labels, any `(` inside it left open too.
    fn unclosed(&self, open: usize, end: usize, matching: &[Option<usize>]) -> Error {
        let n = self.toks.len();
        let mut error = Error::malformed("unclosed `(`: no `)` closes it", self.toks[open].span);
        let inner = (open + 1..end)
            .filter(|&k| self.toks[k].tok == Tok::LParen && matching[k].is_none_or(|c| c >= end))
            .take(3);
        for k in inner {
            error = error.with_label(self.toks[k].span, "this `(` is left open too");
        }
        if end >= n {
            let last = self.toks[n - 1].span;
            let last = Span::new(last.end as usize - 1, last.end as usize);
            error.with_label(last, "the file ends here")
        } else {
            error.with_label(
                self.toks[end].span,
                "the next directive starts here: a `)` is missing before it",
            )
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
                let span = self.span();
                self.advance();
                let message = if is_module_field(kw) {
                    format!("unexpected token: `({kw} ...)` is a module field, which belongs inside `(module ...)`")
                } else {
                    format!("unexpected token: `{kw}` is not a directive")
                };
                return Err(Error::malformed(message, span));
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

/// The keywords that start a directive (a command of the script language).
fn is_directive(kw: &str) -> bool {
    matches!(
        kw,
        "module" | "register" | "invoke" | "get" | "script" | "input" | "output"
    ) || kw.starts_with("assert_")
}

/// For each `(`, the index of the `)` that closes it, if any: a stack of open parentheses, one
/// pass. (A `)` with nothing open closes nothing.)
fn match_parens(toks: &[Token<'_>]) -> Vec<Option<usize>> {
    let mut matching = vec![None; toks.len()];
    let mut open = Vec::new();
    for (i, token) in toks.iter().enumerate() {
        match token.tok {
            Tok::LParen => open.push(i),
            Tok::RParen => {
                if let Some(o) = open.pop() {
                    matching[o] = Some(i);
                }
            }
            _ => {}
        }
    }
    matching
}

/// The lexical errors of a script, taken in source order by the forms they fall in.
struct LexErrors {
    errors: std::collections::VecDeque<Error>,
}

impl LexErrors {
    fn new(mut errors: Vec<Error>) -> LexErrors {
        errors.sort_by_key(|e| e.span.map_or(0, |s| s.start));
        LexErrors {
            errors: errors.into(),
        }
    }

    fn start(err: &Error) -> u32 {
        err.span.map_or(0, |s| s.start)
    }

    /// The errors before `at`, outside every form: each a broken form of its own.
    fn before(&mut self, at: u32) -> Vec<BrokenForm> {
        let mut out = Vec::new();
        while self.errors.front().is_some_and(|e| Self::start(e) < at) {
            out.extend(self.errors.pop_front().map(Self::alone));
        }
        out
    }

    /// The first error inside `span` (the others there are dropped: the form fails once).
    fn within(&mut self, span: Span) -> Option<Error> {
        let mut first = None;
        while self
            .errors
            .front()
            .is_some_and(|e| Self::start(e) < span.end)
        {
            let err = self.errors.pop_front();
            if first.is_none() {
                first = err;
            }
        }
        first
    }

    /// The errors after the last form.
    fn rest(&mut self) -> Vec<BrokenForm> {
        self.errors.drain(..).map(Self::alone).collect()
    }

    fn alone(error: Error) -> BrokenForm {
        BrokenForm {
            span: error.span.unwrap_or(Span::NONE),
            keyword: "script".to_string(),
            error,
        }
    }
}

/// A top-level form of a source, as the script parser splits it (without parsing it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopForm<'a> {
    pub span: Span,
    /// The keyword after its `(` (`module`, `assert_return`, `func`, ...), or `""`.
    pub keyword: &'a str,
    /// The keyword after that one, if any (`binary` in `(module binary ...)`).
    pub second: Option<&'a str>,
}

impl<'a> Parser<'a> {
    /// The top-level forms: each `(` outside every form up to its `)`, or, if it has none, to
    /// where the next directive starts (as `script_recovering` splits them; `(script ...)` is
    /// one form here). Text outside the forms is left out.
    pub fn top_forms(&self) -> Vec<TopForm<'a>> {
        let n = self.toks.len();
        let matching = match_parens(&self.toks);
        let mut forms = Vec::new();
        let mut i = 0;
        while i < n {
            if self.toks[i].tok != Tok::LParen {
                i += 1;
                continue;
            }
            let end = match matching[i] {
                Some(close) => close + 1,
                None => self.resync_point(i, n).unwrap_or(n),
            };
            forms.push(TopForm {
                span: self.toks[i].span.to(self.toks[end - 1].span),
                keyword: self.keyword_at(i + 1).unwrap_or(""),
                second: self.keyword_at(i + 2),
            });
            i = end;
        }
        forms
    }
}
