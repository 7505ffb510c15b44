"""Benchmark safekeys' OS keyring against Python's ``keyring`` package, same run, same keyring.

Starts a real gnome-keyring in a private D-Bus session (tests/keyring_session.py), stores
one key, and times:

* **cold**: the first lookup in a new process (``safekeys.getenv(NAME)`` vs
  ``keyring.get_password(SERVICE, NAME)``), measured inside the process after the import;
  the import itself is reported beside it;
* **warm**: further lookups in the same process (``getenv``, which asks the environment and
  ``.env`` first, and the bare keyring read ``_core.Keyring.get``), median per call;
* **process**: ``safekeys get NAME`` vs ``keyring get SERVICE NAME`` as whole commands, wall
  time, with ``python -c pass`` as the floor;
* **failures**: the real time ``getenv(NAME, default)`` takes to give up with no D-Bus bus
  at all, a dead bus socket, a bus without a Secret Service and a locked collection (first
  call in a process, then each later call), and ``safekeys get`` as a process in each case;
  Python's ``keyring`` beside it where it answers.

Usage::

    python benches/bench_keyring.py            # default rounds
    python benches/bench_keyring.py --quick    # CI smoke run
    python benches/bench_keyring.py --json results.json
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
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.fspath(HERE.parent / "tests"))

from keyring_session import (  # noqa: E402
    KeyringSession,
    SessionBus,
    dead_bus_address,
    missing_tools,
)
from timing import median, run_child, wall  # noqa: E402

SERVICE = "safekeys-bench"
NAME = "OPENAI_API_KEY"
VALUE = "sk-proj-bench-" + "Xy7Qw3Er5Ty9Ui1Op4As6Df8Gh2Jk0Lz"
KEYRING_BACKEND = "keyring.backends.SecretService.Keyring"

SAFEKEYS_CHILD = """
import json, sys, time
t0 = time.perf_counter()
import safekeys
from safekeys.stores import keyring as _keyring
t1 = time.perf_counter()
value = safekeys.getenv(NAME, "<default>")
t2 = time.perf_counter()
warm, raw = [], []
for _ in range(WARM):
    s = time.perf_counter()
    safekeys.getenv(NAME, "<default>")
    warm.append(time.perf_counter() - s)
handle = _keyring.handle()
for _ in range(WARM):
    s = time.perf_counter()
    try:
        handle.get(SERVICE, NAME)
    except OSError:
        pass
    raw.append(time.perf_counter() - s)
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "warm": warm, "raw": raw,
                  "ok": value == VALUE}))
"""

KEYRING_CHILD = """
import json, sys, time
t0 = time.perf_counter()
import keyring
t1 = time.perf_counter()
def get():
    try:
        return keyring.get_password(SERVICE, NAME)
    except Exception as err:
        return type(err).__name__
value = get()
t2 = time.perf_counter()
warm = []
for _ in range(WARM):
    s = time.perf_counter(); get(); warm.append(time.perf_counter() - s)
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "warm": warm, "raw": [],
                  "ok": value == VALUE, "answer": value if value != VALUE else "ok"}))
"""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.0f} µs"


def child(code: str, env: dict[str, str], cwd: str, warm: int) -> dict[str, Any]:
    prelude = f"NAME={NAME!r}\nSERVICE={SERVICE!r}\nVALUE={VALUE!r}\nWARM={warm}\n"
    return run_child(prelude + code, env, cwd)


def script(name: str) -> str:
    path = Path(sys.executable).parent / name
    return os.fspath(path) if path.exists() else name


def lookups(env: dict[str, str], cwd: str, rounds: int, warm: int) -> dict[str, Any]:
    """Cold and warm lookups, interleaved so both libraries see the same machine state."""
    runs: dict[str, list[dict[str, Any]]] = {"safekeys": [], "keyring": []}
    for _ in range(rounds):
        runs["safekeys"].append(child(SAFEKEYS_CHILD, env, cwd, warm))
        runs["keyring"].append(child(KEYRING_CHILD, env, cwd, warm))
    out: dict[str, Any] = {}
    for lib, results in runs.items():
        assert all(r["ok"] for r in results), (lib, results[0])
        out[lib] = {
            "import": median([r["import"] for r in results]),
            "first": median([r["first"] for r in results]),
            "warm": median([x for r in results for x in r["warm"]]),
            "raw": median([x for r in results for x in r["raw"]]),
        }
    return out


def processes(env: dict[str, str], cwd: str, rounds: int) -> dict[str, Any]:
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "safekeys get NAME": [script("safekeys"), "get", NAME, "--service", SERVICE],
        "keyring get SERVICE NAME": [script("keyring"), "get", SERVICE, NAME],
    }
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(rounds):
        for label, command in commands.items():
            took, done = wall(command, env, cwd)
            assert done.returncode == 0, (label, done.returncode)
            times[label].append(took)
    return {label: median(values) for label, values in times.items()}


def failures(
    ks: KeyringSession, base: dict[str, str], cwd: str, rounds: int, warm: int
) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="sk-bench-fail-"))
    empty_runtime = tmp / "runtime"
    empty_runtime.mkdir()
    bare = SessionBus(tmp / "bare-bus")
    bare.start()
    cases: dict[str, dict[str, str]] = {
        "no D-Bus (variable unset)": {
            **{k: v for k, v in base.items() if k != "DBUS_SESSION_BUS_ADDRESS"},
            "XDG_RUNTIME_DIR": os.fspath(empty_runtime),
        },
        "dead bus socket": {**base, "DBUS_SESSION_BUS_ADDRESS": dead_bus_address(tmp)},
        "bus without Secret Service": {**base, "DBUS_SESSION_BUS_ADDRESS": bare.address},
        "locked collection": base,
    }
    out: dict[str, Any] = {}
    try:
        for label, env in cases.items():
            locked = label == "locked collection"
            if locked:
                ks.lock()
            try:
                firsts, warms, procs, keyring_firsts, answers = [], [], [], [], set()
                for _ in range(rounds):
                    r = child(SAFEKEYS_CHILD, env, cwd, warm)
                    assert not r["ok"]
                    firsts.append(r["first"])
                    warms += r["warm"]
                    took, done = wall([script("safekeys"), "get", NAME], env, cwd)
                    assert done.returncode == 3, (label, done.returncode)
                    procs.append(took)
                    k = child(KEYRING_CHILD, env, cwd, 1)
                    keyring_firsts.append(k["first"])
                    answers.add(k["answer"])
                out[label] = {
                    "first": median(firsts),
                    "max_first": max(firsts),
                    "warm": median(warms),
                    "process": median(procs),
                    "keyring_first": median(keyring_firsts),
                    "keyring_answer": ", ".join(sorted(answers)),
                }
            finally:
                if locked:
                    ks.unlock()
    finally:
        bare.stop()
    return out


def report(results: dict[str, Any]) -> str:
    lk, pr, fl = results["lookups"], results["processes"], results["failures"]
    s, k = lk["safekeys"], lk["keyring"]
    lines = [
        f"Keyring benchmark: {results['machine']}; gnome-keyring {results['gnome_keyring']}, "
        f"keyring {results['keyring_version']}, median of {results['rounds']} processes "
        f"({results['warm']} warm calls each).",
        "",
        "| lookup of one stored key | safekeys | Python keyring |",
        "| --- | ---: | ---: |",
        f"| import | {ms(s['import'])} | {ms(k['import'])} |",
        f"| cold: first lookup in a new process | {ms(s['first'])} | {ms(k['first'])} |",
        f"| warm: each later lookup (`getenv` / `get_password`) | {ms(s['warm'])} "
        f"| {ms(k['warm'])} |",
        f"| warm: bare keyring read (`_core.Keyring.get`) | {ms(s['raw'])} | |",
        f"| whole process: `safekeys get NAME` / `keyring get SERVICE NAME` "
        f"| {ms(pr['safekeys get NAME'])} | {ms(pr['keyring get SERVICE NAME'])} |",
        f"| (floor: `python -c pass`) | {ms(pr['python -c pass'])} | |",
        "",
        "| keyring unavailable | getenv(NAME, default): first call | later calls "
        "| `safekeys get` (exit 3) | Python keyring: first call (answer) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, f in fl.items():
        lines.append(
            f"| {label} | {ms(f['first'])} (max {ms(f['max_first'])}) | {ms(f['warm'])} "
            f"| {ms(f['process'])} | {ms(f['keyring_first'])} ({f['keyring_answer']}) |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="processes per measurement")
    parser.add_argument("--warm", type=int, default=200, help="warm calls per process")
    parser.add_argument("--quick", action="store_true", help="few rounds (CI smoke run)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args()
    rounds, warm = (3, 20) if args.quick else (args.rounds, args.warm)
    why = missing_tools()
    if why:
        print(f"bench_keyring: {why}", file=sys.stderr)
        return 1
    from importlib.metadata import version as installed

    import safekeys

    daemon = subprocess.run(
        ["gnome-keyring-daemon", "--version"], capture_output=True, text=True
    ).stdout.splitlines()
    with KeyringSession() as ks, tempfile.TemporaryDirectory(prefix="sk-bench-") as cwd:
        env = {
            **os.environ,
            **ks.env,
            "SAFEKEYS_SERVICE": SERVICE,
            "PYTHON_KEYRING_BACKEND": KEYRING_BACKEND,
        }
        env.pop(NAME, None)
        done = subprocess.run(
            [script("safekeys"), "set", NAME], input=VALUE, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        results = {
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, safekeys {safekeys.__version__}",
            "gnome_keyring": daemon[0].split()[-1] if daemon else "?",
            "keyring_version": installed("keyring"),
            "rounds": rounds,
            "warm": warm,
            "lookups": lookups(env, cwd, rounds, warm),
            "processes": processes(env, cwd, rounds),
            "failures": failures(ks, env, cwd, rounds, warm),
        }
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
