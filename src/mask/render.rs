//! Text as a Jupyter frontend shows it: ANSI escape sequences (colours) are
//! not shown, `\b` deletes the character before it, and `\r` returns to the
//! start of the line, later text overwriting earlier text (JupyterLab's
//! `fixBackspace` and `fixCarriageReturn`).

/// Whether `text` holds a control that changes how it renders.
pub fn has_controls(text: &str) -> bool {
    let bytes = text.as_bytes();
    if memchr::memchr2(b'\x08', b'\x1b', bytes).is_some() {
        return true;
    }
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

pub fn render(text: &str) -> String {
    carriage_returns(&backspaces(&strip_ansi(text)))
}

/// Drop CSI sequences (`ESC [ params intermediates final`), which colour
/// text without showing anything.
pub(crate) fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\u{1b}') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn backspaces(text: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        if c == '\u{8}' && out.last().is_some_and(|&prev| prev != '\n') {
            out.pop();
        } else {
            out.push(c);
        }
    }
    out.into_iter().collect()
}

fn carriage_returns(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut shown: Vec<char> = Vec::new();
        for segment in line.split('\r') {
            for (j, c) in segment.chars().enumerate() {
                if j < shown.len() {
                    shown[j] = c;
                } else {
                    shown.push(c);
                }
            }
        }
        out.extend(shown);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backspace_deletes_within_a_line() {
        assert_eq!(render("abX\u{8}cd"), "abcd");
        assert_eq!(render("a\n\u{8}b"), "a\n\u{8}b");
        assert_eq!(render("abc\u{8}\u{8}"), "a");
    }

    #[test]
    fn colours_are_invisible() {
        assert_eq!(render("\u{1b}[31mab\u{1b}[0;1mcd\u{1b}[0m"), "abcd");
        assert!(has_controls("\u{1b}[31mx"));
    }

    #[test]
    fn carriage_return_overwrites() {
        assert_eq!(render("hello\rHE"), "HEllo");
        assert_eq!(render("10%\r50%\r100%\n"), "100%\n");
        assert_eq!(render("a\r\nb"), "a\nb");
        assert!(!has_controls("a\r\nb"));
        assert!(has_controls("a\rb"));
    }
}
