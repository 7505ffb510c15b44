"""What the hosted-notebook sources share: telling which platform this is,
cheaply, and asking a platform's API without waiting on it for long."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Optional, TypeVar

    T = TypeVar("T")


def is_colab() -> bool:
    """Google Colab (not Colab Enterprise, whose secrets live elsewhere)."""
    env = os.environ
    if env.get("VERTEX_PRODUCT") == "COLAB_ENTERPRISE":
        return False
    return bool(env.get("COLAB_RELEASE_TAG")) or "google.colab" in sys.modules


def is_kaggle() -> bool:
    """A Kaggle notebook that may read its user secrets (Kaggle's own check)."""
    env = os.environ
    return bool(env.get("KAGGLE_KERNEL_RUN_TYPE")) and bool(env.get("KAGGLE_USER_SECRETS_TOKEN"))


def is_databricks() -> bool:
    return bool(os.environ.get("DATABRICKS_RUNTIME_VERSION"))


def detected() -> Optional[str]:
    """The hosted platform this process runs on, if any."""
    for name, check in (("colab", is_colab), ("kaggle", is_kaggle), ("databricks", is_databricks)):
        if check():
            return name
    return None


class TimedOut(Exception):
    """A platform's API did not answer in time."""


def bounded(call: Callable[[], T], seconds: float) -> T:
    """``call()``, given up on after ``seconds``: some platform clients wait
    40 s for a service that is not there (a notebook with internet off). The
    call goes on in a daemon thread that nothing waits for."""
    import threading

    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(call())
        except BaseException as err:  # handed to the caller's thread below
            errors.append(err)

    worker = threading.Thread(target=run, name="safekeys-platform", daemon=True)
    worker.start()
    worker.join(seconds)
    if errors:
        raise errors[0]
    if not results:
        raise TimedOut(f"no answer in {seconds:g} s")
    return results[0]
