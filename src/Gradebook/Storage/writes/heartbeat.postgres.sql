-- An instance says it is alive, by the database's clock, so instances' clocks need not agree.
INSERT INTO instances (id, started_at, heartbeat_at)
VALUES (@id, now(), now())
ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at;
