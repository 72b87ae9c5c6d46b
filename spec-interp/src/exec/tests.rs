//! Executor tests on hand-built modules.

use std::rc::Rc;

use super::*;
use crate::diag::{ErrorKind, Span};
use crate::syntax::*;
use crate::typed_cont::{Handler, Instr as Tc};
use pretty_assertions::assert_eq;

fn sub(comp: CompType) -> RecType {
    RecType {
        types: vec![SubType {
            is_final: true,
            supers: vec![],
            comp,
            span: Span::NONE,
        }],
        span: Span::NONE,
    }
}

fn fty(params: Vec<ValType>, results: Vec<ValType>) -> RecType {
    sub(CompType::Func(FuncType { params, results }))
}

fn expr(instrs: Vec<Instr>) -> Expr {
    let spans = vec![Span::NONE; instrs.len()];
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

fn export_funcs(n: u32) -> Vec<Export> {
    (0..n)
        .map(|i| Export {
            name: format!("f{i}"),
            desc: ExternIdx::Func(i),
            span: Span::NONE,
        })
        .collect()
}

fn run(m: Module, f: &str, args: Vec<Val>) -> Result<Vec<Val>> {
    run_with(Config::default(), m, f, args)
}

fn run_with(config: Config, m: Module, f: &str, args: Vec<Val>) -> Result<Vec<Val>> {
    let mut s = Store::new(config);
    let ia = instantiate(&mut s, Rc::new(m), &[])?;
    let Some(ExternVal::Func(a)) = s.export(ia, f) else {
        panic!("no export {f}")
    };
    invoke(&mut s, a, args)
}

use Instr as I;

/// `$d(n) = n == 0 ? 0 : $d(n - 1) + 1`, non-tail recursive.
fn depth_module() -> Module {
    Module {
        types: vec![fty(vec![ValType::I32], vec![ValType::I32])],
        funcs: vec![func(
            0,
            vec![],
            vec![
                I::LocalGet(0),
                I::Num(NumOp::I32Eqz),
                I::If(BlockType::Val(ValType::I32)),
                I::I32Const(0),
                I::Else,
                I::LocalGet(0),
                I::I32Const(1),
                I::Num(NumOp::I32Sub),
                I::Call(0),
                I::I32Const(1),
                I::Num(NumOp::I32Add),
                I::End,
            ],
        )],
        exports: export_funcs(1),
        ..Default::default()
    }
}

#[test]
fn recursion_10000_deep_returns() {
    assert_eq!(
        run(depth_module(), "f0", vec![Val::I32(10_000)]),
        Ok(vec![Val::I32(10_000)])
    );
}

#[test]
fn unbounded_recursion_is_exhaustion() {
    let e = run(depth_module(), "f0", vec![Val::I32(-1)]).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Exhaustion, "call stack exhausted")
    );
}

#[test]
fn tail_calls_run_in_constant_space() {
    // $t(n) = n == 0 ? 7 : return_call $t(n - 1)
    let m = Module {
        types: vec![fty(vec![ValType::I32], vec![ValType::I32])],
        funcs: vec![func(
            0,
            vec![],
            vec![
                I::LocalGet(0),
                I::Num(NumOp::I32Eqz),
                I::If(BlockType::Empty),
                I::I32Const(7),
                I::Return,
                I::End,
                I::LocalGet(0),
                I::I32Const(1),
                I::Num(NumOp::I32Sub),
                I::ReturnCall(0),
            ],
        )],
        exports: export_funcs(1),
        ..Default::default()
    };
    let config = Config {
        max_call_depth: 10,
        ..Config::default()
    };
    assert_eq!(
        run_with(config, m, "f0", vec![Val::I32(1_000_000)]),
        Ok(vec![Val::I32(7)])
    );
}

#[test]
fn loop_and_br_table() {
    // Sums 1..=n with a loop; br_table picks the exit.
    let m = Module {
        types: vec![fty(vec![ValType::I32], vec![ValType::I32])],
        funcs: vec![func(
            0,
            vec![ValType::I32],
            vec![
                I::Block(BlockType::Empty),
                I::Loop(BlockType::Empty),
                I::LocalGet(1),
                I::LocalGet(0),
                I::Num(NumOp::I32Add),
                I::LocalSet(1),
                I::LocalGet(0),
                I::I32Const(1),
                I::Num(NumOp::I32Sub),
                I::LocalTee(0),
                I::Num(NumOp::I32Eqz),
                I::BrTable(vec![0].into_boxed_slice(), 1), // 0: continue (loop), else: exit
                I::End,
                I::End,
                I::LocalGet(1),
            ],
        )],
        exports: export_funcs(1),
        ..Default::default()
    };
    assert_eq!(run(m, "f0", vec![Val::I32(100)]), Ok(vec![Val::I32(5050)]));
}

#[test]
fn exception_caught_across_calls() {
    // f0: try_table (catch $e 0) call f1 end; unreachable  -- catch delivers the payload.
    // f1: i32.const 42; throw $e
    let m = Module {
        types: vec![
            fty(vec![], vec![ValType::I32]),
            fty(vec![ValType::I32], vec![]),
            fty(vec![], vec![]),
        ],
        tags: vec![Tag {
            ty: TagType { type_idx: 1 },
            span: Span::NONE,
        }],
        funcs: vec![
            func(
                0,
                vec![],
                vec![
                    I::Block(BlockType::Val(ValType::I32)),
                    I::TryTable(
                        BlockType::Empty,
                        vec![Catch::Catch(0, 0)].into_boxed_slice(),
                    ),
                    I::Call(1),
                    I::End,
                    I::Unreachable,
                    I::End,
                ],
            ),
            func(2, vec![], vec![I::I32Const(42), I::Throw(0)]),
        ],
        exports: export_funcs(2),
        ..Default::default()
    };
    assert_eq!(run(m.clone(), "f0", vec![]), Ok(vec![Val::I32(42)]));
    assert_eq!(run(m, "f1", vec![]).unwrap_err().kind, ErrorKind::Exception);
}

/// A generator yielding 0, 1, 2, ... and a consumer summing the first `n` values.
fn generator_module() -> Module {
    let k = ValType::Ref(RefType::new(true, HeapType::Concrete(1)));
    let k_nn = ValType::Ref(RefType::new(false, HeapType::Concrete(1)));
    Module {
        types: vec![
            fty(vec![], vec![]),                         // 0
            sub(CompType::Cont(0)),                      // 1: $k
            fty(vec![ValType::I32], vec![]),             // 2: tag $yield
            fty(vec![ValType::I32], vec![ValType::I32]), // 3: main
            fty(vec![], vec![ValType::I32, k_nn]),       // 4: handler block
        ],
        tags: vec![Tag {
            ty: TagType { type_idx: 2 },
            span: Span::NONE,
        }],
        funcs: vec![
            // f0 = gen
            func(
                0,
                vec![ValType::I32],
                vec![
                    I::Loop(BlockType::Empty),
                    I::LocalGet(0),
                    I::TypedCont(Tc::Suspend(0)),
                    I::LocalGet(0),
                    I::I32Const(1),
                    I::Num(NumOp::I32Add),
                    I::LocalSet(0),
                    I::Br(0),
                    I::End,
                ],
            ),
            // f1 = main(n): local 1 = k, local 2 = sum
            func(
                3,
                vec![k, ValType::I32],
                vec![
                    I::RefFunc(0),
                    I::TypedCont(Tc::ContNew(1)),
                    I::LocalSet(1),
                    I::Loop(BlockType::Empty),
                    I::Block(BlockType::Type(4)),
                    I::LocalGet(1),
                    I::TypedCont(Tc::Resume(
                        1,
                        vec![Handler::OnLabel(0, 0)].into_boxed_slice(),
                    )),
                    I::Unreachable,
                    I::End,
                    I::LocalSet(1),
                    I::LocalGet(2),
                    I::Num(NumOp::I32Add),
                    I::LocalSet(2),
                    I::LocalGet(0),
                    I::I32Const(1),
                    I::Num(NumOp::I32Sub),
                    I::LocalTee(0),
                    I::BrIf(0),
                    I::End,
                    I::LocalGet(2),
                ],
            ),
        ],
        exports: export_funcs(2),
        ..Default::default()
    }
}

#[test]
fn generator_suspends_and_resumes() {
    let mut s = Store::new(Config::default());
    let ia = instantiate(&mut s, Rc::new(generator_module()), &[]).unwrap();
    let Some(ExternVal::Func(a)) = s.export(ia, "f1") else {
        panic!()
    };
    assert_eq!(
        invoke(&mut s, a, vec![Val::I32(10)]),
        Ok(vec![Val::I32(45)])
    );
    // One continuation stays alive (the generator, never finished); slots are reused.
    assert_eq!(s.live_conts(), 1);
    assert_eq!(s.conts.slots.len(), 1);
    assert_eq!(s.counters.switches, 20);
}

#[test]
fn unhandled_suspension_reaches_host() {
    let e = run(generator_module(), "f0", vec![]).unwrap_err();
    // The official text, then the tag's name or index.
    assert_eq!(e.kind, ErrorKind::Suspension);
    assert!(e.message.starts_with("unhandled tag "), "{}", e.message);
}

/// 1,000,000 suspend/resume round trips (run with `--release -- --ignored` to time them).
#[test]
#[ignore]
fn million_round_trips() {
    let start = std::time::Instant::now();
    let r = run(generator_module(), "f1", vec![Val::I32(1_000_000)]);
    assert_eq!(r, Ok(vec![Val::I32(1_783_293_664)]));
    eprintln!("1,000,000 round trips: {:?}", start.elapsed());
}

/// 100,000 live suspended continuations (run with `--release -- --ignored` to see the memory).
#[test]
#[ignore]
fn hundred_thousand_live_continuations() {
    use super::store::ContInst;
    use super::thread::*;
    eprintln!(
        "sizes: Val {} Segment {} Frame {} Label {} ContInst {} Prompt {}",
        std::mem::size_of::<Val>(),
        std::mem::size_of::<Segment>(),
        std::mem::size_of::<Frame>(),
        std::mem::size_of::<Label>(),
        std::mem::size_of::<ContInst>(),
        std::mem::size_of::<Prompt>()
    );
    let rss = || {
        std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| {
                s.split_whitespace()
                    .nth(1)
                    .and_then(|x| x.parse::<usize>().ok())
            })
            .map(|pages| pages * 4096)
            .unwrap_or(0)
    };
    let m = keeper_module(100_000);
    let before = rss();
    let mut s = Store::new(Config::default());
    let ia = instantiate(&mut s, Rc::new(m), &[]).unwrap();
    let Some(ExternVal::Func(a)) = s.export(ia, "f2") else {
        panic!()
    };
    let start = std::time::Instant::now();
    assert_eq!(invoke(&mut s, a, vec![Val::I32(100_000)]), Ok(vec![]));
    let after = rss();
    eprintln!(
        "100,000 live continuations: {} live, {:.1} MB more, {:?}",
        s.live_conts(),
        (after - before) as f64 / 1e6,
        start.elapsed()
    );
    assert_eq!(s.live_conts(), 100_000);
    assert!(after - before < 100_000_000);
}

/// The generator module plus f2(n): table[i] = a generator suspended at its first yield, for
/// i = n-1 down to 0.
fn keeper_module(n: u64) -> Module {
    let mut m = generator_module();
    let k = RefType::new(true, HeapType::Concrete(1));
    m.tables.push(Table {
        ty: TableType {
            addr: AddrType::I32,
            limits: Limits { min: n, max: None },
            elem: k,
        },
        init: None,
        span: Span::NONE,
    });
    let kk = ValType::Ref(RefType::new(false, HeapType::Concrete(1)));
    m.types.push(fty(vec![ValType::I32], vec![])); // 5
    m.types
        .push(fty(vec![ValType::I32], vec![ValType::I32, kk])); // 6: [i32] -> [i32 k]
                                                                // f2(n): for i in n-1..=0: table[i] = a generator suspended at its first yield.
    m.funcs.push(func(
        5,
        vec![ValType::Ref(k)],
        vec![
            I::Loop(BlockType::Empty),
            I::Block(BlockType::Type(4)),
            I::RefFunc(0),
            I::TypedCont(Tc::ContNew(1)),
            I::TypedCont(Tc::Resume(
                1,
                vec![Handler::OnLabel(0, 0)].into_boxed_slice(),
            )),
            I::Unreachable,
            I::End,
            I::LocalSet(1),
            I::Drop,
            I::LocalGet(0),
            I::I32Const(1),
            I::Num(NumOp::I32Sub),
            I::LocalTee(0),
            I::LocalGet(1),
            I::TableSet(0),
            I::LocalGet(0),
            I::BrIf(0),
            I::End,
        ],
    ));
    m.exports = export_funcs(3);
    m
}

/// A continuation is data: the suspended generator is one segment holding its frame, its two
/// labels (body and loop), its local and an empty operand stack, with no prompt.
#[test]
fn continuation_is_a_slice_of_the_context() {
    use super::thread::{LabelKind, Prompt};
    let mut s = Store::new(Config::default());
    let ia = instantiate(&mut s, Rc::new(keeper_module(1)), &[]).unwrap();
    let Some(ExternVal::Func(a)) = s.export(ia, "f2") else {
        panic!()
    };
    assert_eq!(invoke(&mut s, a, vec![Val::I32(1)]), Ok(vec![]));
    let k = s.conts.slots[0].cont.as_ref().unwrap();
    assert_eq!((k.segs.len(), k.depth, k.start), (1, 1, None));
    let sg = &k.segs[0];
    assert!(matches!(sg.prompt, Prompt::Unset));
    assert_eq!(sg.vals, vec![]);
    assert_eq!(sg.locals, vec![Val::I32(0)]);
    let kinds: Vec<LabelKind> = sg.labels.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, vec![LabelKind::Body, LabelKind::Loop]);
    assert_eq!(sg.to_string(), "[unset] frame(f0 pc=3) labels=2 vals=[]");
}
