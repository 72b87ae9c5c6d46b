//! Execution of the vector instructions (4.4.3) and the vector numerics (4.3.4 "Vector
//! operations"): each instruction family is one rule, written lane-wise as in the spec.
//!
//! A `v128` is a `u128` (lane 0 in the low bits, as memory is little-endian). A `Shape` cuts it
//! into lanes; `Shape::build` puts lanes back, each taken modulo 2^width, so integer rules can
//! compute in `u64`/`i64` and let `build` wrap. Float lanes are bit patterns and reuse the
//! scalar operators of `exec::numeric` (`lift`): `f32x4.add` is `fadd_32` on each lane, with the
//! same NaN choice. Relaxed instructions compute the behaviour `Relaxed` selects.
//!
//! Legend: `a`, `b`, `c` vector operands in stack order; `x`, `y`, `z` lanes; `sh` the shape of
//! the result, `from` the shape of the operands when it differs; `i` a lane index; `n` a count
//! of bytes; `ma` a memory argument; `rx` the relaxed choice.

use super::{Instr, Op, Relaxed, Sig};
use crate::diag::{Error, Result};
use crate::exec::numeric::{self, nan32, nan64};
use crate::exec::step::{effective, trap, Rule};
use crate::exec::thread::{underflow, Segment};
use crate::exec::Store;
use crate::runtime::Val;
use crate::syntax::NumOp;

/// A lane shape: the lane width in bits and whether lanes are floats (4.3.4 `shape`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub bits: u32,
    pub float: bool,
}

pub const I8X16: Shape = Shape::int(8);
pub const I16X8: Shape = Shape::int(16);
pub const I32X4: Shape = Shape::int(32);
pub const I64X2: Shape = Shape::int(64);
pub const F32X4: Shape = Shape::float(32);
pub const F64X2: Shape = Shape::float(64);

impl Shape {
    const fn int(bits: u32) -> Shape {
        Shape { bits, float: false }
    }
    const fn float(bits: u32) -> Shape {
        Shape { bits, float: true }
    }
    /// The number of lanes.
    pub const fn lanes(self) -> usize {
        (128 / self.bits) as usize
    }
    const fn mask(self) -> u128 {
        (1u128 << self.bits) - 1
    }
    /// Lane `i`, zero-extended (`lanes(v)[i]`, read unsigned).
    pub fn get(self, v: u128, i: usize) -> u64 {
        ((v >> (i as u32 * self.bits)) & self.mask()) as u64
    }
    /// Lane `i`, sign-extended (read signed).
    pub fn get_s(self, v: u128, i: usize) -> i64 {
        let shift = 64 - self.bits;
        ((self.get(v, i) << shift) as i64) >> shift
    }
    /// The vector whose lane `i` is `f(i)` modulo 2^width (`lanes^-1`).
    pub fn build(self, mut f: impl FnMut(usize) -> u64) -> u128 {
        (0..self.lanes()).fold(0, |v, i| {
            v | ((u128::from(f(i)) & self.mask()) << (i as u32 * self.bits))
        })
    }
    /// A lane as the scalar value of its type (`i32`/`i64`/`f32`/`f64` lanes only).
    fn to_val(self, x: u64) -> Val {
        match (self.float, self.bits) {
            (false, 32) => Val::I32(x as u32 as i32),
            (false, _) => Val::I64(x as i64),
            (true, 32) => Val::F32(x as u32),
            (true, _) => Val::F64(x),
        }
    }
}

/// A scalar value as lane bits.
fn from_val(v: &Val) -> u64 {
    match v {
        Val::I32(x) => *x as u32 as u64,
        Val::I64(x) => *x as u64,
        Val::F32(x) => u64::from(*x),
        Val::F64(x) => *x,
        _ => 0,
    }
}

/// The shape an instruction's name starts with (`i8x16.add` -> i8x16); `v128.*` are bitwise.
fn shape_of(op: Op) -> Shape {
    match op.name().as_bytes()[..5] {
        [b'i', b'8', ..] => I8X16,
        [b'i', b'1', b'6', ..] => I16X8,
        [b'i', b'3', b'2', ..] => I32X4,
        [b'i', b'6', b'4', ..] => I64X2,
        [b'f', b'3', b'2', ..] => F32X4,
        [b'f', b'6', b'4', ..] => F64X2,
        _ => I8X16,
    }
}

/// The shape with lanes half as wide (the operands of `extend`, `extmul`, `narrow`'s result...).
fn half(sh: Shape) -> Shape {
    Shape::int(sh.bits / 2)
}

// ---------------------------------------------------------------------------------------------
// Lane-wise combinators: the spec's `lanes^-1(op(lanes(a)...))`.

fn map(sh: Shape, a: u128, f: impl Fn(u64) -> u64) -> u128 {
    sh.build(|i| f(sh.get(a, i)))
}
fn map_s(sh: Shape, a: u128, f: impl Fn(i64) -> i64) -> u128 {
    sh.build(|i| f(sh.get_s(a, i)) as u64)
}
fn zip(sh: Shape, a: u128, b: u128, f: impl Fn(u64, u64) -> u64) -> u128 {
    sh.build(|i| f(sh.get(a, i), sh.get(b, i)))
}
fn zip_s(sh: Shape, a: u128, b: u128, f: impl Fn(i64, i64) -> i64) -> u128 {
    sh.build(|i| f(sh.get_s(a, i), sh.get_s(b, i)) as u64)
}
/// A relation's result lane: all ones when true (4.3.4 `vrelop`).
fn all_ones(t: bool) -> u64 {
    if t {
        u64::MAX
    } else {
        0
    }
}
fn rel(sh: Shape, a: u128, b: u128, f: impl Fn(u64, u64) -> bool) -> u128 {
    zip(sh, a, b, |x, y| all_ones(f(x, y)))
}
fn rel_s(sh: Shape, a: u128, b: u128, f: impl Fn(i64, i64) -> bool) -> u128 {
    sh.build(|i| all_ones(f(sh.get_s(a, i), sh.get_s(b, i))))
}

/// The scalar operator `op` on each lane: lane `i` of the result is `op` of lane `i` of each
/// operand (of shape `from`), or 0 where `from` has no lane `i` (the `_zero` conversions).
fn lift(sh: Shape, from: Shape, op: NumOp, args: &[u128]) -> Result<u128> {
    let mut err = None;
    let v = sh.build(|i| {
        if i >= from.lanes() {
            return 0;
        }
        // unary and binary operators only: no allocation per lane
        let lane = |k: usize| {
            args.get(k)
                .map_or(Val::I32(0), |a| from.to_val(from.get(*a, i)))
        };
        let vals = [lane(0), lane(1)];
        match numeric::eval(op, &vals[..args.len()]) {
            Ok(r) => from_val(&r),
            Err(m) => {
                err = Some(m);
                0
            }
        }
    });
    match err {
        Some(m) => Err(trap(m)),
        None => Ok(v),
    }
}

/// A float relation on each lane (`f32x4.eq`, ...): all ones where the scalar relation holds.
fn frel(sh: Shape, op: NumOp, a: u128, b: u128) -> Result<u128> {
    let mut err = None;
    let v = sh.build(|i| {
        let args = [sh.to_val(sh.get(a, i)), sh.to_val(sh.get(b, i))];
        match numeric::eval(op, &args) {
            Ok(r) => all_ones(from_val(&r) != 0),
            Err(m) => {
                err = Some(m);
                0
            }
        }
    });
    match err {
        Some(m) => Err(trap(m)),
        None => Ok(v),
    }
}

/// `sat_s_N(x)`, `sat_u_N(x)`: clamping to the signed / unsigned range of `bits`.
fn sat_s(bits: u32, x: i64) -> u64 {
    let (lo, hi) = (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1);
    x.clamp(lo, hi) as u64
}
fn sat_u(bits: u32, x: i64) -> u64 {
    x.clamp(0, (1i64 << bits) - 1) as u64
}

fn f32_of(x: u64) -> f32 {
    f32::from_bits(x as u32)
}
fn f64_of(x: u64) -> f64 {
    f64::from_bits(x)
}

fn is_nan(sh: Shape, x: u64) -> bool {
    if sh.bits == 32 {
        f32_of(x).is_nan()
    } else {
        f64_of(x).is_nan()
    }
}

/// `fpmin`/`fpmax` (pseudo-min/max): `b < a ? b : a` and `a < b ? b : a`, NaNs untouched.
fn pmin(sh: Shape, a: u128, b: u128) -> u128 {
    zip(sh, a, b, |x, y| if flt(sh, y, x) { y } else { x })
}
fn pmax(sh: Shape, a: u128, b: u128) -> u128 {
    zip(sh, a, b, |x, y| if flt(sh, x, y) { y } else { x })
}
fn flt(sh: Shape, x: u64, y: u64) -> bool {
    if sh.bits == 32 {
        f32_of(x) < f32_of(y)
    } else {
        f64_of(x) < f64_of(y)
    }
}

/// `fma(x, y, z)` with one rounding (`fused`) or two, and the spec's NaN choice.
fn madd(sh: Shape, x: u64, y: u64, z: u64, fused: bool) -> u64 {
    if sh.bits == 32 {
        let (p, q, r) = (f32_of(x), f32_of(y), f32_of(z));
        let v = if fused { p.mul_add(q, r) } else { p * q + r };
        u64::from(nan32(v, &[x as u32, y as u32, z as u32]))
    } else {
        let (p, q, r) = (f64_of(x), f64_of(y), f64_of(z));
        let v = if fused { p.mul_add(q, r) } else { p * q + r };
        nan64(v, &[x, y, z])
    }
}

/// The sign bit of a float lane of `sh`.
fn sign(sh: Shape) -> u64 {
    1u64 << (sh.bits - 1)
}

// ---------------------------------------------------------------------------------------------
// Instructions without memory: `eval` applies one to its operands (stack order).

/// How many operands an instruction without memory pops.
fn arity(sig: Sig) -> usize {
    match sig {
        Sig::Const => 0,
        Sig::Splat(_) | Sig::Extract(..) | Sig::Unary | Sig::Test => 1,
        Sig::Ternary => 3,
        _ => 2,
    }
}

fn v(x: &Val) -> Result<u128> {
    match x {
        Val::V128(v) => Ok(**v),
        _ => Err(Error::crash("vector operand expected")),
    }
}

/// One reduction of a vector instruction on the top segment (memory instructions read or
/// write the current instance's memory). The rule name is the instruction's.
pub fn step(s: &mut Store, sg: &mut Segment, ia: usize, i: &Instr) -> Result<Rule> {
    let op = i.op();
    let rule = op.name();
    match i {
        Instr::Mem(_, ma) | Instr::MemLane(_, ma, _) => {
            let m = &mut s.mems[s.modules[ia].mems[ma.mem as usize] as usize];
            let lane = match i {
                Instr::MemLane(_, _, l) => usize::from(*l),
                _ => 0,
            };
            match op.sig() {
                Sig::Load(n) => {
                    // v128.load*: read n bytes, widen them into a vector
                    let at = sg.pop_addr()?;
                    let ea = effective(m, at, ma, n as usize)?;
                    let mut w = [0u8; 16];
                    w[..n as usize].copy_from_slice(&m.bytes[ea..ea + n as usize]);
                    let raw = u128::from_le_bytes(w);
                    sg.vals.push(Val::V128(Box::new(load(op, n, raw))));
                }
                Sig::Store => {
                    // v128.store: write the 16 bytes
                    let a = v(&sg.pop()?)?;
                    let at = sg.pop_addr()?;
                    let ea = effective(m, at, ma, 16)?;
                    m.bytes[ea..ea + 16].copy_from_slice(&a.to_le_bytes());
                }
                Sig::LoadLane(n) => {
                    // v128.loadN_lane: replace one lane by n bytes of memory
                    let a = v(&sg.pop()?)?;
                    let at = sg.pop_addr()?;
                    let ea = effective(m, at, ma, n as usize)?;
                    let mut w = [0u8; 8];
                    w[..n as usize].copy_from_slice(&m.bytes[ea..ea + n as usize]);
                    let x = u64::from_le_bytes(w);
                    let sh = Shape::int(n * 8);
                    let r = sh.build(|j| if j == lane { x } else { sh.get(a, j) });
                    sg.vals.push(Val::V128(Box::new(r)));
                }
                Sig::StoreLane(n) => {
                    // v128.storeN_lane: write one lane's n bytes
                    let a = v(&sg.pop()?)?;
                    let at = sg.pop_addr()?;
                    let ea = effective(m, at, ma, n as usize)?;
                    let x = Shape::int(n * 8).get(a, lane);
                    m.bytes[ea..ea + n as usize].copy_from_slice(&x.to_le_bytes()[..n as usize]);
                }
                _ => return Err(Error::crash("memory immediate on a non-memory instruction")),
            }
        }
        _ => {
            let n = arity(op.sig());
            let len = sg.vals.len();
            if len < n {
                return Err(underflow());
            }
            let r = eval(i, &sg.vals[len - n..], s.config.relaxed)?;
            sg.vals.truncate(len - n);
            sg.vals.push(r);
        }
    }
    Ok(rule)
}

/// The vector a load makes of the `n` bytes it read (`raw`, zero-extended).
fn load(op: Op, n: u32, raw: u128) -> u128 {
    use Op::*;
    match op {
        // v128.load, v128.load32_zero, v128.load64_zero: the bytes, zero-extended
        V128Load | V128Load32Zero | V128Load64Zero => raw,
        // v128.loadMxN_s/u: N lanes of M bits, each extended to 2M bits
        V128Load8x8S | V128Load16x4S | V128Load32x2S => {
            let from = Shape::int(op_lane_bits(op));
            let sh = Shape::int(from.bits * 2);
            sh.build(|i| from.get_s(raw, i) as u64)
        }
        V128Load8x8U | V128Load16x4U | V128Load32x2U => {
            let from = Shape::int(op_lane_bits(op));
            let sh = Shape::int(from.bits * 2);
            sh.build(|i| from.get(raw, i))
        }
        // v128.loadN_splat: the N bits in every lane
        _ => Shape::int(n * 8).build(|_| raw as u64),
    }
}

fn op_lane_bits(op: Op) -> u32 {
    match op {
        Op::V128Load8x8S | Op::V128Load8x8U => 8,
        Op::V128Load16x4S | Op::V128Load16x4U => 16,
        _ => 32,
    }
}

/// Applies a vector instruction without memory to its operands (stack order).
pub fn eval(i: &Instr, args: &[Val], rx: Relaxed) -> Result<Val> {
    use Op::*;
    let op = i.op();
    let sh = shape_of(op);
    let vec = |k: usize| v(&args[k]);
    let r: u128 = match (op.sig(), i) {
        // v128.const
        (_, Instr::Const(bytes)) => u128::from_le_bytes(*bytes),
        // i8x16.shuffle: lane i is byte lanes[i] of a ++ b
        (_, Instr::Shuffle(lanes)) => {
            let (a, b) = (vec(0)?, vec(1)?);
            I8X16.build(|i| {
                let k = usize::from(lanes[i]);
                if k < 16 {
                    I8X16.get(a, k)
                } else {
                    I8X16.get(b, k - 16)
                }
            })
        }
        // shape.splat: the scalar in every lane
        (Sig::Splat(_), _) => {
            let x = from_val(&args[0]);
            sh.build(|_| x)
        }
        // shape.extract_lane_sx: one lane as a scalar
        (Sig::Extract(..), Instr::Lane(_, l)) => {
            let (a, l) = (vec(0)?, usize::from(*l));
            return Ok(match op {
                I8x16ExtractLaneS | I16x8ExtractLaneS => Val::I32(sh.get_s(a, l) as i32),
                I8x16ExtractLaneU | I16x8ExtractLaneU => Val::I32(sh.get(a, l) as i32),
                _ => sh.to_val(sh.get(a, l)),
            });
        }
        // shape.replace_lane: one lane replaced by the scalar
        (Sig::Replace(..), Instr::Lane(_, l)) => {
            let (a, x, l) = (vec(0)?, from_val(&args[1]), usize::from(*l));
            sh.build(|j| if j == l { x } else { sh.get(a, j) })
        }
        // vtestop / bitmask
        (Sig::Test, _) => {
            let a = vec(0)?;
            let r = match op {
                // v128.any_true: some bit set
                V128AnyTrue => i32::from(a != 0),
                // shape.all_true: every lane non-zero
                I8x16AllTrue | I16x8AllTrue | I32x4AllTrue | I64x2AllTrue => {
                    i32::from((0..sh.lanes()).all(|i| sh.get(a, i) != 0))
                }
                // shape.bitmask: bit i is lane i's sign
                _ => (0..sh.lanes()).fold(0, |m, i| m | (i32::from(sh.get_s(a, i) < 0) << i)),
            };
            return Ok(Val::I32(r));
        }
        // vshiftop: the count is taken modulo the lane width
        (Sig::Shift, _) => {
            let (a, Val::I32(k)) = (vec(0)?, &args[1]) else {
                return Err(Error::crash("shift count expected"));
            };
            let k = (*k as u32) % sh.bits;
            match op {
                I8x16Shl | I16x8Shl | I32x4Shl | I64x2Shl => map(sh, a, |x| x << k),
                I8x16ShrS | I16x8ShrS | I32x4ShrS | I64x2ShrS => map_s(sh, a, |x| x >> k),
                _ => map(sh, a, |x| x >> k),
            }
        }
        (Sig::Unary, _) => unary(op, sh, vec(0)?, rx)?,
        (Sig::Binary, _) => binary(op, sh, vec(0)?, vec(1)?, rx)?,
        (Sig::Ternary, _) => ternary(op, sh, vec(0)?, vec(1)?, vec(2)?, rx),
        _ => return Err(Error::crash("malformed vector instruction")),
    };
    Ok(Val::V128(Box::new(r)))
}

/// vunop, and the conversions (`extend`, `extadd_pairwise`, `trunc_sat`, `convert`, `demote`,
/// `promote`).
fn unary(op: Op, sh: Shape, a: u128, rx: Relaxed) -> Result<u128> {
    use NumOp as N;
    use Op::*;
    Ok(match op {
        // v128.not
        V128Not => !a,
        // iabs, ineg, ipopcnt
        I8x16Abs | I16x8Abs | I32x4Abs | I64x2Abs => map_s(sh, a, i64::wrapping_abs),
        I8x16Neg | I16x8Neg | I32x4Neg | I64x2Neg => map_s(sh, a, i64::wrapping_neg),
        I8x16Popcnt => map(sh, a, |x| u64::from(x.count_ones())),
        // fabs, fneg: the sign bit only; fsqrt, fceil, ffloor, ftrunc, fnearest: the scalar rules
        F32x4Abs | F64x2Abs => map(sh, a, |x| x & !sign(sh)),
        F32x4Neg | F64x2Neg => map(sh, a, |x| x ^ sign(sh)),
        F32x4Sqrt => lift(sh, sh, N::F32Sqrt, &[a])?,
        F32x4Ceil => lift(sh, sh, N::F32Ceil, &[a])?,
        F32x4Floor => lift(sh, sh, N::F32Floor, &[a])?,
        F32x4Trunc => lift(sh, sh, N::F32Trunc, &[a])?,
        F32x4Nearest => lift(sh, sh, N::F32Nearest, &[a])?,
        F64x2Sqrt => lift(sh, sh, N::F64Sqrt, &[a])?,
        F64x2Ceil => lift(sh, sh, N::F64Ceil, &[a])?,
        F64x2Floor => lift(sh, sh, N::F64Floor, &[a])?,
        F64x2Trunc => lift(sh, sh, N::F64Trunc, &[a])?,
        F64x2Nearest => lift(sh, sh, N::F64Nearest, &[a])?,
        // extend_low/high_sx: the low or high half of the lanes, widened
        I16x8ExtendLowI8x16S | I32x4ExtendLowI16x8S | I64x2ExtendLowI32x4S => {
            sh.build(|i| half(sh).get_s(a, i) as u64)
        }
        I16x8ExtendHighI8x16S | I32x4ExtendHighI16x8S | I64x2ExtendHighI32x4S => {
            sh.build(|i| half(sh).get_s(a, i + sh.lanes()) as u64)
        }
        I16x8ExtendLowI8x16U | I32x4ExtendLowI16x8U | I64x2ExtendLowI32x4U => {
            sh.build(|i| half(sh).get(a, i))
        }
        I16x8ExtendHighI8x16U | I32x4ExtendHighI16x8U | I64x2ExtendHighI32x4U => {
            sh.build(|i| half(sh).get(a, i + sh.lanes()))
        }
        // extadd_pairwise_sx: the sum of each pair of neighbouring narrow lanes
        I16x8ExtaddPairwiseI8x16S | I32x4ExtaddPairwiseI16x8S => {
            let from = half(sh);
            sh.build(|i| (from.get_s(a, 2 * i) + from.get_s(a, 2 * i + 1)) as u64)
        }
        I16x8ExtaddPairwiseI8x16U | I32x4ExtaddPairwiseI16x8U => {
            let from = half(sh);
            sh.build(|i| from.get(a, 2 * i) + from.get(a, 2 * i + 1))
        }
        // trunc_sat, convert, demote, promote: the scalar conversion on each lane
        I32x4TruncSatF32x4S => lift(sh, F32X4, N::I32TruncSatF32S, &[a])?,
        I32x4TruncSatF32x4U => lift(sh, F32X4, N::I32TruncSatF32U, &[a])?,
        I32x4TruncSatF64x2SZero => lift(sh, F64X2, N::I32TruncSatF64S, &[a])?,
        I32x4TruncSatF64x2UZero => lift(sh, F64X2, N::I32TruncSatF64U, &[a])?,
        F32x4ConvertI32x4S => lift(sh, I32X4, N::F32ConvertI32S, &[a])?,
        F32x4ConvertI32x4U => lift(sh, I32X4, N::F32ConvertI32U, &[a])?,
        F64x2ConvertLowI32x4S => lift(sh, I32X4, N::F64ConvertI32S, &[a])?,
        F64x2ConvertLowI32x4U => lift(sh, I32X4, N::F64ConvertI32U, &[a])?,
        F32x4DemoteF64x2Zero => lift(sh, F64X2, N::F32DemoteF64, &[a])?,
        F64x2PromoteLowF32x4 => lift(sh, F32X4, N::F64PromoteF32, &[a])?,
        // relaxed_trunc: trunc_sat; x86 gives 0x80000000 (signed: NaN and out of range) or
        // 0xFFFFFFFF (unsigned: out of range)
        I32x4RelaxedTruncF32x4S
        | I32x4RelaxedTruncF32x4U
        | I32x4RelaxedTruncF64x2SZero
        | I32x4RelaxedTruncF64x2UZero => relaxed_trunc(op, sh, a, rx)?,
        _ => return Err(Error::crash("not a unary vector instruction")),
    })
}

fn relaxed_trunc(op: Op, sh: Shape, a: u128, rx: Relaxed) -> Result<u128> {
    use NumOp as N;
    use Op::*;
    let (from, sat, trapping, unsigned) = match op {
        I32x4RelaxedTruncF32x4S => (F32X4, N::I32TruncSatF32S, N::I32TruncF32S, false),
        I32x4RelaxedTruncF32x4U => (F32X4, N::I32TruncSatF32U, N::I32TruncF32U, true),
        I32x4RelaxedTruncF64x2SZero => (F64X2, N::I32TruncSatF64S, N::I32TruncF64S, false),
        _ => (F64X2, N::I32TruncSatF64U, N::I32TruncF64U, true),
    };
    if rx == Relaxed::Deterministic {
        return lift(sh, from, sat, &[a]);
    }
    let bad = if unsigned {
        u64::from(u32::MAX)
    } else {
        0x8000_0000
    };
    Ok(sh.build(|i| {
        if i >= from.lanes() {
            return 0;
        }
        // where the trapping conversion would trap, x86 returns its "integer indefinite"
        // (unsigned: NaN still gives 0)
        let x = from.get(a, i);
        match numeric::eval(trapping, &[from.to_val(x)]) {
            Ok(r) => from_val(&r),
            Err(_) if unsigned && is_nan(from, x) => 0,
            Err(_) => bad,
        }
    }))
}

/// vbinop, vrelop, and the binary conversions (`narrow`, `extmul`, `dot`).
fn binary(op: Op, sh: Shape, a: u128, b: u128, rx: Relaxed) -> Result<u128> {
    use NumOp as N;
    use Op::*;
    let bits = sh.bits;
    Ok(match op {
        // v128.and, v128.andnot, v128.or, v128.xor
        V128And => a & b,
        V128AndNot => a & !b,
        V128Or => a | b,
        V128Xor => a ^ b,
        // i8x16.swizzle: lane i is a's lane b[i], or 0 when b[i] >= 16
        I8x16Swizzle => swizzle(a, b, false),
        // i8x16.relaxed_swizzle: swizzle; x86 (pshufb) reads index b[i] mod 16 unless its top
        // bit is set
        I8x16RelaxedSwizzle => swizzle(a, b, rx == Relaxed::X86),
        // ieq, ine, ilt_sx, igt_sx, ile_sx, ige_sx
        I8x16Eq | I16x8Eq | I32x4Eq | I64x2Eq => rel(sh, a, b, |x, y| x == y),
        I8x16Ne | I16x8Ne | I32x4Ne | I64x2Ne => rel(sh, a, b, |x, y| x != y),
        I8x16LtS | I16x8LtS | I32x4LtS | I64x2LtS => rel_s(sh, a, b, |x, y| x < y),
        I8x16LtU | I16x8LtU | I32x4LtU => rel(sh, a, b, |x, y| x < y),
        I8x16GtS | I16x8GtS | I32x4GtS | I64x2GtS => rel_s(sh, a, b, |x, y| x > y),
        I8x16GtU | I16x8GtU | I32x4GtU => rel(sh, a, b, |x, y| x > y),
        I8x16LeS | I16x8LeS | I32x4LeS | I64x2LeS => rel_s(sh, a, b, |x, y| x <= y),
        I8x16LeU | I16x8LeU | I32x4LeU => rel(sh, a, b, |x, y| x <= y),
        I8x16GeS | I16x8GeS | I32x4GeS | I64x2GeS => rel_s(sh, a, b, |x, y| x >= y),
        I8x16GeU | I16x8GeU | I32x4GeU => rel(sh, a, b, |x, y| x >= y),
        // feq, fne, flt, fgt, fle, fge: the scalar relations
        F32x4Eq => frel(sh, N::F32Eq, a, b)?,
        F32x4Ne => frel(sh, N::F32Ne, a, b)?,
        F32x4Lt => frel(sh, N::F32Lt, a, b)?,
        F32x4Gt => frel(sh, N::F32Gt, a, b)?,
        F32x4Le => frel(sh, N::F32Le, a, b)?,
        F32x4Ge => frel(sh, N::F32Ge, a, b)?,
        F64x2Eq => frel(sh, N::F64Eq, a, b)?,
        F64x2Ne => frel(sh, N::F64Ne, a, b)?,
        F64x2Lt => frel(sh, N::F64Lt, a, b)?,
        F64x2Gt => frel(sh, N::F64Gt, a, b)?,
        F64x2Le => frel(sh, N::F64Le, a, b)?,
        F64x2Ge => frel(sh, N::F64Ge, a, b)?,
        // iadd, isub, imul: modulo 2^N
        I8x16Add | I16x8Add | I32x4Add | I64x2Add => zip(sh, a, b, u64::wrapping_add),
        I8x16Sub | I16x8Sub | I32x4Sub | I64x2Sub => zip(sh, a, b, u64::wrapping_sub),
        I16x8Mul | I32x4Mul | I64x2Mul => zip(sh, a, b, u64::wrapping_mul),
        // iadd_sat_sx, isub_sat_sx: clamped to the lane's range
        I8x16AddSatS | I16x8AddSatS => zip_s(sh, a, b, |x, y| sat_s(bits, x + y) as i64),
        I8x16AddSatU | I16x8AddSatU => zip(sh, a, b, |x, y| sat_u(bits, (x + y) as i64)),
        I8x16SubSatS | I16x8SubSatS => zip_s(sh, a, b, |x, y| sat_s(bits, x - y) as i64),
        I8x16SubSatU | I16x8SubSatU => zip(sh, a, b, |x, y| sat_u(bits, x as i64 - y as i64)),
        // imin_sx, imax_sx
        I8x16MinS | I16x8MinS | I32x4MinS => zip_s(sh, a, b, i64::min),
        I8x16MinU | I16x8MinU | I32x4MinU => zip(sh, a, b, u64::min),
        I8x16MaxS | I16x8MaxS | I32x4MaxS => zip_s(sh, a, b, i64::max),
        I8x16MaxU | I16x8MaxU | I32x4MaxU => zip(sh, a, b, u64::max),
        // iavgr_u: the rounded-up average
        I8x16AvgrU | I16x8AvgrU => zip(sh, a, b, |x, y| (x + y).div_ceil(2)),
        // iq15mulr_sat_s: the Q15 product, rounded and saturated
        I16x8Q15mulrSatS => zip_s(sh, a, b, |x, y| sat_s(16, (x * y + 0x4000) >> 15) as i64),
        // i16x8.relaxed_q15mulr_s: as q15mulr_sat_s; x86 (pmulhrsw) wraps the one overflow
        I16x8RelaxedQ15mulrS => match rx {
            Relaxed::Deterministic => {
                zip_s(sh, a, b, |x, y| sat_s(16, (x * y + 0x4000) >> 15) as i64)
            }
            Relaxed::X86 => zip_s(sh, a, b, |x, y| (x * y + 0x4000) >> 15),
        },
        // narrow_sx: the lanes of a then of b, each saturated to half width (read signed)
        I8x16NarrowI16x8S | I16x8NarrowI32x4S | I8x16NarrowI16x8U | I16x8NarrowI32x4U => {
            let from = Shape::int(bits * 2);
            let n = from.lanes();
            let signed = matches!(op, I8x16NarrowI16x8S | I16x8NarrowI32x4S);
            sh.build(|i| {
                let x = if i < n {
                    from.get_s(a, i)
                } else {
                    from.get_s(b, i - n)
                };
                if signed {
                    sat_s(bits, x)
                } else {
                    sat_u(bits, x)
                }
            })
        }
        // extmul_low/high_sx: products of the widened low or high halves
        I16x8ExtmulLowI8x16S | I32x4ExtmulLowI16x8S | I64x2ExtmulLowI32x4S => {
            let from = half(sh);
            sh.build(|i| from.get_s(a, i).wrapping_mul(from.get_s(b, i)) as u64)
        }
        I16x8ExtmulHighI8x16S | I32x4ExtmulHighI16x8S | I64x2ExtmulHighI32x4S => {
            let (from, k) = (half(sh), sh.lanes());
            sh.build(|i| from.get_s(a, i + k).wrapping_mul(from.get_s(b, i + k)) as u64)
        }
        I16x8ExtmulLowI8x16U | I32x4ExtmulLowI16x8U | I64x2ExtmulLowI32x4U => {
            let from = half(sh);
            sh.build(|i| from.get(a, i).wrapping_mul(from.get(b, i)))
        }
        I16x8ExtmulHighI8x16U | I32x4ExtmulHighI16x8U | I64x2ExtmulHighI32x4U => {
            let (from, k) = (half(sh), sh.lanes());
            sh.build(|i| from.get(a, i + k).wrapping_mul(from.get(b, i + k)))
        }
        // i32x4.dot_i16x8_s: sums of the products of neighbouring signed lanes
        I32x4DotI16x8S => sh.build(|i| dot_pair(I16X8, a, b, i, false) as u64),
        // i16x8.relaxed_dot_i8x16_i7x16_s: the signed dot product; x86 (pmaddubsw) reads b's
        // lanes unsigned and saturates each sum
        I16x8RelaxedDotI8x16I7x16S => match rx {
            Relaxed::Deterministic => sh.build(|i| dot_pair(I8X16, a, b, i, false) as u64),
            Relaxed::X86 => sh.build(|i| sat_s(16, dot_pair(I8X16, a, b, i, true))),
        },
        // fadd, fsub, fmul, fdiv, fmin, fmax: the scalar operators
        F32x4Add => lift(sh, sh, N::F32Add, &[a, b])?,
        F32x4Sub => lift(sh, sh, N::F32Sub, &[a, b])?,
        F32x4Mul => lift(sh, sh, N::F32Mul, &[a, b])?,
        F32x4Div => lift(sh, sh, N::F32Div, &[a, b])?,
        F32x4Min => lift(sh, sh, N::F32Min, &[a, b])?,
        F32x4Max => lift(sh, sh, N::F32Max, &[a, b])?,
        F64x2Add => lift(sh, sh, N::F64Add, &[a, b])?,
        F64x2Sub => lift(sh, sh, N::F64Sub, &[a, b])?,
        F64x2Mul => lift(sh, sh, N::F64Mul, &[a, b])?,
        F64x2Div => lift(sh, sh, N::F64Div, &[a, b])?,
        F64x2Min => lift(sh, sh, N::F64Min, &[a, b])?,
        F64x2Max => lift(sh, sh, N::F64Max, &[a, b])?,
        // fpmin, fpmax
        F32x4Pmin | F64x2Pmin => pmin(sh, a, b),
        F32x4Pmax | F64x2Pmax => pmax(sh, a, b),
        // relaxed_min/max: fmin/fmax; x86 (minps/maxps) gives b when either is NaN or both
        // are zeros
        F32x4RelaxedMin | F32x4RelaxedMax | F64x2RelaxedMin | F64x2RelaxedMax => {
            let min = matches!(op, F32x4RelaxedMin | F64x2RelaxedMin);
            match (rx, sh.bits, min) {
                (Relaxed::Deterministic, 32, true) => lift(sh, sh, N::F32Min, &[a, b])?,
                (Relaxed::Deterministic, 32, false) => lift(sh, sh, N::F32Max, &[a, b])?,
                (Relaxed::Deterministic, _, true) => lift(sh, sh, N::F64Min, &[a, b])?,
                (Relaxed::Deterministic, _, false) => lift(sh, sh, N::F64Max, &[a, b])?,
                (Relaxed::X86, _, true) => zip(sh, a, b, |x, y| if flt(sh, x, y) { x } else { y }),
                (Relaxed::X86, _, false) => zip(sh, a, b, |x, y| if flt(sh, y, x) { x } else { y }),
            }
        }
        _ => return Err(Error::crash("not a binary vector instruction")),
    })
}

/// `a[2i]*b[2i] + a[2i+1]*b[2i+1]` over lanes of `from`, signed (b unsigned if `b_unsigned`).
fn dot_pair(from: Shape, a: u128, b: u128, i: usize, b_unsigned: bool) -> i64 {
    let bl = |k| {
        if b_unsigned {
            from.get(b, k) as i64
        } else {
            from.get_s(b, k)
        }
    };
    from.get_s(a, 2 * i) * bl(2 * i) + from.get_s(a, 2 * i + 1) * bl(2 * i + 1)
}

fn swizzle(a: u128, b: u128, x86: bool) -> u128 {
    I8X16.build(|i| {
        let k = I8X16.get(b, i) as usize;
        match (x86, k) {
            (true, k) if k & 0x80 == 0 => I8X16.get(a, k & 15),
            (false, k) if k < 16 => I8X16.get(a, k),
            _ => 0,
        }
    })
}

/// vternop: bitselect, relaxed multiply-add, lane select, dot product with accumulation.
fn ternary(op: Op, sh: Shape, a: u128, b: u128, c: u128, rx: Relaxed) -> u128 {
    use Op::*;
    let fused = rx == Relaxed::Deterministic;
    match op {
        // v128.bitselect: bits of a where c is 1, of b where c is 0
        V128Bitselect => (a & c) | (b & !c),
        // relaxed_laneselect: bitselect; x86 picks whole lanes by the top bit of c's lane
        I8x16RelaxedLaneselect
        | I16x8RelaxedLaneselect
        | I32x4RelaxedLaneselect
        | I64x2RelaxedLaneselect => match rx {
            Relaxed::Deterministic => (a & c) | (b & !c),
            Relaxed::X86 => sh.build(|i| {
                if sh.get_s(c, i) < 0 {
                    sh.get(a, i)
                } else {
                    sh.get(b, i)
                }
            }),
        },
        // relaxed_madd: a*b + c, fused (one rounding); x86 without FMA rounds twice
        F32x4RelaxedMadd | F64x2RelaxedMadd => {
            sh.build(|i| madd(sh, sh.get(a, i), sh.get(b, i), sh.get(c, i), fused))
        }
        // relaxed_nmadd: -(a*b) + c
        F32x4RelaxedNmadd | F64x2RelaxedNmadd => sh.build(|i| {
            madd(
                sh,
                sh.get(a, i) ^ sign(sh),
                sh.get(b, i),
                sh.get(c, i),
                fused,
            )
        }),
        // i32x4.relaxed_dot_i8x16_i7x16_add_s: sums of four signed byte products, plus c; x86
        // reads b's lanes unsigned and saturates the pairwise i16 sums
        _ => sh.build(|i| {
            let pair = |k: usize| match rx {
                Relaxed::Deterministic => dot_pair(I8X16, a, b, k, false),
                Relaxed::X86 => sat_s(16, dot_pair(I8X16, a, b, k, true)) as i16 as i64,
            };
            (pair(2 * i) + pair(2 * i + 1) + sh.get_s(c, i)) as u64
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn shapes_cut_and_build_lanes() {
        let v = u128::from_le_bytes([
            0x01, 0x80, 0xff, 0x7f, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0xf0,
        ]);
        assert_eq!(I8X16.get(v, 1), 0x80);
        assert_eq!(I8X16.get_s(v, 1), -128);
        assert_eq!(I8X16.get_s(v, 3), 127);
        assert_eq!(I16X8.get(v, 0), 0x8001);
        assert_eq!(I16X8.get_s(v, 0), -32767);
        assert_eq!(
            I64X2.get_s(v, 1),
            i64::from_le_bytes([8, 9, 10, 11, 12, 13, 14, 0xf0])
        );
        // build takes each lane modulo 2^width and is the inverse of get
        for sh in [I8X16, I16X8, I32X4, I64X2, F32X4, F64X2] {
            assert_eq!(sh.build(|i| sh.get(v, i)), v);
            assert_eq!(sh.build(|i| sh.get_s(v, i) as u64), v);
        }
        assert_eq!(I8X16.build(|i| 0x100 + i as u64), I8X16.build(|i| i as u64));
    }

    fn run(op: Op, args: &[Val], rx: Relaxed) -> u128 {
        match eval(&Instr::Plain(op), args, rx) {
            Ok(Val::V128(v)) => *v,
            other => panic!("{}: {other:?}", op.name()),
        }
    }

    #[test]
    fn lane_rules() {
        let v = |lanes: [i16; 8]| Val::V128(Box::new(I16X8.build(|i| lanes[i] as u64)));
        let a = v([i16::MIN, -1, 0, 1, i16::MAX, 100, -100, 7]);
        let b = v([-1, -1, 1, 1, 1, 100, 100, 0]);
        let d = Relaxed::Deterministic;
        assert_eq!(
            run(Op::I16x8AddSatS, &[a.clone(), b.clone()], d),
            I16X8.build(|i| [i16::MIN, -2, 1, 2, i16::MAX, 200, 0, 7][i] as u64)
        );
        assert_eq!(
            run(Op::I16x8SubSatU, &[a.clone(), b.clone()], d),
            I16X8.build(|i| [0, 0, 0, 0, 0x7ffe, 0, 0xff9c - 100, 7][i] as u64)
        );
        assert_eq!(
            run(Op::I16x8MinS, &[a.clone(), b.clone()], d),
            I16X8.build(|i| [i16::MIN, -1, 0, 1, 1, 100, -100, 0][i] as u64)
        );
        // narrow: a's lanes then b's, each saturated to i8 (signed) or u8 (unsigned)
        assert_eq!(
            run(Op::I8x16NarrowI16x8U, &[a.clone(), b.clone()], d),
            I8X16.build(|i| [0, 0, 0, 1, 255, 100, 0, 7, 0, 0, 1, 1, 1, 100, 100, 0][i])
        );
        // shifts take the count modulo the lane width
        assert_eq!(
            run(Op::I16x8ShrS, &[a.clone(), Val::I32(17)], d),
            run(Op::I16x8ShrS, &[a, Val::I32(1)], d)
        );
    }

    #[test]
    fn float_lanes_reuse_the_scalar_nan_choice() {
        let nan_payload: u32 = 0x7fa0_0001; // a signalling NaN with a payload
        let a = Val::V128(Box::new(
            F32X4.build(|i| [nan_payload as u64, 0, 0x3f80_0000, 0][i]),
        ));
        let b = Val::V128(Box::new(
            F32X4.build(|i| [0x3f80_0000, 0x7fc0_0000, 0x3f80_0000, 0][i]),
        ));
        let r = run(Op::F32x4Add, &[a, b], Relaxed::Deterministic);
        // the NaN operand, quieted; the canonical NaN; 2.0; 0 + 0
        assert_eq!(
            r,
            F32X4.build(|i| [0x7fe0_0001, 0x7fc0_0000, 0x4000_0000, 0][i])
        );
    }
}
