//! safekeys' core in pure Rust: python-dotenv-compatible `.env` handling
//! the masking engine, the OS keyring and the team store (OpenBao / Vault).
//! Nothing here knows about Python; `python.rs` (feature `python`) is the
//! one module that converts types and maps errors for the extension.

pub mod dotenv;
pub mod error;
mod hash;
pub mod mask;
pub mod scan;
pub mod store;
pub mod vault;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Result};
