//! The abstract programs: what a scenario does, how one is drawn at random, and what it must
//! produce (the prediction every engine is held to).
//!
//! A program is a list of independent scenarios; each becomes one module followed by the
//! directives that check it, so an engine that rejects or crashes on one scenario still runs the
//! others, and the minimizer can drop whole scenarios.

use crate::rng::Rng;

/// A generated program.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub seed: u64,
    pub scenarios: Vec<Scenario>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Scenario {
    /// A coroutine driven by a handler loop: suspensions with payloads, exceptions in both
    /// directions, nested handlers, recursion, continuations kept in various places.
    Coroutine(Coroutine),
    /// Symmetric coroutines that hand a counter back and forth with `switch`.
    PingPong(PingPong),
    /// `switch` between continuations of different, non-recursive types: the first switches to
    /// a new one of type `$c3 = cont [(ref null $c2)] -> [i32]`, capturing itself as `$c2`.
    SwitchChain(SwitchChain),
    /// A program whose end is a trap the rules require.
    Trap(TrapCase),
    /// A suspension or exception that reaches the host.
    Escape(EscapeCase),
    /// A module that validation must reject.
    Invalid(InvalidCase),
}

/// The type of the values a coroutine's yield carries (and receives back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    /// `[i32] -> [i32]`, reply `3x + 1`.
    I32,
    /// `[i64] -> [i64]`, reply `3x + 1`.
    I64,
    /// `[f64] -> [f64]`, reply `x * 0.5` (the coroutine truncates it back to i32).
    F64,
    /// `[i32 i32] -> [i32 i32]` (multi-value): sends `(x, c)`, reply `(x + c, x - c)`, the
    /// coroutine keeps their xor.
    Pair(i32),
    /// `[(ref $box)] -> [(ref null $box)]`: the handler rewrites the box's field to `3x + 1`
    /// and sends the same box back.
    Boxed,
}

/// Where the handler keeps the suspended continuation between a yield and the next resume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    Local,
    Global,
    Table,
    Struct,
    Array,
}

/// One step of a coroutine's body, acting on its accumulator `acc` (an i32).
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `acc += k`
    Add(i32),
    /// Suspend with `acc` as the payload; `acc` becomes the reply, or the handler throws `$x`
    /// into the coroutine instead (`resume_throw`).
    Yield,
    /// `suspend $tick` (no payload); handled by the innermost nested handler, else the driver.
    Tick,
    /// `acc += 1 + ... + depth`, through `depth` nested calls; at the bottom a yield if `yield_at_bottom`;
    /// then `acc += depth` on the way back.
    Recurse { depth: u32, yield_at_bottom: bool },
    /// `throw $x acc`
    Throw,
    /// The ops inside `try_table (catch $x ...)`: a caught exception sets `acc = payload + 7`.
    Catch(Vec<Op>),
    /// The ops run inside a continuation of their own, resumed by a handler that handles only
    /// `$tick` (`acc += 100` per tick) and forwards yields to the outer handler.
    Nested(Vec<Op>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Coroutine {
    pub payload: Payload,
    /// Initial accumulator, plus `(i + 2) * arg_i` for each argument.
    pub init: i32,
    /// Arguments of the coroutine's function.
    pub args: Vec<i32>,
    /// How many arguments `cont.bind` supplies (the rest go to the first `resume`).
    pub bound: usize,
    pub storage: Storage,
    pub body: Vec<Op>,
    /// The n-th yield (1-based) that reaches the driver gets the exception `$x throw_value`
    /// instead of a reply; 0: never.
    pub throw_at: u32,
    pub throw_value: i32,
    /// Throw with `resume_throw_ref` (an `exnref` caught first) rather than `resume_throw`.
    pub throw_ref: bool,
    /// The handler clauses in the other order.
    pub swap_clauses: bool,
    /// Also resume the stored continuation once more after the run (a trap: consumed or null).
    pub again: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PingPong {
    /// The peer that reaches `limit` returns `n + 1000`.
    pub limit: i32,
    pub step: i32,
    /// i64 counters and results instead of i32.
    pub wide: bool,
    /// The first coroutine also yields once through an `(on $y $l)` clause of the same resume.
    pub yield_first: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SwitchChain {
    /// The second switches back to the first, which returns `first` (else the second returns
    /// `second`).
    pub back: bool,
    pub first: i32,
    pub second: i32,
}

impl SwitchChain {
    pub fn predict(&self) -> i32 {
        if self.back {
            self.first
        } else {
            self.second
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrapCase {
    ResumeNull,
    ResumeConsumed,
    BindConsumed,
    ResumeThrowNull,
    ResumeThrowConsumed,
    /// `resume_throw_ref` with a null exnref on a live continuation traps and leaves it live:
    /// a second export resumes it.
    ThrowRefNullExn,
    SwitchNull,
    /// A trap inside a continuation unwinds through the resume.
    TrapInside,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscapeCase {
    /// `suspend` with no continuation around it.
    Bare,
    /// `suspend` inside `try_table (catch_all ...)`: a suspension is not an exception.
    CatchAll,
    /// Inside a continuation resumed inside `try_table (catch_all ...)` without a handler.
    CatchAllAroundResume,
    /// Inside a continuation whose handler handles another tag only.
    OtherTag,
    /// An exception thrown inside a continuation reaches the host.
    Exception,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidCase {
    /// `(on $e switch)` where the tag's results are a strict subtype of the continuation's.
    SwitchSubtypeResult,
    /// `(on $e switch)` with a tag whose results are unrelated to the continuation's.
    SwitchResultMismatch,
    /// `(on $e switch)` with a tag that has parameters.
    SwitchTagParams,
    /// A handler label whose types do not fit the tag's parameters.
    LabelWrongType,
    /// `resume` with an argument of the wrong type.
    ResumeWrongArg,
    /// `cont.bind` to a type with more parameters than the source.
    BindTooMany,
    /// `resume_throw` with an argument that does not fit the tag.
    ResumeThrowWrongArg,
    /// `cont.new` of a function of another type.
    ContNewWrongFunc,
    /// `suspend` with an argument of the wrong type.
    SuspendWrongArg,
}

impl InvalidCase {
    pub const ALL: [InvalidCase; 9] = [
        InvalidCase::SwitchSubtypeResult,
        InvalidCase::SwitchResultMismatch,
        InvalidCase::SwitchTagParams,
        InvalidCase::LabelWrongType,
        InvalidCase::ResumeWrongArg,
        InvalidCase::BindTooMany,
        InvalidCase::ResumeThrowWrongArg,
        InvalidCase::ContNewWrongFunc,
        InvalidCase::SuspendWrongArg,
    ];
}

impl TrapCase {
    pub const ALL: [TrapCase; 8] = [
        TrapCase::ResumeNull,
        TrapCase::ResumeConsumed,
        TrapCase::BindConsumed,
        TrapCase::ResumeThrowNull,
        TrapCase::ResumeThrowConsumed,
        TrapCase::ThrowRefNullExn,
        TrapCase::SwitchNull,
        TrapCase::TrapInside,
    ];
}

impl EscapeCase {
    pub const ALL: [EscapeCase; 5] = [
        EscapeCase::Bare,
        EscapeCase::CatchAll,
        EscapeCase::CatchAllAroundResume,
        EscapeCase::OtherTag,
        EscapeCase::Exception,
    ];
}

// --- Generation ------------------------------------------------------------------------------

/// Limits that keep every program small and quick: the reference interpreter's default call
/// budget is 256 frames, and a continuation's frames count towards it.
pub const MAX_DEPTH: u32 = 90;

impl Program {
    /// The program a seed names: 3 to 8 scenarios.
    pub fn generate(seed: u64) -> Program {
        let mut rng = Rng::new(seed);
        let n = rng.range(3, 8) as usize;
        let scenarios = (0..n).map(|_| Scenario::generate(&mut rng)).collect();
        Program { seed, scenarios }
    }
}

impl Scenario {
    pub fn generate(rng: &mut Rng) -> Scenario {
        match rng.weighted(&[55, 13, 14, 9, 9, 5]) {
            0 => Scenario::Coroutine(Coroutine::generate(rng)),
            5 => Scenario::SwitchChain(SwitchChain {
                back: rng.chance(50),
                first: rng.range(-50, 50) as i32,
                second: rng.range(-50, 50) as i32,
            }),
            1 => Scenario::PingPong(PingPong {
                limit: rng.range(-2, 40) as i32,
                step: rng.range(1, 7) as i32,
                wide: rng.chance(30),
                yield_first: rng.chance(30),
            }),
            2 => Scenario::Trap(rng.pick(&TrapCase::ALL)),
            3 => Scenario::Escape(rng.pick(&EscapeCase::ALL)),
            _ => Scenario::Invalid(rng.pick(&InvalidCase::ALL)),
        }
    }
}

impl Coroutine {
    pub fn generate(rng: &mut Rng) -> Coroutine {
        let payload = match rng.weighted(&[40, 15, 10, 15, 20]) {
            0 => Payload::I32,
            1 => Payload::I64,
            2 => Payload::F64,
            3 => Payload::Pair(rng.range(-9, 9) as i32),
            _ => Payload::Boxed,
        };
        let nargs = rng.weighted(&[40, 35, 25]);
        let args: Vec<i32> = (0..nargs).map(|_| rng.range(-50, 50) as i32).collect();
        let bound = rng.below(nargs as u64 + 1) as usize;
        let storage = match rng.weighted(&[40, 15, 15, 15, 15]) {
            0 => Storage::Local,
            1 => Storage::Global,
            2 => Storage::Table,
            3 => Storage::Struct,
            _ => Storage::Array,
        };
        let len = rng.range(1, 6) as usize;
        let body = ops(rng, 2, len);
        let yields = count_yields(&body);
        let throw_at = if yields > 0 && rng.chance(35) {
            rng.range(1, yields as i64) as u32
        } else {
            0
        };
        Coroutine {
            payload,
            init: rng.range(-100, 100) as i32,
            args,
            bound,
            storage,
            body,
            throw_at,
            throw_value: rng.range(-20, 20) as i32,
            throw_ref: rng.chance(40),
            swap_clauses: rng.chance(50),
            again: matches!(storage, Storage::Global | Storage::Table) && rng.chance(60),
        }
    }
}

fn ops(rng: &mut Rng, nesting: u32, n: usize) -> Vec<Op> {
    let inner = |rng: &mut Rng| {
        let len = rng.range(1, 3) as usize;
        ops(rng, nesting - 1, len)
    };
    let mut out = Vec::new();
    for _ in 0..n {
        let nest = if nesting > 0 { 8 } else { 0 };
        out.push(match rng.weighted(&[18, 32, 12, 8, 4, nest, nest]) {
            0 => Op::Add(rng.range(-30, 30) as i32),
            1 => Op::Yield,
            2 => Op::Tick,
            3 => Op::Recurse {
                depth: if rng.chance(20) {
                    rng.range(40, MAX_DEPTH as i64) as u32
                } else {
                    rng.range(0, 8) as u32
                },
                yield_at_bottom: rng.chance(60),
            },
            4 => Op::Throw,
            5 => Op::Catch(inner(rng)),
            _ => Op::Nested(inner(rng)),
        });
    }
    out
}

/// Yield instructions in the text (reached or not), recursion bottoms included.
pub fn count_yields(ops: &[Op]) -> u32 {
    ops.iter()
        .map(|op| match op {
            Op::Yield => 1,
            Op::Recurse {
                yield_at_bottom: true,
                ..
            } => 1,
            Op::Catch(inner) | Op::Nested(inner) => count_yields(inner),
            _ => 0,
        })
        .sum()
}

// --- Prediction --------------------------------------------------------------------------------

/// What a directive must produce.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// A module that instantiates.
    Module,
    Return(Vec<Value>),
    Trap(&'static str),
    Suspension,
    Exception,
    Invalid(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    I32(i32),
    I64(i64),
}

/// How a run of ops ended.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Flow {
    Normal,
    Thrown(i32),
}

/// The state of a coroutine's run as the model sees it.
struct Run<'a> {
    c: &'a Coroutine,
    acc: i32,
    yields: u32,
    ticks: u32,
}

impl Run<'_> {
    fn ops(&mut self, ops: &[Op], inner_ticks: &mut Option<u32>) -> Flow {
        for op in ops {
            if let Flow::Thrown(v) = self.op(op, inner_ticks) {
                return Flow::Thrown(v);
            }
        }
        Flow::Normal
    }

    fn yield_(&mut self) -> Flow {
        self.yields += 1;
        if self.yields == self.c.throw_at {
            return Flow::Thrown(self.c.throw_value);
        }
        self.acc = reply(self.c.payload, self.acc);
        Flow::Normal
    }

    fn op(&mut self, op: &Op, inner_ticks: &mut Option<u32>) -> Flow {
        match op {
            Op::Add(k) => self.acc = self.acc.wrapping_add(*k),
            Op::Yield => return self.yield_(),
            Op::Tick => match inner_ticks {
                Some(n) => *n += 1,
                None => self.ticks += 1,
            },
            Op::Recurse {
                depth,
                yield_at_bottom,
            } => {
                let d = *depth as i32;
                self.acc = self.acc.wrapping_add(d.wrapping_mul(d + 1) / 2);
                if *yield_at_bottom {
                    if let Flow::Thrown(v) = self.yield_() {
                        return Flow::Thrown(v);
                    }
                }
                self.acc = self.acc.wrapping_add(d);
            }
            Op::Throw => return Flow::Thrown(self.acc),
            Op::Catch(inner) => {
                if let Flow::Thrown(v) = self.ops(inner, inner_ticks) {
                    self.acc = v.wrapping_add(7);
                }
            }
            Op::Nested(inner) => {
                let mut mine = Some(0);
                let flow = self.ops(inner, &mut mine);
                if flow != Flow::Normal {
                    return flow;
                }
                let n = mine.unwrap_or(0) as i32;
                self.acc = self.acc.wrapping_add(n.wrapping_mul(100));
            }
        }
        Flow::Normal
    }
}

/// What the handler sends back for a payload `x`, as the coroutine's accumulator sees it.
pub fn reply(payload: Payload, x: i32) -> i32 {
    match payload {
        Payload::I32 | Payload::I64 | Payload::Boxed => x.wrapping_mul(3).wrapping_add(1),
        Payload::F64 => x / 2,
        Payload::Pair(c) => x.wrapping_add(c) ^ x.wrapping_sub(c),
    }
}

impl Coroutine {
    /// The initial accumulator.
    pub fn start(&self) -> i32 {
        self.args.iter().enumerate().fold(self.init, |acc, (i, a)| {
            acc.wrapping_add(a.wrapping_mul(i as i32 + 2))
        })
    }

    /// `run`'s result, and how many yields reached the driver.
    pub fn predict(&self) -> (i32, u32) {
        let mut run = Run {
            c: self,
            acc: self.start(),
            yields: 0,
            ticks: 0,
        };
        let r = match run.ops(&self.body, &mut None) {
            Flow::Normal => run.acc,
            Flow::Thrown(v) => v.wrapping_add(5),
        };
        let result = r
            .wrapping_add((run.ticks as i32).wrapping_mul(100))
            .wrapping_add((run.yields as i32).wrapping_mul(10000));
        (result, run.yields)
    }

    /// Whether the stored continuation can be resumed by `again` (kept outside the run).
    pub fn has_again(&self) -> bool {
        self.again
            && matches!(self.storage, Storage::Global | Storage::Table)
            && count_yields(&self.body) > 0
    }
}

impl PingPong {
    pub fn predict(&self) -> i64 {
        let mut n: i64 = if self.yield_first { 1 } else { 0 };
        while n < self.limit as i64 {
            n += self.step as i64;
        }
        n + 1000
    }
}
