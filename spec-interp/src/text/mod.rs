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
use crate::script::Script;
use crate::syntax::Module;
use parser::Parser;

pub use print::print_module;

/// The design named by a leading `;;! design = "NAME"` line, if any.
pub fn script_design(src: &str) -> Option<Result<Design>> {
    for line in src.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix(";;!") else {
            break;
        };
        let rest = rest.trim();
        if let Some(value) = rest.strip_prefix("design") {
            let value = value
                .trim()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            return Some(value.parse().map_err(|m| Error::script(m, Span::NONE)));
        }
    }
    None
}

/// Parses a whole `.wast` script.
pub fn parse_script(src: &str, design: Design) -> Result<Script> {
    let script_design = script_design(src).transpose()?;
    let toks = lexer::tokenize(src)?;
    let mut p = Parser::new(src, toks, design);
    let commands = p.script_commands()?;
    Ok(Script {
        design: script_design,
        commands,
    })
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
