//! The tracker's split: readers open and comment, writers label, the poster or a writer
//! edits, repository admins delete.

use crate::common::{refused, repo, services, user};
use oxforge_core::query::LabelChange;
use oxforge_core::ErrorKind;
use oxforge_service::issue_labels::LabelRefs;
use oxforge_service::issues::{CreateIssue, EditIssue, LabelOptions};
use oxforge_service::Actor;

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

#[tokio::test]
async fn issue_rules_by_role() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    let reader = user(&svc, "reader").await;
    let other = user(&svc, "other").await;
    let writer = user(&svc, "writer").await;
    let boss = user(&svc, "boss").await;
    let ctx = repo(&svc, &alice, "proj", false).await;
    svc.set_collaborator(&alice, &ctx, "writer", Some("write"))
        .await
        .unwrap();
    svc.set_collaborator(&alice, &ctx, "boss", Some("admin"))
        .await
        .unwrap();
    let tracker = |a| svc.tracker(a, "alice", "proj");
    let t_owner = tracker(&alice).await.unwrap();
    let label = svc
        .create_label(
            &alice,
            &t_owner,
            LabelOptions {
                name: Some("bug".into()),
                color: Some("ff0000".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    // A reader opens and comments; labels they ask for are dropped, not applied.
    let t_reader = tracker(&reader).await.unwrap();
    let issue = svc
        .create_issue(
            &reader,
            &t_reader,
            CreateIssue {
                labels: vec![label.id],
                ..titled("from a reader")
            },
        )
        .await
        .expect("reader opens");
    assert!(svc.issue_labels(&issue).await.unwrap().is_empty());
    svc.create_comment(&reader, &t_reader, &issue, "me too")
        .await
        .expect("reader comments");
    refused(
        svc.create_issue(&Actor::anonymous(), &t_reader, titled("anon"))
            .await,
        ErrorKind::Unauthorized,
    );

    // Labels: writers only.
    let refs = || LabelRefs {
        ids: vec![label.id],
        ..Default::default()
    };
    refused(
        svc.change_issue_labels(&reader, &t_reader, &issue, LabelChange::Add, refs())
            .await,
        ErrorKind::Forbidden,
    );
    refused(
        svc.create_label(
            &reader,
            &t_reader,
            LabelOptions {
                name: Some("mine".into()),
                color: Some("00ff00".into()),
                ..Default::default()
            },
        )
        .await,
        ErrorKind::Forbidden,
    );
    assert!(svc.issue_labels(&issue).await.unwrap().is_empty());
    let t_writer = tracker(&writer).await.unwrap();
    svc.change_issue_labels(&writer, &t_writer, &issue, LabelChange::Add, refs())
        .await
        .expect("writer labels");
    assert_eq!(svc.issue_labels(&issue).await.unwrap().len(), 1);

    // Editing: the poster, or a writer; another reader is refused.
    let t_other = tracker(&other).await.unwrap();
    refused(
        svc.edit_issue(&other, &t_other, &issue, retitle("hijacked"))
            .await,
        ErrorKind::Forbidden,
    );
    let issue = svc
        .edit_issue(&reader, &t_reader, &issue, retitle("by the poster"))
        .await
        .expect("poster edits");
    assert_eq!(issue.title, "by the poster");
    let issue = svc
        .edit_issue(&writer, &t_writer, &issue, retitle("by a writer"))
        .await
        .expect("writer edits");
    assert_eq!(
        svc.issue(&t_owner, issue.number).await.unwrap().title,
        "by a writer"
    );

    // Deleting: repository admins only, not the poster nor a writer.
    refused(
        svc.delete_issue(&reader, &t_reader, &issue).await,
        ErrorKind::Forbidden,
    );
    refused(
        svc.delete_issue(&writer, &t_writer, &issue).await,
        ErrorKind::Forbidden,
    );
    assert!(svc.issue(&t_owner, issue.number).await.is_ok());
    let t_boss = tracker(&boss).await.unwrap();
    svc.delete_issue(&boss, &t_boss, &issue)
        .await
        .expect("repository admin deletes");
    refused(svc.issue(&t_owner, issue.number).await, ErrorKind::NotFound);

    let second = svc
        .create_issue(&reader, &t_reader, titled("second"))
        .await
        .unwrap();
    svc.delete_issue(&alice, &t_owner, &second)
        .await
        .expect("owner deletes");
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
