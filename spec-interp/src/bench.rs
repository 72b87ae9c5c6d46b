//! Benchmarks (issues 3 and 17): the cost of a suspend/resume round trip and of a `switch`
//! (typed-cont), of a `perform`/`continue` round trip (effect-handlers) and of a `stack.switch`
//! (raw-stacks), at stack depths 10 and 10,000 and with 10 and 100,000 live continuations, next
//! to the cost of a plain call and of one instruction of a plain compute loop.
//!
//! Each benchmark is a Wasm program of `testsuite/bench/` (embedded here) with one export
//! `run depth n live`. A case runs it twice in a fresh store, with `n = 0` (the setup only:
//! parking the live continuations, recursing to the depth) and with `n = N`; the cost of one
//! operation is the difference divided by the number of operations, so the setup does not count.
//! `switchyard bench` runs every case in a child process so that each has its own peak RSS.
//! Results and the targets they are held to are in `docs/performance.md`.

use std::fmt::Write as _;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::design::Design;
use crate::diag::{Error, Result};
use crate::exec::store::ContSlot;
use crate::exec::thread::{Frame, Label, Segment};
use crate::exec::{self, Config, ExternVal, Store};
use crate::runtime::{Ref, Val};

/// The benchmark programs.
pub const RESUME_WAT: &str = include_str!("../../testsuite/bench/resume.wat");
pub const SWITCH_WAT: &str = include_str!("../../testsuite/bench/switch.wat");
pub const CALL_WAT: &str = include_str!("../../testsuite/bench/call.wat");
pub const PERFORM_WAT: &str = include_str!("../../testsuite/bench/perform.wat");
pub const STACK_SWITCH_WAT: &str = include_str!("../../testsuite/bench/stack-switch.wat");
pub const COMPUTE_WAT: &str = include_str!("../../testsuite/bench/compute.wat");

/// What a benchmark measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A plain call and return of a leaf function (the baseline).
    Call,
    /// A `suspend` caught by the resumer's handler plus the `resume` that continues it.
    Resume,
    /// One `switch` from a continuation to another.
    Switch,
    /// effect-handlers: a `perform` caught by the handle's clause plus the `continue` that ends
    /// the clause.
    Perform,
    /// raw-stacks: one `stack.switch` from a stack to another.
    StackSwitch,
    /// One instruction of a loop of `i32.add`s (no calls, no switching).
    Compute,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Call => "call",
            Kind::Resume => "resume",
            Kind::Switch => "switch",
            Kind::Perform => "perform",
            Kind::StackSwitch => "stack.switch",
            Kind::Compute => "compute",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }

    pub const ALL: [Kind; 6] = [
        Kind::Call,
        Kind::Resume,
        Kind::Switch,
        Kind::Perform,
        Kind::StackSwitch,
        Kind::Compute,
    ];

    /// The design the program is written for.
    pub fn design(self) -> Design {
        match self {
            Kind::Perform => Design::EffectHandlers,
            Kind::StackSwitch => Design::RawStacks,
            _ => Design::TypedCont,
        }
    }

    /// What one operation is.
    pub fn operation(self) -> &'static str {
        match self {
            Kind::Call => "call + return",
            Kind::Resume => "suspend/resume round trip",
            Kind::Switch => "switch",
            Kind::Perform => "perform/continue round trip",
            Kind::StackSwitch => "stack.switch",
            Kind::Compute => "instruction (i32.add loop)",
        }
    }

    pub fn source(self) -> &'static str {
        match self {
            Kind::Call => CALL_WAT,
            Kind::Resume => RESUME_WAT,
            Kind::Switch => SWITCH_WAT,
            Kind::Perform => PERFORM_WAT,
            Kind::StackSwitch => STACK_SWITCH_WAT,
            Kind::Compute => COMPUTE_WAT,
        }
    }

    /// Operations per unit of `n` (the switch program switches there and back).
    fn ops_per_n(self) -> u64 {
        match self {
            Kind::Switch | Kind::StackSwitch => 2,
            // The loop's 12 instructions per iteration (compute.wat).
            Kind::Compute => 12,
            _ => 1,
        }
    }
}

/// One benchmark: a program with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Case {
    pub kind: Kind,
    /// Frames on the stack where the operations happen.
    pub depth: u32,
    /// Continuations kept suspended meanwhile.
    pub live: u32,
    /// Repetitions (`n` of the program).
    pub n: u32,
}

impl Case {
    /// `resume/d10/l100000`.
    pub fn name(&self) -> String {
        match self.kind {
            Kind::Call => format!("call/d{}", self.depth),
            Kind::Compute => "compute".to_string(),
            k => format!("{}/d{}/l{}", k.name(), self.depth, self.live),
        }
    }
}

/// The cases of `switchyard bench`: the compute loop (`n` iterations, 12 instructions each),
/// calls at both depths, then each design's switching operations at both depths
/// with both numbers of live continuations.
pub fn default_cases(n: u32) -> Vec<Case> {
    let mut cases = vec![Case {
        kind: Kind::Compute,
        depth: 0,
        live: 0,
        n,
    }];
    for depth in [10, 10_000] {
        cases.push(Case {
            kind: Kind::Call,
            depth,
            live: 0,
            n,
        });
    }
    for kind in [Kind::Resume, Kind::Switch, Kind::Perform, Kind::StackSwitch] {
        for live in [10, 100_000] {
            for depth in [10, 10_000] {
                cases.push(Case {
                    kind,
                    depth,
                    live,
                    n,
                });
            }
        }
    }
    cases
}

/// One run of a program.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Run {
    /// Wall-clock time of the invocation.
    pub time: Duration,
    /// CPU time of the thread during the invocation (Linux schedstat), if readable: on a
    /// shared machine the wall time also counts waiting for a core.
    pub cpu: Option<Duration>,
    pub steps: u64,
    pub switches: u64,
    pub peak_depth: usize,
    pub peak_live: usize,
    /// Bytes the store holds for continuations and tables after the run (its own accounting).
    pub store_bytes: usize,
    /// Peak RSS of the process during the run (VmHWM, reset before the run), if readable.
    pub peak_rss: Option<u64>,
}

/// A case's result: the run with `n = 0` and the one with `n = N`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    pub case: Case,
    pub setup: Run,
    pub full: Run,
}

impl Outcome {
    pub fn ops(&self) -> u64 {
        self.case.n as u64 * self.case.kind.ops_per_n()
    }

    /// Nanoseconds of CPU time per operation; wall time where CPU time is not readable, or
    /// where the run is too short for it (`CPU_RESOLVED`).
    pub fn ns_per_op(&self) -> f64 {
        let t = match (self.full.cpu, self.setup.cpu) {
            (Some(f), Some(s)) if self.full.time >= CPU_RESOLVED => f.saturating_sub(s),
            _ => self.full.time.saturating_sub(self.setup.time),
        };
        t.as_nanos() as f64 / self.ops().max(1) as f64
    }

    /// Nanoseconds of wall-clock time per operation.
    pub fn wall_ns_per_op(&self) -> f64 {
        let t = self.full.time.saturating_sub(self.setup.time);
        t.as_nanos() as f64 / self.ops().max(1) as f64
    }

    pub fn steps_per_op(&self) -> f64 {
        (self.full.steps - self.setup.steps.min(self.full.steps)) as f64 / self.ops().max(1) as f64
    }

    /// Peak RSS growth of the full run over the setup run (what the operations add).
    pub fn rss_growth(&self) -> Option<i64> {
        Some(self.full.peak_rss? as i64 - self.setup.peak_rss? as i64)
    }
}

/// The bytes the store holds for continuations (slots, segments and everything in them) and
/// for table elements: a deterministic measure of the memory live continuations take.
pub fn store_bytes(s: &Store) -> usize {
    use std::mem::size_of;
    let conts = &s.conts;
    let mut n = conts.slots.capacity() * size_of::<ContSlot>()
        + conts.free.capacity() * size_of::<crate::runtime::Addr>();
    for slot in &conts.slots {
        if let Some(k) = &slot.cont {
            n += k.segs.vec_capacity() * size_of::<Box<Segment>>()
                + k.segs.len() * size_of::<Segment>();
            for sg in k.segs.iter() {
                n += sg.vals.capacity() * size_of::<Val>()
                    + sg.locals.capacity() * size_of::<Val>()
                    + sg.labels.capacity() * size_of::<Label>()
                    + sg.frames.capacity() * size_of::<Frame>();
            }
        }
    }
    for t in &s.tables {
        n += t.elems.capacity() * size_of::<Ref>();
    }
    n
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The shortest run whose CPU time is used: the kernel adds to a thread's CPU time at
/// scheduler ticks (a few ms), so a shorter run may read 0; it is timed by the wall clock.
pub const CPU_RESOLVED: Duration = Duration::from_millis(200);

/// CPU time this thread has run (the first field of `/proc/thread-self/schedstat`, in ns; the
/// kernel updates it at scheduler ticks, so it lags by a few ms at most).
fn thread_cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Resets the process's peak RSS to its current RSS (Linux `clear_refs` 5); false if not
/// possible.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The process's peak RSS in bytes (VmHWM).
pub fn peak_rss() -> Option<u64> {
    status_kb("VmHWM:").map(|kb| kb * 1024)
}

/// Parses, validates and instantiates a benchmark program; returns the store and `run`.
pub fn load(kind: Kind, config: Config) -> Result<(Store, u32)> {
    let module = crate::text::parse_module(kind.source(), kind.design())?;
    crate::valid::validate_module(&module, kind.design())?;
    let mut store = Store::new(Config {
        design: kind.design(),
        ..config
    });
    let inst = exec::instantiate(&mut store, Rc::new(module), &[])?;
    match store.export(inst, "run") {
        Some(ExternVal::Func(f)) => Ok((store, f)),
        _ => Err(Error::crash("benchmark program without a `run` export")),
    }
}

/// The configuration benchmarks run under: the defaults, without a fuel limit.
pub fn bench_config() -> Config {
    Config {
        fuel: None,
        ..Config::default()
    }
}

/// Runs `kind`'s program once with `depth`, `n`, `live` in a fresh store.
pub fn run_once(kind: Kind, depth: u32, n: u32, live: u32) -> Result<Run> {
    let (mut store, f) = load(kind, bench_config())?;
    let args = vec![
        Val::I32(depth as i32),
        Val::I32(n as i32),
        Val::I32(live as i32),
    ];
    let rss_ok = reset_peak_rss();
    let cpu_start = thread_cpu_time();
    let start = Instant::now();
    let results = exec::invoke(&mut store, f, args)?;
    let time = start.elapsed();
    let cpu = match (cpu_start, thread_cpu_time()) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a)),
        _ => None,
    };
    let peak_rss = if rss_ok { peak_rss() } else { None };
    if results != vec![Val::I32(n as i32)] {
        return Err(Error::crash(format!(
            "{} returned {results:?}, expected {n}",
            kind.name()
        )));
    }
    Ok(Run {
        time,
        cpu,
        steps: store.counters.steps,
        switches: store.counters.switches,
        peak_depth: store.counters.peak_depth,
        peak_live: store.counters.peak_live_conts,
        store_bytes: store_bytes(&store),
        peak_rss,
    })
}

/// Runs a case in this process. A first setup run warms the allocator up, so that the peak RSS
/// of the measured setup run and of the full run differ only by what the operations add.
pub fn run_case(case: Case) -> Result<Outcome> {
    run_once(case.kind, case.depth, 0, case.live)?;
    let setup = run_once(case.kind, case.depth, 0, case.live)?;
    let full = run_once(case.kind, case.depth, case.n, case.live)?;
    Ok(Outcome { case, setup, full })
}

// ---------------------------------------------------------------------------------------------
// Child processes: one per case, so that each has its own peak RSS. The child prints one line.

/// The line a child prints for its outcome (`key=value` fields).
pub fn outcome_line(o: &Outcome) -> String {
    let run = |r: &Run, p: &str| {
        format!(
            "{p}time_ns={} {p}cpu_ns={} {p}steps={} {p}switches={} {p}peak_depth={} {p}peak_live={} \
             {p}store_bytes={} {p}peak_rss={}",
            r.time.as_nanos(),
            r.cpu.map_or(-1, |c| c.as_nanos() as i64),
            r.steps,
            r.switches,
            r.peak_depth,
            r.peak_live,
            r.store_bytes,
            r.peak_rss.map_or(-1, |x| x as i64)
        )
    };
    format!(
        "kind={} depth={} live={} n={} {} {}",
        o.case.kind.name(),
        o.case.depth,
        o.case.live,
        o.case.n,
        run(&o.setup, "setup_"),
        run(&o.full, "full_")
    )
}

/// Parses an `outcome_line`.
pub fn parse_outcome_line(line: &str) -> Option<Outcome> {
    let field = |key: &str| -> Option<&str> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
    };
    let num = |key: &str| -> Option<i128> { field(key)?.parse().ok() };
    let kind = Kind::from_name(field("kind")?)?;
    let run = |p: &str| -> Option<Run> {
        let rss = num(&format!("{p}peak_rss"))?;
        let cpu = num(&format!("{p}cpu_ns"))?;
        Some(Run {
            time: Duration::from_nanos(num(&format!("{p}time_ns"))? as u64),
            cpu: (cpu >= 0).then(|| Duration::from_nanos(cpu as u64)),
            steps: num(&format!("{p}steps"))? as u64,
            switches: num(&format!("{p}switches"))? as u64,
            peak_depth: num(&format!("{p}peak_depth"))? as usize,
            peak_live: num(&format!("{p}peak_live"))? as usize,
            store_bytes: num(&format!("{p}store_bytes"))? as usize,
            peak_rss: (rss >= 0).then_some(rss as u64),
        })
    };
    Some(Outcome {
        case: Case {
            kind,
            depth: num("depth")? as u32,
            live: num("live")? as u32,
            n: num("n")? as u32,
        },
        setup: run("setup_")?,
        full: run("full_")?,
    })
}

/// Runs a case in a child process (`switchyard bench --case NAME --n N --line`).
pub fn run_case_isolated(exe: &std::path::Path, case: Case) -> Result<Outcome> {
    let out = std::process::Command::new(exe)
        .args(["bench", "--line", "--n", &case.n.to_string(), "--case"])
        .arg(case.name())
        .output()
        .map_err(|e| Error::crash(format!("cannot run {}: {e}", exe.display())))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout.lines().find_map(parse_outcome_line).ok_or_else(|| {
        Error::crash(format!(
            "benchmark {} failed: {}",
            case.name(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// Reports.

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// The ns per call at the same depth, for the "x call" column.
fn call_cost(outcomes: &[Outcome], depth: u32) -> Option<f64> {
    outcomes
        .iter()
        .find(|o| o.case.kind == Kind::Call && o.case.depth == depth)
        .map(Outcome::ns_per_op)
}

/// A text table, one line per case. `ns/op` is CPU time (wall time when not readable),
/// `x call` compares it with a call at the same depth, `+MB by n` is the peak RSS the operations
/// add over the setup run, `store MB` the store's own accounting after the run.
pub fn render_table(outcomes: &[Outcome]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<28} {:>9} {:>7} {:>9} {:>8} {:>7} {:>8} {:>8} {:>8} {:>9} {:>9}",
        "case",
        "ops",
        "frames",
        "ns/op",
        "wall ns",
        "x call",
        "steps/op",
        "total s",
        "peak MB",
        "+MB by n",
        "store MB"
    );
    for o in outcomes {
        let ns = o.ns_per_op();
        let ratio = match call_cost(outcomes, o.case.depth) {
            Some(c) if c > 0.0 => format!("{:.2}", ns / c),
            _ => "-".into(),
        };
        let peak = o
            .full
            .peak_rss
            .map_or("-".into(), |b| format!("{:.1}", mb(b)));
        let growth = o
            .rss_growth()
            .map_or("-".into(), |b| format!("{:+.1}", b as f64 / 1e6));
        let total = match o.full.cpu {
            Some(cpu) if o.full.time >= CPU_RESOLVED => cpu,
            _ => o.full.time,
        }
        .as_secs_f64();
        let _ = writeln!(
            t,
            "{:<28} {:>9} {:>7} {:>9.1} {:>8.1} {:>7} {:>8.1} {:>8.3} {:>8} {:>9} {:>9.1}",
            o.case.name(),
            o.ops(),
            o.full.peak_depth,
            ns,
            o.wall_ns_per_op(),
            ratio,
            o.steps_per_op(),
            total,
            peak,
            growth,
            mb(o.full.store_bytes as u64)
        );
    }
    t
}

/// The outcomes as JSON: `{"build": .., "cases": [{..}, ..]}`.
pub fn to_json(outcomes: &[Outcome]) -> String {
    let run = |r: &Run| {
        format!(
            "{{\"time_ns\": {}, \"cpu_ns\": {}, \"steps\": {}, \"switches\": {}, \"peak_depth\": {}, \
             \"peak_live_conts\": {}, \"store_bytes\": {}, \"peak_rss_bytes\": {}}}",
            r.time.as_nanos(),
            r.cpu.map_or("null".into(), |c| c.as_nanos().to_string()),
            r.steps,
            r.switches,
            r.peak_depth,
            r.peak_live,
            r.store_bytes,
            r.peak_rss.map_or("null".into(), |b| b.to_string())
        )
    };
    let mut j = String::new();
    let _ = write!(
        j,
        "{{\"build\": \"{}\", \"cases\": [",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    for (i, o) in outcomes.iter().enumerate() {
        let _ = write!(
            j,
            "{}\n  {{\"name\": \"{}\", \"kind\": \"{}\", \"operation\": \"{}\", \"depth\": {}, \
             \"live\": {}, \"n\": {}, \"ops\": {}, \"ns_per_op\": {:.2}, \"wall_ns_per_op\": {:.2}, \"steps_per_op\": {:.2}, \
             \"call_ns_per_op\": {}, \"rss_growth_bytes\": {}, \"setup\": {}, \"full\": {}}}",
            if i == 0 { "" } else { "," },
            o.case.name(),
            o.case.kind.name(),
            o.case.kind.operation(),
            o.case.depth,
            o.case.live,
            o.case.n,
            o.ops(),
            o.ns_per_op(),
            o.wall_ns_per_op(),
            o.steps_per_op(),
            call_cost(outcomes, o.case.depth).map_or("null".into(), |c| format!("{c:.2}")),
            o.rss_growth().map_or("null".into(), |b| b.to_string()),
            run(&o.setup),
            run(&o.full)
        );
    }
    j.push_str("\n]}\n");
    j
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    /// A run too short for the CPU time's resolution is timed by the wall clock; a long one by
    /// its CPU time.
    #[test]
    fn short_runs_are_timed_by_the_wall_clock() {
        let run = |ms: u64, cpu_ms: u64| Run {
            time: Duration::from_millis(ms),
            cpu: Some(Duration::from_millis(cpu_ms)),
            steps: 0,
            switches: 0,
            peak_depth: 0,
            peak_live: 0,
            store_bytes: 0,
            peak_rss: None,
        };
        let case = default_cases(1000)[0];
        let short = Outcome {
            case,
            setup: run(0, 0),
            full: run(12, 0),
        };
        assert_eq!(short.ns_per_op(), 12e6 / short.ops() as f64);
        let long = Outcome {
            case,
            setup: run(0, 0),
            full: run(1200, 1000),
        };
        assert_eq!(long.ns_per_op(), 1e9 / long.ops() as f64);
    }

    #[test]
    fn programs_load_and_return_n() {
        for kind in Kind::ALL {
            let r = run_once(kind, 10, 5, 3).unwrap();
            assert!(r.steps > 0, "{kind:?}");
        }
    }

    /// Steps and stack switches per 100 repetitions (round trips, or pairs of switches), from
    /// runs with 100 and 200 repetitions (the difference leaves the setup out). The programs
    /// repeat the operation ten times to an iteration of their loops, so the loops' steps
    /// come in whole per 100.
    fn per_op(kind: Kind, depth: u32, live: u32) -> (u64, u64) {
        let a = run_once(kind, depth, 100, live).unwrap();
        let b = run_once(kind, depth, 200, live).unwrap();
        (b.steps - a.steps, b.switches - a.switches)
    }

    /// Not timed: the work of a round trip and of a switch, in reduction steps and in segment
    /// moves, is the same at depth 10 and 10,000 and with 1 or 1,000 live continuations.
    #[test]
    fn cost_per_operation_does_not_depend_on_depth_or_live_continuations() {
        for kind in [Kind::Resume, Kind::Switch, Kind::Perform, Kind::StackSwitch] {
            let shallow = per_op(kind, 10, 1);
            assert_eq!(per_op(kind, 10_000, 1), shallow, "{kind:?}");
            assert_eq!(per_op(kind, 10, 1_000), shallow, "{kind:?}");
        }
        // 100 round trips: 100 x (`suspend`, the handler's `block`, `resume`) and the two
        // loops' 10 x (5 + 1) steps; 200 segment moves.
        assert_eq!(per_op(Kind::Resume, 10, 1), (360, 200));
        // 100 pairs of switches: 200 `switch`es and the two loops' 10 x (5 + 1) steps.
        assert_eq!(per_op(Kind::Switch, 10, 1), (260, 200));
    }

    /// The default fuel lets 100 million round trips of each design finish (issue 17), with
    /// room (half as many steps again) for the code around them.
    #[test]
    fn default_fuel_allows_a_hundred_million_round_trips() {
        let fuel = Config::default().fuel.expect("a default fuel");
        for kind in [Kind::Resume, Kind::Perform, Kind::Switch, Kind::StackSwitch] {
            let steps = per_op(kind, 10, 1).0.div_ceil(100);
            assert!(
                100_000_000 * steps * 3 / 2 <= fuel,
                "{kind:?}: {steps} steps per operation"
            );
        }
    }

    /// A generator `depth` frames deep, kept suspended in a global between invocations.
    const GENERATOR_WAT: &str = r#"
      (module
        (type $f (func))
        (type $k (cont $f))
        (tag $yield)
        (global $depth (mut i32) (i32.const 0))
        (global $g (mut (ref null $k)) (ref.null $k))
        (elem declare func $start)
        (func $body (loop $l (suspend $yield) (br $l)))
        (func $deep (param $d i32)
          (if (i32.le_s (local.get $d) (i32.const 1))
            (then (call $body))
            (else (call $deep (i32.sub (local.get $d) (i32.const 1))))))
        (func $start (call $deep (i32.sub (global.get $depth) (i32.const 2))))
        (func $resume (param $c (ref null $k))
          (global.set $g
            (block $h (result (ref $k))
              (resume $k (on $yield $h) (local.get $c))
              (unreachable))))
        (func (export "start") (param $depth i32)
          (global.set $depth (local.get $depth))
          (call $resume (cont.new $k (ref.func $start))))
        (func (export "step") (param $n i32)
          (loop $l
            (call $resume (global.get $g))
            (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
    "#;

    /// The frame buffer of the one live continuation: (address, capacity, length).
    fn frames_of_live_continuation(s: &Store) -> (usize, usize, usize) {
        let live: Vec<_> = s
            .conts
            .slots
            .iter()
            .filter_map(|k| k.cont.as_ref())
            .collect();
        assert_eq!(live.len(), 1);
        let frames = &live[0].segs.last().unwrap().frames;
        (frames.as_ptr() as usize, frames.capacity(), frames.len())
    }

    /// Not timed: suspending and resuming a continuation 10,000 frames deep moves its frames,
    /// never copies them (the frame buffer stays the same allocation), and round trips do not
    /// make the store grow.
    #[test]
    fn round_trips_move_the_stack_and_do_not_grow_the_store() {
        let module = crate::text::parse_module(GENERATOR_WAT, Design::TypedCont).unwrap();
        crate::valid::validate_module(&module, Design::TypedCont).unwrap();
        let mut s = Store::new(bench_config());
        let inst = exec::instantiate(&mut s, Rc::new(module), &[]).unwrap();
        let func = |s: &Store, name| match s.export(inst, name) {
            Some(ExternVal::Func(f)) => f,
            _ => panic!("no export {name}"),
        };
        let (start, step) = (func(&s, "start"), func(&s, "step"));
        exec::invoke(&mut s, start, vec![Val::I32(10_000)]).unwrap();
        let frames = frames_of_live_continuation(&s);
        assert_eq!(frames.2, 10_000);
        exec::invoke(&mut s, step, vec![Val::I32(10)]).unwrap();
        let bytes = store_bytes(&s);
        let slots = s.conts.slots.len();
        exec::invoke(&mut s, step, vec![Val::I32(1_000)]).unwrap();
        assert_eq!(frames_of_live_continuation(&s), frames);
        assert_eq!((store_bytes(&s), s.conts.slots.len()), (bytes, slots));
        assert_eq!(s.live_conts(), 1);
    }

    /// Not timed: 100,000 live continuations stay below 1 KiB each (100 MB is the target for
    /// all of them) by the store's own accounting.
    #[test]
    fn hundred_thousand_live_continuations_fit_the_budget() {
        let r = run_once(Kind::Resume, 10, 0, 100_000).unwrap();
        assert_eq!(r.peak_live, 100_001);
        assert!(
            r.store_bytes < 100_000 * 1024,
            "{} bytes for 100,000 continuations",
            r.store_bytes
        );
    }

    #[test]
    fn outcome_line_round_trips() {
        let run = Run {
            time: Duration::from_nanos(123),
            cpu: Some(Duration::from_nanos(100)),
            steps: 4,
            switches: 5,
            peak_depth: 6,
            peak_live: 7,
            store_bytes: 8,
            peak_rss: None,
        };
        let o = Outcome {
            case: Case {
                kind: Kind::Switch,
                depth: 10,
                live: 100_000,
                n: 9,
            },
            setup: run,
            full: Run {
                peak_rss: Some(1 << 20),
                ..run
            },
        };
        assert_eq!(parse_outcome_line(&outcome_line(&o)), Some(o));
    }
}
