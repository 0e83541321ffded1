//! Gitea's `page`/`limit` rules in one place.

/// Effective page (1-based) and page size for one list request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub limit: i64,
    /// The raw `page` query value (Gitea's `Link` header starts from it).
    pub raw_page: i64,
}

impl Paging {
    /// `limit` missing, unparsable or ≤0 → `default`; above `max` → `max`;
    /// `page` ≤0 or unparsable → 1. Huge pages are clamped so offsets cannot overflow.
    pub fn new(page: Option<&str>, limit: Option<&str>, default: i64, max: i64) -> Paging {
        let parse = |v: Option<&str>| v.and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(0);
        let mut limit = parse(limit);
        if limit <= 0 {
            limit = default;
        }
        if limit > max {
            limit = max;
        }
        let limit = limit.max(1);
        let raw_page = parse(page);
        let page = raw_page.clamp(1, i64::MAX / limit / 2);
        Paging {
            page,
            limit,
            raw_page,
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn gitea_rules() {
        assert_eq!(Paging::new(None, None, 30, 50).limit, 30);
        assert_eq!(Paging::new(None, Some("-5"), 30, 50).limit, 30);
        assert_eq!(Paging::new(None, Some("500"), 30, 50).limit, 50);
        assert_eq!(Paging::new(Some("0"), Some("10"), 30, 50).page, 1);
        assert_eq!(Paging::new(Some("-3"), Some("x"), 30, 50).page, 1);
        let p = Paging::new(Some("3"), Some("10"), 30, 50);
        assert_eq!(p.offset(), 20);
        let huge = Paging::new(Some("9223372036854775807"), Some("50"), 30, 50);
        assert!(huge.offset() > 0);
    }
}
