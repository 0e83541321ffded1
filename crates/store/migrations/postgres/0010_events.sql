-- Domain events, appended after each change commits. Durable consumers (webhooks, feeds,
-- notifications; for now the log) read them in id order and keep their own cursor, so an
-- event written before a crash is delivered after the restart.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    actor_id BIGINT NOT NULL DEFAULT 0,
    repo_id BIGINT NOT NULL DEFAULT 0,
    payload TEXT NOT NULL,
    created_unix BIGINT NOT NULL
);
CREATE TABLE event_cursors (
    consumer TEXT PRIMARY KEY,
    last_id BIGINT NOT NULL DEFAULT 0,
    updated_unix BIGINT NOT NULL DEFAULT 0
);
