"""Run a short notebook on a real Jupyter kernel and show what safekeys masks.

    python3 notebooks/demo.py

It makes a throwaway project whose `.env` holds a fake OpenAI-style key,
executes cells that try to show the key in the usual ways (print, repr, a
traceback, base64, a slice, a shell command, HTML) and one with a key pasted
into its source (which the input guard reports), and prints every output
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
from jupyter_client.manager import KernelManager
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
    # A key pasted into a cell: the guard warns before the cell runs.
    "# pasted by mistake\nhf = 'TYPED_KEY'\nprint(hf)",
]


def fake_key(prefix: str = "sk-proj-", length: int = 48) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


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


def kernel_manager(sockets: str) -> KernelManager:
    """The kernel talks to this script over Unix sockets (IPC) in ``sockets``
    where there are any: over TCP, ipykernel warns at start-up that the
    loopback traffic is not encrypted, a warning about Jupyter's transport, not
    about safekeys. The path is absolute: the kernel runs in another directory."""
    if os.name == "posix":
        return KernelManager(
            kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "kernel")
        )
    print(
        "Note: on this system the kernel is reached over TCP on 127.0.0.1; ipykernel may\n"
        "warn that this channel is not encrypted. That is Jupyter's transport, not safekeys.\n"
    )
    return KernelManager(kernel_name="python3")


def main() -> int:
    key = fake_key()
    typed = fake_key("hf_", 34)
    cells = [c.replace("TYPED_KEY", typed) for c in CELLS]
    with tempfile.TemporaryDirectory() as project, tempfile.TemporaryDirectory() as sockets:
        # Private, as safekeys doctor would want it.
        fd = os.open(os.path.join(project, ".env"), os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"OPENAI_API_KEY={key}\nAPP_MODE=production\n")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        km = kernel_manager(sockets)
        client = NotebookClient(
            nb,
            km=km,
            timeout=60,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": project}},
        )
        try:
            client.execute()
        finally:
            # nbclient shuts down only a kernel manager it made itself.
            if km.has_kernel:
                km.shutdown_kernel()
    saved = nbformat.writes(nb)
    outputs = "".join(nbformat.writes(o) for cell in nb.cells for o in cell.outputs)
    for cell in nb.cells:
        print(textwrap.indent(cell.source.replace(typed, typed[:5] + "…"), "In  | "))
        for output in cell.outputs:
            print(textwrap.indent(output_text(output).rstrip("\n"), "Out | "))
        print()
    pieces = {key[i : i + 12] for i in range(len(key) - 11)}
    leaked = [p for p in pieces if p in saved]
    # The pasted key is in its cell's source, by design of the demo; not in any output.
    leaked += [p for p in {typed[i : i + 12] for i in range(len(typed) - 11)} if p in outputs]
    warned = any(
        "safekeys: this cell holds a literal key" in output_text(o) for o in nb.cells[-1].outputs
    )
    if leaked or not warned:
        print(
            f"FAIL: {len(leaked)} pieces of the keys reached the notebook's outputs"
            + ("" if warned else "; the pasted key was not reported")
        )
        return 1
    print("OK: the keys (fake ones made for this run) appear in no output, whole or in part,")
    print("and the key pasted into a cell was reported before the cell ran.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
