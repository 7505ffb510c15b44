"""``%load_ext safekeys``: load ``.env``, then keep every registered secret
out of everything the kernel sends.

In a Jupyter kernel every message leaves through ``send`` of the kernel's
one ``jupyter_client.session.Session``; ``sys.stdout``, ``sys.stderr``, the
display publisher and the display hook all hold that object. Scrubbing
there, once per message, covers every channel. Stream text is scrubbed with
per-stream state so a secret split across writes is still caught; a tail
that could still become a secret waits for the next chunk of its stream,
for any other message, or for the kernel going idle.

Terminal IPython has no Session: there the standard streams are wrapped.
"""

from __future__ import annotations

import codecs
import functools
import os
import sys
import threading
from typing import Any, Callable, Optional

from . import _masking, _reload
from ._dotenv import load_dotenv
from ._find import find_dotenv

_ENGINE = _masking.ENGINE


def _scrub_value(obj: Any) -> Any:
    """``obj`` with secrets masked in every string, dict key included.
    Returns ``obj`` itself when nothing changed."""
    if isinstance(obj, str):
        return _ENGINE.scrub(obj)
    if isinstance(obj, dict):
        changed = False
        out = {}
        for key, value in obj.items():
            new_key = _scrub_value(key)
            new_value = _scrub_value(value)
            changed = changed or new_key is not key or new_value is not value
            out[new_key] = new_value
        return out if changed else obj
    if isinstance(obj, (list, tuple)):
        items = [_scrub_value(v) for v in obj]
        if all(a is b for a, b in zip(items, obj)):
            return obj
        return type(obj)(items)
    return obj


def _scrub_string(text: str) -> str:
    scrubbed = _ENGINE.scrub(text)
    return text if scrubbed == text else scrubbed


class SessionHook:
    """Wraps ``Session.send`` of one kernel session."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self._send: Callable[..., Any] = session.send
        self._lock = threading.RLock()
        # Where each stream's held-back text goes when released.
        self._targets: dict[str, tuple[Any, Any, Any]] = {}
        session.send = self.send

    def uninstall(self) -> None:
        with self._lock:
            self.release_all()
            if self.session.__dict__.get("send") == self.send:
                del self.session.send

    def send(
        self,
        stream: Any,
        msg_or_type: Any,
        content: Any = None,
        parent: Any = None,
        ident: Any = None,
        buffers: Any = None,
        track: bool = False,
        header: Any = None,
        metadata: Any = None,
    ) -> Any:
        with self._lock:
            is_msg = isinstance(msg_or_type, dict)
            if is_msg:
                msg_type = msg_or_type.get("msg_type") or msg_or_type["header"]["msg_type"]
            else:
                msg_type = msg_or_type
            if msg_type == "stream":
                return self._send_stream(
                    stream, msg_or_type, content, parent, ident, buffers, track, header, metadata
                )
            self.release_all()
            if len(_ENGINE) == 0:
                return self._send(
                    stream, msg_or_type, content, parent, ident, buffers, track, header, metadata
                )
            return self._send(
                stream,
                _scrub_value(msg_or_type) if is_msg else msg_or_type,
                _scrub_value(content),
                parent,
                ident,
                buffers,
                track,
                header,
                _scrub_value(metadata),
            )

    def _send_stream(
        self,
        stream: Any,
        msg_or_type: Any,
        content: Any,
        parent: Any,
        ident: Any,
        buffers: Any,
        track: bool,
        header: Any,
        metadata: Any,
    ) -> Any:
        """Feed the stream's text to its scrubber; send only what it releases."""
        msg = msg_or_type if isinstance(msg_or_type, dict) else None
        if msg is not None:
            content = msg["content"]
            parent = msg.get("parent_header") or parent
        name = str(content.get("name", "stdout"))
        self._targets[name] = (stream, parent, ident)
        released = _ENGINE.feed(name, content.get("text", ""))
        if not released:
            return None
        content = {**content, "text": released}
        if msg is not None:
            msg_or_type = {**msg, "content": content}
        return self._send(
            stream, msg_or_type, content, parent, ident, buffers, track, header, metadata
        )

    def release_all(self) -> None:
        """Send what every stream holds back (before any other message, and at idle)."""
        for name in _ENGINE.pending():
            text = _ENGINE.flush(name)
            target = self._targets.get(name)
            if text and target is not None:
                stream, parent, ident = target
                self._send(stream, "stream", {"name": name, "text": text}, parent, ident)


class EchoScrubber:
    """ipykernel copies output written at file-descriptor level (``os.write``,
    subprocesses, ``!cmd``) raw to the kernel's own stdout/stderr, which ends
    up in the Jupyter server's log. Route that copy through a pipe and scrub it."""

    def __init__(self, out_stream: Any) -> None:
        self.out_stream = out_stream
        self.real_fd: int = out_stream._original_stdstream_copy
        self.key = f"echo:{getattr(out_stream, 'name', 'fd')}"
        read_fd, self.write_fd = os.pipe()
        self._reader = threading.Thread(
            target=self._pump, args=(read_fd,), name="safekeys-echo", daemon=True
        )
        self._reader.start()
        out_stream._original_stdstream_copy = self.write_fd

    def _pump(self, read_fd: int) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        try:
            while True:
                data = os.read(read_fd, 65536)
                if not data:
                    break
                released = _ENGINE.feed(self.key, decoder.decode(data))
                if released:
                    os.write(self.real_fd, released.encode("utf-8", "replace"))
            rest = _ENGINE.feed(self.key, decoder.decode(b"", final=True))
            rest += _ENGINE.flush(self.key)
            if rest:
                os.write(self.real_fd, rest.encode("utf-8", "replace"))
        except OSError:
            pass
        finally:
            os.close(read_fd)

    def uninstall(self) -> None:
        if self.out_stream._original_stdstream_copy == self.write_fd:
            self.out_stream._original_stdstream_copy = self.real_fd
        os.close(self.write_fd)
        self._reader.join(timeout=2)


class ScrubbingStream:
    """A text stream wrapper for terminal IPython: scrubs what it writes,
    holding back only a tail that could still become a secret."""

    def __init__(self, wrapped: Any, key: str) -> None:
        self._wrapped = wrapped
        self._key = key

    def write(self, text: str) -> int:
        released = _ENGINE.feed(self._key, text)
        if released:
            self._wrapped.write(released)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        rest = _ENGINE.flush(self._key)
        if rest:
            self._wrapped.write(rest)
        self._wrapped.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


class InputGuard:
    """Looks at each cell's source before it runs (see ``_guard``).

    IPython offers no hook that can drop a cell from history or stop it, so
    ``run_cell_async`` is wrapped on the shell instance: every way a cell
    runs goes through it (ipykernel calls it directly or through
    ``run_cell``; terminal IPython through ``run_cell``).
    """

    def __init__(self, ip: Any) -> None:
        self.ip = ip
        self.original = ip.run_cell_async

        @functools.wraps(self.original)
        async def run_cell_async(raw_cell: Any, *args: Any, **kwargs: Any) -> Any:
            refused, args, kwargs = self.check(raw_cell, args, kwargs)
            if refused is not None:
                return refused
            return await self.original(raw_cell, *args, **kwargs)

        ip.run_cell_async = run_cell_async

    def check(
        self, raw_cell: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
        """Warn and turn history off for a cell holding a key, or refuse it:
        ``(refusal or None, args, kwargs)`` for the original method."""
        from . import _guard

        silent = kwargs.get("silent", args[1] if len(args) > 1 else False)
        if silent or not isinstance(raw_cell, str) or not raw_cell.strip():
            return None, args, kwargs
        found = _guard.find_literals(raw_cell)
        if not found:
            return None, args, kwargs
        _guard.mask_literals(found)
        refused = _guard.blocking()
        # Flushed now so the warning shows before anything the cell prints.
        print(_guard.message(found, refused), file=sys.stderr, flush=True)
        if refused:
            return self.refusal(raw_cell, found), args, kwargs
        if args:
            args = (False, *args[1:])
        else:
            kwargs = dict(kwargs, store_history=False)
        return None, args, kwargs

    def refusal(self, raw_cell: str, found: list[Any]) -> Any:
        """An ``ExecutionResult`` that failed before running, as a syntax error
        would: the frontend shows the error and stops a "run all"."""
        from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult

        from ._errors import LiteralKeyError

        lines = ", ".join(str(literal.line) for literal in found)
        error = LiteralKeyError(
            f"a literal key on line {lines} of this cell; see the message above"
        )
        info = ExecutionInfo(raw_cell, False, False, True, None)  # type: ignore[no-untyped-call]
        result: Any = ExecutionResult(info)  # type: ignore[no-untyped-call]
        result.error_before_exec = error
        self.ip.showtraceback((LiteralKeyError, error, None))
        self.ip.last_execution_succeeded = False
        self.ip.last_execution_result = result
        return result

    def uninstall(self) -> None:
        if self.ip.__dict__.get("run_cell_async") is not None:
            del self.ip.run_cell_async


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
        for load in _reload.loads():
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


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext safekeys``: load ``.env`` from the working directory (not
    overriding variables already set), register its secrets and the
    secret-looking environment, and start scrubbing every output."""
    if Extension.current is not None:
        return
    path = find_dotenv(usecwd=True)
    if path:
        load_dotenv(path)
    # Secrets the kernel inherited, and environment values that differ from
    # what .env holds under the same name (the environment wins over .env).
    _masking.consider_many(
        (
            (name, value)
            for name, value in list(os.environ.items())
            if not _masking.decided(name, value)
        ),
        "environment",
        note_ordinary=False,
    )
    _masking.set_active(True)
    extension = Extension(ip)
    extension.install()
    Extension.current = extension
    from .magics import SafekeysMagics

    ip.register_magics(SafekeysMagics)


def unload_ipython_extension(ip: Any) -> None:
    """``%unload_ext safekeys``: put back everything the extension changed."""
    extension = Extension.current
    if extension is None:
        return
    extension.uninstall()
    Extension.current = None
    _masking.set_active(False)
