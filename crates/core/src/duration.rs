//! Go's duration syntax, which Gitea uses for mirror intervals (`8h0m0s`, `10m`, `1h30m`).

/// Parses a Go duration into whole seconds (fractions are dropped). `"0"` is 0.
pub fn parse_go_duration(s: &str) -> Option<i64> {
    parse_go_duration_nanos(s).map(|ns| (ns / 1_000_000_000) as i64)
}

/// Parses a Go duration into nanoseconds.
pub fn parse_go_duration_nanos(s: &str) -> Option<u128> {
    let s = s.trim();
    if s == "0" {
        return Some(0);
    }
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let mut total_ns: f64 = 0.0;
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total_ns += value * unit;
    }
    if total_ns > (i64::MAX as f64) {
        return None;
    }
    Some(total_ns as u128)
}

/// Formats whole seconds as Go prints a duration: `8h0m0s`, `10m0s`, `45s`, `0s`.
pub fn format_go_duration(secs: i64) -> String {
    if secs <= 0 {
        return "0s".into();
    }
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("8h0m0s"), Some(8 * 3600));
        assert_eq!(parse_go_duration("10m"), Some(600));
        assert_eq!(parse_go_duration("1h30m"), Some(5400));
        assert_eq!(parse_go_duration("1.5h"), Some(5400));
        assert_eq!(parse_go_duration("90s"), Some(90));
        assert_eq!(parse_go_duration("0"), Some(0));
        assert_eq!(parse_go_duration("500ms"), Some(0));
        assert_eq!(parse_go_duration_nanos("500ms"), Some(500_000_000));
        for bad in ["", "8", "h", "-1h", "1d", "abc", "1h-2m"] {
            assert_eq!(parse_go_duration(bad), None, "{bad}");
        }
        assert_eq!(format_go_duration(8 * 3600), "8h0m0s");
        assert_eq!(format_go_duration(600), "10m0s");
        assert_eq!(format_go_duration(45), "45s");
        assert_eq!(format_go_duration(5400), "1h30m0s");
        assert_eq!(format_go_duration(0), "0s");
    }
}
