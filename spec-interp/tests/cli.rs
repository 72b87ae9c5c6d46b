//! The `switchyard` binary as a user meets it: every command through the built executable, with
//! its output and exit status.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const EXE: &str = env!("CARGO_BIN_EXE_switchyard");

const MUL: &str = r#"(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (func (export "mul") (param i32 i32) (result i32)
    (call $print (local.get 0))
    (i32.mul (local.get 0) (local.get 1)))
  (func (export "pair") (result i64 f64) (i64.const 1000000) (f64.const 0.5))
  (func (export "spin") (loop (br 0)))
  (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))
"#;

/// A fresh folder under the system's temporary folder.
fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "switchyard-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn run(args: &[&str], dir: &Path) -> Output {
    run_with_input(args, dir, "")
}

fn run_with_input(args: &[&str], dir: &Path, input: &str) -> Output {
    let mut child = Command::new(EXE)
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn status(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

#[test]
fn run_invokes_an_export_of_a_text_module() {
    let dir = scratch();
    write(&dir, "mul.wat", MUL);
    let o = run(&["run", "mul.wat", "--invoke", "mul", "6", "-7"], &dir);
    assert_eq!(stdout(&o), "6 : i32\n-42 : [i32]\n", "{}", stderr(&o));
    assert_eq!(status(&o), 0);
    let o = run(&["run", "mul.wat", "--invoke", "pair"], &dir);
    assert_eq!(stdout(&o), "[1_000_000 0.5] : [i64 f64]\n");
    // Script syntax for arguments too.
    let o = run(
        &["run", "mul.wat", "--invoke", "mul", "(i32.const 2)", "0x10"],
        &dir,
    );
    assert_eq!(stdout(&o), "2 : i32\n32 : [i32]\n");
}

#[test]
fn run_reports_traps_and_bad_arguments() {
    let dir = scratch();
    write(&dir, "mul.wat", MUL);
    let o = run(&["run", "mul.wat", "--invoke", "div", "0"], &dir);
    assert_eq!(status(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("trap \"integer divide by zero\""), "{out}");
    assert!(out.contains("1 passed, 1 failed, 0 skipped"), "{out}");
    let o = run(&["run", "mul.wat", "--invoke", "mul", "1"], &dir);
    assert_eq!(status(&o), 1);
    assert!(stdout(&o).contains("export mul takes 2 argument(s), 1 given"));
    let o = run(&["run", "mul.wat", "--invoke", "nope"], &dir);
    assert_eq!(status(&o), 1);
    assert!(stdout(&o).contains("unknown export"), "{}", stdout(&o));
}

#[test]
fn budgets_come_from_flags_and_exhaustion_names_them() {
    let dir = scratch();
    write(&dir, "mul.wat", MUL);
    let o = run(
        &["run", "mul.wat", "--fuel", "1000", "--invoke", "spin"],
        &dir,
    );
    assert_eq!(status(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("exhaustion \"fuel exhausted\""), "{out}");
    assert!(out.contains("--fuel N"), "{out}");
    let o = run(&["run", "mul.wat", "--max-heap", "12X"], &dir);
    assert_eq!(status(&o), 2);
    // A memory bigger than the heap budget cannot be made.
    write(&dir, "mem.wat", "(module (memory 2))");
    let o = run(&["run", "mem.wat", "--max-heap", "64K"], &dir);
    assert_eq!(status(&o), 1);
    assert!(stdout(&o).contains("out of memory"), "{}", stdout(&o));
    let o = run(&["run", "mem.wat", "--max-heap", "1M"], &dir);
    assert_eq!(status(&o), 0, "{}", stdout(&o));
    // `--max-heap-bytes` and `--max-live-conts` are the names; the short ones are aliases.
    let o = run(&["run", "mem.wat", "--max-heap-bytes", "64K"], &dir);
    assert_eq!(status(&o), 1, "{}", stdout(&o));
    let o = run(&["run", "mem.wat", "--max-live-conts", "5"], &dir);
    assert_eq!(status(&o), 0, "{}", stdout(&o));
    let o = run(&["run", "mem.wat", "--max-conts", "5", "--gc-stress"], &dir);
    assert_eq!(status(&o), 0, "{}", stdout(&o));
}

#[test]
fn simd_modules_convert_and_print_their_results() {
    let dir = scratch();
    write(
        &dir,
        "v.wat",
        r#"(module (memory 1)
  (func (export "v") (result v128)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
      (v128.const i16x8 1 2 3 4 5 6 7 -1)
      (v128.load8_lane offset=2 3 (i32.const 0) (v128.const i64x2 0 0)))))"#,
    );
    let o = run(&["run", "v.wat", "--invoke", "v"], &dir);
    assert_eq!(status(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o), "131_073 262_147 393_221 -65_529 : [v128]\n");
    // Text -> binary -> text -> binary: the same bytes, and the same result.
    assert_eq!(status(&run(&["convert", "v.wat", "-o", "v.wasm"], &dir)), 0);
    assert_eq!(status(&run(&["convert", "v.wasm", "-o", "w.wat"], &dir)), 0);
    let printed = std::fs::read_to_string(dir.join("w.wat")).unwrap();
    assert!(printed.contains("v128.load8_lane offset=2 3"), "{printed}");
    assert!(printed.contains("i8x16.shuffle 0 1 2"), "{printed}");
    assert_eq!(status(&run(&["convert", "w.wat", "-o", "w.wasm"], &dir)), 0);
    assert_eq!(
        std::fs::read(dir.join("v.wasm")).unwrap(),
        std::fs::read(dir.join("w.wasm")).unwrap()
    );
    let o = run(&["run", "w.wasm", "--invoke", "v"], &dir);
    assert_eq!(stdout(&o), "131_073 262_147 393_221 -65_529 : [v128]\n");
}

#[test]
fn binary_modules_are_told_by_their_content() {
    let dir = scratch();
    write(&dir, "mul.wat", MUL);
    let o = run(&["convert", "mul.wat", "-o", "mul.wasm"], &dir);
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    // A binary under any name, even `.wast`, is read as a binary.
    std::fs::copy(dir.join("mul.wasm"), dir.join("disguised.wast")).unwrap();
    for name in ["mul.wasm", "disguised.wast"] {
        let o = run(&["run", name, "--invoke", "mul", "3", "4"], &dir);
        assert_eq!(stdout(&o), "3 : i32\n12 : [i32]\n", "{name}");
    }
    // A folder of binaries: each file counts.
    let only = dir.join("only");
    std::fs::create_dir(&only).unwrap();
    std::fs::copy(dir.join("mul.wasm"), only.join("a.wasm")).unwrap();
    let o = run(&["run", "only"], &dir);
    assert_eq!(status(&o), 0);
    assert!(stdout(&o).contains("PASS only/a.wasm [typed-cont]: 1 passed"));
    // A malformed binary: the diagnostic shows the bytes.
    write(&dir, "bad.wasm", b"\0asm\x02\0\0\0");
    let o = run(&["run", "bad.wasm"], &dir);
    assert_eq!(status(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("malformed \"unknown binary version\""),
        "{out}"
    );
    assert!(out.contains("00000000: 00 61 73 6d 02 00 00 00"), "{out}");
    assert!(out.contains("bad.wasm:1:23"), "{out}");
    // Nothing to run, or nothing there: usage errors.
    std::fs::create_dir(dir.join("empty")).unwrap();
    assert_eq!(status(&run(&["run", "empty"], &dir)), 2);
    assert_eq!(status(&run(&["run", "missing.wasm"], &dir)), 2);
}

#[test]
fn scripts_print_and_invoke() {
    let dir = scratch();
    write(
        &dir,
        "s.wast",
        r#"(module (import "spectest" "print_f32" (func $p (param f32)))
             (func (export "f") (param i32) (result i32) (call $p (f32.const 666.6)) (local.get 0)))
           (assert_return (invoke "f" (i32.const 1)) (i32.const 1))"#,
    );
    let o = run(&["run", "s.wast"], &dir);
    assert_eq!(
        stdout(&o),
        "666.599_975_585_937_5 : f32\nPASS s.wast [typed-cont]: 2 passed, 0 failed, 0 skipped\n\
         2 passed, 0 failed, 0 skipped\n"
    );
    let o = run(&["run", "--quiet", "s.wast"], &dir);
    assert!(!stdout(&o).contains("666"));
    let o = run(&["run", "s.wast", "--invoke", "f", "5"], &dir);
    assert_eq!(
        stdout(&o),
        "666.599_975_585_937_5 : f32\n666.599_975_585_937_5 : f32\n5 : [i32]\n"
    );
}

#[test]
fn validate_checks_without_running() {
    let dir = scratch();
    write(&dir, "mul.wat", MUL);
    // Valid, though running it would trap at start.
    write(
        &dir,
        "trap.wat",
        "(module (func $s unreachable) (start $s))",
    );
    write(
        &dir,
        "bad.wat",
        "(module (func (result i32) (i64.const 1)))",
    );
    write(
        &dir,
        "s.wast",
        "(module (func))\n(module quote \"(func (result i32) i32.const 1)\")\n",
    );
    let o = run(&["validate", "mul.wat", "trap.wat", "s.wast"], &dir);
    assert_eq!(status(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("4 valid, 0 invalid\n"),
        "{}",
        stdout(&o)
    );
    let o = run(&["validate", "bad.wat"], &dir);
    assert_eq!(status(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("bad.wat:1:"), "{out}");
    assert!(out.contains("invalid \"type mismatch"), "{out}");
    assert_eq!(status(&run(&["validate", "missing.wat"], &dir)), 2);
    // Under a design whose syntax the module does not have.
    write(
        &dir,
        "k.wat",
        "(module (type $f (func)) (type $k (cont $f)))",
    );
    assert_eq!(status(&run(&["validate", "k.wat"], &dir)), 0);
    let o = run(&["validate", "--design", "raw-stacks", "k.wat"], &dir);
    assert_eq!(status(&o), 1, "{}", stdout(&o));
}

#[test]
fn convert_between_text_binary_json_and_js() {
    let dir = scratch();
    write(&dir, "mul.wat", MUL);
    assert_eq!(
        status(&run(&["convert", "mul.wat", "-o", "a.wasm"], &dir)),
        0
    );
    assert_eq!(status(&run(&["convert", "a.wasm", "-o", "b.wat"], &dir)), 0);
    assert_eq!(status(&run(&["convert", "b.wat", "-o", "c.wasm"], &dir)), 0);
    let a = std::fs::read(dir.join("a.wasm")).unwrap();
    assert_eq!(a, std::fs::read(dir.join("c.wasm")).unwrap());
    assert!(a.starts_with(b"\0asm\x01\0\0\0"));
    let o = run(&["convert", "a.wasm", "-o", "-"], &dir);
    assert!(stdout(&o).starts_with("(module\n"), "{}", stdout(&o));

    write(
        &dir,
        "s.wast",
        "(module $M (func (export \"f\") (param i32) (result i32) local.get 0))\n\
         (assert_return (invoke \"f\" (i32.const 7)) (i32.const 7))\n\
         (assert_malformed (module quote \"(func\") \"unexpected end\")\n",
    );
    let o = run(&["convert", "s.wast", "-o", "s.json"], &dir);
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    let json = std::fs::read_to_string(dir.join("s.json")).unwrap();
    assert!(json.contains("\"filename\": \"s.0.wasm\""), "{json}");
    assert!(json.contains("\"module_type\": \"text\""), "{json}");
    assert!(std::fs::read(dir.join("s.0.wasm"))
        .unwrap()
        .starts_with(b"\0asm"));
    assert_eq!(std::fs::read(dir.join("s.1.wat")).unwrap(), b"(func");

    let o = run(&["convert", "s.wast", "-o", "s.js"], &dir);
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    let js = std::fs::read_to_string(dir.join("s.js")).unwrap();
    assert!(js.contains("xc.call(0, \"f\", [7])"), "{js}");
    // With a JS engine at hand, the file runs and the assertions pass.
    let node = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/.engines/bin/node26");
    if node.exists() {
        let o = Command::new(&node).arg(dir.join("s.js")).output().unwrap();
        assert!(
            stdout(&o).ends_with("{\"done\":true,\"passed\":2,\"failed\":0}\n"),
            "{}",
            stdout(&o)
        );
    }

    // Usage errors: a script to a module format, an unknown format, a missing input.
    assert_eq!(
        status(&run(&["convert", "s.wast", "-o", "s.wasm"], &dir)),
        2
    );
    assert_eq!(status(&run(&["convert", "s.wast", "-o", "s.txt"], &dir)), 2);
    assert_eq!(
        status(&run(&["convert", "none.wat", "-o", "x.wasm"], &dir)),
        2
    );
    // Unreadable input: a diagnostic and status 1.
    write(&dir, "bad.wat", "(module (func (i32.const)))");
    let o = run(&["convert", "bad.wat", "-o", "bad.wasm"], &dir);
    assert_eq!(status(&o), 1);
    assert!(stderr(&o).contains("bad.wat:1:"), "{}", stderr(&o));
}

const SESSION: &str =
    "(module $M\n  (func (export \"f\") (param i32) (result i32)\n    local.get 0))\n\
                       (invoke \"f\" (i32.const 41))\n\
                       :design\n\
                       (assert_return (invoke \"f\" (i32.const 1)) (i32.const 2))\n\
                       (invoke \"f\" (i32.const 2))\n";

#[test]
fn repl_reads_standard_input() {
    let dir = scratch();
    let o = run_with_input(&["repl"], &dir, SESSION);
    assert_eq!(
        stdout(&o),
        "module $M :\n  export \"f\" : func [i32] -> [i32]\n41 : [i32]\ndesign: typed-cont\n\
         2 : [i32]\n"
    );
    assert!(
        stderr(&o).contains("error: assert_return failed"),
        "{}",
        stderr(&o)
    );
    // A piped session with a failure exits with 1; one without, 0.
    assert_eq!(status(&o), 1);
    let o = run_with_input(&[], &dir, "(module)\n:quit\n(invoke \"never\")\n");
    assert_eq!(stdout(&o), "module :\n");
    assert_eq!(status(&o), 0);
    write(&dir, "mul.wat", MUL);
    let o = run_with_input(
        &["repl", "--design", "raw-stacks"],
        &dir,
        ":load mul.wat\n(invoke \"mul\" (i32.const 2) (i32.const 3))\n",
    );
    assert!(
        stdout(&o).ends_with("2 : i32\n6 : [i32]\n"),
        "{}",
        stdout(&o)
    );
}

/// On a terminal the REPL edits lines and keeps a history; `script` (util-linux) gives it a
/// pseudo-terminal.
#[test]
fn repl_on_a_pseudo_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("notice: no `script` command: the pseudo-terminal test is skipped");
        return;
    }
    let dir = scratch();
    let mut child = Command::new("script")
        .args(["-qfec", &format!("{EXE} repl"), "/dev/null"])
        .current_dir(&dir)
        .env("HOME", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // One line at a time, as typed: the line editor reads from the terminal as it comes.
    for line in [
        "(module (func (export \"f\") (result i32)\n",
        "  i32.const 42))\n",
        "(invoke \"f\")\n",
        ":quit\n",
    ] {
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    let out = stdout(&o).replace('\r', "");
    assert!(out.contains("REPL, design typed-cont"), "{out}");
    assert!(out.contains("... "), "the continuation prompt: {out}");
    assert!(out.contains("42 : [i32]"), "{out}");
    let history = std::fs::read_to_string(dir.join(".switchyard_history")).unwrap();
    assert!(history.contains("(invoke \"f\")"), "{history}");
}

#[test]
fn trace_json_prints_a_snapshot_per_step_and_a_line_per_directive() {
    let dir = scratch();
    let script = write(
        &dir,
        "gen.wast",
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../docs/examples/generator-typed-cont.wast"),
        )
        .unwrap(),
    );
    let o = run(&["run", "--trace=json", script.to_str().unwrap()], &dir);
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stderr(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let steps: Vec<&serde_json::Value> = lines.iter().filter_map(|l| l.get("step")).collect();
    let directives: Vec<&serde_json::Value> =
        lines.iter().filter_map(|l| l.get("directive")).collect();
    // The trace of docs/examples has 30 steps; the JSON adds the starting configuration.
    assert_eq!(steps.len(), 31);
    assert_eq!(steps[0]["rule"], "invoke");
    let rules: Vec<&str> = steps.iter().map(|s| s["rule"].as_str().unwrap()).collect();
    let resume = rules.iter().position(|r| *r == "resume").unwrap();
    assert_eq!(steps[resume]["thread"].as_array().unwrap().len(), 2);
    assert_eq!(directives.len(), 2);
    assert_eq!(directives[1]["kind"], "assert_return");
    assert_eq!(directives[1]["end_step"], 31);
    // The plain flag is still the text trace.
    let o = run(&["run", "--trace", script.to_str().unwrap()], &dir);
    assert!(stderr(&o).starts_with(";; "), "{}", stderr(&o));
    assert!(stderr(&o).contains(" ref.func "), "{}", stderr(&o));
}

/// One HTTP/1.0 request to the server at `port`; the response's status line and body.
fn http(port: u16, method: &str, path: &str, body: &str) -> (String, String) {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

#[test]
fn serve_answers_the_page_and_the_api_on_localhost() {
    use std::io::BufRead;
    let mut child = Command::new(EXE)
        .args([
            "serve",
            "--port",
            "0",
            "--max-snapshots",
            "10",
            "--fuel",
            "5000",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let port: u16 = first
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    let checks = std::panic::catch_unwind(|| {
        let (status, page) = http(port, "GET", "/", "");
        assert!(status.contains("200"), "{status}");
        assert!(page.contains("app.js"));
        let (_, examples) = http(port, "GET", "/api/examples", "");
        let examples: serde_json::Value = serde_json::from_str(&examples).unwrap();
        assert_eq!(examples[0]["name"], "generator");
        let (_, file) = http(port, "GET", "/api/file", "");
        assert_eq!(file, "null");
        // A runaway loop: ten steps recorded, and the budget's message.
        let request = serde_json::json!({
            "design": "raw-stacks",
            "source": "(module (func (export \"f\") (loop (br 0))))\n(invoke \"f\")",
        });
        let (status, run) = http(port, "POST", "/api/run", &request.to_string());
        assert!(status.contains("200"), "{status}");
        let run: serde_json::Value = serde_json::from_str(&run).unwrap();
        assert_eq!(run["design"], "raw-stacks");
        assert_eq!(run["steps"].as_array().unwrap().len(), 10);
        assert_eq!(run["truncated"], true);
        assert!(run["total_steps"].as_u64().unwrap() > 1000);
        assert!(run["diagnostics"]
            .as_str()
            .unwrap()
            .contains("fuel exhausted"));
        let bad = serde_json::json!({ "design": "nope", "source": "" });
        let (status, body) = http(port, "POST", "/api/run", &bad.to_string());
        assert!(status.contains("400"), "{status}");
        assert!(body.contains("unknown design"), "{body}");
        let (status, _) = http(port, "GET", "/nothing", "");
        assert!(status.contains("404"), "{status}");
    });
    child.kill().unwrap();
    child.wait().unwrap();
    if let Err(panic) = checks {
        std::panic::resume_unwind(panic);
    }
}

const FAILING: &str = "(module (func (export \"f\") (result i32) (i32.const 1)))\n\
                       (assert_return (invoke \"f\") (i32.const 2))\n";

/// `switchyard ARGS` in `dir` with only the given colour variables set (none inherited).
fn run_env(args: &[&str], dir: &Path, vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(EXE);
    command
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn colour_follows_the_flag_then_the_environment() {
    let dir = scratch();
    write(&dir, "f.wast", FAILING);
    let coloured = |o: &Output| stdout(o).contains('\u{1b}');
    // Not a terminal: no colour by default.
    assert!(!coloured(&run_env(&["run", "f.wast"], &dir, &[])));
    assert!(coloured(&run_env(
        &["run", "f.wast"],
        &dir,
        &[("CLICOLOR_FORCE", "1")]
    )));
    // NO_COLOR wins over CLICOLOR_FORCE; the flag wins over both.
    assert!(!coloured(&run_env(
        &["run", "f.wast"],
        &dir,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    assert!(coloured(&run_env(
        &["run", "--color", "always", "f.wast"],
        &dir,
        &[("NO_COLOR", "1")]
    )));
    assert!(!coloured(&run_env(
        &["--color", "never", "run", "f.wast"],
        &dir,
        &[("CLICOLOR_FORCE", "1")]
    )));
    // An empty NO_COLOR does not count (no-color.org).
    assert!(coloured(&run_env(
        &["run", "f.wast"],
        &dir,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]
    )));
    let o = run_env(&["validate", "--color", "always", "f.wast"], &dir, &[]);
    assert_eq!(status(&o), 0, "{}", stdout(&o));
    let o = run_env(&["run", "--color", "sometimes", "f.wast"], &dir, &[]);
    assert_eq!(status(&o), 2);
}

#[test]
fn an_empty_folder_is_an_error_not_a_pass() {
    let dir = scratch();
    write(&dir, "f.wast", "(module)\n");
    std::fs::create_dir(dir.join("empty")).unwrap();
    write(&dir.join("empty"), "notes.md", "no scripts here");
    for args in [
        &["run", "empty"][..],
        &["run", "f.wast", "empty"],
        &["validate", "empty"],
    ] {
        let o = run(args, &dir);
        assert_eq!(status(&o), 2, "{args:?}");
        assert_eq!(stdout(&o), "", "{args:?}: nothing runs");
        assert_eq!(
            stderr(&o),
            "switchyard: empty: no scripts or modules (.wast, .wat, .wasm) in this folder\n"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_cycle_is_walked_once() {
    let dir = scratch();
    let tree = dir.join("tree");
    std::fs::create_dir_all(tree.join("a")).unwrap();
    std::fs::create_dir_all(tree.join("b")).unwrap();
    write(&tree, "f.wast", "(module)\n");
    // Two links back up: without the check the walk would visit 2^40 paths.
    std::os::unix::fs::symlink("..", tree.join("a/up")).unwrap();
    std::os::unix::fs::symlink("..", tree.join("b/up")).unwrap();
    let o = run(&["run", "tree"], &dir);
    assert_eq!(status(&o), 0, "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        "PASS tree/f.wast [typed-cont]: 1 passed, 0 failed, 0 skipped\n\
         1 passed, 0 failed, 0 skipped\n"
    );
    let err = stderr(&o);
    assert!(
        err.contains("note: tree/a/up: skipped, a link to a folder already searched"),
        "{err}"
    );
    assert!(err.contains("note: tree/b/up: skipped"), "{err}");
}

#[test]
fn files_to_write_are_checked_before_the_run() {
    let dir = scratch();
    write(&dir, "f.wast", FAILING);
    for flag in ["--json", "--write-expected-failures"] {
        let o = run(&["run", flag, "no/such/folder/out.txt", "f.wast"], &dir);
        assert_eq!(status(&o), 2, "{flag}");
        assert_eq!(stdout(&o), "", "{flag}: nothing ran");
        assert!(
            stderr(&o).starts_with("switchyard: no/such/folder/out.txt: "),
            "{}",
            stderr(&o)
        );
    }
    // `--json -` is standard output (not a file named `-`); the rest goes to standard error.
    let o = run(&["run", "--json", "-", "f.wast"], &dir);
    assert_eq!(status(&o), 1);
    assert!(!dir.join("-").exists());
    assert!(
        stdout(&o).starts_with("{\n  \"files\": ["),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("FAIL f.wast"), "{}", stderr(&o));
}
