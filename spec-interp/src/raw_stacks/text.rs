//! raw-stacks text format: the `stack` composite type and the `stack.*` instructions.

use super::Instr;
use crate::diag::Result;
use crate::syntax::{CompType, Instr as CoreInstr};
use crate::text::lexer::Tok;
use crate::text::parser::{FuncCtx, ModCtx, Parser, Space as ParseSpace};
use crate::text::print::{Namer, Space};

/// The body of `(stack (param t*) rt)` after the `stack` keyword.
pub fn stack_type(p: &mut Parser<'_>, m: &ModCtx) -> Result<CompType> {
    let mut params = Vec::new();
    let start = p.pos;
    p.params(m, &mut params)?;
    if params.iter().any(|(id, _)| id.is_some()) {
        // Stack parameters carry no identifiers.
        p.pos = start;
        while !matches!(p.peek(), Some(Tok::Id(_))) {
            p.advance();
        }
        return Err(p.unexpected());
    }
    if !p.is_ref_type() {
        return Err(p.unexpected());
    }
    let ret = p.ref_type(m)?;
    Ok(CompType::Stack {
        params: params.into_iter().map(|p| p.1).collect(),
        ret,
    })
}

/// The raw-stacks instruction named `kw`, if it is one.
pub fn instr(
    p: &mut Parser<'_>,
    kw: &str,
    m: &mut ModCtx,
    _f: &FuncCtx,
) -> Result<Option<CoreInstr>> {
    let t = ParseSpace::Type;
    let i = match kw {
        "stack.new" => {
            let s = p.idx(m, t)?;
            Instr::StackNew(s, p.idx(m, ParseSpace::Func)?)
        }
        "stack.new_ref" => Instr::StackNewRef(p.idx(m, t)?),
        "stack.switch" => Instr::StackSwitch(p.idx(m, t)?),
        "stack.switch_retire" => Instr::StackSwitchRetire(p.idx(m, t)?),
        "stack.bind" => {
            let a = p.idx(m, t)?;
            Instr::StackBind(a, p.idx(m, t)?)
        }
        "stack.release" => Instr::StackRelease(p.idx(m, t)?),
        "stack.switch_throw" => {
            let s = p.idx(m, t)?;
            Instr::StackSwitchThrow(s, p.idx(m, ParseSpace::Tag)?)
        }
        _ => return Ok(None),
    };
    Ok(Some(CoreInstr::RawStacks(i)))
}

/// The printer's text of an instruction: the inverse of `instr`.
pub fn print_instr(i: &Instr, n: &Namer) -> String {
    let ty = |x: &u32| n.idx(Space::Type, *x);
    match i {
        Instr::StackNew(s, f) => format!("stack.new {} {}", ty(s), n.idx(Space::Func, *f)),
        Instr::StackNewRef(s) => format!("stack.new_ref {}", ty(s)),
        Instr::StackSwitch(s) => format!("stack.switch {}", ty(s)),
        Instr::StackSwitchRetire(s) => format!("stack.switch_retire {}", ty(s)),
        Instr::StackBind(a, b) => format!("stack.bind {} {}", ty(a), ty(b)),
        Instr::StackRelease(s) => format!("stack.release {}", ty(s)),
        Instr::StackSwitchThrow(s, e) => {
            format!("stack.switch_throw {} {}", ty(s), n.idx(Space::Tag, *e))
        }
    }
}
