//! `xcheck js`: a script as one self-contained JavaScript file. The generator is Switchyard's
//! (`switchyard::convert::js`, also behind `switchyard convert X.wast -o X.js`); this module
//! hands it xcheck's directives, whose modules the `wast` crate encoded.

use crate::script::{Arg, Directive, Expect, RetPat, Script, Step};
use switchyard::convert::js as shared;

/// The whole JS file for a script.
pub fn convert(script: &Script) -> String {
    shared::convert(&shared::Script {
        path: script.path.clone(),
        directives: script.directives.iter().map(directive).collect(),
    })
}

fn directive(d: &Directive) -> shared::Directive {
    shared::Directive {
        index: d.index,
        line: d.line,
        kind: d.kind.to_string(),
        expect: expect(&d.expect),
        step: step(&d.step),
        deps: d.deps.clone(),
    }
}

fn expect(e: &Expect) -> shared::Expect {
    use shared::Expect as E;
    match e {
        Expect::Success => E::Success,
        Expect::Return(pats) => E::Return(pats.iter().map(pat).collect()),
        Expect::Trap(_) => E::Trap,
        Expect::Exhaustion(_) => E::Exhaustion,
        Expect::Exception => E::Exception,
        Expect::Suspension(_) => E::Suspension,
        Expect::Invalid(_) => E::Invalid,
        Expect::Malformed(_) => E::Malformed,
        Expect::Unlinkable(_) => E::Unlinkable,
    }
}

fn step(s: &Step) -> shared::Step {
    use shared::Step as S;
    match s {
        Step::Module {
            definition,
            binary,
            quoted,
            ..
        } => S::Module {
            definition: *definition,
            binary: binary
                .clone()
                .map_err(|e| format!("wast crate cannot encode: {e}")),
            quoted: *quoted,
        },
        Step::Instance { definition, .. } => S::Instance {
            definition: *definition,
        },
        Step::Register { name, instance } => S::Register {
            name: name.clone(),
            instance: *instance,
        },
        Step::Invoke {
            instance,
            name,
            args,
        } => S::Invoke {
            instance: *instance,
            name: name.clone(),
            args: args.iter().map(arg).collect(),
        },
        Step::Get { instance, name } => S::Get {
            instance: *instance,
            name: name.clone(),
        },
        Step::Unsupported(why) => S::Unsupported(why.clone()),
    }
}

fn arg(a: &Arg) -> shared::Arg {
    use shared::Arg as A;
    match a {
        Arg::I32(v) => A::I32(*v),
        Arg::I64(v) => A::I64(*v),
        Arg::F32(b) => A::F32(*b),
        Arg::F64(b) => A::F64(*b),
        Arg::RefNull(_) => A::RefNull,
        Arg::RefExtern(n) => A::RefExtern(*n),
        Arg::RefHost(n) => A::RefHost(*n),
        Arg::Unsupported(why) => A::Unsupported(why.clone()),
    }
}

fn pat(p: &RetPat) -> shared::RetPat {
    use shared::RetPat as P;
    match p {
        RetPat::I32(v) => P::I32(*v),
        RetPat::I64(v) => P::I64(*v),
        RetPat::F32(b) => P::F32(*b),
        RetPat::F64(b) => P::F64(*b),
        RetPat::RefNull => P::RefNull,
        RetPat::RefExtern(n) => P::RefExtern(*n),
        RetPat::RefHost(n) => P::RefHost(*n),
        RetPat::RefKind(kind) => P::RefKind(kind.to_string()),
        RetPat::Either(alts) => P::Either(alts.iter().map(pat).collect()),
        RetPat::Unsupported(why) => P::Unsupported(why.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_a_small_script() {
        let s = crate::script::parse(
            "t.wast",
            r#"(module (func (export "f") (param i64) (result i64) local.get 0))
               (assert_return (invoke "f" (i64.const -1)) (i64.const -1))
               (assert_malformed (module quote "(func") "unexpected end")"#
                .to_string(),
        )
        .unwrap();
        let js = convert(&s);
        assert!(
            js.contains("xc.run(0, 1, \"module\", [], \"success\""),
            "{js}"
        );
        assert!(js.contains("xc.call(0, \"f\", [-1n])"), "{js}");
        assert!(
            js.contains("return xc.returned(r, [['i64', -1n]]);"),
            "{js}"
        );
        assert!(js.contains("text-format check"), "{js}");
        assert!(js.ends_with("xc.done();\n"));
    }
}
