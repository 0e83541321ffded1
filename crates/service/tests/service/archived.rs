//! An archived repository refuses every write to its content, through one rule, and
//! still answers reads; un-archiving lets writes in again.

use crate::common::{refused, repo, services, user};
use oxforge_core::query::LabelChange;
use oxforge_core::ErrorKind;
use oxforge_service::issue_labels::LabelRefs;
use oxforge_service::issues::{CreateIssue, EditIssue, LabelOptions, MilestoneOptions};
use oxforge_service::repos::EditRepo;
use oxforge_service::{Actor, RepoCtx, Services};
use oxforge_store::{Mirror, RepoUpdate};

fn archived(a: bool) -> oxforge_core::Result<EditRepo> {
    Ok(EditRepo {
        archived: Some(a),
        ..Default::default()
    })
}

fn issue_titled(title: &str) -> CreateIssue {
    CreateIssue {
        title: title.into(),
        ..Default::default()
    }
}

fn label_named(name: &str) -> LabelOptions {
    LabelOptions {
        name: Some(name.into()),
        color: Some("#00aabb".into()),
        ..Default::default()
    }
}

fn milestone_titled(title: &str) -> MilestoneOptions {
    MilestoneOptions {
        title: Some(title.into()),
        ..Default::default()
    }
}

async fn archive(svc: &Services, owner: &Actor, name: &str, a: bool) -> RepoCtx {
    let ctx = svc.repo_ctx(owner, "alice", name).await.unwrap();
    let after = svc
        .edit_repo(owner, &ctx, None, archived(a))
        .await
        .expect("owner (un)archives");
    assert_eq!(after.repo().repo.is_archived, a);
    after
}

#[tokio::test]
async fn archived_repo_refuses_every_write() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    let bob = user(&svc, "bob").await;
    repo(&svc, &alice, "proj", false).await;

    // Something of each kind to change, made before archiving.
    let t = svc.tracker(&alice, "alice", "proj").await.unwrap();
    let issue = svc
        .create_issue(&alice, &t, issue_titled("before"))
        .await
        .unwrap();
    let label = svc
        .create_label(&alice, &t, label_named("bug"))
        .await
        .unwrap();
    let milestone = svc
        .create_milestone(&alice, &t, milestone_titled("v1"))
        .await
        .unwrap();
    let comment = svc
        .create_comment(&alice, &t, &issue, "first")
        .await
        .unwrap()
        .comment;

    archive(&svc, &alice, "proj", true).await;
    // Contexts are taken afresh, as each request does.
    let t = svc.tracker(&alice, "alice", "proj").await.unwrap();
    let locked = ErrorKind::Locked;

    refused(
        svc.create_issue(&alice, &t, issue_titled("after")).await,
        locked,
    );
    let edit = EditIssue {
        title: Some("changed".into()),
        ..Default::default()
    };
    refused(svc.edit_issue(&alice, &t, &issue, edit).await, locked);
    let close = EditIssue {
        state: Some("closed".into()),
        ..Default::default()
    };
    refused(svc.edit_issue(&alice, &t, &issue, close).await, locked);
    refused(svc.delete_issue(&alice, &t, &issue).await, locked);
    refused(svc.create_comment(&alice, &t, &issue, "late").await, locked);
    refused(
        svc.edit_comment(&alice, &t, &comment, "edited").await,
        locked,
    );
    refused(svc.delete_comment(&alice, &t, &comment).await, locked);
    refused(
        svc.create_label(&alice, &t, label_named("new")).await,
        locked,
    );
    refused(
        svc.edit_label(&alice, &t, label.clone(), label_named("renamed"))
            .await,
        locked,
    );
    refused(svc.delete_label(&alice, &t, &label).await, locked);
    refused(
        svc.create_milestone(&alice, &t, milestone_titled("v2"))
            .await,
        locked,
    );
    refused(
        svc.edit_milestone(&alice, &t, milestone.clone(), milestone_titled("v1.1"))
            .await,
        locked,
    );
    refused(svc.delete_milestone(&alice, &t, &milestone).await, locked);
    let refs = LabelRefs {
        ids: vec![label.id],
        ..Default::default()
    };
    refused(
        svc.change_issue_labels(&alice, &t, &issue, LabelChange::Add, refs)
            .await,
        locked,
    );
    let push = svc.git_target(&alice, "alice", "proj", true).await;
    refused(push.map(|g| g.mode), locked);
    // A reader is refused the same way.
    let bt = svc.tracker(&bob, "alice", "proj").await.unwrap();
    refused(
        svc.create_issue(&bob, &bt, issue_titled("bob")).await,
        locked,
    );
    refused(svc.create_comment(&bob, &bt, &issue, "bob").await, locked);

    // Reads still work, and nothing changed.
    let ctx = svc.repo_ctx(&bob, "alice", "proj").await.unwrap();
    assert!(ctx.repo().repo.is_archived);
    let fetch = svc.git_target(&alice, "alice", "proj", false).await;
    assert!(fetch.is_ok());
    let again = svc.issue(&t, issue.number).await.unwrap();
    assert_eq!(again.title, "before");
    assert!(!again.is_closed);
    assert!(svc.issue_labels(&again).await.unwrap().is_empty());
    assert_eq!(svc.label(&t, label.id).await.unwrap().name, "bug");
    let (comments, _) = svc
        .comments(&t, Some(&issue), None, None, None)
        .await
        .unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].comment.body, "first");
    let m = svc.milestone(&t, &milestone.id.to_string()).await.unwrap();
    assert_eq!(m.name, "v1");

    // Un-archived through the same door, it takes writes again.
    archive(&svc, &alice, "proj", false).await;
    let t = svc.tracker(&alice, "alice", "proj").await.unwrap();
    svc.create_issue(&alice, &t, issue_titled("after"))
        .await
        .expect("writable again");
    svc.create_comment(&alice, &t, &issue, "again")
        .await
        .expect("writable again");
    assert!(svc.git_target(&alice, "alice", "proj", true).await.is_ok());
}

#[tokio::test]
async fn archived_mirror_refuses_sync_requests() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    let ctx = repo(&svc, &alice, "mirrored", false).await;
    // A pull mirror, made at the store as a migration would leave it.
    svc.store
        .insert_mirror(&Mirror {
            repo_id: ctx.id(),
            remote_url: "https://example.com/src.git".into(),
            interval_secs: 0,
            enable_prune: true,
            next_update_unix: 0,
            updated_unix: 0,
            last_error: String::new(),
            credentials: String::new(),
        })
        .await
        .unwrap();
    let mirror = RepoUpdate {
        is_mirror: Some(true),
        ..Default::default()
    };
    svc.store.update_repo(ctx.id(), &mirror).await.unwrap();
    let ctx = svc.repo_ctx(&alice, "alice", "mirrored").await.unwrap();
    svc.request_mirror_sync(&alice, &ctx)
        .await
        .expect("a live mirror syncs on request");

    // The API will not archive a mirror; an imported one may arrive archived.
    let arch = RepoUpdate {
        is_archived: Some(true),
        ..Default::default()
    };
    svc.store.update_repo(ctx.id(), &arch).await.unwrap();
    let ctx = svc.repo_ctx(&alice, "alice", "mirrored").await.unwrap();
    refused(
        svc.request_mirror_sync(&alice, &ctx).await,
        ErrorKind::Locked,
    );
}
