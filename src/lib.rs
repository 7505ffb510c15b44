//! safekeys' core in pure Rust: python-dotenv-compatible `.env` handling,
//! the masking engine, the OS keyring, the team store (OpenBao / Vault) and
//! the scanner. Nothing here knows about Python; `python/` (feature `python`)
//! is the one layer that converts types and maps errors for the extension.

pub mod detect;
pub mod dotenv;
pub mod error;
mod hash;
pub mod keyring;
pub mod mask;
pub mod scan;
pub mod vault;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Result};

#[cfg(test)]
mod layers;
