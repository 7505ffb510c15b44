//! The core's one error type. None of its messages carries file content:
//! a value may be a secret, so errors name files, lines and byte offsets.

use std::fmt;
use std::io;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// An operating-system error on `path`.
    Io { path: PathBuf, source: io::Error },
    /// `path` is not valid UTF-8 at the given place.
    Decode {
        path: PathBuf,
        line: usize,
        column: usize,
        offset: usize,
    },
    /// Expanding `${...}` references made the value of the statement at
    /// `line` longer than `limit` bytes (or more than memory could hold).
    /// `path` is the file, when known.
    ValueTooLarge {
        path: Option<PathBuf>,
        line: usize,
        limit: usize,
    },
    /// The directory `find_dotenv` should start from does not exist.
    StartNotFound { path: PathBuf },
    /// The OS keyring could not do what was asked. `message` names the
    /// service and user where useful, never a value.
    Keyring {
        kind: KeyringFailure,
        message: String,
    },
    /// The team secret store (OpenBao / Vault) could not do what was asked.
    /// `message` names the address, path and key where useful, never a
    /// token or a value.
    Vault { kind: VaultFailure, message: String },
    /// A dotenvx-style `encrypted:` value could not be decrypted, or a key
    /// could not be used. The message names the kind of failure only.
    Encrypted { kind: EncryptedFailure },
    /// The same, for the value of `key` in the statement at `line` of a document.
    EncryptedAt {
        kind: EncryptedFailure,
        line: usize,
        key: String,
    },
}

/// Why an `encrypted:` value or a dotenvx key could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncryptedFailure {
    /// A private key that is not 64 hex digits of a valid secp256k1 scalar.
    PrivateKey,
    /// A public key that is not 66 hex digits of a compressed secp256k1 point.
    PublicKey,
    /// Not standard base64, too short, or no valid ephemeral key inside.
    Malformed,
    /// The tag did not verify: another key pair's value, or a changed one.
    WrongKeyOrTampered,
    /// The decrypted bytes are not UTF-8 text.
    NotText,
}

impl EncryptedFailure {
    /// A stable name for scripts and for Python's `DotenvDecryptError.reason`.
    pub fn code(self) -> &'static str {
        match self {
            EncryptedFailure::PrivateKey => "invalid-private-key",
            EncryptedFailure::PublicKey => "invalid-public-key",
            EncryptedFailure::Malformed => "malformed",
            EncryptedFailure::WrongKeyOrTampered => "wrong-key-or-tampered",
            EncryptedFailure::NotText => "not-text",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            EncryptedFailure::PrivateKey => {
                "the private key is not 64 hex digits of a secp256k1 key"
            }
            EncryptedFailure::PublicKey => {
                "the public key is not 66 hex digits of a compressed secp256k1 key"
            }
            EncryptedFailure::Malformed => "the value is not a well-formed encrypted: value",
            EncryptedFailure::WrongKeyOrTampered => {
                "no private key given opens it (another key pair's value, or a changed one)"
            }
            EncryptedFailure::NotText => "it decrypts to bytes that are not UTF-8 text",
        }
    }
}

/// Why an OS keyring operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyringFailure {
    /// No D-Bus session bus to connect to.
    NoBus,
    /// The bus has no Secret Service (`org.freedesktop.secrets`).
    NoService,
    /// The Secret Service has no default collection to store items in.
    NoCollection,
    /// The collection or an item is locked; unlocking would need a prompt.
    Locked,
    /// The keyring did not answer in time.
    Timeout,
    /// Several items match one (service, user) and their values differ.
    Ambiguous,
    /// A stored value is not UTF-8 text.
    NotText,
    /// No keyring backend on this platform.
    Unsupported,
    /// Anything else the platform reported.
    Failure,
}

impl KeyringFailure {
    /// A stable name for scripts and for Python's `KeyringError.reason`.
    pub fn code(self) -> &'static str {
        match self {
            KeyringFailure::NoBus => "no-dbus",
            KeyringFailure::NoService => "no-service",
            KeyringFailure::NoCollection => "no-collection",
            KeyringFailure::Locked => "locked",
            KeyringFailure::Timeout => "timeout",
            KeyringFailure::Ambiguous => "ambiguous",
            KeyringFailure::NotText => "not-text",
            KeyringFailure::Unsupported => "unsupported",
            KeyringFailure::Failure => "failure",
        }
    }
}

/// Why a request to the team secret store failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VaultFailure {
    /// A plain `http://` address that is not loopback: refused before any connection.
    Insecure,
    /// Bad configuration: an address, CA bundle, token or key name that cannot be used.
    Config,
    /// No connection: refused, unresolvable host, network down.
    Unreachable,
    /// The server did not answer within the timeout.
    Timeout,
    /// The TLS handshake failed (certificate not trusted, wrong host name, ...).
    Tls,
    /// The token is valid but its policies do not allow this path.
    PermissionDenied,
    /// The server rejected the token: expired, revoked or unknown.
    TokenInvalid,
    /// The server is sealed, in standby, or failed (5xx), or redirected elsewhere.
    Server,
    /// The server answered something that is not the Vault API's answer.
    Protocol,
}

impl VaultFailure {
    /// A stable name for scripts and for Python's `VaultError.reason`.
    pub fn code(self) -> &'static str {
        match self {
            VaultFailure::Insecure => "insecure",
            VaultFailure::Config => "config",
            VaultFailure::Unreachable => "unreachable",
            VaultFailure::Timeout => "timeout",
            VaultFailure::Tls => "tls",
            VaultFailure::PermissionDenied => "permission-denied",
            VaultFailure::TokenInvalid => "token-invalid",
            VaultFailure::Server => "server",
            VaultFailure::Protocol => "protocol",
        }
    }
}

impl Error {
    pub fn vault(kind: VaultFailure, message: impl Into<String>) -> Self {
        Error::Vault {
            kind,
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn keyring(kind: KeyringFailure, message: impl Into<String>) -> Self {
        Error::Keyring {
            kind,
            message: message.into(),
        }
    }

    /// This error, naming `file` if it is about a document read without a name.
    pub fn with_path(self, file: impl Into<PathBuf>) -> Self {
        match self {
            Error::ValueTooLarge {
                path: None,
                line,
                limit,
            } => Error::ValueTooLarge {
                path: Some(file.into()),
                line,
                limit,
            },
            other => other,
        }
    }

    /// The keyring failure kind, if this is a keyring error.
    pub fn keyring_kind(&self) -> Option<KeyringFailure> {
        match self {
            Error::Keyring { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Decode {
                path,
                line,
                column,
                offset,
            } => write!(
                f,
                "{} is not valid UTF-8: invalid byte at line {line}, column {column} (byte offset {offset})",
                path.display()
            ),
            Error::ValueTooLarge { path, line, limit } => {
                match path {
                    Some(path) => write!(f, "{}, line {line}", path.display())?,
                    None => write!(f, "line {line}")?,
                }
                write!(
                    f,
                    ": a ${{...}} expansion makes a value longer than {limit} bytes \
                     (SAFEKEYS_MAX_VALUE_SIZE)"
                )
            }
            Error::StartNotFound { .. } => f.write_str("Starting path not found"),
            Error::Keyring { message, .. } => f.write_str(message),
            Error::Vault { message, .. } => f.write_str(message),
            Error::Encrypted { kind } => f.write_str(kind.describe()),
            Error::EncryptedAt { kind, line, key } => {
                write!(f, "line {line}, {key}: {}", kind.describe())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
