"""Benchmark loading a dotenvx-encrypted ``.env``: safekeys vs python-dotenvx.

Writes a 1,000-line ``.env`` (``--lines``) whose every value is encrypted
for one key pair (API-key-shaped values of 20 to 60 characters under
``VAR_0000_KEY``-style names), the private key in ``.env.keys`` beside it,
checks that both libraries decrypt it to the same values, then times, in
this process and alternating the two libraries each round:

* ``dotenv_values(path)``: read, parse and decrypt every value;
* ``load_dotenv(path, override=True)``: the same plus ``os.environ``.

One warm-up call each, then ``--repeats`` timed calls; the median is
reported with the minimum. safekeys also registers every decrypted value
for masking (python-dotenvx has no masking), so its figure includes that.

Usage::

    python benches/bench_encrypted.py            # 1,000 lines, 15 repeats
    python benches/bench_encrypted.py --quick    # CI smoke run: 200 lines, 3 repeats
    python benches/bench_encrypted.py --json results.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import string
import sys
import tempfile
import time
from importlib.metadata import version

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import median

SEED = 16


def make_file(directory: str, lines: int) -> tuple[str, dict[str, str]]:
    from safekeys import _core

    rng = random.Random(SEED)
    public, private = _core.dotenvx_keypair()
    alphabet = string.ascii_letters + string.digits + "-_"
    plain: dict[str, str] = {}
    out = [f'DOTENV_PUBLIC_KEY="{public}"', ""]
    for i in range(lines):
        name = f"VAR_{i:04d}_KEY"
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(20, 60)))
        plain[name] = value
        out.append(f'{name}="{_core.dotenvx_encrypt(public, value)}"')
    path = os.path.join(directory, ".env")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    keys = os.path.join(directory, ".env.keys")
    with open(keys, "w", encoding="utf-8") as f:
        f.write(f'DOTENV_PRIVATE_KEY="{private}"\n')
    os.chmod(keys, 0o600)
    return path, plain


def time_calls(call: object, repeats: int) -> list[float]:
    assert callable(call)
    call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke run")
    parser.add_argument("--lines", type=int, help="encrypted values (default 1000, --quick 200)")
    parser.add_argument("--repeats", type=int, help="timed calls (default 15, --quick 3)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    lines = args.lines or (200 if args.quick else 1000)
    repeats = args.repeats or (3 if args.quick else 15)

    os.environ["SAFEKEYS_HYGIENE"] = "0"  # no git process in the timings
    os.environ["SAFEKEYS_KEYRING"] = "0"  # the key is in .env.keys; no keyring round trip
    os.environ.pop("DOTENV_PRIVATE_KEY", None)
    import dotenvx
    import safekeys

    results: dict[str, dict[str, list[float]]] = {"safekeys": {}, "python-dotenvx": {}}
    with tempfile.TemporaryDirectory() as directory:
        path, plain = make_file(directory, lines)
        ours = safekeys.dotenv_values(path)
        theirs = dotenvx.dotenv_values(path)
        for name, value in plain.items():
            if ours.get(name) != value or theirs.get(name) != value:
                raise SystemExit(f"the libraries disagree on {name}: benchmark aborted")
        calls = {
            "safekeys": {
                "dotenv_values": lambda: safekeys.dotenv_values(path),
                "load_dotenv": lambda: safekeys.load_dotenv(path, override=True),
            },
            "python-dotenvx": {
                "dotenv_values": lambda: dotenvx.dotenv_values(path),
                "load_dotenv": lambda: dotenvx.load_dotenv(path, override=True),
            },
        }
        for what in ("dotenv_values", "load_dotenv"):
            for library in ("python-dotenvx", "safekeys"):
                results[library][what] = time_calls(calls[library][what], repeats)

    print(
        f"{lines} encrypted values, {repeats} repeats; Python {platform.python_version()}, "
        f"safekeys {safekeys.__version__}, python-dotenvx {version('python-dotenvx')}"
    )
    print(f"{'call':<16}{'library':<16}{'median ms':>12}{'min ms':>10}")
    for what in ("dotenv_values", "load_dotenv"):
        for library in ("safekeys", "python-dotenvx"):
            times = results[library][what]
            print(f"{what:<16}{library:<16}{median(times):>12.2f}{min(times):>10.2f}")
        ratio = median(results["python-dotenvx"][what]) / median(results["safekeys"][what])
        print(f"{'':<16}{'ratio':<16}{ratio:>11.2f}x (python-dotenvx / safekeys)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"lines": lines, "repeats": repeats, "times_ms": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
