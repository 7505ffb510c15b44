//! safekeys' core in pure Rust: python-dotenv-compatible `.env` handling,
//! the masking engine, the OS keyring, the team store (OpenBao / Vault) and
//! the scanner. Nothing here knows about Python; `python/` (feature `python`)
//! is the one layer that converts types and maps errors for the extension.
//!
//! # Modules, from the bottom up
//!
//! - `error`, `hash`: the one error type; the hasher of the core's maps.
//! - `detect`: recognising secrets, for masking and scanning alike.
//!   `kinds` (every kind the scanner reports: id, label, provider) and
//!   `url` (a URL's password) at its bottom, `patterns` (the one list of
//!   key formats and the bulk finder) above them, `classify` (the masking
//!   policy: `why_secret`) on top.
//! - `dotenv`: reading, interpolating and rewriting `.env` files.
//! - `mask`: the masking engine (`Masker`) and the compiled `Snapshot` that
//!   scrubs texts and streams.
//! - `encrypted`: dotenvx's `encrypted:` values (ECIES over secp256k1) and
//!   rewriting documents between plain and encrypted, on `dotenv`'s parser.
//! - `keyring`: the OS keyring. `backend` (one open store, its operations)
//!   at the bottom, `secret_service` (Linux, the BSDs) on it, the front
//!   (`Keyring`: worker threads, timeouts, reconnecting) over both.
//! - `vault`: the team store, OpenBao / Vault's KV v2 over HTTPS.
//! - `scan`: files and notebooks searched for the user's own secrets (with
//!   `mask`, from `.env` files read with `dotenv` and `detect`) and for
//!   well-known key formats (`detect`).
//! - `python` (feature `python`): the extension module `safekeys._core`.
//!
//! A module uses only modules listed before it, never one beside it (`mask`
//! knows nothing of `dotenv`, `keyring` nothing of `vault`); inside `detect`
//! and `keyring` the same holds for submodules, and none uses its front.
//! The test in `src/layers.rs` checks this on the source, so a cycle cannot
//! creep in. The reasons for this shape are in `docs/architecture.md`.

pub mod detect;
pub mod dotenv;
pub mod encrypted;
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
