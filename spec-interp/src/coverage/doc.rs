//! The rules a proposal text lists: `proposals/core/README.md` and `proposals/<design>/README.md`.
//!
//! A rule is listed in a section whose heading contains "Reduction rules" or "Typing rules" (or
//! "Validity and subtyping", raw-stacks §2.4's typing rules of stack types) (up to the next
//! heading of the same or a higher level) by a bullet that starts with the rule's
//! name in bold (`- **`stack.new`** ...`, `* **resume** ...`; several names may share a bullet:
//! `**a**, **b**: traps`), or by a paragraph that does (`**cont.new** [`cont.new`]`). When the
//! bold text is followed by a name in brackets, the bracketed name is the rule's (typed-cont
//! §4: `**handler clause, switch kind** [`hdl-on-switch`]`). `testsuite/tests/rules.rs` checks
//! the reduction rules found here against the code; rule coverage checks every rule found here
//! against what the suites exercise.

use std::collections::HashMap;

use crate::design::Design;

/// The two relations whose rules carry names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Relation {
    Typing,
    Reduction,
}

impl Relation {
    pub fn name(self) -> &'static str {
        match self {
            Relation::Typing => "typing",
            Relation::Reduction => "reduction",
        }
    }
}

/// A rule as a proposal text lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocRule {
    pub name: String,
    pub relation: Relation,
    /// The innermost heading above it, as written (`6. Reduction rules`, `cont.new`).
    pub section: String,
    /// That heading's anchor in the rendered Markdown (`#contnew`), GitHub style.
    pub anchor: String,
}

/// A proposal text, compiled in so that `switchyard coverage` works from anywhere.
#[derive(Clone, Copy, Debug)]
pub struct Proposal {
    /// `core` or a design's name.
    pub name: &'static str,
    /// The design whose scripts exercise its rules; `None` for the core (every design).
    pub design: Option<Design>,
    /// Its path in the repository.
    pub path: &'static str,
    pub text: &'static str,
}

/// The core's text and each design's, in the order reports show them.
pub const PROPOSALS: [Proposal; 4] = [
    Proposal {
        name: "core",
        design: None,
        path: "proposals/core/README.md",
        text: include_str!("../../../proposals/core/README.md"),
    },
    Proposal {
        name: "typed-cont",
        design: Some(Design::TypedCont),
        path: "proposals/typed-cont/README.md",
        text: include_str!("../../../proposals/typed-cont/README.md"),
    },
    Proposal {
        name: "raw-stacks",
        design: Some(Design::RawStacks),
        path: "proposals/raw-stacks/README.md",
        text: include_str!("../../../proposals/raw-stacks/README.md"),
    },
    Proposal {
        name: "effect-handlers",
        design: Some(Design::EffectHandlers),
        path: "proposals/effect-handlers/README.md",
        text: include_str!("../../../proposals/effect-handlers/README.md"),
    },
];

/// A rule name: lower case, digits, `_`, `.`, `-`; no spaces.
pub fn is_rule_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
}

/// The anchor GitHub gives a heading: lower case, spaces to `-`, punctuation other than `-`
/// and `_` dropped.
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The names a rule line starts with: leading bold names, or the bracketed code name after the
/// bold text.
fn line_names(rest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = rest;
    while let Some(r) = rest.strip_prefix("**") {
        let Some(end) = r.find("**") else { break };
        let name = r[..end].trim_matches('`');
        if is_rule_name(name) {
            names.push(name.to_string());
        }
        rest = r[end + 2..].trim_start_matches([',', ' ']);
    }
    if let Some(r) = rest.strip_prefix("[`") {
        if let Some(end) = r.find("`]") {
            if is_rule_name(&r[..end]) {
                return vec![r[..end].to_string()];
            }
        }
    }
    names
}

/// The rules `doc` lists, in order.
pub fn document_rules(doc: &str) -> Vec<DocRule> {
    let mut rules = Vec::new();
    let mut seen_anchors: HashMap<String, usize> = HashMap::new();
    let mut region: Option<(usize, Relation)> = None;
    let (mut section, mut anchor) = (String::new(), String::new());
    let mut in_code = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if line.starts_with('#') {
            let level = line.chars().take_while(|&c| c == '#').count();
            let text = line[level..].trim();
            let base = slug(text);
            let n = seen_anchors.entry(base.clone()).or_insert(0);
            anchor = if *n == 0 {
                format!("#{base}")
            } else {
                format!("#{base}-{n}")
            };
            *n += 1;
            section = text.to_string();
            if region.is_some_and(|(l, _)| level <= l) {
                region = None;
            }
            let lower = text.to_lowercase();
            if region.is_none() {
                if lower.contains("reduction rules") {
                    region = Some((level, Relation::Reduction));
                } else if lower.contains("typing rules") || lower.contains("validity and subtyping")
                {
                    region = Some((level, Relation::Typing));
                }
            }
            continue;
        }
        let Some((_, relation)) = region else {
            continue;
        };
        let rest = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .unwrap_or(line);
        for name in line_names(rest) {
            rules.push(DocRule {
                name,
                relation,
                section: section.clone(),
                anchor: anchor.clone(),
            });
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn names(doc: &str, relation: Relation) -> Vec<String> {
        document_rules(doc)
            .into_iter()
            .filter(|r| r.relation == relation)
            .map(|r| r.name)
            .collect()
    }

    #[test]
    fn reads_leading_bold_names_of_the_rule_sections() {
        let doc = "# x\n## 5. Reduction rules\n- **`a.b`** text **`c`**\n\
                   * **d-e**, **f**: traps\n- plain\n### sub\n- **g** x\n## 6. Other\n- **h**\n\
                   ## 4. Typing rules\n**t.one** [`t.one`]\n**a clause, kind** [`t-two`]\n\
                   - **`t.three`** ...\n```\n# not a heading\n```\n- **t.four**\n# End\n- **z**\n";
        assert_eq!(names(doc, Relation::Reduction), ["a.b", "d-e", "f", "g"]);
        assert_eq!(
            names(doc, Relation::Typing),
            ["t.one", "t-two", "t.three", "t.four"]
        );
    }

    #[test]
    fn sections_and_anchors() {
        let doc = "## 6. Reduction rules\n### cont.new\n* **x**\n### resume_throw and more\n\
                   * **y**\n## Typing rules\n### cont.new\n- **z**\n";
        let got: Vec<(String, String, String)> = document_rules(doc)
            .into_iter()
            .map(|r| (r.name, r.section, r.anchor))
            .collect();
        let row = |n: &str, s: &str, a: &str| (n.to_string(), s.to_string(), a.to_string());
        assert_eq!(
            got,
            [
                row("x", "cont.new", "#contnew"),
                row("y", "resume_throw and more", "#resume_throw-and-more"),
                row("z", "cont.new", "#contnew-1"),
            ]
        );
    }

    /// Every proposal text lists reduction rules, and every design's text typing rules.
    #[test]
    fn every_proposal_lists_rules() {
        for p in PROPOSALS {
            let rules = document_rules(p.text);
            let count = |rel| rules.iter().filter(|r| r.relation == rel).count();
            assert!(
                count(Relation::Reduction) >= 5,
                "{}: reduction rules",
                p.path
            );
            if p.design.is_some() {
                assert!(count(Relation::Typing) >= 5, "{}: typing rules", p.path);
            }
        }
    }
}
