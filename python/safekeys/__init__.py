"""safekeys: keep API keys out of notebook outputs.

A drop-in, faster python-dotenv (``load_dotenv``, ``dotenv_values``,
``find_dotenv``, ``get_key``, ``set_key``, ``unset_key``) plus ``getenv`` and
``require``, which find a key without it being typed into a cell (the
environment, ``.env``, the OS keyring, a team store (OpenBao / Vault) or a
hidden prompt), ``store_key``, ``delete_key``, ``list_keys`` for the OS
keyring, ``rotate`` for the team store, ``mask``/``unmask``/``scrub`` for
masking and ``scan`` for leaked keys. How the package is laid out:
docs/architecture.md.
"""

from __future__ import annotations

from ._core import __version__
from ._errors import (
    DotenvDecodeError,
    DotenvSyntaxError,
    KeyringError,
    LiteralKeyError,
    MissingKeyError,
    VaultError,
)
from ._masking import mask, registered, scrub, unmask
from .dotenv.api import (
    dotenv_values,
    get_cli_string,
    get_key,
    load_dotenv,
    set_key,
    unset_key,
)
from .dotenv.find import find_dotenv

# Loaded on first use, so that `import safekeys` stays cheap: the scanner's
# Python side imports dataclasses and typing, and getenv's chain of sources
# and the stores are a third of the import, which load_dotenv alone never
# needs: name -> module.
_LAZY = {
    "scan": "scanner.api",
    "getenv": "sources.chain",
    "require": "sources.chain",
    "StoredKey": "stores.keyring",
    "delete_key": "stores.keyring",
    "list_keys": "stores.keyring",
    "store_key": "stores.keyring",
    "rotate": "stores.team",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'safekeys' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    # Tab completion offers the lazily loaded names too.
    return sorted({*globals(), *_LAZY})


TYPE_CHECKING = False
if TYPE_CHECKING:
    from .scanner.api import scan
    from .sources.chain import getenv, require
    from .stores.keyring import StoredKey, delete_key, list_keys, store_key
    from .stores.team import rotate


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext safekeys``: load ``.env`` and mask secrets in every output."""
    from .notebook.load import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: object) -> None:
    """``%unload_ext safekeys``: stop masking and restore the kernel."""
    from .notebook.load import unload_ipython_extension as unload

    unload(ipython)


__all__ = [
    "DotenvDecodeError",
    "DotenvSyntaxError",
    "KeyringError",
    "LiteralKeyError",
    "MissingKeyError",
    "StoredKey",
    "VaultError",
    "__version__",
    "delete_key",
    "dotenv_values",
    "find_dotenv",
    "get_cli_string",
    "get_key",
    "getenv",
    "list_keys",
    "load_dotenv",
    "load_ipython_extension",
    "mask",
    "registered",
    "require",
    "rotate",
    "scan",
    "scrub",
    "set_key",
    "store_key",
    "unload_ipython_extension",
    "unmask",
    "unset_key",
]
