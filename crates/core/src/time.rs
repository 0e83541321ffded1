//! Timestamps are stored as unix seconds and rendered as Gitea does (RFC 3339, UTC, seconds).

use chrono::{DateTime, SecondsFormat, Utc};

/// Go's zero `time.Time`, which Gitea prints for "never".
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

pub fn now() -> i64 {
    Utc::now().timestamp()
}

pub fn rfc3339(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An HTTP date (`Last-Modified`): `Sun, 13 Sep 2020 12:26:40 GMT`.
pub fn http_date(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// For fields Gitea leaves at Go's zero time when unset (0 means unset here).
pub fn rfc3339_or_zero(unix: i64) -> String {
    if unix == 0 {
        ZERO_TIME.to_string()
    } else {
        rfc3339(unix)
    }
}

/// Parses an RFC 3339 timestamp into unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s).ok().map(|d| d.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn formats_like_gitea() {
        assert_eq!(rfc3339(1636857891), "2021-11-14T02:44:51Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_or_zero(0), ZERO_TIME);
        assert_eq!(parse_rfc3339("2021-11-14T02:44:51Z"), Some(1636857891));
    }
}
