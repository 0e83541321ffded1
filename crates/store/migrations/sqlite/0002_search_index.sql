-- Low selectivity: the planner preferred it to a scan and was slower.
DROP INDEX IF EXISTS repositories_is_private;

-- Substring search (`q=`) through a trigram index instead of scanning every name.
CREATE VIRTUAL TABLE repo_search USING fts5(
    lower_name, description, content = 'repositories', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO repo_search (repo_search) VALUES ('rebuild');

CREATE TRIGGER repositories_search_insert AFTER INSERT ON repositories BEGIN
    INSERT INTO repo_search (rowid, lower_name, description) VALUES (new.id, new.lower_name, new.description);
END;
CREATE TRIGGER repositories_search_delete AFTER DELETE ON repositories BEGIN
    INSERT INTO repo_search (repo_search, rowid, lower_name, description)
        VALUES ('delete', old.id, old.lower_name, old.description);
END;
CREATE TRIGGER repositories_search_update AFTER UPDATE OF lower_name, description ON repositories BEGIN
    INSERT INTO repo_search (repo_search, rowid, lower_name, description)
        VALUES ('delete', old.id, old.lower_name, old.description);
    INSERT INTO repo_search (rowid, lower_name, description) VALUES (new.id, new.lower_name, new.description);
END;
