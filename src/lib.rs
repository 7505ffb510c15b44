//! safekeys' core: python-dotenv-compatible `.env` handling in pure Rust.
//! Nothing here knows about Python; `python.rs` (feature `python`) is the
//! one module that converts types and maps errors for the extension.

pub mod dotenv;
pub mod error;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Result};
