//! effect-handlers text format: `perform`, `continue`, `discontinue`, `discontinue_ref`. The
//! block structure (`handle bt ... on $e $k ... end`, folded `(handle bt (do ...) (on $e $k
//! ...))`) lives in the core instruction parser, which owns the block stack.

use super::Instr;
use crate::diag::Result;
use crate::syntax::Instr as CoreInstr;
use crate::text::parser::{FuncCtx, ModCtx, Parser, Space as ParseSpace};
use crate::text::print::{Namer, Space};

/// The effect-handlers instruction named `kw`, if it is one.
pub fn instr(
    p: &mut Parser<'_>,
    kw: &str,
    m: &mut ModCtx,
    _f: &FuncCtx,
) -> Result<Option<CoreInstr>> {
    let t = ParseSpace::Type;
    let i = match kw {
        "perform" => Instr::Perform(p.idx(m, ParseSpace::Tag)?),
        "continue" => Instr::Continue(p.idx(m, t)?),
        "discontinue" => {
            let k = p.idx(m, t)?;
            Instr::Discontinue(k, p.idx(m, ParseSpace::Tag)?)
        }
        "discontinue_ref" => Instr::DiscontinueRef(p.idx(m, t)?),
        _ => return Ok(None),
    };
    Ok(Some(CoreInstr::EffectHandlers(i)))
}

/// The printer's text of an instruction: the inverse of `instr` and of the core parser's
/// flat `handle bt` / `on $e $k`.
pub fn print_instr(i: &Instr, n: &Namer) -> String {
    let ty = |x: &u32| n.idx(Space::Type, *x);
    let tag = |x: &u32| n.idx(Space::Tag, *x);
    match i {
        Instr::Perform(e) => format!("perform {}", tag(e)),
        Instr::Handle(bt) => format!("handle{}", crate::text::print::block_type(*bt, n)),
        Instr::On(e, k) => format!("on {} {}", tag(e), ty(k)),
        Instr::Continue(k) => format!("continue {}", ty(k)),
        Instr::Discontinue(k, e) => format!("discontinue {} {}", ty(k), tag(e)),
        Instr::DiscontinueRef(k) => format!("discontinue_ref {}", ty(k)),
    }
}
