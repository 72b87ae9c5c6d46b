//! Scripts (the `.wast` language of the official test suite): their abstract syntax here, the
//! runner in `run`.

pub mod run;

use crate::design::Design;
use crate::diag::{Error, Span};
use crate::syntax::{HeapType, Module};

/// A parsed `.wast` script. The commands of a `(script $id? ...)` meta command are flattened
/// into the list: they run in place, and the name only matters to `output`.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    /// From a leading `;;! design = "..."` line, if any.
    pub design: Option<Design>,
    pub commands: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ModuleSource {
    /// `(module ...)`: already parsed; text-level errors were reported by the parser.
    Text(Box<Module>),
    /// `(module binary "...")`: decoded when the command runs.
    Binary(Vec<u8>),
    /// `(module quote "...")`: parsed when the command runs.
    Quote(String),
}

/// A module as it appears in a script.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptModule {
    /// `$id` naming the module (or the definition, for `module definition`).
    pub id: Option<String>,
    /// `(module definition ...)`: defined, not instantiated.
    pub definition: bool,
    pub source: ModuleSource,
    pub span: Span,
}

/// A constant argument or result value of a script.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    /// `ref.null ht`
    RefNull(HeapType),
    /// `ref.host n`: a host reference in the `any` hierarchy.
    RefHost(u32),
    /// `ref.extern n`: a host reference converted to `extern`.
    RefExtern(u32),
}

/// The lane shape of a `v128.const`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VecShape {
    I8x16,
    I16x8,
    I32x4,
    I64x2,
    F32x4,
    F64x2,
}

impl VecShape {
    pub fn from_name(name: &str) -> Option<VecShape> {
        Some(match name {
            "i8x16" => VecShape::I8x16,
            "i16x8" => VecShape::I16x8,
            "i32x4" => VecShape::I32x4,
            "i64x2" => VecShape::I64x2,
            "f32x4" => VecShape::F32x4,
            "f64x2" => VecShape::F64x2,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            VecShape::I8x16 => "i8x16",
            VecShape::I16x8 => "i16x8",
            VecShape::I32x4 => "i32x4",
            VecShape::I64x2 => "i64x2",
            VecShape::F32x4 => "f32x4",
            VecShape::F64x2 => "f64x2",
        }
    }

    /// Bits per lane.
    pub fn lane_bits(self) -> u32 {
        match self {
            VecShape::I8x16 => 8,
            VecShape::I16x8 => 16,
            VecShape::I32x4 | VecShape::F32x4 => 32,
            VecShape::I64x2 | VecShape::F64x2 => 64,
        }
    }

    pub fn lanes(self) -> usize {
        (128 / self.lane_bits()) as usize
    }
}

/// One lane of an expected `v128.const` result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LanePat {
    /// An integer lane, as its bits (the lane's width, either sign written).
    Int(u64),
    F32(NanPat<u32>),
    F64(NanPat<u64>),
}

/// An expected float result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NanPat<T> {
    Value(T),
    /// `nan:canonical`
    Canonical,
    /// `nan:arithmetic`
    Arithmetic,
}

/// An expected result of `assert_return`.
#[derive(Clone, Debug, PartialEq)]
pub enum ResultPat {
    I32(i32),
    I64(i64),
    F32(NanPat<u32>),
    F64(NanPat<u64>),
    /// `v128.const shape pat*`: each lane a value, or for float shapes also a NaN pattern.
    V128(V128Pat),
    /// `ref.null` with a heap type, or without (`(ref.null)`: any null).
    RefNull(Option<HeapType>),
    /// `ref.host n`
    RefHost(u32),
    /// `ref.extern n`, or `(ref.extern)`: any non-null extern reference.
    RefExtern(Option<u32>),
    /// `(ref.func)`, `(ref.struct)`, `(ref.array)`, `(ref.i31)`, `(ref.eq)`, `(ref.any)`,
    /// `(ref.exn)`, `(ref.null?)`... : a non-null reference of that abstract kind.
    RefKind(crate::syntax::AbsHeapType),
    /// `(ref)`: as in the reference interpreter, any reference except a function reference
    /// (null included).
    RefAny,
    /// `(either r1 r2 ...)`; a nested `either` is flattened into its parent (same meaning).
    Either(Vec<ResultPat>),
}

/// An expected `v128` result, lane by lane.
#[derive(Clone, Debug, PartialEq)]
pub enum V128Pat {
    /// Integer shapes: the exact bits (written in the shape's lanes, kept for messages).
    Int { bits: u32, value: u128 },
    /// `f32x4` lanes.
    F32([NanPat<u32>; 4]),
    /// `f64x2` lanes.
    F64([NanPat<u64>; 2]),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Invoke {
        module: Option<String>,
        name: String,
        args: Vec<Const>,
        span: Span,
    },
    Get {
        module: Option<String>,
        name: String,
        span: Span,
    },
}

impl Action {
    pub fn span(&self) -> Span {
        match self {
            Action::Invoke { span, .. } | Action::Get { span, .. } => *span,
        }
    }
}

/// What `assert_unlinkable` and `assert_trap` instantiate.
#[derive(Clone, Debug, PartialEq)]
pub enum Instantiation {
    /// `(module ...)` written in place: defined (it becomes the latest module definition, as in
    /// the reference interpreter), then instantiated. Never a `module definition`.
    Module(ScriptModule),
    /// `(module instance $inst? $def?)`: the definition `$def`, else the latest one. `$inst` is
    /// allowed by the grammar but names nothing, since the instantiation is meant to fail.
    Instance {
        instance: Option<String>,
        module: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum CommandKind {
    /// `(module ...)`, `(module definition ...)`.
    Module(ScriptModule),
    /// `(module instance $inst? $def?)`: instantiates the definition `$def` (else the latest
    /// one) as `$inst` (else unnamed); with one name, the name is the definition's.
    ModuleInstance {
        instance: Option<String>,
        module: Option<String>,
    },
    /// `(register "name" $mod?)`
    Register {
        name: String,
        module: Option<String>,
    },
    Action(Action),
    AssertReturn {
        action: Action,
        results: Vec<ResultPat>,
    },
    AssertTrap {
        action: Action,
        message: String,
    },
    /// `(assert_trap (module ...) "msg")`, `(assert_trap (module instance ...) "msg")`:
    /// instantiation traps.
    AssertUninstantiable {
        module: Instantiation,
        message: String,
    },
    AssertExhaustion {
        action: Action,
        message: String,
    },
    AssertException {
        action: Action,
    },
    AssertSuspension {
        action: Action,
        message: String,
    },
    AssertInvalid {
        module: ScriptModule,
        message: String,
    },
    AssertMalformed {
        module: ScriptModule,
        message: String,
    },
    AssertUnlinkable {
        module: Instantiation,
        message: String,
    },
    /// `assert_malformed_custom`: a custom section or annotation is malformed.
    AssertMalformedCustom {
        module: ScriptModule,
        message: String,
    },
    /// `assert_invalid_custom`: a custom section or annotation is invalid.
    AssertInvalidCustom {
        module: ScriptModule,
        message: String,
    },
    /// `(input $id? "file")`: runs a `.wast` script, or defines (without instantiating) a
    /// `.wat` or `.wasm` module, from a file (a relative path is taken from the script's
    /// folder).
    Input {
        id: Option<String>,
        path: String,
    },
    /// `(output $id? "file"?)`: writes a module out; Switchyard does not (the directive is
    /// skipped with that reason).
    Output {
        id: Option<String>,
        path: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub kind: CommandKind,
    pub span: Span,
}

/// A top-level form of a script that could not be read: the parser records it and goes on with
/// the next form, so it fails alone (see `text::parse_script_recovering`).
#[derive(Clone, Debug, PartialEq)]
pub struct BrokenForm {
    /// The form, from its `(` to its `)` (or to where the next form starts); for text outside
    /// any form, that text.
    pub span: Span,
    /// The directive's keyword (`module`, `assert_return`, ...), or `script` when the text is
    /// no directive.
    pub keyword: String,
    pub error: Error,
}

impl CommandKind {
    /// The module written in this command, if any (a `module`, or the module of an assertion).
    pub fn script_module(&self) -> Option<&ScriptModule> {
        match self {
            CommandKind::Module(m)
            | CommandKind::AssertInvalid { module: m, .. }
            | CommandKind::AssertMalformed { module: m, .. }
            | CommandKind::AssertInvalidCustom { module: m, .. }
            | CommandKind::AssertMalformedCustom { module: m, .. }
            | CommandKind::AssertUnlinkable {
                module: Instantiation::Module(m),
                ..
            }
            | CommandKind::AssertUninstantiable {
                module: Instantiation::Module(m),
                ..
            } => Some(m),
            _ => None,
        }
    }
}
