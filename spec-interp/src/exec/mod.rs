//! Execution (spec chapter 4): the store, instantiation, and the small-step reduction over an
//! explicit configuration.

pub mod numeric;

use std::rc::Rc;

use crate::design::Design;
use crate::diag::{Error, Result};
use crate::runtime::{Addr, Val};
use crate::syntax::Module;

/// Resource budgets and switches of a run.
#[derive(Clone, Debug)]
pub struct Config {
    pub design: Design,
    /// Maximum number of nested activations (frames) on one thread, across all stacks.
    pub max_call_depth: usize,
    /// Maximum number of reduction steps of one invocation; `None`: unlimited.
    pub fuel: Option<u64>,
    /// Maximum number of live continuations / stacks.
    pub max_live_conts: usize,
    /// Print every reduction step's rule name and the top of the configuration to stderr.
    pub trace: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            design: Design::TypedCont,
            max_call_depth: 100_000,
            fuel: Some(10_000_000_000),
            max_live_conts: 1_000_000,
            trace: false,
        }
    }
}

/// An external value (4.2.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternVal {
    Func(Addr),
    Table(Addr),
    Mem(Addr),
    Global(Addr),
    Tag(Addr),
}

/// The store (4.2.3) and everything a run needs.
pub struct Store {
    pub config: Config,
}

impl Store {
    pub fn new(config: Config) -> Store {
        Store { config }
    }

    /// The export `name` of module instance `module`.
    pub fn export(&self, module: Addr, name: &str) -> Option<ExternVal> {
        let _ = (module, name);
        None
    }

    /// The current value of global `addr`.
    pub fn global_value(&self, addr: Addr) -> Val {
        let _ = addr;
        Val::I32(0)
    }
}

/// Instantiates a validated module with its imports (in import order); runs its start function.
pub fn instantiate(store: &mut Store, module: Rc<Module>, imports: &[ExternVal]) -> Result<Addr> {
    let _ = (store, module, imports);
    Err(Error::crash("executor not written yet"))
}

/// Invokes function `func` with `args`.
pub fn invoke(store: &mut Store, func: Addr, args: Vec<Val>) -> Result<Vec<Val>> {
    let _ = (store, func, args);
    Err(Error::crash("executor not written yet"))
}
