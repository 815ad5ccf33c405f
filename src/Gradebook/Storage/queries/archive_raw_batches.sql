-- A period's batch rows for its archive, in id order (Retention/RawRecordArchive.cs): on SQLite every row up to the
-- period's last (@through), since retention takes the oldest day first.
SELECT id, source, event_count, events, outcomes, NULL AS recorded_at
FROM raw_batches
WHERE id <= @through
ORDER BY id;
