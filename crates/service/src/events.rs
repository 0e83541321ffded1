//! Domain events out of one place. A use case calls `emit` after its change commits: the
//! event is appended to the event log in the database, then handed to in-process
//! subscribers. Durable consumers read the log from their own cursor, so nothing written
//! is lost across a crash or restart: what was not yet handled is handled after start.

use crate::actor::Actor;
use crate::Services;
use oxforge_core::events::{Event, EventRecord};
use oxforge_core::{Error, Result};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch, Notify};
use tokio::task::JoinHandle;

/// Events read from the log per round.
const BATCH: i64 = 200;
/// A consumer with nothing to do looks again at least this often (another process on the
/// same database may have appended).
const IDLE_POLL: Duration = Duration::from_secs(5);
/// After a failed delivery, wait this long before trying the same event again.
const RETRY_AFTER: Duration = Duration::from_secs(2);

pub type HandleFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// A durable consumer: handles every event once, in order, across restarts. An error
/// leaves the event to be handled again later.
pub trait EventConsumer: Send + Sync + 'static {
    /// Names its cursor in the database; must stay the same across versions.
    fn name(&self) -> &'static str;
    fn handle<'a>(&'a self, e: &'a EventRecord) -> HandleFuture<'a>;
}

/// Writes each event to the log: for now the consumer that shows the flow works.
struct LogConsumer;

impl EventConsumer for LogConsumer {
    fn name(&self) -> &'static str {
        "log"
    }
    fn handle<'a>(&'a self, e: &'a EventRecord) -> HandleFuture<'a> {
        Box::pin(async move {
            tracing::info!(
                target: "oxforge::events",
                id = e.id,
                kind = e.event.kind(),
                actor = e.actor_id.unwrap_or(0),
                repo = e.repo_id.unwrap_or(0),
                "event"
            );
            Ok(())
        })
    }
}

pub(crate) struct EventBus {
    live: broadcast::Sender<Arc<EventRecord>>,
    appended: Notify,
    consumers: Mutex<Vec<Arc<dyn EventConsumer>>>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            live: broadcast::channel(1024).0,
            appended: Notify::new(),
            consumers: Mutex::new(vec![Arc::new(LogConsumer)]),
        }
    }
}

impl Services {
    /// Records `event`, done by `actor` (to `repo_id`, if any), after its change committed.
    /// The change stands whatever happens here; a failure to record is logged loudly.
    pub(crate) async fn emit(&self, actor: &Actor, repo_id: Option<i64>, event: Event) {
        self.emit_as(actor.user_id(), repo_id, event).await
    }

    pub(crate) async fn emit_as(&self, actor_id: Option<i64>, repo_id: Option<i64>, event: Event) {
        let payload = match serde_json::to_string(&event) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, kind = event.kind(), "event not serialisable");
                return;
            }
        };
        let appended = self
            .store
            .append_event(
                event.kind(),
                actor_id.unwrap_or(0),
                repo_id.unwrap_or(0),
                &payload,
            )
            .await;
        let id = match appended {
            Ok(id) => id,
            Err(e) => {
                tracing::error!(error = %e, kind = event.kind(), repo = repo_id.unwrap_or(0), "event not recorded");
                return;
            }
        };
        let record = EventRecord {
            id,
            actor_id,
            repo_id,
            created_unix: oxforge_core::time::now(),
            event,
        };
        // No live subscriber is fine: durable consumers read the log.
        let _ = self.events.live.send(Arc::new(record));
        self.events.appended.notify_waiters();
    }

    /// Events as they are emitted by this process (not durable: a slow receiver may miss
    /// some, and sees nothing from before it subscribed).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<EventRecord>> {
        self.events.live.subscribe()
    }

    /// Adds a durable consumer; it starts with the background work.
    pub fn add_event_consumer(&self, c: Arc<dyn EventConsumer>) {
        if let Ok(mut list) = self.events.consumers.lock() {
            list.push(c);
        }
    }

    /// The log's events after `after_id`, decoded (oldest first).
    pub async fn events_after(&self, after_id: i64, limit: i64) -> Result<Vec<EventRecord>> {
        let rows = self.store.events_after(after_id, limit).await?;
        rows.into_iter()
            .map(|r| {
                let event: Event = serde_json::from_str(&r.payload)
                    .map_err(|e| Error::internal(format!("event {} does not decode: {e}", r.id)))?;
                Ok(EventRecord {
                    id: r.id,
                    actor_id: (r.actor_id != 0).then_some(r.actor_id),
                    repo_id: (r.repo_id != 0).then_some(r.repo_id),
                    created_unix: r.created_unix,
                    event,
                })
            })
            .collect()
    }

    /// One task per durable consumer, until `stop` turns true.
    pub(crate) fn start_event_consumers(
        &self,
        stop: &watch::Receiver<bool>,
    ) -> Vec<JoinHandle<()>> {
        let consumers = match self.events.consumers.lock() {
            Ok(list) => list.clone(),
            Err(_) => return Vec::new(),
        };
        consumers
            .into_iter()
            .map(|c| {
                let svc = self.clone();
                let stop = stop.clone();
                tokio::spawn(async move { svc.run_consumer(c, stop).await })
            })
            .collect()
    }

    async fn run_consumer(&self, c: Arc<dyn EventConsumer>, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            // Registered before reading, so an append during the read still wakes us.
            let appended = self.events.appended.notified();
            let pause = match self.deliver_batch(c.as_ref()).await {
                Ok(0) => IDLE_POLL,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(consumer = c.name(), error = %e, "event delivery failed; retrying");
                    RETRY_AFTER
                }
            };
            tokio::select! {
                _ = appended => {}
                _ = tokio::time::sleep(pause) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Hands the next events to `c` in order and moves its cursor past those it handled.
    /// Returns how many it handled.
    async fn deliver_batch(&self, c: &dyn EventConsumer) -> Result<usize> {
        let cursor = self.store.event_cursor(c.name()).await?;
        let batch = self.events_after(cursor, BATCH).await?;
        let mut done = 0;
        let mut last = cursor;
        let mut failure = None;
        for e in &batch {
            if let Err(err) = c.handle(e).await {
                failure = Some(err);
                break;
            }
            last = e.id;
            done += 1;
        }
        if last != cursor {
            self.store.advance_event_cursor(c.name(), last).await?;
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(done),
        }
    }
}
