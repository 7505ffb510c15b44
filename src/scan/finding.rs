//! What the scanner reports: findings (never holding a secret) and notes.

use std::path::PathBuf;

/// Where in a notebook a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotebookPlace {
    /// Index of the cell, `None` for the notebook's own metadata.
    pub cell: Option<usize>,
    /// `source`, `output`, `attachment`, `metadata` or `other`.
    pub part: &'static str,
    /// Index of the output within the cell.
    pub output: Option<usize>,
    /// `stream`, `execute_result`, `display_data`, `error`, ...
    pub output_type: Option<String>,
    /// The MIME type of the output data or attachment.
    pub mime: Option<String>,
    /// The field inside the part: the stream name, an attachment's file
    /// name, a metadata key path, `traceback`.
    pub field: Option<String>,
}

/// One secret found. `line`/`column` are 1-based, in characters: in the file
/// for plain files, in the cell's text (source, output text) for notebooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The line in the file itself (for a notebook, where the JSON string is).
    pub file_line: usize,
    /// A well-known format (`openai-key`) or `known-secret`.
    pub kind: &'static str,
    /// The registered name of a known secret.
    pub name: Option<String>,
    /// The line around the finding with every secret on it masked.
    pub snippet: String,
    pub notebook: Option<NotebookPlace>,
    /// `--fix` can mask it (a notebook output).
    pub fixable: bool,
    /// `--fix` masked it.
    pub fixed: bool,
}

pub const KNOWN_KIND: &str = crate::detect::kinds::KNOWN_SECRET.id;

impl Finding {
    /// What the mask says in place of the secret: the name, else the kind.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.kind)
    }
}

/// Something the scanner could not do, or chose not to, for a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub path: PathBuf,
    /// `binary`, `too-large`, `unreadable`, `not-regular`, `invalid-utf8`,
    /// `invalid-json`, `dotenv-source`, `dotenv`.
    pub kind: &'static str,
    pub message: String,
}

/// The result of a scan.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    /// Notebooks `--fix` rewrote.
    pub files_fixed: usize,
    /// How many known secrets the scan looked for.
    pub known_secrets: usize,
}
