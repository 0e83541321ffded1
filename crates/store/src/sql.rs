//! A small builder for statements with a variable number of `$n` parameters
//! (both SQLite and PostgreSQL accept numbered `$n`).

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool};

#[derive(Debug, Clone)]
pub enum Arg {
    I64(i64),
    Str(String),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::I64(v as i64)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Str(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Str(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Str(v.clone())
    }
}

#[derive(Debug, Default, Clone)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }
    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }
    /// Appends a placeholder for `arg`.
    pub fn bind(&mut self, arg: impl Into<Arg>) -> &mut Self {
        self.args.push(arg.into());
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }
    /// ` LIMIT .. OFFSET ..` for a page; nothing for a whole list.
    pub fn page(&mut self, paging: Option<oxforge_core::paging::Paging>) -> &mut Self {
        if let Some(p) = paging {
            self.push(" LIMIT ");
            self.bind(p.limit);
            self.push(" OFFSET ");
            self.bind(p.offset());
        }
        self
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        bind_all(sqlx::query(&self.text), &self.args)
    }
    pub async fn fetch_all(&self, pool: &AnyPool) -> Result<Vec<AnyRow>, sqlx::Error> {
        self.query().fetch_all(pool).await
    }
}

pub fn bind_all<'q>(
    mut q: Query<'q, Any, AnyArguments<'q>>,
    args: &[Arg],
) -> Query<'q, Any, AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::I64(v) => q.bind(*v),
            Arg::Str(s) => q.bind(s.clone()),
        };
    }
    q
}

/// `1, 2, 3` for an `IN (...)` list of our own ids.
pub fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `%term%` with LIKE wildcards escaped (use with `ESCAPE '\'`).
pub fn like_contains(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
