"""The public API, pinned: every name users import keeps working whatever
moves inside the package, tab completion offers the lazily loaded ones, and
``import safekeys`` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest
import safekeys

# `safekeys.__all__` as of the restructuring (issue 11). Removing a name is a
# breaking change; adding one means adding it here.
PUBLIC = [
    "DotenvDecodeError",
    "DotenvSyntaxError",
    "KeyringError",
    "LiteralKeyError",
    "MissingKeyError",
    "StoredKey",
    "VaultError",
    "__version__",
    "delete_key",
    "dotenv_values",
    "find_dotenv",
    "get_cli_string",
    "get_key",
    "getenv",
    "list_keys",
    "load_dotenv",
    "load_ipython_extension",
    "mask",
    "registered",
    "require",
    "rotate",
    "scan",
    "scrub",
    "set_key",
    "store_key",
    "unload_ipython_extension",
    "unmask",
    "unset_key",
]


def test_all_is_the_pinned_list():
    assert sorted(safekeys.__all__) == PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_imports(name):
    namespace: dict[str, object] = {}
    exec(f"from safekeys import {name}", namespace)
    assert namespace[name] is getattr(safekeys, name)


def test_star_import_gives_every_public_name():
    namespace: dict[str, object] = {}
    exec("from safekeys import *", namespace)
    assert set(PUBLIC) <= set(namespace)


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def test_dir_offers_every_public_name_before_any_is_used():
    # A fresh interpreter: nothing lazily loaded yet, as in a new notebook.
    names = run_python("import safekeys; print(' '.join(dir(safekeys)))").split()
    assert set(PUBLIC) <= set(names)
    assert {"scrub", "mask", "scan"} <= set(names)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        safekeys.no_such_thing  # noqa: B018


def test_import_loads_no_notebook_cli_or_scanner_code():
    loaded = run_python("import sys, safekeys; print(' '.join(sorted(sys.modules)))").split()
    heavy = [
        m
        for m in loaded
        if m.startswith(("safekeys.cli", "safekeys.notebook", "safekeys.scanner", "IPython"))
        or m in ("subprocess", "safekeys.doctor")
    ]
    assert heavy == []


def test_the_console_script_and_module_entry_points():
    from safekeys.cli import main

    assert callable(main)
    done = subprocess.run(
        [sys.executable, "-m", "safekeys", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == f"safekeys {safekeys.__version__}"
