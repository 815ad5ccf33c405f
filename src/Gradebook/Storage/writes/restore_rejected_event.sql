-- An archived rejection back in the rejections list with its id.
INSERT INTO rejected_events (id, batch_id, position, source, event_id, event_type, data, received_at, reason)
VALUES (@id, @batch_id, @position, @source, @event_id, @event_type, @data, @received_at, @reason)
ON CONFLICT DO NOTHING;
