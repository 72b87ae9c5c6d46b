//! Abstract syntax (spec chapter 2, "Structure"), shared by the text parser, the binary decoder,
//! the validator and the executor.
//!
//! Two deliberate departures from the spec's tree-shaped AST:
//! - Instruction sequences are *flat*, as in the binary format: `block`, `loop`, `if`,
//!   `try_table` (and design blocks such as `handle`) open a construct that a later `else` /
//!   `end` closes. The executor keeps the evaluation context as an explicit stack of labels that
//!   point into this flat code, so finding the redex costs O(1) and a continuation is a slice of
//!   that stack. Matching `else`/`end` positions are computed once per function (`exec::code`).
//! - Every node keeps its source span; for instructions the spans live in a vector parallel to the
//!   code (`Expr::spans`) so that the code itself stays compact.

use crate::diag::Span;

pub type Idx = u32;
pub type TypeIdx = Idx;
pub type FuncIdx = Idx;
pub type TableIdx = Idx;
pub type MemIdx = Idx;
pub type GlobalIdx = Idx;
pub type TagIdx = Idx;
pub type ElemIdx = Idx;
pub type DataIdx = Idx;
pub type LocalIdx = Idx;
pub type LabelIdx = Idx;
pub type FieldIdx = Idx;

// ---------------------------------------------------------------------------------------------
// Types (2.3)

/// Abstract heap types. Each stack-switching design adds a hierarchy of its own: `cont`/`nocont`
/// (typed-cont and effect-handlers) and `stack`/`nostack` (raw-stacks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbsHeapType {
    Func,
    NoFunc,
    Extern,
    NoExtern,
    Any,
    Eq,
    I31,
    Struct,
    Array,
    None,
    Exn,
    NoExn,
    Cont,
    NoCont,
    Stack,
    NoStack,
}

impl AbsHeapType {
    /// The text format's name (`func`, `nocont`, ...).
    pub fn name(self) -> &'static str {
        use AbsHeapType as A;
        match self {
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    Abs(AbsHeapType),
    /// A type index into the module's type space.
    Concrete(TypeIdx),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    pub nullable: bool,
    pub heap: HeapType,
}

impl RefType {
    pub const fn new(nullable: bool, heap: HeapType) -> Self {
        RefType { nullable, heap }
    }
    pub const fn abs(nullable: bool, abs: AbsHeapType) -> Self {
        RefType {
            nullable,
            heap: HeapType::Abs(abs),
        }
    }
    pub const FUNCREF: RefType = RefType::abs(true, AbsHeapType::Func);
    pub const EXTERNREF: RefType = RefType::abs(true, AbsHeapType::Extern);
    pub const EXNREF: RefType = RefType::abs(true, AbsHeapType::Exn);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    Ref(RefType),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StorageType {
    Val(ValType),
    I8,
    I16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldType {
    pub storage: StorageType,
    pub mutable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompType {
    Func(FuncType),
    Struct(Vec<FieldType>),
    Array(FieldType),
    /// typed-cont (and effect-handlers): `cont $ft`, a continuation of function type `$ft`.
    Cont(TypeIdx),
    /// raw-stacks: `stack (param t*) rt`: a suspended stack that receives `t*` and a reference
    /// `rt` to the stack that switched to it.
    Stack {
        params: Vec<ValType>,
        ret: RefType,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SubType {
    pub is_final: bool,
    pub supers: Vec<TypeIdx>,
    pub comp: CompType,
    pub span: Span,
}

/// A recursion group. Each sub type in it takes the next index of the module's type space.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecType {
    pub types: Vec<SubType>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddrType {
    I32,
    I64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    pub addr: AddrType,
    pub limits: Limits,
    pub elem: RefType,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemType {
    pub addr: AddrType,
    pub limits: Limits,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub mutable: bool,
    pub val: ValType,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    pub type_idx: TypeIdx,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockType {
    Empty,
    Val(ValType),
    Type(TypeIdx),
}

// ---------------------------------------------------------------------------------------------
// Instructions (2.4)

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemArg {
    /// log2 of the alignment.
    pub align: u32,
    pub offset: u64,
    pub mem: MemIdx,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Catch {
    Catch(TagIdx, LabelIdx),
    CatchRef(TagIdx, LabelIdx),
    CatchAll(LabelIdx),
    CatchAllRef(LabelIdx),
}

/// Numeric instructions without immediates, with their text name and binary opcode
/// (`0xFC00 | n` for the 0xFC-prefixed saturating truncations).
macro_rules! num_ops {
    ($( $variant:ident = $name:literal, $op:literal; )*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum NumOp { $($variant),* }
        impl NumOp {
            pub const ALL: &'static [NumOp] = &[$(NumOp::$variant),*];
            #[inline(always)]
            pub fn name(self) -> &'static str { match self { $(NumOp::$variant => $name),* } }
            pub const fn opcode(self) -> u32 { match self { $(NumOp::$variant => $op),* } }
            pub fn from_name(name: &str) -> Option<NumOp> {
                match name { $($name => Some(NumOp::$variant),)* _ => None }
            }
            pub fn from_opcode(op: u32) -> Option<NumOp> {
                match op { $($op => Some(NumOp::$variant),)* _ => None }
            }
        }
    };
}

num_ops! {
    I32Eqz = "i32.eqz", 0x45; I32Eq = "i32.eq", 0x46; I32Ne = "i32.ne", 0x47;
    I32LtS = "i32.lt_s", 0x48; I32LtU = "i32.lt_u", 0x49; I32GtS = "i32.gt_s", 0x4A;
    I32GtU = "i32.gt_u", 0x4B; I32LeS = "i32.le_s", 0x4C; I32LeU = "i32.le_u", 0x4D;
    I32GeS = "i32.ge_s", 0x4E; I32GeU = "i32.ge_u", 0x4F;
    I64Eqz = "i64.eqz", 0x50; I64Eq = "i64.eq", 0x51; I64Ne = "i64.ne", 0x52;
    I64LtS = "i64.lt_s", 0x53; I64LtU = "i64.lt_u", 0x54; I64GtS = "i64.gt_s", 0x55;
    I64GtU = "i64.gt_u", 0x56; I64LeS = "i64.le_s", 0x57; I64LeU = "i64.le_u", 0x58;
    I64GeS = "i64.ge_s", 0x59; I64GeU = "i64.ge_u", 0x5A;
    F32Eq = "f32.eq", 0x5B; F32Ne = "f32.ne", 0x5C; F32Lt = "f32.lt", 0x5D;
    F32Gt = "f32.gt", 0x5E; F32Le = "f32.le", 0x5F; F32Ge = "f32.ge", 0x60;
    F64Eq = "f64.eq", 0x61; F64Ne = "f64.ne", 0x62; F64Lt = "f64.lt", 0x63;
    F64Gt = "f64.gt", 0x64; F64Le = "f64.le", 0x65; F64Ge = "f64.ge", 0x66;
    I32Clz = "i32.clz", 0x67; I32Ctz = "i32.ctz", 0x68; I32Popcnt = "i32.popcnt", 0x69;
    I32Add = "i32.add", 0x6A; I32Sub = "i32.sub", 0x6B; I32Mul = "i32.mul", 0x6C;
    I32DivS = "i32.div_s", 0x6D; I32DivU = "i32.div_u", 0x6E; I32RemS = "i32.rem_s", 0x6F;
    I32RemU = "i32.rem_u", 0x70; I32And = "i32.and", 0x71; I32Or = "i32.or", 0x72;
    I32Xor = "i32.xor", 0x73; I32Shl = "i32.shl", 0x74; I32ShrS = "i32.shr_s", 0x75;
    I32ShrU = "i32.shr_u", 0x76; I32Rotl = "i32.rotl", 0x77; I32Rotr = "i32.rotr", 0x78;
    I64Clz = "i64.clz", 0x79; I64Ctz = "i64.ctz", 0x7A; I64Popcnt = "i64.popcnt", 0x7B;
    I64Add = "i64.add", 0x7C; I64Sub = "i64.sub", 0x7D; I64Mul = "i64.mul", 0x7E;
    I64DivS = "i64.div_s", 0x7F; I64DivU = "i64.div_u", 0x80; I64RemS = "i64.rem_s", 0x81;
    I64RemU = "i64.rem_u", 0x82; I64And = "i64.and", 0x83; I64Or = "i64.or", 0x84;
    I64Xor = "i64.xor", 0x85; I64Shl = "i64.shl", 0x86; I64ShrS = "i64.shr_s", 0x87;
    I64ShrU = "i64.shr_u", 0x88; I64Rotl = "i64.rotl", 0x89; I64Rotr = "i64.rotr", 0x8A;
    F32Abs = "f32.abs", 0x8B; F32Neg = "f32.neg", 0x8C; F32Ceil = "f32.ceil", 0x8D;
    F32Floor = "f32.floor", 0x8E; F32Trunc = "f32.trunc", 0x8F; F32Nearest = "f32.nearest", 0x90;
    F32Sqrt = "f32.sqrt", 0x91; F32Add = "f32.add", 0x92; F32Sub = "f32.sub", 0x93;
    F32Mul = "f32.mul", 0x94; F32Div = "f32.div", 0x95; F32Min = "f32.min", 0x96;
    F32Max = "f32.max", 0x97; F32Copysign = "f32.copysign", 0x98;
    F64Abs = "f64.abs", 0x99; F64Neg = "f64.neg", 0x9A; F64Ceil = "f64.ceil", 0x9B;
    F64Floor = "f64.floor", 0x9C; F64Trunc = "f64.trunc", 0x9D; F64Nearest = "f64.nearest", 0x9E;
    F64Sqrt = "f64.sqrt", 0x9F; F64Add = "f64.add", 0xA0; F64Sub = "f64.sub", 0xA1;
    F64Mul = "f64.mul", 0xA2; F64Div = "f64.div", 0xA3; F64Min = "f64.min", 0xA4;
    F64Max = "f64.max", 0xA5; F64Copysign = "f64.copysign", 0xA6;
    I32WrapI64 = "i32.wrap_i64", 0xA7; I32TruncF32S = "i32.trunc_f32_s", 0xA8;
    I32TruncF32U = "i32.trunc_f32_u", 0xA9; I32TruncF64S = "i32.trunc_f64_s", 0xAA;
    I32TruncF64U = "i32.trunc_f64_u", 0xAB; I64ExtendI32S = "i64.extend_i32_s", 0xAC;
    I64ExtendI32U = "i64.extend_i32_u", 0xAD; I64TruncF32S = "i64.trunc_f32_s", 0xAE;
    I64TruncF32U = "i64.trunc_f32_u", 0xAF; I64TruncF64S = "i64.trunc_f64_s", 0xB0;
    I64TruncF64U = "i64.trunc_f64_u", 0xB1; F32ConvertI32S = "f32.convert_i32_s", 0xB2;
    F32ConvertI32U = "f32.convert_i32_u", 0xB3; F32ConvertI64S = "f32.convert_i64_s", 0xB4;
    F32ConvertI64U = "f32.convert_i64_u", 0xB5; F32DemoteF64 = "f32.demote_f64", 0xB6;
    F64ConvertI32S = "f64.convert_i32_s", 0xB7; F64ConvertI32U = "f64.convert_i32_u", 0xB8;
    F64ConvertI64S = "f64.convert_i64_s", 0xB9; F64ConvertI64U = "f64.convert_i64_u", 0xBA;
    F64PromoteF32 = "f64.promote_f32", 0xBB; I32ReinterpretF32 = "i32.reinterpret_f32", 0xBC;
    I64ReinterpretF64 = "i64.reinterpret_f64", 0xBD; F32ReinterpretI32 = "f32.reinterpret_i32", 0xBE;
    F64ReinterpretI64 = "f64.reinterpret_i64", 0xBF;
    I32Extend8S = "i32.extend8_s", 0xC0; I32Extend16S = "i32.extend16_s", 0xC1;
    I64Extend8S = "i64.extend8_s", 0xC2; I64Extend16S = "i64.extend16_s", 0xC3;
    I64Extend32S = "i64.extend32_s", 0xC4;
    I32TruncSatF32S = "i32.trunc_sat_f32_s", 0xFC00; I32TruncSatF32U = "i32.trunc_sat_f32_u", 0xFC01;
    I32TruncSatF64S = "i32.trunc_sat_f64_s", 0xFC02; I32TruncSatF64U = "i32.trunc_sat_f64_u", 0xFC03;
    I64TruncSatF32S = "i64.trunc_sat_f32_s", 0xFC04; I64TruncSatF32U = "i64.trunc_sat_f32_u", 0xFC05;
    I64TruncSatF64S = "i64.trunc_sat_f64_s", 0xFC06; I64TruncSatF64U = "i64.trunc_sat_f64_u", 0xFC07;
}

macro_rules! mem_ops {
    ($ty:ident { $( $variant:ident = $name:literal, $op:literal, $bytes:literal; )* }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $ty { $($variant),* }
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];
            pub fn name(self) -> &'static str { match self { $($ty::$variant => $name),* } }
            pub fn opcode(self) -> u32 { match self { $($ty::$variant => $op),* } }
            /// Width of the memory access in bytes (the natural alignment).
            pub fn bytes(self) -> u32 { match self { $($ty::$variant => $bytes),* } }
            pub fn from_name(name: &str) -> Option<$ty> {
                match name { $($name => Some($ty::$variant),)* _ => None }
            }
            pub fn from_opcode(op: u32) -> Option<$ty> {
                match op { $($op => Some($ty::$variant),)* _ => None }
            }
        }
    };
}

mem_ops!(LoadOp {
    I32Load = "i32.load", 0x28, 4; I64Load = "i64.load", 0x29, 8;
    F32Load = "f32.load", 0x2A, 4; F64Load = "f64.load", 0x2B, 8;
    I32Load8S = "i32.load8_s", 0x2C, 1; I32Load8U = "i32.load8_u", 0x2D, 1;
    I32Load16S = "i32.load16_s", 0x2E, 2; I32Load16U = "i32.load16_u", 0x2F, 2;
    I64Load8S = "i64.load8_s", 0x30, 1; I64Load8U = "i64.load8_u", 0x31, 1;
    I64Load16S = "i64.load16_s", 0x32, 2; I64Load16U = "i64.load16_u", 0x33, 2;
    I64Load32S = "i64.load32_s", 0x34, 4; I64Load32U = "i64.load32_u", 0x35, 4;
});

mem_ops!(StoreOp {
    I32Store = "i32.store", 0x36, 4; I64Store = "i64.store", 0x37, 8;
    F32Store = "f32.store", 0x38, 4; F64Store = "f64.store", 0x39, 8;
    I32Store8 = "i32.store8", 0x3A, 1; I32Store16 = "i32.store16", 0x3B, 2;
    I64Store8 = "i64.store8", 0x3C, 1; I64Store16 = "i64.store16", 0x3D, 2;
    I64Store32 = "i64.store32", 0x3E, 4;
});

/// One instruction of a flat instruction sequence.
#[derive(Clone, Debug, PartialEq)]
pub enum Instr {
    // Control (2.4.8)
    Unreachable,
    Nop,
    Block(BlockType),
    Loop(BlockType),
    If(BlockType),
    Else,
    End,
    Br(LabelIdx),
    BrIf(LabelIdx),
    BrTable(Box<[LabelIdx]>, LabelIdx),
    BrOnNull(LabelIdx),
    BrOnNonNull(LabelIdx),
    BrOnCast(LabelIdx, RefType, RefType),
    BrOnCastFail(LabelIdx, RefType, RefType),
    Return,
    Call(FuncIdx),
    CallIndirect(TableIdx, TypeIdx),
    CallRef(TypeIdx),
    ReturnCall(FuncIdx),
    ReturnCallIndirect(TableIdx, TypeIdx),
    ReturnCallRef(TypeIdx),
    Throw(TagIdx),
    ThrowRef,
    TryTable(BlockType, Box<[Catch]>),

    // Parametric (2.4.4)
    Drop,
    Select(Option<Box<[ValType]>>),

    // Variable (2.4.5)
    LocalGet(LocalIdx),
    LocalSet(LocalIdx),
    LocalTee(LocalIdx),
    GlobalGet(GlobalIdx),
    GlobalSet(GlobalIdx),

    // Table (2.4.6)
    TableGet(TableIdx),
    TableSet(TableIdx),
    TableSize(TableIdx),
    TableGrow(TableIdx),
    TableFill(TableIdx),
    TableCopy(TableIdx, TableIdx),
    TableInit(TableIdx, ElemIdx),
    ElemDrop(ElemIdx),

    // Memory (2.4.7)
    Load(LoadOp, MemArg),
    Store(StoreOp, MemArg),
    MemorySize(MemIdx),
    MemoryGrow(MemIdx),
    MemoryFill(MemIdx),
    MemoryCopy(MemIdx, MemIdx),
    MemoryInit(MemIdx, DataIdx),
    DataDrop(DataIdx),

    // Reference (2.4.2) and aggregate (2.4.3)
    RefNull(HeapType),
    RefIsNull,
    RefAsNonNull,
    RefFunc(FuncIdx),
    RefEq,
    RefTest(RefType),
    RefCast(RefType),
    RefI31,
    I31GetS,
    I31GetU,
    StructNew(TypeIdx),
    StructNewDefault(TypeIdx),
    StructGet(TypeIdx, FieldIdx),
    StructGetS(TypeIdx, FieldIdx),
    StructGetU(TypeIdx, FieldIdx),
    StructSet(TypeIdx, FieldIdx),
    ArrayNew(TypeIdx),
    ArrayNewDefault(TypeIdx),
    ArrayNewFixed(TypeIdx, u32),
    ArrayNewData(TypeIdx, DataIdx),
    ArrayNewElem(TypeIdx, ElemIdx),
    ArrayGet(TypeIdx),
    ArrayGetS(TypeIdx),
    ArrayGetU(TypeIdx),
    ArraySet(TypeIdx),
    ArrayLen,
    ArrayFill(TypeIdx),
    ArrayCopy(TypeIdx, TypeIdx),
    ArrayInitData(TypeIdx, DataIdx),
    ArrayInitElem(TypeIdx, ElemIdx),
    AnyConvertExtern,
    ExternConvertAny,

    // Numeric (2.4.1)
    I32Const(i32),
    I64Const(i64),
    /// Bit pattern, so that NaN payloads survive.
    F32Const(u32),
    F64Const(u64),
    Num(NumOp),
    /// Vector instructions (the 0xFD prefix), in their own module.
    Simd(crate::simd::Instr),

    // The stack-switching designs plug their instructions in here.
    TypedCont(crate::typed_cont::Instr),
    RawStacks(crate::raw_stacks::Instr),
    EffectHandlers(crate::effect_handlers::Instr),
}

/// A flat instruction sequence, without the final `end` that closes a function body or constant
/// expression. `spans[i]` is the source span of `instrs[i]`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Expr {
    pub instrs: Vec<Instr>,
    pub spans: Vec<Span>,
}

impl Expr {
    pub fn push(&mut self, instr: Instr, span: Span) {
        self.instrs.push(instr);
        self.spans.push(span);
    }
}

// ---------------------------------------------------------------------------------------------
// Modules (2.5)

#[derive(Clone, Debug, PartialEq)]
pub struct Func {
    pub type_idx: TypeIdx,
    pub locals: Vec<ValType>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub ty: TableType,
    /// `None`: every element starts as null (`ref.null` of the element's heap type).
    pub init: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Memory {
    pub ty: MemType,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    pub ty: GlobalType,
    pub init: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    pub ty: TagType,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ElemMode {
    Passive,
    Active { table: TableIdx, offset: Expr },
    Declarative,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Elem {
    pub ty: RefType,
    pub init: Vec<Expr>,
    pub mode: ElemMode,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DataMode {
    Passive,
    Active { mem: MemIdx, offset: Expr },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    pub init: Vec<u8>,
    pub mode: DataMode,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExternIdx {
    Func(FuncIdx),
    Table(TableIdx),
    Mem(MemIdx),
    Global(GlobalIdx),
    Tag(TagIdx),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    pub name: String,
    pub desc: ExternIdx,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportDesc {
    Func(TypeIdx),
    Table(TableType),
    Mem(MemType),
    Global(GlobalType),
    Tag(TagType),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub desc: ImportDesc,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    pub func: FuncIdx,
    pub span: Span,
}

/// A module. Index spaces are as in the spec: imports come first in each space.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Module {
    /// The `$id` of a text module, if any.
    pub id: Option<String>,
    pub types: Vec<RecType>,
    pub imports: Vec<Import>,
    pub funcs: Vec<Func>,
    pub tables: Vec<Table>,
    pub mems: Vec<Memory>,
    pub globals: Vec<Global>,
    pub tags: Vec<Tag>,
    pub exports: Vec<Export>,
    pub start: Option<Start>,
    pub elems: Vec<Elem>,
    pub datas: Vec<Data>,
    /// The binary data count section, if present (text modules: `None`).
    pub data_count: Option<u32>,
    /// Names of definitions, from the text's `$id`s or the binary's name section.
    pub names: Names,
    pub span: Span,
}

/// Names of a module's definitions by index: the text's `$id`s, or the binary's `name` custom
/// section (its module name is `Module::id`). They do not change what the module means; the
/// encoder writes them to a name section and the printer prints them as `$id`s.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Names {
    pub types: std::collections::BTreeMap<TypeIdx, String>,
    pub funcs: std::collections::BTreeMap<FuncIdx, String>,
    /// Per function, its locals' (parameters first) names.
    pub locals: std::collections::BTreeMap<FuncIdx, std::collections::BTreeMap<LocalIdx, String>>,
    /// Per function, its labels' names, by label index: the position of the block, loop, if,
    /// try_table (or effect-handlers' handle) among the function body's label-opening
    /// instructions, counted from 0 in text order (the extended name section's subsection 3).
    pub labels: std::collections::BTreeMap<FuncIdx, std::collections::BTreeMap<u32, String>>,
    pub tables: std::collections::BTreeMap<TableIdx, String>,
    pub mems: std::collections::BTreeMap<MemIdx, String>,
    pub globals: std::collections::BTreeMap<GlobalIdx, String>,
    pub tags: std::collections::BTreeMap<TagIdx, String>,
    pub elems: std::collections::BTreeMap<ElemIdx, String>,
    pub datas: std::collections::BTreeMap<DataIdx, String>,
    /// Per struct type, its fields' names.
    pub fields: std::collections::BTreeMap<TypeIdx, std::collections::BTreeMap<FieldIdx, String>>,
}

impl Names {
    pub fn is_empty(&self) -> bool {
        *self == Names::default()
    }
}

impl Module {
    /// The sub types of the module's type space, in index order.
    pub fn sub_types(&self) -> impl Iterator<Item = &SubType> {
        self.types.iter().flat_map(|r| r.types.iter())
    }
    pub fn sub_type(&self, idx: TypeIdx) -> Option<&SubType> {
        self.sub_types().nth(idx as usize)
    }
    pub fn func_type(&self, idx: TypeIdx) -> Option<&FuncType> {
        match self.sub_type(idx).map(|s| &s.comp) {
            Some(CompType::Func(ft)) => Some(ft),
            _ => None,
        }
    }
}
