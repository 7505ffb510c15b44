"""A JupyterLab server on 127.0.0.1 with a token, its Jupyter directories in a temp dir.

``LabServer(root, env).start()`` writes a kernelspec for this interpreter (so kernels run the
venv that has safekeys), a server config and user settings that keep JupyterLab off the
internet, starts ``python -m jupyterlab`` in a session of its own and waits until its API
answers. ``stop()`` asks it to shut down (it stops its kernels) and then kills whatever of its
process tree is left, kernels included (they run in sessions of their own).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Optional

from .processes import descendants, die_with_parent, kill_leftovers, stop_group

KERNEL_NAME = "python3"

# Network JupyterLab would use without being asked: the news feed and the update check
# (announcements), and PyPI for the extension manager. `expose_app_in_browser` gives the test
# `window.jupyterapp`, the application object, to run commands and read the kernel's status.
SERVER_CONFIG: dict[str, Any] = {
    "ServerApp": {
        "ip": "127.0.0.1",
        "port": 0,  # the OS picks a free port; the server writes it to its info file
        "port_retries": 0,
        "open_browser": False,
        "allow_remote_access": False,
        "terminals_enabled": False,
        # CI containers run as root; the server refuses to unless told.
        "allow_root": os.geteuid() == 0,
    },
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        "extension_manager": "readonly",
        "expose_app_in_browser": True,
    },
}

# The frontend's side of the same (it would otherwise ask, in a toast, whether to fetch news),
# no toasts over the outputs, and every cell rendered (not only those in view) so the page's
# text holds every output.
USER_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


class LabServer:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.notebooks = root / "notebooks"
        self.home = root / "jupyter"
        self.base_env = env
        self.token = secrets.token_hex(24)
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self.log_path = root / "jupyterlab.log"
        self.url = ""
        self.startup_seconds = 0.0

    # -- set-up -------------------------------------------------------------------

    def _dirs(self) -> dict[str, Path]:
        return {
            "JUPYTER_CONFIG_DIR": self.home / "config",
            "JUPYTER_DATA_DIR": self.home / "data",
            "JUPYTER_RUNTIME_DIR": self.home / "runtime",
            "JUPYTERLAB_SETTINGS_DIR": self.home / "lab-settings",
            "JUPYTERLAB_WORKSPACES_DIR": self.home / "lab-workspaces",
            "IPYTHONDIR": self.home / "ipython",
        }

    def _write_files(self, dirs: dict[str, Path]) -> None:
        for path in [self.notebooks, *dirs.values()]:
            path.mkdir(parents=True, exist_ok=True)
        (dirs["JUPYTER_CONFIG_DIR"] / "jupyter_server_config.json").write_text(
            json.dumps(SERVER_CONFIG, indent=1)
        )
        for plugin, values in USER_SETTINGS.items():
            path = dirs["JUPYTERLAB_SETTINGS_DIR"] / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=1))
        # The user data dir comes first in the kernelspec search path: this spec wins over
        # any python3 kernel installed elsewhere on the machine.
        spec = dirs["JUPYTER_DATA_DIR"] / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True, exist_ok=True)
        (spec / "kernel.json").write_text(
            json.dumps(
                {
                    "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "Python 3 (ipykernel)",
                    "language": "python",
                    "metadata": {"debugger": False},
                },
                indent=1,
            )
        )

    def env(self) -> dict[str, str]:
        env = dict(self.base_env)
        env.update({name: os.fspath(path) for name, path in self._dirs().items()})
        env["JUPYTER_TOKEN"] = self.token  # in the environment, not on the command line
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        env.pop("JUPYTER_PATH", None)
        env.pop("JUPYTER_PREFER_ENV_PATH", None)
        return env

    # -- life cycle -----------------------------------------------------------------

    def start(self, timeout: float = 180.0) -> LabServer:
        began = time.monotonic()
        dirs = self._dirs()
        self._write_files(dirs)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "jupyterlab",
                    f"--ServerApp.root_dir={self.notebooks}",
                ],
                cwd=self.notebooks,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        deadline = began + timeout
        info = self._wait_info_file(dirs["JUPYTER_RUNTIME_DIR"], deadline)
        self.url = f"http://127.0.0.1:{info['port']}"
        self._wait_api(deadline)
        self.startup_seconds = time.monotonic() - began
        return self

    def _check_alive(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with {self.proc.returncode} while starting:\n{self.log_tail()}"
            )

    def _wait_info_file(self, runtime: Path, deadline: float) -> dict[str, Any]:
        assert self.proc is not None
        path = runtime / f"jpserver-{self.proc.pid}.json"
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                info: dict[str, Any] = json.loads(path.read_text())
            except (OSError, ValueError):  # not written yet, or half written
                time.sleep(0.1)
                continue
            if info.get("port"):
                return info
            time.sleep(0.1)
        raise RuntimeError(f"JupyterLab wrote no {path.name} in time:\n{self.log_tail()}")

    def api(self, path: str, timeout: float = 10.0) -> Any:
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": f"token {self.token}"}
        )
        # Loopback only: no proxy from the environment may route this elsewhere.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=timeout) as reply:
            return json.loads(reply.read().decode())

    def _wait_api(self, deadline: float) -> None:
        last = "no answer yet"
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                self.api("/api/status", timeout=5)
                return
            except (OSError, ValueError) as err:
                last = f"{type(err).__name__}: {err}"
            time.sleep(0.2)
        raise RuntimeError(f"JupyterLab's API did not answer in time ({last}):\n{self.log_tail()}")

    def lab_url(self, notebook: str, workspace: str) -> str:
        """The page showing ``notebook`` in a workspace of its own: JupyterLab restores a
        workspace's open tabs (and starts their kernels) when the page loads."""
        return f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None:
            return
        tree = descendants(self.proc.pid)
        # On SIGTERM the server shuts its kernels down before it exits.
        stop_group(self.proc, grace=20)
        kill_leftovers(tree)
        self.proc = None
