"""The public masking API: mask, unmask, scrub, registered, and the policy."""

from __future__ import annotations

import io
import logging
import os

import pytest
import safekeys
from safekeys import _core, _masking

KEY = "sk-proj-FAKE9xQ2mLp7Rz4Kd8Wt1Vb6Nc3Hy5Js0Ga"


@pytest.fixture(autouse=True)
def fresh_engine(fresh_safekeys):
    """A new masker per test, and os.environ as it was afterwards."""


def test_mask_scrub_unmask():
    safekeys.mask(KEY, name="MY_KEY")
    assert safekeys.scrub(f"a {KEY} b {KEY[3:20]}") == "a [masked:MY_KEY] b [masked:MY_KEY]"
    [entry] = safekeys.registered()
    assert (entry.name, entry.source, entry.masked) == ("MY_KEY", "explicit", True)
    assert entry.length == len(KEY)
    assert entry.fingerprint == _core.fingerprint(KEY) and KEY not in repr(entry)
    assert safekeys.unmask("MY_KEY") is True
    assert safekeys.scrub(KEY) == KEY
    assert safekeys.unmask("MY_KEY") is False


def test_mask_refuses_short_values_and_non_strings():
    with pytest.raises(ValueError, match="under 6 characters"):
        safekeys.mask("12345")
    with pytest.raises(TypeError):
        safekeys.mask(b"bytes-are-not-text")  # type: ignore[arg-type]


def test_policy_by_name_shape_and_url():
    text = (
        f"OPENAI_API_KEY={KEY[:-4]}zzzz\n"
        "DEPLOY_BOT=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"
        "DATABASE_URL=postgres://app:hunter2-but-longer@db.invalid/x\n"
        "APP_MODE=production\n"
    )
    safekeys.load_dotenv(stream=io.StringIO(text), override=True)
    why = {d.name: (d.masked, d.why) for d in safekeys.registered()}
    assert why["OPENAI_API_KEY"] == (True, "name looks secret")
    assert why["DEPLOY_BOT"] == (True, "looks like a GitHub personal access token")
    assert why["DATABASE_URL"][0] is True
    assert why["APP_MODE"] == (False, "name and value look ordinary")
    out = safekeys.scrub("postgres://app:hunter2-but-longer@db.invalid/x")
    assert out == "postgres://app:[masked:DATABASE_URL]@db.invalid/x"


def test_short_secret_warns_only_when_masking_is_on(caplog):
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        safekeys.load_dotenv(stream=io.StringIO("MY_PASSWORD=abc\n"), override=True)
        assert caplog.records == []
        _masking.set_active(True)
        _masking.set_active(True)
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "MY_PASSWORD looks secret but is shorter than 6 characters, so it will not be masked"
    ]


def test_every_url_password_of_a_value_is_masked_and_nothing_else():
    # Found from outside: a JDBC scheme (its ':' made the URL unrecognised) and
    # the second password of a failover list were printed in full.
    text = (
        "C1=jdbc:mysql://app:JdbcFAKEpass9876@db.example.invalid/app\n"
        "C5=amqp://guest:AmqpFAKEpw99@mq.example.invalid,"
        "amqp://guest:SecondFAKEpw77@mq2.example.invalid\n"
        "C6=Url=https://svc:EmbeddedFAKE7@api.example.invalid;Timeout=30\n"
    )
    safekeys.load_dotenv(stream=io.StringIO(text), override=True)
    why = {d.name: d.why for d in safekeys.registered()}
    assert why["C1"] == "password in a URL (only the password is masked)"
    assert why["C5"] == "password in a URL (only the passwords are masked)"
    shown = safekeys.scrub(os.environ["C1"] + " " + os.environ["C5"] + " " + os.environ["C6"])
    for password in ("JdbcFAKEpass9876", "AmqpFAKEpw99", "SecondFAKEpw77", "EmbeddedFAKE7"):
        assert password not in shown
    assert "mq2.example.invalid" in shown and "jdbc:mysql://app:" in shown
