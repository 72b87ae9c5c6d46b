//! What the tests that need an engine do without it: say so where it is seen, and fail on CI.

use std::io::Write;

/// Whether the `CI` environment variable is set (to anything but empty, `0` or `false`).
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Reports that `test` cannot run for `why`. On CI that is a failure (a panic) when the
/// missing piece is `required` there; elsewhere, and for optional pieces, a line
/// `skipped: TEST: WHY` on standard error, written past the test harness's output capture so
/// that a passing run shows it.
pub fn skipped(test: &str, why: &str, required: bool) {
    if required && on_ci() {
        panic!("{test}: {why}, which CI does not allow");
    }
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
}
