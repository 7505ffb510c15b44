"""dialect="dotenvy": the Rust crate's reading, for files shared with Rust services."""

from __future__ import annotations

import io
import logging

import safekeys


def values(text: str, dialect: str) -> dict:
    return dict(safekeys.dotenv_values(stream=io.StringIO(text), dialect=dialect))


def test_dollar_names_expand_only_in_dotenvy(monkeypatch):
    # dotenvy 0.15.7 ends a `$NAME` at the first character that is not
    # alphanumeric, underscores included, so this name has none.
    monkeypatch.setenv("DIALECTHOST", "db.local")
    text = "URL=postgres://$DIALECTHOST/x\nURL2=${DIALECTHOST}/y\n"
    assert values(text, "dotenvy") == {
        "URL": "postgres://db.local/x",
        "URL2": "db.local/y",
    }
    assert values(text, "python-dotenv") == {
        "URL": "postgres://$DIALECTHOST/x",
        "URL2": "db.local/y",
    }


def test_default_dialect_is_python_dotenv():
    text = "A='x\\ny'\n"
    assert values(text, "python-dotenv") == dict(safekeys.dotenv_values(stream=io.StringIO(text)))


def test_dotenvy_bad_lines_warn_and_continue(caplog):
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        got = values("A=1\nB C D\nE=2\n", "dotenvy")
    assert got == {"A": "1", "E": "2"}
    assert [r.getMessage() for r in caplog.records] == [
        "safekeys could not parse statement starting at line 2 of <stream>"
    ]


def test_load_dotenv_accepts_dialect(tmp_path, monkeypatch):
    monkeypatch.delenv("DIALECT_A", raising=False)
    env = tmp_path / ".env"
    env.write_text("export DIALECT_A=one\n")
    assert safekeys.load_dotenv(env, dialect="dotenvy") is True
    import os

    assert os.environ["DIALECT_A"] == "one"
    monkeypatch.delenv("DIALECT_A")
