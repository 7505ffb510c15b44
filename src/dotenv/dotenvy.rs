//! The dotenvy dialect: the Rust crate dotenvy 0.15.7 reads the document,
//! for `.env` files shared with Rust services. It expands `$NAME` and
//! `${NAME}` against the process environment first, then earlier values.

use super::Values;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Read `text` with dotenvy. A statement dotenvy rejects is skipped and its
/// line reported, as in the default dialect.
pub fn values(text: &str) -> Values {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Values::default();
    let mut cursor = 0;
    // dotenvy has one `panic!` it considers unreachable; keep it from ever
    // unwinding into the caller.
    let read = catch_unwind(AssertUnwindSafe(|| {
        for item in ::dotenvy::from_read_iter(text.as_bytes()) {
            match item {
                Ok((key, value)) => {
                    out.values.insert(key, Some(value));
                }
                Err(::dotenvy::Error::LineParse(line, _)) => {
                    let (number, next) = locate(text, cursor, &line);
                    cursor = next;
                    out.invalid_lines.push(number);
                }
                // Reading from memory cannot fail with I/O; anything else
                // dotenvy reports is a statement it could not use.
                Err(_) => {}
            }
        }
    }));
    if read.is_err() {
        out.invalid_lines
            .push(1 + text[..cursor].matches('\n').count());
    }
    out
}

/// The 1-based line where `statement` starts, searching from byte `from`,
/// and the offset to search from next.
fn locate(text: &str, from: usize, statement: &str) -> (usize, usize) {
    let first_line = statement.split('\n').next().unwrap_or("");
    let at = text[from..]
        .find(first_line)
        .map_or(from, |offset| from + offset);
    let number = 1 + text[..at].matches('\n').count();
    let next = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    (number, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_dotenvy() {
        let v = values("A=1\nexport B='x y'\nC=\"a\\nb\"\n");
        assert_eq!(v.values["A"].as_deref(), Some("1"));
        assert_eq!(v.values["B"].as_deref(), Some("x y"));
        assert_eq!(v.values["C"].as_deref(), Some("a\nb"));
    }

    #[test]
    fn expands_dollar_names_unlike_python_dotenv() {
        let v = values("KEYA=abc\nB=$KEYA/x\n");
        assert_eq!(v.values["B"].as_deref(), Some("abc/x"));
    }

    #[test]
    fn bad_lines_are_reported_by_number() {
        let v = values("A=1\nB C D\nE=2\n");
        assert_eq!(v.invalid_lines, vec![2]);
        assert_eq!(v.values["E"].as_deref(), Some("2"));
    }
}
