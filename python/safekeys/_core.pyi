"""Stubs for the Rust extension. Private: use the functions in ``safekeys``."""

import os
from collections.abc import Mapping
from typing import Optional, Union, final

_Path = Union[str, os.PathLike[str]]

__version__: str

class InternalError(RuntimeError):
    """A panic inside the core, raised by the call that hit it (never
    PanicException); its text never includes the panic's message."""

__all__ = [
    "MIN_SECRET_CHARS",
    "TEMP_MARK",
    "VAULT_DEFAULT_PATH",
    "InternalError",
    "Keyring",
    "Masker",
    "Rules",
    "Vault",
    "__version__",
    "compile_rules",
    "dotenvx_decrypt",
    "dotenvx_decrypt_many",
    "dotenvx_decrypt_text",
    "dotenvx_encrypt",
    "dotenvx_encrypt_text",
    "dotenvx_keypair",
    "dotenvx_public_key",
    "find_in_source",
    "find_upwards",
    "fingerprint",
    "is_file_or_fifo",
    "key_kinds",
    "preserved_mode",
    "read_text",
    "scan_paths",
    "set_key_in_text",
    "unset_key_in_text",
    "values_from_file",
    "values_from_layers",
    "values_from_text",
    "why_secret",
    "write_atomic",
]

def values_from_text(
    text: str,
    *,
    interpolate: bool,
    document_first: bool,
    dialect: str,
    environ: Mapping[str, str],
) -> tuple[dict[str, Optional[str]], list[int]]: ...
def values_from_file(
    path: _Path,
    *,
    interpolate: bool,
    document_first: bool,
    dialect: str,
    environ: Mapping[str, str],
) -> Optional[tuple[dict[str, Optional[str]], list[int]]]: ...
def values_from_layers(
    texts: list[str],
    *,
    interpolate: bool,
    document_first: bool,
    dialect: str,
    environ: Mapping[str, str],
) -> tuple[dict[str, Optional[str]], list[list[int]]]: ...
def read_text(path: _Path) -> str: ...
def is_file_or_fifo(path: _Path) -> bool: ...
def set_key_in_text(text: str, key: str, line: str) -> tuple[str, bool, list[int]]: ...
def unset_key_in_text(text: str, key: str) -> tuple[str, bool, list[int]]: ...
def preserved_mode(path: _Path) -> Optional[int]: ...
def write_atomic(path: _Path, data: bytes, mode: Optional[int] = None) -> None: ...

# In the name of write_atomic's temporary file, after the target's name
# (".env.safekeys-tmp-1a2b3c4d"); one left behind is a killed write's.
TEMP_MARK: str

def find_upwards(start: _Path, filename: _Path) -> Optional[str]: ...

# dotenvx's encrypted values; failures raise safekeys._errors.DotenvDecryptError.
def dotenvx_keypair() -> tuple[str, str]: ...
def dotenvx_public_key(private_key: str) -> str: ...
def dotenvx_encrypt(public_key: str, plaintext: str) -> str: ...
def dotenvx_decrypt(private_keys: str, value: str) -> str: ...
def dotenvx_decrypt_many(
    private_keys: str, values: list[str]
) -> list[tuple[Optional[str], Optional[tuple[str, str]]]]: ...
def dotenvx_encrypt_text(
    text: str, public_name: str, public_key: str, only: Optional[list[str]] = None
) -> tuple[str, list[str]]: ...
def dotenvx_decrypt_text(
    text: str, private_keys: str, only: Optional[list[str]] = None
) -> tuple[str, list[str]]: ...

MIN_SECRET_CHARS: int

@final
class Masker:
    def __init__(self) -> None: ...
    def add(self, name: str, value: str, source: str) -> str: ...
    def add_many(self, items: list[tuple[str, str, str]]) -> list[str]: ...
    def remove_name(self, name: str) -> int: ...
    def remove_value(self, value: str) -> bool: ...
    def clear(self) -> None: ...
    def __len__(self) -> int: ...
    def entries(self) -> list[tuple[str, str, int, str]]: ...
    def scrub(self, text: str) -> str: ...
    def feed(self, name: str, text: str) -> str: ...
    def flush(self, name: str) -> str: ...
    def pending(self) -> list[str]: ...

def why_secret(name: str, value: str) -> Optional[tuple[str, list[str]]]: ...
def fingerprint(value: str) -> str: ...

@final
class Keyring:
    """The OS keyring; every call releases the GIL and is bounded by ``timeout``."""

    def __new__(cls, timeout: Optional[float] = None) -> Keyring: ...
    @property
    def timeout(self) -> float: ...
    @staticmethod
    def backend() -> str: ...
    def reset(self) -> None: ...
    def get(self, service: str, name: str) -> Optional[str]: ...
    def set(self, service: str, name: str, value: str) -> None: ...
    def delete(self, service: str, name: str) -> int: ...
    def list(self, service: str) -> list[tuple[str, int, Optional[int], Optional[str], str]]: ...

# -- The team store (OpenBao / Vault) ------------------------------------------------

VAULT_DEFAULT_PATH: str

@final
class Vault:
    """A Vault / OpenBao KV v2 client; every call releases the GIL and is bounded by
    ``timeout``. Raises ``safekeys.VaultError``; plain HTTP is refused unless loopback."""

    def __new__(
        cls,
        address: Optional[str] = None,
        *,
        namespace: Optional[str] = None,
        path: Optional[str] = None,
        ca_cert: Optional[_Path] = None,
        timeout: Optional[float] = None,
    ) -> Vault: ...
    @property
    def address(self) -> str: ...
    @property
    def tls(self) -> bool: ...
    @property
    def namespace(self) -> Optional[str]: ...
    @property
    def path(self) -> str: ...
    @property
    def timeout(self) -> float: ...
    def secret_path(self, name: str) -> str: ...
    def read(self, token: str, name: str) -> Optional[str]: ...
    def write(self, token: str, name: str, value: str) -> int: ...
    def lookup_self(self, token: str) -> tuple[int, bool, list[str], str, Optional[str]]: ...
    def renew_self(self, token: str, increment: Optional[int] = None) -> tuple[int, bool]: ...
    def approle_login(
        self, role_id: str, secret_id: Optional[str] = None, mount: str = "approle"
    ) -> tuple[str, int, bool, list[str]]: ...
    def health(self) -> tuple[bool, bool, bool, str]: ...

# -- scanning for leaked keys --
_Place = tuple[Optional[int], str, Optional[int], Optional[str], Optional[str], Optional[str]]
_FindingRow = tuple[str, int, int, int, str, Optional[str], str, bool, bool, Optional[_Place]]

def scan_paths(
    paths: list[_Path],
    *,
    known: list[tuple[str, str, str]],
    registered: Optional[Masker] = None,
    max_size: int,
    fix: bool,
    dotenv: bool,
    env_files: list[_Path],
    cwd: Optional[_Path] = None,
    threads: int = 0,
    rules: Optional[Rules] = None,
    rules_root: Optional[_Path] = None,
) -> tuple[list[_FindingRow], list[tuple[str, str, str]], tuple[int, int, int, int]]: ...
def find_in_source(
    text: str, masker: Optional[Masker] = None, rules: Optional[Rules] = None
) -> list[tuple[str, Optional[str], int, int, int, int]]: ...

_AllowRow = tuple[list[str], list[str], list[str], str, bool]
_RuleRow = tuple[
    str, Optional[str], int, list[str], Optional[float], Optional[str], list[_AllowRow]
]

@final
class Rules:
    """Compiled rules of a gitleaks configuration."""

    def __len__(self) -> int: ...

def compile_rules(
    rules: list[_RuleRow], allowlists: list[_AllowRow]
) -> tuple[Rules, list[tuple[str, str]]]: ...
def key_kinds() -> list[tuple[str, str, str]]: ...
