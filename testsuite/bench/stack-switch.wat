;;! design = raw-stacks
;; Benchmark: `stack.switch` (raw-stacks), the equivalent of switch.wat.
;;
;; `run depth n live`: first parks `live` idle stacks (each switched to once and switched back
;; from, kept in a table), then switches to a new stack `$ping` that recurses until it is
;; `depth` frames deep and switches to `$pong` and back `n` times there; `$pong` switches
;; straight back. Returns n. One operation = one `stack.switch` (2n of them). Both loops are
;; unrolled ten times, so that the figure is the switch's, not the loop's
;; (`docs/performance.md`).
(module
  (rec (type $s (stack (param) (ref null $s))))
  (type $f (func (param (ref null $s))))
  (global $depth (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  (global $main (mut (ref null $s)) (ref.null $s))
  (global $other (mut (ref null $s)) (ref.null $s))
  (table $idle 0 (ref null $s))

  ;; At the bottom of the recursion: n round trips to $pong, ten to an iteration of the loop
  ;; (the remainder of n / 10 one by one first). The stack that comes back stays on the
  ;; operand stack for the next switch, as the loop's parameter.
  (func $body
    (local $i i32)
    (global.get $other)
    (local.set $i (i32.rem_u (global.get $n) (i32.const 10)))
    (if (param (ref null $s)) (result (ref null $s)) (local.get $i)
      (then
        (loop $one (param (ref null $s)) (result (ref null $s))
          (stack.switch $s)
          (br_if $one (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))))
    (local.set $i (i32.div_u (global.get $n) (i32.const 10)))
    (if (param (ref null $s)) (result (ref null $s)) (local.get $i)
      (then
        (loop $ten (param (ref null $s)) (result (ref null $s))
          (stack.switch $s) (stack.switch $s) (stack.switch $s) (stack.switch $s)
          (stack.switch $s) (stack.switch $s) (stack.switch $s) (stack.switch $s)
          (stack.switch $s) (stack.switch $s)
          (br_if $ten (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))))
    (global.set $other))

  (func $deep (param $d i32)
    (if (i32.le_s (local.get $d) (i32.const 1))
      (then (call $body))
      (else (call $deep (i32.sub (local.get $d) (i32.const 1))))))

  ;; $ping + (depth - 2) x $deep + $body = depth frames; then back to the main stack for good.
  (func $ping (type $f)
    (global.set $main (local.get 0))
    (global.set $other (stack.new $s $pong))
    (call $deep (i32.sub (global.get $depth) (i32.const 2)))
    (drop (stack.switch $s (global.get $main)))
    (unreachable))

  ;; Switches straight back, ten times to an iteration.
  (func $pong (type $f)
    (local.get 0)
    (loop $l (param (ref null $s))
      (stack.switch $s) (stack.switch $s) (stack.switch $s) (stack.switch $s)
      (stack.switch $s) (stack.switch $s) (stack.switch $s) (stack.switch $s)
      (stack.switch $s) (stack.switch $s)
      (br $l))
    (unreachable))

  ;; An idle stack: switches straight back, forever.
  (func $idle (type $f)
    (local $o (ref null $s))
    (local.set $o (local.get 0))
    (loop $l
      (local.set $o (stack.switch $s (local.get $o)))
      (br $l)))

  (func $park (param $live i32)
    (local $i i32)
    (drop (table.grow $idle (ref.null $s) (local.get $live)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $live)))
        (table.set $idle (local.get $i) (stack.switch $s (stack.new $s $idle)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  (func (export "run") (param $depth i32) (param $n i32) (param $live i32) (result i32)
    (call $park (local.get $live))
    (global.set $depth (local.get $depth))
    (global.set $n (local.get $n))
    (drop (stack.switch $s (stack.new $s $ping)))
    (local.get $n))
)
