//! The collector's tests: the workloads of issue 14 at test sizes (a budget far below what they
//! allocate makes them fail without collection), deep heaps, every kind of root under
//! collect-at-every-allocation, consumed continuations, and the budgets.

use std::rc::Rc;

use super::*;
use crate::design::Design;
use crate::diag::ErrorKind;
use crate::exec::{instantiate, invoke, Config, ExternVal};
use pretty_assertions::assert_eq;

/// Parses, validates and instantiates `src`.
fn setup(src: &str, config: Config) -> (Store, Addr) {
    let design = config.design;
    let m = crate::text::parse_module(src, design).expect("parses");
    crate::valid::validate_module(&m, design).expect("validates");
    let mut s = Store::new(config);
    let ia = instantiate(&mut s, Rc::new(m), &[]).expect("instantiates");
    (s, ia)
}

fn call(s: &mut Store, ia: Addr, name: &str, args: Vec<Val>) -> Result<Vec<Val>> {
    let Some(ExternVal::Func(a)) = s.export(ia, name) else {
        panic!("no function {name}");
    };
    invoke(s, a, args)
}

fn config(design: Design) -> Config {
    Config {
        design,
        ..Config::default()
    }
}

fn stress(design: Design) -> Config {
    Config {
        gc_stress: true,
        ..config(design)
    }
}

const DROPPED_STRUCTS: &str = r#"(module
  (type $pair (struct (field i64) (field (mut anyref))))
  (func (export "churn") (param $n i32)
    (loop $l
      (drop (struct.new $pair (i64.extend_i32_u (local.get $n)) (ref.null any)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))"#;

/// Issue 14: `struct.new` dropped in a loop runs in flat memory. A million structures of 4
/// values' budget bytes each (64) under a 16 MiB heap budget: without collection, out of memory
/// after 262,144.
#[test]
fn dropped_structs_run_in_flat_memory() {
    let (mut s, ia) = setup(
        DROPPED_STRUCTS,
        Config {
            max_heap_bytes: 16 << 20,
            ..config(Design::TypedCont)
        },
    );
    assert_eq!(
        call(&mut s, ia, "churn", vec![Val::I32(1_000_000)]),
        Ok(vec![])
    );
    assert!(s.gc.collections >= 15, "{} collections", s.gc.collections);
    // The slots in use never exceed what one collection cycle allocates.
    let cycle = (MIN_THRESHOLD / val_bytes(4)) as usize;
    assert!(
        s.structs.slots.len() <= cycle + 2,
        "{} slots",
        s.structs.slots.len()
    );
    assert!(s.heap_bytes <= MIN_THRESHOLD + val_bytes(4));
}

/// The same under collect-at-every-allocation: two slots suffice (the new structure is
/// collected after the step that drops it, so the next one takes the other slot).
#[test]
fn dropped_structs_under_stress_reuse_one_slot() {
    let (mut s, ia) = setup(DROPPED_STRUCTS, stress(Design::TypedCont));
    assert_eq!(
        call(&mut s, ia, "churn", vec![Val::I32(10_000)]),
        Ok(vec![])
    );
    assert_eq!(s.structs.slots.len(), 2);
    assert!(s.gc.collections >= 10_000);
}

/// Abandoned generators, one program per design: each iteration makes a fresh generator,
/// takes one value from it and drops it.
const GENERATORS: [(Design, &str); 3] = [
    (
        Design::TypedCont,
        r#"(module
  (type $ft (func))
  (type $ct (cont $ft))
  (tag $yield (param i32))
  (func $gen (suspend $yield (i32.const 7)) (unreachable))
  (elem declare func $gen)
  (func (export "abandon") (param $n i32) (result i32)
    (local $sum i32)
    (loop $l
      (block $on (result i32 (ref $ct))
        (resume $ct (on $yield $on) (cont.new $ct (ref.func $gen)))
        (unreachable))
      (drop)
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))"#,
    ),
    (
        Design::EffectHandlers,
        r#"(module
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (tag $yield (param i32))
  (func $gen (perform $yield (i32.const 7)) (unreachable))
  (func (export "abandon") (param $n i32) (result i32)
    (local $sum i32)
    (loop $l
      (local.set $sum
        (i32.add (local.get $sum)
          (handle (result i32)
            (do (call $gen) (i32.const 0))
            (on $yield $k (drop)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))"#,
    ),
    (
        Design::RawStacks,
        r#"(module
  (rec
    (type $gen (stack (param i32) (ref $con)))
    (type $con (stack (param i32) (ref null $gen))))
  (func $g (param i32) (param $back (ref $con))
    (drop (stack.switch $con (i32.const 7) (local.get $back)))
    (unreachable))
  (func (export "abandon") (param $n i32) (result i32)
    (local $sum i32)
    (loop $l
      (stack.switch $gen (i32.const 0) (stack.new $gen $g))
      (drop)
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))"#,
    ),
];

/// Issue 14: abandoned generators run in flat memory, under each design: 100,000 of them with
/// a budget of 1,000 live continuations (or stacks), which they would exhaust without
/// collection.
#[test]
fn abandoned_generators_run_in_flat_memory() {
    for (design, src) in GENERATORS {
        let (mut s, ia) = setup(
            src,
            Config {
                max_live_conts: 1_000,
                ..config(design)
            },
        );
        let r = call(&mut s, ia, "abandon", vec![Val::I32(100_000)]);
        assert_eq!(r, Ok(vec![Val::I32(700_000)]), "{design:?}");
        let slots = s.conts.slots.len().max(s.stacks.slots.len());
        assert!(slots <= 1_000, "{design:?}: {slots} slots");
        assert!(s.gc.collections >= 100, "{design:?}");
    }
}

#[test]
fn abandoned_generators_under_stress() {
    for (design, src) in GENERATORS {
        let (mut s, ia) = setup(src, stress(design));
        let r = call(&mut s, ia, "abandon", vec![Val::I32(1_000)]);
        assert_eq!(r, Ok(vec![Val::I32(7_000)]), "{design:?}");
        let slots = s.conts.slots.len().max(s.stacks.slots.len());
        assert!(slots <= 3, "{design:?}: {slots} slots");
    }
}

/// A list of a million structures collects with an explicit worklist (a recursive mark would
/// overflow the test thread's stack), survives while a global holds it, and goes when the
/// global lets go.
#[test]
fn million_long_list_collects() {
    let src = r#"(module
      (type $node (struct (field i32) (field (ref null $node))))
      (global $head (mut (ref null $node)) (ref.null $node))
      (func (export "build") (param $n i32)
        (loop $l
          (global.set $head (struct.new $node (local.get $n) (global.get $head)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
      (func (export "sum") (result i64)
        (local $p (ref null $node)) (local $sum i64)
        (local.set $p (global.get $head))
        (block $done
          (loop $l
            (br_on_null $done (local.get $p))
            (local.set $sum (i64.add (local.get $sum)
              (i64.extend_i32_u (struct.get $node 0 (local.get $p)))))
            (local.set $p (struct.get $node 1 (local.get $p)))
            (br $l)))
        (local.get $sum))
      (func (export "drop") (global.set $head (ref.null $node))))"#;
    let (mut s, ia) = setup(src, config(Design::TypedCont));
    let n = 1_000_000;
    assert_eq!(call(&mut s, ia, "build", vec![Val::I32(n)]), Ok(vec![]));
    let th = Thread::new();
    collect(&mut s, &th, &[]);
    assert_eq!(s.structs.live(), n as usize);
    let sum = n as i64 * (n as i64 + 1) / 2;
    assert_eq!(call(&mut s, ia, "sum", vec![]), Ok(vec![Val::I64(sum)]));
    call(&mut s, ia, "drop", vec![]).expect("runs");
    collect(&mut s, &th, &[]);
    assert_eq!(s.structs.live(), 0);
    assert_eq!(s.heap_bytes, 0);
}

/// Every kind of root and every edge, under collect-at-every-allocation, with garbage made
/// between every two uses: locals and operands of the running and of suspended frames, bound
/// values, globals, tables, element segments, struct and array fields, exception payloads,
/// `extern.convert_any` wrappers.
#[test]
fn every_root_survives_stress() {
    let src = r#"(module
      (type $box (struct (field (mut i32))))
      (type $boxes (array (mut (ref null $box))))
      (type $ft (func (param (ref $box)) (result i32)))
      (type $ct (cont $ft))
      (type $ft0 (func (result i32)))
      (type $ct0 (cont $ft0))
      (tag $yield (param i32))
      (tag $exn (param (ref $box)))
      (global $g (mut (ref null $box)) (ref.null $box))
      (global $ext (mut externref) (ref.null extern))
      (table $t 1 (ref null $box))
      (elem $e (ref $box) (struct.new $box (i32.const 5)))
      (func $garbage (param $n i32)
        (loop $l
          (drop (array.new $boxes (struct.new $box (local.get $n)) (i32.const 3)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
      ;; a generator holding a box in a local and a bound box in a parameter
      (func $gen (param $bound (ref $box)) (result i32)
        (local $mine (ref null $box))
        (local.set $mine (struct.new $box (i32.const 100)))
        (call $garbage (i32.const 20))
        (suspend $yield (struct.get $box 0 (local.get $bound)))
        (call $garbage (i32.const 20))
        (i32.add (struct.get $box 0 (local.get $mine)) (struct.get $box 0 (local.get $bound))))
      (elem declare func $gen)
      (func (export "run") (result i32)
        (local $k (ref null $ct0)) (local $arr (ref null $boxes)) (local $acc i32)
        (global.set $g (struct.new $box (i32.const 1)))
        (global.set $ext (extern.convert_any (struct.new $box (i32.const 2))))
        (table.set $t (i32.const 0) (struct.new $box (i32.const 3)))
        (local.set $arr (array.new $boxes (struct.new $box (i32.const 4)) (i32.const 2)))
        (local.set $k (cont.bind $ct $ct0 (struct.new $box (i32.const 10))
                                          (cont.new $ct (ref.func $gen))))
        (call $garbage (i32.const 20))
        (block $on (result i32 (ref $ct0))
          (resume $ct0 (on $yield $on) (local.get $k))
          (unreachable))
        (local.set $k)
        (local.set $acc)                                ;; 10
        (call $garbage (i32.const 20))
        ;; an operand below the collections: 110 from the generator
        (local.set $acc (i32.add (local.get $acc)
          (block $done (result i32)
            (block $on (result i32 (ref $ct0))
              (resume $ct0 (on $yield $on) (local.get $k))
              (br $done))
            (unreachable))))
        ;; an exception payload held by a caught exnref
        (local.set $acc (i32.add (local.get $acc)
          (block $caught (result (ref $box))
            (try_table (catch $exn $caught)
              (throw $exn (struct.new $box (i32.const 1000))))
            (unreachable))
          (call $garbage (i32.const 20))
          (struct.get $box 0)))
        (call $garbage (i32.const 20))
        (i32.add (local.get $acc)
          (i32.add
            (i32.add (struct.get $box 0 (global.get $g))
              (struct.get $box 0 (ref.cast (ref $box) (any.convert_extern (global.get $ext)))))
            (i32.add
              (i32.add (struct.get $box 0 (table.get $t (i32.const 0)))
                (struct.get $box 0 (array.get $boxes (local.get $arr) (i32.const 1))))
              (struct.get $box 0 (array.get $boxes
                (array.new_elem $boxes $e (i32.const 0) (i32.const 1)) (i32.const 0))))))))"#;
    let (mut s, ia) = setup(src, stress(Design::TypedCont));
    assert_eq!(
        call(&mut s, ia, "run", vec![]),
        Ok(vec![Val::I32(10 + 110 + 1000 + 1 + 2 + 3 + 4 + 5)])
    );
    assert!(s.gc.collections > 100, "{}", s.gc.collections);
}

/// A reference to a consumed continuation stays consumed although collections empty and
/// reuse its slot; a continuation a global holds stays resumable.
#[test]
fn consumed_continuations_stay_consumed() {
    let src = r#"(module
      (type $ft (func (result i32)))
      (type $ct (cont $ft))
      (func $one (result i32) (i32.const 1))
      (func $two (result i32) (i32.const 2))
      (elem declare func $one $two)
      (global $used (mut (ref null $ct)) (ref.null $ct))
      (global $kept (mut (ref null $ct)) (ref.null $ct))
      (func (export "setup") (result i32)
        (global.set $kept (cont.new $ct (ref.func $two)))
        (global.set $used (cont.new $ct (ref.func $one)))
        (resume $ct (global.get $used)))
      (func (export "churn") (param $n i32)
        (loop $l
          (drop (cont.new $ct (ref.func $one)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
      (func (export "used") (result i32) (resume $ct (global.get $used)))
      (func (export "kept") (result i32) (resume $ct (global.get $kept))))"#;
    let (mut s, ia) = setup(src, stress(Design::TypedCont));
    assert_eq!(call(&mut s, ia, "setup", vec![]), Ok(vec![Val::I32(1)]));
    assert_eq!(call(&mut s, ia, "churn", vec![Val::I32(1_000)]), Ok(vec![]));
    let e = call(&mut s, ia, "used", vec![]).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Trap, "continuation already consumed")
    );
    assert_eq!(call(&mut s, ia, "kept", vec![]), Ok(vec![Val::I32(2)]));
    // The last one `churn` dropped was not collected: nothing was allocated after it.
    assert_eq!(s.live_conts(), 1);
}

/// The budgets count what is reachable: garbage never exhausts them, live objects do.
#[test]
fn budgets_count_reachable_objects() {
    let src = r#"(module
      (type $ft (func))
      (type $ct (cont $ft))
      (type $bytes (array (mut i8)))
      (func $f)
      (elem declare func $f)
      (table $keep 0 (ref null $ct))
      (global $big (mut (ref null $bytes)) (ref.null $bytes))
      (func (export "keep") (param $n i32)
        (drop (table.grow $keep (ref.null $ct) (local.get $n)))
        (loop $l
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (table.set $keep (local.get $n) (cont.new $ct (ref.func $f)))
          (br_if $l (local.get $n))))
      (func (export "churn") (param $n i32)
        (loop $l
          (drop (cont.new $ct (ref.func $f)))
          (drop (array.new_default $bytes (i32.const 1000)))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
      (func (export "big") (param $n i32)
        (global.set $big (array.new_default $bytes (local.get $n)))))"#;
    let budgets = |conts| Config {
        max_live_conts: conts,
        max_heap_bytes: 1 << 20,
        ..config(Design::TypedCont)
    };
    // 100 kept continuations fill a budget of 100: the first new one is one too many.
    let (mut s, ia) = setup(src, budgets(100));
    assert_eq!(call(&mut s, ia, "keep", vec![Val::I32(100)]), Ok(vec![]));
    let e = call(&mut s, ia, "churn", vec![Val::I32(10_000)]).unwrap_err();
    assert_eq!(e.message, "too many live continuations");
    // With one more, 10,000 dropped continuations and 320 MB of dropped arrays do not count.
    let (mut s, ia) = setup(src, budgets(101));
    assert_eq!(call(&mut s, ia, "keep", vec![Val::I32(100)]), Ok(vec![]));
    assert_eq!(
        call(&mut s, ia, "churn", vec![Val::I32(10_000)]),
        Ok(vec![])
    );
    // A reachable array of more than half the heap budget leaves no room for a second one;
    // once unreachable, it does.
    let big = (600 << 10) / val_bytes(1) as i32;
    assert_eq!(call(&mut s, ia, "big", vec![Val::I32(big)]), Ok(vec![]));
    let e = call(&mut s, ia, "big", vec![Val::I32(big)]).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Exhaustion, "out of memory")
    );
    assert_eq!(call(&mut s, ia, "big", vec![Val::I32(0)]), Ok(vec![]));
    assert_eq!(call(&mut s, ia, "big", vec![Val::I32(big)]), Ok(vec![]));
}

// What a frame and a continuation cost (`docs/gc.md`, "What a frame costs").

/// The bytes a live continuation holds: its slot, its segments and their vectors' capacities.
fn cont_bytes(k: &ContInst) -> usize {
    use super::super::thread::{Frame, Label};
    use std::mem::size_of;
    let mut n = size_of::<ContSlot>()
        + k.segs.vec_capacity() * size_of::<Box<Segment>>()
        + k.segs.len() * size_of::<Segment>();
    for sg in k.segs.iter() {
        n += (sg.vals.capacity() + sg.locals.capacity()) * size_of::<Val>()
            + sg.labels.capacity() * size_of::<Label>()
            + sg.frames.capacity() * size_of::<Frame>();
    }
    n
}

/// Issue 14: a million live continuations fit in 500 MB. Each generator of the `live`
/// benchmark, suspended at its first yield (one frame, two labels, one local), holds at most
/// 400 bytes of the store, counted from the sizes of the types (the allocator's headers and
/// the array element that keeps it come on top). A value is 16 bytes.
#[test]
fn live_continuation_bytes() {
    assert_eq!(std::mem::size_of::<Val>(), 16);
    let live = include_str!("../../../../testsuite/bench/gc-live.wat");
    let (mut s, ia) = setup(live, config(Design::TypedCont));
    assert_eq!(
        call(&mut s, ia, "run", vec![Val::I32(10_000)]),
        Ok(vec![Val::I32(10_000)])
    );
    collect(&mut s, &Thread::new(), &[]);
    let conts: Vec<&ContInst> = s
        .conts
        .slots
        .iter()
        .filter_map(|x| x.cont.as_ref())
        .collect();
    assert_eq!(conts.len(), 10_000);
    let most = conts.iter().map(|k| cont_bytes(k)).max().unwrap();
    eprintln!("a live generator holds {most} bytes");
    assert!(most <= 400, "a live generator holds {most} bytes");
}

/// A continuation whose computation once recursed 10,000 deep and unwound gives the capacity
/// back at the next collection: its segment's vectors shrink to twice what they hold.
#[test]
fn unwound_recursion_capacity_is_given_back() {
    let src = r#"(module
      (type $ft (func))
      (type $ct (cont $ft))
      (tag $yield)
      (global $k (export "k") (mut (ref null $ct)) (ref.null $ct))
      (func $deep (param $n i32) (local i64 i64)
        (if (local.get $n) (then (call $deep (i32.sub (local.get $n) (i32.const 1))))))
      (func $gen
        (call $deep (i32.const 10000))
        (suspend $yield))
      (elem declare func $gen)
      (func (export "start")
        (block $on (result (ref $ct))
          (resume $ct (on $yield $on) (cont.new $ct (ref.func $gen)))
          (return))
        (global.set $k)))"#;
    let (mut s, ia) = setup(src, config(Design::TypedCont));
    assert_eq!(call(&mut s, ia, "start", vec![]), Ok(vec![]));
    let held = |s: &Store| {
        let k = s.conts.slots.iter().find_map(|x| x.cont.as_ref()).unwrap();
        cont_bytes(k)
    };
    let before = held(&s);
    assert!(before > 500_000, "{before} bytes before");
    collect(&mut s, &Thread::new(), &[]);
    let after = held(&s);
    assert!(after < 1_000, "{after} bytes after");
    let sg = &s
        .conts
        .slots
        .iter()
        .find_map(|x| x.cont.as_ref())
        .unwrap()
        .segs[0];
    assert_eq!((sg.frames.len(), sg.labels.len()), (1, 1));
    assert!(sg.frames.capacity() <= 2 && sg.locals.capacity() <= 2);
}

/// The stack budget counts bytes, not frames: a frame with 1,000 locals (16 KB) stops at about
/// 16 MiB / 16 KB = 1,000 frames, a frame without locals at the 20,000 frames of the call
/// depth. Both are "call stack exhausted".
#[test]
fn stack_budget_counts_bytes() {
    let src = format!(
        r#"(module
          (func $big (export "big") {} (call $big))
          (func $small (export "small") (call $small)))"#,
        "(local i64) ".repeat(1000)
    );
    let (mut s, ia) = setup(&src, config(Design::TypedCont));
    let e = call(&mut s, ia, "big", vec![]).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Exhaustion, "call stack exhausted")
    );
    let depth = s.counters.peak_depth;
    assert!((1000..1100).contains(&depth), "big frames: depth {depth}");
    let e = call(&mut s, ia, "small", vec![]).unwrap_err();
    assert_eq!(e.message, "call stack exhausted");
    assert_eq!(s.counters.peak_depth, Config::default().max_call_depth);
    // A smaller stack holds fewer frames.
    let (mut s, ia) = setup(
        &src,
        Config {
            max_stack_bytes: 1 << 20,
            ..config(Design::TypedCont)
        },
    );
    assert!(call(&mut s, ia, "big", vec![]).is_err());
    let depth = s.counters.peak_depth;
    assert!((60..70).contains(&depth), "1 MiB: depth {depth}");
}

/// `Segment::trim` shrinks only a vector with much spare capacity, to twice its length.
#[test]
fn trim_keeps_small_slack() {
    use super::super::thread::Prompt;
    let mut sg = Segment::new(Prompt::Root);
    sg.vals = vec![Val::I32(0); 100_000];
    sg.vals.truncate(10);
    sg.locals = Vec::with_capacity(8);
    sg.trim();
    assert_eq!((sg.vals.len(), sg.vals.capacity()), (10, 20));
    assert_eq!(sg.locals.capacity(), 8);
}
