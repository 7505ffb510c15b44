"""Loading that fits notebook work: reloads pick up edits, strict mode, layered files."""

from __future__ import annotations

import io
import logging
import os

import pytest
import safekeys
from conftest import cell_errors, stdout_text

OLD_KEY = "sk-proj-FAKEoldAAAA1111bbbb2222cccc3333dddd"
NEW_KEY = "sk-proj-FAKEnewEEEE5555ffff6666gggg7777hhhh"


@pytest.fixture
def environ_guard(fresh_safekeys):
    """Restore os.environ and forget what safekeys set, after each test."""


# --- reloads -----------------------------------------------------------------


def test_reload_updates_only_what_safekeys_set(tmp_path, environ_guard):
    env = tmp_path / ".env"
    env.write_text("NB_PLAIN=one\nNB_GONE=bye\nNB_OUTSIDE=from-file\nNB_REF=${NB_PLAIN}-x\n")
    os.environ["NB_OUTSIDE"] = "from-shell"
    assert safekeys.load_dotenv(env) is True
    assert (os.environ["NB_PLAIN"], os.environ["NB_REF"]) == ("one", "one-x")
    env.write_text("NB_PLAIN=two\nNB_OUTSIDE=file-2\nNB_REF=${NB_PLAIN}-x\nNB_NEW=n\n")
    assert safekeys.load_dotenv(env) is True
    assert os.environ["NB_PLAIN"] == "two"
    # ${NB_PLAIN} sees the file's new value, not the one safekeys set before.
    assert os.environ["NB_REF"] == "two-x"
    assert os.environ["NB_NEW"] == "n"
    assert os.environ["NB_OUTSIDE"] == "from-shell"
    assert "NB_GONE" not in os.environ


def test_reload_leaves_a_variable_changed_by_hand(tmp_path, environ_guard):
    env = tmp_path / ".env"
    env.write_text("NB_PLAIN=one\n")
    safekeys.load_dotenv(env)
    os.environ["NB_PLAIN"] = "by-hand"
    env.write_text("NB_PLAIN=two\n")
    safekeys.load_dotenv(env)
    assert os.environ["NB_PLAIN"] == "by-hand"
    env.write_text("")
    safekeys.load_dotenv(env)
    assert os.environ["NB_PLAIN"] == "by-hand", "only what safekeys set is removed"


def test_other_files_do_not_override_each_other(tmp_path, environ_guard):
    a, b = tmp_path / "a.env", tmp_path / "b.env"
    a.write_text("NB_SHARED=a1\n")
    b.write_text("NB_SHARED=b1\n")
    safekeys.load_dotenv(a)
    safekeys.load_dotenv(b)
    assert os.environ["NB_SHARED"] == "a1"
    a.write_text("NB_SHARED=a2\n")
    safekeys.load_dotenv(a)
    assert os.environ["NB_SHARED"] == "a2"


def test_streams_keep_python_dotenv_behaviour(environ_guard):
    safekeys.load_dotenv(stream=io.StringIO("NB_PLAIN=one\n"))
    safekeys.load_dotenv(stream=io.StringIO("NB_PLAIN=two\n"))
    assert os.environ["NB_PLAIN"] == "one"


# --- strict mode ---------------------------------------------------------------


def test_strict_missing_file_names_the_path(tmp_path, environ_guard):
    missing = tmp_path / "nope.env"
    with pytest.raises(FileNotFoundError) as caught:
        safekeys.load_dotenv(missing, strict=True)
    assert caught.value.filename == str(missing)
    with pytest.raises(FileNotFoundError):
        safekeys.dotenv_values(missing, strict=True)
    assert safekeys.load_dotenv(missing) is False, "the default stays python-dotenv's"


def test_strict_without_a_file_names_where_it_searched(tmp_path, environ_guard, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("safekeys.dotenv.find._is_interactive", lambda: True)
    with pytest.raises(FileNotFoundError, match=f"no .env file in {tmp_path} or any"):
        safekeys.load_dotenv(strict=True)


def test_strict_syntax_error_names_file_and_lines_never_values(tmp_path, environ_guard, caplog):
    env = tmp_path / ".env"
    env.write_text(f'NB_OK=1\nNB_TOKEN="{OLD_KEY}" junk\nNB_B C=2\n')
    with pytest.raises(ValueError) as caught:
        safekeys.load_dotenv(env, strict=True)
    err = caught.value
    assert isinstance(err, safekeys.DotenvSyntaxError)
    assert str(err) == f"{env}: could not parse the statement starting at lines 2, 3"
    assert (err.filename, err.lines) == (str(env), [2, 3])
    assert OLD_KEY[:12] not in str(err) + repr(err)
    assert "NB_OK" not in os.environ, "nothing is loaded when strict mode refuses a file"
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        assert safekeys.load_dotenv(env) is True
    assert len([r for r in caplog.records if "could not parse" in r.getMessage()]) == 2


def test_safekeys_strict_environment_variable(tmp_path, environ_guard, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("A B\n")
    monkeypatch.setenv("SAFEKEYS_STRICT", "1")
    with pytest.raises(safekeys.DotenvSyntaxError, match="line 1"):
        safekeys.dotenv_values(env)
    assert safekeys.dotenv_values(env, strict=False) == {}
    with pytest.raises(safekeys.DotenvSyntaxError):
        safekeys.dotenv_values(stream=io.StringIO("A B\n"))


# --- layered files -------------------------------------------------------------


def test_layers_later_files_win_environment_wins_unless_override(tmp_path, environ_guard):
    base, local = tmp_path / ".env", tmp_path / ".env.local"
    base.write_text("NB_HOST=prod\nNB_PORT=5432\nNB_USER=app\n")
    local.write_text("NB_HOST=localhost\nNB_URL=pg://${NB_USER}@${NB_HOST}:${NB_PORT}\n")
    os.environ["NB_USER"] = "me"
    assert safekeys.load_dotenv([base, local]) is True
    assert os.environ["NB_HOST"] == "localhost"
    assert os.environ["NB_USER"] == "me"
    assert os.environ["NB_URL"] == "pg://me@localhost:5432"
    values = safekeys.dotenv_values([str(base), str(local)])
    assert list(values) == ["NB_HOST", "NB_PORT", "NB_USER", "NB_URL"]
    assert values["NB_URL"] == "pg://app@localhost:5432"
    safekeys.load_dotenv([base, local], override=True)
    assert os.environ["NB_USER"] == "app"


def test_layers_skip_missing_files_unless_strict(tmp_path, environ_guard):
    base = tmp_path / ".env"
    base.write_text("NB_A=1\n")
    missing = tmp_path / ".env.local"
    assert safekeys.dotenv_values([base, missing]) == {"NB_A": "1"}
    with pytest.raises(FileNotFoundError):
        safekeys.dotenv_values([base, missing], strict=True)


def test_find_dotenv_keeps_its_single_file_behaviour(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("A=1\n")
    monkeypatch.chdir(tmp_path)
    assert safekeys.find_dotenv(usecwd=True) == str(tmp_path / ".env")


# --- on a real kernel ----------------------------------------------------------


def write(path: str, text: str) -> str:
    return f"open({path!r}, 'w').write({text!r})"


def test_kernel_reload_autoreload_and_masking(tmp_path, run_notebook):
    env = str(tmp_path / ".env")
    with open(env, "w") as f:
        f.write(f"NB_API_KEY={OLD_KEY}\nNB_PLAIN=one\nNB_GONE=bye\n")
    cells = [
        "%load_ext safekeys",
        "import os, safekeys\n"
        "calls = []\n"
        "real = safekeys._core.values_from_file\n"
        "def spy(*a, **k):\n"
        "    calls.append(1)\n"
        "    return real(*a, **k)\n"
        "safekeys._core.values_from_file = spy",
        "%dotenv\n%dotenv\nprint('reads of an unchanged file:', len(calls))",
        write(env, f"NB_API_KEY={NEW_KEY}\nNB_PLAIN=two\n"),
        "%dotenv\nprint('reads after an edit:', len(calls))\n"
        "print(os.environ['NB_PLAIN'], 'NB_GONE' in os.environ)\n"
        f"print({OLD_KEY!r}, os.environ['NB_API_KEY'])",
        "%safekeys autoreload on",
        write(env, f"NB_API_KEY={NEW_KEY}\nNB_PLAIN=three\n"),
        "print(os.environ['NB_PLAIN'])",
        "print(os.environ['NB_PLAIN'])\nprint('reads with autoreload:', len(calls))",
        "%dotenv missing-file.env",
    ]
    nb = run_notebook(cells, cwd=tmp_path)
    assert cell_errors(nb) == []
    out = [stdout_text(c) for c in nb.cells]
    assert out[2] == "reads of an unchanged file: 0\n"
    assert out[4] == (
        "reads after an edit: 1\ntwo False\n[masked:NB_API_KEY] [masked:NB_API_KEY]\n"
    )
    assert out[5] == "safekeys autoreload is on\n"
    assert out[7] == "three\n"
    assert out[8] == "three\nreads with autoreload: 2\n"
    assert out[9] == "cannot find missing-file.env\n"
    outputs = str([c.outputs for c in nb.cells])
    assert OLD_KEY[4:16] not in outputs and NEW_KEY[4:16] not in outputs


def test_kernel_layered_dotenv_magic(tmp_path, run_notebook):
    (tmp_path / "base.env").write_text("NB_HOST=prod\nNB_MODE=base\n")
    (tmp_path / "local.env").write_text("NB_HOST=localhost\n")
    cells = [
        "%load_ext safekeys",
        "%dotenv base.env local.env\n"
        "import os\nprint(os.environ['NB_HOST'], os.environ['NB_MODE'])",
    ]
    nb = run_notebook(cells, cwd=tmp_path)
    assert cell_errors(nb) == []
    assert stdout_text(nb.cells[1]) == "localhost base\n"
