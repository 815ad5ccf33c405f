-- A period's rejections for its archive: the rows of its partition.
SELECT id, batch_id, position, source, event_id, event_type, data, received_at, reason, NULLIF(recorded_at, '-infinity') AS recorded_at
FROM rejected_events
WHERE recorded_at >= CAST(COALESCE(@from_at, '-infinity') AS timestamptz) AND recorded_at < CAST(@to_at AS timestamptz)
ORDER BY id;
