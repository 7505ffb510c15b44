"""safekeys: keep API keys out of notebook outputs.

A drop-in, faster python-dotenv (``load_dotenv``, ``dotenv_values``,
``find_dotenv``, ``get_key``, ``set_key``, ``unset_key``) plus ``getenv`` and
``require``, which find a key without it being typed into a cell.
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
from ._errors import DotenvDecodeError, MissingKeyError
from ._find import find_dotenv
from ._resolve import getenv, require

__all__ = [
    "DotenvDecodeError",
    "MissingKeyError",
    "__version__",
    "dotenv_values",
    "find_dotenv",
    "get_cli_string",
    "get_key",
    "getenv",
    "load_dotenv",
    "require",
    "set_key",
    "unset_key",
]
