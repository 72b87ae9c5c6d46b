//! raw-stacks' binary form. The codes are prototype choices, written down in
//! `proposals/raw-stacks/`.

use super::Instr;
use crate::binary::Decoder;
use crate::design::Design;
use crate::diag::Result;
use crate::syntax::{AbsHeapType, CompType};

/// The abstract heap types `stack` / `nostack`, under raw-stacks only.
pub(crate) fn abs_heap_type(code: u8, design: Design) -> Option<AbsHeapType> {
    let _ = (code, design);
    None
}

/// The composite type `stack`, if `code` is its constructor (under raw-stacks only).
pub(crate) fn comp_type(d: &mut Decoder, code: u8) -> Result<Option<CompType>> {
    let _ = (d, code);
    Ok(None)
}

/// Decodes the instruction of opcode `op` (already read, at `start`), if it is one of ours.
pub(crate) fn instr(d: &mut Decoder, op: u8, start: usize) -> Result<Option<Instr>> {
    let _ = (d, op, start);
    Ok(None)
}
