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

/// What every temporary file of [`write_atomic`] has in its name, after the
/// target's name: `.env` is written through `.env.safekeys-tmp-1a2b3c4d`.
/// A killed write leaves one behind holding the new text, so it must fall
/// under the target's ignore rules (`.env*`) and be recognisable as stale.
pub const TEMP_MARK: &str = ".safekeys-tmp-";

/// Longest target name kept whole in a temporary name: with the mark and
/// the suffix it stays under the usual 255-byte limit of a file name.
const MAX_NAME_KEPT: usize = 200;

/// Write `bytes` to `path` through a temporary file beside it (named for
/// it, see [`TEMP_MARK`]) and a rename, so readers see the old file or the
/// new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    let absolute = super::find::abspath(path)?;
    let dir = absolute_parent(&absolute);
    let (tmp_path, mut file) = create_temp(&dir, &temp_stem(&absolute))?;
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
fn absolute_parent(absolute: &Path) -> PathBuf {
    let mut dir = absolute.to_path_buf();
    if !dir.pop() {
        dir = PathBuf::from("/");
    }
    dir
}

/// `<target name>.safekeys-tmp-`: the name without its random suffix.
fn temp_stem(target: &Path) -> String {
    let mut name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.len() > MAX_NAME_KEPT {
        let cut = (0..=MAX_NAME_KEPT)
            .rev()
            .find(|&i| name.is_char_boundary(i))
            .unwrap_or(0);
        name.truncate(cut);
    }
    name.push_str(TEMP_MARK);
    name
}

fn create_temp(dir: &Path, stem: &str) -> Result<(PathBuf, fs::File)> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut last_error = None;
    for attempt in 0..16u32 {
        let candidate = dir.join(format!("{stem}{}", temp_suffix(attempt)));
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
            .filter(|e| e.file_name().to_string_lossy().contains(TEMP_MARK))
            .collect();
        assert!(leftovers.is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    /// `fnmatch`-style `*` only, as a `.gitignore` line without slashes reads.
    fn glob(pattern: &str, name: &str) -> bool {
        match pattern.split_once('*') {
            None => pattern == name,
            Some((head, tail)) => {
                name.len() >= head.len() + tail.len()
                    && name.starts_with(head)
                    && name.ends_with(tail)
            }
        }
    }

    #[test]
    fn temporary_names_fall_under_the_targets_ignore_rules() {
        let stem = temp_stem(Path::new("/project/.env"));
        assert_eq!(stem, ".env.safekeys-tmp-");
        let name = format!("{stem}{}", temp_suffix(0));
        assert!(glob(".env*", &name), "{name}");
        assert!(name.contains(TEMP_MARK), "{name}");
        let local = format!(
            "{}{}",
            temp_stem(Path::new("/p/.env.local")),
            temp_suffix(1)
        );
        assert!(
            glob(".env.local*", &local) && glob(".env*", &local),
            "{local}"
        );
        let long = "x".repeat(300);
        assert!(temp_stem(Path::new(&long)).len() < 255 - 8);
    }

    #[cfg(unix)]
    #[test]
    fn the_temporary_file_is_private_and_exclusive() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("safekeys-tmpname-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (path, file) = create_temp(&dir, ".env.safekeys-tmp-").unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".env.safekeys-tmp-") && name.len() == 18 + 8,
            "{name}"
        );
        let mode = file.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        drop(file);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("safekeys-rwfail-{}", std::process::id()));
        fs::create_dir_all(dir.join(".env")).unwrap();
        // Renaming a file over a non-empty directory fails after the write.
        fs::write(dir.join(".env/inner"), "x").unwrap();
        assert!(write_atomic(&dir.join(".env"), b"new", None).is_err());
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [".env"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
