//! Which values are secrets: by the variable's name, by the value's shape
//! (`patterns`), or a password inside a URL (`url`).

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
}
