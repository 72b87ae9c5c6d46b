;; xcheck fuzz finding 8: wasmtime crash (wasmtime)
;; expected: success
;; got:      crash exit 101: thread '<unnamed>' (740) panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/wasmtime-environ-48.0.8/src/types.rs:1338:24: | called `Option::unwrap()` on a `None` value
;; first seen in program seed 14793969897504901451; signature: wasmtime / crash / exit #: thread '<unnamed>' (#) panicked at | called `option::unwrap()` on a `non / 
(module
  (type $f1 (func (result i32)))
  (type $c1 (cont $f1))
  (type $f2 (func (param (ref null $c1)) (result i32)))
  (type $c2 (cont $f2))
  (type $f3 (func (param (ref null $c2)) (result i32)))
  (type $c3 (cont $f3))
  (tag $e (result i32))
  (func $second (param (ref null $c2)) (result i32) (i32.const -5))
  (func $first (result i32) (switch $c3 $e (cont.new $c3 (ref.func $second))) (drop) (i32.const -43))
  (elem declare func $first $second)
  (func (export "run") (result i32) (resume $c1 (on $e switch) (cont.new $c1 (ref.func $first)))))
(assert_return (invoke "run") (i32.const -5))
