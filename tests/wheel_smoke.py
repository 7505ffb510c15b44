"""Smoke test of an installed safekeys wheel, run where no Rust toolchain is.

CI (.ci/run) and the release workflow run it in a fresh virtual environment
that holds only the wheel (and, with ``--kernel``, ipykernel and nbclient):
it proves that the artifact users download imports, loads a ``.env``, masks
a key, and masks it on a real kernel running the quickstart notebook.
It is not collected by pytest (no ``test_`` prefix): it must run against the
installed wheel, away from the source tree.

    python tests/wheel_smoke.py [--no-toolchain] [--kernel] [--quickstart NOTEBOOK]

Exit status 0 when every check passes, 1 with a line saying which failed.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path


def fail(message: str) -> None:
    print(f"wheel smoke: FAILED: {message}")
    sys.exit(1)


def check_no_toolchain() -> None:
    # The wheel must not need a compiler: a source build would hide a broken wheel.
    for tool in ("cargo", "rustc"):
        if shutil.which(tool):
            fail(f"{tool} is on PATH; run this where no Rust toolchain is")


def check_installed_wheel() -> None:
    import safekeys
    from safekeys import _core

    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    where = Path(_core.__file__).resolve()
    if site not in where.parents:
        fail(f"safekeys._core comes from {where}, not from the installed wheel in {site}")
    print(f"wheel smoke: safekeys {safekeys.__version__} from {where.name}")


def check_load_and_mask(project: Path, key: str) -> None:
    import safekeys

    env_file = project / ".env"
    env_file.write_text(f"SMOKE_API_KEY={key}\nSMOKE_GREETING=hello\n")
    env_file.chmod(0o600)  # safekeys warns about a .env others can read
    if not safekeys.load_dotenv(project / ".env"):
        fail("load_dotenv found nothing to set")
    if os.environ.get("SMOKE_API_KEY") != key or os.environ.get("SMOKE_GREETING") != "hello":
        fail("load_dotenv did not set the values it read")
    safekeys.mask(key, "SMOKE_API_KEY")
    shown = safekeys.scrub(f"key={key} b64={base64.b64encode(key.encode()).decode()}")
    if key[:12] in shown or key[-12:] in shown:
        fail("the masker left a piece of the key in its output")
    print(f"wheel smoke: load and mask: {shown}")


def check_kernel(project: Path, key: str, quickstart: Path | None) -> None:
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    def run(book: nbformat.NotebookNode, env: dict[str, str] | None = None) -> None:
        # IPC, not TCP: a kernel on TCP without CurveZMQ keys prints a warning.
        # The sockets' path is absolute: the kernel runs in another directory.
        manager = KernelManager(transport="ipc", ip=str(project / "kernel-ipc"))
        client = NotebookClient(
            book,
            km=manager,
            timeout=60,
            resources={"metadata": {"path": str(project)}},
        )
        try:
            client.execute(env=dict(os.environ) if env is None else env)
        finally:
            # nbclient leaves a kernel manager it was given running.
            if manager.has_kernel:
                manager.shutdown_kernel()

    cells = [
        "%load_ext safekeys",
        "import os, base64\nkey = os.environ['SMOKE_API_KEY']\nprint(key)\n"
        "print(base64.b64encode(key.encode()).decode())\nkey",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env = {k: v for k, v in os.environ.items() if k != "SMOKE_API_KEY"}
    run(nb, env)
    saved = nbformat.writes(nb)
    if "[masked:SMOKE_API_KEY]" not in saved:
        fail("the kernel's outputs do not show the masked key")
    pieces = {key[i : i + 12] for i in range(len(key) - 11)}
    if any(piece in saved for piece in pieces):
        fail("a piece of the key reached the kernel's outputs")
    print("wheel smoke: kernel outputs masked")
    if quickstart is not None:
        book = nbformat.read(quickstart, as_version=4)
        run(book)
        errors = [o for c in book.cells for o in c.get("outputs", []) if o.output_type == "error"]
        if errors:
            fail(f"the quickstart raised {errors[0].ename}")
        print(f"wheel smoke: {quickstart.name} ran without errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-toolchain", action="store_true", help="fail if cargo or rustc is on PATH"
    )
    parser.add_argument("--kernel", action="store_true", help="also run a real ipykernel")
    parser.add_argument("--quickstart", type=Path, help="a notebook to run on the kernel")
    args = parser.parse_args()
    if args.no_toolchain:
        check_no_toolchain()
    check_installed_wheel()
    # A generated key of an OpenAI-like shape: never a real one.
    key = "sk-proj-" + secrets.token_urlsafe(36)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        check_load_and_mask(project, key)
        if args.kernel:
            quickstart = args.quickstart.resolve() if args.quickstart else None
            check_kernel(project, key, quickstart)
    print("wheel smoke: all checks passed")


if __name__ == "__main__":
    main()
