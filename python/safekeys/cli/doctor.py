"""``safekeys doctor``: a project's key hygiene, for a person or for CI."""

from __future__ import annotations

import argparse
import os

from .. import doctor
from .common import USAGE, Failure

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .common import Command


def cmd_doctor(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not os.path.lexists(path):
            # As scan, import and run -f: a mistyped path is a usage error, not a finding.
            raise Failure(USAGE, f"{path}: no such file or directory")
    result = doctor.run(args.paths, args.fix)
    if args.json:
        import json

        print(json.dumps(result, indent=2))
    else:
        print(doctor.render(result, args.fix))
    code: int = result["exit_code"]
    return code


def register(command: Command) -> None:
    """Add ``doctor`` to the ``safekeys`` parser."""
    p = command(
        "doctor",
        "Check a project's .env files and the OS keyring.",
        "Reports .env files other users can read, .env files git would commit (or\n"
        "already tracks), .env files owned by another user, and the OS keyring's state.\n"
        "Without PATH it checks the .env a notebook here would load and the other\n"
        ".env* files in this directory (templates such as .env.example excepted).\n"
        "--fix makes such files private (chmod 600) and adds them to .gitignore; it\n"
        "never untracks a file or rewrites history.\n"
        "Exit codes: 0 when nothing is wrong (after --fix: nothing is left), 1 when\n"
        "problems remain.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="the .env files to check")
    p.add_argument("--fix", action="store_true", help="fix what can be fixed safely")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_doctor)
