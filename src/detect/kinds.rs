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

// Generic formats.
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
