//! Reading the OCaml reference interpreter's failures (`wasm FILE.wast`).
//!
//! It stops at the first failure and prints one line `FILE:L.C-L.C: CATEGORY: MESSAGE`
//! (`script/run.ml`), sometimes after `Result:`/`Expect:` lines. Two things need care:
//! - an `assertion failure` names the directive; every other category (`runtime trap`,
//!   `resource exhaustion`, `uncaught exception`, `suspension error`, `runtime crash`) names
//!   the *instruction* that failed, inside a module's text, so the directive that ran it must be
//!   found by bisection;
//! - the assertion messages say what happened instead of what was expected: `expected runtime
//!   error` means the action returned, `expected validation error` that the module is valid.

use crate::outcome::{Category, Outcome};
use crate::script::Directive;

/// The reference's `CATEGORY: MESSAGE` after a `FILE:L.C-L.C: ` location, if `text` has one.
fn located_error(text: &str) -> Option<(&str, &str)> {
    text.lines().find_map(|l| {
        let p = l.find(".wast:")?;
        let rest = &l[p + 6..];
        // `12.3-12.40: category: message`
        let (loc, tail) = rest.split_once(": ")?;
        let ok = !loc.is_empty()
            && loc
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
        if !ok {
            return None;
        }
        Some(tail.split_once(": ").unwrap_or((tail, "")))
    })
}

/// The line the reference's failure names, when that line is the failing directive's
/// (assertions and module-level errors); `None` when it names an instruction (bisect).
pub fn failure_line(text: &str, file: &str) -> Option<usize> {
    let (category, _) = located_error(text)?;
    let named_directive = matches!(
        category,
        "assertion failure"
            | "validation error"
            | "syntax error"
            | "decoding error"
            | "link failure"
            | "custom section decoding error"
            | "custom validation error"
    );
    if !named_directive {
        return None;
    }
    let p = text.find(&format!("{file}:"))?;
    let digits: String = text[p + file.len() + 1..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// The outcome the reference's failure text means for directive `d`; `None` if the text is
/// not the reference's.
pub fn classify(d: &Directive, text: &str) -> Option<Outcome> {
    let (category, message) = located_error(text)?;
    let expected = d.expect.category();
    let c = match category {
        "assertion failure" => match message.trim() {
            "wrong return values" => Category::Return,
            "expected runtime error"
            | "expected exception"
            | "expected suspension"
            // The action ended normally.
            | "expected exhaustion error" => Category::Return,
            m if m.starts_with("expected ") => Category::Success,
            "wrong runtime error" => expected,
            "wrong validation error" => Category::Invalid,
            "wrong decoding error" | "wrong parsing error" => Category::Malformed,
            "wrong linking error" => Category::Unlinkable,
            "wrong instantiation error" => Category::Trap,
            "wrong exhaustion error" => Category::Exhaustion,
            _ => return None,
        },
        "runtime trap" => Category::Trap,
        "resource exhaustion" => Category::Exhaustion,
        "uncaught exception" => Category::Exception,
        "suspension error" => Category::Suspension,
        "runtime crash" => Category::Crash,
        "validation error" | "custom validation error" => Category::Invalid,
        "syntax error" | "decoding error" | "custom section decoding error" => Category::Malformed,
        "link failure" => Category::Unlinkable,
        _ => Category::Unsupported,
    };
    let detail = format!("{category}: {message}");
    let mut o = Outcome::judged(d, c, detail);
    if c == expected && !c.is_failure_of_engine() {
        // It stopped here, so even the right category came with the wrong values or message.
        o.passes = Some(false);
    }
    Some(o)
}

/// Whether the reference died of an OCaml exception (its own crash), not a verdict.
pub fn died(text: &str) -> bool {
    text.contains("Fatal error: exception")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "(module (func (export \"f\") (result i32) (i32.const 1)))\n\
        (assert_trap (invoke \"f\") \"unreachable\")\n\
        (assert_invalid (module) \"type mismatch\")\n\
        (assert_return (invoke \"f\") (i32.const 2))\n";

    fn d(i: usize) -> Directive {
        crate::script::parse("t.wast", SCRIPT.into())
            .unwrap()
            .directives
            .remove(i)
    }

    #[test]
    fn reads_the_references_words() {
        let cat = |i: usize, t: &str| classify(&d(i), t).map(|o| (o.category, o.passes));
        assert_eq!(
            cat(
                1,
                "t.wast:2.1-2.40: assertion failure: expected runtime error"
            ),
            Some((Category::Return, Some(false)))
        );
        assert_eq!(
            cat(
                1,
                "Result: \"x\"\nt.wast:2.1-2.40: assertion failure: wrong runtime error"
            ),
            Some((Category::Trap, Some(false)))
        );
        assert_eq!(
            cat(
                2,
                "t.wast:3.1-3.40: assertion failure: expected validation error"
            ),
            Some((Category::Success, Some(false)))
        );
        assert_eq!(
            cat(3, "t.wast:1.30-1.40: runtime trap: unreachable"),
            Some((Category::Trap, Some(false)))
        );
        assert_eq!(
            cat(
                3,
                "Result: 1 : [i32]\nt.wast:4.1-4.40: assertion failure: wrong return values"
            ),
            Some((Category::Return, Some(false)))
        );
        assert_eq!(cat(3, "wasm trap: unreachable"), None);
    }

    #[test]
    fn instruction_locations_are_not_directives() {
        let f = "t.wast";
        assert_eq!(
            failure_line("t.wast:4.1-4.40: assertion failure: wrong return values", f),
            Some(4)
        );
        assert_eq!(
            failure_line("t.wast:1.30-1.40: runtime trap: unreachable", f),
            None
        );
        assert_eq!(
            failure_line(
                "t.wast:1.30-1.40: resource exhaustion: call stack exhausted",
                f
            ),
            None
        );
    }
}
