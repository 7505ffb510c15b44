"""The commit hooks refuse a commit holding a key, in real git repositories.

``hooks/pre-commit`` (the plain git hook) is installed as-is into a fresh repository;
the pre-commit framework runs a ``repo: local`` hook built from our
``.pre-commit-hooks.yaml`` entry against the installed ``safekeys`` (building the
package from a git URL would need a Rust build), and the manifest itself is
checked with ``pre-commit validate-manifest``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from corpus import KINDS

ROOT = Path(__file__).resolve().parent.parent
HOOK = ROOT / "hooks" / "pre-commit"
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
# Where pip put the `safekeys` script for this interpreter (the venv's bin, or e.g.
# /usr/local/bin for a system install).
BIN = Path(sysconfig.get_path("scripts"))


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PYTEST_", "PRE_COMMIT"))
    }
    path = f"{BIN}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if not shutil.which("safekeys", path=path):
        pytest.fail(f"no `safekeys` script in {BIN} or on PATH: install the package first")
    env.update(
        PATH=path,
        HOME=str(tmp_path / "home"),
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        # The hook must not reach the user's keyring from a test.
        SAFEKEYS_SCAN_ARGS="--no-keyring",
    )
    env.update(extra)
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


def _git(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=120
    )


def _repo(tmp_path: Path, env: dict[str, str]) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    for args in (
        ("init", "-q", "-b", "main"),
        ("config", "user.email", "dev@example.invalid"),
        ("config", "user.name", "Dev"),
        ("config", "commit.gpgsign", "false"),
    ):
        assert _git(repo, env, *args).returncode == 0
    return repo


def _notebook_with(key: str) -> str:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "a1b2c3d4",
                "metadata": {},
                "outputs": [
                    {"name": "stdout", "output_type": "stream", "text": [f"using {key}\n"]}
                ],
                "source": ["print(client.api_key)"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, sort_keys=True) + "\n"


def _commits(repo: Path, env: dict[str, str]) -> int:
    out = _git(repo, env, "rev-list", "--count", "--all")
    return int(out.stdout.strip() or 0) if out.returncode == 0 else 0


@pytest.fixture
def key() -> str:
    return KINDS["openai-proj"](random.Random())


def test_plain_git_hook_refuses_a_key_and_passes_clean_commits(tmp_path: Path, key: str) -> None:
    env = _env(tmp_path)
    repo = _repo(tmp_path, env)
    hook = repo / ".git" / "hooks" / "pre-commit"
    shutil.copyfile(HOOK, hook)
    hook.chmod(0o755)

    # The first (root) commit, clean, goes through the hook and passes.
    (repo / "README.md").write_text("# project\n\nNothing secret here: sk-... goes in .env\n")
    (repo / "analysis.py").write_text("import os\nkey = os.environ['OPENAI_API_KEY']\n")
    assert _git(repo, env, "add", "README.md", "analysis.py").returncode == 0
    ok = _git(repo, env, "commit", "-q", "-m", "clean")
    assert ok.returncode == 0, ok.stderr
    assert _commits(repo, env) == 1

    # A notebook whose output holds a key: refused, nothing committed, key not echoed.
    (repo / "my notebook.ipynb").write_text(_notebook_with(key))
    assert _git(repo, env, "add", "my notebook.ipynb").returncode == 0
    refused = _git(repo, env, "commit", "-q", "-m", "leak")
    assert refused.returncode != 0
    assert _commits(repo, env) == 1
    shown = refused.stdout + refused.stderr
    assert "my notebook.ipynb" in shown
    assert "commit refused" in shown
    assert key not in shown and key[10:30] not in shown

    # An untracked file with a key does not block a commit of other, clean files.
    assert _git(repo, env, "reset", "-q").returncode == 0
    (repo / "notes.md").write_text("Meeting notes: rotate keys monthly.\n")
    assert _git(repo, env, "add", "notes.md").returncode == 0
    ok = _git(repo, env, "commit", "-q", "-m", "notes")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert _commits(repo, env) == 2

    # Removing the key from the output makes the notebook committable.
    (repo / "my notebook.ipynb").write_text(_notebook_with("[masked:OPENAI_API_KEY]"))
    assert _git(repo, env, "add", "my notebook.ipynb").returncode == 0
    ok = _git(repo, env, "commit", "-q", "-m", "notebook without the key")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert _commits(repo, env) == 3

    # A commit that only deletes files is not scanned (there is nothing to add).
    assert _git(repo, env, "rm", "-q", "notes.md").returncode == 0
    assert _git(repo, env, "commit", "-q", "-m", "drop notes").returncode == 0
    assert _commits(repo, env) == 4


def test_plain_git_hook_scans_what_the_commit_holds(tmp_path: Path, key: str) -> None:
    """The staged version decides, not the working copy: a key staged and then
    removed from the working copy is refused; a key only in an unstaged hunk,
    or added in a renamed file, is judged by what is staged."""
    env = _env(tmp_path)
    repo = _repo(tmp_path, env)
    shutil.copyfile(HOOK, repo / ".git" / "hooks" / "pre-commit")
    (repo / ".git" / "hooks" / "pre-commit").chmod(0o755)
    (repo / "config.py").write_text("TIMEOUT = 30\n")
    assert _git(repo, env, "add", "config.py").returncode == 0
    assert _git(repo, env, "commit", "-q", "-m", "start").returncode == 0

    # Staged with the key, then cleaned in the working copy only: the commit would hold it.
    (repo / "config.py").write_text(f"TIMEOUT = 30\nAPI_KEY = '{key}'\n")
    assert _git(repo, env, "add", "config.py").returncode == 0
    (repo / "config.py").write_text("TIMEOUT = 30\n")
    refused = _git(repo, env, "commit", "-q", "-m", "sneaky")
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "config.py:2" in refused.stdout + refused.stderr
    assert key[10:30] not in refused.stdout + refused.stderr
    assert _commits(repo, env) == 1

    # Clean staged, key only in the working copy: the commit holds no key and passes.
    assert _git(repo, env, "add", "config.py").returncode == 0
    (repo / "config.py").write_text(f"TIMEOUT = 30\nAPI_KEY = '{key}'\n")
    ok = _git(repo, env, "commit", "-q", "--allow-empty", "-m", "nothing staged with a key")
    assert ok.returncode == 0, ok.stdout + ok.stderr

    # A key added to a file while renaming it: git reports it as renamed (R), not added.
    options = "".join(f"OPTION_{i} = {i}\n" for i in range(30))
    (repo / "config.py").write_text(options)
    assert _git(repo, env, "add", "config.py").returncode == 0
    assert _git(repo, env, "commit", "-q", "-m", "options").returncode == 0
    (repo / "config.py").rename(repo / "settings.py")
    (repo / "settings.py").write_text(f"{options}API_KEY = '{key}'\n")
    assert _git(repo, env, "add", "-A").returncode == 0
    status = _git(repo, env, "diff", "--cached", "--name-status").stdout
    assert status.startswith("R"), status
    refused = _git(repo, env, "commit", "-q", "-m", "rename with a key")
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "settings.py:31" in refused.stdout + refused.stderr


def test_scan_staged_needs_a_repository(tmp_path: Path) -> None:
    env = _env(tmp_path)
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "safekeys", "scan", "--staged"],
        cwd=outside,
        env={**env, "GIT_CEILING_DIRECTORIES": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--staged needs a git work tree" in done.stderr


def test_plain_git_hook_refuses_when_safekeys_is_missing(tmp_path: Path) -> None:
    # A PATH with only what the hook needs besides safekeys.
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("git", "xargs"):
        found = shutil.which(tool)
        assert found, tool
        (tools / tool).symlink_to(found)
    env = _env(tmp_path)
    env["PATH"] = str(tools)
    repo = _repo(tmp_path, env)
    shutil.copyfile(HOOK, repo / ".git" / "hooks" / "pre-commit")
    (repo / ".git" / "hooks" / "pre-commit").chmod(0o755)
    (repo / "a.txt").write_text("hello\n")
    _git(repo, env, "add", "a.txt")
    out = _git(repo, env, "commit", "-q", "-m", "x")
    assert out.returncode != 0
    assert "not on PATH" in out.stderr


def _pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_manifest_is_valid_for_pre_commit(tmp_path: Path) -> None:
    out = _pre_commit(ROOT, _env(tmp_path), "validate-manifest", str(MANIFEST))
    assert out.returncode == 0, out.stdout + out.stderr
    import yaml

    (hook,) = yaml.safe_load(MANIFEST.read_text())
    assert hook["id"] == "safekeys-scan"
    assert hook["entry"] == "safekeys scan"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True


def test_pre_commit_framework_refuses_a_key(tmp_path: Path, key: str) -> None:
    import yaml

    (hook,) = yaml.safe_load(MANIFEST.read_text())
    env = _env(tmp_path)
    repo = _repo(tmp_path, env)
    # Our manifest's hook, run from the installed safekeys instead of a fresh build.
    local = {k: hook[k] for k in ("id", "name", "entry", "pass_filenames", "types_or")}
    local.update(language="system", args=["--no-keyring"])
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (repo / "clean.py").write_text("print('hello')\n")
    _git(repo, env, "add", ".pre-commit-config.yaml", "clean.py")
    installed = _pre_commit(repo, env, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    ok = _git(repo, env, "commit", "-q", "-m", "clean")
    assert ok.returncode == 0, ok.stdout + ok.stderr

    (repo / "leak.ipynb").write_text(_notebook_with(key))
    (repo / "config.yaml").write_text(f"openai:\n  api_key: {key}\n")
    _git(repo, env, "add", "leak.ipynb", "config.yaml")
    refused = _git(repo, env, "commit", "-q", "-m", "leak")
    shown = refused.stdout + refused.stderr
    assert refused.returncode != 0, shown
    assert "safekeys-scan" in shown or "safekeys scan" in shown
    assert "leak.ipynb" in shown and "config.yaml" in shown
    assert key not in shown
    assert _commits(repo, env) == 1
