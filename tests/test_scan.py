"""``safekeys scan`` and ``safekeys.scan``: real files, notebooks, git, FIFOs and keyring.

Keys are generated at run time (never literals in this file) from a seeded
generator, in the shapes the providers use. Every CLI run checks that no key,
and no 12-character piece of one, appears on stdout or stderr.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import shutil
import stat
import string
import subprocess
import sys
import urllib.parse
import uuid
import zlib
from pathlib import Path
from typing import Optional

import nbformat
import pytest
import safekeys
from safekeys.scanner import api as _scan

RNG = random.Random(20261128)
ALNUM = string.ascii_letters + string.digits
TOKEN = ALNUM + "_-"


def rand(n: int, alphabet: str = ALNUM) -> str:
    while True:
        s = "".join(RNG.choice(alphabet) for _ in range(n))
        # Random keys mix character classes; make sure ours do too.
        classes = [str.isdigit, str.isupper, str.islower]
        if all(any(f(c) for c in s) for f in classes if any(f(c) for c in alphabet)):
            return s


def make_keys() -> dict[str, str]:
    aws_alphabet = string.ascii_uppercase + "234567"
    return {
        "openai-key": "sk-" + rand(48),
        "openai-project-key": "sk-" + "proj-" + rand(120, TOKEN) + "Q",
        "anthropic-key": "sk-" + "ant-api03-" + rand(93, TOKEN) + "AA",
        "github-token": "ghp" + "_" + rand(36),
        "github-oauth-token": "gho" + "_" + rand(36),
        "github-user-token": "ghu" + "_" + rand(36),
        "github-server-token": "ghs" + "_" + rand(36),
        "github-refresh-token": "ghr" + "_" + rand(36),
        "github-fine-grained-token": "github" + "_pat_" + rand(22) + "_" + rand(59),
        "gitlab-token": "glpat" + "-" + rand(20, TOKEN) + "x",
        "slack-token": "xox" + "b-" + "1234567890-1234567890123-" + rand(24),
        "google-api-key": "AI" + "za" + rand(35, TOKEN),
        "huggingface-token": "hf" + "_" + rand(34, string.ascii_letters),
        "stripe-live-key": "sk" + "_live_" + rand(24),
        "stripe-restricted-key": "rk" + "_live_" + rand(24),
        "aws-access-key-id": "AK" + "IA" + "".join(RNG.choice(aws_alphabet) for _ in range(16)),
    }


KEYS = make_keys()
AWS_SECRET = rand(40, ALNUM + "/+")
PEM_BODY = "\n".join(rand(64, ALNUM + "+/") for _ in range(5))
PEM = "-----BEGIN RSA PRIVATE" + f" KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----"
URL_PASSWORD = rand(16)
DB_URL = f"postgres://app:{URL_PASSWORD}@db.internal.invalid:5432/prod"
KNOWN = "kn0wn-" + rand(30)  # a secret with no well-known shape: found only as a known value

EVERY_SECRET = [*KEYS.values(), AWS_SECRET, PEM_BODY, URL_PASSWORD, KNOWN]

# A 1x1 PNG, then a larger one whose base64 holds long random runs.
PNG = base64.b64encode(
    b"\x89PNG\r\n\x1a\n" + zlib.compress(bytes(RNG.getrandbits(8) for _ in range(30000)))
).decode()
DECOYS = "\n".join(
    [
        "sha1 " + hashlib.sha1(b"x").hexdigest(),
        "sha256 " + hashlib.sha256(b"x").hexdigest(),
        "uuid " + str(uuid.UUID(int=RNG.getrandbits(128))),
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
        "the task-list and the risk-assessment-framework-for-2024-projects-and-more",
        "use sk-learn-tutorial-for-beginners-and-experts-alike today",
        "from huggingface_hub import hf_hub_download_and_cache_everything_now",
        "connect to postgres://user:password@localhost/db or redis://:${REDIS_PASSWORD}@cache",
        "-----BEGIN PUBLIC KEY-----\n" + PEM_BODY + "\n-----END PUBLIC KEY-----",
        "data:image/png;base64," + PNG,
    ]
)


def leaked(text: str) -> list[str]:
    """Secrets (or 12-character pieces of them) present in ``text``."""
    out = []
    for secret in EVERY_SECRET:
        for line in secret.splitlines():
            if any(line[i : i + 12] in text for i in range(0, max(1, len(line) - 11), 6)):
                out.append(line[:6] + "...")
    return out


def run_scan(
    *args: str, cwd: Path, env: Optional[dict[str, str]] = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "safekeys", "scan", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    assert not leaked(proc.stdout + proc.stderr), proc.stdout + proc.stderr
    return proc


def scan_json(*args: str, cwd: Path, code: int = 1) -> dict:
    proc = run_scan("--format", "json", "--no-keyring", *args, cwd=cwd)
    assert proc.returncode == code, proc.stderr
    return json.loads(proc.stdout)


def notebook(cells: list[dict], metadata: Optional[dict] = None) -> dict:
    return {
        "cells": cells,
        "metadata": metadata or {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def code_cell(source: str, outputs: Optional[list] = None, **extra: object) -> dict:
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "id": uuid.uuid4().hex[:8],
        "metadata": {},
        "outputs": outputs or [],
        "source": source.splitlines(keepends=True),
    }
    cell.update(extra)
    return cell


def write_nb(path: Path, nb: dict) -> str:
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


# -- plain files -----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_every_key_kind_in_a_plain_file(tmp_path: Path, kind: str) -> None:
    key = KEYS[kind]
    (tmp_path / "config.py").write_text(f"import os\n\nclient = Client(api_key='{key}')\n")
    report = scan_json(".", cwd=tmp_path)
    assert [(f["kind"], f["line"], f["column"]) for f in report["findings"]] == [(kind, 3, 26)]
    assert report["findings"][0]["snippet"] == f"client = Client(api_key='[masked:{kind}]')"


def test_aws_secret_pem_and_url_passwords(tmp_path: Path) -> None:
    (tmp_path / "credentials").write_text(
        "[default]\n"
        f"aws_access_key_id = {KEYS['aws-access-key-id']}\n"
        f"aws_secret_access_key = {AWS_SECRET}\n"
    )
    (tmp_path / "key.txt").write_text(f"the key:\n{PEM}\n")
    (tmp_path / "settings.toml").write_text(f'url = "{DB_URL}"\n')
    found = {
        (Path(f["path"]).name, f["kind"], f["line"])
        for f in scan_json(".", cwd=tmp_path)["findings"]
    }
    assert found == {
        ("credentials", "aws-access-key-id", 2),
        ("credentials", "aws-secret-access-key", 3),
        ("key.txt", "pem-private-key", 2),
        ("settings.toml", "url-password", 1),
    }


def test_decoys_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "decoys.md").write_text(DECOYS)
    nb = notebook(
        [
            code_cell(
                "print('decoys')\n",
                [
                    {"output_type": "stream", "name": "stdout", "text": DECOYS},
                    {
                        "output_type": "display_data",
                        "data": {"image/png": PNG, "text/plain": "<Figure>"},
                        "metadata": {},
                    },
                ],
            )
        ]
    )
    write_nb(tmp_path / "decoys.ipynb", nb)
    report = scan_json(".", cwd=tmp_path, code=0)
    assert report["findings"] == []
    assert report["summary"]["files_scanned"] == 2


# -- notebooks -------------------------------------------------------------------


def every_place_notebook(key: str) -> dict:
    b64 = base64.b64encode(f"data {key} data".encode()).decode()
    return notebook(
        [
            code_cell(f"import os\nkey = '{key}'\n"),
            code_cell(
                "print(key)\n",
                [
                    {"output_type": "stream", "name": "stdout", "text": ["hello\n", f"{key}\n"]},
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "data": {"text/plain": [f"'{key}'"]},
                        "metadata": {},
                    },
                    {
                        "output_type": "display_data",
                        "data": {"text/html": [f"<b>{key}</b>"], "image/png": PNG},
                        "metadata": {},
                    },
                    {
                        "output_type": "error",
                        "ename": "ValueError",
                        "evalue": f"bad key {key}",
                        "traceback": [
                            "Traceback:",
                            f"\x1b[0;31mValueError\x1b[0m: \x1b[1;32m{key}\x1b[0m",
                        ],
                    },
                ],
            ),
            {
                "cell_type": "markdown",
                "id": "md1",
                "metadata": {"secret": key},
                "source": ["![img](attachment:a.txt)"],
                "attachments": {
                    "a.txt": {"text/plain": f"note {key}\n"},
                    "b.png": {"image/png": b64},
                },
            },
        ],
        metadata={"kernelspec": {"name": "python3"}, "token": key},
    )


@pytest.mark.parametrize("kind", sorted(KEYS))
def test_every_place_in_a_notebook(tmp_path: Path, kind: str) -> None:
    key = KEYS[kind]
    write_nb(tmp_path / "nb.ipynb", every_place_notebook(key))
    report = scan_json(".", cwd=tmp_path)
    places = sorted(
        (
            f["notebook"]["cell"] if f["notebook"]["cell"] is not None else -1,
            f["notebook"]["part"],
            f["notebook"]["output_type"] or "",
            f["notebook"]["mime"] or "",
            f["line"],
        )
        for f in report["findings"]
    )
    assert places == [
        (-1, "metadata", "", "", 1),
        (0, "source", "", "", 2),
        (1, "output", "display_data", "text/html", 1),
        (1, "output", "error", "", 1),  # evalue
        (1, "output", "error", "", 2),  # traceback line 2
        (1, "output", "execute_result", "text/plain", 1),
        (1, "output", "stream", "", 2),
        (2, "attachment", "", "text/plain", 1),
        (2, "metadata", "", "", 1),
    ]
    assert all(f["kind"] == kind for f in report["findings"])
    # The key's base64 inside an image attachment is not a format match.
    assert not any(f["notebook"]["mime"] == "image/png" for f in report["findings"])


def test_known_secret_in_every_encoding(tmp_path: Path) -> None:
    secret = 'Kn0wn/"secret"+' + rand(20)
    env = tmp_path / "secrets.env"
    env.write_text(f"MY_SERVICE_TOKEN='{secret}'\n")
    forms = {
        "exact": secret,
        "json": json.dumps(secret)[1:-1],
        "base64": base64.b64encode(f"user:{secret}".encode()).decode(),
        "urlsafe": base64.urlsafe_b64encode(f"xy{secret}".encode()).decode(),
        "percent": urllib.parse.quote(secret, safe=""),
        "html": secret.replace('"', "&quot;"),
        "fragment": secret[5:20],
    }
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": f"{name}: {form}\n"}
        for name, form in forms.items()
    ]
    write_nb(tmp_path / "enc.ipynb", notebook([code_cell("show()\n", outputs)]))
    report = scan_json("--env-file", os.fspath(env), "enc.ipynb", cwd=tmp_path)
    assert sorted(f["notebook"]["output"] for f in report["findings"]) == list(range(len(forms)))
    assert {f["name"] for f in report["findings"]} == {"MY_SERVICE_TOKEN"}
    assert {f["kind"] for f in report["findings"]} == {"known-secret"}
    stdout = run_scan(
        "--no-keyring", "--env-file", os.fspath(env), "enc.ipynb", cwd=tmp_path
    ).stdout
    assert secret[5:17] not in stdout and forms["base64"][8:20] not in stdout


def test_escaped_json_strings_are_decoded(tmp_path: Path) -> None:
    key = KEYS["openai-key"]
    escaped = "".join(f"\\u{ord(c):04x}" if c in "-_" else c for c in key)
    (tmp_path / "esc.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], '
        f'"source": ["x = \\"{escaped}\\""]}}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    report = scan_json(".", cwd=tmp_path)
    assert [f["kind"] for f in report["findings"]] == ["openai-key"]


def test_invalid_notebook_is_scanned_as_text_with_a_note(tmp_path: Path) -> None:
    key = KEYS["github-token"]
    (tmp_path / "broken.ipynb").write_text('{"cells": [ {"source": "' + key + '"')
    report = scan_json(".", cwd=tmp_path)
    assert [f["kind"] for f in report["findings"]] == ["github-token"]
    assert [n["kind"] for n in report["notes"]] == ["invalid-json"]


# -- --fix -----------------------------------------------------------------------


def test_fix_masks_outputs_and_keeps_every_other_byte(tmp_path: Path) -> None:
    key = KEYS["anthropic-key"]
    other = KEYS["github-token"]
    nb = notebook(
        [
            code_cell(
                f"key = '{key}'\nprint(key)\n",
                [
                    {"output_type": "stream", "name": "stdout", "text": [f"{key}\n", "après ✓\n"]},
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "data": {"text/plain": [f"'{other}'"], "image/png": PNG},
                        "metadata": {},
                    },
                    {
                        "output_type": "stream",
                        "name": "stderr",
                        "text": [
                            "-----BEGIN PRIVATE KEY-----\n",
                            *[line + "\n" for line in PEM_BODY.splitlines()],
                            "-----END PRIVATE KEY-----\n",
                            "done\n",
                        ],
                    },
                ],
            )
        ]
    )
    path = tmp_path / "fixme.ipynb"
    original = write_nb(path, nb)
    path.chmod(0o640)
    proc = run_scan("--no-keyring", "--fix", "fixme.ipynb", cwd=tmp_path)
    assert proc.returncode == 1
    assert "masked by --fix" in proc.stdout and "edit the cell" in proc.stdout
    fixed = path.read_text(encoding="utf-8")
    expected = original.replace(f'"{key}\\n"', '"[masked:anthropic-key]\\n"').replace(
        f"\"'{other}'\"", "\"'[masked:github-token]'\""
    )
    pem_start = expected.index('"-----BEGIN PRIVATE KEY-----\\n"')
    pem_end = expected.index('"-----END PRIVATE KEY-----\\n"') + len(
        '"-----END PRIVATE KEY-----\\n"'
    )
    expected = expected[:pem_start] + '"[masked:pem-private-key]\\n"' + expected[pem_end:]
    assert fixed == expected
    assert fixed.count(key) == 1  # the source keeps it: never changed silently
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    nbformat.validate(nbformat.reads(fixed, as_version=4))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]
    again = scan_json("fixme.ipynb", cwd=tmp_path)
    assert [f["notebook"]["part"] for f in again["findings"]] == ["source"]


# -- walking ---------------------------------------------------------------------


def test_gitignore_is_respected_and_explicit_files_are_scanned(tmp_path: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    subprocess.run([git, "init", "-q", os.fspath(tmp_path)], check=True, timeout=30)
    key = KEYS["gitlab-token"]
    (tmp_path / ".gitignore").write_text("build/\n*.log\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.txt").write_text(key)
    (tmp_path / "run.log").write_text(key)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".gitignore").write_text("local.py\n")
    (tmp_path / "sub" / "local.py").write_text(key)
    (tmp_path / "sub" / "kept.py").write_text(f"k = '{key}'\n")
    report = scan_json(".", cwd=tmp_path)
    assert [Path(f["path"]) for f in report["findings"]] == [Path("sub/kept.py")]
    # A file named is scanned even if ignored; a directory named is walked with the rules.
    report = scan_json("run.log", "sub", cwd=tmp_path)
    assert sorted(Path(f["path"]).name for f in report["findings"]) == ["kept.py", "run.log"]


def test_odd_files_get_notes_not_crashes(tmp_path: Path) -> None:
    key = KEYS["stripe-live-key"]
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01\x02" + key.encode())
    (tmp_path / "big.txt").write_text("x" * 4096 + key)
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9 " + key.encode() + b"\n")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "dir.ipynb").mkdir()
    (tmp_path / "dir.ipynb" / "inner.txt").write_text(key)
    proc = run_scan("--no-keyring", "--format", "json", "--max-size", "2K", ".", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    notes = {(Path(n["path"]).name, n["kind"]) for n in report["notes"]}
    assert notes == {
        ("bin.dat", "binary"),
        ("big.txt", "too-large"),
        ("latin1.txt", "invalid-utf8"),
        ("pipe", "not-regular"),
    }
    assert sorted(Path(f["path"]).name for f in report["findings"]) == ["inner.txt", "latin1.txt"]
    # The FIFO named explicitly is not opened (that would block): a note.
    proc = run_scan("--no-keyring", "pipe", cwd=tmp_path)
    assert proc.returncode == 0 and "not a regular file" in proc.stderr
    # Text output summarises binary files.
    proc = run_scan("--no-keyring", "bin.dat", cwd=tmp_path)
    assert proc.returncode == 0 and "1 binary file(s) skipped" in proc.stderr


def test_dotenv_values_are_looked_for_and_dotenv_itself_is_not_scanned(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DB_PASSWORD={KNOWN}\nDEBUG=1\nDATABASE_URL={DB_URL}\n")
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "log.txt").write_text(f"pw={KNOWN}\n")
    report = scan_json(".", cwd=tmp_path)
    assert [(f["name"], f["kind"]) for f in report["findings"]] == [("DB_PASSWORD", "known-secret")]
    assert [n["kind"] for n in report["notes"]] == ["dotenv-source"]
    assert report["summary"]["known_secrets"] == 2
    # The nearest .env above the working directory counts too.
    report = scan_json(".", cwd=tmp_path / "nb")
    assert [f["name"] for f in report["findings"]] == ["DB_PASSWORD"]
    assert scan_json("--no-dotenv", ".", cwd=tmp_path / "nb", code=0)["findings"] == []


# -- formats and exit codes -------------------------------------------------------


def test_text_output_and_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "clean.txt").write_text("nothing here\n")
    proc = run_scan("--no-keyring", "clean.txt", cwd=tmp_path)
    assert proc.returncode == 0
    assert "no leaked keys found (1 file(s)" in proc.stdout
    (tmp_path / "a.py").write_text(f"K = '{KEYS['google-api-key']}'\n")
    proc = run_scan("--no-keyring", ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[:2] == [
        "./a.py:1:6: google-api-key",
        "    K = '[masked:google-api-key]'",
    ]
    assert proc.stdout.splitlines()[-1].startswith("safekeys scan: 1 finding(s) in 1 file(s)")
    assert run_scan("--no-keyring", "missing.txt", cwd=tmp_path).returncode == 2
    assert run_scan("--no-keyring", "--format", "xml", ".", cwd=tmp_path).returncode == 2
    assert run_scan("--no-keyring", "--max-size", "lots", ".", cwd=tmp_path).returncode == 2


def test_sarif_structure(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"K = '{KEYS['slack-token']}'\nJ = '{KEYS['openai-key']}'\n")
    write_nb(tmp_path / "n.ipynb", every_place_notebook(KEYS["openai-key"]))
    proc = run_scan("--no-keyring", "--format", "sarif", ".", cwd=tmp_path)
    assert proc.returncode == 1
    sarif = json.loads(proc.stdout)
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "safekeys"
    assert [r["id"] for r in rules] == ["openai-key", "slack-token"]
    assert all(r["shortDescription"]["text"] for r in rules)
    assert len(run["results"]) == 11
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error" and result["message"]["text"]
        (loc,) = result["locations"]
        physical = loc["physicalLocation"]
        assert physical["artifactLocation"]["uri"] in ("a.py", "n.ipynb")
        assert physical["region"]["startLine"] >= 1
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 6,
        "snippet": {"text": "K = '[masked:slack-token]'"},
    }


# -- Python API ------------------------------------------------------------------


def test_python_scan_and_find_in_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    key = KEYS["huggingface-token"]
    (tmp_path / "t.py").write_text(f"\ntoken = '{key}'\n")
    findings = safekeys.scan([tmp_path], keyring=False)
    assert len(findings) == 1
    (f,) = findings
    assert isinstance(f, _scan.Finding)
    assert (f.kind, f.name, f.line, f.column, f.label) == (
        "huggingface-token",
        None,
        2,
        10,
        "huggingface-token",
    )
    assert key not in repr(f) and key not in str(f.to_dict())
    with pytest.raises(FileNotFoundError):
        safekeys.scan([tmp_path / "missing"], keyring=False)

    hits = _scan.find_in_source(f"import os\nclient = OpenAI(api_key='{KEYS['openai-key']}')\n")
    assert hits == [_scan.SourceHit("openai-key", None, 2, 26, 2, 26 + len(KEYS["openai-key"]))]
    secret = "my-own-" + rand(20)
    safekeys.mask(secret, name="MY_SECRET")
    try:
        hits = _scan.find_in_source(f"x = 1\ny = '{secret}'")
        assert [(h.kind, h.name, h.line, h.column) for h in hits] == [
            ("known-secret", "MY_SECRET", 2, 6)
        ]
        (tmp_path / "t.py").write_text(f"y = '{secret}'\n")
        assert [x.name for x in safekeys.scan(["t.py"], keyring=False)] == ["MY_SECRET"]
        assert safekeys.scan(["t.py"], keyring=False, registered=False) == []
    finally:
        safekeys.unmask(secret)


# -- the OS keyring --------------------------------------------------------------


def test_keyring_values_are_looked_for(
    ring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = f"safekeys-scan-{uuid.uuid4().hex[:8]}"
    secret = "ring-" + rand(24)
    safekeys.store_key("RING_TOKEN", secret, service=service)
    try:
        (tmp_path / "out.txt").write_text(f"value: {secret[3:20]}\n")
        proc = run_scan("--format", "json", "--service", service, ".", cwd=tmp_path)
        assert secret not in proc.stdout + proc.stderr
        assert proc.returncode == 1, proc.stderr
        report = json.loads(proc.stdout)
        assert [f["name"] for f in report["findings"]] == ["RING_TOKEN"]
    finally:
        safekeys.delete_key("RING_TOKEN", service=service)


def test_keyring_unavailable_is_a_note(tmp_path: Path) -> None:
    from keyring_session import dead_bus_address

    (tmp_path / "a.txt").write_text("nothing\n")
    bus = dead_bus_address(tmp_path / "bus")
    proc = run_scan(".", cwd=tmp_path, env={"DBUS_SESSION_BUS_ADDRESS": bus})
    assert proc.returncode == 0
    assert "OS keyring unavailable" in proc.stderr
