-- Pull mirrors: where a repository follows its source from, and when it syncs next.
CREATE TABLE mirrors (
    repo_id INTEGER PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    remote_url TEXT NOT NULL,
    interval_secs INTEGER NOT NULL,
    enable_prune INTEGER NOT NULL DEFAULT 1,
    next_update_unix INTEGER NOT NULL DEFAULT 0,
    updated_unix INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    -- Source credentials, sealed with the instance's secret key (never in the git config).
    credentials TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mirrors_next_update ON mirrors (next_update_unix);

-- Background jobs shared by every oxforge process on this database. state: 0 queued,
-- 1 running, 2 done, 3 failed. At most one queued job per dedup key; a job is claimed only
-- while no job with its key runs, so one repository never syncs twice at once.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    state INTEGER NOT NULL DEFAULT 0,
    run_after_unix INTEGER NOT NULL DEFAULT 0,
    lease_until_unix INTEGER NOT NULL DEFAULT 0,
    worker TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_unix INTEGER NOT NULL,
    started_unix INTEGER NOT NULL DEFAULT 0,
    finished_unix INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX jobs_one_queued_per_key ON jobs (dedup_key) WHERE state = 0;
CREATE INDEX jobs_state ON jobs (state, run_after_unix);
CREATE INDEX jobs_key_state ON jobs (dedup_key, state);
