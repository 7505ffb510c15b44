"""What safekeys set in ``os.environ`` itself, and from which files.

python-dotenv never overrides a variable that is already set, its own
earlier values included, so re-running a cell after editing ``.env`` changes
nothing until the kernel restarts. safekeys remembers which variables it
set from which file (or set of layered files); loading the same file again
updates those, as long as nobody changed them since, and still leaves alone
variables that came from elsewhere.
"""

from __future__ import annotations

import os
from _collections_abc import Mapping  # already loaded by os; collections.abc is not

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Optional

    Stamp = Optional[tuple[int, int, int]]
    Key = tuple[str, ...]

# For each loaded file (or layered files): the variables set from it, with
# the value set. Only the value matters: a variable whose value differs now
# was changed by someone else and is no longer safekeys' to update.
_set_by_us: dict[Key, dict[str, str]] = {}


def key_of(paths: list[str]) -> Key:
    return tuple(os.path.abspath(p) for p in paths)


def stamp(path: str) -> Stamp:
    """What tells an edited file from an unchanged one without reading it."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def owned(key: Key) -> set[str]:
    """Variables safekeys set from ``key`` that still hold the value it set."""
    environ = os.environ
    return {name for name, value in _set_by_us.get(key, {}).items() if environ.get(name) == value}


class EnvironWithout(Mapping[str, str]):
    """``os.environ`` without the variables a reload will replace, so that
    ``${NAME}`` in the edited file sees the file's new values, not our old ones."""

    def __init__(self, hidden: set[str]) -> None:
        self._hidden = hidden

    def __getitem__(self, name: str) -> str:
        if name in self._hidden:
            raise KeyError(name)
        return os.environ[name]

    def __iter__(self) -> Iterator[str]:
        return (name for name in os.environ if name not in self._hidden)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def apply(values: Mapping[str, Optional[str]], override: bool, key: Optional[Key]) -> None:
    """Set ``values`` in ``os.environ`` as python-dotenv does, except that
    variables safekeys set earlier from the same ``key`` are updated, and
    removed when the file no longer defines them."""
    environ = os.environ
    mine = owned(key) if key is not None else set()
    now: dict[str, str] = {}
    for name, value in values.items():
        # python-dotenv's order: `name in environ` first (it can raise).
        if name in environ and not override and name not in mine:
            continue
        if value is not None:
            environ[name] = value
            now[name] = value
    # Ours, and now gone from the file (or a bare key there).
    for name in mine - now.keys():
        environ.pop(name, None)
    if key is not None:
        _set_by_us[key] = now


class Load:
    """A file-based ``load_dotenv`` call, for ``%dotenv`` and autoreload."""

    __slots__ = ("options", "paths", "stamps")

    def __init__(self, paths: list[str], stamps: list[Stamp], options: dict[str, object]) -> None:
        self.paths = paths
        self.stamps = stamps
        self.options = options

    def changed(self) -> bool:
        """One ``stat`` per file; never reads it."""
        return [stamp(p) for p in self.paths] != self.stamps


_loads: dict[Key, Load] = {}


def remember(key: Key, load: Load) -> None:
    _loads[key] = load


def loads() -> list[Load]:
    return list(_loads.values())


def last_load(key: Key) -> Optional[Load]:
    return _loads.get(key)
