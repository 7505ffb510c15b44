"""Benchmark safekeys against python-dotenv on generated ``.env`` files.

Generates ``.env`` files with a fixed seed (a realistic mix of unquoted,
single- and double-quoted values with escapes, multi-line values, ``export``
prefixes, comments, inline comments and blank lines; the "interp" variant
adds ``${VAR}`` and ``${VAR:-default}`` references to earlier keys), checks
that both libraries return the same values, then times:

* ``dotenv_values(path, interpolate=False)`` on the plain files,
* ``dotenv_values(path)`` (interpolation on) on the interp files,
* ``load_dotenv(path, override=True)`` (interpolation on) on the interp files,
  once per fresh child process, so each run starts from the same ``os.environ``
  and the same library state; beside it, the cost of assigning the same values
  to ``os.environ`` in a plain loop, a floor for any ``load_dotenv``.

``dotenv_values`` runs in this process: one warm-up call, then the timed ones.
python-dotenv's interpolation copies the environment once per binding, so it
grows quadratically; it is timed only on sizes up to ``--interp-max`` lines
unless ``--full`` is given. A ``load_dotenv`` child that runs past ``--timeout``
is killed, and that library is not run on larger files. Nothing is
extrapolated: unmeasured cells say why.

Usage::

    python benches/bench_dotenv.py            # full default run
    python benches/bench_dotenv.py --quick    # CI smoke run (< 30 s)
    python benches/bench_dotenv.py --full --timeout 300  # python-dotenv interpolating 100k
    python benches/bench_dotenv.py --json results.json
    python benches/bench_dotenv.py --structured 1000000 --repeats 3 --timeout 120
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import math
import os
import platform
import random
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Optional

import safekeys

import dotenv

SEED = 20240601
PREFIX = "SK_BENCH_"
LIBS = {"safekeys": safekeys, "python-dotenv": dotenv}
ENVIRON_ONLY = "os.environ only"

# ---------------------------------------------------------------------------
# .env generation
# ---------------------------------------------------------------------------

_WORDS = (
    "alpha beta gamma delta prod staging local db cache queue token secret region "
    "bucket service worker api auth user admin timeout retry host port debug"
).split()
_UNQUOTED_CHARS = string.ascii_letters + string.digits + "_-./:@+,"
_COMMENTS = (
    "# Database settings",
    "# --- third-party API keys ---",
    "#TODO: rotate before release",
    "# values below are overridden in CI",
    "## feature flags ##",
)


class _EnvWriter:
    """Builds one ``.env`` text line by line with a seeded RNG."""

    def __init__(self, n_lines: int, interpolate: bool, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n_lines = n_lines
        self.interpolate = interpolate
        self.lines: list[str] = []
        # Keys whose values hold no references: the only targets of ``${...}``,
        # so expanded values stay short and the output grows linearly.
        self.plain_keys: list[str] = []
        self.count = 0

    def token(self, lo: int = 6, hi: int = 32) -> str:
        return "".join(self.rng.choices(_UNQUOTED_CHARS, k=self.rng.randint(lo, hi)))

    def words(self, lo: int = 2, hi: int = 6) -> str:
        return " ".join(self.rng.choices(_WORDS, k=self.rng.randint(lo, hi)))

    def new_key(self) -> str:
        self.count += 1
        return f"{PREFIX}{self.rng.choice(_WORDS).upper()}_{self.count}"

    def reference(self) -> str:
        """``${KEY}``, ``${KEY:-default}`` or ``${UNSET:-default}``."""
        r = self.rng.random()
        if self.plain_keys and r < 0.5:
            return "${" + self.rng.choice(self.plain_keys[-200:]) + "}"
        if self.plain_keys and r < 0.8:
            return "${" + self.rng.choice(self.plain_keys) + ":-" + self.token(3, 8) + "}"
        return "${" + f"{PREFIX}UNSET_{self.rng.randint(0, 99)}:-" + self.token(3, 10) + "}"

    def maybe_refs(self, value: str) -> tuple[str, bool]:
        if not self.interpolate or self.rng.random() >= 0.35:
            return value, False
        parts = [self.reference() for _ in range(self.rng.randint(1, 2))]
        return "/".join([*parts, value]), True

    def unquoted(self) -> tuple[str, bool]:
        value, has_ref = self.maybe_refs(self.token())
        if self.rng.random() < 0.15:
            value += "  # " + self.words()
        return value, has_ref

    def single_quoted(self) -> tuple[str, bool]:
        # Single-quoted values know two escapes, \\ and \'; '#' and '"' are literal.
        pieces = [self.words(), "\\'", self.token(3, 10), "\\\\", "#1", '"x"']
        self.rng.shuffle(pieces)
        return "'" + " ".join(pieces) + "'", False

    def double_quoted(self) -> tuple[str, bool]:
        escapes = ["\\n", "\\t", '\\"', "\\\\", "\\'", "\\r"]
        pieces = [self.words(), *self.rng.sample(escapes, 2), self.token(3, 12)]
        self.rng.shuffle(pieces)
        value, has_ref = self.maybe_refs(" ".join(pieces))
        suffix = " # " + self.words(1, 3) if self.rng.random() < 0.1 else ""
        return '"' + value + '"' + suffix, has_ref

    def multi_line(self) -> tuple[str, bool]:
        body = [self.token(40, 64) for _ in range(self.rng.randint(2, 5))]
        return '"-----BEGIN KEY-----\n' + "\n".join(body) + '\n-----END KEY-----"', False

    def binding(self) -> None:
        kind = self.rng.choices(
            (self.unquoted, self.single_quoted, self.double_quoted, self.multi_line),
            weights=(50, 15, 25, 3),
        )[0]
        value, has_ref = kind()
        key = self.new_key()
        export = "export " if self.rng.random() < 0.1 else ""
        sep = " = " if self.rng.random() < 0.03 else "="
        self.lines.extend(f"{export}{key}{sep}{value}".split("\n"))
        if not has_ref:
            self.plain_keys.append(key)

    def text(self) -> str:
        rng = self.rng
        while len(self.lines) < self.n_lines:
            r = rng.random()
            if r < 0.08:
                self.lines.append("")
            elif r < 0.15:
                self.lines.append(rng.choice(_COMMENTS))
            elif r < 0.16:
                self.lines.append(self.new_key())  # a bare key: value None
            elif r < 0.17:
                self.lines.append(self.new_key() + "=")  # an empty value
            else:
                self.binding()
        return "\n".join(self.lines) + "\n"


def generate_env(n_lines: int, interpolate: bool, seed: int = SEED) -> str:
    """A ``.env`` text of at least ``n_lines`` lines (a multi-line value may add a few)."""
    return _EnvWriter(n_lines, interpolate, seed + n_lines + (1 if interpolate else 0)).text()


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


class _Collect(logging.Handler):
    """Collects the "could not parse" warnings of either library."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "could not parse" in message:
            self.messages.append(message)


def verify(path: Path, interpolation: tuple[bool, ...] = (False, True)) -> None:
    """Fail loudly unless both libraries read every line of ``path``, the same way.

    ``load_dotenv`` is checked where it is timed, in child processes (see ``measure_cold``).
    """
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        for interpolate in interpolation:
            ours = safekeys.dotenv_values(path, interpolate=interpolate)
            theirs = dotenv.dotenv_values(path, interpolate=interpolate)
            if list(ours.items()) != list(theirs.items()):
                diff = [k for k in theirs if ours.get(k, object()) != theirs[k]]
                raise SystemExit(
                    f"MISMATCH: dotenv_values({path.name}, interpolate={interpolate}) differs "
                    f"({len(ours)} vs {len(theirs)} keys; first differing: {diff[:3]})"
                )
    finally:
        root.removeHandler(handler)
    if handler.messages:
        raise SystemExit(f"unparsed lines in {path.name}: {handler.messages[:3]}")


# ---------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------

CALLS = {
    "values_nointerp": ("dotenv_values(path, interpolate=False)", "plain"),
    "values_interp": ("dotenv_values(path)", "interp"),
    "load_override": ("load_dotenv(path, override=True)", "interp"),
}


@dataclass
class Measurement:
    call: str
    lib: str
    lines: int
    times: list[float] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)
    note: str = ""  # why there are no times: "timed out", "skipped", ...

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)

    def as_json(self) -> dict[str, Any]:
        summary = {"median": self.median, "min": self.best} if self.times else {}
        return {**asdict(self), **summary}


def _time_once(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call, with GC off (as in timeit)."""
    gc.collect()
    gc.disable()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        gc.enable()


def measure(call: str, libs: list[str], path: Path, lines: int, repeats: int) -> list[Measurement]:
    """Time a ``dotenv_values`` call in this process, the libraries taking turns.

    Taking turns spreads any load from other processes over all libraries. Each
    library first gets one untimed warm-up run, unless that run took more than
    5 s: it then counts, and that library gets 3 runs at most.
    """
    interpolate = call == "values_interp"
    runs = {lib: partial(LIBS[lib].dotenv_values, path, interpolate=interpolate) for lib in libs}
    results = {lib: Measurement(call, lib, lines) for lib in libs}
    wanted = dict.fromkeys(libs, repeats)
    for lib in libs:
        wall, cpu = _time_once(runs[lib])
        if wall > 5.0:
            results[lib].times.append(wall)
            results[lib].cpu_times.append(cpu)
            wanted[lib] = min(repeats, 3)
    while any(len(results[lib].times) < wanted[lib] for lib in libs):
        for lib in libs:
            if len(results[lib].times) < wanted[lib]:
                wall, cpu = _time_once(runs[lib])
                results[lib].times.append(wall)
                results[lib].cpu_times.append(cpu)
    return list(results.values())


# One timed ``load_dotenv(path, override=True)`` in a fresh interpreter, which
# prints its wall and CPU time and a digest of the variables it set. A fresh
# process per run means every run starts from the same os.environ, and from the
# same library state (safekeys registers the secret-looking values it loads for
# masking, so a second load of the same file in one process does less work).
# "os.environ only" times assigning the same values in a plain loop.
_CHILD = """
import gc, hashlib, json, os, sys, time
path, lib = sys.argv[1], sys.argv[2]
before = dict(os.environ)
if lib == "os.environ only":  # the same values (checked equal), read the fast way
    import safekeys
    pairs = [(k, v) for k, v in safekeys.dotenv_values(path).items() if v is not None]
    def run():
        environ = os.environ
        for key, value in pairs:
            environ[key] = value
else:
    module = __import__({"python-dotenv": "dotenv"}.get(lib, lib))
    def run():
        assert module.load_dotenv(path, override=True) is True
gc.collect()
gc.disable()
wall, cpu = time.perf_counter(), time.process_time()
run()
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
gc.enable()
loaded = sorted((k, v) for k, v in os.environ.items() if before.get(k) != v)
digest = hashlib.sha256(json.dumps(loaded).encode()).hexdigest()
print(json.dumps({"wall": wall, "cpu": cpu, "digest": digest}))
"""


def _run_child(path: Path, lib: str, timeout: float) -> Optional[dict[str, Any]]:
    """The child's report, or None if it ran past ``timeout`` seconds (it is then killed)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), lib],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise SystemExit(f"load_dotenv child for {lib} failed:\n{proc.stderr}")
    report: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    return report


def measure_cold(
    libs: list[str], path: Path, lines: int, repeats: int, timeout: float
) -> list[Measurement]:
    """Time ``load_dotenv(path, override=True)``, once per fresh process, libraries taking turns.

    A run past ``timeout`` seconds is killed and ends that library's runs at this size.
    Fails loudly if the libraries set different variables.
    """
    call = "load_override"
    results = {lib: Measurement(call, lib, lines) for lib in libs}
    wanted = dict.fromkeys(libs, repeats)
    digests: dict[str, str] = {}
    while any(len(results[lib].times) < wanted[lib] for lib in libs):
        for lib in libs:
            if len(results[lib].times) >= wanted[lib]:
                continue
            report = _run_child(path, lib, timeout)
            if report is None:
                results[lib].note = f"> {timeout:.0f} s (timed out)"
                results[lib].times.clear()
                results[lib].cpu_times.clear()
                wanted[lib] = 0
                continue
            results[lib].times.append(report["wall"])
            results[lib].cpu_times.append(report["cpu"])
            digests[lib] = report["digest"]
            if report["wall"] > 5.0:
                wanted[lib] = min(wanted[lib], 3)
    if len(set(digests.values())) > 1:
        raise SystemExit(f"MISMATCH: load_dotenv({path.name}) set different variables: {digests}")
    return list(results.values())


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _fmt(seconds: Optional[float]) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def _cell(m: Optional[Measurement], missing: str) -> str:
    if m is None:
        return missing
    if not m.times:
        return m.note
    return f"{_fmt(m.median)} ({_fmt(m.best)}, n={len(m.times)})"


def _slope(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def _exponent(ms: list[Measurement]) -> Optional[float]:
    """Least-squares slope of log(median time) on log(lines): ~1 linear, ~2 quadratic."""
    if len(ms) < 2:
        return None
    return _slope([math.log(m.lines) for m in ms], [math.log(m.median) for m in ms])


_SCALING_NOTE = [
    "Time per line stays flat for a linear algorithm and grows with the size for a",
    "quadratic one. *k* is the local exponent log(t/t_prev) / log(n/n_prev) against the",
    "previous size measured (1 = linear, 2 = quadratic); the overall exponent below is the",
    "least-squares slope of log(median time) on log(lines) over all sizes measured.",
]


def _main_table(results: dict[tuple[str, str, int], Measurement], missing: str) -> list[str]:
    out = [
        "## Speed (median wall time; in brackets: min, number of timed runs)",
        "",
        "| call | file | lines | safekeys | python-dotenv | speed-up (median) | (min) | (CPU) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for call, (label, variant) in CALLS.items():
        for lines in sorted({n for c, _lib, n in results if c == call}):
            ours = results.get((call, "safekeys", lines))
            theirs = results.get((call, "python-dotenv", lines))
            ratios = ["-", "-", "-"]
            if ours and theirs and ours.times and theirs.times:
                cpu = statistics.median(theirs.cpu_times) / statistics.median(ours.cpu_times)
                ratios = [
                    f"{theirs.median / ours.median:.1f}x",
                    f"{theirs.best / ours.best:.1f}x",
                    f"{cpu:.1f}x",
                ]
            out.append(
                f"| `{label}` | {variant} | {lines:,} | {_cell(ours, missing)} "
                f"| {_cell(theirs, missing)} | " + " | ".join(ratios) + " |"
            )
    out += [
        "",
        "Speed-up = python-dotenv / safekeys, on the median wall time, the min wall time",
        "and the median CPU time of the process (less sensitive to other load).",
        "`dotenv_values` is timed in this process after one warm-up call. `load_dotenv` is",
        "timed once per fresh child process (the first call in a process, as in real use),",
        "so every run starts from the same os.environ and the same library state.",
    ]
    return out


def _scaling_table(
    results: dict[tuple[str, str, int], Measurement], call: str, missing: str
) -> list[str]:
    libs = ["safekeys", "python-dotenv"] + ([ENVIRON_ONLY] if call == "load_override" else [])
    head = "| lines |" + "".join(f" {lib} | µs/line | *k* |" for lib in libs)
    out = [
        "",
        f"## Scaling with interpolation on: `{CALLS[call][0]}`",
        "",
        *_SCALING_NOTE,
        "",
        head.replace(ENVIRON_ONLY, "`os.environ[k] = v` alone"),
        "| ---: |" + " ---: | ---: | ---: |" * len(libs),
    ]
    per_lib: dict[str, list[Measurement]] = {lib: [] for lib in libs}
    for lines in sorted({n for c, _lib, n in results if c == call}):
        row = [f"{lines:,}"]
        for lib in libs:
            m = results.get((call, lib, lines))
            if m is None or not m.times:
                row += [_cell(m, missing), "-", "-"]
                continue
            prev = per_lib[lib][-1] if per_lib[lib] else None
            k = _exponent([prev, m]) if prev else None
            per_lib[lib].append(m)
            row += [_fmt(m.median), f"{m.median / lines * 1e6:.2f}", f"{k:.2f}" if k else "-"]
        out.append("| " + " | ".join(row) + " |")
    exps = []
    for lib, ms in per_lib.items():
        e = _exponent(ms)
        span = f" ({ms[0].lines:,}-{ms[-1].lines:,} lines)" if ms else ""
        exps.append(f"{lib} {e:.2f}{span}" if e is not None else f"{lib} -")
    out += ["", "Overall exponent: " + "; ".join(exps) + "."]
    if call == "load_override":
        out += [
            "",
            f"`{ENVIRON_ONLY}` assigns the same values in a plain loop: each",
            "`os.environ[k] = v` calls libc `setenv`, which scans the whole environment,",
            "so setting N new variables costs O(N^2) whatever the parser does.",
        ]
    return out


def report(results: dict[tuple[str, str, int], Measurement], full: bool) -> str:
    missing = "not run (needs `--full`)" if not full else "not run"
    out = _main_table(results, missing)
    for call in ("values_interp", "load_override"):
        out += _scaling_table(results, call, missing)
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def _plan(args: argparse.Namespace) -> list[tuple[str, int, list[str]]]:
    """(call, lines, libraries) to measure, in order."""
    if args.quick:
        main_sizes, sk_scaling = [1_000, 10_000], [1_000, 2_000, 4_000]
    else:
        main_sizes, sk_scaling = [1_000, 100_000], [1_000, 5_000, 10_000, 20_000, 100_000]
    if args.sizes:
        main_sizes = sk_scaling = args.sizes
    pd_scaling = [n for n in sk_scaling if args.full or n <= args.interp_max]
    plan = [("values_nointerp", lines, list(LIBS)) for lines in main_sizes]
    for call in ("values_interp", "load_override"):
        for lines in sk_scaling:
            libs = ["safekeys"]
            if lines in pd_scaling or (call == "load_override" and args.full):
                libs.append("python-dotenv")
            if call == "load_override":
                libs.append(ENVIRON_ONLY)
            plan.append((call, lines, libs))
    return [step for step in plan if not args.only or step[0] in args.only]


STRUCTURED = {
    # What a generated or exported .env looks like: K0 .. K999999.
    "natural": lambda i: f"K{i}",
    # Keys sharing a 12-character prefix: what broke the old Fx hash.
    "shared-prefix": lambda i: f"SERVICE_APP_{i:07d}",
}

_DOTENV_CHILD = """
import sys, time, dotenv
t = time.perf_counter()
dotenv.dotenv_values(sys.argv[1], interpolate=sys.argv[2] == "1")
print(time.perf_counter() - t)
"""


def structured_keys(lines: int, repeats: int, timeout: float) -> str:
    """Time ``dotenv_values`` on ``lines`` keys of each STRUCTURED shape,
    with and without interpolation; python-dotenv runs in a child killed
    after ``timeout`` seconds. Returns a Markdown table."""
    rows = [
        f"## Structured keys, {lines:,} lines (`KEY=value<i>`)",
        "",
        "| keys | library | interpolate=False | interpolate=True |",
        "|---|---|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(prefix="safekeys-bench-") as tmp:
        for shape, key in STRUCTURED.items():
            path = Path(tmp) / f"{shape}.env"
            path.write_text("".join(f"{key(i)}=value{i}\n" for i in range(lines)))
            cells = []
            for interpolate in (False, True):
                call = partial(safekeys.dotenv_values, path, interpolate=interpolate)
                call()
                times = [_time_once(call)[0] for _ in range(repeats)]
                cells.append(_fmt(statistics.median(times)))
            rows.append(f"| {shape} | safekeys | {cells[0]} | {cells[1]} |")
            cells = []
            for interpolate in (False, True):
                try:
                    out = subprocess.run(
                        [sys.executable, "-c", _DOTENV_CHILD, str(path), str(int(interpolate))],
                        capture_output=True,
                        text=True,
                        timeout=timeout,
                        check=True,
                    )
                    cells.append(_fmt(float(out.stdout)))
                except subprocess.TimeoutExpired:
                    cells.append(f"> {timeout:.0f} s (timed out)")
            rows.append(f"| {shape} | python-dotenv (1 run) | {cells[0]} | {cells[1]} |")
            print("\n".join(rows[-2:]), file=sys.stderr)
    return "\n".join(rows) + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--structured",
        type=int,
        metavar="LINES",
        help="only time structured keys (K0.., shared prefixes) at LINES lines, e.g. 1000000",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller files")
    parser.add_argument(
        "--full", action="store_true", help="also time python-dotenv with interpolation at 100k"
    )
    parser.add_argument(
        "--interp-max",
        type=int,
        default=20_000,
        help="largest file on which python-dotenv's interpolation is timed (default 20000)",
    )
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per case")
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds before a load_dotenv child is killed (default 120, --quick 3);"
        " a library that times out is not run on larger files",
    )
    parser.add_argument(
        "--only", action="append", choices=list(CALLS), help="time only this call (repeatable)"
    )
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        help="comma-separated file sizes in lines, instead of the defaults",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the raw figures as JSON")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    timeout = args.timeout or (3.0 if args.quick else 120.0)
    if args.structured:
        print(structured_keys(args.structured, repeats, timeout))
        return 0

    plan = _plan(args)
    results: dict[tuple[str, str, int], Measurement] = {}
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="safekeys-bench-") as tmp:
        paths: dict[tuple[str, int], Path] = {}
        for call, lines, _libs in plan:
            variant = CALLS[call][1]
            if (variant, lines) not in paths:
                path = Path(tmp) / f"{variant}-{lines}.env"
                path.write_text(generate_env(lines, variant == "interp"), encoding="utf-8")
                # Plain files are timed without interpolation only: skip python-dotenv's
                # quadratic interpolation there.
                verify(path, (False,) if variant == "plain" else (False, True))
                paths[variant, lines] = path
        print(f"generated and verified {len(paths)} files (equal results)", file=sys.stderr)
        timed_out: dict[str, int] = {}  # library -> smallest file it timed out on
        interrupted = False
        try:
            for call, lines, libs in plan:
                path = paths[CALLS[call][1], lines]
                if call != "load_override":
                    measured = measure(call, libs, path, lines, repeats)
                else:
                    skip = [lib for lib in libs if lib in timed_out]
                    run = [lib for lib in libs if lib not in timed_out]
                    measured = measure_cold(run, path, lines, repeats, timeout) if run else []
                    for lib in skip:
                        note = f"not run (timed out at {timed_out[lib]:,} lines)"
                        measured.append(Measurement(call, lib, lines, note=note))
                for m in measured:
                    results[call, m.lib, lines] = m
                    if m.note.endswith("(timed out)"):
                        timed_out.setdefault(m.lib, lines)
                    shown = _fmt(m.median) if m.times else m.note
                    print(f"  {call:16} {m.lib:15} {lines:>7,}: {shown}", file=sys.stderr)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: report what was measured
            interrupted = True

    header = [
        "# safekeys vs python-dotenv: parsing and loading",
        "",
        *(
            ["**INTERRUPTED: only the cases measured before the stop are shown.**", ""]
            if interrupted
            else []
        ),
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs; safekeys {safekeys.__version__}, "
        f"python-dotenv {_dist_version()} (safekeys from {Path(safekeys.__file__).parent}); "
        f"seed {SEED}; {'quick' if args.quick else 'full' if args.full else 'default'} run; "
        f"wall time {time.perf_counter() - started:.0f} s; load average "
        f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after.",
        "",
        "Files: plain = no `${...}` references; interp = about a third of the values hold",
        "`${VAR}` / `${VAR:-default}` references. Both libraries returned equal results",
        "on every file before timing (and set the same variables with `load_dotenv`). The",
        "garbage collector is off while a call is timed (as in timeit).",
        "",
        "",
    ]
    print("\n".join(header) + report(results, args.full))
    if args.json:
        payload = {
            "python": platform.python_version(),
            "safekeys": safekeys.__version__,
            "python_dotenv": _dist_version(),
            "cpus": os.cpu_count(),
            "seed": SEED,
            "mode": "quick" if args.quick else "full" if args.full else "default",
            "interrupted": interrupted,
            "results": [m.as_json() for m in results.values()],
        }
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 130 if interrupted else 0


def _dist_version() -> str:
    from importlib.metadata import version

    return version("python-dotenv")


if __name__ == "__main__":
    sys.exit(main())
