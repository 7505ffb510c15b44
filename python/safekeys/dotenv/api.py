"""The python-dotenv 1.2.x API, with parsing and file work done in Rust.

Signatures, defaults, results, side effects and log messages follow
python-dotenv 1.2.4; the additions are keyword-only (``dialect``, ``strict``).
"""

from __future__ import annotations

import errno
import os

from .. import _core, _log, _masking, _settings
from . import hygiene, loaded, reload
from .find import find_dotenv, start_directory
from .reading import (
    Parser,
    check_dialect,
    is_utf8,
    read_encoded,
    read_layers,
    read_values,
    split,
    warn_invalid,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections import OrderedDict
    from collections.abc import Sequence
    from typing import IO, Optional, Union

    from .reading import StrPath


def _nearest_or_fail(strict: bool) -> str:
    """``find_dotenv()``; strict mode turns "nothing found" into an error."""
    path = find_dotenv()
    if not path and strict:
        start = start_directory()
        raise FileNotFoundError(
            errno.ENOENT, f"no .env file in {start} or any directory above it", ".env"
        )
    return path


def _read_for_load(
    single: Optional[StrPath],
    paths: Optional[list[str]],
    stream: Optional[IO[str]],
    parser: Parser,
    verbose: bool,
    encoding: Optional[str],
    strict: bool,
) -> tuple[OrderedDict[str, Optional[str]], str, bool]:
    """``(values, origin, from_stream)`` for ``load_dotenv``. A missing file is
    not a stream: its values (none) still replace what was loaded from it."""
    if single is None and paths is not None:
        values, found = read_layers(paths, verbose, parser, encoding, strict)
        return values, " + ".join(found), False
    values, read_from = read_values(single, stream, verbose, parser, encoding, strict)
    return values, read_from or "<stream>", read_from == "<stream>"


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
    if _settings.dotenv_disabled():
        # Worded as python-dotenv's ("python-dotenv: ..."), its prefix kept under any handler.
        _log.debug(
            "%s: .env loading disabled by PYTHON_DOTENV_DISABLED environment variable", "safekeys"
        )
        return False
    check_dialect(dialect)
    strict = _settings.strict() if strict is None else strict
    if dotenv_path is None and stream is None:
        dotenv_path = _nearest_or_fail(strict)
    single, paths = split(dotenv_path)
    if paths is None and single and stream is None:
        paths = [os.fsdecode(single)]
    key = reload.key_of(paths) if paths else None
    stamps = [reload.stamp(p) for p in paths] if paths else []
    environ = reload.EnvironWithout(reload.owned(key) if key else set())
    parser = Parser(interpolate, override, dialect, environ)
    options: dict[str, object] = {
        "verbose": verbose,
        "override": override,
        "interpolate": interpolate,
        "encoding": encoding,
        "dialect": dialect,
        "strict": strict,
    }
    values, origin, from_stream = _read_for_load(
        single, paths, stream, parser, verbose, encoding, strict
    )
    if from_stream:
        key = None
    reload.apply(values, override, key)
    for path in paths or ():
        hygiene.on_load(path)
    if key is not None and paths is not None:
        reload.remember(key, reload.Load(paths, stamps, options))
    # Recorded even when empty: getenv then stops falling back to the nearest .env.
    loaded.LOADED.record(values, origin)
    _masking.consider_many(
        ((name, value) for name, value in values.items() if value is not None), loaded.LABEL
    )
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
    check_dialect(dialect)
    strict = _settings.strict() if strict is None else strict
    if dotenv_path is None and stream is None:
        dotenv_path = find_dotenv()
    parser = Parser(interpolate, True, dialect, os.environ)
    single, paths = split(dotenv_path)
    if paths is not None:
        values = read_layers(paths, verbose, parser, encoding, strict)[0]
    else:
        values = read_values(single, stream, verbose, parser, encoding, strict)[0]
    _masking.consider_read(values, loaded.LABEL)
    return values


def get_key(
    dotenv_path: StrPath,
    key_to_get: str,
    encoding: Optional[str] = "utf-8",
) -> Optional[str]:
    """The value of ``key_to_get`` in the file, or None (with a warning if absent)."""
    parser = Parser(True, True, "python-dotenv", os.environ)
    values, _origin = read_values(dotenv_path, None, True, parser, encoding)
    if key_to_get in values:
        value = values[key_to_get]
        _masking.consider_read({key_to_get: value}, loaded.LABEL)
        return value
    _log.warning("Key %s not found in %s.", key_to_get, dotenv_path)
    return None


def _read_for_rewrite(path: StrPath, encoding: Optional[str]) -> tuple[str, Optional[int]]:
    """Current text (empty if missing) and the mode to keep, as python-dotenv's ``rewrite``."""
    try:
        if is_utf8(encoding):
            text = _core.read_text(path)
        else:
            text = read_encoded(path, encoding)
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
    warn_invalid(invalid_lines, os.fspath(path))
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
    warn_invalid(invalid_lines, os.fspath(path))
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
