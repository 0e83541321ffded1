-- Issues, their comments, labels, milestones, assignees and mentions (Gitea's issue
-- tracker). Times are Unix seconds, 0 for "none". Lists are newest first by id (ids
-- grow with creation), so every list walks an index in order.

-- The last issue number given out in each repository: numbers start at 1 and are never
-- reused (the UPDATE ... RETURNING that takes one serialises concurrent creators).
ALTER TABLE repositories ADD COLUMN last_issue_index INTEGER NOT NULL DEFAULT 0;

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_closed INTEGER NOT NULL DEFAULT 0,
    num_issues INTEGER NOT NULL DEFAULT 0,
    num_closed_issues INTEGER NOT NULL DEFAULT 0,
    deadline_unix INTEGER NOT NULL DEFAULT 0,
    closed_unix INTEGER NOT NULL DEFAULT 0,
    created_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL
);
CREATE INDEX milestones_repo ON milestones (repo_id, id);

CREATE TABLE labels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    color TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    exclusive INTEGER NOT NULL DEFAULT 0,
    archived_unix INTEGER NOT NULL DEFAULT 0,
    created_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL
);
CREATE INDEX labels_repo ON labels (repo_id, id);

-- poster_id is NULL once the poster's account is deleted (shown as Gitea's Ghost).
CREATE TABLE issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    poster_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    ref TEXT NOT NULL DEFAULT '',
    milestone_id INTEGER REFERENCES milestones (id) ON DELETE SET NULL,
    is_closed INTEGER NOT NULL DEFAULT 0,
    is_locked INTEGER NOT NULL DEFAULT 0,
    num_comments INTEGER NOT NULL DEFAULT 0,
    deadline_unix INTEGER NOT NULL DEFAULT 0,
    created_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL,
    closed_unix INTEGER NOT NULL DEFAULT 0,
    UNIQUE (repo_id, number)
);
CREATE INDEX issues_repo_state ON issues (repo_id, is_closed, id);
-- "all" states in order.
CREATE INDEX issues_repo ON issues (repo_id, id);
CREATE INDEX issues_poster ON issues (poster_id, id);
CREATE INDEX issues_milestone ON issues (milestone_id, is_closed);

-- is_closed copies the issue's, so "open issues with this label" is one index range.
CREATE TABLE issue_labels (
    issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    label_id INTEGER NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    is_closed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (issue_id, label_id)
);
CREATE INDEX issue_labels_label ON issue_labels (label_id, is_closed, issue_id);

CREATE TABLE issue_assignees (
    issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX issue_assignees_user ON issue_assignees (user_id, issue_id);

-- Users @-mentioned in an issue's title, body or comments.
CREATE TABLE issue_mentions (
    issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX issue_mentions_user ON issue_mentions (user_id, issue_id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    repo_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    poster_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL
);
CREATE INDEX comments_issue ON comments (issue_id, id);
CREATE INDEX comments_repo ON comments (repo_id, id);
