//! raw-stacks typing rules (`proposals/raw-stacks/README.md` §2.4 and §3.2), called by the core
//! validator.
//!
//! Legend: `k` the instruction checker, `c` module context, `x`/`y` type indices, `e` tag
//! index, `f` function index, `ct` canonical type index, `ts` value types, `rt` reference type.

use crate::diag::{Error, Result, Span};
use crate::syntax::{AbsHeapType, HeapType, RefType, ValType};
use crate::types::TypeRegistry;
use crate::valid::{ref_to, Checker, Ctx};

use super::Instr;

/// A stack type, canonical: its parameters and return-stack type.
struct StackTy {
    ct: u32,
    params: Vec<ValType>,
    ret: RefType,
}

/// type-stack: the return-stack type names a concrete stack type.
pub(crate) fn check_stack_type(c: &Ctx, ret: RefType, sp: Span) -> Result<()> {
    match ret.heap {
        HeapType::Concrete(y) => {
            let ct = c.type_idx(y, sp)?;
            if c.reg.stack_type(ct).is_none() {
                return Err(Error::invalid(format!("non-stack type {y}"), sp));
            }
            Ok(())
        }
        HeapType::Abs(_) => Err(Error::invalid("invalid return stack type", sp)),
    }
}

/// `C.types[x] ~~ stack t* rt`.
fn stack_type(k: &Checker, x: u32) -> Result<StackTy> {
    let ct = k.c.type_idx(x, k.sp)?;
    stack_type_canon(k, ct).ok_or_else(|| k.err(format!("non-stack type {x}")))
}

fn stack_type_canon(k: &Checker, ct: u32) -> Option<StackTy> {
    k.reg().stack_type(ct).map(|(params, ret)| StackTy {
        ct,
        params: params.to_vec(),
        ret,
    })
}

/// The stack type `$y` that the return-stack type of `s` names.
fn return_stack(k: &Checker, s: &StackTy) -> Result<StackTy> {
    match s.ret.heap {
        HeapType::Concrete(y) => stack_type_canon(k, y)
            .ok_or_else(|| k.err("type mismatch: return stack is not a stack type")),
        HeapType::Abs(_) => Err(k.err("invalid return stack type")),
    }
}

/// `stack $s: [t*] rt`, for messages: the stack type `s` as the module calls it, and what a
/// switch to it sends.
fn show_stack(k: &Checker, s: &StackTy) -> String {
    let mut sent = s.params.clone();
    sent.push(ValType::Ref(s.ret));
    format!("{} receives {}", k.c.type_name(s.ct), k.c.show_vals(&sent))
}

/// A function `[p*] -> []` can start stack `s`: `t* rt <: p*`.
fn can_start(reg: &TypeRegistry, s: &StackTy, params: &[ValType], results: &[ValType]) -> bool {
    let mut sent = s.params.clone();
    sent.push(ValType::Ref(s.ret));
    results.is_empty() && reg.vals_subtype(&sent, params)
}

pub(crate) fn check_instr(k: &mut Checker, i: &Instr) -> Result<()> {
    match i {
        Instr::StackNew(x, f) => {
            // stack.new: [] -> [(ref $s)]
            let s = stack_type(k, *x)?;
            let fct = k.c.func(*f, k.sp)?;
            let ft = k.c.func_type(fct);
            if !can_start(k.reg(), &s, &ft.params, &ft.results) {
                return Err(k.err(format!(
                    "type mismatch: function cannot start this stack type: {} is {}, and {} \
                     (a starting function takes that and returns nothing)",
                    k.c.func_name(*f),
                    k.c.show_func(ft),
                    show_stack(k, &s)
                )));
            }
            k.push(ref_to(false, s.ct));
        }
        Instr::StackNewRef(x) => {
            // stack.new_ref: [(ref null $ft)] -> [(ref $s)]
            let s = stack_type(k, *x)?;
            match k.pop_ref()? {
                None => {}
                Some(RefType {
                    heap: HeapType::Abs(AbsHeapType::NoFunc),
                    ..
                }) => {}
                Some(RefType {
                    heap: HeapType::Concrete(fct),
                    ..
                }) if k
                    .reg()
                    .func_type(fct)
                    .is_some_and(|ft| can_start(k.reg(), &s, &ft.params, &ft.results)) => {}
                Some(rt) => {
                    let ft = match rt.heap {
                        HeapType::Concrete(fct) => k.reg().func_type(fct),
                        HeapType::Abs(_) => None,
                    };
                    let given = match ft {
                        Some(ft) => format!("{} : {}", k.c.show_ref(rt), k.c.show_func(ft)),
                        None => k.c.show_ref(rt),
                    };
                    return Err(k.err(format!(
                        "type mismatch: function cannot start this stack type: the function is \
                         {given}, and {} (a starting function takes that and returns nothing)",
                        show_stack(k, &s)
                    )));
                }
            }
            k.push(ref_to(false, s.ct));
        }
        Instr::StackSwitch(x) => {
            // stack.switch: [t1* (ref null $s)] -> [t2* rt2]
            let s = stack_type(k, *x)?;
            let y = return_stack(k, &s)?;
            k.pop_expect(ref_to(true, s.ct))?;
            k.pop_vals(&s.params)?;
            k.push_vals(&y.params);
            k.push(ValType::Ref(y.ret));
        }
        Instr::StackSwitchRetire(x) => {
            // stack.switch_retire: [t1* (ref null $s)] -> [t*]; the target receives null.
            let s = stack_type(k, *x)?;
            if !s.ret.nullable {
                return Err(k.err(format!(
                    "type mismatch: retiring needs a nullable return stack type, but {}",
                    show_stack(k, &s)
                )));
            }
            k.pop_expect(ref_to(true, s.ct))?;
            k.pop_vals(&s.params)?;
            k.set_unreachable();
        }
        Instr::StackBind(x, y) => {
            // stack.bind: [t1* (ref null $s1)] -> [(ref $s2)], stack t2* rt1 <: stack t2'* rt2
            let s1 = stack_type(k, *x)?;
            let s2 = stack_type(k, *y)?;
            let both = || format!("{}, {}", show_stack(k, &s1), show_stack(k, &s2));
            if s1.params.len() < s2.params.len() {
                return Err(k.err(format!(
                    "type mismatch: stack.bind to a type with more parameters: {}",
                    both()
                )));
            }
            let n = s1.params.len() - s2.params.len();
            let rest = crate::syntax::CompType::Stack {
                params: s1.params[n..].to_vec(),
                ret: s1.ret,
            };
            let target = crate::syntax::CompType::Stack {
                params: s2.params.clone(),
                ret: s2.ret,
            };
            if !k.reg().comp_subtype(&rest, &target) {
                return Err(k.err(format!(
                    "type mismatch: stack.bind types do not match: {}",
                    both()
                )));
            }
            k.pop_expect(ref_to(true, s1.ct))?;
            k.pop_vals(&s1.params[..n])?;
            k.push(ref_to(false, s2.ct));
        }
        Instr::StackRelease(x) => {
            // stack.release: [(ref null $s)] -> []
            let s = stack_type(k, *x)?;
            k.pop_expect(ref_to(true, s.ct))?;
        }
        Instr::StackSwitchThrow(x, e) => {
            // stack.switch_throw: [te* (ref null $s)] -> [t2* rt2], $e : [te* tl] -> [],
            //   (ref $y) <: tl
            let s = stack_type(k, *x)?;
            let y = return_stack(k, &s)?;
            let tag = k.tag_type(*e)?;
            let te = match tag.params.split_last() {
                Some((&tl, te))
                    if tag.results.is_empty() && k.reg().val_subtype(ref_to(false, y.ct), tl) =>
                {
                    te.to_vec()
                }
                _ => {
                    return Err(k.err(format!(
                        "type mismatch: tag must be [te* tl] -> [] with tl accepting the return \
                         stack: {} is {}, and the return stack is {}",
                        k.c.tag_name(*e),
                        k.c.show_func(&tag),
                        k.c.show_val(ref_to(false, y.ct))
                    )))
                }
            };
            k.pop_expect(ref_to(true, s.ct))?;
            k.pop_vals(&te)?;
            k.push_vals(&y.params);
            k.push(ValType::Ref(y.ret));
        }
    }
    Ok(())
}
