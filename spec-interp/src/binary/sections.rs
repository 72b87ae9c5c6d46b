//! Modules and sections (spec 5.5). Sections come in a fixed order, each at most once, with
//! custom sections anywhere between them.

use super::instr::expr;
use super::values::{self, UNEXPECTED_END};
use super::Decoder;
use crate::diag::Result;
use crate::syntax::{
    Data, DataMode, Elem, ElemMode, Export, Expr, ExternIdx, Func, Global, Import, ImportDesc,
    Instr, Memory, Module, Names, RefType, Start, Table, Tag, ValType,
};

const MAGIC: &[u8; 4] = b"\0asm";
const VERSION: &[u8; 4] = &[1, 0, 0, 0];

/// An implementation limit on the locals of one function, far above what real code needs, so
/// that a declared count cannot make the decoder allocate gigabytes.
const MAX_LOCALS: u64 = 1 << 20;

mod id {
    pub const CUSTOM: u8 = 0;
    pub const TYPE: u8 = 1;
    pub const IMPORT: u8 = 2;
    pub const FUNC: u8 = 3;
    pub const TABLE: u8 = 4;
    pub const MEMORY: u8 = 5;
    pub const GLOBAL: u8 = 6;
    pub const EXPORT: u8 = 7;
    pub const START: u8 = 8;
    pub const ELEM: u8 = 9;
    pub const CODE: u8 = 10;
    pub const DATA: u8 = 11;
    pub const DATA_COUNT: u8 = 12;
    pub const TAG: u8 = 13;
}

impl Decoder<'_> {
    /// The id of the next section, if any.
    fn section_id(&self) -> Result<Option<u8>> {
        match self.peek() {
            Some(b) if b > id::TAG => Err(self.error_at(self.pos(), "malformed section id")),
            other => Ok(other),
        }
    }

    /// `size:u32 content`: decodes the content, then checks it had exactly `size` bytes.
    fn sized<T>(&mut self, content: impl FnOnce(&mut Self, usize) -> Result<T>) -> Result<T> {
        let size = self.run(super::values::len32)? as usize;
        let start = self.pos();
        let value = content(self, size)?;
        if self.pos() != start + size {
            return Err(self.error_at(start, "section size mismatch"));
        }
        Ok(value)
    }

    /// Skips custom sections (their names must still be valid UTF-8), reading the names of a
    /// `name` section on the way.
    fn customs(&mut self) -> Result<()> {
        while self.section_id()? == Some(id::CUSTOM) {
            self.skip(1)?;
            self.sized(|d, size| {
                let start = d.pos();
                let name = d.name()?;
                let used = d.pos() - start;
                if used > size {
                    return Err(d.error_at(d.len(), UNEXPECTED_END));
                }
                let content = d.pos();
                d.skip(size - used)?;
                if name == "name" && d.names.is_none() {
                    d.names = name_section(&d.bytes()[content..d.pos()], d.design);
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Decodes the section `section_id` if it comes next (after any custom sections).
    fn section<T>(
        &mut self,
        section_id: u8,
        content: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<Option<T>> {
        self.customs()?;
        if self.section_id()? != Some(section_id) {
            return Ok(None);
        }
        self.skip(1)?;
        self.sized(|d, _| content(d)).map(Some)
    }

    /// A section holding a vector, empty when the section is absent.
    fn vec_section<T>(
        &mut self,
        section_id: u8,
        elem: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<Vec<T>> {
        Ok(self
            .section(section_id, |d| d.vec(elem))?
            .unwrap_or_default())
    }

    /// A constant expression (global, table, element and data initialisers).
    fn const_expr(&mut self) -> Result<Expr> {
        // Only function bodies count for the data count check.
        let uses_data = self.uses_data;
        let e = expr(self);
        self.uses_data = uses_data;
        e
    }
}

pub(crate) fn module(d: &mut Decoder) -> Result<Module> {
    header(d)?;
    let types = d.vec_section(id::TYPE, Decoder::rec_type)?;
    let imports = d.vec_section(id::IMPORT, import)?;
    let func_types = d
        .section(id::FUNC, |d| d.run(values::idx_vec))?
        .unwrap_or_default();
    let tables = d.vec_section(id::TABLE, table)?;
    let mems = d.vec_section(id::MEMORY, memory)?;
    let tags = d.vec_section(id::TAG, tag)?;
    let globals = d.vec_section(id::GLOBAL, global)?;
    let exports = d.vec_section(id::EXPORT, export)?;
    let start = d.section(id::START, start)?;
    let elems = d.vec_section(id::ELEM, elem)?;
    let data_count = d.section(id::DATA_COUNT, Decoder::u32)?;
    let codes = d.vec_section(id::CODE, code)?;
    let datas = d.vec_section(id::DATA, data)?;
    d.customs()?;
    let end = d.len();
    if !d.at_end() {
        return Err(d.error_at(d.pos(), "unexpected content after last section"));
    }
    if func_types.len() != codes.len() {
        return Err(d.error_at(end, "function and code section have inconsistent lengths"));
    }
    if let Some(n) = data_count {
        if n as usize != datas.len() {
            return Err(d.error_at(end, "data count and data section have inconsistent lengths"));
        }
    } else if d.uses_data {
        return Err(d.error_at(end, "data count section required"));
    }
    let (id, names) = d.names.take().unwrap_or_default();
    let funcs = func_types
        .into_iter()
        .zip(codes)
        .map(|(type_idx, (locals, body, span))| Func {
            type_idx,
            locals,
            body,
            span,
        })
        .collect();
    Ok(Module {
        id,
        types,
        imports,
        funcs,
        tables,
        mems,
        globals,
        tags,
        exports,
        start,
        elems,
        datas,
        data_count,
        names,
        span: d.span_from(0),
    })
}

/// The `name` custom section (spec 7.4.1, with the extended name section's subsections for
/// labels, types, tables, memories, globals, element and data segments, fields and tags). A section
/// that does not decode is ignored, as custom sections may be: it never makes a module
/// malformed.
fn name_section(bytes: &[u8], design: crate::design::Design) -> Option<(Option<String>, Names)> {
    use std::collections::BTreeMap;
    let mut d = Decoder::new(bytes, design);
    let mut module = None;
    let mut names = Names::default();
    let name_map = |d: &mut Decoder| -> Result<BTreeMap<u32, String>> {
        Ok(d.vec(|d| Ok((d.idx()?, d.name()?)))?.into_iter().collect())
    };
    let indirect = |d: &mut Decoder| -> Result<BTreeMap<u32, BTreeMap<u32, String>>> {
        Ok(d.vec(|d| Ok((d.idx()?, name_map(d)?)))?
            .into_iter()
            .collect())
    };
    while !d.at_end() {
        let sub = d.byte().ok()?;
        let size = d.u32().ok()? as usize;
        let end = d.pos().checked_add(size).filter(|&e| e <= d.len())?;
        let mut part = Decoder::new(&bytes[d.pos()..end], design);
        let ok = match sub {
            0 => part.name().map(|n| module = Some(n)).is_ok(),
            1 => name_map(&mut part).map(|m| names.funcs = m).is_ok(),
            2 => indirect(&mut part).map(|m| names.locals = m).is_ok(),
            3 => indirect(&mut part).map(|m| names.labels = m).is_ok(),
            4 => name_map(&mut part).map(|m| names.types = m).is_ok(),
            5 => name_map(&mut part).map(|m| names.tables = m).is_ok(),
            6 => name_map(&mut part).map(|m| names.mems = m).is_ok(),
            7 => name_map(&mut part).map(|m| names.globals = m).is_ok(),
            8 => name_map(&mut part).map(|m| names.elems = m).is_ok(),
            9 => name_map(&mut part).map(|m| names.datas = m).is_ok(),
            10 => indirect(&mut part).map(|m| names.fields = m).is_ok(),
            11 => name_map(&mut part).map(|m| names.tags = m).is_ok(),
            // Subsections of later proposals are skipped.
            _ => true,
        };
        if !ok {
            return None;
        }
        d.skip(size).ok()?;
    }
    Some((module, names))
}

fn header(d: &mut Decoder) -> Result<()> {
    let too_short = |d: &Decoder| d.error_at(d.len(), "unexpected end");
    let magic = d
        .run(nom::bytes::complete::take(4usize))
        .map_err(|_| too_short(d))?;
    if magic != MAGIC {
        return Err(d.error_at(0, "magic header not detected"));
    }
    let version = d
        .run(nom::bytes::complete::take(4usize))
        .map_err(|_| too_short(d))?;
    if version != VERSION {
        return Err(d.error_at(4, "unknown binary version"));
    }
    Ok(())
}

fn import(d: &mut Decoder) -> Result<Import> {
    let start = d.pos();
    let module = d.name()?;
    let name = d.name()?;
    let kind_pos = d.pos();
    let desc = match d.byte()? {
        0x00 => ImportDesc::Func(d.idx()?),
        0x01 => ImportDesc::Table(d.table_type()?),
        0x02 => ImportDesc::Mem(d.mem_type()?),
        0x03 => ImportDesc::Global(d.global_type()?),
        0x04 => ImportDesc::Tag(d.tag_type()?),
        _ => return Err(d.error_at(kind_pos, "malformed import kind")),
    };
    Ok(Import {
        module,
        name,
        desc,
        span: d.span_from(start),
    })
}

/// `table`: a table type (elements start null), or `0x40 0x00`, a table type and an initialiser.
fn table(d: &mut Decoder) -> Result<Table> {
    let start = d.pos();
    if d.peek() == Some(0x40) {
        d.skip(1)?;
        d.zero()?;
        let ty = d.table_type()?;
        let init = d.const_expr()?;
        return Ok(Table {
            ty,
            init: Some(init),
            span: d.span_from(start),
        });
    }
    let ty = d.table_type()?;
    Ok(Table {
        ty,
        init: None,
        span: d.span_from(start),
    })
}

fn memory(d: &mut Decoder) -> Result<Memory> {
    let start = d.pos();
    let ty = d.mem_type()?;
    Ok(Memory {
        ty,
        span: d.span_from(start),
    })
}

fn tag(d: &mut Decoder) -> Result<Tag> {
    let start = d.pos();
    let ty = d.tag_type()?;
    Ok(Tag {
        ty,
        span: d.span_from(start),
    })
}

fn global(d: &mut Decoder) -> Result<Global> {
    let start = d.pos();
    let ty = d.global_type()?;
    let init = d.const_expr()?;
    Ok(Global {
        ty,
        init,
        span: d.span_from(start),
    })
}

fn export(d: &mut Decoder) -> Result<Export> {
    let start = d.pos();
    let name = d.name()?;
    let kind_pos = d.pos();
    let desc = match d.byte()? {
        0x00 => ExternIdx::Func(d.idx()?),
        0x01 => ExternIdx::Table(d.idx()?),
        0x02 => ExternIdx::Mem(d.idx()?),
        0x03 => ExternIdx::Global(d.idx()?),
        0x04 => ExternIdx::Tag(d.idx()?),
        _ => return Err(d.error_at(kind_pos, "malformed export kind")),
    };
    Ok(Export {
        name,
        desc,
        span: d.span_from(start),
    })
}

fn start(d: &mut Decoder) -> Result<Start> {
    let start = d.pos();
    let func = d.idx()?;
    Ok(Start {
        func,
        span: d.span_from(start),
    })
}

/// The element segment forms 0..=7: bit 0 passive or declarative, bit 1 an explicit table index
/// (active) or declarative (passive), bit 2 expressions instead of function indices.
fn elem(d: &mut Decoder) -> Result<Elem> {
    let start = d.pos();
    let form = d.u32()?;
    if form > 7 {
        return Err(d.error_at(start, "malformed elements segment kind"));
    }
    let mode = match form & 0x03 {
        0 => ElemMode::Active {
            table: 0,
            offset: d.const_expr()?,
        },
        2 => {
            let table = d.idx()?;
            ElemMode::Active {
                table,
                offset: d.const_expr()?,
            }
        }
        1 => ElemMode::Passive,
        _ => ElemMode::Declarative,
    };
    let uses_exprs = form & 0x04 != 0;
    let explicit_type = form & 0x03 != 0;
    let ty = match (uses_exprs, explicit_type) {
        (false, false) => RefType::new(false, crate::syntax::HeapType::Abs(FUNC)),
        (false, true) => elem_kind(d)?,
        (true, false) => RefType::FUNCREF,
        (true, true) => d.ref_type()?,
    };
    let init = if uses_exprs {
        d.vec(Decoder::const_expr)?
    } else {
        d.vec(|d| {
            let at = d.pos();
            let func = d.idx()?;
            let mut e = Expr::default();
            e.push(Instr::RefFunc(func), d.span_from(at));
            Ok(e)
        })?
    };
    Ok(Elem {
        ty,
        init,
        mode,
        span: d.span_from(start),
    })
}

const FUNC: crate::syntax::AbsHeapType = crate::syntax::AbsHeapType::Func;

/// `elemkind`: only 0x00, non-null function references.
fn elem_kind(d: &mut Decoder) -> Result<RefType> {
    let start = d.pos();
    match d.byte()? {
        0x00 => Ok(RefType::new(false, crate::syntax::HeapType::Abs(FUNC))),
        _ => Err(d.error_at(start, "malformed element kind")),
    }
}

/// The data segment forms: 0 active in memory 0, 1 passive, 2 active with a memory index.
fn data(d: &mut Decoder) -> Result<Data> {
    let start = d.pos();
    let mode = match d.u32()? {
        0 => DataMode::Active {
            mem: 0,
            offset: d.const_expr()?,
        },
        1 => DataMode::Passive,
        2 => {
            let mem = d.idx()?;
            DataMode::Active {
                mem,
                offset: d.const_expr()?,
            }
        }
        _ => return Err(d.error_at(start, "malformed data segment kind")),
    };
    let init = d.byte_string()?.to_vec();
    Ok(Data {
        init,
        mode,
        span: d.span_from(start),
    })
}

/// A code section entry: `size:u32 locals* expr`.
fn code(d: &mut Decoder) -> Result<(Vec<ValType>, Expr, crate::diag::Span)> {
    let start = d.pos();
    let (locals, body) = d.sized(|d, _| {
        let locals = locals(d)?;
        let body = expr(d)?;
        Ok((locals, body))
    })?;
    Ok((locals, body, d.span_from(start)))
}

/// `locals`: runs of `n:u32 t:valtype`; the total must stay below 2^32.
fn locals(d: &mut Decoder) -> Result<Vec<ValType>> {
    let start = d.pos();
    let runs = d.vec(|d| Ok((d.u32()?, d.val_type()?)))?;
    let total: u64 = runs.iter().map(|&(n, _)| u64::from(n)).sum();
    if total >= 1 << 32 || total > MAX_LOCALS {
        return Err(d.error_at(start, "too many locals"));
    }
    Ok(runs
        .into_iter()
        .flat_map(|(n, t)| std::iter::repeat_n(t, n as usize))
        .collect())
}
