"""safekeys against python-dotenv 1.2.4 on generated documents.

A seeded generator writes `.env` documents that exercise every rule of
python-dotenv's grammar (see python-dotenv's ``parser.py`` and
``variables.py``), well-formed and not. Each document is read by both
libraries and everything a caller can observe is compared: the values and
their order, the lines warned about, what ``load_dotenv`` puts into
``os.environ`` and returns; for a sample, the values read through a file
and what ``set_key`` / ``unset_key`` make of it.

A failure names the document's seed; ``generate_document(random.Random(seed))``
rebuilds it.
"""

from __future__ import annotations

import io
import logging
import os
import random
from collections import OrderedDict

import pytest
import safekeys
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dotenv

CHUNKS = 40
DOCS_PER_CHUNK = 260  # 40 * 260 = 10,400 documents in a default run
FILE_SAMPLE_EVERY = 7

# Variables the documents refer to; set for every test in this file.
ENVIRON = {
    "SK_DIFF_SET": "from-env",
    "SK_DIFF_EMPTY": "",
    "SK_DIFF_SPACE": "a b # c",
    "SK_DIFF_REF": "${SK_DIFF_SET}",
    "SK_DIFF_A": "env-a",
    "SK_DIFF_BYTES": "a\udcffb",  # an undecodable byte, as os.environ shows it
}
UNSET = "SK_DIFF_UNSET"

# Whitespace for Python's `\s` and str.isspace() that is not `\r`/`\n`:
# a few of these are not whitespace to Rust's char::is_whitespace.
PY_ONLY_SPACE = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u2028", "\u3000"]
HSPACE = [" ", " ", " ", "\t", "  ", " \t", *PY_ONLY_SPACE]

PLAIN_KEYS = ["A", "B", "C", "foo", "x_1", "SK_DIFF_SET", "SK_DIFF_EMPTY", "SK_DIFF_A", UNSET]
ODD_KEYS = [
    "a.b",
    "a-b",
    "$x",
    "[",
    '"A"',
    "é",
    "a$b",
    "{x}",
    "k:v",
    "a'b",
    "export",
    "exportA",
    "\\",
    "a}b",
    "%",
    "\ufeffA",
    "A\u200b",
    "a\0b",
    "k\udcff",
]
QUOTED_KEYS = ["a b", "a=b", " A ", "a\nb", "a\r\nb", 'x"y', "#c", "é=1", "\\"]
REF_NAMES = ["A", "B", "C", "foo", "x_1", "a.b", "é", "", *ENVIRON, UNSET, "export", "\ud800x"]

WORDS = [
    "abc",
    "x",
    "1",
    "value",
    "é",
    "日本",
    "😀",
    "e\u0301",
    "-",
    "_",
    ".",
    "/",
    "@",
    "%",
    "+",
    "~",
    "\ufeff",
]

# Lines that python-dotenv cannot parse.
MALFORMED = [
    "A B=c",
    "=b",
    "A: b",
    'A="b"c',
    'A="b" "c"',
    'A="b""c"',
    "A='b'c",
    "A='b' 'c'",
    "A='b'\"c\"",
    "''=c",
    "'unterminated=1",
    "export =1",
    "export 'a b' c=1",
    'A="b" garbage # c',
    "A ==",
    "\t= x",
    "A\x0bB=1",
]


def reference(rng: random.Random, tags: set[str]) -> str:
    """One `${...}`-like fragment, expanding or not."""
    name = rng.choice(REF_NAMES)
    other = rng.choice(REF_NAMES)
    forms = [
        ("ref", f"${{{name}}}"),
        ("ref_default", f"${{{name}:-{rng.choice(WORDS)}}}"),
        ("ref_empty_default", f"${{{name}:-}}"),
        ("ref_dollar_name", f"${name}"),
        ("ref_dash_default", f"${{{name}-{rng.choice(WORDS)}}}"),
        ("ref_colon", f"${{{name}:b}}"),
        ("ref_unclosed", f"${{{name}"),
        ("ref_nested_default", f"${{{name}:-${{{other}}}}}"),
        ("ref_nested_name", f"${{${{{name}}}}}"),
        ("ref_double_dollar", f"$${{{name}}}"),
        ("ref_extra_brace", f"${{{name}}}}}"),
        ("ref_escaped", f"\\${{{name}}}"),
        ("ref_default_colon", f"${{{name}:-a:b}}"),
        ("ref_default_dollar", f"${{{name}:-$}}"),
    ]
    tag, text = rng.choice(forms)
    tags.add(tag)
    return text


def unquoted_value(rng: random.Random, tags: set[str]) -> str:
    tags.add("unquoted")
    parts = []
    for _ in range(rng.randint(1, 5)):
        roll = rng.random()
        if roll < 0.35:
            parts.append(rng.choice(WORDS))
        elif roll < 0.5:
            parts.append(reference(rng, tags))
        elif roll < 0.65:
            parts.append(rng.choice(HSPACE))
        elif roll < 0.75:
            tags.add("unquoted_hash")
            parts.append(rng.choice(["#", "#c", "a#b", "##"]))
        else:
            parts.append(
                rng.choice(
                    ["\\", "\\n", '"', "'", "=", ":", "a'b'c", 'a"b"c', "${", "}", "\0", "\udcff"]
                )
            )
    return "".join(parts)


def quoted_value(rng: random.Random, tags: set[str], quote: str, newline: str) -> str:
    """A quoted value, sometimes left unterminated."""
    tags.add("single_quoted" if quote == "'" else "double_quoted")
    parts = []
    for _ in range(rng.randint(0, 6)):
        roll = rng.random()
        if roll < 0.3:
            parts.append(rng.choice([*WORDS, " ", "#", " # c", "=", "${"]))
        elif roll < 0.45:
            parts.append(reference(rng, tags))
        elif roll < 0.55:
            tags.add("multiline_quoted")
            parts.append(rng.choice(["\n", "\r\n", "\r", newline, newline + "B=2" + newline]))
        elif roll < 0.6:
            parts.append(rng.choice(HSPACE))
        elif quote == '"':
            if rng.random() < 0.6:
                tags.add("known_escape")
                parts.append("\\" + rng.choice("\\'\"abfnrtv"))
            else:
                tags.add("unknown_escape")
                parts.append(
                    rng.choice(["\\x", "\\u00e9", "\\$", "\\0", "\\q", "\\N", "\\\n", "\\é"])
                )
            if rng.random() < 0.2:
                parts.append("'")
        else:
            if rng.random() < 0.6:
                tags.add("known_escape")
                parts.append(rng.choice(["\\\\", "\\'"]))
            else:
                tags.add("unknown_escape")
                parts.append(rng.choice(["\\n", "\\t", '\\"', "\\x", "\\\n", "\\$"]))
            if rng.random() < 0.2:
                parts.append('"')
    body = "".join(parts)
    if rng.random() < 0.04:
        tags.add("unterminated_quote")
        if rng.random() < 0.5:
            body += "\\"
        return quote + body
    return quote + body + quote


def key(rng: random.Random, tags: set[str]) -> str:
    roll = rng.random()
    if roll < 0.7:
        return rng.choice(PLAIN_KEYS)
    if roll < 0.9:
        tags.add("odd_key")
        return rng.choice(ODD_KEYS)
    tags.add("single_quoted_key")
    return "'" + rng.choice(QUOTED_KEYS) + "'"


def after_value(rng: random.Random, tags: set[str]) -> str:
    roll = rng.random()
    if roll < 0.6:
        return ""
    if roll < 0.75:
        return rng.choice(HSPACE)
    if roll < 0.92:
        tags.add("inline_comment")
        return rng.choice(["", " ", "\t", "  ", *PY_ONLY_SPACE]) + rng.choice(
            ["#", "# c", "#c=1 'x"]
        )
    tags.add("garbage_after_value")
    return rng.choice(["x", " x", '"', "'", " 'y'", '"z"'])


def assignment(rng: random.Random, tags: set[str], newline: str) -> str:
    text = ""
    if rng.random() < 0.15:
        tags.add("export")
        text += "export" + rng.choice([" ", "  ", "\t", "\xa0", "\u3000"])
    text += key(rng, tags)
    text += rng.choice(["", "", "", " ", "\t", "\x0c"])
    text += "="
    roll = rng.random()
    if roll < 0.08:
        tags.add("empty_then_comment")
        return text + rng.choice([" ", "\t", "  ", "\xa0"]) + rng.choice(["#", "# c", "# # c"])
    text += rng.choice(["", "", "", "", " ", "\t", "\u2028"])
    if roll < 0.16:
        tags.add("empty_value")
        return text + rng.choice(["", " ", "\t"])
    if roll < 0.55:
        value = unquoted_value(rng, tags)
    elif roll < 0.75:
        value = quoted_value(rng, tags, "'", newline)
    else:
        value = quoted_value(rng, tags, '"', newline)
    return text + value + after_value(rng, tags)


def statement(rng: random.Random, tags: set[str], newline: str) -> str:
    indent = rng.choice(["", "", "", "", " ", "\t", "  ", *PY_ONLY_SPACE])
    roll = rng.random()
    if roll < 0.55:
        body = assignment(rng, tags, newline)
    elif roll < 0.63:
        tags.add("comment")
        body = rng.choice(["#", "# comment", "#A=1", "# 'x", '#"'])
    elif roll < 0.72:
        tags.add("bare_key")
        body = key(rng, tags) + rng.choice(["", " ", "\t", " # c", "#b=c", "\xa0"])
    elif roll < 0.8:
        tags.add("blank")
        body = rng.choice(["", "", " ", "\t", *PY_ONLY_SPACE])
    elif roll < 0.9:
        tags.add("malformed")
        body = rng.choice(MALFORMED)
    elif roll < 0.95:
        tags.add("export_forms")
        body = rng.choice(
            ["export", "export=1", "export A", "exportA=1", "export\tA=1", "export  "]
        )
    else:
        tags.add("duplicate_run")
        name = rng.choice(PLAIN_KEYS)
        body = f"{name}=1{newline}{name}={reference(rng, tags)}"
    return indent + body


def structured_document(rng: random.Random, tags: set[str]) -> str:
    style = rng.random()
    if style < 0.45:
        newline = "\n"
    elif style < 0.65:
        newline = "\r\n"
    elif style < 0.8:
        newline = "\r"
    else:
        newline = ""  # a different ending after each line
        tags.add("mixed_newlines")
    lines = []
    for _ in range(rng.randint(0, 10)):
        ending = newline or rng.choice(["\n", "\r\n", "\r"])
        lines.append(statement(rng, tags, ending) + ending)
    if lines and rng.random() < 0.35:
        tags.add("no_final_newline")
        last = lines[-1]
        lines[-1] = last[:-2] if last.endswith("\r\n") else last[:-1]
    for ending in ("\r\n", "\r", "\n"):
        if any(ending in line for line in lines):
            tags.add(f"eol_{ending!r}")
    return "".join(lines)


# Tokens for unstructured documents: each means something to the grammar.
TOKENS = [
    "A",
    "b",
    "=",
    "#",
    " ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    '"',
    "'",
    "\\",
    "$",
    "{",
    "}",
    ":-",
    ":",
    "export ",
    "export",
    "é",
    "\x0b",
    "\x1f",
    "\x85",
    "\u2028",
    "\xa0",
    "\u3000",
    "\ufeff",
    "${A}",
    "${SK_DIFF_SET}",
    "${SK_DIFF_EMPTY:-d}",
    "A=",
    "b=",
    "\\n",
    '\\"',
    "\\'",
    "\udcff",
    "\ud800",
]


def soup_document(rng: random.Random, tags: set[str]) -> str:
    tags.add("soup")
    return "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 40)))


def generate_document(rng: random.Random, tags: set[str] | None = None) -> str:
    """One document; ``tags`` collects the grammar rules it used."""
    tags = set() if tags is None else tags
    doc = soup_document(rng, tags) if rng.random() < 0.2 else structured_document(rng, tags)
    if rng.random() < 0.08:
        tags.add("bom")
        doc = "\ufeff" + doc
    if any("\ud800" <= c <= "\udfff" for c in doc):
        tags.add("surrogates")
    return doc


# --- observing both libraries -----------------------------------------------------------

LIBS = {"python-dotenv": (dotenv, "dotenv.main"), "safekeys": (safekeys, "safekeys")}


def warned_lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[int]:
    """Lines of the "could not parse statement" warnings, in order."""
    return [line for kind, line in warnings(caplog, logger) if kind == "parse"]


def warnings(caplog: pytest.LogCaptureFixture, logger: str) -> list[tuple[str, object]]:
    """Each warning as ("parse", line) or ("other", message); the wording differs by design."""
    found: list[tuple[str, object]] = []
    for record in caplog.records:
        if record.name != logger or record.levelno != logging.WARNING:
            continue
        message = record.getMessage()
        if "could not parse statement starting at line" in message:
            found.append(("parse", record.args[0]))
        else:
            found.append(("other", message))
    return found


def observe_values(which, caplog, **kwargs):
    module, logger = LIBS[which]
    caplog.clear()
    try:
        result = module.dotenv_values(**kwargs)
        outcome = (type(result), list(result.items()))
    except Exception as exc:
        outcome = (type(exc), str(exc))
    return outcome, warned_lines(caplog, logger)


def environ_snapshot() -> dict[bytes, bytes]:
    """The process environment as os.environ holds it (bytes), copied at C speed."""
    return dict(os.environ._data)  # type: ignore[attr-defined]


def restore_environ(before: dict[bytes, bytes]) -> dict[bytes, bytes | None]:
    """Put os.environ back as ``before``; returns what had changed."""
    after = environ_snapshot()
    changes = {
        name: after.get(name)
        for name in before.keys() | after.keys()
        if before.get(name) != after.get(name)
    }
    for name in changes:
        if name in before:
            os.environ[os.fsdecode(name)] = os.fsdecode(before[name])
        else:
            del os.environ[os.fsdecode(name)]
    return changes


def observe_load(which, caplog, doc: str, override: bool):
    """(return value or exception, os.environ changes, warned lines); environ restored."""
    module, logger = LIBS[which]
    before = environ_snapshot()
    caplog.clear()
    try:
        outcome = module.load_dotenv(stream=io.StringIO(doc), override=override)
    except Exception as exc:
        outcome = (type(exc), str(exc))
    changes = restore_environ(before)
    return outcome, changes, warned_lines(caplog, logger)


def compare_stream(doc: str, seed, caplog) -> None:
    where = f"seed={seed} doc={doc!r}"
    for interpolate in (True, False):
        expected = observe_values(
            "python-dotenv", caplog, stream=io.StringIO(doc), interpolate=interpolate
        )
        actual = observe_values(
            "safekeys", caplog, stream=io.StringIO(doc), interpolate=interpolate
        )
        assert actual[0] == expected[0], f"dotenv_values(interpolate={interpolate}) {where}"
        assert actual[1] == expected[1], f"warning lines (interpolate={interpolate}) {where}"
    for override in (False, True):
        expected = observe_load("python-dotenv", caplog, doc, override)
        actual = observe_load("safekeys", caplog, doc, override)
        assert actual == expected, f"load_dotenv(override={override}) {where}"


FILE_ENCODINGS = ["utf-8", "utf-8", "utf-8", "UTF8", "utf-8-sig", "latin-1", None]


def has_surrogates(doc: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in doc)


def compare_file(doc: str, seed, caplog, path) -> None:
    """Through a file: universal newlines turn `\\r\\n` and `\\r` into `\\n`."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(doc)
    encoding = FILE_ENCODINGS[seed % len(FILE_ENCODINGS)]
    where = f"seed={seed} encoding={encoding} doc={doc!r}"
    expected = observe_values("python-dotenv", caplog, dotenv_path=path, encoding=encoding)
    actual = observe_values("safekeys", caplog, dotenv_path=path, encoding=encoding)
    assert actual == expected, f"dotenv_values(path) {where}"


REWRITE_SAMPLE_EVERY = 40
NEW_VALUES = ["v", "a b", "it's", "back\\", "", "é", "x\ny", "${A}", 'say "hi"', "a#b"]


def observe_rewrite(which, caplog, path, doc: str, operation):
    """Result, new bytes, mode and warnings of a set_key/unset_key on a file holding ``doc``."""
    module, logger = LIBS[which]
    if path.exists() or path.is_symlink():
        path.unlink()
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(doc)
    caplog.clear()
    try:
        outcome = operation(module)
    except Exception as exc:
        outcome = (type(exc), str(exc))
    return outcome, path.read_bytes(), path.stat().st_mode, warnings(caplog, logger)


def compare_rewrite(doc: str, seed, caplog, path) -> None:
    """set_key and unset_key on a file: the same bytes, result and warnings."""
    rng = random.Random(f"rewrite-{seed}")
    keys = [k for k in dotenv.dotenv_values(stream=io.StringIO(doc)) if "\0" not in k]
    name = (
        rng.choice(keys) if keys and rng.random() < 0.7 else rng.choice(PLAIN_KEYS + ODD_KEYS[:6])
    )
    value = rng.choice(NEW_VALUES)
    quote_mode = rng.choice(["always", "auto", "never"])
    export = rng.random() < 0.3
    operations = {
        "set_key": lambda m: m.set_key(path, name, value, quote_mode=quote_mode, export=export),
        "unset_key": lambda m: m.unset_key(path, name),
    }
    for label, operation in operations.items():
        expected = observe_rewrite("python-dotenv", caplog, path, doc, operation)
        actual = observe_rewrite("safekeys", caplog, path, doc, operation)
        assert actual == expected, (
            f"{label}({name!r}, {value!r}, quote_mode={quote_mode}, export={export}) "
            f"seed={seed} doc={doc!r}"
        )


@pytest.fixture(autouse=True)
def isolated(monkeypatch, fresh_safekeys):
    """Known variables for references; nothing left behind in os.environ or safekeys."""
    monkeypatch.delenv("PYTHON_DOTENV_DISABLED", raising=False)
    monkeypatch.delenv(UNSET, raising=False)
    for name, value in ENVIRON.items():
        monkeypatch.setenv(name, value)
    before = environ_snapshot()
    yield
    restore_environ(before)


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_generated_documents(chunk, caplog, tmp_path):
    caplog.set_level(logging.WARNING)
    path = tmp_path / ".env"
    for seed in range(chunk * DOCS_PER_CHUNK, (chunk + 1) * DOCS_PER_CHUNK):
        doc = generate_document(random.Random(seed))
        compare_stream(doc, seed, caplog)
        if has_surrogates(doc):
            continue  # not encodable in a file (see test_surrogates_in_files)
        if seed % FILE_SAMPLE_EVERY == 0:
            compare_file(doc, seed, caplog, path)
        if seed % REWRITE_SAMPLE_EVERY == 0:
            compare_rewrite(doc, seed, caplog, path)


def test_generator_covers_the_grammar():
    """The default seeds reach every rule the generator knows about."""
    tags: set[str] = set()
    for seed in range(CHUNKS * DOCS_PER_CHUNK):
        generate_document(random.Random(seed), tags)
    expected = {
        "unquoted",
        "unquoted_hash",
        "single_quoted",
        "double_quoted",
        "known_escape",
        "unknown_escape",
        "multiline_quoted",
        "unterminated_quote",
        "export",
        "export_forms",
        "inline_comment",
        "empty_then_comment",
        "empty_value",
        "garbage_after_value",
        "comment",
        "bare_key",
        "odd_key",
        "single_quoted_key",
        "blank",
        "malformed",
        "duplicate_run",
        "mixed_newlines",
        "no_final_newline",
        "eol_'\\n'",
        "eol_'\\r\\n'",
        "eol_'\\r'",
        "bom",
        "soup",
        "ref",
        "ref_default",
        "ref_empty_default",
        "ref_dollar_name",
        "ref_dash_default",
        "ref_colon",
        "ref_unclosed",
        "ref_nested_default",
        "ref_nested_name",
        "ref_double_dollar",
        "ref_extra_brace",
        "ref_escaped",
        "ref_default_colon",
        "ref_default_dollar",
        "surrogates",
    }
    assert expected <= tags, sorted(expected - tags)


def test_generator_is_deterministic():
    first = [generate_document(random.Random(seed)) for seed in range(50)]
    second = [generate_document(random.Random(seed)) for seed in range(50)]
    assert first == second


@settings(
    max_examples=1500,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_hypothesis_documents(caplog, doc):
    caplog.set_level(logging.WARNING)
    compare_stream(doc, "hypothesis", caplog)


def test_surrogates_in_files(caplog, tmp_path):
    """Undecodable bytes: through ``errors="surrogateescape"`` and os.environ."""
    caplog.set_level(logging.WARNING)
    path = tmp_path / ".env"
    path.write_bytes(b"A=\xff${SK_DIFF_BYTES}\nB='\xfe'\n\xffK=${A}\nC=${SK_DIFF_BYTES:-x}\n")
    for which in ("python-dotenv", "safekeys"):
        module = LIBS[which][0]
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            assert module.dotenv_values(stream=f) == {
                "A": "\udcffa\udcffb",
                "B": "\udcfe",
                "\udcffK": "\udcffa\udcffb",
                "C": "a\udcffb",
            }, which
    # A valid file referring to an undecodable variable.
    path.write_text("A=${SK_DIFF_BYTES}\nB=\U0010f8ff${A}\n", encoding="utf-8")
    for encoding in ("utf-8", "latin-1"):
        expected = observe_values("python-dotenv", caplog, dotenv_path=path, encoding=encoding)
        actual = observe_values("safekeys", caplog, dotenv_path=path, encoding=encoding)
        assert actual == expected, encoding
    for override in (False, True):
        doc = path.read_text(encoding="utf-8")
        assert observe_load("safekeys", caplog, doc, override) == observe_load(
            "python-dotenv", caplog, doc, override
        )


def test_results_are_ordered_dicts():
    result = safekeys.dotenv_values(stream=io.StringIO("B=1\nA=2\nB=3"))
    assert type(result) is OrderedDict
    assert list(result.items()) == [("B", "3"), ("A", "2")]
