//! typed-cont: typed continuations, the phase-3 stack-switching proposal.
//! The rules are written out in `proposals/typed-cont/`.

pub mod text;
use crate::syntax::{LabelIdx, TagIdx, TypeIdx};

pub mod rules;
pub mod valid;

/// A handler clause of `resume`, `resume_throw` and `resume_throw_ref`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Handler {
    /// `(on $e $l)`: a `suspend $e` branches to `$l` with the tag's params and the continuation.
    OnLabel(TagIdx, LabelIdx),
    /// `(on $e switch)`: a `switch` with tag `$e` may switch here.
    OnSwitch(TagIdx),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Instr {
    /// `cont.new $ct` (0xE0)
    ContNew(TypeIdx),
    /// `cont.bind $ct $ct2` (0xE1)
    ContBind(TypeIdx, TypeIdx),
    /// `suspend $t` (0xE2)
    Suspend(TagIdx),
    /// `resume $ct hdl*` (0xE3)
    Resume(TypeIdx, Box<[Handler]>),
    /// `resume_throw $ct $e hdl*` (0xE4)
    ResumeThrow(TypeIdx, TagIdx, Box<[Handler]>),
    /// `resume_throw_ref $ct hdl*` (0xE5)
    ResumeThrowRef(TypeIdx, Box<[Handler]>),
    /// `switch $ct $e` (0xE6)
    Switch(TypeIdx, TagIdx),
}

pub mod binary;
pub mod exec;
