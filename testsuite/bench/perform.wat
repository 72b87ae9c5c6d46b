;;! design = effect-handlers
;; Benchmark: `perform` / `continue` round trips (effect-handlers), the equivalent of
;; resume.wat.
;;
;; `run depth n live`: first parks `live` idle continuations (each performed once, kept in a
;; table), then runs a body under a handle block that recurses until it is `depth` frames deep
;; and performs `n` times there, ten to an iteration of a loop (so that the figure is the round
;; trip's, not the loop's: `docs/performance.md`); the handle's clause continues it at once.
;; Returns n. One round trip = one `perform` caught by the clause + one
;; `continue` (the clause's last instruction, so the handler is reinstalled in its place).
(module
  (type $f (func))
  (type $k (cont $f))
  (tag $yield)
  (global $depth (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  (table $idle 0 (ref null $k))

  ;; At the bottom of the recursion: n performs, ten to an iteration of the loop (the
  ;; remainder of n / 10 one by one first).
  (func $body
    (local $i i32)
    (local.set $i (i32.rem_u (global.get $n) (i32.const 10)))
    (if (local.get $i)
      (then
        (loop $one
          (perform $yield)
          (br_if $one (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))))
    (local.set $i (i32.div_u (global.get $n) (i32.const 10)))
    (if (local.get $i)
      (then
        (loop $ten
          (perform $yield) (perform $yield) (perform $yield) (perform $yield) (perform $yield)
          (perform $yield) (perform $yield) (perform $yield) (perform $yield) (perform $yield)
          (br_if $ten (local.tee $i (i32.sub (local.get $i) (i32.const 1))))))))

  (func $deep (param $d i32)
    (if (i32.le_s (local.get $d) (i32.const 1))
      (then (call $body))
      (else (call $deep (i32.sub (local.get $d) (i32.const 1))))))

  ;; $start + (depth - 2) x $deep + $body = depth frames.
  (func $start
    (call $deep (i32.sub (global.get $depth) (i32.const 2))))

  ;; An idle continuation: performs forever.
  (func $idle
    (loop $l (perform $yield) (br $l)))

  (func $park (param $live i32)
    (local $i i32)
    (local $c (ref null $k))
    (drop (table.grow $idle (ref.null $k) (local.get $live)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $live)))
        (handle
          (do (call $idle))
          (on $yield $k
            (local.set $c)
            (table.set $idle (local.get $i) (local.get $c))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  ;; The clause continues the continuation it receives at once: a round trip is the
  ;; `perform` and the `continue`.
  (func (export "run") (param $depth i32) (param $n i32) (param $live i32) (result i32)
    (call $park (local.get $live))
    (global.set $depth (local.get $depth))
    (global.set $n (local.get $n))
    (handle
      (do (call $start))
      (on $yield $k
        (continue $k)))
    (local.get $n))
)
