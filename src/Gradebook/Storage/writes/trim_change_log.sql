-- Keeps the newest @keep changes of the log (Live:RetainChanges), by id, so the delete is one range of the primary key.
DELETE FROM result_changes_log
WHERE id <= (SELECT MAX(id) FROM result_changes_log) - @keep;
