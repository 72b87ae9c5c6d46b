//! The harness against stand-in engines (`tests/data/standins/`): small shell scripts that act
//! like V8, binaryen, wasmtime and Switchyard on the export names a script calls (`crash`,
//! `hang`, `wrong`, ...), so that each fault of real engines is reproduced exactly, on any
//! machine, in well under a second per run.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xcheck() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xcheck"));
    // The real engines of tools/.engines must not leak into these runs.
    c.env("XCHECK_ENGINES", "/nonexistent-xcheck-engines");
    c
}

fn standin(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/standins")
        .join(name)
        .display()
        .to_string()
}

/// A scratch folder, removed when the test ends (also when it fails).
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("xcheck-standins-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn last_line(out: &Output) -> String {
    stdout(out).lines().last().unwrap_or("").to_string()
}

/// `(verdict, category, depends_on)` of `engine` on the directive at `line` of file `file`.
fn at(report: &Value, file: usize, engine: &str, line: u64) -> (String, String, Option<u64>) {
    let d = report["files"][file]["directives"]
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
        d["outcomes"][engine]["depends_on"].as_u64(),
    )
}

fn detail(report: &Value, engine: &str, line: u64) -> String {
    let d = report["files"][0]["directives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["line"] == line)
        .unwrap();
    d["outcomes"][engine]["detail"]
        .as_str()
        .unwrap()
        .to_string()
}

fn v(verdict: &str, category: &str, depends_on: Option<u64>) -> (String, String, Option<u64>) {
    (verdict.to_string(), category.to_string(), depends_on)
}

fn report(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A module with state, and one without.
const MODULES: &str = r#"(module $m (global $g (mut i32) (i32.const 0)) (func (export "inc_crash") (global.set $g (i32.const 1))) (func (export "get") (result i32) (global.get $g)))
(module $pure (func (export "pure") (result i32) (i32.const 1)) (func (export "pure_wrong") (result i32) (i32.const 2)))
"#;

/// A directive that crashes the engine is left out of the next attempt; what depended on the
/// state it would have made is "not comparable", on every kind of adapter; a real difference
/// on a module without state is still a difference.
#[test]
fn knock_on_effects_are_not_comparable() {
    let dir = scratch("knock");
    let script = dir.join("knock.wast");
    write(
        &script,
        &format!(
            "{MODULES}(invoke $m \"inc_crash\")\n\
             (assert_return (invoke $m \"get\") (i32.const 1))\n\
             (assert_return (invoke $pure \"pure_wrong\") (i32.const 1))\n\
             (assert_return (invoke $pure \"pure\") (i32.const 1))\n"
        ),
    );
    let json = dir.join("r.json");
    let out = xcheck()
        .args(["-e", &format!("switchyard={}", standin("switchyard.sh"))])
        .args(["-e", &format!("v8={}", standin("js-engine.sh"))])
        .args(["-e", &format!("binaryen={}", standin("wast-engine.sh"))])
        .args([
            "-e",
            &format!(
                "wasmtime=wasmtime@{}:--dialect=wasmtime",
                standin("wast-engine.sh")
            ),
        ])
        .arg("--json")
        .arg(&json)
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        last_line(&out),
        "9 agree, 3 differ, 0 resource limit, 3 not comparable, 3 crashed, 0 timed out, 0 unsupported; \
         switchyard: 5 pass, 1 fail, 0 crashed, 0 timed out"
    );
    let r = report(&json);
    for engine in ["v8", "binaryen", "wasmtime"] {
        assert_eq!(
            at(&r, 0, engine, 3),
            v("crashed", "crash", None),
            "{engine}"
        );
        // Returned 0 because the increment never ran: a knock-on effect.
        assert_eq!(
            at(&r, 0, engine, 4),
            v("not comparable", "return", Some(3)),
            "{engine}"
        );
        assert_eq!(
            at(&r, 0, engine, 5),
            v("differ", "return", None),
            "{engine}"
        );
        assert_eq!(at(&r, 0, engine, 6), v("agree", "return", None), "{engine}");
    }
}

/// An engine that stops at a failing directive gets past it by running it again with its
/// assertion relaxed to what the engine did, so its effects stay and the state after it is
/// still the engine's own: comparable.
#[test]
fn failures_are_replayed_so_the_state_after_them_stays_comparable() {
    let dir = scratch("replay");
    let script = dir.join("replay.wast");
    write(
        &script,
        r#"(module $m (global $g (mut i32) (i32.const 0)) (func (export "inc_wrong") (result i32) (global.set $g (i32.const 1)) (i32.const 2)) (func (export "get") (result i32) (global.get $g)))
(assert_return (invoke $m "inc_wrong") (i32.const 1))
(assert_return (invoke $m "get") (i32.const 1))
"#,
    );
    let json = dir.join("r.json");
    let out = xcheck()
        .args(["-e", &format!("binaryen={}", standin("wast-engine.sh"))])
        .arg("--json")
        .arg(&json)
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&json);
    assert_eq!(at(&r, 0, "binaryen", 2), v("differ", "return", None));
    assert_eq!(at(&r, 0, "binaryen", 3), v("agree", "return", None));
}

/// binaryen's run-time `Fatal:` is an engine crash, not a rejected text; its host limit and
/// wasmtime's exhausted stack are resource limits; node's RangeError is reported in words,
/// not as the minified JavaScript node echoes.
#[test]
fn engine_failures_and_limits_are_told_apart() {
    let dir = scratch("limits");
    let script = dir.join("limits.wast");
    write(
        &script,
        r#"(module (func (export "fatal") (result i32) (i32.const 1)) (func (export "limit") (result i32) (i32.const 1)) (func (export "deep") (result i32) (i32.const 1)) (func (export "overflow") (result i32) (i32.const 1)) (func (export "ok") (result i32) (i32.const 1)))
(assert_return (invoke "fatal") (i32.const 1))
(assert_return (invoke "limit") (i32.const 1))
(assert_return (invoke "deep") (i32.const 1))
(assert_return (invoke "overflow") (i32.const 1))
(assert_return (invoke "ok") (i32.const 1))
"#,
    );
    let json = dir.join("r.json");
    let out = xcheck()
        .args(["-e", &format!("binaryen={}", standin("wast-engine.sh"))])
        .args([
            "-e",
            &format!(
                "wasmtime=wasmtime@{}:--dialect=wasmtime",
                standin("wast-engine.sh")
            ),
        ])
        .arg("--json")
        .arg(&json)
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = report(&json);
    assert_eq!(at(&r, 0, "binaryen", 2), v("crashed", "crash", None));
    assert!(detail(&r, "binaryen", 2).starts_with("Fatal: expected (tuple"));
    assert_eq!(
        at(&r, 0, "binaryen", 3),
        v("resource limit", "exhaustion", None)
    );
    assert_eq!(
        at(&r, 0, "wasmtime", 4),
        v("resource limit", "exhaustion", None)
    );
    assert_eq!(
        at(&r, 0, "binaryen", 5),
        v("resource limit", "exhaustion", None)
    );
    let overflow = detail(&r, "binaryen", 5);
    assert!(
        overflow.contains("RangeError: Maximum call stack size exceeded")
            && !overflow.contains("var Module"),
        "{overflow}"
    );
    assert_eq!(at(&r, 0, "binaryen", 6), v("agree", "return", None));
    assert_eq!(at(&r, 0, "wasmtime", 6), v("agree", "return", None));
}

/// binaryen's wasm-shell, a node script, runs under the node installed for it
/// (`$XCHECK_BINARYEN_NODE`), never under the node on PATH or node 26.
#[test]
fn binaryen_runs_under_its_own_node() {
    let dir = scratch("node");
    let log = dir.join("log");
    let shell = dir.join("wasm-shell");
    write(&shell, "#!/usr/bin/env node\nthrow new Error('not run');\n");
    let node = dir.join("node20");
    write(
        &node,
        &format!(
            "#!/bin/sh\necho \"node20 $*\" >>\"$STANDIN_LOG\"\nshift\nexec {} \"$@\"\n",
            standin("wast-engine.sh")
        ),
    );
    let mut perms = std::fs::metadata(&node).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&node, perms).unwrap();
    let script = dir.join("s.wast");
    write(
        &script,
        "(module (func (export \"ok\") (result i32) (i32.const 1)))\n(assert_return (invoke \"ok\") (i32.const 1))\n",
    );
    let out = xcheck()
        .args(["-e", &format!("binaryen={}", shell.display())])
        .env("XCHECK_BINARYEN_NODE", &node)
        .env("STANDIN_LOG", &log)
        .arg(&script)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        last_line(&out).starts_with("2 agree, 0 differ"),
        "{}",
        stdout(&out)
    );
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.starts_with(&format!("node20 {} ", shell.display())),
        "{log}"
    );
}

/// The time limit is per directive (time without progress): a file slower than the limit as a
/// whole still runs, and a hang, Switchyard's included, costs one timeout, never a bisection or
/// a contradiction.
#[test]
fn a_hang_costs_one_timeout_and_a_slow_file_none() {
    let dir = scratch("timeout");
    let slow = dir.join("slow.wast");
    let mut text = String::from("(module (func (export \"slow\") (result i32) (i32.const 1)))\n");
    for _ in 0..6 {
        text.push_str("(assert_return (invoke \"slow\") (i32.const 1))\n");
    }
    write(&slow, &text);
    let hang = dir.join("hang.wast");
    write(
        &hang,
        &format!(
            "{MODULES}(assert_return (invoke $pure \"pure\") (i32.const 1))\n\
             (assert_return (invoke $pure \"pure_hang\") (i32.const 1))\n\
             (assert_return (invoke $pure \"pure\") (i32.const 1))\n"
        ),
    );
    let json = dir.join("r.json");
    let started = std::time::Instant::now();
    let out = xcheck()
        .args(["-e", &format!("switchyard={}", standin("switchyard.sh"))])
        .args(["-e", &format!("binaryen={}", standin("wast-engine.sh"))])
        .args(["-e", &format!("v8={}", standin("js-engine.sh"))])
        .args(["--timeout", "1", "--json"])
        .arg(&json)
        .arg(&slow)
        .arg(&hang)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        last_line(&out),
        "22 agree, 0 differ, 0 resource limit, 0 not comparable, 0 crashed, 2 timed out, 0 unsupported; \
         switchyard: 11 pass, 0 fail, 0 crashed, 1 timed out"
    );
    let r = report(&json);
    for engine in ["switchyard", "binaryen", "v8"] {
        assert_eq!(at(&r, 1, engine, 3).1, "return", "{engine}");
        assert_eq!(at(&r, 1, engine, 4).1, "timeout", "{engine}");
        assert_eq!(at(&r, 1, engine, 5).1, "return", "{engine}");
    }
    // One timeout per engine, not a bisection: well under 10 s.
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

/// Engines or paths that are not there are errors (exit 2), and so are two columns of the
/// same name.
#[test]
fn missing_engines_and_paths_are_errors() {
    let dir = scratch("missing");
    let script = dir.join("s.wast");
    write(&script, "(module)\n");
    let run = |args: &[&str]| {
        let out = xcheck().args(args).output().unwrap();
        (out.status.code(), stderr(&out))
    };
    let s = script.to_str().unwrap();
    let (code, err) = run(&["-e", "v8=/nonexistent/node", s]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("engine v8: /nonexistent/node not found"),
        "{err}"
    );
    let (code, err) = run(&["-e", "wasmtime", s]);
    assert_eq!(code, Some(2));
    assert!(err.contains("tools/install-engines.sh --wasmtime"), "{err}");
    let (code, err) = run(&["-e", "wasmtime-latest", s]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--wasmtime-latest"), "{err}");
    let (code, err) = run(&["-e", "nosuch", s]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown engine"), "{err}");
    let v8 = format!("v8={}", standin("js-engine.sh"));
    let (code, err) = run(&["-e", &v8, "/nonexistent.wast"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("/nonexistent.wast: no such file"), "{err}");
    let (code, err) = run(&["-e", &v8, "-e", &v8, s]);
    assert_eq!(code, Some(2));
    assert!(err.contains("two engines named \"v8\""), "{err}");
}

/// `NAME=KIND[@PATH][:FLAGS]`: variants of one engine get columns of their own, keep their
/// results apart in the JSON, and pass their flags.
#[test]
fn variants_get_columns_and_flags() {
    let dir = scratch("variants");
    let script = dir.join("s.wast");
    write(
        &script,
        &format!("{MODULES}(assert_return (invoke $pure \"pure\") (i32.const 1))\n"),
    );
    let log = dir.join("log");
    let json = dir.join("r.json");
    let out = xcheck()
        .args([
            "-e",
            &format!("v8-fast=v8@{}:--one --two", standin("js-engine.sh")),
        ])
        .args(["-e", &format!("v8-plain=v8@{}", standin("js-engine.sh"))])
        .args([
            "-e",
            &format!("wt-x=wasmtime@{}:-W x=y", standin("wast-engine.sh")),
        ])
        .arg("--json")
        .arg(&json)
        .arg(&script)
        .env("STANDIN_LOG", &log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let header = stdout(&out).lines().next().unwrap().to_string();
    assert!(
        header.contains("v8-fast") && header.contains("v8-plain") && header.contains("wt-x"),
        "{header}"
    );
    let r = report(&json);
    assert_eq!(
        r["engines"],
        serde_json::json!(["v8-fast", "v8-plain", "wt-x"])
    );
    assert_eq!(at(&r, 0, "v8-fast", 3).0, "agree");
    assert_eq!(at(&r, 0, "v8-plain", 3).0, "agree");
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("js-engine --experimental-wasm-wasmfx --one --two /"),
        "{log}"
    );
    assert!(
        log.contains("wast-engine wast --ignore-error-messages -W stack-switching=y,function-references=y,exceptions=y,gc=y -W x=y /"),
        "{log}"
    );
}

/// Files with the same last path parts keep names (and anchors) of their own; a cell with
/// crashes only is not coloured like one with disagreements; rows link to the source line.
#[test]
fn matrix_names_colours_and_links() {
    let dir = scratch("matrix");
    let a = dir.join("one/suite/t.wast");
    let b = dir.join("two/suite/t.wast");
    write(
        &a,
        &format!("{MODULES}(assert_return (invoke $pure \"pure_crash\") (i32.const 1))\n"),
    );
    write(
        &b,
        &format!("{MODULES}(assert_return (invoke $pure \"pure_wrong\") (i32.const 1))\n"),
    );
    let html = dir.join("html");
    let md = dir.join("m.md");
    let out = xcheck()
        .args(["-e", &format!("v8={}", standin("js-engine.sh"))])
        .arg("--html")
        .arg(&html)
        .arg("--markdown")
        .arg(&md)
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(
        table.contains("one/suite/t.wast") && table.contains("two/suite/t.wast"),
        "{table}"
    );
    let page = std::fs::read_to_string(html.join("index.html")).unwrap();
    assert!(
        page.contains("<td class=\"cell crash\"><a href=\"#one-suite-t-wast-v8\">"),
        "{page}"
    );
    assert!(
        page.contains("<td class=\"cell differ\"><a href=\"#two-suite-t-wast-v8\">"),
        "{page}"
    );
    // Each count links to its first directive; each row to its source line.
    assert!(
        page.contains("href=\"#two-suite-t-wast-v8-differ\"")
            && page.contains("<a id=\"two-suite-t-wast-v8-differ\"></a><a href=\"#src-two-suite-t-wast-L3\">3</a>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"src\" id=\"src-two-suite-t-wast-L3\">"),
        "{page}"
    );
    // Hourglasses render as boxes in Chromium with Debian's default fonts (checked by a
    // screenshot); the clock face ◷ of DejaVu Sans does not.
    assert!(!page.contains('⌛') && !page.contains('⧗') && page.contains("◷timed out"));
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("(#one-suite-t-wast-v8)") && md.contains("(#two-suite-t-wast-v8)"));
}

/// `--help` names the subcommands; `js --help` names itself.
#[test]
fn help_names_subcommands() {
    let out = xcheck().arg("--help").output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("js ") && text.contains("Convert a script"),
        "{text}"
    );
    assert!(text.contains("NAME=KIND[@PATH][:FLAGS]"), "{text}");
    let out = xcheck().args(["js", "--help"]).output().unwrap();
    assert!(
        stdout(&out).contains("Usage: xcheck js"),
        "{}",
        stdout(&out)
    );
}
