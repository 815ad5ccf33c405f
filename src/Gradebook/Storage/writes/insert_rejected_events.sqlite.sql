-- SQLite's bulk path for the rejections list: a batch's rejected events bound as one JSON array of
-- [position, event_id, event_type, data, received_at, reason] rows and inserted by one statement.
INSERT INTO rejected_events (batch_id, position, source, event_id, event_type, data, received_at, reason)
SELECT @batch_id, value ->> 0, @source, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
FROM json_each(@events);
