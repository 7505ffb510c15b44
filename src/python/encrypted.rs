//! dotenvx's encrypted values: key pairs, single values, whole documents.

use crate::encrypted;
use pyo3::prelude::*;
use secrecy::ExposeSecret;

/// A new key pair: `(public, private)`, hex.
#[pyfunction]
fn dotenvx_keypair() -> PyResult<(String, String)> {
    super::guard(|| {
        let pair = encrypted::generate();
        Ok((pair.public, pair.private.expose_secret().to_string()))
    })
}

/// The public key of a private key.
#[pyfunction]
fn dotenvx_public_key(private_key: &str) -> PyResult<String> {
    super::guard(|| Ok(encrypted::public_key_of(private_key)?))
}

/// `plaintext` encrypted for `public_key`, as `encrypted:BASE64`.
#[pyfunction]
fn dotenvx_encrypt(public_key: &str, plaintext: &str) -> PyResult<String> {
    super::guard(|| Ok(encrypted::encrypt_value(public_key, plaintext)?))
}

/// `value` decrypted with the first of `private_keys` (comma-separated) that opens it.
#[pyfunction]
fn dotenvx_decrypt(private_keys: &str, value: &str) -> PyResult<String> {
    super::guard(|| {
        Ok(encrypted::decrypt_value(private_keys, value)?
            .expose_secret()
            .to_string())
    })
}

/// One value's outcome: `(plaintext, None)` or `(None, (reason, message))`.
type Decrypted = (Option<String>, Option<(&'static str, String)>);

/// Each of `values` decrypted: `(plaintext, None)` or `(None, (reason, message))`.
/// Failures are per value, not raised: one bad value must not hide the others.
#[pyfunction]
fn dotenvx_decrypt_many(
    py: Python<'_>,
    private_keys: &str,
    values: Vec<String>,
) -> PyResult<Vec<Decrypted>> {
    super::guard(|| {
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        let done = py.detach(|| encrypted::decrypt_many(private_keys, &refs));
        Ok(done
            .into_iter()
            .map(|result| match result {
                Ok(plain) => (Some(plain.expose_secret().to_string()), None),
                Err(err) => {
                    let reason = err.encrypted_kind().map_or("malformed", |k| k.code());
                    (None, Some((reason, err.to_string())))
                }
            })
            .collect())
    })
}

/// `text` with its plain values encrypted: `(text, changed names)`.
#[pyfunction]
#[pyo3(signature = (text, public_name, public_key, only=None))]
fn dotenvx_encrypt_text(
    py: Python<'_>,
    text: &str,
    public_name: &str,
    public_key: &str,
    only: Option<Vec<String>>,
) -> PyResult<(String, Vec<String>)> {
    super::guard(|| {
        let done =
            py.detach(|| encrypted::encrypt_text(text, public_name, public_key, only.as_deref()))?;
        Ok((done.text, done.changed))
    })
}

/// `text` with its encrypted values decrypted: `(text, changed names)`.
#[pyfunction]
#[pyo3(signature = (text, private_keys, only=None))]
fn dotenvx_decrypt_text(
    py: Python<'_>,
    text: &str,
    private_keys: &str,
    only: Option<Vec<String>>,
) -> PyResult<(String, Vec<String>)> {
    super::guard(|| {
        let done = py.detach(|| encrypted::decrypt_text(text, private_keys, only.as_deref()))?;
        Ok((done.text, done.changed))
    })
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(dotenvx_keypair, m)?)?;
    m.add_function(wrap_pyfunction!(dotenvx_public_key, m)?)?;
    m.add_function(wrap_pyfunction!(dotenvx_encrypt, m)?)?;
    m.add_function(wrap_pyfunction!(dotenvx_decrypt, m)?)?;
    m.add_function(wrap_pyfunction!(dotenvx_decrypt_many, m)?)?;
    m.add_function(wrap_pyfunction!(dotenvx_encrypt_text, m)?)?;
    m.add_function(wrap_pyfunction!(dotenvx_decrypt_text, m)?)?;
    Ok(())
}
