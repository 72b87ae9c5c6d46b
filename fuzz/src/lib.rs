//! What each fuzz target checks, as plain functions (so they also run from a normal test or
//! a debugger on a saved input). Every check panics on a Switchyard bug, which is what
//! libFuzzer records: a `Crash` error (a state validation should have ruled out), a malformed
//! or invalid module reported without a source span, or (for generated programs) an outcome
//! other than the one the generator predicts. Budgets are small, so each input ends quickly.
#![forbid(unsafe_code)]

use std::path::Path;
use std::rc::Rc;
use switchyard::design::Design;
use switchyard::diag::{Error, ErrorKind, Result};
use switchyard::exec::{Config, ExternVal};
use switchyard::runtime::{Ref, Val};
use switchyard::script::run::{run_source, Engine, RunOptions, Status, Switchyard};
use switchyard::script::ModuleSource;
use switchyard::syntax::{AbsHeapType, Module, ValType};
use switchyard::text;

/// The design an input runs under: picked by its first byte, so one corpus covers all three.
pub fn design_of(data: &[u8]) -> (Design, &[u8]) {
    match data.split_first() {
        Some((b, rest)) => (Design::ALL[*b as usize % Design::ALL.len()], rest),
        None => (Design::TypedCont, data),
    }
}

/// Small budgets: a few milliseconds of interpretation per input at most.
pub fn small_config(design: Design) -> Config {
    Config {
        design,
        max_call_depth: 1_000,
        fuel: Some(100_000),
        max_live_conts: 1_000,
        trace: false,
    }
}

fn check<T>(stage: &str, r: Result<T>) -> Result<T> {
    if let Err(e) = &r {
        check_error(stage, e);
    }
    r
}

/// Panics on an error that is a Switchyard bug.
pub fn check_error(stage: &str, e: &Error) {
    match e.kind {
        ErrorKind::Crash => panic!("{stage}: crash: {e}"),
        ErrorKind::Malformed | ErrorKind::Invalid if e.span.is_none() => {
            panic!("{stage}: error without a span: {e}")
        }
        _ => {}
    }
}

/// Text parser: any UTF-8 input as a script.
pub fn text_parser(data: &[u8]) {
    let (design, rest) = design_of(data);
    let Ok(src) = std::str::from_utf8(rest) else {
        return;
    };
    let _ = check("parse_script", text::parse_script(src, design));
}

fn decode(design: Design, bytes: &[u8]) -> (Switchyard, Result<Rc<Module>>) {
    let mut engine = Switchyard::new(small_config(design));
    let m = check(
        "decode",
        engine.parse(&ModuleSource::Binary(bytes.to_vec())),
    );
    (engine, m)
}

/// Binary decoder: any input as a module binary.
pub fn binary_decoder(data: &[u8]) {
    let (design, bytes) = design_of(data);
    let _ = decode(design, bytes);
}

/// Validator: inputs that decode are validated.
pub fn validator(data: &[u8]) {
    let (design, bytes) = design_of(data);
    let (mut engine, m) = decode(design, bytes);
    if let Ok(m) = m {
        let _ = check("validate", engine.validate(&m));
    }
}

/// A default argument for a parameter: zero, or a null of the bottom type `bottom`.
fn zero(t: &ValType, bottom: AbsHeapType) -> Val {
    match t {
        ValType::I32 => Val::I32(0),
        ValType::I64 => Val::I64(0),
        ValType::F32 => Val::F32(0),
        ValType::F64 => Val::F64(0),
        ValType::V128 => Val::V128(Box::new(0)),
        ValType::Ref(_) => Val::Ref(Ref::Null(bottom)),
    }
}

/// Execution with fuel: valid modules are instantiated (imports from `spectest`) and every
/// exported function is called with zero arguments.
pub fn exec_fuel(data: &[u8]) {
    let (design, bytes) = design_of(data);
    let (mut engine, m) = decode(design, bytes);
    let Ok(m) = m else { return };
    if check("validate", engine.validate(&m)).is_err() {
        return;
    }
    let Ok(hosts) = engine.host_instances() else {
        panic!("spectest cannot be made")
    };
    let spectest = hosts[0].1;
    let Ok(inst) = check(
        "instantiate",
        engine.instantiate(&m, &|name| (name == "spectest").then_some(spectest)),
    ) else {
        return;
    };
    for (name, ev) in engine.store.exports(inst) {
        let ExternVal::Func(f) = ev else { continue };
        let Some(ft) = engine.store.func_type(f) else {
            continue;
        };
        // A null of each bottom type in turn, until the arguments are accepted.
        for bottom in [
            AbsHeapType::None,
            AbsHeapType::NoFunc,
            AbsHeapType::NoExtern,
            AbsHeapType::NoExn,
            AbsHeapType::NoCont,
            AbsHeapType::NoStack,
        ] {
            let args = ft.params.iter().map(|t| zero(t, bottom)).collect();
            let r = check("invoke", engine.invoke(inst, &name, args));
            let retry = matches!(&r, Err(e) if e.kind == ErrorKind::Script);
            if !retry || !ft.params.iter().any(|t| matches!(t, ValType::Ref(_))) {
                break;
            }
        }
    }
}

/// Generated programs: the input's first 8 bytes are a `stackgen` seed; every directive must
/// do what the generator predicts.
pub fn generated(data: &[u8]) {
    let mut seed = [0u8; 8];
    for (i, b) in data.iter().take(8).enumerate() {
        seed[i] = *b;
    }
    let program = stackgen::Program::generate(u64::from_le_bytes(seed));
    let rendered = stackgen::render(&program);
    let report = run_source(
        Path::new("typed-cont/generated.wast"),
        &rendered.text,
        &RunOptions::default(),
    );
    for o in &report.outcomes {
        if o.status != Status::Passed {
            panic!(
                "line {}: expected {}, got {}\n{}",
                o.line, o.expected, o.actual, rendered.text
            );
        }
    }
}
