//! The text printer: a module back into WAT that reads like hand-written code (flat
//! instructions, one per line, indented by block depth) and that the parser reads back into the
//! same module: `parse_module(&print_module(m, d), d)` is `m` again, up to spans.
//!
//! Definitions keep their names (`Module::names`: the source's `$id`s or the binary's name
//! section) and references use them; unnamed ones are numbers, and every definition carries a
//! `(;N;)` comment with its index. Functions spell out their parameters and results next to
//! their type index. Labels keep their names too (`Names::labels`, by label index): a block,
//! loop, if, try_table or handle prints its `$label`, and a branch to it says `br $label`
//! unless an inner label of the same name shadows it (then the depth). Each design prints its own instructions in the syntax
//! its parser reads (`<design>::text::print_instr`). SIMD has no AST yet; when it gets one, its
//! arm goes into `plain_instr` below.

use std::fmt::Write;

use crate::design::Design;
use crate::syntax::*;

/// The module as WAT text, ending with a newline.
pub fn print_module(m: &Module, design: Design) -> String {
    let mut p = Printer {
        out: String::new(),
        module: m,
        design,
    };
    p.module();
    p.out
}

/// One instruction with its immediates and numeric indices, as on a line of a printed function
/// (`i32.add`, `br_if 1`, `block (result i32)`).
pub fn instr_text(i: &Instr) -> String {
    plain_instr(i, &Namer::default())
}

/// The index spaces an immediate may refer to.
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
    Local,
}

/// Names to print for indices: only names that are unique in their space and that name an index
/// the module defines, so that the printed text binds every name it uses exactly once.
#[derive(Clone, Debug, Default)]
pub struct Namer {
    spaces: std::collections::HashMap<(u8, u32), String>,
    /// The locals of the function being printed.
    locals: std::collections::BTreeMap<u32, String>,
    fields: std::collections::BTreeMap<u32, std::collections::BTreeMap<u32, String>>,
    /// The function's label names by label index (`Names::labels`).
    label_defs: std::collections::BTreeMap<u32, String>,
    /// The labels around the instruction being printed, innermost last; `None` when unnamed.
    labels: Vec<Option<String>>,
}

fn space_key(space: Space) -> u8 {
    space as u8
}

/// The names of `map` under `count` entries, without the repeated ones.
fn usable(
    map: &std::collections::BTreeMap<u32, String>,
    count: usize,
) -> std::collections::BTreeMap<u32, String> {
    let mut seen = std::collections::HashSet::new();
    map.iter()
        .filter(|(idx, name)| (**idx as usize) < count && !name.is_empty() && seen.insert(*name))
        .map(|(idx, name)| (*idx, name.clone()))
        .collect()
}

impl Namer {
    pub fn new(m: &Module) -> Namer {
        let n = &m.names;
        let imported =
            |pick: fn(&ImportDesc) -> bool| m.imports.iter().filter(|i| pick(&i.desc)).count();
        let counts = [
            (Space::Type, &n.types, m.sub_types().count()),
            (
                Space::Func,
                &n.funcs,
                imported(|d| matches!(d, ImportDesc::Func(_))) + m.funcs.len(),
            ),
            (
                Space::Table,
                &n.tables,
                imported(|d| matches!(d, ImportDesc::Table(_))) + m.tables.len(),
            ),
            (
                Space::Mem,
                &n.mems,
                imported(|d| matches!(d, ImportDesc::Mem(_))) + m.mems.len(),
            ),
            (
                Space::Global,
                &n.globals,
                imported(|d| matches!(d, ImportDesc::Global(_))) + m.globals.len(),
            ),
            (
                Space::Tag,
                &n.tags,
                imported(|d| matches!(d, ImportDesc::Tag(_))) + m.tags.len(),
            ),
            (Space::Elem, &n.elems, m.elems.len()),
            (Space::Data, &n.datas, m.datas.len()),
        ];
        let mut spaces = std::collections::HashMap::new();
        for (space, map, count) in counts {
            for (idx, name) in usable(map, count) {
                spaces.insert((space_key(space), idx), name);
            }
        }
        let fields = n
            .fields
            .iter()
            .filter_map(|(ty, names)| match m.sub_type(*ty).map(|s| &s.comp) {
                Some(CompType::Struct(fs)) => Some((*ty, usable(names, fs.len()))),
                _ => None,
            })
            .collect();
        Namer {
            spaces,
            fields,
            ..Namer::default()
        }
    }

    /// The namer for the body of function `func` (an index of the function space), with every
    /// name of its locals (traces: no text is read back).
    pub fn for_function(&self, m: &Module, func: u32) -> Namer {
        self.with_locals(m, func, usize::MAX)
    }

    /// The namer for the body of function `func`, with `count` parameters and locals.
    fn with_locals(&self, m: &Module, func: u32, count: usize) -> Namer {
        let locals = m
            .names
            .locals
            .get(&func)
            .map(|names| usable(names, count))
            .unwrap_or_default();
        Namer {
            locals,
            label_defs: m.names.labels.get(&func).cloned().unwrap_or_default(),
            labels: Vec::new(),
            ..self.clone()
        }
    }

    fn name(&self, space: Space, x: u32) -> Option<&String> {
        match space {
            Space::Local => self.locals.get(&x),
            _ => self.spaces.get(&(space_key(space), x)),
        }
    }

    /// A reference: `$name`, or the number.
    pub fn idx(&self, space: Space, x: u32) -> String {
        match self.name(space, x) {
            Some(name) => id_text(name),
            None => x.to_string(),
        }
    }

    /// A label reference at depth `l`: `$name` when the label has one that no inner label
    /// shadows (the parser resolves a name to the innermost label that has it), else `l`.
    pub fn label(&self, l: u32) -> String {
        let Some(at) = self.labels.len().checked_sub(l as usize + 1) else {
            return l.to_string();
        };
        match &self.labels[at] {
            Some(name) if !self.labels[at + 1..].contains(&Some(name.clone())) => id_text(name),
            _ => l.to_string(),
        }
    }

    /// Enters a label-opening instruction, the `k`-th of the function; returns its name.
    fn open_label(&mut self, k: u32) -> Option<String> {
        let name = self.label_defs.get(&k).filter(|n| !n.is_empty()).cloned();
        self.labels.push(name.clone());
        name
    }

    /// A definition's name and index comment: `$name (;3;)` or `(;3;)`.
    fn def(&self, space: Space, x: u32) -> String {
        match self.name(space, x) {
            Some(name) => format!("{} (;{x};)", id_text(name)),
            None => format!("(;{x};)"),
        }
    }

    /// The field `y` of struct type `ty`.
    pub fn field(&self, ty: u32, y: u32) -> String {
        match self.fields.get(&ty).and_then(|f| f.get(&y)) {
            Some(name) => id_text(name),
            None => y.to_string(),
        }
    }
}

struct Printer<'m> {
    out: String,
    module: &'m Module,
    #[allow(dead_code)]
    design: Design,
}

/// `"text"` with the escapes of the text format: printable ASCII as is, everything else `\hh`.
pub fn string_lit(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for &b in bytes {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7E => s.push(b as char),
            _ => {
                let _ = write!(s, "\\{b:02x}");
            }
        }
    }
    s.push('"');
    s
}

/// An identifier `$name`, quoted (`$"..."`) when it has characters an `idchar` cannot be.
pub fn id_text(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-./:<=>?@\\^_`|~".contains(&b));
    if plain {
        format!("${name}")
    } else {
        format!("${}", string_lit(name.as_bytes()))
    }
}

pub fn heap_type(ht: HeapType) -> String {
    heap_type_n(ht, &Namer::default())
}

pub fn ref_type(rt: RefType) -> String {
    ref_type_n(rt, &Namer::default())
}

pub fn val_type(t: ValType) -> String {
    val_type_n(t, &Namer::default())
}

pub fn global_type_text(g: &GlobalType) -> String {
    global_type_n(g, &Namer::default())
}

fn heap_type_n(ht: HeapType, n: &Namer) -> String {
    match ht {
        HeapType::Abs(a) => a.name().to_string(),
        HeapType::Concrete(x) => n.idx(Space::Type, x),
    }
}

fn ref_type_n(rt: RefType, n: &Namer) -> String {
    use AbsHeapType as A;
    let short = match rt.heap {
        HeapType::Abs(A::Func) => Some("funcref"),
        HeapType::Abs(A::Extern) => Some("externref"),
        HeapType::Abs(A::Any) => Some("anyref"),
        HeapType::Abs(A::Eq) => Some("eqref"),
        HeapType::Abs(A::I31) => Some("i31ref"),
        HeapType::Abs(A::Struct) => Some("structref"),
        HeapType::Abs(A::Array) => Some("arrayref"),
        HeapType::Abs(A::Exn) => Some("exnref"),
        _ => None,
    };
    match (rt.nullable, short) {
        (true, Some(s)) => s.to_string(),
        (true, None) => format!("(ref null {})", heap_type_n(rt.heap, n)),
        (false, _) => format!("(ref {})", heap_type_n(rt.heap, n)),
    }
}

fn val_type_n(t: ValType, n: &Namer) -> String {
    match t {
        ValType::I32 => "i32".into(),
        ValType::I64 => "i64".into(),
        ValType::F32 => "f32".into(),
        ValType::F64 => "f64".into(),
        ValType::V128 => "v128".into(),
        ValType::Ref(rt) => ref_type_n(rt, n),
    }
}

/// ` (keyword t*)`, or nothing for no types.
fn types_form(keyword: &str, ts: &[ValType], n: &Namer) -> String {
    if ts.is_empty() {
        return String::new();
    }
    let ts: Vec<String> = ts.iter().map(|t| val_type_n(*t, n)).collect();
    format!(" ({keyword} {})", ts.join(" "))
}

fn field_type(f: &FieldType, n: &Namer) -> String {
    let st = match f.storage {
        StorageType::I8 => "i8".to_string(),
        StorageType::I16 => "i16".to_string(),
        StorageType::Val(t) => val_type_n(t, n),
    };
    if f.mutable {
        format!("(mut {st})")
    } else {
        st
    }
}

/// A composite type; `ty` is its index, for its fields' names.
fn comp_type(c: &CompType, ty: u32, n: &Namer) -> String {
    match c {
        CompType::Func(ft) => format!(
            "(func{}{})",
            types_form("param", &ft.params, n),
            types_form("result", &ft.results, n)
        ),
        CompType::Struct(fields) => {
            let fs: String = fields
                .iter()
                .enumerate()
                .map(
                    |(k, f)| match n.fields.get(&ty).and_then(|m| m.get(&(k as u32))) {
                        Some(name) => format!(" (field {} {})", id_text(name), field_type(f, n)),
                        None => format!(" (field {})", field_type(f, n)),
                    },
                )
                .collect();
            format!("(struct{fs})")
        }
        CompType::Array(f) => format!("(array {})", field_type(f, n)),
        CompType::Cont(x) => format!("(cont {})", n.idx(Space::Type, *x)),
        CompType::Stack { params, ret } => format!(
            "(stack{} {})",
            types_form("param", params, n),
            ref_type_n(*ret, n)
        ),
    }
}

fn sub_type(s: &SubType, ty: u32, n: &Namer) -> String {
    if s.is_final && s.supers.is_empty() {
        return comp_type(&s.comp, ty, n);
    }
    let mut text = String::from("(sub");
    if s.is_final {
        text.push_str(" final");
    }
    for x in &s.supers {
        let _ = write!(text, " {}", n.idx(Space::Type, *x));
    }
    let _ = write!(text, " {})", comp_type(&s.comp, ty, n));
    text
}

pub fn limits_text(addr: AddrType, l: &Limits) -> String {
    let mut s = String::new();
    if addr == AddrType::I64 {
        s.push_str("i64 ");
    }
    let _ = write!(s, "{}", l.min);
    if let Some(max) = l.max {
        let _ = write!(s, " {max}");
    }
    s
}

fn global_type_n(g: &GlobalType, n: &Namer) -> String {
    if g.mutable {
        format!("(mut {})", val_type_n(g.val, n))
    } else {
        val_type_n(g.val, n)
    }
}

/// ` (result t)`, ` (type $t)` or nothing; also used by the designs' block instructions.
pub fn block_type(bt: BlockType, n: &Namer) -> String {
    match bt {
        BlockType::Empty => String::new(),
        BlockType::Val(t) => format!(" (result {})", val_type_n(t, n)),
        BlockType::Type(x) => format!(" (type {})", n.idx(Space::Type, x)),
    }
}

/// A float's bits as a literal that reads back to the same bits: the shortest decimal for
/// numbers, `inf`, and `nan` with its payload unless it is the canonical one.
fn float(bits: u64, mantissa_bits: u32, value: impl std::fmt::Debug, is_nan: bool) -> String {
    let sign = if bits >> (mantissa_bits + if mantissa_bits == 23 { 8 } else { 11 }) & 1 == 1 {
        "-"
    } else {
        ""
    };
    let payload = bits & ((1u64 << mantissa_bits) - 1);
    if is_nan {
        if payload == 1 << (mantissa_bits - 1) {
            return format!("{sign}nan");
        }
        return format!("{sign}nan:{payload:#x}");
    }
    // Rust's `Debug` is the shortest decimal that reads back exactly (`inf`, `-inf` included).
    format!("{value:?}")
}

pub fn f32_lit(bits: u32) -> String {
    let v = f32::from_bits(bits);
    float(u64::from(bits), 23, v, v.is_nan())
}

pub fn f64_lit(bits: u64) -> String {
    let v = f64::from_bits(bits);
    float(bits, 52, v, v.is_nan())
}

fn mem_arg(m: &MemArg, natural: u32, n: &Namer) -> String {
    let mut s = String::new();
    if m.mem != 0 {
        let _ = write!(s, " {}", n.idx(Space::Mem, m.mem));
    }
    if m.offset != 0 {
        let _ = write!(s, " offset={}", m.offset);
    }
    if 1u64.checked_shl(m.align) != Some(u64::from(natural)) {
        match 1u64.checked_shl(m.align) {
            Some(a) => {
                let _ = write!(s, " align={a}");
            }
            // Beyond what the text can say; the validator rejects it anyway.
            None => {
                let _ = write!(s, " align=0x1{}", "0".repeat(m.align as usize / 4));
            }
        }
    }
    s
}

fn catch(c: &Catch, n: &Namer) -> String {
    let tag = |x: u32| n.idx(Space::Tag, x);
    match c {
        Catch::Catch(x, l) => format!(" (catch {} {})", tag(*x), n.label(*l)),
        Catch::CatchRef(x, l) => format!(" (catch_ref {} {})", tag(*x), n.label(*l)),
        Catch::CatchAll(l) => format!(" (catch_all {})", n.label(*l)),
        Catch::CatchAllRef(l) => format!(" (catch_all_ref {})", n.label(*l)),
    }
}

/// A vector instruction (6.5.10). `v128.const` is written as four `i32x4` lanes in hex, which
/// reads back to the same bytes whatever shape the source used.
fn simd_instr(v: &crate::simd::Instr, n: &Namer) -> String {
    use crate::simd::{Instr as V, Sig};
    let name = v.name();
    // The natural alignment of a memory access, the default of its `align=`.
    let natural = |op: crate::simd::Op| match op.sig() {
        Sig::Load(b) | Sig::LoadLane(b) | Sig::StoreLane(b) => b,
        _ => 16,
    };
    match v {
        V::Const(bytes) => {
            let mut s = format!("{name} i32x4");
            for lane in bytes.chunks(4) {
                let word = u32::from_le_bytes([lane[0], lane[1], lane[2], lane[3]]);
                let _ = write!(s, " {word:#010x}");
            }
            s
        }
        V::Shuffle(lanes) => {
            let mut s = name.to_string();
            for lane in lanes {
                let _ = write!(s, " {lane}");
            }
            s
        }
        V::Mem(op, m) => format!("{name}{}", mem_arg(m, natural(*op), n)),
        V::MemLane(op, m, lane) => format!("{name}{} {lane}", mem_arg(m, natural(*op), n)),
        V::Lane(_, lane) => format!("{name} {lane}"),
        V::Plain(_) => name.to_string(),
    }
}

/// Every instruction's text with its immediates.
pub fn plain_instr(i: &Instr, n: &Namer) -> String {
    use Instr as I;
    use Space as S;
    let op = |name: &str, imms: &[(Space, u32)]| {
        let mut s = name.to_string();
        for (space, x) in imms {
            let _ = write!(s, " {}", n.idx(*space, *x));
        }
        s
    };
    let labels = |name: &str, ls: &[u32]| {
        let mut s = name.to_string();
        for l in ls {
            let _ = write!(s, " {}", n.label(*l));
        }
        s
    };
    let rt = |r: &RefType| ref_type_n(*r, n);
    match i {
        I::Unreachable => "unreachable".into(),
        I::Nop => "nop".into(),
        I::Block(bt) => format!("block{}", block_type(*bt, n)),
        I::Loop(bt) => format!("loop{}", block_type(*bt, n)),
        I::If(bt) => format!("if{}", block_type(*bt, n)),
        I::Else => "else".into(),
        I::End => "end".into(),
        I::Br(l) => labels("br", &[*l]),
        I::BrIf(l) => labels("br_if", &[*l]),
        I::BrTable(ls, d) => {
            let mut s = labels("br_table", ls);
            let _ = write!(s, " {}", n.label(*d));
            s
        }
        I::BrOnNull(l) => labels("br_on_null", &[*l]),
        I::BrOnNonNull(l) => labels("br_on_non_null", &[*l]),
        I::BrOnCast(l, a, b) => format!("br_on_cast {} {} {}", n.label(*l), rt(a), rt(b)),
        I::BrOnCastFail(l, a, b) => {
            format!("br_on_cast_fail {} {} {}", n.label(*l), rt(a), rt(b))
        }
        I::Return => "return".into(),
        I::Call(f) => op("call", &[(S::Func, *f)]),
        I::CallIndirect(t, ty) => format!(
            "call_indirect {} (type {})",
            n.idx(S::Table, *t),
            n.idx(S::Type, *ty)
        ),
        I::CallRef(ty) => op("call_ref", &[(S::Type, *ty)]),
        I::ReturnCall(f) => op("return_call", &[(S::Func, *f)]),
        I::ReturnCallIndirect(t, ty) => format!(
            "return_call_indirect {} (type {})",
            n.idx(S::Table, *t),
            n.idx(S::Type, *ty)
        ),
        I::ReturnCallRef(ty) => op("return_call_ref", &[(S::Type, *ty)]),
        I::Throw(x) => op("throw", &[(S::Tag, *x)]),
        I::ThrowRef => "throw_ref".into(),
        I::TryTable(bt, cs) => {
            let cs: String = cs.iter().map(|c| catch(c, n)).collect();
            format!("try_table{}{cs}", block_type(*bt, n))
        }
        I::Drop => "drop".into(),
        I::Select(None) => "select".into(),
        I::Select(Some(ts)) => {
            let ts: String = ts
                .iter()
                .map(|t| format!(" {}", val_type_n(*t, n)))
                .collect();
            format!("select (result{ts})")
        }
        I::LocalGet(x) => op("local.get", &[(S::Local, *x)]),
        I::LocalSet(x) => op("local.set", &[(S::Local, *x)]),
        I::LocalTee(x) => op("local.tee", &[(S::Local, *x)]),
        I::GlobalGet(x) => op("global.get", &[(S::Global, *x)]),
        I::GlobalSet(x) => op("global.set", &[(S::Global, *x)]),
        I::TableGet(x) => op("table.get", &[(S::Table, *x)]),
        I::TableSet(x) => op("table.set", &[(S::Table, *x)]),
        I::TableSize(x) => op("table.size", &[(S::Table, *x)]),
        I::TableGrow(x) => op("table.grow", &[(S::Table, *x)]),
        I::TableFill(x) => op("table.fill", &[(S::Table, *x)]),
        I::TableCopy(x, y) => op("table.copy", &[(S::Table, *x), (S::Table, *y)]),
        I::TableInit(x, y) => op("table.init", &[(S::Table, *x), (S::Elem, *y)]),
        I::ElemDrop(x) => op("elem.drop", &[(S::Elem, *x)]),
        I::Simd(v) => simd_instr(v, n),
        I::Load(o, m) => format!("{}{}", o.name(), mem_arg(m, o.bytes(), n)),
        I::Store(o, m) => format!("{}{}", o.name(), mem_arg(m, o.bytes(), n)),
        I::MemorySize(x) => op("memory.size", &[(S::Mem, *x)]),
        I::MemoryGrow(x) => op("memory.grow", &[(S::Mem, *x)]),
        I::MemoryFill(x) => op("memory.fill", &[(S::Mem, *x)]),
        I::MemoryCopy(x, y) => op("memory.copy", &[(S::Mem, *x), (S::Mem, *y)]),
        I::MemoryInit(x, y) => op("memory.init", &[(S::Mem, *x), (S::Data, *y)]),
        I::DataDrop(x) => op("data.drop", &[(S::Data, *x)]),
        I::RefNull(ht) => format!("ref.null {}", heap_type_n(*ht, n)),
        I::RefIsNull => "ref.is_null".into(),
        I::RefAsNonNull => "ref.as_non_null".into(),
        I::RefFunc(f) => op("ref.func", &[(S::Func, *f)]),
        I::RefEq => "ref.eq".into(),
        I::RefTest(r) => format!("ref.test {}", rt(r)),
        I::RefCast(r) => format!("ref.cast {}", rt(r)),
        I::RefI31 => "ref.i31".into(),
        I::I31GetS => "i31.get_s".into(),
        I::I31GetU => "i31.get_u".into(),
        I::StructNew(x) => op("struct.new", &[(S::Type, *x)]),
        I::StructNewDefault(x) => op("struct.new_default", &[(S::Type, *x)]),
        I::StructGet(x, y) | I::StructGetS(x, y) | I::StructGetU(x, y) | I::StructSet(x, y) => {
            let name = match i {
                I::StructGet(..) => "struct.get",
                I::StructGetS(..) => "struct.get_s",
                I::StructGetU(..) => "struct.get_u",
                _ => "struct.set",
            };
            format!("{name} {} {}", n.idx(S::Type, *x), n.field(*x, *y))
        }
        I::ArrayNew(x) => op("array.new", &[(S::Type, *x)]),
        I::ArrayNewDefault(x) => op("array.new_default", &[(S::Type, *x)]),
        I::ArrayNewFixed(x, k) => format!("array.new_fixed {} {k}", n.idx(S::Type, *x)),
        I::ArrayNewData(x, y) => op("array.new_data", &[(S::Type, *x), (S::Data, *y)]),
        I::ArrayNewElem(x, y) => op("array.new_elem", &[(S::Type, *x), (S::Elem, *y)]),
        I::ArrayGet(x) => op("array.get", &[(S::Type, *x)]),
        I::ArrayGetS(x) => op("array.get_s", &[(S::Type, *x)]),
        I::ArrayGetU(x) => op("array.get_u", &[(S::Type, *x)]),
        I::ArraySet(x) => op("array.set", &[(S::Type, *x)]),
        I::ArrayLen => "array.len".into(),
        I::ArrayFill(x) => op("array.fill", &[(S::Type, *x)]),
        I::ArrayCopy(x, y) => op("array.copy", &[(S::Type, *x), (S::Type, *y)]),
        I::ArrayInitData(x, y) => op("array.init_data", &[(S::Type, *x), (S::Data, *y)]),
        I::ArrayInitElem(x, y) => op("array.init_elem", &[(S::Type, *x), (S::Elem, *y)]),
        I::AnyConvertExtern => "any.convert_extern".into(),
        I::ExternConvertAny => "extern.convert_any".into(),
        I::I32Const(v) => format!("i32.const {v}"),
        I::I64Const(v) => format!("i64.const {v}"),
        I::F32Const(bits) => format!("f32.const {}", f32_lit(*bits)),
        I::F64Const(bits) => format!("f64.const {}", f64_lit(*bits)),
        I::Num(o) => o.name().to_string(),
        I::TypedCont(i) => crate::typed_cont::text::print_instr(i, n),
        I::RawStacks(i) => crate::raw_stacks::text::print_instr(i, n),
        I::EffectHandlers(i) => crate::effect_handlers::text::print_instr(i, n),
    }
}

/// How an instruction moves the indentation: opens a block, continues one at its own level
/// (`else`, effect-handlers' `on`), or closes one.
enum Nesting {
    Open,
    Middle,
    Close,
    None,
}

fn nesting(i: &Instr) -> Nesting {
    use crate::effect_handlers::Instr as Eh;
    match i {
        Instr::Block(_)
        | Instr::Loop(_)
        | Instr::If(_)
        | Instr::TryTable(..)
        | Instr::EffectHandlers(Eh::Handle(_)) => Nesting::Open,
        Instr::Else | Instr::EffectHandlers(Eh::On(..)) => Nesting::Middle,
        Instr::End => Nesting::Close,
        _ => Nesting::None,
    }
}

impl Printer<'_> {
    fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A function body, one instruction per line, indented by block depth, its labels named.
    fn body(&mut self, indent: usize, e: &Expr, n: &Namer) {
        let mut depth = indent;
        let mut n = n.clone();
        let mut opened = 0u32;
        for i in &e.instrs {
            // An opening instruction's immediates (try_table's catch labels) refer to the
            // labels outside it, so its text is made before its own label is entered.
            let text = plain_instr(i, &n);
            match nesting(i) {
                Nesting::Open => {
                    let text = match n.open_label(opened) {
                        // `block $l (result i32)`: the label right after the keyword.
                        Some(name) => match text.split_once(' ') {
                            Some((kw, rest)) => format!("{kw} {} {rest}", id_text(&name)),
                            None => format!("{text} {}", id_text(&name)),
                        },
                        None => text,
                    };
                    opened += 1;
                    self.line(depth, &text);
                    depth += 1;
                }
                Nesting::Middle => self.line(depth.saturating_sub(1).max(indent), &text),
                Nesting::Close => {
                    n.labels.pop();
                    depth = depth.saturating_sub(1).max(indent);
                    self.line(depth, &text);
                }
                Nesting::None => self.line(depth, &text),
            }
        }
    }

    /// A constant expression on one line: `i32.const 1 i32.const 2 i32.add`.
    fn inline_expr(e: &Expr, n: &Namer) -> String {
        e.instrs
            .iter()
            .map(|i| plain_instr(i, n))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn module(&mut self) {
        let m = self.module;
        let n = Namer::new(m);
        match &m.id {
            Some(id) => self.line(0, &format!("(module {}", id_text(id))),
            None => self.line(0, "(module"),
        }
        let mut type_idx = 0u32;
        for r in &m.types {
            let one = r.types.len() == 1;
            if !one {
                self.line(1, "(rec");
            }
            for s in &r.types {
                let indent = if one { 1 } else { 2 };
                let text = format!(
                    "(type {} {})",
                    n.def(Space::Type, type_idx),
                    sub_type(s, type_idx, &n)
                );
                self.line(indent, &text);
                type_idx += 1;
            }
            if !one {
                self.out.pop();
                self.out.push_str(")\n");
            }
        }
        let (mut funcs, mut tables, mut mems, mut globals, mut tags) =
            (0u32, 0u32, 0u32, 0u32, 0u32);
        for i in &m.imports {
            let desc = match &i.desc {
                ImportDesc::Func(x) => {
                    funcs += 1;
                    format!(
                        "(func {} (type {}){})",
                        n.def(Space::Func, funcs - 1),
                        n.idx(Space::Type, *x),
                        self.signature(*x, None, &n)
                    )
                }
                ImportDesc::Table(t) => {
                    tables += 1;
                    format!(
                        "(table {} {} {})",
                        n.def(Space::Table, tables - 1),
                        limits_text(t.addr, &t.limits),
                        ref_type_n(t.elem, &n)
                    )
                }
                ImportDesc::Mem(t) => {
                    mems += 1;
                    format!(
                        "(memory {} {})",
                        n.def(Space::Mem, mems - 1),
                        limits_text(t.addr, &t.limits)
                    )
                }
                ImportDesc::Global(g) => {
                    globals += 1;
                    format!(
                        "(global {} {})",
                        n.def(Space::Global, globals - 1),
                        global_type_n(g, &n)
                    )
                }
                ImportDesc::Tag(t) => {
                    tags += 1;
                    format!(
                        "(tag {} (type {}))",
                        n.def(Space::Tag, tags - 1),
                        n.idx(Space::Type, t.type_idx)
                    )
                }
            };
            let line = format!(
                "(import {} {} {desc})",
                string_lit(i.module.as_bytes()),
                string_lit(i.name.as_bytes())
            );
            self.line(1, &line);
        }
        for (k, f) in m.funcs.iter().enumerate() {
            let idx = funcs + k as u32;
            let params = m.func_type(f.type_idx).map_or(0, |ft| ft.params.len());
            let fnames = n.with_locals(m, idx, params + f.locals.len());
            let locals: String = f
                .locals
                .iter()
                .enumerate()
                .map(|(j, t)| match fnames.locals.get(&((params + j) as u32)) {
                    Some(name) => format!(" (local {} {})", id_text(name), val_type_n(*t, &n)),
                    None => format!(" (local {})", val_type_n(*t, &n)),
                })
                .collect();
            let head = format!(
                "(func {} (type {}){}{locals}",
                n.def(Space::Func, idx),
                n.idx(Space::Type, f.type_idx),
                self.signature(f.type_idx, Some(&fnames), &n)
            );
            self.line(1, &head);
            self.body(2, &f.body, &fnames);
            self.out.pop();
            self.out.push_str(")\n");
        }
        for (k, t) in m.tables.iter().enumerate() {
            let head = format!(
                "(table {} {} {}",
                n.def(Space::Table, tables + k as u32),
                limits_text(t.ty.addr, &t.ty.limits),
                ref_type_n(t.ty.elem, &n)
            );
            match &t.init {
                None => self.line(1, &format!("{head})")),
                Some(init) => self.line(1, &format!("{head} {})", Self::inline_expr(init, &n))),
            }
        }
        for (k, mem) in m.mems.iter().enumerate() {
            let text = format!(
                "(memory {} {})",
                n.def(Space::Mem, mems + k as u32),
                limits_text(mem.ty.addr, &mem.ty.limits)
            );
            self.line(1, &text);
        }
        for (k, t) in m.tags.iter().enumerate() {
            let text = format!(
                "(tag {} (type {}))",
                n.def(Space::Tag, tags + k as u32),
                n.idx(Space::Type, t.ty.type_idx)
            );
            self.line(1, &text);
        }
        for (k, g) in m.globals.iter().enumerate() {
            let text = format!(
                "(global {} {} {})",
                n.def(Space::Global, globals + k as u32),
                global_type_n(&g.ty, &n),
                Self::inline_expr(&g.init, &n)
            );
            self.line(1, &text);
        }
        for x in &m.exports {
            let (kind, idx) = match x.desc {
                ExternIdx::Func(i) => ("func", n.idx(Space::Func, i)),
                ExternIdx::Table(i) => ("table", n.idx(Space::Table, i)),
                ExternIdx::Mem(i) => ("memory", n.idx(Space::Mem, i)),
                ExternIdx::Global(i) => ("global", n.idx(Space::Global, i)),
                ExternIdx::Tag(i) => ("tag", n.idx(Space::Tag, i)),
            };
            let text = format!("(export {} ({kind} {idx}))", string_lit(x.name.as_bytes()));
            self.line(1, &text);
        }
        if let Some(start) = &m.start {
            self.line(1, &format!("(start {})", n.idx(Space::Func, start.func)));
        }
        for (k, el) in m.elems.iter().enumerate() {
            let mode = match &el.mode {
                ElemMode::Passive => String::new(),
                ElemMode::Declarative => " declare".to_string(),
                ElemMode::Active { table, offset } => format!(
                    " (table {}) (offset {})",
                    n.idx(Space::Table, *table),
                    Self::inline_expr(offset, &n)
                ),
            };
            let items: String = el
                .init
                .iter()
                .map(|e| format!(" (item {})", Self::inline_expr(e, &n)))
                .collect();
            let text = format!(
                "(elem {}{mode} {}{items})",
                n.def(Space::Elem, k as u32),
                ref_type_n(el.ty, &n)
            );
            self.line(1, &text);
        }
        for (k, d) in m.datas.iter().enumerate() {
            let mode = match &d.mode {
                DataMode::Passive => String::new(),
                DataMode::Active { mem, offset } => format!(
                    " (memory {}) (offset {})",
                    n.idx(Space::Mem, *mem),
                    Self::inline_expr(offset, &n)
                ),
            };
            let text = format!(
                "(data {}{mode} {})",
                n.def(Space::Data, k as u32),
                string_lit(&d.init)
            );
            self.line(1, &text);
        }
        self.out.pop();
        self.out.push_str(")\n");
    }

    /// ` (param ...) (result ...)` of a function type index, when it is one; with the names of
    /// a function's locals, named parameters one by one.
    fn signature(&self, x: TypeIdx, locals: Option<&Namer>, n: &Namer) -> String {
        let Some(ft) = self.module.func_type(x) else {
            return String::new();
        };
        let named = |j: usize| locals.and_then(|l| l.locals.get(&(j as u32)));
        let params = if (0..ft.params.len()).any(|j| named(j).is_some()) {
            ft.params
                .iter()
                .enumerate()
                .map(|(j, t)| match named(j) {
                    Some(name) => format!(" (param {} {})", id_text(name), val_type_n(*t, n)),
                    None => format!(" (param {})", val_type_n(*t, n)),
                })
                .collect()
        } else {
            types_form("param", &ft.params, n)
        };
        format!("{params}{}", types_form("result", &ft.results, n))
    }
}
