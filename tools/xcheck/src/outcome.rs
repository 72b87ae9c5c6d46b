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
}

impl Outcome {
    pub fn new(category: Category, detail: impl Into<String>, passes: Option<bool>) -> Outcome {
        Outcome {
            category,
            detail: detail.into(),
            passes,
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
        if self.detail.is_empty() {
            self.category.name().to_string()
        } else {
            format!("{} {}", self.category.name(), self.detail)
        }
    }

    pub fn to_json(&self) -> Value {
        json!({ "category": self.category.name(), "detail": self.detail, "passes": self.passes })
    }
}

/// Whether an outcome category is the one the script asks for. Engines cannot always tell a
/// decoding error from a validation error (the JS API has one `CompileError` for both), so the
/// adapters classify a rejection as the kind the script expects when they cannot tell.
pub fn matches_expectation(expect: &Expect, category: Category) -> bool {
    expect.category() == category
}

/// How one engine's outcome compares with the reference (Switchyard, or the script when
/// Switchyard has no outcome).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Agree,
    Differ,
    Crashed,
    TimedOut,
    Unsupported,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Agree => "agree",
            Verdict::Differ => "differ",
            Verdict::Crashed => "crashed",
            Verdict::TimedOut => "timed out",
            Verdict::Unsupported => "unsupported",
        }
    }
}

/// Compares an engine's outcome with Switchyard's (when Switchyard produced one) or else with
/// the script. Two outcomes agree when both pass the script, or both fail it the same way
/// (same category, and the same values if both returned values).
pub fn compare(engine: &Outcome, reference: Option<&Outcome>) -> Verdict {
    match engine.category {
        Category::Crash => return Verdict::Crashed,
        Category::Timeout => return Verdict::TimedOut,
        Category::Unsupported => return Verdict::Unsupported,
        _ => {}
    }
    let reference = reference.filter(|r| !r.category.is_failure_of_engine());
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
    if same {
        Verdict::Agree
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
    }
}
