//! The module layering the crate docs describe, checked on the source: a
//! cycle between modules would make neither understandable (nor testable)
//! without the other, and a layer list is easier to keep than to restore.
//!
//! Every `crate::…` and `super::…` path in every `.rs` file under `src/` is
//! an edge from the file's module to the module it names. An edge must go
//! down the layers below, which rules out every cycle. The scan is textual:
//! line comments and inline `#[cfg(test)] mod tests` blocks are skipped (the
//! tests of a module may use whatever they test).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level modules, lowest first. A module may use modules on lower
/// layers only; two modules on one layer know nothing of each other.
const LAYERS: &[&[&str]] = &[
    &["error", "hash"],
    &["detect"],
    &["dotenv", "mask"],
    &["encrypted", "keyring", "vault"],
    &["scan"],
    &["python"],
];

/// Submodules of a folder module, lowest first. The folder's own `mod.rs`
/// (its front) sits above all of them: a submodule must not use its front.
/// `tests` submodules are left out (they use what they test).
const INNER: &[(&str, &[&[&str]])] = &[
    (
        "detect",
        &[&["assign", "kinds", "url"], &["patterns"], &["classify"]],
    ),
    ("keyring", &[&["backend"], &["secret_service"]]),
];

/// Names the crate root re-exports, and the module they come from.
const ROOT_ALIASES: &[(&str, &str)] = &[("Error", "error"), ("Result", "error")];

/// This file names modules in strings; it is not part of the layering.
const SELF_NAME: &str = "layers";

fn layer_of(layers: &[&[&str]], name: &str) -> Option<usize> {
    layers.iter().position(|layer| layer.contains(&name))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` -> `[a, b]`, `src/a/mod.rs` -> `[a]`, `src/lib.rs` -> `[]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The text the layering is about: no line comments, no inline tests.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| line.find("//").map_or(line, |at| &line[..at]))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_len(s: &str) -> usize {
    s.bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count()
}

/// The paths written after `at` (just past `crate::` or the `super::`s),
/// relative to `base`; a `{...}` group gives one path per item.
fn paths_after(code: &str, base: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = base;
    let mut rest = code;
    loop {
        let n = ident_len(rest);
        if n == 0 {
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let item = item.trim();
                    let n = ident_len(item);
                    let mut p = path.clone();
                    match &item[..n] {
                        "" | "self" => {}
                        name => p.push(name.to_string()),
                    }
                    out.push(p);
                }
                return;
            }
            out.push(path);
            return;
        }
        path.push(rest[..n].to_string());
        match rest[n..].strip_prefix("::") {
            Some(next) => rest = next,
            None => {
                out.push(path);
                return;
            }
        }
    }
}

/// Absolute module paths (`[scan, text, …]`) that `code`, in module `me`, names.
fn references(code: &str, me: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for (at, _) in code.match_indices("crate::") {
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        paths_after(&code[at + 7..], Vec::new(), &mut out);
    }
    for (at, _) in code.match_indices("super::") {
        // `super::super::x` is counted once, from its first `super`.
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b':') {
            continue;
        }
        let mut base = me.to_vec();
        let mut rest = &code[at..];
        while let Some(next) = rest.strip_prefix("super::") {
            base.pop();
            rest = next;
        }
        paths_after(rest, base, &mut out);
    }
    out
}

/// One reference against the layers, as a sentence.
fn check_edge(
    file: &str,
    me: &[String],
    target: &[String],
    top: &BTreeSet<String>,
) -> Option<String> {
    let mut target = target.to_vec();
    if let Some(first) = target.first_mut() {
        if let Some((_, module)) = ROOT_ALIASES.iter().find(|(alias, _)| alias == first) {
            *first = module.to_string();
        }
    }
    let (Some(from), Some(to)) = (me.first(), target.first()) else {
        return None;
    };
    if !top.contains(to) {
        return None;
    }
    if from != to {
        let (Some(a), Some(b)) = (layer_of(LAYERS, from), layer_of(LAYERS, to)) else {
            return None;
        };
        return (a <= b).then(|| {
            format!(
                "{file}: `{from}` uses `{}`, but `{from}` is on layer {a} and `{to}` on layer {b}: \
                 a module may only use modules on lower layers (LAYERS in src/layers.rs)",
                target.join("::")
            )
        });
    }
    let (_, inner) = INNER.iter().find(|(outer, _)| outer == from)?;
    let sub = me.get(1)?;
    if sub == "tests" {
        return None;
    }
    let here = layer_of(inner, sub)?;
    let to_sub = target.get(1).filter(|name| layer_of(inner, name).is_some());
    match to_sub {
        None => Some(format!(
            "{file}: `{from}::{sub}` uses `{}`, its module's front (`{from}/mod.rs`): a \
             submodule may only use submodules below it (INNER in src/layers.rs)",
            target.join("::")
        )),
        Some(to_sub) if to_sub == sub => None,
        Some(to_sub) => {
            let there = layer_of(inner, to_sub).unwrap_or(usize::MAX);
            (here <= there).then(|| {
                format!(
                    "{file}: `{from}::{sub}` uses `{from}::{to_sub}`, but `{sub}` is on layer \
                     {here} of `{from}` and `{to_sub}` on layer {there} (INNER in src/layers.rs)"
                )
            })
        }
    }
}

#[test]
fn module_dependencies_follow_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let top: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_path(&src, f).first().cloned())
        .filter(|name| name != SELF_NAME)
        .collect();
    let unplaced: Vec<&String> = top
        .iter()
        .filter(|name| layer_of(LAYERS, name).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "top-level modules missing from LAYERS in src/layers.rs: {unplaced:?}"
    );
    for (outer, inner) in INNER {
        let subs: BTreeSet<String> = files
            .iter()
            .map(|f| module_path(&src, f))
            .filter(|p| p.len() >= 2 && p[0] == *outer && p[1] != "tests")
            .map(|p| p[1].clone())
            .collect();
        let unplaced: Vec<&String> = subs
            .iter()
            .filter(|name| layer_of(inner, name).is_none())
            .collect();
        assert!(
            unplaced.is_empty(),
            "submodules of `{outer}` missing from INNER in src/layers.rs: {unplaced:?}"
        );
    }
    let mut wrong = Vec::new();
    for file in &files {
        let me = module_path(&src, file);
        if me.first().is_some_and(|m| m == SELF_NAME) {
            continue;
        }
        let shown = file.strip_prefix(&src).unwrap().display().to_string();
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for target in references(&code, &me) {
            if let Some(problem) = check_edge(&format!("src/{shown}"), &me, &target, &top) {
                wrong.push(problem);
            }
        }
    }
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "module dependencies against the layers:\n{}",
        wrong.join("\n")
    );
}

/// The checker itself finds what it must, or the test above proves nothing.
#[test]
fn the_layer_check_sees_the_edges_it_must() {
    let top: BTreeSet<String> = ["mask", "scan", "keyring", "error"]
        .map(String::from)
        .into();
    let at = |path: &[&str]| path.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let code = code_of(
        "use crate::scan::text; // crate::vault\nuse super::{backend::Backend, Keyring};\n\
         fn f() { crate::Error::io(); }\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
    );
    let refs = references(&code, &at(&["keyring", "secret_service"]));
    assert_eq!(
        refs,
        vec![
            at(&["scan", "text"]),
            at(&["Error", "io"]),
            at(&["keyring", "backend"]),
            at(&["keyring", "Keyring"]),
        ]
    );
    let me = at(&["keyring", "secret_service"]);
    let problems: Vec<bool> = refs
        .iter()
        .map(|r| check_edge("f.rs", &me, r, &top).is_some())
        .collect();
    // keyring -> scan goes up; -> error, -> backend go down; -> the front is refused.
    assert_eq!(problems, vec![true, false, false, true]);
    assert!(check_edge("m.rs", &at(&["mask"]), &at(&["scan"]), &top)
        .is_some_and(|m| m.contains("`mask` uses `scan`")));
}
