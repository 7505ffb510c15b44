"""The input guard on a real kernel: a key typed into a cell is reported before
the cell runs, kept out of IPython's history database (a real sqlite file the
kernel writes) and masked in outputs; ``SAFEKEYS_BLOCK_LITERAL_KEYS=1``
refuses such a cell and stops a "run all"."""

from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import closing

import nbclient.exceptions
import pytest
from conftest import cell_errors, cell_text
from leakcheck import LeakChecker, Secret, format_findings, notebook_findings

LOADED = "lk-" + "Rq8Zt2Vw6Xy4Bn1Mc9Lp3Kj7Hg5Fd0Sa"
TYPED = "sk-proj-" + "Tg4Wk9Zr2Lq7Xv5Nb1Mc8Hd3Jf6Ps0YeUaQiOz"
HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def _history(path) -> list[str]:
    # sqlite3's own context manager ends the transaction but leaves the
    # connection open (a ResourceWarning on Python 3.13): closing() closes it.
    with closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT source_raw FROM history")]


def test_literal_keys_are_reported_masked_and_kept_out_of_history(run_notebook, tmp_path):
    (tmp_path / ".env").write_text(f"MY_API_TOKEN={LOADED}\n")
    marker = f"ordinary-{uuid.uuid4().hex}"
    cells = [
        "%load_ext safekeys",
        f'x = 1\nTOKEN = "{TYPED}"\nprint(TOKEN)',
        f'copy = "{LOADED}"',
        f'digest = "{HEX}"\nrun_id = "{uuid.uuid4()}"\nprint("{marker}")',
        # What the history database holds is written by a thread; write it out now.
        "get_ipython().history_manager.writeout_cache()\n"
        "print(get_ipython().history_manager.hist_file)",
    ]
    # nbclient keeps a kernel's history in memory unless told where to write it.
    history_file = tmp_path / "history.sqlite"
    nb = run_notebook(cells, tmp_path, ipython_hist_file=os.fspath(history_file))
    typed, copied, ordinary = (cell_text(nb.cells[i]) for i in (1, 2, 3))

    assert "line 2: an OpenAI project key" in typed
    assert "%setkey TOKEN" in typed and "kept out of IPython's history" in typed
    assert "[masked:TOKEN]" in typed, "the typed literal is masked in outputs from then on"
    assert "line 1: MY_API_TOKEN (a secret safekeys loaded)" in copied
    assert ordinary == marker + "\n", "hashes and UUIDs are not keys"

    assert cell_text(nb.cells[4]).strip() == str(history_file)
    history = _history(history_file)
    assert any(marker in source for source in history), "ordinary cells are still recorded"
    assert not [s for s in history if TYPED[:12] in s or LOADED[:12] in s]

    secrets = [Secret("TOKEN", TYPED), Secret("MY_API_TOKEN", LOADED)]
    # The sources hold the keys (that is what the guard warns about); outputs must not.
    for cell in nb.cells:
        cell.source = ""
    leaks = notebook_findings(LeakChecker(secrets), nb)
    assert not leaks, format_findings(leaks)


def test_block_mode_refuses_the_cell_and_stops_run_all(run_notebook, tmp_path):
    cells = [
        "%load_ext safekeys",
        f'TOKEN = "{TYPED}"',
        'print("after")',
    ]
    with pytest.raises(nbclient.exceptions.CellExecutionError) as caught:
        run_notebook(cells, tmp_path, env={"SAFEKEYS_BLOCK_LITERAL_KEYS": "1"})
    assert caught.value.ename == "LiteralKeyError"
    assert caught.value.evalue == "a literal key on line 1 of this cell; see the message above"

    cells = [*cells[:2], 'print("TOKEN" in globals())']
    nb = run_notebook(cells, tmp_path, allow_errors=True, env={"SAFEKEYS_BLOCK_LITERAL_KEYS": "1"})
    assert [(i, name) for i, name, _ in cell_errors(nb)] == [(1, "LiteralKeyError")]
    assert "refused to run this cell" in cell_text(nb.cells[1])
    assert "line 1: an OpenAI project key" in cell_text(nb.cells[1])
    assert cell_text(nb.cells[2]) == "False\n", "the refused cell did not run"


def test_unloading_removes_the_guard(run_notebook, tmp_path):
    cells = ["%load_ext safekeys", "%unload_ext safekeys", f'TOKEN = "{TYPED}"\nprint("ran")']
    nb = run_notebook(cells, tmp_path, env={"SAFEKEYS_BLOCK_LITERAL_KEYS": "1"})
    assert cell_text(nb.cells[2]) == "ran\n"
