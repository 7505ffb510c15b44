"""End-to-end cost of masking in a real Jupyter kernel.

    python3 benches/bench_kernel_print.py [--megabytes 50] [--repeats 3]

Starts an ipykernel, prints MEGABYTES of log-like text from a cell (100-byte
lines through `print`), and times the cell from execute_request until the
kernel reports idle, while a client drains iopub. Three configurations, each
in a fresh kernel: no extension; `%load_ext safekeys` with the 2 secrets of a
typical `.env`; and with 100 registered secrets. Reports the median and the
overhead against no extension.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import string
import sys
import tempfile
import time

from jupyter_client.manager import start_new_kernel

PRINT_CELL = """
import sys
line = "2026-11-27T12:00:00Z INFO request served in 12 ms user=42 GET /api/v1/items status=200"
line = line.ljust(99)[:99] + "\\n"
for _ in range({lines}):
    sys.stdout.write(line)
sys.stdout.flush()
"""


def fake_key(prefix: str = "sk-proj-") -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(48))


def run_cell(kc, code: str, timeout: float = 600) -> tuple[float, int]:
    """Seconds from request to idle, and stream bytes received."""
    start = time.perf_counter()
    msg_id = kc.execute(code)
    received = 0
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            received += len(msg["content"]["text"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return time.perf_counter() - start, received


def measure(setup: list[str], lines: int, repeats: int, cwd: str) -> list[float]:
    km, kc = start_new_kernel(kernel_name="python3", cwd=cwd)
    try:
        for code in setup:
            run_cell(kc, code)
        times = []
        for _ in range(repeats):
            seconds, received = run_cell(kc, PRINT_CELL.format(lines=lines))
            if received != lines * 100:
                raise SystemExit(f"expected {lines * 100} bytes of output, got {received}")
            times.append(seconds)
        return times
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    lines = int(args.megabytes * 1_000_000 / 100)

    with tempfile.TemporaryDirectory() as project:
        with open(os.path.join(project, ".env"), "w") as f:
            f.write(f"OPENAI_API_KEY={fake_key()}\nGITHUB_TOKEN={fake_key('ghp_')}\n")
        many = "\n".join(f"safekeys.mask({fake_key()!r}, name='KEY_{i}')" for i in range(98))
        configs = [
            ("no extension", []),
            ("%load_ext safekeys, 2 secrets", ["%load_ext safekeys"]),
            ("%load_ext safekeys, 100 secrets", ["%load_ext safekeys", "import safekeys\n" + many]),
        ]
        results = []
        for label, setup in configs:
            times = measure(setup, lines, args.repeats, project)
            results.append((label, statistics.median(times), min(times)))
            print(f"measured {label}: {times}", file=sys.stderr)

    base = results[0][1]
    print(
        f"Printing {args.megabytes:g} MB ({lines:,} lines of 100 bytes) in one cell, "
        f"median of {args.repeats}, Python {sys.version.split()[0]}"
    )
    print()
    print("| configuration | median s | min s | overhead |")
    print("|---|---:|---:|---:|")
    for label, median, best in results:
        overhead = "" if label == "no extension" else f"{(median / base - 1) * 100:+.1f}%"
        print(f"| {label} | {median:.2f} | {best:.2f} | {overhead} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
