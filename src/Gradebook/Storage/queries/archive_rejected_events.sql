-- A period's rejections for its archive: on SQLite those of its batch rows.
SELECT id, batch_id, position, source, event_id, event_type, data, received_at, reason, NULL AS recorded_at
FROM rejected_events
WHERE batch_id <= @through
ORDER BY id;
