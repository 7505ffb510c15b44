//! Which files a scan reads: explicit files always, directories walked in
//! parallel with `.gitignore`, `.ignore` and `.git/info/exclude` respected
//! (even outside a git repository), hidden files included, `.git` skipped.

use super::finding::Note;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What the walk found.
#[derive(Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    /// Directories visited, to look for the `.env` files they hold even
    /// when git ignores them.
    pub dirs: Vec<PathBuf>,
    pub notes: Vec<Note>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Files under `roots` (directories), sorted.
pub fn walk(roots: &[PathBuf], threads: usize) -> Found {
    let Some((first, rest)) = roots.split_first() else {
        return Found::default();
    };
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .hidden(false)
        .parents(true)
        .ignore(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|entry| entry.file_name() != ".git");
    let found = Mutex::new(Found::default());
    builder.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    let Some(kind) = entry.file_type() else {
                        return WalkState::Continue;
                    };
                    if kind.is_dir() {
                        lock(found).dirs.push(entry.into_path());
                    } else if kind.is_file() {
                        lock(found).files.push(entry.into_path());
                    } else if !kind.is_symlink() {
                        // FIFOs, sockets, devices: opening one could block.
                        lock(found).notes.push(Note {
                            path: entry.into_path(),
                            kind: "not-regular",
                            message: "not a regular file: skipped".to_string(),
                        });
                    }
                }
                Err(err) => {
                    let path = error_path(&err).unwrap_or_default();
                    lock(found).notes.push(Note {
                        path,
                        kind: "unreadable",
                        message: format!("cannot walk: {}", io_message(&err)),
                    });
                }
            }
            WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap_or_else(|p| p.into_inner());
    found.files.sort();
    found.files.dedup();
    found.dirs.sort();
    found
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// The error without its path (the note carries the path).
fn io_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => io_message(err),
        other => other.to_string(),
    }
}

/// `.env`, `.env.local`, `.env.production`: files that hold secrets by
/// design. Templates (`.env.example`) are ordinary files to scan.
pub fn is_dotenv(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name == ".env" {
        return true;
    }
    let Some(rest) = name.strip_prefix(".env.") else {
        return false;
    };
    const TEMPLATES: &[&str] = &["example", "sample", "template", "dist", "defaults", "tmpl"];
    !rest
        .split('.')
        .any(|part| TEMPLATES.contains(&part.to_ascii_lowercase().as_str()))
}
