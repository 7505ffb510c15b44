//! The server's address, and the rule that keeps tokens off plain HTTP.
//!
//! Checked on the text alone, before any DNS lookup or connection: a plain
//! `http://` address is accepted only for a loopback host (`localhost`,
//! 127.0.0.0/8, `::1`), where nothing crosses a network.

use crate::error::{Error, Result, VaultFailure};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A parsed `VAULT_ADDR`: scheme, host, port and an optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    tls: bool,
    /// As written (IPv6 without its brackets), lowercased.
    host: String,
    port: Option<u16>,
    /// Empty, or `/something` without a trailing slash (a reverse proxy's prefix).
    base_path: String,
}

impl Address {
    /// Parse `text`; refuse a non-loopback `http://` address.
    pub fn parse(text: &str) -> Result<Address> {
        let text = text.trim();
        let bad =
            |why: &str| Error::vault(VaultFailure::Config, format!("VAULT_ADDR {text:?} {why}"));
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
        let (host, port) = split_host_port(authority).ok_or_else(|| bad("has no valid host"))?;
        let address = Address {
            tls,
            host: host.to_ascii_lowercase(),
            port,
            base_path: path.trim_end_matches('/').to_string(),
        };
        if !address.tls && !address.is_loopback() {
            return Err(Error::vault(
                VaultFailure::Insecure,
                format!(
                    "refusing to send a Vault token over plain HTTP to {}: use https://, \
                     or http:// only for a loopback address (localhost, 127.0.0.1, [::1])",
                    address.origin()
                ),
            ));
        }
        Ok(address)
    }

    /// Whether requests use TLS.
    pub fn tls(&self) -> bool {
        self.tls
    }

    /// Whether the host is a loopback name or address (decided without DNS).
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_end_matches('.');
        if host == "localhost" {
            return true;
        }
        match host.parse::<IpAddr>() {
            Ok(IpAddr::V4(v4)) => v4.is_loopback(),
            Ok(IpAddr::V6(v6)) => {
                v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
            Err(_) => false,
        }
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
