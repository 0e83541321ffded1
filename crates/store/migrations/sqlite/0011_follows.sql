-- Who follows whom (Gitea's `follow`): `user_id` follows `follow_id`. The counters Gitea
-- reports on a user (followers, following, starred repositories) are kept on the row and
-- recounted from these tables in the transaction that changes them (store::follows,
-- store::stars), so reading a user costs no count.
CREATE TABLE follows (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    follow_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_unix INTEGER NOT NULL,
    PRIMARY KEY (user_id, follow_id)
);
-- Followers of one account: an index range (following is the primary key's).
CREATE INDEX follows_follow ON follows (follow_id, user_id);

ALTER TABLE users ADD COLUMN num_followers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN num_following INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN num_stars INTEGER NOT NULL DEFAULT 0;
UPDATE users SET num_stars = (SELECT COUNT(*) FROM stars s WHERE s.user_id = users.id);

-- Deleting an account used to leave its stars and watches counted on repositories.
UPDATE repositories SET
    num_stars = (SELECT COUNT(*) FROM stars s WHERE s.repo_id = repositories.id),
    num_watches = (SELECT COUNT(*) FROM watches w WHERE w.repo_id = repositories.id);
