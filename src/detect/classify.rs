//! Which values are secrets: by the variable's name, by the value's shape
//! (`patterns`), or a password inside a URL (`url`).

use super::{patterns, url};
use std::fmt;
use std::ops::Range;

/// Words that make a variable name look secret, as whole name parts.
const SECRET_WORDS: &[&str] = &[
    "KEY",
    "KEYS",
    "APIKEY",
    "TOKEN",
    "TOKENS",
    "SECRET",
    "SECRETS",
    "PASSWORD",
    "PASSWORDS",
    "PASSWD",
    "PWD",
    "PASS",
    "PASSPHRASE",
    "CREDENTIAL",
    "CREDENTIALS",
    "CRED",
    "CREDS",
    "AUTH",
    "AUTHORIZATION",
    "PRIVATE",
    "SIGNATURE",
    "COOKIE",
    "SESSION",
    "DSN",
    "BEARER",
    "JWT",
    "SALT",
    "WEBHOOK",
];

/// Endings that make a run-together name part secret (`APIKEY`, `DBPASSWORD`).
const SECRET_ENDINGS: &[&str] = &["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PWD"];

/// Well-known variables whose names match a secret word but whose values
/// are paths, sockets or ids (`PWD` is the working directory).
const ORDINARY_NAMES: &[&str] = &[
    "PWD",
    "OLDPWD",
    "SSH_AUTH_SOCK",
    "SESSION_MANAGER",
    "DESKTOP_SESSION",
    "JPY_SESSION_NAME",
    "TERM_SESSION_ID",
    "DBUS_SESSION_BUS_ADDRESS",
    "GNOME_KEYRING_CONTROL",
    "GPG_AGENT_INFO",
    "XDG_SESSION_ID",
    "XDG_SESSION_TYPE",
    "XDG_SESSION_CLASS",
    "XDG_SESSION_DESKTOP",
    "KEYTIMEOUT",
];

/// Whether a variable called `name` probably holds a secret.
pub fn secret_name(name: &str) -> bool {
    if ORDINARY_NAMES.contains(&name) {
        return false;
    }
    split_name(name).iter().any(|part| {
        SECRET_WORDS.contains(&part.as_str())
            || SECRET_ENDINGS
                .iter()
                .any(|end| part.len() > end.len() && part.ends_with(end))
    })
}

/// `OPENAI_API_KEY`, `openaiApiKey`, `db.password` → upper-case parts.
fn split_name(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase() || c.is_numeric();
        current.extend(c.to_uppercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Why a value is to be masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The variable's name looks secret (`secret_name`).
    Name,
    /// The value has the shape of a well-known key: its label.
    Shape(&'static str),
    /// The value is a URL with a password in it.
    UrlPassword,
}

/// Python shows these words to the user (`safekeys.why`, `safekeys import`).
impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::Name => f.write_str("name looks secret"),
            Why::Shape(label) => write!(f, "looks like a {label}"),
            Why::UrlPassword => f.write_str("password in a URL"),
        }
    }
}

/// A value found secret: why, and which bytes of it to mask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub why: Why,
    /// The whole value, or only the passwords of its URLs: the rest of a URL
    /// (host, database name) is what a person needs to see in output.
    pub secrets: Vec<Range<usize>>,
}

/// Whether the value of the variable `name` is a secret, and why: the
/// masking policy, asked of every `.env` value by the loader and the scanner.
/// The name is asked first (it covers values of any shape), then the
/// value's shape, then a URL's password.
pub fn why_secret(name: &str, value: &str) -> Option<Reason> {
    let whole = std::iter::once(0..value.len()).collect::<Vec<_>>();
    if secret_name(name) {
        return Some(Reason {
            why: Why::Name,
            secrets: whole,
        });
    }
    if let Some(label) = patterns::known_shape(value) {
        return Some(Reason {
            why: Why::Shape(label),
            secrets: whole,
        });
    }
    let passwords = url::passwords(value);
    (!passwords.is_empty()).then_some(Reason {
        why: Why::UrlPassword,
        secrets: passwords,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "OPENAI_API_KEY",
            "GITHUB_TOKEN",
            "DB_PASSWORD",
            "aws_secret_access_key",
            "apiKey",
            "SENTRY_DSN",
            "SESSION_COOKIE",
            "MY_PWD",
            "PRIVATE_KEY_PEM",
            "DBPASSWORD",
        ] {
            assert!(secret_name(name), "{name}");
        }
        for name in [
            "HOME",
            "PATH",
            "KEYBOARD_LAYOUT",
            "AUTHOR",
            "COMPASS_HEADING",
            "DEBUG",
        ] {
            assert!(!secret_name(name), "{name}");
        }
    }

    #[test]
    fn why_secret_asks_the_name_then_the_shape_then_a_url() {
        let why = |name: &str, value: &str| {
            why_secret(name, value).map(|r| {
                let texts: Vec<String> = r
                    .secrets
                    .into_iter()
                    .map(|s| value[s].to_string())
                    .collect();
                (r.why.to_string(), texts.join(" "))
            })
        };
        let url = "postgres://app:s3cr3t-pass@db.internal/prod";
        assert_eq!(
            why("DB_PASSWORD", url),
            Some(("name looks secret".into(), url.into()))
        );
        assert_eq!(
            why("DATABASE_URL", url),
            Some(("password in a URL".into(), "s3cr3t-pass".into()))
        );
        let key = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz";
        assert_eq!(
            why("DEPLOY_BOT", key),
            Some(("looks like a Anthropic API key".into(), key.into()))
        );
        assert_eq!(why("HOME", "/home/me"), None);
    }
}
