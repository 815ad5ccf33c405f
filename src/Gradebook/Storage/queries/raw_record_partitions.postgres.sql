-- The partitions of the raw record's three tables with their bounds (from_at NULL: MINVALUE, the legacy partition of
-- migration 0016). The bounds are read back from the catalog's text of each partition's bound, as this session writes
-- timestamps, and cast again in the same session.
SELECT p.relname AS parent,
       c.relname AS name,
       substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \(''([^'']+)''\)')::timestamptz AS from_at,
       substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz AS to_at
FROM pg_inherits AS i
JOIN pg_class AS c ON c.oid = i.inhrelid
JOIN pg_class AS p ON p.oid = i.inhparent
WHERE p.relname IN ('raw_batches', 'rejected_events', 'imports')
  AND p.relnamespace = current_schema()::regnamespace
ORDER BY to_at, p.relname;
