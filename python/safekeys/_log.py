"""The library's logger, ``logging.getLogger("safekeys")``.

``logging`` is imported on first use: most imports of safekeys never log,
and the import costs several milliseconds of start-up.

Messages are written as they read with nothing configured ("safekeys:
refused ..."): Python's last-resort handler prints the bare message, so the
prefix is what says who is talking. Once a handler is configured
(``logging.basicConfig``, a notebook's or a framework's setup, pytest) its
format names the logger already, and the prefix is dropped rather than read
``WARNING:safekeys:safekeys: ...``.
"""

from __future__ import annotations

_PREFIX = "safekeys: "


def _emit(level: int, message: str, args: tuple[object, ...]) -> None:
    import logging

    logger = logging.getLogger("safekeys")
    if not logger.isEnabledFor(level):
        return
    if message.startswith(_PREFIX) and logger.hasHandlers():
        message = message[len(_PREFIX) :]
    logger.log(level, message, *args)


def warning(message: str, *args: object) -> None:
    import logging

    _emit(logging.WARNING, message, args)


def info(message: str, *args: object) -> None:
    import logging

    _emit(logging.INFO, message, args)


def debug(message: str, *args: object) -> None:
    import logging

    _emit(logging.DEBUG, message, args)
