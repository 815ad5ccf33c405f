-- An archived rejection back in its partition with its id.
INSERT INTO rejected_events (id, batch_id, position, source, event_id, event_type, data, received_at, reason, recorded_at)
VALUES (@id, @batch_id, @position, @source, @event_id, @event_type, @data, CAST(@received_at AS timestamptz), @reason, CAST(@recorded_at AS timestamptz))
ON CONFLICT DO NOTHING;
