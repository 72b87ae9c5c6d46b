//! Switchyard: a naive, formal-semantics interpreter for WebAssembly 3.0 and three designs of
//! stack switching (`typed-cont`, `raw-stacks`, `effect-handlers`).
//!
//! Modules follow the chapters of the spec: `syntax` (structure), `text` and `binary` (formats),
//! `valid` (validation), `runtime` and `exec` (execution), `script` (the `.wast` language),
//! `diag` (errors and their rendering), `simd` (the vector instructions: their syntax, formats,
//! typing and lane-wise rules in one place). `design` is the seam where each stack-switching design
//! plugs in its syntax, typing and reduction rules.
#![forbid(unsafe_code)]

pub mod bench;
pub mod binary;
pub mod compare;
pub mod convert;
pub mod coverage;
pub mod design;
pub mod diag;
pub mod effect_handlers;
pub mod exec;
pub mod gc_bench;
pub mod host;
pub mod playground;
pub mod raw_stacks;
pub mod repl;
pub mod runtime;
pub mod script;
pub mod simd;
pub mod syntax;
pub mod text;
pub mod typed_cont;
pub mod types;
pub mod valid;
