//! The client's address: the peer of the connection, or, when that peer is a trusted
//! reverse proxy, the address it forwarded (`X-Forwarded-For`, read from the right, one
//! entry per trusted hop up to `[security] REVERSE_PROXY_LIMIT`), as Gitea reads it.

use crate::state::HttpConfig;
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// The address the request came from, when the server knows its peer.
pub(crate) fn client_addr(cfg: &HttpConfig, parts: &Parts) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()?
        .0
        .ip()
        .to_canonical();
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    Some(follow(
        peer,
        &forwarded,
        &cfg.security.reverse_proxy_trusted_proxies,
        cfg.security.reverse_proxy_limit,
    ))
}

fn trusted(ip: IpAddr, proxies: &[String]) -> bool {
    proxies.iter().any(|p| {
        p == "*"
            || p.parse::<IpAddr>().is_ok_and(|a| a.to_canonical() == ip)
            || p.parse::<ipnet::IpNet>().is_ok_and(|n| n.contains(&ip))
    })
}

fn follow(peer: IpAddr, forwarded: &[&str], proxies: &[String], limit: usize) -> IpAddr {
    let mut ip = peer;
    let mut hops = forwarded.iter().rev();
    for _ in 0..limit {
        if !trusted(ip, proxies) {
            break;
        }
        match hops.next().and_then(|h| h.parse::<IpAddr>().ok()) {
            Some(next) => ip = next.to_canonical(),
            None => break,
        }
    }
    ip
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_proxies_are_believed() {
        let local = vec!["127.0.0.0/8".to_string(), "::1/128".to_string()];
        let xff = ["203.0.113.9", "198.51.100.7"];
        // A trusted peer: its one hop is believed (the right-most entry, the one the
        // proxy appended).
        assert_eq!(follow(ip("127.0.0.1"), &xff, &local, 1), ip("198.51.100.7"));
        assert_eq!(follow(ip("127.0.0.1"), &xff, &local, 2), ip("198.51.100.7"));
        // Any other peer is the client, whatever it claims.
        assert_eq!(follow(ip("192.0.2.1"), &xff, &local, 1), ip("192.0.2.1"));
        assert_eq!(follow(ip("127.0.0.1"), &xff, &local, 0), ip("127.0.0.1"));
        assert_eq!(follow(ip("127.0.0.1"), &[], &local, 1), ip("127.0.0.1"));
        assert_eq!(
            follow(ip("127.0.0.1"), &["junk"], &local, 1),
            ip("127.0.0.1")
        );
        // Two proxies in a row.
        let both = vec!["127.0.0.1".to_string(), "198.51.100.0/24".to_string()];
        assert_eq!(follow(ip("127.0.0.1"), &xff, &both, 2), ip("203.0.113.9"));
        let all = vec!["*".to_string()];
        assert_eq!(follow(ip("192.0.2.1"), &xff, &all, 1), ip("198.51.100.7"));
    }
}
