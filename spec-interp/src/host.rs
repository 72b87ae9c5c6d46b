//! Host modules: `spectest` of the official suite.

use std::rc::Rc;

use crate::diag::Error;
use crate::diag::{Result, Span};
use crate::exec::store::*;
use crate::exec::thread::{Prompt, Segment, Thread};
use crate::exec::{ExternVal, Store};
use crate::runtime::{Addr, Ref, Val};
use crate::syntax::{
    AbsHeapType, AddrType, CompType, FuncType, Module, RecType, RefType, SubType, ValType,
};

/// Creates the `spectest` module instance in `store`.
pub fn spectest(store: &mut Store) -> Result<Addr> {
    let s = store;
    let mut inst = ModuleInst {
        module: Rc::new(Module::default()),
        ..Default::default()
    };
    let funcs: [(&str, HostFunc, Vec<ValType>); 8] = [
        ("print", HostFunc::Print, vec![]),
        ("print_i32", HostFunc::PrintI32, vec![ValType::I32]),
        ("print_i64", HostFunc::PrintI64, vec![ValType::I64]),
        ("print_f32", HostFunc::PrintF32, vec![ValType::F32]),
        ("print_f64", HostFunc::PrintF64, vec![ValType::F64]),
        (
            "print_i32_f32",
            HostFunc::PrintI32F32,
            vec![ValType::I32, ValType::F32],
        ),
        (
            "print_f64_f64",
            HostFunc::PrintF64F64,
            vec![ValType::F64, ValType::F64],
        ),
        (
            "call_ref",
            HostFunc::CallRef,
            vec![ValType::I32, ValType::Ref(RefType::FUNCREF)],
        ),
    ];
    for (name, host, params) in funcs {
        let n = params.len();
        let results = match host {
            HostFunc::CallRef => vec![ValType::I32],
            _ => vec![],
        };
        let nres = results.len();
        let ft = FuncType { params, results };
        let sub = SubType {
            is_final: true,
            supers: vec![],
            comp: CompType::Func(ft),
            span: Span::NONE,
        };
        let ty = s.rtt.add_module_types(&[RecType {
            types: vec![sub],
            span: Span::NONE,
        }])?[0];
        s.funcs.push(FuncInst::Host {
            ty,
            host,
            params: n,
            results: nres,
        });
        inst.exports
            .insert(name.to_string(), ExternVal::Func(s.funcs.len() as Addr - 1));
    }
    let globals = [
        ("global_i32", ValType::I32, Val::I32(666)),
        ("global_i64", ValType::I64, Val::I64(666)),
        ("global_f32", ValType::F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", ValType::F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, ty, val) in globals {
        s.globals.push(GlobalInst {
            mutable: false,
            ty,
            val,
        });
        inst.exports.insert(
            name.to_string(),
            ExternVal::Global(s.globals.len() as Addr - 1),
        );
    }
    for (name, addr) in [("table", AddrType::I32), ("table64", AddrType::I64)] {
        s.tables.push(TableInst {
            addr,
            max: Some(20),
            elem: RefType::FUNCREF,
            elems: vec![Ref::Null(AbsHeapType::NoFunc); 10],
        });
        inst.exports.insert(
            name.to_string(),
            ExternVal::Table(s.tables.len() as Addr - 1),
        );
    }
    s.mems.push(MemInst {
        addr: AddrType::I32,
        max: Some(2),
        bytes: vec![0; PAGE_SIZE],
    });
    inst.exports.insert(
        "memory".to_string(),
        ExternVal::Mem(s.mems.len() as Addr - 1),
    );
    s.modules.push(inst);
    Ok(s.modules.len() as Addr - 1)
}

/// A value the way the reference interpreter prints it: `1_000`, `-0.5`, `nan:0x40_0000`,
/// `1.000_000_015_047_466_2e+30` (C's `%.17g` with digits grouped by threes).
pub fn value_text(v: &Val) -> String {
    match v {
        Val::I32(x) => group_int(&x.to_string()),
        Val::I64(x) => group_int(&x.to_string()),
        Val::F32(bits) => {
            let x = f32::from_bits(*bits);
            float_text(
                x.is_sign_negative(),
                x.is_nan(),
                u64::from(bits & 0x7f_ffff),
                f64::from(x.abs()),
            )
        }
        Val::F64(bits) => {
            let x = f64::from_bits(*bits);
            float_text(
                x.is_sign_negative(),
                x.is_nan(),
                bits & 0xf_ffff_ffff_ffff,
                x.abs(),
            )
        }
        // As the reference prints a vector: its four i32 lanes, signed, lane 0 first.
        Val::V128(x) => (0..4)
            .map(|k| group_int(&((**x >> (32 * k)) as u32 as i32).to_string()))
            .collect::<Vec<_>>()
            .join(" "),
        Val::Ref(r) => crate::script::run::values::val_text(&Val::Ref(r.clone())),
    }
}

/// The type name printed after a value (`i32`; `ref` for references).
pub fn value_type_text(v: &Val) -> &'static str {
    match v {
        Val::I32(_) => "i32",
        Val::I64(_) => "i64",
        Val::F32(_) => "f32",
        Val::F64(_) => "f64",
        Val::V128(_) => "v128",
        Val::Ref(_) => "ref",
    }
}

/// Results the way the reference interpreter prints them: `42 : [i32]`, `[1 2.5] : [i32 f64]`;
/// nothing for no results.
pub fn results_text(vals: &[Val]) -> Option<String> {
    let values: Vec<String> = vals.iter().map(value_text).collect();
    let types: Vec<&str> = vals.iter().map(value_type_text).collect();
    match values.as_slice() {
        [] => None,
        [one] => Some(format!("{one} : [{}]", types[0])),
        _ => Some(format!("[{}] : [{}]", values.join(" "), types.join(" "))),
    }
}

/// `-1234567` as `-1_234_567`.
fn group_int(s: &str) -> String {
    let (sign, digits) = s.split_at(usize::from(s.starts_with('-')));
    format!("{sign}{}", group_from_right(digits, 3))
}

fn group_from_right(digits: &str, n: usize) -> String {
    // The digits are ASCII: the first group takes what is left over from groups of `n`.
    let (first, rest) = digits.split_at(digits.len() % n);
    let mut groups: Vec<&str> = Vec::new();
    if !first.is_empty() {
        groups.push(first);
    }
    groups.extend(
        rest.as_bytes()
            .chunks(n)
            .map(|c| std::str::from_utf8(c).unwrap_or("")),
    );
    groups.join("_")
}

fn group_from_left(digits: &str, n: usize) -> String {
    let groups: Vec<&str> = digits
        .as_bytes()
        .chunks(n)
        .map(|c| std::str::from_utf8(c).unwrap_or(""))
        .collect();
    groups.join("_")
}

/// A float as the reference prints it; `magnitude` is the absolute value widened to f64.
fn float_text(negative: bool, nan: bool, payload: u64, magnitude: f64) -> String {
    let sign = if negative { "-" } else { "" };
    if nan {
        return format!(
            "{sign}nan:0x{}",
            group_from_right(&format!("{payload:x}"), 4)
        );
    }
    if magnitude.is_infinite() {
        return format!("{sign}inf");
    }
    let g = percent_17g(magnitude);
    // Group the integer digits from the right and the fraction digits from the left, up to
    // the exponent.
    let (number, exponent) = match g.find('e') {
        Some(at) => g.split_at(at),
        None => (g.as_str(), ""),
    };
    let (int, frac) = match number.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (number, None),
    };
    let mut out = format!("{sign}{}", group_from_right(int, 3));
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(&group_from_left(frac, 3));
    }
    out.push_str(exponent);
    out
}

/// C's `printf("%.17g", x)` for a finite non-negative `x`: 17 significant digits, fixed
/// notation for exponents from -4 to 16, trailing zeros dropped.
fn percent_17g(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    let sci = format!("{x:.16e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if !(-4..17).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa), exp.abs())
    } else {
        trim(&format!("{x:.*}", (16 - exp) as usize))
    }
}

/// One transcript line of a print function: `42 : i32`.
fn line(v: &Val) -> String {
    format!("{} : {}", value_text(v), value_type_text(v))
}

/// Runs a host function: the print functions append one line per argument to the transcript.
pub(crate) fn call_host(s: &mut Store, h: HostFunc, args: Vec<Val>) -> Result<Vec<Val>> {
    match h {
        HostFunc::Print
        | HostFunc::PrintI32
        | HostFunc::PrintI64
        | HostFunc::PrintF32
        | HostFunc::PrintF64
        | HostFunc::PrintI32F32
        | HostFunc::PrintF64F64 => {
            for v in &args {
                s.transcript.push(line(v));
            }
            Ok(vec![])
        }
        HostFunc::CallRef => Err(Error::crash("call_ref runs through host::call_ref")),
    }
}

/// `spectest.call_ref(x, f)`: calls `f(x)` as a new host activation, a segment of its own on
/// top of the thread (so the re-entry costs no host recursion). Its result, exceptions and
/// traps come back to the caller through the core rules (`exec::step::settle`, `throw`).
pub(crate) fn call_ref(s: &mut Store, th: &mut Thread) -> Result<()> {
    let sg = th.top()?;
    let f = sg.pop_ref()?;
    let x = sg.pop()?;
    let a = match f {
        Ref::Func(a) => a,
        _ => return Err(Error::trap("null function reference")),
    };
    let ok = s.rtt.func_type(s.funcs[a as usize].ty()).is_some_and(|ft| {
        ft.params.as_slice() == [ValType::I32] && ft.results.as_slice() == [ValType::I32]
    });
    if !ok {
        return Err(Error::trap("indirect call type mismatch"));
    }
    let mut nested = Segment::new(Prompt::Host);
    nested.vals.push(x);
    th.segs.push(nested);
    crate::exec::step::call(s, th, a)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    /// The texts are the reference interpreter's (`wasm` on a script calling `spectest.print_*`).
    #[test]
    fn values_print_like_the_reference() {
        let cases = [
            (Val::I32(1_000_000), "1_000_000 : i32"),
            (Val::I32(i32::MIN), "-2_147_483_648 : i32"),
            (Val::I64(12_345_678_901), "12_345_678_901 : i64"),
            (Val::F32(666.6f32.to_bits()), "666.599_975_585_937_5 : f32"),
            (
                Val::F32(1e30f32.to_bits()),
                "1.000_000_015_047_466_2e+30 : f32",
            ),
            (Val::F32(0.1f32.to_bits()), "0.100_000_001_490_116_12 : f32"),
            (Val::F32(100f32.to_bits()), "100 : f32"),
            (Val::F32(1.5f32.to_bits()), "1.5 : f32"),
            (Val::F32(0x7fc0_0000), "nan:0x40_0000 : f32"),
            (Val::F32(0xffc0_0000), "-nan:0x40_0000 : f32"),
            (Val::F32(0x7f80_0001), "nan:0x1 : f32"),
            (Val::F32(f32::NEG_INFINITY.to_bits()), "-inf : f32"),
            (Val::F64(666.6f64.to_bits()), "666.600_000_000_000_02 : f64"),
            (
                Val::F64(1e300f64.to_bits()),
                "1.000_000_000_000_000_1e+300 : f64",
            ),
            (Val::F64(0.1f64.to_bits()), "0.100_000_000_000_000_01 : f64"),
            (Val::F64(123_456_789f64.to_bits()), "123_456_789 : f64"),
            (Val::F64(1e21f64.to_bits()), "1e+21 : f64"),
            (
                Val::F64(1e-5f64.to_bits()),
                "1.000_000_000_000_000_1e-05 : f64",
            ),
            (Val::F64(1_234_567.5f64.to_bits()), "1_234_567.5 : f64"),
            (
                Val::F64(5e-323f64.to_bits()),
                "4.940_656_458_412_465_4e-323 : f64",
            ),
            (Val::F64((-0.0f64).to_bits()), "-0 : f64"),
            (Val::F64(f64::INFINITY.to_bits()), "inf : f64"),
        ];
        for (v, want) in cases {
            assert_eq!(line(&v), want);
        }
        assert_eq!(
            results_text(&[Val::I32(1000), Val::I64(-5), Val::F32(0.5f32.to_bits())]),
            Some("[1_000 -5 0.5] : [i32 i64 f32]".to_string())
        );
        assert_eq!(
            results_text(&[Val::I32(41)]),
            Some("41 : [i32]".to_string())
        );
        assert_eq!(results_text(&[]), None);
    }
}
