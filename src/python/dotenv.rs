//! `.env` reading and rewriting: values, files, set/unset, atomic writes.

use crate::dotenv::{self, find, rewrite, source, Dialect, Options};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyType};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
    path: Option<&Path>,
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
    let invalid = invalid.map_err(|e| match path {
        Some(path) => e.with_path(path),
        None => e,
    })?;
    Ok((dict, invalid))
}

/// Parse and expand `text`, looking names up in `environ`.
fn values_of<'py>(
    py: Python<'py>,
    text: &str,
    path: Option<&Path>,
    options: Options,
    environ: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyAny>, Vec<usize>)> {
    let (dict, mut invalid) = read_layers(py, &[text], path, options, environ)?;
    Ok((dict, invalid.pop().unwrap_or_default()))
}

fn options(interpolate: bool, document_first: bool, dialect_name: &str) -> PyResult<Options> {
    Ok(Options {
        dialect: dialect(dialect_name)?,
        interpolate,
        document_first,
        max_value_size: dotenv::max_value_size(),
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
    super::guard(|| {
        values_of(
            py,
            text,
            None,
            options(interpolate, document_first, dialect)?,
            environ,
        )
    })
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
    super::guard(|| {
        let options = options(interpolate, document_first, dialect)?;
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        read_layers(py, &texts, None, options, environ)
    })
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
    super::guard(|| {
        let options = options(interpolate, document_first, dialect)?;
        match py.detach(|| source::read_if_exists(&path))? {
            Some(text) => values_of(py, &text, Some(&path), options, environ).map(Some),
            None => Ok(None),
        }
    })
}

/// A UTF-8 file's text with universal newlines, as Python's `open()` reads it.
#[pyfunction]
fn read_text(py: Python<'_>, path: PathBuf) -> PyResult<String> {
    super::guard(|| Ok(py.detach(|| source::read(&path))?))
}

#[pyfunction]
fn is_file_or_fifo(path: PathBuf) -> PyResult<bool> {
    super::guard(|| Ok(source::is_file_or_fifo(&path)))
}

/// `(new_text, found, invalid_lines)` after replacing or appending `key`.
#[pyfunction]
fn set_key_in_text(text: &str, key: &str, line: &str) -> PyResult<(String, bool, Vec<usize>)> {
    super::guard(|| {
        Ok({
            let r = rewrite::set_key(text, key, line);
            (r.text, r.found, r.invalid_lines)
        })
    })
}

/// `(new_text, found, invalid_lines)` after removing `key`.
#[pyfunction]
fn unset_key_in_text(text: &str, key: &str) -> PyResult<(String, bool, Vec<usize>)> {
    super::guard(|| {
        Ok({
            let r = rewrite::unset_key(text, key);
            (r.text, r.found, r.invalid_lines)
        })
    })
}

/// Permission bits to keep when replacing `path` (None unless a regular file).
#[pyfunction]
fn preserved_mode(path: PathBuf) -> PyResult<Option<u32>> {
    super::guard(|| Ok(rewrite::preserved_mode(&path)))
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
    super::guard(|| {
        let bytes = data.as_bytes();
        Ok(py.detach(|| rewrite::write_atomic(&path, bytes, mode))?)
    })
}

/// The first `dir/filename` that exists from `start` up to the root.
#[pyfunction]
fn find_upwards(start: PathBuf, filename: PathBuf) -> PyResult<Option<std::ffi::OsString>> {
    super::guard(|| Ok(find::find_upwards(&start, &filename)?.map(PathBuf::into_os_string)))
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
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
    m.add("TEMP_MARK", crate::dotenv::rewrite::TEMP_MARK)?;
    Ok(())
}
