//! The binary encoder (spec chapter 5 read backwards): the inverse of the decoder, so that
//! `decode_module(&encode_module(m, d), d)` gives `m` back (up to spans, which point into
//! whichever source the module came from).
//!
//! Instructions are flat in the AST as in the binary, so encoding is one loop, no recursion.
//! Each design encodes its own instructions and types (`<design>::binary::encode_*`).
//! SIMD has no AST yet; when it gets one (`Instr::Simd`), its arm goes into `instr` below with
//! the 0xFD prefix.

use crate::syntax::*;

/// The bytes of a module in the binary format. Every design's types and instructions have
/// codes of their own, so the encoding needs no design.
pub fn encode_module(m: &Module) -> Vec<u8> {
    let mut e = Encoder { out: Vec::new() };
    e.module(m);
    e.out
}

/// A growing byte buffer with the primitive encodings of spec 5.2.
pub(crate) struct Encoder {
    pub(crate) out: Vec<u8>,
}

impl Encoder {
    pub(crate) fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    pub(crate) fn u32(&mut self, v: u32) {
        self.u64(u64::from(v));
    }

    pub(crate) fn u64(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(b);
                return;
            }
            self.out.push(b | 0x80);
        }
    }

    pub(crate) fn s64(&mut self, mut v: i64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            let done = (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0);
            if done {
                self.out.push(b);
                return;
            }
            self.out.push(b | 0x80);
        }
    }

    pub(crate) fn idx(&mut self, x: u32) {
        self.u32(x);
    }

    fn len(&mut self, n: usize) {
        self.u32(n as u32);
    }

    fn name(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.out.extend_from_slice(b);
    }

    pub(crate) fn vec<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.len(items.len());
        for item in items {
            each(self, item);
        }
    }

    /// `id size content`: the content is encoded into a buffer of its own to learn its size.
    fn section(&mut self, id: u8, content: impl FnOnce(&mut Self)) {
        let outer = std::mem::take(&mut self.out);
        content(self);
        let body = std::mem::replace(&mut self.out, outer);
        self.byte(id);
        self.bytes(&body);
    }

    fn vec_section<T>(&mut self, id: u8, items: &[T], each: impl FnMut(&mut Self, &T)) {
        if !items.is_empty() {
            self.section(id, |e| e.vec(items, each));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Types (5.3)

    pub(crate) fn heap_type(&mut self, ht: HeapType) {
        match ht {
            HeapType::Concrete(x) => self.s64(i64::from(x)),
            HeapType::Abs(a) => self.byte(abs_heap_code(a)),
        }
    }

    pub(crate) fn ref_type(&mut self, rt: RefType) {
        match (rt.nullable, rt.heap) {
            // The one-byte shorthands are nullable.
            (true, HeapType::Abs(a)) => self.byte(abs_heap_code(a)),
            (true, ht) => {
                self.byte(0x63);
                self.heap_type(ht);
            }
            (false, ht) => {
                self.byte(0x64);
                self.heap_type(ht);
            }
        }
    }

    pub(crate) fn val_type(&mut self, t: ValType) {
        match t {
            ValType::I32 => self.byte(0x7F),
            ValType::I64 => self.byte(0x7E),
            ValType::F32 => self.byte(0x7D),
            ValType::F64 => self.byte(0x7C),
            ValType::V128 => self.byte(0x7B),
            ValType::Ref(rt) => self.ref_type(rt),
        }
    }

    fn field_type(&mut self, f: &FieldType) {
        match f.storage {
            StorageType::I8 => self.byte(0x78),
            StorageType::I16 => self.byte(0x77),
            StorageType::Val(t) => self.val_type(t),
        }
        self.byte(u8::from(f.mutable));
    }

    fn comp_type(&mut self, c: &CompType) {
        match c {
            CompType::Func(ft) => {
                self.byte(0x60);
                self.vec(&ft.params, |e, t| e.val_type(*t));
                self.vec(&ft.results, |e, t| e.val_type(*t));
            }
            CompType::Struct(fields) => {
                self.byte(0x5F);
                self.vec(fields, Self::field_type);
            }
            CompType::Array(field) => {
                self.byte(0x5E);
                self.field_type(field);
            }
            CompType::Cont(x) => crate::typed_cont::binary::encode_cont_type(self, *x),
            CompType::Stack { params, ret } => {
                crate::raw_stacks::binary::encode_stack_type(self, params, *ret)
            }
        }
    }

    fn sub_type(&mut self, s: &SubType) {
        if !(s.is_final && s.supers.is_empty()) {
            self.byte(if s.is_final { 0x4F } else { 0x50 });
            self.vec(&s.supers, |e, x| e.idx(*x));
        }
        self.comp_type(&s.comp);
    }

    fn rec_type(&mut self, r: &RecType) {
        if let [one] = r.types.as_slice() {
            self.sub_type(one);
        } else {
            self.byte(0x4E);
            self.vec(&r.types, Self::sub_type);
        }
    }

    fn limits(&mut self, addr: AddrType, l: &Limits) {
        let mut flags = u8::from(l.max.is_some());
        if addr == AddrType::I64 {
            flags |= 0x04;
        }
        self.byte(flags);
        self.u64(l.min);
        if let Some(max) = l.max {
            self.u64(max);
        }
    }

    fn table_type(&mut self, t: &TableType) {
        self.ref_type(t.elem);
        self.limits(t.addr, &t.limits);
    }

    fn mem_type(&mut self, t: &MemType) {
        self.limits(t.addr, &t.limits);
    }

    fn global_type(&mut self, t: &GlobalType) {
        self.val_type(t.val);
        self.byte(u8::from(t.mutable));
    }

    fn tag_type(&mut self, t: &TagType) {
        self.byte(0x00);
        self.idx(t.type_idx);
    }

    pub(crate) fn block_type(&mut self, bt: BlockType) {
        match bt {
            BlockType::Empty => self.byte(0x40),
            BlockType::Val(t) => self.val_type(t),
            BlockType::Type(x) => self.s64(i64::from(x)),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Instructions (5.4)

    /// An instruction sequence and the `end` that closes it.
    fn expr(&mut self, e: &Expr) {
        for i in &e.instrs {
            self.instr(i);
        }
        self.byte(0x0B);
    }

    fn mem_arg(&mut self, m: &MemArg) {
        if m.mem == 0 {
            self.u32(m.align);
        } else {
            self.u32(m.align | 0x40);
            self.idx(m.mem);
        }
        self.u64(m.offset);
    }

    fn prefixed(&mut self, prefix: u8, sub: u32) {
        self.byte(prefix);
        self.u32(sub);
    }

    fn gc(&mut self, sub: u32, imms: &[u32]) {
        self.prefixed(0xFB, sub);
        for x in imms {
            self.idx(*x);
        }
    }

    fn misc(&mut self, sub: u32, imms: &[u32]) {
        self.prefixed(0xFC, sub);
        for x in imms {
            self.idx(*x);
        }
    }

    fn op(&mut self, op: u8, imms: &[u32]) {
        self.byte(op);
        for x in imms {
            self.idx(*x);
        }
    }

    /// A vector instruction (5.4.10): 0xFD, the sub-opcode as a LEB128 `u32`, then the
    /// immediates its signature asks for (as `simd::binary::instr` reads them).
    fn simd(&mut self, v: &crate::simd::Instr) {
        use crate::simd::Instr as V;
        self.prefixed(0xFD, v.op().opcode());
        match v {
            V::Const(bytes) | V::Shuffle(bytes) => self.out.extend_from_slice(bytes),
            V::Mem(_, m) => self.mem_arg(m),
            V::MemLane(_, m, lane) => {
                self.mem_arg(m);
                self.byte(*lane);
            }
            V::Lane(_, lane) => self.byte(*lane),
            V::Plain(_) => {}
        }
    }

    fn instr(&mut self, i: &Instr) {
        use Instr as I;
        match i {
            I::Unreachable => self.byte(0x00),
            I::Nop => self.byte(0x01),
            I::Block(bt) => {
                self.byte(0x02);
                self.block_type(*bt);
            }
            I::Loop(bt) => {
                self.byte(0x03);
                self.block_type(*bt);
            }
            I::If(bt) => {
                self.byte(0x04);
                self.block_type(*bt);
            }
            I::Else => self.byte(0x05),
            I::End => self.byte(0x0B),
            I::Throw(x) => self.op(0x08, &[*x]),
            I::ThrowRef => self.byte(0x0A),
            I::Br(l) => self.op(0x0C, &[*l]),
            I::BrIf(l) => self.op(0x0D, &[*l]),
            I::BrTable(ls, default) => {
                self.byte(0x0E);
                self.vec(ls, |e, l| e.idx(*l));
                self.idx(*default);
            }
            I::Return => self.byte(0x0F),
            I::Call(f) => self.op(0x10, &[*f]),
            I::CallIndirect(table, ty) => self.op(0x11, &[*ty, *table]),
            I::ReturnCall(f) => self.op(0x12, &[*f]),
            I::ReturnCallIndirect(table, ty) => self.op(0x13, &[*ty, *table]),
            I::CallRef(ty) => self.op(0x14, &[*ty]),
            I::ReturnCallRef(ty) => self.op(0x15, &[*ty]),
            I::TryTable(bt, catches) => {
                self.byte(0x1F);
                self.block_type(*bt);
                self.vec(catches, |e, c| match *c {
                    Catch::Catch(x, l) => e.op(0x00, &[x, l]),
                    Catch::CatchRef(x, l) => e.op(0x01, &[x, l]),
                    Catch::CatchAll(l) => e.op(0x02, &[l]),
                    Catch::CatchAllRef(l) => e.op(0x03, &[l]),
                });
            }
            I::Drop => self.byte(0x1A),
            I::Select(None) => self.byte(0x1B),
            I::Select(Some(ts)) => {
                self.byte(0x1C);
                self.vec(ts, |e, t| e.val_type(*t));
            }
            I::LocalGet(x) => self.op(0x20, &[*x]),
            I::LocalSet(x) => self.op(0x21, &[*x]),
            I::LocalTee(x) => self.op(0x22, &[*x]),
            I::GlobalGet(x) => self.op(0x23, &[*x]),
            I::GlobalSet(x) => self.op(0x24, &[*x]),
            I::TableGet(x) => self.op(0x25, &[*x]),
            I::TableSet(x) => self.op(0x26, &[*x]),
            I::Simd(v) => self.simd(v),
            I::Load(op, m) => {
                self.byte(op.opcode() as u8);
                self.mem_arg(m);
            }
            I::Store(op, m) => {
                self.byte(op.opcode() as u8);
                self.mem_arg(m);
            }
            I::MemorySize(x) => self.op(0x3F, &[*x]),
            I::MemoryGrow(x) => self.op(0x40, &[*x]),
            I::I32Const(v) => {
                self.byte(0x41);
                self.s64(i64::from(*v));
            }
            I::I64Const(v) => {
                self.byte(0x42);
                self.s64(*v);
            }
            I::F32Const(bits) => {
                self.byte(0x43);
                self.out.extend_from_slice(&bits.to_le_bytes());
            }
            I::F64Const(bits) => {
                self.byte(0x44);
                self.out.extend_from_slice(&bits.to_le_bytes());
            }
            I::Num(op) => match op.opcode() {
                code @ 0..=0xFF => self.byte(code as u8),
                code => self.misc(code & 0xFF, &[]),
            },
            I::RefNull(ht) => {
                self.byte(0xD0);
                self.heap_type(*ht);
            }
            I::RefIsNull => self.byte(0xD1),
            I::RefFunc(f) => self.op(0xD2, &[*f]),
            I::RefEq => self.byte(0xD3),
            I::RefAsNonNull => self.byte(0xD4),
            I::BrOnNull(l) => self.op(0xD5, &[*l]),
            I::BrOnNonNull(l) => self.op(0xD6, &[*l]),
            I::StructNew(x) => self.gc(0, &[*x]),
            I::StructNewDefault(x) => self.gc(1, &[*x]),
            I::StructGet(x, y) => self.gc(2, &[*x, *y]),
            I::StructGetS(x, y) => self.gc(3, &[*x, *y]),
            I::StructGetU(x, y) => self.gc(4, &[*x, *y]),
            I::StructSet(x, y) => self.gc(5, &[*x, *y]),
            I::ArrayNew(x) => self.gc(6, &[*x]),
            I::ArrayNewDefault(x) => self.gc(7, &[*x]),
            I::ArrayNewFixed(x, n) => self.gc(8, &[*x, *n]),
            I::ArrayNewData(x, y) => self.gc(9, &[*x, *y]),
            I::ArrayNewElem(x, y) => self.gc(10, &[*x, *y]),
            I::ArrayGet(x) => self.gc(11, &[*x]),
            I::ArrayGetS(x) => self.gc(12, &[*x]),
            I::ArrayGetU(x) => self.gc(13, &[*x]),
            I::ArraySet(x) => self.gc(14, &[*x]),
            I::ArrayLen => self.gc(15, &[]),
            I::ArrayFill(x) => self.gc(16, &[*x]),
            I::ArrayCopy(x, y) => self.gc(17, &[*x, *y]),
            I::ArrayInitData(x, y) => self.gc(18, &[*x, *y]),
            I::ArrayInitElem(x, y) => self.gc(19, &[*x, *y]),
            I::RefTest(rt) => {
                self.prefixed(0xFB, if rt.nullable { 21 } else { 20 });
                self.heap_type(rt.heap);
            }
            I::RefCast(rt) => {
                self.prefixed(0xFB, if rt.nullable { 23 } else { 22 });
                self.heap_type(rt.heap);
            }
            I::BrOnCast(l, from, to) | I::BrOnCastFail(l, from, to) => {
                let sub = if matches!(i, I::BrOnCast(..)) { 24 } else { 25 };
                self.prefixed(0xFB, sub);
                self.byte(u8::from(from.nullable) | u8::from(to.nullable) << 1);
                self.idx(*l);
                self.heap_type(from.heap);
                self.heap_type(to.heap);
            }
            I::AnyConvertExtern => self.gc(26, &[]),
            I::ExternConvertAny => self.gc(27, &[]),
            I::RefI31 => self.gc(28, &[]),
            I::I31GetS => self.gc(29, &[]),
            I::I31GetU => self.gc(30, &[]),
            I::MemoryInit(mem, data) => self.misc(8, &[*data, *mem]),
            I::DataDrop(x) => self.misc(9, &[*x]),
            I::MemoryCopy(dst, src) => self.misc(10, &[*dst, *src]),
            I::MemoryFill(x) => self.misc(11, &[*x]),
            I::TableInit(table, elem) => self.misc(12, &[*elem, *table]),
            I::ElemDrop(x) => self.misc(13, &[*x]),
            I::TableCopy(dst, src) => self.misc(14, &[*dst, *src]),
            I::TableGrow(x) => self.misc(15, &[*x]),
            I::TableSize(x) => self.misc(16, &[*x]),
            I::TableFill(x) => self.misc(17, &[*x]),
            I::TypedCont(i) => crate::typed_cont::binary::encode_instr(self, i),
            I::RawStacks(i) => crate::raw_stacks::binary::encode_instr(self, i),
            I::EffectHandlers(i) => crate::effect_handlers::binary::encode_instr(self, i),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Modules (5.5)

    fn module(&mut self, m: &Module) {
        self.out.extend_from_slice(b"\0asm");
        self.out.extend_from_slice(&[1, 0, 0, 0]);
        self.vec_section(1, &m.types, |e, r| e.rec_type(r));
        self.vec_section(2, &m.imports, |e, i| {
            e.name(&i.module);
            e.name(&i.name);
            match &i.desc {
                ImportDesc::Func(x) => e.op(0x00, &[*x]),
                ImportDesc::Table(t) => {
                    e.byte(0x01);
                    e.table_type(t);
                }
                ImportDesc::Mem(t) => {
                    e.byte(0x02);
                    e.mem_type(t);
                }
                ImportDesc::Global(t) => {
                    e.byte(0x03);
                    e.global_type(t);
                }
                ImportDesc::Tag(t) => {
                    e.byte(0x04);
                    e.tag_type(t);
                }
            }
        });
        self.vec_section(3, &m.funcs, |e, f| e.idx(f.type_idx));
        self.vec_section(4, &m.tables, |e, t| match &t.init {
            None => e.table_type(&t.ty),
            Some(init) => {
                e.byte(0x40);
                e.byte(0x00);
                e.table_type(&t.ty);
                e.expr(init);
            }
        });
        self.vec_section(5, &m.mems, |e, mem| e.mem_type(&mem.ty));
        self.vec_section(13, &m.tags, |e, t| e.tag_type(&t.ty));
        self.vec_section(6, &m.globals, |e, g| {
            e.global_type(&g.ty);
            e.expr(&g.init);
        });
        self.vec_section(7, &m.exports, |e, x| {
            e.name(&x.name);
            match x.desc {
                ExternIdx::Func(i) => e.op(0x00, &[i]),
                ExternIdx::Table(i) => e.op(0x01, &[i]),
                ExternIdx::Mem(i) => e.op(0x02, &[i]),
                ExternIdx::Global(i) => e.op(0x03, &[i]),
                ExternIdx::Tag(i) => e.op(0x04, &[i]),
            }
        });
        if let Some(start) = &m.start {
            self.section(8, |e| e.idx(start.func));
        }
        self.vec_section(9, &m.elems, Self::elem);
        // The data count section: kept when the module had one, added when a body needs it.
        if m.data_count.is_some() || m.funcs.iter().any(|f| uses_data(&f.body)) {
            let n = m.data_count.unwrap_or(m.datas.len() as u32);
            self.section(12, |e| e.u32(n));
        }
        self.vec_section(10, &m.funcs, |e, f| {
            let outer = std::mem::take(&mut e.out);
            e.locals(&f.locals);
            e.expr(&f.body);
            let body = std::mem::replace(&mut e.out, outer);
            e.bytes(&body);
        });
        self.vec_section(11, &m.datas, |e, d| {
            match &d.mode {
                DataMode::Passive => e.byte(0x01),
                DataMode::Active { mem: 0, offset } => {
                    e.byte(0x00);
                    e.expr(offset);
                }
                DataMode::Active { mem, offset } => {
                    e.byte(0x02);
                    e.idx(*mem);
                    e.expr(offset);
                }
            }
            e.bytes(&d.init);
        });
        self.name_section(m);
    }

    /// The `name` custom section, when the module has names: the module's `$id` (subsection
    /// 0), then functions, locals, and the extended name section's labels, types, tables, memories,
    /// globals, element and data segments, fields and tags.
    fn name_section(&mut self, m: &Module) {
        use std::collections::BTreeMap;
        let n = &m.names;
        if m.id.is_none() && n.is_empty() {
            return;
        }
        let name_map = |e: &mut Self, map: &BTreeMap<u32, String>| {
            e.len(map.len());
            for (idx, name) in map {
                e.idx(*idx);
                e.name(name);
            }
        };
        let indirect = |e: &mut Self, map: &BTreeMap<u32, BTreeMap<u32, String>>| {
            e.len(map.len());
            for (idx, names) in map {
                e.idx(*idx);
                name_map(e, names);
            }
        };
        self.section(0, |e| {
            e.name("name");
            if let Some(id) = &m.id {
                e.section(0, |e| e.name(id));
            }
            let maps = [
                (1, &n.funcs),
                (4, &n.types),
                (5, &n.tables),
                (6, &n.mems),
                (7, &n.globals),
                (8, &n.elems),
                (9, &n.datas),
                (11, &n.tags),
            ];
            for (sub, map) in maps {
                if !map.is_empty() {
                    e.section(sub, |e| name_map(e, map));
                }
                if sub == 1 && !n.locals.is_empty() {
                    e.section(2, |e| indirect(e, &n.locals));
                }
                if sub == 1 && !n.labels.is_empty() {
                    e.section(3, |e| indirect(e, &n.labels));
                }
                if sub == 9 && !n.fields.is_empty() {
                    e.section(10, |e| indirect(e, &n.fields));
                }
            }
        });
    }

    /// `locals`: runs of equal types.
    fn locals(&mut self, locals: &[ValType]) {
        let mut runs: Vec<(u32, ValType)> = Vec::new();
        for t in locals {
            match runs.last_mut() {
                Some((n, last)) if last == t => *n += 1,
                _ => runs.push((1, *t)),
            }
        }
        self.vec(&runs, |e, (n, t)| {
            e.u32(*n);
            e.val_type(*t);
        });
    }

    /// An element segment in the smallest of the eight forms that says what it holds: function
    /// indices when every item is one `ref.func` of type `(ref func)`, else expressions.
    fn elem(&mut self, el: &Elem) {
        const REF_FUNC: RefType = RefType::abs(false, AbsHeapType::Func);
        let func_indices: Option<Vec<u32>> = if el.ty == REF_FUNC {
            el.init
                .iter()
                .map(|e| match e.instrs.as_slice() {
                    [Instr::RefFunc(f)] => Some(*f),
                    _ => None,
                })
                .collect()
        } else {
            None
        };
        // Bit 0: passive/declarative; bit 1: explicit table index or declarative; bit 2: exprs.
        let (mode_bits, table) = match &el.mode {
            ElemMode::Active { table: 0, .. } => {
                // Forms 0 and 4 imply the type; otherwise the explicit-table form 2/6 is needed.
                let implied = match &func_indices {
                    Some(_) => true,
                    None => el.ty == RefType::FUNCREF,
                };
                if implied {
                    (0, None)
                } else {
                    (2, Some(0))
                }
            }
            ElemMode::Active { table, .. } => (2, Some(*table)),
            ElemMode::Passive => (1, None),
            ElemMode::Declarative => (3, None),
        };
        let form = mode_bits | if func_indices.is_some() { 0 } else { 4 };
        self.u32(form);
        if let Some(t) = table {
            self.idx(t);
        }
        if let ElemMode::Active { offset, .. } = &el.mode {
            self.expr(offset);
        }
        match &func_indices {
            Some(funcs) => {
                if mode_bits != 0 {
                    self.byte(0x00); // elemkind funcref
                }
                self.vec(funcs, |e, f| e.idx(*f));
            }
            None => {
                if mode_bits != 0 {
                    self.ref_type(el.ty);
                }
                self.vec(&el.init, |e, x| e.expr(x));
            }
        }
    }
}

/// Whether a body names a data segment, so the module needs a data count section.
fn uses_data(e: &Expr) -> bool {
    e.instrs.iter().any(|i| {
        matches!(
            i,
            Instr::MemoryInit(..)
                | Instr::DataDrop(_)
                | Instr::ArrayNewData(..)
                | Instr::ArrayInitData(..)
        )
    })
}

/// The one-byte code of an abstract heap type (the decoder's `abs_heap_type` backwards).
pub(crate) fn abs_heap_code(a: AbsHeapType) -> u8 {
    use AbsHeapType as A;
    match a {
        A::Func => 0x70,
        A::Extern => 0x6F,
        A::Any => 0x6E,
        A::Eq => 0x6D,
        A::I31 => 0x6C,
        A::Struct => 0x6B,
        A::Array => 0x6A,
        A::None => 0x71,
        A::NoExtern => 0x72,
        A::NoFunc => 0x73,
        A::Exn => 0x69,
        A::NoExn => 0x74,
        A::Cont => 0x68,
        A::NoCont => 0x75,
        A::Stack => crate::raw_stacks::binary::STACK_CODE,
        A::NoStack => crate::raw_stacks::binary::NOSTACK_CODE,
    }
}
