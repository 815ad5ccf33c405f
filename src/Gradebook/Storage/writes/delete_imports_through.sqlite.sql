-- One chunk of a day's documents, the oldest @chunk up to @through_import: retention on SQLite.
DELETE FROM imports
WHERE id IN (SELECT id FROM imports WHERE id <= @through_import ORDER BY id LIMIT @chunk);
