-- Covers "repositories of these owners, public or not" without reading rows (counting what
-- a member of many organisations may reach).
CREATE INDEX repositories_owner_private ON repositories (owner_id, is_private);
