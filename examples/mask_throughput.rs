//! Throughput of the masking engine on log-like ASCII text with 100
//! registered secrets, fragment masking on.
//! Run: cargo run --release --example mask_throughput [MEGABYTES]

use safekeys::mask::Masker;
use std::time::Instant;

/// A small deterministic generator, so runs are comparable.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn token(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| ALPHABET[(self.next() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

fn log_text(rng: &mut Lcg, bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "INFO",
        "request",
        "served",
        "in",
        "ms",
        "user",
        "GET",
        "/api/v1/items",
        "status=200",
        "cache",
        "miss",
        "worker",
        "started",
        "DEBUG",
        "connection",
        "pool",
        "size",
        "the",
        "model",
        "tokens",
        "completion",
        "latency",
    ];
    let mut out = String::with_capacity(bytes + 128);
    while out.len() < bytes {
        out.push_str("2026-11-27T12:00:00Z ");
        for _ in 0..10 {
            out.push_str(WORDS[(rng.next() % WORDS.len() as u64) as usize]);
            out.push(' ');
        }
        out.push_str(&rng.token(8));
        out.push('\n');
    }
    out
}

fn main() {
    let megabytes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let mut rng = Lcg(42);
    let mut masker = Masker::default();
    let mut secrets = Vec::new();
    for i in 0..100 {
        let secret = format!("sk-proj-{}", rng.token(43));
        if masker.add(&format!("KEY_{i}"), &secret, "bench").is_ok() {
            secrets.push(secret);
        }
    }
    let snapshot = masker.snapshot();
    let text = log_text(&mut rng, megabytes << 20);
    // The same text with a whole secret or a 16-character fragment every 64 KiB.
    let mut dirty = String::with_capacity(text.len() + 4096);
    for (i, chunk) in text.as_bytes().chunks(64 * 1024).enumerate() {
        dirty.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        let secret = &secrets[i % secrets.len()];
        dirty.push_str(if i % 2 == 0 { secret } else { &secret[4..20] });
    }

    println!(
        "{} secrets, {} forms each, fragments of 12+ characters on; {:.0} MB of log-like ASCII",
        masker.len(),
        safekeys::mask::variants::variants(&secrets[0]).len(),
        text.len() as f64 / 1e6
    );
    let clean = best_of(5, || assert_eq!(snapshot.scrub(&text).len(), text.len()));
    report(
        "clean text (search only, nothing to replace)",
        text.len(),
        clean,
    );
    let masked = snapshot.scrub(&dirty);
    assert!(secrets.iter().all(|s| !masked.contains(&s[..12])));
    drop(masked);
    let with_hits = best_of(5, || assert!(snapshot.scrub(&dirty).len() < dirty.len()));
    report(
        "secret or fragment every 64 KiB (search + new string)",
        dirty.len(),
        with_hits,
    );
}

fn best_of(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn report(what: &str, bytes: usize, secs: f64) {
    println!(
        "{what}: {:.3} s, {:.2} GB/s",
        secs,
        bytes as f64 / secs / 1e9
    );
}
