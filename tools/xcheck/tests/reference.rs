//! The `ref=PATH` adapter against the real OCaml reference interpreter (`$XCHECK_REF`, else
//! `/tmp/refinterp/wasm`; `.ci/run` builds it). Without it a test prints `skipped: ...` and
//! passes, except on CI (`CI` set), where it fails.

mod common;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn reference(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("XCHECK_REF")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/refinterp/wasm"));
    if path.is_file() {
        return Some(path);
    }
    common::skipped(
        test,
        &format!(
            "the reference interpreter is not at {} (set XCHECK_REF)",
            path.display()
        ),
        true,
    );
    None
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xcheck-ref-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A script in which the reference passes some directives and fails others in every way it
/// can: wrong values, a return where a trap is due, a trap where values are due (reported at
/// the instruction, inside the module), an unhandled suspension, exhaustion, an exception,
/// a valid module where an invalid one is due, and a wrong trap message.
const SCRIPT: &str = r#"(module
  (type $f (func (result i32)))
  (type $k (cont $f))
  (tag $t)
  (tag $x (param i32))
  (func $g (result i32) (suspend $t) (i32.const 7))
  (elem declare func $g)
  (func (export "one") (result i32) (i32.const 1))
  (func (export "div") (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
  (func $rec (export "rec") (result i32) (call $rec))
  (func (export "susp") (result i32) (suspend $t) (i32.const 1))
  (func (export "throw") (result i32) (throw $x (i32.const 1)))
  (func (export "res") (result i32)
    (block $h (result (ref $k)) (return (resume $k (on $t $h) (cont.new $k (ref.func $g)))))
    (resume $k)))
(assert_return (invoke "res") (i32.const 7))
(assert_return (invoke "one") (i32.const 2))
(assert_trap (invoke "one") "unreachable")
(assert_return (invoke "div") (i32.const 1))
(assert_trap (invoke "div") "integer divide by zero")
(assert_return (invoke "susp") (i32.const 1))
(assert_suspension (invoke "susp") "unhandled")
(assert_return (invoke "rec") (i32.const 1))
(assert_exhaustion (invoke "rec") "call stack exhausted")
(assert_return (invoke "throw") (i32.const 1))
(assert_exception (invoke "throw"))
(assert_invalid (module (func)) "type mismatch")
(assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
(assert_trap (invoke "div") "unreachable")
(assert_return (invoke "one") (i32.const 1))
"#;

#[test]
fn reference_adapter_reads_the_real_binary() {
    let Some(reference) = reference("reference_adapter_reads_the_real_binary") else {
        return;
    };
    let dir = scratch("adapter");
    let script = dir.join("ref.wast");
    std::fs::write(&script, SCRIPT).unwrap();
    let json = dir.join("r.json");
    let out = Command::new(env!("CARGO_BIN_EXE_xcheck"))
        .arg("-e")
        .arg(format!("ref={}", reference.display()))
        .arg("--json")
        .arg(&json)
        .arg(&script)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let directives = report["files"][0]["directives"].as_array().unwrap();
    let got: Vec<(u64, String, Option<bool>)> = directives
        .iter()
        .map(|d| {
            let o = &d["outcomes"]["ref"];
            (
                d["line"].as_u64().unwrap(),
                o["category"].as_str().unwrap().to_string(),
                o["passes"].as_bool(),
            )
        })
        .collect();
    let want: Vec<(u64, &str, Option<bool>)> = vec![
        (1, "success", Some(true)),
        (16, "return", Some(true)),
        (17, "return", Some(false)),
        (18, "return", Some(false)),
        (19, "trap", Some(false)),
        (20, "trap", Some(true)),
        (21, "suspension", Some(false)),
        (22, "suspension", Some(true)),
        (23, "exhaustion", Some(false)),
        (24, "exhaustion", Some(true)),
        (25, "exception", Some(false)),
        (26, "exception", Some(true)),
        (27, "success", Some(false)),
        (28, "invalid", Some(true)),
        (29, "trap", Some(false)),
        (30, "return", Some(true)),
    ];
    let got: Vec<(u64, &str, Option<bool>)> =
        got.iter().map(|(l, c, p)| (*l, c.as_str(), *p)).collect();
    pretty_assertions::assert_eq!(got, want);
    let _ = std::fs::remove_dir_all(dir);
}

/// A short fuzzing run with Switchyard and the reference: deterministic from its seed, and
/// every finding is written as a reproducer of at most 40 lines.
#[test]
fn fuzz_smoke_with_the_reference() {
    let Some(reference) = reference("fuzz_smoke_with_the_reference") else {
        return;
    };
    let dir = scratch("fuzz");
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_xcheck"))
            .args([
                "fuzz",
                "--seed",
                "7",
                "--programs",
                "12",
                "--seconds",
                "120",
            ])
            .arg("-e")
            .arg("switchyard")
            .arg("-e")
            .arg(format!("ref={}", reference.display()))
            .arg("--out")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let summary = std::fs::read_to_string(dir.join("summary.md")).unwrap();
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "wast"))
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            summary,
            files,
        )
    };
    let (stdout, summary, files) = run();
    assert!(
        stdout.starts_with("fuzz: seed 7, 12 programs, "),
        "{stdout}"
    );
    assert!(summary.starts_with("# xcheck fuzz findings"), "{summary}");
    for (name, text) in &files {
        assert!(text.lines().count() <= 44, "{name} is long:\n{text}");
    }
    // The same seed gives the same findings.
    let (_, _, again) = run();
    let names = |f: &[(String, String)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&files), names(&again));
    let _ = std::fs::remove_dir_all(dir);
}
