-- A period retention is about to drop, logged first: a drop that fails half way is logged too, and tried again.
INSERT INTO raw_record_drops (from_at, to_at, dropped_at, counts, archive)
VALUES (@from_at, @to_at, @dropped_at, @counts, @archive)
ON CONFLICT (from_at, to_at) DO UPDATE SET dropped_at = excluded.dropped_at, counts = excluded.counts, archive = excluded.archive;
