//! Script values: turning constants into runtime values, matching results against the patterns
//! of `assert_return`, and printing both for reports.

use crate::runtime::{Ref, Val};
use crate::script::{Const, NanPat, ResultPat, V128Pat};
use crate::syntax::{AbsHeapType, HeapType};

/// The bottom of the hierarchy an abstract heap type belongs to: the type of its null.
pub fn bottom(heap: AbsHeapType) -> AbsHeapType {
    use AbsHeapType::*;
    match heap {
        Func | NoFunc => NoFunc,
        Extern | NoExtern => NoExtern,
        Any | Eq | I31 | Struct | Array | None => None,
        Exn | NoExn => NoExn,
        Cont | NoCont => NoCont,
        Stack | NoStack => NoStack,
    }
}

/// The runtime value of a script constant.
pub fn const_val(value: &Const) -> Val {
    match value {
        Const::I32(n) => Val::I32(*n),
        Const::I64(n) => Val::I64(*n),
        Const::F32(bits) => Val::F32(*bits),
        Const::F64(bits) => Val::F64(*bits),
        Const::V128(bits) => Val::V128(Box::new(*bits)),
        Const::RefNull(HeapType::Abs(heap)) => Val::Ref(Ref::Null(bottom(*heap))),
        // A concrete type index has no meaning outside a module; `none` is the usual case.
        Const::RefNull(HeapType::Concrete(_)) => Val::Ref(Ref::Null(AbsHeapType::None)),
        Const::RefHost(n) => Val::Ref(Ref::Host(*n)),
        Const::RefExtern(n) => Val::Ref(Ref::Extern(Box::new(Ref::Host(*n)))),
    }
}

const F32_EXP: u32 = 0x7f80_0000;
const F32_QUIET: u32 = 0x0040_0000;
const F64_EXP: u64 = 0x7ff0_0000_0000_0000;
const F64_QUIET: u64 = 0x0008_0000_0000_0000;

fn f32_matches(pattern: NanPat<u32>, bits: u32) -> bool {
    match pattern {
        NanPat::Value(expected) => expected == bits,
        // Canonical NaN: only the quiet bit set in the payload, either sign.
        NanPat::Canonical => bits & !0x8000_0000 == F32_EXP | F32_QUIET,
        // Arithmetic NaN: the quiet bit set, any other payload.
        NanPat::Arithmetic => bits & (F32_EXP | F32_QUIET) == F32_EXP | F32_QUIET,
    }
}

fn f64_matches(pattern: NanPat<u64>, bits: u64) -> bool {
    match pattern {
        NanPat::Value(expected) => expected == bits,
        NanPat::Canonical => bits & !(1 << 63) == F64_EXP | F64_QUIET,
        NanPat::Arithmetic => bits & (F64_EXP | F64_QUIET) == F64_EXP | F64_QUIET,
    }
}

/// Does a non-null reference have the abstract kind `heap` (is it a `(ref heap)`)?
fn ref_has_kind(value: &Ref, heap: AbsHeapType) -> bool {
    use AbsHeapType as H;
    match value {
        Ref::Null(_) => false,
        Ref::I31(_) => matches!(heap, H::I31 | H::Eq | H::Any),
        Ref::Struct(_) => matches!(heap, H::Struct | H::Eq | H::Any),
        Ref::Array(_) => matches!(heap, H::Array | H::Eq | H::Any),
        Ref::Host(_) => heap == H::Any,
        Ref::Func(_) => heap == H::Func,
        Ref::Exn(_) => heap == H::Exn,
        Ref::Extern(_) => heap == H::Extern,
        Ref::Cont(..) => heap == H::Cont,
        Ref::Stack(..) => heap == H::Stack,
    }
}

/// Does `value` match the pattern?
pub fn matches(pattern: &ResultPat, value: &Val) -> bool {
    match (pattern, value) {
        (ResultPat::I32(n), Val::I32(m)) => n == m,
        (ResultPat::I64(n), Val::I64(m)) => n == m,
        (ResultPat::F32(p), Val::F32(bits)) => f32_matches(*p, *bits),
        (ResultPat::F64(p), Val::F64(bits)) => f64_matches(*p, *bits),
        (ResultPat::V128(p), Val::V128(v)) => v128_matches(p, **v),
        (ResultPat::RefNull(heap), Val::Ref(Ref::Null(actual))) => match heap {
            Some(HeapType::Abs(heap)) => bottom(*heap) == bottom(*actual),
            _ => true,
        },
        (ResultPat::RefHost(n), Val::Ref(Ref::Host(m))) => n == m,
        (ResultPat::RefExtern(n), Val::Ref(Ref::Extern(inner))) => match n {
            None => true,
            Some(n) => **inner == Ref::Host(*n),
        },
        (ResultPat::RefKind(heap), Val::Ref(r)) => ref_has_kind(r, *heap),
        // As in the reference interpreter: every reference but a function reference.
        (ResultPat::RefAny, Val::Ref(r)) => !matches!(r, Ref::Func(_)),
        (ResultPat::Either(options), value) => options.iter().any(|p| matches(p, value)),
        _ => false,
    }
}

/// Lane by lane: exact bits for integer shapes, a float pattern per float lane.
fn v128_matches(pattern: &V128Pat, v: u128) -> bool {
    match pattern {
        V128Pat::Int { value, .. } => *value == v,
        V128Pat::F32(lanes) => (0..4).all(|i| f32_matches(lanes[i], (v >> (32 * i)) as u32)),
        V128Pat::F64(lanes) => (0..2).all(|i| f64_matches(lanes[i], (v >> (64 * i)) as u64)),
    }
}

fn heap_name(heap: &HeapType) -> String {
    match heap {
        HeapType::Abs(heap) => heap.name().to_string(),
        HeapType::Concrete(idx) => idx.to_string(),
    }
}

fn f32_text(bits: u32) -> String {
    let value = f32::from_bits(bits);
    if value.is_nan() {
        let sign = if bits >> 31 == 1 { "-" } else { "" };
        format!("{sign}nan:0x{:x}", bits & 0x007f_ffff)
    } else {
        format!("{value:?}")
    }
}

fn f64_text(bits: u64) -> String {
    let value = f64::from_bits(bits);
    if value.is_nan() {
        let sign = if bits >> 63 == 1 { "-" } else { "" };
        format!("{sign}nan:0x{:x}", bits & 0x000f_ffff_ffff_ffff)
    } else {
        format!("{value:?}")
    }
}

fn f32_pat_text(p: NanPat<u32>) -> String {
    match p {
        NanPat::Value(bits) => f32_text(bits),
        NanPat::Canonical => "nan:canonical".into(),
        NanPat::Arithmetic => "nan:arithmetic".into(),
    }
}

fn f64_pat_text(p: NanPat<u64>) -> String {
    match p {
        NanPat::Value(bits) => f64_text(bits),
        NanPat::Canonical => "nan:canonical".into(),
        NanPat::Arithmetic => "nan:arithmetic".into(),
    }
}

fn ref_text(value: &Ref) -> String {
    match value {
        Ref::Null(heap) => format!("(ref.null {})", heap.name()),
        Ref::I31(n) => format!("(ref.i31 {n})"),
        Ref::Struct(a) => format!("(ref.struct @{a})"),
        Ref::Array(a) => format!("(ref.array @{a})"),
        Ref::Func(a) => format!("(ref.func @{a})"),
        Ref::Exn(a) => format!("(ref.exn @{a})"),
        Ref::Host(n) => format!("(ref.host {n})"),
        Ref::Extern(inner) => match &**inner {
            Ref::Host(n) => format!("(ref.extern {n})"),
            other => format!("(ref.extern {})", ref_text(other)),
        },
        Ref::Cont(a, generation) => format!("(ref.cont @{a}#{generation})"),
        Ref::Stack(a, generation) => format!("(ref.stack @{a}#{generation})"),
    }
}

/// A value as the script language would write it.
pub fn val_text(value: &Val) -> String {
    match value {
        Val::I32(n) => format!("(i32.const {n})"),
        Val::I64(n) => format!("(i64.const {n})"),
        Val::F32(bits) => format!("(f32.const {})", f32_text(*bits)),
        Val::F64(bits) => format!("(f64.const {})", f64_text(*bits)),
        Val::V128(bits) => {
            let lanes: Vec<String> = (0..4)
                .map(|i| format!("0x{:08x}", (**bits >> (32 * i)) as u32))
                .collect();
            format!("(v128.const i32x4 {})", lanes.join(" "))
        }
        Val::Ref(r) => ref_text(r),
    }
}

pub fn pattern_text(pattern: &ResultPat) -> String {
    let nan = |p: &str| match p {
        "canonical" => "nan:canonical".to_string(),
        _ => "nan:arithmetic".to_string(),
    };
    match pattern {
        ResultPat::I32(n) => format!("(i32.const {n})"),
        ResultPat::I64(n) => format!("(i64.const {n})"),
        ResultPat::F32(NanPat::Value(bits)) => format!("(f32.const {})", f32_text(*bits)),
        ResultPat::F32(NanPat::Canonical) => format!("(f32.const {})", nan("canonical")),
        ResultPat::F32(NanPat::Arithmetic) => format!("(f32.const {})", nan("arithmetic")),
        ResultPat::F64(NanPat::Value(bits)) => format!("(f64.const {})", f64_text(*bits)),
        ResultPat::F64(NanPat::Canonical) => format!("(f64.const {})", nan("canonical")),
        ResultPat::F64(NanPat::Arithmetic) => format!("(f64.const {})", nan("arithmetic")),
        ResultPat::V128(V128Pat::Int { bits, value }) => {
            let shape = crate::simd::exec::Shape {
                bits: *bits,
                float: false,
            };
            let lanes: Vec<String> = (0..shape.lanes())
                .map(|i| shape.get_s(*value, i).to_string())
                .collect();
            format!("(v128.const i{bits}x{} {})", shape.lanes(), lanes.join(" "))
        }
        ResultPat::V128(V128Pat::F32(lanes)) => {
            let lanes: Vec<String> = lanes.iter().map(|p| f32_pat_text(*p)).collect();
            format!("(v128.const f32x4 {})", lanes.join(" "))
        }
        ResultPat::V128(V128Pat::F64(lanes)) => {
            let lanes: Vec<String> = lanes.iter().map(|p| f64_pat_text(*p)).collect();
            format!("(v128.const f64x2 {})", lanes.join(" "))
        }
        ResultPat::RefAny => "(ref)".to_string(),
        ResultPat::RefNull(None) => "(ref.null)".to_string(),
        ResultPat::RefNull(Some(heap)) => format!("(ref.null {})", heap_name(heap)),
        ResultPat::RefHost(n) => format!("(ref.host {n})"),
        ResultPat::RefExtern(None) => "(ref.extern)".to_string(),
        ResultPat::RefExtern(Some(n)) => format!("(ref.extern {n})"),
        ResultPat::RefKind(heap) => format!("(ref.{})", heap.name()),
        ResultPat::Either(options) => {
            let options: Vec<String> = options.iter().map(pattern_text).collect();
            format!("(either {})", options.join(" "))
        }
    }
}

pub fn vals_text(values: &[Val]) -> String {
    let values: Vec<String> = values.iter().map(val_text).collect();
    format!("[{}]", values.join(" "))
}

pub fn patterns_text(patterns: &[ResultPat]) -> String {
    let patterns: Vec<String> = patterns.iter().map(pattern_text).collect();
    format!("[{}]", patterns.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_patterns() {
        assert!(matches(
            &ResultPat::F32(NanPat::Canonical),
            &Val::F32(0x7fc0_0000)
        ));
        assert!(matches(
            &ResultPat::F32(NanPat::Canonical),
            &Val::F32(0xffc0_0000)
        ));
        assert!(!matches(
            &ResultPat::F32(NanPat::Canonical),
            &Val::F32(0x7fc0_0001)
        ));
        assert!(matches(
            &ResultPat::F32(NanPat::Arithmetic),
            &Val::F32(0x7fc0_0001)
        ));
        assert!(!matches(
            &ResultPat::F32(NanPat::Arithmetic),
            &Val::F32(0x7f80_0001)
        ));
        assert!(matches(
            &ResultPat::F64(NanPat::Canonical),
            &Val::F64(0x7ff8 << 48)
        ));
        assert!(matches(
            &ResultPat::F64(NanPat::Arithmetic),
            &Val::F64((0xfff8 << 48) | 5)
        ));
        assert!(!matches(
            &ResultPat::F64(NanPat::Arithmetic),
            &Val::F64((0x7ff0 << 48) | 5)
        ));
        assert!(!matches(
            &ResultPat::F32(NanPat::Canonical),
            &Val::F64(0x7ff8 << 48)
        ));
    }

    #[test]
    fn ref_patterns() {
        let null_func = Val::Ref(Ref::Null(AbsHeapType::NoFunc));
        let func = HeapType::Abs(AbsHeapType::Func);
        let any = HeapType::Abs(AbsHeapType::Any);
        assert!(matches(&ResultPat::RefNull(Some(func)), &null_func));
        assert!(!matches(&ResultPat::RefNull(Some(any)), &null_func));
        assert!(matches(&ResultPat::RefNull(None), &null_func));
        let host = const_val(&Const::RefExtern(3));
        assert!(matches(&ResultPat::RefExtern(Some(3)), &host));
        assert!(matches(&ResultPat::RefExtern(None), &host));
        assert!(!matches(&ResultPat::RefExtern(Some(4)), &host));
        let i31 = Val::Ref(Ref::I31(7));
        assert!(matches(&ResultPat::RefKind(AbsHeapType::Eq), &i31));
        assert!(!matches(&ResultPat::RefKind(AbsHeapType::Struct), &i31));
        let either = ResultPat::Either(vec![ResultPat::I32(1), ResultPat::I32(2)]);
        assert!(matches(&either, &Val::I32(2)));
        assert_eq!(
            pattern_text(&either),
            "(either (i32.const 1) (i32.const 2))"
        );
        // `(ref)`: anything but a function reference, as in the reference interpreter.
        assert!(matches(&ResultPat::RefAny, &i31));
        assert!(matches(&ResultPat::RefAny, &host));
        assert!(!matches(&ResultPat::RefAny, &Val::Ref(Ref::Func(0))));
        assert!(!matches(&ResultPat::RefAny, &Val::I32(0)));
    }

    #[test]
    fn vector_patterns() {
        use crate::script::V128Pat;
        // Lanes are little-endian: lane 0 is the low bits.
        let bits = 0xffff_ffff_0000_0002_7fc0_0000_0000_0001u128;
        let value = Val::V128(Box::new(bits));
        let ints = ResultPat::V128(V128Pat::Int {
            bits: 32,
            value: bits,
        });
        assert!(matches(&ints, &value));
        let floats = ResultPat::V128(V128Pat::F32([
            NanPat::Value(1),
            NanPat::Canonical,
            NanPat::Value(2),
            NanPat::Arithmetic,
        ]));
        assert!(matches(&floats, &value));
        let wrong = ResultPat::V128(V128Pat::Int { bits: 64, value: 1 });
        assert!(!matches(&wrong, &value));
        assert_eq!(
            pattern_text(&floats),
            "(v128.const f32x4 1e-45 nan:canonical 3e-45 nan:arithmetic)"
        );
    }
}
