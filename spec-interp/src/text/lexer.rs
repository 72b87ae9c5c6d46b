//! Lexical format (spec 6.3): characters to tokens.
//!
//! The whole source is lexed up front into a token vector. White space, comments and
//! annotations `(@id ...)` never reach the parser. Reserved tokens (spec 6.3.1: runs of
//! id characters and strings that are neither keywords, numbers, ids nor strings) are an error
//! right here, "unknown operator", as in the reference interpreter.
//!
//! The lexer recovers from its errors: it records each one with its span and goes on after the
//! bad character, token, string or annotation, so the script parser can fail the one directive
//! holding an error and run the others (`lex`). `tokenize` is the strict form: the first error.

use crate::diag::{Error, Result, Span};
use nom::bytes::complete::{tag, take_till, take_while, take_while1};
use nom::{IResult, Parser};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok<'a> {
    LParen,
    RParen,
    /// Starts with a lower-case letter (includes `inf`, `nan`, `offset=4`).
    Keyword(&'a str),
    /// Starts with a digit or a sign and is a syntactically valid number.
    Num(&'a str),
    /// A string literal, as bytes.
    Str(Vec<u8>),
    /// `$name` or `$"name"`, without the `$`.
    Id(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token<'a> {
    pub tok: Tok<'a>,
    pub span: Span,
}

/// Characters allowed in keywords, numbers and ids (spec 6.3.1 `idchar`).
pub fn is_idchar(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '#'
                | '$'
                | '%'
                | '&'
                | '\''
                | '*'
                | '+'
                | '-'
                | '.'
                | '/'
                | ':'
                | '<'
                | '='
                | '>'
                | '?'
                | '@'
                | '\\'
                | '^'
                | '_'
                | '`'
                | '|'
                | '~'
        )
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A run of white space.
fn spaces(input: &str) -> IResult<&str, &str> {
    take_while1(is_space).parse(input)
}

/// A line comment without its terminating newline (LF or CR, as the spec's `newline`).
fn line_comment(input: &str) -> IResult<&str, &str> {
    let (rest, _) = tag(";;").parse(input)?;
    take_till(|c| c == '\n' || c == '\r').parse(rest)
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token<'a>>,
    errors: Vec<Error>,
}

/// A lexed source: its tokens, and the errors met on the way, in source order. A bad token is
/// left out of `tokens`; a bad string or annotation too.
#[derive(Clone, Debug, Default)]
pub struct Lexed<'a> {
    pub tokens: Vec<Token<'a>>,
    pub errors: Vec<Error>,
}

fn illegal(c: char, at: usize) -> Error {
    let span = Span::new(at, at + c.len_utf8());
    if c == char::REPLACEMENT_CHARACTER {
        // Quote texts are stored as Rust strings; invalid UTF-8 in them became U+FFFD.
        Error::malformed("malformed UTF-8 encoding", span)
    } else {
        Error::malformed("illegal character", span)
    }
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn err(&self, msg: &str, start: usize) -> Error {
        Error::malformed(
            msg,
            Span::new(
                start,
                self.pos.max(start + 1).min(self.src.len().max(start)),
            ),
        )
    }

    /// Skips white space and comments.
    fn skip_trivia(&mut self) -> Result<()> {
        loop {
            let rest = self.rest();
            if let Ok((r, _)) = spaces(rest) {
                self.pos = self.src.len() - r.len();
            } else if let Ok((r, _)) = line_comment(rest) {
                self.pos = self.src.len() - r.len();
            } else if rest.starts_with("(;") {
                self.block_comment()?;
            } else {
                return Ok(());
            }
        }
    }

    /// Nested block comments, with a depth counter rather than recursion.
    fn block_comment(&mut self) -> Result<()> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let mut depth = 0usize;
        let mut i = self.pos;
        while i < bytes.len() {
            if bytes[i] == b'(' && bytes.get(i + 1) == Some(&b';') {
                depth += 1;
                i += 2;
            } else if bytes[i] == b';' && bytes.get(i + 1) == Some(&b')') {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    self.pos = i;
                    return Ok(());
                }
            } else {
                i += 1;
            }
        }
        self.pos = bytes.len();
        // Shown at the `(;` that is never closed.
        Err(Error::malformed(
            "unclosed comment",
            Span::new(start, start + 2),
        ))
    }

    /// A string literal starting at the current `"`; returns its bytes. After a bad escape or
    /// character the string is still read to its closing quote, so that lexing goes on after
    /// it, and the first error is returned. Strings hold no newlines (spec 6.3.3): a string
    /// still open at the end of its line is unclosed, and lexing goes on at the next line.
    fn string(&mut self) -> Result<Vec<u8>> {
        let start = self.pos;
        let mut first_error: Option<Error> = None;
        let mut fail = |err: Error| {
            first_error.get_or_insert(err);
        };
        let mut out = Vec::new();
        let mut chars = self.rest().char_indices().peekable();
        chars.next(); // the opening quote
        let end = loop {
            let Some((i, c)) = chars.next() else {
                break None;
            };
            let at = start + i;
            match c {
                '"' => break Some(at + 1),
                '\n' | '\r' => break None,
                '\\' => {
                    let escape = chars.next_if(|&(_, e)| e != '\n' && e != '\r');
                    let Some((_, e)) = escape else {
                        fail(Error::malformed("illegal escape", Span::new(at, at + 1)));
                        continue;
                    };
                    let illegal =
                        |len: usize| Error::malformed("illegal escape", Span::new(at, at + len));
                    match e {
                        'n' => out.push(b'\n'),
                        't' => out.push(b'\t'),
                        'r' => out.push(b'\r'),
                        '"' => out.push(b'"'),
                        '\'' => out.push(b'\''),
                        '\\' => out.push(b'\\'),
                        'u' => {
                            let mut digits = String::new();
                            let mut closed = false;
                            if chars.next_if(|&(_, d)| d == '{').is_some() {
                                while let Some((_, d)) =
                                    chars.next_if(|&(_, d)| d != '"' && d != '\n' && d != '\r')
                                {
                                    if d == '}' {
                                        closed = true;
                                        break;
                                    }
                                    digits.push(d);
                                }
                            }
                            let digits: String = digits.chars().filter(|&d| d != '_').collect();
                            let value = if closed && !digits.is_empty() {
                                u32::from_str_radix(&digits, 16)
                                    .ok()
                                    .and_then(char::from_u32)
                            } else {
                                None
                            };
                            match value {
                                Some(ch) => {
                                    let mut buf = [0u8; 4];
                                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                                }
                                None => fail(illegal(2)),
                            }
                        }
                        h1 if h1.is_ascii_hexdigit() => {
                            match chars.next_if(|&(_, d)| d.is_ascii_hexdigit()) {
                                Some((_, h2)) => {
                                    let hi = h1.to_digit(16).unwrap_or(0) as u8;
                                    let lo = h2.to_digit(16).unwrap_or(0) as u8;
                                    out.push(hi * 16 + lo);
                                }
                                None => fail(illegal(2)),
                            }
                        }
                        _ => fail(illegal(1 + e.len_utf8())),
                    }
                }
                c if (c as u32) < 0x20 || c == '\u{7f}' => fail(Error::malformed(
                    "illegal control character in string",
                    Span::new(at, at + 1),
                )),
                c => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        };
        let Some(end) = end else {
            // Up to the end of the line (or of the source), not past it.
            let rest = self.rest();
            self.pos += rest.find(['\n', '\r']).unwrap_or(rest.len());
            return Err(first_error.unwrap_or_else(|| {
                Error::malformed("unclosed string", Span::new(start, start + 1))
            }));
        };
        self.pos = end;
        match first_error {
            None => Ok(out),
            Some(err) => Err(err),
        }
    }

    /// A maximal run of id characters, strings and other reserved characters. Returns the
    /// strings met on the way (for `"..."` and `$"..."`) and whether anything else than id
    /// characters was in the run.
    fn run(&mut self) -> Result<(Vec<Vec<u8>>, bool)> {
        let mut strings = Vec::new();
        let mut mixed = false;
        loop {
            let rest = self.rest();
            if let Ok((r, _)) = take_while1::<_, _, nom::error::Error<&str>>(is_idchar).parse(rest)
            {
                self.pos = self.src.len() - r.len();
                if !strings.is_empty() {
                    mixed = true;
                }
                continue;
            }
            match rest.chars().next() {
                Some('"') => {
                    let run_start = self.pos;
                    match self.string() {
                        Ok(s) => strings.push(s),
                        // `$"..."` with a bad string: no identifier at all.
                        Err(_) if run_start > 0 && self.src.as_bytes()[run_start - 1] == b'$' => {
                            return Err(self.err("empty identifier", run_start - 1));
                        }
                        Err(e) => return Err(e),
                    }
                }
                Some(',' | '[' | ']' | '{' | '}') => {
                    mixed = true;
                    self.pos += 1;
                }
                Some(';') if !rest.starts_with(";;") => {
                    mixed = true;
                    self.pos += 1;
                }
                _ => return Ok((strings, mixed)),
            }
        }
    }

    /// Skips an annotation whose `(@` was just consumed, tokens and nested parentheses
    /// included, with a depth counter.
    fn annotation(&mut self, start: usize) -> Result<()> {
        let rest = self.rest();
        let id_ok = match rest.chars().next() {
            Some('"') => {
                let s = self
                    .string()
                    .map_err(|_| self.err("empty annotation id", start))?;
                if s.is_empty() {
                    return Err(self.err("empty annotation id", start));
                }
                if std::str::from_utf8(&s).is_err() {
                    return Err(self.err("malformed UTF-8 encoding", start));
                }
                true
            }
            Some(c) if is_idchar(c) => {
                let (r, _) = take_while::<_, _, nom::error::Error<&str>>(is_idchar)
                    .parse(rest)
                    .map_err(|_| self.err("empty annotation id", start))?;
                self.pos = self.src.len() - r.len();
                true
            }
            _ => false,
        };
        if !id_ok {
            return Err(self.err("empty annotation id", start));
        }
        // The body: errors are recorded (the first one is returned) and skipped over, so the
        // annotation still ends at its own `)`.
        let mut first_error: Option<Error> = None;
        let mut depth = 1usize;
        loop {
            if let Err(err) = self.skip_trivia() {
                return Err(first_error.unwrap_or(err));
            }
            let rest = self.rest();
            let Some(c) = rest.chars().next() else {
                return Err(first_error.unwrap_or_else(|| {
                    Error::malformed("unclosed annotation", Span::new(start, start + 2))
                }));
            };
            let result = match c {
                '(' => {
                    depth += 1;
                    self.pos += 1;
                    Ok(())
                }
                ')' => {
                    depth -= 1;
                    self.pos += 1;
                    if depth == 0 {
                        return first_error.map_or(Ok(()), Err);
                    }
                    Ok(())
                }
                '"' => self.string().map(drop),
                c if is_idchar(c) || matches!(c, ',' | ';' | '[' | ']' | '{' | '}') => {
                    self.run().map(drop)
                }
                c => {
                    self.pos += c.len_utf8();
                    Err(illegal(c, self.pos - c.len_utf8()))
                }
            };
            if let Err(err) = result {
                first_error.get_or_insert(err);
            }
        }
    }

    /// Lexes the whole source, recording each error and going on after it.
    fn lex(mut self) -> Lexed<'a> {
        if self.src.starts_with('\u{feff}') {
            // A byte order mark: the text format has no place for it (as in the reference
            // interpreter and wasm-tools). The span takes the next character along, so that
            // the mark under the invisible character shows.
            let next = self.src[3..].chars().next().filter(|c| !is_space(*c));
            let end = 3 + next.map_or(0, char::len_utf8);
            self.errors.push(Error::malformed(
                "illegal character U+FEFF (a byte order mark): save the file as UTF-8 without one",
                Span::new(0, end),
            ));
            self.pos = 3;
        }
        loop {
            if let Err(err) = self.skip_trivia() {
                self.errors.push(err);
            }
            let start = self.pos;
            let rest = self.rest();
            let Some(c) = rest.chars().next() else {
                return Lexed {
                    tokens: self.tokens,
                    errors: self.errors,
                };
            };
            let result = match c {
                '(' => {
                    self.pos += 1;
                    if self.rest().starts_with('@') {
                        self.pos += 1;
                        self.annotation(start)
                    } else {
                        self.push(Tok::LParen, start);
                        Ok(())
                    }
                }
                ')' => {
                    self.pos += 1;
                    self.push(Tok::RParen, start);
                    Ok(())
                }
                c if is_idchar(c) || matches!(c, '"' | ',' | ';' | '[' | ']' | '{' | '}') => self
                    .run()
                    .and_then(|(strings, mixed)| {
                        let text = &self.src[start..self.pos];
                        self.classify(text, strings, mixed, start)
                    })
                    .map(|tok| self.push(tok, start)),
                c => {
                    self.pos += c.len_utf8();
                    Err(illegal(c, start))
                }
            };
            if let Err(err) = result {
                self.errors.push(err);
                // Always move on, past the character at least.
                if self.pos <= start {
                    self.pos = start + c.len_utf8();
                }
            }
        }
    }

    fn classify(
        &self,
        text: &'a str,
        mut strings: Vec<Vec<u8>>,
        mixed: bool,
        start: usize,
    ) -> Result<Tok<'a>> {
        let unknown = || Err(self.err("unknown operator", start));
        if text.starts_with('"') {
            if strings.len() == 1 && !mixed {
                return Ok(Tok::Str(strings.pop().unwrap_or_default()));
            }
            return unknown();
        }
        if let Some(name) = text.strip_prefix('$') {
            if name.is_empty() {
                return Err(self.err("empty identifier", start));
            }
            if strings.is_empty() {
                return Ok(Tok::Id(name.to_string()));
            }
            if strings.len() == 1 && !mixed && name.starts_with('"') {
                let bytes = strings.pop().unwrap_or_default();
                if bytes.is_empty() {
                    return Err(self.err("empty identifier", start));
                }
                return match String::from_utf8(bytes) {
                    Ok(s) => Ok(Tok::Id(s)),
                    Err(_) => Err(self.err("malformed UTF-8 encoding", start)),
                };
            }
            return unknown();
        }
        if !strings.is_empty() || mixed {
            return unknown();
        }
        let first = text.chars().next().unwrap_or(' ');
        if first.is_ascii_lowercase() {
            Ok(Tok::Keyword(text))
        } else if (first.is_ascii_digit() || first == '+' || first == '-') && is_number(text) {
            Ok(Tok::Num(text))
        } else {
            unknown()
        }
    }

    fn push(&mut self, tok: Tok<'a>, start: usize) {
        self.tokens.push(Token {
            tok,
            span: Span::new(start, self.pos),
        });
    }
}

/// Lexes a whole source, stopping at the first error.
pub fn tokenize(src: &str) -> Result<Vec<Token<'_>>> {
    let lexed = lex(src);
    match lexed.errors.into_iter().next() {
        Some(err) => Err(err),
        None => Ok(lexed.tokens),
    }
}

/// Lexes a whole source, with every error it holds.
pub fn lex(src: &str) -> Lexed<'_> {
    Lexer {
        src,
        pos: 0,
        tokens: Vec::new(),
        errors: Vec::new(),
    }
    .lex()
}

/// `digit+` with single `_` between digits (spec `num` / `hexnum`).
fn is_digits(s: &str, hex: bool) -> bool {
    let ok = |c: char| {
        if hex {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        }
    };
    !s.is_empty()
        && !s.starts_with('_')
        && !s.ends_with('_')
        && !s.contains("__")
        && s.chars().all(|c| c == '_' || ok(c))
}

/// Whether a token (starting with a digit or a sign) is an integer or float literal.
pub fn is_number(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    if body == "inf" || body == "nan" {
        return true;
    }
    if let Some(payload) = body.strip_prefix("nan:0x") {
        return is_digits(payload, true);
    }
    let (hex, digits) = match body.strip_prefix("0x") {
        Some(d) => (true, d),
        None => (false, body),
    };
    let exp_chars: &[char] = if hex { &['p', 'P'] } else { &['e', 'E'] };
    let (mantissa, exp) = match digits.find(exp_chars) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    if !is_digits(int, hex) {
        return false;
    }
    if let Some(frac) = frac {
        if !frac.is_empty() && !is_digits(frac, hex) {
            return false;
        }
    }
    if let Some(exp) = exp {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if !is_digits(exp, false) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn toks(src: &str) -> Vec<Tok<'_>> {
        tokenize(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn basic_tokens() {
        assert_eq!(
            toks("(func $f (; a (; nested ;) ;) i32.const -0x1_0 ;; c\n \"a\\n\\u{41}\\ff\")"),
            vec![
                Tok::LParen,
                Tok::Keyword("func"),
                Tok::Id("f".into()),
                Tok::Keyword("i32.const"),
                Tok::Num("-0x1_0"),
                Tok::Str(vec![b'a', b'\n', b'A', 0xff]),
                Tok::RParen,
            ]
        );
    }

    #[test]
    fn annotations_are_skipped() {
        assert_eq!(
            toks("((@a x (y) \"(\") nop)"),
            vec![Tok::LParen, Tok::Keyword("nop"), Tok::RParen]
        );
        assert_eq!(
            tokenize("(@x (y)").unwrap_err().message,
            "unclosed annotation"
        );
        assert_eq!(
            tokenize("(@ x)").unwrap_err().message,
            "empty annotation id"
        );
    }

    #[test]
    fn reserved_is_unknown_operator() {
        assert_eq!(tokenize("0drop").unwrap_err().message, "unknown operator");
        assert_eq!(tokenize("$\"l\"0").unwrap_err().message, "unknown operator");
        assert_eq!(tokenize("$").unwrap_err().message, "empty identifier");
        assert_eq!(toks("$\"a b\""), vec![Tok::Id("a b".into())]);
    }
}
