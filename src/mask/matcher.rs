//! Finding secrets, and runs of 12 or more of their bytes, in text.
//!
//! A sampled q-gram filter: every run of `MIN_RUN` bytes holds a 4-gram
//! starting at one of `MIN_RUN - 3` consecutive positions, so reading the
//! 4-gram at every `MIN_RUN - 3`th position of the text and checking it in
//! a bitset of the patterns' 4-grams misses no run. Only a bitset hit is
//! verified, by extending the match both ways. Patterns shorter than
//! `MIN_RUN` must match whole and get their own, denser sampled filter.

use crate::hash::FastBuild;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use zeroize::Zeroizing;

/// Shortest run of a long pattern that counts as a leak.
pub const MIN_RUN: usize = 12;
const Q: usize = 4;
const BITSET_BITS: u32 = 20;

// 4-grams packed in a u32 hash well with the Fx hash, at a fraction of SipHash's cost.
type GramMap<V> = HashMap<u32, V, FastBuild>;
type GramSet = HashSet<u32, FastBuild>;

/// A found run: `range` in the text, of the pattern owned by `secret`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub range: Range<usize>,
    pub secret: usize,
}

struct Pattern {
    bytes: Zeroizing<Vec<u8>>,
    secret: usize,
}

/// One sampled filter over patterns that share a rule: runs of at least
/// `MIN_RUN` bytes (`whole == false`) or whole patterns only.
struct Filter {
    patterns: Vec<Pattern>,
    stride: usize,
    whole: bool,
    bits: Vec<u64>,
    /// 4-gram -> (pattern, offset) where it occurs.
    places: GramMap<Vec<(u32, u32)>>,
    /// Starts (1 to 3 bytes) from which a hit could begin, for `open_tail`.
    heads: GramSet,
    longest: usize,
}

fn gram_at(bytes: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]])
}

fn bit_of(gram: u32) -> usize {
    (gram.wrapping_mul(0x9E37_79B1) >> (32 - BITSET_BITS)) as usize
}

impl Filter {
    fn new(patterns: Vec<Pattern>, whole: bool) -> Option<Filter> {
        let shortest = patterns.iter().map(|p| p.bytes.len()).min()?;
        let stride = if whole {
            shortest + 1 - Q
        } else {
            MIN_RUN + 1 - Q
        };
        let mut bits = vec![0u64; 1 << (BITSET_BITS - 6)];
        let grams: usize = patterns.iter().map(|p| p.bytes.len()).sum();
        let mut places: GramMap<Vec<(u32, u32)>> =
            HashMap::with_capacity_and_hasher(grams, Default::default());
        let mut heads = GramSet::default();
        for (index, pattern) in patterns.iter().enumerate() {
            let p = &pattern.bytes;
            let starts = if whole { 1 } else { p.len() + 1 - MIN_RUN };
            for start in 0..starts {
                for len in 1..Q {
                    heads.insert(pack_head(&p[start..start + len]));
                }
            }
            for offset in 0..=pattern.bytes.len() - Q {
                let gram = gram_at(&pattern.bytes, offset);
                let bit = bit_of(gram);
                bits[bit >> 6] |= 1 << (bit & 63);
                places
                    .entry(gram)
                    .or_default()
                    .push((index as u32, offset as u32));
            }
        }
        let longest = patterns.iter().map(|p| p.bytes.len()).max().unwrap_or(0);
        Some(Filter {
            patterns,
            stride,
            whole,
            bits,
            places,
            heads,
            longest,
        })
    }

    fn might_hold(&self, gram: u32) -> bool {
        let bit = bit_of(gram);
        self.bits[bit >> 6] & (1 << (bit & 63)) != 0
    }

    fn scan(&self, text: &[u8], hits: &mut Vec<Hit>) {
        if text.len() < Q {
            return;
        }
        let last = text.len() - Q;
        let mut at = 0;
        while at <= last {
            let gram = gram_at(text, at);
            if self.might_hold(gram) {
                self.verify(text, at, gram, hits);
            }
            at += self.stride;
        }
    }

    fn verify(&self, text: &[u8], at: usize, gram: u32, hits: &mut Vec<Hit>) {
        let Some(places) = self.places.get(&gram) else {
            return;
        };
        for &(index, offset) in places {
            let pattern = &self.patterns[index as usize];
            let p = &pattern.bytes;
            let offset = offset as usize;
            let left = common_suffix(&text[..at], &p[..offset]);
            let right = common_prefix(&text[at + Q..], &p[offset + Q..]);
            let (mut start, mut end) = (at - left, at + Q + right);
            let counts = if self.whole {
                left == offset && end - start == p.len()
            } else {
                // Line breaks at the edges of a run stay, to keep the layout.
                while start < end && matches!(text[start], b'\n' | b'\r') {
                    start += 1;
                }
                while end > start && matches!(text[end - 1], b'\n' | b'\r') {
                    end -= 1;
                }
                end - start >= MIN_RUN
            };
            if counts {
                hits.push(Hit {
                    range: start..end,
                    secret: pattern.secret,
                });
            }
        }
    }

    /// Length of the longest suffix of `text` (shorter than a countable run)
    /// that more text could still turn into a hit.
    fn open_tail(&self, text: &[u8]) -> usize {
        let longest = if self.whole { self.longest } else { MIN_RUN };
        (1..longest.min(text.len() + 1))
            .rev()
            .find(|&len| self.could_grow(&text[text.len() - len..]))
            .unwrap_or(0)
    }

    /// Whether `tail` can be the start of a hit: a proper prefix of a whole
    /// pattern, or a piece of a long pattern that a full run could start with.
    fn could_grow(&self, tail: &[u8]) -> bool {
        if tail.len() < Q {
            return self.heads.contains(&pack_head(tail));
        }
        let Some(places) = self.places.get(&gram_at(tail, 0)) else {
            return false;
        };
        places.iter().any(|&(index, offset)| {
            let p = &self.patterns[index as usize].bytes;
            let offset = offset as usize;
            let starts_a_hit = if self.whole {
                offset == 0 && tail.len() < p.len()
            } else {
                offset + MIN_RUN <= p.len()
            };
            starts_a_hit && p[offset..].starts_with(tail)
        })
    }
}

/// 1 to 3 bytes packed with their length, for the `heads` set.
fn pack_head(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(bytes.len() as u32, |acc, &b| (acc << 8) | u32::from(b))
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
pub struct Matcher {
    runs: Option<Filter>,
    whole: Option<Filter>,
}

impl Matcher {
    /// `patterns` are `(bytes, secret index)`; those of `MIN_RUN` bytes or
    /// more are found by any run of `MIN_RUN` of their bytes, shorter ones
    /// only whole. Patterns shorter than 4 bytes are ignored.
    pub fn new(patterns: Vec<(Zeroizing<Vec<u8>>, usize)>) -> Matcher {
        let (long, short): (Vec<Pattern>, Vec<Pattern>) = patterns
            .into_iter()
            .filter(|(bytes, _)| bytes.len() >= Q)
            .map(|(bytes, secret)| Pattern { bytes, secret })
            .partition(|p| p.bytes.len() >= MIN_RUN);
        Matcher {
            runs: Filter::new(long, false),
            whole: Filter::new(short, true),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_none() && self.whole.is_none()
    }

    /// Hits in `text`, merged where they overlap or touch, widened to
    /// UTF-8 character boundaries.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        for filter in [&self.runs, &self.whole].into_iter().flatten() {
            filter.scan(bytes, &mut hits);
        }
        merge(text, hits)
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
        for filter in [&self.runs, &self.whole].into_iter().flatten() {
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
