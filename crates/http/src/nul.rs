//! NUL in a request's path or query: no name, filter or credential can contain it, so it
//! must match nothing. PostgreSQL refuses NUL in text (SQLite stores it), so a lookup that
//! carried one to the database failed there; NUL is replaced here, before routing, by
//! U+FFFD, which no stored name contains, so both databases find nothing alike.

use axum::extract::{OriginalUri, Request};
use axum::http::Uri;

const NUL: &str = "%00";
const REPLACEMENT: &str = "%EF%BF%BD";

/// Middleware (`map_request`): the request with every `%00` of its URI replaced.
pub async fn no_nul_in_uri(mut req: Request) -> Request {
    if let Some(uri) = without_nul(req.uri()) {
        // Handlers read the query from `OriginalUri`, which the router set already.
        req.extensions_mut().insert(OriginalUri(uri.clone()));
        *req.uri_mut() = uri;
    }
    req
}

fn without_nul(uri: &Uri) -> Option<Uri> {
    let pq = uri.path_and_query()?.as_str();
    if !pq.contains(NUL) {
        return None;
    }
    let fixed = pq.replace(NUL, REPLACEMENT);
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = fixed.parse().ok();
    Uri::from_parts(parts).ok()
}

/// A decoded credential or header value, with NUL replaced the same way.
pub fn without_nul_char(s: &str) -> String {
    s.replace('\0', "\u{FFFD}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_becomes_a_character_no_name_holds() {
        let uri: Uri = "/api/v1/users/a%00b?q=%00&x=1".parse().unwrap();
        let fixed = without_nul(&uri).unwrap();
        assert_eq!(
            fixed.path_and_query().unwrap().as_str(),
            "/api/v1/users/a%EF%BF%BDb?q=%EF%BF%BD&x=1"
        );
        assert!(without_nul(&"/api/v1/version".parse().unwrap()).is_none());
        assert_eq!(without_nul_char("a\0b"), "a\u{FFFD}b");
    }
}
