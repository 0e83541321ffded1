//! Repositories: create, read, edit, delete, list and search.

use crate::auth::{Caller, Door};
use crate::body::Body;
use crate::error::ApiResult;
use crate::paging::{list_headers, paging, query_value};
use crate::state::AppState;
use crate::views::repo::{repo_json, RepoJson};
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use oxforge_core::model::{RepoSettings, User};
use oxforge_core::query::{RepoFilter, RepoOrder, SearchMode};
use oxforge_core::Error;
use oxforge_service::repos::{CreateRepo, EditRepo};
use oxforge_service::RepoCtx;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes Gitea guards with both `user` and `repository` scopes.
pub fn user_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_mine, create_mine))
        .routes(routes!(list_of_user))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(get_one, edit, remove))
        .routes(routes!(get_by_id))
}

/// A page of repositories with Gitea's list headers.
pub fn repo_list_response(
    st: &AppState,
    caller: &Caller,
    uri: &Uri,
    list: &[RepoCtx],
    total: i64,
    p: Option<oxforge_core::paging::Paging>,
) -> (HeaderMap, Json<Vec<RepoJson>>) {
    (
        list_headers(&st.cfg, uri, total, p, true),
        Json(json_list(st, caller, list)),
    )
}

/// Repository JSON for a page, each with the caller's `permissions`.
pub fn json_list(st: &AppState, caller: &Caller, list: &[RepoCtx]) -> Vec<RepoJson> {
    list.iter().map(|c| ctx_json(st, caller, c)).collect()
}

pub fn ctx_json(st: &AppState, caller: &Caller, c: &RepoCtx) -> RepoJson {
    repo_json(&st.cfg, caller, c.repo(), c.mode())
}

/// Go's `FormBool`.
fn form_bool(v: &str) -> bool {
    matches!(v, "1" | "t" | "T" | "TRUE" | "true" | "True") || v.eq_ignore_ascii_case("on")
}

pub(super) fn bool_param(uri: &Uri, key: &str) -> Option<bool> {
    query_value(uri, key).map(|v| form_bool(&v))
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
pub struct CreateRepoOption {
    name: Option<String>,
    description: Option<String>,
    private: Option<bool>,
    auto_init: Option<bool>,
    template: Option<bool>,
    default_branch: Option<String>,
    readme: Option<String>,
    object_format_name: Option<String>,
    gitignores: Option<String>,
    license: Option<String>,
    issue_labels: Option<String>,
    trust_model: Option<String>,
}

impl CreateRepoOption {
    fn into_create(self) -> ApiResult<CreateRepo> {
        let name = self.name.unwrap_or_default();
        if name.is_empty() {
            return Err(Error::validation("[Name]: Required").into());
        }
        if self.gitignores.as_deref().is_some_and(|g| !g.is_empty()) {
            return Err(Error::validation("gitignore templates are not available").into());
        }
        if self.license.as_deref().is_some_and(|l| !l.is_empty()) {
            return Err(Error::validation("license templates are not available").into());
        }
        if self.issue_labels.as_deref().is_some_and(|l| !l.is_empty()) {
            return Err(Error::validation("label templates are not available").into());
        }
        if let Some(tm) = self.trust_model.as_deref() {
            if !matches!(
                tm,
                "" | "default" | "collaborator" | "committer" | "collaboratorcommitter"
            ) {
                return Err(Error::validation("[TrustModel]: In").into());
            }
        }
        Ok(CreateRepo {
            name,
            description: self.description.unwrap_or_default(),
            private: self.private.unwrap_or(false),
            auto_init: self.auto_init.unwrap_or(false),
            template: self.template.unwrap_or(false),
            default_branch: self.default_branch.unwrap_or_default(),
            readme: if self.auto_init.unwrap_or(false) {
                self.readme.unwrap_or_default()
            } else {
                String::new()
            },
            object_format_name: self.object_format_name.unwrap_or_default(),
        })
    }
}

/// A `CreateRepoOption` body, checked.
pub fn create_option(opt: Body<serde_json::Value>) -> ApiResult<CreateRepo> {
    let opt: CreateRepoOption = serde_json::from_value(opt.0)
        .map_err(|e| Error::validation(format!("invalid body: {e}")))?;
    opt.into_create()
}

/// Creates a repository for `owner` on the caller's behalf (user, organisation and admin
/// routes).
pub async fn create_for(
    st: &AppState,
    caller: &Caller,
    owner: &User,
    opt: Body<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<RepoJson>)> {
    let c = create_option(opt).map_err(|e| e.0);
    let ctx = st.svc.create_repo(caller, owner, c).await?;
    Ok((StatusCode::CREATED, Json(ctx_json(st, caller, &ctx))))
}

#[utoipa::path(post, path = "/user/repos", tag = "repository", operation_id = "createCurrentUserRepo",
    request_body = CreateRepoOption,
    responses((status = 201, description = "The new repository", body = RepoJson),
        (status = 400, description = "Unknown readme template"), (status = 409, description = "The name is taken"),
        (status = 422, description = "Invalid input")))]
async fn create_mine(
    Door { st, caller }: Door,
    body: Body<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<RepoJson>)> {
    let me = caller.require_user()?;
    if me.is_org() {
        return Err(Error::validation("not allowed creating repository for organization").into());
    }
    let me = me.clone();
    create_for(&st, &caller, &me, body).await
}

#[utoipa::path(get, path = "/user/repos", tag = "user", operation_id = "userCurrentListRepos",
    params(("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Repositories the caller owns or works on (whole list without page and limit)", body = Vec<RepoJson>)))]
async fn list_mine(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    // Gogs clients never page this list: without page and limit it comes whole.
    let p = (query_value(&uri, "page").is_some() || query_value(&uri, "limit").is_some())
        .then(|| paging(&st.cfg, &uri));
    let (list, total) = st.svc.my_repos(&caller, p).await?;
    Ok(repo_list_response(&st, &caller, &uri, &list, total, p))
}

#[utoipa::path(get, path = "/users/{username}/repos", tag = "user", operation_id = "userListRepos",
    params(("username" = String, Path, description = "username of the owner"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The user's repositories the caller may see", body = Vec<RepoJson>),
        (status = 404, description = "No such user")))]
async fn list_of_user(
    Door { st, caller }: Door,
    Path(name): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    let owner = st.svc.visible_account(&caller, &name).await?;
    owner_repo_list(&st, &caller, &uri, &owner).await
}

/// One page of the repositories `owner` owns that the caller may see, by id (Gitea's
/// `/users/{u}/repos` and `/orgs/{org}/repos`: no collaborations).
pub async fn owner_repo_list(
    st: &AppState,
    caller: &Caller,
    uri: &Uri,
    owner: &User,
) -> ApiResult<(HeaderMap, Json<Vec<RepoJson>>)> {
    let p = paging(&st.cfg, uri);
    let (list, total) = st.svc.owner_repos(caller, owner, p).await?;
    Ok(repo_list_response(st, caller, uri, &list, total, Some(p)))
}

#[derive(Serialize, ToSchema)]
pub struct RepoSearchResults {
    ok: bool,
    data: Vec<RepoJson>,
}

fn search_filter(uri: &Uri, caller: &Caller) -> ApiResult<RepoFilter> {
    let mut f = RepoFilter::default();
    let q = query_value(uri, "q")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    if bool_param(uri, "topic").unwrap_or(false) && !q.is_empty() {
        f.topics = q
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        return Ok(f);
    }
    f.keywords = q
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if q.matches('/').count() == 1 {
        if let Some((o, n)) = q.split_once('/') {
            f.owner_and_name = Some((o.trim().to_string(), n.trim().to_string()));
        }
    }
    f.include_description = bool_param(uri, "includeDesc").unwrap_or(false);
    f.team_id = query_value(uri, "team_id")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v > 0);
    f.starred_by = query_value(uri, "starredBy")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v > 0);
    let uid = query_value(uri, "uid")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v > 0);
    let exclusive = bool_param(uri, "exclusive").unwrap_or(false);
    if let Some(uid) = uid {
        if exclusive {
            f.owner_id = Some(uid);
        } else {
            f.related_to = Some(uid);
        }
    }
    f.mode = match query_value(uri, "mode").as_deref() {
        None | Some("") => SearchMode::Any,
        Some("source") => SearchMode::Source,
        Some("fork") => SearchMode::Fork,
        Some("mirror") => SearchMode::Mirror,
        Some("collaborative") => SearchMode::Collaborative,
        Some(m) => return Err(Error::validation(format!("Invalid search mode: \"{m}\"")).into()),
    };
    if f.mode == SearchMode::Collaborative {
        f.not_owned_by = uid;
    }
    let private = bool_param(uri, "private").unwrap_or(true);
    f.public_only = !private || caller.viewer().sees_public_only();
    f.is_private = bool_param(uri, "is_private");
    f.is_template = bool_param(uri, "template");
    f.is_archived = bool_param(uri, "archived");
    f.priority_owner_id = query_value(uri, "priority_owner_id")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v > 0);
    let order = query_value(uri, "order").unwrap_or_default();
    let descending = match order.as_str() {
        "" | "asc" => false,
        "desc" => true,
        o => return Err(Error::validation(format!("Invalid sort order: \"{o}\"")).into()),
    };
    if let Some(sort) = query_value(uri, "sort").filter(|s| !s.is_empty()) {
        f.order = match sort.as_str() {
            "alpha" => RepoOrder::Alpha,
            "created" => RepoOrder::Created,
            "updated" => RepoOrder::Updated,
            "size" | "git_size" | "lfs_size" => RepoOrder::Size,
            "id" => RepoOrder::Id,
            "stars" => RepoOrder::Stars,
            "forks" => RepoOrder::Forks,
            s => return Err(Error::validation(format!("Invalid sort mode: \"{s}\"")).into()),
        };
        f.descending = descending;
    }
    Ok(f)
}

#[utoipa::path(get, path = "/repos/search", tag = "repository", operation_id = "repoSearch",
    params(("q" = Option<String>, Query, description = "keywords, comma-separated; `owner/name` also matches owners"),
        ("topic" = Option<bool>, Query, description = "match topics exactly instead of names"),
        ("includeDesc" = Option<bool>, Query, description = "also search descriptions"),
        ("uid" = Option<i64>, Query, description = "only repositories owned by (or, without exclusive, related to) this user id"),
        ("priority_owner_id" = Option<i64>, Query, description = "repositories of this owner first"),
        ("team_id" = Option<i64>, Query, description = "only repositories this team reaches"),
        ("starredBy" = Option<i64>, Query, description = "only repositories starred by this user id"),
        ("private" = Option<bool>, Query, description = "include private repositories the caller may see (default true)"),
        ("is_private" = Option<bool>, Query, description = "only private (true) or public (false) repositories"),
        ("template" = Option<bool>, Query, description = "only templates (true) or non-templates (false)"),
        ("archived" = Option<bool>, Query, description = "only archived (true) or active (false) repositories"),
        ("mode" = Option<String>, Query, description = "source, fork, mirror or collaborative"),
        ("exclusive" = Option<bool>, Query, description = "with uid: only repositories it owns"),
        ("sort" = Option<String>, Query, description = "alpha, created, updated, size, git_size, lfs_size, id, stars, forks"),
        ("order" = Option<String>, Query, description = "asc or desc, with sort"), ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Matching repositories the caller may see", body = RepoSearchResults),
        (status = 422, description = "Bad mode, sort or order")))]
async fn search(
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<RepoSearchResults>)> {
    let filter = search_filter(&uri, &caller)?;
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.search_repos(&caller, &filter, Some(p)).await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(RepoSearchResults {
            ok: true,
            data: json_list(&st, &caller, &list),
        }),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}", tag = "repository", operation_id = "repoGet",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo")),
    responses((status = 200, description = "The repository", body = RepoJson), (status = 404, description = "Absent, or not visible to the caller")))]
async fn get_one(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
) -> ApiResult<Json<RepoJson>> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    Ok(Json(ctx_json(&st, &caller, &ctx)))
}

#[utoipa::path(get, path = "/repositories/{id}", tag = "repository", operation_id = "repoGetByID",
    params(("id" = i64, Path, description = "id of the repo to get")),
    responses((status = 200, description = "The repository", body = RepoJson), (status = 404, description = "Absent, or not visible to the caller")))]
async fn get_by_id(Door { st, caller }: Door, Path(id): Path<String>) -> ApiResult<Json<RepoJson>> {
    caller.require_user()?;
    let id: i64 = id.parse().map_err(|_| Error::not_found())?;
    let ctx = st.svc.repo_ctx_by_id(&caller, id).await?;
    Ok(Json(ctx_json(&st, &caller, &ctx)))
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
pub struct EditRepoOption {
    name: Option<String>,
    description: Option<String>,
    website: Option<String>,
    private: Option<bool>,
    template: Option<bool>,
    archived: Option<bool>,
    default_branch: Option<String>,
    mirror_interval: Option<String>,
    has_code: Option<bool>,
    has_issues: Option<bool>,
    has_wiki: Option<bool>,
    has_pull_requests: Option<bool>,
    has_projects: Option<bool>,
    has_releases: Option<bool>,
    has_packages: Option<bool>,
    has_actions: Option<bool>,
    projects_mode: Option<String>,
    ignore_whitespace_conflicts: Option<bool>,
    allow_merge_commits: Option<bool>,
    allow_rebase: Option<bool>,
    allow_rebase_explicit: Option<bool>,
    allow_squash_merge: Option<bool>,
    allow_fast_forward_only_merge: Option<bool>,
    allow_rebase_update: Option<bool>,
    allow_manual_merge: Option<bool>,
    autodetect_manual_merge: Option<bool>,
    default_delete_branch_after_merge: Option<bool>,
    default_merge_style: Option<String>,
    default_allow_maintainer_edit: Option<bool>,
    enable_prune: Option<bool>,
    internal_tracker: Option<InternalTrackerOption>,
    external_tracker: Option<ExternalTrackerOption>,
    external_wiki: Option<ExternalWikiOption>,
}

#[derive(Deserialize, Serialize, Default, Clone, ToSchema)]
#[serde(default)]
pub struct InternalTrackerOption {
    enable_time_tracker: Option<bool>,
    allow_only_contributors_to_track_time: Option<bool>,
    enable_issue_dependencies: Option<bool>,
}

#[derive(Deserialize, Serialize, Default, Clone, ToSchema)]
#[serde(default)]
pub struct ExternalTrackerOption {
    external_tracker_url: String,
    external_tracker_format: String,
    external_tracker_style: String,
    external_tracker_regexp_pattern: String,
}

#[derive(Deserialize, Serialize, Default, Clone, ToSchema)]
#[serde(default)]
pub struct ExternalWikiOption {
    external_wiki_url: String,
}

fn is_http_url(s: &str) -> bool {
    (s.starts_with("http://") || s.starts_with("https://"))
        && s.len() > 8
        && !s.contains(char::is_whitespace)
}

impl EditRepoOption {
    fn validate(&self) -> ApiResult<()> {
        if let Some(pm) = &self.projects_mode {
            if !matches!(pm.as_str(), "repo" | "owner" | "all") {
                return Err(Error::validation("[ProjectsMode]: In").into());
            }
        }
        if let Some(ms) = &self.default_merge_style {
            if !matches!(
                ms.as_str(),
                "merge"
                    | "rebase"
                    | "rebase-merge"
                    | "squash"
                    | "fast-forward-only"
                    | "manually-merged"
            ) {
                return Err(Error::validation("[DefaultMergeStyle]: In").into());
            }
        }
        if let Some(t) = &self.external_tracker {
            if !is_http_url(&t.external_tracker_url) {
                return Err(Error::validation("Invalid external tracker URL").into());
            }
        }
        if let Some(w) = &self.external_wiki {
            if !is_http_url(&w.external_wiki_url) {
                return Err(Error::validation("Invalid external wiki URL").into());
            }
        }
        Ok(())
    }

    fn into_edit(self) -> EditRepo {
        let o = &self;
        let flags = [
            o.has_code,
            o.has_issues,
            o.has_wiki,
            o.has_pull_requests,
            o.has_projects,
            o.has_releases,
            o.has_packages,
            o.has_actions,
            o.ignore_whitespace_conflicts,
            o.allow_merge_commits,
            o.allow_rebase,
            o.allow_rebase_explicit,
            o.allow_squash_merge,
            o.allow_fast_forward_only_merge,
            o.allow_rebase_update,
            o.allow_manual_merge,
            o.autodetect_manual_merge,
            o.default_delete_branch_after_merge,
            o.default_allow_maintainer_edit,
            o.enable_prune,
        ];
        let (projects_mode, merge_style) = (o.projects_mode.clone(), o.default_merge_style.clone());
        let (it, et, ew) = (
            o.internal_tracker.clone(),
            o.external_tracker.clone(),
            o.external_wiki.clone(),
        );
        let settings = move |s: &mut RepoSettings| {
            let slots: [&mut bool; 20] = [
                &mut s.has_code,
                &mut s.has_issues,
                &mut s.has_wiki,
                &mut s.has_pull_requests,
                &mut s.has_projects,
                &mut s.has_releases,
                &mut s.has_packages,
                &mut s.has_actions,
                &mut s.ignore_whitespace_conflicts,
                &mut s.allow_merge_commits,
                &mut s.allow_rebase,
                &mut s.allow_rebase_explicit,
                &mut s.allow_squash_merge,
                &mut s.allow_fast_forward_only_merge,
                &mut s.allow_rebase_update,
                &mut s.allow_manual_merge,
                &mut s.autodetect_manual_merge,
                &mut s.default_delete_branch_after_merge,
                &mut s.default_allow_maintainer_edit,
                &mut s.enable_prune,
            ];
            for (slot, v) in slots.into_iter().zip(flags) {
                if let Some(v) = v {
                    *slot = v;
                }
            }
            if let Some(pm) = projects_mode {
                s.projects_mode = pm;
            }
            if let Some(ms) = merge_style {
                s.default_merge_style = ms;
            }
            if let Some(it) = it {
                s.external_tracker_url.clear();
                if let Some(v) = it.enable_time_tracker {
                    s.enable_time_tracker = v;
                }
                if let Some(v) = it.allow_only_contributors_to_track_time {
                    s.allow_only_contributors_to_track_time = v;
                }
                if let Some(v) = it.enable_issue_dependencies {
                    s.enable_issue_dependencies = v;
                }
            }
            if let Some(et) = et {
                s.external_tracker_url = et.external_tracker_url;
                s.external_tracker_format = et.external_tracker_format;
                s.external_tracker_style = et.external_tracker_style;
                s.external_tracker_regexp_pattern = et.external_tracker_regexp_pattern;
            }
            if let Some(ew) = ew {
                s.external_wiki_url = ew.external_wiki_url;
            }
        };
        EditRepo {
            name: self.name,
            description: self.description,
            website: self.website,
            private: self.private,
            template: self.template,
            archived: self.archived,
            default_branch: self.default_branch,
            settings: Some(Box::new(settings)),
        }
    }
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}", tag = "repository", operation_id = "repoEdit",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo")), request_body = EditRepoOption,
    responses((status = 200, description = "The repository after the edit", body = RepoJson),
        (status = 403, description = "Not a repository admin"), (status = 404, description = "Absent, or not visible to the caller"),
        (status = 422, description = "Invalid input")))]
async fn edit(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    Body(opt): Body<EditRepoOption>,
) -> ApiResult<Json<RepoJson>> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    let interval = opt.mirror_interval.clone();
    // Refused input is reported after the permission check, as Gitea binds after reqAdmin.
    let edit = opt.validate().map(|_| opt.into_edit()).map_err(|e| e.0);
    let updated = st
        .svc
        .edit_repo(&caller, &ctx, interval.as_deref(), edit)
        .await?;
    Ok(Json(ctx_json(&st, &caller, &updated)))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}", tag = "repository", operation_id = "repoDelete",
    params(("owner" = String, Path, description = "owner of the repo"), ("repo" = String, Path, description = "name of the repo")),
    responses((status = 204, description = "Deleted with its git data"), (status = 403, description = "Not the owner"),
        (status = 404, description = "Absent, or not visible to the caller")))]
async fn remove(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let ctx = st.svc.repo_ctx(&caller, &owner, &repo).await?;
    st.svc.delete_repo(&caller, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}
