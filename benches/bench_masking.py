"""Benchmark of the masking engine (issue 12): registering many secrets,
adding one more, adding one by one, scrubbing long and self-similar
secrets, and scrub throughput of ordinary text.

Runs against the installed package (``from safekeys import _core``). Each
case runs in its own child interpreter, so its peak RSS (``ru_maxrss``) is
its own. ``--baseline-python PATH`` runs the same cases with another
interpreter (one with an older build installed) for before/after figures
from one run.

    python benches/bench_masking.py [--quick] [--baseline-python PATH] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any

# Each case is a child program: it prints one JSON object as its last line.
_PRELUDE = r"""
import json, random, resource, sys, time
from safekeys import _core

def tokens(n, length, seed):
    rng = random.Random(seed)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return ["sk-proj-" + "".join(rng.choices(alphabet, k=length)) for _ in range(n)]

def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def done(**figures):
    figures["peak_rss_mb"] = round(rss_mb(), 1)
    print(json.dumps(figures))

N = int(sys.argv[1])
"""

CASES: dict[str, str] = {
    "register": r"""
secrets = tokens(N, 40, 1)
items = [(f"K{i}", s, "bench") for i, s in enumerate(secrets)]
base = rss_mb()
m = _core.Masker()
t = time.perf_counter()
m.add_many(items)
secs = time.perf_counter() - t
assert m.scrub(secrets[N // 2]) == f"[masked:K{N // 2}]"
done(secs=secs, rss_before_mb=round(base, 1))
""",
    "add_one": r"""
m = _core.Masker()
m.add_many([(f"K{i}", s, "bench") for i, s in enumerate(tokens(N, 40, 2))])
extra = tokens(1, 40, 3)[0]
t = time.perf_counter()
m.add("EXTRA", extra, "bench")
secs = time.perf_counter() - t
assert m.scrub(extra) == "[masked:EXTRA]"
done(secs=secs)
""",
    "adds_800": r"""
m = _core.Masker()
m.add_many([(f"K{i}", s, "bench") for i, s in enumerate(tokens(N, 40, 4))])
more = tokens(800, 40, 5)
t = time.perf_counter()
for i, s in enumerate(more):
    m.add(f"M{i}", s, "bench")
secs = time.perf_counter() - t
assert m.scrub(more[-1]) == "[masked:M799]"
done(secs=secs)
""",
    "long_secret": r"""
rng = random.Random(6)
alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
secret = "".join(rng.choices(alphabet, k=N))
m = _core.Masker()
t = time.perf_counter()
m.add("BIG", secret, "bench")
add_secs = time.perf_counter() - t
t = time.perf_counter()
out = m.scrub(secret + "\n")
secs = time.perf_counter() - t
assert out == "[masked:BIG]\n", out[:80]
done(secs=secs, add_secs=add_secs)
""",
    "self_similar": r"""
m = _core.Masker()
m.add("A", "a" * 4096, "bench")
t = time.perf_counter()
out = m.scrub("a" * N)
secs = time.perf_counter() - t
assert out == "[masked:A]", out[:80]
done(secs=secs)
""",
    "throughput": r"""
rng = random.Random(7)
m = _core.Masker()
m.add_many([(f"K{i}", s, "bench") for i, s in enumerate(tokens(100, 40, 8))])
words = ["INFO", "request", "served", "in", "ms", "user", "GET", "/api/v1/items",
         "status=200", "cache", "miss", "worker", "started", "DEBUG", "pool", "tokens"]
lines = []
size = 0
while size < N:
    line = "2026-11-27T12:00:00Z " + " ".join(rng.choices(words, k=10)) + "\n"
    lines.append(line)
    size += len(line)
text = "".join(lines)
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    out = m.scrub(text)
    best = min(best, time.perf_counter() - t)
assert out == text
done(secs=best, mb_per_s=round(len(text) / best / 1e6, 1))
""",
}

# (case, size argument, what it measures)
FULL = [
    ("register", 100_000, "register 100,000 secrets (add_many)"),
    ("add_one", 10_000, "one more add, 10,000 present"),
    ("adds_800", 10_000, "800 adds one by one, 10,000 present"),
    ("long_secret", 256 * 1024, "scrub a printed 256 KB secret"),
    ("self_similar", 10_000, 'scrub "a"*10000, "a"*4096 registered'),
    ("throughput", 8 << 20, "scrub 8 MB of ordinary text, 100 secrets"),
]
QUICK = [
    ("register", 20_000, "register 20,000 secrets (add_many)"),
    ("add_one", 10_000, "one more add, 10,000 present"),
    ("adds_800", 10_000, "800 adds one by one, 10,000 present"),
    ("long_secret", 256 * 1024, "scrub a printed 256 KB secret"),
    ("self_similar", 10_000, 'scrub "a"*10000, "a"*4096 registered'),
    ("throughput", 1 << 20, "scrub 1 MB of ordinary text, 100 secrets"),
]


def run_case(python: str, case: str, size: int, timeout: float) -> dict[str, Any]:
    """One case in a fresh interpreter; its figures, or why there are none."""
    try:
        done = subprocess.run(
            [python, "-c", _PRELUDE + CASES[case], str(size)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["?"]
        return {"error": tail[0]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def where(python: str) -> str:
    done = subprocess.run(
        [python, "-c", "import safekeys._core as c; print(c.__file__)"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or done.stderr.strip()


def cell(result: dict[str, Any] | None) -> str:
    if result is None:
        return "-"
    if "error" in result:
        return f"error: {result['error']}"
    text = f"{result['secs']:.3f} s"
    if "mb_per_s" in result:
        text += f" ({result['mb_per_s']} MB/s)"
    return text + f", {result['peak_rss_mb']:.0f} MB peak"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI (< 30 s)")
    parser.add_argument("--baseline-python", help="an interpreter with the old build installed")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--timeout", type=float, default=300.0, help="per case, seconds")
    args = parser.parse_args()

    cases = QUICK if args.quick else FULL
    pythons = {"after": sys.executable}
    if args.baseline_python:
        pythons = {"before": args.baseline_python, **pythons}
    for label, python in pythons.items():
        print(f"{label}: {python} -> {where(python)}")
    print(f"load average: {os.getloadavg()[0]:.2f} (2 vCPUs shared)")

    figures: dict[str, dict[str, Any]] = {}
    for case, size, what in cases:
        row: dict[str, Any] = {"what": what, "size": size}
        for label, python in pythons.items():
            row[label] = run_case(python, case, size, args.timeout)
        figures[case] = row
        cells = " | ".join(cell(row.get(label)) for label in pythons)
        print(f"| {what} | {cells} |", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2)
    failed = any("error" in row["after"] for row in figures.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
