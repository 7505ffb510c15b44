//! What the keyring front runs on a worker thread: one open keyring-core
//! store and its platform's checks, and the operations on it with their
//! errors mapped to safekeys' own. Each platform module (`secret_service`)
//! builds a [`Backend`] from this file alone, so it never depends on the
//! front that times and caches the backends.

use crate::error::{Error, KeyringFailure, Result};
use crate::mask;
use keyring_core::{CredentialStore, Entry};
use secrecy::{ExposeSecret, SecretString};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use zeroize::Zeroizing;

/// What one platform adds to keyring-core's API.
pub(crate) trait Platform: Send + Sync {
    /// Fail (with `Locked`, typically) when working on the items of
    /// `service` (and `user`, when given) would make the OS ask the user
    /// something. `write`: a new item may have to be created.
    fn check(&self, _service: &str, _user: Option<&str>, _write: bool) -> Result<()> {
        Ok(())
    }

    /// A precise error for a platform error inside a keyring-core error.
    fn classify(
        &self,
        _err: &(dyn std::error::Error + 'static),
    ) -> Option<(KeyringFailure, String)> {
        None
    }

    /// keyring-core's search specification for every item of `service`.
    fn search_spec(&self, service: &str) -> Vec<(String, String)> {
        vec![("service".to_string(), service.to_string())]
    }
}

/// An open store and its platform's checks.
pub(crate) struct Backend {
    pub(crate) store: Arc<CredentialStore>,
    pub(crate) platform: Box<dyn Platform>,
}

/// One `(service, user)` a service holds, as `list` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    /// How many items hold it (more than one: duplicates).
    pub items: usize,
    pub state: ListedValue,
}

/// What `list` can say about a value without showing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListedValue {
    /// Its length in characters and its fingerprint.
    Text { length: usize, fingerprint: String },
    /// Duplicates whose values differ.
    Differing,
    /// Not UTF-8 text.
    NotText,
}

type KError = keyring_core::Error;

fn ambiguous(service: &str, user: &str, items: usize) -> Error {
    Error::keyring(
        KeyringFailure::Ambiguous,
        format!(
            "the OS keyring holds {items} items for service {service:?} and user {user:?} \
             with different values; store the right one again to replace them all \
             (`safekeys set {user}`), or remove them all (`safekeys delete {user}`)"
        ),
    )
}

fn not_text(service: &str, user: &str) -> Error {
    Error::keyring(
        KeyringFailure::NotText,
        format!("the OS keyring item for service {service:?} and user {user:?} is not UTF-8 text"),
    )
}

/// `bytes` as a secret string, or `NotText`. Nothing is copied unzeroized.
fn text(bytes: Zeroizing<Vec<u8>>, service: &str, user: &str) -> Result<SecretString> {
    match std::str::from_utf8(&bytes) {
        Ok(s) => Ok(SecretString::from(s.to_owned())),
        Err(_) => Err(not_text(service, user)),
    }
}

impl Backend {
    /// A keyring-core error as safekeys' error, with what it was about.
    fn error(&self, err: KError, service: &str, user: Option<&str>) -> Error {
        let user_name = user.unwrap_or("*");
        let classified = |e: &(dyn std::error::Error + 'static), kind, what: &str| {
            let (kind, message) = self
                .platform
                .classify(e)
                .unwrap_or_else(|| (kind, format!("{what}: {e}")));
            Error::keyring(kind, message)
        };
        match err {
            KError::NoStorageAccess(e) => classified(
                e.as_ref(),
                KeyringFailure::Locked,
                "the OS keyring refused access",
            ),
            KError::PlatformFailure(e) => {
                classified(e.as_ref(), KeyringFailure::Failure, "the OS keyring failed")
            }
            KError::BadEncoding(_) | KError::BadDataFormat(..) => not_text(service, user_name),
            KError::Ambiguous(entries) => ambiguous(service, user_name, entries.len()),
            KError::NoDefaultStore | KError::NotSupportedByStore(_) => Error::keyring(
                KeyringFailure::Unsupported,
                format!("the OS keyring cannot do this: {err}"),
            ),
            KError::NoEntry => Error::keyring(
                KeyringFailure::Failure,
                format!(
                    "the OS keyring item for service {service:?} and user {user_name:?} vanished"
                ),
            ),
            // TooLong, Invalid, BadStoreFormat and later additions: their
            // messages name attributes and limits, never the secret.
            other => Error::keyring(
                KeyringFailure::Failure,
                format!("the OS keyring failed: {other}"),
            ),
        }
    }

    fn entry(&self, service: &str, user: &str) -> Result<Entry> {
        self.store
            .build(service, user, None)
            .map_err(|e| self.error(e, service, Some(user)))
    }

    pub(super) fn get(&self, service: &str, user: &str) -> Result<Option<SecretString>> {
        self.platform.check(service, Some(user), false)?;
        let entry = self.entry(service, user)?;
        match entry.get_secret() {
            Ok(bytes) => text(Zeroizing::new(bytes), service, user).map(Some),
            Err(KError::NoEntry) => Ok(None),
            Err(KError::Ambiguous(entries)) => self.agreed(&entries, service, user),
            Err(err) => Err(self.error(err, service, Some(user))),
        }
    }

    /// The one value all `entries` hold, or `Ambiguous`.
    fn agreed(&self, entries: &[Entry], service: &str, user: &str) -> Result<Option<SecretString>> {
        let mut first: Option<Zeroizing<Vec<u8>>> = None;
        for entry in entries {
            let value = match entry.get_secret() {
                Ok(bytes) => Zeroizing::new(bytes),
                // Deleted between the search and the read.
                Err(KError::NoEntry) => continue,
                Err(err) => return Err(self.error(err, service, Some(user))),
            };
            match &first {
                None => first = Some(value),
                Some(seen) if **seen == *value => {}
                Some(_) => return Err(ambiguous(service, user, entries.len())),
            }
        }
        first.map(|bytes| text(bytes, service, user)).transpose()
    }

    pub(super) fn set(&self, service: &str, user: &str, value: &SecretString) -> Result<()> {
        self.platform.check(service, Some(user), true)?;
        let entry = self.entry(service, user)?;
        let bytes = value.expose_secret().as_bytes();
        match entry.set_secret(bytes) {
            Ok(()) => Ok(()),
            Err(KError::Ambiguous(entries)) => {
                // Keep the first item, with the new value; delete the others.
                let mut entries = entries.into_iter();
                if let Some(keep) = entries.next() {
                    keep.set_secret(bytes)
                        .map_err(|e| self.error(e, service, Some(user)))?;
                }
                for extra in entries {
                    match extra.delete_credential() {
                        Ok(()) | Err(KError::NoEntry) => {}
                        Err(e) => return Err(self.error(e, service, Some(user))),
                    }
                }
                Ok(())
            }
            Err(err) => Err(self.error(err, service, Some(user))),
        }
    }

    pub(super) fn delete(&self, service: &str, user: &str) -> Result<usize> {
        self.platform.check(service, Some(user), false)?;
        let entry = self.entry(service, user)?;
        match entry.delete_credential() {
            Ok(()) => Ok(1),
            Err(KError::NoEntry) => Ok(0),
            Err(KError::Ambiguous(entries)) => {
                let mut deleted = 0;
                for item in entries {
                    match item.delete_credential() {
                        Ok(()) => deleted += 1,
                        Err(KError::NoEntry) => {}
                        Err(e) => return Err(self.error(e, service, Some(user))),
                    }
                }
                Ok(deleted)
            }
            Err(err) => Err(self.error(err, service, Some(user))),
        }
    }

    pub(super) fn list(&self, service: &str) -> Result<Vec<Listed>> {
        self.platform.check(service, None, false)?;
        let spec_owned = self.platform.search_spec(service);
        let spec: HashMap<&str, &str> = spec_owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let entries = self
            .store
            .search(&spec)
            .map_err(|e| self.error(e, service, None))?;
        let mut by_user: BTreeMap<String, Vec<Zeroizing<Vec<u8>>>> = BTreeMap::new();
        for entry in entries {
            let Some((item_service, user)) = entry.get_specifiers() else {
                continue;
            };
            if item_service != service {
                continue;
            }
            match entry.get_secret() {
                Ok(bytes) => by_user.entry(user).or_default().push(Zeroizing::new(bytes)),
                Err(KError::NoEntry) => {}
                Err(e) => return Err(self.error(e, service, Some(&user))),
            }
        }
        Ok(by_user
            .into_iter()
            .map(|(name, values)| {
                let state = describe(&values);
                Listed {
                    name,
                    items: values.len(),
                    state,
                }
            })
            .collect())
    }
}

fn describe(values: &[Zeroizing<Vec<u8>>]) -> ListedValue {
    let Some(first) = values.first() else {
        return ListedValue::Differing;
    };
    if values.iter().any(|v| **v != **first) {
        return ListedValue::Differing;
    }
    match std::str::from_utf8(first) {
        Ok(s) => ListedValue::Text {
            length: s.chars().count(),
            fingerprint: mask::fingerprint(s),
        },
        Err(_) => ListedValue::NotText,
    }
}
