//! `POST /repos/migrate`: copying a repository from a URL, as a one-off copy or as a pull
//! mirror. The source address is checked where git will actually connect (resolved once,
//! pinned, no redirects), and a failure leaves no row and no directory behind.

use crate::actor::Actor;
use crate::cleanup::Cleanup;
use crate::hosts::HostPolicy;
use crate::lifecycle::{pause_point, Held};
use crate::repo_ctx::RepoCtx;
use crate::Services;
use base64::Engine;
use oxforge_core::access::AccessMode;
use oxforge_core::events::Event;
use oxforge_core::model::User;
use oxforge_core::names::validate_repo_name;
use oxforge_core::{Error, Result};
use oxforge_git::remote::{self, Remote, RemoteError};
use oxforge_store::{Mirror, NewRepo, ReservationKind};
use std::net::IpAddr;
use std::path::PathBuf;

const DISALLOWED: &str = "You can not import from disallowed hosts.";

#[derive(Debug, Clone, Default)]
pub struct MigrateRequest {
    pub clone_addr: String,
    pub repo_name: String,
    pub repo_owner: Option<String>,
    pub uid: Option<i64>,
    pub mirror: bool,
    pub mirror_interval: Option<String>,
    pub private: bool,
    pub description: String,
    pub auth_username: String,
    pub auth_password: String,
    pub auth_token: String,
}

/// A checked source: how git reaches it, and how it is shown (never with credentials).
#[derive(Debug, Clone)]
pub struct CheckedSource {
    pub remote: Remote,
    pub display_url: String,
    /// Secrets to scrub from any text shown to anyone.
    secrets: Vec<String>,
}

impl CheckedSource {
    /// Removes every credential (raw or encoded) from a message.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in self.secrets.iter().filter(|s| s.len() >= 3) {
            out = out.replace(s.as_str(), "<credentials>");
        }
        out
    }
}

fn basic(user: &str, pass: &str) -> String {
    let raw = format!("{user}:{pass}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

impl Services {
    fn host_policy(&self) -> HostPolicy {
        let m = &self.settings.migrations;
        HostPolicy {
            allow_local_networks: m.allow_localnetworks,
            allowed: m.allowed_domains.clone(),
            blocked: m.blocked_domains.clone(),
        }
    }

    /// Checks a source address for `doer` and works out how git may reach it.
    pub async fn check_source(
        &self,
        doer: Option<&User>,
        addr: &str,
        username: &str,
        password: &str,
        token: &str,
    ) -> Result<CheckedSource> {
        let addr = addr.trim();
        if addr.starts_with('/') {
            let may = doer.is_some_and(|d| d.is_admin || d.allow_import_local);
            if !(self.settings.security.import_local_paths && may) {
                return Err(Error::validation(
                    "You are not allowed to import local repositories.",
                ));
            }
            let meta = tokio::fs::metadata(addr).await;
            if !meta.is_ok_and(|m| m.is_dir()) {
                return Err(Error::validation(
                    "Invalid local path, it does not exist or not a directory.",
                ));
            }
            return Ok(CheckedSource {
                remote: Remote {
                    url: addr.to_string(),
                    pin: None,
                    authorization: None,
                },
                display_url: addr.to_string(),
                secrets: Vec::new(),
            });
        }
        let mut url = url::Url::parse(addr).map_err(|_| {
            Error::validation("migration/cloning from the given address is not allowed: the provided url is invalid")
        })?;
        let host_text = url.host_str().unwrap_or("").to_string();
        if !matches!(url.scheme(), "http" | "https" | "git") || host_text.is_empty() {
            return Err(Error::validation(format!(
                "migration/cloning from '{host_text}' is not allowed: the provided url protocol is not allowed"
            )));
        }
        // Credentials in the address move to the Authorization header.
        let (mut user, mut pass) = (username.to_string(), password.to_string());
        if !url.username().is_empty() || url.password().is_some() {
            if user.is_empty() && pass.is_empty() && token.is_empty() {
                user = percent_decode(url.username());
                pass = percent_decode(url.password().unwrap_or(""));
            }
            let _ = url.set_username("");
            let _ = url.set_password(None);
        }
        let port = url.port_or_known_default().unwrap_or(9418);
        let ips: Vec<IpAddr> = match url.host() {
            Some(url::Host::Ipv4(v4)) => vec![IpAddr::V4(v4)],
            Some(url::Host::Ipv6(v6)) => vec![IpAddr::V6(v6)],
            Some(url::Host::Domain(name)) => match tokio::net::lookup_host((name, port)).await {
                Ok(addrs) => addrs.map(|a| a.ip()).collect(),
                // A name that does not resolve is refused like a disallowed one.
                Err(_) => Vec::new(),
            },
            None => Vec::new(),
        };
        let ip = self
            .host_policy()
            .pick(&host_text, &ips)
            .ok_or_else(|| Error::validation(DISALLOWED))?;
        let display_url = url.to_string();
        let mut git_url = url.clone();
        let mut pin = None;
        if url.scheme() == "git" {
            // git:// has no name to keep: connect to the checked address itself.
            let _ = git_url.set_ip_host(ip);
        } else if matches!(url.host(), Some(url::Host::Domain(_))) {
            let addr = match ip {
                IpAddr::V4(v4) => v4.to_string(),
                IpAddr::V6(v6) => format!("[{v6}]"),
            };
            pin = Some(format!("{host_text}:{port}:{addr}"));
        }
        let authorization = if !token.is_empty() {
            Some(basic("oauth2", token))
        } else if !user.is_empty() || !pass.is_empty() {
            Some(basic(&user, &pass))
        } else {
            None
        };
        let mut secrets: Vec<String> = vec![pass.clone(), token.to_string()];
        if let Some(a) = &authorization {
            secrets.push(a.trim_start_matches("Basic ").to_string());
        }
        Ok(CheckedSource {
            remote: Remote {
                url: git_url.to_string(),
                pin,
                authorization,
            },
            display_url,
            secrets,
        })
    }

    fn parse_interval(&self, text: Option<&str>) -> Result<i64> {
        let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(self.settings.mirror.default_interval.as_secs() as i64);
        };
        self.checked_interval(t)
    }

    /// Migrates a repository. Synchronous for the caller (201 with the repository), while
    /// the transfer itself runs as a job with a time limit and logged progress.
    pub async fn migrate(&self, actor: &Actor, req: MigrateRequest) -> Result<RepoCtx> {
        let doer = actor.require_user()?;
        if self.settings.repository.disable_migrations {
            return Err(Error::forbidden(
                "the site administrator has disabled migrations",
            ));
        }
        let owner = match (&req.repo_owner, req.uid) {
            (Some(name), _) if !name.is_empty() => {
                self.store.user_by_name(name).await?.ok_or_else(|| {
                    Error::validation(format!("user does not exist [uid: 0, name: {name}]"))
                })?
            }
            (_, Some(uid)) if uid > 0 => self.store.user_by_id(uid).await?.ok_or_else(|| {
                Error::validation(format!("user does not exist [uid: {uid}, name: ]"))
            })?,
            _ => doer.clone(),
        };
        // Into oneself, or into an organisation one owns (admins anywhere).
        let allowed = doer.is_admin
            || owner.id == doer.id
            || (owner.is_org() && self.org_role(&owner, doer.id).await?.owner);
        if !allowed {
            return Err(Error::forbidden(if owner.is_org() {
                "Given user is not owner of organization."
            } else {
                "Given user is not an organization."
            }));
        }
        validate_repo_name(&req.repo_name)?;
        if req.description.chars().count() > 2048 {
            return Err(Error::validation("[Description]: MaxSize"));
        }
        let interval = if req.mirror {
            let m = &self.settings.mirror;
            if !m.enabled || m.disable_new_pull {
                return Err(Error::forbidden(
                    "the site administrator has disabled the creation of new pull mirrors",
                ));
            }
            self.parse_interval(req.mirror_interval.as_deref())?
        } else {
            0
        };
        let source = self
            .check_source(
                Some(doer),
                &req.clone_addr,
                &req.auth_username,
                &req.auth_password,
                &req.auth_token,
            )
            .await?;

        let held = self
            .reserve(owner.id, &req.repo_name, ReservationKind::Migrate, None)
            .await?;
        let res_id = held.id;
        let lease =
            oxforge_core::time::now() + self.settings.git_timeout.migrate.as_secs() as i64 + 60;
        let job = self
            .store
            .start_job(
                "migrate",
                &format!("migrate:{res_id}"),
                &source.display_url,
                &self.worker_name("migrate"),
                lease,
            )
            .await?;
        tracing::info!(reservation = res_id, source = %source.display_url, mirror = req.mirror, "migration started");
        let row = NewRepo {
            owner_id: owner.id,
            name: req.repo_name.clone(),
            description: req.description.clone(),
            website: String::new(),
            default_branch: self.settings.repository.default_branch.clone(),
            is_private: req.private || self.settings.repository.force_private,
            is_template: false,
            is_mirror: req.mirror,
            original_url: source.display_url.clone(),
            object_format_name: "sha1".into(),
            num_watches: 1,
            is_empty: true,
            size: 0,
        };

        // The transfer runs on its own task: a client that gives up does not cut it short,
        // and the task records the outcome; on failure the reservation (dropped there)
        // takes the directory with it.
        let svc = self.clone();
        let (owner2, source2) = (owner.clone(), source.clone());
        let work = tokio::spawn(async move {
            let outcome = svc
                .transfer(held, row, &owner2, &source2, interval, req.mirror)
                .await;
            svc.migration_ended(job, &outcome).await;
            outcome
        });
        match work.await {
            Ok(Ok(id)) => {
                tracing::info!(repo = id, "migration finished");
                let r = self
                    .store
                    .repo_by_id(id)
                    .await?
                    .ok_or_else(Error::not_found)?;
                let event = Event::MigrationFinished {
                    owner: r.owner.name.clone(),
                    name: r.repo.name.clone(),
                    mirror: req.mirror,
                };
                self.emit(actor, Some(id), event).await;
                Ok(RepoCtx::trusted(r, AccessMode::Owner))
            }
            Ok(Err(e)) => {
                self.migration_failed(actor, &owner.name, &req.repo_name, &e)
                    .await;
                Err(e)
            }
            Err(e) => {
                // The task panicked: its reservation was released as it unwound.
                let e = Error::internal(format!("migration task failed: {e}"));
                self.migration_ended::<i64>(job, &Err(e.clone())).await;
                self.migration_failed(actor, &owner.name, &req.repo_name, &e)
                    .await;
                Err(e)
            }
        }
    }

    /// Records a migration's end in its job row.
    async fn migration_ended<T>(&self, job: i64, outcome: &Result<T>) {
        let msg = outcome
            .as_ref()
            .err()
            .map(|e| e.message.clone())
            .unwrap_or_default();
        if let Err(e) = self.store.finish_job(job, &msg).await {
            // Reconciliation marks it failed if the outcome was a failure; a success stands.
            tracing::warn!(job, error = %e.message, "cannot record the migration job's end");
        }
        if let Err(e) = outcome {
            tracing::warn!(job, error = %e.message, "migration failed; nothing was kept");
        }
    }

    async fn migration_failed(&self, actor: &Actor, owner: &str, name: &str, e: &Error) {
        let event = Event::MigrationFailed {
            owner: owner.to_string(),
            name: name.to_string(),
            reason: e.message.clone(),
        };
        self.emit(actor, None, event).await;
    }

    pub(crate) fn worker_name(&self, what: &str) -> String {
        format!("{}-{}-{what}", self.instance_id, std::process::id())
    }

    /// Clones into a scratch directory, moves it into place under the reservation `held`,
    /// and writes the finished row (with its mirror settings); returns its id. On failure
    /// the reservation is released, taking the directory with it.
    async fn transfer(
        &self,
        held: Held,
        row: NewRepo,
        owner: &User,
        source: &CheckedSource,
        interval: i64,
        mirror: bool,
    ) -> Result<i64> {
        let scratch_name = format!("{}-{}", held.id, rand::random::<u32>());
        let scratch = self.repos.scratch_path(&scratch_name);
        let result = self
            .transfer_into(&held, row, owner, source, interval, mirror, &scratch)
            .await;
        // Gone already when the clone was moved into place.
        self.clean_up(Cleanup::RemoveScratch { name: scratch_name })
            .await;
        match result {
            Ok(id) => {
                held.done();
                Ok(id)
            }
            Err(e) => {
                self.release_reservation(held.id).await;
                held.done();
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn transfer_into(
        &self,
        held: &Held,
        mut row: NewRepo,
        owner: &User,
        source: &CheckedSource,
        interval: i64,
        mirror: bool,
        scratch: &PathBuf,
    ) -> Result<i64> {
        if let Some(parent) = scratch.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| Error::internal(format!("cannot create scratch space: {e}")))?;
        }
        let name = row.name.clone();
        {
            let _slot = self
                .git_slots
                .acquire()
                .await
                .map_err(|_| Error::internal("git slots closed"))?;
            pause_point("migrate:cloning").await;
            remote::clone_mirror(
                &source.remote,
                scratch,
                self.settings.git_timeout.migrate,
                &held.id.to_string(),
            )
            .await
            .map_err(|e| remote_failure(source, e))?;
        }
        remote::set_origin(scratch, &source.display_url).await?;
        let path = self.repos.path(&owner.name, &name);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| Error::internal(format!("cannot create {}: {e}", parent.display())))?;
        }
        // The name is reserved for us: whatever sits at the path is debris.
        self.repos.remove(&owner.name, &name).await?;
        tokio::fs::rename(scratch, &path)
            .await
            .map_err(|e| Error::internal(format!("cannot move the clone into place: {e}")))?;
        pause_point("migrate:in-place").await;
        // The source's HEAD, else the first branch.
        let branches = oxforge_git::refs::branches(&path).await?;
        let head = remote::head_branch(&path).await;
        let chosen = head
            .filter(|h| branches.iter().any(|b| b.name == *h))
            .or_else(|| branches.first().map(|b| b.name.clone()));
        if let Some(b) = chosen {
            self.repos.set_head(&path, &b).await?;
            row.default_branch = b;
        }
        row.is_empty = branches.is_empty();
        row.size = self.repos.disk_size(&path).await as i64;
        let mirror_row = if mirror {
            let now = oxforge_core::time::now();
            let credentials = match &source.remote.authorization {
                Some(a) => crate::secret::seal(self.settings.secret_key.expose(), a)?,
                None => String::new(),
            };
            Some(Mirror {
                repo_id: 0,
                remote_url: source.display_url.clone(),
                interval_secs: interval,
                enable_prune: true,
                next_update_unix: if interval > 0 { now + interval } else { 0 },
                updated_unix: now,
                last_error: String::new(),
                credentials,
            })
        } else {
            None
        };
        self.store
            .commit_new_repo(held.id, &row, mirror_row, &[])
            .await
    }
}

/// Gitea's messages for a failed transfer, with credentials removed and only git's own
/// error lines kept (no server paths).
pub(crate) fn remote_failure(source: &CheckedSource, e: RemoteError) -> Error {
    let text = source.scrub(&e.message);
    let errors: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("fatal:") || l.starts_with("error:") || l.starts_with("remote:"))
        .collect();
    let text = if errors.is_empty() || e.timed_out {
        text.trim().to_string()
    } else {
        errors.join("\n")
    };
    let auth = [
        "Authentication failed",
        "could not read Username",
        "returned error: 401",
        "returned error: 403",
        "Bad credentials",
        "terminal prompts disabled",
    ];
    if auth.iter().any(|a| text.contains(a)) {
        Error::validation(format!("Authentication failed: {text}"))
    } else {
        Error::validation(format!("Migration failed: {text}"))
    }
}
