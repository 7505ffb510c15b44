"""Run a short notebook on a real Jupyter kernel and show what safekeys masks.

    python3 notebooks/demo.py

It makes a throwaway project whose `.env` holds a fake OpenAI-style key,
executes cells that try to show the key in the usual ways (print, repr, a
traceback, base64, a slice, a shell command, HTML), and prints every output
the kernel sent. The run fails (exit 1) if any output holds the key or a
12-character piece of it.
"""

from __future__ import annotations

import os
import secrets
import string
import sys
import tempfile
import textwrap

import nbformat
from nbclient import NotebookClient

CELLS = [
    "%load_ext safekeys",
    "import os\nkey = os.environ['OPENAI_API_KEY']\nprint('the key is', key)",
    "key  # the repr of a string",
    "print('checking the end of it:', key[-20:])",
    "import base64\nbase64.b64encode(f'Authorization: Bearer {key}'.encode())",
    "!echo $OPENAI_API_KEY",
    "from IPython.display import HTML\nHTML(f'<code>{key}</code>')",
    "raise RuntimeError(f'request failed with key {key}')",
    "print(os.environ['APP_MODE'])  # ordinary values are left alone",
    "%safekeys",
]


def fake_key() -> str:
    alphabet = string.ascii_letters + string.digits
    return "sk-proj-" + "".join(secrets.choice(alphabet) for _ in range(48))


def output_text(output: dict) -> str:
    kind = output["output_type"]
    if kind == "stream":
        return output["text"]
    if kind == "error":
        return f"{output['ename']}: {output['evalue']}"
    data = output.get("data", {})
    plain = data.get("text/plain", "")
    if plain.startswith("<IPython.core.display"):
        return data.get("text/html", plain)
    return plain


def main() -> int:
    key = fake_key()
    with tempfile.TemporaryDirectory() as project:
        with open(os.path.join(project, ".env"), "w") as f:
            f.write(f"OPENAI_API_KEY={key}\nAPP_MODE=production\n")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
        client = NotebookClient(
            nb,
            timeout=60,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": project}},
        )
        client.execute()
    saved = nbformat.writes(nb)
    for cell in nb.cells:
        print(textwrap.indent(cell.source, "In  | "))
        for output in cell.outputs:
            print(textwrap.indent(output_text(output).rstrip("\n"), "Out | "))
        print()
    pieces = {key[i : i + 12] for i in range(len(key) - 11)}
    leaked = [p for p in pieces if p in saved]
    if leaked:
        print(f"FAIL: {len(leaked)} pieces of the key reached the notebook's outputs")
        return 1
    print("OK: the key (a fake one made for this run) appears in no output, whole or in part.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
