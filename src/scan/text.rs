//! Secrets in one decoded text: known secrets and well-known formats
//! together, and the masked snippet shown for each.

use super::finding::KNOWN_KIND;
use super::rules::Applied;
use crate::detect::patterns;
use crate::mask::Snapshot;
use std::ops::Range;

/// A secret in a text: `name` for a known secret, else a format's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub range: Range<usize>,
    pub kind: &'static str,
    pub name: Option<String>,
}

impl Hit {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.kind)
    }
}

/// Every secret in `text`, sorted, not overlapping. `formats` off skips the
/// well-known formats (base64 image payloads). A known secret wins over a
/// format found at the same place: its name says more.
///
/// `custom`: a gitleaks configuration's rules, whose global allowlists
/// silence the built-in formats too (never the user's own secrets).
pub fn hits(text: &str, snapshot: &Snapshot, formats: bool, custom: Option<&Applied>) -> Vec<Hit> {
    let mut out: Vec<Hit> = snapshot
        .find(text)
        .into_iter()
        .map(|h| Hit {
            range: h.range,
            kind: KNOWN_KIND,
            name: Some(snapshot.name(h.secret).to_string()),
        })
        .collect();
    if formats {
        let known = out.len();
        for found in patterns::find(text) {
            let overlaps = out[..known]
                .iter()
                .any(|k| k.range.start < found.range.end && found.range.start < k.range.end);
            let allowed = custom.is_some_and(|c| {
                c.rules
                    .allows(text.as_bytes(), found.range.clone(), &c.path)
            });
            if !overlaps && !allowed {
                out.push(Hit {
                    range: found.range,
                    kind: found.kind,
                    name: None,
                });
            }
        }
        let mut builtin = out.len();
        if let Some(custom) = custom {
            for (range, kind) in custom.rules.find(text.as_bytes(), &custom.path) {
                // A match inside a character would cut it (the regexes run on bytes).
                let whole = text.is_char_boundary(range.start) && text.is_char_boundary(range.end);
                let overlapping = |k: &Hit| k.range.start < range.end && range.start < k.range.end;
                // A team's rule names a value better than the generic
                // secret-named-setting format does.
                let generic = patterns::GENERIC_KIND;
                if whole && out.iter().any(|k| overlapping(k) && k.kind == generic) {
                    out.retain(|k| !(overlapping(k) && k.kind == generic));
                }
                let overlaps = out.iter().any(overlapping);
                if whole && !overlaps {
                    out.push(Hit {
                        range,
                        kind,
                        name: None,
                    });
                    // Sorted again below, whatever was removed.
                    builtin = 0;
                }
            }
        }
        if (known > 0 && builtin > known) || out.len() > builtin {
            out.sort_by_key(|h| h.range.start);
        }
    }
    out
}

/// 1-based line and column (in characters) of byte `offset`, counting on
/// from a previous position so a file with many findings is read once.
pub struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// `(line, column, line_start)`; offsets must not go backwards
    /// (going back restarts from the top).
    pub fn at(&mut self, offset: usize) -> (usize, usize, usize) {
        if offset < self.offset {
            *self = Lines::new(self.text);
        }
        let bytes = self.text.as_bytes();
        for nl in memchr::memchr_iter(b'\n', &bytes[self.offset..offset]) {
            self.line += 1;
            self.line_start = self.offset + nl + 1;
        }
        self.offset = offset;
        let column = self.text[self.line_start..offset].chars().count() + 1;
        (self.line, column, self.line_start)
    }
}

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 160;

/// The line holding `hits[index]` with every hit on it replaced by
/// `[masked:LABEL]`, control characters made visible, cut to a readable
/// length around the finding.
pub fn snippet(text: &str, hits: &[Hit], index: usize, line_start: usize) -> String {
    let start = hits[index].range.start;
    let line_end =
        memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |n| start + n);
    let mut out = String::new();
    let mut cursor = line_start;
    let mut focus = 0;
    for (i, hit) in hits.iter().enumerate() {
        if hit.range.end <= line_start || hit.range.start >= line_end {
            continue;
        }
        let from = hit.range.start.max(cursor);
        push_visible(&mut out, &text[cursor..from]);
        if i == index {
            focus = out.chars().count();
        }
        out.push_str("[masked:");
        out.push_str(hit.label());
        out.push(']');
        cursor = hit.range.end.min(line_end).max(cursor);
    }
    if cursor < line_end {
        push_visible(&mut out, &text[cursor..line_end]);
    }
    let trimmed = out.trim_start();
    let dropped = out.len() - trimmed.len();
    cut(trimmed.trim_end(), focus.saturating_sub(dropped))
}

/// `piece` without colour sequences (`ESC[0;31m`), with other control
/// characters escaped so a terminal shows them instead of obeying them.
fn push_visible(out: &mut String, piece: &str) {
    for c in crate::mask::render::strip_ansi(piece).chars() {
        match c {
            '\t' => out.push(' '),
            '\r' => {}
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
}

/// At most `SNIPPET_CHARS` characters, keeping the finding (at character
/// `focus`) in view.
fn cut(line: &str, focus: usize) -> String {
    let total = line.chars().count();
    if total <= SNIPPET_CHARS {
        return line.to_string();
    }
    let first = focus
        .saturating_sub(SNIPPET_CHARS / 3)
        .min(total - SNIPPET_CHARS);
    let mut out = String::new();
    if first > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(first).take(SNIPPET_CHARS));
    if first + SNIPPET_CHARS < total {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mask::Masker;

    #[test]
    fn snippet_masks_every_secret_on_the_line() {
        let mut masker = Masker::default();
        let _ = masker.add("DB_PASSWORD", "hunter2-but-longer", "test");
        let snapshot = masker.snapshot();
        let text = "first line\nconnect(password='hunter2-but-longer', key='sk-Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789')\nlast";
        let found = hits(text, &snapshot, true, None);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].label(), "DB_PASSWORD");
        assert_eq!(found[1].label(), "openai-key");
        let mut lines = Lines::new(text);
        let (line, column, line_start) = lines.at(found[1].range.start);
        assert_eq!((line, column), (2, 45));
        let shown = snippet(text, &found, 1, line_start);
        assert_eq!(
            shown,
            "connect(password='[masked:DB_PASSWORD]', key='[masked:openai-key]')"
        );
    }

    #[test]
    fn colours_are_dropped_and_controls_escaped() {
        let text = "\u{1b}[0;31mError\u{1b}[0m: \u{1b}[1;32mghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A\u{1b}[0m\u{7}";
        let snapshot = Masker::default().snapshot();
        let found = hits(text, &snapshot, true, None);
        assert_eq!(
            snippet(text, &found, 0, 0),
            "Error: [masked:github-token]\\u{7}"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_finding() {
        let text = format!(
            "{}ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A{}",
            "a ".repeat(500),
            " b".repeat(500)
        );
        let snapshot = Masker::default().snapshot();
        let found = hits(&text, &snapshot, true, None);
        let shown = snippet(&text, &found, 0, 0);
        assert!(shown.contains("[masked:github-token]"));
        assert!(shown.chars().count() <= SNIPPET_CHARS + 2);
    }
}
