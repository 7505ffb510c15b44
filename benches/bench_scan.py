"""Benchmark ``safekeys scan`` against detect-secrets on the same generated tree.

Generates (or reuses) a seeded corpus from ``tests/corpus.py``: mostly Jupyter
notebooks with PNG outputs, DataFrame tables, tracebacks, attachments and metadata,
plus ``.py``/``.md``/``.txt``/``.json``/``.yaml``/``.env``-like files, ignored files and
binaries, with random keys planted and decoys around them. Then, in the same run:

* ``safekeys scan --format json --no-keyring .`` (best of ``--repeats``),
* ``detect-secrets scan --all-files -n .`` (best of ``--ds-repeats``; it is slow),

both as child processes from the corpus root, wall time measured around each. Each
tool's findings are matched against the manifest (detect-secrets' by file and line):
recall on the planted keys, split into well-known formats and the ``.env`` secrets
(detect-secrets has no notion of the latter), and the findings outside planted
places, of them how many sit on decoys and how many in files ``.gitignore`` excludes
(``--all-files`` does not honour ``.gitignore``).

Usage::

    nice -n 10 python benches/bench_scan.py                     # 200 MB, seed 1
    python benches/bench_scan.py --quick                        # CI smoke run (5 MB)
    python benches/bench_scan.py --dir /tmp/corpus --markdown out.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import corpus


def _corpus(outdir: Path, size_mb: float, seed: int) -> dict:
    """The manifest, regenerating the tree unless one of the same size and seed is there."""
    try:
        m = corpus.load(outdir)
        if (
            m.get("format") == corpus.FORMAT_VERSION
            and m.get("generator") == corpus.generator_id()
            and m["size_mb"] == size_mb
            and m["seed"] == seed
            and (outdir / corpus.CORPUS_DIR).is_dir()
        ):
            print(f"reusing {outdir / corpus.CORPUS_DIR}", flush=True)
            return m
    except (OSError, ValueError, KeyError):
        pass
    print(f"generating {size_mb:g} MB (seed {seed}) into {outdir} ...", flush=True)
    t0 = time.perf_counter()
    m = corpus.generate(outdir, size_mb=size_mb, seed=seed)
    print(f"  {m['bytes'] / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s", flush=True)
    return m


def _run(cmd: list[str], cwd: Path, timeout: float) -> tuple[float, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    t0 = time.perf_counter()
    # Own process group: detect-secrets forks workers, which must go with it on a
    # timeout or Ctrl-C.
    child = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(timeout=timeout)
    except BaseException:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        raise
    secs = time.perf_counter() - t0
    return secs, subprocess.CompletedProcess(cmd, child.returncode, out, err)


def _safekeys_hits(stdout: str, root: Path) -> list[corpus.Hit]:
    doc = json.loads(stdout)
    findings = doc["findings"] if isinstance(doc, dict) else doc
    return [corpus.safekeys_hit(f, root) for f in findings]


def _ds_hits(stdout: str) -> list[corpus.Hit]:
    results = json.loads(stdout)["results"]
    return [
        corpus.Hit(file=Path(f).as_posix(), file_line=r["line_number"], kind=r["type"])
        for f, rs in results.items()
        for r in rs
    ]


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


def measure(
    name: str, cmd: list[str], root: Path, manifest: dict, repeats: int, timeout: float
) -> dict[str, Any]:
    times = []
    proc: Optional[subprocess.CompletedProcess] = None
    for i in range(repeats):
        secs, proc = _run(cmd, root, timeout)
        times.append(secs)
        print(f"  {name} run {i + 1}/{repeats}: {secs:.2f} s (exit {proc.returncode})", flush=True)
    assert proc is not None
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{name} failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    ours = name.startswith("safekeys")
    hits = _safekeys_hits(proc.stdout, root) if ours else _ds_hits(proc.stdout)
    score = corpus.evaluate(manifest, hits)
    known = [p for p in manifest["plants"] if p["kind"].startswith("known:")]
    known_found = sum(1 for p in score.found if p["kind"].startswith("known:"))
    return {
        "tool": name,
        "command": " ".join(cmd),
        "times": times,
        "best": min(times),
        "findings": len(hits),
        "planted": len(manifest["plants"]),
        "found": len(score.found),
        "wellknown": len(manifest["plants"]) - len(known),
        "wellknown_found": len(score.found) - known_found,
        "known": len(known),
        "known_found": known_found,
        "other": len(score.false),
        "on_decoys": len(score.on_decoys),
        "in_ignored": len(score.in_ignored),
        "missed_kinds": sorted({p["kind"].split(":")[0] + "/" + p["form"] for p in score.missed}),
        "decoy_kinds": _decoy_kinds(manifest, score.on_decoys),
        "other_kinds": Counter(h.kind for h in score.false).most_common(),
    }


def _decoy_kinds(manifest: dict, hits: list[corpus.Hit]) -> list[str]:
    """The kinds of decoy the hits sit on: the decoy on the hit's line, else the line above."""
    at: dict[tuple[str, int], str] = {}
    for d in manifest["decoys"]:
        at.setdefault((d["file"], d["file_line"] + 1), d["kind"])
    for d in manifest["decoys"]:
        at[(d["file"], d["file_line"])] = d["kind"]
    return sorted({at[(h.file, h.file_line)] for h in hits if (h.file, h.file_line) in at})


def table(rows: list[dict[str, Any]], mb: float) -> str:
    head = (
        "| tool | wall time (best) | MB/s | findings | planted keys found | well-known formats "
        "| .env secrets | other findings (on decoys / in ignored files) |"
    )
    out = [head, "|" + "---|" * 8]
    for r in rows:
        out.append(
            f"| {r['tool']} | {r['best']:.2f} s | {mb / r['best']:.3g} | {r['findings']} "
            f"| {r['found']}/{r['planted']} | {r['wellknown_found']}/{r['wellknown']} "
            f"| {r['known_found']}/{r['known']} "
            f"| {r['other']} ({r['on_decoys']} / {r['in_ignored']}) |"
        )
    return "\n".join(out)


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, help="corpus directory (reused when it matches)")
    p.add_argument("--size-mb", type=float, default=200.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3, help="safekeys runs (best is kept)")
    p.add_argument("--ds-repeats", type=int, default=1, help="detect-secrets runs")
    p.add_argument("--timeout", type=float, default=7200, help="per run, seconds")
    p.add_argument("--markdown", type=Path, help="also write the table and setup here")
    p.add_argument("--json", type=Path, help="write all figures as JSON here")
    p.add_argument("--quick", action="store_true", help="CI smoke run: 5 MB, one run each")
    p.add_argument(
        "--baseline",
        metavar="SAFEKEYS",
        help="another build's `safekeys` script, run the same way (before/after in one run)",
    )
    a = p.parse_args(argv)
    if a.quick:
        a.size_mb, a.repeats, a.ds_repeats = 5.0, 1, 1

    outdir = a.dir or Path(tempfile.gettempdir()) / f"safekeys-scan-corpus-{a.size_mb:g}-{a.seed}"
    manifest = _corpus(outdir, a.size_mb, a.seed)
    root = outdir / corpus.CORPUS_DIR
    mb = manifest["bytes"] / 1e6

    sk = shutil.which("safekeys", path=str(Path(sys.executable).parent)) or shutil.which("safekeys")
    ds = shutil.which("detect-secrets", path=str(Path(sys.executable).parent)) or shutil.which(
        "detect-secrets"
    )
    if not sk or not ds:
        raise SystemExit(
            "needs `safekeys` and `detect-secrets` (pip install detect-secrets==1.5.0)"
        )
    tools = [
        ("safekeys", [sk, "scan", "--format", "json", "--no-keyring", "."], a.repeats),
        ("detect-secrets", [ds, "scan", "--all-files", "-n", "."], a.ds_repeats),
    ]
    if a.baseline:
        base = [a.baseline, "scan", "--format", "json", "--no-keyring", "."]
        tools.insert(1, ("safekeys (baseline)", base, a.repeats))
    rows = [measure(n, cmd, root, manifest, r, a.timeout) for n, cmd, r in tools]
    speedup = rows[-1]["best"] / rows[0]["best"]
    versions = {
        "safekeys": _version([sk, "--version"]).removeprefix("safekeys "),
        "detect-secrets": _version([ds, "--version"]),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": f"{platform.machine()}, {os.cpu_count()} vCPU (shared with other jobs)",
    }
    files = sum(1 for f in root.rglob("*") if f.is_file() and ".git" not in f.parts)
    notebooks = sum(1 for _ in root.rglob("*.ipynb"))
    text = "\n".join(
        [
            f"Corpus: {mb:.1f} MB, {files} files ({notebooks} notebooks), seed {a.seed}; "
            f"{manifest and len(manifest['plants'])} planted keys, "
            f"{len(manifest['decoys'])} decoys, {len(manifest['ignored'])} keys in ignored files.",
            f"Machine: {versions['machine']}; Python {versions['python']}; "
            f"safekeys {versions['safekeys']}; detect-secrets {versions['detect-secrets']}.",
            "",
            table(rows, mb),
            "",
            f"safekeys is {speedup:.0f}x faster (best of {a.repeats} vs best of {a.ds_repeats}).",
        ]
    )
    for r in rows:
        if r["missed_kinds"]:
            text += f"\n{r['tool']} missed: {', '.join(r['missed_kinds'])}"
        if r["decoy_kinds"]:
            text += f"\n{r['tool']} reported decoys: {', '.join(r['decoy_kinds'])}"
        if r["other_kinds"]:
            kinds = ", ".join(f"{k} {n}" for k, n in r["other_kinds"])
            text += f"\n{r['tool']} other findings by kind: {kinds}"
    print()
    print(text)
    if a.markdown:
        cmd = "python benches/bench_scan.py " + " ".join(argv if argv is not None else sys.argv[1:])
        a.markdown.write_text(f"Command: `{cmd.strip()}`\n\n{text}\n")
    if a.json:
        a.json.write_text(json.dumps({"rows": rows, "versions": versions, "mb": mb}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
