//! Slows down repeated wrong passwords, so guessing gets expensive: per account (whatever
//! name or e-mail reached it; an unknown login by its lower-cased text) and per client
//! address. Checks of one account run one at a time, and one address has at most a few
//! checks in progress, so parallel attempts queue and each waits its delay in turn.

use oxforge_core::settings::Security;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

/// Entries kept at most per table; a table cannot grow without bound under a spray of
/// names or addresses.
const MAX_ENTRIES: usize = 10_000;

/// What a password check is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Account {
    /// A login name or e-mail that resolved to this user.
    User(i64),
    /// A login that names no user, lower-cased (probing names is slowed down too).
    Unknown(String),
}

/// A client address as the throttle counts it: IPv4 whole, IPv6 by its /64 (one host
/// usually holds a whole /64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Address(IpAddr);

impl Address {
    pub(crate) fn of(ip: IpAddr) -> Address {
        match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                Address(IpAddr::V6(bits.into()))
            }
            v4 => Address(v4),
        }
    }
}

#[derive(Debug, Clone)]
struct Rules {
    free: u32,
    address_free: u32,
    base: Duration,
    max: Duration,
    reset_after: Duration,
    checks_per_address: usize,
}

/// Failure counts with the time of the last one.
struct Counts<K>(Mutex<HashMap<K, (u32, Instant)>>);

impl<K: Eq + Hash + Clone> Counts<K> {
    fn new() -> Self {
        Counts(Mutex::new(HashMap::new()))
    }

    fn get(&self, k: &K, reset_after: Duration) -> u32 {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(k) {
            Some((n, at)) if at.elapsed() < reset_after => *n,
            _ => 0,
        }
    }

    fn add(&self, k: &K, reset_after: Duration) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES && !map.contains_key(k) {
            map.retain(|_, (_, at)| at.elapsed() < reset_after);
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
        }
        let entry = map.entry(k.clone()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= reset_after {
            entry.0 = 0;
        }
        entry.0 = entry.0.saturating_add(1);
        entry.1 = Instant::now();
    }

    fn clear(&self, k: &K) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(k);
    }
}

/// One shared value (a lock, a semaphore) per key, dropped when nobody holds it.
struct Shared<K, V>(Mutex<HashMap<K, Arc<V>>>);

impl<K: Eq + Hash + Clone, V> Shared<K, V> {
    fn new() -> Self {
        Shared(Mutex::new(HashMap::new()))
    }

    fn take(&self, k: &K, make: impl FnOnce() -> V) -> Held<'_, K, V> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let value = map.entry(k.clone()).or_insert_with(|| Arc::new(make()));
        Held {
            table: self,
            key: k.clone(),
            value: value.clone(),
        }
    }
}

/// A reference to a shared value; the last one out removes the table's entry.
struct Held<'a, K: Eq + Hash + Clone, V> {
    table: &'a Shared<K, V>,
    key: K,
    value: Arc<V>,
}

impl<K: Eq + Hash + Clone, V> Held<'_, K, V> {
    fn value(&self) -> Arc<V> {
        self.value.clone()
    }
}

impl<K: Eq + Hash + Clone, V> Drop for Held<'_, K, V> {
    fn drop(&mut self) {
        // Clones are made under the table's lock: when only the table and this one hold
        // the value, nobody else can be waiting on it.
        let mut map = self.table.0.lock().unwrap_or_else(|e| e.into_inner());
        if Arc::strong_count(&self.value) == 2 {
            map.remove(&self.key);
        }
    }
}

pub struct LoginThrottle {
    rules: Rules,
    accounts: Counts<Account>,
    addresses: Counts<Address>,
    account_turns: Shared<Account, AsyncMutex<()>>,
    address_slots: Shared<Address, Semaphore>,
}

/// The right to check one password now: held while the check (delay included) runs.
pub(crate) struct Turn<'a> {
    // Field order is drop order: the guards go before the entries they came from.
    _account_guard: OwnedMutexGuard<()>,
    _account: Held<'a, Account, AsyncMutex<()>>,
    _address_permit: Option<OwnedSemaphorePermit>,
    _address: Option<Held<'a, Address, Semaphore>>,
}

impl LoginThrottle {
    pub fn new(s: &Security) -> LoginThrottle {
        LoginThrottle {
            rules: Rules {
                free: s.login_throttle_free_failures,
                address_free: s.login_throttle_address_free_failures,
                base: s.login_throttle_base_delay,
                max: s.login_throttle_max_delay,
                reset_after: s.login_throttle_reset_after,
                checks_per_address: s.login_throttle_max_checks_per_address.max(1),
            },
            accounts: Counts::new(),
            addresses: Counts::new(),
            account_turns: Shared::new(),
            address_slots: Shared::new(),
        }
    }

    /// Waits for a slot of `address` (if known), to be used while `find` resolves the
    /// login, then for the account's turn; then sleeps the delay its failures have earned.
    pub(crate) async fn turn<F, Fut, T>(
        &self,
        address: Option<Address>,
        find: F,
    ) -> oxforge_core::Result<(Turn<'_>, Account, T)>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = oxforge_core::Result<(Account, T)>>,
    {
        let (address_held, address_permit) = match address {
            Some(a) => {
                let held = self
                    .address_slots
                    .take(&a, || Semaphore::new(self.rules.checks_per_address));
                let permit = held
                    .value()
                    .acquire_owned()
                    .await
                    .map_err(|_| oxforge_core::Error::internal("throttle closed"))?;
                (Some(held), Some(permit))
            }
            None => (None, None),
        };
        let (account, found) = find().await?;
        let account_held = self.account_turns.take(&account, || AsyncMutex::new(()));
        let guard = account_held.value().lock_owned().await;
        let delay = self.delay(&account, address);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        Ok((
            Turn {
                _account_guard: guard,
                _account: account_held,
                _address_permit: address_permit,
                _address: address_held,
            },
            account,
            found,
        ))
    }

    /// The wait before checking a password for `account` from `address`.
    pub(crate) fn delay(&self, account: &Account, address: Option<Address>) -> Duration {
        let r = &self.rules;
        let by_account = self.step(self.accounts.get(account, r.reset_after), r.free);
        let by_address = address.map_or(Duration::ZERO, |a| {
            self.step(self.addresses.get(&a, r.reset_after), r.address_free)
        });
        by_account.max(by_address)
    }

    fn step(&self, failures: u32, free: u32) -> Duration {
        if failures <= free {
            return Duration::ZERO;
        }
        let doublings = (failures - free - 1).min(20);
        self.rules
            .base
            .saturating_mul(1u32 << doublings)
            .min(self.rules.max)
    }

    pub(crate) fn failed(&self, account: &Account, address: Option<Address>) {
        self.accounts.add(account, self.rules.reset_after);
        if let Some(a) = address {
            self.addresses.add(&a, self.rules.reset_after);
        }
    }

    /// The right password clears the account's failures (not the address's: one known
    /// password must not buy more guesses at other accounts).
    pub(crate) fn succeeded(&self, account: &Account) {
        self.accounts.clear(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(&Security::default())
    }

    #[test]
    fn delays_grow_after_free_failures() {
        let t = throttle();
        let foo = Account::User(7);
        for _ in 0..3 {
            t.failed(&foo, None);
        }
        assert_eq!(t.delay(&foo, None), Duration::ZERO);
        t.failed(&foo, None);
        assert_eq!(t.delay(&foo, None), Duration::from_millis(250));
        t.failed(&foo, None);
        assert_eq!(t.delay(&foo, None), Duration::from_millis(500));
        for _ in 0..100 {
            t.failed(&foo, None);
        }
        assert_eq!(t.delay(&foo, None), Duration::from_secs(4));
        t.succeeded(&foo);
        assert_eq!(t.delay(&foo, None), Duration::ZERO);
    }

    #[test]
    fn an_address_counts_over_all_accounts() {
        let t = throttle();
        let here = Address::of("10.1.2.3".parse().unwrap());
        for i in 0..21 {
            t.failed(&Account::Unknown(format!("n{i}")), Some(here));
        }
        let fresh = Account::User(1);
        assert_eq!(t.delay(&fresh, None), Duration::ZERO);
        assert_eq!(t.delay(&fresh, Some(here)), Duration::from_millis(250));
        let elsewhere = Address::of("10.1.2.4".parse().unwrap());
        assert_eq!(t.delay(&fresh, Some(elsewhere)), Duration::ZERO);
    }

    #[test]
    fn ipv6_counts_by_its_64() {
        let a = Address::of("2001:db8:1:2::1".parse().unwrap());
        let b = Address::of("2001:db8:1:2:ffff::9".parse().unwrap());
        let c = Address::of("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mapped = Address::of("::ffff:10.0.0.1".parse().unwrap());
        assert_eq!(mapped, Address::of("10.0.0.1".parse().unwrap()));
    }

    #[tokio::test]
    async fn shared_entries_go_when_released() {
        let t = throttle();
        let addr = Some(Address::of("10.0.0.1".parse().unwrap()));
        {
            let (_turn, _, ()) = t
                .turn(addr, || async { Ok((Account::User(1), ())) })
                .await
                .unwrap();
            assert_eq!(t.account_turns.0.lock().unwrap().len(), 1);
            assert_eq!(t.address_slots.0.lock().unwrap().len(), 1);
        }
        assert!(t.account_turns.0.lock().unwrap().is_empty());
        assert!(t.address_slots.0.lock().unwrap().is_empty());
    }
}
