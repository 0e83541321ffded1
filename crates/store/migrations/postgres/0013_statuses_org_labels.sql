-- Commit statuses (Gitea's commit_status): CI systems post them per commit. `idx` is the
-- status's number among those of its (repository, commit), from commit_status_index, as
-- Gitea numbers them. creator_id is NULL once the account is deleted (Gitea's Ghost).
CREATE TABLE commit_status_index (
    repo_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    max_index BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (repo_id, sha)
);

CREATE TABLE commit_statuses (
    id BIGSERIAL PRIMARY KEY,
    repo_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    sha TEXT NOT NULL,
    idx BIGINT NOT NULL,
    state TEXT NOT NULL,
    target_url TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    context TEXT NOT NULL DEFAULT '',
    creator_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_unix BIGINT NOT NULL,
    updated_unix BIGINT NOT NULL,
    UNIQUE (repo_id, sha, idx)
);
-- The latest status of each context: a range per (repository, commit, context).
CREATE INDEX commit_statuses_context ON commit_statuses (repo_id, sha, context, id);

-- Organization labels (Gitea's labels.org_id): a label belongs to a repository or to an
-- organization, never both; issues of the organization's repositories may carry it.
ALTER TABLE labels ALTER COLUMN repo_id DROP NOT NULL;
ALTER TABLE labels ADD COLUMN org_id BIGINT REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE labels ADD CONSTRAINT labels_one_owner CHECK ((repo_id IS NULL) <> (org_id IS NULL));
CREATE INDEX labels_org ON labels (org_id, id);
