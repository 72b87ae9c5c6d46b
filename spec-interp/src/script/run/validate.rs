//! `switchyard validate`: reading and validating without running. A module file is one outcome
//! ("valid"); a script has one per module it means to define (`module`, `module definition`;
//! the modules of `assert_invalid` and friends are meant to fail and are left to `run`).

use std::path::Path;

use super::modules::{dump_span, hex_dump};
use super::{broken_outcome, error_text, failed, files, FileReport, Outcome, Status};
use crate::design::Design;
use crate::diag::{Error, Span};
use crate::script::{CommandKind, ModuleSource};
use crate::{binary, text, valid};

/// Reads and validates one file (script, text or binary module) under `design` if given.
pub fn validate_file(path: &Path, design: Option<Design>) -> FileReport {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => return super::unreadable(path, err.to_string()),
    };
    match files::input_kind(path, &bytes) {
        files::InputKind::BinaryModule => {
            let design = files::choose_design(design, &files::Headers::default(), path);
            let dump = hex_dump(&bytes);
            let result = binary::decode_module(&bytes, design)
                .and_then(|m| valid::validate_module(&m, design));
            let whole = Span::new(0, bytes.len());
            let mut outcome = module_outcome(result, whole, &dump, 1);
            outcome.span = dump_span(whole, bytes.len());
            outcome.focus = dump_span(outcome.focus, bytes.len());
            outcome.line = crate::diag::Lines::new(&dump).line(outcome.focus.start as usize);
            report(path, dump, design, vec![outcome])
        }
        kind => {
            let (src, bad_utf8) = crate::diag::decode_source(&bytes);
            let headers = files::script_headers(&src).unwrap_or_default();
            let design = files::choose_design(design, &headers, path);
            let outcomes = if kind == files::InputKind::TextModule {
                let result = text::parse_module(&src, design)
                    .and_then(|m| valid::validate_module(&m, design));
                vec![module_outcome(result, Span::new(0, src.len()), &src, 1)]
            } else {
                script_outcomes(&src, bad_utf8, design)
            };
            report(path, src, design, outcomes)
        }
    }
}

fn report(path: &Path, source: String, design: Design, outcomes: Vec<Outcome>) -> FileReport {
    FileReport {
        path: path.to_path_buf(),
        source,
        design: Some(design),
        outcomes,
        notices: vec![],
    }
}

fn module_outcome(result: Result<(), Error>, span: Span, src: &str, line: usize) -> Outcome {
    match result {
        Ok(()) => Outcome {
            status: Status::Passed,
            ..failed(line, span, "module", "valid", "valid".to_string(), span)
        },
        Err(err) => {
            let focus = err.span.unwrap_or(span);
            let line = crate::diag::line_col(src, focus.start as usize).0.max(line);
            failed(line, span, "module", "valid", error_text(&err), focus)
        }
    }
}

/// One outcome per module a script defines, and one per form the parser could not read.
fn script_outcomes(src: &str, bad_utf8: Vec<Error>, design: Design) -> Vec<Outcome> {
    let (script, broken) = text::parse_script_recovering(src, design, bad_utf8);
    let lines = crate::diag::Lines::new(src);
    let mut outcomes = Vec::new();
    for command in &script.commands {
        let CommandKind::Module(m) = &command.kind else {
            continue;
        };
        let line = lines.line(command.span.start as usize);
        // Only a text module's spans point into the script.
        let (result, text_spans) = match &m.source {
            ModuleSource::Text(module) => (valid::validate_module(module, design), true),
            ModuleSource::Binary(bytes) => (
                binary::decode_module(bytes, design)
                    .and_then(|module| valid::validate_module(&module, design)),
                false,
            ),
            ModuleSource::Quote(text) => (
                text::parse_module(text, design)
                    .and_then(|module| valid::validate_module(&module, design)),
                false,
            ),
        };
        let result = result.map_err(|mut e| {
            if !text_spans {
                e.span = None;
            }
            e
        });
        outcomes.push(module_outcome(result, command.span, src, line));
    }
    outcomes.extend(broken.iter().map(|form| broken_outcome(form, &lines)));
    outcomes.sort_by_key(|o| o.span.start);
    outcomes
}
