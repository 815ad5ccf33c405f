-- An instance says it is alive, by the database's clock, so instances' clocks need not agree, and names the sessions
-- (their backends' pids) that hold its feeds' leases: while it is alive no standby ends them (end_hung_lease.sql).
INSERT INTO instances (id, started_at, heartbeat_at, lease_pids)
VALUES (@id, now(), now(), @lease_pids)
ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, lease_pids = excluded.lease_pids;
