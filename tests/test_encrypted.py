"""dotenvx-compatible encrypted ``.env`` values (issue 16).

Interop both ways with the real peers: python-dotenvx 2.0.1 reads what
``safekeys encrypt`` wrote; values sealed by the independent ``eciespy``
package (coincurve's libsecp256k1) and python-dotenvx's own published test
vector are read by safekeys. Then the failure cases (no key, wrong key,
tampered: a warning naming file, line and variable, never the plaintext;
``strict=True`` raises), ``_PLAIN`` names, ``$(...)`` never run, the key
looked up in a real gnome-keyring (safekeys' service and dotenvx's layout),
the commands' rewriting, and doctor.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import dotenvx
import ecies
import pytest
import safekeys
from safekeys import _core, _masking
from safekeys._errors import DotenvDecryptError
from safekeys.dotenv import encrypted

import dotenv as python_dotenv

# python-dotenvx's published test vector (tests/test_main.py of its repository).
VECTOR_PRIVATE = "a4547dcd9d3429615a3649bb79e87edb62ee6a74b007075e9141ae44f5fb412c"
VECTOR_PUBLIC = "03da6adce70a0e5b1b518357e8b5ecc9d85e79284908b4a87ed0c9974bcae60fa4"
VECTOR_WORLD = (
    "encrypted:BE9Y7LKANx77X1pv1HnEoil93fPa5c9rpL/1ps48uaRT9zM8VR6mHx9y"
    "M+HktKdsPGIZELuZ7rr2mn1gScsmWitppAgE/1lVprNYBCqiYeaTcKXjDUXU5"
    "LfsEsflnAsDhT/kWG1l"
)

OPENAI_KEY = "sk-proj-FAKEencQ8w2Lr5Tn7Vb3Kc9Zd4Hy6Jp1Gs0"
PLAIN = {
    "OPENAI_API_KEY": OPENAI_KEY,
    "DB_HOST": "db.example.invalid",
    "GREETING": "hello world, with spaces",
    "UNICODE": "ünïcødé € \U0001f600",
    "WITH_EQUALS": "a=b=c",
    "LAST_ONE": "last-plain-value",
}
ENV_TEXT = (
    "# a comment that must survive\n"
    f"OPENAI_API_KEY={PLAIN['OPENAI_API_KEY']}\n"
    f"DB_HOST={PLAIN['DB_HOST']}\n"
    "\n"
    f"GREETING='{PLAIN['GREETING']}'\n"
    f'UNICODE="{PLAIN["UNICODE"]}"\n'
    f"export WITH_EQUALS={PLAIN['WITH_EQUALS']}\n"
    "APP_MODE_PLAIN=production\n"
    f"LAST_ONE={PLAIN['LAST_ONE']}\n"
)
NO_BUS = "unix:path=/nonexistent/safekeys-test-bus"


def run_cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m safekeys`` in ``cwd``; without ``env``, no keyring can be reached."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DOTENV_PRIVATE_KEY")}
    base.setdefault("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
    if env is None:
        base["DBUS_SESSION_BUS_ADDRESS"] = NO_BUS
    return subprocess.run(
        [sys.executable, "-m", "safekeys", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        input="",
        env={**base, **(env or {})},
    )


@pytest.fixture
def no_keys(monkeypatch, fresh_safekeys):
    """No private key in the environment, and no keyring to ask."""
    for name in list(os.environ):
        if name.startswith("DOTENV_PRIVATE_KEY"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SAFEKEYS_KEYRING", "0")
    monkeypatch.setenv("SAFEKEYS_HYGIENE", "0")


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "safekeys"]


def eciespy_pair() -> tuple[str, str]:
    sk = ecies.PrivateKey("secp256k1")
    return sk.to_hex(), sk.public_key.to_hex(compressed=True)


def eciespy_value(public: str, plaintext: str) -> str:
    sealed = ecies.encrypt(public, plaintext.encode("utf-8"))
    return "encrypted:" + base64.b64encode(sealed).decode("ascii")


# -- the format, byte for byte ---------------------------------------------------------


def test_the_published_vector_decrypts():
    assert _core.dotenvx_public_key(VECTOR_PRIVATE) == VECTOR_PUBLIC
    assert _core.dotenvx_decrypt(VECTOR_PRIVATE, VECTOR_WORLD) == "World"


def test_eciespy_and_safekeys_open_each_others_values():
    private, public = eciespy_pair()
    assert _core.dotenvx_public_key(private) == public
    for text in ["World", "", "ünïcødé \U0001f600", "x" * 5000, "line1\nline2"]:
        assert _core.dotenvx_decrypt(private, eciespy_value(public, text)) == text
        ours = _core.dotenvx_encrypt(public, text)
        raw = base64.b64decode(ours.removeprefix("encrypted:"), validate=True)
        # 65-byte uncompressed ephemeral key, 16-byte nonce, 16-byte tag, ciphertext.
        assert len(raw) == 65 + 16 + 16 + len(text.encode()) and raw[0] == 4
        assert ecies.decrypt(private, raw).decode("utf-8") == text


def test_a_new_key_pair_is_a_valid_pair():
    public, private = _core.dotenvx_keypair()
    assert len(public) == 66 and public[:2] in ("02", "03") and len(private) == 64
    assert _core.dotenvx_public_key(private) == public
    assert ecies.decrypt(private, base64.b64decode(_core.dotenvx_encrypt(public, "ok")[10:])) == (
        b"ok"
    )


def test_bad_keys_and_values_raise_our_error_without_values():
    sealed = _core.dotenvx_encrypt(VECTOR_PUBLIC, "hunter2-secret")
    other_private, _ = eciespy_pair()
    cases = {
        "wrong-key-or-tampered": (other_private, sealed),
        "invalid-private-key": ("not-a-key", sealed),
        "malformed": (VECTOR_PRIVATE, "encrypted:%%%"),
    }
    for reason, (key, value) in cases.items():
        with pytest.raises(DotenvDecryptError) as caught:
            _core.dotenvx_decrypt(key, value)
        assert caught.value.reason == reason
        assert "hunter2" not in str(caught.value) and key not in str(caught.value)
    with pytest.raises(DotenvDecryptError) as caught:
        _core.dotenvx_encrypt("04abcd", "x")
    assert caught.value.reason == "invalid-public-key"
    # A list of keys: a wrong one first does not stop the right one.
    assert _core.dotenvx_decrypt(f"{other_private},{VECTOR_PRIVATE}", VECTOR_WORLD) == "World"


# -- safekeys writes, python-dotenvx reads ---------------------------------------------


def test_a_file_encrypted_by_safekeys_reads_the_same_in_python_dotenvx(tmp_path, no_keys):
    env = tmp_path / ".env"
    env.write_text(ENV_TEXT, encoding="utf-8")
    (tmp_path / ".git").mkdir()  # a work tree: --keys-file must git-ignore .env.keys
    done = run_cli("encrypt", "--keys-file", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = env.read_text(encoding="utf-8")
    for value in PLAIN.values():
        assert value not in text
    assert "# a comment that must survive\n" in text and "APP_MODE_PLAIN=production\n" in text
    assert '\nexport WITH_EQUALS="encrypted:' in text
    keys = (tmp_path / ".env.keys").read_text()
    assert keys.startswith("DOTENV_PRIVATE_KEY=")
    private = keys.split('"')[1]
    assert private not in done.stdout + done.stderr
    assert (tmp_path / ".env.keys").stat().st_mode & 0o077 == 0
    assert ".env.keys" in (tmp_path / ".gitignore").read_text().splitlines()

    theirs = dotenvx.dotenv_values(env)
    expected = {**PLAIN, "APP_MODE_PLAIN": "production"}
    assert {k: theirs[k] for k in expected} == expected
    ours = safekeys.dotenv_values(env)
    assert {k: ours[k] for k in expected} == expected
    assert dict(python_dotenv.dotenv_values(stream=io.StringIO(ENV_TEXT))) == expected


def test_safekeys_reads_values_sealed_by_eciespy_and_the_vector(tmp_path, no_keys, monkeypatch):
    private, public = eciespy_pair()
    env = tmp_path / ".env.production"
    env.write_text(
        f'DOTENV_PUBLIC_KEY_PRODUCTION="{public}"\n'
        f'OPENAI_API_KEY="{eciespy_value(public, OPENAI_KEY)}"\n'
        f"WORLD={VECTOR_WORLD}\n",
        encoding="utf-8",
    )
    # Two keys, as dotenvx allows: the file's own and the vector's.
    (tmp_path / ".env.keys").write_text(
        f"DOTENV_PRIVATE_KEY_PRODUCTION={private},{VECTOR_PRIVATE}\n", encoding="utf-8"
    )
    (tmp_path / ".env.keys").chmod(0o600)
    values = safekeys.dotenv_values(env)
    assert values["OPENAI_API_KEY"] == OPENAI_KEY and values["WORLD"] == "World"
    theirs = dotenvx.dotenv_values(env)
    assert theirs["OPENAI_API_KEY"] == OPENAI_KEY and theirs["WORLD"] == "World"


# -- loading: environment first, masking, failures ---------------------------------------


def test_load_dotenv_decrypts_with_the_key_from_the_environment(tmp_path, no_keys, monkeypatch):
    code = "launch-code-48213"
    env = tmp_path / ".env"
    env.write_text(
        f"DOTENV_PUBLIC_KEY={VECTOR_PUBLIC}\n"
        f"LAUNCH_CODE={_core.dotenvx_encrypt(VECTOR_PUBLIC, code)}\nWORLD={VECTOR_WORLD}\n"
    )
    monkeypatch.setenv("DOTENV_PRIVATE_KEY", VECTOR_PRIVATE)
    monkeypatch.delenv("LAUNCH_CODE", raising=False)
    assert safekeys.load_dotenv(env) is True
    assert os.environ["LAUNCH_CODE"] == code and os.environ["WORLD"] == "World"
    assert safekeys.getenv("LAUNCH_CODE") == code
    # An ordinary name, an ordinary value: masked because it was encrypted, and so is the key.
    assert _masking.scrub(f"say {code}") == "say [masked:LAUNCH_CODE]"
    assert VECTOR_PRIVATE not in _masking.scrub(f"k={VECTOR_PRIVATE}")
    decisions = {d.name: d for d in _masking.registered()}
    assert decisions["LAUNCH_CODE"].masked
    assert decisions["LAUNCH_CODE"].source == encrypted.LABEL
    # Too short to mask (under 6 characters), as for any other source.
    assert not decisions["WORLD"].masked


def test_getenv_decrypts_the_nearest_env_without_load_dotenv(tmp_path, no_keys):
    (tmp_path / ".env").write_text(f"SERVICE_TOKEN={VECTOR_WORLD}\n")
    code = "import safekeys\nprint(safekeys.getenv('SERVICE_TOKEN'))\n"
    env = {k: v for k, v in os.environ.items() if k != "SERVICE_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={**env, "DOTENV_PRIVATE_KEY": VECTOR_PRIVATE},
    )
    assert done.stdout.strip() == "World"


@pytest.mark.parametrize("case", ["no-key", "wrong-key-or-tampered", "malformed"])
def test_a_value_that_does_not_decrypt_warns_with_file_line_and_name(
    case, tmp_path, no_keys, monkeypatch, caplog
):
    sealed = _core.dotenvx_encrypt(VECTOR_PUBLIC, "hunter2-plaintext")
    if case == "wrong-key-or-tampered":
        raw = bytearray(base64.b64decode(sealed[10:]))
        raw[-1] ^= 1
        sealed = "encrypted:" + base64.b64encode(bytes(raw)).decode()
        monkeypatch.setenv("DOTENV_PRIVATE_KEY", VECTOR_PRIVATE)
    elif case == "malformed":
        sealed = "encrypted:AAAA"
        monkeypatch.setenv("DOTENV_PRIVATE_KEY", VECTOR_PRIVATE)
    env = tmp_path / ".env"
    env.write_text(f"A=1\n\nexport SECRET_THING={sealed}\nB=2\n")
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        values = safekeys.dotenv_values(env)
    assert values["SECRET_THING"] == sealed and values["B"] == "2"
    (message,) = warnings_of(caplog)
    assert f"{env}, line 3: could not decrypt SECRET_THING" in message
    assert "hunter2" not in message and VECTOR_PRIVATE not in message
    if case == "no-key":
        assert "DOTENV_PRIVATE_KEY" in message
    with pytest.raises(DotenvDecryptError) as caught:
        safekeys.dotenv_values(env, strict=True)
    assert caught.value.reason == case and "line 3" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_commands_in_values_are_never_run(tmp_path, no_keys, monkeypatch):
    marker = tmp_path / "ran"
    payload = f"$(touch {marker})`touch {marker}`"
    env = tmp_path / ".env"
    env.write_text(
        f"CMD={_core.dotenvx_encrypt(VECTOR_PUBLIC, payload)}\nOTHER=$(touch {marker})\n"
    )
    monkeypatch.setenv("DOTENV_PRIVATE_KEY", VECTOR_PRIVATE)
    values = safekeys.dotenv_values(env)
    assert values["CMD"] == payload and values["OTHER"] == f"$(touch {marker})"
    assert not marker.exists()
    # The threat is real: python-dotenvx runs the same line through a shell.
    dotenvx.dotenv_values(stream=io.StringIO(f"OTHER=$(touch {marker})\n"))
    assert marker.exists()


def test_plain_files_never_import_the_module():
    code = (
        "import io, sys, safekeys\n"
        "safekeys.dotenv_values(stream=io.StringIO('A=1\\nB=encrypted-not\\n'))\n"
        "print('safekeys.dotenv.encrypted' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_env_specific_key_names():
    assert encrypted.key_names(".env") == ("DOTENV_PUBLIC_KEY", "DOTENV_PRIVATE_KEY")
    assert encrypted.key_names("a/.env.production")[1] == "DOTENV_PRIVATE_KEY_PRODUCTION"
    assert encrypted.key_names(".env.production.local")[1] == "DOTENV_PRIVATE_KEY_PRODUCTION_LOCAL"
    assert encrypted.key_names(None)[1] == "DOTENV_PRIVATE_KEY"


# -- the OS keyring (a real gnome-keyring) -------------------------------------------------


@pytest.fixture
def keyring_service(ring, monkeypatch, fresh_safekeys):
    name = f"safekeys-enc-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("SAFEKEYS_SERVICE", name)
    monkeypatch.delenv("SAFEKEYS_KEYRING", raising=False)
    monkeypatch.setenv("SAFEKEYS_HYGIENE", "0")
    for var in list(os.environ):
        if var.startswith("DOTENV_PRIVATE_KEY"):
            monkeypatch.delenv(var)
    monkeypatch.setattr(encrypted, "_keyring", None)
    return name


def test_encrypt_stores_the_key_in_the_keyring_and_loading_finds_it(
    keyring_service, ring, tmp_path, monkeypatch
):
    env = tmp_path / ".env"
    env.write_text(ENV_TEXT, encoding="utf-8")
    done = run_cli("encrypt", "-k", "OPENAI_API_KEY", cwd=tmp_path, env=dict(ring.env))
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / ".env.keys").exists()
    values = safekeys.dotenv_values(env, interpolate=False)
    public = values["DOTENV_PUBLIC_KEY"]
    user = encrypted.keyring_user(public)
    assert user in done.stdout and keyring_service in done.stdout
    private = _core.Keyring().get(keyring_service, user)
    assert private is not None and _core.dotenvx_public_key(private) == public
    assert private not in done.stdout + done.stderr
    text = env.read_text()
    assert OPENAI_KEY not in text and f"DB_HOST={PLAIN['DB_HOST']}\n" in text
    assert values["OPENAI_API_KEY"] == OPENAI_KEY

    shown = run_cli("keypair", cwd=tmp_path, env=dict(ring.env))
    assert shown.returncode == 0 and public in shown.stdout and private not in shown.stdout

    back = run_cli("decrypt", cwd=tmp_path, env=dict(ring.env))
    assert back.returncode == 0, back.stderr
    assert f"OPENAI_API_KEY='{OPENAI_KEY}'\n" in env.read_text()


def test_keys_stored_in_dotenvx_layout_are_found(keyring_service, tmp_path):
    _core.Keyring().set(encrypted.DOTENVX_SERVICE, VECTOR_PUBLIC, VECTOR_PRIVATE)
    try:
        env = tmp_path / ".env"
        env.write_text(f"DOTENV_PUBLIC_KEY={VECTOR_PUBLIC}\nHELLO={VECTOR_WORLD}\n")
        assert safekeys.dotenv_values(env)["HELLO"] == "World"
    finally:
        _core.Keyring().delete(encrypted.DOTENVX_SERVICE, VECTOR_PUBLIC)


def test_rotate_key_re_encrypts_with_a_new_pair(keyring_service, ring, tmp_path):
    env = tmp_path / ".env"
    env.write_text(ENV_TEXT, encoding="utf-8")
    assert run_cli("encrypt", cwd=tmp_path, env=dict(ring.env)).returncode == 0
    old_public = safekeys.dotenv_values(env, interpolate=False)["DOTENV_PUBLIC_KEY"]
    done = run_cli("rotate-key", cwd=tmp_path, env=dict(ring.env))
    assert done.returncode == 0, done.stderr
    values = safekeys.dotenv_values(env, interpolate=False)
    assert values["DOTENV_PUBLIC_KEY"] != old_public
    assert env.read_text().count("DOTENV_PUBLIC_KEY=") == 1
    assert {k: values[k] for k in PLAIN} == PLAIN


# -- the commands' rewriting ----------------------------------------------------------------


def test_encrypt_refuses_without_a_keyring_unless_asked_for_a_keys_file(tmp_path):
    env = tmp_path / ".env"
    env.write_text(ENV_TEXT, encoding="utf-8")
    done = run_cli("encrypt", cwd=tmp_path)
    assert done.returncode == 3 and "--keys-file" in done.stderr
    assert env.read_text(encoding="utf-8") == ENV_TEXT
    missing = run_cli("encrypt", "-k", "NOPE", "--keys-file", cwd=tmp_path)
    assert missing.returncode == 1 and env.read_text(encoding="utf-8") == ENV_TEXT


def test_decrypt_changes_nothing_when_one_value_fails(tmp_path):
    _other_private, other_public = eciespy_pair()
    text = (
        f"DOTENV_PUBLIC_KEY={VECTOR_PUBLIC}\nGOOD={VECTOR_WORLD}\n"
        f"BAD={eciespy_value(other_public, 'hunter2-x')}\n"
    )
    env = tmp_path / ".env"
    env.write_text(text)
    done = run_cli("decrypt", cwd=tmp_path, env={"DOTENV_PRIVATE_KEY": VECTOR_PRIVATE})
    assert done.returncode == 2 and "line 3, BAD" in done.stderr and "hunter2" not in done.stderr
    assert env.read_text() == text
    only = run_cli(
        "decrypt", "-k", "GOOD", cwd=tmp_path, env={"DOTENV_PRIVATE_KEY": VECTOR_PRIVATE}
    )
    assert only.returncode == 0, only.stderr
    assert "GOOD='World'\n" in env.read_text() and "BAD=encrypted:" in env.read_text()


# -- hygiene ----------------------------------------------------------------------------------


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_doctor_on_encrypted_env_and_keys_files(tmp_path):
    git("init", "-q", cwd=tmp_path)
    (tmp_path / ".env").write_text(f"DOTENV_PUBLIC_KEY={VECTOR_PUBLIC}\nTOKEN={VECTOR_WORLD}\n")
    (tmp_path / ".env").chmod(0o644)
    keys = tmp_path / ".env.keys"
    keys.write_text(f"DOTENV_PRIVATE_KEY={VECTOR_PRIVATE}\n")
    keys.chmod(0o644)
    done = run_cli("doctor", cwd=tmp_path)
    out = done.stdout
    assert "fine to commit" in out
    env_part = out.split(str(tmp_path / ".env") + ":")[1].split(str(keys))[0]
    assert "git does not ignore" not in env_part
    keys_part = out.split(str(keys) + ":")[1]
    assert "holds private keys and git does not ignore it" in keys_part
    assert "readable" in keys_part or "0644" in keys_part
    assert VECTOR_PRIVATE not in out + done.stderr
    git("add", "-f", ".env.keys", cwd=tmp_path)
    tracked = run_cli("doctor", cwd=tmp_path).stdout
    assert "private keys that decrypt the encrypted .env files" in tracked


def test_loading_warns_about_an_open_keys_file_not_the_encrypted_env(
    tmp_path, no_keys, monkeypatch, caplog
):
    from safekeys.dotenv import hygiene

    git("init", "-q", cwd=tmp_path)
    env = tmp_path / ".env"
    env.write_text(f"DOTENV_PUBLIC_KEY={VECTOR_PUBLIC}\nTOKEN={VECTOR_WORLD}\n")
    env.chmod(0o644)
    keys = tmp_path / ".env.keys"
    keys.write_text(f"DOTENV_PRIVATE_KEY={VECTOR_PRIVATE}\n")
    keys.chmod(0o644)
    monkeypatch.delenv("SAFEKEYS_HYGIENE")
    monkeypatch.setattr(hygiene, "_said", set())
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        assert safekeys.dotenv_values(env)["TOKEN"] == "World"
    messages = warnings_of(caplog)
    assert any(f"{keys} can be read by" in m and "private keys" in m for m in messages)
    assert any(f"{keys} holds private keys and git does not ignore it" in m for m in messages)
    assert not any(f"{env} " in m for m in messages), messages
    assert not any(VECTOR_PRIVATE in m for m in messages)
