"""The library's logger, ``logging.getLogger("safekeys")``.

``logging`` is imported on first use: most imports of safekeys never log,
and the import costs several milliseconds of start-up.
"""

from __future__ import annotations


def warning(message: str, *args: object) -> None:
    import logging

    logging.getLogger("safekeys").warning(message, *args)


def info(message: str, *args: object) -> None:
    import logging

    logging.getLogger("safekeys").info(message, *args)


def debug(message: str, *args: object) -> None:
    import logging

    logging.getLogger("safekeys").debug(message, *args)
