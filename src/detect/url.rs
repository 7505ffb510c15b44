//! Passwords in URLs' user-info (`scheme://user:PASSWORD@host`): the
//! masking policy masks only that part of a URL, and the scanner reports it.

use std::ops::Range;

/// Byte range of the first password in a URL's user-info in `value`
/// (`scheme://user:PASSWORD@host`).
pub fn password(value: &str) -> Option<Range<usize>> {
    passwords(value).into_iter().next()
}

/// Byte ranges of every password in URLs' user-info in `value`: a failover
/// list (`amqp://u:p1@h1,amqp://u:p2@h2`) holds several, and a value may
/// carry a URL after other text (`Url=https://u:p@h`).
pub fn passwords(value: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = value[from..].find("://") {
        let mark = from + offset;
        if let Some(range) = password_at(value, mark) {
            found.push(range);
        }
        from = mark + 3;
    }
    found
}

fn scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"+-.:".contains(&b)
}

/// The password of the URL whose `://` is at `mark`. The scheme may have
/// parts (`jdbc:mysql://`, `jdbc:postgresql://`), as JDBC and SQLAlchemy
/// (`postgresql+psycopg://`) write them.
fn password_at(value: &str, mark: usize) -> Option<Range<usize>> {
    let before = &value.as_bytes()[..mark];
    // Everything after the last byte that cannot be in a scheme is ASCII, so
    // `start` is a character boundary.
    let start = before
        .iter()
        .rposition(|&b| !scheme_byte(b))
        .map_or(0, |p| p + 1);
    let scheme = &before[start..];
    if !scheme.first()?.is_ascii_alphabetic() || scheme.ends_with(b":") {
        return None;
    }
    let authority_start = mark + 3;
    let authority_len = value[authority_start..]
        .find(['/', '?', '#'])
        .unwrap_or(value.len() - authority_start);
    let authority = &value[authority_start..authority_start + authority_len];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    let range = authority_start + colon + 1..authority_start + at;
    (!range.is_empty()).then_some(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords() {
        let url = "postgres://app:s3cr3t-pass@db.internal:5432/prod";
        assert_eq!(password(url).map(|r| &url[r]), Some("s3cr3t-pass"));
        assert_eq!(password("https://example.invalid/a:b@c"), None);
        assert_eq!(password("https://user@example.invalid/"), None);
        assert_eq!(password("not a url"), None);
    }

    #[test]
    fn schemes_with_parts_and_urls_after_text() {
        let jdbc = "jdbc:mysql://app:JdbcFAKEpass9876@db.example.invalid/app";
        assert_eq!(password(jdbc).map(|r| &jdbc[r]), Some("JdbcFAKEpass9876"));
        let alchemy = "postgresql+psycopg://u:AlchemyFAKE42@h/db";
        assert_eq!(
            password(alchemy).map(|r| &alchemy[r]),
            Some("AlchemyFAKE42")
        );
        let embedded = "Url=https://svc:EmbeddedFAKE7@api.example.invalid";
        assert_eq!(
            password(embedded).map(|r| &embedded[r]),
            Some("EmbeddedFAKE7")
        );
        assert_eq!(password("://u:p@h"), None);
        assert_eq!(password("1http://u:pass@h"), None);
    }

    #[test]
    fn every_password_of_a_failover_list() {
        let list = "amqp://guest:AmqpFAKEpw99@mq.example.invalid,amqp://guest:SecondFAKEpw77@mq2.example.invalid";
        let found: Vec<&str> = passwords(list).into_iter().map(|r| &list[r]).collect();
        assert_eq!(found, ["AmqpFAKEpw99", "SecondFAKEpw77"]);
        let text = "caf\u{e9} x://u:Pw123456@h \u{fc}ber y://v:Other9876@k";
        let found: Vec<&str> = passwords(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["Pw123456", "Other9876"]);
    }
}
