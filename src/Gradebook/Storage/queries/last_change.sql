-- The id of the newest change in the log (0 when it is empty): where a new live client starts.
SELECT COALESCE(MAX(id), 0) FROM result_changes_log;
