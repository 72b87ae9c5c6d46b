;; v128 wherever a value type may appear: globals (also across modules), struct and array
;; fields (and their interplay with packed i8/i16 arrays and data segments), exception
;; payloads, block parameters and results, typed select, tables of functions, and 64-bit
;; memories. The instructions themselves are covered by the official simd/ scripts.

(module $m
  (global (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
  (global (export "c") v128 (v128.const f32x4 0.5 -0 inf -nan))
  (func (export "get") (result v128) (global.get 0))
)
(register "m" $m)

(module
  (global $g (import "m" "g") (mut v128))
  (global $c (import "m" "c") v128)
  (global $sum v128 (v128.const i64x2 0x0102030405060708 -1))

  (type $vec (struct (field $v (mut v128)) (field $n i32)))
  (type $vecs (array (mut v128)))
  (type $bytes (array (mut i8)))
  (type $halves (array (mut i16)))

  (data $d "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\ff\fe\fd\fc\fb\fa\f9\f8\f7\f6\f5\f4\f3\f2\f1\f0")

  (tag $boom (param v128 i32))

  (func (export "set-imported") (param v128) (global.set $g (local.get 0)))
  (func (export "imported-const") (result v128) (global.get $c))
  (func (export "const-global") (result v128) (global.get $sum))

  ;; struct: a mutable v128 field next to an i32
  (func (export "struct") (result v128)
    (local $s (ref $vec))
    (local.set $s (struct.new $vec (v128.const i16x8 1 2 3 4 5 6 7 8) (i32.const 3)))
    (struct.set $vec $v (local.get $s)
      (i16x8.mul (struct.get $vec $v (local.get $s))
        (i16x8.splat (struct.get $vec $n (local.get $s)))))
    (struct.get $vec $v (local.get $s)))
  (func (export "struct-default") (result v128)
    (struct.get $vec $v (struct.new_default $vec)))

  ;; array of v128 from a data segment: element i is bytes 16i..16i+15, little-endian
  (func (export "array-data") (param $i i32) (result v128)
    (array.get $vecs (array.new_data $vecs $d (i32.const 0) (i32.const 2)) (local.get $i)))
  (func (export "array-ops") (result v128)
    (local $a (ref $vecs))
    (local.set $a (array.new $vecs (v128.const i32x4 7 7 7 7) (i32.const 4)))
    (array.set $vecs (local.get $a) (i32.const 1) (v128.const i32x4 1 2 3 4))
    (array.fill $vecs (local.get $a) (i32.const 2) (v128.const i32x4 -1 0 -1 0) (i32.const 2))
    (array.copy $vecs $vecs (local.get $a) (i32.const 0) (local.get $a) (i32.const 2) (i32.const 1))
    (i32x4.add
      (i32x4.add (array.get $vecs (local.get $a) (i32.const 0))
                 (array.get $vecs (local.get $a) (i32.const 1)))
      (array.get $vecs (array.new_fixed $vecs 1 (v128.const i32x4 10 20 30 40)) (i32.const 0))))

  ;; packed arrays and lanes: bytes read with array.get_s/_u go into lanes, lanes go back
  ;; into a packed i16 array (truncated to 16 bits)
  (func (export "packed") (result v128)
    (local $b (ref $bytes)) (local $h (ref $halves)) (local $v v128)
    (local.set $b (array.new_data $bytes $d (i32.const 15) (i32.const 3)))
    (local.set $v
      (i32x4.replace_lane 2
        (i32x4.replace_lane 1
          (i32x4.splat (array.get_s $bytes (local.get $b) (i32.const 1)))
          (array.get_u $bytes (local.get $b) (i32.const 1)))
        (array.get_u $bytes (local.get $b) (i32.const 0))))
    (local.set $h (array.new_default $halves (i32.const 2)))
    (array.set $halves (local.get $h) (i32.const 0)
      (i32x4.extract_lane 0 (i32x4.mul (local.get $v) (i32x4.splat (i32.const 0x10001)))))
    (array.set $halves (local.get $h) (i32.const 1) (i32x4.extract_lane 1 (local.get $v)))
    (i32x4.replace_lane 3 (local.get $v)
      (i32.add (array.get_s $halves (local.get $h) (i32.const 0))
               (i32.shl (array.get_u $halves (local.get $h) (i32.const 1)) (i32.const 16)))))

  ;; exceptions carry a v128 next to an i32
  (func $thrower (param v128)
    (throw $boom (f32x4.neg (local.get 0)) (i32.const 5)))
  (func (export "catch") (param v128) (result v128)
    (block $h (result v128 i32)
      (try_table (catch $boom $h) (call $thrower (local.get 0)))
      (return (v128.const i64x2 0 0)))
    (i32x4.splat)
    (i32x4.add))

  ;; block parameters and results, br_table and select with v128
  (func (export "blocks") (param $x v128) (param $k i32) (result v128)
    (local.get $x)
    (block $b0 (param v128) (result v128)
      (block $b1 (param v128) (result v128)
        (block $b2 (param v128) (result v128)
          (br_table $b0 $b1 $b2 (local.get $k)))
        (i8x16.add (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1)))
      (i8x16.add (v128.const i8x16 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2))))
  (func (export "select") (param i32) (result v128)
    (select (result v128) (v128.const i32x4 1 1 1 1) (v128.const i32x4 2 2 2 2) (local.get 0)))

  ;; call_indirect with v128 parameters and results
  (type $vv (func (param v128 v128) (result v128)))
  (table funcref (elem $min $max))
  (func $min (type $vv) (f64x2.min (local.get 0) (local.get 1)))
  (func $max (type $vv) (f64x2.max (local.get 0) (local.get 1)))
  (func (export "indirect") (param i32) (result v128)
    (call_indirect (type $vv)
      (v128.const f64x2 -0 1) (v128.const f64x2 0 nan) (local.get 0)))
)

(assert_return (invoke "imported-const") (v128.const f32x4 0.5 -0 inf -nan))
(assert_return (invoke "const-global") (v128.const i64x2 0x0102030405060708 -1))
(invoke "set-imported" (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))
(assert_return (invoke $m "get") (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))
(assert_return (get $m "g") (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15))

(assert_return (invoke "struct") (v128.const i16x8 3 6 9 12 15 18 21 24))
(assert_return (invoke "struct-default") (v128.const i64x2 0 0))
(assert_return (invoke "array-data" (i32.const 0))
  (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
(assert_return (invoke "array-data" (i32.const 1))
  (v128.const i32x4 0xfcfdfeff 0xf8f9fafb 0xf4f5f6f7 0xf0f1f2f3))
(assert_trap (invoke "array-data" (i32.const 2)) "out of bounds array access")
(assert_return (invoke "array-ops") (v128.const i32x4 10 22 32 44))
;; bytes 0x10 0xff 0xfe: v = [-1 255 16 -1]; h[0] = low 16 bits of -1*0x10001 = 0xffff,
;; h[1] = 255; lane 3 = -1 + (255 << 16)
(assert_return (invoke "packed") (v128.const i32x4 -1 255 16 0xfeffff))
(assert_return (invoke "catch" (v128.const f32x4 1 -2 0 nan))
  (v128.const i32x4 0xbf800005 0x40000005 0x80000005 0xffc00005))
(assert_return (invoke "blocks" (v128.const i64x2 0 0) (i32.const 0)) (v128.const i64x2 0 0))
(assert_return (invoke "blocks" (v128.const i64x2 0 0) (i32.const 1))
  (v128.const i8x16 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2))
(assert_return (invoke "blocks" (v128.const i64x2 0 0) (i32.const 9))
  (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3))
(assert_return (invoke "select" (i32.const 1)) (v128.const i32x4 1 1 1 1))
(assert_return (invoke "select" (i32.const 0)) (v128.const i32x4 2 2 2 2))
(assert_return (invoke "indirect" (i32.const 0)) (v128.const f64x2 -0 nan:canonical))
(assert_return (invoke "indirect" (i32.const 1)) (v128.const f64x2 0 nan:canonical))

;; a 64-bit memory: addresses are i64
(module
  (memory i64 1)
  (func (export "roundtrip") (param i64) (result v128)
    (v128.store offset=8 (local.get 0) (v128.const i16x8 1 -2 3 -4 5 -6 7 -8))
    (v128.store16_lane 7 (i64.add (local.get 0) (i64.const 24))
      (v128.const i16x8 0 0 0 0 0 0 0 0x7777))
    (v128.load32_zero offset=24 (local.get 0)))
  (func (export "oob") (result v128)
    (v128.load (i64.const 65521)))
)
(assert_return (invoke "roundtrip" (i64.const 100)) (v128.const i32x4 0x7777 0 0 0))
(assert_trap (invoke "oob") "out of bounds memory access")

;; v128 is a type like the others: not a reference, defaultable, and checked
(assert_invalid
  (module (func (result v128) (i32.const 0)))
  "type mismatch")
(assert_invalid
  (module (func (param v128) (result i32) (ref.is_null (local.get 0))))
  "type mismatch")
(assert_invalid
  (module (global v128 (i32x4.splat (i32.const 0))))
  "constant expression required")

;; The binary format: the 0xFD prefix, then the sub-opcode as LEB128 u32, here two bytes
;; (i32x4.dot_i16x8_s is 186) and the same padded to four bytes.
(module binary
  "\00asm" "\01\00\00\00"
  "\01\05\01\60\00\01\7b"                              ;; type 0: [] -> [v128]
  "\03\03\02\00\00"                                    ;; funcs 0 and 1: type 0
  "\07\10\02\03dot\00\00\06padded\00\01"              ;; exports "dot", "padded"
  "\0a\57\02"                                          ;; code: two bodies of 41 and 43 bytes
  "\29\00"
  "\fd\0c\01\00\02\00\03\00\04\00\05\00\06\00\07\00\08\00"
  "\fd\0c\01\00\01\00\01\00\01\00\01\00\01\00\01\00\01\00"
  "\fd\ba\01" "\0b"
  "\2b\00"
  "\fd\0c\01\00\02\00\03\00\04\00\05\00\06\00\07\00\08\00"
  "\fd\0c\01\00\01\00\01\00\01\00\01\00\01\00\01\00\01\00"
  "\fd\ba\81\80\00" "\0b"
)
(assert_return (invoke "dot") (v128.const i32x4 3 7 11 15))
(assert_return (invoke "padded") (v128.const i32x4 3 7 11 15))

;; 154 (0x9a) is not an opcode
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\05\01\60\00\01\7b" "\03\02\01\00"
    "\0a\07\01\05\00" "\fd\9a\01" "\0b")
  "illegal opcode")
