;;! design = "raw-stacks"
;; Text and binary forms of raw-stacks (proposals/raw-stacks/README.md §2.2, §2.3, §3.1).

;; Flat and folded text; the worked example of the design document.
(module
  (rec
    (type $main (stack (param i32) (ref null $task)))
    (type $task (stack (param i32) (ref $main))))
  (func $inc (param $x i32) (param $back (ref $main))
    local.get $x
    i32.const 1
    i32.add
    local.get $back
    stack.switch_retire $main)
  (func (export "run") (result i32)
    i32.const 41
    stack.new $task $inc
    stack.switch $task
    drop))
(assert_return (invoke "run") (i32.const 42))

(module
  (rec
    (type $main (stack (param i32) (ref null $task)))
    (type $task (stack (param i32) (ref $main))))
  (func $inc (param $x i32) (param $back (ref $main))
    (stack.switch_retire $main (i32.add (local.get $x) (i32.const 1)) (local.get $back)))
  (func (export "run") (result i32)
    (stack.switch $task (i32.const 41) (stack.new $task $inc))
    (drop)))
(assert_return (invoke "run") (i32.const 42))

;; Numeric indices, several (param) groups, an empty parameter list, sub/final.
(module
  (rec
    (type (stack (param) (param i32) (param) (ref null 1)))
    (type (sub final (stack (ref 0)))))
  (func (param i32 (ref null 1)))
  (func (export "mk") (result i32)
    (ref.is_null (stack.new 0 0))))
(assert_return (invoke "mk") (i32.const 0))

;; Abstract heap types and shorthands.
(module
  (func (export "null") (result i32)
    (local $a stackref) (local $b nullstackref) (local $c (ref null stack)) (local $d (ref null nostack))
    (local.set $a (ref.null stack))
    (local.set $b (ref.null nostack))
    (local.set $c (local.get $b))
    (local.set $d (ref.null nostack))
    (i32.add
      (i32.add (ref.is_null (local.get $a)) (ref.is_null (local.get $b)))
      (i32.add (ref.is_null (local.get $c)) (ref.is_null (local.get $d))))))
(assert_return (invoke "null") (i32.const 4))

;; Binary: the worked example, byte for byte.
;; types: rec{0: stack (i32) (ref null 1) = 5C 01 7F 63 01; 1: stack (i32) (ref 0) = 5C 01 7F 64 00}
;; $inc: local.get 0, i32.const 1, i32.add, local.get 1, stack.switch_retire 0 (E7 03 00)
;; run: i32.const 41, stack.new 1 0 (E7 00 01 00), stack.switch 1 (E7 02 01), drop
(module binary "\00\61\73\6d\01\00\00\00\01\17\03\4e\02\5c\01\7f\63\01\5c\01\7f\64\00\60\02\7f\64\00\00\60\00\01\7f\03\03\02\02\03\07\07\01\03\72\75\6e\00\01\0a\1b\02\0c\00\20\00\41\01\6a\20\01\e7\03\00\0b\0c\00\41\29\e7\00\01\00\e7\02\01\1a\0b")
(assert_return (invoke "run") (i32.const 42))

;; Sub-opcodes are u32 LEB128: non-minimal encodings (E7 80 00 ..., E7 82 00 ...) are accepted.
(module binary "\00\61\73\6d\01\00\00\00\01\17\03\4e\02\5c\01\7f\63\01\5c\01\7f\64\00\60\02\7f\64\00\00\60\00\01\7f\03\03\02\02\03\07\07\01\03\72\75\6e\00\01\0a\1d\02\0c\00\20\00\41\01\6a\20\01\e7\03\00\0b\0e\00\41\29\e7\80\00\01\00\e7\82\00\01\1a\0b")
(assert_return (invoke "run") (i32.const 42))

;; Sub-opcode 7 is not assigned.
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\17\03\4e\02\5c\01\7f\63\01\5c\01\7f\64\00\60\02\7f\64\00\00\60\00\01\7f\03\03\02\02\03\07\07\01\03\72\75\6e\00\01\0a\17\02\0c\00\20\00\41\01\6a\20\01\e7\03\00\0b\08\00\41\29\e7\07\01\1a\0b")
  "illegal opcode")

;; The typed-cont opcodes (0xE0-0xE6) and the effect-handlers prefix (0xE8) do not exist here.
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\17\03\4e\02\5c\01\7f\63\01\5c\01\7f\64\00\60\02\7f\64\00\00\60\00\01\7f\03\03\02\02\03\07\07\01\03\72\75\6e\00\01\0a\16\02\0c\00\20\00\41\01\6a\20\01\e7\03\00\0b\07\00\41\29\e0\01\1a\0b")
  "illegal opcode")
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\17\03\4e\02\5c\01\7f\63\01\5c\01\7f\64\00\60\02\7f\64\00\00\60\00\01\7f\03\03\02\02\03\07\07\01\03\72\75\6e\00\01\0a\16\02\0c\00\20\00\41\01\6a\20\01\e7\03\00\0b\07\00\e8\00\00\41\00\0b")
  "illegal opcode")

;; Abstract heap types: 0x5B stack, 0x5A nostack (as one-byte reference types and after 0x63).
(module binary "\00\61\73\6d\01\00\00\00\01\05\01\60\00\01\7f\03\02\01\00\07\08\01\04\6e\75\6c\6c\00\00\0a\17\01\15\02\01\5b\01\5a\d0\5b\21\00\d0\5a\21\01\20\00\d1\20\01\d1\6a\0b")
(assert_return (invoke "null") (i32.const 2))
(module binary "\00\61\73\6d\01\00\00\00\01\09\01\60\02\63\5b\63\5a\01\7f\03\02\01\00\07\0a\01\06\69\73\6e\75\6c\6c\00\00\0a\0b\01\09\00\20\00\d1\20\01\d1\6a\0b")
(assert_return (invoke "isnull" (ref.null stack) (ref.null nostack)) (i32.const 2))

;; Malformed text.
(assert_malformed
  (module quote "(type $s (stack (param $x i32) (ref null $s)))")
  "unexpected token")
(assert_malformed
  (module quote "(type $s (stack (param i32)))")
  "unexpected token")
(assert_malformed
  (module quote "(type $s (stack (ref null $s) (ref null $s)))")
  "unexpected token")
(assert_malformed
  (module quote "(type $s (stack (ref null $s) (param i32)))")
  "unexpected token")
(assert_malformed
  (module quote "(type $f (func)) (type $k (cont $f))")
  "unexpected token")
(assert_malformed
  (module quote "(func (resume 0))")
  "unknown operator")
(assert_malformed
  (module quote "(tag $e) (func (perform $e))")
  "unknown operator")
(assert_malformed
  (module quote "(type $s (stack (ref null $s))) (func (param (ref null $s)) (stack.yield $s (local.get 0)))")
  "unknown operator")
