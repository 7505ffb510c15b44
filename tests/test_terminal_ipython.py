"""Terminal IPython has no kernel Session: the extension wraps the streams."""

from __future__ import annotations

import os
import subprocess
import sys

KEY = "sk-proj-FAKE7vLx2Rk9TbW4mZc8NpJ3hYf6DsGa1Ue"

SCRIPT = """\
%load_ext safekeys
import os, sys
k = os.environ["OPENAI_API_KEY"]
print("plain", k)
k
k[5:30]
for c in k: sys.stdout.write(c)

print(os.environ["APP_MODE"])
raise ValueError(k)
%unload_ext safekeys
print("after unload", k)
"""


def test_terminal_ipython_masks_and_unloads(tmp_path):
    (tmp_path / ".env").write_text(f"OPENAI_API_KEY={KEY}\nAPP_MODE=production\n")
    out = subprocess.run(
        [sys.executable, "-m", "IPython", "--simple-prompt", "--no-banner", "--colors=NoColor"],
        input=SCRIPT + "exit\n",
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    text = out.stdout + out.stderr
    before, _, after = text.partition("after unload")
    windows = {KEY[i : i + 12] for i in range(len(KEY) - 11)}
    assert not any(w in before for w in windows), "a piece of the key reached the terminal"
    assert before.count("[masked:OPENAI_API_KEY]") >= 5
    assert "plain [masked:OPENAI_API_KEY]" in before
    assert "ValueError: [masked:OPENAI_API_KEY]" in before
    assert "production" in before
    assert KEY in after, "%unload_ext should restore the original streams"


def test_environment_value_that_differs_from_dotenv_is_masked(tmp_path):
    """The environment wins over .env: its value, not only the file's, is masked."""
    other = "sk-proj-FAKEzz" + KEY[14:]  # shares a 14-character prefix with KEY
    (tmp_path / ".env").write_text(f"OPENAI_API_KEY={KEY}\n")
    out = subprocess.run(
        [sys.executable, "-m", "IPython", "--simple-prompt", "--no-banner", "--colors=NoColor"],
        input='%load_ext safekeys\nimport os\nprint("env", os.environ["OPENAI_API_KEY"])\nexit\n',
        cwd=tmp_path,
        env={**os.environ, "OPENAI_API_KEY": other},
        capture_output=True,
        text=True,
        timeout=60,
    )
    text = out.stdout + out.stderr
    assert "env [masked:OPENAI_API_KEY]\n" in text
    assert not any(other[i : i + 12] in text for i in range(len(other) - 11))


def test_input_guard_in_terminal_ipython(tmp_path):
    """The guard wraps the shell's run_cell_async, which terminal IPython runs
    every line through; its warning and the masked literal reach the terminal."""
    typed = "ghp_" + "Tq7Wz2Lx9Rk4Vm8Nc1Bj6Hd3Fs5Pa0YeUo"
    hist = tmp_path / "history.sqlite"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "IPython",
            "--simple-prompt",
            "--no-banner",
            "--colors=NoColor",
            f"--HistoryManager.hist_file={hist}",
        ],
        input=f'%load_ext safekeys\ntoken = "{typed}"\nprint(token)\nprint("done")\nexit\n',
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    text = out.stdout + out.stderr
    assert "line 1: a GitHub personal access token" in text
    assert "%setkey GITHUB_TOKEN" in text
    assert "[masked:GITHUB_TOKEN]" in text
    assert not any(typed[i : i + 12] in text for i in range(len(typed) - 11))
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(hist)) as db:
        rows = [r[0] for r in db.execute("SELECT source_raw FROM history")]
    assert 'print("done")' in rows
    assert not [r for r in rows if typed[:12] in r]
