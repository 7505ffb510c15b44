//! Recognising secrets, for masking and scanning alike: the one list of
//! well-known key formats (`patterns`) and the masking policy's questions
//! about a name and a value (`classify`). Both `mask` and `scan` build on
//! this module; it depends on neither.

pub mod classify;
pub mod kinds;
pub mod patterns;
pub mod url;
