//! Runtime structure (spec chapter 4.2): values, addresses and the store.

use crate::syntax::AbsHeapType;

pub type Addr = u32;

/// A reference value.
#[derive(Clone, Debug, PartialEq)]
pub enum Ref {
    /// A null reference; the heap type is the bottom of its hierarchy (`none`, `nofunc`,
    /// `noextern`, `noexn`, `nocont`, `nostack`).
    Null(AbsHeapType),
    I31(i32),
    Struct(Addr),
    Array(Addr),
    Func(Addr),
    Exn(Addr),
    /// `ref.host n` of the script language: a host reference in the `any` hierarchy.
    Host(u32),
    /// `extern.convert_any r` of a non-null internal reference (`ref.extern n` is
    /// `Extern(Host(n))`); `any.convert_extern` unwraps it.
    Extern(Box<Ref>),
    /// typed-cont / effect-handlers continuation: slot and generation. Slots of consumed
    /// continuations are reused; a stale generation means "continuation already consumed".
    Cont(Addr, u32),
    /// raw-stacks stack: slot and generation, as for `Cont`.
    Stack(Addr, u32),
}

/// A value (4.2.1).
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    /// Bit pattern.
    F32(u32),
    /// Bit pattern.
    F64(u64),
    /// Bit pattern, boxed: every value on a stack or in a local is as big as the biggest
    /// variant, and a 16-byte payload would make all of them 32 bytes instead of 16
    /// (`docs/gc.md`, "What a frame costs"). Vector code pays an allocation per vector instead.
    V128(Box<u128>),
    Ref(Ref),
}
