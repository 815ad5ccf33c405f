-- Instances whose last heartbeat is more recent than @timeout_seconds ago, by the database's clock.
SELECT id, started_at, heartbeat_at
FROM instances
WHERE heartbeat_at > now() - make_interval(secs => @timeout_seconds)
ORDER BY id;
