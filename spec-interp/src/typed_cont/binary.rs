//! typed-cont's binary form: opcodes 0xE0..=0xE6 (the proposal's Explainer, "Binary format").

use super::{Handler, Instr};
use crate::binary::{Decoder, Encoder};
use crate::diag::Result;

/// Decodes the instruction of opcode `op` (already read, at `start`), if it is one of ours.
pub(crate) fn instr(d: &mut Decoder, op: u8, _start: usize) -> Result<Option<Instr>> {
    Ok(Some(match op {
        0xE0 => Instr::ContNew(d.idx()?),
        0xE1 => Instr::ContBind(d.idx()?, d.idx()?),
        0xE2 => Instr::Suspend(d.idx()?),
        0xE3 => Instr::Resume(d.idx()?, handlers(d)?),
        0xE4 => Instr::ResumeThrow(d.idx()?, d.idx()?, handlers(d)?),
        0xE5 => Instr::ResumeThrowRef(d.idx()?, handlers(d)?),
        0xE6 => Instr::Switch(d.idx()?, d.idx()?),
        _ => return Ok(None),
    }))
}

/// `hdl*`: `0x00 tag label` is `(on $e $l)`, `0x01 tag` is `(on $e switch)`.
fn handlers(d: &mut Decoder) -> Result<Box<[Handler]>> {
    let handlers = d.vec(|d| {
        let start = d.pos();
        match d.byte()? {
            0x00 => Ok(Handler::OnLabel(d.idx()?, d.idx()?)),
            0x01 => Ok(Handler::OnSwitch(d.idx()?)),
            _ => Err(d.error_at(start, "ON opcode expected")),
        }
    })?;
    Ok(handlers.into_boxed_slice())
}

/// `cont $ft`: `0x5D` and the type index as a non-negative s33.
pub(crate) fn encode_cont_type(e: &mut Encoder, ft: u32) {
    e.byte(0x5D);
    e.s64(i64::from(ft));
}

/// The inverse of `instr`.
pub(crate) fn encode_instr(e: &mut Encoder, i: &Instr) {
    let handlers = |e: &mut Encoder, hs: &[Handler]| {
        e.vec(hs, |e, h| match *h {
            Handler::OnLabel(tag, label) => {
                e.byte(0x00);
                e.idx(tag);
                e.idx(label);
            }
            Handler::OnSwitch(tag) => {
                e.byte(0x01);
                e.idx(tag);
            }
        })
    };
    match i {
        Instr::ContNew(x) => {
            e.byte(0xE0);
            e.idx(*x);
        }
        Instr::ContBind(x, y) => {
            e.byte(0xE1);
            e.idx(*x);
            e.idx(*y);
        }
        Instr::Suspend(x) => {
            e.byte(0xE2);
            e.idx(*x);
        }
        Instr::Resume(x, hs) => {
            e.byte(0xE3);
            e.idx(*x);
            handlers(e, hs);
        }
        Instr::ResumeThrow(x, tag, hs) => {
            e.byte(0xE4);
            e.idx(*x);
            e.idx(*tag);
            handlers(e, hs);
        }
        Instr::ResumeThrowRef(x, hs) => {
            e.byte(0xE5);
            e.idx(*x);
            handlers(e, hs);
        }
        Instr::Switch(x, tag) => {
            e.byte(0xE6);
            e.idx(*x);
            e.idx(*tag);
        }
    }
}
