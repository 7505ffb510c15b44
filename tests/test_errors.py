"""Bad input gets a clear error that names the place and never the value."""

from __future__ import annotations

import io
import logging
import os

import pytest
import safekeys
from safekeys import _core

SECRET = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"


def test_invalid_utf8_names_file_and_line_not_bytes(tmp_path):
    env = tmp_path / ".env"
    env.write_bytes(b"A=1\nTOKEN=" + SECRET.encode() + b"\xff" + SECRET.encode() + b"\n")
    with pytest.raises(UnicodeDecodeError) as caught:
        safekeys.dotenv_values(env)
    err = caught.value
    assert isinstance(err, safekeys.DotenvDecodeError)
    message = str(err)
    assert str(env) in message and "line 2" in message and "column 47" in message
    assert SECRET not in message and SECRET[:12] not in message
    assert "\\xff" not in message and "0xff" not in message
    assert (err.line, err.column, err.position) == (2, 47, 50)


def _holds_secret(err: BaseException) -> bool:
    """Whether anything reachable from the exception (args, context, cause) holds the key."""
    seen = err
    while seen is not None:
        for arg in seen.args:
            data = arg if isinstance(arg, bytes) else str(arg).encode()
            if SECRET.encode()[:12] in data:
                return True
        seen = seen.__context__ or seen.__cause__
    return False


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", None, "ascii", "UTF8"])
@pytest.mark.parametrize(
    "call",
    [
        lambda path, enc: safekeys.dotenv_values(path, encoding=enc),
        lambda path, enc: safekeys.dotenv_values([path], encoding=enc),
        lambda path, enc: safekeys.get_key(path, "TOKEN", encoding=enc),
        lambda path, enc: safekeys.set_key(path, "OTHER", "x", encoding=enc),
        lambda path, enc: safekeys.unset_key(path, "A", encoding=enc),
    ],
    ids=["dotenv_values", "layers", "get_key", "set_key", "unset_key"],
)
def test_invalid_text_in_any_encoding_never_carries_the_bytes(tmp_path, encoding, call):
    # Python's own UnicodeDecodeError holds the undecodable chunk of the file in
    # its args: with a secret next to the bad byte, the secret.
    env = tmp_path / ".env"
    original = b"A=1\nTOKEN=" + SECRET.encode() + b"\xff" + SECRET.encode() + b"\n"
    env.write_bytes(original)
    with pytest.raises(UnicodeDecodeError) as caught:
        call(env, encoding)
    err = caught.value
    assert isinstance(err, safekeys.DotenvDecodeError)
    assert (err.line, err.column) == (2, 47)
    assert not _holds_secret(err)
    assert env.read_bytes() == original  # set_key/unset_key changed nothing


def test_invalid_utf8_propagates_from_load_dotenv(tmp_path):
    env = tmp_path / ".env"
    env.write_bytes(b"A=\xc3\x28\n")
    with pytest.raises(UnicodeDecodeError):
        safekeys.load_dotenv(env)


def test_malformed_lines_warn_with_line_only(tmp_path, caplog):
    env = tmp_path / ".env"
    env.write_text(f'GOOD=1\nTOKEN="{SECRET}" trailing\nOTHER={SECRET}\n')
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        values = safekeys.dotenv_values(env)
    assert values == {"GOOD": "1", "OTHER": SECRET}
    assert [r.getMessage() for r in caplog.records] == [
        f"safekeys could not parse statement starting at line 2 of {env}"
    ]


def test_os_errors_keep_their_type_and_filename(tmp_path):
    missing = tmp_path / "nope" / ".env"
    with pytest.raises(FileNotFoundError) as caught:
        _core.read_text(missing)
    assert caught.value.filename == str(missing)
    with pytest.raises(IsADirectoryError):
        _core.read_text(tmp_path)
    with pytest.raises(IsADirectoryError):
        safekeys.set_key(tmp_path, "A", "1")


def test_failed_write_leaves_original_and_no_temp(tmp_path):
    env = tmp_path / ".env"
    env.write_text("A=1\n")
    with pytest.raises(FileNotFoundError):
        _core.write_atomic(tmp_path / "missing-dir" / ".env", b"A=2\n")
    assert env.read_text() == "A=1\n"
    assert [p.name for p in tmp_path.iterdir()] == [".env"]


def test_unknown_dialect_is_a_value_error():
    with pytest.raises(ValueError, match="unknown dialect 'toml'"):
        safekeys.dotenv_values(stream=io.StringIO("A=1"), dialect="toml")


def test_missing_file_is_not_an_error(tmp_path, caplog):
    missing = tmp_path / ".env"
    assert safekeys.load_dotenv(missing) is False
    assert safekeys.dotenv_values(missing) == {}
    with caplog.at_level(logging.INFO, logger="safekeys"):
        assert safekeys.load_dotenv(missing, verbose=True) is False
    assert f"could not find configuration file {missing}" in caplog.text


def test_nul_in_value_raises_like_os_environ(tmp_path, monkeypatch):
    monkeypatch.delenv("NUL_TEST", raising=False)
    with pytest.raises(ValueError, match="embedded null byte"):
        safekeys.load_dotenv(stream=io.StringIO('NUL_TEST="a\x00b"'))
    assert "NUL_TEST" not in os.environ
