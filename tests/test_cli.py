"""The ``safekeys`` command against a real gnome-keyring Secret Service.

Each test uses its own keyring service (``--service`` or ``SAFEKEYS_SERVICE``). The
hidden prompt and ``--reveal`` to a terminal run under a real pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from keyring_session import dead_bus_address

SECRET = "sk-proj-cli-0123456789abcdefghijklmnopqrstu"
OK, NOT_FOUND, USAGE, UNAVAILABLE, CONFLICT = 0, 1, 2, 3, 4


@pytest.fixture
def service(ring, monkeypatch, tmp_path):
    name = f"safekeys-cli-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("SAFEKEYS_SERVICE", name)
    monkeypatch.delenv("SAFEKEYS_KEYRING", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the repository
    return name


def key_name() -> str:
    return f"SK_CLI_{uuid.uuid4().hex[:8].upper()}_TOKEN"


def safekeys_cli(
    *args: str,
    input: str | None = None,
    env: dict | None = None,
    script: bool = False,
    unset: tuple[str, ...] = (),
) -> subprocess.CompletedProcess:
    """Run ``python -m safekeys`` (or the ``safekeys`` console script), with
    ``env`` added to this process's environment and the ``unset`` names taken out."""
    if script:
        exe = Path(sys.executable).parent / "safekeys"
        command = [os.fspath(exe) if exe.exists() else "safekeys", *args]
    else:
        command = [sys.executable, "-m", "safekeys", *args]
    return subprocess.run(
        command,
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in {**os.environ, **(env or {})}.items() if k not in unset},
    )


def in_terminal(args: list[str], answer: str | None = None, timeout: float = 30) -> tuple[int, str]:
    """Run ``python -m safekeys ARGS`` with a pseudo-terminal as its controlling terminal,
    standard input and output; type ``answer`` at the first prompt. Returns (exit code,
    everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal
        try:
            os.execvpe(sys.executable, [sys.executable, "-m", "safekeys", *args], os.environ)
        finally:
            os._exit(127)
    shown = b""
    typed = answer is None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        if not typed and b"hidden" in shown:
            os.write(fd, answer.encode() + b"\r")
            typed = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


# -- set / get / list / delete -------------------------------------------------------


def test_set_from_stdin_then_get_list_delete(service):
    name = key_name()
    done = safekeys_cli("set", name, input=SECRET + "\n")
    assert done.returncode == OK, done.stderr
    assert done.stdout.startswith(f"Stored {name} in the OS keyring (service {service!r}): ")
    assert f"{len(SECRET)} characters" in done.stdout

    done = safekeys_cli("get", name)
    assert done.returncode == OK, done.stderr
    fingerprint = json.loads(safekeys_cli("list", "--json").stdout)[0]["fingerprint"]
    assert done.stdout == (
        f"{name}: from keyring (service {service!r}), {len(SECRET)} characters, {fingerprint}\n"
    )

    done = safekeys_cli("list")
    assert done.returncode == OK
    header, row = done.stdout.splitlines()
    assert header.split() == ["NAME", "LENGTH", "FINGERPRINT", "NOTE"]
    assert row.split() == [name, str(len(SECRET)), fingerprint]
    assert json.loads(safekeys_cli("list", "--json").stdout) == [
        {
            "name": name,
            "length": len(SECRET),
            "fingerprint": fingerprint,
            "items": 1,
            "state": "text",
        }
    ]

    done = safekeys_cli("delete", name)
    assert (done.returncode, done.stdout) == (
        OK,
        f"Deleted {name} from the OS keyring (service {service!r}).\n",
    )
    done = safekeys_cli("delete", name)
    assert done.returncode == NOT_FOUND and "is not in the OS keyring" in done.stderr
    done = safekeys_cli("get", name)
    assert done.returncode == NOT_FOUND and f"{name} is not set" in done.stderr
    done = safekeys_cli("list")
    assert (done.returncode, done.stdout) == (OK, "")
    assert "holds no keys" in done.stderr


def test_console_script_and_service_option(service, ring):
    name = key_name()
    other = f"{service}-other"
    done = safekeys_cli("set", "--service", other, name, input=SECRET, script=True)
    assert done.returncode == OK, done.stderr
    assert ring.item_count(service=other, username=name) == 1
    assert safekeys_cli("get", name).returncode == NOT_FOUND
    done = safekeys_cli("get", name, "--service", other, "--reveal", script=True)
    assert (done.returncode, done.stdout) == (OK, SECRET + "\n")
    assert safekeys_cli("delete", "--service", other, name).returncode == OK


def test_nothing_but_the_value_is_ever_printed(service):
    name = key_name()
    runs = [
        safekeys_cli("set", name, input=SECRET),
        safekeys_cli("get", name),
        safekeys_cli("list"),
        safekeys_cli("list", "--json"),
        safekeys_cli("delete", name),
        safekeys_cli("get", name),
    ]
    for done in runs:
        assert SECRET[:12] not in done.stdout + done.stderr


def test_get_reveal_when_piped(service):
    name = key_name()
    safekeys_cli("set", name, input=SECRET)
    done = safekeys_cli("get", name, "--reveal")
    assert (done.returncode, done.stdout, done.stderr) == (OK, SECRET + "\n", "")


def test_get_reports_environment_and_dotenv_sources(service, tmp_path):
    name = key_name()
    safekeys_cli("set", name, input=SECRET)
    done = safekeys_cli("get", name, env={name: "from-the-environment"})
    assert done.stdout.startswith(f"{name}: from environment, 20 characters")
    env_file = tmp_path / ".env"
    env_file.write_text(f"{name}=from-dotenv\n")
    done = safekeys_cli("get", name)
    assert done.stdout.startswith(f"{name}: from .env ({env_file}), 11 characters")
    done = safekeys_cli("get", name, "--no-dotenv")
    assert done.stdout.startswith(f"{name}: from keyring")


def test_hidden_prompt_in_a_terminal(service, ring):
    name = key_name()
    code, shown = in_terminal(["set", name], answer=SECRET)
    assert code == OK, shown
    assert f"Value for {name} (input is hidden): " in shown
    assert SECRET[:12] not in shown  # not echoed
    assert f"Stored {name}" in shown
    done = safekeys_cli("get", name, "--reveal")
    assert done.stdout == SECRET + "\n"


def test_reveal_to_a_terminal_needs_asking_twice(service):
    name = key_name()
    safekeys_cli("set", name, input=SECRET)
    code, shown = in_terminal(["get", name, "--reveal"])
    assert code == USAGE
    assert "pass --reveal twice" in shown and SECRET[:12] not in shown
    code, shown = in_terminal(["get", name, "--reveal", "--reveal"])
    assert code == OK and SECRET in shown


def test_set_never_takes_the_value_from_the_command_line(service, ring):
    name = key_name()
    done = safekeys_cli("set", name, SECRET)
    assert done.returncode == USAGE
    assert "never takes a key or token on the command line" in done.stderr
    assert SECRET[:12] not in done.stderr + done.stdout
    assert ring.item_count(service=service, username=name) == 0


# Every way a value typed on the command line could come back in a usage error:
# a stray argument, a flag that takes none, a mistyped command, an unknown option.
TYPED = "hvs.CAESIFAKEabcdefghijklmnopqrstuvwx0123"


@pytest.mark.parametrize(
    "argv",
    [
        ["delete", "SOME_NAME", SECRET],
        ["rotate", "SOME_NAME", SECRET],
        ["get", "SOME_NAME", SECRET],
        ["vault", "login", "--token", TYPED],
        ["run", "--key"],  # argparse's own error, no value in it
        [SECRET],
        ["list", f"--service={SECRET}", "extra"],
    ],
    ids=["delete", "rotate", "get", "vault-token", "missing-option-value", "as-command", "extra"],
)
def test_usage_errors_never_repeat_a_value(argv):
    done = safekeys_cli(*argv)
    assert done.returncode == USAGE
    shown = done.stderr + done.stdout
    assert SECRET[:12] not in shown and TYPED[:12] not in shown


def test_set_refuses_an_empty_value_and_bad_names(service):
    assert safekeys_cli("set", key_name(), input="").returncode == USAGE
    assert safekeys_cli("set", key_name(), input="\n").returncode == USAGE
    done = safekeys_cli("set", "A=B", input=SECRET)
    assert done.returncode == USAGE and "environment variable" in done.stderr


def test_set_keeps_everything_but_one_final_newline(service):
    name = key_name()
    safekeys_cli("set", name, input="line one\nline two\n\n")
    assert safekeys_cli("get", name, "--reveal").stdout == "line one\nline two\n\n"
    safekeys_cli("set", name, input="crlf-value-123\r\n")
    assert safekeys_cli("get", name, "--reveal").stdout == "crlf-value-123\n"


COMMANDS = ("set", "get", "delete", "list", "import", "run", "doctor", "scan", "vault", "rotate")


def test_help_for_every_command():
    done = safekeys_cli("--help")
    assert done.returncode == OK
    for command in COMMANDS:
        assert command in done.stdout
    table = done.stdout[done.stdout.index("exit codes (every command):") :]
    for code in ("0", "1", "2", "3", "4", "5", "126", "130", "141"):
        assert f"\n  {code} " in table, code
    assert "a path that does not exist" in table
    for command in COMMANDS:
        done = safekeys_cli(command, "--help")
        assert done.returncode == OK, command
        assert "--service" in done.stdout, command
        # Short: the global table only in `safekeys --help`, a pointer to it here.
        assert "exit codes (every command)" not in done.stdout, command
        assert done.stdout.rstrip().endswith("All exit codes: safekeys --help."), command
    assert safekeys_cli().returncode == USAGE
    assert safekeys_cli("frobnicate").returncode == USAGE
    assert safekeys_cli("--version").stdout.startswith("safekeys ")


def test_a_command_help_names_only_its_own_codes():
    # No command contradicts the global table: scan's 1 is "found", 2 stays usage.
    scan = safekeys_cli("scan", "--help").stdout
    assert "Exit codes: 0 nothing found, 1 something found" in scan
    assert "2  usage" not in scan and "not found (the key" not in scan
    for command in ("rotate", "vault"):
        text = safekeys_cli(command, "--help").stdout
        assert text.count("Exit codes:") == 1, command
        assert "2 a refused address" in text and "5 the store refused" in text
    for command in ("set", "get", "delete", "list"):
        assert "Exit codes:" not in safekeys_cli(command, "--help").stdout, command
    assert "Exit codes: 1 when some" in safekeys_cli("import", "--help").stdout
    assert "1 when\nproblems remain" in safekeys_cli("doctor", "--help").stdout
    assert "126/127" in safekeys_cli("run", "--help").stdout


def test_service_before_or_after_the_command(service, monkeypatch):
    name = key_name()
    other = f"{service}-other"
    assert safekeys_cli("--service", other, "set", name, input=SECRET).returncode == OK
    for args in (["--service", other, "list"], ["list", "--service", other]):
        done = safekeys_cli(*args)
        assert done.returncode == OK and name in done.stdout, (args, done.stderr)
    assert name not in safekeys_cli("list").stdout  # $SAFEKEYS_SERVICE is another service
    # After the command wins over before it, as the later word should.
    done = safekeys_cli("--service", other, "get", name, "--service", service)
    assert done.returncode == NOT_FOUND
    assert safekeys_cli("--service", other, "delete", name).returncode == OK


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [(["lsit"], "list"), (["delte", "X"], "delete"), (["vault", "stauts"], "status")],
)
def test_a_mistyped_command_gets_a_suggestion(argv, suggestion):
    done = safekeys_cli(*argv)
    assert done.returncode == USAGE
    assert f"did you mean {suggestion!r}?" in done.stderr, done.stderr


def test_a_key_typed_as_the_command_is_not_repeated():
    done = safekeys_cli(SECRET)
    assert done.returncode == USAGE and "unknown command" in done.stderr
    assert SECRET[:12] not in done.stderr


def test_a_missing_path_is_a_usage_error_for_every_command(service, tmp_path):
    missing = str(tmp_path / "nope.env")
    for args in (
        ["scan", "--no-keyring", missing],
        ["import", missing],
        ["run", "-f", missing, "--", sys.executable, "-c", "print('ran')"],
        ["doctor", missing],
        ["encrypt", missing],
        ["decrypt", missing],
        ["keypair", missing],
        ["rotate-key", missing],
    ):
        done = safekeys_cli(*args)
        assert done.returncode == USAGE, (args, done.stderr)
        assert f"{missing}: no such file" in done.stderr, args
        assert "ran" not in done.stdout


# -- import ----------------------------------------------------------------------------

DOTENV_TEXT = (
    "# project settings\n"
    "export MODEL=gpt-4o\n"
    f"OPENAI_API_KEY={SECRET}\n"
    "\n"
    "DEBUG=1   # inline comment\r\n"
    "GITHUB_SECRET='ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n"
    "DATABASE_URL=postgres://app:hunter2-db-pass@localhost/db\n"
    'GREETING="hello world"\n'
    "SHORT_PASSWORD=abc\n"
    "EMPTY_TOKEN=\n"
    "REFERENCED_KEY=${MODEL}-suffix\n"
    "BARE_KEY\n"
    "# trailing comment\n"
)
MOVED = {
    "OPENAI_API_KEY": SECRET,
    "GITHUB_SECRET": "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "DATABASE_URL": "postgres://app:hunter2-db-pass@localhost/db",
    "SHORT_PASSWORD": "abc",
}
KEPT = (
    "# project settings\n"
    "export MODEL=gpt-4o\n"
    "\n"
    "DEBUG=1   # inline comment\r\n"
    'GREETING="hello world"\n'
    "EMPTY_TOKEN=\n"
    "REFERENCED_KEY=${MODEL}-suffix\n"
    "BARE_KEY\n"
    "# trailing comment\n"
)


def test_import_moves_secrets_and_keeps_every_other_byte(service, ring, tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_bytes(DOTENV_TEXT.encode())
    env_file.chmod(0o640)
    done = safekeys_cli("import", "--dry-run")
    assert done.returncode == OK, done.stderr
    assert env_file.read_bytes() == DOTENV_TEXT.encode()
    assert sorted(line.split()[2] for line in done.stdout.splitlines()) == sorted(MOVED)

    done = safekeys_cli("import")
    # REFERENCED_KEY uses interpolation: left in the file, so exit code 1.
    assert done.returncode == NOT_FOUND, done.stderr
    assert "left REFERENCED_KEY" in done.stderr and "interpolation" in done.stderr
    assert f"4 keys now in the OS keyring (service {service!r})" in done.stdout
    assert env_file.read_bytes() == KEPT.encode()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o640
    for name, value in MOVED.items():
        assert safekeys_cli("get", name, "--reveal", "--no-dotenv").stdout == value + "\n"
        assert ring.item_count(service=service, username=name) == 1
    for value in MOVED.values():
        if len(value) >= 12:
            assert value[:12] not in done.stdout + done.stderr

    # Running it again: nothing left to move.
    again = safekeys_cli("import")
    assert "No secret-looking values to move" in again.stdout
    assert env_file.read_bytes() == KEPT.encode()


def test_import_through_a_symlink_rewrites_the_real_file(service, tmp_path):
    real = tmp_path / "shared" / "app.env"
    real.parent.mkdir()
    real.write_text(f"OPENAI_API_KEY={SECRET}\nMODEL=x\n")
    link = tmp_path / ".env"
    link.symlink_to(real)
    done = safekeys_cli("import")
    assert done.returncode == OK, done.stderr
    assert link.is_symlink()
    assert real.read_text() == "MODEL=x\n"


def test_import_leaves_a_conflicting_value_unless_overwrite(service, tmp_path):
    safekeys_cli("set", "OPENAI_API_KEY", input="sk-already-there-0123456789")
    env_file = tmp_path / "keys.env"
    env_file.write_text(f"OPENAI_API_KEY={SECRET}\n")
    done = safekeys_cli("import", str(env_file))
    assert done.returncode == NOT_FOUND
    assert "already holds a different value" in done.stderr and "--overwrite" in done.stderr
    assert SECRET[:12] not in done.stderr and "sk-already-t" not in done.stderr
    assert env_file.read_text() == f"OPENAI_API_KEY={SECRET}\n"
    done = safekeys_cli("import", str(env_file), "--overwrite")
    assert done.returncode == OK, done.stderr
    assert env_file.read_text() == ""
    assert safekeys_cli("get", "OPENAI_API_KEY", "--reveal").stdout == SECRET + "\n"


def test_import_of_a_missing_file(service):
    done = safekeys_cli("import", "nope.env")
    assert done.returncode == USAGE and "no such file" in done.stderr


# -- run -------------------------------------------------------------------------------

SHOW_ENV = (
    "import os, sys; print(os.environ.get(sys.argv[1], '<unset>')); sys.exit(int(sys.argv[2]))"
)


def test_run_passes_keys_and_the_exit_code(service):
    name = key_name()
    safekeys_cli("set", name, input=SECRET)
    done = safekeys_cli("run", "--", sys.executable, "-c", SHOW_ENV, name, "7")
    assert (done.returncode, done.stdout) == (7, SECRET + "\n")
    done = safekeys_cli("run", "--key", name, "--", sys.executable, "-c", SHOW_ENV, name, "0")
    assert (done.returncode, done.stdout) == (OK, SECRET + "\n")
    # Only the keys asked for.
    other = key_name()
    safekeys_cli("set", other, input="another-secret-value-123")
    done = safekeys_cli("run", "--key", name, "--", sys.executable, "-c", SHOW_ENV, other, "0")
    assert done.stdout == "<unset>\n"


def test_run_environment_and_env_files_win_unless_override(service, tmp_path):
    name = key_name()
    safekeys_cli("set", name, input=SECRET)
    env_file = tmp_path / "run.env"
    env_file.write_text(f"{name}=from-env-file\nPLAIN=plain-value\n")
    args = ["run", "--env-file", str(env_file), "--"]
    done = safekeys_cli(*args, sys.executable, "-c", SHOW_ENV, name, "0")
    assert done.stdout == "from-env-file\n"
    done = safekeys_cli(*args, sys.executable, "-c", SHOW_ENV, "PLAIN", "0")
    assert done.stdout == "plain-value\n"
    done = safekeys_cli(*args, sys.executable, "-c", SHOW_ENV, name, "0", env={name: "from-env"})
    assert done.stdout == "from-env\n"
    done = safekeys_cli(
        "run", "--override", "--", sys.executable, "-c", SHOW_ENV, name, "0", env={name: "old"}
    )
    assert done.stdout == SECRET + "\n"


def test_run_layers_env_files_later_winning(service, tmp_path):
    base, local = tmp_path / ".env", tmp_path / ".env.local"
    base.write_text("LAYER_HOST=prod\nLAYER_PORT=5432\n")
    local.write_text("LAYER_HOST=localhost\nLAYER_URL=${LAYER_HOST}:${LAYER_PORT}\n")
    args = ["run", "-f", str(base), "-f", str(local), "--", sys.executable, "-c", SHOW_ENV]
    assert safekeys_cli(*args, "LAYER_URL", "0").stdout == "localhost:5432\n"
    done = safekeys_cli(*args, "LAYER_HOST", "0", env={"LAYER_HOST": "from-env"})
    assert done.stdout == "from-env\n"


def test_run_failures_before_the_program_starts(service, tmp_path):
    missing = key_name()
    done = safekeys_cli("run", "--key", missing, "--", sys.executable, "-c", "print('ran')")
    assert done.returncode == NOT_FOUND and "ran" not in done.stdout
    assert f"{missing} is not set" in done.stderr
    done = safekeys_cli("run", "--", "safekeys-no-such-program-xyz")
    assert done.returncode == 127 and "command not found" in done.stderr
    assert safekeys_cli("run").returncode == USAGE
    done = safekeys_cli("run", "--env-file", str(tmp_path / "nope.env"), "--", "true")
    assert done.returncode == USAGE


# -- an unavailable keyring ----------------------------------------------------------------


def unavailable_exit(service, env: dict, expect: str) -> None:
    name = key_name()
    for args, stdin in (
        (["get", name], ""),
        (["set", name], SECRET),
        (["list"], ""),
        (["delete", name], ""),
        (["run", "--key", name, "--", "true"], ""),
    ):
        done = safekeys_cli(*args, input=stdin, env=env)
        assert done.returncode == UNAVAILABLE, (args, done.stderr)
        assert expect in done.stderr, (args, done.stderr)
        assert SECRET[:12] not in done.stderr


def test_exit_code_3_without_dbus(service, tmp_path):
    env = {"DBUS_SESSION_BUS_ADDRESS": dead_bus_address(tmp_path)}
    unavailable_exit(service, env, "no D-Bus session bus")


def no_keyring(tmp_path) -> list[tuple[str, dict, tuple[str, ...]]]:
    """Machines without a keyring, as a child process sees them: (what, env, unset)."""
    return [
        ("no D-Bus at all", {}, ("DBUS_SESSION_BUS_ADDRESS",)),
        ("a dead bus", {"DBUS_SESSION_BUS_ADDRESS": dead_bus_address(tmp_path)}, ()),
        ("keyring turned off", {"SAFEKEYS_KEYRING": "0"}, ()),
    ]


def test_run_with_env_files_needs_no_keyring(service, tmp_path):
    env_file = tmp_path / "run.env"
    env_file.write_text(f"RUN_FILE_TOKEN={SECRET}\n")
    show = [sys.executable, "-c", SHOW_ENV, "RUN_FILE_TOKEN", "0"]
    machines = no_keyring(tmp_path)
    for what, env, unset in machines:
        done = safekeys_cli("run", "-f", str(env_file), "--", *show, env=env, unset=unset)
        assert (done.returncode, done.stdout) == (OK, SECRET + "\n"), (what, done.stderr)
        assert done.stderr == "", what  # a machine without a keyring is nothing to warn about
        # Asked for by name, the key is found in the file: the keyring is not needed either.
        done = safekeys_cli(
            "run", "-f", str(env_file), "--key", "RUN_FILE_TOKEN", "--", *show, env=env, unset=unset
        )
        assert (done.returncode, done.stdout) == (OK, SECRET + "\n"), (what, done.stderr)
    # Without env files there is nothing to run with but the keyring: unavailable is an error...
    done = safekeys_cli("run", "--", *show, env=machines[1][1])
    assert done.returncode == UNAVAILABLE and "no D-Bus session bus" in done.stderr
    # ...unless the keyring was turned off on purpose.
    done = safekeys_cli("run", "--", *show, env={"SAFEKEYS_KEYRING": "0"})
    assert (done.returncode, done.stdout) == (OK, "<unset>\n")
    done = safekeys_cli("run", "--key", key_name(), "--", *show, env={"SAFEKEYS_KEYRING": "0"})
    assert done.returncode == NOT_FOUND and "SAFEKEYS_KEYRING=0" in done.stderr


def test_run_with_env_files_and_a_real_keyring_passes_both(service, ring, tmp_path):
    name = key_name()
    safekeys_cli("set", name, input=SECRET)
    env_file = tmp_path / "run.env"
    env_file.write_text("RUN_PLAIN=from-the-file\n")
    args = ["run", "-f", str(env_file), "--", sys.executable, "-c", SHOW_ENV]
    assert safekeys_cli(*args, name, "0").stdout == SECRET + "\n"
    assert safekeys_cli(*args, "RUN_PLAIN", "0").stdout == "from-the-file\n"
    # A keyring that is there but locked: the program runs with the files, and says so.
    ring.lock()
    try:
        done = safekeys_cli(*args, "RUN_PLAIN", "0")
    finally:
        ring.unlock()
    assert (done.returncode, done.stdout) == (OK, "from-the-file\n")
    assert "running without the OS keyring's keys" in done.stderr
    assert "locked" in done.stderr


def test_get_without_a_keyring_says_it_is_unavailable(service, tmp_path):
    name = key_name()
    for what, env, unset in no_keyring(tmp_path)[:2]:
        done = safekeys_cli("get", name, env=env, unset=unset)
        assert done.returncode == UNAVAILABLE, (what, done.stderr)
        assert f"{name}: keyring unavailable" in done.stderr, what
        assert "no D-Bus session bus" in done.stderr, what  # the keyring's state
        assert "not set in: environment, .env" in done.stderr, what
        assert "give" in done.stderr and "SAFEKEYS_KEYRING=0" in done.stderr, what  # what to do
        assert "is not set (looked in" not in done.stderr
    # Turned off on purpose: then "not set" is the whole answer.
    done = safekeys_cli("get", name, env={"SAFEKEYS_KEYRING": "0"})
    assert done.returncode == NOT_FOUND
    assert "is not set (looked in: environment, .env)" in done.stderr
    assert "turned off (SAFEKEYS_KEYRING=0)" in done.stderr


def test_get_with_a_real_keyring_says_not_set(service, ring):
    name = key_name()
    done = safekeys_cli("get", name)
    assert done.returncode == NOT_FOUND, done.stderr
    assert f"{name} is not set (looked in: environment, .env, keyring" in done.stderr
    assert "unavailable" not in done.stderr


def test_exit_code_3_when_locked_and_0_after_unlock(service, ring):
    name = key_name()
    safekeys_cli("set", name, input=SECRET)
    ring.lock()
    try:
        unavailable_exit(service, {}, "the OS keyring is locked")
        assert ring.is_locked()  # nothing prompted or unlocked it
    finally:
        ring.unlock()
    assert safekeys_cli("get", name, "--reveal").stdout == SECRET + "\n"


def test_exit_code_4_for_conflicting_duplicates(service, ring):
    name = key_name()
    safekeys_cli("set", name, input=SECRET)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import keyring; keyring.set_password({service!r}, {name!r}, 'other-value-1234567')",
        ],
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    done = safekeys_cli("get", name)
    assert done.returncode == CONFLICT
    assert "2 items" in done.stderr and "with different values" in done.stderr
    assert "2 items with different values" in safekeys_cli("list").stdout
    assert safekeys_cli("set", name, input=SECRET).returncode == OK
    assert ring.item_count(service=service, username=name) == 1
    assert safekeys_cli("get", name).returncode == OK


def test_python_keyring_cli_reads_what_safekeys_set_stored(service):
    name = key_name()
    safekeys_cli("set", name, input=SECRET)
    keyring_cli = shutil.which("keyring") or os.fspath(Path(sys.executable).parent / "keyring")
    done = subprocess.run(
        [keyring_cli, "get", service, name],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"},
    )
    assert (done.returncode, done.stdout) == (0, SECRET + "\n"), done.stderr


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    # `safekeys scan --format json . | head -1`: head exits, the pipe closes.
    import random

    rng = random.Random(7)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    for i in range(1500):  # more JSON than a pipe holds (64 KB)
        token = "ghp_" + "".join(rng.choices(alphabet, k=36))
        (tmp_path / f"f{i}.txt").write_text(f"token = {token}\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "safekeys", "scan", "--no-keyring", "--format", "json", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["list", "--help"],
        ["list"],
        ["list", "--json"],
        ["get", "PIPE_TEST_KEY"],
        ["get", "PIPE_TEST_KEY", "--reveal"],
        ["set", "PIPE_TEST_KEY"],
        ["import", "--dry-run", "pipe.env"],
        ["doctor"],
        ["doctor", "--json"],
        ["scan", "--no-keyring", "."],
        ["vault", "status"],
        ["delete", "PIPE_LISTED_KEY"],
        ["--version"],
    ],
    ids=lambda args: " ".join(args),
)
def test_every_command_ends_quietly_when_its_reader_is_gone(service, tmp_path, args):
    # The reader closed its end before the command wrote a byte: every write fails.
    (tmp_path / "pipe.env").write_text(f"PIPE_TEST_KEY={SECRET}\nPLAIN=1\n")
    import random

    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    token = "ghp_" + "".join(random.Random(3).choices(alphabet, k=36))
    (tmp_path / "leak.txt").write_text(f"token = {token}\n")
    assert safekeys_cli("set", "PIPE_LISTED_KEY", input=SECRET).returncode == OK  # for list
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "safekeys", *args],
            cwd=tmp_path,
            input=SECRET,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            # A refused loopback port: vault status prints what it knows, then fails.
            env={**os.environ, "PIPE_TEST_KEY": SECRET, "VAULT_ADDR": "http://127.0.0.1:1"},
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr
    assert "Exception ignored" not in done.stderr, done.stderr
    assert done.returncode == 141, done.stderr
    assert SECRET[:12] not in done.stderr
