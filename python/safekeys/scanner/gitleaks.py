"""Reading gitleaks configuration files: a team's ``[[rules]]`` and allowlists.

``safekeys scan --config FILE``, and a ``.gitleaks.toml`` at the repository's
top when there is one, add the file's rules (``id``, ``regex``,
``secretGroup``, ``keywords``, ``entropy``, ``path``) to the built-in key
formats and honour its allowlists: ``[allowlist]`` and ``[[allowlists]]``
(global; ``targetRules`` attaches one to the rules it names) and each rule's
``[rules.allowlist]`` / ``[[rules.allowlists]]`` (``regexes`` with
``regexTarget``, ``paths``, ``stopwords``, ``condition``). Global allowlists
also silence the built-in formats (never the user's own ``.env`` or keyring
secrets). ``commits`` are ignored with a note: safekeys scans files, not
history; ``[extend]`` is not followed (the built-in formats stand in for
gitleaks' defaults).

The TOML is read here (``tomllib``); the regexes are compiled by the Rust core
with RE2 syntax, as Go's engine reads them. A rule that does not compile is
skipped with a note naming its id (never the pattern or any file's content);
the rest load.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from .. import _core
from ..dotenv import hygiene

StrPath = Union[str, "os.PathLike[str]"]

#: The file gitleaks reads from a repository's top.
REPO_CONFIG = ".gitleaks.toml"

_AllowRow = tuple[list[str], list[str], list[str], str, bool]


class ConfigError(ValueError):
    """The configuration cannot be read or is not TOML (the message names the
    file and, for TOML, the line; never its content)."""


@dataclass(frozen=True)
class Config:
    """A loaded configuration: the compiled rules, how many loaded, and notes
    about what was skipped or ignored (each naming a rule id)."""

    path: str
    rules: _core.Rules
    loaded: int
    notes: list[str] = field(default_factory=list)


def _strings(value: Any) -> Optional[list[str]]:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _allowlist(table: Any, owner: str, notes: list[str]) -> Optional[_AllowRow]:
    if not isinstance(table, dict):
        notes.append(f"{owner}: an allowlist that is not a table: ignored")
        return None
    regexes, paths, stopwords = (_strings(table.get(k)) for k in ("regexes", "paths", "stopwords"))
    if regexes is None or paths is None or stopwords is None:
        notes.append(f"{owner}: an allowlist whose regexes, paths or stopwords are not strings")
        return None
    if table.get("commits"):
        notes.append(f"{owner}: allowlist commits ignored (safekeys scans files, not history)")
    target = table.get("regexTarget", "secret")
    if target not in ("secret", "match", "line"):
        notes.append(f"{owner}: unknown regexTarget, 'secret' used")
        target = "secret"
    condition = str(table.get("condition", "OR")).upper()
    if not (regexes or paths or stopwords):
        return None
    return (regexes, paths, stopwords, target, condition == "AND")


def _allowlists(table: dict[str, Any], owner: str, notes: list[str]) -> list[_AllowRow]:
    """The allowlists of a rule or of the file: the old single table
    (``allowlist``) and the newer array (``allowlists``)."""
    found: list[Any] = []
    if "allowlist" in table:
        found.append(table["allowlist"])
    many = table.get("allowlists", [])
    found.extend(many if isinstance(many, list) else [many])
    rows = (_allowlist(t, owner, notes) for t in found)
    return [row for row in rows if row is not None]


def parse(data: dict[str, Any]) -> tuple[list[Any], list[_AllowRow], list[str]]:
    """The rule rows, global allowlists and notes of a parsed configuration."""
    notes: list[str] = []
    if "extend" in data:
        notes.append("[extend] is not followed: safekeys' own key formats stand in for gitleaks'")
    rules: list[Any] = []
    by_id: dict[str, Any] = {}
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raw_rules = []
        notes.append("'rules' is not an array of tables: no rules loaded")
    for n, rule in enumerate(raw_rules, 1):
        if not isinstance(rule, dict) or not isinstance(rule.get("id"), str) or not rule["id"]:
            notes.append(f"rule #{n}: no id: skipped")
            continue
        rid = rule["id"]
        regex, path = rule.get("regex"), rule.get("path")
        keywords = _strings(rule.get("keywords"))
        group, entropy = rule.get("secretGroup", 0), rule.get("entropy")
        if (
            not isinstance(regex, (str, type(None)))
            or not isinstance(path, (str, type(None)))
            or keywords is None
            or not isinstance(group, int)
            or group < 0
            or not isinstance(entropy, (int, float, type(None)))
        ):
            notes.append(f"rule {rid}: a field of the wrong type: skipped")
            continue
        row = [
            rid,
            regex,
            group,
            keywords,
            None if entropy is None else float(entropy),
            path,
            _allowlists(rule, f"rule {rid}", notes),
        ]
        rules.append(row)
        by_id[rid] = row
    global_lists: list[_AllowRow] = []
    tables: list[Any] = []
    if "allowlist" in data:
        tables.append(data["allowlist"])
    many = data.get("allowlists", [])
    tables.extend(many if isinstance(many, list) else [many])
    for table in tables:
        allow = _allowlist(table, "allowlist", notes)
        if allow is None:
            continue
        targets = table.get("targetRules") if isinstance(table, dict) else None
        if isinstance(targets, list) and targets:
            for rid in targets:
                if rid in by_id:
                    by_id[rid][6].append(allow)
                else:
                    notes.append(f"allowlist: targetRules names {rid!r}, which is not a rule here")
        else:
            global_lists.append(allow)
    return [tuple(r) for r in rules], global_lists, notes


def load(path: StrPath) -> Config:
    """Read and compile a gitleaks configuration; raises ``ConfigError``."""
    import tomllib  # only when a configuration is read

    shown = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as err:
        raise ConfigError(f"{shown}: cannot read it: {err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        # tomllib's messages give the place ("at line 3, column 9"), not the text.
        raise ConfigError(f"{shown}: not valid TOML ({err})") from None
    rules, allowlists, notes = parse(data)
    compiled, skipped = _core.compile_rules(rules, allowlists)
    for rid, why in skipped:
        notes.append(f"rule {rid}: {why}" if rid != "allowlist" else f"global {why}")
    return Config(shown, compiled, len(compiled), notes)


def repository_top(start: StrPath) -> Optional[str]:
    """The nearest directory at or above ``start`` holding ``.git``."""
    return hygiene.work_tree_of_directory(os.fspath(start))


def repository_config(start: StrPath) -> Optional[str]:
    """The ``.gitleaks.toml`` at the top of the repository holding ``start``."""
    top = repository_top(start)
    if top is None:
        return None
    candidate = os.path.join(top, REPO_CONFIG)
    return candidate if os.path.isfile(candidate) else None
