"""``.env`` hygiene on real files, real git repositories and files of another
owner: warnings when a file is loaded, ``find_dotenv``'s ownership refusal,
and ``safekeys doctor`` (CLI and ``%safekeys doctor`` in a real kernel).

Another owner, as root: files are given to a uid no account has (no user is
created). ``SAFEKEYS_TEST_SYSTEM_USER=1`` creates a real user instead (its name
in messages is checked too) and deletes it afterwards, also when the run is
killed."""

from __future__ import annotations

import json
import logging
import os
import pwd
import shutil
import subprocess
import sys
import uuid

import pytest
import safekeys
from conftest import cell_text
from safekeys.dotenv import hygiene as _hygiene

SECRET = "sk-proj-" + "Hy9Wq2Zr7Lt4Xv8Nb1Mc6Kd3Jf5Ps0Yg"
OTHER_USER = "safekeys-other"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """Each test starts with nothing said yet and no trusted directories."""
    monkeypatch.setattr(_hygiene, "_said", set())
    for var in ("SAFEKEYS_HYGIENE", "SAFEKEYS_TRUSTED_DIRS", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    yield
    os.environ.pop("OPENAI_API_KEY", None)


def write_env(directory, mode=0o644):
    path = directory / ".env"
    path.write_text(f"OPENAI_API_KEY={SECRET}\n")
    os.chmod(path, mode)
    return path


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def doctor(*args, cwd):
    done = subprocess.run(
        [sys.executable, "-m", "safekeys", "doctor", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"},
    )
    assert SECRET[8:20] not in done.stdout + done.stderr
    return done


def hygiene_messages(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "safekeys"]


def test_a_file_others_can_read_is_warned_about_once(tmp_path, caplog):
    path = write_env(tmp_path, 0o644)
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        safekeys.load_dotenv(path, override=True)
        safekeys.load_dotenv(path, override=True)
    assert hygiene_messages(caplog) == [
        f"{path} can be read by its group and every user on this machine "
        f"(mode 0644); make it private with `chmod 600 {path}` (or `safekeys doctor --fix`)"
    ]
    caplog.clear()
    os.chmod(path, 0o600)
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        safekeys.load_dotenv(path, override=True)
    assert hygiene_messages(caplog) == []
    os.chmod(path, 0o640)
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        safekeys.load_dotenv(path, override=True)
    assert hygiene_messages(caplog) == [
        f"{path} can be read by its group (mode 0640); "
        f"make it private with `chmod 600 {path}` (or `safekeys doctor --fix`)"
    ]


def test_the_checks_can_be_turned_off(tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("SAFEKEYS_HYGIENE", "0")
    path = write_env(tmp_path, 0o666)
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        safekeys.load_dotenv(path)
    assert hygiene_messages(caplog) == []


@needs_git
def test_a_file_git_would_commit_is_warned_about(tmp_path, caplog):
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "sub").mkdir()
    path = write_env(tmp_path / "sub", 0o600)
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        safekeys.load_dotenv(path)
    assert hygiene_messages(caplog) == [
        f"{path} is in the git work tree {tmp_path} and git does not ignore it; "
        f"add the line `.env` to {tmp_path / '.gitignore'} (or `safekeys doctor --fix`)"
    ]


@needs_git
def test_an_ignored_file_and_a_file_outside_git_are_fine(tmp_path):
    git("init", "-q", cwd=tmp_path)
    (tmp_path / ".gitignore").write_text("*.log\n.env\n")
    assert _hygiene.check(str(write_env(tmp_path, 0o600))) == []
    outside = tmp_path.parent / f"outside-{uuid.uuid4().hex}"
    outside.mkdir()
    assert _hygiene.git_exposure(str(write_env(outside, 0o600))) is None


@needs_git
def test_doctor_reports_fixes_and_exit_codes(tmp_path):
    git("init", "-q", cwd=tmp_path)
    (tmp_path / ".gitignore").write_text("*.log")  # no final newline
    write_env(tmp_path, 0o644)
    (tmp_path / ".env.example").write_text("OPENAI_API_KEY=\n")

    before = doctor(cwd=tmp_path)
    assert before.returncode == 1, before.stdout
    assert "2 problem(s) found. `safekeys doctor --fix` would fix 2:" in before.stdout
    assert f"chmod 600 {tmp_path / '.env'}" in before.stdout
    assert ".env.example" not in before.stdout, "templates are meant to be committed"
    assert (tmp_path / ".gitignore").read_text() == "*.log", "no change without --fix"

    fixed = doctor("--fix", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout
    assert f"fixed: made {tmp_path / '.env'} private (mode 0600)" in fixed.stdout
    assert os.stat(tmp_path / ".env").st_mode & 0o777 == 0o600
    assert (tmp_path / ".gitignore").read_text() == "*.log\n.env\n"

    after = doctor("--json", cwd=tmp_path)
    assert after.returncode == 0
    report = json.loads(after.stdout)
    assert report["problems"] == 0
    assert [f["path"] for f in report["files"]] == [str(tmp_path / ".env")]


@needs_git
def test_a_tracked_file_needs_a_person(tmp_path):
    git("init", "-q", cwd=tmp_path)
    path = write_env(tmp_path, 0o600)
    git("add", ".env", cwd=tmp_path)
    done = doctor("--fix", str(path), cwd=tmp_path)
    assert done.returncode == 1
    assert "is tracked by git" in done.stdout
    assert "git rm --cached .env" in done.stdout
    assert not (tmp_path / ".gitignore").exists(), "--fix never guesses for tracked files"


class Owner:
    """Someone other than the tests' user: ``uid``, ``gid`` and how messages name them."""

    def __init__(self, uid: int, gid: int, named: str) -> None:
        self.pw_uid, self.pw_gid, self.named = uid, gid, named


def unused_uid() -> int:
    """A uid no account on this machine has: a file given to it has another owner."""
    uid = 54321
    while True:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
        uid += 1


# In the account's comment: an account left by a killed run is recognised as ours.
USER_MARK = "safekeys tests (safe to delete)"


def system_user():
    """A real account (SAFEKEYS_TEST_SYSTEM_USER=1), deleted afterwards: at the end
    of the module, or by a watcher in its own session once this process is gone,
    however it ended (even SIGKILL)."""
    try:
        entry = pwd.getpwnam(OTHER_USER)
        ours = entry.pw_gecos == USER_MARK  # left by a killed run: delete it this time
    except KeyError:
        subprocess.run(
            [
                *("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin"),
                *("--comment", USER_MARK, OTHER_USER),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        entry = pwd.getpwnam(OTHER_USER)
        ours = True
    watcher = None
    if ours:
        watcher = subprocess.Popen(
            [
                "sh",
                "-c",
                'while kill -0 "$1" 2>/dev/null; do sleep 1; done; userdel "$2"',
                "safekeys-user-watcher",
                str(os.getpid()),
                OTHER_USER,
            ],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    try:
        yield Owner(entry.pw_uid, entry.pw_gid, f"{OTHER_USER} (uid {entry.pw_uid})")
    finally:
        if watcher is not None:
            watcher.kill()
            watcher.wait(timeout=30)
            subprocess.run(["userdel", OTHER_USER], capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def other_user():
    """Another owner for the foreign-owner checks (the tests run as root in CI)."""
    if os.geteuid() != 0:
        pytest.skip("giving a file to another owner (chown) needs root")
    if os.environ.get("SAFEKEYS_TEST_SYSTEM_USER") == "1":
        yield from system_user()
        return
    uid = unused_uid()
    yield Owner(uid, uid, f"uid {uid}")


def test_the_other_owner_is_no_account_unless_asked_for(other_user):
    if os.environ.get("SAFEKEYS_TEST_SYSTEM_USER") == "1":
        assert pwd.getpwuid(other_user.pw_uid).pw_name == OTHER_USER
    else:
        with pytest.raises(KeyError):
            pwd.getpwuid(other_user.pw_uid)


def test_find_dotenv_refuses_a_file_another_user_left_above(
    tmp_path, other_user, caplog, monkeypatch
):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp: root's, writable by all, sticky
    planted = write_env(shared)
    os.chown(planted, other_user.pw_uid, other_user.pw_gid)
    mine = shared / "mine" / "notebooks"
    mine.mkdir(parents=True)
    monkeypatch.chdir(mine)
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        assert safekeys.find_dotenv(usecwd=True) == ""
        assert safekeys.load_dotenv() is False
    assert "OPENAI_API_KEY" not in os.environ
    message = hygiene_messages(caplog)[0]
    assert message.startswith(
        f"refused {planted}: it is owned by {other_user.named}, not by you (root (uid 0))"
    )
    assert f"SAFEKEYS_TRUSTED_DIRS={shared}" in message
    with pytest.raises(OSError, match="refused"):
        safekeys.find_dotenv(raise_error_if_not_found=True, usecwd=True)


def test_another_users_symlink_to_a_file_you_own_is_refused(tmp_path, other_user, monkeypatch):
    # The file and both directories are yours (root's); only the link is not, yet
    # whoever owns the link chose what it points to.
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    private = tmp_path / "private"
    private.mkdir()
    mine = write_env(private, 0o600)
    link = shared / ".env"
    os.symlink(mine, link)
    os.lchown(link, other_user.pw_uid, other_user.pw_gid)
    monkeypatch.chdir(shared)
    assert safekeys.find_dotenv(usecwd=True) == ""
    problem = _hygiene.foreign_owner(str(link))
    assert problem is not None and "the symlink is owned by" in problem.message
    # Your own link to your own file is fine.
    os.lchown(link, 0, 0)
    assert safekeys.find_dotenv(usecwd=True) == str(link)


def test_a_directory_owned_by_another_user_is_refused_until_trusted(
    tmp_path, other_user, monkeypatch
):
    home = tmp_path / "home-of-other"
    home.mkdir()
    os.chown(home, other_user.pw_uid, other_user.pw_gid)
    path = write_env(home, 0o600)  # the file is root's; the directory is not
    monkeypatch.chdir(home)
    assert safekeys.find_dotenv(usecwd=True) == ""
    monkeypatch.setenv("SAFEKEYS_TRUSTED_DIRS", f"/nonexistent{os.pathsep}{home}")
    assert safekeys.find_dotenv(usecwd=True) == str(path)
    # An explicit path is the user's choice and is loaded.
    monkeypatch.delenv("SAFEKEYS_TRUSTED_DIRS")
    assert safekeys.load_dotenv(path) is True


def test_doctor_in_a_kernel_reports_the_extension(run_notebook, tmp_path):
    write_env(tmp_path, 0o644)
    cells = ["%load_ext safekeys", "%safekeys doctor", "%safekeys doctor --fix"]
    nb = run_notebook(cells, tmp_path)
    first, second = cell_text(nb.cells[1]), cell_text(nb.cells[2])
    assert "Extension in this kernel" in first
    assert "loaded: masking 1 of" in first
    assert "input guard warns cells holding literal keys" in first
    assert f"loaded from {tmp_path / '.env'}" in first
    assert "1 problem(s) found" in first
    assert "fixed: made" in second and "No problems found." in second
    assert SECRET[8:20] not in first + second
