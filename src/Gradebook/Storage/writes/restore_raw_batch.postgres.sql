-- An archived batch row back in its partition with its id; one already there is left as it is.
INSERT INTO raw_batches (id, source, event_count, events, outcomes, recorded_at)
VALUES (@id, @source, @event_count, @events, @outcomes, CAST(@recorded_at AS timestamptz))
ON CONFLICT DO NOTHING;
