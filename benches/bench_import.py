"""Measure what ``import safekeys`` and ``import dotenv`` add to interpreter start-up,
and what the first ``load_dotenv()`` costs on top of the import.

First: ``import X; X.load_dotenv()`` of a 20-line ``.env`` in a git work tree
(listed in ``.gitignore``, as a project keeps it), in a fresh interpreter per
sample started from a subdirectory (a notebook's), timed inside the child with
``perf_counter`` (import, then the first load), interleaved in shuffled
order. Target for safekeys: under 8 ms for the two together. The modules the
first load imports are listed from ``-X importtime``.

Then: runs ``python -c "pass"``, ``python -c "import safekeys"`` and
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
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Optional

PACKAGES = ("safekeys", "dotenv")
SNIPPETS = {"bare": "pass", "safekeys": "import safekeys", "dotenv": "import dotenv"}
TARGET_MS = 15.0
LOAD_TARGET_MS = 8.0

# A 20-line .env as projects write them: comments, export, quotes, a URL with a
# password, ${...} interpolation, keys.
DOTENV_20 = """\
# settings for the bench project
export APP_MODE=development
APP_NAME="bench project"
LOG_LEVEL=info   # inline comment
DATABASE_URL=postgres://app:Bench-db-pass-123@db.invalid:5432/app
REDIS_URL=redis://localhost:6379/0
OPENAI_API_KEY=sk-proj-BENCHfake0123456789abcdefghijklmnopqrstuvwx
ANTHROPIC_API_KEY=sk-ant-api03-BENCHfake0123456789abcdefghijklmnopqrs
HF_TOKEN=hf_BENCHfake0123456789abcdefghijklmnop
AWS_REGION=eu-west-1
S3_BUCKET='bench-bucket'
CACHE_DIR=${HOME}/.cache/bench
DATA_DIR="${CACHE_DIR}/data"
WORKERS=4
TIMEOUT_SECONDS=30
FEATURE_FLAGS="a,b,c"
EMPTY_VALUE=
GREETING="hello\\nworld"
PLAIN_TOKEN=BENCHplainTokenValue0123456789
BENCH_LAST=20
"""

LOAD_CHILD = """\
import time
c0, t0 = time.process_time(), time.perf_counter()
import {module} as m
t1 = time.perf_counter()
m.load_dotenv()
t2, c2 = time.perf_counter(), time.process_time()
import os
assert os.environ.get("BENCH_LAST") == "20", "the .env was not loaded"
print(t1 - t0, t2 - t1, c2 - c0)
"""
LOAD_MODULES = {"safekeys": "safekeys", "python-dotenv": "dotenv"}


def make_project(root: Path) -> Path:
    """A git work tree with ``.env`` (ignored) at its top; returns the
    subdirectory a notebook would run in."""
    project = root / "project"
    (project / "notebooks").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(project)], check=True, capture_output=True)
    (project / ".gitignore").write_text("__pycache__/\n.env\n", encoding="utf-8")
    fd = os.open(project / ".env", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(DOTENV_20)
    assert len(DOTENV_20.splitlines()) == 20
    return project / "notebooks"


def _load_env(mode: str) -> tuple[list[str], dict[str, str]]:
    prefix, env = _mode_command(mode)
    for name in DOTENV_20.splitlines():
        env.pop(name.removeprefix("export ").split("=", 1)[0], None)
    env.pop("SAFEKEYS_HYGIENE", None)
    env.pop("PYTHON_DOTENV_DISABLED", None)
    return prefix, env


Sample = tuple[float, float, float]


def load_times(mode: str, rounds: int, seed: int, cwd: Path) -> dict[str, list[Sample]]:
    """(import, first load, CPU time of both) seconds of each package, one fresh
    interpreter per sample."""
    prefix, env = _load_env(mode)
    rng = random.Random(seed)
    times: dict[str, list[Sample]] = defaultdict(list)

    def sample(name: str) -> Sample:
        code = LOAD_CHILD.format(module=LOAD_MODULES[name])
        proc = subprocess.run(
            [*prefix, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise SystemExit(f"{name}: import + load_dotenv failed:\n{proc.stderr}")
        imported, loaded, cpu = proc.stdout.split()
        return float(imported), float(loaded), float(cpu)

    for name in LOAD_MODULES:  # warm the OS caches, untimed
        sample(name)
    for _ in range(rounds):
        order = list(LOAD_MODULES)
        rng.shuffle(order)
        for name in order:
            times[name].append(sample(name))
    return times


def load_imports(mode: str, cwd: Path) -> list[tuple[str, int]]:
    """Top-level modules (cumulative µs) that safekeys' first load_dotenv imports."""
    prefix, env = _load_env(mode)
    code = LOAD_CHILD.format(module="safekeys")
    proc = subprocess.run(
        [*prefix, "-X", "importtime", "-c", code], env=env, cwd=cwd, capture_output=True, text=True
    )
    parsed = list(_parse_importtime(proc.stderr).items())
    names = [name for name, _ in parsed]
    after = parsed[names.index("safekeys") + 1 :]
    return [(name, cumulative) for name, (_own, cumulative) in after if not name.startswith(" ")]


def load_report(
    loads: dict[str, dict[str, list[Sample]]],
    lazy: dict[str, list[tuple[str, int]]],
) -> str:
    out = [
        "## `import X; X.load_dotenv()`: a 20-line .env in a git work tree (fresh interpreter "
        "per sample, median)",
        "",
        "| mode | package | import | first load_dotenv() | together | CPU time | samples |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mode, per_package in loads.items():
        for name, samples in per_package.items():
            imported = statistics.median(s[0] for s in samples)
            loaded = statistics.median(s[1] for s in samples)
            together = statistics.median(s[0] + s[1] for s in samples)
            cpu = statistics.median(s[2] for s in samples)
            out.append(
                f"| {MODE_LABELS[mode]} | {name} | {_ms(imported)} | {_ms(loaded)} "
                f"| {_ms(together)} | {_ms(cpu)} | {len(samples)} |"
            )
    out += [
        "",
        f"Target for safekeys: under {LOAD_TARGET_MS:.0f} ms together. CPU time (the child's "
        "own, import and load) is less sensitive to other load on the machine than wall time.",
    ]
    for mode, modules in lazy.items():
        shown = ", ".join(f"`{m}` {us / 1e3:.2f} ms" for m, us in modules) or "none"
        out += ["", f"Modules safekeys' first load imports ({MODE_LABELS[mode]}): {shown}."]
    return "\n".join(out)


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
    parser.add_argument(
        "--load-rounds", type=int, default=30, help="import + load_dotenv samples per package"
    )
    parser.add_argument(
        "--quick", action="store_true", help="5 rounds, 3 importtime runs, 7 load samples"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the raw figures as JSON")
    args = parser.parse_args(argv)
    rounds, runs = (5, 3) if args.quick else (args.rounds, args.importtime_runs)
    load_rounds = 7 if args.quick else args.load_rounds

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="safekeys-bench-import-") as scratch:
        cwd = make_project(Path(scratch))
        loads = {mode: load_times(mode, load_rounds, 2, cwd) for mode in MODE_LABELS}
        lazy = {mode: load_imports(mode, cwd) for mode in MODE_LABELS}
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
                f"{runs} `-X importtime` runs, {load_rounds} load samples; package dirs: "
                f"{', '.join(_package_dirs())}; "
                f"wall time {time.perf_counter() - started:.0f} s.",
                "",
                "",
            ]
        )
        + load_report(loads, lazy)
        + "\n\n"
        + report(walls, imports, args.top)
    )
    if args.json:
        payload = {
            "python": platform.python_version(),
            "versions": versions,
            "load_seconds": loads,
            "wall_seconds": walls,
            "importtime_us": imports,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
