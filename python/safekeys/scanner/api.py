"""Scanning files and notebooks for leaked keys: ``scan``, ``scan_report``,
``find_in_source``.

The Rust core does the work (walking, reading, matching, ``--fix``); this
module gathers the secrets to look for from the OS keyring and the process's
registry, and turns the core's rows into small frozen objects. No object
here ever holds a secret: findings carry a masked snippet.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple, Optional, Union

from .. import _core, _log, _masking
from .._errors import KeyringError
from ..stores import keyring as keyring_store  # `keyring` is a scan option
from . import gitleaks

StrPath = Union[str, "os.PathLike[str]"]

DEFAULT_MAX_SIZE = 50 * 1024 * 1024

#: What each kind of finding is, for people and for SARIF rules: the Rust core's
#: one list (``key_kinds()`` gives kind, label and provider).
KINDS: dict[str, str] = {kind: label for kind, label, _provider in _core.key_kinds()}


@dataclass(frozen=True)
class Finding:
    """One leaked key: where, what, and the line with the key masked.

    ``line`` and ``column`` (1-based, in characters) are in the file for a
    plain file, and in the cell's text for a notebook, whose place is given
    by ``cell``, ``part`` (``source``, ``output``, ``attachment``,
    ``metadata`` or ``other``), ``output`` (index), ``output_type``
    (``stream``, ``execute_result``, ``display_data``, ``error``), ``mime``
    and ``field`` (stream name, attachment name, key path, ``traceback``).
    ``file_line`` is the line in the file itself. ``name`` is the registered
    name of a known secret, ``kind`` the format (``openai-key``) or
    ``known-secret``. ``fixable``: ``--fix`` can mask it (notebook outputs);
    ``fixed``: it did.
    """

    path: str
    line: int
    column: int
    kind: str
    name: Optional[str]
    snippet: str
    file_line: int
    fixable: bool = False
    fixed: bool = False
    cell: Optional[int] = None
    part: Optional[str] = None
    output: Optional[int] = None
    output_type: Optional[str] = None
    mime: Optional[str] = None
    field: Optional[str] = None

    @property
    def label(self) -> str:
        """The key's name if it is one of yours, else its kind."""
        return self.name or self.kind

    @property
    def in_notebook(self) -> bool:
        return self.part is not None

    def where(self) -> str:
        """``path:line:column``, or the notebook place: ``cell 3, output 0 (stream), line 2``."""
        if not self.in_notebook:
            return f"{self.path}:{self.line}:{self.column}"
        parts = []
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        if self.part == "output":
            detail = ", ".join(x for x in (self.output_type, self.mime, self.field) if x)
            parts.append(f"output {self.output}" + (f" ({detail})" if detail else ""))
        else:
            detail = ", ".join(x for x in (self.mime, self.field) if x)
            parts.append(f"{self.part}" + (f" ({detail})" if detail else ""))
        parts.append(f"line {self.line}, column {self.column}")
        return f"{self.path}: " + ", ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (what ``safekeys scan --format json`` prints)."""
        out: dict[str, object] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "file_line": self.file_line,
            "kind": self.kind,
            "name": self.name,
            "snippet": self.snippet,
            "fixable": self.fixable,
            "fixed": self.fixed,
        }
        if self.in_notebook:
            out["notebook"] = {
                "cell": self.cell,
                "part": self.part,
                "output": self.output,
                "output_type": self.output_type,
                "mime": self.mime,
                "field": self.field,
            }
        return out

    def __repr__(self) -> str:
        return f"Finding({self.where()}: {self.label})"


@dataclass(frozen=True)
class Note:
    """A file the scan skipped or read with a caveat (never a secret)."""

    path: str
    kind: str
    message: str


@dataclass(frozen=True)
class ScanReport:
    """Findings, notes and what was scanned."""

    findings: list[Finding]
    notes: list[Note]
    files_scanned: int
    bytes_scanned: int
    files_fixed: int
    known_secrets: int


class SourceHit(NamedTuple):
    """A key in source code: ``kind`` (or ``known-secret``), the registered
    ``name`` if it is a known secret, and where it is (1-based lines and
    columns in characters; the end is just past the key)."""

    kind: str
    name: Optional[str]
    line: int
    column: int
    end_line: int
    end_column: int


def _keyring_secrets(service: Optional[str]) -> tuple[list[tuple[str, str, str]], list[Note]]:
    service = keyring_store.service_name(service)
    found: list[tuple[str, str, str]] = []
    notes: list[Note] = []
    try:
        handle = keyring_store.handle()
        rows = handle.list(service)
    except KeyringError as err:
        reason = getattr(err, "reason", "unavailable")
        notes.append(
            Note("", "keyring", f"OS keyring unavailable ({reason}): its keys are not looked for")
        )
        return found, notes
    for name, _items, _length, _fingerprint, state in rows:
        if state != "text":
            notes.append(Note("", "keyring", f"keyring item {name} is {state}: not looked for"))
            continue
        try:
            value = handle.get(service, name)
        except KeyringError as err:
            notes.append(Note("", "keyring", f"cannot read {name} from the OS keyring: {err}"))
            continue
        if value is not None:
            found.append((name, value, "keyring"))
    return found, notes


def scan_report(
    paths: Iterable[StrPath] = (".",),
    *,
    keyring: bool = True,
    dotenv: bool = True,
    env_files: Iterable[StrPath] = (),
    registered: bool = True,
    fix: bool = False,
    max_size: int = DEFAULT_MAX_SIZE,
    service: Optional[str] = None,
    cwd: Optional[StrPath] = None,
    config: Optional[StrPath] = None,
    repo_config: bool = True,
    rules_root: Optional[StrPath] = None,
) -> ScanReport:
    """Scan files and directories; see ``scan``. Returns findings and notes.

    ``config``: a gitleaks configuration whose rules and allowlists apply
    (``gitleaks.ConfigError`` if it cannot be read); else, with
    ``repo_config``, the ``.gitleaks.toml`` at the top of the repository
    holding ``cwd``, if any. Rules' ``path`` regexes see paths relative to
    ``rules_root`` (default: that repository's top, else ``cwd``)."""
    path_list = [
        os.fspath(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)
    ]
    if not path_list:
        path_list = ["."]
    known: list[tuple[str, str, str]] = []
    notes: list[Note] = []
    here = os.getcwd() if cwd is None else os.fspath(cwd)
    config_path = os.fspath(config) if config is not None else None
    if config_path is None and repo_config:
        config_path = gitleaks.repository_config(here)
    loaded = gitleaks.load(config_path) if config_path is not None else None
    if loaded is not None:
        notes.extend(Note(loaded.path, "config", message) for message in loaded.notes)
        if rules_root is None:
            rules_root = gitleaks.repository_top(here) or here
    if keyring:
        found, keyring_notes = _keyring_secrets(service)
        known.extend(found)
        notes.extend(keyring_notes)
    engine = _masking.MASKER if registered else None
    rows, note_rows, stats = _core.scan_paths(
        list(path_list),
        known=known,
        registered=engine,
        max_size=max_size,
        fix=fix,
        dotenv=dotenv,
        env_files=[os.fspath(f) for f in env_files],
        cwd=None if cwd is None else os.fspath(cwd),
        rules=None if loaded is None else loaded.rules,
        rules_root=None if rules_root is None else os.path.abspath(os.fspath(rules_root)),
    )
    del known
    findings = []
    for path, line, column, file_line, kind, name, snippet, fixable, fixed, place in rows:
        cell = part = output = output_type = mime = field = None
        if place is not None:
            cell, part, output, output_type, mime, field = place
        findings.append(
            Finding(
                path=path,
                line=line,
                column=column,
                kind=kind,
                name=name,
                snippet=snippet,
                file_line=file_line,
                fixable=fixable,
                fixed=fixed,
                cell=cell,
                part=part,
                output=output,
                output_type=output_type,
                mime=mime,
                field=field,
            )
        )
    notes.extend(Note(path, kind, message) for path, kind, message in note_rows)
    for note in notes:
        _log.debug("safekeys scan: %s: %s", note.path, note.message)
    files, size, fixed_files, known_count = stats
    return ScanReport(findings, notes, files, size, fixed_files, known_count)


def scan(
    paths: Iterable[StrPath] = (".",),
    *,
    keyring: bool = True,
    dotenv: bool = True,
    env_files: Iterable[StrPath] = (),
    registered: bool = True,
    fix: bool = False,
    max_size: int = DEFAULT_MAX_SIZE,
    service: Optional[str] = None,
    config: Optional[StrPath] = None,
) -> list[Finding]:
    """Find leaked keys in files, directories and notebooks.

    Looks for your own secrets (values of ``.env`` files: the nearest one
    above the working directory and those in the scanned directories, the
    OS keyring's keys unless ``keyring=False``, and secrets registered in
    this process) in every form masking knows (encoded, escaped, fragments
    of 12+ characters), and for well-known key formats (OpenAI, Anthropic,
    AWS, Azure, GitHub, GitLab, Slack, Google, Hugging Face, Stripe and the
    other providers the README lists, JWTs, PEM private keys, passwords in
    URLs, random-looking values of secret-named settings). Directories are walked respecting
    ``.gitignore``; files named explicitly are always scanned. ``fix=True``
    masks findings in notebook outputs (never sources), rewriting each
    notebook atomically. ``config`` names a gitleaks configuration whose
    rules and allowlists apply (by default the repository's
    ``.gitleaks.toml``, if any). Raises ``FileNotFoundError`` for a missing
    path.
    """
    return scan_report(
        paths,
        keyring=keyring,
        dotenv=dotenv,
        env_files=env_files,
        registered=registered,
        fix=fix,
        max_size=max_size,
        service=service,
        config=config,
    ).findings


def find_in_source(text: str, config: Optional[gitleaks.Config] = None) -> list[SourceHit]:
    """Keys in a cell's source: secrets registered for masking in this
    process (any form), well-known key formats and, given a loaded gitleaks
    ``config`` (``gitleaks.load``), its rules. Never returns the key."""
    rules = None if config is None else config.rules
    return [SourceHit(*row) for row in _core.find_in_source(text, _masking.MASKER, rules)]
