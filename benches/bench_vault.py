"""Benchmark safekeys' team store against ``hvac``: same run, same OpenBao dev server.

Starts a real ``bao server -dev`` on 127.0.0.1 (tests/openbao_server.py), stores one key
in KV v2 and creates a scoped token, then times in fresh processes (interleaved, so both
clients see the same machine state):

* **import**: ``import safekeys`` vs ``import hvac``;
* **cold**: the first lookup in a new process: ``safekeys.getenv(NAME)`` (it also asks
  the server for the token's TTL once, for renewal: two requests) vs hvac's
  ``Client(...).secrets.kv.v2.read_secret_version`` (one request);
* **cached**: each later ``getenv`` within the cache TTL (no request at all);
* **uncached**: each later lookup that goes to the server: ``getenv`` with
  ``SAFEKEYS_VAULT_CACHE_TTL=0``, the bare binding ``_core.Vault.read``, and hvac's
  read (hvac has no cache), connections kept alive by both;
* **process**: ``safekeys get NAME`` as a whole command, with ``python -c pass`` as the floor.

Usage::

    python benches/bench_vault.py            # default rounds
    python benches/bench_vault.py --quick    # CI smoke run
    python benches/bench_vault.py --json results.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, os.fspath(HERE.parent / "tests"))

from openbao_server import OpenBao  # noqa: E402
from timing import median, run_child, wall  # noqa: E402

NAME = "OPENAI_API_KEY"
VALUE = "sk-proj-bench-" + "Vq7Tw3Er5Ty9Ui1Op4As6Df8Gh2Jk0Lz"
POLICY = 'path "secret/data/safekeys/*" { capabilities = ["read"] }'

SAFEKEYS_CHILD = """
import json, os, time
t0 = time.perf_counter()
import safekeys
t1 = time.perf_counter()
value = safekeys.getenv(NAME)
t2 = time.perf_counter()
cached, uncached, raw = [], [], []
for _ in range(WARM):
    s = time.perf_counter(); safekeys.getenv(NAME); cached.append(time.perf_counter() - s)
os.environ["SAFEKEYS_VAULT_CACHE_TTL"] = "0"
for _ in range(WARM):
    s = time.perf_counter(); safekeys.getenv(NAME); uncached.append(time.perf_counter() - s)
from safekeys.stores import team as _vault
client, token = _vault.client(), os.environ["VAULT_TOKEN"]
for _ in range(WARM):
    s = time.perf_counter(); client.read(token, NAME); raw.append(time.perf_counter() - s)
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "cached": cached,
                  "uncached": uncached, "raw": raw, "ok": value == VALUE}))
"""

HVAC_CHILD = """
import json, os, time
t0 = time.perf_counter()
import hvac
t1 = time.perf_counter()
client = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"], timeout=5)
def get():
    reply = client.secrets.kv.v2.read_secret_version(
        path="safekeys/" + NAME, mount_point="secret", raise_on_deleted_version=True)
    return reply["data"]["data"]["value"]
value = get()
t2 = time.perf_counter()
uncached = []
for _ in range(WARM):
    s = time.perf_counter(); get(); uncached.append(time.perf_counter() - s)
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "cached": [],
                  "uncached": uncached, "raw": [], "ok": value == VALUE}))
"""


def ms(seconds: float) -> str:
    if seconds != seconds:
        return "—"
    return f"{seconds * 1000:.2f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.0f} µs"


def child(code: str, env: dict[str, str], cwd: str, warm: int) -> dict[str, Any]:
    result = run_child(f"NAME={NAME!r}\nVALUE={VALUE!r}\nWARM={warm}\n" + code, env, cwd)
    if not result["ok"]:
        raise RuntimeError("a benchmark child read the wrong value")
    return result


def lookups(env: dict[str, str], cwd: str, rounds: int, warm: int) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {"safekeys": [], "hvac": []}
    for _ in range(rounds):
        runs["safekeys"].append(child(SAFEKEYS_CHILD, env, cwd, warm))
        runs["hvac"].append(child(HVAC_CHILD, env, cwd, warm))
    summary: dict[str, Any] = {}
    for who, results in runs.items():
        summary[who] = {
            "import": median([r["import"] for r in results]),
            "first": median([r["first"] for r in results]),
            "cached": median([median(r["cached"]) for r in results if r["cached"]]),
            "uncached": median([median(r["uncached"]) for r in results]),
            "raw": median([median(r["raw"]) for r in results if r["raw"]]),
        }
    return summary


def processes(env: dict[str, str], cwd: str, rounds: int) -> dict[str, float]:
    commands = {
        "safekeys get NAME": [sys.executable, "-m", "safekeys", "get", NAME, "--no-dotenv"],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(rounds):
        for label, command in commands.items():
            took, done = wall(command, env, cwd)
            times[label].append(took)
            if done.returncode != 0:
                raise RuntimeError(f"{label} failed: {done.stderr!r}")
    return {label: median(values) for label, values in times.items()}


def report(results: dict[str, Any]) -> str:
    s, h = results["lookups"]["safekeys"], results["lookups"]["hvac"]
    pr = results["processes"]
    return "\n".join(
        [
            f"Team store benchmark: {results['machine']}; OpenBao {results['bao']} dev server "
            f"on 127.0.0.1 (plain HTTP, loopback), hvac {results['hvac_version']}; median of "
            f"{results['rounds']} processes ({results['warm']} calls each).",
            "",
            "| lookup of one KV v2 key | safekeys | hvac |",
            "| --- | ---: | ---: |",
            f"| import | {ms(s['import'])} | {ms(h['import'])} |",
            f"| cold: first lookup in a new process | {ms(s['first'])} | {ms(h['first'])} |",
            f"| cached: each later `getenv` (cache TTL 30 s) | {ms(s['cached'])} | — |",
            f"| uncached: each later lookup, one request | {ms(s['uncached'])} "
            f"| {ms(h['uncached'])} |",
            f"| uncached: bare binding `_core.Vault.read` | {ms(s['raw'])} | |",
            f"| whole process: `safekeys get NAME` | {ms(pr['safekeys get NAME'])} | |",
            f"| (floor: `python -c pass`) | {ms(pr['python -c pass'])} | |",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="processes per measurement")
    parser.add_argument("--warm", type=int, default=200, help="calls per process")
    parser.add_argument("--quick", action="store_true", help="few rounds (CI smoke run)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args()
    rounds, warm = (3, 20) if args.quick else (args.rounds, args.warm)
    from importlib.metadata import version as installed

    import safekeys

    with tempfile.TemporaryDirectory(prefix="sk-bench-vault-") as work:
        server = OpenBao.start(Path(work) / "bao")
        try:
            server.policy("reader", POLICY)
            server.put(f"safekeys/{NAME}", VALUE)
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("VAULT_", "SAFEKEYS_")) and k != NAME
            }
            env.update(
                VAULT_ADDR=server.address,
                VAULT_TOKEN=server.token("reader", ttl="1h"),
                SAFEKEYS_KEYRING="0",
                HOME=work,
            )
            health = server.admin.sys.read_health_status(method="GET")
            results = {
                "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
                f"{platform.python_version()}, safekeys {safekeys.__version__}",
                "bao": health.get("version", "?"),
                "hvac_version": installed("hvac"),
                "rounds": rounds,
                "warm": warm,
                "lookups": lookups(env, work, rounds, warm),
                "processes": processes(env, work, rounds),
            }
        finally:
            server.stop()
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
