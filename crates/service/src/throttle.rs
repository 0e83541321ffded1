//! Slows down repeated wrong passwords for one login name, so guessing gets expensive.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures forgiven before delays start.
const FREE_FAILURES: u32 = 3;
/// A quiet period that forgets earlier failures.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
const MAX_DELAY: Duration = Duration::from_secs(4);
/// Entries kept at most; the table cannot grow without bound under a spray of names.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// How long to wait before answering a sign-in attempt for `login`.
    pub fn delay(&self, login: &str) -> Duration {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&login.to_lowercase()) {
            Some((n, at)) if *n > FREE_FAILURES && at.elapsed() < FORGET_AFTER => {
                let exp = (*n - FREE_FAILURES - 1).min(4);
                (Duration::from_millis(250) * 2u32.pow(exp)).min(MAX_DELAY)
            }
            _ => Duration::ZERO,
        }
    }

    pub fn failed(&self, login: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (_, at)| at.elapsed() < FORGET_AFTER);
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
        }
        let entry = map
            .entry(login.to_lowercase())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= FORGET_AFTER {
            entry.0 = 0;
        }
        entry.0 += 1;
        entry.1 = Instant::now();
    }

    pub fn succeeded(&self, login: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&login.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn delays_grow_after_free_failures() {
        let t = LoginThrottle::default();
        for _ in 0..3 {
            t.failed("Foo");
        }
        assert_eq!(t.delay("foo"), Duration::ZERO);
        t.failed("foo");
        assert_eq!(t.delay("foo"), Duration::from_millis(250));
        t.failed("foo");
        assert_eq!(t.delay("foo"), Duration::from_millis(500));
        for _ in 0..10 {
            t.failed("foo");
        }
        assert_eq!(t.delay("foo"), MAX_DELAY);
        t.succeeded("FOO");
        assert_eq!(t.delay("foo"), Duration::ZERO);
    }
}
