"""``getenv`` / ``require``: one chain of sources, asked in order.

The chain follows DESIGN.md's resolution chain: the process environment,
then values loaded from ``.env``, then the OS keyring. Later sources (a team
store) join it with ``add_source`` without changing callers. A source that
cannot be asked right now (a locked keyring) raises ``SourceUnavailable``:
``getenv`` logs that once per cause and goes on, ``require`` names it.
"""

from __future__ import annotations

import os

from ._errors import KeyringError, MissingKeyError

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

    def lookup_in(self, name: str, service: str) -> Optional[str]:
        """``lookup`` in a named service, for sources that have services."""
        return self.lookup(name)

    def active(self) -> bool:
        """Whether the chain asks this source at all right now."""
        return True

    def __repr__(self) -> str:
        return f"<safekeys source {self.label!r}>"


class SourceUnavailable(Exception):
    """A source could not be asked. ``reason`` is a short code, ``message``
    says why in words; neither holds a value."""

    def __init__(self, source: Source, reason: str, message: str, *, per_key: bool = False) -> None:
        super().__init__(message)
        self.source = source
        self.reason = reason
        self.message = message
        # A problem of one key (duplicates), not of the whole source.
        self.per_key = per_key


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


class KeyringSource(Source):
    """The OS keyring: service ``safekeys`` (or ``$SAFEKEYS_SERVICE``), user = the key's name."""

    label = "keyring"
    hint = (
        "store it in the OS keyring: `safekeys set {name}` in a terminal, "
        "or `%setkey {name}` in a notebook"
    )

    def __init__(self, service: Optional[str] = None) -> None:
        self.service = service

    def active(self) -> bool:
        from . import _keyring

        return _keyring.enabled()

    def lookup(self, name: str) -> Optional[str]:
        return self._get(name, self.service)

    def lookup_in(self, name: str, service: str) -> Optional[str]:
        return self._get(name, service)

    def _get(self, name: str, service: Optional[str]) -> Optional[str]:
        from . import _keyring

        try:
            return _keyring.lookup(name, service)
        except KeyringError as err:
            raise SourceUnavailable(
                self, err.reason, str(err), per_key=not err.unavailable
            ) from None


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
KEYRING = KeyringSource()
_chain: list[Source] = [ENVIRON, DOTENV, KEYRING]
_found_in: dict[str, str] = {}
# Problems already logged: (source label, reason, key name or "", level).
_reported: set[tuple[str, str, str, str]] = set()


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
    _masking.consider_many(
        ((name, value) for name, value in values.items() if value is not None), DOTENV.label
    )


def resolve(
    name: str,
    *,
    service: Optional[str] = None,
    problems: Optional[list[SourceUnavailable]] = None,
) -> Optional[Resolution]:
    """The first source that has ``name``, or None.

    ``service`` picks the keyring service for sources that have one. Sources
    that could not be asked are skipped and appended to ``problems``.
    """
    for source in _chain:
        if not source.active():
            continue
        try:
            value = source.lookup(name) if service is None else source.lookup_in(name, service)
        except SourceUnavailable as problem:
            if problems is not None:
                problems.append(problem)
            continue
        if _reported:
            _forget_reports(source.label, name)
        if value is not None:
            from . import _masking

            _found_in[name] = source.label
            _masking.consider(name, value, source.label)
            return Resolution(name, value, source)
    return None


def found_in() -> dict[str, str]:
    """For each name resolved so far, the label of the source that answered."""
    return dict(_found_in)


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
    from . import _log

    for problem in problems:
        quiet = has_default and not problem.per_key and problem.reason in _ABSENT
        level = "info" if quiet else "warning"
        key = (problem.source.label, problem.reason, name if problem.per_key else "", level)
        if key in _reported:
            continue
        _reported.add(key)
        if problem.per_key:
            _log.warning(
                "safekeys: skipped the %s for %s: %s", problem.source.label, name, problem.message
            )
        else:
            log = _log.info if quiet else _log.warning
            log(
                "safekeys: the %s is not available, so getenv skips it: %s",
                problem.source.label,
                problem.message,
            )


def _ask(name: str, service: Optional[str]) -> Optional[str]:
    """A hidden prompt for ``name`` (getpass; in Jupyter the frontend's password box)."""
    import getpass

    from . import _keyring, _log

    where = _keyring.service_name(service)
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
    from . import _keyring, _log, _masking

    _found_in[name] = "prompt"
    _masking.consider(name, value, "prompt")
    if _keyring.enabled():
        try:
            _keyring.handle().set(_keyring.service_name(service), name, value)
        except KeyringError as err:
            _log.warning("safekeys: could not store %s in the OS keyring: %s", name, err)
    return value


def getenv(
    name: str,
    default: Optional[str] = None,
    *,
    prompt: bool = False,
    service: Optional[str] = None,
) -> Optional[str]:
    """The value of ``name`` from the first source that has it, else ``default``.

    Sources, in order: the process environment, ``.env`` values (those
    ``load_dotenv`` loaded, or else the nearest ``.env`` file), then the OS
    keyring (service ``safekeys``, ``$SAFEKEYS_SERVICE`` or ``service``). With
    ``prompt=True`` a key found nowhere is asked for with a hidden prompt and
    stored in the keyring. A keyring that cannot be used (no D-Bus, locked, ...)
    is skipped with one log line per cause on the ``safekeys`` logger.
    """
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
    problems: list[SourceUnavailable] = []
    hit = resolve(name, service=service, problems=problems)
    if hit is not None:
        return hit.value
    active = [source for source in _chain if source.active()]
    looked = ", ".join(source.label for source in active)
    why = "".join(
        f"\nThe {problem.source.label} could not be read: {problem.message}" for problem in problems
    )
    ways = "\n".join(f"  - {source.hint.format(name=name)}" for source in active if source.hint)
    raise MissingKeyError(
        name,
        f"{name} is not set. safekeys looked in: {looked}.{why}\nTo provide it:\n{ways}",
    )
