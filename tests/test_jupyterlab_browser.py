"""safekeys in JupyterLab, the frontend people use: a real JupyterLab server (from PyPI) on
127.0.0.1 with a token, driven by Debian's headless Chromium through Selenium.

* Baseline: with plain python-dotenv the key shows in the page, in every cell (printed, as
  HTML, and written a character at a time with ``\\b`` and ``\\r`` tricks that only the
  rendered page puts together), and in the saved ``.ipynb``: the checks below can fail.
* With ``%load_ext safekeys`` the same cells show no key and no 12-character piece of one,
  neither in the page (each output area's text, the page's text and HTML, every input's
  value) nor in the saved ``.ipynb`` nor in the server's log.
* ``%setkey NAME`` shows JupyterLab's password box (an ``input type=password``); what is typed
  there goes to the test keyring (a real gnome-keyring in a private D-Bus session, which the
  server and its kernels inherit), ``getenv`` in a later cell finds it masked, and nothing of
  it reaches the page or the file.

Screenshots go to ``$SAFEKEYS_TEST_ARTIFACTS`` (default: a pytest temp dir; the test prints
where). Outside CI the module is skipped when Chromium, chromedriver, JupyterLab or Selenium is
missing; under ``CI`` that is a failure. ``tests/browser/setup.sh`` installs the Debian parts.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import string
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from browser import tools as browser_tools
from browser.chrome import Browser
from browser.lab import KERNEL_NAME, LabServer
from browser.page import NotebookPage, PageTexts
from conftest import clean_env
from leakcheck import LeakChecker, Secret, format_findings, notebook_findings

NAME = "OPENAI_API_KEY"
TYPED_NAME = "LAB_TYPED_TOKEN"
MASK = f"[masked:{NAME}]"
ALNUM = string.ascii_letters + string.digits

SHOW_CELLS = [
    f'import os, sys\nkey = os.environ["{NAME}"]\nprint("the key:", key)',
    "from IPython.display import HTML, display\n"
    "display(HTML(f'<div>as HTML: <b>{key}</b> "
    '<a href="https://example.invalid/?k={key}">a link</a></div>\'))',
    # One character per message; after each, a decoy that a backspace takes back.
    "for c in key:\n"
    "    sys.stdout.write(c)\n"
    "    sys.stdout.flush()\n"
    '    sys.stdout.write("#")\n'
    "    sys.stdout.flush()\n"
    '    sys.stdout.write("\\b")\n'
    "    sys.stdout.flush()\n"
    "print()",
    # Segments of decreasing length, a character per message, each ended by a carriage return:
    # each overwrites the start of the line and leaves 8 characters of the one before showing,
    # so the rendered line is the key, which no message holds more than a character of.
    "for start in range(len(key) - 8, -1, -8):\n"
    '    for c in "#" * start + key[start : start + 8]:\n'
    "        sys.stdout.write(c)\n"
    "        sys.stdout.flush()\n"
    '    sys.stdout.write("\\r")\n'
    "    sys.stdout.flush()\n"
    "print()",
]
SHOW_FIRST = 1  # index of the first SHOW_CELLS cell in each notebook


def generated_key(prefix: str, length: int) -> str:
    return prefix + "".join(secrets.choice(ALNUM) for _ in range(length))


@pytest.fixture(scope="module")
def tools() -> browser_tools.Tools:
    return browser_tools.require()


@pytest.fixture(scope="module")
def service() -> str:
    return f"safekeys-lab-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def lab(tools, ring, service, tmp_path_factory) -> Iterator[LabServer]:
    env = clean_env(
        {**ring.env, "SAFEKEYS_SERVICE": service},
        drop=(NAME, TYPED_NAME, "SAFEKEYS_KEYRING", "SAFEKEYS_SOURCES"),
    )
    server = LabServer(tmp_path_factory.mktemp("lab"), env)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium(tools, lab, tmp_path_factory) -> Iterator[Any]:
    root = tmp_path_factory.mktemp("chromium")
    browser = Browser(tools, root / "profile", root / "chromedriver.log")
    try:
        browser.start()
        yield browser.driver
    finally:
        browser.stop()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    return browser_tools.artifacts_dir(tmp_path_factory.mktemp("artifacts"))


def write_notebook(lab: LabServer, folder: str, cells: list[str], dotenv: str = "") -> str:
    """A notebook of ``cells`` (not yet run) in ``folder`` of the server's root, with a
    ``.env`` beside it; returns its path relative to the root."""
    where = lab.notebooks / folder
    where.mkdir()
    if dotenv:
        # Private, as it should be (safekeys warns about a .env others can read).
        (where / ".env").write_text(dotenv)
        (where / ".env").chmod(0o600)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, where / "test.ipynb")
    return f"{folder}/test.ipynb"


@contextlib.contextmanager
def opened(chromium, lab: LabServer, path: str, artifacts: Path) -> Iterator[NotebookPage]:
    """``path`` open in JupyterLab with its kernel idle; on failure a screenshot is saved, and
    in any case the kernel is shut down and the notebook closed afterwards."""
    page = NotebookPage(chromium, path)
    try:
        page.open(lab.lab_url(path, workspace=path.split("/")[0]))
        yield page
    except BaseException:
        name = path.split("/")[0]
        with contextlib.suppress(Exception):
            page.screenshot(artifacts / f"{name}-failed.png")
        with contextlib.suppress(OSError):
            shutil.copyfile(lab.log_path, artifacts / f"{name}-failed-jupyterlab.log")
        print(f"failure screenshot and server log: {artifacts}/{name}-failed*", file=sys.stderr)
        raise
    finally:
        # Tidying only: the server's teardown stops any kernel this leaves.
        with contextlib.suppress(Exception):
            page.close()


def save_screenshot(page: NotebookPage, artifacts: Path, name: str, capsys) -> Path:
    path = artifacts / f"{name}.png"
    page.screenshot(path)
    assert path.stat().st_size > 10_000, "the screenshot is (almost) empty"
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def run_and_save(page: NotebookPage, lab: LabServer) -> Any:
    """Run every cell, save from the page; the notebook as saved on disk."""
    page.run_all()
    page.wait_all_run()
    page.save()
    return nbformat.read(lab.notebooks / page.path, as_version=4)


def page_leaks(checker: LeakChecker, texts: PageTexts) -> list:
    return [finding for where, text in texts.places() for finding in checker.check(text, where)]


def file_leaks(checker: LeakChecker, saved: Any, lab: LabServer, path: str) -> list:
    """Leaks in the saved notebook (each output, and the file's text) and the server's log."""
    found = notebook_findings(checker, saved)
    found += checker.check((lab.notebooks / path).read_text(encoding="utf-8"), f"{path} on disk")
    found += checker.check(lab.log_path.read_text(errors="replace"), "the server's log")
    return found


def errors_in(saved: Any) -> list[str]:
    return [
        f"cell {i}: {out.get('ename')}"
        for i, cell in enumerate(saved.cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def test_without_safekeys_jupyterlab_shows_the_key(chromium, lab, artifacts):
    key = generated_key("sk-proj-", 48)  # 56 characters: the \r cell rebuilds all of it
    path = write_notebook(
        lab,
        "plain",
        ["from dotenv import load_dotenv\nload_dotenv('.env')", *SHOW_CELLS],
        dotenv=f"{NAME}={key}\n",
    )
    with opened(chromium, lab, path, artifacts) as page:
        saved = run_and_save(page, lab)
        texts = page.texts()
    assert not errors_in(saved), errors_in(saved)
    # Each way of showing it really shows the key in the rendered page (the \b and \r cells
    # only once JupyterLab has put the characters together), and the saved file holds it: the
    # masked run's checks can fail.
    for i in range(SHOW_FIRST, SHOW_FIRST + len(SHOW_CELLS)):
        assert key in texts.outputs[i], f"cell {i} does not show the key in the page"
        assert key in texts.painted[i], f"cell {i} does not paint the key"
    checker = LeakChecker([Secret(NAME, key)])
    assert page_leaks(checker, texts), "the page checks found nothing to find"
    assert file_leaks(checker, saved, lab, path), "the file checks found nothing to find"


def test_with_safekeys_no_piece_of_the_key_reaches_the_page_or_the_file(
    chromium, lab, artifacts, capsys
):
    key = generated_key("sk-proj-", 48)
    path = write_notebook(
        lab, "masked", ["%load_ext safekeys", *SHOW_CELLS], dotenv=f"{NAME}={key}\n"
    )
    with opened(chromium, lab, path, artifacts) as page:
        saved = run_and_save(page, lab)
        texts = page.texts()
        save_screenshot(page, artifacts, "masked-outputs", capsys)
    assert not errors_in(saved), errors_in(saved)

    checker = LeakChecker([Secret(NAME, key)])
    findings = page_leaks(checker, texts) + file_leaks(checker, saved, lab, path)
    assert not findings, format_findings(findings)
    printed, shown_html = (texts.painted[SHOW_FIRST + i] for i in range(2))
    assert printed.strip() == f"the key: {MASK}"
    assert shown_html.strip() == f"as HTML: {MASK} a link"
    for i in (2, 3):  # the \b and \r cells still show something: the placeholder
        assert MASK in texts.painted[SHOW_FIRST + i], f"cell {SHOW_FIRST + i}"


def safekeys_get(service: str, ring_env: dict[str, str], name: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "safekeys", "get", name, "--reveal"],
        env=clean_env({**ring_env, "SAFEKEYS_SERVICE": service}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_setkey_password_box_stores_the_key_and_nothing_of_it_shows(
    chromium, lab, ring, service, artifacts, capsys
):
    from selenium.webdriver.common.keys import Keys

    typed = generated_key("sk-ant-api03-", 40)
    path = write_notebook(
        lab,
        "setkey",
        [
            "%load_ext safekeys",
            f"%setkey {TYPED_NAME}",
            "from safekeys import getenv\n"
            "from IPython.display import HTML, display\n"
            f'value = getenv("{TYPED_NAME}")\n'
            'print("found:", value is not None, len(value))\n'
            "print(value)\n"
            "display(HTML(f'<i>{value}</i>'))",
        ],
    )
    with opened(chromium, lab, path, artifacts) as page:
        page.run_all()
        box = page.password_box()
        assert box.get_attribute("type") == "password"
        prompt = page.texts().outputs[1]
        assert TYPED_NAME in prompt and service in prompt, prompt
        box.send_keys(typed)
        save_screenshot(page, artifacts, "setkey-password-box", capsys)
        typing = page.texts()
        box.send_keys(Keys.ENTER)
        page.wait_all_run()
        page.save()
        texts = page.texts()
        save_screenshot(page, artifacts, "setkey-done", capsys)
    saved = nbformat.read(lab.notebooks / path, as_version=4)
    assert not errors_in(saved), errors_in(saved)

    checker = LeakChecker([Secret(TYPED_NAME, typed)])
    # While typed and not yet sent, the key is the password input's value (which the checks
    # below must therefore be able to see) and nowhere else in the page.
    assert typed in typing.values
    typing.values = [v for v in typing.values if v != typed]
    findings = page_leaks(checker, typing)
    assert not findings, format_findings(findings)
    findings = page_leaks(checker, texts) + file_leaks(checker, saved, lab, path)
    assert not findings, format_findings(findings)
    stored = texts.painted[1]
    assert "········" in stored  # JupyterLab's record of a password answer
    assert f"Stored {TYPED_NAME} in the OS keyring (service {service!r}): " in stored
    assert f"{len(typed)} characters" in stored
    assert [line for line in texts.painted[2].splitlines() if line] == [
        f"found: True {len(typed)}",
        f"[masked:{TYPED_NAME}]",
        f"[masked:{TYPED_NAME}]",
    ]
    # In the keyring, once, for later kernels and other programs.
    assert ring.item_count(service=service, username=TYPED_NAME) == 1
    assert safekeys_get(service, ring.env, TYPED_NAME) == typed + "\n"
    assert not os.environ.get(TYPED_NAME)
