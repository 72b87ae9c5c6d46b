;; xcheck fuzz finding 3: v8 rejected valid module (v8)
;; expected: success
;; got:      invalid WebAssembly.Module(): Compiling function #1 failed: resume_throw_ref[0] expected type exnref, found local.get of type (ref null 3) @+176
;; first seen in program seed 15401519135024594858; signature: v8 / rejected-valid / webassembly.module(): compiling function ## failed: resume_throw_ref[#] expected / 
(module
  (type $f (func (result i32)))
  (type $c (cont $f))
  (type $fy (func (param i32) (result i32)))
  (type $cy (cont $fy))
  (tag $y (param i32) (result i32))
  (tag $x (param i32))
  (func $body (type $f) (local $acc i32)
    (local.set $acc (i32.const 0))
    (local.set $acc (suspend $y (local.get $acc)))
    (local.get $acc))
  (elem declare func $body)
  (func (export "run") (result i32)
    (local $mode i32) (local $r i32) (local $ny i32) (local $nt i32) (local $ky (ref null $cy)) (local $tmp (ref null $cy)) (local $q i32)
    (block $end
      (local.set $r (i32.add (i32.const 5) (block $caught (result i32)
        (try_table (catch $x $caught)
          (block $done
            (loop $l
              (block $oy (result i32 (ref $cy))
                (if (i32.eq (local.get $mode) (i32.const 0)) (then (local.set $r (resume $c (on $y $oy) (cont.new $c (ref.func $body)))) (br $done)))
                (if (i32.eq (local.get $mode) (i32.const 1)) (then (local.set $r (resume $cy (on $y $oy) (local.get $q) (local.get $ky))) (br $done)))
                (if (i32.eq (local.get $mode) (i32.const 3)) (then (local.set $r (resume_throw_ref $cy (on $y $oy) (block $mk (result exnref) (try_table (catch_all_ref $mk) (throw $x (i32.const 0))) (unreachable)) (local.get $ky))) (br $done)))
                (unreachable))
              (local.set $ky)
              (local.set $q (i32.add (i32.mul (i32.const 3)) (i32.const 1)))
              (local.set $ny (i32.add (local.get $ny) (i32.const 1)))
              (local.set $mode (select (i32.const 3) (i32.const 1) (i32.eq (local.get $ny) (i32.const 1)))) (br $l)))
          )
          (br $end)))))
    (i32.add (local.get $r) (i32.add (i32.mul (local.get $nt) (i32.const 100)) (i32.mul (local.get $ny) (i32.const 10000)))))
)
(assert_return (invoke "run") (i32.const 10005))
