//! Durable consumers: what was written while none ran is delivered after a restart, in
//! order, once; their cursor holds across restarts; a failed delivery is tried again.

use crate::common::{all_events, repo, user, TestDb};
use oxforge_core::events::EventRecord;
use oxforge_core::Error;
use oxforge_service::events::{EventConsumer, HandleFuture};
use oxforge_service::issues::CreateIssue;
use oxforge_service::{Actor, Services};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

const NAME: &str = "test-recorder";

/// Records what it is handed; fails the first delivery of `fail_once_on`.
#[derive(Default)]
struct Recorder {
    fail_once_on: Option<i64>,
    attempts: Mutex<Vec<i64>>,
    handled: Mutex<Vec<i64>>,
}

impl Recorder {
    fn handled(&self) -> Vec<i64> {
        self.handled.lock().unwrap().clone()
    }
    fn attempts(&self) -> Vec<i64> {
        self.attempts.lock().unwrap().clone()
    }
}

impl EventConsumer for Recorder {
    fn name(&self) -> &'static str {
        NAME
    }
    fn handle<'a>(&'a self, e: &'a EventRecord) -> HandleFuture<'a> {
        Box::pin(async move {
            let first = {
                let mut attempts = self.attempts.lock().unwrap();
                attempts.push(e.id);
                attempts.iter().filter(|id| **id == e.id).count() == 1
            };
            if first && self.fail_once_on == Some(e.id) {
                return Err(Error::internal("not now"));
            }
            self.handled.lock().unwrap().push(e.id);
            Ok(())
        })
    }
}

/// A running `Services` with `rec` registered, and the means to stop it.
struct Running {
    svc: Services,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

async fn start(db: &TestDb, rec: Arc<Recorder>) -> Running {
    let svc = db.open().await;
    svc.add_event_consumer(rec);
    let (stop, rx) = watch::channel(false);
    let tasks = svc.start_background(rx);
    Running { svc, stop, tasks }
}

impl Running {
    /// Stops the background work, waits for it, and closes the database.
    async fn shut(self) {
        self.stop.send(true).unwrap();
        for t in self.tasks {
            tokio::time::timeout(Duration::from_secs(10), t)
                .await
                .expect("background task stops")
                .expect("background task ends cleanly");
        }
        self.svc.store.close().await;
    }
}

/// The consumer's stored cursor, read after its tasks stopped (it moves after a batch).
async fn cursor(db: &TestDb) -> i64 {
    let svc = db.open().await;
    let c = svc.store.event_cursor(NAME).await.unwrap();
    svc.store.close().await;
    c
}

/// Waits until `rec` has handled at least `n` events.
async fn handled_at_least(rec: &Recorder, n: usize) -> Vec<i64> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let seen = rec.handled();
        if seen.len() >= n {
            return seen;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "consumer handled only {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Opens an issue in alice/proj: one event.
async fn open_issue(svc: &Services, alice: &Actor, title: &str) -> i64 {
    let t = svc.tracker(alice, "alice", "proj").await.unwrap();
    let c = CreateIssue {
        title: title.into(),
        ..Default::default()
    };
    svc.create_issue(alice, &t, c).await.unwrap();
    all_events(svc).await.last().unwrap().id
}

fn ids(v: &[EventRecord]) -> Vec<i64> {
    v.iter().map(|e| e.id).collect()
}

#[tokio::test]
async fn backlog_is_delivered_after_restart_once() {
    let db = TestDb::new().await;

    // Events written while no consumer runs.
    let svc = db.open().await;
    let alice = user(&svc, "alice").await;
    repo(&svc, &alice, "proj", false).await;
    for n in 0..3 {
        open_issue(&svc, &alice, &format!("issue {n}")).await;
    }
    let backlog = ids(&all_events(&svc).await);
    assert_eq!(backlog.len(), 4);
    svc.store.close().await;
    drop(svc);

    // After a restart the consumer gets all of them, in order, then new ones as they come.
    let rec = Arc::new(Recorder::default());
    let run = start(&db, rec.clone()).await;
    assert_eq!(handled_at_least(&rec, backlog.len()).await, backlog);
    let alice = run
        .svc
        .actor_by_password("alice", crate::common::PASSWORD, None);
    let alice = alice.await.unwrap().unwrap();
    let live = open_issue(&run.svc, &alice, "while running").await;
    let mut expected = backlog.clone();
    expected.push(live);
    assert_eq!(handled_at_least(&rec, expected.len()).await, expected);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rec.handled(), expected, "nothing is handed over twice");
    run.shut().await;
    assert_eq!(cursor(&db).await, live);

    // Restarted again, the cursor holds: only what is new arrives.
    let rec = Arc::new(Recorder::default());
    let run = start(&db, rec.clone()).await;
    let newer = open_issue(&run.svc, &alice, "after the second restart").await;
    assert_eq!(handled_at_least(&rec, 1).await, vec![newer]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rec.handled(), vec![newer]);
    assert_eq!(rec.attempts(), vec![newer]);
    run.shut().await;
}

#[tokio::test]
async fn failed_delivery_is_retried() {
    let db = TestDb::new().await;
    let svc = db.open().await;
    let alice = user(&svc, "alice").await;
    repo(&svc, &alice, "proj", false).await;
    open_issue(&svc, &alice, "one").await;
    open_issue(&svc, &alice, "two").await;
    let backlog = ids(&all_events(&svc).await);
    assert_eq!(backlog.len(), 3);
    svc.store.close().await;
    drop(svc);

    let rec = Arc::new(Recorder {
        fail_once_on: Some(backlog[1]),
        ..Default::default()
    });
    let run = start(&db, rec.clone()).await;
    // The failed event comes again, and the ones after it wait for it.
    assert_eq!(handled_at_least(&rec, backlog.len()).await, backlog);
    let (a, b, c) = (backlog[0], backlog[1], backlog[2]);
    assert_eq!(rec.attempts(), vec![a, b, b, c]);
    run.shut().await;
    assert_eq!(cursor(&db).await, c);
}
