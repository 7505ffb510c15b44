//! Well-known credential formats: the one list both the masking policy
//! (`known_shape`, asked by `classify`) and the scanner (`find`) use.
//!
//! Finding them in bulk text: one Aho-Corasick automaton over the literal
//! prefixes finds candidates (its SIMD prefilter skips most bytes), then a
//! hand-written check of the characters after the prefix and of the
//! boundaries either side decides. Random-looking data (hashes, UUIDs,
//! base64 payloads) cannot pass the boundary checks: a key must not be glued
//! to letters or digits on either side.

use super::kinds::{self, Kind};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// A well-known credential format: a literal prefix and a body.
pub struct Shape {
    /// Stable id used in reports: `openai-key` (the `id` of its `Kind`).
    pub kind: &'static str,
    /// What a person reads: "OpenAI API key".
    pub label: &'static str,
    /// Who issues it: "OpenAI".
    pub provider: &'static str,
    pub prefix: &'static str,
    body: fn(u8) -> bool,
    min_body: usize,
    max_body: usize,
    /// The body must mix character classes like a random token does.
    random: bool,
    /// Reported by the scanner (a test-mode key is masked but not a leak).
    report: bool,
}

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// A format of `kind`, labelled and attributed as the kind is.
const fn shape(
    kind: Kind,
    prefix: &'static str,
    body: fn(u8) -> bool,
    min_body: usize,
    max_body: usize,
) -> Shape {
    Shape {
        kind: kind.id,
        label: kind.label,
        provider: kind.provider,
        prefix,
        body,
        min_body,
        max_body,
        random: true,
        report: true,
    }
}

/// Longer prefixes first: `known_shape` takes the first that fits.
pub const SHAPES: &[Shape] = &[
    shape(kinds::ANTHROPIC_KEY, "sk-ant-", token_char, 20, 400),
    shape(kinds::OPENAI_PROJECT_KEY, "sk-proj-", token_char, 20, 400),
    shape(kinds::OPENAI_KEY, "sk-", token_char, 20, 400),
    shape(kinds::GITHUB_TOKEN, "ghp_", alnum, 30, 255),
    shape(kinds::GITHUB_OAUTH_TOKEN, "gho_", alnum, 30, 255),
    shape(kinds::GITHUB_USER_TOKEN, "ghu_", alnum, 30, 255),
    shape(kinds::GITHUB_SERVER_TOKEN, "ghs_", alnum, 30, 255),
    shape(kinds::GITHUB_REFRESH_TOKEN, "ghr_", alnum, 30, 255),
    shape(
        kinds::GITHUB_FINE_GRAINED_TOKEN,
        "github_pat_",
        alnum_underscore,
        30,
        255,
    ),
    shape(kinds::GITLAB_TOKEN, "glpat-", token_char, 20, 255),
    Shape {
        random: false,
        ..shape(kinds::AWS_ACCESS_KEY_ID, "AKIA", upper_alnum, 16, 16)
    },
    Shape {
        random: false,
        label: "AWS temporary access key id",
        ..shape(kinds::AWS_ACCESS_KEY_ID, "ASIA", upper_alnum, 16, 16)
    },
    shape(kinds::SLACK_TOKEN, "xoxb-", token_char, 10, 255),
    shape(kinds::SLACK_TOKEN, "xoxa-", token_char, 10, 255),
    shape(kinds::SLACK_TOKEN, "xoxp-", token_char, 10, 255),
    shape(kinds::SLACK_TOKEN, "xoxr-", token_char, 10, 255),
    shape(kinds::GOOGLE_API_KEY, "AIza", token_char, 35, 35),
    shape(kinds::HUGGINGFACE_TOKEN, "hf_", alnum, 30, 255),
    shape(kinds::STRIPE_LIVE_KEY, "sk_live_", alnum, 16, 255),
    shape(kinds::STRIPE_RESTRICTED_KEY, "rk_live_", alnum, 16, 255),
    Shape {
        report: false,
        ..shape(kinds::STRIPE_TEST_KEY, "sk_test_", alnum, 16, 255)
    },
];

pub const PEM_KIND: &str = kinds::PEM_PRIVATE_KEY.id;
pub const PEM_LABEL: &str = kinds::PEM_PRIVATE_KEY.label;
pub const URL_KIND: &str = kinds::URL_PASSWORD.id;
pub const AWS_SECRET_KIND: &str = kinds::AWS_SECRET_ACCESS_KEY.id;

/// The kind of well-known credential `value` is, if it is one: the masking
/// policy's question about a whole value, answered leniently (a prefix and
/// enough body characters) because masking a non-key costs little.
pub fn known_shape(value: &str) -> Option<&'static str> {
    let value = value.trim();
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY-----") {
        return Some(PEM_LABEL);
    }
    SHAPES.iter().find_map(|shape| {
        let body = value.strip_prefix(shape.prefix)?.as_bytes();
        let run = body.iter().take_while(|&&b| (shape.body)(b)).count();
        (run >= shape.min_body).then_some(shape.label)
    })
}

/// One credential found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub kind: &'static str,
}

/// Labels (field names) after which a 40-character AWS secret key follows.
const AWS_SECRET_LABELS: &[&str] = &[
    "secret_access_key",
    "SECRET_ACCESS_KEY",
    "SecretAccessKey",
    "secretAccessKey",
    "aws_secret_key",
    "AWS_SECRET_KEY",
];
const PEM_BEGIN: &str = "-----BEGIN ";
const URL_MARK: &str = "://";

/// What an automaton pattern index stands for.
enum Candidate {
    Shape(&'static Shape),
    AwsLabel,
    Pem,
    Url,
}

struct Prefilter {
    automaton: AhoCorasick,
    candidates: Vec<Candidate>,
    aws_secret: Regex,
}

fn prefilter() -> Option<&'static Prefilter> {
    static PREFILTER: OnceLock<Option<Prefilter>> = OnceLock::new();
    PREFILTER
        .get_or_init(|| {
            let mut literals: Vec<&str> = Vec::new();
            let mut candidates = Vec::new();
            for shape in SHAPES.iter().filter(|s| s.report) {
                literals.push(shape.prefix);
                candidates.push(Candidate::Shape(shape));
            }
            for label in AWS_SECRET_LABELS {
                literals.push(label);
                candidates.push(Candidate::AwsLabel);
            }
            literals.push(PEM_BEGIN);
            candidates.push(Candidate::Pem);
            literals.push(URL_MARK);
            candidates.push(Candidate::Url);
            let automaton = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&literals)
                .ok()?;
            let aws_secret = Regex::new(r"[A-Za-z0-9/+]{40,}").ok()?;
            Some(Prefilter {
                automaton,
                candidates,
                aws_secret,
            })
        })
        .as_ref()
}

/// Every well-known credential in `text`, in order, not overlapping.
pub fn find(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let Some(pre) = prefilter() else {
        return found;
    };
    let bytes = text.as_bytes();
    let mut aws_ids: Vec<Range<usize>> = Vec::new();
    for m in pre.automaton.find_iter(bytes) {
        let (start, end) = (m.start(), m.end());
        if found.last().is_some_and(|f: &Found| start < f.range.end) {
            continue;
        }
        let hit = match &pre.candidates[m.pattern().as_usize()] {
            Candidate::Shape(shape) => check_shape(bytes, start, shape),
            Candidate::AwsLabel => aws_after_label(bytes, end),
            Candidate::Pem => pem_block(text, start),
            Candidate::Url => url_password(text, start),
        };
        if let Some(hit) = hit {
            if hit.kind == kinds::AWS_ACCESS_KEY_ID.id {
                aws_ids.push(hit.range.clone());
            }
            found.push(hit);
        }
    }
    if !aws_ids.is_empty() {
        aws_secrets_near(text, &pre.aws_secret, &aws_ids, &mut found);
    }
    found
}

/// Whether a key may start after `bytes[..start]`: not glued to a letter or
/// digit, except one that ends an escape such as `\n` in JSON or a repr.
fn free_before(bytes: &[u8], start: usize) -> bool {
    match start.checked_sub(1).map(|i| bytes[i]) {
        Some(b) if b.is_ascii_alphanumeric() => {
            (start >= 2 && bytes[start - 2] == b'\\') || ends_ansi_escape(&bytes[..start])
        }
        _ => true,
    }
}

/// Whether `before` ends with an ANSI colour sequence (`ESC [ 0;31 m`), as
/// in IPython's tracebacks; ESC itself may be written `\u001b`, `\x1b`,
/// `\033` or `\e` in escaped text.
fn ends_ansi_escape(before: &[u8]) -> bool {
    let Some((&last, rest)) = before.split_last() else {
        return false;
    };
    if !last.is_ascii_alphabetic() {
        return false;
    }
    let params = rest
        .iter()
        .rev()
        .take(16)
        .take_while(|&&b| b.is_ascii_digit() || b == b';')
        .count();
    let Some(rest) = rest[..rest.len() - params].strip_suffix(b"[") else {
        return false;
    };
    rest.ends_with(b"\x1b")
        || [
            &b"\\u001b"[..],
            b"\\u001B",
            b"\\x1b",
            b"\\x1B",
            b"\\033",
            b"\\e",
        ]
        .iter()
        .any(|esc| rest.ends_with(esc))
}

/// Whether a key may end at `end`: not glued to a following letter or digit.
fn free_after(bytes: &[u8], end: usize) -> bool {
    !bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Keys from providers' documentation (`AKIAIOSFODNN7EXAMPLE`,
/// `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`): published on purpose.
fn documentation_example(body: &[u8]) -> bool {
    memchr::memmem::find(body, b"EXAMPLE").is_some()
}

/// Two of digits, upper-case and lower-case letters: a random token has
/// them, words and slugs (`sk-learn-tutorial-for-beginners`) do not.
fn random_enough(body: &[u8]) -> bool {
    let digit = body.iter().any(u8::is_ascii_digit) as u8;
    let upper = body.iter().any(u8::is_ascii_uppercase) as u8;
    let lower = body.iter().any(u8::is_ascii_lowercase) as u8;
    digit + upper + lower >= 2
}

fn check_shape(bytes: &[u8], start: usize, shape: &'static Shape) -> Option<Found> {
    if !free_before(bytes, start) {
        return None;
    }
    let body_start = start + shape.prefix.len();
    let body = &bytes[body_start..];
    let run = body
        .iter()
        .take(shape.max_body + 1)
        .take_while(|&&b| (shape.body)(b))
        .count();
    if run < shape.min_body || run > shape.max_body {
        return None;
    }
    let mut end = body_start + run;
    // A trailing `-` or `_` is punctuation more often than part of the key.
    while end > body_start + shape.min_body && matches!(bytes[end - 1], b'-' | b'_') {
        end -= 1;
    }
    if !free_after(bytes, end) {
        return None;
    }
    if shape.random && !random_enough(&bytes[body_start..end]) {
        return None;
    }
    if documentation_example(&bytes[body_start..end]) {
        return None;
    }
    Some(Found {
        range: start..end,
        kind: shape.kind,
    })
}

fn base64ish(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/' || b == b'+'
}

/// A 40-character AWS secret access key: base64 characters, all three
/// classes (a 40-digit hex SHA-1 has no upper case), standing alone.
fn aws_secret_at(bytes: &[u8], start: usize) -> Option<Found> {
    let end = start + 40;
    let key = bytes.get(start..end)?;
    let alone = !bytes.get(end).is_some_and(|&b| base64ish(b) || b == b'=')
        && !start.checked_sub(1).is_some_and(|i| {
            base64ish(bytes[i])
                && !(i >= 1 && bytes[i - 1] == b'\\')
                && !ends_ansi_escape(&bytes[..start])
        });
    // Two character classes (one random key in a thousand has no digit),
    // and not a hexadecimal digest.
    let mixed = random_enough(key) && !key.iter().all(u8::is_ascii_hexdigit);
    (alone && mixed && key.iter().all(|&b| base64ish(b)) && !documentation_example(key)).then_some(
        Found {
            range: start..end,
            kind: AWS_SECRET_KIND,
        },
    )
}

/// `aws_secret_access_key = "...."`, `"SecretAccessKey": "...."`: skip the
/// rest of the name, quotes, spaces and one `=` or `:`, then the key.
fn aws_after_label(bytes: &[u8], mut at: usize) -> Option<Found> {
    let mut separators = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' | b'\'' | b' ' | b'\t' | b'\\' => {}
            b'=' | b':' => separators += 1,
            _ => break,
        }
        at += 1;
        if separators > 1 || at > bytes.len() {
            return None;
        }
    }
    if separators != 1 {
        return None;
    }
    aws_secret_at(bytes, at)
}

/// Secret keys written within a few lines of an access key id.
fn aws_secrets_near(text: &str, any40: &Regex, ids: &[Range<usize>], found: &mut Vec<Found>) {
    const NEAR: usize = 400;
    let bytes = text.as_bytes();
    let mut extra = Vec::new();
    for id in ids {
        let mut lo = id.start.saturating_sub(NEAR);
        while !text.is_char_boundary(lo) {
            lo += 1;
        }
        let mut hi = (id.end + NEAR).min(text.len());
        while !text.is_char_boundary(hi) {
            hi -= 1;
        }
        // Maximal runs: the key is the whole run, or its last 40 characters
        // when a colour sequence (`ESC[31m`) is glued to its front.
        let candidates = any40.find_iter(&text[lo..hi]).flat_map(|m| {
            let (start, end) = (lo + m.start(), lo + m.end());
            [Some(start), (end - start > 40).then_some(end - 40)]
        });
        for start in candidates.flatten() {
            if let Some(hit) = aws_secret_at(bytes, start) {
                let taken = found.iter().chain(extra.iter()).any(|f: &Found| {
                    f.range.start < hit.range.end && hit.range.start < f.range.end
                });
                if !taken {
                    extra.push(hit);
                }
            }
        }
    }
    if !extra.is_empty() {
        found.extend(extra);
        found.sort_by_key(|f| f.range.start);
    }
}

/// `-----BEGIN ... PRIVATE KEY-----`, its base64 body and its END line
/// (or, cut short, as much body as follows).
fn pem_block(text: &str, start: usize) -> Option<Found> {
    const MAX_BLOCK: usize = 64 * 1024;
    let bytes = text.as_bytes();
    let header_start = start + PEM_BEGIN.len();
    let header_len = bytes[header_start..]
        .iter()
        .take(64)
        .position(|&b| b == b'-')?;
    let header = &text[header_start..header_start + header_len];
    if !(header.ends_with("PRIVATE KEY") || header.ends_with("PRIVATE KEY BLOCK"))
        || !header.bytes().all(|b| upper_alnum(b) || b == b' ')
    {
        return None;
    }
    let body_start = header_start + header_len;
    if !text[body_start..].starts_with("-----") {
        return None;
    }
    let body_start = body_start + 5;
    let mut limit = (body_start + MAX_BLOCK).min(text.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &text[body_start..limit];
    let (body, end) = match window.find("-----END ") {
        Some(at) => {
            let close = window[at + 9..]
                .find("-----")
                .map_or(at + 9, |c| at + 9 + c + 5);
            (&window[..at], body_start + close)
        }
        None => {
            let run = window
                .bytes()
                .take_while(|&b| base64ish(b) || b"=\r\n\\ \t\":,".contains(&b))
                .count();
            (&window[..run], body_start + run)
        }
    };
    let payload = body.bytes().filter(|&b| base64ish(b)).count();
    (payload >= 40).then_some(Found {
        range: start..end,
        kind: PEM_KIND,
    })
}

/// Passwords everyone writes in examples, not worth an alarm.
fn placeholder(password: &str) -> bool {
    const WORDS: &[&str] = &[
        "password", "pass", "passwd", "pwd", "secret", "user", "username", "pw", "token",
    ];
    let first = password.as_bytes()[0];
    WORDS.iter().any(|w| password.eq_ignore_ascii_case(w))
        || b"$<{%[".contains(&first)
        || password
            .bytes()
            .all(|b| b == first && !b.is_ascii_alphanumeric())
        || password.bytes().all(|b| b == b'x' || b == b'X')
}

/// The password in `scheme://user:PASSWORD@host` around the `://` at `mark`.
fn url_password(text: &str, mark: usize) -> Option<Found> {
    let bytes = text.as_bytes();
    let scheme_len = bytes[..mark]
        .iter()
        .rev()
        .take(32)
        .take_while(|&&b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        .count();
    // A colour sequence can be glued in front (`ESC[38;5;124mamqp://`): the
    // scheme starts at the first letter; which letter does not matter here.
    let scheme_start = (mark - scheme_len..mark).find(|&i| bytes[i].is_ascii_alphabetic())?;
    let authority_len = bytes[mark + 3..]
        .iter()
        .take(512)
        .take_while(|&&b| !b" \t\r\n\"'<>`\\()[]{}/?#".contains(&b))
        .count();
    let mut authority_end = mark + 3 + authority_len;
    // The length cap can stop inside a multi-byte character.
    while !text.is_char_boundary(authority_end) {
        authority_end -= 1;
    }
    let candidate = &text[scheme_start..authority_end];
    let password = super::url::password(candidate)?;
    let range = scheme_start + password.start..scheme_start + password.end;
    if range.len() < 3 || placeholder(&text[range.clone()]) {
        return None;
    }
    // A token used as the password (`https://x:ghp_...@github.com`) is named as the token.
    let kind = SHAPES
        .iter()
        .filter(|s| s.report && text[range.clone()].starts_with(s.prefix))
        .find_map(|s| check_shape(bytes, range.start, s))
        .map_or(URL_KIND, |f| f.kind);
    Some(Found { range, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&'static str, &str)> {
        find(text)
            .into_iter()
            .map(|f| (f.kind, &text[f.range]))
            .collect()
    }

    const OPENAI: &str = "sk-Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789AbCdEfGhIj";
    const ANTHROPIC: &str = "sk-ant-api03-Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Ji0HgFeDcBa-AA";
    const PROJECT: &str = "sk-proj-Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXcVbNm_-Q9";

    #[test]
    fn every_shape_is_found_with_its_kind() {
        let cases = [
            (OPENAI, "openai-key"),
            (ANTHROPIC, "anthropic-key"),
            (PROJECT, "openai-project-key"),
            ("ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-token"),
            ("gho_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-oauth-token"),
            ("ghu_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-user-token"),
            ("ghs_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-server-token"),
            ("ghr_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-refresh-token"),
            (
                "github_pat_11ABCDEFG0123456789abc_defGHIJKLmnopQRSTuvwxYZ0123456789abcdefGHIJKLmnop",
                "github-fine-grained-token",
            ),
            ("glpat-aB3dE5fG7hJ9kL1mN3pQ", "gitlab-token"),
            ("xoxb-123456789012-1234567890123-aBcDeFgHiJkLmNoPqRsTuVwX", "slack-token"),
            ("xoxp-123456789012-aBcDeF", "slack-token"),
            ("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "google-api-key"),
            ("hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH", "huggingface-token"),
            ("sk_live_aB3dE5fG7hJ9kL1mN3pQ5rS7", "stripe-live-key"),
            ("rk_live_aB3dE5fG7hJ9kL1mN3pQ5rS7", "stripe-restricted-key"),
            ("AKIAZ3MPLE4KEY5ID6XQ", "aws-access-key-id"),
            ("ASIAZ3MPLE4KEY5ID6XQ", "aws-access-key-id"),
        ];
        for (key, kind) in cases {
            for text in [
                key.to_string(),
                format!("x = \"{key}\"\n"),
                format!("KEY={key}"),
                format!("print('{key}')"),
                format!("\\n{key}\\n"),
            ] {
                assert_eq!(kinds(&text), vec![(kind, key)], "{text}");
            }
        }
    }

    #[test]
    fn aws_secret_keys_near_an_id_or_after_their_label() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYz3xAmPlEkY";
        let text = format!("aws_access_key_id = AKIAZ3MPLE4KEY5ID6XQ\nother = {secret}\n");
        assert_eq!(
            kinds(&text),
            vec![
                ("aws-access-key-id", "AKIAZ3MPLE4KEY5ID6XQ"),
                ("aws-secret-access-key", secret)
            ]
        );
        for text in [
            format!("aws_secret_access_key={secret}"),
            format!("AWS_SECRET_ACCESS_KEY: '{secret}'"),
            format!("{{\"SecretAccessKey\": \"{secret}\"}}"),
        ] {
            assert_eq!(
                kinds(&text),
                vec![("aws-secret-access-key", secret)],
                "{text}"
            );
        }
        // Without an id or a label a 40-character token is not enough.
        assert!(kinds(&format!("value = {secret}")).is_empty());
        // A SHA-1 next to an id is not a secret key.
        let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
        assert_eq!(
            kinds(&format!("AKIAZ3MPLE4KEY5ID6XQ {sha1}")),
            vec![("aws-access-key-id", "AKIAZ3MPLE4KEY5ID6XQ")]
        );
    }

    #[test]
    fn pem_blocks_whole_or_cut_short() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nq1w2e3r4t5y6u7i8o9p0\n";
        let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----");
        let text = format!("key = '''{pem}'''\n");
        assert_eq!(kinds(&text), vec![("pem-private-key", pem.as_str())]);
        let cut = format!("-----BEGIN PRIVATE KEY-----\n{body}");
        assert_eq!(kinds(&cut).len(), 1);
        // Armour alone, or a public key, is not a leak.
        assert!(kinds("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----").is_empty());
        assert!(kinds(&format!(
            "-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----"
        ))
        .is_empty());
    }

    #[test]
    fn url_passwords_but_not_placeholders() {
        assert_eq!(
            kinds("DATABASE_URL=postgres://app:Hx7-q2pLw9@db.internal:5432/prod"),
            vec![("url-password", "Hx7-q2pLw9")]
        );
        for text in [
            "https://example.com/a:b@c",
            "postgres://user:password@localhost/db",
            "postgres://user:${DB_PASSWORD}@localhost/db",
            "redis://:****@cache",
            "https://user@example.com/",
            "see http://example.com",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_token_as_url_password_is_named_as_the_token() {
        let text = "git clone https://x-access-token:ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A@github.com/o/r";
        assert_eq!(
            kinds(text),
            vec![("github-token", "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A")]
        );
    }

    #[test]
    fn long_non_ascii_authorities_do_not_split_characters() {
        let text = format!("https://{}:pw@x", "é".repeat(400));
        assert!(kinds(&text).is_empty());
        let text = format!("https://u:{}@x", "é".repeat(400));
        assert!(kinds(&text).is_empty());
    }

    /// Texts glued from the pieces the checks look at, with multi-byte
    /// characters in between: no panic, every range on character boundaries.
    #[test]
    fn random_texts_never_panic() {
        const PIECES: &[&str] = &[
            "sk-",
            "sk-ant-",
            "ghp_",
            "AKIA",
            "AIza",
            "hf_",
            "://",
            "@",
            ":",
            "/",
            "-----BEGIN ",
            "RSA PRIVATE KEY-----",
            "-----END ",
            "é",
            "✓",
            "\\",
            "\\n",
            "A",
            "z",
            "7",
            "_",
            "-",
            "aws_secret_access_key",
            "=",
            "\"",
            "\n",
            " ",
            "Ab3dEfGh1jKlMn0pQrSt",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(state % 60) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
            }
            for f in find(&text) {
                assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end));
            }
        }
    }

    #[test]
    fn keys_after_ansi_colours_are_found() {
        for esc in ["\x1b", "\\u001b", "\\x1b", "\\033"] {
            let text = format!("{esc}[0;31mValueError{esc}[0m: {esc}[1;32m{OPENAI}{esc}[0m");
            assert_eq!(kinds(&text), vec![("openai-key", OPENAI)], "{text}");
        }
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYz3xAmPlEkY";
        let text = format!("AKIAZ3MPLE4KEY5ID6XQ \x1b[31m{secret}\x1b[0m");
        assert_eq!(kinds(&text).len(), 2);
        // An ordinary word before the prefix still rejects it.
        assert!(kinds(&format!("xm{OPENAI}")).is_empty());
    }

    #[test]
    fn url_after_a_colour_and_secret_keys_without_digits() {
        let text = "connect(\x1b[38;5;124m'\x1b[39m\x1b[38;5;124mamqp://admin:E0oQYNc3STAUD6pBnq8@mq.example.com:5672/\x1b[39m')";
        assert_eq!(kinds(text), vec![("url-password", "E0oQYNc3STAUD6pBnq8")]);
        let secret = "oQm+FKDlBKjOxKfukcHHlpgoAAxKkj+uIxYyZZhR";
        assert_eq!(
            kinds(&format!("aws_secret_access_key={secret}")),
            vec![("aws-secret-access-key", secret)]
        );
        let upper_hex = "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709";
        assert!(kinds(&format!("aws_secret_access_key={upper_hex}")).is_empty());
    }

    #[test]
    fn documentation_examples_are_not_reported() {
        assert!(kinds("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\nsecret = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_empty());
    }

    #[test]
    fn decoys_are_not_reported() {
        let decoys = [
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "123e4567-e89b-12d3-a456-426614174000",
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
            "the task-list and the risk-assessment-framework-for-2024-projects",
            "use sk-learn-tutorial-for-beginners-and-experts today",
            "from huggingface_hub import hf_hub_download_and_cache_all_the_things",
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkAKIAKIAABCDEFGHIJKLMNOPQRSTA",
            "xAKIAZ3MPLE4KEY5ID6XQ and AKIAZ3MPLE4KEY5ID6XQx and AKIAZ3MPLE4KEY5ID6XQ9",
            "sk-ant-this-is-not-a-real-key-at-all-really",
        ];
        for text in decoys {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn known_shape_keeps_the_masking_policy() {
        assert_eq!(known_shape(ANTHROPIC), Some("Anthropic API key"));
        assert_eq!(
            known_shape("sk-proj-abcdefghijklmnopqrstuvwxyz"),
            Some("OpenAI project key")
        );
        assert_eq!(known_shape("hello"), None);
        assert_eq!(
            known_shape("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----"),
            Some("PEM private key")
        );
    }

    #[test]
    fn known_shapes() {
        assert_eq!(
            known_shape("sk-ant-api03-abcdefghijklmnopqrstuvwxyz"),
            Some("Anthropic API key")
        );
        assert_eq!(
            known_shape("sk-proj-abcdefghijklmnopqrstuvwxyz"),
            Some("OpenAI project key")
        );
        assert_eq!(
            known_shape("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            Some("GitHub personal access token")
        );
        assert_eq!(
            known_shape("AKIAIOSFODNN7EXAMPLE"),
            Some("AWS access key id")
        );
        assert_eq!(known_shape("hello world"), None);
        assert_eq!(known_shape("sk-short"), None);
    }

    #[test]
    fn every_reported_format_has_its_row_in_kinds() {
        let by_id = |id: &str| kinds::KINDS.iter().find(|k| k.id == id);
        for shape in SHAPES.iter().filter(|s| s.report) {
            let row = by_id(shape.kind);
            assert_eq!(
                row.map(|k| k.provider),
                Some(shape.provider),
                "{}",
                shape.kind
            );
        }
        for kind in [PEM_KIND, URL_KIND, AWS_SECRET_KIND] {
            assert!(by_id(kind).is_some(), "{kind}");
        }
    }
}
