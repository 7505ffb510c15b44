"""The team store (OpenBao / Vault) as a source, after the OS keyring; asked
only when configured (``VAULT_ADDR`` or ``SAFEKEYS_VAULT_PATH``)."""

from __future__ import annotations

from .. import _core, _settings
from .._errors import VaultError
from ..stores import team
from .base import Source, SourceUnavailable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


class TeamStoreSource(Source):
    name = "team"
    order = 50
    always_secret = True
    label = team.LABEL

    @property
    def hint(self) -> str:  # type: ignore[override]
        path = _settings.team_store_path() or _core.VAULT_DEFAULT_PATH
        path = path.strip("/").replace("{", "{{").replace("}", "}}")
        return (
            "ask your team to store it in OpenBao/Vault: "
            f"bao kv put {path}/{{name}} value=... (or `safekeys rotate {{name}}`)"
        )

    def active(self) -> bool:
        return team.configured()

    def lookup(self, name: str) -> Optional[str]:
        try:
            return team.read(name)
        except VaultError as err:
            if err.unavailable:
                raise SourceUnavailable(self, err.reason, str(err)) from None
            # Refused, denied, expired: the user must see it, not a silent None.
            raise


TEAM_STORE = TeamStoreSource()
