//! Test-only crate: see tests/wast.rs.
