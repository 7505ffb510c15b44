"""What a new user sees on a first run (issue 17): log lines under
``logging.basicConfig`` and with no logging set up, and the demo's output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOAD = "import safekeys; safekeys.load_dotenv({path!r})"


def child(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "SAFEKEYS_HYGIENE"},
    )


@pytest.fixture
def readable_env(tmp_path) -> Path:
    """A .env every user can read: loading it logs one WARNING."""
    path = tmp_path / ".env"
    path.write_text("APP_MODE=dev\n")
    os.chmod(path, 0o644)
    return path


def test_a_log_line_under_basicconfig_names_safekeys_once(readable_env, tmp_path):
    done = child(
        "import logging; logging.basicConfig(); " + LOAD.format(path=str(readable_env)), tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"WARNING:safekeys:{readable_env} can be read by"), done.stderr
    assert "safekeys:safekeys" not in done.stderr and "safekeys: " not in done.stderr


def test_a_log_line_with_no_logging_set_up_still_says_who_speaks(readable_env, tmp_path):
    done = child(LOAD.format(path=str(readable_env)), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"safekeys: {readable_env} can be read by"), done.stderr


def test_a_format_without_the_logger_name_is_the_users_choice(readable_env, tmp_path):
    code = "import logging; logging.basicConfig(format='%(message)s'); "
    done = child(code + LOAD.format(path=str(readable_env)), tmp_path)
    assert done.stderr.startswith(f"{readable_env} can be read by"), done.stderr


@pytest.mark.skipif(os.name != "posix", reason="the demo uses TCP where there is no IPC")
def test_the_demo_shows_no_transport_warning(tmp_path):
    done = subprocess.run(
        [sys.executable, os.fspath(ROOT / "notebooks" / "demo.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: the keys" in done.stdout
    # ipykernel warns about unencrypted TCP; the demo's kernel listens on Unix sockets.
    everything = done.stdout + done.stderr
    assert "without encryption" not in everything and "TCP" not in everything
    assert "WARNING" not in done.stderr, done.stderr
