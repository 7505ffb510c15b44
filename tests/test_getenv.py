"""getenv / require: the resolution chain, and what its errors say."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import safekeys
from conftest import source_of
from safekeys.sources import base, chain
from safekeys.sources.dotenv import DOTENV
from safekeys.sources.environment import ENVIRON

SECRET = "sk-test-0123456789abcdefghijklmnop"


@pytest.fixture(autouse=True)
def fresh_chain(monkeypatch, fresh_safekeys):
    """Each test starts with nothing loaded and leaves os.environ as it was."""
    monkeypatch.setattr(chain, "_chain", [ENVIRON, DOTENV])
    for name in ("SK_TEST_A", "SK_TEST_B", "SK_TEST_MISSING"):
        monkeypatch.delenv(name, raising=False)


def test_environment_wins_over_dotenv(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("SK_TEST_A=from-file\nSK_TEST_B=file-only\n")
    monkeypatch.setenv("SK_TEST_A", "from-env")
    assert safekeys.load_dotenv(env) is True
    assert safekeys.getenv("SK_TEST_A") == "from-env"
    assert safekeys.getenv("SK_TEST_B") == "file-only"
    # B is in os.environ because load_dotenv put it there: it still came from the file.
    assert (source_of("SK_TEST_A"), source_of("SK_TEST_B")) == ("environment", ".env")


def test_loaded_value_survives_removal_from_environ(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("SK_TEST_A=from-file\n")
    safekeys.load_dotenv(env)
    monkeypatch.delenv("SK_TEST_A")
    assert safekeys.getenv("SK_TEST_A") == "from-file"
    assert source_of("SK_TEST_A") == ".env"
    assert DOTENV.origin("SK_TEST_A") == str(env)


def test_default_when_absent():
    assert safekeys.getenv("SK_TEST_MISSING") is None
    assert safekeys.getenv("SK_TEST_MISSING", "fallback") == "fallback"


def test_require_returns_or_explains():
    os.environ["SK_TEST_A"] = SECRET
    assert safekeys.require("SK_TEST_A") == SECRET
    with pytest.raises(KeyError) as caught:
        safekeys.require("SK_TEST_MISSING")
    err = caught.value
    assert isinstance(err, safekeys.MissingKeyError)
    message = str(err)
    assert message.startswith("SK_TEST_MISSING is not set.")
    assert "environment" in message and ".env" in message
    assert "SK_TEST_MISSING=..." in message
    assert SECRET not in message and SECRET not in repr(err)


def test_added_source_is_asked_in_order():
    class Fixed(base.Source):
        label = "fixed"
        hint = "ask the fixture for {name}"

        def lookup(self, name):
            return "from-fixed" if name == "SK_TEST_B" else None

    fixed = Fixed()
    chain.add_source(fixed)
    assert safekeys.getenv("SK_TEST_B") == "from-fixed"
    os.environ["SK_TEST_B"] = "from-env"
    assert safekeys.getenv("SK_TEST_B") == "from-env"
    with pytest.raises(safekeys.MissingKeyError, match="ask the fixture for SK_TEST_MISSING"):
        safekeys.require("SK_TEST_MISSING")


def test_resolution_repr_hides_the_value():
    os.environ["SK_TEST_A"] = SECRET
    hit = chain.resolve("SK_TEST_A")
    assert hit is not None and hit.value == SECRET
    assert SECRET not in repr(hit)
    assert "length=" in repr(hit)


def test_nearest_dotenv_is_read_without_load(tmp_path):
    """Without load_dotenv, getenv reads the .env that find_dotenv finds, and
    re-reads it only when it changes."""
    project = tmp_path / "proj"
    (project / "sub").mkdir(parents=True)
    (project / ".env").write_text("SK_TEST_A=first\n")
    script = project / "sub" / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, time
            import safekeys
            print(safekeys.getenv("SK_TEST_A"))
            print("SK_TEST_A" in os.environ)
            path = os.path.join(os.path.dirname(__file__), "..", ".env")
            with open(path, "w") as f:
                f.write("SK_TEST_A=second-and-longer\\n")
            print(safekeys.getenv("SK_TEST_A"))
            """
        )
    )
    out = subprocess.run(
        [sys.executable, str(script)], cwd="/", capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["first", "False", "second-and-longer"]


def test_no_fallback_after_a_load_dotenv_call(tmp_path):
    """Once load_dotenv was called, even for a missing file, getenv reads only
    what was loaded; PYTHON_DOTENV_DISABLED also stops the fallback."""
    (tmp_path / ".env").write_text("SK_TEST_A=nearest\n")
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys, safekeys
            if sys.argv[1] == "missing":
                print(safekeys.load_dotenv("does-not-exist.env"))
            print(safekeys.getenv("SK_TEST_A", "unset"))
            """
        )
    )

    def run(arg, **env):
        out = subprocess.run(
            [sys.executable, str(script), arg],
            cwd=tmp_path,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.split()

    assert run("plain") == ["nearest"]
    assert run("missing") == ["False", "unset"]
    assert run("plain", PYTHON_DOTENV_DISABLED="1") == ["unset"]
