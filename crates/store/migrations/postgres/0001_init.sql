CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    lower_name TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL,
    lower_email TEXT NOT NULL,
    keep_email_private BIGINT NOT NULL DEFAULT 0,
    passwd_hash TEXT NOT NULL DEFAULT '',
    must_change_password BIGINT NOT NULL DEFAULT 0,
    login_name TEXT NOT NULL DEFAULT '',
    source_id BIGINT NOT NULL DEFAULT 0,
    is_admin BIGINT NOT NULL DEFAULT 0,
    is_active BIGINT NOT NULL DEFAULT 1,
    prohibit_login BIGINT NOT NULL DEFAULT 0,
    restricted BIGINT NOT NULL DEFAULT 0,
    visibility BIGINT NOT NULL DEFAULT 0,
    kind BIGINT NOT NULL DEFAULT 0,
    location TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    allow_create_organization BIGINT NOT NULL DEFAULT 1,
    allow_git_hook BIGINT NOT NULL DEFAULT 0,
    allow_import_local BIGINT NOT NULL DEFAULT 0,
    max_repo_creation BIGINT NOT NULL DEFAULT -1,
    created_unix BIGINT NOT NULL,
    updated_unix BIGINT NOT NULL,
    last_login_unix BIGINT NOT NULL DEFAULT 0
);
-- Individual users must have distinct e-mails; organisations may leave theirs empty.
CREATE UNIQUE INDEX users_lower_email ON users (lower_email) WHERE kind = 0;

CREATE TABLE access_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_last_eight TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_unix BIGINT NOT NULL,
    last_used_unix BIGINT NOT NULL DEFAULT 0,
    expires_unix BIGINT NOT NULL DEFAULT 0,
    UNIQUE (user_id, name)
);

CREATE TABLE repositories (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    lower_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    default_branch TEXT NOT NULL,
    is_private BIGINT NOT NULL DEFAULT 0,
    is_empty BIGINT NOT NULL DEFAULT 1,
    is_mirror BIGINT NOT NULL DEFAULT 0,
    is_fork BIGINT NOT NULL DEFAULT 0,
    is_template BIGINT NOT NULL DEFAULT 0,
    is_archived BIGINT NOT NULL DEFAULT 0,
    size BIGINT NOT NULL DEFAULT 0,
    original_url TEXT NOT NULL DEFAULT '',
    num_stars BIGINT NOT NULL DEFAULT 0,
    num_forks BIGINT NOT NULL DEFAULT 0,
    num_watches BIGINT NOT NULL DEFAULT 0,
    num_open_issues BIGINT NOT NULL DEFAULT 0,
    object_format_name TEXT NOT NULL DEFAULT 'sha1',
    settings TEXT NOT NULL DEFAULT '{}',
    archived_unix BIGINT NOT NULL DEFAULT 0,
    created_unix BIGINT NOT NULL,
    updated_unix BIGINT NOT NULL,
    UNIQUE (owner_id, lower_name)
);
CREATE INDEX repositories_lower_name ON repositories (lower_name);
CREATE INDEX repositories_is_private ON repositories (is_private);
