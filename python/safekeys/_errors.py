"""Exceptions raised by safekeys. None of their messages contains a value."""

from __future__ import annotations


class DotenvDecodeError(UnicodeDecodeError):
    """A ``.env`` file is not valid in its encoding.

    A ``UnicodeDecodeError`` as python-dotenv raises, but the message names the
    file and the place instead of echoing bytes that may belong to a secret.
    """

    def __init__(
        self,
        filename: str,
        message: str,
        line: int,
        column: int,
        position: int,
        *,
        encoding: str = "utf-8",
    ) -> None:
        super().__init__(encoding, b"", 0, 0, f"invalid {encoding}")
        self.filename = filename
        self.line = line
        self.column = column
        self.position = position
        self._message = message

    def __str__(self) -> str:
        return self._message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # A keyword argument cannot ride in a reduce tuple: rebuild through _rebuild_decode_error.
        return (
            _rebuild_decode_error,
            (self.filename, self._message, self.line, self.column, self.position, self.encoding),
        )


def _rebuild_decode_error(
    filename: str, message: str, line: int, column: int, position: int, encoding: str
) -> DotenvDecodeError:
    return DotenvDecodeError(filename, message, line, column, position, encoding=encoding)


class MissingKeyError(KeyError):
    """``require(name)`` found no value in any source.

    A ``KeyError``, so ``except KeyError`` keeps working; its message says
    where safekeys looked and how to provide the key.
    """

    def __init__(self, name: str, message: str) -> None:
        super().__init__(name)
        self.name = name
        self._message = message

    def __str__(self) -> str:
        return self._message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.name, self._message))


class DotenvSyntaxError(ValueError):
    """Strict mode: a ``.env`` statement did not parse.

    Names the file and the lines where the statements start, never their text.
    """

    def __init__(self, filename: str, lines: list[int]) -> None:
        self.filename = filename
        self.lines = list(lines)
        where = f"line {lines[0]}"
        if len(lines) > 1:
            where = f"lines {', '.join(str(n) for n in lines)}"
        super().__init__(f"{filename}: could not parse the statement starting at {where}")

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.filename, self.lines))


class _ClientError(OSError):
    """The keyring or team-store client failed; ``reason`` is a short code for scripts, the message
    is for people. ``unavailable``: the store could not be asked right now, as
    opposed to refusing or holding something a person must sort out."""

    UNAVAILABLE: frozenset[str] = frozenset()

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self._message = message

    @property
    def unavailable(self) -> bool:
        return self.reason in self.UNAVAILABLE

    def __str__(self) -> str:
        return self._message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.reason, self._message))


class KeyringError(_ClientError):
    """The OS keyring could not do what was asked.

    ``reason`` says why, for code and scripts: ``"no-dbus"``, ``"no-service"``,
    ``"no-collection"``, ``"locked"``, ``"timeout"``, ``"unsupported"`` and
    ``"failure"`` mean the keyring cannot be used right now (``unavailable`` is
    True); ``"ambiguous"`` (duplicate items whose values differ) and
    ``"not-text"`` mean it holds something a person must sort out. The message
    names the service and key where useful, never a value.
    """

    UNAVAILABLE = frozenset(
        {"no-dbus", "no-service", "no-collection", "locked", "timeout", "unsupported", "failure"}
    )


class LiteralKeyError(RuntimeError):
    """The input guard refused a cell whose source holds a literal key
    (``SAFEKEYS_BLOCK_LITERAL_KEYS=1``). The message names lines and kinds only."""


class VaultError(_ClientError):
    """The team secret store (OpenBao / Vault) could not do what was asked.

    ``reason`` says why: ``"insecure"`` (plain HTTP to a non-loopback address,
    refused before connecting), ``"config"``, ``"no-token"``, ``"unreachable"``,
    ``"timeout"``, ``"tls"``, ``"server"`` (sealed, standby, 5xx), ``"protocol"``,
    ``"permission-denied"`` (the token's policies do not allow the path) and
    ``"token-invalid"`` (expired or revoked). The message names the address,
    path and key, never a token or a value.
    """

    UNAVAILABLE = frozenset({"unreachable", "timeout", "server", "no-token"})


class DotenvDecryptError(ValueError):
    """A dotenvx ``encrypted:`` value could not be decrypted, or a key could not be used.

    ``reason``: ``"no-key"``, ``"invalid-private-key"``, ``"invalid-public-key"``,
    ``"malformed"``, ``"wrong-key-or-tampered"`` or ``"not-text"``. The message
    names the file, line and variable where known, never a value or a key.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self._message = message

    def __str__(self) -> str:
        return self._message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (type(self), (self.reason, self._message))
