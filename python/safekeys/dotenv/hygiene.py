"""Checks on a ``.env`` file itself: who can read it, whether git would commit
it, and whether it belongs to someone else.

The same checks run when ``load_dotenv`` reads a file (each problem logged
once per process on the ``safekeys`` logger; ``SAFEKEYS_HYGIENE=0`` turns
that off) and in ``safekeys doctor``, which can also fix what is safe to fix.
No message names a value: only paths, modes, owners and lines to add.
"""

from __future__ import annotations

import os
import stat
import sys

from .. import _core, _log, _settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

# Names of files meant to be committed: templates without real values.
TEMPLATES = frozenset(
    {".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults"}
)

# Bounded: a hung git (a network filesystem, a credential helper) must not
# hang load_dotenv.
GIT_TIMEOUT = 3.0


class Problem:
    """One thing wrong with one file: what, how a person fixes it, and
    ``change``, what ``fix`` (``safekeys doctor --fix``) would do by itself,
    or None when it needs a person."""

    __slots__ = ("change", "code", "message", "path", "remedy")

    def __init__(
        self, path: str, code: str, message: str, remedy: str, change: Optional[str] = None
    ) -> None:
        self.path = path
        self.code = code
        self.message = message
        self.remedy = remedy
        self.change = change

    @property
    def fixable(self) -> bool:
        return self.change is not None

    def __str__(self) -> str:
        return f"{self.message}; {self.remedy}"

    def __repr__(self) -> str:
        return f"Problem({self.path!r}, {self.code!r})"


def _who(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _mode_text(mode: int) -> str:
    who = []
    if mode & 0o070:
        who.append("its group")
    if mode & 0o007:
        who.append("every user on this machine")
    return " and ".join(who)


def permissions(path: str, st: Optional[os.stat_result] = None) -> Optional[Problem]:
    """A file whose mode lets its group or other users in (POSIX only)."""
    if os.name != "posix":
        return None
    st = st if st is not None else os.stat(path)
    if not stat.S_ISREG(st.st_mode) or not st.st_mode & 0o077:
        return None
    keys = is_keys_file(path)
    if not keys and encrypted_file(path):
        return None  # ciphertext, meant to be shared: only its private key must stay private
    mode = stat.S_IMODE(st.st_mode)
    what = " and it holds private keys" if keys else ""
    return Problem(
        path,
        "permissions",
        f"{path} can be read by {_mode_text(mode)} (mode {mode:04o}){what}",
        f"make it private with `chmod 600 {_quote(path)}` (or `safekeys doctor --fix`)",
        f"chmod 600 {path}",
    )


def _quote(path: str) -> str:
    import shlex

    return shlex.quote(path)


def work_tree(path: str) -> Optional[str]:
    """The top of the git work tree holding the file ``path``, found by looking
    for ``.git`` in its directory and above (no git process needed)."""
    return work_tree_of_directory(os.path.dirname(os.path.abspath(path)))


def work_tree_of_directory(directory: str) -> Optional[str]:
    """The top of the git work tree holding ``directory`` (itself included)."""
    directory = os.path.abspath(directory)
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def git_status(path: str, top: str) -> Optional[str]:
    """git's two-letter status of ``path`` (``!!`` ignored, ``??`` untracked,
    ``""`` tracked and unchanged, others tracked), or None when git could not
    be asked (not installed, a repository git refuses, a timeout)."""
    command = [
        "git",
        "--no-optional-locks",
        "-C",
        top,
        "status",
        "--porcelain=v1",
        "--ignored",
        "-z",
        "--",
        os.path.relpath(os.path.abspath(path), top),
    ]
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    # Imported here: subprocess costs milliseconds, and most loads never reach git.
    import subprocess

    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stdout[:2].decode("ascii", "replace")


# -- telling an ignored, untracked file without starting git -----------------------
#
# The usual case (.env listed in .gitignore, never added) is answered from the
# repository's files; anything this does not read the way git does (a negation,
# an index it cannot search, GIT_DIR set) leaves the answer to git itself.


def _git_dir(top: str) -> Optional[str]:
    """The repository of the work tree ``top``: ``top/.git``, or where a ``.git``
    file points (a submodule, a linked worktree)."""
    dot_git = os.path.join(top, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, "rb") as f:
            first = f.readline(4096).strip()
    except OSError:
        return None
    if not first.startswith(b"gitdir:"):
        return None
    return os.path.normpath(os.path.join(top, os.fsdecode(first[7:].strip())))


def _common_dir(git_dir: str) -> str:
    """Where a linked worktree's repository keeps what it shares (info/exclude)."""
    try:
        with open(os.path.join(git_dir, "commondir"), "rb") as f:
            common = os.fsdecode(f.readline(4096).strip())
    except OSError:
        return git_dir
    return os.path.normpath(os.path.join(git_dir, common)) if common else git_dir


def _surely_untracked(git_dir: str, rel: str) -> bool:
    """Whether the index certainly does not list ``rel`` (``/``-separated).

    Index versions 2 and 3 hold each path as it is, ended by a NUL, so a path
    that is not in the file is not tracked; version 4 compresses paths, and a
    split or sparse index keeps entries elsewhere: those are left to git.
    """
    try:
        with open(os.path.join(git_dir, "index"), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return True  # nothing was ever staged
    except OSError:
        return False
    if data[:4] != b"DIRC" or data[4:8] not in (b"\0\0\0\2", b"\0\0\0\3"):
        return False
    if b"link" in data or b"sdir" in data:  # maybe those extensions' signatures
        return False
    needle = rel.encode("utf-8", "surrogateescape") + b"\0"
    if sys.platform != "linux":
        # Case-insensitive file systems (macOS, Windows): git matches ".ENV" to ".env".
        data, needle = data.lower(), needle.lower()
    at = data.find(needle)
    while at != -1:
        if at == 0 or data[at - 1 : at] != b"/":
            return False  # this path, or one the search cannot tell from it
        at = data.find(needle, at + 1)  # the same name in another directory
    return True


def _glob(pattern: str, text: str) -> bool:
    """gitignore's ``*`` and ``?`` within one path segment (no ``/`` in ``text``)."""
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star, mark, p = p, t, p + 1
        elif p < len(pattern) and pattern[p] in ("?", text[t]):
            p, t = p + 1, t + 1
        elif star != -1:
            p, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    return all(c == "*" for c in pattern[p:])


def _pattern_names(pattern: str, parts: list[str]) -> bool:
    """Whether a positive gitignore ``pattern`` read in a directory excludes the
    file whose path below that directory is ``parts``, by itself or by excluding
    a directory above it. Patterns this does not read (``**``, ``[...]``) say no."""
    if "[" in pattern or "**" in pattern:
        return False
    dir_only = pattern.endswith("/")
    pattern = pattern.rstrip("/")
    if "/" not in pattern:
        names = parts[:-1] if dir_only else parts
        return any(_glob(pattern, name) for name in names)
    segments = pattern.lstrip("/").split("/")
    if len(segments) > len(parts) or (dir_only and len(segments) == len(parts)):
        return False
    return all(_glob(seg, part) for seg, part in zip(segments, parts, strict=False))


def _surely_ignored(path: str, top: str, git_dir: str) -> bool:
    """Whether a ``.gitignore`` from ``top`` down to the file's directory, or
    ``info/exclude``, excludes the file while none of them re-includes anything
    (a ``!`` line): then no later rule can undo the match."""
    rel = os.path.relpath(path, top).split(os.sep)
    places = [(os.path.join(top, *rel[:depth], ".gitignore"), depth) for depth in range(len(rel))]
    places.append((os.path.join(_common_dir(git_dir), "info", "exclude"), 0))
    found = False
    for ignore_file, depth in places:
        try:
            with open(ignore_file, "rb") as f:
                text = f.read().decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if "\r" in text:
            return False  # whether git keeps a CR in a pattern is left to git
        for line in text.split("\n"):
            if line.startswith("!"):
                return False
            pattern = line.rstrip(" ")
            if not pattern or pattern.startswith("#") or "\\" in pattern:
                continue
            found = found or _pattern_names(pattern, rel[depth:])
    return found


def _ignored_and_untracked(path: str, top: str) -> bool:
    """Whether git would report ``path`` as ignored (``!!``), told from the
    repository's files; False also when that needs git to tell."""
    if any(name in os.environ for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_COMMON_DIR")):
        return False
    git_dir = _git_dir(top)
    if git_dir is None:
        return False
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, top).replace(os.sep, "/")
    return _surely_ignored(absolute, top, git_dir) and _surely_untracked(git_dir, rel)


def is_keys_file(path: str) -> bool:
    """dotenvx's private-key files: ``.env.keys``, ``.env.production.keys``."""
    name = os.path.basename(path)
    return name.startswith(".env") and name.endswith(".keys")


def encrypted_file(path: str) -> bool:
    """Whether ``path`` is a dotenvx-encrypted ``.env``: it names a public key
    (or holds ``encrypted:`` values) and no plain value looks secret. Such a
    file is fine to commit: its values open only with the private key."""
    try:
        text = _core.read_text(path)
    except (OSError, ValueError):
        return False
    # Most files are plain: a substring test spares them the parse.
    if "encrypted:" not in text and "DOTENV_PUBLIC_KEY" not in text:
        return False
    values = _core.values_from_text(
        text, interpolate=False, document_first=True, dialect="python-dotenv", environ={}
    )[0]
    marked = False
    for name, value in values.items():
        if name.startswith(("DOTENV_PUBLIC_KEY", "DOTENV_PRIVATE_KEY")):
            if name.startswith("DOTENV_PRIVATE_KEY"):
                return False
            marked = True
            continue
        if value is None:
            continue
        if value.startswith("encrypted:"):
            marked = True
        elif _core.why_secret(name, value) is not None:
            return False
    return marked


def note(path: str) -> Optional[str]:
    """What doctor says about a file that is fine as it is."""
    if not is_keys_file(path) and encrypted_file(path):
        return (
            "encrypted with dotenvx's format (no plain secret): fine to commit; "
            "keep its private key out of git"
        )
    return None


def git_exposure(path: str) -> Optional[Problem]:
    """A file inside a git work tree that git would commit, or already tracks.
    An encrypted ``.env`` is meant to be committed; a ``.env.keys`` never is."""
    top = work_tree(path)
    if top is None:
        return None
    if _ignored_and_untracked(path, top):
        return None
    status = git_status(path, top)
    if status is None or status == "!!":
        return None
    keys = is_keys_file(path)
    if not keys and encrypted_file(path):
        return None
    name = os.path.basename(path)
    gitignore = os.path.join(top, ".gitignore")
    if status == "??" and keys:
        return Problem(
            path,
            "not-ignored",
            f"{path} holds private keys and git does not ignore it: committed, it would let "
            "anyone with the repository decrypt the encrypted .env files",
            f"add the line `{name}` to {gitignore} (or `safekeys doctor --fix`)",
            f"add `{name}` to {gitignore}",
        )
    if status == "??":
        return Problem(
            path,
            "not-ignored",
            f"{path} is in the git work tree {top} and git does not ignore it",
            f"add the line `{name}` to {gitignore} (or `safekeys doctor --fix`)",
            f"add `{name}` to {gitignore}",
        )
    rel = os.path.relpath(os.path.abspath(path), top)
    what = "private keys that decrypt the encrypted .env files" if keys else "keys"
    return Problem(
        path,
        "tracked",
        f"{path} is tracked by git: its {what} are (or will be) in the repository's history",
        f"run `git rm --cached {_quote(rel)}`, add `{name}` to {gitignore}, "
        "and rotate the keys it holds",
    )


def _trusted(directory: str) -> bool:
    """Whether ``SAFEKEYS_TRUSTED_DIRS`` lists ``directory`` or one above it (``*``: all)."""
    for entry in _settings.trusted_dirs():
        if entry == "*":
            return True
        if entry:
            top = os.path.abspath(entry)
            if directory == top or directory.startswith(top.rstrip(os.sep) + os.sep):
                return True
    return False


def _owners(absolute: str) -> list[tuple[str, str, int]]:
    """``(path, how a message names it, owner)`` of everything whose owner could
    have changed what ``absolute`` reads: the file, its directory and, for a
    symlink, the link itself and the directory of the file it points to."""
    directory = os.path.dirname(absolute)
    places = [(absolute, "it", False), (directory, f"its directory {directory}", False)]
    if os.path.islink(absolute):
        real = os.path.realpath(absolute)
        places = [
            (absolute, "the symlink", True),
            (real, f"the file it points to, {real},", False),
            (directory, f"its directory {directory}", False),
            (
                os.path.dirname(real),
                f"the directory of the file it points to, {os.path.dirname(real)},",
                False,
            ),
        ]
    found = []
    for where, what, own_link in places:
        try:
            st = os.lstat(where) if own_link else os.stat(where)
        except OSError:
            continue
        found.append((where, what, st.st_uid))
    return found


def foreign_owner(path: str) -> Optional[Problem]:
    """A file, or the directory holding it, owned by another user.

    Anyone can leave a ``.env`` in a shared directory such as ``/tmp`` or a
    home they own; loading it would let them set ``PATH``-like variables or
    point an API client at their server. Like git's "dubious ownership",
    only files owned by you or root in directories owned by you or root are
    trusted, unless ``SAFEKEYS_TRUSTED_DIRS`` lists the directory (``*``
    trusts every directory).
    """
    if os.name != "posix":
        return None
    me = os.geteuid()
    absolute = os.path.abspath(path)
    directory = os.path.dirname(absolute)
    owners = [(where, what, uid) for where, what, uid in _owners(absolute) if uid not in (me, 0)]
    if not owners:
        return None
    if _trusted(directory):
        return None
    _where, kind, uid = owners[0]
    return Problem(
        path,
        "foreign-owner",
        f"refused {path}: {kind} is owned by {_who(uid)}, not by you ({_who(me)}), "
        "so another user could have written it",
        f"if you trust it, set SAFEKEYS_TRUSTED_DIRS={directory} "
        "(several directories separated by ':'), or pass the path to load_dotenv explicitly",
    )


def stale_copy(path: str) -> Optional[Problem]:
    """A temporary copy a killed ``set_key``, ``safekeys import`` or
    ``scan --fix`` left beside its file (``.env.safekeys-tmp-1a2b3c4d``): it
    holds the rewritten file, secrets included."""
    name = os.path.basename(path)
    mark = name.find(_core.TEMP_MARK)
    if mark <= 0:
        return None
    target = os.path.join(os.path.dirname(path), name[:mark])
    message = (
        f"{path} is a copy left by an interrupted write of {target} "
        "(set_key, safekeys import or scan --fix); it may hold that file's secrets"
    )
    if not os.path.exists(target):
        return Problem(
            path,
            "stale-copy",
            message,
            f"{target} is missing: if this copy is right, "
            f"rename it: mv {_quote(path)} {_quote(target)}",
        )
    return Problem(
        path,
        "stale-copy",
        message,
        f"check that {target} is as you expect, then delete the copy: rm {_quote(path)} "
        "(or `safekeys doctor --fix`)",
        f"delete {path}",
    )


def stale_copies_of(path: str) -> list[str]:
    """The temporary copies left beside ``path``."""
    import glob

    return sorted(glob.glob(glob.escape(path) + glob.escape(_core.TEMP_MARK) + "*"))


def check(path: str) -> list[Problem]:
    """Every problem of one file, in the order doctor reports them."""
    stale = stale_copy(path)
    if stale is not None:
        return [stale]
    problems = [foreign_owner(path), permissions(path), git_exposure(path)]
    return [p for p in problems if p is not None]


def fix(problem: Problem) -> str:
    """Repair a fixable problem; returns what was done. Raises OSError."""
    if problem.code == "stale-copy":
        os.remove(problem.path)
        return f"deleted {problem.path}"
    if problem.code == "permissions":
        os.chmod(problem.path, stat.S_IMODE(os.stat(problem.path).st_mode) & 0o700 | 0o600)
        return f"made {problem.path} private (mode 0600)"
    if problem.code == "not-ignored":
        top = work_tree(problem.path)
        if top is None:
            raise OSError(f"{problem.path} is no longer in a git work tree")
        line = os.path.basename(problem.path)
        gitignore = os.path.join(top, ".gitignore")
        _append_line(gitignore, line)
        return f"added `{line}` to {gitignore}"
    raise ValueError(f"safekeys cannot fix {problem.code} by itself: {problem.remedy}")


def _append_line(path: str, line: str) -> None:
    """Add ``line`` to a text file, atomically, keeping its bytes and mode."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        data = b""
    existing = data.decode("utf-8", "surrogateescape").splitlines()
    if line in (entry.strip() for entry in existing):
        return
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    if data and not data.endswith(b"\n"):
        data += newline
    data += line.encode("utf-8") + newline
    mode = _core.preserved_mode(path)
    _core.write_atomic(path, data, mode if mode is not None else 0o644)


# What load_dotenv already said in this process: (path, code, detail).
_said: set[tuple[str, str, object]] = set()


def on_load(path: str) -> None:
    """Warn about ``path`` once per problem and process (load_dotenv calls this).

    The git check (from the repository's files when they tell, else a ``git``
    process) runs once per file per process; the mode is checked on every
    load (one ``stat``), so a file made private later stops warning and one
    opened up later warns again.
    """
    if not _settings.hygiene() or os.path.basename(path) in TEMPLATES:
        return
    try:
        st = os.stat(path)
    except OSError:
        return
    if not stat.S_ISREG(st.st_mode):
        return
    found = permissions(path, st)
    if found is not None:
        _say(found, st.st_mode)
    if (path, "git", None) not in _said:
        _said.add((path, "git", None))
        found = git_exposure(path)
        if found is not None:
            _say(found, None)


def _say(problem: Problem, detail: object) -> None:
    key = (problem.path, problem.code, detail)
    if key in _said:
        return
    _said.add(key)
    _log.warning("safekeys: %s", problem)


def warn_once(problem: Problem) -> None:
    """Log ``problem`` unless this process already has."""
    _say(problem, None)
