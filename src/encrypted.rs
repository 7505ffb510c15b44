//! dotenvx's encrypted values: `NAME="encrypted:BASE64"` in a `.env` that
//! can be committed, readable only with the file's private key.
//!
//! The format, as dotenvx and its Python reader use it: ECIES over secp256k1
//! (the `ecies` crate's default configuration, with pure-Rust AES): the
//! base64 (standard, padded) holds the ephemeral public key (65 bytes,
//! uncompressed), a 16-byte nonce, the 16-byte AES-256-GCM tag and the
//! ciphertext; the AES key is HKDF-SHA256 (no salt, no info) over the
//! ephemeral key followed by the uncompressed shared point. A public key is
//! 66 hex digits (compressed), a private key 64; a file's private key may be
//! a comma-separated list, each tried in turn.
//!
//! Besides single values, this module rewrites whole documents (`encrypt`,
//! `decrypt`, `rotate-key`), changing only the bindings it re-encodes and
//! keeping every other statement byte for byte.

use crate::dotenv::parser::{parse, Binding};
use crate::error::{EncryptedFailure, Error, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// What marks a value as encrypted.
pub const PREFIX: &str = "encrypted:";

/// Names ending in this stay plain when a whole file is encrypted.
pub const PLAIN_SUFFIX: &str = "_PLAIN";

/// A new key pair: the public key (66 hex digits) for the file, the
/// private key (64 hex digits) for the keyring.
pub struct KeyPair {
    pub public: String,
    pub private: SecretString,
}

fn failure(kind: EncryptedFailure) -> Error {
    Error::Encrypted { kind }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

fn unhex(text: &str, len: usize) -> Option<Zeroizing<Vec<u8>>> {
    let digits = text.as_bytes();
    if digits.len() != len * 2 {
        return None;
    }
    let value = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut out = Zeroizing::new(Vec::with_capacity(len));
    for pair in digits.chunks_exact(2) {
        out.push((value(pair[0])? << 4) | value(pair[1])?);
    }
    Some(out)
}

fn secret_key(private_hex: &str) -> Result<ecies::SecretKey> {
    let bytes = unhex(private_hex.trim(), 32).ok_or(failure(EncryptedFailure::PrivateKey))?;
    ecies::SecretKey::parse_slice(&bytes).map_err(|_| failure(EncryptedFailure::PrivateKey))
}

fn public_key(public_hex: &str) -> Result<ecies::PublicKey> {
    let bytes = unhex(public_hex.trim(), 33).ok_or(failure(EncryptedFailure::PublicKey))?;
    ecies::PublicKey::parse_slice(&bytes, None).map_err(|_| failure(EncryptedFailure::PublicKey))
}

/// A fresh key pair from the operating system's random source.
pub fn generate() -> KeyPair {
    let (secret, public) = ecies::utils::generate_keypair();
    let bytes = Zeroizing::new(secret.serialize());
    KeyPair {
        public: hex(&public.serialize_compressed()),
        private: SecretString::from(hex(bytes.as_slice())),
    }
}

/// The public key (66 hex digits) of a private key (64 hex digits).
pub fn public_key_of(private_hex: &str) -> Result<String> {
    let secret = secret_key(private_hex)?;
    Ok(hex(
        &ecies::PublicKey::from_secret_key(&secret).serialize_compressed()
    ))
}

/// Whether `value` is an `encrypted:` value (not whether it decrypts).
pub fn is_encrypted(value: &str) -> bool {
    value.starts_with(PREFIX)
}

/// `plaintext` encrypted for `public_hex`, as `encrypted:BASE64`.
pub fn encrypt_value(public_hex: &str, plaintext: &str) -> Result<String> {
    let public = public_key(public_hex)?;
    let sealed = ecies::encrypt(&public.serialize_compressed(), plaintext.as_bytes())
        .map_err(|_| failure(EncryptedFailure::PublicKey))?;
    Ok(format!("{PREFIX}{}", STANDARD.encode(sealed)))
}

/// `value` (`encrypted:BASE64`) decrypted with the first of `private_keys`
/// (comma-separated) that opens it. A key that is not a key is an error
/// only when no other key opens the value.
pub fn decrypt_value(private_keys: &str, value: &str) -> Result<SecretString> {
    let encoded = value
        .strip_prefix(PREFIX)
        .ok_or(failure(EncryptedFailure::Malformed))?;
    let sealed = Zeroizing::new(
        STANDARD
            .decode(encoded.trim())
            .map_err(|_| failure(EncryptedFailure::Malformed))?,
    );
    // 65-byte ephemeral key, 16-byte nonce, 16-byte tag.
    if sealed.len() < 65 + 32 {
        return Err(failure(EncryptedFailure::Malformed));
    }
    if sealed[0] != 4 || ecies::PublicKey::parse_slice(&sealed[..65], None).is_err() {
        return Err(failure(EncryptedFailure::Malformed));
    }
    let mut last = failure(EncryptedFailure::PrivateKey);
    for candidate in private_keys.split(',').filter(|k| !k.trim().is_empty()) {
        let secret = match secret_key(candidate) {
            Ok(secret) => secret,
            Err(err) => {
                if last.encrypted_kind() == Some(EncryptedFailure::PrivateKey) {
                    last = err;
                }
                continue;
            }
        };
        let bytes = Zeroizing::new(secret.serialize());
        match ecies::decrypt(bytes.as_slice(), &sealed) {
            Ok(plain) => {
                let plain = Zeroizing::new(plain);
                return match std::str::from_utf8(&plain) {
                    Ok(text) => Ok(SecretString::from(text.to_string())),
                    Err(_) => Err(failure(EncryptedFailure::NotText)),
                };
            }
            Err(_) => last = failure(EncryptedFailure::WrongKeyOrTampered),
        }
    }
    Err(last)
}

/// [`decrypt_value`] for many values, spread over the machine's cores: each
/// value costs one scalar multiplication, and a file may hold thousands.
pub fn decrypt_many(private_keys: &str, values: &[&str]) -> Vec<Result<SecretString>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    // Below this, starting threads costs more than it saves.
    const PER_THREAD: usize = 32;
    let chunk = values.len().div_ceil(threads).max(PER_THREAD);
    if values.len() <= chunk {
        return values
            .iter()
            .map(|v| decrypt_value(private_keys, v))
            .collect();
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = values
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|v| decrypt_value(private_keys, v))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .zip(values.chunks(chunk))
            .flat_map(|(worker, part)| {
                // A worker that panicked: its values fail as malformed, not the process.
                worker.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|_| Err(failure(EncryptedFailure::Malformed)))
                        .collect()
                })
            })
            .collect()
    })
}

impl Error {
    /// The kind of an `encrypted:` failure, if this is one.
    pub fn encrypted_kind(&self) -> Option<EncryptedFailure> {
        match self {
            Error::Encrypted { kind } | Error::EncryptedAt { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

/// A document rewritten by [`encrypt_text`] or [`decrypt_text`].
#[derive(Debug, PartialEq, Eq)]
pub struct Rewritten {
    pub text: String,
    /// The names whose bindings changed, in the order of the document.
    pub changed: Vec<String>,
}

/// Names that never hold an encrypted value: the keys themselves, `_PLAIN` names.
pub fn stays_plain(name: &str) -> bool {
    name.ends_with(PLAIN_SUFFIX)
        || name.starts_with("DOTENV_PUBLIC_KEY")
        || name.starts_with("DOTENV_PRIVATE_KEY")
}

fn selected(name: &str, only: Option<&[String]>) -> bool {
    only.is_none_or(|names| names.iter().any(|n| n == name))
}

/// `original` (one statement's text) with its value replaced by `literal`:
/// the text up to and including `=` (leading blank lines, `export`, the key,
/// spaces) and the line ending are kept.
fn with_value(original: &str, key: &str, literal: &str) -> Option<String> {
    // Past blank lines and `export `, then the key (quoted or not): `key`
    // could also occur inside `export`, and a quoted key may hold `=`.
    let start = original.len() - original.trim_start().len();
    let mut at = start;
    if let Some(rest) = original[start..].strip_prefix("export") {
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if spaces > 0 && rest[spaces..].contains(key) {
            at = start + "export".len() + spaces;
        }
    }
    let key_at = at + original[at..].find(key)?;
    let eq = key_at + key.len() + original[key_at + key.len()..].find('=')?;
    let head = &original[..=eq];
    let spaces =
        original[eq + 1..].len() - original[eq + 1..].trim_start_matches([' ', '\t']).len();
    let ending = if original.ends_with("\r\n") {
        "\r\n"
    } else if original.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    Some(format!(
        "{head}{}{literal}{ending}",
        &original[eq + 1..eq + 1 + spaces]
    ))
}

/// A value as python-dotenv reads it back unchanged: single quotes, whose
/// only escapes are `\\` and `\'`, and no `${...}` expansion.
fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The byte-order mark `text` starts with, if any: the parser skips one.
fn bom(text: &str) -> &str {
    if text.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    }
}

/// Rewrite each statement that `change` returns a new literal for.
fn rewrite(
    text: &str,
    mut change: impl FnMut(&Binding<'_>, &str, &str) -> Result<Option<String>>,
) -> Result<Rewritten> {
    let mut out = String::with_capacity(text.len() * 2);
    out.push_str(bom(text));
    let mut changed = Vec::new();
    for binding in parse(text) {
        let original = &text[binding.original.clone()];
        let replaced = match (&binding.key, &binding.value) {
            (Some(key), Some(value)) if !binding.error => match change(&binding, key, value)? {
                Some(literal) => with_value(original, key, &literal),
                None => None,
            },
            _ => None,
        };
        match replaced {
            Some(new) => {
                out.push_str(&new);
                if let Some(key) = &binding.key {
                    changed.push(key.to_string());
                }
            }
            None => out.push_str(original),
        }
    }
    Ok(Rewritten { text: out, changed })
}

/// The lines put on top of a file encrypted for the first time.
fn header(public_name: &str, public_hex: &str, ending: &str) -> String {
    format!(
        "# {public_name}: values marked encrypted: below open only with its private key{ending}\
         # (`safekeys keypair` shows where that is). This file is safe to commit.{ending}\
         {public_name}=\"{public_hex}\"{ending}{ending}"
    )
}

/// Encrypt the plain values of `text` (those named in `only`, or all) for
/// `public_hex`, and make `public_name` hold that key: its binding's value
/// is replaced if it holds another, else a header is put on top. `_PLAIN`
/// names, the key names and values already encrypted are left alone.
pub fn encrypt_text(
    text: &str,
    public_name: &str,
    public_hex: &str,
    only: Option<&[String]>,
) -> Result<Rewritten> {
    public_key(public_hex)?;
    let mut has_public = false;
    let mut done = rewrite(text, |_, key, value| {
        if key == public_name {
            has_public = true;
            return Ok((value != public_hex).then(|| format!("\"{public_hex}\"")));
        }
        if stays_plain(key) || is_encrypted(value) || !selected(key, only) {
            return Ok(None);
        }
        encrypt_value(public_hex, value).map(|v| Some(format!("\"{v}\"")))
    })?;
    done.changed.retain(|name| name != public_name);
    if !has_public {
        let ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let bom = bom(text).len();
        let mut with_header = String::with_capacity(done.text.len() + 256);
        with_header.push_str(&done.text[..bom]);
        with_header.push_str(&header(public_name, public_hex, ending));
        with_header.push_str(&done.text[bom..]);
        done.text = with_header;
    }
    Ok(done)
}

/// Decrypt the encrypted values of `text` (those named in `only`, or all)
/// with `private_keys`, writing each back single-quoted. The first value
/// that does not decrypt stops the rewrite: nothing is half done. On
/// failure the error names the statement's line and key, never a value.
pub fn decrypt_text(text: &str, private_keys: &str, only: Option<&[String]>) -> Result<Rewritten> {
    rewrite(text, |binding, key, value| {
        if !is_encrypted(value) || !selected(key, only) {
            return Ok(None);
        }
        match decrypt_value(private_keys, value) {
            Ok(plain) => Ok(Some(single_quoted(plain.expose_secret()))),
            Err(err) => Err(Error::EncryptedAt {
                kind: err.encrypted_kind().unwrap_or(EncryptedFailure::Malformed),
                line: binding.line,
                key: key.to_string(),
            }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE: &str = "ec9e80073d7ace817d35acb8b7293cbf8e5981b4d2f5708ee5be405122993cd1";

    #[test]
    fn round_trip_and_key_checks() {
        let public = public_key_of(PRIVATE).unwrap();
        assert_eq!(public.len(), 66);
        let sealed = encrypt_value(&public, "s3cret value").unwrap();
        assert!(sealed.starts_with(PREFIX));
        let raw = STANDARD.decode(&sealed[PREFIX.len()..]).unwrap();
        assert_eq!(raw.len(), 65 + 16 + 16 + "s3cret value".len());
        assert_eq!(raw[0], 4, "the ephemeral key is uncompressed");
        assert_eq!(
            decrypt_value(PRIVATE, &sealed).unwrap().expose_secret(),
            "s3cret value"
        );
        let other = generate();
        let both = format!("{},{PRIVATE}", other.private.expose_secret());
        assert_eq!(
            decrypt_value(&both, &sealed).unwrap().expose_secret(),
            "s3cret value"
        );
        let wrong = decrypt_value(other.private.expose_secret(), &sealed).unwrap_err();
        assert_eq!(
            wrong.encrypted_kind(),
            Some(EncryptedFailure::WrongKeyOrTampered)
        );
        assert_eq!(
            decrypt_value("zz", &sealed).unwrap_err().encrypted_kind(),
            Some(EncryptedFailure::PrivateKey)
        );
    }

    #[test]
    fn many_values_decrypt_in_order() {
        let public = public_key_of(PRIVATE).unwrap();
        let texts: Vec<String> = (0..200).map(|i| format!("value-{i}")).collect();
        let mut sealed: Vec<String> = texts
            .iter()
            .map(|t| encrypt_value(&public, t).unwrap())
            .collect();
        sealed[7] = "encrypted:AAAA".to_string();
        let refs: Vec<&str> = sealed.iter().map(String::as_str).collect();
        let out = decrypt_many(PRIVATE, &refs);
        assert_eq!(out.len(), 200);
        for (i, got) in out.iter().enumerate() {
            match got {
                Ok(plain) => assert_eq!(plain.expose_secret(), texts[i]),
                Err(err) => {
                    assert_eq!(i, 7);
                    assert_eq!(err.encrypted_kind(), Some(EncryptedFailure::Malformed));
                }
            }
        }
    }

    #[test]
    fn tampering_and_garbage_are_errors_not_panics() {
        let public = public_key_of(PRIVATE).unwrap();
        let sealed = encrypt_value(&public, "value").unwrap();
        let mut raw = STANDARD.decode(&sealed[PREFIX.len()..]).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = format!("{PREFIX}{}", STANDARD.encode(&raw));
        assert_eq!(
            decrypt_value(PRIVATE, &tampered)
                .unwrap_err()
                .encrypted_kind(),
            Some(EncryptedFailure::WrongKeyOrTampered)
        );
        for garbage in ["encrypted:", "encrypted:!!!", "encrypted:AAAA", "plain"] {
            assert_eq!(
                decrypt_value(PRIVATE, garbage)
                    .unwrap_err()
                    .encrypted_kind(),
                Some(EncryptedFailure::Malformed),
                "{garbage}"
            );
        }
        let short = format!("{PREFIX}{}", STANDARD.encode([4u8; 100]));
        assert!(decrypt_value(PRIVATE, &short).is_err());
        assert!(public_key("02").is_err());
        assert!(encrypt_value("04", "x").is_err());
    }

    #[test]
    fn rewriting_keeps_every_other_byte() {
        let public = public_key_of(PRIVATE).unwrap();
        let text = "# top\r\nexport A = 'one'\r\nB_PLAIN=two # note\r\n\r\nC=\"multi\nline\"\r\nbare\r\nD=x";
        let done = encrypt_text(text, "DOTENV_PUBLIC_KEY", &public, None).unwrap();
        assert_eq!(done.changed, ["A", "C", "D"]);
        assert!(done.text.starts_with("# DOTENV_PUBLIC_KEY"));
        assert!(done.text.contains("\r\nexport A = \"encrypted:"));
        assert!(done
            .text
            .contains("\r\nB_PLAIN=two # note\r\n\r\nC=\"encrypted:"));
        assert!(done.text.contains("\r\nbare\r\nD=\"encrypted:"));
        // Encrypting again changes nothing.
        let again = encrypt_text(&done.text, "DOTENV_PUBLIC_KEY", &public, None).unwrap();
        assert_eq!(again.text, done.text);
        assert!(again.changed.is_empty());
        let back = decrypt_text(&done.text, PRIVATE, None).unwrap();
        assert!(back
            .text
            .contains("\r\nexport A = 'one'\r\nB_PLAIN=two # note\r\n\r\nC='multi\nline'"));
        assert!(back.text.ends_with("D='x'"));
        let only = encrypt_text("A=1\nB=2\n", "K", &public, Some(&["B".to_string()])).unwrap();
        let tricky = encrypt_text("export x=1\n'a=b'=2\n", "K", &public, None).unwrap();
        assert!(
            tricky.text.contains("\nexport x=\"encrypted:"),
            "{}",
            tricky.text
        );
        assert!(
            tricky.text.contains("\n'a=b'=\"encrypted:"),
            "{}",
            tricky.text
        );
        assert_eq!(only.changed, ["B"]);
    }

    #[test]
    fn a_failed_decrypt_names_the_line_and_key_only() {
        let other = generate();
        let text = format!(
            "A=1\nSECRET={}\n",
            encrypt_value(&other.public, "hunter22").unwrap()
        );
        let err = decrypt_text(&text, PRIVATE, None).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("line 2") && message.contains("SECRET"),
            "{message}"
        );
        assert!(!message.contains("hunter22"));
    }
}
