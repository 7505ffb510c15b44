"""``getenv`` / ``require``: one chain of sources, asked in order.

The process environment, then values loaded from ``.env``, then the OS
keyring, then a configured team store (docs/architecture.md, "The resolution
chain"). A source that cannot be asked right now (a locked keyring) raises
``SourceUnavailable``: ``getenv`` logs that once per cause and goes on,
``require`` names it.
"""

from __future__ import annotations

from .. import _log, _masking, _settings
from .._errors import KeyringError, MissingKeyError
from ..stores import keyring
from . import plugins
from .base import Source, SourceUnavailable
from .colab import COLAB
from .databricks import DATABRICKS
from .dotenv import DOTENV
from .environment import ENVIRON
from .kaggle import KAGGLE
from .keyring import KEYRING
from .team import TEAM_STORE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


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


BUILT_IN: list[Source] = [ENVIRON, DOTENV, KEYRING, COLAB, KAGGLE, DATABRICKS, TEAM_STORE]

# The built-in sources (and any add_source added), asked first.
_chain: Optional[list[Source]] = None
# Installed plug-ins, read on first need (see plugins.py).
_plugins: Optional[list[Source]] = None
# SAFEKEYS_SOURCES as last read, and the chain it chose.
_chosen: tuple[Optional[tuple[str, ...]], list[Source]] = (None, [])
# Problems already logged: (source label, reason, key name or "", level).
_reported: set[tuple[str, str, str, str]] = set()


def _built_in() -> list[Source]:
    global _chain
    if _chain is None:
        _chain = list(BUILT_IN)
    return _chain


def _installed() -> list[Source]:
    global _plugins
    if _plugins is None:
        _plugins = plugins.ordered(plugins.installed())
    return _plugins


def _all() -> list[Source]:
    return _built_in() + _installed()


def _configured() -> Optional[list[Source]]:
    """The chain ``SAFEKEYS_SOURCES`` chose, or None when it is not set."""
    global _chosen
    names = _settings.sources()
    if names is None:
        return None
    if _chosen[0] != names:
        _chosen = (names, plugins.choose(_all(), list(names)))
    return _chosen[1]


def sources() -> list[Source]:
    """The chain, in the order it is asked (``SAFEKEYS_SOURCES`` applied)."""
    chosen = _configured()
    return list(chosen) if chosen is not None else _all()


def add_source(source: Source, *, before: Optional[Source] = None) -> None:
    """Add ``source`` to the chain: after the built-ins, or just before ``before``."""
    global _chosen
    chain = _built_in()
    if source in chain:
        return
    if before is None:
        chain.append(source)
    else:
        chain.insert(chain.index(before), source)
    _chosen = (None, [])


def _from(
    source: Source,
    name: str,
    service: Optional[str],
    problems: Optional[list[SourceUnavailable]],
    register: bool,
) -> Optional[Resolution]:
    if not source.active():
        return None
    try:
        value = source.lookup(name) if service is None else source.lookup_in(name, service)
    except SourceUnavailable as problem:
        if problems is not None:
            problems.append(problem)
        return None
    if _reported:
        _forget_reports(source.label, name)
    if value is None:
        return None
    if register:
        _masking.consider(name, value, source.label, always=source.always_secret)
    return Resolution(name, value, source)


def resolve(
    name: str,
    *,
    service: Optional[str] = None,
    problems: Optional[list[SourceUnavailable]] = None,
    register: bool = True,
) -> Optional[Resolution]:
    """The first source that has ``name``, or None.

    ``service`` picks the keyring service for sources that have one. Sources
    that could not be asked are skipped and appended to ``problems``. The
    value found is registered for masking unless ``register=False`` (the CLI,
    which prints no value). Plug-ins are read only when no built-in source
    has the name (``SAFEKEYS_SOURCES`` aside).
    """
    chosen = _configured()
    for source in chosen if chosen is not None else _built_in():
        hit = _from(source, name, service, problems, register)
        if hit is not None:
            return hit
    if chosen is None:
        for source in _installed():
            hit = _from(source, name, service, problems, register)
            if hit is not None:
                return hit
    return None


def _forget_reports(label: str, name: str) -> None:
    """``label`` answered for ``name``: report its next problem again."""
    for key in [k for k in _reported if k[0] == label and k[2] in ("", name)]:
        _reported.discard(key)


# Causes that mean "this machine has no keyring" rather than "the keyring is
# there but could not be used": with a default to fall back on, only INFO.
_ABSENT = frozenset({"no-dbus", "no-service", "unsupported"})


def _report(name: str, problems: list[SourceUnavailable], has_default: bool) -> None:
    """Log each problem once per cause: WARNING, or INFO when the caller has a
    default and the machine simply has no keyring (no D-Bus, no Secret Service)."""
    for problem in problems:
        quiet = has_default and not problem.per_key and problem.reason in _ABSENT
        level = "info" if quiet else "warning"
        key = (problem.source.label, problem.reason, name if problem.per_key else "", level)
        if key in _reported:
            continue
        _reported.add(key)
        if problem.per_key:
            _log.warning(
                "safekeys: skipped %s for %s: %s", problem.source.described, name, problem.message
            )
        else:
            log = _log.info if quiet else _log.warning
            log("safekeys: getenv skips %s: %s", problem.source.described, problem.message)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ask(name: str, service: Optional[str]) -> Optional[str]:
    """A hidden prompt for ``name`` (getpass; in Jupyter the frontend's password box)."""
    import getpass

    where = keyring.service_name(service)
    try:
        answer = getpass.getpass(f"{name} (saved in the OS keyring, service {where!r}): ")
    except EOFError:
        return None
    except NotImplementedError:
        # A Jupyter frontend that does not accept input (e.g. nbclient).
        _log.warning("safekeys: cannot prompt for %s: this frontend does not accept input", name)
        return None
    return answer or None


def _prompted(name: str, service: Optional[str]) -> Optional[str]:
    """Ask for ``name``; store the answer in the keyring and mask it."""
    value = _ask(name, service)
    if value is None:
        return None
    _masking.consider(name, value, "prompt")
    if keyring.enabled():
        try:
            keyring.handle().set(keyring.service_name(service), name, value)
        except KeyringError as err:
            _log.warning("safekeys: could not store %s in the OS keyring: %s", name, err)
    return value


# Names already found not to look like keys: a getenv of the same name asks no more.
_good_names: set[str] = set()


def _check_name(name: str) -> None:
    # A key passed where its name belongs would be repeated in log lines and errors.
    if name in _good_names or not isinstance(name, str):
        return
    if _masking.looks_like_a_key(name):
        raise ValueError("the name looks like a key itself (not repeated here): pass its name")
    if len(_good_names) < 10_000:
        _good_names.add(name)


def getenv(
    name: str,
    default: Optional[str] = None,
    *,
    prompt: bool = False,
    service: Optional[str] = None,
) -> Optional[str]:
    """The value of ``name`` from the first source that has it, else ``default``.

    Sources, in order: the process environment, ``.env`` values (those
    ``load_dotenv`` loaded, or else the nearest ``.env`` file), the OS
    keyring (service ``safekeys``, ``$SAFEKEYS_SERVICE`` or ``service``), then
    a configured team store (OpenBao / Vault). With
    ``prompt=True`` a key found nowhere is asked for with a hidden prompt and
    stored in the keyring. A keyring that cannot be used (no D-Bus, locked, ...)
    is skipped with one log line per cause on the ``safekeys`` logger.
    """
    _check_name(name)
    problems: list[SourceUnavailable] = []
    hit = resolve(name, service=service, problems=problems)
    if hit is not None:
        return hit.value
    if problems:
        _report(name, problems, has_default=default is not None or prompt)
    if prompt:
        value = _prompted(name, service)
        if value is not None:
            return value
    return default


def require(name: str, *, service: Optional[str] = None) -> str:
    """Like ``getenv`` but raises ``MissingKeyError`` (a ``KeyError``) when absent.

    The message says where safekeys looked, why a source could not be asked
    (a locked keyring, no D-Bus, ...) and how to provide the key.
    """
    _check_name(name)
    problems: list[SourceUnavailable] = []
    hit = resolve(name, service=service, problems=problems)
    if hit is not None:
        return hit.value
    active = [source for source in sources() if source.active()]
    looked = ", ".join(source.label for source in active)
    why = "".join(
        f"\n{_capital(problem.source.described)} could not be read: {problem.message}"
        for problem in problems
    )
    ways = "\n".join(f"  - {source.hint.format(name=name)}" for source in active if source.hint)
    raise MissingKeyError(
        name,
        f"{name} is not set. safekeys looked in: {looked}.{why}\nTo provide it:\n{ways}",
    )
