//! effect-handlers typing rules (`proposals/effect-handlers/README.md` §3.3), called by the core
//! validator. A handle block is a control frame with a *barrier*: the core checker refuses
//! branches to labels outside it and returns inside it ("invalid branch out of handler").
//!
//! Legend: `k` the instruction checker, `x` type index, `e` tag index, `ct` canonical type
//! index, `ft` function type, `ts` value types.

use crate::diag::Result;
use crate::syntax::{FuncType, RefType, ValType};
use crate::typed_cont::valid::cont_type;
use crate::valid::{ref_to, Checker, FrameKind};

use super::Instr;

/// Frame tags of `FrameKind::Design` for this design.
const HANDLE_BODY: u8 = 0;
const HANDLE_CLAUSE: u8 = 1;

pub(crate) fn check_instr(k: &mut Checker, i: &Instr) -> Result<()> {
    match i {
        Instr::Perform(e) => {
            // perform: [tp*] -> [tr*]
            let ft = k.tag_type(*e)?;
            k.pop_vals(&ft.params)?;
            k.push_vals(&ft.results);
        }
        Instr::Handle(bt) => {
            // handle: the body sees one more label [t2*], with the handler boundary at it.
            let ft = k.block_type(*bt)?;
            k.pop_vals(&ft.params)?;
            k.push_ctrl(FrameKind::Design(HANDLE_BODY), ft.params, ft.results);
            k.set_barrier();
        }
        Instr::On(e, x) => {
            // handle (a clause): [tp* (ref $k)] -> [t2*], func [tr*] -> [t2*] <: $k's type
            if !matches!(
                k.top_kind(),
                FrameKind::Design(HANDLE_BODY) | FrameKind::Design(HANDLE_CLAUSE)
            ) {
                return Err(k.err("on outside of a handle block"));
            }
            let f = k.pop_ctrl()?;
            let tag = k.tag_type(*e)?;
            let (ct, kft) = cont_type(k, *x)?;
            let have = FuncType {
                params: tag.results.clone(),
                results: f.end.clone(),
            };
            if !k.reg().func_subtype(&have, &kft) {
                return Err(k.err(format!(
                    "type mismatch: continuation type does not fit the clause: the clause's \
                     continuation is {} ({} is {}, and the handle block returns {}), but {} is {}",
                    k.c.show_func(&have),
                    k.c.tag_name(*e),
                    k.c.show_func(&tag),
                    k.c.show_vals(&f.end),
                    k.c.type_name(ct),
                    k.c.show_func(&kft)
                )));
            }
            let mut start = tag.params;
            start.push(ref_to(false, ct));
            k.push_ctrl(FrameKind::Design(HANDLE_CLAUSE), start, f.end);
            k.set_barrier();
        }
        Instr::Continue(x) => {
            // continue: [tr* (ref null $k)] -> [t2*]
            let (ct, ft) = cont_type(k, *x)?;
            k.pop_expect(ref_to(true, ct))?;
            k.pop_vals(&ft.params)?;
            k.push_vals(&ft.results);
        }
        Instr::Discontinue(x, e) => {
            // discontinue: [te* (ref null $k)] -> [t2*], $e : [te*] -> []
            let (ct, ft) = cont_type(k, *x)?;
            let te = k.tag_type(*e)?;
            if !te.results.is_empty() {
                return Err(k.err(format!(
                    "type mismatch: exception tag has results: {} is {}",
                    k.c.tag_name(*e),
                    k.c.show_func(&te)
                )));
            }
            k.pop_expect(ref_to(true, ct))?;
            k.pop_vals(&te.params)?;
            k.push_vals(&ft.results);
        }
        Instr::DiscontinueRef(x) => {
            // discontinue_ref: [exnref (ref null $k)] -> [t2*]
            let (ct, ft) = cont_type(k, *x)?;
            k.pop_expect(ref_to(true, ct))?;
            k.pop_expect(ValType::Ref(RefType::EXNREF))?;
            k.push_vals(&ft.results);
        }
    }
    Ok(())
}
