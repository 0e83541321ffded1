//! Which hosts migrations and mirrors may reach (`[migrations] ALLOW_LOCALNETWORKS`,
//! `ALLOWED_DOMAINS`, `BLOCKED_DOMAINS`), decided on the addresses a name resolves to.

use std::net::IpAddr;

/// Loopback, RFC 1918, CGNAT, link-local, unique-local, unspecified, and the like.
fn is_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_local(&IpAddr::V4(v4)),
            None => {
                v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local()
            }
        },
    }
}

fn is_loopback_or_private(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_loopback_or_private(&IpAddr::V4(v4)),
            None => v6.is_loopback() || v6.is_unique_local(),
        },
    }
}

/// `*` and `?` globbing, case-insensitive.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (
        pattern.to_lowercase().chars().collect(),
        text.to_lowercase().chars().collect(),
    );
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn cidr_contains(pattern: &str, ip: &IpAddr) -> bool {
    let Some((net, bits)) = pattern.split_once('/') else {
        return false;
    };
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(n) & mask == u32::from(*a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(n) & mask == u128::from(*a) & mask
        }
        _ => false,
    }
}

/// One `ALLOWED_DOMAINS`/`BLOCKED_DOMAINS` entry: `*`, `loopback`, `private`, `external`,
/// a CIDR block, or a glob on the host name or the address.
fn matches(pattern: &str, host: &str, ip: &IpAddr) -> bool {
    match pattern {
        "*" => true,
        "loopback" => {
            ip.is_loopback()
                || matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v| v.is_loopback()))
        }
        "private" => is_loopback_or_private(ip) && !ip.is_loopback(),
        "external" => !is_local(ip),
        p if p.contains('/') => cidr_contains(p, ip),
        p => glob(p, host) || glob(p, &ip.to_string()),
    }
}

#[derive(Debug, Clone, Default)]
pub struct HostPolicy {
    pub allow_local_networks: bool,
    pub allowed: Vec<String>,
    pub blocked: Vec<String>,
}

impl HostPolicy {
    /// The first of `ips` that `host` may be reached at, if any.
    pub fn pick(&self, host: &str, ips: &[IpAddr]) -> Option<IpAddr> {
        ips.iter().copied().find(|ip| self.allows(host, ip))
    }

    fn allows(&self, host: &str, ip: &IpAddr) -> bool {
        if self.blocked.iter().any(|p| matches(p, host, ip)) {
            return false;
        }
        if !self.allowed.is_empty() {
            return self.allowed.iter().any(|p| matches(p, host, ip));
        }
        !is_local(ip) || (self.allow_local_networks && is_loopback_or_private(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn default_refuses_local_addresses() {
        let p = HostPolicy::default();
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "169.254.169.254",
            "::1",
            "::ffff:127.0.0.1",
            "fd00::1",
            "100.64.0.1",
            "0.0.0.0",
        ] {
            assert!(p.pick("x", &[ip(a)]).is_none(), "{a}");
        }
        assert!(p.pick("x", &[ip("140.82.112.3")]).is_some());
        assert_eq!(
            p.pick("x", &[ip("10.0.0.1"), ip("8.8.8.8")]),
            Some(ip("8.8.8.8"))
        );
    }

    #[test]
    fn local_networks_and_lists() {
        let p = HostPolicy {
            allow_local_networks: true,
            ..Default::default()
        };
        assert!(p.pick("x", &[ip("127.0.0.1")]).is_some());
        assert!(
            p.pick("x", &[ip("169.254.169.254")]).is_none(),
            "link-local stays out"
        );
        let p = HostPolicy {
            allowed: vec!["*.example.com".into(), "127.0.0.2".into()],
            ..Default::default()
        };
        assert!(p.pick("git.example.com", &[ip("10.0.0.1")]).is_some());
        assert!(p.pick("example.org", &[ip("8.8.8.8")]).is_none());
        assert!(p.pick("h", &[ip("127.0.0.2")]).is_some());
        let p = HostPolicy {
            blocked: vec!["8.8.0.0/16".into(), "evil.*".into()],
            ..Default::default()
        };
        assert!(p.pick("x", &[ip("8.8.8.8")]).is_none());
        assert!(p.pick("evil.com", &[ip("1.1.1.1")]).is_none());
        assert!(p.pick("good.com", &[ip("1.1.1.1")]).is_some());
    }

    #[test]
    fn globs() {
        assert!(glob("*.example.com", "a.b.example.com"));
        assert!(!glob("*.example.com", "example.com"));
        assert!(glob("gi?hub.com", "GitHub.com"));
    }
}
