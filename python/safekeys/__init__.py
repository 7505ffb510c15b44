"""safekeys: keep API keys out of notebook outputs.

A drop-in, faster python-dotenv (``load_dotenv``, ``dotenv_values``,
``find_dotenv``, ``get_key``, ``set_key``, ``unset_key``) plus ``getenv`` and
``require``, which find a key without it being typed into a cell (the
environment, ``.env``, the OS keyring, a team store (OpenBao / Vault) or a
hidden prompt), ``store_key``, ``delete_key``, ``list_keys`` for the OS
keyring and ``rotate`` for the team store.
"""

from __future__ import annotations

from ._core import __version__
from ._dotenv import (
    dotenv_values,
    get_cli_string,
    get_key,
    load_dotenv,
    set_key,
    unset_key,
)
from ._errors import (
    DotenvDecodeError,
    DotenvSyntaxError,
    KeyringError,
    LiteralKeyError,
    MissingKeyError,
    VaultError,
)
from ._find import find_dotenv
from ._resolve import getenv, require
from ._vault import rotate  # importing _vault puts the team store in getenv's chain

_MASKING = frozenset({"mask", "registered", "scrub", "unmask"})
_KEYRING = frozenset({"StoredKey", "delete_key", "list_keys", "store_key"})
_SCAN = frozenset({"scan"})


def __getattr__(name: str) -> object:
    # The masking and keyring APIs load on first use: `import safekeys` stays cheap.
    if name in _MASKING:
        from . import _masking

        return getattr(_masking, name)
    if name in _KEYRING:
        from . import _keyring

        return getattr(_keyring, name)
    if name in _SCAN:
        from . import _scan

        return getattr(_scan, name)
    raise AttributeError(f"module 'safekeys' has no attribute {name!r}")


TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._keyring import StoredKey, delete_key, list_keys, store_key
    from ._masking import mask, registered, scrub, unmask
    from ._scan import scan


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext safekeys``: load ``.env`` and mask secrets in every output."""
    from .ipython import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: object) -> None:
    """``%unload_ext safekeys``: stop masking and restore the kernel."""
    from .ipython import unload_ipython_extension as unload

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
