//! Issues, comments, labels and milestones: the records and the rules about their text.

use crate::{Error, ErrorKind, Result};

/// Longest title Gitea accepts (`binding:"Required;MaxSize(255)"`).
pub const MAX_TITLE_CHARS: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub id: i64,
    pub repo_id: i64,
    pub number: i64,
    /// `None` once the poster's account is deleted.
    pub poster_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub r#ref: String,
    pub milestone_id: Option<i64>,
    pub is_closed: bool,
    pub is_locked: bool,
    pub num_comments: i64,
    pub deadline_unix: i64,
    pub created_unix: i64,
    pub updated_unix: i64,
    pub closed_unix: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub id: i64,
    /// The repository of a repository label; 0 for an organization label.
    pub repo_id: i64,
    /// The organization of an organization label; 0 for a repository label.
    pub org_id: i64,
    pub name: String,
    /// Six hex digits, lower case, without `#`.
    pub color: String,
    pub description: String,
    pub exclusive: bool,
    pub archived_unix: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub id: i64,
    pub repo_id: i64,
    pub name: String,
    pub description: String,
    pub is_closed: bool,
    pub num_issues: i64,
    pub num_closed_issues: i64,
    pub deadline_unix: i64,
    pub closed_unix: i64,
    pub created_unix: i64,
    pub updated_unix: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: i64,
    pub issue_id: i64,
    pub repo_id: i64,
    pub poster_id: Option<i64>,
    pub body: String,
    pub created_unix: i64,
    pub updated_unix: i64,
}

/// A title as stored: trimmed, required, at most 255 characters (422 otherwise).
pub fn clean_title(title: &str) -> Result<String> {
    let t = title.trim();
    if t.is_empty() {
        return Err(Error::validation("Title cannot be empty"));
    }
    if t.chars().count() > MAX_TITLE_CHARS {
        return Err(Error::validation(format!(
            "Title cannot be longer than {MAX_TITLE_CHARS} characters"
        )));
    }
    Ok(t.to_string())
}

/// A body is stored verbatim (Markdown is rendered by readers, never here); only its
/// size is limited, to `max` bytes (`[repository.issue] MAX_BODY_BYTES`).
pub fn check_body(body: &str, max: usize) -> Result<()> {
    if body.len() > max {
        return Err(Error::new(
            ErrorKind::PayloadTooLarge,
            format!("body is larger than {max} bytes"),
        ));
    }
    Ok(())
}

/// A label colour as Gitea takes it: `#rrggbb`, `rrggbb` or `#rgb`; stored as six lower
/// case hex digits.
pub fn normalize_color(color: &str) -> Result<String> {
    let c = color.trim().trim_start_matches('#');
    let hex = |s: &str| s.chars().all(|c| c.is_ascii_hexdigit());
    let six = match c.len() {
        6 if hex(c) => c.to_string(),
        3 if hex(c) => c.chars().flat_map(|ch| [ch, ch]).collect(),
        _ => return Err(Error::validation(format!("invalid color: {color}"))),
    };
    Ok(six.to_ascii_lowercase())
}

/// The user names `@`-mentioned in `text`, lower-cased and without repeats: `@` at the
/// start or after a character that cannot be part of a name or an e-mail address, then
/// a name of letters, digits, `-`, `_` and `.` (not ending in `.`).
pub fn mentions(text: &str) -> Vec<String> {
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c != '@' || (i > 0 && (name_char(chars[i - 1]) || chars[i - 1] == '`')) {
            continue;
        }
        let name: String = chars[i + 1..]
            .iter()
            .take_while(|c| name_char(**c))
            .collect();
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// `state` of an issue or milestone filter: `open` (the default), `closed` or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    #[default]
    Open,
    Closed,
    All,
}

impl StateFilter {
    /// Gitea treats anything but `closed` and `all` as `open`.
    pub fn parse(s: Option<&str>) -> StateFilter {
        match s {
            Some("closed") => StateFilter::Closed,
            Some("all") => StateFilter::All,
            _ => StateFilter::Open,
        }
    }
    /// The `is_closed` value to match, if one.
    pub fn closed(self) -> Option<bool> {
        match self {
            StateFilter::Open => Some(false),
            StateFilter::Closed => Some(true),
            StateFilter::All => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_required_and_bounded() {
        assert_eq!(clean_title("  Bug  ").unwrap(), "Bug");
        assert!(clean_title("   ").is_err());
        assert!(clean_title(&"x".repeat(255)).is_ok());
        assert!(clean_title(&"x".repeat(256)).is_err());
    }

    #[test]
    fn colors_normalize_like_gitea() {
        assert_eq!(normalize_color("#FFAA00").unwrap(), "ffaa00");
        assert_eq!(normalize_color("ffaa00").unwrap(), "ffaa00");
        assert_eq!(normalize_color("#fa0").unwrap(), "ffaa00");
        assert!(normalize_color("#ggg").is_err());
        assert!(normalize_color("").is_err());
        assert!(normalize_color("#ffaa001").is_err());
    }

    #[test]
    fn mentions_are_found_once_and_not_in_emails() {
        assert_eq!(
            mentions("@Alice see @bob, and @alice again; mail carl@example.com. cc @dave."),
            vec!["alice", "bob", "dave"]
        );
        assert_eq!(mentions("no one here @ all `@code`"), Vec::<String>::new());
        assert_eq!(mentions("(@x_y-z.w)"), vec!["x_y-z.w"]);
    }

    #[test]
    fn state_filter_defaults_to_open() {
        assert_eq!(StateFilter::parse(None), StateFilter::Open);
        assert_eq!(StateFilter::parse(Some("bogus")), StateFilter::Open);
        assert_eq!(StateFilter::parse(Some("all")).closed(), None);
        assert_eq!(StateFilter::parse(Some("closed")).closed(), Some(true));
    }
}
