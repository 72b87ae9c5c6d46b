//! Rule coverage: which reduction and typing rules a run exercised, and how often.
//!
//! Counting is off unless asked for: a `Store` counts reduction steps only when its
//! `rule_counts` is set, and the validator counts the typing rules it applies only when given a
//! `RuleCounts` (`valid::validate_module_counting`). `switchyard coverage` turns both on for every
//! script, then compares the names hit with the rules each proposal text lists (`doc`) and
//! renders the result (`report`).
//!
//! What counts as one hit:
//! - a reduction step that completed: the rule it returned (what `--trace` prints);
//! - a step that ended in a trap or an outcome: the rule that raised it (`Error::rule`, else the
//!   design's trap rule for the instruction at the redex, `design::trap_rule`); a core
//!   instruction's trap has no rule name of its own in `proposals/core/README.md` and is counted
//!   as an outcome (`trap: <message>`);
//! - a rule performed inside another step (`exception-through-prompt` while a `throw` unwinds);
//! - a typing rule applied to an instruction, whether it held or not (failures are also
//!   counted on their own), and the clause rules applied inside one (`hdl-on-label`,
//!   `handle-branch`).

pub mod doc;
pub mod report;

use std::collections::{BTreeMap, HashMap};

/// How often each rule was hit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleCounts {
    /// Reduction rules (completed steps, trap rules, rules inside a step).
    pub reduction: HashMap<&'static str, u64>,
    /// Typing rules applied, whether they held or not.
    pub typing: HashMap<&'static str, u64>,
    /// Typing rules that failed (the module was invalid there).
    pub typing_failed: HashMap<&'static str, u64>,
    /// Steps that ended without a rule name: core traps and exhaustion, by message
    /// (`trap: unreachable`).
    pub outcomes: BTreeMap<String, u64>,
}

impl RuleCounts {
    pub fn reduction(&mut self, rule: &'static str) {
        *self.reduction.entry(rule).or_insert(0) += 1;
    }

    pub fn typing(&mut self, rule: &'static str, failed: bool) {
        *self.typing.entry(rule).or_insert(0) += 1;
        if failed {
            *self.typing_failed.entry(rule).or_insert(0) += 1;
        }
    }

    pub fn outcome(&mut self, what: String) {
        *self.outcomes.entry(what).or_insert(0) += 1;
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &RuleCounts) {
        let add = |into: &mut HashMap<&'static str, u64>, from: &HashMap<&'static str, u64>| {
            for (&k, &n) in from {
                *into.entry(k).or_insert(0) += n;
            }
        };
        add(&mut self.reduction, &other.reduction);
        add(&mut self.typing, &other.typing);
        add(&mut self.typing_failed, &other.typing_failed);
        for (k, &n) in &other.outcomes {
            *self.outcomes.entry(k.clone()).or_insert(0) += n;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.reduction.is_empty() && self.typing.is_empty() && self.outcomes.is_empty()
    }
}

/// How an error without a rule is counted: its class and message, with numbers cut off
/// (`trap: uninitialized element`), and an exception without its tag and payload.
pub fn outcome_key(e: &crate::diag::Error) -> String {
    use crate::diag::ErrorKind;
    let message = match e.kind {
        ErrorKind::Exception => "uncaught exception",
        _ => &e.message,
    };
    // Indices and addresses would make one entry per value: drop the words that are numbers.
    let words: Vec<&str> = message
        .split(' ')
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    format!("{}: {}", e.kind.name(), words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::Design;
    use crate::exec::{Config, ExternVal, Store};
    use pretty_assertions::assert_eq;
    use std::rc::Rc;

    const SRC: &str = r#"(module
      (type $f (func))
      (type $c (cont $f))
      (tag $e)
      (func $g)
      (func $s (suspend $e))
      (elem declare func $g $s)
      (func (export "null") (drop (cont.new $c (ref.null $f))))
      (func (export "ok")
        (drop (block $h (result (ref $c))
          (resume $c (on $e $h) (cont.new $c (ref.func $s)))
          (return)))))"#;

    fn hits(m: &HashMap<&'static str, u64>, name: &str) -> u64 {
        m.get(name).copied().unwrap_or(0)
    }

    #[test]
    fn counts_typing_reduction_and_trap_rules() {
        let module = crate::text::parse_module(SRC, Design::TypedCont).expect("parses");
        let mut counts = RuleCounts::default();
        crate::valid::validate_module_counting(&module, Design::TypedCont, &mut counts)
            .expect("validates");
        assert_eq!(hits(&counts.typing, "cont.new"), 2);
        assert_eq!(hits(&counts.typing, "resume"), 1);
        assert_eq!(hits(&counts.typing, "hdl-on-label"), 1);
        assert_eq!(hits(&counts.typing, "suspend"), 1);
        assert!(counts.typing_failed.is_empty());

        let mut store = Store::new(Config::default());
        store.rule_counts = Some(Box::default());
        let ia = crate::exec::instantiate(&mut store, Rc::new(module), &[]).expect("links");
        let func = |store: &Store, name: &str| match store.export(ia, name) {
            Some(ExternVal::Func(a)) => a,
            _ => panic!("no export {name}"),
        };
        let ok = func(&store, "ok");
        crate::exec::invoke(&mut store, ok, vec![]).expect("runs");
        let null = func(&store, "null");
        let err = crate::exec::invoke(&mut store, null, vec![]).expect_err("traps");
        assert_eq!(err.message, "null function reference");
        let counted = store.rule_counts.take().expect("counting");
        for (rule, n) in [
            ("cont.new", 1),
            ("resume", 1),
            ("resume-suspend", 1),
            ("cont.new-null", 1),
            ("block", 1),
        ] {
            assert_eq!((rule, hits(&counted.reduction, rule)), (rule, n));
        }
    }

    #[test]
    fn failed_validation_counts_its_rule() {
        let src = "(module (type $f (func)) (type $c (cont $f)) \
                   (func (drop (cont.new $c (i32.const 1)))))";
        let module = crate::text::parse_module(src, Design::TypedCont).expect("parses");
        let mut counts = RuleCounts::default();
        let err = crate::valid::validate_module_counting(&module, Design::TypedCont, &mut counts)
            .expect_err("invalid");
        assert!(err.message.starts_with("type mismatch"), "{}", err.message);
        assert_eq!(hits(&counts.typing, "cont.new"), 1);
        assert_eq!(hits(&counts.typing_failed, "cont.new"), 1);
    }

    /// raw-stacks §2.4: the rules of stack types are applied by the type registry and by the
    /// definition check, not by an instruction's typing case, and are counted there.
    #[test]
    fn counts_the_stack_type_rules() {
        let src = r#"(module
          (rec
            (type $a (sub (stack (param i32) (ref null $b))))
            (type $b (stack (param i32) (ref null $a))))
          (type $a2 (sub $a (stack (param i32) (ref null $b))))
          (func (param (ref null stack)) (param (ref null $a)) (result (ref null stack))
            (local.set 0 (local.get 1))
            (local.set 1 (ref.null nostack))
            (local.set 0 (ref.null nostack))
            (local.get 0)))"#;
        let module = crate::text::parse_module(src, Design::RawStacks).expect("parses");
        let mut counts = RuleCounts::default();
        crate::valid::validate_module_counting(&module, Design::RawStacks, &mut counts)
            .expect("validates");
        for rule in [
            "type-stack",
            "sub-stack",
            "sub-stack-top",
            "sub-stack-bottom",
        ] {
            assert!(
                hits(&counts.typing, rule) > 0,
                "{rule}: {:?}",
                counts.typing
            );
        }
        assert_eq!(hits(&counts.typing, "type-stack"), 3);
        assert!(counts.typing_failed.is_empty());
        let cast = "(module (type $s (stack (param i32) (ref null $s))) \
                    (func (param (ref null stack)) (drop (ref.test (ref $s) (local.get 0)))))";
        let module = crate::text::parse_module(cast, Design::RawStacks).expect("parses");
        let mut counts = RuleCounts::default();
        let err = crate::valid::validate_module_counting(&module, Design::RawStacks, &mut counts)
            .expect_err("invalid");
        assert_eq!(err.message, "invalid cast");
        assert_eq!(hits(&counts.typing_failed, "cast-stack"), 1);
        // A declared supertype that does not match fails `sub-stack`.
        let bad = "(module (type $s (sub (stack (param i32) (ref null $s)))) \
                   (type $t (sub $s (stack (param i64) (ref null $s)))))";
        let module = crate::text::parse_module(bad, Design::RawStacks).expect("parses");
        let mut counts = RuleCounts::default();
        crate::valid::validate_module_counting(&module, Design::RawStacks, &mut counts)
            .expect_err("invalid");
        assert_eq!(hits(&counts.typing_failed, "sub-stack"), 1);
    }

    /// The step that returns from a nested activation (`spectest.call_ref`) is the core's
    /// `return` in every design, never typed-cont's `resume-return` (no continuation ended).
    #[test]
    fn nested_activation_returns_by_return() {
        let body = r#"
          (module
            (import "spectest" "call_ref" (func $call_ref (param i32 funcref) (result i32)))
            (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
            (elem declare func $inc)
            (func (export "run") (result i32)
              (call $call_ref (i32.const 41) (ref.func $inc))))
          (assert_return (invoke "run") (i32.const 42))"#;
        for design in Design::ALL {
            let dir = std::env::temp_dir().join(format!(
                "switchyard-nested-return-{}-{}",
                std::process::id(),
                design
            ));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join("nested.wast");
            std::fs::write(&path, format!(";;! design = \"{design}\"\n{body}")).expect("written");
            let (report, counted) = crate::script::run::run_file_counting(
                &path,
                &crate::script::run::RunOptions::default(),
            );
            let _ = std::fs::remove_dir_all(&dir);
            assert_eq!(report.design, Some(design));
            let tally = report.tally();
            assert_eq!((tally.passed, tally.failed), (2, 0), "{design}");
            assert_eq!(hits(&counted.reduction, "resume-return"), 0, "{design}");
            // `run`'s own return and `$inc`'s, which ends the nested activation.
            assert_eq!(hits(&counted.reduction, "return"), 2, "{design}");
        }
    }

    #[test]
    fn counting_is_off_by_default() {
        let store = Store::new(Config::default());
        assert!(store.rule_counts.is_none());
    }

    #[test]
    fn outcome_keys_drop_numbers() {
        let e = crate::diag::Error::trap("uninitialized element 7");
        assert_eq!(outcome_key(&e), "trap: uninitialized element");
        let e = crate::diag::Error::trap("null i31 reference");
        assert_eq!(outcome_key(&e), "trap: null i31 reference");
    }
}
