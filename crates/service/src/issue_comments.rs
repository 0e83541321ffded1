//! Comments on issues: any reader of the tracker comments (unless the issue is locked);
//! the poster or a writer edits and deletes.

use crate::actor::Actor;
use crate::issues::{forbidden, Tracker};
use crate::Services;
use oxforge_core::events::Event;
use oxforge_core::issues::{Comment, Issue};
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
use oxforge_core::{Error, Result};

/// A comment with what its answers show.
#[derive(Debug, Clone)]
pub struct CommentView {
    pub comment: Comment,
    pub issue_number: i64,
    pub poster: Option<User>,
}

impl Services {
    /// A comment of the tracker's repository by id, 404 when absent.
    pub async fn comment(&self, t: &Tracker, id: i64) -> Result<Comment> {
        self.store
            .comment(t.id(), id)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// Comments (of one issue, or of the whole repository), oldest first.
    pub async fn comments(
        &self,
        t: &Tracker,
        issue: Option<&Issue>,
        since: Option<i64>,
        before: Option<i64>,
        paging: Option<Paging>,
    ) -> Result<(Vec<CommentView>, i64)> {
        let (list, total) = self
            .store
            .comments(t.id(), issue.map(|i| i.id), since, before, paging)
            .await?;
        Ok((self.comment_views(list).await?, total))
    }

    pub async fn comment_view(&self, c: Comment) -> Result<CommentView> {
        self.comment_views(vec![c])
            .await?
            .pop()
            .ok_or_else(Error::not_found)
    }

    async fn comment_views(&self, comments: Vec<Comment>) -> Result<Vec<CommentView>> {
        let mut posters: Vec<i64> = comments.iter().filter_map(|c| c.poster_id).collect();
        posters.sort_unstable();
        posters.dedup();
        let mut issue_ids: Vec<i64> = comments.iter().map(|c| c.issue_id).collect();
        issue_ids.sort_unstable();
        issue_ids.dedup();
        let users = self.store.users_by_ids(&posters).await?;
        let numbers = self.store.issue_numbers(&issue_ids).await?;
        Ok(comments
            .into_iter()
            .map(|c| CommentView {
                issue_number: numbers.get(&c.issue_id).copied().unwrap_or(0),
                poster: c.poster_id.and_then(|p| users.get(&p).cloned()),
                comment: c,
            })
            .collect())
    }

    pub async fn create_comment(
        &self,
        actor: &Actor,
        t: &Tracker,
        issue: &Issue,
        body: &str,
    ) -> Result<CommentView> {
        let doer = t.writer(actor)?;
        if issue.is_locked && !t.can_write() {
            return Err(Error::forbidden("the issue is locked"));
        }
        let body = comment_body(body)?;
        self.check_text(body)?;
        let mentioned = self.mentioned(t.repo(), body).await?;
        let c = self
            .store
            .create_comment(issue, doer.id, body, &mentioned)
            .await?;
        let event = Event::CommentCreated {
            issue_id: issue.id,
            number: issue.number,
            comment_id: c.id,
        };
        self.emit(actor, Some(t.id()), event).await;
        Ok(CommentView {
            comment: c,
            issue_number: issue.number,
            poster: Some(doer.clone()),
        })
    }

    pub async fn edit_comment(
        &self,
        actor: &Actor,
        t: &Tracker,
        c: &Comment,
        body: &str,
    ) -> Result<CommentView> {
        let doer = t.writer(actor)?;
        if !t.can_edit(doer, c.poster_id) {
            return Err(forbidden());
        }
        let body = comment_body(body)?;
        self.check_text(body)?;
        let mentioned = self.mentioned(t.repo(), body).await?;
        self.store.update_comment(c, body, &mentioned).await?;
        let after = self.comment(t, c.id).await?;
        let event = Event::CommentEdited {
            issue_id: c.issue_id,
            comment_id: c.id,
        };
        self.emit(actor, Some(t.id()), event).await;
        self.comment_view(after).await
    }

    pub async fn delete_comment(&self, actor: &Actor, t: &Tracker, c: &Comment) -> Result<()> {
        let doer = t.writer(actor)?;
        if !t.can_edit(doer, c.poster_id) {
            return Err(forbidden());
        }
        self.store.delete_comment(c).await?;
        let event = Event::CommentDeleted {
            issue_id: c.issue_id,
            comment_id: c.id,
        };
        self.emit(actor, Some(t.id()), event).await;
        Ok(())
    }
}

/// A comment body: required (its size is checked by `check_text`), stored verbatim.
fn comment_body(body: &str) -> Result<&str> {
    if body.trim().is_empty() {
        return Err(Error::validation("Body cannot be empty"));
    }
    Ok(body)
}
