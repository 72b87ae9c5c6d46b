//! Instructions (spec 5.4), decoded into a flat sequence by a loop that keeps the open
//! constructs on an explicit stack: nesting depth costs heap, never Rust stack.

use super::{values, Decoder};
use crate::design::Design;
use crate::diag::Result;
use crate::syntax::{Catch, Expr, Instr, LoadOp, MemArg, NumOp, RefType, StoreOp};

/// A construct opened by a structured instruction and not yet closed by `end`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    /// `block`, `loop`, `try_table`: only `end` closes it.
    Block,
    /// `if` before its `else`.
    If,
    /// `if` after its `else`.
    Else,
    /// effect-handlers `handle`: `on` clauses may follow the body.
    Handle,
}

/// `expr`: instructions up to the `end` that closes the sequence (consumed, not returned).
pub(crate) fn expr(d: &mut Decoder) -> Result<Expr> {
    let mut code = Expr::default();
    let mut open: Vec<Open> = Vec::new();
    loop {
        let start = d.pos();
        let op = d.byte()?;
        let instr = match op {
            0x0B => match open.pop() {
                None => return Ok(code),
                Some(_) => Instr::End,
            },
            0x05 => match open.last_mut() {
                Some(top @ Open::If) => {
                    *top = Open::Else;
                    Instr::Else
                }
                _ => return Err(d.error_at(start, "END opcode expected")),
            },
            0x02 => {
                open.push(Open::Block);
                Instr::Block(d.block_type()?)
            }
            0x03 => {
                open.push(Open::Block);
                Instr::Loop(d.block_type()?)
            }
            0x04 => {
                open.push(Open::If);
                Instr::If(d.block_type()?)
            }
            0x1F => {
                open.push(Open::Block);
                let bt = d.block_type()?;
                let catches = d.vec(catch)?;
                Instr::TryTable(bt, catches.into_boxed_slice())
            }
            _ => {
                let instr = plain(d, op, start)?;
                if let Instr::EffectHandlers(eh) = &instr {
                    use crate::effect_handlers::Instr as Eh;
                    match eh {
                        Eh::Handle(_) => open.push(Open::Handle),
                        Eh::On(..) if open.last() == Some(&Open::Handle) => {}
                        // An `on` outside the top level of a handle (design 3.2).
                        Eh::On(..) => return Err(d.error_at(start, "illegal opcode e8 02")),
                        _ => {}
                    }
                }
                instr
            }
        };
        code.push(instr, d.span_from(start));
    }
}

/// A `try_table` catch clause.
fn catch(d: &mut Decoder) -> Result<Catch> {
    let start = d.pos();
    Ok(match d.byte()? {
        0x00 => Catch::Catch(d.idx()?, d.idx()?),
        0x01 => Catch::CatchRef(d.idx()?, d.idx()?),
        0x02 => Catch::CatchAll(d.idx()?),
        0x03 => Catch::CatchAllRef(d.idx()?),
        _ => return Err(d.error_at(start, "malformed catch clause")),
    })
}

/// `memarg`: flags (alignment exponent, bit 6: a memory index follows), then the offset.
pub(crate) fn mem_arg(d: &mut Decoder) -> Result<MemArg> {
    let start = d.pos();
    let flags = d.u32()?;
    if flags >= 0x80 {
        return Err(d.error_at(start, "malformed memop flags"));
    }
    let mem = if flags & 0x40 != 0 { d.idx()? } else { 0 };
    let offset = d.u64()?;
    Ok(MemArg {
        align: flags & 0x3F,
        offset,
        mem,
    })
}

pub(crate) fn illegal(d: &Decoder, start: usize, op: u8) -> crate::diag::Error {
    d.error_at(start, format!("illegal opcode {op:02x}"))
}

pub(crate) fn illegal2(d: &Decoder, start: usize, op: u8, sub: u32) -> crate::diag::Error {
    d.error_at(start, format!("illegal opcode {op:02x} {sub:02x}"))
}

/// Every instruction that does not open or close a construct.
fn plain(d: &mut Decoder, op: u8, start: usize) -> Result<Instr> {
    use Instr as I;
    Ok(match op {
        0x00 => I::Unreachable,
        0x01 => I::Nop,
        0x08 => I::Throw(d.idx()?),
        0x0A => I::ThrowRef,
        0x0C => I::Br(d.idx()?),
        0x0D => I::BrIf(d.idx()?),
        0x0E => {
            let labels = d.run(values::idx_vec)?;
            I::BrTable(labels.into_boxed_slice(), d.idx()?)
        }
        0x0F => I::Return,
        0x10 => I::Call(d.idx()?),
        0x11 => {
            let ty = d.idx()?;
            I::CallIndirect(d.idx()?, ty)
        }
        0x12 => I::ReturnCall(d.idx()?),
        0x13 => {
            let ty = d.idx()?;
            I::ReturnCallIndirect(d.idx()?, ty)
        }
        0x14 => I::CallRef(d.idx()?),
        0x15 => I::ReturnCallRef(d.idx()?),
        0x1A => I::Drop,
        0x1B => I::Select(None),
        0x1C => I::Select(Some(d.vec(Decoder::val_type)?.into_boxed_slice())),
        0x20 => I::LocalGet(d.idx()?),
        0x21 => I::LocalSet(d.idx()?),
        0x22 => I::LocalTee(d.idx()?),
        0x23 => I::GlobalGet(d.idx()?),
        0x24 => I::GlobalSet(d.idx()?),
        0x25 => I::TableGet(d.idx()?),
        0x26 => I::TableSet(d.idx()?),
        0x28..=0x35 => match LoadOp::from_opcode(u32::from(op)) {
            Some(load) => I::Load(load, mem_arg(d)?),
            None => return Err(illegal(d, start, op)),
        },
        0x36..=0x3E => match StoreOp::from_opcode(u32::from(op)) {
            Some(store) => I::Store(store, mem_arg(d)?),
            None => return Err(illegal(d, start, op)),
        },
        0x3F => I::MemorySize(d.idx()?),
        0x40 => I::MemoryGrow(d.idx()?),
        0x41 => I::I32Const(d.s32()?),
        0x42 => I::I64Const(d.s64()?),
        0x43 => I::F32Const(d.f32_bits()?),
        0x44 => I::F64Const(d.f64_bits()?),
        0x45..=0xC4 => match NumOp::from_opcode(u32::from(op)) {
            Some(num) => I::Num(num),
            None => return Err(illegal(d, start, op)),
        },
        0xD0 => I::RefNull(d.heap_type()?),
        0xD1 => I::RefIsNull,
        0xD2 => I::RefFunc(d.idx()?),
        0xD3 => I::RefEq,
        0xD4 => I::RefAsNonNull,
        0xD5 => I::BrOnNull(d.idx()?),
        0xD6 => I::BrOnNonNull(d.idx()?),
        0xFB => gc(d, start)?,
        0xFC => misc(d, start)?,
        0xFD => I::Simd(crate::simd::binary::instr(d, start)?),
        _ => match design_instr(d, op, start)? {
            Some(instr) => instr,
            None => return Err(illegal(d, start, op)),
        },
    })
}

/// The active design's instructions (its own opcodes), if `op` is one of them.
fn design_instr(d: &mut Decoder, op: u8, start: usize) -> Result<Option<Instr>> {
    Ok(match d.design {
        Design::TypedCont => crate::typed_cont::binary::instr(d, op, start)?.map(Instr::TypedCont),
        Design::RawStacks => crate::raw_stacks::binary::instr(d, op, start)?.map(Instr::RawStacks),
        Design::EffectHandlers => {
            crate::effect_handlers::binary::instr(d, op, start)?.map(Instr::EffectHandlers)
        }
    })
}

/// The 0xFB prefix: aggregate (GC) and reference cast instructions.
fn gc(d: &mut Decoder, start: usize) -> Result<Instr> {
    use Instr as I;
    let sub = d.u32()?;
    Ok(match sub {
        0 => I::StructNew(d.idx()?),
        1 => I::StructNewDefault(d.idx()?),
        2 => I::StructGet(d.idx()?, d.idx()?),
        3 => I::StructGetS(d.idx()?, d.idx()?),
        4 => I::StructGetU(d.idx()?, d.idx()?),
        5 => I::StructSet(d.idx()?, d.idx()?),
        6 => I::ArrayNew(d.idx()?),
        7 => I::ArrayNewDefault(d.idx()?),
        8 => I::ArrayNewFixed(d.idx()?, d.u32()?),
        9 => {
            d.uses_data = true;
            I::ArrayNewData(d.idx()?, d.idx()?)
        }
        10 => I::ArrayNewElem(d.idx()?, d.idx()?),
        11 => I::ArrayGet(d.idx()?),
        12 => I::ArrayGetS(d.idx()?),
        13 => I::ArrayGetU(d.idx()?),
        14 => I::ArraySet(d.idx()?),
        15 => I::ArrayLen,
        16 => I::ArrayFill(d.idx()?),
        17 => I::ArrayCopy(d.idx()?, d.idx()?),
        18 => {
            d.uses_data = true;
            I::ArrayInitData(d.idx()?, d.idx()?)
        }
        19 => I::ArrayInitElem(d.idx()?, d.idx()?),
        20 => I::RefTest(RefType::new(false, d.heap_type()?)),
        21 => I::RefTest(RefType::new(true, d.heap_type()?)),
        22 => I::RefCast(RefType::new(false, d.heap_type()?)),
        23 => I::RefCast(RefType::new(true, d.heap_type()?)),
        24 | 25 => {
            let flags_pos = d.pos();
            let flags = d.byte()?;
            if flags & !0x03 != 0 {
                return Err(d.error_at(flags_pos, "malformed br_on_cast flags"));
            }
            let label = d.idx()?;
            let from = RefType::new(flags & 0x01 != 0, d.heap_type()?);
            let to = RefType::new(flags & 0x02 != 0, d.heap_type()?);
            if sub == 24 {
                I::BrOnCast(label, from, to)
            } else {
                I::BrOnCastFail(label, from, to)
            }
        }
        26 => I::AnyConvertExtern,
        27 => I::ExternConvertAny,
        28 => I::RefI31,
        29 => I::I31GetS,
        30 => I::I31GetU,
        _ => return Err(illegal2(d, start, 0xFB, sub)),
    })
}

/// The 0xFC prefix: saturating truncations, bulk memory and table instructions.
fn misc(d: &mut Decoder, start: usize) -> Result<Instr> {
    use Instr as I;
    let sub = d.u32()?;
    Ok(match sub {
        0..=7 => match NumOp::from_opcode(0xFC00 | sub) {
            Some(num) => I::Num(num),
            None => return Err(illegal2(d, start, 0xFC, sub)),
        },
        8 => {
            d.uses_data = true;
            let data = d.idx()?;
            I::MemoryInit(d.idx()?, data)
        }
        9 => {
            d.uses_data = true;
            I::DataDrop(d.idx()?)
        }
        10 => I::MemoryCopy(d.idx()?, d.idx()?),
        11 => I::MemoryFill(d.idx()?),
        12 => {
            let elem = d.idx()?;
            I::TableInit(d.idx()?, elem)
        }
        13 => I::ElemDrop(d.idx()?),
        14 => I::TableCopy(d.idx()?, d.idx()?),
        15 => I::TableGrow(d.idx()?),
        16 => I::TableSize(d.idx()?),
        17 => I::TableFill(d.idx()?),
        _ => return Err(illegal2(d, start, 0xFC, sub)),
    })
}
