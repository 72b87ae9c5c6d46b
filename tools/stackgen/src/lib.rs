//! stackgen: generates valid, terminating WebAssembly programs that exercise stack switching
//! (typed continuations; the same programs under effect-handlers and raw-stacks where they map,
//! `render::effect_handlers` and `render::raw_stacks`), each with the outcome its rules require,
//! for differential fuzzing (`xcheck fuzz`) and for Switchyard's own crash check.
//!
//! A program is drawn from a seed ([`Program::generate`]), is abstract (scenarios of
//! [`program::Op`]s), is rendered to `.wast` text with its predicted assertions
//! ([`render::render`]), and can be made smaller step by step ([`shrink::candidates`]) while
//! staying valid, terminating and predicted: the minimizer works on the structure, not on bytes.
#![forbid(unsafe_code)]

pub mod program;
pub mod render;
pub mod rng;
pub mod shrink;

pub use program::{Program, Scenario};
pub use render::{render, Rendered};
