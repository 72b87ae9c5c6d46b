//! A light scan of a script's top-level forms, independent of the real parser: it lets the
//! runner count and locate directives when `text::parse_script` rejects the file, and run the
//! directives that come before the one it could not parse.

use crate::diag::Span;

/// The byte ranges of the top-level parenthesized forms of `src`, skipping comments and strings.
/// An unterminated form runs to the end of the source.
pub fn top_level_forms(src: &str) -> Vec<Span> {
    let bytes = src.as_bytes();
    let mut forms = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b';' if bytes.get(i + 1) == Some(&b';') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' if bytes.get(i + 1) == Some(&b';') => {
                i = skip_block_comment(bytes, i);
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i);
                continue;
            }
            b'(' => {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
            b')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    forms.push(Span::new(start, i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        forms.push(Span::new(start, bytes.len()));
    }
    forms
}

/// `(; ... ;)`, nested; returns the index after the comment (or the end of the source).
fn skip_block_comment(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'(' && bytes.get(i + 1) == Some(&b';') {
            depth += 1;
            i += 2;
        } else if bytes[i] == b';' && bytes.get(i + 1) == Some(&b')') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// A string literal starting at the quote `i`; returns the index after its closing quote.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// The keyword opening a form (`module`, `assert_return`, ...), for reports about forms the
/// parser did not read.
pub fn form_keyword(src: &str, form: Span) -> &str {
    let text = &src[form.range()];
    let text = text.strip_prefix('(').unwrap_or(text).trim_start();
    let end = text
        .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .unwrap_or(text.len());
    &text[..end]
}

/// The line starts of a source, for looking up many lines at O(log n) each.
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(src: &str) -> Lines {
        let newlines = src
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1);
        Lines {
            starts: std::iter::once(0).chain(newlines).collect(),
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = src[line_start..offset].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn forms_skip_comments_and_strings() {
        let src = ";; (not a form)\n(module (; ( ;) \")\")\n(assert_return (invoke \"f\"))\n(; (x) ;)(bad";
        let forms = top_level_forms(src);
        let texts: Vec<&str> = forms.iter().map(|s| &src[s.range()]).collect();
        assert_eq!(
            texts,
            vec![
                "(module (; ( ;) \")\")",
                "(assert_return (invoke \"f\"))",
                "(bad"
            ]
        );
        assert_eq!(form_keyword(src, forms[1]), "assert_return");
        assert_eq!(line_col(src, forms[1].start as usize), (3, 1));
        let lines = Lines::new(src);
        let found: Vec<usize> = forms.iter().map(|f| lines.line(f.start as usize)).collect();
        assert_eq!(found, vec![2, 3, 4]);
        assert_eq!(lines.line(0), 1);
    }
}
