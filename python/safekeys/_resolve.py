"""``getenv`` / ``require``: one chain of sources, asked in order.

The chain starts as DESIGN.md's resolution chain does: the process
environment, then values loaded from ``.env``. Later sources (the OS keyring,
a team store, a prompt) join it with ``add_source`` without changing callers.
"""

from __future__ import annotations

import os

from ._errors import MissingKeyError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional


class Source:
    """One place a key can come from.

    ``label`` names it in messages and in ``%safekeys``; ``hint`` tells a user
    how to put a key there (``{name}`` is replaced by the key's name).
    """

    label: str = "source"
    hint: str = ""

    def lookup(self, name: str) -> Optional[str]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<safekeys source {self.label!r}>"


class EnvironSource(Source):
    label = "environment"
    hint = "export {name}=... in the shell that starts Python or Jupyter"

    def lookup(self, name: str) -> Optional[str]:
        return os.environ.get(name)


class DotenvSource(Source):
    """Values from ``.env`` files.

    What ``load_dotenv`` read, even where it did not set ``os.environ``
    (a variable already set wins there, and may later be removed). Before any
    ``load_dotenv`` call, the nearest ``.env`` (as ``find_dotenv()`` finds it)
    is read, and read again only when its size or modification time changes;
    ``PYTHON_DOTENV_DISABLED`` turns that off as it turns off ``load_dotenv``.
    """

    label = ".env"
    hint = "add {name}=... to a .env file in your project"

    def __init__(self) -> None:
        self._loaded: dict[str, tuple[str, str]] = {}
        self._attempted = False
        self._found: dict[str, Optional[str]] = {}
        self._found_stamp: Optional[tuple[str, int, int]] = None

    def record(self, values: Mapping[str, Optional[str]], origin: str) -> None:
        """Remember what ``load_dotenv`` read (called even when it read nothing)."""
        self._attempted = True
        for name, value in values.items():
            if value is not None:
                self._loaded[name] = (value, origin)

    def origin(self, name: str) -> Optional[str]:
        hit = self._loaded.get(name)
        return hit[1] if hit else None

    def lookup(self, name: str) -> Optional[str]:
        hit = self._loaded.get(name)
        if hit is not None:
            return hit[0]
        if self._attempted:
            return None
        return self._nearest().get(name)

    def _nearest(self) -> dict[str, Optional[str]]:
        from ._dotenv import _load_dotenv_disabled, dotenv_values
        from ._find import find_dotenv

        path = "" if _load_dotenv_disabled() else find_dotenv()
        if not path:
            self._found, self._found_stamp = {}, None
            return self._found
        st = os.stat(path)
        stamp = (path, st.st_mtime_ns, st.st_size)
        if stamp != self._found_stamp:
            self._found = dict(dotenv_values(path))
            self._found_stamp = stamp
        return self._found


class Resolution:
    """Where a name was found. Its repr never shows the value."""

    __slots__ = ("name", "source", "value")

    def __init__(self, name: str, value: str, source: Source) -> None:
        self.name = name
        self.value = value
        self.source = source

    def __repr__(self) -> str:
        return (
            f"Resolution(name={self.name!r}, source={self.source.label!r}, "
            f"length={len(self.value)})"
        )


ENVIRON = EnvironSource()
DOTENV = DotenvSource()
_chain: list[Source] = [ENVIRON, DOTENV]
_found_in: dict[str, str] = {}


def sources() -> list[Source]:
    """The chain, in the order it is asked."""
    return list(_chain)


def add_source(source: Source, *, before: Optional[Source] = None) -> None:
    """Add ``source`` to the chain: last, or just before ``before``."""
    if source in _chain:
        return
    if before is None:
        _chain.append(source)
    else:
        _chain.insert(_chain.index(before), source)


def remove_source(source: Source) -> None:
    if source in _chain:
        _chain.remove(source)


def record_loaded(values: Mapping[str, Optional[str]], origin: str) -> None:
    """``load_dotenv`` read ``values`` from ``origin``: remember them and mask the secret ones."""
    from . import _masking

    DOTENV.record(values, origin)
    for name, value in values.items():
        if value is not None:
            _masking.consider(name, value, DOTENV.label)


def resolve(name: str) -> Optional[Resolution]:
    """The first source that has ``name``, or None."""
    for source in _chain:
        value = source.lookup(name)
        if value is not None:
            from . import _masking

            _found_in[name] = source.label
            _masking.consider(name, value, source.label)
            return Resolution(name, value, source)
    return None


def found_in() -> dict[str, str]:
    """For each name resolved so far, the label of the source that answered."""
    return dict(_found_in)


def getenv(name: str, default: Optional[str] = None) -> Optional[str]:
    """The value of ``name`` from the first source that has it, else ``default``.

    Sources, in order: the process environment, then ``.env`` values (those
    ``load_dotenv`` loaded, or else the nearest ``.env`` file).
    """
    hit = resolve(name)
    return default if hit is None else hit.value


def require(name: str) -> str:
    """Like ``getenv`` but raises ``MissingKeyError`` (a ``KeyError``) when absent."""
    hit = resolve(name)
    if hit is not None:
        return hit.value
    looked = ", ".join(source.label for source in _chain)
    ways = "\n".join(f"  - {source.hint.format(name=name)}" for source in _chain if source.hint)
    raise MissingKeyError(
        name,
        f"{name} is not set. safekeys looked in: {looked}.\nTo provide it:\n{ways}",
    )
