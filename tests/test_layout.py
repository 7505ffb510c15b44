"""The package's layers, read from its source: every import (function-level
and ``TYPE_CHECKING`` ones included) goes down or stays inside its own
folder, and the module graph has no cycle. docs/architecture.md explains the
layers; a new module must be given one here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "python" / "safekeys"

# Lower numbers sit lower; a module may import a lower layer, or its own
# group (the same folder). Groups on one layer do not import each other.
LAYERS: list[tuple[str, int]] = [
    ("safekeys._core", 0),
    ("safekeys._errors", 0),
    ("safekeys._log", 0),
    ("safekeys._settings", 1),
    ("safekeys._masking", 2),
    ("safekeys.dotenv", 3),
    ("safekeys.stores", 4),
    ("safekeys.sources", 5),
    ("safekeys.scanner", 5),
    ("safekeys.doctor", 6),
    ("safekeys.notebook", 7),
    ("safekeys.cli", 8),
    ("safekeys.__main__", 9),
    ("safekeys", 9),  # the public facade, __init__.py
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(name: str) -> bool:
    return (PACKAGE.parent / Path(*name.split("."))).is_dir()


def exists(name: str) -> bool:
    base = PACKAGE.parent / Path(*name.split("."))
    return base.is_dir() or base.with_suffix(".py").is_file() or base.with_suffix(".pyi").is_file()


def imports_of(path: Path) -> set[str]:
    """Every ``safekeys`` module ``path`` imports, wherever the import sits."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("safekeys"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("safekeys"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                # `from . import x` names a module when x is one; else a name in `target`.
                found.add(sub if exists(sub) else target)
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def layer(name: str) -> tuple[str, int]:
    """The group (longest matching prefix) and layer of a module."""
    best: tuple[str, int] | None = None
    for prefix, rank in LAYERS:
        if (name == prefix or name.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, rank)
    if best is None:
        raise AssertionError(f"{name} has no layer: add it to LAYERS in {__file__}")
    return best


def test_every_module_has_a_layer():
    for name in graph():
        layer(name)


def test_imports_go_down_or_stay_in_their_folder():
    wrong = []
    for name, targets in graph().items():
        group, rank = layer(name)
        for target in sorted(targets):
            target_group, target_rank = layer(target)
            if target_group == group or target_rank < rank:
                continue
            wrong.append(f"{name} (layer {rank}) imports {target} (layer {target_rank})")
    assert not wrong, "upward or sideways imports:\n" + "\n".join(wrong)


def test_nothing_imports_the_cli_or_the_facade():
    wrong = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        for target in targets
        if (target == "safekeys" or target.startswith("safekeys.cli"))
        and not name.startswith("safekeys.cli")
        and name != "safekeys.__main__"
    ]
    assert not wrong, "\n".join(wrong)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    assert cycles(graph()) == []


@pytest.mark.parametrize(
    "edges, expected",
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(edges, expected):
    # The check above is only as good as this: it must see a cycle when there is one.
    assert cycles(edges) == expected


def test_the_import_reader_sees_function_level_and_relative_imports():
    # __init__.py imports the notebook layer inside a function, magics.py with `from ..`.
    assert "safekeys.notebook.load" in imports_of(PACKAGE / "__init__.py")
    found = imports_of(PACKAGE / "notebook" / "magics.py")
    assert {"safekeys.doctor", "safekeys.notebook.extension", "safekeys._core"} <= found
