//! The Wasm in the documentation runs: every ```` ```wasm ```` block of `docs/teaching.md` and of
//! the proposal texts is read under its design. A block with directives (`(module ...)`,
//! `(assert_return ...)`) runs as a script and every directive must pass; a block of module
//! fields must make a valid module. A block of `docs/teaching.md` must also be the module of the
//! example it names (`[generator-typed-cont.wast](examples/generator-typed-cont.wast):` just
//! above it), printed the same: the text and the example cannot drift apart.

use std::path::{Path, PathBuf};

use pretty_assertions::assert_eq;
use switchyard::design::Design;
use switchyard::script::run::{run_source, RunOptions, Status};
use switchyard::{text, valid};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fenced block: its first line's number, its text (the fence's indentation removed), and
/// the example named on the last non-empty line before it, if any.
struct Block {
    line: usize,
    text: String,
    example: Option<String>,
}

fn wasm_blocks(doc: &str) -> Vec<Block> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim_start();
        if fence != "```wasm" {
            i += 1;
            continue;
        }
        let indent = lines[i].len() - fence.len();
        let example = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| l.split("](examples/").nth(1))
            .and_then(|rest| rest.split(')').next())
            .map(String::from);
        let start = i + 1;
        let mut text = String::new();
        i += 1;
        while i < lines.len() && lines[i].trim_start() != "```" {
            text.push_str(lines[i].get(indent..).unwrap_or(lines[i].trim_start()));
            text.push('\n');
            i += 1;
        }
        blocks.push(Block {
            line: start,
            text,
            example,
        });
        i += 1;
    }
    blocks
}

/// Runs or validates one block; `Err` says what is wrong.
fn check(block: &Block, design: Design, place: &str) -> Result<(), String> {
    let is_script =
        block.text.trim_start().starts_with("(module") || block.text.contains("(assert_");
    if is_script {
        let report = run_source(Path::new(place), &block.text, &RunOptions::default());
        let failed: Vec<String> = report
            .outcomes
            .iter()
            .filter(|o| o.status != Status::Passed)
            .map(|o| format!("line {}: {} {}", o.line, o.kind, o.actual))
            .collect();
        return match failed.as_slice() {
            [] if report.outcomes.is_empty() => Err("no directives".to_string()),
            [] => Ok(()),
            _ => Err(failed.join("; ")),
        };
    }
    let module = text::parse_module(&format!("(module\n{}\n)", block.text), design)
        .map_err(|e| e.to_string())?;
    valid::validate_module(&module, design).map_err(|e| e.to_string())
}

/// The module of a script file, printed.
fn printed_example(path: &Path, design: Design) -> String {
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let script = text::parse_script(&src, design).expect("the example parses");
    let module = script
        .commands
        .iter()
        .find_map(|c| match &c.kind {
            switchyard::script::CommandKind::Module(m) => match &m.source {
                switchyard::script::ModuleSource::Text(module) => Some((**module).clone()),
                _ => None,
            },
            _ => None,
        })
        .expect("the example has a text module");
    text::print_module(&module, design)
}

#[test]
fn the_wasm_in_the_docs_runs() {
    let mut docs = vec![(repo().join("docs/teaching.md"), None)];
    for design in [Design::TypedCont, Design::RawStacks, Design::EffectHandlers] {
        docs.push((
            repo().join(format!("proposals/{design}/README.md")),
            Some(design),
        ));
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for (doc, design) in &docs {
        let text =
            std::fs::read_to_string(doc).unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
        for block in wasm_blocks(&text) {
            let place = format!("{}:{}", doc.display(), block.line);
            let example = block
                .example
                .as_ref()
                .map(|name| doc.parent().unwrap().join("examples").join(name));
            // An example's design is its header's.
            let design = design.unwrap_or_else(|| {
                let src = std::fs::read_to_string(example.as_ref().expect("a named example"))
                    .expect("the example is readable");
                text::script_design(&src)
                    .and_then(Result::ok)
                    .unwrap_or_default()
            });
            checked += 1;
            if let Err(problem) = check(&block, design, &place) {
                problems.push(format!("{place} ({design}): {problem}"));
                continue;
            }
            if let Some(example) = example {
                let wrapped = format!("(module\n{}\n)", block.text);
                let snippet = text::parse_module(&wrapped, design).expect("checked above");
                assert_eq!(
                    printed_example(&example, design),
                    text::print_module(&snippet, design),
                    "{place}: the block is not the module of {}",
                    example.display()
                );
            }
        }
    }
    assert!(checked >= 9, "only {checked} blocks found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
