//! Which values are secrets: by the variable's name, by the value's shape
//! (well-known key formats), or a password inside a URL.

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

/// The kind of well-known credential `value` is, if it is one. The formats
/// live in `patterns`, the one list the scanner uses too.
pub fn known_shape(value: &str) -> Option<&'static str> {
    super::patterns::known_shape(value)
}

/// Byte range of the password in a URL's user-info (`scheme://user:PASSWORD@host`).
pub fn url_password(value: &str) -> Option<std::ops::Range<usize>> {
    let scheme_end = value.find("://")?;
    if scheme_end == 0
        || !value[..scheme_end]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return None;
    }
    let authority_start = scheme_end + 3;
    let authority_len = value[authority_start..]
        .find(['/', '?', '#'])
        .unwrap_or(value.len() - authority_start);
    let authority = &value[authority_start..authority_start + authority_len];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    let range = authority_start + colon + 1..authority_start + at;
    (!range.is_empty()).then_some(range)
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
    fn known_shapes() {
        assert_eq!(
            known_shape("sk-ant-api03-abcdefghijklmnopqrstuvwxyz"),
            Some("Anthropic API key")
        );
        assert_eq!(
            known_shape("sk-proj-abcdefghijklmnopqrstuvwxyz"),
            Some("OpenAI project key")
        );
        assert_eq!(
            known_shape("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            Some("GitHub token")
        );
        assert_eq!(
            known_shape("AKIAIOSFODNN7EXAMPLE"),
            Some("AWS access key id")
        );
        assert_eq!(known_shape("hello world"), None);
        assert_eq!(known_shape("sk-short"), None);
    }

    #[test]
    fn url_passwords() {
        let url = "postgres://app:s3cr3t-pass@db.internal:5432/prod";
        assert_eq!(url_password(url).map(|r| &url[r]), Some("s3cr3t-pass"));
        assert_eq!(url_password("https://example.invalid/a:b@c"), None);
        assert_eq!(url_password("https://user@example.invalid/"), None);
        assert_eq!(url_password("not a url"), None);
    }
}
