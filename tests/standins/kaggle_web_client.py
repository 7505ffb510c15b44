"""Stand-in for Kaggle's ``kaggle_web_client``: its two error classes."""


class CredentialError(Exception):
    pass


class BackendError(Exception):
    pass
