//! Findings: how a disagreement with the predicted outcome is classified, minimized,
//! deduplicated and written down.

use crate::engines::{self, Engine};
use crate::outcome::{Category, Outcome};
use crate::script::{self, Expect};
use stackgen::program::{Program, Scenario};
use std::collections::BTreeSet;
use std::time::Duration;

/// The kind of a disagreement between an engine and the predicted outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Returned other values.
    WrongValue,
    /// Another outcome than the predicted one (a trap where values were due, values where a
    /// trap was due, another trap, a suspension for an exception...).
    WrongTrap,
    /// The engine process died.
    Crash,
    /// No answer within the time limit.
    Hang,
    /// A valid module was rejected.
    RejectedValid,
    /// An invalid module was accepted.
    AcceptedInvalid,
    /// The engine ran out of a resource on a small program (stack, memory).
    Exhaustion,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::WrongValue => "wrong value",
            Class::WrongTrap => "wrong trap",
            Class::Crash => "crash",
            Class::Hang => "hang",
            Class::RejectedValid => "rejected valid module",
            Class::AcceptedInvalid => "accepted invalid module",
            Class::Exhaustion => "exhaustion",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Class::WrongValue => "wrong-value",
            Class::WrongTrap => "wrong-trap",
            Class::Crash => "crash",
            Class::Hang => "hang",
            Class::RejectedValid => "rejected-valid",
            Class::AcceptedInvalid => "accepted-invalid",
            Class::Exhaustion => "exhaustion",
        }
    }
}

/// Whether an outcome disagrees with what the script predicts, and how. `None`: it agrees,
/// or the engine did not run the directive (unsupported: not a verdict).
pub fn classify(expect: &Expect, o: &Outcome) -> Option<Class> {
    match o.category {
        Category::Crash => return Some(Class::Crash),
        Category::Timeout => return Some(Class::Hang),
        Category::Unsupported => return None,
        _ => {}
    }
    if o.passes == Some(true) {
        return None;
    }
    let expected = expect.category();
    Some(match (expected, o.category) {
        // Engines word validation errors their own way: the category is the verdict.
        (Category::Invalid, Category::Invalid | Category::Malformed) => return None,
        (Category::Invalid, _) => Class::AcceptedInvalid,
        (_, Category::Invalid | Category::Malformed) => Class::RejectedValid,
        (_, Category::Exhaustion) => Class::Exhaustion,
        (Category::Return, Category::Return) => Class::WrongValue,
        _ => Class::WrongTrap,
    })
}

/// What identifies a fault: the engine, the class, the engine's words without numbers, and
/// the stack-switching features of the (minimized) program.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Signature {
    pub engine: String,
    pub class: Class,
    pub words: String,
    pub features: BTreeSet<&'static str>,
}

impl Signature {
    pub fn text(&self) -> String {
        let features: Vec<&str> = self.features.iter().copied().collect();
        format!(
            "{} / {} / {} / {}",
            self.engine,
            self.class.slug(),
            if self.words.is_empty() {
                "-"
            } else {
                &self.words
            },
            features.join(",")
        )
    }
}

/// An engine's detail without numbers, paths or values: stable across programs that hit the
/// same fault. Values count only for their types.
pub fn words(class: Class, detail: &str) -> String {
    let mut d = detail.to_ascii_lowercase();
    // A harness's JSON progress lines (the last directive reported) are not the engine's words.
    if let Some(p) = d.find('{') {
        d.truncate(p);
    }
    if class == Class::WrongValue || class == Class::Hang {
        return String::new();
    }
    let mut out = String::new();
    let mut last_digit = false;
    for c in d.chars() {
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('#');
            }
            last_digit = true;
            continue;
        }
        last_digit = false;
        out.push(c);
    }
    // Paths and file names vary from run to run.
    let out: Vec<&str> = out
        .split_whitespace()
        .filter(|w| !w.contains('/') && !w.contains(".wast") && !w.contains(".js"))
        .collect();
    let mut s = out.join(" ");
    if s.len() > 80 {
        let mut cut = 80;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// Whether the engine's words name the fault precisely enough on their own (an assertion or a
/// validator's message): then the program's features are left out of the signature, so one
/// fault reached by many programs stays one finding.
pub fn words_identify(class: Class, words: &str) -> bool {
    const PRECISE: [&str; 7] = [
        "check failed",
        "unimplemented",
        "assertion",
        "panicked",
        "expected type",
        "compiling function",
        "unwrap",
    ];
    // A rejection's words are the validator's or parser's message: they name the fault.
    (class == Class::RejectedValid && !words.is_empty())
        || (class == Class::Crash && PRECISE.iter().any(|p| words.contains(p)))
}

/// A signature from an engine's outcome and the scenario's text.
pub fn signature(engine: String, class: Class, detail: &str, text: &str) -> Signature {
    let words = words(class, detail);
    let features = if words_identify(class, &words) {
        BTreeSet::new()
    } else {
        features(text)
    };
    Signature {
        engine,
        class,
        words,
        features,
    }
}

/// The instructions and type forms a scenario's text uses.
pub fn features(text: &str) -> BTreeSet<&'static str> {
    const KNOWN: [&str; 29] = [
        "cont.new",
        "cont.bind",
        "resume_throw_ref",
        "resume_throw",
        "resume",
        "suspend",
        "switch",
        "try_table",
        "catch_all_ref",
        "catch_all",
        "throw",
        "struct.new",
        "struct.new_default",
        "struct.get",
        "array.get",
        "array.new_default",
        "table.get",
        "global.get",
        "call",
        "i64",
        "f64",
        "exnref",
        "rec",
        "sub",
        "ref.null",
        "select",
        "i32.div_s",
        "assert_invalid",
        "assert_suspension",
    ];
    let mut out = BTreeSet::new();
    for token in text.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        if let Some(k) = KNOWN.iter().find(|k| **k == token) {
            out.insert(*k);
        }
    }
    // `(on $e switch)` is a handler clause, not the instruction.
    if text.contains(" switch)") && !text.contains("(switch ") {
        out.remove("switch");
        out.insert("on-switch");
    }
    out
}

/// One disagreement as first seen: the engine, the directive, and the scenario holding it.
#[derive(Clone, Debug)]
pub struct Sighting {
    pub engine: usize,
    pub scenario: Scenario,
    pub class: Class,
    pub expected: String,
    pub outcome: Outcome,
    pub program_seed: u64,
}

/// A minimized, deduplicated finding.
#[derive(Clone, Debug)]
pub struct Finding {
    pub number: usize,
    pub signature: Signature,
    pub engine_name: String,
    pub class: Class,
    /// The reproducer: the minimized scenario's text.
    pub text: String,
    pub expected: String,
    pub got: String,
    /// The seed of the program it was first seen in.
    pub program_seed: u64,
    pub runs: usize,
    /// How often it was seen (the first sighting included).
    pub count: usize,
    /// Whether Switchyard agrees with the prediction on the reproducer (None: not run).
    pub switchyard_agrees: Option<bool>,
}

/// Runs one scenario alone on one engine: the first disagreement of its directives, if any.
pub fn disagreement(
    engine: &dyn Engine,
    scenario: &Scenario,
    timeout: Duration,
) -> Option<(Class, String, Outcome)> {
    let text = stackgen::render::scenario(scenario);
    let script = script::parse("typed-cont/reduce.wast", text).ok()?;
    let outcomes = engines::run_script(engine, &script, timeout);
    script
        .directives
        .iter()
        .zip(outcomes)
        .find_map(|(d, o)| classify(&d.expect, &o).map(|c| (c, d.expect.describe(), o)))
}

/// Shrinks a scenario while the engine keeps disagreeing the same way (same class and the same
/// words): greedy descent over `stackgen::shrink::candidates`, at most `budget` engine runs.
pub fn minimize(
    engine: &dyn Engine,
    sighting: &Sighting,
    timeout: Duration,
    budget: usize,
) -> (Scenario, String, Outcome, usize) {
    let want_words = words(sighting.class, &sighting.outcome.detail);
    let mut best = sighting.scenario.clone();
    let mut expected = sighting.expected.clone();
    let mut got = sighting.outcome.clone();
    let mut runs = 0;
    'descend: loop {
        for candidate in stackgen::shrink::candidates(&best) {
            if runs >= budget {
                break 'descend;
            }
            runs += 1;
            if let Some((class, exp, o)) = disagreement(engine, &candidate, timeout) {
                if class == sighting.class && words(class, &o.detail) == want_words {
                    best = candidate;
                    expected = exp;
                    got = o;
                    continue 'descend;
                }
            }
        }
        break;
    }
    (best, expected, got, runs)
}

impl Finding {
    pub fn file_name(&self) -> String {
        format!(
            "{:03}-{}-{}.wast",
            self.number,
            self.engine_name.replace(['/', '=', ' '], "_"),
            self.class.slug()
        )
    }

    /// The reproducer with a header that says what it shows.
    pub fn reproducer(&self, engine_command: &str) -> String {
        let got = self.got.replace('\n', " ");
        format!(
            ";; xcheck fuzz finding {}: {} {} ({})\n;; expected: {}\n;; got:      {}\n;; first seen in program seed {}; signature: {}\n{}",
            self.number,
            self.engine_name,
            self.class.name(),
            engine_command,
            self.expected,
            got,
            self.program_seed,
            self.signature.text(),
            self.text
        )
    }
}

/// Program-level helper: the scenario a directive line belongs to.
pub fn scenario_of(
    program: &Program,
    rendered: &stackgen::Rendered,
    line: usize,
) -> Option<Scenario> {
    rendered
        .scenario_at(line)
        .and_then(|i| program.scenarios.get(i).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// binaryen's `expected trap, got exception` after an `assert_trap`: the engine threw an
    /// exception where the rules trap. That is what the finding says it got (not a returned
    /// value, which the words `expected trap` alone once suggested), and it is a wrong trap.
    #[test]
    fn binaryen_exception_instead_of_trap() {
        let src = "(module (func (export \"f\")))\n(assert_trap (invoke \"f\") \"null exception reference\")\n";
        let s = script::parse("t.wast", src.into()).expect("parses");
        let d = &s.directives[1];
        let o = engines::classify_failure(d, "expected trap, got exception");
        assert_eq!(o.category, Category::Exception);
        assert_eq!(classify(&d.expect, &o), Some(Class::WrongTrap));
        assert!(o.describe().starts_with("exception"), "{}", o.describe());
    }

    #[test]
    fn classes() {
        let ret = Expect::Return(vec![]);
        let o = |c, p| Outcome::new(c, "", p);
        assert_eq!(classify(&ret, &o(Category::Return, Some(true))), None);
        assert_eq!(
            classify(&ret, &o(Category::Return, Some(false))),
            Some(Class::WrongValue)
        );
        assert_eq!(
            classify(&ret, &o(Category::Trap, Some(false))),
            Some(Class::WrongTrap)
        );
        assert_eq!(
            classify(&Expect::Success, &o(Category::Invalid, Some(false))),
            Some(Class::RejectedValid)
        );
        let inv = Expect::Invalid("type mismatch".into());
        assert_eq!(
            classify(&inv, &o(Category::Success, Some(false))),
            Some(Class::AcceptedInvalid)
        );
        assert_eq!(classify(&inv, &o(Category::Invalid, Some(false))), None);
        assert_eq!(classify(&ret, &Outcome::crash("x")), Some(Class::Crash));
        assert_eq!(classify(&ret, &Outcome::timeout(1.0)), Some(Class::Hang));
        assert_eq!(classify(&ret, &Outcome::unsupported("x")), None);
    }

    #[test]
    fn words_drop_numbers_and_paths() {
        assert_eq!(
            words(
                Class::Crash,
                "killed by signal 5 (exit 133): Fatal error in /tmp/x.js, line 12"
            ),
            "killed by signal # (exit #): fatal error in line #"
        );
        assert_eq!(words(Class::WrongValue, "i32:5"), "");
    }

    #[test]
    fn features_of_text() {
        let f = features("(resume $k (on $e switch) (cont.new $k (ref.func $g)))");
        assert!(f.contains("on-switch") && f.contains("cont.new") && f.contains("resume"));
        assert!(!f.contains("switch"));
    }
}
