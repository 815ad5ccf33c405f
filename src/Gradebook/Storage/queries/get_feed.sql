-- Where a feed resumes after a restart, how many events it has received, and how many ended in each outcome.
SELECT last_event_id, received, accepted, rejected, ignored
FROM feeds
WHERE source = @source;
