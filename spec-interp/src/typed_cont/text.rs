//! typed-cont text format: `cont.new`, `cont.bind`, `suspend`, `resume` with handler clauses
//! `(on $e $l)` / `(on $e switch)`, `resume_throw`, `resume_throw_ref` and `switch`. The
//! composite type `(cont $ft)` is parsed by the core type parser.

use super::{Handler, Instr};
use crate::diag::Result;
use crate::syntax::Instr as CoreInstr;
use crate::text::parser::{FuncCtx, ModCtx, Parser, Space as ParseSpace};
use crate::text::print::{Namer, Space};

/// Handler clauses `(on $e $l)*` and `(on $e switch)*`.
fn handlers(p: &mut Parser<'_>, m: &ModCtx, f: &FuncCtx) -> Result<Box<[Handler]>> {
    let mut hs = Vec::new();
    while p.open_form("on") {
        let tag = p.idx(m, ParseSpace::Tag)?;
        if p.eat_keyword("switch") {
            hs.push(Handler::OnSwitch(tag));
        } else {
            hs.push(Handler::OnLabel(tag, p.label(f)?));
        }
        p.rparen()?;
    }
    Ok(hs.into())
}

/// The typed-cont instruction named `kw`, if it is one.
pub fn instr(
    p: &mut Parser<'_>,
    kw: &str,
    m: &mut ModCtx,
    f: &FuncCtx,
) -> Result<Option<CoreInstr>> {
    let t = ParseSpace::Type;
    let i = match kw {
        "cont.new" => Instr::ContNew(p.idx(m, t)?),
        "cont.bind" => {
            let a = p.idx(m, t)?;
            Instr::ContBind(a, p.idx(m, t)?)
        }
        "suspend" => Instr::Suspend(p.idx(m, ParseSpace::Tag)?),
        "resume" => {
            let ct = p.idx(m, t)?;
            Instr::Resume(ct, handlers(p, m, f)?)
        }
        "resume_throw" => {
            let ct = p.idx(m, t)?;
            let e = p.idx(m, ParseSpace::Tag)?;
            Instr::ResumeThrow(ct, e, handlers(p, m, f)?)
        }
        "resume_throw_ref" => {
            let ct = p.idx(m, t)?;
            Instr::ResumeThrowRef(ct, handlers(p, m, f)?)
        }
        "switch" => {
            let ct = p.idx(m, t)?;
            Instr::Switch(ct, p.idx(m, ParseSpace::Tag)?)
        }
        _ => return Ok(None),
    };
    Ok(Some(CoreInstr::TypedCont(i)))
}

/// The printer's text of an instruction: the inverse of `instr`.
pub fn print_instr(i: &Instr, n: &Namer) -> String {
    let ty = |x: &u32| n.idx(Space::Type, *x);
    let tag = |x: &u32| n.idx(Space::Tag, *x);
    let handlers = |hs: &[Handler]| -> String {
        hs.iter()
            .map(|h| match h {
                Handler::OnLabel(e, label) => format!(" (on {} {})", tag(e), n.label(*label)),
                Handler::OnSwitch(e) => format!(" (on {} switch)", tag(e)),
            })
            .collect()
    };
    match i {
        Instr::ContNew(x) => format!("cont.new {}", ty(x)),
        Instr::ContBind(x, y) => format!("cont.bind {} {}", ty(x), ty(y)),
        Instr::Suspend(e) => format!("suspend {}", tag(e)),
        Instr::Resume(x, hs) => format!("resume {}{}", ty(x), handlers(hs)),
        Instr::ResumeThrow(x, e, hs) => {
            format!("resume_throw {} {}{}", ty(x), tag(e), handlers(hs))
        }
        Instr::ResumeThrowRef(x, hs) => format!("resume_throw_ref {}{}", ty(x), handlers(hs)),
        Instr::Switch(x, e) => format!("switch {} {}", ty(x), tag(e)),
    }
}
