"""Masking on paths found from outside (issue 12): a secret written in pieces
between display updates and widget messages, secrets set after loading, URL
passwords as clients decode them, bytes in display data, undecodable text,
and the extension in several shells.

Every kernel case runs twice on a real ipykernel: with python-dotenv, where it
must leak (else it tests nothing), and with ``%load_ext safekeys``, where it
must not. Leak checks name the secret, the form and the place, never the text
(see ``leakcheck.py``); assertion rewriting is off for the same reason.
PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import base64
import json
import os
import textwrap
from urllib.parse import quote

import pytest
from conftest import cell_errors, cell_text
from leakcheck import LeakChecker, Secret, format_findings, notebook_findings

OPENAI_KEY = "sk-proj-FAKEq8Wm2xLr5Tn7Vb3Kc9Zd4Hy6Jp1Gs0Fa"
LATE_KEY = "sk-ant-api03-FAKElate7Qw2Er4Ty6Ui8Op0As2Df4Gh"
LATE_TOKEN = "ghp_FAKElateZx9Cv8Bn7Mm6Ll5Kk4Jj3Hh2Gg1"
LATE_SET_ENV = "FAKE-set-env-Rt5Yu7Io9Pa1Sd3Fg5Hj7"
PY_DOTENV_KEY = "sk-FAKEfromPythonDotenv4Rf6Tg8Yh0Uj2Ik4"
# A password whose characters a URL must percent-encode, one every few
# characters, so no 12-character run is the same in both forms: drivers decode it.
DSN_PASSWORD = "Fk@9/Zq:1#Lm%3+Rt!7?Wx=5&FAKE"
DSN = f"postgresql://app:{quote(DSN_PASSWORD, safe='')}@db.example.invalid:5432/app"

ENV_TEXT = f"OPENAI_API_KEY={OPENAI_KEY}\nDATABASE_URL={DSN}\nGREETING=hello\n"

LOADERS = {
    # python-dotenv, as a notebook without safekeys would load the same file.
    "python-dotenv": "import dotenv\ndotenv.load_dotenv('.env')",
    "safekeys": "%load_ext safekeys",
}


def run_both(run_notebook, tmp_path, cells: list[str], files: dict[str, object] | None = None):
    """The notebook run once per loader: ``{loader: executed notebook}``."""
    results = {}
    for loader, first in LOADERS.items():
        work = tmp_path / loader
        work.mkdir()
        (work / ".env").write_text(ENV_TEXT)
        for name, content in (files or {}).items():
            target = work / os.fsdecode(name)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(str(content))
        cells_run = ["import os", first, *cells]
        results[loader] = run_notebook(cells_run, work, allow_errors=True)
    return results


def assert_contract(results, secrets: list[Secret], what: str) -> None:
    """Leaks without safekeys (the path is real), none with it, and no error output."""
    checker = LeakChecker(secrets)
    baseline = notebook_findings(checker, results["python-dotenv"])
    assert baseline, f"{what}: python-dotenv shows no secret here, so this tests nothing"
    found = notebook_findings(checker, results["safekeys"])
    assert not found, f"{what}: leaked with safekeys:\n{format_findings(found)}"
    assert cell_errors(results["safekeys"]) == [], f"{what}: a cell failed"


def test_a_key_printed_in_pieces_between_display_updates(run_notebook, tmp_path):
    # A streamed body with a progress display: 8 characters at a time, a display
    # update between chunks. JupyterLab joins the stream outputs again.
    cell = textwrap.dedent(
        """\
        from IPython.display import display
        key = os.environ["OPENAI_API_KEY"]
        bar = display("received 0", display_id=True)
        for i in range(0, len(key), 8):
            print(key[i:i + 8], end="", flush=True)
            bar.update(f"received {i + 8}")
        print(" done")
        """
    )
    results = run_both(run_notebook, tmp_path, [cell])
    assert_contract(results, [Secret("OPENAI_API_KEY", OPENAI_KEY)], "pieces between updates")
    assert "[masked:OPENAI_API_KEY]" in cell_text(results["safekeys"].cells[2])


def test_a_key_printed_in_pieces_between_widget_messages(run_notebook, tmp_path):
    # tqdm.notebook and ipywidgets talk over comm messages between the chunks.
    cell = textwrap.dedent(
        """\
        from ipykernel.comm import Comm
        key = os.environ["OPENAI_API_KEY"]
        comm = Comm(target_name="progress", data={"value": 0})
        for i in range(0, len(key), 5):
            print(key[i:i + 5], end="", flush=True)
            comm.send({"value": i})
        comm.close()
        print()
        """
    )
    results = run_both(run_notebook, tmp_path, [cell])
    assert_contract(results, [Secret("OPENAI_API_KEY", OPENAI_KEY)], "pieces between comms")


def test_secrets_set_after_loading_are_masked_in_the_same_cell(run_notebook, tmp_path):
    cells = [
        # The pattern provider notebooks teach (getpass there; a file here, as
        # nbclient cannot answer a prompt): set, then print in the same cell.
        'os.environ["LATE_API_KEY"] = open("late.txt").read().strip()\n'
        'print("late:", os.environ["LATE_API_KEY"])',
        # %env and %set_env with the value from a variable, never typed in the cell.
        'token = open("token.txt").read().strip()\n%env LATE_TOKEN={token}\n'
        'print(os.environ["LATE_TOKEN"])',
        'other = open("other.txt").read().strip()\n%set_env LATE_SET_ENV_SECRET {other}\n'
        'print(os.environ["LATE_SET_ENV_SECRET"])',
        # python-dotenv itself, called after the extension.
        'import dotenv\ndotenv.load_dotenv("late.env")\nprint(os.environ["PY_DOTENV_API_KEY"])',
    ]
    files = {
        "late.txt": LATE_KEY + "\n",
        "token.txt": LATE_TOKEN,
        "other.txt": LATE_SET_ENV,
        "late.env": f"PY_DOTENV_API_KEY={PY_DOTENV_KEY}\n",
    }
    results = run_both(run_notebook, tmp_path, cells, files)
    secrets = [
        Secret("LATE_API_KEY", LATE_KEY),
        Secret("LATE_TOKEN", LATE_TOKEN),
        Secret("LATE_SET_ENV_SECRET", LATE_SET_ENV),
        Secret("PY_DOTENV_API_KEY", PY_DOTENV_KEY),
    ]
    assert_contract(results, secrets, "set after loading")
    shown = "".join(cell_text(c) for c in results["safekeys"].cells)
    for secret in secrets:
        assert secret.placeholder in shown, secret.name


def test_values_read_without_setting_the_environment(run_notebook, tmp_path):
    # dotenv_values and get_key hand values to the notebook without putting them
    # in os.environ: python-dotenv's (imported before or after the extension) and
    # safekeys' own, reading a file the extension did not load.
    cells = [
        "from dotenv import dotenv_values as py_values\nimport dotenv\n"
        'print(py_values("prod.env")["PROD_API_KEY"])\n'
        'print(dotenv.get_key("prod.env", "PROD_TOKEN"))',
        'import safekeys\nprint(safekeys.dotenv_values("prod2.env")["PROD2_SECRET"])\n'
        'print(safekeys.get_key("prod2.env", "PROD2_PASSWORD"))',
    ]
    files = {
        "prod.env": f"PROD_API_KEY={LATE_KEY}\nPROD_TOKEN={LATE_TOKEN}\n",
        "prod2.env": f"PROD2_SECRET={PY_DOTENV_KEY}\nPROD2_PASSWORD={LATE_SET_ENV}\n",
    }
    results = run_both(run_notebook, tmp_path, cells, files)
    secrets = [
        Secret("PROD_API_KEY", LATE_KEY),
        Secret("PROD_TOKEN", LATE_TOKEN),
        Secret("PROD2_SECRET", PY_DOTENV_KEY),
        Secret("PROD2_PASSWORD", LATE_SET_ENV),
    ]
    # The baseline has no safekeys: it reads prod2.env with python-dotenv too.
    baseline_cells = [cells[0], cells[1].replace("safekeys.", "dotenv.")]
    baseline = run_notebook(
        ["import os", LOADERS["python-dotenv"], *baseline_cells],
        tmp_path / "python-dotenv",
        allow_errors=True,
    )
    results["python-dotenv"] = baseline
    assert_contract(results, secrets, "values read without os.environ")


def test_a_url_password_as_clients_decode_and_send_it(run_notebook, tmp_path):
    cell = textwrap.dedent(
        """\
        import base64
        from urllib.parse import unquote, urlsplit
        parts = urlsplit(os.environ["DATABASE_URL"])
        password = unquote(parts.password)
        print("connecting with", password)
        basic = base64.b64encode(f"{parts.username}:{password}".encode()).decode()
        print("Authorization: Basic " + basic)
        """
    )
    results = run_both(run_notebook, tmp_path, [cell])
    assert_contract(results, [Secret("DATABASE_URL", DSN_PASSWORD)], "decoded URL password")
    # The Basic-auth header as requests would send it.
    header = base64.b64encode(f"app:{DSN_PASSWORD}".encode()).decode()
    assert header not in cell_text(results["safekeys"].cells[2])


def test_bytes_in_display_data(run_notebook, tmp_path):
    # jupyter_client base64-encodes bytes values when it serialises the message.
    cell = textwrap.dedent(
        """\
        from IPython.display import display
        key = os.environ["OPENAI_API_KEY"]
        display({"application/json": {"Plaintext": key.encode()}}, raw=True)
        display({"text/plain": "raw", "application/octet-stream": b"\\x00\\xff" + key.encode()},
                raw=True)
        """
    )
    results = run_both(run_notebook, tmp_path, [cell])
    assert_contract(results, [Secret("OPENAI_API_KEY", OPENAI_KEY)], "bytes in display data")


def test_undecodable_text_never_breaks_output(run_notebook, tmp_path):
    # A file name that is not UTF-8 becomes a lone surrogate; printing it next to
    # a secret must print (as without safekeys), with the secret masked.
    cell = 'print(*sorted(os.listdir(".")), os.environ["OPENAI_API_KEY"])'
    results = run_both(run_notebook, tmp_path, [cell], {b"bad\xffname": "x"})
    assert_contract(results, [Secret("OPENAI_API_KEY", OPENAI_KEY)], "undecodable file name")
    text = cell_text(results["safekeys"].cells[2])
    assert "bad" in text and "name" in text and ".env" in text
    assert "[masked:OPENAI_API_KEY]" in text


def test_reload_ext_keeps_masking_and_the_magics(run_notebook, tmp_path):
    (tmp_path / ".env").write_text(ENV_TEXT)
    cells = [
        "%load_ext safekeys",
        "%reload_ext safekeys",
        'import os\nprint(os.environ["OPENAI_API_KEY"])',
        "%safekeys",
    ]
    nb = run_notebook(cells, tmp_path)
    assert cell_errors(nb) == []
    found = notebook_findings(LeakChecker([Secret("OPENAI_API_KEY", OPENAI_KEY)]), nb)
    assert not found, format_findings(found)
    assert "OPENAI_API_KEY" in cell_text(nb.cells[3])  # the %safekeys table


@pytest.fixture
def embedded_shells(monkeypatch, tmp_path, fresh_safekeys):
    """InteractiveShellEmbed instances made by a test, unloaded afterwards."""
    from IPython.terminal.embed import InteractiveShellEmbed

    monkeypatch.chdir(tmp_path)
    shells = []

    def make():
        shell = InteractiveShellEmbed()
        shells.append(shell)
        return shell

    yield make
    for shell in shells:
        shell.run_line_magic("unload_ext", "safekeys")


# python-dotenv's own IPython tests, written for safekeys: a fresh embedded
# shell each time, in one process, as they run in python-dotenv's suite.
@pytest.mark.parametrize(
    "existing, magic, expected",
    [
        ({"a": "c"}, "", {"a": "c"}),
        ({"a": "c"}, "-o", {"a": "b"}),
        ({}, "", {"a": "b"}),
    ],
    ids=["no-override", "override", "new-variable"],
)
def test_dotenv_magic_in_a_new_embedded_shell_each_time(
    embedded_shells, tmp_path, monkeypatch, existing, magic, expected
):
    (tmp_path / ".env").write_text("a=b\n")
    for round_ in range(2):  # the second shell in this process must work too
        monkeypatch.delenv("a", raising=False)
        for name, value in existing.items():
            monkeypatch.setenv(name, value)
        shell = embedded_shells()
        shell.run_line_magic("load_ext", "safekeys")
        shell.run_line_magic("dotenv", magic)
        assert {"a": os.environ.get("a")} == expected, f"shell {round_ + 1}"


def test_every_embedded_shell_gets_the_magics_and_masking(embedded_shells, tmp_path, capsys):
    (tmp_path / ".env").write_text(f"OPENAI_API_KEY={OPENAI_KEY}\n")
    first, second = embedded_shells(), embedded_shells()
    first.run_line_magic("load_ext", "safekeys")
    second.run_line_magic("load_ext", "safekeys")
    assert "safekeys" in second.magics_manager.magics["line"]
    first.run_line_magic("unload_ext", "safekeys")
    # The second shell still masks after the first unloaded.
    import sys

    print(os.environ["OPENAI_API_KEY"], file=sys.stdout)
    sys.stdout.flush()
    out = capsys.readouterr().out
    assert OPENAI_KEY[:12] not in out and "[masked:OPENAI_API_KEY]" in out


WEIRD_PASSWORD = 'Pq"7\\r<&>wö€FAKE-x9;Zt"6\\m<Yu&'  # quotes, backslashes, HTML, non-ASCII


def _windows(text: str) -> set[str]:
    return {text[i : i + 12] for i in range(len(text) - 11)}


def test_stacked_escapes(run_notebook, tmp_path):
    # JSON inside JSON (an event body), the JSON of a bytes repr (http.client's
    # debug output), the repr of HTML, the repr of JSON: one escaper over another.
    # The checker's forms are single escapes: the expected texts are built here.
    import html

    pw = WEIRD_PASSWORD
    stacked = {
        "JSON in JSON": json.dumps(json.dumps(pw)[1:-1])[1:-1],
        "JSON of a bytes repr": json.dumps(repr(pw.encode())[2:-1])[1:-1],
        "repr of HTML": repr(html.escape(pw))[1:-1],
        "repr of JSON": repr(json.dumps(pw))[2:-2],
    }
    cell = textwrap.dedent(
        """\
        import html, json
        pw = os.environ["APP_PASSWORD"]
        print(json.dumps({"body": json.dumps({"password": pw})}))
        print(json.dumps(repr(pw.encode())))
        print(repr(html.escape(pw)))
        json.dumps({"pw": pw})
        """
    )
    quoted = "'" + pw.replace("\\", "\\\\").replace("'", "\\'") + "'"
    shown = {}
    for loader, first in LOADERS.items():
        work = tmp_path / loader
        work.mkdir()
        (work / ".env").write_text(f"APP_PASSWORD={quoted}\n")
        nb = run_notebook(["import os", first, cell], work)
        shown[loader] = cell_text(nb.cells[2])
    for what, form in stacked.items():
        assert form in shown["python-dotenv"], f"{what}: the baseline does not show it"
        left = [w for w in _windows(form) if w in shown["safekeys"]]
        assert not left, f"{what}: {len(left)} 12-character runs of it shown with safekeys"
    assert "[masked:APP_PASSWORD]" in shown["safekeys"]


def test_a_service_account_key_masks_its_secrets_not_its_structure(run_notebook, tmp_path):
    # A GCP key file registered as one secret: its private key and key id are
    # masked, its ordinary members stay readable (they used to be masked, and a
    # one-line secret's short line such as `}` masked `}` everywhere).
    private_key = (
        "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcFAKEkeyLine1abc\\n"
        "FAKEkeyLine2defghijklmnopqrstuvwxyz0123456789ABCD\\n-----END PRIVATE KEY-----\\n"
    )
    key_file = json.dumps(
        {
            "type": "service_account",
            "project_id": "demo-project",
            "private_key_id": "FAKE0123456789abcdef0123456789abcdef0123",
            "private_key": private_key.replace("\\\\n", "\\n"),
            "client_email": "bot@demo-project.iam.gserviceaccount.com",
            "token_uri": "https://oauth2.googleapis.com/token",
        },
        indent=2,
    )
    (tmp_path / ".env").write_text(f"GOOGLE_CREDENTIALS='{key_file}'\n")
    cells = [
        "%load_ext safekeys",
        "import json, os\ninfo = json.loads(os.environ['GOOGLE_CREDENTIALS'])\n"
        "print(info['type'], info['client_email'], info['token_uri'])\n"
        "print(info['private_key_id'])\nprint(info['private_key'])",
        "print({'ok': True, 'items': [1, 2]})\nprint('}')",
    ]
    nb = run_notebook(cells, tmp_path)
    shown = cell_text(nb.cells[1])
    assert "service_account" in shown and "bot@demo-project.iam.gserviceaccount.com" in shown
    assert "https://oauth2.googleapis.com/token" in shown
    secrets = [
        Secret("GOOGLE_CREDENTIALS", "FAKE0123456789abcdef0123456789abcdef0123"),
        Secret("GOOGLE_CREDENTIALS", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcFAKEkeyLine1abc"),
    ]
    found = notebook_findings(LeakChecker(secrets), nb)
    assert not found, format_findings(found)
    assert cell_text(nb.cells[2]) == "{'ok': True, 'items': [1, 2]}\n}\n"
