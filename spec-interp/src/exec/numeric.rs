//! Numeric instructions (4.3): stub until the numeric helper's implementation lands.

use crate::runtime::Val;
use crate::syntax::NumOp;

/// Evaluates a numeric instruction on its operands (in stack order: 1 or 2 values).
/// `Err` carries the trap message.
pub fn eval(op: NumOp, args: &[Val]) -> Result<Val, &'static str> {
    let _ = (op, args);
    Err("unimplemented")
}
