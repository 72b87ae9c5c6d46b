//! The `switchyard` command line.
#![forbid(unsafe_code)]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use switchyard::design::Design;
use switchyard::exec::snapshot::{self, Recorder};
use switchyard::script::run::expected::{self, ExpectedFailures};
use switchyard::script::run::{
    files, report, run_file, Budgets, FileReport, Invocation, RunOptions, Tally,
};

mod cli;
use cli::{convert, repl};

#[derive(Parser)]
#[command(
    name = "switchyard",
    version,
    about = "A reference interpreter for WebAssembly stack switching designs"
)]
struct Cli {
    /// Without a command: the REPL (`switchyard repl`).
    #[command(subcommand)]
    command: Option<Commands>,
    /// Colour in diagnostics: `auto` (on a terminal, unless the `NO_COLOR` environment
    /// variable is set and not empty; `CLICOLOR_FORCE` turns it on anyway), `always`, `never`.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

/// Whether diagnostics written to a stream (a terminal or not) are coloured: `--color`, else
/// the environment (`NO_COLOR`, `CLICOLOR_FORCE`, see <https://no-color.org>), else whether
/// the stream is a terminal.
pub(crate) fn use_color(terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    match COLOR.get().copied().unwrap_or(ColorChoice::Auto) {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
        ColorChoice::Auto if set("CLICOLOR_FORCE") => true,
        ColorChoice::Auto => terminal,
    }
}

#[derive(Subcommand)]
enum Commands {
    /// Run `.wast` scripts and `.wat` / `.wasm` modules: one line per file, then the failures,
    /// then a summary line `N passed, N failed, N skipped` (counting directives). With
    /// `--invoke`, call an export and print its results. Exits with 1 if any failed.
    Run(RunArgs),
    /// Read and validate scripts and modules (text or binary) without running them: one line
    /// per file, a diagnostic per invalid module. Exits with 1 if any is invalid.
    Validate(ValidateArgs),
    /// Convert between formats: `.wat` <-> `.wasm` (modules), `.wast` -> `.json` (a manifest
    /// and one binary per module, as wast2json writes) or `.js` (one self-contained file for
    /// any JS engine). The formats come from the file names, or --to.
    Convert(ConvertArgs),
    /// Interactive: define modules, invoke exports, see results (`:help` inside). Started also
    /// by `switchyard` without a command.
    Repl(ReplArgs),
    /// Run a program written in every design (`typed-cont.wast`, `raw-stacks.wast`,
    /// `effect-handlers.wast` in one folder) and print a side-by-side table: results equal,
    /// reduction steps, stack switches, handler-search steps, peak live continuations/stacks,
    /// peak context depth, module instructions and wall time. Exits with 1 unless every program's
    /// versions agree or differ exactly as its README's `differences` block documents.
    Compare(CompareArgs),
    /// Benchmark: ns per Wasm instruction of a compute loop, per call, and per suspend/resume
    /// round trip and switch (typed-cont), perform/continue (effect-handlers) and stack.switch
    /// (raw-stacks) at depths 10 and 10,000 with 10 and 100,000 live continuations (use a
    /// release build).
    Bench(BenchArgs),
    /// Run `.wast` scripts counting, per design, how often each reduction rule fired and each
    /// typing rule was applied, and which scripts did it; print the rules of each proposal text
    /// (never hit first, then by section).
    Coverage(CoverageArgs),
    /// The playground: a web page on 127.0.0.1 that runs a script under each design and draws
    /// the configuration step by step (the running stack, prompts and handlers, suspended
    /// continuations and stacks). Prints the address; runs until stopped.
    Serve(ServeArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    /// The port (0: any free one).
    #[arg(long, default_value_t = 8018)]
    port: u16,
    /// Steps recorded per run; a longer run goes on to its end unrecorded, and the page says
    /// how many steps were left out.
    #[arg(long, value_name = "N", default_value_t = switchyard::playground::DEFAULT_MAX_SNAPSHOTS)]
    max_snapshots: usize,
    #[command(flatten)]
    budgets: BudgetArgs,
    /// A script to open in the page.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

#[derive(clap::Args)]
struct CoverageArgs {
    /// Run every script under this design and report the core's rules and this design's.
    #[arg(long, value_name = "NAME")]
    design: Option<Design>,
    /// Write the report as JSON to FILE (`-`: standard output, instead of the table).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the report as Markdown to FILE (`-`: standard output, instead of the table), each
    /// rule linked to its section of the proposal text. An existing file keeps everything
    /// outside its generated part.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Exit with 1 when a rule a proposal text lists is hit by no script.
    #[arg(long)]
    check: bool,
    /// Scripts or folders, as for `run`. Default: the repository's bundled `testsuite/`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct BenchArgs {
    /// Operations per case (round trips, switch pairs, calls). The default makes every case
    /// run for half a second or more, long enough for the CPU time's resolution.
    #[arg(long, default_value_t = 10_000_000)]
    n: u32,
    /// Print the results as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Run each case this many times and keep the run with the least CPU time per operation
    /// (a shared machine only ever makes a run slower). The runs go round the cases: all of
    /// them once, then again.
    #[arg(long, default_value_t = 3, value_name = "R", value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Run only this case (`call/d10`, `resume/d10000/l100000`, ...); may be repeated.
    #[arg(long, value_name = "NAME")]
    case: Vec<String>,
    /// Run the cases in this process instead of one child process each (peak RSS then
    /// includes earlier cases).
    #[arg(long)]
    in_process: bool,
    /// Run the garbage-collection workloads instead (issue 14: abandoned generators, dropped
    /// structures, an actor ring, a million live continuations, skip-stack-guard-page.wast and
    /// the whole official suite in one process): CPU time and peak RSS of `switchyard run` on
    /// each, and of the reference interpreter given by `--reference`.
    #[arg(long)]
    gc: bool,
    /// With `--gc`: the OCaml reference interpreter (`wasm`) to run the workloads at their
    /// reference sizes too.
    #[arg(long, value_name = "PATH")]
    reference: Option<PathBuf>,
    /// With `--gc`: run only this workload (`generators`, `structs`, `ring`, `live`,
    /// `guard-page`, `suite`); may be repeated.
    #[arg(long, value_name = "NAME")]
    workload: Vec<String>,
    /// Print one machine-readable line per case (used by the child processes).
    #[arg(long, hide = true)]
    line: bool,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Write the comparison as JSON to FILE (`-`: standard output, instead of the table).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the comparison as Markdown to FILE (`-`: standard output, instead of the table).
    /// An existing file keeps everything outside its generated part.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Program folders, or folders of program folders (such as `testsuite/cross-design`).
    #[arg(value_name = "PROGRAM_DIR", required = true)]
    dirs: Vec<PathBuf>,
}

/// What `run --trace` prints per step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum TraceMode {
    /// Step, rule, redex as WAT, the top of the configuration.
    Text,
    /// Rule names only.
    Rules,
    /// One JSON object per step: the rule's name and a snapshot of the configuration.
    Json,
}

impl TraceMode {
    /// The library's text trace this mode asks for (`json` records snapshots instead).
    fn text_mode(self) -> Option<switchyard::exec::trace::TraceMode> {
        match self {
            TraceMode::Text => Some(switchyard::exec::trace::TraceMode::Text),
            TraceMode::Rules => Some(switchyard::exec::trace::TraceMode::Rules),
            TraceMode::Json => None,
        }
    }
}

/// The budgets every command that runs code takes.
#[derive(clap::Args, Clone, Copy, Debug, Default)]
struct BudgetArgs {
    /// Reduction steps allowed per invocation (default 3 x 10^9; 0: unlimited). Overrides a
    /// `;;! fuel` line.
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Nested activations allowed on a thread, across its stacks (default 20,000). Overrides a
    /// `;;! call-depth` line.
    #[arg(long, value_name = "N")]
    call_depth: Option<usize>,
    /// Bytes one stack may hold: the frames, labels, locals and operands of an invocation's
    /// main stack or of one continuation (default 16 MiB; suffixes K, M, G).
    #[arg(long, alias = "stack-size", value_name = "BYTES", value_parser = parse_bytes)]
    max_stack_bytes: Option<u64>,
    /// Live continuations (typed-cont, effect-handlers) or stacks (raw-stacks) allowed, counted
    /// after a collection (default 1,000,000).
    #[arg(long, alias = "max-conts", value_name = "N")]
    max_live_conts: Option<usize>,
    /// Bytes of memories, tables and reachable heap objects allowed (default 2 GiB; suffixes
    /// K, M, G).
    #[arg(long, alias = "max-heap", value_name = "BYTES", value_parser = parse_bytes)]
    max_heap_bytes: Option<u64>,
}

impl BudgetArgs {
    fn budgets(self) -> Budgets {
        Budgets {
            fuel: self.fuel,
            call_depth: self.call_depth,
            max_stack_bytes: self.max_stack_bytes,
            max_live_conts: self.max_live_conts,
            max_heap_bytes: self.max_heap_bytes,
        }
    }
}

/// `4096`, `64K`, `512M`, `2G` (powers of 1024).
fn parse_bytes(text: &str) -> Result<u64, String> {
    let text = text.trim().replace('_', "");
    let (digits, scale) = match text.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&text[..text.len() - 1], 1u64 << 10),
        Some('M') => (&text[..text.len() - 1], 1 << 20),
        Some('G') => (&text[..text.len() - 1], 1 << 30),
        _ => (text.as_str(), 1),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (like 4096, 64K, 512M, 2G)"))?;
    n.checked_mul(scale)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[derive(clap::Args)]
struct ValidateArgs {
    /// Read every file under this design (default: a `;;! design` line, the folder, typed-cont).
    #[arg(long, value_name = "NAME")]
    design: Option<Design>,
    /// Print only the per-file lines and the summary.
    #[arg(long, short)]
    quiet: bool,
    /// Scripts, modules or folders (searched recursively for `.wast`, `.wat`, `.wasm`).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct ConvertArgs {
    /// Read the input under this design (default: a `;;! design` line, the folder, typed-cont).
    #[arg(long, value_name = "NAME")]
    design: Option<Design>,
    /// The output format: wat, wasm, json or js (default: OUT's extension).
    #[arg(long, value_name = "FORMAT")]
    to: Option<String>,
    /// The output file (`-`: standard output, for wat and js). For json, the binaries go next
    /// to it as `STEM.N.wasm`.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// A module (`.wat`, `.wasm`) or a script (`.wast`).
    #[arg(value_name = "IN")]
    input: PathBuf,
}

#[derive(clap::Args)]
struct ReplArgs {
    /// The design to start under (`:design` changes it).
    #[arg(long, value_name = "NAME", default_value_t = Design::TypedCont)]
    design: Design,
    #[command(flatten)]
    budgets: BudgetArgs,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Run every script under this design (typed-cont, raw-stacks, effect-handlers), ignoring
    /// `;;! design` lines and folder defaults.
    #[arg(long, value_name = "NAME")]
    design: Option<Design>,
    /// Which permitted results relaxed SIMD instructions compute (deterministic, x86),
    /// overriding `;;! relaxed` lines. Default: deterministic.
    #[arg(long, value_name = "CHOICE")]
    relaxed: Option<switchyard::simd::Relaxed>,
    /// Write every directive's line, kind, expected and actual outcome to FILE as JSON (`-`:
    /// standard output; the per-file lines, diagnostics and summary then go to standard error).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the same records to FILE (`-`: standard output) as JSON lines, each as soon as
    /// its directive has run, with the script's `path`: a harness learns how far a run got
    /// even when it never ends.
    #[arg(long, value_name = "FILE")]
    json_lines: Option<PathBuf>,
    /// Print every reduction step to stderr, under a header per directive and invocation.
    /// MODE: `text` (the default: step, rule, redex as WAT, the top of the configuration),
    /// `rules` (rule names only) or `json` (one JSON line per step with the rule's name and a
    /// snapshot of the whole configuration, and one per directive once it ended).
    #[arg(
        long,
        value_name = "MODE",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "text"
    )]
    trace: Option<TraceMode>,
    /// Reduction steps `--trace` shows per directive (default 5,000; 0: all); it says how many
    /// it left out.
    #[arg(long, value_name = "N", requires = "trace")]
    trace_limit: Option<u64>,
    /// Record the failures of this run in an expected-failure list (entries of files not run
    /// are kept).
    #[arg(long, value_name = "FILE")]
    write_expected_failures: Option<PathBuf>,
    /// Print only the per-file lines and the summary, not the diagnostics nor what the
    /// scripts print.
    #[arg(long, short)]
    quiet: bool,
    /// Collect garbage after every allocation (slow; a root the collector missed shows up as
    /// a wrong result). `SWITCHYARD_GC_STRESS=1` does the same for the test harness.
    #[arg(long)]
    gc_stress: bool,
    #[command(flatten)]
    budgets: BudgetArgs,
    /// After each file's own directives, call export NAME of its last instance with ARGs
    /// (script constants like `(i32.const 7)`, or plain numbers typed by the export's
    /// parameters) and print the results (`42 : [i32]`). Put it after the PATHs.
    #[arg(long, value_name = "NAME [ARG]...", num_args = 1.., allow_negative_numbers = true)]
    invoke: Option<Vec<String>>,
    /// Scripts (`.wast`), modules (`.wat`, `.wasm`; told apart by their content) or folders
    /// (searched recursively). Default: the repository's bundled `testsuite/`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// 0 when nothing failed, 1 when something did, 2 when the command could not run.
fn exit(result: Result<bool, String>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("switchyard: {message}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = COLOR.set(cli.color);
    let Some(command) = cli.command else {
        return exit(repl::main(ReplArgs {
            design: Design::TypedCont,
            budgets: BudgetArgs::default(),
        }));
    };
    match command {
        Commands::Validate(args) => exit(validate(args)),
        Commands::Convert(args) => exit(convert::main(args)),
        Commands::Repl(args) => exit(repl::main(args)),
        Commands::Run(args) => match run(args) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(message) => {
                eprintln!("switchyard: {message}");
                ExitCode::from(2)
            }
        },
        Commands::Compare(args) => match compare(args) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(message) => {
                eprintln!("switchyard: {message}");
                ExitCode::from(2)
            }
        },
        Commands::Coverage(args) => match coverage(args) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(message) => {
                eprintln!("switchyard: {message}");
                ExitCode::from(2)
            }
        },
        Commands::Serve(args) => match cli::serve::serve(cli::serve::ServeOptions {
            port: args.port,
            file: args.file,
            budgets: args.budgets.budgets(),
            max_snapshots: args.max_snapshots,
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("switchyard: {message}");
                ExitCode::from(2)
            }
        },
        Commands::Bench(args) => match bench(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("switchyard: {message}");
                ExitCode::from(2)
            }
        },
    }
}

/// Compares the programs; `Ok(true)` when every one agrees (or differs as documented).
fn compare(args: CompareArgs) -> Result<bool, String> {
    use switchyard::compare;
    let dirs = compare::program_dirs(&args.dirs)?;
    if dirs.is_empty() {
        return Err("no program folders (folders with typed-cont.wast, ...) given".to_string());
    }
    let is_stdout = |p: &Option<PathBuf>| p.as_deref() == Some(std::path::Path::new("-"));
    let table = !is_stdout(&args.json) && !is_stdout(&args.markdown);
    let mut out = std::io::stdout().lock();
    let mut comparisons = Vec::new();
    for dir in &dirs {
        let c = compare::compare_program(dir);
        if table {
            let _ = out.write_all(compare::render_text(&c).as_bytes());
            let _ = out.flush();
        }
        comparisons.push(c);
    }
    let emit = |path: &std::path::Path, text: String| -> Result<(), String> {
        if path == std::path::Path::new("-") {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            return Ok(());
        }
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    if let Some(path) = &args.json {
        emit(path, compare::to_json(&comparisons))?;
    }
    if let Some(path) = &args.markdown {
        let generated = compare::render_markdown(&comparisons);
        let text = if path == std::path::Path::new("-") {
            generated
        } else {
            let existing = std::fs::read_to_string(path).unwrap_or_default();
            compare::splice_markdown(&existing, &generated)
        };
        emit(path, text)?;
    }
    let agree = comparisons.iter().filter(|c| c.ok()).count();
    if table {
        let _ = writeln!(out, "{agree} of {} programs agree", comparisons.len());
    }
    Ok(agree == comparisons.len())
}

/// Runs the scripts counting rules and writes the report; `Ok(false)` under `--check` when a
/// listed rule was never hit.
fn coverage(args: CoverageArgs) -> Result<bool, String> {
    use switchyard::coverage::report::{self, ScriptCounts};
    use switchyard::script::run::run_file_counting;
    let scripts = collect(&args.paths)?.files;
    let options = RunOptions {
        design: args.design,
        ..RunOptions::default()
    };
    let mut counted = Vec::new();
    let mut total = Tally::default();
    for script in &scripts {
        let (file_report, counts) = run_file_counting(script, &options);
        total.add(file_report.tally());
        if let Some(design) = file_report.design {
            counted.push(ScriptCounts {
                path: script.display().to_string(),
                design,
                counts,
            });
        }
    }
    if total.failed > 0 {
        eprintln!(
            "switchyard: note: {} directive(s) failed (`switchyard run` shows them); their rules \
             are counted as far as they ran",
            total.failed
        );
    }
    let c = report::build(&counted, args.design);
    let is_stdout = |p: &Option<PathBuf>| p.as_deref() == Some(std::path::Path::new("-"));
    let emit = |path: &std::path::Path, text: String| -> Result<(), String> {
        if path == std::path::Path::new("-") {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            return Ok(());
        }
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    if !is_stdout(&args.json) && !is_stdout(&args.markdown) {
        let _ = std::io::stdout()
            .lock()
            .write_all(report::render_text(&c).as_bytes());
    }
    if let Some(path) = &args.json {
        emit(path, report::to_json(&c))?;
    }
    if let Some(path) = &args.markdown {
        if path == std::path::Path::new("-") {
            emit(path, report::render_markdown(&c, ""))?;
        } else {
            let generated = report::render_markdown(&c, &repository_from(path));
            let existing = std::fs::read_to_string(path).unwrap_or_default();
            emit(path, report::splice_markdown(&existing, &generated))?;
        }
    }
    Ok(!args.check || c.never_hit().is_empty())
}

/// The relative path from the folder of `file` to the repository (`../` for `docs/x.md`), for
/// links to the proposal texts; empty when `file` lies outside the repository.
fn repository_from(file: &std::path::Path) -> String {
    let repo = expected::bundled_suite()
        .parent()
        .and_then(|p| p.canonicalize().ok());
    let dir = file
        .parent()
        .map(|d| {
            if d.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                d
            }
        })
        .and_then(|d| d.canonicalize().ok());
    match (repo, dir) {
        (Some(repo), Some(dir)) => match dir.strip_prefix(&repo) {
            Ok(rel) => "../".repeat(rel.components().count()),
            Err(_) => String::new(),
        },
        _ => String::new(),
    }
}

/// Runs the scripts; `Ok(true)` when nothing failed.
fn run(args: RunArgs) -> Result<bool, String> {
    let collected = collect(&args.paths)?;
    let scripts = collected.files;
    // Files to write are checked before the run, not after it.
    let json_to_stdout = args.json.as_deref() == Some(std::path::Path::new("-"));
    let json_file = match &args.json {
        Some(path) if !json_to_stdout => {
            Some(std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        _ => None,
    };
    if let Some(path) = &args.write_expected_failures {
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let invoke = match args.invoke.as_deref() {
        Some([name, rest @ ..]) => Some(Invocation {
            name: name.clone(),
            args: rest.to_vec(),
        }),
        _ => None,
    };
    let invoking = invoke.is_some();
    let on_outcome = match &args.json_lines {
        Some(path) => Some(json_lines_sink(path)?),
        None => None,
    };
    let options = RunOptions {
        design: args.design,
        relaxed: args.relaxed,
        trace: args.trace.and_then(TraceMode::text_mode).map(|mode| {
            switchyard::exec::trace::TraceOptions {
                mode,
                limit: match args.trace_limit {
                    Some(0) => None,
                    Some(n) => Some(n),
                    None => Some(switchyard::exec::trace::DEFAULT_LIMIT),
                },
            }
        }),
        budgets: args.budgets.budgets(),
        invoke,
        gc_stress: args.gc_stress,
        on_outcome,
        snapshots: (args.trace == Some(TraceMode::Json))
            .then(|| Recorder::sink(snapshot::Mode::Print)),
    };
    // With `--json -` standard output is the JSON's: the rest goes to standard error.
    let color = use_color(if json_to_stdout {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    });
    // The lock is taken per write: `--json-lines -` writes from the script's thread.
    let write = |text: &str| {
        // A closed pipe (`| head`) is not worth a panic.
        if json_to_stdout {
            let mut out = std::io::stderr().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        } else {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    };
    for notice in &collected.notices {
        eprintln!("switchyard: note: {notice}");
    }
    let mut total = Tally::default();
    let mut reports: Vec<FileReport> = Vec::new();
    let mut diagnostics = String::new();
    for script in &scripts {
        let mut file_report = run_file(script, &options);
        total.add(file_report.tally());
        if !args.quiet {
            // What the scripts print (`spectest.print_*`), then the invoked results.
            let mut printed = String::new();
            for outcome in &file_report.outcomes {
                for line in &outcome.printed {
                    printed.push_str(line);
                    printed.push('\n');
                }
            }
            if invoking {
                let last = file_report.outcomes.last();
                let values = last
                    .filter(|o| o.kind == switchyard::script::run::modules::INVOKE_KIND)
                    .and_then(|o| o.values.as_deref());
                if let Some(text) = values.and_then(switchyard::host::results_text) {
                    printed.push_str(&text);
                    printed.push('\n');
                }
            }
            write(&printed);
        }
        // With --invoke a passing file says no more than its results.
        if !invoking || file_report.tally().failed > 0 {
            write(&format!("{}\n", report::file_line(&file_report)));
        }
        if !args.quiet {
            diagnostics.push_str(&report::render_failures(&file_report, color));
        }
        // Reports are kept for the notices, the JSON file and the expected-failure list; the
        // source is only needed for diagnostics, which are rendered by now, and the outcomes
        // only for those files: a run of the whole official suite (60,000 directives) does
        // not keep every directive's record to the end.
        file_report.source = String::new();
        if args.json.is_none() && args.write_expected_failures.is_none() {
            file_report.outcomes = Vec::new();
        }
        reports.push(file_report);
    }
    write(&diagnostics);
    write(&report::notices_text(&reports));
    let json = args.json.as_ref().map(|_| report::to_json(&reports, total));
    match (json, json_file, &args.json) {
        (Some(json), Some(mut file), Some(path)) => file
            .write_all(json.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?,
        (Some(json), None, _) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(json.as_bytes());
            let _ = out.flush();
        }
        _ => {}
    }
    if let Some(path) = &args.write_expected_failures {
        let mut list = ExpectedFailures::load(path)?;
        for file_report in &reports {
            list.record(expected::file_key(&file_report.path), file_report);
        }
        std::fs::write(path, list.render()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if !invoking || total.failed > 0 {
        write(&format!("{total}\n"));
    }
    Ok(total.failed == 0)
}

/// Validates the files; `Ok(true)` when every module is valid.
fn validate(args: ValidateArgs) -> Result<bool, String> {
    use switchyard::script::run::validate::validate_file;
    let collected = files::collect_runnable(&args.paths)?;
    for notice in &collected.notices {
        eprintln!("switchyard: note: {notice}");
    }
    let files = collected.files;
    let color = use_color(std::io::stdout().is_terminal());
    let mut out = std::io::stdout().lock();
    let (mut valid, mut invalid) = (0, 0);
    let mut diagnostics = String::new();
    for path in &files {
        let file_report = validate_file(path, args.design);
        let tally = file_report.tally();
        valid += tally.passed;
        invalid += tally.failed;
        let verdict = if tally.failed == 0 { "OK  " } else { "FAIL" };
        let design = file_report
            .design
            .map(|d| format!(" [{d}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{verdict} {}{design}: {} valid, {} invalid",
            path.display(),
            tally.passed,
            tally.failed
        );
        if !args.quiet {
            diagnostics.push_str(&report::render_failures(&file_report, color));
        }
    }
    let _ = write!(out, "{diagnostics}");
    let _ = writeln!(out, "{valid} valid, {invalid} invalid");
    Ok(invalid == 0)
}

/// A sink writing each outcome as a JSON line to `path` (`-`: standard output), flushed at once.
fn json_lines_sink(path: &std::path::Path) -> Result<switchyard::script::run::OutcomeSink, String> {
    use std::sync::{Arc, Mutex};
    let out: Box<dyn Write + Send> = if path == std::path::Path::new("-") {
        Box::new(std::io::stdout())
    } else {
        Box::new(std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?)
    };
    let out = Mutex::new(out);
    Ok(switchyard::script::run::OutcomeSink(Arc::new(
        move |script: &std::path::Path, outcome: &switchyard::script::run::Outcome| {
            if let Ok(mut out) = out.lock() {
                let _ = writeln!(out, "{}", report::json_line(script, outcome));
                let _ = out.flush();
            }
        },
    )))
}

/// The files `paths` name (`files::collect_runnable`); with none, the bundled suites but for
/// `testsuite/diagnostics/`, whose scripts fail on purpose (`tests/diagnostics.rs` renders
/// them).
fn collect(paths: &[PathBuf]) -> Result<files::Collected, String> {
    if !paths.is_empty() {
        return files::collect_runnable(paths);
    }
    let suite = bundled_suite();
    let mut collected = files::collect_runnable(std::slice::from_ref(&suite))?;
    let diagnostics = suite.join("diagnostics");
    collected.files.retain(|f| !f.starts_with(&diagnostics));
    Ok(collected)
}

/// The bundled suites, relative to the current folder when they lie below it (shorter lines).
fn bundled_suite() -> PathBuf {
    let suite = expected::bundled_suite();
    let relative = || {
        let cwd = std::env::current_dir().ok()?.canonicalize().ok()?;
        let rel = suite
            .canonicalize()
            .ok()?
            .strip_prefix(cwd)
            .ok()?
            .to_path_buf();
        Some(rel)
    };
    relative().unwrap_or(suite)
}

/// `switchyard bench --gc` (`switchyard::gc_bench`).
fn gc_bench(args: &BenchArgs) -> Result<(), String> {
    use switchyard::gc_bench;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    if let Some(r) = &args.reference {
        if !r.is_file() {
            return Err(format!("{}: no such reference interpreter", r.display()));
        }
    }
    let names: Vec<&str> = (gc_bench::WORKLOADS.iter().map(|w| w.name))
        .chain(gc_bench::SUITE_RUNS.iter().map(|(name, _)| *name))
        .collect();
    if let Some(bad) = args.workload.iter().find(|w| !names.contains(&w.as_str())) {
        return Err(format!(
            "no workload {bad}; workloads: {}",
            names.join(", ")
        ));
    }
    let ms = gc_bench::run_all(&exe, args.reference.as_deref(), &args.workload, |m| {
        if !args.json {
            eprintln!("{} {} n={} done", m.workload, m.engine, m.n);
        }
    });
    if args.json {
        print!("{}", gc_bench::to_json(&ms));
    } else {
        print!("{}", gc_bench::render_table(&ms));
    }
    if ms.iter().all(|m| m.ok) {
        Ok(())
    } else {
        Err("a workload failed".to_string())
    }
}

/// Runs the benchmarks (`switchyard::bench`) and prints the table or JSON.
fn bench(args: BenchArgs) -> Result<(), String> {
    use switchyard::bench;
    if args.gc {
        return gc_bench(&args);
    }
    let mut cases = bench::default_cases(args.n);
    if !args.case.is_empty() {
        cases.retain(|c| args.case.contains(&c.name()));
        if cases.is_empty() {
            let names: Vec<String> = bench::default_cases(args.n)
                .iter()
                .map(|c| c.name())
                .collect();
            return Err(format!("no such case; cases: {}", names.join(", ")));
        }
    }
    if cfg!(debug_assertions) && !args.line {
        eprintln!("switchyard: warning: a debug build; build with --release for real numbers");
    }
    let exe = std::env::current_exe().ok();
    // The runs go round the cases (every case once, then every case again, ...) rather than
    // one case R times in a row: the machine's speed changes over seconds, and the best of R
    // runs taken minutes apart is less likely to come from one slow phase.
    let runs = if args.line { 1 } else { args.runs.max(1) };
    let mut best: Vec<Option<bench::Outcome>> = cases.iter().map(|_| None).collect();
    for round in 1..=runs {
        for (case, best) in cases.iter().zip(&mut best) {
            let outcome = match (&exe, args.in_process || args.line) {
                (Some(exe), false) => bench::run_case_isolated(exe, *case),
                _ => bench::run_case(*case),
            }
            .map_err(|e| format!("{}: {}", case.name(), e.message))?;
            if best
                .as_ref()
                .is_none_or(|b| outcome.ns_per_op() < b.ns_per_op())
            {
                *best = Some(outcome);
            }
        }
        if !args.json && !args.line {
            eprintln!("round {round} of {runs} done");
        }
    }
    let outcomes: Vec<bench::Outcome> = best.into_iter().flatten().collect();
    if args.line {
        for outcome in &outcomes {
            println!("{}", bench::outcome_line(outcome));
        }
    }
    if args.json {
        print!("{}", bench::to_json(&outcomes));
    } else if !args.line {
        print!("{}", bench::render_table(&outcomes));
    }
    Ok(())
}
