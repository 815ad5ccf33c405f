-- A dropped period restored from its archive: rebuild may use it again.
DELETE FROM raw_record_drops WHERE from_at IS NOT DISTINCT FROM @from_at AND to_at = @to_at;
