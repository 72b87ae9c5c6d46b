;; The whole script grammar of the reference interpreter (its README lists it), form by form;
;; each form means here what it means there: the file passes under both (the reference needs
;; `wasm -ca script-grammar.wast`, run from this folder). Parse errors of the script language
;; are unit tests (`text::tests::script_grammar_errors`).

;; `module definition`, `module instance $inst? $def?`: with one name, the name is the
;; definition's; with none, the latest definition is instantiated as the latest instance.
(module definition $Lib
  (global (export "g") i32 (i32.const 11))
  (func (export "f") (result i32) (i32.const 7)))
(module instance $L1 $Lib)
(assert_return (get $L1 "g") (i32.const 11))
(module instance $Lib)
(assert_return (invoke "f") (i32.const 7))
(module instance)
(assert_return (invoke "f") (i32.const 7))

;; `(module $id ...)` names both a definition and an instance.
(module $M (func (export "m") (result i32) (i32.const 2)))
(module instance $M2 $M)
(assert_return (invoke $M2 "m") (i32.const 2))
(assert_return (invoke $M "m") (i32.const 2))

;; Binary and quoted bodies, defined or instantiated, named or not.
(module definition $Bin binary "\00asm" "\01\00\00\00")
(module instance $B1 $Bin)
(module definition quote "(func (export \"q\") (result i32) (i32.const 3))")
(module instance)
(assert_return (invoke "q") (i32.const 3))
(module $N quote "(module $inner (func (export \"n\") (result i32) (i32.const 4)))")
(assert_return (invoke $N "n") (i32.const 4))
(module $W binary
  "\00asm\01\00\00\00"
  "\06\86\80\80\80\00\01\7f\00\41\08\0b"
  "\07\85\80\80\80\00\01\01\77\03\00")
(assert_return (get $W "w") (i32.const 8))

;; `assert_unlinkable` and `assert_trap` on `module instance` ...
(module definition $Needs (import "nowhere" "f" (func)))
(assert_unlinkable (module instance $Needs) "unknown import")
(assert_unlinkable (module instance $I $Needs) "unknown import")
(module definition $Traps (func $start unreachable) (start $start))
(assert_trap (module instance $Traps) "unreachable")
(assert_trap (module instance $I $Traps) "unreachable")
(assert_trap (module instance) "unreachable")
;; ... and on modules written in place, which become the latest definition ...
(assert_unlinkable (module (import "nowhere" "g" (global i32))) "unknown import")
(assert_unlinkable (module instance) "unknown import")
(assert_trap (module quote "(func $s unreachable) (start $s)") "unreachable")
(assert_trap (module instance) "unreachable")
(assert_unlinkable
  (module binary
    "\00asm\01\00\00\00"
    "\01\84\80\80\80\00\01\60\00\00"
    "\02\89\80\80\80\00\01\03\78\79\7a\01\66\00\00")
  "unknown import")
;; ... but bind no instance: unnamed actions still use the latest instance.
(assert_return (get "w") (i32.const 8))

;; Result patterns: `(ref)` (any reference but a function reference, null included, as in the
;; reference interpreter), nested `either`, and `v128.const` lane by lane.
(module $R
  (func (export "i31") (result anyref) (ref.i31 (i32.const 1)))
  (func (export "ext") (param externref) (result externref) (local.get 0))
  (func (export "v") (param v128) (result v128) (local.get 0))
  (func (export "two") (result i32 i64) (i32.const 1) (i64.const 2)))
(assert_return (invoke "i31") (ref))
(assert_return (invoke "ext" (ref.extern 1)) (ref))
(assert_return (invoke "ext" (ref.null extern)) (ref))
(assert_return (invoke "i31") (either (ref.null) (either (ref.func) (ref.i31))))
(assert_return (invoke "two") (either (i32.const 0) (i32.const 1)) (either (either (i64.const 2))))
(assert_return (invoke "v" (v128.const i32x4 1 2 3 4)) (v128.const i32x4 1 2 3 4))
(assert_return (invoke "v" (v128.const i64x2 1 -1)) (v128.const i32x4 1 0 -1 0xffff_ffff))
(assert_return (invoke "v" (v128.const i8x16 -1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0x80))
  (v128.const i16x8 255 1 0 0 0 0 0 0x8000))
(assert_return (invoke "v" (v128.const f32x4 nan 1.5 -0 inf))
  (v128.const f32x4 nan:canonical 1.5 -0 inf))
(assert_return (invoke "v" (v128.const f64x2 -nan:0xc000000000000 2))
  (v128.const f64x2 nan:arithmetic 2))
(assert_return (invoke "v" (v128.const f64x2 0 2))
  (either (v128.const f64x2 nan:canonical 2) (v128.const i64x2 0 0x4000_0000_0000_0000)))

;; `script` names a sub-script: its commands run in place, and may nest.
(script $sub
  (module $S (func (export "s") (result i32) (i32.const 5)))
  (script (assert_return (invoke "s") (i32.const 5))))
(script)
(assert_return (invoke $S "s") (i32.const 5))

;; `input` reads a module or a script from a file (relative to this script's folder here; to
;; the current folder in the reference interpreter, so check this file there from its folder).
;; A module is defined, not instantiated.
(input "script-input/lib.wat")
(module instance)
(assert_return (invoke "lib") (i32.const 6))
(input $Wasm "script-input/lib.wasm")
(module instance $WI $Wasm)
(assert_return (get $WI "w") (i32.const 8))
(input $In "script-input/inner.wast")
(assert_return (invoke $In "t") (i32.const 9))
(module (import "inner" "t" (func (result i32))) (export "t2" (func 0)))
(assert_return (invoke "t2") (i32.const 9))

;; `output` prints or writes a module; Switchyard skips it (reported as skipped, with why).
(output)
(output $In)

;; Custom sections and annotations are not interpreted: skipped, with why.
(assert_malformed_custom (module quote "(@custom)") "@custom annotation: missing section name")
(assert_invalid_custom
  (module quote "(func (@metadata.code.branch_hint \"\\00\") nop)")
  "@metadata.code.branch_hint annotation: invalid target")
