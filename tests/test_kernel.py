"""Where ``find_dotenv`` starts, in a real Jupyter kernel and in real subprocesses.

Each ``.env`` in these tests sets ``SKT_WHERE`` to a label naming the directory it
sits in, so a test can tell from one value which file was found and loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import cell_errors, cell_text, clean_env, ensure_kernelspec, stdout_text

SUBPROCESS_TIMEOUT = 30
CELL_TIMEOUT = 30

PROJECT_ENV = """\
# demo project settings
SKT_WHERE=proj
SKT_GREETING=hello
SKT_NAME="demo user"
export SKT_EXPORTED=yes
SKT_URL=https://example.org/${SKT_GREETING}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_ensure_kernelspec_installs_a_missing_spec(tmp_path: Path, monkeypatch) -> None:
    """The fixtures' kernelspec check installs ipykernel's spec when it is missing."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    name = "safekeys-test-missing-kernel"
    spec_dir = Path(ensure_kernelspec(name))
    assert spec_dir == tmp_path / "data" / "kernels" / name
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    assert "ipykernel_launcher" in spec["argv"]
    assert Path(ensure_kernelspec(name)) == spec_dir  # second call: found, not reinstalled


# --------------------------------------------------------------------------------------
# (a) a real ipykernel whose cwd is proj/sub, with the .env in proj/
# --------------------------------------------------------------------------------------

KERNEL_CELLS = [
    # 0: the whole python-dotenv API plus getenv imports from safekeys in a kernel
    """\
import json, os, sys
from safekeys import load_dotenv, find_dotenv, dotenv_values, get_key, set_key, unset_key, getenv
from safekeys import require, MissingKeyError
import safekeys
import dotenv
print(json.dumps({
    "cwd": os.getcwd(),
    "executable": sys.executable,
    "safekeys_file": safekeys.__file__,
    "interactive": hasattr(sys, "ps1"),
    "main_has_file": hasattr(sys.modules["__main__"], "__file__"),
    "preloaded": sorted(k for k in os.environ if k.startswith("SKT_")),
}))
""",
    # 1: find_dotenv, compared with python-dotenv's in the same kernel
    """\
def outcome(fn):
    try:
        return fn()
    except Exception as e:
        return type(e).__name__
print(json.dumps({
    "safekeys": find_dotenv(),
    "dotenv": dotenv.find_dotenv(),
    "safekeys_usecwd": find_dotenv(usecwd=True),
    "dotenv_usecwd": dotenv.find_dotenv(usecwd=True),
    "safekeys_missing": find_dotenv("no-such.env"),
    "dotenv_missing": dotenv.find_dotenv("no-such.env"),
    "safekeys_missing_raise": outcome(lambda: find_dotenv("no-such.env", True)),
    "dotenv_missing_raise": outcome(lambda: dotenv.find_dotenv("no-such.env", True)),
}))
""",
    # 2: before load_dotenv, getenv reads the nearest .env without touching os.environ
    """\
print(json.dumps({
    "getenv": getenv("SKT_GREETING"),
    "in_environ": "SKT_GREETING" in os.environ,
}))
""",
    # 3: load_dotenv() with no argument, then os.environ, getenv, dotenv_values, get_key
    """\
loaded = load_dotenv()
path = find_dotenv()
print(json.dumps({
    "loaded": loaded,
    "environ": {k: os.environ.get(k) for k in
                ["SKT_WHERE", "SKT_GREETING", "SKT_NAME", "SKT_EXPORTED", "SKT_URL"]},
    "getenv": {k: getenv(k) for k in ["SKT_GREETING", "SKT_NAME", "SKT_URL"]},
    "getenv_default": getenv("SKT_ABSENT", "fallback"),
    "getenv_absent": getenv("SKT_ABSENT"),
    "values": dotenv_values(),
    "values_equal_dotenv": dotenv_values(path) == dotenv.dotenv_values(path),
    "get_key": get_key(path, "SKT_NAME"),
}))
""",
    # 4: require: a present key, and a missing one caught as MissingKeyError / KeyError
    """\
result = {"present": require("SKT_GREETING")}
try:
    require("SKT_ABSENT")
except KeyError as e:
    result.update(
        type=type(e).__name__,
        is_missing_key_error=isinstance(e, MissingKeyError),
        args=list(e.args),
        message=str(e),
    )
print(json.dumps(result))
""",
    # 5: set_key / unset_key in the kernel, on a scratch file next to the cwd
    """\
scratch = os.path.join(os.getcwd(), "scratch.env")
print(json.dumps({
    "set": list(set_key(scratch, "SKT_COLOR", "blue green")),
    "get": get_key(scratch, "SKT_COLOR"),
    "text": open(scratch).read(),
    "unset": list(unset_key(scratch, "SKT_COLOR")),
    "after": open(scratch).read(),
}))
os.remove(scratch)
""",
    # 6: an uncaught require() shows the helpful message in the notebook's error output
    'require("SKT_ABSENT")',
]


@pytest.fixture(scope="module")
def kernel_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kernel")
    # An outer .env the search must NOT reach: proj/.env is nearer.
    write(root / ".env", "SKT_WHERE=outer\nSKT_GREETING=wrong\n")
    write(root / "proj" / ".env", PROJECT_ENV)
    (root / "proj" / "sub").mkdir()
    return root


@pytest.fixture(scope="module")
def kernel_nb(run_notebook, kernel_project: Path):
    return run_notebook(
        KERNEL_CELLS,
        cwd=kernel_project / "proj" / "sub",
        timeout=CELL_TIMEOUT,
        allow_errors=True,
    )


def cell_json(nb, index: int) -> dict:
    text = stdout_text(nb.cells[index])
    assert text.strip(), f"cell {index} printed nothing:\n{cell_text(nb.cells[index])}"
    return json.loads(text)


def test_kernel_runs_only_the_expected_error(kernel_nb) -> None:
    errors = cell_errors(kernel_nb)
    assert [(i, ename) for i, ename, _ in errors] == [(len(KERNEL_CELLS) - 1, "MissingKeyError")]


def test_kernel_is_real_and_uses_this_safekeys(kernel_nb, kernel_project: Path) -> None:
    import safekeys

    info = cell_json(kernel_nb, 0)
    assert info["cwd"] == str(kernel_project / "proj" / "sub")
    assert info["safekeys_file"] == safekeys.__file__
    assert info["interactive"] is True
    assert info["main_has_file"] is False
    assert info["preloaded"] == []


def test_kernel_find_dotenv_matches_python_dotenv(kernel_nb, kernel_project: Path) -> None:
    found = cell_json(kernel_nb, 1)
    parent_env = str(kernel_project / "proj" / ".env")
    assert found == {
        "safekeys": parent_env,
        "dotenv": parent_env,
        "safekeys_usecwd": parent_env,
        "dotenv_usecwd": parent_env,
        "safekeys_missing": "",
        "dotenv_missing": "",
        "safekeys_missing_raise": "OSError",
        "dotenv_missing_raise": "OSError",
    }


def test_kernel_getenv_reads_nearest_env_before_load(kernel_nb) -> None:
    assert cell_json(kernel_nb, 2) == {"getenv": "hello", "in_environ": False}


def test_kernel_load_dotenv_sets_environ_and_getenv(kernel_nb, kernel_project: Path) -> None:
    got = cell_json(kernel_nb, 3)
    assert got["loaded"] is True
    assert got["environ"] == {
        "SKT_WHERE": "proj",
        "SKT_GREETING": "hello",
        "SKT_NAME": "demo user",
        "SKT_EXPORTED": "yes",
        "SKT_URL": "https://example.org/hello",
    }
    assert got["getenv"] == {
        "SKT_GREETING": "hello",
        "SKT_NAME": "demo user",
        "SKT_URL": "https://example.org/hello",
    }
    assert got["getenv_default"] == "fallback"
    assert got["getenv_absent"] is None
    assert got["values"] == {
        "SKT_WHERE": "proj",
        "SKT_GREETING": "hello",
        "SKT_NAME": "demo user",
        "SKT_EXPORTED": "yes",
        "SKT_URL": "https://example.org/hello",
    }
    assert list(got["values"]) == [
        "SKT_WHERE",
        "SKT_GREETING",
        "SKT_NAME",
        "SKT_EXPORTED",
        "SKT_URL",
    ]
    assert got["values_equal_dotenv"] is True
    assert got["get_key"] == "demo user"


def test_kernel_require(kernel_nb) -> None:
    got = cell_json(kernel_nb, 4)
    assert got["present"] == "hello"
    assert got["type"] == "MissingKeyError"
    assert got["is_missing_key_error"] is True
    assert got["args"] == ["SKT_ABSENT"]
    message = got["message"]
    assert message.startswith("SKT_ABSENT is not set.")
    # Says where it looked ...
    assert "environment" in message
    assert ".env" in message
    # ... and how to provide the key.
    assert "export SKT_ABSENT=" in message
    assert "add SKT_ABSENT=" in message


def test_kernel_set_and_unset_key(kernel_nb) -> None:
    assert cell_json(kernel_nb, 5) == {
        "set": [True, "SKT_COLOR", "blue green"],
        "get": "blue green",
        "text": "SKT_COLOR='blue green'\n",
        "unset": [True, "SKT_COLOR"],
        "after": "",
    }


def test_kernel_uncaught_require_shows_help(kernel_nb) -> None:
    last = kernel_nb.cells[-1]
    (error,) = [o for o in last.outputs if o.output_type == "error"]
    assert error.ename == "MissingKeyError"
    assert error.evalue.startswith("SKT_ABSENT is not set.")
    assert "export SKT_ABSENT=" in error.evalue
    text = cell_text(last)
    assert "MissingKeyError" in text
    assert "add SKT_ABSENT=" in text


# --------------------------------------------------------------------------------------
# (b) outside a kernel: scripts, python -c, stdin, a helper module in another directory
# --------------------------------------------------------------------------------------

REPORT = """\
import json, os, sys
import safekeys
import dotenv

def outcome(fn):
    try:
        return fn()
    except Exception as e:  # python-dotenv's AssertionError on stdin
        return {"error": type(e).__name__}

out = {
    "getenv_before_load": safekeys.getenv("SKT_WHERE"),
    "safekeys": safekeys.find_dotenv(),
    "dotenv": outcome(dotenv.find_dotenv),
    "dotenv_load": outcome(dotenv.dotenv_values),
    "loaded": safekeys.load_dotenv(),
    "where": os.environ.get("SKT_WHERE"),
    "getenv": safekeys.getenv("SKT_WHERE"),
}
print(json.dumps(out))
"""


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """proj/.env (proj), proj/sub/ (no .env), other/.env (cwd), lib/.env (helper)."""
    write(tmp_path / "proj" / ".env", "SKT_WHERE=proj\n")
    (tmp_path / "proj" / "sub").mkdir()
    write(tmp_path / "other" / ".env", "SKT_WHERE=cwd\n")
    write(tmp_path / "lib" / ".env", "SKT_WHERE=helper\n")
    return tmp_path


def run_python(args: list, cwd, stdin: str | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("run_from", ["/", "other"])
def test_script_starts_from_its_own_directory(layout: Path, run_from: str) -> None:
    script = write(layout / "proj" / "sub" / "script.py", REPORT)
    cwd = "/" if run_from == "/" else layout / run_from
    got = run_python([str(script)], cwd=cwd)
    proj_env = str(layout / "proj" / ".env")
    assert got == {
        "getenv_before_load": "proj",
        "safekeys": proj_env,
        "dotenv": proj_env,
        "dotenv_load": {"SKT_WHERE": "proj"},
        "loaded": True,
        "where": "proj",
        "getenv": "proj",
    }


def test_python_c_starts_from_cwd(layout: Path) -> None:
    got = run_python(["-c", REPORT], cwd=layout / "other")
    cwd_env = str(layout / "other" / ".env")
    assert got == {
        "getenv_before_load": "cwd",
        "safekeys": cwd_env,
        "dotenv": cwd_env,
        "dotenv_load": {"SKT_WHERE": "cwd"},
        "loaded": True,
        "where": "cwd",
        "getenv": "cwd",
    }


def test_stdin_script_uses_cwd_where_python_dotenv_asserts(layout: Path) -> None:
    got = run_python(["-"], cwd=layout / "other", stdin=REPORT)
    cwd_env = str(layout / "other" / ".env")
    # The difference from python-dotenv 1.2.4 (its issue #499), made explicit:
    assert got["dotenv"] == {"error": "AssertionError"}
    assert got["dotenv_load"] == {"error": "AssertionError"}
    assert got["safekeys"] == cwd_env
    assert got["getenv_before_load"] == "cwd"
    assert got["loaded"] is True
    assert got["where"] == "cwd"
    assert got["getenv"] == "cwd"


def test_stdin_python_dotenv_really_crashes(layout: Path) -> None:
    """Uncaught, python-dotenv's failure on stdin is a bare AssertionError traceback."""
    proc = subprocess.run(
        [sys.executable, "-"],
        cwd=layout / "other",
        input="import dotenv\ndotenv.load_dotenv()\n",
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert proc.returncode == 1
    assert proc.stderr.rstrip().splitlines()[-1] == "AssertionError"
    ok = subprocess.run(
        [sys.executable, "-"],
        cwd=layout / "other",
        input="import os, safekeys\nprint(safekeys.load_dotenv(), os.environ['SKT_WHERE'])\n",
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "True cwd\n"


HELPER = """\
import os
import dotenv
import safekeys

def safekeys_side():
    return {
        "find": safekeys.find_dotenv(),
        "values": dict(safekeys.dotenv_values()),
        "getenv": safekeys.getenv("SKT_WHERE"),
        "loaded": safekeys.load_dotenv(),
        "where": os.environ.get("SKT_WHERE"),
    }

def dotenv_side():
    return {"find": dotenv.find_dotenv(), "values": dict(dotenv.dotenv_values())}
"""

MAIN = """\
import json, sys
sys.path.insert(0, sys.argv[1])
import helper
import dotenv
import safekeys

print(json.dumps({
    "main_safekeys": safekeys.find_dotenv(),
    "main_dotenv": dotenv.find_dotenv(),
    "helper_dotenv": helper.dotenv_side(),
    "helper_safekeys": helper.safekeys_side(),
}))
"""


def test_helper_module_directory_is_the_start(layout: Path) -> None:
    write(layout / "lib" / "helper.py", HELPER)
    main = write(layout / "proj" / "app" / "main.py", MAIN)
    got = run_python([str(main), str(layout / "lib")], cwd=layout / "other")
    proj_env = str(layout / "proj" / ".env")
    helper_env = str(layout / "lib" / ".env")
    # Called from main.py directly: main.py's directory (proj/app -> proj/.env).
    assert got["main_safekeys"] == proj_env
    assert got["main_dotenv"] == proj_env
    # Called from helper.py: helper.py's directory, for python-dotenv and for safekeys,
    # even though safekeys' load_dotenv/dotenv_values/getenv call find_dotenv from
    # other modules of the package.
    assert got["helper_dotenv"] == {"find": helper_env, "values": {"SKT_WHERE": "helper"}}
    assert got["helper_safekeys"] == {
        "find": helper_env,
        "values": {"SKT_WHERE": "helper"},
        "getenv": "helper",
        "loaded": True,
        "where": "helper",
    }
