//! AST-level tests of the validator.

use pretty_assertions::assert_eq;

use super::*;
use crate::syntax::{BlockType, Export, Func, Global, NumOp, RecType, SubType, Tag, TagType};
use crate::typed_cont::{Handler, Instr as TcInstr};

fn func_type(params: Vec<ValType>, results: Vec<ValType>) -> RecType {
    RecType {
        types: vec![SubType {
            is_final: true,
            supers: vec![],
            comp: CompType::Func(FuncType { params, results }),
            span: Span::NONE,
        }],
        span: Span::NONE,
    }
}

fn cont_type(f: u32) -> RecType {
    RecType {
        types: vec![SubType {
            is_final: true,
            supers: vec![],
            comp: CompType::Cont(f),
            span: Span::NONE,
        }],
        span: Span::NONE,
    }
}

fn expr(instrs: Vec<Instr>) -> Expr {
    let spans = (0..instrs.len()).map(|i| Span::new(i, i + 1)).collect();
    Expr { instrs, spans }
}

fn func(type_idx: u32, locals: Vec<ValType>, body: Vec<Instr>) -> Func {
    Func {
        type_idx,
        locals,
        body: expr(body),
        span: Span::NONE,
    }
}

/// A module with one function of type `[params] -> [results]` and body `body`.
fn one_func(params: Vec<ValType>, results: Vec<ValType>, body: Vec<Instr>) -> Module {
    Module {
        types: vec![func_type(params, results)],
        funcs: vec![func(0, vec![], body)],
        ..Module::default()
    }
}

fn check(m: &Module) -> Result<()> {
    validate_module(m, Design::TypedCont)
}

fn message(m: &Module) -> String {
    check(m).unwrap_err().message
}

#[test]
fn simple_function() {
    let m = one_func(vec![], vec![ValType::I32], vec![Instr::I32Const(1)]);
    assert_eq!(check(&m), Ok(()));
    let m = one_func(vec![], vec![ValType::I32], vec![Instr::I64Const(1)]);
    assert!(message(&m).starts_with("type mismatch"));
    let m = one_func(
        vec![ValType::I32, ValType::I32],
        vec![ValType::I32],
        vec![
            Instr::LocalGet(0),
            Instr::LocalGet(1),
            Instr::Num(NumOp::I32Add),
        ],
    );
    assert_eq!(check(&m), Ok(()));
}

#[test]
fn error_carries_instruction_span() {
    let m = one_func(vec![], vec![], vec![Instr::Nop, Instr::Num(NumOp::I32Add)]);
    let err = check(&m).unwrap_err();
    assert_eq!(err.span, Some(Span::new(1, 2)));
    assert_eq!(err.kind, crate::diag::ErrorKind::Invalid);
}

#[test]
fn deep_nesting_is_iterative() {
    let mut body = Vec::new();
    for _ in 0..10_000 {
        body.push(Instr::Block(BlockType::Empty));
    }
    body.push(Instr::Br(9_999));
    for _ in 0..10_000 {
        body.push(Instr::End);
    }
    assert_eq!(check(&one_func(vec![], vec![], body)), Ok(()));
}

#[test]
fn unreachable_is_polymorphic() {
    let m = one_func(
        vec![],
        vec![ValType::I32],
        vec![Instr::Unreachable, Instr::Num(NumOp::I32Add)],
    );
    assert_eq!(check(&m), Ok(()));
    // select on the unknown type takes the known operand's type.
    let m = one_func(
        vec![],
        vec![ValType::I64],
        vec![
            Instr::Unreachable,
            Instr::I64Const(0),
            Instr::I32Const(1),
            Instr::Select(None),
        ],
    );
    assert_eq!(check(&m), Ok(()));
}

#[test]
fn throw_message() {
    let mut m = one_func(vec![], vec![], vec![Instr::Throw(0)]);
    m.types.push(func_type(vec![ValType::I32], vec![]));
    m.tags.push(Tag {
        ty: TagType { type_idx: 1 },
        span: Span::NONE,
    });
    assert_eq!(
        message(&m),
        "type mismatch: instruction requires [i32] but stack has []"
    );
    m.funcs[0].body = expr(vec![Instr::I64Const(5), Instr::Throw(0)]);
    assert_eq!(
        message(&m),
        "type mismatch: instruction requires [i32] but stack has [i64]"
    );
}

#[test]
fn local_initialization() {
    let funcref = ValType::Ref(RefType::new(false, HeapType::Abs(AbsHeapType::Func)));
    let mut m = one_func(vec![], vec![], vec![Instr::LocalGet(0), Instr::Drop]);
    m.funcs[0].locals = vec![funcref];
    assert_eq!(message(&m), "uninitialized local");
    // Set inside a block: forgotten at its end.
    m.funcs[0].body = expr(vec![
        Instr::Block(BlockType::Empty),
        Instr::RefFunc(0),
        Instr::LocalSet(0),
        Instr::End,
        Instr::LocalGet(0),
        Instr::Drop,
    ]);
    m.exports.push(Export {
        name: "f".into(),
        desc: ExternIdx::Func(0),
        span: Span::NONE,
    });
    assert_eq!(message(&m), "uninitialized local");
    m.funcs[0].body = expr(vec![
        Instr::RefFunc(0),
        Instr::LocalSet(0),
        Instr::LocalGet(0),
        Instr::Drop,
    ]);
    assert_eq!(check(&m), Ok(()));
}

#[test]
fn constant_expressions() {
    let mut m = Module::default();
    m.globals.push(Global {
        ty: GlobalType {
            mutable: false,
            val: ValType::I32,
        },
        init: expr(vec![
            Instr::I32Const(1),
            Instr::I32Const(2),
            Instr::Num(NumOp::I32Add),
        ]),
        span: Span::NONE,
    });
    assert_eq!(check(&m), Ok(()));
    m.globals[0].init = expr(vec![Instr::I32Const(1), Instr::Num(NumOp::I32Clz)]);
    assert_eq!(message(&m), "constant expression required");
    // A global may read only earlier globals.
    m.globals[0].init = expr(vec![Instr::GlobalGet(0)]);
    assert_eq!(message(&m), "unknown global 0");
}

#[test]
fn duplicate_export() {
    let mut m = one_func(vec![], vec![], vec![]);
    for _ in 0..2 {
        m.exports.push(Export {
            name: "f".into(),
            desc: ExternIdx::Func(0),
            span: Span::NONE,
        });
    }
    assert_eq!(message(&m), "duplicate export name");
}

#[test]
fn typed_cont_instructions() {
    // (type $ft (func (param i32) (result i32))) (type $ct (cont $ft)) (tag $t (param i32) (result i32))
    let i32t = ValType::I32;
    let mut m = Module {
        types: vec![func_type(vec![i32t], vec![i32t]), cont_type(0)],
        tags: vec![Tag {
            ty: TagType { type_idx: 0 },
            span: Span::NONE,
        }],
        ..Module::default()
    };
    let ct_ref = ValType::Ref(RefType::new(false, HeapType::Concrete(1)));
    // (func (param (ref $ct)) (result i32)
    //   (block $h (result i32 (ref $ct)) (resume $ct (on $t $h) (i32.const 1) (local.get 0)) (return))
    //   (drop))
    m.types.push(func_type(vec![ct_ref], vec![i32t]));
    m.types.push(func_type(vec![], vec![i32t, ct_ref]));
    let body = vec![
        Instr::Block(BlockType::Type(3)),
        Instr::I32Const(1),
        Instr::LocalGet(0),
        Instr::TypedCont(TcInstr::Resume(1, Box::new([Handler::OnLabel(0, 0)]))),
        Instr::Return,
        Instr::End,
        Instr::Drop,
    ];
    m.funcs.push(func(2, vec![], body));
    assert_eq!(check(&m), Ok(()));

    // cont.new on a function type: "non-continuation type 0"
    m.funcs[0].body = expr(vec![
        Instr::RefNull(HeapType::Concrete(0)),
        Instr::TypedCont(TcInstr::ContNew(0)),
        Instr::Drop,
        Instr::I32Const(0),
    ]);
    assert_eq!(message(&m), "non-continuation type 0");

    // cont of a non-function type
    let bad = Module {
        types: vec![cont_type(0)],
        ..Module::default()
    };
    assert_eq!(message(&bad), "non-function type 0");

    // casts to continuation types are invalid
    m.funcs[0].body = expr(vec![
        Instr::LocalGet(0),
        Instr::RefTest(RefType::new(true, HeapType::Concrete(1))),
    ]);
    assert_eq!(message(&m), "invalid cast");
}

#[test]
fn effect_handlers_barrier() {
    use crate::effect_handlers::Instr as Eh;
    let i32t = ValType::I32;
    // (type $ft (func (result i32))) (type $k (cont $ft)) (tag $t)
    let mut m = Module {
        types: vec![
            func_type(vec![], vec![i32t]),
            cont_type(0),
            func_type(vec![], vec![]),
        ],
        tags: vec![Tag {
            ty: TagType { type_idx: 2 },
            span: Span::NONE,
        }],
        ..Module::default()
    };
    // handle (result i32) perform $t i32.const 1 on $t $k continue $k end
    let good = vec![
        Instr::EffectHandlers(Eh::Handle(BlockType::Val(i32t))),
        Instr::EffectHandlers(Eh::Perform(0)),
        Instr::I32Const(1),
        Instr::EffectHandlers(Eh::On(0, 1)),
        Instr::EffectHandlers(Eh::Continue(1)),
        Instr::End,
    ];
    m.funcs.push(func(0, vec![], good));
    assert_eq!(validate_module(&m, Design::EffectHandlers), Ok(()));
    // A branch out of the handle, and a return inside it.
    for bad in [Instr::Br(1), Instr::Return] {
        m.funcs[0].body = expr(vec![
            Instr::EffectHandlers(Eh::Handle(BlockType::Val(i32t))),
            Instr::I32Const(1),
            bad,
            Instr::End,
        ]);
        let err = validate_module(&m, Design::EffectHandlers).unwrap_err();
        assert_eq!(err.message, "invalid branch out of handler");
    }
    // The handle's own label is fine.
    m.funcs[0].body = expr(vec![
        Instr::EffectHandlers(Eh::Handle(BlockType::Val(i32t))),
        Instr::I32Const(1),
        Instr::Br(0),
        Instr::End,
    ]);
    assert_eq!(validate_module(&m, Design::EffectHandlers), Ok(()));
}

#[test]
fn raw_stacks_types_and_switch() {
    use crate::raw_stacks::Instr as Rs;
    let i32t = ValType::I32;
    let stack = |params: Vec<ValType>, y: u32, nullable: bool| SubType {
        is_final: true,
        supers: vec![],
        comp: CompType::Stack {
            params,
            ret: RefType::new(nullable, HeapType::Concrete(y)),
        },
        span: Span::NONE,
    };
    // (rec (type $main (stack (param i32) (ref null $task))) (type $task (stack (param i32) (ref $main))))
    // (type (func (param i32 (ref $main)))) (type (func (result i32)))
    let main_ref = ValType::Ref(RefType::new(false, HeapType::Concrete(0)));
    let mut m = Module {
        types: vec![
            RecType {
                types: vec![stack(vec![i32t], 1, true), stack(vec![i32t], 0, false)],
                span: Span::NONE,
            },
            func_type(vec![i32t, main_ref], vec![]),
            func_type(vec![], vec![i32t]),
        ],
        ..Module::default()
    };
    m.funcs.push(func(
        2,
        vec![],
        vec![
            Instr::LocalGet(0),
            Instr::I32Const(1),
            Instr::Num(NumOp::I32Add),
            Instr::LocalGet(1),
            Instr::RawStacks(Rs::StackSwitchRetire(0)),
        ],
    ));
    m.funcs.push(func(
        3,
        vec![],
        vec![
            Instr::I32Const(41),
            Instr::RawStacks(Rs::StackNew(1, 0)),
            Instr::RawStacks(Rs::StackSwitch(1)),
            Instr::Drop,
        ],
    ));
    assert_eq!(validate_module(&m, Design::RawStacks), Ok(()));
    // An abstract return-stack type.
    let bad = Module {
        types: vec![RecType {
            types: vec![SubType {
                is_final: true,
                supers: vec![],
                comp: CompType::Stack {
                    params: vec![],
                    ret: RefType::abs(true, AbsHeapType::Stack),
                },
                span: Span::NONE,
            }],
            span: Span::NONE,
        }],
        ..Module::default()
    };
    assert_eq!(
        validate_module(&bad, Design::RawStacks)
            .unwrap_err()
            .message,
        "invalid return stack type"
    );
}

/// Runs every `assert_invalid` and every module of the official suite (and Switchyard's own
/// tests) through parse + validate. Needs the text parser and the binary decoder; run with
/// `cargo test --lib valid::tests::suite -- --ignored --nocapture` (set `SUITE_FILTER` to a
/// substring of a path to narrow it).
#[test]
#[ignore]
fn suite() {
    use crate::script::{CommandKind, Instantiation, ModuleSource, ScriptModule};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = std::env::var("SPEC_TESTS").unwrap_or("/work/shared/spec-tests".into());
    let mut files = Vec::new();
    let dirs = [
        (format!("{spec}/core"), Design::TypedCont),
        (format!("{spec}/core/gc"), Design::TypedCont),
        (format!("{spec}/core/multi-memory"), Design::TypedCont),
        (format!("{spec}/core/stack-switching"), Design::TypedCont),
        (
            root.join("testsuite/typed-cont").display().to_string(),
            Design::TypedCont,
        ),
        (
            root.join("testsuite/raw-stacks").display().to_string(),
            Design::RawStacks,
        ),
        (
            root.join("testsuite/effect-handlers").display().to_string(),
            Design::EffectHandlers,
        ),
    ];
    for (d, design) in dirs {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut v: Vec<_> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "wast"))
            .collect();
        v.sort();
        files.extend(v.into_iter().map(|p| (p, design)));
    }
    let filter = std::env::var("SUITE_FILTER").unwrap_or_default();
    let (mut ok, mut bad, mut skipped) = (0, 0, 0);
    for (path, design) in files {
        let name = path.display().to_string();
        if !name.contains(&filter) {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        let design = match crate::text::script_design(&src) {
            Some(Ok(d)) => d,
            _ => design,
        };
        let script = match crate::text::parse_script(&src, design) {
            Ok(s) => s,
            Err(e) => {
                println!("{name}: parse error: {e}");
                skipped += 1;
                continue;
            }
        };
        let load = |m: &ScriptModule| -> Result<Module> {
            match &m.source {
                ModuleSource::Text(m) => Ok((**m).clone()),
                ModuleSource::Binary(b) => crate::binary::decode_module(b, design),
                ModuleSource::Quote(s) => crate::text::parse_module(s, design),
            }
        };
        let line = |sp: Span| src[..sp.start as usize].lines().count();
        for cmd in &script.commands {
            match &cmd.kind {
                CommandKind::Module(m)
                | CommandKind::AssertUninstantiable {
                    module: Instantiation::Module(m),
                    ..
                }
                | CommandKind::AssertUnlinkable {
                    module: Instantiation::Module(m),
                    ..
                } => match load(m) {
                    Ok(module) => match validate_module(&module, design) {
                        Ok(()) => ok += 1,
                        Err(e) => {
                            bad += 1;
                            let at = e.span.map(line).unwrap_or(0);
                            println!(
                                "{name}:{}: valid module rejected at line {at}: {e}",
                                line(cmd.span)
                            );
                        }
                    },
                    Err(_) => skipped += 1,
                },
                CommandKind::AssertInvalid { module, message } => match load(module) {
                    Ok(module) => match validate_module(&module, design) {
                        Err(e) if e.message.starts_with(message.as_str()) => ok += 1,
                        Err(e) => {
                            bad += 1;
                            println!(
                                "{name}:{}: expected \"{message}\", got \"{}\"",
                                line(cmd.span),
                                e.message
                            );
                        }
                        Ok(()) => {
                            bad += 1;
                            println!(
                                "{name}:{}: expected \"{message}\", validated",
                                line(cmd.span)
                            );
                        }
                    },
                    Err(e) => {
                        skipped += 1;
                        println!("{name}:{}: load error: {e}", line(cmd.span));
                    }
                },
                CommandKind::AssertMalformed { module, message } => {
                    // The parser or decoder should refuse these; report those it lets through.
                    if let Ok(m) = load(module) {
                        let got = validate_module(&m, design);
                        println!(
                            "{name}:{}: malformed \"{message}\" loaded; validation: {got:?}",
                            line(cmd.span)
                        );
                    }
                }
                _ => {}
            }
        }
    }
    println!("suite: {ok} ok, {bad} wrong, {skipped} not loaded");
}

#[test]
fn table_initializer_sees_imported_globals_only() {
    use crate::syntax::{AddrType, Limits, Table, TableType};
    let mut m = Module::default();
    m.globals.push(Global {
        ty: GlobalType {
            mutable: false,
            val: ValType::Ref(RefType::FUNCREF),
        },
        init: expr(vec![Instr::RefNull(HeapType::Abs(AbsHeapType::Func))]),
        span: Span::NONE,
    });
    m.tables.push(Table {
        ty: TableType {
            addr: AddrType::I32,
            limits: Limits { min: 1, max: None },
            elem: RefType::FUNCREF,
        },
        init: Some(expr(vec![Instr::GlobalGet(0)])),
        span: Span::NONE,
    });
    assert_eq!(message(&m), "unknown global 0");
}
