//! safekeys' core in pure Rust: python-dotenv-compatible `.env` handling
//! the masking engine and the OS keyring.
//! Nothing here knows about Python; `python.rs` (feature `python`) is the
//! one module that converts types and maps errors for the extension.

pub mod dotenv;
pub mod error;
mod hash;
pub mod mask;
pub mod scan;
pub mod store;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Result};
