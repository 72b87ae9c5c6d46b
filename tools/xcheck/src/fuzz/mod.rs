//! `xcheck fuzz`: differential fuzzing of stack switching.
//!
//! Programs come from `stackgen` (valid, terminating, each directive with the outcome the rules
//! require). Each runs on every engine through the ordinary adapters; every directive where an
//! engine disagrees with the prediction is classified ([`finding::Class`]), its scenario is
//! minimized on that engine (structurally, by `stackgen::shrink`), and the result is
//! deduplicated by signature (engine, class, the engine's words without numbers, the features
//! of the minimized program). The findings folder gets one `.wast` reproducer per finding and
//! `summary.md`. Everything follows from `--seed`: the same seed and program count give the
//! same programs and the same findings.

pub mod finding;

use crate::engines::{self, Engine};
use clap::Parser;
use finding::{Class, Finding, Sighting, Signature};
use stackgen::Program;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Generates stack-switching programs, runs them on every engine, and reports each distinct
/// disagreement with the predicted outcome as a minimized .wast reproducer.
#[derive(Parser, Debug)]
#[command(name = "xcheck fuzz", bin_name = "xcheck fuzz")]
pub struct FuzzArgs {
    /// Stop starting new programs after this many seconds.
    #[arg(long, default_value_t = 60.0)]
    pub seconds: f64,
    /// The campaign's seed: program i has the seed `mix(seed, i)`.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop after this many programs (with --seconds, whichever comes first).
    #[arg(long)]
    pub programs: Option<u64>,
    /// Engines, as for `xcheck --engine` (switchyard, v8, wasmtime, binaryen, ref=PATH, ...).
    /// Default: switchyard, every engine installed in tools/.engines, and the reference
    /// interpreter if $XCHECK_REF names it.
    #[arg(long = "engine", short = 'e')]
    pub engines: Vec<String>,
    /// The findings folder (one .wast per finding, summary.md).
    #[arg(long, default_value = "fuzz-findings")]
    pub out: PathBuf,
    /// Time limit of one engine process, in seconds.
    #[arg(long, default_value_t = 20.0)]
    pub timeout: f64,
    /// Engine runs allowed for minimizing one finding.
    #[arg(long, default_value_t = 80)]
    pub minimize_runs: usize,
    /// Print every program's seed as it starts.
    #[arg(long)]
    pub verbose: bool,
}

/// The seed of program `i` of a campaign.
pub fn program_seed(seed: u64, i: u64) -> u64 {
    let mut rng = stackgen::rng::Rng::new(seed ^ i.wrapping_mul(0xa076_1d64_78bd_642f));
    rng.next_u64()
}

fn default_engines() -> Vec<String> {
    let bin = engines::engines_dir().join("bin");
    let mut names = vec!["switchyard".to_string()];
    for (name, file) in [
        ("v8", "node26"),
        ("wasmtime", "wasmtime"),
        ("binaryen", "wasm-shell"),
    ] {
        if bin.join(file).exists() {
            names.push(name.into());
        }
    }
    if let Ok(r) = std::env::var("XCHECK_REF") {
        names.push(format!("ref={r}"));
    }
    names
}

/// The campaign's results.
pub struct Campaign {
    pub engines: Vec<String>,
    pub seed: u64,
    pub programs: u64,
    pub directives: usize,
    pub seconds: f64,
    pub findings: Vec<Finding>,
    /// Directive-engine pairs not run (unsupported), by engine.
    pub unsupported: BTreeMap<String, usize>,
    /// Disagreements seen (before deduplication), by engine.
    pub sightings: BTreeMap<String, usize>,
    /// New disagreements that did not show with their scenario alone (not filed).
    pub not_alone: usize,
}

/// Entry point of `xcheck fuzz ARGS` (`argv[0]` is `fuzz`).
pub fn main(argv: &[String]) -> i32 {
    run_main(FuzzArgs::parse_from(argv.iter()))
}

/// `xcheck fuzz` with its arguments parsed.
pub fn run_main(args: FuzzArgs) -> i32 {
    let names = if args.engines.is_empty() {
        default_engines()
    } else {
        args.engines.clone()
    };
    let mut engines: Vec<Box<dyn Engine>> = Vec::new();
    for n in &names {
        match engines::by_name(n) {
            Ok(e) => engines.push(e),
            Err(e) => {
                eprintln!("xcheck fuzz: {e}");
                return 2;
            }
        }
    }
    let campaign = run(&args, &engines, &names, &mut |line| eprintln!("{line}"));
    let _ = std::fs::remove_dir_all(engines::scratch_dir());
    match write_findings(&args.out, &campaign) {
        Ok(()) => {}
        Err(e) => {
            eprintln!("xcheck fuzz: cannot write {}: {e}", args.out.display());
            return 1;
        }
    }
    println!("{}", summary_line(&campaign));
    println!("findings: {}", args.out.join("summary.md").display());
    0
}

pub fn summary_line(c: &Campaign) -> String {
    let mut by_engine: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &c.findings {
        *by_engine.entry(&f.engine_name).or_default() += 1;
    }
    let list: Vec<String> = by_engine.iter().map(|(e, n)| format!("{e} {n}")).collect();
    format!(
        "fuzz: seed {}, {} programs, {} directives, {:.0} s: {} findings{}",
        c.seed,
        c.programs,
        c.directives,
        c.seconds,
        c.findings.len(),
        if list.is_empty() {
            String::new()
        } else {
            format!(" ({})", list.join(", "))
        }
    )
}

/// Runs a campaign; `log` gets one line per new finding.
pub fn run(
    args: &FuzzArgs,
    engines: &[Box<dyn Engine>],
    specs: &[String],
    log: &mut dyn FnMut(String),
) -> Campaign {
    let started = Instant::now();
    let timeout = Duration::from_secs_f64(args.timeout.max(0.1));
    let mut campaign = Campaign {
        engines: engines.iter().map(|e| e.name()).collect(),
        seed: args.seed,
        programs: 0,
        directives: 0,
        seconds: 0.0,
        findings: Vec::new(),
        unsupported: BTreeMap::new(),
        sightings: BTreeMap::new(),
        not_alone: 0,
    };
    let _ = specs;
    // First-sighting keys (before minimization) already settled, to the finding they became.
    let mut seen: HashMap<Signature, usize> = HashMap::new();
    let switchyard = engines.iter().position(|e| e.name() == "switchyard");
    let mut i = 0u64;
    loop {
        if started.elapsed().as_secs_f64() >= args.seconds {
            break;
        }
        if args.programs.is_some_and(|n| i >= n) {
            break;
        }
        let seed = program_seed(args.seed, i);
        i += 1;
        let program = Program::generate(seed);
        let rendered = stackgen::render(&program);
        if args.verbose {
            log(format!("program {i}: seed {seed}"));
        }
        let script = match crate::script::parse(
            &format!("typed-cont/p{seed}.wast"),
            rendered.text.clone(),
        ) {
            Ok(s) => s,
            Err(e) => {
                log(format!("generator bug: program {seed} does not parse: {e}"));
                continue;
            }
        };
        campaign.programs += 1;
        campaign.directives += script.directives.len();
        for (e, engine) in engines.iter().enumerate() {
            let outcomes = engines::run_script(engine.as_ref(), &script, timeout);
            // One sighting per scenario: its first disagreeing directive.
            let mut done_scenarios = Vec::new();
            for (d, o) in script.directives.iter().zip(outcomes) {
                if o.category == crate::outcome::Category::Unsupported {
                    *campaign.unsupported.entry(engine.name()).or_default() += 1;
                }
                let Some(class) = finding::classify(&d.expect, &o) else {
                    continue;
                };
                let Some(s) = rendered.scenario_at(d.line) else {
                    continue;
                };
                if done_scenarios.contains(&s) {
                    continue;
                }
                done_scenarios.push(s);
                *campaign.sightings.entry(engine.name()).or_default() += 1;
                let scenario = program.scenarios[s].clone();
                let first = finding::signature(
                    engine.name(),
                    class,
                    &o.detail,
                    &stackgen::render::scenario(&scenario),
                );
                if let Some(&f) = seen.get(&first) {
                    campaign.findings[f].count += 1;
                    continue;
                }
                let sighting = Sighting {
                    engine: e,
                    scenario,
                    class,
                    expected: d.expect.describe(),
                    outcome: o,
                    program_seed: seed,
                };
                let settled = settle(
                    &sighting,
                    engine.as_ref(),
                    switchyard.map(|s| engines[s].as_ref()),
                    timeout,
                    args.minimize_runs,
                    &mut campaign.findings,
                    log,
                );
                match settled {
                    Some(f) => {
                        seen.insert(first, f);
                    }
                    None => campaign.not_alone += 1,
                }
            }
        }
    }
    campaign.seconds = started.elapsed().as_secs_f64();
    campaign
}

/// Minimizes a new sighting and files it: as a new finding, or as one more sighting of a
/// finding with the same minimized signature. Returns the finding's index.
fn settle(
    sighting: &Sighting,
    engine: &dyn Engine,
    switchyard: Option<&dyn Engine>,
    timeout: Duration,
    budget: usize,
    findings: &mut Vec<Finding>,
    log: &mut dyn FnMut(String),
) -> Option<usize> {
    // A disagreement that needs the rest of its program (an engine that rejects a whole file
    // for one module, and says so at the wrong place) is not filed: the scenario alone must
    // show it the same way.
    let alone = finding::disagreement(engine, &sighting.scenario, timeout);
    let same = alone.as_ref().is_some_and(|(class, _, o)| {
        *class == sighting.class
            && finding::words(*class, &o.detail)
                == finding::words(sighting.class, &sighting.outcome.detail)
    });
    if !same {
        log(format!(
            "not filed: {} {} in program {} does not show alone ({})",
            engine.name(),
            sighting.class.name(),
            sighting.program_seed,
            alone.map_or("agrees".to_string(), |(c, _, o)| format!(
                "{} {}",
                c.name(),
                o.describe()
            ))
        ));
        return None;
    }
    let (scenario, expected, got, runs) = finding::minimize(engine, sighting, timeout, budget);
    let text = stackgen::render::scenario(&scenario);
    let signature = finding::signature(engine.name(), sighting.class, &got.detail, &text);
    if let Some(f) = findings.iter().position(|f| f.signature == signature) {
        findings[f].count += 1;
        return Some(f);
    }
    let switchyard_agrees = switchyard
        .filter(|s| s.name() != engine.name())
        .map(|s| finding::disagreement(s, &scenario, timeout).is_none());
    let number = findings.len() + 1;
    let finding = Finding {
        number,
        signature,
        engine_name: engine.name(),
        class: sighting.class,
        text,
        expected,
        got: got.describe(),
        program_seed: sighting.program_seed,
        runs,
        count: 1,
        switchyard_agrees,
    };
    log(format!(
        "finding {number}: {} {}: expected {}, got {} ({} lines, {} minimization runs)",
        finding.engine_name,
        finding.class.name(),
        finding.expected,
        finding.got,
        finding.text.lines().count(),
        runs
    ));
    findings.push(finding);
    Some(findings.len() - 1)
}

/// Writes the findings folder: one reproducer per finding and `summary.md`.
pub fn write_findings(dir: &std::path::Path, c: &Campaign) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // A folder from an earlier campaign: its reproducers would mix with these.
    for entry in std::fs::read_dir(dir)?.flatten() {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "wast") {
            std::fs::remove_file(p)?;
        }
    }
    for f in &c.findings {
        std::fs::write(dir.join(f.file_name()), f.reproducer(&f.engine_name))?;
    }
    std::fs::write(dir.join("summary.md"), summary_markdown(c))
}

pub fn summary_markdown(c: &Campaign) -> String {
    let mut s = String::from("# xcheck fuzz findings\n\n");
    s.push_str(&format!(
        "Seed {}, {} programs ({} directives) in {:.0} s on {}.\n\n",
        c.seed,
        c.programs,
        c.directives,
        c.seconds,
        c.engines.join(", ")
    ));
    s.push_str(&format!("{}\n\n", summary_line(c)));
    if c.findings.is_empty() {
        s.push_str("No engine disagreed with a predicted outcome.\n");
    } else {
        s.push_str(
            "| # | engine | class | expected | got | seen | lines | Switchyard | reproducer |\n",
        );
        s.push_str("|---|---|---|---|---|---|---|---|---|\n");
        for f in &c.findings {
            let cell = |t: &str| {
                let t = t.replace('|', "\\|").replace('\n', " ");
                if t.chars().count() > 90 {
                    format!("{}…", t.chars().take(90).collect::<String>())
                } else {
                    t
                }
            };
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | [{}]({}) |\n",
                f.number,
                f.engine_name,
                f.class.name(),
                cell(&f.expected),
                cell(&f.got),
                f.count,
                f.text.lines().count(),
                match f.switchyard_agrees {
                    Some(true) => "agrees",
                    Some(false) => "DISAGREES",
                    None => "-",
                },
                f.file_name(),
                f.file_name()
            ));
        }
        s.push_str("\nSignatures (engine / class / the engine's words without numbers / features of the minimized program):\n\n");
        for f in &c.findings {
            s.push_str(&format!("{}. `{}`\n", f.number, f.signature.text()));
        }
    }
    let by = |m: &BTreeMap<String, usize>| -> String {
        let v: Vec<String> = m.iter().map(|(e, n)| format!("{e} {n}")).collect();
        if v.is_empty() {
            "none".into()
        } else {
            v.join(", ")
        }
    };
    s.push_str(&format!(
        "\nDisagreements seen before deduplication: {}; not filed because the scenario alone \
         did not show them: {}. Directives not run (unsupported): {}.\n",
        by(&c.sightings),
        c.not_alone,
        by(&c.unsupported)
    ));
    let _ = Class::Crash;
    s
}
