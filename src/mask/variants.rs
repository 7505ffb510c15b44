//! The forms in which a secret can reach an output: itself, encoded,
//! escaped, and line by line when it spans lines.

use super::matcher::MIN_RUN;
use super::MIN_SECRET_CHARS;
use crate::detect::{classify, patterns, url};
use base64::alphabet::{Alphabet, STANDARD, URL_SAFE};
use base64::engine::general_purpose::NO_PAD;
use base64::engine::GeneralPurpose;
use base64::Engine;
use std::fmt::Write;
use zeroize::{Zeroize, Zeroizing};

/// Every form of `secret` worth searching for, `secret` itself first,
/// without duplicates.
pub fn variants(secret: &str) -> Vec<Zeroizing<String>> {
    tagged(secret).into_iter().map(|(v, _)| v).collect()
}

/// `variants`, each with whether it is matched only whole (none of a plain
/// secret's are: see `forms` for the ones that are).
fn tagged(secret: &str) -> Vec<(Zeroizing<String>, bool)> {
    let mut out: Vec<(Zeroizing<String>, bool)> =
        encodings(secret).into_iter().map(|v| (v, false)).collect();
    if secret.contains(['\n', '\r']) {
        for line in secret.lines() {
            let line = line.trim_end_matches('\r');
            // A line is masked on its own only when it is as long as a
            // fragment (`MIN_RUN`): a short one (`true`, `}`) would be masked
            // wherever it appears. PEM armour lines are not secret.
            if line.chars().count() >= MIN_RUN
                && !line.starts_with("-----")
                && !out.iter().any(|(have, _)| **have == *line)
            {
                out.push((Zeroizing::new(line.to_string()), false));
            }
        }
    }
    out
}

/// What to register for `secret`: each form, and whether it may match only
/// whole. A JSON object with secret members (a service-account key file)
/// is masked whole, and its secret members in every form and fragment; its
/// structure and ordinary members (`"type": "service_account"`) are not.
pub fn forms(secret: &str) -> Vec<(Zeroizing<String>, bool)> {
    let members = json_secret_members(secret);
    if members.is_empty() {
        return tagged(secret);
    }
    let mut out: Vec<(Zeroizing<String>, bool)> =
        encodings(secret).into_iter().map(|v| (v, true)).collect();
    for member in members {
        out.extend(tagged(&member));
    }
    out
}

/// The values of the secret members of `text` if it is a JSON object:
/// members whose name looks secret (`private_key`, `client_secret`, any
/// `*token*`), and any value shaped like a known key or holding a URL's
/// password, at any depth.
fn json_secret_members(text: &str) -> Vec<Zeroizing<String>> {
    let text = text.trim();
    if !text.starts_with('{') {
        return Vec::new();
    }
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect_secret_members(&value, "", &mut out);
    forget(&mut value);
    out
}

fn collect_secret_members(value: &serde_json::Value, name: &str, out: &mut Vec<Zeroizing<String>>) {
    use serde_json::Value;
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                collect_secret_members(member, key, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_secret_members(item, name, out);
            }
        }
        Value::String(s) => {
            let secret_by_name = classify::secret_name(name) && !ordinary_member(name);
            if secret_by_name || patterns::known_shape(s).is_some() {
                out.push(Zeroizing::new(s.clone()));
            } else if let Some(range) = url::password(s) {
                if let Some(password) = s.get(range) {
                    out.push(Zeroizing::new(password.to_string()));
                }
            }
        }
        Value::Number(n) if classify::secret_name(name) => {
            out.push(Zeroizing::new(n.to_string()));
        }
        _ => {}
    }
    out.retain(|v| v.chars().count() >= MIN_SECRET_CHARS);
}

/// Members named like secrets that hold addresses or kinds: `token_uri`
/// is Google's token endpoint, `token_type` is `Bearer`.
fn ordinary_member(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["uri", "url", "type", "expiry", "expires", "expires_in"]
        .iter()
        .any(|end| lower.ends_with(end))
}

/// Zeroize the strings of a parsed JSON value before it is dropped.
fn forget(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(forget),
        Value::Object(members) => members.values_mut().for_each(forget),
        _ => {}
    }
}

/// `secret` and its encoded and escaped forms, without duplicates.
fn encodings(secret: &str) -> Vec<Zeroizing<String>> {
    let mut out: Vec<Zeroizing<String>> = Vec::new();
    let mut push = |v: String| {
        let v = Zeroizing::new(v);
        if !v.is_empty() && !out.iter().any(|have| **have == *v) {
            out.push(v);
        }
    };
    push(secret.to_string());
    for alphabet in [&STANDARD, &URL_SAFE] {
        for offset in 0..3 {
            push(base64_core(secret.as_bytes(), offset, alphabet));
        }
    }
    // Escapes stack (JSON inside JSON, the JSON of a bytes repr in an HTTP
    // debug log, the repr of HTML): every escaper over every other, to
    // depth two. A step that changes nothing adds nothing, so a plain
    // alphanumeric key keeps its handful of forms.
    for first in ESCAPES {
        let once = Zeroizing::new(first(secret));
        if once.is_empty() || *once == secret {
            continue;
        }
        for second in ESCAPES {
            let twice = second(&once);
            if twice != *once {
                push(twice);
            }
        }
        // An escaped form sent on encoded: `b64encode(json.dumps(obj))`
        // (a JWT or Kubernetes payload, a data: URL) holds the base64 of
        // the escaped secret, which shares no run with the secret's own.
        // Standard alphabet only: Python's b64encode, JWT payloads aside
        // (their secrets are found as the JWT itself).
        for offset in 0..3 {
            push(base64_core(once.as_bytes(), offset, &STANDARD));
        }
        push(once.to_string());
    }
    out
}

type Escape = fn(&str) -> String;

/// The escapers whose output a secret reaches output through, each the
/// inside of what Python prints.
const ESCAPES: &[Escape] = &[
    |s| json_escape(s, true),
    |s| json_escape(s, false),
    |s| html_escape(s, true),
    |s| html_escape(s, false),
    |s| repr_escape(s, true),
    |s| repr_escape(s, false),
    |s| bytes_repr_escape(s, true),
    |s| bytes_repr_escape(s, false),
    |s| percent_encode(s, b""),
    |s| percent_encode(s, b"/"),
    |s| percent_encode(s, b"").replace("%20", "+"),
    unicode_escape,
];

/// The base64 characters that depend only on `bytes` when they sit at
/// byte `offset` (mod 3) of a longer encoded stream: what stays the same
/// whatever precedes or follows them, padded or not.
fn base64_core(bytes: &[u8], offset: usize, alphabet: &Alphabet) -> String {
    let engine = GeneralPurpose::new(alphabet, NO_PAD);
    let mut shifted = Zeroizing::new(vec![0u8; offset]);
    shifted.extend_from_slice(bytes);
    let encoded = Zeroizing::new(engine.encode(&*shifted));
    let first_bit = 8 * offset;
    let end_bit = 8 * (offset + bytes.len());
    let first = first_bit.div_ceil(6);
    let end = end_bit / 6;
    if end <= first {
        return String::new();
    }
    encoded[first..end].to_string()
}

/// `urllib.parse.quote(s, safe=...)`: unreserved bytes stay, others `%XX`.
fn percent_encode(s: &str, safe: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The inside of `json.dumps(s)` (`ensure_ascii` as Python's default).
pub(crate) fn json_escape(s: &str, ensure_ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (ensure_ascii && !c.is_ascii()) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `html.escape(s, quote=...)`.
fn html_escape(s: &str, quote: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quote => out.push_str("&quot;"),
            '\'' if quote => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The inside of Python's `repr(s)`; `escape_single` for the form where
/// the repr is single-quoted and `'` must be escaped.
fn repr_escape(s: &str, escape_single: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' if escape_single => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s.encode("unicode_escape")` read as latin-1 (it is ASCII): `\\`, `\t`,
/// `\n`, `\r`, and `\xNN`, `\uNNNN`, `\UNNNNNNNN` for what is not printable
/// ASCII; quotes stay. Printed, those bytes show as their repr, which
/// doubles every backslash: the stacking in `encodings` covers that.
fn unicode_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        let code = c as u32;
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ' '..='~' => out.push(c),
            _ if code < 0x100 => {
                let _ = write!(out, "\\x{code:02x}");
            }
            _ if code < 0x10000 => {
                let _ = write!(out, "\\u{code:04x}");
            }
            _ => {
                let _ = write!(out, "\\U{code:08x}");
            }
        }
    }
    out
}

/// The inside of `repr(s.encode())`: non-ASCII bytes become `\xNN`. Of an
/// ASCII text it is `repr_escape`'s, so it is left to that one.
fn bytes_repr_escape(s: &str, escape_single: bool) -> String {
    if s.is_ascii() {
        return String::new();
    }
    let mut out = String::with_capacity(s.len() * 4);
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' if escape_single => out.push_str("\\'"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE as B64URL};

    fn has(vs: &[Zeroizing<String>], s: &str) -> bool {
        vs.iter().any(|v| **v == s)
    }

    #[test]
    fn base64_cores_appear_in_any_alignment() {
        let secret = "sk-proj-Zx9_?>+/abcdefghijklmnop";
        let vs = variants(secret);
        for prefix in ["", "u", "us", "user:", "Authorization: Bearer "] {
            for suffix in ["", "\n", "!"] {
                let data = format!("{prefix}{secret}{suffix}");
                for encoded in [B64.encode(&data), B64URL.encode(&data)] {
                    assert!(
                        vs.iter()
                            .any(|v| encoded.contains(v.as_str()) && v.len() >= 40),
                        "no core of {prefix:?}+secret+{suffix:?} in {encoded}"
                    );
                }
            }
        }
    }

    #[test]
    fn escapes_match_python() {
        let s = "a\"b\\c<d>&e'f/g+h é\n";
        let vs = variants(s);
        assert!(has(&vs, "a\\\"b\\\\c<d>&e'f/g+h \\u00e9\\n"));
        assert!(has(&vs, "a\\\"b\\\\c<d>&e'f/g+h é\\n"));
        assert!(has(&vs, "a&quot;b\\c&lt;d&gt;&amp;e&#x27;f/g+h é\n"));
        assert!(has(&vs, "a\"b\\\\c<d>&e\\'f/g+h é\\n"));
        assert!(has(&vs, "a%22b%5Cc%3Cd%3E%26e%27f%2Fg%2Bh%20%C3%A9%0A"));
        assert!(has(&vs, "a%22b%5Cc%3Cd%3E%26e%27f/g%2Bh%20%C3%A9%0A"));
        assert!(has(&vs, "a%22b%5Cc%3Cd%3E%26e%27f%2Fg%2Bh+%C3%A9%0A"));
    }

    #[test]
    fn unicode_escape_matches_python() {
        // python3 -c 'print("\x01\x7f\x80\u0100\U0001f600\\\t\"\x27 é".encode("unicode_escape").decode())'
        assert_eq!(
            unicode_escape("\u{1}\u{7f}\u{80}\u{100}\u{1f600}\\\t\"' é"),
            "\\x01\\x7f\\x80\\u0100\\U0001f600\\\\\\t\"' \\xe9"
        );
        assert_eq!(unicode_escape(KEY_LIKE), KEY_LIKE);
    }

    const KEY_LIKE: &str = "sk-proj-Zx9_?>+/abcdefghijklmnop";

    #[test]
    fn lines_of_a_pem_block_but_not_its_armour() {
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
        let vs = variants(pem);
        assert!(has(&vs, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"));
        assert!(has(&vs, "BKcwggSjAgEAAoIBAQC7"));
        assert!(!has(&vs, "-----BEGIN PRIVATE KEY-----"));
    }
}
