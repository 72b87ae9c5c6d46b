//! Typing of the vector instructions (3.3.3), one rule per signature (`Sig`); lane indices are
//! checked against the shape ("invalid lane index").
//!
//! Legend: `k` the instruction checker, `at` the memory's address type, `t` a scalar type.

use super::{Instr, Sig};
use crate::diag::Result;
use crate::syntax::ValType;
use crate::valid::Checker;

const V: ValType = ValType::V128;

pub(crate) fn check_instr(k: &mut Checker, i: &Instr) -> Result<()> {
    let op = i.op();
    let lane_ok = |k: &Checker, lane: u8, lanes: u32| {
        if u32::from(lane) < lanes {
            Ok(())
        } else {
            Err(k.err("invalid lane index"))
        }
    };
    match (op.sig(), i) {
        // v128.const: [] -> [v128]
        (Sig::Const, _) => k.push(V),
        // i8x16.shuffle: [v128 v128] -> [v128], every lane index < 32
        (Sig::Shuffle, Instr::Shuffle(lanes)) => {
            for &l in lanes {
                lane_ok(k, l, 32)?;
            }
            k.pop_vals(&[V, V])?;
            k.push(V);
        }
        // v128.load*: [at] -> [v128]
        (Sig::Load(n), Instr::Mem(_, ma)) => {
            let at = k.memarg(*ma, n)?;
            k.pop_expect(at)?;
            k.push(V);
        }
        // v128.store: [at v128] -> []
        (Sig::Store, Instr::Mem(_, ma)) => {
            let at = k.memarg(*ma, 16)?;
            k.pop_vals(&[at, V])?;
        }
        // v128.loadN_lane: [at v128] -> [v128], lane < 16/N
        (Sig::LoadLane(n), Instr::MemLane(_, ma, lane)) => {
            let at = k.memarg(*ma, n)?;
            lane_ok(k, *lane, 16 / n)?;
            k.pop_vals(&[at, V])?;
            k.push(V);
        }
        // v128.storeN_lane: [at v128] -> [], lane < 16/N
        (Sig::StoreLane(n), Instr::MemLane(_, ma, lane)) => {
            let at = k.memarg(*ma, n)?;
            lane_ok(k, *lane, 16 / n)?;
            k.pop_vals(&[at, V])?;
        }
        // shape.splat: [t] -> [v128]
        (Sig::Splat(t), _) => {
            k.pop_expect(t)?;
            k.push(V);
        }
        // shape.extract_lane: [v128] -> [t]
        (Sig::Extract(t, lanes), Instr::Lane(_, lane)) => {
            lane_ok(k, *lane, u32::from(lanes))?;
            k.pop_expect(V)?;
            k.push(t);
        }
        // shape.replace_lane: [v128 t] -> [v128]
        (Sig::Replace(t, lanes), Instr::Lane(_, lane)) => {
            lane_ok(k, *lane, u32::from(lanes))?;
            k.pop_vals(&[V, t])?;
            k.push(V);
        }
        // vunop: [v128] -> [v128]
        (Sig::Unary, _) => {
            k.pop_expect(V)?;
            k.push(V);
        }
        // vbinop, vrelop, narrow, extmul, dot: [v128 v128] -> [v128]
        (Sig::Binary, _) => {
            k.pop_vals(&[V, V])?;
            k.push(V);
        }
        // vternop: [v128 v128 v128] -> [v128]
        (Sig::Ternary, _) => {
            k.pop_vals(&[V, V, V])?;
            k.push(V);
        }
        // vtestop, bitmask: [v128] -> [i32]
        (Sig::Test, _) => {
            k.pop_expect(V)?;
            k.push(ValType::I32);
        }
        // vshiftop: [v128 i32] -> [v128]
        (Sig::Shift, _) => {
            k.pop_vals(&[V, ValType::I32])?;
            k.push(V);
        }
        // The parsers build each signature with its immediates; anything else is a bug.
        _ => return Err(k.err(format!("malformed vector instruction {}", op.name()))),
    }
    Ok(())
}
