;;! design = "effect-handlers"
;; Text and binary forms of effect-handlers (proposals/effect-handlers/README.md §3.1, §3.2).

;; The worked example, flat.
(module
  (type $ft (func (param i32) (result i32)))
  (type $k (cont $ft))
  (tag $ask (param i32) (result i32))
  (func (export "run") (result i32)
    handle (result i32)
      i32.const 1
      perform $ask
      i32.const 10
      i32.add
    on $ask $k
      continue $k
    end))
(assert_return (invoke "run") (i32.const 11))

;; The same, folded; and the non-tail variant.
(module
  (type $ft (func (param i32) (result i32)))
  (type $k (cont $ft))
  (tag $ask (param i32) (result i32))
  (func (export "run") (result i32)
    (handle (result i32)
      (do (i32.add (perform $ask (i32.const 1)) (i32.const 10)))
      (on $ask $k (continue $k))))
  (func (export "run-non-tail") (result i32)
    (handle (result i32)
      (do (i32.add (perform $ask (i32.const 1)) (i32.const 10)))
      (on $ask $k (i32.add (continue $k) (i32.const 100))))))
(assert_return (invoke "run") (i32.const 11))
(assert_return (invoke "run-non-tail") (i32.const 111))

;; Labels, `end $l`, block types with parameters, several clauses, a handle without clauses,
;; numeric indices, contref/nullcontref shorthands.
(module
  (type $ft (func (result i32)))
  (type $k (cont $ft))
  (type $pt (func (param i32) (result i32)))
  (tag $a)
  (tag $b)
  (func (export "labels") (result i32)
    (i32.const 5)
    handle $h (param i32) (result i32)
      i32.const 1
      i32.add
      br $h
    on $a $k
      drop
      i32.const 0
    on 1 1
      drop
      i32.const -1
    end $h)
  (func (export "no-clause") (result i32)
    (handle (result i32) (do (i32.const 3))))
  (func (export "typeidx-bt") (result i32)
    (i32.const 6)
    (handle (type $pt) (do (i32.mul (i32.const 7))) (on $a $k (drop) (i32.const 0))))
  (func (export "shorthands") (result i32)
    (local $c contref) (local $n nullcontref)
    (local.set $c (local.get $n))
    (ref.is_null (local.get $c))))
(assert_return (invoke "labels") (i32.const 6))
(assert_return (invoke "no-clause") (i32.const 3))
(assert_return (invoke "typeidx-bt") (i32.const 42))
(assert_return (invoke "shorthands") (i32.const 1))

;; Binary: E8 01 7F (handle (result i32)), 41 01, E8 00 00 (perform 0), 41 0A, 6A,
;; E8 02 00 01 (on 0 1), E8 03 01 (continue 1), 0B (end of the handle), 0B (end of the body).
;; Types: 0 = func [i32] -> [i32], 1 = cont 0 (5D 00), 2 = func [] -> [i32]; tag 0 : type 0.
(module binary "\00\61\73\6d\01\00\00\00\01\0c\03\60\01\7f\01\7f\5d\00\60\00\01\7f\03\02\01\02\0d\03\01\00\00\07\07\01\03\72\75\6e\00\00\0a\17\01\15\00\e8\01\7f\41\01\e8\00\00\41\0a\6a\e8\02\00\01\e8\03\01\0b\0b")
(assert_return (invoke "run") (i32.const 11))
(module binary "\00\61\73\6d\01\00\00\00\01\0c\03\60\01\7f\01\7f\5d\00\60\00\01\7f\03\02\01\02\0d\03\01\00\00\07\07\01\03\72\75\6e\00\00\0a\1b\01\19\00\e8\01\7f\41\01\e8\00\00\41\0a\6a\e8\02\00\01\e8\03\01\41\e4\00\6a\0b\0b")
(assert_return (invoke "run") (i32.const 111))
;; Sub-opcodes are u32 LEB128: non-minimal encodings are accepted.
(module binary "\00\61\73\6d\01\00\00\00\01\0c\03\60\01\7f\01\7f\5d\00\60\00\01\7f\03\02\01\02\0d\03\01\00\00\07\07\01\03\72\75\6e\00\00\0a\1b\01\19\00\e8\81\00\7f\41\01\e8\80\00\00\41\0a\6a\e8\82\00\00\01\e8\83\00\01\0b\0b")
(assert_return (invoke "run") (i32.const 11))
;; Sub-opcode 6 is not assigned.
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\0c\03\60\01\7f\01\7f\5d\00\60\00\01\7f\03\02\01\02\0d\03\01\00\00\07\07\01\03\72\75\6e\00\00\0a\08\01\06\00\41\01\e8\06\0b")
  "illegal opcode")
;; The raw-stacks prefix (0xE7) and the typed-cont opcodes (0xE0-0xE6) do not exist here.
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\0c\03\60\01\7f\01\7f\5d\00\60\00\01\7f\03\02\01\02\0d\03\01\00\00\07\07\01\03\72\75\6e\00\00\0a\09\01\07\00\41\01\e7\02\00\0b")
  "illegal opcode")
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\0c\03\60\01\7f\01\7f\5d\00\60\00\01\7f\03\02\01\02\0d\03\01\00\00\07\07\01\03\72\75\6e\00\00\0a\0b\01\09\00\d2\00\e0\01\1a\41\01\0b")
  "illegal opcode")

;; Malformed text.
(assert_malformed
  (module quote "(tag $e) (type $f (func)) (type $k (cont $f)) (func on $e $k end)")
  "unexpected token")
(assert_malformed
  (module quote "(tag $e) (type $f (func)) (type $k (cont $f))"
    "(func handle block on $e $k end end)")
  "unexpected token")
(assert_malformed
  (module quote "(tag $e) (type $f (func)) (type $k (cont $f))"
    "(func (handle (on $e $k)))")
  "unexpected token")
(assert_malformed
  (module quote "(tag $e) (type $f (func)) (type $k (cont $f))"
    "(func (handle (do) (on $e)))")
  "unexpected token")
(assert_malformed
  (module quote "(type $f (func)) (type $k (cont $f)) (func (param (ref $k)) (resume $k (local.get 0)))")
  "unknown operator")
(assert_malformed
  (module quote "(type $f (func)) (type $k (cont $f)) (func (drop (cont.new $k (ref.null $f))))")
  "unknown operator")
(assert_malformed
  (module quote "(tag $e) (func (suspend $e))")
  "unknown operator")
(assert_malformed
  (module quote "(func (stack.release 0 (ref.null nostack)))")
  "unknown operator")
