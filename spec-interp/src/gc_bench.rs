//! `switchyard bench --gc`: the workloads of issue 14, which run in flat memory only with a
//! garbage collector, measured by CPU time and peak RSS, next to the OCaml reference interpreter
//! where that is sensible.
//!
//! Each workload is a module of `testsuite/bench/gc-*.wat` (embedded here) with an export `run`;
//! a run is a script (the module and one `assert_return`) that `switchyard run` (this
//! executable) or the reference interpreter runs as a child process, polled for its peak RSS
//! (`VmHWM`) and CPU time. Switchyard runs each workload at its full size, and both engines run
//! it at the reference size (the reference interpreter takes minutes per million operations on
//! some of them). Results are in `docs/gc.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One workload: a module and how to call it with a size `n`.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    pub name: &'static str,
    /// What one unit of `n` is.
    pub unit: &'static str,
    pub wat: &'static str,
    /// The arguments of `run` for size `n`, as script constants.
    pub args: fn(u64) -> String,
    /// What `run` returns for size `n`.
    pub result: fn(u64) -> u64,
    /// Sizes at which Switchyard runs it (the targets).
    pub sizes: &'static [u64],
    /// The size at which both engines run it.
    pub reference_size: u64,
    /// Its peak memory should not depend on `n` (everything but the live continuations).
    pub flat: bool,
}

fn one(n: u64) -> String {
    format!("(i32.const {n})")
}

/// Processes in the actor ring.
pub const RING_PROCESSES: u64 = 10_000;

fn ring(n: u64) -> String {
    format!("(i32.const {RING_PROCESSES}) (i32.const {n})")
}

/// The workloads of `switchyard bench --gc`.
pub const WORKLOADS: [Workload; 4] = [
    Workload {
        name: "generators",
        unit: "abandoned generators (cont.new, one resume, drop)",
        wat: include_str!("../../testsuite/bench/gc-generators.wat"),
        args: one,
        result: |n| 7 * n,
        sizes: &[10_000_000],
        reference_size: 1_000_000,
        flat: true,
    },
    Workload {
        name: "structs",
        unit: "dropped struct.new",
        wat: include_str!("../../testsuite/bench/gc-structs.wat"),
        args: one,
        result: |n| n,
        sizes: &[100_000_000],
        reference_size: 10_000_000,
        flat: true,
    },
    Workload {
        name: "ring",
        unit: "messages (fresh structures) round a ring of 10,000 continuations",
        wat: include_str!("../../testsuite/bench/gc-ring.wat"),
        args: ring,
        result: |n| n,
        sizes: &[1_000_000, 10_000_000],
        reference_size: 100_000,
        flat: true,
    },
    Workload {
        name: "live",
        unit: "live continuations (suspended generators kept in an array)",
        wat: include_str!("../../testsuite/bench/gc-live.wat"),
        args: one,
        result: |n| n,
        sizes: &[1_000_000],
        reference_size: 100_000,
        flat: false,
    },
];

/// Runs of the official suite (issue 14: what a frame costs, and that nothing of one file
/// outlives it): a name and the path under the suite's `core/` (empty: all of it, in one
/// process). `n` of their measures is the number of files.
pub const SUITE_RUNS: [(&str, &str); 2] =
    [("guard-page", "skip-stack-guard-page.wast"), ("suite", "")];

/// Runs `path` (a file or folder of the official suite) with `engine`: `switchyard run --quiet
/// PATH` in one process; the reference interpreter one process per script (given several, it
/// runs them as one script, whose module names clash), so its numbers are the sums of the CPU
/// and wall times and the largest peak RSS.
pub fn run_suite(name: &'static str, path: &Path, engine: &Path, reference: bool) -> Measure {
    let files =
        crate::script::run::files::collect_wast_files(&[path.to_path_buf()]).unwrap_or_default();
    let commands: Vec<Command> = if reference {
        files
            .iter()
            .map(|f| {
                let mut cmd = Command::new(engine);
                cmd.arg(f);
                cmd
            })
            .collect()
    } else {
        let mut cmd = Command::new(engine);
        cmd.args(["run", "--quiet"]).arg(path);
        vec![cmd]
    };
    let (mut ok, mut cpu, mut wall, mut peak_rss) = (true, Duration::ZERO, Duration::ZERO, 0);
    for cmd in commands {
        let (passed, c, w, p) = measure(cmd).unwrap_or((false, Duration::ZERO, Duration::ZERO, 0));
        ok &= passed;
        cpu += c;
        wall += w;
        peak_rss = peak_rss.max(p);
    }
    Measure {
        workload: name,
        engine: if reference { "reference" } else { "switchyard" }.to_string(),
        n: files.len() as u64,
        ok: ok && !files.is_empty(),
        cpu,
        wall,
        peak_rss,
    }
}

/// The script that runs workload `w` at size `n` and checks its result.
pub fn script(w: &Workload, n: u64) -> String {
    // The default fuel (3 x 10^9 steps) could end the biggest runs.
    format!(
        ";;! fuel = 1000000000000\n{}\n(assert_return (invoke \"run\" {}) (i32.const {}))\n",
        w.wat,
        (w.args)(n),
        (w.result)(n) as u32 as i32
    )
}

/// One run of one workload by one engine.
#[derive(Clone, Debug)]
pub struct Measure {
    pub workload: &'static str,
    pub engine: String,
    pub n: u64,
    /// The script passed (exit status 0).
    pub ok: bool,
    /// CPU time (user + system) of the child.
    pub cpu: Duration,
    pub wall: Duration,
    /// Peak resident set size (bytes).
    pub peak_rss: u64,
}

/// Runs `cmd` and polls its peak RSS and CPU time until it exits.
pub fn measure(mut cmd: Command) -> std::io::Result<(bool, Duration, Duration, u64)> {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let proc_dir = PathBuf::from(format!("/proc/{}", child.id()));
    let (mut peak, mut cpu) = (0, Duration::ZERO);
    loop {
        // Read before checking for the exit: once reaped, the numbers are gone.
        if let Some(kb) = status_kb(&proc_dir, "VmHWM:") {
            peak = peak.max(kb * 1024);
        }
        if let Some(t) = cpu_time(&proc_dir) {
            cpu = cpu.max(t);
        }
        if let Some(status) = child.try_wait()? {
            return Ok((status.success(), cpu, start.elapsed(), peak));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn status_kb(proc_dir: &Path, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(proc_dir.join("status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// User plus system time of a process (`stat` fields 14 and 15, in ticks of 1/100 s).
fn cpu_time(proc_dir: &Path) -> Option<Duration> {
    let stat = std::fs::read_to_string(proc_dir.join("stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs workload `w` at size `n` with `engine` (`switchyard`: `exe run -q`; otherwise the
/// reference interpreter at that path); the script goes to `dir`.
pub fn run(w: &Workload, n: u64, engine: &Path, reference: bool, dir: &Path) -> Measure {
    let file = dir.join(format!("{}-{n}.wast", w.name));
    let written = std::fs::write(&file, script(w, n));
    let mut cmd = Command::new(engine);
    if !reference {
        cmd.args(["run", "--quiet"]);
    }
    cmd.arg(&file);
    let measured = written.and_then(|()| measure(cmd));
    let _ = std::fs::remove_file(&file);
    let (ok, cpu, wall, peak_rss) = measured.unwrap_or((false, Duration::ZERO, Duration::ZERO, 0));
    Measure {
        workload: w.name,
        engine: if reference { "reference" } else { "switchyard" }.to_string(),
        n,
        ok,
        cpu,
        wall,
        peak_rss,
    }
}

/// The runs of `switchyard bench --gc`: Switchyard at each full size, then both engines at the
/// reference size (the reference only if `reference` is given). `progress` hears of each.
pub fn run_all(
    exe: &Path,
    reference: Option<&Path>,
    only: &[String],
    mut progress: impl FnMut(&Measure),
) -> Vec<Measure> {
    let dir = std::env::temp_dir();
    let mut out = Vec::new();
    for w in WORKLOADS
        .iter()
        .filter(|w| only.is_empty() || only.iter().any(|o| o == w.name))
    {
        let mut runs: Vec<(u64, &Path, bool)> = w.sizes.iter().map(|&n| (n, exe, false)).collect();
        if let Some(r) = reference {
            runs.push((w.reference_size, exe, false));
            runs.push((w.reference_size, r, true));
        }
        for (n, engine, is_ref) in runs {
            let m = run(w, n, engine, is_ref, &dir);
            progress(&m);
            out.push(m);
        }
    }
    let core = crate::script::run::expected::spec_tests_root().join("core");
    for (name, under) in SUITE_RUNS {
        if !(only.is_empty() || only.iter().any(|o| o == name)) || !core.is_dir() {
            continue;
        }
        let path = core.join(under);
        let mut engines = vec![(exe, false)];
        if let Some(r) = reference {
            engines.push((r, true));
        }
        for (engine, is_ref) in engines {
            let m = run_suite(name, &path, engine, is_ref);
            progress(&m);
            out.push(m);
        }
    }
    out
}

/// For each flat workload Switchyard ran at several sizes: its peak RSS at the smallest and the
/// largest, and their ratio (issue 14: flat memory means a ratio near 1 however long it runs).
pub fn flatness(ms: &[Measure]) -> String {
    let mut t = String::new();
    for w in WORKLOADS.iter().filter(|w| w.flat) {
        let runs: Vec<&Measure> = ms
            .iter()
            .filter(|m| m.workload == w.name && m.engine == "switchyard" && m.ok)
            .collect();
        let (Some(small), Some(big)) = (
            runs.iter().min_by_key(|m| m.n),
            runs.iter().max_by_key(|m| m.n),
        ) else {
            continue;
        };
        if small.n == big.n || small.peak_rss == 0 {
            continue;
        }
        let _ = writeln!(
            t,
            "{}: peak RSS {:.1} MB at n={} and {:.1} MB at n={} ({}x the work): ratio {:.2}",
            w.name,
            small.peak_rss as f64 / 1e6,
            small.n,
            big.peak_rss as f64 / 1e6,
            big.n,
            big.n / small.n.max(1),
            big.peak_rss as f64 / small.peak_rss as f64
        );
    }
    t
}

/// The table of `switchyard bench --gc`.
pub fn render_table(ms: &[Measure]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<11} {:<11} {:>11} {:>6} {:>9} {:>9} {:>8}",
        "workload", "engine", "n", "passed", "cpu s", "wall s", "peak MB"
    );
    for m in ms {
        let _ = writeln!(
            t,
            "{:<11} {:<11} {:>11} {:>6} {:>9.2} {:>9.2} {:>8.1}",
            m.workload,
            m.engine,
            m.n,
            if m.ok { "yes" } else { "NO" },
            m.cpu.as_secs_f64(),
            m.wall.as_secs_f64(),
            m.peak_rss as f64 / 1e6
        );
    }
    t.push_str(&flatness(ms));
    t
}

/// The runs as JSON.
pub fn to_json(ms: &[Measure]) -> String {
    let rows: Vec<String> = ms
        .iter()
        .map(|m| {
            format!(
                "  {{\"workload\": \"{}\", \"engine\": \"{}\", \"n\": {}, \"passed\": {}, \
                 \"cpu_s\": {:.3}, \"wall_s\": {:.3}, \"peak_rss_bytes\": {}}}",
                m.workload,
                m.engine,
                m.n,
                m.ok,
                m.cpu.as_secs_f64(),
                m.wall.as_secs_f64(),
                m.peak_rss
            )
        })
        .collect();
    format!("[\n{}\n]\n", rows.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::Design;
    use crate::script::run::{run_source, RunOptions, Status};

    /// Every workload's script passes at a small size, with collection at every allocation.
    #[test]
    fn workloads_pass_at_small_sizes() {
        for w in &WORKLOADS {
            let src = script(w, 1_000);
            let options = RunOptions {
                design: Some(Design::TypedCont),
                gc_stress: true,
                ..RunOptions::default()
            };
            let report = run_source(Path::new("gc-bench.wast"), &src, &options);
            assert!(
                report.outcomes.iter().all(|o| o.status == Status::Passed),
                "{}: {:?}",
                w.name,
                report.outcomes
            );
        }
    }
}
