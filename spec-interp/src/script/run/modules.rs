//! Running module files (`.wat`, `.wasm`) as one-directive scripts, and `--invoke`.
//!
//! A module file becomes a script with one `module` directive (and, with `--invoke`, one
//! `invoke`), so it gets the same outcomes, reports, JSON and exit status as a script. A binary
//! module's diagnostics point into a hex dump of its bytes (`hex_dump`): its error spans are
//! byte offsets, which the dump turns into a line (16 bytes each) and a column.

use std::path::Path;

use super::{config, failed, files, run_script, FileReport, Invocation, RunOptions, Switchyard};
use crate::design::Design;
use crate::diag::{Error, Result, Span};
use crate::script::{Action, Command, CommandKind, ModuleSource, Script, ScriptModule};
use crate::syntax::{ExternIdx, ImportDesc, Module, ValType};
use crate::{binary, text};

/// Bytes per line of a hex dump.
const DUMP_WIDTH: usize = 16;
/// Where the bytes start on a dump line: `00000010: `.
const DUMP_PREFIX: usize = 10;

/// The bytes as text, `00000010: 0a 0b ...`, sixteen a line: the "source" a binary module's
/// diagnostics show.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3 + bytes.len() / DUMP_WIDTH * 11 + 12);
    for (line, chunk) in bytes.chunks(DUMP_WIDTH).enumerate() {
        out.push_str(&format!("{:08x}:", line * DUMP_WIDTH));
        for b in chunk {
            out.push_str(&format!(" {b:02x}"));
        }
        out.push('\n');
    }
    if bytes.is_empty() {
        out.push_str("00000000: (empty file)\n");
    }
    out
}

/// The place in the hex dump of a byte offset range of the module.
pub fn dump_span(span: Span, len: usize) -> Span {
    let at = |offset: usize| {
        let offset = offset.min(len);
        let line = offset / DUMP_WIDTH;
        // A line is the prefix, then 3 characters per byte, then the newline.
        let line_start = line * (DUMP_PREFIX + 3 * DUMP_WIDTH);
        line_start + DUMP_PREFIX + 3 * (offset % DUMP_WIDTH)
    };
    let start = span.start as usize;
    let end = (span.end as usize).max(start + 1);
    Span::new(at(start), at(end - 1) + 2)
}

/// Runs a `.wat` module: parse, validate, instantiate (with `spectest` registered), then the
/// `--invoke` if any.
pub fn run_text_module(path: &Path, src: &str, options: &RunOptions) -> FileReport {
    let headers = files::script_headers(src).unwrap_or_default();
    let design = files::choose_design(options.design, &headers, path);
    let mut report = FileReport {
        path: path.to_path_buf(),
        source: src.to_string(),
        design: Some(design),
        outcomes: Vec::new(),
        notices: vec![],
    };
    let whole = Span::new(0, src.len());
    let module = match text::parse_module(src, design) {
        Ok(module) => module,
        Err(err) => {
            let focus = err.span.unwrap_or(whole);
            let line = crate::diag::line_col(src, focus.start as usize).0;
            report.outcomes.push(failed(
                line,
                whole,
                "module",
                "instantiated",
                super::error_text(&err),
                focus,
            ));
            return report;
        }
    };
    let at_end = Span::new(src.len(), src.len());
    report.outcomes = run_module(module, whole, at_end, design, &headers, options, src);
    report
}

/// Runs a `.wasm` module; its diagnostics point into the hex dump of its bytes.
pub fn run_binary_module(path: &Path, bytes: &[u8], options: &RunOptions) -> FileReport {
    let design = files::choose_design(options.design, &files::Headers::default(), path);
    let dump = hex_dump(bytes);
    let mut report = FileReport {
        path: path.to_path_buf(),
        source: dump.clone(),
        design: Some(design),
        outcomes: Vec::new(),
        notices: vec![],
    };
    let whole = Span::new(0, bytes.len());
    let outcomes = match binary::decode_module(bytes, design) {
        Ok(module) => run_module(
            module,
            whole,
            whole,
            design,
            &files::Headers::default(),
            options,
            &dump,
        ),
        Err(err) => vec![failed(
            1,
            whole,
            "module",
            "instantiated",
            super::error_text(&err),
            err.span.unwrap_or(whole),
        )],
    };
    // Every span so far is a byte range of the module: show it in the dump.
    let lines = crate::diag::Lines::new(&dump);
    report.outcomes = outcomes
        .into_iter()
        .map(|mut o| {
            o.span = dump_span(o.span, bytes.len());
            o.focus = dump_span(o.focus, bytes.len());
            o.line = lines.line(o.focus.start as usize);
            o
        })
        .collect();
    report
}

/// Instantiates a parsed or decoded module as a script directive, then invokes.
fn run_module(
    module: Module,
    span: Span,
    invoke_span: Span,
    design: Design,
    headers: &files::Headers,
    options: &RunOptions,
    src: &str,
) -> Vec<super::Outcome> {
    let mut script = Script {
        design: Some(design),
        commands: vec![Command {
            kind: CommandKind::Module(ScriptModule {
                id: None,
                definition: false,
                source: ModuleSource::Text(Box::new(module.clone())),
                span,
            }),
            span,
        }],
    };
    let mut late_failure = None;
    if let Some(invocation) = &options.invoke {
        match invoke_command(invocation, Some(&module), design, invoke_span) {
            Ok(command) => script.commands.push(command),
            Err(err) => late_failure = Some(err),
        }
    }
    let mut engine = Switchyard::new(config(design, headers, options));
    engine.store.recorder = options.snapshots.clone();
    let mut outcomes = run_script(&mut engine, &script, src);
    if let Some(err) = late_failure {
        outcomes.push(invoke_failure(&err, invoke_span, src));
    } else if options.invoke.is_some() {
        mark_invoke(&mut outcomes);
    }
    outcomes
}

/// The directive `--invoke` added is named after the flag in reports.
pub(crate) fn mark_invoke(outcomes: &mut [super::Outcome]) {
    if let Some(last) = outcomes.last_mut() {
        last.kind = INVOKE_KIND.to_string();
    }
}

/// The kind of the outcome of `--invoke`.
pub const INVOKE_KIND: &str = "--invoke";

/// The failed `invoke` directive of arguments that do not fit.
pub(crate) fn invoke_failure(err: &Error, span: Span, src: &str) -> super::Outcome {
    let line = crate::diag::line_col(src, span.start as usize).0;
    failed(
        line,
        span,
        INVOKE_KIND,
        "arguments that fit the export",
        super::error_text(err),
        span,
    )
}

/// The `--invoke` directive: `(invoke "NAME" ARG...)`. An argument is a script constant
/// (`(i32.const 1)`, `(ref.null func)`) or a plain number, typed by the export's parameter at
/// its place (which needs `module`). The directive's spans are all `span`.
pub fn invoke_command(
    invocation: &Invocation,
    module: Option<&Module>,
    design: Design,
    span: Span,
) -> Result<Command> {
    let params = module.and_then(|m| export_params(m, &invocation.name));
    if let Some(params) = &params {
        if params.len() != invocation.args.len() {
            return Err(Error::script(
                format!(
                    "export {} takes {} argument(s), {} given",
                    invocation.name,
                    params.len(),
                    invocation.args.len()
                ),
                span,
            ));
        }
    }
    let mut args = Vec::new();
    for (k, arg) in invocation.args.iter().enumerate() {
        let arg = arg.trim();
        if arg.starts_with('(') {
            args.push(arg.to_string());
            continue;
        }
        let ty = match &params {
            Some(params) => params.get(k).copied().ok_or_else(|| {
                Error::script(
                    format!(
                        "export {} takes {} argument(s), {} given",
                        invocation.name,
                        params.len(),
                        invocation.args.len()
                    ),
                    span,
                )
            })?,
            None => {
                return Err(Error::script(
                    format!(
                        "no exported function {} to type the argument `{arg}` by; write it as \
                         a constant such as (i32.const {arg})",
                        invocation.name
                    ),
                    span,
                ))
            }
        };
        let keyword = match ty {
            ValType::I32 => "i32.const",
            ValType::I64 => "i64.const",
            ValType::F32 => "f32.const",
            ValType::F64 => "f64.const",
            other => {
                return Err(Error::script(
                    format!(
                        "argument {} is a {}: write it as a constant such as (ref.null func)",
                        k + 1,
                        text::print::val_type(other)
                    ),
                    span,
                ))
            }
        };
        args.push(format!("({keyword} {arg})"));
    }
    let name = text::print::string_lit(invocation.name.as_bytes());
    let src = format!("(invoke {name} {})", args.join(" "));
    let script = text::parse_script(&src, design)
        .map_err(|e| Error::script(format!("--invoke: {}: {}", e.message, src), span))?;
    let Some(Command {
        kind: CommandKind::Action(Action::Invoke {
            module, name, args, ..
        }),
        ..
    }) = script.commands.into_iter().next()
    else {
        return Err(Error::script("--invoke: not an invocation", span));
    };
    Ok(Command {
        kind: CommandKind::Action(Action::Invoke {
            module,
            name,
            args,
            span,
        }),
        span,
    })
}

/// The parameter types of the function a module exports as `name`.
pub fn export_params(m: &Module, name: &str) -> Option<Vec<ValType>> {
    let func = m.exports.iter().find_map(|x| match x.desc {
        ExternIdx::Func(f) if x.name == name => Some(f as usize),
        _ => None,
    })?;
    let imported: Vec<u32> = m
        .imports
        .iter()
        .filter_map(|i| match i.desc {
            ImportDesc::Func(t) => Some(t),
            _ => None,
        })
        .collect();
    let type_idx = match imported.get(func) {
        Some(t) => *t,
        None => m.funcs.get(func - imported.len())?.type_idx,
    };
    m.func_type(type_idx).map(|ft| ft.params.clone())
}

/// The module a script's last `module` directive makes, when it can be had without running
/// (text, or binary and quoted modules that decode or parse).
pub fn last_module(script: &Script, design: Design) -> Option<Module> {
    script.commands.iter().rev().find_map(|c| match &c.kind {
        CommandKind::Module(m) => match &m.source {
            ModuleSource::Text(module) => Some((**module).clone()),
            ModuleSource::Binary(bytes) => binary::decode_module(bytes, design).ok(),
            ModuleSource::Quote(src) => text::parse_module(src, design).ok(),
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn dump_places() {
        let bytes: Vec<u8> = (0..40).collect();
        let dump = hex_dump(&bytes);
        let lines: Vec<&str> = dump.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("00000010: 10 11"), "{dump}");
        let span = dump_span(Span::new(17, 18), bytes.len());
        assert_eq!(&dump[span.range()], "11");
        let span = dump_span(Span::new(0, 2), bytes.len());
        assert_eq!(&dump[span.range()], "00 01");
    }

    #[test]
    fn plain_numbers_take_the_parameter_types() {
        let m = text::parse_module(
            r#"(func (export "f") (param i32 i64 f32 f64)) (func (export "r") (param funcref))"#,
            Design::TypedCont,
        )
        .unwrap();
        let inv = |name: &str, args: &[&str]| Invocation {
            name: name.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
        };
        let command = invoke_command(
            &inv("f", &["1", "-2", "1.5", "nan"]),
            Some(&m),
            Design::TypedCont,
            Span::NONE,
        )
        .unwrap();
        let CommandKind::Action(Action::Invoke { args, .. }) = command.kind else {
            panic!("not an invoke")
        };
        assert_eq!(args.len(), 4);
        assert!(
            invoke_command(&inv("f", &["1"]), Some(&m), Design::TypedCont, Span::NONE).is_err()
        );
        let err = invoke_command(
            &inv("f", &["1", "2", "3", "4", "5"]),
            Some(&m),
            Design::TypedCont,
            Span::NONE,
        )
        .unwrap_err();
        assert_eq!(err.message, "export f takes 4 argument(s), 5 given");
        assert!(
            invoke_command(&inv("r", &["0"]), Some(&m), Design::TypedCont, Span::NONE).is_err()
        );
        assert!(invoke_command(
            &inv("r", &["(ref.null func)"]),
            Some(&m),
            Design::TypedCont,
            Span::NONE
        )
        .is_ok());
        assert!(
            invoke_command(&inv("f", &["x"]), Some(&m), Design::TypedCont, Span::NONE).is_err()
        );
    }
}
