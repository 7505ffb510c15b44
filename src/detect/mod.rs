//! Recognising secrets, for masking and scanning alike: the kinds the
//! scanner reports (`kinds`), the one list of well-known key formats
//! (`patterns`), passwords in URLs (`url`), and the masking policy's
//! question about a variable and its value (`classify::why_secret`). The
//! scanner and the loader's masking (Python, through the binding) both ask
//! it, so they cannot disagree; it uses no other module of the crate.

pub mod assign;
pub mod classify;
pub mod kinds;
pub mod patterns;
pub mod url;
