"""The team store: keys kept in an OpenBao or HashiCorp Vault server (KV version 2).

``getenv`` asks it after the OS keyring, and only when it is configured:
``VAULT_ADDR`` (or ``SAFEKEYS_VAULT_PATH``) is set and ``SAFEKEYS_VAULT=0``
does not turn it off. Layout: one KV v2 secret per
key at ``<SAFEKEYS_VAULT_PATH>/<NAME>`` (default ``secret/safekeys``: mount
``secret``, prefix ``safekeys``), the value in the field ``value``::

    bao kv put secret/safekeys/OPENAI_API_KEY value=sk-...

Settings, read on every lookup so a notebook can change them:

- ``VAULT_ADDR``: ``https://...``; plain ``http://`` only to a loopback address,
  anything else is refused before any connection. Default ``https://127.0.0.1:8200``.
- ``VAULT_NAMESPACE``, ``VAULT_CACERT`` (a PEM CA bundle to trust instead of
  the public roots): as Vault's own CLI reads them.
- ``SAFEKEYS_VAULT_TIMEOUT``: seconds one request may take (default 5).
- ``SAFEKEYS_VAULT_CACHE_TTL``: seconds a value read is reused (default 30;
  0 turns the cache off). A value revoked on the server stops being served
  after that.

The token comes from ``VAULT_TOKEN``, else the OS keyring (service ``safekeys``,
name ``VAULT_TOKEN``: where ``safekeys vault login`` and ``safekeys set
VAULT_TOKEN`` put it), else the token file ``~/.vault-token`` that ``bao login``
and ``vault login`` write. The token chain lives here, not in the Rust core,
because the keyring lookup is this package's (``stores.keyring``) and its problems
are reported the same way. On first use safekeys asks the server for the
token's TTL; a renewable token is renewed once less than half its TTL is
left. Tokens and values are registered for masking as soon as they are read.
"""

from __future__ import annotations

import itertools
import os
import time

from .. import _core, _log, _masking, _settings
from .._errors import KeyringError, VaultError
from . import keyring

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Optional, TypeVar

    T = TypeVar("T")

TOKEN_NAME = "VAULT_TOKEN"
LABEL = "team store"  # one of _masking.ALWAYS_SECRET: every value is masked
DEFAULT_CACHE_TTL = 30.0

# No lock: `import safekeys` stays free of threading, and each update below is one
# dict or global assignment (atomic under the GIL); two threads racing at worst
# both ask the server.
_client: Optional[tuple[tuple[Optional[str], ...], _core.Vault]] = None
# (address, namespace, path, name) -> (value or None, monotonic deadline, token generation)
_cache: dict[tuple[Optional[str], ...], tuple[Optional[str], float, int]] = {}


class Token:
    """The token in use and what the server said about it. Its repr never shows the token."""

    __slots__ = ("expires", "generation", "granted", "origin", "policies", "renewable", "value")
    _generations = itertools.count()

    def __init__(self, value: str, origin: str) -> None:
        # Cache entries belong to one token: another token may not be allowed to read them.
        self.generation = next(Token._generations)
        self.value = value
        self.origin = origin
        self.granted: Optional[int] = None  # seconds of TTL last granted; None: not asked yet
        self.renewable = False
        self.expires: Optional[float] = None  # time.time() when it expires; None: never
        self.policies: list[str] = []

    def learn(self, ttl: int, renewable: bool) -> None:
        self.granted = ttl
        self.renewable = renewable
        self.expires = time.time() + ttl if ttl else None

    def remaining(self) -> Optional[float]:
        return None if self.expires is None else self.expires - time.time()

    def __repr__(self) -> str:
        return f"<Vault token from {self.origin}, ttl={self.granted}, renewable={self.renewable}>"


_token: Optional[Token] = None


def configured() -> bool:
    """Whether ``getenv`` asks a team store: ``VAULT_ADDR`` or ``SAFEKEYS_VAULT_PATH``
    is set, and ``SAFEKEYS_VAULT=0`` does not turn it off (for a shell whose
    ``VAULT_ADDR`` is meant for other tools)."""
    if not _settings.team_store():
        return False
    return bool(os.environ.get("VAULT_ADDR") or _settings.team_store_path())


def cache_ttl() -> float:
    """Seconds a value read from the server is reused (``SAFEKEYS_VAULT_CACHE_TTL``)."""
    return _settings.team_store_cache_ttl(DEFAULT_CACHE_TTL)


def _settings_now() -> tuple[Optional[str], ...]:
    env = os.environ
    timeout = _settings.team_store_timeout()
    return (
        env.get("VAULT_ADDR") or None,
        env.get("VAULT_NAMESPACE") or None,
        _settings.team_store_path(),
        env.get("VAULT_CACERT") or None,
        None if not timeout else str(timeout),
    )


def client() -> _core.Vault:
    """The client for the current settings (made again when they change).

    Raises ``VaultError`` for a refused address (``reason="insecure"``) or
    another unusable setting (``"config"``); connects to nothing.
    """
    global _client
    settings = _settings_now()
    current = _client
    if current is not None and current[0] == settings:
        return current[1]
    address, namespace, path, cacert, timeout = settings
    vault = _core.Vault(
        address,
        namespace=namespace,
        path=path,
        ca_cert=cacert,
        timeout=float(timeout) if timeout else None,
    )
    _client = (settings, vault)
    return vault


def _token_file() -> str:
    return os.path.join(os.path.expanduser("~"), ".vault-token")


def find_token(service: Optional[str] = None) -> tuple[Optional[str], str, list[str]]:
    """``(token, where it came from, problems)``: ``VAULT_TOKEN``, the OS keyring
    (``service``, default ``$SAFEKEYS_SERVICE`` or ``safekeys``), then
    ``~/.vault-token``. ``problems`` says why a place could not be read."""
    problems: list[str] = []
    token = os.environ.get(TOKEN_NAME, "").strip()
    if token:
        return token, f"${TOKEN_NAME}", problems
    if keyring.enabled():
        try:
            found = keyring.lookup(TOKEN_NAME, service)
        except KeyringError as err:
            problems.append(f"the OS keyring could not be read: {err}")
        else:
            if found and found.strip():
                return found.strip(), "the OS keyring", problems
    path = _token_file()
    try:
        with open(path, encoding="utf-8") as f:
            token = f.read().strip()
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError) as err:
        problems.append(f"{path} could not be read ({type(err).__name__})")
    if token:
        return token, path, problems
    return None, "", problems


def _current_token() -> Token:
    """The token to use, registered for masking. Raises ``VaultError("no-token")``."""
    global _token
    value, origin, problems = find_token()
    if value is None:
        why = "".join(f"; {p}" for p in problems)
        raise VaultError(
            "no-token",
            f"no Vault token: set {TOKEN_NAME}, run `safekeys vault login`, or `bao login` "
            f"(which writes ~/.vault-token){why}",
        )
    current = _token
    if current is None or current.value != value:
        _masking.consider(TOKEN_NAME, value, LABEL)
        current = _token = Token(value, origin)
    return current


def _fresh(vault: _core.Vault, token: Token, doing: str) -> None:
    """Learn the token's TTL on first use; renew a renewable token past half its TTL."""
    if token.granted is None:
        ttl, renewable, policies, _display, _expire = _explained(
            lambda: vault.lookup_self(token.value), token, doing
        )
        token.learn(ttl, renewable)
        token.policies = policies
        return
    left = token.remaining()
    if token.renewable and left is not None and token.granted and left < token.granted / 2:
        ttl, renewable = _explained(lambda: vault.renew_self(token.value), token, doing)
        token.learn(ttl, renewable)
        _log.debug("safekeys: renewed the Vault token from %s for %d s", token.origin, ttl)


def _scrubbed(err: VaultError) -> VaultError:
    """``err`` with every registered secret masked in its message: a server's
    error text is quoted in it, and a server may echo what it was sent. (The
    core already drops the request's own token.)"""
    message = str(err)
    clean = _masking.scrub_text(message)
    return err if clean == message else VaultError(err.reason, clean)


def _explained(call: Callable[[], T], token: Token, doing: str) -> T:
    """``call()``, with a rejected token explained: expired (by its TTL) or revoked."""
    try:
        return call()
    except VaultError as err:
        if err.reason != "token-invalid":
            scrubbed = _scrubbed(err)
            if scrubbed is err:
                raise
            raise scrubbed from None
        left = token.remaining()
        if left is not None and left <= 0:
            what = f"expired {int(-left)} s ago (its TTL was {token.granted} s)"
        else:
            what = "was revoked or is unknown to the server"
        raise VaultError(
            "token-invalid",
            f"the Vault token from {token.origin} {what}, so {doing} failed. "
            "Log in again: safekeys vault login (or set VAULT_TOKEN)",
        ) from None


def read(name: str) -> Optional[str]:
    """``name``'s value from the team store (cached for ``cache_ttl()`` seconds), or None.

    Raises ``VaultError``; the value is registered for masking.
    """
    vault = client()
    try:
        vault.secret_path(name)
    except VaultError:
        return None  # not a name the store can hold (e.g. "a/b")
    ttl = cache_ttl()
    key = (vault.address, vault.namespace, vault.path, name)
    hit = _cache.get(key)
    if hit is not None and ttl > 0 and hit[1] > time.monotonic() and _still_current(hit[2]):
        return hit[0]
    token = _current_token()
    doing = f"fetching {name} from {vault.address}"
    _fresh(vault, token, doing)
    value = _explained(lambda: vault.read(token.value, name), token, doing)
    if value is not None:
        _masking.consider(name, value, LABEL)
    if ttl > 0:
        _cache[key] = (value, time.monotonic() + ttl, token.generation)
    else:
        _cache.pop(key, None)
    return value


def _still_current(generation: int) -> bool:
    """Whether a cache entry read with token ``generation`` may be served.

    Without asking the keyring (a D-Bus round trip): a token from the keyring
    or the token file is looked up again when an entry expires, while a change
    of ``$VAULT_TOKEN`` is seen at once.
    """
    token = _token
    if token is None or token.generation != generation:
        return False
    from_env = os.environ.get(TOKEN_NAME, "").strip()
    if from_env:
        return from_env == token.value
    return token.origin != f"${TOKEN_NAME}"


def rotate(name: str, value: str) -> int:
    """Write ``value`` as a new version of ``name`` (KV v2); returns the version number.

    The previous value stays masked in this process (it is read first, if the
    token may read it) and the new one is masked from now on.
    """
    if not isinstance(value, str):
        raise TypeError(f"rotate() takes a str value, not {type(value).__name__}")
    if not value:
        raise ValueError(f"refusing to rotate {name} to an empty value")
    vault = client()
    vault.secret_path(name)  # a clear error for a name the store cannot hold
    token = _current_token()
    doing = f"rotating {name} at {vault.address}"
    _fresh(vault, token, doing)
    _masking.consider(name, value, LABEL)
    try:
        previous = _explained(lambda: vault.read(token.value, name), token, doing)
    except VaultError as err:
        if err.reason != "permission-denied":  # write-only tokens may rotate
            raise
        previous = None
    if previous is not None:
        _masking.consider(name, previous, LABEL)
    version = _explained(lambda: vault.write(token.value, name, value), token, doing)
    # Newest value wins at once in this process, whatever the cache held.
    _masking.consider(name, value, LABEL)
    for key in [k for k in list(_cache) if k[3] == name]:
        _cache.pop(key, None)
    return version


def clear_cache() -> None:
    """Forget cached values and the token's state: the next lookup asks the server."""
    global _token
    _cache.clear()
    _token = None
