//! Scanning files, notebooks and cell sources for leaked keys.

use super::lock;
use super::mask::Masker;
use crate::detect::kinds;
use crate::mask;
use crate::scan::rules;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

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

/// Compiled rules of a gitleaks configuration.
#[pyclass(module = "safekeys._core", frozen)]
pub(super) struct Rules {
    rules: Arc<rules::Rules>,
}

#[pymethods]
impl Rules {
    fn __len__(&self) -> usize {
        self.rules.len()
    }
}

/// `(regexes, paths, stopwords, target, and)` of one allowlist.
type AllowRow = (Vec<String>, Vec<String>, Vec<String>, String, bool);

/// `(id, regex, secret_group, keywords, entropy, path, allowlists)` of one rule.
type RuleRow = (
    String,
    Option<String>,
    usize,
    Vec<String>,
    Option<f64>,
    Option<String>,
    Vec<AllowRow>,
);

fn allow_spec((regexes, paths, stopwords, target, and): AllowRow) -> rules::AllowSpec {
    rules::AllowSpec {
        regexes,
        paths,
        stopwords,
        target,
        and,
    }
}

/// Compile rules and global allowlists: `(rules, [(id, why skipped)])`.
#[pyfunction]
fn compile_rules(
    py: Python<'_>,
    rules: Vec<RuleRow>,
    allowlists: Vec<AllowRow>,
) -> PyResult<(Rules, Vec<(String, String)>)> {
    super::guard(|| {
        let specs: Vec<rules::RuleSpec> = rules
            .into_iter()
            .map(
                |(id, regex, secret_group, keywords, entropy, path, allow)| rules::RuleSpec {
                    id,
                    regex,
                    secret_group,
                    keywords,
                    entropy,
                    path,
                    allowlists: allow.into_iter().map(allow_spec).collect(),
                },
            )
            .collect();
        let global: Vec<rules::AllowSpec> = allowlists.into_iter().map(allow_spec).collect();
        let (compiled, skipped) = py.detach(|| rules::Rules::compile(&specs, &global));
        Ok((
            Rules {
                rules: Arc::new(compiled),
            },
            skipped,
        ))
    })
}

/// The secrets `masker` holds, copied out so its lock is not held while scanning.
fn registered_secrets(masker: Option<&Masker>) -> Vec<crate::scan::Known> {
    masker.map_or_else(Vec::new, |m| {
        lock(&m.engine)
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
#[pyo3(signature = (paths, *, known, registered=None, max_size, fix, dotenv, env_files, cwd=None, threads=0, rules=None, rules_root=None))]
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
    rules: Option<PyRef<'_, Rules>>,
    rules_root: Option<PathBuf>,
) -> PyResult<(Vec<FindingRow>, Vec<NoteRow>, (usize, u64, usize, usize))> {
    super::guard(|| {
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
            rules: rules.map(|r| Arc::clone(&r.rules)),
            rules_root,
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
    })
}

/// Secrets in source code: `(kind, name, line, column, end_line, end_column)`.
#[pyfunction]
#[pyo3(signature = (text, masker=None, rules=None))]
fn find_in_source(
    text: &str,
    masker: Option<PyRef<'_, Masker>>,
    rules: Option<PyRef<'_, Rules>>,
) -> PyResult<Vec<SourceHitRow>> {
    super::guard(|| {
        Ok({
            let snapshot = match masker {
                Some(m) => lock(&m.engine).snapshot(),
                None => std::sync::Arc::new(mask::Snapshot::default()),
            };
            crate::scan::find_in_source(text, &snapshot, rules.as_deref().map(|r| &*r.rules))
                .into_iter()
                .map(|h| (h.kind, h.name, h.line, h.column, h.end_line, h.end_column))
                .collect()
        })
    })
}

/// `(kind, label, provider)` of every kind a finding can have, in report order.
#[pyfunction]
fn key_kinds() -> PyResult<Vec<(&'static str, &'static str, &'static str)>> {
    super::guard(|| {
        Ok({
            kinds::KINDS
                .iter()
                .map(|k| (k.id, k.label, k.provider))
                .collect()
        })
    })
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan_paths, m)?)?;
    m.add_function(wrap_pyfunction!(key_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(find_in_source, m)?)?;
    m.add_function(wrap_pyfunction!(compile_rules, m)?)?;
    m.add_class::<Rules>()?;
    Ok(())
}
