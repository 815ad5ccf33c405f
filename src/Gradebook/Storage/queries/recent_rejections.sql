-- The dashboard's ingestion health: the newest rejected events, newest first (raw_events_rejected covers it).
SELECT id, source, event_id, event_type, data, reason, received_at
FROM raw_events
WHERE outcome = 'rejected'
ORDER BY id DESC
LIMIT @limit;
