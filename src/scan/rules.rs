//! A team's own rules, from a gitleaks configuration (parsed in Python,
//! compiled here): each `[[rules]]` regex with its secret group, keywords,
//! entropy and path, and the allowlists (global and per rule) that silence
//! findings by the secret, the match, the line, a stopword or the path.
//!
//! Go's and Rust's regex engines share RE2's syntax; the regexes are
//! compiled over bytes without Unicode classes, so `\w`, `\d`, `\s` and
//! `(?i)` mean what they mean in Go (ASCII). A regex that does not compile
//! here (a Unicode class, a look-around) skips its rule with a warning that
//! names the rule, never the pattern or any file's content.

use crate::detect::patterns::entropy;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use regex::bytes::{Regex, RegexBuilder};
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

/// What an allowlist's regexes are matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Secret,
    Match,
    Line,
}

/// An allowlist as written in the file.
#[derive(Debug, Clone, Default)]
pub struct AllowSpec {
    pub regexes: Vec<String>,
    pub paths: Vec<String>,
    pub stopwords: Vec<String>,
    /// `secret` (the default), `match` or `line`.
    pub target: String,
    /// `condition = "AND"`: every kind of check given must match.
    pub and: bool,
}

/// A rule as written in the file.
#[derive(Debug, Clone, Default)]
pub struct RuleSpec {
    pub id: String,
    pub regex: Option<String>,
    pub secret_group: usize,
    pub keywords: Vec<String>,
    pub entropy: Option<f64>,
    pub path: Option<String>,
    pub allowlists: Vec<AllowSpec>,
}

#[derive(Debug)]
struct Allowlist {
    regexes: Vec<Regex>,
    paths: Vec<Regex>,
    stopwords: Vec<Vec<u8>>,
    target: Target,
    and: bool,
}

#[derive(Debug)]
struct Rule {
    id: &'static str,
    regex: Regex,
    secret_group: usize,
    /// Indices into `Rules::keywords`; empty: always tried.
    keywords: Vec<usize>,
    entropy: Option<f64>,
    path: Option<Regex>,
    allowlists: Vec<Allowlist>,
}

/// Compiled rules and allowlists.
#[derive(Debug, Default)]
pub struct Rules {
    rules: Vec<Rule>,
    global: Vec<Allowlist>,
    keywords: Option<AhoCorasick>,
}

/// A rule or allowlist entry that was skipped: the rule's id (or
/// `allowlist`) and why, in words that quote nothing from the file.
pub type Skipped = (String, String);

/// Rule ids live as long as the process: findings carry `&'static str`
/// kinds. Interned, so loading one configuration again costs nothing more.
fn intern(id: &str) -> &'static str {
    static IDS: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut ids = IDS
        .get_or_init(|| Mutex::new(BTreeSet::new()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&known) = ids.get(id) {
        return known;
    }
    let leaked: &'static str = Box::leak(id.to_owned().into_boxed_str());
    ids.insert(leaked);
    leaked
}

fn compile_regex(pattern: &str) -> Result<Regex, &'static str> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "its regex is too large",
            _ => "its regex uses syntax this engine does not support",
        })
}

fn compile_allowlist(spec: &AllowSpec, owner: &str, skipped: &mut Vec<Skipped>) -> Allowlist {
    let mut compiled = |patterns: &[String], what: &str| -> Vec<Regex> {
        patterns
            .iter()
            .enumerate()
            .filter_map(|(i, p)| match compile_regex(p) {
                Ok(r) => Some(r),
                Err(why) => {
                    skipped.push((
                        owner.to_string(),
                        format!("allowlist {what} #{}: {why}; left out", i + 1),
                    ));
                    None
                }
            })
            .collect()
    };
    let regexes = compiled(&spec.regexes, "regex");
    let paths = compiled(&spec.paths, "path");
    Allowlist {
        regexes,
        paths,
        stopwords: spec
            .stopwords
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_lowercase().into_bytes())
            .collect(),
        target: match spec.target.as_str() {
            "match" => Target::Match,
            "line" => Target::Line,
            _ => Target::Secret,
        },
        and: spec.and,
    }
}

impl Rules {
    /// Compile `specs` and the `global` allowlists; what cannot be used is
    /// skipped and listed, the rest loads.
    pub fn compile(specs: &[RuleSpec], global: &[AllowSpec]) -> (Rules, Vec<Skipped>) {
        let mut skipped = Vec::new();
        let mut words: Vec<String> = Vec::new();
        let mut rules = Vec::new();
        for spec in specs {
            let Some(pattern) = spec.regex.as_deref().filter(|p| !p.is_empty()) else {
                skipped.push((
                    spec.id.clone(),
                    "no regex (rules on paths alone are not supported); skipped".into(),
                ));
                continue;
            };
            let regex = match compile_regex(pattern) {
                Ok(r) => r,
                Err(why) => {
                    skipped.push((spec.id.clone(), format!("{why}; skipped")));
                    continue;
                }
            };
            let path = match spec.path.as_deref().map(compile_regex).transpose() {
                Ok(p) => p,
                Err(why) => {
                    skipped.push((spec.id.clone(), format!("its path {why}; skipped")));
                    continue;
                }
            };
            if spec.secret_group > regex.captures_len().saturating_sub(1) {
                skipped.push((
                    spec.id.clone(),
                    "its secretGroup is not a group of its regex; skipped".into(),
                ));
                continue;
            }
            let keywords = spec
                .keywords
                .iter()
                .filter(|k| !k.is_empty())
                .map(|k| {
                    let k = k.to_ascii_lowercase();
                    match words.iter().position(|w| *w == k) {
                        Some(i) => i,
                        None => {
                            words.push(k);
                            words.len() - 1
                        }
                    }
                })
                .collect();
            let allowlists = spec
                .allowlists
                .iter()
                .map(|a| compile_allowlist(a, &spec.id, &mut skipped))
                .collect();
            rules.push(Rule {
                id: intern(&spec.id),
                regex,
                secret_group: spec.secret_group,
                keywords,
                entropy: spec.entropy,
                path,
                allowlists,
            });
        }
        let global = global
            .iter()
            .map(|a| compile_allowlist(a, "allowlist", &mut skipped))
            .collect();
        let keywords = if words.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(&words)
                .ok()
        };
        (
            Rules {
                rules,
                global,
                keywords,
            },
            skipped,
        )
    }

    /// How many rules loaded.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.global.is_empty()
    }

    /// Whether a global allowlist silences the whole file at `path`.
    pub fn path_allowed(&self, path: &str) -> bool {
        self.global.iter().any(|a| {
            let alone = !a.and || (a.regexes.is_empty() && a.stopwords.is_empty());
            alone && a.paths.iter().any(|p| p.is_match(path.as_bytes()))
        })
    }

    /// Whether the global allowlists silence a finding of a built-in format.
    pub fn allows(&self, text: &[u8], secret: Range<usize>, path: &str) -> bool {
        self.global
            .iter()
            .any(|a| allowed_by(a, text, secret.clone(), secret.clone(), path))
    }

    /// Every match of the rules in `text` (the file at `path`): the secret's
    /// range and the rule's id, in order.
    pub fn find(&self, text: &[u8], path: &str) -> Vec<(Range<usize>, &'static str)> {
        let mut present = vec![false; self.keywords.as_ref().map_or(0, |k| k.patterns_len())];
        if let Some(automaton) = &self.keywords {
            for m in automaton.find_overlapping_iter(text) {
                present[m.pattern().as_usize()] = true;
            }
        }
        let mut out = Vec::new();
        for rule in &self.rules {
            if !rule.keywords.is_empty() && !rule.keywords.iter().any(|&k| present[k]) {
                continue;
            }
            if rule
                .path
                .as_ref()
                .is_some_and(|p| !p.is_match(path.as_bytes()))
            {
                continue;
            }
            for caps in rule.regex.captures_iter(text) {
                let Some(whole) = caps.get(0) else { continue };
                let secret = if rule.secret_group > 0 {
                    caps.get(rule.secret_group)
                } else {
                    // gitleaks: the first group that matched, else the match.
                    (1..caps.len())
                        .filter_map(|i| caps.get(i))
                        .find(|m| !m.is_empty())
                        .or(Some(whole))
                };
                let Some(secret) = secret.filter(|m| !m.is_empty()) else {
                    continue;
                };
                if rule
                    .entropy
                    .is_some_and(|min| entropy(secret.as_bytes()) < min)
                {
                    continue;
                }
                let (s, m) = (secret.range(), whole.range());
                if rule
                    .allowlists
                    .iter()
                    .chain(&self.global)
                    .any(|a| allowed_by(a, text, s.clone(), m.clone(), path))
                {
                    continue;
                }
                out.push((s, rule.id));
            }
        }
        out.sort_by_key(|(r, _)| (r.start, r.end));
        out
    }
}

fn line_around(text: &[u8], range: &Range<usize>) -> Range<usize> {
    let start = memchr::memrchr(b'\n', &text[..range.start]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &text[range.end..]).map_or(text.len(), |i| range.end + i);
    start..end
}

fn allowed_by(
    list: &Allowlist,
    text: &[u8],
    secret: Range<usize>,
    matched: Range<usize>,
    path: &str,
) -> bool {
    let target = match list.target {
        Target::Secret => &text[secret.clone()],
        Target::Match => &text[matched],
        Target::Line => &text[line_around(text, &secret)],
    };
    let mut checks = Vec::with_capacity(3);
    if !list.regexes.is_empty() {
        checks.push(list.regexes.iter().any(|r| r.is_match(target)));
    }
    if !list.paths.is_empty() {
        checks.push(list.paths.iter().any(|r| r.is_match(path.as_bytes())));
    }
    if !list.stopwords.is_empty() {
        let lower = text[secret].to_ascii_lowercase();
        checks.push(
            list.stopwords
                .iter()
                .any(|w| memchr::memmem::find(&lower, w).is_some()),
        );
    }
    if list.and {
        !checks.is_empty() && checks.iter().all(|&c| c)
    } else {
        checks.iter().any(|&c| c)
    }
}

/// The rules applied to one file: the rules and the file's path as the
/// rules' `path` regexes see it (relative to the repository, `/`-separated).
pub struct Applied<'a> {
    pub rules: &'a Rules,
    pub path: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, regex: &str) -> RuleSpec {
        RuleSpec {
            id: id.into(),
            regex: Some(regex.into()),
            ..RuleSpec::default()
        }
    }

    #[test]
    fn rules_compile_and_a_bad_one_is_skipped_by_id() {
        let specs = [
            rule("acme", r"\bacme_([a-z0-9]{16})\b"),
            rule("look-around", r"(?<=x)acme"),
            rule("unicode", r"\p{Greek}+"),
        ];
        let (rules, skipped) = Rules::compile(&specs, &[]);
        assert_eq!(rules.len(), 1);
        let ids: Vec<&str> = skipped.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["look-around", "unicode"]);
        assert!(skipped.iter().all(|(_, why)| !why.contains("acme")));
        let text = b"k = acme_0123456789abcdef\n";
        let found = rules.find(text, "a.py");
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].0.clone()], b"0123456789abcdef");
        assert_eq!(found[0].1, "acme");
    }

    #[test]
    fn keywords_entropy_path_and_allowlists() {
        let mut spec = rule("acme", r"acme_[a-z0-9]{16}");
        spec.keywords = vec!["ACME_".into()];
        spec.entropy = Some(3.0);
        spec.path = Some(r"\.py$".into());
        spec.allowlists = vec![AllowSpec {
            stopwords: vec!["fixture".into()],
            ..AllowSpec::default()
        }];
        let global = [AllowSpec {
            regexes: vec!["^acme_0000".into()],
            ..AllowSpec::default()
        }];
        let (rules, skipped) = Rules::compile(&[spec], &global);
        assert!(skipped.is_empty());
        let key = b"acme_q8x2m4z7k1v9w3r5";
        assert_eq!(rules.find(key, "a.py").len(), 1);
        assert!(rules.find(key, "a.txt").is_empty(), "path");
        assert!(
            rules.find(b"acme_aaaaaaaaaaaaaaaa", "a.py").is_empty(),
            "entropy"
        );
        assert!(
            rules.find(b"acme_9f8fixture12345", "a.py").is_empty(),
            "stopword"
        );
        assert!(
            rules.find(b"acme_00009x8y7z6w5v4u", "a.py").is_empty(),
            "global"
        );
    }
}
