//! The seam where the stack-switching designs plug in.
//!
//! A script runs under exactly one design. Each design is a module (`typed_cont`, `raw_stacks`,
//! `effect_handlers`) that contributes, behind this seam:
//! - its syntax: an instruction enum carried by `syntax::Instr::{TypedCont, RawStacks,
//!   EffectHandlers}` and, where it has them, composite and abstract heap types;
//! - its text and binary forms (`<design>::text`, `<design>::binary`), tried by the core parser
//!   and decoder only when the design is active;
//! - its typing rules (`<design>::valid`), called by the core validator;
//! - its reduction rules and administrative instructions (`<design>::exec`), called by the core
//!   step loop over the same explicit configuration.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Design {
    /// Typed continuations: today's phase-3 stack-switching proposal.
    #[default]
    TypedCont,
    /// First-class stacks with a root stack ("bag of stacks").
    RawStacks,
    /// Deep, block-structured effect handlers.
    EffectHandlers,
}

impl Design {
    pub const ALL: [Design; 3] = [Design::TypedCont, Design::RawStacks, Design::EffectHandlers];

    pub fn name(self) -> &'static str {
        match self {
            Design::TypedCont => "typed-cont",
            Design::RawStacks => "raw-stacks",
            Design::EffectHandlers => "effect-handlers",
        }
    }
}

impl fmt::Display for Design {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Design {
    type Err = String;
    fn from_str(s: &str) -> Result<Design, String> {
        Design::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| {
                format!("unknown design `{s}` (expected typed-cont, raw-stacks or effect-handlers)")
            })
    }
}

/// The design rule that a step of instruction `i` performed when it ended in `e` (a trap or an
/// outcome), for rule coverage; `None` for core instructions.
pub fn trap_rule(i: &crate::syntax::Instr, e: &crate::diag::Error) -> Option<&'static str> {
    use crate::syntax::Instr;
    match i {
        Instr::TypedCont(i) => crate::typed_cont::rules::trap_rule(i, e),
        Instr::RawStacks(i) => crate::raw_stacks::rules::trap_rule(i, e),
        Instr::EffectHandlers(i) => crate::effect_handlers::rules::trap_rule(i, e),
        _ => None,
    }
}
