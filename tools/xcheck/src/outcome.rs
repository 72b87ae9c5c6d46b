//! Outcomes of one directive on one engine, normalized to categories so that engines with
//! different error texts can be compared.

use crate::script::{Directive, Expect};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Module instantiated, name registered, action ran (no values checked).
    Success,
    /// Returned values.
    Return,
    Trap,
    /// An uncaught Wasm exception.
    Exception,
    /// An unhandled suspension reached the host.
    Suspension,
    /// Stack or resource exhaustion.
    Exhaustion,
    Invalid,
    Malformed,
    Unlinkable,
    /// The engine process died (signal, panic, abort).
    Crash,
    Timeout,
    /// Not run: the engine or the harness cannot express it, or it needs a module the engine
    /// did not make.
    Unsupported,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Success => "success",
            Category::Return => "return",
            Category::Trap => "trap",
            Category::Exception => "exception",
            Category::Suspension => "suspension",
            Category::Exhaustion => "exhaustion",
            Category::Invalid => "invalid",
            Category::Malformed => "malformed",
            Category::Unlinkable => "unlinkable",
            Category::Crash => "crash",
            Category::Timeout => "timeout",
            Category::Unsupported => "unsupported",
        }
    }

    pub fn from_name(s: &str) -> Option<Category> {
        Some(match s {
            "success" | "ok" | "module" | "register" | "instantiated" => Category::Success,
            "return" | "returned" | "values" => Category::Return,
            "trap" | "uninstantiable" => Category::Trap,
            "exception" => Category::Exception,
            "suspension" => Category::Suspension,
            "exhaustion" => Category::Exhaustion,
            "invalid" => Category::Invalid,
            "malformed" => Category::Malformed,
            "unlinkable" => Category::Unlinkable,
            "crash" => Category::Crash,
            "timeout" => Category::Timeout,
            "unsupported" | "skipped" => Category::Unsupported,
            _ => return None,
        })
    }

    /// The engine produced no semantic outcome for this directive.
    pub fn is_failure_of_engine(self) -> bool {
        matches!(
            self,
            Category::Crash | Category::Timeout | Category::Unsupported
        )
    }
}

/// What one engine did with one directive.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub category: Category,
    /// Values (`i32:1 i64:2`), a trap or error text, a crash's exit status: kept for reports,
    /// never required to match.
    pub detail: String,
    /// Whether the engine did what the script expects; `None` when it did not run it.
    pub passes: Option<bool>,
    /// The line of an earlier directive this outcome depends on (its module, a registration, or
    /// state it would have changed) that did not run as the script says on this engine (it was
    /// left out after a crash or a hang, or the engine did not make its module). Such an outcome
    /// is not comparable: it is what the engine did in a state the script never made.
    pub depends_on: Option<usize>,
}

impl Outcome {
    pub fn new(category: Category, detail: impl Into<String>, passes: Option<bool>) -> Outcome {
        Outcome {
            category,
            detail: detail.into(),
            passes,
            depends_on: None,
        }
    }

    /// Not run: it needs what the directive at `line` should have made.
    pub fn not_run(line: usize, why: &str) -> Outcome {
        Outcome {
            depends_on: Some(line),
            ..Outcome::unsupported(format!("not run: needs line {line}, {why}"))
        }
    }

    /// The engine did exactly what the script expects.
    pub fn as_expected(d: &Directive, detail: impl Into<String>) -> Outcome {
        Outcome::new(d.expect.category(), detail, Some(true))
    }

    /// An outcome of a category, judged against the script: for a category the script expects,
    /// the judgement is `passes_if_same` (values may still differ).
    pub fn judged(d: &Directive, category: Category, detail: impl Into<String>) -> Outcome {
        let passes = if category.is_failure_of_engine() {
            None
        } else {
            Some(matches_expectation(&d.expect, category))
        };
        Outcome::new(category, detail, passes)
    }

    pub fn unsupported(detail: impl Into<String>) -> Outcome {
        Outcome::new(Category::Unsupported, detail, None)
    }

    pub fn crash(detail: impl Into<String>) -> Outcome {
        Outcome::new(Category::Crash, detail, None)
    }

    pub fn timeout(secs: f64) -> Outcome {
        Outcome::new(Category::Timeout, format!("no answer within {secs}s"), None)
    }

    pub fn describe(&self) -> String {
        let own = if self.detail.is_empty() {
            self.category.name().to_string()
        } else {
            format!("{} {}", self.category.name(), self.detail)
        };
        match self.depends_on {
            Some(line) if self.category != Category::Unsupported => {
                format!("{own} (not comparable: depends on line {line})")
            }
            _ => own,
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "category": self.category.name(), "detail": self.detail, "passes": self.passes,
            "depends_on": self.depends_on,
        })
    }
}

/// Whether an outcome category is the one the script asks for. Engines cannot always tell a
/// decoding error from a validation error (the JS API has one `CompileError` for both), so the
/// adapters classify a rejection as the kind the script expects when they cannot tell.
pub fn matches_expectation(expect: &Expect, category: Category) -> bool {
    expect.category() == category
}

/// How one engine's outcome compares with the reference (Switchyard, or the script when
/// Switchyard has no outcome). Only `Differ` is a semantic disagreement; the others say why
/// there is none to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    Agree,
    /// Both ran the directive in the state the script makes, and did different things.
    Differ,
    /// One side ran out of a resource (stack, fuel, a host limit) where the other did not:
    /// a limit of an implementation, not a difference in semantics.
    Limit,
    /// The engine's outcome depends on an earlier directive that did not run as the script
    /// says (left out after a crash or hang, or a module the engine did not make).
    NotComparable,
    Crashed,
    TimedOut,
    Unsupported,
}

impl Verdict {
    pub const ALL: [Verdict; 7] = [
        Verdict::Agree,
        Verdict::Differ,
        Verdict::Limit,
        Verdict::NotComparable,
        Verdict::Crashed,
        Verdict::TimedOut,
        Verdict::Unsupported,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Agree => "agree",
            Verdict::Differ => "differ",
            Verdict::Limit => "resource limit",
            Verdict::NotComparable => "not comparable",
            Verdict::Crashed => "crashed",
            Verdict::TimedOut => "timed out",
            Verdict::Unsupported => "unsupported",
        }
    }

    /// The sign used in matrix cells.
    pub fn sign(self) -> &'static str {
        match self {
            Verdict::Agree => "=",
            Verdict::Differ => "≠",
            Verdict::Limit => "≈",
            Verdict::NotComparable => "↳",
            Verdict::Crashed => "✗",
            Verdict::TimedOut => "◷",
            Verdict::Unsupported => "?",
        }
    }

    /// A name usable as a CSS class or an anchor part.
    pub fn slug(self) -> &'static str {
        match self {
            Verdict::Agree => "agree",
            Verdict::Differ => "differ",
            Verdict::Limit => "limit",
            Verdict::NotComparable => "not-comparable",
            Verdict::Crashed => "crashed",
            Verdict::TimedOut => "timed-out",
            Verdict::Unsupported => "unsupported",
        }
    }
}

/// Compares an engine's outcome with Switchyard's (when Switchyard produced a comparable one)
/// or else with the script. Two outcomes agree when both pass the script, or both fail it the
/// same way (same category, and the same values if both returned values). A crash is a crash
/// wherever it happens; an outcome that depends on a directive that did not run is not
/// comparable; exhaustion on one side only is a resource limit.
pub fn compare(engine: &Outcome, reference: Option<&Outcome>) -> Verdict {
    match engine.category {
        Category::Crash => return Verdict::Crashed,
        Category::Timeout => return Verdict::TimedOut,
        _ if engine.depends_on.is_some() => return Verdict::NotComparable,
        Category::Unsupported => return Verdict::Unsupported,
        _ => {}
    }
    let reference =
        reference.filter(|r| !r.category.is_failure_of_engine() && r.depends_on.is_none());
    let same = match reference {
        None => engine.passes == Some(true),
        Some(r) => {
            if engine.passes == Some(true) || r.passes == Some(true) {
                engine.passes == r.passes
            } else {
                engine.category == r.category
                    && (engine.category != Category::Return
                        || engine.detail.is_empty()
                        || r.detail.is_empty()
                        || normalize_values(&engine.detail) == normalize_values(&r.detail))
            }
        }
    };
    let exhausted = |o: &Outcome| o.category == Category::Exhaustion;
    let reference_exhausted = match reference {
        Some(r) => exhausted(r),
        None => false,
    };
    if same {
        Verdict::Agree
    } else if exhausted(engine) != reference_exhausted {
        Verdict::Limit
    } else {
        Verdict::Differ
    }
}

/// Values as words, without punctuation differences between engines' renderings.
fn normalize_values(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(c: Category, passes: Option<bool>, detail: &str) -> Outcome {
        Outcome::new(c, detail, passes)
    }

    #[test]
    fn verdicts() {
        let pass = out(Category::Return, Some(true), "i32:1");
        let trap = out(Category::Trap, Some(false), "unreachable");
        assert_eq!(compare(&pass, Some(&pass)), Verdict::Agree);
        assert_eq!(compare(&trap, Some(&pass)), Verdict::Differ);
        assert_eq!(
            compare(&trap, Some(&out(Category::Trap, Some(false), "x"))),
            Verdict::Agree
        );
        assert_eq!(compare(&pass, None), Verdict::Agree);
        assert_eq!(
            compare(&pass, Some(&Outcome::crash("sig 5"))),
            Verdict::Agree
        );
        assert_eq!(
            compare(&Outcome::crash("sig 5"), Some(&pass)),
            Verdict::Crashed
        );
        let r1 = out(Category::Return, Some(false), "i32:1, i32:2");
        let r2 = out(Category::Return, Some(false), "[I32:1 i32:2]");
        let r3 = out(Category::Return, Some(false), "i32:3");
        assert_eq!(compare(&r1, Some(&r2)), Verdict::Agree);
        assert_eq!(compare(&r1, Some(&r3)), Verdict::Differ);
        // Exhaustion on one side only: a resource limit, either way round.
        let deep = out(Category::Exhaustion, Some(false), "call stack exhausted");
        assert_eq!(compare(&deep, Some(&pass)), Verdict::Limit);
        assert_eq!(compare(&pass, Some(&deep)), Verdict::Limit);
        assert_eq!(compare(&deep, None), Verdict::Limit);
        // A knock-on outcome is never agree or differ, whatever it is.
        let knock = Outcome {
            depends_on: Some(12),
            ..r3.clone()
        };
        assert_eq!(compare(&knock, Some(&pass)), Verdict::NotComparable);
        assert_eq!(
            compare(&Outcome::not_run(12, "x"), Some(&pass)),
            Verdict::NotComparable
        );
        // A reference that is itself not comparable is replaced by the script.
        assert_eq!(compare(&pass, Some(&knock)), Verdict::Agree);
    }
}
