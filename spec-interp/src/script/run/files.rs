//! Which files a run covers, and the per-file settings: the design and the `;;!` header lines.

use std::path::{Path, PathBuf};

use crate::design::Design;
use crate::diag::{Error, Result, Span};

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
}

/// Reads the leading `;;!` lines (blank lines and ordinary comments may come between them).
pub fn script_headers(src: &str) -> Result<Headers> {
    let mut headers = Headers::default();
    let mut offset = 0usize;
    for line in src.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let text = line.trim();
        if text.is_empty() || (text.starts_with(";;") && !text.starts_with(";;!")) {
            continue;
        }
        let Some(rest) = text.strip_prefix(";;!") else {
            break;
        };
        let span = Span::new(start, start + line.trim_end().len());
        let (key, value) = rest
            .split_once('=')
            .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
            .ok_or_else(|| Error::script("expected `;;! key = value`", span))?;
        match key {
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
            _ => return Err(Error::script(format!("unknown header `{key}`"), span)),
        }
    }
    Ok(headers)
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

/// The `.wast` files named by `paths` (folders are walked recursively, in name order).
pub fn collect_wast_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files)?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{}: no such file or folder", path.display()),
            ));
        }
    }
    Ok(files)
}

/// An explicit work list instead of recursion, so deep folder trees cost no Rust stack.
fn walk(root: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
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
            } else if name.ends_with(".wast") {
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
                call_depth: None,
                relaxed: None,
            }
        );
        assert!(script_headers(";;! colour = red\n").is_err());
        let relaxed = script_headers(";;! relaxed = \"x86\"\n").unwrap().relaxed;
        assert_eq!(relaxed, Some(crate::simd::Relaxed::X86));
        let err = script_headers(";;! relaxed = \"arm\"\n").unwrap_err();
        assert!(err.message.starts_with("unknown relaxed SIMD choice `arm`"));
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
