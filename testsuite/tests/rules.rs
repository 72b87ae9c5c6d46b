//! Rule names agree between the code, the trace and the documents.
//!
//! Every reduction arm returns its rule's name, `--trace` prints it, and the same name heads the
//! rule in `proposals/<design>/README.md` (`proposals/core/README.md` for the core rules). This
//! test reads the sources as text (no parsing library) and checks both directions:
//!
//! - every name the code reports to the trace is a rule listed in the document's
//!   reduction-rule section;
//! - every rule listed there is reported by the code, or, for a rule that ends in a trap or in
//!   an outcome (the trace shows the design's trap rule, else `trap`), named in a comment of the
//!   code that implements it.
//!
//! "Reported to the trace" means a string literal in return position in the non-test part of
//! the file: `Ok("cont.new")`, or an arm's value `"block"`. A rule listed in a document is a
//! bullet of its reduction-rule section that starts with the rule's name in bold:
//! `- **`stack.new`** ...` or `* **resume** ...`; several names may share a bullet
//! (`**a**, **b**: traps`). The library reads the documents (`switchyard::coverage::doc`), for
//! this test and for rule coverage (`tests/coverage.rs`), which also checks the typing rules.
//!
//! The guides cite rules too (`docs/*.md`, `README.md`): every name they cite is one the code
//! knows (`cited_rules_are_in_the_code`). A citation is a name in bold code (**`resume`**), or a
//! code name with a `-` (`resume-suspend`) in a paragraph that speaks of rules or traces.

use std::collections::BTreeSet;
use std::path::PathBuf;

use pretty_assertions::assert_eq;
use switchyard::coverage::doc::{is_rule_name, Relation};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the testsuite crate sits in the repository")
        .to_path_buf()
}

fn read(rel: &str) -> String {
    let path = repo().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The file without its unit tests (they name rules as expectations, not as rules).
fn code_part(src: &str) -> &str {
    src.split("#[cfg(test)]").next().unwrap_or(src)
}

/// A string literal of the source with the code right before and after it.
struct Literal {
    text: String,
    before: String,
    after: String,
}

/// The string literals of Rust source `src`, skipping comments and char literals.
fn literals(src: &str) -> Vec<Literal> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    // The code outside literals and comments, for context.
    let mut code = String::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' => {
                // A char literal ('x', '\n', '"') or a lifetime ('_, 'a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    src[i + 2..].find('\'').map(|k| i + 2 + k)
                } else if b.get(i + 2) == Some(&b'\'') {
                    Some(i + 2)
                } else {
                    None
                };
                match end {
                    Some(e) => {
                        code.push_str("' '");
                        i = e + 1;
                    }
                    None => {
                        code.push('\'');
                        i += 1;
                    }
                }
            }
            b'"' => {
                let start = i + 1;
                i = start;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let text = src[start..i.min(b.len())].to_string();
                i += 1;
                let after: String = src[i.min(b.len())..]
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string();
                out.push(Literal {
                    text,
                    before: code.trim_end().to_string(),
                    after,
                });
                code.push_str("\"\"");
            }
            _ => {
                let c = src[i..].chars().next().unwrap_or(' ');
                code.push(c);
                i += c.len_utf8();
            }
        }
    }
    // Keep only a little context: what matters is the last token before.
    for l in &mut out {
        let cut = l.before.len().saturating_sub(8);
        let cut = (cut..=l.before.len())
            .find(|&k| l.before.is_char_boundary(k))
            .unwrap_or(l.before.len());
        l.before = l.before[cut..].to_string();
    }
    out
}

/// The rule names a file reports to the trace: string literals in return position (the value
/// of `Ok(..)`, of a block, or of a match arm) that look like rule names.
fn trace_names(src: &str) -> BTreeSet<String> {
    literals(code_part(src))
        .into_iter()
        .filter(|l| is_rule_name(&l.text))
        .filter(|l| {
            let before = l.before.as_str();
            let after = l.after.trim_start();
            let opens = before.ends_with("Ok(")
                || before.ends_with("Some(")
                || before.ends_with('{')
                || before.ends_with(';')
                || before.ends_with('}')
                || before.ends_with("=>");
            let closes = after.is_empty()
                || after.starts_with("//")
                || after.starts_with(')')
                || after.starts_with('}')
                || after.starts_with(',');
            opens && closes
        })
        .map(|l| l.text)
        .collect()
}

/// Whether `name` occurs in `text` as a whole word (not as part of a longer rule name).
fn mentions(text: &str, name: &str) -> bool {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || "_.-".contains(c);
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        // A `.` or `-` that nothing follows ends a sentence or a dash, not a name.
        let rest = &text[at + name.len()..];
        let after_ok = match after {
            None => true,
            Some('.' | '-') => {
                !rest[1..].starts_with(|d: char| d.is_ascii_alphanumeric() || d == '_')
            }
            Some(c) => !is_name_char(c),
        };
        !before.is_some_and(is_name_char) && after_ok
    })
}

/// The reduction rules a document lists (read by the library, which rule coverage uses too).
fn document_rules(doc: &str) -> BTreeSet<String> {
    switchyard::coverage::doc::document_rules(doc)
        .into_iter()
        .filter(|r| r.relation == Relation::Reduction)
        .map(|r| r.name)
        .collect()
}

fn missing(names: &BTreeSet<String>, known: impl Fn(&str) -> bool) -> Vec<String> {
    names.iter().filter(|n| !known(n)).cloned().collect()
}

/// The core step function also performs a few design rules (a continuation returning to its
/// resumer, a raw-stacks stack returning): its comments count as naming them.
const CORE_CODE: [&str; 2] = [
    "spec-interp/src/exec/step.rs",
    "spec-interp/src/exec/thread.rs",
];

const DESIGNS: [&str; 3] = ["typed-cont", "raw-stacks", "effect-handlers"];

fn module_of(design: &str) -> String {
    format!("spec-interp/src/{}/exec.rs", design.replace('-', "_"))
}

#[test]
fn document_rule_sections_parse() {
    for design in DESIGNS.iter().chain(&["core"]) {
        let rules = document_rules(&read(&format!("proposals/{design}/README.md")));
        assert!(
            rules.len() >= 5,
            "proposals/{design}/README.md: found only {rules:?} in its reduction-rule section"
        );
    }
}

#[test]
fn design_trace_names_are_documented() {
    let mut undocumented = Vec::new();
    for design in DESIGNS {
        let doc = document_rules(&read(&format!("proposals/{design}/README.md")));
        let trace = trace_names(&read(&module_of(design)));
        assert!(
            !trace.is_empty(),
            "{design}: no rule names found in its code"
        );
        for n in missing(&trace, |n| doc.contains(n)) {
            undocumented.push(format!("{design}: {n}"));
        }
    }
    assert_eq!(
        undocumented,
        Vec::<String>::new(),
        "rule names reported by spec-interp/src/<design>/exec.rs but not listed in \
         proposals/<design>/README.md"
    );
}

#[test]
fn documented_design_rules_are_in_the_code() {
    let core: String = CORE_CODE.iter().map(|p| read(p)).collect();
    let core_trace = trace_names(&read(CORE_CODE[0]));
    let mut absent = Vec::new();
    for design in DESIGNS {
        let doc = document_rules(&read(&format!("proposals/{design}/README.md")));
        let src = read(&module_of(design));
        let trace = trace_names(&src);
        let code = format!("{}\n{}", code_part(&src), core);
        let known = |n: &str| trace.contains(n) || core_trace.contains(n) || mentions(&code, n);
        for n in missing(&doc, known) {
            absent.push(format!("{design}: {n}"));
        }
    }
    assert_eq!(
        absent,
        Vec::<String>::new(),
        "rules listed in proposals/<design>/README.md that spec-interp/src/<design>/exec.rs \
         (or exec/step.rs) neither reports nor names"
    );
}

#[test]
fn core_trace_names_are_documented() {
    let mut doc = document_rules(&read("proposals/core/README.md"));
    // A core function may report a design's rule (`resume-return` from `settle`).
    for design in DESIGNS {
        doc.extend(document_rules(&read(&format!(
            "proposals/{design}/README.md"
        ))));
    }
    let trace = trace_names(&read(CORE_CODE[0]));
    assert!(
        trace.len() > 50,
        "core: too few rule names found: {trace:?}"
    );
    assert_eq!(
        missing(&trace, |n| doc.contains(n)),
        Vec::<String>::new(),
        "core rule names reported by step.rs but not listed in proposals/core/README.md"
    );
}

#[test]
fn documented_core_rules_are_in_the_code() {
    let doc = document_rules(&read("proposals/core/README.md"));
    let core: String = CORE_CODE.iter().map(|p| read(p)).collect();
    let trace = trace_names(&read(CORE_CODE[0]));
    assert_eq!(
        missing(&doc, |n| trace.contains(n) || mentions(&core, n)),
        Vec::<String>::new(),
        "rules listed in proposals/core/README.md that step.rs neither reports nor names"
    );
}

/// The rule names the code knows: those it reports to the trace (the core's, the designs', the
/// vector instructions'), the trap rules the designs and the core name for a failed step
/// (`<design>/rules.rs`, `.by_rule(..)`), the typing rules' names (`valid/rules.rs`,
/// `<design>/rules.rs`), and `trap`, the trace's name for a step that fails by no named rule.
fn code_rule_names() -> BTreeSet<String> {
    let mut names: BTreeSet<String> = BTreeSet::from(["trap".to_string()]);
    let mut traced = vec![
        CORE_CODE[0].to_string(),
        "spec-interp/src/simd/exec.rs".to_string(),
    ];
    traced.extend(DESIGNS.iter().map(|d| module_of(d)));
    for file in &traced {
        let src = read(file);
        names.extend(trace_names(&src));
        names.extend(
            literals(code_part(&src))
                .into_iter()
                .filter(|l| l.before.ends_with("by_rule(") && is_rule_name(&l.text))
                .map(|l| l.text),
        );
    }
    let mut named = vec!["spec-interp/src/valid/rules.rs".to_string()];
    named.extend(
        DESIGNS
            .iter()
            .map(|d| format!("spec-interp/src/{}/rules.rs", d.replace('-', "_"))),
    );
    for file in &named {
        names.extend(
            literals(code_part(&read(file)))
                .into_iter()
                .filter(|l| is_rule_name(&l.text))
                .map(|l| l.text),
        );
    }
    names
}

/// The rule names `markdown` cites: bold code names (**`resume`**), and code names with a `-`
/// (`resume-suspend`, not a file or a design) in paragraphs that mention rules or traces.
fn cited_rules(markdown: &str) -> BTreeSet<String> {
    let mut cited = BTreeSet::new();
    for paragraph in markdown.split("\n\n") {
        let about_rules = paragraph.contains("rule") || paragraph.contains("trace");
        let mut parts = paragraph.split('`');
        let mut before = parts.next().unwrap_or("");
        while let (Some(code), Some(after)) = (parts.next(), parts.next()) {
            let bold = before.ends_with("**") && after.starts_with("**");
            let file = [
                ".wast", ".wat", ".txt", ".sh", ".md", ".json", ".mjs", ".ts", ".js",
            ]
            .iter()
            .any(|x| code.ends_with(x))
                || DESIGNS.contains(&code)
                || code == "stack-switching";
            if is_rule_name(code) && (bold || (about_rules && code.contains('-') && !file)) {
                cited.insert(code.to_string());
            }
            before = after;
        }
    }
    cited
}

/// The documents that cite rules in prose; `docs/coverage.md` is generated from the code.
fn guides() -> Vec<String> {
    let mut docs = vec!["README.md".to_string()];
    for entry in std::fs::read_dir(repo().join("docs")).expect("docs/ exists") {
        let path = entry.expect("readable folder").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".md") && name != "coverage.md" {
            docs.push(format!("docs/{name}"));
        }
    }
    docs.sort();
    docs
}

#[test]
fn cited_rules_are_in_the_code() {
    let known = code_rule_names();
    assert!(known.len() > 100, "too few rule names found: {known:?}");
    let mut cited_anywhere = 0;
    let mut unknown = Vec::new();
    for doc in guides() {
        for name in cited_rules(&read(&doc)) {
            cited_anywhere += 1;
            if !known.contains(&name) {
                unknown.push(format!("{doc}: {name}"));
            }
        }
    }
    assert!(cited_anywhere > 10, "found only {cited_anywhere} citations");
    assert_eq!(
        unknown,
        Vec::<String>::new(),
        "rule names cited in the guides that the code never reports"
    );
}

mod scanner {
    use super::{cited_rules, mentions, trace_names};
    use pretty_assertions::assert_eq;

    #[test]
    fn finds_rule_literals_in_return_position_only() {
        let src = r#"
            fn f() -> Result<Rule> {
                let c = '"';
                match i {
                    A => "nop", // nop
                    B => {
                        x.push(1);
                        "block"
                    }
                    C => return Err(trap("null function reference")),
                    D => Err(Error::crash("no-frame")),
                    E => Ok(if t { "continue-tail" } else { "continue" }),
                }
                Ok("cont.new")
            }
            #[cfg(test)]
            const X: &str = "in-a-test";
        "#;
        let names: Vec<String> = trace_names(src).into_iter().collect();
        assert_eq!(
            names,
            ["block", "cont.new", "continue", "continue-tail", "nop"]
        );
    }

    #[test]
    fn citations_are_bold_names_and_hyphenated_names_near_rules() {
        let doc = "The rule **`resume`** and `resume-suspend`, see `typed-cont.wast`.\n\n\
                   A design, `typed-cont`, and the flag `--trace`.\n\n\
                   The trace prints `br-label-zero` and `br`.";
        let cited: Vec<String> = cited_rules(doc).into_iter().collect();
        assert_eq!(cited, ["br-label-zero", "resume", "resume-suspend"]);
    }

    #[test]
    fn mentions_whole_names() {
        assert!(mentions("// stack.switch-null, x", "stack.switch-null"));
        assert!(mentions("(see resume-return.)", "resume-return"));
        assert!(!mentions("// stack.switch-null", "stack.switch"));
        assert!(!mentions("// resume_throw", "resume"));
    }
}
