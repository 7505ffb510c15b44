"""Reading ``.env`` text and files for the python-dotenv API (``api.py``).

The Rust core parses and expands; this module chooses what to read (a file,
a FIFO, a stream, layered files), carries text the core cannot hold (lone
surrogates) across it, and reports malformed statements as python-dotenv does.
"""

from __future__ import annotations

import codecs
import errno
import os
from _collections_abc import Mapping  # already loaded by os; collections.abc is not

from .. import _core, _log
from .._errors import DotenvDecodeError, DotenvSyntaxError

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

DIALECTS = ("python-dotenv", "dotenvy")


def is_utf8(encoding: Optional[str]) -> bool:
    """Whether the Rust reader can stand in for ``open(..., encoding=encoding)``.

    An unknown encoding is not an error yet: python-dotenv only fails on it
    when a file is there to open.
    """
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _decode_error(path: str, encoding: str) -> DotenvDecodeError:
    """Where ``path`` stops decoding as ``encoding``, found again on its bytes so the
    error can name the line and column without carrying any of them."""
    line = column = offset = 0
    try:
        with open(path, "rb") as f:
            data = f.read()
        codecs.decode(data, encoding)
    except UnicodeDecodeError as err:
        offset = err.start
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    except OSError:
        pass  # a FIFO read once already: the place is unknown
    where = f"line {line}, column {column} (byte offset {offset})" if line else "a byte"
    message = f"{path} is not valid {encoding}: invalid byte at {where}"
    return DotenvDecodeError(path, message, line, column, offset, encoding=encoding)


def read_encoded(path: StrPath, encoding: Optional[str]) -> str:
    """``open(path, encoding=encoding).read()``, but a file that does not decode
    raises ``DotenvDecodeError``: the ``UnicodeDecodeError`` Python raises holds
    the undecodable bytes, which may be part of a secret."""
    try:
        with open(path, encoding=encoding) as f:
            return f.read()
    except UnicodeDecodeError:
        pass  # raised below, outside the handler, so that no reference to the bytes survives
    if encoding is None:
        import locale

        encoding = locale.getpreferredencoding(False)
    raise _decode_error(os.fsdecode(path), codecs.lookup(encoding).name)


def warn_invalid(lines: list[int], origin: str) -> None:
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


class Parser:
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


def ordered(values: dict[str, Optional[str]]) -> OrderedDict[str, Optional[str]]:
    """The core already returns an OrderedDict; copying 100,000 keys would cost more
    than parsing them."""
    return values if isinstance(values, OrderedDict) else OrderedDict(values)


def report_invalid(lines: list[int], origin: str, strict: bool) -> None:
    if lines and strict:
        raise DotenvSyntaxError(origin, lines)
    warn_invalid(lines, origin)


def decrypt(values: dict[str, Optional[str]], paths: list[str], origin: str, strict: bool) -> None:
    """dotenvx ``encrypted:`` values decrypted in place; the module that does it
    is imported only for a file that has one."""
    # One C-level join and search: half the cost of a loop over the values.
    # A value with "encrypted:" after a newline only costs the import.
    if "\nencrypted:" not in "\n" + "\n".join(filter(None, values.values())):
        return
    from . import encrypted

    encrypted.decrypt_values(values, paths, origin, strict)


def missing(path: str) -> FileNotFoundError:
    return FileNotFoundError(errno.ENOENT, "no .env file at this path", path)


def read_values(
    dotenv_path: Optional[StrPath],
    stream: Optional[IO[str]],
    verbose: bool,
    parser: Parser,
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
        if is_utf8(encoding):
            try:
                result = parser.file(origin)
            except UnicodeEncodeError:
                # An undecodable environment variable was referenced; a FIFO
                # cannot be read twice, so only a regular file is read again.
                if not os.path.isfile(origin):
                    raise
                result = parser.stand_ins(_core.read_text(origin))
        elif _core.is_file_or_fifo(origin):
            result = parser.text_with_surrogates(read_encoded(origin, encoding))
    if result is None and stream is not None:
        origin = "<stream>"
        result = parser.text_with_surrogates(stream.read())
    if result is None:
        if strict:
            raise missing(origin or ".env")
        if verbose:
            _log.info("safekeys could not find configuration file %s.", dotenv_path or ".env")
        return OrderedDict(), None
    values, invalid_lines = result
    report_invalid(invalid_lines, origin or "<stream>", strict)
    decrypt(values, [] if origin in (None, "<stream>") else [origin], origin or "<stream>", strict)
    return ordered(values), origin


def read_layers(
    paths: list[str], verbose: bool, parser: Parser, encoding: Optional[str], strict: bool
) -> tuple[OrderedDict[str, Optional[str]], list[str]]:
    """Several files as layers: in order, later files winning; missing ones skipped."""
    texts: list[str] = []
    found: list[str] = []
    for path in paths:
        if not _core.is_file_or_fifo(path):
            if strict:
                raise missing(path)
            if verbose:
                _log.info("safekeys could not find configuration file %s.", path)
            continue
        if is_utf8(encoding):
            texts.append(_core.read_text(path))
        else:
            texts.append(read_encoded(path, encoding))
        found.append(path)
    values, invalid = parser.layers(texts)
    for path, lines in zip(found, invalid, strict=True):
        report_invalid(lines, path, strict)
    decrypt(values, found, " + ".join(found), strict)
    return ordered(values), found


def split(
    dotenv_path: Union[StrPath, Sequence[StrPath], None],
) -> tuple[Optional[StrPath], Optional[list[str]]]:
    """``(single path, None)``, or ``(None, paths)`` for a layered load."""
    if isinstance(dotenv_path, (list, tuple)):
        return None, [os.fsdecode(p) for p in dotenv_path]
    return dotenv_path, None  # type: ignore[return-value]


def check_dialect(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}: expected 'python-dotenv' or 'dotenvy'")
