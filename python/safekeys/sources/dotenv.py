"""Values from ``.env`` files: what ``load_dotenv`` read, else the nearest file."""

from __future__ import annotations

import os

from .. import _settings
from ..dotenv import loaded
from ..dotenv.api import dotenv_values
from ..dotenv.find import find_dotenv
from .base import Source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


class DotenvSource(Source):
    """Values from ``.env`` files.

    What ``load_dotenv`` read, even where it did not set ``os.environ``
    (a variable already set wins there, and may later be removed). Before any
    ``load_dotenv`` call, the nearest ``.env`` (as ``find_dotenv()`` finds it)
    is read, and read again only when its size or modification time changes;
    ``PYTHON_DOTENV_DISABLED`` turns that off as it turns off ``load_dotenv``.
    """

    name = "dotenv"
    order = 20
    always_secret = False

    label = loaded.LABEL
    hint = "add {name}=... to a .env file in your project"

    def __init__(self) -> None:
        self._found: dict[str, Optional[str]] = {}
        self._found_stamp: Optional[tuple[str, int, int]] = None

    def origin(self, name: str) -> Optional[str]:
        """The file ``load_dotenv`` read ``name`` from, if it did."""
        return loaded.LOADED.origin(name)

    def lookup(self, name: str) -> Optional[str]:
        record = loaded.LOADED
        value = record.get(name)
        if value is not None or record.attempted:
            return value
        return self._nearest().get(name)

    def _nearest(self) -> dict[str, Optional[str]]:
        path = "" if _settings.dotenv_disabled() else find_dotenv()
        if not path:
            self._found, self._found_stamp = {}, None
            return self._found
        st = os.stat(path)
        stamp = (path, st.st_mtime_ns, st.st_size)
        if stamp != self._found_stamp:
            self._found = dict(dotenv_values(path))
            self._found_stamp = stamp
        return self._found


DOTENV = DotenvSource()
