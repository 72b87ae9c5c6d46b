//! Binary format of the vector instructions (5.4.10): the 0xFD prefix, then the sub-opcode as
//! a LEB128 `u32`, then the immediates its signature asks for.

use super::{Instr, Op, Sig};
use crate::binary::instr::{illegal2, mem_arg};
use crate::binary::Decoder;
use crate::diag::Result;

/// The instruction after a 0xFD prefix byte at `start`.
pub(crate) fn instr(d: &mut Decoder, start: usize) -> Result<Instr> {
    let sub = d.u32()?;
    let op = Op::from_opcode(sub).ok_or_else(|| illegal2(d, start, 0xFD, sub))?;
    Ok(match op.sig() {
        Sig::Const => Instr::Const(bytes16(d)?),
        Sig::Shuffle => Instr::Shuffle(bytes16(d)?),
        Sig::Load(_) | Sig::Store => Instr::Mem(op, mem_arg(d)?),
        Sig::LoadLane(_) | Sig::StoreLane(_) => {
            let ma = mem_arg(d)?;
            Instr::MemLane(op, ma, d.byte()?)
        }
        Sig::Extract(..) | Sig::Replace(..) => Instr::Lane(op, d.byte()?),
        _ => Instr::Plain(op),
    })
}

fn bytes16(d: &mut Decoder) -> Result<[u8; 16]> {
    let mut b = [0u8; 16];
    for x in &mut b {
        *x = d.byte()?;
    }
    Ok(b)
}
