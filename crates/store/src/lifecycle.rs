//! The repository life cycle's records: names reserved while a repository is made or
//! renamed, and pushes in progress. Both outlive a crash, so start-up reconciliation knows
//! what was half-done (service::lifecycle).

use crate::mirrors::Mirror;
use crate::repos::{insert_repo_tx, NewRepo, RepoUpdate, REPO_EXISTS};
use crate::{db_error, get_i64, get_str, internal, Backend, Store};
use oxforge_core::{Error, Result};
use sqlx::any::AnyRow;

/// Why a name is reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReservationKind {
    Create,
    Migrate,
    Rename,
    /// A removal: the row is gone, the directory is going.
    Delete,
}

impl ReservationKind {
    fn as_str(self) -> &'static str {
        match self {
            ReservationKind::Create => "create",
            ReservationKind::Migrate => "migrate",
            ReservationKind::Rename => "rename",
            ReservationKind::Delete => "delete",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "create" => Ok(ReservationKind::Create),
            "migrate" => Ok(ReservationKind::Migrate),
            "rename" => Ok(ReservationKind::Rename),
            "delete" => Ok(ReservationKind::Delete),
            other => Err(Error::internal(format!("unknown reservation kind {other}"))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Reservation {
    pub id: i64,
    pub owner_id: i64,
    /// The reserved name, lower-cased (directories are named so).
    pub lower_name: String,
    pub kind: ReservationKind,
    /// Rename: the repository and the name it had.
    pub repo_id: i64,
    pub from_name: String,
    /// The process holding it (service::lifecycle).
    pub holder: String,
    pub created_unix: i64,
}

/// A push whose ref updates may have been applied without the row and events following.
#[derive(Debug, Clone)]
pub struct PushMark {
    pub id: i64,
    pub repo_id: i64,
    pub pusher_id: i64,
    /// The ref updates the client asked for (JSON, `core::events::RefUpdate`s).
    pub refs: String,
    pub holder: String,
    pub started_unix: i64,
}

fn reservation_from_row(r: &AnyRow) -> Result<Reservation> {
    Ok(Reservation {
        id: get_i64(r, "id")?,
        owner_id: get_i64(r, "owner_id")?,
        lower_name: get_str(r, "lower_name")?,
        kind: ReservationKind::parse(&get_str(r, "kind")?)?,
        repo_id: get_i64(r, "repo_id")?,
        from_name: get_str(r, "from_name")?,
        holder: get_str(r, "holder")?,
        created_unix: get_i64(r, "created_unix")?,
    })
}

impl Store {
    /// Reserves `name` under `owner_id` for `holder`, or answers conflict (`REPO_EXISTS`)
    /// when a repository has it or another reservation holds it. A rename names the
    /// repository and its current name: it must still have that name (else not found) and
    /// no other change of it may be under way (conflict). Reservations and commits of one
    /// owner are serialised (its row is locked on PostgreSQL; SQLite has one writer), so
    /// the check and the insert see the same state.
    pub async fn reserve_repo_name(
        &self,
        owner_id: i64,
        name: &str,
        kind: ReservationKind,
        renaming: Option<(i64, &str)>,
        holder: &str,
    ) -> Result<i64> {
        let lower = name.to_ascii_lowercase();
        let mut tx = self.writer().begin().await.map_err(internal)?;
        self.lock_owner(&mut tx, owner_id).await?;
        if let Some((repo_id, from)) = renaming {
            let row = sqlx::query("SELECT lower_name FROM repositories WHERE id = $1")
                .bind(repo_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(internal)?;
            match row {
                Some(r) if get_str(&r, "lower_name")? == from.to_ascii_lowercase() => {}
                _ => return Err(Error::not_found()),
            }
            busy_check(&mut tx, repo_id).await?;
        }
        let taken = sqlx::query(
            "SELECT id FROM repositories WHERE owner_id = $1 AND lower_name = $2 LIMIT 1",
        )
        .bind(owner_id)
        .bind(lower.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
        if taken.is_some() {
            return Err(Error::conflict(REPO_EXISTS));
        }
        let (repo_id, from) = renaming.unwrap_or((0, ""));
        let id = insert_reservation(&mut tx, owner_id, &lower, kind, repo_id, from, holder).await?;
        tx.commit().await.map_err(internal)?;
        Ok(id)
    }

    /// Deletes repository `repo_id`'s row and reserves its name for `holder` until its
    /// directory is gone, in one transaction. `None` when the row is gone already; conflict
    /// while another change of it is under way.
    pub async fn delete_repo_reserving(&self, repo_id: i64, holder: &str) -> Result<Option<i64>> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        let row = sqlx::query("SELECT owner_id, lower_name FROM repositories WHERE id = $1")
            .bind(repo_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let owner_id = get_i64(&row, "owner_id")?;
        let lower = get_str(&row, "lower_name")?;
        self.lock_owner(&mut tx, owner_id).await?;
        busy_check(&mut tx, repo_id).await?;
        if !crate::repos::delete_repo_tx(&mut tx, repo_id).await? {
            return Ok(None);
        }
        let id = insert_reservation(
            &mut tx,
            owner_id,
            &lower,
            ReservationKind::Delete,
            repo_id,
            "",
            holder,
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        Ok(Some(id))
    }

    /// Serialises name changes under one owner across processes: PostgreSQL locks the
    /// owner's row until the transaction ends; SQLite's one writer already does.
    async fn lock_owner(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        owner_id: i64,
    ) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                .bind(owner_id)
                .execute(&mut **tx)
                .await
                .map_err(internal)?;
        }
        Ok(())
    }

    /// Writes the finished repository's row (with its mirror settings and the teams that
    /// reach it) and drops its reservation, in one transaction.
    pub async fn commit_new_repo(
        &self,
        reservation: i64,
        n: &NewRepo,
        mirror: Option<Mirror>,
        team_ids: &[i64],
    ) -> Result<i64> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        self.lock_owner(&mut tx, n.owner_id).await?;
        let id = insert_repo_tx(&mut tx, n).await?;
        if let Some(mut m) = mirror {
            m.repo_id = id;
            crate::mirrors::insert_mirror_tx(&mut tx, &m).await?;
        }
        for team in team_ids {
            sqlx::query(
                "INSERT INTO team_repos (team_id, repo_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(*team)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        }
        if !team_ids.is_empty() {
            crate::reach::refresh(&mut tx, crate::reach::Scope::Repo(id)).await?;
        }
        delete_reservation(&mut tx, reservation).await?;
        tx.commit().await.map_err(internal)?;
        Ok(id)
    }

    /// Applies a rename's row update and drops the reservation of the new name, in one
    /// transaction.
    pub async fn commit_rename(
        &self,
        reservation: i64,
        owner_id: i64,
        repo_id: i64,
        up: &RepoUpdate,
    ) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        self.lock_owner(&mut tx, owner_id).await?;
        Store::update_repo_tx(&mut tx, repo_id, up).await?;
        delete_reservation(&mut tx, reservation).await?;
        tx.commit().await.map_err(internal)
    }

    pub async fn drop_reservation(&self, id: i64) -> Result<()> {
        let mut tx = self.writer().begin().await.map_err(internal)?;
        delete_reservation(&mut tx, id).await?;
        tx.commit().await.map_err(internal)
    }

    pub async fn reservation(&self, id: i64) -> Result<Option<Reservation>> {
        let row = sqlx::query("SELECT * FROM repo_reservations WHERE id = $1")
            .bind(id)
            .fetch_optional(self.writer())
            .await
            .map_err(internal)?;
        row.map(|r| reservation_from_row(&r)).transpose()
    }

    /// Every reservation, oldest first.
    pub async fn reservations(&self) -> Result<Vec<Reservation>> {
        let rows = sqlx::query("SELECT * FROM repo_reservations ORDER BY id")
            .fetch_all(self.writer())
            .await
            .map_err(internal)?;
        rows.iter().map(reservation_from_row).collect()
    }

    /// Records a push's ref updates before git may apply them; returns the mark's id.
    pub async fn mark_push(
        &self,
        repo_id: i64,
        pusher_id: i64,
        refs: &str,
        holder: &str,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO push_journal (repo_id, pusher_id, refs, holder, started_unix) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(repo_id)
        .bind(pusher_id)
        .bind(refs.to_string())
        .bind(holder.to_string())
        .bind(oxforge_core::time::now())
        .fetch_one(self.writer())
        .await
        .map_err(internal)?;
        get_i64(&row, "id")
    }

    pub async fn clear_push_mark(&self, id: i64) -> Result<()> {
        sqlx::query("DELETE FROM push_journal WHERE id = $1")
            .bind(id)
            .execute(self.writer())
            .await
            .map_err(internal)?;
        Ok(())
    }

    /// Every push mark, oldest first.
    pub async fn push_marks(&self) -> Result<Vec<PushMark>> {
        let rows = sqlx::query(
            "SELECT id, repo_id, pusher_id, refs, holder, started_unix FROM push_journal ORDER BY id",
        )
        .fetch_all(self.writer())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| {
                Ok(PushMark {
                    id: get_i64(r, "id")?,
                    repo_id: get_i64(r, "repo_id")?,
                    pusher_id: get_i64(r, "pusher_id")?,
                    refs: get_str(r, "refs")?,
                    holder: get_str(r, "holder")?,
                    started_unix: get_i64(r, "started_unix")?,
                })
            })
            .collect()
    }

    /// Every repository's directory name parts, lower-cased: (owner, repository, id).
    pub async fn repo_paths(&self) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT o.lower_name AS owner, r.lower_name AS name, r.id AS id \
             FROM repositories r JOIN users o ON o.id = r.owner_id",
        )
        .fetch_all(self.reader())
        .await
        .map_err(internal)?;
        rows.iter()
            .map(|r| Ok((get_str(r, "owner")?, get_str(r, "name")?, get_i64(r, "id")?)))
            .collect()
    }
}

async fn delete_reservation(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM repo_reservations WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Conflict while another change of repository `repo_id`'s directory is under way.
async fn busy_check(tx: &mut sqlx::Transaction<'_, sqlx::Any>, repo_id: i64) -> Result<()> {
    let busy = sqlx::query("SELECT id FROM repo_reservations WHERE repo_id = $1 LIMIT 1")
        .bind(repo_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(internal)?;
    if busy.is_some() {
        return Err(Error::conflict(
            "the repository is being renamed or deleted; try again later",
        ));
    }
    Ok(())
}

async fn insert_reservation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    owner_id: i64,
    lower: &str,
    kind: ReservationKind,
    repo_id: i64,
    from: &str,
    holder: &str,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO repo_reservations (owner_id, lower_name, kind, repo_id, from_name, holder, created_unix) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(owner_id)
    .bind(lower.to_string())
    .bind(kind.as_str())
    .bind(repo_id)
    .bind(from.to_string())
    .bind(holder.to_string())
    .bind(oxforge_core::time::now())
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| db_error(e, REPO_EXISTS))?;
    get_i64(&row, "id")
}
