//! The OS keyring through `keyring-core`: Secret Service on Linux and the
//! BSDs, the login Keychain on macOS, the Credential Manager on Windows.
//!
//! Items are found by `(service, user)`; safekeys uses the service
//! `safekeys` (or the one asked for) and the key's name as the user, as
//! Python's `keyring` package does, so either can read what the other wrote.
//!
//! Three promises hold whatever the platform does:
//!
//! - **Bounded time.** Every operation runs on a worker thread and is waited
//!   for at most `timeout`; one that does not answer is reported as a
//!   [`KeyringFailure::Timeout`] and its connection is dropped. Where the
//!   platform can tell in advance that an operation would need an unlock
//!   prompt (Secret Service: a locked collection or item), the operation
//!   fails at once with [`KeyringFailure::Locked`] instead of asking.
//! - **No cached failure.** The store is opened on first use and kept while
//!   it works. A failed open is not remembered: the next call tries again,
//!   so unlocking the keyring or starting its daemon needs no restart. A
//!   connection that failed is dropped, and so is one made for another
//!   `DBUS_SESSION_BUS_ADDRESS` than the current one or by the parent of a
//!   forked process.
//! - **Duplicates are resolved.** When several items match one
//!   `(service, user)` (Secret Service ends up there when two programs both
//!   create the item), a read returns their value if they all agree and
//!   reports [`KeyringFailure::Ambiguous`] otherwise; a write keeps one item
//!   with the new value and deletes the others; a delete removes them all.
//!
//! Values cross this module as [`SecretString`]s and zeroized buffers; no
//! error message holds one.
//!
//! This file is the front that keeps those promises; `backend` wraps one
//! open keyring-core store and maps its errors, and each platform module
//! (`secret_service`) builds on `backend` alone.

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
mod secret_service;

mod backend;

pub use backend::{Listed, ListedValue};

use crate::error::{Error, KeyringFailure, Result};
use backend::Backend;
use secrecy::SecretString;
use std::ffi::OsString;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long one operation may take unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// The environment variable naming the D-Bus session bus; a change of its
/// value makes the next operation connect again.
const BUS_VARIABLE: &str = "DBUS_SESSION_BUS_ADDRESS";

type Opener = dyn Fn() -> Result<Backend> + Send + Sync;

/// The open backend, and what it was opened for: a forked child or a new
/// bus address gets a connection of its own.
struct Current {
    bus: Option<OsString>,
    pid: u32,
    backend: Arc<Backend>,
}

struct Shared {
    opener: Box<Opener>,
    current: Mutex<Option<Current>>,
}

/// A poisoned lock only means a worker panicked; the slot is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// The open backend for the current bus, opening one if needed.
    fn backend(&self) -> Result<Arc<Backend>> {
        let bus = std::env::var_os(BUS_VARIABLE);
        let pid = std::process::id();
        if let Some(current) = lock(&self.current).as_ref() {
            if current.bus == bus && current.pid == pid {
                return Ok(Arc::clone(&current.backend));
            }
        }
        let backend = Arc::new((self.opener)()?);
        *lock(&self.current) = Some(Current {
            bus,
            pid,
            backend: Arc::clone(&backend),
        });
        Ok(backend)
    }

    /// Drop `backend` if it is still the current one.
    fn forget(&self, backend: &Arc<Backend>) {
        let mut current = lock(&self.current);
        if current
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(&c.backend, backend))
        {
            *current = None;
        }
    }

    fn forget_all(&self) {
        *lock(&self.current) = None;
    }
}

/// Whether an error means the connection itself is no good.
fn drops_connection(err: &Error) -> bool {
    matches!(
        err.keyring_kind(),
        Some(
            KeyringFailure::NoBus
                | KeyringFailure::NoService
                | KeyringFailure::Timeout
                | KeyringFailure::Failure
        )
    )
}

/// The OS keyring, opened lazily, every operation bounded by `timeout`.
pub struct Keyring {
    shared: Arc<Shared>,
    timeout: Duration,
}

/// The longest wait for one operation; longer timeouts are cut to it, so
/// that no deadline computed from one can overflow the clock.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);

impl Keyring {
    /// The platform's keyring.
    pub fn new(timeout: Duration) -> Keyring {
        Keyring::with_opener(timeout, Box::new(open_platform))
    }

    /// A keyring whose store `opener` makes (tests use keyring-core's sample store).
    pub(crate) fn with_opener(timeout: Duration, opener: Box<Opener>) -> Keyring {
        Keyring {
            shared: Arc::new(Shared {
                opener,
                current: Mutex::new(None),
            }),
            timeout: timeout.min(MAX_TIMEOUT),
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// What this platform's keyring is called, for messages.
    pub fn backend_name() -> &'static str {
        platform_name()
    }

    /// Close the connection; the next operation opens a new one.
    pub fn reset(&self) {
        self.shared.forget_all();
    }

    /// The value stored for `(service, user)`, or `None`.
    pub fn get(&self, service: &str, user: &str) -> Result<Option<SecretString>> {
        let (service, user) = (service.to_string(), user.to_string());
        self.run(move |backend| backend.get(&service, &user))
    }

    /// Store `value` for `(service, user)`, replacing every item there was.
    pub fn set(&self, service: &str, user: &str, value: SecretString) -> Result<()> {
        let (service, user) = (service.to_string(), user.to_string());
        self.run(move |backend| backend.set(&service, &user, &value))
    }

    /// Delete every item for `(service, user)`; returns how many there were.
    pub fn delete(&self, service: &str, user: &str) -> Result<usize> {
        let (service, user) = (service.to_string(), user.to_string());
        self.run(move |backend| backend.delete(&service, &user))
    }

    /// Every user `service` holds a value for, sorted by name.
    pub fn list(&self, service: &str) -> Result<Vec<Listed>> {
        let service = service.to_string();
        self.run(move |backend| backend.list(&service))
    }

    /// Run `op` on a worker thread and wait for it at most `timeout`.
    fn run<T, F>(&self, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Backend) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = mpsc::sync_channel(1);
        let shared = Arc::clone(&self.shared);
        let spawned = std::thread::Builder::new()
            .name("safekeys-keyring".to_string())
            .spawn(move || {
                let result = shared.backend().and_then(|backend| {
                    let result = op(&backend);
                    if result.as_ref().err().is_some_and(drops_connection) {
                        shared.forget(&backend);
                    }
                    result
                });
                // The caller may have given up waiting; nothing to do then.
                let _ = tx.send(result);
            });
        if let Err(err) = spawned {
            return Err(Error::keyring(
                KeyringFailure::Failure,
                format!("cannot start a thread for the OS keyring: {err}"),
            ));
        }
        match rx.recv_timeout(self.timeout) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => {
                self.shared.forget_all();
                Err(Error::keyring(
                    KeyringFailure::Timeout,
                    format!(
                        "the OS keyring did not answer within {} (it may be waiting for an \
                         unlock prompt, or its daemon is stuck)",
                        seconds(self.timeout)
                    ),
                ))
            }
            Err(RecvTimeoutError::Disconnected) => {
                self.shared.forget_all();
                Err(Error::keyring(
                    KeyringFailure::Failure,
                    "the OS keyring's worker stopped unexpectedly",
                ))
            }
        }
    }
}

fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn open_platform() -> Result<Backend> {
    secret_service::open()
}

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn platform_name() -> &'static str {
    "Secret Service"
}

#[cfg(target_os = "macos")]
fn open_platform() -> Result<Backend> {
    struct Keychain;
    impl backend::Platform for Keychain {}
    let store: Arc<keyring_core::CredentialStore> =
        apple_native_keyring_store::keychain::Store::new().map_err(|e| {
            Error::keyring(
                KeyringFailure::Failure,
                format!("cannot open the Keychain: {e}"),
            )
        })?;
    Ok(Backend {
        store,
        platform: Box::new(Keychain),
    })
}

#[cfg(target_os = "macos")]
fn platform_name() -> &'static str {
    "macOS Keychain"
}

#[cfg(target_os = "windows")]
fn open_platform() -> Result<Backend> {
    struct CredentialManager;
    impl backend::Platform for CredentialManager {
        /// Windows searches target names (`user.service`) by regular expression.
        fn search_spec(&self, service: &str) -> Vec<(String, String)> {
            let mut escaped = String::new();
            for c in service.chars() {
                if "\\.+*?()|[]{}^$#&-~".contains(c) {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            vec![("pattern".to_string(), format!("^.*\\.{escaped}$"))]
        }
    }
    let store: Arc<keyring_core::CredentialStore> = windows_native_keyring_store::Store::new()
        .map_err(|e| {
            Error::keyring(
                KeyringFailure::Failure,
                format!("cannot open the Windows Credential Manager: {e}"),
            )
        })?;
    Ok(Backend {
        store,
        platform: Box::new(CredentialManager),
    })
}

#[cfg(target_os = "windows")]
fn platform_name() -> &'static str {
    "Windows Credential Manager"
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly",
    target_os = "macos",
    target_os = "windows"
)))]
fn open_platform() -> Result<Backend> {
    Err(Error::keyring(
        KeyringFailure::Unsupported,
        "safekeys has no OS keyring backend for this platform",
    ))
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_name() -> &'static str {
    "no keyring"
}

#[cfg(test)]
mod tests;
