"""The extended key formats from Python: every kind is listed by
``_core.key_kinds()`` with its label and provider, generated keys of the new
formats are found in a cell's source (what the input guard asks), and the
placeholders people paste into examples are not."""

from __future__ import annotations

import base64
import json
import random
import string

import pytest
from safekeys import _core
from safekeys.scanner.api import KINDS, find_in_source

RNG = random.Random(14)
ALNUM = string.ascii_letters + string.digits
TOKEN = ALNUM + "-_"
HEX = "0123456789abcdef"


def rand(n: int, alphabet: str = ALNUM) -> str:
    """Random characters: real-shaped, never a real key."""
    return "".join(RNG.choice(alphabet) for _ in range(n))


def b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


# The prefixes are split so this file itself holds no key-shaped literal.
GENERATED = {
    "groq-key": "gsk" + "_" + rand(52),
    "replicate-token": "r8" + "_" + rand(37),
    "perplexity-key": "pplx" + "-" + rand(48),
    "xai-key": "xai" + "-" + rand(80),
    "langsmith-key": "lsv2" + "_pt_" + rand(32, HEX) + "_" + rand(10, HEX),
    "huggingface-org-token": "api" + "_org_" + rand(34, string.ascii_letters),
    "openrouter-key": "sk-" + "or-v1-" + rand(64, HEX),
    "deepseek-key": "sk" + "-" + rand(32, HEX),
    "google-oauth-client-secret": "GOCSPX" + "-" + rand(27, TOKEN) + "Q",
    "gitlab-runner-token": "glrt" + "-" + rand(20),
    "npm-token": "npm" + "_" + rand(36),
    "sendgrid-key": "SG" + "." + rand(22) + "." + rand(43),
    "databricks-token": "dapi" + rand(32, HEX),
    "airtable-token": "pat" + rand(14) + "." + rand(64, HEX),
    "jwt": b64({"alg": "HS256", "typ": "JWT"})
    + "."
    + b64({"sub": rand(8, string.digits), "iat": 1700000000})
    + "."
    + rand(42, TOKEN)
    + "Q",
}

PLACEHOLDERS = [
    "AKIA" + "X" * 16,
    "AKIA" + "ABCDEFGHIJKLMNOP",
    "AIza" + "Sy" + string.ascii_lowercase + "1234567",
    "xoxb" + "-Slack_BOT_TOKEN",
    "xoxe" + ".xoxp-1-RANDOMSTRINGHERE",
    "sk-ant" + "-api03-your-api-key-here",
    "hf" + "_requiredCharacteristicTypesForDisplayMetadata",
]


def kinds_in(source: str) -> list[str]:
    return [hit.kind for hit in find_in_source(source)]


def test_every_kind_has_a_label_and_a_provider():
    rows = _core.key_kinds()
    ids = [kind for kind, _label, _provider in rows]
    assert len(ids) == len(set(ids))
    assert all(label and provider for _kind, label, provider in rows)
    for kind in GENERATED:
        assert kind in KINDS, kind


@pytest.mark.parametrize("kind", sorted(GENERATED))
def test_a_generated_key_is_found_in_a_cell(kind: str):
    key = GENERATED[kind]
    assert kinds_in(f'client = make(api_key="{key}")\n') == [kind]


def test_a_key_after_its_provider_name():
    key = rand(40)
    assert kinds_in(f'os.environ["COHERE_API_KEY"] = "{key}"\n') == ["cohere-key"]
    assert kinds_in(f'value = "{key}"\n') == []


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_placeholders_are_not_reported(placeholder: str):
    assert kinds_in(f'KEY = "{placeholder}"\n') == []


def test_near_misses_are_not_reported():
    groq = GENERATED["groq-key"]
    for text in [groq[:-1], "x" + groq, groq + "x", groq[:20] + "!" + groq[21:]]:
        assert "groq-key" not in kinds_in(f'k = "{text}"\n'), text
