;; Live continuations (issue 14): `run n` keeps n generators alive, each suspended at its
;; first yield with one frame, in an array. Returns n.
(module
  (type $ft (func))
  (type $ct (cont $ft))
  (type $gens (array (mut (ref null $ct))))
  (tag $yield (param i32))
  (global $keep (mut (ref null $gens)) (ref.null $gens))
  (func $gen (local $i i32)
    (loop $l
      (suspend $yield (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
  (elem declare func $gen)
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $k (ref null $ct))
    (global.set $keep (array.new_default $gens (local.get $n)))
    (loop $l
      (block $on (result i32 (ref $ct))
        (resume $ct (on $yield $on) (cont.new $ct (ref.func $gen)))
        (unreachable))
      (local.set $k)
      (drop)
      (array.set $gens (global.get $keep) (local.get $i) (local.get $k))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))
    (local.get $i)))
