//! The commands of the binary that are more than a call into the library.

pub mod convert;
pub mod repl;
pub mod serve;
