-- The fleet: each running instance announces itself with a heartbeat, and each feed records the instance that owns it
-- (the lock that makes it the owner is a session-level advisory lock held by the owner's writing connection).
CREATE TABLE instances (
    id           text PRIMARY KEY,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);

ALTER TABLE feeds ADD COLUMN owner text;
