"""What a source of keys is, and how it says it cannot be asked right now.

A source (built in, or a plug-in found through the ``safekeys.sources``
entry-point group) is a ``Source`` with:

- ``name``: its id in ``SAFEKEYS_SOURCES`` (``env``, ``keyring``, ``colab``);
- ``label``: how ``%safekeys`` names it (and messages, as "the LABEL",
  unless ``described`` says otherwise);
- ``order``: where it goes in the default chain (lower first; the built-ins
  use 10 to 50, a plug-in without one goes after them, at 60);
- ``always_secret``: every value it returns is masked, whatever its name
  (true for secret stores; false for the environment and ``.env``);
- ``active()``: whether to ask it at all right now: a cheap check (an
  environment variable, a module already imported), never a network call;
- ``lookup(name)``: the value, or None when the source does not have it. A
  source that cannot be asked right now (locked, offline, no permission)
  raises ``SourceUnavailable``, which ``getenv`` logs once per cause and
  ``require`` explains; any other exception reaches the caller.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


class Source:
    """One place a key can come from (see the module's docstring)."""

    name: str = "source"
    label: str = "source"
    hint: str = ""
    order: int = 60
    always_secret: bool = True

    def lookup(self, name: str) -> Optional[str]:
        raise NotImplementedError

    def lookup_in(self, name: str, service: str) -> Optional[str]:
        """``lookup`` in a named service, for sources that have services."""
        return self.lookup(name)

    def active(self) -> bool:
        """Whether the chain asks this source at all right now."""
        return True

    @property
    def described(self) -> str:
        """The source in a sentence: "the keyring", "Colab's secrets"."""
        return f"the {self.label}"

    def __repr__(self) -> str:
        return f"<safekeys source {self.name!r}>"


class SourceUnavailable(Exception):
    """A source could not be asked. ``reason`` is a short code, ``message``
    says why in words; neither holds a value."""

    def __init__(self, source: Source, reason: str, message: str, *, per_key: bool = False) -> None:
        super().__init__(message)
        self.source = source
        self.reason = reason
        self.message = message
        # A problem of one key (duplicates, no access to it), not of the whole source.
        self.per_key = per_key
