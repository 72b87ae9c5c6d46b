;; Dropped structures (issue 14): `run n` allocates n structures and drops each at once;
;; returns n.
(module
  (type $box (struct (field i32)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (drop (struct.new $box (local.get $i)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))
    (local.get $i)))
