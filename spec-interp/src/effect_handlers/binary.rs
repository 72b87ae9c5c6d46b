//! effect-handlers' binary form: prototype codes, written down in `proposals/effect-handlers/`
//! (3.2). A handle block is flat: `E8 01 bt body (E8 02 e k clause)* 0B`; the core decoder
//! checks that an `on` sits at the top level of an open handle.

use super::Instr;
use crate::binary::{Decoder, Encoder};
use crate::diag::Result;

/// The instructions: prefix 0xE8, then a u32 sub-opcode.
pub(crate) fn instr(d: &mut Decoder, op: u8, start: usize) -> Result<Option<Instr>> {
    if op != 0xE8 {
        return Ok(None);
    }
    let sub = d.u32()?;
    Ok(Some(match sub {
        0x00 => Instr::Perform(d.idx()?),
        0x01 => Instr::Handle(d.block_type()?),
        0x02 => Instr::On(d.idx()?, d.idx()?),
        0x03 => Instr::Continue(d.idx()?),
        0x04 => Instr::Discontinue(d.idx()?, d.idx()?),
        0x05 => Instr::DiscontinueRef(d.idx()?),
        _ => return Err(d.error_at(start, format!("illegal opcode e8 {sub:02x}"))),
    }))
}

/// The inverse of `instr`.
pub(crate) fn encode_instr(e: &mut Encoder, i: &Instr) {
    e.byte(0xE8);
    match i {
        Instr::Perform(tag) => {
            e.u32(0x00);
            e.idx(*tag);
        }
        Instr::Handle(bt) => {
            e.u32(0x01);
            e.block_type(*bt);
        }
        Instr::On(tag, k) => {
            e.u32(0x02);
            e.idx(*tag);
            e.idx(*k);
        }
        Instr::Continue(k) => {
            e.u32(0x03);
            e.idx(*k);
        }
        Instr::Discontinue(k, tag) => {
            e.u32(0x04);
            e.idx(*k);
            e.idx(*tag);
        }
        Instr::DiscontinueRef(k) => {
            e.u32(0x05);
            e.idx(*k);
        }
    }
}
