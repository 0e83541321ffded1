-- Organisations are users rows with kind = 1. Membership is the union of team memberships
-- (kept in org_users so that "member of" and "public member" are one lookup).
CREATE TABLE org_users (
    org_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    is_public INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_users_user ON org_users (user_id);

-- mode: the team's permission as reported (1 read, 2 write, 3 admin, 4 owner);
-- code_mode: what it grants on code (pull/push), never below read; units: unit -> mode (JSON).
CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    lower_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    mode INTEGER NOT NULL,
    code_mode INTEGER NOT NULL,
    units TEXT NOT NULL DEFAULT '{}',
    includes_all_repos INTEGER NOT NULL DEFAULT 0,
    can_create_org_repo INTEGER NOT NULL DEFAULT 0,
    created_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL,
    UNIQUE (org_id, lower_name)
);

CREATE TABLE team_users (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_users_user ON team_users (user_id);

CREATE TABLE team_repos (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    repo_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, repo_id)
);
CREATE INDEX team_repos_repo ON team_repos (repo_id);

-- mode: 1 read, 2 write, 3 admin.
CREATE TABLE collaborations (
    repo_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mode INTEGER NOT NULL,
    created_unix INTEGER NOT NULL,
    PRIMARY KEY (repo_id, user_id)
);
CREATE INDEX collaborations_user ON collaborations (user_id);
ALTER TABLE users ADD COLUMN repo_admin_change_team_access INTEGER NOT NULL DEFAULT 0;
