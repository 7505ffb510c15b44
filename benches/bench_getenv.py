"""What finding the platform and the plug-in sources costs ``getenv`` on a laptop.

Times, in fresh processes of each interpreter given (the one running this
script, and ``--baseline-python`` for a build without hosted-notebook
sources), with no platform detected and the OS keyring switched off
(``SAFEKEYS_KEYRING=0``) so that only the chain itself is measured:

* **import**: ``import safekeys``;
* **first miss**: the first ``getenv`` of a name no source has, in a new
  process (this one reads the installed packages' entry points);
* **hit**: ``getenv`` of a name in the environment, median per call;
* **miss**: ``getenv`` of a name no source has, median per call (every
  source's ``active()`` is asked);

with ``os.getenv`` as the floor.

Usage::

    python benches/bench_getenv.py
    python benches/bench_getenv.py --baseline-python /path/to/old/python
    python benches/bench_getenv.py --quick    # CI smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.fspath(Path(__file__).resolve().parent))

from timing import median

CHILD = """
import json, os, sys, time
t0 = time.perf_counter()
import safekeys
t1 = time.perf_counter()
safekeys.getenv("BENCH_NOT_ANYWHERE")
t2 = time.perf_counter()
os.environ["BENCH_PRESENT"] = "plain-value"

def per_call(fn, name, rounds):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(100):
            fn(name)
        samples.append((time.perf_counter() - start) / 100)
    samples.sort()
    return samples[len(samples) // 2]

rounds = ROUNDS
print(json.dumps({
    "import": t1 - t0,
    "first_miss": t2 - t1,
    "hit": per_call(safekeys.getenv, "BENCH_PRESENT", rounds),
    "miss": per_call(safekeys.getenv, "BENCH_NOT_ANYWHERE", rounds),
    "floor": per_call(os.getenv, "BENCH_PRESENT", rounds),
}))
"""


def measure(python: str, processes: int, rounds: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COLAB_", "KAGGLE_"))}
    env.pop("DATABRICKS_RUNTIME_VERSION", None)
    env.update(SAFEKEYS_KEYRING="0", SAFEKEYS_VAULT="0")
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as empty:  # no .env above it
        for _ in range(processes):
            done = subprocess.run(
                [python, "-c", CHILD.replace("ROUNDS", str(rounds))],
                capture_output=True,
                text=True,
                env=env,
                cwd=empty,
                timeout=120,
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"{python} failed:\n{done.stderr}")
            for key, value in json.loads(done.stdout.strip().splitlines()[-1]).items():
                results.setdefault(key, []).append(value)
    return {key: median(values) for key, values in results.items()}


def version(python: str) -> str:
    done = subprocess.run(
        [python, "-c", "import safekeys, sys; print(safekeys.__file__)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout.strip()


def fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-python", help="an interpreter with another safekeys build")
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    processes, rounds = (3, 20) if args.quick else (15, 200)
    runs = {"this build": sys.executable}
    if args.baseline_python:
        runs["baseline"] = args.baseline_python
    figures = {label: measure(python, processes, rounds) for label, python in runs.items()}
    print(
        f"getenv on a laptop (no platform, keyring off): {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"medians of {processes} processes x {rounds} rounds of 100 calls"
    )
    for label, python in runs.items():
        print(f"  {label}: {version(python)}")
    labels = list(figures)
    print()
    print("| | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    rows = [
        ("import safekeys", "import"),
        ("first getenv, a miss (new process)", "first_miss"),
        ("getenv, a hit in the environment", "hit"),
        ("getenv, a miss (every source asked)", "miss"),
        ("os.getenv (floor)", "floor"),
    ]
    for title, key in rows:
        print(f"| {title} | " + " | ".join(fmt(figures[label][key]) for label in labels) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
