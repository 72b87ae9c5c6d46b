//! Structural shrinking: every smaller variant of a scenario that is still valid, terminating
//! and predicted by the model. The minimizer tries them in order and keeps the first that still
//! shows the fault, until none does.

use crate::program::*;

/// Smaller variants of a scenario, the most aggressive first.
pub fn candidates(s: &Scenario) -> Vec<Scenario> {
    match s {
        Scenario::Coroutine(c) => coroutine(c).into_iter().map(Scenario::Coroutine).collect(),
        Scenario::PingPong(p) => {
            let mut out = Vec::new();
            if p.yield_first {
                out.push(PingPong {
                    yield_first: false,
                    ..p.clone()
                });
            }
            if p.wide {
                out.push(PingPong {
                    wide: false,
                    ..p.clone()
                });
            }
            if p.limit > 1 {
                out.push(PingPong {
                    limit: p.limit / 2,
                    ..p.clone()
                });
                out.push(PingPong {
                    limit: p.limit - 1,
                    ..p.clone()
                });
            }
            if p.step > 1 {
                out.push(PingPong {
                    step: 1,
                    ..p.clone()
                });
            }
            out.into_iter().map(Scenario::PingPong).collect()
        }
        Scenario::SwitchChain(c) => {
            let mut out = Vec::new();
            if c.back {
                out.push(Scenario::SwitchChain(SwitchChain {
                    back: false,
                    ..c.clone()
                }));
            }
            out
        }
        Scenario::Trap(_) | Scenario::Escape(_) | Scenario::Invalid(_) => Vec::new(),
    }
}

fn coroutine(c: &Coroutine) -> Vec<Coroutine> {
    let mut out = Vec::new();
    let mut with = |f: &dyn Fn(&mut Coroutine)| {
        let mut v = c.clone();
        f(&mut v);
        if v != *c {
            out.push(v);
        }
    };
    // Smaller bodies: without one op, or with a compound op replaced by its inside.
    for body in bodies(&c.body) {
        with(&|v| v.body = body.clone());
    }
    with(&|v| v.again = false);
    with(&|v| v.throw_at = 0);
    with(&|v| v.throw_at = v.throw_at.min(1));
    with(&|v| v.throw_ref = false);
    with(&|v| v.storage = Storage::Local);
    with(&|v| v.payload = Payload::I32);
    with(&|v| v.swap_clauses = false);
    with(&|v| {
        v.args.clear();
        v.bound = 0
    });
    with(&|v| v.bound = 0);
    with(&|v| {
        if v.args.len() > 1 {
            v.args.pop();
            v.bound = v.bound.min(v.args.len());
        }
    });
    with(&|v| v.init = 0);
    with(&|v| v.throw_value = 0);
    // A throw at a yield that no longer exists would never be taken: move it to the last.
    for v in &mut out {
        v.throw_at = v.throw_at.min(count_yields(&v.body));
    }
    out
}

/// Every body one step smaller.
fn bodies(ops: &[Op]) -> Vec<Vec<Op>> {
    let mut out = Vec::new();
    for i in 0..ops.len() {
        // Without op i.
        let mut v = ops.to_vec();
        v.remove(i);
        out.push(v);
        // Op i simplified.
        let smaller: Vec<Vec<Op>> = match &ops[i] {
            Op::Catch(inner) | Op::Nested(inner) => {
                let mut alts = vec![inner.clone()];
                for b in bodies(inner) {
                    alts.push(vec![match &ops[i] {
                        Op::Catch(_) => Op::Catch(b),
                        _ => Op::Nested(b),
                    }]);
                }
                alts
            }
            Op::Recurse {
                depth,
                yield_at_bottom,
            } => {
                let mut alts = Vec::new();
                if *depth > 1 {
                    alts.push(vec![Op::Recurse {
                        depth: depth / 2,
                        yield_at_bottom: *yield_at_bottom,
                    }]);
                }
                if *yield_at_bottom {
                    alts.push(vec![Op::Yield]);
                }
                alts
            }
            Op::Add(k) if *k != 0 => vec![vec![Op::Add(0)]],
            _ => Vec::new(),
        };
        for s in smaller {
            let mut v = ops[..i].to_vec();
            v.extend(s);
            v.extend_from_slice(&ops[i + 1..]);
            out.push(v);
        }
    }
    out
}
