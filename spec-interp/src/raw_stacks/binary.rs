//! raw-stacks' binary form: prototype codes, written down in `proposals/raw-stacks/` (2.3, 3.1).

use super::Instr;
use crate::binary::{Decoder, Encoder};
use crate::design::Design;
use crate::diag::Result;
use crate::syntax::{AbsHeapType, CompType, RefType, ValType};

/// The abstract heap types `stack` (0x5B) and `nostack` (0x5A), under raw-stacks only.
pub(crate) fn abs_heap_type(code: u8, design: Design) -> Option<AbsHeapType> {
    match (design, code) {
        (Design::RawStacks, 0x5B) => Some(AbsHeapType::Stack),
        (Design::RawStacks, 0x5A) => Some(AbsHeapType::NoStack),
        _ => None,
    }
}

/// The composite type `stack t* rt` (`0x5C vec(valtype) reftype`), under raw-stacks only.
pub(crate) fn comp_type(d: &mut Decoder, code: u8) -> Result<Option<CompType>> {
    if d.design != Design::RawStacks || code != 0x5C {
        return Ok(None);
    }
    let params = d.vec(Decoder::val_type)?;
    let ret = d.ref_type()?;
    Ok(Some(CompType::Stack { params, ret }))
}

/// The instructions: prefix 0xE7, then a u32 sub-opcode.
pub(crate) fn instr(d: &mut Decoder, op: u8, start: usize) -> Result<Option<Instr>> {
    if op != 0xE7 {
        return Ok(None);
    }
    let sub = d.u32()?;
    Ok(Some(match sub {
        0x00 => Instr::StackNew(d.idx()?, d.idx()?),
        0x01 => Instr::StackNewRef(d.idx()?),
        0x02 => Instr::StackSwitch(d.idx()?),
        0x03 => Instr::StackSwitchRetire(d.idx()?),
        0x04 => Instr::StackBind(d.idx()?, d.idx()?),
        0x05 => Instr::StackRelease(d.idx()?),
        0x06 => Instr::StackSwitchThrow(d.idx()?, d.idx()?),
        _ => return Err(d.error_at(start, format!("illegal opcode e7 {sub:02x}"))),
    }))
}

/// The codes of `stack` and `nostack`, for the encoder.
pub(crate) const STACK_CODE: u8 = 0x5B;
pub(crate) const NOSTACK_CODE: u8 = 0x5A;

/// `stack t* rt`: `0x5C vec(valtype) reftype`.
pub(crate) fn encode_stack_type(e: &mut Encoder, params: &[ValType], ret: RefType) {
    e.byte(0x5C);
    e.vec(params, |e, t| e.val_type(*t));
    e.ref_type(ret);
}

/// The inverse of `instr`.
pub(crate) fn encode_instr(e: &mut Encoder, i: &Instr) {
    let (sub, imms): (u32, &[u32]) = match i {
        Instr::StackNew(s, f) => (0x00, &[*s, *f]),
        Instr::StackNewRef(s) => (0x01, &[*s]),
        Instr::StackSwitch(s) => (0x02, &[*s]),
        Instr::StackSwitchRetire(s) => (0x03, &[*s]),
        Instr::StackBind(a, b) => (0x04, &[*a, *b]),
        Instr::StackRelease(s) => (0x05, &[*s]),
        Instr::StackSwitchThrow(s, tag) => (0x06, &[*s, *tag]),
    };
    e.byte(0xE7);
    e.u32(sub);
    for x in imms {
        e.idx(*x);
    }
}
