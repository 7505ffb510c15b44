//! The team store: an OpenBao / HashiCorp Vault server's HTTP API (KV version 2).
//!
//! Layout: one KV v2 secret per key, at `<mount>/<prefix>/<NAME>`, with the
//! value in the field `value`. The mount and prefix come from one setting,
//! `SAFEKEYS_VAULT_PATH` (default `secret/safekeys`: mount `secret`, prefix
//! `safekeys`), so `OPENAI_API_KEY` is read from
//! `GET /v1/secret/data/safekeys/OPENAI_API_KEY`, which is what
//! `bao kv put secret/safekeys/OPENAI_API_KEY value=...` writes.
//!
//! What this module promises:
//!
//! - **No token on plain HTTP** except to a loopback address, decided from
//!   the address's text before any DNS lookup or connection ([`Address`]);
//!   a plain-HTTP request's socket connects to that literal address (or
//!   127.0.0.1 / ::1 for `localhost`), never to what DNS says.
//!   TLS verification is always on: Mozilla's roots, or only the CA bundle
//!   given (`VAULT_CACERT`). Redirects are not followed, so a token never
//!   goes to an address it was not configured for.
//! - **Bounded time**: every request, DNS and connection included, ends
//!   within the configured timeout ([`DEFAULT_TIMEOUT`] unless asked).
//! - **No secret in an error or `Debug` output**: tokens and values cross
//!   this module as [`SecretString`]s, response bodies are zeroized after
//!   parsing, and messages name the address, the path and the key.
//!
//! A 403 from the server means either "your policy does not allow this
//! path" or "your token is expired, revoked or unknown"; the two are told
//! apart by asking the server about the token (`lookup-self`) once.

mod address;
mod api;

#[cfg(test)]
mod tests;

pub use address::Address;

use crate::error::{Error, Result, VaultFailure};
use api::{Body, Reply};
use secrecy::{ExposeSecret, SecretString};
use std::path::{Path, PathBuf};
use std::time::Duration;
use zeroize::Zeroizing;

/// Where keys live unless `SAFEKEYS_VAULT_PATH` says otherwise.
pub const DEFAULT_PATH: &str = "secret/safekeys";
/// Where a Vault client connects when only the path is configured (Vault's own default).
pub const DEFAULT_ADDRESS: &str = "https://127.0.0.1:8200";
/// How long one request may take unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest timeout a client takes (a day): deadlines are computed by
/// adding it to the clock, which must not overflow.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(86_400);
/// The field of each KV v2 secret that holds the key's value.
pub const FIELD: &str = "value";

/// How to reach the server. `path` is `<mount>/<prefix>`; `None` means [`DEFAULT_PATH`].
#[derive(Debug, Clone)]
pub struct Config {
    pub address: String,
    pub namespace: Option<String>,
    pub path: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            address: DEFAULT_ADDRESS.to_string(),
            namespace: None,
            path: None,
            ca_cert: None,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// What the server says about a token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// Seconds left; 0 for a token that never expires (a root token).
    pub ttl: u64,
    pub renewable: bool,
    pub policies: Vec<String>,
    pub display_name: String,
    /// RFC 3339, when the token expires.
    pub expire_time: Option<String>,
}

/// A token obtained by logging in. `Debug` never shows the token.
#[derive(Debug)]
pub struct Login {
    pub token: SecretString,
    pub ttl: u64,
    pub renewable: bool,
    pub policies: Vec<String>,
}

/// `sys/health`: whether the server can serve secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub initialized: bool,
    pub sealed: bool,
    pub standby: bool,
    pub version: String,
}

/// A client for one server, namespace and path. Holds no token: each call
/// is given the one to use.
pub struct Vault {
    address: Address,
    namespace: Option<String>,
    mount: String,
    prefix: String,
    timeout: Duration,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("address", &self.address.to_string())
            .field("namespace", &self.namespace)
            .field("mount", &self.mount)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Vault {
    /// A client for `config`. Checks the address (refusing plain HTTP to a
    /// non-loopback host) and reads the CA bundle; connects to nothing.
    pub fn new(config: &Config) -> Result<Vault> {
        let address = Address::parse(&config.address)?;
        let (mount, prefix) = split_path(config.path.as_deref().unwrap_or(DEFAULT_PATH))?;
        if config.timeout.is_zero() || config.timeout > MAX_TIMEOUT {
            return Err(Error::vault(
                VaultFailure::Config,
                format!(
                    "the Vault timeout must be a positive number of seconds, at most {}",
                    MAX_TIMEOUT.as_secs()
                ),
            ));
        }
        let namespace = match config.namespace.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(ns) if is_header_text(ns) => Some(ns.trim_matches('/').to_string()),
            Some(_) => {
                return Err(Error::vault(
                    VaultFailure::Config,
                    "VAULT_NAMESPACE holds characters a namespace cannot have",
                ))
            }
        };
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = &config.ca_cert {
            tls = tls.root_certs(read_ca_bundle(path)?);
        }
        let config_built = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .https_only(address.tls())
            // A proxy would see the token in a plain loopback request.
            .proxy(if address.is_loopback() {
                None
            } else {
                ureq::Proxy::try_from_env()
            })
            .timeout_global(Some(config.timeout))
            .tls_config(tls.build())
            .user_agent(concat!("safekeys/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = ureq::Agent::with_parts(
            config_built,
            ureq::unversioned::transport::DefaultConnector::new(),
            PinnedResolver {
                pinned: address.pinned(),
            },
        );
        Ok(Vault {
            address,
            namespace,
            mount,
            prefix,
            timeout: config.timeout,
            agent,
        })
    }

    pub fn address(&self) -> &Address {
        &self.address
    }

    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// `<mount>/<prefix>` as configured, for messages.
    pub fn path(&self) -> String {
        if self.prefix.is_empty() {
            self.mount.clone()
        } else {
            format!("{}/{}", self.mount, self.prefix)
        }
    }

    /// The API path of `name`'s secret: `<mount>/data/<prefix>/<name>`.
    pub fn secret_path(&self, name: &str) -> Result<String> {
        check_name(name)?;
        Ok(if self.prefix.is_empty() {
            format!("{}/data/{name}", self.mount)
        } else {
            format!("{}/data/{}/{name}", self.mount, self.prefix)
        })
    }

    /// The latest version of `name`'s value, or `None` when there is no
    /// such secret (or its latest version is deleted).
    pub fn read(&self, token: &SecretString, name: &str) -> Result<Option<SecretString>> {
        let path = self.secret_path(name)?;
        let reply = self.call("GET", &path, Some(token), None)?;
        match reply.status {
            200 => match api::secret_value(&reply.body) {
                Ok(value) => Ok(value),
                Err(api::NotText) => Err(Error::vault(
                    VaultFailure::Protocol,
                    format!("{path}: the field {FIELD:?} of {name} is not a string"),
                )),
            },
            404 => Ok(None),
            _ => Err(self.failure(&reply, token, &path, &format!("reading {name}"))),
        }
    }

    /// Write `value` as a new version of `name`; returns the version number.
    pub fn write(&self, token: &SecretString, name: &str, value: &SecretString) -> Result<u64> {
        let path = self.secret_path(name)?;
        let body = api::write_body(value.expose_secret());
        let reply = self.call_with(
            "POST",
            &path,
            Some(token),
            Some(&body),
            &[value.expose_secret()],
        )?;
        match reply.status {
            200 | 204 => Ok(api::written_version(&reply.body).unwrap_or(0)),
            _ => Err(self.failure(&reply, token, &path, &format!("writing {name}"))),
        }
    }

    /// What the server knows about `token`: TTL, renewable, policies.
    pub fn lookup_self(&self, token: &SecretString) -> Result<TokenInfo> {
        let path = "auth/token/lookup-self";
        let reply = self.call("GET", path, Some(token), None)?;
        match reply.status {
            200 => api::token_info(&reply.body).ok_or_else(|| self.unexpected(path)),
            403 => Err(token_rejected(&self.address, "looking up the token")),
            _ => Err(self.status_error(&reply, path)),
        }
    }

    /// Renew `token` (by `increment` seconds, or its default); returns
    /// `(ttl, renewable)` as granted.
    pub fn renew_self(&self, token: &SecretString, increment: Option<u64>) -> Result<(u64, bool)> {
        let path = "auth/token/renew-self";
        let body = match increment {
            Some(seconds) => format!("{{\"increment\":{seconds}}}").into_bytes(),
            None => b"{}".to_vec(),
        };
        let reply = self.call("POST", path, Some(token), Some(&body))?;
        match reply.status {
            200 => api::login(&reply.body)
                .map(|l| (l.ttl, l.renewable))
                .ok_or_else(|| self.unexpected(path)),
            403 => Err(token_rejected(&self.address, "renewing the token")),
            _ => Err(self.status_error(&reply, path)),
        }
    }

    /// Log in with AppRole (`auth/<mount>/login`): a new token and its TTL.
    pub fn approle_login(
        &self,
        mount: &str,
        role_id: &str,
        secret_id: Option<&SecretString>,
    ) -> Result<Login> {
        let mount = mount.trim_matches('/');
        if mount.is_empty() || !mount.split('/').all(valid_segment) {
            return Err(Error::vault(
                VaultFailure::Config,
                format!("{mount:?} is not a valid auth mount path"),
            ));
        }
        let path = format!("auth/{mount}/login");
        let body = api::approle_body(role_id, secret_id.map(|s| s.expose_secret()));
        let sent: Vec<&str> = std::iter::once(role_id)
            .chain(secret_id.map(|s| s.expose_secret()))
            .collect();
        let reply = self.call_with("POST", &path, None, Some(&body), &sent)?;
        match reply.status {
            200 => api::login(&reply.body).ok_or_else(|| self.unexpected(&path)),
            // The server's message ("invalid role or secret ID") names no secret.
            400 | 403 => Err(Error::vault(
                VaultFailure::PermissionDenied,
                format!(
                    "AppRole login at {}/v1/{path} was refused: {}",
                    self.address,
                    api::errors(&reply).unwrap_or_else(|| "permission denied".into())
                ),
            )),
            _ => Err(self.status_error(&reply, &path)),
        }
    }

    /// The server's health; needs no token.
    pub fn health(&self) -> Result<Health> {
        let path = "sys/health?standbyok=true&perfstandbyok=true&sealedcode=200&uninitcode=200";
        let reply = self.call("GET", path, None, None)?;
        match reply.status {
            200 | 429 | 472 | 473 => {
                api::health(&reply.body).ok_or_else(|| self.unexpected("sys/health"))
            }
            _ => Err(self.status_error(&reply, "sys/health")),
        }
    }

    /// One request; transport failures become errors, any status is a reply.
    fn call(
        &self,
        method: &str,
        api_path: &str,
        token: Option<&SecretString>,
        body: Option<&[u8]>,
    ) -> Result<Reply> {
        self.call_with(method, api_path, token, body, &[])
    }

    /// [`Vault::call`], where `secrets_sent` are the secrets in `body`: with the
    /// token, the reply's text is scrubbed of them before any message
    /// quotes it (a server may echo what it was sent).
    fn call_with(
        &self,
        method: &str,
        api_path: &str,
        token: Option<&SecretString>,
        body: Option<&[u8]>,
        secrets_sent: &[&str],
    ) -> Result<Reply> {
        let url = self.address.url(&format!("v1/{api_path}"));
        let mut headers: Vec<(&str, &str)> = vec![("X-Vault-Request", "true")];
        if let Some(ns) = &self.namespace {
            headers.push(("X-Vault-Namespace", ns));
        }
        if let Some(token) = token {
            if !is_header_text(token.expose_secret()) {
                return Err(Error::vault(
                    VaultFailure::Config,
                    "the Vault token holds characters a token cannot have (spaces, newlines, ...)",
                ));
            }
            headers.push(("X-Vault-Token", token.expose_secret()));
        }
        let sent = match (method, body) {
            ("GET", _) => {
                let mut request = self.agent.get(&url);
                for (name, value) in &headers {
                    request = request.header(*name, *value);
                }
                request.call()
            }
            (_, body) => {
                let mut request = self.agent.post(&url).content_type("application/json");
                for (name, value) in &headers {
                    request = request.header(*name, *value);
                }
                request.send(body.unwrap_or(b"{}"))
            }
        };
        let mut response = sent.map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        let body = Body::read(response.body_mut()).map_err(|e| self.transport_error(e))?;
        let scrub = token
            .map(|t| t.expose_secret())
            .into_iter()
            .chain(secrets_sent.iter().copied())
            .filter(|s| !s.is_empty())
            .map(|s| Zeroizing::new(s.to_string()))
            .collect();
        Ok(Reply {
            status,
            body,
            scrub,
        })
    }

    fn transport_error(&self, err: ureq::Error) -> Error {
        let at = self.address.origin();
        let seconds = self.timeout.as_secs_f64();
        match err {
            ureq::Error::Timeout(_) => Error::vault(
                VaultFailure::Timeout,
                format!("the Vault server at {at} did not answer within {seconds} s"),
            ),
            ureq::Error::HostNotFound => Error::vault(
                VaultFailure::Unreachable,
                format!("the Vault server at {at} is unreachable: its host name does not resolve"),
            ),
            ureq::Error::Io(io) if tls_cause(&io).is_some() => Error::vault(
                VaultFailure::Tls,
                format!(
                    "TLS with the Vault server at {at} failed: {} \
                     (set VAULT_CACERT to the CA bundle that signed its certificate)",
                    tls_cause(&io).map(ToString::to_string).unwrap_or_default()
                ),
            ),
            ureq::Error::Io(io) => match io.kind() {
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => Error::vault(
                    VaultFailure::Timeout,
                    format!("the Vault server at {at} did not answer within {seconds} s"),
                ),
                _ => Error::vault(
                    VaultFailure::Unreachable,
                    format!("the Vault server at {at} is unreachable: {io}"),
                ),
            },
            ureq::Error::ConnectionFailed => Error::vault(
                VaultFailure::Unreachable,
                format!("the Vault server at {at} is unreachable: connection failed"),
            ),
            ureq::Error::Tls(why) => Error::vault(
                VaultFailure::Tls,
                format!("TLS with the Vault server at {at} failed: {why}"),
            ),
            ureq::Error::Rustls(tls) => Error::vault(
                VaultFailure::Tls,
                format!(
                    "TLS with the Vault server at {at} failed: {tls} \
                     (set VAULT_CACERT to the CA bundle that signed its certificate)"
                ),
            ),
            ureq::Error::BodyExceedsLimit(_) => Error::vault(
                VaultFailure::Protocol,
                format!("the Vault server at {at} sent an answer larger than 1 MiB"),
            ),
            ureq::Error::TlsRequired | ureq::Error::RequireHttpsOnly(_) => Error::vault(
                VaultFailure::Insecure,
                format!("refusing to send a Vault token over plain HTTP to {at}"),
            ),
            // Other variants name no request data we send; keep the detail.
            other => Error::vault(
                VaultFailure::Unreachable,
                format!("the request to the Vault server at {at} failed: {other}"),
            ),
        }
    }

    /// The error for a non-success reply to a request made with `token`.
    fn failure(&self, reply: &Reply, token: &SecretString, path: &str, doing: &str) -> Error {
        if reply.status != 403 {
            return self.status_error(reply, path);
        }
        // Policy denial or a dead token: the server says the same; ask it about the token.
        match self.lookup_self(token) {
            Ok(info) => Error::vault(
                VaultFailure::PermissionDenied,
                format!(
                    "permission denied for path {path} ({doing}): the token's policies ({}) \
                     do not allow it at {}",
                    info.policies.join(", "),
                    self.address
                ),
            ),
            Err(Error::Vault {
                kind: VaultFailure::TokenInvalid,
                ..
            }) => token_rejected(&self.address, doing),
            Err(other) => other,
        }
    }

    fn status_error(&self, reply: &Reply, path: &str) -> Error {
        let detail = api::errors(reply)
            .map(|e| format!(": {e}"))
            .unwrap_or_default();
        let at = &self.address;
        match reply.status {
            301 | 302 | 303 | 307 | 308 => Error::vault(
                VaultFailure::Server,
                format!(
                    "the Vault server at {at} redirected the request for {path}; safekeys does \
                     not follow redirects with a token: set VAULT_ADDR to the active node"
                ),
            ),
            403 => Error::vault(
                VaultFailure::PermissionDenied,
                format!("permission denied for path {path} at {at}"),
            ),
            429 | 472 | 473 => Error::vault(
                VaultFailure::Server,
                format!("the Vault server at {at} is a standby node or rate-limited{detail}"),
            ),
            503 => Error::vault(
                VaultFailure::Server,
                format!("the Vault server at {at} is sealed or unavailable{detail}"),
            ),
            status => Error::vault(
                if status >= 500 {
                    VaultFailure::Server
                } else {
                    VaultFailure::Protocol
                },
                format!("the Vault server at {at} answered {status} for {path}{detail}"),
            ),
        }
    }

    fn unexpected(&self, path: &str) -> Error {
        Error::vault(
            VaultFailure::Protocol,
            format!(
                "the server at {} sent an answer to {path} that is not Vault's",
                self.address
            ),
        )
    }
}

/// Resolves through DNS for HTTPS, and not at all for plain HTTP: there the
/// loopback addresses [`Address::pinned`] gives are the only ones the
/// socket may connect to, whatever the URL's host is or resolves to.
#[derive(Debug)]
struct PinnedResolver {
    pinned: Option<Vec<std::net::SocketAddr>>,
}

impl ureq::unversioned::resolver::Resolver for PinnedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let Some(pinned) = &self.pinned else {
            return ureq::unversioned::resolver::DefaultResolver::default()
                .resolve(uri, config, timeout);
        };
        let mut out = self.empty();
        for addr in pinned {
            out.push(*addr);
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

/// The rustls error inside an I/O error, if that is what failed (ureq's TLS
/// stream reports handshake failures as I/O errors).
fn tls_cause(io: &std::io::Error) -> Option<&rustls::Error> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = io.get_ref().map(|e| e as _);
    while let Some(err) = cause {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        cause = err.source();
    }
    None
}

fn token_rejected(address: &Address, doing: &str) -> Error {
    Error::vault(
        VaultFailure::TokenInvalid,
        format!(
            "the Vault server at {address} rejected the token while {doing}: it has expired \
             or been revoked (log in again: safekeys vault login)"
        ),
    )
}

/// `(mount, prefix)` of `<mount>/<prefix>`.
fn split_path(path: &str) -> Result<(String, String)> {
    let path = path.trim().trim_matches('/');
    let segments: Vec<&str> = path.split('/').collect();
    if path.is_empty() || !segments.iter().all(|s| valid_segment(s)) {
        return Err(Error::vault(
            VaultFailure::Config,
            format!(
                "SAFEKEYS_VAULT_PATH {path:?} is not a path like {DEFAULT_PATH:?} \
                 (mount, then an optional prefix; letters, digits, '-', '_', '.')"
            ),
        ));
    }
    Ok((segments[0].to_string(), segments[1..].join("/")))
}

fn valid_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A key name safe to put in a URL path as one segment.
pub fn check_name(name: &str) -> Result<()> {
    if valid_segment(name) {
        Ok(())
    } else {
        Err(Error::vault(
            VaultFailure::Config,
            format!(
                "{name:?} cannot be a key name in the team store \
                 (letters, digits, '-', '_', '.')"
            ),
        ))
    }
}

/// Visible ASCII only: what an HTTP header value can carry unchanged.
fn is_header_text(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic())
}

fn read_ca_bundle(path: &Path) -> Result<ureq::tls::RootCerts> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| {
        Error::vault(
            VaultFailure::Config,
            format!("cannot read the CA bundle VAULT_CACERT={shown}: {e}"),
        )
    })?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => certs.push(cert),
            Ok(_) => {}
            Err(_) => {
                return Err(Error::vault(
                    VaultFailure::Config,
                    format!("the CA bundle VAULT_CACERT={shown} is not valid PEM"),
                ))
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::vault(
            VaultFailure::Config,
            format!("the CA bundle VAULT_CACERT={shown} holds no PEM certificate"),
        ));
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}
