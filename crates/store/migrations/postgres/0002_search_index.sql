-- Low selectivity: never worth it.
DROP INDEX IF EXISTS repositories_is_private;

-- Substring search (`q=`) through trigram indexes (pg_trgm is a trusted extension).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX repositories_lower_name_trgm ON repositories USING gin (lower_name gin_trgm_ops);
CREATE INDEX repositories_description_trgm ON repositories USING gin (LOWER(description) gin_trgm_ops);
