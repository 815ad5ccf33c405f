-- The last statement of every write transaction: moves the data version forward, so cached answers and entity tags
-- of the version before no longer match. Returns the new version, which this process then knows without asking.
UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version;
