"""The python-dotenv 1.2.x API, with parsing and file work done in Rust.

Signatures, defaults, results, side effects and log messages follow
python-dotenv 1.2.4; the one addition is the keyword-only ``dialect``.
"""

from __future__ import annotations

import codecs
import errno
import os
from _collections_abc import Mapping  # already loaded by os; collections.abc is not

from . import _core, _log, _reload
from ._errors import DotenvSyntaxError
from ._find import find_dotenv, start_directory

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections import OrderedDict
    from collections.abc import Iterator, Sequence
    from typing import IO, Optional, Union

    StrPath = Union[str, "os.PathLike[str]"]
    _Parsed = tuple[dict[str, Optional[str]], list[int]]
    # Where ${NAME} looks: os.environ, or a view of it (only .get is used).
    _Lookup = Mapping[str, str]
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

    __slots__ = ("dialect", "document_first", "environ", "interpolate")

    def __init__(
        self, interpolate: bool, document_first: bool, dialect: str, environ: _Lookup
    ) -> None:
        self.interpolate = interpolate
        self.document_first = document_first
        self.dialect = dialect
        self.environ = environ

    def text(self, text: str, environ: _Lookup) -> _Parsed:
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
            environ=self.environ,
        )

    def layers(self, texts: list[str]) -> tuple[dict[str, Optional[str]], list[list[int]]]:
        return _core.values_from_layers(
            texts,
            interpolate=self.interpolate,
            document_first=self.document_first,
            dialect=self.dialect,
            environ=self.environ,
        )

    def text_with_surrogates(self, text: str) -> _Parsed:
        try:
            return self.text(text, self.environ)
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
                    stand_ins.hide(text), _HidingEnviron(self.environ, stand_ins)
                )
            except _Conflict:
                continue
            restored = {
                stand_ins.restore(key): None if value is None else stand_ins.restore(value)
                for key, value in values.items()
            }
            return restored, invalid_lines
        raise ValueError("no private-use block is free to carry lone surrogates")


def _ordered(values: dict[str, Optional[str]]) -> OrderedDict[str, Optional[str]]:
    """The core already returns an OrderedDict; copying 100,000 keys would cost more
    than parsing them."""
    return values if isinstance(values, OrderedDict) else OrderedDict(values)


def _strict_mode(strict: Optional[bool]) -> bool:
    if strict is not None:
        return strict
    value = os.environ.get("SAFEKEYS_STRICT")
    return value is not None and value.casefold() in _TRUTHY


def _report_invalid(lines: list[int], origin: str, strict: bool) -> None:
    if lines and strict:
        raise DotenvSyntaxError(origin, lines)
    _warn_invalid(lines, origin)


def _missing(path: str) -> FileNotFoundError:
    return FileNotFoundError(errno.ENOENT, "no .env file at this path", path)


def _read_values(
    dotenv_path: Optional[StrPath],
    stream: Optional[IO[str]],
    verbose: bool,
    parser: _Parser,
    encoding: Optional[str],
    strict: bool = False,
) -> tuple[OrderedDict[str, Optional[str]], Optional[str]]:
    """Values and the origin they came from (a path, ``"<stream>"`` or None).

    The source is chosen as python-dotenv's ``DotEnv._get_stream`` does: an
    existing file or FIFO, else the stream, else nothing.
    """
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
        if strict:
            raise _missing(origin or ".env")
        if verbose:
            _log.info("safekeys could not find configuration file %s.", dotenv_path or ".env")
        return OrderedDict(), None
    values, invalid_lines = result
    _report_invalid(invalid_lines, origin or "<stream>", strict)
    return _ordered(values), origin


def _read_layers(
    paths: list[str], verbose: bool, parser: _Parser, encoding: Optional[str], strict: bool
) -> tuple[OrderedDict[str, Optional[str]], list[str]]:
    """Several files as layers: in order, later files winning; missing ones skipped."""
    texts: list[str] = []
    found: list[str] = []
    for path in paths:
        if not _core.is_file_or_fifo(path):
            if strict:
                raise _missing(path)
            if verbose:
                _log.info("safekeys could not find configuration file %s.", path)
            continue
        if _is_utf8(encoding):
            texts.append(_core.read_text(path))
        else:
            with open(path, encoding=encoding) as f:
                texts.append(f.read())
        found.append(path)
    values, invalid = parser.layers(texts)
    for path, lines in zip(found, invalid):
        _report_invalid(lines, path, strict)
    return _ordered(values), found


def _split(
    dotenv_path: Union[StrPath, Sequence[StrPath], None],
) -> tuple[Optional[StrPath], Optional[list[str]]]:
    """``(single path, None)``, or ``(None, paths)`` for a layered load."""
    if isinstance(dotenv_path, (list, tuple)):
        return None, [os.fsdecode(p) for p in dotenv_path]
    return dotenv_path, None  # type: ignore[return-value]


def _check_dialect(dialect: str) -> None:
    if dialect not in _DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}: expected 'python-dotenv' or 'dotenvy'")


def load_dotenv(
    dotenv_path: Union[StrPath, Sequence[StrPath], None] = None,
    stream: Optional[IO[str]] = None,
    verbose: bool = False,
    override: bool = False,
    interpolate: bool = True,
    encoding: Optional[str] = "utf-8",
    *,
    dialect: str = "python-dotenv",
    strict: Optional[bool] = None,
) -> bool:
    """Load a ``.env`` file into ``os.environ``, as python-dotenv does.

    With neither ``dotenv_path`` nor ``stream``, ``find_dotenv()`` picks the
    file. Variables already set are kept unless ``override=True``; but
    loading the same file again after an edit updates the variables safekeys
    itself set from it (and removes those the file no longer defines).
    Returns True when the file defined at least one name (even if none was
    set). ``PYTHON_DOTENV_DISABLED=1`` (or true/t/yes/y) turns loading off.

    Beyond python-dotenv: a list of paths loads layered files, later files
    winning among themselves; ``strict=True`` (or ``SAFEKEYS_STRICT=1``)
    raises ``FileNotFoundError`` for a missing file and ``DotenvSyntaxError``
    for a malformed statement instead of warning; ``dialect="dotenvy"`` reads
    the file as the Rust crate dotenvy does. A file that other users can
    read, or that git would commit, is warned about once per process on the
    ``safekeys`` logger (``SAFEKEYS_HYGIENE=0`` turns that off).
    """
    if _load_dotenv_disabled():
        _log.debug("safekeys: .env loading disabled by PYTHON_DOTENV_DISABLED environment variable")
        return False
    _check_dialect(dialect)
    strict = _strict_mode(strict)
    if dotenv_path is None and stream is None:
        dotenv_path = find_dotenv()
        if not dotenv_path and strict:
            start = start_directory()
            raise FileNotFoundError(
                errno.ENOENT, f"no .env file in {start} or any directory above it", ".env"
            )
    single, paths = _split(dotenv_path)
    if paths is None and single and stream is None:
        paths = [os.fsdecode(single)]
    key = _reload.key_of(paths) if paths else None
    stamps = [_reload.stamp(p) for p in paths] if paths else []
    environ = _reload.EnvironWithout(_reload.owned(key) if key else set())
    parser = _Parser(interpolate, override, dialect, environ)
    if single is None and paths is not None:
        values, found = _read_layers(paths, verbose, parser, encoding, strict)
        origin = " + ".join(found)
    else:
        values, read_from = _read_values(single, stream, verbose, parser, encoding, strict)
        origin = read_from or "<stream>"
        if read_from == "<stream>":
            key = None
    _reload.apply(values, override, key)
    if paths:
        from . import _hygiene

        for path in paths:
            _hygiene.on_load(path)
    if key is not None and paths is not None:
        options: dict[str, object] = {
            "verbose": verbose,
            "override": override,
            "interpolate": interpolate,
            "encoding": encoding,
            "dialect": dialect,
            "strict": strict,
        }
        _reload.remember(key, _reload.Load(paths, stamps, options))
    from . import _resolve

    # Recorded even when empty: getenv then stops falling back to the nearest .env.
    _resolve.record_loaded(values, origin)
    return bool(values)


def dotenv_values(
    dotenv_path: Union[StrPath, Sequence[StrPath], None] = None,
    stream: Optional[IO[str]] = None,
    verbose: bool = False,
    interpolate: bool = True,
    encoding: Optional[str] = "utf-8",
    *,
    dialect: str = "python-dotenv",
    strict: Optional[bool] = None,
) -> dict[str, Optional[str]]:
    """Parse a ``.env`` file and return its values (``None`` for bare keys).

    Returns an ``OrderedDict`` in first-appearance order; ``os.environ`` is
    not changed. References expand with the file's own values first. A list
    of paths reads layered files; ``strict`` as for ``load_dotenv``.
    """
    _check_dialect(dialect)
    strict = _strict_mode(strict)
    if dotenv_path is None and stream is None:
        dotenv_path = find_dotenv()
    parser = _Parser(interpolate, True, dialect, os.environ)
    single, paths = _split(dotenv_path)
    if paths is not None:
        return _read_layers(paths, verbose, parser, encoding, strict)[0]
    return _read_values(single, stream, verbose, parser, encoding, strict)[0]


def get_key(
    dotenv_path: StrPath,
    key_to_get: str,
    encoding: Optional[str] = "utf-8",
) -> Optional[str]:
    """The value of ``key_to_get`` in the file, or None (with a warning if absent)."""
    parser = _Parser(True, True, "python-dotenv", os.environ)
    values, _origin = _read_values(dotenv_path, None, True, parser, encoding)
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
