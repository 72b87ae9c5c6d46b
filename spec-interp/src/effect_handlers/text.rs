//! effect-handlers text format: `perform`, `continue`, `discontinue`, `discontinue_ref`. The
//! block structure (`handle bt ... on $e $k ... end`, folded `(handle bt (do ...) (on $e $k
//! ...))`) lives in the core instruction parser, which owns the block stack.

use super::Instr;
use crate::diag::Result;
use crate::syntax::Instr as CoreInstr;
use crate::text::parser::{FuncCtx, ModCtx, Parser, Space};

/// The effect-handlers instruction named `kw`, if it is one.
pub fn instr(
    p: &mut Parser<'_>,
    kw: &str,
    m: &mut ModCtx,
    _f: &FuncCtx,
) -> Result<Option<CoreInstr>> {
    let t = Space::Type;
    let i = match kw {
        "perform" => Instr::Perform(p.idx(m, Space::Tag)?),
        "continue" => Instr::Continue(p.idx(m, t)?),
        "discontinue" => {
            let k = p.idx(m, t)?;
            Instr::Discontinue(k, p.idx(m, Space::Tag)?)
        }
        "discontinue_ref" => Instr::DiscontinueRef(p.idx(m, t)?),
        _ => return Ok(None),
    };
    Ok(Some(CoreInstr::EffectHandlers(i)))
}

/// The printer's text of an instruction: the inverse of `instr` and of the core parser's
/// flat `handle bt` / `on $e $k`.
pub fn print_instr(i: &Instr) -> String {
    match i {
        Instr::Perform(tag) => format!("perform {tag}"),
        Instr::Handle(bt) => {
            let bt = match bt {
                crate::syntax::BlockType::Empty => String::new(),
                crate::syntax::BlockType::Val(t) => {
                    format!(" (result {})", crate::text::print::val_type(*t))
                }
                crate::syntax::BlockType::Type(x) => format!(" (type {x})"),
            };
            format!("handle{bt}")
        }
        Instr::On(tag, k) => format!("on {tag} {k}"),
        Instr::Continue(k) => format!("continue {k}"),
        Instr::Discontinue(k, tag) => format!("discontinue {k} {tag}"),
        Instr::DiscontinueRef(k) => format!("discontinue_ref {k}"),
    }
}
