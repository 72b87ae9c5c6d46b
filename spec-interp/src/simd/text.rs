//! Text format of the vector instructions (6.5.10): `v128.const` with its lane shapes,
//! `i8x16.shuffle` with 16 lane indices, lane indices, and memory arguments followed by a lane.

use super::{Instr, Op, Sig};
use crate::diag::{Error, Result, Span};
use crate::text::lexer::Tok;
use crate::text::num;
use crate::text::parser::{ModCtx, Parser, Space};

/// The vector instruction `op` (its keyword already consumed) with its immediates.
pub fn instr(p: &mut Parser<'_>, op: Op, m: &ModCtx) -> Result<Instr> {
    Ok(match op.sig() {
        Sig::Const => Instr::Const(v128_const(p)?),
        Sig::Shuffle => Instr::Shuffle(shuffle_lanes(p)?),
        Sig::Load(n) => Instr::Mem(op, p.memarg(m, n)?),
        Sig::Store => Instr::Mem(op, p.memarg(m, 16)?),
        Sig::LoadLane(n) | Sig::StoreLane(n) => {
            // `op mem? memarg lane`: a leading number is the memory only if a lane follows it.
            let mem_follows = matches!(p.peek(), Some(Tok::Id(_)))
                || matches!(
                    (p.peek(), p.peek_at(1)),
                    (Some(Tok::Num(_)), Some(Tok::Num(_)))
                )
                || matches!((p.peek(), p.peek_at(1)), (Some(Tok::Num(_)), Some(Tok::Keyword(k)))
                    if k.starts_with("offset=") || k.starts_with("align="));
            let mem = if mem_follows {
                p.idx(m, Space::Mem)?
            } else {
                0
            };
            let ma = p.memarg_after_mem(mem, n)?;
            Instr::MemLane(op, ma, lane_idx(p)?)
        }
        Sig::Extract(..) | Sig::Replace(..) => Instr::Lane(op, lane_idx(p)?),
        _ => Instr::Plain(op),
    })
}

/// A lane index: a natural number below 256 (the validator checks it against the shape).
fn lane_idx(p: &mut Parser<'_>) -> Result<u8> {
    let span = p.span();
    match p.peek() {
        Some(Tok::Num(text)) if !text.starts_with(['+', '-']) => {
            let n = num::parse_nat(text).ok_or_else(|| p.unexpected())?;
            p.advance();
            u8::try_from(n).map_err(|_| Error::malformed("malformed lane index", span))
        }
        _ => Err(p.unexpected()),
    }
}

/// `i8x16.shuffle`'s 16 lane indices.
fn shuffle_lanes(p: &mut Parser<'_>) -> Result<[u8; 16]> {
    let span = p.span();
    let mut texts = Vec::new();
    // Float words are numbers too, if malformed lane indices.
    while let Some(Tok::Num(text) | Tok::Keyword(text)) = p.peek() {
        let text = *text;
        if matches!(p.peek(), Some(Tok::Keyword(_))) && !(text == "inf" || text.starts_with("nan"))
        {
            break;
        }
        texts.push((text, p.span()));
        p.advance();
    }
    if texts.len() != 16 {
        return Err(Error::malformed("invalid lane length", span));
    }
    let mut lanes = [0u8; 16];
    for (lane, (text, span)) in lanes.iter_mut().zip(texts) {
        *lane = (!text.starts_with(['+', '-']))
            .then(|| num::parse_nat(text))
            .flatten()
            .and_then(|n| u8::try_from(n).ok())
            .ok_or_else(|| Error::malformed("malformed lane index", span))?;
    }
    Ok(lanes)
}

/// A lane shape of `v128.const`: its lane width in bits and whether its lanes are floats.
pub fn const_shape(kw: &str) -> Option<(u32, bool)> {
    Some(match kw {
        "i8x16" => (8, false),
        "i16x8" => (16, false),
        "i32x4" => (32, false),
        "i64x2" => (64, false),
        "f32x4" => (32, true),
        "f64x2" => (64, true),
        _ => return None,
    })
}

/// The literal tokens of one `v128.const` (as many as there are, so that a wrong count is
/// reported as such): numbers, and for float shapes also `inf`, `nan` and `nan:0x...`, plus
/// `nan:canonical` / `nan:arithmetic` when `patterns` (script results) allows them.
pub fn lane_literals<'a>(p: &mut Parser<'a>, float: bool, patterns: bool) -> Vec<(&'a str, Span)> {
    let mut lits = Vec::new();
    loop {
        let text = match p.peek() {
            Some(Tok::Num(text)) => *text,
            Some(Tok::Keyword(k))
                if float
                    && (*k == "inf"
                        || *k == "nan"
                        || k.starts_with("nan:0x")
                        || (patterns && (*k == "nan:canonical" || *k == "nan:arithmetic"))
                        // not a literal: reported as the unknown word it is, after the count
                        || k.starts_with("nan:")) =>
            {
                *k
            }
            _ => break,
        };
        lits.push((text, p.span()));
        p.advance();
    }
    lits
}

/// `v128.const shape lit*` after the keyword: the 16 bytes.
pub fn v128_const(p: &mut Parser<'_>) -> Result<[u8; 16]> {
    let span = p.span();
    let (bits, float) = p
        .peek_keyword()
        .and_then(const_shape)
        .ok_or_else(|| p.unexpected())?;
    p.advance();
    let lits = lane_literals(p, float, false);
    lanes_to_bytes(bits, float, &lits, span)
}

/// Checks the lane count and converts each literal; float lanes keep their exact bits.
pub fn lanes_to_bytes(
    bits: u32,
    float: bool,
    lits: &[(&str, Span)],
    span: Span,
) -> Result<[u8; 16]> {
    if lits.len() as u32 != 128 / bits {
        return Err(Error::malformed("wrong number of lane literals", span));
    }
    let mut v: u128 = 0;
    for (i, (text, span)) in lits.iter().enumerate() {
        if text.starts_with("nan:") && !text.starts_with("nan:0x") {
            return Err(Error::malformed(format!("unknown operator {text}"), *span));
        }
        let lane = lane_literal(text, bits, float)
            .ok_or_else(|| Error::malformed("constant out of range", *span))?;
        v |= (lane as u128) << (i as u32 * bits);
    }
    Ok(v.to_le_bytes())
}

/// One lane literal as its bit pattern; `None`: out of range or malformed.
pub fn lane_literal(text: &str, bits: u32, float: bool) -> Option<u64> {
    match (float, bits) {
        (false, _) => num::parse_int(text, bits),
        (true, 32) => num::parse_float(text, num::F32),
        (true, _) => num::parse_float(text, num::F64),
    }
}
