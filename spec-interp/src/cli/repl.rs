//! `switchyard repl`: the loop around `switchyard::repl::Repl`, with line editing and history
//! (rustyline) on a terminal and plain lines from a pipe.

use std::io::{BufRead, IsTerminal, Write};

use switchyard::repl::{complete, Repl};

use crate::ReplArgs;

/// Runs the loop until `:quit` or the end of input; `Ok(false)` when some directive failed and
/// the input was not a terminal (so a piped session reports failure in its exit status).
pub fn main(args: ReplArgs) -> Result<bool, String> {
    let mut repl = Repl::new(args.design, args.budgets.budgets());
    if std::io::stdin().is_terminal() {
        interactive(&mut repl)
    } else {
        piped(&mut repl)
    }
}

fn show(reply: &switchyard::repl::Reply) {
    let _ = std::io::stdout().lock().write_all(reply.out.as_bytes());
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().lock().write_all(reply.err.as_bytes());
}

fn piped(repl: &mut Repl) -> Result<bool, String> {
    let mut ok = true;
    let mut pending = String::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("standard input: {e}"))?;
        pending.push_str(&line);
        pending.push('\n');
        if !complete(&pending) {
            continue;
        }
        let reply = repl.input(&std::mem::take(&mut pending));
        show(&reply);
        ok &= !reply.failed;
        if reply.quit {
            return Ok(ok);
        }
    }
    if !pending.trim().is_empty() {
        let reply = repl.input(&pending);
        show(&reply);
        ok &= !reply.failed;
    }
    Ok(ok)
}

fn history_file() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".switchyard_history"))
}

fn interactive(repl: &mut Repl) -> Result<bool, String> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::DefaultEditor::new()
        .map_err(|e| format!("cannot start the line editor: {e}"))?;
    let history = history_file();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!(
        "Switchyard {} REPL, design {} (:help for help, :quit or Ctrl-D to leave)",
        env!("CARGO_PKG_VERSION"),
        repl.design()
    );
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { "> " } else { "... " };
        match editor.readline(prompt) {
            Ok(line) => {
                pending.push_str(&line);
                pending.push('\n');
                if !complete(&pending) {
                    continue;
                }
                let input = std::mem::take(&mut pending);
                let _ = editor.add_history_entry(input.trim_end());
                let reply = repl.input(&input);
                show(&reply);
                if reply.quit {
                    break;
                }
            }
            // Ctrl-C drops the input being typed.
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(format!("reading input: {e}")),
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(true)
}
