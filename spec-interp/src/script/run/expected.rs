//! The checked-in list of directives known to fail (`testsuite/expected-failures.txt`), and the
//! names files go by in it.
//!
//! Format: one directive per line, `FILE:LINE  WHY`; `#` starts a comment line. FILE is
//! `spec-tests/<path in the official suite>` or a path from the repository root
//! (`testsuite/core/deep.wast`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{FileReport, Status};

/// The repository this crate was built from.
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The folder holding the official suite's `core/`: `$SWITCHYARD_SPEC_TESTS`, else
/// `../shared/spec-tests` next to the repository.
pub fn spec_tests_root() -> PathBuf {
    match std::env::var_os("SWITCHYARD_SPEC_TESTS") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => repo_root().join("../shared/spec-tests"),
    }
}

/// The bundled suites (`testsuite/` of the repository).
pub fn bundled_suite() -> PathBuf {
    repo_root().join("testsuite")
}

pub fn expected_failures_path() -> PathBuf {
    bundled_suite().join("expected-failures.txt")
}

/// The name of a script in the list.
pub fn file_key(path: &Path) -> String {
    let full = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let under = |root: PathBuf, prefix: &str| {
        let root = root.canonicalize().ok()?;
        let rel = full.strip_prefix(root).ok()?;
        Some(format!(
            "{prefix}{}",
            rel.to_string_lossy().replace('\\', "/")
        ))
    };
    under(spec_tests_root(), "spec-tests/")
        .or_else(|| under(repo_root(), ""))
        .unwrap_or_else(|| path.to_string_lossy().replace('\\', "/"))
}

/// The parsed list: file name -> line -> why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedFailures {
    pub files: BTreeMap<String, BTreeMap<usize, String>>,
}

impl ExpectedFailures {
    pub fn parse(text: &str) -> Result<ExpectedFailures, String> {
        let mut list = ExpectedFailures::default();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (place, why) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let parsed = place
                .rsplit_once(':')
                .and_then(|(f, l)| Some((f, l.parse().ok()?)));
            let Some((file, number)) = parsed else {
                return Err(format!(
                    "expected-failures line {}: expected FILE:LINE WHY",
                    index + 1
                ));
            };
            list.files
                .entry(file.to_string())
                .or_default()
                .insert(number, why.trim().to_string());
        }
        Ok(list)
    }

    pub fn load(path: &Path) -> Result<ExpectedFailures, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => ExpectedFailures::parse(&text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Ok(ExpectedFailures::default())
            }
            Err(err) => Err(format!("{}: {err}", path.display())),
        }
    }

    /// Records every failure of a report (replacing what the list said about that file).
    pub fn record(&mut self, key: String, report: &FileReport) {
        let lines: BTreeMap<usize, String> = report
            .failures()
            .map(|o| (o.line, reason(&o.kind, &o.expected, &o.actual)))
            .collect();
        if lines.is_empty() {
            self.files.remove(&key);
        } else {
            self.files.insert(key, lines);
        }
    }

    pub fn render(&self) -> String {
        let mut text = String::from(HEADER);
        for (file, lines) in &self.files {
            for (line, why) in lines {
                text.push_str(&format!("{file}:{line}  {why}\n"));
            }
        }
        text
    }

    /// Differences between a file's report and the list: failures it does not list, and listed
    /// directives that no longer fail. Empty when they agree.
    pub fn check(&self, key: &str, report: &FileReport) -> Vec<String> {
        let empty = BTreeMap::new();
        let listed = self.files.get(key).unwrap_or(&empty);
        let mut problems = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for outcome in &report.outcomes {
            let is_listed = listed.contains_key(&outcome.line);
            match outcome.status {
                Status::Failed if !is_listed => problems.push(format!(
                    "{key}:{}: unexpected failure of {}: expected {}, got {}",
                    outcome.line, outcome.kind, outcome.expected, outcome.actual
                )),
                Status::Failed => {
                    seen.insert(outcome.line);
                }
                _ => {}
            }
        }
        for line in listed.keys().filter(|l| !seen.contains(l)) {
            problems.push(format!(
                "{key}:{line}: listed in expected-failures.txt but no longer fails: remove the entry"
            ));
        }
        problems
    }
}

const HEADER: &str = "\
# Directives known to fail, one per line: FILE:LINE  WHY (what was expected / what happened).
# The wast test (`cargo test`) fails on any failure not listed here and on any listed directive
# that passes, so progress only ratchets. Regenerate after improving the interpreter:
#   cargo run --release -- run --write-expected-failures testsuite/expected-failures.txt \\
#     testsuite ../shared/spec-tests/core
";

fn reason(kind: &str, expected: &str, actual: &str) -> String {
    let text = format!("{kind}: expected {expected}, got {actual}");
    let text = text.replace('\n', " ");
    // Long results (big value lists, long messages) make the list unreadable.
    match text.char_indices().nth(160) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::script::run::Outcome;
    use pretty_assertions::assert_eq;

    fn outcome(line: usize, status: Status) -> Outcome {
        Outcome {
            span: Span::NONE,
            line,
            kind: "assert_return".into(),
            expected: "[(i32.const 1)]".into(),
            actual: "[(i32.const 2)]".into(),
            status,
            focus: Span::NONE,
            labels: Vec::new(),
            printed: Vec::new(),
            values: None,
            detail: crate::script::run::Detail::default(),
        }
    }

    #[test]
    fn round_trip_and_ratchet() {
        let report = FileReport {
            notices: vec![],
            path: "x.wast".into(),
            source: String::new(),
            design: None,
            outcomes: vec![outcome(3, Status::Failed), outcome(5, Status::Passed)],
        };
        let mut list = ExpectedFailures::default();
        list.record("testsuite/x.wast".into(), &report);
        let text = list.render();
        let parsed = ExpectedFailures::parse(&text).unwrap();
        assert_eq!(parsed, list);
        assert_eq!(
            parsed.check("testsuite/x.wast", &report),
            Vec::<String>::new()
        );
        let unlisted = parsed.check("testsuite/y.wast", &report);
        assert_eq!(unlisted.len(), 1);
        let mut stale = parsed.clone();
        stale
            .files
            .get_mut("testsuite/x.wast")
            .unwrap()
            .insert(5, "old".into());
        assert_eq!(stale.check("testsuite/x.wast", &report).len(), 1);
    }
}
