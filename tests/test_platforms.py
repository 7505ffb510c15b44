"""getenv on hosted notebooks (Colab, Kaggle, Databricks) and with plug-in sources.

The platforms cannot run here: their own modules are replaced by stand-ins in
tests/standins/ that reproduce each API, its error classes and messages as the
platform ships them (see tests/standins/README.md). Everything else is real:
the chain, masking, a real ipykernel for the notebook test, and a plug-in
installed as a distribution (a dist-info with an entry point) on sys.path.
PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import safekeys
from conftest import cell_errors, cell_text, source_of
from leakcheck import LeakChecker, Secret, format_findings, notebook_findings

STANDINS = Path(__file__).resolve().parent / "standins"
KEY = "sk-proj-FAKEhostedQ2w4e6r8t0y2u4i6o8p0a2s4d"
TOKEN = "hf_FAKEhostedTokenA1b2C3d4E5f6G7h8I9j0KLm"
PLATFORM_ENV = ("COLAB_RELEASE_TAG", "VERTEX_PRODUCT", "KAGGLE_KERNEL_RUN_TYPE")
PLATFORM_ENV += ("KAGGLE_USER_SECRETS_TOKEN", "DATABRICKS_RUNTIME_VERSION")
STANDIN_MODULES = {"google", "kaggle_secrets", "kaggle_web_client", "databricks_dbutils"}


@pytest.fixture
def platform(monkeypatch, tmp_path, fresh_safekeys):
    """A stand-in platform: ``platform(name, secrets, **env)``."""
    for name in (*PLATFORM_ENV, "SAFEKEYS_STANDIN_MODE", "SAFEKEYS_SOURCES"):
        monkeypatch.delenv(name, raising=False)
    # A stand-in imported by an earlier test must not make this one look like Colab.
    for module in [m for m in sys.modules if m.split(".")[0] in STANDIN_MODULES]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.syspath_prepend(str(STANDINS))
    monkeypatch.setenv("SAFEKEYS_KEYRING", "0")  # the laptop's keyring is not the point here
    monkeypatch.chdir(tmp_path)  # no .env of the repository
    from safekeys.sources import colab, kaggle

    # Each test starts with a platform that has not timed out yet.
    monkeypatch.setattr(colab.COLAB, "_timed_out", False)
    monkeypatch.setattr(kaggle.KAGGLE, "_gone", None)

    def make(name: str, secrets: dict, **env: str) -> None:
        path = tmp_path / "standin-secrets.json"
        path.write_text(json.dumps(secrets))
        monkeypatch.setenv("SAFEKEYS_STANDIN_SECRETS", str(path))
        defaults = {
            "colab": {"COLAB_RELEASE_TAG": "release-colab_20261201-060000_RC00"},
            "kaggle": {"KAGGLE_KERNEL_RUN_TYPE": "Interactive", "KAGGLE_USER_SECRETS_TOKEN": "t"},
            "databricks": {"DATABRICKS_RUNTIME_VERSION": "15.4"},
        }[name]
        for variable, value in {**defaults, **env}.items():
            monkeypatch.setenv(variable, value)

    yield make
    for module in [m for m in sys.modules if m.split(".")[0] in STANDIN_MODULES]:
        del sys.modules[module]


def assert_masked(name: str, value: str) -> None:
    shown = safekeys.scrub(f"key={value} tail={value[4:]}")
    assert value[:12] not in shown and f"[masked:{name}]" in shown


# -- Colab ----------------------------------------------------------------------------------


def test_colab_secrets_are_found_masked_and_recorded(platform):
    platform("colab", {"OPENAI_API_KEY": KEY})
    assert safekeys.getenv("OPENAI_API_KEY") == KEY
    assert source_of("OPENAI_API_KEY") == "colab"
    assert_masked("OPENAI_API_KEY", KEY)
    assert safekeys.getenv("NOT_THERE", "fallback") == "fallback"


def test_colab_comes_after_the_environment(platform, monkeypatch):
    platform("colab", {"OPENAI_API_KEY": KEY})
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-FAKEfromTheEnvironment0123456")
    assert safekeys.getenv("OPENAI_API_KEY") == "sk-proj-FAKEfromTheEnvironment0123456"


def test_colab_without_notebook_access_says_how_to_turn_it_on(platform):
    platform("colab", {"OPENAI_API_KEY": {"no_access": True}})
    with pytest.raises(safekeys.MissingKeyError) as caught:
        safekeys.require("OPENAI_API_KEY")
    assert "turn on notebook access" in str(caught.value)
    assert "Secrets panel" in str(caught.value)


def test_colab_enterprise_is_not_colab(platform):
    platform("colab", {"OPENAI_API_KEY": KEY}, VERTEX_PRODUCT="COLAB_ENTERPRISE")
    assert safekeys.getenv("OPENAI_API_KEY") is None


def test_a_colab_timeout_is_skipped_once_per_process(platform, monkeypatch, caplog):
    platform("colab", {"OPENAI_API_KEY": KEY}, SAFEKEYS_STANDIN_MODE="timeout")
    monkeypatch.setenv("SAFEKEYS_STANDIN_DELAY", "0.5")  # Colab waits 10 s
    with caplog.at_level(logging.INFO, logger="safekeys"):
        started = time.monotonic()
        assert safekeys.getenv("OPENAI_API_KEY", "d") == "d"
        first = time.monotonic() - started
        started = time.monotonic()
        assert safekeys.getenv("OTHER_KEY", "d") == "d"
        second = time.monotonic() - started
    assert first >= 0.5 and second < 0.4  # asked once, then skipped
    lines = [r.getMessage() for r in caplog.records if "Colab" in r.getMessage()]
    assert len(lines) == 1 and "no answer from Colab" in lines[0]


# -- Kaggle ---------------------------------------------------------------------------------


def test_kaggle_secrets_are_found_and_masked(platform):
    platform("kaggle", {"HF_TOKEN": TOKEN})
    assert safekeys.getenv("HF_TOKEN") == TOKEN
    assert source_of("HF_TOKEN") == "kaggle"
    assert_masked("HF_TOKEN", TOKEN)
    assert safekeys.getenv("NOT_ATTACHED") is None  # Kaggle's BackendError: not found


def test_kaggle_needs_its_token_to_be_detected(platform, monkeypatch):
    platform("kaggle", {"HF_TOKEN": TOKEN})
    monkeypatch.delenv("KAGGLE_USER_SECRETS_TOKEN")
    assert safekeys.getenv("HF_TOKEN") is None


@pytest.mark.parametrize("mode", ["offline", "timeout"])
def test_kaggle_with_internet_off_is_skipped_quickly(platform, monkeypatch, caplog, mode):
    platform("kaggle", {"HF_TOKEN": TOKEN}, SAFEKEYS_STANDIN_MODE=mode)
    monkeypatch.setenv("SAFEKEYS_STANDIN_DELAY", "30")  # Kaggle's client waits 40 s
    monkeypatch.setenv("SAFEKEYS_PLATFORM_TIMEOUT", "0.5")
    with caplog.at_level(logging.INFO, logger="safekeys"):
        started = time.monotonic()
        assert safekeys.getenv("HF_TOKEN", "d") == "d"
        assert safekeys.getenv("OTHER", "d") == "d"
        took = time.monotonic() - started
    assert took < 5
    lines = [r.getMessage() for r in caplog.records if "Kaggle" in r.getMessage()]
    assert len(lines) == 1 and "internet off" in lines[0]


# -- Databricks -----------------------------------------------------------------------------


@pytest.fixture
def notebook_namespace(monkeypatch):
    """A real IPython shell whose namespace holds the stand-in ``dbutils``, as a
    Databricks notebook's does. A shell takes over process-wide hooks and
    ``__main__``: they are put back afterwards, for the tests that follow."""
    import builtins

    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    for hook in ("displayhook", "excepthook"):
        monkeypatch.setattr(sys, hook, getattr(sys, hook))
    for attr in ("ps1", "ps2", "ps3"):
        if hasattr(sys, attr):
            monkeypatch.setattr(sys, attr, getattr(sys, attr))
        else:
            monkeypatch.delattr(sys, attr, raising=False)
    monkeypatch.setattr(builtins, "__IPYTHON__", False, raising=False)

    sys.path.insert(0, str(STANDINS))
    try:
        from databricks_dbutils import dbutils
    finally:
        sys.path.remove(str(STANDINS))
    shell = InteractiveShell.instance()
    shell.user_ns["dbutils"] = dbutils
    yield shell
    shell.user_ns.pop("dbutils", None)
    InteractiveShell.clear_instance()


def test_databricks_scopes(platform, monkeypatch, notebook_namespace):
    platform("databricks", {"ml-team": {"OPENAI_API_KEY": KEY}})
    assert safekeys.getenv("OPENAI_API_KEY") is None  # no scope: not asked
    assert safekeys.getenv("ml-team/OPENAI_API_KEY") == KEY
    monkeypatch.setenv("SAFEKEYS_DATABRICKS_SCOPE", "ml-team")
    assert safekeys.getenv("OPENAI_API_KEY") == KEY
    assert source_of("OPENAI_API_KEY") == "databricks"
    assert_masked("OPENAI_API_KEY", KEY)
    assert safekeys.getenv("MISSING_KEY") is None


# -- the chain ------------------------------------------------------------------------------


def test_safekeys_sources_chooses_and_orders(platform, monkeypatch, tmp_path, caplog):
    platform("colab", {"OPENAI_API_KEY": KEY})
    (tmp_path / ".env").write_text("OPENAI_API_KEY=sk-proj-FAKEfromDotenv0123456789abc\n")
    monkeypatch.setenv("SAFEKEYS_SOURCES", "colab,dotenv")
    from safekeys.sources import chain

    assert [s.name for s in chain.sources()] == ["colab", "dotenv"]
    assert safekeys.getenv("OPENAI_API_KEY") == KEY
    monkeypatch.setenv("SAFEKEYS_SOURCES", "env, nonsense")
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        assert [s.name for s in chain.sources()] == ["env"]
    assert any("'nonsense'" in r.getMessage() for r in caplog.records)


def test_doctor_names_the_platform_and_the_sources(platform):
    platform("kaggle", {})
    from safekeys import doctor

    result = doctor.run([], False)
    assert result["platform"] == "kaggle"
    active = [s["name"] for s in result["sources"] if s["active"]]
    assert active == ["env", "dotenv", "kaggle"]
    text = doctor.render(result, False)
    assert "platform: kaggle" in text and "asked, in order: env, dotenv, kaggle" in text


# -- a plug-in source, installed as a distribution ------------------------------------------

PLUGIN = """\
from safekeys.sources.base import Source, SourceUnavailable


class TeamVaultSource(Source):
    name = "teamvault"
    label = "team vault"
    hint = "ask the team vault's admins for {name}"

    def active(self):
        return True

    def lookup(self, name):
        if name == "BROKEN_KEY":
            raise SourceUnavailable(self, "offline", "the team vault is offline")
        return {"PLUGGED_API_KEY": "sk-proj-FAKEfromAPlugin0a1b2c3d4e5f6g7h8"}.get(name)
"""


def install_plugin(site: Path) -> None:
    (site / "teamvault_source.py").write_text(PLUGIN)
    info = site / "teamvault_source-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: teamvault-source\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[safekeys.sources]\nteamvault = teamvault_source:TeamVaultSource\n"
    )


def test_an_installed_plugin_source_is_asked_after_the_built_ins(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    install_plugin(site)
    code = textwrap.dedent(
        """\
        import os, safekeys
        from safekeys.sources import chain
        print([s.name for s in chain.sources()][-1])
        value = safekeys.getenv("PLUGGED_API_KEY")
        print(value == "sk-proj-FAKEfromAPlugin0a1b2c3d4e5f6g7h8")
        print([d.source for d in safekeys.registered() if d.name == "PLUGGED_API_KEY"])
        print(safekeys.scrub("got " + value))
        try:
            safekeys.require("BROKEN_KEY")
        except KeyError as err:
            print("team vault could not be read: the team vault is offline" in str(err))
        # SAFEKEYS_SOURCES puts it first: it now wins over the environment.
        os.environ["PLUGGED_API_KEY"] = "from-the-environment"
        print(safekeys.getenv("PLUGGED_API_KEY"))
        os.environ["SAFEKEYS_SOURCES"] = "teamvault,env"
        print(safekeys.getenv("PLUGGED_API_KEY") == value)
        """
    )
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "SAFEKEYS_KEYRING": "0"}
    for name in PLATFORM_ENV:
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        "teamvault",
        "True",
        "['team vault']",
        "got [masked:PLUGGED_API_KEY]",
        "True",
        "from-the-environment",
        "True",
    ]


# -- a real kernel --------------------------------------------------------------------------


def test_a_colab_notebook_gets_its_key_masked_everywhere(run_notebook, tmp_path):
    secrets = tmp_path / "standin-secrets.json"
    secrets.write_text(json.dumps({"OPENAI_API_KEY": KEY}))
    env = {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(STANDINS), os.environ.get("PYTHONPATH")])),
        "COLAB_RELEASE_TAG": "release-colab_20261201-060000_RC00",
        "SAFEKEYS_STANDIN_SECRETS": str(secrets),
        "SAFEKEYS_KEYRING": "0",
    }
    checker = LeakChecker([Secret("OPENAI_API_KEY", KEY)])
    # What Colab users write today: the value prints as it is.
    baseline = run_notebook(
        ["from google.colab import userdata\nkey = userdata.get('OPENAI_API_KEY')\nprint(key)"],
        tmp_path,
        env=env,
    )
    assert notebook_findings(checker, baseline), "the stand-in's value did not print"
    cells = [
        "%load_ext safekeys",
        "from safekeys import getenv\nkey = getenv('OPENAI_API_KEY')\nprint(key)",
        "key",
        "{'config': {'api_key': key}}",
        "raise RuntimeError(f'request failed with key {key}')",
        "%safekeys",
    ]
    nb = run_notebook(cells, tmp_path, env=env, allow_errors=True)
    found = notebook_findings(checker, nb)
    assert not found, format_findings(found)
    assert [e[1] for e in cell_errors(nb)] == ["RuntimeError"]
    assert "[masked:OPENAI_API_KEY]" in cell_text(nb.cells[1])
    table = cell_text(nb.cells[5])
    assert "OPENAI_API_KEY" in table and "colab" in table


def test_entry_points_are_read_as_importlib_metadata_reads_them(tmp_path, monkeypatch):
    # safekeys reads entry_points.txt itself (importlib.metadata costs 60 ms
    # here on the first miss): the same entries, in the same order.
    site = tmp_path / "site"
    site.mkdir()
    install_plugin(site)
    other = site / "other_pkg-2.0.dist-info"
    other.mkdir()
    (other / "METADATA").write_text("Metadata-Version: 2.1\nName: other-pkg\nVersion: 2.0\n")
    (other / "entry_points.txt").write_text(
        "[console_scripts]\nother = other_pkg:main\n\n"
        "# a comment\n[safekeys.sources]\n"
        "vaulty = other_pkg.sources:Vaulty [extra]\nnested = other_pkg:sources.Nested\n"
    )
    monkeypatch.syspath_prepend(str(site))
    from safekeys.sources import plugins

    direct = [e for e in plugins._entry_points() if e[0] in ("teamvault", "vaulty", "nested")]
    metadata = [
        (name, value.split("[")[0].strip())  # the extras are not needed to load it
        for name, value in plugins._from_importlib_metadata()
        if name in ("teamvault", "vaulty", "nested")
    ]
    assert (
        sorted(direct)
        == sorted(metadata)
        == sorted(
            [
                ("teamvault", "teamvault_source:TeamVaultSource"),
                ("vaulty", "other_pkg.sources:Vaulty"),
                ("nested", "other_pkg:sources.Nested"),
            ]
        )
    )
