"""``safekeys scan`` on a generated corpus (tests/corpus.py): recall and precision.

A few MB of notebooks and files with random keys planted in sources, outputs,
attachments and metadata (raw, escaped, encoded, as fragments) and decoys around
them. Every planted key must be reported at its place (file, cell, part, output,
line), nothing else may be reported (decoys, files .gitignore excludes, binaries),
and no output of the scan may hold a planted value. The CLI (``--format json``)
and the Python API ``safekeys.scan`` are both checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import corpus
import pytest

SIZE_MB = 3
SEED = 20261128


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("scan-corpus")
    manifest = corpus.generate(out, size_mb=SIZE_MB, seed=SEED)
    return out / corpus.CORPUS_DIR, manifest


@pytest.fixture(scope="module")
def cli(generated: tuple[Path, dict]) -> subprocess.CompletedProcess[str]:
    root, _ = generated
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "safekeys", "scan", "--format", "json", "--no-keyring", "."],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _findings(doc: Any) -> list[Any]:
    return doc["findings"] if isinstance(doc, dict) else doc


def _describe(entries: list[dict], limit: int = 25) -> str:
    """Where the entries are, without their values (the failure message is printed)."""
    keep = ("file", "kind", "form", "cell", "part", "output_type", "mime", "line", "file_line")
    rows = [json.dumps({k: e[k] for k in keep}) for e in entries[:limit]]
    return "\n".join(rows) + (f"\n... {len(entries) - limit} more" if len(entries) > limit else "")


def _check(manifest: dict, hits: list[corpus.Hit]) -> None:
    # pytest.fail with our own message: assert's introspection would print planted values.
    score = corpus.evaluate(manifest, hits)
    if score.missed:
        kinds = Counter(p["kind"].split(":")[0] + "/" + p["form"] for p in score.missed)
        pytest.fail(
            f"{len(score.missed)} planted keys not reported ({dict(kinds)}):\n"
            + _describe(score.missed),
            pytrace=False,
        )
    for what, hits_ in (
        ("findings in ignored files", score.in_ignored),
        ("decoys reported", score.on_decoys),
        ("findings outside planted places", score.false),
    ):
        if hits_:
            pytest.fail(f"{len(hits_)} {what}: {hits_[:10]}", pytrace=False)


def _check_names(manifest: dict, hits: list[corpus.Hit]) -> None:
    """A known secret is reported under its .env name."""
    wrong = []
    for p in manifest["plants"]:
        if p["kind"].startswith("known:"):
            names = {h.name for h in hits if corpus.covers(p, h)}
            if p["kind"][6:] not in names:
                wrong.append(p)
    if wrong:
        pytest.fail("known secrets reported without their name:\n" + _describe(wrong))


def test_generator_is_deterministic(tmp_path: Path, generated: tuple[Path, dict]) -> None:
    root, manifest = generated
    again = corpus.generate(tmp_path, size_mb=SIZE_MB, seed=SEED, git_init=False)
    assert again["plants"] == manifest["plants"]
    for p in {p["file"] for p in manifest["plants"]}:
        assert (tmp_path / corpus.CORPUS_DIR / p).read_bytes() == (root / p).read_bytes()
    # The small corpus still plants every kind in every place.
    places = {(p["kind"], p["part"], p["output_type"]) for p in manifest["plants"]}
    for kind in corpus.KINDS:
        assert {pl for pl in places if pl[0] == kind} >= {
            (kind, "file", None),
            (kind, "source", None),
            (kind, "metadata", None),
        } or kind.startswith("aws"), kind
    forms = {p["form"] for p in manifest["plants"] if p["kind"].startswith("known:")}
    assert forms == set(corpus.KNOWN_FORMS)


def test_cli_reports_every_planted_key_and_nothing_else(
    generated: tuple[Path, dict], cli: subprocess.CompletedProcess[str]
) -> None:
    root, manifest = generated
    assert cli.returncode == 1, cli.stderr[-2000:]
    hits = [corpus.safekeys_hit(f, root) for f in _findings(json.loads(cli.stdout))]
    _check(manifest, hits)
    _check_names(manifest, hits)


def test_cli_output_holds_no_planted_value(
    generated: tuple[Path, dict], cli: subprocess.CompletedProcess[str]
) -> None:
    _, manifest = generated
    shown = cli.stdout + cli.stderr
    values = [(e["value"], e["kind"]) for e in manifest["plants"] + manifest["ignored"]]
    values += [(v, "known") for v in manifest["known"].values()]
    leaked = [v for v, k in values if any(piece in shown for piece in corpus.pieces(v, k))]
    if leaked:
        pytest.fail(f"{len(leaked)} planted values appear in the scan's output", pytrace=False)


def test_text_format_holds_no_planted_value(generated: tuple[Path, dict]) -> None:
    root, manifest = generated
    out = subprocess.run(
        [sys.executable, "-m", "safekeys", "scan", "--no-keyring", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 1
    shown = out.stdout + out.stderr
    values = [(e["value"], e["kind"]) for e in manifest["plants"]]
    values += [(v, "known") for v in manifest["known"].values()]
    leaked = [v for v, k in values if any(piece in shown for piece in corpus.pieces(v, k))]
    if leaked:
        pytest.fail(f"{len(leaked)} planted values appear in the text output", pytrace=False)
    for p in manifest["plants"][:50]:
        assert p["file"] in shown


def test_python_api_reports_the_same(generated: tuple[Path, dict]) -> None:
    import safekeys

    root, manifest = generated
    cwd = os.getcwd()
    os.chdir(root)
    try:
        report = safekeys.scan(["."], keyring=False)
    finally:
        os.chdir(cwd)
    findings = report.findings if hasattr(report, "findings") else report
    hits = [corpus.safekeys_hit(f, root) for f in findings]
    _check(manifest, hits)
    _check_names(manifest, hits)


def _output_plants(manifest: dict) -> dict[str, list[dict]]:
    by_file: dict[str, list[dict]] = {}
    for p in manifest["plants"]:
        if p["file"].endswith(".ipynb") and p["part"] == "output":
            by_file.setdefault(p["file"], []).append(p)
    return by_file


def _output_text(output: dict, mime: Optional[str]) -> str:
    if output["output_type"] == "stream":
        return "".join(output["text"])
    if output["output_type"] == "error":
        return "\n".join(output["traceback"])
    data = output["data"][mime]
    return "".join(data) if isinstance(data, list) else data


def test_fix_masks_output_plants_and_changes_nothing_else(
    generated: tuple[Path, dict], tmp_path: Path
) -> None:
    src, manifest = generated
    root = tmp_path / "fixed"
    shutil.copytree(src, root, symlinks=True)
    out = subprocess.run(
        [sys.executable, "-m", "safekeys", "scan", "--fix", "--no-keyring", "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 1, out.stderr[-2000:]
    fixed_files = {
        corpus.safekeys_hit(f, root).file for f in json.loads(out.stdout)["findings"] if f["fixed"]
    }
    outputs = _output_plants(manifest)
    problems: list[str] = []
    for path in sorted(p for p in src.rglob("*") if p.is_file() and ".git" not in p.parts):
        rel = path.relative_to(src).as_posix()
        before, after = path.read_bytes(), (root / rel).read_bytes()
        if rel not in outputs:
            if before != after:
                problems.append(f"{rel}: changed but holds no key in an output")
            continue
        old, new = json.loads(before), json.loads(after)
        if new["metadata"] != old["metadata"] or len(new["cells"]) != len(old["cells"]):
            problems.append(f"{rel}: notebook metadata or cell count changed")
        for i, (a, b) in enumerate(zip(old["cells"], new["cells"], strict=False)):
            if {k: v for k, v in a.items() if k != "outputs"} != {
                k: v for k, v in b.items() if k != "outputs"
            }:
                problems.append(f"{rel}: cell {i} changed outside its outputs")
        planted = {(p["cell"], p["output_index"]) for p in outputs[rel]}
        for i, (a, b) in enumerate(zip(old["cells"], new["cells"], strict=False)):
            for j, (x, y) in enumerate(
                zip(a.get("outputs", []), b.get("outputs", []), strict=False)
            ):
                if (i, j) not in planted and x != y:
                    problems.append(f"{rel}: cell {i} output {j} changed but holds no key")
        for p in outputs[rel]:
            cell = new["cells"][p["cell"]]["outputs"][p["output_index"]]
            needle = corpus.pieces(p["value"], p["kind"])[0]
            if needle in _output_text(cell, p["mime"]):
                problems.append(f"{rel}: cell {p['cell']} output still holds a {p['kind']}")
        if rel not in fixed_files:
            problems.append(f"{rel}: not reported as fixed")
    if problems:
        pytest.fail(f"{len(problems)} problems after --fix:\n" + "\n".join(problems[:30]))
