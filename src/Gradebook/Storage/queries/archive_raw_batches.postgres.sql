-- A period's batch rows for its archive, in id order: the rows of its partition.
SELECT id, source, event_count, events, outcomes, NULLIF(recorded_at, '-infinity') AS recorded_at
FROM raw_batches
WHERE recorded_at >= CAST(COALESCE(@from_at, '-infinity') AS timestamptz) AND recorded_at < CAST(@to_at AS timestamptz)
ORDER BY id;
