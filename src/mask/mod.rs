//! Masking: the engine (`Masker`: the secrets registered, changed in place)
//! and the immutable `Snapshot` it compiles them into, the forms each secret
//! can take in output, and scrubbing of whole texts and of streams that
//! arrive in pieces. Scrubbing works on a snapshot so that a long scrub
//! never holds the engine's lock.

pub mod matcher;
pub mod render;
pub mod variants;

use matcher::{Hit, Matcher};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Values shorter than this are never masked: they would shred ordinary output.
pub const MIN_SECRET_CHARS: usize = 6;

/// What the engine knows about one secret, without its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub name: String,
    pub source: String,
    /// Length in characters.
    pub length: usize,
    /// `sha256:` and the first 8 hex digits of the value's SHA-256.
    pub fingerprint: String,
}

struct Entry {
    info: Info,
    value: SecretString,
}

/// Why a value was not registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooShort,
}

/// The masking engine: the secrets to mask, and the snapshot compiled from them.
#[derive(Default)]
pub struct Masker {
    entries: Vec<Entry>,
    /// SHA-256 of each value -> its entry, to find a value again without
    /// comparing it with every secret.
    by_digest: HashMap<[u8; 32], usize>,
    snapshot: Arc<Snapshot>,
}

pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

impl Masker {
    /// Register `value` under `name`. Registering a value again updates its
    /// name and source. Returns whether the value is new.
    pub fn add(&mut self, name: &str, value: &str, source: &str) -> Result<bool, Refusal> {
        self.insert(name, value, source)
    }

    /// `add` for many secrets. Each costs what `add` does: in proportion
    /// to the secret, never to what is already registered.
    pub fn add_many<'a>(
        &mut self,
        items: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Vec<Result<bool, Refusal>> {
        items
            .into_iter()
            .map(|(name, value, source)| self.insert(name, value, source))
            .collect()
    }

    /// Add or update an entry, extending the snapshot in place. The snapshot
    /// is copied first only while a scrub elsewhere still holds it.
    fn insert(&mut self, name: &str, value: &str, source: &str) -> Result<bool, Refusal> {
        let length = value.chars().count();
        if length < MIN_SECRET_CHARS {
            return Err(Refusal::TooShort);
        }
        let digest: [u8; 32] = Sha256::digest(value.as_bytes()).into();
        if let Some(&index) = self.by_digest.get(&digest) {
            let Some(entry) = self.entries.get_mut(index) else {
                return Ok(false);
            };
            let info = &mut entry.info;
            if info.name == name && info.source == source {
                return Ok(false);
            }
            info.name = name.to_string();
            info.source = source.to_string();
            if let Some(slot) = Arc::make_mut(&mut self.snapshot).names.get_mut(index) {
                *slot = name.to_string();
            }
            return Ok(false);
        }
        let index = self.entries.len();
        self.by_digest.insert(digest, index);
        Arc::make_mut(&mut self.snapshot).extend(index, name, value);
        self.entries.push(Entry {
            info: Info {
                name: name.to_string(),
                source: source.to_string(),
                length,
                fingerprint: fingerprint(value),
            },
            value: SecretString::from(value.to_string()),
        });
        Ok(true)
    }

    /// Forget every secret registered under `name`. Returns how many.
    pub fn remove_name(&mut self, name: &str) -> usize {
        let before = self.entries.len();
        self.entries.retain(|e| e.info.name != name);
        let removed = before - self.entries.len();
        if removed > 0 {
            self.reindex();
            self.rebuild();
        }
        removed
    }

    /// Forget `value`. Returns whether it was registered.
    pub fn remove_value(&mut self, value: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.value.expose_secret() != value);
        let removed = before != self.entries.len();
        if removed {
            self.reindex();
            self.rebuild();
        }
        removed
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.reindex();
        self.rebuild();
    }

    fn reindex(&mut self) {
        self.by_digest = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (Sha256::digest(e.value.expose_secret().as_bytes()).into(), i))
            .collect();
    }

    /// `(name, value, source)` of every secret, for building another
    /// engine from this one (the scanner merges engines).
    pub fn secrets(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.entries.iter().map(|e| {
            (
                e.info.name.as_str(),
                e.value.expose_secret(),
                e.info.source.as_str(),
            )
        })
    }

    pub fn infos(&self) -> Vec<Info> {
        self.entries.iter().map(|e| e.info.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The current snapshot; cheap to clone and use from any thread.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot)
    }

    /// After a removal: the matcher cannot forget a pattern, so it starts over.
    fn rebuild(&mut self) {
        let mut snapshot = Snapshot::default();
        for (index, entry) in self.entries.iter().enumerate() {
            snapshot.extend(index, &entry.info.name, entry.value.expose_secret());
        }
        self.snapshot = Arc::new(snapshot);
    }
}

/// An immutable snapshot of the engine's secrets, compiled, that scrubs text.
/// (The engine extends its own snapshot in place when no scrub holds it.)
#[derive(Clone, Default)]
pub struct Snapshot {
    matcher: Matcher,
    names: Vec<String>,
}

impl Snapshot {
    /// Add secret number `index` (the next one), with all its forms.
    fn extend(&mut self, index: usize, name: &str, value: &str) {
        for (form, whole) in variants::forms(value) {
            self.matcher.add(form.as_bytes(), index, whole);
        }
        self.names.push(name.to_string());
    }

    pub fn is_empty(&self) -> bool {
        self.matcher.is_empty()
    }

    /// The name of the secret a `Hit` belongs to.
    pub fn name(&self, secret: usize) -> &str {
        self.names.get(secret).map_or("secret", String::as_str)
    }

    /// Where secrets (in any form) occur in `text`.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        if self.is_empty() {
            return Vec::new();
        }
        self.matcher.find(text)
    }

    /// `text` with every secret replaced by `[masked:NAME]`. When `\b` or
    /// `\r` would make a frontend show a secret the raw text hides, the text
    /// comes back as the frontend would render it, masked.
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.is_empty() {
            return Cow::Borrowed(text);
        }
        self.scrub_found(text, &self.matcher.find(text))
    }

    /// `scrub` for a text whose hits are already known.
    fn scrub_found<'a>(&self, text: &'a str, hits: &[Hit]) -> Cow<'a, str> {
        let masked = self.replace(text, hits);
        if !render::has_controls(&masked) {
            return masked;
        }
        let shown = render::render(&masked);
        let shown_hits = self.matcher.find(&shown);
        if shown_hits.is_empty() {
            return masked;
        }
        let rendered = render::render(text);
        let rendered_hits = self.matcher.find(&rendered);
        Cow::Owned(self.replace(&rendered, &rendered_hits).into_owned())
    }

    fn replace<'a>(&self, text: &'a str, hits: &[Hit]) -> Cow<'a, str> {
        if hits.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut cursor = 0;
        for hit in hits {
            out.push_str(&text[cursor..hit.range.start]);
            out.push_str("[masked:");
            out.push_str(self.name(hit.secret));
            out.push(']');
            cursor = hit.range.end;
        }
        out.push_str(&text[cursor..]);
        Cow::Owned(out)
    }
}

/// One output stream (stdout, stderr, ...) whose text arrives in pieces.
/// Holds back only a tail that could still become a secret, and keeps the
/// current line as sent, because a frontend joins a stream's messages
/// before it renders `\b` and `\r`.
#[derive(Default)]
pub struct Stream {
    pending: Zeroizing<String>,
    line: Zeroizing<String>,
}

/// The current line is re-rendered past this size, to bound the state.
const LINE_LIMIT: usize = 64 * 1024;

impl Stream {
    /// Add `chunk`; returns the masked text that is safe to send now. When
    /// nothing was held back and nothing needs masking, that is `chunk`
    /// itself, borrowed: a large output is not copied.
    pub fn feed<'a>(&mut self, snapshot: &Snapshot, chunk: &'a str) -> Cow<'a, str> {
        if !self.pending.is_empty() {
            let mut joined = std::mem::take(&mut *self.pending);
            joined.push_str(chunk);
            let released = self.release(snapshot, &joined).into_owned();
            return self.reconcile(snapshot, Cow::Owned(released));
        }
        let released = self.release(snapshot, chunk);
        self.reconcile(snapshot, released)
    }

    /// The masked part of `text` that can go now; the rest becomes pending.
    fn release<'a>(&mut self, snapshot: &Snapshot, text: &'a str) -> Cow<'a, str> {
        if snapshot.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut hits = snapshot.matcher.find(text);
        let keep = snapshot.matcher.hold_back(text, &hits);
        let cut = text.len() - keep;
        // hold_back never splits a hit, so the released part keeps its hits.
        hits.retain(|h| h.range.end <= cut);
        self.pending.push_str(&text[cut..]);
        snapshot.scrub_found(&text[..cut], &hits)
    }

    /// Release everything held back, masked.
    pub fn flush(&mut self, snapshot: &Snapshot) -> String {
        let text = std::mem::take(&mut *self.pending);
        let released = snapshot.scrub(&text).into_owned();
        self.reconcile(snapshot, Cow::Owned(released)).into_owned()
    }

    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// `released` is about to follow what this stream already sent. If a
    /// frontend, rendering `\b`/`\r`/colours across the two, would show a
    /// secret, send instead a `\r` and the masked line, padded to cover
    /// what was shown before.
    fn reconcile<'a>(&mut self, snapshot: &Snapshot, released: Cow<'a, str>) -> Cow<'a, str> {
        if released.is_empty() || snapshot.is_empty() {
            return released;
        }
        let first_end = released.find('\n').unwrap_or(released.len());
        let mut combined = Zeroizing::new(String::with_capacity(self.line.len() + first_end));
        combined.push_str(&self.line);
        combined.push_str(&released[..first_end]);
        let mut out = released;
        if render::has_controls(&combined) {
            let shown = Zeroizing::new(render::render(&combined));
            let hits = snapshot.matcher.find(&shown);
            if !hits.is_empty() {
                let fixed = snapshot.replace(&shown, &hits).into_owned();
                let was_wide = render::render(&self.line).chars().count();
                let pad = " ".repeat(was_wide.saturating_sub(fixed.chars().count()));
                let line_now = format!("{fixed}{pad}");
                out = Cow::Owned(format!("\r{line_now}{}", &out[first_end..]));
                *combined = line_now;
            }
        }
        match out.rfind('\n') {
            Some(newline) => *self.line = out[newline + 1..].to_string(),
            None => *self.line = std::mem::take(&mut *combined),
        }
        if self.line.len() > LINE_LIMIT {
            let cr = if self.line.ends_with('\r') { "\r" } else { "" };
            let shown = render::render(&self.line);
            let start = shown.len().saturating_sub(LINE_LIMIT);
            let start = (start..=shown.len())
                .find(|&i| shown.is_char_boundary(i))
                .unwrap_or(0);
            *self.line = format!("{}{cr}", &shown[start..]);
        }
        out
    }
}

#[cfg(test)]
mod tests;
