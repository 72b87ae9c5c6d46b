//! One test per `.wast` file (placeholder until the runner lands).
fn check(_path: &std::path::Path) -> datatest_stable::Result<()> {
    Ok(())
}

datatest_stable::harness! {
    { test = check, root = "typed-cont", pattern = r"\.wast$" },
}
