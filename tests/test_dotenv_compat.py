"""What python-dotenv 1.2.4's own test suite asserts about its public API.

The facts come from python-dotenv's tests (test_main.py, test_parser.py,
test_variables.py, test_utils.py, test_fifo_dotenv.py, test_is_interactive.py),
restated against the public functions. Most tests take the ``lib`` fixture and
run once with python-dotenv and once with safekeys: the same expectations hold
for both, so each one shows compatibility rather than restating our own output.
Where safekeys differs by design (logger name, message wording, the decode
error) the difference is spelled out in ``Lib``.
"""

from __future__ import annotations

import builtins
import inspect
import io
import logging
import os
import stat
import subprocess
import sys
import textwrap
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from unittest import mock

import pytest
import safekeys

import dotenv


@dataclass(frozen=True)
class Lib:
    """One implementation and the wording of its log records."""

    name: str
    module: ModuleType
    logger: str
    prefix: str  # "python-dotenv" or "safekeys" in the messages that name the library

    def __repr__(self) -> str:
        return self.name

    def records(self, caplog, level: int = logging.WARNING) -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == self.logger and r.levelno == level]

    def messages(self, caplog, level: int = logging.WARNING) -> list[str]:
        return [r.getMessage() for r in self.records(caplog, level)]

    def parse_warnings(self, caplog) -> list[int]:
        """Lines of the "could not parse statement" warnings."""
        return [
            r.args[0]
            for r in self.records(caplog)
            if "could not parse statement starting at line" in r.msg
        ]

    def not_found_info(self, path) -> str:
        return f"{self.prefix} could not find configuration file {path}."

    def disabled_debug(self) -> str:
        return (
            f"{self.prefix}: .env loading disabled by PYTHON_DOTENV_DISABLED environment variable"
        )


PYTHON_DOTENV = Lib("python-dotenv", dotenv, "dotenv.main", "python-dotenv")
SAFEKEYS = Lib("safekeys", safekeys, "safekeys", "safekeys")
BOTH = [PYTHON_DOTENV, SAFEKEYS]

needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file semantics")


@pytest.fixture(params=BOTH, ids=lambda lib: lib.name)
def lib(request) -> Lib:
    return request.param


@pytest.fixture(autouse=True)
def isolated(monkeypatch, caplog, fresh_safekeys):
    """No loaded values left in safekeys, no PYTHON_DOTENV_DISABLED from the shell."""
    monkeypatch.delenv("PYTHON_DOTENV_DISABLED", raising=False)
    caplog.set_level(logging.DEBUG, logger="dotenv.main")
    caplog.set_level(logging.DEBUG, logger="safekeys")


@pytest.fixture
def dotenv_path(tmp_path) -> Path:
    path = tmp_path / ".env"
    path.write_bytes(b"")
    return path


def script_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHON_DOTENV_DISABLED", None)
    return env


# --- the public API ---------------------------------------------------------------------


PUBLIC = [
    "load_dotenv",
    "dotenv_values",
    "find_dotenv",
    "get_key",
    "set_key",
    "unset_key",
    "get_cli_string",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_signatures_match(name):
    """Same parameters, order, kinds and defaults; safekeys adds keyword-only ``dialect``
    and ``strict``."""
    ours = inspect.signature(getattr(safekeys, name)).parameters
    theirs = inspect.signature(getattr(dotenv, name)).parameters
    shape = [(p.name, p.kind, p.default) for p in theirs.values()]
    extra = [(p.name, p.kind, p.default) for p in ours.values() if p.kind is p.KEYWORD_ONLY]
    assert [(p.name, p.kind, p.default) for p in ours.values()] == shape + extra
    if name in ("load_dotenv", "dotenv_values"):
        assert extra == [
            ("dialect", inspect.Parameter.KEYWORD_ONLY, "python-dotenv"),
            ("strict", inspect.Parameter.KEYWORD_ONLY, None),
        ]
    else:
        assert extra == []


def test_public_names_exist():
    for name in PUBLIC:
        assert callable(getattr(safekeys, name))
    # python-dotenv has no getenv; safekeys' getenv is an addition, not a replacement.
    assert not hasattr(dotenv, "getenv")


# --- parsing (test_parser.py, through dotenv_values) --------------------------------------

# (document, values in order, lines warned about), as python-dotenv 1.2.4 reads them.
PARSE_CASES = [
    ("", [], []),
    ("a=b", [("a", "b")], []),
    ("'a'=b", [("a", "b")], []),
    ("[=b", [("[", "b")], []),
    (" a = b ", [("a", "b")], []),
    ("export a=b", [("a", "b")], []),
    (" export 'a'=b", [("a", "b")], []),
    ("# a=b", [], []),
    ("a=b#c", [("a", "b#c")], []),
    ("a=b #c", [("a", "b")], []),
    ("a=b\t#c", [("a", "b")], []),
    ("a= #b", [("a", "")], []),
    ("a=  # b", [("a", "")], []),
    ("a=#b", [("a", "#b")], []),
    ("a=# # comment", [("a", "#")], []),
    ("a=\t#c", [("a", "")], []),
    ("a= #c\nd=e", [("a", ""), ("d", "e")], []),
    ("a=b c", [("a", "b c")], []),
    ("a=b\tc", [("a", "b\tc")], []),
    ("a=b  c", [("a", "b  c")], []),
    ("a=b\xa0 c", [("a", "b\xa0 c")], []),
    ("a=b c ", [("a", "b c")], []),
    ("a='b c '", [("a", "b c ")], []),
    ('a="b c "', [("a", "b c ")], []),
    ("export export_a=1", [("export_a", "1")], []),
    ("export port=8000", [("port", "8000")], []),
    ('a="b\nc"', [("a", "b\nc")], []),
    ("a='b\nc'", [("a", "b\nc")], []),
    ('a="b\\nc"', [("a", "b\nc")], []),
    ("a='b\\nc'", [("a", "b\\nc")], []),
    ('a="b\\"c"', [("a", 'b"c')], []),
    ("a='b\\'c'", [("a", "b'c")], []),
    ("a='b\\\\c'", [("a", "b\\c")], []),
    ('a="b\\\\c"', [("a", "b\\c")], []),
    # An escaped backslash before the closing quote ends the value.
    ("a='b\\\\'\nc='d'", [("a", "b\\"), ("c", "d")], []),
    ('a="b\\\\"\nc="d"', [("a", "b\\"), ("c", "d")], []),
    ("a='b\\\\\\'c'", [("a", "b\\'c")], []),
    ("a=à", [("a", "à")], []),
    ('a="à"', [("a", "à")], []),
    ("no_value_var", [("no_value_var", None)], []),
    ("a: b", [], [1]),
    ("a=b\nc=d", [("a", "b"), ("c", "d")], []),
    ("a=b\rc=d", [("a", "b"), ("c", "d")], []),
    ("a=b\r\nc=d", [("a", "b"), ("c", "d")], []),
    ("a=\nb=c", [("a", ""), ("b", "c")], []),
    ("\n\n", [], []),
    ("a=b\n\nc=d", [("a", "b"), ("c", "d")], []),
    ('a="\nb=c', [("b", "c")], [1]),
    ('# comment\na="b\nc"\nd=e\n', [("a", "b\nc"), ("d", "e")], []),
    ("a=b\n# comment 1", [("a", "b")], []),
    ("# comment 1\n# comment 2", [], []),
    (
        'uglyKey[%$="S3cr3t_P4ssw#rD" #\na=b',
        [("uglyKey[%$", "S3cr3t_P4ssw#rD"), ("a", "b")],
        [],
    ),
    ("\ufeffa=b", [("a", "b")], []),
    ("\ufeffa=b\nc=d", [("a", "b"), ("c", "d")], []),
    # A statement's line is where the blank lines before it start.
    ("a=1\n\n\nb c\n", [("a", "1")], [2]),
    # After a failed statement a `\r\n` is counted twice (python-dotenv's quirk).
    ("A B\r\nC D\r\nE F", [], [1, 2, 4]),
    ("A='x\ny' z\nB C", [], [1, 3]),
    # Known escapes in double quotes only; the rest keep their backslash.
    ('a="\\x\\u00e9\\$\\0\\a\\b\\f\\r\\t\\v"', [("a", "\\x\\u00e9\\$\\0\x07\x08\x0c\r\t\x0b")], []),
    ("a='\\n\\t\\\"'", [("a", '\\n\\t\\"')], []),
    ("export", [("export", None)], []),
    ("export=1", [("export", "1")], []),
    ("exportA=1", [("exportA", "1")], []),
    ("export\t a=1", [("a", "1")], []),
    ("a#b=c", [("a", None)], []),
    ("'a b'=c", [("a b", "c")], []),
    ("'a=b'=c", [("a=b", "c")], []),
    ("'a\nb'=c\nd e", [("a\nb", "c")], [3]),
    ('"A"=c', [('"A"', "c")], []),
    ('a=a"b"c', [("a", 'a"b"c')], []),
    ('A="b"c', [], [1]),
    ('A="b" "c"', [], [1]),
    ('A="b""c"', [], [1]),
    ("=b", [], [1]),
    ('A="b"#c', [("A", "b")], []),
    ("a=\\\nb=1", [("a", "\\"), ("b", "1")], []),
    # Whitespace is Python's str.isspace(), wider than ASCII.
    ("a\x0b=1\x1c\nb=\u3000x\u2028 #c", [("a", "1"), ("b", "x")], []),
    ("a=b\x85#c\nc=d \x1f#c", [("a", "b"), ("c", "d")], []),
    ("A=1\nB=2\nA=3", [("A", "3"), ("B", "2")], []),
]


@pytest.mark.parametrize(("text", "values", "warned"), PARSE_CASES)
def test_parse(lib, caplog, text, values, warned):
    result = lib.module.dotenv_values(stream=io.StringIO(text), interpolate=False)
    assert type(result) is OrderedDict
    assert list(result.items()) == values
    assert lib.parse_warnings(caplog) == warned


def test_parse_warning_names_the_source(caplog, dotenv_path):
    safekeys.dotenv_values(stream=io.StringIO("ok=1\nnot ok\n"))
    dotenv_path.write_text("A B\n")
    safekeys.dotenv_values(dotenv_path)
    assert SAFEKEYS.messages(caplog) == [
        "safekeys could not parse statement starting at line 2 of <stream>",
        f"safekeys could not parse statement starting at line 1 of {dotenv_path}",
    ]


@pytest.mark.parametrize(("text", "values", "warned"), PARSE_CASES)
def test_statements_keep_their_text(lib, tmp_path, text, values, warned):
    """Every statement's original text survives a rewrite (minus a leading BOM),
    newlines translated as ``open()`` reads them."""
    path = tmp_path / ".env"
    path.write_bytes(text.encode("utf-8"))
    assert lib.module.unset_key(path, "no such key") == (None, "no such key")
    expected = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    assert path.read_text(encoding="utf-8") == expected


# --- interpolation (test_variables.py, test_main.py) -------------------------------------------


@needs_posix
@pytest.mark.parametrize(
    ("env", "text", "interpolate", "expected"),
    [
        ({"b": "c"}, "a=$b", False, {"a": "$b"}),
        ({"b": "c"}, "a=$b", True, {"a": "$b"}),
        ({"b": "c"}, "a=${b}", False, {"a": "${b}"}),
        ({"b": "c"}, "a=${b}", True, {"a": "c"}),
        ({"b": "c"}, "a=${b:-d}", False, {"a": "${b:-d}"}),
        ({"b": "c"}, "a=${b:-d}", True, {"a": "c"}),
        ({}, "b=c\na=${b}", True, {"a": "c", "b": "c"}),
        ({}, "a=${b}", True, {"a": ""}),
        ({}, "a=${b:-d}", True, {"a": "d"}),
        ({"b": "c"}, 'a="${b}"', True, {"a": "c"}),
        ({"b": "c"}, "a='${b}'", True, {"a": "c"}),
        ({"b": "c"}, "a=x${b}y", True, {"a": "xcy"}),
        ({"a": "b"}, "a=${a}", True, {"a": "b"}),
        ({}, "a=${a}", True, {"a": ""}),
        ({"a": "b"}, "a=${a:-c}", True, {"a": "b"}),
        ({}, "a=${a:-c}", True, {"a": "c"}),
        ({"b": "c"}, "a=${b}${b}", True, {"a": "cc"}),
        ({"b": "c"}, "b=d\na=${b}", True, {"a": "d", "b": "d"}),
        ({}, "a=b\na=c\nd=${a}", True, {"a": "c", "d": "c"}),
        ({}, "a=b\nc=${a}\nd=e\nc=${d}", True, {"a": "b", "c": "e", "d": "e"}),
        # parse_variables' shapes: literals around references, several references.
        ({}, "v=", True, {"v": ""}),
        ({"a": "1", "b": "2"}, "v=${a}${b}", True, {"v": "12"}),
        ({"b": "B", "d": "D"}, "v=a${b}c${d}e", True, {"v": "aBcDe"}),
        ({}, "v=${a:-b}", True, {"v": "b"}),
        # Forms the pattern does not take, or takes differently.
        ({"a": "1"}, "v=${a-x}", True, {"v": ""}),
        ({"a": "1"}, "v=${a:x}", True, {"v": "${a:x}"}),
        ({"a": "1"}, "v=${a", True, {"v": "${a"}),
        ({"h": "H"}, "v=${nope:-${h}}", True, {"v": "${h}"}),
        ({"x": "X"}, 'v="\\${x}"', True, {"v": "\\X"}),
        ({"e": ""}, "v=${e:-d}", True, {"v": ""}),
        ({}, "bare\nv=${bare:-d}", True, {"bare": None, "v": ""}),
        ({}, "v=${later}\nlater=1", True, {"v": "", "later": "1"}),
    ],
)
def test_interpolation(lib, env, text, interpolate, expected):
    with mock.patch.dict(os.environ, env, clear=True):
        result = lib.module.dotenv_values(stream=io.StringIO(text), interpolate=interpolate)
    assert result == expected


# --- set_key ----------------------------------------------------------------------------------


def test_set_key_creates_missing_file(lib, tmp_path, caplog):
    path = tmp_path / "nx"
    assert lib.module.set_key(path, "foo", "bar") == (True, "foo", "bar")
    assert path.read_text() == "foo='bar'\n"
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("before", "key", "value", "after"),
    [
        ("", "a", "", "a=''\n"),
        ("", "a", "b", "a='b'\n"),
        ("", "a", "'b'", "a='\\'b\\''\n"),
        ("", "a", '"b"', "a='\"b\"'\n"),
        ("", "a", "b'c", "a='b\\'c'\n"),
        ("", "a", 'b"c', "a='b\"c'\n"),
        ("a=b", "a", "c", "a='c'\n"),
        ("a=b\n", "a", "c", "a='c'\n"),
        ("a=b\n\n", "a", "c", "a='c'\n\n"),
        ("a=b\nc=d", "a", "e", "a='e'\nc=d"),
        ("a=b\nc=d\ne=f", "c", "g", "a=b\nc='g'\ne=f"),
        ("a=b\n", "c", "d", "a=b\nc='d'\n"),
        ("a=b", "c", "d", "a=b\nc='d'\n"),
        ("", "a", "b\\c", "a='b\\\\c'\n"),
        ("", "a", "b\\", "a='b\\\\'\n"),
        ("", "a", "b\\'c", "a='b\\\\\\'c'\n"),
        # Every binding is replaced where it stands; `export` goes with it.
        ("a=1\nb=2\nexport a=3\n", "a", "x", "a='x'\nb=2\na='x'\n"),
        # Comments and blank lines stay.
        ("# top\n\na=1 # c\n", "a", "2", "# top\na='2'\n"),
    ],
)
def test_set_key(lib, dotenv_path, caplog, before, key, value, after):
    dotenv_path.write_text(before)
    assert lib.module.set_key(dotenv_path, key, value) == (True, key, value)
    assert dotenv_path.read_text() == after
    assert lib.messages(caplog) == []


def test_set_key_leading_blank_lines_go_with_the_statement(lib, dotenv_path):
    """Blank lines before a replaced statement belong to it (python-dotenv's originals)."""
    dotenv_path.write_text("x=1\n\n\na=1\n")
    lib.module.set_key(dotenv_path, "a", "2")
    assert dotenv_path.read_text() == "x=1\na='2'\n"


@pytest.mark.parametrize(
    "value",
    [
        "C:\\Users",
        "C:\\Users\\",
        "\\d+",
        "back\\",
        "a\\'b",
        "it's",
        'say "hi"',
        "a\\nb",
        "plain",
        "",
    ],
)
def test_set_key_round_trips(lib, dotenv_path, value):
    lib.module.set_key(dotenv_path, "a", value)
    lib.module.set_key(dotenv_path, "b", "sentinel")
    assert lib.module.get_key(dotenv_path, "a") == value
    # A value written badly would swallow the line after it.
    assert lib.module.get_key(dotenv_path, "b") == "sentinel"


@pytest.mark.parametrize(
    ("quote_mode", "export", "value", "line"),
    [
        ("always", False, "abc", "K='abc'\n"),
        ("always", True, "abc", "export K='abc'\n"),
        ("auto", False, "abc123", "K=abc123\n"),
        ("auto", False, "é", "K=é\n"),  # str.isalnum() is Unicode-aware
        ("auto", False, "a b", "K='a b'\n"),
        ("auto", False, "", "K=''\n"),
        ("auto", True, "a-b", "export K='a-b'\n"),
        ("never", False, "a b", "K=a b\n"),
        ("never", False, "it's\\", "K=it's\\\n"),
        ("never", True, "", "export K=\n"),
    ],
)
def test_set_key_quote_modes(lib, dotenv_path, quote_mode, export, value, line):
    result = lib.module.set_key(dotenv_path, "K", value, quote_mode=quote_mode, export=export)
    assert result == (True, "K", value)
    assert dotenv_path.read_text(encoding="utf-8") == line


def test_set_key_unknown_quote_mode(lib, dotenv_path):
    with pytest.raises(ValueError, match=r"^Unknown quote_mode: sometimes$"):
        lib.module.set_key(dotenv_path, "a", "b", quote_mode="sometimes")
    assert dotenv_path.read_bytes() == b""


def test_set_key_encoding(lib, dotenv_path):
    assert lib.module.set_key(dotenv_path, "a", "é", encoding="latin-1") == (True, "a", "é")
    assert dotenv_path.read_bytes() == b"a='\xe9'\n"


def test_set_key_keeps_invalid_lines_and_warns(lib, dotenv_path, caplog):
    original = 'not valid\nA=1\n  \'open\nB="x" y\r\n# done'
    dotenv_path.write_bytes(original.encode())
    lib.module.set_key(dotenv_path, "C", "3")
    # Universal newlines turn the \r\n into \n; every byte else is kept.
    assert dotenv_path.read_text() == "not valid\nA=1\n  'open\nB=\"x\" y\n# done\nC='3'\n"
    assert lib.parse_warnings(caplog) == [1, 3, 4]


@pytest.mark.parametrize("action", ["set", "unset"])
def test_rewrites_turn_crlf_endings_into_lf(lib, dotenv_path, action):
    # What the README documents instead of "byte for byte": both libraries
    # write every line ending as \n.
    dotenv_path.write_bytes(b"A=1\r\nB=2\r\nC=3\r\n")
    if action == "set":
        lib.module.set_key(dotenv_path, "B", "x", quote_mode="never")
        assert dotenv_path.read_bytes() == b"A=1\nB=x\nC=3\n"
    else:
        lib.module.unset_key(dotenv_path, "B")
        assert dotenv_path.read_bytes() == b"A=1\nC=3\n"


def test_set_key_appends_a_newline_first(lib, dotenv_path):
    dotenv_path.write_text("A=1 # no newline at the end")
    lib.module.set_key(dotenv_path, "B", "2")
    assert dotenv_path.read_text() == "A=1 # no newline at the end\nB='2'\n"


def test_set_key_drops_the_bom(lib, dotenv_path):
    dotenv_path.write_bytes(b"\xef\xbb\xbfA=1\n")
    lib.module.set_key(dotenv_path, "B", "2")
    assert dotenv_path.read_bytes() == b"A=1\nB='2'\n"


@needs_posix
def test_set_key_preserves_file_mode(lib, dotenv_path):
    dotenv_path.write_text("a=x\n")
    dotenv_path.chmod(0o640)
    lib.module.set_key(dotenv_path, "a", "y")
    assert stat.S_IMODE(dotenv_path.stat().st_mode) == 0o640


@needs_posix
def test_set_key_replaces_a_symlink_to_a_file(lib, tmp_path):
    target = tmp_path / "target.env"
    target.write_text("a=x\n")
    link = tmp_path / ".env"
    link.symlink_to(target)
    lib.module.set_key(link, "a", "y")
    assert target.read_text() == "a=x\n"
    assert not link.is_symlink()
    assert link.read_text() == "a='y'\n"
    assert stat.S_IMODE(link.stat().st_mode) == 0o600


@needs_posix
def test_set_key_replaces_a_dangling_symlink(lib, tmp_path):
    target = tmp_path / "nx"
    link = tmp_path / ".env"
    link.symlink_to(target)
    lib.module.set_key(link, "a", "x")
    assert not target.exists()
    assert not link.is_symlink()
    assert link.read_text() == "a='x'\n"


@needs_posix
def test_set_key_follow_symlinks(lib, tmp_path):
    target = tmp_path / "target.env"
    target.write_text("a=x\n")
    target.chmod(0o644)
    link = tmp_path / ".env"
    link.symlink_to(target)
    lib.module.set_key(link, "a", "y", follow_symlinks=True)
    assert link.is_symlink()
    assert target.read_text() == "a='y'\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@needs_posix
def test_set_key_follow_symlinks_creates_the_target(lib, tmp_path):
    target = tmp_path / "nx"
    link = tmp_path / ".env"
    link.symlink_to(target)
    lib.module.set_key(link, "a", "x", follow_symlinks=True)
    assert link.is_symlink()
    assert target.read_text() == "a='x'\n"


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root can read a file with mode 000"
)
def test_set_key_permission_error(lib, dotenv_path):
    dotenv_path.chmod(0o000)
    try:
        with pytest.raises(PermissionError):
            lib.module.set_key(dotenv_path, "a", "b")
    finally:
        dotenv_path.chmod(0o600)
    assert dotenv_path.read_text() == ""


def test_set_key_leaves_no_temporary_file(lib, tmp_path):
    path = tmp_path / ".env"
    lib.module.set_key(path, "a", "1")
    lib.module.set_key(path, "a", "2")
    with pytest.raises(UnicodeEncodeError):
        lib.module.set_key(path, "a", "日本", encoding="latin-1")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]
    assert path.read_text() == "a='2'\n"


# --- get_key ----------------------------------------------------------------------------------


def test_get_key_no_file(lib, tmp_path, caplog):
    path = tmp_path / "nx"
    assert lib.module.get_key(path, "foo") is None
    assert lib.messages(caplog, logging.INFO) == [lib.not_found_info(path)]
    assert lib.messages(caplog) == [f"Key foo not found in {path}."]


def test_get_key_not_found(lib, dotenv_path, caplog):
    assert lib.module.get_key(dotenv_path, "foo") is None
    assert lib.messages(caplog) == [f"Key foo not found in {dotenv_path}."]
    assert lib.records(caplog)[0].args == ("foo", dotenv_path)


def test_get_key_ok(lib, dotenv_path, caplog):
    dotenv_path.write_text("foo=bar")
    assert lib.module.get_key(dotenv_path, "foo") == "bar"
    assert lib.messages(caplog) == []


def test_get_key_bare_key_is_none_without_warning(lib, dotenv_path, caplog):
    dotenv_path.write_text("foo")
    assert lib.module.get_key(dotenv_path, "foo") is None
    assert lib.messages(caplog) == []


def test_get_key_encoding(lib, dotenv_path):
    dotenv_path.write_text("é=è", encoding="latin-1")
    assert lib.module.get_key(dotenv_path, "é", encoding="latin-1") == "è"


def test_get_key_interpolates_file_first(lib, dotenv_path, monkeypatch):
    monkeypatch.setenv("SK_COMPAT_A", "env")
    dotenv_path.write_text("SK_COMPAT_A=file\nB=${SK_COMPAT_A}/${SK_COMPAT_NOPE:-d}")
    assert lib.module.get_key(dotenv_path, "B") == "file/d"


def test_get_key_ignores_python_dotenv_disabled(lib, dotenv_path, monkeypatch):
    monkeypatch.setenv("PYTHON_DOTENV_DISABLED", "1")
    dotenv_path.write_text("a=b")
    assert lib.module.get_key(dotenv_path, "a") == "b"
    assert lib.module.dotenv_values(dotenv_path) == {"a": "b"}


# --- unset_key --------------------------------------------------------------------------------


def test_unset_with_value(lib, dotenv_path, caplog):
    dotenv_path.write_text("a=b\nc=d")
    assert lib.module.unset_key(dotenv_path, "a") == (True, "a")
    assert dotenv_path.read_text() == "c=d"
    assert lib.messages(caplog) == []


def test_unset_bare_key(lib, dotenv_path, caplog):
    dotenv_path.write_text("foo")
    assert lib.module.unset_key(dotenv_path, "foo") == (True, "foo")
    assert dotenv_path.read_text() == ""
    assert lib.messages(caplog) == []


def test_unset_removes_every_binding(lib, dotenv_path):
    dotenv_path.write_text("a=1\nb=2\n export a='3'\n# a=4\n")
    assert lib.module.unset_key(dotenv_path, "a") == (True, "a")
    assert dotenv_path.read_text() == "b=2\n# a=4\n"


def test_unset_encoding(lib, dotenv_path):
    dotenv_path.write_text("é=x", encoding="latin-1")
    assert lib.module.unset_key(dotenv_path, "é", encoding="latin-1") == (True, "é")
    assert dotenv_path.read_text(encoding="latin-1") == ""


def test_unset_non_existent_file(lib, tmp_path, caplog):
    path = tmp_path / "nx"
    assert lib.module.unset_key(path, "foo") == (None, "foo")
    assert lib.messages(caplog) == [f"Can't delete from {path} - it doesn't exist."]
    assert not path.exists()


def test_unset_absent_key(lib, dotenv_path, caplog):
    dotenv_path.write_bytes(b"a=1\r\nbad line\n")
    assert lib.module.unset_key(dotenv_path, "b") == (None, "b")
    assert lib.parse_warnings(caplog) == [2]
    assert lib.messages(caplog)[-1] == f"Key b not removed from {dotenv_path} - key doesn't exist."
    # The file is rewritten all the same (newlines translated).
    assert dotenv_path.read_bytes() == b"a=1\nbad line\n"


def test_unset_quote_mode_is_accepted_and_unused(lib, dotenv_path):
    dotenv_path.write_text("a=1\nb=2\n")
    assert lib.module.unset_key(dotenv_path, "a", quote_mode="nonsense") == (True, "a")
    assert dotenv_path.read_text() == "b=2\n"


@needs_posix
def test_unset_preserves_file_mode(lib, dotenv_path):
    dotenv_path.write_text("a=1\nb=2\n")
    dotenv_path.chmod(0o604)
    lib.module.unset_key(dotenv_path, "a")
    assert stat.S_IMODE(dotenv_path.stat().st_mode) == 0o604


@needs_posix
def test_unset_key_symlink_to_existing_file(lib, tmp_path):
    target = tmp_path / "target.env"
    target.write_text("a=x\n")
    link = tmp_path / ".env"
    link.symlink_to(target)
    lib.module.unset_key(link, "a")
    assert target.read_text() == "a=x\n"
    assert not link.is_symlink()
    assert link.read_text() == ""


@needs_posix
def test_unset_key_symlink_to_missing_file(lib, tmp_path, caplog):
    link = tmp_path / ".env"
    link.symlink_to(tmp_path / "nx")
    assert lib.module.unset_key(link, "a") == (None, "a")
    assert link.is_symlink()
    assert lib.messages(caplog) == [f"Can't delete from {link} - it doesn't exist."]


@needs_posix
def test_unset_key_follow_symlinks(lib, tmp_path):
    target = tmp_path / "target.env"
    target.write_text("a=b\n")
    link = tmp_path / ".env"
    link.symlink_to(target)
    lib.module.unset_key(link, "a", follow_symlinks=True)
    assert target.read_text() == ""
    assert link.is_symlink()


# --- find_dotenv ------------------------------------------------------------------------------


def nested(tmp_path: Path) -> Path:
    """tmp/child1/child2/child3/child4, returned as the leaf."""
    leaf = tmp_path / "child1" / "child2" / "child3" / "child4"
    leaf.mkdir(parents=True)
    return leaf


def test_find_dotenv_no_file_raise(lib, tmp_path, monkeypatch):
    monkeypatch.chdir(nested(tmp_path))
    with pytest.raises(OSError, match="File not found"):
        lib.module.find_dotenv(raise_error_if_not_found=True, usecwd=True)


def test_find_dotenv_no_file_no_raise(lib, tmp_path, monkeypatch):
    monkeypatch.chdir(nested(tmp_path))
    assert lib.module.find_dotenv(usecwd=True) == ""


def test_find_dotenv_found_above(lib, tmp_path, monkeypatch):
    monkeypatch.chdir(nested(tmp_path))
    path = tmp_path / ".env"
    path.write_bytes(b"TEST=test\n")
    assert lib.module.find_dotenv(usecwd=True) == str(path)


def test_find_dotenv_nearest_wins(lib, tmp_path, monkeypatch):
    leaf = nested(tmp_path)
    monkeypatch.chdir(leaf)
    (tmp_path / ".env").write_text("A=far")
    near = tmp_path / "child1" / "child2" / ".env"
    near.write_text("A=near")
    assert lib.module.find_dotenv(usecwd=True) == str(near)


def test_find_dotenv_other_names(lib, tmp_path, monkeypatch):
    leaf = nested(tmp_path)
    monkeypatch.chdir(leaf)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.env").write_text("A=1")
    (tmp_path / "child1" / ".env.local").write_text("A=1")
    assert lib.module.find_dotenv(".env.local", usecwd=True) == str(
        tmp_path / "child1" / ".env.local"
    )
    assert lib.module.find_dotenv(os.path.join("conf", "app.env"), usecwd=True) == os.path.join(
        str(tmp_path), "conf", "app.env"
    )
    absolute = str(tmp_path / "conf" / "app.env")
    assert lib.module.find_dotenv(absolute, usecwd=True) == absolute


def test_find_dotenv_skips_directories(lib, tmp_path, monkeypatch):
    leaf = nested(tmp_path)
    monkeypatch.chdir(leaf)
    (tmp_path / "child1" / ".env").mkdir()
    (tmp_path / ".env").write_text("A=1")
    assert lib.module.find_dotenv(usecwd=True) == str(tmp_path / ".env")


def write_module(directory: Path, name: str, body: str) -> ModuleType:
    """Import a module file placed in ``directory``: a caller with a real file."""
    import importlib.util

    path = directory / f"{name}.py"
    path.write_text(textwrap.dedent(body))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_find_dotenv_starts_at_the_calling_file(lib, tmp_path, monkeypatch):
    """Outside a REPL the search starts in the caller's directory, not the cwd."""
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    for attr in ("ps1", "ps2"):
        monkeypatch.delattr(sys, attr, raising=False)
    project = tmp_path / "project"
    code = project / "src"
    code.mkdir(parents=True)
    (project / ".env").write_text("A=project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".env").write_text("A=cwd")
    monkeypatch.chdir(elsewhere)
    caller = write_module(
        code,
        f"caller_{lib.name.replace('-', '_')}",
        f"""
        import {lib.module.__name__} as lib

        def find():
            return lib.find_dotenv()

        def values():
            return lib.dotenv_values()
        """,
    )
    assert caller.find() == str(project / ".env")
    assert caller.values() == {"A": "project"}
    assert lib.module.find_dotenv(usecwd=True) == str(elsewhere / ".env")


SCRIPT = """
import os
import {module}

{module}.load_dotenv(verbose=True)
print(os.environ["a"])
"""


@pytest.mark.parametrize("module", ["dotenv", "safekeys"])
def test_load_dotenv_in_script_directory(tmp_path, module):
    (tmp_path / ".env").write_bytes(b"a=b")
    script = tmp_path / "code.py"
    script.write_text(SCRIPT.format(module=module))
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd="/" if sys.platform != "win32" else None,
        capture_output=True,
        text=True,
        check=True,
        env=script_env(),
    )
    assert result.stdout == "b\n"


@pytest.mark.parametrize("module", ["dotenv", "safekeys"])
def test_find_dotenv_with_python_c_uses_the_cwd(tmp_path, module):
    (tmp_path / ".env").write_text("A=1")
    sub = tmp_path / "sub"
    sub.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}; print({module}.find_dotenv())"],
        cwd=sub,
        capture_output=True,
        text=True,
        check=True,
        env=script_env(),
    )
    assert result.stdout == f"{tmp_path / '.env'}\n"


# _is_interactive (test_is_interactive.py): when find_dotenv searches from the cwd.


@pytest.fixture
def cwd_below_dotenv(tmp_path, monkeypatch) -> Path:
    """A .env in tmp, the cwd in tmp/subdir; returns the .env."""
    path = tmp_path / ".env"
    path.write_text("TEST=value")
    sub = tmp_path / "subdir"
    sub.mkdir()
    monkeypatch.chdir(sub)
    return path


def no_prompts(monkeypatch) -> None:
    for attr in ("ps1", "ps2"):
        monkeypatch.delattr(sys, attr, raising=False)


def fake_main(monkeypatch, main=None, error=None) -> None:
    """Make ``__import__("__main__", ...)`` return ``main`` or raise ``error``."""
    real_import = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "__main__":
            if error is not None:
                raise error
            return main
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)


@pytest.mark.parametrize("prompts", [("ps1",), ("ps2",), ("ps1", "ps2")])
def test_interactive_prompt_means_cwd(lib, cwd_below_dotenv, monkeypatch, prompts):
    for attr in prompts:
        monkeypatch.setattr(sys, attr, ">>> ", raising=False)
    assert lib.module.find_dotenv() == str(cwd_below_dotenv)


def test_main_without_file_means_cwd(lib, cwd_below_dotenv, monkeypatch):
    no_prompts(monkeypatch)
    main = mock.MagicMock()
    del main.__file__
    fake_main(monkeypatch, main)
    assert lib.module.find_dotenv() == str(cwd_below_dotenv)


def test_prompt_wins_over_main_with_file(lib, cwd_below_dotenv, monkeypatch):
    monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)
    main = mock.MagicMock()
    main.__file__ = "/path/to/script.py"
    fake_main(monkeypatch, main)
    assert lib.module.find_dotenv() == str(cwd_below_dotenv)


@pytest.mark.parametrize("file", ["/path/to/script.py", None])
def test_main_with_file_means_caller_directory(lib, cwd_below_dotenv, monkeypatch, file):
    no_prompts(monkeypatch)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    main = mock.MagicMock()
    main.__file__ = file
    fake_main(monkeypatch, main)
    found = lib.module.find_dotenv()
    assert found != str(cwd_below_dotenv)
    assert found == PYTHON_DOTENV.module.find_dotenv()


def test_main_not_importable_means_caller_directory(lib, cwd_below_dotenv, monkeypatch):
    no_prompts(monkeypatch)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    fake_main(monkeypatch, error=ModuleNotFoundError("No module named '__main__'"))
    found = lib.module.find_dotenv()
    assert found != str(cwd_below_dotenv)
    assert found == PYTHON_DOTENV.module.find_dotenv()


def test_usecwd_wins_over_non_interactive(lib, cwd_below_dotenv, monkeypatch):
    no_prompts(monkeypatch)
    main = mock.MagicMock()
    main.__file__ = "/path/to/script.py"
    fake_main(monkeypatch, main)
    assert lib.module.find_dotenv(usecwd=True) == str(cwd_below_dotenv)


def test_debugger_means_cwd(lib, cwd_below_dotenv, monkeypatch):
    no_prompts(monkeypatch)
    monkeypatch.setattr(sys, "gettrace", lambda: lambda *a: None)
    assert lib.module.find_dotenv() == str(cwd_below_dotenv)


def test_frozen_means_cwd(lib, cwd_below_dotenv, monkeypatch):
    no_prompts(monkeypatch)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert lib.module.find_dotenv() == str(cwd_below_dotenv)


# --- load_dotenv ------------------------------------------------------------------------------

TRUTHY = ["true", "yes", "1", "t", "y", "True", "Yes", "TRUE", "YES", "T", "Y"]
FALSY = ["", "false", "no", "0", "f", "n", "False", "No", "FALSE", "NO", "F", "N", "on"]


@needs_posix
def test_load_dotenv_existing_file(lib, dotenv_path):
    dotenv_path.write_text("a=b")
    with mock.patch.dict(os.environ, {}, clear=True):
        assert lib.module.load_dotenv(dotenv_path) is True
        assert os.environ == {"a": "b"}


@pytest.mark.parametrize("flag", TRUTHY)
def test_load_dotenv_disabled(lib, dotenv_path, caplog, flag):
    dotenv_path.write_text("a=b")
    with mock.patch.dict(os.environ, {"PYTHON_DOTENV_DISABLED": flag}, clear=True):
        assert lib.module.load_dotenv(dotenv_path) is False
        assert os.environ == {"PYTHON_DOTENV_DISABLED": flag}
    assert lib.messages(caplog, logging.DEBUG) == [lib.disabled_debug()]


@needs_posix
@pytest.mark.parametrize("flag", FALSY)
def test_load_dotenv_enabled(lib, dotenv_path, caplog, flag):
    dotenv_path.write_text("a=b")
    with mock.patch.dict(os.environ, {"PYTHON_DOTENV_DISABLED": flag}, clear=True):
        assert lib.module.load_dotenv(dotenv_path) is True
        assert os.environ == {"PYTHON_DOTENV_DISABLED": flag, "a": "b"}
    assert lib.disabled_debug() not in lib.messages(caplog, logging.DEBUG)


@needs_posix
def test_load_dotenv_doesnt_disable_itself(lib, dotenv_path):
    dotenv_path.write_text("PYTHON_DOTENV_DISABLED=true\nA=1")
    with mock.patch.dict(os.environ, {}, clear=True):
        assert lib.module.load_dotenv(dotenv_path) is True
        assert os.environ == {"PYTHON_DOTENV_DISABLED": "true", "A": "1"}


def test_load_dotenv_no_file_verbose(lib, tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert lib.module.load_dotenv(".does_not_exist", verbose=True) is False
    assert lib.messages(caplog, logging.INFO) == [lib.not_found_info(".does_not_exist")]


def test_load_dotenv_no_file_quiet(lib, tmp_path, caplog):
    assert lib.module.load_dotenv(tmp_path / "nx") is False
    assert [r for r in caplog.records if r.name == lib.logger] == []


@needs_posix
@pytest.mark.parametrize(
    ("text", "override", "expected"),
    [
        ("a=b", False, {"a": "c"}),
        ("a=b", True, {"a": "b"}),
        # References see the environment first unless override=True.
        ('a=b\nd="${a}"', False, {"a": "c", "d": "c"}),
        ('a=b\nd="${a}"', True, {"a": "b", "d": "b"}),
    ],
)
def test_load_dotenv_override(lib, dotenv_path, text, override, expected):
    dotenv_path.write_text(text)
    with mock.patch.dict(os.environ, {"a": "c"}, clear=True):
        assert lib.module.load_dotenv(dotenv_path, override=override) is True
        assert os.environ == expected


@needs_posix
def test_load_dotenv_keeps_an_empty_variable(lib, dotenv_path):
    dotenv_path.write_text("a=b")
    with mock.patch.dict(os.environ, {"a": ""}, clear=True):
        assert lib.module.load_dotenv(dotenv_path) is True
        assert os.environ == {"a": ""}


@needs_posix
@pytest.mark.parametrize(
    ("text", "environ", "result", "after"),
    [
        ("", {}, False, {}),
        ("# only a comment\n\n", {}, False, {}),
        ("bad line", {}, False, {}),
        ("A", {}, True, {}),  # a bare key counts, though nothing is set
        ("A=1", {"A": "x"}, True, {"A": "x"}),  # nothing set: still True
        ("A=1\nB\nC=", {}, True, {"A": "1", "C": ""}),
    ],
)
def test_load_dotenv_return_value(lib, dotenv_path, text, environ, result, after):
    dotenv_path.write_text(text)
    with mock.patch.dict(os.environ, environ, clear=True):
        assert lib.module.load_dotenv(dotenv_path) is result
        assert os.environ == after


@needs_posix
def test_load_dotenv_interpolate_false(lib, dotenv_path):
    dotenv_path.write_text("a=${b}\nb=1")
    with mock.patch.dict(os.environ, {"b": "env"}, clear=True):
        assert lib.module.load_dotenv(dotenv_path, interpolate=False) is True
        assert os.environ == {"a": "${b}", "b": "env"}


def test_load_dotenv_rejects_what_os_environ_rejects(lib):
    with mock.patch.dict(os.environ, {}, clear=True):
        with pytest.raises(ValueError, match="illegal environment variable name"):
            lib.module.load_dotenv(stream=io.StringIO("A=1\n'a=b'=c\nZ=2"))
        assert os.environ.get("A") == "1"
        assert "Z" not in os.environ


@pytest.mark.parametrize("override", [False, True])
def test_load_dotenv_checks_every_key_against_os_environ(lib, override):
    """``key in os.environ`` runs first, even for a bare key, and fails for a
    name os.environ cannot encode."""
    with mock.patch.dict(os.environ, {}, clear=True):
        with pytest.raises(UnicodeEncodeError):
            lib.module.load_dotenv(stream=io.StringIO("A=1\n\ud800\nZ=2"), override=override)
        assert os.environ.get("A") == "1"
        assert "Z" not in os.environ


@needs_posix
def test_undecodable_bytes_pass_through(lib, dotenv_path, monkeypatch):
    """Lone surrogates (``errors="surrogateescape"``, undecodable environment
    variables) come out as they went in."""
    monkeypatch.setenv("SK_COMPAT_BYTES", "a\udcffb")
    dotenv_path.write_bytes(b"RAW=\xff\nREF=${SK_COMPAT_BYTES}\n${\xfe}=x\n")
    with dotenv_path.open(encoding="utf-8", errors="surrogateescape") as f:
        assert lib.module.dotenv_values(stream=f) == {
            "RAW": "\udcff",
            "REF": "a\udcffb",
            "${\udcfe}": "x",
        }
    dotenv_path.write_text("REF=<${SK_COMPAT_BYTES}>")
    assert lib.module.dotenv_values(dotenv_path) == {"REF": "<a\udcffb>"}
    with mock.patch.dict(os.environ, {"SK_COMPAT_BYTES": "a\udcffb"}, clear=True):
        assert lib.module.load_dotenv(dotenv_path) is True
        assert os.environb[b"REF"] == b"<a\xffb>"


def test_bytes_path(lib, dotenv_path):
    dotenv_path.write_text("A=1")
    assert lib.module.dotenv_values(os.fsencode(dotenv_path)) == {"A": "1"}


@needs_posix
def test_load_dotenv_string_io_utf_8(lib):
    with mock.patch.dict(os.environ, {}, clear=True):
        assert lib.module.load_dotenv(stream=io.StringIO("a=à")) is True
        assert os.environ == {"a": "à"}


@needs_posix
def test_load_dotenv_file_stream(lib, dotenv_path):
    dotenv_path.write_text("a=b")
    with mock.patch.dict(os.environ, {}, clear=True), dotenv_path.open() as f:
        assert lib.module.load_dotenv(stream=f) is True
        assert os.environ == {"a": "b"}


def test_path_and_stream_precedence(lib, tmp_path):
    """An existing file wins over the stream; a missing one or a directory does not."""
    path = tmp_path / ".env"
    path.write_text("from=file")
    values = lib.module.dotenv_values
    assert values(path, stream=io.StringIO("from=stream")) == {"from": "file"}
    assert values(tmp_path / "nx", stream=io.StringIO("from=stream")) == {"from": "stream"}
    assert values(tmp_path, stream=io.StringIO("from=stream")) == {"from": "stream"}
    assert values("", stream=io.StringIO("from=stream")) == {"from": "stream"}
    assert values("") == {}


@needs_posix
def test_load_dotenv_sets_no_none_values(lib):
    with mock.patch.dict(os.environ, {}, clear=True):
        assert lib.module.load_dotenv(stream=io.StringIO("A\nB=\nC='c'")) is True
        assert os.environ == {"B": "", "C": "c"}


# --- dotenv_values ----------------------------------------------------------------------------


def test_dotenv_values_file(lib, dotenv_path):
    dotenv_path.write_text("a=b")
    assert lib.module.dotenv_values(dotenv_path) == {"a": "b"}
    assert lib.module.dotenv_values(str(dotenv_path)) == {"a": "b"}


def test_dotenv_values_file_stream(lib, dotenv_path):
    dotenv_path.write_text("a=b")
    with dotenv_path.open() as f:
        assert lib.module.dotenv_values(stream=f) == {"a": "b"}


def test_dotenv_values_universal_newlines(lib, dotenv_path):
    dotenv_path.write_bytes(b'A=1\r\nB="x\r\ny"\rC=3')
    assert list(lib.module.dotenv_values(dotenv_path).items()) == [
        ("A", "1"),
        ("B", "x\ny"),
        ("C", "3"),
    ]
    # A stream gets no translation.
    text = 'A=1\r\nB="x\r\ny"\rC=3'
    assert lib.module.dotenv_values(stream=io.StringIO(text))["B"] == "x\r\ny"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KEY= # comment", {"KEY": ""}),
        ("KEY=  # comment", {"KEY": ""}),
        ("KEY=val # comment", {"KEY": "val"}),
        ("KEY=a#b", {"KEY": "a#b"}),
        ("KEY=#novalue", {"KEY": "#novalue"}),
        ("KEY=# # comment", {"KEY": "#"}),
        ("KEY=\t# comment", {"KEY": ""}),
        ("KEY= # comment\nOTHER=val", {"KEY": "", "OTHER": "val"}),
    ],
)
def test_dotenv_values_empty_value_with_inline_comment(lib, text, expected):
    assert lib.module.dotenv_values(stream=io.StringIO(text)) == expected


def test_dotenv_values_bare_keys_are_none(lib):
    result = lib.module.dotenv_values(stream=io.StringIO("a\nb=\n"))
    assert list(result.items()) == [("a", None), ("b", "")]


def test_dotenv_values_verbose_missing_file(lib, tmp_path, caplog):
    path = tmp_path / "nx"
    assert lib.module.dotenv_values(path, verbose=True) == {}
    assert lib.messages(caplog, logging.INFO) == [lib.not_found_info(path)]


# --- encodings --------------------------------------------------------------------------------


@needs_posix
def test_latin_1_file(lib, dotenv_path):
    dotenv_path.write_bytes("NAME=Zoë\nCITY='Pärnu'\n".encode("latin-1"))
    assert lib.module.dotenv_values(dotenv_path, encoding="latin-1") == {
        "NAME": "Zoë",
        "CITY": "Pärnu",
    }
    with mock.patch.dict(os.environ, {}, clear=True):
        assert lib.module.load_dotenv(dotenv_path, encoding="latin-1") is True
        assert os.environ == {"NAME": "Zoë", "CITY": "Pärnu"}


def test_latin_1_file_read_as_utf_8_fails(lib, dotenv_path):
    dotenv_path.write_bytes("A=1\nNAME=Zoë\n".encode("latin-1"))
    with pytest.raises(UnicodeDecodeError):
        lib.module.dotenv_values(dotenv_path)
    with pytest.raises(UnicodeDecodeError):
        lib.module.load_dotenv(dotenv_path)


def test_decode_error_locates_without_showing_bytes(dotenv_path):
    dotenv_path.write_bytes(b"A=1\nSECRET=ab\xe9cd\n")
    with pytest.raises(safekeys.DotenvDecodeError) as caught:
        safekeys.dotenv_values(dotenv_path)
    assert isinstance(caught.value, UnicodeDecodeError)
    message = str(caught.value)
    assert str(dotenv_path) in message
    assert "line 2" in message
    assert "column 10" in message
    assert "\\xe9" not in message and "abcd" not in message


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf_8", "utf-8-sig"])
def test_utf_8_spellings(lib, dotenv_path, encoding):
    dotenv_path.write_bytes("\ufeffA=é\n".encode())
    assert lib.module.dotenv_values(dotenv_path, encoding=encoding) == {"A": "é"}


def test_locale_encoding(dotenv_path):
    """``encoding=None`` reads with the locale's encoding, whatever it is here."""
    dotenv_path.write_bytes("A=é\n".encode())
    try:
        expected = dotenv.dotenv_values(dotenv_path, encoding=None)
    except UnicodeDecodeError:
        with pytest.raises(UnicodeDecodeError):
            safekeys.dotenv_values(dotenv_path, encoding=None)
    else:
        assert safekeys.dotenv_values(dotenv_path, encoding=None) == expected


def test_unknown_encoding(lib, dotenv_path, tmp_path):
    # Only a file that is there gets opened, so only then is the name checked.
    assert lib.module.dotenv_values(tmp_path / "nx", encoding="no-such-codec") == {}
    with pytest.raises(LookupError):
        lib.module.dotenv_values(dotenv_path, encoding="no-such-codec")


# --- FIFO (test_fifo_dotenv.py) -----------------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are Unix-only")


def serve_once(fifo: Path, text: str) -> threading.Thread:
    def writer():
        with open(fifo, "w", encoding="utf-8") as w:
            w.write(text)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    return thread


@needs_fifo
def test_load_dotenv_from_fifo(lib, tmp_path, monkeypatch):
    fifo = tmp_path / ".env"
    os.mkfifo(fifo)
    monkeypatch.delenv("MY_PASSWORD", raising=False)
    writer = serve_once(fifo, "MY_PASSWORD=pipe-secret\n")
    assert lib.module.load_dotenv(dotenv_path=str(fifo), override=True) is True
    writer.join(timeout=5)
    assert os.environ["MY_PASSWORD"] == "pipe-secret"


@needs_fifo
def test_dotenv_values_from_fifo(lib, tmp_path):
    fifo = tmp_path / ".env"
    os.mkfifo(fifo)
    writer = serve_once(fifo, "A=1\r\nB=${A}2\n")
    assert lib.module.dotenv_values(fifo) == {"A": "1", "B": "12"}
    writer.join(timeout=5)


@needs_fifo
def test_find_dotenv_finds_a_fifo(lib, tmp_path, monkeypatch):
    fifo = tmp_path / ".env"
    os.mkfifo(fifo)
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert lib.module.find_dotenv(usecwd=True) == str(fifo)


# --- get_cli_string (test_utils.py) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "dotenv"),
        ({"path": "/etc/.env"}, "dotenv -f /etc/.env"),
        ({"path": "/etc/.env", "action": "list"}, "dotenv -f /etc/.env list"),
        ({"action": "list"}, "dotenv list"),
        ({"action": "get", "key": "DEBUG"}, "dotenv get DEBUG"),
        ({"action": "set", "key": "DEBUG", "value": "True"}, "dotenv set DEBUG True"),
        ({"action": "set", "key": "SECRET", "value": "=@asdfasf"}, "dotenv set SECRET =@asdfasf"),
        ({"action": "set", "key": "SECRET", "value": "a b"}, 'dotenv set SECRET "a b"'),
        (
            {"action": "set", "key": "SECRET", "value": "a b", "quote": "always"},
            'dotenv -q always set SECRET "a b"',
        ),
        # Parts after an empty one are dropped.
        ({"action": "set", "value": "v"}, "dotenv set"),
        ({"key": "K", "value": "v"}, "dotenv"),
    ],
)
def test_get_cli_string(lib, kwargs, expected):
    assert lib.module.get_cli_string(**kwargs) == expected
