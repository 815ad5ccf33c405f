-- The raw record's batches whose text holds @needle: see student_batches.sqlite.sql.
SELECT id, source, events, outcomes
FROM raw_batches
WHERE strpos(events, @needle) > 0 AND id > @after
ORDER BY id
LIMIT @limit;
