//! Code as the executor runs it: a function body's flat instructions plus a side table that
//! maps every block-opening instruction to its matching `else`/`end`, computed once per function
//! so that entering, leaving and branching out of a block costs O(1).

use crate::diag::Span;
use crate::runtime::Val;
use crate::syntax::{BlockType, Expr, Instr};

/// Side-table entry of one instruction position.
///
/// - `block`/`loop`/`if`/`try_table` (and design blocks): `end` is the position of the matching
///   `end`; `next` is, for `if`, the position just after its `else` (or the `end` when there is
///   none); `params`/`results` is the block type's arity.
/// - `else` (and design clause separators): `end` is the matching `end`.
/// - typed-cont `resume`, `resume_throw`, `resume_throw_ref` and `switch`, effect-handlers
///   `continue`: `params`/`results` is the arity of the continuation type's function type
///   (read on every switch; looked up once here). raw-stacks `stack.switch` and
///   `stack.switch_retire`: `params` is the number of the stack type's parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Side {
    pub end: u32,
    pub next: u32,
    pub params: u32,
    pub results: u32,
}

/// A function body (or constant expression) ready to run.
#[derive(Debug)]
pub struct Code {
    pub instrs: Vec<Instr>,
    pub spans: Vec<Span>,
    pub side: Vec<Side>,
    pub params: u32,
    pub results: u32,
    /// Initial values of the declared (non-parameter) locals.
    pub locals: Vec<Val>,
    /// The function's index in its module (for traces); `u32::MAX` for constant expressions.
    pub func_idx: u32,
    /// The most labels an activation holds at once: the body's plus the deepest nesting of
    /// blocks. A fresh segment reserves exactly this many (`step::push_frame`).
    pub max_labels: u32,
}

fn opens_block(i: &Instr) -> Option<BlockType> {
    match i {
        Instr::Block(bt) | Instr::Loop(bt) | Instr::If(bt) | Instr::TryTable(bt, _) => Some(*bt),
        Instr::EffectHandlers(crate::effect_handlers::Instr::Handle(bt)) => Some(*bt),
        _ => None,
    }
}

/// The continuation (or stack) type a typed-cont, effect-handlers (raw-stacks) instruction's
/// side-table entry gives the arity of.
fn cont_type(i: &Instr) -> Option<u32> {
    use crate::typed_cont::Instr as T;
    match i {
        Instr::TypedCont(
            T::Resume(ct, _)
            | T::ResumeThrow(ct, _, _)
            | T::ResumeThrowRef(ct, _)
            | T::Switch(ct, _),
        ) => Some(*ct),
        Instr::RawStacks(
            crate::raw_stacks::Instr::StackSwitch(x)
            | crate::raw_stacks::Instr::StackSwitchRetire(x),
        ) => Some(*x),
        Instr::EffectHandlers(crate::effect_handlers::Instr::Continue(ct)) => Some(*ct),
        _ => None,
    }
}

fn separates(i: &Instr) -> bool {
    matches!(
        i,
        Instr::Else | Instr::EffectHandlers(crate::effect_handlers::Instr::On(..))
    )
}

impl Code {
    /// Builds the side table. `arity` gives a block type's (params, results) counts.
    pub fn new(
        body: &Expr,
        params: u32,
        results: u32,
        locals: Vec<Val>,
        func_idx: u32,
        arity: &dyn Fn(BlockType) -> (u32, u32),
    ) -> Code {
        let n = body.instrs.len();
        let mut side = vec![Side::default(); n];
        // Open constructs: opener position and the separators (`else`, clauses) seen so far.
        let mut open: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut deepest = 0;
        for (pc, i) in body.instrs.iter().enumerate() {
            if let Some(bt) = opens_block(i) {
                let (p, r) = arity(bt);
                side[pc].params = p;
                side[pc].results = r;
                open.push((pc, Vec::new()));
                deepest = deepest.max(open.len());
            } else if let Some(ct) = cont_type(i) {
                let (p, r) = arity(BlockType::Type(ct));
                side[pc].params = p;
                side[pc].results = r;
            } else if separates(i) {
                if let Some((_, seps)) = open.last_mut() {
                    seps.push(pc);
                }
            } else if matches!(i, Instr::End) {
                if let Some((o, seps)) = open.pop() {
                    let end = pc as u32;
                    side[pc].end = end;
                    side[o].end = end;
                    // Each of the opener and its separators points just after the next
                    // separator, the last one at the end.
                    let mut prev = o;
                    for &sep in &seps {
                        side[prev].next = sep as u32 + 1;
                        side[sep].end = end;
                        prev = sep;
                    }
                    side[prev].next = end;
                }
            }
        }
        Code {
            instrs: body.instrs.clone(),
            spans: body.spans.clone(),
            side,
            params,
            results,
            locals,
            func_idx,
            max_labels: 1 + deepest as u32,
        }
    }

    pub fn span(&self, pc: usize) -> Option<Span> {
        self.spans.get(pc).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn code(instrs: Vec<Instr>) -> Code {
        let spans = vec![Span::NONE; instrs.len()];
        Code::new(&Expr { instrs, spans }, 0, 0, vec![], 0, &|_| (0, 0))
    }

    #[test]
    fn if_else_end() {
        use Instr::*;
        let c = code(vec![
            I32Const(1),
            If(BlockType::Empty),
            Nop,
            Else,
            Nop,
            End,
            Block(BlockType::Empty),
            End,
        ]);
        assert_eq!(c.side[1].end, 5);
        assert_eq!(c.side[1].next, 4);
        assert_eq!(c.side[3].end, 5);
        assert_eq!(c.side[6].end, 7);
        assert_eq!(c.side[6].next, 7);
        // the body's label, and one block at a time
        assert_eq!(c.max_labels, 2);
    }

    #[test]
    fn if_without_else() {
        use Instr::*;
        let c = code(vec![I32Const(1), If(BlockType::Empty), Nop, End]);
        assert_eq!(c.side[1].end, 3);
        assert_eq!(c.side[1].next, 3);
    }
}
