"""Helpers the benchmark scripts share: medians, a timed child interpreter
that reports JSON, and the wall time of a whole command."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from typing import Any


def median(values: list[float]) -> float:
    """The median, or NaN when there is nothing to take it of."""
    return statistics.median(values) if values else float("nan")


def run_child(source: str, env: dict[str, str], cwd: str) -> dict[str, Any]:
    """Run ``source`` in a fresh interpreter; its last output line is a JSON object."""
    done = subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed: {done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def wall(
    command: list[str], env: dict[str, str], cwd: str
) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Seconds ``command`` took from start to exit, and how it ended."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, cwd=cwd, timeout=120)
    return time.perf_counter() - started, done
