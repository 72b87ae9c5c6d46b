//! raw-stacks: first-class stacks with a root stack, no handlers ("bag of stacks").
//! The rules are written out in `proposals/raw-stacks/`.

pub mod text;
use crate::syntax::{FuncIdx, TagIdx, TypeIdx};

pub mod rules;
pub mod valid;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Instr {
    /// `stack.new $s $f`
    StackNew(TypeIdx, FuncIdx),
    /// `stack.new_ref $s`
    StackNewRef(TypeIdx),
    /// `stack.switch $s`
    StackSwitch(TypeIdx),
    /// `stack.switch_retire $s`
    StackSwitchRetire(TypeIdx),
    /// `stack.bind $s1 $s2`
    StackBind(TypeIdx, TypeIdx),
    /// `stack.release $s`
    StackRelease(TypeIdx),
    /// `stack.switch_throw $s $e`
    StackSwitchThrow(TypeIdx, TagIdx),
}

pub mod binary;
pub mod exec;
