-- Every period retention dropped and no restore has brought back, oldest first.
SELECT from_at, to_at, dropped_at, counts, archive
FROM raw_record_drops
ORDER BY to_at;
