"""Stand-in for the ``dbutils`` object a Databricks notebook has in its
namespace: ``dbutils.secrets.get(scope=..., key=...)``, raising as Databricks
does (a Java exception through py4j whose message says the secret does not
exist) for a key its scope does not hold. Scopes come from the JSON file named
by ``SAFEKEYS_STANDIN_SECRETS``: ``{"scope": {"KEY": "value"}}``."""

import json
import os


class ExecutionError(Exception):
    """What py4j raises for a failed dbutils call."""


class _Secrets:
    def _scopes(self):
        path = os.environ.get("SAFEKEYS_STANDIN_SECRETS")
        if not path:
            return {}
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def get(self, scope, key):
        scopes = self._scopes()
        if scope not in scopes:
            raise ExecutionError(f"Scope {scope} does not exist!")
        if key not in scopes[scope]:
            raise ExecutionError(f"Secret does not exist with scope: {scope} and key: {key}")
        return scopes[scope][key]


class DBUtils:
    secrets = _Secrets()


dbutils = DBUtils()
