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
    pub agree: usize,
    pub differ: usize,
    pub crashed: usize,
    pub timed_out: usize,
    pub unsupported: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.directives += o.directives;
        self.pass += o.pass;
        self.agree += o.agree;
        self.differ += o.differ;
        self.crashed += o.crashed;
        self.timed_out += o.timed_out;
        self.unsupported += o.unsupported;
    }

    fn count(&mut self, v: Verdict) {
        match v {
            Verdict::Agree => self.agree += 1,
            Verdict::Differ => self.differ += 1,
            Verdict::Crashed => self.crashed += 1,
            Verdict::TimedOut => self.timed_out += 1,
            Verdict::Unsupported => self.unsupported += 1,
        }
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

    /// The verdict of engine `e` on directive `i` of `file`.
    pub fn verdict(&self, file: &FileResult, e: usize, i: usize) -> Verdict {
        let reference = self
            .switchyard_column()
            .filter(|&s| s != e)
            .map(|s| &file.outcomes[s][i]);
        compare(&file.outcomes[e][i], reference)
    }

    pub fn tally(&self, file: &FileResult, e: usize) -> Tally {
        let mut t = Tally {
            directives: file.directives.len(),
            ..Tally::default()
        };
        for i in 0..file.directives.len() {
            if file.outcomes[e][i].passes == Some(true) {
                t.pass += 1;
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

    /// The required last line of the command.
    pub fn summary_line(&self) -> String {
        let t = self.totals();
        format!(
            "{} agree, {} differ, {} crashed, {} timed out, {} unsupported",
            t.agree, t.differ, t.crashed, t.timed_out, t.unsupported
        )
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

    // --- terminal ------------------------------------------------------------------------

    pub fn terminal_table(&self) -> String {
        let mut out = String::new();
        let width = self
            .files
            .iter()
            .map(|f| short(&f.path).len())
            .max()
            .unwrap_or(4)
            .max(4);
        let _ = write!(out, "{:width$}  {:>5}", "file", "dirs");
        for e in &self.engines {
            let _ = write!(out, "  {e:>28}");
        }
        out.push('\n');
        for f in &self.files {
            let _ = write!(out, "{:width$}  {:>5}", short(&f.path), f.directives.len());
            if let Some(err) = &f.error {
                let _ = writeln!(out, "  cannot read: {}", err.lines().next().unwrap_or(""));
                continue;
            }
            for e in 0..self.engines.len() {
                let _ = write!(out, "  {:>28}", self.cell_text(f, e));
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "(cell: directives passing the script; then vs Switchyard: =agree ≠differ ✗crashed ⌛timed out ?unsupported)"
        );
        out
    }

    fn cell_text(&self, f: &FileResult, e: usize) -> String {
        let t = self.tally(f, e);
        let mut s = format!("{}/{}", t.pass, t.directives);
        if self.engines[e] != SWITCHYARD || self.compared() == vec![e] {
            let _ = write!(s, " ={}", t.agree);
            for (n, sign) in [
                (t.differ, "≠"),
                (t.crashed, "✗"),
                (t.timed_out, "⌛"),
                (t.unsupported, "?"),
            ] {
                if n > 0 {
                    let _ = write!(s, " {sign}{n}");
                }
            }
        } else if t.unsupported > 0 {
            let _ = write!(s, " ?{}", t.unsupported);
        }
        s
    }

    // --- JSON ----------------------------------------------------------------------------

    pub fn to_json(&self) -> Value {
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|f| {
                let directives: Vec<Value> = f
                    .directives
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let mut outcomes = serde_json::Map::new();
                        let mut verdicts = serde_json::Map::new();
                        for (e, name) in self.engines.iter().enumerate() {
                            outcomes.insert(name.clone(), f.outcomes[e][i].to_json());
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
                json!({ "path": f.path, "error": f.error, "tallies": tallies, "directives": directives })
            })
            .collect();
        json!({
            "engines": self.engines,
            "reference": if self.switchyard_column().is_some() { SWITCHYARD } else { "script" },
            "totals": tally_json(&self.totals()),
            "summary": self.summary_line(),
            "files": files,
        })
    }

    // --- Markdown ------------------------------------------------------------------------

    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Conformance matrix\n\n");
        let _ = writeln!(
            out,
            "Each cell: directives whose outcome is the one the script expects, out of all; then, \
             compared with Switchyard: = agree, ≠ differ, ✗ crashed, ⌛ timed out, ? unsupported.\n"
        );
        let _ = write!(out, "| file |");
        for e in &self.engines {
            let _ = write!(out, " {e} |");
        }
        out.push_str("\n|---|");
        out.push_str(&"---|".repeat(self.engines.len()));
        out.push('\n');
        for f in &self.files {
            let _ = write!(out, "| `{}` |", short(&f.path));
            if let Some(err) = &f.error {
                let _ = writeln!(
                    out,
                    " cannot read: {} |",
                    md_cell(err.lines().next().unwrap_or(""))
                );
                continue;
            }
            for e in 0..self.engines.len() {
                let anchor = anchor(&f.path, &self.engines[e]);
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
        for f in &self.files {
            for e in 0..self.engines.len() {
                let rows = self.notable(f, e);
                if rows.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "<a id=\"{}\"></a>\n## `{}` on {}\n",
                    anchor(&f.path, &self.engines[e]),
                    short(&f.path),
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
                        self.verdict(f, e, i).name()
                    );
                }
                out.push('\n');
            }
        }
        out
    }

    // --- HTML ----------------------------------------------------------------------------

    pub fn to_html(&self) -> String {
        let mut out = String::from(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>xcheck conformance matrix</title>\n<style>\n\
             body{font-family:system-ui,sans-serif;margin:2em;color:#222}\n\
             table{border-collapse:collapse;margin-bottom:2em}\n\
             td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;font-size:14px}\n\
             th{background:#f3f3f3}\n\
             td.full{background:#e6f6e6} td.some{background:#fff6d6} td.none{background:#fbe3e3}\n\
             td.na{background:#eee;color:#777}\n\
             code,td.o{font-family:ui-monospace,monospace;font-size:13px;white-space:pre-wrap;word-break:break-word}\n\
             tr.differ td.v{color:#b00} tr.crashed td.v{color:#b00;font-weight:bold} tr.unsupported td.v{color:#777}\n\
             </style></head><body>\n<h1>Conformance matrix</h1>\n\
             <p>Each cell: directives whose outcome is the one the script expects, out of all; then, \
             compared with Switchyard: = agree, ≠ differ, ✗ crashed, ⌛ timed out, ? unsupported. \
             A cell links to the directives that differ.</p>\n<table><tr><th>file</th>",
        );
        for e in &self.engines {
            let _ = write!(out, "<th>{}</th>", esc(e));
        }
        out.push_str("</tr>\n");
        for f in &self.files {
            let _ = write!(out, "<tr><td><code>{}</code></td>", esc(short(&f.path)));
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
                let class = if t.pass == t.directives && t.agree == t.directives {
                    "full"
                } else if t.pass == 0 {
                    "none"
                } else {
                    "some"
                };
                let cell = esc(&self.cell_text(f, e));
                if self.notable(f, e).is_empty() {
                    let _ = write!(out, "<td class=\"{class}\">{cell}</td>");
                } else {
                    let _ = write!(
                        out,
                        "<td class=\"{class}\"><a href=\"#{}\">{cell}</a></td>",
                        anchor(&f.path, &self.engines[e])
                    );
                }
            }
            out.push_str("</tr>\n");
        }
        let _ = writeln!(
            out,
            "</table>\n<p><strong>{}</strong></p>",
            esc(&self.summary_line())
        );
        for f in &self.files {
            for e in 0..self.engines.len() {
                let rows = self.notable(f, e);
                if rows.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "<h2 id=\"{}\"><code>{}</code> on {}</h2>",
                    anchor(&f.path, &self.engines[e]),
                    esc(short(&f.path)),
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
                for i in rows {
                    let d = &f.directives[i];
                    let v = self.verdict(f, e, i);
                    let _ = write!(
                        out,
                        "<tr class=\"{}\" id=\"{}-L{}\"><td>{}</td><td>{}</td><td class=\"o\">{}</td>",
                        v.name().replace(' ', "-"),
                        anchor(&f.path, &self.engines[e]),
                        d.line,
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
                        v.name()
                    );
                }
                out.push_str("</table>\n");
            }
        }
        out.push_str("</body></html>\n");
        out
    }
}

fn tally_json(t: &Tally) -> Value {
    json!({
        "directives": t.directives, "pass": t.pass, "agree": t.agree, "differ": t.differ,
        "crashed": t.crashed, "timed_out": t.timed_out, "unsupported": t.unsupported,
    })
}

/// A path shortened to its last two components (`stack-switching/cont.wast`).
pub fn short(path: &str) -> &str {
    let mut cut = path.len();
    for _ in 0..2 {
        match path[..cut].rfind('/') {
            Some(p) => cut = p,
            None => return path,
        }
    }
    &path[cut + 1..]
}

fn anchor(path: &str, engine: &str) -> String {
    let raw = format!("{}-{}", short(path), engine);
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
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

    #[test]
    fn summary_counts_pairs_with_switchyard() {
        let r = run();
        assert_eq!(
            r.summary_line(),
            "2 agree, 1 differ, 1 crashed, 0 timed out, 0 unsupported"
        );
        let md = r.to_markdown();
        assert!(md.contains("[1/2 =1 ✗1](#sub-t-wast-v8)"), "{md}");
        assert!(
            md.contains("| 2 | assert_return | return | return | trap unreachable | differ |"),
            "{md}"
        );
        let html = r.to_html();
        assert!(html.contains("<a href=\"#sub-t-wast-wasmtime\">"), "{html}");
        assert_eq!(r.to_json()["totals"]["crashed"], 1);
    }
}
