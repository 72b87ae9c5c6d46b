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
