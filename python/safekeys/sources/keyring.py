"""The OS keyring as a source: service ``safekeys`` (or ``$SAFEKEYS_SERVICE``),
user name = the key's name."""

from __future__ import annotations

from .._errors import KeyringError
from ..stores import keyring
from .base import Source, SourceUnavailable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


class KeyringSource(Source):
    name = "keyring"
    order = 30
    always_secret = True
    label = "keyring"
    hint = (
        "store it in the OS keyring: `safekeys set {name}` in a terminal, "
        "or `%setkey {name}` in a notebook"
    )

    def __init__(self, service: Optional[str] = None) -> None:
        self.service = service

    def active(self) -> bool:
        return keyring.enabled()

    def lookup(self, name: str) -> Optional[str]:
        return self._get(name, self.service)

    def lookup_in(self, name: str, service: str) -> Optional[str]:
        return self._get(name, service)

    def _get(self, name: str, service: Optional[str]) -> Optional[str]:
        try:
            return keyring.lookup(name, service)
        except KeyringError as err:
            raise SourceUnavailable(
                self, err.reason, str(err), per_key=not err.unavailable
            ) from None


KEYRING = KeyringSource()
