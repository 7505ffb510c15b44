//! Well-known credential formats: the one list both the masking policy
//! (`known_shape`, asked by `classify`) and the scanner (`find`) use.
//!
//! Finding them in bulk text: one Aho-Corasick automaton over the literal
//! prefixes finds candidates (its SIMD prefilter skips most bytes), then a
//! hand-written check of the characters after the prefix and of the
//! boundaries either side decides. Random-looking data (hashes, UUIDs,
//! base64 payloads) cannot pass the boundary checks: a key must not be glued
//! to letters or digits on either side.

use super::assign;
use super::kinds::{self, Kind};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// One part of a key's body, after its literal prefix.
#[derive(Clone, Copy)]
pub enum Part {
    /// `min..=max` characters of a class. Inside the body at most `max` are
    /// taken (the next part may continue in the same class, as Notion's
    /// digits then letters do); the last part must end there, standing alone.
    Run(fn(u8) -> bool, usize, usize),
    /// A literal separator (`.` in SendGrid's keys, `/` in a webhook URL).
    Lit(&'static str),
}

use Part::{Lit, Run};

/// A well-known credential format: a literal prefix and a body.
pub struct Shape {
    /// Stable id used in reports: `openai-key` (the `id` of its `Kind`).
    pub kind: &'static str,
    /// What a person reads: "OpenAI API key".
    pub label: &'static str,
    /// Who issues it: "OpenAI".
    pub provider: &'static str,
    pub prefix: &'static str,
    body: &'static [Part],
    /// The body must mix character classes like a random token does (else
    /// only the placeholder checks of `plausible` apply: an AWS id is upper
    /// case and digits only, and may lack digits).
    random: bool,
    /// Reported by the scanner (a test-mode key is masked but not a leak).
    report: bool,
}

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// GitLab's routable tokens end in `.<2><7>` after the random part.
fn gitlab_char(b: u8) -> bool {
    token_char(b) || b == b'.'
}

/// A Discord bot's id in base64 starts `M`, `N` or `O` (ids of 2^58 and up).
fn discord_id_start(b: u8) -> bool {
    matches!(b, b'M' | b'N' | b'O')
}

/// X's bearer tokens: base64 with `%` escapes.
fn twitter_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'%'
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn letter(b: u8) -> bool {
    b.is_ascii_alphabetic()
}

fn digit(b: u8) -> bool {
    b.is_ascii_digit()
}

/// Lower-case hexadecimal, as the providers below print their keys.
fn hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn any_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Base64 with its padding, as Bedrock's and Azure's keys are printed.
fn base64_padded(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/' || b == b'+' || b == b'='
}

/// Azure AD client secrets: letters, digits and `_~.-`.
fn azure_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_~.-".contains(&b)
}

/// Bech32 (age's keys), upper case as age prints its secret keys.
fn bech32_upper(b: u8) -> bool {
    b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".contains(&b)
}

/// Base64url with padding and dots (Snowflake's, Atlassian's tokens).
fn token_padded(b: u8) -> bool {
    token_char(b) || b == b'=' || b == b'.' || b == b'/' || b == b'+' || b == b':'
}

/// A format of `kind`, labelled and attributed as the kind is.
const fn shape(kind: Kind, prefix: &'static str, body: &'static [Part]) -> Shape {
    Shape {
        kind: kind.id,
        label: kind.label,
        provider: kind.provider,
        prefix,
        body,
        random: true,
        report: true,
    }
}

/// An AWS access key id: four letters, then 16 characters. AWS prints
/// base32 (`A-Z`, `2-7`); upper case and any digit are accepted, as before,
/// since hand-made fixtures (and this project's own tests) use `0`, `1`,
/// `8` and `9`.
const fn aws_id(prefix: &'static str, label: &'static str) -> Shape {
    Shape {
        random: false,
        label,
        ..shape(
            kinds::AWS_ACCESS_KEY_ID,
            prefix,
            &[Run(upper_alnum, 16, 16)],
        )
    }
}

/// Longer prefixes first, and of one prefix the stricter format first:
/// `known_shape` and the scanner take the first that fits.
pub const SHAPES: &[Shape] = &[
    shape(kinds::ANTHROPIC_KEY, "sk-ant-", &[Run(token_char, 20, 400)]),
    shape(
        kinds::OPENAI_PROJECT_KEY,
        "sk-proj-",
        &[Run(token_char, 20, 400)],
    ),
    // 64 hex digits after a version, as OpenRouter prints them.
    shape(kinds::OPENROUTER_KEY, "sk-or-v1-", &[Run(hex, 64, 64)]),
    // DeepSeek's keys are `sk-` and 32 hex digits; OpenAI's never were hex
    // only, so the stricter shape is asked first.
    shape(kinds::DEEPSEEK_KEY, "sk-", &[Run(hex, 32, 32)]),
    shape(kinds::OPENAI_KEY, "sk-", &[Run(token_char, 20, 400)]),
    shape(kinds::GROQ_KEY, "gsk_", &[Run(alnum, 52, 52)]),
    shape(kinds::REPLICATE_TOKEN, "r8_", &[Run(alnum, 37, 37)]),
    shape(kinds::PERPLEXITY_KEY, "pplx-", &[Run(alnum, 48, 48)]),
    shape(kinds::XAI_KEY, "xai-", &[Run(alnum, 80, 80)]),
    // `lsv2_pt_` (personal) or `lsv2_sk_` (service): 32 hex, `_`, 10 hex.
    shape(
        kinds::LANGSMITH_KEY,
        "lsv2_pt_",
        &[Run(hex, 32, 32), Lit("_"), Run(hex, 10, 10)],
    ),
    shape(
        kinds::LANGSMITH_KEY,
        "lsv2_sk_",
        &[Run(hex, 32, 32), Lit("_"), Run(hex, 10, 10)],
    ),
    // `pcsk_`, a short key id, `_`, the secret; the lengths are not
    // documented, so the ranges are wide and the body must look random.
    shape(
        kinds::PINECONE_KEY,
        "pcsk_",
        &[Run(alnum, 4, 10), Lit("_"), Run(alnum, 40, 100)],
    ),
    shape(
        kinds::HUGGINGFACE_ORG_TOKEN,
        "api_org_",
        &[Run(letter, 34, 34)],
    ),
    shape(kinds::GITHUB_TOKEN, "ghp_", &[Run(alnum, 30, 255)]),
    shape(kinds::GITHUB_OAUTH_TOKEN, "gho_", &[Run(alnum, 30, 255)]),
    shape(kinds::GITHUB_USER_TOKEN, "ghu_", &[Run(alnum, 30, 255)]),
    shape(kinds::GITHUB_SERVER_TOKEN, "ghs_", &[Run(alnum, 30, 255)]),
    shape(kinds::GITHUB_REFRESH_TOKEN, "ghr_", &[Run(alnum, 30, 255)]),
    shape(
        kinds::GITHUB_FINE_GRAINED_TOKEN,
        "github_pat_",
        &[Run(alnum_underscore, 30, 255)],
    ),
    shape(kinds::GITLAB_TOKEN, "glpat-", &[Run(gitlab_char, 20, 300)]),
    aws_id("AKIA", "AWS access key id"),
    aws_id("ASIA", "AWS temporary access key id"),
    aws_id("ABIA", "AWS STS service bearer token id"),
    aws_id("ACCA", "AWS context-specific credential id"),
    // `A3T` and one more character, then the 16 of every id.
    Shape {
        random: false,
        label: "AWS access key id",
        ..shape(
            kinds::AWS_ACCESS_KEY_ID,
            "A3T",
            &[Run(upper_alnum, 1, 1), Run(upper_alnum, 16, 16)],
        )
    },
    shape(
        kinds::GOOGLE_OAUTH_SECRET,
        "GOCSPX-",
        &[Run(token_char, 28, 28)],
    ),
    // GitLab's token kinds: 20 characters, or the longer routable form
    // ending `.<2><7>` (hence `.` in the body).
    shape(
        kinds::GITLAB_RUNNER_TOKEN,
        "glrt-",
        &[Run(gitlab_char, 20, 300)],
    ),
    shape(
        kinds::GITLAB_DEPLOY_TOKEN,
        "gldt-",
        &[Run(gitlab_char, 20, 300)],
    ),
    shape(
        kinds::GITLAB_CI_JOB_TOKEN,
        "glcbt-",
        &[Run(alnum, 1, 5), Lit("_"), Run(gitlab_char, 20, 300)],
    ),
    shape(kinds::GITLAB_TRIGGER_TOKEN, "glptt-", &[Run(hex, 40, 40)]),
    shape(
        kinds::GITLAB_FEED_TOKEN,
        "glft-",
        &[Run(gitlab_char, 20, 300)],
    ),
    shape(
        kinds::GITLAB_SCIM_TOKEN,
        "glsoat-",
        &[Run(gitlab_char, 20, 300)],
    ),
    Shape {
        label: "GitLab feature-flag client token",
        ..shape(
            kinds::GITLAB_OTHER_TOKEN,
            "glffct-",
            &[Run(gitlab_char, 20, 300)],
        )
    },
    Shape {
        label: "GitLab incoming-mail token",
        ..shape(
            kinds::GITLAB_OTHER_TOKEN,
            "glimt-",
            &[Run(gitlab_char, 25, 300)],
        )
    },
    Shape {
        label: "GitLab agent token",
        ..shape(
            kinds::GITLAB_OTHER_TOKEN,
            "glagent-",
            &[Run(gitlab_char, 50, 300)],
        )
    },
    Shape {
        label: "GitLab OAuth application secret",
        ..shape(
            kinds::GITLAB_OTHER_TOKEN,
            "gloas-",
            &[Run(gitlab_char, 64, 300)],
        )
    },
    shape(kinds::NPM_TOKEN, "npm_", &[Run(alnum, 36, 36)]),
    // A macaroon whose first bytes say `pypi.org`: the prefix is fixed.
    shape(
        kinds::PYPI_TOKEN,
        "pypi-AgEIcHlwaS5vcmc",
        &[Run(token_char, 50, 1000)],
    ),
    shape(kinds::SLACK_TOKEN, "xoxb-", &[Run(token_char, 10, 255)]),
    shape(kinds::SLACK_TOKEN, "xoxa-", &[Run(token_char, 10, 255)]),
    shape(kinds::SLACK_TOKEN, "xoxp-", &[Run(token_char, 10, 255)]),
    shape(kinds::SLACK_TOKEN, "xoxr-", &[Run(token_char, 10, 255)]),
    // Legacy workspace tokens: `xoxs-`, three groups of digits, hex.
    shape(
        kinds::SLACK_TOKEN,
        "xoxs-",
        &[
            Run(digit, 1, 20),
            Lit("-"),
            Run(digit, 1, 20),
            Lit("-"),
            Run(digit, 1, 20),
            Lit("-"),
            Run(any_hex, 10, 80),
        ],
    ),
    // App-level: `xapp-<1>-<app id>-<digits>-<hex>`.
    shape(
        kinds::SLACK_APP_TOKEN,
        "xapp-",
        &[
            Run(digit, 1, 2),
            Lit("-"),
            Run(upper_alnum, 8, 14),
            Lit("-"),
            Run(digit, 8, 16),
            Lit("-"),
            Run(hex, 32, 80),
        ],
    ),
    // Configuration tokens and their refresh tokens: long alphanumerics.
    shape(
        kinds::SLACK_CONFIG_TOKEN,
        "xoxe.xoxp-",
        &[Run(digit, 1, 2), Lit("-"), Run(alnum, 140, 200)],
    ),
    shape(
        kinds::SLACK_CONFIG_TOKEN,
        "xoxe.xoxb-",
        &[Run(digit, 1, 2), Lit("-"), Run(alnum, 140, 200)],
    ),
    Shape {
        label: "Slack configuration refresh token",
        ..shape(
            kinds::SLACK_CONFIG_TOKEN,
            "xoxe-",
            &[Run(digit, 1, 2), Lit("-"), Run(alnum, 130, 200)],
        )
    },
    // The URL's secret parts: workspace, channel and the 24-character token
    // (the `https://` before the host is left to read).
    shape(
        kinds::SLACK_WEBHOOK,
        "hooks.slack.com/services/",
        &[
            Lit("T"),
            Run(upper_alnum, 8, 12),
            Lit("/B"),
            Run(upper_alnum, 8, 12),
            Lit("/"),
            Run(alnum, 24, 24),
        ],
    ),
    shape(
        kinds::DISCORD_WEBHOOK,
        "discord.com/api/webhooks/",
        &[Run(digit, 17, 20), Lit("/"), Run(token_char, 60, 80)],
    ),
    shape(
        kinds::DISCORD_WEBHOOK,
        "discordapp.com/api/webhooks/",
        &[Run(digit, 17, 20), Lit("/"), Run(token_char, 60, 80)],
    ),
    shape(
        kinds::SENDGRID_KEY,
        "SG.",
        &[Run(token_char, 22, 22), Lit("."), Run(token_char, 43, 43)],
    ),
    shape(kinds::DATABRICKS_TOKEN, "dapi", &[Run(hex, 32, 32)]),
    shape(
        kinds::NOTION_TOKEN,
        "ntn_",
        &[Run(digit, 11, 11), Run(alnum, 35, 35)],
    ),
    // Notion's older internal-integration secrets.
    shape(kinds::NOTION_TOKEN, "secret_", &[Run(alnum, 43, 43)]),
    shape(
        kinds::AIRTABLE_TOKEN,
        "pat",
        &[Run(alnum, 14, 14), Lit("."), Run(hex, 64, 64)],
    ),
    // Amazon Bedrock API keys: long-lived `ABSK` and base64, short-lived
    // `bedrock-api-key-` and the base64 of `bedrock.amazonaws.com...`.
    shape(
        kinds::AWS_BEDROCK_KEY,
        "ABSK",
        &[Run(base64_padded, 109, 272)],
    ),
    shape(
        kinds::AWS_BEDROCK_KEY,
        "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t",
        &[Run(base64_padded, 20, 4000)],
    ),
    shape(kinds::ALIBABA_ACCESS_KEY_ID, "LTAI", &[Run(alnum, 20, 20)]),
    shape(kinds::DIGITALOCEAN_TOKEN, "dop_v1_", &[Run(hex, 64, 64)]),
    shape(kinds::DIGITALOCEAN_TOKEN, "doo_v1_", &[Run(hex, 64, 64)]),
    shape(kinds::DIGITALOCEAN_TOKEN, "dor_v1_", &[Run(hex, 64, 64)]),
    shape(kinds::HEROKU_KEY, "HRKU-AA", &[Run(token_char, 58, 58)]),
    shape(kinds::FLYIO_TOKEN, "fo1_", &[Run(token_char, 43, 43)]),
    shape(kinds::FLYIO_TOKEN, "fm2_", &[Run(base64_padded, 100, 4000)]),
    shape(
        kinds::CLOUDFLARE_KEY,
        "v1.0-",
        &[Run(hex, 24, 24), Lit("-"), Run(hex, 146, 146)],
    ),
    shape(kinds::VAULT_TOKEN, "hvs.", &[Run(token_char, 90, 120)]),
    shape(kinds::VAULT_TOKEN, "hvb.", &[Run(token_char, 138, 300)]),
    shape(kinds::PULUMI_TOKEN, "pul-", &[Run(hex, 40, 40)]),
    shape(kinds::DOPPLER_TOKEN, "dp.pt.", &[Run(alnum, 43, 43)]),
    shape(kinds::DOPPLER_TOKEN, "dp.st.", &[Run(token_char, 40, 60)]),
    shape(kinds::DOPPLER_TOKEN, "dp.sa.", &[Run(alnum, 40, 60)]),
    shape(
        kinds::ONEPASSWORD_TOKEN,
        "ops_eyJ",
        &[Run(base64_padded, 250, 4000)],
    ),
    Shape {
        random: false,
        ..shape(
            kinds::AGE_SECRET_KEY,
            "AGE-SECRET-KEY-1",
            &[Run(bech32_upper, 58, 58)],
        )
    },
    // Atlassian: Bitbucket app passwords (`ATBB`), access tokens (`ATCTT`)
    // and Atlassian API tokens (`ATATT`), each ending in a checksum.
    shape(kinds::BITBUCKET_TOKEN, "ATBB", &[Run(alnum, 28, 40)]),
    shape(
        kinds::BITBUCKET_TOKEN,
        "ATCTT3xFfGN0",
        &[Run(token_padded, 150, 300)],
    ),
    shape(
        kinds::ATLASSIAN_TOKEN,
        "ATATT3xFfGF0",
        &[Run(token_padded, 150, 300)],
    ),
    shape(kinds::SHOPIFY_TOKEN, "shpat_", &[Run(any_hex, 32, 32)]),
    shape(kinds::SHOPIFY_TOKEN, "shpca_", &[Run(any_hex, 32, 32)]),
    shape(kinds::SHOPIFY_TOKEN, "shppa_", &[Run(any_hex, 32, 32)]),
    shape(kinds::SHOPIFY_TOKEN, "shpss_", &[Run(any_hex, 32, 32)]),
    shape(kinds::SENTRY_TOKEN, "sntryu_", &[Run(hex, 64, 64)]),
    shape(
        kinds::SENTRY_TOKEN,
        "sntrys_eyJ",
        &[Run(token_padded, 60, 600)],
    ),
    shape(kinds::GRAFANA_TOKEN, "glc_", &[Run(base64_padded, 32, 400)]),
    shape(
        kinds::GRAFANA_TOKEN,
        "glsa_",
        &[Run(alnum, 32, 32), Lit("_"), Run(any_hex, 8, 8)],
    ),
    shape(
        kinds::POSTMAN_KEY,
        "PMAK-",
        &[Run(any_hex, 24, 24), Lit("-"), Run(any_hex, 34, 34)],
    ),
    shape(kinds::PREFECT_KEY, "pnu_", &[Run(alnum, 36, 36)]),
    shape(kinds::RUBYGEMS_KEY, "rubygems_", &[Run(hex, 48, 48)]),
    shape(kinds::LINEAR_KEY, "lin_api_", &[Run(alnum, 40, 40)]),
    shape(
        kinds::PLANETSCALE_TOKEN,
        "pscale_tkn_",
        &[Run(token_padded, 32, 64)],
    ),
    shape(
        kinds::PLANETSCALE_TOKEN,
        "pscale_oauth_",
        &[Run(token_padded, 32, 64)],
    ),
    shape(
        kinds::PLANETSCALE_TOKEN,
        "pscale_pw_",
        &[Run(token_padded, 32, 64)],
    ),
    shape(
        kinds::DYNATRACE_TOKEN,
        "dt0c01.",
        &[Run(alnum, 24, 24), Lit("."), Run(alnum, 64, 64)],
    ),
    shape(kinds::NEW_RELIC_KEY, "NRAK-", &[Run(upper_alnum, 27, 27)]),
    shape(
        kinds::SOURCEGRAPH_TOKEN,
        "sgp_",
        &[Run(any_hex, 16, 16), Lit("_"), Run(any_hex, 40, 40)],
    ),
    shape(kinds::README_KEY, "rdme_", &[Run(alnum, 70, 70)]),
    shape(kinds::ARTIFACTORY_KEY, "AKCp", &[Run(alnum, 69, 69)]),
    shape(
        kinds::BREVO_KEY,
        "xkeysib-",
        &[Run(hex, 64, 64), Lit("-"), Run(alnum, 16, 16)],
    ),
    // Bearer tokens of X's API v2 start with 22 `A`s, then URL-encoded base64.
    Shape {
        random: true,
        ..shape(
            kinds::TWITTER_BEARER_TOKEN,
            "AAAAAAAAAAAAAAAAAAAAA",
            &[Run(twitter_char, 80, 120)],
        )
    },
    shape(kinds::SQUARE_TOKEN, "sq0atp-", &[Run(token_char, 22, 60)]),
    shape(kinds::SQUARE_TOKEN, "sq0csp-", &[Run(token_char, 43, 43)]),
    shape(kinds::SHIPPO_TOKEN, "shippo_live_", &[Run(any_hex, 40, 40)]),
    shape(kinds::EASYPOST_KEY, "EZAK", &[Run(alnum, 54, 54)]),
    shape(
        kinds::DUFFEL_TOKEN,
        "duffel_live_",
        &[Run(token_padded, 43, 43)],
    ),
    shape(
        kinds::MAPBOX_SECRET_TOKEN,
        "sk.eyJ",
        &[Run(token_char, 50, 120), Lit("."), Run(token_char, 22, 22)],
    ),
    shape(kinds::TAVILY_KEY, "tvly-dev-", &[Run(alnum, 28, 40)]),
    shape(kinds::TAVILY_KEY, "tvly-", &[Run(alnum, 28, 40)]),
    shape(
        kinds::LANGFUSE_SECRET_KEY,
        "sk-lf-",
        &[
            Run(hex, 8, 8),
            Lit("-"),
            Run(hex, 4, 4),
            Lit("-"),
            Run(hex, 4, 4),
            Lit("-"),
            Run(hex, 4, 4),
            Lit("-"),
            Run(hex, 12, 12),
        ],
    ),
    shape(kinds::CLICKHOUSE_KEY, "4b1d", &[Run(alnum, 38, 38)]),
    shape(
        kinds::SNOWFLAKE_TOKEN,
        "ver:1-hint:",
        &[Run(digit, 6, 20), Lit("-"), Run(token_padded, 30, 4000)],
    ),
    shape(
        kinds::SNOWFLAKE_TOKEN,
        "ver:2-hint:",
        &[Run(digit, 6, 20), Lit("-"), Run(token_padded, 30, 4000)],
    ),
    shape(kinds::GOOGLE_API_KEY, "AIza", &[Run(token_char, 35, 35)]),
    shape(kinds::HUGGINGFACE_TOKEN, "hf_", &[Run(alnum, 30, 255)]),
    shape(kinds::STRIPE_LIVE_KEY, "sk_live_", &[Run(alnum, 16, 255)]),
    shape(
        kinds::STRIPE_RESTRICTED_KEY,
        "rk_live_",
        &[Run(alnum, 16, 255)],
    ),
    Shape {
        report: false,
        ..shape(kinds::STRIPE_TEST_KEY, "sk_test_", &[Run(alnum, 16, 255)])
    },
    Shape {
        report: false,
        label: "Stripe restricted test key",
        ..shape(kinds::STRIPE_TEST_KEY, "rk_test_", &[Run(alnum, 16, 255)])
    },
];

/// A key without a prefix of its own, recognised after a variable or field
/// name containing one of `stems` (`COHERE_API_KEY = "..."`,
/// `os.environ["WANDB_API_KEY"] = "..."`): the name makes a 40-character
/// alphanumeric run a Cohere key rather than any token.
pub struct Labelled {
    pub kind: Kind,
    /// Name parts, in the spellings people write (the automaton is case
    /// sensitive: one pass for everything).
    stems: &'static [&'static str],
    /// The value's formats, the first that fits taken.
    bodies: &'static [&'static [Part]],
}

pub const LABELLED: &[Labelled] = &[
    Labelled {
        kind: kinds::COHERE_KEY,
        stems: &[
            "COHERE_API_KEY",
            "cohere_api_key",
            "CO_API_KEY",
            "co_api_key",
        ],
        bodies: &[&[Run(alnum, 40, 40)]],
    },
    Labelled {
        kind: kinds::MISTRAL_KEY,
        stems: &["MISTRAL_API_KEY", "mistral_api_key"],
        bodies: &[&[Run(alnum, 32, 32)]],
    },
    Labelled {
        kind: kinds::TOGETHER_KEY,
        stems: &["TOGETHER_API_KEY", "together_api_key"],
        bodies: &[&[Run(hex, 64, 64)]],
    },
    // W&B prints a 40-digit hex key; a SHA-1 has the same shape, so only
    // after W&B's own variable name.
    // An API key's SID (`SK` and 32 hex) names Twilio only by its variable.
    Labelled {
        kind: kinds::TWILIO_KEY,
        stems: &["TWILIO_API_KEY", "twilio_api_key"],
        bodies: &[&[Lit("SK"), Run(hex, 32, 32)]],
    },
    Labelled {
        kind: kinds::WANDB_KEY,
        stems: &["WANDB_API_KEY", "wandb_api_key"],
        bodies: &[&[Run(hex, 40, 40)]],
    },
    // Azure: storage account keys in connection strings (`AccountKey=`),
    // Azure OpenAI keys (32 hex digits, or the newer 84 characters).
    Labelled {
        kind: kinds::AZURE_STORAGE_KEY,
        stems: &["AccountKey", "ACCOUNT_KEY", "account_key", "accountKey"],
        bodies: &[&[Run(base64ish, 86, 86), Lit("==")]],
    },
    Labelled {
        kind: kinds::AZURE_OPENAI_KEY,
        stems: &["AZURE_OPENAI", "azure_openai", "AZURE_AI_", "AzureOpenAI"],
        bodies: &[&[Run(hex, 32, 32)], &[Run(alnum, 84, 84)]],
    },
    // Mailgun: `key-` and 32 hex digits (private API keys before 2023), or
    // `hex32-hex8-hex8` (newer keys and webhook signing keys).
    Labelled {
        kind: kinds::MAILGUN_KEY,
        stems: &["MAILGUN", "mailgun", "Mailgun"],
        bodies: &[
            &[Lit("key-"), Run(hex, 32, 32)],
            &[
                Run(hex, 32, 32),
                Lit("-"),
                Run(hex, 8, 8),
                Lit("-"),
                Run(hex, 8, 8),
            ],
        ],
    },
    // A bot token: the bot's id in base64, a timestamp, an HMAC.
    Labelled {
        kind: kinds::DISCORD_BOT_TOKEN,
        stems: &["DISCORD", "discord", "Discord"],
        bodies: &[&[
            Run(discord_id_start, 1, 1),
            Run(alnum, 23, 27),
            Lit("."),
            Run(token_char, 6, 7),
            Lit("."),
            Run(token_char, 27, 38),
        ]],
    },
    Labelled {
        kind: kinds::BITBUCKET_TOKEN,
        stems: &["BITBUCKET", "bitbucket", "Bitbucket"],
        bodies: &[&[Run(token_char, 64, 64)]],
    },
    Labelled {
        kind: kinds::DATADOG_KEY,
        stems: &[
            "DATADOG",
            "datadog",
            "DD_API_KEY",
            "DD_APP_KEY",
            "dd_api_key",
            "dd_app_key",
        ],
        bodies: &[&[Run(hex, 40, 40)], &[Run(hex, 32, 32)]],
    },
    Labelled {
        kind: kinds::KAGGLE_KEY,
        stems: &["KAGGLE_KEY", "kaggle_key"],
        bodies: &[&[Run(hex, 32, 32)]],
    },
    Labelled {
        kind: kinds::CLOUDFLARE_KEY,
        stems: &["CLOUDFLARE", "cloudflare", "CF_API_TOKEN", "CF_API_KEY"],
        bodies: &[&[Run(token_char, 40, 40)], &[Run(hex, 37, 37)]],
    },
    // dotenvx's private key: 64 hex digits, a comma-separated list allowed
    // (each one found).
    Labelled {
        kind: kinds::DOTENV_PRIVATE_KEY,
        stems: &["DOTENV_PRIVATE_KEY", "dotenv_private_key"],
        bodies: &[&[Run(any_hex, 64, 64)]],
    },
];

/// A key whose one literal part sits inside it: `before` characters of a
/// class, the `mark`, then `after`.
pub struct Infix {
    pub kind: Kind,
    mark: &'static str,
    before: (fn(u8) -> bool, usize),
    after: &'static [Part],
}

pub const INFIXES: &[Infix] = &[
    // Azure AD (Entra ID) client secrets: three characters, a digit, `Q~`,
    // then 31 to 34 more.
    Infix {
        kind: kinds::AZURE_AD_CLIENT_SECRET,
        mark: "Q~",
        before: (azure_char, 4),
        after: &[Run(azure_char, 31, 34)],
    },
    // Terraform Cloud: 14 characters, `.atlasv1.`, 60 to 70 more.
    Infix {
        kind: kinds::TERRAFORM_TOKEN,
        mark: ".atlasv1.",
        before: (alnum, 14),
        after: &[Run(token_padded, 60, 70)],
    },
];

/// A labelled value at `at`: the first of the label's formats that fits.
fn labelled_at(bytes: &[u8], at: usize, labelled: &'static Labelled) -> Option<Found> {
    labelled
        .bodies
        .iter()
        .find_map(|body| check_body(bytes, at, at, body, labelled.kind.id, true))
}

/// An infixed key around its mark at `mark_at`, not inside what was found
/// before `floor`.
fn infix_at(bytes: &[u8], mark_at: usize, floor: usize, infix: &Infix) -> Option<Found> {
    let (class, n) = infix.before;
    let start = mark_at.checked_sub(n)?;
    if start < floor || !bytes[start..mark_at].iter().all(|&b| class(b)) {
        return None;
    }
    // Standing alone: nothing of the key's own alphabet glued in front.
    let glued = start > 0 && class(bytes[start - 1]) && !bytes[start - 1].is_ascii_alphanumeric();
    if glued || !free_before(bytes, start) {
        return None;
    }
    if infix.kind.id == kinds::AZURE_AD_CLIENT_SECRET.id && !bytes[mark_at - 1].is_ascii_digit() {
        return None;
    }
    let hit = check_body(
        bytes,
        start,
        mark_at + infix.mark.len(),
        infix.after,
        infix.kind.id,
        true,
    )?;
    // The randomness test sees the whole key, the part before the mark too.
    random_enough(&bytes[start..hit.range.end]).then_some(hit)
}

pub const PEM_KIND: &str = kinds::PEM_PRIVATE_KEY.id;
pub const PEM_LABEL: &str = kinds::PEM_PRIVATE_KEY.label;
pub const URL_KIND: &str = kinds::URL_PASSWORD.id;
pub const AWS_SECRET_KIND: &str = kinds::AWS_SECRET_ACCESS_KEY.id;
pub const GENERIC_KIND: &str = kinds::SECRET_ASSIGNMENT.id;

/// The kind of well-known credential `value` is, if it is one: the masking
/// policy's question about a whole value, answered leniently (a prefix and
/// enough body characters) because masking a non-key costs little.
pub fn known_shape(value: &str) -> Option<&'static str> {
    let value = value.trim();
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY-----") {
        return Some(PEM_LABEL);
    }
    SHAPES
        .iter()
        .find_map(|shape| {
            let body = value.strip_prefix(shape.prefix)?.as_bytes();
            match_body(body, 0, shape.body, false).map(|_| shape.label)
        })
        .or_else(|| jwt_at(value.as_bytes(), 0).map(|_| kinds::JWT.label))
}

/// Where `parts` matched from `bytes[at..]` end, if they do. `strict` (the
/// scanner): the last run must end within its `max`; else (masking) any
/// longer run will do.
fn match_body(bytes: &[u8], mut at: usize, parts: &[Part], strict: bool) -> Option<usize> {
    for (i, part) in parts.iter().enumerate() {
        match *part {
            Lit(lit) => {
                if !bytes.get(at..)?.starts_with(lit.as_bytes()) {
                    return None;
                }
                at += lit.len();
            }
            Run(class, min, max) => {
                let last = i + 1 == parts.len();
                let limit = match (last, strict) {
                    (false, _) => max,
                    (true, true) => max + 1,
                    (true, false) => usize::MAX,
                };
                let run = bytes
                    .get(at..)?
                    .iter()
                    .take(limit)
                    .take_while(|&&b| class(b))
                    .count();
                if run < min || (last && strict && run > max) {
                    return None;
                }
                at += run;
            }
        }
    }
    Some(at)
}

/// One credential found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub kind: &'static str,
}

/// Labels (field names) after which a 40-character AWS secret key follows.
const AWS_SECRET_LABELS: &[&str] = &[
    "secret_access_key",
    "SECRET_ACCESS_KEY",
    "SecretAccessKey",
    "secretAccessKey",
    "aws_secret_key",
    "AWS_SECRET_KEY",
];
const PEM_BEGIN: &str = "-----BEGIN ";
/// Between a Telegram bot's id and its secret, which starts `AA`.
const TELEGRAM_MARK: &str = ":AA";
/// Base64url of `{"`, how every JSON Web Token's header starts.
const JWT_MARK: &str = "eyJ";
const URL_MARK: &str = "://";

/// What an automaton pattern index stands for.
enum Candidate {
    /// The formats sharing one prefix, in the order of `SHAPES`.
    Shapes(Vec<&'static Shape>),
    Labelled(&'static Labelled),
    Infix(&'static Infix),
    /// A secret-looking name part (`assign::NAMES`).
    Assign,
    AwsLabel,
    Telegram,
    Jwt,
    Pem,
    Url,
}

struct Prefilter {
    automaton: AhoCorasick,
    candidates: Vec<Candidate>,
    aws_secret: Regex,
}

fn prefilter() -> Option<&'static Prefilter> {
    static PREFILTER: OnceLock<Option<Prefilter>> = OnceLock::new();
    PREFILTER
        .get_or_init(|| {
            let mut literals: Vec<&str> = Vec::new();
            let mut candidates = Vec::new();
            // One literal per prefix: the automaton reports one pattern at a
            // place, so formats sharing a prefix are tried in turn.
            for shape in SHAPES.iter().filter(|s| s.report) {
                match literals.iter().position(|&l| l == shape.prefix) {
                    Some(at) => {
                        if let Some(Candidate::Shapes(group)) = candidates.get_mut(at) {
                            group.push(shape);
                        }
                    }
                    None => {
                        literals.push(shape.prefix);
                        candidates.push(Candidate::Shapes(vec![shape]));
                    }
                }
            }
            for labelled in LABELLED {
                for stem in labelled.stems {
                    literals.push(stem);
                    candidates.push(Candidate::Labelled(labelled));
                }
            }
            for infix in INFIXES {
                literals.push(infix.mark);
                candidates.push(Candidate::Infix(infix));
            }
            for label in AWS_SECRET_LABELS {
                literals.push(label);
                candidates.push(Candidate::AwsLabel);
            }
            for name in assign::NAMES {
                literals.push(name);
                candidates.push(Candidate::Assign);
            }
            literals.push(TELEGRAM_MARK);
            candidates.push(Candidate::Telegram);
            literals.push(JWT_MARK);
            candidates.push(Candidate::Jwt);
            literals.push(PEM_BEGIN);
            candidates.push(Candidate::Pem);
            literals.push(URL_MARK);
            candidates.push(Candidate::Url);
            // A DFA, asked for: with this many literals the builder would
            // pick an NFA, which scans code at half the speed (measured:
            // 67 against 130 MB/s on one core over site-packages' sources).
            let automaton = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&literals)
                .ok()?;
            let aws_secret = Regex::new(r"[A-Za-z0-9/+]{40,}").ok()?;
            Some(Prefilter {
                automaton,
                candidates,
                aws_secret,
            })
        })
        .as_ref()
}

/// Every well-known credential in `text`, in order, not overlapping.
pub fn find(text: &str) -> Vec<Found> {
    find_with(text, true)
}

/// `find`, with or without the secret-named assignments (a value they
/// found is searched again without them: a key format inside it is
/// reported as itself).
fn find_with(text: &str, assignments: bool) -> Vec<Found> {
    let mut found = Vec::new();
    let Some(pre) = prefilter() else {
        return found;
    };
    let bytes = text.as_bytes();
    let mut aws_ids: Vec<Range<usize>> = Vec::new();
    for m in pre.automaton.find_iter(bytes) {
        let (start, end, index) = (m.start(), m.end(), m.pattern().as_usize());
        if found.last().is_some_and(|f: &Found| start < f.range.end) {
            continue;
        }
        let Some(candidate) = pre.candidates.get(index) else {
            continue;
        };
        let hit = match candidate {
            Candidate::Shapes(group) => group
                .iter()
                .find_map(|s| check_shape(bytes, start, s))
                // `secret_key = ...` starts like Notion's `secret_` keys.
                .or_else(|| {
                    if !assignments {
                        return None;
                    }
                    let name = assign::NAMES
                        .iter()
                        .find(|n| bytes[start..].starts_with(n.as_bytes()))?;
                    assigned_secret(text, start..start + name.len())
                }),
            Candidate::Assign if assignments => assigned_secret(text, start..end),
            Candidate::Assign => None,
            Candidate::Labelled(labelled) => {
                let at = after_label(bytes, end);
                let Some(first) = at.and_then(|at| labelled_at(bytes, at, labelled)) else {
                    continue;
                };
                // `NAME=key1,key2`: each value of the list.
                let mut end = first.range.end;
                found.push(first);
                while bytes.get(end) == Some(&b',') {
                    let Some(more) = labelled_at(bytes, end + 1, labelled) else {
                        break;
                    };
                    end = more.range.end;
                    found.push(more);
                }
                continue;
            }
            Candidate::Infix(infix) => {
                let floor = found.last().map_or(0, |f: &Found| f.range.end);
                infix_at(bytes, start, floor, infix)
            }
            Candidate::AwsLabel => after_label(bytes, end).and_then(|at| aws_secret_at(bytes, at)),
            Candidate::Telegram => {
                let floor = found.last().map_or(0, |f: &Found| f.range.end);
                telegram_at(bytes, start, floor)
            }
            Candidate::Jwt => jwt_at(bytes, start),
            Candidate::Pem => pem_block(text, start),
            Candidate::Url => url_password(text, start),
        };
        if let Some(hit) = hit {
            if hit.kind == kinds::AWS_ACCESS_KEY_ID.id {
                aws_ids.push(hit.range.clone());
            }
            found.push(hit);
        }
    }
    if !aws_ids.is_empty() {
        aws_secrets_near(text, &pre.aws_secret, &aws_ids, &mut found);
    }
    found
}

/// The value of a secret-named setting whose name part is at `part`, when
/// it looks random: the key formats' randomness test, enough entropy for
/// its length, no placeholder words. A value that starts like a key format
/// is left to that format (reported as itself, or rejected as a
/// placeholder).
fn assigned_secret(whole: &str, part: Range<usize>) -> Option<Found> {
    let bytes = whole.as_bytes();
    let value = assign::value_after(bytes, part)?;
    let text = &bytes[value.clone()];
    let defer = SHAPES.iter().any(|s| text.starts_with(s.prefix.as_bytes()))
        || text.starts_with(JWT_MARK.as_bytes());
    if defer || !random_enough(text) || documentation_example(text) {
        return None;
    }
    let wanted = (text.len() as f64).log2() - 0.5;
    if entropy(text) < wanted.min(3.3) {
        return None;
    }
    // The value is ASCII (`plain_literal`), so its range cuts no character.
    if !find_with(&whole[value.clone()], false).is_empty() {
        return None;
    }
    Some(Found {
        range: value,
        kind: kinds::SECRET_ASSIGNMENT.id,
    })
}

/// Shannon entropy of `bytes`, in bits per byte (also what gitleaks'
/// `entropy` bound measures, for a configuration's rules).
pub fn entropy(bytes: &[u8]) -> f64 {
    let mut counts = [0usize; 256];
    for &b in bytes {
        counts[usize::from(b)] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether a key may start after `bytes[..start]`: not glued to a letter or
/// digit, except one that ends an escape such as `\n` in JSON or a repr.
fn free_before(bytes: &[u8], start: usize) -> bool {
    match start.checked_sub(1).map(|i| bytes[i]) {
        Some(b) if b.is_ascii_alphanumeric() => {
            (start >= 2 && bytes[start - 2] == b'\\') || ends_ansi_escape(&bytes[..start])
        }
        _ => true,
    }
}

/// Whether `before` ends with an ANSI colour sequence (`ESC [ 0;31 m`), as
/// in IPython's tracebacks; ESC itself may be written `\u001b`, `\x1b`,
/// `\033` or `\e` in escaped text.
fn ends_ansi_escape(before: &[u8]) -> bool {
    let Some((&last, rest)) = before.split_last() else {
        return false;
    };
    if !last.is_ascii_alphabetic() {
        return false;
    }
    let params = rest
        .iter()
        .rev()
        .take(16)
        .take_while(|&&b| b.is_ascii_digit() || b == b';')
        .count();
    let Some(rest) = rest[..rest.len() - params].strip_suffix(b"[") else {
        return false;
    };
    rest.ends_with(b"\x1b")
        || [
            &b"\\u001b"[..],
            b"\\u001B",
            b"\\x1b",
            b"\\x1B",
            b"\\033",
            b"\\e",
        ]
        .iter()
        .any(|esc| rest.ends_with(esc))
}

/// Whether a key may end at `end`: not glued to a following letter or digit.
fn free_after(bytes: &[u8], end: usize) -> bool {
    !bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Keys from providers' documentation (`AKIAIOSFODNN7EXAMPLE`,
/// `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`): published on purpose.
fn documentation_example(body: &[u8]) -> bool {
    memchr::memmem::find(body, b"EXAMPLE").is_some()
}

/// Two of digits, upper-case and lower-case letters (a random token has
/// them, words and slugs such as `sk-learn-tutorial-for-beginners` do not),
/// and `plausible`.
fn random_enough(body: &[u8]) -> bool {
    let digit = body.iter().any(u8::is_ascii_digit) as u8;
    let upper = body.iter().any(u8::is_ascii_uppercase) as u8;
    let lower = body.iter().any(u8::is_ascii_lowercase) as u8;
    digit + upper + lower >= 2 && plausible(body)
}

/// What a key's body must pass whatever its alphabet: a person typing a
/// placeholder writes `XXXX`, `abcdefgh`, `1234567` or words; a generator
/// almost never does.
fn plausible(body: &[u8]) -> bool {
    !patterned(body) && !wordy(body) && varied(body)
}

/// At least six different characters in a body of twelve or more: a random
/// key of any alphabet here has, `a1a1a1...` and `0000...` do not.
fn varied(body: &[u8]) -> bool {
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in body {
        if !seen[usize::from(b)] {
            seen[usize::from(b)] = true;
            distinct += 1;
        }
    }
    body.len() < 12 || distinct >= 6
}

/// Whether half the body or more is runs of four or more of one character
/// or of the alphabet or digits in order, either way (`XXXXXXXXXXXXXXXX`,
/// `ABCDEFGHIJKLMNOP`, `abcdefghijklmnopqrstuvwxyz1234567`). In order means
/// in ASCII order, case kept: a random key has such a run of four about once
/// in ten thousand characters, and never covering half of it; a key mixing
/// a few of them with random characters (test fixtures do) still passes.
fn patterned(body: &[u8]) -> bool {
    const RUN: usize = 4;
    let mut covered = 0;
    let mut i = 0;
    while i < body.len() {
        let longest = [0i16, 1, -1]
            .iter()
            .map(|&step| {
                let mut j = i + 1;
                while j < body.len()
                    && body[j].is_ascii_alphanumeric()
                    && body[j - 1].is_ascii_alphanumeric()
                    && i16::from(body[j]) - i16::from(body[j - 1]) == step
                {
                    j += 1;
                }
                j - i
            })
            .max()
            .unwrap_or(1);
        if longest >= RUN {
            covered += longest;
            i += longest;
        } else {
            i += 1;
        }
    }
    covered * 2 >= body.len() && !body.is_empty()
}

/// Words people write where a key goes: one of the long ones, or two of
/// the short ones, is a placeholder (`your-api-key-here`,
/// `RANDOMSTRINGHERE`, `Slack_BOT_TOKEN`).
const PLACEHOLDER_WORDS: &[&str] = &[
    "placeholder",
    "replace",
    "insert",
    "redacted",
    "example",
    "sample",
    "dummy",
    "random",
    "string",
    "secret",
    "token",
    "password",
    "changeme",
    "changeit",
    "default",
];
const SHORT_WORDS: &[&str] = &[
    "your", "here", "fake", "test", "demo", "slack", "real", "this", "with", "goes", "value",
    "mykey", "apikey",
];

/// Whether words make up the body: a placeholder word, two short ones, or
/// (in 24 characters or more: shorter random keys get there by chance)
/// three quarters of it in camel-case or lower-case words of five letters or
/// more with a word's share of vowels
/// (`requiredCharacteristicTypesForDisplayMetadata`). Random mixed-case
/// letters run four or five lower case in a row often enough that a looser
/// rule rejects real keys (a Hugging Face token is letters only); the
/// vowels, the clusters and the three quarters together they do not reach.
fn wordy(body: &[u8]) -> bool {
    // Written as people write words: `token`, `TOKEN` or `Token`; random
    // mixed case (`ToKEN`) is no word.
    let contains = |word: &str| {
        body.windows(word.len()).any(|w| {
            w.eq_ignore_ascii_case(word.as_bytes())
                && (w.iter().all(u8::is_ascii_lowercase)
                    || w.iter().all(u8::is_ascii_uppercase)
                    || w[1..].iter().all(u8::is_ascii_lowercase))
        })
    };
    if PLACEHOLDER_WORDS.iter().any(|w| contains(w))
        || SHORT_WORDS.iter().filter(|w| contains(w)).count() >= 2
    {
        return true;
    }
    // Letters in runs `[A-Z]?[a-z]{4,}` with vowels as words have them (a
    // third or so; random letters: one in five) and no more than three
    // consonants in a row (random letters often have four).
    let vowel = |b: &u8| b"aeiouyAEIOUY".contains(b);
    let mut in_words = 0;
    let mut i = 0;
    while i < body.len() {
        let start = i;
        if body[i].is_ascii_uppercase() {
            i += 1;
        }
        let lower = body[i..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase())
            .count();
        i += lower;
        let word = &body[start..i];
        let vowels = word.iter().filter(|b| vowel(b)).count();
        let cluster = word.split(|b| vowel(b)).map(<[u8]>::len).max().unwrap_or(0);
        if lower >= 4 && word.len() >= 5 && vowels * 10 >= word.len() * 3 && cluster <= 3 {
            in_words += word.len();
        }
        if i == start {
            i += 1;
        }
    }
    in_words * 4 >= body.len() * 3 && body.len() >= 24
}

fn check_shape(bytes: &[u8], start: usize, shape: &'static Shape) -> Option<Found> {
    if !free_before(bytes, start) {
        return None;
    }
    let body_start = start + shape.prefix.len();
    check_body(
        bytes,
        start,
        body_start,
        shape.body,
        shape.kind,
        shape.random,
    )
}

/// The body `parts` at `body_start`, standing alone, looking random: the
/// key from `start`.
fn check_body(
    bytes: &[u8],
    start: usize,
    body_start: usize,
    parts: &[Part],
    kind: &'static str,
    random: bool,
) -> Option<Found> {
    let mut end = match_body(bytes, body_start, parts, true)?;
    // A trailing `-`, `_` or `.` is punctuation more often than part of the
    // key; a run that allows them keeps at least its minimum.
    if let Some(&Run(_, min, _)) = parts.last() {
        let last_start = end - trailing_run_len(bytes, body_start, end, parts);
        while end > last_start + min && matches!(bytes[end - 1], b'-' | b'_' | b'.') {
            end -= 1;
        }
    }
    if !free_after(bytes, end) {
        return None;
    }
    let body = &bytes[body_start..end];
    let looks = if random {
        random_enough(body)
    } else {
        plausible(body)
    };
    if !looks || documentation_example(body) {
        return None;
    }
    Some(Found {
        range: start..end,
        kind,
    })
}

/// How long the last run of a matched body is (the body ends at `end`).
fn trailing_run_len(bytes: &[u8], body_start: usize, end: usize, parts: &[Part]) -> usize {
    let (init, _) = parts.split_at(parts.len().saturating_sub(1));
    match_body(bytes, body_start, init, true).map_or(0, |at| end.saturating_sub(at))
}

fn base64ish(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/' || b == b'+'
}

/// A 40-character AWS secret access key: base64 characters, all three
/// classes (a 40-digit hex SHA-1 has no upper case), standing alone.
fn aws_secret_at(bytes: &[u8], start: usize) -> Option<Found> {
    let end = start + 40;
    let key = bytes.get(start..end)?;
    let alone = !bytes.get(end).is_some_and(|&b| base64ish(b) || b == b'=')
        && !start.checked_sub(1).is_some_and(|i| {
            base64ish(bytes[i])
                && !(i >= 1 && bytes[i - 1] == b'\\')
                && !ends_ansi_escape(&bytes[..start])
        });
    // Two character classes (one random key in a thousand has no digit),
    // and not a hexadecimal digest.
    let mixed = random_enough(key) && !key.iter().all(u8::is_ascii_hexdigit);
    (alone && mixed && key.iter().all(|&b| base64ish(b)) && !documentation_example(key)).then_some(
        Found {
            range: start..end,
            kind: AWS_SECRET_KIND,
        },
    )
}

/// After a name: `aws_secret_access_key = "...."`, `"SecretAccessKey":
/// "...."`, `os.environ["COHERE_API_KEY"] = "..."`,
/// `os.environ.setdefault("X", "...")`, `X := ...`. Skips the rest of the
/// name, quotes, brackets, spaces and one or two of `=`, `:`, `,`, `>`;
/// where the value starts.
fn after_label(bytes: &[u8], mut at: usize) -> Option<usize> {
    const NAME_REST: usize = 40;
    at += bytes
        .get(at..)?
        .iter()
        .take(NAME_REST + 1)
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
        .count();
    let mut separators = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' | b'\'' | b' ' | b'\t' | b'\\' | b']' => {}
            b'=' | b':' | b',' | b'>' => separators += 1,
            _ => break,
        }
        at += 1;
        if separators > 2 {
            return None;
        }
    }
    (separators >= 1).then_some(at)
}

/// Secret keys written within a few lines of an access key id.
fn aws_secrets_near(text: &str, any40: &Regex, ids: &[Range<usize>], found: &mut Vec<Found>) {
    const NEAR: usize = 400;
    let bytes = text.as_bytes();
    let mut extra = Vec::new();
    for id in ids {
        let mut lo = id.start.saturating_sub(NEAR);
        while !text.is_char_boundary(lo) {
            lo += 1;
        }
        let mut hi = (id.end + NEAR).min(text.len());
        while !text.is_char_boundary(hi) {
            hi -= 1;
        }
        // Maximal runs: the key is the whole run, or its last 40 characters
        // when a colour sequence (`ESC[31m`) is glued to its front.
        let candidates = any40.find_iter(&text[lo..hi]).flat_map(|m| {
            let (start, end) = (lo + m.start(), lo + m.end());
            [Some(start), (end - start > 40).then_some(end - 40)]
        });
        for start in candidates.flatten() {
            if let Some(hit) = aws_secret_at(bytes, start) {
                let overlaps =
                    |f: &Found| f.range.start < hit.range.end && hit.range.start < f.range.end;
                // Next to an access key id, a secret-named setting's value
                // is the id's secret key.
                let taken = found
                    .iter()
                    .chain(extra.iter())
                    .any(|f| overlaps(f) && f.kind != GENERIC_KIND);
                if !taken {
                    found.retain(|f| !overlaps(f));
                    extra.push(hit);
                }
            }
        }
    }
    if !extra.is_empty() {
        found.extend(extra);
        found.sort_by_key(|f| f.range.start);
    }
}

/// A Telegram bot token around the `:` at `colon`: the bot's id (8 to 10
/// digits, standing alone, not inside what was found before `floor`) and
/// 35 base64url characters.
fn telegram_at(bytes: &[u8], colon: usize, floor: usize) -> Option<Found> {
    let digits = bytes
        .get(floor..colon)?
        .iter()
        .rev()
        .take(11)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if !(8..=10).contains(&digits) {
        return None;
    }
    let start = colon - digits;
    if !free_before(bytes, start) {
        return None;
    }
    check_body(
        bytes,
        start,
        colon + 1,
        &[Run(token_char, 35, 35)],
        kinds::TELEGRAM_BOT_TOKEN.id,
        true,
    )
}

fn base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// A JSON Web Token at `start`: header, payload and signature in base64url,
/// the header a JSON object with an `alg` member and the payload a JSON
/// object. An unsigned token (`alg: none`, no signature) proves nothing and
/// is not a credential; a signature shorter than 16 characters is no real
/// one either.
fn jwt_at(bytes: &[u8], start: usize) -> Option<Found> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    const MAX_PART: usize = 16 * 1024;
    if !free_before(bytes, start) {
        return None;
    }
    let part = |at: usize| -> Option<Range<usize>> {
        let len = bytes
            .get(at..)?
            .iter()
            .take(MAX_PART + 1)
            .take_while(|&&b| base64url(b))
            .count();
        (len <= MAX_PART).then_some(at..at + len)
    };
    let header = part(start)?;
    if bytes.get(header.end) != Some(&b'.') {
        return None;
    }
    let payload = part(header.end + 1)?;
    if bytes.get(payload.end) != Some(&b'.') {
        return None;
    }
    let signature = part(payload.end + 1)?;
    if signature.len() < 16 || !free_after(bytes, signature.end) {
        return None;
    }
    let json_object = |range: Range<usize>| {
        let decoded = URL_SAFE_NO_PAD.decode(bytes.get(range)?).ok()?;
        match serde_json::from_slice::<serde_json::Value>(&decoded).ok()? {
            serde_json::Value::Object(members) => Some(members),
            _ => None,
        }
    };
    let has_alg = json_object(header)?
        .get("alg")
        .is_some_and(serde_json::Value::is_string);
    json_object(payload)?;
    has_alg.then_some(Found {
        range: start..signature.end,
        kind: kinds::JWT.id,
    })
}

/// `-----BEGIN ... PRIVATE KEY-----`, its base64 body and its END line
/// (or, cut short, as much body as follows).
fn pem_block(text: &str, start: usize) -> Option<Found> {
    const MAX_BLOCK: usize = 64 * 1024;
    let bytes = text.as_bytes();
    let header_start = start + PEM_BEGIN.len();
    let header_len = bytes[header_start..]
        .iter()
        .take(64)
        .position(|&b| b == b'-')?;
    let header = &text[header_start..header_start + header_len];
    if !(header.ends_with("PRIVATE KEY") || header.ends_with("PRIVATE KEY BLOCK"))
        || !header.bytes().all(|b| upper_alnum(b) || b == b' ')
    {
        return None;
    }
    let body_start = header_start + header_len;
    if !text[body_start..].starts_with("-----") {
        return None;
    }
    let body_start = body_start + 5;
    let mut limit = (body_start + MAX_BLOCK).min(text.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &text[body_start..limit];
    let (body, end) = match window.find("-----END ") {
        Some(at) => {
            let close = window[at + 9..]
                .find("-----")
                .map_or(at + 9, |c| at + 9 + c + 5);
            (&window[..at], body_start + close)
        }
        None => {
            let run = window
                .bytes()
                .take_while(|&b| base64ish(b) || b"=\r\n\\ \t\":,".contains(&b))
                .count();
            (&window[..run], body_start + run)
        }
    };
    let payload = body.bytes().filter(|&b| base64ish(b)).count();
    (payload >= 40).then_some(Found {
        range: start..end,
        kind: PEM_KIND,
    })
}

/// Passwords everyone writes in examples, not worth an alarm.
fn placeholder(password: &str) -> bool {
    const WORDS: &[&str] = &[
        "password", "pass", "passwd", "pwd", "secret", "user", "username", "pw", "token",
    ];
    let first = password.as_bytes()[0];
    WORDS.iter().any(|w| password.eq_ignore_ascii_case(w))
        || b"$<{%[".contains(&first)
        || password
            .bytes()
            .all(|b| b == first && !b.is_ascii_alphanumeric())
        || password.bytes().all(|b| b == b'x' || b == b'X')
}

/// The password in `scheme://user:PASSWORD@host` around the `://` at `mark`.
fn url_password(text: &str, mark: usize) -> Option<Found> {
    let bytes = text.as_bytes();
    let scheme_len = bytes[..mark]
        .iter()
        .rev()
        .take(32)
        .take_while(|&&b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        .count();
    // A colour sequence can be glued in front (`ESC[38;5;124mamqp://`): the
    // scheme starts at the first letter; which letter does not matter here.
    let scheme_start = (mark - scheme_len..mark).find(|&i| bytes[i].is_ascii_alphabetic())?;
    let authority_len = bytes[mark + 3..]
        .iter()
        .take(512)
        .take_while(|&&b| !b" \t\r\n\"'<>`\\()[]{}/?#".contains(&b))
        .count();
    let mut authority_end = mark + 3 + authority_len;
    // The length cap can stop inside a multi-byte character.
    while !text.is_char_boundary(authority_end) {
        authority_end -= 1;
    }
    let candidate = &text[scheme_start..authority_end];
    let password = super::url::password(candidate)?;
    let range = scheme_start + password.start..scheme_start + password.end;
    if range.len() < 3 || placeholder(&text[range.clone()]) {
        return None;
    }
    // A token used as the password (`https://x:ghp_...@github.com`) is named as the token.
    let kind = SHAPES
        .iter()
        .filter(|s| s.report && text[range.clone()].starts_with(s.prefix))
        .find_map(|s| check_shape(bytes, range.start, s))
        .map_or(URL_KIND, |f| f.kind);
    Some(Found { range, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&'static str, &str)> {
        find(text)
            .into_iter()
            .map(|f| (f.kind, &text[f.range]))
            .collect()
    }

    const OPENAI: &str = "sk-Ab3dEfGh1jKlMn0pQrStUvWxYz0123456789AbCdEfGhIj";
    const ANTHROPIC: &str = "sk-ant-api03-Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1Ji0HgFeDcBa-AA";
    const PROJECT: &str = "sk-proj-Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXcVbNm_-Q9";

    #[test]
    fn every_shape_is_found_with_its_kind() {
        let cases = [
            (OPENAI, "openai-key"),
            (ANTHROPIC, "anthropic-key"),
            (PROJECT, "openai-project-key"),
            ("ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-token"),
            ("gho_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-oauth-token"),
            ("ghu_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-user-token"),
            ("ghs_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-server-token"),
            ("ghr_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A", "github-refresh-token"),
            (
                "github_pat_11AQ3Z7KY0r2W9mXq4Lb_Tn8Vc5Hd1Jf6Gs3Pa0YeUoKz7Rw2Lm4Xc8Vb6Nz5Tj9Qh1Dg3Fk",
                "github-fine-grained-token",
            ),
            ("glpat-aB3dE5fG7hJ9kL1mN3pQ", "gitlab-token"),
            ("xoxb-123456789012-1234567890123-aBcDeFgHiJkLmNoPqRsTuVwX", "slack-token"),
            ("xoxp-123456789012-aBcDeF", "slack-token"),
            ("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "google-api-key"),
            ("hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH", "huggingface-token"),
            ("sk_live_aB3dE5fG7hJ9kL1mN3pQ5rS7", "stripe-live-key"),
            ("rk_live_aB3dE5fG7hJ9kL1mN3pQ5rS7", "stripe-restricted-key"),
            ("AKIAZ3MPLE4KEY5ID6XQ", "aws-access-key-id"),
            ("ASIAZ3MPLE4KEY5ID6XQ", "aws-access-key-id"),
        ];
        for (key, kind) in cases {
            for text in [
                key.to_string(),
                format!("x = \"{key}\"\n"),
                format!("KEY={key}"),
                format!("print('{key}')"),
                format!("\\n{key}\\n"),
            ] {
                assert_eq!(kinds(&text), vec![(kind, key)], "{text}");
            }
        }
    }

    #[test]
    fn aws_secret_keys_near_an_id_or_after_their_label() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYz3xAmPlEkY";
        let text = format!("aws_access_key_id = AKIAZ3MPLE4KEY5ID6XQ\nother = {secret}\n");
        assert_eq!(
            kinds(&text),
            vec![
                ("aws-access-key-id", "AKIAZ3MPLE4KEY5ID6XQ"),
                ("aws-secret-access-key", secret)
            ]
        );
        for text in [
            format!("aws_secret_access_key={secret}"),
            format!("AWS_SECRET_ACCESS_KEY: '{secret}'"),
            format!("{{\"SecretAccessKey\": \"{secret}\"}}"),
        ] {
            assert_eq!(
                kinds(&text),
                vec![("aws-secret-access-key", secret)],
                "{text}"
            );
        }
        // Without an id or a label a 40-character token is not enough.
        assert!(kinds(&format!("value = {secret}")).is_empty());
        // A SHA-1 next to an id is not a secret key.
        let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
        assert_eq!(
            kinds(&format!("AKIAZ3MPLE4KEY5ID6XQ {sha1}")),
            vec![("aws-access-key-id", "AKIAZ3MPLE4KEY5ID6XQ")]
        );
    }

    #[test]
    fn pem_blocks_whole_or_cut_short() {
        let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nq1w2e3r4t5y6u7i8o9p0\n";
        let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----");
        let text = format!("key = '''{pem}'''\n");
        assert_eq!(kinds(&text), vec![("pem-private-key", pem.as_str())]);
        let cut = format!("-----BEGIN PRIVATE KEY-----\n{body}");
        assert_eq!(kinds(&cut).len(), 1);
        // Armour alone, or a public key, is not a leak.
        assert!(kinds("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----").is_empty());
        assert!(kinds(&format!(
            "-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----"
        ))
        .is_empty());
    }

    #[test]
    fn url_passwords_but_not_placeholders() {
        assert_eq!(
            kinds("DATABASE_URL=postgres://app:Hx7-q2pLw9@db.internal:5432/prod"),
            vec![("url-password", "Hx7-q2pLw9")]
        );
        for text in [
            "https://example.com/a:b@c",
            "postgres://user:password@localhost/db",
            "postgres://user:${DB_PASSWORD}@localhost/db",
            "redis://:****@cache",
            "https://user@example.com/",
            "see http://example.com",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_token_as_url_password_is_named_as_the_token() {
        let text = "git clone https://x-access-token:ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A@github.com/o/r";
        assert_eq!(
            kinds(text),
            vec![("github-token", "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A")]
        );
    }

    #[test]
    fn long_non_ascii_authorities_do_not_split_characters() {
        let text = format!("https://{}:pw@x", "é".repeat(400));
        assert!(kinds(&text).is_empty());
        let text = format!("https://u:{}@x", "é".repeat(400));
        assert!(kinds(&text).is_empty());
    }

    /// Texts glued from the pieces the checks look at, with multi-byte
    /// characters in between: no panic, every range on character boundaries.
    #[test]
    fn random_texts_never_panic() {
        const PIECES: &[&str] = &[
            "sk-",
            "sk-ant-",
            "ghp_",
            "AKIA",
            "AIza",
            "hf_",
            "://",
            "@",
            ":",
            "/",
            "-----BEGIN ",
            "RSA PRIVATE KEY-----",
            "-----END ",
            "é",
            "✓",
            "\\",
            "\\n",
            "A",
            "z",
            "7",
            "_",
            "-",
            "aws_secret_access_key",
            "=",
            "\"",
            "\n",
            " ",
            "Ab3dEfGh1jKlMn0pQrSt",
            // The new prefilter literals and the separators after them.
            ":AA",
            "1234567890",
            "eyJ",
            "eyJhbGciOiJIUzI1NiJ9",
            ".",
            "SG.",
            "xapp-1-",
            "hooks.slack.com/services/T",
            "/B",
            "pat",
            "ntn_",
            "COHERE_API_KEY",
            "]",
            ",",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(state % 60) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
            }
            for f in find(&text) {
                assert!(text.is_char_boundary(f.range.start) && text.is_char_boundary(f.range.end));
            }
        }
    }

    #[test]
    fn keys_after_ansi_colours_are_found() {
        for esc in ["\x1b", "\\u001b", "\\x1b", "\\033"] {
            let text = format!("{esc}[0;31mValueError{esc}[0m: {esc}[1;32m{OPENAI}{esc}[0m");
            assert_eq!(kinds(&text), vec![("openai-key", OPENAI)], "{text}");
        }
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYz3xAmPlEkY";
        let text = format!("AKIAZ3MPLE4KEY5ID6XQ \x1b[31m{secret}\x1b[0m");
        assert_eq!(kinds(&text).len(), 2);
        // An ordinary word before the prefix still rejects it.
        assert!(kinds(&format!("xm{OPENAI}")).is_empty());
    }

    #[test]
    fn url_after_a_colour_and_secret_keys_without_digits() {
        let text = "connect(\x1b[38;5;124m'\x1b[39m\x1b[38;5;124mamqp://admin:E0oQYNc3STAUD6pBnq8@mq.example.com:5672/\x1b[39m')";
        assert_eq!(kinds(text), vec![("url-password", "E0oQYNc3STAUD6pBnq8")]);
        let secret = "oQm+FKDlBKjOxKfukcHHlpgoAAxKkj+uIxYyZZhR";
        assert_eq!(
            kinds(&format!("aws_secret_access_key={secret}")),
            vec![("aws-secret-access-key", secret)]
        );
        let upper_hex = "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709";
        assert!(kinds(&format!("aws_secret_access_key={upper_hex}")).is_empty());
    }

    #[test]
    fn documentation_examples_are_not_reported() {
        assert!(kinds("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\nsecret = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").is_empty());
    }

    #[test]
    fn decoys_are_not_reported() {
        let decoys = [
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "123e4567-e89b-12d3-a456-426614174000",
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.",
            "the task-list and the risk-assessment-framework-for-2024-projects",
            "use sk-learn-tutorial-for-beginners-and-experts today",
            "from huggingface_hub import hf_hub_download_and_cache_all_the_things",
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkAKIAKIAABCDEFGHIJKLMNOPQRSTA",
            "xAKIAZ3MPLE4KEY5ID6XQ and AKIAZ3MPLE4KEY5ID6XQx and AKIAZ3MPLE4KEY5ID6XQ9",
            "sk-ant-this-is-not-a-real-key-at-all-really",
        ];
        for text in decoys {
            assert!(kinds(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn known_shape_keeps_the_masking_policy() {
        assert_eq!(known_shape(ANTHROPIC), Some("Anthropic API key"));
        assert_eq!(
            known_shape("sk-proj-abcdefghijklmnopqrstuvwxyz"),
            Some("OpenAI project key")
        );
        assert_eq!(known_shape("hello"), None);
        assert_eq!(
            known_shape("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----"),
            Some("PEM private key")
        );
    }

    #[test]
    fn known_shapes() {
        assert_eq!(
            known_shape("sk-ant-api03-abcdefghijklmnopqrstuvwxyz"),
            Some("Anthropic API key")
        );
        assert_eq!(
            known_shape("sk-proj-abcdefghijklmnopqrstuvwxyz"),
            Some("OpenAI project key")
        );
        assert_eq!(
            known_shape("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            Some("GitHub personal access token")
        );
        assert_eq!(
            known_shape("AKIAIOSFODNN7EXAMPLE"),
            Some("AWS access key id")
        );
        assert_eq!(known_shape("hello world"), None);
        assert_eq!(known_shape("sk-short"), None);
    }

    /// A deterministic generator (splitmix64): the samples are the same on
    /// every run, so a failure can be reproduced.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn string(&mut self, alphabet: &str, n: usize) -> String {
            let alphabet = alphabet.as_bytes();
            (0..n)
                .map(|_| char::from(alphabet[(self.next() % alphabet.len() as u64) as usize]))
                .collect()
        }
    }

    const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
    const DIGITS: &str = "0123456789";
    const HEX: &str = "0123456789abcdef";
    const B32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    fn alphabet(parts: &[&str]) -> String {
        parts.concat()
    }

    /// A piece of a documented key shape, for the generator.
    #[derive(Clone, Copy)]
    enum G {
        /// Literal text.
        L(&'static str),
        /// `n` random characters of an alphabet (named by `Alpha`).
        R(Alpha, usize),
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Alpha {
        Alnum,
        /// Alphanumerics, `-` and `_` (base64url).
        Token,
        Hex,
        Base32,
        Letters,
        Digits,
        UpperAlnum,
        /// Standard base64 without padding.
        B64,
        /// age's upper-case bech32.
        Bech32,
    }

    impl Alpha {
        fn chars(self) -> String {
            match self {
                Alpha::Alnum => alphabet(&[UPPER, LOWER, DIGITS]),
                Alpha::Token => alphabet(&[UPPER, LOWER, DIGITS, "-_"]),
                Alpha::Hex => HEX.into(),
                Alpha::Base32 => B32.into(),
                Alpha::Letters => alphabet(&[UPPER, LOWER]),
                Alpha::Digits => DIGITS.into(),
                Alpha::UpperAlnum => alphabet(&[UPPER, DIGITS]),
                Alpha::B64 => alphabet(&[UPPER, LOWER, DIGITS, "+/"]),
                Alpha::Bech32 => "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".into(),
            }
        }

        /// A key character that this alphabet does not have: what a near
        /// miss "of the wrong alphabet" puts in.
        fn outsider(self) -> char {
            match self {
                Alpha::Hex => 'g',
                Alpha::Base32 => 'q',
                Alpha::Letters => '7',
                Alpha::Digits => 'a',
                Alpha::UpperAlnum | Alpha::Bech32 => 'q',
                Alpha::Alnum | Alpha::Token | Alpha::B64 => '!',
            }
        }
    }

    use Alpha::*;
    use G::{L, R};

    /// Documented shapes (providers' documentation, gitleaks' rule list),
    /// written independently of `SHAPES`: kind, pieces, and whether the
    /// last piece has a fixed length (then one character less is a miss).
    const DOCUMENTED: &[(&str, &[G], bool)] = &[
        // AI and ML.
        ("openai-key", &[L("sk-"), R(Alnum, 48)], false),
        ("openai-project-key", &[L("sk-proj-"), R(Token, 120)], false),
        (
            "anthropic-key",
            &[L("sk-ant-api03-"), R(Token, 93), L("AA")],
            false,
        ),
        ("groq-key", &[L("gsk_"), R(Alnum, 52)], true),
        ("replicate-token", &[L("r8_"), R(Alnum, 37)], true),
        ("perplexity-key", &[L("pplx-"), R(Alnum, 48)], true),
        ("xai-key", &[L("xai-"), R(Alnum, 80)], true),
        (
            "langsmith-key",
            &[L("lsv2_pt_"), R(Hex, 32), L("_"), R(Hex, 10)],
            true,
        ),
        (
            "langsmith-key",
            &[L("lsv2_sk_"), R(Hex, 32), L("_"), R(Hex, 10)],
            true,
        ),
        (
            "pinecone-key",
            &[L("pcsk_"), R(Alnum, 6), L("_"), R(Alnum, 63)],
            false,
        ),
        // Hugging Face prints letters only; safekeys accepts digits too.
        ("huggingface-token", &[L("hf_"), R(Letters, 34)], false),
        (
            "huggingface-org-token",
            &[L("api_org_"), R(Letters, 34)],
            true,
        ),
        ("openrouter-key", &[L("sk-or-v1-"), R(Hex, 64)], true),
        ("deepseek-key", &[L("sk-"), R(Hex, 32)], true),
        // Cloud.
        ("aws-access-key-id", &[L("ABIA"), R(Base32, 16)], true),
        ("aws-access-key-id", &[L("ACCA"), R(Base32, 16)], true),
        (
            "aws-access-key-id",
            &[L("A3T"), R(UpperAlnum, 1), R(Base32, 16)],
            true,
        ),
        (
            "google-oauth-client-secret",
            &[L("GOCSPX-"), R(Token, 28)],
            true,
        ),
        // Developer platforms.
        ("gitlab-token", &[L("glpat-"), R(Token, 20)], false),
        (
            "gitlab-token",
            &[L("glpat-"), R(Token, 36), L("."), R(Hex, 9)],
            false,
        ),
        ("gitlab-runner-token", &[L("glrt-"), R(Token, 20)], false),
        ("gitlab-deploy-token", &[L("gldt-"), R(Token, 20)], false),
        (
            "gitlab-ci-job-token",
            &[L("glcbt-"), R(Alnum, 2), L("_"), R(Token, 20)],
            false,
        ),
        ("gitlab-trigger-token", &[L("glptt-"), R(Hex, 40)], true),
        ("gitlab-feed-token", &[L("glft-"), R(Token, 20)], false),
        ("gitlab-scim-token", &[L("glsoat-"), R(Token, 20)], false),
        ("gitlab-other-token", &[L("glffct-"), R(Token, 20)], false),
        ("gitlab-other-token", &[L("glimt-"), R(Token, 25)], false),
        ("gitlab-other-token", &[L("glagent-"), R(Token, 50)], false),
        ("gitlab-other-token", &[L("gloas-"), R(Token, 64)], false),
        ("npm-token", &[L("npm_"), R(Alnum, 36)], true),
        (
            "pypi-token",
            &[L("pypi-AgEIcHlwaS5vcmc"), R(Token, 150)],
            false,
        ),
        // Communication and payments.
        (
            "slack-app-token",
            &[
                L("xapp-1-A"),
                R(UpperAlnum, 10),
                L("-"),
                R(Digits, 13),
                L("-"),
                R(Hex, 64),
            ],
            false,
        ),
        (
            "slack-config-token",
            &[L("xoxe.xoxp-1-"), R(Alnum, 166)],
            false,
        ),
        ("slack-config-token", &[L("xoxe-1-"), R(Alnum, 146)], false),
        (
            "slack-token",
            &[
                L("xoxs-"),
                R(Digits, 10),
                L("-"),
                R(Digits, 12),
                L("-"),
                R(Digits, 12),
                L("-"),
                R(Hex, 40),
            ],
            false,
        ),
        (
            "slack-webhook-url",
            &[
                L("hooks.slack.com/services/T"),
                R(UpperAlnum, 8),
                L("/B"),
                R(UpperAlnum, 10),
                L("/"),
                R(Alnum, 24),
            ],
            true,
        ),
        (
            "discord-webhook-url",
            &[
                L("discord.com/api/webhooks/"),
                R(Digits, 18),
                L("/"),
                R(Token, 68),
            ],
            false,
        ),
        (
            "sendgrid-key",
            &[L("SG."), R(Token, 22), L("."), R(Token, 43)],
            true,
        ),
        ("stripe-live-key", &[L("sk_live_"), R(Alnum, 99)], false),
        (
            "stripe-restricted-key",
            &[L("rk_live_"), R(Alnum, 99)],
            false,
        ),
        // Data platforms.
        ("databricks-token", &[L("dapi"), R(Hex, 32)], true),
        (
            "notion-token",
            &[L("ntn_"), R(Digits, 11), R(Alnum, 35)],
            true,
        ),
        ("notion-token", &[L("secret_"), R(Alnum, 43)], true),
        (
            "airtable-token",
            &[L("pat"), R(Alnum, 14), L("."), R(Hex, 64)],
            true,
        ),
        // Cloud, beyond the first round.
        ("aws-bedrock-key", &[L("ABSK"), R(B64, 132)], false),
        (
            "aws-bedrock-key",
            &[
                L("bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t"),
                R(B64, 300),
            ],
            false,
        ),
        ("alibaba-access-key-id", &[L("LTAI"), R(Alnum, 20)], true),
        ("digitalocean-token", &[L("dop_v1_"), R(Hex, 64)], true),
        ("heroku-key", &[L("HRKU-AA"), R(Token, 58)], true),
        ("flyio-token", &[L("fo1_"), R(Token, 43)], true),
        (
            "cloudflare-key",
            &[L("v1.0-"), R(Hex, 24), L("-"), R(Hex, 146)],
            true,
        ),
        ("vault-token", &[L("hvs."), R(Token, 95)], false),
        ("pulumi-token", &[L("pul-"), R(Hex, 40)], true),
        ("doppler-token", &[L("dp.pt."), R(Alnum, 43)], true),
        ("1password-token", &[L("ops_eyJ"), R(B64, 300)], false),
        (
            "age-secret-key",
            &[L("AGE-SECRET-KEY-1"), R(Bech32, 58)],
            true,
        ),
        (
            "azure-ad-client-secret",
            &[R(Alnum, 3), R(Digits, 1), L("Q~"), R(Alnum, 34)],
            false,
        ),
        (
            "terraform-token",
            &[R(Alnum, 14), L(".atlasv1."), R(Token, 67)],
            false,
        ),
        (
            "snowflake-token",
            &[L("ver:1-hint:"), R(Digits, 10), L("-ETMsDg"), R(B64, 80)],
            false,
        ),
        // Developer platforms.
        ("bitbucket-token", &[L("ATBB"), R(Alnum, 32)], false),
        (
            "atlassian-token",
            &[L("ATATT3xFfGF0"), R(Token, 180)],
            false,
        ),
        ("shopify-token", &[L("shpat_"), R(Hex, 32)], true),
        ("sentry-token", &[L("sntryu_"), R(Hex, 64)], true),
        ("grafana-token", &[L("glc_"), R(B64, 80)], false),
        (
            "grafana-token",
            &[L("glsa_"), R(Alnum, 32), L("_"), R(Hex, 8)],
            true,
        ),
        (
            "postman-key",
            &[L("PMAK-"), R(Hex, 24), L("-"), R(Hex, 34)],
            true,
        ),
        ("prefect-key", &[L("pnu_"), R(Alnum, 36)], true),
        ("rubygems-key", &[L("rubygems_"), R(Hex, 48)], true),
        ("linear-key", &[L("lin_api_"), R(Alnum, 40)], true),
        (
            "planetscale-token",
            &[L("pscale_tkn_"), R(Alnum, 43)],
            false,
        ),
        (
            "dynatrace-token",
            &[L("dt0c01."), R(Alnum, 24), L("."), R(Alnum, 64)],
            true,
        ),
        ("new-relic-key", &[L("NRAK-"), R(UpperAlnum, 27)], true),
        (
            "sourcegraph-token",
            &[L("sgp_"), R(Hex, 16), L("_"), R(Hex, 40)],
            true,
        ),
        ("readme-key", &[L("rdme_"), R(Alnum, 70)], true),
        ("artifactory-key", &[L("AKCp"), R(Alnum, 69)], true),
        // Communication and payments.
        (
            "brevo-key",
            &[L("xkeysib-"), R(Hex, 64), L("-"), R(Alnum, 16)],
            true,
        ),
        (
            "twitter-bearer-token",
            &[L("AAAAAAAAAAAAAAAAAAAAA"), R(Alnum, 90)],
            false,
        ),
        ("square-token", &[L("sq0atp-"), R(Alnum, 22)], false),
        ("shippo-token", &[L("shippo_live_"), R(Hex, 40)], true),
        ("easypost-key", &[L("EZAK"), R(Alnum, 54)], true),
        ("duffel-token", &[L("duffel_live_"), R(Alnum, 43)], true),
        (
            "mapbox-secret-token",
            &[L("sk.eyJ"), R(Alnum, 80), L("."), R(Alnum, 22)],
            true,
        ),
        // AI and data.
        ("tavily-key", &[L("tvly-"), R(Alnum, 32)], false),
        ("tavily-key", &[L("tvly-dev-"), R(Alnum, 32)], false),
        (
            "langfuse-secret-key",
            &[
                L("sk-lf-"),
                R(Hex, 8),
                L("-"),
                R(Hex, 4),
                L("-"),
                R(Hex, 4),
                L("-"),
                R(Hex, 4),
                L("-"),
                R(Hex, 12),
            ],
            true,
        ),
        ("clickhouse-key", &[L("4b1d"), R(Alnum, 38)], true),
        // Existing formats, generated the same way.
        ("github-token", &[L("ghp_"), R(Alnum, 36)], false),
        ("aws-access-key-id", &[L("AKIA"), R(Base32, 16)], true),
        ("aws-access-key-id", &[L("ASIA"), R(Base32, 16)], true),
        ("google-api-key", &[L("AIza"), R(Token, 35)], true),
    ];

    fn generate(rng: &mut Rng, pieces: &[G]) -> String {
        let mut key = String::new();
        for piece in pieces {
            match *piece {
                L(text) => key.push_str(text),
                R(alpha, n) => {
                    let mut run = rng.string(&alpha.chars(), n);
                    // A trailing `-` or `_` is taken for punctuation: the
                    // generator ends a base64url run on a letter.
                    if alpha == Token && run.ends_with(['-', '_']) {
                        run.pop();
                        run.push('Q');
                    }
                    key.push_str(&run);
                }
            }
        }
        key
    }

    #[test]
    fn generated_keys_of_every_documented_shape_are_found() {
        let mut rng = Rng(20261202);
        for &(kind, pieces, _) in DOCUMENTED {
            for round in 0..300 {
                let key = generate(&mut rng, pieces);
                let texts = if round < 5 {
                    vec![
                        key.clone(),
                        format!("x = \"{key}\"\n"),
                        format!("KEY={key}"),
                        format!("print('{key}')"),
                        format!("\\n{key}\\n"),
                        format!("{{\"token\": \"{key}\"}}"),
                    ]
                } else {
                    vec![key.clone()]
                };
                for text in texts {
                    assert_eq!(kinds(&text), vec![(kind, key.as_str())], "{text}");
                }
            }
        }
    }

    #[test]
    fn near_misses_of_every_documented_shape_are_not_found_as_it() {
        let mut rng = Rng(7);
        for &(kind, pieces, exact) in DOCUMENTED {
            for _ in 0..20 {
                let key = generate(&mut rng, pieces);
                let mut misses = vec![format!("x{key}"), format!("7{key}")];
                if exact {
                    misses.push(key[..key.len() - 1].to_string());
                    misses.push(format!("{key}x"));
                }
                // The longest random piece, one character changed to one
                // outside its alphabet, in its middle.
                let (offset, alpha, n) = pieces
                    .iter()
                    .scan(0, |at, piece| {
                        let here = *at;
                        let (len, item) = match *piece {
                            L(text) => (text.len(), None),
                            R(alpha, n) => (n, Some((here, alpha, n))),
                        };
                        *at += len;
                        Some(item)
                    })
                    .flatten()
                    .max_by_key(|&(_, _, n)| n)
                    .unwrap();
                if kind == "huggingface-token" {
                    continue;
                }
                let mut wrong = key.clone();
                // Near the start: a variable-length key cut further on is a
                // shorter key.
                let at = offset + (n / 2).min(8);
                wrong.replace_range(at..at + 1, &alpha.outsider().to_string());
                misses.push(wrong);
                for text in misses {
                    let found = kinds(&text);
                    assert!(found.iter().all(|&(k, _)| k != kind), "{text}: {found:?}");
                }
            }
        }
    }

    /// The labelled formats: after their variable name, in the ways code
    /// and config write it, and nowhere else.
    #[test]
    fn keys_after_their_provider_names() {
        let mut rng = Rng(99);
        let alnum = alphabet(&[UPPER, LOWER, DIGITS]);
        let b64 = alphabet(&[UPPER, LOWER, DIGITS, "+/"]);
        let cases = [
            ("cohere-key", "COHERE_API_KEY", rng.string(&alnum, 40)),
            ("cohere-key", "CO_API_KEY", rng.string(&alnum, 40)),
            ("mistral-key", "MISTRAL_API_KEY", rng.string(&alnum, 32)),
            ("together-key", "TOGETHER_API_KEY", rng.string(HEX, 64)),
            ("wandb-key", "WANDB_API_KEY", rng.string(HEX, 40)),
            (
                "twilio-key",
                "TWILIO_API_KEY",
                format!("SK{}", rng.string(HEX, 32)),
            ),
            (
                "azure-storage-key",
                "ACCOUNT_KEY",
                format!("{}==", rng.string(&b64, 86)),
            ),
            (
                "azure-openai-key",
                "AZURE_OPENAI_API_KEY",
                rng.string(HEX, 32),
            ),
            (
                "azure-openai-key",
                "AZURE_OPENAI_KEY",
                rng.string(&alnum, 84),
            ),
            (
                "mailgun-key",
                "MAILGUN_API_KEY",
                format!("key-{}", rng.string(HEX, 32)),
            ),
            (
                "mailgun-key",
                "MAILGUN_SIGNING_KEY",
                format!(
                    "{}-{}-{}",
                    rng.string(HEX, 32),
                    rng.string(HEX, 8),
                    rng.string(HEX, 8)
                ),
            ),
            (
                "discord-bot-token",
                "DISCORD_BOT_TOKEN",
                format!(
                    "M{}.{}.{}",
                    rng.string(&alnum, 25),
                    rng.string(&alnum, 6),
                    rng.string(&alnum, 38)
                ),
            ),
            (
                "bitbucket-token",
                "BITBUCKET_CLIENT_SECRET",
                rng.string(&alnum, 64),
            ),
            ("datadog-key", "DD_API_KEY", rng.string(HEX, 32)),
            ("datadog-key", "DATADOG_APP_KEY", rng.string(HEX, 40)),
            ("kaggle-key", "KAGGLE_KEY", rng.string(HEX, 32)),
            (
                "cloudflare-key",
                "CLOUDFLARE_API_TOKEN",
                rng.string(&alnum, 40),
            ),
            (
                "dotenv-private-key",
                "DOTENV_PRIVATE_KEY",
                rng.string(HEX, 64),
            ),
            (
                "dotenv-private-key",
                "DOTENV_PRIVATE_KEY_PRODUCTION",
                rng.string(HEX, 64),
            ),
        ];
        for (kind, name, key) in &cases {
            let lower = name.to_lowercase();
            for text in [
                format!("{name}={key}"),
                format!("export {name}=\"{key}\"\n"),
                format!("os.environ[\"{name}\"] = \"{key}\""),
                format!("os.environ.setdefault('{name}', '{key}')"),
                format!("{lower}: {key}"),
                format!("{{\"{name}\": \"{key}\"}}"),
                format!("MY_{name}_PROD = '{key}'"),
            ] {
                assert_eq!(kinds(&text), vec![(*kind, key.as_str())], "{text}");
            }
            for text in [
                // No name, a name without a value, a longer or shorter value,
                // a placeholder.
                key.clone(),
                format!("value = {key}"),
                format!("{name}\n{key}"),
                format!("{name}={key}0"),
                format!("{name}={}", &key[1..]),
                format!("{name}={}", "a1".repeat(key.len() / 2)),
            ] {
                // A random value may still be a secret-named setting's.
                let found = kinds(&text);
                assert!(found.iter().all(|&(k, _)| k != *kind), "{text}: {found:?}");
            }
        }
        // AWS's secret key in the same assignments.
        let secret = "oQm+FKDlBKjOxKfukcHHlpgoAAxKkj+uIxYyZZhR";
        for text in [
            format!("os.environ[\"AWS_SECRET_ACCESS_KEY\"] = \"{secret}\""),
            format!("os.environ.setdefault(\"AWS_SECRET_ACCESS_KEY\", \"{secret}\")"),
        ] {
            assert_eq!(
                kinds(&text),
                vec![("aws-secret-access-key", secret)],
                "{text}"
            );
        }
    }

    /// The issue's placeholders: not reported, and failing the randomness
    /// test itself (not only a length or alphabet check).
    #[test]
    fn placeholders_are_not_reported() {
        let placeholders = [
            ("AKIAXXXXXXXXXXXXXXXX", "AKIA"),
            ("AKIAABCDEFGHIJKLMNOP", "AKIA"),
            ("AIzaSyabcdefghijklmnopqrstuvwxyz1234567", "AIza"),
            ("xoxb-Slack_BOT_TOKEN", "xoxb-"),
            ("xoxe.xoxp-1-RANDOMSTRINGHERE", "xoxe.xoxp-"),
            ("sk-ant-api03-your-api-key-here", "sk-ant-"),
            ("hf_requiredCharacteristicTypesForDisplayMetadata", "hf_"),
            ("sk-proj-abcdefghijklmnopqrstuvwxyz", "sk-proj-"),
            ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_"),
            (
                "gsk_yourGroqApiKeyGoesHereReplaceWithTheRealOneNowPlz",
                "gsk_",
            ),
        ];
        for (text, prefix) in placeholders {
            assert!(kinds(text).is_empty(), "{text}");
            for context in [format!("KEY = \"{text}\""), format!("{text}\n")] {
                assert!(kinds(&context).is_empty(), "{context}");
            }
            let body = &text.as_bytes()[prefix.len()..];
            assert!(!random_enough(body) || !plausible(body), "{text}");
        }
    }

    /// The randomness test's other side: generated bodies of every alphabet
    /// pass it, in numbers (a rule that rejects one real key in a thousand
    /// would fail here).
    #[test]
    fn random_bodies_pass_the_randomness_test() {
        // 2,000 of each here; measured with a million of each, the rules
        // rejected one body (24 characters, lower-case words by chance).
        const SAMPLES: usize = 2000;
        let mut rng = Rng(1);
        for (chars, lengths) in [
            (alphabet(&[UPPER, LOWER, DIGITS]), &[16, 24, 36, 48][..]),
            (alphabet(&[UPPER, LOWER, DIGITS, "-_"]), &[20, 35, 93][..]),
            (alphabet(&[UPPER, LOWER]), &[34][..]),
            (HEX.to_string(), &[32, 40, 64][..]),
        ] {
            for &n in lengths {
                for _ in 0..SAMPLES {
                    let body = rng.string(&chars, n);
                    assert!(random_enough(body.as_bytes()), "{body}");
                }
            }
        }
        for _ in 0..2000 {
            let body = rng.string(B32, 16);
            assert!(plausible(body.as_bytes()), "{body}");
        }
        for body in [
            "XXXXXXXXXXXXXXXX",
            "ABCDEFGHIJKLMNOP",
            "Syabcdefghijklmnopqrstuvwxyz1234567",
            "Slack_BOT_TOKEN",
            "1-RANDOMSTRINGHERE",
            "api03-your-api-key-here",
            "requiredCharacteristicTypesForDisplayMetadata",
            "0000000000000000000000000000000000000000",
        ] {
            assert!(!plausible(body.as_bytes()), "{body}");
        }
    }

    /// Secret-named settings with random values, in the syntaxes of code
    /// and config; placeholders, references and key formats are not them.
    #[test]
    fn secret_named_assignments() {
        let mut rng = Rng(14);
        let alnum = alphabet(&[UPPER, LOWER, DIGITS]);
        for _ in 0..200 {
            let n = 10 + (rng.next() % 30) as usize;
            let value = rng.string(&alnum, n);
            let hex = rng.string(HEX, 32);
            for (text, secret) in [
                (format!("password = \"{value}\""), &value),
                (format!("db_password: {value}\n"), &value),
                (format!("{{\"client_secret\": \"{hex}\"}}"), &hex),
                (format!("export API_KEY={value}"), &value),
                (format!("os.environ[\"MY_TOKEN\"] = '{value}'"), &value),
                (
                    format!("snowflake.connector.connect(user='u', password='{value}')"),
                    &value,
                ),
            ] {
                let found = kinds(&text);
                // Random strings fail the randomness test now and then
                // (a run of letters reads as a word); never as anything else.
                assert!(
                    found.is_empty() || found == vec![("secret-assignment", secret.as_str())],
                    "{text}: {found:?}"
                );
            }
        }
        let mut missed = 0;
        for _ in 0..1000 {
            let value = rng.string(&alnum, 20);
            missed += usize::from(kinds(&format!("secret = '{value}'")).is_empty());
        }
        assert!(missed < 30, "{missed} of 1000 random values missed");
        for text in [
            "password = \"your-password-here\"",
            "api_key = \"YOUR_API_KEY_HERE\"",
            "secret = \"changeme123\"",
            "token = \"xxxxxxxxxxxxxxxx\"",
            "token = \"abcdefghijklmnop\"",
            "password = \"Password123!\"",
            "api_key = \"sk-ant-api03-your-api-key-here\"",
            "SECRET_KEY = os.environ.get('SECRET_KEY')",
            "token: ${{ secrets.GITHUB_TOKEN }}",
            "password: '{{ db_password }}'",
            "TOKEN_PATTERN = \"q7Rz2LmX9vKpW4tNa\"",
            "self.tokenizer = AutoTokenizer.from_pretrained(name)",
            "secret = \"AKIAIOSFODNN7EXAMPLE\"",
            "password = \"0123456789\"",
            "token = \"2024-01-01T00:00:00Z\"",
        ] {
            assert!(kinds(text).is_empty(), "{text}");
        }
        // A key format inside the value is reported as itself.
        let ghp = format!("ghp_{}", rng.string(&alnum, 36));
        assert_eq!(
            kinds(&format!("password = \"{ghp}\"")),
            vec![("github-token", ghp.as_str())]
        );
        let bot = format!("123456789:AA{}Q", rng.string(&alnum, 32));
        assert_eq!(
            kinds(&format!("TELEGRAM_TOKEN={bot}")),
            vec![("telegram-bot-token", bot.as_str())]
        );
    }

    #[test]
    fn telegram_bot_tokens() {
        let mut rng = Rng(11);
        let token_chars = alphabet(&[UPPER, LOWER, DIGITS, "-_"]);
        for _ in 0..50 {
            let id = format!("{}{}", 1 + rng.next() % 9, rng.string(DIGITS, 9));
            let secret = format!("AA{}Q", rng.string(&token_chars, 32));
            let token = format!("{id}:{secret}");
            for text in [
                token.clone(),
                format!("TELEGRAM_BOT_TOKEN={token}\n"),
                format!("bot = Bot(\"{token}\")"),
            ] {
                assert_eq!(
                    kinds(&text),
                    vec![("telegram-bot-token", token.as_str())],
                    "{text}"
                );
            }
            for text in [
                format!("{}:{secret}", &id[..7]),
                format!("1{id}:{secret}"),
                format!("x{token}"),
                format!("{id}:{}", &secret[..34]),
                format!("{token}x"),
                format!("{id}:AA{}", "x".repeat(33)),
            ] {
                assert!(kinds(&text).is_empty(), "{text}");
            }
        }
    }

    fn b64(json: &str) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn json_web_tokens() {
        let mut rng = Rng(5);
        let token_chars = alphabet(&[UPPER, LOWER, DIGITS, "-_"]);
        let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = b64(&format!(
            r#"{{"sub":"{}","iat":{}}}"#,
            rng.string(DIGITS, 10),
            1_700_000_000 + rng.next() % 1000
        ));
        let signature = format!("{}Q", rng.string(&token_chars, 42));
        let jwt = format!("{header}.{payload}.{signature}");
        for text in [
            jwt.clone(),
            format!("Authorization: Bearer {jwt}\n"),
            format!("{{\"id_token\": \"{jwt}\"}}"),
        ] {
            assert_eq!(kinds(&text), vec![("jwt", jwt.as_str())], "{text}");
        }
        assert_eq!(known_shape(&jwt), Some("JSON Web Token"));
        let no_alg = b64(r#"{"typ":"JWT"}"#);
        let array = b64(r#"["alg"]"#);
        for text in [
            // No `alg`, not an object, a payload that is not JSON, no or a
            // short signature, two parts, glued to a word.
            format!("{no_alg}.{payload}.{signature}"),
            format!("{array}.{payload}.{signature}"),
            format!("{header}.eyJub3QganNvbg.{signature}"),
            format!("{header}.{payload}."),
            format!("{header}.{payload}.abc"),
            format!("{header}.{payload}"),
            format!("x{jwt}"),
            format!("{header}x.{payload}.{signature}"),
        ] {
            assert!(kinds(&text).is_empty(), "{text}");
        }
    }

    /// Test-mode Stripe keys: masked (the masking policy knows them), never
    /// reported (a test key is no leak), as `sk_test_` was before.
    #[test]
    fn stripe_test_keys_are_masked_not_reported() {
        let mut rng = Rng(3);
        let alnum = alphabet(&[UPPER, LOWER, DIGITS]);
        for (prefix, label) in [
            ("sk_test_", "Stripe test key"),
            ("rk_test_", "Stripe restricted test key"),
        ] {
            let key = format!("{prefix}{}", rng.string(&alnum, 99));
            assert_eq!(known_shape(&key), Some(label));
            assert!(kinds(&format!("STRIPE_KEY = \"{key}\"")).is_empty());
        }
    }

    #[test]
    fn every_reported_format_has_its_row_in_kinds() {
        let by_id = |id: &str| kinds::KINDS.iter().find(|k| k.id == id);
        for shape in SHAPES.iter().filter(|s| s.report) {
            let row = by_id(shape.kind);
            assert_eq!(
                row.map(|k| k.provider),
                Some(shape.provider),
                "{}",
                shape.kind
            );
        }
        for labelled in LABELLED {
            assert!(by_id(labelled.kind.id).is_some(), "{}", labelled.kind.id);
        }
        for kind in [PEM_KIND, URL_KIND, AWS_SECRET_KIND, kinds::JWT.id] {
            assert!(by_id(kind).is_some(), "{kind}");
        }
    }
}
