-- One chunk of a day's batch rows, the oldest @chunk up to @through, and their rejections: retention on SQLite.
DELETE FROM rejected_events
WHERE batch_id <= (SELECT MAX(id) FROM (SELECT id FROM raw_batches WHERE id <= @through ORDER BY id LIMIT @chunk));
DELETE FROM raw_batches
WHERE id IN (SELECT id FROM raw_batches WHERE id <= @through ORDER BY id LIMIT @chunk);
