//! The masking engine (`Masker`) and the masking policy (`why_secret`).

use super::lock;
use crate::detect::classify;
use crate::mask::{self, Refusal, Stream};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;

/// Texts at least this long are scrubbed with the GIL released.
const DETACH_BYTES: usize = 64 * 1024;

/// The masking engine, and one scrubbing state per output stream.
#[pyclass(module = "safekeys._core", frozen)]
pub(super) struct Masker {
    pub(super) engine: Mutex<mask::Masker>,
    streams: Mutex<HashMap<String, Stream>>,
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
    fn new() -> PyResult<Self> {
        super::guard(|| {
            Ok({
                Masker {
                    engine: Mutex::new(mask::Masker::default()),
                    streams: Mutex::new(HashMap::new()),
                }
            })
        })
    }

    /// Register `value` under `name`: "added", "updated" or "too-short".
    fn add(&self, name: &str, value: &str, source: &str) -> PyResult<&'static str> {
        super::guard(|| Ok(status(lock(&self.engine).add(name, value, source))))
    }

    /// `add` for `(name, value, source)` triples; each costs what its own `add` does.
    fn add_many(&self, items: Vec<(String, String, String)>) -> PyResult<Vec<&'static str>> {
        super::guard(|| {
            Ok({
                lock(&self.engine)
                    .add_many(
                        items
                            .iter()
                            .map(|(n, v, s)| (n.as_str(), v.as_str(), s.as_str())),
                    )
                    .into_iter()
                    .map(status)
                    .collect()
            })
        })
    }

    fn remove_name(&self, name: &str) -> PyResult<usize> {
        super::guard(|| Ok(lock(&self.engine).remove_name(name)))
    }

    fn remove_value(&self, value: &str) -> PyResult<bool> {
        super::guard(|| Ok(lock(&self.engine).remove_value(value)))
    }

    fn clear(&self) -> PyResult<()> {
        super::guard(|| {
            lock(&self.engine).clear();
            Ok(())
        })
    }

    fn __len__(&self) -> PyResult<usize> {
        super::guard(|| Ok(lock(&self.engine).len()))
    }

    /// `(name, source, length, fingerprint)` of each secret, never a value.
    fn entries(&self) -> PyResult<Vec<(String, String, usize, String)>> {
        super::guard(|| {
            Ok({
                lock(&self.engine)
                    .infos()
                    .into_iter()
                    .map(|i| (i.name, i.source, i.length, i.fingerprint))
                    .collect()
            })
        })
    }

    /// `text` with every registered secret, in every form, masked.
    fn scrub<'py>(&self, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        super::guard(|| {
            let snapshot = lock(&self.engine).snapshot();
            let utf8 = text.encode_utf8()?;
            let input = utf8_of(&utf8)?;
            let scrubbed = if input.len() >= DETACH_BYTES {
                text.py().detach(|| snapshot.scrub(input))
            } else {
                snapshot.scrub(input)
            };
            Ok(unchanged_or_new(text, input, scrubbed))
        })
    }

    /// Add a chunk of the stream `name`; returns the masked text safe to send now.
    /// Keeps the GIL: releasing it while holding the streams lock could deadlock
    /// with a thread that holds the GIL and waits for that lock.
    fn feed<'py>(&self, name: &str, text: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyString>> {
        super::guard(|| {
            let snapshot = lock(&self.engine).snapshot();
            let utf8 = text.encode_utf8()?;
            let input = utf8_of(&utf8)?;
            let mut streams = lock(&self.streams);
            let released = streams
                .entry(name.to_string())
                .or_default()
                .feed(&snapshot, input);
            Ok(unchanged_or_new(text, input, released))
        })
    }

    /// Release what the stream `name` holds back, masked.
    fn flush(&self, name: &str) -> PyResult<String> {
        super::guard(|| {
            Ok({
                let snapshot = lock(&self.engine).snapshot();
                match lock(&self.streams).get_mut(name) {
                    Some(stream) => stream.flush(&snapshot),
                    None => String::new(),
                }
            })
        })
    }

    /// Names of the streams holding text back.
    fn pending(&self) -> PyResult<Vec<String>> {
        super::guard(|| {
            Ok({
                let mut names: Vec<String> = lock(&self.streams)
                    .iter()
                    .filter(|(_, s)| s.pending_len() > 0)
                    .map(|(n, _)| n.clone())
                    .collect();
                names.sort();
                names
            })
        })
    }
}

/// `(why, texts_to_mask)` when the value of `name` is a secret, else None:
/// the whole value, or the passwords of its URLs.
#[pyfunction]
fn why_secret(name: &str, value: &str) -> PyResult<Option<(String, Vec<String>)>> {
    super::guard(|| {
        Ok(classify::why_secret(name, value).map(|r| {
            let texts = r
                .secrets
                .into_iter()
                .map(|s| value[s].to_string())
                .collect();
            (r.why.to_string(), texts)
        }))
    })
}

/// `sha256:` and 8 hex digits: enough to tell values apart, nothing to recover.
#[pyfunction]
fn fingerprint(value: &str) -> PyResult<String> {
    super::guard(|| Ok(mask::fingerprint(value)))
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Masker>()?;
    m.add_function(wrap_pyfunction!(why_secret, m)?)?;
    m.add_function(wrap_pyfunction!(fingerprint, m)?)?;
    m.add("MIN_SECRET_CHARS", mask::MIN_SECRET_CHARS)?;
    Ok(())
}
