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
    # This round: cloud, developer, payments and the gitleaks rules people hold.
    "aws-bedrock-key": "ABSK" + rand(132, ALNUM + "+/"),
    "alibaba-access-key-id": "LTAI" + rand(20),
    "digitalocean-token": "dop" + "_v1_" + rand(64, HEX),
    "heroku-key": "HRKU" + "-AA" + rand(57, TOKEN) + "Q",
    "vault-token": "hvs" + "." + rand(94, TOKEN) + "Q",
    "pulumi-token": "pul" + "-" + rand(40, HEX),
    "doppler-token": "dp" + ".pt." + rand(43),
    "age-secret-key": "AGE-SECRET" + "-KEY-1" + rand(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"),
    "azure-ad-client-secret": rand(3) + "8Q" + "~" + rand(34),
    "bitbucket-token": "ATBB" + rand(32),
    "atlassian-token": "ATATT3" + "xFfGF0" + rand(180),
    "shopify-token": "shpat" + "_" + rand(32, HEX),
    "sentry-token": "sntryu" + "_" + rand(64, HEX),
    "grafana-token": "glsa" + "_" + rand(32) + "_" + rand(8, HEX),
    "postman-key": "PMAK" + "-" + rand(24, HEX) + "-" + rand(34, HEX),
    "linear-key": "lin" + "_api_" + rand(40),
    "new-relic-key": "NRAK" + "-" + rand(27, string.ascii_uppercase + string.digits),
    "brevo-key": "xkeysib" + "-" + rand(64, HEX) + "-" + rand(16),
    "twitter-bearer-token": "A" * 22 + rand(90),
    "tavily-key": "tvly" + "-" + rand(32),
    "langfuse-secret-key": "sk-lf"
    + "-"
    + rand(8, HEX)
    + "-"
    + rand(4, HEX)
    + "-"
    + rand(4, HEX)
    + "-"
    + rand(4, HEX)
    + "-"
    + rand(12, HEX),
    "snowflake-token": "ver:1" + "-hint:" + rand(10, string.digits) + "-ETMsDg" + rand(80),
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


#: Keys without a prefix of their own, after the names people give them.
LABELLED = {
    "azure-storage-key": (
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key};"
        "EndpointSuffix=core.windows.net",
        rand(86, ALNUM + "+/") + "==",
    ),
    "azure-openai-key": ('os.environ["AZURE_OPENAI_API_KEY"] = "{key}"', rand(32, HEX)),
    "mailgun-key": ("MAILGUN_API_KEY={key}", "key" + "-" + rand(32, HEX)),
    "discord-bot-token": (
        "DISCORD_TOKEN = '{key}'",
        "M" + rand(25) + "." + rand(6) + "." + rand(38),
    ),
    "bitbucket-token": ("bitbucket_client_secret: {key}", rand(64)),
    "kaggle-key": ("KAGGLE_KEY={key}", rand(32, HEX)),
    "dotenv-private-key": ('DOTENV_PRIVATE_KEY="{key}"', rand(64, HEX)),
    "aws-secret-access-key": (
        'os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "{key}")',
        rand(20) + "/" + rand(18) + "Q",
    ),
}


@pytest.mark.parametrize("kind", sorted(LABELLED))
def test_a_labelled_key_is_found_after_its_name(kind: str):
    template, key = LABELLED[kind]
    assert kind in KINDS
    hits = find_in_source(template.format(key=key) + "\n")
    assert [h.kind for h in hits] == [kind]
    # Without its name the value is no key of this kind.
    assert kind not in kinds_in(f"value = {key!r}\n")


def test_dotenvx_private_keys_in_a_list_and_per_environment():
    one, two = rand(64, HEX), rand(64, HEX)
    source = f"DOTENV_PRIVATE_KEY={one},{two}\nDOTENV_PRIVATE_KEY_PRODUCTION='{two}'\n"
    assert kinds_in(source) == ["dotenv-private-key"] * 3
    # A public key (66 hex digits, compressed point) is no secret.
    assert kinds_in(f"DOTENV_PUBLIC_KEY={rand(66, HEX)}\n") == []


def test_labels_read_well_in_messages():
    labels = {kind: label for kind, label, _provider in _core.key_kinds()}
    assert labels["mailgun-key"] == "Mailgun API key"
    assert labels["aws-bedrock-key"] == "Amazon Bedrock API key"
    assert labels["azure-storage-key"] == "Azure storage account key"


SECRET_VALUE = rand(12) + "7" + rand(10) + "2"


@pytest.mark.parametrize(
    "source",
    [
        f'password = "{SECRET_VALUE}"',
        f"api_key: {SECRET_VALUE}",
        f'api_key: "{SECRET_VALUE}"',
        f"secret={SECRET_VALUE}",
        f'{{"client_secret": "{SECRET_VALUE}"}}',
        f'[database]\npassword = "{SECRET_VALUE}"',
        f"[server]\nauth_token={SECRET_VALUE}",
        f"export DB_PASSWORD='{SECRET_VALUE}'",
        f'conn = connect(user="me", password="{SECRET_VALUE}")',
        f'os.environ["SNOWFLAKE_PASSWORD"] = "{SECRET_VALUE}"',
    ],
)
def test_random_values_of_secret_named_settings(source: str):
    assert kinds_in(source + "\n") == ["secret-assignment"]


@pytest.mark.parametrize(
    "source",
    [
        'password = "your-password-here"',
        "password: ${DB_PASSWORD}",
        "password: '{{ vault_db_password }}'",
        'api_key = "<YOUR_API_KEY>"',
        'api_key = os.environ["OPENAI_API_KEY"]',
        'token = "GITHUB_TOKEN"',
        "secret_key = settings.SECRET_KEY",
        'password = "changeme12345"',
        'token_url = "https://oauth2.example.invalid/token"',
        'private_key = "keys/service-account.json"',
        "max_tokens = 4096",
        'tokenizer = "bert-base-uncased"',
        'password = "correct horse battery staple"',
        'secret = "0123456789abcdef"',
        'password_hash = "pbkdf2_sha256$260000$abcdefgh"',
        'if password == "Zq8xW2kLm4Np":',
        'DATABASE_URL = "postgres://user@db.invalid/app"',
    ],
)
def test_placeholders_references_and_code_are_not_secrets(source: str):
    assert kinds_in(source + "\n") == []
