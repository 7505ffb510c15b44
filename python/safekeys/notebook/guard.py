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

import functools
import os
import re
import sys
from typing import Any

from .. import _log, _masking, _settings
from .._errors import LiteralKeyError
from ..scanner import gitleaks
from ..scanner.api import KINDS, find_in_source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

# An assignment's target on the same line: NAME = ..., os.environ["NAME"] = ...,
# {"NAME": ...}, name=... in a call.
_TARGET = re.compile(
    r"""(?:["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\]?|\b([A-Za-z_][A-Za-z0-9_]*))\s*[:=]"""
)

# The variable a key of each kind (by the scanner's kind ids) is usually read from.
_CONVENTIONAL = {
    # More specific kinds first: the first prefix that fits names the key.
    "slack-webhook": "SLACK_WEBHOOK_URL",
    "discord-webhook": "DISCORD_WEBHOOK_URL",
    "google-oauth": "GOOGLE_CLIENT_SECRET",
    "anthropic": "ANTHROPIC_API_KEY",
    "openai": "OPENAI_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "groq": "GROQ_API_KEY",
    "replicate": "REPLICATE_API_TOKEN",
    "perplexity": "PPLX_API_KEY",
    "xai": "XAI_API_KEY",
    "langsmith": "LANGSMITH_API_KEY",
    "pinecone": "PINECONE_API_KEY",
    "cohere": "COHERE_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "together": "TOGETHER_API_KEY",
    "wandb": "WANDB_API_KEY",
    "github": "GITHUB_TOKEN",
    "gitlab": "GITLAB_TOKEN",
    "npm": "NPM_TOKEN",
    "pypi": "PYPI_TOKEN",
    "aws-access": "AWS_ACCESS_KEY_ID",
    "aws-secret": "AWS_SECRET_ACCESS_KEY",
    "slack": "SLACK_TOKEN",
    "telegram": "TELEGRAM_BOT_TOKEN",
    "sendgrid": "SENDGRID_API_KEY",
    "twilio": "TWILIO_API_KEY",
    "google": "GOOGLE_API_KEY",
    "huggingface": "HF_TOKEN",
    "stripe": "STRIPE_API_KEY",
    "databricks": "DATABRICKS_TOKEN",
    "notion": "NOTION_TOKEN",
    "airtable": "AIRTABLE_TOKEN",
    "jwt": "JWT",
    "pem": "PRIVATE_KEY",
    "url-password": "SERVICE_URL",
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
    if kind not in KINDS:  # a team's gitleaks rule: its id is the best name there is
        name = re.sub(r"[^A-Za-z0-9]+", "_", kind).strip("_").upper()
        return name if name and not name[0].isdigit() else "API_KEY"
    for prefix, name in _CONVENTIONAL.items():
        if kind.startswith(prefix):
            return name
    return "API_KEY"


def _label(kind: str) -> str:
    if kind not in KINDS:
        return f"a key matching the team's gitleaks rule {kind!r}"
    what = KINDS[kind]
    if kind == "url-password":
        return "a password in a URL"
    # "an xAI API key": the letter's name starts with a vowel sound.
    article = "an" if what[:1] in "AEIOU" or what[:2] in ("xA", "SG") else "a"
    return f"{article} {what}"


# A repository's .gitleaks.toml by path: (its mtime, the loaded rules or None).
_team_rules_cache: dict[str, tuple[int, Optional[gitleaks.Config]]] = {}


def team_rules(start: Optional[str] = None) -> Optional[gitleaks.Config]:
    """The gitleaks rules of the repository the kernel works in (its
    ``.gitleaks.toml``), so a team's own key formats are caught before a cell
    runs, as ``safekeys scan`` and the commit hook catch them. Read again only
    when the file changes."""
    path = gitleaks.repository_config(start or os.getcwd())
    if path is None:
        return None
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    cached = _team_rules_cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    config: Optional[gitleaks.Config]
    try:
        config = gitleaks.load(path)
    except gitleaks.ConfigError as err:
        _log.warning("safekeys: the input guard goes without the team's rules: %s", err)
        config = None
    _team_rules_cache[path] = (mtime, config)
    return config


def find_literals(source: str) -> list[Literal]:
    """Registered secrets, well-known key formats and the repository's gitleaks
    rules in a cell's source, as the scanner finds them (one list for both)."""
    lines = source.split("\n")
    found: list[Literal] = []
    for hit in find_in_source(source, team_rules()):
        if hit.name is not None:
            label = f"{hit.name} (a secret safekeys loaded)"
            found.append(Literal(hit.line, label, hit.name, None))
            continue
        text = lines[hit.line - 1] if hit.line <= len(lines) else ""
        start = hit.column - 1
        value = text[start : hit.end_column - 1] if hit.end_line == hit.line else None
        name = _suggested_name(text, start, hit.kind)
        found.append(Literal(hit.line, _label(hit.kind), name, value))
    return found


def blocking() -> bool:
    """Whether ``SAFEKEYS_BLOCK_LITERAL_KEYS`` asks to refuse such cells."""
    return _settings.block_literal_keys()


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


class InputGuard:
    """Looks at each cell's source before it runs.

    IPython offers no hook that can drop a cell from history or stop it, so
    ``run_cell_async`` is wrapped on the shell instance: every way a cell
    runs goes through it (ipykernel calls it directly or through
    ``run_cell``; terminal IPython through ``run_cell``).
    """

    def __init__(self, ip: Any) -> None:
        self.ip = ip
        self.original = ip.run_cell_async

        @functools.wraps(self.original)
        async def run_cell_async(raw_cell: Any, *args: Any, **kwargs: Any) -> Any:
            refused, args, kwargs = self.check(raw_cell, args, kwargs)
            if refused is not None:
                return refused
            return await self.original(raw_cell, *args, **kwargs)

        ip.run_cell_async = run_cell_async

    def check(
        self, raw_cell: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
        """Warn and turn history off for a cell holding a key, or refuse it:
        ``(refusal or None, args, kwargs)`` for the original method."""
        silent = kwargs.get("silent", args[1] if len(args) > 1 else False)
        if silent or not isinstance(raw_cell, str) or not raw_cell.strip():
            return None, args, kwargs
        found = find_literals(raw_cell)
        if not found:
            return None, args, kwargs
        mask_literals(found)
        refused = blocking()
        # Flushed now so the warning shows before anything the cell prints.
        print(message(found, refused), file=sys.stderr, flush=True)
        if refused:
            return self.refusal(raw_cell, found), args, kwargs
        if args:
            args = (False, *args[1:])
        else:
            kwargs = dict(kwargs, store_history=False)
        return None, args, kwargs

    def refusal(self, raw_cell: str, found: list[Any]) -> Any:
        """An ``ExecutionResult`` that failed before running, as a syntax error
        would: the frontend shows the error and stops a "run all"."""
        from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult

        lines = ", ".join(str(literal.line) for literal in found)
        error = LiteralKeyError(
            f"a literal key on line {lines} of this cell; see the message above"
        )
        info = ExecutionInfo(raw_cell, False, False, True, None)  # type: ignore[no-untyped-call]
        result: Any = ExecutionResult(info)  # type: ignore[no-untyped-call]
        result.error_before_exec = error
        self.ip.showtraceback((LiteralKeyError, error, None))
        self.ip.last_execution_succeeded = False
        self.ip.last_execution_result = result
        return result

    def uninstall(self) -> None:
        if self.ip.__dict__.get("run_cell_async") is not None:
            del self.ip.run_cell_async
