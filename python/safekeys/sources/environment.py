"""The process environment: the first place ``getenv`` looks."""

from __future__ import annotations

import os

from .base import Source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


class EnvironSource(Source):
    name = "env"
    order = 10
    always_secret = False
    label = "environment"
    hint = "export {name}=... in the shell that starts Python or Jupyter"

    def lookup(self, name: str) -> Optional[str]:
        return os.environ.get(name)


ENVIRON = EnvironSource()
