"""What a source of keys is, and how it says it cannot be asked right now."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
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
