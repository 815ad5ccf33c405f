-- An archived batch row back in the raw record with its id; one already there is left as it is.
INSERT INTO raw_batches (id, source, event_count, events, outcomes)
VALUES (@id, @source, @event_count, @events, @outcomes)
ON CONFLICT DO NOTHING;
