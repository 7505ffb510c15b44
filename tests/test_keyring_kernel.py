"""Keys from the OS keyring in a real notebook kernel, against a real gnome-keyring.

* A key stored with ``safekeys set OPENAI_API_KEY`` is returned by
  ``getenv("OPENAI_API_KEY")`` in a notebook, and no output of the executed (and saved)
  notebook holds any piece of it.
* ``%setkey NAME`` and ``getenv(NAME, prompt=True)`` ask through the frontend's password
  input (an ``input_request`` with ``password: true`` on the stdin channel), store the
  answer in the keyring and never send it back on any channel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import KERNEL_NAME, cell_text, clean_env, ensure_kernelspec
from leakcheck import LeakChecker, Secret, format_findings, message_findings, notebook_findings

OPENAI = "sk-proj-nb-" + "Zq3vT8kLm2Xw9Rb4Nc7Hd1Jf6Gs5Pa0YeUo"
TYPED = "sk-ant-api03-typed-" + "Mv8Qx2Lr7Kt4Wp9Zs3Nb6Hc1Jd5Fg0"
PROMPTED = "hf_prompted" + "QwErTyUiOpAsDfGhJkLzXcVbNm12"
CELL_TIMEOUT = 60


@pytest.fixture
def service(ring, monkeypatch):
    name = f"safekeys-nb-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("SAFEKEYS_SERVICE", name)
    for var in ("OPENAI_API_KEY", "SAFEKEYS_KEYRING", "TYPED_KEY", "PROMPTED_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    return name


def safekeys_cli(*args: str, input: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "safekeys", *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_key_from_safekeys_set_is_masked_in_a_notebook(service, run_notebook, tmp_path):
    done = safekeys_cli("set", "OPENAI_API_KEY", input=OPENAI)
    assert done.returncode == 0, done.stderr
    cells = [
        "%load_ext safekeys",
        "from safekeys import getenv, require\n"
        'key = getenv("OPENAI_API_KEY")\n'
        'print("found:", key is not None, len(key))\n'
        "print(key)",
        "key",
        "print(key[5:30]); print(key[:-4])",
        "import base64; print(base64.b64encode(key.encode()).decode())",
        'print(require("OPENAI_API_KEY") == key, {"headers": {"Authorization": "Bearer " + key}})',
        "%safekeys",
        "raise RuntimeError(f'bad key {key}')",
    ]
    nb = run_notebook(cells, cwd=tmp_path, timeout=CELL_TIMEOUT, allow_errors=True)
    saved = tmp_path / "executed.ipynb"
    nbformat.write(nb, saved)
    checker = LeakChecker([Secret("OPENAI_API_KEY", OPENAI)])
    findings = notebook_findings(checker, nb)
    findings += checker.check(saved.read_text(encoding="utf-8"), "executed.ipynb on disk")
    assert not findings, format_findings(findings)

    mask = "[masked:OPENAI_API_KEY]"
    assert cell_text(nb.cells[1]) == f"found: True {len(OPENAI)}\n{mask}\n"
    assert cell_text(nb.cells[2]).strip() == f"'{mask}'"
    assert cell_text(nb.cells[3]).count(mask) == 2
    assert mask in cell_text(nb.cells[4])
    assert cell_text(nb.cells[5]).startswith("True {'headers': {'Authorization': 'Bearer " + mask)
    table = cell_text(nb.cells[6])
    row = next(line for line in table.splitlines() if line.startswith("OPENAI_API_KEY"))
    assert row.split()[1:4] == ["keyring", str(len(OPENAI)), _fingerprint(OPENAI)]
    assert "comes from keyring" in row
    assert mask in cell_text(nb.cells[7])


def _fingerprint(value: str) -> str:
    from safekeys import _core

    return _core.fingerprint(value)


class Kernel:
    """A kernel driven with jupyter_client, so the test can answer stdin requests."""

    def __init__(self, cwd: Path, env: dict) -> None:
        from jupyter_client.manager import start_new_kernel

        ensure_kernelspec()
        self.km, self.kc = start_new_kernel(
            kernel_name=KERNEL_NAME, startup_timeout=60, cwd=os.fspath(cwd), env=env
        )
        self.messages: list[dict[str, Any]] = []

    def run(self, code: str, answers: list[str] = ()) -> tuple[dict, list[dict]]:
        """Execute ``code``, answering each input request in turn. Returns the reply and
        every iopub, shell and stdin message of the request."""
        msg_id = self.kc.execute(code, allow_stdin=bool(answers))
        got: list[dict] = []
        for answer in answers:
            request = self.kc.get_stdin_msg(timeout=CELL_TIMEOUT)
            got.append(request)
            assert request["content"]["password"] is True, request["content"]
            self.kc.input(answer)
        deadline = time.monotonic() + CELL_TIMEOUT
        while True:
            reply = self.kc.get_shell_msg(timeout=max(deadline - time.monotonic(), 0.1))
            if reply["parent_header"].get("msg_id") == msg_id:
                got.append(reply)
                break
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.1))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            got.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        self.messages += got
        return reply, got

    def stdout(self, messages: list[dict]) -> str:
        return "".join(
            m["content"]["text"]
            for m in messages
            if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
        )

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def test_setkey_and_prompt_use_the_frontends_password_input(service, ring, kernel_home, tmp_path):
    env = clean_env({"IPYTHONDIR": os.fspath(kernel_home)})
    kernel = Kernel(tmp_path, env)
    try:
        reply, _ = kernel.run("%load_ext safekeys")
        assert reply["content"]["status"] == "ok"

        reply, msgs = kernel.run("%setkey TYPED_KEY", answers=[TYPED])
        assert reply["content"]["status"] == "ok"
        prompt = msgs[0]["content"]["prompt"]
        assert "TYPED_KEY" in prompt and service in prompt
        out = kernel.stdout(msgs)
        assert out.startswith(f"Stored TYPED_KEY in the OS keyring (service {service!r}): ")
        assert f"{len(TYPED)} characters" in out

        # The same process reads it back, masked.
        reply, msgs = kernel.run("from safekeys import getenv\nprint(getenv('TYPED_KEY'))")
        assert kernel.stdout(msgs) == "[masked:TYPED_KEY]\n"

        # getenv(prompt=True): asked once, stored, masked; not asked again.
        code = "v = getenv('PROMPTED_TOKEN', prompt=True)\nprint(v, len(v))"
        reply, msgs = kernel.run(code, answers=[PROMPTED])
        assert reply["content"]["status"] == "ok"
        assert kernel.stdout(msgs) == f"[masked:PROMPTED_TOKEN] {len(PROMPTED)}\n"
        reply, msgs = kernel.run(code)
        assert kernel.stdout(msgs) == f"[masked:PROMPTED_TOKEN] {len(PROMPTED)}\n"

        # %setkey with nothing typed stores nothing.
        reply, msgs = kernel.run("%setkey EMPTY_KEY", answers=[""])
        assert "nothing entered" in kernel.stdout(msgs)
    finally:
        kernel.close()

    checker = LeakChecker([Secret("TYPED_KEY", TYPED), Secret("PROMPTED_TOKEN", PROMPTED)])
    findings = message_findings(checker, kernel.messages, "kernel messages")
    assert not findings, format_findings(findings)
    # Both are in the keyring, for later kernels and for other programs.
    assert safekeys_cli("get", "TYPED_KEY", "--reveal").stdout == TYPED + "\n"
    assert safekeys_cli("get", "PROMPTED_TOKEN", "--reveal").stdout == PROMPTED + "\n"
    assert ring.item_count(service=service, username="EMPTY_KEY") == 0
