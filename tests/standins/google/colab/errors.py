"""Stand-in for ``google.colab.errors``: the base class of Colab's errors."""


class Error(Exception):
    """Base class for all Colab errors."""
