"""``safekeys import`` (a ``.env`` file's secrets into the OS keyring) and
``safekeys run`` (a program with keys from env files and the keyring)."""

from __future__ import annotations

import argparse
import os
import sys

from .. import _core, _masking
from .._errors import KeyringError
from ..dotenv.api import dotenv_values
from ..stores import keyring
from .common import (
    CONFLICT,
    NOT_FOUND,
    OK,
    USAGE,
    Failure,
    check_name,
    describe,
    err,
    keyring_failure,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .common import Command

# -- import ------------------------------------------------------------------------


def _read_utf8(path: str, real: str) -> str:
    if not os.path.isfile(path):
        raise Failure(USAGE, f"{path}: no such file")
    try:
        with open(real, encoding="utf-8", newline="") as f:
            return f.read()
    except UnicodeDecodeError:
        raise Failure(USAGE, f"{path} is not UTF-8 text; nothing was changed") from None


def _plan(
    path: str, real: str, service: str, overwrite: bool
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """``(moves, left)``: ``(name, value, why)`` to move, names left in the file."""
    raw = dotenv_values(real, interpolate=False)
    expanded = dotenv_values(real)
    handle = keyring.handle()
    moves: list[tuple[str, str, str]] = []
    left: list[str] = []
    for name, value in raw.items():
        if not value:
            continue
        why, _masked = _masking.why_secret(name, value)
        if why is None:
            continue
        if expanded.get(name) != value:
            err(f"left {name} in {path}: its value uses ${{...}} interpolation")
            left.append(name)
            continue
        try:
            existing = handle.get(service, name)
        except KeyringError as error:
            if error.unavailable:
                raise keyring_failure(error, "read the OS keyring") from None
            existing = ""  # duplicates that disagree: --overwrite replaces them
        if existing is not None and existing != value and not overwrite:
            held = describe(existing) if existing else "duplicates"
            err(
                f"left {name} in {path}: the keyring already holds a different value "
                f"({held}); pass --overwrite to replace it"
            )
            left.append(name)
            continue
        moves.append((name, value, why))
    return moves, left


def _move(path: str, real: str, text: str, service: str, moves: list[tuple[str, str, str]]) -> None:
    """Store every value and read it back; only then take them out of the file."""
    handle = keyring.handle()
    for name, value, _why in moves:
        try:
            handle.set(service, name, value)
            stored = handle.get(service, name)
        except KeyringError as error:
            raise keyring_failure(error, f"store {name}; {path} was not changed") from None
        if stored != value:
            raise Failure(CONFLICT, f"{name} did not read back as written; {path} was not changed")
    for name, _value, _why in moves:
        text, _found, _invalid = _core.unset_key_in_text(text, name)
    _core.write_atomic(real, text.encode("utf-8"), _core.preserved_mode(real))


def cmd_import(args: argparse.Namespace) -> int:
    path = args.file
    # Rewrite the file a symlink points to: replacing the link would leave the keys there.
    real = os.path.realpath(path)
    text = _read_utf8(path, real)
    service = keyring.service_name(args.service)
    moves, left = _plan(path, real, service, args.overwrite)
    if not moves:
        print(f"No secret-looking values to move from {path}.")
        return NOT_FOUND if left else OK
    verb = "Would move" if args.dry_run else "Moved"
    for name, value, why in moves:
        print(f"{verb} {name} ({describe(value)}): {why}")
    if args.dry_run:
        return OK
    _move(path, real, text, service, moves)
    count = len(moves)
    print(
        f"{count} key{'s' if count != 1 else ''} now in the OS keyring "
        f"(service {service!r}) and no longer in {path}."
    )
    return NOT_FOUND if left else OK


# -- run ---------------------------------------------------------------------------


def _environment(env_files: list[str], override: bool) -> dict[str, str]:
    """This process's environment with the env files' values (layers: later files win)."""
    env = dict(os.environ)
    for path in env_files:
        if not os.path.isfile(path):
            raise Failure(USAGE, f"{path}: no such file")
    for name, value in dotenv_values(list(env_files)).items():
        if value is not None and (override or name not in env):
            env[name] = value
    return env


# The machine has no keyring at all (a server, a container, CI), as opposed to
# one that is there but locked or not answering.
_NO_KEYRING = frozenset({"no-dbus", "no-service", "unsupported"})


def _add_named_keys(env: dict[str, str], names: list[str], service: str) -> None:
    """Each of ``names`` from the keyring unless already set; one missing stops everything."""
    for name in names:
        check_name(name)
    missing = [name for name in names if name not in env]
    if not missing:
        return
    if not keyring.enabled():
        raise Failure(
            NOT_FOUND,
            f"{missing[0]} is not set: not in the environment or the env files, and the "
            "OS keyring is turned off (SAFEKEYS_KEYRING=0)",
        )
    handle = keyring.handle()
    for name in missing:
        try:
            value = handle.get(service, name)
        except KeyringError as error:
            raise keyring_failure(error, f"read {name} from the OS keyring") from None
        if value is None:
            raise Failure(
                NOT_FOUND,
                f"{name} is not set: not in the environment, the env files, "
                f"or the OS keyring (service {service!r})",
            )
        env[name] = value


def _add_every_key(env: dict[str, str], service: str, override: bool, optional: bool) -> None:
    """Every key the service holds. ``optional`` (env files were given): a
    keyring that cannot be used leaves the program with the environment and
    the files, said on stderr unless the machine simply has no keyring."""
    if not keyring.enabled():
        return
    handle = keyring.handle()
    try:
        rows = handle.list(service)
    except KeyringError as error:
        if not (optional and error.unavailable):
            raise keyring_failure(error, "read the OS keyring") from None
        if error.reason not in _NO_KEYRING:
            err(
                f"running without the OS keyring's keys: {error} "
                "(the program gets the environment and the env files)"
            )
        return
    try:
        for name, _items, _length, _fingerprint, state in rows:
            if name in env and not override:
                continue
            if state != "text":
                err(f"skipped {name}: the keyring holds {state} values for it")
                continue
            value = handle.get(service, name)
            if value is not None:
                env[name] = value
    except KeyringError as error:
        raise keyring_failure(error, "read the OS keyring") from None


def _execute(command: list[str], env: dict[str, str]) -> int:
    """Replace this process on POSIX (signals and exit codes pass straight through)."""
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


def cmd_run(args: argparse.Namespace) -> int:
    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        raise Failure(USAGE, "run needs a command: safekeys run [options] -- CMD [ARGS...]")
    env = _environment(args.env_file, args.override)
    service = keyring.service_name(args.service)
    if args.key:
        _add_named_keys(env, args.key, service)
    else:
        _add_every_key(env, service, args.override, optional=bool(args.env_file))
    return _execute(command, env)


def register(command: Command) -> None:
    """Add ``import`` and ``run`` to the ``safekeys`` parser."""
    p = command(
        "import",
        "Move the secrets of a .env file into the OS keyring.",
        "Every value whose name looks secret (KEY, TOKEN, SECRET, PASSWORD, ...), whose\n"
        "value has a well-known key shape (sk-..., ghp_..., AKIA..., ...) or that is a URL\n"
        "with a password is stored in the keyring, read back, and only then removed from\n"
        "the file. The file is rewritten atomically; every other line keeps its bytes.\n"
        "A value the keyring already holds differently is left in the file unless\n"
        "--overwrite is given; so is a value using ${...} interpolation.\n"
        "Exit codes: 1 when some secret-looking values were left in the file.",
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
        "--key, only those (each must be found, or nothing runs). With env files and\n"
        "no --key, the keyring is optional: on a machine without one (servers,\n"
        "containers, CI) the program gets the environment and the files.\n"
        "SAFEKEYS_KEYRING=0 never asks the keyring. Variables already in the\n"
        "environment win over the env files, which win over the keyring; --override\n"
        "reverses that.\n"
        "Exit codes: the program's own once it runs; 126/127 when it cannot be\n"
        "executed/found.",
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
