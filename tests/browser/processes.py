"""Stopping what the browser test starts, however the test ends.

``stop_group`` asks a process to stop, then kills its process group; ``descendants`` and
``kill_leftovers`` reach children that moved to sessions of their own (kernels);
``die_with_parent`` (in a child before exec) and ``GroupReaper`` cover the test process itself
being killed, when no finalizer runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional


def die_with_parent() -> None:
    """In a child before exec: SIGTERM it when the process that started it dies, however it
    dies (pytest killed with SIGKILL runs no finalizer). Linux's PR_SET_PDEATHSIG."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1


# Waits for EOF on stdin (the test process closing it, or dying), then kills the process groups
# named on its command line.
REAPER = """
import os, signal, sys
sys.stdin.buffer.read()
for group in sys.argv[1:]:
    try:
        os.killpg(int(group), signal.SIGKILL)
    except OSError:
        pass
"""


class GroupReaper:
    """Kills process group ``pgid`` if this process dies before calling ``cancel()``: for
    children of a child, which PR_SET_PDEATHSIG does not reach (Chromium, under chromedriver)."""

    def __init__(self, pgid: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", REAPER, str(pgid)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def cancel(self) -> None:
        """The group is gone already: stop the reaper without letting it kill anything."""
        self.proc.kill()
        self.proc.wait(timeout=10)
        if self.proc.stdin is not None:
            self.proc.stdin.close()


def _start_time(pid: int) -> Optional[str]:
    """Field 22 of /proc/PID/stat (start time): tells a process from a later one with its pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def descendants(pid: int) -> list[tuple[int, Optional[str]]]:
    """``(pid, start time)`` of every living descendant of ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[tuple[int, Optional[str]]] = []
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append((child, _start_time(child)))
        todo.extend(children.get(child, []))
    return found


def kill_leftovers(processes: list[tuple[int, Optional[str]]]) -> None:
    """SIGKILL each process still alive that is the same process (same start time)."""
    for pid, started in processes:
        if started is not None and _start_time(pid) == started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def stop_group(proc: subprocess.Popen[Any], grace: float) -> None:
    """SIGTERM ``proc``, wait up to ``grace`` seconds, then SIGKILL its process group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
