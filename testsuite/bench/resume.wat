;; Benchmark: suspend/resume round trips (typed-cont).
;;
;; `run depth n live`: first parks `live` idle continuations (each suspended once, kept in a
;; table), then starts one continuation that recurses until it is `depth` frames deep and
;; suspends `n` times there; the driver below it resumes it after each suspension, listing its
;; handler again each time. Returns n.
;; One round trip = one `suspend` caught by the driver's handler + one `resume`.
(module
  (type $f (func))
  (type $k (cont $f))
  (tag $yield)
  (global $depth (mut i32) (i32.const 0))
  (global $n (mut i32) (i32.const 0))
  (table $idle 0 (ref null $k))
  (elem declare func $start $idle)

  ;; At the bottom of the recursion: n suspensions. The loop around them is as small as Wasm
  ;; allows (5 ordinary steps per suspension), so that the figure is the round trip's.
  (func $body
    (local $i i32)
    (local.set $i (global.get $n))
    (if (local.get $i)
      (then
        (loop $l
          (suspend $yield)
          (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1))))))))

  ;; d frames of $deep above the caller, then $body.
  (func $deep (param $d i32)
    (if (i32.le_s (local.get $d) (i32.const 1))
      (then (call $body))
      (else (call $deep (i32.sub (local.get $d) (i32.const 1))))))

  ;; The continuation's function: $start + (depth - 2) x $deep + $body = depth frames.
  (func $start
    (call $deep (i32.sub (global.get $depth) (i32.const 2))))

  ;; An idle continuation: suspends forever.
  (func $idle
    (loop $l (suspend $yield) (br $l)))

  (func $park (param $live i32)
    (local $i i32)
    (drop (table.grow $idle (ref.null $k) (local.get $live)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $live)))
        (table.set $idle (local.get $i)
          (block $h (result (ref $k))
            (resume $k (on $yield $h) (cont.new $k (ref.func $idle)))
            (unreachable)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))

  ;; The driver: 4 ordinary steps per resumption (the handler's label, the loop back, the
  ;; continuation in and out of a local).
  (func (export "run") (param $depth i32) (param $n i32) (param $live i32) (result i32)
    (local $c (ref null $k))
    (call $park (local.get $live))
    (global.set $depth (local.get $depth))
    (global.set $n (local.get $n))
    (local.set $c (cont.new $k (ref.func $start)))
    (block $finished
      (loop $l
        (block $h (result (ref $k))
          (resume $k (on $yield $h) (local.get $c))
          (br $finished))
        (local.set $c)
        (br $l)))
    (local.get $n))
)
