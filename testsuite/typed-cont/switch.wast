;; switch: rules switch (the search), switch-handled, the kind-aware search, the shared
;; resume-null / resume-consumed checks, and validation.

(module
  (rec
    (type $fs (func (param i32 (ref null $ks)) (result i32)))
    (type $ks (cont $fs)))
  (type $fi (func (param i32) (result i32)))
  (type $ki (cont $fi))
  (type $f0 (func (result i32)))
  (type $k0 (cont $f0))

  (tag $sw (result i32))
  (tag $yield (param i32) (result i32))

  (global $trace (mut i32) (i32.const 0))
  (func $mark (param i32)
    (global.set $trace
      (i32.add (i32.mul (global.get $trace) (i32.const 10)) (local.get 0))))

  ;; switch-handled: two coroutines hand a counter back and forth.
  (func $a (type $fs) (param $n i32) (param $peer (ref null $ks)) (result i32)
    (call $mark (i32.const 1))
    (switch $ks $sw (i32.const 10) (cont.new $ks (ref.func $b)))
    (local.set $peer)
    (local.set $n)
    (call $mark (i32.const 3))
    (switch $ks $sw (i32.add (local.get $n) (i32.const 1)) (local.get $peer))
    (local.set $peer)
    (local.set $n)
    (call $mark (i32.const 5))
    (local.get $n))
  (func $b (type $fs) (param $n i32) (param $peer (ref null $ks)) (result i32)
    (call $mark (i32.const 2))
    (switch $ks $sw (i32.add (local.get $n) (i32.const 1)) (local.get $peer))
    (local.set $peer)
    (local.set $n)
    (call $mark (i32.const 4))
    (switch $ks $sw (i32.add (local.get $n) (i32.const 1)) (local.get $peer))
    (drop)
    (drop)
    (i32.const -1))
  (elem declare func $a $b)

  (func (export "ping-pong") (result i32)
    (global.set $trace (i32.const 0))
    (resume $ks (on $sw switch) (i32.const 0) (ref.null $ks) (cont.new $ks (ref.func $a))))
  (func (export "trace") (result i32) (global.get $trace))

  ;; switch-handled: the target's result is the result of the original resume.
  (func $returns-77 (type $fs) (param i32 (ref null $ks)) (result i32) (i32.const 77))
  (func $hand-over (type $fs) (param i32 (ref null $ks)) (result i32)
    (switch $ks $sw (i32.const 0) (cont.new $ks (ref.func $returns-77)))
    (drop)
    (drop)
    (i32.const -1))
  (elem declare func $returns-77 $hand-over)

  (func (export "target-returns") (result i32)
    (resume $ks (on $sw switch) (i32.const 0) (ref.null $ks) (cont.new $ks (ref.func $hand-over))))

  ;; switch-handled: the prompt keeps all its clauses, so the target may suspend to it.
  (func $asks (type $fs) (param $n i32) (param (ref null $ks)) (result i32)
    (i32.add (suspend $yield (local.get $n)) (i32.const 1)))
  (func $hand-to-asker (type $fs) (param i32 (ref null $ks)) (result i32)
    (switch $ks $sw (i32.const 40) (cont.new $ks (ref.func $asks)))
    (drop)
    (drop)
    (i32.const -1))
  (elem declare func $asks $hand-to-asker)

  (func (export "same-prompt") (result i32)
    (local $k (ref $ki))
    (block $on-yield (result i32 (ref $ki))
      (return
        (resume $ks (on $sw switch) (on $yield $on-yield)
          (i32.const 0) (ref.null $ks) (cont.new $ks (ref.func $hand-to-asker)))))
    (local.set $k)
    (resume $ki (local.get $k)))

  ;; switch: the search passes a suspend-kind clause for the same tag and finds the outer
  ;; switch-kind clause; the inner prompt travels inside the captured continuation.
  (func $echo (type $fs) (param $n i32) (param $back (ref null $ks)) (result i32)
    (switch $ks $sw (i32.add (local.get $n) (i32.const 1)) (local.get $back))
    (drop)
    (drop)
    (i32.const -1))
  (func $d (result i32)
    (switch $ks $sw (i32.const 7) (cont.new $ks (ref.func $echo)))
    (drop)
    (i32.add (i32.const 100)))
  (func $c (type $fs) (param i32 (ref null $ks)) (result i32)
    (block $wrong-kind (result (ref $ki))
      (return
        (i32.add (i32.const 1000)
          (resume $k0 (on $sw $wrong-kind) (cont.new $k0 (ref.func $d))))))
    (drop)
    (i32.const -1))
  (elem declare func $echo $d $c)

  (func (export "skip-wrong-kind") (result i32)
    (resume $ks (on $sw switch) (i32.const 0) (ref.null $ks) (cont.new $ks (ref.func $c))))

  ;; switch with only a suspend-kind clause for the tag: unhandled.
  (func (export "switch-vs-suspend-clause") (result i32)
    (block $h (result (ref $ki))
      (return (resume $k0 (on $sw $h) (cont.new $k0 (ref.func $d)))))
    (drop)
    (i32.const -1))

  ;; suspend with only a switch-kind clause for the tag: unhandled.
  (func $suspends-sw (type $fs) (param i32 (ref null $ks)) (result i32) (suspend $sw))
  (elem declare func $suspends-sw)
  (func (export "suspend-vs-switch-clause") (result i32)
    (resume $ks (on $sw switch) (i32.const 0) (ref.null $ks) (cont.new $ks (ref.func $suspends-sw))))

  ;; switch with no prompt at all.
  (func (export "switch-bare") (result i32)
    (switch $ks $sw (i32.const 0) (cont.new $ks (ref.func $returns-77)))
    (drop))

  ;; resume-null / resume-consumed for switch.
  (func $to-null (type $fs) (param i32 (ref null $ks)) (result i32)
    (switch $ks $sw (i32.const 0) (ref.null $ks))
    (drop))
  (func $to-consumed (type $fs) (param i32 (ref null $ks)) (result i32)
    (local $t (ref $ks))
    (local.set $t (cont.new $ks (ref.func $returns-77)))
    (drop (resume $ks (i32.const 0) (ref.null $ks) (local.get $t)))
    (switch $ks $sw (i32.const 0) (local.get $t))
    (drop))
  (elem declare func $to-null $to-consumed)
  (func (export "switch-null") (result i32)
    (resume $ks (on $sw switch) (i32.const 0) (ref.null $ks) (cont.new $ks (ref.func $to-null))))
  (func (export "switch-consumed") (result i32)
    (resume $ks (on $sw switch) (i32.const 0) (ref.null $ks) (cont.new $ks (ref.func $to-consumed))))

  ;; switch-handled consumes the target.
  (global $saved (mut (ref null $ks)) (ref.null $ks))
  (func $save-and-switch (type $fs) (param i32 (ref null $ks)) (result i32)
    (global.set $saved (cont.new $ks (ref.func $returns-77)))
    (switch $ks $sw (i32.const 0) (global.get $saved))
    (drop))
  (elem declare func $save-and-switch)
  (func (export "target-consumed") (result i32)
    (drop
      (resume $ks (on $sw switch)
        (i32.const 0) (ref.null $ks) (cont.new $ks (ref.func $save-and-switch))))
    (resume $ks (i32.const 0) (ref.null $ks) (global.get $saved)))
)

(assert_return (invoke "ping-pong") (i32.const 13))
(assert_return (invoke "trace") (i32.const 12345))
(assert_return (invoke "target-returns") (i32.const 77))
(assert_return (invoke "same-prompt") (i32.const 41))
(assert_return (invoke "skip-wrong-kind") (i32.const 1108))
(assert_suspension (invoke "switch-vs-suspend-clause") "unhandled")
(assert_suspension (invoke "suspend-vs-switch-clause") "unhandled")
(assert_suspension (invoke "switch-bare") "unhandled")
(assert_trap (invoke "switch-null") "null continuation reference")
(assert_trap (invoke "switch-consumed") "continuation already consumed")
(assert_trap (invoke "target-consumed") "continuation already consumed")

;; Validation.

(assert_invalid
  (module
    (rec
      (type $f (func (param (ref null $k))))
      (type $k (cont $f)))
    (tag $t (param i32))
    (func (param (ref $k))
      (switch $k $t (local.get 0))))
  "type mismatch in switch tag")

(assert_invalid
  (module
    (rec
      (type $f (func (param (ref null $k))))
      (type $k (cont $f)))
    (func (param (ref $k))
      (switch $k 0 (local.get 0))))
  "unknown tag")

(assert_invalid
  (module
    (rec
      (type $f (func (param (ref null $k))))
      (type $k (cont $f)))
    (tag $t)
    (func (param (ref $k))
      (switch $f $t (local.get 0))))
  "non-continuation type 0")

;; The target's last parameter must be a continuation reference.
(assert_invalid
  (module
    (type $f (func (param i32)))
    (type $k (cont $f))
    (tag $t)
    (func (param (ref $k))
      (switch $k $t (local.get 0))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $t)
    (func (param (ref $k))
      (switch $k $t (local.get 0))))
  "type mismatch")

;; The target's results must match the tag's results.
(assert_invalid
  (module
    (rec
      (type $f (func (param (ref null $k)) (result i64)))
      (type $k (cont $f)))
    (tag $t (result i32))
    (func (param (ref $k)) (result (ref null $k))
      (switch $k $t (local.get 0))))
  "type mismatch")

;; The switch's results are the parameters of the continuation handed to the target.
(assert_invalid
  (module
    (type $f0 (func))
    (type $k0 (cont $f0))
    (type $f1 (func (param (ref $k0))))
    (type $k1 (cont $f1))
    (tag $t)
    (func (param (ref $k1)) (result i32)
      (switch $k1 $t (local.get 0))))
  "type mismatch")

;; The arguments must match the target's leading parameters.
(assert_invalid
  (module
    (rec
      (type $f (func (param i32 (ref null $k))))
      (type $k (cont $f)))
    (tag $t)
    (func (param (ref $k))
      (switch $k $t (f64.const 0) (local.get 0))
      (drop) (drop)))
  "type mismatch")

;; (on $e switch): the tag's results must be the resume's results.
(assert_invalid
  (module
    (type $f (func (result i32)))
    (type $k (cont $f))
    (tag $t (result i64))
    (func (param (ref $k)) (result i32)
      (resume $k (on $t switch) (local.get 0))))
  "type mismatch")

(assert_invalid
  (module
    (type $f (func))
    (type $k (cont $f))
    (tag $t (param i32))
    (func (param (ref $k))
      (resume $k (on $t switch) (local.get 0))))
  "type mismatch")

;; A switch to a continuation that takes a different continuation type back.
(module
  (type $f0 (func))
  (type $k0 (cont $f0))
  (type $f1 (func (param i64 (ref $k0))))
  (type $k1 (cont $f1))
  (tag $t)
  (func (param (ref $k1))
    (switch $k1 $t (i64.const 1) (local.get 0)))
)
