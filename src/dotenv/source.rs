//! Reading a `.env` file the way Python's `open(path, encoding="utf-8")`
//! does: strict UTF-8, universal newlines (`\r\n` and `\r` become `\n`).

use crate::error::{Error, Result};
use std::fs;
use std::path::Path;

/// A regular file or a FIFO (python-dotenv's `_is_file_or_fifo`), following symlinks.
pub fn is_file_or_fifo(path: &Path) -> bool {
    match fs::metadata(path) {
        Ok(meta) => meta.is_file() || is_fifo(&meta),
        Err(_) => false,
    }
}

#[cfg(unix)]
fn is_fifo(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_meta: &fs::Metadata) -> bool {
    false
}

/// Decode `bytes` as strict UTF-8; the error locates the bad byte without
/// showing it.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let valid = &err.as_bytes()[..offset];
        let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = 1 + String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count();
        Error::Decode {
            path: path.to_path_buf(),
            line,
            column,
            offset,
        }
    })
}

/// Python's universal-newline translation of text read from a file.
pub fn translate_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Read and decode a file; `Ok(None)` when it is missing or neither a
/// regular file nor a FIFO, which python-dotenv treats as empty input.
pub fn read_if_exists(path: &Path) -> Result<Option<String>> {
    if !is_file_or_fifo(path) {
        return Ok(None);
    }
    read(path).map(Some)
}

/// Read and decode a file that must exist.
pub fn read(path: &Path) -> Result<String> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    decode(path, bytes).map(translate_newlines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn universal_newlines() {
        assert_eq!(translate_newlines("a\r\nb\rc\nd".into()), "a\nb\nc\nd");
        assert_eq!(translate_newlines("plain\n".into()), "plain\n");
    }

    #[test]
    fn decode_error_locates_without_content() {
        let err = decode(Path::new("x.env"), b"A=1\nB=ab\xffcd".to_vec());
        match err {
            Err(Error::Decode {
                line,
                column,
                offset,
                ..
            }) => assert_eq!((line, column, offset), (2, 5, 8)),
            other => panic!("unexpected {other:?}"),
        }
    }
}
