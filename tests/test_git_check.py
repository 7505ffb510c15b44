"""The git check of a loaded ``.env`` without starting git: whenever it answers
from the repository's files ("ignored and untracked"), git itself says the same;
every other case is left to git, and the warnings are what git's answer gives."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from safekeys.dotenv import hygiene

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def no_user_config(tmp_path, monkeypatch):
    """git here and in hygiene reads no global or system config (excludes files)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(*args: str, cwd) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.stdout


def make(tmp_path, files: dict[str, str]):
    top = tmp_path / "repo"
    top.mkdir()
    git("init", "-q", cwd=top)
    for rel, text in files.items():
        path = top / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return top


def git_says(top, rel: str) -> str:
    out = subprocess.run(
        ["git", "status", "--porcelain=v1", "--ignored", "-z", "--", rel],
        cwd=top,
        capture_output=True,
        timeout=30,
        check=True,
    ).stdout
    return out[:2].decode()


# (name, files, the .env's path, whether the fast path should answer by itself)
CASES = [
    ("listed", {".gitignore": ".env\n", ".env": "A=1\n"}, ".env", True),
    ("listed-anchored", {".gitignore": "/.env\n", ".env": "A=1\n"}, ".env", True),
    ("glob", {".gitignore": "*.log\n.env*\n", ".env": "A=1\n"}, ".env", True),
    ("star-glob", {".gitignore": "*env\n", "sub/.env": "A=1\n"}, "sub/.env", True),
    ("question", {".gitignore": ".en?\n", ".env": "A=1\n"}, ".env", True),
    ("in-subdir", {".gitignore": ".env\n", "nb/deep/.env": "A=1\n"}, "nb/deep/.env", True),
    ("subdir-gitignore", {"nb/.gitignore": ".env\n", "nb/.env": "A=1\n"}, "nb/.env", True),
    ("dir-ignored", {".gitignore": "secrets/\n", "secrets/.env": "A=1\n"}, "secrets/.env", True),
    ("anchored-path", {".gitignore": "nb/.env\n", "nb/.env": "A=1\n"}, "nb/.env", True),
    ("anchored-elsewhere", {".gitignore": "/.env\n", "nb/.env": "A=1\n"}, "nb/.env", False),
    ("dir-only-file", {".gitignore": ".env/\n", ".env": "A=1\n"}, ".env", False),
    ("not-listed", {".gitignore": "*.log\n", ".env": "A=1\n"}, ".env", False),
    ("no-gitignore", {".env": "A=1\n"}, ".env", False),
    ("negated", {".gitignore": ".env*\n!.env\n", ".env": "A=1\n"}, ".env", False),
    (
        "negated-deeper",
        {".gitignore": ".env\n", "nb/.gitignore": "!.env\n", "nb/.env": "A=1\n"},
        "nb/.env",
        False,
    ),
    ("comment", {".gitignore": "# .env\n", ".env": "A=1\n"}, ".env", False),
    ("escaped", {".gitignore": "\\.env\n", ".env": "A=1\n"}, ".env", False),
    ("trailing-space", {".gitignore": ".env   \n", ".env": "A=1\n"}, ".env", True),
    ("crlf", {".gitignore": ".env\r\n", ".env": "A=1\n"}, ".env", False),
    ("info-exclude", {".git/info/exclude": ".env\n", ".env": "A=1\n"}, ".env", True),
    ("double-star", {".gitignore": "**/.env\n", "a/b/.env": "A=1\n"}, "a/b/.env", False),
    ("char-class", {".gitignore": ".[e]nv\n", ".env": "A=1\n"}, ".env", False),
]


@pytest.mark.parametrize(("name", "files", "rel", "fast"), CASES, ids=[c[0] for c in CASES])
def test_the_fast_answer_is_gits_answer(tmp_path, name, files, rel, fast):
    top = make(tmp_path, files)
    path = os.path.join(top, rel)
    answered = hygiene._ignored_and_untracked(path, str(top))
    assert answered == fast
    if answered:
        assert git_says(top, rel) == "!!"
    # And what load_dotenv warns about is what git's own status gives.
    expected = git_says(top, rel) not in ("!!",)
    assert (hygiene.git_exposure(path) is not None) == expected


def test_a_tracked_ignored_file_is_left_to_git(tmp_path):
    top = make(tmp_path, {".env": "A=1\n"})
    git("add", ".env", cwd=top)
    (top / ".gitignore").write_text(".env\n")
    assert not hygiene._ignored_and_untracked(str(top / ".env"), str(top))
    problem = hygiene.git_exposure(str(top / ".env"))
    assert problem is not None and problem.code == "tracked"


def test_another_tracked_file_of_the_same_name_does_not_confuse_it(tmp_path):
    top = make(tmp_path, {".gitignore": "/.env\n", "other/.env": "B=2\n", ".env": "A=1\n"})
    git("add", "-f", "other/.env", cwd=top)
    assert hygiene._ignored_and_untracked(str(top / ".env"), str(top))
    assert git_says(top, ".env") == "!!"


def test_index_version_4_is_left_to_git(tmp_path):
    top = make(tmp_path, {".gitignore": ".env\n", "x.txt": "x\n", ".env": "A=1\n"})
    git("add", "x.txt", cwd=top)
    git("update-index", "--index-version", "4", cwd=top)
    assert not hygiene._ignored_and_untracked(str(top / ".env"), str(top))
    assert hygiene.git_exposure(str(top / ".env")) is None  # git said "!!"


def test_a_linked_worktree_reads_its_own_index_and_the_shared_exclude(tmp_path):
    top = make(tmp_path, {"x.txt": "x\n"})
    git("add", "x.txt", cwd=top)
    git("-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "x", cwd=top)
    (top / ".git" / "info").mkdir(exist_ok=True)
    (top / ".git" / "info" / "exclude").write_text(".env\n")
    linked = tmp_path / "linked"
    git("worktree", "add", "-q", str(linked), cwd=top)
    assert (linked / ".git").is_file()
    (linked / ".env").write_text("A=1\n")
    assert hygiene._ignored_and_untracked(str(linked / ".env"), str(linked))
    assert git_says(linked, ".env") == "!!"


def test_git_dir_in_the_environment_is_left_to_git(tmp_path, monkeypatch):
    top = make(tmp_path, {".gitignore": ".env\n", ".env": "A=1\n"})
    monkeypatch.setenv("GIT_DIR", str(top / ".git"))
    assert not hygiene._ignored_and_untracked(str(top / ".env"), str(top))
