//! The user's own secrets to look for: values of `.env` files chosen as
//! the masking policy chooses them, plus whatever the caller passes (the
//! keyring's values, secrets registered in the process).

use super::finding::Note;
use crate::detect::classify;
use crate::dotenv;
use std::path::Path;
use zeroize::Zeroizing;

/// A secret to look for: `(name, value, source)`.
pub type Known = (String, Zeroizing<String>, String);

/// `(name, value, source)` triples of the secrets in a `.env` file, or a
/// note saying why the file was not read. Only regular files are read (a
/// FIFO would block).
pub fn from_dotenv(path: &Path) -> Result<Vec<Known>, Note> {
    let note = |message: String| Note {
        path: path.to_path_buf(),
        kind: "dotenv",
        message,
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => {
            return Err(note(
                "not a regular file: its values are not looked for".into(),
            ))
        }
        Err(e) => return Err(note(format!("cannot read it: {e}"))),
    }
    let text = dotenv::source::read(path).map_err(|e| match e {
        crate::Error::Io { source, .. } => note(format!("cannot read it: {source}")),
        other => note(format!("cannot read it: {other}")),
    })?;
    let values = dotenv::values(&text, dotenv::Options::default(), &mut |name| {
        std::env::var(name).ok()
    })
    .map_err(|e| note(format!("cannot read its values: {e}")))?;
    let source = format!("dotenv:{}", path.display());
    let mut known = Vec::new();
    for (name, value) in values.values {
        let Some(value) = value.map(Zeroizing::new) else {
            continue;
        };
        let Some(reason) = classify::why_secret(&name, &value) else {
            continue;
        };
        for range in reason.secrets {
            let secret = Zeroizing::new(value[range].to_string());
            known.push((name.clone(), secret, source.clone()));
        }
    }
    Ok(known)
}
