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

import os

from .. import _log
from .base import Source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

GROUP = "safekeys.sources"

_installed: Optional[list[Source]] = None
_warned: set[str] = set()


def _entry_points() -> list[tuple[str, str]]:
    """``(name, "module:attr")`` of the group's entry points in installed
    distributions, in ``sys.path`` order, the first distribution of a name
    winning (as ``importlib.metadata`` does). Read directly from each
    ``*.dist-info/entry_points.txt``: ``importlib.metadata.entry_points()``
    parses every distribution's metadata and costs 30-50 ms here, this a few.
    A ``sys.path`` entry that is not a directory (a zip) falls back to it."""
    import sys

    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in sys.path:
        directory = entry or "."
        try:
            names = sorted(os.listdir(directory))
        except NotADirectoryError:
            return _from_importlib_metadata()
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            dist = name.rsplit("-", 1)[0].lower().replace("_", "-")
            if dist in seen:
                continue
            seen.add(dist)
            try:
                with open(os.path.join(directory, name, "entry_points.txt"), encoding="utf-8") as f:
                    text = f.read()
            except OSError:
                continue
            if GROUP in text:
                found.extend(_group_entries(text))
    return found


def _group_entries(text: str) -> list[tuple[str, str]]:
    """The ``[safekeys.sources]`` section of an ``entry_points.txt`` (INI)."""
    entries: list[tuple[str, str]] = []
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            inside = line == f"[{GROUP}]"
        elif inside and "=" in line and not line.startswith(("#", ";")):
            name, _, value = line.partition("=")
            entries.append((name.strip(), value.split("[")[0].strip()))
    return entries


def _from_importlib_metadata() -> list[tuple[str, str]]:
    from importlib.metadata import entry_points

    return [(entry.name, entry.value) for entry in entry_points(group=GROUP)]


def _load(name: str, value: str) -> Optional[Source]:
    try:
        import importlib

        module_name, _, attrs = value.partition(":")
        made: object = importlib.import_module(module_name.strip())
        for attr in filter(None, attrs.strip().split(".")):
            made = getattr(made, attr)
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
        loaded = (_load(name, value) for name, value in _entry_points())
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
