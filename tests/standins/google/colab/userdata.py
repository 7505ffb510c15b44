"""Stand-in for ``google.colab.userdata``: ``get(key)`` and its three errors,
with Colab's class hierarchy and messages."""

import json
import os
import time

from google.colab import errors


class NotebookAccessError(Exception):
    def __init__(self, key):
        super().__init__(f"Notebook does not have access to secret {key}")


class SecretNotFoundError(errors.Error):
    def __init__(self, key):
        super().__init__(f"Secret {key} does not exist.")


class TimeoutException(errors.Error):
    def __init__(self, key):
        super().__init__(
            f"Requesting secret {key} timed out. "
            "Secrets can only be fetched when running from the Colab UI."
        )


def _stored():
    path = os.environ.get("SAFEKEYS_STANDIN_SECRETS")
    if not path:
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def get(key):
    if os.environ.get("SAFEKEYS_STANDIN_MODE") == "timeout":
        time.sleep(float(os.environ.get("SAFEKEYS_STANDIN_DELAY", "0")))
        raise TimeoutException(key)
    stored = _stored()
    if key not in stored:
        raise SecretNotFoundError(key)
    value = stored[key]
    if isinstance(value, dict) and value.get("no_access"):
        raise NotebookAccessError(key)
    return value
