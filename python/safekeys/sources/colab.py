"""Google Colab's secrets (the key icon in Colab's sidebar): ``userdata.get``.

Asked only on Colab (``COLAB_RELEASE_TAG``, or ``google.colab`` imported),
after the OS keyring. Colab's errors, as its ``google.colab.userdata``
defines them: ``SecretNotFoundError`` (not there: go on),
``NotebookAccessError`` (the secret exists but this notebook may not read
it: the user must switch on its notebook access) and ``TimeoutException``
(no Colab frontend answers, e.g. a Colab runtime driven from VS Code: skip
Colab for the rest of the process, like a locked keyring).
"""

from __future__ import annotations

from . import hosted
from .base import Source, SourceUnavailable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


_NO_ANSWER = "no answer from Colab (no Colab frontend?); not asked again in this process"


class ColabSource(Source):
    name = "colab"
    label = "colab"
    order = 40
    hint = "add it in Colab's Secrets panel (the key icon on the left) and turn on notebook access"

    def __init__(self) -> None:
        self._timed_out = False

    @property
    def described(self) -> str:
        return "Colab's secrets"

    def active(self) -> bool:
        return hosted.is_colab()

    def lookup(self, name: str) -> Optional[str]:
        if self._timed_out:
            raise SourceUnavailable(self, "timeout", _NO_ANSWER)
        from google.colab import userdata

        try:
            value = userdata.get(name)
        except userdata.SecretNotFoundError:
            return None
        except userdata.NotebookAccessError:
            raise SourceUnavailable(
                self,
                "no-access",
                f"Colab holds {name}, but this notebook may not read it: open the Secrets "
                f"panel (the key icon on the left) and turn on notebook access for {name}",
                per_key=True,
            ) from None
        except userdata.TimeoutException:
            # Colab waits 10 s each time: ask no more in this process.
            self._timed_out = True
            raise SourceUnavailable(self, "timeout", _NO_ANSWER) from None
        return value if isinstance(value, str) else None


COLAB = ColabSource()
