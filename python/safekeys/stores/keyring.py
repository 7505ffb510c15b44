"""Keys in the OS keyring: ``store_key``, ``delete_key``, ``list_keys``.

Items are ``(service, key name)`` pairs, as Python's ``keyring`` package
stores them, so either can read what the other wrote. The service is
``safekeys`` unless ``SAFEKEYS_SERVICE`` or a ``service=`` argument says
otherwise. The Rust core opens the keyring on first use, bounds every call
(``SAFEKEYS_KEYRING_TIMEOUT`` seconds, 3 by default), never waits for an
unlock prompt and retries a failed start on the next call.
``SAFEKEYS_KEYRING=0`` keeps ``getenv`` from looking there.
"""

from __future__ import annotations

from .. import _core, _masking, _settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

DEFAULT_SERVICE = "safekeys"

_handle: Optional[_core.Keyring] = None


class StoredKey:
    """One key the keyring holds for a service: never the value.

    ``state`` is ``"text"``, ``"differing"`` (duplicate items whose values
    differ: ``length`` and ``fingerprint`` are None) or ``"not-text"``.
    """

    __slots__ = ("fingerprint", "items", "length", "name", "state")

    def __init__(
        self,
        name: str,
        length: Optional[int],
        fingerprint: Optional[str],
        items: int,
        state: str,
    ) -> None:
        self.name = name
        self.length = length
        self.fingerprint = fingerprint
        self.items = items
        self.state = state

    def _fields(self) -> tuple[object, ...]:
        return (self.name, self.length, self.fingerprint, self.items, self.state)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoredKey) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"StoredKey(name={self.name!r}, length={self.length!r}, "
            f"fingerprint={self.fingerprint!r}, items={self.items!r}, state={self.state!r})"
        )


def service_name(service: Optional[str] = None) -> str:
    """``service``, else ``$SAFEKEYS_SERVICE``, else ``safekeys``."""
    return service or _settings.service() or DEFAULT_SERVICE


def enabled() -> bool:
    """Whether ``getenv`` asks the keyring (``SAFEKEYS_KEYRING=0`` turns that off)."""
    return _settings.keyring()


def handle() -> _core.Keyring:
    """The process's keyring handle (no connection is made until it is used)."""
    global _handle
    if _handle is None:
        _handle = _core.Keyring(_settings.keyring_timeout())
    return _handle


def lookup(name: str, service: Optional[str] = None) -> Optional[str]:
    """The keyring's value for ``name``, or None. Raises ``KeyringError``."""
    return handle().get(service_name(service), name)


def store_key(name: str, value: str, *, service: Optional[str] = None) -> None:
    """Store ``value`` as ``name`` in the OS keyring and mask it from now on.

    Replaces what was there, duplicates included. Raises ``KeyringError``
    when the keyring is unavailable (its ``reason`` says why).
    """
    if not isinstance(value, str):
        raise TypeError(f"store_key() takes a str value, not {type(value).__name__}")
    check_name(name)
    handle().set(service_name(service), name, value)
    _masking.consider(name, value, "keyring")


def delete_key(name: str, *, service: Optional[str] = None) -> bool:
    """Delete ``name`` (every duplicate item of it) from the OS keyring.

    Returns whether there was anything to delete.
    """
    return handle().delete(service_name(service), name) > 0


def list_keys(*, service: Optional[str] = None) -> list[StoredKey]:
    """The keys the OS keyring holds for the service: names, lengths, fingerprints."""
    return [
        StoredKey(name, length, fingerprint, items, state)
        for name, items, length, fingerprint, state in handle().list(service_name(service))
    ]


def check_name(name: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"a key name is a str, not {type(name).__name__}")
    if _masking.looks_like_a_key(name):
        # A key pasted where its name belongs: the name would be listed and shown.
        raise ValueError("that name looks like a key itself (not repeated here): pass the name")
    if not name or "=" in name or "\0" in name:
        raise ValueError(f"{name!r} cannot be an environment variable's name")
