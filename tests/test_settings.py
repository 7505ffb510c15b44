"""The SAFEKEYS_* switches: one set of words everywhere, a warning for the rest."""

from __future__ import annotations

import logging

import pytest
import safekeys
from safekeys import _settings
from safekeys.stores import keyring, team

YES = ["1", "true", "TRUE", "t", "yes", "Y", "on", " On "]
NO = ["0", "false", "False", "f", "no", "N", "off", " OFF "]


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch, fresh_safekeys):
    monkeypatch.setattr(_settings, "_warned", set())


# Each switch, with the function that reads it and its default.
SWITCHES = [
    ("SAFEKEYS_STRICT", _settings.strict, False),
    ("SAFEKEYS_HYGIENE", _settings.hygiene, True),
    ("SAFEKEYS_KEYRING", _settings.keyring, True),
    ("SAFEKEYS_VAULT", _settings.team_store, True),
    ("SAFEKEYS_BLOCK_LITERAL_KEYS", _settings.block_literal_keys, False),
]


@pytest.mark.parametrize("variable, read, default", SWITCHES)
def test_every_switch_takes_the_same_words(monkeypatch, variable, read, default):
    monkeypatch.delenv(variable, raising=False)
    assert read() is default
    for word in YES:
        monkeypatch.setenv(variable, word)
        assert read() is True, word
    for word in NO:
        monkeypatch.setenv(variable, word)
        assert read() is False, word
    monkeypatch.setenv(variable, "  ")
    assert read() is default


@pytest.mark.parametrize("variable, read, default", SWITCHES)
def test_a_word_it_does_not_know_warns_once_and_keeps_the_default(
    monkeypatch, caplog, variable, read, default
):
    monkeypatch.setenv(variable, "sometimes")
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        assert read() is default
        assert read() is default
    warnings = [r.getMessage() for r in caplog.records if variable in r.getMessage()]
    assert len(warnings) == 1
    assert "'sometimes'" in warnings[0] and "using the default" in warnings[0]


def test_strict_on_now_means_strict(monkeypatch, tmp_path):
    # SAFEKEYS_STRICT=on used to count as off; it is one of the yes words now.
    monkeypatch.setenv("SAFEKEYS_STRICT", "on")
    with pytest.raises(FileNotFoundError):
        safekeys.load_dotenv(tmp_path / "missing.env")


def test_the_keyring_and_team_store_read_their_switches(monkeypatch):
    monkeypatch.setenv("SAFEKEYS_KEYRING", "off")
    assert keyring.enabled() is False
    monkeypatch.setenv("VAULT_ADDR", "https://vault.invalid:8200")
    monkeypatch.setenv("SAFEKEYS_VAULT", "no")
    assert team.configured() is False
    monkeypatch.setenv("SAFEKEYS_VAULT", "yes")
    assert team.configured() is True


@pytest.mark.parametrize("raw", ["-1", "nan", "inf", "1.8e19", "soon", "86401"])
def test_a_number_out_of_range_warns_and_keeps_the_default(monkeypatch, caplog, raw):
    monkeypatch.setenv("SAFEKEYS_VAULT_CACHE_TTL", raw)
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        assert team.cache_ttl() == team.DEFAULT_CACHE_TTL
    assert any("SAFEKEYS_VAULT_CACHE_TTL" in r.getMessage() for r in caplog.records)


def test_numbers_in_range_are_used(monkeypatch):
    monkeypatch.setenv("SAFEKEYS_VAULT_CACHE_TTL", "0")
    assert team.cache_ttl() == 0.0
    monkeypatch.setenv("SAFEKEYS_VAULT_TIMEOUT", "2.5")
    assert _settings.team_store_timeout() == 2.5
    monkeypatch.setenv("SAFEKEYS_KEYRING_TIMEOUT", "0")  # a timeout must be positive
    assert _settings.keyring_timeout() is None


def test_a_warning_shows_only_a_prefix_of_what_the_variable_holds(monkeypatch, caplog):
    pasted = "sk-proj-FAKE0123456789abcdefghijklmnop"
    monkeypatch.setenv("SAFEKEYS_STRICT", pasted)
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        _settings.strict()
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "SAFEKEYS_STRICT" in text
    assert pasted not in text and pasted[8:] not in text


def test_a_huge_timeout_is_a_warning_not_a_panic(monkeypatch, caplog, tiny_vault):
    # 1.8e19 seconds overflowed a Rust Duration when a request's deadline was
    # computed: PanicException, which `except Exception` does not catch.
    monkeypatch.setenv("SAFEKEYS_VAULT_TIMEOUT", "1.8e19")
    with caplog.at_level(logging.WARNING, logger="safekeys"):
        assert safekeys.getenv("SAFEKEYS_TEST_UNSET_NAME", "default") == "default"
    assert any("SAFEKEYS_VAULT_TIMEOUT" in r.getMessage() for r in caplog.records)
