-- Takes a feed's lease away from a hung owner: the session that holds the feed's advisory lock in this database is
-- terminated when it has begun or ended no statement for @timeout_seconds and no instance that said it was alive within
-- @timeout_seconds names it among its lease sessions (writes/heartbeat.postgres.sql), both by the database's clock.
-- A lease taken a moment ago is not named until its owner's next heartbeat, but its session is busy until then. Returns
-- the session ended, the instance that named it last, and for how long it had been quiet.
SELECT l.pid,
       (SELECT i.id FROM instances AS i WHERE l.pid = ANY (i.lease_pids) ORDER BY i.heartbeat_at DESC LIMIT 1) AS owner,
       extract(epoch FROM now() - a.state_change)::double precision AS quiet_seconds,
       pg_terminate_backend(l.pid) AS ended
FROM pg_locks AS l
JOIN pg_stat_activity AS a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid::bigint = (@key >> 32) & 4294967295 AND l.objid::bigint = @key & 4294967295
  AND a.state_change < now() - make_interval(secs => @timeout_seconds)
  AND NOT EXISTS (SELECT 1 FROM instances AS i
                  WHERE l.pid = ANY (i.lease_pids) AND i.heartbeat_at > now() - make_interval(secs => @timeout_seconds));
