//! `switchyard convert IN -o OUT`.

use std::io::Write;
use std::path::Path;

use switchyard::convert::{js, json};
use switchyard::design::Design;
use switchyard::diag::{self, Error, Span};
use switchyard::script::run::{files, modules};
use switchyard::{binary, text};

use crate::ConvertArgs;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Wat,
    Wasm,
    Json,
    Js,
}

fn format_named(name: &str) -> Option<Format> {
    Some(match name {
        "wat" => Format::Wat,
        "wasm" => Format::Wasm,
        "json" => Format::Json,
        "js" => Format::Js,
        _ => return None,
    })
}

/// Converts; `Ok(false)` when the input could not be read (with a diagnostic), `Err` for usage
/// errors (exit status 2).
pub fn main(args: ConvertArgs) -> Result<bool, String> {
    let out_name = args.output.to_string_lossy().to_string();
    let bytes = std::fs::read(&args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let name = args.input.display().to_string();
    let kind = files::input_kind(&args.input, &bytes);
    let to_stdout = args.output == Path::new("-");
    let to = match &args.to {
        Some(name) => format_named(name)
            .ok_or_else(|| format!("unknown format `{name}` (wat, wasm, json, js)"))?,
        // On standard output: a module as text, a script as JavaScript.
        None if to_stdout && kind == files::InputKind::Script => Format::Js,
        None if to_stdout => Format::Wat,
        None => args
            .output
            .extension()
            .and_then(|e| e.to_str())
            .and_then(format_named)
            .ok_or_else(|| {
                format!("cannot tell the format of `{out_name}`: name it .wat, .wasm, .json or .js, or give --to")
            })?,
    };
    if to_stdout && matches!(to, Format::Wasm | Format::Json) {
        return Err("binary and json output need a file name, not `-`".to_string());
    }
    match kind {
        files::InputKind::BinaryModule | files::InputKind::TextModule => {
            let source;
            let (module, design) = if kind == files::InputKind::BinaryModule {
                let design =
                    files::choose_design(args.design, &files::Headers::default(), &args.input);
                source = modules::hex_dump(&bytes);
                match binary::decode_module(&bytes, design) {
                    Ok(m) => (m, design),
                    Err(e) => {
                        let span = modules::dump_span(e.span.unwrap_or(Span::NONE), bytes.len());
                        return Ok(report(&name, &source, span, &e));
                    }
                }
            } else {
                source = String::from_utf8(bytes.clone())
                    .map_err(|_| format!("{name}: the file is not UTF-8"))?;
                let headers = files::script_headers(&source).unwrap_or_default();
                let design = files::choose_design(args.design, &headers, &args.input);
                match text::parse_module(&source, design) {
                    Ok(m) => (m, design),
                    Err(e) => return Ok(report(&name, &source, e.span.unwrap_or(Span::NONE), &e)),
                }
            };
            let output = match to {
                Format::Wat => text::print_module(&module, design).into_bytes(),
                Format::Wasm => binary::encode_module(&module),
                Format::Json | Format::Js => {
                    return Err(format!(
                        "{name} is a module; json and js are made from scripts (.wast)"
                    ))
                }
            };
            emit(&args.output, &output)?;
            Ok(true)
        }
        files::InputKind::Script => {
            let source =
                String::from_utf8(bytes).map_err(|_| format!("{name}: the file is not UTF-8"))?;
            let headers = files::script_headers(&source).unwrap_or_default();
            let design: Design = files::choose_design(args.design, &headers, &args.input);
            let script = match text::parse_script(&source, design) {
                Ok(s) => s,
                Err(e) => return Ok(report(&name, &source, e.span.unwrap_or(Span::NONE), &e)),
            };
            match to {
                Format::Js => {
                    let shared = js::from_script(&script, &source, &name, design);
                    emit(&args.output, js::convert(&shared).as_bytes())?;
                }
                Format::Json => {
                    let stem = args
                        .output
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or("module")
                        .to_string();
                    let source_name = args
                        .input
                        .file_name()
                        .and_then(|s| s.to_str())
                        .unwrap_or(&name)
                        .to_string();
                    let manifest = json::convert(&script, &source, &source_name, &stem, design);
                    let folder = args.output.parent().unwrap_or(Path::new(""));
                    for (file, contents) in &manifest.files {
                        emit(&folder.join(file), contents)?;
                    }
                    emit(&args.output, manifest.json.as_bytes())?;
                }
                Format::Wat | Format::Wasm => {
                    return Err(format!(
                        "{name} is a script; it converts to json or js (its modules one by one: \
                         convert to json)"
                    ))
                }
            }
            Ok(true)
        }
    }
}

fn report(name: &str, source: &str, span: Span, e: &Error) -> bool {
    let color = crate::use_color(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    eprint!(
        "{}",
        diag::render(name, source, span, &e.to_string(), "", &[], color)
    );
    false
}

fn emit(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if path == Path::new("-") {
        let _ = std::io::stdout().lock().write_all(bytes);
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}
