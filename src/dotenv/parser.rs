//! python-dotenv 1.2.4's statement grammar, reproduced rule for rule.
//!
//! python-dotenv parses with a cascade of regular expressions over a `str`;
//! this is a hand-written scanner over the same characters. Where its
//! behaviour is odd it is kept on purpose (line counting after a failed
//! statement ending in `\r\n`, `'` keys that span lines), because users'
//! values must come out the same.

use std::borrow::Cow;
use std::ops::Range;

/// One statement of a `.env` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding<'a> {
    /// `None` for comments, blank tails and statements that failed to parse.
    pub key: Option<Cow<'a, str>>,
    /// `None` for a bare key (`NAME` without `=`).
    pub value: Option<Cow<'a, str>>,
    /// Byte range of the statement's original text, leading blank lines included.
    pub original: Range<usize>,
    /// 1-based line where the statement's text starts.
    pub line: usize,
    /// The statement did not parse; its line was skipped.
    pub error: bool,
}

/// Python's `str.isspace()` / `re` `\s` on `str`: wider than Rust's
/// `char::is_whitespace` (it includes U+001C..U+001F).
pub fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `[^\S\r\n]`: whitespace that does not end a line.
fn is_hspace(c: char) -> bool {
    c != '\r' && c != '\n' && is_py_space(c)
}

/// Number of line breaks in `s`, counting `\r\n` once, as python-dotenv's
/// `Position.advance` does for each piece it consumes.
fn count_newlines(s: &str) -> usize {
    let b = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => n += 1,
            b'\r' => {
                n += 1;
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

/// A statement that does not parse; the caller skips the rest of its line.
struct Invalid;

struct Reader<'a> {
    s: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Consume `len` bytes, counting the line breaks in them.
    fn advance(&mut self, len: usize) -> &'a str {
        let taken = &self.s[self.pos..self.pos + len];
        self.line += count_newlines(taken);
        self.pos += len;
        taken
    }

    /// Length in bytes of the longest prefix of the rest whose chars satisfy `pred`.
    fn span(&self, pred: impl Fn(char) -> bool) -> usize {
        let rest = self.rest();
        let bytes = rest.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            // ASCII without decoding: nearly every byte of a real .env.
            let c = if b < 0x80 {
                b as char
            } else {
                match rest[i..].chars().next() {
                    Some(c) => c,
                    None => break,
                }
            };
            if !pred(c) {
                return i;
            }
            i += c.len_utf8();
        }
        bytes.len()
    }

    /// Length of the rest of the physical line (`[^\r\n]*`).
    fn line_len(&self) -> usize {
        let bytes = self.rest().as_bytes();
        memchr::memchr2(b'\r', b'\n', bytes).unwrap_or(bytes.len())
    }

    fn take_while(&mut self, pred: impl Fn(char) -> bool) -> &'a str {
        let len = self.span(pred);
        self.advance(len)
    }

    /// `(?:export[^\S\r\n]+)?`
    fn skip_export(&mut self) {
        if let Some(after) = self.rest().strip_prefix("export") {
            if after.starts_with(is_hspace) {
                self.advance("export".len());
                self.take_while(is_hspace);
            }
        }
    }

    fn key(&mut self) -> Result<Option<&'a str>, Invalid> {
        match self.peek() {
            Some('#') => Ok(None),
            Some('\'') => {
                // '([^']+)': may span lines, no escapes.
                let inner = &self.rest()[1..];
                match inner.find('\'') {
                    Some(end) if end > 0 => {
                        let taken = self.advance(end + 2);
                        Ok(Some(&taken[1..taken.len() - 1]))
                    }
                    _ => Err(Invalid),
                }
            }
            _ => {
                let key = self.take_while(|c| c != '=' && c != '#' && !is_py_space(c));
                if key.is_empty() {
                    Err(Invalid)
                } else {
                    Ok(Some(key))
                }
            }
        }
    }

    /// `Q((?:\\.|[^Q\\])*)Q` with DOTALL: returns the raw inner text. Scans
    /// bytes: the quote and the backslash are ASCII, which no byte of a
    /// multi-byte character can be.
    fn quoted(&mut self, quote: char) -> Result<&'a str, Invalid> {
        let inner = &self.rest().as_bytes()[1..];
        let mut i = 0;
        while let Some(found) = memchr::memchr2(quote as u8, b'\\', &inner[i..]) {
            let at = i + found;
            if inner[at] == quote as u8 {
                let taken = self.advance(at + 2);
                return Ok(&taken[1..taken.len() - 1]);
            }
            // A backslash escapes the next character, whatever it is.
            if at + 1 >= inner.len() {
                break;
            }
            i = at + 2;
        }
        Err(Invalid)
    }

    fn value(&mut self) -> Result<Cow<'a, str>, Invalid> {
        match self.peek() {
            Some('\'') => Ok(decode_escapes(self.quoted('\'')?, single_quote_escape)),
            Some('"') => Ok(decode_escapes(self.quoted('"')?, double_quote_escape)),
            None | Some('\n') | Some('\r') => Ok(Cow::Borrowed("")),
            Some(_) => {
                let len = self.line_len();
                Ok(Cow::Borrowed(unquoted_value(self.advance(len))))
            }
        }
    }

    /// `(?:[^\S\r\n]*#[^\r\n]*)?`
    fn skip_comment(&mut self) {
        let ws = self.span(is_hspace);
        if self.rest()[ws..].starts_with('#') {
            self.advance(ws);
            let len = self.line_len();
            self.advance(len);
        }
    }

    /// `[^\S\r\n]*(?:\r\n|\n|\r|$)`
    fn end_of_line(&mut self) -> Result<(), Invalid> {
        let ws = self.span(is_hspace);
        let after = &self.rest()[ws..];
        let eol = if after.starts_with("\r\n") {
            2
        } else if after.starts_with(['\n', '\r']) {
            1
        } else if after.is_empty() {
            0
        } else {
            return Err(Invalid);
        };
        self.advance(ws + eol);
        Ok(())
    }

    /// `[^\r\n]*(?:\r|\n|\r\n)?` — the `\r` alternative comes first, so a
    /// `\r\n` is split and its `\n` is counted again by the next statement.
    fn skip_rest_of_line(&mut self) {
        let len = self.line_len();
        self.advance(len);
        if self.rest().starts_with(['\r', '\n']) {
            self.advance(1);
        }
    }

    fn statement(&mut self) -> Result<(Option<&'a str>, Option<Cow<'a, str>>), Invalid> {
        self.skip_export();
        let key = self.key()?;
        self.take_while(is_hspace);
        let value = if self.peek() == Some('=') {
            self.advance(1);
            let ws = self.take_while(is_hspace);
            // 1.2.4: `KEY= # comment` is empty, `KEY=#x` is `#x`.
            if !ws.is_empty() && self.peek() == Some('#') {
                Some(Cow::Borrowed(""))
            } else {
                Some(self.value()?)
            }
        } else {
            None
        };
        self.skip_comment();
        self.end_of_line()?;
        Ok((key, value))
    }

    fn binding(&mut self) -> Binding<'a> {
        let (start, line) = (self.pos, self.line);
        self.take_while(is_py_space);
        let result = if self.rest().is_empty() {
            Ok((None, None))
        } else {
            self.statement()
        };
        let (key, value, error) = match result {
            Ok((key, value)) => (key.map(Cow::Borrowed), value, false),
            Err(Invalid) => {
                self.skip_rest_of_line();
                (None, None, true)
            }
        };
        Binding {
            key,
            value,
            original: start..self.pos,
            line,
            error,
        }
    }
}

/// Rest of an unquoted value: drop an inline comment (`\s+#.*`), then
/// trailing whitespace.
fn unquoted_value(raw: &str) -> &str {
    let mut cut = raw.len();
    let mut run_start = None;
    for (i, c) in raw.char_indices() {
        if is_py_space(c) {
            run_start.get_or_insert(i);
        } else {
            if c == '#' {
                if let Some(start) = run_start {
                    cut = start;
                    break;
                }
            }
            run_start = None;
        }
    }
    raw[..cut].trim_end_matches(is_py_space)
}

fn single_quote_escape(c: char) -> Option<char> {
    matches!(c, '\\' | '\'').then_some(c)
}

fn double_quote_escape(c: char) -> Option<char> {
    Some(match c {
        '\\' | '\'' | '"' => c,
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{b}',
        _ => return None,
    })
}

/// Replace `\X` where `decode(X)` knows it; every other backslash stays.
/// Left to right, as `re.sub` does: a decoded pair is not looked at again.
fn decode_escapes(raw: &str, decode: fn(char) -> Option<char>) -> Cow<'_, str> {
    let bytes = raw.as_bytes();
    let Some(first) = memchr::memchr(b'\\', bytes) else {
        return Cow::Borrowed(raw);
    };
    let mut out = String::with_capacity(raw.len());
    let mut copied = 0;
    let mut at = first;
    loop {
        // Every escape `decode` knows is one ASCII byte after the backslash.
        match bytes
            .get(at + 1)
            .and_then(|&b| decode(b as char).filter(|_| b < 0x80))
        {
            Some(decoded) => {
                out.push_str(&raw[copied..at]);
                out.push(decoded);
                copied = at + 2;
                at += 2;
            }
            None => at += 1,
        }
        match bytes.get(at..).and_then(|rest| memchr::memchr(b'\\', rest)) {
            Some(offset) => at += offset,
            None => break,
        }
    }
    out.push_str(&raw[copied..]);
    Cow::Owned(out)
}

/// Parse a whole document (already decoded) into its statements. A leading
/// BOM belongs to no statement; `original` ranges index into `text` itself.
pub fn parse(text: &str) -> Vec<Binding<'_>> {
    bindings(text).collect()
}

/// The statements of `text` one by one, for callers that need no list.
pub fn bindings(text: &str) -> impl Iterator<Item = Binding<'_>> {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut reader = Reader {
        s: text,
        pos: bom,
        line: 1,
    };
    std::iter::from_fn(move || (!reader.rest().is_empty()).then(|| reader.binding()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(text: &str) -> Vec<(Option<String>, Option<String>, bool)> {
        parse(text)
            .into_iter()
            .map(|b| {
                (
                    b.key.map(|k| k.into_owned()),
                    b.value.map(|v| v.into_owned()),
                    b.error,
                )
            })
            .collect()
    }

    fn one(text: &str) -> (Option<String>, Option<String>) {
        let all: Vec<_> = kv(text)
            .into_iter()
            .filter(|(k, _, _)| k.is_some())
            .collect();
        assert_eq!(all.len(), 1, "{text:?} gave {all:?}");
        (all[0].0.clone(), all[0].1.clone())
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn unquoted_values() {
        assert_eq!(one("a=b"), (s("a"), s("b")));
        assert_eq!(one("a=b c"), (s("a"), s("b c")));
        assert_eq!(one("a=b#c"), (s("a"), s("b#c")));
        assert_eq!(one("a=#b"), (s("a"), s("#b")));
        assert_eq!(one("a=b # c"), (s("a"), s("b")));
        assert_eq!(one("a=# # c"), (s("a"), s("#")));
        assert_eq!(one("a=b   "), (s("a"), s("b")));
        assert_eq!(one("a=a\"b\"c"), (s("a"), s("a\"b\"c")));
        assert_eq!(one("a=\\n"), (s("a"), s("\\n")));
    }

    #[test]
    fn empty_values_and_bare_keys() {
        assert_eq!(one("a="), (s("a"), s("")));
        assert_eq!(one("a= # c"), (s("a"), s("")));
        assert_eq!(one("a=\t#c"), (s("a"), s("")));
        assert_eq!(one("a"), (s("a"), None));
        assert_eq!(one("a "), (s("a"), None));
        assert_eq!(one("a#b=c"), (s("a"), None));
        assert_eq!(one("export"), (s("export"), None));
        assert_eq!(one("export=1"), (s("export"), s("1")));
        assert_eq!(one("export  a=1"), (s("a"), s("1")));
    }

    #[test]
    fn quoted_values() {
        assert_eq!(one("a='b\\nc'"), (s("a"), s("b\\nc")));
        assert_eq!(one("a='b\\'c'"), (s("a"), s("b'c")));
        assert_eq!(one("a='b\\\\c'"), (s("a"), s("b\\c")));
        assert_eq!(one("a=\"b\\nc\""), (s("a"), s("b\nc")));
        assert_eq!(one("a=\"\\x\\u00e9\\$\""), (s("a"), s("\\x\\u00e9\\$")));
        assert_eq!(one("a=\"b\nc\""), (s("a"), s("b\nc")));
        assert_eq!(one("a=\"b\"#c"), (s("a"), s("b")));
        assert_eq!(one("a=\"b\" # c"), (s("a"), s("b")));
        assert_eq!(one("'a b'=c"), (s("a b"), s("c")));
        assert_eq!(one("\"A\"=c"), (s("\"A\""), s("c")));
    }

    #[test]
    fn invalid_statements_skip_one_line() {
        for bad in [
            "A=\"b\"c",
            "A=\"b\" \"c\"",
            "A B=c",
            "A: b",
            "=b",
            "A=\"abc",
        ] {
            let parsed = kv(bad);
            assert!(
                parsed.iter().any(|(_, _, e)| *e),
                "{bad:?} should be invalid"
            );
        }
        let parsed = parse("A=\"abc\nB=c");
        assert!(parsed[0].error);
        assert_eq!(parsed[0].line, 1);
        assert_eq!(parsed[1].key.as_deref(), Some("B"));
        assert_eq!(parsed[1].line, 2);
    }

    #[test]
    fn warning_lines_follow_python_dotenv() {
        // The statement's line is where its leading blank lines start.
        let parsed = parse("A=1\n\n\nB C=2\n");
        assert_eq!((parsed[1].error, parsed[1].line), (true, 2));
        // A failed statement ending in \r\n counts that line break twice.
        let lines: Vec<_> = parse("A B\r\nC D\r\n").iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn originals_cover_the_text() {
        let text = "# c\nA=1\r\nbad line\n  B='x\ny' # z\n";
        let parsed = parse(text);
        let joined: String = parsed.iter().map(|b| &text[b.original.clone()]).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn escapes_decode_left_to_right() {
        assert_eq!(one("a=\"\\\\n\""), (s("a"), s("\\n")));
        assert_eq!(one("a=\"x\\\\\\\"y\""), (s("a"), s("x\\\"y")));
        assert_eq!(one("a=\"\\é\\t\""), (s("a"), s("\\é\t")));
        assert_eq!(one("a='\\\\\\''"), (s("a"), s("\\'")));
    }

    #[test]
    fn bom_and_line_endings() {
        assert_eq!(one("\u{feff}A=1"), (s("A"), s("1")));
        assert_eq!(kv("A=1\rB=2").len(), 2);
        assert_eq!(kv("A=1\r\nB=2").len(), 2);
        assert_eq!(count_newlines("a\r\nb\rc\n"), 3);
    }

    #[test]
    fn python_whitespace_is_wider_than_rusts() {
        assert!(is_py_space('\u{1c}'));
        assert_eq!(one("a=b\u{1f}"), (s("a"), s("b")));
    }
}
