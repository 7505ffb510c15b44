//! `set_key` / `unset_key`: rewrite a document statement by statement,
//! keeping every other statement's text byte for byte, and replace the
//! file atomically.

use super::parser::parse;
use crate::error::{Error, Result};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A rewritten document.
#[derive(Debug, PartialEq, Eq)]
pub struct Rewritten {
    pub text: String,
    /// The key had at least one binding.
    pub found: bool,
    /// Lines of statements that did not parse (kept as they were).
    pub invalid_lines: Vec<usize>,
}

/// Replace every binding of `key` with `line` (which ends in a newline), or
/// append `line` when there is none.
pub fn set_key(text: &str, key: &str, line: &str) -> Rewritten {
    let mut out = String::with_capacity(text.len() + line.len() + 1);
    let mut found = false;
    let mut missing_newline = false;
    let mut invalid_lines = Vec::new();
    for binding in parse(text) {
        if binding.error {
            invalid_lines.push(binding.line);
        }
        if binding.key.as_deref() == Some(key) {
            out.push_str(line);
            found = true;
        } else {
            let original = &text[binding.original];
            out.push_str(original);
            missing_newline = !original.ends_with('\n');
        }
    }
    if !found {
        if missing_newline {
            out.push('\n');
        }
        out.push_str(line);
    }
    Rewritten {
        text: out,
        found,
        invalid_lines,
    }
}

/// Drop every binding of `key`.
pub fn unset_key(text: &str, key: &str) -> Rewritten {
    let mut out = String::with_capacity(text.len());
    let mut found = false;
    let mut invalid_lines = Vec::new();
    for binding in parse(text) {
        if binding.error {
            invalid_lines.push(binding.line);
        }
        if binding.key.as_deref() == Some(key) {
            found = true;
        } else {
            out.push_str(&text[binding.original]);
        }
    }
    Rewritten {
        text: out,
        found,
        invalid_lines,
    }
}

/// The permission bits to give the new file: those of `path` when it is a
/// regular file (not a symlink), else `None` (the new file stays 0600).
pub fn preserved_mode(path: &Path) -> Option<u32> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    mode_bits(&meta)
}

#[cfg(unix)]
fn mode_bits(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_bits(_meta: &fs::Metadata) -> Option<u32> {
    None
}

/// Write `bytes` to `path` through a `.tmp_*` file in the same directory and
/// a rename, so readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    let dir = absolute_parent(path)?;
    let (tmp_path, mut file) = create_temp(&dir)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| set_mode(&tmp_path, mode))
        .and_then(|()| fs::rename(&tmp_path, path));
    drop(file);
    written.map_err(|e| {
        let _ = fs::remove_file(&tmp_path);
        Error::io(path, e)
    })
}

/// `os.path.dirname(os.path.abspath(path))`, where python-dotenv puts its temp file.
fn absolute_parent(path: &Path) -> Result<PathBuf> {
    let mut absolute = super::find::abspath(path)?;
    if !absolute.pop() {
        absolute = PathBuf::from("/");
    }
    Ok(absolute)
}

fn create_temp(dir: &Path) -> Result<(PathBuf, fs::File)> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut last_error = None;
    for attempt in 0..16u32 {
        let candidate = dir.join(format!(".tmp_{}", temp_suffix(attempt)));
        match options.open(&candidate) {
            Ok(file) => return Ok((candidate, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(Error::io(dir, e)),
        }
    }
    Err(Error::io(
        dir,
        last_error.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)),
    ))
}

/// Eight unpredictable-enough characters; uniqueness is enforced by
/// `create_new`, so this only has to make collisions rare.
fn temp_suffix(attempt: u32) -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(attempt);
    hasher.write_u32(std::process::id());
    if let Ok(elapsed) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(elapsed.as_nanos());
    }
    format!("{:08x}", hasher.finish() as u32)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: Option<u32>) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match mode {
        Some(mode) => fs::set_permissions(path, fs::Permissions::from_mode(mode)),
        None => Ok(()),
    }
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: Option<u32>) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_every_binding_in_place() {
        let r = set_key("A=1\n# c\nB=2\nA=3\n", "A", "A='9'\n");
        assert_eq!(r.text, "A='9'\n# c\nB=2\nA='9'\n");
        assert!(r.found);
    }

    #[test]
    fn set_appends_with_a_newline_when_needed() {
        assert_eq!(set_key("B=2", "A", "A='1'\n").text, "B=2\nA='1'\n");
        assert_eq!(set_key("B=2\n", "A", "A='1'\n").text, "B=2\nA='1'\n");
        assert_eq!(set_key("", "A", "A='1'\n").text, "A='1'\n");
    }

    #[test]
    fn invalid_statements_survive_untouched() {
        let r = set_key("bad line here\nA=1\n", "A", "A='2'\n");
        assert_eq!(r.text, "bad line here\nA='2'\n");
        assert_eq!(r.invalid_lines, vec![1]);
    }

    #[test]
    fn unset_removes_all_bindings() {
        let r = unset_key("A=1\nB=2\nA=3\n", "A");
        assert_eq!(r.text, "B=2\n");
        assert!(r.found);
        assert!(!unset_key("B=2\n", "A").found);
    }

    #[test]
    fn atomic_write_replaces_and_keeps_mode() {
        let dir = std::env::temp_dir().join(format!("safekeys-rw-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(".env");
        fs::write(&path, "old").unwrap();
        write_atomic(&path, b"new", Some(0o640)).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        assert_eq!(preserved_mode(&path), Some(0o640));
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp_"))
            .collect();
        assert!(leftovers.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }
}
