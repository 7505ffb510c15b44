"""The input guard: a key typed into a cell is caught before the cell runs.

A literal key in a cell's source is saved in the notebook file, in IPython's
history database and in every copy of the notebook shared later; masking the
outputs cannot help there. Before a cell runs, the extension looks for the
secrets it has registered and for well-known key formats in the source. When
it finds one it says on which line and how to move the key, keeps the cell out
of IPython's history, and masks the literal in outputs from then on.
``SAFEKEYS_BLOCK_LITERAL_KEYS=1`` refuses to run such a cell instead.
"""

from __future__ import annotations

import os
import re

from . import _core, _masking

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

# Runs that could be a key: what sits between quotes, spaces and brackets.
_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=.:@%~]{12,}")
_MASKED = re.compile(r"\[masked:([^\]]+)\]")
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
# An assignment's target on the same line: NAME = ..., os.environ["NAME"] = ...,
# {"NAME": ...}, name=... in a call.
_TARGET = re.compile(
    r"""(?:["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]?|\b([A-Za-z_][A-Za-z0-9_]*))\s*[:=]"""
)

# The variable a key of each kind is conventionally read from.
_CONVENTIONAL = {
    "Anthropic": "ANTHROPIC_API_KEY",
    "OpenAI": "OPENAI_API_KEY",
    "GitHub": "GITHUB_TOKEN",
    "GitLab": "GITLAB_TOKEN",
    "AWS": "AWS_ACCESS_KEY_ID",
    "Slack": "SLACK_TOKEN",
    "Google": "GOOGLE_API_KEY",
    "Hugging Face": "HF_TOKEN",
    "Stripe": "STRIPE_API_KEY",
    "PEM": "PRIVATE_KEY",
}


class Literal:
    """A key found in a cell: its line (1-based), what it is, and the name to
    store it under. The literal itself is kept only to mask it and never shown."""

    __slots__ = ("_value", "label", "line", "name")

    def __init__(self, line: int, label: str, name: str, value: Optional[str]) -> None:
        self.line = line
        self.label = label
        self.name = name
        self._value = value

    def __repr__(self) -> str:
        return f"Literal(line={self.line}, label={self.label!r}, name={self.name!r})"


def _suggested_name(text: str, start: int, kind: str) -> str:
    """The name a user would give this key: an upper-case assignment target on
    its line, else the conventional variable for its kind."""
    targets = [m.group(1) or m.group(2) for m in _TARGET.finditer(text, 0, start)]
    for target in reversed(targets):
        if target.isupper() and len(target) > 2:
            return target
    for prefix, name in _CONVENTIONAL.items():
        if kind.startswith(prefix):
            return name
    return "API_KEY"


def _article(kind: str) -> str:
    return "an" if kind[:1] in "AEIOU" else "a"


def find_literals(source: str) -> list[Literal]:
    """Registered secrets and well-known key formats in a cell's source."""
    found: list[Literal] = []
    registered = len(_masking.ENGINE) > 0
    for number, text in enumerate(source.splitlines(), 1):
        seen: set[str] = set()
        if registered:
            scrubbed = _masking.ENGINE.scrub(text)
            if scrubbed != text:
                already = set(_MASKED.findall(text))
                for name in _MASKED.findall(scrubbed):
                    if name not in already and name not in seen:
                        seen.add(name)
                        found.append(
                            Literal(number, f"{name} (a secret safekeys loaded)", name, None)
                        )
        if _PEM.search(text):
            found.append(Literal(number, "a PEM private key", "PRIVATE_KEY", None))
            continue
        for token in _TOKEN.finditer(text):
            kind = _core.known_shape(token.group())
            if kind is not None:
                value: Optional[str] = token.group()
                label = f"{_article(kind)} {kind}"
            else:
                password = _core.url_password(token.group())
                if password is None or password.startswith("$"):
                    continue
                kind = "URL password"
                value = password
                label = "a password in a URL"
            if _masking.ENGINE.scrub(token.group()) != token.group():
                continue  # a registered secret, reported above
            found.append(Literal(number, label, _suggested_name(text, token.start(), kind), value))
    return found


def blocking() -> bool:
    """Whether ``SAFEKEYS_BLOCK_LITERAL_KEYS`` asks to refuse such cells."""
    raw = os.environ.get("SAFEKEYS_BLOCK_LITERAL_KEYS", "")
    return raw.strip().lower() in ("1", "true", "yes", "on")


def mask_literals(found: list[Literal]) -> None:
    """Mask in outputs the keys a cell typed in, under the name suggested for them."""
    for literal in found:
        if literal._value is not None and len(literal._value) >= _masking.MIN_CHARS:
            _masking.consider(literal.name, literal._value, "explicit")


def message(found: list[Literal], refused: bool) -> str:
    """What to tell the user; names lines and kinds, never the key."""
    lines = []
    for literal in found:
        lines.append(f"  line {literal.line}: {literal.label}")
    names = list(dict.fromkeys(literal.name for literal in found))
    first = names[0]
    head = (
        "safekeys refused to run this cell: it holds a literal key"
        if refused
        else "safekeys: this cell holds a literal key"
    )
    body = [
        f"{head} (it is saved with the notebook):",
        *lines,
        f'Move it out of the notebook, then read it with safekeys.getenv("{first}"):',
        f"  %setkey {first}    (stores it in the OS keyring from a hidden prompt)",
        f"  or add {first}=... to your .env file",
    ]
    if refused:
        body.append("Unset SAFEKEYS_BLOCK_LITERAL_KEYS to run such cells with a warning.")
    else:
        body.append("This cell is kept out of IPython's history; the key is masked in outputs.")
        body.append("(SAFEKEYS_BLOCK_LITERAL_KEYS=1 refuses such cells.)")
    return "\n".join(body)
