//! The one pagination helper: reads `page`/`limit`, writes `X-Total-Count` and `Link`
//! exactly as Gitea does.

use crate::state::HttpConfig;
use axum::http::{HeaderMap, HeaderValue, Uri};
use oxforge_core::paging::Paging;

pub fn query_value(uri: &Uri, key: &str) -> Option<String> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The page asked for, with the instance's default and maximum sizes.
pub fn paging(cfg: &HttpConfig, uri: &Uri) -> Paging {
    Paging::new(
        query_value(uri, "page").as_deref(),
        query_value(uri, "limit").as_deref(),
        cfg.api.default_paging_num,
        cfg.api.max_response_items,
    )
}

/// For lists Gitea returns whole when no `page` is given (and Gogs clients never page).
pub fn optional_paging(cfg: &HttpConfig, uri: &Uri, key: &str) -> Option<Paging> {
    query_value(uri, key).map(|_| paging(cfg, uri))
}

/// `X-Total-Count`, and `Link` (next, last, first, prev) when `with_link`.
pub fn list_headers(
    cfg: &HttpConfig,
    uri: &Uri,
    total: i64,
    p: Option<Paging>,
    with_link: bool,
) -> HeaderMap {
    let mut h = HeaderMap::new();
    let mut exposed = Vec::new();
    if let (true, Some(p)) = (with_link, p) {
        if let Some(link) = link_header(cfg, uri, total, p) {
            if let Ok(v) = HeaderValue::from_str(&link) {
                h.insert("link", v);
                exposed.push("Link");
            }
        }
    }
    h.insert("x-total-count", HeaderValue::from(total));
    exposed.push("X-Total-Count");
    if let Ok(v) = HeaderValue::from_str(&exposed.join(", ")) {
        h.insert("access-control-expose-headers", v);
    }
    h
}

fn link_header(cfg: &HttpConfig, uri: &Uri, total: i64, p: Paging) -> Option<String> {
    let size = p.limit.max(1);
    let total_pages = (total + size - 1) / size;
    let cur = p.raw_page.min(total_pages).max(1);
    let has_next = cur.saturating_mul(size) < total;
    let url_for = |page: i64| {
        // Go's url.Values.Encode: keys sorted, `page` replaced.
        let mut pairs: Vec<(String, String)> = uri
            .query()
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .filter(|(k, _)| k != "page")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        pairs.push(("page".into(), page.to_string()));
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!(
            "{}{}?{}",
            cfg.root_url,
            uri.path().trim_start_matches('/'),
            query
        )
    };
    let mut links = Vec::new();
    if has_next {
        links.push(format!("<{}>; rel=\"next\"", url_for(cur + 1)));
        links.push(format!("<{}>; rel=\"last\"", url_for(total_pages)));
    }
    if cur > 1 {
        links.push(format!("<{}>; rel=\"first\"", url_for(1)));
        links.push(format!("<{}>; rel=\"prev\"", url_for(cur - 1)));
    }
    if links.is_empty() {
        None
    } else {
        Some(links.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> HttpConfig {
        HttpConfig::for_tests("http://localhost:3000/")
    }

    #[test]
    fn gitea_link_example() {
        let uri: Uri = "/api/v1/repos/o/r/issues?state=all&page=2&limit=20"
            .parse()
            .unwrap();
        let p = paging(&cfg(), &uri);
        let link = link_header(&cfg(), &uri, 100, p).unwrap();
        assert_eq!(
            link,
            "<http://localhost:3000/api/v1/repos/o/r/issues?limit=20&page=3&state=all>; rel=\"next\",<http://localhost:3000/api/v1/repos/o/r/issues?limit=20&page=5&state=all>; rel=\"last\",<http://localhost:3000/api/v1/repos/o/r/issues?limit=20&page=1&state=all>; rel=\"first\",<http://localhost:3000/api/v1/repos/o/r/issues?limit=20&page=1&state=all>; rel=\"prev\""
        );
    }

    #[test]
    fn no_link_when_one_page() {
        let uri: Uri = "/api/v1/repos/search?limit=10".parse().unwrap();
        let p = paging(&cfg(), &uri);
        assert!(link_header(&cfg(), &uri, 5, p).is_none());
        let h = list_headers(&cfg(), &uri, 5, Some(p), true);
        assert_eq!(h["x-total-count"], "5");
        assert_eq!(h["access-control-expose-headers"], "X-Total-Count");
    }

    #[test]
    fn page_past_end_links_back() {
        let uri: Uri = "/api/v1/repos/search?limit=1&page=99".parse().unwrap();
        let p = paging(&cfg(), &uri);
        let link = link_header(&cfg(), &uri, 3, p).unwrap();
        assert!(link.contains("page=2>; rel=\"prev\""), "{link}");
        assert!(!link.contains("next"));
    }
}
