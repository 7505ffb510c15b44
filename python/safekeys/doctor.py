"""``safekeys doctor`` and ``%safekeys doctor``: a project's key hygiene at a glance.

It checks the ``.env`` files a project would load (who can read them, whether
git would commit them, who owns them), reports the OS keyring's state and,
inside a kernel, what the extension is doing (the notebook layer passes
that in: this module sits below it). ``--fix`` makes what is safe to
change private or ignored, and says what it changed. Nothing it prints holds
a value.
"""

from __future__ import annotations

import glob
import os
from typing import Any, Optional

from . import _core
from ._errors import KeyringError
from .dotenv import hygiene
from .sources import chain, hosted
from .stores import keyring

# Exit codes for CI.
HEALTHY = 0
PROBLEMS = 1


class FileReport:
    """The problems of one file and what ``--fix`` did about them."""

    def __init__(self, path: str, problems: list[hygiene.Problem]) -> None:
        self.path = path
        self.problems = problems
        self.fixed: dict[int, str] = {}
        self.failed: dict[int, str] = {}
        self.note: Optional[str] = None

    def remaining(self) -> list[hygiene.Problem]:
        return [p for i, p in enumerate(self.problems) if i not in self.fixed]

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "note": self.note,
            "problems": [
                {
                    "code": p.code,
                    "message": p.message,
                    "remedy": p.remedy,
                    "change": p.change,
                    "fixed": self.fixed.get(i),
                    "fix_failed": self.failed.get(i),
                }
                for i, p in enumerate(self.problems)
            ],
        }


def dotenv_files(paths: list[str], start: Optional[str] = None) -> list[str]:
    """The files to check: ``paths`` if given, else the ``.env`` a notebook in
    ``start`` (default: the working directory) would load and the other
    ``.env*`` files beside it, templates such as ``.env.example`` excepted."""
    if paths:
        given = [os.path.abspath(p) for p in paths]
        return given + [c for p in given for c in hygiene.stale_copies_of(p) if c not in given]
    start = start or os.getcwd()
    found: list[str] = []
    nearest = _core.find_upwards(start, ".env")
    if nearest is not None:
        found.append(os.path.abspath(nearest))
    for path in sorted(glob.glob(os.path.join(glob.escape(start), ".env*"))):
        name = os.path.basename(path)
        if os.path.isfile(path) and name not in hygiene.TEMPLATES and path not in found:
            found.append(os.path.abspath(path))
    if nearest is not None:
        found += [c for c in hygiene.stale_copies_of(found[0]) if c not in found]
    return found


def check_files(paths: list[str], fix: bool) -> list[FileReport]:
    reports = []
    for path in paths:
        if not os.path.exists(path):
            problem = hygiene.Problem(path, "missing", f"{path} does not exist", "check the path")
            reports.append(FileReport(path, [problem]))
            continue
        report = FileReport(path, hygiene.check(path))
        report.note = hygiene.note(path)
        if fix:
            for i, problem in enumerate(report.problems):
                if not problem.fixable:
                    continue
                try:
                    report.fixed[i] = hygiene.fix(problem)
                except (OSError, ValueError) as err:
                    report.failed[i] = str(err)
        reports.append(report)
    return reports


def keyring_state() -> dict[str, Any]:
    """Backend, whether it answers, and how many keys it holds for the service."""
    service = keyring.service_name()
    state: dict[str, Any] = {"backend": _core.Keyring.backend(), "service": service}
    if not keyring.enabled():
        state.update(available=False, detail="turned off by SAFEKEYS_KEYRING")
        return state
    try:
        keys = keyring.list_keys()
    except KeyringError as err:
        state.update(available=False, reason=err.reason, detail=str(err))
        return state
    state.update(available=True, keys=len(keys))
    return state


def sources_state() -> list[dict[str, Any]]:
    """getenv's chain as it stands: each source's name, label and whether it is asked."""
    return [{"name": s.name, "label": s.label, "active": s.active()} for s in chain.sources()]


def run(
    paths: list[str],
    fix: bool,
    *,
    extension: Optional[dict[str, Any]] = None,
    in_kernel: bool = False,
) -> dict[str, Any]:
    """Everything ``doctor`` found, as data (``--json`` prints it as is).

    ``in_kernel``: ``%safekeys doctor`` asks, and ``extension`` is the
    extension's state there (None: not loaded)."""
    reports = check_files(dotenv_files(paths), fix)
    remaining = sum(len(r.remaining()) for r in reports)
    result: dict[str, Any] = {
        "files": [r.as_json() for r in reports],
        "keyring": keyring_state(),
        "platform": hosted.detected(),
        "sources": sources_state(),
        "problems": remaining,
        "fixable": sum(1 for r in reports for p in r.remaining() if p.fixable),
        "exit_code": PROBLEMS if remaining else HEALTHY,
    }
    if in_kernel:
        result["extension"] = extension
    return result


def _render_files(files: list[dict[str, Any]]) -> list[str]:
    out = [".env files"]
    if not files:
        out.append("  none found here or above (nothing to check)")
    for report in files:
        problems = report["problems"]
        left = sum(1 for p in problems if not p["fixed"])
        out.append(f"  {report['path']}: " + (f"{left} problem(s)" if left else "ok"))
        if report.get("note"):
            out.append(f"    note: {report['note']}")
        for p in problems:
            if p["fixed"]:
                out.append(f"    fixed: {p['fixed']}")
                continue
            out.append(f"    problem: {p['message']}")
            out.append(f"      to fix: {p['remedy']}")
            if p["fix_failed"]:
                out.append(f"      --fix could not: {p['fix_failed']}")
    return out


def _render_keyring(ring: dict[str, Any]) -> list[str]:
    if ring["available"]:
        state = f"available, {ring['keys']} key(s) for service {ring['service']!r}"
    else:
        state = f"not available ({ring['detail']}); getenv skips it"
    return ["OS keyring", f"  {ring['backend']}: {state}"]


def _render_extension(ext: Optional[dict[str, Any]]) -> list[str]:
    out = ["Extension in this kernel"]
    if ext is None:
        out.append("  not loaded: run %load_ext safekeys to mask secrets in outputs")
        return out
    out.append(
        f"  loaded: masking {ext['masked']} of {ext['seen']} key(s) seen; "
        f"autoreload {'on' if ext['autoreload'] else 'off'}; "
        f"input guard {ext['input_guard']} cells holding literal keys"
    )
    out.extend(f"  loaded from {path}" for path in ext["loaded_files"])
    return out


def _render_summary(result: dict[str, Any], fix: bool) -> list[str]:
    problems, fixable = result["problems"], result["fixable"]
    if not problems:
        return ["No problems found."]
    if not fixable or fix:
        return [f"{problems} problem(s) found."]
    out = [f"{problems} problem(s) found. `safekeys doctor --fix` would fix {fixable}:"]
    for report in result["files"]:
        out.extend(f"  {p['change']}" for p in report["problems"] if p["change"] and not p["fixed"])
    return out


def _render_sources(result: dict[str, Any]) -> list[str]:
    platform = result.get("platform")
    asked = [s["name"] for s in result.get("sources", []) if s["active"]]
    idle = [s["name"] for s in result.get("sources", []) if not s["active"]]
    out = ["Sources of getenv"]
    out.append(f"  platform: {platform or 'none detected (a laptop, a server or a plain Jupyter)'}")
    out.append(f"  asked, in order: {', '.join(asked) or 'none'}")
    if idle:
        out.append(f"  not asked here: {', '.join(idle)}")
    return out


def render(result: dict[str, Any], fix: bool) -> str:
    """The report for a person."""
    out = _render_files(result["files"]) + _render_keyring(result["keyring"])
    out += _render_sources(result)
    if "extension" in result:
        out += _render_extension(result["extension"])
    out += _render_summary(result, fix)
    return "\n".join(out)
