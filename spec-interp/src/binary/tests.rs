//! Tests of the decoder: hand-made modules, byte strings copied from the official suite, and a
//! sweep over every `(module binary ...)` of the official `.wast` files (found by the text
//! parser).
//!
//! Two more checks run only on request, against modules encoded by another tool: with
//! `SWITCHYARD_WASM_DIR=DIR` every `DIR/*.wasm` must decode (and its mutants must not panic), and
//! where `X.wat` holds the text of `X.wasm`, the text parser and the decoder must build the same
//! module. (Filled once from the whole suite with the `wast` crate's encoder, 3,876 modules
//! agreed; the only disagreements were `switch`, which `wast` 235 still encodes as 0xE5, and
//! text-format abbreviations.)

use super::decode_module;
use crate::design::Design;
use crate::diag::ErrorKind;
use crate::syntax::*;
use pretty_assertions::assert_eq;

fn decode(bytes: &[u8]) -> crate::diag::Result<Module> {
    decode_module(bytes, Design::TypedCont)
}

fn malformed(bytes: &[u8]) -> String {
    match decode(bytes) {
        Ok(m) => panic!("decoded, expected an error: {m:?}"),
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::Malformed);
            e.message
        }
    }
}

/// A module of the given sections (id, content), sizes filled in.
fn module(sections: &[(u8, &[u8])]) -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    for (id, content) in sections {
        bytes.push(*id);
        leb(&mut bytes, content.len() as u64);
        bytes.extend_from_slice(content);
    }
    bytes
}

fn leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A module with one function of type `[] -> []` and the given body (locals included).
fn one_func(body: &[u8]) -> Vec<u8> {
    let mut code = vec![1];
    leb(&mut code, body.len() as u64);
    code.extend_from_slice(body);
    module(&[(1, &[1, 0x60, 0, 0]), (3, &[1, 0]), (10, &code)])
}

fn body_of(bytes: &[u8]) -> Vec<Instr> {
    decode(bytes).unwrap().funcs[0].body.instrs.clone()
}

#[test]
fn empty_module() {
    let m = decode(b"\0asm\x01\0\0\0").unwrap();
    assert_eq!(m.span, crate::diag::Span::new(0, 8));
    assert!(m.funcs.is_empty());
}

#[test]
fn header_errors() {
    assert_eq!(malformed(b""), "unexpected end");
    assert_eq!(malformed(b"\0as"), "unexpected end");
    assert_eq!(malformed(b"\0asm\x01\0\0"), "unexpected end");
    assert_eq!(malformed(b"\0ASM\x01\0\0\0"), "magic header not detected");
    assert_eq!(malformed(b"\0asm\x02\0\0\0"), "unknown binary version");
}

#[test]
fn flat_blocks_and_spans() {
    // block (result i32) i32.const 1 if else end end drop
    let bytes = one_func(&[
        0, 0x02, 0x7f, 0x41, 1, 0x04, 0x40, 0x05, 0x0b, 0x0b, 0x1a, 0x0b,
    ]);
    let m = decode(&bytes).unwrap();
    let body = &m.funcs[0].body;
    assert_eq!(
        body.instrs,
        vec![
            Instr::Block(BlockType::Val(ValType::I32)),
            Instr::I32Const(1),
            Instr::If(BlockType::Empty),
            Instr::Else,
            Instr::End,
            Instr::End,
            Instr::Drop,
        ]
    );
    let base = bytes.len() - 11;
    assert_eq!(body.spans[0], crate::diag::Span::new(base, base + 2));
    assert_eq!(body.spans[1], crate::diag::Span::new(base + 2, base + 4));
}

#[test]
fn deep_nesting_does_not_recurse() {
    let depth = 100_000;
    let mut body = vec![0];
    body.extend(std::iter::repeat_n([0x02, 0x40], depth).flatten());
    body.extend(std::iter::repeat_n(0x0b, depth + 1));
    let instrs = body_of(&one_func(&body));
    assert_eq!(instrs.len(), 2 * depth);
}

#[test]
fn misplaced_else_and_missing_end() {
    assert_eq!(
        malformed(&one_func(&[0, 0x02, 0x40, 0x05, 0x0b, 0x0b])),
        "END opcode expected"
    );
    assert_eq!(
        malformed(&one_func(&[0, 0x02, 0x40, 0x0b])),
        "unexpected end of section or function"
    );
    assert_eq!(malformed(&one_func(&[0, 0x06, 0x0b])), "illegal opcode 06");
    assert_eq!(
        malformed(&one_func(&[0, 0xfc, 0x12, 0x0b])),
        "illegal opcode fc 12"
    );
}

#[test]
fn gc_and_reference_instructions() {
    // br_on_cast 0 (ref null any) (ref i31); ref.test (ref 3); ref.null none; struct.get 1 2
    let body = [
        0, 0xfb, 24, 0x01, 0, 0x6e, 0x6c, 0xfb, 20, 3, 0xd0, 0x71, 0xfb, 2, 1, 2, 0xfb, 8, 0, 5,
        0x0b,
    ];
    assert_eq!(
        body_of(&one_func(&body)),
        vec![
            Instr::BrOnCast(
                0,
                RefType::abs(true, AbsHeapType::Any),
                RefType::abs(false, AbsHeapType::I31)
            ),
            Instr::RefTest(RefType::new(false, HeapType::Concrete(3))),
            Instr::RefNull(HeapType::Abs(AbsHeapType::None)),
            Instr::StructGet(1, 2),
            Instr::ArrayNewFixed(0, 5),
        ]
    );
    assert_eq!(
        malformed(&one_func(&[0, 0xfb, 24, 0x04, 0, 0x6e, 0x6c, 0x0b])),
        "malformed br_on_cast flags"
    );
}

#[test]
fn exceptions_and_tail_calls() {
    // try_table (catch 0 1) (catch_all_ref 2) end; throw 0; throw_ref; return_call 0;
    // return_call_indirect 1 (type 0); call_ref 0
    let body = [
        0, 0x1f, 0x40, 2, 0, 0, 1, 3, 2, 0x0b, 0x08, 0, 0x0a, 0x12, 0, 0x13, 0, 1, 0x14, 0, 0x0b,
    ];
    assert_eq!(
        body_of(&one_func(&body)),
        vec![
            Instr::TryTable(
                BlockType::Empty,
                vec![Catch::Catch(0, 1), Catch::CatchAllRef(2)].into()
            ),
            Instr::End,
            Instr::Throw(0),
            Instr::ThrowRef,
            Instr::ReturnCall(0),
            Instr::ReturnCallIndirect(1, 0),
            Instr::CallRef(0),
        ]
    );
}

#[test]
fn memory_instructions() {
    // i32.load offset=8 align=4 (memory 0); i64.store memory 2 offset=1; memory.init 3 (data 1)
    let body = [
        0, 0x28, 2, 8, 0x37, 0x43, 2, 1, 0xfc, 8, 1, 3, 0xfc, 10, 1, 2, 0x3f, 1, 0x0b,
    ];
    let bytes = module(&[
        (1, &[1, 0x60, 0, 0]),
        (3, &[1, 0]),
        (12, &[2]),
        (10, &{
            let mut c = vec![1, body.len() as u8];
            c.extend_from_slice(&body);
            c
        }),
        (11, &[2, 1, 0, 1, 0]),
    ]);
    let m = decode(&bytes).unwrap();
    assert_eq!(
        m.funcs[0].body.instrs,
        vec![
            Instr::Load(
                LoadOp::I32Load,
                MemArg {
                    align: 2,
                    offset: 8,
                    mem: 0
                }
            ),
            Instr::Store(
                StoreOp::I64Store,
                MemArg {
                    align: 3,
                    offset: 1,
                    mem: 2
                }
            ),
            Instr::MemoryInit(3, 1),
            Instr::MemoryCopy(1, 2),
            Instr::MemorySize(1),
        ]
    );
    assert_eq!(m.data_count, Some(2));
    assert_eq!(m.datas.len(), 2);
}

#[test]
fn data_count_required() {
    // data.drop 0 without a data count section
    let bytes = module(&[
        (1, &[1, 0x60, 0, 0]),
        (3, &[1, 0]),
        (10, &[1, 5, 0, 0xfc, 9, 0, 0x0b]),
        (11, &[1, 1, 0]),
    ]);
    assert_eq!(malformed(&bytes), "data count section required");
}

#[test]
fn types() {
    // rec { sub (struct (field (mut i8)) (field (ref null 0))) ; sub final 0 (array i16) }
    // func [i32 (ref func)] -> [exnref]; cont 2
    let types = [
        3, 0x4e, 2, 0x50, 0, 0x5f, 2, 0x78, 1, 0x63, 0, 0, 0x4f, 1, 0, 0x5e, 0x77, 0, 0x60, 2,
        0x7f, 0x64, 0x70, 1, 0x69, 0x5d, 2,
    ];
    let m = decode(&module(&[(1, &types)])).unwrap();
    let subs: Vec<_> = m
        .sub_types()
        .map(|s| (s.is_final, s.supers.clone(), s.comp.clone()))
        .collect();
    assert_eq!(
        subs,
        vec![
            (
                false,
                vec![],
                CompType::Struct(vec![
                    FieldType {
                        storage: StorageType::I8,
                        mutable: true
                    },
                    FieldType {
                        storage: StorageType::Val(ValType::Ref(RefType::new(
                            true,
                            HeapType::Concrete(0)
                        ))),
                        mutable: false
                    },
                ])
            ),
            (
                true,
                vec![0],
                CompType::Array(FieldType {
                    storage: StorageType::I16,
                    mutable: false
                })
            ),
            (
                true,
                vec![],
                CompType::Func(FuncType {
                    params: vec![
                        ValType::I32,
                        ValType::Ref(RefType::abs(false, AbsHeapType::Func))
                    ],
                    results: vec![ValType::Ref(RefType::EXNREF)],
                })
            ),
            (true, vec![], CompType::Cont(2)),
        ]
    );
    assert_eq!(m.types.len(), 3);
    // cont is not a type of the raw-stacks design.
    let err = decode_module(&module(&[(1, &[1, 0x5d, 0])]), Design::RawStacks).unwrap_err();
    assert_eq!(err.message, "malformed definition type");
}

#[test]
fn typed_cont_instructions() {
    // resume 1 (on 0 2) (on 3 switch); resume_throw 1 4 (); resume_throw_ref 1 (); switch 1 0;
    // cont.new 1; cont.bind 1 2; suspend 0
    let body = [
        0, 0xe3, 1, 2, 0, 0, 2, 1, 3, 0xe4, 1, 4, 0, 0xe5, 1, 0, 0xe6, 1, 0, 0xe0, 1, 0xe1, 1, 2,
        0xe2, 0, 0x0b,
    ];
    use crate::typed_cont::{Handler, Instr as Tc};
    assert_eq!(
        body_of(&one_func(&body)),
        vec![
            Instr::TypedCont(Tc::Resume(
                1,
                vec![Handler::OnLabel(0, 2), Handler::OnSwitch(3)].into()
            )),
            Instr::TypedCont(Tc::ResumeThrow(1, 4, vec![].into())),
            Instr::TypedCont(Tc::ResumeThrowRef(1, vec![].into())),
            Instr::TypedCont(Tc::Switch(1, 0)),
            Instr::TypedCont(Tc::ContNew(1)),
            Instr::TypedCont(Tc::ContBind(1, 2)),
            Instr::TypedCont(Tc::Suspend(0)),
        ]
    );
    let err = decode_module(&one_func(&[0, 0xe0, 1, 0x0b]), Design::RawStacks).unwrap_err();
    assert_eq!(err.message, "illegal opcode e0");
}

#[test]
fn sections_of_every_kind() {
    let bytes = module(&[
        (1, &[1, 0x60, 1, 0x7f, 0]),
        (
            2,
            &[2, 1, b'm', 1, b't', 4, 0, 0, 1, b'm', 1, b'g', 3, 0x7e, 1],
        ),
        (3, &[1, 0]),
        (
            4,
            &[2, 0x70, 0, 1, 0x40, 0, 0x64, 0x70, 5, 2, 3, 0xd2, 0, 0x0b],
        ),
        (5, &[1, 0x04, 0x80, 0x80, 0x80, 0x80, 0x10]),
        (13, &[1, 0, 0]),
        (6, &[1, 0x7f, 0, 0x41, 0x2a, 0x0b]),
        (7, &[1, 1, b'f', 0, 0]),
        (8, &[0]),
        (
            9,
            &[2, 0, 0x41, 0, 0x0b, 1, 0, 5, 0x70, 1, 0xd0, 0x70, 0x0b],
        ),
        (0, b"\x04nameanything"),
        (10, &[1, 4, 1, 1, 0x7c, 0x0b]),
    ]);
    let m = decode(&bytes).unwrap();
    assert_eq!(m.imports.len(), 2);
    assert_eq!(m.imports[0].desc, ImportDesc::Tag(TagType { type_idx: 0 }));
    assert_eq!(m.tables[1].ty.addr, AddrType::I64);
    assert_eq!(
        m.tables[1].ty.limits,
        Limits {
            min: 2,
            max: Some(3)
        }
    );
    assert_eq!(
        m.tables[1].init.as_ref().unwrap().instrs,
        vec![Instr::RefFunc(0)]
    );
    assert_eq!(
        m.mems[0].ty,
        MemType {
            addr: AddrType::I64,
            limits: Limits {
                min: 1 << 32,
                max: None
            }
        }
    );
    assert_eq!(m.tags.len(), 1);
    assert_eq!(m.globals[0].init.instrs, vec![Instr::I32Const(42)]);
    assert_eq!(m.start.as_ref().unwrap().func, 0);
    assert_eq!(
        m.elems[0].ty,
        RefType::new(false, HeapType::Abs(AbsHeapType::Func))
    );
    assert_eq!(m.elems[1].mode, ElemMode::Passive);
    assert_eq!(m.elems[1].ty, RefType::FUNCREF);
    assert_eq!(m.funcs[0].locals, vec![ValType::F64]);
}

#[test]
fn effect_handlers_instructions() {
    use crate::effect_handlers::Instr as Eh;
    // The example of proposals/effect-handlers 3.2, inside a block.
    let body = [
        0, 0xe8, 0x01, 0x7f, 0x41, 0x01, 0xe8, 0x00, 0x00, 0xe8, 0x02, 0x00, 0x01, 0xe8, 0x03,
        0x01, 0x0b, 0x1a, 0x0b,
    ];
    let m = decode_module(&one_func(&body), Design::EffectHandlers).unwrap();
    assert_eq!(
        m.funcs[0].body.instrs,
        vec![
            Instr::EffectHandlers(Eh::Handle(BlockType::Val(ValType::I32))),
            Instr::I32Const(1),
            Instr::EffectHandlers(Eh::Perform(0)),
            Instr::EffectHandlers(Eh::On(0, 1)),
            Instr::EffectHandlers(Eh::Continue(1)),
            Instr::End,
            Instr::Drop,
        ]
    );
    // `on` inside a block of the handle's body, or with no handle at all.
    let nested = [
        0, 0xe8, 0x01, 0x40, 0x02, 0x40, 0xe8, 0x02, 0, 0, 0x0b, 0x0b, 0x0b,
    ];
    let err = decode_module(&one_func(&nested), Design::EffectHandlers).unwrap_err();
    assert_eq!(err.message, "illegal opcode e8 02");
    let err = decode_module(
        &one_func(&[0, 0xe8, 0x02, 0, 0, 0x0b]),
        Design::EffectHandlers,
    );
    assert_eq!(err.unwrap_err().message, "illegal opcode e8 02");
    // typed-cont's opcodes do not exist here, cont types do.
    let err = decode_module(&one_func(&[0, 0xe3, 0, 0, 0x0b]), Design::EffectHandlers);
    assert_eq!(err.unwrap_err().message, "illegal opcode e3");
    let m = decode_module(&module(&[(1, &[1, 0x5d, 0])]), Design::EffectHandlers).unwrap();
    assert_eq!(m.sub_types().next().unwrap().comp, CompType::Cont(0));
}

#[test]
fn raw_stacks_types_and_instructions() {
    use crate::raw_stacks::Instr as Rs;
    // (type (stack (param i32) (ref null 0))); func [(ref null stack)] -> []
    let types = [2, 0x5c, 1, 0x7f, 0x63, 0, 0x60, 1, 0x5b, 0];
    let body = [
        0, 0xe7, 0x02, 0x03, 0xe7, 0x00, 0x00, 0x05, 0xe7, 0x06, 1, 2, 0xd0, 0x5a, 0x0b,
    ];
    let mut code = vec![1, body.len() as u8];
    code.extend_from_slice(&body);
    let bytes = module(&[(1, &types), (3, &[1, 1]), (10, &code)]);
    let m = decode_module(&bytes, Design::RawStacks).unwrap();
    assert_eq!(
        m.sub_types().next().unwrap().comp,
        CompType::Stack {
            params: vec![ValType::I32],
            ret: RefType::new(true, HeapType::Concrete(0))
        }
    );
    assert_eq!(
        m.func_type(1).unwrap().params,
        vec![ValType::Ref(RefType::abs(true, AbsHeapType::Stack))]
    );
    assert_eq!(
        m.funcs[0].body.instrs,
        vec![
            Instr::RawStacks(Rs::StackSwitch(3)),
            Instr::RawStacks(Rs::StackNew(0, 5)),
            Instr::RawStacks(Rs::StackSwitchThrow(1, 2)),
            Instr::RefNull(HeapType::Abs(AbsHeapType::NoStack)),
        ]
    );
    // Under the other designs these codes are malformed.
    assert_eq!(
        decode(&bytes).unwrap_err().message,
        "malformed definition type"
    );
    let err = decode_module(&one_func(&[0, 0xe7, 0x07, 0x0b]), Design::RawStacks).unwrap_err();
    assert_eq!(err.message, "illegal opcode e7 07");
}

/// Byte strings copied from the official suite (binary.wast, binary-leb128.wast, custom.wast).
#[test]
fn official_malformed_samples() {
    let cases: &[(&[u8], &str)] = &[
        (b"\0asm\x01\0\0\0\x00", "unexpected end"),
        (
            b"\0asm\x01\0\0\0\x00\x00\x05\x01\x00\x07\x00\x00",
            "unexpected end",
        ),
        (b"\0asm\x01\0\0\0\x0e\x01\x00", "malformed section id"),
        (
            b"\0asm\x01\0\0\0\x04\x03\x01\x70\x08",
            "malformed limits flags",
        ),
        (
            b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00",
            "function and code section have inconsistent lengths",
        ),
        (
            b"\0asm\x01\0\0\0\x0c\x01\x01",
            "data count and data section have inconsistent lengths",
        ),
        (
            b"\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00\x01\x04\x01\x60\x00\x00",
            "unexpected content after last section",
        ),
        (
            b"\0asm\x01\0\0\0\x02\x04\x01\x00\x00\x05",
            "malformed import kind",
        ),
        (
            b"\0asm\x01\0\0\0\x00\x02\x01\xff",
            "malformed UTF-8 encoding",
        ),
    ];
    for (bytes, expected) in cases {
        let got = malformed(bytes);
        assert!(
            got.starts_with(expected),
            "{bytes:?}: expected {expected:?}, got {got:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The official suite's `(module binary ...)` commands.

/// Every binary module of a script: the command around it, its bytes, and for
/// `assert_malformed` the expected message. The script is read by the crate's text parser.
fn binary_modules(src: &str, design: Design) -> Vec<(String, Vec<u8>, Option<String>)> {
    use crate::script::{CommandKind, ModuleSource};
    let script = crate::text::parse_script(src, design).expect("the script parses");
    script
        .commands
        .iter()
        .filter_map(|command| {
            let module = command.kind.script_module()?;
            let ModuleSource::Binary(bytes) = &module.source else {
                return None;
            };
            let message = match &command.kind {
                CommandKind::AssertMalformed { message, .. } => Some(message.clone()),
                _ => None,
            };
            let parent = crate::script::run::command_keyword(&command.kind).to_string();
            Some((parent, bytes.clone(), message))
        })
        .collect()
}

fn wast_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // The diagnostics fixtures are broken on purpose (`tests/diagnostics.rs`).
        if path.is_dir() && name != "diagnostics" {
            wast_files(&path, out);
        } else if name.ends_with(".wast") {
            out.push(path);
        }
    }
}

/// The design a script runs under: its `;;! design = "..."` line, else its folder.
fn design_of(path: &std::path::Path, src: &str) -> Design {
    let headers = crate::script::run::files::script_headers(src).unwrap_or_default();
    crate::script::run::files::choose_design(None, &headers, path)
}

/// Decodes every binary module of the scripts under `root`: (modules, malformed ones, failures).
fn sweep(root: &std::path::Path) -> (usize, usize, Vec<String>) {
    let mut files = Vec::new();
    wast_files(root, &mut files);
    files.sort();
    let mut failures = Vec::new();
    let (mut count, mut expected_errors) = (0, 0);
    for file in &files {
        let src = std::fs::read_to_string(file).unwrap();
        let design = design_of(file, &src);
        for (n, (command, bytes, message)) in binary_modules(&src, design).into_iter().enumerate() {
            count += 1;
            expected_errors += usize::from(message.is_some());
            let result = decode_module(&bytes, design);
            let name = format!(
                "{}#{n} ({command})",
                file.strip_prefix(root).unwrap().display()
            );
            match (&result, &message) {
                (Err(e), Some(expected)) if !e.message.starts_with(expected.as_str()) => failures
                    .push(format!(
                        "{name}: expected {expected:?}, got {:?}",
                        e.message
                    )),
                (Ok(_), Some(expected)) => {
                    failures.push(format!("{name}: expected {expected:?}, decoded"))
                }
                (Err(e), None) => failures.push(format!("{name}: {e}")),
                _ => {}
            }
        }
    }
    (count, expected_errors, failures)
}

#[test]
fn official_binary_modules() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec-tests/core");
    let (count, expected_errors, failures) = sweep(&root);
    eprintln!("{count} binary modules checked, {expected_errors} of them malformed");
    assert!(
        !root.exists() || expected_errors > 600,
        "the parser missed assertions"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The binary modules of Switchyard's own scripts (`testsuite/<design>/`), each under its design.
#[test]
fn testsuite_binary_modules() {
    let root = match std::env::var_os("SWITCHYARD_SWEEP_ROOT") {
        Some(root) => std::path::PathBuf::from(root),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testsuite"),
    };
    let (count, expected_errors, failures) = sweep(&root);
    eprintln!("{count} binary modules checked, {expected_errors} of them malformed");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Bad input never panics: every valid binary module of the suite, with single bytes replaced,
/// truncated, or with a byte inserted, decodes or fails with an error.
#[test]
fn mutated_modules_do_not_panic() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec-tests/core");
    let mut files = Vec::new();
    wast_files(&root, &mut files);
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut modules: Vec<Vec<u8>> = vec![one_func(&[0, 0x02, 0x40, 0x41, 1, 0x0b, 0x0b])];
    for file in &files {
        let src = std::fs::read_to_string(file).unwrap();
        modules.extend(
            binary_modules(&src, design_of(file, &src))
                .into_iter()
                .filter(|m| m.2.is_none())
                .map(|m| m.1),
        );
    }
    for bytes in &modules {
        for _ in 0..40 {
            let mut mutated = bytes.clone();
            let at = (next() as usize) % mutated.len().max(1);
            match next() % 3 {
                0 if !mutated.is_empty() => mutated[at] = next() as u8,
                1 => mutated.truncate(at),
                _ => mutated.insert(at, next() as u8),
            }
            for design in Design::ALL {
                let _ = decode_module(&mutated, design);
            }
        }
    }
}

/// Developer check against another encoder: `SWITCHYARD_WASM_DIR` names a folder of `.wasm`
/// files (for instance every text module of the suite, encoded by the `wast` crate); each must
/// decode. Skipped when the variable is not set.
#[test]
fn external_wasm_files_decode() {
    let Some(dir) = std::env::var_os("SWITCHYARD_WASM_DIR") else {
        return;
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            count += 1;
            let bytes = std::fs::read(&path).unwrap();
            let design = design_of(&path, "");
            if let Err(e) = decode_module(&bytes, design) {
                failures.push(format!("{}: {e} at {:?}", path.display(), e.span));
            }
            // Mutants must not panic either.
            for i in 0..bytes.len().min(64) {
                let mut mutated = bytes.clone();
                let at = (i * 7919 + count) % bytes.len();
                mutated[at] = mutated[at].wrapping_add(1 + i as u8);
                let _ = decode_module(&mutated, design);
                mutated.truncate(at);
                let _ = decode_module(&mutated, design);
            }
        }
    }
    failures.sort();
    eprintln!("{count} files decoded");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `Debug` of a module without what only one format has: spans, the `$id`, the data count.
fn comparable(mut m: Module) -> String {
    m.id = None;
    m.data_count = None;
    let text = format!("{m:#?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let close = at + rest[at..].find('}').unwrap();
        out.push('_');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Developer check of the two front ends against each other: for each `X.wasm` in
/// `SWITCHYARD_WASM_DIR` with the module's text beside it as `X.wat`, the text parser's module
/// and the decoder's module must agree (spans aside). Skipped when the variable is not set.
#[test]
fn external_text_and_binary_agree() {
    let Some(dir) = std::env::var_os("SWITCHYARD_WASM_DIR") else {
        return;
    };
    let mut failures = Vec::new();
    let mut count = 0;
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        if path.extension().is_none_or(|e| e != "wat") {
            continue;
        }
        let Ok(bytes) = std::fs::read(path.with_extension("wasm")) else {
            continue;
        };
        let src = std::fs::read_to_string(&path).unwrap();
        let design = design_of(&path, "");
        count += 1;
        let text = match crate::text::parse_module(&src, design) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{}: text: {e}", path.display()));
                continue;
            }
        };
        let Ok(binary) = decode_module(&bytes, design) else {
            continue;
        };
        let (text, binary) = (comparable(text), comparable(binary));
        if text != binary {
            let diff: Vec<_> = text
                .lines()
                .zip(binary.lines())
                .filter(|(a, b)| a != b)
                .take(3)
                .map(|(a, b)| format!("    text:   {}\n    binary: {}", a.trim(), b.trim()))
                .collect();
            failures.push(format!("{}:\n{}", path.display(), diff.join("\n")));
        }
    }
    eprintln!("{count} modules compared");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn name_section_round_trip() {
    let m = crate::text::parse_module(
        "(module $mod (type $t (struct (field $x i32))) (global $g i32 (i32.const 1)) \
         (func $f (param $p i32) (local $l i64)) (memory $m 1) (tag $e) (data $d \"\") \
         (elem $s func $f) (table $tab 1 funcref))",
        Design::TypedCont,
    )
    .unwrap();
    let bytes = super::encode_module(&m);
    let back = decode(&bytes).unwrap();
    assert_eq!(back.id.as_deref(), Some("mod"));
    assert_eq!(back.names, m.names);
    assert_eq!(back.names.funcs.get(&0).map(String::as_str), Some("f"));
    assert_eq!(back.names.locals[&0].get(&1).map(String::as_str), Some("l"));
    assert_eq!(back.names.fields[&0].get(&0).map(String::as_str), Some("x"));
    // Label names (subsection 3), by label index within each function.
    let m = crate::text::parse_module(
        "(func $f (block $a (loop (block $c))) (if $d (i32.const 0) (then)))",
        Design::TypedCont,
    )
    .unwrap();
    let back = decode(&super::encode_module(&m)).unwrap();
    assert_eq!(back.names, m.names);
    let labels: Vec<(u32, &str)> = back.names.labels[&0]
        .iter()
        .map(|(k, n)| (*k, n.as_str()))
        .collect();
    assert_eq!(labels, vec![(0, "a"), (2, "c"), (3, "d")]);
}

/// A `name` section that does not decode is ignored: custom sections never make a module
/// malformed.
#[test]
fn broken_name_sections_are_ignored() {
    for content in [
        &b"\x04name\x01\x05\x01\x00\x09abc"[..], // a name longer than its subsection
        &b"\x04name\x01\xff"[..],                // a subsection size past the end
        &b"\x04name\x00\x02\x01\xc0"[..],        // a module name that is not UTF-8
    ] {
        let bytes = module(&[(0, content)]);
        let m = decode(&bytes).unwrap();
        assert_eq!(m.names, Names::default());
        assert_eq!(m.id, None);
    }
}
