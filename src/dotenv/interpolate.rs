//! `${NAME}` and `${NAME:-default}` expansion, as python-dotenv does it.
//!
//! python-dotenv rebuilds a merged dict of the whole environment for every
//! value, which makes a large file quadratic. Here each reference is two map
//! lookups, so expansion is linear in the document.

use super::ValueMap;
use std::borrow::Cow;

/// One `${...}` reference found in a value.
#[derive(Debug, PartialEq, Eq)]
struct Reference<'a> {
    span: std::ops::Range<usize>,
    name: &'a str,
    default: Option<&'a str>,
}

/// `\$\{(?P<name>[^}:]*)(?::-(?P<default>[^}]*))?\}` matched at `start`
/// (where the text starts with `${`).
fn reference_at(value: &str, start: usize) -> Option<Reference<'_>> {
    let body = start + 2;
    let name_len = value[body..].find(['}', ':']).unwrap_or(value.len() - body);
    let name = &value[body..body + name_len];
    let after = body + name_len;
    let rest = &value[after..];
    if rest.starts_with('}') {
        return Some(Reference {
            span: start..after + 1,
            name,
            default: None,
        });
    }
    let default_start = after + 2;
    if rest.starts_with(":-") {
        if let Some(close) = value[default_start..].find('}') {
            return Some(Reference {
                span: start..default_start + close + 1,
                name,
                default: Some(&value[default_start..default_start + close]),
            });
        }
    }
    None
}

fn references(value: &str) -> Vec<Reference<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = value[from..].find("${") {
        let start = from + offset;
        match reference_at(value, start) {
            Some(reference) => {
                from = reference.span.end;
                found.push(reference);
            }
            None => from = start + 1,
        }
    }
    found
}

/// Where `${NAME}` looks: the values resolved so far and the process
/// environment, in the order python-dotenv's `override` flag sets.
pub struct Scope<'e, 'v> {
    /// Looks a name up in the process environment.
    pub environ: &'e mut dyn FnMut(&str) -> Option<String>,
    /// Values resolved so far, in document order.
    pub resolved: &'v ValueMap,
    /// `true`: values from the document win over the environment.
    pub document_first: bool,
}

/// An expanded value would pass the size limit, or could not be allocated.
#[derive(Debug, PartialEq, Eq)]
pub struct TooLarge;

impl<'v> Scope<'_, 'v> {
    fn lookup(&mut self, name: &str) -> Option<Cow<'v, str>> {
        // A bare key (bound to None) expands to "", not to the default.
        let resolved = self.resolved;
        let from_document = || {
            resolved
                .get(name)
                .map(|v| Cow::Borrowed(v.as_deref().unwrap_or_default()))
        };
        if self.document_first {
            from_document().or_else(|| (self.environ)(name).map(Cow::Owned))
        } else {
            (self.environ)(name).map(Cow::Owned).or_else(from_document)
        }
    }

    /// Expand every reference in `value`, refusing a result longer than
    /// `limit` bytes: values that each reference the previous one twice
    /// double at every line, and forty lines would ask for terabytes.
    pub fn expand<'a>(
        &mut self,
        value: Cow<'a, str>,
        limit: usize,
    ) -> Result<Cow<'a, str>, TooLarge> {
        if !value.contains("${") {
            return Ok(value);
        }
        let refs = references(&value);
        if refs.is_empty() {
            return Ok(value);
        }
        let mut out = String::new();
        let mut cursor = 0;
        for reference in &refs {
            push_bounded(&mut out, &value[cursor..reference.span.start], limit)?;
            match self.lookup(reference.name) {
                Some(found) => push_bounded(&mut out, &found, limit)?,
                None => push_bounded(&mut out, reference.default.unwrap_or(""), limit)?,
            }
            cursor = reference.span.end;
        }
        push_bounded(&mut out, &value[cursor..], limit)?;
        Ok(Cow::Owned(out))
    }
}

/// `out.push_str(piece)`, unless that passes `limit` or the allocation
/// fails: either is an error to report, not a reason to abort the process.
fn push_bounded(out: &mut String, piece: &str, limit: usize) -> Result<(), TooLarge> {
    let wanted = out.len().checked_add(piece.len()).ok_or(TooLarge)?;
    if wanted > limit {
        return Err(TooLarge);
    }
    if wanted > out.capacity() {
        // Doubling as push_str would, but never past the limit.
        let target = wanted.max(out.capacity().saturating_mul(2)).min(limit);
        out.try_reserve_exact(target - out.len())
            .map_err(|_| TooLarge)?;
    }
    out.push_str(piece);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(
        value: &str,
        document: &[(&str, Option<&str>)],
        env: &[(&str, &str)],
        document_first: bool,
    ) -> String {
        let resolved: ValueMap = document
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect();
        let mut environ = |name: &str| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let mut scope = Scope {
            environ: &mut environ,
            resolved: &resolved,
            document_first,
        };
        scope
            .expand(Cow::Borrowed(value), usize::MAX)
            .unwrap()
            .into_owned()
    }

    #[test]
    fn expansion_stops_at_the_limit() {
        let resolved: ValueMap = [("A".to_string(), Some("x".repeat(10)))]
            .into_iter()
            .collect();
        let mut scope = Scope {
            environ: &mut |_: &str| None,
            resolved: &resolved,
            document_first: true,
        };
        assert_eq!(
            scope.expand(Cow::Borrowed("${A}${A}"), 20).unwrap().len(),
            20
        );
        assert_eq!(scope.expand(Cow::Borrowed("${A}${A}!"), 20), Err(TooLarge));
        assert_eq!(scope.expand(Cow::Borrowed("${A}${A}"), 19), Err(TooLarge));
    }

    #[test]
    fn forms_that_expand() {
        assert_eq!(expand("${A}", &[("A", Some("1"))], &[], true), "1");
        assert_eq!(
            expand("x${A}y${B}z", &[("A", Some("1"))], &[("B", "2")], true),
            "x1y2z"
        );
        assert_eq!(expand("${NOPE:-d}", &[], &[], true), "d");
        assert_eq!(expand("${NOPE:-a:b-c}", &[], &[], true), "a:b-c");
    }

    #[test]
    fn forms_that_do_not() {
        assert_eq!(expand("$A", &[("A", Some("1"))], &[], true), "$A");
        assert_eq!(expand("${a:b}", &[], &[], true), "${a:b}");
        assert_eq!(expand("${X", &[], &[], true), "${X");
        assert_eq!(expand("${NOPE-dflt}", &[], &[], true), "");
        assert_eq!(expand("${NOPE:-${H}}", &[], &[("H", "h")], true), "${H}");
    }

    #[test]
    fn empty_and_bare_values_beat_defaults() {
        assert_eq!(expand("${E:-d}", &[], &[("E", "")], true), "");
        assert_eq!(expand("${B:-d}", &[("B", None)], &[], true), "");
    }

    #[test]
    fn precedence_follows_override() {
        let doc = [("A", Some("doc"))];
        let env = [("A", "env")];
        assert_eq!(expand("${A}", &doc, &env, true), "doc");
        assert_eq!(expand("${A}", &doc, &env, false), "env");
    }

    #[test]
    fn reference_scanner() {
        let refs = references("${${X}}");
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].name, "${X");
        assert_eq!(refs[0].span, 0..6);
    }
}
