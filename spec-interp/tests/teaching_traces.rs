//! The traces quoted in `docs/teaching.md` are the real `--trace` output of the checked-in
//! examples: this test reruns each `docs/examples/*.wast` (from that folder, so the headers name
//! the bare file) and compares with its `.trace` file, and checks that every step line quoted in
//! `docs/teaching.md` and `docs/guide.md` is a line of one of those files, so a change to the
//! reduction rules or to the trace's format cannot leave the teaching material stale.

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
        let name = script.file_name().expect("a file name");
        let out = Command::new(env!("CARGO_BIN_EXE_switchyard"))
            .arg("run")
            .arg("--trace")
            .arg(name)
            .current_dir(&examples)
            .output()
            .expect("switchyard runs");
        assert!(out.status.success(), "{} fails", script.display());
        let actual = String::from_utf8_lossy(&out.stderr);
        pretty_assertions::assert_eq!(
            expected,
            actual,
            "{}: regenerate with `cd docs/examples && switchyard run --trace {} 2> {}`",
            script.display(),
            name.to_string_lossy(),
            expected_path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
        );
        checked += 1;
    }
    assert_eq!(checked, 3, "one example per design");
}

/// A step line of the text trace: right-aligned step number, then the rule.
fn is_step_line(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && line.len() - t.len() + digits == 5 && t[digits..].starts_with(' ')
}

#[test]
fn quoted_trace_lines_are_real() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut traces = String::new();
    for entry in std::fs::read_dir(repo.join("docs/examples")).expect("docs/examples exists") {
        let path = entry.expect("readable folder").path();
        if path.extension().is_some_and(|e| e == "trace") {
            traces.push_str(&std::fs::read_to_string(&path).expect("readable"));
        }
    }
    let known: std::collections::HashSet<&str> = traces.lines().collect();
    let mut quoted = 0;
    let mut stale = Vec::new();
    for doc in ["docs/teaching.md", "docs/guide.md"] {
        let text = std::fs::read_to_string(repo.join(doc)).expect("readable");
        // Inside a fenced block: the fence's indentation (a block in a list item), stripped.
        let mut fence: Option<usize> = None;
        for (n, line) in text.lines().enumerate() {
            let indent = line.len() - line.trim_start().len();
            if line.trim_start().starts_with("```") {
                fence = if fence.is_some() { None } else { Some(indent) };
                continue;
            }
            let Some(indent) = fence else { continue };
            let line = line.get(indent..).unwrap_or("");
            if is_step_line(line) {
                quoted += 1;
                if !known.contains(line) {
                    stale.push(format!("{doc}:{}: {line}", n + 1));
                }
            }
        }
    }
    assert!(quoted > 20, "found only {quoted} quoted step lines");
    assert_eq!(
        stale,
        Vec::<String>::new(),
        "quoted trace lines that no docs/examples/*.trace file has"
    );
}
