-- Who starred and who watches which repository; the counters on repositories follow them.
CREATE TABLE stars (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    repo_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    created_unix BIGINT NOT NULL,
    PRIMARY KEY (user_id, repo_id)
);
CREATE INDEX stars_repo ON stars (repo_id);

CREATE TABLE watches (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    repo_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    created_unix BIGINT NOT NULL,
    PRIMARY KEY (user_id, repo_id)
);
CREATE INDEX watches_repo ON watches (repo_id);

-- Owners watched their repositories from the start (the counter already said so).
INSERT INTO watches (user_id, repo_id, created_unix) SELECT owner_id, id, created_unix FROM repositories;
UPDATE repositories SET num_watches = (SELECT COUNT(*) FROM watches w WHERE w.repo_id = repositories.id);
