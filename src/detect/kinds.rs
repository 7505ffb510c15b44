//! Every kind of secret the scanner can report, with what a person reads
//! and who issued it: the one table Python's `KINDS` and the key formats
//! (`patterns::SHAPES`) take their labels from.

/// A kind of secret: one row per `id`, however many formats share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// Stable id used in reports: `openai-key`.
    pub id: &'static str,
    /// What a person reads: "OpenAI API key".
    pub label: &'static str,
    /// Who issues it ("OpenAI"), "any" for a generic format, "you" for the
    /// user's own secrets.
    pub provider: &'static str,
}

const fn kind(id: &'static str, label: &'static str, provider: &'static str) -> Kind {
    Kind {
        id,
        label,
        provider,
    }
}

pub const KNOWN_SECRET: Kind = kind(
    "known-secret",
    "A secret you hold (from .env, the keyring or safekeys.mask)",
    "you",
);
pub const OPENAI_KEY: Kind = kind("openai-key", "OpenAI API key", "OpenAI");
pub const OPENAI_PROJECT_KEY: Kind = kind("openai-project-key", "OpenAI project key", "OpenAI");
pub const ANTHROPIC_KEY: Kind = kind("anthropic-key", "Anthropic API key", "Anthropic");
pub const AWS_ACCESS_KEY_ID: Kind = kind("aws-access-key-id", "AWS access key id", "AWS");
pub const AWS_SECRET_ACCESS_KEY: Kind =
    kind("aws-secret-access-key", "AWS secret access key", "AWS");
pub const GITHUB_TOKEN: Kind = kind("github-token", "GitHub personal access token", "GitHub");
pub const GITHUB_OAUTH_TOKEN: Kind = kind("github-oauth-token", "GitHub OAuth token", "GitHub");
pub const GITHUB_USER_TOKEN: Kind =
    kind("github-user-token", "GitHub user-to-server token", "GitHub");
pub const GITHUB_SERVER_TOKEN: Kind = kind(
    "github-server-token",
    "GitHub server-to-server token",
    "GitHub",
);
pub const GITHUB_REFRESH_TOKEN: Kind =
    kind("github-refresh-token", "GitHub refresh token", "GitHub");
pub const GITHUB_FINE_GRAINED_TOKEN: Kind = kind(
    "github-fine-grained-token",
    "GitHub fine-grained personal access token",
    "GitHub",
);
pub const GITLAB_TOKEN: Kind = kind("gitlab-token", "GitLab personal access token", "GitLab");
pub const SLACK_TOKEN: Kind = kind("slack-token", "Slack token", "Slack");
pub const GOOGLE_API_KEY: Kind = kind("google-api-key", "Google API key", "Google");
pub const HUGGINGFACE_TOKEN: Kind = kind("huggingface-token", "Hugging Face token", "Hugging Face");
pub const STRIPE_LIVE_KEY: Kind = kind("stripe-live-key", "Stripe live secret key", "Stripe");
pub const STRIPE_RESTRICTED_KEY: Kind =
    kind("stripe-restricted-key", "Stripe restricted key", "Stripe");
/// Masked but never reported: a test-mode key is not a leak.
pub const STRIPE_TEST_KEY: Kind = kind("stripe-test-key", "Stripe test key", "Stripe");
pub const PEM_PRIVATE_KEY: Kind = kind("pem-private-key", "PEM private key", "any");
pub const URL_PASSWORD: Kind = kind("url-password", "Password in a URL", "any");

// AI and ML platforms.
pub const COHERE_KEY: Kind = kind("cohere-key", "Cohere API key", "Cohere");
pub const GROQ_KEY: Kind = kind("groq-key", "Groq API key", "Groq");
pub const REPLICATE_TOKEN: Kind = kind("replicate-token", "Replicate API token", "Replicate");
pub const MISTRAL_KEY: Kind = kind("mistral-key", "Mistral API key", "Mistral AI");
pub const TOGETHER_KEY: Kind = kind("together-key", "Together AI API key", "Together AI");
pub const PERPLEXITY_KEY: Kind = kind("perplexity-key", "Perplexity API key", "Perplexity");
pub const XAI_KEY: Kind = kind("xai-key", "xAI API key", "xAI");
pub const LANGSMITH_KEY: Kind = kind("langsmith-key", "LangSmith API key", "LangChain");
pub const PINECONE_KEY: Kind = kind("pinecone-key", "Pinecone API key", "Pinecone");
pub const WANDB_KEY: Kind = kind("wandb-key", "Weights & Biases API key", "Weights & Biases");
pub const HUGGINGFACE_ORG_TOKEN: Kind = kind(
    "huggingface-org-token",
    "Hugging Face organisation token",
    "Hugging Face",
);
pub const OPENROUTER_KEY: Kind = kind("openrouter-key", "OpenRouter API key", "OpenRouter");
pub const DEEPSEEK_KEY: Kind = kind("deepseek-key", "DeepSeek API key", "DeepSeek");

// Cloud.
pub const GOOGLE_OAUTH_SECRET: Kind = kind(
    "google-oauth-client-secret",
    "Google OAuth client secret",
    "Google",
);

// Developer platforms.
pub const GITLAB_RUNNER_TOKEN: Kind = kind(
    "gitlab-runner-token",
    "GitLab runner authentication token",
    "GitLab",
);
pub const GITLAB_DEPLOY_TOKEN: Kind = kind("gitlab-deploy-token", "GitLab deploy token", "GitLab");
pub const GITLAB_CI_JOB_TOKEN: Kind =
    kind("gitlab-ci-job-token", "GitLab CI/CD job token", "GitLab");
pub const GITLAB_TRIGGER_TOKEN: Kind = kind(
    "gitlab-trigger-token",
    "GitLab pipeline trigger token",
    "GitLab",
);
pub const GITLAB_FEED_TOKEN: Kind = kind("gitlab-feed-token", "GitLab feed token", "GitLab");
pub const GITLAB_SCIM_TOKEN: Kind = kind("gitlab-scim-token", "GitLab SCIM token", "GitLab");
pub const GITLAB_OTHER_TOKEN: Kind = kind("gitlab-other-token", "GitLab token", "GitLab");
pub const NPM_TOKEN: Kind = kind("npm-token", "npm access token", "npm");
pub const PYPI_TOKEN: Kind = kind("pypi-token", "PyPI upload token", "PyPI");

// Communication and payments.
pub const SLACK_APP_TOKEN: Kind = kind("slack-app-token", "Slack app-level token", "Slack");
pub const SLACK_CONFIG_TOKEN: Kind =
    kind("slack-config-token", "Slack configuration token", "Slack");
pub const SLACK_WEBHOOK: Kind = kind("slack-webhook-url", "Slack incoming-webhook URL", "Slack");
pub const DISCORD_WEBHOOK: Kind = kind("discord-webhook-url", "Discord webhook URL", "Discord");
pub const TELEGRAM_BOT_TOKEN: Kind = kind("telegram-bot-token", "Telegram bot token", "Telegram");
pub const SENDGRID_KEY: Kind = kind("sendgrid-key", "SendGrid API key", "Twilio SendGrid");
pub const TWILIO_KEY: Kind = kind("twilio-key", "Twilio API key", "Twilio");

// Data platforms.
pub const DATABRICKS_TOKEN: Kind =
    kind("databricks-token", "Databricks access token", "Databricks");
pub const NOTION_TOKEN: Kind = kind("notion-token", "Notion integration token", "Notion");
pub const AIRTABLE_TOKEN: Kind = kind(
    "airtable-token",
    "Airtable personal access token",
    "Airtable",
);

// Added for gitleaks parity: cloud.
pub const AWS_BEDROCK_KEY: Kind = kind("aws-bedrock-key", "Amazon Bedrock API key", "AWS");
pub const AZURE_AD_CLIENT_SECRET: Kind = kind(
    "azure-ad-client-secret",
    "Azure AD (Entra ID) client secret",
    "Microsoft Azure",
);
pub const AZURE_STORAGE_KEY: Kind = kind(
    "azure-storage-key",
    "Azure storage account key",
    "Microsoft Azure",
);
pub const AZURE_OPENAI_KEY: Kind = kind(
    "azure-openai-key",
    "Azure OpenAI API key",
    "Microsoft Azure",
);
pub const ALIBABA_ACCESS_KEY_ID: Kind = kind(
    "alibaba-access-key-id",
    "Alibaba Cloud access key id",
    "Alibaba Cloud",
);
pub const DIGITALOCEAN_TOKEN: Kind =
    kind("digitalocean-token", "DigitalOcean token", "DigitalOcean");
pub const HEROKU_KEY: Kind = kind("heroku-key", "Heroku API key", "Heroku");
pub const FLYIO_TOKEN: Kind = kind("flyio-token", "Fly.io access token", "Fly.io");
pub const CLOUDFLARE_KEY: Kind = kind("cloudflare-key", "Cloudflare API key", "Cloudflare");
pub const VAULT_TOKEN: Kind = kind("vault-token", "HashiCorp Vault token", "HashiCorp");
pub const TERRAFORM_TOKEN: Kind = kind(
    "terraform-token",
    "HashiCorp Terraform Cloud API token",
    "HashiCorp",
);
pub const PULUMI_TOKEN: Kind = kind("pulumi-token", "Pulumi access token", "Pulumi");
pub const DOPPLER_TOKEN: Kind = kind("doppler-token", "Doppler token", "Doppler");
pub const ONEPASSWORD_TOKEN: Kind = kind(
    "1password-token",
    "1Password service account token",
    "1Password",
);
pub const AGE_SECRET_KEY: Kind = kind(
    "age-secret-key",
    "secret key of the age encryption tool",
    "age",
);
pub const DOTENV_PRIVATE_KEY: Kind = kind(
    "dotenv-private-key",
    "dotenvx private key (DOTENV_PRIVATE_KEY)",
    "dotenvx",
);

// Developer platforms.
pub const BITBUCKET_TOKEN: Kind = kind("bitbucket-token", "Bitbucket token", "Atlassian");
pub const ATLASSIAN_TOKEN: Kind = kind("atlassian-token", "Atlassian API token", "Atlassian");
pub const SHOPIFY_TOKEN: Kind = kind("shopify-token", "Shopify access token", "Shopify");
pub const SENTRY_TOKEN: Kind = kind("sentry-token", "Sentry auth token", "Sentry");
pub const GRAFANA_TOKEN: Kind = kind("grafana-token", "Grafana token", "Grafana Labs");
pub const POSTMAN_KEY: Kind = kind("postman-key", "Postman API key", "Postman");
pub const PREFECT_KEY: Kind = kind("prefect-key", "Prefect API key", "Prefect");
pub const RUBYGEMS_KEY: Kind = kind("rubygems-key", "RubyGems API key", "RubyGems");
pub const LINEAR_KEY: Kind = kind("linear-key", "Linear API key", "Linear");
pub const PLANETSCALE_TOKEN: Kind = kind("planetscale-token", "PlanetScale token", "PlanetScale");
pub const DYNATRACE_TOKEN: Kind = kind("dynatrace-token", "Dynatrace API token", "Dynatrace");
pub const NEW_RELIC_KEY: Kind = kind("new-relic-key", "New Relic API key", "New Relic");
pub const DATADOG_KEY: Kind = kind("datadog-key", "Datadog API key", "Datadog");
pub const SOURCEGRAPH_TOKEN: Kind = kind(
    "sourcegraph-token",
    "Sourcegraph access token",
    "Sourcegraph",
);
pub const README_KEY: Kind = kind("readme-key", "ReadMe API key", "ReadMe");
pub const ARTIFACTORY_KEY: Kind = kind("artifactory-key", "JFrog Artifactory API key", "JFrog");
pub const KAGGLE_KEY: Kind = kind("kaggle-key", "Kaggle API key", "Kaggle");

// Communication and payments.
pub const MAILGUN_KEY: Kind = kind("mailgun-key", "Mailgun API key", "Mailgun");
pub const DISCORD_BOT_TOKEN: Kind = kind("discord-bot-token", "Discord bot token", "Discord");
pub const BREVO_KEY: Kind = kind("brevo-key", "Brevo (Sendinblue) API key", "Brevo");
pub const TWITTER_BEARER_TOKEN: Kind = kind(
    "twitter-bearer-token",
    "X (Twitter) bearer token",
    "X (Twitter)",
);
pub const SQUARE_TOKEN: Kind = kind("square-token", "Square access token", "Square");
pub const SHIPPO_TOKEN: Kind = kind("shippo-token", "Shippo API token", "Shippo");
pub const EASYPOST_KEY: Kind = kind("easypost-key", "EasyPost API key", "EasyPost");
pub const DUFFEL_TOKEN: Kind = kind("duffel-token", "Duffel API token", "Duffel");
pub const MAPBOX_SECRET_TOKEN: Kind = kind("mapbox-secret-token", "Mapbox secret token", "Mapbox");

// AI and data, beyond the first round.
pub const TAVILY_KEY: Kind = kind("tavily-key", "Tavily API key", "Tavily");
pub const LANGFUSE_SECRET_KEY: Kind =
    kind("langfuse-secret-key", "Langfuse secret key", "Langfuse");
pub const CLICKHOUSE_KEY: Kind = kind(
    "clickhouse-key",
    "ClickHouse Cloud API secret",
    "ClickHouse",
);
pub const SNOWFLAKE_TOKEN: Kind = kind("snowflake-token", "Snowflake OAuth token", "Snowflake");

// Generic formats.
pub const SECRET_ASSIGNMENT: Kind = kind(
    "secret-assignment",
    "random-looking value of a secret-named setting",
    "any",
);
pub const JWT: Kind = kind("jwt", "JSON Web Token", "any");

/// Every kind the scanner reports, in the order reports list them.
pub const KINDS: &[Kind] = &[
    KNOWN_SECRET,
    OPENAI_KEY,
    OPENAI_PROJECT_KEY,
    ANTHROPIC_KEY,
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    GITHUB_TOKEN,
    GITHUB_OAUTH_TOKEN,
    GITHUB_USER_TOKEN,
    GITHUB_SERVER_TOKEN,
    GITHUB_REFRESH_TOKEN,
    GITHUB_FINE_GRAINED_TOKEN,
    GITLAB_TOKEN,
    SLACK_TOKEN,
    GOOGLE_API_KEY,
    HUGGINGFACE_TOKEN,
    STRIPE_LIVE_KEY,
    STRIPE_RESTRICTED_KEY,
    PEM_PRIVATE_KEY,
    URL_PASSWORD,
    COHERE_KEY,
    GROQ_KEY,
    REPLICATE_TOKEN,
    MISTRAL_KEY,
    TOGETHER_KEY,
    PERPLEXITY_KEY,
    XAI_KEY,
    LANGSMITH_KEY,
    PINECONE_KEY,
    WANDB_KEY,
    HUGGINGFACE_ORG_TOKEN,
    OPENROUTER_KEY,
    DEEPSEEK_KEY,
    GOOGLE_OAUTH_SECRET,
    GITLAB_RUNNER_TOKEN,
    GITLAB_DEPLOY_TOKEN,
    GITLAB_CI_JOB_TOKEN,
    GITLAB_TRIGGER_TOKEN,
    GITLAB_FEED_TOKEN,
    GITLAB_SCIM_TOKEN,
    GITLAB_OTHER_TOKEN,
    NPM_TOKEN,
    PYPI_TOKEN,
    SLACK_APP_TOKEN,
    SLACK_CONFIG_TOKEN,
    SLACK_WEBHOOK,
    DISCORD_WEBHOOK,
    TELEGRAM_BOT_TOKEN,
    SENDGRID_KEY,
    TWILIO_KEY,
    DATABRICKS_TOKEN,
    NOTION_TOKEN,
    AIRTABLE_TOKEN,
    JWT,
    AWS_BEDROCK_KEY,
    AZURE_AD_CLIENT_SECRET,
    AZURE_STORAGE_KEY,
    AZURE_OPENAI_KEY,
    ALIBABA_ACCESS_KEY_ID,
    DIGITALOCEAN_TOKEN,
    HEROKU_KEY,
    FLYIO_TOKEN,
    CLOUDFLARE_KEY,
    VAULT_TOKEN,
    TERRAFORM_TOKEN,
    PULUMI_TOKEN,
    DOPPLER_TOKEN,
    ONEPASSWORD_TOKEN,
    AGE_SECRET_KEY,
    DOTENV_PRIVATE_KEY,
    BITBUCKET_TOKEN,
    ATLASSIAN_TOKEN,
    SHOPIFY_TOKEN,
    SENTRY_TOKEN,
    GRAFANA_TOKEN,
    POSTMAN_KEY,
    PREFECT_KEY,
    RUBYGEMS_KEY,
    LINEAR_KEY,
    PLANETSCALE_TOKEN,
    DYNATRACE_TOKEN,
    NEW_RELIC_KEY,
    DATADOG_KEY,
    SOURCEGRAPH_TOKEN,
    README_KEY,
    ARTIFACTORY_KEY,
    KAGGLE_KEY,
    MAILGUN_KEY,
    DISCORD_BOT_TOKEN,
    BREVO_KEY,
    TWITTER_BEARER_TOKEN,
    SQUARE_TOKEN,
    SHIPPO_TOKEN,
    EASYPOST_KEY,
    DUFFEL_TOKEN,
    MAPBOX_SECRET_TOKEN,
    TAVILY_KEY,
    LANGFUSE_SECRET_KEY,
    CLICKHOUSE_KEY,
    SNOWFLAKE_TOKEN,
    SECRET_ASSIGNMENT,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_kind() {
        let mut ids: Vec<&str> = KINDS.iter().map(|k| k.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), KINDS.len());
        assert!(KINDS
            .iter()
            .all(|k| !k.label.is_empty() && !k.provider.is_empty()));
    }
}
