"""notebooks/quickstart.ipynb runs top to bottom in a fresh kernel and shows what it says."""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pytest
from conftest import cell_errors, cell_text

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "quickstart.ipynb"

# Per code cell (by cell id): the exact lines it must print, in order.
EXPECTED = {
    "setup": ["Working in: my-project/notebooks"],
    "find-load": [
        "Found: my-project/.env",
        "Loaded: True",
        'os.environ["DEMO_GREETING"]: hello',
    ],
    "values": [
        "Names: ['DEMO_GREETING', 'DEMO_NAME', 'DEMO_URL', 'DEMO_OPENAI_API_KEY']",
        "DEMO_URL: https://example.org/hello",
    ],
    "getenv": ["DEMO_NAME: Ada Lovelace", "DEMO_COLOR: blue"],
    "mask-load": [],
    "mask-print": [
        "The key: [masked:DEMO_OPENAI_API_KEY]",
        "Its last 16 characters: [masked:DEMO_OPENAI_API_KEY]",
        "In a base64 header: QmVhcmVyIH[masked:DEMO_OPENAI_API_KEY]g==",
    ],
    "edit": [
        "(True, 'DEMO_COLOR', 'sea green')",
        "File now reads: DEMO_COLOR='sea green'",
        "get_key: sea green",
        "(True, 'DEMO_COLOR')",
        "File is empty again: True",
    ],
    "cleanup": ["Cleaned up: True"],
}


def test_quickstart_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.id for c in code] == [
        "setup",
        "find-load",
        "values",
        "getenv",
        "mask-load",
        "mask-print",
        "mask-table",
        "require",
        "edit",
        "cleanup",
    ]
    for cell in code:
        assert cell.outputs == [], cell.id
        assert cell.execution_count is None, cell.id
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.fixture(scope="module")
def executed(run_notebook):
    return run_notebook(NOTEBOOK, cwd=NOTEBOOK.parent, timeout=30, allow_errors=True)


def cells_by_id(nb) -> dict:
    return {c.id: c for c in nb.cells if c.cell_type == "code"}


def test_quickstart_runs_without_errors(executed) -> None:
    assert cell_errors(executed) == []
    for cell in executed.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None, cell.id
            # Nothing went to stderr: no warnings, no log lines.
            streams = {o.get("name") for o in cell.outputs if o.output_type == "stream"}
            assert streams <= {"stdout"}, (cell.id, cell_text(cell))


@pytest.mark.parametrize("cell_id", list(EXPECTED))
def test_quickstart_cell_output(executed, cell_id: str) -> None:
    assert cell_text(cells_by_id(executed)[cell_id]).splitlines() == EXPECTED[cell_id]


FAKE_KEY = "sk-proj-" + hashlib.sha256(b"safekeys demo").hexdigest()[:40]


def test_quickstart_outputs_hold_no_piece_of_the_key(executed) -> None:
    """The saved notebook's outputs (the source only computes the key) hold no
    12-character run of it, nor its base64."""
    outputs = nbformat.writes(executed)
    pieces = [FAKE_KEY[i : i + 12] for i in range(len(FAKE_KEY) - 11)]
    assert not any(p in outputs for p in pieces)
    table = cell_text(cells_by_id(executed)["mask-table"])
    assert "DEMO_OPENAI_API_KEY" in table and "name looks secret" in table


def test_quickstart_require_explains_missing_key(executed) -> None:
    lines = cell_text(cells_by_id(executed)["require"]).splitlines()
    assert lines[0] == "A KeyError too: True"
    assert lines[1].startswith("DEMO_API_KEY is not set. safekeys looked in: environment, .env")
    help_text = "\n".join(lines[2:])
    assert "DEMO_API_KEY=" in help_text
    assert "export DEMO_API_KEY=" in help_text


def test_quickstart_table_names_the_file_a_key_came_from(executed) -> None:
    # load_dotenv put the key into os.environ; getenv found it there, but it came from .env.
    table = cell_text(cells_by_id(executed)["mask-table"])
    row = next(line for line in table.splitlines() if "DEMO_OPENAI_API_KEY" in line)
    assert ".env (" in row and "my-project/.env)" in row, row
    assert "environment" not in row, row
