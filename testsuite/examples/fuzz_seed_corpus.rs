//! Writes the seed corpora of the fuzz targets from the suites' modules:
//! `cargo run --release -p switchyard-testsuite --example fuzz_seed_corpus -- OUT DIR...`
//! (default: `fuzz/corpus`, `testsuite` and `../shared/spec-tests/core`).
//!
//! Each input starts with one byte that picks the design (0 typed-cont, 1 raw-stacks,
//! 2 effect-handlers; from the file's folder). `text_parser` gets every script and every
//! module's text; `binary_decoder`, `validator` and `exec_fuel` get every module the `wast`
//! crate can encode (the typed-cont and core ones) and every `(module binary ...)`;
//! `generated` gets a few stackgen seeds.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The spans of a script's top-level forms, as the script parser splits them.
fn top_level_forms(src: &str) -> Vec<switchyard::diag::Span> {
    switchyard::text::top_level_forms(src)
        .into_iter()
        .map(|form| form.span)
        .collect()
}

fn wast_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        if p.is_dir() {
            if !matches!(name.as_deref(), Some("simd" | "relaxed-simd")) {
                wast_files(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "wast") {
            out.push(p);
        }
    }
}

fn design_byte(path: &Path) -> u8 {
    let s = path.to_string_lossy();
    if s.contains("raw-stacks") {
        1
    } else if s.contains("effect-handlers") {
        2
    } else {
        0
    }
}

fn write(dir: &Path, data: &[u8]) {
    let mut h = DefaultHasher::new();
    data.hash(&mut h);
    let _ = std::fs::write(dir.join(format!("{:016x}", h.finish())), data);
}

fn encode(form: &str) -> Option<Vec<u8>> {
    let buf = wast::parser::ParseBuffer::new(form).ok()?;
    let mut wat: wast::Wat = wast::parser::parse(&buf).ok()?;
    wat.encode().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(args.first().map_or("fuzz/corpus", String::as_str));
    let roots: Vec<PathBuf> = if args.len() > 1 {
        args[1..].iter().map(PathBuf::from).collect()
    } else {
        vec!["testsuite".into(), "../shared/spec-tests/core".into()]
    };
    let targets = [
        "text_parser",
        "binary_decoder",
        "validator",
        "exec_fuel",
        "generated",
    ];
    for t in targets {
        std::fs::create_dir_all(out.join(t)).expect("cannot create the corpus folder");
    }
    let mut files = Vec::new();
    for r in &roots {
        wast_files(r, &mut files);
    }
    let (mut texts, mut binaries) = (0, 0);
    for path in &files {
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        let d = design_byte(path);
        let with_design = |bytes: &[u8]| -> Vec<u8> {
            let mut v = vec![d];
            v.extend_from_slice(bytes);
            v
        };
        if src.len() <= 64 * 1024 {
            write(&out.join("text_parser"), &with_design(src.as_bytes()));
            texts += 1;
        }
        for form in top_level_forms(&src) {
            let text = &src[form.start as usize..form.end as usize];
            if !text.starts_with("(module") {
                continue;
            }
            write(&out.join("text_parser"), &with_design(text.as_bytes()));
            texts += 1;
            if let Some(bin) = encode(text) {
                for t in ["binary_decoder", "validator", "exec_fuel"] {
                    write(&out.join(t), &with_design(&bin));
                }
                binaries += 1;
            }
        }
    }
    for seed in 0u64..64 {
        write(&out.join("generated"), &seed.to_le_bytes());
    }
    println!(
        "{} files: {texts} text inputs, {binaries} module binaries, 64 generator seeds in {}",
        files.len(),
        out.display()
    );
}
