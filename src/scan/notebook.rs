//! Notebooks read as JSON: every string is decoded before matching, and
//! each finding knows its cell, part, output type and MIME type.
//!
//! serde_json parses the document into borrowed `RawValue`s, so each string
//! keeps its byte span in the file: `--fix` re-encodes only the strings it
//! changes and splices them in, leaving every other byte as it was.

use super::finding::{Finding, NotebookPlace};
use super::text::{self, Hit, Lines};
use crate::mask::Snapshot;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

/// One JSON string of the document: its span (quotes included) and text.
struct Piece {
    raw: Range<usize>,
    text: String,
}

/// A text as a frontend sees it: a string, or a list of strings joined
/// (`source` and stream `text` are lists of lines).
struct Unit {
    place: NotebookPlace,
    pieces: Vec<Piece>,
    /// What joins the pieces: nothing for line lists, `\n` for tracebacks.
    sep: &'static str,
    /// Look for well-known formats (not in base64 image payloads).
    formats: bool,
    fixable: bool,
}

type Object<'a> = BTreeMap<String, &'a RawValue>;

struct Reader<'a> {
    doc: &'a str,
    units: Vec<Unit>,
}

/// Image payloads are base64 of binary data: random letters, not text.
fn is_base64_image(mime: &str) -> bool {
    mime.starts_with("image/") && !mime.contains("svg") && !mime.contains("xml")
}

fn first_byte(raw: &RawValue) -> u8 {
    raw.get()
        .bytes()
        .find(|b| !b.is_ascii_whitespace())
        .unwrap_or(b'n')
}

impl<'a> Reader<'a> {
    fn offset(&self, raw: &RawValue) -> usize {
        let inner = raw.get().trim_start();
        (inner.as_ptr() as usize).saturating_sub(self.doc.as_ptr() as usize)
    }

    fn piece(&self, raw: &'a RawValue) -> Result<Option<Piece>, String> {
        if first_byte(raw) != b'"' {
            return Ok(None);
        }
        let start = self.offset(raw);
        let len = raw.get().trim().len();
        let text: String = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        Ok(Some(Piece {
            raw: start..start + len,
            text,
        }))
    }

    /// A string or a list of strings, as one unit.
    fn multiline(
        &mut self,
        raw: &'a RawValue,
        place: NotebookPlace,
        sep: &'static str,
        formats: bool,
        fixable: bool,
    ) -> Result<(), String> {
        let mut pieces = Vec::new();
        match first_byte(raw) {
            b'"' => pieces.extend(self.piece(raw)?),
            b'[' => {
                let items: Vec<&'a RawValue> =
                    serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
                for item in items {
                    pieces.extend(self.piece(item)?);
                }
            }
            _ => return self.walk(raw, &place, formats, fixable),
        }
        if !pieces.is_empty() {
            self.units.push(Unit {
                place,
                pieces,
                sep,
                formats,
                fixable,
            });
        }
        Ok(())
    }

    /// Every string inside `raw`, each its own unit, with its key path as `field`.
    fn walk(
        &mut self,
        raw: &'a RawValue,
        place: &NotebookPlace,
        formats: bool,
        fixable: bool,
    ) -> Result<(), String> {
        match first_byte(raw) {
            b'"' => {
                if let Some(piece) = self.piece(raw)? {
                    self.units.push(Unit {
                        place: place.clone(),
                        pieces: vec![piece],
                        sep: "",
                        formats,
                        fixable,
                    });
                }
            }
            b'[' => {
                let items: Vec<&'a RawValue> =
                    serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
                for (i, item) in items.into_iter().enumerate() {
                    let inner = with_field(place, &i.to_string());
                    self.walk(item, &inner, formats, fixable)?;
                }
            }
            b'{' => {
                let object: Object<'a> =
                    serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
                for (key, value) in object {
                    let inner = with_field(place, &key);
                    self.walk(value, &inner, formats, fixable)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn cell(&mut self, index: usize, raw: &'a RawValue) -> Result<(), String> {
        if first_byte(raw) != b'{' {
            return Ok(());
        }
        let cell: Object<'a> = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        let place = |part: &'static str| NotebookPlace {
            cell: Some(index),
            part,
            ..NotebookPlace::default()
        };
        for (key, value) in cell {
            match key.as_str() {
                "source" => self.multiline(value, place("source"), "", true, false)?,
                "outputs" if first_byte(value) == b'[' => {
                    let outputs: Vec<&'a RawValue> =
                        serde_json::from_str(value.get()).map_err(|e| e.to_string())?;
                    for (j, output) in outputs.into_iter().enumerate() {
                        self.output(index, j, output)?;
                    }
                }
                "attachments" if first_byte(value) == b'{' => {
                    let files: Object<'a> =
                        serde_json::from_str(value.get()).map_err(|e| e.to_string())?;
                    for (file, bundle) in files {
                        self.bundle(bundle, &place("attachment"), Some(&file), false)?;
                    }
                }
                "metadata" => self.walk(value, &place("metadata"), true, false)?,
                _ => self.walk(value, &with_field(&place("other"), &key), true, false)?,
            }
        }
        Ok(())
    }

    /// A MIME bundle (`{"text/plain": ..., "image/png": ...}`) of an output
    /// or an attachment.
    fn bundle(
        &mut self,
        raw: &'a RawValue,
        base: &NotebookPlace,
        field: Option<&str>,
        fixable: bool,
    ) -> Result<(), String> {
        if first_byte(raw) != b'{' {
            return self.walk(raw, base, true, false);
        }
        let data: Object<'a> = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        for (mime, value) in data {
            let image = is_base64_image(&mime);
            let place = NotebookPlace {
                mime: Some(mime),
                field: field.map(str::to_string),
                ..base.clone()
            };
            // Masking part of an image's base64 would only break the image.
            let fixable = fixable && !image;
            if matches!(first_byte(value), b'"' | b'[') {
                self.multiline(value, place, "", !image, fixable)?;
            } else {
                self.walk(value, &place, !image, fixable)?;
            }
        }
        Ok(())
    }

    fn output(&mut self, cell: usize, index: usize, raw: &'a RawValue) -> Result<(), String> {
        if first_byte(raw) != b'{' {
            return Ok(());
        }
        let output: Object<'a> = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        let output_type = match output.get("output_type") {
            Some(t) => serde_json::from_str::<String>(t.get()).ok(),
            None => None,
        };
        let stream = match output.get("name") {
            Some(t) => serde_json::from_str::<String>(t.get()).ok(),
            None => None,
        };
        let base = NotebookPlace {
            cell: Some(cell),
            part: "output",
            output: Some(index),
            output_type,
            ..NotebookPlace::default()
        };
        for (key, value) in output {
            match key.as_str() {
                "output_type" => {}
                "text" => {
                    let place = NotebookPlace {
                        field: stream.clone(),
                        ..base.clone()
                    };
                    self.multiline(value, place, "", true, true)?;
                }
                "data" => self.bundle(value, &base, None, true)?,
                "traceback" => {
                    let place = with_field(&base, "traceback");
                    self.multiline(value, place, "\n", true, true)?;
                }
                _ => self.walk(value, &with_field(&base, &key), true, true)?,
            }
        }
        Ok(())
    }
}

fn with_field(place: &NotebookPlace, key: &str) -> NotebookPlace {
    let field = match &place.field {
        Some(f) => format!("{f}/{key}"),
        None => key.to_string(),
    };
    NotebookPlace {
        field: Some(field),
        ..place.clone()
    }
}

/// The units of a notebook, or why it is not one (the message names the
/// place of a syntax error, never content).
fn units(doc: &str) -> Result<Vec<Unit>, String> {
    let top: Object<'_> = serde_json::from_str(doc).map_err(|e| e.to_string())?;
    let mut reader = Reader {
        doc,
        units: Vec::new(),
    };
    for (key, value) in top {
        match key.as_str() {
            "cells" if first_byte(value) == b'[' => {
                let cells: Vec<&RawValue> =
                    serde_json::from_str(value.get()).map_err(|e| e.to_string())?;
                for (i, cell) in cells.into_iter().enumerate() {
                    reader.cell(i, cell)?;
                }
            }
            "metadata" => {
                let place = NotebookPlace {
                    part: "metadata",
                    ..NotebookPlace::default()
                };
                reader.walk(value, &place, true, false)?;
            }
            _ => {
                let place = NotebookPlace {
                    part: "other",
                    field: Some(key.clone()),
                    ..NotebookPlace::default()
                };
                reader.walk(value, &place, true, false)?;
            }
        }
    }
    Ok(reader.units)
}

/// The findings of a parsed notebook, and the new document text when `fix`
/// masked something in outputs. `Err` when it is not JSON.
pub fn scan(
    path: &Path,
    doc: &str,
    snapshot: &Snapshot,
    fix: bool,
    custom: Option<&super::rules::Applied>,
) -> Result<(Vec<Finding>, Option<String>), String> {
    let units = units(doc)?;
    let mut findings = Vec::new();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut newlines: Option<Vec<usize>> = None;
    for unit in &units {
        let (joined, starts) = join(unit);
        let hits = text::hits(&joined, snapshot, unit.formats, custom);
        if hits.is_empty() {
            continue;
        }
        let newlines = newlines
            .get_or_insert_with(|| memchr::memchr_iter(b'\n', doc.as_bytes()).collect::<Vec<_>>());
        let mut lines = Lines::new(&joined);
        let fixing = fix && unit.fixable;
        for (i, hit) in hits.iter().enumerate() {
            let (line, column, line_start) = lines.at(hit.range.start);
            let piece = starts
                .partition_point(|&s| s <= hit.range.start)
                .saturating_sub(1);
            let raw_start = unit.pieces[piece].raw.start;
            findings.push(Finding {
                path: path.to_path_buf(),
                line,
                column,
                file_line: newlines.partition_point(|&n| n < raw_start) + 1,
                kind: hit.kind,
                name: hit.name.clone(),
                snippet: text::snippet(&joined, &hits, i, line_start),
                notebook: Some(unit.place.clone()),
                fixable: unit.fixable,
                fixed: fixing,
            });
        }
        if fixing {
            edits.extend(unit_edits(unit, &joined, &starts, &hits));
        }
    }
    let fixed = (!edits.is_empty()).then(|| splice(doc, &mut edits));
    Ok((findings, fixed))
}

/// The unit's text and where each piece starts in it.
fn join(unit: &Unit) -> (String, Vec<usize>) {
    if unit.pieces.len() == 1 {
        return (unit.pieces[0].text.clone(), vec![0]);
    }
    let mut joined = String::new();
    let mut starts = Vec::with_capacity(unit.pieces.len());
    for (i, piece) in unit.pieces.iter().enumerate() {
        if i > 0 {
            joined.push_str(unit.sep);
        }
        starts.push(joined.len());
        joined.push_str(&piece.text);
    }
    (joined, starts)
}

/// Replacement strings for the pieces the hits touch. A hit that spans
/// pieces (a PEM block over several lines) merges them into one string.
fn unit_edits(
    unit: &Unit,
    joined: &str,
    starts: &[usize],
    hits: &[Hit],
) -> Vec<(Range<usize>, String)> {
    let end_of = |k: usize| starts[k] + unit.pieces[k].text.len();
    let piece_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
    // Groups of pieces [first, last] that the hits touch, in order.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for hit in hits {
        let first = piece_of(hit.range.start);
        let last = piece_of(hit.range.end.saturating_sub(1)).max(first);
        match groups.last_mut() {
            Some(g) if first <= g.1 => g.1 = g.1.max(last),
            _ => groups.push((first, last)),
        }
    }
    groups
        .into_iter()
        .map(|(first, last)| {
            let (lo, hi) = (starts[first], end_of(last));
            let mut text = String::with_capacity(hi - lo);
            let mut cursor = lo;
            for hit in hits
                .iter()
                .filter(|h| h.range.start >= lo && h.range.end <= hi)
            {
                text.push_str(&joined[cursor..hit.range.start]);
                text.push_str("[masked:");
                text.push_str(hit.label());
                text.push(']');
                cursor = hit.range.end;
            }
            text.push_str(&joined[cursor..hi]);
            let raw = unit.pieces[first].raw.start..unit.pieces[last].raw.end;
            (raw, json_string(&text))
        })
        .collect()
}

/// `doc` with each range replaced; ranges must not overlap.
fn splice(doc: &str, edits: &mut [(Range<usize>, String)]) -> String {
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(doc.len());
    let mut cursor = 0;
    for (range, text) in edits.iter() {
        let inside = range.end <= doc.len()
            && doc.is_char_boundary(range.start)
            && doc.is_char_boundary(range.end);
        if range.start < cursor || !inside {
            continue;
        }
        out.push_str(&doc[cursor..range.start]);
        out.push_str(text);
        cursor = range.end;
    }
    out.push_str(&doc[cursor..]);
    out
}

/// A JSON string literal as Jupyter writes one (`ensure_ascii=False`).
pub fn json_string(s: &str) -> String {
    format!("\"{}\"", crate::mask::variants::json_escape(s, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mask::Masker;

    const KEY: &str = "sk-Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789AbCdEfGhIj";

    fn notebook() -> String {
        format!(
            r#"{{
 "cells": [
  {{
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {{}},
   "outputs": [
    {{
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "line one\n",
      "key={KEY}\n"
     ]
    }},
    {{
     "data": {{
      "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJsk-Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789AbCdEfGhIj",
      "text/plain": [
       "'{KEY}'"
      ]
     }},
     "execution_count": 1,
     "metadata": {{}},
     "output_type": "execute_result"
    }}
   ],
   "source": [
    "import os\n",
    "k = \"{KEY}\""
   ]
  }}
 ],
 "metadata": {{"kernelspec": {{"name": "python3"}}}},
 "nbformat": 4,
 "nbformat_minor": 5
}}
"#
        )
    }

    #[test]
    fn findings_know_their_place() {
        let snapshot = Masker::default().snapshot();
        let (found, fixed) =
            scan(Path::new("a.ipynb"), &notebook(), &snapshot, false, None).unwrap();
        assert!(fixed.is_none());
        let places: Vec<_> = found
            .iter()
            .map(|f| {
                let p = f.notebook.as_ref().unwrap();
                (
                    p.part,
                    p.output_type.as_deref(),
                    p.mime.as_deref(),
                    f.line,
                    f.column,
                )
            })
            .collect();
        assert_eq!(
            places,
            vec![
                ("output", Some("stream"), None, 2, 5),
                ("output", Some("execute_result"), Some("text/plain"), 1, 2),
                ("source", None, None, 2, 6),
            ]
        );
        assert!(found.iter().all(|f| !f.snippet.contains(KEY)));
        let doc = notebook();
        let line_of = |needle: &str| doc[..doc.find(needle).unwrap()].matches('\n').count() + 1;
        assert_eq!(found[0].file_line, line_of("\"key="));
        assert_eq!(found[2].file_line, line_of("\"k = "));
    }

    #[test]
    fn fix_masks_outputs_only_and_keeps_every_other_byte() {
        let snapshot = Masker::default().snapshot();
        let doc = notebook();
        let (_, fixed) = scan(Path::new("a.ipynb"), &doc, &snapshot, true, None).unwrap();
        let fixed = fixed.unwrap();
        let expected = doc
            .replacen(
                &format!("\"key={KEY}\\n\""),
                "\"key=[masked:openai-key]\\n\"",
                1,
            )
            .replacen(&format!("\"'{KEY}'\""), "\"'[masked:openai-key]'\"", 1);
        assert_eq!(fixed, expected);
        assert_eq!(fixed.matches(KEY).count(), 2, "source and image stay");
    }

    #[test]
    fn a_block_over_several_lines_becomes_one_string() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
        let doc = format!(
            r#"{{"cells": [{{"cell_type": "code", "source": [], "outputs": [{{"output_type": "stream", "name": "stdout", "text": ["-----BEGIN PRIVATE KEY-----\n", "{body}\n", "-----END PRIVATE KEY-----\n", "done\n"]}}]}}]}}"#
        );
        let snapshot = Masker::default().snapshot();
        let (found, fixed) = scan(Path::new("a.ipynb"), &doc, &snapshot, true, None).unwrap();
        assert_eq!(found.len(), 1);
        let fixed = fixed.unwrap();
        assert!(
            fixed.contains(r#""text": ["[masked:pem-private-key]\n", "done\n"]"#),
            "{fixed}"
        );
        let _: serde_json::Value = serde_json::from_str(&fixed).unwrap();
    }

    #[test]
    fn escaped_strings_are_decoded() {
        let escaped = KEY.replace('-', "\\u002d");
        let doc = format!(r#"{{"cells": [{{"source": "x = \"{escaped}\"", "outputs": []}}]}}"#);
        let snapshot = Masker::default().snapshot();
        let (found, _) = scan(Path::new("a.ipynb"), &doc, &snapshot, false, None).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, "openai-key");
    }
}
