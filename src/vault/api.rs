//! The Vault API's JSON bodies. Replies may hold tokens (lookup-self's `id`,
//! a login's `client_token`) and values: they are kept in zeroized buffers
//! and parsed into [`SecretString`]s, and no parse error is ever shown (a
//! serde error can quote the input).

use super::{Health, Login, TokenInfo, FIELD};
use secrecy::SecretString;
use serde::Deserialize;
use std::io::Read;
use zeroize::Zeroizing;

/// The most a reply may hold: Vault's answers are a few kilobytes.
const MAX_BODY: u64 = 1024 * 1024;

/// A reply's body, wiped from memory when dropped.
pub(super) struct Body(Zeroizing<Vec<u8>>);

impl Body {
    pub(super) fn read(body: &mut ureq::Body) -> Result<Body, ureq::Error> {
        let mut buf = Zeroizing::new(Vec::new());
        let mut reader = body.with_config().limit(MAX_BODY).reader();
        reader.read_to_end(&mut buf).map_err(|e| {
            // ureq reports its own errors (a timeout, the limit) wrapped in io::Error.
            match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<ureq::Error>())
            {
                Some(ureq::Error::Timeout(t)) => ureq::Error::Timeout(*t),
                Some(ureq::Error::BodyExceedsLimit(n)) => ureq::Error::BodyExceedsLimit(*n),
                _ => ureq::Error::Io(e),
            }
        })?;
        Ok(Body(buf))
    }

    fn parse<'a, T: Deserialize<'a>>(&'a self) -> Option<T> {
        serde_json::from_slice(&self.0).ok()
    }
}

pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) body: Body,
    /// What the request carried that must not come back in a message: the
    /// token and any value or credential sent.
    pub(super) scrub: Vec<Zeroizing<String>>,
}

/// The field is there but is not a string.
pub(super) struct NotText;

#[derive(Deserialize)]
struct KvRead {
    data: Option<KvVersion>,
}

#[derive(Deserialize)]
struct KvVersion {
    data: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The `value` field of a KV v2 read; `None` when the secret has no such
/// field (or its latest version was deleted).
pub(super) fn secret_value(body: &Body) -> Result<Option<SecretString>, NotText> {
    let Some(read) = body.parse::<KvRead>() else {
        return Err(NotText);
    };
    let Some(mut fields) = read.data.and_then(|v| v.data) else {
        return Ok(None);
    };
    let found = match fields.remove(FIELD) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(text)) => Ok(Some(SecretString::from(text))),
        Some(_) => Err(NotText),
    };
    // Other fields may hold secrets too: wipe their strings.
    for (_, value) in fields {
        if let serde_json::Value::String(text) = value {
            drop(Zeroizing::new(text));
        }
    }
    found
}

#[derive(serde::Serialize)]
struct KvWrite<'a> {
    data: KvFields<'a>,
}

#[derive(serde::Serialize)]
struct KvFields<'a> {
    value: &'a str,
}

pub(super) fn write_body(value: &str) -> Zeroizing<Vec<u8>> {
    // Serializing a struct of strings cannot fail; an empty body would be refused by the server.
    Zeroizing::new(
        serde_json::to_vec(&KvWrite {
            data: KvFields { value },
        })
        .unwrap_or_default(),
    )
}

#[derive(Deserialize)]
struct Written {
    data: Option<WrittenData>,
}

#[derive(Deserialize)]
struct WrittenData {
    version: Option<u64>,
}

pub(super) fn written_version(body: &Body) -> Option<u64> {
    body.parse::<Written>()?.data?.version
}

#[derive(Deserialize)]
struct Lookup {
    data: LookupData,
}

#[derive(Deserialize)]
struct LookupData {
    #[serde(default)]
    ttl: u64,
    #[serde(default)]
    renewable: bool,
    #[serde(default)]
    policies: Vec<String>,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    expire_time: Option<String>,
}

pub(super) fn token_info(body: &Body) -> Option<TokenInfo> {
    let d = body.parse::<Lookup>()?.data;
    Some(TokenInfo {
        ttl: d.ttl,
        renewable: d.renewable,
        policies: d.policies,
        display_name: d.display_name,
        expire_time: d.expire_time,
    })
}

#[derive(Deserialize)]
struct Auth {
    auth: AuthData,
}

#[derive(Deserialize)]
struct AuthData {
    client_token: SecretString,
    #[serde(default)]
    lease_duration: u64,
    #[serde(default)]
    renewable: bool,
    #[serde(default)]
    policies: Vec<String>,
}

pub(super) fn login(body: &Body) -> Option<Login> {
    let a = body.parse::<Auth>()?.auth;
    Some(Login {
        token: a.client_token,
        ttl: a.lease_duration,
        renewable: a.renewable,
        policies: a.policies,
    })
}

#[derive(serde::Serialize)]
struct AppRole<'a> {
    role_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_id: Option<&'a str>,
}

pub(super) fn approle_body(role_id: &str, secret_id: Option<&str>) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(serde_json::to_vec(&AppRole { role_id, secret_id }).unwrap_or_default())
}

#[derive(Deserialize)]
struct HealthReply {
    #[serde(default)]
    initialized: bool,
    #[serde(default)]
    sealed: bool,
    #[serde(default)]
    standby: bool,
    #[serde(default)]
    version: String,
}

pub(super) fn health(body: &Body) -> Option<Health> {
    let h = body.parse::<HealthReply>()?;
    Some(Health {
        initialized: h.initialized,
        sealed: h.sealed,
        standby: h.standby,
        version: h.version,
    })
}

/// `text` with each of `secrets` replaced, before it is cut short, so that
/// no prefix of a secret survives a cut either.
fn scrubbed(text: String, secrets: &[Zeroizing<String>]) -> String {
    let text = Zeroizing::new(text);
    let mut out = (*text).clone();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret.as_str()) {
            let replaced = Zeroizing::new(out);
            out = replaced.replace(secret.as_str(), "[redacted]");
        }
    }
    out
}

#[derive(Deserialize)]
struct Errors {
    errors: Vec<String>,
}

/// The server's `errors`, flattened to one short line (Go's multierror
/// wraps them in "1 error occurred:\n\t* ...") with every secret the
/// request carried replaced; `None` when empty.
pub(super) fn errors(reply: &Reply) -> Option<String> {
    let errors: Vec<String> = reply
        .body
        .parse::<Errors>()?
        .errors
        .into_iter()
        .map(|e| scrubbed(e, &reply.scrub))
        .collect();
    let lines: Vec<&str> = errors
        .iter()
        .flat_map(|e| e.lines())
        .map(|l| l.trim().trim_start_matches("* ").trim())
        .filter(|l| {
            !l.is_empty() && !l.ends_with("error occurred:") && !l.ends_with("errors occurred:")
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    let mut joined = lines.join("; ");
    if joined.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|&i| joined.is_char_boundary(i))
            .unwrap_or(0);
        joined.truncate(cut);
        joined.push('…');
    }
    Some(joined)
}
