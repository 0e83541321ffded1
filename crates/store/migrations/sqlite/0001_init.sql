CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    lower_name TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL,
    lower_email TEXT NOT NULL,
    keep_email_private INTEGER NOT NULL DEFAULT 0,
    passwd_hash TEXT NOT NULL DEFAULT '',
    must_change_password INTEGER NOT NULL DEFAULT 0,
    login_name TEXT NOT NULL DEFAULT '',
    source_id INTEGER NOT NULL DEFAULT 0,
    is_admin INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    prohibit_login INTEGER NOT NULL DEFAULT 0,
    restricted INTEGER NOT NULL DEFAULT 0,
    visibility INTEGER NOT NULL DEFAULT 0,
    kind INTEGER NOT NULL DEFAULT 0,
    location TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    allow_create_organization INTEGER NOT NULL DEFAULT 1,
    allow_git_hook INTEGER NOT NULL DEFAULT 0,
    allow_import_local INTEGER NOT NULL DEFAULT 0,
    max_repo_creation INTEGER NOT NULL DEFAULT -1,
    created_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL,
    last_login_unix INTEGER NOT NULL DEFAULT 0
);
-- Individual users must have distinct e-mails; organisations may leave theirs empty.
CREATE UNIQUE INDEX users_lower_email ON users (lower_email) WHERE kind = 0;

CREATE TABLE access_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_last_eight TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_unix INTEGER NOT NULL,
    last_used_unix INTEGER NOT NULL DEFAULT 0,
    expires_unix INTEGER NOT NULL DEFAULT 0,
    UNIQUE (user_id, name)
);

CREATE TABLE repositories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    lower_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    default_branch TEXT NOT NULL,
    is_private INTEGER NOT NULL DEFAULT 0,
    is_empty INTEGER NOT NULL DEFAULT 1,
    is_mirror INTEGER NOT NULL DEFAULT 0,
    is_fork INTEGER NOT NULL DEFAULT 0,
    is_template INTEGER NOT NULL DEFAULT 0,
    is_archived INTEGER NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT 0,
    original_url TEXT NOT NULL DEFAULT '',
    num_stars INTEGER NOT NULL DEFAULT 0,
    num_forks INTEGER NOT NULL DEFAULT 0,
    num_watches INTEGER NOT NULL DEFAULT 0,
    num_open_issues INTEGER NOT NULL DEFAULT 0,
    object_format_name TEXT NOT NULL DEFAULT 'sha1',
    settings TEXT NOT NULL DEFAULT '{}',
    archived_unix INTEGER NOT NULL DEFAULT 0,
    created_unix INTEGER NOT NULL,
    updated_unix INTEGER NOT NULL,
    UNIQUE (owner_id, lower_name)
);
CREATE INDEX repositories_lower_name ON repositories (lower_name);
CREATE INDEX repositories_is_private ON repositories (is_private);
