//! The playground's library side (`switchyard serve`): the bundled example programs, the
//! proposal texts with where each rule is written, and a run of a script that records a
//! snapshot of the configuration per step (`exec::snapshot`). The HTTP server and the page
//! live in the binary (`cli/serve.rs`, `playground/` at the repository root); everything here
//! is plain data, serializable to the JSON the page reads.

use std::path::Path;

use serde::Serialize;

use crate::coverage::doc::{document_rules, Relation, PROPOSALS};
use crate::design::Design;
use crate::exec::snapshot::{DirectiveView, Mode, Recorder, Snapshot};
use crate::script::run::{
    report, run_source, Budgets, FileReport, RunOptions, Status, SCRIPT_STACK_SIZE,
};

/// Steps recorded per run unless the server is told otherwise: enough for every bundled
/// example, and a page that stays responsive.
pub const DEFAULT_MAX_SNAPSHOTS: usize = 5_000;

/// A program written in every design.
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    /// `generator` (the teaching example of `docs/examples/`), `cross-design/actors`, ...
    pub name: String,
    /// The first line of its description.
    pub title: String,
    /// The script of each design, in `Design::ALL` order.
    pub scripts: Vec<ExampleScript>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExampleScript {
    pub design: String,
    /// Its path in the repository.
    pub path: String,
    pub source: String,
}

macro_rules! designs {
    ($dir:literal, $prefix:expr) => {
        [
            (
                Design::TypedCont,
                concat!($dir, $prefix, "typed-cont.wast"),
                include_str!(concat!("../../", $dir, $prefix, "typed-cont.wast")),
            ),
            (
                Design::RawStacks,
                concat!($dir, $prefix, "raw-stacks.wast"),
                include_str!(concat!("../../", $dir, $prefix, "raw-stacks.wast")),
            ),
            (
                Design::EffectHandlers,
                concat!($dir, $prefix, "effect-handlers.wast"),
                include_str!(concat!("../../", $dir, $prefix, "effect-handlers.wast")),
            ),
        ]
    };
}

macro_rules! cross_design {
    ($($name:literal),* $(,)?) => {
        /// The programs of `testsuite/cross-design/` (a test checks the list is complete).
        pub const CROSS_DESIGN: &[(&str, &str, [(Design, &str, &str); 3])] = &[
            $((
                $name,
                include_str!(concat!("../../testsuite/cross-design/", $name, "/README.md")),
                designs!("testsuite/cross-design/", concat!($name, "/")),
            )),*
        ];
    };
}

cross_design!(
    "actors",
    "async-await",
    "cancellation",
    "deep-growth",
    "exceptions",
    "generator",
    "handler-depth",
    "pipes",
    "return-point",
    "scheduler",
    "stack-return",
    "suspend-twice",
);

/// The teaching example, compiled in so that `serve` works from anywhere.
const GENERATOR: [(Design, &str, &str); 3] = designs!("docs/examples/", "generator-");

/// The bundled examples: the generator of `docs/examples/` first, then the cross-design
/// programs.
pub fn examples() -> Vec<Example> {
    let scripts = |files: &[(Design, &str, &str); 3]| {
        files
            .iter()
            .map(|(design, path, source)| ExampleScript {
                design: design.name().to_string(),
                path: path.to_string(),
                source: source.to_string(),
            })
            .collect()
    };
    let mut all = vec![Example {
        name: "generator".to_string(),
        title: "A generator that yields 1 and 2; the consumer sums them (docs/teaching.md)"
            .to_string(),
        scripts: scripts(&GENERATOR),
    }];
    for (name, readme, files) in CROSS_DESIGN {
        all.push(Example {
            name: format!("cross-design/{name}"),
            title: readme_title(readme),
            scripts: scripts(files),
        });
    }
    all
}

/// The first sentence of a README's first paragraph after its heading.
fn readme_title(readme: &str) -> String {
    let paragraph: Vec<&str> = readme
        .lines()
        .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let text = paragraph.join(" ");
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    text[..end].to_string()
}

/// A proposal text and where its reduction rules are.
#[derive(Clone, Debug, Serialize)]
pub struct ProposalText {
    /// `core` or a design's name.
    pub name: String,
    pub path: String,
    /// The Markdown.
    pub text: String,
    /// The reduction rules it lists, with their section.
    pub rules: Vec<RuleRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleRef {
    pub name: String,
    /// The heading above the rule, as written.
    pub section: String,
    /// That heading's anchor, GitHub style (`#contnew`).
    pub anchor: String,
}

/// The core's text and each design's.
pub fn proposals() -> Vec<ProposalText> {
    PROPOSALS
        .iter()
        .map(|p| ProposalText {
            name: p.name.to_string(),
            path: p.path.to_string(),
            text: p.text.to_string(),
            rules: document_rules(p.text)
                .into_iter()
                .filter(|r| r.relation == Relation::Reduction)
                .map(|r| RuleRef {
                    name: r.name,
                    section: r.section,
                    anchor: r.anchor,
                })
                .collect(),
        })
        .collect()
}

/// A recorded run of a script under one design.
#[derive(Clone, Debug, Serialize)]
pub struct Recording {
    pub design: String,
    /// The snapshots, one per step (the first `limit`).
    pub steps: Vec<Snapshot>,
    pub directives: Vec<DirectiveView>,
    /// Steps taken, recorded or not.
    pub total_steps: u64,
    pub limit: usize,
    /// More steps were taken than recorded.
    pub truncated: bool,
    /// `N passed, N failed, N skipped`.
    pub summary: String,
    pub failed: usize,
    /// The failures' diagnostics, as `switchyard run` prints them.
    pub diagnostics: String,
    /// What the script printed (`spectest.print_*`).
    pub printed: Vec<String>,
}

/// Runs `src` under `design` with `budgets`, recording up to `limit` steps, on a thread with
/// a large stack as `switchyard run` does.
pub fn record(name: &str, src: &str, design: Design, budgets: Budgets, limit: usize) -> Recording {
    let sink = Recorder::sink(Mode::Collect { limit });
    let options = RunOptions {
        design: Some(design),
        budgets,
        snapshots: Some(sink.clone()),
        ..RunOptions::default()
    };
    let path = Path::new(name).to_path_buf();
    let text = src.to_string();
    let report: FileReport = std::thread::Builder::new()
        .name(format!("playground {name}"))
        .stack_size(SCRIPT_STACK_SIZE)
        .spawn(move || run_source(&path, &text, &options))
        .ok()
        .and_then(|h| h.join().ok())
        .unwrap_or_else(|| FileReport {
            path: Path::new(name).to_path_buf(),
            source: src.to_string(),
            design: Some(design),
            outcomes: vec![],
            notices: vec![],
        });
    let rec = std::mem::replace(
        &mut *sink.lock().unwrap_or_else(|e| e.into_inner()),
        Recorder::new(Mode::Print),
    );
    let tally = report.tally();
    Recording {
        design: design.name().to_string(),
        steps: rec.steps,
        directives: rec.directives,
        total_steps: rec.total_steps,
        limit,
        truncated: rec.truncated,
        summary: tally.to_string(),
        failed: report
            .outcomes
            .iter()
            .filter(|o| o.status == Status::Failed)
            .count(),
        diagnostics: report::render_failures(&report, false),
        printed: report
            .outcomes
            .iter()
            .flat_map(|o| o.printed.iter().cloned())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cross_design_program_is_bundled() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testsuite/cross-design");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let bundled: Vec<String> = CROSS_DESIGN.iter().map(|(n, ..)| n.to_string()).collect();
        assert_eq!(bundled, on_disk, "update cross_design! in playground.rs");
    }

    #[test]
    fn examples_have_titles_and_three_scripts() {
        let all = examples();
        assert_eq!(all[0].name, "generator");
        for e in &all {
            assert!(!e.title.is_empty(), "{}", e.name);
            let designs: Vec<&str> = e.scripts.iter().map(|s| s.design.as_str()).collect();
            assert_eq!(designs, ["typed-cont", "raw-stacks", "effect-handlers"]);
        }
        let generator = examples()
            .into_iter()
            .find(|e| e.name == "cross-design/generator");
        assert!(generator.unwrap().title.starts_with("Exports `sum n`"));
    }

    #[test]
    fn every_design_of_the_generator_runs_and_passes() {
        for (design, path, src) in GENERATOR {
            let r = record(path, src, design, Budgets::default(), 1000);
            assert_eq!(r.summary, "2 passed, 0 failed, 0 skipped", "{path}");
            assert!(!r.truncated);
            assert_eq!(r.steps.len() as u64, r.total_steps);
            let rules = proposals();
            // Every rule the run took is written in the design's text or the core's.
            for step in &r.steps {
                // Numeric instructions go by their own names (proposals/core/README.md).
                let numeric = ["i32.", "i64.", "f32.", "f64."]
                    .iter()
                    .any(|t| step.rule.starts_with(t));
                let known = numeric
                    || step.rule == "invoke"
                    || rules
                        .iter()
                        .filter(|p| p.name == "core" || p.name == design.name())
                        .any(|p| p.rules.iter().any(|rr| rr.name == step.rule));
                assert!(known, "{path}: rule {} is in no proposal text", step.rule);
            }
        }
    }

    #[test]
    fn a_runaway_program_stops_with_the_budget_message() {
        let src = "(module (func (export \"f\") (loop (br 0))))\n(invoke \"f\")\n";
        let budgets = Budgets {
            fuel: Some(10_000),
            ..Budgets::default()
        };
        let r = record("loop.wast", src, Design::TypedCont, budgets, 100);
        assert!(r.truncated);
        assert_eq!(r.steps.len(), 100);
        assert_eq!(r.failed, 1);
        assert!(
            r.diagnostics.contains("fuel exhausted"),
            "{}",
            r.diagnostics
        );
        assert_eq!(r.directives[1].actual, "exhaustion \"fuel exhausted\"");
    }
}
