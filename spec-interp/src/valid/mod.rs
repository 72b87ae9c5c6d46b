//! Validation (spec chapter 3).

use crate::design::Design;
use crate::diag::Result;
use crate::syntax::Module;

/// Validates a module under a design.
pub fn validate_module(module: &Module, design: Design) -> Result<()> {
    let _ = (module, design);
    Ok(())
}
