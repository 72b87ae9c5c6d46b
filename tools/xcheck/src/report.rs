//! What a run found, and its renderings: the terminal summary, JSON, Markdown and a static
//! HTML conformance matrix (file x engine; each cell links to the directives where the engine
//! differs, with the script's expectation, Switchyard's outcome and the engine's side by side).

use crate::outcome::{compare, Outcome, Verdict};
use crate::script::Directive;
use serde_json::{json, Value};
use std::fmt::Write;

pub const SWITCHYARD: &str = "switchyard";

/// All results of one run.
pub struct Run {
    pub engines: Vec<String>,
    pub files: Vec<FileResult>,
}

/// One script on every engine.
pub struct FileResult {
    pub path: String,
    /// Why the harness could not read the file, if it could not.
    pub error: Option<String>,
    pub directives: Vec<Directive>,
    /// Per engine (same order as `Run::engines`), one outcome per directive.
    pub outcomes: Vec<Vec<Outcome>>,
    /// Per engine, the wall-clock seconds its attempts took on this file.
    pub seconds: Vec<f64>,
}

/// Counts of one engine on one file (or in total).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub directives: usize,
    /// Outcomes that do what the script says.
    pub pass: usize,
    /// Outcomes that do not (the engine ran the directive and did something else).
    pub fail: usize,
    pub agree: usize,
    pub differ: usize,
    pub limit: usize,
    pub not_comparable: usize,
    pub crashed: usize,
    pub timed_out: usize,
    pub unsupported: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.directives += o.directives;
        self.pass += o.pass;
        self.fail += o.fail;
        self.agree += o.agree;
        self.differ += o.differ;
        self.limit += o.limit;
        self.not_comparable += o.not_comparable;
        self.crashed += o.crashed;
        self.timed_out += o.timed_out;
        self.unsupported += o.unsupported;
    }

    fn count(&mut self, v: Verdict) {
        *self.slot(v) += 1;
    }

    fn slot(&mut self, v: Verdict) -> &mut usize {
        match v {
            Verdict::Agree => &mut self.agree,
            Verdict::Differ => &mut self.differ,
            Verdict::Limit => &mut self.limit,
            Verdict::NotComparable => &mut self.not_comparable,
            Verdict::Crashed => &mut self.crashed,
            Verdict::TimedOut => &mut self.timed_out,
            Verdict::Unsupported => &mut self.unsupported,
        }
    }

    /// How many directives got verdict `v`.
    pub fn of(&self, v: Verdict) -> usize {
        let mut t = *self;
        *t.slot(v)
    }
}

impl Run {
    fn switchyard_column(&self) -> Option<usize> {
        self.engines.iter().position(|e| e == SWITCHYARD)
    }

    /// The engines compared with Switchyard: all others, or Switchyard itself (against the
    /// script) when it runs alone.
    fn compared(&self) -> Vec<usize> {
        let others: Vec<usize> = (0..self.engines.len())
            .filter(|&e| Some(e) != self.switchyard_column())
            .collect();
        if others.is_empty() {
            (0..self.engines.len()).collect()
        } else {
            others
        }
    }

    /// Whether column `e` is compared with Switchyard (else it is Switchyard, compared with
    /// the script).
    fn is_compared(&self, e: usize) -> bool {
        self.compared().contains(&e)
    }

    /// The verdict of engine `e` on directive `i` of `file`: the comparison of the outcomes,
    /// except that an outcome whose state came after a resource limit (one side ran out of
    /// stack or fuel on an earlier directive it depends on, the other did not, so the two went
    /// on from different states) is not comparable.
    pub fn verdict(&self, file: &FileResult, e: usize, i: usize) -> Verdict {
        let v = self.outcome_verdict(file, e, i);
        if matches!(v, Verdict::Agree | Verdict::Differ | Verdict::Limit)
            && self.after_limit(file, e, i).is_some()
        {
            Verdict::NotComparable
        } else {
            v
        }
    }

    /// The comparison of engine `e`'s outcome on directive `i` with Switchyard's.
    fn outcome_verdict(&self, file: &FileResult, e: usize, i: usize) -> Verdict {
        let reference = self
            .switchyard_column()
            .filter(|&s| s != e)
            .map(|s| &file.outcomes[s][i]);
        compare(&file.outcomes[e][i], reference)
    }

    /// The line of an earlier directive whose effects directive `i` may observe and on which
    /// engine `e` and Switchyard parted over a resource limit.
    pub fn after_limit(&self, file: &FileResult, e: usize, i: usize) -> Option<usize> {
        file.directives[i]
            .state
            .iter()
            .find(|&&j| self.outcome_verdict(file, e, j) == Verdict::Limit)
            .map(|&j| file.directives[j].line)
    }

    /// The verdict as a table shows it, with why a directive is not comparable when its
    /// outcome does not say.
    fn verdict_text(&self, file: &FileResult, e: usize, i: usize) -> String {
        let v = self.verdict(file, e, i);
        match self.after_limit(file, e, i) {
            Some(line)
                if v == Verdict::NotComparable && file.outcomes[e][i].depends_on.is_none() =>
            {
                format!("not comparable: state after the resource limit of line {line}")
            }
            _ => v.name().to_string(),
        }
    }

    pub fn tally(&self, file: &FileResult, e: usize) -> Tally {
        let mut t = Tally {
            directives: file.directives.len(),
            ..Tally::default()
        };
        for i in 0..file.directives.len() {
            match file.outcomes[e][i].passes {
                Some(true) => t.pass += 1,
                Some(false) => t.fail += 1,
                None => {}
            }
            t.count(self.verdict(file, e, i));
        }
        t
    }

    /// Totals over the pairs compared with Switchyard.
    pub fn totals(&self) -> Tally {
        let mut total = Tally::default();
        for f in &self.files {
            for e in self.compared() {
                total.add(&self.tally(f, e));
            }
        }
        total
    }

    /// Switchyard's own totals against the script, when it ran and others were compared
    /// with it.
    pub fn switchyard_totals(&self) -> Option<Tally> {
        let s = self.switchyard_column()?;
        if self.is_compared(s) {
            return None;
        }
        let mut total = Tally::default();
        for f in &self.files {
            total.add(&self.tally(f, s));
        }
        Some(total)
    }

    /// The last line of the command: the verdicts of every directive-engine pair compared with
    /// Switchyard, then Switchyard's own record against the script.
    pub fn summary_line(&self) -> String {
        let t = self.totals();
        let mut line = format!(
            "{} agree, {} differ, {} resource limit, {} not comparable, {} crashed, {} timed out, {} unsupported",
            t.agree, t.differ, t.limit, t.not_comparable, t.crashed, t.timed_out, t.unsupported
        );
        if let Some(s) = self.switchyard_totals() {
            let _ = write!(
                line,
                "; switchyard: {} pass, {} fail, {} crashed, {} timed out",
                s.pass, s.fail, s.crashed, s.timed_out
            );
        }
        line
    }

    /// Directives of a file worth listing for engine `e`: it fails the script or does not
    /// agree with Switchyard.
    fn notable(&self, file: &FileResult, e: usize) -> Vec<usize> {
        (0..file.directives.len())
            .filter(|&i| {
                file.outcomes[e][i].passes != Some(true)
                    || self.verdict(file, e, i) != Verdict::Agree
            })
            .collect()
    }

    /// The name each file is shown under: the shortest tail of its path (two parts at least)
    /// that no other file of the run shares.
    pub fn display_names(&self) -> Vec<String> {
        display_names(
            &self
                .files
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>(),
        )
    }

    // --- terminal ------------------------------------------------------------------------

    pub fn terminal_table(&self) -> String {
        let names = self.display_names();
        let mut out = String::new();
        let width = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let cells: Vec<Vec<String>> = self
            .files
            .iter()
            .map(|f| {
                (0..self.engines.len())
                    .map(|e| self.cell_text(f, e))
                    .collect()
            })
            .collect();
        let col = |e: usize| {
            cells
                .iter()
                .map(|c| c[e].chars().count())
                .chain([self.engines[e].chars().count()])
                .max()
                .unwrap_or(8)
        };
        let pad = |text: &str, w: usize| {
            format!(
                "{}{text}",
                " ".repeat(w.saturating_sub(text.chars().count()))
            )
        };
        let _ = write!(out, "{}  {:>5}", pad_right("file", width), "dirs");
        for (e, name) in self.engines.iter().enumerate() {
            let _ = write!(out, "  {}", pad(name, col(e)));
        }
        out.push('\n');
        for (k, f) in self.files.iter().enumerate() {
            let _ = write!(
                out,
                "{}  {:>5}",
                pad_right(&names[k], width),
                f.directives.len()
            );
            if let Some(err) = &f.error {
                let _ = writeln!(out, "  cannot read: {}", err.lines().next().unwrap_or(""));
                continue;
            }
            for (e, cell) in cells[k].iter().enumerate() {
                let _ = write!(out, "  {}", pad(cell, col(e)));
            }
            out.push('\n');
        }
        let _ = writeln!(out, "({})", legend());
        out
    }

    fn cell_text(&self, f: &FileResult, e: usize) -> String {
        let t = self.tally(f, e);
        let mut s = format!("{}/{}", t.pass, t.directives);
        if self.is_compared(e) {
            let _ = write!(s, " ={}", t.agree);
            for v in &Verdict::ALL[1..] {
                let n = t.of(*v);
                if n > 0 {
                    let _ = write!(s, " {}{n}", v.sign());
                }
            }
        } else {
            for (n, sign) in [
                (t.crashed, Verdict::Crashed.sign()),
                (t.timed_out, Verdict::TimedOut.sign()),
                (
                    t.unsupported + t.not_comparable,
                    Verdict::Unsupported.sign(),
                ),
            ] {
                if n > 0 {
                    let _ = write!(s, " {sign}{n}");
                }
            }
        }
        s
    }

    // --- JSON ----------------------------------------------------------------------------

    pub fn to_json(&self) -> Value {
        let names = self.display_names();
        let files: Vec<Value> = self
            .files
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let directives: Vec<Value> = f
                    .directives
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let mut outcomes = serde_json::Map::new();
                        let mut verdicts = serde_json::Map::new();
                        for (e, name) in self.engines.iter().enumerate() {
                            let mut o = f.outcomes[e][i].to_json();
                            if let Some(line) = self.after_limit(f, e, i) {
                                o["after_limit"] = json!(line);
                            }
                            outcomes.insert(name.clone(), o);
                            verdicts.insert(name.clone(), json!(self.verdict(f, e, i).name()));
                        }
                        json!({
                            "line": d.line, "kind": d.kind, "expected": d.expect.describe(),
                            "outcomes": outcomes, "verdicts": verdicts,
                        })
                    })
                    .collect();
                let tallies: serde_json::Map<String, Value> = self
                    .engines
                    .iter()
                    .enumerate()
                    .map(|(e, name)| {
                        let mut t = tally_json(&self.tally(f, e));
                        t["seconds"] = json!(f.seconds.get(e).copied().unwrap_or(0.0));
                        (name.clone(), t)
                    })
                    .collect();
                json!({
                    "path": f.path, "name": names[k], "error": f.error, "tallies": tallies,
                    "directives": directives,
                })
            })
            .collect();
        json!({
            "engines": self.engines,
            "reference": if self.switchyard_column().is_some() { SWITCHYARD } else { "script" },
            "totals": tally_json(&self.totals()),
            "switchyard": self.switchyard_totals().map(|t| tally_json(&t)),
            "summary": self.summary_line(),
            "files": files,
        })
    }

    // --- Markdown ------------------------------------------------------------------------

    pub fn to_markdown(&self) -> String {
        let names = self.display_names();
        let mut out = String::from("# Conformance matrix\n\n");
        let _ = writeln!(out, "Each cell: {}.\n", legend());
        let _ = write!(out, "| file |");
        for e in &self.engines {
            let _ = write!(out, " {e} |");
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(self.engines.len()));
        out.push('\n');
        for (k, f) in self.files.iter().enumerate() {
            let _ = write!(out, "| `{}` |", names[k]);
            if let Some(err) = &f.error {
                let _ = writeln!(
                    out,
                    " cannot read: {} |",
                    md_cell(err.lines().next().unwrap_or(""))
                );
                continue;
            }
            for e in 0..self.engines.len() {
                let anchor = anchor(&names[k], &self.engines[e]);
                let cell = self.cell_text(f, e);
                if self.notable(f, e).is_empty() {
                    let _ = write!(out, " {cell} |");
                } else {
                    let _ = write!(out, " [{cell}](#{anchor}) |");
                }
            }
            out.push('\n');
        }
        let _ = writeln!(out, "\n**{}**\n", self.summary_line());
        for (k, f) in self.files.iter().enumerate() {
            for e in 0..self.engines.len() {
                let rows = self.notable(f, e);
                if rows.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "<a id=\"{}\"></a>\n## `{}` on {}\n",
                    anchor(&names[k], &self.engines[e]),
                    names[k],
                    self.engines[e]
                );
                let sy = self.switchyard_column().filter(|&s| s != e);
                let _ = write!(out, "| line | directive | expected |");
                if sy.is_some() {
                    out.push_str(" switchyard |");
                }
                let _ = writeln!(out, " {} | verdict |", self.engines[e]);
                out.push_str(if sy.is_some() {
                    "|---|---|---|---|---|---|\n"
                } else {
                    "|---|---|---|---|---|\n"
                });
                for i in rows {
                    let d = &f.directives[i];
                    let _ = write!(
                        out,
                        "| {} | {} | {} |",
                        d.line,
                        d.kind,
                        md_cell(&d.expect.describe())
                    );
                    if let Some(s) = sy {
                        let _ = write!(out, " {} |", md_cell(&f.outcomes[s][i].describe()));
                    }
                    let _ = writeln!(
                        out,
                        " {} | {} |",
                        md_cell(&f.outcomes[e][i].describe()),
                        self.verdict_text(f, e, i)
                    );
                }
                out.push('\n');
            }
        }
        out
    }

    // --- HTML ----------------------------------------------------------------------------

    /// The class of a matrix cell: its worst verdict decides its colour, so a cell with only
    /// crashes never looks like one with disagreements.
    fn cell_class(&self, t: &Tally, e: usize) -> &'static str {
        if !self.is_compared(e) {
            return if t.fail > 0 {
                "differ"
            } else if t.crashed + t.timed_out > 0 {
                "crash"
            } else if t.pass == t.directives {
                "full"
            } else {
                "partial"
            };
        }
        if t.differ > 0 {
            "differ"
        } else if t.crashed + t.timed_out > 0 {
            "crash"
        } else if t.agree == t.directives && t.pass == t.directives {
            "full"
        } else if t.agree == t.directives {
            "agree"
        } else {
            "partial"
        }
    }

    pub fn to_html(&self) -> String {
        let names = self.display_names();
        let mut out = String::from(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>xcheck conformance matrix</title>\n<style>\n\
             body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:2em;color:#222}\n\
             table{border-collapse:collapse;margin-bottom:2em}\n\
             td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;font-size:14px}\n\
             th{background:#f3f3f3}\n\
             td.full{background:#dcf2dc} td.agree{background:#eef8e6} td.partial{background:#f4f1e4}\n\
             td.crash{background:#e9defa} td.differ{background:#fbdcdc} td.na{background:#eee;color:#777}\n\
             td a{color:inherit} td.cell a.count{text-decoration:none;border-bottom:1px dotted #555}\n\
             code,td.o,pre{font-family:'DejaVu Sans Mono',ui-monospace,monospace;font-size:13px;white-space:pre-wrap;word-break:break-word}\n\
             tr.differ td.v{color:#b00;font-weight:bold} tr.crashed td.v,tr.timed-out td.v{color:#6a2fb0;font-weight:bold}\n\
             tr.limit td.v{color:#8a6d00} tr.not-comparable td.v,tr.unsupported td.v{color:#777}\n\
             tr:target,span.src:target{background:#fff3a8}\n\
             span.src{display:block} span.src b{display:inline-block;width:4em;color:#999;font-weight:normal;user-select:none}\n\
             .legend span{display:inline-block;padding:0 .5em;margin-right:.4em;border:1px solid #ccc}\n\
             </style></head><body>\n<h1>Conformance matrix</h1>\n",
        );
        let _ = writeln!(
            out,
            "<p>Each cell: {}. A cell links to its directives; each count to the first of its kind; \
             each line number to the script's source.</p>\n<p class=\"legend\"><span class=\"\" style=\"background:#dcf2dc\">all agree</span>\
             <span style=\"background:#eef8e6\">agree, some fail the script</span><span style=\"background:#f4f1e4\">not comparable, limits or unsupported only</span>\
             <span style=\"background:#e9defa\">crashes or time-outs</span><span style=\"background:#fbdcdc\">disagreements</span></p>",
            esc(&legend())
        );
        out.push_str("<table><tr><th>file</th>");
        for e in &self.engines {
            let _ = write!(out, "<th>{}</th>", esc(e));
        }
        out.push_str("</tr>\n");
        for (k, f) in self.files.iter().enumerate() {
            let _ = write!(out, "<tr><td><code>{}</code></td>", esc(&names[k]));
            if let Some(err) = &f.error {
                let _ = writeln!(
                    out,
                    "<td class=\"na\" colspan=\"{}\">cannot read: {}</td></tr>",
                    self.engines.len(),
                    esc(err.lines().next().unwrap_or(""))
                );
                continue;
            }
            for e in 0..self.engines.len() {
                let t = self.tally(f, e);
                let class = self.cell_class(&t, e);
                let a = anchor(&names[k], &self.engines[e]);
                if self.notable(f, e).is_empty() {
                    let _ = write!(
                        out,
                        "<td class=\"cell {class}\">{}</td>",
                        esc(&self.cell_text(f, e))
                    );
                    continue;
                }
                let _ = write!(
                    out,
                    "<td class=\"cell {class}\"><a href=\"#{a}\">{}/{}</a>",
                    t.pass, t.directives
                );
                if self.is_compared(e) {
                    let _ = write!(out, " ={}", t.agree);
                    for v in &Verdict::ALL[1..] {
                        let n = t.of(*v);
                        if n > 0 {
                            let _ = write!(
                                out,
                                " <a class=\"count\" href=\"#{a}-{}\" title=\"{n} {}\">{}{n}</a>",
                                v.slug(),
                                v.name(),
                                v.sign()
                            );
                        }
                    }
                } else {
                    let rest = self.cell_text(f, e);
                    let rest = rest.split_once(' ').map_or("", |(_, r)| r);
                    if !rest.is_empty() {
                        let _ = write!(out, " {}", esc(rest));
                    }
                }
                out.push_str("</td>");
            }
            out.push_str("</tr>\n");
        }
        let _ = writeln!(
            out,
            "</table>\n<p><strong>{}</strong></p>",
            esc(&self.summary_line())
        );
        for (k, f) in self.files.iter().enumerate() {
            let mut listed = false;
            for e in 0..self.engines.len() {
                let rows = self.notable(f, e);
                if rows.is_empty() {
                    continue;
                }
                listed = true;
                let a = anchor(&names[k], &self.engines[e]);
                let _ = writeln!(
                    out,
                    "<h2 id=\"{a}\"><code>{}</code> on {}</h2>",
                    esc(&names[k]),
                    esc(&self.engines[e])
                );
                let sy = self.switchyard_column().filter(|&s| s != e);
                out.push_str("<table><tr><th>line</th><th>directive</th><th>expected</th>");
                if sy.is_some() {
                    out.push_str("<th>switchyard</th>");
                }
                let _ = writeln!(
                    out,
                    "<th>{}</th><th>verdict</th></tr>",
                    esc(&self.engines[e])
                );
                let mut first_of = std::collections::HashSet::new();
                for i in rows {
                    let d = &f.directives[i];
                    let v = self.verdict(f, e, i);
                    let mark = if first_of.insert(v) {
                        format!("<a id=\"{a}-{}\"></a>", v.slug())
                    } else {
                        String::new()
                    };
                    let _ = write!(
                        out,
                        "<tr class=\"{}\" id=\"{a}-L{}\"><td>{mark}<a href=\"#{}\">{}</a></td><td>{}</td><td class=\"o\">{}</td>",
                        v.slug(),
                        d.line,
                        source_anchor(&names[k], d.line),
                        d.line,
                        esc(d.kind),
                        esc(&d.expect.describe())
                    );
                    if let Some(s) = sy {
                        let _ = write!(
                            out,
                            "<td class=\"o\">{}</td>",
                            esc(&f.outcomes[s][i].describe())
                        );
                    }
                    let _ = writeln!(
                        out,
                        "<td class=\"o\">{}</td><td class=\"v\">{}</td></tr>",
                        esc(&f.outcomes[e][i].describe()),
                        esc(&self.verdict_text(f, e, i))
                    );
                }
                out.push_str("</table>\n");
            }
            if listed {
                if let Ok(source) = std::fs::read_to_string(&f.path) {
                    let _ = writeln!(
                        out,
                        "<details><summary>Source of <code>{}</code></summary><pre>",
                        esc(&names[k])
                    );
                    for (n, line) in source.lines().enumerate() {
                        let _ = writeln!(
                            out,
                            "<span class=\"src\" id=\"{}\"><b>{}</b>{}</span>",
                            source_anchor(&names[k], n + 1),
                            n + 1,
                            esc(line)
                        );
                    }
                    out.push_str("</pre></details>\n");
                }
            }
        }
        // Opening a link into a closed source listing opens it.
        out.push_str(
            "<script>function openTarget(){const t=location.hash&&document.getElementById(location.hash.slice(1));\
             if(t){const d=t.closest('details');if(d&&!d.open){d.open=true;t.scrollIntoView();}}}\
             window.addEventListener('hashchange',openTarget);openTarget();</script>\n",
        );
        out.push_str("</body></html>\n");
        out
    }
}

/// What the signs of a cell mean.
pub fn legend() -> String {
    let signs: Vec<String> = Verdict::ALL
        .iter()
        .map(|v| format!("{}{}", v.sign(), v.name()))
        .collect();
    format!(
        "directives passing the script; then vs Switchyard: {}",
        signs.join(" ")
    )
}

fn pad_right(text: &str, width: usize) -> String {
    format!(
        "{text}{}",
        " ".repeat(width.saturating_sub(text.chars().count()))
    )
}

fn tally_json(t: &Tally) -> Value {
    json!({
        "directives": t.directives, "pass": t.pass, "fail": t.fail, "agree": t.agree,
        "differ": t.differ, "resource_limit": t.limit, "not_comparable": t.not_comparable,
        "crashed": t.crashed, "timed_out": t.timed_out, "unsupported": t.unsupported,
    })
}

/// A path shortened to its last two components (`stack-switching/cont.wast`).
pub fn short(path: &str) -> &str {
    tail(path, 2)
}

/// The last `n` components of a path.
fn tail(path: &str, n: usize) -> &str {
    let mut cut = path.len();
    for _ in 0..n {
        match path[..cut].rfind('/') {
            Some(p) => cut = p,
            None => return path,
        }
    }
    &path[cut + 1..]
}

/// For each path, the shortest tail (two components at least) no other path shares; the
/// whole path when even that is shared (the same file given twice).
pub fn display_names(paths: &[&str]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            let parts = p.split('/').count();
            (2..=parts.max(2))
                .map(|n| tail(p, n))
                .find(|t| {
                    paths
                        .iter()
                        .filter(|q| *q != p && (q.ends_with(&format!("/{t}")) || **q == *t))
                        .count()
                        == 0
                })
                .unwrap_or(p)
                .to_string()
        })
        .collect()
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn anchor(name: &str, engine: &str) -> String {
    format!("{}-{}", slug(name), slug(engine))
}

fn source_anchor(name: &str, line: usize) -> String {
    format!("src-{}-L{line}", slug(name))
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Category;

    fn run() -> Run {
        let s = crate::script::parse(
            "dir/sub/t.wast",
            "(module (func (export \"f\")))\n(assert_return (invoke \"f\"))".into(),
        )
        .unwrap();
        let ok = |d: &Directive| Outcome::as_expected(d, "");
        let sy: Vec<Outcome> = s.directives.iter().map(ok).collect();
        let v8 = vec![ok(&s.directives[0]), Outcome::crash("signal 5")];
        let wt = vec![
            ok(&s.directives[0]),
            Outcome::new(Category::Trap, "unreachable", Some(false)),
        ];
        Run {
            engines: vec!["switchyard".into(), "v8".into(), "wasmtime".into()],
            files: vec![FileResult {
                path: s.path.clone(),
                error: None,
                directives: s.directives.clone(),
                outcomes: vec![sy, v8, wt],
                seconds: vec![0.0; 3],
            }],
        }
    }

    /// After one side ran out of a resource where the other did not, the directives that depend
    /// on the state it left are not comparable.
    #[test]
    fn outcomes_after_a_resource_limit_are_not_comparable() {
        let s = crate::script::parse(
            "t.wast",
            "(module $m (global $g (mut i32) (i32.const 0)) (func (export \"deep\") (global.set $g (i32.const 1))) (func (export \"get\") (result i32) (global.get $g)))\n\
             (module $pure (func (export \"f\") (result i32) (i32.const 1)))\n\
             (invoke $m \"deep\")\n\
             (assert_return (invoke $m \"get\") (i32.const 1))\n\
             (assert_return (invoke $pure \"f\") (i32.const 1))"
                .to_string(),
        )
        .unwrap();
        let ok = |d: &Directive| Outcome::as_expected(d, "");
        let sy: Vec<Outcome> = s.directives.iter().map(ok).collect();
        let mut wt: Vec<Outcome> = s.directives.iter().map(ok).collect();
        wt[2] = Outcome::new(Category::Exhaustion, "call stack exhausted", Some(false));
        wt[3] = Outcome::new(Category::Return, "i32:0", Some(false));
        wt[4] = Outcome::new(Category::Return, "i32:2", Some(false));
        let r = Run {
            engines: vec!["switchyard".into(), "wasmtime".into()],
            files: vec![FileResult {
                path: s.path.clone(),
                error: None,
                directives: s.directives.clone(),
                outcomes: vec![sy, wt],
                seconds: vec![0.0; 2],
            }],
        };
        let f = &r.files[0];
        assert_eq!(r.verdict(f, 1, 2), Verdict::Limit);
        assert_eq!(r.verdict(f, 1, 3), Verdict::NotComparable);
        assert_eq!(
            r.verdict_text(f, 1, 3),
            "not comparable: state after the resource limit of line 3"
        );
        // `$pure` holds no state: its difference is a difference.
        assert_eq!(r.verdict(f, 1, 4), Verdict::Differ);
    }

    #[test]
    fn display_names_are_unique() {
        assert_eq!(
            display_names(&["a/x/s/t.wast", "b/x/s/t.wast", "c/u.wast", "t.wast"]),
            vec!["a/x/s/t.wast", "b/x/s/t.wast", "c/u.wast", "t.wast"]
        );
        assert_eq!(
            display_names(&["/r/one/suite/t.wast", "/r/two/suite/t.wast", "/r/x/y.wast"]),
            vec!["one/suite/t.wast", "two/suite/t.wast", "x/y.wast"]
        );
    }

    #[test]
    fn summary_counts_pairs_with_switchyard() {
        let r = run();
        assert_eq!(
            r.summary_line(),
            "2 agree, 1 differ, 0 resource limit, 0 not comparable, 1 crashed, 0 timed out, \
             0 unsupported; switchyard: 2 pass, 0 fail, 0 crashed, 0 timed out"
        );
        let md = r.to_markdown();
        assert!(md.contains("[1/2 =1 ✗1](#sub-t-wast-v8)"), "{md}");
        assert!(
            md.contains("| 2 | assert_return | return | return | trap unreachable | differ |"),
            "{md}"
        );
        let html = r.to_html();
        assert!(
            html.contains("<td class=\"cell differ\"><a href=\"#sub-t-wast-wasmtime\">"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"cell crash\"><a href=\"#sub-t-wast-v8\">"),
            "{html}"
        );
        assert_eq!(r.to_json()["totals"]["crashed"], 1);
    }
}
