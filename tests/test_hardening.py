"""Hardening (issue 13), the parts that live in Python: no registered secret in
a team-store error, whatever the server quotes back."""

from __future__ import annotations

import logging

import pytest
import safekeys

ECHOED = "sk-proj-FAKEechoedByTheServer0123456789ab"


@pytest.mark.parametrize("status", [400, 500])
def test_a_server_error_quoting_a_registered_secret_is_scrubbed(
    fresh_safekeys, tiny_vault, caplog, status
):
    safekeys.mask(ECHOED, name="ECHOED_KEY")
    body = f'{{"errors":["value {ECHOED} is not allowed here"]}}'
    tiny_vault.replies["/safekeys/SOME_NAME"] = (status, body)
    shown = []
    with caplog.at_level(logging.DEBUG, logger="safekeys"):
        try:
            shown.append(repr(safekeys.getenv("SOME_NAME")))
        except safekeys.VaultError as err:
            shown += [str(err), repr(err), *map(str, err.args)]
    shown += [record.getMessage() for record in caplog.records]
    text = "\n".join(shown)
    assert "is not allowed here" in text  # the server's words are still shown
    assert ECHOED[:12] not in text and ECHOED[-12:] not in text


PASTED = "sk-proj-FAKEpastedWhereTheName9Belongs0123"


@pytest.mark.parametrize(
    "call",
    [
        lambda: safekeys.getenv(PASTED),
        lambda: safekeys.require(PASTED),
        lambda: safekeys.store_key(PASTED, "value-of-it"),
    ],
    ids=["getenv", "require", "store_key"],
)
def test_a_key_passed_as_a_name_is_refused_without_repeating_it(fresh_safekeys, caplog, call):
    with caplog.at_level(logging.DEBUG, logger="safekeys"):
        with pytest.raises(ValueError) as caught:
            call()
    text = str(caught.value) + " ".join(r.getMessage() for r in caplog.records)
    assert "looks like a key" in text and PASTED[:12] not in text


def test_the_cli_refuses_a_key_typed_as_the_name():
    import subprocess
    import sys

    for command in (["set", PASTED], ["get", PASTED], ["delete", PASTED]):
        done = subprocess.run(
            [sys.executable, "-m", "safekeys", *command],
            input="a value\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, command
        assert "looks like a key" in done.stderr
        assert PASTED[:12] not in done.stdout + done.stderr
