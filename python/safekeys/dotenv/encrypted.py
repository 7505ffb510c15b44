"""dotenvx's encrypted values: decrypting ``NAME="encrypted:..."`` as a file is read.

Imported only when a file holds an ``encrypted:`` value or a
``DOTENV_PUBLIC_KEY`` (``reading.py`` checks), so plain loads pay nothing.

A file's private key (``DOTENV_PRIVATE_KEY`` for ``.env``,
``DOTENV_PRIVATE_KEY_PRODUCTION`` for ``.env.production``, as dotenvx names
them; a comma-separated list is tried key by key) is looked for, in order:

1. the environment variable of that name;
2. the OS keyring, service ``safekeys`` (or ``SAFEKEYS_SERVICE``), user
   ``DOTENV_PRIVATE_KEY:<public key>``: one item per key pair, so projects
   never collide (``safekeys encrypt`` stores it there);
3. the OS keyring, service ``dotenvx``, user ``<public key>``: where the
   dotenvx CLI keeps keys;
4. ``<file>.keys`` and ``.env.keys`` beside the file.

The keyring is asked only for a file that names its public key
(``DOTENV_PUBLIC_KEY[_ENV]``) and only when the environment had no key.
Every decrypted value is registered for masking whatever its name, and so
is the private key. A value that cannot be decrypted stays as it is, with a
warning naming the file, line and variable (never a value or key);
``strict`` raises ``DotenvDecryptError`` instead. Nothing in a value is ever
run: a ``$(...)`` stays text.
"""

from __future__ import annotations

import os
import re

from .. import _core, _log, _masking, _settings
from .._errors import DotenvDecryptError, KeyringError
from . import hygiene

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, MutableMapping
    from typing import Optional

PREFIX = "encrypted:"
PUBLIC = "DOTENV_PUBLIC_KEY"
PRIVATE = "DOTENV_PRIVATE_KEY"
#: Where dotenvx's CLI keeps private keys in the OS keyring, keyed by the public key.
DOTENVX_SERVICE = "dotenvx"
#: The masking source of decrypted values: always secret.
LABEL = "encrypted .env"

_keyring: Optional[_core.Keyring] = None


def environment_of(path: Optional[str]) -> str:
    """The key-name suffix for a file, as dotenvx derives it: ``""`` for
    ``.env`` (and ``x.env``), ``"_PRODUCTION"`` for ``.env.production``,
    ``"_PRODUCTION_LOCAL"`` for ``.env.production.local``."""
    if path is None:
        return ""
    name = os.path.basename(path)
    if name.endswith(".env"):
        return ""
    parts = name.lower().split(".")[2:]
    if not parts:
        return "_" + name.lower().replace(".env", "development", 1).upper()
    return "_" + "_".join(parts[:2]).upper()


def key_names(path: Optional[str]) -> tuple[str, str]:
    """``(public key name, private key name)`` for a file (None: a stream)."""
    suffix = environment_of(path)
    return PUBLIC + suffix, PRIVATE + suffix


def keyring_user(public_key: str) -> str:
    """The user name of a key pair's private key in safekeys' keyring service."""
    return f"{PRIVATE}:{public_key}"


def keys_files(path: str) -> list[str]:
    """The ``.keys`` files that may hold ``path``'s private key, nearest first."""
    directory, name = os.path.split(path)
    found = [os.path.join(directory, name + ".keys")]
    if name != ".env":
        found.append(os.path.join(directory, ".env.keys"))
    return found


def _keyring_handle() -> _core.Keyring:
    global _keyring
    if _keyring is None:
        _keyring = _core.Keyring(_settings.keyring_timeout())
    return _keyring


def service() -> str:
    return _settings.service() or "safekeys"


def from_keyring(public_key: str) -> tuple[Optional[str], str]:
    """The private key of ``public_key`` in the OS keyring, and where it was."""
    if not _settings.keyring():
        return None, ""
    places = ((service(), keyring_user(public_key)), (DOTENVX_SERVICE, public_key))
    for svc, user in places:
        try:
            value = _keyring_handle().get(svc, user)
        except KeyringError as err:
            _log.debug("safekeys: the OS keyring could not be asked for %s: %s", user, err)
            return None, ""
        if value:
            return value.strip(), f"the OS keyring (service {svc!r})"
    return None, ""


def from_keys_file(path: str, private_name: str) -> tuple[Optional[str], str]:
    for keys_path in keys_files(path):
        if not _core.is_file_or_fifo(keys_path):
            continue
        parsed = _core.values_from_file(
            keys_path,
            interpolate=False,
            document_first=True,
            dialect="python-dotenv",
            environ={},
        )
        if parsed is not None:
            value = parsed[0].get(private_name)
            if value:
                hygiene.on_load(keys_path)  # readable by others, or committable: say so
                return value.strip(), keys_path
    return None, ""


def find_private_key(
    path: Optional[str], public_key: Optional[str], environ: Mapping[str, str]
) -> tuple[Optional[str], str]:
    """``(private key or keys, where they were)`` for a file, in the documented order."""
    _public_name, private_name = key_names(path)
    value = environ.get(private_name)
    if value:
        return value.strip(), f"${private_name}"
    if public_key:
        value, where = from_keyring(public_key)
        if value:
            return value, where
    if path is not None:
        return from_keys_file(path, private_name)
    return None, ""


def _line_of(path: Optional[str], name: str) -> Optional[int]:
    """The line of the last binding of ``name`` in ``path``: for messages only."""
    if path is None:
        return None
    binding = re.compile(r"\s*(?:export\s+)?['\"]?" + re.escape(name) + r"['\"]?\s*=")
    line = None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for number, text in enumerate(f, 1):
                if binding.match(text):
                    line = number
    except OSError:
        return None
    return line


def _owner(paths: list[str], name: str) -> tuple[Optional[str], Optional[int]]:
    """The file (the last of layered ones) and line binding ``name``."""
    for path in reversed(paths):
        line = _line_of(path, name)
        if line is not None:
            return path, line
    return (paths[-1] if paths else None), None


def _fail(paths: list[str], origin: str, name: str, reason: str, why: str, strict: bool) -> None:
    path, line = _owner(paths, name)
    where = f"{path or origin}, line {line}" if line else (path or origin)
    message = f"{where}: could not decrypt {name}: {why}"
    if strict:
        raise DotenvDecryptError(reason, message)
    _log.warning("safekeys %s; it keeps its encrypted: text", message)


def _register_keys(name: str, keys: str) -> None:
    for n, key in enumerate(k.strip() for k in keys.split(",")):
        if key:
            _masking.consider(name if n == 0 else f"{name}#{n + 1}", key, LABEL, always=True)


def decrypt_values(
    values: MutableMapping[str, Optional[str]],
    paths: list[str],
    origin: str,
    strict: bool,
    environ: Optional[Mapping[str, str]] = None,
) -> None:
    """Replace each ``encrypted:`` value of ``values`` (read from ``paths``, or a
    stream when empty) by its plaintext, in place."""
    names = [n for n, v in values.items() if v is not None and v.startswith(PREFIX)]
    if not names:
        return
    env: Mapping[str, str] = os.environ if environ is None else environ
    keys: list[str] = []
    looked: list[str] = []
    candidates: list[Optional[str]] = list(paths) if paths else [None]
    for path in candidates:
        public_name, private_name = key_names(path)
        found, _where = find_private_key(path, values.get(public_name), env)
        looked.append(private_name)
        if found:
            _register_keys(private_name, found)
            keys.append(found)
    if not keys:
        why = (
            f"no private key ({' or '.join(dict.fromkeys(looked))} in the environment, "
            "the OS keyring or a .env.keys file)"
        )
        for name in names:
            _fail(paths, origin, name, "no-key", why, strict)
        return
    sealed = [values[name] or "" for name in names]
    decrypted: list[tuple[str, str]] = []
    opened = _core.dotenvx_decrypt_many(",".join(keys), sealed)
    for name, (plain, failure) in zip(names, opened, strict=True):
        if plain is None:
            reason, why = failure or ("malformed", "")
            _fail(paths, origin, name, reason, why, strict)
            continue
        values[name] = plain
        decrypted.append((name, plain))
    _masking.consider_many(decrypted, LABEL)
