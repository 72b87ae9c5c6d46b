//! Robustness: bad input gets an `Error` with a span, never a panic, a hang or a host stack
//! overflow; resource use is bounded and reported as exhaustion (or a trap, or a failed grow).
//!
//! Two parts:
//! - seeded mutation fuzzing of the `.wast` scripts (text) and of module encodings (binary),
//!   run under every design with small budgets. `fuzz_quick` runs in the normal test profile in
//!   a few seconds; `fuzz_long` (ignored) runs much longer: `ROBUST_CASES=N ROBUST_SEED=S
//!   cargo test --test robustness -- --ignored fuzz_long`.
//! - targeted resource tests (huge grows, huge allocations, deep nesting, deep recursion,
//!   unbounded continuation creation), each expecting a clean error or the spec's failure value.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::mpsc;
use std::sync::Once;
use std::time::{Duration, Instant};

use switchyard::design::Design;
use switchyard::diag::{Error, ErrorKind, Result};
use switchyard::exec::{Config, ExternVal};
use switchyard::runtime::{Addr, Ref, Val};
use switchyard::script::run::expected::{bundled_suite, spec_tests_root};
use switchyard::script::run::{
    report, run_file, run_script, run_source, Engine, RunOptions, Switchyard,
};
use switchyard::script::{CommandKind, Instantiation, ModuleSource};
use switchyard::syntax::{AbsHeapType, Module, ValType};
use switchyard::text;

// ---------------------------------------------------------------------------------------------
// Harness: panics are recorded per thread (the runner catches them, we still want to see them),
// every case runs on a worker thread with a modest stack and a watchdog.

thread_local! {
    static PANICS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static RECORDING: RefCell<bool> = const { RefCell::new(false) };
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if RECORDING.with(|r| *r.borrow()) {
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
                    s.to_string()
                } else if let Some(s) = info.payload().downcast_ref::<String>() {
                    s.clone()
                } else {
                    "panic".to_string()
                };
                PANICS.with(|p| p.borrow_mut().push(format!("panic: {msg}{at}")));
            } else {
                default(info);
            }
        }));
    });
}

/// The stack of a case's thread: far below the CLI's 256 MiB, so that recursion proportional
/// to the input shows up.
const CASE_STACK: usize = 8 << 20;
/// A case slower than this is a bug (a hang, or work not bounded by the budgets).
const CASE_SLOW: Duration = Duration::from_secs(5);
/// After this the case's thread is abandoned and the case reported as a hang.
const CASE_TIMEOUT: Duration = Duration::from_secs(20);

/// Runs `case` on a fresh thread; returns the bugs it found (panics, crashes, missing spans,
/// slowness, hangs).
fn run_case(case: impl FnOnce(&mut Vec<String>) + Send + 'static) -> Vec<String> {
    run_case_within(CASE_SLOW, CASE_TIMEOUT, case)
}

/// `run_case` with other time limits.
fn run_case_within(
    slow: Duration,
    timeout: Duration,
    case: impl FnOnce(&mut Vec<String>) + Send + 'static,
) -> Vec<String> {
    install_panic_hook();
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let spawned = std::thread::Builder::new()
        .stack_size(CASE_STACK)
        .spawn(move || {
            RECORDING.with(|r| *r.borrow_mut() = true);
            let mut bugs = Vec::new();
            let outer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(&mut bugs)));
            let _ = outer;
            PANICS.with(|p| bugs.extend(p.borrow_mut().drain(..)));
            let _ = tx.send(bugs);
        })
        .expect("spawn a case thread");
    match rx.recv_timeout(timeout) {
        Ok(mut bugs) => {
            let _ = spawned.join();
            if start.elapsed() > slow {
                bugs.push(format!("slow: {:?}", start.elapsed()));
            }
            bugs
        }
        Err(_) => vec![format!("hang: no result after {timeout:?}")],
    }
}

/// How far cases got: parsed, validated, instantiated, invoked (to see that the fuzzing reaches
/// execution at all).
static REACHED: [AtomicUsize; 5] = [const { AtomicUsize::new(0) }; 5];

fn reached(stage: usize) {
    REACHED[stage].fetch_add(1, Relaxed);
}

fn small_config(design: Design) -> Config {
    Config {
        design,
        max_call_depth: 2_000,
        fuel: Some(50_000),
        max_live_conts: 2_000,
        // Every allocation is followed by a collection: a missed root shows up as a crash.
        gc_stress: true,
        ..Config::default()
    }
}

/// Switchyard with checks on every error it returns: a `Crash` is a bug, and so is a malformed
/// or invalid module without a span.
struct Checked {
    inner: Switchyard,
    bugs: Vec<String>,
}

impl Checked {
    fn new(config: Config) -> Checked {
        Checked {
            inner: Switchyard::new(config),
            bugs: Vec::new(),
        }
    }

    fn check<T>(&mut self, stage: &str, r: Result<T>) -> Result<T> {
        if let Err(e) = &r {
            check_error(stage, e, &mut self.bugs);
        }
        r
    }
}

fn check_error(stage: &str, e: &Error, bugs: &mut Vec<String>) {
    match e.kind {
        ErrorKind::Crash => bugs.push(format!("{stage}: {e}")),
        ErrorKind::Malformed | ErrorKind::Invalid if e.span.is_none() => {
            bugs.push(format!("{stage}: no span on {e}"))
        }
        _ => {}
    }
}

impl Engine for Checked {
    type Module = Rc<Module>;
    type Instance = Addr;

    fn parse(&mut self, source: &ModuleSource) -> Result<Rc<Module>> {
        let r = self.inner.parse(source);
        if r.is_ok() {
            reached(0);
        }
        self.check("parse", r)
    }
    fn validate(&mut self, module: &Rc<Module>) -> Result<()> {
        let r = self.inner.validate(module);
        if r.is_ok() {
            reached(1);
        }
        self.check("validate", r)
    }
    fn instantiate(
        &mut self,
        module: &Rc<Module>,
        resolve: &dyn Fn(&str) -> Option<Addr>,
    ) -> Result<Addr> {
        let r = self.inner.instantiate(module, resolve);
        if r.is_ok() {
            reached(2);
        }
        self.check("instantiate", r)
    }
    fn invoke(&mut self, instance: Addr, name: &str, args: Vec<Val>) -> Result<Vec<Val>> {
        let r = self.inner.invoke(instance, name, args);
        if r.is_ok() {
            reached(3);
        }
        self.check("invoke", r)
    }
    fn get(&mut self, instance: Addr, name: &str) -> Result<Val> {
        let r = self.inner.get(instance, name);
        self.check("get", r)
    }
    fn host_instances(&mut self) -> Result<Vec<(String, Addr)>> {
        let r = self.inner.host_instances();
        self.check("host", r)
    }
}

/// Parses and runs a script under `design` with small budgets; records bugs.
fn run_text(src: &str, design: Design, trace: bool, bugs: &mut Vec<String>) {
    let script = match text::parse_script(src, design) {
        Ok(script) => {
            reached(4);
            script
        }
        Err(e) => {
            if e.span.is_none() {
                bugs.push(format!("parse_script: no span on {e}"));
            }
            check_error("parse_script", &e, bugs);
            return;
        }
    };
    let mut engine = Checked::new(small_config(design));
    if trace {
        // the trace formats every configuration: collected, not printed
        engine
            .inner
            .store
            .capture_trace(switchyard::exec::trace::TraceOptions::default());
    }
    let outcomes = run_script(&mut engine, &script, src);
    bugs.append(&mut engine.bugs);
    for o in outcomes {
        if o.actual.starts_with("crash") {
            bugs.push(format!("line {}: {}", o.line, o.actual));
        }
    }
}

/// Runs a script the way `switchyard run` does (header lines set small budgets), and renders
/// its failures and its JSON report; records bugs.
fn run_cli(src: &str, design: Design, bugs: &mut Vec<String>) {
    let src = format!(";;! fuel = 50000\n;;! call-depth = 2000\n{src}");
    let options = RunOptions {
        design: Some(design),
        ..RunOptions::default()
    };
    let report = run_source(Path::new("fuzz.wast"), &src, &options);
    for o in &report.outcomes {
        if o.actual.starts_with("crash") {
            bugs.push(format!("cli line {}: {}", o.line, o.actual));
        }
    }
    let _ = report::render_failures(&report, false);
    let _ = report::render_failures(&report, true);
    let _ = report::to_json(std::slice::from_ref(&report), report.tally());
}

/// Decodes, validates, instantiates (imports from `spectest` only) and invokes every exported
/// function with zero arguments, under small budgets; records bugs.
fn run_binary(bytes: &[u8], design: Design, bugs: &mut Vec<String>) {
    let mut e = Checked::new(small_config(design));
    let hosts = match e.host_instances() {
        Ok(hosts) => hosts,
        Err(err) => {
            bugs.push(format!("spectest: {err}"));
            return;
        }
    };
    let spectest = hosts[0].1;
    let run = |e: &mut Checked| -> Result<()> {
        let m = e.parse(&ModuleSource::Binary(bytes.to_vec()))?;
        e.validate(&m)?;
        let inst = e.instantiate(&m, &|name| (name == "spectest").then_some(spectest))?;
        for (name, ev) in e.inner.store.exports(inst) {
            let ExternVal::Func(f) = ev else { continue };
            let Some(ft) = e.inner.store.func_type(f) else {
                continue;
            };
            // A null of each bottom type in turn, until the arguments are accepted.
            for bottom in [
                AbsHeapType::None,
                AbsHeapType::NoFunc,
                AbsHeapType::NoExtern,
                AbsHeapType::NoExn,
                AbsHeapType::NoCont,
                AbsHeapType::NoStack,
            ] {
                let args = ft.params.iter().map(|t| zero(t, bottom)).collect();
                let r = e.invoke(inst, &name, args);
                let retry = matches!(&r, Err(err) if err.kind == ErrorKind::Script);
                let has_refs = ft.params.iter().any(|t| matches!(t, ValType::Ref(_)));
                if !retry || !has_refs {
                    break;
                }
            }
        }
        Ok(())
    };
    let _ = run(&mut e);
    bugs.append(&mut e.bugs);
}

fn zero(t: &ValType, bottom: AbsHeapType) -> Val {
    match t {
        ValType::I32 => Val::I32(0),
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        ValType::V128 => Val::V128(Box::new(0)),
        ValType::Ref(_) => Val::Ref(Ref::Null(bottom)),
    }
}

// ---------------------------------------------------------------------------------------------
// Corpus and mutations.

/// splitmix64: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn wast_files(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            wast_files(&path, out);
        } else if name.ends_with(".wast") {
            out.push(path);
        }
    }
}

/// The scripts to mutate: the official core suite and our design suites.
fn corpus() -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    wast_files(&spec_tests_root().join("core"), &mut paths);
    for folder in ["typed-cont", "raw-stacks", "effect-handlers", "core"] {
        wast_files(&bundled_suite().join(folder), &mut paths);
    }
    paths
        .into_iter()
        .filter_map(|p| {
            let src = std::fs::read_to_string(&p).ok()?;
            Some((p, src))
        })
        .collect()
}

/// The spans of a script's top-level forms, as the script parser splits them.
fn top_level_forms(src: &str) -> Vec<switchyard::diag::Span> {
    text::top_level_forms(src)
        .into_iter()
        .map(|form| form.span)
        .collect()
}

/// A window of consecutive top-level forms of a script: a module and the directives after it.
fn window(src: &str, rng: &mut Rng) -> String {
    let forms = top_level_forms(src);
    if forms.is_empty() {
        return String::new();
    }
    // Start at a module when there is one nearby, so the directives have something to run on.
    let mut first = rng.below(forms.len());
    for back in 0..8 {
        let Some(i) = first.checked_sub(back) else {
            break;
        };
        let f = forms[i];
        if src[f.start as usize..f.end as usize].starts_with("(module") {
            first = i;
            break;
        }
    }
    let count = 1 + rng.below(6);
    let last = (first + count).min(forms.len()) - 1;
    src[forms[first].start as usize..forms[last].end as usize].to_string()
}

/// Token boundaries of a text (parens, strings, atoms), as the crate's lexer finds them
/// (comments and annotations count as space; a bad token is left out).
fn tokens(src: &str) -> Vec<(usize, usize)> {
    switchyard::text::lexer::lex(src)
        .tokens
        .iter()
        .map(|t| (t.span.start as usize, t.span.end as usize))
        .collect()
}

const HUGE_NUMBERS: &[&str] = &[
    "4294967295",
    "4294967296",
    "2147483648",
    "-2147483649",
    "18446744073709551615",
    "18446744073709551616",
    "0xffff_ffff_ffff_ffff",
    "-9223372036854775809",
    "99999999999999999999999999999999999999",
    "65536",
    "65537",
    "0x1_0000_0000",
    "1e400",
    "-0x1p+1024",
    "nan:0xfffffffffffffffff",
    "inf",
    "0",
    "-1",
    "1000000000",
];

const INSERTS: &[&str] = &[
    "(",
    ")",
    "(block",
    "(loop",
    "(then",
    "(else",
    "end",
    "(result i32)",
    "(param i64)",
    "(ref null 0)",
    "(ref 4294967295)",
    "unreachable",
    "i32.const 0",
    "drop",
    "$x",
    "\"\\ff\"",
    "(rec",
    "(sub final",
    "(cont 0)",
    "(tag $t)",
    "resume 0",
    "suspend 0",
    "cont.new 0",
    "(on 0 0)",
    "(on 0 switch)",
    "switch 0 0",
    "local.get 4294967295",
    "(memory i64 0)",
    "(table 0 funcref)",
    "br_table 0 0 0 0",
    "try_table",
    "(catch_all 0)",
    "call 0",
    "return_call 0",
    "(;",
    ";)",
    "(@custom \"x\")",
    "(memory 0xffff_ffff_ffff_ffff)",
    "(memory i64 0xffff_ffff_ffff_ffff 0xffff_ffff_ffff_ffff)",
    "(table 4294967295 4294967295 funcref)",
    "(table i64 0xffff_ffff_ffff_ffff funcref)",
    "i32.load offset=0xffff_ffff_ffff_ffff align=0x8000_0000",
    "i64.store align=0x1_0000_0000",
    "br 4294967295",
    "(type 4294967295)",
    "(data (memory 4294967295) (i32.const 0))",
    "array.new_default 0",
    "(i32.const 0x7fff_ffff)",
    "(i64.const -1)",
    "memory.grow",
    "table.grow 0",
    "(elem (i32.const -1) func 0)",
    "(start 0)",
    "(export \"f\" (func 4294967295))",
    "(import \"spectest\" \"print_i32\" (func (param i32)))",
    "(struct (field (mut (ref null 4294967295))))",
    "(array (mut i8))",
    "(sub 4294967295 (func))",
    "\"\\u{110000}\"",
    "\"\\u{d800}\"",
    "nan:0x0",
    "(assert_return (invoke \"\"))",
    "(register \"spectest\")",
    "(module definition $d)",
    "(module instance $i $d)",
];

/// The distinct keywords (instructions, field and type names) of the corpus.
fn keywords(corpus: &[(PathBuf, String)]) -> Vec<String> {
    let mut words = std::collections::BTreeSet::new();
    for (_, src) in corpus {
        for (s, e) in tokens(src) {
            let t = &src[s..e];
            if t.starts_with(|c: char| c.is_ascii_lowercase()) && !t.contains('=') {
                words.insert(t.to_string());
            }
        }
    }
    words.into_iter().collect()
}

/// One random textual mutation of `src`; `words` are keywords to swap in.
fn mutate_text(src: &str, words: &[String], rng: &mut Rng) -> String {
    let toks = tokens(src);
    if toks.is_empty() {
        return src.to_string();
    }
    let (s, e) = *rng.pick(&toks);
    let tok = &src[s..e];
    let splice =
        |at: (usize, usize), with: &str| format!("{}{}{}", &src[..at.0], with, &src[at.1..]);
    match rng.below(10) {
        // delete a token
        0 => splice((s, e), ""),
        // duplicate a token
        1 => splice((s, e), &format!("{tok} {tok}")),
        // swap two tokens
        2 => {
            let (s2, e2) = *rng.pick(&toks);
            let ((a0, a1), (b0, b1)) = if s2 < s {
                ((s2, e2), (s, e))
            } else {
                ((s, e), (s2, e2))
            };
            if a1 > b0 {
                return src.to_string();
            }
            format!(
                "{}{}{}{}{}",
                &src[..a0],
                &src[b0..b1],
                &src[a1..b0],
                &src[a0..a1],
                &src[b1..]
            )
        }
        // truncate
        3 => {
            let mut at = rng.below(src.len());
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            src[..at].to_string()
        }
        // insert a paren or a fragment
        4 | 5 => splice((s, s), &format!("{} ", rng.pick(INSERTS))),
        // a number becomes a huge one
        6 | 7 => {
            let numbers: Vec<&(usize, usize)> = toks
                .iter()
                .filter(|(s, _)| {
                    src.as_bytes()[*s].is_ascii_digit()
                        || (src.as_bytes()[*s] == b'-'
                            && src.as_bytes().get(s + 1).is_some_and(u8::is_ascii_digit))
                })
                .collect();
            if numbers.is_empty() {
                let huge = *rng.pick(HUGE_NUMBERS);
                return splice((s, e), huge);
            }
            let n = **rng.pick(&numbers);
            let huge = *rng.pick(HUGE_NUMBERS);
            splice(n, huge)
        }
        // replace a token by a keyword of the corpus
        8 if !words.is_empty() => {
            let word = rng.pick(words).clone();
            splice((s, e), &word)
        }
        // replace a token by another token of the text
        _ => {
            let other = rng.pick(&toks);
            splice((s, e), &src[other.0..other.1])
        }
    }
}

/// LEB128 encodings of u32::MAX, 2^31, u64::MAX and an overlong zero.
const HUGE_LEBS: &[&[u8]] = &[
    &[0xff, 0xff, 0xff, 0xff, 0x0f],
    &[0x80, 0x80, 0x80, 0x80, 0x08],
    &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    &[
        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
    ],
];

/// One random byte-level mutation of a module encoding.
fn mutate_binary(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = bytes.to_vec();
    if b.is_empty() {
        return b;
    }
    // Leave the preamble alone most of the time: mutations past it reach deeper.
    let lo = if b.len() > 8 && rng.below(10) != 0 {
        8
    } else {
        0
    };
    let at = lo + rng.below(b.len() - lo);
    match rng.below(8) {
        0 => b[at] ^= 1 << rng.below(8),
        1 => b[at] = *rng.pick(&[0x00, 0x7f, 0x80, 0xff, 0x40, 0x0b, 0x02, 0x03, 0x41]),
        2 => {
            let n = 1 + rng.below(8.min(b.len() - at));
            b.drain(at..at + n);
        }
        3 => {
            let n = 1 + rng.below(8.min(b.len() - at));
            let piece: Vec<u8> = b[at..at + n].to_vec();
            b.splice(at..at, piece);
        }
        4 => b.truncate(at),
        // a huge LEB128 (u32::MAX, then u64 ranges) in place of a byte
        5 => {
            let leb = *rng.pick(HUGE_LEBS);
            b.splice(at..at + 1, leb.iter().copied());
        }
        6 => {
            let v = rng.next() as u8;
            b.insert(at, v);
        }
        _ => {
            let other = lo + rng.below(b.len() - lo);
            b.swap(at, other);
        }
    }
    b
}

/// Module encodings made with the `wast` crate from the text modules of the corpus (those it
/// can parse: core, GC, typed-cont), plus the `module binary` forms.
fn binary_seeds(corpus: &[(PathBuf, String)], rng: &mut Rng, want: usize) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    let mut tries = 0;
    while seeds.len() < want && tries < want * 20 {
        tries += 1;
        let (_, src) = rng.pick(corpus);
        let forms = top_level_forms(src);
        if forms.is_empty() {
            continue;
        }
        let f = *rng.pick(&forms);
        let form = &src[f.start as usize..f.end as usize];
        if !form.starts_with("(module") || form.starts_with("(module quote") {
            continue;
        }
        if let Some(bytes) = encode(form) {
            seeds.push(bytes);
        }
    }
    seeds
}

/// The `module binary` forms of the corpus (the designs' encodings among them).
fn script_binaries(corpus: &[(PathBuf, String)]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for (_, src) in corpus {
        if !src.contains("binary") {
            continue;
        }
        for design in Design::ALL {
            let Ok(script) = text::parse_script(src, design) else {
                continue;
            };
            for c in &script.commands {
                let m = match &c.kind {
                    CommandKind::Module(m)
                    | CommandKind::AssertInvalid { module: m, .. }
                    | CommandKind::AssertMalformed { module: m, .. }
                    | CommandKind::AssertUnlinkable {
                        module: Instantiation::Module(m),
                        ..
                    }
                    | CommandKind::AssertUninstantiable {
                        module: Instantiation::Module(m),
                        ..
                    } => m,
                    _ => continue,
                };
                if let ModuleSource::Binary(bytes) = &m.source {
                    out.push(bytes.clone());
                }
            }
            break;
        }
    }
    out
}

fn encode(form: &str) -> Option<Vec<u8>> {
    let buf = wast::parser::ParseBuffer::new(form).ok()?;
    let mut wat: wast::Wat = wast::parser::parse(&buf).ok()?;
    wat.encode().ok()
}

/// Runs `cases` mutation cases (half text, half binary) from `seed`; returns the failures as
/// reproducers.
fn fuzz(seed: u64, cases: usize, dump: Option<&Path>) -> Vec<String> {
    let corpus = corpus();
    assert!(!corpus.is_empty(), "no .wast files found");
    let mut rng = Rng(seed);
    let mut seeds = binary_seeds(&corpus, &mut rng, (cases / 4).clamp(8, 2000));
    let mut binaries = script_binaries(&corpus);
    while seeds.len() < (cases / 2).max(16) && !binaries.is_empty() {
        let k = rng.below(binaries.len());
        seeds.push(binaries.swap_remove(k));
    }
    let words = keywords(&corpus);
    let mut failures = Vec::new();
    for i in 0..cases {
        let (label, bugs) = if i % 2 == 0 {
            let (path, src) = rng.pick(&corpus);
            let mut text = window(src, &mut rng);
            for _ in 0..mutations(&mut rng) {
                text = mutate_text(&text, &words, &mut rng);
            }
            if let Some(dump) = dump {
                let _ = std::fs::write(dump, &text);
            }
            let label = format!("text case {i} from {}:\n{text}", path.display());
            let bugs = run_case(move |bugs| {
                for design in Design::ALL {
                    run_text(&text, design, i % 8 == 0, bugs)
                }
                run_cli(&text, Design::ALL[i % 3], bugs);
            });
            (label, bugs)
        } else {
            if seeds.is_empty() {
                continue;
            }
            let mut bytes = rng.pick(&seeds).clone();
            for _ in 0..mutations(&mut rng) {
                bytes = mutate_binary(&bytes, &mut rng);
            }
            if let Some(dump) = dump {
                let _ = std::fs::write(dump.with_extension("wasm"), &bytes);
            }
            let label = format!("binary case {i}: {}", hex(&bytes));
            let bugs = run_case(move |bugs| {
                for design in Design::ALL {
                    run_binary(&bytes, design, bugs)
                }
            });
            (label, bugs)
        };
        if !bugs.is_empty() {
            failures.push(format!("{label}\n  => {}", bugs.join("\n  => ")));
        }
    }
    eprintln!(
        "{cases} cases from {} binary seeds; scripts parsed {}; modules parsed {}, validated {}, \
         instantiated {}, invoked {}",
        seeds.len(),
        REACHED[4].load(Relaxed),
        REACHED[0].load(Relaxed),
        REACHED[1].load(Relaxed),
        REACHED[2].load(Relaxed),
        REACHED[3].load(Relaxed),
    );
    failures
}

/// Mostly one mutation, sometimes a few.
fn mutations(rng: &mut Rng) -> usize {
    [1, 1, 1, 2, 3][rng.below(5)]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn fuzz_quick() {
    let start = Instant::now();
    let failures = fuzz(0x5717_c4ad, 3000, None);
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    eprintln!("fuzz_quick: {:?}", start.elapsed());
}

#[test]
#[ignore]
fn fuzz_long() {
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let seed = env("ROBUST_SEED", 1);
    let cases = env("ROBUST_CASES", 20_000) as usize;
    let dump = std::env::temp_dir().join("robustness-current.wast");
    let failures = fuzz(seed, cases, Some(&dump));
    for f in &failures {
        eprintln!("{f}\n");
    }
    assert!(failures.is_empty(), "{} failing case(s)", failures.len());
}

// ---------------------------------------------------------------------------------------------
// Resource bounds: each script runs with the CLI's default budgets on a modest stack, and must
// pass every directive without a panic or a crash.

/// Runs a script under `design` with the default configuration; returns the failed directives
/// and the bugs.
fn script_problems(design: Design, src: &str) -> Vec<String> {
    let src = src.to_string();
    let start = Instant::now();
    let problems = run_case_within(RESOURCE_SLOW, RESOURCE_TIMEOUT, move |bugs| {
        let script = match text::parse_script(&src, design) {
            Ok(script) => script,
            Err(e) => {
                bugs.push(format!("parse_script: {e}"));
                return;
            }
        };
        let mut engine = Checked::new(Config {
            design,
            ..Config::default()
        });
        for o in run_script(&mut engine, &script, &src) {
            if o.status == switchyard::script::run::Status::Failed {
                bugs.push(format!(
                    "line {} {}: expected {}, got {}",
                    o.line, o.kind, o.expected, o.actual
                ));
            }
        }
        bugs.append(&mut engine.bugs);
    });
    eprintln!("{design} script: {:?}", start.elapsed());
    problems
}

/// Time limits of the resource tests, which do run up to the budgets.
const RESOURCE_SLOW: Duration = Duration::from_secs(60);
const RESOURCE_TIMEOUT: Duration = Duration::from_secs(120);

fn assert_script(design: Design, src: &str) {
    let problems = script_problems(design, src);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn array_new_huge_lengths() {
    assert_script(
        Design::TypedCont,
        r#"
(module
  (type $a (array (mut i64)))
  (type $b (array (mut i8)))
  (func (export "new") (param i32) (result i32)
    (array.len (array.new $a (i64.const 7) (local.get 0))))
  (func (export "new_default") (param i32) (result i32)
    (array.len (array.new_default $a (local.get 0))))
  (func (export "new_bytes") (param i32) (result i32)
    (array.len (array.new_default $b (local.get 0))))
  ;; allocations that each fit, but not all together: the store runs out, cleanly (the table
  ;; keeps them reachable; dropped ones would be collected)
  (table $keep 0 (ref null $a))
  (func (export "many") (param i32)
    (loop $l
      (drop (table.grow $keep (array.new_default $a (local.get 0)) (i32.const 1)))
      (br $l)))
)
(assert_return (invoke "new" (i32.const 10)) (i32.const 10))
(assert_exhaustion (invoke "new" (i32.const 0x80000000)) "out of memory")
(assert_exhaustion (invoke "new" (i32.const -1)) "out of memory")
(assert_exhaustion (invoke "new_default" (i32.const 0x10000000)) "out of memory")
(assert_exhaustion (invoke "new_default" (i32.const 0x08000000)) "out of memory")
(assert_exhaustion (invoke "new_bytes" (i32.const -1)) "out of memory")
(assert_exhaustion (invoke "many" (i32.const 0x00100000)) "out of memory")
"#,
    );
}

#[test]
fn memory_grow_huge() {
    assert_script(
        Design::TypedCont,
        r#"
(module
  (memory 0)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)
(assert_return (invoke "grow" (i32.const -1)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0x10000)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0x10001)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 0))
(module
  (memory i64 0)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
)
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 0xffff_ffff_ffff)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 0x1_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 0))
(assert_trap (module (memory 65536)) "out of memory")
(assert_trap (module (memory i64 0x1_0000_0000_0000)) "out of memory")
"#,
    );
    // many memories, each below its own limit: together they must not exhaust the host (a
    // fresh store: two of them fit in the budget)
    assert_script(
        Design::TypedCont,
        r#"
(module
  (memory $m0 0) (memory $m1 0) (memory $m2 0) (memory $m3 0) (memory $m4 0)
  (memory $m5 0) (memory $m6 0) (memory $m7 0) (memory $m8 0) (memory $m9 0)
  (func (export "grow-all") (result i32)
    (i32.add (i32.add (i32.add (i32.add (i32.add
      (i32.add (i32.add (i32.add (i32.add
        (memory.grow $m0 (i32.const 16384)) (memory.grow $m1 (i32.const 16384)))
        (memory.grow $m2 (i32.const 16384))) (memory.grow $m3 (i32.const 16384)))
        (memory.grow $m4 (i32.const 16384))) (memory.grow $m5 (i32.const 16384)))
        (memory.grow $m6 (i32.const 16384))) (memory.grow $m7 (i32.const 16384)))
        (memory.grow $m8 (i32.const 16384))) (memory.grow $m9 (i32.const 16384))))
)
(assert_return (invoke "grow-all") (i32.const -8))
"#,
    );
}

#[test]
fn table_grow_huge() {
    assert_script(
        Design::TypedCont,
        r#"
(module
  (table $t 0 funcref)
  (table $u i64 0 externref)
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "grow64") (param i64) (result i64) (table.grow $u (ref.null extern) (local.get 0)))
)
(assert_return (invoke "grow" (i32.const -1)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0x7fffffff)) (i32.const -1))
(assert_return (invoke "grow64" (i64.const -1)) (i64.const -1))
(assert_return (invoke "grow64" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i32.const 10)) (i32.const 0))
(assert_trap (module (table 0xffff_ffff funcref)) "out of memory")
"#,
    );
}

#[test]
fn segments_with_huge_offsets() {
    assert_script(
        Design::TypedCont,
        r#"
(assert_trap (module (memory 1) (data (i32.const -1) "ab")) "out of bounds memory access")
(assert_trap (module (memory 1) (data (i32.const 0x7fffffff) "ab")) "out of bounds memory access")
(assert_trap (module (memory i64 1) (data (i64.const -1) "ab")) "out of bounds memory access")
(assert_trap (module (memory i64 1) (data (i64.const 0x7fff_ffff_ffff_ffff) "ab")) "out of bounds memory access")
(assert_trap (module (table 1 funcref) (elem (i32.const -1) func $f) (func $f)) "out of bounds table access")
(assert_trap (module (table i64 1 funcref) (elem (i64.const -1) func $f) (func $f)) "out of bounds table access")
(module
  (memory i64 1)
  (table i64 1 funcref)
  (data $d "abc")
  (elem $e func $f)
  (func $f)
  (func (export "minit") (param i64 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
  (func (export "tinit") (param i64 i32 i32) (table.init $e (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i64 i64) (memory.fill (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load") (param i64) (result i32) (i32.load offset=0xffff_ffff_ffff_fff0 (local.get 0)))
)
(assert_trap (invoke "minit" (i64.const -1) (i32.const 0) (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "minit" (i64.const 0) (i32.const -1) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "tinit" (i64.const -1) (i32.const 0) (i32.const 1)) "out of bounds table access")
(assert_trap (invoke "tinit" (i64.const 0) (i32.const -1) (i32.const 2)) "out of bounds table access")
(assert_trap (invoke "fill" (i64.const -1) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 1) (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const -1) (i64.const 0) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const -1) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy" (i64.const 0) (i64.const 0) (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "load" (i64.const 0x20)) "out of bounds memory access")
"#,
    );
}

/// A binary module with one function `(func (export "f"))` whose body is `body` and whose
/// locals are `locals` (the encoded local declarations, count first).
fn module_with_body(locals: &[u8], body: &[u8]) -> Vec<u8> {
    fn leb(mut n: u64, out: &mut Vec<u8>) {
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    fn section(id: u8, payload: &[u8], out: &mut Vec<u8>) {
        out.push(id);
        leb(payload.len() as u64, out);
        out.extend_from_slice(payload);
    }
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(1, &[1, 0x60, 0, 0], &mut m);
    section(3, &[1, 0], &mut m);
    section(7, &[1, 1, b'f', 0, 0], &mut m);
    let mut func = locals.to_vec();
    func.extend_from_slice(body);
    let mut code = vec![1];
    leb(func.len() as u64, &mut code);
    code.extend_from_slice(&func);
    section(10, &code, &mut m);
    m
}

/// Decode, validate, instantiate and run `f` of a binary module; the first error.
fn run_binary_f(bytes: Vec<u8>) -> Vec<String> {
    let out = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out2 = out.clone();
    let mut bugs = run_case_within(RESOURCE_SLOW, RESOURCE_TIMEOUT, move |bugs| {
        let mut e = Checked::new(Config::default());
        let r = (|| {
            let m = e.parse(&ModuleSource::Binary(bytes))?;
            e.validate(&m)?;
            let inst = e.instantiate(&m, &|_| None)?;
            e.invoke(inst, "f", vec![])
        })();
        *out2.lock().unwrap() = Some(r.map_err(|e| e.to_string()));
        bugs.append(&mut e.bugs);
    });
    bugs.push(format!("result: {:?}", out.lock().unwrap().take()));
    bugs
}

#[test]
fn too_many_locals() {
    // one declaration of 2^32 - 1 locals; two of 2^31 each (the sum overflows u32)
    let one = module_with_body(&[1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f], &[0x0b]);
    let two = module_with_body(
        &[
            2, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f,
        ],
        &[0x0b],
    );
    for m in [one, two] {
        let r = run_binary_f(m);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].contains("too many locals"), "{r:?}");
    }
    // many locals that are allowed still run
    let fine = module_with_body(&[1, 0xa0, 0x8d, 0x06, 0x7e], &[0x0b]); // 100,000 i64 locals
    let r = run_binary_f(fine);
    assert_eq!(r, vec!["result: Some(Ok([]))".to_string()]);
}

const DEEP: usize = 100_000;

#[test]
fn deep_nesting_binary() {
    // block/loop/if nested DEEP deep, then DEEP ends
    for opener in [
        &[0x02u8, 0x40][..],
        &[0x03, 0x40],
        &[0x41, 0x01, 0x04, 0x40],
    ] {
        let mut body = Vec::new();
        for _ in 0..DEEP {
            body.extend_from_slice(opener);
        }
        body.extend(std::iter::repeat_n(0x0b, DEEP + 1));
        let r = run_binary_f(module_with_body(&[0], &body));
        assert_eq!(r, vec!["result: Some(Ok([]))".to_string()]);
    }
    // a br_table with DEEP targets, all to the outer block
    let mut body = vec![0x02, 0x40, 0x41, 0x05, 0x0e];
    body.extend_from_slice(&[0xa0, 0x8d, 0x06]);
    body.extend(std::iter::repeat_n(0x00, DEEP + 1));
    body.extend_from_slice(&[0x0b, 0x0b]);
    let r = run_binary_f(module_with_body(&[0], &body));
    assert_eq!(r, vec!["result: Some(Ok([]))".to_string()]);
    // unclosed nesting ends in a decoding error, not a crash
    let mut body = Vec::new();
    for _ in 0..DEEP {
        body.extend_from_slice(&[0x02, 0x40]);
    }
    let r = run_binary_f(module_with_body(&[0], &body));
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].contains("Err"), "{r:?}");
}

#[test]
fn deep_nesting_text() {
    let flat = format!(
        "(module (func (export \"f\") (result i32) {} i32.const 7 {}))\n\
         (assert_return (invoke \"f\") (i32.const 7))",
        "block (result i32) ".repeat(DEEP),
        "end ".repeat(DEEP)
    );
    let folded = format!(
        "(module (func (export \"f\") (result i32) {}(i32.const 7){}))\n\
         (assert_return (invoke \"f\") (i32.const 7))",
        "(block (result i32) ".repeat(DEEP),
        ")".repeat(DEEP)
    );
    let folded_loop_if = format!(
        "(module (func (export \"f\") (result i32) {}(i32.const 7){}))\n\
         (assert_return (invoke \"f\") (i32.const 7))",
        "(loop (result i32) (if (result i32) (i32.const 1) (then ".repeat(DEEP / 2),
        ") (else (i32.const 0))))".repeat(DEEP / 2)
    );
    let expr = format!(
        "(module (func (export \"f\") (result i32) {}(i32.const 7){}))\n\
         (assert_return (invoke \"f\") (i32.const {}))",
        "(i32.add (i32.const 1) ".repeat(DEEP),
        ")".repeat(DEEP),
        DEEP + 7
    );
    let br_table = format!(
        "(module (func (export \"f\") (result i32) (block (br_table {} (i32.const 99))) (i32.const 7)))\n\
         (assert_return (invoke \"f\") (i32.const 7))",
        "0 ".repeat(DEEP)
    );
    // unbalanced: parse errors, not crashes
    let unclosed = format!("(module (func {}", "(block ".repeat(DEEP));
    let unopened = format!("(module (func {}))", "end ".repeat(DEEP));
    let parens = "(".repeat(DEEP);
    for design in Design::ALL {
        for src in [&flat, &folded, &folded_loop_if, &expr, &br_table] {
            assert_script(design, src);
        }
        for src in [&unclosed, &unopened, &parens] {
            let problems = script_problems(design, src);
            assert!(
                problems
                    .iter()
                    .all(|p| p.starts_with("parse_script: malformed")),
                "{problems:?}"
            );
        }
    }
}

#[test]
fn deep_types() {
    // a rec group of many struct types, each referring to the next; a long subtype chain
    let n = 10_000;
    let mut rec = String::from("(module (rec");
    for i in 0..n {
        rec.push_str(&format!(
            " (type $t{i} (struct (field (ref null $t{}))))",
            (i + 1) % n
        ));
    }
    rec.push_str(
        ")\n (func (export \"f\") (result i32) (ref.is_null (struct.new_default $t0))))\n",
    );
    rec.push_str("(assert_return (invoke \"f\") (i32.const 0))");
    let mut chain = String::from("(module (type $s0 (sub (struct)))");
    for i in 1..n {
        chain.push_str(&format!(" (type $s{i} (sub $s{} (struct)))", i - 1));
    }
    chain.push_str(&format!(
        "\n (func (export \"f\") (result i32) (ref.test (ref $s0) (struct.new $s{}))))\n\
         (assert_return (invoke \"f\") (i32.const 1))",
        n - 1
    ));
    for src in [&rec, &chain] {
        let problems = script_problems(Design::TypedCont, src);
        assert!(problems.is_empty(), "{problems:?}");
    }
}

#[test]
fn continuation_hoarding() {
    // suspended continuations, each holding 10,000 frames, created without end: a fresh store
    let src =
        CONT_MODULE.to_string() + "(assert_exhaustion (invoke \"hoard\") \"call stack exhausted\")";
    assert_script(Design::TypedCont, &src);
    // effect-handlers: the clause keeps each continuation in a table
    assert_script(
        Design::EffectHandlers,
        r#"
(module
  (tag $t)
  (type $f (func (result i32)))
  (type $k (cont $f))
  (table $keep 0 (ref null $k))
  (func $down (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (perform $t) (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "hoard") (result i32)
    (loop $l
      (handle (result i32)
        (do (call $down (i32.const 10000)))
        (on $t $k (drop (table.grow $keep (i32.const 1))) (i32.const 0)))
      (drop)
      (br $l))
    (unreachable))
)
(assert_exhaustion (invoke "hoard") "call stack exhausted")
"#,
    );
    // raw-stacks: each stack dives 10,000 deep, then switches to a fresh one and stays
    // suspended
    assert_script(
        Design::RawStacks,
        r#"
(module
  (rec
    (type $co (stack (param i32) (ref null $ge)))
    (type $ge (stack (param i32) (ref $co))))
  (func $dive (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (stack.switch $ge (i32.const 10000) (stack.new $ge $worker)) (drop))
      (else (i32.add (call $dive (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func $worker (param $x i32) (param $back (ref $co))
    (drop (call $dive (local.get $x)))
    (unreachable))
  (func (export "hoard") (result i32) (call $dive (i32.const 10000)))
)
(assert_exhaustion (invoke "hoard") "call stack exhausted")
"#,
    );
}

#[test]
fn fat_frames() {
    // a function with 100,000 locals recursing: the call depth budget alone would allow
    // 100,000 such frames (320 GB)
    let body = [0x10, 0x00, 0x0b]; // call 0
    let r = run_binary_f(module_with_body(&[1, 0xa0, 0x8d, 0x06, 0x7e], &body));
    assert_eq!(
        r,
        vec![r#"result: Some(Err("exhaustion: call stack exhausted"))"#.to_string()]
    );
    let text = format!(
        "(module (func $f (export \"f\") (local {}) (call $f)))\n\
         (assert_exhaustion (invoke \"f\") \"call stack exhausted\")",
        "i64 ".repeat(20_000)
    );
    for design in Design::ALL {
        assert_script(design, &text);
    }
}

#[test]
fn continuation_at_depth_resumed() {
    // typed-cont: a continuation captured under 10,000 frames, resumed from the top level
    assert_script(Design::TypedCont, &(CONT_MODULE.to_string() + CONT_ASSERTS));
}

const CONT_ASSERTS: &str = r#"
(assert_return (invoke "capture") (i32.const -1))
(assert_return (invoke "finish") (i32.const 10000))
(assert_exhaustion (invoke "new-forever") "too many live continuations")
"#;

const CONT_MODULE: &str = r#"
(module
  (type $f (func (result i32)))
  (type $k (cont $f))
  (tag $t)
  (global $g (mut (ref null $k)) (ref.null $k))
  ;; what the loops below make stays reachable here (dropped, it would be collected)
  (table $keep 0 (ref null $k))
  (func $down (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (suspend $t) (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
  (func $body (result i32) (call $down (i32.const 10000)))
  (elem declare func $body)
  (func (export "capture") (result i32)
    (block $h (result (ref $k))
      (resume $k (on $t $h) (cont.new $k (ref.func $body)))
      (return))
    (global.set $g)
    (i32.const -1))
  (func (export "finish") (result i32)
    (resume $k (global.get $g)))
  ;; unbounded creation of suspended deep continuations ends in exhaustion
  (func (export "hoard") (result i32)
    (loop $l
      (block $h (result (ref $k))
        (resume $k (on $t $h) (cont.new $k (ref.func $body)))
        (return))
      (drop (table.grow $keep (i32.const 1)))
      (br $l))
    (unreachable))
  (func $new (export "new-forever")
    (loop $l
      (drop (table.grow $keep (cont.new $k (ref.func $body)) (i32.const 1)))
      (br $l)))
)
"#;

#[test]
fn deep_nesting_other_forms() {
    let n = DEEP;
    let checks: Vec<(Design, String, bool)> = vec![
        // annotations and block comments nested deep: skipped without recursion
        (
            Design::TypedCont,
            format!(
                "(module (@x {}{}) (func (export \"f\") (result i32) (i32.const 7)))\n\
                 (assert_return (invoke \"f\") (i32.const 7))",
                "(".repeat(n),
                ")".repeat(n)
            ),
            true,
        ),
        (
            Design::TypedCont,
            format!(
                "(module {}{} (func (export \"f\") (result i32) (i32.const 7)))\n\
                 (assert_return (invoke \"f\") (i32.const 7))",
                "(; ".repeat(n),
                " ;)".repeat(n)
            ),
            true,
        ),
        // a deep module quote
        (
            Design::TypedCont,
            format!(
                "(module quote \"(func (export \\\"f\\\") (result i32) {}(i32.const 7){})\")\n\
                 (assert_return (invoke \"f\") (i32.const 7))",
                "(block (result i32) ".repeat(n),
                ")".repeat(n)
            ),
            true,
        ),
        // try_table, flat and folded
        (
            Design::TypedCont,
            format!(
                "(module (func (export \"f\") (result i32) {} i32.const 7 {}))\n\
                 (assert_return (invoke \"f\") (i32.const 7))",
                "try_table (result i32) ".repeat(n),
                "end ".repeat(n)
            ),
            true,
        ),
        (
            Design::TypedCont,
            format!(
                "(module (func (export \"f\") (result i32) {}(i32.const 7){}))\n\
                 (assert_return (invoke \"f\") (i32.const 7))",
                "(try_table (result i32) (do ".repeat(n),
                "))".repeat(n)
            ),
            false,
        ),
        // effect-handlers: handle blocks nested deep, flat and folded (each handle is a frame
        // of the call depth budget: exhaustion is fine)
        (
            Design::EffectHandlers,
            format!(
                "(module (func (export \"f\") (result i32) {} i32.const 7 {}))\n\
                 (assert_return (invoke \"f\") (i32.const 7))",
                "handle (result i32) ".repeat(n),
                "end ".repeat(n)
            ),
            false,
        ),
        (
            Design::EffectHandlers,
            format!(
                "(module (func (export \"f\") (result i32) {}(i32.const 7){}))\n\
                 (assert_return (invoke \"f\") (i32.const 7))",
                "(handle (result i32) (do ".repeat(n),
                "))".repeat(n)
            ),
            false,
        ),
        // deep script-level nesting in an argument
        (
            Design::TypedCont,
            format!(
                "(module (func (export \"f\") (param i32)))\n(assert_return (invoke \"f\" {}{}))",
                "(".repeat(n),
                ")".repeat(n)
            ),
            false,
        ),
        // deep `script` meta commands and nested `either` patterns: both flattened, both run
        (
            Design::TypedCont,
            format!(
                "{}(module (func (export \"f\") (result i32) (i32.const 1))){}\n\
                 (assert_return (invoke \"f\") {}(i32.const 1){})",
                "(script ".repeat(n),
                ")".repeat(n),
                "(either ".repeat(n),
                ")".repeat(n)
            ),
            true,
        ),
    ];
    for (design, src, must_pass) in checks {
        let problems = script_problems(design, &src);
        let bad: Vec<&String> = if must_pass {
            problems.iter().collect()
        } else {
            // only a clean error is expected
            problems
                .iter()
                .filter(|p| p.contains("panic") || p.contains("crash") || p.contains("hang"))
                .collect()
        };
        assert!(bad.is_empty(), "{}: {bad:?}", &src[..80.min(src.len())]);
    }
}

/// `switchyard run`'s path (`run_file`: its own big-stack thread, panics caught) on files that
/// are not scripts, or are huge on one line: no crash, and the diagnostics stay short.
#[test]
fn cli_files() {
    let dir = std::env::temp_dir().join(format!("robustness-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let deep = format!("(module (func {}))", "(block ".repeat(200_000));
    let long_ok = format!(
        "(module (func (export \"f\") (result i32) {}(i32.const 7){}))\n\
         (assert_return (invoke \"f\") (i32.const 8))",
        "(block (result i32) ".repeat(50_000),
        ")".repeat(50_000)
    );
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("empty.wast", vec![]),
        (
            "garbage.wast",
            (0..3000u32).map(|i| (i * 7919 % 251) as u8).collect(),
        ),
        ("open.wast", b"(".to_vec()),
        ("close.wast", b")".to_vec()),
        ("deep.wast", deep.into_bytes()),
        ("long.wast", long_ok.into_bytes()),
        (
            "header.wast",
            b";;! fuel = 99999999999999999999999\n(module)".to_vec(),
        ),
        ("bom.wast", b"\xef\xbb\xbf(module)".to_vec()),
        ("nul.wast", b"(module \0)".to_vec()),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let report = run_file(&path, &RunOptions::default());
        for o in &report.outcomes {
            assert!(!o.actual.starts_with("crash"), "{name}: {}", o.actual);
        }
        let text = report::render_failures(&report, false);
        assert!(
            text.len() < 20_000,
            "{name}: {} bytes of diagnostics",
            text.len()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--trace` prints one line per step: its length must not grow with the call depth.
#[test]
fn trace_lines_stay_short() {
    let src = "(module (func $f (export \"f\") (call $f)))\n\
               (assert_exhaustion (invoke \"f\") \"call stack exhausted\")";
    let script = text::parse_script(src, Design::TypedCont).expect("parses");
    let mut engine = Switchyard::new(small_config(Design::TypedCont));
    engine
        .store
        .capture_trace(switchyard::exec::trace::TraceOptions {
            mode: switchyard::exec::trace::TraceMode::Text,
            limit: None,
        });
    run_script(&mut engine, &script, src);
    let trace = engine.store.take_trace();
    assert!(trace.len() > 1000);
    let longest = trace.iter().map(String::len).max().unwrap_or(0);
    assert!(longest < 1000, "a trace line of {longest} bytes");
}

/// A big script failing everywhere: the run and its diagnostics take linear time.
#[test]
fn many_failures_render_quickly() {
    let mut src = String::from("(module (func (export \"f\") (result i32) (i32.const 0)))\n");
    for _ in 0..50_000 {
        src.push_str("(assert_return (invoke \"f\") (i32.const 1))\n");
    }
    let broken = format!("(module{src}");
    for src in [src, broken] {
        let start = Instant::now();
        let report = run_source(Path::new("many.wast"), &src, &RunOptions::default());
        let text = report::render_failures(&report, false);
        assert!(text.len() < 100_000, "{} bytes of diagnostics", text.len());
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    }
}
