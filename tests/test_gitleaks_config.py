"""gitleaks configuration files: ``safekeys scan --config FILE``, the repository's
``.gitleaks.toml``, and the plain git pre-commit hook, with a real gitleaks-style
file (several rules, one regex Rust's engine cannot compile, allowlists of every
kind) in real git repositories."""

from __future__ import annotations

import json
import os
import random
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
from safekeys.scanner import api, gitleaks

ROOT = Path(__file__).resolve().parent.parent
HOOK = ROOT / "hooks" / "pre-commit"
RNG = random.Random(2026)


def rand(n: int, alphabet: str = string.ascii_lowercase + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


# Made-up providers: no built-in format knows them, only the file's rules do.
ACME = "acme" + "_live_" + rand(24)
WIDGET = rand(32, "0123456789abcdef")
INTERNAL = "INT-" + rand(20, string.ascii_uppercase + string.digits)

CONFIG = r"""
title = "team rules"

[extend]
useDefault = true

[[rules]]
id = "acme-live-key"
description = "Acme live API key"
regex = '''\b(acme_live_[a-z0-9]{24})\b'''
keywords = ["acme_live_"]
entropy = 3.0

[[rules]]
id = "widget-ref"
description = "Widget reference after its name"
regex = '''(?i)widget[_-]?ref\s*[:=]\s*["']?([a-f0-9]{32})["']?'''
secretGroup = 1
keywords = ["widget"]

[rules.allowlist]
stopwords = ["deadbeef"]

[[rules]]
id = "internal-key"
regex = '''\bINT-[A-Z0-9]{20}\b'''
path = '''\.(py|ipynb|cfg)$'''

[[rules.allowlists]]
regexTarget = "line"
regexes = ['''#\s*safekeys:\s*fixture''']

[[rules]]
id = "look-behind"
description = "Go's engine has no look-around either, but this file has one"
regex = '''(?<=token=)[a-z]{10}'''

[[rules]]
description = "a rule without an id"
regex = "x"

[allowlist]
description = "vendored and generated"
paths = ['''(^|/)vendor/''']
commits = ["0123456789abcdef0123456789abcdef01234567"]

[[allowlists]]
description = "the docs' example key of the built-in formats"
regexes = ['''^ghp_[A-Za-z0-9]*TESTONLY''']
"""


def _git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def git_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PYTEST_"))}
    bin_dir = Path(sys.executable).parent
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(tmp_path / "home"),
        GIT_CONFIG_NOSYSTEM="1",
        SAFEKEYS_SCAN_ARGS="--no-keyring",
    )
    (tmp_path / "home").mkdir()
    if not shutil.which("safekeys", path=env["PATH"]):
        pytest.fail("no `safekeys` script beside this interpreter: install the package first")
    return env


@pytest.fixture
def repo(tmp_path: Path, git_env: dict[str, str]) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    for args in (
        ("init", "-q", "-b", "main"),
        ("config", "user.email", "dev@example.invalid"),
        ("config", "user.name", "Dev"),
        ("config", "commit.gpgsign", "false"),
    ):
        assert _git(repo, *args, env=git_env).returncode == 0
    return repo


def test_the_file_loads_with_the_bad_rule_skipped_by_id(tmp_path: Path) -> None:
    path = tmp_path / "gitleaks.toml"
    path.write_text(CONFIG)
    config = gitleaks.load(path)
    assert config.loaded == 3
    notes = "\n".join(config.notes)
    assert "rule look-behind:" in notes and "skipped" in notes
    assert "rule #5: no id" in notes
    assert "commits ignored" in notes
    assert "[extend] is not followed" in notes
    # The notes name rules, never their patterns.
    assert "(?<=" not in notes and "acme_live_[" not in notes


def test_custom_rules_and_allowlists_in_a_scan(tmp_path: Path) -> None:
    config = tmp_path / "rules.toml"
    config.write_text(CONFIG)
    tree = tmp_path / "tree"
    (tree / "vendor").mkdir(parents=True)
    (tree / "app.py").write_text(
        f"ACME = '{ACME}'\n"
        f"widget_ref = '{WIDGET}'\n"
        f"widget_ref = 'deadbeef{WIDGET[8:]}'\n"
        f"KEY = '{INTERNAL}'\n"
        f"KEY2 = '{INTERNAL}'  # safekeys: fixture\n"
        f"ACME_LOW = 'acme_live_{'a' * 24}'\n"
    )
    (tree / "notes.md").write_text(f"internal: {INTERNAL}\n")
    (tree / "vendor" / "lib.py").write_text(f"ACME = '{ACME}'\n")
    report = api.scan_report([tree], keyring=False, dotenv=False, config=config, cwd=tree)
    found = sorted((Path(f.path).name, f.line, f.kind) for f in report.findings)
    assert found == [
        ("app.py", 1, "acme-live-key"),
        ("app.py", 2, "widget-ref"),
        ("app.py", 4, "internal-key"),
    ]
    # Snippets are masked with the rule's id; no secret in any finding or note.
    everything = json.dumps([f.to_dict() for f in report.findings]) + repr(report.notes)
    for secret in (ACME, WIDGET, INTERNAL):
        assert secret not in everything
    assert "[masked:acme-live-key]" in report.findings[0].snippet
    assert any(n.kind == "config" and "look-behind" in n.message for n in report.notes)


def test_global_allowlists_silence_built_in_formats_too(tmp_path: Path) -> None:
    config = tmp_path / "rules.toml"
    config.write_text(CONFIG)
    example = "ghp_" + rand(28, string.ascii_letters) + "TESTONLY"
    real = "ghp_" + rand(36, string.ascii_letters + string.digits)
    (tmp_path / "a.py").write_text(f"t = '{example}'\nu = '{real}'\n")
    with_config = api.scan_report(
        [tmp_path / "a.py"], keyring=False, dotenv=False, config=config, cwd=tmp_path
    )
    assert [(f.line, f.kind) for f in with_config.findings] == [(2, "github-token")]
    without = api.scan_report(
        [tmp_path / "a.py"], keyring=False, dotenv=False, repo_config=False, cwd=tmp_path
    )
    assert [f.line for f in without.findings] == [1, 2]


def test_notebooks_and_the_input_guard_api_see_the_rules(tmp_path: Path) -> None:
    config_path = tmp_path / "rules.toml"
    config_path.write_text(CONFIG)
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "c1",
                "metadata": {},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": [ACME + "\n"]}],
                "source": ["print(acme.key)"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "a.ipynb").write_text(json.dumps(nb))
    report = api.scan_report(
        [tmp_path / "a.ipynb"], keyring=False, dotenv=False, config=config_path, cwd=tmp_path
    )
    assert [(f.kind, f.part, f.fixable) for f in report.findings] == [
        ("acme-live-key", "output", True)
    ]
    loaded = gitleaks.load(config_path)
    assert [h.kind for h in api.find_in_source(f"k = '{ACME}'\n", loaded)] == ["acme-live-key"]
    assert api.find_in_source(f"k = '{ACME}'\n") == []


def test_cli_config_option_repo_file_and_bad_files(
    tmp_path: Path, repo: Path, git_env: dict[str, str]
) -> None:
    (repo / "app.py").write_text(f"KEY = '{ACME}'\n")

    def scan(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["safekeys", "scan", "--no-keyring", "--format", "json", *args],
            cwd=repo,
            env=git_env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert scan().returncode == 0  # no rules: nothing known of Acme
    elsewhere = tmp_path / "team.toml"
    elsewhere.write_text(CONFIG)
    found = scan("--config", str(elsewhere))
    assert found.returncode == 1, found.stderr
    assert [f["kind"] for f in json.loads(found.stdout)["findings"]] == ["acme-live-key"]
    assert ACME not in found.stdout + found.stderr
    assert "look-behind" in found.stderr
    # The repository's own .gitleaks.toml is read without being named.
    (repo / ".gitleaks.toml").write_text(CONFIG)
    assert scan().returncode == 1
    assert scan("--no-config").returncode == 0
    bad = tmp_path / "bad.toml"
    bad.write_text(f"[[rules]]\nid = 'x'\nregex = '{ACME}\n")
    refused = scan("--config", str(bad))
    assert refused.returncode == 2
    assert "not valid TOML" in refused.stderr and ACME not in refused.stderr
    assert scan("--config", str(tmp_path / "missing.toml")).returncode == 2


def test_the_pre_commit_hook_uses_the_repository_rules(repo: Path, git_env: dict[str, str]) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    shutil.copyfile(HOOK, hook)
    hook.chmod(0o755)
    (repo / ".gitleaks.toml").write_text(CONFIG)
    assert _git(repo, "add", ".gitleaks.toml", env=git_env).returncode == 0
    assert _git(repo, "commit", "-q", "-m", "rules", env=git_env).returncode == 0
    (repo / "vendor").mkdir()
    (repo / "vendor" / "lib.py").write_text(f"ACME = '{ACME}'\n")
    assert _git(repo, "add", "vendor/lib.py", env=git_env).returncode == 0
    ok = _git(repo, "commit", "-q", "-m", "vendored", env=git_env)
    assert ok.returncode == 0, ok.stdout + ok.stderr  # the path allowlist
    (repo / "settings.cfg").write_text(f"key = {INTERNAL}\n")
    assert _git(repo, "add", "settings.cfg", env=git_env).returncode == 0
    refused = _git(repo, "commit", "-q", "-m", "leak", env=git_env)
    assert refused.returncode != 0
    assert "internal-key" in refused.stdout + refused.stderr
    assert INTERNAL not in refused.stdout + refused.stderr


GITLEAKS_DEFAULT = os.environ.get("SAFEKEYS_GITLEAKS_DEFAULT_CONFIG")


@pytest.mark.skipif(
    not GITLEAKS_DEFAULT, reason="set SAFEKEYS_GITLEAKS_DEFAULT_CONFIG to gitleaks' gitleaks.toml"
)
def test_gitleaks_default_rules_load_with_few_skips() -> None:
    assert GITLEAKS_DEFAULT
    config = gitleaks.load(GITLEAKS_DEFAULT)
    skipped = [n for n in config.notes if n.startswith("rule ") and n.endswith("skipped")]
    assert config.loaded >= 200, (config.loaded, skipped)
    assert len(skipped) <= 10, skipped
