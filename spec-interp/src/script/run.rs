//! Running scripts.
