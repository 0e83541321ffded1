//! Sudo, and what a token's stored scope grants.

use crate::common::{admin, refused, repo, services, user};
use oxforge_core::scope::{Category, Level, Scopes, CATEGORIES};
use oxforge_core::ErrorKind;
use oxforge_service::tokens::hash_token;
use oxforge_service::Actor;

#[tokio::test]
async fn only_admins_sudo() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    user(&svc, "bob").await;
    refused(svc.sudo(alice.clone(), "bob").await, ErrorKind::Forbidden);
    refused(
        svc.sudo(Actor::anonymous(), "bob").await,
        ErrorKind::Forbidden,
    );
    // Through a token too: the account decides, not the credential.
    let me = alice.user().unwrap().clone();
    let (_, raw) = svc.create_token(&me, "t", &Scopes::all(), 0).await.unwrap();
    let token = svc.actor_by_token(&raw, false).await.unwrap().unwrap();
    refused(svc.sudo(token, "bob").await, ErrorKind::Forbidden);
}

#[tokio::test]
async fn sudo_keeps_the_admins_credential() {
    let (_db, svc) = services().await;
    let root = admin(&svc, "root").await;
    let bob = user(&svc, "bob").await;
    let bob_ctx = repo(&svc, &bob, "secret", true).await;
    let me = root.user().unwrap().clone();
    let scopes = Scopes::parse("read:repository").unwrap();
    let (_, raw) = svc.create_token(&me, "ro", &scopes, 0).await.unwrap();
    let token = svc.actor_by_token(&raw, true).await.unwrap().unwrap();

    let as_bob = svc.sudo(token.clone(), "bob").await.expect("admin sudoes");
    assert_eq!(as_bob.user_id(), bob.user_id());
    assert_eq!(as_bob.sudo_by(), root.user_id());
    assert_eq!(as_bob.scopes(), Some(scopes));
    assert_eq!(as_bob.method(), token.method());
    assert!(!as_bob.user().unwrap().is_admin);
    // Bob's access, within the admin token's scopes.
    let ctx = svc.repo_ctx(&as_bob, "bob", "secret").await.unwrap();
    assert_eq!(ctx.id(), bob_ctx.id());
    assert!(as_bob
        .require_scope(&[Category::Repository], Level::Read)
        .is_ok());
    refused(
        as_bob.require_scope(&[Category::Repository], Level::Write),
        ErrorKind::Forbidden,
    );
    refused(
        svc.git_target(&as_bob, "bob", "secret", true)
            .await
            .map(|g| g.mode),
        ErrorKind::Forbidden,
    );

    refused(svc.sudo(root.clone(), "nobody").await, ErrorKind::NotFound);
    // A password sign-in stays unscoped.
    let by_pw = svc.sudo(root, "bob").await.unwrap();
    assert_eq!(by_pw.scopes(), None);
    assert!(by_pw.sudo_by().is_some());
}

#[tokio::test]
async fn unreadable_stored_scope_grants_nothing() {
    let (_db, svc) = services().await;
    let alice = user(&svc, "alice").await;
    repo(&svc, &alice, "open", false).await;
    let uid = alice.user_id().unwrap();
    // Would grant everything if the unknown item were skipped.
    for (n, scope) in ["all,write:everything", "bogus", "read:repository,admin"]
        .into_iter()
        .enumerate()
    {
        let raw = format!("{:040x}", 0xabc0 + n);
        svc.store
            .insert_token(
                uid,
                &format!("bad{n}"),
                &hash_token(&raw),
                &raw[32..],
                scope,
                0,
            )
            .await
            .unwrap();
        let actor = svc
            .actor_by_token(&raw, false)
            .await
            .unwrap()
            .expect("the token itself is live");
        assert_eq!(actor.user_id(), Some(uid));
        for cat in CATEGORIES {
            refused(
                actor.require_scope(&[cat], Level::Read),
                ErrorKind::Forbidden,
            );
        }
        assert!(actor.is_public_only(), "{scope}: not even public data");
        refused(
            svc.git_target(&actor, "alice", "open", false)
                .await
                .map(|g| g.mode),
            ErrorKind::Forbidden,
        );
    }
}
