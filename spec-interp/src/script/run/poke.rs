//! The no-crash check: an outcome `crash` means the interpreter met a state that validation
//! should have ruled out, so no valid program may reach one. `crash_check` runs a script twice:
//! once as written, and once with every freshly instantiated module *poked*: each exported
//! function is invoked at once with default arguments (zeros and nulls) under a small fuel
//! budget. The poked run reaches states the script's own directives never do (functions called
//! out of order, with zero sizes and null references, on half-initialised state); its results
//! are not compared with anything, only searched for crashes.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::rc::Rc;

use super::{files, run_file, run_script_in, Engine, RunOptions, Switchyard, SCRIPT_STACK_SIZE};
use crate::diag::{ErrorKind, Result};
use crate::exec::{self, step::default_val, ExternVal};
use crate::runtime::{Addr, Val};
use crate::script::ModuleSource;
use crate::syntax::{Module, ValType};
use crate::text;

/// Steps one poke may take: enough for the suites' small functions, small enough that a
/// function that loops on a zero argument costs milliseconds.
pub const POKE_FUEL: u64 = 200_000;

/// Switchyard, invoking every export of each module right after instantiating it.
pub struct Poke {
    pub inner: Switchyard,
    /// One line per crash: the export and the crash's message.
    pub crashes: Vec<String>,
}

impl Poke {
    /// Invokes each exported function of `inst` whose parameters all have a default value.
    fn poke(&mut self, inst: Addr) {
        let store = &mut self.inner.store;
        for (name, export) in store.exports(inst) {
            let ExternVal::Func(f) = export else { continue };
            let Some(params) = store
                .rtt
                .func_type(store.funcs[f as usize].ty())
                .map(|ft| ft.params.clone())
            else {
                continue;
            };
            // A non-nullable reference has no default value to pass.
            if params
                .iter()
                .any(|t| matches!(t, ValType::Ref(r) if !r.nullable))
            {
                continue;
            }
            let args: Vec<Val> = params.iter().map(|&t| default_val(store, t)).collect();
            let fuel = store.config.fuel;
            store.config.fuel = Some(POKE_FUEL.min(fuel.unwrap_or(u64::MAX)));
            let result = panic::catch_unwind(AssertUnwindSafe(|| exec::invoke(store, f, args)));
            store.config.fuel = fuel;
            match result {
                Ok(Err(err)) if err.kind == ErrorKind::Crash => self
                    .crashes
                    .push(format!("poking export \"{name}\": crash: {}", err.message)),
                Err(payload) => self.crashes.push(format!(
                    "poking export \"{name}\": crash: {}",
                    super::panic_message(payload.as_ref())
                )),
                _ => {}
            }
        }
    }
}

impl Engine for Poke {
    type Module = Rc<Module>;
    type Instance = Addr;

    fn parse(&mut self, source: &ModuleSource) -> Result<Rc<Module>> {
        self.inner.parse(source)
    }
    fn validate(&mut self, module: &Rc<Module>) -> Result<()> {
        self.inner.validate(module)
    }
    fn instantiate(
        &mut self,
        module: &Rc<Module>,
        resolve: &dyn Fn(&str) -> Option<Addr>,
    ) -> Result<Addr> {
        let inst = self.inner.instantiate(module, resolve)?;
        self.poke(inst);
        Ok(inst)
    }
    fn invoke(&mut self, instance: Addr, name: &str, args: Vec<Val>) -> Result<Vec<Val>> {
        self.inner.invoke(instance, name, args)
    }
    fn get(&mut self, instance: Addr, name: &str) -> Result<Val> {
        self.inner.get(instance, name)
    }
    fn host_instances(&mut self) -> Result<Vec<(String, Addr)>> {
        self.inner.host_instances()
    }
}

/// Every crash of the script at `path`, in its plain run and in its poked run, as
/// `line N: message` (empty: none).
pub fn crash_check(path: &Path) -> Vec<String> {
    let options = RunOptions::default();
    let report = run_file(path, &options);
    let mut crashes: Vec<String> = report
        .outcomes
        .iter()
        .filter(|o| o.actual.starts_with("crash"))
        .map(|o| format!("line {}: {} {}", o.line, o.kind, o.actual))
        .collect();
    let Some(design) = report.design else {
        return crashes;
    };
    let src = report.source.clone();
    // `input` files are read next to the script, as in the plain run.
    let context = super::ScriptContext {
        dir: path.parent().map(Path::to_path_buf),
        design,
        name: Some(path.display().to_string()),
    };
    let poked = std::thread::Builder::new()
        .name(format!("poke {}", path.display()))
        .stack_size(SCRIPT_STACK_SIZE)
        .spawn(move || {
            let Ok(headers) = files::script_headers(&src) else {
                return vec![];
            };
            let Ok(script) = text::parse_script(&src, design) else {
                return vec![];
            };
            let config = super::config(design, &headers, &options);
            let mut engine = Poke {
                inner: Switchyard::new(config),
                crashes: vec![],
            };
            let outcomes = run_script_in(&mut engine, &script, &src, &context);
            let mut found: Vec<String> = outcomes
                .iter()
                .filter(|o| o.actual.starts_with("crash"))
                .map(|o| format!("line {} (poked run): {} {}", o.line, o.kind, o.actual))
                .collect();
            found.extend(engine.crashes);
            found
        });
    match poked.map(|h| h.join()) {
        Ok(Ok(found)) => crashes.extend(found),
        Ok(Err(payload)) => crashes.push(format!(
            "poked run: crash: {}",
            super::panic_message(payload.as_ref())
        )),
        Err(err) => crashes.push(format!("poked run: cannot start a thread: {err}")),
    }
    crashes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::Design;
    use crate::script::run::run_script;

    /// Poking invokes each export with default arguments right after instantiation, and skips
    /// exports whose parameters have no default.
    #[test]
    fn pokes_every_export() {
        let src = r#"
(module
  (type $s (struct))
  (global (export "g") (mut i32) (i32.const 0))
  (func (export "bump") (param i32 i64 funcref)
    (global.set 0 (i32.add (global.get 0) (i32.const 1))))
  (func (export "needs-ref") (param (ref $s))
    (global.set 0 (i32.const 100))))
"#;
        let script = text::parse_script(src, Design::TypedCont).expect("parses");
        let mut engine = Poke {
            inner: Switchyard::new(exec::Config::default()),
            crashes: vec![],
        };
        let outcomes = run_script(&mut engine, &script, src);
        assert!(outcomes.iter().all(|o| !o.actual.starts_with("crash")));
        assert!(engine.crashes.is_empty());
        let inst = engine.inner.store.modules.len() as Addr - 1;
        assert_eq!(engine.inner.get(inst, "g").ok(), Some(Val::I32(1)));
    }
}
