"""False positives and speed of ``safekeys scan`` on real code, against detect-secrets.

Real trees hold (almost) no live keys, so every finding is a false alarm or a
fixture to look at. Give it directories (a venv's site-packages, clones of
notebook-heavy repositories); it runs, in the same run, each tool over all of
them and prints the findings per 100 MB, per kind, and the scan speed:

* ``safekeys scan --format json --no-keyring --no-dotenv --no-config PATH...``
  (this checkout's build; best of ``--repeats`` for the time),
* the same with another interpreter's safekeys (``--baseline PYTHON``: a venv
  with an earlier build installed, for before/after in one run),
* ``detect-secrets scan --all-files PATH`` (``--detect-secrets``; slow).

``--list`` prints every safekeys finding (file, line, kind, masked snippet) to
judge them. Nothing a tool found is stored; the snippets are masked.

Usage::

    python benches/bench_real_code.py "$VIRTUAL_ENV"/lib/python3*/site-packages /tmp/repos/* \\
        --baseline /tmp/base-venv/bin/python --detect-secrets --list
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Optional


def _run(
    cmd: list[str], timeout: float, cwd: Optional[str] = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd
    )
    return time.perf_counter() - t0, done


def safekeys(python: str, paths: list[str], repeats: int, timeout: float) -> dict[str, Any]:
    cmd = [python, "-m", "safekeys", "scan", "--format", "json", "--no-keyring", "--no-dotenv"]
    # An earlier build may predate gitleaks configurations (and read none).
    usage = subprocess.run([*cmd[:4], "--help"], capture_output=True, text=True, check=False)
    cmd += ["--no-config"] if "--no-config" in usage.stdout else []
    cmd += paths
    best, report = float("inf"), None
    for _ in range(repeats):
        took, done = _run(cmd, timeout)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{python}: safekeys scan failed: {done.stderr[-2000:]}")
        best = min(best, took)
        report = json.loads(done.stdout)
    assert report is not None
    summary = report["summary"]
    return {
        "tool": f"safekeys ({python})",
        "seconds": best,
        "bytes": summary["bytes_scanned"],
        "files": summary["files_scanned"],
        "findings": report["findings"],
        "kinds": Counter(f["kind"] for f in report["findings"]),
    }


def detect_secrets(paths: list[str], timeout: float) -> dict[str, Any]:
    findings: list[dict[str, Any]] = []
    total = 0.0
    for path in paths:
        # From inside the tree: given a path outside the working directory,
        # detect-secrets 1.5.0 reports nothing.
        took, done = _run(["detect-secrets", "scan", "--all-files", "."], timeout, cwd=path)
        total += took
        if done.returncode != 0:
            raise SystemExit(f"detect-secrets failed: {done.stderr[-2000:]}")
        for file, hits in json.loads(done.stdout)["results"].items():
            findings.extend({"path": os.path.join(path, file), "kind": h["type"]} for h in hits)
    return {
        "tool": "detect-secrets",
        "seconds": total,
        "bytes": None,
        "files": None,
        "findings": findings,
        "kinds": Counter(f["kind"] for f in findings),
    }


def _size(paths: list[str]) -> int:
    total = 0
    for path in paths:
        for root, _dirs, files in os.walk(path):
            for name in files:
                try:
                    total += os.lstat(os.path.join(root, name)).st_size
                except OSError:
                    pass
    return total


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("paths", nargs="+", help="directories of real code")
    p.add_argument("--baseline", metavar="PYTHON", help="an interpreter with an earlier safekeys")
    p.add_argument("--detect-secrets", action="store_true", help="also run detect-secrets")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--timeout", type=float, default=7200)
    p.add_argument("--list", action="store_true", help="print every safekeys finding")
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args(argv)
    paths = [os.path.abspath(x) for x in args.paths]
    rows = [safekeys(sys.executable, paths, args.repeats, args.timeout)]
    if args.baseline:
        rows.insert(0, safekeys(args.baseline, paths, args.repeats, args.timeout))
    if args.detect_secrets:
        rows.append(detect_secrets(paths, args.timeout))
    on_disk = _size(paths)
    scanned = next(r["bytes"] for r in rows if r["bytes"] is not None)
    print(f"{len(paths)} tree(s), {on_disk / 1e6:.1f} MB on disk, {scanned / 1e6:.1f} MB scanned")
    print()
    print("| tool | findings | per 100 MB | wall time | MB/s | kinds |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        mb = (r["bytes"] or on_disk) / 1e6
        kinds = ", ".join(f"{k} {n}" for k, n in r["kinds"].most_common(6))
        print(
            f"| {r['tool']} | {len(r['findings'])} | {len(r['findings']) * 100 / mb:.1f} "
            f"| {r['seconds']:.2f} s | {mb / r['seconds']:.3g} | {kinds} |"
        )
    if args.list:
        print()
        for f in rows[-2 if args.detect_secrets else -1]["findings"]:
            print(f"{f['path']}:{f['line']}: {f['kind']}: {f['snippet'][:120]}")
    if args.json:
        out = [{**r, "kinds": dict(r["kinds"]), "findings": len(r["findings"])} for r in rows]
        args.json.write_text(json.dumps({"paths": paths, "rows": out}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
