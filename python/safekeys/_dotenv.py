"""The python-dotenv 1.2.x API, with parsing and file work done in Rust.

Signatures, defaults, results, side effects and log messages follow
python-dotenv 1.2.4; the one addition is the keyword-only ``dialect``.
"""

from __future__ import annotations

import codecs
import os
from _collections_abc import Mapping  # already loaded by os; collections.abc is not

from . import _core, _log
from ._find import find_dotenv

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections import OrderedDict
    from collections.abc import Iterator
    from typing import IO, Optional, Union

    StrPath = Union[str, "os.PathLike[str]"]
    _Parsed = tuple[dict[str, Optional[str]], list[int]]
else:
    from _collections import OrderedDict  # collections.OrderedDict, without importing collections

_TRUTHY = frozenset({"1", "true", "t", "yes", "y"})
_DIALECTS = ("python-dotenv", "dotenvy")


def _load_dotenv_disabled() -> bool:
    value = os.environ.get("PYTHON_DOTENV_DISABLED")
    return value is not None and value.casefold() in _TRUTHY


def _is_utf8(encoding: Optional[str]) -> bool:
    """Whether the Rust reader can stand in for ``open(..., encoding=encoding)``.

    An unknown encoding is not an error yet: python-dotenv only fails on it
    when a file is there to open.
    """
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _warn_invalid(lines: list[int], origin: str) -> None:
    for line in lines:
        _log.warning("safekeys could not parse statement starting at line %s of %s", line, origin)


class _Conflict(Exception):
    """An environment value uses the stand-in block; try another."""


class _StandIns:
    """Lone surrogates <-> private-use characters, for the Rust core.

    Rust strings cannot hold lone surrogates, which Python text has when read
    with ``errors="surrogateescape"`` and os.environ has for undecodable
    bytes; python-dotenv passes them through. Each crosses the core as a
    character of a 2048-wide block of planes 15-16 that the text does not use.
    """

    def __init__(self, block: int) -> None:
        self.base = block << 11
        offset = self.base - 0xD800
        self.hide_table = {cp: cp + offset for cp in range(0xD800, 0xE000)}
        self.restore_table = {cp + offset: cp for cp in range(0xD800, 0xE000)}

    def hide(self, text: str) -> str:
        return text.translate(self.hide_table)

    def restore(self, text: str) -> str:
        return text.translate(self.restore_table)

    def used_in(self, text: str) -> bool:
        return any(self.base <= ord(c) < self.base + 0x800 for c in text)


class _HidingEnviron(Mapping[str, str]):
    """os.environ as the core sees it when stand-ins are in use."""

    def __init__(self, environ: Mapping[str, str], stand_ins: _StandIns) -> None:
        self._environ = environ
        self._stand_ins = stand_ins

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:  # type: ignore[override]
        try:
            value = self._environ.get(self._stand_ins.restore(name))
        except UnicodeEncodeError:
            return default  # a name no environment variable can have
        if value is None:
            return default
        if not value.isascii():
            if self._stand_ins.used_in(value):
                raise _Conflict
            value = self._stand_ins.hide(value)
        return value

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._environ)

    def __len__(self) -> int:
        return len(self._environ)


class _Parser:
    """One reading's options, applied to a text or a file."""

    __slots__ = ("dialect", "document_first", "interpolate")

    def __init__(self, interpolate: bool, document_first: bool, dialect: str) -> None:
        self.interpolate = interpolate
        self.document_first = document_first
        self.dialect = dialect

    def text(self, text: str, environ: Mapping[str, str]) -> _Parsed:
        return _core.values_from_text(
            text,
            interpolate=self.interpolate,
            document_first=self.document_first,
            dialect=self.dialect,
            environ=environ,
        )

    def file(self, path: str) -> Optional[_Parsed]:
        return _core.values_from_file(
            path,
            interpolate=self.interpolate,
            document_first=self.document_first,
            dialect=self.dialect,
            environ=os.environ,
        )

    def text_with_surrogates(self, text: str) -> _Parsed:
        try:
            return self.text(text, os.environ)
        except UnicodeEncodeError:
            return self.stand_ins(text)

    def stand_ins(self, text: str) -> _Parsed:
        """``text`` for a text or environment holding lone surrogates."""
        used = {ord(c) >> 11 for c in text if ord(c) >= 0xF0000}
        for block in range(0xF0000 >> 11, 0x110000 >> 11):
            if block in used:
                continue
            stand_ins = _StandIns(block)
            try:
                values, invalid_lines = self.text(
                    stand_ins.hide(text), _HidingEnviron(os.environ, stand_ins)
                )
            except _Conflict:
                continue
            restored = {
                stand_ins.restore(key): None if value is None else stand_ins.restore(value)
                for key, value in values.items()
            }
            return restored, invalid_lines
        raise ValueError("no private-use block is free to carry lone surrogates")


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
    parser = _Parser(interpolate, document_first, dialect)
    result: Optional[_Parsed] = None
    origin: Optional[str] = None
    if dotenv_path:
        origin = os.fsdecode(dotenv_path)  # python-dotenv also takes bytes here
        if _is_utf8(encoding):
            try:
                result = parser.file(origin)
            except UnicodeEncodeError:
                # An undecodable environment variable was referenced; a FIFO
                # cannot be read twice, so only a regular file is read again.
                if not os.path.isfile(origin):
                    raise
                result = parser.stand_ins(_core.read_text(origin))
        elif _core.is_file_or_fifo(origin):
            with open(origin, encoding=encoding) as f:
                result = parser.text_with_surrogates(f.read())
    if result is None and stream is not None:
        origin = "<stream>"
        result = parser.text_with_surrogates(stream.read())
    if result is None:
        if verbose:
            _log.info("safekeys could not find configuration file %s.", dotenv_path or ".env")
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
        _log.debug("safekeys: .env loading disabled by PYTHON_DOTENV_DISABLED environment variable")
        return False
    if dotenv_path is None and stream is None:
        dotenv_path = find_dotenv()
    values, origin = _read_values(
        dotenv_path, stream, verbose, interpolate, override, encoding, dialect
    )
    environ = os.environ
    for key, value in values.items():
        # python-dotenv's order: `key in environ` comes first and can raise
        # (a name os.environ cannot encode), even with override=True.
        if key in environ and not override:
            continue
        if value is not None:
            environ[key] = value
    from . import _resolve

    # Recorded even when empty: getenv then stops falling back to the nearest .env.
    _resolve.record_loaded(values, origin or "<stream>")
    return bool(values)


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
    values, _origin = _read_values(dotenv_path, None, True, True, True, encoding, "python-dotenv")
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
        _log.warning("Key %s not removed from %s - key doesn't exist.", key_to_unset, dotenv_path)
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
