//! Who may create, see, edit and delete a repository.

use crate::common::{admin, refused, repo, services, user};
use oxforge_core::access::AccessMode;
use oxforge_core::scope::Scopes;
use oxforge_core::ErrorKind;
use oxforge_service::orgs::{OrgOptions, TeamOptions};
use oxforge_service::repos::{CreateRepo, EditRepo};
use oxforge_service::{Actor, Services};

fn named(name: &str) -> oxforge_core::Result<CreateRepo> {
    Ok(CreateRepo {
        name: name.into(),
        ..Default::default()
    })
}

fn describe(text: &str) -> oxforge_core::Result<EditRepo> {
    Ok(EditRepo {
        description: Some(text.into()),
        ..Default::default()
    })
}

async fn org(svc: &Services, owner: &Actor, name: &str) -> oxforge_core::model::User {
    let me = owner.user().expect("signed in").clone();
    let o = OrgOptions {
        username: Some(name.into()),
        ..Default::default()
    };
    svc.create_org(owner, &me, o).await.expect("create org")
}

#[tokio::test]
async fn create_in_own_name_only() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    let bob = user(&svc, "bob").await;
    let root = admin(&svc, "root").await;
    let alice_user = alice.user().unwrap().clone();

    let ctx = svc
        .create_repo(&alice, &alice_user, named("mine"))
        .await
        .expect("own name");
    assert_eq!(ctx.mode(), AccessMode::Owner);
    assert_eq!(ctx.repo().owner.name, "alice");

    refused(
        svc.create_repo(&bob, &alice_user, named("theirs")).await,
        ErrorKind::Forbidden,
    );
    refused(
        svc.create_repo(&Actor::anonymous(), &alice_user, named("nobody"))
            .await,
        ErrorKind::Unauthorized,
    );
    // A site admin creates anywhere.
    svc.create_repo(&root, &alice_user, named("gift"))
        .await
        .expect("admin creates for alice");
    assert!(svc
        .store
        .repo_by_name("alice", "theirs")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn create_in_org_needs_owner_or_team_that_may() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    let dave = user(&svc, "dave").await;
    let erin = user(&svc, "erin").await;
    let eve = user(&svc, "eve").await;
    let acme = org(&svc, &alice, "acme").await;

    // Owners create.
    svc.create_repo(&alice, &acme, named("by-owner"))
        .await
        .expect("org owner creates");

    // A team that may create repositories, and one that may not.
    let makers = svc
        .create_team(
            &alice,
            &acme,
            TeamOptions {
                name: Some("makers".into()),
                permission: Some("write".into()),
                can_create_org_repo: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("team");
    let readers = svc
        .create_team(
            &alice,
            &acme,
            TeamOptions {
                name: Some("readers".into()),
                permission: Some("read".into()),
                ..Default::default()
            },
        )
        .await
        .expect("team");
    let makers_ctx = svc.team_ctx(&alice, makers.id).await.unwrap();
    svc.change_team_member(&alice, &makers_ctx, "dave", true)
        .await
        .unwrap();
    let readers_ctx = svc.team_ctx(&alice, readers.id).await.unwrap();
    svc.change_team_member(&alice, &readers_ctx, "erin", true)
        .await
        .unwrap();

    let made = svc
        .create_repo(&dave, &acme, named("by-member"))
        .await
        .expect("member of a team that may create");
    // The member reaches what they made, through their team.
    let seen = svc.repo_ctx(&dave, "acme", "by-member").await.unwrap();
    assert_eq!(seen.id(), made.id());
    assert!(seen.mode() >= AccessMode::Write);

    refused(
        svc.create_repo(&erin, &acme, named("by-reader")).await,
        ErrorKind::Forbidden,
    );
    refused(
        svc.create_repo(&eve, &acme, named("by-outsider")).await,
        ErrorKind::Forbidden,
    );
    assert!(svc
        .store
        .repo_by_name("acme", "by-outsider")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn private_repo_is_invisible_to_others() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    let bob = user(&svc, "bob").await;
    let root = admin(&svc, "root").await;
    repo(&svc, &alice, "secret", true).await;

    refused(
        svc.repo_ctx(&Actor::anonymous(), "alice", "secret").await,
        ErrorKind::NotFound,
    );
    refused(
        svc.repo_ctx(&bob, "alice", "secret").await,
        ErrorKind::NotFound,
    );
    // As if it did not exist: the same answer as for a missing name.
    refused(
        svc.repo_ctx(&bob, "alice", "absent").await,
        ErrorKind::NotFound,
    );
    assert_eq!(
        svc.repo_ctx(&alice, "alice", "secret")
            .await
            .unwrap()
            .mode(),
        AccessMode::Owner
    );
    assert!(svc.repo_ctx(&root, "alice", "secret").await.is_ok());

    // A collaborator sees it.
    let ctx = svc.repo_ctx(&alice, "alice", "secret").await.unwrap();
    svc.set_collaborator(&alice, &ctx, "bob", Some("read"))
        .await
        .unwrap();
    assert_eq!(
        svc.repo_ctx(&bob, "alice", "secret").await.unwrap().mode(),
        AccessMode::Read
    );
}

#[tokio::test]
async fn public_only_token_is_refused_a_private_repo() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    repo(&svc, &alice, "secret", true).await;
    repo(&svc, &alice, "open", false).await;
    let me = alice.user().unwrap().clone();
    let scopes = Scopes::parse("public-only,read:repository").unwrap();
    let (_, raw) = svc.create_token(&me, "pub", &scopes, 0).await.unwrap();
    let token = svc.actor_by_token(&raw, false).await.unwrap().unwrap();
    assert!(token.is_public_only());

    // Its owner could see it: 403, not 404.
    refused(
        svc.repo_ctx(&token, "alice", "secret").await,
        ErrorKind::Forbidden,
    );
    assert!(svc.repo_ctx(&token, "alice", "open").await.is_ok());
    // A full token of the same user sees both.
    let all = Scopes::parse("all").unwrap();
    let (_, raw) = svc.create_token(&me, "all", &all, 0).await.unwrap();
    let full = svc.actor_by_token(&raw, false).await.unwrap().unwrap();
    assert!(svc.repo_ctx(&full, "alice", "secret").await.is_ok());
}

/// alice/proj with `writer` (write) and `boss` (admin) as collaborators.
async fn with_collaborators(svc: &Services) -> (Actor, Actor, Actor) {
    let alice = user(svc, "alice").await;
    let writer = user(svc, "writer").await;
    let boss = user(svc, "boss").await;
    let ctx = repo(svc, &alice, "proj", false).await;
    for (name, mode) in [("writer", "write"), ("boss", "admin")] {
        svc.set_collaborator(&alice, &ctx, name, Some(mode))
            .await
            .unwrap();
    }
    (alice, writer, boss)
}

#[tokio::test]
async fn edit_needs_repo_admin() {
    let (_db, svc) = services().await;
    let (alice, writer, boss) = with_collaborators(&svc).await;
    let as_writer = svc.repo_ctx(&writer, "alice", "proj").await.unwrap();
    assert_eq!(as_writer.mode(), AccessMode::Write);
    refused(
        svc.edit_repo(&writer, &as_writer, None, describe("by writer"))
            .await,
        ErrorKind::Forbidden,
    );
    // Nor may a writer change the collaborators.
    refused(
        svc.set_collaborator(&writer, &as_writer, "boss", Some("read"))
            .await,
        ErrorKind::Forbidden,
    );
    let unchanged = svc.repo_ctx(&alice, "alice", "proj").await.unwrap();
    assert_eq!(unchanged.repo().repo.description, "");

    let as_boss = svc.repo_ctx(&boss, "alice", "proj").await.unwrap();
    assert_eq!(as_boss.mode(), AccessMode::Admin);
    let edited = svc
        .edit_repo(&boss, &as_boss, None, describe("by admin"))
        .await
        .expect("a repository admin edits");
    assert_eq!(edited.repo().repo.description, "by admin");
}

#[tokio::test]
async fn delete_needs_owner() {
    let (_db, svc) = services().await;
    let (alice, writer, boss) = with_collaborators(&svc).await;
    let root = admin(&svc, "root").await;
    for who in [&writer, &boss] {
        let ctx = svc.repo_ctx(who, "alice", "proj").await.unwrap();
        refused(svc.delete_repo(who, &ctx).await, ErrorKind::Forbidden);
    }
    let as_alice = svc.repo_ctx(&alice, "alice", "proj").await.unwrap();
    svc.delete_repo(&alice, &as_alice)
        .await
        .expect("the owner deletes");
    refused(
        svc.repo_ctx(&alice, "alice", "proj").await,
        ErrorKind::NotFound,
    );

    repo(&svc, &alice, "other", false).await;
    let as_root = svc.repo_ctx(&root, "alice", "other").await.unwrap();
    svc.delete_repo(&root, &as_root)
        .await
        .expect("a site admin deletes");
}
