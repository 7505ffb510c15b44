"""The OS keyring through the Python API, against a real gnome-keyring Secret Service.

Every test gets its own keyring service name, so tests never see each other's items.
The keyring runs in a private D-Bus session (tests/keyring_session.py); the failure
cases point the process at no bus, a dead bus, a bus without a Secret Service, and a
locked collection, and check that each answers fast with the right message.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import uuid

import pytest
import safekeys
from conftest import source_of
from keyring_session import KeyringSession, SessionBus, dead_bus_address
from safekeys import KeyringError
from safekeys.dotenv import loaded
from safekeys.sources import chain
from safekeys.sources.dotenv import DOTENV
from safekeys.sources.environment import ENVIRON
from safekeys.sources.keyring import KEYRING
from safekeys.stores import keyring as _keyring

SECRET = "sk-proj-kr-0123456789abcdefghijklmnopqrstuv"
HANG_GUARD = 0.5  # seconds: a failure must be reported well before this


@pytest.fixture
def service(ring, monkeypatch):
    """A fresh service name (the default one for getenv) and a fresh resolution state."""
    name = f"safekeys-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("SAFEKEYS_SERVICE", name)
    monkeypatch.delenv("SAFEKEYS_KEYRING", raising=False)
    monkeypatch.setattr(loaded, "LOADED", loaded.Loaded())
    loaded.LOADED.record({}, "<none>")  # no .env from the working directory
    monkeypatch.setattr(chain, "_chain", [ENVIRON, DOTENV, KEYRING])
    monkeypatch.setattr(chain, "_reported", set())
    yield name
    _keyring.handle().reset()


def key_name() -> str:
    return f"SK_TEST_{uuid.uuid4().hex[:8].upper()}_KEY"


def python_keyring(*code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run code with Python's keyring package (its Secret Service backend) in a child."""
    return subprocess.run(
        [sys.executable, "-c", "import keyring, sys\n" + "\n".join(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
            **(env or {}),
        },
    )


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    try:
        result = fn(*args, **kwargs)
    except Exception as err:
        result = err
    return result, time.perf_counter() - started


# -- storing, reading, listing, deleting -------------------------------------------


def test_store_read_list_delete(service):
    name = key_name()
    assert safekeys.getenv(name) is None
    safekeys.store_key(name, SECRET)
    assert safekeys.getenv(name) == SECRET
    assert source_of(name) == "keyring"
    # Masked because it came from the keyring, whatever its name.
    assert safekeys.scrub(f"key={SECRET}") == f"key=[masked:{name}]"
    listed = safekeys.list_keys()
    assert listed == [
        safekeys.StoredKey(name, len(SECRET), safekeys._core.fingerprint(SECRET), 1, "text")
    ]
    assert SECRET not in repr(listed)
    assert safekeys.delete_key(name) is True
    assert safekeys.delete_key(name) is False
    assert safekeys.getenv(name, "fallback") == "fallback"
    assert safekeys.list_keys() == []


def test_values_round_trip_exactly(service):
    values = {
        key_name(): "clé-secrète-ünïcode-🔑-0123",
        key_name(): "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"
        "-----END PRIVATE KEY-----\n",
        key_name(): "  spaces at both ends  ",
    }
    for name, value in values.items():
        safekeys.store_key(name, value)
    for name, value in values.items():
        assert safekeys.getenv(name) == value


def test_environment_and_dotenv_come_before_the_keyring(service, monkeypatch, tmp_path):
    name = key_name()
    safekeys.store_key(name, SECRET)
    monkeypatch.setenv(name, "from-the-environment")
    assert safekeys.getenv(name) == "from-the-environment"
    monkeypatch.delenv(name)
    env_file = tmp_path / ".env"
    env_file.write_text(f"{name}=from-dotenv\n")
    loaded.LOADED.record({name: "from-dotenv"}, str(env_file))
    assert safekeys.getenv(name) == "from-dotenv"
    assert source_of(name) == ".env"


def test_service_from_argument_and_environment(service, monkeypatch):
    name = key_name()
    other = f"{service}-other"
    _keyring.handle().set(other, name, SECRET)
    assert safekeys.getenv(name) is None
    assert safekeys.getenv(name, service=other) == SECRET
    assert safekeys.require(name, service=other) == SECRET
    monkeypatch.setenv("SAFEKEYS_SERVICE", other)
    assert safekeys.getenv(name) == SECRET
    assert [k.name for k in safekeys.list_keys(service=other)] == [name]
    assert safekeys.delete_key(name, service=other)


def test_keyring_can_be_turned_off(service, monkeypatch):
    name = key_name()
    safekeys.store_key(name, SECRET)
    monkeypatch.setenv("SAFEKEYS_KEYRING", "0")
    assert safekeys.getenv(name) is None
    with pytest.raises(safekeys.MissingKeyError) as caught:
        safekeys.require(name)
    assert "keyring" not in str(caught.value).split("To provide it")[0]


def test_store_key_checks_its_arguments(service):
    with pytest.raises(ValueError):
        safekeys.store_key("", SECRET)
    with pytest.raises(ValueError):
        safekeys.store_key("A=B", SECRET)
    with pytest.raises(TypeError):
        safekeys.store_key(key_name(), b"bytes")  # type: ignore[arg-type]


def test_require_says_how_to_store_a_key(service):
    name = key_name()
    with pytest.raises(safekeys.MissingKeyError) as caught:
        safekeys.require(name)
    message = str(caught.value)
    assert "looked in: environment, .env, keyring." in message
    assert f"safekeys set {name}" in message and f"%setkey {name}" in message


# -- interop with Python's keyring package -------------------------------------------


def test_python_keyring_reads_what_safekeys_stored(service):
    name = key_name()
    safekeys.store_key(name, SECRET)
    done = python_keyring(f"print(keyring.get_password({service!r}, {name!r}))")
    assert done.returncode == 0, done.stderr
    assert done.stdout == SECRET + "\n"
    # And its command line, as a user would run it.
    done = subprocess.run(
        [sys.executable, "-m", "keyring", "get", service, name],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == SECRET + "\n"


def test_safekeys_reads_what_python_keyring_stored(service, ring):
    name = key_name()
    done = python_keyring(f"keyring.set_password({service!r}, {name!r}, {SECRET!r})")
    assert done.returncode == 0, done.stderr
    assert safekeys.getenv(name) == SECRET
    # safekeys writes over Python keyring's item rather than adding a second one.
    safekeys.store_key(name, SECRET + "-v2")
    assert ring.item_count(service=service, username=name) == 1
    done = python_keyring(f"print(keyring.get_password({service!r}, {name!r}))")
    assert done.stdout == SECRET + "-v2\n"
    # Python keyring can delete it too.
    done = python_keyring(f"keyring.delete_password({service!r}, {name!r})")
    assert done.returncode == 0, done.stderr
    assert safekeys.getenv(name) is None


def make_duplicate(service: str, name: str, value: str, ring: KeyringSession) -> None:
    """Python keyring adds its own item (its attributes differ from ours): a duplicate."""
    done = python_keyring(f"keyring.set_password({service!r}, {name!r}, {value!r})")
    assert done.returncode == 0, done.stderr


def test_duplicates_that_agree_read_as_their_value(service, ring):
    name = key_name()
    safekeys.store_key(name, SECRET)
    make_duplicate(service, name, SECRET, ring)
    assert ring.item_count(service=service, username=name) == 2
    assert safekeys.getenv(name) == SECRET
    (listed,) = safekeys.list_keys()
    assert (listed.items, listed.state, listed.length) == (2, "text", len(SECRET))


def test_duplicates_that_disagree_are_reported_never_shown(service, ring, caplog):
    name = key_name()
    other = "sk-proj-other-9876543210zyxwvutsrqponmlk"
    safekeys.store_key(name, SECRET)
    make_duplicate(service, name, other, ring)
    caplog.set_level(logging.INFO, logger="safekeys")
    assert safekeys.getenv(name, "fallback") == "fallback"
    assert safekeys.getenv(name, "fallback") == "fallback"
    lines = [r.getMessage() for r in caplog.records if r.name == "safekeys"]
    assert len(lines) == 1, lines
    assert caplog.records[0].levelno == logging.WARNING
    assert "2 items" in lines[0] and repr(service)[1:-1] in lines[0] and name in lines[0]
    with pytest.raises(safekeys.MissingKeyError) as caught:
        safekeys.require(name)
    (listed,) = safekeys.list_keys()
    assert (listed.items, listed.state, listed.length, listed.fingerprint) == (
        2,
        "differing",
        None,
        None,
    )
    with pytest.raises(KeyringError) as direct:
        _keyring.lookup(name)
    assert direct.value.reason == "ambiguous" and not direct.value.unavailable
    for text in [*lines, str(caught.value), str(direct.value)]:
        assert SECRET[:12] not in text and other[:12] not in text
        assert "with different values" in text
    assert SECRET[:12] not in repr(caught.value)
    # Storing again replaces both items with one.
    safekeys.store_key(name, other)
    assert ring.item_count(service=service, username=name) == 1
    assert safekeys.getenv(name) == other
    done = python_keyring(f"print(keyring.get_password({service!r}, {name!r}))")
    assert done.stdout == other + "\n"


def test_delete_removes_duplicates(service, ring):
    name = key_name()
    safekeys.store_key(name, SECRET)
    make_duplicate(service, name, "another-value-123456", ring)
    assert safekeys.delete_key(name) is True
    assert ring.item_count(service=service, username=name) == 0


# -- a prompt ------------------------------------------------------------------------


def test_prompt_asks_once_stores_and_masks(service, monkeypatch):
    name = key_name()
    asked = []

    def fake_getpass(prompt: str = "Password: ", stream=None) -> str:
        asked.append(prompt)
        return SECRET

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    assert safekeys.getenv(name, prompt=True) == SECRET
    assert len(asked) == 1 and name in asked[0] and SECRET not in asked[0]
    assert source_of(name) == "prompt"
    assert safekeys.scrub(SECRET) == f"[masked:{name}]"
    # Stored: the next lookup needs no prompt.
    assert safekeys.getenv(name, prompt=True) == SECRET
    assert len(asked) == 1
    assert _keyring.lookup(name) == SECRET


def test_prompt_answered_empty_gives_the_default(service, monkeypatch):
    name = key_name()
    monkeypatch.setattr("getpass.getpass", lambda prompt="", stream=None: "")
    assert safekeys.getenv(name, "fallback", prompt=True) == "fallback"
    assert _keyring.lookup(name) is None


def test_prompt_without_input_gives_the_default(service, monkeypatch):
    def no_input(prompt: str = "", stream=None) -> str:
        raise EOFError

    monkeypatch.setattr("getpass.getpass", no_input)
    assert safekeys.getenv(key_name(), "fallback", prompt=True) == "fallback"


# -- an unavailable keyring: fast, one log line per cause, named by require ---------------


def unavailable_case(service, caplog, expect: str, reason: str) -> None:
    """getenv/require/store_key/list_keys all fail fast and say ``expect``. With a default,
    a machine without a keyring logs at INFO; a keyring that is there but unusable warns."""
    first_level = logging.INFO if reason in ("no-dbus", "no-service") else logging.WARNING
    name = key_name()
    caplog.set_level(logging.INFO, logger="safekeys")
    result, took = timed(safekeys.getenv, name, "fallback")
    assert result == "fallback"
    assert took < HANG_GUARD, took
    for _ in range(3):
        assert safekeys.getenv(name, "fallback") == "fallback"
    records = [r for r in caplog.records if r.name == "safekeys"]
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].levelno == first_level
    assert expect in records[0].getMessage()
    # Without a default: a WARNING, once.
    assert safekeys.getenv(name) is None
    assert safekeys.getenv(name) is None
    records = [r for r in caplog.records if r.name == "safekeys"]
    assert [r.levelno for r in records] == sorted({first_level, logging.WARNING})
    err, took = timed(safekeys.require, name)
    assert isinstance(err, safekeys.MissingKeyError), err
    assert took < HANG_GUARD, took
    assert f"The keyring could not be read: {expect}" in str(err) or expect in str(err)
    for call in (
        lambda: safekeys.store_key(name, SECRET),
        lambda: safekeys.list_keys(),
        lambda: safekeys.delete_key(name),
    ):
        err, took = timed(call)
        assert isinstance(err, KeyringError), err
        assert err.reason == reason and err.unavailable
        assert expect in str(err)
        assert took < HANG_GUARD, took
    for text in [r.getMessage() for r in caplog.records]:
        assert SECRET[:12] not in text


def test_no_dbus_variable(service, caplog, monkeypatch, tmp_path):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))  # no bus socket there either
    unavailable_case(service, caplog, "no D-Bus session bus", "no-dbus")


def test_dead_dbus_socket(service, caplog, monkeypatch, tmp_path):
    address = dead_bus_address(tmp_path)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    unavailable_case(service, caplog, f"no D-Bus session bus at {address}", "no-dbus")


def test_bus_without_a_secret_service(service, caplog, monkeypatch, tmp_path):
    bus = SessionBus(tmp_path / "bare-bus")
    bus.start()
    try:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
        unavailable_case(service, caplog, "no Secret Service", "no-service")
    finally:
        bus.stop()


def test_locked_keyring_fails_fast_and_works_after_unlock(service, ring, caplog):
    name = key_name()
    safekeys.store_key(name, SECRET)
    ring.lock()
    try:
        unavailable_case(service, caplog, "the OS keyring is locked", "locked")
        # The stored key is not readable while locked, and nothing prompted.
        result, took = timed(safekeys.getenv, name, "fallback")
        assert (result, took < HANG_GUARD) == ("fallback", True)
        assert ring.is_locked()
    finally:
        ring.unlock()
    # Same process, no restart: the next call just works.
    assert safekeys.getenv(name) == SECRET


def test_recovers_when_the_bus_comes_back(service, monkeypatch, tmp_path, caplog):
    name = key_name()
    safekeys.store_key(name, SECRET)
    real = os.environ["DBUS_SESSION_BUS_ADDRESS"]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", dead_bus_address(tmp_path))
    assert safekeys.getenv(name, "fallback") == "fallback"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", real)
    assert safekeys.getenv(name) == SECRET
    # After a success the cause is reported again if it comes back.
    caplog.set_level(logging.INFO, logger="safekeys")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", dead_bus_address(tmp_path / "again"))
    assert safekeys.getenv(key_name(), "fallback") == "fallback"
    assert any("no D-Bus session bus" in r.getMessage() for r in caplog.records)


def test_a_secret_service_that_never_answers_times_out(service, monkeypatch, tmp_path, caplog):
    """A process owns org.freedesktop.secrets but never replies: bounded by the timeout."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = SessionBus(tmp_path / "mute-bus")
    bus.start()
    mute = open_dbus_connection(bus=bus.address)
    try:
        dbus = DBusAddress(
            "/org/freedesktop/DBus",
            bus_name="org.freedesktop.DBus",
            interface="org.freedesktop.DBus",
        )
        reply = mute.send_and_get_reply(
            new_method_call(dbus, "RequestName", "su", ("org.freedesktop.secrets", 0))
        )
        assert reply.body == (1,)  # primary owner; it will never read a call
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
        monkeypatch.setattr(_keyring, "_handle", safekeys._core.Keyring(0.3))
        caplog.set_level(logging.INFO, logger="safekeys")
        result, took = timed(safekeys.getenv, key_name(), "fallback")
        assert result == "fallback"
        assert 0.3 <= took < 0.3 + HANG_GUARD, took
        (record,) = [r for r in caplog.records if r.name == "safekeys"]
        assert "did not answer within 0.3 s" in record.getMessage()
        assert record.levelno == logging.WARNING
        err, took = timed(safekeys.store_key, key_name(), SECRET)
        assert isinstance(err, KeyringError) and err.reason == "timeout"
        assert took < 0.3 + HANG_GUARD, took
    finally:
        mute.close()
        bus.stop()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_is_told_at_once(service):
    """zbus's runtime threads do not survive fork: the child gets a clear error, fast."""
    name = key_name()
    safekeys.store_key(name, SECRET)
    assert safekeys.getenv(name) == SECRET  # the parent's connection is open now
    read_fd, write_fd = os.pipe()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # the child
        try:
            result, took = timed(_keyring.lookup, name)
            ok = (
                isinstance(result, KeyringError)
                and result.reason == "unsupported"
                and "forked" in str(result)
                and took < HANG_GUARD
                and safekeys.getenv(name, "fallback") == "fallback"
            )
            os.write(write_fd, b"ok" if ok else repr((result, took)).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    os.waitpid(pid, 0)
    with os.fdopen(read_fd, "rb") as pipe:
        assert pipe.read() == b"ok"
    assert safekeys.getenv(name) == SECRET  # and the parent's still works


def test_keyring_error_pickles_and_is_an_oserror():
    import pickle

    err = KeyringError("locked", "the OS keyring is locked")
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, OSError)
    assert (again.reason, str(again), again.unavailable) == ("locked", str(err), True)


def test_timeout_must_be_positive():
    with pytest.raises(ValueError):
        safekeys._core.Keyring(0.0)
    with pytest.raises(ValueError):
        safekeys._core.Keyring(-1.0)
    assert safekeys._core.Keyring(1.5).timeout == 1.5
    assert safekeys._core.Keyring().timeout == 3.0
    assert safekeys._core.Keyring.backend() == "Secret Service"


def test_no_dbus_in_a_fresh_process_is_fast_and_quiet_with_a_default(tmp_path):
    """A new interpreter without any bus: getenv with a default prints nothing."""
    code = (
        "import time, safekeys\n"
        "t = time.perf_counter()\n"
        "v = safekeys.getenv('SK_TEST_NOWHERE', 'fallback')\n"
        "print(v, time.perf_counter() - t)\n"
        "try:\n"
        "    safekeys.require('SK_TEST_NOWHERE')\n"
        "except KeyError as e:\n"
        "    print(str(e).splitlines()[1])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["XDG_RUNTIME_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    value, took, *_ = done.stdout.split()
    assert value == "fallback" and float(took) < HANG_GUARD
    assert done.stdout.splitlines()[1].startswith(
        "The keyring could not be read: no D-Bus session bus"
    )
