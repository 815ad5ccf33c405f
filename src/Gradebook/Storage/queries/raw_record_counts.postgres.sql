-- How much of the raw record a period holds, for the log of drops: the rows of its partitions.
SELECT (SELECT COUNT(*) FROM raw_batches WHERE recorded_at >= CAST(COALESCE(@from_at, '-infinity') AS timestamptz) AND recorded_at < CAST(@to_at AS timestamptz)) AS batches,
       (SELECT COALESCE(SUM(event_count), 0) FROM raw_batches WHERE recorded_at >= CAST(COALESCE(@from_at, '-infinity') AS timestamptz) AND recorded_at < CAST(@to_at AS timestamptz)) AS events,
       (SELECT COUNT(*) FROM rejected_events WHERE recorded_at >= CAST(COALESCE(@from_at, '-infinity') AS timestamptz) AND recorded_at < CAST(@to_at AS timestamptz)) AS rejections,
       (SELECT COUNT(*) FROM imports WHERE recorded_at >= CAST(COALESCE(@from_at, '-infinity') AS timestamptz) AND recorded_at < CAST(@to_at AS timestamptz)) AS imports;
