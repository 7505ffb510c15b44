"""Decrypted values are masked in a real ipykernel (issue 16).

The kernel's working directory holds a dotenvx-encrypted ``.env``; the
private key is in its environment. The same cells run twice: loaded with
python-dotenvx 2.0.1, where the decrypted values show (else this tests
nothing), and with ``%load_ext safekeys``, where no form of them, nor of the
private key, reaches any output: print, repr, an HTML display, base64,
logging, a traceback. One secret has an ordinary name and shape: masked only
because it was encrypted. Leak checks name the secret and the form, never the
text (``leakcheck.py``); assertion rewriting is off for the same reason.
PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import hashlib
import textwrap

import ecies
from conftest import cell_errors, cell_text
from leakcheck import LeakChecker, Secret, format_findings, notebook_findings
from safekeys import _core

OPENAI_KEY = "sk-proj-FAKEkernQ8w2Lr5Tn7Vb3Kc9Zd4Hy6Jp1Gs0Fa"
# Nothing about this name or value looks secret: only the encryption says it is.
LAUNCH_CODE = "FAKE-ordinary-launch-code-48213"

LOADERS = {
    "python-dotenvx": "import dotenvx\ndotenvx.load_dotenv('.env')",
    "safekeys": "%load_ext safekeys",
}

CELLS = [
    "import os, base64, html, logging\n"
    "KEY = os.environ['OPENAI_API_KEY']\nCODE = os.environ['LAUNCH_CODE']\n"
    "PRIV = os.environ['DOTENV_PRIVATE_KEY']",
    "print('print:', KEY, CODE, PRIV)",
    "CODE",
    "from IPython.display import HTML, display\n"
    "display(HTML(f'<pre>{html.escape(KEY)} {html.escape(CODE)}</pre>'))",
    "print(base64.b64encode(KEY.encode()).decode(), base64.b64encode(CODE.encode()).decode())",
    textwrap.dedent(
        """\
        log = logging.getLogger("app")
        handler = logging.StreamHandler()
        log.addHandler(handler)
        log.warning("calling with %s and %s", KEY, CODE)
        log.removeHandler(handler)
        """
    ),
    "raise ValueError(f'rejected {KEY} / {CODE}')",
    "print('plain:', os.environ['GREETING'])",
]


def test_decrypted_values_and_the_key_are_masked_in_every_output(run_notebook, tmp_path):
    sk = ecies.PrivateKey("secp256k1")
    private, public = sk.to_hex(), sk.public_key.to_hex(compressed=True)
    env_text = (
        f'DOTENV_PUBLIC_KEY="{public}"\n'
        f'OPENAI_API_KEY="{_core.dotenvx_encrypt(public, OPENAI_KEY)}"\n'
        f'LAUNCH_CODE="{_core.dotenvx_encrypt(public, LAUNCH_CODE)}"\n'
        "GREETING=hello-plain\n"
    )
    results = {}
    for loader, first in LOADERS.items():
        work = tmp_path / loader
        work.mkdir()
        (work / ".env").write_text(env_text)
        results[loader] = run_notebook(
            [first, *CELLS],
            work,
            allow_errors=True,
            env={"DOTENV_PRIVATE_KEY": private, "SAFEKEYS_HYGIENE": "0"},
        )
    checker = LeakChecker(
        [
            Secret("OPENAI_API_KEY", OPENAI_KEY),
            Secret("LAUNCH_CODE", LAUNCH_CODE),
            Secret("DOTENV_PRIVATE_KEY", private),
        ]
    )
    baseline = notebook_findings(checker, results["python-dotenvx"])
    leaked = {finding.secret for finding in baseline}
    assert leaked >= {"OPENAI_API_KEY", "LAUNCH_CODE", "DOTENV_PRIVATE_KEY"}, (
        "python-dotenvx shows no secret here, so this tests nothing"
    )
    found = notebook_findings(checker, results["safekeys"])
    assert not found, f"leaked with safekeys:\n{format_findings(found)}"
    cells = results["safekeys"].cells
    assert "[masked:LAUNCH_CODE]" in cell_text(cells[3])
    assert "[masked:OPENAI_API_KEY]" in cell_text(cells[2])
    # Only the deliberate ValueError fails; plain values still show.
    assert [e[1] for e in cell_errors(results["safekeys"])] == ["ValueError"]
    assert "plain: hello-plain" in cell_text(cells[-1])


def test_percent_dotenv_decrypts_and_masks(run_notebook, tmp_path):
    sk = ecies.PrivateKey("secp256k1")
    private, public = sk.to_hex(), sk.public_key.to_hex(compressed=True)
    (tmp_path / ".env.enc").write_text(
        f'DOTENV_PUBLIC_KEY_ENC="{public}"\n'
        f'LAUNCH_CODE="{_core.dotenvx_encrypt(public, LAUNCH_CODE)}"\n'
    )
    expected = hashlib.sha256(LAUNCH_CODE.encode()).hexdigest()
    nb = run_notebook(
        [
            "%load_ext safekeys",
            "%dotenv .env.enc",
            "import os, hashlib, safekeys\n"
            "print(hashlib.sha256(os.environ['LAUNCH_CODE'].encode()).hexdigest())\n"
            "print(safekeys.getenv('LAUNCH_CODE') == os.environ['LAUNCH_CODE'])\n"
            "print('code:', os.environ['LAUNCH_CODE'])",
        ],
        tmp_path,
        allow_errors=True,
        env={"DOTENV_PRIVATE_KEY_ENC": private, "SAFEKEYS_HYGIENE": "0"},
    )
    out = cell_text(nb.cells[2])
    assert expected in out and "True" in out
    assert "code: [masked:LAUNCH_CODE]" in out
    checker = LeakChecker([Secret("LAUNCH_CODE", LAUNCH_CODE), Secret("KEY", private)])
    found = notebook_findings(checker, nb)
    assert not found, format_findings(found)
    assert cell_errors(nb) == []
