//! Text format (spec chapter 6): WAT modules and WAST scripts.
//!
//! `lexer` turns the source into tokens (nom for the character-level work); the parsers
//! (`types`, `instr`, `module`, `script`) are hand-written over the token vector, with explicit
//! stacks wherever the input nests. The designs add their syntax in `<design>::text`.

pub mod lexer;
pub mod num;
pub mod parser;
pub mod print;

mod instr;
mod module;
mod script;
mod types;

#[cfg(test)]
mod tests;

use crate::design::Design;
use crate::diag::{Error, Result, Span};
use crate::script::{BrokenForm, Script};
use crate::syntax::Module;
use parser::Parser;

pub use print::print_module;
pub use script::TopForm;

/// A leading `;;! key = value` line of a script (see `header_lines`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderLine<'a> {
    /// The line, without its line break.
    pub span: Span,
    /// The key; for a line that is not `key = value`, its whole text after `;;!`.
    pub key: &'a str,
    /// The value, without its quotes and without a `;; comment` after it.
    pub value: Option<&'a str>,
}

/// The leading `;;! key = value` lines of a script: blank lines and ordinary comments may come
/// between them, and the first other line ends them. (A byte order mark before them is skipped
/// here; the lexer reports it.)
pub fn header_lines(src: &str) -> Vec<HeaderLine<'_>> {
    let mut out = Vec::new();
    let mut offset = if src.starts_with('\u{feff}') { 3 } else { 0 };
    for line in src[offset..].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let text = line.trim();
        if text.is_empty() || (text.starts_with(";;") && !text.starts_with(";;!")) {
            continue;
        }
        let Some(rest) = text.strip_prefix(";;!") else {
            break;
        };
        let span = Span::new(start, start + line.trim_end().len());
        let rest = without_comment(rest);
        out.push(match rest.split_once('=') {
            Some((key, value)) => HeaderLine {
                span,
                key: key.trim(),
                value: Some(value.trim().trim_matches('"')),
            },
            None => HeaderLine {
                span,
                key: rest.trim(),
                value: None,
            },
        });
    }
    out
}

/// A header line's text without a `;;` comment after it (one inside a quoted value stays).
fn without_comment(text: &str) -> &str {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted && text[i..].starts_with(";;") => return &text[..i],
            _ => {}
        }
    }
    text
}

/// The design named by a leading `;;! design = "NAME"` line, if any.
pub fn script_design(src: &str) -> Option<Result<Design>> {
    let line = header_lines(src).into_iter().find(|h| h.key == "design")?;
    let value = line.value.unwrap_or("");
    Some(value.parse().map_err(|m| Error::script(m, line.span)))
}

/// Parses a whole `.wast` script; the first error (in source order) fails it.
pub fn parse_script(src: &str, design: Design) -> Result<Script> {
    let script_design = script_design(src).transpose()?;
    let (script, broken) = parse_script_recovering(src, design, Vec::new());
    match broken.into_iter().next() {
        Some(form) => Err(form.error),
        None => Ok(Script {
            design: script_design,
            ..script
        }),
    }
}

/// Parses a whole `.wast` script with error recovery: the commands that parse, and a
/// `BrokenForm` for each top-level form that does not (see `Parser::script_recovering`), so a
/// runner can run every other directive. `more_errors` are lexical errors found before lexing
/// (invalid UTF-8 in the file, see `diag::decode_source`); the forms holding them fail.
pub fn parse_script_recovering(
    src: &str,
    design: Design,
    more_errors: Vec<Error>,
) -> (Script, Vec<BrokenForm>) {
    let lexed = lexer::lex(src);
    let mut errors = lexed.errors;
    errors.extend(more_errors);
    let mut p = Parser::new(src, lexed.tokens, design);
    let (commands, broken) = p.script_recovering(errors);
    let design = script_design(src).and_then(|d| d.ok());
    (Script { design, commands }, broken)
}

/// The top-level forms of a source, found by the lexer and the script parser's splitting
/// alone (for a quick look at a file: what it holds, where its directives are).
pub fn top_level_forms(src: &str) -> Vec<TopForm<'_>> {
    let lexed = lexer::lex(src);
    Parser::new(src, lexed.tokens, Design::default()).top_forms()
}

/// Parses a single module (the text of `module quote`, or a `.wat` file): either
/// `(module $id? field*)` or just the fields.
pub fn parse_module(src: &str, design: Design) -> Result<Module> {
    let toks = lexer::tokenize(src)?;
    let mut p = Parser::new(src, toks, design);
    let start = p.span();
    let module = if p.peek_form("module") {
        p.pos += 2;
        let id = p.opt_id().map(|i| i.0);
        let m = p.module_fields(id, start)?;
        let end = p.rparen()?;
        Module {
            span: start.to(end),
            ..m
        }
    } else {
        p.module_fields(None, start)?
    };
    if !p.at_end() {
        return Err(p.unexpected());
    }
    Ok(module)
}
