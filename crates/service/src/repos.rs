//! Repositories: a row and a bare git directory, created and removed together.

use crate::actor::Actor;
use crate::lifecycle::pause_point;
use crate::repo_ctx::RepoCtx;
use crate::Services;
use oxforge_core::access::{repo_access, AccessMode};
use oxforge_core::events::Event;
use oxforge_core::model::{Repo, RepoSettings, RepoWithOwner, User};
use oxforge_core::names::{is_valid_branch_name, validate_repo_name};
use oxforge_core::paging::Paging;
use oxforge_core::{Error, Result};
use oxforge_git::Signature;
use oxforge_store::{NewRepo, RepoFilter, RepoOrder, RepoUpdate, ReservationKind, REPO_EXISTS};

#[derive(Debug, Clone, Default)]
pub struct CreateRepo {
    pub name: String,
    pub description: String,
    pub private: bool,
    pub auto_init: bool,
    pub template: bool,
    pub default_branch: String,
    pub readme: String,
    pub object_format_name: String,
}

/// A change to a repository's stored settings (unit switches, merge options).
pub type SettingsEdit = Box<dyn FnOnce(&mut RepoSettings) + Send>;

/// An edit of a repository; `None` = unchanged.
#[derive(Default)]
pub struct EditRepo {
    pub name: Option<String>,
    pub description: Option<String>,
    pub website: Option<String>,
    pub private: Option<bool>,
    pub template: Option<bool>,
    pub archived: Option<bool>,
    pub default_branch: Option<String>,
    /// Applied to the stored settings (unit switches, merge options).
    pub settings: Option<SettingsEdit>,
}

impl Services {
    /// Creates `owner/name` for `actor`: in their own name, in an organisation whose
    /// owners (or a team that may) include them, or anywhere for a site admin.
    pub async fn create_repo(
        &self,
        actor: &Actor,
        owner: &User,
        c: Result<CreateRepo>,
    ) -> Result<RepoCtx> {
        let me = actor.require_user()?;
        let mut grant_to_teams = false;
        if owner.is_org() {
            let role = self.org_role(owner, me.id).await?;
            if !me.is_admin && !role.can_create_repo {
                return Err(Error::forbidden(
                    "Given user is not allowed to create repository in organization.",
                ));
            }
            grant_to_teams = !me.is_admin && !role.owner;
        } else if owner.id != me.id && !me.is_admin {
            return Err(Error::forbidden("user should be the owner or a site admin"));
        }
        // Refused input is reported after the permission check, as Gitea binds after it.
        let c = c?;
        // A member who is not an owner reaches it through the teams that let them.
        let teams = if grant_to_teams {
            self.teams_granting_new_repos(owner, me).await?
        } else {
            Vec::new()
        };
        let r = self.create_repo_as(me, owner, c, &teams).await?;
        let event = Event::RepoCreated {
            owner: r.owner.name.clone(),
            name: r.repo.name.clone(),
            private: r.repo.is_private,
        };
        self.emit(actor, Some(r.repo.id), event).await;
        Ok(RepoCtx::trusted(r, AccessMode::Owner))
    }

    /// Creates `owner/name` with `doer` as the author of its first commit, reachable by
    /// `teams`; the caller has decided that they may. The name is reserved first (exactly
    /// one of several concurrent creates wins), the directory is made, and only then is
    /// the row written, in the transaction that drops the reservation: a crash at any step
    /// leaves no row, and reconciliation removes the directory and frees the name.
    pub(crate) async fn create_repo_as(
        &self,
        doer: &User,
        owner: &User,
        c: CreateRepo,
        teams: &[i64],
    ) -> Result<RepoWithOwner> {
        validate_repo_name(&c.name)?;
        if c.description.chars().count() > 2048 {
            return Err(Error::validation("[Description]: MaxSize"));
        }
        let branch = if c.default_branch.is_empty() {
            self.settings.repository.default_branch.clone()
        } else {
            c.default_branch.clone()
        };
        if !is_valid_branch_name(&branch) {
            return Err(Error::validation("[DefaultBranch]: GitRefName"));
        }
        let object_format = match c.object_format_name.as_str() {
            "" | "sha1" => "sha1",
            "sha256" => "sha256",
            _ => return Err(Error::validation("[ObjectFormatName]: In")),
        };
        if !c.readme.is_empty() && c.readme != "Default" {
            return Err(Error::bad_request(
                "readme template does not exist, available templates: [Default]",
            ));
        }
        let limit = if owner.max_repo_creation >= 0 {
            owner.max_repo_creation
        } else {
            self.settings.repository.max_creation_limit
        };
        if limit >= 0 && !doer.is_admin && self.store.count_repos_owned_by(owner.id).await? >= limit
        {
            return Err(Error::forbidden(format!(
                "user has reached maximum limit of repositories [limit: {limit}]"
            )));
        }

        let held = self
            .reserve(owner.id, &c.name, ReservationKind::Create, None)
            .await?;
        pause_point("create:reserved").await;
        let size = match self
            .init_repo_dir(doer, owner, &c, &branch, object_format)
            .await
        {
            Ok(size) => size,
            Err(e) => {
                tracing::warn!(owner = %owner.name, repo = %c.name, error = %e.message,
                    "repository creation failed; discarding it");
                return Err(e);
            }
        };
        pause_point("create:dir-made").await;
        let id = self
            .store
            .commit_new_repo(
                held.id,
                &NewRepo {
                    owner_id: owner.id,
                    name: c.name.clone(),
                    description: c.description.clone(),
                    website: String::new(),
                    default_branch: branch.clone(),
                    is_private: c.private || self.settings.repository.force_private,
                    is_template: c.template,
                    is_mirror: false,
                    original_url: String::new(),
                    object_format_name: object_format.to_string(),
                    // The owner watches a new repository, as in Gitea and Gogs.
                    num_watches: 1,
                    is_empty: !c.auto_init,
                    size,
                },
                None,
                teams,
            )
            .await?;
        held.done();
        self.store
            .repo_by_id(id)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// Makes the repository's directory under a reservation of its name; returns its size.
    async fn init_repo_dir(
        &self,
        doer: &User,
        owner: &User,
        c: &CreateRepo,
        branch: &str,
        object_format: &str,
    ) -> Result<i64> {
        // The name is reserved for us, so anything already at the path is debris.
        if self.repos.exists(&owner.name, &c.name).await {
            tracing::warn!(owner = %owner.name, repo = %c.name, "removing stale repository directory");
            self.repos.remove(&owner.name, &c.name).await?;
        }
        let path = self
            .repos
            .init_bare(&owner.name, &c.name, branch, object_format)
            .await?;
        if c.auto_init {
            let mut readme = format!("# {}\n", c.name);
            if !c.description.is_empty() {
                readme.push_str(&format!("\n{}\n", c.description));
            }
            let author = Signature {
                name: doer.name.clone(),
                email: doer.email.clone(),
            };
            self.repos
                .initial_commit(
                    &path,
                    branch,
                    &[("README.md".into(), readme)],
                    &author,
                    "Initial commit",
                )
                .await?;
        }
        Ok(self.repos.disk_size(&path).await as i64)
    }

    /// Repositories matching `filter` that the actor may see, each with their access.
    pub async fn search_repos(
        &self,
        actor: &Actor,
        filter: &RepoFilter,
        paging: Option<Paging>,
    ) -> Result<(Vec<RepoCtx>, i64)> {
        let (list, total) = self
            .store
            .search_repos(&actor.viewer(), filter, paging)
            .await?;
        Ok((self.with_access(actor, list).await?, total))
    }

    /// `GET /user/repos`: what the actor owns or works on, as their credential lets them
    /// see it (a public-only token narrows it to public repositories).
    pub async fn my_repos(
        &self,
        actor: &Actor,
        paging: Option<Paging>,
    ) -> Result<(Vec<RepoCtx>, i64)> {
        let uid = actor.require_user()?.id;
        let viewer = actor.viewer();
        let (list, total) = if viewer.signed_in() == Some(uid) {
            self.store.related_page(uid, paging).await?
        } else {
            let filter = RepoFilter {
                related_to: Some(uid),
                ..Default::default()
            };
            self.store.search_repos(&viewer, &filter, paging).await?
        };
        Ok((self.with_access(actor, list).await?, total))
    }

    /// The repositories `owner` owns that the actor may see, by id (Gitea's
    /// `/users/{u}/repos` and `/orgs/{org}/repos`: no collaborations).
    pub async fn owner_repos(
        &self,
        actor: &Actor,
        owner: &User,
        paging: Paging,
    ) -> Result<(Vec<RepoCtx>, i64)> {
        let filter = RepoFilter {
            owner_id: Some(owner.id),
            order: RepoOrder::Id,
            ..Default::default()
        };
        self.search_repos(actor, &filter, Some(paging)).await
    }

    /// The actor's access to each listed repository (grants loaded once for the page).
    async fn with_access(&self, actor: &Actor, list: Vec<RepoWithOwner>) -> Result<Vec<RepoCtx>> {
        let viewer = actor.viewer();
        let m = self.memberships(&viewer, &list).await?;
        Ok(list
            .into_iter()
            .map(|r| {
                let mode = repo_access(&viewer, &r, &m.grants(&r));
                RepoCtx::trusted(r, mode)
            })
            .collect())
    }

    /// Edits a repository (repository admins). `mirror_interval` is checked and stored
    /// first, so a bad interval changes nothing else.
    pub async fn edit_repo(
        &self,
        actor: &Actor,
        ctx: &RepoCtx,
        mirror_interval: Option<&str>,
        e: Result<EditRepo>,
    ) -> Result<RepoCtx> {
        actor.require_user()?;
        ctx.require_mode(
            AccessMode::Admin,
            "user should be an owner or a collaborator with admin write of a repository",
        )?;
        let e = e?;
        if let Some(interval) = mirror_interval {
            self.set_mirror_interval(ctx.repo(), interval).await?;
        }
        let r = ctx.repo();
        let repo = &r.repo;
        let mut up = RepoUpdate {
            touch: true,
            ..Default::default()
        };
        if let Some(d) = &e.description {
            if d.chars().count() > 2048 {
                return Err(Error::validation("[Description]: MaxSize"));
            }
            up.description = Some(d.clone());
        }
        if let Some(w) = &e.website {
            if w.chars().count() > 1024 {
                return Err(Error::validation("[Website]: MaxSize"));
            }
            up.website = Some(w.clone());
        }
        up.is_private = e
            .private
            .map(|p| p || self.settings.repository.force_private);
        up.is_template = e.template;
        if let Some(a) = e.archived {
            if repo.is_mirror {
                return Err(Error::validation(
                    "repo is a mirror, cannot archive/un-archive",
                ));
            }
            up.is_archived = Some(a);
            up.archived_unix = Some(if a { oxforge_core::time::now() } else { 0 });
        }
        if let Some(b) = e
            .default_branch
            .filter(|b| !b.is_empty() && *b != repo.default_branch)
        {
            if !is_valid_branch_name(&b) {
                return Err(Error::validation("[DefaultBranch]: GitRefName"));
            }
            let path = self.repos.path(&r.owner.name, &repo.name);
            // Gitea ignores a branch that does not exist unless the repository is empty.
            if repo.is_empty || self.repos.has_branch(&path, &b).await {
                self.repos.set_head(&path, &b).await?;
                up.default_branch = Some(b);
            }
        }
        if let Some(edit) = e.settings {
            let mut s = repo.settings.clone();
            edit(&mut s);
            up.settings = Some(s);
        }
        let rename = e.name.filter(|n| *n != repo.name);
        if let Some(new_name) = &rename {
            validate_repo_name(new_name)?;
            up.name = Some(new_name.clone());
        }
        if let Some(new_name) = &rename {
            self.rename_repo(r, new_name, &up).await?;
        } else {
            self.store.update_repo(repo.id, &up).await?;
        }
        let after = self.reload(ctx).await?;
        for event in repo_changes(r, &after.repo().repo) {
            self.emit(actor, Some(repo.id), event).await;
        }
        Ok(after)
    }

    /// Deletes a repository with its git data (its owner, or a site admin).
    pub async fn delete_repo(&self, actor: &Actor, ctx: &RepoCtx) -> Result<()> {
        actor.require_user()?;
        ctx.require_mode(AccessMode::Owner, "user should be the owner of the repo")?;
        self.remove_repo(actor, ctx.repo()).await
    }

    /// Renames `r` to `new_name` with the rest of `up`: the new name is reserved, the
    /// directory moved, and the row renamed in the transaction that drops the reservation.
    /// After a crash between the move and the commit, reconciliation moves it back.
    async fn rename_repo(&self, r: &RepoWithOwner, new_name: &str, up: &RepoUpdate) -> Result<()> {
        let (owner, repo) = (&r.owner, &r.repo);
        if new_name.eq_ignore_ascii_case(&repo.name) {
            // Directories are named in lower case: only the row changes.
            return self.store.update_repo(repo.id, up).await;
        }
        let held = self
            .reserve(
                owner.id,
                new_name,
                ReservationKind::Rename,
                Some((repo.id, &repo.name)),
            )
            .await
            .map_err(|e| {
                if e.is(oxforge_core::ErrorKind::Conflict) && e.message == REPO_EXISTS {
                    Error::validation(e.message)
                } else {
                    e
                }
            })?;
        self.repos.rename(&owner.name, &repo.name, new_name).await?;
        pause_point("rename:moved").await;
        // On failure, dropping `held` moves the directory back.
        self.store
            .commit_rename(held.id, owner.id, repo.id, up)
            .await?;
        held.done();
        Ok(())
    }

    /// Removes a repository: its row goes (its name held until the directory is gone),
    /// then its directory. Not found when another request removed it first; conflict while
    /// it is being renamed.
    pub(crate) async fn remove_repo(&self, actor: &Actor, r: &RepoWithOwner) -> Result<()> {
        let holder = self.holder()?;
        let Some(reservation) = self.store.delete_repo_reserving(r.repo.id, &holder).await? else {
            return Err(Error::not_found());
        };
        let held = self.held(reservation);
        pause_point("delete:row-gone").await;
        // Dropping `held` removes the directory and frees the name; done here first so
        // the name is free when the request answers.
        self.release_reservation(held.id).await;
        held.done();
        let event = Event::RepoDeleted {
            owner: r.owner.name.clone(),
            name: r.repo.name.clone(),
        };
        self.emit(actor, Some(r.repo.id), event).await;
        Ok(())
    }
}

impl Services {
    /// Brings a repository's row up to date after its refs changed (push, mirror sync,
    /// migration): emptiness, size and update time. With `pick`, a default branch that no
    /// longer exists is replaced by the first branch of `pick` that does, else the first
    /// branch, and HEAD follows.
    pub(crate) async fn refresh_after_refs(
        &self,
        id: i64,
        path: &std::path::Path,
        current_default: &str,
        pick: Option<&[&str]>,
    ) -> Result<()> {
        let branches = oxforge_git::refs::branches(path).await?;
        let mut up = RepoUpdate {
            is_empty: Some(branches.is_empty()),
            size: Some(self.repos.disk_size(path).await as i64),
            touch: true,
            ..Default::default()
        };
        let exists = |name: &str| branches.iter().any(|b| b.name == name);
        if let Some(pick) = pick.filter(|_| !exists(current_default)) {
            let chosen = pick
                .iter()
                .find(|name| exists(name))
                .map(|name| name.to_string())
                .or_else(|| branches.first().map(|b| b.name.clone()));
            if let Some(b) = chosen {
                self.repos.set_head(path, &b).await?;
                up.default_branch = Some(b);
            }
        }
        self.store.update_repo(id, &up).await
    }

    /// The repository's branches with their head commits, sorted by name.
    pub async fn branches(&self, ctx: &RepoCtx) -> Result<Vec<oxforge_git::refs::BranchInfo>> {
        let r = ctx.repo();
        let path = self.repos.path(&r.owner.name, &r.repo.name);
        oxforge_git::refs::branches(&path).await
    }

    /// Every ref of the repository, sorted by name.
    pub async fn refs(&self, ctx: &RepoCtx) -> Result<Vec<oxforge_git::refs::RefInfo>> {
        let r = ctx.repo();
        let path = self.repos.path(&r.owner.name, &r.repo.name);
        oxforge_git::refs::refs(&path).await
    }
}

/// The events an edit of `before` into `after` amounts to.
fn repo_changes(r: &RepoWithOwner, after: &Repo) -> Vec<Event> {
    let before = &r.repo;
    let mut out = Vec::new();
    if before.name != after.name {
        out.push(Event::RepoRenamed {
            owner: r.owner.name.clone(),
            old_name: before.name.clone(),
            new_name: after.name.clone(),
        });
    }
    if before.is_private != after.is_private {
        out.push(Event::RepoVisibilityChanged {
            private: after.is_private,
        });
    }
    if before.is_archived != after.is_archived {
        out.push(Event::RepoArchivedChanged {
            archived: after.is_archived,
        });
    }
    out
}
