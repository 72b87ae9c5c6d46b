;; Benchmark: `switch` between two continuations (typed-cont).
;;
;; `run depth n live`: parks `live` idle continuations (as in resume.wat), then resumes $ping
;; under an `(on $sw switch)` handler with $pong as its argument. $ping recurses until it is
;; `depth` frames deep and switches to the other continuation `n` times; $pong (one frame)
;; switches straight back each time. Returns n; 2n switches happen. Both loops are unrolled ten
;; times, so that the figure is the switch's, not the loop's (`docs/performance.md`).
(module
  (rec
    (type $f (func (param (ref null $k))))
    (type $k (cont $f)))
  (type $f0 (func))
  (type $k0 (cont $f0))
  (tag $sw)
  (tag $yield)
  (global $depth (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  (global $other (mut (ref null $k)) (ref.null $k))
  (table $idle 0 (ref null $k0))
  (elem declare func $ping $pong $idle)

  ;; At the bottom of $ping's recursion: n switches to the other continuation, ten to an
  ;; iteration of the loop (the remainder of n / 10 one by one first). The continuation that
  ;; comes back stays on the stack for the next switch, as the loop's parameter.
  (func $body
    (local $i i32)
    (global.get $other)
    (global.set $other (ref.null $k))
    (local.set $i (i32.rem_u (global.get $n) (i32.const 10)))
    (if (param (ref null $k)) (result (ref null $k)) (local.get $i)
      (then
        (loop $one (param (ref null $k)) (result (ref null $k))
          (switch $k $sw)
          (br_if $one (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))))
    (local.set $i (i32.div_u (global.get $n) (i32.const 10)))
    (if (param (ref null $k)) (result (ref null $k)) (local.get $i)
      (then
        (loop $ten (param (ref null $k)) (result (ref null $k))
          (switch $k $sw) (switch $k $sw) (switch $k $sw) (switch $k $sw) (switch $k $sw)
          (switch $k $sw) (switch $k $sw) (switch $k $sw) (switch $k $sw) (switch $k $sw)
          (br_if $ten (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))))
    (drop))

  (func $deep (param $d i32)
    (if (i32.le_s (local.get $d) (i32.const 1))
      (then (call $body))
      (else (call $deep (i32.sub (local.get $d) (i32.const 1))))))

  ;; $ping + (depth - 2) x $deep + $body = depth frames.
  (func $ping (type $f)
    (global.set $other (local.get 0))
    (call $deep (i32.sub (global.get $depth) (i32.const 2))))

  ;; Switches straight back, ten times to an iteration.
  (func $pong (type $f)
    (local.get 0)
    (loop $l (param (ref null $k))
          (switch $k $sw) (switch $k $sw) (switch $k $sw) (switch $k $sw) (switch $k $sw)
          (switch $k $sw) (switch $k $sw) (switch $k $sw) (switch $k $sw) (switch $k $sw)
      (br $l))
    (unreachable))

  (func $idle
    (loop $l (suspend $yield) (br $l)))

  (func $park (param $live i32)
    (local $i i32)
    (drop (table.grow $idle (ref.null $k0) (local.get $live)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $live)))
        (table.set $idle (local.get $i)
          (block $h (result (ref $k0))
            (resume $k0 (on $yield $h) (cont.new $k0 (ref.func $idle)))
            (unreachable)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  (func (export "run") (param $depth i32) (param $n i32) (param $live i32) (result i32)
    (call $park (local.get $live))
    (global.set $depth (local.get $depth))
    (global.set $n (local.get $n))
    (resume $k (on $sw switch)
      (cont.new $k (ref.func $pong))
      (cont.new $k (ref.func $ping)))
    (local.get $n))
)
