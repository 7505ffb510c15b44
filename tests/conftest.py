"""Shared fixtures: run notebooks in a real ipykernel, read their outputs.

``run_notebook(nb, cwd=..., timeout=...)`` starts a fresh ``python3`` kernel
(installing the kernelspec first if this machine lacks it), executes every
cell with nbclient and returns the executed notebook (an nbformat node).
``cell_text(cell)`` joins all the text a cell's outputs show.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Optional, Union

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

KERNEL_NAME = "python3"

# Environment variables a notebook must not inherit from the shell running pytest:
# they would change what python-dotenv / safekeys do, or load a user's IPython setup.
_SCRUBBED_ENV = ("PYTHON_DOTENV_DISABLED", "PYTHONSTARTUP", "IPYTHONDIR")

NotebookSource = Union[NotebookNode, str, os.PathLike, list]


def ensure_kernelspec(name: str = KERNEL_NAME) -> str:
    """Return the directory of kernelspec ``name``, installing ipykernel's if it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if name not in specs:
        from ipykernel.kernelspec import install

        install(user=True, kernel_name=name)
        specs = KernelSpecManager().find_kernel_specs()
    assert name in specs, f"kernelspec {name!r} still missing after install: {specs}"
    return specs[name]


def clean_env(extra: Optional[dict] = None, drop: tuple = ()) -> dict:
    """A copy of ``os.environ`` without variables that would change the tests' outcome."""
    # PYTEST_CURRENT_TEST makes ipykernel skip capturing fd-level output
    # (os.write, subprocesses, !cmd), which the tests must exercise.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _SCRUBBED_ENV and k not in drop and not k.startswith("PYTEST_")
    }
    env.update(extra or {})
    return env


def as_notebook(source: NotebookSource) -> NotebookNode:
    """A notebook node from a node, an ``.ipynb`` path, or a list of cell sources.

    In a list, a string starting with ``"# md\\n"`` becomes a markdown cell
    (without that first line), anything else a code cell.
    """
    if isinstance(source, NotebookNode):
        return source
    if isinstance(source, (str, os.PathLike)):
        return nbformat.read(os.fspath(source), as_version=4)
    nb = nbformat.v4.new_notebook()
    for text in source:
        if text.startswith("# md\n"):
            nb.cells.append(nbformat.v4.new_markdown_cell(text[len("# md\n") :]))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(text))
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    return nb


def cell_text(cell: NotebookNode) -> str:
    """All the text of a cell's outputs, in order, one output after another.

    Stream text (stdout and stderr), ``text/plain`` of execute_result and
    display_data, and for errors the ename, evalue and each traceback line.
    """
    parts: list[str] = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(out.get("text", ""))
        elif kind in ("execute_result", "display_data", "update_display_data"):
            plain = out.get("data", {}).get("text/plain", "")
            parts.append(plain if isinstance(plain, str) else "".join(plain))
            parts.append("\n")
        elif kind == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}\n")
            parts.extend(line + "\n" for line in out.get("traceback", []))
    return "".join(parts)


def stdout_text(cell: NotebookNode) -> str:
    """Only what the cell wrote to stdout."""
    return "".join(
        out.get("text", "")
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )


def cell_errors(nb: NotebookNode) -> list[tuple[int, str, str]]:
    """``(cell index, ename, evalue)`` for every error output in the notebook."""
    return [
        (i, out.get("ename", ""), out.get("evalue", ""))
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


RunNotebook = Callable[..., NotebookNode]


@pytest.fixture(scope="session")
def kernel_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private IPYTHONDIR, so a user's profile and startup files cannot change the kernel."""
    return tmp_path_factory.mktemp("ipython")


@pytest.fixture(scope="session")
def run_notebook(kernel_home: Path) -> RunNotebook:
    """Execute a notebook in a fresh real ipykernel and return the executed notebook.

    ``run_notebook(source, cwd, timeout=30, startup_timeout=60, allow_errors=False, env=None)``:
    ``source`` is a notebook node, an ``.ipynb`` path or a list of cell sources (see
    ``as_notebook``); ``cwd`` is the kernel's working directory; ``timeout`` is the limit
    per cell in seconds; ``env`` adds variables to a cleaned copy of the environment.
    With ``allow_errors=False`` a failing cell raises ``nbclient.exceptions.CellExecutionError``.
    Other keyword arguments are ``NotebookClient`` options (e.g. ``ipython_hist_file``).
    """
    ensure_kernelspec()

    def run(
        source: NotebookSource,
        cwd: Union[str, os.PathLike],
        timeout: int = 30,
        startup_timeout: int = 60,
        allow_errors: bool = False,
        env: Optional[dict] = None,
        **client_options: object,
    ) -> NotebookNode:
        nb = as_notebook(source)
        cwd = os.fspath(cwd)
        assert os.path.isdir(cwd), cwd
        client = NotebookClient(
            nb,
            kernel_name=KERNEL_NAME,
            timeout=timeout,
            startup_timeout=startup_timeout,
            allow_errors=allow_errors,
            resources={"metadata": {"path": cwd}},
            **client_options,
        )
        kernel_env = clean_env({"IPYTHONDIR": os.fspath(kernel_home), **(env or {})})
        # nbclient passes these keyword arguments on to KernelManager.start_kernel.
        return client.execute(cwd=cwd, env=kernel_env)

    return run


@pytest.fixture(scope="session")
def python_executable() -> str:
    """The interpreter running the tests (the one safekeys is installed in)."""
    return sys.executable


@pytest.fixture(scope="module")
def ring():
    """A real gnome-keyring in a private D-Bus session (shared by the keyring tests),
    with this process's environment pointing at it for the module."""
    import keyring_session

    session = keyring_session.shared_session()
    with keyring_session.environment(session.env):
        yield session


@pytest.fixture
def saved_environ():
    """``os.environ`` put back as it was before the test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def fresh_safekeys(monkeypatch: pytest.MonkeyPatch, saved_environ: None) -> None:
    """safekeys' process state as right after ``import safekeys``, and
    ``os.environ`` as it was, afterwards: nothing loaded, registered for
    masking, remembered for reloads or reported, and a chain of its own."""
    from safekeys import _core, _masking
    from safekeys.dotenv import loaded, reload
    from safekeys.sources import chain
    from safekeys.sources.dotenv import DOTENV

    monkeypatch.setattr(loaded, "LOADED", loaded.Loaded())
    monkeypatch.setattr(DOTENV, "_found", {})
    monkeypatch.setattr(DOTENV, "_found_stamp", None)
    monkeypatch.setattr(chain, "_chain", list(chain._built_in()))
    monkeypatch.setattr(chain, "_chosen", (None, []))
    monkeypatch.setattr(chain, "_reported", set())
    monkeypatch.setattr(_masking, "MASKER", _core.Masker())
    monkeypatch.setattr(_masking, "_decisions", {})
    monkeypatch.setattr(_masking, "_warned_short", set())
    monkeypatch.setattr(_masking, "_active", False)
    monkeypatch.setattr(reload, "_set_by_us", {})
    monkeypatch.setattr(reload, "_loads", {})


def source_of(name: str) -> Optional[str]:
    """Which source safekeys last recorded ``name`` from (as ``%safekeys`` shows it)."""
    import safekeys

    return {d.name: d.source for d in safekeys.registered()}.get(name)


class TinyVault:
    """Just enough of Vault's HTTP API on 127.0.0.1 for tests that need a server
    to answer in a particular way: ``replies`` maps a path suffix to
    ``(status, JSON body)``; a token lookup succeeds and anything else is a 404."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.replies: dict[str, tuple[int, str]] = {
            "/auth/token/lookup-self": (
                200,
                '{"data":{"ttl":0,"renewable":false,"policies":["default"]}}',
            )
        }
        vault = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = next(
                    (
                        reply
                        for suffix, reply in vault.replies.items()
                        if self.path.endswith(suffix)
                    ),
                    (404, '{"errors":[]}'),
                )
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def tiny_vault(monkeypatch: pytest.MonkeyPatch):
    """A ``TinyVault`` that ``getenv`` uses (``VAULT_ADDR``, a fake token), stopped afterwards."""
    from safekeys.stores import team

    vault = TinyVault()
    monkeypatch.setenv("VAULT_ADDR", vault.address)
    monkeypatch.setenv("VAULT_TOKEN", "s.FAKEtokenForTheTinyVault0123")
    monkeypatch.delenv("SAFEKEYS_VAULT", raising=False)
    team.clear_cache()
    yield vault
    team.clear_cache()
    vault.close()
