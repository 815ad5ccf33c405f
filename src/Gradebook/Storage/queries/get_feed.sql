-- Where a feed resumes after a restart, and its counts by outcome.
SELECT last_event_id, accepted, rejected, ignored
FROM feeds
WHERE source = @source;
