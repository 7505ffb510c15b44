"""``safekeys scan --staged``: scan what a commit will hold, not the working tree.

A pre-commit hook that scans working-tree files misses a key that was staged
and then deleted from the working copy (the commit still holds it), and
reports a key that sits only in an unstaged hunk. Here the staged version of
each added, copied or modified file is read from git's index and scanned.
The copies live in a private temporary directory (mode 0700) for the length
of the scan; git already stores the same bytes under ``.git/objects``.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import replace

from .api import ScanReport, scan_report

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

GIT_TIMEOUT = 30.0


class NotARepository(OSError):
    """``--staged`` outside a git work tree, or git could not be run."""


def _git(args: list[str], cwd: str, stdin: bytes = b"") -> bytes:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env=dict(os.environ, GIT_TERMINAL_PROMPT="0"),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise NotARepository(f"could not run git: {err}") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NotARepository(f"git {args[0]} failed: {reason[-1] if reason else done.returncode}")
    return done.stdout


def staged_blobs(cwd: str, paths: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """The work tree's top and ``(path relative to it, blob id)`` of each
    staged added, copied or modified file (limited to ``paths`` if given)."""
    try:
        top = _git(["rev-parse", "--show-toplevel"], cwd).decode().rstrip("\n")
    except NotARepository as err:
        raise NotARepository(f"--staged needs a git work tree ({err})") from None
    spec = ["--", *paths] if paths else []
    names = _git(["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMRT", *spec], cwd)
    wanted = [n for n in names.decode("utf-8", "surrogateescape").split("\0") if n]
    if not wanted:
        return top, []
    # Blob ids from the index, by path (stage 0: no conflict can be committed).
    listing = _git(["ls-files", "-s", "-z", "--", *wanted], top)
    blobs: dict[str, str] = {}
    for entry in listing.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode, blob, stage = meta.split()
        if stage == "0" and not mode.startswith("120"):  # a symlink's blob is its target
            blobs[path] = blob
    return top, [(path, blobs[path]) for path in wanted if path in blobs]


def _read_blobs(top: str, blobs: list[tuple[str, str]]) -> list[bytes]:
    """Each blob's bytes, from one ``git cat-file --batch``."""
    out = _git(["cat-file", "--batch"], top, "".join(f"{b}\n" for _, b in blobs).encode())
    contents, at = [], 0
    for _ in blobs:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        start = header_end + 1
        contents.append(out[start : start + size])
        at = start + size + 1  # the newline after each object
    return contents


def staged_report(paths: list[str], **options: Any) -> ScanReport:
    """``scan_report`` over the staged versions of the files a commit adds,
    copies or modifies. Findings name the files as ``git status`` would
    (relative to the working directory)."""
    cwd = os.getcwd()
    top, blobs = staged_blobs(cwd, paths)
    if not blobs:
        return ScanReport([], [], 0, 0, 0, 0)
    with tempfile.TemporaryDirectory(prefix="safekeys-staged-") as copy:
        copies = []
        for (rel, _), data in zip(blobs, _read_blobs(top, blobs), strict=True):
            target = os.path.join(copy, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            copies.append(target)
        # The copies keep the repository's layout under `copy`: rules'
        # `path` regexes see the same relative paths as in the work tree.
        report = scan_report(copies, cwd=cwd, rules_root=copy, **options)
    prefix = copy + os.sep

    def shown(path: str) -> str:
        if not path.startswith(prefix):
            return path
        return os.path.relpath(os.path.join(top, path[len(prefix) :]), cwd)

    findings = [replace(f, path=shown(f.path)) for f in report.findings]
    notes = [replace(n, path=shown(n.path)) for n in report.notes]
    return replace(report, findings=findings, notes=notes)
