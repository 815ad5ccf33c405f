-- A period's documents for its archive: the rows of its partition.
SELECT id, received_at, document, media_type, outcome, reason, result_count, client, NULLIF(recorded_at, '-infinity') AS recorded_at
FROM imports
WHERE recorded_at >= CAST(COALESCE(@from_at, '-infinity') AS timestamptz) AND recorded_at < CAST(@to_at AS timestamptz)
ORDER BY id;
