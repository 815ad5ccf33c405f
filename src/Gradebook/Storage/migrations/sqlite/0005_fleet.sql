-- The fleet: each running instance announces itself with a heartbeat, and each feed records the instance that owns it
-- (the lock that makes it the owner is held elsewhere: a lock file beside the database for SQLite).
CREATE TABLE instances (
    id           TEXT PRIMARY KEY,
    started_at   TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);

ALTER TABLE feeds ADD COLUMN owner TEXT;
