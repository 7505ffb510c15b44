//! The keyring logic against keyring-core's sample store, which (like
//! Secret Service) can hold several items for one `(service, user)`.

use super::backend::Platform;
use super::*;
use crate::mask;
use keyring_core::api::CredentialStoreApi;
use keyring_core::sample;
use keyring_core::{CredentialStore, Error as KError};
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const SERVICE: &str = "safekeys-test";

/// The sample store searches by regular expression.
struct Sample {
    locked: bool,
}

impl Platform for Sample {
    fn check(&self, _service: &str, _user: Option<&str>, _write: bool) -> Result<()> {
        if self.locked {
            Err(Error::keyring(
                KeyringFailure::Locked,
                "locked for the test",
            ))
        } else {
            Ok(())
        }
    }

    fn search_spec(&self, service: &str) -> Vec<(String, String)> {
        vec![("service".to_string(), format!("^{service}$"))]
    }
}

fn sample_store() -> Arc<sample::Store> {
    sample::Store::new().unwrap()
}

fn keyring_on(store: Arc<sample::Store>, locked: bool) -> Keyring {
    Keyring::with_opener(
        Duration::from_secs(5),
        Box::new(move || {
            let store: Arc<CredentialStore> = store.clone();
            Ok(Backend {
                store,
                platform: Box::new(Sample { locked }),
            })
        }),
    )
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

fn read(k: &Keyring, user: &str) -> Option<String> {
    k.get(SERVICE, user)
        .unwrap()
        .map(|s| s.expose_secret().to_string())
}

/// Add an item for `(SERVICE, user)` even if one exists: a duplicate.
fn add_duplicate(store: &Arc<sample::Store>, user: &str, value: &[u8]) {
    let mods = HashMap::from([("force-create", "dup")]);
    store.build(SERVICE, user, Some(&mods)).unwrap();
    // The new item has an empty secret; find it and fill it in.
    let entry = store.build(SERVICE, user, None).unwrap();
    let items = match entry.get_secret() {
        Err(KError::Ambiguous(items)) => items,
        Ok(_) => vec![entry],
        Err(e) => panic!("{e}"),
    };
    let empty = items
        .into_iter()
        .find(|e| e.get_secret().unwrap().is_empty())
        .unwrap();
    empty.set_secret(value).unwrap();
}

#[test]
fn set_get_delete_round_trip() {
    let k = keyring_on(sample_store(), false);
    assert_eq!(read(&k, "OPENAI_API_KEY"), None);
    k.set(SERVICE, "OPENAI_API_KEY", secret("sk-first-0123456789"))
        .unwrap();
    assert_eq!(
        read(&k, "OPENAI_API_KEY").as_deref(),
        Some("sk-first-0123456789")
    );
    k.set(SERVICE, "OPENAI_API_KEY", secret("sk-second-0123456789"))
        .unwrap();
    assert_eq!(
        read(&k, "OPENAI_API_KEY").as_deref(),
        Some("sk-second-0123456789")
    );
    assert!(k
        .get("another-service", "OPENAI_API_KEY")
        .unwrap()
        .is_none());
    assert_eq!(k.delete(SERVICE, "OPENAI_API_KEY").unwrap(), 1);
    assert_eq!(k.delete(SERVICE, "OPENAI_API_KEY").unwrap(), 0);
    assert_eq!(read(&k, "OPENAI_API_KEY"), None);
}

#[test]
fn duplicates_with_one_value_read_as_that_value() {
    let store = sample_store();
    let k = keyring_on(store.clone(), false);
    k.set(SERVICE, "TOKEN", secret("same-value-123456"))
        .unwrap();
    add_duplicate(&store, "TOKEN", b"same-value-123456");
    assert_eq!(read(&k, "TOKEN").as_deref(), Some("same-value-123456"));
    let listed = k.list(SERVICE).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].items, 2);
    assert_eq!(
        listed[0].state,
        ListedValue::Text {
            length: 17,
            fingerprint: mask::fingerprint("same-value-123456")
        }
    );
}

#[test]
fn duplicates_with_different_values_are_ambiguous_without_showing_them() {
    let store = sample_store();
    let k = keyring_on(store.clone(), false);
    k.set(SERVICE, "TOKEN", secret("value-one-123456")).unwrap();
    add_duplicate(&store, "TOKEN", b"value-two-123456");
    let err = k.get(SERVICE, "TOKEN").unwrap_err();
    assert_eq!(err.keyring_kind(), Some(KeyringFailure::Ambiguous));
    let message = err.to_string();
    assert!(message.contains("2 items"), "{message}");
    assert!(
        message.contains(SERVICE) && message.contains("\"TOKEN\""),
        "{message}"
    );
    assert!(!message.contains("value-one") && !message.contains("value-two"));
    assert_eq!(k.list(SERVICE).unwrap()[0].state, ListedValue::Differing);
    // A write replaces them all with one item.
    k.set(SERVICE, "TOKEN", secret("value-three-123456"))
        .unwrap();
    assert_eq!(read(&k, "TOKEN").as_deref(), Some("value-three-123456"));
    assert_eq!(k.list(SERVICE).unwrap()[0].items, 1);
}

#[test]
fn delete_removes_every_duplicate() {
    let store = sample_store();
    let k = keyring_on(store.clone(), false);
    k.set(SERVICE, "TOKEN", secret("value-one-123456")).unwrap();
    add_duplicate(&store, "TOKEN", b"value-two-123456");
    add_duplicate(&store, "TOKEN", b"value-two-123456");
    assert_eq!(k.delete(SERVICE, "TOKEN").unwrap(), 3);
    assert_eq!(read(&k, "TOKEN"), None);
    assert!(k.list(SERVICE).unwrap().is_empty());
}

#[test]
fn list_names_lengths_and_fingerprints_of_one_service() {
    let k = keyring_on(sample_store(), false);
    k.set(SERVICE, "B_TOKEN", secret("ghp_0123456789abcdef"))
        .unwrap();
    k.set(SERVICE, "A_KEY", secret("clé-secrète-ü")).unwrap();
    k.set("other", "C_KEY", secret("not-listed-123456"))
        .unwrap();
    let listed = k.list(SERVICE).unwrap();
    let names: Vec<&str> = listed.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["A_KEY", "B_TOKEN"]);
    assert_eq!(
        listed[0].state,
        ListedValue::Text {
            length: 13,
            fingerprint: mask::fingerprint("clé-secrète-ü")
        }
    );
}

#[test]
fn a_value_that_is_not_text_is_reported_without_its_bytes() {
    let store = sample_store();
    let k = keyring_on(store.clone(), false);
    store
        .build(SERVICE, "BINARY", None)
        .unwrap()
        .set_secret(b"\xff\xfesecret-bytes")
        .unwrap();
    let err = k.get(SERVICE, "BINARY").unwrap_err();
    assert_eq!(err.keyring_kind(), Some(KeyringFailure::NotText));
    assert!(!err.to_string().contains("secret-bytes"));
    assert_eq!(k.list(SERVICE).unwrap()[0].state, ListedValue::NotText);
}

#[test]
fn a_locked_platform_fails_every_operation_and_changes_nothing() {
    let store = sample_store();
    keyring_on(store.clone(), false)
        .set(SERVICE, "TOKEN", secret("value-one-123456"))
        .unwrap();
    let k = keyring_on(store.clone(), true);
    for err in [
        k.get(SERVICE, "TOKEN").map(|_| ()).unwrap_err(),
        k.set(SERVICE, "TOKEN", secret("other-value-123"))
            .unwrap_err(),
        k.delete(SERVICE, "TOKEN").map(|_| ()).unwrap_err(),
        k.list(SERVICE).map(|_| ()).unwrap_err(),
    ] {
        assert_eq!(err.keyring_kind(), Some(KeyringFailure::Locked));
    }
    let unlocked = keyring_on(store, false);
    assert_eq!(
        read(&unlocked, "TOKEN").as_deref(),
        Some("value-one-123456")
    );
}

#[test]
fn a_failed_open_is_retried_on_the_next_call() {
    let opens = Arc::new(AtomicUsize::new(0));
    let store = sample_store();
    let counter = opens.clone();
    let k = Keyring::with_opener(
        Duration::from_secs(5),
        Box::new(move || {
            if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                return Err(Error::keyring(KeyringFailure::NoBus, "no bus yet"));
            }
            let store: Arc<CredentialStore> = store.clone();
            Ok(Backend {
                store,
                platform: Box::new(Sample { locked: false }),
            })
        }),
    );
    let err = k.get(SERVICE, "X").unwrap_err();
    assert_eq!(err.keyring_kind(), Some(KeyringFailure::NoBus));
    assert!(k.get(SERVICE, "X").unwrap().is_none());
    assert!(k.get(SERVICE, "X").unwrap().is_none());
    // Opened once more, then kept.
    assert_eq!(opens.load(Ordering::SeqCst), 2);
    k.reset();
    assert!(k.get(SERVICE, "X").unwrap().is_none());
    assert_eq!(opens.load(Ordering::SeqCst), 3);
}

#[test]
fn an_operation_that_hangs_times_out_and_the_next_call_reconnects() {
    let opens = Arc::new(AtomicUsize::new(0));
    let store = sample_store();
    let counter = opens.clone();
    let k = Keyring::with_opener(
        Duration::from_millis(200),
        Box::new(move || {
            if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                std::thread::sleep(Duration::from_secs(3));
            }
            let store: Arc<CredentialStore> = store.clone();
            Ok(Backend {
                store,
                platform: Box::new(Sample { locked: false }),
            })
        }),
    );
    let started = Instant::now();
    let err = k.get(SERVICE, "X").unwrap_err();
    let waited = started.elapsed();
    assert_eq!(err.keyring_kind(), Some(KeyringFailure::Timeout));
    assert!(err.to_string().contains("0.2 s"), "{err}");
    assert!(waited < Duration::from_secs(1), "{waited:?}");
    assert!(k.get(SERVICE, "X").unwrap().is_none());
    assert_eq!(k.timeout(), Duration::from_millis(200));
}

#[test]
fn failure_codes_are_stable() {
    let codes: Vec<&str> = [
        KeyringFailure::NoBus,
        KeyringFailure::NoService,
        KeyringFailure::NoCollection,
        KeyringFailure::Locked,
        KeyringFailure::Timeout,
        KeyringFailure::Ambiguous,
        KeyringFailure::NotText,
        KeyringFailure::Unsupported,
        KeyringFailure::Failure,
    ]
    .iter()
    .map(|k| k.code())
    .collect();
    assert_eq!(
        codes,
        [
            "no-dbus",
            "no-service",
            "no-collection",
            "locked",
            "timeout",
            "ambiguous",
            "not-text",
            "unsupported",
            "failure"
        ]
    );
}
