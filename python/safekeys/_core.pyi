"""Stubs for the Rust extension. Private: use the functions in ``safekeys``."""

import os
from collections.abc import Mapping
from typing import Optional, Union

_Path = Union[str, os.PathLike[str]]

__version__: str
__all__: list[str]

def values_from_text(
    text: str,
    *,
    interpolate: bool,
    document_first: bool,
    dialect: str,
    environ: Mapping[str, str],
) -> tuple[dict[str, Optional[str]], list[int]]: ...
def values_from_file(
    path: _Path,
    *,
    interpolate: bool,
    document_first: bool,
    dialect: str,
    environ: Mapping[str, str],
) -> Optional[tuple[dict[str, Optional[str]], list[int]]]: ...
def read_text(path: _Path) -> str: ...
def is_file_or_fifo(path: _Path) -> bool: ...
def set_key_in_text(text: str, key: str, line: str) -> tuple[str, bool, list[int]]: ...
def unset_key_in_text(text: str, key: str) -> tuple[str, bool, list[int]]: ...
def preserved_mode(path: _Path) -> Optional[int]: ...
def write_atomic(path: _Path, data: bytes, mode: Optional[int] = None) -> None: ...
def find_upwards(start: _Path, filename: _Path) -> Optional[str]: ...
