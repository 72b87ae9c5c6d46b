//! The `xcheck` command line.
//!
//! ```text
//! xcheck [--engine SPEC]... [--json FILE] [--markdown FILE] [--html DIR] [--timeout SECS] PATH...
//! xcheck js FILE.wast [-o OUT.js]
//! xcheck fuzz [--seconds N] [--seed S] [--engine ...] [--out DIR]
//! ```
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;
use xcheck::engines::{self, Engine};
use xcheck::report::{FileResult, Run};

/// Runs .wast scripts on real engines and on Switchyard, and compares them directive by
/// directive. Without a subcommand: check the PATHs.
#[derive(Parser)]
#[command(
    name = "xcheck",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Convert a script into one self-contained JavaScript file for any JS engine.
    Js(JsArgs),
    /// Differential fuzzing: generated stack-switching programs on every engine, each
    /// disagreement minimized to a .wast reproducer (docs/fuzzing.md).
    Fuzz(xcheck::fuzz::FuzzArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Engine to run (repeatable): KIND, KIND=PATH, or NAME=KIND[@PATH][:FLAGS] for a variant
    /// in a column of its own (flags split at spaces). KIND: switchyard, v8, wasmtime,
    /// wasmtime-latest, binaryen, ref (ref needs a path). Example: -e v8 -e
    /// 'v8-jitless=v8:--jitless'. Default: switchyard and every engine installed in
    /// tools/.engines.
    #[arg(long = "engine", short = 'e', value_name = "SPEC")]
    engines: Vec<String>,
    /// Write the full results as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the conformance matrix as Markdown.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Write the conformance matrix as a static HTML page (DIR/index.html).
    #[arg(long, value_name = "DIR")]
    html: Option<PathBuf>,
    /// Time limit of one directive, in seconds: an engine that makes no progress for that
    /// long is stopped (and a whole file may take that long per directive).
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    timeout: f64,
    /// .wast files, or directories searched for them.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct JsArgs {
    /// The .wast script.
    file: PathBuf,
    /// Output file (default: standard output).
    #[arg(short, long, value_name = "OUT.js")]
    output: Option<PathBuf>,
}

fn main() {
    let cli = Cli::parse();
    let status = match cli.command {
        Some(Command::Js(args)) => js_main(args),
        Some(Command::Fuzz(args)) => xcheck::fuzz::run_main(args),
        None => check_main(cli.check),
    };
    std::process::exit(status);
}

fn js_main(args: JsArgs) -> i32 {
    let script = match xcheck::script::load(&args.file.to_string_lossy()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("xcheck: {e}");
            return 2;
        }
    };
    let js = xcheck::js::convert(&script);
    match args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(&path, js) {
                eprintln!("xcheck: cannot write {}: {e}", path.display());
                return 1;
            }
        }
        None => print!("{js}"),
    }
    0
}

/// All `.wast` files under the given paths, in order.
fn collect(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            let mut found = Vec::new();
            while let Some(dir) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "wast") {
                        found.push(path);
                    }
                }
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn default_engines() -> Vec<String> {
    let bin = engines::engines_dir().join("bin");
    let mut names = vec!["switchyard".to_string()];
    for (name, file) in [
        ("v8", "node26"),
        ("wasmtime", "wasmtime"),
        ("wasmtime-latest", "wasmtime-latest"),
        ("binaryen", "wasm-shell"),
    ] {
        if bin.join(file).exists() {
            names.push(name.into());
        } else {
            eprintln!(
                "xcheck: {name} not installed in {} (tools/install-engines.sh); skipped",
                bin.display()
            );
        }
    }
    names
}

fn check_main(args: CheckArgs) -> i32 {
    let names = if args.engines.is_empty() {
        default_engines()
    } else {
        args.engines.clone()
    };
    let mut engines: Vec<Box<dyn Engine>> = Vec::new();
    for n in &names {
        match engines::by_name(n) {
            Ok(e) => {
                if let Some(same) = engines.iter().find(|o| o.name() == e.name()) {
                    eprintln!(
                        "xcheck: two engines named {:?}: give variants names of their own \
                         (--engine NAME=KIND[@PATH][:FLAGS])",
                        same.name()
                    );
                    return 2;
                }
                engines.push(e)
            }
            Err(e) => {
                eprintln!("xcheck: {e}");
                return 2;
            }
        }
    }
    if !args.timeout.is_finite() || args.timeout <= 0.0 {
        eprintln!("xcheck: --timeout must be a positive number of seconds");
        return 2;
    }
    for p in &args.paths {
        if !p.exists() {
            eprintln!("xcheck: {}: no such file or directory", p.display());
            return 2;
        }
    }
    let files = collect(&args.paths);
    if files.is_empty() {
        eprintln!("xcheck: no .wast files found");
        return 2;
    }
    let timeout = Duration::from_secs_f64(args.timeout.max(0.1));
    let progress = Progress::new(files.len() * engines.len());
    let mut run = Run {
        engines: engines.iter().map(|e| e.name()).collect(),
        files: Vec::new(),
    };
    for path in &files {
        let shown = path.to_string_lossy().into_owned();
        match xcheck::script::load(&shown) {
            Ok(script) => {
                let mut outcomes = Vec::new();
                let mut seconds = Vec::new();
                for e in &engines {
                    progress.step(&format!(
                        "{} on {}",
                        xcheck::report::short(&shown),
                        e.name()
                    ));
                    let started = std::time::Instant::now();
                    outcomes.push(engines::run_script(e.as_ref(), &script, timeout));
                    seconds.push((started.elapsed().as_secs_f64() * 10.0).round() / 10.0);
                }
                run.files.push(FileResult {
                    path: shown,
                    error: None,
                    directives: script.directives,
                    outcomes,
                    seconds,
                });
            }
            Err(err) => {
                for _ in &engines {
                    progress.step(xcheck::report::short(&shown));
                }
                run.files.push(FileResult {
                    path: shown,
                    error: Some(err),
                    directives: Vec::new(),
                    outcomes: vec![Vec::new(); engines.len()],
                    seconds: vec![0.0; engines.len()],
                });
            }
        }
    }
    progress.finish();
    let _ = std::fs::remove_dir_all(engines::scratch_dir());
    print!("{}", run.terminal_table());
    let mut status = 0;
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&run.to_json()).unwrap_or_default();
        status |= write_file(path, &text);
    }
    if let Some(path) = &args.markdown {
        status |= write_file(path, &run.to_markdown());
    }
    if let Some(dir) = &args.html {
        let _ = std::fs::create_dir_all(dir);
        status |= write_file(&dir.join("index.html"), &run.to_html());
    }
    println!("{}", run.summary_line());
    status
}

fn write_file(path: &Path, text: &str) -> i32 {
    match std::fs::write(path, text) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("xcheck: cannot write {}: {e}", path.display());
            1
        }
    }
}

/// A progress bar on standard error, drawn only when it is a terminal.
struct Progress {
    total: usize,
    done: std::cell::Cell<usize>,
    tty: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            done: std::cell::Cell::new(0),
            tty: std::io::stderr().is_terminal(),
        }
    }

    fn step(&self, what: &str) {
        let done = self.done.get();
        self.done.set(done + 1);
        if !self.tty {
            return;
        }
        let width = 30;
        let filled = width * done / self.total.max(1);
        let bar: String = "#".repeat(filled) + &".".repeat(width - filled);
        let mut err = std::io::stderr();
        let _ = write!(err, "\r\x1b[K[{bar}] {done}/{} {what}", self.total);
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.tty {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }
}
