//! The server's address, and the rule that keeps tokens off plain HTTP.
//!
//! Checked on the text alone, before any DNS lookup or connection: a plain
//! `http://` address is accepted only for a host that names loopback by
//! itself: a literal 127.0.0.0/8 address in dotted-quad form, `[::1]`, or
//! the name `localhost` (any case). The socket then connects to exactly
//! that address ([`Address::pinned`]); `localhost` is pinned to 127.0.0.1
//! and ::1 rather than resolved. Nothing else qualifies, however loopback
//! it may resolve to (`localhost.`, `localhost.localdomain`, `127.1`,
//! `0x7f.1`, `[::ffff:127.0.0.1]`): whether a name means loopback is the
//! resolver's say, and a resolver can lie.

use crate::error::{Error, Result, VaultFailure};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// A parsed `VAULT_ADDR`: scheme, host, port and an optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    tls: bool,
    /// As written (IPv6 without its brackets), lowercased.
    host: String,
    port: Option<u16>,
    /// The loopback addresses the host stands for without DNS; empty for others.
    loopback: Vec<IpAddr>,
    /// Empty, or `/something` without a trailing slash (a reverse proxy's prefix).
    base_path: String,
}

impl Address {
    /// Parse `text`; refuse a non-loopback `http://` address.
    pub fn parse(text: &str) -> Result<Address> {
        let text = text.trim();
        let shown = redacted(text);
        let bad =
            |why: &str| Error::vault(VaultFailure::Config, format!("VAULT_ADDR {shown:?} {why}"));
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| bad("is not a URL: expected https://HOST[:PORT]"))?;
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => {
                return Err(bad(
                    "must start with https:// (or http:// for a loopback address)",
                ))
            }
        };
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            // Never echo it: the user-info may hold a password.
            return Err(Error::vault(
                VaultFailure::Config,
                "VAULT_ADDR must not contain a user name or password (user@host); \
                 the token authenticates requests",
            ));
        }
        if path.contains(['?', '#']) {
            return Err(bad("must not have a query or fragment"));
        }
        let split = split_host_port(authority);
        let loopback = split.map(|(host, _)| loopback_of(host)).unwrap_or_default();
        if !tls && loopback.is_empty() {
            return Err(insecure(&shown));
        }
        let (host, port) = split.ok_or_else(|| bad("has no valid host"))?;
        let address = Address {
            tls,
            host: host.to_ascii_lowercase(),
            port,
            loopback,
            base_path: path.trim_end_matches('/').to_string(),
        };
        Ok(address)
    }

    /// Whether requests use TLS.
    pub fn tls(&self) -> bool {
        self.tls
    }

    /// Whether the host names loopback by itself (see the module's docs);
    /// every plain-HTTP address does.
    pub fn is_loopback(&self) -> bool {
        !self.loopback.is_empty()
    }

    /// For plain HTTP, the socket addresses to connect to, decided here and
    /// never by DNS; `None` for HTTPS, whose host is resolved (TLS then
    /// checks that the server holds a certificate for it).
    pub fn pinned(&self) -> Option<Vec<SocketAddr>> {
        if self.tls {
            return None;
        }
        let port = self.port.unwrap_or(80);
        Some(
            self.loopback
                .iter()
                .map(|&ip| SocketAddr::new(ip, port))
                .collect(),
        )
    }

    /// `scheme://host[:port]`, for messages.
    pub fn origin(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match self.port {
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        }
    }

    /// The URL of an API path such as `v1/sys/health`.
    pub fn url(&self, api_path: &str) -> String {
        format!("{}{}/{}", self.origin(), self.base_path, api_path)
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.origin(), self.base_path)
    }
}

/// `text` as a message may show it: without user-info (everything up to
/// the last `@`, since a password may hold `/`, `?` or `#`), query or
/// fragment, any of which can carry a password or a token.
pub(super) fn redacted(text: &str) -> String {
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, text),
    };
    let rest = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
    let rest = rest.find(['?', '#']).map_or(rest, |i| &rest[..i]);
    match scheme {
        Some(scheme) => format!("{scheme}://{rest}"),
        None => rest.to_string(),
    }
}

/// The loopback addresses `host` (as written in the URL, IPv6 without its
/// brackets) names by itself, without asking a resolver; empty for any
/// other host.
fn loopback_of(host: &str) -> Vec<IpAddr> {
    if host.eq_ignore_ascii_case("localhost") {
        return vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()];
    }
    match host.parse::<IpAddr>() {
        // Rust reads only four decimal parts without leading zeros; the
        // round trip also keeps out any spelling a later parser might read
        // differently.
        Ok(IpAddr::V4(v4)) if v4.is_loopback() && v4.to_string() == host => vec![v4.into()],
        Ok(IpAddr::V6(v6)) if v6 == Ipv6Addr::LOCALHOST => vec![v6.into()],
        _ => Vec::new(),
    }
}

fn insecure(shown: &str) -> Error {
    Error::vault(
        VaultFailure::Insecure,
        format!(
            "refusing to send a Vault token over plain HTTP to {shown}: use https://, \
             or http:// only for a loopback address written as such \
             (localhost, 127.0.0.1, [::1])"
        ),
    )
}

/// `host` and `port` of an authority; IPv6 literals in brackets.
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        v6.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (v6, port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok().filter(|&p| p != 0)?),
    };
    let valid_name = |h: &str| {
        !h.is_empty()
            && h.len() <= 253
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
    };
    if !authority.starts_with('[') && !valid_name(host) && host.parse::<Ipv4Addr>().is_err() {
        return None;
    }
    Some((host, port))
}
