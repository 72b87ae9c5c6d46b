//! The read-eval-print loop (`switchyard repl`): modules, directives and `(invoke ...)` lines run
//! one input at a time in one session, so later inputs see earlier modules and registrations.
//!
//! This is the loop's logic, independent of the terminal: `Repl::input` takes one complete input
//! (parentheses balanced, see `complete`) and returns what to print. The binary reads lines with
//! line editing and history on a terminal, plain lines otherwise.

use std::path::Path;

use crate::design::Design;
use crate::diag::Span;
use crate::exec;
use crate::host::results_text;
use crate::script::run::{files, modules, report, Budgets, Outcome, Session, Status, Switchyard};
use crate::script::{CommandKind, ModuleSource};
use crate::syntax::{ExternIdx, ImportDesc, Module};
use crate::text;

pub const HELP: &str = "\
Type directives of the script language, one or more per input; an input may span lines until
its parentheses balance:
  (module $M (func (export \"f\") (param i32) (result i32) local.get 0))
  (invoke \"f\" (i32.const 41))           (invoke $M \"f\" (i32.const 1))
  (get \"g\")   (register \"m\" $M)   (assert_return (invoke \"f\" (i32.const 1)) (i32.const 1))
Commands:
  :design NAME     start over under typed-cont, raw-stacks or effect-handlers
  :trace on|rules|off  print every reduction step to stderr (rules: rule names only)
  :load FILE       run a script (.wast) or module (.wat, .wasm) in this session
  :reset           start over (forget every module)
  :help            this text
  :quit            leave (also end of input, Ctrl-D)
";

/// What one input gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    /// Text for standard output (results, module signatures, printed lines).
    pub out: String,
    /// Text for standard error (diagnostics).
    pub err: String,
    pub quit: bool,
    /// Some directive failed.
    pub failed: bool,
}

pub struct Repl {
    design: Design,
    trace: Option<exec::trace::TraceOptions>,
    budgets: Budgets,
    session: Session<Switchyard>,
    /// Inputs so far, for naming them in diagnostics (`input 3`).
    count: usize,
}

impl Repl {
    pub fn new(design: Design, budgets: Budgets) -> Repl {
        Repl {
            design,
            trace: None,
            budgets,
            session: Session::new(Switchyard::new(Self::config(design, None, budgets))),
            count: 0,
        }
    }

    fn config(
        design: Design,
        trace: Option<exec::trace::TraceOptions>,
        budgets: Budgets,
    ) -> exec::Config {
        let options = crate::script::run::RunOptions {
            design: Some(design),
            trace,
            budgets,
            ..Default::default()
        };
        crate::script::run::config(design, &files::Headers::default(), &options)
    }

    pub fn design(&self) -> Design {
        self.design
    }

    fn reset(&mut self) {
        let config = Self::config(self.design, self.trace, self.budgets);
        self.session = Session::new(Switchyard::new(config));
    }

    /// Runs one complete input: a `:command` or directives.
    pub fn input(&mut self, input: &str) -> Reply {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Reply::default();
        }
        if let Some(command) = trimmed.strip_prefix(':') {
            return self.command(command);
        }
        self.count += 1;
        let name = format!("input {}", self.count);
        self.directives(&name, input)
    }

    fn command(&mut self, command: &str) -> Reply {
        let (word, arg) = match command.split_once(char::is_whitespace) {
            Some((w, a)) => (w, a.trim()),
            None => (command, ""),
        };
        let mut reply = Reply::default();
        match word {
            "help" | "h" | "?" => reply.out = HELP.to_string(),
            "quit" | "q" | "exit" => reply.quit = true,
            "design" if arg.is_empty() => reply.out = format!("design: {}\n", self.design),
            "design" => match arg.parse::<Design>() {
                Ok(design) => {
                    self.design = design;
                    self.reset();
                    reply.out = format!("design: {design} (modules forgotten)\n");
                }
                Err(e) => reply.err = format!("error: {e}\n"),
            },
            "trace" => {
                let mode = match arg {
                    "on" | "text" => Some(Some(exec::trace::TraceMode::Text)),
                    "rules" => Some(Some(exec::trace::TraceMode::Rules)),
                    "off" => Some(None),
                    _ => None,
                };
                match mode {
                    Some(mode) => {
                        self.trace = mode.map(exec::trace::TraceOptions::mode);
                        self.session.engine.store.set_trace(self.trace);
                        reply.out = format!("trace: {arg}\n");
                    }
                    None => {
                        reply.err = "error: :trace on, :trace rules or :trace off\n".to_string()
                    }
                }
            }
            "reset" => {
                self.reset();
                reply.out = "modules forgotten\n".to_string();
            }
            "load" if !arg.is_empty() => return self.load(Path::new(arg)),
            _ => reply.err = format!("error: unknown command `:{command}` (:help lists them)\n"),
        }
        reply
    }

    /// `:load FILE`: a script's directives, or a module file as one `module` directive.
    fn load(&mut self, path: &Path) -> Reply {
        let name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                return Reply {
                    err: format!("error: {name}: {e}\n"),
                    failed: true,
                    ..Reply::default()
                }
            }
        };
        match files::input_kind(path, &bytes) {
            files::InputKind::BinaryModule => {
                let dump = modules::hex_dump(&bytes);
                let module = match crate::binary::decode_module(&bytes, self.design) {
                    Ok(m) => m,
                    Err(e) => {
                        let span = modules::dump_span(e.span.unwrap_or(Span::NONE), bytes.len());
                        return self.error_reply(&name, &dump, span, &e.to_string());
                    }
                };
                self.run_module(&name, &dump, module)
            }
            kind => {
                let Ok(src) = String::from_utf8(bytes) else {
                    return Reply {
                        err: format!("error: {name}: the file is not UTF-8\n"),
                        failed: true,
                        ..Reply::default()
                    };
                };
                if kind == files::InputKind::TextModule {
                    match text::parse_module(&src, self.design) {
                        Ok(module) => self.run_module(&name, &src, module),
                        Err(e) => {
                            let span = e.span.unwrap_or(Span::NONE);
                            self.error_reply(&name, &src, span, &e.to_string())
                        }
                    }
                } else {
                    self.directives(&name, &src)
                }
            }
        }
    }

    fn run_module(&mut self, name: &str, src: &str, module: Module) -> Reply {
        let whole = Span::new(0, src.len());
        let script = crate::script::Script {
            design: Some(self.design),
            commands: vec![crate::script::Command {
                kind: CommandKind::Module(crate::script::ScriptModule {
                    id: None,
                    definition: false,
                    source: ModuleSource::Text(Box::new(module)),
                    span: whole,
                }),
                span: whole,
            }],
        };
        if let Some(tracer) = &mut self.session.engine.store.tracer {
            tracer.file = name.to_string();
        }
        self.session.set_name(name);
        let outcomes = self.session.run(&script, src);
        self.render(name, src, &script, &outcomes)
    }

    fn error_reply(&self, name: &str, src: &str, span: Span, message: &str) -> Reply {
        Reply {
            err: crate::diag::render(name, src, span, message, "", &[], false),
            failed: true,
            ..Reply::default()
        }
    }

    fn directives(&mut self, name: &str, src: &str) -> Reply {
        let script = match text::parse_script(src, self.design) {
            Ok(script) => script,
            Err(e) => {
                let span = e.span.unwrap_or(Span::NONE);
                return self.error_reply(name, src, span, &e.to_string());
            }
        };
        if let Some(tracer) = &mut self.session.engine.store.tracer {
            tracer.file = name.to_string();
        }
        self.session.set_name(name);
        let outcomes = self.session.run(&script, src);
        self.render(name, src, &script, &outcomes)
    }

    /// What the outcomes print: a module's exports, printed lines, results; diagnostics for
    /// failures. Passing assertions print nothing (as in the reference interpreter).
    fn render(
        &self,
        name: &str,
        src: &str,
        script: &crate::script::Script,
        outcomes: &[Outcome],
    ) -> Reply {
        let mut reply = Reply::default();
        for (command, outcome) in script.commands.iter().zip(outcomes) {
            for line in &outcome.printed {
                reply.out.push_str(line);
                reply.out.push('\n');
            }
            if outcome.status == Status::Failed {
                reply.failed = true;
                let mut notes = vec![
                    format!("expected: {}", outcome.expected),
                    format!("   found: {}", outcome.actual),
                ];
                notes.extend(outcome.detail.notes.iter().cloned());
                notes.extend(report::exhaustion_hint(&outcome.actual).map(String::from));
                reply.err.push_str(&crate::diag::render_labelled(
                    name,
                    src,
                    outcome.focus,
                    &format!("{} failed", outcome.kind),
                    "",
                    &outcome.detail.secondary,
                    &notes,
                    false,
                ));
                continue;
            }
            match &command.kind {
                CommandKind::Module(m) => {
                    let module = match &m.source {
                        ModuleSource::Text(module) => Some((**module).clone()),
                        ModuleSource::Binary(bytes) => {
                            crate::binary::decode_module(bytes, self.design).ok()
                        }
                        ModuleSource::Quote(text) => text::parse_module(text, self.design).ok(),
                    };
                    if let Some(module) = module {
                        reply.out.push_str(&signature(m.id.as_deref(), &module));
                    }
                }
                CommandKind::Action(_) => {
                    if let Some(text) = outcome.values.as_deref().and_then(results_text) {
                        reply.out.push_str(&text);
                        reply.out.push('\n');
                    }
                }
                _ => {}
            }
        }
        reply
    }
}

/// `module $M :` and one line per export, as the reference interpreter prints a module.
pub fn signature(id: Option<&str>, m: &Module) -> String {
    use crate::text::print::{global_type_text, limits_text, ref_type, val_type};
    let mut out = match id {
        Some(id) => format!("module {} :\n", text::print::id_text(id)),
        None => "module :\n".to_string(),
    };
    let func_types: Vec<u32> = m
        .imports
        .iter()
        .filter_map(|i| match i.desc {
            ImportDesc::Func(t) => Some(t),
            _ => None,
        })
        .chain(m.funcs.iter().map(|f| f.type_idx))
        .collect();
    let list = |ts: &[crate::syntax::ValType]| {
        ts.iter()
            .map(|t| val_type(*t))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let nth_import = |pick: &dyn Fn(&ImportDesc) -> bool, k: u32| {
        m.imports
            .iter()
            .filter(|i| pick(&i.desc))
            .nth(k as usize)
            .map(|i| i.desc)
    };
    for x in &m.exports {
        let desc = match x.desc {
            ExternIdx::Func(f) => match func_types.get(f as usize).and_then(|t| m.func_type(*t)) {
                Some(ft) => format!("func [{}] -> [{}]", list(&ft.params), list(&ft.results)),
                None => "func".to_string(),
            },
            ExternIdx::Global(g) => {
                let imported = m
                    .imports
                    .iter()
                    .filter(|i| matches!(i.desc, ImportDesc::Global(_)))
                    .count() as u32;
                let ty = match nth_import(&|d| matches!(d, ImportDesc::Global(_)), g) {
                    Some(ImportDesc::Global(t)) => Some(t),
                    _ => m.globals.get((g - imported.min(g)) as usize).map(|x| x.ty),
                };
                match ty {
                    Some(t) => format!("global {}", global_type_text(&t)),
                    None => "global".to_string(),
                }
            }
            ExternIdx::Table(t) => {
                let imported = m
                    .imports
                    .iter()
                    .filter(|i| matches!(i.desc, ImportDesc::Table(_)))
                    .count() as u32;
                let ty = match nth_import(&|d| matches!(d, ImportDesc::Table(_)), t) {
                    Some(ImportDesc::Table(t)) => Some(t),
                    _ => m.tables.get((t - imported.min(t)) as usize).map(|x| x.ty),
                };
                match ty {
                    Some(t) => format!(
                        "table {} {}",
                        limits_text(t.addr, &t.limits),
                        ref_type(t.elem)
                    ),
                    None => "table".to_string(),
                }
            }
            ExternIdx::Mem(_) => "memory".to_string(),
            ExternIdx::Tag(_) => "tag".to_string(),
        };
        out.push_str(&format!(
            "  export {} : {desc}\n",
            text::print::string_lit(x.name.as_bytes())
        ));
    }
    out
}

/// Whether an input is complete: its parentheses balance (as the text lexer reads it, outside
/// strings, comments and annotations), and no block comment or annotation is left open. A
/// `:command` is always complete.
pub fn complete(input: &str) -> bool {
    use crate::text::lexer::{lex, Tok};
    if input.trim_start().starts_with(':') {
        return true;
    }
    let lexed = lex(input);
    let still_open = lexed
        .errors
        .iter()
        .any(|e| e.message == "unclosed comment" || e.message == "unclosed annotation");
    let depth = lexed.tokens.iter().fold(0i64, |depth, t| match t.tok {
        Tok::LParen => depth + 1,
        Tok::RParen => depth - 1,
        _ => depth,
    });
    // Too many `)` is complete too: the parser reports it.
    depth <= 0 && !still_open
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn inputs_complete_when_parentheses_balance() {
        assert!(complete("(module)"));
        assert!(!complete("(module"));
        assert!(!complete("(module (func \")\""));
        assert!(complete("(module (func \")\"))"));
        assert!(!complete("(module ;; )\n"));
        assert!(!complete("(; (module) "));
        assert!(complete("(; ( ;) (module)"));
        assert!(complete(":help"));
        assert!(complete("   "));
    }

    #[test]
    fn a_session() {
        let mut repl = Repl::new(Design::TypedCont, Budgets::default());
        let r = repl.input(
            "(module $M (import \"spectest\" \"print_i32\" (func $p (param i32)))\n\
             (func (export \"f\") (param i32) (result i32 i64) (call $p (local.get 0)) \
             local.get 0 i64.const 1000))",
        );
        assert_eq!(
            r.out,
            "module $M :\n  export \"f\" : func [i32] -> [i32 i64]\n"
        );
        let r = repl.input("(invoke \"f\" (i32.const 41))");
        assert_eq!(r.out, "41 : i32\n[41 1_000] : [i32 i64]\n");
        assert!(!r.failed);
        let r = repl
            .input("(assert_return (invoke \"f\" (i32.const 1)) (i32.const 2) (i64.const 1000))");
        assert!(r.failed);
        assert!(r.err.contains("assert_return failed"), "{}", r.err);
        let r = repl.input(":design raw-stacks");
        assert_eq!(r.out, "design: raw-stacks (modules forgotten)\n");
        let r = repl.input("(invoke \"f\")");
        assert!(
            r.failed && r.err.contains("no module instantiated yet"),
            "{}",
            r.err
        );
        assert!(repl.input(":quit").quit);
        assert!(repl.input(":nope").err.contains("unknown command"));
    }

    #[test]
    fn exhaustion_names_the_flag() {
        let mut repl = Repl::new(
            Design::TypedCont,
            Budgets {
                fuel: Some(1000),
                ..Budgets::default()
            },
        );
        repl.input("(module (func (export \"loop\") (loop (br 0))))");
        let r = repl.input("(invoke \"loop\")");
        assert!(r.err.contains("--fuel"), "{}", r.err);
    }
}
