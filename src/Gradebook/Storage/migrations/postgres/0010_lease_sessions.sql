-- Each instance names, with every heartbeat, the server processes (pg_backend_pid) of the sessions that hold its feeds'
-- leases, so a standby can end the sessions of an instance that hangs (writes/end_hung_lease.postgres.sql).
ALTER TABLE instances ADD COLUMN lease_pids integer[] NOT NULL DEFAULT '{}';
