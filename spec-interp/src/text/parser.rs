//! The token cursor shared by the module, instruction and script parsers, and the identifier
//! contexts of spec 6.1 (one name space per index space, plus locals and labels per function).

use super::lexer::{Tok, Token};
use super::num;
use crate::design::Design;
use crate::diag::{Error, Result, Span};
use crate::syntax::{FuncType, RecType, SubType, TypeIdx};
use std::collections::HashMap;

pub struct Parser<'a> {
    pub src: &'a str,
    pub toks: Vec<Token<'a>>,
    pub pos: usize,
    pub design: Design,
    pub src_len: usize,
    /// Tokens from here on are out of reach: the end of the directive being parsed, when the
    /// script parser parses one top-level form at a time.
    pub limit: usize,
}

/// One identifier space: names bound so far and the number of entries.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub map: HashMap<String, u32>,
    pub count: u32,
}

impl Names {
    /// Adds an entry, binding its id if it has one; `what` names the space in the error.
    pub fn bind(&mut self, id: Option<&(String, Span)>, what: &str) -> Result<u32> {
        let idx = self.count;
        if let Some((name, span)) = id {
            if self.map.insert(name.clone(), idx).is_some() {
                return Err(Error::malformed(format!("duplicate {what} ${name}"), *span));
            }
        }
        self.count += 1;
        Ok(idx)
    }
}

/// The index spaces of a module (spec 6.1, the identifier context `I`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Space {
    Type,
    Func,
    Table,
    Mem,
    Global,
    Tag,
    Elem,
    Data,
}

impl Space {
    /// The word used in "unknown ..." and "duplicate ..." messages.
    pub fn word(self) -> &'static str {
        match self {
            Space::Type => "type",
            Space::Func => "function",
            Space::Table => "table",
            Space::Mem => "memory",
            Space::Global => "global",
            Space::Tag => "tag",
            Space::Elem => "elem segment",
            Space::Data => "data segment",
        }
    }
    pub fn dup_word(self) -> &'static str {
        match self {
            Space::Func => "func",
            Space::Elem => "elem",
            Space::Data => "data",
            s => s.word(),
        }
    }
}

/// What the module parser knows while parsing fields.
#[derive(Clone, Debug, Default)]
pub struct ModCtx {
    pub types: Names,
    pub funcs: Names,
    pub tables: Names,
    pub mems: Names,
    pub globals: Names,
    pub tags: Names,
    pub elems: Names,
    pub datas: Names,
    /// Field names per type index.
    pub fields: HashMap<u32, HashMap<String, u32>>,
    /// All sub types, in index order: the explicit ones, then implicit function types.
    pub type_defs: Vec<SubType>,
    /// Rec groups for implicit function types, appended to the type section at the end.
    pub implicit: Vec<RecType>,
    /// Index of the first implicit type (the number of explicit types).
    pub explicit_count: u32,
    /// Rec group of each explicit type: (group start, group size).
    pub groups: Vec<(u32, u32)>,
    /// Address type of each memory and table, for offsets of inline segments.
    pub table_addr64: Vec<bool>,
}

impl ModCtx {
    pub fn space(&self, space: Space) -> &Names {
        match space {
            Space::Type => &self.types,
            Space::Func => &self.funcs,
            Space::Table => &self.tables,
            Space::Mem => &self.mems,
            Space::Global => &self.globals,
            Space::Tag => &self.tags,
            Space::Elem => &self.elems,
            Space::Data => &self.datas,
        }
    }
    pub fn space_mut(&mut self, space: Space) -> &mut Names {
        match space {
            Space::Type => &mut self.types,
            Space::Func => &mut self.funcs,
            Space::Table => &mut self.tables,
            Space::Mem => &mut self.mems,
            Space::Global => &mut self.globals,
            Space::Tag => &mut self.tags,
            Space::Elem => &mut self.elems,
            Space::Data => &mut self.datas,
        }
    }

    /// The index of the implicit function type for `ft` (spec 6.6.5 type uses): the first type
    /// that is a final function type without supertypes, alone in its rec group, else a new one
    /// appended after all others.
    pub fn implicit_type(&mut self, ft: FuncType, span: Span) -> TypeIdx {
        for (i, st) in self.type_defs.iter().enumerate() {
            let alone = if (i as u32) < self.explicit_count {
                self.groups.get(i).is_some_and(|g| g.1 == 1)
            } else {
                true
            };
            if alone
                && st.is_final
                && st.supers.is_empty()
                && matches!(&st.comp, crate::syntax::CompType::Func(f) if *f == ft)
            {
                return i as u32;
            }
        }
        let idx = self.type_defs.len() as u32;
        let st = SubType {
            is_final: true,
            supers: Vec::new(),
            comp: crate::syntax::CompType::Func(ft),
            span,
        };
        self.type_defs.push(st.clone());
        self.implicit.push(RecType {
            types: vec![st],
            span,
        });
        idx
    }

    pub fn func_type(&self, idx: TypeIdx) -> Option<&FuncType> {
        match self.type_defs.get(idx as usize).map(|s| &s.comp) {
            Some(crate::syntax::CompType::Func(ft)) => Some(ft),
            _ => None,
        }
    }
}

/// Per-function identifier context: locals and the label stack.
#[derive(Clone, Debug, Default)]
pub struct FuncCtx {
    pub locals: Names,
    /// Innermost label last; `None` for unnamed labels.
    pub labels: Vec<Option<String>>,
    /// How many labels the body has opened so far: the next label's index in the name
    /// section's sense (`syntax::Names::labels`).
    pub opened: u32,
    /// The named labels by label index, for `Module::names`.
    pub label_names: std::collections::BTreeMap<u32, String>,
}

impl FuncCtx {
    /// Enters a block-like instruction's label, remembering its name by label index.
    pub fn open_label(&mut self, label: Option<String>) {
        if let Some(name) = &label {
            self.label_names.insert(self.opened, name.clone());
        }
        self.opened += 1;
        self.labels.push(label);
    }
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, toks: Vec<Token<'a>>, design: Design) -> Self {
        Parser {
            src,
            limit: toks.len(),
            toks,
            pos: 0,
            design,
            src_len: src.len(),
        }
    }

    pub fn peek(&self) -> Option<&Tok<'a>> {
        self.peek_at(0)
    }
    pub fn peek_at(&self, n: usize) -> Option<&Tok<'a>> {
        let at = self.pos + n;
        (at < self.limit).then(|| &self.toks[at].tok)
    }
    /// The span of the current token (or the end of the source).
    pub fn span(&self) -> Span {
        match self.toks.get(self.pos) {
            Some(t) if self.pos < self.limit => t.span,
            _ => Span::new(self.src_len, self.src_len),
        }
    }
    /// The span of the previous token.
    pub fn prev_span(&self) -> Span {
        if self.pos == 0 {
            return Span::NONE;
        }
        self.toks
            .get(self.pos - 1)
            .map(|t| t.span)
            .unwrap_or(Span::NONE)
    }
    pub fn at_end(&self) -> bool {
        self.pos >= self.limit
    }
    pub fn advance(&mut self) {
        self.pos += 1;
    }

    /// The reference interpreter reports every parse error, end of input included, as
    /// "unexpected token".
    pub fn unexpected(&self) -> Error {
        Error::malformed("unexpected token", self.span())
    }

    pub fn is_lparen(&self) -> bool {
        matches!(self.peek(), Some(Tok::LParen))
    }
    pub fn is_rparen(&self) -> bool {
        matches!(self.peek(), Some(Tok::RParen))
    }
    /// Whether the next tokens are `(` `kw`.
    pub fn peek_form(&self, kw: &str) -> bool {
        self.is_lparen() && matches!(self.peek_at(1), Some(Tok::Keyword(k)) if *k == kw)
    }
    /// The keyword after a `(`, if any.
    pub fn form_keyword(&self) -> Option<&'a str> {
        if !self.is_lparen() {
            return None;
        }
        match self.peek_at(1) {
            Some(Tok::Keyword(k)) => Some(k),
            _ => None,
        }
    }
    pub fn peek_keyword(&self) -> Option<&'a str> {
        match self.peek() {
            Some(Tok::Keyword(k)) => Some(k),
            _ => None,
        }
    }
    pub fn is_keyword(&self, kw: &str) -> bool {
        self.peek_keyword() == Some(kw)
    }

    pub fn lparen(&mut self) -> Result<Span> {
        if self.is_lparen() {
            let s = self.span();
            self.advance();
            Ok(s)
        } else {
            Err(self.unexpected())
        }
    }
    pub fn rparen(&mut self) -> Result<Span> {
        if self.is_rparen() {
            let s = self.span();
            self.advance();
            Ok(s)
        } else {
            Err(self.unexpected())
        }
    }
    pub fn keyword(&mut self, kw: &str) -> Result<Span> {
        if self.is_keyword(kw) {
            let s = self.span();
            self.advance();
            Ok(s)
        } else {
            Err(self.unexpected())
        }
    }
    /// Consumes `(` `kw` if present.
    pub fn open_form(&mut self, kw: &str) -> bool {
        if self.peek_form(kw) {
            self.pos += 2;
            true
        } else {
            false
        }
    }
    pub fn eat_keyword(&mut self, kw: &str) -> bool {
        if self.is_keyword(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    pub fn opt_id(&mut self) -> Option<(String, Span)> {
        if let Some(Tok::Id(name)) = self.peek() {
            let r = (name.clone(), self.span());
            self.advance();
            Some(r)
        } else {
            None
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self.peek(), Some(Tok::Str(_)))
    }
    pub fn string(&mut self) -> Result<Vec<u8>> {
        if let Some(Tok::Str(s)) = self.peek() {
            let s = s.clone();
            self.advance();
            Ok(s)
        } else {
            Err(self.unexpected())
        }
    }
    /// A string that must be valid UTF-8 (names).
    pub fn name(&mut self) -> Result<String> {
        let span = self.span();
        let bytes = self.string()?;
        String::from_utf8(bytes).map_err(|_| Error::malformed("malformed UTF-8 encoding", span))
    }

    pub fn is_num(&self) -> bool {
        matches!(self.peek(), Some(Tok::Num(_)))
    }
    /// An unsigned number token as u64 (limits, offsets, counts).
    pub fn nat_u64(&mut self) -> Result<u64> {
        let span = self.span();
        if let Some(Tok::Num(text)) = self.peek() {
            let text = *text;
            if text.starts_with(['+', '-']) {
                return Err(self.unexpected());
            }
            self.advance();
            num::parse_nat(text).ok_or_else(|| Error::malformed("constant out of range", span))
        } else {
            Err(self.unexpected())
        }
    }
    pub fn nat_u32(&mut self) -> Result<u32> {
        let span = self.span();
        let v = self.nat_u64()?;
        u32::try_from(v).map_err(|_| Error::malformed("i32 constant out of range", span))
    }

    /// Skips one balanced s-expression (or a single token), with a depth counter.
    pub fn skip_sexpr(&mut self) -> Result<()> {
        if !self.is_lparen() {
            if self.at_end() {
                return Err(self.unexpected());
            }
            self.advance();
            return Ok(());
        }
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => return Err(self.unexpected()),
                Some(Tok::LParen) => depth += 1,
                Some(Tok::RParen) => {
                    depth -= 1;
                    if depth == 0 {
                        self.advance();
                        return Ok(());
                    }
                }
                _ => {}
            }
            self.advance();
        }
    }

    /// An index into `space`: a number, or an id bound in `ctx`.
    pub fn idx(&mut self, ctx: &ModCtx, space: Space) -> Result<u32> {
        let span = self.span();
        match self.peek() {
            Some(Tok::Num(_)) => self.nat_u32(),
            Some(Tok::Id(name)) => {
                let r = ctx.space(space).map.get(name).copied().ok_or_else(|| {
                    Error::malformed(format!("unknown {} ${name}", space.word()), span)
                });
                self.advance();
                r
            }
            _ => Err(self.unexpected()),
        }
    }
    pub fn opt_idx(&mut self, ctx: &ModCtx, space: Space) -> Result<Option<u32>> {
        if matches!(self.peek(), Some(Tok::Num(_) | Tok::Id(_))) {
            self.idx(ctx, space).map(Some)
        } else {
            Ok(None)
        }
    }
    pub fn is_idx(&self) -> bool {
        matches!(self.peek(), Some(Tok::Num(_) | Tok::Id(_)))
    }

    /// A label index: a number, or an id resolved to its depth (innermost wins).
    pub fn label(&mut self, f: &FuncCtx) -> Result<u32> {
        let span = self.span();
        match self.peek() {
            Some(Tok::Num(_)) => self.nat_u32(),
            Some(Tok::Id(name)) => {
                let depth = f
                    .labels
                    .iter()
                    .rev()
                    .position(|l| l.as_deref() == Some(name.as_str()));
                let r = depth
                    .map(|d| d as u32)
                    .ok_or_else(|| Error::malformed(format!("unknown label ${name}"), span));
                self.advance();
                r
            }
            _ => Err(self.unexpected()),
        }
    }

    pub fn local(&mut self, f: &FuncCtx) -> Result<u32> {
        let span = self.span();
        match self.peek() {
            Some(Tok::Num(_)) => self.nat_u32(),
            Some(Tok::Id(name)) => {
                let r = f
                    .locals
                    .map
                    .get(name)
                    .copied()
                    .ok_or_else(|| Error::malformed(format!("unknown local ${name}"), span));
                self.advance();
                r
            }
            _ => Err(self.unexpected()),
        }
    }
}
