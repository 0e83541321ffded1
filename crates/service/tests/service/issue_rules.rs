//! The tracker's split: readers open and comment, writers label, the poster or a writer
//! edits, repository admins delete.

use crate::common::{refused, repo, services, user, TestDb};
use oxforge_core::issues::{Issue, Label};
use oxforge_core::query::LabelChange;
use oxforge_core::ErrorKind;
use oxforge_service::issue_labels::LabelRefs;
use oxforge_service::issues::{CreateIssue, EditIssue, LabelOptions, Tracker};
use oxforge_service::{Actor, Services};

fn titled(title: &str) -> CreateIssue {
    CreateIssue {
        title: title.into(),
        ..Default::default()
    }
}

fn retitle(title: &str) -> EditIssue {
    EditIssue {
        title: Some(title.into()),
        ..Default::default()
    }
}

fn bug() -> LabelOptions {
    LabelOptions {
        name: Some("bug".into()),
        color: Some("ff0000".into()),
        ..Default::default()
    }
}

/// alice/proj (public) with a label, and an issue opened by `reader`; `writer` and
/// `boss` collaborate with write and admin; `other` is just another signed-in user.
struct Setup {
    _db: TestDb,
    svc: Services,
    alice: Actor,
    reader: Actor,
    other: Actor,
    writer: Actor,
    boss: Actor,
    label: Label,
    issue: Issue,
}

impl Setup {
    async fn new() -> Setup {
        let (db, svc) = services().await;
        let alice = user(&svc, "alice").await;
        let reader = user(&svc, "reader").await;
        let other = user(&svc, "other").await;
        let writer = user(&svc, "writer").await;
        let boss = user(&svc, "boss").await;
        let ctx = repo(&svc, &alice, "proj", false).await;
        for (name, mode) in [("writer", "write"), ("boss", "admin")] {
            svc.set_collaborator(&alice, &ctx, name, Some(mode))
                .await
                .unwrap();
        }
        let t = svc.tracker(&alice, "alice", "proj").await.unwrap();
        let label = svc.create_label(&alice, &t, bug()).await.unwrap();
        let rt = svc.tracker(&reader, "alice", "proj").await.unwrap();
        let issue = svc
            .create_issue(&reader, &rt, titled("from a reader"))
            .await
            .expect("a reader opens issues");
        Setup {
            _db: db,
            svc,
            alice,
            reader,
            other,
            writer,
            boss,
            label,
            issue,
        }
    }

    async fn tracker(&self, a: &Actor) -> Tracker {
        self.svc.tracker(a, "alice", "proj").await.unwrap()
    }

    fn refs(&self) -> LabelRefs {
        LabelRefs {
            ids: vec![self.label.id],
            ..Default::default()
        }
    }
}

#[tokio::test]
async fn readers_open_and_comment() {
    let s = Setup::new().await;
    let t = s.tracker(&s.reader).await;
    // Labels a reader asks for are dropped, not applied.
    let asked = CreateIssue {
        labels: vec![s.label.id],
        ..titled("with a label")
    };
    let issue = s.svc.create_issue(&s.reader, &t, asked).await.unwrap();
    assert!(s.svc.issue_labels(&issue).await.unwrap().is_empty());
    let t = s.tracker(&s.other).await;
    s.svc
        .create_comment(&s.other, &t, &s.issue, "me too")
        .await
        .expect("a reader comments");
    let anon = Actor::anonymous();
    let t = s.tracker(&anon).await;
    refused(
        s.svc.create_issue(&anon, &t, titled("anon")).await,
        ErrorKind::Unauthorized,
    );
    refused(
        s.svc.create_comment(&anon, &t, &s.issue, "anon").await,
        ErrorKind::Unauthorized,
    );
}

#[tokio::test]
async fn only_writers_label() {
    let s = Setup::new().await;
    let t = s.tracker(&s.reader).await;
    refused(
        s.svc
            .change_issue_labels(&s.reader, &t, &s.issue, LabelChange::Add, s.refs())
            .await,
        ErrorKind::Forbidden,
    );
    let mine = LabelOptions {
        name: Some("mine".into()),
        ..bug()
    };
    refused(
        s.svc.create_label(&s.reader, &t, mine).await,
        ErrorKind::Forbidden,
    );
    assert!(s.svc.issue_labels(&s.issue).await.unwrap().is_empty());

    let t = s.tracker(&s.writer).await;
    s.svc
        .change_issue_labels(&s.writer, &t, &s.issue, LabelChange::Add, s.refs())
        .await
        .expect("a writer labels");
    assert_eq!(s.svc.issue_labels(&s.issue).await.unwrap().len(), 1);
}

#[tokio::test]
async fn poster_or_writer_edits() {
    let s = Setup::new().await;
    let t = s.tracker(&s.other).await;
    refused(
        s.svc
            .edit_issue(&s.other, &t, &s.issue, retitle("hijacked"))
            .await,
        ErrorKind::Forbidden,
    );
    let t = s.tracker(&s.reader).await;
    let issue = s
        .svc
        .edit_issue(&s.reader, &t, &s.issue, retitle("by the poster"))
        .await
        .expect("the poster edits");
    assert_eq!(issue.title, "by the poster");
    let t = s.tracker(&s.writer).await;
    s.svc
        .edit_issue(&s.writer, &t, &issue, retitle("by a writer"))
        .await
        .expect("a writer edits");
    let stored = s.svc.issue(&t, issue.number).await.unwrap();
    assert_eq!(stored.title, "by a writer");
}

#[tokio::test]
async fn only_repo_admins_delete_issues() {
    let s = Setup::new().await;
    for who in [&s.reader, &s.writer] {
        let t = s.tracker(who).await;
        refused(
            s.svc.delete_issue(who, &t, &s.issue).await,
            ErrorKind::Forbidden,
        );
    }
    let t = s.tracker(&s.boss).await;
    assert!(s.svc.issue(&t, s.issue.number).await.is_ok());
    s.svc
        .delete_issue(&s.boss, &t, &s.issue)
        .await
        .expect("a repository admin deletes");
    refused(s.svc.issue(&t, s.issue.number).await, ErrorKind::NotFound);

    let rt = s.tracker(&s.reader).await;
    let second = s
        .svc
        .create_issue(&s.reader, &rt, titled("2"))
        .await
        .unwrap();
    let t = s.tracker(&s.alice).await;
    s.svc
        .delete_issue(&s.alice, &t, &second)
        .await
        .expect("the owner deletes");
}

#[tokio::test]
async fn private_tracker_is_hidden_from_outsiders() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    let bob = user(&svc, "bob").await;
    repo(&svc, &alice, "secret", true).await;
    refused(
        svc.tracker(&bob, "alice", "secret").await,
        ErrorKind::NotFound,
    );
    refused(
        svc.tracker(&Actor::anonymous(), "alice", "secret").await,
        ErrorKind::NotFound,
    );
}
