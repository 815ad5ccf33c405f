-- GET /ingestion/rejections: rejected events with their raw data and reason, oldest first.
-- Keyset paging on the rejection's id (@after = 0 for the first page).
SELECT id, source, event_id, event_type, data, reason, received_at
FROM rejected_events
WHERE id > @after
ORDER BY id
LIMIT @limit;
