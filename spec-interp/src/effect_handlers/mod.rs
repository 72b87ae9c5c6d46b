//! effect-handlers: deep, block-structured handlers (resumable exceptions).
//! The rules are written out in `proposals/effect-handlers/`.
//!
//! In the flat code a handle block reads
//! `Handle(bt) body* (On($e, $k) clause*)* End`, like the legacy `try ... catch ... end`.

pub mod text;
use crate::syntax::{BlockType, TagIdx, TypeIdx};

pub mod rules;
pub mod valid;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Instr {
    /// `perform $e`
    Perform(TagIdx),
    /// `handle bt`: opens a handle block.
    Handle(BlockType),
    /// `on $e $k`: starts a clause of the innermost open handle block; `$k` is a `cont` type.
    On(TagIdx, TypeIdx),
    /// `continue $k`
    Continue(TypeIdx),
    /// `discontinue $k $e`
    Discontinue(TypeIdx, TagIdx),
    /// `discontinue_ref $k`
    DiscontinueRef(TypeIdx),
}

pub mod binary;
pub mod exec;
