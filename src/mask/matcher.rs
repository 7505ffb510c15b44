//! Finding secrets, and runs of 12 or more of their bytes, in text.
//!
//! A sampled q-gram filter. Every window of `MIN_RUN` bytes holds 4-grams
//! starting at `MIN_RUN - 3` consecutive positions, so reading the 4-gram
//! at every `SAMPLE`th position of the text and checking it in a bitset of
//! every 4-gram of the patterns misses no window. Around a bitset hit the
//! text is probed position by position against an index that holds only
//! the 4-grams at every `SAMPLE`th offset of each pattern: every window of
//! a pattern contains one such offset, so the probes find every window,
//! while the index stays a ninth of the patterns' size (100,000 secrets
//! and their forms fit in a few hundred megabytes).
//!
//! A probe verifies only the windows through its position, at most
//! `REACH` bytes either side, so the work per position is bounded whatever
//! the text and the secrets (a long or self-similar secret used to be
//! extended in full from every sample: quadratic). Overlapping windows are
//! merged as they are found.
//!
//! Patterns are added one at a time and nothing is rebuilt but the bitsets,
//! which double when they fill (amortised constant work per byte added).
//! Patterns that must match whole (shorter than `MIN_RUN`, or asked to)
//! have their own filter.

use crate::hash::FastBuild;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;
use zeroize::Zeroizing;

/// Shortest run of a long pattern that counts as a leak.
pub const MIN_RUN: usize = 12;
const Q: usize = 4;
/// Text stride of the bitset scan, and pattern stride of the runs index.
const SAMPLE: usize = MIN_RUN + 1 - Q;
/// How far a window of `MIN_RUN` bytes through a 4-gram reaches beyond it.
const REACH: usize = MIN_RUN - Q;
/// Smallest bitset: 128 KiB stays in cache for the usual few secrets.
const MIN_BITS_LOG2: u32 = 20;
const MAX_BITS_LOG2: u32 = 31;
const NONE: u32 = u32::MAX;

type GramMap<V> = HashMap<u32, V, FastBuild>;

/// A found run: `range` in the text, of the pattern owned by `secret`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub range: Range<usize>,
    pub secret: usize,
}

fn gram_at(bytes: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]])
}

fn index_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}

/// A bitset of 4-grams, hashed.
#[derive(Clone)]
struct Bits {
    words: Vec<u64>,
    shift: u32,
    /// Grams set (with repeats): the bitset doubles when it passes a quarter.
    count: usize,
}

impl Bits {
    fn with_log2(log2: u32) -> Bits {
        Bits {
            words: vec![0; 1 << (log2 - 6)],
            shift: 32 - log2,
            count: 0,
        }
    }

    fn slot(&self, gram: u32) -> usize {
        (gram.wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    fn set(&mut self, gram: u32) {
        let bit = self.slot(gram);
        self.words[bit >> 6] |= 1 << (bit & 63);
        self.count += 1;
    }

    fn test(&self, gram: u32) -> bool {
        let bit = self.slot(gram);
        self.words[bit >> 6] & (1 << (bit & 63)) != 0
    }

    /// Whether `more` grams would fill it past a quarter, and it can grow.
    fn needs_growth(&self, more: usize) -> bool {
        let log2 = 32 - self.shift;
        log2 < MAX_BITS_LOG2 && (self.count + more) * 4 > 1 << log2
    }

    /// A bitset large enough for `count` grams, empty.
    fn sized_for(count: usize) -> Bits {
        let mut log2 = MIN_BITS_LOG2;
        while log2 < MAX_BITS_LOG2 && count * 4 > 1 << log2 {
            log2 += 1;
        }
        Bits::with_log2(log2)
    }
}

impl Default for Bits {
    fn default() -> Self {
        Bits::with_log2(MIN_BITS_LOG2)
    }
}

/// Exact sets of the 1- to 3-byte starts a hit can begin with, for
/// `open_tail`; the 3-byte set is allocated when first needed.
#[derive(Clone, Default)]
struct Heads {
    one: [u64; 4],
    two: Vec<u64>,
    three: Vec<u64>,
}

fn set_bit(words: &mut Vec<u64>, bit: usize, size: usize) {
    if words.is_empty() {
        *words = vec![0; size / 64];
    }
    words[bit >> 6] |= 1 << (bit & 63);
}

fn has_bit(words: &[u64], bit: usize) -> bool {
    words
        .get(bit >> 6)
        .is_some_and(|w| w & (1 << (bit & 63)) != 0)
}

impl Heads {
    fn insert(&mut self, start: &[u8]) {
        if let [a, ..] = start {
            self.one[usize::from(*a) >> 6] |= 1 << (a & 63);
        }
        if let [a, b, ..] = start {
            set_bit(
                &mut self.two,
                usize::from(*a) << 8 | usize::from(*b),
                1 << 16,
            );
        }
        if let [a, b, c, ..] = start {
            let bit = usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c);
            set_bit(&mut self.three, bit, 1 << 24);
        }
    }

    fn contains(&self, start: &[u8]) -> bool {
        match start {
            [] => false,
            [a] => self.one[usize::from(*a) >> 6] & (1 << (a & 63)) != 0,
            [a, b] => has_bit(&self.two, usize::from(*a) << 8 | usize::from(*b)),
            [a, b, c, ..] => has_bit(
                &self.three,
                usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c),
            ),
        }
    }
}

/// The patterns' bytes, end to end. Grows by copying into a new buffer so
/// that the old one is zeroized, never left to `realloc`.
#[derive(Clone, Default)]
struct Arena {
    bytes: Zeroizing<Vec<u8>>,
}

impl Arena {
    fn push(&mut self, data: &[u8]) -> usize {
        if self.bytes.capacity() - self.bytes.len() < data.len() {
            let want = (self.bytes.len() + data.len())
                .max(2 * self.bytes.capacity())
                .max(4096);
            let mut grown = Zeroizing::new(Vec::with_capacity(want));
            grown.extend_from_slice(&self.bytes);
            self.bytes = grown;
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(data);
        start
    }
}

#[derive(Clone)]
struct Pattern {
    start: usize,
    len: usize,
    secret: usize,
}

/// One place of a 4-gram: a pattern and an offset in it, chained to the
/// gram's previous place. One flat vector, so an index of millions of
/// places costs 12 bytes each and no allocation per gram.
#[derive(Clone)]
struct Place {
    pattern: u32,
    offset: u32,
    next: u32,
}

#[derive(Clone, Default)]
struct Index {
    last: GramMap<u32>,
    places: Vec<Place>,
}

impl Index {
    fn insert(&mut self, gram: u32, pattern: u32, offset: u32) {
        let at = index_u32(self.places.len());
        let next = self.last.insert(gram, at).unwrap_or(NONE);
        self.places.push(Place {
            pattern,
            offset,
            next,
        });
    }

    fn places(&self, gram: u32) -> impl Iterator<Item = &Place> {
        let mut at = self.last.get(&gram).copied().unwrap_or(NONE);
        std::iter::from_fn(move || {
            let place = self.places.get(at as usize)?;
            at = place.next;
            Some(place)
        })
    }
}

/// One filter over patterns that share a rule: runs of at least `MIN_RUN`
/// bytes (`whole == false`) or whole patterns only.
#[derive(Clone)]
struct Filter {
    whole: bool,
    arena: Arena,
    patterns: Vec<Pattern>,
    /// Every 4-gram of the patterns (runs); the sampled text scan reads it.
    all: Bits,
    /// The 4-grams of the index only.
    indexed: Bits,
    index: Index,
    heads: Heads,
    shortest: usize,
    longest: usize,
}

impl Filter {
    fn new(whole: bool) -> Filter {
        Filter {
            whole,
            arena: Arena::default(),
            patterns: Vec::new(),
            all: Bits::default(),
            indexed: Bits::default(),
            index: Index::default(),
            heads: Heads::default(),
            shortest: usize::MAX,
            longest: 0,
        }
    }

    fn bytes(&self, pattern: &Pattern) -> &[u8] {
        self.arena
            .bytes
            .get(pattern.start..pattern.start + pattern.len)
            .unwrap_or(&[])
    }

    /// Offsets of a pattern of `len` bytes that go in the index. A whole
    /// pattern of `MIN_RUN` bytes or more is found from its first `SAMPLE`
    /// offsets, since the scan of whole patterns never strides further.
    fn indexed_offset(&self, offset: usize, len: usize) -> bool {
        if self.whole {
            len < MIN_RUN || offset < SAMPLE
        } else {
            offset.is_multiple_of(SAMPLE)
        }
    }

    fn add(&mut self, bytes: &[u8], secret: usize) {
        let len = bytes.len();
        let pattern = index_u32(self.patterns.len());
        if len < Q || pattern == NONE {
            return;
        }
        let grams = len + 1 - Q;
        if self.all.needs_growth(grams) || self.indexed.needs_growth(grams) {
            self.regrow(grams);
        }
        let start = self.arena.push(bytes);
        self.patterns.push(Pattern { start, len, secret });
        for offset in 0..grams {
            let gram = gram_at(bytes, offset);
            if !self.whole {
                self.all.set(gram);
            }
            if self.indexed_offset(offset, len) {
                self.indexed.set(gram);
                self.index.insert(gram, pattern, index_u32(offset));
            }
        }
        let starts = if self.whole { 1 } else { len + 1 - MIN_RUN };
        for at in 0..starts {
            self.heads.insert(&bytes[at..(at + 3).min(len)]);
        }
        self.shortest = self.shortest.min(len);
        self.longest = self.longest.max(len);
    }

    /// New bitsets with room for `more` grams, refilled from the patterns.
    fn regrow(&mut self, more: usize) {
        let mut all = Bits::sized_for(2 * (self.all.count + more));
        let mut indexed = Bits::sized_for(2 * (self.indexed.count + more));
        for pattern in &self.patterns {
            let bytes = self.bytes(pattern);
            for offset in 0..=bytes.len().saturating_sub(Q) {
                if bytes.len() < offset + Q {
                    break;
                }
                let gram = gram_at(bytes, offset);
                if !self.whole {
                    all.set(gram);
                }
                if self.indexed_offset(offset, bytes.len()) {
                    indexed.set(gram);
                }
            }
        }
        self.all = all;
        self.indexed = indexed;
    }

    fn scan(&self, text: &[u8], hits: &mut Vec<Hit>) {
        if self.patterns.is_empty() || text.len() < Q {
            return;
        }
        if self.whole {
            self.scan_whole(text, hits);
        } else {
            self.scan_runs(text, hits);
        }
    }

    fn scan_runs(&self, text: &[u8], hits: &mut Vec<Hit>) {
        if text.len() < MIN_RUN {
            return;
        }
        let last = text.len() - Q;
        let mut probed = 0;
        let mut found: Vec<Hit> = Vec::new();
        let mut at = 0;
        while at <= last {
            if self.all.test(gram_at(text, at)) {
                let from = at.saturating_sub(REACH).max(probed);
                let to = (at + REACH).min(last);
                for x in from..=to {
                    self.probe(text, x, &mut found);
                }
                probed = to + 1;
            }
            at += SAMPLE;
        }
        hits.append(&mut found);
    }

    /// The windows of `MIN_RUN` bytes through position `x` that are in a
    /// pattern, merged into `found`.
    fn probe(&self, text: &[u8], x: usize, found: &mut Vec<Hit>) {
        let lo = x.saturating_sub(REACH);
        let hi = (x + Q + REACH).min(text.len());
        if let Some(last) = found.last() {
            if last.range.start <= lo && hi <= last.range.end {
                return;
            }
        }
        let gram = gram_at(text, x);
        if !self.indexed.test(gram) {
            return;
        }
        let mut best: Option<(Hit, usize)> = None;
        for place in self.index.places(gram) {
            let Some(pattern) = self.patterns.get(place.pattern as usize) else {
                continue;
            };
            let p = self.bytes(pattern);
            let offset = place.offset as usize;
            if p.len() < offset + Q {
                continue;
            }
            let left = common_suffix(&text[lo..x], &p[offset.saturating_sub(REACH)..offset]);
            let right_end = (offset + Q + REACH).min(p.len());
            let right = common_prefix(&text[x + Q..hi], &p[offset + Q..right_end]);
            let (mut start, mut end) = (x - left, x + Q + right);
            let widest = start == lo && end == hi;
            // Line breaks at the edges of a run stay, to keep the layout.
            while start < end && matches!(text[start], b'\n' | b'\r') {
                start += 1;
            }
            while end > start && matches!(text[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
            if end - start >= MIN_RUN {
                // Two runs of 12 within 20 bytes overlap: the union is one
                // range, named after the secret that matched the most.
                match &mut best {
                    Some((hit, width)) => {
                        hit.range.start = hit.range.start.min(start);
                        hit.range.end = hit.range.end.max(end);
                        if end - start > *width {
                            (hit.secret, *width) = (pattern.secret, end - start);
                        }
                    }
                    None => {
                        let hit = Hit {
                            range: start..end,
                            secret: pattern.secret,
                        };
                        best = Some((hit, end - start));
                    }
                }
            }
            if widest {
                break;
            }
        }
        if let Some((hit, _)) = best {
            push_merged(found, hit);
        }
    }

    fn scan_whole(&self, text: &[u8], hits: &mut Vec<Hit>) {
        let stride = (self.shortest + 1).saturating_sub(Q).clamp(1, SAMPLE);
        let last = text.len() - Q;
        let mut found: Vec<Hit> = Vec::new();
        let mut at = 0;
        while at <= last {
            let gram = gram_at(text, at);
            if self.indexed.test(gram) {
                for place in self.index.places(gram) {
                    let offset = place.offset as usize;
                    let Some(pattern) = self.patterns.get(place.pattern as usize) else {
                        continue;
                    };
                    let Some(start) = at.checked_sub(offset) else {
                        continue;
                    };
                    let end = start + pattern.len;
                    let already = found
                        .last()
                        .is_some_and(|h| h.range.start <= start && end <= h.range.end);
                    if end <= text.len() && !already && text[start..end] == *self.bytes(pattern) {
                        push_merged(
                            &mut found,
                            Hit {
                                range: start..end,
                                secret: pattern.secret,
                            },
                        );
                    }
                }
            }
            at += stride;
        }
        hits.append(&mut found);
    }

    /// Length of the longest suffix of `text` (shorter than a countable run)
    /// that more text could still turn into a hit.
    fn open_tail(&self, text: &[u8]) -> usize {
        if self.patterns.is_empty() {
            return 0;
        }
        let longest = if self.whole { self.longest } else { MIN_RUN };
        (1..longest.min(text.len() + 1))
            .rev()
            .find(|&len| self.could_grow(&text[text.len() - len..]))
            .unwrap_or(0)
    }

    /// Whether `tail` can be the start of a hit: a proper prefix of a whole
    /// pattern (exactly), or a piece of a long pattern that a full run could
    /// start with (conservatively: its start and every 4-gram are there).
    fn could_grow(&self, tail: &[u8]) -> bool {
        if !self.heads.contains(tail) {
            return false;
        }
        if tail.len() < Q {
            return true;
        }
        if !self.whole {
            return (0..=tail.len() - Q).all(|i| self.all.test(gram_at(tail, i)));
        }
        let gram = gram_at(tail, 0);
        self.indexed.test(gram)
            && self.index.places(gram).any(|place| {
                let Some(pattern) = self.patterns.get(place.pattern as usize) else {
                    return false;
                };
                place.offset == 0
                    && tail.len() < pattern.len
                    && self.bytes(pattern).starts_with(tail)
            })
    }
}

/// Add `hit` to hits found in text order, joining it to the last one when
/// they overlap or touch.
fn push_merged(found: &mut Vec<Hit>, hit: Hit) {
    if let Some(last) = found.last_mut() {
        if hit.range.start <= last.range.end && last.range.start <= hit.range.end {
            last.range.start = last.range.start.min(hit.range.start);
            last.range.end = last.range.end.max(hit.range.end);
            return;
        }
    }
    found.push(hit);
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// All patterns of all registered secrets.
#[derive(Clone)]
pub struct Matcher {
    runs: Filter,
    whole: Filter,
    /// Hash of each pattern -> its secret. A probe sees 20 bytes, so where
    /// secrets share a long stretch it cannot tell whose a hit is; a hit
    /// that is a whole pattern is named after that pattern's secret.
    exact: HashMap<u64, usize, FastBuild>,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher {
            runs: Filter::new(false),
            whole: Filter::new(true),
            exact: HashMap::default(),
        }
    }
}

impl Matcher {
    /// `patterns` are `(bytes, secret index)`; see `add`.
    pub fn new(patterns: Vec<(Zeroizing<Vec<u8>>, usize)>) -> Matcher {
        let mut matcher = Matcher::default();
        for (bytes, secret) in patterns {
            matcher.add(&bytes, secret, false);
        }
        matcher
    }

    /// Add a pattern of secret `secret`, in time proportional to its length
    /// (amortised). A pattern of `MIN_RUN` bytes or more is found by any run
    /// of `MIN_RUN` of its bytes, unless `whole`; a shorter one only whole.
    /// Patterns shorter than 4 bytes are ignored.
    pub fn add(&mut self, bytes: &[u8], secret: usize, whole: bool) {
        if bytes.len() < Q {
            return;
        }
        self.exact
            .entry(self.exact.hasher().hash_one(bytes))
            .or_insert(secret);
        if whole || bytes.len() < MIN_RUN {
            self.whole.add(bytes, secret);
        } else {
            self.runs.add(bytes, secret);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.runs.patterns.is_empty() && self.whole.patterns.is_empty()
    }

    /// Hits in `text`, merged where they overlap or touch, widened to
    /// UTF-8 character boundaries.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        self.runs.scan(bytes, &mut hits);
        self.whole.scan(bytes, &mut hits);
        let mut hits = merge(text, hits);
        for hit in &mut hits {
            let key = self.exact.hasher().hash_one(&bytes[hit.range.clone()]);
            if let Some(&secret) = self.exact.get(&key) {
                hit.secret = secret;
            }
        }
        hits
    }

    /// How many bytes at the end of `text` must wait for more text: a tail
    /// that could still become a hit, or a hit that reaches the end and
    /// could still grow.
    pub fn hold_back(&self, text: &str, hits: &[Hit]) -> usize {
        let bytes = text.as_bytes();
        let mut keep = 0;
        if let Some(last) = hits.last() {
            if last.range.end == bytes.len() {
                keep = bytes.len() - last.range.start;
            }
        }
        for filter in [&self.runs, &self.whole] {
            keep = keep.max(filter.open_tail(bytes));
        }
        let mut cut = bytes.len() - keep;
        // Never split a hit: its start would go out too short to be masked.
        if let Some(split) = hits
            .iter()
            .find(|h| h.range.start < cut && cut < h.range.end)
        {
            cut = split.range.start;
        }
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        bytes.len() - cut
    }
}

/// Sorts (the runs and the whole hits each come in text order, so the sort
/// is a merge of two sorted runs), joins overlaps, widens to characters.
fn merge(text: &str, mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end)));
    let mut merged: Vec<Hit> = Vec::with_capacity(hits.len());
    for mut hit in hits {
        while !text.is_char_boundary(hit.range.start) {
            hit.range.start -= 1;
        }
        while !text.is_char_boundary(hit.range.end) {
            hit.range.end += 1;
        }
        match merged.last_mut() {
            Some(last) if hit.range.start <= last.range.end => {
                last.range.end = last.range.end.max(hit.range.end);
            }
            _ => merged.push(hit),
        }
    }
    merged
}
