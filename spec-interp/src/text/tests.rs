//! Tests of the text format: the official suite parses, `module quote` texts fail or succeed as
//! their assertions expect, and abbreviations mean what their expansions mean.

use super::*;
use crate::script::{CommandKind, Instantiation, ModuleSource};
use pretty_assertions::assert_eq;
use std::path::{Path, PathBuf};

const SUITE: &str = "/work/shared/spec-tests/core";

fn suite_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "",
        "gc",
        "multi-memory",
        "stack-switching",
        "simd",
        "relaxed-simd",
    ] {
        let Ok(entries) = std::fs::read_dir(Path::new(SUITE).join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "wast") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn line_of(src: &str, offset: u32) -> usize {
    src[..offset as usize].matches('\n').count() + 1
}

/// Quoted modules: those of `assert_malformed` must fail with the expected message, the others
/// must parse.
fn check_quotes(
    script: &crate::script::Script,
    src: &str,
    name: &str,
    design: Design,
    problems: &mut Vec<String>,
) {
    for cmd in &script.commands {
        let line = line_of(src, cmd.span.start);
        match &cmd.kind {
            CommandKind::AssertMalformed { module, message } => {
                if let ModuleSource::Quote(text) = &module.source {
                    match parse_module(text, design) {
                        Ok(_) => problems.push(format!(
                            "{name}:{line}: quote parsed, expected \"{message}\""
                        )),
                        Err(e) if !e.message.starts_with(message.as_str()) => {
                            problems.push(format!(
                                "{name}:{line}: got \"{}\", expected \"{message}\"",
                                e.message
                            ))
                        }
                        Err(_) => {}
                    }
                }
            }
            CommandKind::Module(m)
            | CommandKind::AssertInvalid { module: m, .. }
            | CommandKind::AssertUnlinkable {
                module: Instantiation::Module(m),
                ..
            }
            | CommandKind::AssertUninstantiable {
                module: Instantiation::Module(m),
                ..
            } => {
                if let ModuleSource::Quote(text) = &m.source {
                    if let Err(e) = parse_module(text, design) {
                        problems.push(format!("{name}:{line}: quote failed: {e}"));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Parses every script of the suite, and every quoted module in it. Reports all
/// problems at once.
#[test]
fn official_suite_parses() {
    let files = suite_files();
    if files.is_empty() {
        return; // the suite is not available here
    }
    let mut problems = Vec::new();
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(SUITE).unwrap().display().to_string();
        match parse_script(&src, Design::TypedCont) {
            Ok(script) => check_quotes(&script, &src, &name, Design::TypedCont, &mut problems),
            Err(e) => {
                let line = line_of(&src, e.span.map_or(0, |s| s.start));
                problems.push(format!("{name}:{line}: {e}"));
            }
        }
    }
    if !problems.is_empty() {
        panic!("{} problems:\n{}", problems.len(), problems.join("\n"));
    }
}

/// Parses Switchyard's own design suites (`testsuite/<design>/`) under their design. These
/// files belong to other parts of the project and change under us, so problems are reported
/// (run with `--nocapture`) rather than failing this test; the wast runner fails on them.
#[test]
fn design_suites_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testsuite");
    let mut paths = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            // The diagnostics fixtures are broken on purpose (`tests/diagnostics.rs`).
            if path.ends_with("diagnostics") {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "wast") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let mut problems = Vec::new();
    {
        for path in paths {
            // The design: a `;;!` line, else a path component or file stem naming one.
            let named = path
                .strip_prefix(&root)
                .unwrap()
                .iter()
                .filter_map(|c| c.to_str())
                .filter_map(|c| c.strip_suffix(".wast").unwrap_or(c).parse::<Design>().ok())
                .next_back();
            let design = named.unwrap_or(Design::TypedCont);
            let src = std::fs::read_to_string(&path).unwrap();
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            let design = match script_design(&src) {
                Some(Ok(d)) => d,
                _ => design,
            };
            match parse_script(&src, design) {
                Ok(script) => check_quotes(&script, &src, &name, design, &mut problems),
                Err(e) => {
                    let line = line_of(&src, e.span.map_or(0, |s| s.start));
                    problems.push(format!("{name}:{line} ({design}): {e}"));
                }
            }
        }
    }
    for p in &problems {
        eprintln!("design suite problem: {p}");
    }
}

fn module(src: &str) -> Module {
    match parse_module(src, Design::TypedCont) {
        Ok(m) => m,
        Err(e) => panic!("{src}: {e}"),
    }
}

/// Clears spans, which differ between an abbreviation and its expansion.
fn strip(mut m: Module) -> Module {
    use crate::diag::Span as S;
    m.span = S::NONE;
    for r in &mut m.types {
        r.span = S::NONE;
        for t in &mut r.types {
            t.span = S::NONE;
        }
    }
    for f in &mut m.funcs {
        f.span = S::NONE;
        f.body.spans.iter_mut().for_each(|s| *s = S::NONE);
    }
    for i in &mut m.imports {
        i.span = S::NONE;
    }
    for e in &mut m.exports {
        e.span = S::NONE;
    }
    for t in &mut m.tables {
        t.span = S::NONE;
    }
    for t in &mut m.mems {
        t.span = S::NONE;
    }
    for g in &mut m.globals {
        g.span = S::NONE;
        g.init.spans.iter_mut().for_each(|s| *s = S::NONE);
    }
    for e in &mut m.elems {
        e.span = S::NONE;
        for i in &mut e.init {
            i.spans.iter_mut().for_each(|s| *s = S::NONE);
        }
        if let crate::syntax::ElemMode::Active { offset, .. } = &mut e.mode {
            offset.spans.iter_mut().for_each(|s| *s = S::NONE);
        }
    }
    for d in &mut m.datas {
        d.span = S::NONE;
        if let crate::syntax::DataMode::Active { offset, .. } = &mut d.mode {
            offset.spans.iter_mut().for_each(|s| *s = S::NONE);
        }
    }
    for t in &mut m.tags {
        t.span = S::NONE;
    }
    if let Some(s) = &mut m.start {
        s.span = S::NONE;
    }
    // Names are what the abbreviations may differ in.
    m.names = crate::syntax::Names::default();
    m
}

fn same(abbrev: &str, expanded: &str) {
    assert_eq!(
        strip(module(abbrev)),
        strip(module(expanded)),
        "{abbrev}  vs  {expanded}"
    );
}

#[test]
fn folded_is_flat() {
    same(
        "(func (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 1)))",
        "(type (func (param i32) (result i32))) (func (type 0) local.get 0 i32.const 1 i32.add)",
    );
    same(
        "(func (if (i32.const 1) (then (nop)) (else (nop))))",
        "(func i32.const 1 if nop else nop end)",
    );
    same(
        "(func (block $a (loop $b (br $a) (br $b))))",
        "(func block $a loop $b br 1 br 0 end end)",
    );
    same(
        "(func (if (result i32) (i32.const 0) (then (i32.const 1)) (else (i32.const 2))) drop)",
        "(func i32.const 0 if (result i32) i32.const 1 else i32.const 2 end drop)",
    );
}

#[test]
fn inline_imports_and_exports() {
    same(
        "(func $f (export \"a\") (import \"m\" \"f\") (param i32))",
        "(type (func (param i32))) (import \"m\" \"f\" (func $f (type 0))) (export \"a\" (func $f))",
    );
    same(
        "(memory (export \"m\") 1 2) (global $g (export \"g\") i32 (i32.const 0))",
        "(memory 1 2) (global i32 (i32.const 0)) (export \"m\" (memory 0)) (export \"g\" (global 0))",
    );
    same(
        "(table $t (import \"m\" \"t\") 1 funcref) (tag $e (export \"e\") (param i32))",
        "(type (func (param i32))) (import \"m\" \"t\" (table 1 funcref)) (tag (type 0)) (export \"e\" (tag 0))",
    );
}

#[test]
fn inline_segments() {
    same(
        "(func $f) (table funcref (elem $f $f))",
        "(func $f) (table 2 2 funcref) (elem (table 0) (i32.const 0) funcref (ref.func $f) (ref.func $f))",
    );
    same(
        "(memory (data \"ab\" \"c\"))",
        "(memory 1 1) (data (memory 0) (i32.const 0) \"abc\")",
    );
    same(
        "(func $f) (table 1 funcref) (elem (i32.const 0) $f)",
        "(func $f) (table 1 funcref) (elem (table 0) (offset (i32.const 0)) func $f)",
    );
    same(
        "(elem funcref (ref.func 0) (item ref.null func))",
        "(elem funcref (item (ref.func 0)) (item (ref.null func)))",
    );
}

#[test]
fn implicit_types_reuse_and_append() {
    let m = module(
        "(type $a (func (param i32))) (rec (type $b (func)) (type $c (struct))) (func (param i32)) (func) (func (result i32) (i32.const 0))",
    );
    assert_eq!(
        m.funcs.iter().map(|f| f.type_idx).collect::<Vec<_>>(),
        vec![0, 3, 4]
    );
    assert_eq!(m.types.len(), 4);
    let e = parse_module(
        "(type $a (func (param i32))) (func (type $a) (param i64))",
        Design::TypedCont,
    )
    .unwrap_err();
    assert_eq!(e.message, "inline function type");
}

#[test]
fn labels_locals_fields() {
    let m = module(
        "(type $s (struct (field $x i32) (field $y i64))) (func (param $p (ref $s)) (local $l i64) (block $out (local.get $p) (struct.get $s $y) (local.set $l) (br $out)))",
    );
    let body = &m.funcs[0].body.instrs;
    use crate::syntax::Instr::*;
    assert_eq!(
        body,
        &vec![
            Block(crate::syntax::BlockType::Empty),
            LocalGet(0),
            StructGet(0, 1),
            LocalSet(1),
            Br(0),
            End
        ]
    );
    let err = |s: &str| parse_module(s, Design::TypedCont).unwrap_err().message;
    assert_eq!(err("(func block $a end $b)"), "mismatching label");
    assert!(err("(func br $x)").starts_with("unknown label"));
    assert!(err("(func (local $a i32) (local $a i32))").starts_with("duplicate local"));
    assert!(err("(func (i32.load align=3 (i32.const 0)))").starts_with("alignment"));
    assert!(err("(func) (import \"\" \"\" (func))").starts_with("import after function"));
}

/// The printer keeps label names: every block-like instruction prints the `$label` its source
/// gave it, and branches, `br_table`, catch clauses and handler clauses name their target,
/// except where an inner label of the same name shadows it (then the depth, which is what the
/// name would not say). Printing and parsing again gives the same module, names included.
#[test]
fn printed_labels_keep_their_names() {
    let src = r#"(module
      (type $f (func (result i32)))
      (type $k (cont $f))
      (tag $e (result i32))
      (func $g (result i32) (suspend $e))
      (elem declare func $g)
      (func (export "run") (param $x i32) (result i32)
        (block $outer (result i32)
          (loop $again
            (block $inner
              (br_if $inner (local.get $x))
              (br_table $inner $again $inner (i32.const 0)))
            (if $check (local.get $x) (then (br $check)) (else (br $again)))
            (block $outer (br $outer) (br 1) (br 2))
            (block (br $again))
            (try_table $t (catch_all $again) (nop)))
          (block $h (result (ref $k))
            (resume $k (on $e $h) (cont.new $k (ref.func $g)))
            (br $outer))
          (drop)
          (i32.const 7))))"#;
    let m = parse_module(src, Design::TypedCont).unwrap();
    // Label indices count every label-opening instruction in order, named or not.
    let names: Vec<(u32, &str)> = m.names.labels[&1]
        .iter()
        .map(|(k, n)| (*k, n.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            (0, "outer"),
            (1, "again"),
            (2, "inner"),
            (3, "check"),
            (4, "outer"),
            (6, "t"),
            (7, "h")
        ]
    );
    let printed = crate::text::print_module(&m, Design::TypedCont);
    let lines: Vec<&str> = printed.lines().map(str::trim).collect();
    for want in [
        "block $outer (result i32)",
        "loop $again",
        "block $inner",
        "br_if $inner",
        "br_table $inner $again $inner",
        "if $check",
        "br $check",
        "br $again",
        "block $outer",
        // Inside the inner `$outer`, the outer one is shadowed: its depth is printed.
        "br 2",
        "block",
        "try_table $t (catch_all $again)",
        "block $h (result (ref $k))",
        "resume $k (on $e $h)",
    ] {
        assert!(lines.contains(&want), "no line {want:?} in:\n{printed}");
    }
    // `br 1` inside the inner `$outer` is `$again`; `br $outer` there is the inner block.
    let inner = lines.iter().position(|l| *l == "block $outer").unwrap();
    assert_eq!(
        &lines[inner + 1..inner + 4],
        ["br $outer", "br $again", "br 2"]
    );
    let back = parse_module(&printed, Design::TypedCont).unwrap();
    assert_eq!(back.names, m.names);
    assert_eq!(back.funcs[1].body.instrs, m.funcs[1].body.instrs);
}

#[test]
fn deep_nesting() {
    let n = 10_000;
    let mut src = String::from("(func ");
    for _ in 0..n {
        src.push_str("(block ");
    }
    for _ in 0..n {
        src.push(')');
    }
    src.push(')');
    let m = module(&src);
    assert_eq!(m.funcs[0].body.instrs.len(), 2 * n);
    let mut src = String::from("(func (result i32) ");
    for _ in 0..n {
        src.push_str("(i32.add (i32.const 1) ");
    }
    src.push_str("(i32.const 0)");
    for _ in 0..n {
        src.push(')');
    }
    src.push(')');
    module(&src);
    let flat = format!("(func {} {})", "block ".repeat(n), "end ".repeat(n));
    module(&flat);
}

#[test]
fn typed_cont_syntax() {
    let m = module(
        "(type $ft (func)) (type $ct (cont $ft)) (tag $e) (func $f (block $l (result (ref $ct)) (resume $ct (on $e $l) (on $e switch) (cont.new $ct (ref.func $f)))) drop) (elem declare func $f)",
    );
    use crate::typed_cont::{Handler, Instr as T};
    assert!(m.funcs[0]
        .body
        .instrs
        .contains(&crate::syntax::Instr::TypedCont(T::Resume(
            1,
            vec![Handler::OnLabel(0, 0), Handler::OnSwitch(0)].into()
        ))));
}

#[test]
#[ignore]
fn timing() {
    let mut times = Vec::new();
    for path in suite_files() {
        let src = std::fs::read_to_string(&path).unwrap();
        let t = std::time::Instant::now();
        let _ = parse_script(&src, Design::TypedCont);
        times.push((t.elapsed(), path));
    }
    times.sort();
    for (t, p) in times.iter().rev().take(8) {
        eprintln!("{t:?} {}", p.display());
    }
}

/// Truncated and mutated scripts give errors, never panics.
#[test]
fn mutations_do_not_panic() {
    let files = suite_files();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for path in files.iter().step_by(7) {
        let src = std::fs::read_to_string(path).unwrap();
        for _ in 0..40 {
            let mut bytes = src.as_bytes().to_vec();
            let at = (next() as usize) % bytes.len().max(1);
            match next() % 3 {
                0 => bytes.truncate(at),
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b"()$\"; 0x.e-+_ab"[next() as usize % 15]),
            }
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse_script(&text, Design::TypedCont);
            let _ = parse_module(&text, Design::EffectHandlers);
        }
    }
}

fn module_in(src: &str, design: Design) -> Module {
    match parse_module(src, design) {
        Ok(m) => m,
        Err(e) => panic!("{src}: {e}"),
    }
}

#[test]
fn effect_handlers_syntax() {
    let d = Design::EffectHandlers;
    let types =
        "(type $ft (func (result i32))) (type $k (cont $ft)) (tag $e (param i32) (result i32))";
    let folded = format!(
        "{types} (func (result i32) (handle $h (result i32) (do (perform $e (i32.const 1))) (on $e $k (drop) (drop) (br $h (i32.const 2))) (on $e $k (continue $k (i32.const 3)))))"
    );
    let flat = format!(
        "{types} (func (result i32) handle $h (result i32) i32.const 1 perform $e on $e $k drop drop i32.const 2 br 0 on $e $k i32.const 3 continue $k end $h)"
    );
    assert_eq!(strip(module_in(&folded, d)), strip(module_in(&flat, d)));
    let err = |s: &str| {
        parse_module(&format!("{types} {s}"), d)
            .unwrap_err()
            .message
    };
    assert_eq!(err("(func on $e $k)"), "unexpected token");
    assert_eq!(err("(func (handle (on $e $k)))"), "unexpected token");
    assert_eq!(err("(func block on $e $k end)"), "unexpected token");
    assert!(err("(func (cont.new $k (ref.null $ft)) drop)").starts_with("unknown operator"));
}

#[test]
fn raw_stacks_syntax() {
    let d = Design::RawStacks;
    let m = module_in(
        "(rec (type $main (stack (param i32) (ref null $task))) (type $task (stack (param i32) (ref $main)))) (func $f (param i32 (ref $main))) (func (stack.switch $task (i32.const 1) (stack.new $task $f)) drop)",
        d,
    );
    use crate::raw_stacks::Instr as R;
    assert!(m.funcs[1]
        .body
        .instrs
        .contains(&crate::syntax::Instr::RawStacks(R::StackNew(1, 0))));
    let err = |s: &str| parse_module(s, d).unwrap_err().message;
    assert_eq!(
        err("(type $s (stack (param $x i32) (ref null $s)))"),
        "unexpected token"
    );
    assert_eq!(err("(type $s (stack (param i32)))"), "unexpected token");
    assert_eq!(
        err("(type $f (func)) (type $c (cont $f))"),
        "unexpected token"
    );
}

/// The script language's own forms parse to what the reference interpreter's grammar means.
#[test]
fn script_grammar_forms() {
    use crate::script::{NanPat, ResultPat, V128Pat};
    let src = "(module definition $D)\n(module instance $D)\n(module instance $I $D)\n\
               (module instance)\n(assert_unlinkable (module instance $D) \"x\")\n\
               (assert_trap (module instance $I $D) \"y\")\n\
               (script $s (script (register \"r\")) (get \"g\"))\n\
               (input $M \"m.wat\")\n(output)\n(output $M \"m.wasm\")\n\
               (assert_malformed_custom (module quote \"(@custom)\") \"z\")\n\
               (assert_invalid_custom (module binary \"\") \"w\")\n\
               (assert_return (invoke \"v\") (either (ref) (either (ref.null) (i32.const 1)))\n\
                  (v128.const f32x4 nan:canonical 1 -0 nan:arithmetic))";
    let script = parse_script(src, Design::TypedCont).unwrap();
    let kinds: Vec<&CommandKind> = script.commands.iter().map(|c| &c.kind).collect();
    let instance = |i: Option<&str>, m: Option<&str>| CommandKind::ModuleInstance {
        instance: i.map(String::from),
        module: m.map(String::from),
    };
    assert_eq!(kinds[1], &instance(None, Some("D")));
    assert_eq!(kinds[2], &instance(Some("I"), Some("D")));
    assert_eq!(kinds[3], &instance(None, None));
    assert_eq!(
        kinds[4],
        &CommandKind::AssertUnlinkable {
            module: Instantiation::Instance {
                instance: None,
                module: Some("D".into())
            },
            message: "x".into()
        }
    );
    assert!(matches!(
        kinds[5],
        CommandKind::AssertUninstantiable {
            module: Instantiation::Instance {
                instance: Some(_),
                module: Some(_)
            },
            ..
        }
    ));
    // `script` forms are flattened: their commands run in place.
    assert!(matches!(kinds[6], CommandKind::Register { .. }));
    assert!(matches!(kinds[7], CommandKind::Action(_)));
    assert_eq!(
        kinds[8],
        &CommandKind::Input {
            id: Some("M".into()),
            path: "m.wat".into()
        }
    );
    assert_eq!(
        kinds[9],
        &CommandKind::Output {
            id: None,
            path: None
        }
    );
    assert!(matches!(
        kinds[10],
        CommandKind::Output { path: Some(_), .. }
    ));
    assert!(matches!(
        kinds[11],
        CommandKind::AssertMalformedCustom { .. }
    ));
    assert!(matches!(kinds[12], CommandKind::AssertInvalidCustom { .. }));
    let CommandKind::AssertReturn { results, .. } = kinds[13] else {
        panic!("not an assert_return: {:?}", kinds[13]);
    };
    assert_eq!(
        results,
        &vec![
            ResultPat::Either(vec![
                ResultPat::RefAny,
                ResultPat::RefNull(None),
                ResultPat::I32(1)
            ]),
            ResultPat::V128(V128Pat::F32([
                NanPat::Canonical,
                NanPat::Value(0x3f80_0000),
                NanPat::Value(0x8000_0000),
                NanPat::Arithmetic,
            ]))
        ]
    );
    assert_eq!(kinds.len(), 14);
}

/// Script-language errors: each one is malformed, with a message and the place it points to.
#[test]
fn script_grammar_errors() {
    let cases = [
        (
            "(assert_unlinkable (module definition (func)) \"x\")",
            "misplaced module definition",
            "(module definition (func))",
        ),
        (
            "(assert_trap (module definition $d) \"x\")",
            "misplaced module definition",
            "(module definition $d)",
        ),
        (
            "(assert_return (invoke \"f\") (v128.const i32x4 1 2 3))",
            "wrong number of lane literals",
            "i32x4",
        ),
        (
            "(invoke \"f\" (v128.const i16x8 1 2 3 4 5 6 7 8 9))",
            "wrong number of lane literals",
            "i16x8",
        ),
        (
            "(assert_return (invoke \"f\") (v128.const i32x3 1 2 3))",
            "unexpected token",
            "i32x3",
        ),
        (
            "(invoke \"f\" (v128.const f32x4 nan:canonical 0 0 0))",
            "unknown operator nan:canonical",
            "nan:canonical",
        ),
        (
            "(invoke \"f\" (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))",
            "constant out of range",
            "256",
        ),
        ("(module instance $a $b $c)", "unexpected token", "$c"),
        ("(input)", "unexpected token", ")"),
        ("(output $m \"a\" \"b\")", "unexpected token", "\"b\""),
        (
            "(assert_malformed_custom (invoke \"f\") \"x\")",
            "unexpected token",
            "invoke",
        ),
        ("(script $s (module)", "unclosed `(`: no `)` closes it", "("),
        (
            "(assert_return (invoke \"f\") (either (i32.const 1) (either (bogus))))",
            "unknown operator bogus",
            "bogus",
        ),
    ];
    for (src, message, at) in cases {
        let err = parse_script(src, Design::TypedCont).unwrap_err();
        assert_eq!(err.message, message, "{src}");
        let span = err.span.expect("a span");
        assert_eq!(&src[span.range()], at, "{src}");
    }
}

/// What the recovering parser makes of a script: the keyword and line of each command, and the
/// line, keyword, message and marked text of each broken form, with its secondary labels.
#[allow(clippy::type_complexity)]
fn recovered(
    src: &str,
) -> (
    Vec<(usize, &'static str)>,
    Vec<(usize, String, String, String, Vec<String>)>,
) {
    let (script, broken) = parse_script_recovering(src, Design::TypedCont, Vec::new());
    let line = |at: u32| crate::diag::line_col(src, at as usize).0;
    let commands = script
        .commands
        .iter()
        .map(|c| {
            (
                line(c.span.start),
                crate::script::run::command_keyword(&c.kind),
            )
        })
        .collect();
    let broken = broken
        .into_iter()
        .map(|form| {
            let span = form.error.span.expect("a span");
            let labels = form
                .error
                .labels
                .iter()
                .map(|(s, m)| format!("{}: {m}", line(s.start)))
                .collect();
            (
                line(span.start),
                form.keyword,
                form.error.message,
                src[span.range()].to_string(),
                labels,
            )
        })
        .collect();
    (commands, broken)
}

const UNCLOSED: &str = "unclosed `(`: no `)` closes it";
const NEXT: &str = "the next directive starts here: a `)` is missing before it";

#[test]
fn a_stray_parenthesis_fails_alone() {
    let src = "(module)\n(invoke \"f\"))\n(invoke \"g\")\n)";
    let (commands, broken) = recovered(src);
    assert_eq!(commands, vec![(1, "module"), (2, "invoke"), (3, "invoke")]);
    let stray = "unexpected `)`: there is no `(` for it to close";
    assert_eq!(
        broken,
        vec![
            (2, "script".into(), stray.into(), ")".into(), vec![]),
            (4, "script".into(), stray.into(), ")".into(), vec![]),
        ]
    );
}

#[test]
fn an_unclosed_parenthesis_is_shown_where_it_opens() {
    // At the end of the file.
    let src = "(module)\n(invoke \"f\")\n(assert_return (invoke \"f\") (i32.const 1)\n";
    let (commands, broken) = recovered(src);
    assert_eq!(commands, vec![(1, "module"), (2, "invoke")]);
    assert_eq!(
        broken,
        vec![(
            3,
            "assert_return".into(),
            UNCLOSED.into(),
            "(".into(),
            vec!["3: the file ends here".into()]
        )]
    );
    // In the middle: the directive ends where the next one starts in column 1; a `(` inside
    // left open too is named.
    let src = "(module\n  (func (export \"f\")\n(invoke \"f\")\n(invoke \"g\")";
    let (commands, broken) = recovered(src);
    assert_eq!(commands, vec![(3, "invoke"), (4, "invoke")]);
    assert_eq!(
        broken,
        vec![(
            1,
            "module".into(),
            UNCLOSED.into(),
            "(".into(),
            vec!["2: this `(` is left open too".into(), format!("3: {NEXT}")]
        )]
    );
}

#[test]
fn a_missing_and_an_extra_parenthesis_do_not_merge_directives() {
    // The module's `)` is missing, and an extra one later balances the file: the module fails
    // where its parse meets the next directive, and the extra `)` is stray.
    let src = "(module\n  (func))\n(module (func (export \"g\")))\n(invoke \"g\"))\n(invoke \"g\")";
    let src = src.replacen("(func))", "(func)", 1);
    let (commands, broken) = recovered(&src);
    assert_eq!(commands, vec![(3, "module"), (4, "invoke"), (5, "invoke")]);
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert_eq!((broken[0].0, broken[0].2.as_str()), (1, UNCLOSED));
    assert_eq!(broken[0].4, vec![format!("3: {NEXT}")]);
    assert_eq!((broken[1].0, broken[1].3.as_str()), (4, ")"));
}

#[test]
fn an_assertions_first_argument_in_column_one_is_no_new_directive() {
    let src = "(assert_invalid\n(module (func (result i32)))\n\"type mismatch\"\n(invoke \"f\")\n\
               (assert_return\n(invoke \"f\") (i32.const 1))";
    let (commands, broken) = recovered(src);
    assert_eq!(commands, vec![(4, "invoke"), (5, "assert_return")]);
    assert_eq!(broken.len(), 1);
    assert_eq!((broken[0].0, broken[0].2.as_str()), (1, UNCLOSED));
    assert_eq!(broken[0].4, vec![format!("4: {NEXT}")]);
}

#[test]
fn directives_inside_a_script_form_recover_at_their_own_indentation() {
    let src = "(script $s\n  (module)\n  (invoke \"f\"\n  (invoke \"g\"))\n(invoke \"h\")";
    let (commands, broken) = recovered(src);
    // The `)` that was the script's closes it; the directive missing its `)` fails alone.
    assert_eq!(commands, vec![(2, "module"), (4, "invoke"), (5, "invoke")]);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!((broken[0].0, broken[0].1.as_str()), (3, "invoke"));
    assert_eq!(broken[0].4, vec![format!("4: {NEXT}")]);
    // A script form left open is shown at its `(`; its directives run.
    let (commands, broken) = recovered("(script\n  (module)\n  (invoke \"f\")");
    assert_eq!(commands, vec![(2, "module"), (3, "invoke")]);
    assert_eq!(broken[0].2, UNCLOSED);
}

#[test]
fn lexical_errors_fail_the_directive_holding_them() {
    let src = "(invoke \"f\\q\")\n(invoke \"f) (i32.const 1))\n(invoke \"g\")\n\
               (invoke \"f\" 0drop)\n\u{1}\n(invoke \"(\" (; a ) ;))\n(; open";
    let (commands, broken) = recovered(src);
    assert_eq!(commands, vec![(3, "invoke"), (6, "invoke")]);
    let found: Vec<(usize, &str, &str)> = broken
        .iter()
        .map(|b| (b.0, b.1.as_str(), b.2.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (1, "invoke", "illegal escape"),
            // The string left open took the `)`s along: the string is the error.
            (2, "invoke", "unclosed string"),
            (4, "invoke", "unknown operator"),
            (5, "script", "illegal character"),
            (7, "script", "unclosed comment"),
        ]
    );
    // Text outside any form, and a module field among directives.
    let (commands, broken) = recovered("(module)\nfoo bar\n(func)\n(invoke \"f\")");
    assert_eq!(commands, vec![(1, "module"), (4, "invoke")]);
    assert_eq!(broken[0].3, "foo");
    assert!(broken[0]
        .2
        .starts_with("unexpected token: a directive starts with `(`"));
    assert_eq!(broken[1].3, "func");
    assert!(broken[1].2.contains("module field"));
}

#[test]
fn invalid_utf8_and_a_byte_order_mark_are_located() {
    let (src, errors) =
        crate::diag::decode_source(b"(module)\n;; \xff\n(invoke \"f\" \"\xfe\")\n(invoke \"g\")");
    let (script, broken) = parse_script_recovering(&src, Design::TypedCont, errors);
    assert_eq!(script.commands.len(), 2);
    let found: Vec<(u32, &str)> = broken
        .iter()
        .map(|b| (b.span.start, b.error.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (12, "malformed UTF-8 encoding"),
            (16, "malformed UTF-8 encoding")
        ]
    );
    let (script, broken) = parse_script_recovering(
        "\u{feff}(module)\n(invoke \"f\")",
        Design::TypedCont,
        vec![],
    );
    assert_eq!(script.commands.len(), 2);
    assert!(broken[0].error.message.contains("byte order mark"));
    assert_eq!(broken[0].error.span, Some(crate::diag::Span::new(0, 4)));
}

#[test]
fn header_lines_allow_comments() {
    let src = "\u{feff};;! design = \"raw-stacks\" ;; the design\n;; a comment\n;;! fuel = 5;;x\n;;! odd\n(module)\n;;! late = 1";
    let lines: Vec<(&str, Option<&str>)> =
        header_lines(src).iter().map(|h| (h.key, h.value)).collect();
    assert_eq!(
        lines,
        vec![
            ("design", Some("raw-stacks")),
            ("fuel", Some("5")),
            ("odd", None)
        ]
    );
    assert_eq!(script_design(src), Some(Ok(Design::RawStacks)));
    assert_eq!(
        without_comment("a = \";; not a comment\" ;; one"),
        "a = \";; not a comment\" "
    );
}
