//! Scanning files and notebooks for leaked keys: the user's own secrets
//! (in every form the masking engine knows) and well-known key formats.
//!
//! Files are read whole and matched in parallel, one file per task; every
//! problem with a file (binary, too large, unreadable, not UTF-8, a notebook
//! that is not JSON) becomes a `Note`, never an error for the whole scan.

pub mod finding;
pub mod known;
pub mod notebook;
pub mod rules;
pub mod text;
pub mod walk;

pub use finding::{Finding, Note, NotebookPlace, Report, KNOWN_KIND};
pub use known::Known;

use crate::dotenv::{find, rewrite};
use crate::error::{Error, Result};
use crate::mask::{Masker, Snapshot};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Files larger than this are skipped with a note unless told otherwise.
pub const DEFAULT_MAX_SIZE: u64 = 50 * 1024 * 1024;

/// How many leading bytes are sniffed for a NUL, as git does.
const SNIFF: usize = 8000;

#[derive(Debug, Clone)]
pub struct Options {
    /// Skip files larger than this many bytes.
    pub max_size: u64,
    /// Mask findings in notebook outputs, rewriting the notebook atomically.
    pub fix: bool,
    /// Look for the values of `.env` files: the nearest one upward from
    /// `cwd` and those in the scanned directories.
    pub dotenv: bool,
    /// `.env` files whose values to look for, whatever `dotenv` says.
    pub env_files: Vec<PathBuf>,
    /// Where the nearest `.env` is looked for (the working directory if None).
    pub cwd: Option<PathBuf>,
    /// Worker threads; 0 for one per CPU.
    pub threads: usize,
    /// A gitleaks configuration's rules and allowlists.
    pub rules: Option<std::sync::Arc<rules::Rules>>,
    /// What the rules' `path` regexes see paths relative to (the
    /// repository's top); paths outside it are seen as given.
    pub rules_root: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_size: DEFAULT_MAX_SIZE,
            fix: false,
            dotenv: true,
            env_files: Vec::new(),
            cwd: None,
            threads: 0,
            rules: None,
            rules_root: None,
        }
    }
}

/// Scan `paths` (files and directories) for `known` secrets, the secrets of
/// `registered`, those of `.env` files as `options` say, and well-known key
/// formats. A path that does not exist is an error; everything else that
/// goes wrong with a file is a note in the report.
pub fn scan(
    paths: &[PathBuf],
    known: &[Known],
    registered: Option<&Masker>,
    options: &Options,
) -> Result<Report> {
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let mut report = Report::default();
    let (explicit, roots) = split_paths(paths, &mut report.notes)?;
    let walked = walk::walk(&roots, threads);
    report.notes.extend(walked.notes);
    let sources = dotenv_sources(options, &walked.dirs, &walked.files)?;
    let masker = known_secrets(known, registered, &sources, &mut report.notes);
    report.known_secrets = masker.len();
    let files = files_to_scan(explicit, walked.files, options, &mut report.notes);
    for result in scan_files(&files, &masker.snapshot(), options, threads) {
        report.findings.extend(result.findings);
        report.notes.extend(result.notes);
        report.bytes_scanned += result.bytes;
        report.files_scanned += usize::from(result.scanned);
        report.files_fixed += usize::from(result.fixed);
    }
    report.notes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

/// `(files, directories)` among `paths`; anything else is a note.
fn split_paths(paths: &[PathBuf], notes: &mut Vec<Note>) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            dirs.push(path.clone());
        } else if meta.is_file() {
            files.push(path.clone());
        } else {
            notes.push(note(
                path,
                "not-regular",
                "not a regular file: skipped".into(),
            ));
        }
    }
    Ok((files, dirs))
}

/// The `.env` files whose values to look for: those named, and when
/// `options.dotenv` the nearest one upward from the working directory and
/// those in the walked directories.
fn dotenv_sources(
    options: &Options,
    dirs: &[PathBuf],
    files: &[PathBuf],
) -> Result<BTreeSet<PathBuf>> {
    let mut sources: BTreeSet<PathBuf> = options.env_files.iter().cloned().collect();
    if !options.dotenv {
        return Ok(sources);
    }
    let cwd = match &options.cwd {
        Some(cwd) => cwd.clone(),
        None => std::env::current_dir().map_err(|e| Error::io(".", e))?,
    };
    if let Ok(Some(nearest)) = find::find_upwards(&cwd, Path::new(".env")) {
        sources.insert(nearest);
    }
    for dir in dirs {
        let candidate = dir.join(".env");
        if candidate.is_file() {
            sources.insert(candidate);
        }
    }
    sources.extend(files.iter().filter(|f| walk::is_dotenv(f)).cloned());
    Ok(sources)
}

/// An engine holding every secret to look for; a `.env` that cannot be
/// read is a note.
fn known_secrets(
    known: &[Known],
    registered: Option<&Masker>,
    sources: &BTreeSet<PathBuf>,
    notes: &mut Vec<Note>,
) -> Masker {
    let mut masker = Masker::default();
    if let Some(registered) = registered {
        masker.add_many(registered.secrets());
    }
    masker.add_many(borrowed(known));
    for source in sources {
        match known::from_dotenv(source) {
            Ok(secrets) => {
                masker.add_many(borrowed(&secrets));
            }
            Err(note) => notes.push(note),
        }
    }
    masker
}

fn borrowed(secrets: &[Known]) -> impl Iterator<Item = (&str, &str, &str)> {
    secrets
        .iter()
        .map(|(n, v, s)| (n.as_str(), v.as_str(), s.as_str()))
}

/// The files named and the files walked, less the `.env` files walked.
/// A `.env` holds secrets by design; whether git would commit it is
/// `safekeys doctor`'s question. Named on the command line, it is scanned.
fn files_to_scan(
    explicit: Vec<PathBuf>,
    walked: Vec<PathBuf>,
    options: &Options,
    notes: &mut Vec<Note>,
) -> Vec<PathBuf> {
    let mut files = explicit;
    for file in walked {
        if walk::is_dotenv(&file) && options.dotenv {
            notes.push(Note {
                path: file,
                kind: "dotenv-source",
                message: "a .env file holds secrets by design: its values are looked for \
                          elsewhere, it is not scanned itself (name it to scan it)"
                    .to_string(),
            });
        } else {
            files.push(file);
        }
    }
    files
}

#[derive(Default)]
struct FileResult {
    findings: Vec<Finding>,
    notes: Vec<Note>,
    bytes: u64,
    scanned: bool,
    fixed: bool,
}

/// Scan `files` on `threads` workers, results in the order of `files`.
fn scan_files(
    files: &[PathBuf],
    snapshot: &Snapshot,
    options: &Options,
    threads: usize,
) -> Vec<FileResult> {
    let next = AtomicUsize::new(0);
    let workers = threads.clamp(1, files.len().max(1));
    let mut results: Vec<(usize, FileResult)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        done.push((i, scan_file(path, snapshot, options)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn note(path: &Path, kind: &'static str, message: String) -> Note {
    Note {
        path: path.to_path_buf(),
        kind,
        message,
    }
}

fn is_notebook(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ipynb"))
}

fn scan_file(path: &Path, snapshot: &Snapshot, options: &Options) -> FileResult {
    let mut result = FileResult::default();
    let bytes = match read_scannable(path, options.max_size) {
        Ok(bytes) => bytes,
        Err(skipped) => {
            result.notes.push(skipped);
            return result;
        }
    };
    result.bytes = bytes.len() as u64;
    result.scanned = true;
    let (text, valid) = decode(path, bytes, &mut result.notes);
    let applied = options.rules.as_deref().map(|rules| rules::Applied {
        rules,
        path: rule_path(path, options.rules_root.as_deref()),
    });
    if applied
        .as_ref()
        .is_some_and(|a| a.rules.path_allowed(&a.path))
    {
        return result;
    }
    let custom = applied.as_ref();
    if is_notebook(path) {
        match notebook::scan(path, &text, snapshot, options.fix && valid, custom) {
            Ok((findings, fixed)) => {
                result.findings = findings;
                if let Some(new_text) = fixed {
                    write_fixed(path, &new_text, &mut result);
                }
                return result;
            }
            Err(reason) => result.notes.push(note(
                path,
                "invalid-json",
                format!("not a valid notebook ({reason}): scanned as plain text"),
            )),
        }
    }
    result.findings = plain(path, &text, snapshot, custom);
    result
}

/// `path` as a gitleaks rule's `path` regex sees it: relative to `root`
/// when under it, with `/` between the parts.
fn rule_path(path: &Path, root: Option<&Path>) -> String {
    let shown = root.and_then(|r| path.strip_prefix(r).ok()).unwrap_or(path);
    let text = shown.to_string_lossy();
    let text = text.strip_prefix("./").unwrap_or(&text);
    if std::path::MAIN_SEPARATOR == '/' {
        text.to_string()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// The bytes of `path`, or the note saying why it is not scanned: not a
/// regular file, over `max_size`, unreadable, or binary.
fn read_scannable(path: &Path, max_size: u64) -> std::result::Result<Vec<u8>, Note> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| note(path, "unreadable", format!("cannot read: {e}"));
    let too_large = |size: String| {
        note(
            path,
            "too-large",
            format!("{size}, over the {max_size} byte limit: skipped"),
        )
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(note(
            path,
            "not-regular",
            "not a regular file: skipped".into(),
        ));
    }
    if meta.len() > max_size {
        return Err(too_large(format!("{} bytes", meta.len())));
    }
    // The size stat reports is only a hint: /proc and sysfs files read as
    // 0 bytes and can be endless, so the limit is enforced on the reading.
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > max_size {
        return Err(too_large("more bytes than its size said".into()));
    }
    if memchr::memchr(0, &bytes[..bytes.len().min(SNIFF)]).is_some() {
        return Err(note(
            path,
            "binary",
            "binary file (NUL byte): skipped".into(),
        ));
    }
    Ok(bytes)
}

/// `bytes` as text, and whether they were valid UTF-8; invalid bytes are
/// replaced (with a note) so that the rest is still scanned.
fn decode(path: &Path, bytes: Vec<u8>, notes: &mut Vec<Note>) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, true),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            notes.push(note(
                path,
                "invalid-utf8",
                format!(
                    "not valid UTF-8 (first bad byte at offset {at}): scanned with invalid bytes replaced"
                ),
            ));
            (String::from_utf8_lossy(err.as_bytes()).into_owned(), false)
        }
    }
}

/// Write the notebook `--fix` masked; if that fails, its findings are not
/// fixed after all and a note says why.
fn write_fixed(path: &Path, new_text: &str, result: &mut FileResult) {
    let mode = rewrite::preserved_mode(path);
    match rewrite::write_atomic(path, new_text.as_bytes(), mode) {
        Ok(()) => result.fixed = true,
        Err(e) => {
            for f in &mut result.findings {
                f.fixed = false;
            }
            let reason = match e {
                Error::Io { source, .. } => source.to_string(),
                other => other.to_string(),
            };
            result.notes.push(note(
                path,
                "fix-failed",
                format!("cannot rewrite: {reason}"),
            ));
        }
    }
}

/// Findings in a file read as plain text.
pub fn plain(
    path: &Path,
    text: &str,
    snapshot: &Snapshot,
    custom: Option<&rules::Applied>,
) -> Vec<Finding> {
    let hits = text::hits(text, snapshot, true, custom);
    let mut lines = text::Lines::new(text);
    hits.iter()
        .enumerate()
        .map(|(i, hit)| {
            let (line, column, line_start) = lines.at(hit.range.start);
            Finding {
                path: path.to_path_buf(),
                line,
                column,
                file_line: line,
                kind: hit.kind,
                name: hit.name.clone(),
                snippet: text::snippet(text, &hits, i, line_start),
                notebook: None,
                fixable: false,
                fixed: false,
            }
        })
        .collect()
}

/// A secret in a piece of source code, for the input guard: where, and
/// what (a name or a kind), never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceHit {
    pub kind: &'static str,
    pub name: Option<String>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Secrets (registered ones and well-known formats) in `source`.
pub fn find_in_source(
    source: &str,
    snapshot: &Snapshot,
    custom: Option<&rules::Rules>,
) -> Vec<SourceHit> {
    let applied = custom.map(|rules| rules::Applied {
        rules,
        path: String::new(),
    });
    let hits = text::hits(source, snapshot, true, applied.as_ref());
    let mut lines = text::Lines::new(source);
    hits.into_iter()
        .map(|hit| {
            let (line, column, _) = lines.at(hit.range.start);
            let (end_line, end_column, _) = lines.at(hit.range.end);
            SourceHit {
                kind: hit.kind,
                name: hit.name,
                line,
                column,
                end_line,
                end_column,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
