"""Kaggle's user secrets (Add-ons > Secrets): ``UserSecretsClient().get_secret``.

Asked only in a Kaggle notebook (``KAGGLE_KERNEL_RUN_TYPE`` and
``KAGGLE_USER_SECRETS_TOKEN``, Kaggle's own check). Kaggle's client waits up
to 40 s for its service, which a notebook with internet off never reaches:
safekeys gives up after ``SAFEKEYS_PLATFORM_TIMEOUT`` seconds (default 10)
and skips Kaggle for the rest of the process. Its errors, as
``kaggle_secrets`` defines them: ``BackendError`` (the service refused: for
an unknown label, "not found"), ``CredentialError`` (the notebook's token was
refused), ``ValidationError`` (an empty name) and ``ConnectionError``.
"""

from __future__ import annotations

from .. import _settings
from . import hosted
from .base import Source, SourceUnavailable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


class KaggleSource(Source):
    name = "kaggle"
    label = "kaggle"
    order = 41
    hint = "add it under Add-ons > Secrets in the Kaggle notebook and attach it"

    def __init__(self) -> None:
        # (reason, message): why Kaggle is skipped for the rest of the process.
        self._gone: Optional[tuple[str, str]] = None

    @property
    def described(self) -> str:
        return "Kaggle's secrets"

    def active(self) -> bool:
        return hosted.is_kaggle()

    def lookup(self, name: str) -> Optional[str]:
        if self._gone is not None:
            raise SourceUnavailable(self, *self._gone)
        import kaggle_secrets

        timeout = _settings.platform_timeout()
        try:
            value = hosted.bounded(
                lambda: kaggle_secrets.UserSecretsClient().get_secret(name), timeout
            )
        except hosted.TimedOut:
            self._gone = ("timeout", f"no answer from Kaggle in {timeout:g} s (internet off?)")
            raise SourceUnavailable(self, *self._gone) from None
        except ConnectionError:
            self._gone = ("unreachable", "Kaggle's service cannot be reached (internet off?)")
            raise SourceUnavailable(self, *self._gone) from None
        except kaggle_secrets.CredentialError:
            raise SourceUnavailable(
                self, "denied", "Kaggle refused this notebook's secrets token"
            ) from None
        except kaggle_secrets.ValidationError:
            return None  # a name Kaggle cannot hold (empty)
        except kaggle_secrets.BackendError:
            # What Kaggle answers for a label it does not have (or not attached).
            return None
        return value if isinstance(value, str) else None


KAGGLE = KaggleSource()
