//! The issue tracker: issues, comments, labels and milestones under
//! `/repos/{owner}/{repo}`, and `/repos/issues/search`. Reading follows repository read
//! access with the tracker enabled (404 otherwise, as for a missing repository); who may
//! write what is decided in `oxforge_service::issues`.

use super::repos::bool_param;
use crate::auth::{Caller, Door};
use crate::body::Body;
use crate::error::{ApiError, ApiResult};
use crate::paging::{list_headers, paging, query_value};
use crate::state::AppState;
use crate::views::issue::{
    comment_json, issue_json, label_json, milestone_json, CommentJson, IssueJson, IssueParts,
    LabelJson, MilestoneJson,
};
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use oxforge_core::issues::{Issue, StateFilter};
use oxforge_core::query::{LabelChange, MilestoneFilter};
use oxforge_core::Error;
use oxforge_service::issue_comments::CommentView;
use oxforge_service::issue_labels::LabelRefs;
use oxforge_service::issues::{
    CreateIssue, EditIssue, IssueQuery, IssueSearch, IssueView, LabelOptions, MilestoneOptions,
    Tracker,
};
use serde::{Deserialize, Serialize};
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

/// Issue JSON for a page of issues.
fn issues_json(st: &AppState, caller: &Caller, views: &[IssueView]) -> Vec<IssueJson> {
    views
        .iter()
        .map(|v| one_issue_json(st, caller, v))
        .collect()
}

fn one_issue_json(st: &AppState, caller: &Caller, v: &IssueView) -> IssueJson {
    let parts = IssueParts {
        poster: v.poster.as_ref(),
        labels: &v.labels,
        milestone: v.milestone.as_ref(),
        assignees: &v.assignees,
    };
    issue_json(&st.cfg, caller, &v.repo, &v.issue, parts)
}

fn comments_json(
    st: &AppState,
    caller: &Caller,
    t: &Tracker,
    list: &[CommentView],
) -> Vec<CommentJson> {
    list.iter()
        .map(|c| {
            comment_json(
                &st.cfg,
                caller,
                t.repo(),
                c.issue_number,
                &c.comment,
                c.poster.as_ref(),
            )
        })
        .collect()
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
    Door { st, caller }: Door,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<IssueJson>>)> {
    let on = |k: &str| bool_param(&uri, k).unwrap_or(false);
    let q = IssueSearch {
        closed: StateFilter::parse(query_value(&uri, "state").as_deref()).closed(),
        labels: csv(&uri, "labels"),
        milestones: csv(&uri, "milestones"),
        keyword: query_value(&uri, "q"),
        updated_after: time_param(&uri, "since")?,
        updated_before: time_param(&uri, "before")?,
        pulls_only: query_value(&uri, "type").as_deref() == Some("pulls"),
        priority_repo_id: query_value(&uri, "priority_repo_id").and_then(|v| v.parse().ok()),
        assigned: on("assigned"),
        created: on("created"),
        mentioned: on("mentioned"),
        owner: query_value(&uri, "owner"),
        team: query_value(&uri, "team"),
    };
    let p = paging(&st.cfg, &uri);
    let (issues, total) = st.svc.search_issues(&caller, q, p).await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(issues_json(&st, &caller, &issues)),
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
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<IssueJson>>)> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let q = IssueQuery {
        closed: StateFilter::parse(query_value(&uri, "state").as_deref()).closed(),
        labels: csv(&uri, "labels"),
        milestones: csv(&uri, "milestones"),
        keyword: query_value(&uri, "q"),
        created_by: query_value(&uri, "created_by"),
        assigned_to: query_value(&uri, "assigned_by"),
        mentioned: query_value(&uri, "mentioned_by"),
        updated_after: time_param(&uri, "since")?,
        updated_before: time_param(&uri, "before")?,
        pulls_only: query_value(&uri, "type").as_deref() == Some("pulls"),
    };
    let p = paging(&st.cfg, &uri);
    let (issues, total) = st.svc.list_issues(&t, q, p).await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(issues_json(&st, &caller, &issues)),
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
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    Body(o): Body<CreateIssueOption>,
) -> ApiResult<(StatusCode, Json<IssueJson>)> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
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
    let issue = st.svc.create_issue(&caller, &t, c).await?;
    let view = st.svc.issue_view(&t, issue).await?;
    Ok((
        StatusCode::CREATED,
        Json(one_issue_json(&st, &caller, &view)),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues/{index}", tag = "issue", operation_id = "issueGetIssue",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    responses((status = 200, description = "The issue", body = IssueJson), (status = 404, description = "No such repository, tracker or issue")))]
async fn get_issue(
    Door { st, caller }: Door,
    Path((owner, repo, index)): Path<(String, String, String)>,
) -> ApiResult<Json<IssueJson>> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t, number(&index)?).await?;
    let view = st.svc.issue_view(&t, issue).await?;
    Ok(Json(one_issue_json(&st, &caller, &view)))
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
    Door { st, caller }: Door,
    Path((owner, repo, index)): Path<(String, String, String)>,
    Body(o): Body<EditIssueOption>,
) -> ApiResult<(StatusCode, Json<IssueJson>)> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t, number(&index)?).await?;
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
    let issue = st.svc.edit_issue(&caller, &t, &issue, e).await?;
    let view = st.svc.issue_view(&t, issue).await?;
    Ok((
        StatusCode::CREATED,
        Json(one_issue_json(&st, &caller, &view)),
    ))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/issues/{index}", tag = "issue", operation_id = "issueDelete",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    responses((status = 204, description = "Deleted with its comments"), (status = 403, description = "Not a repository admin"),
        (status = 404, description = "No such repository, tracker or issue")))]
async fn delete_issue(
    Door { st, caller }: Door,
    Path((owner, repo, index)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t, number(&index)?).await?;
    st.svc.delete_issue(&caller, &t, &issue).await?;
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
    Door { st, caller }: Door,
    Path((owner, repo, index)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<CommentJson>>)> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t, number(&index)?).await?;
    let (since, before) = (time_param(&uri, "since")?, time_param(&uri, "before")?);
    let (list, total) = st
        .svc
        .comments(&t, Some(&issue), since, before, None)
        .await?;
    Ok((
        list_headers(&st.cfg, &uri, total, None, false),
        Json(comments_json(&st, &caller, &t, &list)),
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
    Door { st, caller }: Door,
    Path((owner, repo, index)): Path<(String, String, String)>,
    Body(o): Body<CommentOption>,
) -> ApiResult<(StatusCode, Json<CommentJson>)> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t, number(&index)?).await?;
    let body = o.body.unwrap_or_default();
    let c = st.svc.create_comment(&caller, &t, &issue, &body).await?;
    let mut out = comments_json(&st, &caller, &t, std::slice::from_ref(&c));
    let json = out.pop().ok_or_else(Error::not_found)?;
    Ok((StatusCode::CREATED, Json(json)))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues/comments", tag = "issue", operation_id = "issueGetRepoComments",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO),
        ("since" = Option<String>, Query, description = "only comments updated at or after this time (RFC 3339)"),
        ("before" = Option<String>, Query, description = "only comments updated at or before this time (RFC 3339)"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The repository's comments, oldest first", body = Vec<CommentJson>),
        (status = 404, description = "No such repository or tracker")))]
async fn repo_comments(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<CommentJson>>)> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let (since, before) = (time_param(&uri, "since")?, time_param(&uri, "before")?);
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.comments(&t, None, since, before, Some(p)).await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(comments_json(&st, &caller, &t, &list)),
    ))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues/comments/{id}", tag = "issue", operation_id = "issueGetComment",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the comment")),
    responses((status = 200, description = "The comment", body = CommentJson), (status = 404, description = "No such repository, tracker or comment")))]
async fn get_comment(
    Door { st, caller }: Door,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<Json<CommentJson>> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let c = st.svc.comment(&t, number(&id)?).await?;
    let c = st.svc.comment_view(c).await?;
    let mut out = comments_json(&st, &caller, &t, std::slice::from_ref(&c));
    Ok(Json(out.pop().ok_or_else(Error::not_found)?))
}

async fn edit_comment_for(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
    id: &str,
    o: CommentOption,
) -> ApiResult<Json<CommentJson>> {
    caller.require_user()?;
    let t = st.svc.tracker(caller, owner, repo).await?;
    let c = st.svc.comment(&t, number(id)?).await?;
    let c = st
        .svc
        .edit_comment(caller, &t, &c, &o.body.unwrap_or_default())
        .await?;
    let mut out = comments_json(st, caller, &t, std::slice::from_ref(&c));
    Ok(Json(out.pop().ok_or_else(Error::not_found)?))
}

async fn delete_comment_for(
    st: &AppState,
    caller: &Caller,
    owner: &str,
    repo: &str,
    id: &str,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let t = st.svc.tracker(caller, owner, repo).await?;
    let c = st.svc.comment(&t, number(id)?).await?;
    st.svc.delete_comment(caller, &t, &c).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}/issues/comments/{id}", tag = "issue", operation_id = "issueEditComment",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the comment")),
    request_body = CommentOption,
    responses((status = 200, description = "The comment as edited", body = CommentJson), (status = 403, description = "Neither the poster nor a writer"),
        (status = 404, description = "No such repository, tracker or comment"), (status = 422, description = "Empty body")))]
async fn edit_comment(
    Door { st, caller }: Door,
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
    Door { st, caller }: Door,
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
    Door { st, caller }: Door,
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
    Door { st, caller }: Door,
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

/// Label ids and names as the client sent them.
fn label_refs(o: &IssueLabelsOption) -> ApiResult<LabelRefs> {
    let mut refs = LabelRefs::default();
    for v in &o.labels {
        match v {
            serde_json::Value::Number(n) => refs.ids.push(
                n.as_i64()
                    .ok_or_else(|| Error::validation(format!("invalid label id: {n}")))?,
            ),
            serde_json::Value::String(s) => refs.names.push(s.clone()),
            other => return Err(Error::validation(format!("invalid label: {other}")).into()),
        }
    }
    Ok(refs)
}

async fn labels_of(st: &AppState, t: &Tracker, issue: &Issue) -> ApiResult<Vec<LabelJson>> {
    Ok(st
        .svc
        .issue_labels(issue)
        .await?
        .iter()
        .map(|l| label_json(&st.cfg, t.repo(), l))
        .collect())
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/issues/{index}/labels", tag = "issue", operation_id = "issueGetLabels",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    responses((status = 200, description = "The issue's labels", body = Vec<LabelJson>), (status = 404, description = "No such repository, tracker or issue")))]
async fn issue_labels(
    Door { st, caller }: Door,
    Path((owner, repo, index)): Path<(String, String, String)>,
) -> ApiResult<Json<Vec<LabelJson>>> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let issue = st.svc.issue(&t, number(&index)?).await?;
    Ok(Json(labels_of(&st, &t, &issue).await?))
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
    let t = st.svc.tracker(caller, owner, repo).await?;
    let issue = st.svc.issue(&t, number(index)?).await?;
    let refs = match &o {
        Some(o) => label_refs(o)?,
        None => LabelRefs::default(),
    };
    st.svc
        .change_issue_labels(caller, &t, &issue, change, refs)
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
    Ok(Json(labels_of(st, &t, &issue).await?))
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/issues/{index}/labels", tag = "issue", operation_id = "issueAddLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("index" = i64, Path, description = INDEX)),
    request_body = IssueLabelsOption,
    responses((status = 200, description = "The issue's labels after adding", body = Vec<LabelJson>), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or issue"), (status = 422, description = "A label that is not the repository's")))]
async fn add_labels(
    Door { st, caller }: Door,
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
    Door { st, caller }: Door,
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
    Door { st, caller }: Door,
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
    Door { st, caller }: Door,
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

#[utoipa::path(get, path = "/repos/{owner}/{repo}/labels", tag = "issue", operation_id = "issueListLabels",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The repository's labels by name", body = Vec<LabelJson>), (status = 404, description = "No such repository or tracker")))]
async fn list_labels(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<LabelJson>>)> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.labels(&t, p).await?;
    Ok((
        list_headers(&st.cfg, &uri, total, Some(p), true),
        Json(
            list.iter()
                .map(|l| label_json(&st.cfg, t.repo(), l))
                .collect(),
        ),
    ))
}

#[utoipa::path(post, path = "/repos/{owner}/{repo}/labels", tag = "issue", operation_id = "issueCreateLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO)),
    request_body = LabelOption,
    responses((status = 201, description = "The new label", body = LabelJson), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository or tracker"), (status = 422, description = "Missing name or invalid color")))]
async fn create_label(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    Body(o): Body<LabelOption>,
) -> ApiResult<(StatusCode, Json<LabelJson>)> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let l = st.svc.create_label(&caller, &t, o.into()).await?;
    Ok((StatusCode::CREATED, Json(label_json(&st.cfg, t.repo(), &l))))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/labels/{id}", tag = "issue", operation_id = "issueGetLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the label")),
    responses((status = 200, description = "The label", body = LabelJson), (status = 404, description = "No such repository, tracker or label")))]
async fn get_label(
    Door { st, caller }: Door,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<Json<LabelJson>> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let l = st.svc.label(&t, number(&id)?).await?;
    Ok(Json(label_json(&st.cfg, t.repo(), &l)))
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}/labels/{id}", tag = "issue", operation_id = "issueEditLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the label")),
    request_body = LabelOption,
    responses((status = 200, description = "The label as edited", body = LabelJson), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or label"), (status = 422, description = "Empty name or invalid color")))]
async fn edit_label(
    Door { st, caller }: Door,
    Path((owner, repo, id)): Path<(String, String, String)>,
    Body(o): Body<LabelOption>,
) -> ApiResult<Json<LabelJson>> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let l = st.svc.label(&t, number(&id)?).await?;
    let l = st.svc.edit_label(&caller, &t, l, o.into()).await?;
    Ok(Json(label_json(&st.cfg, t.repo(), &l)))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/labels/{id}", tag = "issue", operation_id = "issueDeleteLabel",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = i64, Path, description = "id of the label")),
    responses((status = 204, description = "Deleted (and taken off its issues)"), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or label")))]
async fn delete_label(
    Door { st, caller }: Door,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let l = st.svc.label(&t, number(&id)?).await?;
    st.svc.delete_label(&caller, &t, &l).await?;
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

#[utoipa::path(get, path = "/repos/{owner}/{repo}/milestones", tag = "issue", operation_id = "issueGetMilestonesList",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO),
        ("state" = Option<String>, Query, description = "`open`, `closed` or `all` (the default)"),
        ("name" = Option<String>, Query, description = "only milestones whose name contains this"),
        ("page" = Option<i64>, Query, description = "page number of results to return (1-based)"), ("limit" = Option<i64>, Query, description = "page size of results")),
    responses((status = 200, description = "The repository's milestones, oldest first", body = Vec<MilestoneJson>), (status = 404, description = "No such repository or tracker")))]
async fn list_milestones(
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<(HeaderMap, Json<Vec<MilestoneJson>>)> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let f = MilestoneFilter {
        closed: match query_value(&uri, "state").as_deref() {
            Some("open") => Some(false),
            Some("closed") => Some(true),
            _ => None,
        },
        name: query_value(&uri, "name"),
    };
    let p = paging(&st.cfg, &uri);
    let (list, total) = st.svc.milestones(&t, &f, p).await?;
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
    Door { st, caller }: Door,
    Path((owner, repo)): Path<(String, String)>,
    Body(o): Body<MilestoneOption>,
) -> ApiResult<(StatusCode, Json<MilestoneJson>)> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let m = st
        .svc
        .create_milestone(&caller, &t, milestone_options(o)?)
        .await?;
    Ok((StatusCode::CREATED, Json(milestone_json(&m))))
}

#[utoipa::path(get, path = "/repos/{owner}/{repo}/milestones/{id}", tag = "issue", operation_id = "issueGetMilestone",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = String, Path, description = "id of the milestone, or its name")),
    responses((status = 200, description = "The milestone", body = MilestoneJson), (status = 404, description = "No such repository, tracker or milestone")))]
async fn get_milestone(
    Door { st, caller }: Door,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<Json<MilestoneJson>> {
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    Ok(Json(milestone_json(&st.svc.milestone(&t, &id).await?)))
}

#[utoipa::path(patch, path = "/repos/{owner}/{repo}/milestones/{id}", tag = "issue", operation_id = "issueEditMilestone",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = String, Path, description = "id of the milestone, or its name")),
    request_body = MilestoneOption,
    responses((status = 200, description = "The milestone as edited", body = MilestoneJson), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or milestone"), (status = 422, description = "Empty title, bad state or due date")))]
async fn edit_milestone(
    Door { st, caller }: Door,
    Path((owner, repo, id)): Path<(String, String, String)>,
    Body(o): Body<MilestoneOption>,
) -> ApiResult<Json<MilestoneJson>> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let m = st.svc.milestone(&t, &id).await?;
    let m = st
        .svc
        .edit_milestone(&caller, &t, m, milestone_options(o)?)
        .await?;
    Ok(Json(milestone_json(&m)))
}

#[utoipa::path(delete, path = "/repos/{owner}/{repo}/milestones/{id}", tag = "issue", operation_id = "issueDeleteMilestone",
    params(("owner" = String, Path, description = OWNER), ("repo" = String, Path, description = REPO), ("id" = String, Path, description = "id of the milestone, or its name")),
    responses((status = 204, description = "Deleted (its issues keep no milestone)"), (status = 403, description = "Not an issue writer"),
        (status = 404, description = "No such repository, tracker or milestone")))]
async fn delete_milestone(
    Door { st, caller }: Door,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    caller.require_user()?;
    let t = st.svc.tracker(&caller, &owner, &repo).await?;
    let m = st.svc.milestone(&t, &id).await?;
    st.svc.delete_milestone(&caller, &t, &m).await?;
    Ok(StatusCode::NO_CONTENT)
}
