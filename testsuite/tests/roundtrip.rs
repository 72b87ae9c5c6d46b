//! Round trips of every module of every suite (ours under `testsuite/` and the whole official
//! one, `simd/` and `relaxed-simd/` included), in each of the three designs: for every module the
//! parser or decoder accepts, `decode(encode(m)) = m` and `parse(print(m)) = m`, up to source spans.
//!
//! A script is read under each design; a design whose syntax the script does not parse in (a
//! typed-cont script under raw-stacks, say) is left out for that script. Quoted and binary
//! modules count too, when they parse or decode.

use std::path::Path;

use switchyard::binary::{decode_module, encode_module};
use switchyard::design::Design;
use switchyard::diag::Span;
use switchyard::script::{ModuleSource, ScriptModule};
use switchyard::syntax::*;
use switchyard::text::{self, print_module};
use switchyard_testsuite::{bundled, spec_core, spec_root};

/// A copy without what depends on the source: spans, the `$id`, and whether the binary had a
/// data count section (the text format has none).
fn normalize(m: &Module) -> Module {
    let mut m = m.clone();
    m.id = None;
    m.data_count = None;
    m.span = Span::NONE;
    let expr = |e: &mut Expr| e.spans.iter_mut().for_each(|s| *s = Span::NONE);
    for r in &mut m.types {
        r.span = Span::NONE;
        r.types.iter_mut().for_each(|s| s.span = Span::NONE);
    }
    m.imports.iter_mut().for_each(|i| i.span = Span::NONE);
    for f in &mut m.funcs {
        f.span = Span::NONE;
        expr(&mut f.body);
    }
    for t in &mut m.tables {
        t.span = Span::NONE;
        t.init.iter_mut().for_each(expr);
    }
    m.mems.iter_mut().for_each(|x| x.span = Span::NONE);
    for g in &mut m.globals {
        g.span = Span::NONE;
        expr(&mut g.init);
    }
    m.tags.iter_mut().for_each(|x| x.span = Span::NONE);
    m.exports.iter_mut().for_each(|x| x.span = Span::NONE);
    m.start.iter_mut().for_each(|x| x.span = Span::NONE);
    for el in &mut m.elems {
        el.span = Span::NONE;
        el.init.iter_mut().for_each(expr);
        if let ElemMode::Active { offset, .. } = &mut el.mode {
            expr(offset);
        }
    }
    for d in &mut m.datas {
        d.span = Span::NONE;
        if let DataMode::Active { offset, .. } = &mut d.mode {
            expr(offset);
        }
    }
    m
}

/// Checks both round trips of one module; the error names the first one that fails.
fn round_trip(m: &Module, design: Design) -> Result<(), String> {
    let want = normalize(m);
    let bytes = encode_module(m);
    match decode_module(&bytes, design) {
        Ok(back) => {
            let got = normalize(&back);
            if got != want {
                return Err(format!(
                    "decode(encode(m)) differs:\n{}",
                    first_difference(&want, &got)
                ));
            }
        }
        Err(e) => return Err(format!("decode(encode(m)) fails: {e}")),
    }
    let printed = print_module(m, design);
    match text::parse_module(&printed, design) {
        Ok(back) => {
            let got = normalize(&back);
            if got != want {
                return Err(format!(
                    "parse(print(m)) differs:\n{}\nprinted:\n{}",
                    first_difference(&want, &got),
                    excerpt(&printed)
                ));
            }
        }
        Err(e) => {
            return Err(format!(
                "parse(print(m)) fails: {e}\nprinted:\n{}",
                excerpt(&printed)
            ))
        }
    }
    Ok(())
}

fn excerpt(text: &str) -> String {
    text.lines().take(60).collect::<Vec<_>>().join("\n")
}

/// The first line where the two modules' debug forms differ, with a little context.
fn first_difference(want: &Module, got: &Module) -> String {
    let a = format!("{want:#?}");
    let b = format!("{got:#?}");
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = la
        .iter()
        .zip(&lb)
        .position(|(x, y)| x != y)
        .unwrap_or(la.len().min(lb.len()));
    let from = at.saturating_sub(8);
    format!(
        "  want: {}\n  got:  {}",
        la[from..(at + 3).min(la.len())].join("\n        "),
        lb[from..(at + 3).min(lb.len())].join("\n        ")
    )
}

/// The module a script command holds, as the parser or decoder reads it (none when it does not).
fn module_of(sm: &ScriptModule, design: Design) -> Option<Module> {
    match &sm.source {
        ModuleSource::Text(m) => Some((**m).clone()),
        ModuleSource::Binary(bytes) => decode_module(bytes, design).ok(),
        ModuleSource::Quote(src) => text::parse_module(src, design).ok(),
    }
}

fn check(path: &Path) -> datatest_stable::Result<()> {
    let src = std::fs::read_to_string(path)?;
    let mut problems = Vec::new();
    let mut checked = 0;
    for design in Design::ALL {
        let Ok(script) = text::parse_script(&src, design) else {
            continue;
        };
        for command in &script.commands {
            // Every module written in the script (`script_module`: also those of assertions).
            let Some(module) = command.kind.script_module() else {
                continue;
            };
            let Some(m) = module_of(module, design) else {
                continue;
            };
            checked += 1;
            if let Err(why) = round_trip(&m, design) {
                let line = src[..command.span.start as usize].lines().count().max(1);
                problems.push(format!("{}:{line} [{design}]: {why}", path.display()));
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} of {checked} modules fail a round trip; the first:\n{}",
        problems.len(),
        problems[0]
    )
    .into())
}

/// Without the official suite there is nothing to match (the wast test reports its absence).
fn spec_pattern() -> &'static str {
    match spec_core() {
        Some(_) => r"^.*\.wast$",
        None => r"^$",
    }
}

/// Our own scripts; those of `testsuite/diagnostics/` are broken on purpose.
fn ours(path: &Path) -> datatest_stable::Result<()> {
    if path
        .parent()
        .is_some_and(|dir| dir.ends_with("testsuite/diagnostics"))
    {
        return Ok(());
    }
    check(path)
}

fn spec(path: &Path) -> datatest_stable::Result<()> {
    check(path)
}

datatest_stable::harness! {
    { test = ours, root = bundled(), pattern = r"\.wast$" },
    { test = spec, root = spec_root(), pattern = spec_pattern() },
}
