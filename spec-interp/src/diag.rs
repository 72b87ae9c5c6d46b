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

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>, span: Option<Span>) -> Error {
        Error {
            kind,
            message: message.into(),
            span,
            rule: None,
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
    render_with(name, source, span, title, label, &[], notes, color)
}

/// The byte range of `span` in `source`, on char boundaries, cut at the end of its first line
/// (the rest of a directive is its body).
fn first_line_range(source: &str, span: Span) -> (usize, usize) {
    let mut start = (span.start as usize).min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    if let Some(newline) = source[start..end].find('\n') {
        end = start + newline;
    }
    (start, end)
}

/// Is the line holding byte `at` longer than `LONG_LINE`?
fn on_long_line(source: &str, at: usize) -> bool {
    let line_start = source[..at].rfind('\n').map_or(0, |p| p + 1);
    let line_end = source[at..].find('\n').map_or(source.len(), |p| at + p);
    line_end - line_start > LONG_LINE
}

/// `render`, with secondary labels: other places in the same source, each marked with its
/// text (a trap site inside the module of a failed directive). A secondary place on a very
/// long line, or next to a primary one on a very long line, becomes a note with its line and
/// column instead.
#[allow(clippy::too_many_arguments)]
pub fn render_with(
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

    let (start, end) = first_line_range(source, span);
    let mut notes = notes.to_vec();
    let primary_long = on_long_line(source, start);
    let mut labels = Vec::new();
    for (place, text) in secondary {
        let (from, to) = first_line_range(source, *place);
        if primary_long || on_long_line(source, from) {
            let line = source[..from].matches('\n').count() + 1;
            let line_start = source[..from].rfind('\n').map_or(0, |p| p + 1);
            let column = source[line_start..from].chars().count() + 1;
            notes.insert(0, format!("{text}: line {line} column {column}"));
        } else {
            labels.push(Label::secondary((), from..to).with_message(text.as_str()));
        }
    }
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
    let mut all = vec![Label::primary((), start..end).with_message(label)];
    all.extend(labels);
    let diagnostic = Diagnostic::error()
        .with_message(title)
        .with_labels(all)
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
