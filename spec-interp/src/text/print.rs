//! The text printer: a module back into WAT that reads like hand-written code (flat
//! instructions, one per line, indented by block depth) and that the parser reads back into the
//! same module: `parse_module(&print_module(m, d), d)` is `m` again, up to spans.
//!
//! Indices are printed as numbers, with a `(;N;)` comment on each definition so that a reader
//! can find what `call 3` calls; functions spell out their parameters and results next to their
//! type index. Each design prints its own instructions and types in the same syntax its parser
//! reads (`<design>::text`). SIMD has no AST yet; when it gets one, its arm goes into
//! `plain_instr` below.

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

/// One instruction with its immediates, as it appears on a line of a printed function (`i32.add`,
/// `br_if 1`, `block (result i32)`).
pub fn instr_text(i: &Instr) -> String {
    plain_instr(i)
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

pub fn abs_heap_name(a: AbsHeapType) -> &'static str {
    use AbsHeapType as A;
    match a {
        A::Func => "func",
        A::NoFunc => "nofunc",
        A::Extern => "extern",
        A::NoExtern => "noextern",
        A::Any => "any",
        A::Eq => "eq",
        A::I31 => "i31",
        A::Struct => "struct",
        A::Array => "array",
        A::None => "none",
        A::Exn => "exn",
        A::NoExn => "noexn",
        A::Cont => "cont",
        A::NoCont => "nocont",
        A::Stack => "stack",
        A::NoStack => "nostack",
    }
}

pub fn heap_type(ht: HeapType) -> String {
    match ht {
        HeapType::Abs(a) => abs_heap_name(a).to_string(),
        HeapType::Concrete(x) => x.to_string(),
    }
}

pub fn ref_type(rt: RefType) -> String {
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
        (true, None) => format!("(ref null {})", heap_type(rt.heap)),
        (false, _) => format!("(ref {})", heap_type(rt.heap)),
    }
}

pub fn val_type(t: ValType) -> String {
    match t {
        ValType::I32 => "i32".into(),
        ValType::I64 => "i64".into(),
        ValType::F32 => "f32".into(),
        ValType::F64 => "f64".into(),
        ValType::V128 => "v128".into(),
        ValType::Ref(rt) => ref_type(rt),
    }
}

fn types_form(keyword: &str, ts: &[ValType]) -> String {
    if ts.is_empty() {
        return String::new();
    }
    let ts: Vec<String> = ts.iter().map(|t| val_type(*t)).collect();
    format!(" ({keyword} {})", ts.join(" "))
}

fn field_type(f: &FieldType) -> String {
    let st = match f.storage {
        StorageType::I8 => "i8".to_string(),
        StorageType::I16 => "i16".to_string(),
        StorageType::Val(t) => val_type(t),
    };
    if f.mutable {
        format!("(mut {st})")
    } else {
        st
    }
}

fn comp_type(c: &CompType) -> String {
    match c {
        CompType::Func(ft) => format!(
            "(func{}{})",
            types_form("param", &ft.params),
            types_form("result", &ft.results)
        ),
        CompType::Struct(fields) => {
            let fs: String = fields
                .iter()
                .map(|f| format!(" (field {})", field_type(f)))
                .collect();
            format!("(struct{fs})")
        }
        CompType::Array(f) => format!("(array {})", field_type(f)),
        CompType::Cont(x) => format!("(cont {x})"),
        CompType::Stack { params, ret } => {
            format!("(stack{} {})", types_form("param", params), ref_type(*ret))
        }
    }
}

fn sub_type(s: &SubType) -> String {
    if s.is_final && s.supers.is_empty() {
        return comp_type(&s.comp);
    }
    let mut text = String::from("(sub");
    if s.is_final {
        text.push_str(" final");
    }
    for x in &s.supers {
        let _ = write!(text, " {x}");
    }
    let _ = write!(text, " {})", comp_type(&s.comp));
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

pub fn global_type_text(g: &GlobalType) -> String {
    if g.mutable {
        format!("(mut {})", val_type(g.val))
    } else {
        val_type(g.val)
    }
}

fn block_type(bt: BlockType) -> String {
    match bt {
        BlockType::Empty => String::new(),
        BlockType::Val(t) => format!(" (result {})", val_type(t)),
        BlockType::Type(x) => format!(" (type {x})"),
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

fn mem_arg(m: &MemArg, natural: u32) -> String {
    let mut s = String::new();
    if m.mem != 0 {
        let _ = write!(s, " {}", m.mem);
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

fn catch(c: &Catch) -> String {
    match c {
        Catch::Catch(x, l) => format!(" (catch {x} {l})"),
        Catch::CatchRef(x, l) => format!(" (catch_ref {x} {l})"),
        Catch::CatchAll(l) => format!(" (catch_all {l})"),
        Catch::CatchAllRef(l) => format!(" (catch_all_ref {l})"),
    }
}

/// Every instruction's text with its immediates.
fn plain_instr(i: &Instr) -> String {
    use Instr as I;
    let simple = |name: &str, imms: &[u32]| {
        let mut s = name.to_string();
        for x in imms {
            let _ = write!(s, " {x}");
        }
        s
    };
    match i {
        I::Unreachable => "unreachable".into(),
        I::Nop => "nop".into(),
        I::Block(bt) => format!("block{}", block_type(*bt)),
        I::Loop(bt) => format!("loop{}", block_type(*bt)),
        I::If(bt) => format!("if{}", block_type(*bt)),
        I::Else => "else".into(),
        I::End => "end".into(),
        I::Br(l) => simple("br", &[*l]),
        I::BrIf(l) => simple("br_if", &[*l]),
        I::BrTable(ls, d) => {
            let mut s = simple("br_table", ls);
            let _ = write!(s, " {d}");
            s
        }
        I::BrOnNull(l) => simple("br_on_null", &[*l]),
        I::BrOnNonNull(l) => simple("br_on_non_null", &[*l]),
        I::BrOnCast(l, a, b) => format!("br_on_cast {l} {} {}", ref_type(*a), ref_type(*b)),
        I::BrOnCastFail(l, a, b) => {
            format!("br_on_cast_fail {l} {} {}", ref_type(*a), ref_type(*b))
        }
        I::Return => "return".into(),
        I::Call(f) => simple("call", &[*f]),
        I::CallIndirect(t, ty) => format!("call_indirect {t} (type {ty})"),
        I::CallRef(ty) => simple("call_ref", &[*ty]),
        I::ReturnCall(f) => simple("return_call", &[*f]),
        I::ReturnCallIndirect(t, ty) => format!("return_call_indirect {t} (type {ty})"),
        I::ReturnCallRef(ty) => simple("return_call_ref", &[*ty]),
        I::Throw(x) => simple("throw", &[*x]),
        I::ThrowRef => "throw_ref".into(),
        I::TryTable(bt, cs) => {
            let cs: String = cs.iter().map(catch).collect();
            format!("try_table{}{cs}", block_type(*bt))
        }
        I::Drop => "drop".into(),
        I::Select(None) => "select".into(),
        I::Select(Some(ts)) => {
            let ts: String = ts.iter().map(|t| format!(" {}", val_type(*t))).collect();
            format!("select (result{ts})")
        }
        I::LocalGet(x) => simple("local.get", &[*x]),
        I::LocalSet(x) => simple("local.set", &[*x]),
        I::LocalTee(x) => simple("local.tee", &[*x]),
        I::GlobalGet(x) => simple("global.get", &[*x]),
        I::GlobalSet(x) => simple("global.set", &[*x]),
        I::TableGet(x) => simple("table.get", &[*x]),
        I::TableSet(x) => simple("table.set", &[*x]),
        I::TableSize(x) => simple("table.size", &[*x]),
        I::TableGrow(x) => simple("table.grow", &[*x]),
        I::TableFill(x) => simple("table.fill", &[*x]),
        I::TableCopy(x, y) => simple("table.copy", &[*x, *y]),
        I::TableInit(x, y) => simple("table.init", &[*x, *y]),
        I::ElemDrop(x) => simple("elem.drop", &[*x]),
        I::Load(op, m) => format!("{}{}", op.name(), mem_arg(m, op.bytes())),
        I::Store(op, m) => format!("{}{}", op.name(), mem_arg(m, op.bytes())),
        I::MemorySize(x) => simple("memory.size", &[*x]),
        I::MemoryGrow(x) => simple("memory.grow", &[*x]),
        I::MemoryFill(x) => simple("memory.fill", &[*x]),
        I::MemoryCopy(x, y) => simple("memory.copy", &[*x, *y]),
        I::MemoryInit(x, y) => simple("memory.init", &[*x, *y]),
        I::DataDrop(x) => simple("data.drop", &[*x]),
        I::RefNull(ht) => format!("ref.null {}", heap_type(*ht)),
        I::RefIsNull => "ref.is_null".into(),
        I::RefAsNonNull => "ref.as_non_null".into(),
        I::RefFunc(f) => simple("ref.func", &[*f]),
        I::RefEq => "ref.eq".into(),
        I::RefTest(rt) => format!("ref.test {}", ref_type(*rt)),
        I::RefCast(rt) => format!("ref.cast {}", ref_type(*rt)),
        I::RefI31 => "ref.i31".into(),
        I::I31GetS => "i31.get_s".into(),
        I::I31GetU => "i31.get_u".into(),
        I::StructNew(x) => simple("struct.new", &[*x]),
        I::StructNewDefault(x) => simple("struct.new_default", &[*x]),
        I::StructGet(x, y) => simple("struct.get", &[*x, *y]),
        I::StructGetS(x, y) => simple("struct.get_s", &[*x, *y]),
        I::StructGetU(x, y) => simple("struct.get_u", &[*x, *y]),
        I::StructSet(x, y) => simple("struct.set", &[*x, *y]),
        I::ArrayNew(x) => simple("array.new", &[*x]),
        I::ArrayNewDefault(x) => simple("array.new_default", &[*x]),
        I::ArrayNewFixed(x, n) => simple("array.new_fixed", &[*x, *n]),
        I::ArrayNewData(x, y) => simple("array.new_data", &[*x, *y]),
        I::ArrayNewElem(x, y) => simple("array.new_elem", &[*x, *y]),
        I::ArrayGet(x) => simple("array.get", &[*x]),
        I::ArrayGetS(x) => simple("array.get_s", &[*x]),
        I::ArrayGetU(x) => simple("array.get_u", &[*x]),
        I::ArraySet(x) => simple("array.set", &[*x]),
        I::ArrayLen => "array.len".into(),
        I::ArrayFill(x) => simple("array.fill", &[*x]),
        I::ArrayCopy(x, y) => simple("array.copy", &[*x, *y]),
        I::ArrayInitData(x, y) => simple("array.init_data", &[*x, *y]),
        I::ArrayInitElem(x, y) => simple("array.init_elem", &[*x, *y]),
        I::AnyConvertExtern => "any.convert_extern".into(),
        I::ExternConvertAny => "extern.convert_any".into(),
        I::I32Const(v) => format!("i32.const {v}"),
        I::I64Const(v) => format!("i64.const {v}"),
        I::F32Const(bits) => format!("f32.const {}", f32_lit(*bits)),
        I::F64Const(bits) => format!("f64.const {}", f64_lit(*bits)),
        I::Num(op) => op.name().to_string(),
        I::TypedCont(i) => crate::typed_cont::text::print_instr(i),
        I::RawStacks(i) => crate::raw_stacks::text::print_instr(i),
        I::EffectHandlers(i) => crate::effect_handlers::text::print_instr(i),
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

    /// A function body or other instruction sequence, one instruction per line.
    fn body(&mut self, indent: usize, e: &Expr) {
        let mut depth = indent;
        for i in &e.instrs {
            let text = plain_instr(i);
            match nesting(i) {
                Nesting::Open => {
                    self.line(depth, &text);
                    depth += 1;
                }
                Nesting::Middle => self.line(depth.saturating_sub(1).max(indent), &text),
                Nesting::Close => {
                    depth = depth.saturating_sub(1).max(indent);
                    self.line(depth, &text);
                }
                Nesting::None => self.line(depth, &text),
            }
        }
    }

    /// A short constant expression on one line: `i32.const 1 i32.const 2 i32.add`.
    fn inline_expr(e: &Expr) -> String {
        e.instrs
            .iter()
            .map(plain_instr)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn module(&mut self) {
        let m = self.module;
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
                self.line(indent, &format!("(type (;{type_idx};) {})", sub_type(s)));
                type_idx += 1;
            }
            if !one {
                let last = self.out.pop();
                debug_assert_eq!(last, Some('\n'));
                self.out.push_str(")\n");
            }
        }
        let (mut funcs, mut tables, mut mems, mut globals, mut tags) = (0, 0, 0, 0, 0);
        for i in &m.imports {
            let desc = match &i.desc {
                ImportDesc::Func(x) => {
                    funcs += 1;
                    format!("(func (;{};) (type {x}){})", funcs - 1, self.signature(*x))
                }
                ImportDesc::Table(t) => {
                    tables += 1;
                    format!(
                        "(table (;{};) {} {})",
                        tables - 1,
                        limits_text(t.addr, &t.limits),
                        ref_type(t.elem)
                    )
                }
                ImportDesc::Mem(t) => {
                    mems += 1;
                    format!(
                        "(memory (;{};) {})",
                        mems - 1,
                        limits_text(t.addr, &t.limits)
                    )
                }
                ImportDesc::Global(g) => {
                    globals += 1;
                    format!("(global (;{};) {})", globals - 1, global_type_text(g))
                }
                ImportDesc::Tag(t) => {
                    tags += 1;
                    format!("(tag (;{};) (type {}))", tags - 1, t.type_idx)
                }
            };
            self.line(
                1,
                &format!(
                    "(import {} {} {desc})",
                    string_lit(i.module.as_bytes()),
                    string_lit(i.name.as_bytes())
                ),
            );
        }
        for (k, f) in m.funcs.iter().enumerate() {
            let locals = if f.locals.is_empty() {
                String::new()
            } else {
                types_form("local", &f.locals)
            };
            self.line(
                1,
                &format!(
                    "(func (;{};) (type {}){}{locals}",
                    funcs + k,
                    f.type_idx,
                    self.signature(f.type_idx)
                ),
            );
            self.body(2, &f.body);
            self.close();
        }
        for (k, t) in m.tables.iter().enumerate() {
            let head = format!(
                "(table (;{};) {} {}",
                tables + k,
                limits_text(t.ty.addr, &t.ty.limits),
                ref_type(t.ty.elem)
            );
            match &t.init {
                None => self.line(1, &format!("{head})")),
                Some(init) => self.line(1, &format!("{head} {})", Self::inline_expr(init))),
            }
        }
        for (k, mem) in m.mems.iter().enumerate() {
            self.line(
                1,
                &format!(
                    "(memory (;{};) {})",
                    mems + k,
                    limits_text(mem.ty.addr, &mem.ty.limits)
                ),
            );
        }
        for (k, t) in m.tags.iter().enumerate() {
            self.line(
                1,
                &format!("(tag (;{};) (type {}))", tags + k, t.ty.type_idx),
            );
        }
        for (k, g) in m.globals.iter().enumerate() {
            self.line(
                1,
                &format!(
                    "(global (;{};) {} {})",
                    globals + k,
                    global_type_text(&g.ty),
                    Self::inline_expr(&g.init)
                ),
            );
        }
        for x in &m.exports {
            let (kind, idx) = match x.desc {
                ExternIdx::Func(i) => ("func", i),
                ExternIdx::Table(i) => ("table", i),
                ExternIdx::Mem(i) => ("memory", i),
                ExternIdx::Global(i) => ("global", i),
                ExternIdx::Tag(i) => ("tag", i),
            };
            self.line(
                1,
                &format!("(export {} ({kind} {idx}))", string_lit(x.name.as_bytes())),
            );
        }
        if let Some(start) = &m.start {
            self.line(1, &format!("(start {})", start.func));
        }
        for (k, el) in m.elems.iter().enumerate() {
            let mode = match &el.mode {
                ElemMode::Passive => String::new(),
                ElemMode::Declarative => " declare".to_string(),
                ElemMode::Active { table, offset } => {
                    format!(" (table {table}) (offset {})", Self::inline_expr(offset))
                }
            };
            let items: String = el
                .init
                .iter()
                .map(|e| format!(" (item {})", Self::inline_expr(e)))
                .collect();
            self.line(
                1,
                &format!("(elem (;{k};){mode} {}{items})", ref_type(el.ty)),
            );
        }
        for (k, d) in m.datas.iter().enumerate() {
            let mode = match &d.mode {
                DataMode::Passive => String::new(),
                DataMode::Active { mem, offset } => {
                    format!(" (memory {mem}) (offset {})", Self::inline_expr(offset))
                }
            };
            self.line(1, &format!("(data (;{k};){mode} {})", string_lit(&d.init)));
        }
        self.close_at(0);
    }

    /// ` (param ...) (result ...)` of a function type index, when it is one.
    fn signature(&self, x: TypeIdx) -> String {
        match self.module.func_type(x) {
            Some(ft) => format!(
                "{}{}",
                types_form("param", &ft.params),
                types_form("result", &ft.results)
            ),
            None => String::new(),
        }
    }

    /// Closes the form opened on an earlier line at indentation 1.
    fn close(&mut self) {
        self.line(1, ")");
    }

    fn close_at(&mut self, indent: usize) {
        self.line(indent, ")");
    }
}
