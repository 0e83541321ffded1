//! The issue tracker: issues, comments, labels and milestones under
//! `/repos/{owner}/{repo}`, and `/repos/issues/search`. Reading follows repository read
//! access with the tracker enabled (404 otherwise, as for a missing repository); who may
//! write what is decided in `oxforge_service::issues`.

use super::repos::{bool_param, load_repo};
use crate::auth::Caller;
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::paging::{list_headers, paging, query_value};
use crate::state::AppState;
use crate::views::issue::{
    comment_json, issue_json, label_json, milestone_json, CommentJson, IssueJson, IssueParts,
    LabelJson, MilestoneJson,
};
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use oxforge_core::issues::{Comment, Issue, Label, Milestone, StateFilter};
use oxforge_core::model::RepoWithOwner;
use oxforge_core::{Error, ErrorKind};
use oxforge_service::issues::{
    CreateIssue, EditIssue, IssueAccess, LabelOptions, MilestoneOptions,
};
use oxforge_store::{IssueFilter, LabelChange, MilestoneFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(list, create))
        .routes(routes!(get_issue, edit_issue, delete_issue))
        .routes(routes!(repo_comments))
        .routes(routes!(get_comment, edit_comment, delete_comment))
        .routes(routes!(issue_comments, create_comment))
        .routes(routes!(edit_comment_deprecated, delete_comment_deprecated))
        .routes(routes!(
            issue_labels,
            add_labels,
            replace_labels,
            clear_labels
        ))
        .routes(routes!(remove_label))
        .routes(routes!(list_labels, create_label))
        .routes(routes!(get_label, edit_label, delete_label))
        .routes(routes!(list_milestones, create_milestone))
        .routes(routes!(get_milestone, edit_milestone, delete_milestone))
}

const OWNER: &str = "owner of the repo";
const REPO: &str = "name of the repo";
const INDEX: &str = "index of the issue";

/// A repository whose tracker the caller may read, with their standing on it.
struct Tracker {
    r: RepoWithOwner,
    a: IssueAccess,
}

async fn tracker(st: &AppState, caller: &Caller, owner: &str, repo: &str) -> ApiResult<Tracker> {
    let (r, mode) = load_repo(st, caller, owner, repo).await?;
    let a = st.svc.issue_access(&r, mode)?;
    Ok(Tracker { r, a })
}

/// Writes to an archived repository are refused with 423.
fn writable(r: &RepoWithOwner) -> ApiResult<()> {
    if r.repo.is_archived {
        return Err(Error::new(
            ErrorKind::Locked,
            format!("{}/{} is archived", r.owner.name, r.repo.name),
        )
        .into());
    }
    Ok(())
}

/// A path number; anything else names nothing (404).
fn number(s: &str) -> ApiResult<i64> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::not_found().into())
}

/// An RFC 3339 query parameter (422 when malformed, as Gitea).
fn time_param(uri: &Uri, key: &str) -> ApiResult<Option<i64>> {
    match query_value(uri, key).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => oxforge_core::time::parse_rfc3339(&v)
            .map(Some)
            .ok_or_else(|| Error::validation(format!("invalid {key}: {v}")).into()),
    }
}

fn time_field(v: &Option<String>, key: &str) -> ApiResult<Option<i64>> {
    match v.as_deref().filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => oxforge_core::time::parse_rfc3339(v)
            .map(Some)
            .ok_or_else(|| Error::validation(format!("invalid {key}: {v}")).into()),
    }
}

fn csv(uri: &Uri, key: &str) -> Vec<String> {
    query_value(uri, key)
        .map(|v| {
            v.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// A user named in a filter; unknown names are 404, as Gitea.
async fn filter_user(st: &AppState, uri: &Uri, key: &str) -> ApiResult<Option<i64>> {
    match query_value(uri, key).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(name) => match st.svc.store.user_by_name(&name).await? {
            Some(u) => Ok(Some(u.id)),
            None => Err(Error::not_found_msg(format!("user does not exist [name: {name}]")).into()),
        },
    }
}

/// Issue JSON for a page of issues (posters, labels, assignees and milestones loaded
/// once for the page).
async fn issues_json(
    st: &AppState,
    caller: &Caller,
    repos: &HashMap<i64, RepoWithOwner>,
    issues: &[Issue],
) -> ApiResult<Vec<IssueJson>> {
    let store = &st.svc.store;
    let ids: Vec<i64> = issues.iter().map(|i| i.id).collect();
    let mut posters: Vec<i64> = issues.iter().filter_map(|i| i.poster_id).collect();
    posters.sort_unstable();
    posters.dedup();
    let mut milestone_ids: Vec<i64> = issues.iter().filter_map(|i| i.milestone_id).collect();
    milestone_ids.sort_unstable();
    milestone_ids.dedup();
    let users = store.users_by_ids(&posters).await?;
    let labels = store.labels_of_issues(&ids).await?;
    let assignees = store.assignees_of_issues(&ids).await?;
    let milestones = store.milestones_by_ids(&milestone_ids).await?;
    Ok(issues
        .iter()
        .filter_map(|i| {
            let r = repos.get(&i.repo_id)?;
            let parts = IssueParts {
                poster: i.poster_id.and_then(|p| users.get(&p)),
                labels: labels.get(&i.id).map_or(&[], |v| v.as_slice()),
                milestone: i.milestone_id.and_then(|m| milestones.get(&m)),
                assignees: assignees.get(&i.id).map_or(&[], |v| v.as_slice()),
            };
            Some(issue_json(&st.cfg, caller, r, i, parts))
        })
        .collect())
}

async fn one_issue_json(
    st: &AppState,
    caller: &Caller,
    r: &RepoWithOwner,
    i: &Issue,
) -> ApiResult<IssueJson> {
    let repos = HashMap::from([(r.repo.id, r.clone())]);
    issues_json(st, caller, &repos, std::slice::from_ref(i))
        .await?
        .pop()
        .ok_or_else(|| Error::internal("issue without its repository").into())
}

async fn comments_json(
    st: &AppState,
    caller: &Caller,
    r: &RepoWithOwner,
    comments: &[Comment],
) -> ApiResult<Vec<CommentJson>> {
    let mut posters: Vec<i64> = comments.iter().filter_map(|c| c.poster_id).collect();
    posters.sort_unstable();
    posters.dedup();
    let mut issue_ids: Vec<i64> = comments.iter().map(|c| c.issue_id).collect();
    issue_ids.sort_unstable();
    issue_ids.dedup();
    let users = st.svc.store.users_by_ids(&posters).await?;
    let numbers = st.svc.store.issue_numbers(&issue_ids).await?;
    Ok(comments
        .iter()
        .map(|c| {
            let n = numbers.get(&c.issue_id).copied().unwrap_or(0);
            let poster = c.poster_id.and_then(|p| users.get(&p));
            comment_json(&st.cfg, caller, r, n, c, poster)
        })
        .collect())
}

// ---- issues ----

#[utoipa::path(get, path = "/repos/issues/search", tag = "issue", operation_id = "issueSearchIssues",
    params(("state" = Option<String>, Query, description = "`open` (default), `closed` or `all`"),
        ("labels" = Option<String>, Query, description = "comma-separated label names; issues with any of them"),
        ("milestones" = Option<String>, Query, description = "comma-separated milestone names; issues in any of them"),
        ("q" = Option<String>, Query, description = "search string"),
        ("priority_repo_id" = Option<i64>, Query, description = "repository whose issues come first"),
        ("type" = Option<String>, Query, description = "`issues` or `pulls`"),
        ("since" = Option<String>, Query, description = "only issues updated at or after this time (RFC 3339)"),
        ("before" = Option<String>, Query, description = "only issues updated at or before this time (RFC 3339)"),
        ("assigned" = Option<bool>, Query, description = "only issues assigned to the caller"),
        ("created" = Option<bool>, Query, description = "only issues the caller created"),
        ("mentioned" = Option<bool>, Query, description = "only issues mentioning the caller"),
        ("owner" = Option<String>, Query, description = "only repositories of this owner"),
        ("team" = Option<String>, Query, description = "only repositories of this team (needs `owner`, an organization)"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"),
        ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "Issues of the repositories the caller may read, newest first", body = Vec<IssueJson>),
        (status = 400, description = "Unknown owner or team"), (status = 422, description = "A malformed time")))]
async fn search(
    State(st): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<IssueJson>>)> {
    let viewer = caller.viewer();
    let mut f = IssueFilter {
        viewer: Some(viewer),
        closed: StateFilter::parse(query_value(&uri, "state").as_deref()).closed(),
        label_names: csv(&uri, "labels")
            .iter()
            .map(|n| n.to_lowercase())
            .collect(),
        milestone_names: csv(&uri, "milestones")
            .iter()
            .map(|n| n.to_lowercase())
            .collect(),
        keyword: query_value(&uri, "q"),
        updated_after: time_param(&uri, "since")?,
        updated_before: time_param(&uri, "before")?,
        pulls_only: query_value(&uri, "type").as_deref() == Some("pulls"),
        priority_repo_id: query_value(&uri, "priority_repo_id").and_then(|v| v.parse().ok()),
        ..Default::default()
    };
    if let Some(me) = viewer.signed_in() {
        let on = |k: &str| bool_param(&uri, k).unwrap_or(false);
        f.assignee_id = on("assigned").then_some(me);
        f.poster_id = on("created").then_some(me);
        f.mentioned_id = on("mentioned").then_some(me);
    }
    if let Some(name) = query_value(&uri, "owner").filter(|v| !v.is_empty()) {
        let owner = st
            .svc
            .store
            .user_by_name(&name)
            .await?
            .ok_or_else(|| Error::bad_request("Owner not found"))?;
        if let Some(team) = query_value(&uri, "team").filter(|v| !v.is_empty()) {
            if !owner.is_org() {
                return Err(Error::bad_request(
                    "Owner organisation is required for filtering on team",
                )
                .into());
            }
            let (teams, _) = st.svc.store.teams_of_org(owner.id, None, None).await?;
            let t = teams
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(&team))
                .ok_or_else(|| Error::bad_request("Team not found"))?;
            f.team_id = Some(t.id);
        }
        f.owner_id = Some(owner.id);
    }
    let p = paging(&st.cfg, &uri);
    let (issues, total) = st.svc.store.list_issues(&f, Some(p)).await?;
    let mut repo_ids: Vec<i64> = issues.iter().map(|i| i.repo_id).collect();
    repo_ids.sort_unstable();
    repo_ids.dedup();
    let repos = st
        .svc
        .store
        .repos_by_ids(&repo_ids)
        .await?
        .into_iter()
        .map(|r| (r.repo.id, r))
        .collect();
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(issues_json(&st, &caller, &repos, &issues).await?),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues", tag = "issue", operation_id = "issueListIssues",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO),
        ("state" = Option<String>, Query, description = "`open` (default), `closed` or `all`"),
        ("labels" = Option<String>, Query, description = "comma-separated label names; issues with any of them (unknown names are discarded)"),
        ("q" = Option<String>, Query, description = "search string"),
        ("type" = Option<String>, Query, description = "`issues` or `pulls`"),
        ("milestones" = Option<String>, Query, description = "comma-separated milestone names or ids; issues in any of them"),
        ("since" = Option<String>, Query, description = "only issues updated at or after this time (RFC 3339)"),
        ("before" = Option<String>, Query, description = "only issues updated at or before this time (RFC 3339)"),
        ("created_by" = Option<String>, Query, description = "only issues created by this user"),
        ("assigned_by" = Option<String>, Query, description = "only issues assigned to this user"),
        ("mentioned_by" = Option<String>, Query, description = "only issues mentioning this user"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"),
        ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The repository's issues, newest first", body = Vec<IssueJson>),
        (status = 404, description = "No such repository, tracker or user"), (status = 422, description = "A malformed time")))]
async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<IssueJson>>)> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let store = &st.svc.store;
    let rid = t.r.repo.id;
    let label_ids = store
        .labels_by_names(rid, &csv(&uri, "labels"))
        .await?
        .iter()
        .map(|l| l.id)
        .collect();
    let mut milestone_ids = Vec::new();
    for part in csv(&uri, "milestones") {
        let by_name = store.milestone_by_name(rid, &part).await?;
        let found = match (by_name, part.parse::<i64>()) {
            (Some(m), _) => Some(m),
            (None, Ok(id)) => store.milestone(rid, id).await?,
            (None, Err(_)) => None,
        };
        milestone_ids.extend(found.map(|m| m.id));
    }
    let f = IssueFilter {
        repo_id: Some(rid),
        closed: StateFilter::parse(query_value(&uri, "state").as_deref()).closed(),
        label_ids,
        milestone_ids,
        keyword: query_value(&uri, "q"),
        poster_id: filter_user(&st, &uri, "created_by").await?,
        assignee_id: filter_user(&st, &uri, "assigned_by").await?,
        mentioned_id: filter_user(&st, &uri, "mentioned_by").await?,
        updated_after: time_param(&uri, "since")?,
        updated_before: time_param(&uri, "before")?,
        pulls_only: query_value(&uri, "type").as_deref() == Some("pulls"),
        ..Default::default()
    };
    // Names that match nothing are discarded (so naming only unknown labels filters
    // nothing), as Gitea documents and does.
    let p = paging(&st.cfg, &uri);
    let (issues, total) = store.list_issues(&f, Some(p)).await?;
    let repos = HashMap::from([(rid, t.r.clone())]);
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(issues_json(&st, &caller, &repos, &issues).await?),
    ))
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = CreateIssueOption)]
pub struct CreateIssueOption {
    /// Required.
    title: Option<String>,
    body: Option<String>,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    r#ref: Option<String>,
    /// Deprecated: one assignee's login.
    assignee: Option<String>,
    assignees: Option<Vec<String>>,
    due_date: Option<String>,
    milestone: Option<i64>,
    labels: Option<Vec<i64>>,
    closed: Option<bool>,
}

/// `assignee` and `assignees` together, as Gitea merges them.
fn assignee_names(one: Option<String>, many: Option<Vec<String>>) -> Option<Vec<String>> {
    if one.is_none() && many.is_none() {
        return None;
    }
    let mut all = many.unwrap_or_default();
    if let Some(a) = one.filter(|a| !a.is_empty()) {
        if !all.iter().any(|x| x.eq_ignore_ascii_case(&a)) {
            all.push(a);
        }
    }
    Some(all)
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/issues", tag = "issue", operation_id = "issueCreateIssue",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    request_body = CreateIssueOption,
    responses((status = 201, description = "The new issue", body = IssueJson), (status = 401, description = "Not signed in"),
        (status = 404, description = "No such repository or tracker"), (status = 413, description = "Body too large"),
        (status = 422, description = "Empty title, unknown label, milestone or assignee"), (status = 423, description = "The repository is archived")))]
async fn create(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
    Body(o): Body<CreateIssueOption>,
) -> ApiResult<(StatusCode, Json<IssueJson>)> {
    let me = caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    writable(&t.r)?;
    let c = CreateIssue {
        title: o.title.unwrap_or_default(),
        body: o.body.unwrap_or_default(),
        r#ref: o.r#ref.unwrap_or_default(),
        assignees: assignee_names(o.assignee, o.assignees).unwrap_or_default(),
        milestone: o.milestone,
        labels: o.labels.unwrap_or_default(),
        closed: o.closed.unwrap_or(false),
        deadline_unix: time_field(&o.due_date, "due_date")?,
    };
    let issue = st.svc.create_issue(me, &t.r, t.a, c).await?;
    Ok((
        StatusCode::CREATED,
        Json(one_issue_json(&st, &caller, &t.r, &issue).await?),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues/{index}", tag = "issue", operation_id = "issueGetIssue",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    responses((status = 200, description = "The issue", body = IssueJson), (status = 404, description = "No such repository, tracker or issue")))]
async fn get_issue(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index)): Path<(String, String, String)>,
) -> ApiResult<Json<IssueJson>> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t.r, number(&index)?).await?;
    Ok(Json(one_issue_json(&st, &caller, &t.r, &issue).await?))
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = EditIssueOption)]
pub struct EditIssueOption {
    title: Option<String>,
    body: Option<String>,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    r#ref: Option<String>,
    /// Deprecated: one assignee's login.
    assignee: Option<String>,
    assignees: Option<Vec<String>>,
    /// 0 clears the milestone.
    milestone: Option<i64>,
    /// `open` or `closed`.
    state: Option<String>,
    due_date: Option<String>,
    unset_due_date: Option<bool>,
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}/issues/{index}", tag = "issue", operation_id = "issueEditIssue",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    request_body = EditIssueOption,
    responses((status = 201, description = "The issue as edited (Gitea answers 201)", body = IssueJson),
        (status = 403, description = "Neither the poster nor a writer"), (status = 404, description = "No such repository, tracker or issue"),
        (status = 412, description = "Unknown state"), (status = 422, description = "Invalid title, milestone or assignee")))]
async fn edit_issue(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index)): Path<(String, String, String)>,
    Body(o): Body<EditIssueOption>,
) -> ApiResult<(StatusCode, Json<IssueJson>)> {
    let me = caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t.r, number(&index)?).await?;
    writable(&t.r)?;
    let deadline = if o.unset_due_date == Some(true) {
        Some(0)
    } else {
        time_field(&o.due_date, "due_date")?
    };
    let e = EditIssue {
        title: o.title,
        body: o.body,
        r#ref: o.r#ref,
        assignees: assignee_names(o.assignee, o.assignees),
        milestone: o.milestone,
        state: o.state,
        deadline_unix: deadline,
    };
    let issue = st.svc.edit_issue(me, &t.r, t.a, &issue, e).await?;
    Ok((
        StatusCode::CREATED,
        Json(one_issue_json(&st, &caller, &t.r, &issue).await?),
    ))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/issues/{index}", tag = "issue", operation_id = "issueDelete",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    responses((status = 204, description = "Deleted with its comments"), (status = 403, description = "Not a repository admin"),
        (status = 404, description = "No such repository, tracker or issue")))]
async fn delete_issue(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t.r, number(&index)?).await?;
    st.svc.delete_issue(t.a, &issue).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- comments ----

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues/{index}/comments", tag = "issue", operation_id = "issueGetComments",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX),
        ("since" = Option<String>, Query, description = "only comments updated at or after this time (RFC 3339)"),
        ("before" = Option<String>, Query, description = "only comments updated at or before this time (RFC 3339)")),
    responses((status = 200, description = "All the issue's comments, oldest first", body = Vec<CommentJson>),
        (status = 404, description = "No such repository, tracker or issue")))]
async fn issue_comments(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<CommentJson>>)> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t.r, number(&index)?).await?;
    let (since, before) = (time_param(&uri, "since")?, time_param(&uri, "before")?);
    let (list, total) = st
        .svc
        .store
        .comments(t.r.repo.id, Some(issue.id), since, before, None)
        .await?;
    Ok((
        list_headers(&st.cfg, &uri, total, None, false),
        Json(comments_json(&st, &caller, &t.r, &list).await?),
    ))
}

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = CreateIssueCommentOption)]
pub struct CommentOption {
    /// Required.
    body: Option<String>,
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/issues/{index}/comments", tag = "issue", operation_id = "issueCreateComment",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    request_body = CommentOption,
    responses((status = 201, description = "The new comment", body = CommentJson), (status = 403, description = "The issue is locked"),
        (status = 404, description = "No such repository, tracker or issue"), (status = 413, description = "Body too large"),
        (status = 422, description = "Empty body"), (status = 423, description = "The repository is archived")))]
async fn create_comment(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index)): Path<(String, String, String)>,
    Body(o): Body<CommentOption>,
) -> ApiResult<(StatusCode, Json<CommentJson>)> {
    let me = caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t.r, number(&index)?).await?;
    writable(&t.r)?;
    let body = o.body.unwrap_or_default();
    let c = st.svc.create_comment(me, &t.r, t.a, &issue, &body).await?;
    let poster = Some(me);
    Ok((
        StatusCode::CREATED,
        Json(comment_json(
            &st.cfg,
            &caller,
            &t.r,
            issue.number,
            &c,
            poster,
        )),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues/comments", tag = "issue", operation_id = "issueGetRepoComments",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO),
        ("since" = Option<String>, Query, description = "only comments updated at or after this time (RFC 3339)"),
        ("before" = Option<String>, Query, description = "only comments updated at or before this time (RFC 3339)"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The repository's comments, oldest first", body = Vec<CommentJson>),
        (status = 404, description = "No such repository or tracker")))]
async fn repo_comments(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<CommentJson>>)> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let (since, before) = (time_param(&uri, "since")?, time_param(&uri, "before")?);
    let p = paging(&st.cfg, &uri);
    let (list, total) = st
        .svc
        .store
        .comments(t.r.repo.id, None, since, before, Some(p))
        .await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(comments_json(&st, &caller, &t.r, &list).await?),
    ))
}

async fn load_comment(st: &AppState, t: &Tracker, id: &str) -> ApiResult<Comment> {
    Ok(st
        .svc
        .store
        .comment(t.r.repo.id, number(id)?)
        .await?
        .ok_or_else(Error::not_found)?)
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues/comments/{id}", tag = "issue", operation_id = "issueGetComment",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the comment")),
    responses((status = 200, description = "The comment", body = CommentJson), (status = 404, description = "No such repository, tracker or comment")))]
async fn get_comment(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<Json<CommentJson>> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let c = load_comment(&st, &t, &id).await?;
    Ok(Json(
        comments_json(&st, &caller, &t.r, std::slice::from_ref(&c))
            .await?
            .pop()
            .ok_or_else(Error::not_found)?,
    ))
}

async fn edit_comment_for(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
    id: &str,
    o: CommentOption,
) -> ApiResult<Json<CommentJson>> {
    let me = caller.require_user()?;
    let t = tracker(st, caller, owner, repo).await?;
    let c = load_comment(st, &t, id).await?;
    writable(&t.r)?;
    let c = st
        .svc
        .edit_comment(me, &t.r, t.a, &c, &o.body.unwrap_or_default())
        .await?;
    Ok(Json(
        comments_json(st, caller, &t.r, std::slice::from_ref(&c))
            .await?
            .pop()
            .ok_or_else(Error::not_found)?,
    ))
}

async fn delete_comment_for(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
    id: &str,
) -> ApiResult<StatusCode> {
    let me = caller.require_user()?;
    let t = tracker(st, caller, owner, repo).await?;
    let c = load_comment(st, &t, id).await?;
    writable(&t.r)?;
    st.svc.delete_comment(me, t.a, &c).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}/issues/comments/{id}", tag = "issue", operation_id = "issueEditComment",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the comment")),
    request_body = CommentOption,
    responses((status = 200, description = "The comment as edited", body = CommentJson), (status = 403, description = "Neither the poster nor a writer"),
        (status = 404, description = "No such repository, tracker or comment"), (status = 422, description = "Empty body")))]
async fn edit_comment(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, id)): Path<(String, String, String)>,
    Body(o): Body<CommentOption>,
) -> ApiResult<Json<CommentJson>> {
    edit_comment_for(&st, &caller, &owner, &repo, &id, o).await
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/issues/comments/{id}", tag = "issue", operation_id = "issueDeleteComment",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the comment")),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Neither the poster nor a writer"),
        (status = 404, description = "No such repository, tracker or comment")))]
async fn delete_comment(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    delete_comment_for(&st, &caller, &owner, &repo, &id).await
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}/issues/{index}/comments/{id}", tag = "issue", operation_id = "issueEditCommentDeprecated",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = "ignored, as by Gitea"), ("id" = i64, Path, description = "id of the comment")),
    request_body = CommentOption,
    responses((status = 200, description = "The comment as edited (Gogs' path)", body = CommentJson), (status = 403, description = "Neither the poster nor a writer"),
        (status = 404, description = "No such repository, tracker or comment"), (status = 422, description = "Empty body")))]
async fn edit_comment_deprecated(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, _index, id)): Path<(String, String, String, String)>,
    Body(o): Body<CommentOption>,
) -> ApiResult<Json<CommentJson>> {
    edit_comment_for(&st, &caller, &owner, &repo, &id, o).await
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/issues/{index}/comments/{id}", tag = "issue", operation_id = "issueDeleteCommentDeprecated",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = "ignored, as by Gitea"), ("id" = i64, Path, description = "id of the comment")),
    responses((status = 204, description = "Deleted (Gogs' path)"), (status = 403, description = "Neither the poster nor a writer"),
        (status = 404, description = "No such repository, tracker or comment")))]
async fn delete_comment_deprecated(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, _index, id)): Path<(String, String, String, String)>,
) -> ApiResult<StatusCode> {
    delete_comment_for(&st, &caller, &owner, &repo, &id).await
}

// ---- an issue's labels ----

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = IssueLabelsOption)]
pub struct IssueLabelsOption {
    /// Label ids, or label names.
    #[schema(value_type = Vec<Object>)]
    labels: Vec<serde_json::Value>,
}

/// Label ids from ids or names; a name or id that is not the repository's is 422.
async fn label_ids(st: &AppState, r: &RepoWithOwner, o: &IssueLabelsOption) -> ApiResult<Vec<i64>> {
    let mut ids = Vec::new();
    let mut names = Vec::new();
    for v in &o.labels {
        match v {
            serde_json::Value::Number(n) => ids.push(
                n.as_i64()
                    .ok_or_else(|| Error::validation(format!("invalid label id: {n}")))?,
            ),
            serde_json::Value::String(s) => names.push(s.clone()),
            other => return Err(Error::validation(format!("invalid label: {other}")).into()),
        }
    }
    let found = st.svc.store.labels_by_names(r.repo.id, &names).await?;
    if let Some(missing) = names
        .iter()
        .find(|n| !found.iter().any(|l| l.name.eq_ignore_ascii_case(n)))
    {
        return Err(Error::validation(format!("label does not exist [name: {missing}]")).into());
    }
    ids.extend(found.iter().map(|l| l.id));
    Ok(ids)
}

async fn labels_of(st: &AppState, r: &RepoWithOwner, issue: &Issue) -> ApiResult<Vec<LabelJson>> {
    let mut map = st.svc.store.labels_of_issues(&[issue.id]).await?;
    Ok(map
        .remove(&issue.id)
        .unwrap_or_default()
        .iter()
        .map(|l| label_json(&st.cfg, r, l))
        .collect())
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues/{index}/labels", tag = "issue", operation_id = "issueGetLabels",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    responses((status = 200, description = "The issue's labels", body = Vec<LabelJson>), (status = 404, description = "No such repository, tracker or issue")))]
async fn issue_labels(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index)): Path<(String, String, String)>,
) -> ApiResult<Json<Vec<LabelJson>>> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t.r, number(&index)?).await?;
    Ok(Json(labels_of(&st, &t.r, &issue).await?))
}

async fn change_labels(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
    index: &str,
    change: LabelChange,
    o: Option<IssueLabelsOption>,
) -> ApiResult<(Tracker, Issue)> {
    caller.require_user()?;
    let t = tracker(st, caller, owner, repo).await?;
    let issue = st.svc.issue(&t.r, number(index)?).await?;
    writable(&t.r)?;
    let ids = match &o {
        Some(o) => label_ids(st, &t.r, o).await?,
        None => Vec::new(),
    };
    st.svc
        .change_issue_labels(&t.r, t.a, &issue, change, &ids)
        .await?;
    Ok((t, issue))
}

/// Adds or replaces, then answers with the issue's labels.
async fn labels_after(
    st: &AppState,
    caller: &Caller,
    (owner, repo, index): (String, String, String),
    change: LabelChange,
    o: IssueLabelsOption,
) -> ApiResult<Json<Vec<LabelJson>>> {
    let (t, issue) = change_labels(st, caller, &owner, &repo, &index, change, Some(o)).await?;
    Ok(Json(labels_of(st, &t.r, &issue).await?))
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/issues/{index}/labels", tag = "issue", operation_id = "issueAddLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    request_body = IssueLabelsOption,
    responses((status = 200, description = "The issue's labels after adding", body = Vec<LabelJson>), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or issue"), (status = 422, description = "A label that is not the repository's")))]
async fn add_labels(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index)): Path<(String, String, String)>,
    Body(o): Body<IssueLabelsOption>,
) -> ApiResult<Json<Vec<LabelJson>>> {
    labels_after(&st, &caller, (owner, repo, index), LabelChange::Add, o).await
}

#[utoipa::path(put, path = "/repos/{owner}/{repo}/issues/{index}/labels", tag = "issue", operation_id = "issueReplaceLabels",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    request_body = IssueLabelsOption,
    responses((status = 200, description = "The issue's labels after replacing", body = Vec<LabelJson>), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or issue"), (status = 422, description = "A label that is not the repository's")))]
async fn replace_labels(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index)): Path<(String, String, String)>,
    Body(o): Body<IssueLabelsOption>,
) -> ApiResult<Json<Vec<LabelJson>>> {
    labels_after(&st, &caller, (owner, repo, index), LabelChange::Replace, o).await
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/issues/{index}/labels", tag = "issue", operation_id = "issueClearLabels",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    responses((status = 204, description = "All labels removed"), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or issue")))]
async fn clear_labels(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    change_labels(
        &st,
        &caller,
        &owner,
        &repo,
        &index,
        LabelChange::Replace,
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/issues/{index}/labels/{id}", tag = "issue", operation_id = "issueRemoveLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX), ("id" = i64, Path, description = "id of the label")),
    responses((status = 204, description = "Removed"), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or issue"), (status = 422, description = "Not a label of the repository")))]
async fn remove_label(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, index, id)): Path<(String, String, String, String)>,
) -> ApiResult<StatusCode> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::from(Error::validation(format!("invalid label id: {id}"))))?;
    let o = IssueLabelsOption {
        labels: vec![id.into()],
    };
    change_labels(
        &st,
        &caller,
        &owner,
        &repo,
        &index,
        LabelChange::Remove,
        Some(o),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- labels ----

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = CreateLabelOption)]
pub struct LabelOption {
    name: Option<String>,
    /// `#rrggbb`, `rrggbb` or `#rgb`.
    color: Option<String>,
    description: Option<String>,
    exclusive: Option<bool>,
    is_archived: Option<bool>,
}

impl From<LabelOption> for LabelOptions {
    fn from(o: LabelOption) -> Self {
        LabelOptions {
            name: o.name,
            color: o.color,
            description: o.description,
            exclusive: o.exclusive,
            is_archived: o.is_archived,
        }
    }
}

async fn load_label(st: &AppState, t: &Tracker, id: &str) -> ApiResult<Label> {
    Ok(st
        .svc
        .store
        .label(t.r.repo.id, number(id)?)
        .await?
        .ok_or_else(Error::not_found)?)
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/labels", tag = "issue", operation_id = "issueListLabels",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The repository's labels by name", body = Vec<LabelJson>), (status = 404, description = "No such repository or tracker")))]
async fn list_labels(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<LabelJson>>)> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.store.labels(t.r.repo.id, Some(p)).await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(list.iter().map(|l| label_json(&st.cfg, &t.r, l)).collect()),
    ))
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/labels", tag = "issue", operation_id = "issueCreateLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    request_body = LabelOption,
    responses((status = 201, description = "The new label", body = LabelJson), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository or tracker"), (status = 422, description = "Missing name or invalid color")))]
async fn create_label(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
    Body(o): Body<LabelOption>,
) -> ApiResult<(StatusCode, Json<LabelJson>)> {
    caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    writable(&t.r)?;
    let l = st.svc.create_label(&t.r, t.a, o.into()).await?;
    Ok((StatusCode::CREATED, Json(label_json(&st.cfg, &t.r, &l))))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/labels/{id}", tag = "issue", operation_id = "issueGetLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the label")),
    responses((status = 200, description = "The label", body = LabelJson), (status = 404, description = "No such repository, tracker or label")))]
async fn get_label(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<Json<LabelJson>> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let l = load_label(&st, &t, &id).await?;
    Ok(Json(label_json(&st.cfg, &t.r, &l)))
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}/labels/{id}", tag = "issue", operation_id = "issueEditLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the label")),
    request_body = LabelOption,
    responses((status = 200, description = "The label as edited", body = LabelJson), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or label"), (status = 422, description = "Empty name or invalid color")))]
async fn edit_label(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, id)): Path<(String, String, String)>,
    Body(o): Body<LabelOption>,
) -> ApiResult<Json<LabelJson>> {
    caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let l = load_label(&st, &t, &id).await?;
    writable(&t.r)?;
    let l = st.svc.edit_label(t.a, l, o.into()).await?;
    Ok(Json(label_json(&st.cfg, &t.r, &l)))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/labels/{id}", tag = "issue", operation_id = "issueDeleteLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the label")),
    responses((status = 204, description = "Deleted (and taken off its issues)"), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or label")))]
async fn delete_label(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let l = load_label(&st, &t, &id).await?;
    writable(&t.r)?;
    st.svc.delete_label(t.a, &l).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- milestones ----

#[derive(Deserialize, Serialize, Default, ToSchema)]
#[serde(default)]
#[schema(as = CreateMilestoneOption)]
pub struct MilestoneOption {
    title: Option<String>,
    description: Option<String>,
    /// `open` or `closed`.
    state: Option<String>,
    due_on: Option<String>,
}

fn milestone_options(o: MilestoneOption) -> ApiResult<MilestoneOptions> {
    Ok(MilestoneOptions {
        due_unix: time_field(&o.due_on, "due_on")?,
        title: o.title,
        description: o.description,
        state: o.state,
    })
}

/// A milestone by id, or by name when no milestone has that id (as Gitea).
async fn load_milestone(st: &AppState, t: &Tracker, id: &str) -> ApiResult<Milestone> {
    let store = &st.svc.store;
    if let Ok(n) = id.parse::<i64>() {
        if let Some(m) = store.milestone(t.r.repo.id, n).await? {
            return Ok(m);
        }
    }
    Ok(store
        .milestone_by_name(t.r.repo.id, id)
        .await?
        .ok_or_else(Error::not_found)?)
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/milestones", tag = "issue", operation_id = "issueGetMilestonesList",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO),
        ("state" = Option<String>, Query, description = "`open`, `closed` or `all` (the default)"),
        ("name" = Option<String>, Query, description = "only milestones whose name contains this"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The repository's milestones, oldest first", body = Vec<MilestoneJson>), (status = 404, description = "No such repository or tracker")))]
async fn list_milestones(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<MilestoneJson>>)> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let f = MilestoneFilter {
        closed: match query_value(&uri, "state").as_deref() {
            Some("open") => Some(false),
            Some("closed") => Some(true),
            _ => None,
        },
        name: query_value(&uri, "name"),
    };
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.store.milestones(t.r.repo.id, &f, Some(p)).await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(list.iter().map(milestone_json).collect()),
    ))
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/milestones", tag = "issue", operation_id = "issueCreateMilestone",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    request_body = MilestoneOption,
    responses((status = 201, description = "The new milestone", body = MilestoneJson), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository or tracker"), (status = 422, description = "Missing title, bad state or due date")))]
async fn create_milestone(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo)): Path<(String, String)>,
    Body(o): Body<MilestoneOption>,
) -> ApiResult<(StatusCode, Json<MilestoneJson>)> {
    caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    writable(&t.r)?;
    let m = st
        .svc
        .create_milestone(&t.r, t.a, milestone_options(o)?)
        .await?;
    Ok((StatusCode::CREATED, Json(milestone_json(&m))))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/milestones/{id}", tag = "issue", operation_id = "issueGetMilestone",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = String, Path, description = "id of the milestone, or its name")),
    responses((status = 200, description = "The milestone", body = MilestoneJson), (status = 404, description = "No such repository, tracker or milestone")))]
async fn get_milestone(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<Json<MilestoneJson>> {
    let t = tracker(&st, &caller, &owner, &repo).await?;
    Ok(Json(milestone_json(&load_milestone(&st, &t, &id).await?)))
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}/milestones/{id}", tag = "issue", operation_id = "issueEditMilestone",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = String, Path, description = "id of the milestone, or its name")),
    request_body = MilestoneOption,
    responses((status = 200, description = "The milestone as edited", body = MilestoneJson), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or milestone"), (status = 422, description = "Empty title, bad state or due date")))]
async fn edit_milestone(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, id)): Path<(String, String, String)>,
    Body(o): Body<MilestoneOption>,
) -> ApiResult<Json<MilestoneJson>> {
    caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let m = load_milestone(&st, &t, &id).await?;
    writable(&t.r)?;
    let m = st.svc.edit_milestone(t.a, m, milestone_options(o)?).await?;
    Ok(Json(milestone_json(&m)))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/milestones/{id}", tag = "issue", operation_id = "issueDeleteMilestone",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = String, Path, description = "id of the milestone, or its name")),
    responses((status = 204, description = "Deleted (its issues keep no milestone)"), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or milestone")))]
async fn delete_milestone(
    State(st): State<AppState>,
    caller: Caller,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let t = tracker(&st, &caller, &owner, &repo).await?;
    let m = load_milestone(&st, &t, &id).await?;
    writable(&t.r)?;
    st.svc.delete_milestone(t.a, &m).await?;
    Ok(StatusCode::NO_CONTENT)
}
