"""Leak assertions for notebook outputs, raw kernel messages and any other text.

``Secret(name, value)`` knows every form of a value that must never reach a frontend:
the value itself, each run of ``FRAGMENT`` consecutive characters, the base64 cores of the
value at all three byte alignments (standard and URL-safe alphabets), its percent-encoded,
JSON-escaped, HTML-escaped and Python-repr-escaped forms and, for multi-line values, each line.

``LeakChecker(secrets).check(text, where)`` returns a list of findings, each naming the secret,
the form and the place (``where`` plus an offset) but never any character of the value, so a
failing assertion cannot itself leak. The text is checked as it is and as a frontend renders it
(``\\b`` deletes the previous character, ``\\r`` goes back to the start of the line).
"""

from __future__ import annotations

import base64
import html
import json
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Optional

FRAGMENT = 12  # any run of this many consecutive characters of a secret is a leak
MIN_FORM = 6  # shorter derived forms (a short line of a PEM block, a tiny core) are not checked

# Texts a secret is commonly embedded in before base64 encoding; together with the bare secret
# their prefixes (0, 22 and 5 bytes) put the secret at all three byte alignments.
BASE64_WRAPPINGS = (
    (b"", b""),
    (b"Authorization: Bearer ", b"\n"),
    (b"user:", b""),
)


def base64_core(prefix: bytes, secret: bytes, suffix: bytes, urlsafe: bool = False) -> str:
    """The base64 characters of ``prefix + secret + suffix`` whose 6 bits all lie in ``secret``."""
    data = prefix + secret + suffix
    encoded = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode("ascii")
    start_bit = 8 * len(prefix)
    end_bit = 8 * (len(prefix) + len(secret))
    first = -(-start_bit // 6)  # ceil: first character starting at or after the secret's start
    last = end_bit // 6  # exclusive: characters ending at or before the secret's end
    return encoded[first:last]


@dataclass
class Secret:
    """One test secret: ``name`` is the label safekeys should show, ``value`` the text to hide."""

    name: str
    value: str
    forms: list[tuple[str, str]] = field(init=False)
    windows: set[str] = field(init=False)

    def __post_init__(self) -> None:
        value = self.value
        raw = value.encode("utf-8")
        forms: list[tuple[str, str]] = [("value", value)]
        for prefix, suffix in BASE64_WRAPPINGS:
            for urlsafe in (False, True):
                core = base64_core(prefix, raw, suffix, urlsafe)
                label = f"base64{'-urlsafe' if urlsafe else ''} core (offset {len(prefix) % 3})"
                forms.append((label, core))
        forms.append(("percent-encoded", urllib.parse.quote(value, safe="")))
        forms.append(("percent-encoded (quote_plus)", urllib.parse.quote_plus(value, safe="")))
        forms.append(("JSON-escaped", json.dumps(value)[1:-1]))
        forms.append(
            ("JSON-escaped (ensure_ascii=False)", json.dumps(value, ensure_ascii=False)[1:-1])
        )
        forms.append(("HTML-escaped", html.escape(value)))
        forms.append(("HTML-escaped (quote=False)", html.escape(value, quote=False)))
        forms.append(("repr-escaped", repr(value)[1:-1]))
        forms.append(("ascii()-escaped", ascii(value)[1:-1]))
        lines = value.splitlines()
        if len(lines) > 1:
            forms.extend((f"line {i + 1}", line) for i, line in enumerate(lines))
        seen: set[str] = set()
        self.forms = []
        for label, text in forms:
            if len(text) >= MIN_FORM and text not in seen:
                seen.add(text)
                self.forms.append((label, text))
        self.windows = {value[i : i + FRAGMENT] for i in range(len(value) - FRAGMENT + 1)}

    @property
    def placeholder(self) -> str:
        return f"[masked:{self.name}]"


ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences (colours, cursor moves, OSC links), which a
    frontend turns into styling rather than characters."""
    return ANSI_ESCAPE.sub("", text)


def render_jupyter(text: str) -> str:
    """``text`` as JupyterLab and the classic notebook show a stream: ``fixBackspace`` (a
    ``\b`` deletes the character before it, never a newline), then ``fixCarriageReturn``
    (``\r`` returns to the start of the line and later text overwrites earlier text)."""
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"[^\n]\x08", "", text)
    out_lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        shown: list[str] = []
        for segment in line.split("\r"):
            for i, ch in enumerate(segment):
                if i < len(shown):
                    shown[i] = ch
                else:
                    shown.append(ch)
        out_lines.append("".join(shown))
    return "\n".join(out_lines)


def render_discard(text: str) -> str:
    """``text`` where ``\r`` discards the line so far (a progress bar's view) and ``\b``
    deletes the character before it."""
    out_lines: list[str] = []
    for line in re.split(r"\r?\n", text):
        current: list[str] = []
        for ch in line:
            if ch == "\b":
                if current:
                    current.pop()
            elif ch == "\r":
                current = []
            else:
                current.append(ch)
        out_lines.append("".join(current))
    return "\n".join(out_lines)


def render_terminal(text: str) -> str:
    """``text`` as a terminal shows it: ``\r`` moves to the start of the line and ``\b`` one
    column back; later characters overwrite earlier ones."""
    out_lines: list[str] = []
    for line in re.split(r"\r?\n", text):
        current: list[str] = []
        col = 0
        for ch in line:
            if ch == "\b":
                col = max(col - 1, 0)
            elif ch == "\r":
                col = 0
            else:
                if col < len(current):
                    current[col] = ch
                else:
                    current.append(ch)
                col += 1
        out_lines.append("".join(current))
    return "\n".join(out_lines)


def views(text: str) -> list[tuple[str, str]]:
    """(label, text) for the text as sent and each way a reader may see it."""
    result = [("", text)]
    if "\x1b" in text:
        text = strip_ansi(text)
        result.append((" (ANSI stripped)", text))
    if "\b" in text or "\r" in text.replace("\r\n", ""):
        result.append((" (as Jupyter renders it)", render_jupyter(text)))
        result.append((" (\\r discarding the line)", render_discard(text)))
        result.append((" (as a terminal shows it)", render_terminal(text)))
    return result


@dataclass(frozen=True)
class Finding:
    """A leak: which secret, in which form, where. Never the text itself."""

    secret: str
    form: str
    where: str
    offset: int

    def __str__(self) -> str:
        return f"{self.secret}: {self.form} found in {self.where} at offset {self.offset}"


class LeakChecker:
    def __init__(self, secrets: Iterable[Secret]) -> None:
        self.secrets = list(secrets)

    def _scan(self, text: str, where: str) -> list[Finding]:
        found: list[Finding] = []
        for secret in self.secrets:
            for label, form in secret.forms:
                at = text.find(form)
                if at >= 0:
                    found.append(Finding(secret.name, label, where, at))
            hits = [at for at in map(text.find, secret.windows) if at >= 0]
            if hits:
                found.append(
                    Finding(secret.name, f"{FRAGMENT}-character fragment", where, min(hits))
                )
        return found

    def check(self, text: str, where: str) -> list[Finding]:
        """Findings in ``text`` as it is and as a frontend or a terminal renders it."""
        found: list[Finding] = []
        for label, view in views(text):
            found += self._scan(view, where + label)
        return found

    def check_value(self, obj: Any, where: str) -> list[Finding]:
        """Findings in every string inside ``obj`` (dicts, lists; keys included) and in its JSON."""
        found: list[Finding] = []
        for path, text in _strings(obj, where):
            found += self.check(text, path)
        found += self.check(json.dumps(obj, default=str), f"{where} as JSON")
        return found


def _strings(obj: Any, where: str) -> Iterable[tuple[str, str]]:
    if isinstance(obj, str):
        yield where, obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _strings(key, f"{where} key")
            yield from _strings(value, f"{where}.{key}")
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            yield from _strings(value, f"{where}[{i}]")


def output_texts(output: Any) -> Iterable[tuple[str, str]]:
    """(part name, text) of one nbformat output: stream text, every mimetype's data (as JSON
    text for non-string data), metadata, ename/evalue/traceback."""
    kind = output.get("output_type")
    if kind == "stream":
        yield "text", output.get("text", "")
    if "data" in output:
        for mime, value in output["data"].items():
            text = value if isinstance(value, str) else json.dumps(value)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                text = "".join(value)
            yield f"data[{mime}]", text
    if output.get("metadata"):
        yield "metadata", json.dumps(output["metadata"])
    if kind == "error":
        yield "ename", output.get("ename", "")
        yield "evalue", output.get("evalue", "")
        yield "traceback", "\n".join(output.get("traceback", []))


def merged_streams(outputs: list[Any]) -> list[tuple[int, str, str]]:
    """Runs of consecutive stream outputs of the same name, joined as a frontend shows them:
    ``(index of the first output, stream name, text)``."""
    runs: list[tuple[int, str, str]] = []
    for i, out in enumerate(outputs):
        if out.get("output_type") != "stream":
            continue
        name = out.get("name", "")
        prev = outputs[i - 1] if i else None
        if (
            runs
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == name
        ):
            first, _, text = runs[-1]
            runs[-1] = (first, name, text + out.get("text", ""))
        else:
            runs.append((i, name, out.get("text", "")))
    return runs


def all_output_text(outputs: list[Any]) -> str:
    """Everything the outputs of one cell show, one after the other."""
    return "".join(text for out in outputs for _part, text in output_texts(out))


def cell_findings(checker: LeakChecker, cell: Any, label: str) -> list[Finding]:
    """Every leak in one cell's outputs: each output part, each run of consecutive streams of
    one name merged as a frontend shows them, and all of the cell's output text joined."""
    found: list[Finding] = []
    outputs = cell.get("outputs", [])
    for o, out in enumerate(outputs):
        for part, text in output_texts(out):
            found += checker.check(text, f"{label} output {o} ({out.get('output_type')}) {part}")
    for first, name, text in merged_streams(outputs):
        found += checker.check(text, f"{label} merged {name} stream from output {first}")
    found += checker.check(all_output_text(outputs), f"{label} all output text")
    return found


def notebook_findings(checker: LeakChecker, nb: Any) -> list[Finding]:
    """Every leak in an executed notebook: each cell's outputs (see ``cell_findings``) and
    the ``.ipynb`` text as saved."""
    import nbformat

    found: list[Finding] = []
    for c, cell in enumerate(nb.cells):
        found += cell_findings(checker, cell, f"cell {c}")
    found += checker.check(nbformat.writes(nb), "saved .ipynb")
    return found


def message_findings(
    checker: LeakChecker, messages: Iterable[dict[str, Any]], where: str
) -> list[Finding]:
    """Every leak in raw Jupyter messages (their content and metadata), plus the text of
    consecutive stream messages of one name joined as a frontend would."""
    found: list[Finding] = []
    run_key: Optional[tuple[Any, str]] = None
    run_text = ""
    run_start = 0

    def close_run() -> None:
        nonlocal found
        if run_key is not None:
            found += checker.check(run_text, f"{where}: stream run from message {run_start}")

    for i, msg in enumerate(messages):
        msg_type = msg.get("msg_type") or msg.get("header", {}).get("msg_type", "?")
        label = f"{where}: message {i} ({msg_type})"
        found += checker.check_value(msg.get("content", {}), f"{label} content")
        if msg.get("metadata"):
            found += checker.check_value(msg["metadata"], f"{label} metadata")
        if msg_type == "stream":
            content = msg["content"]
            key = (msg.get("parent_header", {}).get("msg_id"), content.get("name", ""))
            if key == run_key:
                run_text += content.get("text", "")
                continue
            close_run()
            run_key, run_text, run_start = key, content.get("text", ""), i
        elif msg_type != "status":
            close_run()
            run_key, run_text = None, ""
    close_run()
    return found


def format_findings(findings: list[Finding], limit: int = 20) -> str:
    """A readable list of findings for an assertion message (no secret text in it)."""
    unique = list(dict.fromkeys(str(f) for f in findings))
    more = f"\n... and {len(unique) - limit} more" if len(unique) > limit else ""
    return "\n".join(unique[:limit]) + more
