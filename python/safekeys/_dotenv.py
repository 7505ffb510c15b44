"""The python-dotenv 1.2.x API, with parsing and file work done in Rust.

Signatures, defaults, results, side effects and log messages follow
python-dotenv 1.2.4; the one addition is the keyword-only ``dialect``.
"""

from __future__ import annotations

import codecs
import os
from _collections import OrderedDict  # the C type behind collections.OrderedDict

from . import _core, _log
from ._find import find_dotenv

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Optional, Union

    StrPath = Union[str, "os.PathLike[str]"]

_TRUTHY = frozenset({"1", "true", "t", "yes", "y"})
_DIALECTS = ("python-dotenv", "dotenvy")


def _load_dotenv_disabled() -> bool:
    value = os.environ.get("PYTHON_DOTENV_DISABLED")
    return value is not None and value.casefold() in _TRUTHY


def _is_utf8(encoding: Optional[str]) -> bool:
    return encoding is not None and codecs.lookup(encoding).name == "utf-8"


def _warn_invalid(lines: list[int], origin: str) -> None:
    for line in lines:
        _log.warning("safekeys could not parse statement starting at line %s of %s", line, origin)


def _read_values(
    dotenv_path: Optional[StrPath],
    stream: Optional[IO[str]],
    verbose: bool,
    interpolate: bool,
    document_first: bool,
    encoding: Optional[str],
    dialect: str,
) -> tuple[OrderedDict[str, Optional[str]], Optional[str]]:
    """Values and the origin they came from (a path, ``"<stream>"`` or None).

    The source is chosen as python-dotenv's ``DotEnv._get_stream`` does: an
    existing file or FIFO, else the stream, else nothing.
    """
    if dialect not in _DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}: expected 'python-dotenv' or 'dotenvy'")
    options = {
        "interpolate": interpolate,
        "document_first": document_first,
        "dialect": dialect,
        "environ": os.environ,
    }
    result = None
    origin: Optional[str] = None
    if dotenv_path:
        origin = os.fspath(dotenv_path)
        if _is_utf8(encoding):
            result = _core.values_from_file(origin, **options)
        elif _core.is_file_or_fifo(origin):
            with open(origin, encoding=encoding) as f:
                result = _core.values_from_text(f.read(), **options)
    if result is None and stream is not None:
        origin = "<stream>"
        result = _core.values_from_text(stream.read(), **options)
    if result is None:
        if verbose:
            _log.info(
                "safekeys could not find configuration file %s.", dotenv_path or ".env"
            )
        return OrderedDict(), None
    values, invalid_lines = result
    _warn_invalid(invalid_lines, origin or "<stream>")
    return OrderedDict(values), origin


def load_dotenv(
    dotenv_path: Optional[StrPath] = None,
    stream: Optional[IO[str]] = None,
    verbose: bool = False,
    override: bool = False,
    interpolate: bool = True,
    encoding: Optional[str] = "utf-8",
    *,
    dialect: str = "python-dotenv",
) -> bool:
    """Load a ``.env`` file into ``os.environ``, as python-dotenv does.

    With neither ``dotenv_path`` nor ``stream``, ``find_dotenv()`` picks the
    file. Variables already set are kept unless ``override=True``. Returns
    True when the file defined at least one name (even if none was set).
    ``PYTHON_DOTENV_DISABLED=1`` (or true/t/yes/y) turns loading off.
    ``dialect="dotenvy"`` reads the file as the Rust crate dotenvy does.
    """
    if _load_dotenv_disabled():
        _log.debug(
            "safekeys: .env loading disabled by PYTHON_DOTENV_DISABLED environment variable"
        )
        return False
    if dotenv_path is None and stream is None:
        dotenv_path = find_dotenv()
    values, origin = _read_values(
        dotenv_path, stream, verbose, interpolate, override, encoding, dialect
    )
    if not values:
        return False
    environ = os.environ
    for key, value in values.items():
        if value is None or (not override and key in environ):
            continue
        environ[key] = value
    from . import _resolve

    _resolve.record_loaded(values, origin or "<stream>")
    return True


def dotenv_values(
    dotenv_path: Optional[StrPath] = None,
    stream: Optional[IO[str]] = None,
    verbose: bool = False,
    interpolate: bool = True,
    encoding: Optional[str] = "utf-8",
    *,
    dialect: str = "python-dotenv",
) -> dict[str, Optional[str]]:
    """Parse a ``.env`` file and return its values (``None`` for bare keys).

    Returns an ``OrderedDict`` in first-appearance order; ``os.environ`` is
    not changed. References expand with the file's own values first.
    """
    if dotenv_path is None and stream is None:
        dotenv_path = find_dotenv()
    values, _origin = _read_values(
        dotenv_path, stream, verbose, interpolate, True, encoding, dialect
    )
    return values


def get_key(
    dotenv_path: StrPath,
    key_to_get: str,
    encoding: Optional[str] = "utf-8",
) -> Optional[str]:
    """The value of ``key_to_get`` in the file, or None (with a warning if absent)."""
    values, _origin = _read_values(
        dotenv_path, None, True, True, True, encoding, "python-dotenv"
    )
    if key_to_get in values:
        return values[key_to_get]
    _log.warning("Key %s not found in %s.", key_to_get, dotenv_path)
    return None


def _read_for_rewrite(path: StrPath, encoding: Optional[str]) -> tuple[str, Optional[int]]:
    """Current text (empty if missing) and the mode to keep, as python-dotenv's ``rewrite``."""
    try:
        if _is_utf8(encoding):
            text = _core.read_text(path)
        else:
            with open(path, encoding=encoding) as f:
                text = f.read()
    except FileNotFoundError:
        return "", None
    return text, _core.preserved_mode(path)


def _write(path: StrPath, text: str, encoding: Optional[str], mode: Optional[int]) -> None:
    if os.linesep != "\n":
        text = text.replace("\n", os.linesep)
    if encoding is None:
        import locale

        encoding = locale.getpreferredencoding(False)
    _core.write_atomic(path, text.encode(encoding), mode)


def set_key(
    dotenv_path: StrPath,
    key_to_set: str,
    value_to_set: str,
    quote_mode: str = "always",
    export: bool = False,
    encoding: Optional[str] = "utf-8",
    follow_symlinks: bool = False,
) -> tuple[Optional[bool], str, str]:
    """Add or update ``key_to_set`` in the file, creating it (mode 0600) if missing.

    Every binding of the key is replaced in place; all other lines keep their
    exact text. The file is replaced atomically and keeps its permission bits.
    A symlink is replaced by a regular file unless ``follow_symlinks=True``.
    """
    if quote_mode not in ("always", "auto", "never"):
        raise ValueError(f"Unknown quote_mode: {quote_mode}")
    quote = quote_mode == "always" or (quote_mode == "auto" and not value_to_set.isalnum())
    if quote:
        escaped = value_to_set.replace("\\", "\\\\").replace("'", "\\'")
        value_out = f"'{escaped}'"
    else:
        value_out = value_to_set
    line_out = f"{'export ' if export else ''}{key_to_set}={value_out}\n"

    path: StrPath = os.path.realpath(dotenv_path) if follow_symlinks else dotenv_path
    text, mode = _read_for_rewrite(path, encoding)
    new_text, _found, invalid_lines = _core.set_key_in_text(text, key_to_set, line_out)
    _warn_invalid(invalid_lines, os.fspath(path))
    _write(path, new_text, encoding, mode)
    return True, key_to_set, value_to_set


def unset_key(
    dotenv_path: StrPath,
    key_to_unset: str,
    quote_mode: str = "always",
    encoding: Optional[str] = "utf-8",
    follow_symlinks: bool = False,
) -> tuple[Optional[bool], str]:
    """Remove every binding of ``key_to_unset``; ``(None, key)`` if the file or key is missing."""
    if not os.path.exists(dotenv_path):
        _log.warning("Can't delete from %s - it doesn't exist.", dotenv_path)
        return None, key_to_unset
    path: StrPath = os.path.realpath(dotenv_path) if follow_symlinks else dotenv_path
    text, mode = _read_for_rewrite(path, encoding)
    new_text, removed, invalid_lines = _core.unset_key_in_text(text, key_to_unset)
    _warn_invalid(invalid_lines, os.fspath(path))
    # python-dotenv rewrites the file even when the key is absent.
    _write(path, new_text, encoding, mode)
    if not removed:
        _log.warning(
            "Key %s not removed from %s - key doesn't exist.", key_to_unset, dotenv_path
        )
        return None, key_to_unset
    return True, key_to_unset


def get_cli_string(
    path: Optional[str] = None,
    action: Optional[str] = None,
    key: Optional[str] = None,
    value: Optional[str] = None,
    quote: Optional[str] = None,
) -> str:
    """A ``dotenv`` command line for these arguments, as python-dotenv builds it."""
    command = ["dotenv"]
    if quote:
        command.append(f"-q {quote}")
    if path:
        command.append(f"-f {path}")
    if action:
        command.append(action)
        if key:
            command.append(key)
            if value:
                command.append(f'"{value}"' if " " in value else value)
    return " ".join(command).strip()
