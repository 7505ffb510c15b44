"""What every ``safekeys`` command shares: exit codes, the failure that ends a
command, and reading a value without it touching the command line."""

from __future__ import annotations

import sys

from .. import _core, _masking
from .._errors import KeyringError, VaultError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    #: Makes one subcommand's parser: ``command(name, summary, details)``.
    Command = Callable[[str, str, str], argparse.ArgumentParser]

# Exit codes a script can rely on, the same for every command.
OK = 0
NOT_FOUND = 1
USAGE = 2
UNAVAILABLE = 3
CONFLICT = 4
DENIED = 5
INTERRUPTED = 130
PIPE_CLOSED = 141

# Only `safekeys --help` shows the whole table; a command's --help names the
# codes whose meaning is its own (scan, doctor, import, run).
EXIT_CODES = f"""\
exit codes (every command):
  {OK}    success
  {NOT_FOUND}    the answer is no: the key is not set (get, delete, run --key),
       something was found (scan), problems remain (doctor), secrets were
       left in the file (import)
  {USAGE}    usage error: bad arguments, a path that does not exist, an empty value,
       --reveal to a terminal, a team-store address or setting refused
  {UNAVAILABLE}    the OS keyring or the team store cannot be used: no D-Bus session,
       no Secret Service, locked, not answering; the server unreachable,
       sealed, or no token
  {CONFLICT}    the keyring holds duplicate items with different values for the key,
       or a value that is not text
  {DENIED}    the team store (OpenBao / Vault) refused: permission denied, an
       expired or revoked token
  126  run: the program cannot be executed (127: not found); else its own code
  {INTERRUPTED}  interrupted (Ctrl-C)
  {PIPE_CLOSED}  the reader of the output went away (safekeys scan | head)
"""

#: The last line of every command's --help.
SEE_EXIT_CODES = "All exit codes: safekeys --help."


class Failure(Exception):
    """Stop with ``message`` on stderr and exit ``code``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def keyring_failure(err: KeyringError, doing: str) -> Failure:
    return Failure(UNAVAILABLE if err.unavailable else CONFLICT, f"cannot {doing}: {err}")


def team_store_failure(err: VaultError, doing: str) -> Failure:
    """A refused address or bad settings is a usage error; a server or keyring
    out of reach is unavailability; anything else the store refused."""
    if err.reason in ("insecure", "config"):
        code = USAGE
    elif err.unavailable:
        code = UNAVAILABLE
    else:
        code = DENIED
    return Failure(code, f"cannot {doing}: {err}")


def check_name(name: str) -> None:
    if _masking.looks_like_a_key(name):
        # A key pasted where its name belongs would be stored under it and shown.
        raise Failure(
            USAGE,
            "NAME looks like a key itself (not repeated here): give the key's name, "
            "e.g. OPENAI_API_KEY; the value is read from a hidden prompt or standard input",
        )
    if not name or "=" in name or "\0" in name:
        raise Failure(USAGE, f"{name!r} cannot be the name of an environment variable")


def describe(value: str) -> str:
    """Length and fingerprint: what the CLI shows of a value."""
    n = len(value)
    return f"{n} character{'s' if n != 1 else ''}, {_core.fingerprint(value)}"


def err(message: str) -> None:
    print(f"safekeys: {message}", file=sys.stderr)


def read_value(name: str) -> str:
    """A hidden prompt on a terminal, else standard input with one trailing
    newline dropped (a pipe usually ends with one that is not part of the key)."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"Value for {name} (input is hidden): ")
    value = sys.stdin.read() if sys.stdin is not None else ""
    if value.endswith("\r\n"):
        return value[:-2]
    if value.endswith("\n"):
        return value[:-1]
    return value


def read_secret(prompt: str) -> str:
    """A hidden prompt on a terminal, else standard input; surrounding spaces dropped."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt).strip()
    text = sys.stdin.read() if sys.stdin is not None else ""
    return text.strip()
