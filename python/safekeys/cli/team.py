"""``safekeys vault login|status`` and ``safekeys rotate``: the team store from a terminal.

A token, a secret ID or a value is never taken from the command line (it would
land in the shell's history) and never printed.
"""

from __future__ import annotations

import argparse
import os

from .._errors import KeyringError, VaultError
from ..stores import keyring, team
from .common import (
    DENIED,
    OK,
    UNAVAILABLE,
    USAGE,
    Failure,
    check_name,
    describe,
    keyring_failure,
    read_secret,
    read_value,
    team_store_failure,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .common import Command

VAULT_CODES = f"""\
Exit codes: {USAGE} a refused address (plain HTTP to a non-loopback host) or setting;
{UNAVAILABLE} the server or the OS keyring out of reach, the server sealed, or no token;
{DENIED} the store refused (permission denied, an expired or revoked token, a root
token not stored)."""

SETTINGS = """\
Settings: VAULT_ADDR (https://...; http:// only to localhost/127.0.0.1/[::1]),
VAULT_NAMESPACE, VAULT_CACERT (PEM CA bundle), SAFEKEYS_VAULT_PATH (mount and
prefix, default secret/safekeys: key NAME is the KV v2 secret
secret/safekeys/NAME, field "value"), SAFEKEYS_VAULT_TIMEOUT (seconds, default 5).
The token: $VAULT_TOKEN, else the OS keyring (VAULT_TOKEN), else ~/.vault-token."""


def _require_configured() -> None:
    if not team.configured():
        raise Failure(
            USAGE,
            "no team store configured: set VAULT_ADDR (e.g. https://vault.example.com:8200) "
            "and, if keys are not under secret/safekeys, SAFEKEYS_VAULT_PATH",
        )


def _duration(seconds: int) -> str:
    if seconds <= 0:
        return "never expires"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s"]
    return "".join(p for p in parts if p and (p != "0s" or not (hours or minutes)))


ROOT_REFUSAL = (
    "not storing a root token (policy 'root'): it can do anything on the server and "
    "never expires, so anyone or anything that reads your keyring could too. Log in "
    "with AppRole (--role-id) or store a scoped, short-lived token "
    "(bao token create -policy=<your policy> -ttl=8h -period=8h); "
    "pass --allow-root only on a throwaway dev server"
)


def cmd_login(args: argparse.Namespace) -> int:
    _require_configured()
    try:
        vault = team.client()
    except VaultError as err:
        raise team_store_failure(err, "log in") from None
    role_id = args.role_id or os.environ.get("VAULT_ROLE_ID", "").strip()
    if args.token and role_id:
        raise Failure(USAGE, "give either --token or an AppRole role ID, not both")
    service = keyring.service_name(getattr(args, "service", None))
    try:
        # Before logging in: a token made for a keyring that cannot hold it is wasted.
        keyring.handle().get(service, team.TOKEN_NAME)
    except KeyringError as err:
        if err.unavailable:
            raise keyring_failure(err, "log in: the token could not be stored") from None
    if role_id:
        secret_id = os.environ.get("VAULT_SECRET_ID", "").strip() or None
        if secret_id is None and not args.no_secret_id:
            secret_id = read_secret(f"AppRole secret ID for role {role_id} (hidden): ") or None
            if secret_id is None:
                raise Failure(
                    USAGE, "no secret ID given (pass --no-secret-id if the role needs none)"
                )
        try:
            token, ttl, renewable, policies = vault.approle_login(role_id, secret_id, args.mount)
        except VaultError as err:
            raise team_store_failure(err, f"log in with AppRole at {vault.address}") from None
        how = f"AppRole ({args.mount})"
    else:
        token = read_secret("Vault token (hidden): ")
        if not token:
            raise Failure(USAGE, "no token given: type it at the prompt, pipe it, or use --role-id")
        try:
            ttl, renewable, policies, _name, _expire = vault.lookup_self(token)
        except VaultError as err:
            raise team_store_failure(err, f"check the token with {vault.address}") from None
        how = "token"
    if "root" in policies and not args.allow_root:
        raise Failure(DENIED, ROOT_REFUSAL)
    try:
        keyring.handle().set(service, team.TOKEN_NAME, token)
    except KeyringError as err:
        raise keyring_failure(err, "store the token in the OS keyring") from None
    life = _duration(ttl) if ttl else "never expires"
    renew = "renewable" if renewable else "not renewable"
    print(
        f"Logged in to {vault.address} ({how}); stored the token in the OS keyring "
        f"(service {service!r}, name {team.TOKEN_NAME}): policies {', '.join(policies) or '-'}; "
        f"TTL {life}, {renew}."
    )
    if os.environ.get(team.TOKEN_NAME):
        print(f"Note: ${team.TOKEN_NAME} is set in this shell and is used before the keyring.")
    return OK


def cmd_status(args: argparse.Namespace) -> int:
    _require_configured()
    try:
        vault = team.client()
    except VaultError as err:
        raise team_store_failure(err, "use the team store") from None
    cacert = os.environ.get("VAULT_CACERT")
    if vault.tls:
        tls = f"TLS, verified against {cacert}" if cacert else "TLS, verified against public roots"
    else:
        tls = "plain HTTP (allowed: loopback address only)"
    rows = [
        ("Address", f"{vault.address} ({tls})"),
        ("Namespace", vault.namespace or "-"),
        ("Keys", f'{vault.path}/<NAME>, KV v2, field "value"'),
    ]
    code = OK
    try:
        initialized, sealed, standby, version = vault.health()
        state = "sealed" if sealed else "unsealed"
        if not initialized:
            state = "not initialized"
        rows.append(
            ("Server", f"version {version or '?'}, {state}{', standby' if standby else ''}")
        )
    except VaultError as err:
        rows.append(("Server", str(err)))
        code = UNAVAILABLE if err.unavailable else DENIED
    token, origin, problems = team.find_token(getattr(args, "service", None))
    if token is None:
        rows.append(("Token", "none found ($VAULT_TOKEN, the OS keyring, ~/.vault-token)"))
        rows.extend(("", p) for p in problems)
        code = code or UNAVAILABLE
    elif code == OK:
        try:
            ttl, renewable, policies, name, _expire = vault.lookup_self(token)
            renew = "renewable" if renewable else "not renewable"
            rows.append(
                ("Token", f"from {origin}: {name or '-'}, policies {', '.join(policies) or '-'}")
            )
            rows.append(("TTL", f"{_duration(ttl)}, {renew}"))
            if "root" in policies:
                rows.append(("Warning", "a root token: use a scoped one (safekeys vault login)"))
        except VaultError as err:
            rows.append(("Token", f"from {origin}: {err}"))
            code = UNAVAILABLE if err.unavailable else DENIED
    else:
        rows.append(("Token", f"from {origin} (not checked: the server did not answer)"))
    width = max(len(label) for label, _ in rows)
    for label, text in rows:
        print(f"{(label + ':') if label else '':<{width + 1}} {text}")
    return code


def cmd_rotate(args: argparse.Namespace) -> int:
    name = args.name
    check_name(name)
    _require_configured()
    value = read_value(name)
    if not value:
        raise Failure(USAGE, f"nothing written: the new value for {name} is empty")
    try:
        vault = team.client()
        version = team.rotate(name, value)
    except VaultError as err:
        raise team_store_failure(err, f"rotate {name}") from None
    except ValueError as err:
        raise Failure(USAGE, str(err)) from None
    print(
        f"Wrote version {version} of {name} to {vault.path}/{name} at {vault.address}: "
        f"{describe(value)}. Running processes get it when their cache expires "
        f"(SAFEKEYS_VAULT_CACHE_TTL, {team.cache_ttl():g} s here)."
    )
    return OK


def _service_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a nested parser's default would overwrite `safekeys vault --service X`.
    parser.add_argument(
        "--service",
        default=argparse.SUPPRESS,
        help="keyring service for the token (default: $SAFEKEYS_SERVICE, else 'safekeys')",
    )


def register(command: Command) -> None:
    """Add ``vault login``, ``vault status`` and ``rotate`` to the ``safekeys`` parser."""
    formatter = argparse.RawDescriptionHelpFormatter
    p = command(
        "vault",
        "Log in to the team store (OpenBao / Vault) and show its status.",
        f"{SETTINGS}\n\n{VAULT_CODES}",
    )
    actions = p.add_subparsers(dest="vault_action", metavar="ACTION")
    actions.required = True

    login = actions.add_parser(
        "login",
        help="get a scoped token (AppRole, or one you paste) and store it in the OS keyring",
        description=(
            "Log in with AppRole (--role-id or $VAULT_ROLE_ID; the secret ID from\n"
            "$VAULT_SECRET_ID, a hidden prompt or standard input), or check a token you\n"
            "paste (hidden prompt or standard input), then store the token in the OS\n"
            "keyring as VAULT_TOKEN, where safekeys.getenv finds it. A root token is\n"
            "refused unless --allow-root: it never expires and can do anything.\n\n"
            f"{SETTINGS}\n\n{VAULT_CODES}"
        ),
        formatter_class=formatter,
    )
    login.add_argument("--role-id", help="AppRole role ID (not secret; default $VAULT_ROLE_ID)")
    login.add_argument(
        "--mount", default="approle", help="where AppRole is mounted (default: approle)"
    )
    login.add_argument(
        "--no-secret-id",
        action="store_true",
        help="the role needs no secret ID (bind_secret_id=false)",
    )
    login.add_argument(
        "--token", action="store_true", help="store a token read from a hidden prompt or stdin"
    )
    login.add_argument("--allow-root", action="store_true", help="store even a root token")
    _service_option(login)
    login.set_defaults(func=cmd_login)

    status = actions.add_parser(
        "status",
        help="address, TLS, server state, the token's policies and TTL (never the token)",
        description=f"Show how safekeys reaches the team store.\n\n{SETTINGS}\n\n{VAULT_CODES}",
        formatter_class=formatter,
    )
    _service_option(status)
    status.set_defaults(func=cmd_status)

    p = command(
        "rotate",
        "Write a new value of a key to the team store (a new KV v2 version).",
        "The value is read from a hidden prompt, or from standard input when it is not a\n"
        "terminal (one trailing newline is dropped); never from the command line:\n"
        "    safekeys rotate OPENAI_API_KEY\n"
        "    pass show openai-new | safekeys rotate OPENAI_API_KEY\n"
        "Earlier versions stay in the store's history. Running notebooks keep masking\n"
        "the value they had and pick up the new one when their cache expires.\n\n"
        f"{SETTINGS}\n\n{VAULT_CODES}",
    )
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_rotate)
