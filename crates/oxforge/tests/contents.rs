//! Reading content through the API: contents, raw, media, git trees and blobs, over a
//! repository pushed with the real git client; bad paths and refs.

mod common;

use base64::Engine;
use common::gitcli::{git, ok};
use common::{Auth, TestServer, PASSWORD};
use std::path::Path;

fn b64(v: &serde_json::Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().expect("content"))
        .unwrap()
}

/// Pushes to foo/proj: `main` (README.md, dir/b.txt, link -> README.md, bin.dat, a
/// submodule `sub` from .gitmodules), tag `v1` at the first commit, and a branch and a tag
/// both named `same` (the branch at main, the tag at the first commit).
async fn fixture(s: &TestServer) -> (Auth, tempfile::TempDir, String, String) {
    let (owner, _) = s.user("foo").await;
    s.repo(&owner, "proj", false).await;
    let w = tempfile::tempdir().unwrap();
    let d = w.path();
    ok(git(d, &["init", "-q", "-b", "main"]));
    std::fs::write(d.join("README.md"), "first\n").unwrap();
    ok(git(d, &["add", "."]));
    ok(git(d, &["commit", "-qm", "one"]));
    let first = ok(git(d, &["rev-parse", "HEAD"]));
    ok(git(d, &["tag", "v1"]));
    ok(git(d, &["tag", "same"]));
    std::fs::write(d.join("README.md"), "hello\n").unwrap();
    std::fs::create_dir(d.join("dir")).unwrap();
    std::fs::write(d.join("dir/b.txt"), "bee\n").unwrap();
    std::os::unix::fs::symlink("README.md", d.join("link")).unwrap();
    std::fs::write(d.join("bin.dat"), [0u8, 1, 2, 255, 0, 9]).unwrap();
    std::fs::write(
        d.join(".gitmodules"),
        "[submodule \"sub\"]\n\tpath = sub\n\turl = https://example.com/sub.git\n",
    )
    .unwrap();
    ok(git(d, &["add", "."]));
    ok(git(
        d,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{first},sub"),
        ],
    ));
    ok(git(d, &["commit", "-qm", "two"]));
    let second = ok(git(d, &["rev-parse", "HEAD"]));
    ok(git(d, &["branch", "same"]));
    let base = s.base.trim_start_matches("http://");
    let url = format!("http://foo:{PASSWORD}@{base}/foo/proj.git");
    ok(git(
        d,
        &[
            "push",
            "-q",
            &url,
            "refs/heads/main",
            "refs/heads/same",
            "refs/tags/v1",
            "refs/tags/same",
        ],
    ));
    (owner, w, first, second)
}

const C: &str = "/api/v1/repos/foo/proj/contents";

#[tokio::test(flavor = "multi_thread")]
async fn contents_of_files_dirs_symlinks_and_submodules_at_refs() {
    let s = TestServer::start().await;
    let (owner, _w, first, second) = fixture(&s).await;

    let root = s.get(C, &owner).await.expect(200);
    let names: Vec<&str> = root
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [".gitmodules", "README.md", "bin.dat", "dir", "link", "sub"]
    );
    for e in root.body.as_array().unwrap() {
        assert!(e["content"].is_null(), "a listing carries no content");
        assert_eq!(e["last_commit_sha"], second.as_str());
    }

    let f = s.get(&format!("{C}/README.md"), &owner).await.expect(200);
    assert_eq!(f.body["type"], "file");
    assert_eq!(f.body["encoding"], "base64");
    assert_eq!(b64(&f.body["content"]), b"hello\n");
    assert_eq!(f.body["size"], 6);
    assert_eq!(f.body["last_commit_sha"], second.as_str());
    let root_url = s.cfg.server.root_url.clone().unwrap();
    assert_eq!(
        f.body["url"],
        format!("{root_url}api/v1/repos/foo/proj/contents/README.md?ref=main")
    );
    assert_eq!(
        f.body["download_url"],
        format!("{root_url}foo/proj/raw/branch/main/README.md")
    );
    assert_eq!(
        f.body["html_url"],
        format!("{root_url}foo/proj/src/branch/main/README.md")
    );
    assert_eq!(f.body["_links"]["git"], f.body["git_url"]);
    let blob_sha = f.body["sha"].as_str().unwrap().to_string();

    let link = s.get(&format!("{C}/link"), &owner).await.expect(200);
    assert_eq!(
        (link.body["type"].as_str(), link.body["target"].as_str()),
        (Some("symlink"), Some("README.md"))
    );
    assert!(link.body["content"].is_null());
    // Never followed.
    s.get(&format!("{C}/link/x"), &owner).await.expect(404);

    let sub = s.get(&format!("{C}/sub"), &owner).await.expect(200);
    assert_eq!(sub.body["type"], "submodule");
    assert_eq!(sub.body["submodule_git_url"], "https://example.com/sub.git");
    assert_eq!(sub.body["sha"], first.as_str());
    assert!(sub.body["html_url"].is_null() && sub.body["download_url"].is_null());

    let bin = s.get(&format!("{C}/bin.dat"), &owner).await.expect(200);
    assert_eq!(b64(&bin.body["content"]), [0u8, 1, 2, 255, 0, 9]);

    let dir = s.get(&format!("{C}/dir"), &owner).await.expect(200);
    assert_eq!(dir.body[0]["path"], "dir/b.txt");

    // Refs: a tag, a commit id, a branch and a tag of one name (the branch wins), unknown.
    let old = s
        .get(&format!("{C}/README.md?ref=v1"), &owner)
        .await
        .expect(200);
    assert_eq!(b64(&old.body["content"]), b"first\n");
    assert_eq!(
        old.body["download_url"],
        format!("{root_url}foo/proj/raw/tag/v1/README.md")
    );
    let by_id = s
        .get(&format!("{C}/README.md?ref={first}"), &owner)
        .await
        .expect(200);
    assert_eq!(b64(&by_id.body["content"]), b"first\n");
    let same = s
        .get(&format!("{C}/README.md?ref=same"), &owner)
        .await
        .expect(200);
    assert_eq!(b64(&same.body["content"]), b"hello\n");
    s.get(&format!("{C}/README.md?ref=nope"), &owner)
        .await
        .expect(404);
    s.get(&format!("{C}?ref=nope"), &owner).await.expect(404);
    s.get(&format!("{C}/dir/b.txt?ref=v1"), &owner)
        .await
        .expect(404);

    let blob = s
        .get(
            &format!("/api/v1/repos/foo/proj/git/blobs/{blob_sha}"),
            &owner,
        )
        .await
        .expect(200);
    assert_eq!(b64(&blob.body["content"]), b"hello\n");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_paths_match_nothing() {
    let s = TestServer::start().await;
    let (owner, _w, _, _) = fixture(&s).await;
    for bad in [
        "dir/%2E%2E%2FREADME.md",
        "dir%2F..%2FREADME.md",
        "README.md%00",
        "dir%5Cb.txt",
        ".git/config",
        ".GIT/HEAD",
        "%2Fetc%2Fpasswd",
        "nothing",
        "link/README.md",
    ] {
        let r = s.get(&format!("{C}/{bad}"), &owner).await;
        assert_eq!(r.status, 404, "{bad}: {}", r.text);
        let r = s
            .get(&format!("/api/v1/repos/foo/proj/raw/{bad}"), &owner)
            .await;
        assert_eq!(r.status, 404, "raw {bad}: {}", r.text);
    }
    // Percent-encoded bytes that are not UTF-8 name nothing either.
    let r = s.get(&format!("{C}/%FF%FE.txt"), &owner).await;
    assert!(r.status == 400 || r.status == 404, "{}", r.text);
    assert!(r.body["message"].is_string());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn raw_and_media_serve_blobs_with_giteas_headers() {
    let s = TestServer::start().await;
    let (owner, _w, first, _) = fixture(&s).await;
    let raw = "/api/v1/repos/foo/proj/raw";
    for path in [
        format!("{raw}/README.md"),
        format!("{raw}/main/README.md"),
        format!("{raw}/README.md?ref=main"),
        "/api/v1/repos/foo/proj/media/README.md".to_string(),
    ] {
        let r = s.get(&path, &owner).await.expect(200);
        assert_eq!(r.text, "hello\n", "{path}");
        assert_eq!(
            r.header("content-type").unwrap(),
            "text/plain; charset=utf-8"
        );
        assert_eq!(r.header("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(r.header("x-gitea-object-type").unwrap(), "file");
        assert!(r
            .header("content-disposition")
            .unwrap()
            .starts_with("inline; filename=\"README.md\""));
        assert!(r.header("last-modified").is_some());
        assert_eq!(
            r.header("cache-control").unwrap(),
            "public, max-age=21600, no-transform"
        );
    }
    // Gogs' raw/{ref}/{path} with a tag, a commit id, and the branch of a shared name.
    assert_eq!(
        s.get(&format!("{raw}/v1/README.md"), &owner)
            .await
            .expect(200)
            .text,
        "first\n"
    );
    assert_eq!(
        s.get(&format!("{raw}/{first}/README.md"), &owner)
            .await
            .expect(200)
            .text,
        "first\n"
    );
    assert_eq!(
        s.get(&format!("{raw}/same/README.md"), &owner)
            .await
            .expect(200)
            .text,
        "hello\n"
    );
    s.get(&format!("{raw}/README.md?ref=nope"), &owner)
        .await
        .expect(404);
    s.get(&format!("{raw}/dir"), &owner).await.expect(404);
    s.get(&format!("{raw}/sub"), &owner).await.expect(404);

    let link = s.get(&format!("{raw}/link"), &owner).await.expect(200);
    assert_eq!(
        (
            link.text.as_str(),
            link.header("x-gitea-object-type").unwrap().as_str()
        ),
        ("README.md", "symlink")
    );

    let res = s
        .client
        .get(s.url(&format!("{raw}/bin.dat")))
        .basic_auth("foo", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(&res.bytes().await.unwrap()[..], [0u8, 1, 2, 255, 0, 9]);
    let again = s
        .client
        .get(s.url(&format!("{raw}/bin.dat")))
        .basic_auth("foo", Some(PASSWORD))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Private: 404 to others, as if absent.
    let (bar, _) = s.user("bar").await;
    s.patch(
        "/api/v1/repos/foo/proj",
        &owner,
        serde_json::json!({"private": true}),
    )
    .await
    .expect(200);
    s.get(&format!("{raw}/README.md"), &bar).await.expect(404);
    s.get(&format!("{C}/README.md"), &bar).await.expect(404);
    s.get("/api/v1/repos/foo/proj/git/trees/main", &bar)
        .await
        .expect(404);
    s.get(&format!("{raw}/README.md"), &Auth::None)
        .await
        .expect(404);
    let r = s.get(&format!("{raw}/README.md"), &owner).await.expect(200);
    assert!(r.header("cache-control").unwrap().starts_with("private"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_repository_has_no_contents() {
    let s = TestServer::start().await;
    let (owner, _) = s.user("foo").await;
    s.repo(&owner, "empty", false).await;
    s.get("/api/v1/repos/foo/empty/contents", &owner)
        .await
        .expect(404);
    s.get("/api/v1/repos/foo/empty/contents/README.md", &owner)
        .await
        .expect(404);
    s.get("/api/v1/repos/foo/empty/raw/README.md", &owner)
        .await
        .expect(404);
    s.get("/api/v1/repos/foo/empty/git/trees/main", &owner)
        .await
        .expect(400);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn git_trees_page_and_recurse() {
    let s = TestServer::start().await;
    let (owner, _w, first, _) = fixture(&s).await;
    let t = "/api/v1/repos/foo/proj/git/trees";
    let top = s.get(&format!("{t}/main"), &owner).await.expect(200);
    assert_eq!(top.body["total_count"], 6);
    assert_eq!(top.total(), 6);
    assert_eq!(top.body["truncated"], false);
    let dir = top.body["tree"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "dir")
        .unwrap()
        .clone();
    assert_eq!(
        (dir["type"].as_str(), dir["mode"].as_str()),
        (Some("tree"), Some("040000"))
    );
    let sub = top.body["tree"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "sub")
        .unwrap()
        .clone();
    assert_eq!(
        (sub["type"].as_str(), sub["url"].as_str()),
        (Some("commit"), Some(""))
    );
    // By tree id, and recursively in pages.
    let by_tree = s
        .get(
            &format!("{t}/{}", top.body["sha"].as_str().unwrap()),
            &owner,
        )
        .await
        .expect(200);
    assert_eq!(by_tree.body["total_count"], 6);
    let mut paths = Vec::new();
    for page in 1..=4 {
        let p = s
            .get(
                &format!("{t}/main?recursive=true&per_page=2&page={page}"),
                &owner,
            )
            .await
            .expect(200);
        assert_eq!(p.body["total_count"], 7);
        assert_eq!(p.body["truncated"], page < 4);
        for e in p.body["tree"].as_array().unwrap() {
            paths.push(e["path"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        paths,
        [
            ".gitmodules",
            "README.md",
            "bin.dat",
            "dir",
            "dir/b.txt",
            "link",
            "sub"
        ]
    );
    let old = s.get(&format!("{t}/{first}"), &owner).await.expect(200);
    assert_eq!(old.body["total_count"], 1);
    s.get(&format!("{t}/nope"), &owner).await.expect(400);
    s.get(&format!("{t}/{}", "0".repeat(40)), &owner)
        .await
        .expect(400);
    // A tree id is not a blob.
    let b = "/api/v1/repos/foo/proj/git/blobs";
    s.get(&format!("{b}/{}", dir["sha"].as_str().unwrap()), &owner)
        .await
        .expect(400);
    s.get(&format!("{b}/xyz"), &owner).await.expect(400);
    s.stop().await;
}

/// 12 MiB of bytes that do not compress: over the streaming threshold and Gitea's
/// `DEFAULT_MAX_BLOB_SIZE` (10 MiB).
#[tokio::test(flavor = "multi_thread")]
async fn a_large_file_streams_raw_and_is_listed_without_content() {
    let s = TestServer::start().await;
    let (owner, _) = s.user("foo").await;
    s.repo(&owner, "big", false).await;
    let w = tempfile::tempdir().unwrap();
    let d: &Path = w.path();
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let data: Vec<u8> = (0..12 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    ok(git(d, &["init", "-q", "-b", "main"]));
    std::fs::write(d.join("big.bin"), &data).unwrap();
    ok(git(d, &["add", "."]));
    ok(git(d, &["commit", "-qm", "big"]));
    let base = s.base.trim_start_matches("http://");
    ok(git(
        d,
        &[
            "push",
            "-q",
            &format!("http://foo:{PASSWORD}@{base}/foo/big.git"),
            "main",
        ],
    ));

    let c = s
        .get("/api/v1/repos/foo/big/contents/big.bin", &owner)
        .await
        .expect(200);
    assert_eq!(c.body["size"], data.len());
    assert!(c.body["content"].is_null() && c.body["encoding"].is_null());
    let b = s
        .get(
            &format!(
                "/api/v1/repos/foo/big/git/blobs/{}",
                c.body["sha"].as_str().unwrap()
            ),
            &owner,
        )
        .await
        .expect(200);
    assert!(b.body["content"].is_null());
    assert_eq!(b.body["size"], data.len());

    let res = s
        .client
        .get(s.url("/api/v1/repos/foo/big/raw/big.bin"))
        .basic_auth("foo", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-length"],
        data.len().to_string().as_str()
    );
    let got = res.bytes().await.unwrap();
    assert!(got[..] == data[..], "raw bytes differ");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn file_contents_in_batch_by_get_and_post() {
    let s = TestServer::start().await;
    let (owner, _w, _, _) = fixture(&s).await;
    let fc = "/api/v1/repos/foo/proj/file-contents";
    let r = s
        .post(
            &format!("{fc}?ref=main"),
            &owner,
            serde_json::json!({"files": ["README.md", "nothing", "dir", "../x"]}),
        )
        .await
        .expect(200);
    let list = r.body.as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(b64(&list[0]["content"]), b"hello\n");
    assert!(list[1].is_null() && list[3].is_null());
    assert_eq!(list[2]["type"], "dir");
    let q = "%7B%22files%22%3A%5B%22README.md%22%5D%7D";
    let r = s
        .get(&format!("{fc}?ref=v1&body={q}"), &owner)
        .await
        .expect(200);
    assert_eq!(b64(&r.body[0]["content"]), b"first\n");
    s.get(&format!("{fc}?body=nope"), &owner).await.expect(400);
    s.get(&format!("{fc}?ref=nope&body={q}"), &owner)
        .await
        .expect(404);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn contents_ext_includes_what_is_asked() {
    let s = TestServer::start().await;
    let (owner, _w, _, second) = fixture(&s).await;
    let x = "/api/v1/repos/foo/proj/contents-ext";
    let plain = s.get(&format!("{x}/README.md"), &owner).await.expect(200);
    let f = &plain.body["file_contents"];
    assert!(f["content"].is_null() && f.get("last_commit_sha").is_none());
    assert!(plain.body.get("dir_contents").is_none());
    let full = s
        .get(
            &format!("{x}/README.md?includes=file_content,commit_metadata,commit_message"),
            &owner,
        )
        .await
        .expect(200);
    let f = &full.body["file_contents"];
    assert_eq!(b64(&f["content"]), b"hello\n");
    assert_eq!(f["last_commit_sha"], second.as_str());
    assert_eq!(f["last_commit_message"].as_str().unwrap().trim(), "two");
    let root = s
        .get(&format!("{x}/%2F?includes=file_content"), &owner)
        .await
        .expect(200);
    let dir = root.body["dir_contents"].as_array().unwrap();
    assert_eq!(dir.len(), 6);
    assert!(dir.iter().all(|e| e["content"].is_null()));
    s.get(&format!("{x}/README.md?includes=bogus"), &owner)
        .await
        .expect(400);
    s.get(&format!("{x}/nothing"), &owner).await.expect(404);
    s.repo(&owner, "empty", false).await;
    let e = s
        .get("/api/v1/repos/foo/empty/contents-ext/%2F", &owner)
        .await
        .expect(200);
    assert_eq!(e.body["dir_contents"], serde_json::json!([]));
    s.stop().await;
}
