//! Secret Service (gnome-keyring, KeePassXC, KWallet's bridge) over D-Bus.
//!
//! keyring-core's store does the reading and writing. Before each
//! operation this module asks the service, on a D-Bus connection of its
//! own, whether the items involved (or, when there are none, the default
//! collection) are locked: the store would then ask the service to unlock
//! them, which pops a password prompt and waits for a person. safekeys
//! never waits for one; it reports the keyring as locked instead, and the
//! next call looks again.

use super::backend::{Backend, Platform};
use crate::error::{Error, KeyringFailure, Result};
use keyring_core::CredentialStore;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use zbus::zvariant::{OwnedObjectPath, OwnedValue};

const SECRETS: &str = "org.freedesktop.secrets";
const SERVICE_PATH: &str = "/org/freedesktop/secrets";
const SERVICE_IFACE: &str = "org.freedesktop.Secret.Service";
const COLLECTION_IFACE: &str = "org.freedesktop.Secret.Collection";
const DBUS: &str = "org.freedesktop.DBus";
const DBUS_PATH: &str = "/org/freedesktop/DBus";
const PROPERTIES_IFACE: &str = "org.freedesktop.DBus.Properties";

const LOCKED: &str = "the OS keyring is locked: unlock it (log in to the desktop session, or \
                      open the keyring in \"Passwords and Keys\") and try again; safekeys never \
                      waits for an unlock prompt";

struct SecretService {
    bus: zbus::blocking::Connection,
}

/// The process that first used zbus. Its runtime threads do not survive
/// `fork()`: in a forked child every D-Bus call would wait forever.
static RUNTIME_PID: OnceLock<u32> = OnceLock::new();

/// Connect, check that a Secret Service is there, and open keyring-core's store.
pub(crate) fn open() -> Result<Backend> {
    let pid = std::process::id();
    if *RUNTIME_PID.get_or_init(|| pid) != pid {
        return Err(Error::keyring(
            KeyringFailure::Unsupported,
            "the OS keyring cannot be used in a process forked from one that already used \
             it (its D-Bus runtime does not survive fork); start worker processes with \
             multiprocessing's \"spawn\" or \"forkserver\" method",
        ));
    }
    let bus = zbus::blocking::Connection::session().map_err(|e| no_bus(&e))?;
    let platform = SecretService { bus };
    platform.ensure_service()?;
    let store: Arc<CredentialStore> =
        zbus_secret_service_keyring_store::Store::new().map_err(|e| opening_error(&platform, e))?;
    Ok(Backend {
        store,
        platform: Box::new(platform),
    })
}

fn opening_error(platform: &SecretService, err: keyring_core::Error) -> Error {
    let inner: Option<&(dyn std::error::Error + 'static)> = match &err {
        keyring_core::Error::PlatformFailure(e) | keyring_core::Error::NoStorageAccess(e) => {
            Some(e.as_ref())
        }
        _ => None,
    };
    let (kind, message) = inner.and_then(|e| platform.classify(e)).unwrap_or_else(|| {
        (
            KeyringFailure::Failure,
            format!("cannot open the Secret Service: {err}"),
        )
    });
    Error::keyring(kind, message)
}

fn bus_place() -> String {
    match std::env::var("DBUS_SESSION_BUS_ADDRESS") {
        Ok(address) if !address.is_empty() => format!("at {address}"),
        _ => "(DBUS_SESSION_BUS_ADDRESS is not set)".to_string(),
    }
}

fn no_bus(err: &zbus::Error) -> Error {
    Error::keyring(
        KeyringFailure::NoBus,
        format!("no D-Bus session bus {}: {err}", bus_place()),
    )
}

fn no_service() -> Error {
    Error::keyring(
        KeyringFailure::NoService,
        format!(
            "no Secret Service on the D-Bus session bus {}: nothing provides {SECRETS} \
             (start gnome-keyring, KeePassXC or another Secret Service)",
            bus_place()
        ),
    )
}

fn no_collection() -> Error {
    Error::keyring(
        KeyringFailure::NoCollection,
        "the Secret Service has no default collection to store keys in (create a \
         default keyring, e.g. in \"Passwords and Keys\")",
    )
}

/// A zbus error as a keyring error.
fn from_zbus(err: &zbus::Error) -> Error {
    match err {
        zbus::Error::MethodError(name, _, _)
            if matches!(
                name.as_str(),
                "org.freedesktop.DBus.Error.ServiceUnknown"
                    | "org.freedesktop.DBus.Error.NameHasNoOwner"
            ) =>
        {
            no_service()
        }
        zbus::Error::MethodError(name, _, _)
            if name.as_str() == "org.freedesktop.Secret.Error.IsLocked" =>
        {
            Error::keyring(KeyringFailure::Locked, LOCKED)
        }
        zbus::Error::InputOutput(_) | zbus::Error::Address(_) | zbus::Error::Handshake(_) => {
            no_bus(err)
        }
        other => Error::keyring(
            KeyringFailure::Failure,
            format!("the Secret Service failed: {other}"),
        ),
    }
}

impl SecretService {
    fn call<B, R>(&self, dest: &str, path: &str, iface: &str, method: &str, body: &B) -> Result<R>
    where
        B: serde::ser::Serialize + zbus::zvariant::DynamicType,
        R: for<'d> zbus::zvariant::DynamicDeserialize<'d>,
    {
        let reply = self
            .bus
            .call_method(Some(dest), path, Some(iface), method, body)
            .map_err(|e| from_zbus(&e))?;
        reply.body().deserialize().map_err(|e| {
            Error::keyring(
                KeyringFailure::Failure,
                format!("unexpected answer from the Secret Service to {method}: {e}"),
            )
        })
    }

    /// Something owns `org.freedesktop.secrets`, or the bus can start it.
    fn ensure_service(&self) -> Result<()> {
        let owned: bool = self.call(DBUS, DBUS_PATH, DBUS, "NameHasOwner", &(SECRETS,))?;
        if owned {
            return Ok(());
        }
        let startable: Vec<String> =
            self.call(DBUS, DBUS_PATH, DBUS, "ListActivatableNames", &())?;
        if startable.iter().any(|name| name == SECRETS) {
            Ok(())
        } else {
            Err(no_service())
        }
    }

    fn locked(&self, path: &OwnedObjectPath, iface: &str) -> Result<bool> {
        let value: OwnedValue = self.call(
            SECRETS,
            path.as_str(),
            PROPERTIES_IFACE,
            "Get",
            &(iface, "Locked"),
        )?;
        bool::try_from(value).map_err(|e| {
            Error::keyring(
                KeyringFailure::Failure,
                format!("unexpected Locked property from the Secret Service: {e}"),
            )
        })
    }
}

impl Platform for SecretService {
    fn check(&self, service: &str, user: Option<&str>, write: bool) -> Result<()> {
        let mut attributes: HashMap<&str, &str> = HashMap::new();
        attributes.insert("service", service);
        if let Some(user) = user {
            attributes.insert("username", user);
        }
        let (unlocked, locked): (Vec<OwnedObjectPath>, Vec<OwnedObjectPath>) = self.call(
            SECRETS,
            SERVICE_PATH,
            SERVICE_IFACE,
            "SearchItems",
            &(attributes,),
        )?;
        if !locked.is_empty() {
            return Err(Error::keyring(KeyringFailure::Locked, LOCKED));
        }
        if !unlocked.is_empty() {
            return Ok(());
        }
        // Nothing matches: a locked default collection may be hiding it, and
        // a new item would go there.
        let default: OwnedObjectPath = self.call(
            SECRETS,
            SERVICE_PATH,
            SERVICE_IFACE,
            "ReadAlias",
            &("default",),
        )?;
        if default.as_str() == "/" {
            return if write { Err(no_collection()) } else { Ok(()) };
        }
        if self.locked(&default, COLLECTION_IFACE)? {
            return Err(Error::keyring(KeyringFailure::Locked, LOCKED));
        }
        Ok(())
    }

    fn classify(
        &self,
        err: &(dyn std::error::Error + 'static),
    ) -> Option<(KeyringFailure, String)> {
        use secret_service::Error as Ss;
        let ss = err.downcast_ref::<Ss>()?;
        let error = match ss {
            Ss::Locked | Ss::Prompt | Ss::PromptDisconnected => {
                Error::keyring(KeyringFailure::Locked, LOCKED)
            }
            Ss::NoResult => no_collection(),
            Ss::Unavailable => no_service(),
            Ss::Zbus(e) => from_zbus(e),
            Ss::ZbusFdo(
                zbus::fdo::Error::ServiceUnknown(_) | zbus::fdo::Error::NameHasNoOwner(_),
            ) => no_service(),
            other => Error::keyring(
                KeyringFailure::Failure,
                format!("the Secret Service failed: {other}"),
            ),
        };
        match error {
            Error::Keyring { kind, message } => Some((kind, message)),
            _ => None,
        }
    }
}
