//! How a failed directive is shown: which place is the primary one, what else is marked, and
//! the Wasm backtrace of a run that ended in an error.
//!
//! A run-time error (a trap, an exhaustion, an unhandled suspension, an uncaught exception, a
//! crash) is the directive's failure: the directive is the primary place, the instruction
//! inside the module that failed is a secondary one, and a note lists the activations,
//! innermost first. An error about the module itself (malformed, invalid, unlinkable) is shown
//! where it is in the module's text.

use std::rc::Rc;

use super::Detail;
use crate::diag::Lines;
use crate::diag::{Backtrace, Error, ErrorKind, Span, TraceFrame};

/// A text that the spans of some modules point into: the script being run, or a `.wast` file
/// it inputs.
pub struct SourceText {
    /// As shown in positions (`gen.wast`).
    pub name: String,
    pub text: String,
    lines: Lines,
}

impl SourceText {
    pub fn new(name: String, text: String) -> SourceText {
        let lines = Lines::new(&text);
        SourceText { name, text, lines }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.lines.line(offset);
        let start = self.text[..offset].rfind('\n').map_or(0, |p| p + 1);
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |t| t.chars().count() + 1);
        (line, column)
    }

    /// `name:line:col`.
    pub fn position(&self, span: Span) -> String {
        let (line, column) = self.line_col(span.start as usize);
        format!("{}:{line}:{column}", self.name)
    }
}

/// Where a module came from, which says what its spans point into.
#[derive(Clone)]
pub enum Origin {
    /// A text module: its spans point into this text.
    Text(Rc<SourceText>),
    /// A binary module (`module binary`, a `.wasm` input): its spans are byte offsets.
    Binary,
    /// A quoted module (`module quote`, a `.wat` input): its spans point into a text that is
    /// not kept.
    Quote,
}

impl Origin {
    /// Do this module's spans point into `text`?
    pub fn is_in(&self, text: Option<&Rc<SourceText>>) -> bool {
        match (self, text) {
            (Origin::Text(own), Some(text)) => Rc::ptr_eq(own, text),
            _ => false,
        }
    }

    /// Where `span` is, in words: `gen.wast:3:5`, `byte 0x1f of a binary module`.
    fn position(&self, span: Option<Span>) -> Option<String> {
        match (self, span) {
            (Origin::Text(text), Some(span)) => Some(text.position(span)),
            (Origin::Binary, Some(span)) => {
                Some(format!("byte {:#x} of a binary module", span.start))
            }
            (Origin::Quote, _) => Some("in a quoted module".to_string()),
            _ => None,
        }
    }
}

/// Where a failure is shown: the primary place (`None`: the whole directive) and the rest.
#[derive(Default)]
pub struct Place {
    pub focus: Option<Span>,
    pub detail: Detail,
}

impl Place {
    pub fn at(focus: Option<Span>) -> Place {
        Place {
            focus,
            detail: Detail::default(),
        }
    }
}

/// Errors of a run, which happened inside the module while the directive ran: they are shown
/// at the directive.
pub fn is_runtime(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Trap
            | ErrorKind::Exhaustion
            | ErrorKind::Suspension
            | ErrorKind::Exception
            | ErrorKind::Crash
    )
}

/// The label of the place inside the module where a run-time error happened.
fn site_label(err: &Error, func: Option<&str>) -> String {
    let what = match err.kind {
        ErrorKind::Trap => "trapped here",
        ErrorKind::Exhaustion => "ran out here",
        ErrorKind::Suspension => "unhandled suspension here",
        ErrorKind::Exception => "thrown here",
        _ => "failed here",
    };
    match func {
        Some(func) => format!("{what}, in {func}"),
        None => what.to_string(),
    }
}

/// How to show a run-time error (`is_runtime`). `origin_of` gives the origin of a module
/// instance (by store address, `TraceFrame::instance`), when known; `fallback` is the origin
/// of the module the directive ran (for an instance that never finished instantiating, and
/// for an error without a backtrace). `script` is the text the diagnostic shows.
pub fn runtime_place(
    err: &Error,
    origin_of: &dyn Fn(u32) -> Option<Origin>,
    fallback: &Origin,
    script: Option<&Rc<SourceText>>,
) -> Place {
    let origin = |instance: u32| origin_of(instance).unwrap_or_else(|| fallback.clone());
    let innermost = err.backtrace.as_deref().and_then(|b| b.frames().next());
    let site_origin = innermost.map_or_else(|| fallback.clone(), |f| origin(f.instance));
    let mut detail = Detail::default();
    if let Some(span) = err.span {
        if site_origin.is_in(script) {
            let func = innermost.map(|f| f.func.as_str());
            detail.secondary.push((span, site_label(err, func)));
        }
    }
    if let Some(backtrace) = err.backtrace.as_deref() {
        if backtrace.frames().next().is_some() {
            detail.notes.push(backtrace_note(backtrace, &origin));
        }
    }
    Place {
        focus: None,
        detail,
    }
}

/// The backtrace as one note:
///
/// ```text
/// backtrace, innermost first:
///   0: $boom at trapsite.wast:3:5
///   1: $outer at trapsite.wast:4:46
/// ```
pub fn backtrace_note(backtrace: &Backtrace, origin: &dyn Fn(u32) -> Origin) -> String {
    let mut instances: Vec<u32> = backtrace.frames().map(|f| f.instance).collect();
    instances.sort_unstable();
    instances.dedup();
    let several = instances.len() > 1;
    let mut text = "backtrace, innermost first:".to_string();
    let mut depth = 0usize;
    for frame in &backtrace.inner {
        text.push_str(&frame_line(frame, depth, several, origin));
        depth += frame.repeat;
    }
    if backtrace.elided > 0 {
        text.push_str(&format!(
            "\n  ... {} more {} ...",
            crate::diag::thousands(backtrace.elided as u64),
            if backtrace.elided == 1 {
                "frame"
            } else {
                "frames"
            }
        ));
        depth += backtrace.elided;
    }
    for frame in &backtrace.outer {
        text.push_str(&frame_line(frame, depth, several, origin));
        depth += frame.repeat;
    }
    text
}

fn frame_line(
    frame: &TraceFrame,
    depth: usize,
    several: bool,
    origin: &dyn Fn(u32) -> Origin,
) -> String {
    let index = if frame.repeat > 1 {
        format!("{}-{}", depth, depth + frame.repeat - 1)
    } else {
        depth.to_string()
    };
    let mut line = format!("\n  {index}: {}", frame.func);
    if several {
        if let Some(module) = &frame.module {
            line.push_str(&format!(" in ${module}"));
        }
    }
    if let Some(position) = origin(frame.instance).position(frame.span) {
        if position.starts_with("in ") {
            line.push_str(&format!(" {position}"));
        } else {
            line.push_str(&format!(" at {position}"));
        }
    }
    if frame.repeat > 1 {
        line.push_str(&format!(
            " ({} times)",
            crate::diag::thousands(frame.repeat as u64)
        ));
    }
    if let Some(on) = frame.on {
        line.push_str(&format!(", on a {on}"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn frame(func: &str, instance: u32, at: u32, repeat: usize) -> TraceFrame {
        TraceFrame {
            func: func.to_string(),
            instance,
            module: Some(format!("M{instance}")),
            span: Some(Span::new(at as usize, at as usize + 1)),
            repeat,
            on: None,
        }
    }

    #[test]
    fn backtrace_lines() {
        let text = Rc::new(SourceText::new(
            "t.wast".to_string(),
            "(module\n  (func $f\n    unreachable))\n".to_string(),
        ));
        let origin = |i: u32| {
            if i == 0 {
                Origin::Text(text.clone())
            } else {
                Origin::Binary
            }
        };
        let backtrace = Backtrace {
            inner: vec![frame("$f", 0, 23, 1), frame("$g", 0, 10, 3)],
            elided: 12_000,
            outer: vec![frame("func 2", 1, 0x1f, 1)],
        };
        assert_eq!(
            backtrace_note(&backtrace, &origin),
            "backtrace, innermost first:\n  0: $f in $M0 at t.wast:3:5\n  \
             1-3: $g in $M0 at t.wast:2:3 (3 times)\n  ... 12,000 more frames ...\n  \
             12004: func 2 in $M1 at byte 0x1f of a binary module"
        );
    }
}
