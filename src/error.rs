//! The core's one error type. None of its messages carries file content:
//! a value may be a secret, so errors name files, lines and byte offsets.

use std::fmt;
use std::io;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// An operating-system error on `path`.
    Io { path: PathBuf, source: io::Error },
    /// `path` is not valid UTF-8 at the given place.
    Decode {
        path: PathBuf,
        line: usize,
        column: usize,
        offset: usize,
    },
    /// The directory `find_dotenv` should start from does not exist.
    StartNotFound { path: PathBuf },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Decode {
                path,
                line,
                column,
                offset,
            } => write!(
                f,
                "{} is not valid UTF-8: invalid byte at line {line}, column {column} (byte offset {offset})",
                path.display()
            ),
            Error::StartNotFound { .. } => f.write_str("Starting path not found"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
