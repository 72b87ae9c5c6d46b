//! Vector instructions (spec 2.4.3 "Vector instructions", 3.3.3, 4.4.3, 5.4.10, 6.5.10): the
//! `v128` value type's instructions, fixed-width SIMD and relaxed SIMD, all behind the 0xFD
//! prefix. The core AST holds them as one variant, `syntax::Instr::Simd`.
//!
//! Every opcode is listed once, in `simd_ops!` below, with its text name, its sub-opcode and its
//! signature (`Sig`): the signature decides both the immediates (text and binary) and the typing
//! rule, so the parsers and the validator need no per-instruction code. The execution rules,
//! one per instruction family and lane-wise as in the spec, are in `exec`.
//!
//! Relaxed SIMD (opcodes 0x100 and up) allows a set of results per instruction; which one
//! Switchyard computes is chosen by `Relaxed` (see `proposals/core/relaxed-simd.md`).

pub mod binary;
pub mod exec;
pub mod text;
pub mod valid;

use crate::syntax::{MemArg, ValType};

/// A SIMD instruction with its immediates.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Instr {
    /// `v128.const`: the 16 bytes, little-endian (lane 0 first).
    Const([u8; 16]),
    /// `i8x16.shuffle`: 16 lane indices into the 32 bytes of both operands.
    Shuffle([u8; 16]),
    /// Loads and `v128.store`: a memory argument.
    Mem(Op, MemArg),
    /// `v128.loadN_lane`, `v128.storeN_lane`: a memory argument and a lane index.
    MemLane(Op, MemArg, u8),
    /// `extract_lane`, `replace_lane`: a lane index.
    Lane(Op, u8),
    /// Everything without immediates.
    Plain(Op),
}

impl Instr {
    pub fn op(&self) -> Op {
        match self {
            Instr::Const(_) => Op::V128Const,
            Instr::Shuffle(_) => Op::I8x16Shuffle,
            Instr::Mem(op, _)
            | Instr::MemLane(op, _, _)
            | Instr::Lane(op, _)
            | Instr::Plain(op) => *op,
        }
    }

    pub fn name(&self) -> &'static str {
        self.op().name()
    }
}

/// What an opcode takes and gives; it decides its immediates and its typing rule (3.3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sig {
    /// `v128.const`: [] -> [v128]
    Const,
    /// `i8x16.shuffle`: [v128 v128] -> [v128], 16 lane indices below 32
    Shuffle,
    /// A load reading this many bytes (its natural alignment): [at] -> [v128]
    Load(u32),
    /// `v128.store`: [at v128] -> []
    Store,
    /// `v128.loadN_lane` of this many bytes: [at v128] -> [v128]
    LoadLane(u32),
    /// `v128.storeN_lane` of this many bytes: [at v128] -> []
    StoreLane(u32),
    /// `splat` from this scalar type: [t] -> [v128]
    Splat(ValType),
    /// `extract_lane` into this type, of a shape with this many lanes: [v128] -> [t]
    Extract(ValType, u8),
    /// `replace_lane` from this type, of a shape with this many lanes: [v128 t] -> [v128]
    Replace(ValType, u8),
    /// [v128] -> [v128]
    Unary,
    /// [v128 v128] -> [v128]
    Binary,
    /// [v128 v128 v128] -> [v128]
    Ternary,
    /// Tests and `bitmask`: [v128] -> [i32]
    Test,
    /// Shifts: [v128 i32] -> [v128]
    Shift,
}

macro_rules! simd_ops {
    ($( $variant:ident = $name:literal, $op:literal, $sig:expr; )*) => {
        /// Every SIMD opcode (the sub-opcode after 0xFD).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Op { $($variant),* }
        impl Op {
            pub const ALL: &'static [Op] = &[$(Op::$variant),*];
            pub fn name(self) -> &'static str { match self { $(Op::$variant => $name),* } }
            pub fn opcode(self) -> u32 { match self { $(Op::$variant => $op),* } }
            pub fn sig(self) -> Sig { match self { $(Op::$variant => $sig),* } }
            pub fn from_name(name: &str) -> Option<Op> {
                match name { $($name => Some(Op::$variant),)* _ => None }
            }
            pub fn from_opcode(op: u32) -> Option<Op> {
                match op { $($op => Some(Op::$variant),)* _ => None }
            }
            /// Relaxed SIMD: results may differ between engines (a set of permitted results).
            pub fn is_relaxed(self) -> bool { self.opcode() >= 0x100 }
        }
    };
}

use Sig::*;
use ValType::{F32, F64, I32, I64};

simd_ops! {
    V128Load = "v128.load", 0x00, Load(16);
    V128Load8x8S = "v128.load8x8_s", 0x01, Load(8);
    V128Load8x8U = "v128.load8x8_u", 0x02, Load(8);
    V128Load16x4S = "v128.load16x4_s", 0x03, Load(8);
    V128Load16x4U = "v128.load16x4_u", 0x04, Load(8);
    V128Load32x2S = "v128.load32x2_s", 0x05, Load(8);
    V128Load32x2U = "v128.load32x2_u", 0x06, Load(8);
    V128Load8Splat = "v128.load8_splat", 0x07, Load(1);
    V128Load16Splat = "v128.load16_splat", 0x08, Load(2);
    V128Load32Splat = "v128.load32_splat", 0x09, Load(4);
    V128Load64Splat = "v128.load64_splat", 0x0A, Load(8);
    V128Store = "v128.store", 0x0B, Store;
    V128Const = "v128.const", 0x0C, Const;
    I8x16Shuffle = "i8x16.shuffle", 0x0D, Shuffle;
    I8x16Swizzle = "i8x16.swizzle", 0x0E, Binary;
    I8x16Splat = "i8x16.splat", 0x0F, Splat(I32);
    I16x8Splat = "i16x8.splat", 0x10, Splat(I32);
    I32x4Splat = "i32x4.splat", 0x11, Splat(I32);
    I64x2Splat = "i64x2.splat", 0x12, Splat(I64);
    F32x4Splat = "f32x4.splat", 0x13, Splat(F32);
    F64x2Splat = "f64x2.splat", 0x14, Splat(F64);
    I8x16ExtractLaneS = "i8x16.extract_lane_s", 0x15, Extract(I32, 16);
    I8x16ExtractLaneU = "i8x16.extract_lane_u", 0x16, Extract(I32, 16);
    I8x16ReplaceLane = "i8x16.replace_lane", 0x17, Replace(I32, 16);
    I16x8ExtractLaneS = "i16x8.extract_lane_s", 0x18, Extract(I32, 8);
    I16x8ExtractLaneU = "i16x8.extract_lane_u", 0x19, Extract(I32, 8);
    I16x8ReplaceLane = "i16x8.replace_lane", 0x1A, Replace(I32, 8);
    I32x4ExtractLane = "i32x4.extract_lane", 0x1B, Extract(I32, 4);
    I32x4ReplaceLane = "i32x4.replace_lane", 0x1C, Replace(I32, 4);
    I64x2ExtractLane = "i64x2.extract_lane", 0x1D, Extract(I64, 2);
    I64x2ReplaceLane = "i64x2.replace_lane", 0x1E, Replace(I64, 2);
    F32x4ExtractLane = "f32x4.extract_lane", 0x1F, Extract(F32, 4);
    F32x4ReplaceLane = "f32x4.replace_lane", 0x20, Replace(F32, 4);
    F64x2ExtractLane = "f64x2.extract_lane", 0x21, Extract(F64, 2);
    F64x2ReplaceLane = "f64x2.replace_lane", 0x22, Replace(F64, 2);
    I8x16Eq = "i8x16.eq", 0x23, Binary;
    I8x16Ne = "i8x16.ne", 0x24, Binary;
    I8x16LtS = "i8x16.lt_s", 0x25, Binary;
    I8x16LtU = "i8x16.lt_u", 0x26, Binary;
    I8x16GtS = "i8x16.gt_s", 0x27, Binary;
    I8x16GtU = "i8x16.gt_u", 0x28, Binary;
    I8x16LeS = "i8x16.le_s", 0x29, Binary;
    I8x16LeU = "i8x16.le_u", 0x2A, Binary;
    I8x16GeS = "i8x16.ge_s", 0x2B, Binary;
    I8x16GeU = "i8x16.ge_u", 0x2C, Binary;
    I16x8Eq = "i16x8.eq", 0x2D, Binary;
    I16x8Ne = "i16x8.ne", 0x2E, Binary;
    I16x8LtS = "i16x8.lt_s", 0x2F, Binary;
    I16x8LtU = "i16x8.lt_u", 0x30, Binary;
    I16x8GtS = "i16x8.gt_s", 0x31, Binary;
    I16x8GtU = "i16x8.gt_u", 0x32, Binary;
    I16x8LeS = "i16x8.le_s", 0x33, Binary;
    I16x8LeU = "i16x8.le_u", 0x34, Binary;
    I16x8GeS = "i16x8.ge_s", 0x35, Binary;
    I16x8GeU = "i16x8.ge_u", 0x36, Binary;
    I32x4Eq = "i32x4.eq", 0x37, Binary;
    I32x4Ne = "i32x4.ne", 0x38, Binary;
    I32x4LtS = "i32x4.lt_s", 0x39, Binary;
    I32x4LtU = "i32x4.lt_u", 0x3A, Binary;
    I32x4GtS = "i32x4.gt_s", 0x3B, Binary;
    I32x4GtU = "i32x4.gt_u", 0x3C, Binary;
    I32x4LeS = "i32x4.le_s", 0x3D, Binary;
    I32x4LeU = "i32x4.le_u", 0x3E, Binary;
    I32x4GeS = "i32x4.ge_s", 0x3F, Binary;
    I32x4GeU = "i32x4.ge_u", 0x40, Binary;
    F32x4Eq = "f32x4.eq", 0x41, Binary;
    F32x4Ne = "f32x4.ne", 0x42, Binary;
    F32x4Lt = "f32x4.lt", 0x43, Binary;
    F32x4Gt = "f32x4.gt", 0x44, Binary;
    F32x4Le = "f32x4.le", 0x45, Binary;
    F32x4Ge = "f32x4.ge", 0x46, Binary;
    F64x2Eq = "f64x2.eq", 0x47, Binary;
    F64x2Ne = "f64x2.ne", 0x48, Binary;
    F64x2Lt = "f64x2.lt", 0x49, Binary;
    F64x2Gt = "f64x2.gt", 0x4A, Binary;
    F64x2Le = "f64x2.le", 0x4B, Binary;
    F64x2Ge = "f64x2.ge", 0x4C, Binary;
    V128Not = "v128.not", 0x4D, Unary;
    V128And = "v128.and", 0x4E, Binary;
    V128AndNot = "v128.andnot", 0x4F, Binary;
    V128Or = "v128.or", 0x50, Binary;
    V128Xor = "v128.xor", 0x51, Binary;
    V128Bitselect = "v128.bitselect", 0x52, Ternary;
    V128AnyTrue = "v128.any_true", 0x53, Test;
    V128Load8Lane = "v128.load8_lane", 0x54, LoadLane(1);
    V128Load16Lane = "v128.load16_lane", 0x55, LoadLane(2);
    V128Load32Lane = "v128.load32_lane", 0x56, LoadLane(4);
    V128Load64Lane = "v128.load64_lane", 0x57, LoadLane(8);
    V128Store8Lane = "v128.store8_lane", 0x58, StoreLane(1);
    V128Store16Lane = "v128.store16_lane", 0x59, StoreLane(2);
    V128Store32Lane = "v128.store32_lane", 0x5A, StoreLane(4);
    V128Store64Lane = "v128.store64_lane", 0x5B, StoreLane(8);
    V128Load32Zero = "v128.load32_zero", 0x5C, Load(4);
    V128Load64Zero = "v128.load64_zero", 0x5D, Load(8);
    F32x4DemoteF64x2Zero = "f32x4.demote_f64x2_zero", 0x5E, Unary;
    F64x2PromoteLowF32x4 = "f64x2.promote_low_f32x4", 0x5F, Unary;
    I8x16Abs = "i8x16.abs", 0x60, Unary;
    I8x16Neg = "i8x16.neg", 0x61, Unary;
    I8x16Popcnt = "i8x16.popcnt", 0x62, Unary;
    I8x16AllTrue = "i8x16.all_true", 0x63, Test;
    I8x16Bitmask = "i8x16.bitmask", 0x64, Test;
    I8x16NarrowI16x8S = "i8x16.narrow_i16x8_s", 0x65, Binary;
    I8x16NarrowI16x8U = "i8x16.narrow_i16x8_u", 0x66, Binary;
    F32x4Ceil = "f32x4.ceil", 0x67, Unary;
    F32x4Floor = "f32x4.floor", 0x68, Unary;
    F32x4Trunc = "f32x4.trunc", 0x69, Unary;
    F32x4Nearest = "f32x4.nearest", 0x6A, Unary;
    I8x16Shl = "i8x16.shl", 0x6B, Shift;
    I8x16ShrS = "i8x16.shr_s", 0x6C, Shift;
    I8x16ShrU = "i8x16.shr_u", 0x6D, Shift;
    I8x16Add = "i8x16.add", 0x6E, Binary;
    I8x16AddSatS = "i8x16.add_sat_s", 0x6F, Binary;
    I8x16AddSatU = "i8x16.add_sat_u", 0x70, Binary;
    I8x16Sub = "i8x16.sub", 0x71, Binary;
    I8x16SubSatS = "i8x16.sub_sat_s", 0x72, Binary;
    I8x16SubSatU = "i8x16.sub_sat_u", 0x73, Binary;
    F64x2Ceil = "f64x2.ceil", 0x74, Unary;
    F64x2Floor = "f64x2.floor", 0x75, Unary;
    I8x16MinS = "i8x16.min_s", 0x76, Binary;
    I8x16MinU = "i8x16.min_u", 0x77, Binary;
    I8x16MaxS = "i8x16.max_s", 0x78, Binary;
    I8x16MaxU = "i8x16.max_u", 0x79, Binary;
    F64x2Trunc = "f64x2.trunc", 0x7A, Unary;
    I8x16AvgrU = "i8x16.avgr_u", 0x7B, Binary;
    I16x8ExtaddPairwiseI8x16S = "i16x8.extadd_pairwise_i8x16_s", 0x7C, Unary;
    I16x8ExtaddPairwiseI8x16U = "i16x8.extadd_pairwise_i8x16_u", 0x7D, Unary;
    I32x4ExtaddPairwiseI16x8S = "i32x4.extadd_pairwise_i16x8_s", 0x7E, Unary;
    I32x4ExtaddPairwiseI16x8U = "i32x4.extadd_pairwise_i16x8_u", 0x7F, Unary;
    I16x8Abs = "i16x8.abs", 0x80, Unary;
    I16x8Neg = "i16x8.neg", 0x81, Unary;
    I16x8Q15mulrSatS = "i16x8.q15mulr_sat_s", 0x82, Binary;
    I16x8AllTrue = "i16x8.all_true", 0x83, Test;
    I16x8Bitmask = "i16x8.bitmask", 0x84, Test;
    I16x8NarrowI32x4S = "i16x8.narrow_i32x4_s", 0x85, Binary;
    I16x8NarrowI32x4U = "i16x8.narrow_i32x4_u", 0x86, Binary;
    I16x8ExtendLowI8x16S = "i16x8.extend_low_i8x16_s", 0x87, Unary;
    I16x8ExtendHighI8x16S = "i16x8.extend_high_i8x16_s", 0x88, Unary;
    I16x8ExtendLowI8x16U = "i16x8.extend_low_i8x16_u", 0x89, Unary;
    I16x8ExtendHighI8x16U = "i16x8.extend_high_i8x16_u", 0x8A, Unary;
    I16x8Shl = "i16x8.shl", 0x8B, Shift;
    I16x8ShrS = "i16x8.shr_s", 0x8C, Shift;
    I16x8ShrU = "i16x8.shr_u", 0x8D, Shift;
    I16x8Add = "i16x8.add", 0x8E, Binary;
    I16x8AddSatS = "i16x8.add_sat_s", 0x8F, Binary;
    I16x8AddSatU = "i16x8.add_sat_u", 0x90, Binary;
    I16x8Sub = "i16x8.sub", 0x91, Binary;
    I16x8SubSatS = "i16x8.sub_sat_s", 0x92, Binary;
    I16x8SubSatU = "i16x8.sub_sat_u", 0x93, Binary;
    F64x2Nearest = "f64x2.nearest", 0x94, Unary;
    I16x8Mul = "i16x8.mul", 0x95, Binary;
    I16x8MinS = "i16x8.min_s", 0x96, Binary;
    I16x8MinU = "i16x8.min_u", 0x97, Binary;
    I16x8MaxS = "i16x8.max_s", 0x98, Binary;
    I16x8MaxU = "i16x8.max_u", 0x99, Binary;
    I16x8AvgrU = "i16x8.avgr_u", 0x9B, Binary;
    I16x8ExtmulLowI8x16S = "i16x8.extmul_low_i8x16_s", 0x9C, Binary;
    I16x8ExtmulHighI8x16S = "i16x8.extmul_high_i8x16_s", 0x9D, Binary;
    I16x8ExtmulLowI8x16U = "i16x8.extmul_low_i8x16_u", 0x9E, Binary;
    I16x8ExtmulHighI8x16U = "i16x8.extmul_high_i8x16_u", 0x9F, Binary;
    I32x4Abs = "i32x4.abs", 0xA0, Unary;
    I32x4Neg = "i32x4.neg", 0xA1, Unary;
    I32x4AllTrue = "i32x4.all_true", 0xA3, Test;
    I32x4Bitmask = "i32x4.bitmask", 0xA4, Test;
    I32x4ExtendLowI16x8S = "i32x4.extend_low_i16x8_s", 0xA7, Unary;
    I32x4ExtendHighI16x8S = "i32x4.extend_high_i16x8_s", 0xA8, Unary;
    I32x4ExtendLowI16x8U = "i32x4.extend_low_i16x8_u", 0xA9, Unary;
    I32x4ExtendHighI16x8U = "i32x4.extend_high_i16x8_u", 0xAA, Unary;
    I32x4Shl = "i32x4.shl", 0xAB, Shift;
    I32x4ShrS = "i32x4.shr_s", 0xAC, Shift;
    I32x4ShrU = "i32x4.shr_u", 0xAD, Shift;
    I32x4Add = "i32x4.add", 0xAE, Binary;
    I32x4Sub = "i32x4.sub", 0xB1, Binary;
    I32x4Mul = "i32x4.mul", 0xB5, Binary;
    I32x4MinS = "i32x4.min_s", 0xB6, Binary;
    I32x4MinU = "i32x4.min_u", 0xB7, Binary;
    I32x4MaxS = "i32x4.max_s", 0xB8, Binary;
    I32x4MaxU = "i32x4.max_u", 0xB9, Binary;
    I32x4DotI16x8S = "i32x4.dot_i16x8_s", 0xBA, Binary;
    I32x4ExtmulLowI16x8S = "i32x4.extmul_low_i16x8_s", 0xBC, Binary;
    I32x4ExtmulHighI16x8S = "i32x4.extmul_high_i16x8_s", 0xBD, Binary;
    I32x4ExtmulLowI16x8U = "i32x4.extmul_low_i16x8_u", 0xBE, Binary;
    I32x4ExtmulHighI16x8U = "i32x4.extmul_high_i16x8_u", 0xBF, Binary;
    I64x2Abs = "i64x2.abs", 0xC0, Unary;
    I64x2Neg = "i64x2.neg", 0xC1, Unary;
    I64x2AllTrue = "i64x2.all_true", 0xC3, Test;
    I64x2Bitmask = "i64x2.bitmask", 0xC4, Test;
    I64x2ExtendLowI32x4S = "i64x2.extend_low_i32x4_s", 0xC7, Unary;
    I64x2ExtendHighI32x4S = "i64x2.extend_high_i32x4_s", 0xC8, Unary;
    I64x2ExtendLowI32x4U = "i64x2.extend_low_i32x4_u", 0xC9, Unary;
    I64x2ExtendHighI32x4U = "i64x2.extend_high_i32x4_u", 0xCA, Unary;
    I64x2Shl = "i64x2.shl", 0xCB, Shift;
    I64x2ShrS = "i64x2.shr_s", 0xCC, Shift;
    I64x2ShrU = "i64x2.shr_u", 0xCD, Shift;
    I64x2Add = "i64x2.add", 0xCE, Binary;
    I64x2Sub = "i64x2.sub", 0xD1, Binary;
    I64x2Mul = "i64x2.mul", 0xD5, Binary;
    I64x2Eq = "i64x2.eq", 0xD6, Binary;
    I64x2Ne = "i64x2.ne", 0xD7, Binary;
    I64x2LtS = "i64x2.lt_s", 0xD8, Binary;
    I64x2GtS = "i64x2.gt_s", 0xD9, Binary;
    I64x2LeS = "i64x2.le_s", 0xDA, Binary;
    I64x2GeS = "i64x2.ge_s", 0xDB, Binary;
    I64x2ExtmulLowI32x4S = "i64x2.extmul_low_i32x4_s", 0xDC, Binary;
    I64x2ExtmulHighI32x4S = "i64x2.extmul_high_i32x4_s", 0xDD, Binary;
    I64x2ExtmulLowI32x4U = "i64x2.extmul_low_i32x4_u", 0xDE, Binary;
    I64x2ExtmulHighI32x4U = "i64x2.extmul_high_i32x4_u", 0xDF, Binary;
    F32x4Abs = "f32x4.abs", 0xE0, Unary;
    F32x4Neg = "f32x4.neg", 0xE1, Unary;
    F32x4Sqrt = "f32x4.sqrt", 0xE3, Unary;
    F32x4Add = "f32x4.add", 0xE4, Binary;
    F32x4Sub = "f32x4.sub", 0xE5, Binary;
    F32x4Mul = "f32x4.mul", 0xE6, Binary;
    F32x4Div = "f32x4.div", 0xE7, Binary;
    F32x4Min = "f32x4.min", 0xE8, Binary;
    F32x4Max = "f32x4.max", 0xE9, Binary;
    F32x4Pmin = "f32x4.pmin", 0xEA, Binary;
    F32x4Pmax = "f32x4.pmax", 0xEB, Binary;
    F64x2Abs = "f64x2.abs", 0xEC, Unary;
    F64x2Neg = "f64x2.neg", 0xED, Unary;
    F64x2Sqrt = "f64x2.sqrt", 0xEF, Unary;
    F64x2Add = "f64x2.add", 0xF0, Binary;
    F64x2Sub = "f64x2.sub", 0xF1, Binary;
    F64x2Mul = "f64x2.mul", 0xF2, Binary;
    F64x2Div = "f64x2.div", 0xF3, Binary;
    F64x2Min = "f64x2.min", 0xF4, Binary;
    F64x2Max = "f64x2.max", 0xF5, Binary;
    F64x2Pmin = "f64x2.pmin", 0xF6, Binary;
    F64x2Pmax = "f64x2.pmax", 0xF7, Binary;
    I32x4TruncSatF32x4S = "i32x4.trunc_sat_f32x4_s", 0xF8, Unary;
    I32x4TruncSatF32x4U = "i32x4.trunc_sat_f32x4_u", 0xF9, Unary;
    F32x4ConvertI32x4S = "f32x4.convert_i32x4_s", 0xFA, Unary;
    F32x4ConvertI32x4U = "f32x4.convert_i32x4_u", 0xFB, Unary;
    I32x4TruncSatF64x2SZero = "i32x4.trunc_sat_f64x2_s_zero", 0xFC, Unary;
    I32x4TruncSatF64x2UZero = "i32x4.trunc_sat_f64x2_u_zero", 0xFD, Unary;
    F64x2ConvertLowI32x4S = "f64x2.convert_low_i32x4_s", 0xFE, Unary;
    F64x2ConvertLowI32x4U = "f64x2.convert_low_i32x4_u", 0xFF, Unary;
    I8x16RelaxedSwizzle = "i8x16.relaxed_swizzle", 0x100, Binary;
    I32x4RelaxedTruncF32x4S = "i32x4.relaxed_trunc_f32x4_s", 0x101, Unary;
    I32x4RelaxedTruncF32x4U = "i32x4.relaxed_trunc_f32x4_u", 0x102, Unary;
    I32x4RelaxedTruncF64x2SZero = "i32x4.relaxed_trunc_f64x2_s_zero", 0x103, Unary;
    I32x4RelaxedTruncF64x2UZero = "i32x4.relaxed_trunc_f64x2_u_zero", 0x104, Unary;
    F32x4RelaxedMadd = "f32x4.relaxed_madd", 0x105, Ternary;
    F32x4RelaxedNmadd = "f32x4.relaxed_nmadd", 0x106, Ternary;
    F64x2RelaxedMadd = "f64x2.relaxed_madd", 0x107, Ternary;
    F64x2RelaxedNmadd = "f64x2.relaxed_nmadd", 0x108, Ternary;
    I8x16RelaxedLaneselect = "i8x16.relaxed_laneselect", 0x109, Ternary;
    I16x8RelaxedLaneselect = "i16x8.relaxed_laneselect", 0x10A, Ternary;
    I32x4RelaxedLaneselect = "i32x4.relaxed_laneselect", 0x10B, Ternary;
    I64x2RelaxedLaneselect = "i64x2.relaxed_laneselect", 0x10C, Ternary;
    F32x4RelaxedMin = "f32x4.relaxed_min", 0x10D, Binary;
    F32x4RelaxedMax = "f32x4.relaxed_max", 0x10E, Binary;
    F64x2RelaxedMin = "f64x2.relaxed_min", 0x10F, Binary;
    F64x2RelaxedMax = "f64x2.relaxed_max", 0x110, Binary;
    I16x8RelaxedQ15mulrS = "i16x8.relaxed_q15mulr_s", 0x111, Binary;
    I16x8RelaxedDotI8x16I7x16S = "i16x8.relaxed_dot_i8x16_i7x16_s", 0x112, Binary;
    I32x4RelaxedDotI8x16I7x16AddS = "i32x4.relaxed_dot_i8x16_i7x16_add_s", 0x113, Ternary;
}

/// Which of the permitted results relaxed SIMD instructions compute (one choice for a whole
/// run; `;;! relaxed = "..."` in a script or `--relaxed` on the command line).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Relaxed {
    /// Each relaxed instruction behaves as its non-relaxed counterpart, as in the reference
    /// interpreter (swizzle, trunc_sat, fused multiply-add, bitselect, min/max, q15mulr_sat,
    /// signed dot products).
    #[default]
    Deterministic,
    /// The other permitted behaviours, as x86 SSE/AVX hardware computes them (out-of-range
    /// swizzle indices by their top bit, 0x80000000 for unrepresentable truncations, unfused
    /// multiply-add, lane selection by each lane's top bit, the second operand of min/max on
    /// NaN or zeros, wrapping q15mulr, the i7 operand read unsigned in dot products).
    X86,
}

impl std::str::FromStr for Relaxed {
    type Err = String;
    fn from_str(s: &str) -> Result<Relaxed, String> {
        match s {
            "deterministic" => Ok(Relaxed::Deterministic),
            "x86" => Ok(Relaxed::X86),
            _ => Err(format!(
                "unknown relaxed SIMD choice `{s}` (deterministic, x86)"
            )),
        }
    }
}

impl std::fmt::Display for Relaxed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Relaxed::Deterministic => "deterministic",
            Relaxed::X86 => "x86",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The table is the only source of names, opcodes and signatures: each name and opcode is
    /// unique and maps back to its instruction, and the signature agrees with the name.
    #[test]
    fn opcode_table_is_consistent() {
        let mut names = HashSet::new();
        let mut opcodes = HashSet::new();
        for &op in Op::ALL {
            assert!(names.insert(op.name()), "duplicate name {}", op.name());
            assert!(
                opcodes.insert(op.opcode()),
                "duplicate opcode {:#x}",
                op.opcode()
            );
            assert_eq!(Op::from_name(op.name()), Some(op));
            assert_eq!(Op::from_opcode(op.opcode()), Some(op));
            assert_eq!(
                op.is_relaxed(),
                op.name().contains("relaxed"),
                "{}",
                op.name()
            );
            let lanes_in_name = op.name().split('.').next().and_then(|shape| {
                let (_, n) = shape.split_once('x')?;
                n.parse::<u8>().ok()
            });
            match op.sig() {
                Sig::Extract(_, n) | Sig::Replace(_, n) => assert_eq!(Some(n), lanes_in_name),
                Sig::Load(_) | Sig::Store | Sig::LoadLane(_) | Sig::StoreLane(_) => {
                    assert!(op.name().starts_with("v128."), "{}", op.name())
                }
                _ => {}
            }
        }
        // 236 fixed-width SIMD opcodes (0x00..=0xFF less 20 gaps) and 20 relaxed ones
        assert_eq!(Op::ALL.iter().filter(|op| !op.is_relaxed()).count(), 236);
        assert_eq!(Op::ALL.iter().filter(|op| op.is_relaxed()).count(), 20);
        assert_eq!(Op::from_opcode(0x9A), None);
    }

    #[test]
    fn relaxed_choices_parse_and_print() {
        for r in [Relaxed::Deterministic, Relaxed::X86] {
            assert_eq!(r.to_string().parse::<Relaxed>(), Ok(r));
        }
        assert!("arm".parse::<Relaxed>().is_err());
        assert_eq!(Relaxed::default(), Relaxed::Deterministic);
    }
}
