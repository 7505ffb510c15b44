"""Databricks secret scopes: ``dbutils.secrets.get(scope, key)``.

Asked only on a Databricks runtime (``DATABRICKS_RUNTIME_VERSION``), with
the notebook's own ``dbutils``. The scope is the part of the name before a
``/`` (``getenv("ml-team/OPENAI_API_KEY")``), else ``SAFEKEYS_DATABRICKS_SCOPE``;
without either, Databricks is not asked. A key the scope does not hold
raises an error whose message says it does not exist: not found.
"""

from __future__ import annotations

import sys

from .. import _settings
from . import hosted
from .base import Source, SourceUnavailable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional


def _dbutils() -> Any:
    """The notebook's ``dbutils`` (the IPython namespace Databricks fills)."""
    # IPython is loaded in every Databricks notebook; outside one, not imported here.
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get_ipython() if callable(get_ipython) else None
    namespace = getattr(shell, "user_ns", None)
    return namespace.get("dbutils") if isinstance(namespace, dict) else None


class DatabricksSource(Source):
    name = "databricks"
    label = "databricks"
    order = 42
    hint = (
        "store it in a secret scope (databricks secrets put-secret SCOPE {name}) and set "
        "SAFEKEYS_DATABRICKS_SCOPE=SCOPE, or ask for SCOPE/{name}"
    )

    @property
    def described(self) -> str:
        return "Databricks secrets"

    def active(self) -> bool:
        return hosted.is_databricks()

    def lookup(self, name: str) -> Optional[str]:
        scope, _, key = name.rpartition("/")
        scope = scope or (_settings.databricks_scope() or "")
        if not scope or not key:
            return None
        dbutils = _dbutils()
        if dbutils is None:
            raise SourceUnavailable(self, "no-dbutils", "no dbutils in this notebook's namespace")
        try:
            value = dbutils.secrets.get(scope=scope, key=key)
        except Exception as err:  # dbutils raises Java exceptions through py4j
            if "does not exist" in str(err):
                return None
            raise SourceUnavailable(
                self,
                "failure",
                f"Databricks could not read {key} from scope {scope} ({type(err).__name__})",
                per_key=True,
            ) from None
        return value if isinstance(value, str) else None


DATABRICKS = DatabricksSource()
