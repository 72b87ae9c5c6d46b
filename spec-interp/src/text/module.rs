//! Modules (spec 6.6): fields, identifier resolution and the abbreviations (inline imports and
//! exports, inline element and data segments, implicit function types).
//!
//! Three passes over the fields, since ids may be used before their definition:
//! 1. bind the ids of every index space (and check that imports come first);
//! 2. parse the type definitions (they need the type ids);
//! 3. parse everything else.
//!
//! Names used throughout the parsers: `m` is the module's identifier context (`ModCtx`), `f`
//! the function's (`FuncCtx`: locals and labels); `s` / `e` are the spans of a form's opening
//! and closing parentheses.

use super::lexer::Tok;
use super::parser::{FuncCtx, ModCtx, Parser, Space};
use crate::diag::{Error, Result, Span};
use crate::syntax::*;

/// Index to name, from an id space's name to index.
fn invert(map: &std::collections::HashMap<String, u32>) -> std::collections::BTreeMap<u32, String> {
    map.iter().map(|(name, idx)| (*idx, name.clone())).collect()
}

/// A module field, located by token positions.
#[derive(Clone, Copy)]
struct Field<'a> {
    /// Position of its `(`.
    start: usize,
    kw: &'a str,
}

impl<'a> Parser<'a> {
    /// Parses module fields up to (not including) the closing `)` of the module, or the end of
    /// input.
    pub fn module_fields(&mut self, id: Option<String>, start: Span) -> Result<Module> {
        // Locate the fields.
        let mut fields = Vec::new();
        while self.is_lparen() {
            let Some(kw) = self.form_keyword() else {
                self.advance();
                return Err(self.unexpected());
            };
            fields.push(Field {
                start: self.pos,
                kw,
            });
            self.skip_sexpr()?;
        }
        if !(self.is_rparen() || self.at_end()) {
            return Err(self.unexpected());
        }
        let end_pos = self.pos;
        let end_span = self.prev_span();

        let mut m = ModCtx::default();
        self.bind_names(&fields, &mut m)?;

        // Pass 2: types.
        let mut module = Module {
            id,
            ..Module::default()
        };
        for field in &fields {
            self.pos = field.start;
            match field.kw {
                "type" => {
                    let (st, names) = self.type_def(&m)?;
                    let idx = m.type_defs.len() as u32;
                    if !names.is_empty() {
                        m.fields.insert(idx, names);
                    }
                    m.type_defs.push(st.clone());
                    module.types.push(RecType {
                        span: st.span,
                        types: vec![st],
                    });
                }
                "rec" => {
                    let start = self.lparen()?;
                    self.keyword("rec")?;
                    let mut types = Vec::new();
                    while self.is_lparen() {
                        let (st, names) = self.type_def(&m)?;
                        let idx = m.type_defs.len() as u32;
                        if !names.is_empty() {
                            m.fields.insert(idx, names);
                        }
                        m.type_defs.push(st.clone());
                        types.push(st);
                    }
                    let end = self.rparen()?;
                    module.types.push(RecType {
                        types,
                        span: start.to(end),
                    });
                }
                _ => {}
            }
        }
        m.explicit_count = m.type_defs.len() as u32;

        // Pass 3: everything else.
        for field in &fields {
            self.pos = field.start;
            match field.kw {
                "type" | "rec" => {}
                "import" => self.import_field(&mut m, &mut module)?,
                "func" => self.func_field(&mut m, &mut module)?,
                "table" => self.table_field(&mut m, &mut module)?,
                "memory" => self.memory_field(&mut m, &mut module)?,
                "global" => self.global_field(&mut m, &mut module)?,
                "tag" => self.tag_field(&mut m, &mut module)?,
                "export" => self.export_field(&m, &mut module)?,
                "start" => {
                    let s = self.lparen()?;
                    self.keyword("start")?;
                    let func = self.idx(&m, Space::Func)?;
                    let e = self.rparen()?;
                    if module.start.is_some() {
                        return Err(Error::malformed("multiple start sections", s.to(e)));
                    }
                    module.start = Some(Start {
                        func,
                        span: s.to(e),
                    });
                }
                "elem" => self.elem_field(&mut m, &mut module)?,
                "data" => self.data_field(&mut m, &mut module)?,
                _ => {
                    self.pos = field.start + 1;
                    return Err(self.unexpected());
                }
            }
        }
        module.types.append(&mut m.implicit);
        module.names.types = invert(&m.types.map);
        module.names.funcs = invert(&m.funcs.map);
        module.names.tables = invert(&m.tables.map);
        module.names.mems = invert(&m.mems.map);
        module.names.globals = invert(&m.globals.map);
        module.names.tags = invert(&m.tags.map);
        module.names.elems = invert(&m.elems.map);
        module.names.datas = invert(&m.datas.map);
        module.names.fields = m
            .fields
            .iter()
            .map(|(ty, fields)| (*ty, invert(fields)))
            .collect();
        self.pos = end_pos;
        module.span = start.to(end_span);
        Ok(module)
    }

    /// Pass 1: binds ids in all index spaces, in text order.
    fn bind_names(&mut self, fields: &[Field<'a>], m: &mut ModCtx) -> Result<()> {
        let mut first_def: Option<&str> = None;
        for field in fields {
            self.pos = field.start + 2;
            let kw = field.kw;
            match kw {
                "type" => {
                    let id = self.opt_id();
                    let idx = m.types.bind(id.as_ref(), "type")?;
                    m.groups.push((idx, 1));
                }
                "rec" => {
                    let group_start = m.types.count;
                    let mut n = 0;
                    while self.peek_form("type") {
                        let at = self.pos;
                        self.pos += 2;
                        let id = self.opt_id();
                        m.types.bind(id.as_ref(), "type")?;
                        n += 1;
                        self.pos = at;
                        self.skip_sexpr()?;
                    }
                    for _ in 0..n {
                        m.groups.push((group_start, n));
                    }
                }
                "func" | "table" | "memory" | "global" | "tag" => {
                    let id = self.opt_id();
                    let space = space_of(kw);
                    // Look at the direct children for inline imports and segments.
                    let mut imported = false;
                    let mut inline_segment = false;
                    while !self.is_rparen() && !self.at_end() {
                        if self.peek_form("import") {
                            imported = true;
                        }
                        if (kw == "table" && self.peek_form("elem"))
                            || (kw == "memory" && self.peek_form("data"))
                        {
                            inline_segment = true;
                        }
                        self.skip_sexpr()?;
                    }
                    if imported {
                        check_import_order(first_def, self.toks[field.start].span)?;
                    } else if first_def.is_none() {
                        first_def = Some(kw);
                    }
                    m.space_mut(space).bind(id.as_ref(), space.dup_word())?;
                    if inline_segment {
                        let seg = if kw == "table" {
                            Space::Elem
                        } else {
                            Space::Data
                        };
                        m.space_mut(seg).bind(None, "")?;
                    }
                }
                "import" => {
                    check_import_order(first_def, self.toks[field.start].span)?;
                    // (import "m" "n" (kind $id? ...))
                    while self.is_string() {
                        self.advance();
                    }
                    if self.is_lparen() {
                        if let Some(kind) = self.form_keyword() {
                            if matches!(kind, "func" | "table" | "memory" | "global" | "tag") {
                                self.pos += 2;
                                let id = self.opt_id();
                                let space = space_of(kind);
                                m.space_mut(space).bind(id.as_ref(), space.dup_word())?;
                            }
                        }
                    }
                }
                "elem" | "data" => {
                    let id = self.opt_id();
                    let space = if kw == "elem" {
                        Space::Elem
                    } else {
                        Space::Data
                    };
                    m.space_mut(space).bind(id.as_ref(), space.dup_word())?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// `(export "n")*` and `(import "m" "n")?` after a definition's id.
    fn inline_exports(&mut self, desc: ExternIdx, module: &mut Module) -> Result<()> {
        while self.peek_form("export") {
            let s = self.lparen()?;
            self.advance();
            let name = self.name()?;
            let e = self.rparen()?;
            module.exports.push(Export {
                name,
                desc,
                span: s.to(e),
            });
        }
        Ok(())
    }

    fn inline_import(&mut self) -> Result<Option<(String, String)>> {
        if self.open_form("import") {
            let module = self.name()?;
            let name = self.name()?;
            self.rparen()?;
            Ok(Some((module, name)))
        } else {
            Ok(None)
        }
    }

    fn import_field(&mut self, m: &mut ModCtx, module: &mut Module) -> Result<()> {
        let s = self.lparen()?;
        self.keyword("import")?;
        let mod_name = self.name()?;
        let name = self.name()?;
        self.lparen()?;
        let kind_span = self.span();
        let kind = self.peek_keyword().ok_or_else(|| self.unexpected())?;
        self.advance();
        self.opt_id();
        let desc = match kind {
            "func" => {
                let tu = self.type_use(m)?;
                ImportDesc::Func(tu.idx)
            }
            "table" => ImportDesc::Table(self.table_type(m)?),
            "memory" => ImportDesc::Mem(self.mem_type()?),
            "global" => ImportDesc::Global(self.global_type(m)?),
            "tag" => {
                let tu = self.type_use(m)?;
                ImportDesc::Tag(TagType { type_idx: tu.idx })
            }
            _ => return Err(Error::malformed("unexpected token", kind_span)),
        };
        self.rparen()?;
        let e = self.rparen()?;
        if let ImportDesc::Table(tt) = desc {
            m.table_addr64.push(tt.addr == AddrType::I64);
        }
        module.imports.push(Import {
            module: mod_name,
            name,
            desc,
            span: s.to(e),
        });
        Ok(())
    }

    fn func_field(&mut self, m: &mut ModCtx, module: &mut Module) -> Result<()> {
        let s = self.lparen()?;
        self.keyword("func")?;
        self.opt_id();
        let idx = self.count_funcs(module);
        self.inline_exports(ExternIdx::Func(idx), module)?;
        let import = self.inline_import()?;
        let tu = self.type_use(m)?;
        if let Some((mod_name, name)) = import {
            let e = self.rparen()?;
            module.imports.push(Import {
                module: mod_name,
                name,
                desc: ImportDesc::Func(tu.idx),
                span: s.to(e),
            });
            return Ok(());
        }
        let mut f = FuncCtx::default();
        for (id, _) in &tu.param_names {
            f.locals.bind(id.as_ref(), "local")?;
        }
        let mut locals = Vec::new();
        while self.open_form("local") {
            if let Some(id) = self.opt_id() {
                f.locals.bind(Some(&id), "local")?;
                locals.push(self.val_type(m)?);
            } else {
                while !self.is_rparen() {
                    locals.push(self.val_type(m)?);
                    f.locals.bind(None, "local")?;
                }
            }
            self.rparen()?;
        }
        let mut body = Expr::default();
        self.instrs(m, &mut f, &mut body)?;
        let e = self.rparen()?;
        let local_names = invert(&f.locals.map);
        if !local_names.is_empty() {
            module.names.locals.insert(idx, local_names);
        }
        if !f.label_names.is_empty() {
            module
                .names
                .labels
                .insert(idx, std::mem::take(&mut f.label_names));
        }
        module.funcs.push(Func {
            type_idx: tu.idx,
            locals,
            body,
            span: s.to(e),
        });
        Ok(())
    }

    fn count_funcs(&self, module: &Module) -> u32 {
        let imported = module
            .imports
            .iter()
            .filter(|i| matches!(i.desc, ImportDesc::Func(_)))
            .count();
        (imported + module.funcs.len()) as u32
    }
    fn count_of(&self, module: &Module, space: Space) -> u32 {
        let imported = module
            .imports
            .iter()
            .filter(|i| {
                matches!(
                    (i.desc, space),
                    (ImportDesc::Func(_), Space::Func)
                        | (ImportDesc::Table(_), Space::Table)
                        | (ImportDesc::Mem(_), Space::Mem)
                        | (ImportDesc::Global(_), Space::Global)
                        | (ImportDesc::Tag(_), Space::Tag)
                )
            })
            .count();
        let defined = match space {
            Space::Func => module.funcs.len(),
            Space::Table => module.tables.len(),
            Space::Mem => module.mems.len(),
            Space::Global => module.globals.len(),
            Space::Tag => module.tags.len(),
            Space::Elem => module.elems.len(),
            Space::Data => module.datas.len(),
            Space::Type => 0,
        };
        (imported + defined) as u32
    }

    /// Element items: `func x*`, `reftype item*`, or (legacy, `bare`) `x*`.
    fn elem_list(
        &mut self,
        m: &mut ModCtx,
        bare: bool,
        default_ty: Option<RefType>,
    ) -> Result<(RefType, Vec<Expr>)> {
        let func_list = |p: &mut Parser<'a>, m: &ModCtx| -> Result<Vec<Expr>> {
            let mut items = Vec::new();
            while p.is_idx() {
                let span = p.span();
                let x = p.idx(m, Space::Func)?;
                let mut e = Expr::default();
                e.push(Instr::RefFunc(x), span);
                items.push(e);
            }
            Ok(items)
        };
        if self.eat_keyword("func") {
            let items = func_list(self, m)?;
            return Ok((RefType::abs(false, AbsHeapType::Func), items));
        }
        let ty = if self.is_ref_type() {
            self.ref_type(m)?
        } else if bare && !self.is_lparen() {
            let items = func_list(self, m)?;
            return Ok((RefType::abs(false, AbsHeapType::Func), items));
        } else if let Some(t) = default_ty {
            if self.is_idx() {
                let items = func_list(self, m)?;
                return Ok((RefType::abs(false, AbsHeapType::Func), items));
            }
            t
        } else {
            return Err(self.unexpected());
        };
        let mut items = Vec::new();
        while self.is_lparen() {
            let mut e = Expr::default();
            let mut f = FuncCtx::default();
            if self.open_form("item") {
                self.instrs(m, &mut f, &mut e)?;
                self.rparen()?;
            } else {
                self.one_folded(m, &mut f, &mut e)?;
            }
            items.push(e);
        }
        Ok((ty, items))
    }

    /// A single folded instruction (offset and item abbreviations).
    fn one_folded(&mut self, m: &mut ModCtx, f: &mut FuncCtx, e: &mut Expr) -> Result<()> {
        if !self.is_lparen() {
            return Err(self.unexpected());
        }
        self.instrs_until(m, f, e, true)
    }

    fn const_offset(addr64: bool, span: Span) -> Expr {
        let mut e = Expr::default();
        e.push(
            if addr64 {
                Instr::I64Const(0)
            } else {
                Instr::I32Const(0)
            },
            span,
        );
        e
    }

    fn table_field(&mut self, m: &mut ModCtx, module: &mut Module) -> Result<()> {
        let s = self.lparen()?;
        self.keyword("table")?;
        self.opt_id();
        let idx = self.count_of(module, Space::Table);
        self.inline_exports(ExternIdx::Table(idx), module)?;
        if let Some((mod_name, name)) = self.inline_import()? {
            let tt = self.table_type(m)?;
            let e = self.rparen()?;
            m.table_addr64.push(tt.addr == AddrType::I64);
            module.imports.push(Import {
                module: mod_name,
                name,
                desc: ImportDesc::Table(tt),
                span: s.to(e),
            });
            return Ok(());
        }
        let addr = self.addr_type();
        if self.is_num() {
            let limits = self.limits()?;
            let elem = self.ref_type(m)?;
            let init = if self.is_rparen() {
                None
            } else {
                let mut e = Expr::default();
                self.instrs(m, &mut FuncCtx::default(), &mut e)?;
                Some(e)
            };
            let e = self.rparen()?;
            m.table_addr64.push(addr == AddrType::I64);
            module.tables.push(Table {
                ty: TableType { addr, limits, elem },
                init,
                span: s.to(e),
            });
            return Ok(());
        }
        // `(table at? reftype (elem ...))`
        let elem_ty = self.ref_type(m)?;
        let es = self.span();
        if !self.open_form("elem") {
            return Err(self.unexpected());
        }
        let (_, items) = self.elem_list(m, true, Some(elem_ty))?;
        let ee = self.rparen()?;
        let e = self.rparen()?;
        let n = items.len() as u64;
        m.table_addr64.push(addr == AddrType::I64);
        module.tables.push(Table {
            ty: TableType {
                addr,
                limits: Limits {
                    min: n,
                    max: Some(n),
                },
                elem: elem_ty,
            },
            init: None,
            span: s.to(e),
        });
        // The segment takes the table's element type: `(table $t (ref null $ft) (elem $f))`
        // must validate (br_table.wast), whatever type the bare index list would get alone.
        module.elems.push(Elem {
            ty: elem_ty,
            init: items,
            mode: ElemMode::Active {
                table: idx,
                offset: Self::const_offset(addr == AddrType::I64, es),
            },
            span: es.to(ee),
        });
        Ok(())
    }

    fn memory_field(&mut self, m: &mut ModCtx, module: &mut Module) -> Result<()> {
        let s = self.lparen()?;
        self.keyword("memory")?;
        self.opt_id();
        let idx = self.count_of(module, Space::Mem);
        self.inline_exports(ExternIdx::Mem(idx), module)?;
        if let Some((mod_name, name)) = self.inline_import()? {
            let mt = self.mem_type()?;
            let e = self.rparen()?;
            module.imports.push(Import {
                module: mod_name,
                name,
                desc: ImportDesc::Mem(mt),
                span: s.to(e),
            });
            return Ok(());
        }
        let _ = m;
        let addr = self.addr_type();
        if self.is_num() {
            let limits = self.limits()?;
            let e = self.rparen()?;
            module.mems.push(Memory {
                ty: MemType { addr, limits },
                span: s.to(e),
            });
            return Ok(());
        }
        let ds = self.span();
        if !self.open_form("data") {
            return Err(self.unexpected());
        }
        let mut init = Vec::new();
        while self.is_string() {
            init.extend(self.string()?);
        }
        let de = self.rparen()?;
        let e = self.rparen()?;
        let pages = (init.len() as u64).div_ceil(65536);
        module.mems.push(Memory {
            ty: MemType {
                addr,
                limits: Limits {
                    min: pages,
                    max: Some(pages),
                },
            },
            span: s.to(e),
        });
        module.datas.push(Data {
            init,
            mode: DataMode::Active {
                mem: idx,
                offset: Self::const_offset(addr == AddrType::I64, ds),
            },
            span: ds.to(de),
        });
        Ok(())
    }

    fn global_field(&mut self, m: &mut ModCtx, module: &mut Module) -> Result<()> {
        let s = self.lparen()?;
        self.keyword("global")?;
        self.opt_id();
        let idx = self.count_of(module, Space::Global);
        self.inline_exports(ExternIdx::Global(idx), module)?;
        let import = self.inline_import()?;
        let ty = self.global_type(m)?;
        if let Some((mod_name, name)) = import {
            let e = self.rparen()?;
            module.imports.push(Import {
                module: mod_name,
                name,
                desc: ImportDesc::Global(ty),
                span: s.to(e),
            });
            return Ok(());
        }
        let mut init = Expr::default();
        self.instrs(m, &mut FuncCtx::default(), &mut init)?;
        let e = self.rparen()?;
        module.globals.push(Global {
            ty,
            init,
            span: s.to(e),
        });
        Ok(())
    }

    fn tag_field(&mut self, m: &mut ModCtx, module: &mut Module) -> Result<()> {
        let s = self.lparen()?;
        self.keyword("tag")?;
        self.opt_id();
        let idx = self.count_of(module, Space::Tag);
        self.inline_exports(ExternIdx::Tag(idx), module)?;
        let import = self.inline_import()?;
        let tu = self.type_use(m)?;
        let ty = TagType { type_idx: tu.idx };
        let e = self.rparen()?;
        if let Some((mod_name, name)) = import {
            module.imports.push(Import {
                module: mod_name,
                name,
                desc: ImportDesc::Tag(ty),
                span: s.to(e),
            });
        } else {
            module.tags.push(Tag { ty, span: s.to(e) });
        }
        Ok(())
    }

    fn export_field(&mut self, m: &ModCtx, module: &mut Module) -> Result<()> {
        let s = self.lparen()?;
        self.keyword("export")?;
        let name = self.name()?;
        self.lparen()?;
        let kind_span = self.span();
        let kind = self.peek_keyword().ok_or_else(|| self.unexpected())?;
        self.advance();
        let desc = match kind {
            "func" => ExternIdx::Func(self.idx(m, Space::Func)?),
            "table" => ExternIdx::Table(self.idx(m, Space::Table)?),
            "memory" => ExternIdx::Mem(self.idx(m, Space::Mem)?),
            "global" => ExternIdx::Global(self.idx(m, Space::Global)?),
            "tag" => ExternIdx::Tag(self.idx(m, Space::Tag)?),
            _ => return Err(Error::malformed("unexpected token", kind_span)),
        };
        self.rparen()?;
        let e = self.rparen()?;
        module.exports.push(Export {
            name,
            desc,
            span: s.to(e),
        });
        Ok(())
    }

    /// `(offset instr*)` or a single folded instruction.
    fn offset(&mut self, m: &mut ModCtx) -> Result<Expr> {
        let mut e = Expr::default();
        let mut f = FuncCtx::default();
        if self.open_form("offset") {
            self.instrs(m, &mut f, &mut e)?;
            self.rparen()?;
        } else {
            self.one_folded(m, &mut f, &mut e)?;
        }
        Ok(e)
    }

    fn elem_field(&mut self, m: &mut ModCtx, module: &mut Module) -> Result<()> {
        let s = self.lparen()?;
        self.keyword("elem")?;
        self.opt_id();
        if self.eat_keyword("declare") {
            let (ty, init) = self.elem_list(m, false, None)?;
            let e = self.rparen()?;
            module.elems.push(Elem {
                ty,
                init,
                mode: ElemMode::Declarative,
                span: s.to(e),
            });
            return Ok(());
        }
        // Active: `(table x)?` or a bare table index, then an offset.
        let mut table = None;
        if self.open_form("table") {
            table = Some(self.idx(m, Space::Table)?);
            self.rparen()?;
        } else if self.is_idx() && matches!(self.peek_at(1), Some(Tok::LParen)) {
            table = Some(self.idx(m, Space::Table)?);
        }
        let is_offset = self.peek_form("offset")
            || (self.is_lparen()
                && !matches!(self.form_keyword(), Some("item" | "ref"))
                && !self.is_ref_type());
        if table.is_some() || is_offset {
            let offset = self.offset(m)?;
            let bare = table.is_none();
            let (ty, init) = self.elem_list(m, bare, None)?;
            let e = self.rparen()?;
            module.elems.push(Elem {
                ty,
                init,
                mode: ElemMode::Active {
                    table: table.unwrap_or(0),
                    offset,
                },
                span: s.to(e),
            });
            return Ok(());
        }
        let (ty, init) = self.elem_list(m, false, None)?;
        let e = self.rparen()?;
        module.elems.push(Elem {
            ty,
            init,
            mode: ElemMode::Passive,
            span: s.to(e),
        });
        Ok(())
    }

    fn data_field(&mut self, m: &mut ModCtx, module: &mut Module) -> Result<()> {
        let s = self.lparen()?;
        self.keyword("data")?;
        self.opt_id();
        let mut mem = None;
        if self.open_form("memory") {
            mem = Some(self.idx(m, Space::Mem)?);
            self.rparen()?;
        } else if self.is_idx() {
            mem = Some(self.idx(m, Space::Mem)?);
        }
        let mode = if mem.is_some() || self.is_lparen() {
            let offset = self.offset(m)?;
            DataMode::Active {
                mem: mem.unwrap_or(0),
                offset,
            }
        } else {
            DataMode::Passive
        };
        let mut init = Vec::new();
        while self.is_string() {
            init.extend(self.string()?);
        }
        let e = self.rparen()?;
        module.datas.push(Data {
            init,
            mode,
            span: s.to(e),
        });
        Ok(())
    }
}

fn space_of(kw: &str) -> Space {
    match kw {
        "func" => Space::Func,
        "table" => Space::Table,
        "memory" => Space::Mem,
        "global" => Space::Global,
        _ => Space::Tag,
    }
}

fn check_import_order(first_def: Option<&str>, span: Span) -> Result<()> {
    match first_def {
        Some(kind) => {
            let word = if kind == "func" { "function" } else { kind };
            Err(Error::malformed(format!("import after {word}"), span))
        }
        None => Ok(()),
    }
}
