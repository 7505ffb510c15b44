"""``find_dotenv``: where python-dotenv would look, without its crash on stdin."""

from __future__ import annotations

import os
import sys

from .. import _core
from . import hygiene

# The top of the safekeys package (this file is in safekeys/dotenv/).
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _is_interactive() -> bool:
    """A REPL, IPython or a notebook kernel: no script file to start from."""
    if hasattr(sys, "ps1") or hasattr(sys, "ps2"):
        return True
    try:
        main = __import__("__main__", None, None, fromlist=["__file__"])
    except ModuleNotFoundError:
        return False
    return not hasattr(main, "__file__")


def _caller_directory() -> str:
    """Directory of the nearest calling file outside safekeys.

    Frames of this package are all skipped (python-dotenv only skips its own
    ``main.py``), and so are frames whose file does not exist (``<stdin>``,
    a notebook cell). When nothing is left, python-dotenv fails an assertion
    (its issue #499); the working directory is the answer a user expects.
    """
    frame = sys._getframe()
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_PACKAGE_DIR) and os.path.exists(filename):
            return os.path.dirname(os.path.abspath(filename))
        frame = frame.f_back  # type: ignore[assignment]
    return os.getcwd()


def start_directory(usecwd: bool = False) -> str:
    """Where ``find_dotenv`` starts its walk up to the root."""
    if usecwd or _is_interactive() or sys.gettrace() is not None or getattr(sys, "frozen", False):
        return os.getcwd()
    return _caller_directory()


def find_dotenv(
    filename: str = ".env",
    raise_error_if_not_found: bool = False,
    usecwd: bool = False,
) -> str:
    """Search for ``filename`` from a start directory up to the root.

    The start is the working directory with ``usecwd=True``, in an interactive
    session (REPL, IPython, a Jupyter kernel), under a debugger or in a frozen
    application; otherwise the directory of the script that called safekeys.
    Returns the path found, or ``""`` (``OSError`` with
    ``raise_error_if_not_found=True``). A file that another user owns, or
    that sits in a directory another user owns (a shared ``/tmp``, someone
    else's home), is refused with a warning, as git refuses a repository of
    "dubious ownership"; ``SAFEKEYS_TRUSTED_DIRS`` lists directories to trust.
    """
    found = _core.find_upwards(start_directory(usecwd), filename)
    if found is not None:
        refused = hygiene.foreign_owner(found)
        if refused is None:
            return found
        if raise_error_if_not_found:
            raise OSError(f"File not found: {refused}")
        hygiene.warn_once(refused)
        return ""
    if raise_error_if_not_found:
        raise OSError("File not found")
    return ""
