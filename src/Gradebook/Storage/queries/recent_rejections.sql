-- The dashboard's ingestion health: the newest rejected events, newest first.
SELECT id, source, event_id, event_type, data, reason, received_at
FROM rejected_events
ORDER BY id DESC
LIMIT @limit;
