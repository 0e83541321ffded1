//! Access-token scopes as Gitea defines them: `all`, `public-only`, and `read:`/`write:`
//! for nine categories. Parsed, normalised to Gitea's canonical string, and checked.

use crate::{Error, Result};

/// In Gitea's normalisation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    ActivityPub,
    Admin,
    Misc,
    Notification,
    Organization,
    Package,
    Issue,
    Repository,
    User,
}

pub const CATEGORIES: [Category; 9] = [
    Category::ActivityPub,
    Category::Admin,
    Category::Misc,
    Category::Notification,
    Category::Organization,
    Category::Package,
    Category::Issue,
    Category::Repository,
    Category::User,
];

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::ActivityPub => "activitypub",
            Category::Admin => "admin",
            Category::Misc => "misc",
            Category::Notification => "notification",
            Category::Organization => "organization",
            Category::Package => "package",
            Category::Issue => "issue",
            Category::Repository => "repository",
            Category::User => "user",
        }
    }
    fn index(self) -> usize {
        CATEGORIES.iter().position(|c| *c == self).unwrap_or(0)
    }
    /// The text used in 403 messages for `public-only` tokens.
    pub fn public_only_noun(self) -> &'static str {
        match self {
            Category::Repository => "repos",
            Category::Issue => "issues",
            Category::Organization => "orgs",
            Category::User => "users",
            Category::Notification => "notifications",
            Category::Package => "packages",
            Category::ActivityPub => "activitypub",
            Category::Admin | Category::Misc => "resources",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Read,
    Write,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::None => "",
            Level::Read => "read",
            Level::Write => "write",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scopes {
    pub public_only: bool,
    levels: [Level; 9],
}

impl Scopes {
    pub fn all() -> Self {
        Scopes {
            public_only: false,
            levels: [Level::Write; 9],
        }
    }

    /// Grants nothing: what a credential whose stored scopes cannot be read is worth.
    pub fn none() -> Self {
        Scopes {
            public_only: true,
            levels: [Level::None; 9],
        }
    }

    /// Parses what a client sent: a list whose items may themselves be comma-joined.
    /// An empty list means `all` (Gogs clients and the seed send no scopes at all).
    pub fn parse_request(items: &[String]) -> Result<Self> {
        let joined = items.join(",");
        if joined.split(',').all(|s| s.trim().is_empty()) {
            return Ok(Self::all());
        }
        let scopes = Self::parse(&joined).map_err(|bad| {
            Error::bad_request(format!(
                "invalid access token scope provided: invalid access token scope: {bad}"
            ))
        })?;
        if !scopes.public_only && scopes.levels.iter().all(|l| *l == Level::None) {
            return Err(Error::bad_request("access token must have a scope"));
        }
        Ok(scopes)
    }

    /// Parses a comma-separated scope string; returns the first unknown item on failure.
    pub fn parse(s: &str) -> std::result::Result<Self, String> {
        let mut out = Scopes {
            public_only: false,
            levels: [Level::None; 9],
        };
        for item in s.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match item {
                "all" => out.levels = [Level::Write; 9],
                "public-only" => out.public_only = true,
                _ => {
                    let (level, cat) = item.split_once(':').ok_or_else(|| item.to_string())?;
                    let level = match level {
                        "read" => Level::Read,
                        "write" => Level::Write,
                        _ => return Err(item.to_string()),
                    };
                    let cat = CATEGORIES
                        .iter()
                        .find(|c| c.name() == cat)
                        .ok_or_else(|| item.to_string())?;
                    let slot = &mut out.levels[cat.index()];
                    *slot = (*slot).max(level);
                }
            }
        }
        Ok(out)
    }

    /// Gitea's canonical form: `public-only` first, categories in fixed order, write
    /// implying read, all nine writes collapsing to `all`.
    pub fn normalized(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.public_only {
            parts.push("public-only".into());
        }
        if self.levels.iter().all(|l| *l == Level::Write) {
            parts.push("all".into());
        } else {
            for cat in CATEGORIES {
                let level = self.levels[cat.index()];
                if level != Level::None {
                    parts.push(format!("{}:{}", level.name(), cat.name()));
                }
            }
        }
        parts.join(",")
    }

    pub fn list(&self) -> Vec<String> {
        self.normalized()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    pub fn level(&self, cat: Category) -> Level {
        self.levels[cat.index()]
    }

    pub fn allows(&self, cat: Category, needed: Level) -> bool {
        self.level(cat) >= needed
    }

    /// Checks every category at `needed`; the error text is Gitea's.
    pub fn require(&self, cats: &[Category], needed: Level) -> Result<()> {
        if cats.iter().all(|c| self.allows(*c, needed)) {
            return Ok(());
        }
        let required: Vec<String> = cats
            .iter()
            .map(|c| format!("{}:{}", needed.name(), c.name()))
            .collect();
        Err(Error::forbidden(format!(
            "token does not have at least one of required scope(s), required=[{}], token scope={}",
            required.join(" "),
            self.normalized()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(items: &[&str]) -> String {
        let v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        Scopes::parse_request(&v).unwrap().normalized()
    }

    #[test]
    fn normalises_like_gitea() {
        assert_eq!(
            norm(&["read:user", "write:repository", "read:repository"]),
            "write:repository,read:user"
        );
        assert_eq!(norm(&[]), "all");
        assert_eq!(norm(&["all"]), "all");
        assert_eq!(norm(&["public-only", "all"]), "public-only,all");
        assert_eq!(norm(&["read:admin,write:issue"]), "read:admin,write:issue");
        let every: Vec<String> = CATEGORIES
            .iter()
            .map(|c| format!("write:{}", c.name()))
            .collect();
        assert_eq!(Scopes::parse_request(&every).unwrap().normalized(), "all");
    }

    #[test]
    fn rejects_unknown_and_empty() {
        let e = Scopes::parse_request(&["write:everything".into()]).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::BadRequest);
        assert!(e.message.ends_with("write:everything"));
        assert!(Scopes::parse_request(&["read".into()]).is_err());
        assert!(Scopes::parse_request(&["public-only".into()]).is_ok());
    }

    #[test]
    fn none_allows_nothing() {
        let s = Scopes::none();
        for c in CATEGORIES {
            assert!(s.require(&[c], Level::Read).is_err());
        }
        assert!(s.public_only);
    }

    #[test]
    fn checks_levels() {
        let s = Scopes::parse("read:repository,write:user").unwrap();
        assert!(s.require(&[Category::Repository], Level::Read).is_ok());
        assert!(s.require(&[Category::User], Level::Read).is_ok());
        let e = s
            .require(&[Category::User, Category::Repository], Level::Write)
            .unwrap_err();
        assert_eq!(
            e.message,
            "token does not have at least one of required scope(s), required=[write:user write:repository], token scope=read:repository,write:user"
        );
    }
}
