"""Which values get masked, and the public ``mask`` / ``unmask`` / ``scrub`` API.

The policy (docs/architecture.md, "Which values are secrets"): everything
from the keyring, a team store, a prompt or ``mask()``; from ``.env`` and the
environment, values whose name looks secret, whose shape is a well-known key
format, or the password of a URL. Values under 6 characters are never masked.
``why_secret`` is that decision, the one every part of safekeys asks.
"""

from __future__ import annotations

import os

from . import _core, _log

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Mapping
    from typing import Optional

#: The process's masking engine: every registered secret, every output scrubbed by it.
MASKER = _core.Masker()
MIN_CHARS: int = _core.MIN_SECRET_CHARS

#: The process environment's label (sources.environment uses it).
ENVIRONMENT = "environment"

# Sources whose every value is a secret, whatever its name or shape.
ALWAYS_SECRET = frozenset({"keyring", "team store", "prompt", "explicit", "encrypted .env"})


class Decision:
    """What safekeys decided about one key. Never holds the value."""

    # _seen: hash() of the value decided on, so that asking again about the same
    # value (every getenv of a key) costs a dict look-up; None when not known.
    __slots__ = ("_seen", "fingerprint", "length", "masked", "name", "source", "why")
    _fields = ("name", "source", "length", "fingerprint", "masked", "why")

    def __init__(
        self, name: str, source: str, length: int, fingerprint: str, masked: bool, why: str
    ) -> None:
        self.name = name
        self.source = source
        self.length = length
        self.fingerprint = fingerprint
        self.masked = masked
        self.why = why
        self._seen: Optional[int] = None

    def _astuple(self) -> tuple[object, ...]:
        return tuple(getattr(self, field) for field in self._fields)

    def _replace(self, **changes: object) -> Decision:
        fields = dict(zip(self._fields, self._astuple(), strict=True), **changes)
        return Decision(**fields)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Decision) and self._astuple() == other._astuple()

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"Decision({inner})"


_decisions: dict[str, Decision] = {}
_warned_short: set[str] = set()
TOO_SHORT = f"too short to mask (under {MIN_CHARS} characters)"
# Masking is in force (the IPython extension is loaded): only then does a
# secret-looking value too short to mask deserve a warning.
_active = False


def _warn_short(name: str) -> None:
    if name not in _warned_short:
        _warned_short.add(name)
        _log.warning(
            "safekeys: %s looks secret but is shorter than %d characters, so it will not be masked",
            name,
            MIN_CHARS,
        )


def consider_read(values: Mapping[str, Optional[str]], source: str) -> None:
    """Values a reader returned without putting them in ``os.environ``
    (``dotenv_values``, ``get_key``): while outputs are scrubbed, mask the
    secret ones, which would otherwise print as they are."""
    if _active:
        consider_many(
            ((n, v) for n, v in values.items() if v is not None and not decided(n, v)),
            source,
            note_ordinary=False,
        )


def set_active(active: bool) -> None:
    """The extension turns masking on or off; on, it warns about what it cannot mask."""
    global _active
    _active = active
    if active:
        for decision in list(_decisions.values()):
            if decision.why == TOO_SHORT:
                _warn_short(decision.name)


def why_secret(
    name: str, value: str, source: str = "", *, always: bool = False
) -> tuple[Optional[str], list[str]]:
    """Whether ``value`` (under the variable ``name``, from ``source``) is a
    secret: ``(why, texts_to_mask)``, ``why`` None for an ordinary value. The
    texts are the value, or only the passwords of its URLs. ``always``: the
    source holds only secrets (a keyring, a platform's secret store)."""
    if always or source in ALWAYS_SECRET:
        return f"comes from {source}", [value]
    found = _core.why_secret(name, value)
    if found is None:
        return None, []
    return found


def looks_like_a_key(text: str) -> bool:
    """Whether ``text`` has the shape of a key (or is a URL with a password):
    for refusing a key pasted where a name belongs, without repeating it."""
    try:
        return _core.why_secret("", text) is not None
    except UnicodeEncodeError:
        return False


def _url_forms(password: str) -> list[str]:
    """The password of a URL as clients use it: percent-decoded (drivers and
    ``requests`` decode it, and send it base64-encoded as HTTP Basic auth,
    which the engine's base64 forms of the decoded text cover)."""
    if "%" not in password:
        return []
    from urllib.parse import unquote  # only for URLs whose password is encoded

    decoded = unquote(password)
    return [decoded] if decoded != password and len(decoded) >= MIN_CHARS else []


def _decide(
    name: str, value: str, source: str, note_ordinary: bool, always: bool = False
) -> list[str]:
    """Record what to do with ``value``; the texts to register for masking."""
    known = _decisions.get(name)
    if (
        known is not None
        and known.masked
        and known.source in ALWAYS_SECRET
        and known._seen == hash(value)
    ):
        # A secret by where it came from (a keyring, an encrypted .env) stays
        # one when a later reader sees the same value under an ordinary name.
        return []
    try:
        why, secrets = why_secret(name, value, source, always=always)
    except UnicodeEncodeError:
        # Lone surrogates (undecodable bytes from the OS) cannot cross into
        # the Rust engine; python-dotenv loads such values all the same.
        _decisions[name] = Decision(name, source, len(value), "-", False, "not valid Unicode")
        return []
    to_mask: list[str] = []
    long_enough = [secret for secret in secrets if len(secret) >= MIN_CHARS]
    if why is None:
        if not note_ordinary:
            return []
        why = "name and value look ordinary"
    elif not long_enough:
        why = TOO_SHORT
        if _active:
            _warn_short(name)
    else:
        to_mask = list(long_enough)
        if secrets != [value]:
            noun = "password is" if len(secrets) == 1 else "passwords are"
            why += f" (only the {noun} masked)"
            for secret in long_enough:
                to_mask += _url_forms(secret)
    decision = Decision(name, source, len(value), _core.fingerprint(value), bool(to_mask), why)
    decision._seen = hash(value)
    _decisions[name] = decision
    return to_mask


def consider_many(
    items: Iterable[tuple[str, str]], source: str, *, note_ordinary: bool = True
) -> None:
    """``consider`` for many values, registering them with one matcher rebuild."""
    register = [
        (name, secret, source)
        for name, value in items
        for secret in _decide(name, value, source, note_ordinary)
    ]
    if register:
        MASKER.add_many(register)


def consider(
    name: str, value: str, source: str, *, note_ordinary: bool = True, always: bool = False
) -> bool:
    """Register ``value`` for masking if the policy says so (``always``: the
    source holds only secrets); record the decision (for an ordinary value
    only with ``note_ordinary``)."""
    known = _decisions.get(name)
    if known is not None and known._seen == hash(value):
        # Decided already, and registered if it is a secret. Finding the same
        # value in the environment says less than the source that put it there
        # (load_dotenv copies a .env into os.environ): that source stays.
        if known.source == source or source == ENVIRONMENT:
            return known.masked
    secrets = _decide(name, value, source, note_ordinary, always)
    if len(secrets) == 1:
        MASKER.add(name, secrets[0], source)
    elif secrets:
        MASKER.add_many([(name, secret, source) for secret in secrets])
    return bool(secrets)


# -- secrets that arrive in os.environ after loading --------------------------------

# os.environ as last seen by watch_environ: None until masking starts.
_environ_seen: Optional[dict[object, object]] = None


def _environ_data() -> dict[object, object]:
    # os.environ's own mapping (bytes on POSIX): comparing it costs a dict
    # comparison, no decoding, so it can run before every message.
    data: dict[object, object] = getattr(os.environ, "_data", None) or dict(os.environ)
    return data


def watch_environ(start: bool = False) -> None:
    """Register secrets set in ``os.environ`` since the last look:
    ``os.environ[NAME] = getpass()``, ``%env``, another library's loader.
    The output scrubbers call this before each message; nothing is decoded
    when nothing changed. ``start=True`` takes the first look."""
    global _environ_seen
    data = _environ_data()
    seen = _environ_seen
    if seen is not None and data == seen:
        return
    _environ_seen = dict(data)
    if start or seen is None:
        return
    changed = [
        (os.fsdecode(key), os.fsdecode(value))  # type: ignore[arg-type]
        for key, value in data.items()
        if seen.get(key) != value
    ]
    consider_many(
        ((n, v) for n, v in changed if not decided(n, v)), ENVIRONMENT, note_ordinary=False
    )


def stop_watching_environ() -> None:
    global _environ_seen
    _environ_seen = None


# -- scrubbing text the Rust engine cannot take -------------------------------------

_SURROGATES: Optional[re.Pattern[str]] = None


def _pieces(text: str) -> list[str]:
    """``text`` split into runs without and runs of lone surrogates (which
    undecodable file names and bytes bring, and Rust strings cannot hold)."""
    global _SURROGATES
    if _SURROGATES is None:
        import re

        _SURROGATES = re.compile("([\ud800-\udfff]+)")
    return _SURROGATES.split(text)


def scrub_text(text: str) -> str:
    """``MASKER.scrub``, for any str: lone surrogates pass through unchanged
    (no secret holds one) and the text around them is scrubbed."""
    try:
        return MASKER.scrub(text)
    except UnicodeEncodeError:
        return "".join(
            piece if i % 2 else MASKER.scrub(piece) for i, piece in enumerate(_pieces(text))
        )


def feed_text(stream: str, text: str) -> str:
    """``MASKER.feed`` for any str: a run of lone surrogates ends what the
    stream held back (no secret continues across one) and passes through."""
    try:
        return MASKER.feed(stream, text)
    except UnicodeEncodeError:
        out = []
        for i, piece in enumerate(_pieces(text)):
            if i % 2:
                out.append(MASKER.flush(stream))
                out.append(piece)
            elif piece:
                out.append(MASKER.feed(stream, piece))
        return "".join(out)


def mask(value: str, name: Optional[str] = None) -> None:
    """Mask ``value`` in every output from now on, shown as ``[masked:NAME]``.

    Raises ``ValueError`` for values under 6 characters, which would shred
    ordinary output if masked.
    """
    if not isinstance(value, str):
        raise TypeError(f"mask() takes a str, not {type(value).__name__}")
    label = name or "secret"
    if MASKER.add(label, value, "explicit") == "too-short":
        raise ValueError(f"values under {MIN_CHARS} characters cannot be masked")
    _decisions[label] = Decision(
        label, "explicit", len(value), _core.fingerprint(value), True, "registered with mask()"
    )


def unmask(name_or_value: str) -> bool:
    """Stop masking a value, given its name or the value itself. Returns whether it was masked."""
    removed = MASKER.remove_name(name_or_value) > 0 or MASKER.remove_value(name_or_value)
    if name_or_value in _decisions:
        old = _decisions[name_or_value]
        _decisions[name_or_value] = old._replace(masked=False, why="unmasked")
    return removed


def scrub(text: str) -> str:
    """``text`` with every registered secret, in every form, replaced by ``[masked:NAME]``."""
    return scrub_text(text)


def decided(name: str, value: str) -> bool:
    """Whether safekeys has already seen ``value`` under the key ``name``."""
    decision = _decisions.get(name)
    if decision is None:
        return False
    try:
        return decision.fingerprint == _core.fingerprint(value)
    except UnicodeEncodeError:
        return decision.fingerprint == "-"


def registered() -> list[Decision]:
    """What safekeys knows about each key it has seen: never a value."""
    return list(_decisions.values())
