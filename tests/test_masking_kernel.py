"""No secret reaches any output of a real ipykernel after ``%load_ext safekeys``.

Each group of cases runs as one notebook in a fresh kernel whose working directory holds a
``.env`` of fake, realistically shaped secrets. Every cell's outputs, the frontend's view of
them (consecutive streams merged, ``\\b`` and ``\\r`` applied), the saved ``.ipynb``, every raw
iopub message and shell reply, and the kernel process's own stdout/stderr are searched for every
form of every secret (see ``leakcheck.py``). Assertion messages name the secret, the form and the
place, never any of the text; and so that pytest's assertion rewriting cannot show a secret
either, it is off for this module: PYTEST_DONT_REWRITE.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import textwrap
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Optional

import nbformat
import pytest
from conftest import KERNEL_NAME, as_notebook, clean_env, ensure_kernelspec
from leakcheck import (
    Finding,
    LeakChecker,
    Secret,
    cell_findings,
    format_findings,
    message_findings,
    notebook_findings,
    strip_ansi,
)
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

# --------------------------------------------------------------------------------------
# The fake secrets (none is real; each says FAKE) and the .env that holds them
# --------------------------------------------------------------------------------------

OPENAI_KEY = "sk-proj-FAKEkbjhfHmPkyOLvVIuSB6ql4pc6tmf3CTijNLG"  # 48 chars, name looks secret
GITHUB_TOKEN = "ghp_FAKEOLCaJQ4NoTgQfHStITf9cG2ngn64yrd9"  # 40 chars, shape only (ghp_)
DB_PASSWORD = "Pg-FAKE-pw-dNVmUrqpgccht"
DATABASE_URL = f"postgresql://app_user:{DB_PASSWORD}@db.example.internal:5432/appdb"
PEM_LINES = [
    "e3zywMX2/sEXr68F7GEmIbAOaPfGboB4GG7DWlfxg+j3dIG9YeAmbQZcJv3A+OAJ",
    "kECHnQfEEqgx1SdTcq9IX9PJ8DlhDItEXAGtfuJt905ll0xXMqfGYDGQpnXtEFFU",
    "zH/qQnK0MgEhfI/75kaE3NTDt95Lz4IY8KadNmqJ/6oDpQoR1XsMJVRc8UdiEGG7",
    "seg1L940gVIP2d6QSaaPSZGYwX7Z46JA0JkPKP33l3iyVK6z7zIloyX+aVG6CM46",
    "s3BY1Lbo9ipBf4mGsKDOIiyIlGvYEBT5",
]
PRIVATE_KEY = "\n".join(["-----BEGIN PRIVATE KEY-----", *PEM_LINES, "-----END PRIVATE KEY-----"])
# Every escaper changes something here: quotes, backslash, <&>, +/=, non-ASCII, emoji, a tab.
WEIRD = "W3ird\"q'uo\\te<&>+/=\u00fcn\u00ef\u20ac\U0001f600\tFAKE-end"

# name -> (value in os.environ, the part safekeys must hide)
SECRET_ENV = {
    "OPENAI_API_KEY": (OPENAI_KEY, OPENAI_KEY),
    "DEPLOY_BOT": (GITHUB_TOKEN, GITHUB_TOKEN),
    "DATABASE_URL": (DATABASE_URL, DB_PASSWORD),
    "SERVICE_PRIVATE_KEY": (PRIVATE_KEY, PRIVATE_KEY),
    "WEIRD_SECRET": (WEIRD, WEIRD),
}
PLAIN_ENV = {"GREETING": "hello-world", "APP_MODE": "production"}
SECRETS = [Secret(name, hidden) for name, (_value, hidden) in SECRET_ENV.items()]
CHECKER = LeakChecker(SECRETS)


def placeholder(name: str) -> str:
    return f"[masked:{name}]"


def single_quoted(value: str) -> str:
    """A python-dotenv single-quoted value: only backslash and quote are escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


ENV_TEXT = (
    "# Fake credentials for safekeys' kernel tests. None of them is real.\n"
    f"OPENAI_API_KEY={OPENAI_KEY}\n"
    f"DEPLOY_BOT={GITHUB_TOKEN}\n"
    f"DATABASE_URL={DATABASE_URL}\n"
    f'SERVICE_PRIVATE_KEY="{PRIVATE_KEY}"\n'
    f"WEIRD_SECRET={single_quoted(WEIRD)}\n"
    f"GREETING={PLAIN_ENV['GREETING']}\n"
    f"APP_MODE={PLAIN_ENV['APP_MODE']}\n"
)

# A module the kernel imports: functions a spawned child process can unpickle.
CHILDREN_MODULE = """\
import os
import sys


def show(name):
    value = os.environ[name]
    print("spawn child stdout", value, flush=True)
    print("spawn child stderr", value, file=sys.stderr, flush=True)
    os.write(1, ("spawn child fd " + value + "\\n").encode())
    return len(value)
"""

CELL_TIMEOUT = 30


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------
# Assertions that never print a secret
# --------------------------------------------------------------------------------------


def assert_no_leak(findings: list, context: str) -> None:
    if findings:
        pytest.fail(f"secret leaked ({context}):\n{format_findings(findings)}", pytrace=False)


def assert_shows(text: str, needle: str, where: str) -> None:
    """``needle`` (a placeholder or a plain value, never a secret) appears in ``text``."""
    present = needle in text
    if not present:
        pytest.fail(f"{where}: expected {needle!r} in the output, not found", pytrace=False)


def assert_secret_shown(text: str, secret: str, name: str, where: str) -> None:
    """The raw ``secret`` appears in ``text`` (only after unloading); never prints either."""
    present = secret in text
    if not present:
        pytest.fail(f"{where}: the value of {name} is not shown unmasked", pytrace=False)


# --------------------------------------------------------------------------------------
# Running notebooks with every raw message recorded
# --------------------------------------------------------------------------------------


class RecordingClient(NotebookClient):
    """A NotebookClient that keeps every iopub message (also those of other parents, which
    nbclient drops), every execute_reply, and which request each cell sent."""

    def __init__(self, nb: Any, **kw: Any) -> None:
        super().__init__(nb, **kw)
        self.raw_iopub: list[dict] = []
        self.replies: list[dict] = []
        self.cell_msg_ids: dict[int, str] = {}
        self.on_cell_executed = self._record_reply

    def _record_reply(self, cell: Any, cell_index: int, execute_reply: dict) -> None:
        self.replies.append(execute_reply)

    async def _async_poll_output_msg(self, parent_msg_id: str, cell: Any, cell_index: int) -> None:
        assert self.kc is not None
        self.cell_msg_ids[cell_index] = parent_msg_id
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            self.raw_iopub.append(msg)
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return


@dataclass
class Run:
    nb: Any
    raw_iopub: list
    replies: list
    cell_msg_ids: dict
    kernel_stdout: str
    kernel_stderr: str
    seconds: float

    def cell(self, index: int) -> Any:
        return self.nb.cells[index]

    def messages_of(self, index: int) -> list:
        msg_id = self.cell_msg_ids.get(index)
        return [
            m
            for m in [*self.raw_iopub, *self.replies]
            if msg_id is not None and m.get("parent_header", {}).get("msg_id") == msg_id
        ]


def kernel_env(kernel_home: Path, extra: Optional[dict] = None) -> dict:
    """The kernel's environment: none of the test names inherited from the shell, and no
    ``PYTEST_*``: ipykernel turns off its capture of fd-level output (``os.write``,
    subprocesses, ``!cmd``) when it sees ``PYTEST_CURRENT_TEST``, and that output would then
    bypass the kernel's messages entirely."""
    drop = (
        tuple(SECRET_ENV)
        + tuple(PLAIN_ENV)
        + tuple(k for k in os.environ if k.startswith("PYTEST_"))
    )
    return clean_env({"IPYTHONDIR": os.fspath(kernel_home), **(extra or {})}, drop=drop)


def execute(cells: list, cwd: Path, kernel_home: Path) -> Run:
    """Run ``cells`` in a fresh kernel (errors allowed), recording everything."""
    ensure_kernelspec()
    nb = as_notebook(cells)
    client = RecordingClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT,
        startup_timeout=60,
        allow_errors=True,
        resources={"metadata": {"path": os.fspath(cwd)}},
    )
    logs = cwd / "kernel-logs"
    logs.mkdir(exist_ok=True)
    n = len(list(logs.iterdir()))
    out_path, err_path = logs / f"{n}.stdout", logs / f"{n}.stderr"
    start = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        # nbclient passes these on to KernelManager.start_kernel and so to Popen.
        client.execute(cwd=os.fspath(cwd), env=kernel_env(kernel_home), stdout=out, stderr=err)
    seconds = time.monotonic() - start
    return Run(
        nb=nb,
        raw_iopub=client.raw_iopub,
        replies=client.replies,
        cell_msg_ids=client.cell_msg_ids,
        kernel_stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        kernel_stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        seconds=seconds,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kernel's working directory: the .env and a module for spawned children."""
    import dotenv

    root = tmp_path_factory.mktemp("masking-project")
    (root / ".env").write_text(ENV_TEXT, encoding="utf-8")
    (root / "sk_children.py").write_text(CHILDREN_MODULE, encoding="utf-8")
    # The reference parser reads the file as intended; the kernel is checked by digest below.
    expected = {name: value for name, (value, _hidden) in SECRET_ENV.items()}
    parsed = dotenv.dotenv_values(root / ".env")
    same = parsed == {**expected, **PLAIN_ENV}
    assert same, "the test .env does not parse to the intended values"
    return root


# --------------------------------------------------------------------------------------
# The leak checker itself (no kernel)
# --------------------------------------------------------------------------------------


def test_checker_finds_every_form_and_window() -> None:
    for secret in SECRETS:
        for label, form in secret.forms:
            hits = {f.form for f in CHECKER.check(f"<<{form}>>", "t") if f.secret == secret.name}
            assert label in hits, f"{secret.name}: {label} not detected"
        value = secret.value
        for i in range(len(value) - 11):
            hits = CHECKER.check("x" + value[i : i + 12] + "x", "t")
            assert any(f.secret == secret.name for f in hits), f"{secret.name}: window {i}"
        # an 11-character piece is not a leak
        assert not CHECKER.check("x" + value[3:14] + "x", "t"), secret.name


def test_checker_base64_cores_cover_three_alignments() -> None:
    for secret in SECRETS:
        labels = [label for label, _ in secret.forms if label.startswith("base64 core")]
        offsets = {label.rsplit("offset ", 1)[1] for label in labels}
        assert offsets == {"0)", "1)", "2)"}, secret.name
    raw = OPENAI_KEY.encode()
    core = Secret("X", OPENAI_KEY).forms[1][1]
    assert core == base64.b64encode(raw).decode()[: len(raw) * 8 // 6]


def test_checker_renders_like_a_frontend() -> None:
    key = OPENAI_KEY
    pieces = [key[i : i + 8] for i in range(0, len(key), 8)]
    backspaced = "X\b".join(pieces)
    overwritten = "\r".join("#" * s + key[s : s + 8] for s in range(len(key) - 8, -1, -8))
    coloured = "".join(f"\x1b[3{i % 7 + 1}m{p}" for i, p in enumerate(pieces)) + "\x1b[0m"
    for text, view in [
        (backspaced, "as Jupyter renders it"),
        (overwritten, "as Jupyter renders it"),
        (coloured, "ANSI stripped"),
    ]:
        assert not CHECKER._scan(text, "raw"), view  # no piece is a fragment on its own
        wheres = {f.where for f in CHECKER.check(text, "t")}
        assert f"t ({view})" in wheres, view


def test_checker_merges_streams_and_messages() -> None:
    pieces = [OPENAI_KEY[i : i + 10] for i in range(0, len(OPENAI_KEY), 10)]
    outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in pieces]
    cell = nbformat.v4.new_code_cell(outputs=outputs[:2])
    assert any("merged stdout" in f.where for f in cell_findings(CHECKER, cell, "c"))
    parent = {"msg_id": "m1"}
    messages = [
        {"msg_type": "stream", "parent_header": parent, "content": {"name": "stdout", "text": t}}
        for t in pieces
    ]
    found = message_findings(CHECKER, messages, "msgs")
    assert any("stream run" in f.where for f in found)
    assert not any(CHECKER.check(t, "t") for t in pieces)  # each alone is too short


def test_findings_and_placeholders_hold_no_secret() -> None:
    text = " ".join(s.value for s in SECRETS)
    findings = CHECKER.check(text, "t")
    assert findings
    for finding in findings:
        assert isinstance(finding, Finding)
        assert not CHECKER.check(str(finding), "t")
    assert not CHECKER.check(format_findings(findings), "t")
    for secret in SECRETS:
        assert not CHECKER.check(secret.placeholder, "t")


# --------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    code: str
    masked: tuple = ()  # names whose [masked:NAME] must show in the cell's output
    shown: tuple = ()  # plain strings that must show
    error: bool = False  # the cell is meant to raise
    xfail: Optional[str] = None  # a known leak in safekeys: the reason
    # ipykernel 6 may route this cell's output to another cell (it maps output to a
    # cell by thread ident, and idents are reused): check only that nothing leaks.
    placement_needs_ipykernel7: bool = False
    # Output written at file-descriptor level (os.write, subprocesses): ipykernel 5
    # (Colab's) never shows it in the notebook; safekeys still scrubs it on its way
    # to the kernel's log. Check only that nothing leaks there.
    shown_needs_fd_capture: bool = False

    def __post_init__(self) -> None:
        self.code = textwrap.dedent(self.code).strip("\n")


ALL_NAMES = tuple(SECRET_ENV)
IPYKERNEL_MAJOR = int(version("ipykernel").split(".")[0])

SETUP = """\
import os, sys, json, time, hashlib, urllib.parse
OPENAI = os.environ["OPENAI_API_KEY"]
GHP = os.environ["DEPLOY_BOT"]
DBURL = os.environ["DATABASE_URL"]
DBPASS = urllib.parse.urlsplit(DBURL).password
PEM = os.environ["SERVICE_PRIVATE_KEY"]
WEIRD = os.environ["WEIRD_SECRET"]
SECRETS = {
    "OPENAI_API_KEY": OPENAI,
    "DEPLOY_BOT": GHP,
    "DATABASE_URL": DBPASS,
    "SERVICE_PRIVATE_KEY": PEM,
    "WEIRD_SECRET": WEIRD,
}
print(json.dumps({n: hashlib.sha256(v.encode()).hexdigest() for n, v in SECRETS.items()}))
"""

# Prints every encoded form of every secret the contract names (and a few more).
PRINT_ENCODINGS = """\
import base64, html
for name, v in SECRETS.items():
    raw = v.encode()
    for wrap in (raw, b"Authorization: Bearer " + raw + b"\\n", b"user:" + raw):
        print(name, "b64", base64.b64encode(wrap).decode())
        print(name, "b64url", base64.urlsafe_b64encode(wrap).decode())
        print(name, "b64url-nopad", base64.urlsafe_b64encode(wrap).decode().rstrip("="))
    print(name, "quote", urllib.parse.quote(v, safe=""))
    print(name, "quote_plus", urllib.parse.quote_plus(v, safe=""))
    print(name, "json", json.dumps(v))
    print(name, "json-utf8", json.dumps(v, ensure_ascii=False))
    print(name, "html", html.escape(v))
    print(name, "html-noquote", html.escape(v, quote=False))
    print(name, "repr", repr(v))
    print(name, "ascii", ascii(v))
    print(name, "lines", *v.splitlines(), sep="\\n")
"""

# A logging handler made BEFORE the extension loads keeps the stderr object it was given.
EARLY_LOGGING = """\
import logging, sys
early_log = logging.getLogger("early")
early_handler = logging.StreamHandler(sys.stderr)
early_handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
early_log.addHandler(early_handler)
early_log.propagate = False
early_log.setLevel(logging.INFO)
"""

OUTPUT_CASES = [
    Case(
        "print",
        """
        for name, value in SECRETS.items():
            print(name, "=", value)
        print("sep=" + "|".join(SECRETS.values()))
        print("plain:", os.environ["GREETING"], os.environ["APP_MODE"])
        print("url:", DBURL)
        """,
        masked=ALL_NAMES,
        shown=("plain: hello-world production", "postgresql://app_user:", "db.example.internal"),
    ),
    Case("repr_str", "OPENAI", masked=("OPENAI_API_KEY",)),
    Case("repr_weird_str", "WEIRD", masked=("WEIRD_SECRET",)),
    Case("repr_pem_str", "PEM", masked=("SERVICE_PRIVATE_KEY",)),
    Case("repr_dict", "SECRETS", masked=ALL_NAMES),
    Case(
        "repr_nested",
        "{'cfg': [(OPENAI, {GHP: DBURL})], 'plain': os.environ['APP_MODE']}",
        masked=("OPENAI_API_KEY", "DEPLOY_BOT", "DATABASE_URL"),
        shown=("production",),
    ),
    Case(
        "exception",
        'raise ValueError(f"bad key {OPENAI} and token {GHP}")',
        masked=("OPENAI_API_KEY", "DEPLOY_BOT"),
        error=True,
    ),
    Case("keyerror", "{}[WEIRD]", masked=("WEIRD_SECRET",), error=True),
    Case(
        "exception_chained",
        """
        try:
            raise RuntimeError("inner " + PEM)
        except RuntimeError as inner:
            raise ValueError("outer " + DBPASS) from inner
        """,
        masked=("SERVICE_PRIVATE_KEY", "DATABASE_URL"),
        error=True,
    ),
    Case("xmode_verbose", "%xmode Verbose", shown=("Verbose",)),
    Case(
        "traceback_verbose",
        """
        def call_api(api_key, token, password):
            secret_copy = api_key[:30]
            raise ConnectionError("refused")
        call_api(OPENAI, GHP, DBPASS)
        """,
        masked=("OPENAI_API_KEY", "DEPLOY_BOT", "DATABASE_URL"),
        error=True,
    ),
    Case(
        "traceback_verbose_weird",
        """
        def parse(blob, other):
            raise ValueError("cannot parse")
        parse(WEIRD, PEM)
        """,
        masked=("WEIRD_SECRET", "SERVICE_PRIVATE_KEY"),
        error=True,
    ),
    Case("xmode_context", "%xmode Context", shown=("Context",)),
    Case(
        "logging_early_handler",
        """
        early_log.info("early handler: %s", OPENAI)
        early_log.warning("early handler weird: %s", WEIRD)
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET"),
    ),
    Case(
        "logging_late",
        """
        import logging
        late = logging.getLogger("late")
        late.propagate = False
        for stream in (sys.stdout, sys.stderr):
            late.addHandler(logging.StreamHandler(stream))
        late.error("late handler: %s %s", GHP, PEM)
        logging.getLogger().error("root: %s", DBURL)
        try:
            raise RuntimeError(OPENAI)
        except RuntimeError:
            late.exception("with traceback")
        """,
        masked=("DEPLOY_BOT", "SERVICE_PRIVATE_KEY", "DATABASE_URL", "OPENAI_API_KEY"),
    ),
    Case(
        "warnings",
        """
        import warnings
        warnings.simplefilter("always")
        warnings.warn(f"key {OPENAI} is deprecated")
        warnings.warn(WEIRD, UserWarning, stacklevel=1)
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET"),
    ),
    Case(
        "display",
        """
        import html
        from IPython.display import HTML, JSON, Markdown, Pretty, display
        display(HTML(f"<b>raw</b> {OPENAI} <i>{WEIRD}</i>"))
        display(HTML(f"<pre>{html.escape(WEIRD)}</pre><pre>{html.escape(PEM)}</pre>"))
        display(JSON({"key": GHP, GHP: [DBPASS, {"nested": WEIRD}]}))
        display(Markdown(f"token `{GHP}` and *{DBPASS}*"))
        display(Pretty(PEM))
        display({"text/plain": "plain " + OPENAI, "text/html": "<p>" + WEIRD + "</p>"}, raw=True)
        display(OPENAI, metadata={"note": GHP})
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET", "DEPLOY_BOT", "SERVICE_PRIVATE_KEY"),
    ),
    Case(
        "display_id_create",
        """
        from IPython.display import HTML, display, update_display
        handle = display("placeholder: nothing yet", display_id=True)
        display(HTML("<p>second</p>"), display_id="sk-second")
        """,
    ),
    Case(
        "display_id_update",
        """
        handle.update(OPENAI)
        update_display(HTML(f"<p>{WEIRD}</p>"), display_id="sk-second")
        """,
    ),
    Case("shell_echo", "!echo $OPENAI_API_KEY", masked=("OPENAI_API_KEY",)),
    Case("shell_echo_python_var", "!echo {GHP}", masked=("DEPLOY_BOT",)),
    Case(
        "shell_printenv",
        """
        !printenv DEPLOY_BOT
        !printenv SERVICE_PRIVATE_KEY
        !printenv WEIRD_SECRET
        !printenv DATABASE_URL
        !printenv GREETING
        """,
        masked=("DEPLOY_BOT", "SERVICE_PRIVATE_KEY", "WEIRD_SECRET", "DATABASE_URL"),
        shown=("hello-world",),
    ),
    Case(
        "shell_slow_chars",
        # one character at a time, flushed, 10 ms apart, to stdout and stderr
        "!{sys.executable} -c \"import os,sys,time; k=os.environ['OPENAI_API_KEY'];"
        " [(s.write(c), s.flush(), time.sleep(0.01)) for s in (sys.stdout, sys.stderr) for c in k];"
        ' print()"',
        masked=("OPENAI_API_KEY",),
    ),
    Case(
        "shell_slow_weird",
        "!{sys.executable} -c \"import os,sys,time; k=os.environ['WEIRD_SECRET'];"
        ' [(sys.stdout.write(c), sys.stdout.flush(), time.sleep(0.01)) for c in k]; print()"',
        masked=("WEIRD_SECRET",),
    ),
    Case(
        "one_char_writes",
        """
        for c in OPENAI + "\\n" + WEIRD + "\\n":
            sys.stdout.write(c)
            sys.stdout.flush()
        for c in PEM:
            sys.stderr.write(c)
            sys.stderr.flush()
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET", "SERVICE_PRIVATE_KEY"),
    ),
    Case(
        "one_char_writes_slow",
        """
        for c in GHP:
            print(c, end="", flush=True)
            time.sleep(0.01)
        print()
        """,
        masked=("DEPLOY_BOT",),
    ),
    # Each half is a 12+ character fragment, so each cell masks its own half.
    Case(
        "split_across_cells_part1",
        """
        print("before", OPENAI[:20], end="", flush=True)
        """,
        masked=("OPENAI_API_KEY",),
        shown=("before",),
    ),
    Case(
        "split_across_cells_part2",
        """
        print(OPENAI[20:], "after")
        """,
        masked=("OPENAI_API_KEY",),
        shown=("after",),
    ),
    # In the render cases no piece of a secret as sent is 12 characters long: only the text
    # as a frontend renders it holds the secret.
    Case(
        "render_backspace",
        r"""
        print("X\b".join(OPENAI[i : i + 8] for i in range(0, len(OPENAI), 8)))
        """,
        masked=("OPENAI_API_KEY",),
    ),
    Case(
        "render_backspace_across_writes",
        r"""
        for i in range(0, len(GHP), 8):
            sys.stdout.write(GHP[i : i + 8] + "Z")
            sys.stdout.flush()
            sys.stdout.write("\b")
            sys.stdout.flush()
        print()
        """,
        masked=("DEPLOY_BOT",),
    ),
    Case(
        "render_carriage_return_overwrite",
        # segments of decreasing length: each overwrites the start of the line and leaves
        # 8 characters of the one before it showing, so the line ends up as the key
        r"""
        n = len(OPENAI)
        starts = list(range(n - 8, -1, -8))
        print("\r".join("#" * s + OPENAI[s : s + 8] for s in starts))
        """,
        masked=("OPENAI_API_KEY",),
    ),
    Case(
        "render_carriage_return_across_writes",
        r"""
        for s in range(len(OPENAI) - 8, -1, -8):
            sys.stdout.write("#" * s + OPENAI[s : s + 8])
            sys.stdout.flush()
            sys.stdout.write("\r")
            sys.stdout.flush()
        print()
        """,
        masked=("OPENAI_API_KEY",),
    ),
    Case(
        "render_carriage_return",
        r"""
        print("progress 10%\r" + OPENAI)
        print(WEIRD[:10] + "\r" + WEIRD)
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET"),
    ),
    Case(
        "ansi_colour_inside_secret",
        # a highlighter colouring parts of a key (e.g. its digits): a frontend shows the key
        r"""
        print("".join(f"\x1b[3{i % 7 + 1}m" + GHP[i : i + 6] for i in range(0, len(GHP), 6)))
        """,
        masked=("DEPLOY_BOT",),
    ),
    Case(
        "os_write_whole",
        """
        os.write(1, (OPENAI + "\\n").encode())
        os.write(2, (WEIRD + "\\n").encode())
        os.write(1, (PEM + "\\n").encode())
        time.sleep(0.3)
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET", "SERVICE_PRIVATE_KEY"),
        shown_needs_fd_capture=True,
    ),
    Case(
        "os_write_pieces",
        """
        data = (GHP + " " + WEIRD + "\\n").encode()
        for i in range(0, len(data), 5):
            os.write(1, data[i : i + 5])
            time.sleep(0.02)
        for b in (OPENAI + "\\n").encode():
            os.write(2, bytes([b]))
        time.sleep(0.3)
        """,
        masked=("DEPLOY_BOT", "WEIRD_SECRET", "OPENAI_API_KEY"),
        shown_needs_fd_capture=True,
    ),
    Case(
        "os_write_bytes_of_non_ascii",
        # byte by byte: ipykernel decodes each read on its own, so multi-byte characters break
        """
        for b in (WEIRD + "\\n").encode():
            os.write(1, bytes([b]))
            time.sleep(0.005)
        time.sleep(0.3)
        """,
    ),
    Case(
        "subprocess",
        """
        import subprocess
        code = (
            "import os, sys; print(os.environ['DEPLOY_BOT']);"
            " print(os.environ['WEIRD_SECRET'], file=sys.stderr)"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        print(out.stdout)
        print(out.stderr, file=sys.stderr)
        subprocess.check_output(["printenv", "OPENAI_API_KEY"])
        """,
        masked=("DEPLOY_BOT", "WEIRD_SECRET", "OPENAI_API_KEY"),
    ),
    Case(
        "thread",
        """
        import threading
        t = threading.Thread(target=lambda: print("thread says", OPENAI, WEIRD))
        t.start()
        t.join()
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET"),
    ),
    Case(
        "thread_outlives_cell_start",
        """
        import threading
        def late_writer():
            time.sleep(0.5)
            for c in GHP + "\\n":
                sys.stdout.write(c)
                sys.stdout.flush()
            print("late thread says", PEM)
        late = threading.Thread(target=late_writer)
        late.start()
        print("started")
        """,
        shown=("started",),
    ),
    Case(
        "thread_outlives_cell_join",
        """
        print("joining")
        late.join()
        time.sleep(0.2)
        """,
        shown=("joining",),
    ),
    Case("encodings", PRINT_ENCODINGS, masked=ALL_NAMES),
    Case(
        "encodings_as_results",
        """
        import base64
        {
            "b64": base64.b64encode(b"user:" + OPENAI.encode()),
            "json": json.dumps({"k": WEIRD}),
            "bytes": GHP.encode(),
            "lines": PEM.splitlines(),
        }
        """,
        # the JSON text of WEIRD, repr-escaped again, is no form the contract names
        masked=("OPENAI_API_KEY", "DEPLOY_BOT", "SERVICE_PRIVATE_KEY"),
    ),
    Case(
        "fragments",
        """
        for name, v in SECRETS.items():
            print(name, "tail", v[4:])
            print(name, "head", v[:-3])
            print(name, "middle", v[10:30])
        for line in PEM.splitlines():
            print("pem line", line)
        """,
        masked=ALL_NAMES,
    ),
    # %env shows '<hidden>' itself for names with KEY, TOKEN, SECRET...: the rest must be masked
    Case(
        "env_magic_all",
        "%env",
        masked=("DEPLOY_BOT", "DATABASE_URL"),
        shown=("hello-world", "production"),
    ),
    Case("env_magic_one", "%env OPENAI_API_KEY", masked=("OPENAI_API_KEY",)),
    Case("env_magic_weird", "%env WEIRD_SECRET", masked=("WEIRD_SECRET",)),
    Case("os_environ", "os.environ", masked=ALL_NAMES, shown=("hello-world",)),
    Case("dict_os_environ", "dict(os.environ)", masked=ALL_NAMES, shown=("production",)),
    Case(
        "explicit_mask",
        """
        import safekeys
        runtime = "-".join(["rt", "FAKE", "runtime", "value", "0123456789"])
        safekeys.mask(runtime, name="RUNTIME_TOKEN")
        print("runtime:", runtime)
        """,
        masked=("RUNTIME_TOKEN",),
    ),
    Case(
        "whos",
        # %whos shows the first and last 25 characters of long strings
        "%whos str dict",
        masked=("OPENAI_API_KEY", "DEPLOY_BOT", "SERVICE_PRIVATE_KEY"),
    ),
    Case("pinfo", "OPENAI?"),  # the pager text travels in the execute_reply payload
    Case("pinfo_detail", "WEIRD??"),
    Case(
        "capture",
        """
        %%capture captured
        print("captured", OPENAI)
        print("captured err", WEIRD, file=sys.stderr)
        """,
    ),
    Case(
        "capture_replay",
        """
        captured.show()
        captured.stdout
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET"),
    ),
    Case(
        "bash_cell_magic",
        """
        %%bash
        echo "bash $OPENAI_API_KEY"
        printf '%s\\n' "$WEIRD_SECRET" >&2
        echo "$SERVICE_PRIVATE_KEY"
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET", "SERVICE_PRIVATE_KEY"),
    ),
    Case(
        "os_system",
        """
        os.system("printenv DEPLOY_BOT; printenv WEIRD_SECRET >&2")
        time.sleep(0.3)
        """,
        masked=("DEPLOY_BOT", "WEIRD_SECRET"),
        shown_needs_fd_capture=True,
    ),
    Case(
        "thread_exception",
        """
        import threading
        def fail():
            raise RuntimeError("thread failed with " + PEM)
        t = threading.Thread(target=fail)
        t.start()
        t.join()
        """,
        masked=("SERVICE_PRIVATE_KEY",),
        placement_needs_ipykernel7=True,
    ),
    Case(
        "safekeys_magic_and_api",
        """
        import safekeys
        display(get_ipython().run_line_magic("safekeys", ""))
        print(safekeys.registered())
        print(safekeys.getenv("OPENAI_API_KEY"), safekeys.getenv("GREETING"))
        safekeys.getenv("WEIRD_SECRET")
        """,
        masked=("OPENAI_API_KEY", "WEIRD_SECRET"),
        shown=("DEPLOY_BOT", "SERVICE_PRIVATE_KEY", "hello-world"),
    ),
    Case("idle_release", "print('tail', OPENAI[:11], end='')"),
]

MULTIPROCESSING_CASES = [
    Case(
        "fork_process",
        """
        import multiprocessing as mp
        def fork_child(value):
            print("fork child stdout", value, flush=True)
            print("fork child stderr", value, file=sys.stderr, flush=True)
            os.write(1, ("fork child fd " + value + "\\n").encode())
        fork = mp.get_context("fork")
        p = fork.Process(target=fork_child, args=(OPENAI,))
        p.start()
        p.join()
        time.sleep(0.5)
        print("exit", p.exitcode)
        """,
        masked=("OPENAI_API_KEY",),
        shown=("exit 0",),
    ),
    Case(
        "fork_pool",
        """
        with fork.Pool(2) as pool:
            lengths = pool.map(fork_child, [GHP, WEIRD])
        time.sleep(0.5)
        print("pool done")
        """,
        masked=("DEPLOY_BOT", "WEIRD_SECRET"),
        shown=("pool done",),
    ),
    Case(
        "spawn_process",
        """
        import sk_children
        spawn = mp.get_context("spawn")
        p = spawn.Process(target=sk_children.show, args=("DEPLOY_BOT",))
        p.start()
        p.join()
        time.sleep(0.5)
        print("exit", p.exitcode)
        """,
        masked=("DEPLOY_BOT",),
        shown=("exit 0",),
        shown_needs_fd_capture=True,
    ),
    Case(
        "spawn_pool",
        """
        with spawn.Pool(2) as pool:
            lengths = pool.map(sk_children.show, ["WEIRD_SECRET", "SERVICE_PRIVATE_KEY"])
        time.sleep(0.5)
        print("pool lengths", lengths)
        """,
        masked=("WEIRD_SECRET", "SERVICE_PRIVATE_KEY"),
        shown=("pool lengths",),
        shown_needs_fd_capture=True,
    ),
]

GROUPS = {
    "outputs": [EARLY_LOGGING, "%load_ext safekeys", SETUP],
    "multiprocessing": ["%load_ext safekeys", SETUP],
}
CASES = {"outputs": OUTPUT_CASES, "multiprocessing": MULTIPROCESSING_CASES}


def group_cells(group: str) -> list:
    return [*GROUPS[group], *(case.code for case in CASES[group])]


class Runs:
    """Each group's notebook, executed on first use."""

    def __init__(self, project: Path, kernel_home: Path) -> None:
        self.project = project
        self.kernel_home = kernel_home
        self.done: dict[str, Run] = {}

    def __call__(self, group: str) -> Run:
        if group not in self.done:
            self.done[group] = execute(group_cells(group), self.project, self.kernel_home)
        return self.done[group]


@pytest.fixture(scope="module")
def runs(project: Path, kernel_home: Path) -> Runs:
    return Runs(project, kernel_home)


def case_params() -> list:
    params = []
    for group, cases in CASES.items():
        for case in cases:
            marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
            params.append(pytest.param(group, case, id=f"{group}-{case.id}", marks=marks))
    return params


def case_index(group: str, case: Case) -> int:
    return len(GROUPS[group]) + CASES[group].index(case)


def cell_output_text(cell: Any) -> str:
    """Every text the cell's outputs hold, including rich data and metadata."""
    from leakcheck import all_output_text

    return all_output_text(cell.get("outputs", []))


def check_cell(run: Run, index: int, where: str) -> list:
    """Leak findings for one cell: its saved outputs and its raw messages."""
    findings = cell_findings(CHECKER, run.cell(index), f"cell {index}")
    findings += message_findings(CHECKER, run.messages_of(index), f"{where} raw")
    return findings


def test_group_setup(runs: Runs) -> None:
    """Each kernel really loaded the fake secrets (checked by digest) and ran the setup."""
    expected = {name: digest(hidden) for name, (_value, hidden) in SECRET_ENV.items()}
    for group, setup in GROUPS.items():
        run = runs(group)
        cell = run.cell(len(setup) - 1)
        text = cell_output_text(cell)
        digests = json.loads(text.strip().splitlines()[-1])
        same = digests == expected
        assert same, f"{group}: the kernel's values differ from the test's .env"
        for i in range(len(setup)):
            errors = [o.get("ename") for o in run.cell(i).outputs if o.output_type == "error"]
            assert not errors, f"{group}: setup cell {i} raised {errors}"


@pytest.mark.parametrize(("group", "case"), case_params())
def test_case_does_not_leak(runs: Runs, group: str, case: Case) -> None:
    run = runs(group)
    index = case_index(group, case)
    cell = run.cell(index)
    where = f"{group} cell {index} ({case.id})"
    assert_no_leak(check_cell(run, index, where), where)
    errors = [o.get("ename") for o in cell.outputs if o.output_type == "error"]
    if case.error:
        assert errors, f"{where}: expected the cell to raise"
    else:
        assert not errors, f"{where}: unexpected error {errors}"
    if case.placement_needs_ipykernel7 and IPYKERNEL_MAJOR < 7:
        return
    if case.shown_needs_fd_capture and IPYKERNEL_MAJOR < 6:
        return
    text = cell_output_text(cell)
    for name in case.masked:
        assert_shows(text, placeholder(name), where)
    for needle in case.shown:
        assert_shows(text, needle, where)


def known_leaky_cells(group: str) -> set:
    return {case_index(group, c) for c in CASES[group] if c.xfail}


@pytest.mark.parametrize("group", list(GROUPS))
def test_whole_notebook_does_not_leak(runs: Runs, group: str) -> None:
    """The saved .ipynb, all raw iopub messages in arrival order (with those nbclient drops)
    and all execute_replies, leaving out the cells of known leaks (they xfail on their own)."""
    run = runs(group)
    skip = known_leaky_cells(group)
    nb = copy.deepcopy(run.nb)
    for i in skip:
        nb.cells[i].outputs = []
    skip_ids = {run.cell_msg_ids.get(i) for i in skip}
    msgs = [m for m in run.raw_iopub if m.get("parent_header", {}).get("msg_id") not in skip_ids]
    replies = [m for m in run.replies if m.get("parent_header", {}).get("msg_id") not in skip_ids]
    findings = notebook_findings(CHECKER, nb)
    findings += message_findings(CHECKER, msgs, f"{group} iopub")
    findings += message_findings(CHECKER, replies, f"{group} execute_reply")
    assert_no_leak(findings, group)
    assert len(run.replies) == len(run.nb.cells), "an execute_reply was not recorded"
    kinds = {m["msg_type"] for m in run.raw_iopub}
    assert {"stream", "execute_input", "execute_result", "display_data"} <= kinds | {
        "execute_result",
        "display_data",
    }


@pytest.mark.parametrize("group", list(GROUPS))
def test_kernel_process_output_does_not_leak(runs: Runs, group: str) -> None:
    """ipykernel copies fd-level output to its own stdout/stderr (a Jupyter server's log)."""
    run = runs(group)
    findings = CHECKER.check(run.kernel_stdout, f"{group} kernel process stdout")
    findings += CHECKER.check(run.kernel_stderr, f"{group} kernel process stderr")
    assert_no_leak(findings, group)
    both = run.kernel_stdout + run.kernel_stderr
    assert_shows(both, placeholder("OPENAI_API_KEY"), f"{group} kernel process output")


def test_outputs_specifics(runs: Runs) -> None:
    """Details the per-case checks do not cover."""
    run = runs("outputs")
    by_id = {c.id: case_index("outputs", c) for c in OUTPUT_CASES}
    # update_display_data replaced the first cell's output; no message showed the values.
    created = cell_output_text(run.cell(by_id["display_id_create"]))
    assert_shows(created, placeholder("OPENAI_API_KEY"), "display_id target after update")
    assert_shows(created, placeholder("WEIRD_SECRET"), "second display_id target after update")
    updates = [m for m in run.raw_iopub if m["msg_type"] == "update_display_data"]
    assert len(updates) == 2, f"expected 2 update_display_data messages, got {len(updates)}"
    # The pager text of `OPENAI?` / `WEIRD??` travels in the execute_reply payload.
    for case_id, name in [("pinfo", "OPENAI_API_KEY"), ("pinfo_detail", "WEIRD_SECRET")]:
        replies = [m for m in run.messages_of(by_id[case_id]) if m["msg_type"] == "execute_reply"]
        assert len(replies) == 1, case_id
        payload = json.dumps(replies[0]["content"].get("payload", []))
        assert_shows(payload, placeholder(name), f"{case_id} pager payload")
    # A held-back tail is released at idle, not lost.
    tail = cell_output_text(run.cell(by_id["idle_release"]))
    assert_shows(tail, "tail ", "idle release")
    # No placeholder is ever masked again.
    everything = nbformat.writes(run.nb)
    doubled = "[masked:[masked:" in everything
    assert not doubled, "a placeholder was masked twice"


# --------------------------------------------------------------------------------------
# Unloading, loading twice, reloading
# --------------------------------------------------------------------------------------

LIFECYCLE_CELLS = [
    "import os, safekeys\nprint('before load', os.environ.get('OPENAI_API_KEY'))",
    "%load_ext safekeys\n" + SETUP + "print('loaded', OPENAI)",
    "%load_ext safekeys\nprint('loaded twice', OPENAI)",
    "safekeys.load_ipython_extension(get_ipython())\nprint('direct load', OPENAI)",
    "%reload_ext safekeys\nprint('reloaded', OPENAI)",
    "%unload_ext safekeys\nprint('unloaded', OPENAI)\n" + PRINT_ENCODINGS,
    "%load_ext safekeys\nprint('loaded again', OPENAI)\n" + PRINT_ENCODINGS,
]
UNLOADED = 5


@pytest.fixture(scope="module")
def lifecycle(project: Path, kernel_home: Path) -> Run:
    return execute(LIFECYCLE_CELLS, project, kernel_home)


def test_lifecycle_load_twice_reload_unload(lifecycle: Run) -> None:
    """Loading twice (by magic or directly) and reloading mask exactly once; unloading
    restores the kernel; loading again masks again."""
    run = lifecycle
    texts = [cell_output_text(c) for c in run.nb.cells]
    errors = [
        (i, o.get("ename"))
        for i, c in enumerate(run.nb.cells)
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert not errors, errors
    # Before %load_ext the kernel has not read .env: there is nothing to show or hide.
    assert_shows(texts[0], "before load None", "before load")
    masked_cells = [(1, "loaded"), (2, "loaded twice"), (3, "direct load"), (4, "reloaded")]
    for i, label in [*masked_cells, (6, "loaded again")]:
        assert_no_leak(check_cell(run, i, label), label)
        assert_shows(texts[i], f"{label} [masked:OPENAI_API_KEY]\n", label)
        doubled = "[masked:[masked:" in texts[i] or "[masked:OPENAI_API_KEY]]" in texts[i]
        assert not doubled, f"{label}: a placeholder was masked twice"
    for i, label in masked_cells[1:]:
        # one print, masked once (IPython's own note on %load_ext may come before it)
        once = texts[i].endswith(f"{label} [masked:OPENAI_API_KEY]\n")
        once = once and texts[i].count("[masked:") == 1
        assert once, f"{label}: expected exactly one placeholder at the end of the output"
    assert_secret_shown(texts[UNLOADED], OPENAI_KEY, "OPENAI_API_KEY", "after %unload_ext")
    for name in ALL_NAMES:
        assert_shows(texts[6], placeholder(name), "loaded again, encodings")


def test_leak_checker_sees_every_form_in_real_output(lifecycle: Run) -> None:
    """The negative control: after %unload_ext the kernel prints every form of every secret,
    and the checker reports each form of each secret there (so a pass elsewhere means
    something)."""
    found = check_cell(lifecycle, UNLOADED, "unloaded")
    for secret in SECRETS:
        labels = {f.form for f in found if f.secret == secret.name}
        expected = {label for label, _form in secret.forms} | {"12-character fragment"}
        missing = sorted(expected - labels)
        assert not missing, f"{secret.name}: the checker missed {missing}"


# --------------------------------------------------------------------------------------
# Shell and stdin channels, with jupyter_client directly
# --------------------------------------------------------------------------------------


class DirectKernel:
    def __init__(self, cwd: Path, kernel_home: Path, logs: Path) -> None:
        from jupyter_client.manager import start_new_kernel

        ensure_kernelspec()
        self.out = open(logs.with_suffix(".stdout"), "wb")
        self.err = open(logs.with_suffix(".stderr"), "wb")
        self.km, self.kc = start_new_kernel(
            kernel_name=KERNEL_NAME,
            startup_timeout=60,
            cwd=os.fspath(cwd),
            env=kernel_env(kernel_home),
            stdout=self.out,
            stderr=self.err,
        )
        self.iopub: list[dict] = []
        self.shell: list[dict] = []
        self.stdin: list[dict] = []

    def wait_reply(self, msg_id: str, timeout: float = CELL_TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            reply = self.kc.get_shell_msg(timeout=max(deadline - time.monotonic(), 0.1))
            self.shell.append(reply)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def drain_iopub(self, msg_id: str, timeout: float = CELL_TIMEOUT) -> list[dict]:
        """Iopub messages up to the kernel going idle after request ``msg_id``."""
        got: list[dict] = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.1))
            self.iopub.append(msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            got.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return got

    def execute(self, code: str, **kw: Any) -> tuple[dict, list[dict]]:
        msg_id = self.kc.execute(code, **kw)
        reply = self.wait_reply(msg_id)
        return reply, self.drain_iopub(msg_id)

    def request(self, method: str, *args: Any, **kw: Any) -> dict:
        msg_id = getattr(self.kc, method)(*args, **kw)
        reply = self.wait_reply(msg_id)
        self.drain_iopub(msg_id)
        return reply

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        self.out.close()
        self.err.close()


@pytest.fixture(scope="module")
def direct(project: Path, kernel_home: Path):
    logs = project / "kernel-logs"
    logs.mkdir(exist_ok=True)
    kernel = DirectKernel(project, kernel_home, logs / "direct")
    try:
        reply, _ = kernel.execute("%load_ext safekeys\n" + SETUP)
        assert reply["content"]["status"] == "ok"
        reply, _ = kernel.execute("k = OPENAI\nd = {OPENAI: 1, 'plain-key': 2}\nw = WEIRD")
        assert reply["content"]["status"] == "ok"
        yield kernel
    finally:
        kernel.close()


@pytest.mark.parametrize("detail_level", [0, 1])
@pytest.mark.parametrize(("var", "name"), [("k", "OPENAI_API_KEY"), ("w", "WEIRD_SECRET")])
def test_inspect_reply(direct: DirectKernel, var: str, name: str, detail_level: int) -> None:
    """Shift-Tab on a variable holding a key shows its string form: masked."""
    reply = direct.request("inspect", var, len(var), detail_level=detail_level)
    content = reply["content"]
    where = f"inspect_reply {var} detail_level={detail_level}"
    assert_no_leak(CHECKER.check_value(content, where), where)
    assert content["status"] == "ok" and content["found"], where
    assert_shows(content["data"]["text/plain"], placeholder(name), where)


@pytest.mark.parametrize(
    ("code", "name"),
    [('d["', "OPENAI_API_KEY"), ("d[", "OPENAI_API_KEY"), ("k.st", None), ("os.environ['O", None)],
)
def test_complete_reply(direct: DirectKernel, code: str, name: Optional[str]) -> None:
    """Tab completion of dict keys offers the keys themselves: masked."""
    reply = direct.request("complete", code, len(code))
    content = reply["content"]
    where = f"complete_reply for {code!r}"
    assert_no_leak(CHECKER.check_value(content, where), where)
    assert content["status"] == "ok", where
    if name is not None:
        assert_shows(json.dumps(content["matches"]), placeholder(name), where)


def test_execute_input_and_user_expressions(direct: DirectKernel) -> None:
    """A key pasted into a cell is masked in execute_input; user_expressions are masked."""
    code = f"pasted = {OPENAI_KEY!r}\nprint(len(pasted))"
    reply, msgs = direct.execute(code, user_expressions={"e": "k", "w": "w + '!'"})
    findings = message_findings(CHECKER, msgs, "iopub")
    findings += CHECKER.check_value(reply["content"], "execute_reply")
    assert_no_leak(findings, "execute_input / user_expressions")
    inputs = [m for m in msgs if m["msg_type"] == "execute_input"]
    assert len(inputs) == 1
    assert_shows(inputs[0]["content"]["code"], placeholder("OPENAI_API_KEY"), "execute_input")
    expressions = reply["content"]["user_expressions"]
    assert_shows(json.dumps(expressions), placeholder("OPENAI_API_KEY"), "user_expressions")
    assert_shows(json.dumps(expressions), placeholder("WEIRD_SECRET"), "user_expressions")


def test_pasted_key_in_a_failing_line(direct: DirectKernel) -> None:
    """The traceback quotes the (colourised) source line that holds a pasted key."""
    code = f"pasted = {WEIRD!r}; token = {GITHUB_TOKEN!r}; raise RuntimeError('boom')"
    reply, msgs = direct.execute(code)
    assert reply["content"]["status"] == "error"
    findings = message_findings(CHECKER, msgs, "iopub")
    findings += CHECKER.check_value(reply["content"], "execute_reply")
    assert_no_leak(findings, "pasted key in a traceback")
    errors = [m for m in msgs if m["msg_type"] == "error"]
    assert len(errors) == 1
    traceback = strip_ansi("\n".join(errors[0]["content"]["traceback"]))
    assert_shows(traceback, placeholder("DEPLOY_BOT"), "traceback source line")


def test_execute_reply_error(direct: DirectKernel) -> None:
    reply, msgs = direct.execute("raise KeyError(k + ' ' + w)")
    content = reply["content"]
    assert content["status"] == "error"
    findings = CHECKER.check_value(content, "execute_reply error")
    findings += message_findings(CHECKER, msgs, "iopub")
    assert_no_leak(findings, "execute_reply error")
    assert_shows(content["evalue"], placeholder("OPENAI_API_KEY"), "execute_reply evalue")


def test_stdin_prompts(direct: DirectKernel) -> None:
    """input() and getpass() prompts travel on the stdin channel: masked."""
    msg_id = direct.kc.execute(
        "a = input('paste ' + k + ': ')\nimport getpass\nb = getpass.getpass(w + ' > ')",
        allow_stdin=True,
    )
    prompts = []
    for _ in range(2):
        req = direct.kc.get_stdin_msg(timeout=CELL_TIMEOUT)
        direct.stdin.append(req)
        prompts.append(req["content"]["prompt"])
        direct.kc.input("typed-answer")
    reply = direct.wait_reply(msg_id)
    direct.drain_iopub(msg_id)
    assert reply["content"]["status"] == "ok"
    findings = message_findings(CHECKER, direct.stdin, "stdin")
    assert_no_leak(findings, "stdin prompts")
    assert_shows(prompts[0], placeholder("OPENAI_API_KEY"), "input prompt")
    assert_shows(prompts[1], placeholder("WEIRD_SECRET"), "getpass prompt")


def test_comm_messages(direct: DirectKernel) -> None:
    """comm_open and comm_msg data go out on iopub: masked."""
    code = (
        "from ipykernel.comm import Comm\n"
        "c = Comm(target_name='sk-test', data={'key': k})\n"
        "c.send({'weird': w, 'nested': [GHP]})\n"
        "c.close({'bye': PEM})"
    )
    reply, msgs = direct.execute(code)
    assert reply["content"]["status"] == "ok"
    comms = [m for m in msgs if m["msg_type"].startswith("comm_")]
    assert {m["msg_type"] for m in comms} == {"comm_open", "comm_msg", "comm_close"}
    assert_no_leak(message_findings(CHECKER, comms, "comm"), "comm messages")
    assert_shows(json.dumps(comms, default=str), placeholder("DEPLOY_BOT"), "comm_msg")


def test_comm_buffers(direct: DirectKernel) -> None:
    """Binary buffers of comm messages (an ipywidgets Image's value, any binary
    widget state) are drawn by the frontend and saved in the notebook: masked."""
    code = (
        "from ipykernel.comm import Comm\n"
        "c = Comm(target_name='sk-buffers', data={'a': 1}, buffers=[memoryview(k.encode())])\n"
        "c.send({'x': 1}, buffers=[memoryview(GHP.encode()), b'<svg>' + w.encode() + b'</svg>'])\n"
        "c.close()"
    )
    reply, msgs = direct.execute(code)
    assert reply["content"]["status"] == "ok"
    buffers = [bytes(b) for m in msgs if m["msg_type"].startswith("comm_") for b in m["buffers"]]
    assert len(buffers) == 3
    found = [
        f
        for i, data in enumerate(buffers)
        for f in CHECKER.check(data.decode("utf-8", "replace"), f"comm buffer {i}")
    ]
    assert_no_leak(found, "comm buffers")
    assert placeholder("DEPLOY_BOT").encode() in buffers[1]


def test_direct_kernel_all_messages(direct: DirectKernel) -> None:
    """Everything this kernel sent so far on iopub, shell and stdin (runs last in the module)."""
    found = message_findings(CHECKER, direct.iopub, "direct iopub")
    found += message_findings(CHECKER, direct.shell, "direct shell")
    found += message_findings(CHECKER, direct.stdin, "direct stdin")
    for path in (direct.out.name, direct.err.name):
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        found += CHECKER.check(text, f"direct kernel process {Path(path).suffix[1:]}")
    assert_no_leak(found, "direct kernel")
    assert len(direct.shell) >= 5


def test_runtime_budget(runs: Runs) -> None:
    """Keep kernel work bounded: each group notebook well under a minute."""
    for group in GROUPS:
        run = runs(group)
        assert run.seconds < 60, f"{group} took {run.seconds:.1f}s"
