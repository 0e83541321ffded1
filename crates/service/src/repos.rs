//! Repositories: a row and a bare git directory, created and removed together.

use crate::cleanup::Cleanup;
use crate::Services;
use oxforge_core::access::{AccessMode, Viewer};
use oxforge_core::model::{RepoSettings, RepoWithOwner, User};
use oxforge_core::names::{is_valid_branch_name, validate_repo_name};
use oxforge_core::paging::Paging;
use oxforge_core::{Error, Result};
use oxforge_git::Signature;
use oxforge_store::{NewRepo, RepoFilter, RepoUpdate};

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
    /// Creates `owner/name`. Exactly one of several concurrent creates of one name wins
    /// (unique index); a failure after the row is written removes row and directory.
    pub async fn create_repo(
        &self,
        doer: &User,
        owner: &User,
        c: CreateRepo,
    ) -> Result<RepoWithOwner> {
        validate_repo_name(&c.name)?;
        if c.description.chars().count() > 2048 {
            return Err(Error::validation("[Description]: MaxSize"));
        }
        let branch = if c.default_branch.is_empty() {
            self.settings.default_branch.clone()
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
            self.settings.max_creation_limit
        };
        if limit >= 0 && !doer.is_admin && self.store.count_repos_owned_by(owner.id).await? >= limit
        {
            return Err(Error::forbidden(format!(
                "user has reached maximum limit of repositories [limit: {limit}]"
            )));
        }

        self.check_no_restore_pending(owner.id, &c.name).await?;
        let id = self
            .store
            .insert_repo(&NewRepo {
                owner_id: owner.id,
                name: c.name.clone(),
                description: c.description.clone(),
                website: String::new(),
                default_branch: branch.clone(),
                is_private: c.private || self.settings.force_private,
                is_template: c.template,
                is_mirror: false,
                original_url: String::new(),
                object_format_name: object_format.to_string(),
                // The owner watches a new repository, as in Gitea and Gogs.
                num_watches: 1,
            })
            .await?;
        match self
            .init_repo_dir(id, doer, owner, &c, &branch, object_format)
            .await
        {
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(owner = %owner.name, repo = %c.name, id, error = %e.message,
                    "repository creation failed; discarding it");
                self.clean_up(Cleanup::DiscardRepo { repo_id: id }).await;
                return Err(e);
            }
        }
        self.store
            .repo_by_id(id)
            .await?
            .ok_or_else(Error::not_found)
    }

    async fn init_repo_dir(
        &self,
        id: i64,
        doer: &User,
        owner: &User,
        c: &CreateRepo,
        branch: &str,
        object_format: &str,
    ) -> Result<()> {
        // The row is ours, so anything already at the path is debris of an earlier crash.
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
        let size = self.repos.disk_size(&path).await as i64;
        self.store
            .update_repo(
                id,
                &RepoUpdate {
                    is_empty: Some(!c.auto_init),
                    size: Some(size),
                    ..Default::default()
                },
            )
            .await
    }

    /// Finds `owner/name` for `viewer`. Missing and invisible look the same: 404.
    pub async fn repo_for(
        &self,
        viewer: &Viewer,
        owner: &str,
        name: &str,
    ) -> Result<(RepoWithOwner, AccessMode)> {
        let Some(r) = self.store.repo_by_name(owner, name).await? else {
            if self.store.user_by_name(owner).await?.is_none() {
                return Err(
                    Error::not_found_msg("GetUserByName").with_errors(vec![format!(
                        "user redirect does not exist [name: {owner}]"
                    )]),
                );
            }
            return Err(Error::not_found());
        };
        self.check_access(viewer, r).await
    }

    pub async fn repo_for_id(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<(RepoWithOwner, AccessMode)> {
        let r = self
            .store
            .repo_by_id(id)
            .await?
            .ok_or_else(Error::not_found)?;
        self.check_access(viewer, r).await
    }

    async fn check_access(
        &self,
        viewer: &Viewer,
        r: RepoWithOwner,
    ) -> Result<(RepoWithOwner, AccessMode)> {
        match self.access(viewer, &r).await? {
            AccessMode::None => Err(Error::not_found()),
            mode => Ok((r, mode)),
        }
    }

    pub async fn search_repos(
        &self,
        viewer: &Viewer,
        filter: &RepoFilter,
        paging: Option<Paging>,
    ) -> Result<(Vec<RepoWithOwner>, i64)> {
        self.store.search_repos(viewer, filter, paging).await
    }

    /// `GET /user/repos`: what `uid` owns or works on, as the caller's credential lets them
    /// see it (a public-only token narrows it to public repositories).
    pub async fn my_repos(
        &self,
        viewer: &Viewer,
        uid: i64,
        paging: Option<Paging>,
    ) -> Result<(Vec<RepoWithOwner>, i64)> {
        if viewer.signed_in() == Some(uid) {
            return self.store.related_page(uid, paging).await;
        }
        let filter = RepoFilter {
            related_to: Some(uid),
            ..Default::default()
        };
        self.store.search_repos(viewer, &filter, paging).await
    }

    pub async fn edit_repo(&self, r: &RepoWithOwner, e: EditRepo) -> Result<RepoWithOwner> {
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
        up.is_private = e.private.map(|p| p || self.settings.force_private);
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
            let case_only = new_name.eq_ignore_ascii_case(&repo.name);
            if !case_only {
                if self
                    .store
                    .repo_by_name(&r.owner.name, new_name)
                    .await?
                    .is_some()
                {
                    return Err(Error::validation(
                        "The repository with the same name already exists.",
                    ));
                }
                // Move the directory first; undo it if the row cannot follow.
                self.repos
                    .rename(&r.owner.name, &repo.name, new_name)
                    .await?;
            }
            if let Err(e) = self.store.update_repo(repo.id, &up).await {
                if !case_only {
                    self.undo_rename(r, new_name).await;
                }
                return Err(if e.is(oxforge_core::ErrorKind::Conflict) {
                    Error::validation(e.message)
                } else {
                    e
                });
            }
        } else {
            self.store.update_repo(repo.id, &up).await?;
        }
        self.store
            .repo_by_id(repo.id)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// Moves the directory back from `new_name` after the row refused the rename; when
    /// that fails too, logs it and queues the move.
    async fn undo_rename(&self, r: &RepoWithOwner, new_name: &str) {
        if let Err(e) = self
            .repos
            .rename(&r.owner.name, new_name, &r.repo.name)
            .await
        {
            tracing::error!(owner = %r.owner.name, repo = %r.repo.name, id = r.repo.id, at = %new_name,
                error = %e.message, "repository directory not moved back after a failed rename; queued");
            let c = Cleanup::RenameBack {
                repo_id: r.repo.id,
                owner_id: r.owner.id,
                from: new_name.to_string(),
            };
            self.queue_cleanup(&c, 1).await;
        }
    }

    /// Removes the row, then the directory (a leftover directory is harmless: creating the
    /// name again clears it).
    pub async fn delete_repo(&self, r: &RepoWithOwner) -> Result<()> {
        self.store.delete_repo(r.repo.id).await?;
        if let Err(e) = self.repos.remove(&r.owner.name, &r.repo.name).await {
            tracing::warn!(error = %e, repo = r.repo.id, "repository directory not removed");
        }
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
    pub async fn branches(&self, r: &RepoWithOwner) -> Result<Vec<oxforge_git::refs::BranchInfo>> {
        let path = self.repos.path(&r.owner.name, &r.repo.name);
        oxforge_git::refs::branches(&path).await
    }

    /// Every ref of the repository, sorted by name.
    pub async fn refs(&self, r: &RepoWithOwner) -> Result<Vec<oxforge_git::refs::RefInfo>> {
        let path = self.repos.path(&r.owner.name, &r.repo.name);
        oxforge_git::refs::refs(&path).await
    }
}
