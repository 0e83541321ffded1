//! Each successful change emits its typed event, with who did it and to which repository,
//! to the log and to live subscribers; a refused change emits nothing.

use crate::common::{events_since, last_event_id, refused, repo, services, user};
use oxforge_core::events::{Event, EventRecord};
use oxforge_core::query::LabelChange;
use oxforge_core::ErrorKind;
use oxforge_service::issue_labels::LabelRefs;
use oxforge_service::issues::{CreateIssue, EditIssue, LabelOptions};
use oxforge_service::repos::{CreateRepo, EditRepo};
use oxforge_service::Actor;
use std::sync::Arc;
use tokio::sync::broadcast::{error::TryRecvError, Receiver};

fn drain(rx: &mut Receiver<Arc<EventRecord>>) -> Vec<EventRecord> {
    let mut out = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(e) => out.push((*e).clone()),
            Err(TryRecvError::Empty) => return out,
            Err(e) => panic!("subscriber: {e}"),
        }
    }
}

fn edit(e: EditRepo) -> oxforge_core::Result<EditRepo> {
    Ok(e)
}

#[tokio::test]
async fn each_change_emits_its_event() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    let bob = user(&svc, "bob").await;
    let (a, b) = (alice.user_id(), bob.user_id());
    let start = last_event_id(&svc).await;
    let mut rx = svc.subscribe();

    let ctx = repo(&svc, &alice, "proj", false).await;
    let rid = Some(ctx.id());
    svc.set_collaborator(&alice, &ctx, "bob", Some("write"))
        .await
        .unwrap();
    let t = svc.tracker(&bob, "alice", "proj").await.unwrap();
    let issue = svc
        .create_issue(
            &bob,
            &t,
            CreateIssue {
                title: "hello".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let comment = svc.create_comment(&bob, &t, &issue, "hi").await.unwrap();
    let label = svc
        .create_label(
            &bob,
            &t,
            LabelOptions {
                name: Some("bug".into()),
                color: Some("ff0000".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let refs = LabelRefs {
        ids: vec![label.id],
        ..Default::default()
    };
    svc.change_issue_labels(&bob, &t, &issue, LabelChange::Add, refs)
        .await
        .unwrap();
    let close = EditIssue {
        state: Some("closed".into()),
        ..Default::default()
    };
    svc.edit_issue(&bob, &t, &issue, close).await.unwrap();
    let ctx = svc
        .edit_repo(
            &alice,
            &ctx,
            None,
            edit(EditRepo {
                private: Some(true),
                archived: Some(true),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    svc.delete_repo(&alice, &ctx).await.unwrap();

    let (issue_id, number) = (issue.id, issue.number);
    let expected = vec![
        (
            Event::RepoCreated {
                owner: "alice".into(),
                name: "proj".into(),
                private: false,
            },
            a,
            rid,
        ),
        (
            Event::CollaboratorSet {
                user_id: b.unwrap(),
                mode: "write".into(),
            },
            a,
            rid,
        ),
        (Event::IssueOpened { issue_id, number }, b, rid),
        (
            Event::CommentCreated {
                issue_id,
                number,
                comment_id: comment.comment.id,
            },
            b,
            rid,
        ),
        (Event::LabelCreated { label_id: label.id }, b, rid),
        (Event::IssueLabelsChanged { issue_id, number }, b, rid),
        (Event::IssueClosed { issue_id, number }, b, rid),
        (Event::RepoVisibilityChanged { private: true }, a, rid),
        (Event::RepoArchivedChanged { archived: true }, a, rid),
        (
            Event::RepoDeleted {
                owner: "alice".into(),
                name: "proj".into(),
            },
            a,
            rid,
        ),
    ];
    assert_eq!(events_since(&svc, start).await, expected);

    // Live subscribers got the same records, in the same order.
    let live = drain(&mut rx);
    let logged = svc.events_after(start, 100).await.unwrap();
    let ids = |v: &[EventRecord]| v.iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(&live), ids(&logged));
    let events = |v: &[EventRecord]| v.iter().map(|e| e.event.clone()).collect::<Vec<_>>();
    assert_eq!(events(&live), events(&logged));
    assert!(ids(&logged).windows(2).all(|w| w[0] < w[1]));
}

#[tokio::test]
async fn refused_changes_emit_nothing() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    let bob = user(&svc, "bob").await;
    let ctx = repo(&svc, &alice, "proj", false).await;
    let t = svc.tracker(&alice, "alice", "proj").await.unwrap();
    let issue = svc
        .create_issue(
            &alice,
            &t,
            CreateIssue {
                title: "x".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mark = last_event_id(&svc).await;
    let mut rx = svc.subscribe();
    let forbidden = ErrorKind::Forbidden;

    let alice_user = alice.user().unwrap().clone();
    let named = CreateRepo {
        name: "intruder".into(),
        ..Default::default()
    };
    refused(
        svc.create_repo(&bob, &alice_user, Ok(named)).await,
        forbidden,
    );
    let as_bob = svc.repo_ctx(&bob, "alice", "proj").await.unwrap();
    let archive = || {
        edit(EditRepo {
            archived: Some(true),
            ..Default::default()
        })
    };
    refused(
        svc.edit_repo(&bob, &as_bob, None, archive()).await,
        forbidden,
    );
    refused(svc.delete_repo(&bob, &as_bob).await, forbidden);
    refused(
        svc.set_collaborator(&bob, &as_bob, "bob", Some("admin"))
            .await,
        forbidden,
    );
    let bt = svc.tracker(&bob, "alice", "proj").await.unwrap();
    let label = LabelOptions {
        name: Some("x".into()),
        color: Some("ff0000".into()),
        ..Default::default()
    };
    refused(svc.create_label(&bob, &bt, label).await, forbidden);
    let retitle = EditIssue {
        title: Some("mine now".into()),
        ..Default::default()
    };
    refused(svc.edit_issue(&bob, &bt, &issue, retitle).await, forbidden);
    refused(svc.delete_issue(&bob, &bt, &issue).await, forbidden);
    let anon = Actor::anonymous();
    let at = svc.tracker(&anon, "alice", "proj").await.unwrap();
    refused(
        svc.create_comment(&anon, &at, &issue, "anon").await,
        ErrorKind::Unauthorized,
    );
    // Invalid input is refused before anything is written.
    refused(
        svc.create_issue(&bob, &bt, CreateIssue::default()).await,
        ErrorKind::Validation,
    );
    assert_eq!(events_since(&svc, mark).await, vec![]);

    // Archived: every write is refused, and silently so.
    svc.edit_repo(&alice, &ctx, None, archive()).await.unwrap();
    let mark = last_event_id(&svc).await;
    drain(&mut rx);
    let t = svc.tracker(&alice, "alice", "proj").await.unwrap();
    let opened = CreateIssue {
        title: "late".into(),
        ..Default::default()
    };
    refused(
        svc.create_issue(&alice, &t, opened).await,
        ErrorKind::Locked,
    );
    refused(
        svc.create_comment(&alice, &t, &issue, "late").await,
        ErrorKind::Locked,
    );

    assert_eq!(events_since(&svc, mark).await, vec![]);
    assert_eq!(drain(&mut rx), vec![]);
}
