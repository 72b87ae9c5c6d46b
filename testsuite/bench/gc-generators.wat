;; Abandoned generators (issue 14): each iteration makes a fresh generator, takes one value
;; from it and drops it. `run n` returns 7 n.
(module
  (type $ft (func))
  (type $ct (cont $ft))
  (tag $yield (param i32))
  (func $gen (suspend $yield (i32.const 7)) (unreachable))
  (elem declare func $gen)
  (func (export "run") (param $n i32) (result i32)
    (local $sum i32)
    (loop $l
      (block $on (result i32 (ref $ct))
        (resume $ct (on $yield $on) (cont.new $ct (ref.func $gen)))
        (unreachable))
      (drop)
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))
