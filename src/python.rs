//! The pyo3 boundary: converts types and maps errors, nothing else.

use crate::dotenv::{self, find, rewrite, source, Dialect, Options};
use crate::error::Error;
use crate::mask::{self, classify, Refusal, Registry, Stream};
use crate::store::keyring::{self, Keyring, ListedValue};
use crate::vault::{self, Vault};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString, PyType};
use secrecy::{ExposeSecret, SecretString};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Texts at least this long are scrubbed with the GIL released.
const DETACH_BYTES: usize = 64 * 1024;

/// The one place core errors become Python exceptions.
impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        match err {
            Error::Io { path, source } => {
                let message = source.to_string();
                let strerror = message
                    .split(" (os error")
                    .next()
                    .unwrap_or(&message)
                    .to_string();
                match source.raw_os_error() {
                    // OSError(errno, ...) picks FileNotFoundError, PermissionError, ...
                    Some(errno) => PyOSError::new_err((errno, strerror, path.into_os_string())),
                    None => PyOSError::new_err(format!("{}: {strerror}", path.display())),
                }
            }
            Error::Decode {
                ref path,
                line,
                column,
                offset,
            } => {
                let message = err.to_string();
                Python::attach(|py| {
                    let made = py
                        .import("safekeys._errors")
                        .and_then(|m| m.getattr("DotenvDecodeError"))
                        .and_then(|cls| {
                            cls.call1((path.as_os_str(), message.as_str(), line, column, offset))
                        });
                    match made {
                        Ok(instance) => PyErr::from_value(instance),
                        Err(import_failed) => import_failed,
                    }
                })
            }
            Error::StartNotFound { .. } => PyOSError::new_err(err.to_string()),
            Error::Keyring { kind, message } => store_error("KeyringError", kind.code(), &message),
            Error::Vault { kind, message } => store_error("VaultError", kind.code(), &message),
        }
    }
}

/// An instance of one of `safekeys._errors`' key-store errors (``reason``, message).
fn store_error(class: &str, reason: &str, message: &str) -> PyErr {
    Python::attach(|py| {
        let made = py
            .import("safekeys._errors")
            .and_then(|m| m.getattr(class))
            .and_then(|cls| cls.call1((reason, message)));
        match made {
            Ok(instance) => PyErr::from_value(instance),
            Err(import_failed) => import_failed,
        }
    })
}

fn dialect(name: &str) -> PyResult<Dialect> {
    match name {
        "python-dotenv" => Ok(Dialect::PythonDotenv),
        "dotenvy" => Ok(Dialect::Dotenvy),
        other => Err(PyValueError::new_err(format!(
            "unknown dialect {other:?}: expected \"python-dotenv\" or \"dotenvy\""
        ))),
    }
}

/// Looks names up in a Python mapping (normally `os.environ`), at most once
/// each; the first Python error is kept for `finish`.
struct EnvironLookup<'a, 'py> {
    environ: &'a Bound<'py, PyAny>,
    cache: HashMap<String, Option<String>>,
    error: Option<PyErr>,
}

impl<'a, 'py> EnvironLookup<'a, 'py> {
    fn new(environ: &'a Bound<'py, PyAny>) -> Self {
        EnvironLookup {
            environ,
            cache: HashMap::new(),
            error: None,
        }
    }

    fn get(&mut self, name: &str) -> Option<String> {
        if let Some(hit) = self.cache.get(name) {
            return hit.clone();
        }
        let found = match self
            .environ
            .call_method1("get", (name,))
            .and_then(|v| v.extract::<Option<String>>())
        {
            Ok(found) => found,
            Err(e) => {
                self.error.get_or_insert(e);
                None
            }
        };
        self.cache.insert(name.to_string(), found.clone());
        found
    }

    fn finish(self) -> PyResult<()> {
        self.error.map_or(Ok(()), Err)
    }
}

/// Read `texts` as layers into a `collections.OrderedDict`, what python-dotenv
/// returns, filled directly: no plain dict, no copy.
fn read_layers<'py>(
    py: Python<'py>,
    texts: &[&str],
    options: Options,
    environ: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Vec<Vec<usize>>)> {
    static ORDERED_DICT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let dict = ORDERED_DICT
        .import(py, "_collections", "OrderedDict")?
        .call0()?;
    let mut lookup = EnvironLookup::new(environ);
    let mut put_error = None;
    let invalid = dotenv::read_into(
        texts,
        options,
        &mut |name| lookup.get(name),
        &mut |key, value| {
            if put_error.is_none() {
                if let Err(e) = dict.set_item(key, value) {
                    put_error = Some(e);
                }
            }
        },
    );
    lookup.finish()?;
    put_error.map_or(Ok(()), Err)?;
    Ok((dict, invalid))
}

/// Parse and expand `text`, looking names up in `environ`.
fn values_of<'py>(
    py: Python<'py>,
    text: &str,
    options: Options,
    environ: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Vec<usize>)> {
    let (dict, mut invalid) = read_layers(py, &[text], options, environ)?;
    Ok((dict, invalid.pop().unwrap_or_default()))
}

fn options(interpolate: bool, document_first: bool, dialect_name: &str) -> PyResult<Options> {
    Ok(Options {
        dialect: dialect(dialect_name)?,
        interpolate,
        document_first,
    })
}

/// Values of a `.env` text: `(dict, invalid_lines)`.
#[pyfunction]
#[pyo3(signature = (text, *, interpolate, document_first, dialect, environ))]
fn values_from_text<'py>(
    py: Python<'py>,
    text: &str,
    interpolate: bool,
    document_first: bool,
    dialect: &str,
    environ: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Vec<usize>)> {
    values_of(
        py,
        text,
        options(interpolate, document_first, dialect)?,
        environ,
    )
}

/// Values of several `.env` texts read as layers: `(dict, invalid_lines per text)`.
#[pyfunction]
#[pyo3(signature = (texts, *, interpolate, document_first, dialect, environ))]
fn values_from_layers<'py>(
    py: Python<'py>,
    texts: Vec<String>,
    interpolate: bool,
    document_first: bool,
    dialect: &str,
    environ: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Vec<Vec<usize>>)> {
    let options = options(interpolate, document_first, dialect)?;
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    read_layers(py, &texts, options, environ)
}

/// Values of a UTF-8 `.env` file, or `None` when it is not a file or FIFO.
#[pyfunction]
#[pyo3(signature = (path, *, interpolate, document_first, dialect, environ))]
fn values_from_file<'py>(
    py: Python<'py>,
    path: PathBuf,
    interpolate: bool,
    document_first: bool,
    dialect: &str,
    environ: &Bound<'py, PyAny>,
) -> PyResult<Option<(Bound<'py, PyAny>, Vec<usize>)>> {
    let options = options(interpolate, document_first, dialect)?;
    match py.detach(|| source::read_if_exists(&path))? {
        Some(text) => values_of(py, &text, options, environ).map(Some),
        None => Ok(None),
    }
}

/// A UTF-8 file's text with universal newlines, as Python's `open()` reads it.
#[pyfunction]
fn read_text(py: Python<'_>, path: PathBuf) -> PyResult<String> {
    Ok(py.detach(|| source::read(&path))?)
}

#[pyfunction]
fn is_file_or_fifo(path: PathBuf) -> bool {
    source::is_file_or_fifo(&path)
}

/// `(new_text, found, invalid_lines)` after replacing or appending `key`.
#[pyfunction]
fn set_key_in_text(text: &str, key: &str, line: &str) -> (String, bool, Vec<usize>) {
    let r = rewrite::set_key(text, key, line);
    (r.text, r.found, r.invalid_lines)
}

/// `(new_text, found, invalid_lines)` after removing `key`.
#[pyfunction]
fn unset_key_in_text(text: &str, key: &str) -> (String, bool, Vec<usize>) {
    let r = rewrite::unset_key(text, key);
    (r.text, r.found, r.invalid_lines)
}

/// Permission bits to keep when replacing `path` (None unless a regular file).
#[pyfunction]
fn preserved_mode(path: PathBuf) -> Option<u32> {
    rewrite::preserved_mode(&path)
}

/// Replace `path` with `data` atomically (temp file in the same directory, rename).
#[pyfunction]
#[pyo3(signature = (path, data, mode=None))]
fn write_atomic(
    py: Python<'_>,
    path: PathBuf,
    data: &Bound<'_, PyBytes>,
    mode: Option<u32>,
) -> PyResult<()> {
    let bytes = data.as_bytes();
    Ok(py.detach(|| rewrite::write_atomic(&path, bytes, mode))?)
}

/// The first `dir/filename` that exists from `start` up to the root.
#[pyfunction]
fn find_upwards(start: PathBuf, filename: PathBuf) -> PyResult<Option<std::ffi::OsString>> {
    Ok(find::find_upwards(&start, &filename)?.map(PathBuf::into_os_string))
}

/// The secrets registry, its matcher, and one scrubbing state per output stream.
#[pyclass(module = "safekeys._core", frozen)]
struct Masker {
    registry: Mutex<Registry>,
    streams: Mutex<HashMap<String, Stream>>,
}

/// A poisoned lock only means another thread panicked mid-update; the
/// data is still usable, and refusing to mask would be worse.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The text of a `str` encoded by `encode_utf8`, borrowed from the bytes: with
/// the 3.9 stable ABI `&str` extraction would copy a large output twice more.
fn utf8_of<'a>(bytes: &'a Bound<'_, PyBytes>) -> PyResult<&'a str> {
    std::str::from_utf8(bytes.as_bytes()).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `text` itself when `result` is all of it, unchanged: a large output
/// crosses the boundary without a copy.
fn unchanged_or_new<'py>(
    text: &Bound<'py, PyString>,
    input: &str,
    result: Cow<'_, str>,
) -> Bound<'py, PyString> {
    match result {
        Cow::Borrowed(b) if b.len() == input.len() => text.clone(),
        other => PyString::new(text.py(), &other),
    }
}

fn status(added: Result<bool, Refusal>) -> &'static str {
    match added {
        Ok(true) => "added",
        Ok(false) => "updated",
        Err(Refusal::TooShort) => "too-short",
    }
}

#[pymethods]
impl Masker {
    #[new]
    fn new() -> Self {
        Masker {
            registry: Mutex::new(Registry::default()),
            streams: Mutex::new(HashMap::new()),
        }
    }

    /// Register `value` under `name`: "added", "updated" or "too-short".
    fn add(&self, name: &str, value: &str, source: &str) -> &'static str {
        status(lock(&self.registry).add(name, value, source))
    }

    /// `add` for `(name, value, source)` triples, rebuilding the matcher once.
    fn add_many(&self, items: Vec<(String, String, String)>) -> Vec<&'static str> {
        lock(&self.registry)
            .add_many(
                items
                    .iter()
                    .map(|(n, v, s)| (n.as_str(), v.as_str(), s.as_str())),
            )
            .into_iter()
            .map(status)
            .collect()
    }

    fn remove_name(&self, name: &str) -> usize {
        lock(&self.registry).remove_name(name)
    }

    fn remove_value(&self, value: &str) -> bool {
        lock(&self.registry).remove_value(value)
    }

    fn clear(&self) {
        lock(&self.registry).clear();
    }

    fn __len__(&self) -> usize {
        lock(&self.registry).len()
    }

    /// `(name, source, length, fingerprint)` of each secret, never a value.
    fn entries(&self) -> Vec<(String, String, usize, String)> {
        lock(&self.registry)
            .infos()
            .into_iter()
            .map(|i| (i.name, i.source, i.length, i.fingerprint))
            .collect()
    }

    /// `text` with every registered secret, in every form, masked.
    fn scrub<'py>(&self, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        let masker = lock(&self.registry).masker();
        let utf8 = text.encode_utf8()?;
        let input = utf8_of(&utf8)?;
        let scrubbed = if input.len() >= DETACH_BYTES {
            text.py().detach(|| masker.scrub(input))
        } else {
            masker.scrub(input)
        };
        Ok(unchanged_or_new(text, input, scrubbed))
    }

    /// Whether `text` holds a registered secret in any form.
    fn contains_secret(&self, text: &str) -> bool {
        !lock(&self.registry).masker().find(text).is_empty()
    }

    /// Add a chunk of the stream `name`; returns the masked text safe to send now.
    /// Keeps the GIL: releasing it while holding the streams lock could deadlock
    /// with a thread that holds the GIL and waits for that lock.
    fn feed<'py>(&self, name: &str, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        let masker = lock(&self.registry).masker();
        let utf8 = text.encode_utf8()?;
        let input = utf8_of(&utf8)?;
        let mut streams = lock(&self.streams);
        let released = streams
            .entry(name.to_string())
            .or_default()
            .feed(&masker, input);
        Ok(unchanged_or_new(text, input, released))
    }

    /// Release what the stream `name` holds back, masked.
    fn flush(&self, name: &str) -> String {
        let masker = lock(&self.registry).masker();
        match lock(&self.streams).get_mut(name) {
            Some(stream) => stream.flush(&masker),
            None => String::new(),
        }
    }

    /// Names of the streams holding text back.
    fn pending(&self) -> Vec<String> {
        let mut names: Vec<String> = lock(&self.streams)
            .iter()
            .filter(|(_, s)| s.pending_len() > 0)
            .map(|(n, _)| n.clone())
            .collect();
        names.sort();
        names
    }
}

/// The OS keyring: every call releases the GIL and takes at most `timeout` seconds.
#[pyclass(module = "safekeys._core", name = "Keyring", frozen)]
struct KeyringHandle {
    inner: Keyring,
}

/// `(name, items, length, fingerprint, state)` of one key `list` found.
type ListedRow = (String, usize, Option<usize>, Option<String>, &'static str);

#[pymethods]
impl KeyringHandle {
    #[new]
    #[pyo3(signature = (timeout=None))]
    fn new(timeout: Option<f64>) -> PyResult<Self> {
        let timeout = match timeout {
            None => keyring::DEFAULT_TIMEOUT,
            Some(seconds) => Duration::try_from_secs_f64(seconds)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    PyValueError::new_err("timeout must be a positive number of seconds")
                })?,
        };
        Ok(KeyringHandle {
            inner: Keyring::new(timeout),
        })
    }

    /// Seconds one operation may take.
    #[getter]
    fn timeout(&self) -> f64 {
        self.inner.timeout().as_secs_f64()
    }

    /// What this platform's keyring is called.
    #[staticmethod]
    fn backend() -> &'static str {
        Keyring::backend_name()
    }

    /// Close the connection; the next call opens a new one.
    fn reset(&self) {
        self.inner.reset();
    }

    fn get<'py>(
        &self,
        py: Python<'py>,
        service: &str,
        name: &str,
    ) -> PyResult<Option<Bound<'py, PyString>>> {
        let found = py.detach(|| self.inner.get(service, name))?;
        Ok(found.map(|value| PyString::new(py, value.expose_secret())))
    }

    fn set(&self, py: Python<'_>, service: &str, name: &str, value: &str) -> PyResult<()> {
        let value = SecretString::from(value.to_owned());
        Ok(py.detach(|| self.inner.set(service, name, value))?)
    }

    /// How many items were deleted (0: there was none).
    fn delete(&self, py: Python<'_>, service: &str, name: &str) -> PyResult<usize> {
        Ok(py.detach(|| self.inner.delete(service, name))?)
    }

    /// `(name, items, length, fingerprint, state)` per key, sorted by name;
    /// `state` is "text", "differing" (duplicates disagree) or "not-text".
    fn list(&self, py: Python<'_>, service: &str) -> PyResult<Vec<ListedRow>> {
        let listed = py.detach(|| self.inner.list(service))?;
        Ok(listed
            .into_iter()
            .map(|l| match l.state {
                ListedValue::Text {
                    length,
                    fingerprint,
                } => (l.name, l.items, Some(length), Some(fingerprint), "text"),
                ListedValue::Differing => (l.name, l.items, None, None, "differing"),
                ListedValue::NotText => (l.name, l.items, None, None, "not-text"),
            })
            .collect())
    }
}

// ---- The team store (OpenBao / Vault) -------------------------------------------

/// A Vault / OpenBao client: every call releases the GIL and is bounded by `timeout`.
#[pyclass(module = "safekeys._core", name = "Vault", frozen)]
struct VaultHandle {
    inner: Vault,
}

/// `(ttl, renewable, policies, display_name, expire_time)` of a token.
type TokenRow = (u64, bool, Vec<String>, String, Option<String>);

#[pymethods]
impl VaultHandle {
    #[new]
    #[pyo3(signature = (address=None, *, namespace=None, path=None, ca_cert=None, timeout=None))]
    fn new(
        address: Option<String>,
        namespace: Option<String>,
        path: Option<String>,
        ca_cert: Option<PathBuf>,
        timeout: Option<f64>,
    ) -> PyResult<Self> {
        let timeout = match timeout {
            None => vault::DEFAULT_TIMEOUT,
            Some(seconds) => Duration::try_from_secs_f64(seconds)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    PyValueError::new_err("timeout must be a positive number of seconds")
                })?,
        };
        let config = vault::Config {
            address: address.unwrap_or_else(|| vault::DEFAULT_ADDRESS.to_string()),
            namespace,
            path,
            ca_cert,
            timeout,
        };
        Ok(VaultHandle {
            inner: Vault::new(&config)?,
        })
    }

    /// `scheme://host[:port][/prefix]`.
    #[getter]
    fn address(&self) -> String {
        self.inner.address().to_string()
    }

    #[getter]
    fn tls(&self) -> bool {
        self.inner.address().tls()
    }

    #[getter]
    fn namespace(&self) -> Option<&str> {
        self.inner.namespace()
    }

    /// `<mount>/<prefix>` where keys live.
    #[getter]
    fn path(&self) -> String {
        self.inner.path()
    }

    #[getter]
    fn timeout(&self) -> f64 {
        self.inner.timeout().as_secs_f64()
    }

    /// The API path of `name`'s secret, e.g. `secret/data/safekeys/NAME`.
    fn secret_path(&self, name: &str) -> PyResult<String> {
        Ok(self.inner.secret_path(name)?)
    }

    fn read<'py>(
        &self,
        py: Python<'py>,
        token: &str,
        name: &str,
    ) -> PyResult<Option<Bound<'py, PyString>>> {
        let token = SecretString::from(token.to_owned());
        let found = py.detach(|| self.inner.read(&token, name))?;
        Ok(found.map(|value| PyString::new(py, value.expose_secret())))
    }

    /// Write a new version of `name`; returns its version number.
    fn write(&self, py: Python<'_>, token: &str, name: &str, value: &str) -> PyResult<u64> {
        let token = SecretString::from(token.to_owned());
        let value = SecretString::from(value.to_owned());
        Ok(py.detach(|| self.inner.write(&token, name, &value))?)
    }

    fn lookup_self(&self, py: Python<'_>, token: &str) -> PyResult<TokenRow> {
        let token = SecretString::from(token.to_owned());
        let i = py.detach(|| self.inner.lookup_self(&token))?;
        Ok((
            i.ttl,
            i.renewable,
            i.policies,
            i.display_name,
            i.expire_time,
        ))
    }

    /// `(ttl, renewable)` as granted.
    #[pyo3(signature = (token, increment=None))]
    fn renew_self(
        &self,
        py: Python<'_>,
        token: &str,
        increment: Option<u64>,
    ) -> PyResult<(u64, bool)> {
        let token = SecretString::from(token.to_owned());
        Ok(py.detach(|| self.inner.renew_self(&token, increment))?)
    }

    /// `(token, ttl, renewable, policies)`.
    #[pyo3(signature = (role_id, secret_id=None, mount="approle"))]
    fn approle_login<'py>(
        &self,
        py: Python<'py>,
        role_id: &str,
        secret_id: Option<&str>,
        mount: &str,
    ) -> PyResult<(Bound<'py, PyString>, u64, bool, Vec<String>)> {
        let secret_id = secret_id.map(|s| SecretString::from(s.to_owned()));
        let login = py.detach(|| self.inner.approle_login(mount, role_id, secret_id.as_ref()))?;
        let token = PyString::new(py, login.token.expose_secret());
        Ok((token, login.ttl, login.renewable, login.policies))
    }

    /// `(initialized, sealed, standby, version)`.
    fn health(&self, py: Python<'_>) -> PyResult<(bool, bool, bool, String)> {
        let h = py.detach(|| self.inner.health())?;
        Ok((h.initialized, h.sealed, h.standby, h.version))
    }
}

/// Whether a variable called `name` probably holds a secret.
#[pyfunction]
fn secret_name(name: &str) -> bool {
    classify::secret_name(name)
}

/// The kind of well-known credential `value` is, if any.
#[pyfunction]
fn known_shape(value: &str) -> Option<&'static str> {
    classify::known_shape(value)
}

/// The password inside a URL's user-info, if any.
#[pyfunction]
fn url_password(value: &str) -> Option<String> {
    classify::url_password(value).map(|r| value[r].to_string())
}

/// `sha256:` and 8 hex digits: enough to tell values apart, nothing to recover.
#[pyfunction]
fn fingerprint(value: &str) -> String {
    mask::fingerprint(value)
}

// -- scanning for leaked keys ----------------------------------------------------

/// `(cell, part, output, output_type, mime, field)` of a notebook finding.
type PlaceRow = (
    Option<usize>,
    &'static str,
    Option<usize>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// `(path, line, column, file_line, kind, name, snippet, fixable, fixed, place)`.
type FindingRow = (
    std::ffi::OsString,
    usize,
    usize,
    usize,
    &'static str,
    Option<String>,
    String,
    bool,
    bool,
    Option<PlaceRow>,
);

type NoteRow = (std::ffi::OsString, &'static str, String);

/// `(kind, name, line, column, end_line, end_column)`.
type SourceHitRow = (&'static str, Option<String>, usize, usize, usize, usize);

/// The secrets `masker` holds, copied out so its lock is not held while scanning.
fn registered_secrets(masker: Option<&Masker>) -> Vec<crate::scan::Known> {
    masker.map_or_else(Vec::new, |m| {
        lock(&m.registry)
            .secrets()
            .map(|(n, v, s)| {
                (
                    n.to_string(),
                    zeroize::Zeroizing::new(v.to_string()),
                    s.to_string(),
                )
            })
            .collect()
    })
}

/// Scan files and directories: `(findings, notes, (files, bytes, fixed, known))`.
#[pyfunction]
#[pyo3(signature = (paths, *, known, registered=None, max_size, fix, dotenv, env_files, cwd=None, threads=0))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn scan_paths(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    known: Vec<(String, String, String)>,
    registered: Option<PyRef<'_, Masker>>,
    max_size: u64,
    fix: bool,
    dotenv: bool,
    env_files: Vec<PathBuf>,
    cwd: Option<PathBuf>,
    threads: usize,
) -> PyResult<(Vec<FindingRow>, Vec<NoteRow>, (usize, u64, usize, usize))> {
    let mut secrets = registered_secrets(registered.as_deref());
    secrets.extend(
        known
            .into_iter()
            .map(|(n, v, s)| (n, zeroize::Zeroizing::new(v), s)),
    );
    let options = crate::scan::Options {
        max_size,
        fix,
        dotenv,
        env_files,
        cwd,
        threads,
    };
    let report = py.detach(|| crate::scan::scan(&paths, &secrets, None, &options))?;
    let findings = report
        .findings
        .into_iter()
        .map(|f| {
            let place = f
                .notebook
                .map(|p| (p.cell, p.part, p.output, p.output_type, p.mime, p.field));
            (
                f.path.into_os_string(),
                f.line,
                f.column,
                f.file_line,
                f.kind,
                f.name,
                f.snippet,
                f.fixable,
                f.fixed,
                place,
            )
        })
        .collect();
    let notes = report
        .notes
        .into_iter()
        .map(|n| (n.path.into_os_string(), n.kind, n.message))
        .collect();
    let stats = (
        report.files_scanned,
        report.bytes_scanned,
        report.files_fixed,
        report.known_secrets,
    );
    Ok((findings, notes, stats))
}

/// Secrets in source code: `(kind, name, line, column, end_line, end_column)`.
#[pyfunction]
#[pyo3(signature = (text, masker=None))]
fn find_in_source(text: &str, masker: Option<PyRef<'_, Masker>>) -> Vec<SourceHitRow> {
    let engine = match masker {
        Some(m) => lock(&m.registry).masker(),
        None => std::sync::Arc::new(mask::Masker::default()),
    };
    crate::scan::find_in_source(text, &engine)
        .into_iter()
        .map(|h| (h.kind, h.name, h.line, h.column, h.end_line, h.end_column))
        .collect()
}

// -- end of scanning ---------------------------------------------------------------

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(values_from_text, m)?)?;
    m.add_function(wrap_pyfunction!(values_from_file, m)?)?;
    m.add_function(wrap_pyfunction!(values_from_layers, m)?)?;
    m.add_function(wrap_pyfunction!(read_text, m)?)?;
    m.add_function(wrap_pyfunction!(is_file_or_fifo, m)?)?;
    m.add_function(wrap_pyfunction!(set_key_in_text, m)?)?;
    m.add_function(wrap_pyfunction!(unset_key_in_text, m)?)?;
    m.add_function(wrap_pyfunction!(preserved_mode, m)?)?;
    m.add_function(wrap_pyfunction!(write_atomic, m)?)?;
    m.add_function(wrap_pyfunction!(find_upwards, m)?)?;
    m.add_class::<Masker>()?;
    m.add_class::<KeyringHandle>()?;
    m.add_class::<VaultHandle>()?;
    m.add("VAULT_DEFAULT_PATH", vault::DEFAULT_PATH)?;
    m.add("VAULT_DEFAULT_ADDRESS", vault::DEFAULT_ADDRESS)?;
    m.add(
        "VAULT_DEFAULT_TIMEOUT",
        vault::DEFAULT_TIMEOUT.as_secs_f64(),
    )?;
    m.add_function(wrap_pyfunction!(secret_name, m)?)?;
    m.add_function(wrap_pyfunction!(known_shape, m)?)?;
    m.add_function(wrap_pyfunction!(url_password, m)?)?;
    m.add_function(wrap_pyfunction!(fingerprint, m)?)?;
    m.add_function(wrap_pyfunction!(scan_paths, m)?)?;
    m.add_function(wrap_pyfunction!(find_in_source, m)?)?;
    m.add("MIN_SECRET_CHARS", mask::MIN_SECRET_CHARS)?;
    Ok(())
}
