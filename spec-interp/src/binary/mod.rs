//! Binary format (spec chapter 5), decoded with nom 8.
//!
//! `values` holds the nom parsers for the primitive values (LEB128 integers, floats, names); the
//! module structure (sections, types, instructions) is a hand-written decoder on top of them, a
//! cursor over the whole module. Like the reference interpreter, a section is decoded from the
//! whole remaining input and its size is checked afterwards ("section size mismatch"), so the
//! error texts and their order are the official suite's.
//!
//! Instructions come out flat (`Block`/`Loop`/`If`/`Else`/`End`/`TryTable` markers, as in the
//! binary), decoded by a loop with an explicit stack of open constructs, never by recursion.

pub(crate) mod instr;
mod sections;
mod types;
pub(crate) mod values;

#[cfg(test)]
mod tests;

use crate::design::Design;
use crate::diag::{Error, Result, Span};
use crate::syntax::Module;
use nom::Parser;
use values::{ValueError, UNEXPECTED_END};

/// Decodes a binary module. Errors carry the byte offset range where decoding failed.
pub fn decode_module(bytes: &[u8], design: Design) -> Result<Module> {
    let mut decoder = Decoder::new(bytes, design);
    sections::module(&mut decoder)
}

/// A cursor over the bytes of one module, shared by the core decoder and the designs' binary
/// forms (`<design>::binary`).
pub(crate) struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    pub(crate) design: Design,
    /// Some function body names a data segment (`memory.init`, `data.drop`, `array.new_data`,
    /// `array.init_data`): the module then needs a data count section.
    pub(crate) uses_data: bool,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(bytes: &'a [u8], design: Design) -> Self {
        Decoder {
            bytes,
            pos: 0,
            design,
            uses_data: false,
        }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// Rewinds to an earlier position (for the spec's "either" alternatives).
    pub(crate) fn reset(&mut self, pos: usize) {
        self.pos = pos;
    }

    pub(crate) fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.pos)
    }

    pub(crate) fn error_at(&self, pos: usize, message: impl Into<String>) -> Error {
        let end = (pos + 1).min(self.bytes.len()).max(pos);
        Error::malformed(message, Span::new(pos, end))
    }

    /// Runs a nom parser of `values` at the cursor.
    pub(crate) fn run<T>(
        &mut self,
        mut parser: impl Parser<&'a [u8], Output = T, Error = ValueError<'a>>,
    ) -> Result<T> {
        let bytes: &'a [u8] = self.bytes;
        match parser.parse(&bytes[self.pos..]) {
            Ok((rest, value)) => {
                self.pos = bytes.len() - rest.len();
                Ok(value)
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                Err(self.error_at(bytes.len() - e.rest.len(), e.message))
            }
            Err(nom::Err::Incomplete(_)) => Err(self.error_at(bytes.len(), UNEXPECTED_END)),
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(crate) fn byte(&mut self) -> Result<u8> {
        self.run(values::u8_)
    }

    pub(crate) fn u32(&mut self) -> Result<u32> {
        self.run(values::u32_)
    }

    pub(crate) fn u64(&mut self) -> Result<u64> {
        self.run(values::u64_)
    }

    pub(crate) fn s32(&mut self) -> Result<i32> {
        self.run(values::s32)
    }

    pub(crate) fn s33(&mut self) -> Result<i64> {
        self.run(values::s33)
    }

    pub(crate) fn s64(&mut self) -> Result<i64> {
        self.run(values::s64)
    }

    /// A one-byte signed code (spec `s7`), as used for type constructors.
    pub(crate) fn s7(&mut self) -> Result<i64> {
        self.run(values::sleb(7))
    }

    pub(crate) fn f32_bits(&mut self) -> Result<u32> {
        self.run(values::f32_bits)
    }

    pub(crate) fn f64_bits(&mut self) -> Result<u64> {
        self.run(values::f64_bits)
    }

    pub(crate) fn name(&mut self) -> Result<String> {
        self.run(values::name)
    }

    pub(crate) fn byte_string(&mut self) -> Result<&'a [u8]> {
        self.run(values::byte_string)
    }

    /// An index of any index space.
    pub(crate) fn idx(&mut self) -> Result<u32> {
        self.u32()
    }

    /// Skips `n` bytes.
    pub(crate) fn skip(&mut self, n: usize) -> Result<()> {
        if n > self.bytes.len() - self.pos {
            return Err(self.error_at(self.bytes.len(), UNEXPECTED_END));
        }
        self.pos += n;
        Ok(())
    }

    /// Reads one byte that must be `expected`.
    pub(crate) fn expect(&mut self, expected: u8, message: &str) -> Result<()> {
        let pos = self.pos;
        if self.byte()? != expected {
            return Err(self.error_at(pos, message));
        }
        Ok(())
    }

    pub(crate) fn zero(&mut self) -> Result<()> {
        self.expect(0x00, "zero byte expected")
    }

    /// `vec(B)`: a length, then that many elements.
    pub(crate) fn vec<T>(
        &mut self,
        mut elem: impl FnMut(&mut Self) -> Result<T>,
    ) -> Result<Vec<T>> {
        let n = self.run(values::len32)?;
        // The length is bounded by the bytes left, not by memory: reserve modestly.
        let mut items = Vec::with_capacity((n as usize).min(1024));
        for _ in 0..n {
            items.push(elem(self)?);
        }
        Ok(items)
    }
}
