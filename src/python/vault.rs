//! The team store (`Vault`): OpenBao / Vault KV v2.

use crate::vault::{self, Vault};
use pyo3::prelude::*;
use pyo3::types::PyString;
use secrecy::{ExposeSecret, SecretString};
use std::path::PathBuf;

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
        super::guard(|| {
            let timeout = super::timeout_or(timeout, vault::DEFAULT_TIMEOUT)?;
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
        })
    }

    /// `scheme://host[:port][/prefix]`.
    #[getter]
    fn address(&self) -> PyResult<String> {
        super::guard(|| Ok(self.inner.address().to_string()))
    }

    #[getter]
    fn tls(&self) -> PyResult<bool> {
        super::guard(|| Ok(self.inner.address().tls()))
    }

    #[getter]
    fn namespace(&self) -> PyResult<Option<&str>> {
        super::guard(|| Ok(self.inner.namespace()))
    }

    /// `<mount>/<prefix>` where keys live.
    #[getter]
    fn path(&self) -> PyResult<String> {
        super::guard(|| Ok(self.inner.path()))
    }

    #[getter]
    fn timeout(&self) -> PyResult<f64> {
        super::guard(|| Ok(self.inner.timeout().as_secs_f64()))
    }

    /// The API path of `name`'s secret, e.g. `secret/data/safekeys/NAME`.
    fn secret_path(&self, name: &str) -> PyResult<String> {
        super::guard(|| Ok(self.inner.secret_path(name)?))
    }

    fn read<'py>(
        &self,
        py: Python<'py>,
        token: &str,
        name: &str,
    ) -> PyResult<Option<Bound<'py, PyString>>> {
        super::guard(|| {
            let token = SecretString::from(token.to_owned());
            let found = py.detach(|| self.inner.read(&token, name))?;
            Ok(found.map(|value| PyString::new(py, value.expose_secret())))
        })
    }

    /// Write a new version of `name`; returns its version number.
    fn write(&self, py: Python<'_>, token: &str, name: &str, value: &str) -> PyResult<u64> {
        super::guard(|| {
            let token = SecretString::from(token.to_owned());
            let value = SecretString::from(value.to_owned());
            Ok(py.detach(|| self.inner.write(&token, name, &value))?)
        })
    }

    fn lookup_self(&self, py: Python<'_>, token: &str) -> PyResult<TokenRow> {
        super::guard(|| {
            let token = SecretString::from(token.to_owned());
            let i = py.detach(|| self.inner.lookup_self(&token))?;
            Ok((
                i.ttl,
                i.renewable,
                i.policies,
                i.display_name,
                i.expire_time,
            ))
        })
    }

    /// `(ttl, renewable)` as granted.
    #[pyo3(signature = (token, increment=None))]
    fn renew_self(
        &self,
        py: Python<'_>,
        token: &str,
        increment: Option<u64>,
    ) -> PyResult<(u64, bool)> {
        super::guard(|| {
            let token = SecretString::from(token.to_owned());
            Ok(py.detach(|| self.inner.renew_self(&token, increment))?)
        })
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
        super::guard(|| {
            let secret_id = secret_id.map(|s| SecretString::from(s.to_owned()));
            let login =
                py.detach(|| self.inner.approle_login(mount, role_id, secret_id.as_ref()))?;
            let token = PyString::new(py, login.token.expose_secret());
            Ok((token, login.ttl, login.renewable, login.policies))
        })
    }

    /// `(initialized, sealed, standby, version)`.
    fn health(&self, py: Python<'_>) -> PyResult<(bool, bool, bool, String)> {
        super::guard(|| {
            let h = py.detach(|| self.inner.health())?;
            Ok((h.initialized, h.sealed, h.standby, h.version))
        })
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<VaultHandle>()?;
    m.add("VAULT_DEFAULT_PATH", vault::DEFAULT_PATH)?;
    Ok(())
}
