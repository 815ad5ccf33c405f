-- The first batch row from @id on, and when its first event was received: SQLite's raw record is dated by its events.
SELECT id, json_extract(events, '$[0][3]') AS at
FROM raw_batches
WHERE id >= @id
ORDER BY id
LIMIT 1;
