//! The typing rule each instruction is checked by, by the name its case in `func.rs` carries in
//! a comment (and `proposals/core/README.md` lists), for rule coverage (`crate::coverage`). A
//! design's instructions are named by the design (`<design>::rules::typing_rule`). Numeric
//! instructions, loads and stores go by their instruction name, as in the trace.

use crate::coverage::RuleCounts;
use crate::syntax::{Catch, Instr};

/// Counts the typing rules applied to `instr`: its own, the rules of its clauses (`catch`,
/// typed-cont's `hdl-on-label` and `hdl-on-switch`), and effect-handlers' `handle-branch` for a
/// branch or return checked inside a handle (`in_handle`). `failed`: the instruction's rule did
/// not hold.
pub(crate) fn count(instr: &Instr, in_handle: bool, failed: bool, counts: &mut RuleCounts) {
    if let Some(rule) = typing_rule(instr) {
        counts.typing(rule, failed);
    }
    match instr {
        Instr::TryTable(_, catches) => {
            for c in catches.iter() {
                let rule = match c {
                    Catch::Catch(..) => "catch",
                    Catch::CatchRef(..) => "catch_ref",
                    Catch::CatchAll(_) => "catch_all",
                    Catch::CatchAllRef(_) => "catch_all_ref",
                };
                counts.typing(rule, false);
            }
        }
        Instr::TypedCont(i) => {
            for rule in crate::typed_cont::rules::clause_rules(i) {
                counts.typing(rule, false);
            }
        }
        _ => {}
    }
    let branches = matches!(
        instr,
        Instr::Br(_)
            | Instr::BrIf(_)
            | Instr::BrTable(..)
            | Instr::BrOnNull(_)
            | Instr::BrOnNonNull(_)
            | Instr::BrOnCast(..)
            | Instr::BrOnCastFail(..)
            | Instr::TryTable(..)
            | Instr::Return
            | Instr::ReturnCall(_)
            | Instr::ReturnCallIndirect(..)
            | Instr::ReturnCallRef(_)
    );
    if in_handle && branches {
        counts.typing("handle-branch", failed);
    }
}

/// The rule that checks `instr`; `None` for `end`, which closes the rule of its block.
pub(crate) fn typing_rule(instr: &Instr) -> Option<&'static str> {
    use Instr as I;
    Some(match instr {
        I::Unreachable => "unreachable",
        I::Nop => "nop",
        I::Block(_) => "block",
        I::Loop(_) => "loop",
        I::If(_) | I::Else => "if",
        I::End => return None,
        I::Br(_) => "br",
        I::BrIf(_) => "br_if",
        I::BrTable(..) => "br_table",
        I::BrOnNull(_) => "br_on_null",
        I::BrOnNonNull(_) => "br_on_non_null",
        I::BrOnCast(..) => "br_on_cast",
        I::BrOnCastFail(..) => "br_on_cast_fail",
        I::Return => "return",
        I::Call(_) => "call",
        I::CallIndirect(..) => "call_indirect",
        I::CallRef(_) => "call_ref",
        I::ReturnCall(_) => "return_call",
        I::ReturnCallIndirect(..) => "return_call_indirect",
        I::ReturnCallRef(_) => "return_call_ref",
        I::Throw(_) => "throw",
        I::ThrowRef => "throw_ref",
        I::TryTable(..) => "try_table",
        I::Drop => "drop",
        I::Select(None) => "select",
        I::Select(Some(_)) => "select-typed",
        I::LocalGet(_) => "local.get",
        I::LocalSet(_) => "local.set",
        I::LocalTee(_) => "local.tee",
        I::GlobalGet(_) => "global.get",
        I::GlobalSet(_) => "global.set",
        I::TableGet(_) => "table.get",
        I::TableSet(_) => "table.set",
        I::TableSize(_) => "table.size",
        I::TableGrow(_) => "table.grow",
        I::TableFill(_) => "table.fill",
        I::TableCopy(..) => "table.copy",
        I::TableInit(..) => "table.init",
        I::ElemDrop(_) => "elem.drop",
        I::Load(op, _) => op.name(),
        I::Store(op, _) => op.name(),
        I::MemorySize(_) => "memory.size",
        I::MemoryGrow(_) => "memory.grow",
        I::MemoryFill(_) => "memory.fill",
        I::MemoryCopy(..) => "memory.copy",
        I::MemoryInit(..) => "memory.init",
        I::DataDrop(_) => "data.drop",
        I::RefNull(_) => "ref.null",
        I::RefIsNull => "ref.is_null",
        I::RefAsNonNull => "ref.as_non_null",
        I::RefFunc(_) => "ref.func",
        I::RefEq => "ref.eq",
        I::RefTest(_) => "ref.test",
        I::RefCast(_) => "ref.cast",
        I::RefI31 => "ref.i31",
        I::I31GetS => "i31.get_s",
        I::I31GetU => "i31.get_u",
        I::StructNew(_) => "struct.new",
        I::StructNewDefault(_) => "struct.new_default",
        I::StructGet(..) => "struct.get",
        I::StructGetS(..) => "struct.get_s",
        I::StructGetU(..) => "struct.get_u",
        I::StructSet(..) => "struct.set",
        I::ArrayNew(_) => "array.new",
        I::ArrayNewDefault(_) => "array.new_default",
        I::ArrayNewFixed(..) => "array.new_fixed",
        I::ArrayNewData(..) => "array.new_data",
        I::ArrayNewElem(..) => "array.new_elem",
        I::ArrayGet(_) => "array.get",
        I::ArrayGetS(_) => "array.get_s",
        I::ArrayGetU(_) => "array.get_u",
        I::ArraySet(_) => "array.set",
        I::ArrayLen => "array.len",
        I::ArrayFill(_) => "array.fill",
        I::ArrayCopy(..) => "array.copy",
        I::ArrayInitData(..) => "array.init_data",
        I::ArrayInitElem(..) => "array.init_elem",
        I::AnyConvertExtern => "any.convert_extern",
        I::ExternConvertAny => "extern.convert_any",
        I::I32Const(_) => "i32.const",
        I::I64Const(_) => "i64.const",
        I::F32Const(_) => "f32.const",
        I::F64Const(_) => "f64.const",
        I::Num(op) => op.name(),
        I::Simd(i) => i.name(),
        I::TypedCont(i) => crate::typed_cont::rules::typing_rule(i),
        I::RawStacks(i) => crate::raw_stacks::rules::typing_rule(i),
        I::EffectHandlers(i) => crate::effect_handlers::rules::typing_rule(i),
    })
}
