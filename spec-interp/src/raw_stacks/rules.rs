//! raw-stacks rule names for coverage (`crate::coverage`): the typing rule each instruction is
//! checked by (`valid.rs`), and the trap rule a failed step performed. `exec.rs` raises the
//! traps, the operand checks of §5 in one place for all instructions, so the rule is chosen
//! here from the instruction and the trap text (`proposals/raw-stacks/README.md` §5 and §7).
//! `stack-return` and `stack-uncaught` happen in the core's `return` and `throw`, which name
//! them on the error itself (`Error::rule`).

use super::Instr;
use crate::diag::{Error, ErrorKind};

/// The typing rule of `i` (§3.2).
pub fn typing_rule(i: &Instr) -> &'static str {
    match i {
        Instr::StackNew(..) => "stack.new",
        Instr::StackNewRef(_) => "stack.new_ref",
        Instr::StackSwitch(_) => "stack.switch",
        Instr::StackSwitchRetire(_) => "stack.switch_retire",
        Instr::StackBind(..) => "stack.bind",
        Instr::StackRelease(_) => "stack.release",
        Instr::StackSwitchThrow(..) => "stack.switch_throw",
    }
}

/// The rule of a step of `i` that ended in trap `e`.
pub fn trap_rule(i: &Instr, e: &Error) -> Option<&'static str> {
    use Instr::*;
    if e.kind != ErrorKind::Trap {
        return None;
    }
    let null = e.message == "null stack reference";
    let consumed = e.message == "stack already consumed";
    Some(match i {
        StackNewRef(_) if e.message == "null function reference" => "stack.new_ref-null",
        StackSwitch(_) if null => "stack.switch-null",
        StackSwitch(_) if consumed => "stack.switch-consumed",
        StackSwitchRetire(_) if null => "stack.switch_retire-null",
        StackSwitchRetire(_) if consumed => "stack.switch_retire-consumed",
        StackSwitchRetire(_) if e.message == "root stack cannot retire" => {
            "stack.switch_retire-root"
        }
        StackBind(..) if null => "stack.bind-null",
        StackBind(..) if consumed => "stack.bind-consumed",
        StackRelease(_) if null => "stack.release-null",
        StackRelease(_) if consumed => "stack.release-consumed",
        StackRelease(_) if e.message == "root stack cannot be released" => "stack.release-root",
        StackSwitchThrow(..) if null => "stack.switch_throw-null",
        StackSwitchThrow(..) if consumed => "stack.switch_throw-consumed",
        // A fresh target: the step traps before anything moves (an exception uncaught on a
        // suspended target is `stack-uncaught`, named by the core's `throw`).
        StackSwitchThrow(..) if e.message == "uncaught exception at stack base" => {
            "stack.switch_throw-start"
        }
        StackSwitch(_) | StackSwitchRetire(_) | StackSwitchThrow(..)
            if e.message == "switch to root of another activation" =>
        {
            "switch-root-other-activation"
        }
        _ => return None,
    })
}
