;; Pipes: stages that $send downstream and $receive from upstream, joined by a driver that
;; alternates between its two ends. A joined pipe is itself a stage: the inner driver handles
;; only its own ends, so the $send of its last stage passes through it to the outer driver.

(module
  (type $sf (func))
  (type $stage (cont $sf))
  (type $rf (func (param i32)))
  (type $reader (cont $rf))
  (type $nf (func (param i32)))
  (type $nk (cont $nf))
  (type $jf (func (param (ref $stage) (ref $stage))))
  (type $jk (cont $jf))

  (func $print (import "spectest" "print_i32") (param i32))
  (tag $send (param i32))
  (tag $receive (result i32))


  (global $total (mut i32) (i32.const 0))
  (global $switches (mut i32) (i32.const 0))

  ;; Runs the downstream end until it wants a value, then the upstream end until it sends
  ;; one, and so on. Stops as soon as either end finishes.
  (func $join (param $up (ref $stage)) (param $down (ref $stage))
    (local $producer (ref null $stage))
    (local $consumer (ref null $reader))
    (local $v i32)
    (block $on-receive (result (ref $reader))
      (resume $stage (on $receive $on-receive) (local.get $down))
      (return))
    (local.set $consumer)
    (local.set $producer (local.get $up))
    (loop $flow
      (block $on-send (result i32 (ref $stage))
        (resume $stage (on $send $on-send) (local.get $producer))
        (return))
      (local.set $producer)
      (local.set $v)
      (global.set $switches (i32.add (global.get $switches) (i32.const 1)))
      (block $on-receive-again (result (ref $reader))
        (resume $reader (on $receive $on-receive-again) (local.get $v) (local.get $consumer))
        (return))
      (local.set $consumer)
      (br $flow)))

  ;; Stages.
  (func $numbers (param $n i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.le_s (local.get $i) (local.get $n))
        (then
          (suspend $send (local.get $i))
          (br $l)))))
  (func $naturals
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (suspend $send (local.get $i))
      (br $l)))
  (func $squares
    (local $v i32)
    (loop $l
      (local.set $v (suspend $receive))
      (suspend $send (i32.mul (local.get $v) (local.get $v)))
      (br $l)))
  (func $take (param $k i32)
    (loop $l
      (if (local.get $k)
        (then
          (suspend $send (suspend $receive))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br $l)))))
  (func $tee
    (local $v i32)
    (loop $l
      (local.set $v (suspend $receive))
      (call $print (local.get $v))
      (suspend $send (local.get $v))
      (br $l)))
  (func $summer
    (loop $l
      (global.set $total (i32.add (global.get $total) (suspend $receive)))
      (br $l)))
  (elem declare func $join $numbers $naturals $squares $take $tee $summer)

  (func $joined (param $up (ref $stage)) (param $down (ref $stage)) (result (ref $stage))
    (cont.bind $jk $stage (local.get $up) (local.get $down) (cont.new $jk (ref.func $join))))
  (func $counted (param $f (ref $nf)) (param $n i32) (result (ref $stage))
    (cont.bind $nk $stage (local.get $n) (cont.new $nk (local.get $f))))
  (func $plain (param $f (ref $sf)) (result (ref $stage))
    (cont.new $stage (local.get $f)))

  (func $run (param $pipeline (ref $stage)) (result i32)
    (global.set $total (i32.const 0))
    (resume $stage (local.get $pipeline))
    (global.get $total))

  (func (export "sum-squares") (param $n i32) (result i32)
    (call $run
      (call $joined
        (call $joined (call $counted (ref.func $numbers) (local.get $n)) (call $plain (ref.func $squares)))
        (call $plain (ref.func $summer)))))

  (func (export "take-from-infinite") (param $k i32) (result i32)
    (call $run
      (call $joined
        (call $joined (call $plain (ref.func $naturals)) (call $counted (ref.func $take) (local.get $k)))
        (call $plain (ref.func $summer)))))

  ;; Joined the other way round: numbers | (squares | (tee | summer)). Prints 1 4 9 16 25.
  (func (export "right-nested") (result i32)
    (call $run
      (call $joined
        (call $counted (ref.func $numbers) (i32.const 5))
        (call $joined
          (call $plain (ref.func $squares))
          (call $joined (call $plain (ref.func $tee)) (call $plain (ref.func $summer)))))))

  ;; Four stages: squares of squares of the first 4 naturals taken from an endless source.
  (func (export "four-stages") (result i32)
    (call $run
      (call $joined
        (call $joined
          (call $joined (call $plain (ref.func $naturals)) (call $counted (ref.func $take) (i32.const 4)))
          (call $plain (ref.func $squares)))
        (call $joined (call $plain (ref.func $squares)) (call $plain (ref.func $summer))))))

  (func (export "switches") (result i32) (global.get $switches))
  (func (export "reset") (global.set $switches (i32.const 0)))

  ;; A stage run outside any pipe has nobody to receive from.
  (func (export "alone") (result i32)
    (call $run (call $plain (ref.func $summer))))
)

(assert_return (invoke "sum-squares" (i32.const 0)) (i32.const 0))
(assert_return (invoke "sum-squares" (i32.const 3)) (i32.const 14))
(assert_return (invoke "sum-squares" (i32.const 200)) (i32.const 2686700))
(assert_return (invoke "take-from-infinite" (i32.const 10)) (i32.const 55))
(assert_return (invoke "take-from-infinite" (i32.const 0)) (i32.const 0))
(assert_return (invoke "reset"))
(assert_return (invoke "right-nested") (i32.const 55))
;; Each of the 5 values crosses three joins: 15 hand-overs.
(assert_return (invoke "switches") (i32.const 15))
(assert_return (invoke "four-stages") (i32.const 354))
(assert_suspension (invoke "alone") "unhandled")
