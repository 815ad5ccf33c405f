-- A rebuild takes the change log's lock before it merges anything and returns the newest id: the rows it appends from
-- there on are its own, and it removes them before committing (a rebuild appends nothing to the log).
UPDATE result_changes_log_lock SET writes = writes + 1
RETURNING (SELECT COALESCE(MAX(id), 0) FROM result_changes_log) AS last_id;
