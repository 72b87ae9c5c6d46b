;;! bulk_memory = true
;;! gc = true
;;! function_references = true
;;! stack_switching = true
;;! exceptions = false
;;! hogs_memory = true
;;! threads = false
;;! colour = "blue"
;; Other engines' header lines (wasmtime's `;;! key = value`): features Switchyard implements
;; are understood (and always on, so `exceptions = false` is a notice, not an error), a missing
;; feature turned off is fine, and any other key is a notice. None of them fails the script.
(module
  (type $f (func (result i32)))
  (type $c (cont $f))
  (tag $t (param i32))
  (func $body (result i32) (throw $t (i32.const 3)))
  (elem declare func $body)
  (func (export "run") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $t $h)
        (resume $c (cont.new $c (ref.func $body)))))))
(assert_return (invoke "run") (i32.const 3))
