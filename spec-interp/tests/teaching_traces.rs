//! The traces quoted in `docs/teaching.md` are the real `--trace` output of the checked-in
//! examples: this test reruns each `docs/examples/*.wast` and compares with its `.trace` file,
//! so a change to the reduction rules cannot leave the teaching material stale.

use std::path::Path;
use std::process::Command;

#[test]
fn teaching_traces_match_the_interpreter() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&examples).expect("docs/examples exists") {
        let script = entry.expect("readable folder").path();
        if script.extension().is_none_or(|e| e != "wast") {
            continue;
        }
        let expected_path = script.with_extension("trace");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        let out = Command::new(env!("CARGO_BIN_EXE_switchyard"))
            .arg("run")
            .arg("--trace")
            .arg(&script)
            .output()
            .expect("switchyard runs");
        assert!(out.status.success(), "{} fails", script.display());
        let actual = String::from_utf8_lossy(&out.stderr);
        pretty_assertions::assert_eq!(
            expected,
            actual,
            "{}: regenerate with `cargo run --release -- run --trace {} 2> {}`",
            script.display(),
            script.display(),
            expected_path.display()
        );
        checked += 1;
    }
    assert_eq!(checked, 3, "one example per design");
}
