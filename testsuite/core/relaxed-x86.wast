;;! relaxed = "x86"
;; Relaxed SIMD under the "x86" choice (proposals/core/simd.md): the permitted results that x86
;; hardware computes. The same inputs as relaxed-deterministic.wast; every case differs.
(module
  (func (export "swizzle") (param v128 v128) (result v128)
    (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "trunc_s") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "trunc_u") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "trunc_s_zero") (param v128) (result v128)
    (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
  (func (export "trunc_u_zero") (param v128) (result v128)
    (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0)))
  (func (export "f32x4.madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32x4.nmadd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64x2.madd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64x2.nmadd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i16x8.laneselect") (param v128 v128 v128) (result v128)
    (i16x8.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i8x16.laneselect") (param v128 v128 v128) (result v128)
    (i8x16.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32x4.min") (param v128 v128) (result v128)
    (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "f32x4.max") (param v128 v128) (result v128)
    (f32x4.relaxed_max (local.get 0) (local.get 1)))
  (func (export "f64x2.min") (param v128 v128) (result v128)
    (f64x2.relaxed_min (local.get 0) (local.get 1)))
  (func (export "q15mulr") (param v128 v128) (result v128)
    (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func (export "dot") (param v128 v128) (result v128)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
)

(assert_return (invoke "swizzle"
    (v128.const i8x16 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31)
    (v128.const i8x16 0 15 16 17 0x80 0x8f 0x7f 31 0 0 0 0 0 0 0 0))
  (v128.const i8x16 16 31 16 17 0 0 31 31 16 16 16 16 16 16 16 16))
(assert_return (invoke "trunc_s"
    (v128.const f32x4 nan 3e9 -3e9 1.5))
  (v128.const i32x4 0x80000000 0x80000000 0x80000000 1))
(assert_return (invoke "trunc_u"
    (v128.const f32x4 nan 5e9 -1 1.5))
  (v128.const i32x4 0 0xffffffff 0xffffffff 1))
(assert_return (invoke "trunc_s_zero"
    (v128.const f64x2 nan 3e9))
  (v128.const i32x4 0x80000000 0x80000000 0 0))
(assert_return (invoke "trunc_u_zero"
    (v128.const f64x2 -2 1e10))
  (v128.const i32x4 0xffffffff 0xffffffff 0 0))
(assert_return (invoke "f32x4.madd"
    (v128.const f32x4 0x1.000002p+0 0x1.000002p+0 2 nan)
    (v128.const f32x4 0x1.000002p+0 0x1.000002p+0 3 1)
    (v128.const f32x4 -0x1.000004p+0 0 1 1))
  (v128.const f32x4 0 0x1.000004p+0 7 nan:canonical))
(assert_return (invoke "f32x4.nmadd"
    (v128.const f32x4 0x1.000002p+0 2 0 0)
    (v128.const f32x4 0x1.000002p+0 3 0 0)
    (v128.const f32x4 0x1.000004p+0 1 0 0))
  (v128.const f32x4 0 -5 0 0))
(assert_return (invoke "f64x2.madd"
    (v128.const f64x2 0x1.0000000000001p+0 2)
    (v128.const f64x2 0x1.0000000000001p+0 3)
    (v128.const f64x2 -0x1.0000000000002p+0 1))
  (v128.const f64x2 0 7))
(assert_return (invoke "f64x2.nmadd"
    (v128.const f64x2 0x1.0000000000001p+0 2)
    (v128.const f64x2 0x1.0000000000001p+0 3)
    (v128.const f64x2 0x1.0000000000002p+0 1))
  (v128.const f64x2 0 -5))
(assert_return (invoke "i16x8.laneselect"
    (v128.const i16x8 0xaaaa 0xaaaa 0xaaaa 0xaaaa 1 2 3 4)
    (v128.const i16x8 0x5555 0x5555 0x5555 0x5555 5 6 7 8)
    (v128.const i16x8 0x8000 0x7fff 0xffff 0 0xffff 0xffff 0 0))
  (v128.const i16x8 0xaaaa 0x5555 0xaaaa 0x5555 1 2 7 8))
(assert_return (invoke "i8x16.laneselect"
    (v128.const i8x16 0xaa 0xaa 0xaa 0xaa 0 0 0 0 0 0 0 0 0 0 0 0)
    (v128.const i8x16 0x55 0x55 0x55 0x55 0 0 0 0 0 0 0 0 0 0 0 0)
    (v128.const i8x16 0x80 0x7f 0xff 0 0 0 0 0 0 0 0 0 0 0 0 0))
  (v128.const i8x16 0xaa 0x55 0xaa 0x55 0 0 0 0 0 0 0 0 0 0 0 0))
(assert_return (invoke "f32x4.min"
    (v128.const f32x4 nan 0 -0 1)
    (v128.const f32x4 1 -0 0 2))
  (v128.const f32x4 1 -0 0 1))
(assert_return (invoke "f32x4.max"
    (v128.const f32x4 nan 0 -0 1)
    (v128.const f32x4 1 -0 0 2))
  (v128.const f32x4 1 -0 0 2))
(assert_return (invoke "f64x2.min"
    (v128.const f64x2 1 -0)
    (v128.const f64x2 nan 0))
  (v128.const f64x2 nan:canonical 0))
(assert_return (invoke "q15mulr"
    (v128.const i16x8 -32768 16384 -1 0 0 0 0 0)
    (v128.const i16x8 -32768 16384 1 0 0 0 0 0))
  (v128.const i16x8 -32768 8192 0 0 0 0 0 0))
(assert_return (invoke "dot"
    (v128.const i8x16 -128 -128 -128 -128 3 4 0 0 0 0 0 0 0 0 0 0)
    (v128.const i8x16 -1 -1 1 -1 5 6 0 0 0 0 0 0 0 0 0 0))
  (v128.const i16x8 -32768 -32768 39 0 0 0 0 0))
(assert_return (invoke "dot_add"
    (v128.const i8x16 -128 -128 -128 -128 1 2 3 4 0 0 0 0 0 0 0 0)
    (v128.const i8x16 -1 -1 -1 -1 1 1 1 1 0 0 0 0 0 0 0 0)
    (v128.const i32x4 1 2 3 4))
  (v128.const i32x4 -65535 12 3 4))
