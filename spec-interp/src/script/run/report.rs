//! Reports of a run: diagnostics for failures (codespan-reporting) and the JSON file.

use super::{FileReport, Status, Tally};
use crate::diag;

/// Diagnostics rendered per file at most: each one reads the whole source, so a big file with
/// thousands of failures would take minutes; the rest are counted (and all are in the JSON).
pub const MAX_RENDERED: usize = 100;

/// One rendered diagnostic per failed directive of a report (the first `MAX_RENDERED`).
pub fn render_failures(report: &FileReport, color: bool) -> String {
    let name = report.path.display().to_string();
    let mut text = String::new();
    let failed = report.failures().count();
    if failed > MAX_RENDERED {
        text.push_str(&format!(
            "note: {name}: showing the first {MAX_RENDERED} of {failed} failures\n"
        ));
    }
    for outcome in report.failures().take(MAX_RENDERED) {
        let title = format!("{} failed", outcome.kind);
        let mut notes = vec![
            format!("expected: {}", outcome.expected),
            format!("   found: {}", outcome.actual),
        ];
        notes.extend(outcome.detail.notes.iter().cloned());
        notes.extend(exhaustion_hint(&outcome.actual).map(String::from));
        let label = first_line(&outcome.actual);
        let label = label.as_str();
        // Parse-time places (an unclosed `(`), then run-time ones (the trap site).
        let secondary: Vec<(diag::Span, String)> = outcome
            .labels
            .iter()
            .chain(&outcome.detail.secondary)
            .cloned()
            .collect();
        text.push_str(&diag::render_labelled(
            &name,
            &report.source,
            outcome.focus,
            &title,
            label,
            &secondary,
            &notes,
            color,
        ));
    }
    text
}

/// For an exhaustion (an outcome's `actual`, `exhaustion "..."`), how to raise the budget that
/// ran out.
pub fn exhaustion_hint(actual: &str) -> Option<&'static str> {
    let message = actual.strip_prefix("exhaustion \"")?;
    Some(if message.starts_with("fuel exhausted") {
        "help: raise the step budget with --fuel N (0: unlimited) or a `;;! fuel = N` line; \
         the default is 3 x 10^9 steps per invocation"
    } else if message.starts_with("call stack exhausted") {
        "help: raise the call depth with --call-depth N or a `;;! call-depth = N` line (default \
         20,000 activations), or a stack's size with --max-stack-bytes BYTES (default 16 MiB); \
         the evaluation contexts are also capped at 1 GiB together"
    } else if message.starts_with("too many live") {
        "help: raise the number of live continuations or stacks with --max-conts N (default \
         1,000,000)"
    } else if message.starts_with("out of memory") {
        "help: raise the heap budget with --max-heap BYTES (default 2 GiB)"
    } else {
        return None;
    })
}

/// The first line of `text`, cut at a word before 100 characters (with ` ...`): a label.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    match line.char_indices().nth(100) {
        Some((cut, _)) => {
            let cut = line[..cut].rfind(' ').filter(|&at| at > 40).unwrap_or(cut);
            format!("{} ...", &line[..cut])
        }
        None => line.to_string(),
    }
}

/// `PASS path (...)` or `FAIL path (...)`: the line printed for each file.
pub fn file_line(report: &FileReport) -> String {
    let tally = report.tally();
    let verdict = if tally.failed > 0 {
        "FAIL"
    } else if tally.passed == 0 && tally.skipped > 0 {
        "SKIP"
    } else {
        "PASS"
    };
    let design = report.design.map(|d| format!(" [{d}]")).unwrap_or_default();
    format!("{verdict} {}{design}: {tally}", report.path.display())
}

/// The notices of a run's header lines, one line per key and message however many files
/// share it: `note: ;;! key: message (N files, e.g. PATH)`.
pub fn notices_text(reports: &[FileReport]) -> String {
    let mut seen: Vec<(&str, &str, usize, &std::path::Path)> = Vec::new();
    for report in reports {
        for notice in &report.notices {
            match seen
                .iter_mut()
                .find(|(k, m, ..)| *k == notice.key && *m == notice.message)
            {
                Some(entry) => entry.2 += 1,
                None => seen.push((&notice.key, &notice.message, 1, &report.path)),
            }
        }
    }
    let mut text = String::new();
    for (key, message, files, first) in seen {
        let place = if files == 1 {
            format!("in {}", first.display())
        } else {
            format!("in {files} files, e.g. {}", first.display())
        };
        text.push_str(&format!("note: `;;! {key}`: {message} ({place})\n"));
    }
    text
}

/// One directive's record as one line of JSON (`run --json-lines`), with the file's path.
pub fn json_line(path: &std::path::Path, outcome: &super::Outcome) -> String {
    format!(
        "{{\"path\": {}, {}}}",
        string(&path.display().to_string()),
        directive_fields(outcome)
    )
}

/// `"line": .., "kind": .., "status": .., "expected": .., "actual": ..[, "reason": ..]`.
fn directive_fields(outcome: &super::Outcome) -> String {
    let (status, reason) = match &outcome.status {
        Status::Passed => ("passed", None),
        Status::Failed => ("failed", None),
        Status::Skipped { reason } => ("skipped", Some(reason)),
    };
    let mut out = format!(
        "\"line\": {}, \"kind\": {}, \"status\": \"{status}\", \"expected\": {}, \"actual\": {}",
        outcome.line,
        string(&outcome.kind),
        string(&outcome.expected),
        string(&outcome.actual)
    );
    if let Some(reason) = reason {
        out.push_str(&format!(", \"reason\": {}", string(reason)));
    }
    out
}

/// Every directive of every report, as JSON.
pub fn to_json(reports: &[FileReport], total: Tally) -> String {
    let mut out = String::from("{\n  \"files\": [");
    for (i, report) in reports.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        let tally = report.tally();
        out.push_str(&format!(
            "    {{\"path\": {}, \"design\": {}, \"passed\": {}, \"failed\": {}, \"skipped\": {},",
            string(&report.path.display().to_string()),
            report
                .design
                .map_or("null".to_string(), |d| string(d.name())),
            tally.passed,
            tally.failed,
            tally.skipped
        ));
        if !report.notices.is_empty() {
            let notices: Vec<String> = report
                .notices
                .iter()
                .map(|n| {
                    format!(
                        "{{\"key\": {}, \"message\": {}}}",
                        string(&n.key),
                        string(&n.message)
                    )
                })
                .collect();
            out.push_str(&format!(" \"notices\": [{}],", notices.join(", ")));
        }
        out.push_str(" \"directives\": [");
        for (j, outcome) in report.outcomes.iter().enumerate() {
            out.push_str(if j == 0 { "\n" } else { ",\n" });
            out.push_str(&format!("      {{{}}}", directive_fields(outcome)));
        }
        out.push_str(if report.outcomes.is_empty() {
            "]}"
        } else {
            "\n    ]}"
        });
    }
    out.push_str(&format!(
        "\n  ],\n  \"passed\": {},\n  \"failed\": {},\n  \"skipped\": {}\n}}\n",
        total.passed, total.failed, total.skipped
    ));
    out
}

/// A JSON string literal.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;
    use crate::script::run::Outcome;
    use pretty_assertions::assert_eq;

    #[test]
    fn json_and_diagnostics() {
        let source = "(module)\n(assert_return (invoke \"f\") (i32.const 1))\n".to_string();
        let span = Span::new(9, 52);
        let report = FileReport {
            notices: vec![],
            path: "t.wast".into(),
            source,
            design: Some(crate::design::Design::TypedCont),
            outcomes: vec![Outcome {
                span,
                line: 2,
                kind: "assert_return".into(),
                expected: "[(i32.const 1)]".into(),
                actual: "trap \"unreachable\"".into(),
                status: Status::Failed,
                focus: span,
                labels: Vec::new(),
                printed: Vec::new(),
                values: None,
                detail: crate::script::run::Detail::default(),
            }],
        };
        let json = to_json(std::slice::from_ref(&report), report.tally());
        assert!(json.contains("\"actual\": \"trap \\\"unreachable\\\"\""));
        assert_eq!(
            file_line(&report),
            "FAIL t.wast [typed-cont]: 0 passed, 1 failed, 0 skipped"
        );
        let text = render_failures(&report, false);
        assert!(text.contains("t.wast:2:1"), "{text}");
        assert!(
            text.contains("(assert_return (invoke \"f\") (i32.const 1))"),
            "{text}"
        );
    }
}
