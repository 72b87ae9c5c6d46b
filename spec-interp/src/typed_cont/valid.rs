//! typed-cont typing rules (the Explainer's "Instructions" section), called by the core
//! validator. The `cont $ft` composite type itself is checked with the module's types
//! (`valid::Ctx::check_types`: "non-function type N").
//!
//! Legend: `k` the instruction checker, `x`/`y` type indices, `e` tag index, `l` label index,
//! `ct` canonical type index, `ft` function type, `ts` value types.

use crate::diag::Result;
use crate::syntax::{FuncType, HeapType, RefType, ValType};
use crate::valid::{ref_to, Checker};

use super::{Handler, Instr};

/// `C.types[x] ~~ cont [t1*] -> [t2*]`: the canonical index of `x` and its function type.
pub(crate) fn cont_type(k: &Checker, x: u32) -> Result<(u32, FuncType)> {
    let ct = k.c.type_idx(x, k.sp)?;
    match k.reg().cont_func_type(ct) {
        Some(ft) => Ok((ct, ft.clone())),
        None => Err(k.err(format!("non-continuation type {x}"))),
    }
}

/// The same for a canonical index found inside another type (labels, switch parameters).
fn cont_type_canon(k: &Checker, ct: u32) -> Option<FuncType> {
    k.reg().cont_func_type(ct).cloned()
}

pub(crate) fn check_instr(k: &mut Checker, i: &Instr) -> Result<()> {
    match i {
        Instr::ContNew(x) => {
            // cont.new: [(ref null? $ft)] -> [(ref $ct)]
            let (ct, _) = cont_type(k, *x)?;
            let f = k.reg().cont_type(ct).unwrap_or(u32::MAX);
            k.pop_expect(ref_to(true, f))?;
            k.push(ref_to(false, ct));
        }
        Instr::ContBind(x, y) => {
            // cont.bind: [t3* (ref null? $ct)] -> [(ref $ct')]
            let (ct1, ft1) = cont_type(k, *x)?;
            let (ct2, ft2) = cont_type(k, *y)?;
            let both = || {
                format!(
                    "{} is {}, {} is {}",
                    k.c.type_name(ct1),
                    k.c.show_func(&ft1),
                    k.c.type_name(ct2),
                    k.c.show_func(&ft2)
                )
            };
            if ft1.params.len() < ft2.params.len() {
                return Err(k.err(format!(
                    "type mismatch: cont.bind to a type with more parameters: {}",
                    both()
                )));
            }
            let n = ft1.params.len() - ft2.params.len();
            let rest = FuncType {
                params: ft1.params[n..].to_vec(),
                results: ft1.results.clone(),
            };
            if !k.reg().func_subtype(&rest, &ft2) {
                return Err(k.err(format!(
                    "type mismatch: cont.bind types do not match: {}; binding {} of its \
                     parameters leaves {}",
                    both(),
                    n,
                    k.c.show_func(&rest)
                )));
            }
            k.pop_expect(ref_to(true, ct1))?;
            k.pop_vals(&ft1.params[..n])?;
            k.push(ref_to(false, ct2));
        }
        Instr::Suspend(e) => {
            // suspend: [t1*] -> [t2*] for $e : [t1*] -> [t2*]
            let ft = k.tag_type(*e)?;
            k.pop_vals(&ft.params)?;
            k.push_vals(&ft.results);
        }
        Instr::Resume(x, hs) => {
            // resume: [t1* (ref null? $ct)] -> [t2*]
            let (ct, ft) = cont_type(k, *x)?;
            check_handlers(k, hs, &ft.results)?;
            k.pop_expect(ref_to(true, ct))?;
            k.pop_vals(&ft.params)?;
            k.push_vals(&ft.results);
        }
        Instr::ResumeThrow(x, e, hs) => {
            // resume_throw: [te* (ref null? $ct)] -> [t2*], $e : [te*] -> []
            let (ct, ft) = cont_type(k, *x)?;
            let te = k.tag_type(*e)?;
            if !te.results.is_empty() {
                return Err(k.err(format!(
                    "type mismatch: exception tag has results: {} is {}",
                    k.c.tag_name(*e),
                    k.c.show_func(&te)
                )));
            }
            check_handlers(k, hs, &ft.results)?;
            k.pop_expect(ref_to(true, ct))?;
            k.pop_vals(&te.params)?;
            k.push_vals(&ft.results);
        }
        Instr::ResumeThrowRef(x, hs) => {
            // resume_throw_ref: [exnref (ref null? $ct)] -> [t2*]
            let (ct, ft) = cont_type(k, *x)?;
            check_handlers(k, hs, &ft.results)?;
            k.pop_expect(ref_to(true, ct))?;
            k.pop_expect(ValType::Ref(RefType::EXNREF))?;
            k.push_vals(&ft.results);
        }
        Instr::Switch(x, e) => {
            // switch $ct1 $e: [t1* (ref null? $ct1)] -> [t2*]
            //   $e : [] -> [t*], $ct1 ~~ cont [t1* (ref null? $ct2)] -> [te1*], te1* <: t*,
            //   $ct2 ~~ cont [t2*] -> [te2*], t* <: te2*
            let (ct1, ft1) = cont_type(k, *x)?;
            let tag = k.tag_type(*e)?;
            let tag_is = || format!("{} is {}", k.c.tag_name(*e), k.c.show_func(&tag));
            if !tag.params.is_empty() {
                return Err(k.err(format!(
                    "type mismatch in switch tag: a switch tag takes no parameters, but {}",
                    tag_is()
                )));
            }
            let (last, t1) = match ft1.params.split_last() {
                Some((
                    &ValType::Ref(RefType {
                        heap: HeapType::Concrete(c2),
                        ..
                    }),
                    t1,
                )) => (c2, t1.to_vec()),
                _ => {
                    return Err(k.err(format!(
                        "type mismatch: switch requires a continuation type whose last \
                         parameter is a continuation reference, but {} is {}",
                        k.c.type_name(ct1),
                        k.c.show_func(&ft1)
                    )))
                }
            };
            let ft2 = match cont_type_canon(k, last) {
                Some(ft2) => ft2,
                None => {
                    return Err(k.err(format!(
                        "type mismatch: switch: last parameter is not a continuation: {} is {}",
                        k.c.type_name(ct1),
                        k.c.show_func(&ft1)
                    )))
                }
            };
            if !k.reg().vals_subtype(&ft1.results, &tag.results) {
                return Err(k.err(format!(
                    "type mismatch in switch tag: the target {} returns {}, which the tag's \
                     results must accept, but {}",
                    k.c.type_name(ct1),
                    k.c.show_vals(&ft1.results),
                    tag_is()
                )));
            }
            if !k.reg().vals_subtype(&tag.results, &ft2.results) {
                return Err(k.err(format!(
                    "type mismatch in switch tag: the tag's results must fit the results {} of \
                     the switching continuation {}, but {}",
                    k.c.show_vals(&ft2.results),
                    k.c.type_name(last),
                    tag_is()
                )));
            }
            k.pop_expect(ref_to(true, ct1))?;
            k.pop_vals(&t1)?;
            k.push_vals(&ft2.params);
        }
    }
    Ok(())
}

/// Handler clauses `(hdl : t*)*` where `t*` are the resume's results.
fn check_handlers(k: &Checker, hs: &[Handler], ts: &[ValType]) -> Result<()> {
    for h in hs {
        match *h {
            Handler::OnLabel(e, l) => {
                // hdl-on-label: (on $e $l): $e : [t1*] -> [t2*], label [t1'* (ref null? $ct)], t1* <: t1'*,
                //   $ct ~~ cont [t2'*] -> [t'*], [t2*] -> [t*] <: [t2'*] -> [t'*]
                let tag = k.tag_type(e)?;
                let lts = k.label_types(l)?;
                let (ct, prefix) = match lts.split_last() {
                    Some((
                        &ValType::Ref(RefType {
                            heap: HeapType::Concrete(ct),
                            ..
                        }),
                        prefix,
                    )) => (ct, prefix),
                    _ => {
                        return Err(k.err(format!(
                            "type mismatch: instruction requires concrete continuation \
                             reference type but label has {}",
                            k.c.show_vals(&lts)
                        )));
                    }
                };
                let kft = match cont_type_canon(k, ct) {
                    Some(ft) => ft,
                    None => {
                        // Report the type as the module wrote it, if we can find it.
                        let x = k.c.map.iter().position(|&c| c == ct).unwrap_or(ct as usize);
                        return Err(k.err(format!("non-continuation type {x}")));
                    }
                };
                if !k.reg().vals_subtype(&tag.params, prefix) {
                    return Err(k.err(format!(
                        "type mismatch in handler: tag parameters and label differ: label {l} \
                         takes {} (the tag's parameters, then the continuation), but {} is {}",
                        k.c.show_vals(&lts),
                        k.c.tag_name(e),
                        k.c.show_func(&tag)
                    )));
                }
                let have = FuncType {
                    params: tag.results.clone(),
                    results: ts.to_vec(),
                };
                if !k.reg().func_subtype(&have, &kft) {
                    return Err(k.err(format!(
                        "type mismatch in handler: continuation type differs: label {l} takes a \
                         {}, which is cont {}, but the handler's continuation is {} (it takes \
                         {}'s results and returns what the resumed continuation returns)",
                        k.c.show_val(lts[lts.len() - 1]),
                        k.c.show_func(&kft),
                        k.c.show_func(&have),
                        k.c.tag_name(e)
                    )));
                }
            }
            Handler::OnSwitch(e) => {
                // hdl-on-switch: (on $e switch) : t* iff $e : [] -> [t*], the tag's results
                // *equal* to the resume's (not a subtype: a `switch` under this prompt captures
                // a continuation typed with the tag's results, which must be what the prompt's
                // computation really returns).
                let tag = k.tag_type(e)?;
                if !tag.params.is_empty() {
                    return Err(k.err(format!(
                        "type mismatch in switch tag: a switch tag takes no parameters, but {} \
                         is {}",
                        k.c.tag_name(e),
                        k.c.show_func(&tag)
                    )));
                }
                if !vals_equal(k, &tag.results, ts) {
                    return Err(k.err(format!(
                        "type mismatch in switch handler: tag results {} must equal the \
                         continuation's results {} ({} is {})",
                        k.c.show_vals(&tag.results),
                        k.c.show_vals(ts),
                        k.c.tag_name(e),
                        k.c.show_func(&tag)
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Type equality of two (canonical) result types: subtyping both ways.
fn vals_equal(k: &Checker, a: &[ValType], b: &[ValType]) -> bool {
    k.reg().vals_subtype(a, b) && k.reg().vals_subtype(b, a)
}
