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
