"""The extension's state: what it installed and how to take it out.

Per shell (``Extension``): the input guard (``guard``), the end-of-cell
release and ``.env`` autoreload. Per process (``Scrubbers``): the output
scrubbers (``output``), installed with the first shell's extension and
removed with the last. See docs/architecture.md.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, ClassVar, Optional

from .. import _masking
from ..dotenv import reload
from ..dotenv.api import load_dotenv
from .guard import InputGuard, blocking
from .output import EchoScrubber, FdScrubber, ScrubbingStream, SessionHook


class PythonDotenvWatch:
    """python-dotenv's readers, watched while the extension is loaded.

    ``dotenv.dotenv_values`` and ``dotenv.get_key`` return values without
    putting them in ``os.environ``, where the environment watch would see
    them. All of python-dotenv's readers go through ``DotEnv.dict``, so that
    one method is wrapped on the class: it works however the functions were
    imported, before or after ``%load_ext``."""

    def __init__(self) -> None:
        self.cls: Any = None
        self.original: Any = None
        self.wrapper: Any = None

    def install(self) -> None:
        try:
            from dotenv.main import DotEnv
        except ImportError:
            return  # python-dotenv is not installed: nothing to watch
        original = DotEnv.dict

        @functools.wraps(original)
        def read(dotenv: Any) -> Any:
            values = original(dotenv)
            _masking.consider_read(values, "python-dotenv")
            return values

        setattr(DotEnv, "dict", read)  # noqa: B010 (a method replaced on the class)
        self.cls, self.original, self.wrapper = DotEnv, original, read

    def uninstall(self) -> None:
        if self.cls is not None and self.cls.__dict__.get("dict") is self.wrapper:
            self.cls.dict = self.original
        self.cls = None


class Scrubbers:
    """The output scrubbers of this process, shared by every shell that loaded
    the extension: the kernel's Session is one per process, and so are
    ``sys.stdout`` and ``sys.stderr``."""

    def __init__(self) -> None:
        self.session_hook: Optional[SessionHook] = None
        self.echoes: list[EchoScrubber | FdScrubber] = []
        self.wrapped_streams: list[tuple[str, Any]] = []
        self.python_dotenv = PythonDotenvWatch()

    def install(self, ip: Any) -> None:
        self.python_dotenv.install()
        kernel = getattr(ip, "kernel", None)
        session = getattr(kernel, "session", None)
        if session is not None:
            self.session_hook = SessionHook(session)
            for fd, out in ((1, sys.stdout), (2, sys.stderr)):
                if getattr(out, "_original_stdstream_copy", None) is not None:
                    self.echoes.append(EchoScrubber(out))
                elif not hasattr(out, "_original_stdstream_copy"):
                    self.echoes.append(FdScrubber(fd))  # ipykernel 5: no fd capture
        else:
            for name in ("stdout", "stderr"):
                original = getattr(sys, name)
                self.wrapped_streams.append((name, original))
                setattr(sys, name, ScrubbingStream(original, name))

    def release(self) -> None:
        """The cell ended: send what the streams hold back."""
        if self.session_hook is not None:
            with self.session_hook._lock:
                self.session_hook.release_all()
        for name, _original in self.wrapped_streams:
            getattr(sys, name).flush()

    def uninstall(self) -> None:
        self.python_dotenv.uninstall()
        if self.session_hook is not None:
            self.session_hook.uninstall()
        for echo in self.echoes:
            echo.uninstall()
        for name, original in self.wrapped_streams:
            current = getattr(sys, name)
            if isinstance(current, ScrubbingStream):
                current.flush()
            setattr(sys, name, original)


class Extension:
    """What ``load_ipython_extension`` installed in one shell (the input
    guard, the end-of-cell release, autoreload), so that unloading restores
    it. Several shells in one process (``InteractiveShellEmbed``) each have
    their own; they share one ``Scrubbers``, removed with the last of them."""

    loaded: ClassVar[dict[int, Extension]] = {}
    scrubbers: ClassVar[Optional[Scrubbers]] = None

    def __init__(self, ip: Any) -> None:
        self.ip = ip
        self.guard: Optional[InputGuard] = None

    @classmethod
    def of(cls, ip: Any) -> Optional[Extension]:
        """The extension loaded in shell ``ip``, if any."""
        return cls.loaded.get(id(ip))

    @classmethod
    def any_loaded(cls) -> Optional[Extension]:
        """One loaded extension (the latest), for process-wide questions."""
        return next(reversed(cls.loaded.values()), None)

    def install(self) -> None:
        if Extension.scrubbers is None:
            scrubbers = Scrubbers()
            scrubbers.install(self.ip)
            Extension.scrubbers = scrubbers
        self.ip.events.register("post_run_cell", self._after_cell)
        self.guard = InputGuard(self.ip)
        Extension.loaded[id(self.ip)] = self

    def autoreload(self, on: bool) -> None:
        """Before each cell, reload the ``.env`` files that changed (one ``stat`` each)."""
        registered = self.autoreloading()
        if on and not registered:
            self.ip.events.register("pre_run_cell", self._reload_changed)
        elif not on and registered:
            self.ip.events.unregister("pre_run_cell", self._reload_changed)

    def autoreloading(self) -> bool:
        return self._reload_changed in self.ip.events.callbacks["pre_run_cell"]

    def _reload_changed(self, info: Any = None) -> None:
        for load in reload.loads():
            if load.changed():
                target = load.paths if len(load.paths) > 1 else load.paths[0]
                load_dotenv(target, **load.options)  # type: ignore[arg-type]

    def _after_cell(self, result: Any = None) -> None:
        # The kernel flushes its streams before going idle; release tails too.
        if Extension.scrubbers is not None:
            Extension.scrubbers.release()

    def uninstall(self) -> None:
        self.autoreload(False)
        if self.guard is not None:
            self.guard.uninstall()
        try:
            self.ip.events.unregister("post_run_cell", self._after_cell)
        except ValueError:
            pass
        Extension.loaded.pop(id(self.ip), None)
        if not Extension.loaded and Extension.scrubbers is not None:
            Extension.scrubbers.uninstall()
            Extension.scrubbers = None


def state(ip: Any = None) -> Optional[dict[str, Any]]:
    """What the extension is doing in shell ``ip`` (default: any) for
    ``%safekeys doctor``, or None when it is not loaded there."""
    extension = Extension.of(ip) if ip is not None else Extension.any_loaded()
    if extension is None:
        return None
    decisions = _masking.registered()
    return {
        "masked": sum(1 for d in decisions if d.masked),
        "seen": len(decisions),
        "autoreload": extension.autoreloading(),
        "input_guard": "refuses" if blocking() else "warns",
        "loaded_files": [path for load in reload.loads() for path in load.paths],
    }
