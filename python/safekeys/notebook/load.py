"""``%load_ext safekeys`` and ``%unload_ext safekeys``.

Kept apart from ``extension`` because it also registers the magics, which
read the extension's state: ``load`` -> ``magics`` -> ``extension``, no cycle.
"""

from __future__ import annotations

import os
from typing import Any

from .. import _masking
from ..dotenv.api import load_dotenv
from ..dotenv.find import find_dotenv
from .extension import Extension
from .magics import SafekeysMagics


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext safekeys``: load ``.env`` from the working directory (not
    overriding variables already set), register its secrets and the
    secret-looking environment, and start scrubbing every output."""
    if Extension.of(ip) is not None:
        return  # loaded in this shell already
    path = find_dotenv(usecwd=True)
    if path:
        load_dotenv(path)
    # Secrets the kernel inherited, and environment values that differ from
    # what .env holds under the same name (the environment wins over .env).
    _masking.consider_many(
        (
            (name, value)
            for name, value in list(os.environ.items())
            if not _masking.decided(name, value)
        ),
        "environment",
        note_ordinary=False,
    )
    _masking.set_active(True)
    _masking.watch_environ(start=True)
    Extension(ip).install()
    ip.register_magics(SafekeysMagics)


def unload_ipython_extension(ip: Any) -> None:
    """``%unload_ext safekeys``: put back everything the extension changed."""
    extension = Extension.of(ip)
    if extension is None:
        return
    extension.uninstall()
    if not Extension.loaded:
        _masking.set_active(False)
        _masking.stop_watching_environ()
