//! Values (spec 5.2): bytes, LEB128 integers, floats, names, written as nom 8 parsers over the
//! remaining input. Each parser reports errors with the official suite's texts; the decoder turns
//! the rest-of-input carried by an error back into a byte offset.

use nom::bytes::complete::take;
use nom::error::{ErrorKind, ParseError};
use nom::multi::length_count;
use nom::number::complete::{le_u32, le_u64, u8 as byte};
use nom::{IResult, Parser};

pub const UNEXPECTED_END: &str = "unexpected end of section or function";
pub const TOO_LONG: &str = "integer representation too long";
pub const TOO_LARGE: &str = "integer too large";
pub const LENGTH_OUT_OF_BOUNDS: &str = "length out of bounds";
pub const MALFORMED_UTF8: &str = "malformed UTF-8 encoding";

/// A decoding error: the message and the input that was left where it happened.
#[derive(Debug, PartialEq, Eq)]
pub struct ValueError<'a> {
    pub rest: &'a [u8],
    pub message: &'static str,
}

impl<'a> ValueError<'a> {
    pub fn new(rest: &'a [u8], message: &'static str) -> Self {
        ValueError { rest, message }
    }
}

impl<'a> ParseError<&'a [u8]> for ValueError<'a> {
    fn from_error_kind(rest: &'a [u8], _kind: ErrorKind) -> Self {
        // The only failures of nom's own byte parsers in complete mode are running out of input.
        ValueError::new(rest, UNEXPECTED_END)
    }
    fn append(_rest: &'a [u8], _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

pub type PResult<'a, T> = IResult<&'a [u8], T, ValueError<'a>>;

fn fail<'a, T>(rest: &'a [u8], message: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(ValueError::new(rest, message)))
}

/// Unsigned LEB128 of at most `bits` bits (spec `uN`). A byte past the longest encoding is "too
/// long"; unused bits of the last byte that are set make the integer "too large".
pub fn uleb(bits: u32) -> impl FnMut(&[u8]) -> PResult<'_, u64> {
    move |input| {
        let mut rest = input;
        let mut left = bits as i32; // bits still to read
        let mut shift = 0u32;
        let mut value = 0u64;
        loop {
            if left <= 0 {
                return fail(rest, TOO_LONG);
            }
            let (tail, b) = byte.parse(rest)?;
            if left < 7 && u32::from(b & 0x7f) >= 1 << left {
                return fail(rest, TOO_LARGE);
            }
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok((tail, value));
            }
            rest = tail;
            shift += 7;
            left -= 7;
        }
    }
}

/// Signed LEB128 of at most `bits` bits (spec `sN`). In the last byte the unused bits must all
/// equal the sign bit.
pub fn sleb(bits: u32) -> impl FnMut(&[u8]) -> PResult<'_, i64> {
    move |input| {
        let mut rest = input;
        let mut left = bits as i32;
        let mut shift = 0u32;
        let mut value = 0i64;
        loop {
            if left <= 0 {
                return fail(rest, TOO_LONG);
            }
            let (tail, b) = byte.parse(rest)?;
            if left < 7 {
                let mask = ((-1i32 << (left - 1)) & 0x7f) as u8;
                if b & mask != 0 && b & mask != mask {
                    return fail(rest, TOO_LARGE);
                }
            }
            value |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1i64 << shift;
                }
                return Ok((tail, value));
            }
            rest = tail;
            left -= 7;
        }
    }
}

pub fn u32_(input: &[u8]) -> PResult<'_, u32> {
    uleb(32).map(|v| v as u32).parse(input)
}

pub fn u64_(input: &[u8]) -> PResult<'_, u64> {
    uleb(64).parse(input)
}

pub fn s32(input: &[u8]) -> PResult<'_, i32> {
    sleb(32).map(|v| v as i32).parse(input)
}

pub fn s33(input: &[u8]) -> PResult<'_, i64> {
    sleb(33).parse(input)
}

pub fn s64(input: &[u8]) -> PResult<'_, i64> {
    sleb(64).parse(input)
}

/// A float's IEEE bits, little endian.
pub fn f32_bits(input: &[u8]) -> PResult<'_, u32> {
    le_u32.parse(input)
}

pub fn f64_bits(input: &[u8]) -> PResult<'_, u64> {
    le_u64.parse(input)
}

pub fn u8_(input: &[u8]) -> PResult<'_, u8> {
    byte.parse(input)
}

/// A length (vector or byte string): a u32 that cannot exceed the bytes left in the module.
pub fn len32(input: &[u8]) -> PResult<'_, u32> {
    let (rest, n) = u32_.parse(input)?;
    if n as usize > input.len() {
        return fail(input, LENGTH_OUT_OF_BOUNDS);
    }
    Ok((rest, n))
}

/// `vec(u32)`: a vector of indices.
pub fn idx_vec(input: &[u8]) -> PResult<'_, Vec<u32>> {
    length_count(len32, u32_).parse(input)
}

/// `byte*` with a length prefix.
pub fn byte_string(input: &[u8]) -> PResult<'_, &[u8]> {
    let (rest, n) = len32.parse(input)?;
    take(n).parse(rest)
}

/// A name: a byte string that is valid UTF-8.
pub fn name(input: &[u8]) -> PResult<'_, String> {
    let (rest, bytes) = byte_string.parse(input)?;
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((rest, s.to_owned())),
        Err(_) => fail(input, MALFORMED_UTF8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn ok<T>(r: PResult<'_, T>) -> T {
        r.map(|(_, v)| v).unwrap_or_else(|e| panic!("{e:?}"))
    }
    fn msg<T: std::fmt::Debug>(r: PResult<'_, T>) -> &'static str {
        match r {
            Err(nom::Err::Error(e)) => e.message,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn unsigned() {
        assert_eq!(ok(u32_(&[0x00])), 0);
        assert_eq!(ok(u32_(&[0xe5, 0x8e, 0x26])), 624_485);
        assert_eq!(ok(u32_(&[0xff, 0xff, 0xff, 0xff, 0x0f])), u32::MAX);
        assert_eq!(ok(u32_(&[0x80, 0x80, 0x80, 0x80, 0x00])), 0);
        assert_eq!(msg(u32_(&[0x80, 0x80, 0x80, 0x80, 0x10])), TOO_LARGE);
        assert_eq!(msg(u32_(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00])), TOO_LONG);
        assert_eq!(msg(u32_(&[0x80, 0x80])), UNEXPECTED_END);
        assert_eq!(
            ok(u64_(&[
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
            ])),
            u64::MAX
        );
        assert_eq!(
            msg(u64_(&[
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02
            ])),
            TOO_LARGE
        );
    }

    #[test]
    fn signed() {
        assert_eq!(ok(s32(&[0x7f])), -1);
        assert_eq!(ok(s32(&[0xc0, 0xbb, 0x78])), -123_456);
        assert_eq!(ok(s32(&[0xff, 0xff, 0xff, 0xff, 0x07])), i32::MAX);
        assert_eq!(ok(s32(&[0x80, 0x80, 0x80, 0x80, 0x78])), i32::MIN);
        assert_eq!(ok(s32(&[0xff, 0xff, 0xff, 0xff, 0x7f])), -1);
        assert_eq!(msg(s32(&[0xff, 0xff, 0xff, 0xff, 0x4f])), TOO_LARGE);
        assert_eq!(msg(s32(&[0x80, 0x80, 0x80, 0x80, 0x08])), TOO_LARGE);
        assert_eq!(msg(s32(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])), TOO_LONG);
        assert_eq!(ok(s33(&[0xff, 0xff, 0xff, 0xff, 0x0f])), (1 << 32) - 1);
        assert_eq!(msg(s33(&[0x80, 0x80, 0x80, 0x80, 0x10])), TOO_LARGE);
        assert_eq!(ok(s33(&[0x70])), -16);
        assert_eq!(
            ok(s64(&[
                0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f
            ])),
            i64::MIN
        );
        assert_eq!(
            msg(s64(&[
                0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01
            ])),
            TOO_LARGE
        );
    }

    #[test]
    fn index_vectors() {
        assert_eq!(ok(idx_vec(&[3, 1, 0x80, 0x01, 7])), vec![1, 128, 7]);
        assert_eq!(msg(idx_vec(&[2, 1])), UNEXPECTED_END);
        assert_eq!(msg(idx_vec(&[1, 0x80, 0x80, 0x80, 0x80, 0x10])), TOO_LARGE);
    }

    #[test]
    fn names() {
        assert_eq!(ok(name(b"\x03abc")), "abc");
        assert_eq!(msg(name(b"\x02\xc0\x80")), MALFORMED_UTF8);
        assert_eq!(msg(name(b"\x05ab")), LENGTH_OUT_OF_BOUNDS);
    }
}
