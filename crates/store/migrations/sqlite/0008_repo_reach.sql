-- What each account reaches (owns, collaborates on, is granted by a team, or sees as a
-- public repository of an organisation it belongs to): derived from the tables of 0005,
-- refreshed in the same transaction as every change to them (store::reach), so that
-- listing and counting what a member of many organisations reaches is one index range.
-- owner_id, is_private and lower_name are copies of the repository's, for counting by
-- visibility and paging by name without reading repository rows. Filled by the Rust
-- side of this migration (store::reach, the one definition of the rule).
CREATE TABLE repo_reach (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    repo_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    owner_id INTEGER NOT NULL,
    is_private INTEGER NOT NULL,
    lower_name TEXT NOT NULL,
    PRIMARY KEY (user_id, repo_id)
);
CREATE INDEX repo_reach_name ON repo_reach (user_id, lower_name, repo_id);
CREATE INDEX repo_reach_private ON repo_reach (user_id, is_private, owner_id);
CREATE INDEX repo_reach_repo ON repo_reach (repo_id);

-- Public repositories per owner, kept with the repository rows (store::reach::recount):
-- how many public repositories a viewer sees is a sum over the owners they see.
ALTER TABLE users ADD COLUMN num_public_repos INTEGER NOT NULL DEFAULT 0;
UPDATE users SET num_public_repos =
    (SELECT COUNT(*) FROM repositories r WHERE r.owner_id = users.id AND r.is_private = 0);
