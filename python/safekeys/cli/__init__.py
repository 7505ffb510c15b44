"""The ``safekeys`` command: keys in the OS keyring and the team store, programs
run with them, scans for leaked keys and a project's hygiene.

One module per command group (``keys``, ``envfiles``, ``doctor``, ``scan``,
``team``), each adding its subcommands with ``register``; what they share is
in ``common``. A value is never taken from the command line (it would land in
the shell's history) and never printed unless asked for twice or piped.
Nothing else in the package imports this one (docs/architecture.md).
"""

from __future__ import annotations

import argparse
import sys

from .. import _core, _masking
from .._errors import VaultError
from . import doctor, encrypted, envfiles, keys, scan, team
from .common import (
    EXIT_CODES,
    INTERRUPTED,
    PIPE_CLOSED,
    SEE_EXIT_CODES,
    USAGE,
    Failure,
    err,
    team_store_failure,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, NoReturn, Optional

    from _typeshed import SupportsWrite

DESCRIPTION = """\
Keep API keys in the OS keyring (Secret Service on Linux, the Keychain on
macOS, the Credential Manager on Windows) instead of .env files and notebook
cells. Keys are stored under the service "safekeys" (or $SAFEKEYS_SERVICE, or
--service) with the key's name as the user name, as Python's keyring package
stores them; safekeys.getenv("NAME") finds them there."""

# In the order `safekeys --help` lists them.
_GROUPS = (keys, envfiles, encrypted, doctor, scan, team)


def _redacted(message: str, argv: list[str]) -> str:
    """``message`` without any command-line word that looks like a key: argparse
    quotes what it could not use ("invalid choice: 'sk-...'")."""
    for word in sorted(set(argv), key=len, reverse=True):
        if len(word) >= _masking.MIN_CHARS and _masking.why_secret("", word)[0] is not None:
            message = message.replace(word, "<a value that looks like a key>")
    return message


class _Parser(argparse.ArgumentParser):
    """argparse, but its error messages never repeat a key typed on the command line."""

    argv: ClassVar[list[str]] = []

    def error(self, message: str) -> NoReturn:
        super().error(_redacted(message, _Parser.argv))

    def _print_message(self, message: str, file: Optional[SupportsWrite[str]] = None) -> None:
        # argparse swallows a failed write; let a closed pipe reach main (exit 141).
        if message:
            (file or sys.stderr).write(message)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # A mistyped command (or vault action): name the closest one.
        choices = action.choices
        if choices is None or value in choices or not isinstance(value, str):
            super()._check_value(action, value)
            return
        import difflib

        names = [str(choice) for choice in choices]
        close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        what = "command" if action.dest == "command_name" else "choice"
        raise argparse.ArgumentError(
            action, f"unknown {what} {value!r}{hint} (choose from {', '.join(names)})"
        )


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="safekeys",
        description=DESCRIPTION,
        epilog=EXIT_CODES,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"safekeys {_core.__version__}")
    service_help = "keyring service to use (default: $SAFEKEYS_SERVICE, else 'safekeys')"
    # Before the command (safekeys --service foo list) or after it; SUPPRESS
    # keeps a subcommand's unset option from overwriting the one given before.
    parser.add_argument("--service", default=None, help=service_help)
    common = _Parser(add_help=False)
    common.add_argument("--service", default=argparse.SUPPRESS, help=service_help)
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND")
    sub.required = True

    def command(name: str, summary: str, details: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            parents=[common],
            help=summary,
            description=f"{summary}\n\n{details}",
            epilog=SEE_EXIT_CODES,
            formatter_class=formatter,
        )

    for group in _GROUPS:
        group.register(command)
    return parser


def _pipe_closed() -> int:
    """The reader went away (``safekeys scan --format json | head``): stop
    quietly, as a shell tool does, with SIGPIPE's exit status."""
    import os

    # Python would flush stdout again at exit and print a BrokenPipeError.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return PIPE_CLOSED


def main(argv: Optional[list[str]] = None) -> int:
    args_in = sys.argv[1:] if argv is None else list(argv)
    _Parser.argv = args_in
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(args_in)  # --help and --version print here
    except BrokenPipeError:
        return _pipe_closed()
    if extra:
        # Never echo them: a stray word is most often a value, maybe the secret itself.
        what = "1 argument" if len(extra) == 1 else f"{len(extra)} arguments"
        err(
            f"{args.command_name} got {what} it does not take (not repeated here, in case "
            "it is a key). safekeys never takes a key or token on the command line, where "
            "the shell's history keeps it: type it at the hidden prompt, or pipe it on "
            f"standard input. See: safekeys {args.command_name} --help"
        )
        return USAGE
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # here, where a closed pipe can be caught, not at exit
    except BrokenPipeError:
        return _pipe_closed()
    except Failure as failure:
        err(failure.message)
        return failure.code
    except VaultError as error:
        # The team store refused (permission denied, a dead token, an insecure address).
        refused = team_store_failure(error, f"run {args.command_name}")
        err(refused.message)
        return refused.code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return INTERRUPTED
    return code
