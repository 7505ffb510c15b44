//! Secret-named assignments: `password = "..."`, `api_key: ...`,
//! `"client_secret": "..."`, `export DB_PASSWORD=...`,
//! `os.environ["X_TOKEN"] = "..."` in Python, YAML, JSON, TOML, ini and
//! shell. This module finds the value after such a name and rejects what is
//! plainly not a literal secret (a variable reference, a template, a path, a
//! URL, a number, code); whether the value looks random is `patterns`'
//! question, asked with the same tests the key formats pass.

use std::ops::Range;

/// Name parts that make a setting secret, in the spellings code and config
/// write them (the automaton is case sensitive). A bare `key` is left out:
/// cache keys, sort keys and dict keys are random-looking and harmless.
pub const NAMES: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "access_key",
    "private_key",
    "credential",
    "auth_key",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
    "AUTH_KEY",
    "Password",
    "Passwd",
    "Passphrase",
    "Secret",
    "Token",
    "ApiKey",
    "apiKey",
    "APIKey",
    "AccessKey",
    "accessKey",
    "PrivateKey",
    "privateKey",
    "Credential",
];

/// Last name parts that say the value is about a secret, not the secret:
/// `token_url`, `password_field`, `secret_name`, `max_tokens`.
const NOT_SECRET_ENDINGS: &[&str] = &[
    "NAME",
    "NAMES",
    "ID",
    "IDS",
    "URL",
    "URI",
    "URLS",
    "ENDPOINT",
    "HOST",
    "PATH",
    "FILE",
    "FILENAME",
    "DIR",
    "TYPE",
    "TYPES",
    "FIELD",
    "FIELDS",
    "LEN",
    "LENGTH",
    "SIZE",
    "COUNT",
    "MAX",
    "MIN",
    "LIMIT",
    "PATTERN",
    "REGEX",
    "RE",
    "PREFIX",
    "SUFFIX",
    "HEADER",
    "ENV",
    "VAR",
    "LABEL",
    "FORMAT",
    "FMT",
    "KIND",
    "MODE",
    "POLICY",
    "SCOPE",
    "SCOPES",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "TTL",
    "TIMEOUT",
    "METHOD",
    "CLASS",
    "HINT",
    "HELP",
    "PROMPT",
    "TEMPLATE",
    "PLACEHOLDER",
    "EXAMPLE",
    "COLUMN",
    "INDEX",
    "PARAM",
    "OPTION",
    "FLAG",
    "ENABLED",
    "REQUIRED",
    "MANAGER",
    "PROVIDER",
    "STORE",
    "BACKEND",
    "SERVICE",
    "CACHE",
    "HASH",
    "HASHES",
    "DIGEST",
    "VERSION",
    "SOURCE",
    "HANDLER",
    "CONFIG",
    "ENCODING",
    "ALGORITHM",
    "ALG",
    "STYLE",
    "TEXT",
    "MESSAGE",
    "MSG",
    "ERROR",
    "DESCRIPTION",
    "TITLE",
    "INPUT",
    "WIDGET",
    "FORM",
    "RESET",
    "CONFIRM",
    "CONFIRMATION",
    "REQUEST",
    "RESPONSE",
    "CHARS",
    "ALPHABET",
    "SEPARATOR",
    "DELIMITER",
    "START",
    "END",
    "POSITION",
    "POS",
    "OFFSET",
    "SPLITTER",
    "CLS",
    "BOS",
    "EOS",
    "PAD",
    "UNK",
    "SEP",
    "MASK",
];

const MAX_NAME: usize = 64;
const MAX_VALUE: usize = 200;
/// Shorter values carry too little evidence of being random.
pub const MIN_VALUE: usize = 10;

/// The value assigned to the secret-named setting whose name part
/// `bytes[part.clone()]` (one of `NAMES`) was found, if there is one and it
/// could be a literal secret.
pub fn value_after(bytes: &[u8], part: Range<usize>) -> Option<Range<usize>> {
    let literal = bytes.get(part.clone())?;
    // A whole name part: `access_token`, `accessToken`, `ACCESS_TOKEN`,
    // not `tokenizer`, `mytoken` or `Tokens`.
    let first_upper = literal.first()?.is_ascii_uppercase();
    let all_upper = !literal.iter().any(u8::is_ascii_lowercase);
    if let Some(&b) = part.start.checked_sub(1).and_then(|i| bytes.get(i)) {
        let glued = if first_upper && !all_upper {
            b.is_ascii_uppercase()
        } else {
            b.is_ascii_alphabetic()
        };
        if glued {
            return None;
        }
    }
    if let Some(&b) = bytes.get(part.end) {
        let glued = if all_upper {
            b.is_ascii_uppercase()
        } else {
            b.is_ascii_lowercase()
        };
        if glued {
            return None;
        }
    }
    let name_char = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-' || *b == b'.';
    let name_start = part.start
        - bytes[..part.start]
            .iter()
            .rev()
            .take(MAX_NAME)
            .take_while(|b| name_char(b))
            .count();
    let name_end = part.end
        + bytes[part.end..]
            .iter()
            .take(MAX_NAME)
            .take_while(|b| name_char(b))
            .count();
    if !secret_ending(&bytes[part.start..name_end]) {
        return None;
    }
    let quote_before = name_start
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .filter(|b| b"\"'`".contains(b));
    // `f("NAME", "value")`: a call's first argument (`setdefault`, `get`,
    // `add_header`), not one of a list of names (`["Token", "Other"]`).
    let call = quote_before.is_some()
        && bytes[..name_start - 1]
            .iter()
            .rev()
            .find(|b| !b" \t".contains(b))
            == Some(&b'(');
    let value_start = after_separator(bytes, name_end, quote_before.is_some(), call)?;
    let (value, quoted) = literal_value(bytes, value_start)?;
    let text = &bytes[value.clone()];
    if !quoted && !plain_word(bytes, &value) {
        return None;
    }
    plain_literal(text).then_some(value)
}

/// An unquoted value is code as often as config: `password: Incomplete`,
/// `token: Token | None = ...`, `secret = SecretStr`. Taken only when
/// nothing code-like follows it and it holds two digits or a symbol, as
/// generated secrets do and names and type annotations do not.
fn plain_word(bytes: &[u8], value: &Range<usize>) -> bool {
    let next = bytes[value.end..]
        .iter()
        .find(|b| !b" \t".contains(b))
        .copied();
    if next.is_some_and(|b| b"|=([.:".contains(&b)) {
        return false;
    }
    let text = &bytes[value.clone()];
    // `_hpke.MLKEM768`: an attribute is code.
    if text.contains(&b'.') {
        return false;
    }
    if text
        .iter()
        .any(|b| !b.is_ascii_alphanumeric() && *b != b'_')
    {
        return true;
    }
    // `X25519PrivateKey`, `OAuth2Token`: a capitalised word with a word's
    // vowels is a name (random letters rarely spell one).
    let vowel = |b: &u8| b"aeiouy".contains(b);
    let word = text.windows(5).any(|w| {
        w[0].is_ascii_uppercase()
            && w[1..].iter().all(u8::is_ascii_lowercase)
            && w.iter().filter(|b| vowel(&b.to_ascii_lowercase())).count() >= 2
    });
    !word && text.iter().filter(|b| b.is_ascii_digit()).count() >= 2
}

/// Whether the name, from its secret part on, does not end in a part that
/// says the value is not the secret itself.
fn secret_ending(name: &[u8]) -> bool {
    let mut last = Vec::new();
    for (i, &b) in name.iter().enumerate() {
        let camel = b.is_ascii_uppercase() && i > 0 && name[i - 1].is_ascii_lowercase();
        if !b.is_ascii_alphanumeric() || camel {
            last.clear();
        }
        if b.is_ascii_alphanumeric() {
            last.push(b.to_ascii_uppercase());
        }
    }
    !NOT_SECRET_ENDINGS.iter().any(|e| e.as_bytes() == last)
}

/// Where the value starts after the name ending at `at`: past a closing
/// quote and `]`, then `=`, `:`, `:=`, `=>`, `?=`, `: type =`, or (after a
/// quoted name, as in `setdefault("X", "...")`) `,`.
fn after_separator(bytes: &[u8], mut at: usize, quoted: bool, call: bool) -> Option<usize> {
    let skip = |at: &mut usize, set: &[u8]| {
        while bytes.get(*at).is_some_and(|b| set.contains(b)) {
            *at += 1;
        }
    };
    if quoted {
        if bytes.get(at) == Some(&b'\\') {
            at += 1;
        }
        if bytes.get(at).is_some_and(|b| b"\"'`".contains(b)) {
            at += 1;
        }
    }
    skip(&mut at, b"]");
    skip(&mut at, b" \t");
    match bytes.get(at)? {
        b'=' => {
            at += 1;
            if bytes.get(at) == Some(&b'=') {
                return None;
            }
            if bytes.get(at) == Some(&b'>') {
                at += 1;
            }
        }
        b'?' if bytes.get(at + 1) == Some(&b'=') => at += 2,
        b':' => {
            at += 1;
            if bytes.get(at) == Some(&b'=') {
                at += 1;
            } else {
                // `password: str = "..."`: a type annotation, then `=`.
                let mut probe = at;
                skip(&mut probe, b" \t");
                let ident = bytes[probe.min(bytes.len())..]
                    .iter()
                    .take(40)
                    .take_while(|b| b.is_ascii_alphanumeric() || b"_.[]|".contains(b))
                    .count();
                if ident > 0 {
                    let mut after = probe + ident;
                    skip(&mut after, b" \t");
                    if bytes.get(after) == Some(&b'=') && bytes.get(after + 1) != Some(&b'=') {
                        at = after + 1;
                    }
                }
            }
        }
        b',' if call => at += 1,
        _ => return None,
    }
    skip(&mut at, b" \t");
    Some(at)
}

/// The literal at `at`: a quoted string (Python's `b`/`r` prefixes and an
/// escaped `\"` quote allowed) or an unquoted word up to a space or
/// punctuation that ends values.
fn literal_value(bytes: &[u8], mut at: usize) -> Option<(Range<usize>, bool)> {
    if bytes.get(at).is_some_and(|b| b"bBrRuU".contains(b))
        && bytes.get(at + 1).is_some_and(|b| b"\"'".contains(b))
    {
        at += 1;
    }
    let escaped =
        bytes.get(at) == Some(&b'\\') && bytes.get(at + 1).is_some_and(|b| b"\"'".contains(b));
    if escaped {
        at += 1;
    }
    let quote = *bytes.get(at)?;
    if b"\"'`".contains(&quote) {
        let start = at + 1;
        let len = bytes
            .get(start..)?
            .iter()
            .take(MAX_VALUE + 1)
            .take_while(|&&b| b != quote && b != b'\n' && b != b'\\')
            .count();
        let end = start + len;
        let closed = match bytes.get(end) {
            Some(&b) if b == quote => !escaped,
            Some(b'\\') => escaped && bytes.get(end + 1) == Some(&quote),
            _ => false,
        };
        return (closed && len <= MAX_VALUE).then_some((start..end, true));
    }
    let len = bytes[at..]
        .iter()
        .take(MAX_VALUE + 1)
        .take_while(|&&b| !b.is_ascii_whitespace() && !b"\"'`,;&)}]<>\\".contains(&b))
        .count();
    (len <= MAX_VALUE).then_some((at..at + len, false))
}

/// Whether `value` could be a literal secret rather than a reference to one
/// (`$DB_PASSWORD`, `${...}`, `{{ vault }}`, `%(pw)s`, `<your-token>`), code
/// (`getpass()`, `settings.SECRET_KEY`), a path or file name, a URL, an
/// e-mail address, a number or date, or a constant's name (`GITHUB_TOKEN`).
pub fn plain_literal(value: &[u8]) -> bool {
    const FILE_ENDINGS: &[&str] = &[
        ".pem", ".key", ".json", ".txt", ".crt", ".cer", ".p12", ".pfx", ".yaml", ".yml", ".env",
        ".cfg", ".ini", ".toml", ".db", ".py", ".gpg", ".asc", ".der", ".jks",
    ];
    let Some(&first) = value.first() else {
        return false;
    };
    if value.len() < MIN_VALUE
        || b"$%{<#@&*!~/.:([-+".contains(&first)
        || value
            .iter()
            .any(|b| b.is_ascii_whitespace() || b"{}()[]<>\"'`\\,;".contains(b))
        || value.iter().any(|b| !b.is_ascii())
    {
        return false;
    }
    // `=` only as base64's padding.
    let padding = value.iter().rev().take_while(|&&b| b == b'=').count();
    if value[..value.len() - padding].contains(&b'=') {
        return false;
    }
    // A scheme before a colon: `sha1:…`, `argon2:…` (Jupyter's password
    // hashes), `env:NAME`, `vault:path`.
    if let Some(colon) = value.iter().position(|&b| b == b':') {
        if colon <= 12
            && value[..colon]
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return false;
        }
    }
    let has = |needle: &[u8]| memchr::memmem::find(value, needle).is_some();
    if has(b"://") || has(b"${") || has(b"%(") || (value.contains(&b'@') && value.contains(&b'.')) {
        return false;
    }
    // Letters alone are words and names (`privateKeyUsagePeriod`); a
    // generated secret has digits or symbols.
    if value.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if FILE_ENDINGS.iter().any(|e| lower.ends_with(e.as_bytes())) {
        return false;
    }
    // Numbers, versions, dates, times, IP addresses.
    if value
        .iter()
        .all(|b| b.is_ascii_digit() || b".-:_/+eETZ".contains(b))
    {
        return false;
    }
    // Identifiers and dotted names of one case: `GITHUB_TOKEN`,
    // `settings.SECRET_KEY`, `my_module.token_store`.
    let identifier = value
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.' || *b == b'-');
    let one_case =
        !value.iter().any(u8::is_ascii_uppercase) || !value.iter().any(u8::is_ascii_lowercase);
    let separated = value.iter().any(|b| b"_.-".contains(b));
    if identifier
        && one_case
        && separated
        && value.iter().filter(|b| b.is_ascii_digit()).count() < 3
    {
        return false;
    }
    // `settings.SECRET_KEY`, `config.api.token`: dotted code.
    if identifier && value.contains(&b'.') && !value.iter().any(u8::is_ascii_digit) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<&str> {
        let at = NAMES
            .iter()
            .filter_map(|n| text.find(n).map(|i| (i, n.len())))
            .min()?;
        value_after(text.as_bytes(), at.0..at.0 + at.1).map(|r| &text[r])
    }

    const V: &str = "q7Rz2LmX9vKpW4tN";

    #[test]
    fn values_after_secret_names_in_every_syntax() {
        for text in [
            format!("password = \"{V}\""),
            format!("db_password='{V}'"),
            format!("api_key: {V}"),
            format!("API_KEY: {V} # the team's"),
            format!("api_key: \"{V}\"\n"),
            format!("\"client_secret\": \"{V}\","),
            format!("secret={V}\n"),
            format!("export DB_PASSWORD={V}"),
            format!("DB_PASSWORD=\"{V}\""),
            format!("os.environ[\"MY_TOKEN\"] = \"{V}\""),
            format!("os.environ.setdefault(\"MY_TOKEN\", \"{V}\")"),
            format!("connect(user='a', password='{V}')"),
            format!("accessToken := \"{V}\""),
            format!("password: str = \"{V}\""),
            format!("\"password = \\\"{V}\\\"\\n\","),
            format!("$apiKey => '{V}'"),
            format!("PASSWORD ?= {V}"),
            format!("https://x.invalid/api?token={V}&page=2"),
            format!("<add key=\"x\" Password: {V}"),
        ] {
            assert_eq!(value(&text), Some(V), "{text}");
        }
    }

    #[test]
    fn references_code_paths_and_other_names_are_not_values() {
        for text in [
            "password = \"${DB_PASSWORD}\"",
            "password: $DB_PASSWORD_VALUE",
            "password: '{{ vault_db_password }}'",
            "password = getpass.getpass()",
            "token = settings.SECRET_TOKEN",
            "token = os.environ[\"GITHUB_TOKEN\"]",
            "secret = \"GITHUB_TOKEN_FOR_CI\"",
            "password: <your-password-here>",
            "token_url = \"x9Kq2LmX7vRpW4tNa\"",
            "max_tokens = 1234567890123",
            "tokenizer = \"q7Rz2LmX9vKpW4tN\"",
            "mytoken = \"q7Rz2LmX9vKpW4tN\"",
            "if password == \"q7Rz2LmX9vKpW4tN\":",
            "private_key = \"certs/q7Rz2LmX9vKpW4tN.pem\"",
            "password = \"/run/secrets/db_password_x9\"",
            "secret: 2024-01-01T00:00:00",
            "password = \"admin@example.invalid\"",
            "password = \"q7Rz2 LmX9vKpW4tN\"",
            "token = \"short\"",
            "token = f\"{prefix}q7Rz2LmX9vKpW4tN\"",
            "password: *default_password",
            "secret_name = \"q7Rz2LmX9vKpW4tN\"",
            "password: Incomplete",
            "token: RefreshTokenType | None = None",
            "access_token: OAuth2Token",
            "self, private_key: X25519PrivateKey, f_priv: _FragList",
            "MLKEM768X25519PrivateKey = _hpke.MLKEM768X25519PrivateKey",
            "OID.PRIVATE_KEY_USAGE_PERIOD: \"privateKeyUsagePeriod\",",
            "__all__ = [\"Token\", \"q7Rz2LmX9vKpW4tN\"]",
            "read(mount_point=\"secret\", version=None)",
            "getenv(\"HF_TOKEN\", prompt=True)",
            "c.NotebookApp.password = u\"sha1:5b2d6c0e4f1a:0f9e8d7c6b5a4938271605f4e3d2c1b0a9f8e7d6\"",
        ] {
            assert_eq!(value(text), None, "{text}");
        }
    }
}
