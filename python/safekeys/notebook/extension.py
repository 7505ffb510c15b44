"""The extension's state in one kernel: what it installed and how to take it out.

``Extension.current`` is the one extension of this process: the output
scrubbers (``output``), the input guard (``guard``) and ``.env`` autoreload,
installed together and restored together. See docs/architecture.md.
"""

from __future__ import annotations

import sys
from typing import Any, Optional

from .. import _masking
from ..dotenv import reload
from ..dotenv.api import load_dotenv
from .guard import InputGuard, blocking
from .output import EchoScrubber, ScrubbingStream, SessionHook


class Extension:
    """Everything ``load_ipython_extension`` installed, so that unloading
    restores it all."""

    current: Optional[Extension] = None

    def __init__(self, ip: Any) -> None:
        self.ip = ip
        self.session_hook: Optional[SessionHook] = None
        self.echoes: list[EchoScrubber] = []
        self.wrapped_streams: list[tuple[str, Any]] = []
        self.guard: Optional[InputGuard] = None

    def install(self) -> None:
        kernel = getattr(self.ip, "kernel", None)
        session = getattr(kernel, "session", None)
        if session is not None:
            self.session_hook = SessionHook(session)
            for out in (sys.stdout, sys.stderr):
                if getattr(out, "_original_stdstream_copy", None) is not None:
                    self.echoes.append(EchoScrubber(out))
        else:
            for name in ("stdout", "stderr"):
                original = getattr(sys, name)
                self.wrapped_streams.append((name, original))
                setattr(sys, name, ScrubbingStream(original, name))
        self.ip.events.register("post_run_cell", self._after_cell)
        self.guard = InputGuard(self.ip)

    def autoreload(self, on: bool) -> None:
        """Before each cell, reload the ``.env`` files that changed (one ``stat`` each)."""
        registered = self._reload_changed in self.ip.events.callbacks["pre_run_cell"]
        if on and not registered:
            self.ip.events.register("pre_run_cell", self._reload_changed)
        elif not on and registered:
            self.ip.events.unregister("pre_run_cell", self._reload_changed)

    def _reload_changed(self, info: Any = None) -> None:
        for load in reload.loads():
            if load.changed():
                target = load.paths if len(load.paths) > 1 else load.paths[0]
                load_dotenv(target, **load.options)  # type: ignore[arg-type]

    def _after_cell(self, result: Any = None) -> None:
        # The kernel flushes its streams before going idle; release tails too.
        if self.session_hook is not None:
            with self.session_hook._lock:
                self.session_hook.release_all()
        for name, _original in self.wrapped_streams:
            getattr(sys, name).flush()

    def uninstall(self) -> None:
        self.autoreload(False)
        if self.guard is not None:
            self.guard.uninstall()
        try:
            self.ip.events.unregister("post_run_cell", self._after_cell)
        except ValueError:
            pass
        if self.session_hook is not None:
            self.session_hook.uninstall()
        for echo in self.echoes:
            echo.uninstall()
        for name, original in self.wrapped_streams:
            current = getattr(sys, name)
            if isinstance(current, ScrubbingStream):
                current.flush()
            setattr(sys, name, original)


def state() -> Optional[dict[str, Any]]:
    """What the extension is doing in this process (for ``%safekeys doctor``),
    or None when it is not loaded."""
    extension = Extension.current
    if extension is None:
        return None
    decisions = _masking.registered()
    return {
        "masked": sum(1 for d in decisions if d.masked),
        "seen": len(decisions),
        "autoreload": extension._reload_changed in extension.ip.events.callbacks["pre_run_cell"],
        "input_guard": "refuses" if blocking() else "warns",
        "loaded_files": [path for load in reload.loads() for path in load.paths],
    }
