-- A dropped period restored from its archive: rebuild may use it again.
DELETE FROM raw_record_drops
WHERE from_at IS NOT DISTINCT FROM CAST(@from_at AS timestamptz) AND to_at = CAST(@to_at AS timestamptz);
