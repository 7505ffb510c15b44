"""Which values get masked, and the public ``mask`` / ``unmask`` / ``scrub`` API.

The policy (docs/architecture.md, "Which values are secrets"): everything
from the keyring, a team store, a prompt or ``mask()``; from ``.env`` and the
environment, values whose name looks secret, whose shape is a well-known key
format, or the password of a URL. Values under 6 characters are never masked.
``why_secret`` is that decision, the one every part of safekeys asks.
"""

from __future__ import annotations

from . import _core, _log

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Optional

#: The process's masking engine: every registered secret, every output scrubbed by it.
MASKER = _core.Masker()
MIN_CHARS: int = _core.MIN_SECRET_CHARS

# Sources whose every value is a secret, whatever its name or shape.
ALWAYS_SECRET = frozenset({"keyring", "team store", "prompt", "explicit"})


class Decision:
    """What safekeys decided about one key. Never holds the value."""

    __slots__ = ("fingerprint", "length", "masked", "name", "source", "why")
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

    def _astuple(self) -> tuple[object, ...]:
        return tuple(getattr(self, field) for field in self._fields)

    def _replace(self, **changes: object) -> Decision:
        fields = dict(zip(self._fields, self._astuple()), **changes)
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
            "%s looks secret but is shorter than %d characters, so it will not be masked",
            name,
            MIN_CHARS,
        )


def set_active(active: bool) -> None:
    """The extension turns masking on or off; on, it warns about what it cannot mask."""
    global _active
    _active = active
    if active:
        for decision in list(_decisions.values()):
            if decision.why == TOO_SHORT:
                _warn_short(decision.name)


def why_secret(name: str, value: str, source: str = "") -> tuple[Optional[str], str]:
    """Whether ``value`` (under the variable ``name``, from ``source``) is a
    secret: ``(why, text_to_mask)``, ``why`` None for an ordinary value. The
    text to mask is the value, or only the password of a URL."""
    if source in ALWAYS_SECRET:
        return f"comes from {source}", value
    found = _core.why_secret(name, value)
    if found is None:
        return None, value
    return found


def _decide(name: str, value: str, source: str, note_ordinary: bool) -> Optional[str]:
    """Record what to do with ``value``; the text to register for masking, if any."""
    try:
        why, secret = why_secret(name, value, source)
    except UnicodeEncodeError:
        # Lone surrogates (undecodable bytes from the OS) cannot cross into
        # the Rust engine; python-dotenv loads such values all the same.
        _decisions[name] = Decision(name, source, len(value), "-", False, "not valid Unicode")
        return None
    to_mask: Optional[str] = None
    if why is None:
        if not note_ordinary:
            return None
        why = "name and value look ordinary"
    elif len(secret) < MIN_CHARS:
        why = TOO_SHORT
        if _active:
            _warn_short(name)
    else:
        to_mask = secret
        if secret != value:
            why += " (only the password is masked)"
    _decisions[name] = Decision(
        name, source, len(value), _core.fingerprint(value), to_mask is not None, why
    )
    return to_mask


def consider_many(
    items: Iterable[tuple[str, str]], source: str, *, note_ordinary: bool = True
) -> None:
    """``consider`` for many values, registering them with one matcher rebuild."""
    register = []
    for name, value in items:
        secret = _decide(name, value, source, note_ordinary)
        if secret is not None:
            register.append((name, secret, source))
    if register:
        MASKER.add_many(register)


def consider(name: str, value: str, source: str, *, note_ordinary: bool = True) -> bool:
    """Register ``value`` for masking if the policy says so; record the decision
    (for an ordinary value only with ``note_ordinary``)."""
    secret = _decide(name, value, source, note_ordinary)
    if secret is not None:
        MASKER.add(name, secret, source)
    return secret is not None


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
    return MASKER.scrub(text)


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
