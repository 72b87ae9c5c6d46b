//! The Wasm backtrace of an error: the activations on the thread when a run ended, innermost
//! first, with the functions' names and the instruction each one was at. It is read off the
//! configuration (the frames are data), so it costs nothing until an error happens.
//!
//! Legend: `s` store, `th` thread, `sg` segment, `fr` frame.

use super::thread::{Frame, Prompt, Segment, Thread};
use super::Store;
use crate::diag::{Backtrace, TraceFrame};
use crate::runtime::Addr;
use crate::syntax::ExternIdx;

/// Entries kept from the innermost end of a long backtrace.
const INNER: usize = 12;
/// Entries kept from the outermost end.
const OUTER: usize = 3;

/// The activations of `th`, innermost first; runs of identical activations (a recursion at the
/// same place) are one entry each, and only the ends of a long list are kept. Walks every frame
/// once (a deep recursion costs as many steps as it has frames, after the run ended).
pub fn capture(s: &Store, th: &Thread) -> Backtrace {
    // (segment index, frame index) of each entry's first frame, and its repeat count.
    let mut runs: Vec<((usize, usize), usize)> = Vec::new();
    let mut last: Option<(usize, u32, u32, u32)> = None;
    for (si, sg) in th.segs.iter().enumerate().rev() {
        for (fi, fr) in sg.frames.iter().enumerate().rev() {
            let key = Some((si, fr.inst, fr.code.func_idx, fr.pc));
            match runs.last_mut() {
                Some((_, n)) if last == key => *n += 1,
                _ => runs.push(((si, fi), 1)),
            }
            last = key;
        }
    }
    let entry = |&((si, fi), repeat): &((usize, usize), usize)| {
        let sg = &th.segs[si];
        frame(s, &sg.frames[fi], sg, repeat)
    };
    if runs.len() <= INNER + OUTER {
        return Backtrace {
            inner: runs.iter().map(entry).collect(),
            elided: 0,
            outer: Vec::new(),
        };
    }
    let middle = &runs[INNER..runs.len() - OUTER];
    Backtrace {
        inner: runs[..INNER].iter().map(entry).collect(),
        elided: middle.iter().map(|(_, n)| n).sum(),
        outer: runs[runs.len() - OUTER..].iter().map(entry).collect(),
    }
}

/// One entry. A frame's `pc` is one past the instruction it is at: the failing one in the
/// innermost frame, the call in the others.
fn frame(s: &Store, fr: &Frame, sg: &Segment, repeat: usize) -> TraceFrame {
    TraceFrame {
        on: on(&sg.prompt),
        ..frame_of(s, fr, repeat)
    }
}

/// What a segment's frames run on, when not on the host's own stack.
fn on(prompt: &Prompt) -> Option<&'static str> {
    match prompt {
        Prompt::Root => None,
        Prompt::Unset | Prompt::Resume { .. } => Some("continuation"),
        Prompt::Handle(_) => Some("handler"),
        Prompt::Host => Some("callback"),
        Prompt::Stack => Some("stack"),
    }
}

/// The entry of one frame, on the host's stack.
fn frame_of(s: &Store, fr: &Frame, repeat: usize) -> TraceFrame {
    let module = s.modules.get(fr.inst as usize).map(|m| &m.module);
    let idx = fr.code.func_idx;
    let func = if idx == u32::MAX {
        "a constant expression".to_string()
    } else {
        match module.and_then(|m| m.names.funcs.get(&idx)) {
            Some(name) => format!("${name}"),
            None => {
                // No name: the export, if any, says which function it is.
                let export = module.and_then(|m| {
                    m.exports
                        .iter()
                        .find(|e| e.desc == ExternIdx::Func(idx))
                        .map(|e| e.name.as_str())
                });
                match export {
                    Some(name) => format!("func {idx} (export {name:?})"),
                    None => format!("func {idx}"),
                }
            }
        }
    };
    TraceFrame {
        func,
        instance: fr.inst,
        module: module.and_then(|m| m.id.clone()),
        span: fr.code.span(fr.pc.saturating_sub(1) as usize),
        repeat,
        on: None,
    }
}

/// The tag at store address `a` as its first module calls it: `$e`, else its index there
/// (`2`), else its address (`@7`, a tag no module instance holds: a host's).
pub fn tag_name(s: &Store, a: Addr) -> String {
    for m in &s.modules {
        if let Some(x) = m.tags.iter().position(|&t| t == a) {
            return match m.module.names.tags.get(&(x as u32)) {
                Some(name) => format!("${name}"),
                None => x.to_string(),
            };
        }
    }
    format!("@{a}")
}

/// The innermost activation, kept cheaply while an exception unwinds the frames (which a
/// backtrace would read): where it was thrown.
pub struct Site(Frame, Option<&'static str>);

impl Site {
    /// The top frame of `th`, if it has one.
    pub fn of(th: &Thread) -> Option<Site> {
        let sg = th.segs.last()?;
        let fr = sg.frames.last()?;
        Some(Site(fr.clone(), on(&sg.prompt)))
    }

    /// The backtrace of just this activation.
    pub fn backtrace(&self, s: &Store) -> Backtrace {
        let mut frame = frame_of(s, &self.0, 1);
        frame.on = self.1;
        Backtrace {
            inner: vec![frame],
            elided: 0,
            outer: Vec::new(),
        }
    }

    pub fn span(&self) -> Option<crate::diag::Span> {
        self.0.code.span(self.0.pc.saturating_sub(1) as usize)
    }
}
