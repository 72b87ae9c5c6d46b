//! End-to-end tests of the harness on the real engines that `tools/install-engines.sh` installs
//! from npm (V8 in node 26, binaryen). Without them a test prints `skipped: ...` and passes,
//! except on CI (`CI` set), where it fails. wasmtime is optional (`--wasmtime`, a long build):
//! its test is skipped without it, also on CI.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn xcheck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xcheck"))
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn engine_bin(file: &str) -> PathBuf {
    xcheck::engines::engines_dir().join("bin").join(file)
}

/// Whether the engines are installed; without them the test is reported as skipped, and on CI
/// it fails.
fn have_engines(test: &str, files: &[&str]) -> bool {
    let missing: Vec<&str> = files
        .iter()
        .copied()
        .filter(|f| !engine_bin(f).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    common::skipped(
        test,
        &format!("engines {missing:?} not installed (tools/install-engines.sh)"),
        true,
    );
    false
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xcheck-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The verdict and outcome category of `engine` on the directive at `line`.
fn at(report: &Value, engine: &str, line: u64) -> (String, String) {
    let d = report["files"][0]["directives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["line"] == line)
        .unwrap_or_else(|| panic!("no directive at line {line}"));
    (
        d["verdicts"][engine].as_str().unwrap().to_string(),
        d["outcomes"][engine]["category"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

#[test]
fn known_gaps_show_up_as_what_they_are() {
    if !have_engines(
        "known_gaps_show_up_as_what_they_are",
        &["node26", "wasm-shell"],
    ) {
        return;
    }
    let dir = scratch("gaps");
    let json = dir.join("report.json");
    let out = xcheck()
        .args(["-e", "v8", "-e", "binaryen", "--timeout", "120", "--json"])
        .arg(&json)
        .arg("--markdown")
        .arg(dir.join("report.md"))
        .arg("--html")
        .arg(dir.join("html"))
        .arg(data("gaps.wast"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().last(),
        Some(
            "13 agree, 2 differ, 0 resource limit, 1 not comparable, 2 crashed, 0 timed out, \
             0 unsupported"
        ),
        "{stdout}"
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let pair = |v: &str, c: &str| (v.to_string(), c.to_string());
    // V8: `switch` crashes the process when compiled; the directives after it still run.
    assert_eq!(at(&report, "v8", 27), pair("agree", "return"));
    assert_eq!(at(&report, "v8", 28), pair("agree", "trap"));
    assert_eq!(at(&report, "v8", 65), pair("crashed", "crash"));
    assert_eq!(at(&report, "v8", 68), pair("agree", "return"));
    // V8 rejects `resume_throw_ref` with the spec's operand order; what needs it is not run.
    assert_eq!(at(&report, "v8", 71), pair("differ", "invalid"));
    assert_eq!(
        at(&report, "v8", 109),
        pair("not comparable", "unsupported")
    );
    // binaryen: no `switch`; accepts a module the spec rejects.
    assert_eq!(at(&report, "binaryen", 65), pair("crashed", "crash"));
    assert_eq!(at(&report, "binaryen", 68), pair("agree", "return"));
    assert_eq!(at(&report, "binaryen", 109), pair("agree", "return"));
    assert_eq!(at(&report, "binaryen", 111), pair("differ", "success"));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        md.contains("| 71 | module | success | invalid WebAssembly.Module()"),
        "{md}"
    );
    let html = std::fs::read_to_string(dir.join("html/index.html")).unwrap();
    assert!(
        html.contains("<td class=\"cell differ\"><a href=\"#data-gaps-wast-v8\">"),
        "{html}"
    );
    assert!(html.contains("id=\"data-gaps-wast-v8-L65\""), "{html}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn js_file_replays_every_directive() {
    if !have_engines("js_file_replays_every_directive", &["node26"]) {
        return;
    }
    let dir = scratch("js");
    let js = dir.join("gaps.js");
    let status = xcheck()
        .arg("js")
        .arg(data("gaps.wast"))
        .arg("-o")
        .arg(&js)
        .status()
        .unwrap();
    assert!(status.success());
    // Directive 4 (line 65) crashes V8: skip it the way the harness does.
    let out = Command::new(engine_bin("node26"))
        .arg("--experimental-wasm-wasmfx")
        .arg(&js)
        .env("XCHECK_SKIP", "4")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let cats: Vec<(u64, &str)> = lines
        .iter()
        .filter(|l| l.get("i").is_some())
        .map(|l| (l["line"].as_u64().unwrap(), l["category"].as_str().unwrap()))
        .collect();
    assert_eq!(
        cats,
        vec![
            (5, "success"),
            (27, "return"),
            (28, "trap"),
            (30, "success"),
            (65, "unsupported"),
            (68, "return"),
            (71, "invalid"),
            (109, "unsupported"),
            (111, "invalid"),
        ]
    );
    assert_eq!(lines.last().unwrap()["done"], true);
    let _ = std::fs::remove_dir_all(dir);
}

/// The stop-at-first-failure driver, with a stand-in for the reference interpreter: it fails
/// at the first `invoke "bad..."` the file still holds, and dies of SIGSEGV at `invoke "crash"`.
#[test]
fn stop_at_failure_engine_is_rerun_past_failures_and_crashes() {
    let dir = scratch("ref");
    let fake = dir.join("fake-ref.sh");
    std::fs::write(
        &fake,
        r#"#!/bin/sh
# Like a real engine, it goes through the directives in order.
first=$(grep -n 'invoke "bad\|invoke "crash"' "$1" | head -1)
line=${first%%:*}
case "$first" in
  *crash*) kill -SEGV $$ ;;
  *bad*) echo "$1:$line.1-$line.40: assertion failure: wrong return values" >&2; exit 1 ;;
esac
exit 0
"#,
    )
    .unwrap();
    let mut perms = std::fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&fake, perms).unwrap();
    let script = dir.join("s.wast");
    std::fs::write(
        &script,
        r#"(module (func (export "good") (result i32) (i32.const 1)))
(assert_return (invoke "good") (i32.const 1))
(assert_return (invoke "bad") (i32.const 1))
(assert_return (invoke "good") (i32.const 1))
(assert_return (invoke "crash") (i32.const 1))
(assert_return (invoke "bad2")
  (i32.const 1))
(assert_return (invoke "good") (i32.const 1))
"#,
    )
    .unwrap();
    let json = dir.join("r.json");
    let out = xcheck()
        .arg("-e")
        .arg(format!("ref={}", fake.display()))
        .arg("--json")
        .arg(&json)
        .arg(&script)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().last(),
        Some(
            "4 agree, 2 differ, 0 resource limit, 0 not comparable, 1 crashed, 0 timed out, \
             0 unsupported"
        ),
        "{stdout}"
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let pair = |v: &str, c: &str| (v.to_string(), c.to_string());
    assert_eq!(at(&report, "ref", 3), pair("differ", "return"));
    assert_eq!(at(&report, "ref", 5), pair("crashed", "crash"));
    assert_eq!(at(&report, "ref", 6), pair("differ", "return"));
    assert_eq!(at(&report, "ref", 8), pair("agree", "return"));
    let _ = std::fs::remove_dir_all(dir);
}

/// wasmtime (optional: `tools/install-engines.sh --wasmtime`) on the official `cont.wast`: its
/// compiler panics on the `switch` module at line 994, and the rest still agrees.
#[test]
fn wasmtime_panic_is_a_crash_and_the_rest_runs() {
    let cont = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/spec-tests/core/stack-switching/cont.wast");
    if !engine_bin("wasmtime").exists() || !cont.exists() {
        common::skipped(
            "wasmtime_panic_is_a_crash_and_the_rest_runs",
            "needs wasmtime (tools/install-engines.sh --wasmtime, optional) and the official \
             suite in shared/spec-tests",
            false,
        );
        return;
    }
    let dir = scratch("wasmtime");
    let json = dir.join("r.json");
    let out = xcheck()
        .args(["-e", "wasmtime", "--timeout", "300", "--json"])
        .arg(&json)
        .arg(&cont)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().last(),
        Some(
            "75 agree, 0 differ, 0 resource limit, 1 not comparable, 1 crashed, 0 timed out, \
             0 unsupported"
        ),
        "{stdout}"
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let pair = |v: &str, c: &str| (v.to_string(), c.to_string());
    assert_eq!(at(&report, "wasmtime", 994), pair("crashed", "crash"));
    assert_eq!(
        at(&report, "wasmtime", 1024),
        pair("not comparable", "unsupported")
    );
    let _ = std::fs::remove_dir_all(dir);
}
