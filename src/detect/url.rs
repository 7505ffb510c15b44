//! Passwords in URLs' user-info (`scheme://user:PASSWORD@host`): the
//! masking policy masks only that part of a URL, and the scanner reports it.

/// Byte range of the password in a URL's user-info (`scheme://user:PASSWORD@host`).
pub fn password(value: &str) -> Option<std::ops::Range<usize>> {
    let scheme_end = value.find("://")?;
    if scheme_end == 0
        || !value[..scheme_end]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return None;
    }
    let authority_start = scheme_end + 3;
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
}
