-- How much of the raw record a period holds, for the log of drops: on SQLite, the rows up to the period's last.
SELECT (SELECT COUNT(*) FROM raw_batches WHERE id <= @through) AS batches,
       (SELECT COALESCE(SUM(event_count), 0) FROM raw_batches WHERE id <= @through) AS events,
       (SELECT COUNT(*) FROM rejected_events WHERE batch_id <= @through) AS rejections,
       (SELECT COUNT(*) FROM imports WHERE id <= @through_import) AS imports;
