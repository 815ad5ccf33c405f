-- SQLite's bulk path for the raw record: the whole batch is bound once as a JSON array of
-- [event_id, event_type, data, received_at, outcome, reason] rows and inserted by one statement, in arrival order.
INSERT INTO raw_events (source, event_id, event_type, data, received_at, outcome, reason)
SELECT @source, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
FROM json_each(@events);
