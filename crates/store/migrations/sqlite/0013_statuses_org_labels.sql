-- Commit statuses (Gitea's commit_status): CI systems post them per commit. `idx` is the
-- status's number among those of its (repository, commit), from commit_status_index, as
-- Gitea numbers them. creator_id is NULL once the account is deleted (Gitea's Ghost).
CREATE TABLE commit_status_index (
    repo_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    max_index INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, sha)
);

CREATE TABLE commit_statuses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    idx INTEGER NOT NULL,
    state TEXT NOT NULL,
    target_url TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    context TEXT NOT NULL DEFAULT '',
    creator_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL,
    UNIQUE (repo_id, sha, idx)
);
-- The latest status of each context: a range per (repository, commit, context).
CREATE INDEX commit_statuses_context ON commit_statuses (repo_id, sha, context, id);

-- Organization labels (Gitea's labels.org_id): a label belongs to a repository or to an
-- organization, never both; issues of the organization's repositories may carry it.
-- SQLite cannot drop NOT NULL in place, so the table is rebuilt (ids kept); this
-- migration runs with foreign keys off so dropping the old table cascades nowhere, and
-- the keys are checked before it commits.
CREATE TABLE labels_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id INTEGER REFERENCES repositories (id) ON DELETE CASCADE,
    org_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    color TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    exclusive INTEGER NOT NULL DEFAULT 0,
    archived_unix INTEGER NOT NULL DEFAULT 0,
    created_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL,
    CHECK ((repo_id IS NULL) <> (org_id IS NULL))
);
INSERT INTO labels_new (id, repo_id, org_id, name, color, description, exclusive,
    archived_unix, created_unix, updated_unix)
    SELECT id, repo_id, NULL, name, color, description, exclusive, archived_unix,
        created_unix, updated_unix FROM labels;
DROP TABLE labels;
ALTER TABLE labels_new RENAME TO labels;
CREATE INDEX labels_repo ON labels (repo_id, id);
CREATE INDEX labels_org ON labels (org_id, id);
