"""SAFEKEYS_TEST_SYSTEM_USER=1: the real account test_hygiene creates is deleted
even when the test run is killed (SIGKILL leaves no chance to clean up)."""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

OTHER_USER = "safekeys-other"

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("SAFEKEYS_TEST_SYSTEM_USER") != "1",
        reason="creates a system user: opt in with SAFEKEYS_TEST_SYSTEM_USER=1 (as root)",
    ),
    pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="useradd needs root"),
]

CHILD = """\
import sys
sys.path.insert(0, sys.argv[1])
import test_hygiene
users = test_hygiene.system_user()
owner = next(users)
print(owner.pw_uid, flush=True)
sys.stdin.read()  # until killed
"""


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def test_a_killed_run_leaves_no_user_behind():
    if exists(OTHER_USER):
        pytest.skip(f"{OTHER_USER} exists already (another test module holds it)")
    tests = str(Path(__file__).parent)
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, tests],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        uid = int(child.stdout.readline())
        assert pwd.getpwnam(OTHER_USER).pw_uid == uid
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    deadline = time.monotonic() + 30
    while exists(OTHER_USER) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not exists(OTHER_USER), "the watcher did not delete the user after the kill"
