"""Where output leaves a kernel, and how it is scrubbed on the way.

In a Jupyter kernel every message leaves through ``send`` of the kernel's
one ``jupyter_client.session.Session``; ``sys.stdout``, ``sys.stderr``, the
display publisher and the display hook all hold that object. Scrubbing
there, once per message, covers every channel (``SessionHook``). Stream text
is scrubbed with per-stream state so a secret split across writes is still
caught; a tail that could still become a secret waits for the next chunk of
its stream, for any other message, or for the kernel going idle. Output
written at file-descriptor level is echoed raw to the kernel's own stdout;
``EchoScrubber`` scrubs that copy. Terminal IPython has no Session: there
the standard streams are wrapped (``ScrubbingStream``). See
docs/architecture.md, "From a cell to the frontend".
"""

from __future__ import annotations

import codecs
import os
import threading
from collections.abc import Callable
from typing import Any

from .. import _masking

# Messages after which a held stream tail may still continue in the frontend's
# view: JupyterLab joins consecutive stream outputs, and these add no output
# between them (a display update, a widget's comm traffic, the busy status).
# Any other message releases what the streams hold.
_INVISIBLE = frozenset({"update_display_data", "comm_open", "comm_msg", "comm_close"})


def _keeps_stream_run(msg_type: str, content: Any) -> bool:
    if msg_type in _INVISIBLE:
        return True
    return (
        msg_type == "status"
        and isinstance(content, dict)
        and content.get("execution_state") == "busy"
    )


def scrub_bytes(data: bytes) -> bytes:
    """Bytes as they would show once decoded, scrubbed: jupyter_client
    base64-encodes bytes in a message after the scrubber has seen it, and
    undecodable bytes are kept as they are."""
    text = data.decode("utf-8", "surrogateescape")
    scrubbed = _masking.scrub_text(text)
    return data if scrubbed == text else scrubbed.encode("utf-8", "surrogateescape")


def scrub_value(obj: Any) -> Any:
    """``obj`` with secrets masked in every string and bytes value, dict keys
    included. Returns ``obj`` itself when nothing changed."""
    if isinstance(obj, str):
        return _masking.scrub_text(obj)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        # ipywidgets sends binary state (an Image's bytes) as memoryviews in a
        # message's buffers; the frontend renders them and saves them in the notebook.
        data = obj.tobytes() if isinstance(obj, memoryview) else bytes(obj)
        scrubbed = scrub_bytes(data)
        if scrubbed == data:
            return obj
        return bytearray(scrubbed) if isinstance(obj, bytearray) else scrubbed
    if isinstance(obj, dict):
        changed = False
        out = {}
        for key, value in obj.items():
            new_key = scrub_value(key)
            new_value = scrub_value(value)
            changed = changed or new_key is not key or new_value is not value
            out[new_key] = new_value
        return out if changed else obj
    if isinstance(obj, (list, tuple)):
        items = [scrub_value(v) for v in obj]
        if all(a is b for a, b in zip(items, obj, strict=True)):
            return obj
        return type(obj)(items)
    return obj


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
            # A secret set in os.environ since the last message is masked in this one.
            _masking.watch_environ()
            is_msg = isinstance(msg_or_type, dict)
            if is_msg:
                msg_type = msg_or_type.get("msg_type") or msg_or_type["header"]["msg_type"]
            else:
                msg_type = msg_or_type
            if msg_type == "stream":
                return self._send_stream(
                    stream, msg_or_type, content, parent, ident, buffers, track, header, metadata
                )
            if not _keeps_stream_run(msg_type, msg_or_type["content"] if is_msg else content):
                self.release_all()
            if len(_masking.MASKER) == 0:
                return self._send(
                    stream, msg_or_type, content, parent, ident, buffers, track, header, metadata
                )
            return self._send(
                stream,
                scrub_value(msg_or_type) if is_msg else msg_or_type,
                scrub_value(content),
                parent,
                ident,
                scrub_value(buffers) if buffers else buffers,
                track,
                header,
                scrub_value(metadata),
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
        released = _masking.feed_text(name, content.get("text", ""))
        if not released:
            return None
        content = {**content, "text": released}
        if msg is not None:
            msg_or_type = {**msg, "content": content}
        return self._send(
            stream, msg_or_type, content, parent, ident, buffers, track, header, metadata
        )

    def release_all(self) -> None:
        """Send what every stream holds back (before a message that ends the
        frontend's run of stream output, and when the cell ends)."""
        for name in _masking.MASKER.pending():
            text = _masking.MASKER.flush(name)
            target = self._targets.get(name)
            if text and target is not None:
                stream, parent, ident = target
                self._send(stream, "stream", {"name": name, "text": text}, parent, ident)


class _PipeScrubber:
    """Bytes written to a pipe, scrubbed by a thread and written on to ``real_fd``."""

    def __init__(self, real_fd: int, key: str) -> None:
        self.real_fd = real_fd
        self.key = key
        read_fd, self.write_fd = os.pipe()
        self._reader = threading.Thread(
            target=self._pump, args=(read_fd,), name="safekeys-fd", daemon=True
        )
        self._reader.start()

    def _pump(self, read_fd: int) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        try:
            while True:
                data = os.read(read_fd, 65536)
                if not data:
                    break
                _masking.watch_environ()
                released = _masking.feed_text(self.key, decoder.decode(data))
                if released:
                    os.write(self.real_fd, released.encode("utf-8", "replace"))
            rest = _masking.feed_text(self.key, decoder.decode(b"", final=True))
            rest += _masking.MASKER.flush(self.key)
            if rest:
                os.write(self.real_fd, rest.encode("utf-8", "replace"))
        except OSError:
            pass
        finally:
            os.close(read_fd)


class EchoScrubber(_PipeScrubber):
    """ipykernel 6+ copies output written at file-descriptor level (``os.write``,
    subprocesses, ``!cmd``) raw to the kernel's own stdout/stderr, which ends
    up in the Jupyter server's log. Route that copy through a pipe and scrub it."""

    def __init__(self, out_stream: Any) -> None:
        super().__init__(
            out_stream._original_stdstream_copy, f"echo:{getattr(out_stream, 'name', 'fd')}"
        )
        self.out_stream = out_stream
        out_stream._original_stdstream_copy = self.write_fd

    def uninstall(self) -> None:
        if self.out_stream._original_stdstream_copy == self.write_fd:
            self.out_stream._original_stdstream_copy = self.real_fd
        os.close(self.write_fd)
        self._reader.join(timeout=2)


class FdScrubber(_PipeScrubber):
    """ipykernel 5 (what Colab runs) does not capture output written at
    file-descriptor level at all: it goes straight to the kernel's stdout and
    stderr, the server's log. Put a scrubbing pipe in front of the descriptor
    itself, so the process and its children write through it."""

    def __init__(self, fd: int) -> None:
        super().__init__(os.dup(fd), f"fd:{fd}")
        self.fd = fd
        os.dup2(self.write_fd, fd)

    def uninstall(self) -> None:
        os.dup2(self.real_fd, self.fd)
        os.close(self.write_fd)
        # Children still holding the pipe keep it open; their output drains later.
        self._reader.join(timeout=2)
        if not self._reader.is_alive():
            os.close(self.real_fd)


class ScrubbingStream:
    """A text stream wrapper for terminal IPython: scrubs what it writes,
    holding back only a tail that could still become a secret."""

    def __init__(self, wrapped: Any, key: str) -> None:
        self._wrapped = wrapped
        self._key = key

    def write(self, text: str) -> int:
        _masking.watch_environ()
        released = _masking.feed_text(self._key, text)
        if released:
            self._wrapped.write(released)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        rest = _masking.MASKER.flush(self._key)
        if rest:
            self._wrapped.write(rest)
        self._wrapped.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)
