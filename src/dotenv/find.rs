//! `find_dotenv`'s walk: from a start directory up to the root, the first
//! directory holding the file wins.

use super::source::is_file_or_fifo;
use crate::error::{Error, Result};
use std::path::{Component, Path, PathBuf};

/// `os.path.abspath`: made absolute against the working directory and
/// normalised lexically (symlinks are not resolved).
pub fn abspath(path: &Path) -> Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io(path, e))?
            .join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    Ok(out)
}

/// The first `dir/filename` that is a file or FIFO, for `dir` from `start`
/// up to the root. `filename` may be a relative sub-path or absolute.
pub fn find_upwards(start: &Path, filename: &Path) -> Result<Option<PathBuf>> {
    if !start.exists() {
        return Err(Error::StartNotFound {
            path: start.to_path_buf(),
        });
    }
    let start = if start.is_file() {
        start.parent().unwrap_or(start)
    } else {
        start
    };
    let mut dir = abspath(start)?;
    loop {
        let candidate = dir.join(filename);
        if is_file_or_fifo(&candidate) {
            return Ok(Some(candidate));
        }
        if !dir.pop() {
            return Ok(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_the_nearest_file_above() {
        let root = std::env::temp_dir().join(format!("safekeys-find-{}", std::process::id()));
        let sub = root.join("a/b");
        fs::create_dir_all(&sub).unwrap();
        fs::write(root.join("a/.envtest"), "X=1").unwrap();
        let found = find_upwards(&sub, Path::new(".envtest")).unwrap();
        assert_eq!(found, Some(root.join("a/.envtest")));
        assert_eq!(
            find_upwards(&sub, Path::new(".nope-safekeys")).unwrap(),
            None
        );
        assert!(matches!(
            find_upwards(&root.join("missing"), Path::new(".env")),
            Err(Error::StartNotFound { .. })
        ));
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn abspath_is_lexical() {
        assert_eq!(
            abspath(Path::new("/a/b/../c/./d")).unwrap(),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(abspath(Path::new("/..")).unwrap(), PathBuf::from("/"));
    }
}
