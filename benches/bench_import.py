"""Measure what ``import safekeys`` and ``import dotenv`` add to interpreter start-up.

Runs ``python -c "pass"``, ``python -c "import safekeys"`` and
``python -c "import dotenv"`` as subprocesses, interleaved in a shuffled order
each round, and reports the median wall time and its difference from the bare
start. Then runs each import under ``-X importtime`` and reports the
cumulative time of the top-level package and its heaviest imports.

Two modes are measured:

* ``site``: the interpreter as users start it (site-packages and its ``.pth``
  files are processed, which may import modules that the packages then reuse);
* ``-S``: ``python -S`` with ``PYTHONPATH`` set to the directories holding
  safekeys and dotenv, so start-up imports nothing beyond the standard minimum.

Usage::

    python benches/bench_import.py [--rounds 30] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Optional

PACKAGES = ("safekeys", "dotenv")
SNIPPETS = {"bare": "pass", "safekeys": "import safekeys", "dotenv": "import dotenv"}
TARGET_MS = 15.0


def _package_dirs() -> list[str]:
    """The directories holding the packages (their parents), without importing them."""
    dirs: list[str] = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(f"{name} is not installed")
        parent = str(Path(next(iter(spec.submodule_search_locations))).parent)
        if parent not in dirs:
            dirs.append(parent)
    return dirs


def _mode_command(mode: str) -> tuple[list[str], dict[str, str]]:
    # No PYTHONSTARTUP, PYTHONDEVMODE, ...; a PYTHONPATH given to this script is kept.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") or k == "PYTHONPATH"}
    if mode == "site":
        return [sys.executable], env
    env["PYTHONPATH"] = os.pathsep.join(_package_dirs())
    return [sys.executable, "-S"], env


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{proc.stderr}")
    return proc


def wall_times(mode: str, rounds: int, seed: int) -> dict[str, list[float]]:
    """Wall seconds of each snippet, ``rounds`` times, interleaved in shuffled order."""
    prefix, env = _mode_command(mode)
    rng = random.Random(seed)
    times: dict[str, list[float]] = defaultdict(list)
    for code in SNIPPETS.values():  # warm the OS caches, untimed
        _run([*prefix, "-c", code], env)
    for _ in range(rounds):
        order = list(SNIPPETS)
        rng.shuffle(order)
        for name in order:
            start = time.perf_counter()
            _run([*prefix, "-c", SNIPPETS[name]], env)
            times[name].append(time.perf_counter() - start)
    return times


def _parse_importtime(stderr: str) -> dict[str, tuple[int, int]]:
    """Module -> (self us, cumulative us) from ``-X importtime`` output."""
    out: dict[str, tuple[int, int]] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        fields = line[len("import time:") :].split("|")
        if len(fields) != 3:
            continue
        out[fields[2][1:].rstrip()] = (int(fields[0]), int(fields[1]))
    return out


def import_times(mode: str, runs: int) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """For each package, module -> per-run (self, cumulative) us of what its import loads."""
    prefix, env = _mode_command(mode)
    result: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for name in PACKAGES:
        modules: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for _ in range(runs):
            proc = _run([*prefix, "-X", "importtime", "-c", f"import {name}"], env)
            for module, value in _modules_of(_parse_importtime(proc.stderr), name).items():
                modules[module].append(value)
        result[name] = dict(modules)
    return result


def _modules_of(parsed: dict[str, tuple[int, int]], package: str) -> dict[str, tuple[int, int]]:
    """The block of ``-X importtime`` lines that ends with the top-level ``package``.

    importtime prints a module after its own imports, indented one level per
    nesting, so the modules loaded by ``import package`` are the indented lines
    directly above the unindented ``package`` line. Names keep their indentation.
    """
    items = list(parsed.items())
    keys = [k for k, _ in items]
    end = keys.index(package)
    begin = end
    while begin > 0 and keys[begin - 1].startswith(" "):
        begin -= 1
    return dict(items[begin : end + 1])


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def _median_pair(values: list[tuple[int, int]]) -> tuple[float, float]:
    return statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)


MODE_LABELS = {
    "site": "normal start (`python`, site and its .pth files)",
    "-S": "`python -S`, PYTHONPATH = package dirs",
}


def report(
    walls: dict[str, dict[str, list[float]]],
    imports: dict[str, dict[str, dict[str, list[tuple[int, int]]]]],
    top: int,
) -> str:
    out = [
        "## Start-up wall time of `python -c ...` (subprocess, interleaved)",
        "",
        "| mode | command | median | min | added vs bare start (median) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for mode, times in walls.items():
        bare = statistics.median(times["bare"])
        for name, code in SNIPPETS.items():
            med = statistics.median(times[name])
            added = "-" if name == "bare" else f"{(med - bare) * 1e3:+.1f} ms"
            out.append(
                f"| {MODE_LABELS[mode]} | `{code}` | {_ms(med)} | {_ms(min(times[name]))} "
                f"| {added} |"
            )
    out += [
        "",
        f"Target for safekeys: at most {TARGET_MS:.0f} ms added.",
        "",
        "## `-X importtime`: cumulative time of the top-level package (median)",
        "",
        "| mode | package | cumulative | modules loaded by the import |",
        "| --- | --- | ---: | ---: |",
    ]
    for mode, per_package in imports.items():
        for name, modules in per_package.items():
            _self, cumulative = _median_pair(modules[name])
            out.append(
                f"| {MODE_LABELS[mode]} | `{name}` | {cumulative / 1e3:.2f} ms | {len(modules)} |"
            )
    for mode, per_package in imports.items():
        for name, modules in per_package.items():
            rows = list(modules.items())
            if name == "safekeys":
                shown, title = rows, "all modules, in import order (nesting indented)"
            else:
                rows.sort(key=lambda kv: -_median_pair(kv[1])[0])
                shown = [(module.strip(), values) for module, values in rows[:top]]
                title = f"top {top} of {len(rows)} modules by self time"
            out += [
                "",
                f"### `import {name}`, {MODE_LABELS[mode]}: {title} (median µs)",
                "",
                "| module | self | cumulative |",
                "| --- | ---: | ---: |",
            ]
            for module, values in shown:
                own, cumulative = _median_pair(values)
                indent = "&nbsp;" * (len(module) - len(module.lstrip()))
                out.append(f"| {indent}`{module.strip()}` | {own:.0f} | {cumulative:.0f} |")
    return "\n".join(out)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="wall-time runs per command")
    parser.add_argument("--importtime-runs", type=int, default=15, help="-X importtime runs")
    parser.add_argument("--top", type=int, default=12, help="python-dotenv modules listed")
    parser.add_argument("--quick", action="store_true", help="5 rounds, 3 importtime runs")
    parser.add_argument("--json", metavar="PATH", help="also write the raw figures as JSON")
    args = parser.parse_args(argv)
    rounds, runs = (5, 3) if args.quick else (args.rounds, args.importtime_runs)

    started = time.perf_counter()
    walls = {mode: wall_times(mode, rounds, seed=1) for mode in MODE_LABELS}
    imports = {mode: import_times(mode, runs) for mode in MODE_LABELS}
    versions = {name: importlib.metadata.version(name) for name in ("safekeys", "python-dotenv")}
    print(
        "\n".join(
            [
                "# Import cost: safekeys vs python-dotenv",
                "",
                f"Python {platform.python_version()} ({sys.executable}) on "
                f"{platform.machine()}, {os.cpu_count()} CPUs; safekeys {versions['safekeys']}, "
                f"python-dotenv {versions['python-dotenv']}; {rounds} rounds per command, "
                f"{runs} `-X importtime` runs; package dirs: {', '.join(_package_dirs())}; "
                f"wall time {time.perf_counter() - started:.0f} s.",
                "",
                "",
            ]
        )
        + report(walls, imports, args.top)
    )
    if args.json:
        payload = {
            "python": platform.python_version(),
            "versions": versions,
            "wall_seconds": walls,
            "importtime_us": imports,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
