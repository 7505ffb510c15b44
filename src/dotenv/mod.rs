//! `.env` documents: python-dotenv's grammar and expansion, the dotenvy
//! dialect, finding files and rewriting them in place.

pub mod dotenvy;
pub mod find;
pub mod interpolate;
pub mod parser;
pub mod rewrite;
pub mod source;

use crate::error::{Error, Result};
use crate::hash::FastBuild;
use interpolate::Scope;

/// The longest value `${...}` expansion may build unless
/// `SAFEKEYS_MAX_VALUE_SIZE` says otherwise: far beyond any real setting,
/// far below what would exhaust memory.
pub const DEFAULT_MAX_VALUE_SIZE: usize = 64 * 1024 * 1024;

/// The environment variable that sets the expansion limit, in bytes.
pub const MAX_VALUE_SIZE_VAR: &str = "SAFEKEYS_MAX_VALUE_SIZE";

/// The expansion limit: `SAFEKEYS_MAX_VALUE_SIZE` (a positive number of
/// bytes) when set, else [`DEFAULT_MAX_VALUE_SIZE`]. A value that is not a
/// positive integer is ignored, as a typo must not turn the limit off.
pub fn max_value_size() -> usize {
    std::env::var(MAX_VALUE_SIZE_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(DEFAULT_MAX_VALUE_SIZE)
}

/// Keys in first-appearance order with their values (`None` for bare keys).
pub type ValueMap = indexmap::IndexMap<String, Option<String>, FastBuild>;

/// Which reading of the `.env` syntax to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// python-dotenv 1.2.4, the default everywhere.
    #[default]
    PythonDotenv,
    /// The Rust crate dotenvy 0.15.7, for files shared with Rust services.
    Dotenvy,
}

/// How to turn a document into values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub dialect: Dialect,
    /// Expand `${NAME}` references.
    pub interpolate: bool,
    /// When expanding, values from the document win over the environment
    /// (python-dotenv's `override=True`, always the case for `dotenv_values`).
    pub document_first: bool,
    /// The longest value expansion may build, in bytes; longer is
    /// [`Error::ValueTooLarge`]. The default reads [`max_value_size`].
    pub max_value_size: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dialect: Dialect::PythonDotenv,
            interpolate: true,
            document_first: true,
            max_value_size: max_value_size(),
        }
    }
}

/// The values of a document, in first-appearance order, later bindings
/// of a key winning; `None` for bare keys.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Values {
    pub values: ValueMap,
    /// 1-based lines of statements that did not parse, for warnings.
    pub invalid_lines: Vec<usize>,
}

/// Parse `text` and (optionally) expand references. `environ` looks a name
/// up in the process environment.
pub fn values(
    text: &str,
    options: Options,
    environ: &mut dyn FnMut(&str) -> Option<String>,
) -> Result<Values> {
    let Layered {
        values,
        mut invalid_lines,
    } = layered(&[text], options, environ)?;
    Ok(Values {
        values,
        invalid_lines: invalid_lines.pop().unwrap_or_default(),
    })
}

/// The values of several documents read as layers: each is parsed on its
/// own (an open quote cannot run into the next file), and they resolve in
/// order as one document would, later bindings winning and references
/// seeing every earlier layer.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Layered {
    pub values: ValueMap,
    /// For each document, the lines of statements that did not parse.
    pub invalid_lines: Vec<Vec<usize>>,
}

pub fn layered(
    texts: &[&str],
    options: Options,
    environ: &mut dyn FnMut(&str) -> Option<String>,
) -> Result<Layered> {
    let mut out = Layered::default();
    for text in texts {
        out.values.reserve(text.len() / 32);
        if options.dialect == Dialect::Dotenvy {
            let read = dotenvy::values(text);
            out.values.extend(read.values);
            out.invalid_lines.push(read.invalid_lines);
            continue;
        }
        let mut invalid = Vec::new();
        for binding in parser::bindings(text) {
            if binding.error {
                invalid.push(binding.line);
            }
            let Some(key) = binding.key else { continue };
            let value = match binding.value {
                Some(value) if options.interpolate => {
                    let mut scope = Scope {
                        environ: &mut *environ,
                        resolved: &out.values,
                        document_first: options.document_first,
                    };
                    let expanded = scope.expand(value, options.max_value_size).map_err(
                        |interpolate::TooLarge| Error::ValueTooLarge {
                            path: None,
                            line: binding.line,
                            limit: options.max_value_size,
                        },
                    )?;
                    Some(expanded.into_owned())
                }
                other => other.map(|v| v.into_owned()),
            };
            out.values.insert(key.into_owned(), value);
        }
        out.invalid_lines.push(invalid);
    }
    Ok(out)
}

/// Hand each key and value of `texts` (read as `layered` does) to `put`, in
/// document order. Without expansion the bindings stream straight through,
/// no map in between: `put` must keep a key's first position and its last
/// value, as an insertion-ordered map does. Returns each text's invalid lines.
pub fn read_into(
    texts: &[&str],
    options: Options,
    environ: &mut dyn FnMut(&str) -> Option<String>,
    put: &mut dyn FnMut(&str, Option<&str>),
) -> Result<Vec<Vec<usize>>> {
    if options.interpolate || options.dialect == Dialect::Dotenvy {
        let read = layered(texts, options, environ)?;
        for (key, value) in &read.values {
            put(key, value.as_deref());
        }
        return Ok(read.invalid_lines);
    }
    Ok(texts
        .iter()
        .map(|text| {
            let mut invalid = Vec::new();
            for binding in parser::bindings(text) {
                if binding.error {
                    invalid.push(binding.line);
                }
                if let Some(key) = &binding.key {
                    put(key, binding.value.as_deref());
                }
            }
            invalid
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_and_mapped_reads_agree() {
        let text = "A=1\nB='x'\nA=2\nC\nbad line\n";
        for interpolate in [false, true] {
            let options = Options {
                interpolate,
                ..Options::default()
            };
            let mut seen: ValueMap = ValueMap::default();
            let invalid = read_into(&[text], options, &mut no_env, &mut |k, v| {
                seen.insert(k.to_string(), v.map(str::to_string));
            })
            .unwrap();
            let mapped = values(text, options, &mut no_env).unwrap();
            assert_eq!(seen, mapped.values);
            assert_eq!(invalid, vec![mapped.invalid_lines]);
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn duplicates_keep_first_position_and_last_value() {
        let v = values("A=1\nB=2\nA=3\n", Options::default(), &mut no_env).unwrap();
        let pairs: Vec<_> = v.values.iter().collect();
        assert_eq!(pairs[0], (&"A".to_string(), &Some("3".to_string())));
        assert_eq!(pairs[1], (&"B".to_string(), &Some("2".to_string())));
    }

    #[test]
    fn later_values_see_earlier_ones() {
        let v = values("A=1\nB=${A}2\nC=${D}\nD=4", Options::default(), &mut no_env).unwrap();
        assert_eq!(v.values["B"].as_deref(), Some("12"));
        assert_eq!(v.values["C"].as_deref(), Some(""));
    }

    #[test]
    fn environment_precedence() {
        let mut env = |n: &str| (n == "A").then(|| "env".to_string());
        let doc = "A=doc\nB=${A}";
        let first = values(doc, Options::default(), &mut env).unwrap();
        assert_eq!(first.values["B"].as_deref(), Some("doc"));
        let env_first = Options {
            document_first: false,
            ..Options::default()
        };
        assert_eq!(
            values(doc, env_first, &mut env).unwrap().values["B"].as_deref(),
            Some("env")
        );
    }

    #[test]
    fn no_interpolation_keeps_references() {
        let raw = Options {
            interpolate: false,
            ..Options::default()
        };
        assert_eq!(
            values("A=${B}", raw, &mut no_env).unwrap().values["A"].as_deref(),
            Some("${B}")
        );
    }

    #[test]
    fn layers_resolve_as_one_document_but_parse_apart() {
        let env_first = Options {
            document_first: false,
            ..Options::default()
        };
        let mut env = |n: &str| (n == "PORT").then(|| "80".to_string());
        let base = "HOST=prod\nPORT=1\nOPEN=\"unterminated\n";
        let local = "HOST=localhost\nURL=http://${HOST}:${PORT}\n";
        let l = layered(&[base, local], env_first, &mut env).unwrap();
        assert_eq!(l.values["HOST"].as_deref(), Some("localhost"));
        assert_eq!(l.values["URL"].as_deref(), Some("http://localhost:80"));
        assert_eq!(l.invalid_lines, vec![vec![3], vec![]]);
        let keys: Vec<_> = l.values.keys().map(String::as_str).collect();
        assert_eq!(keys, ["HOST", "PORT", "URL"]);
    }

    #[test]
    fn invalid_lines_are_reported() {
        let v = values("A=1\nB C\nD=\"x\n", Options::default(), &mut no_env).unwrap();
        assert_eq!(v.invalid_lines, vec![2, 3]);
        assert_eq!(v.values.len(), 1);
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    /// 40 lines, each value twice the one before: 4 * 2^39 bytes in the end.
    fn doubling(lines: usize) -> String {
        let mut text = String::from("K0=aaaa\n");
        for i in 1..lines {
            text.push_str(&format!("K{i}=${{K{p}}}${{K{p}}}\n", p = i - 1));
        }
        text
    }

    #[test]
    fn doubling_values_stop_at_the_limit_with_the_line() {
        let err = values(&doubling(40), Options::default(), &mut |_| None).unwrap_err();
        // 4 * 2^24 = 64 MiB fits; line 26 (K25... K0 is line 1) would be 128 MiB.
        match &err {
            Error::ValueTooLarge { path, line, limit } => {
                assert_eq!((path, *line, *limit), (&None, 26, DEFAULT_MAX_VALUE_SIZE));
            }
            other => panic!("{other:?}"),
        }
        let message = err.with_path(".env").to_string();
        assert_eq!(
            message,
            ".env, line 26: a ${...} expansion makes a value longer than 67108864 bytes \
             (SAFEKEYS_MAX_VALUE_SIZE)"
        );
        assert!(!message.contains("aaaa"));
    }

    #[test]
    fn the_limit_is_an_option() {
        let small = Options {
            max_value_size: 64,
            ..Options::default()
        };
        let err = values(&doubling(10), small, &mut |_| None).unwrap_err();
        assert!(
            matches!(err, Error::ValueTooLarge { line: 6, .. }),
            "{err:?}"
        );
        assert!(!err.to_string().contains("aaaa"));
        // Without expansion nothing grows: the file's own size bounds it.
        let raw = Options {
            interpolate: false,
            ..small
        };
        assert_eq!(
            values(&doubling(10), raw, &mut |_| None)
                .unwrap()
                .values
                .len(),
            10
        );
    }
}
