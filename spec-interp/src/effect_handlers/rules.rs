//! effect-handlers rule names for coverage (`crate::coverage`): the typing rule each instruction
//! is checked by (`valid.rs`), and the trap rule a failed step performed (`exec.rs` checks the
//! continuation for all three instructions in one place, so the rule is chosen here from the
//! instruction and the trap text, `proposals/effect-handlers/README.md` §5).

use super::Instr;
use crate::diag::{Error, ErrorKind};

/// The typing rule of `i` (§3.3); a clause (`on`) is part of `handle`.
pub fn typing_rule(i: &Instr) -> &'static str {
    match i {
        Instr::Perform(_) => "perform",
        Instr::Handle(_) | Instr::On(..) => "handle",
        Instr::Continue(_) => "continue",
        Instr::Discontinue(..) => "discontinue",
        Instr::DiscontinueRef(_) => "discontinue_ref",
    }
}

/// The rule of a step of `i` that ended in `e` (a trap or the suspension outcome).
pub fn trap_rule(i: &Instr, e: &Error) -> Option<&'static str> {
    use Instr::*;
    if e.kind == ErrorKind::Suspension {
        return matches!(i, Perform(_)).then_some("perform-unhandled");
    }
    if e.kind != ErrorKind::Trap {
        return None;
    }
    let null = e.message == "null continuation reference";
    let consumed = e.message == "continuation already consumed";
    Some(match i {
        Continue(_) if null => "continue-null",
        Continue(_) if consumed => "continue-consumed",
        Discontinue(..) if null => "discontinue-null",
        Discontinue(..) if consumed => "discontinue-consumed",
        DiscontinueRef(_) if null => "discontinue_ref-null",
        DiscontinueRef(_) if consumed => "discontinue_ref-consumed",
        DiscontinueRef(_) if e.message == "null exception reference" => "discontinue_ref-null-exn",
        _ => return None,
    })
}
