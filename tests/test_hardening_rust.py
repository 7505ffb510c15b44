"""Checks of the Rust core that need Python: what crosses the binding.

No test here connects anywhere: addresses are under ``.invalid`` and a
client connects to nothing until a request is made.
"""

import fnmatch

import pytest
from safekeys import _core


@pytest.mark.parametrize("timeout", [1.8e19, float("inf"), float("nan"), 0.0, -1.0, 86400.5])
def test_vault_timeout_out_of_range_is_a_value_error(timeout):
    with pytest.raises(ValueError) as caught:
        _core.Vault("https://vault.invalid:8200", timeout=timeout)
    assert isinstance(caught.value, Exception)


@pytest.mark.parametrize("timeout", [1.8e19, float("inf"), float("nan"), 0.0, -1.0])
def test_keyring_timeout_out_of_range_is_a_value_error(timeout):
    with pytest.raises(ValueError):
        _core.Keyring(timeout=timeout)


def test_the_longest_timeout_is_accepted():
    assert _core.Vault("https://vault.invalid:8200", timeout=86400).timeout == 86400


def test_internal_error_is_an_ordinary_exception():
    assert issubclass(_core.InternalError, RuntimeError)


def test_doubling_values_raise_memory_error_without_the_value():
    lines = ["K0=" + "a" * 4] + [f"K{i}=${{K{i - 1}}}${{K{i - 1}}}" for i in range(1, 40)]
    with pytest.raises(MemoryError) as caught:
        _core.values_from_text(
            "\n".join(lines),
            interpolate=True,
            document_first=True,
            dialect="python-dotenv",
            environ={},
        )
    message = str(caught.value)
    assert "line 26" in message and "SAFEKEYS_MAX_VALUE_SIZE" in message
    assert "aaaa" not in message


def test_temp_mark_matches_dotenv_globs():
    name = ".env" + _core.TEMP_MARK + "1a2b3c4d"
    assert fnmatch.fnmatch(name, ".env*")


@pytest.mark.parametrize(
    ("address", "secret"),
    [
        ("user:PASSWORD1@vault.invalid:8200", "PASSWORD1"),
        ("ftp://u:PASSWORD2@vault.invalid", "PASSWORD2"),
        ("https://vault.invalid/?token=s.QUERYTOKEN", "QUERYTOKEN"),
    ],
)
def test_vault_errors_never_repeat_credentials(address, secret):
    with pytest.raises(Exception) as caught:
        _core.Vault(address)
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value.args)


@pytest.mark.parametrize(
    "address", ["http://localhost.:8200", "http://127.1:8200", "http://[::ffff:127.0.0.1]:8200"]
)
def test_plain_http_to_a_non_literal_loopback_is_insecure(address):
    with pytest.raises(Exception) as caught:
        _core.Vault(address)
    assert getattr(caught.value, "reason", None) == "insecure"
