"""``safekeys encrypt``, ``decrypt``, ``keypair`` and ``rotate-key``: dotenvx's
encrypted ``.env`` values, with the private key in the OS keyring.

Files are rewritten atomically; only the bindings re-encoded change, every
other statement keeps its bytes. No private key or plaintext is printed:
messages name files, variables, public keys and where a private key is.
"""

from __future__ import annotations

import os

from .. import _core
from .._errors import DotenvDecryptError, KeyringError
from ..dotenv import encrypted, hygiene
from ..stores import keyring
from .common import CONFLICT, NOT_FOUND, OK, USAGE, Failure, err, keyring_failure

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Optional

    from .common import Command


def _read(path: str) -> tuple[str, str]:
    """``(real path, text)``: a symlink's target is what gets rewritten."""
    real = os.path.realpath(path)
    if not os.path.isfile(real):
        raise Failure(USAGE, f"{path}: no such file")
    try:
        with open(real, encoding="utf-8", newline="") as f:
            return real, f.read()
    except UnicodeDecodeError:
        raise Failure(USAGE, f"{path} is not UTF-8 text; nothing was changed") from None


def _raw_values(text: str) -> dict[str, Optional[str]]:
    values, _invalid = _core.values_from_text(
        text, interpolate=False, document_first=True, dialect="python-dotenv", environ={}
    )
    return values


def _write(real: str, text: str) -> None:
    _core.write_atomic(real, text.encode("utf-8"), _core.preserved_mode(real))


def _keys_file(path: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(path)), ".env.keys")


def _write_keys_file(path: str, private_name: str, private_key: str) -> str:
    """Put the private key in ``.env.keys`` beside ``path`` (mode 0600) and
    make git ignore that file; returns its path."""
    keys_path = _keys_file(path)
    try:
        with open(keys_path, encoding="utf-8", newline="") as f:
            text = f.read()
    except FileNotFoundError:
        text = ""
    line = f'{private_name}="{private_key}"\n'
    new_text, _found, _invalid = _core.set_key_in_text(text, private_name, line)
    _core.write_atomic(keys_path, new_text.encode("utf-8"), _core.preserved_mode(keys_path))
    top = hygiene.work_tree(keys_path) or os.path.dirname(keys_path)
    ignore_line = os.path.relpath(keys_path, top).replace(os.sep, "/")
    hygiene._append_line(os.path.join(top, ".gitignore"), ignore_line)
    return keys_path


def _store_in_keyring(public_key: str, private_key: str) -> str:
    """Store and read back; returns where, for messages."""
    service = encrypted.service()
    user = encrypted.keyring_user(public_key)
    handle = keyring.handle()
    try:
        handle.set(service, user, private_key)
        stored = handle.get(service, user)
    except KeyringError as error:
        raise keyring_failure(error, "store the private key in the OS keyring") from None
    if stored != private_key:
        raise Failure(
            CONFLICT, "the private key did not read back from the keyring; nothing was changed"
        )
    return f"the OS keyring (service {service!r}, user {user!r})"


def _new_pair(path: str, private_name: str, keys_file: bool) -> tuple[str, str, list[str]]:
    """A key pair, its private key stored; ``(public, private, where)``."""
    public, private = _core.dotenvx_keypair()
    where: list[str] = []
    try:
        where.append(_store_in_keyring(public, private))
    except Failure as failure:
        if not keys_file:
            failure.message += (
                "; nothing was changed (pass --keys-file to keep the key in .env.keys instead)"
            )
            raise
        err(f"{failure.message}; the private key goes into .env.keys only")
    if keys_file:
        where.append(_write_keys_file(path, private_name, private))
    return public, private, where


def _names(args: argparse.Namespace) -> Optional[list[str]]:
    return list(args.key) if args.key else None


def _missing(names: Optional[list[str]], values: dict[str, Optional[str]], path: str) -> None:
    for name in names or ():
        if name not in values:
            raise Failure(NOT_FOUND, f"{name} is not set in {path}; nothing was changed")


def cmd_encrypt(args: argparse.Namespace) -> int:
    path = args.file
    real, text = _read(path)
    public_name, private_name = encrypted.key_names(path)
    values = _raw_values(text)
    names = _names(args)
    _missing(names, values, path)
    public = values.get(public_name)
    where: list[str] = []
    if not public:
        public, _private, where = _new_pair(path, private_name, args.keys_file)
    elif args.keys_file:
        found, _where = encrypted.find_private_key(path, public, os.environ)
        if not found:
            raise Failure(NOT_FOUND, f"no private key found for {public_name} to put in .env.keys")
        where.append(_write_keys_file(path, private_name, found))
    try:
        new_text, changed = _core.dotenvx_encrypt_text(text, public_name, public, names)
    except DotenvDecryptError as error:
        raise Failure(USAGE, f"{path}: {public_name}: {error}") from None
    if new_text != text:
        _write(real, new_text)
    count = len(changed)
    print(f"Encrypted {count} value{'s' if count != 1 else ''} in {path}: {', '.join(changed)}")
    print(f"{public_name}={public}")
    for place in where:
        print(f"The private key {private_name} is in {place}.")
    return OK


def _private_key(path: str, values: dict[str, Optional[str]]) -> tuple[str, str]:
    public_name, private_name = encrypted.key_names(path)
    found, where = encrypted.find_private_key(path, values.get(public_name), os.environ)
    if not found:
        raise Failure(
            NOT_FOUND,
            f"no private key for {path}: not {private_name} in the environment, "
            "the OS keyring or a .env.keys file",
        )
    return found, where


def cmd_decrypt(args: argparse.Namespace) -> int:
    path = args.file
    real, text = _read(path)
    values = _raw_values(text)
    names = _names(args)
    _missing(names, values, path)
    keys, _where = _private_key(path, values)
    try:
        new_text, changed = _core.dotenvx_decrypt_text(text, keys, names)
    except DotenvDecryptError as error:
        raise Failure(USAGE, f"{path}: {error}; nothing was changed") from None
    if new_text != text:
        _write(real, new_text)
    count = len(changed)
    print(f"Decrypted {count} value{'s' if count != 1 else ''} in {path}: {', '.join(changed)}")
    return OK


def cmd_keypair(args: argparse.Namespace) -> int:
    path = args.file
    _real, text = _read(path)
    values = _raw_values(text)
    public_name, private_name = encrypted.key_names(path)
    public = values.get(public_name)
    if not public:
        print(f"{path} has no {public_name}: `safekeys encrypt {path}` creates a key pair.")
        return NOT_FOUND
    print(f"{public_name}={public}")
    found, where = encrypted.find_private_key(path, public, os.environ)
    if not found:
        print(f"{private_name}: not found (environment, OS keyring, .env.keys)")
        return NOT_FOUND
    try:
        matches = public in {_core.dotenvx_public_key(k) for k in found.split(",") if k.strip()}
    except DotenvDecryptError:
        matches = False
    note = "" if matches else " (it is not this public key's pair)"
    print(f"{private_name}: in {where}{note}")
    return OK if matches else NOT_FOUND


def cmd_rotate(args: argparse.Namespace) -> int:
    path = args.file
    real, text = _read(path)
    values = _raw_values(text)
    public_name, private_name = encrypted.key_names(path)
    if not values.get(public_name):
        raise Failure(NOT_FOUND, f"{path} has no {public_name}: nothing to rotate")
    keys, old_where = _private_key(path, values)
    try:
        plain_text, changed = _core.dotenvx_decrypt_text(text, keys)
    except DotenvDecryptError as error:
        raise Failure(USAGE, f"{path}: {error}; nothing was changed") from None
    keys_file = args.keys_file or old_where.endswith(".keys")
    public, _private, where = _new_pair(path, private_name, keys_file)
    new_text, _ = _core.dotenvx_encrypt_text(plain_text, public_name, public, changed)
    _write(real, new_text)
    count = len(changed)
    print(f"Re-encrypted {count} value{'s' if count != 1 else ''} in {path} with a new key pair.")
    print(f"{public_name}={public}")
    for place in where:
        print(f"The new private key {private_name} is in {place}.")
    print(f"The old private key is still in {old_where}: remove it once no copy needs it.")
    return OK


def _file_arguments(p: argparse.ArgumentParser, names: bool) -> None:
    """The FILE every command takes and, for those that can, ``-k NAME``."""
    p.add_argument("file", metavar="FILE", nargs="?", default=".env", help="default: ./.env")
    if names:
        p.add_argument(
            "-k", "--key", action="append", default=[], metavar="NAME", help="only this variable"
        )


def register(command: Command) -> None:
    """Add ``encrypt``, ``decrypt``, ``keypair`` and ``rotate-key`` to the parser."""
    p = command(
        "encrypt",
        "Encrypt a .env file's values in place (dotenvx's format).",
        'Each value becomes NAME="encrypted:...", readable only with the file\'s private\n'
        "key; names ending in _PLAIN stay plain. On first use a key pair is made: the\n"
        "public key goes into the file (DOTENV_PUBLIC_KEY, or DOTENV_PUBLIC_KEY_PRODUCTION\n"
        "for .env.production), the private key into the OS keyring (service 'safekeys',\n"
        "user DOTENV_PRIVATE_KEY:<public key>), and into .env.keys only with --keys-file\n"
        "(which is then added to .gitignore). The encrypted file is safe to commit.",
    )
    _file_arguments(p, names=True)
    p.add_argument(
        "--keys-file",
        action="store_true",
        help="also write the private key to .env.keys beside the file (git-ignored)",
    )
    p.set_defaults(func=cmd_encrypt)

    p = command(
        "decrypt",
        "Decrypt a .env file's encrypted values in place.",
        "The private key is looked for in the environment (DOTENV_PRIVATE_KEY[_ENV]), the\n"
        "OS keyring (safekeys' service, then dotenvx's) and .env.keys. Nothing is written\n"
        "unless every value asked for decrypts.",
    )
    _file_arguments(p, names=True)
    p.set_defaults(func=cmd_decrypt)

    p = command(
        "keypair",
        "Show a .env file's public key and where its private key is.",
        "The private key itself is never shown. Exit code 1 when it is not found.",
    )
    _file_arguments(p, names=False)
    p.set_defaults(func=cmd_keypair)

    p = command(
        "rotate-key",
        "Re-encrypt a .env file's values with a new key pair.",
        "The new private key is stored as `encrypt` stores one; the old one is left where\n"
        "it was (older copies of the file still need it).",
    )
    _file_arguments(p, names=False)
    p.add_argument(
        "--keys-file",
        action="store_true",
        help="also write the new private key to .env.keys beside the file (git-ignored)",
    )
    p.set_defaults(func=cmd_rotate)
