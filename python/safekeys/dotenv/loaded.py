"""What ``load_dotenv`` read, for ``getenv``'s ``.env`` source.

``load_dotenv`` records every value it read, including those it did not put
in ``os.environ`` (a variable already set wins there, and may be removed
later); the ``.env`` source in ``safekeys.sources`` answers from here. Kept
in this package so that the loader never imports the sources above it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional

#: The name of this source in messages, ``%safekeys`` and masking decisions.
LABEL = ".env"


class Loaded:
    """Values ``load_dotenv`` read in this process, with the file each came from."""

    __slots__ = ("_attempted", "_values")

    def __init__(self) -> None:
        self._values: dict[str, tuple[str, str]] = {}
        self._attempted = False

    def record(self, values: Mapping[str, Optional[str]], origin: str) -> None:
        """Remember what one ``load_dotenv`` call read (called even when it read nothing)."""
        self._attempted = True
        for name, value in values.items():
            if value is not None:
                self._values[name] = (value, origin)

    @property
    def attempted(self) -> bool:
        """Whether ``load_dotenv`` ran at all (then no ``.env`` is read behind its back)."""
        return self._attempted

    def get(self, name: str) -> Optional[str]:
        hit = self._values.get(name)
        return hit[0] if hit else None

    def origin(self, name: str) -> Optional[str]:
        """The file (or ``"a + b"`` for layered files) ``name`` was read from."""
        hit = self._values.get(name)
        return hit[1] if hit else None


LOADED = Loaded()
