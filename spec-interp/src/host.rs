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

/// Prints a value like the reference interpreter (`42 : i32`).
fn line(v: &Val) -> String {
    match v {
        Val::I32(x) => format!("{x} : i32"),
        Val::I64(x) => format!("{x} : i64"),
        Val::F32(x) => format!("{:?} : f32", f32::from_bits(*x)),
        Val::F64(x) => format!("{:?} : f64", f64::from_bits(*x)),
        Val::V128(x) => format!("{x:#034x} : v128"),
        Val::Ref(r) => format!("{r:?} : ref"),
    }
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
