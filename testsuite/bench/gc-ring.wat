;; An actor ring (issue 14): `run p n` makes p processes, each a continuation that receives a
;; message (a structure), and sends on a new one holding the value plus one; n messages go
;; round the ring. Returns n. Each message is garbage after its hop.
(module
  (type $msg (struct (field i32)))
  (type $pf (func (param (ref $msg))))
  (type $pc (cont $pf))
  (type $procs (array (mut (ref null $pc))))
  (tag $send (param (ref $msg)) (result (ref $msg)))
  (func $process (param $m (ref $msg))
    (loop $l
      (local.set $m
        (suspend $send (struct.new $msg (i32.add (struct.get $msg 0 (local.get $m))
                                                 (i32.const 1)))))
      (br $l)))
  (elem declare func $process)
  (func (export "run") (param $p i32) (param $n i32) (result i32)
    (local $ps (ref null $procs)) (local $i i32) (local $m (ref null $msg))
    (local $k (ref null $pc))
    (local.set $ps (array.new_default $procs (local.get $p)))
    (loop $fill
      (array.set $procs (local.get $ps) (local.get $i) (cont.new $pc (ref.func $process)))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $p))))
    (local.set $i (i32.const 0))
    (local.set $m (struct.new $msg (i32.const 0)))
    (loop $l
      (block $on (result (ref $msg) (ref $pc))
        (resume $pc (on $send $on)
          (ref.as_non_null (local.get $m))
          (array.get $procs (local.get $ps) (local.get $i)))
        (unreachable))
      (local.set $k)
      (local.set $m)
      (array.set $procs (local.get $ps) (local.get $i) (local.get $k))
      (local.set $i (i32.rem_u (i32.add (local.get $i) (i32.const 1)) (local.get $p)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (struct.get $msg 0 (local.get $m))))
