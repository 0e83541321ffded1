//! Compensating work that fails is logged and retried by a job, not lost: a half-made
//! repository whose directory cannot be removed at once is removed later (its name held
//! until then), and a rename a dead process left half-done is undone by reconciliation.

mod common;

use common::{Auth, TestServer};
use oxforge_service::cleanup::Cleanup;
use oxforge_store::jobs::{DONE, QUEUED};
use oxforge_store::ReservationKind;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Keeps `file` from being deleted until dropped: a read-only parent directory, or, for
/// root (whom permissions do not stop), the immutable attribute.
struct Undeletable {
    file: PathBuf,
    as_root: bool,
}

impl Undeletable {
    fn new(file: &Path) -> Undeletable {
        let uid = Command::new("id").arg("-u").output().expect("id -u");
        let as_root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        let ok = if as_root {
            Command::new("chattr")
                .arg("+i")
                .arg(file)
                .status()
                .is_ok_and(|s| s.success())
        } else {
            set_mode(file.parent().unwrap(), 0o555)
        };
        assert!(
            ok,
            "cannot make {} undeletable (root needs chattr and a file system with the immutable attribute)",
            file.display()
        );
        Undeletable {
            file: file.to_path_buf(),
            as_root,
        }
    }
}

fn set_mode(dir: &Path, mode: u32) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).is_ok()
}

impl Drop for Undeletable {
    fn drop(&mut self) {
        if self.as_root {
            let _ = Command::new("chattr").arg("-i").arg(&self.file).status();
        } else if let Some(dir) = self.file.parent() {
            set_mode(dir, 0o755);
        }
    }
}

/// Waits until the job with `key` is in a state `done` accepts.
async fn wait_for_job(
    s: &TestServer,
    key: &str,
    what: &str,
    done: impl Fn(&oxforge_store::JobRecord) -> bool,
) -> oxforge_store::JobRecord {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let jobs = s.svc.store.jobs_with_key(key).await.unwrap();
        if let Some(j) = jobs.iter().find(|j| done(j)) {
            return j.clone();
        }
        assert!(Instant::now() < deadline, "{what}: {jobs:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_half_made_repository_is_removed_later_when_its_directory_resists() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    // Debris of a crash at the path, holding a file that cannot be deleted for now: the
    // creation fails, and so does its clean-up.
    let dir = s.repo_dir("foo", "stuck");
    std::fs::create_dir_all(&dir).unwrap();
    let junk = dir.join("junk");
    std::fs::write(&junk, "x").unwrap();
    let guard = Undeletable::new(&junk);
    s.post("/api/v1/user/repos", &foo, json!({"name": "stuck"}))
        .await
        .expect(500);

    // No row was written; the reservation keeps the name until the directory is gone,
    // so nothing new lands there.
    assert!(s
        .svc
        .store
        .repo_by_name("foo", "stuck")
        .await
        .unwrap()
        .is_none());
    s.get("/api/v1/repos/foo/stuck", &foo).await.expect(404);
    s.post("/api/v1/user/repos", &foo, json!({"name": "stuck"}))
        .await
        .expect(409);
    let reservation = s
        .svc
        .store
        .reservations()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.lower_name == "stuck")
        .expect("the name stays reserved")
        .id;
    let key = Cleanup::Release { reservation }.dedup_key();
    // The job tries, fails, and is queued again with its error.
    let failed = wait_for_job(&s, &key, "a failed attempt", |j| {
        j.state == QUEUED && j.attempts >= 1 && !j.last_error.is_empty()
    })
    .await;
    assert!(dir.exists());

    // Once the file may go, the next attempt removes the directory and frees the name.
    drop(guard);
    let done = wait_for_job(&s, &key, "the clean-up", |j| j.state == DONE).await;
    assert_eq!(done.id, failed.id);
    assert!(done.attempts >= 2);
    assert!(!dir.exists());
    assert!(s
        .svc
        .store
        .reservation(reservation)
        .await
        .unwrap()
        .is_none());
    s.post("/api/v1/user/repos", &foo, json!({"name": "stuck"}))
        .await
        .expect(201);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rename_a_dead_process_left_half_done_is_undone() {
    let s = TestServer::start().await;
    let (foo, _) = s.user("foo").await;
    let r = s
        .post(
            "/api/v1/user/repos",
            &foo,
            json!({"name": "orig", "auto_init": true}),
        )
        .await
        .expect(201);
    let (repo_id, owner_id) = (
        r.body["id"].as_i64().unwrap(),
        r.body["owner"]["id"].as_i64().unwrap(),
    );
    // What a process killed between moving the directory and renaming the row leaves:
    // its reservation of the new name, and the directory there.
    s.svc
        .store
        .reserve_repo_name(
            owner_id,
            "moved",
            ReservationKind::Rename,
            Some((repo_id, "orig")),
            "00000000dead0000:1",
        )
        .await
        .unwrap();
    std::fs::rename(s.repo_dir("foo", "orig"), s.repo_dir("foo", "moved")).unwrap();
    // Until it is back, its data must not be taken for debris of a new repository, and
    // the repository cannot be renamed or deleted meanwhile.
    s.post("/api/v1/user/repos", &foo, json!({"name": "Moved"}))
        .await
        .expect(409);
    s.delete("/api/v1/repos/foo/orig", &foo).await.expect(409);

    assert_eq!(s.svc.reconcile_operations().await.unwrap(), 1);
    assert!(!s.repo_dir("foo", "moved").exists());
    let r = s
        .get("/api/v1/repos/foo/orig/branches", &Auth::None)
        .await
        .expect(200);
    assert_eq!(r.body[0]["name"], "main");
    s.post("/api/v1/user/repos", &foo, json!({"name": "moved"}))
        .await
        .expect(201);
    s.stop().await;
}
