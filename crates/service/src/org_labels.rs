//! An organization's labels (Gitea's `/orgs/{org}/labels`): whoever may see the
//! organization lists them, signed-in callers read one, its owners (and site admins)
//! change them. Issues of the organization's repositories may carry them
//! (`Services::repo_labels`).

use crate::actor::Actor;
use crate::issue_labels::apply_label;
use crate::issues::LabelOptions;
use crate::Services;
use oxforge_core::events::Event;
use oxforge_core::issues::Label;
use oxforge_core::model::User;
use oxforge_core::paging::Paging;
use oxforge_core::{Error, Result};

impl Services {
    /// The organization's labels by name, one page, and how many in all.
    pub async fn org_labels(&self, org: &User, paging: Paging) -> Result<(Vec<Label>, i64)> {
        self.store.org_labels(org.id, paging).await
    }

    /// One label of the organization (Gitea asks for a signed-in caller).
    pub async fn org_label(&self, actor: &Actor, org: &User, id: i64) -> Result<Label> {
        actor.require_user()?;
        self.store
            .org_label(org.id, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn create_org_label(
        &self,
        actor: &Actor,
        org: &User,
        o: LabelOptions,
    ) -> Result<Label> {
        self.require_org_owner(actor, org).await?;
        let mut l = Label {
            id: 0,
            repo_id: 0,
            org_id: org.id,
            name: String::new(),
            color: String::new(),
            description: String::new(),
            exclusive: false,
            archived_unix: 0,
        };
        if o.color.is_none() {
            return Err(Error::validation("Color is required"));
        }
        apply_label(&mut l, o, self.settings.repository_issue.max_body_bytes)?;
        let l = self.store.create_org_label(org.id, &l).await?;
        self.emit(actor, None, Event::LabelCreated { label_id: l.id })
            .await;
        Ok(l)
    }

    pub async fn edit_org_label(
        &self,
        actor: &Actor,
        org: &User,
        id: i64,
        o: LabelOptions,
    ) -> Result<Label> {
        self.require_org_owner(actor, org).await?;
        let mut l = self.org_label(actor, org, id).await?;
        apply_label(&mut l, o, self.settings.repository_issue.max_body_bytes)?;
        self.store.update_label(&l).await?;
        let l = self.org_label(actor, org, id).await?;
        self.emit(actor, None, Event::LabelEdited { label_id: l.id })
            .await;
        Ok(l)
    }

    /// Deletes the label, taking it off every issue that carries it.
    pub async fn delete_org_label(&self, actor: &Actor, org: &User, id: i64) -> Result<()> {
        self.require_org_owner(actor, org).await?;
        let l = self.org_label(actor, org, id).await?;
        self.store.delete_label(l.id).await?;
        self.emit(actor, None, Event::LabelDeleted { label_id: l.id })
            .await;
        Ok(())
    }
}
