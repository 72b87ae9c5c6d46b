//! The coverage report: every rule a proposal text lists, with how often the scripts hit it and
//! which scripts did, as a text table, JSON or Markdown.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use super::doc::{document_rules, Proposal, Relation, PROPOSALS};
use super::RuleCounts;
use crate::compare::js;
use crate::design::Design;

/// The rule counts of one script.
#[derive(Clone, Debug)]
pub struct ScriptCounts {
    /// As shown in reports.
    pub path: String,
    pub design: Design,
    pub counts: RuleCounts,
}

/// One rule (or one reported name) and its hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRow {
    pub name: String,
    pub relation: Relation,
    /// Its section in the proposal text and the section's anchor; empty for names the text
    /// does not list.
    pub section: String,
    pub anchor: String,
    pub hits: u64,
    /// Typing rules: how many of the hits failed (invalid modules).
    pub failed: u64,
    /// The scripts that hit it and how often, most hits first.
    pub scripts: Vec<(String, u64)>,
}

/// The rules of one proposal text.
#[derive(Clone, Debug)]
pub struct Part {
    pub proposal: Proposal,
    /// The rules the text lists, in its order.
    pub rules: Vec<RuleRow>,
    /// Names reported by these scripts that the text does not list: for the core, names no
    /// text lists (instructions traced under their own name); for a design, names another
    /// design's text lists.
    pub other: Vec<RuleRow>,
}

impl Part {
    pub fn never_hit(&self) -> impl Iterator<Item = &RuleRow> {
        self.rules.iter().filter(|r| r.hits == 0)
    }
}

/// The whole report.
#[derive(Clone, Debug)]
pub struct Coverage {
    pub scripts: usize,
    pub parts: Vec<Part>,
    /// Steps that ended without a rule name (core traps, exhaustion, uncaught exceptions).
    pub outcomes: Vec<(String, u64)>,
}

impl Coverage {
    /// Every listed rule that no script hit, as `proposal: relation rule`.
    pub fn never_hit(&self) -> Vec<String> {
        self.parts
            .iter()
            .flat_map(|p| {
                p.never_hit()
                    .map(|r| format!("{}: {} {}", p.proposal.name, r.relation.name(), r.name))
            })
            .collect()
    }
}

fn counts_of(c: &RuleCounts, relation: Relation) -> &HashMap<&'static str, u64> {
    match relation {
        Relation::Typing => &c.typing,
        Relation::Reduction => &c.reduction,
    }
}

/// A row for `name` over `scripts`.
fn row(name: &str, relation: Relation, scripts: &[&ScriptCounts]) -> RuleRow {
    let mut by_script = Vec::new();
    let (mut hits, mut failed) = (0, 0);
    for s in scripts {
        if let Some(&n) = counts_of(&s.counts, relation).get(name) {
            hits += n;
            by_script.push((s.path.clone(), n));
        }
        if relation == Relation::Typing {
            failed += s.counts.typing_failed.get(name).copied().unwrap_or(0);
        }
    }
    by_script.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    RuleRow {
        name: name.to_string(),
        relation,
        section: String::new(),
        anchor: String::new(),
        hits,
        failed,
        scripts: by_script,
    }
}

/// Builds the report over `scripts`; `only`: just the core and this design.
pub fn build(scripts: &[ScriptCounts], only: Option<Design>) -> Coverage {
    let listed: Vec<(Proposal, Vec<super::doc::DocRule>)> = PROPOSALS
        .iter()
        .filter(|p| only.is_none() || p.design.is_none() || p.design == only)
        .map(|p| (*p, document_rules(p.text)))
        .collect();
    let in_text = |p: &str, relation: Relation, name: &str| {
        listed.iter().any(|(q, rules)| {
            q.name == p
                && rules
                    .iter()
                    .any(|r| r.relation == relation && r.name == name)
        })
    };
    let in_any_text = |relation: Relation, name: &str| {
        listed.iter().any(|(_, rules)| {
            rules
                .iter()
                .any(|r| r.relation == relation && r.name == name)
        })
    };
    let mut parts = Vec::new();
    for (proposal, rules) in &listed {
        let mine: Vec<&ScriptCounts> = scripts
            .iter()
            .filter(|s| proposal.design.is_none() || proposal.design == Some(s.design))
            .collect();
        let mut rows = Vec::new();
        let mut seen = BTreeSet::new();
        for r in rules {
            if !seen.insert((r.relation, r.name.clone())) {
                continue;
            }
            let mut x = row(&r.name, r.relation, &mine);
            x.section = r.section.clone();
            x.anchor = r.anchor.clone();
            rows.push(x);
        }
        // Names these scripts report that this text does not list.
        let mut reported: BTreeSet<(Relation, &str)> = BTreeSet::new();
        for s in &mine {
            for relation in [Relation::Typing, Relation::Reduction] {
                reported.extend(
                    counts_of(&s.counts, relation)
                        .keys()
                        .map(|&k| (relation, k)),
                );
            }
        }
        let other = reported
            .into_iter()
            .filter(|&(relation, name)| match proposal.design {
                None => !in_any_text(relation, name),
                Some(_) => {
                    in_any_text(relation, name)
                        && !in_text(proposal.name, relation, name)
                        && !in_text("core", relation, name)
                }
            })
            .map(|(relation, name)| row(name, relation, &mine))
            .collect();
        parts.push(Part {
            proposal: *proposal,
            rules: rows,
            other,
        });
    }
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    for s in scripts {
        for (k, &n) in &s.counts.outcomes {
            *outcomes.entry(k.clone()).or_insert(0) += n;
        }
    }
    Coverage {
        scripts: scripts.len(),
        parts,
        outcomes: outcomes.into_iter().collect(),
    }
}

/// The rows of `rules` grouped by section, in order of first appearance.
fn sections(rules: &[RuleRow]) -> Vec<(Relation, &str, &str, Vec<&RuleRow>)> {
    let mut out: Vec<(Relation, &str, &str, Vec<&RuleRow>)> = Vec::new();
    for r in rules {
        match out
            .iter_mut()
            .find(|(rel, s, _, _)| *rel == r.relation && *s == r.section)
        {
            Some(group) => group.3.push(r),
            None => out.push((r.relation, &r.section, &r.anchor, vec![r])),
        }
    }
    out
}

fn summary(p: &Part) -> String {
    let of = |relation: Relation| {
        let rules: Vec<&RuleRow> = p.rules.iter().filter(|r| r.relation == relation).collect();
        let hit = rules.iter().filter(|r| r.hits > 0).count();
        (hit, rules.len())
    };
    let (th, tn) = of(Relation::Typing);
    let (rh, rn) = of(Relation::Reduction);
    format!(
        "{} of {} rules hit (typing {th}/{tn}, reduction {rh}/{rn})",
        th + rh,
        tn + rn
    )
}

fn hits_text(r: &RuleRow) -> String {
    if r.failed > 0 {
        format!("{} ({} failed)", r.hits, r.failed)
    } else {
        r.hits.to_string()
    }
}

fn example(r: &RuleRow) -> &str {
    r.scripts.first().map_or("", |(p, _)| p.as_str())
}

/// The text table: per proposal, the rules never hit first, then every rule by section.
pub fn render_text(c: &Coverage) -> String {
    let mut out = String::new();
    let line = |out: &mut String, r: &RuleRow| {
        let _ = writeln!(
            out,
            "    {:<9} {:<30} {:>16} {:>6}  {}",
            r.relation.name(),
            r.name,
            hits_text(r),
            r.scripts.len(),
            example(r)
        );
    };
    for p in &c.parts {
        let _ = writeln!(
            out,
            "{} ({}): {}",
            p.proposal.name,
            p.proposal.path,
            summary(p)
        );
        let _ = writeln!(
            out,
            "    {:<9} {:<30} {:>16} {:>6}  most hits in",
            "relation", "rule", "hits", "files"
        );
        let never: Vec<&RuleRow> = p.never_hit().collect();
        if !never.is_empty() {
            let _ = writeln!(out, "  NEVER HIT");
            for r in never {
                let _ = writeln!(
                    out,
                    "    {:<9} {:<30} {:>16} {:>6}  (section: {})",
                    r.relation.name(),
                    r.name,
                    0,
                    0,
                    r.section
                );
            }
        }
        for (_, section, _, rows) in sections(&p.rules) {
            let rows: Vec<&&RuleRow> = rows.iter().filter(|r| r.hits > 0).collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {section}");
            for r in rows {
                line(&mut out, r);
            }
        }
        if !p.other.is_empty() {
            let _ = writeln!(out, "  {}", other_heading(p));
            for r in &p.other {
                line(&mut out, r);
            }
        }
        out.push('\n');
    }
    if !c.outcomes.is_empty() {
        let _ = writeln!(out, "steps that ended without a rule name");
        for (what, n) in &c.outcomes {
            let _ = writeln!(out, "    {what:<58} {n:>8}");
        }
        out.push('\n');
    }
    let never = c.never_hit().len();
    let _ = writeln!(
        out,
        "{} scripts; {never} listed rule(s) never hit",
        c.scripts
    );
    out
}

fn other_heading(p: &Part) -> &'static str {
    match p.proposal.design {
        None => "reported, listed in no proposal text (instructions traced under their own name)",
        Some(_) => "reported, listed in another design's text",
    }
}

fn json_row(r: &RuleRow) -> String {
    let scripts: Vec<String> = r
        .scripts
        .iter()
        .map(|(p, n)| format!("{{\"path\": {}, \"hits\": {n}}}", js(p)))
        .collect();
    format!(
        "{{\"name\": {}, \"relation\": {}, \"section\": {}, \"anchor\": {}, \"hits\": {}, \
         \"failed\": {}, \"scripts\": [{}]}}",
        js(&r.name),
        js(r.relation.name()),
        js(&r.section),
        js(&r.anchor),
        r.hits,
        r.failed,
        scripts.join(", ")
    )
}

/// JSON: `{"scripts": N, "proposals": [{"name", "path", "rules": [...], "other": [...]}],
/// "outcomes": [{"outcome", "hits"}]}`; each rule with its section, anchor, hits, failed and
/// scripts (`[{"path", "hits"}]`, most hits first).
pub fn to_json(c: &Coverage) -> String {
    let rows = |rs: &[RuleRow]| {
        rs.iter()
            .map(|r| format!("      {}", json_row(r)))
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let parts: Vec<String> = c
        .parts
        .iter()
        .map(|p| {
            format!(
                "    {{\"name\": {}, \"path\": {}, \"never_hit\": {},\n     \"rules\": [\n{}\n     ],\n     \"other\": [\n{}\n     ]}}",
                js(p.proposal.name),
                js(p.proposal.path),
                p.never_hit().count(),
                rows(&p.rules),
                rows(&p.other)
            )
        })
        .collect();
    let outcomes: Vec<String> = c
        .outcomes
        .iter()
        .map(|(k, n)| format!("    {{\"outcome\": {}, \"hits\": {n}}}", js(k)))
        .collect();
    format!(
        "{{\n  \"scripts\": {},\n  \"proposals\": [\n{}\n  ],\n  \"outcomes\": [\n{}\n  ]\n}}\n",
        c.scripts,
        parts.join(",\n"),
        outcomes.join(",\n")
    )
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Markdown: per proposal a summary, the rules never hit, then one table per section with each
/// rule linked to its section (`root`: the path from the Markdown file to the repository).
pub fn render_markdown(c: &Coverage, root: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} scripts. Hits: reduction steps that performed the rule (trap rules included), or \
         instructions the typing rule was applied to (\"failed\": in modules that did not \
         validate). Files: the scripts that hit the rule; the one with the most hits is named.\n",
        c.scripts
    );
    for p in &c.parts {
        let link = |r: &RuleRow| format!("[`{}`]({root}{}{})", r.name, p.proposal.path, r.anchor);
        let _ = writeln!(out, "## {}\n", p.proposal.name);
        let _ = writeln!(
            out,
            "[{}]({root}{}): {}.\n",
            p.proposal.path,
            p.proposal.path,
            summary(p)
        );
        let never: Vec<&RuleRow> = p.never_hit().collect();
        if never.is_empty() {
            let _ = writeln!(out, "Every rule the text lists is hit.\n");
        } else {
            let names: Vec<String> = never.iter().map(|r| link(r)).collect();
            let _ = writeln!(out, "**Never hit:** {}.\n", names.join(", "));
        }
        for (relation, section, anchor, rows) in sections(&p.rules) {
            let kind = match relation {
                Relation::Typing => "Typing rules: ",
                Relation::Reduction => "Reduction rules: ",
            };
            let kind = if section.to_lowercase().contains("rules") {
                ""
            } else {
                kind
            };
            let _ = writeln!(
                out,
                "### {kind}[{}]({root}{}{anchor})\n",
                md_escape(section),
                p.proposal.path
            );
            let _ = writeln!(
                out,
                "| rule | hits | files | most hits in |\n|---|---:|---:|---|"
            );
            let mut rows = rows;
            rows.sort_by_key(|r| r.hits > 0);
            for r in rows {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    link(r),
                    hits_text(r),
                    r.scripts.len(),
                    md_escape(example(r))
                );
            }
            out.push('\n');
        }
        if !p.other.is_empty() && p.proposal.design.is_none() {
            // Many instruction names: one line per relation.
            let _ = writeln!(out, "### {}\n", capitalized(other_heading(p)));
            for relation in [Relation::Typing, Relation::Reduction] {
                let names: Vec<String> = p
                    .other
                    .iter()
                    .filter(|r| r.relation == relation)
                    .map(|r| format!("`{}` {}", r.name, r.hits))
                    .collect();
                if !names.is_empty() {
                    let _ = writeln!(out, "- {}: {}", relation.name(), names.join(", "));
                }
            }
            out.push('\n');
        } else if !p.other.is_empty() {
            let _ = writeln!(out, "### {}\n", capitalized(other_heading(p)));
            let _ = writeln!(
                out,
                "| name | relation | hits | files | most hits in |\n|---|---|---:|---:|---|"
            );
            for r in &p.other {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} |",
                    r.name,
                    r.relation.name(),
                    hits_text(r),
                    r.scripts.len(),
                    md_escape(example(r))
                );
            }
            out.push('\n');
        }
    }
    if !c.outcomes.is_empty() {
        let _ = writeln!(
            out,
            "## Steps that ended without a rule name\n\nCore traps (`proposals/core/README.md` \
             names no trap rules: the trace prints `trap`), exhaustion and uncaught exceptions.\n\n\
             | outcome | steps |\n|---|---:|"
        );
        for (what, n) in &c.outcomes {
            let _ = writeln!(out, "| {} | {n} |", md_escape(what));
        }
    }
    out
}

fn capitalized(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// Where the generated part of a Markdown file starts and ends; text outside is kept.
pub const MARK_BEGIN: &str = "<!-- begin: generated by `switchyard coverage`; do not edit -->";
pub const MARK_END: &str = "<!-- end: generated by `switchyard coverage` -->";

/// `existing` with its generated part replaced by `generated` (appended when it has none).
pub fn splice_markdown(existing: &str, generated: &str) -> String {
    crate::compare::splice_between(existing, generated, MARK_BEGIN, MARK_END)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn script(path: &str, design: Design, reduction: &[(&'static str, u64)]) -> ScriptCounts {
        let mut counts = RuleCounts::default();
        for &(rule, n) in reduction {
            counts.reduction.insert(rule, n);
        }
        ScriptCounts {
            path: path.to_string(),
            design,
            counts,
        }
    }

    #[test]
    fn rules_hit_by_design_and_script() {
        let scripts = [
            script("a.wast", Design::TypedCont, &[("resume", 3), ("nop", 1)]),
            script(
                "b.wast",
                Design::TypedCont,
                &[("resume", 5), ("i32.add", 2)],
            ),
            script("c.wast", Design::RawStacks, &[("resume", 7), ("nop", 4)]),
        ];
        let c = build(&scripts, None);
        let part = |name: &str| {
            c.parts
                .iter()
                .find(|p| p.proposal.name == name)
                .expect("a part per proposal")
        };
        let rule = |p: &str, name: &str| {
            part(p)
                .rules
                .iter()
                .find(|r| r.name == name && r.relation == Relation::Reduction)
                .cloned()
                .expect("listed")
        };
        let resume = rule("typed-cont", "resume");
        assert_eq!(resume.hits, 8);
        assert_eq!(
            resume.scripts,
            [("b.wast".to_string(), 5), ("a.wast".to_string(), 3)]
        );
        assert_eq!(resume.anchor, "#resume");
        // The core's rules count the scripts of every design.
        assert_eq!(rule("core", "nop").hits, 5);
        // A name no text lists goes to the core's other names; raw-stacks reported a rule of
        // typed-cont's.
        let other =
            |p: &str| -> Vec<String> { part(p).other.iter().map(|r| r.name.clone()).collect() };
        assert_eq!(other("core"), ["i32.add"]);
        assert_eq!(other("raw-stacks"), ["resume"]);
        assert!(c
            .never_hit()
            .contains(&"typed-cont: reduction switch-handled".to_string()));
        assert!(!c.never_hit().contains(&"core: reduction nop".to_string()));
        assert!(c.never_hit().contains(&"core: typing nop".to_string()));
        // Text, JSON and Markdown name the rules never hit first.
        let text = render_text(&c);
        let never = text.find("NEVER HIT").expect("listed");
        assert!(never < text.find("    reduction nop ").expect("nop's row"));
        assert!(to_json(&c).contains("{\"path\": \"b.wast\", \"hits\": 5}"));
        let md = render_markdown(&c, "../");
        assert!(md.contains("[`resume`](../proposals/typed-cont/README.md#resume)"));
    }

    #[test]
    fn only_one_design() {
        let c = build(&[], Some(Design::RawStacks));
        let names: Vec<&str> = c.parts.iter().map(|p| p.proposal.name).collect();
        assert_eq!(names, ["core", "raw-stacks"]);
    }

    #[test]
    fn splices_generated_part() {
        let first = splice_markdown("# Title\n\nintro\n", "table\n");
        let again = splice_markdown(&first, "new table\n");
        assert!(again.starts_with("# Title\n\nintro\n\n<!-- begin"));
        assert!(again.contains("new table\n") && !again.contains("\ntable\n"));
    }
}
