-- A repository name held while its directory changes: created, migrated into, renamed to,
-- or being removed. The row in `repositories` is written only when the directory is complete, in
-- the transaction that drops the reservation, so a half-made repository is never a row.
-- After a crash, start-up reconciliation releases what is left: it removes the directory
-- at the reserved path (create, migrate, delete) or moves it back to the row's name
-- (rename). `holder` names the process (service::lifecycle tells live from dead).
CREATE TABLE repo_reservations (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL,
    lower_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- rename: the repository being renamed and the name it had
    repo_id BIGINT NOT NULL DEFAULT 0,
    from_name TEXT NOT NULL DEFAULT '',
    holder TEXT NOT NULL,
    created_unix BIGINT NOT NULL
);
CREATE UNIQUE INDEX repo_reservations_name ON repo_reservations (owner_id, lower_name);
-- One change of a repository's directory at a time (rename, delete).
CREATE INDEX repo_reservations_repo ON repo_reservations (repo_id);

-- A push in progress: the ref updates the client asked for, written before git may apply
-- them and removed once the repository row and the push's events are brought up to date.
-- A crash leaves the mark, and reconciliation settles it from the refs on disk.
CREATE TABLE push_journal (
    id BIGSERIAL PRIMARY KEY,
    repo_id BIGINT NOT NULL,
    pusher_id BIGINT NOT NULL,
    refs TEXT NOT NULL,
    holder TEXT NOT NULL,
    started_unix BIGINT NOT NULL
);
