//! Which files a run covers, and the per-file settings: the design and the `;;!` header lines.

use std::path::{Path, PathBuf};

use crate::design::Design;
use crate::diag::{Error, Result};

/// Settings read from the leading `;;! key = value` lines of a script.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Headers {
    pub design: Option<Design>,
    /// `;;! fuel = N`: reduction steps per invocation.
    pub fuel: Option<u64>,
    /// `;;! call-depth = N`: nested activations.
    pub call_depth: Option<usize>,
    /// `;;! relaxed = "deterministic" | "x86"`: the results of relaxed SIMD instructions.
    pub relaxed: Option<crate::simd::Relaxed>,
    /// Proposals the script turns on that Switchyard does not implement (`;;! simd = true`):
    /// the script is skipped, with these as the reason.
    pub missing_features: Vec<String>,
    /// Lines Switchyard reads but does not act on: at most one per key.
    pub notices: Vec<Notice>,
}

/// A header line that Switchyard ignores, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub key: String,
    pub message: String,
}

/// Feature keys of other engines' headers (wasmtime's `tests/misc_testsuite` begins its files
/// with them) that name proposals Switchyard implements. Switchyard always has them on.
pub const FEATURES_IMPLEMENTED: [&str; 17] = [
    "simd",
    "relaxed_simd",
    "bulk_memory",
    "reference_types",
    "multi_value",
    "multi_memory",
    "memory64",
    "mutable_global",
    "sign_extension",
    "saturating_float_to_int",
    "extended_const",
    "tail_call",
    "function_references",
    "gc",
    "gc_types",
    "exceptions",
    "stack_switching",
];

/// Feature keys naming proposals Switchyard does not implement (as do all keys starting with
/// `component_model`). A script that turns one on is skipped.
pub const FEATURES_MISSING: [&str; 6] = [
    "threads",
    "shared_everything_threads",
    "wide_arithmetic",
    "custom_page_sizes",
    "custom_descriptors",
    "legacy_exceptions",
];

/// Keys of other engines' headers that configure that engine, not the language
/// (wasmtime's `hogs_memory`, `nan_canonicalization`, `spec_test`, `collector`).
pub const ENGINE_SETTINGS: [&str; 4] = [
    "hogs_memory",
    "nan_canonicalization",
    "spec_test",
    "collector",
];

/// What a feature key means to Switchyard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureKey {
    Implemented,
    Missing,
    EngineSetting,
    Unknown,
}

/// Classifies a header key (`-` and `_` are the same).
pub fn feature_key(key: &str) -> FeatureKey {
    let key = key.replace('-', "_");
    if FEATURES_IMPLEMENTED.contains(&key.as_str()) {
        FeatureKey::Implemented
    } else if FEATURES_MISSING.contains(&key.as_str()) || key.starts_with("component_model") {
        FeatureKey::Missing
    } else if ENGINE_SETTINGS.contains(&key.as_str()) {
        FeatureKey::EngineSetting
    } else {
        FeatureKey::Unknown
    }
}

/// Reads the leading `;;!` lines (blank lines and ordinary comments may come between them).
/// Switchyard's own keys (`design`, `fuel`, `call-depth`) must have valid values; any other
/// line never fails the script: feature keys are understood, the rest become notices.
pub fn script_headers(src: &str) -> Result<Headers> {
    let mut headers = Headers::default();
    for line in crate::text::header_lines(src) {
        let span = line.span;
        let Some(value) = line.value else {
            headers.notice(line.key, "not of the form `;;! key = value`; ignored");
            continue;
        };
        match line.key {
            "design" => headers.design = Some(value.parse().map_err(|m| Error::script(m, span))?),
            "fuel" => {
                headers.fuel = Some(number(value).ok_or_else(|| Error::script("bad fuel", span))?)
            }
            "relaxed" => headers.relaxed = Some(value.parse().map_err(|m| Error::script(m, span))?),
            "call-depth" => {
                headers.call_depth = Some(
                    number(value).ok_or_else(|| Error::script("bad call-depth", span))? as usize,
                )
            }
            key => headers.other_key(key, value),
        }
    }
    Ok(headers)
}

impl Headers {
    /// Records a notice, unless this key already has one.
    fn notice(&mut self, key: &str, message: &str) {
        if !self.notices.iter().any(|n| n.key == key) {
            self.notices.push(Notice {
                key: key.to_string(),
                message: message.to_string(),
            });
        }
    }

    /// A key that is not Switchyard's own.
    fn other_key(&mut self, key: &str, value: &str) {
        let on = match value {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        match (feature_key(key), on) {
            (FeatureKey::Implemented, Some(true)) => {}
            (FeatureKey::Implemented, Some(false)) => self.notice(
                key,
                "Switchyard cannot turn a feature off; the script runs with it on",
            ),
            (FeatureKey::Missing, Some(true)) => {
                if !self.missing_features.iter().any(|k| k == key) {
                    self.missing_features.push(key.to_string());
                }
            }
            (FeatureKey::Missing, Some(false)) => {}
            (FeatureKey::Implemented | FeatureKey::Missing, None) => {
                self.notice(key, "a feature key takes `true` or `false`; ignored")
            }
            (FeatureKey::EngineSetting, _) => self.notice(
                key,
                "a setting of another engine, not of the language; ignored",
            ),
            (FeatureKey::Unknown, _) => self.notice(key, "unknown key; ignored"),
        }
    }
}

fn number(text: &str) -> Option<u64> {
    text.replace('_', "").parse().ok()
}

/// The design a folder implies: the innermost folder named after a design decides.
pub fn folder_design(path: &Path) -> Option<Design> {
    let folders = path.parent()?.components().rev();
    folders
        .filter_map(|c| c.as_os_str().to_str())
        .find_map(|name| match name {
            "typed-cont" | "stack-switching" => Some(Design::TypedCont),
            "raw-stacks" => Some(Design::RawStacks),
            "effect-handlers" => Some(Design::EffectHandlers),
            _ => None,
        })
}

/// The design a script runs under: the command line's, else the script's header, else its
/// folder's, else typed-cont.
pub fn choose_design(forced: Option<Design>, headers: &Headers, path: &Path) -> Design {
    forced
        .or(headers.design)
        .or_else(|| folder_design(path))
        .unwrap_or_default()
}

/// What a file holds, judged by its content (a `.wasm` name is trusted as binary, so that a file
/// without the magic bytes is reported as a malformed module rather than as text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A `.wast` script: directives.
    Script,
    /// A `.wat` module: `(module ...)` alone, or bare module fields.
    TextModule,
    /// A binary module (`\0asm`).
    BinaryModule,
}

/// The keywords of module fields, which a `.wat` file may hold without `(module ...)` around.
const FIELD_KEYWORDS: [&str; 12] = [
    "type", "rec", "import", "func", "table", "memory", "global", "tag", "export", "start", "elem",
    "data",
];

pub fn input_kind(path: &Path, bytes: &[u8]) -> InputKind {
    let wasm_name = path.extension().is_some_and(|e| e == "wasm");
    if bytes.starts_with(b"\0asm") || wasm_name {
        return InputKind::BinaryModule;
    }
    let Ok(src) = std::str::from_utf8(bytes) else {
        return InputKind::Script;
    };
    let forms = crate::text::top_level_forms(src);
    // `(module binary ...)`, `quote`, `definition`, `instance` are script directives.
    let is_module_form = |form: &crate::text::TopForm| {
        !matches!(
            form.second,
            Some("binary" | "quote" | "definition" | "instance")
        )
    };
    match forms.as_slice() {
        [] => InputKind::Script,
        [form] if form.keyword == "module" && is_module_form(form) => InputKind::TextModule,
        _ if forms.iter().all(|f| FIELD_KEYWORDS.contains(&f.keyword)) => InputKind::TextModule,
        _ => InputKind::Script,
    }
}

/// Whether a folder walk picks up a file: scripts and modules by their extensions.
fn runnable_name(name: &str) -> bool {
    name.ends_with(".wast") || name.ends_with(".wat") || name.ends_with(".wasm")
}

/// The scripts and modules (`.wast`, `.wat`, `.wasm`) named by `paths` (folders are walked
/// recursively, in name order; a folder reached again through a link is not walked again).
pub fn collect_wast_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut walked = std::collections::HashSet::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files, &mut walked, &mut Vec::new())?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(not_found(path));
        }
    }
    Ok(files)
}

fn not_found(path: &Path) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("{}: no such file or folder", path.display()),
    )
}

/// What `collect_runnable` found: the files, and notices about what it left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collected {
    pub files: Vec<PathBuf>,
    /// Links to folders already walked (a cycle, or two ways to one folder), left out.
    pub notices: Vec<String>,
}

/// `collect_wast_files` for the commands: a path that does not exist, or a folder with
/// nothing to run in it (a mistyped or empty folder), is an error, so that a run never
/// passes by running nothing.
pub fn collect_runnable(paths: &[PathBuf]) -> Result<Collected, String> {
    let mut collected = Collected::default();
    let mut walked = std::collections::HashSet::new();
    for path in paths {
        if path.is_dir() {
            let before = collected.files.len();
            walk(
                path,
                &mut collected.files,
                &mut walked,
                &mut collected.notices,
            )
            .map_err(|e| format!("{}: {e}", path.display()))?;
            if collected.files.len() == before {
                return Err(format!(
                    "{}: no scripts or modules (.wast, .wat, .wasm) in this folder",
                    path.display()
                ));
            }
        } else if path.exists() {
            collected.files.push(path.clone());
        } else {
            return Err(not_found(path).to_string());
        }
    }
    Ok(collected)
}

/// An explicit work list instead of recursion, so deep folder trees cost no Rust stack. Each
/// folder is walked once, by its canonical path: a link back to a folder above (a cycle) or
/// a second link to one folder is skipped, with a notice.
fn walk(
    root: &Path,
    files: &mut Vec<PathBuf>,
    walked: &mut std::collections::HashSet<PathBuf>,
    notices: &mut Vec<String>,
) -> std::io::Result<()> {
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let canonical = dir.canonicalize()?;
        if !walked.insert(canonical.clone()) {
            notices.push(format!(
                "{}: skipped, a link to a folder already searched ({})",
                dir.display(),
                canonical.display()
            ));
            continue;
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        let mut subdirs = Vec::new();
        for entry in entries {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with('.') {
                continue;
            }
            if entry.is_dir() {
                subdirs.push(entry);
            } else if runnable_name(name) {
                files.push(entry);
            }
        }
        // Reversed so the stack pops them in name order.
        todo.extend(subdirs.into_iter().rev());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn headers() {
        let src =
            ";;! design = \"raw-stacks\"\n;; a comment\n;;! fuel = 1_000\n(module)\n;;! fuel = 5\n";
        let headers = script_headers(src).unwrap();
        assert_eq!(
            headers,
            Headers {
                design: Some(Design::RawStacks),
                fuel: Some(1000),
                ..Headers::default()
            }
        );
        assert!(script_headers(";;! design = \"nope\"\n").is_err());
        assert!(script_headers(";;! fuel = lots\n").is_err());
    }

    #[test]
    fn other_engines_headers() {
        let src =
            ";;! gc = true\n;;! stack_switching = true\n;;! colour = red\n;;! colour = blue\n\
                   ;;! hogs_memory = true\n;;! exceptions = false\n;;! wide_arithmetic = true\n\
                   ;;! threads = false\n;;! component_model_async = true\n;;! bulk-memory = yes\n\
                   ;;! no value here\n(module)\n";
        let headers = script_headers(src).unwrap();
        assert_eq!(
            headers.missing_features,
            vec!["wide_arithmetic", "component_model_async"]
        );
        let notices: Vec<(&str, &str)> = headers
            .notices
            .iter()
            .map(|n| (n.key.as_str(), n.message.as_str()))
            .collect();
        assert_eq!(
            notices,
            vec![
                ("colour", "unknown key; ignored"),
                (
                    "hogs_memory",
                    "a setting of another engine, not of the language; ignored"
                ),
                (
                    "exceptions",
                    "Switchyard cannot turn a feature off; the script runs with it on"
                ),
                (
                    "bulk-memory",
                    "a feature key takes `true` or `false`; ignored"
                ),
                (
                    "no value here",
                    "not of the form `;;! key = value`; ignored"
                ),
            ]
        );
        assert_eq!(feature_key("function-references"), FeatureKey::Implemented);
        assert_eq!(feature_key("relaxed_simd"), FeatureKey::Implemented);
        assert_eq!(feature_key("threads"), FeatureKey::Missing);
    }

    #[test]
    fn designs_from_folders() {
        let path = Path::new("spec-tests/core/stack-switching/cont.wast");
        assert_eq!(folder_design(path), Some(Design::TypedCont));
        let path = Path::new("testsuite/effect-handlers/gen.wast");
        assert_eq!(
            choose_design(None, &Headers::default(), path),
            Design::EffectHandlers
        );
        let headers = Headers {
            design: Some(Design::RawStacks),
            ..Headers::default()
        };
        assert_eq!(choose_design(None, &headers, path), Design::RawStacks);
        assert_eq!(
            choose_design(Some(Design::TypedCont), &headers, path),
            Design::TypedCont
        );
        assert_eq!(folder_design(Path::new("core/i32.wast")), None);
    }
}
