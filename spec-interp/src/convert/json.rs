//! A script as a JSON manifest plus one file per module, in the shape `wast2json` (WABT) and
//! `wasm-tools json-from-wast` write, so that harnesses built for them can run our scripts:
//! `{"source_filename": ..., "commands": [{"type": "module", "line": 1, "filename":
//! "x.0.wasm"}, {"type": "assert_return", "line": 2, "action": {"type": "invoke", "field":
//! "f", "args": [{"type": "i32", "value": "1"}]}, "expected": [...]}, ...]}`.
//!
//! Values are strings of the bits as unsigned decimals (`-1` is `"4294967295"`), NaN patterns
//! `"nan:canonical"` / `"nan:arithmetic"`. A quoted module that does not parse is written as
//! text (`"module_type": "text"`, a `.wat` file), as `wast2json` does for `assert_malformed`.
//! The designs' own directives keep their names (`assert_suspension`, `module_definition`).

use std::fmt::Write;

use super::{module_binary, Origin};
use crate::design::Design;
use crate::diag::Lines;
use crate::script::run::report::string;
use crate::script::{
    Action, CommandKind, Const, Instantiation, ModuleSource, NanPat, ResultPat, Script,
    ScriptModule, V128Pat,
};
use crate::syntax::HeapType;

/// The manifest and the files it names.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    pub json: String,
    /// File names (relative to the manifest's folder) and contents.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Converts a parsed script (spans into `src`). Module files are named `{stem}.{n}.wasm` (or
/// `.wat`), numbered in script order.
pub fn convert(
    script: &Script,
    src: &str,
    source_name: &str,
    stem: &str,
    design: Design,
) -> Manifest {
    let lines = Lines::new(src);
    let mut files = Vec::new();
    let mut commands = Vec::new();
    for command in &script.commands {
        let line = lines.line(command.span.start as usize);
        let mut fields = vec![
            ("type".to_string(), String::new()),
            ("line".to_string(), line.to_string()),
        ];
        let mut module = |m: &ScriptModule, fields: &mut Vec<(String, String)>| {
            let n = files.len();
            let (name, bytes, module_type) = match module_binary(m, design) {
                Ok((bytes, _origin @ (Origin::Encoded | Origin::AsWritten))) => {
                    (format!("{stem}.{n}.wasm"), bytes, "binary")
                }
                Err(_) => {
                    let text = match &m.source {
                        ModuleSource::Quote(text) => text.clone(),
                        _ => String::new(),
                    };
                    (format!("{stem}.{n}.wat"), text.into_bytes(), "text")
                }
            };
            if let Some(id) = &m.id {
                fields.push(("name".into(), string(&format!("${id}"))));
            }
            fields.push(("filename".into(), string(&name)));
            fields.push(("module_type".into(), string(module_type)));
            files.push((name, bytes));
        };
        let kind = match &command.kind {
            CommandKind::Module(m) => {
                module(m, &mut fields);
                if m.definition {
                    "module_definition"
                } else {
                    "module"
                }
            }
            CommandKind::ModuleInstance { instance, module } => {
                if let Some(id) = instance {
                    fields.push(("instance".into(), string(&format!("${id}"))));
                }
                if let Some(id) = module {
                    fields.push(("module".into(), string(&format!("${id}"))));
                }
                "module_instance"
            }
            CommandKind::Register { name, module } => {
                if let Some(id) = module {
                    fields.push(("name".into(), string(&format!("${id}"))));
                }
                fields.push(("as".into(), string(name)));
                "register"
            }
            CommandKind::Action(a) => {
                fields.push(("action".into(), action(a)));
                fields.push(("expected".into(), "[]".into()));
                "action"
            }
            CommandKind::AssertReturn { action: a, results } => {
                fields.push(("action".into(), action(a)));
                let expected: Vec<String> = results.iter().map(pattern).collect();
                fields.push(("expected".into(), format!("[{}]", expected.join(", "))));
                "assert_return"
            }
            CommandKind::AssertTrap { action: a, message }
            | CommandKind::AssertExhaustion { action: a, message }
            | CommandKind::AssertSuspension { action: a, message } => {
                fields.push(("action".into(), action(a)));
                fields.push(("text".into(), string(message)));
                match &command.kind {
                    CommandKind::AssertTrap { .. } => "assert_trap",
                    CommandKind::AssertExhaustion { .. } => "assert_exhaustion",
                    _ => "assert_suspension",
                }
            }
            CommandKind::AssertException { action: a } => {
                fields.push(("action".into(), action(a)));
                "assert_exception"
            }
            CommandKind::AssertInvalid { module: m, message }
            | CommandKind::AssertMalformed { module: m, message }
            | CommandKind::AssertInvalidCustom { module: m, message }
            | CommandKind::AssertMalformedCustom { module: m, message } => {
                module(m, &mut fields);
                fields.push(("text".into(), string(message)));
                match &command.kind {
                    CommandKind::AssertInvalid { .. } => "assert_invalid",
                    CommandKind::AssertMalformed { .. } => "assert_malformed",
                    CommandKind::AssertInvalidCustom { .. } => "assert_invalid_custom",
                    _ => "assert_malformed_custom",
                }
            }
            CommandKind::AssertUninstantiable { module: m, message }
            | CommandKind::AssertUnlinkable { module: m, message } => {
                match m {
                    Instantiation::Module(m) => module(m, &mut fields),
                    // `(module instance $inst? $def?)` in place: names as for the command.
                    Instantiation::Instance { instance, module } => {
                        if let Some(id) = instance {
                            fields.push(("instance".into(), string(&format!("${id}"))));
                        }
                        if let Some(id) = module {
                            fields.push(("module".into(), string(&format!("${id}"))));
                        }
                    }
                }
                fields.push(("text".into(), string(message)));
                match &command.kind {
                    CommandKind::AssertUninstantiable { .. } => "assert_uninstantiable",
                    _ => "assert_unlinkable",
                }
            }
            CommandKind::Input { id, path } => {
                if let Some(id) = id {
                    fields.push(("name".into(), string(&format!("${id}"))));
                }
                fields.push(("filename".into(), string(path)));
                "input"
            }
            CommandKind::Output { id, path } => {
                if let Some(id) = id {
                    fields.push(("name".into(), string(&format!("${id}"))));
                }
                if let Some(path) = path {
                    fields.push(("filename".into(), string(path)));
                }
                "output"
            }
        };
        fields[0].1 = string(kind);
        commands.push(object(&fields));
    }
    let mut json = String::new();
    let _ = write!(
        json,
        "{{\"source_filename\": {},\n \"commands\": [\n  {}\n ]}}\n",
        string(source_name),
        commands.join(",\n  ")
    );
    Manifest { json, files }
}

fn object(fields: &[(String, String)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}: {v}", string(k)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

fn action(a: &Action) -> String {
    let mut fields = Vec::new();
    match a {
        Action::Invoke {
            module, name, args, ..
        } => {
            fields.push(("type".to_string(), string("invoke")));
            if let Some(id) = module {
                fields.push(("module".into(), string(&format!("${id}"))));
            }
            fields.push(("field".into(), string(name)));
            let args: Vec<String> = args.iter().map(constant).collect();
            fields.push(("args".into(), format!("[{}]", args.join(", "))));
        }
        Action::Get { module, name, .. } => {
            fields.push(("type".to_string(), string("get")));
            if let Some(id) = module {
                fields.push(("module".into(), string(&format!("${id}"))));
            }
            fields.push(("field".into(), string(name)));
        }
    }
    object(&fields)
}

fn typed(ty: &str, value: &str) -> String {
    format!("{{\"type\": {}, \"value\": {}}}", string(ty), string(value))
}

/// The `ref.null` type of a heap type, by its hierarchy (`funcref`, `externref`, ...).
fn null_type(ht: &HeapType) -> String {
    match ht {
        HeapType::Abs(a) => format!("{}ref", a.name()),
        HeapType::Concrete(_) => "anyref".into(),
    }
}

fn v128(bits: u128) -> String {
    format!(
        "{{\"type\": \"v128\", \"lane_type\": \"i64\", \"value\": [{}, {}]}}",
        string(&((bits as u64).to_string())),
        string(&(((bits >> 64) as u64).to_string()))
    )
}

/// A `v128.const` result pattern: integer lanes as unsigned decimals, float lanes as bits or
/// `nan:canonical` / `nan:arithmetic` (the `wast2json` shape).
fn v128_pattern(p: &V128Pat) -> String {
    let (lane_type, lanes): (&str, Vec<String>) = match p {
        V128Pat::Int { bits, value } => {
            let n = 128 / bits;
            let mask = if *bits == 128 {
                u128::MAX
            } else {
                (1u128 << bits) - 1
            };
            let lanes = (0..n)
                .map(|k| ((value >> (k * bits)) & mask).to_string())
                .collect();
            (
                ["i8", "i16", "i32", "i64"][(bits.trailing_zeros() as usize).clamp(3, 6) - 3],
                lanes,
            )
        }
        V128Pat::F32(lanes) => ("f32", lanes.iter().map(nan_text).collect()),
        V128Pat::F64(lanes) => ("f64", lanes.iter().map(nan_text).collect()),
    };
    let lanes: Vec<String> = lanes.iter().map(|l| string(l)).collect();
    format!(
        "{{\"type\": \"v128\", \"lane_type\": \"{lane_type}\", \"value\": [{}]}}",
        lanes.join(", ")
    )
}

fn nan_text<T: ToString>(p: &NanPat<T>) -> String {
    match p {
        NanPat::Value(b) => b.to_string(),
        NanPat::Canonical => "nan:canonical".into(),
        NanPat::Arithmetic => "nan:arithmetic".into(),
    }
}

fn constant(c: &Const) -> String {
    match c {
        Const::I32(v) => typed("i32", &(*v as u32).to_string()),
        Const::I64(v) => typed("i64", &(*v as u64).to_string()),
        Const::F32(b) => typed("f32", &b.to_string()),
        Const::F64(b) => typed("f64", &b.to_string()),
        Const::V128(b) => v128(*b),
        Const::RefNull(ht) => typed(&null_type(ht), "null"),
        Const::RefHost(n) => typed("anyref", &n.to_string()),
        Const::RefExtern(n) => typed("externref", &n.to_string()),
    }
}

fn nan<T: ToString>(ty: &str, p: &NanPat<T>) -> String {
    match p {
        NanPat::Value(b) => typed(ty, &b.to_string()),
        NanPat::Canonical => typed(ty, "nan:canonical"),
        NanPat::Arithmetic => typed(ty, "nan:arithmetic"),
    }
}

fn pattern(p: &ResultPat) -> String {
    match p {
        ResultPat::I32(v) => typed("i32", &(*v as u32).to_string()),
        ResultPat::I64(v) => typed("i64", &(*v as u64).to_string()),
        ResultPat::F32(p) => nan("f32", p),
        ResultPat::F64(p) => nan("f64", p),
        ResultPat::V128(p) => v128_pattern(p),
        ResultPat::RefNull(Some(ht)) => typed(&null_type(ht), "null"),
        ResultPat::RefNull(None) => "{\"type\": \"refnull\"}".into(),
        ResultPat::RefHost(n) => typed("anyref", &n.to_string()),
        ResultPat::RefExtern(Some(n)) => typed("externref", &n.to_string()),
        ResultPat::RefExtern(None) => "{\"type\": \"externref\"}".into(),
        ResultPat::RefAny => "{\"type\": \"anyref\"}".into(),
        ResultPat::RefKind(a) => format!("{{\"type\": {}}}", string(&format!("{}ref", a.name()))),
        ResultPat::Either(alts) => {
            let alts: Vec<String> = alts.iter().map(pattern).collect();
            format!(
                "{{\"type\": \"either\", \"values\": [{}]}}",
                alts.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn manifest_in_the_wast2json_shape() {
        let src = "(module $M (func (export \"f\") (param i32) (result i32) local.get 0))\n\
                   (register \"m\" $M)\n\
                   (assert_return (invoke \"f\" (i32.const -1)) (i32.const -1))\n\
                   (assert_malformed (module quote \"(func\") \"unexpected end\")\n";
        let script = crate::text::parse_script(src, Design::TypedCont).unwrap();
        let m = convert(&script, src, "x.wast", "x", Design::TypedCont);
        assert_eq!(m.files.len(), 2);
        assert_eq!(m.files[0].0, "x.0.wasm");
        assert!(m.files[0].1.starts_with(b"\0asm"));
        assert_eq!(m.files[1], ("x.1.wat".to_string(), b"(func".to_vec()));
        let lines: Vec<&str> = m.json.lines().collect();
        assert_eq!(
            lines[2],
            "  {\"type\": \"module\", \"line\": 1, \"name\": \"$M\", \"filename\": \"x.0.wasm\", \
             \"module_type\": \"binary\"},"
        );
        assert_eq!(
            lines[3],
            "  {\"type\": \"register\", \"line\": 2, \"name\": \"$M\", \"as\": \"m\"},"
        );
        assert_eq!(
            lines[4],
            "  {\"type\": \"assert_return\", \"line\": 3, \"action\": {\"type\": \"invoke\", \
             \"field\": \"f\", \"args\": [{\"type\": \"i32\", \"value\": \"4294967295\"}]}, \
             \"expected\": [{\"type\": \"i32\", \"value\": \"4294967295\"}]},"
        );
    }
}
