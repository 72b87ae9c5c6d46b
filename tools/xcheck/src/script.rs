//! Reading a `.wast` script into the list of directives every engine adapter replays.
//!
//! Parsing and encoding go through the `wast` crate (the same one wasmtime uses), so the modules
//! handed to JS engines are the binaries a standard toolchain makes from the text. Each directive
//! keeps its byte range in the source, so the CLI adapters can write scripts that contain only
//! some of the original directives at their original line numbers.

use std::collections::HashMap;
use wast::core::{AbstractHeapType, HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastRet, Wat};

/// One parsed script.
#[derive(Clone, Debug)]
pub struct Script {
    pub path: String,
    pub source: String,
    pub directives: Vec<Directive>,
}

/// One top-level directive of a script.
#[derive(Clone, Debug)]
pub struct Directive {
    pub index: usize,
    /// 1-based line of the directive's opening parenthesis.
    pub line: usize,
    /// `module`, `register`, `invoke`, `assert_return`, ...
    pub kind: &'static str,
    /// Byte range of the whole directive `( ... )` in the source.
    pub start: usize,
    pub end: usize,
    pub expect: Expect,
    pub step: Step,
    /// Directives (by index) that created the instances or definitions this one needs.
    pub deps: Vec<usize>,
    /// Earlier directives (by index) whose effects this one may observe: instantiations and
    /// invocations on the instances linked with the one it acts on, when those hold state
    /// (mutable globals, memories, tables, passive segments). If one of them did not run, this
    /// directive's outcome is not comparable.
    pub state: Vec<usize>,
}

/// What the script says should happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// A module is instantiated, a name registered, or an action runs: no expectation beyond
    /// "no error".
    Success,
    Return(Vec<RetPat>),
    Trap(String),
    Exhaustion(String),
    Exception,
    Suspension(String),
    Invalid(String),
    Malformed(String),
    Unlinkable(String),
}

impl Expect {
    pub fn category(&self) -> crate::outcome::Category {
        use crate::outcome::Category as C;
        match self {
            Expect::Success => C::Success,
            Expect::Return(_) => C::Return,
            Expect::Trap(_) => C::Trap,
            Expect::Exhaustion(_) => C::Exhaustion,
            Expect::Exception => C::Exception,
            Expect::Suspension(_) => C::Suspension,
            Expect::Invalid(_) => C::Invalid,
            Expect::Malformed(_) => C::Malformed,
            Expect::Unlinkable(_) => C::Unlinkable,
        }
    }

    /// Short text for reports: `trap "unreachable"`, `return i32:1 i32:2`.
    pub fn describe(&self) -> String {
        match self {
            Expect::Success => "success".into(),
            Expect::Return(pats) => {
                let vals: Vec<String> = pats.iter().map(RetPat::describe).collect();
                if vals.is_empty() {
                    "return".into()
                } else {
                    format!("return {}", vals.join(" "))
                }
            }
            Expect::Trap(m) => format!("trap {m:?}"),
            Expect::Exhaustion(m) => format!("exhaustion {m:?}"),
            Expect::Exception => "exception".into(),
            Expect::Suspension(m) => format!("suspension {m:?}"),
            Expect::Invalid(m) => format!("invalid {m:?}"),
            Expect::Malformed(m) => format!("malformed {m:?}"),
            Expect::Unlinkable(m) => format!("unlinkable {m:?}"),
        }
    }
}

/// What a directive does, in the terms of the engine interface (validate, instantiate,
/// invoke, register).
#[derive(Clone, Debug)]
pub enum Step {
    /// Compile (and, unless `definition`, instantiate) a module. `binary` is what the `wast`
    /// crate encoded, or why it could not.
    Module {
        id: Option<String>,
        definition: bool,
        binary: Result<Vec<u8>, String>,
        quoted: bool,
    },
    /// `(module instance $i $d)`
    Instance {
        id: Option<String>,
        definition: Option<usize>,
    },
    /// `(register "name" $m?)`: `instance` is the directive that made the instance.
    Register {
        name: String,
        instance: Option<usize>,
    },
    Invoke {
        instance: Option<usize>,
        name: String,
        args: Vec<Arg>,
    },
    Get {
        instance: Option<usize>,
        name: String,
    },
    /// A directive the harness does not run (threads).
    Unsupported(String),
}

/// An argument constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// `ref.null`: the heap type's family (`func`, `extern`, `any`, `exn`, `cont`...).
    RefNull(String),
    RefExtern(u32),
    RefHost(u32),
    /// v128 and anything else the JS API cannot pass.
    Unsupported(String),
}

/// An expected result.
#[derive(Clone, Debug, PartialEq)]
pub enum RetPat {
    I32(i32),
    I64(i64),
    F32(Option<u32>),
    F64(Option<u64>),
    /// `ref.null ht?`
    RefNull,
    RefExtern(Option<u32>),
    RefHost(u32),
    /// `ref.func`, `ref.struct`, `ref.any`...: a non-null reference of that kind.
    RefKind(&'static str),
    Either(Vec<RetPat>),
    Unsupported(String),
}

impl RetPat {
    pub fn describe(&self) -> String {
        match self {
            RetPat::I32(v) => format!("i32:{v}"),
            RetPat::I64(v) => format!("i64:{v}"),
            RetPat::F32(Some(b)) => format!("f32:{}", f32::from_bits(*b)),
            RetPat::F64(Some(b)) => format!("f64:{}", f64::from_bits(*b)),
            RetPat::F32(None) => "f32:nan".into(),
            RetPat::F64(None) => "f64:nan".into(),
            RetPat::RefNull => "ref.null".into(),
            RetPat::RefExtern(Some(n)) => format!("ref.extern:{n}"),
            RetPat::RefExtern(None) => "ref.extern".into(),
            RetPat::RefHost(n) => format!("ref.host:{n}"),
            RetPat::RefKind(k) => format!("ref.{k}"),
            RetPat::Either(ps) => {
                let alts: Vec<String> = ps.iter().map(RetPat::describe).collect();
                format!("either({})", alts.join("|"))
            }
            RetPat::Unsupported(what) => what.clone(),
        }
    }
}

/// Reads and parses a script file.
pub fn load(path: &str) -> Result<Script, String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    parse(path, source)
}

/// Parses a script; a file the `wast` crate cannot parse is an error for the whole file.
pub fn parse(path: &str, source: String) -> Result<Script, String> {
    let directives = {
        let buf = ParseBuffer::new(&source).map_err(|e| render(e, path, &source))?;
        let wast = parser::parse::<Wast>(&buf).map_err(|e| render(e, path, &source))?;
        let mut scope = Scope {
            closes: closing_parens(&source),
            ..Scope::default()
        };
        let mut out = Vec::new();
        for (index, directive) in wast.directives.into_iter().enumerate() {
            out.push(scope.directive(index, directive, &source));
        }
        scope.state_dependencies(&mut out);
        out
    };
    Ok(Script {
        path: path.to_string(),
        source,
        directives,
    })
}

fn render(mut e: wast::Error, path: &str, source: &str) -> String {
    e.set_path(std::path::Path::new(path));
    e.set_text(source);
    e.to_string()
}

/// Names in scope while reading a script: which directive made each instance.
#[derive(Default)]
struct Scope {
    /// For the offset of each `(` of the source, the offset just past its `)` (`closing_parens`).
    closes: HashMap<usize, usize>,
    current: Option<usize>,
    instances: HashMap<String, usize>,
    definitions: HashMap<String, usize>,
    /// Registered name -> directive that made the instance.
    registered: HashMap<String, usize>,
    /// Registered name -> the `register` directive itself.
    registrations: HashMap<String, usize>,
    /// Import dependencies of each module definition.
    definition_deps: HashMap<usize, Vec<usize>>,
    /// Whether each module (instance or definition, by directive) holds state of its own.
    stateful: HashMap<usize, bool>,
    /// Per directive: the instance (by directive) it acts on or makes, and whether it may change
    /// state (instantiation, invocation) rather than only read it (`get`).
    touches: HashMap<usize, (usize, bool)>,
    /// Instances linked by imports: effects on one can reach the other.
    links: Vec<(usize, usize)>,
    /// What the action being read touches, until its directive is recorded.
    pending_touch: Option<(usize, bool)>,
}

impl Scope {
    fn directive(&mut self, index: usize, d: WastDirective, source: &str) -> Directive {
        let keyword_at = d.span().offset();
        let start = open_paren_before(source, keyword_at);
        let end = self.closes.get(&start).copied().unwrap_or(source.len());
        let line = source[..start].matches('\n').count() + 1;
        let mut deps = Vec::new();
        let (kind, expect, step) = match d {
            WastDirective::Module(mut m) => {
                let (step, d2) = self.module(index, &mut m, false);
                deps = d2;
                self.touches.insert(index, (index, true));
                self.links.extend(deps.iter().map(|&d| (index, d)));
                ("module", Expect::Success, step)
            }
            WastDirective::ModuleDefinition(mut m) => {
                let (step, d2) = self.module(index, &mut m, true);
                deps = d2;
                ("module definition", Expect::Success, step)
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let definition = match module {
                    Some(id) => self.definitions.get(id.name()).copied(),
                    None => None,
                };
                if let Some(def) = definition {
                    deps.push(def);
                    deps.extend(self.definition_deps.get(&def).cloned().unwrap_or_default());
                    let stateful = self.stateful.get(&def).copied().unwrap_or(true);
                    self.stateful.insert(index, stateful);
                }
                self.touches.insert(index, (index, true));
                self.links.extend(deps.iter().map(|&d| (index, d)));
                if let Some(id) = instance {
                    self.instances.insert(id.name().to_string(), index);
                }
                self.current = Some(index);
                let id = instance.map(|i| i.name().to_string());
                (
                    "module instance",
                    Expect::Success,
                    Step::Instance { id, definition },
                )
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module.map(|m| m.name()));
                deps.extend(instance);
                if let Some(i) = instance {
                    self.registered.insert(name.to_string(), i);
                    self.registrations.insert(name.to_string(), index);
                }
                (
                    "register",
                    Expect::Success,
                    Step::Register {
                        name: name.to_string(),
                        instance,
                    },
                )
            }
            WastDirective::Invoke(inv) => {
                let step = self.invoke(inv, &mut deps);
                ("invoke", Expect::Success, step)
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let step = self.execute(exec, &mut deps);
                let pats = results.iter().map(ret_pat).collect();
                ("assert_return", Expect::Return(pats), step)
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let step = self.execute(exec, &mut deps);
                ("assert_trap", Expect::Trap(message.to_string()), step)
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let step = self.invoke(call, &mut deps);
                (
                    "assert_exhaustion",
                    Expect::Exhaustion(message.to_string()),
                    step,
                )
            }
            WastDirective::AssertException { exec, .. } => {
                let step = self.execute(exec, &mut deps);
                ("assert_exception", Expect::Exception, step)
            }
            WastDirective::AssertSuspension { exec, message, .. } => {
                let step = self.execute(exec, &mut deps);
                (
                    "assert_suspension",
                    Expect::Suspension(message.to_string()),
                    step,
                )
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => {
                let (step, d2) = self.assert_module(&mut module);
                deps = d2;
                ("assert_invalid", Expect::Invalid(message.to_string()), step)
            }
            WastDirective::AssertInvalidCustom {
                mut module,
                message,
                ..
            } => {
                let (step, d2) = self.assert_module(&mut module);
                deps = d2;
                (
                    "assert_invalid_custom",
                    Expect::Invalid(message.to_string()),
                    step,
                )
            }
            WastDirective::AssertMalformedCustom {
                mut module,
                message,
                ..
            } => {
                let (step, d2) = self.assert_module(&mut module);
                deps = d2;
                (
                    "assert_malformed_custom",
                    Expect::Malformed(message.to_string()),
                    step,
                )
            }
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                let (step, d2) = self.assert_module(&mut module);
                deps = d2;
                (
                    "assert_malformed",
                    Expect::Malformed(message.to_string()),
                    step,
                )
            }
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let mut module = QuoteWat::Wat(module);
                let (step, d2) = self.assert_module(&mut module);
                deps = d2;
                (
                    "assert_unlinkable",
                    Expect::Unlinkable(message.to_string()),
                    step,
                )
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => (
                "thread",
                Expect::Success,
                Step::Unsupported("threads are not replayed".into()),
            ),
        };
        deps.sort_unstable();
        deps.dedup();
        if let Some(t) = self.pending_touch.take() {
            self.touches.insert(index, t);
        }
        Directive {
            index,
            line,
            kind,
            start,
            end,
            expect,
            step,
            deps,
            state: Vec::new(),
        }
    }

    /// Fills in `Directive::state`: instances linked by imports form one group (effects on
    /// one can reach the others); a directive acting on a group that holds state depends on
    /// every earlier instantiation and invocation in that group.
    fn state_dependencies(&self, directives: &mut [Directive]) {
        let n = directives.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut x: usize) -> usize {
            while parent[x] != x {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            x
        }
        for &(a, b) in &self.links {
            if a < n && b < n {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                parent[ra] = rb;
            }
        }
        let mut stateful_group = vec![false; n];
        for (&i, &holds) in &self.stateful {
            if holds && i < n {
                let r = root(&mut parent, i);
                stateful_group[r] = true;
            }
        }
        let mut effects: HashMap<usize, Vec<usize>> = HashMap::new();
        for (k, d) in directives.iter_mut().enumerate() {
            let Some(&(instance, writes)) = self.touches.get(&k) else {
                continue;
            };
            if instance >= n {
                continue;
            }
            let group = root(&mut parent, instance);
            if !stateful_group[group] {
                continue;
            }
            let earlier = effects.entry(group).or_default();
            d.state = earlier
                .iter()
                .copied()
                .filter(|j| !d.deps.contains(j))
                .collect();
            if writes {
                earlier.push(k);
            }
        }
    }

    fn instance(&self, name: Option<&str>) -> Option<usize> {
        match name {
            Some(n) => self.instances.get(n).copied(),
            None => self.current,
        }
    }

    /// A module directive: encodes it, records its name.
    fn module(&mut self, index: usize, m: &mut QuoteWat, definition: bool) -> (Step, Vec<usize>) {
        let (binary, quoted, id, deps) = self.encode(m);
        self.stateful.insert(index, holds_state(m));
        if definition {
            if let Some(id) = &id {
                self.definitions.insert(id.clone(), index);
            }
            self.definition_deps.insert(index, deps.clone());
        } else {
            if let Some(id) = &id {
                self.instances.insert(id.clone(), index);
            }
            self.current = Some(index);
        }
        (
            Step::Module {
                id,
                definition,
                binary,
                quoted,
            },
            deps,
        )
    }

    /// A module inside an assertion: encoded, but it binds no name.
    fn assert_module(&mut self, m: &mut QuoteWat) -> (Step, Vec<usize>) {
        let (binary, quoted, _, deps) = self.encode(m);
        (
            Step::Module {
                id: None,
                definition: false,
                binary,
                quoted,
            },
            deps,
        )
    }

    fn encode(
        &self,
        m: &mut QuoteWat,
    ) -> (Result<Vec<u8>, String>, bool, Option<String>, Vec<usize>) {
        let (quoted, id) = match m {
            QuoteWat::Wat(Wat::Module(module)) => (false, module.id.map(|i| i.name().to_string())),
            QuoteWat::Wat(Wat::Component(_)) => (false, None),
            QuoteWat::QuoteModule(..) | QuoteWat::QuoteComponent(..) => (true, None),
        };
        let binary = m.encode().map_err(|e| e.message());
        // Encoding expanded inline imports into import fields: collect their module names.
        let mut deps = Vec::new();
        if let QuoteWat::Wat(Wat::Module(module)) = m {
            if let wast::core::ModuleKind::Text(fields) = &module.kind {
                for field in fields {
                    if let wast::core::ModuleField::Import(import) = field {
                        let from = match &import.items {
                            wast::core::ImportItems::Single { module, .. }
                            | wast::core::ImportItems::Group1 { module, .. }
                            | wast::core::ImportItems::Group2 { module, .. } => *module,
                        };
                        deps.extend(self.registered.get(from).copied());
                        deps.extend(self.registrations.get(from).copied());
                    }
                }
            }
        }
        (binary, quoted, id, deps)
    }

    fn execute(&mut self, exec: WastExecute, deps: &mut Vec<usize>) -> Step {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(inv, deps),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module.map(|m| m.name()));
                deps.extend(instance);
                if let Some(i) = instance {
                    self.pending_touch = Some((i, false));
                }
                Step::Get {
                    instance,
                    name: global.to_string(),
                }
            }
            // `(assert_trap (module ...) "msg")`: a module whose instantiation traps.
            WastExecute::Wat(w) => {
                let mut q = QuoteWat::Wat(w);
                let (step, d2) = self.assert_module(&mut q);
                deps.extend(d2);
                step
            }
        }
    }

    fn invoke(&mut self, inv: wast::WastInvoke, deps: &mut Vec<usize>) -> Step {
        let instance = self.instance(inv.module.map(|m| m.name()));
        deps.extend(instance);
        if let Some(i) = instance {
            self.pending_touch = Some((i, true));
        }
        let args = inv.args.iter().map(arg).collect();
        Step::Invoke {
            instance,
            name: inv.name.to_string(),
            args,
        }
    }
}

/// Whether a module holds state that invocations can change: mutable globals, memories,
/// tables or passive segments, its own or imported. A module the harness cannot look into
/// (quoted or binary) is assumed to.
fn holds_state(m: &QuoteWat) -> bool {
    use wast::core::{DataKind, ElemKind, ItemKind, ModuleField, ModuleKind};
    let QuoteWat::Wat(Wat::Module(module)) = m else {
        return true;
    };
    let ModuleKind::Text(fields) = &module.kind else {
        return true;
    };
    let item_holds = |kind: &ItemKind| match kind {
        ItemKind::Table(_) | ItemKind::Memory(_) => true,
        ItemKind::Global(g) => g.mutable,
        _ => false,
    };
    fields.iter().any(|field| match field {
        ModuleField::Memory(_) | ModuleField::Table(_) => true,
        ModuleField::Global(g) => g.ty.mutable,
        ModuleField::Data(d) => matches!(d.kind, DataKind::Passive),
        ModuleField::Elem(e) => matches!(e.kind, ElemKind::Passive),
        ModuleField::Import(import) => match &import.items {
            wast::core::ImportItems::Single { sig, .. } => item_holds(&sig.kind),
            wast::core::ImportItems::Group1 { items, .. } => {
                items.iter().any(|i| item_holds(&i.sig.kind))
            }
            wast::core::ImportItems::Group2 { sig, .. } => item_holds(&sig.kind),
        },
        _ => false,
    })
}

fn heap_family(h: &HeapType) -> String {
    use AbstractHeapType as A;
    match h {
        HeapType::Abstract { ty, .. } => match ty {
            A::Func | A::NoFunc => "func",
            A::Extern | A::NoExtern => "extern",
            A::Exn | A::NoExn => "exn",
            A::Cont | A::NoCont => "cont",
            _ => "any",
        }
        .into(),
        HeapType::Concrete(_) | HeapType::Exact(_) => "concrete".into(),
    }
}

fn arg(a: &WastArg) -> Arg {
    match a {
        WastArg::Core(c) => match c {
            WastArgCore::I32(v) => Arg::I32(*v),
            WastArgCore::I64(v) => Arg::I64(*v),
            WastArgCore::F32(v) => Arg::F32(v.bits),
            WastArgCore::F64(v) => Arg::F64(v.bits),
            WastArgCore::V128(_) => Arg::Unsupported("v128 argument".into()),
            WastArgCore::RefNull(h) => Arg::RefNull(heap_family(h)),
            WastArgCore::RefExtern(n) => Arg::RefExtern(*n),
            WastArgCore::RefHost(n) => Arg::RefHost(*n),
        },
        _ => Arg::Unsupported("component argument".into()),
    }
}

fn ret_pat(r: &WastRet) -> RetPat {
    match r {
        WastRet::Core(c) => ret_core(c),
        _ => RetPat::Unsupported("component result".into()),
    }
}

fn ret_core(c: &WastRetCore) -> RetPat {
    match c {
        WastRetCore::I32(v) => RetPat::I32(*v),
        WastRetCore::I64(v) => RetPat::I64(*v),
        WastRetCore::F32(NanPattern::Value(v)) => RetPat::F32(Some(v.bits)),
        WastRetCore::F32(_) => RetPat::F32(None),
        WastRetCore::F64(NanPattern::Value(v)) => RetPat::F64(Some(v.bits)),
        WastRetCore::F64(_) => RetPat::F64(None),
        WastRetCore::V128(_) => RetPat::Unsupported("v128 result".into()),
        WastRetCore::RefNull(_) => RetPat::RefNull,
        WastRetCore::RefExtern(n) => RetPat::RefExtern(*n),
        WastRetCore::RefHost(n) => RetPat::RefHost(*n),
        WastRetCore::RefFunc(_) => RetPat::RefKind("func"),
        WastRetCore::RefAny => RetPat::RefKind("any"),
        WastRetCore::RefEq => RetPat::RefKind("eq"),
        WastRetCore::RefArray => RetPat::RefKind("array"),
        WastRetCore::RefStruct => RetPat::RefKind("struct"),
        WastRetCore::RefI31 | WastRetCore::RefI31Shared => RetPat::RefKind("i31"),
        WastRetCore::Either(alts) => RetPat::Either(alts.iter().map(ret_core).collect()),
    }
}

/// The `(` that opens the directive whose keyword starts at `at`.
fn open_paren_before(source: &str, at: usize) -> usize {
    let bytes = source.as_bytes();
    let mut i = at.min(bytes.len());
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b'(' => return i,
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => break,
        }
    }
    at
}

/// For the offset of each `(` of `source`, the offset just past the `)` that closes it, as
/// Switchyard's lexer reads the text (strings, comments and annotations skipped). A `(` left
/// open (input the parser already rejected) has none.
fn closing_parens(source: &str) -> HashMap<usize, usize> {
    use switchyard::text::lexer::{lex, Tok};
    let mut closes = HashMap::new();
    let mut open = Vec::new();
    for token in lex(source).tokens {
        match token.tok {
            Tok::LParen => open.push(token.span.start as usize),
            Tok::RParen => {
                if let Some(start) = open.pop() {
                    closes.insert(start, token.span.end as usize);
                }
            }
            _ => {}
        }
    }
    closes
}

/// The offset just past the `)` matching the `(` at `open`; the end of the source when there
/// is none.
pub fn matching_close(source: &str, open: usize) -> usize {
    closing_parens(&source[open..])
        .get(&0)
        .map_or(source.len(), |end| open + end)
}

/// The text of the action (`(invoke ...)`, `(get ...)`) inside directive `d`: the first form
/// after its keyword, or the directive itself when it is a bare action.
pub fn action_text<'s>(script: &'s Script, d: &Directive) -> Option<&'s str> {
    let text = &script.source[d.start..d.end];
    if d.kind == "invoke" || d.kind == "get" {
        return Some(text);
    }
    // The first `(` after the opening one and the keyword, as the lexer reads the text.
    let tokens = switchyard::text::lexer::lex(text).tokens;
    let open = tokens
        .iter()
        .skip(2)
        .find(|t| t.tok == switchyard::text::lexer::Tok::LParen)?;
    let start = open.span.start as usize;
    Some(&text[start..matching_close(text, start)])
}

/// The source with the directives in `replace` written as the given text, on the directive's
/// first line, and the line breaks of the original kept (so later lines do not move); the
/// directives `keep` rejects are blanked; the others are left as they are.
pub fn select_replacing(
    script: &Script,
    keep: &dyn Fn(&Directive) -> bool,
    replace: &dyn Fn(&Directive) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(script.source.len());
    let mut at = 0;
    for d in &script.directives {
        out.push_str(&script.source[at..d.start]);
        let text = &script.source[d.start..d.end];
        if !keep(d) {
            out.extend(text.chars().filter(|&c| c == '\n'));
        } else if let Some(new) = replace(d) {
            out.push_str(&new.replace('\n', " "));
            out.extend(text.chars().filter(|&c| c == '\n'));
        } else {
            out.push_str(text);
        }
        at = d.end;
    }
    out.push_str(&script.source[at..]);
    out
}

/// The source with only the directives in `keep` left; the others are blanked out with their
/// line breaks kept, so every kept directive stays at its original line.
pub fn select(script: &Script, keep: &dyn Fn(&Directive) -> bool) -> String {
    let mut out = String::with_capacity(script.source.len());
    let mut at = 0;
    for d in &script.directives {
        out.push_str(&script.source[at..d.start]);
        let text = &script.source[d.start..d.end];
        if keep(d) {
            out.push_str(text);
        } else {
            out.extend(text.chars().filter(|&c| c == '\n'));
        }
        at = d.end;
    }
    out.push_str(&script.source[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    const SCRIPT: &str = r#"
(module $m (func (export "f") (param i32) (result i32) local.get 0) ;; a ) paren
  (func (export "s") (result i32) (i32.const 0)))
(register "m" $m)
(assert_return (invoke "f" (i32.const 7)) (i32.const 7))
(module (import "m" "f" (func (param i32) (result i32))))
(assert_trap (invoke $m "s" ) "unreachable")
(assert_malformed (module quote "(func (; x ;) \")\"") "unexpected token")
"#;

    #[test]
    fn directives_lines_and_deps() {
        let s = parse("t.wast", SCRIPT.to_string()).unwrap();
        let got: Vec<(usize, &str, Vec<usize>)> = s
            .directives
            .iter()
            .map(|d| (d.line, d.kind, d.deps.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "module", vec![]),
                (4, "register", vec![0]),
                (5, "assert_return", vec![0]),
                (6, "module", vec![0, 1]),
                (7, "assert_trap", vec![0]),
                (8, "assert_malformed", vec![]),
            ]
        );
        assert!(s.source[s.directives[0].start..s.directives[0].end].ends_with("0)))"));
        assert_eq!(&s.source[s.directives[5].end - 1..s.directives[5].end], ")");
    }

    #[test]
    fn action_text_and_replacing() {
        let s = parse("t.wast", SCRIPT.to_string()).unwrap();
        assert_eq!(
            action_text(&s, &s.directives[2]),
            Some("(invoke \"f\" (i32.const 7))")
        );
        assert_eq!(
            action_text(&s, &s.directives[4]),
            Some("(invoke $m \"s\" )")
        );
        let text = select_replacing(&s, &|d| d.index != 0, &|d| {
            (d.index == 2).then(|| "(invoke \"f\" (i32.const 7))".to_string())
        });
        assert_eq!(text.lines().count(), SCRIPT.lines().count());
        assert_eq!(text.lines().nth(4), Some("(invoke \"f\" (i32.const 7))"));
    }

    #[test]
    fn state_dependencies() {
        let s = parse(
            "t.wast",
            r#"(module $a (global $g (mut i32) (i32.const 0))
  (func (export "inc") (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func (export "get") (result i32) (global.get $g)))
(module $pure (func (export "id") (param i32) (result i32) (local.get 0)))
(invoke $a "inc")
(assert_return (invoke $pure "id" (i32.const 1)) (i32.const 1))
(assert_return (invoke $pure "id" (i32.const 2)) (i32.const 2))
(assert_return (invoke $a "get") (i32.const 1))
(register "a" $a)
(module $b (import "a" "inc" (func $inc)) (func (export "go") (call $inc)))
(invoke $b "go")
(assert_return (invoke $a "get") (i32.const 2))
"#
            .to_string(),
        )
        .unwrap();
        let state: Vec<Vec<usize>> = s.directives.iter().map(|d| d.state.clone()).collect();
        assert_eq!(
            state,
            vec![
                vec![],
                vec![],
                vec![],
                // A stateless module: its calls depend on nothing but the module.
                vec![],
                vec![],
                vec![2],
                vec![],
                // $b is linked with $a: its instantiation and calls are effects on $a.
                vec![2, 5],
                vec![0, 2, 5],
                vec![2, 5, 7, 8],
            ]
        );
    }

    #[test]
    fn select_keeps_lines() {
        let s = parse("t.wast", SCRIPT.to_string()).unwrap();
        let text = select(&s, &|d| d.index != 0);
        assert_eq!(text.lines().count(), SCRIPT.lines().count());
        assert_eq!(text.lines().nth(3), Some("(register \"m\" $m)"));
        assert_eq!(text.lines().nth(1), Some(""));
    }

    #[test]
    fn encodes_modules() {
        let s = parse("t.wast", SCRIPT.to_string()).unwrap();
        match &s.directives[0].step {
            Step::Module {
                binary: Ok(bytes),
                id,
                ..
            } => {
                assert_eq!(&bytes[..4], b"\0asm");
                assert_eq!(id.as_deref(), Some("m"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.directives[2].expect, Expect::Return(vec![RetPat::I32(7)]));
    }
}
