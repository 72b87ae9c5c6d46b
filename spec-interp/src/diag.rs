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
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>, span: Option<Span>) -> Error {
        Error {
            kind,
            message: message.into(),
            span,
            rule: None,
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
    use codespan_reporting::diagnostic::{Diagnostic, Label};
    use codespan_reporting::files::SimpleFile;
    use codespan_reporting::term::{self, termcolor::Buffer};

    let mut start = (span.start as usize).min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    // Show only the first line of a long span: the rest is the directive's body.
    if let Some(newline) = source[start..end].find('\n') {
        end = start + newline;
    }
    let mut notes = notes.to_vec();
    // A very long line (generated tests) is cut down to a window around the span; the lines
    // before it become empty so the line number stays right, and a note gives the column.
    let line_start = source[..start].rfind('\n').map_or(0, |p| p + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |p| start + p);
    let shortened;
    let (source, start, end) = if line_end - line_start > LONG_LINE {
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
        let column = source[line_start..start].chars().count() + 1;
        notes.push(format!(
            "line {} column {column} (the line is shortened here)",
            line + 1
        ));
        shortened = format!("{}...{}...", "\n".repeat(line), &source[from..to]);
        let offset = line + 3;
        (
            shortened.as_str(),
            start - from + offset,
            end.min(to) - from + offset,
        )
    } else {
        (source, start, end)
    };
    let file = SimpleFile::new(name, source);
    let diagnostic = Diagnostic::error()
        .with_message(title)
        .with_labels(vec![Label::primary((), start..end).with_message(label)])
        .with_notes(notes);
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = term::Config::default();
    match term::emit(&mut buffer, &config, &file, &diagnostic) {
        Ok(()) => String::from_utf8_lossy(buffer.as_slice()).into_owned(),
        Err(err) => format!("error: {title}\n  --> {name}: {err}\n"),
    }
}
