"""``%dotenv`` (python-dotenv's magic, same arguments), ``%safekeys`` and ``%setkey``."""

from __future__ import annotations

import html
from typing import Any

from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from .. import _core, _masking, doctor
from .._errors import KeyringError
from ..dotenv import loaded, reload
from ..dotenv.api import load_dotenv
from ..dotenv.find import find_dotenv
from ..stores import keyring
from . import extension


def _source(row: _masking.Decision) -> str:
    """The row's source, naming the file for a value load_dotenv read from one."""
    if row.source != loaded.LABEL:
        return row.source
    value, origin = loaded.LOADED.get(row.name), loaded.LOADED.origin(row.name)
    if value is None or not origin or row.fingerprint == "-":
        return row.source
    # Only while the file's value is the one decided on (not one set since).
    try:
        same = _core.fingerprint(value) == row.fingerprint
    except UnicodeEncodeError:  # lone surrogates: not the value decided on
        same = False
    return f"{row.source} ({origin})" if same else row.source


class KeyTable:
    """The ``%safekeys`` table: HTML in Jupyter, text in a terminal. Names,
    sources, lengths and fingerprints only, never a character of a value."""

    columns = ("name", "source", "length", "fingerprint", "masked", "why")

    def __init__(self, rows: list[_masking.Decision]) -> None:
        self.rows = rows

    def _cells(self) -> list[tuple[str, ...]]:
        return [
            (r.name, _source(r), str(r.length), r.fingerprint, "yes" if r.masked else "no", r.why)
            for r in self.rows
        ]

    def __repr__(self) -> str:
        if not self.rows:
            return "safekeys: no keys loaded yet"
        cells = [self.columns, *self._cells()]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in cells
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if not self.rows:
            return "<p>safekeys: no keys loaded yet</p>"
        head = "".join(f"<th>{c}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self._cells()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@magics_class
class SafekeysMagics(Magics):
    @magic_arguments()
    @argument("-o", "--override", action="store_true", help="Override existing variables.")
    @argument("-v", "--verbose", action="store_true", help="Log a missing file.")
    @argument(
        "dotenv_path",
        nargs="*",
        type=str,
        default=[".env"],
        help="Search in increasingly higher folders for each `dotenv_path`; several paths "
        "load as layers, later files winning",
    )
    @line_magic
    def dotenv(self, line: str) -> None:
        """Load a .env file, as python-dotenv's ``%dotenv`` does, and mask its secrets.

        Run again after editing the file, it updates what it set before; when
        no file changed it only checks their modification times and sizes.
        """
        args = parse_argstring(self.dotenv, line)
        paths = []
        for name in args.dotenv_path or [".env"]:
            try:
                paths.append(find_dotenv(name, True, True))
            except OSError:
                print("cannot find .env file" if name == ".env" else f"cannot find {name}")
        if not paths:
            return
        previous = reload.last_load(reload.key_of(paths))
        # Nothing to do when the same files were loaded the same way and are unchanged;
        # `%dotenv -o` after a plain load (as %load_ext does) must still override.
        if (
            previous is not None
            and not previous.changed()
            and previous.options.get("override") == args.override
        ):
            return
        load_dotenv(
            paths if len(paths) > 1 else paths[0], verbose=args.verbose, override=args.override
        )

    @magic_arguments()
    @argument("name", type=str, help="The key's name, e.g. OPENAI_API_KEY.")
    @argument(
        "--service",
        type=str,
        default=None,
        help="Keyring service (default: $SAFEKEYS_SERVICE, else 'safekeys').",
    )
    @line_magic
    def setkey(self, line: str) -> None:
        """Ask for a key with a hidden prompt and store it in the OS keyring.

        ``%setkey OPENAI_API_KEY`` shows the frontend's password box; the answer
        goes to the OS keyring (never into the notebook) and is masked from then
        on. ``getenv("OPENAI_API_KEY")`` finds it there, in this kernel and later ones.
        """
        import getpass

        args = parse_argstring(self.setkey, line)
        name = args.name
        service = keyring.service_name(args.service)
        try:
            keyring.check_name(name)
        except ValueError as err:
            print(f"safekeys: {err}")
            return
        try:
            value = getpass.getpass(f"{name} (saved in the OS keyring, service {service!r}): ")
        except (EOFError, NotImplementedError):
            print("safekeys: this frontend cannot show a password prompt; nothing was stored.")
            return
        if not value:
            print(f"safekeys: nothing entered; {name} was not stored.")
            return
        _masking.consider(name, value, "keyring")
        try:
            keyring.handle().set(service, name, value)
        except KeyringError as err:
            print(f"safekeys: could not store {name} in the OS keyring: {err}")
            return
        print(
            f"Stored {name} in the OS keyring (service {service!r}): "
            f"{len(value)} characters, {_core.fingerprint(value)}."
        )

    @line_magic
    def safekeys(self, line: str) -> Any:
        """``%safekeys``: the keys safekeys knows (name, source, length, fingerprint,
        masked or not and why). ``%safekeys autoreload on|off``: reload edited
        ``.env`` files at the start of each cell. ``%safekeys doctor [--fix]``:
        ``safekeys doctor`` for the working directory, plus the extension's state."""
        words = line.split()
        if words[:1] == ["autoreload"]:
            if len(words) != 2 or words[1] not in ("on", "off"):
                print("usage: %safekeys autoreload on|off")
                return None
            loaded = extension.Extension.of(self.shell)
            if loaded is None:
                print("load the extension first: %load_ext safekeys")
                return None
            loaded.autoreload(words[1] == "on")
            print(f"safekeys autoreload is {words[1]}")
            return None
        if words[:1] == ["doctor"]:
            if words[1:] not in ([], ["--fix"]):
                print("usage: %safekeys doctor [--fix]")
                return None
            fix = words[1:] == ["--fix"]
            state = extension.state(self.shell)
            result = doctor.run([], fix, extension=state, in_kernel=True)
            print(doctor.render(result, fix))
            return None
        if words:
            print("usage: %safekeys [autoreload on|off | doctor [--fix]]")
            return None
        return KeyTable(_masking.registered())
