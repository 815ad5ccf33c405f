-- The raw record in id order, a page at a time, for re-deriving everything from it.
SELECT id, source, event_type, data, received_at, outcome, reason
FROM raw_events
WHERE id > @after
ORDER BY id
LIMIT @limit;
