//! Diagnostics: source spans, the error classes of the spec's reference interpreter, and their
//! rendering with codespan-reporting.

use std::fmt;

/// A byte range in a source: the `.wast` text, or the bytes of a binary module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const NONE: Span = Span { start: 0, end: 0 };
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The class of an error, as in the reference interpreter: each class is one script outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Text or binary that is not well-formed (`assert_malformed`).
    Malformed,
    /// A module that does not validate (`assert_invalid`).
    Invalid,
    /// Imports that do not match (`assert_unlinkable`).
    Link,
    /// A trap (`assert_trap`, `assert_uninstantiable`).
    Trap,
    /// Call depth, fuel or live-continuation budget used up (`assert_exhaustion`).
    Exhaustion,
    /// An exception reached the host (`assert_exception`).
    Exception,
    /// A suspension reached the host: "unhandled tag" (`assert_suspension`).
    Suspension,
    /// Something that cannot happen in valid code: a bug in Switchyard.
    Crash,
    /// A malformed script, or a directive the runner cannot carry out.
    Script,
}

impl ErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Malformed => "malformed",
            ErrorKind::Invalid => "invalid",
            ErrorKind::Link => "unlinkable",
            ErrorKind::Trap => "trap",
            ErrorKind::Exhaustion => "exhaustion",
            ErrorKind::Exception => "exception",
            ErrorKind::Suspension => "suspension",
            ErrorKind::Crash => "crash",
            ErrorKind::Script => "script error",
        }
    }
}

/// An error: its class, the message (matched by prefix against the official suite's texts) and
/// where it happened, if known. For binary modules the span is a byte offset range into the
/// module's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Option<Span>,
    /// The reduction rule that ended in this error, when the code that raised it knows it
    /// better than the instruction at the redex does (`stack-uncaught` out of a `throw`).
    /// Read by rule coverage (`crate::coverage`); not part of the message.
    pub rule: Option<&'static str>,
    /// Other places that explain the error, each with a short message (where the file ended
    /// while a `(` was still open, ...): secondary labels of its diagnostic.
    pub labels: Vec<(Span, String)>,
    /// The Wasm activations when a run ended in this error (traps, exhaustion, suspensions):
    /// shown under the diagnostic, never part of the message.
    pub backtrace: Option<Box<Backtrace>>,
}

/// The activations on a thread when an error ended its run, innermost first. A long one keeps
/// its ends: `inner`, then `elided` frames left out, then `outer`; a run of one function
/// calling itself at the same place is one entry with a count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Backtrace {
    pub inner: Vec<TraceFrame>,
    pub elided: usize,
    pub outer: Vec<TraceFrame>,
}

impl Backtrace {
    /// Every entry kept, innermost first.
    pub fn frames(&self) -> impl Iterator<Item = &TraceFrame> {
        self.inner.iter().chain(&self.outer)
    }
}

/// One activation of a backtrace (or a run of identical ones).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    /// `$name` from the source or the name section, else the index (`func 3`).
    pub func: String,
    /// The store address of the module instance the function belongs to: which module `span`
    /// points into.
    pub instance: u32,
    /// The `$id` of that module, if it has one.
    pub module: Option<String>,
    /// The instruction being executed: the one that failed in the innermost frame, the call
    /// in the others.
    pub span: Option<Span>,
    /// How many identical activations (recursion at the same place) this entry stands for.
    pub repeat: usize,
    /// Not on the host's own stack: `continuation`, `stack` (raw-stacks), `handler`
    /// (effect-handlers) or `callback` (a host function called back into Wasm).
    pub on: Option<&'static str>,
}

/// `1234567` as `1,234,567`, for counts in messages and traces.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>, span: Option<Span>) -> Error {
        Error {
            kind,
            message: message.into(),
            span,
            rule: None,
            labels: Vec::new(),
            backtrace: None,
        }
    }
    pub fn malformed(message: impl Into<String>, span: Span) -> Error {
        Error::new(ErrorKind::Malformed, message, Some(span))
    }
    pub fn invalid(message: impl Into<String>, span: Span) -> Error {
        Error::new(ErrorKind::Invalid, message, Some(span))
    }
    pub fn link(message: impl Into<String>, span: Option<Span>) -> Error {
        Error::new(ErrorKind::Link, message, span)
    }
    pub fn trap(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Trap, message, None)
    }
    pub fn exhaustion(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Exhaustion, message, None)
    }
    pub fn crash(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Crash, message, None)
    }
    pub fn script(message: impl Into<String>, span: Span) -> Error {
        Error::new(ErrorKind::Script, message, Some(span))
    }
    /// The same error, naming the rule that raised it (see `rule`).
    pub fn by_rule(mut self, rule: &'static str) -> Error {
        self.rule = Some(rule);
        self
    }
    /// The same error with one more secondary label (see `labels`).
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Error {
        self.labels.push((span, message.into()));
        self
    }
    /// The same error with the activations it ended (kept if it already has some: the
    /// innermost run that failed saw the most).
    pub fn with_backtrace(mut self, backtrace: Backtrace) -> Error {
        if self.backtrace.is_none() {
            self.backtrace = Some(Box::new(backtrace));
        }
        self
    }
    pub fn with_span(mut self, span: Span) -> Error {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Lines longer than this are shown in part.
const LONG_LINE: usize = 200;

/// Renders a diagnostic about `span` in `source` (named `name`) with codespan-reporting: the
/// title, `file:line:col`, the source line with the span marked, then the notes. Spans past
/// the end of the source are clamped to it.
pub fn render(
    name: &str,
    source: &str,
    span: Span,
    title: &str,
    label: &str,
    notes: &[String],
    color: bool,
) -> String {
    render_labelled(name, source, span, title, label, &[], notes, color)
}

/// A span clamped to `source` and widened to character boundaries.
fn clamp(source: &str, span: Span) -> (usize, usize) {
    let mut start = (span.start as usize).min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

/// The source as codespan-reporting sees it, with one line possibly cut down to a window (see
/// `render_labelled`): the location in the header is that of the whole line, so the column
/// stays right.
struct Shown<'a> {
    file: codespan_reporting::files::SimpleFile<&'a str, &'a str>,
    /// The 0-based index of the shortened line, and how many characters of it were left out
    /// before the window (less the `...` that stands for them).
    cut: Option<(usize, usize)>,
}

impl<'a> codespan_reporting::files::Files<'a> for Shown<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.file.name())
    }
    fn source(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.file.source())
    }
    fn line_index(&'a self, id: (), at: usize) -> Result<usize, codespan_reporting::files::Error> {
        self.file.line_index(id, at)
    }
    fn line_range(
        &'a self,
        id: (),
        line: usize,
    ) -> Result<std::ops::Range<usize>, codespan_reporting::files::Error> {
        self.file.line_range(id, line)
    }
    fn column_number(
        &'a self,
        id: (),
        line: usize,
        at: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let column = self.file.column_number(id, line, at)?;
        Ok(match self.cut {
            Some((cut_line, left_out)) if cut_line == line => column + left_out,
            _ => column,
        })
    }
}

/// `render` with secondary labels: other places that explain the error (where an unclosed
/// `(` was still open when the file ended, ...), each with its message.
#[allow(clippy::too_many_arguments)]
pub fn render_labelled(
    name: &str,
    source: &str,
    span: Span,
    title: &str,
    label: &str,
    secondary: &[(Span, String)],
    notes: &[String],
    color: bool,
) -> String {
    use codespan_reporting::diagnostic::{Diagnostic, Label};
    use codespan_reporting::files::SimpleFile;
    use codespan_reporting::term::{self, termcolor::Buffer};

    let (start, mut end) = clamp(source, span);
    // Show only the first line of a long span: the rest is the directive's body.
    if let Some(newline) = source[start..end].find('\n') {
        end = start + newline;
    }
    let mut secondary: Vec<(usize, usize, &str)> = secondary
        .iter()
        .map(|(span, message)| {
            let (from, mut to) = clamp(source, *span);
            if let Some(newline) = source[from..to].find('\n') {
                to = from + newline;
            }
            (from, to, message.as_str())
        })
        .collect();
    // A very long line (generated tests) is cut down to a window around the span; the lines
    // before it become empty so the line number stays right, and `Shown` keeps the column.
    let line_start = source[..start].rfind('\n').map_or(0, |p| p + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |p| start + p);
    let shortened;
    let (shown, start, end, cut) = if line_end - line_start > LONG_LINE {
        let mut from = start.saturating_sub(60).max(line_start);
        while !source.is_char_boundary(from) {
            from -= 1;
        }
        // The window stays short even when the span covers the whole line (a generated
        // directive of a megabyte): the mark is cut with it.
        let mut to = (from + LONG_LINE).min(line_end);
        while !source.is_char_boundary(to) {
            to += 1;
        }
        let line = source[..line_start].matches('\n').count();
        shortened = format!("{}...{}...", "\n".repeat(line), &source[from..to]);
        let offset = line + 3;
        let shift = |at: usize| at.clamp(from, to) - from + offset;
        // Only the labels inside the window can be shown.
        secondary.retain(|&(a, b, _)| a >= from && b <= to);
        for label in &mut secondary {
            *label = (shift(label.0), shift(label.1), label.2);
        }
        // `...` stands for the characters before the window: 3 columns of the shown line.
        let left_out = source[line_start..from].chars().count();
        let cut = (from > line_start).then(|| (line, left_out - 3.min(left_out)));
        (shortened.as_str(), shift(start), shift(end.min(to)), cut)
    } else {
        (source, start, end, None)
    };
    let files = Shown {
        file: SimpleFile::new(name, shown),
        cut,
    };
    let mut labels = vec![Label::primary((), start..end).with_message(label)];
    labels.extend(
        secondary
            .iter()
            .map(|&(a, b, message)| Label::secondary((), a..b).with_message(message)),
    );
    let diagnostic = Diagnostic::error()
        .with_message(title)
        .with_labels(labels)
        .with_notes(notes.to_vec());
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = term::Config::default();
    match term::emit(&mut buffer, &config, &files, &diagnostic) {
        Ok(()) => String::from_utf8_lossy(buffer.as_slice()).into_owned(),
        Err(err) => format!("error: {title}\n  --> {name}: {err}\n"),
    }
}

/// The text of a source file: its bytes as UTF-8, each invalid sequence replaced by U+FFFD,
/// and a "malformed UTF-8 encoding" error at each replacement, so a parser can fail the one
/// directive holding it and the diagnostic shows the line (and the right column) around it.
pub fn decode_source(bytes: &[u8]) -> (String, Vec<Error>) {
    let mut text = String::with_capacity(bytes.len());
    let mut errors = Vec::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            let at = text.len();
            text.push(char::REPLACEMENT_CHARACTER);
            errors.push(Error::malformed(
                "malformed UTF-8 encoding",
                Span::new(at, text.len()),
            ));
        }
    }
    (text, errors)
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

/// 1-based line and column (in characters) of a byte offset.
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
    fn lines_and_columns() {
        let src = "(module)\n;; é\n(assert_return (invoke \"f\"))\n";
        let lines = Lines::new(src);
        assert_eq!(lines.line(0), 1);
        assert_eq!(lines.line(src.find("(assert").unwrap()), 3);
        assert_eq!(line_col(src, src.find('é').unwrap() + 2), (2, 5));
    }

    #[test]
    fn a_shortened_line_keeps_its_column() {
        let src = format!("(module)\n{}(bad é)\n", " ".repeat(300));
        let at = src.find("(bad").unwrap();
        let text = render("t.wast", &src, Span::new(at, at + 4), "t", "l", &[], false);
        assert!(text.contains("t.wast:2:301\n"), "{text}");
        assert!(text.contains("(bad é)...\n"), "{text}");
        // A secondary label outside the window is left out, one inside is kept.
        let text = render_labelled(
            "t.wast",
            &src,
            Span::new(at, at + 4),
            "t",
            "l",
            &[
                (Span::new(0, 1), "far".into()),
                (Span::new(at + 5, at + 7), "near".into()),
            ],
            &[],
            false,
        );
        assert!(!text.contains("far") && text.contains("near"), "{text}");
    }

    #[test]
    fn invalid_utf8_is_replaced_and_located() {
        let (text, errors) = decode_source(b"(module)\n;; a \xff b\n");
        assert_eq!(text, "(module)\n;; a \u{fffd} b\n");
        let spans: Vec<Option<Span>> = errors.iter().map(|e| e.span).collect();
        assert_eq!(spans, vec![Some(Span::new(14, 17))]);
        assert_eq!(line_col(&text, 14), (2, 6));
    }
}
