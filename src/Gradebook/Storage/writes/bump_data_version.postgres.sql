-- The last statement of every write transaction: moves the data version forward, so cached answers and entity tags
-- of the version before no longer match, and announces the new version to every instance's DataVersionListener.
-- PostgreSQL delivers a notification only when its transaction commits, so no listener hears of a version before its
-- data is visible, and never of one rolled back.
-- Returns the new version, which this process then knows without waiting to hear it.
WITH bumped AS (
    UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version
)
SELECT version, pg_notify('gradebook_data_version', version::text) FROM bumped;
