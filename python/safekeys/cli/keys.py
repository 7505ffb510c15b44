"""``safekeys set|get|delete|list``: keys in the OS keyring, and where a key comes from."""

from __future__ import annotations

import argparse
import sys

from .._errors import KeyringError
from ..dotenv import loaded
from ..dotenv.api import dotenv_values
from ..dotenv.find import find_dotenv
from ..sources import chain
from ..sources.dotenv import DOTENV
from ..stores import keyring
from .common import (
    CONFLICT,
    NOT_FOUND,
    OK,
    UNAVAILABLE,
    USAGE,
    Failure,
    check_name,
    describe,
    err,
    keyring_failure,
    read_value,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..sources.base import SourceUnavailable
    from .common import Command


def cmd_set(args: argparse.Namespace) -> int:
    name = args.name
    check_name(name)
    service = keyring.service_name(args.service)
    value = read_value(name)
    if not value:
        raise Failure(USAGE, f"nothing stored: the value for {name} is empty")
    try:
        keyring.handle().set(service, name, value)
    except KeyringError as error:
        raise keyring_failure(error, f"store {name} in the OS keyring") from None
    print(f"Stored {name} in the OS keyring (service {service!r}): {describe(value)}.")
    return OK


def _load_nearest_dotenv(enabled: bool) -> None:
    """Let the .env source see the nearest .env above the working directory (or none)."""
    path = find_dotenv(usecwd=True) if enabled else ""
    loaded.LOADED.record(dotenv_values(path) if path else {}, path)


def _where(name: str, source_label: str, service: str) -> str:
    if source_label == "keyring":
        return f"keyring (service {keyring.service_name(service)!r})"
    if source_label == DOTENV.label:
        origin = DOTENV.origin(name)
        if origin:
            return f".env ({origin})"
    return source_label


# What to do when the keyring could not be asked, by KeyringError.reason.
_NO_KEYRING_HINT = (
    "this machine has no OS keyring it can use (a server, a container, SSH, CI): give "
    "{name} in the environment or a .env file, which are asked first, or start a Secret "
    "Service (gnome-keyring, KeePassXC); SAFEKEYS_KEYRING=0 stops safekeys asking the keyring"
)
_REMEDIES = {
    "no-dbus": _NO_KEYRING_HINT,
    "no-service": _NO_KEYRING_HINT,
    "unsupported": _NO_KEYRING_HINT,
    "locked": "unlock the keyring and run this again",
    "timeout": "try again; SAFEKEYS_KEYRING_TIMEOUT (seconds, default 3) allows it longer",
}


def _unavailable(name: str, problems: list[SourceUnavailable], asked: list[str]) -> Failure:
    """``get`` found nothing, but a source could not be asked: the key may be there."""
    for problem in problems:
        err(f"{problem.source.described} could not be read: {problem.message}")
    if all(p.per_key for p in problems):
        return Failure(CONFLICT, f"{name} was not found")
    failed = [p.source.label for p in problems]
    remedies = [_REMEDIES.get(p.reason, "") for p in problems if p.source.label == "keyring"]
    remedy = next((r for r in remedies if r), "see the message above")
    what = "keyring" if "keyring" in failed else " and ".join(failed)
    others = ", ".join(label for label in asked if label not in failed) or "nowhere else"
    return Failure(
        UNAVAILABLE,
        f"{name}: {what} unavailable, so it could not be looked up there (not set in: "
        f"{others}); to fix: {remedy.format(name=name)}",
    )


def cmd_get(args: argparse.Namespace) -> int:
    name = args.name
    check_name(name)
    if args.reveal and sys.stdout.isatty() and args.reveal < 2:
        raise Failure(
            USAGE,
            f"not printing {name}'s value to a terminal: pipe it "
            f"(safekeys get {name} --reveal | ...) or pass --reveal twice",
        )
    _load_nearest_dotenv(not args.no_dotenv)
    problems: list[SourceUnavailable] = []
    # No masking: the CLI prints no value unless asked, and then it must print it.
    found = chain.resolve(name, service=args.service, problems=problems, register=False)
    if found is None:
        asked = [s.label for s in chain.sources() if s.active()]
        looked = ", ".join(asked)
        if problems:
            raise _unavailable(name, problems, asked)
        note = "" if keyring.enabled() else "; the OS keyring is turned off (SAFEKEYS_KEYRING=0)"
        raise Failure(NOT_FOUND, f"{name} is not set (looked in: {looked}){note}")
    if args.reveal:
        sys.stdout.write(found.value + "\n")
        return OK
    where = _where(name, found.source.label, args.service)
    print(f"{name}: from {where}, {describe(found.value)}")
    return OK


def cmd_delete(args: argparse.Namespace) -> int:
    name = args.name
    check_name(name)
    service = keyring.service_name(args.service)
    try:
        deleted = keyring.handle().delete(service, name)
    except KeyringError as error:
        raise keyring_failure(error, f"delete {name} from the OS keyring") from None
    if not deleted:
        raise Failure(NOT_FOUND, f"{name} is not in the OS keyring (service {service!r})")
    extra = f" ({deleted} duplicate items)" if deleted > 1 else ""
    print(f"Deleted {name} from the OS keyring (service {service!r}){extra}.")
    return OK


_NOTES = {"text": "", "differing": "{items} items with different values", "not-text": "not text"}


def cmd_list(args: argparse.Namespace) -> int:
    service = keyring.service_name(args.service)
    try:
        rows = keyring.handle().list(service)
    except KeyringError as error:
        raise keyring_failure(error, "list the OS keyring") from None
    if args.json:
        import json

        listing = [
            {"name": n, "length": length, "fingerprint": f, "items": items, "state": state}
            for n, items, length, f, state in rows
        ]
        print(json.dumps(listing, indent=2))
        return OK
    if not rows:
        err(f"the OS keyring holds no keys for service {service!r}")
        return OK
    table = [("NAME", "LENGTH", "FINGERPRINT", "NOTE")]
    for name, items, length, fingerprint, state in rows:
        note = _NOTES[state].format(items=items)
        if state == "text" and items > 1:
            note = f"{items} identical items"
        table.append((name, "-" if length is None else str(length), fingerprint or "-", note))
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return OK


def register(command: Command) -> None:
    """Add ``set``, ``get``, ``delete`` and ``list`` to the ``safekeys`` parser."""
    p = command(
        "set",
        "Store a key in the OS keyring.",
        "The value is read from a hidden prompt, or from standard input when it is\n"
        "not a terminal (one trailing newline is dropped):\n"
        "    safekeys set OPENAI_API_KEY\n"
        "    pass show openai | safekeys set OPENAI_API_KEY\n"
        "Never from the command line, where it would be saved in the shell's history.\n"
        "An existing value, duplicates included, is replaced.",
    )
    p.add_argument("name", metavar="NAME", help="the key's name, e.g. OPENAI_API_KEY")
    p.set_defaults(func=cmd_set)

    p = command(
        "get",
        "Show where a key comes from, its length and fingerprint.",
        "Looks where safekeys.getenv looks: the environment, the nearest .env above the\n"
        "working directory, the OS keyring, then a configured team store. Prints the\n"
        "source, the length and a short SHA-256 fingerprint, never the value, unless\n"
        "--reveal is given and standard output is not a terminal (for piping), or\n"
        "--reveal is given twice.",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--reveal",
        action="count",
        default=0,
        help="print the value itself (twice to print it to a terminal)",
    )
    p.add_argument("--no-dotenv", action="store_true", help="do not read a .env file")
    p.set_defaults(func=cmd_get)

    p = command(
        "delete",
        "Delete a key from the OS keyring.",
        "Removes every item the keyring holds for the key, duplicates included.",
    )
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_delete)

    p = command(
        "list",
        "List the keys the OS keyring holds for the service.",
        "Names, lengths and fingerprints; never a value. Duplicate items are noted.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    p.set_defaults(func=cmd_list)
