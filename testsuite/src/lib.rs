#![forbid(unsafe_code)]
//! Test-only crate: see tests/wast.rs.
