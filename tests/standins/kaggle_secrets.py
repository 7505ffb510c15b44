"""Stand-in for Kaggle's ``kaggle_secrets``: ``UserSecretsClient().get_secret``
and the errors Kaggle's client raises (see tests/standins/README.md)."""

import json
import os
import time

from kaggle_web_client import BackendError, CredentialError


class ValidationError(Exception):
    pass


class NotFoundError(Exception):
    pass


class UserSecretsClient:
    def __init__(self):
        if not os.environ.get("KAGGLE_USER_SECRETS_TOKEN"):
            raise CredentialError("A user secrets token is required to use UserSecretsClient.")

    def get_secret(self, label):
        if label is None or len(label) == 0:
            raise ValidationError("Label must be non-empty.")
        mode = os.environ.get("SAFEKEYS_STANDIN_MODE")
        if mode == "timeout":
            time.sleep(float(os.environ.get("SAFEKEYS_STANDIN_DELAY", "40")))
        if mode == "offline":
            raise ConnectionError("Connection error trying to communicate with service.")
        path = os.environ.get("SAFEKEYS_STANDIN_SECRETS")
        stored = {}
        if path:
            with open(path, encoding="utf-8") as f:
                stored = json.load(f)
        if label not in stored:
            raise BackendError(
                "Unexpected response from the service. Response: "
                "{'errors': ['No user secrets exist for kernel id 1 and label "
                + label
                + "'], 'wasSuccessful': False}."
            )
        return stored[label]
