-- Removes the changes a rebuild appended (those after the id hold_change_log.sql returned), in its transaction.
DELETE FROM result_changes_log WHERE id > @after;
