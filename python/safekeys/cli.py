"""The ``safekeys`` command: keys in the OS keyring, from a terminal or a script.

A value is never taken from the command line (it would land in the shell's
history) and never printed unless asked for twice or piped.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import _core, _keyring
from ._errors import KeyringError, VaultError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

    from ._resolve import Source, SourceUnavailable

# Exit codes a script can rely on.
OK = 0
NOT_FOUND = 1
USAGE = 2
UNAVAILABLE = 3
CONFLICT = 4

EXIT_CODES = f"""\
exit codes:
  {OK}  success
  {NOT_FOUND}  not found (the key, or the file to read)
  {USAGE}  usage error (bad arguments, an empty value, --reveal to a terminal)
  {UNAVAILABLE}  the OS keyring is unavailable (no D-Bus session, no Secret Service,
     locked, not answering)
  {CONFLICT}  the keyring holds duplicate items with different values for the key,
     or a value that is not text
  5  the team store (OpenBao / Vault) refused: permission denied, an expired or
     revoked token
"""

DESCRIPTION = """\
Keep API keys in the OS keyring (Secret Service on Linux, the Keychain on
macOS, the Credential Manager on Windows) instead of .env files and notebook
cells. Keys are stored under the service "safekeys" (or $SAFEKEYS_SERVICE, or
--service) with the key's name as the user name, as Python's keyring package
stores them; safekeys.getenv("NAME") finds them there."""


class Failure(Exception):
    """Stop with ``message`` on stderr and exit ``code``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _keyring_failure(err: KeyringError, doing: str) -> Failure:
    return Failure(UNAVAILABLE if err.unavailable else CONFLICT, f"cannot {doing}: {err}")


def _check_name(name: str) -> None:
    if not name or "=" in name or "\0" in name:
        raise Failure(USAGE, f"{name!r} cannot be the name of an environment variable")


def _describe(value: str) -> str:
    n = len(value)
    return f"{n} character{'s' if n != 1 else ''}, {_core.fingerprint(value)}"


def _err(message: str) -> None:
    print(f"safekeys: {message}", file=sys.stderr)


# -- set ---------------------------------------------------------------------------


def _read_value(name: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        value = getpass.getpass(f"Value for {name} (input is hidden): ")
    else:
        value = sys.stdin.read() if sys.stdin is not None else ""
        # A pipe usually ends with one newline that is not part of the key.
        if value.endswith("\r\n"):
            value = value[:-2]
        elif value.endswith("\n"):
            value = value[:-1]
    return value


def cmd_set(args: argparse.Namespace) -> int:
    name = args.name
    _check_name(name)
    service = _keyring.service_name(args.service)
    value = _read_value(name)
    if not value:
        raise Failure(USAGE, f"nothing stored: the value for {name} is empty")
    try:
        _keyring.handle().set(service, name, value)
    except KeyringError as err:
        raise _keyring_failure(err, f"store {name} in the OS keyring") from None
    print(f"Stored {name} in the OS keyring (service {service!r}): {_describe(value)}.")
    return OK


# -- get ---------------------------------------------------------------------------


def _load_nearest_dotenv(enabled: bool) -> None:
    """Let the .env source see the nearest .env above the working directory (or none)."""
    from ._dotenv import dotenv_values
    from ._find import find_dotenv
    from ._resolve import DOTENV

    path = find_dotenv(usecwd=True) if enabled else ""
    if path:
        DOTENV.record(dotenv_values(path), path)
    else:
        DOTENV.record({}, "")


def _resolve(
    name: str, service: Optional[str], problems: list[SourceUnavailable]
) -> Optional[tuple[str, Source]]:
    """The first source holding ``name``: ``(value, source)``. No masking: nothing prints."""
    from ._resolve import SourceUnavailable, sources

    for source in sources():
        if not source.active():
            continue
        try:
            value = source.lookup(name) if service is None else source.lookup_in(name, service)
        except SourceUnavailable as problem:
            problems.append(problem)
            continue
        if value is not None:
            return value, source
    return None


def cmd_get(args: argparse.Namespace) -> int:
    name = args.name
    _check_name(name)
    if args.reveal and sys.stdout.isatty() and args.reveal < 2:
        raise Failure(
            USAGE,
            f"not printing {name}'s value to a terminal: pipe it "
            f"(safekeys get {name} --reveal | ...) or pass --reveal twice",
        )
    _load_nearest_dotenv(not args.no_dotenv)
    problems: list[SourceUnavailable] = []
    found = _resolve(name, args.service, problems)
    if found is None:
        for problem in problems:
            _err(f"the {problem.source.label} could not be read: {problem.message}")
        if problems:
            per_key = all(p.per_key for p in problems)
            raise Failure(CONFLICT if per_key else UNAVAILABLE, f"{name} was not found")
        from ._resolve import sources

        looked = ", ".join(s.label for s in sources() if s.active())
        raise Failure(NOT_FOUND, f"{name} is not set (looked in: {looked})")
    value, source = found
    if args.reveal:
        sys.stdout.write(value + "\n")
        return OK
    where = source.label
    if where == "keyring":
        where = f"keyring (service {_keyring.service_name(args.service)!r})"
    elif where == ".env":
        from ._resolve import DOTENV

        origin = DOTENV.origin(name)
        if origin:
            where = f".env ({origin})"
    print(f"{name}: from {where}, {_describe(value)}")
    return OK


# -- delete, list ------------------------------------------------------------------


def cmd_delete(args: argparse.Namespace) -> int:
    name = args.name
    _check_name(name)
    service = _keyring.service_name(args.service)
    try:
        deleted = _keyring.handle().delete(service, name)
    except KeyringError as err:
        raise _keyring_failure(err, f"delete {name} from the OS keyring") from None
    if not deleted:
        raise Failure(NOT_FOUND, f"{name} is not in the OS keyring (service {service!r})")
    extra = f" ({deleted} duplicate items)" if deleted > 1 else ""
    print(f"Deleted {name} from the OS keyring (service {service!r}){extra}.")
    return OK


def cmd_list(args: argparse.Namespace) -> int:
    service = _keyring.service_name(args.service)
    try:
        rows = _keyring.handle().list(service)
    except KeyringError as err:
        raise _keyring_failure(err, "list the OS keyring") from None
    if args.json:
        import json

        print(
            json.dumps(
                [
                    {
                        "name": name,
                        "length": length,
                        "fingerprint": fingerprint,
                        "items": items,
                        "state": state,
                    }
                    for name, items, length, fingerprint, state in rows
                ],
                indent=2,
            )
        )
        return OK
    if not rows:
        _err(f"the OS keyring holds no keys for service {service!r}")
        return OK
    table = [("NAME", "LENGTH", "FINGERPRINT", "NOTE")]
    for name, items, length, fingerprint, state in rows:
        note = {
            "text": "",
            "differing": f"{items} items with different values",
            "not-text": "not text",
        }[state]
        if state == "text" and items > 1:
            note = f"{items} identical items"
        table.append((name, "-" if length is None else str(length), fingerprint or "-", note))
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return OK


# -- import ------------------------------------------------------------------------


def _secret_reason(name: str, value: str) -> Optional[str]:
    if _core.secret_name(name):
        return "name looks secret"
    shape = _core.known_shape(value)
    if shape is not None:
        return f"looks like a {shape}"
    if _core.url_password(value) is not None:
        return "URL with a password"
    return None


def cmd_import(args: argparse.Namespace) -> int:
    from ._dotenv import dotenv_values

    path = args.file
    if not os.path.isfile(path):
        raise Failure(NOT_FOUND, f"{path}: no such file")
    # Rewrite the file a symlink points to: replacing the link would leave the keys there.
    real = os.path.realpath(path)
    try:
        with open(real, encoding="utf-8", newline="") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise Failure(USAGE, f"{path} is not UTF-8 text; nothing was changed") from None
    raw = dotenv_values(real, interpolate=False)
    expanded = dotenv_values(real)
    service = _keyring.service_name(args.service)
    handle = _keyring.handle()
    moves: list[tuple[str, str, str]] = []
    left: list[str] = []
    for name, value in raw.items():
        if not value:
            continue
        reason = _secret_reason(name, value)
        if reason is None:
            continue
        if expanded.get(name) != value:
            _err(f"left {name} in {path}: its value uses ${{...}} interpolation")
            left.append(name)
            continue
        try:
            existing = handle.get(service, name)
        except KeyringError as err:
            if err.unavailable:
                raise _keyring_failure(err, "read the OS keyring") from None
            existing = ""  # duplicates that disagree: --overwrite replaces them
        if existing is not None and existing != value and not args.overwrite:
            _err(
                f"left {name} in {path}: the keyring already holds a different value "
                f"({_describe(existing) if existing else 'duplicates'}); "
                "pass --overwrite to replace it"
            )
            left.append(name)
            continue
        moves.append((name, value, reason))
    if not moves:
        print(f"No secret-looking values to move from {path}.")
        return NOT_FOUND if left else OK
    verb = "Would move" if args.dry_run else "Moved"
    for name, value, reason in moves:
        print(f"{verb} {name} ({_describe(value)}): {reason}")
    if args.dry_run:
        return OK
    for name, value, _reason in moves:
        try:
            handle.set(service, name, value)
            stored = handle.get(service, name)
        except KeyringError as err:
            raise _keyring_failure(err, f"store {name}; {path} was not changed") from None
        if stored != value:
            raise Failure(CONFLICT, f"{name} did not read back as written; {path} was not changed")
    new_text = text
    for name, _value, _reason in moves:
        new_text, _found, _invalid = _core.unset_key_in_text(new_text, name)
    _core.write_atomic(real, new_text.encode("utf-8"), _core.preserved_mode(real))
    print(
        f"{len(moves)} key{'s' if len(moves) != 1 else ''} now in the OS keyring "
        f"(service {service!r}) and no longer in {path}."
    )
    return NOT_FOUND if left else OK


# -- run ---------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from ._dotenv import dotenv_values

    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        raise Failure(USAGE, "run needs a command: safekeys run [options] -- CMD [ARGS...]")
    env = dict(os.environ)
    for path in args.env_file:
        if not os.path.isfile(path):
            raise Failure(NOT_FOUND, f"{path}: no such file")
    # Several files are layers: later files win among themselves.
    for name, value in dotenv_values(list(args.env_file)).items():
        if value is not None and (args.override or name not in env):
            env[name] = value
    service = _keyring.service_name(args.service)
    handle = _keyring.handle()
    if args.key:
        for name in args.key:
            _check_name(name)
            if name in env:
                continue
            try:
                value = handle.get(service, name)
            except KeyringError as err:
                raise _keyring_failure(err, f"read {name} from the OS keyring") from None
            if value is None:
                raise Failure(
                    NOT_FOUND,
                    f"{name} is not set: not in the environment, the env files, "
                    f"or the OS keyring (service {service!r})",
                )
            env[name] = value
    else:
        try:
            rows = handle.list(service)
            for name, _items, _length, _fingerprint, state in rows:
                if name in env and not args.override:
                    continue
                if state != "text":
                    _err(f"skipped {name}: the keyring holds {state} values for it")
                    continue
                value = handle.get(service, name)
                if value is not None:
                    env[name] = value
        except KeyringError as err:
            raise _keyring_failure(err, "read the OS keyring") from None
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        try:
            os.execvpe(command[0], command, env)
        except FileNotFoundError:
            raise Failure(127, f"{command[0]}: command not found") from None
        except PermissionError:
            raise Failure(126, f"{command[0]}: permission denied") from None
    import subprocess

    try:
        return subprocess.call(command, env=env)
    except FileNotFoundError:
        raise Failure(127, f"{command[0]}: command not found") from None


# -- the parser ----------------------------------------------------------------------


def cmd_doctor(args: argparse.Namespace) -> int:
    from . import _doctor

    result = _doctor.run(args.paths, args.fix)
    if args.json:
        import json

        print(json.dumps(result, indent=2))
    else:
        print(_doctor.render(result, args.fix))
    code: int = result["exit_code"]
    return code


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="safekeys",
        description=DESCRIPTION,
        epilog=EXIT_CODES,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"safekeys {_core.__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--service",
        help="keyring service to use (default: $SAFEKEYS_SERVICE, else 'safekeys')",
    )
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND")
    sub.required = True

    def command(name: str, summary: str, details: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            parents=[common],
            help=summary,
            description=f"{summary}\n\n{details}",
            epilog=EXIT_CODES,
            formatter_class=formatter,
        )

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
        "working directory, then the OS keyring. Prints the source, the length and a\n"
        "short SHA-256 fingerprint, never the value, unless --reveal is given and\n"
        "standard output is not a terminal (for piping), or --reveal is given twice.",
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

    p = command(
        "import",
        "Move the secrets of a .env file into the OS keyring.",
        "Every value whose name looks secret (KEY, TOKEN, SECRET, PASSWORD, ...), whose\n"
        "value has a well-known key shape (sk-..., ghp_..., AKIA..., ...) or that is a URL\n"
        "with a password is stored in the keyring, read back, and only then removed from\n"
        "the file. The file is rewritten atomically; every other line keeps its bytes.\n"
        "A value the keyring already holds differently is left in the file unless\n"
        "--overwrite is given; so is a value using ${...} interpolation.\n"
        "Exit code 1 when some secret-looking values were left in the file.",
    )
    p.add_argument("file", metavar="FILE", nargs="?", default=".env", help="default: ./.env")
    p.add_argument("--dry-run", action="store_true", help="only show what would move")
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace values the keyring already holds differently",
    )
    p.set_defaults(func=cmd_import)

    p = command(
        "run",
        "Run a program with keys in its environment.",
        "    safekeys run -- python train.py\n"
        "    safekeys run --env-file .env --key OPENAI_API_KEY -- jupyter lab\n"
        "Without --key, every key the keyring holds for the service is passed; with\n"
        "--key, only those (each must be found, or nothing runs). Variables already\n"
        "in the environment win over the env files, which win over the keyring;\n"
        "--override reverses that. The exit code is the program's; before it starts,\n"
        "safekeys' own codes apply, and 126/127 when it cannot be executed/found.",
    )
    p.add_argument(
        "-f",
        "--env-file",
        action="append",
        default=[],
        metavar="FILE",
        help="also load this .env file; repeated, later files win among themselves",
    )
    p.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="NAME",
        help="pass only this key from the keyring (may be repeated)",
    )
    p.add_argument(
        "--override",
        action="store_true",
        help="env files and the keyring override variables already set",
    )
    p.add_argument("command", nargs=argparse.REMAINDER, metavar="-- CMD [ARGS...]")
    p.set_defaults(func=cmd_run)

    p = command(
        "doctor",
        "Check a project's .env files and the OS keyring.",
        "Reports .env files other users can read, .env files git would commit (or\n"
        "already tracks), .env files owned by another user, and the OS keyring's state.\n"
        "Without PATH it checks the .env a notebook here would load and the other\n"
        ".env* files in this directory (templates such as .env.example excepted).\n"
        "--fix makes such files private (chmod 600) and adds them to .gitignore; it\n"
        "never untracks a file or rewrites history. Exit code 0 when nothing is wrong\n"
        "(after --fix: nothing is left), 1 when problems remain.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="the .env files to check")
    p.add_argument("--fix", action="store_true", help="fix what can be fixed safely")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_doctor)

    from ._cli_scan import register as register_scan  # scan
    from ._cli_vault import register as register_vault  # vault login|status, rotate

    register_scan(command)
    register_vault(command)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    args_in = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    args, extra = parser.parse_known_args(args_in)
    if extra:
        if args.command_name == "set":
            # Never echo it: it may be the secret itself.
            _err(
                "set takes no value on the command line (it would be saved in your shell's "
                "history): type it at the hidden prompt, or pipe it on standard input"
            )
        else:
            _err(f"unexpected arguments for {args.command_name}: {' '.join(extra)}")
        return USAGE
    try:
        code: int = args.func(args)
    except Failure as failure:
        _err(failure.message)
        return failure.code
    except VaultError as err:
        # The team store refused (permission denied, a dead token, an insecure address).
        from ._cli_vault import _failure

        refused = _failure(err, f"run {args.command_name}")
        _err(refused.message)
        return refused.code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    return code
