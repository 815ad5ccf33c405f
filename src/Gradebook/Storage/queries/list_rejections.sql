-- GET /ingestion/rejections: rejected events with their raw data and reason, oldest first.
-- Keyset paging on the raw record's id (@after = 0 for the first page); raw_events_rejected is a partial index on exactly these rows.
SELECT id, source, event_id, event_type, data, reason, received_at
FROM raw_events
WHERE outcome = 'rejected' AND id > @after
ORDER BY id
LIMIT @limit;
