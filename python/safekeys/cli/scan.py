"""``safekeys scan``: find leaked keys in files and notebooks (text, JSON, SARIF)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

from .. import _core
from ..scanner.api import DEFAULT_MAX_SIZE, KINDS, Finding, ScanReport, scan_report
from ..scanner.gitleaks import ConfigError
from ..scanner.staged import staged_report
from .common import USAGE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .common import Command

# scan's own codes: whether anything was found (2 is the shared usage error).
CLEAN = 0
FOUND = 1

DETAILS = """\
Looks for your own secrets (the values of .env files: the nearest one above the
working directory and those inside the scanned directories; the OS keyring's
keys) in every form masking covers (base64, percent/JSON/HTML/repr escaped,
fragments of 12+ characters), and for well-known key formats: OpenAI, Anthropic,
Groq, xAI, Hugging Face and other AI providers, AWS (with Bedrock), Azure,
Google, GitHub, GitLab, Bitbucket, npm, PyPI, Slack, Discord, Mailgun, Stripe,
Databricks, Snowflake and more (see the README), JWTs, PEM private keys,
passwords in URLs, and random-looking values of secret-named settings
(password = "...", api_key: ..., "client_secret": "...").

Directories are walked respecting .gitignore; files named on the command line
are always scanned. Notebooks (.ipynb) are read as JSON: a finding names the
cell, source or output (with its type and MIME type), attachment or metadata.
Binary files, files over --max-size, unreadable files and invalid UTF-8 get a
note on standard error (invalid UTF-8 is scanned with bad bytes replaced).

--fix masks findings in notebook outputs in place (atomically, every other
byte unchanged); findings in cell sources are reported for you to edit.

--staged scans what the next commit holds: the staged (index) version of each
added, copied or modified file, not the working copy; for pre-commit hooks.

--config FILE reads a gitleaks configuration: its [[rules]] (id, regex,
secretGroup, keywords, entropy, path) are looked for too, and its allowlists
([allowlist], [[allowlists]], [[rules.allowlists]]: regexes, paths,
stopwords) silence findings. Without --config, a .gitleaks.toml at the top of
the repository is read when there is one (--no-config: neither). A rule whose
regex does not compile is skipped with a note naming its id; allowlist
commits are ignored (files are scanned, not history).

Exit codes: 0 nothing found, 1 something found (also when --fix masked it:
re-stage the notebooks)."""

_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)


def _size(text: str) -> int:
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 50M, 200k, 1G)")
    number, unit = match.groups()
    scale: int = 1024 ** " kmg".index(unit.lower() or " ")
    return int(number) * scale


def register(command: Command) -> None:
    """Add the ``scan`` command to the CLI (``command`` makes a subparser)."""
    p = command("scan", "Find leaked keys in files and notebooks.", DETAILS)
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    p.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="output format (default: text)",
    )
    p.add_argument("--fix", action="store_true", help="mask findings in notebook outputs")
    p.add_argument(
        "--staged",
        action="store_true",
        help="scan what the next commit holds: the staged version of each added, copied "
        "or modified file (PATHs limit it), for git pre-commit hooks",
    )
    p.add_argument(
        "--no-keyring", action="store_true", help="do not look for the OS keyring's keys"
    )
    p.add_argument("--no-dotenv", action="store_true", help="do not look for .env values")
    p.add_argument(
        "--env-file",
        action="append",
        default=[],
        metavar="FILE",
        help="also look for the secrets of this .env file (may be repeated)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="a gitleaks configuration (.gitleaks.toml) whose rules and allowlists apply "
        "(default: the repository's .gitleaks.toml, if any)",
    )
    p.add_argument(
        "--no-config",
        action="store_true",
        help="do not read the repository's .gitleaks.toml",
    )
    p.add_argument(
        "--max-size",
        type=_size,
        default=DEFAULT_MAX_SIZE,
        metavar="SIZE",
        help="skip files larger than this (default: 50M)",
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", help="also list binary files that were skipped"
    )
    p.set_defaults(func=cmd_scan)


def _fail(message: str) -> int:
    print(f"safekeys: {message}", file=sys.stderr)
    return USAGE


def cmd_scan(args: argparse.Namespace) -> int:
    """Run the scan and print it; the exit code says whether anything was found."""
    if args.staged and args.fix:
        return _fail("--fix works on files, not on what is staged: run it without --staged")
    paths = args.paths or ([] if args.staged else ["."])
    # With --staged, PATHs are git pathspecs: a staged file may be gone from the work tree.
    if args.config and args.no_config:
        return _fail("--config and --no-config exclude each other")
    for path in [
        *([] if args.staged else paths),
        *args.env_file,
        *([args.config] if args.config else []),
    ]:
        if not os.path.lexists(path):
            return _fail(f"{path}: no such file or directory")
    options = {
        "keyring": not args.no_keyring,
        "dotenv": not args.no_dotenv,
        "env_files": args.env_file,
        "registered": False,
        "max_size": args.max_size,
        "service": args.service,
        "config": args.config,
        "repo_config": not args.no_config,
    }
    try:
        if args.staged:
            report = staged_report(paths, **options)
        else:
            report = scan_report(paths, fix=args.fix, **options)
    except (OSError, ConfigError) as err:
        return _fail(str(err))
    if args.format != "text":
        # What was skipped of a gitleaks configuration is said whatever the format.
        for n in report.notes:
            if n.kind == "config":
                print(f"safekeys: note: {n.path}: {n.message}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(_json(report), indent=2))
    elif args.format == "sarif":
        print(json.dumps(_sarif(report), indent=2))
    else:
        _text(report, args.verbose)
    return FOUND if report.findings else CLEAN


def _summary(report: ScanReport) -> dict[str, int]:
    return {
        "findings": len(report.findings),
        "files_with_findings": len({f.path for f in report.findings}),
        "files_scanned": report.files_scanned,
        "bytes_scanned": report.bytes_scanned,
        "files_fixed": report.files_fixed,
        "known_secrets": report.known_secrets,
        "notes": len(report.notes),
    }


def _json(report: ScanReport) -> dict[str, object]:
    return {
        "version": 1,
        "findings": [f.to_dict() for f in report.findings],
        "notes": [{"path": n.path, "kind": n.kind, "message": n.message} for n in report.notes],
        "summary": _summary(report),
    }


def _human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{n} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def _advice(finding: Finding) -> str:
    if finding.fixed:
        return "masked by --fix"
    if finding.part == "source":
        return (
            "in the cell's source: move the key out (safekeys set NAME, or .env) and edit the cell"
        )
    if finding.fixable:
        return "in an output: --fix masks it, or clear the output"
    if finding.part == "output":
        return "in an image output: clear the output"
    if finding.in_notebook:
        return f"in the notebook's {finding.part}: edit it (--fix changes outputs only)"
    return ""


def _text(report: ScanReport, verbose: bool) -> None:
    out = sys.stdout
    for f in report.findings:
        advice = _advice(f)
        print(f"{f.where()}: {f.label}", file=out)
        print(f"    {f.snippet}", file=out)
        if advice:
            print(f"    ({advice})", file=out)
    binary = [n for n in report.notes if n.kind == "binary"]
    for n in report.notes:
        if n.kind == "binary" and not verbose:
            continue
        where = f"{n.path}: " if n.path else ""
        print(f"safekeys: note: {where}{n.message}", file=sys.stderr)
    if binary and not verbose:
        print(
            f"safekeys: note: {len(binary)} binary file(s) skipped (--verbose lists them)",
            file=sys.stderr,
        )
    scanned = (
        f"{report.files_scanned} file(s), {_human_size(report.bytes_scanned)} scanned, "
        f"{report.known_secrets} known secret(s) looked for"
    )
    if report.findings:
        files = len({f.path for f in report.findings})
        fixed = f"; {report.files_fixed} notebook(s) fixed" if report.files_fixed else ""
        print(
            f"safekeys scan: {len(report.findings)} finding(s) in {files} file(s) "
            f"({scanned}){fixed}",
            file=out,
        )
    else:
        print(f"safekeys scan: no leaked keys found ({scanned})", file=out)


def _uri(path: str) -> str:
    if os.path.isabs(path):
        from pathlib import Path

        return Path(path).as_uri()
    return os.path.normpath(path).replace(os.sep, "/")


def _sarif(report: ScanReport) -> dict[str, object]:
    kinds = sorted({f.kind for f in report.findings})
    rule_index = {kind: i for i, kind in enumerate(kinds)}
    rules = [
        {
            "id": kind,
            "name": kind.title().replace("-", ""),
            "shortDescription": {"text": KINDS.get(kind, kind)},
            "fullDescription": {
                "text": f"{KINDS.get(kind, kind)} found in a file or notebook that may be shared."
            },
            "defaultConfiguration": {"level": "error"},
        }
        for kind in kinds
    ]
    results = []
    for f in report.findings:
        region: dict[str, object] = {"startLine": f.file_line, "snippet": {"text": f.snippet}}
        if not f.in_notebook:
            region["startColumn"] = f.column
        result: dict[str, object] = {
            "ruleId": f.kind,
            "ruleIndex": rule_index[f.kind],
            "level": "error",
            "message": {"text": f"{f.label}: {f.where()}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": region,
                    }
                }
            ],
            "properties": f.to_dict(),
        }
        results.append(result)
    notifications = [
        {
            "level": "note",
            "message": {"text": f"{n.path}: {n.message}" if n.path else n.message},
            "descriptor": {"id": n.kind},
        }
        for n in report.notes
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "safekeys",
                        "version": _core.__version__,
                        "rules": rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
