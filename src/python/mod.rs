//! The pyo3 boundary: converts types and maps errors, nothing else.
//!
//! One submodule per part of the core; this one maps errors and builds the module.

mod dotenv;
mod encrypted;
mod keyring;
mod mask;
mod scan;
mod vault;

use crate::error::Error;
use pyo3::exceptions::{PyMemoryError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The one place core errors become Python exceptions.
impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        match err {
            Error::Io { path, source } => {
                let message = source.to_string();
                let strerror = message
                    .split(" (os error")
                    .next()
                    .unwrap_or(&message)
                    .to_string();
                match source.raw_os_error() {
                    // OSError(errno, ...) picks FileNotFoundError, PermissionError, ...
                    Some(errno) => PyOSError::new_err((errno, strerror, path.into_os_string())),
                    None => PyOSError::new_err(format!("{}: {strerror}", path.display())),
                }
            }
            Error::Decode {
                ref path,
                line,
                column,
                offset,
            } => {
                let message = err.to_string();
                Python::attach(|py| {
                    let made = py
                        .import("safekeys._errors")
                        .and_then(|m| m.getattr("DotenvDecodeError"))
                        .and_then(|cls| {
                            cls.call1((path.as_os_str(), message.as_str(), line, column, offset))
                        });
                    match made {
                        Ok(instance) => PyErr::from_value(instance),
                        Err(import_failed) => import_failed,
                    }
                })
            }
            // python-dotenv runs out of memory here: MemoryError, with a message.
            Error::ValueTooLarge { .. } => PyMemoryError::new_err(err.to_string()),
            Error::StartNotFound { .. } => PyOSError::new_err(err.to_string()),
            Error::Keyring { kind, message } => store_error("KeyringError", kind.code(), &message),
            Error::Vault { kind, message } => store_error("VaultError", kind.code(), &message),
            Error::Encrypted { kind } | Error::EncryptedAt { kind, .. } => {
                store_error("DotenvDecryptError", kind.code(), &err.to_string())
            }
        }
    }
}

/// An instance of one of `safekeys._errors`' key-store errors (``reason``, message).
fn store_error(class: &str, reason: &str, message: &str) -> PyErr {
    Python::attach(|py| {
        let made = py
            .import("safekeys._errors")
            .and_then(|m| m.getattr(class))
            .and_then(|cls| cls.call1((reason, message)));
        match made {
            Ok(instance) => PyErr::from_value(instance),
            Err(import_failed) => import_failed,
        }
    })
}

/// A poisoned lock only means another thread panicked mid-update; the
/// data is still usable, and refusing to mask would be worse.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pyo3::create_exception!(
    _core,
    InternalError,
    PyRuntimeError,
    "A bug in safekeys' core: an operation panicked. It is an ordinary \
     exception of the call that failed; the panic's text is never shown, as \
     it could quote a secret."
);

/// Run the body of a binding entry point, turning a panic into
/// [`InternalError`] of that call. Left alone, pyo3 raises `PanicException`,
/// a `BaseException` that `except Exception` does not catch, so one bug
/// in the core would take a notebook kernel's cell (or a CLI) down with it.
pub(super) fn guard<T>(body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(InternalError::new_err(
            "internal error in safekeys' core (a bug; please report it)",
        ))
    })
}

/// The longest `timeout` a binding accepts: a day, as Python's settings
/// allow; longer waits are mistakes, and a deadline far enough out would
/// overflow the clock's arithmetic.
pub(super) const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);

/// A `timeout` argument in seconds, or `default` when it is None; zero,
/// negative, NaN, infinite or over [`MAX_TIMEOUT`] is refused.
pub(super) fn timeout_or(seconds: Option<f64>, default: Duration) -> PyResult<Duration> {
    match seconds {
        None => Ok(default),
        Some(seconds) => Duration::try_from_secs_f64(seconds)
            .ok()
            .filter(|d| !d.is_zero() && *d <= MAX_TIMEOUT)
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "timeout must be a positive number of seconds, at most {}",
                    MAX_TIMEOUT.as_secs()
                ))
            }),
    }
}

/// Rust prints a panic's message on stderr before unwinding, and a message
/// can quote what the code was working on: a value, a key. For panics in
/// this crate's own code the hook prints where, never what; any other panic
/// in the process (another extension's) goes to the hook that was there.
fn quiet_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| match info.location() {
        Some(at) if at.file().starts_with("src/") => eprintln!(
            "safekeys: internal error at {}:{} (its message is withheld: it may quote a value)",
            at.file(),
            at.line()
        ),
        _ => previous(info),
    }));
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    quiet_panics();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("InternalError", m.py().get_type::<InternalError>())?;
    dotenv::register(m)?;
    encrypted::register(m)?;
    mask::register(m)?;
    keyring::register(m)?;
    vault::register(m)?;
    scan::register(m)?;
    Ok(())
}
