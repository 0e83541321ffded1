//! Gitea's `User` (plus Gogs' `username`).

use crate::auth::Caller;
use crate::state::HttpConfig;
use oxforge_core::model::User;
use oxforge_core::time::{rfc3339, rfc3339_or_zero, ZERO_TIME};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserJson {
    pub id: i64,
    pub login: String,
    pub login_name: String,
    pub source_id: i64,
    pub full_name: String,
    pub email: String,
    pub avatar_url: String,
    pub html_url: String,
    pub language: String,
    pub is_admin: bool,
    pub last_login: String,
    pub created: String,
    pub restricted: bool,
    pub active: bool,
    pub prohibit_login: bool,
    pub location: String,
    pub website: String,
    pub description: String,
    pub visibility: String,
    pub followers_count: i64,
    pub following_count: i64,
    pub starred_repos_count: i64,
    /// Gogs' name for `login`; Gogs clients read it.
    pub username: String,
}

/// How much of an account the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserView {
    /// The user themself or a site admin: everything.
    Full,
    /// Another signed-in user: the e-mail unless kept private.
    Signed,
    /// Anonymous: a no-reply placeholder e-mail.
    Anonymous,
}

pub fn view_for(caller: &Caller, u: &User) -> UserView {
    match caller.user() {
        Some(me) if me.id == u.id || me.is_admin => UserView::Full,
        Some(_) => UserView::Signed,
        None => UserView::Anonymous,
    }
}

pub fn user_json(cfg: &HttpConfig, u: &User, view: UserView) -> UserJson {
    let full = view == UserView::Full;
    let email_shown = match view {
        UserView::Full => true,
        UserView::Signed => !u.keep_email_private,
        UserView::Anonymous => false,
    };
    let email = if email_shown {
        u.email.clone()
    } else {
        format!("{}@noreply.{}", u.lower_name(), cfg.server.domain)
    };
    UserJson {
        id: u.id,
        login: u.name.clone(),
        login_name: if full {
            u.login_name.clone()
        } else {
            String::new()
        },
        source_id: if full { u.source_id } else { 0 },
        full_name: u.full_name.clone(),
        avatar_url: cfg.avatars.link(&cfg.root_url, u, email_shown),
        email,
        html_url: format!("{}{}", cfg.root_url, u.name),
        language: if full {
            u.language.clone()
        } else {
            String::new()
        },
        is_admin: full && u.is_admin,
        last_login: if full {
            rfc3339_or_zero(u.last_login_unix)
        } else {
            ZERO_TIME.into()
        },
        created: rfc3339(u.created_unix),
        restricted: u.restricted,
        active: full && u.is_active,
        prohibit_login: full && u.prohibit_login,
        location: u.location.clone(),
        website: u.website.clone(),
        description: u.description.clone(),
        visibility: u.visibility.name().into(),
        followers_count: u.num_followers,
        following_count: u.num_following,
        starred_repos_count: u.num_stars,
        username: u.name.clone(),
    }
}
