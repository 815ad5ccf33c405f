-- Instances whose last heartbeat is more recent than @timeout_seconds ago, by the database's clock.
SELECT id, started_at, heartbeat_at
FROM instances
WHERE heartbeat_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || @timeout_seconds || ' seconds')
ORDER BY id;
