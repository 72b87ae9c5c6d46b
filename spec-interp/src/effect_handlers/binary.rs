//! effect-handlers' binary form. The codes are prototype choices, written down in
//! `proposals/effect-handlers/`.

use super::Instr;
use crate::binary::Decoder;
use crate::diag::Result;

/// Decodes the instruction of opcode `op` (already read, at `start`), if it is one of ours.
pub(crate) fn instr(d: &mut Decoder, op: u8, start: usize) -> Result<Option<Instr>> {
    let _ = (d, op, start);
    Ok(None)
}
