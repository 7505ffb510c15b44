"""Sources from other packages, and the order of the chain.

A package adds a source by naming it in the ``safekeys.sources`` entry-point
group (a ``Source`` subclass, made with no arguments, or an instance)::

    [project.entry-points."safekeys.sources"]
    onepassword = "mypackage.sources:OnePasswordSource"

The chain asks the built-in sources first (env, dotenv, keyring, colab,
kaggle, databricks, team), then the installed plug-ins, ordered by their
``order`` (default 60) and name. Plug-ins are looked up only when a name is
not in any built-in source: reading the installed packages' entry points
costs tens of milliseconds, which a ``getenv`` answered by the environment
should not pay. ``SAFEKEYS_SOURCES`` (e.g. ``env,teamvault,keyring``)
chooses and orders sources by name instead, plug-ins included: those it
does not list are not asked.
"""

from __future__ import annotations

from .. import _log
from .base import Source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

GROUP = "safekeys.sources"

_installed: Optional[list[Source]] = None
_warned: set[str] = set()


def _entry_points() -> list[object]:
    from importlib.metadata import entry_points

    try:
        return list(entry_points(group=GROUP))
    except TypeError:  # Python 3.9: a dict of groups
        return list(entry_points().get(GROUP, []))


def _load(entry: object) -> Optional[Source]:
    name = getattr(entry, "name", "?")
    try:
        made = entry.load()  # type: ignore[attr-defined]
        source = made() if isinstance(made, type) else made
    except Exception as err:
        _warn_once(f"load:{name}", f"could not load the source {name!r} ({type(err).__name__})")
        return None
    if not isinstance(source, Source):
        _warn_once(f"type:{name}", f"the source {name!r} is not a safekeys.sources.base.Source")
        return None
    if source.name == Source.name:
        source.name = name
    if source.label == Source.label:
        source.label = name
    return source


def installed() -> list[Source]:
    """The plug-in sources of installed packages, loaded once per process
    (reading entry points costs milliseconds: only when the chain is first used)."""
    global _installed
    if _installed is None:
        loaded = (_load(entry) for entry in _entry_points())
        _installed = [source for source in loaded if source is not None]
    return list(_installed)


def ordered(sources: list[Source]) -> list[Source]:
    return sorted(sources, key=lambda s: (s.order, s.name))


def choose(sources: list[Source], names: list[str]) -> list[Source]:
    """``sources`` as ``SAFEKEYS_SOURCES`` lists them (by name or label)."""
    by_name: dict[str, Source] = {}
    for source in sources:
        by_name.setdefault(source.name, source)
        by_name.setdefault(source.label, source)
    chosen: list[Source] = []
    for name in names:
        found = by_name.get(name)
        if found is None:
            known = ", ".join(s.name for s in sources)
            _warn_once(
                f"unknown:{name}", f"SAFEKEYS_SOURCES names {name!r}: no such source ({known})"
            )
        elif found not in chosen:
            chosen.append(found)
    return chosen


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        _log.warning("safekeys: %s", message)
