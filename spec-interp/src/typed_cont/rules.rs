//! typed-cont rule names for coverage (`crate::coverage`): the typing rule each instruction is
//! checked by (`valid.rs`), and the trap rule a failed step performed (`exec.rs` raises the
//! trap; several instructions share the code that raises it, so the name is chosen here from the
//! instruction and the trap text, as in the table "Traps and their texts" of
//! `proposals/typed-cont/README.md` §6).

use super::{Handler, Instr};
use crate::diag::{Error, ErrorKind};

/// The typing rule of `i` (§4).
pub fn typing_rule(i: &Instr) -> &'static str {
    match i {
        Instr::ContNew(_) => "cont.new",
        Instr::ContBind(..) => "cont.bind",
        Instr::Suspend(_) => "suspend",
        Instr::Resume(..) => "resume",
        Instr::ResumeThrow(..) => "resume_throw",
        Instr::ResumeThrowRef(..) => "resume_throw_ref",
        Instr::Switch(..) => "switch",
    }
}

/// The rules of the handler clauses of `i` (§4 `hdl-on-label`, `hdl-on-switch`), one per clause.
pub fn clause_rules(i: &Instr) -> impl Iterator<Item = &'static str> + '_ {
    let clauses: &[Handler] = match i {
        Instr::Resume(_, hs) | Instr::ResumeThrow(_, _, hs) | Instr::ResumeThrowRef(_, hs) => hs,
        _ => &[],
    };
    clauses.iter().map(|h| match h {
        Handler::OnLabel(..) => "hdl-on-label",
        Handler::OnSwitch(_) => "hdl-on-switch",
    })
}

/// The rule of a step of `i` that ended in `e` (a trap or the suspension outcome).
pub fn trap_rule(i: &Instr, e: &Error) -> Option<&'static str> {
    use Instr::*;
    if e.kind == ErrorKind::Suspension {
        return matches!(i, Suspend(_) | Switch(..)).then_some("suspend-unhandled");
    }
    if e.kind != ErrorKind::Trap {
        return None;
    }
    Some(match (i, e.message.as_str()) {
        (ContNew(_), "null function reference") => "cont.new-null",
        (ContBind(..), "null continuation reference") => "cont.bind-null",
        (ContBind(..), "continuation already consumed") => "cont.bind-consumed",
        (
            Resume(..) | ResumeThrow(..) | ResumeThrowRef(..) | Switch(..),
            "null continuation reference",
        ) => "resume-null",
        (
            Resume(..) | ResumeThrow(..) | ResumeThrowRef(..) | Switch(..),
            "continuation already consumed",
        ) => "resume-consumed",
        (ResumeThrowRef(..), "null exception reference") => "resume_throw_ref-null-exn",
        _ => return None,
    })
}
