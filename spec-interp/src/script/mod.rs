//! Scripts (the `.wast` language of the official test suite): their abstract syntax here, the
//! runner in `run`.

pub mod run;

use crate::design::Design;
use crate::diag::Span;
use crate::syntax::{HeapType, Module};

/// A parsed `.wast` script.
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
    /// `(either r1 r2 ...)`
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

#[derive(Clone, Debug, PartialEq)]
pub enum CommandKind {
    /// `(module ...)`, `(module definition ...)`.
    Module(ScriptModule),
    /// `(module instance $inst $def)`
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
    /// `(assert_trap (module ...) "msg")`: instantiation traps.
    AssertUninstantiable {
        module: ScriptModule,
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
        module: ScriptModule,
        message: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub kind: CommandKind,
    pub span: Span,
}
