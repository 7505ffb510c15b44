"""Deterministic corpus of notebooks and files with planted keys and decoys (issue #5).

``generate(outdir, size_mb=..., seed=...)`` writes ``outdir/corpus/`` (the tree to scan)
and ``outdir/manifest.json`` (outside the tree, so scanning the tree never sees it).
The same seed and size give the same bytes. Every key is random: nothing here is a
real credential, and nothing generated is committed to the repository.

The tree is mostly ``.ipynb`` notebooks written as Jupyter writes them (nbformat 4.5,
``indent=1``, sorted keys, sources and text outputs as lists of lines), with
stream / execute_result (text/plain + text/html) / display_data (PNG images of
realistic size) / error (ANSI tracebacks) outputs, attachments and metadata; plus
``.py``, ``.md``, ``.txt``, ``.json``, ``.yaml`` and ``.env``-like files, files that
``.gitignore`` excludes (they hold keys that must NOT be reported), and binary files.

Planted ("plants") are: every well-known key kind (OpenAI, Anthropic, AWS id + secret,
GitHub, GitLab, Slack, Google, Hugging Face, Stripe, PEM private keys, URLs with a
password) and "known secrets": random values under secret-looking names in the root
``.env``, planted raw, JSON-escaped (values holding quotes, backslashes and non-ASCII),
base64 (at every byte alignment), URL-encoded, JSON-encoded, HTML-escaped and as
12+ character fragments. Decoys (must not be reported): images, hashes, UUIDs, git
commit ids, lorem ipsum, ``task-…``/``disk-…`` words, prefix-less random ids, ids of
API objects (``chatcmpl-``, ``msg_``), too-short ``sk-``, placeholders, non-secret
``.env`` values and fragments shorter than 12 characters.

Manifest entries (``plants``, ``decoys``, ``ignored``) give ``file`` (relative,
POSIX), ``kind`` (well-known kind or ``known:NAME``), ``form``, ``cell`` (index, or
None outside cells), ``part`` (``source``/``output``/``attachment``/``metadata``/
``file``), ``output_index``, ``output_type``, ``mime``, ``line`` (1-based line inside
that part's text; the file's line for plain files), ``file_line`` (1-based line of the
file holding it) and ``value`` (the planted text, so tests can check no output holds it).

CLI: ``python tests/corpus.py OUTDIR --size-mb 200 --seed 1``.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import random
import shutil
import string
import struct
import subprocess
import sys
import urllib.parse
import uuid
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

CORPUS_DIR = "corpus"
MANIFEST = "manifest.json"
FORMAT_VERSION = 1

ALNUM = string.ascii_letters + string.digits
TOKEN = ALNUM + "_-"
UPPER_B32 = string.ascii_uppercase + "234567"
AWS_SECRET_CHARS = ALNUM + "/+"
LOREM = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat duis aute irure "
    "dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur"
).split()


# --------------------------------------------------------------------------- keys


def _s(r: random.Random, chars: str, n: int) -> str:
    return "".join(r.choice(chars) for _ in range(n))


def _pem(r: random.Random, label: str, nbytes: int) -> str:
    body = base64.b64encode(b"\x30\x82" + r.randbytes(nbytes)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


# Formats follow the providers' documented shapes as gitleaks' rules describe them
# (e.g. Anthropic ``sk-ant-api03-[\w-]{93}AA``, OpenAI project keys around ``T3BlbkFJ``).
KINDS: dict[str, Callable[[random.Random], str]] = {
    "openai": lambda r: "sk-" + _s(r, ALNUM, 20) + "T3BlbkFJ" + _s(r, ALNUM, 20),
    "openai-proj": lambda r: "sk-proj-" + _s(r, TOKEN, 74) + "T3BlbkFJ" + _s(r, TOKEN, 74),
    "anthropic": lambda r: "sk-ant-api03-" + _s(r, TOKEN, 93) + "AA",
    "aws-access-key-id": lambda r: "AKIA" + _s(r, UPPER_B32, 16),
    "aws-secret-access-key": lambda r: _s(r, AWS_SECRET_CHARS, 40),
    "github-pat": lambda r: "ghp_" + _s(r, ALNUM, 36),
    "github-oauth": lambda r: "gho_" + _s(r, ALNUM, 36),
    "github-fine-grained": lambda r: (
        "github_pat_11" + _s(r, string.ascii_uppercase + string.digits, 20) + "_" + _s(r, ALNUM, 59)
    ),
    "gitlab-pat": lambda r: "glpat-" + _s(r, TOKEN, 20),
    "slack-bot": lambda r: (
        "xoxb-" + _s(r, string.digits, 11) + "-" + _s(r, string.digits, 13) + "-" + _s(r, ALNUM, 24)
    ),
    "slack-user": lambda r: (
        "xoxp-"
        + _s(r, string.digits, 11)
        + "-"
        + _s(r, string.digits, 11)
        + "-"
        + _s(r, string.digits, 13)
        + "-"
        + _s(r, "0123456789abcdef", 32)
    ),
    "google-api-key": lambda r: "AIza" + _s(r, TOKEN, 35),
    "huggingface": lambda r: "hf_" + _s(r, string.ascii_letters, 34),
    "stripe-live": lambda r: "sk_live_" + _s(r, ALNUM, r.choice((24, 99))),
    "stripe-restricted": lambda r: "rk_live_" + _s(r, ALNUM, r.choice((24, 99))),
    "pem-rsa": lambda r: _pem(r, "RSA PRIVATE KEY", 1190),
    "pem-pkcs8": lambda r: _pem(r, "PRIVATE KEY", 1216),
    "pem-openssh": lambda r: _pem(r, "OPENSSH PRIVATE KEY", 400),
    "pem-ec": lambda r: _pem(r, "EC PRIVATE KEY", 118),
    "url-password": lambda r: r.choice(
        (
            "postgresql://{u}:{p}@db-{h}.internal.example.com:5432/analytics",
            "mysql+pymysql://{u}:{p}@{h}.rds.example.com/warehouse",
            "mongodb+srv://{u}:{p}@cluster0.{h}.mongodb.example.net/?retryWrites=true",
            "redis://:{p}@cache-{h}.example.com:6379/0",
            "https://{u}:{p}@git.example.com/team/repo.git",
            "amqp://{u}:{p}@mq-{h}.example.com:5672/%2F",
        )
    ).format(
        u=r.choice(("analyst", "etl_user", "admin", "svc-reporting")),
        p=_s(r, ALNUM, r.randint(16, 28)),
        h=_s(r, string.ascii_lowercase + string.digits, 6),
    ),
}

# Names and values of the root .env's "known secrets": prefix-less random values that
# only the .env makes secret. One holds a quote, a backslash and non-ASCII text so its
# JSON/HTML/percent/base64 forms differ from the raw value.
KNOWN_NAMES = (
    "DB_PASSWORD",
    "INTERNAL_API_KEY",
    "WEBHOOK_SECRET",
    "SERVICE_TOKEN",
    "SMTP_PASSWORD",
    "SIGNING_SECRET",
    "LEGACY_PASSPHRASE",
)
SPECIAL_NAME = "LEGACY_PASSPHRASE"
NONSECRET_ENV = {
    "MODEL_NAME": "gpt-4o-mini-2024-07-18",
    "DATA_DIR": "/srv/data/analytics-warehouse",
    "LOG_LEVEL": "debug",
    "REGION": "eu-west-1",
}
KNOWN_FORMS = ("raw", "json-escaped", "base64", "url-encoded", "json-encoded", "fragment", "html")


def _known_values(r: random.Random) -> dict[str, str]:
    out = {}
    for name in KNOWN_NAMES:
        if name == SPECIAL_NAME:
            out[name] = (
                _s(r, ALNUM, 9)
                + '"'
                + _s(r, ALNUM, 5)
                + "\\"
                + _s(r, ALNUM, 4)
                + "\u00fcb\u00e9r<&>"
                + _s(r, ALNUM, 8)
                + " "
                + _s(r, ALNUM, 6)
            )
        else:
            out[name] = _s(r, ALNUM + "!#%*+,.:=?@^~", r.randint(20, 40))
    return out


def _dotenv_quote(value: str) -> str:
    """Double-quoted python-dotenv value (escapes ``\\`` and ``"``; no ``$`` expansion)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def known_form(form: str, value: str, r: random.Random) -> tuple[str, str]:
    """(text to plant, context template) for ``value`` in ``form``."""
    if form in ("raw", "json-escaped", "html"):
        return value, "{v}"
    if form == "base64":
        # HTTP basic auth and plain b64: the value sits at each byte alignment.
        prefix = r.choice(("", "u:", "svc:", "analyst:"))
        b64 = base64.b64encode((prefix + value).encode()).decode()
        return b64, "Authorization: Basic {v}"
    if form == "url-encoded":
        return urllib.parse.quote(
            value, safe=""
        ), "https://api.example.com/login?user=me&secret={v}"
    if form == "json-encoded":
        return json.dumps(value)[1:-1], '{{"status": "ok", "credential": "{v}"}}'
    if form == "fragment":
        n = r.randint(12, min(20, len(value) - 2))
        start = r.randint(0, len(value) - n)
        return value[start : start + n], "partial: '{v}'"
    raise ValueError(form)


# --------------------------------------------------------------------------- decoys


def _decoys(r: random.Random, known: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, text) pairs that look secret-ish but must not be reported."""
    h = lambda n: _s(r, "0123456789abcdef", n)  # noqa: E731
    some_known = known[r.choice([n for n in KNOWN_NAMES if n != SPECIAL_NAME])]
    start = r.randint(0, len(some_known) - 10)
    return [
        ("sha256", h(64)),
        ("sha1", h(40)),
        ("md5", h(32)),
        ("git-commit", f"commit {h(40)}"),
        ("uuid", str(uuid.UUID(int=r.getrandbits(128), version=4))),
        ("pip-hash", f"--hash=sha256:{h(64)}"),
        ("lorem", " ".join(r.choice(LOREM) for _ in range(14))),
        ("task-word", "task-" + _s(r, ALNUM, 28)),
        ("disk-word", "disk-" + _s(r, ALNUM, 26)),
        ("random-id", _s(r, ALNUM, 32)),
        ("random-id-40", _s(r, ALNUM, 40)),
        ("openai-completion-id", "chatcmpl-" + _s(r, ALNUM, 29)),
        ("anthropic-message-id", "msg_01" + _s(r, ALNUM, 22)),
        ("stripe-customer-id", "cus_" + _s(r, ALNUM, 14)),
        ("stripe-publishable", "pk_live_" + _s(r, ALNUM, 24)),
        ("sk-too-short", "sk-" + _s(r, ALNUM, 6)),
        ("placeholder", r.choice(("sk-...", "sk-proj-...", "sk-ant-...", "hf_...", "ghp_..."))),
        ("placeholder", r.choice(("YOUR_API_KEY", "<your-api-key>", "<YOUR_OPENAI_KEY>"))),
        ("placeholder", "sk-" + "x" * 48),
        ("placeholder-aws", "AKIAIOSFODNN7EXAMPLE"),
        ("masked", "[masked:OPENAI_API_KEY]"),
        ("url-no-password", "https://analyst@git.example.com/team/repo.git"),
        ("url-no-password", "git@github.com:example/analytics.git"),
        ("env-nonsecret", NONSECRET_ENV[r.choice(sorted(NONSECRET_ENV))]),
        ("short-fragment", some_known[start : start + 10]),
    ]


# --------------------------------------------------------------------------- images


def _png(r: random.Random, width: int, height: int) -> bytes:
    """A real PNG (RGB, a gradient with noise) that compresses like a plot does."""
    rows = []
    noise = r.randbytes(width * height)
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(0, width):
            n = noise[(y * width + x) // 8] & 0x03
            row += bytes(((x * 255 // width + n) & 0xFF, (y * 255 // height) & 0xFF, n * 4))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------- records


@dataclass
class Entry:
    """One planted key, decoy or ignored key, and where it is."""

    file: str
    kind: str
    value: str
    form: str = "raw"
    cell: Optional[int] = None
    part: str = "file"
    output_index: Optional[int] = None
    output_type: Optional[str] = None
    mime: Optional[str] = None
    line: Optional[int] = None
    file_line: Optional[int] = None
    span: int = 1
    needle: str = field(default="", repr=False)


def _lines(text: str) -> list[str]:
    """nbformat's multiline-string split: lines keep their newline."""
    return text.splitlines(keepends=True)


def _needle(value: str) -> str:
    """A unique single-line piece of ``value`` to locate it: a PEM's first base64 line."""
    return value.split("\n")[1] if value.startswith("-----BEGIN") else value


def _line_of(text: str, needle: str) -> int:
    """1-based line of ``text`` where the planted text starts (a PEM: its BEGIN line)."""
    at = text.find(needle)
    if at < 0:
        raise AssertionError("planted text missing from its part")
    begin = text.rfind("-----BEGIN", 0, at)
    if begin >= 0 and text.count("\n", begin, at) <= 1:
        at = begin
    return text.count("\n", 0, at) + 1


def _locate(text: str, needle: str, json_text: bool, start: int = 0) -> int:
    """1-based file line of ``needle`` at or after ``start`` (JSON-escaped first)."""
    at = text.find(_json_inner(needle), start) if json_text else -1
    if at < 0:
        at = text.find(needle, start)
    if at < 0:
        raise AssertionError("planted text missing from its file")
    begin = text.rfind("-----BEGIN", 0, at)
    if begin >= 0 and (at - begin) < 200:
        at = begin
    return text.count("\n", 0, at) + 1


# --------------------------------------------------------------------------- notebooks

NB_PLACES = (
    "source",
    "stream",
    "execute_result:text/plain",
    "execute_result:text/html",
    "display_data:text/plain",
    "error",
    "attachment",
    "cell-metadata",
    "notebook-metadata",
)
FILE_PLACES = (".py", ".md", ".txt", ".json", ".yaml", ".env")


class _Notebook:
    """Builds one notebook; records where each planted text went."""

    def __init__(self, g: _Gen, rel: str) -> None:
        self.g, self.rel, self.r = g, rel, g.r
        self.cells: list[dict[str, Any]] = []
        self.meta: dict[str, Any] = {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {
                "codemirror_mode": {"name": "ipython", "version": 3},
                "file_extension": ".py",
                "mimetype": "text/x-python",
                "name": "python",
                "nbconvert_exporter": "python",
                "pygments_lexer": "ipython3",
                "version": "3.11.7",
            },
        }
        self.entries: list[Entry] = []
        self.decoys: list[Entry] = []
        self.count = 0

    def _id(self) -> str:
        return _s(self.r, "0123456789abcdef", 8)

    def code(self, src: str, outputs: list[dict[str, Any]], meta: Optional[dict] = None) -> int:
        self.count += 1
        for o in outputs:
            if o["output_type"] == "execute_result":
                o["execution_count"] = self.count
        self.cells.append(
            {
                "cell_type": "code",
                "execution_count": self.count,
                "id": self._id(),
                "metadata": meta or {},
                "outputs": outputs,
                "source": _lines(src),
            }
        )
        return len(self.cells) - 1

    def markdown(self, src: str, attachments: Optional[dict] = None) -> int:
        cell: dict[str, Any] = {
            "cell_type": "markdown",
            "id": self._id(),
            "metadata": {},
            "source": _lines(src),
        }
        if attachments:
            cell["attachments"] = attachments
        self.cells.append(cell)
        return len(self.cells) - 1

    # ---- filler

    def filler(self) -> None:
        r, g = self.r, self.g
        choice = r.random()
        if choice < 0.25:
            self.markdown(
                "## "
                + " ".join(r.choice(LOREM) for _ in range(4)).title()
                + "\n\n"
                + g.lorem_par()
                + "\n"
            )
        elif choice < 0.55:
            img = r.choice(g.images)
            self.code(
                "fig, ax = plt.subplots(figsize=(8, 5))\nax.plot(df['step'], df['loss'])\n"
                "ax.set_title('training loss')\nplt.show()",
                [
                    {
                        "data": {
                            "image/png": img,
                            "text/plain": ["<Figure size 800x500 with 1 Axes>"],
                        },
                        "metadata": {},
                        "output_type": "display_data",
                    }
                ],
            )
        elif choice < 0.8:
            self.code(
                f"runs = load_runs()\nruns.head({r.randint(5, 40)})",
                [g.dataframe_output(self, r.randint(5, 40))],
            )
        else:
            self.code(
                f"for epoch in range({r.randint(3, 30)}):\n"
                "    print(f'epoch {epoch}: loss={train():.4f}')",
                [
                    {
                        "name": "stdout",
                        "output_type": "stream",
                        "text": _lines(
                            "".join(
                                f"epoch {i}: loss={r.random():.4f}\n"
                                for i in range(r.randint(3, 30))
                            )
                        ),
                    }
                ],
            )

    def decoy_cell(self) -> None:
        kind, text = self.r.choice(self.g.decoys)
        where = self.r.random()
        if where < 0.5:
            src = f"# reference: {text}\nrun_id = {text!r}\nprint(run_id)"
            idx = self.code(
                src, [{"name": "stdout", "output_type": "stream", "text": [text + "\n"]}]
            )
            self.decoys.append(
                Entry(self.rel, kind, text, cell=idx, part="source", line=1, needle=text)
            )
            self.decoys.append(
                Entry(
                    self.rel,
                    kind,
                    text,
                    cell=idx,
                    part="output",
                    output_index=0,
                    output_type="stream",
                    line=1,
                    needle=text,
                )
            )
        else:
            idx = self.markdown(f"Notes: `{text}` {self.g.lorem_par()[:200]}\n")
            self.decoys.append(
                Entry(self.rel, kind, text, cell=idx, part="source", line=1, needle=text)
            )

    # ---- plants

    def plant(self, kind: str, value: str, form: str, place: str, ctx: str) -> None:
        r = self.r
        shown = ctx.format(v=value)
        is_pem = value.startswith("-----BEGIN")
        oi: Optional[int] = None
        otype: Optional[str] = None
        mime: Optional[str] = None
        if place == "source":
            pre = r.choice(("import os\n", "import openai\nimport pandas as pd\n", ""))
            if is_pem:
                line = f"KEY = '''{shown}'''"
            elif form == "raw" and "\\" not in shown and "'" not in shown:
                line = f"api_key = {shown!r}"
            else:
                line = f"# {shown}"
            part_text = pre + line + "\nclient = make_client(api_key)"
            idx = self.code(part_text, [])
            part = "source"
        elif place == "stream":
            part_text = f"connecting...\nusing {shown}\ndone\n"
            idx = self.code(
                "print(config)",
                [
                    {
                        "name": r.choice(("stdout", "stderr")),
                        "output_type": "stream",
                        "text": _lines(part_text),
                    }
                ],
            )
            part, oi, otype = "output", 0, "stream"
        elif place.startswith(("execute_result", "display_data")):
            otype, mime = place.split(":")
            if mime == "text/html":
                esc = html.escape(shown, quote=True) if form == "html" else shown
                part_text = f"<div>\n<pre>settings</pre>\n<code>{esc}</code>\n</div>"
                data = {"text/html": _lines(part_text), "text/plain": ["Settings(...)"]}
            else:
                part_text = f"Settings(model='gpt-4o',\n         credential='{shown}')"
                data = {"text/plain": _lines(part_text)}
            out: dict[str, Any] = {"data": data, "metadata": {}, "output_type": otype}
            idx = self.code("settings", [out])
            part, oi = "output", 0
        elif place == "error":
            tb = [
                "\x1b[0;31m" + "-" * 75 + "\x1b[0m",
                "\x1b[0;31mAuthenticationError\x1b[0m                       Traceback (most "
                "recent call last)",
                "Cell \x1b[0;32mIn[3], line 2\x1b[0m\n\x1b[1;32m      1\x1b[0m client "
                "\x1b[38;5;241m=\x1b[39m OpenAI()\n\x1b[0;32m----> 2\x1b[0m client\x1b[38;5;241m."
                "\x1b[39mconnect(\x1b[38;5;124m'\x1b[39m\x1b[38;5;124m"
                + shown
                + "\x1b[39m\x1b[38;5;124m'\x1b[39m)",
                "\x1b[0;31mAuthenticationError\x1b[0m: invalid credentials",
            ]
            part_text = "\n".join(tb)
            idx = self.code(
                "client.connect(key)",
                [
                    {
                        "ename": "AuthenticationError",
                        "evalue": "invalid credentials",
                        "output_type": "error",
                        "traceback": tb,
                    }
                ],
            )
            part, oi, otype = "output", 0, "error"
        elif place == "attachment":
            part_text = f"# exported settings\n{shown}\n"
            att = {
                "config.txt": {"text/plain": _lines(part_text)},
                "figure.png": {"image/png": r.choice(self.g.images)},
            }
            idx = self.markdown("Settings as exported:\n\n![figure](attachment:figure.png)\n", att)
            part, mime = "attachment", "text/plain"
        elif place == "cell-metadata":
            idx = self.code(
                "run_pipeline()",
                [],
                meta={"tags": ["parameters"], "papermill": {"parameters": {"token": shown}}},
            )
            part, part_text = "metadata", ""
        elif place == "notebook-metadata":
            self.meta["papermill"] = {
                "parameters": {"api_key": shown, "batch": 64},
                "environment_variables": {},
            }
            idx, part, part_text = None, "metadata", ""  # type: ignore[assignment]
        else:
            raise ValueError(place)
        needle = _needle(value)
        if form == "html":
            needle = html.escape(needle, quote=True)
        line = _line_of(part_text, needle) if part_text else None
        self.entries.append(
            Entry(
                self.rel,
                kind,
                value,
                form,
                idx,
                part,
                oi,
                otype,
                mime,
                line,
                span=value.count("\n") + 1,
                needle=needle,
            )
        )

    def text(self) -> str:
        nb = {"cells": self.cells, "metadata": self.meta, "nbformat": 4, "nbformat_minor": 5}
        return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- generator


class _Gen:
    def __init__(self, root: Path, size_mb: float, seed: int) -> None:
        self.root = root
        self.target = int(size_mb * 1024 * 1024)
        self.r = random.Random(seed)
        self.written = 0
        self.plants: list[Entry] = []
        self.decoy_entries: list[Entry] = []
        self.ignored: list[Entry] = []
        self.known = _known_values(self.r)
        self.decoys = _decoys(self.r, self.known)
        img_r = random.Random(seed + 1)
        sizes = [(160, 100), (240, 160), (320, 200), (400, 250)]
        self.images = [
            base64.b64encode(_png(img_r, *img_r.choice(sizes))).decode() + "\n" for _ in range(24)
        ]
        self.nb_queue: list[tuple[str, str, str]] = []
        self.file_queue: list[tuple[str, str, str]] = []
        self.cycles = 0

    # ---- helpers

    def lorem_par(self) -> str:
        return " ".join(self.r.choice(LOREM) for _ in range(self.r.randint(20, 70))).capitalize()

    def dataframe_output(self, nb: _Notebook, rows: int) -> dict[str, Any]:
        r = self.r
        hx = lambda n: _s(r, "0123456789abcdef", n)  # noqa: E731
        recs = [
            (
                str(uuid.UUID(int=r.getrandbits(128), version=4)),
                hx(40),
                hx(64),
                round(r.random(), 4),
            )
            for _ in range(rows)
        ]
        head = '<table border="1" class="dataframe">\n  <thead>\n    <tr style="text-align: '
        head += 'right;">\n      <th></th>\n      <th>run_id</th>\n      <th>commit</th>\n'
        head += "      <th>checksum</th>\n      <th>loss</th>\n    </tr>\n  </thead>\n  <tbody>\n"
        body = "".join(
            f"    <tr>\n      <th>{i}</th>\n      <td>{a}</td>\n      <td>{b}</td>\n"
            f"      <td>{c}</td>\n      <td>{d}</td>\n    </tr>\n"
            for i, (a, b, c, d) in enumerate(recs)
        )
        plain = "".join(
            f"{i:<4}{a}  {b[:10]}…  {c[:10]}…  {d}\n" for i, (a, b, c, d) in enumerate(recs)
        )
        html_text = "<div>\n" + head + body + "  </tbody>\n</table>\n</div>"
        return {
            "data": {"text/html": _lines(html_text), "text/plain": _lines(plain.rstrip())},
            "execution_count": 0,
            "metadata": {},
            "output_type": "execute_result",
        }

    def _recipes(self) -> None:
        """Queue one more full cycle of (what, form, place) plants.

        Every well-known kind goes to every place; every known-secret form goes to every
        place, the names taking turns so each name (the special one too) is covered.
        """
        r = self.r
        nb: list[tuple[str, str, str]] = []
        files: list[tuple[str, str, str]] = []
        for kind in KINDS:
            if kind == "aws-secret-access-key":
                continue  # planted next to its id ("aws-pair")
            k = "aws-pair" if kind == "aws-access-key-id" else kind
            nb += [(k, "raw", p) for p in NB_PLACES]
            files += [(k, "raw", p) for p in FILE_PLACES]
        turn = self.cycles
        for form in KNOWN_FORMS:
            for place in NB_PLACES:
                if (form == "html") != (place == "execute_result:text/html"):
                    continue
                turn += 1
                nb.append((f"known:{KNOWN_NAMES[turn % len(KNOWN_NAMES)]}", form, place))
            if form == "html":
                continue
            for place in FILE_PLACES:
                turn += 1
                files.append((f"known:{KNOWN_NAMES[turn % len(KNOWN_NAMES)]}", form, place))
        # The special value in every form in a notebook source and an output.
        for form in KNOWN_FORMS:
            if form != "html":
                nb.append((f"known:{SPECIAL_NAME}", form, "source"))
                nb.append((f"known:{SPECIAL_NAME}", form, "stream"))
        r.shuffle(nb)
        r.shuffle(files)
        self.nb_queue += nb
        self.file_queue += files
        self.cycles += 1

    def value_for(self, what: str, form: str) -> tuple[str, str]:
        """(planted text, context template) for a recipe."""
        if what.startswith("known:"):
            return known_form(form, self.known[what[6:]], self.r)
        return KINDS["aws-access-key-id" if what == "aws-pair" else what](self.r), "{v}"

    def write(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written += len(data)

    # ---- files

    def notebook(self, i: int, plants: list[tuple[str, str, str]]) -> None:
        r = self.r
        topic = r.choice(("eda", "training", "llm-eval", "etl", "report", "embeddings"))
        folder = r.choice(("notebooks", "notebooks/experiments", "analysis", "research/2024"))
        rel = f"{folder}/{topic}-{i:05d}.ipynb"
        nb = _Notebook(self, rel)
        nb.markdown(f"# {topic.title()} notebook {i}\n\n{self.lorem_par()}\n")
        small = self.target < 20 * 1024 * 1024
        budget = r.randint(4_000, 40_000) if small else r.randint(60_000, 260_000)
        pending = list(plants)
        size = 0
        while pending or size < budget:
            before = len(nb.cells)
            roll = r.random()
            if pending and roll < 0.35:
                what, form, place = pending.pop()
                if what == "aws-pair":
                    self._aws_cell(nb)
                else:
                    value, ctx = self.value_for(what, form)
                    nb.plant(what, value, form, place, ctx)
            elif roll < 0.45:
                nb.decoy_cell()
            elif small and roll < 0.9:
                nb.markdown(self.lorem_par() + "\n")
            else:
                nb.filler()
            size += sum(len(json.dumps(c)) for c in nb.cells[before:])
        text = nb.text()
        for e in nb.entries:
            e.file_line = _locate(text, e.needle, True, _start_of(text, nb, e))
            self.plants.append(e)
        for e in nb.decoys:
            e.file_line = _locate(text, e.needle, True, _start_of(text, nb, e))
            self.decoy_entries.append(e)
        self.write(rel, text.encode())

    def _aws_cell(self, nb: _Notebook) -> None:
        kid, secret = KINDS["aws-access-key-id"](self.r), KINDS["aws-secret-access-key"](self.r)
        src = (
            "import boto3\ns3 = boto3.client(\n    's3',\n"
            f"    aws_access_key_id='{kid}',\n    aws_secret_access_key='{secret}',\n)"
        )
        idx = nb.code(src, [])
        nb.entries.append(
            Entry(nb.rel, "aws-access-key-id", kid, cell=idx, part="source", line=4, needle=kid)
        )
        nb.entries.append(
            Entry(
                nb.rel,
                "aws-secret-access-key",
                secret,
                cell=idx,
                part="source",
                line=5,
                needle=secret,
            )
        )

    def plain(self, i: int, ext: str, plants: list[tuple[str, str, str]]) -> None:
        r = self.r
        folder = {
            ".py": "src/pipeline",
            ".md": "docs",
            ".txt": "notes",
            ".json": "config",
            ".yaml": "config",
            ".env": "deploy",
        }[ext]
        rel = f"{folder}/{'settings' if ext == '.env' else 'file'}-{i:05d}{ext}"
        comment = {".py": "# ", ".md": "", ".txt": "", ".json": "", ".yaml": "# ", ".env": "# "}[
            ext
        ]
        lines = [comment + self.lorem_par()[:90] for _ in range(r.randint(20, 120))]
        # Who owns each line, so that equal lines (the same value planted twice) get
        # their own line numbers.
        owners: list[Optional[Entry]] = [None] * len(lines)
        entries: list[Entry] = []
        for what, form, _place in plants:
            value, ctx = self.value_for(what, form)
            if what == "aws-pair":
                secret = KINDS["aws-secret-access-key"](r)
                items = [
                    ("aws-access-key-id", value, "aws_access_key_id", value),
                    ("aws-secret-access-key", secret, "aws_secret_access_key", secret),
                ]
            else:
                var = (
                    (what[6:] + "_BACKUP")
                    if what.startswith("known:")
                    else what.upper().replace("-", "_")
                )
                items = [(what, value, var, ctx.format(v=value))]
            at = r.randint(0, len(lines))
            for off, (kind, val, var, t) in enumerate(items):
                if ext == ".yaml":
                    t = f"{var.lower()}: " + json.dumps(t, ensure_ascii=False)
                elif ext == ".py":
                    t = (
                        f"{var} = {t!r}"
                        if "\n" not in t and "\\" not in t and "'" not in t
                        else f'{var} = """{t}"""'
                        if '"' not in t
                        else "# " + t
                    )
                elif ext == ".env":
                    quote = any(c in t for c in "\n \\\"'#$")
                    t = f"{var}=" + (_dotenv_quote(t) if quote else t)
                elif ext in (".md", ".txt"):
                    t = f"{var}: {t}"
                e = Entry(rel, kind, val, form, span=val.count("\n") + 1, needle=_needle(val))
                lines.insert(at + off, t)
                owners.insert(at + off, e)
                entries.append(e)
        decoys: list[Entry] = []
        # A lone 40-character token a few lines from an AWS key id may well be its secret
        # key (credentials CSVs write it unlabelled): not a fair decoy there.
        has_aws = any(e.kind == "aws-access-key-id" for e in entries)
        pool = [d for d in self.decoys if not (has_aws and d[0] == "random-id-40")]
        for _ in range(r.randint(1, 4)):
            kind, text = r.choice(pool)
            e = Entry(rel, kind, text, needle=text)
            at = r.randint(0, len(lines))
            lines.insert(at, f"{comment}ref {text}")
            owners.insert(at, e)
            decoys.append(e)
        if ext == ".json":
            obj = {"name": f"service-{i}", "retries": 3, "notes": lines}
            body = json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
        else:
            body = "\n".join(lines) + "\n"
        # JSON: "{", "name", "retries", "notes": [ then one line per item.
        line = 5 if ext == ".json" else 1
        for text, owner in zip(lines, owners, strict=True):
            if owner is not None:
                owner.line = owner.file_line = line
            line += 1 if ext == ".json" else text.count("\n") + 1
        for e in entries + decoys:
            at = _locate(body, e.needle, True)  # the planted text is in the file
            assert e.file_line is not None and at <= e.file_line
        self.plants += entries
        self.decoy_entries += decoys
        self.write(rel, body.encode())

    def fixed_files(self) -> None:
        """The root .env, .gitignore, ignored files with keys, binaries, odd encodings."""
        r = self.r
        env_lines = ["# project secrets (ignored by git)"]
        for name, value in self.known.items():
            env_lines.append(f"{name}={_dotenv_quote(value)}")
        for name, value in NONSECRET_ENV.items():
            env_lines.append(f"{name}={value}")
        self.write(".env", ("\n".join(env_lines) + "\n").encode())
        self.write(
            ".env.example",
            b"# copy to .env and fill in\nOPENAI_API_KEY=sk-...\n"
            b"DB_PASSWORD=\nINTERNAL_API_KEY=YOUR_API_KEY\nLOG_LEVEL=info\n",
        )
        self.write(".gitignore", b".env\nsecrets/\n*.log\nscratch/\nbuild/\n__pycache__/\n")
        self.write("reports/.gitignore", b"*.bak\n")
        ignored = {
            "secrets/prod.env": "openai-proj",
            "logs/run-2024-05-01.log": "github-pat",
            "scratch/tmp.ipynb": "anthropic",
            "build/out/config.txt": "aws-access-key-id",
            "reports/summary.md.bak": "slack-bot",
        }
        for rel, kind in ignored.items():
            value = KINDS[kind](r)
            if rel.endswith(".ipynb"):
                nb = _Notebook(self, rel)
                nb.code(
                    f"key = {value!r}",
                    [{"name": "stdout", "output_type": "stream", "text": [value + "\n"]}],
                )
                data = nb.text()
            else:
                data = f"{self.lorem_par()}\nkey={value}\n"
            self.write(rel, data.encode())
            self.ignored.append(Entry(rel, kind, value, needle=value))
        for name in ("DB_PASSWORD", SPECIAL_NAME):
            rel = f"secrets/{name.lower()}.txt"
            self.write(rel, (self.known[name] + "\n").encode())
            self.ignored.append(
                Entry(rel, f"known:{name}", self.known[name], needle=self.known[name])
            )
        # Binary files: real PNGs, random bytes with NULs, gzip; a latin-1 text file.
        for j in range(4):
            self.write(f"figures/plot-{j}.png", base64.b64decode(r.choice(self.images)))
        self.write("data/weights.bin", b"\x00\x01BIN\x00" + r.randbytes(200_000))
        self.write("data/table.npy", b"\x93NUMPY\x01\x00v\x00" + r.randbytes(50_000))
        self.write("data/archive.csv.gz", zlib.compress(("a,b\n" * 5000).encode()))
        self.write(
            "notes/legacy-latin1.txt",
            ("Caf\u00e9 na\u00efve r\u00e9sum\u00e9 " * 40 + "\n").encode("latin-1"),
        )

    def run(self) -> None:
        self.fixed_files()
        self._recipes()
        i = 0
        while True:
            if not self.nb_queue and not self.file_queue:
                if self.written >= self.target:
                    break
                self._recipes()
            i += 1
            if self.file_queue and (i % 5 == 0 or not self.nb_queue):
                ext = FILE_PLACES[(i // 5) % len(FILE_PLACES)]
                mine = [p for p in self.file_queue if p[2] == ext][: self.r.randint(2, 6)]
                for p in mine:
                    self.file_queue.remove(p)
                self.plain(i, ext, mine)
                continue
            # Past the target size, only drain the queues: denser notebooks.
            n = self.r.randint(0, 5) if self.written < self.target else 12
            if self.target < 20 * 1024 * 1024:
                n = 12
            take: list[tuple[str, str, str]] = []
            for p in list(self.nb_queue):
                if len(take) >= n:
                    break
                # One notebook-level metadata plant per notebook: papermill holds one.
                if p[2] == "notebook-metadata" and any(t[2] == p[2] for t in take):
                    continue
                take.append(p)
                self.nb_queue.remove(p)
            self.notebook(i, take)


def _start_of(text: str, nb: _Notebook, e: Entry) -> int:
    """Where the part holding ``e`` starts in the notebook's JSON text.

    The same value can sit in several cells; searching from the right cell's part
    (keys are sorted: attachments, ..., id, metadata, outputs, source) finds the
    right line.
    """
    if e.cell is None:
        return text.rfind('\n "metadata": {')
    at_id = text.find(f'"id": "{nb.cells[e.cell]["id"]}"')
    cell_start = text.rfind("\n  {\n", 0, at_id)
    key = {"source": '"source": [', "output": '"outputs": [', "metadata": '"metadata": {'}
    return text.find(key[e.part], at_id) if e.part in key else cell_start


def _json_inner(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)[1:-1]


def generate(outdir: Path, size_mb: float = 3.0, seed: int = 1, git_init: bool = True) -> dict:
    """Write ``outdir/corpus`` and ``outdir/manifest.json``; return the manifest.

    ``git_init`` makes the tree a git work tree, as a user's project is, so that tools
    honouring ``.gitignore`` only inside repositories honour it here too.
    """
    outdir = Path(outdir)
    root = outdir / CORPUS_DIR
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    g = _Gen(root, size_mb, seed)
    g.run()
    if git_init and shutil.which("git"):
        subprocess.run(
            ["git", "init", "-q", str(root)], check=True, timeout=60, capture_output=True
        )

    def dump(es: list[Entry]) -> list[dict]:
        return [{k: v for k, v in asdict(e).items() if k != "needle"} for e in es]

    manifest = {
        "format": FORMAT_VERSION,
        "generator": generator_id(),
        "seed": seed,
        "size_mb": size_mb,
        "bytes": g.written,
        "root": CORPUS_DIR,
        "env_file": ".env",
        "known": dict(g.known),
        "nonsecret_env": dict(NONSECRET_ENV),
        "plants": dump(g.plants),
        "decoys": dump(g.decoy_entries),
        "ignored": dump(g.ignored),
    }
    tmp = outdir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    tmp.replace(outdir / MANIFEST)
    return manifest


@dataclass
class Hit:
    """One finding of any tool, reduced to where it is (paths relative to the corpus)."""

    file: str
    file_line: Optional[int] = None
    line: Optional[int] = None
    cell: Optional[int] = None
    part: Optional[str] = None
    output: Optional[int] = None
    kind: Optional[str] = None
    name: Optional[str] = None


def _field(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def safekeys_hit(finding: Any, root: Path) -> Hit:
    """A ``safekeys scan`` finding (JSON dict or Python object) as a ``Hit``."""
    path = Path(str(_field(finding, "path")))
    if path.is_absolute():
        path = path.resolve().relative_to(Path(root).resolve())
    # JSON nests the notebook place; ``safekeys.Finding`` has it flat.
    nb = _field(finding, "notebook") or finding
    return Hit(
        file=path.as_posix(),
        file_line=_field(finding, "file_line"),
        line=_field(finding, "line"),
        cell=_field(nb, "cell"),
        part=_field(nb, "part"),
        output=_field(nb, "output"),
        kind=_field(finding, "kind"),
        name=_field(finding, "name"),
    )


def covers(plant: dict, hit: Hit) -> bool:
    """Whether ``hit`` reports ``plant`` at its place.

    A tool that knows notebooks must name the same cell, part and output; every tool
    must point at the plant's line of the file (a PEM block: any of its lines).
    """
    if hit.file != plant["file"]:
        return False
    if hit.part is not None and plant["file"].endswith(".ipynb"):
        if hit.cell != plant["cell"] or hit.part != plant["part"]:
            return False
        if plant["output_index"] is not None and hit.output != plant["output_index"]:
            return False
    lines = range(plant["file_line"], plant["file_line"] + plant["span"])
    return hit.file_line in lines if hit.file_line is not None else hit.line in lines


@dataclass
class Score:
    """Recall on the plants and what else was reported."""

    found: list[dict]
    missed: list[dict]
    false: list[Hit]
    on_decoys: list[Hit]
    in_ignored: list[Hit]

    def line(self, name: str) -> str:
        n = len(self.found) + len(self.missed)
        return (
            f"{name}: {len(self.found)}/{n} planted keys found, {len(self.false)} other "
            f"findings ({len(self.on_decoys)} on decoys, {len(self.in_ignored)} in ignored files)"
        )


def evaluate(manifest: dict, hits: list[Hit]) -> Score:
    """Match ``hits`` against the manifest's plants, decoys and ignored files."""
    by_file: dict[str, list[Hit]] = {}
    for h in hits:
        by_file.setdefault(h.file, []).append(h)
    found, missed = [], []
    used: set[int] = set()
    for p in manifest["plants"]:
        mine = [h for h in by_file.get(p["file"], []) if covers(p, h)]
        used.update(id(h) for h in mine)
        (found if mine else missed).append(p)
    false = [h for h in hits if id(h) not in used]
    # A decoy cell repeats its text on the next line (``run_id = ...``).
    decoy_at = {(d["file"], d["file_line"] + k) for d in manifest["decoys"] for k in (0, 1)}
    ignored = {e["file"] for e in manifest["ignored"]}
    return Score(
        found,
        missed,
        false,
        [h for h in false if (h.file, h.file_line or h.line) in decoy_at],
        [h for h in false if h.file in ignored],
    )


def pieces(value: str, kind: str = "") -> list[str]:
    """Pieces of a planted value whose presence in a tool's output means it leaked:
    the value (a PEM: each base64 line; a URL: its password), its JSON-escaped form,
    its middle 12 characters.
    """
    if kind == "url-password":
        value = urllib.parse.urlsplit(value).password or value
    lines = [ln for ln in value.split("\n") if ln and not ln.startswith("-----")]
    out = set(lines) | {_json_inner(ln) for ln in lines}
    for ln in lines:
        if len(ln) >= 24:
            mid = len(ln) // 2
            out.add(ln[mid - 6 : mid + 6])
    return sorted(out)


def generator_id() -> str:
    """A hash of this file: a corpus made by other code is not reused."""
    import hashlib

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def load(outdir: Path) -> dict:
    """The manifest of a corpus generated earlier into ``outdir``."""
    return json.loads((Path(outdir) / MANIFEST).read_text())


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir", type=Path)
    p.add_argument("--size-mb", type=float, default=200.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-git", action="store_true", help="do not make the tree a git work tree")
    a = p.parse_args(argv)
    m = generate(a.outdir, a.size_mb, a.seed, git_init=not a.no_git)
    print(
        f"{a.outdir / CORPUS_DIR}: {m['bytes'] / 1e6:.1f} MB, {len(m['plants'])} planted keys, "
        f"{len(m['decoys'])} decoys, {len(m['ignored'])} keys in ignored files"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
