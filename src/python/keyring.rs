//! The OS keyring (`Keyring`).

use crate::keyring::{self, Keyring, ListedValue};
use pyo3::prelude::*;
use pyo3::types::PyString;
use secrecy::{ExposeSecret, SecretString};

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
        super::guard(|| {
            let timeout = super::timeout_or(timeout, keyring::DEFAULT_TIMEOUT)?;
            Ok(KeyringHandle {
                inner: Keyring::new(timeout),
            })
        })
    }

    /// Seconds one operation may take.
    #[getter]
    fn timeout(&self) -> PyResult<f64> {
        super::guard(|| Ok(self.inner.timeout().as_secs_f64()))
    }

    /// What this platform's keyring is called.
    #[staticmethod]
    fn backend() -> PyResult<&'static str> {
        super::guard(|| Ok(Keyring::backend_name()))
    }

    /// Close the connection; the next call opens a new one.
    fn reset(&self) -> PyResult<()> {
        super::guard(|| {
            self.inner.reset();
            Ok(())
        })
    }

    fn get<'py>(
        &self,
        py: Python<'py>,
        service: &str,
        name: &str,
    ) -> PyResult<Option<Bound<'py, PyString>>> {
        super::guard(|| {
            let found = py.detach(|| self.inner.get(service, name))?;
            Ok(found.map(|value| PyString::new(py, value.expose_secret())))
        })
    }

    fn set(&self, py: Python<'_>, service: &str, name: &str, value: &str) -> PyResult<()> {
        super::guard(|| {
            let value = SecretString::from(value.to_owned());
            Ok(py.detach(|| self.inner.set(service, name, value))?)
        })
    }

    /// How many items were deleted (0: there was none).
    fn delete(&self, py: Python<'_>, service: &str, name: &str) -> PyResult<usize> {
        super::guard(|| Ok(py.detach(|| self.inner.delete(service, name))?))
    }

    /// `(name, items, length, fingerprint, state)` per key, sorted by name;
    /// `state` is "text", "differing" (duplicates disagree) or "not-text".
    fn list(&self, py: Python<'_>, service: &str) -> PyResult<Vec<ListedRow>> {
        super::guard(|| {
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
        })
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<KeyringHandle>()?;
    Ok(())
}
