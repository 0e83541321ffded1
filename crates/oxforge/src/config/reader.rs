//! Reading typed keys out of the ini, and the record of every key read with its default
//! (the list docs/CONFIG.md is checked against).

use super::ConfigError;
use ini::Ini;
use oxforge_core::duration::{parse_go_duration, parse_go_duration_nanos};
use oxforge_core::secret::Secret;
use oxforge_core::settings::DbType;
use std::path::PathBuf;
use std::time::Duration;

/// One key the parser reads, with its default as docs/CONFIG.md writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDoc {
    pub section: &'static str,
    pub key: &'static str,
    pub default: String,
}

/// How a key's text becomes a value of type `Out`, and how its default is documented.
pub(crate) trait Kind {
    type Out;
    /// Whether an empty value means "the default" (numbers, switches) or is itself the
    /// value (text; a duration, which then fails to parse), as before the sections existed.
    const EMPTY_IS_DEFAULT: bool;
    /// `Err` says what was wrong, without the key (the reader adds it).
    fn parse(text: &str) -> Result<Self::Out, String>;
    fn doc(default: &Self::Out) -> String;
}

pub(crate) struct Reader<'a> {
    ini: &'a Ini,
    pub keys: Vec<KeyDoc>,
}

impl<'a> Reader<'a> {
    pub fn new(ini: &'a Ini) -> Self {
        Reader {
            ini,
            keys: Vec::new(),
        }
    }

    pub fn section<'r>(&'r mut self, name: &'static str) -> Section<'r, 'a> {
        Section { r: self, name }
    }
}

/// The keys of one section.
pub(crate) struct Section<'r, 'a> {
    r: &'r mut Reader<'a>,
    pub name: &'static str,
}

impl Section<'_, '_> {
    fn raw(&self, key: &str) -> Option<String> {
        self.r
            .ini
            .section(Some(self.name))
            .and_then(|s| s.get(key))
            .map(|v| v.trim().to_string())
    }

    pub fn error(&self, key: &str, message: impl std::fmt::Display) -> ConfigError {
        ConfigError(format!("[{}] {key}: {message}", self.name))
    }

    /// `key` as its own type, or `default` when absent.
    pub fn get<T: Kind<Out = T>>(
        &mut self,
        key: &'static str,
        default: T,
    ) -> Result<T, ConfigError> {
        self.get_as::<T>(key, default)
    }

    /// `key` read as kind `K` (e.g. a Go duration into a `Duration`), or `default`.
    pub fn get_as<K: Kind>(
        &mut self,
        key: &'static str,
        default: K::Out,
    ) -> Result<K::Out, ConfigError> {
        let doc = K::doc(&default);
        self.get_documented::<K>(key, default, doc)
    }

    /// Like `get_as`, for a default that depends on other keys and is documented as `doc`.
    pub fn get_documented<K: Kind>(
        &mut self,
        key: &'static str,
        default: K::Out,
        doc: impl Into<String>,
    ) -> Result<K::Out, ConfigError> {
        self.record(key, doc);
        match self.raw(key) {
            None => Ok(default),
            Some(v) if v.is_empty() && K::EMPTY_IS_DEFAULT => Ok(default),
            Some(v) => K::parse(&v).map_err(|m| self.error(key, m)),
        }
    }

    /// Records a key whose value comes from elsewhere this time (`web --port`).
    pub fn skip<K: Kind>(&mut self, key: &'static str, default: &K::Out) {
        self.record(key, K::doc(default));
    }

    fn record(&mut self, key: &'static str, doc: impl Into<String>) {
        let doc = KeyDoc {
            section: self.name,
            key,
            default: doc.into(),
        };
        self.r.keys.push(doc);
    }
}

fn invalid(v: &str) -> String {
    format!("invalid value {v:?}")
}

impl Kind for String {
    type Out = String;
    const EMPTY_IS_DEFAULT: bool = false;
    fn parse(text: &str) -> Result<String, String> {
        Ok(text.to_string())
    }
    fn doc(d: &String) -> String {
        d.clone()
    }
}

/// Text that means "not set" when empty (`ROOT_URL`, `SSH_DOMAIN`).
impl Kind for Option<String> {
    type Out = Option<String>;
    const EMPTY_IS_DEFAULT: bool = true;
    fn parse(text: &str) -> Result<Option<String>, String> {
        Ok(Some(text.to_string()))
    }
    fn doc(d: &Option<String>) -> String {
        d.clone().unwrap_or_default()
    }
}

impl Kind for Secret<String> {
    type Out = Secret<String>;
    const EMPTY_IS_DEFAULT: bool = false;
    fn parse(text: &str) -> Result<Secret<String>, String> {
        Ok(Secret::new(text.to_string()))
    }
    fn doc(d: &Secret<String>) -> String {
        d.expose().clone()
    }
}

impl Kind for PathBuf {
    type Out = PathBuf;
    const EMPTY_IS_DEFAULT: bool = false;
    fn parse(text: &str) -> Result<PathBuf, String> {
        Ok(PathBuf::from(text))
    }
    fn doc(d: &PathBuf) -> String {
        d.display().to_string()
    }
}

/// A comma list; blanks are dropped.
impl Kind for Vec<String> {
    type Out = Vec<String>;
    const EMPTY_IS_DEFAULT: bool = false;
    fn parse(text: &str) -> Result<Vec<String>, String> {
        Ok(text
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect())
    }
    fn doc(d: &Vec<String>) -> String {
        d.join(",")
    }
}

impl Kind for bool {
    type Out = bool;
    const EMPTY_IS_DEFAULT: bool = true;
    fn parse(text: &str) -> Result<bool, String> {
        match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            v => Err(format!("expected true or false, got {v:?}")),
        }
    }
    fn doc(d: &bool) -> String {
        d.to_string()
    }
}

macro_rules! number_kind {
    ($($t:ty),*) => {$(
        impl Kind for $t {
            type Out = $t;
            const EMPTY_IS_DEFAULT: bool = true;
            fn parse(text: &str) -> Result<$t, String> {
                text.parse().map_err(|_| invalid(text))
            }
            fn doc(d: &$t) -> String {
                d.to_string()
            }
        }
    )*};
}
number_kind!(u16, u32, usize, i64);

impl Kind for DbType {
    type Out = DbType;
    const EMPTY_IS_DEFAULT: bool = false;
    fn parse(text: &str) -> Result<DbType, String> {
        match text {
            "sqlite3" | "sqlite" => Ok(DbType::Sqlite),
            "postgres" | "postgresql" => Ok(DbType::Postgres),
            other => Err(format!(
                "unknown database type {other:?} (use sqlite3 or postgres)"
            )),
        }
    }
    fn doc(d: &DbType) -> String {
        match d {
            DbType::Sqlite => "sqlite3",
            DbType::Postgres => "postgres",
        }
        .into()
    }
}

/// Whole seconds (`[git.timeout]`); 0 is taken as 1 so a transfer is never cut at once.
pub(crate) struct TimeoutSecs;

impl Kind for TimeoutSecs {
    type Out = Duration;
    const EMPTY_IS_DEFAULT: bool = true;
    fn parse(text: &str) -> Result<Duration, String> {
        let secs: u64 = text.parse().map_err(|_| invalid(text))?;
        Ok(Duration::from_secs(secs.max(1)))
    }
    fn doc(d: &Duration) -> String {
        d.as_secs().to_string()
    }
}

/// Go's duration syntax (`8h`, `10m`, `1h30m`), kept to whole seconds as Gitea does.
pub(crate) struct GoDuration;

impl Kind for GoDuration {
    type Out = Duration;
    const EMPTY_IS_DEFAULT: bool = false;
    fn parse(text: &str) -> Result<Duration, String> {
        parse_go_duration(text)
            .map(|s| Duration::from_secs(s as u64))
            .ok_or_else(|| format!("invalid duration {text:?} (e.g. 8h, 10m, 30s)"))
    }
    fn doc(d: &Duration) -> String {
        short_go_duration(d.as_secs())
    }
}

/// Go's duration syntax to the millisecond (`250ms`, `4s`, `1m30s`), for short waits.
pub(crate) struct ShortDuration;

impl Kind for ShortDuration {
    type Out = Duration;
    const EMPTY_IS_DEFAULT: bool = true;
    fn parse(text: &str) -> Result<Duration, String> {
        parse_go_duration_nanos(text)
            .map(|ns| Duration::from_millis((ns / 1_000_000) as u64))
            .ok_or_else(|| format!("invalid duration {text:?} (e.g. 250ms, 4s, 1m)"))
    }
    fn doc(d: &Duration) -> String {
        let ms = d.as_millis() as u64;
        if ms.is_multiple_of(1000) {
            short_go_duration(ms / 1000)
        } else {
            format!("{ms}ms")
        }
    }
}

/// A cron schedule; only Gitea's `@every <duration>` form, which must be positive.
pub(crate) struct Every;

impl Kind for Every {
    type Out = Duration;
    const EMPTY_IS_DEFAULT: bool = false;
    fn parse(text: &str) -> Result<Duration, String> {
        text.strip_prefix("@every ")
            .and_then(parse_go_duration)
            .filter(|s| *s > 0)
            .map(|s| Duration::from_secs(s as u64))
            .ok_or_else(|| format!("expected \"@every <duration>\", got {text:?}"))
    }
    fn doc(d: &Duration) -> String {
        format!("@every {}", short_go_duration(d.as_secs()))
    }
}

/// `8h`, `10m`, `1h30m`: Go's syntax without zero parts, as people write it in app.ini.
fn short_go_duration(secs: u64) -> String {
    let parts = [
        (secs / 3600, "h"),
        ((secs % 3600) / 60, "m"),
        (secs % 60, "s"),
    ];
    let text: String = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if text.is_empty() {
        "0s".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_durations() {
        assert_eq!(short_go_duration(8 * 3600), "8h");
        assert_eq!(short_go_duration(600), "10m");
        assert_eq!(short_go_duration(5400 + 5), "1h30m5s");
        assert_eq!(short_go_duration(0), "0s");
        assert_eq!(Every::doc(&Duration::from_secs(600)), "@every 10m");
        assert_eq!(ShortDuration::doc(&Duration::from_millis(250)), "250ms");
        assert_eq!(ShortDuration::doc(&Duration::from_secs(90)), "1m30s");
        assert_eq!(
            ShortDuration::parse("1.5s").unwrap(),
            Duration::from_millis(1500)
        );
        assert!(ShortDuration::parse("5 parsecs").is_err());
    }
}
