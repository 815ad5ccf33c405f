INSERT INTO raw_events (source, event_id, event_type, data, received_at, outcome, reason)
VALUES (@source, @event_id, @event_type, @data, @received_at, @outcome, @reason);
