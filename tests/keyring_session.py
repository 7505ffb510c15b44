"""A real gnome-keyring Secret Service in a private D-Bus session, for tests and benchmarks.

How: a throwaway ``XDG_DATA_HOME``/``XDG_CACHE_HOME``/``XDG_RUNTIME_DIR``,
a ``dbus-daemon --session`` of our own (its address goes in ``DBUS_SESSION_BUS_ADDRESS``), and
``gnome-keyring-daemon --unlock --components=secrets --foreground`` reading a password on stdin.
The daemon exits 0 even when unlocking failed, so start-up waits until the bus reports
``org.freedesktop.secrets`` owned and collection ``aliases/default`` reports ``Locked=false``.

Usage::

    ring = shared_session()   # in a pytest fixture: one keyring for the whole run,
                              # skipped (failed under CI=true) when the tools are missing
    with environment(ring.env): ...   # point this process (and its children) at it

    with KeyringSession(tmp_dir) as ks:
        env = ks.env          # variables for a child process that should see this keyring
        ks.lock()             # org.freedesktop.Secret.Service.Lock on the default collection
        ks.unlock()           # gnome-keyring's own unlock-with-password call: no prompt

    python3 tests/keyring_session.py -- CMD ARGS   # run CMD inside a fresh keyring session

Everything talks D-Bus through ``jeepney`` (a dependency of Python's ``keyring`` on Linux),
nothing else touches the network.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

SECRETS = "org.freedesktop.secrets"
SECRETS_PATH = "/org/freedesktop/secrets"
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
PASSWORD = "safekeys-test-login"

# The bus of a test session, with no service directories: nothing is activated behind our back.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def missing_tools() -> Optional[str]:
    """Why a keyring session cannot start on this machine, or None."""
    for tool in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            return (
                f"{tool} is not installed (apt-get install -y --no-install-recommends "
                "dbus-x11 gnome-keyring)"
            )
    try:
        import jeepney  # noqa: F401
    except ImportError:
        return "jeepney is not installed (pip install '.[test]')"
    return None


class SessionBus:
    """A ``dbus-daemon`` of our own on a socket in ``root``; no services are activatable."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "bus"
        self.address = f"unix:path={self.socket}"
        self.proc: Optional[subprocess.Popen[bytes]] = None

    def start(self, timeout: float = 10.0) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        config = self.root / "bus.conf"
        config.write_text(BUS_CONFIG.format(socket=self.socket))
        self.proc = subprocess.Popen(
            [
                "dbus-daemon",
                "--nofork",
                "--nopidfile",
                f"--config-file={config}",
                "--print-address",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode().strip()
        if not line:
            err = self.proc.stderr.read().decode() if self.proc.stderr else ""
            raise RuntimeError(f"dbus-daemon did not start: {err.strip()}")
        deadline = time.monotonic() + timeout
        while not self.socket.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("dbus-daemon did not create its socket")
            time.sleep(0.005)

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None


def stop_process(proc: Optional[subprocess.Popen[Any]]) -> None:
    if proc is None:
        return
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    # Close our ends of its pipes (a ResourceWarning otherwise, an error under pytest).
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


class KeyringSession:
    """gnome-keyring's Secret Service, unlocked, on a private session bus."""

    def __init__(self, root: Optional[os.PathLike[str]] = None, password: str = PASSWORD) -> None:
        self._own_root = root is None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="sk-ring-"))
        self.password = password
        self.bus = SessionBus(self.root / "dbus")
        self.daemon: Optional[subprocess.Popen[bytes]] = None
        self.startup_seconds = 0.0
        self.env: dict[str, str] = {}

    # -- life cycle -------------------------------------------------------------

    def start(self, timeout: float = 20.0) -> KeyringSession:
        began = time.monotonic()
        dirs = {name: self.root / name.lower() for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME")}
        dirs["XDG_RUNTIME_DIR"] = self.root / "runtime"
        dirs["XDG_CONFIG_HOME"] = self.root / "config"
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o700)
        self.bus.start()
        self.env = {name: os.fspath(path) for name, path in dirs.items()}
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.bus.address
        daemon_env = {**os.environ, **self.env}
        daemon_env.pop("DISPLAY", None)
        daemon_env.pop("WAYLAND_DISPLAY", None)
        self.daemon = subprocess.Popen(
            [
                "gnome-keyring-daemon",
                "--unlock",
                "--components=secrets",
                "--foreground",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=daemon_env,
        )
        assert self.daemon.stdin is not None
        self.daemon.stdin.write(self.password.encode())
        self.daemon.stdin.close()
        self._wait_ready(time.monotonic() + timeout)
        self.startup_seconds = time.monotonic() - began
        return self

    def _wait_ready(self, deadline: float) -> None:
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.daemon is not None and self.daemon.poll() is not None:
                raise RuntimeError(f"gnome-keyring-daemon exited with {self.daemon.returncode}")
            try:
                if not self.name_has_owner(SECRETS):
                    last = f"{SECRETS} not owned yet"
                elif self.is_locked():
                    last = "default collection still locked"
                else:
                    return
            except Exception as err:  # the daemon is still starting
                last = f"{type(err).__name__}: {err}"
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"gnome-keyring did not become ready: {last}")

    def stop(self) -> None:
        stop_process(self.daemon)
        self.daemon = None
        self.bus.stop()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> KeyringSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- D-Bus ----------------------------------------------------------------

    def _call(self, path: str, interface: str, method: str, signature: str = "", *args: Any) -> Any:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        conn = open_dbus_connection(bus=self.bus.address)
        try:
            dest = "org.freedesktop.DBus" if interface == "org.freedesktop.DBus" else SECRETS
            addr = DBusAddress(path, bus_name=dest, interface=interface)
            reply = conn.send_and_get_reply(
                new_method_call(addr, method, signature or None, args), timeout=5
            )
            from jeepney import MessageType

            if reply.header.message_type == MessageType.error:
                raise RuntimeError(f"D-Bus error on {method}: {reply.body}")
            return reply.body
        finally:
            conn.close()

    def name_has_owner(self, name: str) -> bool:
        (owned,) = self._call(
            "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s", name
        )
        return bool(owned)

    def is_locked(self, collection: str = DEFAULT_COLLECTION) -> bool:
        (value,) = self._call(
            collection,
            "org.freedesktop.DBus.Properties",
            "Get",
            "ss",
            "org.freedesktop.Secret.Collection",
            "Locked",
        )
        return bool(value[1])

    def lock(self) -> None:
        """Lock the default collection, as a screen locker or ``seahorse`` would."""
        self._call(
            SECRETS_PATH,
            "org.freedesktop.Secret.Service",
            "Lock",
            "ao",
            [DEFAULT_COLLECTION],
        )
        assert self.is_locked()

    def unlock(self) -> None:
        """Unlock the default collection with its password, without any prompt."""
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        conn = open_dbus_connection(bus=self.bus.address)
        try:
            service = DBusAddress(
                SECRETS_PATH, bus_name=SECRETS, interface="org.freedesktop.Secret.Service"
            )
            reply = conn.send_and_get_reply(
                new_method_call(service, "OpenSession", "sv", ("plain", ("s", ""))), timeout=5
            )
            _output, session = reply.body
            internal = DBusAddress(
                SECRETS_PATH,
                bus_name=SECRETS,
                interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
            )
            reply = conn.send_and_get_reply(
                new_method_call(
                    internal,
                    "UnlockWithMasterPassword",
                    "o(oayays)",
                    (
                        DEFAULT_COLLECTION,
                        (session, b"", self.password.encode(), "text/plain"),
                    ),
                ),
                timeout=5,
            )
            from jeepney import MessageType

            if reply.header.message_type == MessageType.error:
                raise RuntimeError(f"unlock failed: {reply.body}")
        finally:
            conn.close()
        assert not self.is_locked()

    def item_count(self, **attributes: str) -> int:
        """How many items (locked or not) match ``attributes``."""
        unlocked, locked = self._call(
            SECRETS_PATH, "org.freedesktop.Secret.Service", "SearchItems", "a{ss}", attributes
        )
        return len(unlocked) + len(locked)


_shared: Optional[KeyringSession] = None


def shared_session() -> KeyringSession:
    """The test run's keyring, started on first use and stopped when Python exits.

    Where gnome-keyring or dbus-daemon is missing the calling test is skipped with
    the reason; under CI (``CI`` set) it fails instead, as CI must install them.
    """
    import pytest

    global _shared
    if _shared is None:
        why = missing_tools()
        if why:
            if os.environ.get("CI"):
                pytest.fail(f"CI must run the keyring tests, but {why}")
            pytest.skip(f"no real keyring to test against: {why}")
        _shared = KeyringSession().start()
        atexit.register(_shared.stop)
    return _shared


@contextlib.contextmanager
def environment(values: dict[str, Optional[str]]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables, and restore them afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def dead_bus_address(directory: Path) -> str:
    """A bus address whose socket exists but nobody listens on: connecting is refused."""
    import socket

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "dead-bus"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.bind(os.fspath(path))
    return f"unix:path={path}"


def main(argv: list[str]) -> int:
    """``python3 tests/keyring_session.py -- CMD ARGS``: run CMD in a fresh keyring session."""
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__)
        return 2
    why = missing_tools()
    if why:
        print(f"keyring_session: {why}", file=sys.stderr)
        return 3
    with KeyringSession() as ks:
        print(f"keyring_session: ready in {ks.startup_seconds * 1000:.0f} ms", file=sys.stderr)
        return subprocess.call(argv, env={**os.environ, **ks.env})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
