//! Bytes a careless or hostile client sends get the documented error shape under
//! `/api/v1`, whatever layer refuses them.

mod common;

use common::TestServer;

#[tokio::test(flavor = "multi_thread")]
async fn rejections_below_the_handlers_are_json_errors() {
    let s = TestServer::start().await;
    let admin = s.admin();
    for path in [
        // An id beyond i64 in the path.
        "/api/v1/teams/99999999999999999999999",
        "/api/v1/teams/not-a-number/members",
        // A path segment that is not UTF-8.
        "/api/v1/users/%ff",
        "/api/v1/repos/%ff/%fe",
    ] {
        let r = s.get(path, &admin).await;
        assert!(r.status >= 400 && r.status < 500, "{path}: {}", r.status);
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{path}: {:?} {}",
            r.header("content-type"),
            r.text
        );
        assert!(!r.message().is_empty(), "{path}: {}", r.text);
        assert!(
            r.body["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("api/swagger")),
            "{path}: {}",
            r.text
        );
    }
    s.stop().await;
}
