"""Every ``SAFEKEYS_*`` switch, read one way.

Settings are read from ``os.environ`` on every call, so a notebook can change
them between cells. A yes/no switch accepts, in any case and with spaces
around it: ``1``, ``true``, ``t``, ``yes``, ``y``, ``on`` for yes and ``0``,
``false``, ``f``, ``no``, ``n``, ``off`` for no; unset or empty means the
default. A number is a decimal of seconds (``2.5``) within the bounds each
setting documents. A value outside these is logged once (naming the
variable, never more than a short prefix of what it holds) and the default
applies. See docs/architecture.md ("Settings").
"""

from __future__ import annotations

import os

from . import _log

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})
# python-dotenv's own words for PYTHON_DOTENV_DISABLED, kept exactly for drop-in use.
_DOTENV_DISABLED_WORDS = frozenset({"1", "true", "t", "yes", "y"})

# A day: longer than any request or cache should take, and far from the
# overflow of a Rust Duration.
MAX_SECONDS = 86400.0

_warned: set[tuple[str, str]] = set()


def _shown(raw: str) -> str:
    """What a warning may repeat of a setting: it is not meant to hold a secret,
    but a pasted one must not end up in a log whole."""
    return repr(raw if len(raw) <= 12 else raw[:8] + "...")


def _warn(name: str, raw: str, expected: str, default: object) -> None:
    if (name, raw) in _warned:
        return
    _warned.add((name, raw))
    _log.warning(
        "safekeys: ignoring %s=%s (expected %s); using the default, %s",
        name,
        _shown(raw),
        expected,
        default,
    )


def flag(name: str, default: bool) -> bool:
    """A yes/no switch: ``default`` when unset, empty or not understood (with a warning)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().casefold()
    if not word:
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    _warn(name, raw, "one of 1/true/yes/on or 0/false/no/off", "on" if default else "off")
    return default


def seconds(name: str, default: Optional[float], *, allow_zero: bool = True) -> Optional[float]:
    """A number of seconds in ``[0, MAX_SECONDS]`` (``(0, MAX_SECONDS]`` without
    ``allow_zero``); ``default`` when unset, empty or out of range (with a warning)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        number = float(raw.strip())
    except ValueError:
        number = float("nan")
    low_ok = number >= 0 if allow_zero else number > 0
    if not (low_ok and number <= MAX_SECONDS):  # NaN fails both
        low = "0" if allow_zero else "more than 0"
        _warn(name, raw, f"a number of seconds from {low} to {MAX_SECONDS:g}", default)
        return default
    return number


def text(name: str) -> Optional[str]:
    """A free-text setting, None when unset or empty."""
    return os.environ.get(name) or None


# -- the switches ------------------------------------------------------------------


def strict() -> bool:
    """``SAFEKEYS_STRICT``: a missing file or a malformed line is an error, not a warning."""
    return flag("SAFEKEYS_STRICT", False)


def hygiene() -> bool:
    """``SAFEKEYS_HYGIENE``: ``load_dotenv`` warns about readable or committable files."""
    return flag("SAFEKEYS_HYGIENE", True)


def keyring() -> bool:
    """``SAFEKEYS_KEYRING``: ``getenv`` asks the OS keyring."""
    return flag("SAFEKEYS_KEYRING", True)


def team_store() -> bool:
    """``SAFEKEYS_VAULT``: ``getenv`` may ask a configured team store (off: never)."""
    return flag("SAFEKEYS_VAULT", True)


def block_literal_keys() -> bool:
    """``SAFEKEYS_BLOCK_LITERAL_KEYS``: the input guard refuses a cell holding a key."""
    return flag("SAFEKEYS_BLOCK_LITERAL_KEYS", False)


def service() -> Optional[str]:
    """``SAFEKEYS_SERVICE``: the keyring service (None: the default, ``safekeys``)."""
    return text("SAFEKEYS_SERVICE")


def keyring_timeout() -> Optional[float]:
    """``SAFEKEYS_KEYRING_TIMEOUT``: seconds one keyring call may take (None: the core's 3)."""
    return seconds("SAFEKEYS_KEYRING_TIMEOUT", None, allow_zero=False)


def team_store_timeout() -> Optional[float]:
    """``SAFEKEYS_VAULT_TIMEOUT``: seconds one team-store request may take (None: the core's 5)."""
    return seconds("SAFEKEYS_VAULT_TIMEOUT", None, allow_zero=False)


def team_store_cache_ttl(default: float) -> float:
    """``SAFEKEYS_VAULT_CACHE_TTL``: seconds a team-store value is reused (0: no cache)."""
    ttl = seconds("SAFEKEYS_VAULT_CACHE_TTL", default)
    return default if ttl is None else ttl


def team_store_path() -> Optional[str]:
    """``SAFEKEYS_VAULT_PATH``: the KV v2 mount and prefix (None: ``secret/safekeys``)."""
    return text("SAFEKEYS_VAULT_PATH")


def trusted_dirs() -> list[str]:
    """``SAFEKEYS_TRUSTED_DIRS``: directories (``os.pathsep``-separated) whose
    ``.env`` files are loaded whoever owns them; ``*`` trusts every directory."""
    raw = os.environ.get("SAFEKEYS_TRUSTED_DIRS", "")
    return [entry for entry in raw.split(os.pathsep) if entry]


def sources() -> Optional[tuple[str, ...]]:
    """``SAFEKEYS_SOURCES``: the names of the sources getenv asks, in order
    (``env,dotenv,keyring,colab``); None: every source, in the default order.
    Read on every getenv: unset, it costs one look-up."""
    raw = os.environ.get("SAFEKEYS_SOURCES")
    if not raw:
        return None
    names = tuple(name.strip() for name in raw.split(",") if name.strip())
    return names or None


def platform_timeout() -> float:
    """``SAFEKEYS_PLATFORM_TIMEOUT``: seconds a hosted platform's secrets API may take."""
    timeout = seconds("SAFEKEYS_PLATFORM_TIMEOUT", 10.0, allow_zero=False)
    return 10.0 if timeout is None else timeout


def databricks_scope() -> Optional[str]:
    """``SAFEKEYS_DATABRICKS_SCOPE``: the secret scope for names without ``scope/``."""
    return text("SAFEKEYS_DATABRICKS_SCOPE")


def dotenv_disabled() -> bool:
    """``PYTHON_DOTENV_DISABLED``, with python-dotenv's own words (no warning:
    python-dotenv gives none)."""
    value = os.environ.get("PYTHON_DOTENV_DISABLED")
    return value is not None and value.casefold() in _DOTENV_DISABLED_WORDS
